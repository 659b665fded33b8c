"""Issue 21, a model switch's first visit (stop 32, paint32): the Qt-side work of a switch that does not show the
new numbers.

- The frozen column is placed once per layout of the table, at the end of it: the header's new height (LQ's two
  lines, LQ-L's three, USC's four) no longer resizes it and its viewport back and forth
  (:meth:`.RegimenTableView.updateGeometries`).
- The headers' mirror takes a switch's labels and tooltips with its signals blocked and tells the headers once
  (:meth:`.RegimenTableView._mirror_labels_at_once`).
"""

from __future__ import annotations

from typing import Any

from gui_windows import EventCounter, switch_through_the_loop

from sbrt_calc.case import CaseRegimen
from sbrt_calc.regimen import Regimen


def _rows(n: int) -> list[CaseRegimen]:
    return [CaseRegimen.from_regimen(Regimen(round(24 + 0.75 * i, 2), (1, 3, 5, 8)[i % 4])) for i in range(n)]


def test_a_switch_resizes_the_frozen_column_only_with_the_table(window, qtbot) -> None:  # noqa: ANN001
    """Each switch changes the header's height (LQ 2 lines, LQ-L 3, USC and all three models 4) and some the
    banner's (the table's height): the frozen column is resized only when the table is, and its viewport only when
    the table's viewport is; after each switch it lines up with the table (its header as high, its viewport as
    high). Seen failing with the frozen column placed inside Qt's layout, between the viewport's new margin and the
    header's new height (stop 31's updateGeometries, resizeEvent and _place_frozen): lq -> usc resized the frozen
    column 3 times (the table once) and its viewport 4 times (the table's twice)."""
    window.resize(1280, 800)
    window.model.replace_all(_rows(57), window.model.settings())
    qtbot.wait(20)
    table = window.table
    frozen = table.frozen
    resizes = EventCounter({"table": table, "viewport": table.viewport(), "frozen": frozen,
                            "frozen viewport": frozen.viewport()}, "Resize")
    try:
        heights = set()
        for model in ("usc", "lq", "all", "lql", "lq", "usc", "lql"):
            resizes.counts.update(dict.fromkeys(resizes.counts, 0))
            switch_through_the_loop(window, model)
            counts = dict(resizes.counts)
            assert counts["frozen"] <= counts["table"], (model, counts)
            assert counts["frozen viewport"] <= counts["viewport"], (model, counts)
            header = table.horizontalHeader().height()
            heights.add(header)
            assert frozen.horizontalHeader().height() == header
            assert frozen.viewport().height() == table.viewport().height()
            assert frozen.height() == table.viewport().height() + header
        assert len(heights) == 3, heights   # the switches did change the header's height
    finally:
        resizes.remove()


def _fresh_header_height(table: Any) -> int:
    """The height a new header made like the table's wants for the mirror's labels now (no size hint kept)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QHeaderView

    shown = table.horizontalHeader()
    probe = QHeaderView(Qt.Orientation.Horizontal)
    for name in ("defaultAlignment", "highlightSections", "sectionsClickable", "minimumSectionSize",
                 "maximumSectionSize", "textElideMode", "font"):
        getattr(probe, "set" + name[0].upper() + name[1:])(getattr(shown, name)())
    probe.setSortIndicatorShown(shown.isSortIndicatorShown())
    probe.setModel(shown.model())
    try:
        return probe.sizeHint().height()
    finally:
        probe.setModel(None)
        probe.deleteLater()


def test_a_switch_tells_the_headers_its_labels_once(window, qtbot) -> None:  # noqa: ANN001
    """A switch's new column labels and tooltips reach the headers in one ``headerDataChanged`` of the mirror, and
    the headers take them as before: the labels and tooltips are the model's, the header as high as its new labels
    want (its kept size hint dropped), the frozen column's header as high. Seen failing with the labels and
    tooltips set one by one with the mirror's signals on (stop 31's _fill_mirror): 17 signals in lq -> usc, one
    per changed label and tooltip."""
    from PySide6.QtCore import Qt

    window.resize(1280, 800)
    window.model.replace_all(_rows(57), window.model.settings())
    qtbot.wait(20)
    table, model = window.table, window.model
    mirror = table.header_model
    told: list[tuple[int, int]] = []
    mirror.headerDataChanged.connect(lambda _o, first, last: told.append((first, last)))
    horizontal = Qt.Orientation.Horizontal
    display, tooltip = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole
    for name in ("usc", "lq", "all", "lql", "lq"):
        told.clear()
        switch_through_the_loop(window, name)
        assert told == [(0, model.columnCount() - 1)], (name, len(told), told)
        for c in range(model.columnCount()):
            assert mirror.headerData(c, horizontal, display) == model.headerData(c, horizontal, display)
            assert mirror.headerData(c, horizontal, tooltip) == model.headerData(c, horizontal, tooltip)
        height = table.horizontalHeader().height()
        assert height == _fresh_header_height(table), name
        assert table.frozen.horizontalHeader().height() == height
