"""Reading what planning systems write (issue 17, "Read what planning systems write").

Each test is a reproducer named after a finding of the issue. The planning systems' peculiarities
(RayStation/Pinnacle/GammaPlan plans without a Dose Reference Sequence, Monaco's RT Dose without
File Meta, per-beam doses, Pinnacle's FRACTION grid holding whole-plan values, GammaPlan's
decreasing offsets) are built here as minimal modifications of the phantom plan, in tmp_path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pdftext import untraced
from samples import require_samples

pydicom = pytest.importorskip("pydicom")

from phantoms import SMALL, phantom_files, small_check  # noqa: E402

from sbrt_calc.cli.main import main  # noqa: E402
from sbrt_calc.errors import DicomError  # noqa: E402
from sbrt_calc.plancheck import dicom_io  # noqa: E402
from sbrt_calc.plancheck.dicom_io import read_rtdose, read_rtstruct  # noqa: E402
from sbrt_calc.plancheck.grade import check_plan  # noqa: E402
from sbrt_calc.plancheck.inputs import PlanCheckInputs, find_in_folder  # noqa: E402
from sbrt_calc.plancheck.load import load_dose_and_structures, load_plan  # noqa: E402
from sbrt_calc.plancheck.phantom import Phantom, write_phantom  # noqa: E402
from sbrt_calc.plancheck.rtplan import read_rtplan  # noqa: E402

CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"


@pytest.fixture(scope="module")
def files() -> dict[str, Path]:
    return phantom_files(SMALL)   # written once per process: read only


def _edit(src: Path, dst: Path, edit: Any, **save: Any) -> Path:
    """A copy of ``src`` changed by ``edit`` (pydicom's reading and writing, untraced: no line of the package)."""
    with untraced():
        ds = pydicom.dcmread(src)
        edit(ds)
        dst.parent.mkdir(parents=True, exist_ok=True)
        ds.save_as(dst, **save)
    return dst


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(["check-plan", *args])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def _one_line(rc: int, err: str) -> bool:
    return rc == 2 and err.count("\n") == 1 and "Traceback" not in err


# --- 1. by SOP Class, files without File Meta ---------------------------------------------------

def test_ct_object_with_modality_rtdose_is_refused(tmp_path: Path, files: dict[str, Path],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 17: 'a CT object with Modality RTDOSE is accepted'. The SOP Class UID decides."""
    def ct(ds: Any) -> None:
        ds.SOPClassUID = CT_IMAGE_STORAGE
        ds.file_meta.MediaStorageSOPClassUID = CT_IMAGE_STORAGE
    bad = _edit(files["rtdose"], tmp_path / "ct.dcm", ct)
    with pytest.raises(DicomError, match="not an RT Dose .*CT Image Storage"):
        read_rtdose(bad)
    rc, _, err = _cli(capsys, "--rtdose", str(bad), "--rtstruct", str(files["rtstruct"]), "--rtplan", str(files["rtplan"]))
    assert _one_line(rc, err) and "not an RT Dose" in err
    # a folder holding it beside the real RT Dose: the CT object is not taken for a dose
    folder = tmp_path / "folder"
    folder.mkdir()
    for key in ("rtdose", "rtstruct", "rtplan"):
        (folder / files[key].name).write_bytes(files[key].read_bytes())
    (folder / "zz_ct.dcm").write_bytes(bad.read_bytes())
    found = find_in_folder(folder)
    assert Path(found["rtdose"]).name == "rtdose.dcm" and "rtdose_parts" not in found


def test_rt_ion_plan_sop_class_is_an_rt_plan(tmp_path: Path, files: dict[str, Path]) -> None:
    def ion(ds: Any) -> None:
        ds.SOPClassUID = dicom_io.RT_ION_PLAN_STORAGE
        ds.file_meta.MediaStorageSOPClassUID = dicom_io.RT_ION_PLAN_STORAGE
        ds.Modality = "RTPLAN"
    plan = read_rtplan(_edit(files["rtplan"], tmp_path / "ion.dcm", ion))
    assert plan.prescription_gy == SMALL.prescription_gy and plan.fractions == SMALL.fractions

    def wrong(ds: Any) -> None:
        ds.SOPClassUID = dicom_io.RT_DOSE_STORAGE
        ds.file_meta.MediaStorageSOPClassUID = dicom_io.RT_DOSE_STORAGE
    with pytest.raises(DicomError, match="not an RT Plan"):
        read_rtplan(_edit(files["rtplan"], tmp_path / "dose_as_plan.dcm", wrong))


def _without_meta(src: Path, dst: Path, implicit: bool = True) -> Path:
    """Monaco writes its RT Dose without preamble and File Meta (PS3.10 7.1): a bare data set."""
    with untraced():   # pydicom's writing (every value converted for the implicit VR): no line of the package
        ds = pydicom.dcmread(src)
        ds.file_meta = pydicom.dataset.FileMetaDataset()
        ds.preamble = None
        ds.save_as(dst, enforce_file_format=False, implicit_vr=implicit, little_endian=True)
    raw = dst.read_bytes()
    assert raw[128:132] != b"DICM" and b"\x02\x00\x10\x00" not in raw[:200]  # no File Meta group
    return dst


def test_monaco_rtdose_without_file_meta_is_read(tmp_path: Path, files: dict[str, Path],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 17: 'a Monaco RT Dose without a DICOM File Meta header ("malformed"; pydicom reads it)'."""
    ref = read_rtdose(files["rtdose"])
    for implicit in (True, False):
        bare = _without_meta(files["rtdose"], tmp_path / f"monaco_{implicit}.dcm", implicit)
        g = read_rtdose(bare)
        assert np.array_equal(g.dose, ref.dose) and np.array_equal(g.z_mm, ref.z_mm)
        assert any("no DICOM File Meta" in n for n in g.notes)
    bare_struct = _without_meta(files["rtstruct"], tmp_path / "ss_bare.dcm")
    assert [len(r.planes) for r in read_rtstruct(bare_struct).rois] == \
        [len(r.planes) for r in read_rtstruct(files["rtstruct"]).rois]
    rc, out, err = _cli(capsys, "--rtdose", str(tmp_path / "monaco_True.dcm"), "--rtstruct", str(bare_struct),
                        "--rtplan", str(files["rtplan"]), "--format", "json")
    assert rc in (0, 1) and err == "", err


def test_truncated_file_without_file_meta_is_refused(tmp_path: Path, files: dict[str, Path]) -> None:
    bare = _without_meta(files["rtstruct"], tmp_path / "ss_bare.dcm")
    raw = bare.read_bytes()
    cut = tmp_path / "ss_bare_cut.dcm"
    cut.write_bytes(raw[: len(raw) * 7 // 10])
    with pytest.raises(DicomError, match="truncated|not a readable|not a complete"):
        read_rtstruct(cut)


# --- 2. RT Plans without a Dose Reference Sequence -----------------------------------------------

def _no_dose_reference(ds: Any) -> None:
    """RayStation, Pinnacle and GammaPlan plans: no Dose Reference Sequence (Type 3 in PS3.3 C.8.8.10)."""
    del ds.DoseReferenceSequence


def test_plan_without_dose_reference_sequence_and_given_prescription(tmp_path: Path, files: dict[str, Path],
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 17: 'RT Plans without a Dose Reference Sequence ... refused even when --prescription-gy/--fractions
    are given, and --folder then fails'. The fraction count still comes from the Fraction Group Sequence."""
    folder = tmp_path / "raystation"
    for key in ("rtdose", "rtstruct"):
        folder.mkdir(exist_ok=True)
        (folder / files[key].name).write_bytes(files[key].read_bytes())
    plan = _edit(files["rtplan"], folder / "rtplan.dcm", _no_dose_reference)
    inputs = PlanCheckInputs(str(folder / "rtdose.dcm"), str(folder / "rtstruct.dcm"), str(plan),
                             prescription_gy=SMALL.prescription_gy)
    loaded = load_plan(inputs)
    assert loaded.prescription_gy == SMALL.prescription_gy and loaded.fractions == SMALL.fractions
    assert loaded.plan_prescription_gy is None and loaded.plan_fractions == SMALL.fractions
    assert loaded.given_prescription_gy == SMALL.prescription_gy and loaded.given_fractions is None
    assert (loaded.prescription_gy_source, loaded.fractions_source) == ("given", "RT Plan")
    assert any("no Target Prescription Dose" in w for w in loaded.warnings)
    # without a given prescription: one line naming the missing element and the option
    with pytest.raises(DicomError, match=r"Dose Reference Sequence \(300A,0010\).*--prescription-gy"):
        load_plan(PlanCheckInputs(str(folder / "rtdose.dcm"), str(folder / "rtstruct.dcm"), str(plan)))
    rc, out, err = _cli(capsys, "--folder", str(folder), "--prescription-gy", "54", "--format", "json")
    assert rc in (0, 1) and err == "", err
    rc, out, err = _cli(capsys, "--folder", str(folder))
    assert _one_line(rc, err) and "--prescription-gy" in err


def test_plan_without_anything_needs_both_from_the_case(tmp_path: Path, files: dict[str, Path]) -> None:
    """GammaPlan-like: no Dose Reference Sequence and no fraction count; the case's plan_check section gives both."""
    def bare(ds: Any) -> None:
        del ds.DoseReferenceSequence
        del ds.FractionGroupSequence[0].NumberOfFractionsPlanned
    plan = _edit(files["rtplan"], tmp_path / "gp.dcm", bare)
    section = {"rtdose": str(files["rtdose"]), "rtstruct": str(files["rtstruct"]), "rtplan": str(plan),
               "prescription_gy": 54.0, "fractions": 3}
    loaded = load_plan(PlanCheckInputs.from_dict(section))
    assert (loaded.prescription_gy, loaded.fractions) == (54.0, 3)
    assert (loaded.plan_prescription_gy, loaded.plan_fractions) == (None, None)
    assert loaded.prescription_source == "given (the RT Plan has none)"
    with pytest.raises(DicomError, match=r"Number of Fractions Planned \(300A,0078\).*--fractions"):
        load_plan(PlanCheckInputs.from_dict({**section, "fractions": None}))


def test_given_prescription_disagreeing_with_the_plan_is_kept_as_data(files: dict[str, Path]) -> None:
    """Issue 17: '--prescription-gy 55 against an RT Plan of 50 Gy is used without a word'."""
    loaded = load_plan(PlanCheckInputs(str(files["rtdose"]), str(files["rtstruct"]), str(files["rtplan"]),
                                       prescription_gy=55.0, fractions=5))
    assert (loaded.prescription_gy, loaded.fractions) == (55.0, 5)
    assert (loaded.plan_prescription_gy, loaded.plan_fractions) == (54.0, 3)
    assert (loaded.given_prescription_gy, loaded.given_fractions) == (55.0, 5)
    assert loaded.prescription_disagrees
    assert any("prescription given (55 Gy) differs from the RT Plan's (54 Gy)" in w for w in loaded.warnings)
    assert any("fraction count given (5) differs from the RT Plan's (3)" in w for w in loaded.warnings)
    same = load_plan(PlanCheckInputs(str(files["rtdose"]), str(files["rtstruct"]), str(files["rtplan"]),
                                     prescription_gy=54.0))
    assert not same.prescription_disagrees and not any("differs" in w for w in same.warnings)


def test_eclipse_calculation_point_is_not_a_second_prescription() -> None:
    """The Eclipse sample plan has two TARGET dose references: the site 'Breast' 14 Gy (Dose Reference
    Structure Type SITE) and its 'CALC POINT' 11.31 Gy (COORDINATES, the dose at the point). The
    prescription is the site's: 14 Gy in 7 fractions (dicom-samples README)."""
    path = _samples() / "eclipse-breast" / "rtplan.dcm"
    plan = read_rtplan(path)
    assert plan.prescription_gy == 14.0 and plan.fractions == 7 and plan.beam_numbers == (1, 2, 3, 4)
    assert plan.regimen().total_dose_gy == 14.0


def _samples() -> Path:
    return require_samples()


# --- 3. per-beam doses, FRACTION sanity ----------------------------------------------------------

def _beam_doses(tmp_path: Path, files: dict[str, Path], weights: tuple[float, ...],
                plan_beams: int | None = None) -> tuple[list[Path], Path]:
    """Per-beam RT Doses (BEAM) whose sum is the phantom's plan dose, and a plan listing its beams."""
    out = []
    for k, w in enumerate(weights, start=1):
        def beam(ds: Any, k: int = k, w: float = w) -> None:
            ds.DoseSummationType = "BEAM"
            ds.DoseGridScaling = f"{float(ds.DoseGridScaling) * w:.10e}"[:16]
            ds.SOPInstanceUID = f"{ds.SOPInstanceUID}.{k}"
            bref = pydicom.Dataset()
            bref.ReferencedBeamNumber = k
            fg = pydicom.Dataset()
            fg.ReferencedFractionGroupNumber = 1
            fg.ReferencedBeamSequence = pydicom.Sequence([bref])
            ds.ReferencedRTPlanSequence[0].ReferencedFractionGroupSequence = pydicom.Sequence([fg])
        out.append(_edit(files["rtdose"], tmp_path / f"beam{k}.dcm", beam))

    def plan(ds: Any) -> None:
        refs = []
        for k in range(1, (plan_beams or len(weights)) + 1):
            b = pydicom.Dataset()
            b.ReferencedBeamNumber = k
            refs.append(b)
        ds.FractionGroupSequence[0].ReferencedBeamSequence = pydicom.Sequence(refs)
        ds.FractionGroupSequence[0].NumberOfBeams = len(refs)
    return out, _edit(files["rtplan"], tmp_path / "plan_beams.dcm", plan)


def test_per_beam_doses_of_one_plan_are_summed(tmp_path: Path, files: dict[str, Path],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Eclipse and RayStation can export one RT Dose per beam (Dose Summation Type BEAM)."""
    beams, plan = _beam_doses(tmp_path, files, (0.25, 0.35, 0.4))
    ref = read_rtdose(files["rtdose"])
    loaded = load_plan(PlanCheckInputs(str(beams[0]), str(files["rtstruct"]), str(plan),
                                       rtdose_parts=(str(beams[1]), str(beams[2]))))
    assert np.allclose(loaded.dose.dose, ref.dose, rtol=2e-6, atol=1e-4)
    assert any("3 per-beam dose grids" in w and "summed" in w for w in loaded.warnings)
    rc, out, err = _cli(capsys, "--rtdose", str(beams[0]), "--rtdose", str(beams[1]), "--rtdose", str(beams[2]),
                        "--rtstruct", str(files["rtstruct"]), "--rtplan", str(plan), "--format", "json")
    assert rc in (0, 1) and err == "" and "per-beam dose grids" in out
    # one beam alone is not the plan
    with pytest.raises(DicomError, match="beams 2, 3 have no dose|not a whole-plan dose"):
        load_plan(PlanCheckInputs(str(beams[0]), str(files["rtstruct"]), str(plan)))


def test_per_beam_doses_that_do_not_belong_together_are_refused(tmp_path: Path, files: dict[str, Path],
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    beams, plan = _beam_doses(tmp_path, files, (0.5, 0.5), plan_beams=3)
    rc, _, err = _cli(capsys, "--rtdose", str(beams[0]), "--rtdose", str(beams[1]), "--rtstruct",
                      str(files["rtstruct"]), "--rtplan", str(plan))
    assert _one_line(rc, err) and "beams 3 have no dose" in err

    def shifted(ds: Any) -> None:
        ds.ImagePositionPatient = [float(v) + 1.0 for v in ds.ImagePositionPatient]
    moved = _edit(beams[1], tmp_path / "moved.dcm", shifted)
    with pytest.raises(DicomError, match="not on the same grid"):
        load_dose_and_structures([beams[0], moved], files["rtstruct"])

    def other_plan(ds: Any) -> None:
        ds.ReferencedRTPlanSequence[0].ReferencedSOPInstanceUID = "1.2.3.4"
    foreign = _edit(beams[1], tmp_path / "foreign.dcm", other_plan)
    with pytest.raises(DicomError, match="do not all refer to one same RT Plan"):
        load_dose_and_structures([beams[0], foreign], files["rtstruct"])
    with pytest.raises(DicomError, match="only per-beam doses"):
        load_dose_and_structures([files["rtdose"], files["rtdose"]], files["rtstruct"])


def test_pinnacle_fraction_grid_holding_the_whole_plan_is_warned(tmp_path: Path, files: dict[str, Path],
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 17: 'a Pinnacle dose labelled FRACTION that holds whole-plan values is multiplied by the fraction
    count (PTV mean 461 Gy) without a sanity check'. Here: the phantom's whole-plan dose labelled FRACTION."""
    def pinnacle(ds: Any) -> None:
        ds.DoseSummationType = "FRACTION"
    fx = _edit(files["rtdose"], tmp_path / "pinnacle.dcm", pinnacle)
    res = check_plan(PlanCheckInputs(str(fx), str(files["rtstruct"]), str(files["rtplan"])))
    said = [w for w in res.warnings if "may hold whole-plan values" in w]
    assert len(said) == 1 and "--dose-summation plan" in said[0] and "mean dose of the target 'PTV'" in said[0]
    assert f"{res.target.row['dmean_gy']:.4g} Gy" in said[0]  # the target's mean after multiplying
    assert "grid maximum" not in said[0]
    assert res.target.row["dmean_gy"] > 2.5 * SMALL.prescription_gy  # what the warning is about
    ref = small_check()   # the same check of the unchanged files, once per process
    fixed = check_plan(PlanCheckInputs(str(fx), str(files["rtstruct"]), str(files["rtplan"]), dose_summation="plan"))
    assert fixed.target.row["dmean_gy"] == pytest.approx(ref.target.row["dmean_gy"], rel=1e-6)
    assert fixed.plan.dose_summation == "plan" and res.plan.dose_summation == "fraction"
    assert not any("may hold whole-plan values" in w for w in fixed.warnings)
    assert any("read as the whole plan as asked" in w for w in fixed.warnings)
    rc, out, err = _cli(capsys, "--rtdose", str(fx), "--rtstruct", str(files["rtstruct"]), "--rtplan",
                        str(files["rtplan"]), "--dose-summation", "plan", "--format", "json")
    assert rc in (0, 1) and err == "" and "read as the whole plan as asked" in out
    # a true per-fraction grid is multiplied without the warning
    per_fx = write_phantom(tmp_path / "perfx", Phantom(**{**SMALL.__dict__, "summation": "FRACTION"}))
    ok = load_plan(PlanCheckInputs(str(per_fx["rtdose"]), str(per_fx["rtstruct"]), str(per_fx["rtplan"])))
    assert any("multiplied by 3 fractions" in w for w in ok.warnings)  # the plan check's sanity check: next test
    single = load_plan(PlanCheckInputs(str(fx), str(files["rtstruct"]), None, prescription_gy=54.0, fractions=1))
    assert single.dose_summation == "fraction" and any("read as one fraction" in w for w in single.warnings)


def test_fraction_sanity_check_uses_the_target_mean(tmp_path: Path) -> None:
    """Issue 17: 'FRACTION grids multiplied with a sanity check against the prescription (warn when the target
    mean would be far above it)'. At 2 fractions the phantom's whole-plan grid labelled FRACTION has its maximum
    times 2 (2.3 x Rx) below the grid-maximum fallback's 2.5 x Rx while the target mean (2.1 x Rx) is above
    2 x Rx: only the target mean catches it. A true per-fraction grid at the same regimen is not warned about."""
    total_gy, n = 36.0, 2
    ph = Phantom(**{**SMALL.__dict__, "prescription_gy": total_gy, "fractions": n})
    whole = write_phantom(tmp_path / "whole", ph)
    fx = _edit(whole["rtdose"], tmp_path / "pinnacle.dcm", lambda ds: setattr(ds, "DoseSummationType", "FRACTION"))
    res = check_plan(PlanCheckInputs(str(fx), str(whole["rtstruct"]), str(whole["rtplan"])))
    mean = res.target.row["dmean_gy"]
    assert mean == pytest.approx(n * 1.06 * total_gy, rel=0.02)  # dome: mean 1.06 x Rx, times n
    said = [w for w in res.warnings if "may hold whole-plan values" in w]
    assert len(said) == 1 and f"mean dose of the target 'PTV' is {mean:.4g} Gy" in said[0]
    assert f"{mean / total_gy:.1f} times the prescription" in said[0]
    assert float(res.plan.dose.dose.max()) < dicom_io.FRACTION_SANITY_FACTOR * total_gy  # the old check: silent
    _, _, notes = load_dose_and_structures(fx, whole["rtstruct"], fractions=n, prescription_gy=total_gy)
    assert not any("whole-plan values" in w for w in notes)  # the grid-maximum fallback misses it
    per_fx = write_phantom(tmp_path / "perfx", Phantom(**{**ph.__dict__, "summation": "FRACTION"}))
    ok = check_plan(PlanCheckInputs(str(per_fx["rtdose"]), str(per_fx["rtstruct"]), str(per_fx["rtplan"])))
    assert any(f"multiplied by {n} fractions" in w for w in ok.warnings)
    assert not any("whole-plan values" in w for w in ok.warnings)


def test_fraction_sanity_check_on_the_issue_plan_and_the_grid_maximum_fallback(tmp_path: Path,
                                                                               files: dict[str, Path]) -> None:
    """The issue's Pinnacle plan: PTV mean 461 Gy after multiplying a 60 Gy/8 plan's FRACTION grid holding
    whole-plan values (8 x 57.6 Gy). Without a target (reading the files alone) the grid maximum is the
    fallback, and the warning says which was used."""
    note = dicom_io.fraction_sanity_note(461.0, 60.0, 8, target="PTV")
    assert note is not None and "mean dose of the target 'PTV' is 461 Gy, 7.7 times the prescription" in note
    assert dicom_io.fraction_sanity_note(0.99 * 120.0, 60.0, 8, target="PTV") is None  # 2 x Rx: not warned
    assert dicom_io.fraction_sanity_note(461.0, 60.0, 1, target="PTV") is None  # nothing was multiplied
    fx = _edit(files["rtdose"], tmp_path / "pinnacle.dcm", lambda ds: setattr(ds, "DoseSummationType", "FRACTION"))
    _, _, notes = load_dose_and_structures(fx, files["rtstruct"], fractions=3, prescription_gy=54.0)
    said = [w for w in notes if "may hold whole-plan values" in w]
    assert len(said) == 1 and "no target known: the grid maximum is used" in said[0]


def test_nelms_grid_read_as_one_fraction_without_a_plan() -> None:
    """The public way to read a dose grid and a structure set with fractions=1 and no plan (the Nelms 2015
    grids are labelled FRACTION and hold the whole dose, dicom-samples README)."""
    root = _samples() / "nelms-2015"
    grid, ss, notes = load_dose_and_structures(root / "dose-grids" / "Linear_AntPost_3mm_Aligned.dcm",
                                               root / "structures" / "Sphere_10_0.dcm", fractions=1)
    raw = read_rtdose(root / "dose-grids" / "Linear_AntPost_3mm_Aligned.dcm")
    assert raw.summation == "FRACTION" and np.array_equal(grid.dose, raw.dose) and grid.units == "GY"
    assert len(ss.rois) >= 1 and not any("whole-plan values" in n for n in notes)


# --- 4. Grid Frame Offset Vector -----------------------------------------------------------------

def test_single_frame_dose_with_one_value_offset_vector(tmp_path: Path, files: dict[str, Path]) -> None:
    """Issue 17: 'a single-frame RT Dose with a one-value Grid Frame Offset Vector' was refused (pydicom gives
    a one-value multi-valued element as a single number)."""
    ref = read_rtdose(files["rtdose"])

    def one(ds: Any) -> None:
        plane = ds.Rows * ds.Columns * 4
        k = 20
        ds.PixelData = ds.PixelData[k * plane:(k + 1) * plane]
        ds.NumberOfFrames = 1
        ds.ImagePositionPatient = [ds.ImagePositionPatient[0], ds.ImagePositionPatient[1], float(ref.z_mm[k])]
        ds.GridFrameOffsetVector = [0.0]
    g = read_rtdose(_edit(files["rtdose"], tmp_path / "one.dcm", one))
    assert g.shape == (1, 48, 48) and g.z_mm.tolist() == [float(ref.z_mm[20])]
    assert np.array_equal(g.dose[0], ref.dose[20])


def _reversed(ds: Any, absolute: bool) -> None:
    """GammaPlan: frames stored from the top down, offsets decreasing."""
    n, plane = int(ds.NumberOfFrames), ds.Rows * ds.Columns * 4
    frames = [ds.PixelData[k * plane:(k + 1) * plane] for k in range(n)]
    z = [float(ds.ImagePositionPatient[2]) + float(v) for v in ds.GridFrameOffsetVector]
    ds.PixelData = b"".join(reversed(frames))
    ds.ImagePositionPatient = [ds.ImagePositionPatient[0], ds.ImagePositionPatient[1], z[-1]]
    ds.GridFrameOffsetVector = [v for v in reversed(z)] if absolute else [v - z[-1] for v in reversed(z)]


@pytest.mark.parametrize("absolute", [False, True])
def test_gammaplan_decreasing_offsets(tmp_path: Path, files: dict[str, Path], absolute: bool) -> None:
    ref = read_rtdose(files["rtdose"])
    g = read_rtdose(_edit(files["rtdose"], tmp_path / "gp.dcm", lambda ds: _reversed(ds, absolute)))
    assert np.array_equal(g.z_mm, ref.z_mm) and np.array_equal(g.dose, ref.dose)
    assert any("decreasing z order" in n for n in g.notes)


def test_uneven_or_absurd_plane_spacing_is_refused(tmp_path: Path, files: dict[str, Path]) -> None:
    def uneven(ds: Any) -> None:
        v = [float(x) for x in ds.GridFrameOffsetVector]
        ds.GridFrameOffsetVector = v[:10] + [x + 1.0 for x in v[10:]]
    with pytest.raises(DicomError, match="unevenly spaced"):
        read_rtdose(_edit(files["rtdose"], tmp_path / "uneven.dcm", uneven))

    def wide(ds: Any) -> None:
        ds.GridFrameOffsetVector = [60.0 * k for k in range(int(ds.NumberOfFrames))]
    with pytest.raises(DicomError, match="at most 50 mm"):
        read_rtdose(_edit(files["rtdose"], tmp_path / "wide.dcm", wide))


def test_app_panel_sums_the_per_beam_doses_of_a_folder(qtbot: Any, tmp_path: Path, files: dict[str, Path]) -> None:
    """The app's Plan check view opens a folder holding one RT Dose per beam: they are summed as on the CLI."""
    pytest.importorskip("PySide6")
    from sbrt_calc.gui.plan_check_panel import PlanCheckPanel

    beams, plan = _beam_doses(tmp_path / "beams", files, (0.5, 0.5))
    folder = tmp_path / "export"
    folder.mkdir()
    for p in (*beams, plan, files["rtstruct"]):
        (folder / p.name).write_bytes(p.read_bytes())
    w = PlanCheckPanel()
    qtbot.addWidget(w)
    w.open_folder(str(folder))
    res = w.result()
    assert res is not None and len(res.inputs.rtdose_parts) == 1
    assert any("2 per-beam dose grids" in x for x in res.warnings)
    ref = read_rtdose(files["rtdose"])
    assert np.allclose(res.plan.dose.dose, ref.dose, rtol=2e-6, atol=1e-4)
    w.open_file("rtdose", str(files["rtdose"]))  # one whole-plan dose chosen by hand: the parts are dropped
    assert w.result() is not None and w.result().inputs.rtdose_parts == ()


def test_eclipse_export_as_other_planning_systems_write_it(tmp_path: Path) -> None:
    """The real Eclipse export (dicom-samples/eclipse-breast) modified as other systems write it: its RT Plan
    without a Dose Reference Sequence (RayStation, Pinnacle, GammaPlan), its RT Dose without File Meta
    (Monaco) and with frames stored top-down (GammaPlan), its RT Structure Set truncated."""
    src = _samples() / "eclipse-breast"
    ref = read_rtdose(src / "rtdose.dcm")
    plan = _edit(src / "rtplan.dcm", tmp_path / "rtplan.dcm", _no_dose_reference)
    loaded_plan = read_rtplan(plan)
    assert loaded_plan.prescription_gy is None and loaded_plan.fractions == 7 and loaded_plan.missing
    monaco = _without_meta(src / "rtdose.dcm", tmp_path / "monaco.dcm")
    g = read_rtdose(monaco)
    assert np.array_equal(g.dose, ref.dose) and np.array_equal(g.z_mm, ref.z_mm)
    gp = read_rtdose(_edit(src / "rtdose.dcm", tmp_path / "gp.dcm", lambda ds: _reversed(ds, False)))
    assert np.array_equal(gp.dose, ref.dose) and np.allclose(gp.z_mm, ref.z_mm, atol=1e-3)  # z via DS text
    loaded = load_plan(PlanCheckInputs(str(monaco), str(src / "rtss.dcm"), str(plan), prescription_gy=14.0))
    assert (loaded.prescription_gy, loaded.fractions, loaded.fractions_source) == (14.0, 7, "RT Plan")
    raw = (src / "rtss.dcm").read_bytes()
    for pct in (25, 50, 75, 99):
        cut = tmp_path / f"rtss_{pct}.dcm"
        cut.write_bytes(raw[: len(raw) * pct // 100])
        with pytest.raises(DicomError, match="truncated|not a complete|not a readable"):
            read_rtstruct(cut)


# --- stop 26: the contour type read from the raw bytes --------------------------------------------

@pytest.mark.parametrize("raw", [b"CLOSED_PLANAR", b"CLOSED_PLANAR ", b" CLOSED_PLANAR", b"CLOSED_PLANAR\0",
                                 b"POINT ", b"OPEN_PLANAR ", b"closed_planar", b""])
def test_contour_type_from_the_raw_bytes_is_pydicom_s(raw: bytes) -> None:
    """Contour Geometric Type (3006,0042): CLOSED_PLANAR is recognised from the element's raw bytes (pydicom's
    conversion of each contour's value was a fifth of reading the Eclipse structure set); any other spelling
    is converted by pydicom. Either way the type read is the one pydicom reads."""
    from pydicom.dataelem import RawDataElement
    from pydicom.dataset import Dataset
    from pydicom.tag import Tag

    def item() -> Any:
        ds = Dataset()
        ds[0x30060042] = RawDataElement(Tag(0x30060042), "CS", len(raw), raw, 0, False, True)
        return ds

    assert dicom_io._geometric_type(item()) == str(item().get("ContourGeometricType", "") or "")


def test_contours_of_other_types_are_skipped_with_a_note(tmp_path: Path, files: dict[str, Path]) -> None:
    """A POINT and an OPEN_PLANAR contour are skipped and named in the ROI's notes; the CLOSED_PLANAR
    contours beside them are read (the raw-bytes reading of the type keeps the rule)."""
    def edit(ds: Any) -> None:
        seq = ds.ROIContourSequence[0].ContourSequence
        seq[0].ContourGeometricType = "POINT"
        seq[1].ContourGeometricType = "OPEN_PLANAR"

    before = read_rtstruct(files["rtstruct"]).rois[0]
    after = read_rtstruct(_edit(files["rtstruct"], tmp_path / "types.dcm", edit)).rois[0]
    count = sum(len(p.polygons) for p in before.planes)
    assert sum(len(p.polygons) for p in after.planes) == count - 2
    assert "POINT contour skipped" in after.notes and "OPEN_PLANAR contour skipped" in after.notes
    assert not any("skipped" in n for n in before.notes)
