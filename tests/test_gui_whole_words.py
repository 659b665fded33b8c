"""The Planning view never cuts a word (issue 21: "metric names not wrapped mid-token"; stop 25
found "Converte d from" and "D0.35cc[ Gy]" at 1200 px) and, at 1024 px, the Planning view's organ table of
converted limits fits beside the form without scrolling sideways (the form's combo boxes had kept the width of
their longest item: 609 px). The Eligibility view's lesion table is prose: whole words would make it wider than the
view at 1024 px, so it keeps Qt's wrapping (a word cut only when a column cannot hold it)."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from gui_windows import module_window  # noqa: E402
from PySide6.QtGui import QTextOption  # noqa: E402


@pytest.fixture(scope="module")
def win(qapp, tmp_path_factory):  # noqa: ANN001, ANN201
    with module_window(qapp, tmp_path_factory, "whole-words", size=(1024, 740)) as w:
        yield w


def test_planning_organ_table_keeps_whole_words_and_fits_at_1024(win, qapp) -> None:  # noqa: ANN001
    from sbrt_calc.planning.section import PlanningInputs

    p = win.planning
    win.tabs.setCurrentWidget(p)
    p.apply_inputs(PlanningInputs(constraint_set="tg101", fractions=4, site="lung_peripheral", ptv_cc=30.0))
    for _ in range(5):
        qapp.processEvents()
    assert p.browser.wordWrapMode() == QTextOption.WrapMode.WordWrap
    assert "Converted" in p.browser.toPlainText()   # the widest table: limits converted from 3 or 5 fractions
    assert p.browser.horizontalScrollBar().maximum() == 0, "the organ table is wider than the view"
    left, right = p.splitter.sizes()
    assert left <= 0.45 * (left + right), (left, right)   # the form takes what it needs, not 60 %
    form = p.form_scroll.widget()
    assert form.width() >= form.minimumSizeHint().width()   # and is not squeezed
    # the constraint-set titles are long: the combo needs 16 characters in the form, not its longest title
    assert p.set_combo.minimumSizeHint().width() < 0.5 * p.set_combo.fontMetrics().horizontalAdvance(
        max((p.set_combo.itemText(i) for i in range(p.set_combo.count())), key=len)) + 60

