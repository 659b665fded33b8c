"""A new view's cells made column by column: the roles a fit's measuring and the table's paint read of every cell.

Issue 21 (a model switch of 57 rows within 0.25x a bare window's start, the first visit included): a cold first visit
made its cells one at a time through :meth:`.RegimenTableModel.cell` (~1.2 us a call: the role's and the column's
dispatch, the row's result and validity looked up again for each), ~2,000 calls in the fit's measuring and ~800 more
in the first paint: ~6 ms of a ~28 ms switch (stop 31). Here each column's dispatch (its kind: how its text is
written; its key: which font, icon, alignment and brush it gives) is decided once, and the loop over the rows only
reads each row's value. The values are exactly :meth:`.RegimenTableModel.cell`'s (tests/test_gui_table_cells.py
compares them on every model, with invalid rows, a site where the flag does not apply, every sensitivity verdict,
rows with and without caveats, 0-2 decimals and a decimal comma); ``cell`` stays the reference, and the maker of
every other role (tooltips, accessible text, the sort value, the edit text).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QColor, QFont

from sbrt_calc.notation import greek
from sbrt_calc.tables import FLAG_TEXT, rounded_all  # loaded before: the columns are made there

from . import icons
from .qt_values import (
    ALIGN_LEFT,
    ALIGN_RIGHT,
    ALIGN_VCENTER,
    BACKGROUND_ROLE,
    DECORATION_ROLE,
    DISPLAY_ROLE,
    FONT_ROLE,
    TEXT_ALIGNMENT_ROLE,
)
from .row_editing import INPUT_KEYS

if TYPE_CHECKING:
    from sbrt_calc.case import CaseRegimen
    from sbrt_calc.evaluation import RowEvaluation
    from sbrt_calc.tables import Column

#: the roles made here (in this order in :func:`invalid_roles`' tuple)
ROLES = (DISPLAY_ROLE, FONT_ROLE, DECORATION_ROLE, TEXT_ALIGNMENT_ROLE, BACKGROUND_ROLE)
_RIGHT = ALIGN_RIGHT | ALIGN_VCENTER
_LEFT = ALIGN_LEFT | ALIGN_VCENTER
_NUMBERS = ("number", "int")

#: a row's five roles: display, font, decoration, alignment, background
Roles = tuple[Any, Any, Any, Any, Any]


class Shared:
    """What the cells of one call share: the decimals and the decimal point of every number, one bold font and one
    brush per colour (a cell made by :meth:`.RegimenTableModel.cell` has its own, equal ones; Qt copies the value out
    of each cell it reads), and the model's reading of an invalid row (its typed text, its marked columns)."""

    def __init__(self, decimals: int, decimal_point: str, colours: dict[str, QColor],
                 edit_text: Callable[[CaseRegimen, str], str],
                 invalid_fields: Callable[[CaseRegimen], set[str]]) -> None:
        self.decimals = decimals
        self.point = decimal_point
        self.bold = QFont()
        self.bold.setBold(True)
        self.edit_text = edit_text
        self._invalid_fields = invalid_fields
        self._fields: dict[int, set[str]] = {}
        self._colours = colours
        self._brushes: dict[str, Any] = {}

    def brush(self, name: str) -> Any:
        """The solid brush of the colour called ``name`` (made once per call: :func:`.icons.solid_brush`)."""
        made = self._brushes.get(name)
        if made is None:
            made = self._brushes[name] = icons.solid_brush(self._colours[name])
        return made

    def invalid_fields(self, row: CaseRegimen) -> set[str]:
        """The columns an invalid row marks (read once per row and call)."""
        fields = self._fields.get(id(row))
        if fields is None:
            fields = self._fields[id(row)] = self._invalid_fields(row)
        return fields


def _texts_of(col: Column, values: Sequence[Any], shared: Shared) -> list[str]:
    """The display texts of ``col``'s ``values`` (one per row), '' where there is no value: a number column's rounded
    together (:func:`_number_texts`), any other's one by one (:func:`_text_of`)."""
    if col.kind == "number":
        return _number_texts(values, shared)
    text = _text_of(col, shared)
    return ["" if v is None else text(v) for v in values]


def _text_of(col: Column, shared: Shared) -> Callable[[Any], str]:
    """How ``col`` (not a number column: :func:`_number_texts`) writes a value that is not None
    (:meth:`sbrt_calc.tables.Column.text`, its kind decided once), with :func:`greek` where the text can hold
    'alpha/beta' (not an int)."""
    kind = col.kind
    if kind == "int":
        return str
    if kind == "verdict":
        return lambda v: FLAG_TEXT[v] if isinstance(v, bool) else greek(str(v))
    return lambda v: greek(str(v))


