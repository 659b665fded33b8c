"""The plan check the screen shows is the one the app's PDF and print preview render (no second DICOM run), and
its EQD2 is at the case's alpha/beta on every face (issue 18).

One window for the module: the acceptance case of ``test_whole_case`` (flag 80 Gy, tumour alpha/beta 8 Gy, a
phantom planned to 36 Gy/3) with a non-default organ alpha/beta of 4 Gy. The DICOM entry points of the check
(``grade.load_plan``, which reads the files, and ``grade.structure_dvh``, which rasterises a structure) are
counted while the report is built.

Expected EQD2 from the LQ formula (Fowler, Br J Radiol 1989;62:679): EQD2 = D (d + a/b) / (2 + a/b), d = D/n,
voxel by voxel, so Max and D0.035cc of the EQD2 DVH are the formula at the physical Max and D0.035cc: targets
at the case's tumour 8 Gy, Lungs/External at the case's organ 4 Gy, SpinalCord at the presets' cord value.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pypdf")
pytest.importorskip("pydicom")

from test_whole_case import pdf_text, whole_case  # noqa: E402  # the acceptance case and the PDF's text

from sbrt_calc.notation import greek  # noqa: E402  # the app and the PDF write α/β; the CLI and JSON keep ASCII

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


ORGAN_AB = 4.0


def case_of(folder: Path) -> Any:
    """The acceptance case (tumour alpha/beta 8 Gy) with the organ alpha/beta at 4 Gy (shipped: 3)."""
    from dataclasses import replace

    case = whole_case(folder)
    return replace(case, settings=replace(case.settings, organ_alpha_beta_gy=ORGAN_AB))


def expected_alpha_beta(tg263: str | None) -> tuple[float, str]:
    from sbrt_calc.presets.radiobiology import radiobiology

    if tg263 in ("PTV", "GTV"):
        return 8.0, "case tumour alpha/beta"
    if tg263 == "SpinalCord":
        return radiobiology().tissue("spinal_cord").alpha_beta_gy, "presets' spinal cord alpha/beta"
    return ORGAN_AB, "case organ alpha/beta"


def eqd2(dose_gy: float, fractions: int, ab: float) -> float:
    return dose_gy * (dose_gy / fractions + ab) / (2 + ab)


@pytest.fixture(scope="module")
def opened(qapp, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:  # noqa: ANN001
    """One shown window with the acceptance case open and its plan check shown on the Plan check tab."""
    from PySide6.QtWidgets import QMessageBox
    from sbrt_calc.gui.main_window import MainWindow

    from sbrt_calc.case import save_case

    folder = tmp_path_factory.mktemp("shown")
    mp = pytest.MonkeyPatch()
    for key, sub in (("SBRT_CALC_SETTINGS_DIR", "settings"), ("SBRT_CALC_DATA_DIR", "data")):
        (folder / sub).mkdir()
        mp.setenv(key, str(folder / sub))
    mp.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    mp.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Ok))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = save_case(case_of(folder / "plan"), folder / "case.sbrt.json")
    w = MainWindow()
    w.show()
    assert w.open_path(str(path), ask=False)
    assert w.plan_check.result() is not None   # the tab built, its check run and shown
    yield w, path
    w.close()
    w.deleteLater()
    mp.undo()


def count_dicom_calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts of the plan check's DICOM entry points (reading the files; one structure's DVH)."""
    import sbrt_calc.plancheck.grade as grade

    calls = {"load_plan": 0, "structure_dvh": 0}
    for name in calls:
        real = getattr(grade, name)

        def counted(*a: Any, _real: Any = real, _name: str = name, **k: Any) -> Any:
            calls[_name] += 1
            return _real(*a, **k)
        monkeypatch.setattr(grade, name, counted)
    return calls


@pytest.fixture
def dicom_calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    return count_dicom_calls(monkeypatch)


@pytest.fixture(scope="module")
def printed(opened: tuple[Any, Path]) -> Iterator[tuple[dict[str, int], str]]:
    """The print preview painted and the PDF exported once, the DICOM entry points counted meanwhile:
    (the counts, the app's PDF's text without spaces: its narrow columns wrap "250.28" as "250.2 8")."""
    from PySide6.QtPrintSupport import QPrinter

    w, path = opened
    mp = pytest.MonkeyPatch()
    calls = count_dicom_calls(mp)
    dlg = w.print_report(dialog=False)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path.parent / "preview.pdf"))
    dlg.paintRequested.emit(printer)   # what the preview paints
    out = w.export_report(str(path.parent / "app.pdf"), "A4")
    mp.undo()
    assert out is not None
    yield dict(calls), "".join(pdf_text(Path(out)).split())


def test_the_shown_check_is_kept_in_the_qt_free_case_state(opened: tuple[Any, Path]) -> None:
    w, _ = opened
    shown = w.state.plan_check_shown
    assert shown is not None and shown is w.plan_check.shown_result()
    assert shown.inputs == w.state.case().plan_check


def test_print_preview_and_pdf_read_no_dicom_file_after_a_check_was_shown(
        opened: tuple[Any, Path], printed: tuple[dict[str, int], str]) -> None:
    w, _ = opened
    calls, text = printed
    assert calls == {"load_plan": 0, "structure_dvh": 0}
    # the PDF's plan-check numbers are the screen's: every row of the Structures and Limits tabs, read in the PDF
    for key in ("plan_check_structures", "plan_check_limits"):
        model = w.plan_check.models[key]
        numbers = 0
        for r in range(model.rowCount()):
            cells = [str(model.index(r, c).data()) for c in range(model.columnCount())]
            numbers += sum(bool(re.fullmatch(r"\d+\.\d+", c)) for c in cells)
            assert "".join("".join(cells).split()) in text, (key, cells)
        assert numbers >= 3, key
    assert "readandcheckedagain" not in text   # no rerun note: the shown check was used


