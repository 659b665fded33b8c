"""The regimen rows of the case: typed, from presets, solved, swept, duplicated, moved, deleted, sorted.

Every edit is one undo command on the rows of the regimens table (:mod:`.commands`); nothing here
computes a number (the presets and the solver are the core's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMenu, QWidget

from sbrt_calc.case import CaseRegimen
from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.regimen import parse_regimen

from . import settings
from .commands import AddRowsCommand, MoveRowCommand, RemoveRowsCommand
from .regimen_table_model import RegimenTableModel
from .settings import parse_regimen_list
from .window_common import site_title
from .workbench import Workbench

if TYPE_CHECKING:   # imported where a header is clicked, after the first paint (qt_values)
    from PySide6.QtCore import Qt

Status = Callable[[str, int], None]


def default_rows() -> list[CaseRegimen]:
    """The regimens a new case starts with (Preferences; the shipped list when the saved one is unreadable)."""
    try:
        items = parse_regimen_list(str(settings.get("new_case_regimens")))
    except ValueError:
        items = parse_regimen_list(settings.DEFAULT_NEW_CASE_REGIMENS)
    return [CaseRegimen.from_regimen(parse_regimen(t)) for t in items]


class RowActions:
    """See the module docstring. ``parent``: the window (dialogs, the Presets menu)."""

    def __init__(self, model: RegimenTableModel, undo_stack: QUndoStack, bench: Workbench, status: Status,
                 parent: QWidget, presets_menu: QMenu | None = None) -> None:
        """``presets_menu``: the (empty) menu to fill with the presets, e.g. the window's menu bar's; else one
        of its own."""
        self.model = model
        self.undo_stack = undo_stack
        self.bench = bench
        self.status = status
        self.parent = parent
        self._last_sort: tuple[int, Qt.SortOrder] | None = None
        bench.entry.returnPressed.connect(self.add_from_entry)
        bench.add_button.clicked.connect(self.add_from_entry)
        bench.sweep_button.clicked.connect(lambda: self.sweep())
        bench.table.horizontalHeader().sectionClicked.connect(self.header_clicked)
        # filled when first opened: reading and validating every preset file costs ~20 ms of start-up
        self.presets_menu = QMenu("Pre&sets", parent) if presets_menu is None else presets_menu
        self._presets_filled = False
        self.presets_menu.aboutToShow.connect(self.ensure_presets_menu)
        bench.presets_button.setMenu(self.presets_menu)

    # --- adding --------------------------------------------------------------------------------------
    def add_from_entry(self) -> bool:
        entry = self.bench.entry
        text = entry.text().strip()
        if not text:
            self.bench.set_entry_status("Type a regimen first, e.g. 36/3", error=True)
            return False
        try:
            items = parse_regimen_list(text)
        except ValueError as exc:
            self.bench.set_entry_status(f"Not added: {exc}", error=True)
            return False
        rows = [CaseRegimen.from_regimen(parse_regimen(t)) for t in items]
        self.add_rows(rows, "Add regimen" if len(rows) == 1 else f"Add {len(rows)} regimens")
        entry.clear()
        self.bench.set_entry_status(f"Added {', '.join(r.label for r in rows)}", error=False)
        return True

    def add_rows(self, rows: list[CaseRegimen], text: str = "Add regimen") -> None:
        position = self.model.rowCount()
        self.undo_stack.push(AddRowsCommand(self.model, rows, position, text))
        self.bench.select_row(position + len(rows) - 1)
        notes = {r.note for r in rows}
        if len(notes) == 1 and rows[0].note.startswith("solved"):   # where they came from (issue 21)
            n = len(rows)
            self.status(f"Added {n} regimen{'s' if n != 1 else ''} ({rows[0].note}): the Regimen cell's tooltip "
                        f"and the working say so", 10000)

    def add_scheme(self, scheme: Any) -> None:
        try:
            reg = scheme.regimen()
        except SbrtCalcError as exc:
            self.bench.set_entry_status(f"Preset not added: {exc}", error=True)
            return
        self.add_rows([CaseRegimen.from_regimen(replace(reg, label=scheme.label) if scheme.label else reg,
                                                note=f"preset {scheme.key}", source=scheme.source,
                                                verification=scheme.verification)], f"Add preset {scheme.label}")

    def add_default_regimens(self) -> None:
        self.add_rows(default_rows(), "Add default regimens")

    def add_solved_reference(self) -> None:
        """The smallest doses in 3-6 fractions reaching the case's reference line, solved dose kept (the row's
        verdict matches its label; :func:`sbrt_calc.models.regimens_reaching`)."""
        from sbrt_calc.models import regimens_reaching

        _flag, ref = self.model.thresholds
        rows = [CaseRegimen.from_regimen(reg, note=f"solved: reaches {ref.label} (LQ)")
                for reg in regimens_reaching(ref, [3, 4, 5, 6])]
        self.add_rows(rows, "Add solved regimens")

    def sweep(self, dialog: Any = None) -> int:
        from .sweep_dialog import SweepDialog

        dlg = dialog or SweepDialog(self.parent)
        if dialog is None and dlg.exec() != SweepDialog.DialogCode.Accepted:
            return 0
        regs, _refused = dlg.regimens()
        # no duplicates: a regimen already in the table (same total dose and fractions) is not added again
        have = {(r.total_dose_gy, r.fractions) for r in self.model.rows() if r.is_valid}
        new = [r for r in regs if (r.total_dose_gy, r.fractions) not in have]
        skipped = len(regs) - len(new)
        if not new:
            self.status(f"Nothing added: the sweep's {len(regs)} regimens are already in the table", 5000)
            return 0
        self.add_rows([CaseRegimen.from_regimen(r) for r in new], f"Sweep ({len(new)} regimens)")
        from .sweep_dialog import sweep_end_note

        end = sweep_end_note(dlg.dose_from.value(), dlg.dose_to.value(), dlg.dose_step.value()) \
            if hasattr(dlg, "dose_from") else ""
        self.status(f"Added {len(new)} regimens from the sweep"
                    + (f" ({skipped} already in the table, not repeated)" if skipped else "")
                    + (f". {end}" if end else ""), 10000 if end else 6000)
        return len(new)

    # --- the selection -------------------------------------------------------------------------------
    def delete_selected(self) -> None:
        rows = self.bench.selected_rows()
        if not rows:
            return
        ids = [self.model.ids()[r] for r in rows]
        self.undo_stack.push(RemoveRowsCommand(self.model, ids, "Delete regimen" if len(ids) == 1 else
                                               f"Delete {len(ids)} regimens"))
        if self.model.rowCount():
            self.bench.select_row(min(rows[0], self.model.rowCount() - 1))

    def duplicate_selected(self) -> None:
        rows = self.bench.selected_rows()
        if not rows:
            return
        data = [self.model.rows()[r] for r in rows]
        position = rows[-1] + 1
        self.undo_stack.push(AddRowsCommand(self.model, data, position, "Duplicate"))
        self.bench.select_row(position)

    def move_selected(self, delta: int) -> None:
        rows = self.bench.selected_rows()
        if len(rows) != 1:
            return
        src = rows[0]
        dst = src + delta
        if 0 <= dst < self.model.rowCount():
            self.undo_stack.push(MoveRowCommand(self.model, src, dst))
            self.bench.select_row(dst)

    def header_clicked(self, section: int) -> None:
        from PySide6.QtCore import Qt  # a click: after the first paint, no Qt type at start (qt_values)

        asc = Qt.SortOrder.AscendingOrder
        order = Qt.SortOrder.DescendingOrder if self._last_sort == (section, asc) else asc
        self._last_sort = (section, order)
        self.model.sort(section, order)
        head = self.model.columns()[section].header.replace("\n", " ")
        word = "ascending" if order == asc else "descending"
        self.status(f"Sorted by {head}, {word} (click again to reverse; Ctrl+Z undoes)", 5000)

    # --- the Presets menu ----------------------------------------------------------------------------
    def ensure_presets_menu(self) -> None:
        """Fill the Presets menu (once, when it is first shown)."""
        if not self._presets_filled:
            self._presets_filled = True
            self._fill_presets(self.presets_menu)

    def _fill_presets(self, menu: QMenu) -> None:
        menu.clear()
        # imported here, when the menu is first opened (start-up time)
        from sbrt_calc.presets.loader import schemes_for_site
        from sbrt_calc.presets.model import SITES

        try:
            for site in SITES:
                sub = menu.addMenu(site_title(str(site)))
                for scheme in schemes_for_site(site):
                    a = sub.addAction(f"{scheme.label}")
                    a.setToolTip(f"{scheme.total_dose_gy:g} Gy in {scheme.fractions}. Source: {scheme.source}"
                                 + (f"\n{scheme.note}" if scheme.note else ""))
                    a.triggered.connect(lambda _c=False, s=scheme: self.add_scheme(s))
            menu.addSeparator()
        except SbrtCalcError as exc:  # a broken preset file must not stop the app
            a = menu.addAction(f"Presets could not be loaded: {exc}")
            a.setEnabled(False)
        a = menu.addAction("Default regimens (36/3 and common alternatives)")
        a.setToolTip("The regimens a new case starts with (Preferences)")
        a.triggered.connect(self.add_default_regimens)
        a = menu.addAction("Reach the reference line in 3–6 fractions (solved)")
        a.setToolTip("The smallest total dose reaching the case's reference line (Model settings) in 3, 4, 5 and "
                     "6 fractions, on the line's scale (LQ BED10 from the prescription)")
        a.triggered.connect(self.add_solved_reference)
