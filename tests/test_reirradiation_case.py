"""Re-irradiation in the case (issue 22): the case file keeps the courses and choices, ``evaluate(case)`` has a
re-irradiation section, the PDF report renders it (text read back from the PDF).

Expected values follow from the LQ formula EQD2 = D (d + a/b) / (2 + a/b) (Fowler JF, Br J Radiol
1989;62:679-694) and the thecal sac limits of presets/reirradiation.toml (HyTEC, Sahgal 2012: cumulative EQD2
Dmax <= 70 Gy, new course <= 25 Gy, share <= 0.5, interval >= 5 months).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pydicom")

from test_reirradiation import ROIS, lq, write_dose, write_struct  # noqa: E402

from sbrt_calc.case import Case, CaseError, dumps_case, loads_case  # noqa: E402
from sbrt_calc.evaluation import evaluate  # noqa: E402
from sbrt_calc.evaluation_json import evaluation_dict  # noqa: E402
from sbrt_calc.notation import greek  # noqa: E402
from sbrt_calc.reirradiation.evaluate import ASSUMPTIONS  # noqa: E402
from sbrt_calc.reirradiation.inputs import CourseInput, ReirradiationInputs  # noqa: E402


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Course 1: 20 Gy in 5 fractions everywhere; new course: 9 Gy in 3 fractions everywhere (uniform)."""
    d = tmp_path_factory.mktemp("reirr_case")
    return {"old": write_dose(d / "old.dcm", lambda x, y, z: 20.0 + 0 * x),
            "new": write_dose(d / "new.dcm", lambda x, y, z: 9.0 + 0 * x),
            "rs": write_struct(d / "rs.dcm", ROIS), "dir": d}


def section(files: dict[str, Path], **kw: object) -> dict[str, object]:
    doc: dict[str, object] = {"courses": [{"rtdose": str(files["old"]), "fractions": 5},
                                          {"rtdose": str(files["new"]), "fractions": 3}],
                              "rtstruct": str(files["rs"]), "registration": None, "fractions_new": [3],
                              "interval_months": 8.0, "model": "lq"}
    doc.update(kw)
    return doc


def case_with(sec: object) -> Case:
    doc = {"format": "sbrt-calc-case", "format_version": 2, "title": "Spine re-irradiation", "regimens": [],
           "reirradiation": sec}
    return loads_case(json.dumps(doc))


@pytest.fixture(scope="module")
def evaluated(files: dict[str, Path]) -> object:
    return evaluate(case_with(section(files)))


def test_case_file_keeps_courses_and_choices(files: dict[str, Path]) -> None:
    sec = section(files, courses=[{"rtdose": str(files["old"]), "fractions": 5},
                                  {"rtdose": str(files["new"]), "fractions": 3, "prescription_gy": 27.0}],
                  fractions_new=[1, 3, 5], interval_months=0.0, model="lql")
    case = case_with(sec)
    inputs = case.reirradiation
    assert inputs == ReirradiationInputs((CourseInput(str(files["old"]), 5), CourseInput(str(files["new"]), 3, 27.0)),
                                         str(files["rs"]), None, (1, 3, 5), 0.0, "lql")
    again = loads_case(dumps_case(case))
    assert again.reirradiation == inputs and json.loads(dumps_case(again))["reirradiation"] == inputs.to_dict()
    assert inputs.to_dict()["courses"][1] == {"rtdose": str(files["new"]), "fractions": 3, "prescription_gy": 27.0}
    # an incomplete section (one course, no structure set yet) is kept: the app saves what the user chose
    part = case_with({"courses": [{"rtdose": "a.dcm", "fractions": 10}]}).reirradiation
    assert part.rtstruct is None and "1 more course" in part.missing and "Structure Set" in part.missing
    assert case_with(None).reirradiation is None


