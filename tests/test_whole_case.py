"""Issue 18's acceptance test: one evaluated case, all of it, the same on every face.

One case with the flag line at 80 Gy, the reference at 150 Gy, tumour alpha/beta 8 Gy, a pending rebiopsy
(eligibility), a planning section for 36 Gy/3 and a plan check of an analytic phantom planned to 36 Gy/3.
The screen (the app's widgets and models, offscreen), the app's PDF, ``sbrt-calc report`` (text extracted
with pypdf), ``compare --case`` (text and JSON) must show the same numbers, verdicts and labels, and none
may print the shipped 70 Gy line as the case's line.

Expected values are written from the LQ formula (Fowler, Br J Radiol 1989;62:679): BED10 = D (1 + d/10)
(the scale of both lines), BED8 = D (1 + d/8) (the tumour column); flag BED10 > 80 Gy, reference
BED10 >= 150 Gy. 36 Gy/3: BED10 36 x 2.2 = 79.2 Gy (not above 80), BED8 36 x 2.5 = 90.0 Gy;
54 Gy/3: BED10 54 x 2.8 = 151.2 Gy (above 80 and >= 150), BED8 54 x 3.25 = 175.5 Gy.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("pydicom")

from PySide6.QtCore import Qt  # noqa: E402

from sbrt_calc.case import Case, CaseRegimen, CaseSettings, save_case  # noqa: E402
from sbrt_calc.cli.main import main  # noqa: E402
from sbrt_calc.notation import greek  # noqa: E402
from sbrt_calc.regimen import parse_regimen  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
REGIMENS = ("36/3", "54/3")
#: label -> (BED10, BED8, flag BED10 > 80, reference BED10 >= 150), from the formulas above
WANT = {"36/3": ("79.2", "90.0", "not reached", "not reached"),
        "54/3": ("151.2", "175.5", "reached", "reached")}
PENDING = "PENDING (rebiopsy)"
PLANNING_BED = "79.2 Gy: NOT above the BED10 > 80 Gy line"
#: the case's tumour alpha/beta beside the line's BED10, with its own label: 36 x (1 + 12/8) = 90.0 Gy
PLANNING_BED8 = "BED8 (LQ, tumour alpha/beta 8) 90.0 Gy (the case's tumour alpha/beta; not compared with BED10 > 80 Gy)"


def no_shipped_line(text: str) -> None:
    """The case's line is 80 Gy: no sentence may use the shipped 70 Gy line. Only the case line's provenance may
    name it: "case setting; shipped 70 Gy: <the shipped line's source>"."""
    from sbrt_calc.presets.radiobiology import radiobiology

    shipped = " ".join(radiobiology().threshold("bed10_oligoprogression").source.split())
    rest = " ".join(text.split()).replace(shipped, "").replace("shipped 70 Gy", "")
    assert "70 Gy" not in rest and "> 70" not in rest and "≤ 70" not in rest, \
        rest[max(0, rest.find("70") - 200):rest.find("70") + 100]


def whole_case(folder: Path) -> Case:
    from sbrt_calc.eligibility.case import load_case as load_eligibility
    from sbrt_calc.plancheck.inputs import PlanCheckInputs
    from sbrt_calc.plancheck.phantom import Phantom, write_phantom
    from sbrt_calc.planning.section import PlanningInputs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        files = write_phantom(folder, Phantom(prescription_gy=36.0, fractions=3, shape=(40, 48, 48),
                                              cord_distance_mm=40.0, cord_z_mm=(-30.0, 30.0),
                                              lungs_box_mm=(-50.0, 50.0, -50.0, 30.0, -30.0, 30.0)))
    ecase = load_eligibility(EXAMPLES / "case_egfr_bone.toml")
    from dataclasses import replace

    ecase = replace(ecase, suspected_transformation=True, rebiopsy_result="pending")
    planning = PlanningInputs(regimen="36/3", lesion=0, site="bone", ptv_cc=20.0, r50=4.0, d2cm_percent=50.0)
    paths = {k: str(v) for k, v in files.items()}
    plan_check = PlanCheckInputs(paths["rtdose"], paths["rtstruct"], paths.get("rtplan"))
    return Case(title="Whole case", identifier="ID-18",
                regimens=tuple(CaseRegimen.from_regimen(parse_regimen(t)) for t in REGIMENS),
                settings=CaseSettings(tumour_alpha_beta_gy=8.0, flag_bed_gy=80.0, reference_bed_gy=150.0),
                sections={"eligibility": {"case": ecase.to_dict()}, "planning": planning.to_dict(),
                          "plan_check": plan_check.to_dict()})


@pytest.fixture(scope="module")
def case_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole case and its phantom's DICOM files, written once for the module (the tests only read them)."""
    folder = tmp_path_factory.mktemp("whole")
    return save_case(whole_case(folder / "plan"), folder / "whole.sbrt.json")


