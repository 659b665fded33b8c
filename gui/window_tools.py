"""The main window's help, printing, the solver and the column order (issue 13).

The verdict columns (the flag, the reference, the Model/α/β check) are shown right after the
prescription and BED10 LQ, before the per-model numbers, so that they stay visible without scrolling
whichever model is shown: only the view's order changes (:meth:`QHeaderView.moveSection`); the model,
CSV and the clipboard keep the core's column order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from .main_window import MainWindow  # noqa: F401

#: shown first, in this order (the rest follow in the core's order, the Warnings column last)
FIRST_COLUMNS = ("label", "total_dose_gy", "fractions", "dose_per_fraction_gy", "bed10_gy", "flag", "reference",
                 "sensitivity")


def view_order(keys: list[str]) -> list[int]:
    """Logical column indexes in the order the view shows them (see the module docstring)."""
    first = [keys.index(k) for k in FIRST_COLUMNS if k in keys]
    last = [i for i, k in enumerate(keys) if k == "warnings"]
    return first + [i for i in range(len(keys)) if i not in first and i not in last] + last


class WindowTools:
    """Mixed into :class:`~sbrt_calc.gui.main_window.MainWindow` (self is the window)."""

    def order_columns(self: Any) -> None:
        """Put the view's columns in :func:`view_order`."""
        header = self.table.horizontalHeader()
        order = view_order([c.key for c in self.model.columns()])
        for visual, logical in enumerate(order):
            current = header.visualIndex(logical)
            if current != visual:
                header.moveSection(current, visual)

    def fit_verdicts(self: Any) -> None:
        """Widen the table's side of the splitter (the plot keeping >= 320 px, or its 260-px minimum in a
        window under 1000 px) until the columns up to the verdicts are in view without scrolling."""
        header = self.table.horizontalHeader()
        keys = [c.key for c in self.model.columns()]
        needed = sum(header.sectionSize(keys.index(k)) for k in FIRST_COLUMNS if k in keys)
        needed += self.table.verticalHeader().width() + 2 * self.table.frameWidth() + 12   # + the layout margins
        left, right = self.splitter.sizes()
        floor = 320 if self.width() >= 1000 else 260   # below 1000 px (a 2x laptop screen) the plot's minimum
        if left < needed and right > floor:
            new_left = min(needed, left + right - floor)
            self.splitter.setSizes([new_left, left + right - new_left])

    def fit_working(self: Any) -> None:
        """On a short window (a 2x laptop screen) the docked working takes a third of the height, not 240 px,
        so that the plot stays readable; done when the window crosses 650 px, not on every resize."""
        short = self.height() < 650
        if short != getattr(self, "_short_window", None) and not self.working_dock.isFloating():
            self._short_window = short
            h = max(120, self.height() // 3) if short else 240
            self.working_dock.parentWidget().resizeDocks([self.working_dock], [h], Qt.Orientation.Vertical)

    def show_help(self: Any, show: bool = True) -> Any:
        """Help ▸ How to read this window (F1); returns the (non-modal) dialog."""
        from .help_dialog import HelpDialog

        actions = [a for a in self.findChildren(type(self.act_help)) if a.shortcuts()]
        seen: set[str] = set()
        unique = []
        for a in actions:
            if a.text() not in seen:
                seen.add(a.text())
                unique.append(a)
        dlg = HelpDialog(self.model.eval_settings, unique, self)
        if show:
            dlg.show()
        self._help_dialog = dlg
        return dlg

    def print_report(self: Any, dialog: Any = None) -> Any:
        """File ▸ Print report (Ctrl+P): the report in a print preview; returns the dialog.
        ``dialog`` False builds it without showing it (tests)."""
        from sbrt_calc.report.sources import content_from_case

        from .print_report import preview_dialog

        dlg = preview_dialog(lambda: content_from_case(self.current_case(), **self.report_people), self)
        if dialog is None:
            dlg.exec()
        return dlg

    def solver(self: Any, show: bool = True) -> Any:
        """Tools ▸ Solve for a dose (Ctrl+R): non-modal; its 'Add to the table' adds undoable rows."""
        from .solver_dialog import SolverDialog

        dlg = SolverDialog(self.model.eval_settings, self)
        dlg.rowsChosen.connect(lambda rows: self.add_rows(rows, "Add solved regimens"))
        if show:
            dlg.show()
        self._solver_dialog = dlg
        return dlg