@pytest.mark.parametrize(("sec", "field"), [
    ({"courses": [{"rtdose": "a.dcm"}]}, "reirradiation.courses[0].fractions"),
    ({"courses": [{"rtdose": "a.dcm", "fractions": 0}]}, "reirradiation.courses[0].fractions"),
    ({"courses": [{"rtdose": "a.dcm", "fractions": 3.0}]}, "reirradiation.courses[0].fractions"),
    ({"courses": [{"rtdose": "", "fractions": 3}]}, "reirradiation.courses[0].rtdose"),
    ({"courses": [{"rtdose": "a.dcm", "fractions": 3, "prescription_gy": -1}]},
     "reirradiation.courses[0].prescription_gy"),
    ({"courses": [{"rtdose": "a.dcm", "fractions": 3, "dose": 1}]}, "reirradiation.courses[0].dose"),
    ({"courses": "a.dcm"}, "reirradiation.courses"),
    ({"model": "usc"}, "reirradiation.model"),
    ({"interval_months": -2}, "reirradiation.interval_months"),
    ({"fractions_new": [3, 200]}, "reirradiation.fractions_new[1]"),
    ({"rtstruct": 7}, "reirradiation.rtstruct"),
    ({"recovery": 0.5}, "reirradiation.recovery"),
    ([], "reirradiation"),
])
def test_bad_section_refused_naming_the_key(sec: object, field: str) -> None:
    with pytest.raises(CaseError) as err:
        case_with(sec)
    assert err.value.field == field, err.value.message
    assert "\n" not in err.value.message


def test_evaluate_case_has_reirradiation_section(evaluated: object) -> None:
    rr = evaluated.reirradiation  # type: ignore[attr-defined]
    assert rr is not None and rr.error == "" and rr.status == "pass"
    canal = next(s for s in rr.result.structures if s.name == "SpinalCanal")
    assert canal.dose.max_gy == pytest.approx(lq(20, 5, 2) + lq(9, 3, 2), rel=1e-5)
    doc = evaluation_dict(evaluated)  # type: ignore[arg-type]
    sec = doc["reirradiation"]
    assert sec["status"] == "pass" and sec["inputs"]["fractions_new"] == [3]
    assert sec["assumptions"] == list(ASSUMPTIONS)
    assert sec["limits"][0]["structure"] == "SpinalCanal" and sec["limits"][0]["sensitivity"] == "holds in all"
    # the largest new course in 3 fractions on a uniform dose: the new course's EQD2 limit (25 Gy at a/b 2) binds
    big = sec["largest_new_course"][0]
    assert big["fractions"] == 3 and big["limiting_structure"] == "SpinalCanal"
    assert lq(9 * big["scale"], 3, 2) == pytest.approx(25.0, rel=1e-6)
    json.dumps(doc, allow_nan=False)


def test_evaluation_reuses_a_done_result_and_reports_errors(files: dict[str, Path], evaluated: object) -> None:
    case = case_with(section(files))
    done = evaluated.reirradiation  # type: ignore[attr-defined]
    assert evaluate(case, reirradiation=done).reirradiation is done
    other = case_with(section(files, interval_months=9.0))
    assert evaluate(other, reirradiation=done).reirradiation is not done   # other inputs: computed again
    # incomplete or unreadable: no result, the reason in the section and in the evaluation's notes, never a pass
    part = evaluate(case_with({"courses": [{"rtdose": str(files["old"]), "fractions": 5}]}))
    assert part.reirradiation.result is None and part.reirradiation.status == "incomplete"
    assert "still needed" in part.reirradiation.error and part.reirradiation.error in part.notes
    gone = evaluate(case_with(section(files, rtstruct=str(files["dir"] / "missing.dcm"))))
    assert gone.reirradiation.result is None and "missing.dcm" in gone.reirradiation.error
    assert evaluation_dict(gone)["reirradiation"]["status"] == "incomplete"


def _pdf_text(path: Path) -> str:
    pytest.importorskip("pypdf")
    from pdftext import pdf_text

    return pdf_text(path)


