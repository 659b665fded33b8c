"""Read DICOM RT Dose and RT Structure Set files, guarded against huge, truncated and malformed input.

Elements used (DICOM PS3.3):

- RT Dose (C.8.8.3): Dose Grid Scaling (3004,000E), Grid Frame Offset Vector (3004,000C),
  Dose Units (3004,0002: GY or RELATIVE), Dose Summation Type (3004,000A: PLAN, MULTI_PLAN,
  FRACTION, BEAM, ...), Image Position/Orientation (Patient), Pixel Spacing, Frame of Reference
  UID, Referenced RT Plan Sequence (300C,0002) > Referenced Fraction Group Sequence (300C,0020) >
  Referenced Beam Sequence (300C,0004) > Referenced Beam Number (300C,0006).
- RT Structure Set (C.8.8.5/6/8): Structure Set ROI Sequence (3006,0020), ROI Contour Sequence
  (3006,0039) with Contour Geometric Type (3006,0042), Number of Contour Points (3006,0046) and
  Contour Data (3006,0050), RT ROI Observations Sequence (3006,0080) with RT ROI Interpreted Type
  (3006,00A4).

What a file is, is decided by its SOP Class UID (0008,0016; PS3.4 B.5: RT Dose Storage
1.2.840.10008.5.1.4.1.1.481.2, RT Structure Set Storage ...481.3, RT Plan Storage ...481.5, RT Ion
Plan Storage ...481.8), or the File Meta's Media Storage SOP Class UID (0002,0002) when the data
set lacks it; the Modality alone decides only when neither is present (said so in the notes).

Guards, applied before pydicom parses anything (:func:`safe_dcmread`): the file size is checked
against ``max_bytes``; a Deflated transfer syntax (1.2.840.10008.1.2.1.99) is inflated once in
bounded chunks and refused when it would exceed ``max_bytes`` (a deflate bomb) or ends early; the
element structure of every other file is walked (:func:`structure_problem`: every declared length
fits in the file, every undefined-length sequence and item is closed) so that a truncated file is
recognised whatever pydicom makes of it; files without a File Meta header (PS3.10 7.1) are read
as pydicom can (``force=True``, encoding guessed as pydicom does) and then validated like any
other. In an RT Dose, encapsulated (compressed) pixel data are refused and the pixel data size
declared by Rows x Columns x Number of Frames x Bits Allocated is checked against
:data:`MAX_DOSE_VOXELS` and against the Pixel Data length before anything is decoded; the pixels
are decoded once into a float32 grid (no intermediate float64 copy).
Only axial grids (Image Orientation (Patient) 1\\0\\0\\0\\1\\0) are read; others are refused.
pydicom's own warnings are captured and returned in the notes, never printed.
pydicom is imported only when a file is read.
"""

from __future__ import annotations

import logging
import math
import mmap
import struct
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from sbrt_calc.errors import DicomError

#: Largest DICOM file (and largest inflated deflated data set) read, bytes.
MAX_DICOM_BYTES = 512 * 1024 * 1024
#: Largest dose grid decoded (voxels): 50 million voxels, 200 MB as float32 (e.g. 1 mm over 40 x 40 x 30 cm).
MAX_DOSE_VOXELS = 50_000_000
#: Largest |coordinate| accepted (mm): 100 m; anything larger is a damaged or absurd file.
MAX_COORD_MM = 1.0e5
#: Largest grid spacing accepted (mm); a dose grid coarser than 5 cm cannot grade SBRT.
MAX_SPACING_MM = 50.0
DEFLATED = "1.2.840.10008.1.2.1.99"
IMPLICIT_LE, EXPLICIT_LE, EXPLICIT_BE = "1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2"
NATIVE_SYNTAXES = (IMPLICIT_LE, EXPLICIT_LE, EXPLICIT_BE, DEFLATED)
RT_DOSE_STORAGE = "1.2.840.10008.5.1.4.1.1.481.2"
RT_STRUCT_STORAGE = "1.2.840.10008.5.1.4.1.1.481.3"
RT_PLAN_STORAGE = "1.2.840.10008.5.1.4.1.1.481.5"
RT_ION_PLAN_STORAGE = "1.2.840.10008.5.1.4.1.1.481.8"
#: The kinds read, by SOP Class UID (PS3.4 B.5) and, failing that, by Modality.
KINDS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "rtdose": ((RT_DOSE_STORAGE,), "RTDOSE", "RT Dose"),
    "rtstruct": ((RT_STRUCT_STORAGE,), "RTSTRUCT", "RT Structure Set"),
    "rtplan": ((RT_PLAN_STORAGE, RT_ION_PLAN_STORAGE), "RTPLAN", "RT Plan"),
}
_SOP_NAMES = {RT_DOSE_STORAGE: "RT Dose Storage", RT_STRUCT_STORAGE: "RT Structure Set Storage",
              RT_PLAN_STORAGE: "RT Plan Storage", RT_ION_PLAN_STORAGE: "RT Ion Plan Storage",
              "1.2.840.10008.5.1.4.1.1.2": "CT Image Storage", "1.2.840.10008.5.1.4.1.1.4": "MR Image Storage",
              "1.2.840.10008.5.1.4.1.1.481.1": "RT Image Storage",
              "1.2.840.10008.5.1.4.1.1.481.4": "RT Beams Treatment Record Storage",
              "1.2.840.10008.5.1.4.1.1.66.1": "Spatial Registration Storage"}
PLAN_SUMMATIONS = ("PLAN", "MULTI_PLAN")
#: How a folder's reading notes name DICOM objects a plan check does not use ("not used (CT image, 3 files)").
_OTHER_KIND_LABELS = {"1.2.840.10008.5.1.4.1.1.2": "CT image", "1.2.840.10008.5.1.4.1.1.2.1": "enhanced CT image",
                      "1.2.840.10008.5.1.4.1.1.4": "MR image", "1.2.840.10008.5.1.4.1.1.128": "PET image",
                      "1.2.840.10008.5.1.4.1.1.481.1": "RT Image", RT_ION_PLAN_STORAGE: "RT Ion Plan",
                      "1.2.840.10008.5.1.4.1.1.481.4": "RT treatment record",
                      "1.2.840.10008.5.1.4.1.1.66.1": "spatial registration",
                      "1.2.840.10008.5.1.4.1.1.66.3": "deformable spatial registration"}
