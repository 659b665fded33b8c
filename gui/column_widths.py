"""Column widths fitted to their contents, as :meth:`QTableView.resizeColumnsToContents` fits them, without asking
the delegate to measure every cell (issue 21: on a first switch to a model with 57 rows that measuring, every role
of every cell through the style, cost 110-210 ms of CPU in one block of the GUI thread).

Qt's width of a column is the largest of its cells' size hints (the delegate's, + 1 px for the grid) and of
its header section's size hint. A cell's size hint grows with its text's width for a given font and decoration
(an icon or none), so the texts are measured with :class:`QFontMetrics` (a cheap call per cell) and the delegate
is asked only for the widest few cells of each (font, decoration) group: the widths are Qt's own
(``tests/test_gui_speed.py`` compares both on every model choice, with invalid rows and icons).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QTableView

from .qt_values import DECORATION_ROLE, DISPLAY_ROLE, FONT_ROLE

#: how many of the widest texts of each (font, decoration) group the delegate measures (so that a tie in the
#: text's advance, or a layout rounding differently from the advance, cannot leave out Qt's widest cell)
CANDIDATES = 3

_DISPLAY = DISPLAY_ROLE   # Qt's values as ints: the fill's measuring makes no ``Qt`` namespace type (stop 29)
_FONT = FONT_ROLE
_DECORATION = DECORATION_ROLE
#: what the measuring reads of each cell
_ROLES = (_DISPLAY, _FONT, _DECORATION)


def content_widths(table: QTableView, header: Any = None) -> list[int]:
    """Every column's width as ``table.resizeColumnsToContents()`` would set it before the header's minimum and
    maximum section sizes (nothing is resized here).

    Every row is measured (Qt measures up to the header's ``resizeContentsPrecision()`` rows, 1000 by default:
    the same widths for any table of up to 1000 rows). The model may offer ``cell(row, column, role)`` (its
    ``data`` without a QModelIndex: :meth:`.RegimenTableModel.cell`), or ``column_cells(column, roles)``, every row's
    (:meth:`.RegimenTableModel.column_cells`). Cells of the same text, font and decoration are measured once (the
    first row's). ``header``: the header whose section size hints count (the table's by default; another model's
    columns are measured with a header of their own, :meth:`.Workbench.prepare_widths`).
    """
    model = table.model()
    shown = table.horizontalHeader()
    header = shown if header is None else header
    if header.model() is model and not getattr(model, "interactive", True):
        # before make_interactive the model has no headerData of its own: Qt's default, the section numbers,
        # would size the columns (the shown header reads a mirror of the labels meanwhile; regimen_table_view)
        raise RuntimeError("a header on a model not yet interactive measures Qt's default section numbers")
    table.ensurePolished()
    base = table.font()
    base_fm = QFontMetrics(base)
    metrics: dict[str, QFontMetrics] = {}
    #: each text's advance per font, measured once per call (a verdict, sensitivity or warnings column repeats a few
    #: texts over every row; stop 30)
    advances: dict[tuple[str, str], int] = {}
    column_cells = getattr(model, "column_cells", None)
    if column_cells is None:
        cell = getattr(model, "cell", None)
        if cell is None:
            def cell(r: int, c: int, role: int) -> Any:
                return model.data(model.index(r, c), role)

        def column_cells(c: int, roles: tuple[int, ...]) -> list[tuple[Any, ...]]:
            return [tuple(cell(r, c, role) for role in roles) for r in range(n_rows)]
    grid = 1 if table.showGrid() else 0
    n_rows = model.rowCount()
    out = []
    for c in range(model.columnCount()):
        groups: dict[tuple[str, bool], dict[str, tuple[int, int]]] = {}
        for r, (text, font, decoration) in enumerate(column_cells(c, _ROLES)):
            if font is None:
                fm, key = base_fm, ""
            else:
                font = font.resolve(base)
                key = font.key()
                if key not in metrics:
                    metrics[key] = QFontMetrics(font)
                fm = metrics[key]
            text = "" if text is None else str(text)
            group = groups.setdefault((key, decoration is not None), {})
            if text in group:   # the same text, font and decoration: the same size hint (the first row's asked)
                continue
            advance = advances.get((key, text))
            if advance is None:
                if "\n" in text or "\u2028" in text:
                    advance = max(fm.horizontalAdvance(line) for line in text.replace("\u2028", "\n").split("\n"))
                else:
                    advance = fm.horizontalAdvance(text)
                advances[key, text] = advance
            group[text] = (advance, r)
        hint = 0
        for texts in groups.values():
            for _advance, r in sorted(texts.values(), key=lambda x: -x[0])[:CANDIDATES]:
                hint = max(hint, table.sizeHintForIndex(model.index(r, c)).width() + grid)
        section = 0 if shown.isHidden() else header.sectionSizeHint(c)
        out.append(max(hint, section))
    return out


def resize_to_contents(table: QTableView) -> None:
    """``table.resizeColumnsToContents()`` with the widths of :func:`content_widths`, each bounded by the header's
    minimum and maximum section sizes (Qt's call resizes every visible section so, the last one too: a header that
    stretches its last section does it afterwards, as after Qt's call)."""
    header = table.horizontalHeader()
    low, high = header.minimumSectionSize(), header.maximumSectionSize()
    for logical, width in enumerate(content_widths(table)):
        if not header.isSectionHidden(logical):
            header.resizeSection(logical, min(max(width, low), high))
