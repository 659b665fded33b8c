"""No layout jump at start (issue 21): the first window, shown before the core loads, already has the table's
columns (empty, at their widths) and the plot's area; the rows, the numbers and the plot then fill it without
moving the header, the columns, the splitter or the plot."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt


def test_the_first_windows_columns_are_the_cores() -> None:
    """gui/first_columns.py (written out so that the first window needs no numpy) says what the core's
    :func:`sbrt_calc.tables.columns` says for the shipped settings, for each model choice: key, header, model."""
    from sbrt_calc.gui.first_columns import SHIPPED_COLUMNS
    from sbrt_calc.gui.number_text import header_text
    from sbrt_calc.gui.settings import MODEL_CHOICES

    from sbrt_calc.case import CaseSettings
    from sbrt_calc.evaluation import settings_of
    from sbrt_calc.tables import columns

    assert set(SHIPPED_COLUMNS) == {key for key, _label in MODEL_CHOICES}
    for key in SHIPPED_COLUMNS:
        core = tuple((c.key, header_text(c), c.model) for c in columns(settings_of(CaseSettings(model=key))))
        assert SHIPPED_COLUMNS[key] == core, f"{key}: run python scripts/first_columns.py"


def _layout(w):  # noqa: ANN001, ANN202
    """What must not move: the header (count, texts in view order, height), each column's width in view order
    (but the Warnings column's, last, which follows its text: it grows when the caveats arrive, out of view
    to the right), the splitter, the plot's and the table's place in the window."""
    h = w.table.horizontalHeader()
    m = w.model
    order = [h.logicalIndex(v) for v in range(h.count())]
    # what the header shows: its model's texts (before the first filled paint a mirror of the model's labels,
    # regimen_table_view; stop 29)
    texts = [h.model().headerData(i, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) for i in order]
    plot = (w.plot.mapTo(w, QPoint(0, 0)), w.plot.size())
    table_top = (w.table.mapTo(w, QPoint(0, 0)), w.table.width())
    return {"columns": m.columnCount(), "headers": texts, "header_height": h.height(),
            "widths": [h.sectionSize(i) for i in order if m.column_keys()[i] != "warnings"], "splitter": w.splitter.sizes(), "plot": plot,
            "table": table_top}


def test_no_layout_jump_at_start(qtbot, isolated_dirs, warnings) -> None:  # noqa: ANN001
    """A 1024 x 740 window built as the app starts it (deferred): its first shown frame has the filled
    window's columns (count, headers, widths, order), header height, splitter and plot area; only the rows
    arrive (before: no columns and a narrower table, then the columns and a splitter move)."""
    from sbrt_calc.gui.main_window import MainWindow

    w = MainWindow(deferred=True)
    qtbot.addWidget(w)
    w.resize(1024, 740)
    w.show()
    qtbot.waitExposed(w)
    first = _layout(w)
    assert w.model.rowCount() == 0 and first["columns"] >= 10
    assert first["plot"][1].width() >= 260 and first["plot"][1].height() >= 200     # the plot's area is there
    w.finish_start()
    qtbot.wait(20)
    filled = _layout(w)
    assert w.model.rowCount() == 6
    w.plot.ensure_canvas()
    qtbot.wait(20)
    drawn = _layout(w)
    for key in first:
        assert first[key] == filled[key] == drawn[key], key
    w.undo_stack.setClean()


def test_the_deferred_model_offers_no_cells() -> None:
    """While deferred, the columns have headers but no cells, no flags and no tooltips (nothing computed)."""
    from sbrt_calc.gui.regimen_table_model import RegimenTableModel

    m = RegimenTableModel(deferred=True)
    assert m.deferred and m.rowCount() == 0 and m.columnCount() == len(m.column_keys()) >= 10
    assert m.header_value(0, True) == "Regimen"   # Qt-free, as the first window asks (stop 29)
    assert m.header_value(0, True, int(Qt.ItemDataRole.ToolTipRole)) is None
    assert m.header_value(99, True) is None
    assert not m.interactive and not m.item_flags(m.index(0, 0))
    m.make_interactive()   # Qt's headerData, the same answers
    assert m.headerData(0, Qt.Orientation.Horizontal) == "Regimen"
    assert m.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) is None
    assert m.headerData(99, Qt.Orientation.Horizontal) is None
    assert m.columns() == [] and m.column_keys()[-1] == "warnings"
