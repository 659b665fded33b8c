"""Measuring a new view's columns (a first visit of a model): every row's cells read column by column, each distinct
text measured once (stop 30). Qt's own widths are compared on every model in tests/test_gui_speed.py."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFontMetrics

from sbrt_calc.case import CaseRegimen
from sbrt_calc.regimen import Regimen


def _window(qtbot: Any) -> Any:
    from sbrt_calc.gui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    rows = [CaseRegimen.from_regimen(Regimen(round(24 + 0.75 * i, 2), (1, 3, 5, 8)[i % 4])) for i in range(30)]
    rows.insert(4, CaseRegimen(label="bad", invalid_input={"total_dose_gy": "3O", "fractions": "3"},
                               error="total_dose_gy: not a number"))
    w.model.replace_all(rows, w.model.settings())
    return w


def test_column_cells_are_the_cells(qtbot, isolated_dirs, warnings) -> None:  # noqa: ANN001
    """``column_cells`` gives every row's ``cell`` of a column for the roles asked, whether the cells were made before
    or not (an invalid row among them), on every model: also where it answers None without making the cell (the
    roles no valid row of the column answers; seen failing with the label column left out of the font's)."""
    from sbrt_calc.gui.regimen_table_model import _ROLES

    w = _window(qtbot)
    m = w.model
    roles = tuple(sorted(_ROLES))
    for model in ("all", "lql", "usc", "lq"):
        w.set_model(model)
        m._cells.clear()
        for c in range(m.columnCount()):
            got = m.column_cells(c, roles)
            assert got == [tuple(m.cell(r, c, role) for role in roles) for r in range(m.rowCount())]
            assert got == [tuple(m.data(m.index(r, c), role) for role in roles) for r in range(m.rowCount())]
    w.undo_stack.setClean()


def test_measuring_reads_each_distinct_text_once(qtbot, isolated_dirs, warnings, monkeypatch) -> None:  # noqa: ANN001
    """The verdict, sensitivity and warnings columns repeat a few texts over every row: each (font, text) is
    measured once per fit, and the widths are the same. Seen failing on main's column_widths (a text measured once
    per row: 'reached' 20-odd times)."""
    from sbrt_calc.gui import column_widths

    w = _window(qtbot)
    w.set_model("all")
    measured: list[tuple[str, str]] = []

    class Counting(QFontMetrics):
        def horizontalAdvance(self, text: str, *args: Any) -> int:  # noqa: N802 - Qt's name
            measured.append((self.font_key, text))
            return super().horizontalAdvance(text, *args)

        def __init__(self, font: Any) -> None:
            super().__init__(font)
            self.font_key = font.key()

    before = column_widths.content_widths(w.table)
    monkeypatch.setattr(column_widths, "QFontMetrics", Counting)
    assert column_widths.content_widths(w.table) == before
    assert any(t == "reached" for _, t in measured)
    repeated = {k: measured.count(k) for k in set(measured) if measured.count(k) > 1}
    assert not repeated, repeated
    w.undo_stack.setClean()
