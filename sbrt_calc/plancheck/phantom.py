"""Analytic SBRT phantom plans written as DICOM RT Dose / RT Structure Set / RT Plan (pydicom).

The dose is a function of the distance ``r`` from the PTV centre (origin of the patient frame)::

    r <= R :  D(r) = P (1 + a (1 - r^2 / R^2))        (a gentle dome, P at the PTV surface)
    r >  R :  D(r) = P exp(-mu (r - R))               (exponential fall-off)

so the prescription isodose is the PTV sphere (R100% = 1), the 50 % isodose a sphere of radius
``R + ln 2 / mu`` (R50% = ((R + ln 2/mu) / R)^3), the maximum dose 2 cm or more from the PTV is
``100 exp(-20 mu)`` % of P, and a cylindrical cord of radius ``rc`` along z with its axis at
distance ``dc`` from the centre has Dmax ``P exp(-mu (dc - rc - R))``. Contours are regular
polygons with many vertices on CT-like planes every ``slice_mm``.

Used by the tests, the benchmark and the documentation's examples; not by the checker itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

RT_PLAN_STORAGE = "1.2.840.10008.5.1.4.1.1.481.5"


@dataclass(frozen=True)
class Phantom:
    """Parameters of a phantom plan (mm, Gy)."""

    prescription_gy: float = 54.0
    fractions: int = 3
    ptv_radius_mm: float = 20.0
    dome: float = 0.15
    mu_per_mm: float = 0.0591
    cord_distance_mm: float = 50.0
    cord_radius_mm: float = 5.0
    cord_z_mm: tuple[float, float] = (-60.0, 60.0)
    gtv_radius_mm: float = 15.0
    lungs_box_mm: tuple[float, float, float, float, float, float] = (-80.0, 80.0, -70.0, 40.0, -55.0, 55.0)
    shape: tuple[int, int, int] = (72, 80, 80)
    spacing_mm: float = 2.5
    slice_mm: float = 2.5
    vertices: int = 128
    extra_spheres: int = 0
    dose_units: str = "GY"
    summation: str = "PLAN"
    frame_of_reference_uid: str = "1.2.826.0.1.3680043.8.498.14.1"
    struct_frame_of_reference_uid: str | None = None
    names: dict[str, str] = field(default_factory=dict)

    def dose_gy(self, r_mm: np.ndarray) -> np.ndarray:
        r = np.asarray(r_mm, dtype=float)
        p, big_r = self.prescription_gy, self.ptv_radius_mm
        inside = p * (1 + self.dome * (1 - (r / big_r) ** 2))
        return np.where(r <= big_r, inside, p * np.exp(-self.mu_per_mm * (r - big_r)))

    def grid_axes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        nz, ny, nx = self.shape
        h = self.spacing_mm
        # voxel centres offset by half a voxel from the origin: no centre on the PTV centre
        return ((np.arange(nx) - nx / 2 + 0.5) * h, (np.arange(ny) - ny / 2 + 0.5) * h,
                (np.arange(nz) - nz / 2 + 0.5) * h)

    def name(self, key: str) -> str:
        return self.names.get(key, key)


def _uid(suffix: str) -> str:
    return f"1.2.826.0.1.3680043.8.498.14.{suffix}"


def _base(modality: str, sop_class: str, sop_uid: str, frame: str) -> Any:
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import UID, ExplicitVRLittleEndian

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = UID(sop_class)
    meta.MediaStorageSOPInstanceUID = UID(sop_uid)
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset("", {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = sop_uid
    ds.Modality = modality
    ds.PatientName = "Phantom^SBRT"
    ds.PatientID = "PHANTOM14"
    ds.StudyInstanceUID = _uid("10")
    ds.SeriesInstanceUID = _uid("20." + str(sum(map(ord, modality))))
    ds.FrameOfReferenceUID = frame
    return ds


def _circle(cx: float, cy: float, radius: float, n: int, z: float) -> list[float]:
    t = np.arange(n) * 2 * math.pi / n
    pts = np.stack([cx + radius * np.cos(t), cy + radius * np.sin(t), np.full(n, z)], axis=1)
    return [float(v) for v in pts.ravel()]


def _rect(x0: float, x1: float, y0: float, y1: float, z: float) -> list[float]:
    return [x0, y0, z, x1, y0, z, x1, y1, z, x0, y1, z]


def structures(ph: Phantom) -> list[tuple[str, str, list[list[float]]]]:
    """(name, RT ROI Interpreted Type, contours) of the phantom."""
    nz = ph.shape[0]
    half_z = nz * ph.spacing_mm / 2
    zs = np.arange(-math.floor(half_z / ph.slice_mm) + 1, math.floor(half_z / ph.slice_mm)) * ph.slice_mm
    out: list[tuple[str, str, list[list[float]]]] = []

    def sphere(cx: float, cy: float, cz: float, radius: float) -> list[list[float]]:
        return [_circle(cx, cy, math.sqrt(radius**2 - (z - cz) ** 2), ph.vertices, float(z)) for z in zs
                if abs(z - cz) < radius - 1e-6]

    out.append((ph.name("PTV"), "PTV", sphere(0, 0, 0, ph.ptv_radius_mm)))
    out.append((ph.name("GTV"), "GTV", sphere(0, 0, 0, ph.gtv_radius_mm)))
    z0, z1 = ph.cord_z_mm
    out.append((ph.name("SpinalCord"), "ORGAN", [_circle(0.0, ph.cord_distance_mm, ph.cord_radius_mm, 64, float(z))
                                                 for z in np.arange(z0, z1 + 1e-6, ph.slice_mm)]))
    bx0, bx1, by0, by1, bz0, bz1 = ph.lungs_box_mm
    out.append((ph.name("Lungs"), "ORGAN", [_rect(bx0, bx1, by0, by1, float(z)) for z in zs if bz0 <= z <= bz1]))
    ext = ph.spacing_mm * min(ph.shape[1], ph.shape[2]) / 2 - 5
    out.append((ph.name("External"), "EXTERNAL", [_rect(-ext, ext, -ext, ext, float(z)) for z in zs]))
    rng = np.random.default_rng(14)
    for k in range(ph.extra_spheres):
        c = rng.uniform(-0.6, 0.6, 3) * ext
        out.append((f"Extra_{k + 1}", "ORGAN", sphere(float(c[0]), float(c[1]), float(c[2]),
                                                     float(rng.uniform(8, 30)))))
    return out


def _raw_text(tag: int, vr: str, text: str) -> Any:
    """A data element holding ``text`` as the bytes pydicom writes for it (ASCII, padded with a space to an even
    length): written as it is, never converted to pydicom's value objects."""
    from pydicom.dataelem import RawDataElement
    from pydicom.tag import Tag

    data = text.encode("ascii")
    if len(data) % 2:
        data += b" "
    return RawDataElement(Tag(tag), vr, len(data), data, 0, False, True)