#: Summation types holding one session (fraction) of the plan: multiplied by the fraction count.
SESSION_SUMMATIONS = ("FRACTION", "FRACTION_SESSION")
#: A RELATIVE grid read as a fraction of the prescription above this is refused (written in percent?).
MAX_RELATIVE = 3.0
#: After multiplying a per-fraction grid by the fraction count, a target mean dose above this many
#: times the prescription is warned about (the grid may hold whole-plan values: Pinnacle writes
#: FRACTION so). The program's choice, reasoned: a plan prescribed to the 50 % isodose or higher
#: (50 %: Leksell GammaPlan, the lowest in common use) has its maximum at most twice the
#: prescription, so its target mean is below twice it; a whole-plan grid multiplied by n >= 2
#: fractions puts a covered target's mean at n times its true mean, >= 2 times the prescription.
FRACTION_SANITY_MEAN_FACTOR = 2.0
#: The fallback when no target is known (reading a dose without a plan check): the grid maximum
#: above this many times the prescription is warned about (a maximum may reach twice the
#: prescription in a plan prescribed to the 50 % isodose; 2.5 leaves room above that).
FRACTION_SANITY_FACTOR = 2.5


def _pydicom() -> Any:
    try:
        import pydicom
    except ImportError:
        raise DicomError('reading DICOM needs pydicom: pip install "sbrt-calc[dicom]"', field="pydicom",
                         allowed='pip install "sbrt-calc[dicom]"') from None
    return pydicom


