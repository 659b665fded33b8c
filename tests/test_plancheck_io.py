"""Bad and unusual DICOM input for the plan check (issue 14): every case a clear error or a stated
conversion, nothing silently wrong; the CLI answers bad input with one line and exit 2."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pdftext import untraced

pydicom = pytest.importorskip("pydicom")
from phantoms import SMALL, phantom_files, small_check  # noqa: E402
from pydicom.data import get_testdata_file  # noqa: E402

from sbrt_calc.cli.main import main  # noqa: E402
from sbrt_calc.errors import DicomError  # noqa: E402
from sbrt_calc.plancheck import dicom_io  # noqa: E402
from sbrt_calc.plancheck.dicom_io import plan_dose_gy, read_rtdose, read_rtstruct, safe_dcmread  # noqa: E402
from sbrt_calc.plancheck.grade import check_plan  # noqa: E402
from sbrt_calc.plancheck.inputs import PlanCheckInputs  # noqa: E402
from sbrt_calc.plancheck.phantom import Phantom, write_phantom  # noqa: E402
from sbrt_calc.plancheck.rtplan import read_prescription  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(scope="module")
def files() -> dict[str, Path]:
    return phantom_files(SMALL)   # written once per process: read only


def _inputs(f: dict[str, Any], **kw: Any) -> PlanCheckInputs:
    return PlanCheckInputs(str(f["rtdose"]), str(f["rtstruct"]), None if f.get("rtplan") is None else str(f["rtplan"]), **kw)


def _edit(src: Path, dst: Path, edit: Any) -> Path:
    """A copy of ``src`` changed by ``edit`` (pydicom's reading and writing, untraced: no line of the package)."""
    with untraced():
        ds = pydicom.dcmread(src)
        edit(ds)
        ds.save_as(dst)
    return dst


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    rc = main(["check-plan", *args])
    err = capsys.readouterr().err
    return rc, err


def test_mismatched_frames_of_reference(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = write_phantom(tmp_path, Phantom(shape=SMALL.shape, struct_frame_of_reference_uid="1.2.826.0.1.3680043.8.498.99"))
    with pytest.raises(DicomError, match="not on the same frame of reference"):
        check_plan(_inputs(f))
    rc, err = _cli(capsys, "--folder", str(tmp_path))
    assert rc == 2 and err.count("\n") == 1 and "frame of reference" in err and "Traceback" not in err


def test_relative_grid_needs_a_prescription_and_is_then_scaled(tmp_path: Path, files: dict[str, Path]) -> None:
    rel = write_phantom(tmp_path, Phantom(**{**SMALL.__dict__, "dose_units": "RELATIVE"}))
    grid = read_rtdose(rel["rtdose"])
    with pytest.raises(DicomError, match="RELATIVE"):
        plan_dose_gy(grid, fractions=3, prescription_gy=None)
    scaled, notes = plan_dose_gy(grid, fractions=3, prescription_gy=SMALL.prescription_gy)
    assert any("fraction of the prescription" in n for n in notes)
    absolute = read_rtdose(files["rtdose"]).dose
    assert np.allclose(scaled.dose, absolute, rtol=1e-6, atol=1e-5)
    with pytest.raises(DicomError, match="no prescription"):
        check_plan(PlanCheckInputs(str(rel["rtdose"]), str(rel["rtstruct"])))
    # a grid in percent of the prescription is not read as 100 times the dose
    percent = replace(grid, dose=grid.dose * 100)
    with pytest.raises(DicomError, match="percent"):
        plan_dose_gy(percent, fractions=3, prescription_gy=SMALL.prescription_gy)


def test_per_fraction_grid_is_scaled_and_beam_grid_refused(tmp_path: Path, files: dict[str, Path]) -> None:
    fx = write_phantom(tmp_path, Phantom(**{**SMALL.__dict__, "summation": "FRACTION"}))
    grid = read_rtdose(fx["rtdose"])
    with pytest.raises(DicomError, match="per fraction"):
        plan_dose_gy(grid, fractions=None, prescription_gy=None)
    res = check_plan(_inputs(fx))
    assert any("multiplied by 3 fractions" in w for w in res.warnings)
    ref = small_check()   # check_plan(_inputs(files)), once per process
    assert res.conformity.r50 == pytest.approx(ref.conformity.r50, rel=1e-6)
    with pytest.raises(DicomError, match="Dose Summation Type BEAM"):
        plan_dose_gy(read_rtdose(get_testdata_file("rtdose.dcm")), fractions=3, prescription_gy=50.0)


def test_missing_and_ambiguous_ptv(tmp_path: Path, files: dict[str, Path]) -> None:
    def no_ptv(ds: Any) -> None:
        ds.StructureSetROISequence[0].ROIName = "Tumour"
        ds.RTROIObservationsSequence[0].RTROIInterpretedType = "ORGAN"
    f = {**files, "rtstruct": _edit(files["rtstruct"], tmp_path / "noptv.dcm", no_ptv)}
    with pytest.raises(DicomError, match="no PTV"):
        check_plan(_inputs(f))
    assert check_plan(_inputs(f, target="Tumour")).target.name == "Tumour"
    with pytest.raises(DicomError, match="no structure named 'PTV9'"):
        check_plan(_inputs(files, target="PTV9"))

    def two(ds: Any) -> None:
        ds.StructureSetROISequence[1].ROIName = "PTV_2"
        ds.RTROIObservationsSequence[1].RTROIInterpretedType = "PTV"
    f2 = {**files, "rtstruct": _edit(files["rtstruct"], tmp_path / "two.dcm", two)}
    with pytest.raises(DicomError, match="several PTVs"):
        check_plan(_inputs(f2))
    # the user's mapping can leave one out
    assert check_plan(_inputs(f2, name_mapping=(("PTV_2", ""),))).target.name == "PTV"


def test_empty_and_degenerate_contours_are_listed(tmp_path: Path, files: dict[str, Path]) -> None:
    def empty(ds: Any) -> None:
        cord = ds.ROIContourSequence[2]
        del cord.ContourSequence
        ds.ROIContourSequence[1].ContourSequence[0].ContourData = [0.0, 0.0, 0.0, 1.0, 1.0, 0.0]
        ds.ROIContourSequence[1].ContourSequence[0].NumberOfContourPoints = 2
    f = {**files, "rtstruct": _edit(files["rtstruct"], tmp_path / "empty.dcm", empty)}
    ss = read_rtstruct(f["rtstruct"])
    assert "empty structure" in " ".join(ss.roi("SpinalCord").notes)
    assert "degenerate" in " ".join(ss.roi("GTV").notes)
    res = check_plan(_inputs(f))
    assert any("SpinalCord" in w and "empty" in w for w in res.warnings)
    assert all(c.status == "no structure" for c in res.constraints if c.constraint.organ == "SpinalCord")


def test_self_intersecting_contour_is_filled_and_noted(tmp_path: Path, files: dict[str, Path],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 17: a genuine figure of eight is no longer refused (exit 2): it is filled by the even-odd
    rule and the structure's notes in the JSON name the plane and the crossing."""
    import json

    def bowtie(ds: Any) -> None:
        ds.ROIContourSequence[2].ContourSequence[3].ContourData = [-5, 35, -22.5, 5, 45, -22.5, 5, 35, -22.5, -5, 45, -22.5]
        ds.ROIContourSequence[2].ContourSequence[3].NumberOfContourPoints = 4
    bad = _edit(files["rtstruct"], tmp_path / "bow.dcm", bowtie)
    rc = main(["check-plan", "--rtdose", str(files["rtdose"]), "--rtstruct", str(bad), "--rtplan", str(files["rtplan"]),
               "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert rc != 2
    cord = next(s for s in out["structures"] if s["name"] == "SpinalCord")
    assert any("self-intersecting contour on plane z = -22.5 mm" in n and "even-odd" in n for n in cord["notes"])


def test_size_limit_is_checked_before_reading(files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(DicomError, match="larger than the 1000-byte limit"):
        safe_dcmread(files["rtdose"], "RT Dose", max_bytes=1000)
    monkeypatch.setattr(dicom_io, "MAX_DICOM_BYTES", 500)
    with pytest.raises(DicomError, match="larger than"):
        read_prescription(files["rtplan"])  # the RT Plan reader has the same guard


def test_deflate_bomb_is_refused(tmp_path: Path) -> None:
    """A deflated data set of 20 MB of zeros (about 20 kB on disk) against a 5 MB limit."""
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import DeflatedExplicitVRLittleEndian, generate_uid

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = dicom_io.RT_DOSE_STORAGE
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = DeflatedExplicitVRLittleEndian
    ds = FileDataset("", {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = dicom_io.RT_DOSE_STORAGE
    ds.Modality = "RTDOSE"
    ds.add_new(0x00091010, "OB", b"\0" * (20 * 1024 * 1024))
    p = tmp_path / "bomb.dcm"
    with untraced():   # pydicom deflates 20 MB: no line of the package
        ds.save_as(p, enforce_file_format=True)
    assert p.stat().st_size < 1024 * 1024
    with pytest.raises(DicomError, match="deflate bomb"):
        safe_dcmread(p, "RT Dose", max_bytes=5 * 1024 * 1024)


def test_malformed_files(tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    raw = files["rtdose"].read_bytes()
    for cut in (100, 400, len(raw) // 2):
        p = tmp_path / f"cut{cut}.dcm"
        p.write_bytes(raw[:cut])
        with pytest.raises(DicomError):
            read_rtdose(p)
    junk = tmp_path / "junk.dcm"
    junk.write_bytes(b"\x00\x01garbage" * 50)
    with pytest.raises(DicomError):
        read_rtstruct(junk)
    with pytest.raises(DicomError, match="not an RT Structure Set"):
        read_rtstruct(files["rtdose"])
    rc, err = _cli(capsys, "--rtdose", str(junk), "--rtstruct", str(files["rtstruct"]), "--prescription-gy", "54",
                   "--fractions", "3")
    assert rc == 2 and err.count("\n") == 1 and "Traceback" not in err


def test_header_checks(tmp_path: Path, files: dict[str, Path]) -> None:
    def oblique(ds: Any) -> None:
        ds.ImageOrientationPatient = [0, 1, 0, 1, 0, 0]
    with pytest.raises(DicomError, match="only axial"):
        read_rtdose(_edit(files["rtdose"], tmp_path / "o.dcm", oblique))

    def absolute(ds: Any) -> None:
        z0 = float(ds.ImagePositionPatient[2])
        ds.GridFrameOffsetVector = [z0 + float(v) for v in ds.GridFrameOffsetVector]
    g = read_rtdose(_edit(files["rtdose"], tmp_path / "abs.dcm", absolute))
    assert np.allclose(g.z_mm, read_rtdose(files["rtdose"]).z_mm) and "absolute" in g.notes[0]

    def bogus(ds: Any) -> None:
        ds.GridFrameOffsetVector = [5.0 + float(v) for v in ds.GridFrameOffsetVector]
    with pytest.raises(DicomError, match="neither 0"):
        read_rtdose(_edit(files["rtdose"], tmp_path / "bogus.dcm", bogus))

    def short(ds: Any) -> None:
        ds.PixelData = ds.PixelData[: len(ds.PixelData) // 2]
    with pytest.raises(DicomError, match="Pixel Data holds"):
        read_rtdose(_edit(files["rtdose"], tmp_path / "short.dcm", short))


def test_plan_reference_mismatch_is_a_warning(tmp_path: Path, files: dict[str, Path]) -> None:
    def other(ds: Any) -> None:
        ds.ReferencedRTPlanSequence[0].ReferencedSOPInstanceUID = "1.2.3.4.5"
    f = {**files, "rtdose": _edit(files["rtdose"], tmp_path / "d.dcm", other)}
    res = check_plan(_inputs(f))
    assert any("refers to RT Plan 1.2.3.4.5" in w for w in res.warnings)


def test_pydicom_samples_read() -> None:
    """pydicom's sample RT Dose (RELATIVE, BEAM, 10 mm grid) and RT Structure Set (a body outline on
    3 planes and two isocentre points) are read; their frames of reference differ."""
    g = read_rtdose(get_testdata_file("rtdose.dcm"))
    assert g.shape == (15, 10, 10) and g.units == "RELATIVE" and g.summation == "BEAM"
    ss = read_rtstruct(get_testdata_file("rtstruct.dcm"))
    assert [len(r.planes) for r in ss.rois] == [3, 0, 0]
    assert g.frame_of_reference_uid != ss.frame_of_reference_uid


def test_repeated_structure_names_are_refused(tmp_path: Path, files: dict[str, Path]) -> None:
    def twice(ds: Any) -> None:
        ds.StructureSetROISequence[1].ROIName = "SpinalCord"
    f = {**files, "rtstruct": _edit(files["rtstruct"], tmp_path / "twice.dcm", twice)}
    with pytest.raises(DicomError, match="more than once: SpinalCord"):
        check_plan(_inputs(f))