def pdf_text(path: Path) -> str:
    from pdftext import pdf_text

    return pdf_text(path)


def test_the_evaluation_holds_the_whole_case_under_its_settings(case_file: Path) -> None:
    """evaluate(case): regimens, eligibility (verdict and its label), planning and the plan check, all under
    the case's lines; the plan check's BED10 verdict is on the case's 80 Gy line."""
    from sbrt_calc.case import load_case
    from sbrt_calc.evaluation import evaluate

    ev = evaluate(load_case(case_file))
    assert ev.settings.flag.bed_gy == 80.0 and ev.settings.tumour_alpha_beta_gy == 8.0
    assert ev.eligibility is not None and ev.eligibility.verdict == "pending_rebiopsy"
    assert ev.eligibility.verdict_label == PENDING
    assert ev.planning is not None and ev.planning.bed10_gy == pytest.approx(79.2)
    assert ev.planning.flag_applies and ev.planning.flag_reached is False
    assert ev.plan_check is not None and ev.plan_check.result is not None
    assert ev.plan_check.bed10_gy == pytest.approx(79.2) and ev.plan_check.flag_reached is False
    # eligibility's scheme marks use the case's line: 36/3 (79.2) is not above 80
    schemes = {s.label: s for s in ev.eligibility.assessment.lesions[0].schemes}
    assert schemes["36 Gy/3"].bed10_above_threshold is False
    for r in ev.rows:
        assert r.flag_applies is True


