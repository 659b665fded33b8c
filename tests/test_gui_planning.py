"""The Planning tab: from a progressing lesion to a plan, the checks, RT Plan import, undo, save."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QFileDialog  # noqa: E402
from sbrt_calc.gui.main_window import MainWindow  # noqa: E402
from sbrt_calc.gui.planning_panel import PlanningPanel  # noqa: E402

from sbrt_calc.case import load_case  # noqa: E402
from sbrt_calc.planning.section import CONVERTED_LABEL, PlanningInputs  # noqa: E402


def text(p: PlanningPanel) -> str:
    return " ".join(p.browser.toPlainText().split())


def eligible_spine_case(window: MainWindow) -> None:
    e = window.eligibility
    for key, value in (("therapy_class", "tki"), ("driver", "ALK"), ("months_on_therapy", 20.0), ("ecog", 0),
                       ("other_disease_controlled", True), ("cns_imaging_done", True)):
        e.set_value(key, value)
    e.add_lesion("lung", "stable")
    e.add_lesion("spine", "progressing", label="T10", previously_irradiated=True)


def test_send_a_lesion_to_planning(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    w = window
    eligible_spine_case(w)
    e = w.eligibility
    w.tabs.setCurrentWidget(e)
    e.lesion_table.selectRow(0)
    assert not e.plan_button.isEnabled()              # a stable lesion is not planned
    e.lesion_table.selectRow(1)
    assert e.plan_button.isEnabled()
    n = w.model.rowCount()
    qtbot.mouseClick(e.plan_button, Qt.MouseButton.LeftButton)
    labels = [r.label for r in w.model.rows()]
    # issue 19: a previously irradiated spine gets the re-irradiation scheme, not the de-novo presets (SC.24...)
    assert "18 Gy/1" in labels[n:] and not {"16 Gy/1", "24 Gy/2", "27 Gy/3"} & set(labels[n:])
    assert "30 Gy/3" not in labels and "30/3" in labels[:n]        # ...except those already in the table
    assert w.tabs.currentWidget() is w.planning
    p = w.planning
    assert p.inputs.lesion == 1 and p.inputs.regimen == "18/1"
    assert p.inputs.cumulative is not None and p.inputs.cumulative.organ == "SpinalCanal"   # the section is open
    assert p.lesion_combo.currentText() == "#2 Spine (T10), progressing"
    assert "Organ-at-risk limits: AAPM TG-101 (2010)" in text(p) and "Fractions for the limits 1" in text(p)
    assert "thecal sac" in w.statusBar().currentMessage()           # why 18/1, and what decides the dose
    assert "Source: Benedict" in text(p)
    # one undo step takes the presets and the planning choice back
    w.act_undo.trigger()
    assert w.model.rowCount() == n and p.inputs == PlanningInputs()
    w.act_redo.trigger()
    assert p.inputs.lesion == 1


def test_grade_a_plan_check(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    p = window.planning
    window.tabs.setCurrentWidget(p)
    choose_regimen = p.regimen_combo.findData("36/3")
    p.regimen_combo.setCurrentIndex(choose_regimen)
    qtbot.keyClicks(p.edits["ptv_cc"], "20")
    qtbot.keyClicks(p.edits["r50"], "4")
    qtbot.keyClicks(p.edits["d2cm_percent"], "55")
    t = text(p)
    assert "Conformity and dose fall-off: PTV 20 cm3" in t
    assert "R50% (V50%/PTV) 4 <= 4.55 <= 5.57 none" in t
    assert "D2cm [% of Rx] 55 % <= 53.1 % <= 61.9 % minor" in t
    p.edits["r50"].clear()
    qtbot.keyClicks(p.edits["r50"], "6")
    assert "R50% (V50%/PTV) 6 <= 4.55 <= 5.57 major" in text(p)
    # coloured by the cell's status (fail), not by the word: the core's colours for a failed check
    from sbrt_calc.table import STATUS_COLOURS, Status

    fail_fg, fail_bg = STATUS_COLOURS[Status.FAIL]
    assert f"color:{fail_fg};background-color:{fail_bg}\">major<" in p.browser_html()
    assert p.inputs.r50 == 6.0
    window.act_undo.trigger()                       # the typing in R50% is one step
    assert p.inputs.r50 is None or p.inputs.r50 == 4.0
    # an invalid entry is marked, not used, and nothing is computed until it is corrected
    p.edits["ptv_cc"].clear()
    qtbot.keyClicks(p.edits["ptv_cc"], "abc")
    assert "not a number" in p.error_label.text() and "border" in p.edits["ptv_cc"].styleSheet()
    # kept as typed, marked, and nothing computed from the rest (issue 11)
    assert p.inputs.ptv_cc == 20.0 and "Not computed: invalid input" in text(p) and "PTV 20 cm3" not in text(p)


def test_converted_limits_are_labelled(window: MainWindow) -> None:
    p = window.planning
    p.fractions.setValue(4)
    assert p.inputs.fractions == 4
    assert CONVERTED_LABEL in text(p) and "NOT the source's" in text(p)
    p.set_combo.setCurrentIndex(p.set_combo.findData("nccn"))
    p.fractions.setValue(3)
    assert "NCCN" in text(p) and CONVERTED_LABEL not in text(p)


def test_cumulative_dose(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    p = window.planning
    p.cum_box.setChecked(True)
    assert p.inputs.cumulative is not None
    qtbot.keyClicks(p.courses, "30/10; 24/2")
    qtbot.keyClicks(p.edits["interval_months"], "8")
    t = text(p)
    assert "Cumulative dose: SpinalCord, limit on the thecal sac (TG-263 SpinalCanal), EQD2 at α/β 2 Gy" in t
    assert "alpha/beta" not in t
    assert "EXCEEDED" in t and "Source: HyTEC" in t
    assert p.inputs.cumulative.courses == ("30/10", "24/2") and p.inputs.cumulative.interval_months == 8.0
    qtbot.keyClicks(p.courses, "; 3x18")
    assert "ambiguous" in p.error_label.text()
    assert p.inputs.cumulative.courses == ("30/10", "24/2")


def test_import_rt_plan(window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warnings: list) -> None:
    pytest.importorskip("pydicom")
    from pydicom.data import get_testdata_file

    path = get_testdata_file("rtplan.dcm")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (path, "")))
    n = window.model.rowCount()
    window.act_import_rtplan.trigger()
    assert window.model.rowCount() == n + 1
    assert window.model.rows()[-1].fractions == 30
    assert window.planning.inputs.regimen == "30.826203/30"
    assert window.tabs.currentWidget() is window.planning
    window.act_undo.trigger()
    assert window.model.rowCount() == n and window.planning.inputs.regimen is None
    bad = tmp_path / "x.dcm"
    bad.write_bytes(b"not dicom")
    assert not window.import_rtplan(str(bad))
    assert warnings and "Cannot import RT Plan" in warnings[-1][0]


def test_plan_selected_regimen_and_save(window: MainWindow, tmp_path: Path) -> None:
    w = window
    w.select_row(3)
    w.act_plan_regimen.trigger()
    reg = w.model.rows()[3]
    assert w.planning.inputs.regimen == f"{reg.total_dose_gy:g}/{reg.fractions}"
    w.planning.set_inputs(PlanningInputs("rtog0813", None, w.planning.inputs.regimen, None, 30.0, 5.0))
    path = tmp_path / "p.sbrt.json"
    assert w.save_to(str(path))
    saved = load_case(path).sections["planning"]
    assert saved["constraint_set"] == "rtog0813" and saved["ptv_cc"] == 30.0
    w.new_case(ask=False)
    assert w.planning.inputs == PlanningInputs() and "planning" not in w.current_case().sections
    assert w.open_path(str(path), ask=False)
    assert w.planning.inputs.ptv_cc == 30.0 and w.planning.edits["ptv_cc"].text() == "30"
    assert w.planning.set_combo.currentData() == "rtog0813"


def test_bad_planning_section_refused(window: MainWindow, tmp_path: Path, warnings: list) -> None:
    path = tmp_path / "bad.sbrt.json"
    path.write_text('{"format": "sbrt-calc-case", "format_version": 1, "planning": {"ptv_cc": "big"}}',
                    encoding="utf-8")
    assert not window.open_path(str(path), ask=False)
    assert "planning.ptv_cc" in warnings[-1][1]