def test_report_section_in_the_pdf(files: dict[str, Path], evaluated: object, tmp_path: Path) -> None:
    pytest.importorskip("PySide6")
    from sbrt_calc.report.pdf import write_report_pdf
    from sbrt_calc.report.sources import content_from_case

    case = case_with(section(files))
    content = content_from_case(case, reirradiation=evaluated.reirradiation)  # type: ignore[attr-defined]
    text = _pdf_text(write_report_pdf(content, tmp_path / "r.pdf"))
    flat = text.replace(" ", "")
    folder = files["old"].parent.name   # courses are labelled by folder and name (exports often share a name)
    for needle in ("Re-irradiation: courses summed voxel by voxel in EQD2", "PASS: 2 courses summed in EQD2",
                   f"course 1: {folder}/old.dcm", f"course 2: {folder}/new.dcm", "cumulative limits", "thecal sac",
                   "holds in all", "largest new course that fits", "SpinalCanal", "Type 1 or Type 2",
                   "repeat organ irradiation", "doi:10.21037/apm-24-4"):
        assert needle.replace(" ", "").lower() in flat.lower(), needle
    for a in ASSUMPTIONS:   # word for word (the PDF's line breaks aside), α/β as the report writes it
        assert greek(a).replace(" ", "") in flat, a
    # the cumulative EQD2 maximum of the canal, 41.25 Gy, rounded as the table shows it
    assert "41.3" in text


def test_report_section_says_why_not_evaluated(files: dict[str, Path], tmp_path: Path) -> None:
    pytest.importorskip("PySide6")
    from sbrt_calc.report.pdf import write_report_pdf
    from sbrt_calc.report.sources import content_from_case

    case = case_with({"courses": [{"rtdose": str(files["old"]), "fractions": 5}]})
    text = _pdf_text(write_report_pdf(content_from_case(case), tmp_path / "r.pdf")).replace(" ", "")
    assert "INCOMPLETE:Re-irradiationnotevaluated:stillneeded:1morecourse" in text


