"""Damaged and absurd DICOM input refused with one line, memory bounded, pydicom's warnings kept, safe output
(issue 17, "Refuse truncated files ..." and "Safe output and input"; issue 20, "Every writer goes through
the atomic writer" and "Terminal control sequences ... escape them in text output")."""

from __future__ import annotations

import tracemalloc
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pdftext import untraced

pydicom = pytest.importorskip("pydicom")

from phantoms import SMALL, phantom_files  # noqa: E402

from sbrt_calc.cli.main import main  # noqa: E402
from sbrt_calc.errors import DicomError  # noqa: E402
from sbrt_calc.plancheck.dicom_io import read_rtdose, read_rtstruct  # noqa: E402
from sbrt_calc.plancheck.grade import check_plan  # noqa: E402
from sbrt_calc.plancheck.inputs import PlanCheckInputs  # noqa: E402
from sbrt_calc.plancheck.phantom import Phantom, write_phantom  # noqa: E402
from sbrt_calc.text_safety import terminal_safe  # noqa: E402


@pytest.fixture(scope="module")
def files() -> dict[str, Path]:
    return phantom_files(SMALL)   # written once per process: read only


def _edit(src: Path, dst: Path, edit: Any) -> Path:
    with warnings.catch_warnings(), untraced():   # pydicom's reading and writing: no line of the package
        warnings.simplefilter("ignore")  # pydicom warns when it writes the invalid values made here
        ds = pydicom.dcmread(src)
        edit(ds)
        ds.save_as(dst)
    return dst


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(["check-plan", *args])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def _args(f: dict[str, Path], **over: Path) -> list[str]:
    g = {**f, **over}
    return ["--rtdose", str(g["rtdose"]), "--rtstruct", str(g["rtstruct"]), "--rtplan", str(g["rtplan"])]


# --- 5. truncated, duplicate, dangling, absurd ---------------------------------------------------