class _Collect(logging.Handler):
    def __init__(self, out: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.out = out

    def emit(self, record: logging.LogRecord) -> None:
        self.out.append(record.getMessage())


@contextmanager
def captured_warnings(notes: list[str], prefix: str = "") -> Iterator[None]:
    """Collect Python warnings and pydicom's log warnings raised inside the block into *notes*.

    Each message is added once (deduplicated), prefixed with *prefix* (e.g. the file name), so that
    pydicom's warnings become the program's warnings instead of noise on stderr.
    """
    got: list[str] = []
    handler = _Collect(got)
    logger = logging.getLogger("pydicom")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        logger.removeHandler(handler)
        got.extend(str(w.message) for w in caught)
        for msg in got:
            text = f"{prefix}pydicom: {' '.join(msg.split())}"
            if text not in notes:
                notes.append(text)


def _check_inflated_size(p: Path, pydicom: Any, max_bytes: int) -> None:
    """Inflate a deflated data set in bounded chunks; refuse it if it grows past *max_bytes* or ends early."""
    from pydicom.filereader import _read_file_meta_info, read_preamble

    with p.open("rb") as fp:
        read_preamble(fp, False)
        _read_file_meta_info(fp)
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        total = 0
        try:
            while chunk := fp.read(1 << 20):
                data = chunk
                while data:
                    total += len(inflater.decompress(data, 1 << 24))
                    if total > max_bytes:
                        raise DicomError(f"{p}: the deflated data set inflates to more than {max_bytes} bytes "
                                         "(a deflate bomb?); refused", field="file", value=str(p),
                                         allowed=f"at most {max_bytes} bytes inflated")
                    data = inflater.unconsumed_tail
        except zlib.error as exc:
            raise DicomError(f"{p}: the deflated data set is damaged ({exc})", field="file", value=str(p)) from None
        if not inflater.eof:
            raise DicomError(f"{p}: the deflated data set ends early: the file is truncated", field="file",
                             value=str(p), allowed="a complete DICOM file")


def _deflated_header(p: Path, pydicom: Any, head_bytes: int = 1 << 20) -> Any:
    """The elements before the Pixel Data of a deflated file, from its first inflated bytes only (None:
    not parsed). Lets the declared grid be checked before pydicom inflates the whole data set."""
    import io

    from pydicom.filereader import _read_file_meta_info, read_dataset, read_preamble

    with p.open("rb") as fp:
        read_preamble(fp, False)
        _read_file_meta_info(fp)
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        out = bytearray()
        try:
            while len(out) < head_bytes and (chunk := fp.read(1 << 16)):
                out += inflater.decompress(chunk, head_bytes - len(out))
        except zlib.error:
            return None
    try:
        return read_dataset(io.BytesIO(bytes(out)), False, True,
                            stop_when=lambda tag, vr, length: tag == 0x7FE00010)
    except Exception:  # noqa: BLE001 - a header longer than the bytes inflated: decided after the full read
        return None


_UNDEFINED = 0xFFFFFFFF
_LONG_VRS = frozenset(b"OB OD OF OL OV OW SQ SV UC UN UR UT UV".split())
_VRS = frozenset(b"AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR "
                 b"US UT UV".split())


def _data_set_start(fp: Any) -> tuple[int, str | None]:
    """Offset of the data set after the preamble and File Meta, and the Transfer Syntax UID (if any)."""
    from pydicom.filereader import _read_file_meta_info, read_preamble

    read_preamble(fp, True)
    meta = _read_file_meta_info(fp)
    ts = meta.get("TransferSyntaxUID")
    return fp.tell(), (str(ts) if ts else None)


def structure_problem(path: str | Path) -> str | None:
    """Walk the element structure of a DICOM file; say what is wrong, or None when it is complete.

    Checks that every element's declared length fits in the file (and in its enclosing sequence
    or item), that every undefined-length sequence and item is closed by its delimiter before
    the end of the file (PS3.5 7.1, 7.5, A.4) and that no element appears twice in one data set
    (PS3.5 7.1: a data set holds each tag once; pydicom would keep one of the two silently). Tags
    out of increasing order are not refused: real files have them (pydicom's no_meta.dcm, a GE
    private tag). A file cut anywhere in its data set fails this check, whatever pydicom makes of
    the rest. Deflated files are checked by inflating them instead. A file
    without File Meta is walked in each encoding pydicom may guess (explicit or implicit VR, little
    or big endian); it is complete when one of them walks to the end.
    """
    p = Path(path)
    with p.open("rb") as fp:
        try:
            start, ts = _data_set_start(fp)
        except Exception as exc:  # noqa: BLE001 - a damaged File Meta
            return f"the File Meta header is damaged ({type(exc).__name__})"
        if ts == DEFLATED:
            return None
        size = p.stat().st_size
        if size <= start:
            return "no data set after the header"
        with mmap.mmap(fp.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            if ts is not None and ts in (IMPLICIT_LE, EXPLICIT_LE, EXPLICIT_BE):
                return _walk(buf, start, size, ts == IMPLICIT_LE, ts != EXPLICIT_BE)
            explicit_first = bytes(buf[start + 4:start + 6]) in _VRS
            first: str | None = None
            for implicit, little in ((not explicit_first, True), (explicit_first, True), (False, False), (True, False)):
                problem = _walk(buf, start, size, implicit, little)
                if problem is None:
                    return None
                first = first or problem
            return first


def _walk(buf: Any, pos: int, end: int, implicit: bool, little: bool) -> str | None:
    e = "<" if little else ">"
    u16, u32, tag_fmt = struct.Struct(e + "H"), struct.Struct(e + "I"), struct.Struct(e + "HH")
    # open containers: (kind, end, implicit); kind "seq"/"item" undefined length, "def" defined length,
    # "frag" encapsulated pixel data (items are opaque fragments)
    stack: list[tuple[str, int, bool]] = []
    seen: list[set[int]] = [set()]  # the tags of each open data set (top level, items): none twice
    while True:
        while stack and stack[-1][0] in ("def", "defitem") and pos == stack[-1][1]:
            kind, _, implicit = stack.pop()
            if kind == "defitem":
                seen.pop()
        if stack and stack[-1][0] in ("def", "defitem") and pos > stack[-1][1]:
            return f"an element at byte {pos} overruns its enclosing sequence or item"
        if pos >= end:
            break
        if pos + 8 > end:
            if not stack and not any(bytes(buf[pos:end])):
                break  # trailing zero padding
            return f"the file ends inside an element header at byte {pos}"
        group, elem = tag_fmt.unpack_from(buf, pos)
        if group == 0xFFFE:
            length = u32.unpack_from(buf, pos + 4)[0]
            pos += 8
            if elem == 0xE000:
                if stack and stack[-1][0] == "frag":
                    if length == _UNDEFINED or pos + length > end:
                        return f"a pixel data fragment at byte {pos - 8} runs past the end of the file"
                    pos += length
                elif length == _UNDEFINED:
                    stack.append(("item", 0, implicit))
                    seen.append(set())
                elif pos + length > end:
                    return f"an item at byte {pos - 8} declares {length} bytes, only {end - pos} remain"
                else:
                    stack.append(("defitem", pos + length, implicit))
                    seen.append(set())
            elif elem == 0xE00D:
                if not stack or stack[-1][0] != "item":
                    return f"an item delimiter at byte {pos - 8} outside an item"
                stack.pop()
                seen.pop()
            elif elem == 0xE0DD:
                if not stack or stack[-1][0] not in ("seq", "frag"):
                    return f"a sequence delimiter at byte {pos - 8} outside a sequence"
                implicit = stack.pop()[2]
            else:
                return f"unknown item tag (FFFE,{elem:04X}) at byte {pos - 8}"
            continue
        tag = group << 16 | elem
        if tag in seen[-1]:
            return f"element ({group:04X},{elem:04X}) at byte {pos} appears twice in one data set"
        seen[-1].add(tag)
        if implicit:
            vr = b""
            length = u32.unpack_from(buf, pos + 4)[0]
            pos += 8
        else:
            vr = bytes(buf[pos + 4:pos + 6])
            if vr in _LONG_VRS:
                if pos + 12 > end:
                    return f"the file ends inside an element header at byte {pos}"
                length = u32.unpack_from(buf, pos + 8)[0]
                pos += 12
            else:
                length = u16.unpack_from(buf, pos + 6)[0]
                pos += 8
        if length == _UNDEFINED:
            if vr in (b"OB", b"OW") or (group, elem) == (0x7FE0, 0x0010):
                stack.append(("frag", 0, implicit))  # encapsulated pixel data: fragments up to a delimiter
            else:
                stack.append(("seq", 0, implicit))  # SQ (or UN: implicit VR inside, PS3.5 6.2.2)
                implicit = implicit or vr == b"UN"
            continue
        if pos + length > end:
            return (f"element ({group:04X},{elem:04X}) declares {length} bytes at byte {pos}, only {end - pos} "
                    "remain: the file is truncated")
        if vr == b"SQ":
            stack.append(("def", pos + length, implicit))  # walk into the items
        else:
            pos += length
    if stack:
        return "the file ends inside a sequence or item (no delimiter): the file is truncated"
    return None


def safe_dcmread(path: str | Path, what: str, *, max_bytes: int | None = None,
                 stop_before_pixels: bool = False, notes: list[str] | None = None,
                 defer_size: int | None = None, complete: bool = True, max_inflated: int | None = None,
                 header_check: Any = None) -> Any:
    """Read a DICOM file with the size, deflate and truncation guards; every failure is a :class:`DicomError`.

    Parameters
    ----------
    path : str or Path
    what : str
        The expected kind ("RT Dose", "RT Structure Set", "RT Plan"), for messages.
    max_bytes : int
        Largest file, and largest inflated data set, accepted.
    notes : list of str, optional
        Receives pydicom's warnings (and, when *complete* is False, a truncation found).
    defer_size : int, optional
        Element values larger than this are read only when used (pydicom's ``defer_size``).
    complete : bool
        Refuse a file whose element structure is incomplete (truncated); when False it is only noted.
    max_inflated : int, optional
        Largest inflated data set of a deflated file (default *max_bytes*).
    header_check : callable, optional
        Called with the elements before the Pixel Data of a deflated file, parsed from its first
        inflated megabyte, before the whole data set is inflated (e.g. to refuse a declared grid
        larger than the cap without inflating it).
    """
    pydicom = _pydicom()
    max_bytes = MAX_DICOM_BYTES if max_bytes is None else max_bytes
    notes = [] if notes is None else notes
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
    with captured_warnings(notes, f"{p.name}: "):
        try:
            meta = pydicom.filereader.read_file_meta_info(str(p))
            if str(meta.get("TransferSyntaxUID", "")) == DEFLATED:
                if header_check is not None:
                    head = _deflated_header(p, pydicom)
                    if head is not None:
                        header_check(head)
                _check_inflated_size(p, pydicom, max_bytes if max_inflated is None else min(max_bytes, max_inflated))
        except DicomError:
            raise
        except Exception:  # noqa: BLE001, S110 - no file meta: dcmread below decides (it may still be DICOM)
            pass
        try:
            problem = structure_problem(p)
        except OSError as exc:
            raise DicomError(f"{p}: cannot read: {exc.strerror or exc}", field="file", value=str(p)) from None
        try:
            try:
                ds = pydicom.dcmread(str(p), stop_before_pixels=stop_before_pixels, defer_size=defer_size)
            except pydicom.errors.InvalidDicomError:
                # no preamble/'DICM' (older exports, Monaco, pydicom's own rtstruct.dcm): read the bare data set;
                # the SOP Class / Modality check of the caller rejects anything that is not the kind asked for
                ds = pydicom.dcmread(str(p), stop_before_pixels=stop_before_pixels, force=True, defer_size=defer_size)
                if "SOPClassUID" not in ds and "Modality" not in ds:
                    raise
                notes.append(f"{p.name}: no DICOM File Meta header (PS3.10): read as a bare data set")
        except OSError as exc:
            raise DicomError(f"{p}: cannot read: {exc.strerror or exc}", field="file", value=str(p)) from None
        except Exception as exc:  # noqa: BLE001 - pydicom raises many types for bad files
            text = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
            if problem is not None:
                text += f"; {problem}"
            raise DicomError(f"{p}: not a readable DICOM file ({text})",
                             field="file", value=str(p), allowed=f"a DICOM {what} file") from None
        if problem is not None:
            if complete:
                raise DicomError(f"{p}: not a complete DICOM {what} file: {problem}", field="file", value=str(p),
                                 allowed=f"a complete DICOM {what} file")
            notes.append(f"{p.name}: the file is incomplete ({problem}); only the elements read were used")
        return ds


def sop_class_of(ds: Any) -> str:
    """The SOP Class UID of a data set, from (0008,0016) or, failing that, the File Meta's (0002,0002)."""
    sop = str(ds.get("SOPClassUID", "") or "").strip()
    if not sop:
        meta = getattr(ds, "file_meta", None)
        sop = str(meta.get("MediaStorageSOPClassUID", "") or "").strip() if meta is not None else ""
    return sop


def kind_of(ds: Any) -> str | None:
    """``"rtdose"``, ``"rtstruct"``, ``"rtplan"`` or None, by SOP Class UID (Modality only when no SOP Class)."""
    sop = sop_class_of(ds)
    for kind, (sops, modality, _) in KINDS.items():
        if sop in sops or (not sop and str(ds.get("Modality", "") or "") == modality):
            return kind
    return None


def other_kind_label(ds: Any) -> str:
    """A short name for a DICOM object a plan check does not use ("CT image", "spatial registration"): by its
    SOP Class UID, else pydicom's name for that UID, else its Modality."""
    sop = sop_class_of(ds)
    if sop in _OTHER_KIND_LABELS:
        return _OTHER_KIND_LABELS[sop]
    if sop:
        name = str(getattr(_pydicom().uid.UID(sop), "name", "") or "")
        return name.removesuffix(" Storage") if name and name != sop else f"SOP Class UID {sop}"
    modality = str(ds.get("Modality", "") or "").strip()
    return f"Modality {modality}" if modality else "unknown kind"


def check_kind(ds: Any, path: str, kind: str, notes: list[str] | None = None) -> None:
    """Refuse a data set that is not of *kind* (``rtdose``, ``rtstruct``, ``rtplan``) by its SOP Class UID.

    A data set without any SOP Class UID is accepted on its Modality, said so in *notes*.
    """
    sops, modality, what = KINDS[kind]
    sop = sop_class_of(ds)
    got_mod = str(ds.get("Modality", "") or "")
    if sop:
        if sop not in sops:
            name = _SOP_NAMES.get(sop, "")
            raise DicomError(f"{path}: not an {what} (SOP Class UID {sop}{f' {name}' if name else ''}, Modality "
                             f"{got_mod or 'missing'}); expected {' or '.join(sops)}", field="SOPClassUID",
                             value=sop, allowed=" or ".join(sops))
        if got_mod and got_mod != modality and notes is not None:
            notes.append(f"{Path(path).name}: Modality {got_mod} on an {what} (SOP Class UID {sop}): read as an {what}")
        return
    if got_mod != modality:
        raise DicomError(f"{path}: not an {what} (no SOP Class UID (0008,0016), Modality {got_mod or 'missing'})",
                         field="SOPClassUID", value=None, allowed=" or ".join(sops))
    if notes is not None:
        notes.append(f"{Path(path).name}: no SOP Class UID (0008,0016): taken as an {what} by its Modality {modality}")


def _floats(value: Any, name: str, path: str, count: int | None = None, *, limit: float = MAX_COORD_MM) -> np.ndarray:
    if value is None:
        value = []
    elif isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        value = [value]  # pydicom gives a one-value multi-valued element as a single value
    try:
        arr = np.asarray([float(v) for v in value], dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise DicomError(f"{path}: {name} is not a list of numbers", field=name, value=str(value)[:80]) from None
    if (count is not None and arr.size != count) or not np.all(np.isfinite(arr)):
        raise DicomError(f"{path}: {name} must hold {count or 'some'} finite numbers, got {str(list(value))[:80]}",
                         field=name, value=str(value)[:80])
    if arr.size and float(np.max(np.abs(arr))) > limit:
        raise DicomError(f"{path}: {name} holds {float(np.max(np.abs(arr))):g}, beyond the {limit:g} allowed "
                         "(a damaged file?)", field=name, value=float(np.max(np.abs(arr))), allowed=f"|value| <= {limit:g}")
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
    else:
        arr = _floats(item.get("ContourData"), name, path, limit=math.inf)
    if not np.all(np.isfinite(arr)):
        raise DicomError(f"{path}: {name} holds a value that is not finite", field=name)
    if arr.size and float(np.max(np.abs(arr))) > MAX_COORD_MM:
        raise DicomError(f"{path}: {name} holds a coordinate of {float(np.max(np.abs(arr))):g} mm, beyond the "
                         f"{MAX_COORD_MM:g} mm allowed (a damaged file?)", field=name,
                         value=float(np.max(np.abs(arr))), allowed=f"|coordinate| <= {MAX_COORD_MM:g} mm")
    return arr


def _geometric_type(item: Any) -> str:
    """Contour Geometric Type (3006,0042): the common CLOSED_PLANAR read from the raw bytes, the rest by pydicom."""
    elem = item.get_item(0x30060042)
    if elem is not None and isinstance(elem.value, (bytes, bytearray)) and elem.value in (b"CLOSED_PLANAR",
                                                                                          b"CLOSED_PLANAR "):
        return "CLOSED_PLANAR"
    return str(item.get("ContourGeometricType", "") or "")


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
    referenced_beam_numbers: tuple[int, ...] = ()

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


def read_rtdose(path: str | Path, *, max_bytes: int | None = None, max_voxels: int | None = None) -> DoseGrid:
    """Read an RT Dose file as it is stored (scaled by Dose Grid Scaling, no other conversion).

    Parameters
    ----------
    path : str or Path
    max_bytes : int, optional
        Largest file accepted (default :data:`MAX_DICOM_BYTES`).
    max_voxels : int, optional
        Largest grid decoded (default :data:`MAX_DOSE_VOXELS`), checked on the header before any
        pixel is read.

    Raises
    ------
    DicomError
        Not an RT Dose (by SOP Class UID), truncated, compressed pixel data, oblique grid, pixel data
        larger than the limit or not matching the header, absurd coordinates or spacings, missing
        Dose Grid Scaling / Grid Frame Offset Vector.
    """
    limit = MAX_DICOM_BYTES if max_bytes is None else max_bytes
    voxels = MAX_DOSE_VOXELS if max_voxels is None else max_voxels
    notes: list[str] = []
    # a deflated data set is inflated whole by pydicom: bounded by the largest grid decoded, plus room for the header
    ds = safe_dcmread(path, "RT Dose", max_bytes=limit, notes=notes, defer_size=64 * 1024,
                      max_inflated=voxels * 4 + 64 * 1024 * 1024,
                      header_check=lambda head: _check_declared_grid(head, str(path), voxels))
    p = str(path)
    try:
        with captured_warnings(notes, f"{Path(p).name}: "):
            grid = _dose_grid(ds, p, voxels, notes)
        return replace(grid, notes=tuple(dict.fromkeys(notes)))  # with the warnings captured up to the end
    except DicomError:
        raise
    except Exception as exc:  # noqa: BLE001 - malformed element values
        text = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        raise DicomError(f"{p}: malformed RT Dose ({text})", field="rtdose", value=p) from None


def _syntax(ds: Any) -> str:
    meta = getattr(ds, "file_meta", None)
    ts = str(meta.get("TransferSyntaxUID", "") or "") if meta is not None else ""
    if ts:
        return ts
    implicit, little = getattr(ds, "original_encoding", (None, None))  # no File Meta: as pydicom read it
    if implicit is None:
        return EXPLICIT_LE
    return IMPLICIT_LE if implicit else (EXPLICIT_LE if little else EXPLICIT_BE)


def _int(ds: Any, keyword: str, p: str, default: int | None = None) -> int:
    value = ds.get(keyword, default)
    if value is None or str(value).strip() == "":
        if default is not None:
            return default
        raise DicomError(f"{p}: RT Dose lacks {keyword}", field=keyword)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DicomError(f"{p}: {keyword} must be a whole number, got {str(value)[:40]!r}", field=keyword,
                         value=str(value)[:40]) from None


def _beams(ds: Any) -> tuple[int, ...]:
    out: list[int] = []
    for plan in ds.get("ReferencedRTPlanSequence", []) or []:
        for group in plan.get("ReferencedFractionGroupSequence", []) or []:
            for beam in group.get("ReferencedBeamSequence", []) or []:
                n = beam.get("ReferencedBeamNumber")
                if n is not None and str(n).strip() != "":
                    out.append(int(n))
    return tuple(out)


def _check_declared_grid(ds: Any, p: str, max_voxels: int) -> None:
    """Refuse a grid whose Rows x Columns x Number of Frames exceeds *max_voxels*, from the header alone."""
    try:
        rows, cols = _int(ds, "Rows", p, 1), _int(ds, "Columns", p, 1)
        frames = _int(ds, "NumberOfFrames", p, 1)
    except DicomError:
        return  # decided by the full read
    if rows * cols * frames > max_voxels:
        raise DicomError(f"{p}: a dose grid of {frames}x{rows}x{cols} = {rows * cols * frames} voxels is larger than "
                         f"the {max_voxels}-voxel limit; refused before decoding", field="PixelData",
                         value=rows * cols * frames, allowed=f"at most {max_voxels} voxels")


def _dose_grid(ds: Any, p: str, max_voxels: int, notes: list[str]) -> DoseGrid:
    check_kind(ds, p, "rtdose", notes)
    syntax = _syntax(ds)
    if syntax not in NATIVE_SYNTAXES:
        raise DicomError(f"{p}: compressed pixel data (transfer syntax {syntax}) are not read; export the dose "
                         "uncompressed", field="TransferSyntaxUID", value=syntax, allowed="native (uncompressed)")
    elem = ds.get_item(0x7FE00010)
    if elem is None:
        raise DicomError(f"{p}: RT Dose without Pixel Data (7FE0,0010)", field="PixelData")
    rows, cols = _int(ds, "Rows", p), _int(ds, "Columns", p)
    frames = _int(ds, "NumberOfFrames", p, 1)
    bits = _int(ds, "BitsAllocated", p)
    stored_bits = _int(ds, "BitsStored", p, bits)
    signed = _int(ds, "PixelRepresentation", p, 0)
    samples = _int(ds, "SamplesPerPixel", p, 1)
    # PS3.3 C.8.8.3.4: Bits Allocated 16 or 32, Bits Stored = Bits Allocated, one sample per pixel
    if min(rows, cols, frames) < 1 or bits not in (16, 32) or stored_bits != bits or samples != 1 \
            or signed not in (0, 1):
        raise DicomError(f"{p}: grid {frames}x{rows}x{cols} at {bits} bits ({stored_bits} stored, {samples} "
                         f"sample(s), Pixel Representation {signed}) is not a readable dose grid", field="PixelData",
                         value=f"{frames}x{rows}x{cols}x{bits}", allowed="16 or 32 bits, one sample, >= 1 row/column")
    voxels = rows * cols * frames
    _check_declared_grid(ds, p, max_voxels)
    expected = voxels * bits // 8
    length = getattr(elem, "length", None)
    if length is None or getattr(elem, "value", None) is not None:
        length = len(ds.PixelData)
    if length == _UNDEFINED:
        raise DicomError(f"{p}: encapsulated (compressed) pixel data are not read; export the dose uncompressed",
                         field="PixelData")
    if length not in (expected, expected + 1):
        raise DicomError(f"{p}: Pixel Data holds {length} bytes, the header declares {expected} "
                         f"({frames} frames x {rows} rows x {cols} columns x {bits} bits)", field="PixelData",
                         value=length, allowed=str(expected))
    orient = _floats(ds.get("ImageOrientationPatient"), "ImageOrientationPatient", p, 6)
    if not np.allclose(orient, [1, 0, 0, 0, 1, 0], atol=1e-4):
        raise DicomError(f"{p}: only axial dose grids (Image Orientation (Patient) 1\\0\\0\\0\\1\\0) are read, got "
                         f"{list(orient)}", field="ImageOrientationPatient", value=list(orient), allowed="1,0,0,0,1,0")
    ipp = _floats(ds.get("ImagePositionPatient"), "ImagePositionPatient", p, 3)
    spacing = _floats(ds.get("PixelSpacing"), "PixelSpacing", p, 2)
    if np.any(spacing <= 0) or np.any(spacing > MAX_SPACING_MM):
        raise DicomError(f"{p}: Pixel Spacing must be > 0 and <= {MAX_SPACING_MM:g} mm, got {list(spacing)}",
                         field="PixelSpacing", value=list(spacing), allowed=f"0-{MAX_SPACING_MM:g} mm")
    if "DoseGridScaling" not in ds:
        raise DicomError(f"{p}: RT Dose lacks Dose Grid Scaling (3004,000E)", field="DoseGridScaling")
    scaling = float(ds.DoseGridScaling)
    if not np.isfinite(scaling) or scaling <= 0:
        raise DicomError(f"{p}: Dose Grid Scaling must be > 0, got {scaling}", field="DoseGridScaling")
    if frames > 1 or "GridFrameOffsetVector" in ds:
        offsets = _floats(ds.get("GridFrameOffsetVector"), "Grid Frame Offset Vector (3004,000C)", p, frames)
    else:
        offsets = np.zeros(1)
    # PS3.3 C.8.8.3.2: offsets relative to the first plane (type a, first 0) or absolute z (type b)
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
    if frames > 1:
        gaps = np.diff(z[order])
        if np.any(gaps <= 0):
            raise DicomError(f"{p}: Grid Frame Offset Vector has repeated planes", field="GridFrameOffsetVector")
        if gaps.max() > MAX_SPACING_MM:
            raise DicomError(f"{p}: dose planes {gaps.max():g} mm apart; at most {MAX_SPACING_MM:g} mm is read",
                             field="GridFrameOffsetVector", value=float(gaps.max()), allowed=f"<= {MAX_SPACING_MM:g} mm")
        if gaps.max() - gaps.min() > max(0.01, 0.01 * float(np.median(gaps))):
            raise DicomError(f"{p}: dose planes unevenly spaced ({gaps.min():g} to {gaps.max():g} mm apart); only "
                             "evenly spaced grids are read", field="GridFrameOffsetVector",
                             value=[float(gaps.min()), float(gaps.max())], allowed="evenly spaced planes")
        if np.any(order != np.arange(order.size)):
            notes.append("dose planes stored in "
                         f"{'decreasing' if np.all(np.diff(z) < 0) else 'mixed'} z order: sorted by z")
    little = syntax != EXPLICIT_BE
    dtype = np.dtype(f"{'<' if little else '>'}{'i' if signed else 'u'}{bits // 8}")
    raw = ds.PixelData  # read now (deferred): the only copy of the stored bytes
    stored = np.frombuffer(raw, dtype=dtype, count=voxels).reshape(frames, rows, cols)
    arr = np.empty((frames, rows, cols), dtype=np.float32)  # 7 significant digits: far below any dose tolerance
    for out_k, k in enumerate(order):
        np.multiply(stored[k], scaling, out=arr[out_k], casting="unsafe")
    del stored, raw
    del ds.PixelData
    if not np.all(np.isfinite(arr)) or arr.min() < 0:
        raise DicomError(f"{p}: dose values must be finite and >= 0", field="PixelData")
    x = ipp[0] + np.arange(cols) * spacing[1]
    y = ipp[1] + np.arange(rows) * spacing[0]
    refs = tuple(str(r.get("ReferencedSOPInstanceUID", "")) for r in ds.get("ReferencedRTPlanSequence", []) or [])
    return DoseGrid(p, arr, x, y, z[order], str(ds.get("DoseUnits", "") or "").upper(),
                    str(ds.get("DoseSummationType", "") or "").upper(), str(ds.get("FrameOfReferenceUID", "") or ""),
                    str(ds.get("SOPInstanceUID", "") or ""), refs, tuple(dict.fromkeys(notes)), _beams(ds))


def fraction_sanity_note(value_gy: float, prescription_gy: float, fractions: int, *,
                         target: str | None = None) -> str | None:
    """The warning when a per-fraction grid multiplied by *fractions* looks like it held whole-plan values.

    *value_gy* is the mean dose of *target* after the multiplication (compared with
    :data:`FRACTION_SANITY_MEAN_FACTOR` times the prescription), or, when no target is known
    (*target* None), the grid's maximum (compared with :data:`FRACTION_SANITY_FACTOR` times it).
    The warning says which was used. None: nothing to warn about.
    """
    factor = FRACTION_SANITY_MEAN_FACTOR if target is not None else FRACTION_SANITY_FACTOR
    if fractions <= 1 or not prescription_gy or value_gy <= factor * prescription_gy:
        return None
    what = (f"the mean dose of the target {target!r} is" if target is not None
            else "the dose grid's maximum (no target known: the grid maximum is used) reaches")
    return (f"after multiplying the per-fraction grid by {fractions} fractions {what} {value_gy:.4g} Gy, "
            f"{value_gy / prescription_gy:.1f} times the prescription of {prescription_gy:g} Gy (warned above "
            f"{factor:g} times): the grid may hold whole-plan values though labelled per fraction (Pinnacle "
            "writes FRACTION so); if it does, read it as the whole plan (--dose-summation plan)")


def plan_dose_gy(grid: DoseGrid, *, fractions: int | None, prescription_gy: float | None,
                 summation: str | None = None, check_grid_max: bool = True) -> tuple[DoseGrid, tuple[str, ...]]:
    """The whole-plan dose in Gy, with what was done to get it.

    - GY with summation PLAN or MULTI_PLAN: used as is.
    - Summation FRACTION or FRACTION_SESSION: multiplied by *fractions* (said so); refused without a
      fraction count. PS3.3 C.8.8.3.1 defines FRACTION as one fraction group, but planning systems
      write it for one session's dose; a grid that may hold whole-plan values (as Pinnacle writes
      them) is warned about by :func:`fraction_sanity_note`: here on the grid's maximum when
      *check_grid_max* (no target known), else by the plan check on the target's mean.
    - Summation BEAM, BRACHY, CONTROL_POINT, RECORD or other: refused (one beam's or one control
      point's dose is not the plan's; beams are summed only by :func:`sum_beam_doses`).
    - RELATIVE units: taken as a fraction of the prescription (1.0 = *prescription_gy*) and scaled;
      refused without a prescription.

    Parameters
    ----------
    summation : {"plan", "fraction"}, optional
        Override the header's Dose Summation Type: ``"plan"`` reads the grid as the whole plan,
        ``"fraction"`` as one fraction (multiplied by *fractions*). None: as the header says.
    check_grid_max : bool
        Warn on the grid's maximum after the multiplication (the fallback when no target is
        known); False when the caller checks the target's mean instead.
    """
    notes = list(grid.notes)
    dose = grid.dose
    owned = False
    header = grid.summation
    if summation is not None and summation not in ("plan", "fraction"):
        raise DicomError(f"dose summation must be 'plan' or 'fraction', got {summation!r}", field="dose_summation",
                         value=summation, allowed="plan, fraction")
    per_fraction = header in SESSION_SUMMATIONS if summation is None else summation == "fraction"
    if summation is not None and (header in SESSION_SUMMATIONS) != per_fraction:
        notes.append(f"dose grid read as {'one fraction' if per_fraction else 'the whole plan'} as asked "
                     f"(dose summation {summation}), though its Dose Summation Type is {header or 'missing'}")
    if per_fraction:
        if fractions is None:
            raise DicomError(f"{grid.path}: the dose grid is per fraction (Dose Summation Type {header}); give the "
                             "fraction count (an RT Plan or --fractions) to scale it", field="DoseSummationType",
                             value=header, allowed="PLAN, or FRACTION with a fraction count")
        if fractions != 1:
            dose = dose * np.float32(fractions)  # a new grid: the caller's is left as it was
            owned = True
        notes.append(f"per-fraction dose grid (Dose Summation Type {header}) multiplied by {fractions} fractions"
                     if fractions != 1 else f"per-fraction dose grid (Dose Summation Type {header}) read as one "
                     "fraction (fraction count 1)")
    elif summation is None and header not in PLAN_SUMMATIONS:
        raise DicomError(f"{grid.path}: Dose Summation Type {header or 'missing'} is not a whole-plan dose; "
                         "export the plan dose (PLAN) from the planning system, give every beam's dose of the plan "
                         "to sum them, or read it as the whole plan with --dose-summation plan",
                         field="DoseSummationType", value=header or None, allowed="PLAN or MULTI_PLAN")
    if header == "MULTI_PLAN":
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
        if owned:
            dose *= np.float32(prescription_gy)  # in place: never a third copy of the grid
        else:
            dose = dose * np.float32(prescription_gy)
        notes.append(f"RELATIVE dose grid read as a fraction of the prescription (1.0 = {prescription_gy:g} Gy)")
    elif grid.units != "GY":
        raise DicomError(f"{grid.path}: Dose Units {grid.units or 'missing'} not understood", field="DoseUnits",
                         value=grid.units or None, allowed="GY or RELATIVE")
    if check_grid_max and per_fraction and fractions is not None and fractions > 1 and prescription_gy and \
            grid.units == "GY":
        note = fraction_sanity_note(float(dose.max()), prescription_gy, fractions)
        if note:
            notes.append(note)
    return DoseGrid(grid.path, dose, grid.x_mm, grid.y_mm, grid.z_mm, "GY", grid.summation,
                    grid.frame_of_reference_uid, grid.sop_instance_uid, grid.referenced_plan_uids,
                    tuple(dict.fromkeys(notes)), grid.referenced_beam_numbers), tuple(dict.fromkeys(notes))


def sum_beam_doses(grids: list[DoseGrid], plan_beams: tuple[int, ...] = ()) -> tuple[DoseGrid, tuple[str, ...]]:
    """Sum the per-beam RT Doses of one plan into one grid, or refuse.

    Summed only when every grid has the same Dose Summation Type (BEAM or BEAM_SESSION), the same
    Dose Units, the same single referenced RT Plan, the same geometry (shape, frame of reference,
    axes within 0.001 mm) and a different SOP Instance UID and beam; when *plan_beams* (the RT
    Plan's beam numbers) are known, every one of them must have its grid. The result is a PLAN
    grid (sum of BEAM) or a FRACTION_SESSION grid (sum of BEAM_SESSION). The first grid's array is
    reused (summed in place, float32).
    """
    first = grids[0]
    names = ", ".join(Path(g.path).name for g in grids)
    if len(grids) == 1:
        g = first
        if g.summation in ("BEAM", "BEAM_SESSION") and plan_beams and \
                set(g.referenced_beam_numbers) == set(plan_beams):
            return _as_sum(g, g.dose, len(grids), names)
        return g, ()
    kinds = {g.summation for g in grids}
    if len(kinds) != 1 or next(iter(kinds)) not in ("BEAM", "BEAM_SESSION"):
        raise DicomError(f"several RT Doses ({names}) with Dose Summation Type {', '.join(sorted(kinds))}: only "
                         "per-beam doses (BEAM) of one plan are summed; give one whole-plan dose",
                         field="rtdose", value=sorted(kinds), allowed="one PLAN dose, or the BEAM doses of one plan")
    plans = {g.referenced_plan_uids for g in grids}
    if len(plans) != 1 or len(first.referenced_plan_uids) != 1:
        raise DicomError(f"the RT Doses {names} do not all refer to one same RT Plan (Referenced RT Plan Sequence): "
                         "not summed", field="ReferencedRTPlanSequence", allowed="beam doses of one plan")
    if len({g.units for g in grids}) != 1:
        raise DicomError(f"the RT Doses {names} have different Dose Units: not summed", field="DoseUnits")
    if len({g.sop_instance_uid for g in grids}) != len(grids):
        raise DicomError(f"the same RT Dose is given twice among {names}", field="rtdose")
    for g in grids[1:]:
        if not g.same_geometry(first):
            raise DicomError(f"the RT Doses {Path(first.path).name} and {Path(g.path).name} are not on the same grid "
                             "(shape, position, spacing or frame of reference differ): not summed", field="rtdose",
                             allowed="beam doses on one grid")
    beams = [b for g in grids for b in g.referenced_beam_numbers]
    if len(beams) != len(set(beams)):
        raise DicomError(f"the RT Doses {names} refer to the same beam more than once: not summed",
                         field="ReferencedBeamNumber", value=beams)
    missing = sorted(set(plan_beams) - set(beams)) if beams else []
    if plan_beams and missing:
        raise DicomError(f"the RT Doses {names} cover beams {', '.join(map(str, sorted(beams)))}; the RT Plan's "
                         f"beams {', '.join(map(str, missing))} have no dose: not summed", field="rtdose",
                         value=missing, allowed="a dose for every beam of the plan")
    total = first.dose
    for g in grids[1:]:
        np.add(total, g.dose, out=total)
    out, notes = _as_sum(first, total, len(grids), names)
    if not plan_beams or not beams:
        notes = (*notes, "whether every beam of the plan has its dose could not be checked (no RT Plan or no "
                         "Referenced Beam Number)")
    return replace(out, notes=tuple(dict.fromkeys(out.notes + notes))), notes


def _as_sum(g: DoseGrid, dose: np.ndarray, n: int, names: str) -> tuple[DoseGrid, tuple[str, ...]]:
    kind = "PLAN" if g.summation == "BEAM" else "FRACTION_SESSION"
    note = (f"{n} per-beam dose grid{'s' if n > 1 else ''} ({g.summation}: {names}) of RT Plan "
            f"{g.referenced_plan_uids[0] if g.referenced_plan_uids else '?'} summed into the "
            f"{'plan' if kind == 'PLAN' else 'session'} dose")
    return replace(g, dose=dose, summation=kind, notes=tuple(dict.fromkeys((*g.notes, note)))), (note,)


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

    Raises
    ------
    DicomError
        Not an RT Structure Set (by SOP Class UID); a truncated file; a required sequence missing
        (Structure Set ROI, ROI Contour, RT ROI Observations: PS3.3 C.8.8.5, C.8.8.6, C.8.8.8, all
        Type 1); two ROIs with one ROI Number; a ROI Contour or Observation referring to a ROI Number
        the Structure Set ROI Sequence does not define; Contour Data that are not finite numbers, hold
        a coordinate beyond :data:`MAX_COORD_MM`, are not triplets or disagree with the Number of
        Contour Points.
    """
    notes: list[str] = []
    ds = safe_dcmread(path, "RT Structure Set", max_bytes=max_bytes, notes=notes)
    p = str(path)
    try:
        with captured_warnings(notes, f"{Path(p).name}: "):
            ss = _structure_set(ds, p, notes)
        return replace(ss, notes=tuple(dict.fromkeys(notes)))  # with the warnings captured up to the end
    except DicomError:
        raise
    except Exception as exc:  # noqa: BLE001 - malformed element values
        text = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        raise DicomError(f"{p}: malformed RT Structure Set ({text})", field="rtstruct", value=p) from None


def _raw_int(item: Any, tag: int) -> int | None:
    """An IS value read from the element's raw bytes (None when absent or empty); malformed: DicomError."""
    elem = item.get_item(tag)
    if elem is None:
        return None
    raw = elem.value
    text = raw.decode("ascii", "replace") if isinstance(raw, (bytes, bytearray)) else str(raw if raw is not None else "")
    text = text.strip(" \0")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise DicomError(f"element ({tag >> 16:04X},{tag & 0xFFFF:04X}) holds {text[:20]!r}, not a whole number",
                         field=f"({tag >> 16:04X},{tag & 0xFFFF:04X})", value=text[:20]) from None


def _roi_number(item: Any, p: str, where: str, keyword: str) -> int:
    value = item.get(keyword)
    if value is None or str(value).strip() == "":
        raise DicomError(f"{p}: an item of the {where} has no {keyword}", field=keyword, allowed="a ROI number")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DicomError(f"{p}: {keyword} {str(value)[:20]!r} in the {where} is not a whole number",
                         field=keyword, value=str(value)[:20]) from None


def _structure_set(ds: Any, p: str, file_notes: list[str]) -> StructureSet:
    check_kind(ds, p, "rtstruct", file_notes)
    for keyword, tag in (("StructureSetROISequence", "3006,0020"), ("ROIContourSequence", "3006,0039"),
                         ("RTROIObservationsSequence", "3006,0080")):
        if not ds.get(keyword):
            raise DicomError(f"{p}: RT Structure Set lacks the {keyword} ({tag}), which the standard requires "
                             "(truncated or damaged file?)", field=keyword, allowed="a complete RT Structure Set")
    info: dict[int, tuple[str, str]] = {}
    for item in ds.StructureSetROISequence:
        number = _roi_number(item, p, "Structure Set ROI Sequence (3006,0020)", "ROINumber")
        name = str(item.get("ROIName", "") or "")
        if not name.strip():
            name = f"ROI {number}"
            file_notes.append(f"ROI Number {number} has no ROI Name: shown as {name!r}")
        if number in info:
            raise DicomError(f"{p}: ROI Number {number} is used by two ROIs ({info[number][0]!r} and {name!r}); "
                             "each ROI needs its own number", field="ROINumber", value=number,
                             allowed="unique ROI Numbers")
        info[number] = (name, str(item.get("ReferencedFrameOfReferenceUID", "") or ""))
    types: dict[int, str] = {}
    for o in ds.RTROIObservationsSequence:
        number = _roi_number(o, p, "RT ROI Observations Sequence (3006,0080)", "ReferencedROINumber")
        if number not in info:
            raise DicomError(f"{p}: an RT ROI Observation refers to ROI Number {number}, which the Structure Set ROI "
                             "Sequence does not define", field="ReferencedROINumber", value=number,
                             allowed=", ".join(map(str, info)))
        types[number] = str(o.get("RTROIInterpretedType", "") or "").upper()
    contours: dict[int, Any] = {}
    for c in ds.ROIContourSequence:
        number = _roi_number(c, p, "ROI Contour Sequence (3006,0039)", "ReferencedROINumber")
        if number not in info:
            raise DicomError(f"{p}: a ROI Contour refers to ROI Number {number}, which the Structure Set ROI Sequence "
                             "does not define (its contours would belong to no structure)",
                             field="ReferencedROINumber", value=number, allowed=", ".join(map(str, info)))
        if number in contours:
            raise DicomError(f"{p}: two ROI Contours refer to ROI Number {number} ({info[number][0]!r})",
                             field="ReferencedROINumber", value=number, allowed="one ROI Contour per ROI")
        contours[number] = c
    rois = []
    for number, (name, frame) in info.items():
        notes: list[str] = []
        by_z: dict[float, list[np.ndarray]] = {}
        item = contours.get(number)
        for c in (item.get("ContourSequence", []) or []) if item is not None else []:
            kind = _geometric_type(c)
            if kind != "CLOSED_PLANAR":
                notes.append(f"{kind or 'untyped'} contour skipped")
                continue
            label = f"{name}: Contour Data (3006,0050)"
            pts = _contour_data(c, label, p)
            if pts.size % 3:
                raise DicomError(f"{p}: {label} holds {pts.size} values, not (x, y, z) triplets",
                                 field="ContourData", value=name)
            declared = _raw_int(c, 0x30060046)  # raw bytes: pydicom's IS conversion costs as much as the rest
            if declared is not None and declared != pts.size // 3:
                raise DicomError(f"{p}: {label} holds {pts.size // 3} points, its Number of Contour Points (3006,0046) "
                                 f"says {declared}", field="NumberOfContourPoints", value=name)
            if pts.size < 9:
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
    return StructureSet(p, tuple(rois), frames[0] if frames else "", str(ds.get("SOPInstanceUID", "") or ""),
                        tuple(dict.fromkeys(file_notes)))