def dicompyler_read(path: Path, tmp_path: Path) -> tuple[dict, list]:  # type: ignore[type-arg]
    """(GetDoseData(), [each plane in Gy]) as dicompyler-core reads the RT Dose (its own parser, not ours).

    In this interpreter when dicompyler-core imports here; else in the interpreter named by
    ``SBRT_CALC_DICOMPYLER_PYTHON`` (dicompyler-core 0.5.6 needs pydicom < 3: ``.ci/run`` makes it a virtual
    environment of its own and runs this test there), through ``tests/dicompyler_read_dose.py``."""
    import os
    import subprocess
    import sys

    other = os.environ.get("SBRT_CALC_DICOMPYLER_PYTHON")
    if not other:
        try:
            import dicompylercore.dicomparser  # noqa: F401
        except Exception:
            pytest.skip("dicompyler-core is not installed, or cannot import with this pydicom (0.5.6 needs "
                        "pydicom < 3); CI runs this test with SBRT_CALC_DICOMPYLER_PYTHON set (.ci/run)")
        other = sys.executable
    out = tmp_path / "dicompyler.npz"
    run = subprocess.run([other, str(Path(__file__).with_name("dicompyler_read_dose.py")), str(path), str(out)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    with np.load(out) as z:
        return json.loads(str(z["meta"])), list(z["planes"])


def test_export_read_back_by_dicompyler_core(files: dict[str, Path], evaluated: object, tmp_path: Path) -> None:
    """The summed EQD2 RT Dose read by dicompyler-core (Panchal A, dicompyler-core 0.5.6): units, type, comment, and
    every plane within half the Dose Grid Scaling of the computed map."""
    from sbrt_calc.reirradiation.export import DOSE_COMMENT, write_eqd2_dose

    res = evaluated.reirradiation.result  # type: ignore[attr-defined]
    out = write_eqd2_dose(tmp_path / "eqd2.dcm", res, (files["old"], files["new"], files["rs"]))
    data, planes = dicompyler_read(out, tmp_path)
    assert data["doseunits"] == "GY" and data["dosetype"] == "EFFECTIVE" and data["dosecomment"] == DOSE_COMMENT
    assert data["dosesummationtype"] == "MULTI_PLAN"
    scaling = float(data["dosegridscaling"])
    expected = np.asarray(res.eqd2_map.dose, dtype=float)
    assert len(planes) == expected.shape[0]
    for k, plane in enumerate(planes):
        assert np.max(np.abs(plane - expected[k])) <= scaling / 2 + 1e-9
    assert data["dosemax"] * scaling == pytest.approx(float(expected.max()), abs=scaling)


def test_no_new_plan_largest_uniform_prescription_exact(files: dict[str, Path]) -> None:
    """No new plan: the earlier course (20 Gy/5 everywhere: EQD2 30 Gy at a/b 2) graded alone; the largest uniform
    prescription D in N fractions to the PTV, which meets the canal (a neighbouring voxel), is bound by the new
    course's limit EQD2 <= 25 Gy (cumulative 70 -> 40, share 0.5 -> 30 bind later): D(D/N + 2)/4 = 25, so
    D = N(-2 + sqrt(4 + 400/N))/2 (HyTEC / Sahgal 2012 limits; LQ, Fowler 1989)."""
    import math

    from sbrt_calc.plancheck.dicom_io import read_rtstruct
    from sbrt_calc.reirradiation.courses import load_course
    from sbrt_calc.reirradiation.evaluate import evaluate_reirradiation
    from sbrt_calc.table import Status

    r = evaluate_reirradiation([load_course(files["old"], 5)], read_rtstruct(files["rs"]), fractions_new=(1, 5),
                               interval_months=8.0, new_plan=False)
    assert not r.new_plan and r.target == "PTV_9" and len(r.courses) == 1
    lim = r.limits[0]
    assert [c.name for c in lim.checks] == ["cumulative EQD2 Dmax", "interval since the previous course"]
    assert lim.checks[0].value == pytest.approx(lq(20, 5, 2), rel=1e-5) and lim.status == Status.PASS
    for big in r.largest:
        n = big.fractions
        assert big.uniform and big.target == "PTV_9"
        assert big.scale == pytest.approx(n * (-2 + math.sqrt(4 + 400 / n)) / 2, rel=1e-7)
        assert big.limiting_structure == "SpinalCanal" and big.limiting_check == "new course EQD2 Dmax"
        assert big.least_scale is not None and big.least_scale <= big.scale and big.status == Status.PASS
    doc = r.as_dict()
    assert doc["new_plan"] is False and doc["courses"][0]["role"] == "previous"
    from sbrt_calc.reirradiation.evaluate import NO_NEW_PLAN_ASSUMPTION

    assert doc["assumptions"] == [*ASSUMPTIONS[:-1], NO_NEW_PLAN_ASSUMPTION]   # not "scales the new plan's dose"
    assert doc["largest_new_course"][0]["uniform_prescription_gy"] == r.largest[0].scale
    assert "scale" not in doc["largest_new_course"][0]
    from sbrt_calc.reirradiation.tables import typed_tables

    t = {x.key: x for x in typed_tables(r)}["reirradiation_largest"]
    assert t.title == "Re-irradiation: the largest uniform prescription to the target"
    assert t.column("prescription")[0].value == r.largest[0].scale


def test_no_new_plan_target_away_from_the_organ_and_no_target(tmp_path: Path, files: dict[str, Path]) -> None:
    """A PTV far from the canal bounds nothing (incomplete, said); no PTV at all: incomplete; a named target that is
    not contoured: one line naming the structures there."""
    from test_reirradiation import _box

    from sbrt_calc.plancheck.dicom_io import read_rtstruct
    from sbrt_calc.reirradiation.courses import ReirradiationError, load_course
    from sbrt_calc.reirradiation.evaluate import evaluate_reirradiation
    from sbrt_calc.table import Status

    zs = [-6.0, -4.0, -2.0, 0.0, 2.0, 4.0, 6.0]
    far = write_struct(tmp_path / "far.dcm", [("SpinalCanal", "ORGAN", _box(-6, 6, -6, 6, zs)),
                                              ("PTV_far", "PTV", _box(12, 18, 10, 18, zs))])
    old = [load_course(files["old"], 5)]
    r = evaluate_reirradiation(old, read_rtstruct(far), fractions_new=(3,), interval_months=8.0, new_plan=False)
    big = r.largest[0]
    assert big.scale is None and big.status == Status.INCOMPLETE and r.status == Status.INCOMPLETE
    assert any("does not meet the target (PTV_far)" in n for n in big.notes)
    none = write_struct(tmp_path / "none.dcm", [("SpinalCanal", "ORGAN", _box(-6, 6, -6, 6, zs))])
    r = evaluate_reirradiation(old, read_rtstruct(none), fractions_new=(3,), interval_months=8.0, new_plan=False)
    assert r.largest[0].status == Status.INCOMPLETE and "no target" in r.largest[0].notes[0]
    with pytest.raises(ReirradiationError, match="'Liver' is not a contoured structure.*SpinalCanal"):
        evaluate_reirradiation(old, read_rtstruct(none), fractions_new=(3,), new_plan=False, target="Liver")


def test_no_new_plan_in_the_case_file_and_the_cli(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    sec = {"courses": [{"rtdose": str(files["old"]), "fractions": 5}], "rtstruct": str(files["rs"]),
           "fractions_new": [3], "interval_months": 8.0, "new_plan": False, "target": "PTV_9"}
    case = case_with(sec)
    assert case.reirradiation.new_plan is False and case.reirradiation.missing == ""
    assert json.loads(dumps_case(case))["reirradiation"] == sec     # kept as written
    assert case.reirradiation.to_dict() == {**sec, "registration": None, "model": "lq"}
    assert loads_case(dumps_case(case)).reirradiation == case.reirradiation
    assert case_with({**sec, "new_plan": False, "courses": []}).reirradiation.missing.startswith("an earlier course")
    with pytest.raises(CaseError, match="new_plan"):
        case_with({**sec, "new_plan": "no"})
    ev = evaluate(case)
    assert ev.reirradiation.status == "pass" and ev.reirradiation.result.largest[0].uniform
    from sbrt_calc.cli.main import main

    code = main(["reirradiation", "--course", f"{files['old']}:5", "--rtstruct", str(files["rs"]), "--no-new-plan",
                 "--fractions-new", "3", "--interval-months", "8", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["new_plan"] is False and doc["target"] == "PTV_9"
    assert doc["largest_new_course"][0]["uniform_prescription_gy"] == pytest.approx(
        ev.reirradiation.result.largest[0].scale, rel=1e-9)
    code = main(["reirradiation", "--course", f"{files['old']}:5", "--rtstruct", str(files["rs"])])
    err = capsys.readouterr().err
    assert code == 2 and "--no-new-plan" in err and err.count("\n") == 1


def test_rigid_registration_quadratic_dose_error_bounded_by_the_grid(tmp_path: Path) -> None:
    """A curved old dose, D = 10 + k (x^2 + y^2 + z^2) in its own frame (3 mm grid), rotated 10 degrees about z and
    shifted (5, -3, 2) mm into the new frame (PS3.3 C.20.2). Trilinear interpolation of a sum of one-axis quadratics
    errs by k (u(h - u)) per axis, at most k h^2 / 4 per axis: here 3 k (3 mm)^2 / 4 overall. The error stays within
    that bound (and is not zero: the test sees the interpolation)."""
    from test_reirradiation import FRAME, OTHER_FRAME, _rigid, axes, write_registration

    from sbrt_calc.reirradiation.courses import load_course, read_registration, resample, transforms_for

    k = 0.01

    def dose_old(x, y, z):  # type: ignore[no-untyped-def]
        return 10.0 + k * (x * x + y * y + z * z)

    old = write_dose(tmp_path / "old.dcm", dose_old, axes(x0=-42.0, nx=29, y0=-42.0, ny=29, z0=-21.0, nz=15, step=3.0),
                     frame=OTHER_FRAME)
    new = write_dose(tmp_path / "new.dcm", lambda x, y, z: 9.0 + 0 * x)
    m_old = _rigid(10.0, (5.0, -3.0, 2.0))
    reg = write_registration(tmp_path / "reg.dcm", {FRAME: np.eye(4), OTHER_FRAME: m_old})
    courses = [load_course(old, 5), load_course(new, 3)]
    (tr,) = transforms_for(courses, read_registration(reg))
    rs = resample(courses[0], courses[1].grid, tr)
    g = courses[1].grid
    zz, yy, xx = np.meshgrid(g.z_mm, g.y_mm, g.x_mm, indexing="ij")
    pts = np.linalg.inv(m_old) @ np.stack([xx.ravel(), yy.ravel(), zz.ravel(), np.ones(xx.size)])
    expected = dose_old(pts[0], pts[1], pts[2]).reshape(xx.shape)
    assert not rs.outside.any()
    err = rs.dose_gy.astype(float) - expected
    bound = 3 * k * 3.0 ** 2 / 4
    assert err.max() <= bound + 1e-4 and err.min() >= -1e-4   # linear interpolation of a convex dose: never below
    assert err.max() > 0.2 * bound                               # the test sees the interpolation error