def test_one_case_reads_the_same_on_every_face(qtbot, window, case_file: Path, tmp_path: Path,  # noqa: ANN001
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # 1. the screen: the regimen table, the eligibility tab, the planning tab, the plan-check tab
    assert window.open_path(str(case_file), ask=False)
    m = window.model
    for r, label in enumerate(REGIMENS):
        got = tuple(m.data(window.current_index(r, key), Qt.ItemDataRole.DisplayRole)
                    for key in ("bed10_gy", "bed_8_lq", "flag", "reference"))
        assert got == WANT[label], label
    elig = window.eligibility.browser.toPlainText()
    assert elig.startswith(PENDING) and "NOT supported" not in elig
    no_shipped_line(elig)
    plan = window.planning.browser.toPlainText()
    assert PLANNING_BED in plan and "BED10 > 80 Gy" in plan
    assert greek(PLANNING_BED8) in " ".join(plan.split())   # the app writes α/β; the CLI's text keeps ASCII
    assert "alpha/beta" not in plan
    no_shipped_line(plan)
    pc = window.plan_check
    assert pc.result() is not None

    # 2. compare --case: the JSON and the text
    assert main(["compare", "--case", str(case_file), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["thresholds"]["flag"]["bed_gy"] == 80 and doc["tumour_alpha_beta_gy"] == 8
    for row in doc["regimens"]:
        bed10, bed8, flag, ref = WANT[row["label"]]
        assert f"{row['bed10_gy']:.1f}" == bed10 and f"{row['bed_gy']['8']:.1f}" == bed8
        assert row["flag_applies"] is True and row["flag_status"] == ("pass" if flag == "reached" else "warning")
        assert ("reached" if row["bed10_above_threshold"] else "not reached") == flag
        assert ("reached" if row["bed10_reference_reached"] else "not reached") == ref
    assert doc["eligibility"]["verdict"] == "pending_rebiopsy" and doc["eligibility"]["verdict_label"] == PENDING
    assert doc["planning"]["bed10_gy"] == pytest.approx(79.2) and doc["planning"]["flag"]["reached"] is False
    assert doc["planning"]["flag"]["label"] == "BED10 > 80 Gy"
    pcd = doc["plan_check"]
    assert pcd["prescription"]["bed10_gy"] == pytest.approx(79.2) and pcd["prescription"]["bed10_flag"] is False
    assert "80 Gy" in pcd["prescription"]["bed10_flag_line"]
    no_shipped_line(json.dumps(doc, ensure_ascii=False))
    assert main(["compare", "--case", str(case_file)]) == 0
    text = capsys.readouterr().out
    assert PENDING in text and PLANNING_BED in text
    assert " ".join(text.split()).count(PLANNING_BED8) == 2   # planning and plan check
    no_shipped_line(text)

    # 3. the app's PDF and sbrt-calc report: the same labels, numbers and verdicts; the app's PDF renders the
    # plan check the screen shows (no second DICOM run)
    import sbrt_calc.plancheck.grade as grade

    real = grade.check_plan
    monkeypatch.setattr(grade, "check_plan", lambda *a, **k: pytest.fail("the app's PDF read the DICOM files again"))
    app_pdf = window.export_report(str(tmp_path / "app.pdf"), "A4")
    monkeypatch.setattr(grade, "check_plan", real)
    assert app_pdf is not None
    assert main(["report", str(case_file), "-o", str(tmp_path / "cli.pdf")]) == 0
    for path in (Path(app_pdf), tmp_path / "cli.pdf"):
        t = pdf_text(path)
        assert PENDING in t and "NOT supported" not in t, path
        assert PLANNING_BED in t and t.count(greek(PLANNING_BED8)) == 2, path   # planning and plan check
        assert "alpha/beta" not in t, path   # written one way, as on the screen (issue 21)
        assert "BED10 > 80 Gy" in t and "BED10 ≥ 150 Gy" in t and "tumour 8 Gy" in t
        for i, label in enumerate(REGIMENS, 1):
            bed10, bed8, flag, ref = WANT[label]
            assert f"{i} {label} " in t and f" {bed10} {flag} {ref} " in t, (label, path)
            assert f" {bed8} " in t
        assert "Plan check: plan" in t and re.search(r"BED10 \(LQ, α/β 10 Gy\) 79\.2 Gy", t), path
        no_shipped_line(t)

    # 4. "Plan this lesion" says why under the case's line, as the eligibility tab does
    window.send_lesion_to_planning(0)
    said = window.statusBar().currentMessage()
    assert window.planning.inputs.regimen == "36/3" and "NOT above the BED10 > 80 Gy line" in said, said
    no_shipped_line(said)


def test_spine_case_marks_the_flag_not_applicable_on_every_face(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Planned at the spine, the regimen rows say the flag is n/a at this site (Status.NA) in the evaluation,
    the JSON, the text and the PDF, as the planning view does."""
    from dataclasses import replace

    from sbrt_calc.case import load_case
    from sbrt_calc.evaluation import evaluate
    from sbrt_calc.planning.section import PlanningInputs
    from sbrt_calc.table import Status
    from sbrt_calc.tables import regimen_table

    case = Case(title="Spine", regimens=(CaseRegimen.from_regimen(parse_regimen("24/2")),),
                sections={"planning": PlanningInputs(regimen="24/2", site="spine").to_dict()})
    path = save_case(case, tmp_path / "spine.sbrt.json")
    ev = evaluate(load_case(path))
    assert ev.rows[0].flag_applies is False
    t = regimen_table(ev)
    cell = t.column("flag")[0]
    assert cell.status is Status.NA and cell.text == "n/a at this site"
    assert main(["compare", "--case", str(path), "--format", "json"]) == 0
    row = json.loads(capsys.readouterr().out)["regimens"][0]
    assert row["flag_applies"] is False and row["flag_status"] == "n/a"
    assert main(["compare", "--case", str(path)]) == 0
    assert "n/a at this site" in capsys.readouterr().out
    assert main(["report", str(path), "-o", str(tmp_path / "s.pdf")]) == 0
    assert "n/a at this site" in pdf_text(tmp_path / "s.pdf")
    from sbrt_calc.report.content import build_html
    from sbrt_calc.report.plot import plot_data
    from sbrt_calc.report.sources import content_from_case
    from sbrt_calc.table import STATUS_COLOURS

    assert plot_data(ev).horizontal[0][0] == "BED10 > 70 Gy (flag; n/a at this site)"
    # the report colours the verdict cells by their status, never by their words (other CSS, such as the padding
    # after a right-aligned number, may follow the colour)
    fg, bg = STATUS_COLOURS[Status.NA]
    assert re.search(f'style="color:{fg}(;[^"]*)?" bgcolor="{bg}">n/a at this site<',
                     build_html(content_from_case(load_case(path))))
    # without the planning section the line applies again
    ev2 = evaluate(replace(load_case(path), sections={}))
    assert ev2.rows[0].flag_applies is True and ev2.rows[0].flag_reached is False


def test_the_app_marks_the_flag_not_applicable_at_the_planned_spine(window, tmp_path: Path) -> None:  # noqa: ANN001
    """The app's table says what the core says: planned at the spine, the flag column reads 'n/a at this site'
    (coloured as n/a, not as 'reached'); planning a bone lesion instead brings the verdict back."""
    from sbrt_calc.planning.section import PlanningInputs

    case = Case(title="Spine", regimens=(CaseRegimen.from_regimen(parse_regimen("24/2")),),
                sections={"planning": PlanningInputs(regimen="24/2", site="spine").to_dict()})
    path = save_case(case, tmp_path / "spine.sbrt.json")
    assert window.open_path(str(path), ask=False)
    idx = window.current_index(0, "flag")
    assert window.model.data(idx, Qt.ItemDataRole.DisplayRole) == "n/a at this site"
    assert window.model.data(idx, Qt.ItemDataRole.DecorationRole) is None
    planning = window.planning
    planning.apply_inputs(PlanningInputs(regimen="24/2", site="bone"))
    assert window.model.data(window.current_index(0, "flag"), Qt.ItemDataRole.DisplayRole) == "not reached"
    planning.apply_inputs(PlanningInputs(regimen="24/2", site="spine"))
    assert window.model.data(window.current_index(0, "flag"), Qt.ItemDataRole.DisplayRole) == "n/a at this site"


@pytest.mark.parametrize(("bed_gy", "comparison"), [(100.0, ">="), (150.0, ">="), (80.0, ">")])
def test_solved_regimens_reach_the_line_they_are_labelled_with(bed_gy: float, comparison: str) -> None:
    """Issue 18: 46.33 Gy/4 labelled "LQ BED10 100" showed "not reached" (the solved dose rounded to 46.33 Gy gives
    BED10 99.99 Gy; unrounded 53.066.../6 gives 99.99999999999999 Gy). The solved dose is kept, nudged by the
    units in the last place floating point loses: each row reaches the line its label names."""
    from dataclasses import replace

    from sbrt_calc.evaluation import EvaluationSettings, evaluate_regimen
    from sbrt_calc.models import regimens_reaching
    from sbrt_calc.presets.radiobiology import radiobiology

    shipped = radiobiology().threshold("bed10_primary_lung")
    line = replace(shipped, bed_gy=bed_gy, comparison=comparison)
    regs = regimens_reaching(line, [3, 4, 5, 6])
    assert [r.fractions for r in regs] == [3, 4, 5, 6]
    s = EvaluationSettings(reference=line, flag=line)
    for reg in regs:
        assert f"LQ BED10 {bed_gy:g})" in reg.label
        row = evaluate_regimen(reg, s)
        assert row.reference_reached and row.bed10_gy == pytest.approx(bed_gy, abs=1e-9), reg.label
    four = next(r for r in regs if r.fractions == 4)
    if bed_gy == 100.0:
        assert four.label.startswith("46.33 Gy/4") and four.total_dose_gy != 46.33


def test_the_apps_solved_reference_rows_say_reached(window) -> None:  # noqa: ANN001
    """File ▸ Add ▸ Reach the reference line: every added row reads 'reached' in the reference column."""
    n = window.model.rowCount()
    window.row_actions.add_solved_reference()
    added = range(n, window.model.rowCount())
    assert len(added) == 4
    for r in added:
        assert window.model.data(window.current_index(r, "reference"), Qt.ItemDataRole.DisplayRole) == "reached"


def test_the_shirata_citation_is_one_string_in_one_place() -> None:
    """Shirata Y et al., Radiat Oncol 2012;7:182 (PMC3542195; the volume and article number read on the journal's
    page): the eligibility caveat cites the reference line's source from presets/radiobiology.toml, the one place
    the citation is written (the core once also wrote it as 7:156)."""
    from sbrt_calc.eligibility.rules import reference_line_caveat

    root = Path(__file__).resolve().parent.parent
    found = [p for d in ("sbrt_calc", "presets", "gui") for p in (root / d).rglob("*")
             if p.suffix in (".py", ".toml") and "Shirata Y" in p.read_text(encoding="utf-8")]
    assert [p.name for p in found] == ["radiobiology.toml"]
    assert "Shirata Y et al., Radiat Oncol 2012;7:182" in reference_line_caveat().source