def contour_item(data: list[float]) -> Any:
    """One Contour Sequence item: a CLOSED_PLANAR contour of the flat x,y,z point list ``data``, coordinates
    written with 4 decimals.

    The three values are raw elements of an item marked as explicit VR little endian (the files' encoding), so
    that pydicom writes their bytes as they are: the same bytes as pydicom's own DS/IS/CS values (one DS object,
    validated, per coordinate: 17,000 of them for a small phantom, four fifths of writing it), which pydicom
    makes from them when they are read."""
    from pydicom.charset import default_encoding
    from pydicom.dataset import Dataset

    c = Dataset()
    c.set_original_encoding(False, True, default_encoding)
    c[0x30060042] = _raw_text(0x30060042, "CS", "CLOSED_PLANAR")
    c[0x30060046] = _raw_text(0x30060046, "IS", str(len(data) // 3))
    c[0x30060050] = _raw_text(0x30060050, "DS", "\\".join([f"{v:.4f}" for v in data]))
    return c


def add_rois(rs: Any, rois: list[tuple[str, str, list[list[float]]]],
             contour: Callable[[list[float]], Any] = contour_item) -> None:
    """Fill an RT Structure Set's frame reference and its ROI, contour and observation sequences from
    ``(name, RT ROI Interpreted Type, [flat x,y,z contour point lists])``, all on ``rs.FrameOfReferenceUID``;
    ``contour`` makes each Contour Sequence item (:func:`contour_item`; a test gives pydicom's values instead)."""
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    frame = rs.FrameOfReferenceUID
    frame_item = Dataset()
    frame_item.FrameOfReferenceUID = frame
    rs.ReferencedFrameOfReferenceSequence = Sequence([frame_item])
    roi_seq, contour_seq, obs_seq = [], [], []
    for number, (name, kind, contours) in enumerate(rois, start=1):
        roi = Dataset()
        roi.ROINumber, roi.ROIName, roi.ReferencedFrameOfReferenceUID = number, name, frame
        roi_seq.append(roi)
        rc = Dataset()
        rc.ReferencedROINumber, rc.ContourSequence = number, Sequence([contour(data) for data in contours])
        contour_seq.append(rc)
        obs = Dataset()
        obs.ObservationNumber, obs.ReferencedROINumber, obs.RTROIInterpretedType = number, number, kind
        obs_seq.append(obs)
    rs.StructureSetROISequence = Sequence(roi_seq)
    rs.ROIContourSequence = Sequence(contour_seq)
    rs.RTROIObservationsSequence = Sequence(obs_seq)


def write_phantom(folder: str | Path, ph: Phantom | None = None) -> dict[str, Path]:
    """Write ``rtdose.dcm``, ``rtstruct.dcm`` and ``rtplan.dcm`` of *ph* into *folder*."""
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    ph = ph or Phantom()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    x, y, z = ph.grid_axes()
    zz, yy, xx = np.meshgrid(z, y, x, indexing="ij")
    dose = ph.dose_gy(np.sqrt(xx**2 + yy**2 + zz**2))
    if ph.summation == "FRACTION":
        dose = dose / ph.fractions
    if ph.dose_units == "RELATIVE":
        dose = dose / ph.prescription_gy
    scaling = float(dose.max()) / 4.0e9
    plan_uid, struct_uid, dose_uid = _uid("1001"), _uid("1002"), _uid("1003")

    rd = _base("RTDOSE", "1.2.840.10008.5.1.4.1.1.481.2", dose_uid, ph.frame_of_reference_uid)
    rd.SamplesPerPixel, rd.PhotometricInterpretation = 1, "MONOCHROME2"
    rd.Rows, rd.Columns, rd.NumberOfFrames = ph.shape[1], ph.shape[2], ph.shape[0]
    rd.BitsAllocated, rd.BitsStored, rd.HighBit, rd.PixelRepresentation = 32, 32, 31, 0
    rd.PixelSpacing = [ph.spacing_mm, ph.spacing_mm]
    rd.ImagePositionPatient = [float(x[0]), float(y[0]), float(z[0])]
    rd.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    rd.GridFrameOffsetVector = [float(v) for v in (z - z[0])]
    rd.FrameIncrementPointer = 0x3004000C
    rd.DoseUnits, rd.DoseType, rd.DoseSummationType = ph.dose_units, "PHYSICAL", ph.summation
    rd.DoseGridScaling = f"{scaling:.10e}"[:16]
    scaling = float(rd.DoseGridScaling)
    rd.PixelData = np.round(dose / scaling).astype("<u4").tobytes()
    ref = Dataset()
    ref.ReferencedSOPClassUID, ref.ReferencedSOPInstanceUID = RT_PLAN_STORAGE, plan_uid
    rd.ReferencedRTPlanSequence = Sequence([ref])
    rd.save_as(folder / "rtdose.dcm", enforce_file_format=True)

    rs = _base("RTSTRUCT", "1.2.840.10008.5.1.4.1.1.481.3", struct_uid,
               ph.struct_frame_of_reference_uid or ph.frame_of_reference_uid)
    rs.StructureSetLabel = "PHANTOM"
    add_rois(rs, structures(ph))
    rs.save_as(folder / "rtstruct.dcm", enforce_file_format=True)

    rp = _base("RTPLAN", RT_PLAN_STORAGE, plan_uid, ph.frame_of_reference_uid)
    rp.RTPlanLabel = "PHANTOM"
    dref = Dataset()
    dref.DoseReferenceNumber, dref.DoseReferenceStructureType, dref.DoseReferenceType = 1, "VOLUME", "TARGET"
    dref.DoseReferenceDescription, dref.TargetPrescriptionDose = "PTV", ph.prescription_gy
    rp.DoseReferenceSequence = Sequence([dref])
    fg = Dataset()
    fg.FractionGroupNumber, fg.NumberOfFractionsPlanned = 1, ph.fractions
    rp.FractionGroupSequence = Sequence([fg])
    sref = Dataset()
    sref.ReferencedSOPClassUID, sref.ReferencedSOPInstanceUID = "1.2.840.10008.5.1.4.1.1.481.3", struct_uid
    rp.ReferencedStructureSetSequence = Sequence([sref])
    rp.save_as(folder / "rtplan.dcm", enforce_file_format=True)
    return {"rtdose": folder / "rtdose.dcm", "rtstruct": folder / "rtstruct.dcm", "rtplan": folder / "rtplan.dcm"}
