"""Read DICOM RT Dose and RT Structure Set files, guarded against huge and malformed input.

Elements used (DICOM PS3.3):

- RT Dose (C.8.8.3): Dose Grid Scaling (3004,000E), Grid Frame Offset Vector (3004,000C),
  Dose Units (3004,0002: GY or RELATIVE), Dose Summation Type (3004,000A: PLAN, MULTI_PLAN,
  FRACTION, BEAM, ...), Image Position/Orientation (Patient), Pixel Spacing, Frame of Reference
  UID, Referenced RT Plan Sequence (300C,0002).
- RT Structure Set (C.8.8.5/6/8): Structure Set ROI Sequence (3006,0020), ROI Contour Sequence
  (3006,0039) with Contour Geometric Type (3006,0042) and Contour Data (3006,0050), RT ROI
  Observations Sequence (3006,0080) with RT ROI Interpreted Type (3006,00A4).

Guards, applied before pydicom parses anything (:func:`safe_dcmread`): the file size is checked
against ``max_bytes``; a Deflated transfer syntax (1.2.840.10008.1.2.1.99) is inflated once in
bounded chunks and refused when it would exceed ``max_bytes`` (a deflate bomb); encapsulated
(compressed) pixel data in an RT Dose are refused; the pixel data size declared by Rows, Columns,
Number of Frames and Bits Allocated is checked before the pixels are decoded.
Only axial grids (Image Orientation (Patient) 1\\0\\0\\0\\1\\0) are read; others are refused.
pydicom is imported only when a file is read.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sbrt_calc.errors import DicomError

#: Largest DICOM file (and largest inflated deflated data set) read, bytes.
MAX_DICOM_BYTES = 512 * 1024 * 1024
DEFLATED = "1.2.840.10008.1.2.1.99"
NATIVE_SYNTAXES = ("1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", DEFLATED)
RT_DOSE_STORAGE = "1.2.840.10008.5.1.4.1.1.481.2"
RT_STRUCT_STORAGE = "1.2.840.10008.5.1.4.1.1.481.3"
PLAN_SUMMATIONS = ("PLAN", "MULTI_PLAN")
#: A RELATIVE grid read as a fraction of the prescription above this is refused (written in percent?).
MAX_RELATIVE = 3.0


def _pydicom() -> Any:
    try:
        import pydicom
    except ImportError:
        raise DicomError('reading DICOM needs pydicom: pip install "sbrt-calc[dicom]"', field="pydicom",
                         allowed='pip install "sbrt-calc[dicom]"') from None
    return pydicom


def _check_inflated_size(p: Path, pydicom: Any, max_bytes: int) -> None:
    """Inflate a deflated data set in bounded chunks; refuse it if it grows past *max_bytes*."""
    from pydicom.filereader import _read_file_meta_info, read_preamble

    with p.open("rb") as fp:
        read_preamble(fp, False)
        _read_file_meta_info(fp)
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        total = 0
        while chunk := fp.read(1 << 20):
            data = chunk
            while data:
                total += len(inflater.decompress(data, 1 << 24))
                if total > max_bytes:
                    raise DicomError(f"{p}: the deflated data set inflates to more than {max_bytes} bytes "
                                     "(a deflate bomb?); refused", field="file", value=str(p),
                                     allowed=f"at most {max_bytes} bytes inflated")
                data = inflater.unconsumed_tail


def safe_dcmread(path: str | Path, what: str, *, max_bytes: int | None = None,
                 stop_before_pixels: bool = False) -> Any:
    """Read a DICOM file with the size and deflate guards; every failure is a :class:`DicomError`.

    Parameters
    ----------
    path : str or Path
    what : str
        The expected kind ("RT Dose", "RT Structure Set", "RT Plan"), for messages.
    max_bytes : int
        Largest file, and largest inflated data set, accepted.
    """
    pydicom = _pydicom()
    max_bytes = MAX_DICOM_BYTES if max_bytes is None else max_bytes
    p = Path(path)
    if p.is_dir():   # not "no such file": it exists, as a folder (issue 20)
        raise DicomError(f"{p}: is a folder, not a DICOM {what} file", field="file", value=str(p),
                         allowed=f"a DICOM {what} file")
    if not p.is_file():
        raise DicomError(f"{p}: no such file", field="file", value=str(p), allowed=f"a DICOM {what} file")
    size = p.stat().st_size
    if size > max_bytes:
        raise DicomError(f"{p}: {size} bytes is larger than the {max_bytes}-byte limit for a DICOM file",
                         field="file", value=size, allowed=f"at most {max_bytes} bytes")
    try:
        meta = pydicom.filereader.read_file_meta_info(str(p))
        if str(meta.get("TransferSyntaxUID", "")) == DEFLATED:
            _check_inflated_size(p, pydicom, max_bytes)
    except DicomError:
        raise
    except Exception:  # noqa: BLE001, S110 - no file meta: dcmread below decides (it may still be DICOM)
        pass
    try:
        try:
            return pydicom.dcmread(str(p), stop_before_pixels=stop_before_pixels)
        except pydicom.errors.InvalidDicomError:
            # no preamble/'DICM' (older exports, pydicom's own rtstruct.dcm): read the bare data set;
            # the SOP Class / Modality check of the caller rejects anything that is not the kind asked for
            ds = pydicom.dcmread(str(p), stop_before_pixels=stop_before_pixels, force=True)
            if "SOPClassUID" not in ds and "Modality" not in ds:
                raise
            return ds
    except OSError as exc:
        raise DicomError(f"{p}: cannot read: {exc.strerror or exc}", field="file", value=str(p)) from None
    except Exception as exc:  # noqa: BLE001 - pydicom raises many types for bad files
        raise DicomError(f"{p}: not a readable DICOM file ({type(exc).__name__}: {exc})",
                         field="file", value=str(p), allowed=f"a DICOM {what} file") from None


def _kind(ds: Any, path: str, sop: str, modality: str, what: str) -> None:
    got_sop = str(ds.get("SOPClassUID", "") or "")
    got_mod = str(ds.get("Modality", "") or "")
    if got_sop != sop and got_mod != modality:
        raise DicomError(f"{path}: not an {what} (SOP Class UID {got_sop or 'missing'}, Modality "
                         f"{got_mod or 'missing'})", field="SOPClassUID", value=got_sop or None, allowed=sop)


def _floats(value: Any, name: str, path: str, count: int | None = None) -> np.ndarray:
    try:
        arr = np.asarray([float(v) for v in (value if value is not None else [])], dtype=float)
    except (TypeError, ValueError):
        raise DicomError(f"{path}: {name} is not a list of numbers", field=name, value=str(value)) from None
    if (count is not None and arr.size != count) or not np.all(np.isfinite(arr)):
        raise DicomError(f"{path}: {name} must hold {count or 'some'} finite numbers, got {value!r}",
                         field=name, value=str(value))
    return arr


def _contour_data(item: Any, name: str, path: str) -> np.ndarray:
    """Contour Data parsed from the raw bytes (pydicom's per-value DS conversion is 20x slower)."""
    elem = item.get_item(0x30060050)
    if elem is None:
        return np.zeros(0)
    raw = elem.value
    if isinstance(raw, (bytes, bytearray)):
        text = raw.decode("ascii", "replace").strip(" \0")
        try:
            arr = np.array(text.split("\\"), dtype=float) if text else np.zeros(0)
        except ValueError:
            raise DicomError(f"{path}: {name} is not a list of numbers", field=name) from None
        if not np.all(np.isfinite(arr)):
            raise DicomError(f"{path}: {name} holds a value that is not finite", field=name)
        return arr
    return _floats(item.get("ContourData"), name, path)


@dataclass(frozen=True)
class DoseGrid:
    """A dose grid on an axial lattice, voxel centres at ``x_mm[c], y_mm[r], z_mm[k]``.

    ``dose`` (float32, Gy or relative) has shape (nz, ny, nx), planes sorted by increasing z. ``units`` is ``"GY"`` or
    ``"RELATIVE"``; ``summation`` the Dose Summation Type. Use :func:`plan_dose_gy` to get a
    whole-plan dose in Gy.
    """

    path: str
    dose: np.ndarray
    x_mm: np.ndarray
    y_mm: np.ndarray
    z_mm: np.ndarray
    units: str
    summation: str
    frame_of_reference_uid: str
    sop_instance_uid: str
    referenced_plan_uids: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def shape(self) -> tuple[int, int, int]:
        nz, ny, nx = self.dose.shape
        return int(nz), int(ny), int(nx)

    @property
    def spacing_mm(self) -> tuple[float, float]:
        """(row spacing dy, column spacing dx), mm."""
        return float(self.y_mm[1] - self.y_mm[0]) if self.y_mm.size > 1 else 1.0, \
            float(self.x_mm[1] - self.x_mm[0]) if self.x_mm.size > 1 else 1.0

    def z_bounds_mm(self) -> np.ndarray:
        """Voxel boundaries in z (nz + 1): midpoints between planes, half a spacing at the ends."""
        z = self.z_mm
        if z.size == 1:
            dz = self.spacing_mm[0]
            return np.array([z[0] - dz / 2, z[0] + dz / 2])
        mid = (z[1:] + z[:-1]) / 2
        return np.concatenate([[z[0] - (z[1] - z[0]) / 2], mid, [z[-1] + (z[-1] - z[-2]) / 2]])

    def voxel_volume_cc(self) -> np.ndarray:
        """Volume of one voxel of each plane, cm3 (nz,)."""
        dy, dx = self.spacing_mm
        return np.diff(self.z_bounds_mm()) * dx * dy / 1000.0

    def same_geometry(self, other: DoseGrid) -> bool:
        return (self.shape == other.shape and self.frame_of_reference_uid == other.frame_of_reference_uid
                and all(np.allclose(a, b, atol=1e-3) for a, b in
                        ((self.x_mm, other.x_mm), (self.y_mm, other.y_mm), (self.z_mm, other.z_mm))))


def read_rtdose(path: str | Path, *, max_bytes: int | None = None) -> DoseGrid:
    """Read an RT Dose file as it is stored (scaled by Dose Grid Scaling, no other conversion).

    Raises
    ------
    DicomError
        Not an RT Dose, compressed pixel data, oblique grid, pixel data larger than the limit or
        not matching the header, missing Dose Grid Scaling / Grid Frame Offset Vector.
    """
    limit = MAX_DICOM_BYTES if max_bytes is None else max_bytes
    ds = safe_dcmread(path, "RT Dose", max_bytes=limit)
    p = str(path)
    try:
        return _dose_grid(ds, p, limit)
    except DicomError:
        raise
    except Exception as exc:  # noqa: BLE001 - malformed element values
        raise DicomError(f"{p}: malformed RT Dose ({type(exc).__name__}: {exc})", field="rtdose", value=p) from None


def _dose_grid(ds: Any, p: str, max_bytes: int) -> DoseGrid:
    _kind(ds, p, RT_DOSE_STORAGE, "RTDOSE", "RT Dose")
    syntax = str(getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", "1.2.840.10008.1.2.1"))
    if syntax not in NATIVE_SYNTAXES:
        raise DicomError(f"{p}: compressed pixel data (transfer syntax {syntax}) are not read; export the dose "
                         "uncompressed", field="TransferSyntaxUID", value=syntax, allowed="native (uncompressed)")
    if "PixelData" not in ds:
        raise DicomError(f"{p}: RT Dose without Pixel Data (7FE0,0010)", field="PixelData")
    rows, cols = int(ds.Rows), int(ds.Columns)
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    bits = int(ds.BitsAllocated)
    expected = rows * cols * frames * bits // 8
    if min(rows, cols, frames) < 1 or bits not in (16, 32, 64) or expected > max_bytes:
        raise DicomError(f"{p}: grid {frames}x{rows}x{cols} at {bits} bits is not a readable dose grid "
                         f"(limit {max_bytes} bytes)", field="PixelData", value=expected)
    if len(ds.PixelData) < expected:
        raise DicomError(f"{p}: Pixel Data holds {len(ds.PixelData)} bytes, the header declares {expected}",
                         field="PixelData", value=len(ds.PixelData), allowed=str(expected))
    orient = _floats(ds.get("ImageOrientationPatient"), "ImageOrientationPatient", p, 6)
    if not np.allclose(orient, [1, 0, 0, 0, 1, 0], atol=1e-4):
        raise DicomError(f"{p}: only axial dose grids (Image Orientation (Patient) 1\\0\\0\\0\\1\\0) are read, got "
                         f"{list(orient)}", field="ImageOrientationPatient", value=list(orient), allowed="1,0,0,0,1,0")
    ipp = _floats(ds.get("ImagePositionPatient"), "ImagePositionPatient", p, 3)
    spacing = _floats(ds.get("PixelSpacing"), "PixelSpacing", p, 2)
    if np.any(spacing <= 0):
        raise DicomError(f"{p}: Pixel Spacing must be > 0, got {list(spacing)}", field="PixelSpacing")
    if "DoseGridScaling" not in ds:
        raise DicomError(f"{p}: RT Dose lacks Dose Grid Scaling (3004,000E)", field="DoseGridScaling")
    scaling = float(ds.DoseGridScaling)
    if not np.isfinite(scaling) or scaling <= 0:
        raise DicomError(f"{p}: Dose Grid Scaling must be > 0, got {scaling}", field="DoseGridScaling")
    if frames > 1 or "GridFrameOffsetVector" in ds:
        offsets = _floats(ds.get("GridFrameOffsetVector"), "GridFrameOffsetVector (3004,000C)", p, frames)
    else:
        offsets = np.zeros(1)
    # PS3.3 C.8.8.3.2: offsets relative to the first plane (type a, first 0) or absolute z (type b)
    notes: list[str] = []
    if offsets[0] == 0:
        z = ipp[2] + offsets
    elif np.isclose(offsets[0], ipp[2], atol=1e-3):
        z = offsets.copy()
        notes.append("Grid Frame Offset Vector holds absolute z positions (PS3.3 C.8.8.3.2, type b)")
    else:
        raise DicomError(f"{p}: Grid Frame Offset Vector starts at {offsets[0]:g}, neither 0 (relative) nor the "
                         f"Image Position z {ipp[2]:g} (absolute)", field="GridFrameOffsetVector",
                         value=float(offsets[0]), allowed="first element 0 or the first plane's z")
    order = np.argsort(z, kind="stable")
    if np.any(np.diff(z[order]) <= 0):
        raise DicomError(f"{p}: Grid Frame Offset Vector has repeated planes", field="GridFrameOffsetVector")
    stored = ds.pixel_array.reshape(frames, rows, cols)
    del ds.PixelData  # the raw bytes are no longer needed
    arr = np.empty(stored.shape, dtype=np.float32)  # 7 significant digits: far below any dose tolerance
    np.multiply(stored, scaling, out=arr, casting="unsafe")
    del stored
    if not np.all(np.isfinite(arr)) or arr.min() < 0:
        raise DicomError(f"{p}: dose values must be finite and >= 0", field="PixelData")
    if np.any(order != np.arange(order.size)):
        arr = arr[order]
    x = ipp[0] + np.arange(cols) * spacing[1]
    y = ipp[1] + np.arange(rows) * spacing[0]
    refs = tuple(str(r.get("ReferencedSOPInstanceUID", "")) for r in ds.get("ReferencedRTPlanSequence", []) or [])
    return DoseGrid(p, arr, x, y, z[order], str(ds.get("DoseUnits", "") or "").upper(),
                    str(ds.get("DoseSummationType", "") or "").upper(), str(ds.get("FrameOfReferenceUID", "") or ""),
                    str(ds.get("SOPInstanceUID", "") or ""), refs, tuple(notes))


def plan_dose_gy(grid: DoseGrid, *, fractions: int | None, prescription_gy: float | None) -> tuple[DoseGrid, tuple[str, ...]]:
    """The whole-plan dose in Gy, with what was done to get it.

    - GY with summation PLAN or MULTI_PLAN: used as is.
    - Summation FRACTION: multiplied by *fractions* (said so); refused without a fraction count.
    - Summation BEAM, BRACHY, CONTROL_POINT, RECORD or other: refused (one beam's or one control
      point's dose is not the plan's; it is never summed silently).
    - RELATIVE units: taken as a fraction of the prescription (1.0 = *prescription_gy*) and scaled;
      refused without a prescription.
    """
    notes = list(grid.notes)
    dose = grid.dose
    if grid.summation == "FRACTION":
        if fractions is None:
            raise DicomError(f"{grid.path}: the dose grid is per fraction (Dose Summation Type FRACTION); give the "
                             "fraction count (an RT Plan or --fractions) to scale it", field="DoseSummationType",
                             value="FRACTION", allowed="PLAN, or FRACTION with a fraction count")
        dose = dose * fractions
        notes.append(f"per-fraction dose grid (Dose Summation Type FRACTION) multiplied by {fractions} fractions")
    elif grid.summation not in PLAN_SUMMATIONS:
        raise DicomError(f"{grid.path}: Dose Summation Type {grid.summation or 'missing'} is not a whole-plan dose; "
                         "export the plan dose (PLAN) from the planning system (doses are never summed here)",
                         field="DoseSummationType", value=grid.summation or None, allowed="PLAN or MULTI_PLAN")
    if grid.summation == "MULTI_PLAN":
        notes.append("dose grid is a MULTI_PLAN sum: limits for one course may not apply")
    if grid.units == "RELATIVE":
        if prescription_gy is None:
            raise DicomError(f"{grid.path}: the dose grid is RELATIVE (Dose Units); give the prescription "
                             "(an RT Plan or --prescription-gy) to convert it to Gy", field="DoseUnits",
                             value="RELATIVE", allowed="GY, or RELATIVE with a prescription")
        top = float(dose.max())
        if top > MAX_RELATIVE:
            raise DicomError(f"{grid.path}: the RELATIVE dose grid reaches {top:g}, more than {MAX_RELATIVE:g} times the "
                             "prescription if read as a fraction of it (percent?); export the dose in GY",
                             field="DoseUnits", value=top, allowed=f"relative values up to {MAX_RELATIVE:g}")
        dose = dose * prescription_gy
        notes.append(f"RELATIVE dose grid read as a fraction of the prescription (1.0 = {prescription_gy:g} Gy)")
    elif grid.units != "GY":
        raise DicomError(f"{grid.path}: Dose Units {grid.units or 'missing'} not understood", field="DoseUnits",
                         value=grid.units or None, allowed="GY or RELATIVE")
    return DoseGrid(grid.path, dose, grid.x_mm, grid.y_mm, grid.z_mm, "GY", grid.summation,
                    grid.frame_of_reference_uid, grid.sop_instance_uid, grid.referenced_plan_uids,
                    tuple(notes)), tuple(notes)


@dataclass(frozen=True)
class ContourPlane:
    """All closed polygons of one ROI on one axial plane (x, y in mm), filled by the even-odd rule."""

    z_mm: float
    polygons: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class Roi:
    """One ROI: number, name, RT ROI Interpreted Type and its closed planar contours by plane."""

    number: int
    name: str
    roi_type: str
    planes: tuple[ContourPlane, ...]
    frame_of_reference_uid: str = ""
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class StructureSet:
    """The ROIs of an RT Structure Set and what they refer to."""

    path: str
    rois: tuple[Roi, ...]
    frame_of_reference_uid: str
    sop_instance_uid: str
    notes: tuple[str, ...] = ()

    def roi(self, name: str) -> Roi:
        for r in self.rois:
            if r.name == name:
                return r
        raise DicomError(f"{self.path}: no structure named {name!r} (have: {', '.join(r.name for r in self.rois)})",
                         field="structure", value=name, allowed=", ".join(r.name for r in self.rois))


def read_rtstruct(path: str | Path, *, max_bytes: int | None = None) -> StructureSet:
    """Read the closed planar contours of an RT Structure Set.

    Contours that are not CLOSED_PLANAR (POINT, OPEN_PLANAR, ...) or have fewer than 3 points
    are skipped and listed in the ROI's notes; a contour whose points do not share one z is
    refused (only axial contours are read).
    """
    ds = safe_dcmread(path, "RT Structure Set", max_bytes=max_bytes)
    p = str(path)
    try:
        return _structure_set(ds, p)
    except DicomError:
        raise
    except Exception as exc:  # noqa: BLE001 - malformed element values
        raise DicomError(f"{p}: malformed RT Structure Set ({type(exc).__name__}: {exc})", field="rtstruct",
                         value=p) from None


def _structure_set(ds: Any, p: str) -> StructureSet:
    _kind(ds, p, RT_STRUCT_STORAGE, "RTSTRUCT", "RT Structure Set")
    info: dict[int, tuple[str, str]] = {}
    for item in ds.get("StructureSetROISequence", []) or []:
        info[int(item.ROINumber)] = (str(item.get("ROIName", "") or f"ROI {item.ROINumber}"),
                                     str(item.get("ReferencedFrameOfReferenceUID", "") or ""))
    if not info:
        raise DicomError(f"{p}: RT Structure Set has no Structure Set ROI Sequence (3006,0020)",
                         field="StructureSetROISequence")
    types = {int(o.ReferencedROINumber): str(o.get("RTROIInterpretedType", "") or "").upper()
             for o in ds.get("RTROIObservationsSequence", []) or [] if "ReferencedROINumber" in o}
    contours: dict[int, Any] = {int(c.ReferencedROINumber): c for c in ds.get("ROIContourSequence", []) or []
                                if "ReferencedROINumber" in c}
    rois = []
    for number, (name, frame) in info.items():
        notes: list[str] = []
        by_z: dict[float, list[np.ndarray]] = {}
        item = contours.get(number)
        for c in (item.get("ContourSequence", []) or []) if item is not None else []:
            kind = str(c.get("ContourGeometricType", "") or "")
            if kind != "CLOSED_PLANAR":
                notes.append(f"{kind or 'untyped'} contour skipped")
                continue
            pts = _contour_data(c, f"{name}: Contour Data (3006,0050)", p)
            if pts.size % 3 or pts.size < 9:
                notes.append("empty or degenerate contour (fewer than 3 points) skipped")
                continue
            pts = pts.reshape(-1, 3)
            if np.ptp(pts[:, 2]) > 0.01:
                raise DicomError(f"{p}: structure {name!r} has a contour whose points are not on one axial plane "
                                 f"(z {pts[:, 2].min():g} to {pts[:, 2].max():g} mm)", field="ContourData", value=name)
            by_z.setdefault(round(float(pts[0, 2]), 2), []).append(np.ascontiguousarray(pts[:, :2]))
        planes = tuple(ContourPlane(z, tuple(polys)) for z, polys in sorted(by_z.items()))
        if not planes:
            notes.append("no closed planar contour: empty structure")
        rois.append(Roi(number, name, types.get(number, ""), planes, frame, tuple(dict.fromkeys(notes))))
    frames = [str(f.get("FrameOfReferenceUID", "")) for f in ds.get("ReferencedFrameOfReferenceSequence", []) or []]
    return StructureSet(p, tuple(rois), frames[0] if frames else "", str(ds.get("SOPInstanceUID", "") or ""))
