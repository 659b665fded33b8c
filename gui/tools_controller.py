"""Help, About, printing and the solver: the window's dialogs that read the case and add nothing but
solved rows (through the row actions)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from .case_state import CaseState
from .regimen_table_model import RegimenTableModel
from .row_actions import RowActions

if TYPE_CHECKING:
    from PySide6.QtGui import QAction


class ToolsController:
    """See the module docstring. ``shortcuts``: the window's actions, for the help's list of shortcuts."""

    def __init__(self, state: CaseState, model: RegimenTableModel, rows: RowActions,
                 shortcuts: Callable[[], list[QAction]], parent: QWidget,
                 shown: Callable[[], dict[str, Any]] | None = None) -> None:
        self.state = state
        #: what the tabs show, for the report (``plan_check``, ``reirradiation``: not computed a second time)
        self.shown = shown or (lambda: {"plan_check": state.plan_check_shown})
        self.model = model
        self.rows = rows
        self.shortcuts = shortcuts
        self.parent = parent
        self.help_dialog: Any = None
        self.solver_dialog: Any = None

    def show_help(self, show: bool = True) -> Any:
        """Help ▸ How to read this window (F1); returns the (non-modal) dialog."""
        from .help_dialog import HelpDialog

        seen: set[str] = set()
        unique = []
        for a in self.shortcuts():
            if a.shortcuts() and a.text() not in seen:
                seen.add(a.text())
                unique.append(a)
        dlg = HelpDialog(self.model.eval_settings, unique, self.parent)
        if show:
            dlg.show()
        self.help_dialog = dlg
        return dlg

    def about(self, show_modal: bool = True) -> Any:
        from .about_dialog import AboutDialog

        dlg = AboutDialog(self.parent)
        if show_modal:
            dlg.exec()
        return dlg

    def print_report(self, dialog: Any = None) -> Any:
        """File ▸ Print report (Ctrl+P): the report in a print preview (the plan check the screen shows, not a
        second DICOM run); returns the dialog.
        ``dialog`` False builds it without showing it (tests)."""
        from sbrt_calc.report.sources import content_from_case

        from .print_report import preview_dialog

        dlg = preview_dialog(lambda: content_from_case(self.state.case(), **self.state.report_people,
                                                       **self.shown()), self.parent)
        if dialog is None:
            dlg.exec()
        return dlg

    def solver(self, show: bool = True) -> Any:
        """Tools ▸ Solve for a dose (Ctrl+R): non-modal; its 'Add to the table' adds undoable rows."""
        from .solver_dialog import SolverDialog

        dlg = SolverDialog(self.model.eval_settings, self.parent)
        dlg.rowsChosen.connect(lambda rows: self.rows.add_rows(rows, f"Add solved regimens ({rows[0].note})"
                                                                  if rows else "Add solved regimens"))
        if show:
            dlg.show()
        self.solver_dialog = dlg
        return dlg
