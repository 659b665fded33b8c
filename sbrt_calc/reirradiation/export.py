"""The summed EQD2 map written as an RT Dose on the new course's frame of reference.

DICOM PS3.3 C.8.8.3 (RT Dose module): Dose Units GY, Dose Type EFFECTIVE (a biologically weighted
dose, not a physical one), Dose Summation Type MULTI_PLAN (several courses), unsigned 32-bit pixels
times Dose Grid Scaling, so that a value read back differs from the computed one by at most half
the scaling. The Dose Comment says what the values are; Image Comments carry the assumptions.
The file is written through :mod:`sbrt_calc.atomic_write` and never replaces an input or a DICOM
file other than an earlier export of this kind.
"""

from __future__ import annotations

import errno
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sbrt_calc import __version__
from sbrt_calc.atomic_write import _fail, check_writable, kind_of, same_file, write_bytes_atomic

#: Dose Comment (LO: at most 64 characters) of every export.
DOSE_COMMENT = "Summed EQD2 (Gy), voxel alpha/beta - not a physical dose"
SERIES_DESCRIPTION = "sbrt-calc re-irradiation EQD2"
RT_DOSE_STORAGE = "1.2.840.10008.5.1.4.1.1.481.2"


def _check_target(path: str | os.PathLike[str], inputs: Sequence[str | os.PathLike[str]]) -> None:
    target = Path(path)
    for source in inputs:
        if source and same_file(target, source):
            raise _fail(target, f"it is one of this output's inputs ({source}); choose another name", errno.EEXIST)
    found = kind_of(target)
    if found is None:
        return
    if found == "dicom":
        import pydicom

        try:
            ds = pydicom.dcmread(target, stop_before_pixels=True)
            if ds.get("SeriesDescription") == SERIES_DESCRIPTION:
                return
        except Exception:  # noqa: BLE001 - unreadable: refused below
            pass
    raise _fail(target, f"it exists and is not an earlier sbrt-calc EQD2 export ({found}); choose another name",
                errno.EEXIST)


def eqd2_dataset(result: Any, description: str) -> Any:
    """The pydicom dataset of the summed EQD2 map of *result* (a ReirradiationResult)."""
    import pydicom
    from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
    from pydicom.uid import UID, ExplicitVRLittleEndian, generate_uid

    new = result.courses[-1]
    src = pydicom.dcmread(new.grid.path, stop_before_pixels=True)
    g = result.eqd2_map
    dose = np.asarray(g.dose, dtype=np.float64)
    if not np.isfinite(dose).all() or dose.min() < 0:
        raise ValueError("the summed EQD2 map holds a negative or non-finite value")
    top = float(dose.max())
    scaling = top / 4.0e9 if top > 0 else 1e-9
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = UID(RT_DOSE_STORAGE)
    uid = generate_uid()
    meta.MediaStorageSOPInstanceUID = uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset("", {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID, ds.SOPInstanceUID, ds.Modality = RT_DOSE_STORAGE, uid, "RTDOSE"
    for kw in ("PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyInstanceUID", "StudyDate",
               "StudyTime", "StudyID", "AccessionNumber", "ReferringPhysicianName"):
        if kw in src:
            setattr(ds, kw, src.get(kw))
    if "StudyInstanceUID" not in ds:
        ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.SeriesNumber = 1
    ds.SeriesDescription = SERIES_DESCRIPTION
    ds.FrameOfReferenceUID = g.frame_of_reference_uid
    ds.Manufacturer = "sbrt-calc"
    ds.SoftwareVersions = __version__
    ds.InstanceNumber = 1
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    nz, ny, nx = g.shape
    ds.Rows, ds.Columns, ds.NumberOfFrames = ny, nx, nz
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 32, 32, 31, 0
    dy, dx = g.spacing_mm
    ds.PixelSpacing = [dy, dx]
    ds.ImagePositionPatient = [float(g.x_mm[0]), float(g.y_mm[0]), float(g.z_mm[0])]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.SliceThickness = float(g.z_mm[1] - g.z_mm[0]) if nz > 1 else float(src.get("SliceThickness") or 0) or None
    ds.GridFrameOffsetVector = [float(v) for v in (np.asarray(g.z_mm) - g.z_mm[0])]
    ds.FrameIncrementPointer = 0x3004000C
    ds.DoseUnits, ds.DoseType, ds.DoseSummationType = "GY", "EFFECTIVE", "MULTI_PLAN"
    ds.DoseComment = DOSE_COMMENT
    ds.ImageComments = description[:10240]
    ds.DoseGridScaling = f"{scaling:.10e}"[:16]
    scaling = float(ds.DoseGridScaling)
    ds.PixelData = np.round(dose / scaling).astype("<u4").tobytes()
    refs = []
    for c in result.courses:
        try:
            cs = pydicom.dcmread(c.grid.path, stop_before_pixels=True)
        except Exception:  # noqa: BLE001 - the course was read before; a reference is optional
            continue
        for item in cs.get("ReferencedRTPlanSequence", []):
            r = Dataset()
            r.ReferencedSOPClassUID = item.get("ReferencedSOPClassUID", "1.2.840.10008.5.1.4.1.1.481.5")
            r.ReferencedSOPInstanceUID = item.get("ReferencedSOPInstanceUID", "")
            refs.append(r)
    if refs:
        from pydicom.sequence import Sequence as DSequence

        ds.ReferencedRTPlanSequence = DSequence(refs)
    return ds


def description_of(result: Any) -> str:
    """The assumptions written into the export (Image Comments)."""

    courses = "; ".join(f"{c.label}: {c.fractions} fractions" for c in result.courses)
    model = "LQ" if result.model == "lq" else f"LQ-L (transition dose {result.transition_dose_gy:g} Gy)"
    return (f"sbrt-calc {__version__}: cumulative EQD2 (Gy) of the courses {courses}, summed voxel by voxel under "
            f"{model} with the alpha/beta of each voxel's structure (lowest where structures overlap; voxels in "
            f"no structure {result.default_alpha_beta.alpha_beta_gy:g} Gy). Voxels outside an earlier course's "
            "grid hold 0 (dose unknown). " + " ".join(result.assumptions))


def write_eqd2_dose(path: str | os.PathLike[str], result: Any,
                    inputs: Sequence[str | os.PathLike[str]] = ()) -> Path:
    """Write the summed EQD2 map of *result* to *path* atomically; return the path.

    Raises
    ------
    WriteError
        The target is an input, another kind of file, or cannot be written.
    """
    target = check_writable(path)
    _check_target(target, inputs)
    ds = eqd2_dataset(result, description_of(result))
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return write_bytes_atomic(target, buf.getvalue())
