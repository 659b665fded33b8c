"""The regimens table: a QAbstractTableModel that renders the core's Evaluation.

Rows are :class:`sbrt_calc.case.CaseRegimen` values (valid numbers, or the invalid input kept
verbatim with its reason). Each row is evaluated by the core (:func:`sbrt_calc.evaluation.evaluate_row`,
cached per row) and shown through the core's columns (:func:`sbrt_calc.tables.columns`): this module
only parses what the user typed (locale-aware), formats and marks. It computes no number, verdict or
warning. Edits made through ``setData`` go onto the undo stack when one is attached (:mod:`.commands`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QLocale, QModelIndex, QPersistentModelIndex, Signal
from PySide6.QtGui import QColor, QFont

from sbrt_calc.case import CaseRegimen, CaseSettings
from sbrt_calc.regimen import Regimen

if TYPE_CHECKING:   # the core's evaluation (and numpy) load when the first rows arrive, after the window shows
    from PySide6.QtCore import Qt  # at run time only after the first paint (make_interactive; qt_values)

    from sbrt_calc.evaluation import Evaluation, EvaluationSettings, RowEvaluation
    from sbrt_calc.presets.radiobiology import Threshold
    from sbrt_calc.tables import Column

    from . import columnwise_cells

from . import icons
from .case_state import CaseState
from .commands import EditRowCommand, ReorderCommand
from .number_text import format_exact, greek, header_text, parse_number  # noqa: F401 - re-exported
from .qt_values import (
    ACCESSIBLE_TEXT_ROLE,
    ALIGN_LEFT,
    ALIGN_RIGHT,
    ALIGN_VCENTER,
    BACKGROUND_ROLE,
    DECORATION_ROLE,
    DISPLAY_ROLE,
    EDIT_ROLE,
    FONT_ROLE,
    HORIZONTAL,
    ITEM_IS_EDITABLE,
    ITEM_IS_ENABLED,
    ITEM_IS_SELECTABLE,
    NO_ITEM_FLAGS,
    TEXT_ALIGNMENT_ROLE,
    TOOLTIP_ROLE,
    USER_ROLE,
)
from .row_editing import INPUT_KEYS, RowEditing  # noqa: F401 - INPUT_KEYS re-exported

Index = QModelIndex | QPersistentModelIndex

INVALID_BG = QColor(220, 40, 40, 80)      # translucent: legible on light and dark palettes
REACHED_BG = QColor(30, 150, 80, 55)
NOT_REACHED_BG = QColor(220, 140, 0, 50)
MIXED_BG = QColor(60, 110, 200, 50)
_MISSING = object()
# Qt's values as ints (:mod:`.qt_values`): nothing the first paint runs here makes PySide's ``Qt`` namespace type
# (93 enums, ~15-27 ms CPU of the cold start; stop 29)
_RIGHT = ALIGN_RIGHT | ALIGN_VCENTER
_LEFT = ALIGN_LEFT | ALIGN_VCENTER
#: the roles as plain ints, compared in the cells' hot path (an attribute of a Qt enum costs ~0.5 us: ~8 of them
#: per cell made the first measuring of a new view's 57 x 18 cells ~2x slower; issue 21)
_DISPLAY = DISPLAY_ROLE
_DECORATION = DECORATION_ROLE
_EDIT = EDIT_ROLE
_TOOLTIP = TOOLTIP_ROLE
_FONT = FONT_ROLE
_ALIGNMENT = TEXT_ALIGNMENT_ROLE
_BACKGROUND = BACKGROUND_ROLE
_ACCESSIBLE = ACCESSIBLE_TEXT_ROLE
_USER = USER_ROLE
#: per role, the only columns (keys) whose valid rows may answer it: every other column's valid rows answer None
#: (:meth:`RegimenTableModel._valid_data`; tests/test_gui_table_cells.py compares column_cells with cell on every
#: model); :meth:`RegimenTableModel.column_cells` answers None there without making the cell
_NONE_IN_VALID_ROWS = {_FONT: frozenset(("label",)),
                       _DECORATION: frozenset(("flag", "reference", "sensitivity", "warnings"))}
#: Qt.SortOrder.AscendingOrder (compared with Qt's in tests/test_gui_table_first_paint.py)
ASCENDING_ORDER = 0
#: the roles :meth:`RegimenTableModel.data` answers (any other: None at once; a view asks ~8 roles of every cell)
_ROLES = frozenset((_DISPLAY, _DECORATION, _EDIT, _TOOLTIP, _FONT, _ALIGNMENT, _BACKGROUND, _ACCESSIBLE, _USER))


class RegimenTableModel(RowEditing, QAbstractTableModel):
    """Regimen rows and their evaluation. See the module docstring."""

    #: emitted after any change of rows, values or settings (the plot and working panel listen)
    contentChanged = Signal()
    settingsChanged = Signal()

    def __init__(self, parent: Any = None, deferred: bool = False, state: CaseState | None = None) -> None:
        """``deferred``: no columns (and no import of the core's evaluation, nor numpy) until the first
        :meth:`replace_all` or :meth:`set_settings` (the app's first window shows before they load).
        ``state``: the case whose rows and settings this table shows (a new one when None)."""
        super().__init__(parent)
        #: the rows, their ids and the settings live in the Qt-free case state; this model brackets each edit
        #: for its views (begin/end signals) and caches the core's evaluation of each row
        self.state = state if state is not None else CaseState()
        self._results: dict[int, RowEvaluation] = {}
        # per settings seen lately: (evaluation settings, columns, results per row id); switching the model
        # back and forth re-evaluates nothing (rows edited meanwhile are forgotten in every entry)
        self._by_settings: dict[CaseSettings, tuple[Any, Any, dict[int, RowEvaluation], dict[int, Any]]] = {}
        self._cells: dict[int, dict[tuple[int, int], Any]] = {}   # display cache, per row id
        self._es: EvaluationSettings | None = None
        self._cols: tuple[Column, ...] | None = None
        self._deferred = deferred
        #: while deferred: the shipped columns of the preferred model (key, header, model), shown empty so that the
        #: first window has the layout the filled one will have (issue 21; :mod:`.first_columns`)
        self._first: tuple[tuple[str, str, str | None], ...] = ()
        self.first_model = "lq"
        if deferred:
            from . import settings as app_settings
            from .first_columns import SHIPPED_COLUMNS

            choice = str(app_settings.get("model"))
            self.first_model = choice if choice in SHIPPED_COLUMNS else "lq"
            self._first = SHIPPED_COLUMNS[self.first_model]
        self.decimals = 1
        self.undo_stack: Any = None   # a QUndoStack, attached by the main window
        self._locale = QLocale()
        #: the case's planned site (planning section): where the flag line does not apply there (spine, brain)
        #: every row's flag reads "n/a at this site", as in the core's evaluate(case)
        self.planned_site: str | None = None
        self._flag_applies = True
        self.state.observe(self._state_changed)
        self._interactive = False
        if not deferred:
            self.make_interactive()

    @property
    def locale(self) -> QLocale:
        """The locale numbers are typed and shown in (the system's by default)."""
        return self._locale

    @locale.setter
    def locale(self, locale: QLocale) -> None:
        self._locale = QLocale(locale)
        self.set_decimals(self.decimals)   # redisplay every number

    @property
    def _rows(self) -> list[CaseRegimen]:
        return self.state.rows

    @property
    def _ids(self) -> list[int]:
        return self.state.ids

    @property
    def _settings(self) -> CaseSettings:
        if self.state.settings is None:   # CaseSettings() reads the presets (numpy): made when first needed
            self.state.settings = CaseSettings()
        return self.state.settings

    @property
    def _eval_settings(self) -> EvaluationSettings:
        if self._es is None:
            from sbrt_calc.evaluation import settings_of

            self._es = settings_of(self._settings)
        return self._es

    @property
    def _columns(self) -> tuple[Column, ...]:
        if self._deferred:
            return ()
        if self._cols is None:
            from sbrt_calc.tables import columns

            self._cols = columns(self._eval_settings)
        return self._cols

    @property
    def deferred(self) -> bool:
        """True until the first rows or settings arrive (see ``__init__``)."""
        return self._deferred

    # --- Qt model interface ------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self._first) if self._deferred else len(self._columns)

    _FLAGS = ITEM_IS_ENABLED | ITEM_IS_SELECTABLE
    _EDITABLE_FLAGS = _FLAGS | ITEM_IS_EDITABLE

    # The class defines no ``flags`` and no ``headerData`` of Qt's: Qt calls a Python ``headerData`` with a
    # ``Qt.Orientation`` and a Python ``flags`` must return a ``Qt.ItemFlag``, and either makes PySide's ``Qt``
    # namespace type (93 enums, ~15-27 ms CPU) at the first paint. Until :meth:`make_interactive` (after the filled
    # table's first paint), Qt's C++ defaults answer: cells enabled and selectable, not editable; a header section
    # its number (the vertical header's text, as :meth:`header_value` gives it); the table's horizontal headers
    # show :meth:`header_value`'s labels from a C++ model meanwhile (:mod:`.regimen_table_view`). Python code asks
    # :meth:`header_value` and :meth:`item_flags`, which answer the same before and after.
    def item_flags(self, index: Index) -> int:
        """Qt's item flags of the cell at ``index``, as an int (``Qt.ItemFlag``'s values; see above)."""
        if not index.isValid():
            return NO_ITEM_FLAGS
        return self._EDITABLE_FLAGS if self._columns[index.column()].editable else self._FLAGS

    def header_value(self, section: int, horizontal: bool, role: int = _DISPLAY) -> Any:
        """The header data of ``section`` (a column when ``horizontal``, else a row) for the data role ``role`` (an
        int), without Qt's enums: what :meth:`headerData` gives once :meth:`make_interactive` has run."""
        if horizontal:
            if self._deferred:   # the columns to come, empty (see __init__)
                if role == _DISPLAY and 0 <= section < len(self._first):
                    return self._first[section][1]
                return None
            if not 0 <= section < len(self._columns):
                return None
            col = self._columns[section]
            if role == _DISPLAY:
                return header_text(col)
            if role == _TOOLTIP:
                return greek(f"{col.header}\n{col.tooltip}")
            return None
        if role == _DISPLAY and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    @property
    def interactive(self) -> bool:
        """True once :meth:`make_interactive` has given the model Qt's ``flags`` and ``headerData``."""
        return self._interactive

    def make_interactive(self) -> None:
        """Give the model Qt's ``flags`` (editable cells) and ``headerData`` (the header's texts and tooltips) from
        now on, assigned on the instance (shiboken looks there at each call; assigned on the class after Qt's first
        call they would not be seen). A model built not ``deferred`` has them at once; the app's first window's,
        after the filled table's first paint (:meth:`.RegimenTableView.make_interactive`). Idempotent."""
        if self._interactive:
            return
        self._interactive = True
        from PySide6.QtCore import Qt

        # Qt's values made once: both run for every cell and section of every paint (~8,000 calls in a switch of 57
        # rows), where an import statement (PySide's import hook) and an enum made from an int cost ~5 us a call
        item_flags, header_value = self.item_flags, self.header_value
        qt_flags = {v: Qt.ItemFlag(v) for v in (NO_ITEM_FLAGS, self._FLAGS, self._EDITABLE_FLAGS)}
        horizontal = Qt.Orientation.Horizontal

        def flags(index: Index) -> Qt.ItemFlag:
            return qt_flags[item_flags(index)]

        def header_data(section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
            return header_value(section, orientation is horizontal or orientation == HORIZONTAL, role)   # an int too

        self.flags = flags  # type: ignore[method-assign]
        self.headerData = header_data  # type: ignore[method-assign]

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        # the hot path of every paint: a cached cell is returned with as few calls as possible (a paint of the
        # table asks ~1,800 of them; app26: the cache read inline, not through cell())
        if role not in _ROLES:   # size hint, foreground, check state, ...: nothing to say, asked for every cell
            return None
        r = index.row()
        ids = self.state.ids
        if 0 <= r < len(ids):
            cache = self._cells.get(ids[r])
            if cache is not None:
                hit = cache.get((index.column(), role), _MISSING)
                if hit is not _MISSING:
                    return hit
        return self.cell(r, index.column(), role)

    def cell(self, r: int, c: int, role: int) -> Any:
        """:meth:`data` of row ``r``, column ``c`` without a QModelIndex (None outside the table; measuring the
        columns asks every cell: see :mod:`.column_widths`)."""
        # every new view makes ~1,000-3,000 of them (a first visit, the idle preparation): the state's lists and the
        # row's result read directly, not through the properties (stop 30: ~30% less CPU a cell made)
        ids = self.state.ids
        if not 0 <= r < len(ids):
            return None
        rid = ids[r]
        cache = self._cells.get(rid)
        if cache is None:
            cache = self._cells[rid] = {}
        key = (c, role)
        hit = cache.get(key, _MISSING)
        if hit is not _MISSING:
            return hit
        cols = self._columns
        if not 0 <= c < len(cols):
            return None
        row = self.state.rows[r]
        col = cols[c]
        if role == _EDIT:
            value: Any = self._edit_text(row, col.key)
        elif role == _TOOLTIP and row.note and col.key == "label":
            # where the row came from (solver, preset, RT Plan; issue 21)
            error = f"\nInvalid input: {row.error}" if not row.is_valid else ""
            value = f"{row.label}: {row.note}{error}\n{col.tooltip}"
        elif row.is_valid:
            res = self._results.get(rid)
            if res is None or res.index != r:
                res = self.results(r)
            value = self._valid_data(res, col, role)
        else:
            value = self._invalid_data(row, col, role)
        if isinstance(value, str):
            value = greek(value)   # the core's sentences in the app's spelling (issue 21)
        cache[key] = value
        return value

    def column_cells(self, c: int, roles: tuple[int, ...]) -> list[tuple[Any, ...]]:
        """Every row's :meth:`cell` of column ``c`` for each of ``roles``, in one call (measuring the columns asks
        every cell of every column: :mod:`.column_widths`). A role that no valid row of this column answers
        (:data:`_NONE_IN_VALID_ROWS`) is None there without a cell made (the paint makes the visible ones). Cells made
        before (:meth:`make_cells`) are read as they are, with no per-cell decision (stop 31)."""
        cols = self._columns
        if not 0 <= c < len(cols):
            return [tuple(None for _ in roles) for _ in self.state.ids]
        cells = self._cells
        if roles:   # every row's cells made (make_cells, a switch's or the idle preparation's): read, nothing decided
            try:
                made = [cells[rid] for rid in self.state.ids]
                read = itemgetter(*((c, role) for role in roles))
                if len(roles) == 1:
                    return [(read(cache),) for cache in made]
                return list(map(read, made))
            except KeyError:   # a row, or one of its cells, not made: cell by cell below
                pass
        key = cols[c].key
        none = tuple(role in _NONE_IN_VALID_ROWS and key not in _NONE_IN_VALID_ROWS[role] for role in roles)
        cell, rows = self.cell, self.state.rows
        out = []
        for r, rid in enumerate(self.state.ids):
            cache = cells.get(rid)
            valid = rows[r].is_valid
            values: list[Any] = []
            for role, known_none in zip(roles, none, strict=True):
                if known_none and valid:
                    values.append(None)
                    continue
                value = cache.get((c, role), _MISSING) if cache is not None else _MISSING
                values.append(cell(r, c, role) if value is _MISSING else value)
            out.append(tuple(values))
        return out

    def make_cells(self, rows: list[int] | None = None) -> None:
        """Make the cells a fit's measuring and the table's paint read (display, font, decoration, alignment,
        background) of every column for ``rows`` (every row when None), column by column (:mod:`.columnwise_cells`: the
        same values as :meth:`cell`, each column's dispatch decided once). A row's cells of a column made before (the
        five roles, by this or by a paint) are left as they are.

        Issue 21: a cold first visit of a model made them one at a time through :meth:`cell`, ~2,800 calls of
        ~1.2 us in the measuring and the first paint (stop 31); the other roles (tooltips, accessible text, the sort
        and edit values) are made by :meth:`cell` when asked."""
        ids = self.state.ids
        if self._deferred or not ids:
            return
        cols, cells = self._columns, self._cells
        whole_row = _made_roles(len(cols))
        chosen = [r for r in (range(len(ids)) if rows is None else rows)
                  if not whole_row <= cells.setdefault(ids[r], {}).keys()]
        if not chosen:   # a view seen or prepared before (a switch back, a prepared first visit): ~0.05 ms
            return
        from . import columnwise_cells  # when first needed: not at the app's start (~0.5 ms)

        results = self._results
        if any((x := results.get(ids[r])) is None or x.index != r for r in chosen):
            self._evaluate_missing()
        all_rows = self.state.rows
        caches = [cells[ids[r]] for r in chosen]
        picked = [all_rows[r] for r in chosen]
        valid = [results[ids[r]] if all_rows[r].is_valid else None for r in chosen]
        shared = self._shared_cells()
        for c, col in enumerate(cols):
            made = frozenset((c, role) for role in columnwise_cells.ROLES)
            todo = [i for i, cache in enumerate(caches) if not made <= cache.keys()]
            if len(todo) == len(caches):
                columnwise_cells.write_column(c, col, picked, valid, caches, shared)
            elif todo:
                columnwise_cells.write_column(c, col, [picked[i] for i in todo], [valid[i] for i in todo],
                                          [caches[i] for i in todo], shared)

    def _shared_cells(self) -> columnwise_cells.Shared:
        """What one :meth:`make_cells` shares among its cells (the decimals, the locale's point, one brush per
        colour, the reading of invalid rows)."""
        from sbrt_calc.table import STATUS_COLOURS, Status

        from . import columnwise_cells

        colours = {"invalid": INVALID_BG, "reached": REACHED_BG, "not reached": NOT_REACHED_BG, "depends": MIXED_BG,
                   "n/a": QColor(STATUS_COLOURS[Status.NA][1])}
        return columnwise_cells.Shared(self.decimals, self.locale.decimalPoint(), colours, self._edit_text,
                                   self._invalid_fields)

    def setData(self, index: Index, value: Any, role: int = _EDIT) -> bool:
        if role != _EDIT or not index.isValid():
            return False
        col = self._columns[index.column()]
        if not col.editable:
            return False
        old = self._rows[index.row()]
        new = self.edited_row(old, col.key, str(value))
        if new == old:
            return True
        row_id = self._ids[index.row()]
        if self.undo_stack is not None:
            self.undo_stack.push(EditRowCommand(self, row_id, old, new, f"Edit {col.header}"))
        else:
            self.set_row(row_id, new)
        return True

    def sort(self, column: int, order: Qt.SortOrder = ASCENDING_ORDER) -> None:  # type: ignore[assignment]
        if not 0 <= column < len(self._columns) or len(self._rows) < 2:
            return
        new_ids = self.sorted_ids(column, order)
        if new_ids == self._ids:
            return
        if self.undo_stack is not None:
            self.undo_stack.push(ReorderCommand(self, list(self._ids), new_ids, f"Sort by {self._columns[column].header}"))
        else:
            self.set_order(new_ids)

    # --- display -------------------------------------------------------------------------------
    def _invalid_data(self, row: CaseRegimen, col: Column, role: int) -> Any:
        bad = col.key in self._invalid_fields(row)
        if role == _DISPLAY:
            if col.key in INPUT_KEYS:
                return self._edit_text(row, col.key)
            if col.key == "warnings":
                return f"Invalid input: {row.error}"
            return "—"
        if role == _TOOLTIP:
            return f"Invalid input: {row.error}" if bad or col.key == "warnings" else "No result: the row's input is invalid"
        if role == _BACKGROUND and (bad or col.key == "warnings"):
            return icons.solid_brush(INVALID_BG)
        if role == _DECORATION and (bad or col.key == "warnings"):
            return icons.invalid()
        if role == _ACCESSIBLE:
            return f"invalid: {row.error}"
        if role == _ALIGNMENT and col.kind in ("number", "int"):
            return _RIGHT
        return None

    def _valid_data(self, res: RowEvaluation, col: Column, role: int) -> Any:
        key = col.key
        if role == _ALIGNMENT:
            if col.kind in ("number", "int"):
                return _RIGHT
            return _LEFT
        if role == _USER:   # sort / test value: the exact value
            return col.value(res)
        if role == _DISPLAY:
            return col.text(res, self.decimals, self.locale.decimalPoint())
        if key in ("flag", "reference"):
            return self._verdict(res, col, role)
        if key == "sensitivity":
            return self._sensitivity(res, role)
        if key == "warnings":
            if role == _TOOLTIP:
                return "\n".join(f"• {c.text}" for c in res.caveats) if res.caveats else "No warnings"
            if role == _DECORATION and res.caveats:
                return icons.warning()
            return None
        if role == _TOOLTIP:
            if col.kind == "number" and key not in INPUT_KEYS:
                return f"{col.header} = {format_exact(col.value(res), self.locale)}\n{col.tooltip}"
            return col.tooltip
        if role == _FONT and key == "label":
            f = QFont()
            f.setBold(True)
            return f
        return None

    def _verdict(self, res: RowEvaluation, col: Column, role: int) -> Any:
        line = self._eval_settings.flag if col.key == "flag" else self._eval_settings.reference
        if col.key == "flag" and res.flag_status == "n/a":   # coloured by status, never by the words
            from sbrt_calc.table import STATUS_COLOURS, Status

            if role == _BACKGROUND:
                return icons.solid_brush(QColor(STATUS_COLOURS[Status.NA][1]))
            if role in (_TOOLTIP, _ACCESSIBLE):
                return (f"{line.label}: not applicable at the planned site ({self.planned_site}); LQ BED10 "
                        f"{format_exact(res.bed10_gy or 0.0, self.locale)} Gy")
            return None
        reached = bool(col.value(res))
        if role == _DECORATION:
            return icons.reached() if reached else icons.not_reached()
        if role == _BACKGROUND:
            if col.key == "reference":
                return icons.solid_brush(REACHED_BG) if reached else None
            return icons.solid_brush(REACHED_BG if reached else NOT_REACHED_BG)
        if role in (_TOOLTIP, _ACCESSIBLE):
            return (f"{line.label}: LQ BED10 {format_exact(res.bed10_gy or 0.0, self.locale)} Gy → "
                    f"{'reached' if reached else 'not reached'} (computed on {line.scale}, whichever model is "
                    f"shown)\nSource: {line.source}")
        return None

    def _sensitivity(self, res: RowEvaluation, role: int) -> Any:
        sens = res.sensitivity
        if sens is None:
            return None
        if role == _DECORATION:
            return {"above": icons.reached(), "below": icons.not_reached(), "depends": icons.mixed()}[sens.verdict]
        if role == _BACKGROUND and sens.verdict == "depends":
            return icons.solid_brush(MIXED_BG)
        if role == _TOOLTIP:
            if res.flag_reached is False and sens.best is not None:
                # a row under the flag line: where it comes closest first (issue 21)
                from sbrt_calc.radiobiology.sensitivity import case_text

                best = sens.worst if sens.verdict == "below" else sens.best
                return f"Most favourable case: {case_text(best)}.\n{sens.sentence}"
            return sens.sentence
        return None

    # --- core results ---------------------------------------------------------------------------
    def regimen(self, r: int) -> Regimen | None:
        """The Regimen of row ``r`` (None for invalid input)."""
        return self.results(r).regimen

    def results(self, r: int) -> RowEvaluation:
        """The core's evaluation of row ``r`` (cached)."""
        rid = self._ids[r]
        res = self._results.get(rid)
        if res is None or res.index != r:
            self._evaluate_missing()
            res = self._results[rid]
        return res

    def _evaluate_missing(self) -> None:
        """Every row without a current result, evaluated together (:func:`sbrt_calc.evaluation.evaluate_rows`:
        numpy over the rows; issue 21: a model switch re-evaluated 57 rows one by one, ~1 s)."""
        from sbrt_calc.evaluation import evaluate_rows

        results = self._results
        todo = [i for i, rid in enumerate(self._ids) if (x := results.get(rid)) is None or x.index != i]
        evaluated = evaluate_rows([self._rows[i] for i in todo], self._eval_settings, todo,
                                  known=self._known_results(todo))
        if not self._flag_applies:
            from dataclasses import replace

            evaluated = tuple(replace(res, flag_applies=False) if res.valid else res for res in evaluated)
        for i, res in zip(todo, evaluated, strict=True):
            results[self._ids[i]] = res

    def _known_results(self, todo: list[int]) -> tuple[EvaluationSettings, list[RowEvaluation]] | None:
        """The results of rows ``todo`` kept under other settings (the newest kept that has them all), for
        :func:`sbrt_calc.evaluation.evaluate_rows`' ``known``: a first switch to another model takes the line
        sensitivities and LQ's results from the model shown until then (issue 21, stop 32)."""
        ids = self._ids
        for es, _cols, kept, _cells in reversed(list(self._by_settings.values())):
            if es is not None and kept and all(ids[i] in kept for i in todo):
                return es, [kept[ids[i]] for i in todo]
        return None

    def set_planned_site(self, site: str | None) -> None:
        """The case's planned site changed (the Planning tab, or a case opened): rows re-marked when the flag
        line's applicability there changes (:func:`sbrt_calc.eligibility.sites.flag_applicability`)."""
        self.planned_site = site
        applies = True
        if site is not None:
            from sbrt_calc.eligibility.sites import flag_applicability

            applies = flag_applicability(site).applies
        if applies == self._flag_applies:
            return
        self._flag_applies = applies
        self._results.clear()
        self._by_settings.clear()
        self._cells.clear()
        if self._rows and not self._deferred:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self._columns) - 1))
        self.contentChanged.emit()

    def _state_changed(self, change: str) -> None:
        """A case opened: its saved planning section's site (the Planning tab, once built, keeps it current)."""
        if change != "case":
            return
        if not self.state.sections.get("planning"):   # no planning section: no site (planned_site), nothing to read
            self.set_planned_site(None)
            return
        from sbrt_calc.errors import SbrtCalcError

        try:
            from sbrt_calc.case_sections import eligibility_case_of, planning_inputs_of
            from sbrt_calc.evaluation_sections import planned_site

            planning = planning_inputs_of(self.state.sections.get("planning"))
            try:
                ecase = eligibility_case_of(self.state.sections.get("eligibility"))
            except SbrtCalcError:
                ecase = None
            self.set_planned_site(planned_site(planning, ecase))
        except SbrtCalcError:
            self.set_planned_site(None)

    def evaluation(self, rows: list[int] | None = None) -> Evaluation:
        """The evaluation of the table (every row, or ``rows``), as the report and the clipboard render it."""
        from sbrt_calc.evaluation import Evaluation

        chosen = range(len(self._rows)) if rows is None else rows
        return Evaluation(self._eval_settings, tuple(self.results(r) for r in chosen))

    @property
    def eval_settings(self) -> EvaluationSettings:
        return self._eval_settings

    @property
    def thresholds(self) -> tuple[Threshold, Threshold]:
        return self._eval_settings.flag, self._eval_settings.reference

    def sorted_ids(self, column: int, order: Qt.SortOrder) -> list[int]:
        from PySide6.QtCore import Qt

        col = self._columns[column]
        desc = order == Qt.SortOrder.DescendingOrder
        valid = [i for i in range(len(self._rows)) if self._rows[i].is_valid]
        invalid = [i for i in range(len(self._rows)) if not self._rows[i].is_valid]

        def key(i: int) -> Any:
            v = col.value(self.results(i))
            return (0, str(v).lower()) if isinstance(v, str) else (0, float(v) if v is not None else 0.0)

        valid.sort(key=key, reverse=desc)
        return [self._ids[i] for i in valid + invalid]   # invalid rows last, in their order

    # --- mutations (used by the undo commands) ----------------------------------------------------
    def rows(self) -> list[CaseRegimen]:
        return list(self._rows)

    def ids(self) -> list[int]:
        return list(self._ids)

    def settings(self) -> CaseSettings:
        return self._settings

    def columns(self) -> list[Column]:
        return list(self._columns)

    def column_keys(self) -> list[str]:
        """The columns' keys (while deferred, those of the columns to come)."""
        return [c[0] for c in self._first] if self._deferred else [c.key for c in self._columns]

    def column_models(self) -> list[str | None]:
        """The columns' models (None: not a model's column); while deferred, those of the columns to come."""
        return [c[2] for c in self._first] if self._deferred else [c.model for c in self._columns]

    def chosen_model(self) -> str:
        """The model choice shown (one of ``sbrt_calc.vocabulary.MODEL_CHOICES``; while deferred, the preferred one)."""
        return self.first_model if self._deferred else self._settings.model

    def column_of(self, key: str, model: str | None = None) -> int:
        for i, c in enumerate(self._columns):
            if c.key == key and (model is None or c.model == model):
                return i
        raise KeyError(key)

    def insert_rows(self, position: int, rows: list[CaseRegimen], ids: list[int] | None = None) -> list[int]:
        if not rows:
            return []
        position = max(0, min(position, len(self._rows)))
        self.beginInsertRows(QModelIndex(), position, position + len(rows) - 1)
        ids = self.state.insert_rows(position, rows, ids)
        self.endInsertRows()
        self._clear_cells()   # row numbers in the results move
        self.contentChanged.emit()
        return ids

    def remove_ids(self, ids: list[int]) -> list[tuple[int, int, CaseRegimen]]:
        """Remove rows by id; returns (position, id, row) in ascending position for re-insertion."""
        removed = sorted((self._ids.index(i), i, self._rows[self._ids.index(i)]) for i in ids if i in self._ids)
        for pos, rid, _ in reversed(removed):
            self.beginRemoveRows(QModelIndex(), pos, pos)
            self.state.remove_at(pos)
            self._forget(rid)
            self.endRemoveRows()
        if removed:
            self.contentChanged.emit()
        return removed

    def set_row(self, row_id: int, row: CaseRegimen) -> None:
        r = self.state.set_row(row_id, row)
        self._forget(row_id)
        self.dataChanged.emit(self.index(r, 0), self.index(r, len(self._columns) - 1))
        # no headerDataChanged: an edit does not change the row numbers, and the signal made the view
        # repaint the whole table on every edit
        self.contentChanged.emit()

    def move_row(self, src: int, dst: int) -> bool:
        """Move the row at ``src`` to position ``dst`` (its index after the move)."""
        n = len(self._rows)
        if src == dst or not (0 <= src < n and 0 <= dst < n):
            return False
        qt_dst = dst + 1 if dst > src else dst
        if not self.beginMoveRows(QModelIndex(), src, src, QModelIndex(), qt_dst):
            return False
        self.state.move_row(src, dst)
        self.endMoveRows()
        self.contentChanged.emit()
        return True

    def set_order(self, ids: list[int]) -> None:
        if sorted(ids) != sorted(self._ids):
            raise ValueError("set_order needs a permutation of the current rows")
        self.layoutAboutToBeChanged.emit()
        old_ids = dict(enumerate(self._ids))
        persistent = self.persistentIndexList()
        self.state.set_order(ids)
        new_pos = {rid: r for r, rid in enumerate(self._ids)}
        for idx in persistent:
            rid = old_ids.get(idx.row())
            if rid is not None:
                self.changePersistentIndex(idx, self.index(new_pos[rid], idx.column()))
        self.layoutChanged.emit()
        self.contentChanged.emit()

    def _forget(self, rid: int) -> None:
        self._results.pop(rid, None)
        for _es, _cols, results, cells in self._by_settings.values():
            results.pop(rid, None)
            cells.pop(rid, None)
        self._cells.pop(rid, None)

    def _clear_cells(self) -> None:
        """Forget every displayed text, for the current settings and the ones kept."""
        self._cells.clear()
        for entry in self._by_settings.values():
            entry[3].clear()

    def replace_all(self, rows: list[CaseRegimen], settings: CaseSettings | None = None) -> None:
        self.beginResetModel()
        self._deferred = False
        self.state.replace_rows(rows)
        self._results.clear()
        self._by_settings.clear()
        self._cells.clear()
        if settings is not None:
            self._apply_settings(settings)
        self.endResetModel()
        self.contentChanged.emit()
        if settings is not None:
            self.settingsChanged.emit()

    def _apply_settings(self, settings: CaseSettings) -> None:
        if self.state.settings is not None and (self._es is not None or self._results):
            self._by_settings[self.state.settings] = (self._es, self._cols, self._results, self._cells)
        self.state.set_settings(settings)
        self._deferred = False
        self._es, self._cols, self._results, self._cells = self._by_settings.pop(settings, (None, None, {}, {}))
        while len(self._by_settings) > 4:
            self._by_settings.pop(next(iter(self._by_settings)))

    # --- another model's cells, made before the user switches to it (app27v; :mod:`.idle_preparation`) --------
    def is_prepared(self, settings: CaseSettings) -> bool:
        """True when a switch to ``settings`` finds every row evaluated and every cell a switch reads made (the roles
        :meth:`make_cells` makes; the shown settings: True)."""
        if settings == self._settings and not self._deferred:
            return True
        entry = self._by_settings.get(settings)
        n = len(self._ids)
        if entry is None or entry[0] is None or len(entry[2]) != n or len(entry[3]) != n:
            return False
        made = _made_roles(len(entry[1]))
        return all(made <= cells.keys() for cells in entry[3].values())

    def prepare_steps(self, settings: CaseSettings, rows_per_step: int = 12) -> Iterator[None]:
        """Evaluate every row under ``settings`` and make the cells a switch reads (:meth:`make_cells`: the fit's
        measuring and the paint), kept for a switch to ``settings``, in steps of ``rows_per_step`` rows (a generator:
        one step per ``next``, so that the caller gives the event loop a turn between them). Nothing is shown or
        signalled: the shown settings, results and cells are swapped back after each step. An edit meanwhile forgets
        the edited row in what was prepared (:meth:`_forget`), as for any settings kept; the next step starts again
        from the rows not made.

        The other roles (tooltips, accessible text, the sort and edit values: a switch asks none of them) are made
        by :meth:`cell` when asked: made here one by one they were ~10-13 ms of the GUI thread per model of 57 rows,
        the five column by column ~1 ms (stop 31)."""
        if self._deferred or settings == self._settings:
            return
        step = 0
        while not self.is_prepared(settings):
            with self.as_settings(settings):
                if step == 0:
                    self._evaluate_missing()   # every row together (numpy over the rows)
                made = _made_roles(len(self._columns))
                todo = [r for r, rid in enumerate(self._ids) if not made <= self._cells.get(rid, {}).keys()]
                self.make_cells(todo[:rows_per_step])
            step += 1
            yield

    @contextmanager
    def as_settings(self, settings: CaseSettings) -> Iterator[None]:
        """The model reads ``settings``' kept results and cells inside (no signal: nothing shown changes)."""
        shown = (self.state.settings, self._es, self._cols, self._results, self._cells)
        es, cols, results, cells = self._by_settings.pop(settings, (None, None, {}, {}))
        self.state.settings, self._es, self._cols, self._results, self._cells = settings, es, cols, results, cells
        try:
            yield
        finally:
            entry = (self._es, self._cols, self._results, self._cells)
            self.state.settings, self._es, self._cols, self._results, self._cells = shown
            self._by_settings[settings] = entry
            while len(self._by_settings) > 4:
                self._by_settings.pop(next(iter(self._by_settings)))

    def evaluation_for(self, settings: CaseSettings) -> Evaluation:
        """The table's evaluation under ``settings`` (the shown ones, or ones kept or prepared), as
        :meth:`evaluation` gives it after a switch to them."""
        if settings == self._settings:
            return self.evaluation()
        with self.as_settings(settings):
            return self.evaluation()

    def set_settings(self, settings: CaseSettings) -> None:
        if settings == self._settings and not self._deferred:
            return
        self.beginResetModel()
        self._apply_settings(settings)
        # a first visit's cells made column by column before the fit measures them and the table paints them
        # (issue 21: one at a time through cell() they were ~6 ms of a cold switch of 57 rows; stop 31)
        self.make_cells()
        self.endResetModel()
        self.contentChanged.emit()
        self.settingsChanged.emit()

    def set_decimals(self, decimals: int) -> None:
        self.decimals = int(decimals)
        self._clear_cells()
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self._columns) - 1))
        self.contentChanged.emit()


@functools.cache
def _made_roles(n_columns: int) -> frozenset[tuple[int, int]]:
    """The cells :meth:`RegimenTableModel.make_cells` makes in a row of ``n_columns`` columns (its cache's keys)."""
    from . import columnwise_cells

    return frozenset((c, role) for c in range(n_columns) for role in columnwise_cells.ROLES)
