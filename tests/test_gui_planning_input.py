"""The Planning tab keeps what was typed (issue 11, reliability): invalid input stays as typed, marked
inline, and no result is computed from part of it; impossible measurements are refused; the target
site and a lesion's facts reach the view."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QApplication  # noqa: E402
from sbrt_calc.gui.eligibility_panel import lesion_facts  # noqa: E402
from sbrt_calc.gui.planning_panel import PlanningPanel  # noqa: E402
from sbrt_calc.gui.regimen_table_model import RegimenTableModel  # noqa: E402

from sbrt_calc.planning.section import CumulativeInputs, PlanningInputs  # noqa: E402


@pytest.fixture
def panel(qtbot):  # noqa: ANN001, ANN201
    p = PlanningPanel(RegimenTableModel())
    qtbot.addWidget(p)
    p.show()
    return p


def text(p: PlanningPanel) -> str:
    return " ".join(p.browser.toPlainText().split())


def test_courses_with_an_invalid_part_are_kept_and_nothing_is_computed(qtbot, panel: PlanningPanel) -> None:  # noqa: ANN001
    """'20/5; 3x8': the second course is ambiguous. Before the fix the view computed from 20/5 alone and
    showed a green 'within'; editing another field reset the text to '20/5'."""
    panel.set_inputs(PlanningInputs(regimen="24/2", cumulative=CumulativeInputs(organ="SpinalCanal")))
    qtbot.keyClicks(panel.courses, "20/5; 3x8")
    assert "courses" in panel.problems and "3x8" in panel.problems["courses"]
    assert "Not computed: invalid input" in text(panel) and "within" not in text(panel)
    assert "Cumulative dose" not in text(panel)
    qtbot.keyClicks(panel.edits["interval_months"], "8")       # another field
    assert panel.courses.text() == "20/5; 3x8"                  # kept as typed
    assert "Not computed" in text(panel)
    panel.courses.clear()
    qtbot.keyClicks(panel.courses, "20/5; 3 x 8 Gy")
    assert not panel.problems and panel.inputs.cumulative is not None
    assert panel.inputs.cumulative.courses == ("20/5", "3 x 8 Gy") and "Cumulative dose" in text(panel)


@pytest.mark.parametrize(("key", "typed"), [("ptv_cc", "0"), ("r50", "0"), ("d2cm_percent", "-120"),
                                            ("r100", "-1"), ("interval_months", "-2"), ("recovery_percent", "100")])
def test_every_numeric_field_keeps_an_invalid_value_as_typed(qtbot, panel: PlanningPanel, key: str,
                                                             typed: str) -> None:  # noqa: ANN001
    panel.set_inputs(PlanningInputs(regimen="36/3", ptv_cc=20.0, r50=4.0, d2cm_percent=50.0, r100=1.1,
                                    cumulative=CumulativeInputs(courses=("20/5", "24/2"), interval_months=8.0)))
    before = panel.inputs
    edit = panel.edits[key]
    edit.clear()
    qtbot.keyClicks(edit, typed)
    assert key in panel.problems and panel.inputs != before or key in panel.problems
    assert "Not computed: invalid input" in text(panel)
    panel.set_inputs(PlanningInputs(regimen="36/3", ptv_cc=30.0, cumulative=before.cumulative), "other")
    assert edit.text() == typed                                     # not reset by another change
    assert "Not computed" in text(panel)


def test_r50_below_one_is_graded_under_coverage(qtbot, panel: PlanningPanel) -> None:  # noqa: ANN001
    """Issue 17: R50% below 1 is a measurement (the 50 % isodose smaller than the PTV: under-coverage), graded,
    not refused; zero is refused as typed input (a ratio of volumes is > 0)."""
    qtbot.keyClicks(panel.edits["ptv_cc"], "20")
    qtbot.keyClicks(panel.edits["r50"], "0.5")
    assert "r50" not in panel.problems and panel.inputs.r50 == 0.5
    assert "under-coverage" in text(panel) and "none" not in text(panel).split()
    panel.edits["r50"].clear()
    qtbot.keyClicks(panel.edits["r50"], "0")
    assert "is out of range: it must be > 0" in panel.problems["r50"]


def test_target_site_spine_marks_the_flag_not_applicable(qtbot, panel: PlanningPanel) -> None:  # noqa: ANN001
    panel.set_inputs(PlanningInputs(regimen="24/2", site="spine", ptv_cc=20.0, r50=4.0))
    assert panel.site_combo.currentData() == "spine"
    t = text(panel)
    assert "52.8 Gy; BED10 > 70 Gy flag: not applicable at this site" in t
    assert "reference only" in t


def test_choosing_a_previously_irradiated_lesion_opens_the_cumulative_section(qtbot, panel: PlanningPanel) -> None:  # noqa: ANN001
    form = {"lesions": [{"site": "lung", "status": "stable"},
                        {"site": "spine", "status": "progressing", "previously_irradiated": True},
                        {"site": "lung", "status": "progressing", "location": "central"}]}
    facts = lesion_facts(form)
    assert facts[2]["target_site"] == "lung_central" and 0 not in facts
    panel.set_lesions([(1, "#2 spine"), (2, "#3 lung")], facts)
    panel.lesion_combo.setCurrentIndex(panel.lesion_combo.findData(1))
    assert panel.inputs.site == "spine" and panel.inputs.cumulative is not None
    assert panel.inputs.cumulative.organ == "SpinalCanal" and panel.cum_box.isChecked()
    panel.lesion_combo.setCurrentIndex(panel.lesion_combo.findData(2))
    assert panel.inputs.site == "lung_central"
    QApplication.processEvents()


def test_an_invalid_cumulative_field_does_not_block_when_the_section_is_off(qtbot, panel: PlanningPanel) -> None:  # noqa: ANN001
    panel.set_inputs(PlanningInputs(regimen="36/3", cumulative=CumulativeInputs(organ="SpinalCanal")))
    qtbot.keyClicks(panel.courses, "20/5; 3x8")
    assert "Not computed" in text(panel)
    panel.cum_box.setChecked(False)
    assert panel.inputs.cumulative is None and "Not computed" not in text(panel)
    assert "Planning inputs" in text(panel) and panel.courses.text() == "20/5; 3x8"