@pytest.mark.parametrize("kind", ["rtstruct", "rtdose"])
def test_truncated_file_is_refused_naming_it(tmp_path: Path, files: dict[str, Path], kind: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 17: 'a truncated RT Structure Set (25-99 %) is read with exit 0 and the cord silently disappears'.
    Every cut from 25 to 99 % is refused by the reader; a few through the CLI (exit 2, one line, the file named)."""
    raw = files[kind].read_bytes()
    reader = read_rtstruct if kind == "rtstruct" else read_rtdose
    for pct in list(range(25, 100, 5)) + [99]:
        cut = tmp_path / f"{kind}_{pct}.dcm"
        cut.write_bytes(raw[: len(raw) * pct // 100])
        with pytest.raises(DicomError, match="truncated|not a complete|not a readable"):
            reader(cut)
    for pct in (25, 60, 99):
        cut = tmp_path / f"{kind}_{pct}.dcm"
        rc, _, err = _cli(capsys, *_args(files, **{kind: cut}))
        assert rc == 2 and err.count("\n") == 1 and cut.name in err and "Traceback" not in err, err


def test_duplicate_roi_numbers_are_refused(tmp_path: Path, files: dict[str, Path]) -> None:
    """Issue 17: 'two ROIs with one ROI Number replace each other'."""
    def dup(ds: Any) -> None:
        ds.StructureSetROISequence[3].ROINumber = ds.StructureSetROISequence[2].ROINumber
    with pytest.raises(DicomError, match="ROI Number 3 is used by two ROIs .'SpinalCord' and 'Lungs'"):
        read_rtstruct(_edit(files["rtstruct"], tmp_path / "dup.dcm", dup))


def test_roi_contour_referencing_a_missing_roi_is_refused(tmp_path: Path, files: dict[str, Path]) -> None:
    """Issue 17: 'a ROI Contour pointing to a missing ROI is dropped'."""
    def dangling(ds: Any) -> None:
        ds.ROIContourSequence[2].ReferencedROINumber = 99
    with pytest.raises(DicomError, match="ROI Contour refers to ROI Number 99"):
        read_rtstruct(_edit(files["rtstruct"], tmp_path / "dangling.dcm", dangling))

    def no_observations(ds: Any) -> None:
        del ds.RTROIObservationsSequence
    with pytest.raises(DicomError, match="RTROIObservationsSequence"):
        read_rtstruct(_edit(files["rtstruct"], tmp_path / "noobs.dcm", no_observations))


@pytest.mark.parametrize("case", ["contour_huge", "contour_nan", "contour_inf", "ipp_huge", "spacing_zero",
                                  "spacing_wide", "spacing_negative"])
def test_absurd_coordinates_and_spacings_exit_2(tmp_path: Path, files: dict[str, Path], case: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    def contour(value: str) -> Any:
        def edit(ds: Any) -> None:
            c = ds.ROIContourSequence[0].ContourSequence[5]
            data = list(c.ContourData)
            data[0] = value
            c.ContourData = data
        return edit

    def dose(**kw: Any) -> Any:
        def edit(ds: Any) -> None:
            for k, v in kw.items():
                setattr(ds, k, v)
        return edit
    edits = {"contour_huge": ("rtstruct", contour("2e5")), "contour_nan": ("rtstruct", contour("nan")),
             "contour_inf": ("rtstruct", contour("inf")),
             "ipp_huge": ("rtdose", dose(ImagePositionPatient=[-59.375, -59.375, 1e7])),
             "spacing_zero": ("rtdose", dose(PixelSpacing=[0, 2.5])),
             "spacing_wide": ("rtdose", dose(PixelSpacing=[60, 60])),
             "spacing_negative": ("rtdose", dose(PixelSpacing=[-2.5, 2.5]))}
    kind, edit = edits[case]
    bad = _edit(files[kind], tmp_path / f"{case}.dcm", edit)
    rc, _, err = _cli(capsys, *_args(files, **{kind: bad}))
    assert rc == 2 and err.count("\n") == 1 and "Traceback" not in err and bad.name in err, err


def _deflated_dose(path: Path, header: Any, pixel_bytes: int) -> None:
    """A deflated RT Dose whose Pixel Data are *pixel_bytes* zeros, written by streaming (never in memory)."""
    import struct
    import zlib

    from pydicom.filebase import DicomBytesIO
    from pydicom.filewriter import write_dataset, write_file_meta_info
    from pydicom.uid import DeflatedExplicitVRLittleEndian

    meta = pydicom.dataset.FileMetaDataset()
    meta.MediaStorageSOPClassUID = header.SOPClassUID
    meta.MediaStorageSOPInstanceUID = header.SOPInstanceUID
    meta.TransferSyntaxUID = DeflatedExplicitVRLittleEndian
    head, body = DicomBytesIO(), DicomBytesIO()
    for buf in (head, body):
        buf.is_little_endian, buf.is_implicit_VR = True, False
    write_file_meta_info(head, meta, enforce_standard=True)
    del header.PixelData
    write_dataset(body, header)
    comp = zlib.compressobj(1, zlib.DEFLATED, -zlib.MAX_WBITS)
    zero = bytes(1 << 20)
    with path.open("wb") as fh:
        fh.write(b"\0" * 128 + b"DICM" + head.getvalue())
        fh.write(comp.compress(body.getvalue() + struct.pack("<HH2sHI", 0x7FE0, 0x0010, b"OW", 0, pixel_bytes)))
        for _ in range(pixel_bytes >> 20):
            fh.write(comp.compress(zero))
        fh.write(comp.flush())


def test_memory_bounded_by_the_declared_pixel_data(tmp_path: Path, files: dict[str, Path]) -> None:
    """Issue 17: 'a 479 KiB deflated RT Dose took 2.2 GiB and 33 s'. A deflated header declaring more voxels than
    the cap (100 million: 400 MB of zeros, about 400 kB on disk) is refused from its first inflated bytes, before
    the data set is inflated (2 MiB traced, 0.04 s here); a grid within the cap is decoded with the raw bytes and
    one float32 grid at most (as the earlier reader did: that part is a regression guard)."""
    ds = pydicom.dcmread(files["rtdose"])
    ds.Rows = ds.Columns = 1000
    ds.NumberOfFrames = 100
    ds.GridFrameOffsetVector = [2.5 * k for k in range(100)]
    bomb = tmp_path / "deflated.dcm"
    _deflated_dose(bomb, ds, 1000 * 1000 * 100 * 4)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(DicomError, match="50000000-voxel limit; refused before decoding"):
            read_rtdose(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 * 1024 * 1024, peak  # not the 400 MB data set
    # within the cap: raw bytes + one float32 grid (+ under 1 MiB of pydicom), measured after a first read
    big = write_phantom(tmp_path / "big", Phantom(**{**SMALL.__dict__, "shape": (60, 100, 100)}))
    read_rtdose(big["rtdose"])
    nbytes = 60 * 100 * 100 * 4
    tracemalloc.start()
    try:
        g = read_rtdose(big["rtdose"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert g.dose.dtype == np.float32 and peak < 2 * nbytes + 1024 * 1024, (peak, nbytes)


def test_declared_grid_larger_than_the_cap_is_refused_from_the_header(files: dict[str, Path]) -> None:
    with pytest.raises(DicomError, match="1000-voxel limit; refused before decoding"):
        read_rtdose(files["rtdose"], max_voxels=1000)


def test_pixel_data_longer_than_declared_is_refused(tmp_path: Path, files: dict[str, Path]) -> None:
    """Rows halved in a damaged header would read the first half of the grid as if it were the whole."""
    def rows(ds: Any) -> None:
        ds.Rows = 24
    with pytest.raises(DicomError, match="Pixel Data holds 368640 bytes, the header declares 184320"):
        read_rtdose(_edit(files["rtdose"], tmp_path / "rows.dcm", rows))


# --- 6. pydicom's warnings ------------------------------------------------------------------------

def test_pydicom_warnings_become_the_programs_warnings(tmp_path: Path, files: dict[str, Path],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    def long_name(ds: Any) -> None:
        ds.StructureSetROISequence[4].ROIName = "External_" + "x" * 70  # LO holds at most 64 characters
    ss = _edit(files["rtstruct"], tmp_path / "long.dcm", long_name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing escapes as a Python warning
        res = check_plan(PlanCheckInputs(str(files["rtdose"]), str(ss), str(files["rtplan"])))
    got = [w for w in res.warnings if "pydicom:" in w]
    assert len(got) == 1 and "long.dcm" in got[0] and "64" in got[0], res.warnings
    rc, out, err = _cli(capsys, *_args(files, rtstruct=ss), "--format", "json")
    assert rc in (0, 1) and err == "" and "pydicom:" in out


def test_cli_subprocess_prints_no_pydicom_warning(tmp_path: Path, files: dict[str, Path]) -> None:
    """A real process with Python's default warning filters: the files are read (pydicom warns about the
    over-long ROI Name), the unknown target ends the run: stderr holds our one line, nothing of pydicom's."""
    import os
    import subprocess
    import sys

    def long_name(ds: Any) -> None:
        ds.StructureSetROISequence[4].ROIName = "External_" + "x" * 70
    ss = _edit(files["rtstruct"], tmp_path / "long.dcm", long_name)
    p = subprocess.run([sys.executable, "-m", "sbrt_calc", "check-plan", *_args(files, rtstruct=ss), "--target",
                        "NOPE"], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONWARNINGS": "default"})
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "NOPE" in p.stderr, p.stderr
    assert "pydicom" not in p.stderr and "Warning" not in p.stderr


# --- 7. --dvh-csv, --lql, terminal ----------------------------------------------------------------

def test_dvh_csv_never_overwrites_an_input(tmp_path: Path, files: dict[str, Path],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 20: 'check-plan --dvh-csv overwrote its RT Dose and a case file, through a symlink too'."""
    before = files["rtdose"].read_bytes()
    link = tmp_path / "link.csv"
    link.symlink_to(files["rtdose"])
    hard = tmp_path / "hard.csv"
    hard.hardlink_to(files["rtstruct"])
    case = tmp_path / "case.json"
    case.write_text('{"format": "sbrt-calc case", "plan_check": {}}\n', encoding="utf-8")
    other_dicom = tmp_path / "other.csv"
    other_dicom.write_bytes(files["rtplan"].read_bytes())
    for target, why in ((files["rtdose"], "input"), (link, "input"), (hard, "input"), (case, "JSON"),
                        (other_dicom, "DICOM")):
        rc, _, err = _cli(capsys, *_args(files), "--dvh-csv", str(target))
        assert rc == 2 and err.count("\n") == 1 and why in err, err
    assert files["rtdose"].read_bytes() == before
    assert case.read_text(encoding="utf-8").startswith('{"format"')


def test_dvh_csv_is_written_atomically_and_replaces_a_csv(tmp_path: Path, files: dict[str, Path],
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import sbrt_calc.atomic_write as aw

    calls: list[Path] = []
    real = aw.write_text_atomic

    def spy(path: Any, text: str, encoding: str = "utf-8", **kw: Any) -> Path:
        calls.append(Path(path))
        assert kw.get("kind") == "csv" and str(files["rtdose"]) in map(str, kw.get("inputs", ()))
        return real(path, text, encoding, **kw)
    monkeypatch.setattr(aw, "write_text_atomic", spy)
    out = tmp_path / "dvh.csv"
    out.write_text("dose_gy,old\n0,1\n", encoding="utf-8")
    rc, _, err = _cli(capsys, *_args(files), "--dvh-csv", str(out), "--format", "json")
    assert rc in (0, 1) and err == "" and calls == [out]
    assert "PTV" in out.read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.parametrize("value", ["0.5", "31", "1e400", "nan"])
def test_lql_transition_dose_takes_the_core_range(files: dict[str, Path], value: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """radiobiology.ranges: LQ-L transition dose 1-30 Gy (the range every other command applies)."""
    rc, _, err = _cli(capsys, *_args(files), "--lql", value)
    assert rc == 2 and err.count("\n") == 1 and ("1" in err and "30" in err or "finite" in err), err


def test_structure_names_are_escaped_in_text_output(tmp_path: Path, files: dict[str, Path],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 20: 'Terminal control sequences in ... structure names reach the terminal'."""
    def evil(ds: Any) -> None:
        ds.StructureSetROISequence[4].ROIName = "Body\x1b]0;pwned\x07\x1b[2J"
    ss = _edit(files["rtstruct"], tmp_path / "evil.dcm", evil)
    for fmt in ("table", "csv"):
        rc, out, err = _cli(capsys, *_args(files, rtstruct=ss), "--format", fmt)
        assert rc in (0, 1) and "\x1b" not in out and "\x07" not in out and "\x1b" not in err
        assert fmt == "csv" or "Body\\x1b]0;pwned\\x07\\x1b[2J" in out
    rc, _, err = _cli(capsys, *_args(files, rtstruct=ss), "--target", "Body\x1b[2J")
    assert rc == 2 and "\x1b" not in err and "Body\\x1b[2J" in err


def test_terminal_safe() -> None:
    assert terminal_safe("PTV\x1b[31m\u202eR\x9b") == "PTV\\x1b[31m\\u202eR\\x9b"
    assert terminal_safe("a\nb\tc\rd", keep_newlines=True) == "a\nb\tc\\x0dd"
    assert terminal_safe("a\nb") == "a\\x0ab"
    assert terminal_safe("Rückenmark 5 Gy") == "Rückenmark 5 Gy"