def test_changed_inputs_are_checked_again_and_the_report_says_so(opened: tuple[Any, Path],
                                                                 dicom_calls: dict[str, int]) -> None:
    """A check shown for other inputs is not passed off as the case's: the report reads the files again and
    its notes say why."""
    from dataclasses import replace

    from sbrt_calc.report.sources import content_from_case

    w, _ = opened
    shown = w.state.plan_check_shown
    other = replace(shown, inputs=replace(shown.inputs, constraint_set="rtog0915"))
    content = content_from_case(w.state.case(), plan_check=other)
    assert dicom_calls["load_plan"] == 1
    assert any("read and checked again" in n and "files or options" in n for n in content.notes)


def test_the_plan_checks_eqd2_is_at_the_cases_alpha_beta_on_every_face(
        opened: tuple[Any, Path], printed: tuple[dict[str, int], str], capsys: pytest.CaptureFixture[str]) -> None:
    """The evaluation's JSON (what ``compare --case`` prints), ``check-plan --case``'s JSON, the app's PDF and the
    app's table: each structure's EQD2 is the formula at the case's alpha/beta, shown beside it with its label."""
    import json

    from PySide6.QtCore import Qt

    from sbrt_calc.cli.main import main
    from sbrt_calc.evaluation import evaluate
    from sbrt_calc.evaluation_json import evaluation_dict

    w, path = opened
    case = w.state.case()
    n = case.planning.planned_regimen().fractions
    evaluated = evaluation_dict(evaluate(case, plan_check=w.state.plan_check_shown))["plan_check"]["structures"]
    inputs = case.plan_check
    assert main(["check-plan", "--rtdose", inputs.rtdose, "--rtstruct", inputs.rtstruct, "--rtplan", inputs.rtplan,
                 "--case", str(path), "--format", "json"]) == 1   # the phantom's plan check fails (lungs)
    check = json.loads(capsys.readouterr().out)["structures"]
    assert [s["name"] for s in evaluated] == [s["name"] for s in check] and len(check) >= 4
    rows = {}
    for doc in (evaluated, check):
        for s in doc:
            ab, label = expected_alpha_beta(s["tg263_name"])
            e = s["eqd2_lq"]
            assert (e["alpha_beta_gy"], e["alpha_beta_label"]) == (ab, label), s["name"]
            assert e["dmax_gy"] == pytest.approx(eqd2(s["dmax_gy"], n, ab), rel=1e-9), s["name"]
            assert e["d0_035cc_gy"] == pytest.approx(eqd2(s["d0_035cc_gy"], n, ab), rel=1e-9), s["name"]
            rows[s["name"]] = (f"{eqd2(s['d0_035cc_gy'], n, ab):.2f}", greek(f"{ab:g} Gy ({label})"))
    # the app's table: the EQD2 and, beside it, the alpha/beta with its label
    model = w.plan_check.models["plan_check_structures"]
    heads = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    col = next(i for i, h in enumerate(heads) if str(h).startswith("EQD2"))
    for r in range(model.rowCount()):
        name = model.index(r, 0).data()
        assert (model.index(r, col).data(), model.index(r, col + 1).data()) == rows[name], name
    # the app's PDF (narrow columns wrap: compared without spaces)
    text = printed[1]
    for name, (value, ab) in rows.items():
        assert "".join(f"{value}{ab}".split()) in text, name


def test_a_changed_organ_alpha_beta_converts_the_shown_check_without_reading_the_files(
        opened: tuple[Any, Path], dicom_calls: dict[str, int]) -> None:
    w, _ = opened
    try:
        w.set_organ_alpha_beta(5.0)
        lungs = next(s for s in w.state.plan_check_shown.structures if s.tg263_name == "Lungs")
        assert lungs.eqd2["alpha_beta_gy"] == 5.0
        assert lungs.eqd2["dmax_gy"] == pytest.approx(eqd2(lungs.row["dmax_gy"], 3, 5.0))
        assert dicom_calls == {"load_plan": 0, "structure_dvh": 0}
    finally:
        w.undo_stack.undo()
    assert next(s for s in w.state.plan_check_shown.structures if s.tg263_name == "Lungs").eqd2["alpha_beta_gy"] == 4


def test_the_plan_check_tab_shows_the_prescription_against_the_case_as_the_evaluation_does(
        opened: tuple[Any, Path]) -> None:
    """Issue 21: the plan's prescription against the case's regimen on the Plan check tab: the evaluation's table
    (the same texts as ``compare --case``/the PDF), worded and rounded as the Planning tab words its BED10."""
    from test_whole_case import PLANNING_BED, PLANNING_BED8

    from sbrt_calc.evaluation import evaluate
    from sbrt_calc.evaluation_tables import plan_check_tables

    w, _ = opened
    model = w.plan_check.models["plan_check_flag"]
    shown = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    ev = evaluate(w.state.case(), plan_check=w.state.plan_check_shown)
    want = next(t for t in plan_check_tables(ev) if t.key == "plan_check_flag")
    assert shown == [[greek(c) for c in row] for row in want.texts()]   # the core's texts, in the app's α/β
    rows = dict((a, b) for a, b in shown)
    assert rows["Prescription"] == "36 Gy in 3 fractions"
    assert rows["Case regimen (Planning)"] == "36 Gy in 3 fractions: agrees"
    bed10 = rows["BED10 (LQ, α/β 10)"]
    assert bed10.startswith(PLANNING_BED)
    assert bed10 in w.planning.browser.toPlainText()   # the Planning tab's wording and precision
    assert " ".join(" ".join(shown[3]).split()) == greek(PLANNING_BED8)