def _marks_of(col: Column, shared: Shared) -> Callable[[RowEvaluation, Any], tuple[Any, Any]] | None:
    """The decoration and the background of a valid row of ``col`` from its result and its value (the column's key
    decided once; :meth:`.RegimenTableModel._verdict`, ``_sensitivity``, the warnings'); None for a column whose
    valid rows have neither."""
    key = col.key
    if key == "flag":
        reached, not_reached = icons.reached(), icons.not_reached()

        def flag(res: RowEvaluation, v: Any) -> tuple[Any, Any]:
            if res.flag_status == "n/a":   # coloured by status, never by the words
                return None, shared.brush("n/a")
            return (reached, shared.brush("reached")) if v else (not_reached, shared.brush("not reached"))
        return flag
    if key == "reference":
        reached, not_reached = icons.reached(), icons.not_reached()
        return lambda res, v: (reached, shared.brush("reached")) if v else (not_reached, None)
    if key == "sensitivity":
        verdict_icons = {"above": icons.reached(), "below": icons.not_reached(), "depends": icons.mixed()}

        def sensitivity(res: RowEvaluation, v: Any) -> tuple[Any, Any]:
            sens = res.sensitivity
            if sens is None:
                return None, None
            return verdict_icons[sens.verdict], shared.brush("depends") if sens.verdict == "depends" else None
        return sensitivity
    if key == "warnings":
        warning = icons.warning()
        return lambda res, v: (warning if res.caveats else None, None)
    return None   # no icon, no brush


def write_column(c: int, col: Column, rows: Sequence[CaseRegimen], results: Sequence[RowEvaluation | None],
                 caches: Sequence[dict[tuple[int, int], Any]], shared: Shared) -> None:
    """Write the five :data:`ROLES` of column ``c`` (``col``) into each of ``caches`` (a row's cells, keyed
    ``(column, role)``) as :meth:`.RegimenTableModel.cell` makes them: ``rows[i]``'s, whose result is ``results[i]``
    (None: an invalid row, its roles from :func:`invalid_roles`)."""
    marks = _marks_of(col, shared)
    get = col.get
    always = col.key == "label"   # the label is its row's value even in an invalid result (Column.value)
    font = shared.bold if always else None
    align = _RIGHT if col.kind in _NUMBERS else _LEFT
    k_display, k_font, k_decoration, k_align, k_background = ((c, role) for role in ROLES)
    values = [None if res is None else get(res) if always or res.valid else None for res in results]
    texts = _texts_of(col, values, shared)
    for row, res, cache, v, shown in zip(rows, results, caches, values, texts, strict=True):
        if res is None:
            for role, value in zip(ROLES, invalid_roles(row, col, shared), strict=True):
                cache[c, role] = value
            continue
        cache[k_display] = shown
        cache[k_font] = font
        cache[k_align] = align
        if marks is None:
            cache[k_decoration] = cache[k_background] = None
        else:
            cache[k_decoration], cache[k_background] = marks(res, v)


def _number_texts(values: Sequence[Any], shared: Shared) -> list[str]:
    """A number column's texts: its values rounded together (:func:`sbrt_calc.tables.rounded_all`: the same texts as
    :func:`~sbrt_calc.tables.rounded` of each, numpy sorting out the halves once per column; issue 21: ~500 values
    rounded one by one were ~0.7 ms of a cold switch's 3 ms of cells), '' where there is no value, the locale's
    decimal point."""
    present = [v for v in values if v is not None]
    written = iter(rounded_all(present, shared.decimals))
    point = shared.point
    if point == ".":
        return ["" if v is None else next(written) for v in values]
    return ["" if v is None else next(written).replace(".", point) for v in values]


def invalid_roles(row: CaseRegimen, col: Column, shared: Shared) -> Roles:
    """An invalid row's five :data:`ROLES` of ``col`` (:meth:`.RegimenTableModel._invalid_data`)."""
    key = col.key
    marked = key == "warnings" or key in shared.invalid_fields(row)
    if key in INPUT_KEYS:
        display = greek(shared.edit_text(row, key))
    elif key == "warnings":
        display = greek(f"Invalid input: {row.error}")
    else:
        display = "—"
    return (display, None, icons.invalid() if marked else None, _RIGHT if col.kind in _NUMBERS else None,
            shared.brush("invalid") if marked else None)
