"""The main window's rows and settings: adding, selecting, moving, sweeping, sorting; model, organ
alpha/beta, model settings, preferences, About; the controls, columns and banner kept in sync."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMessageBox,
)

from sbrt_calc.case import CaseError, CaseRegimen
from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.regimen import Regimen, parse_regimen

from . import settings
from .commands import AddRowsCommand, MoveRowCommand, RemoveRowsCommand, SettingsCommand
from .settings import MODEL_CHOICES, parse_regimen_list

if TYPE_CHECKING:
    from .main_window import MainWindow  # noqa: F401


from .window_common import ENTRY_TIP, ERROR_STYLE


class WindowRows:
    """Mixed into :class:`~sbrt_calc.gui.main_window.MainWindow` (self is the window)."""

    # --- rows ------------------------------------------------------------------------------------------
    def _set_entry_status(self, text: str, error: bool) -> None:
        self.entry_status.setText(("⚠ " if error and text else "") + text)
        self.entry_status.setStyleSheet(ERROR_STYLE.format(colour=self._error_colour()) if error else "")
        self.entry.setStyleSheet(f"QLineEdit {{ border: 2px solid {self._error_colour()}; }}" if error else "")
        self.entry.setToolTip(text if error else ENTRY_TIP)

    def add_from_entry(self) -> bool:
        text = self.entry.text().strip()
        if not text:
            self._set_entry_status("Type a regimen first, e.g. 36/3", error=True)
            return False
        try:
            items = parse_regimen_list(text)
        except ValueError as exc:
            self._set_entry_status(f"Not added: {exc}", error=True)
            return False
        rows = [CaseRegimen.from_regimen(parse_regimen(t)) for t in items]
        self.add_rows(rows, "Add regimen" if len(rows) == 1 else f"Add {len(rows)} regimens")
        self.entry.clear()
        self._set_entry_status(f"Added {', '.join(r.label for r in rows)}", error=False)
        return True

    def add_rows(self, rows: list[CaseRegimen], text: str = "Add regimen") -> None:
        position = self.model.rowCount()
        self.undo_stack.push(AddRowsCommand(self.model, rows, position, text))
        self.select_row(position + len(rows) - 1)

    def _add_scheme(self, scheme: Any) -> None:
        try:
            reg = scheme.regimen()
        except SbrtCalcError as exc:
            self._set_entry_status(f"Preset not added: {exc}", error=True)
            return
        self.add_rows([CaseRegimen.from_regimen(replace(reg, label=scheme.label) if scheme.label else reg,
                                                note=f"preset {scheme.key}", source=scheme.source,
                                                verification=scheme.verification)], f"Add preset {scheme.label}")

    def _add_default_regimens(self) -> None:
        self.add_rows(self._default_rows(), "Add default regimens")

    def _add_solved_reference(self) -> None:
        from sbrt_calc.radiobiology.solve import solve_for_bed

        flag, ref = self.model.thresholds
        rows = []
        for sol in solve_for_bed(ref.bed_gy, [3, 4, 5, 6], self.model.eval_settings.lq, ref.alpha_beta_gy):
            if sol.error:
                continue
            reg = Regimen(round(sol.total_dose_gy, 2), sol.fractions,
                          f"{sol.total_dose_gy:.2f} Gy/{sol.fractions} (LQ BED10 {ref.bed_gy:g})")
            rows.append(CaseRegimen.from_regimen(reg, note="solved: reaches the reference line"))
        self.add_rows(rows, "Add solved regimens")

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(self.model.index(row, 0))

    def delete_selected(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        ids = [self.model.ids()[r] for r in rows]
        self.undo_stack.push(RemoveRowsCommand(self.model, ids, "Delete regimen" if len(ids) == 1 else
                                               f"Delete {len(ids)} regimens"))
        if self.model.rowCount():
            self.select_row(min(rows[0], self.model.rowCount() - 1))

    def duplicate_selected(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        data = [self.model.rows()[r] for r in rows]
        position = rows[-1] + 1
        self.undo_stack.push(AddRowsCommand(self.model, data, position, "Duplicate"))
        self.select_row(position)

    def move_selected(self, delta: int) -> None:
        rows = self.selected_rows()
        if len(rows) != 1:
            return
        src = rows[0]
        dst = src + delta
        if 0 <= dst < self.model.rowCount():
            self.undo_stack.push(MoveRowCommand(self.model, src, dst))
            self.select_row(dst)

    def sweep(self, dialog: Any = None) -> int:
        from .sweep_dialog import SweepDialog

        dlg = dialog or SweepDialog(self)
        if dialog is None and dlg.exec() != SweepDialog.DialogCode.Accepted:
            return 0
        regs, _refused = dlg.regimens()
        # no duplicates: a regimen already in the table (same total dose and fractions) is not added again
        have = {(r.total_dose_gy, r.fractions) for r in self.model.rows() if r.is_valid}
        new = [r for r in regs if (r.total_dose_gy, r.fractions) not in have]
        skipped = len(regs) - len(new)
        if not new:
            self.statusBar().showMessage(f"Nothing added: the sweep's {len(regs)} regimens are already in the table",
                                         5000)
            return 0
        self.add_rows([CaseRegimen.from_regimen(r) for r in new], f"Sweep ({len(new)} regimens)")
        self.statusBar().showMessage(f"Added {len(new)} regimens from the sweep"
                                     + (f" ({skipped} already in the table, not repeated)" if skipped else ""), 6000)
        return len(new)

    def _header_clicked(self, section: int) -> None:
        asc = Qt.SortOrder.AscendingOrder
        order = Qt.SortOrder.DescendingOrder if self._last_sort == (section, asc) else asc
        self._last_sort = (section, order)
        self.model.sort(section, order)
        head = self.model.columns()[section].header.replace("\n", " ")
        word = "ascending" if order == asc else "descending"
        self.statusBar().showMessage(f"Sorted by {head}, {word} (click again to reverse; Ctrl+Z undoes)", 5000)

    # --- settings ----------------------------------------------------------------------------------------
    def set_model(self, key: str) -> None:
        old = self.model.settings()
        if key == old.model:
            return
        self.undo_stack.push(SettingsCommand(self.model, old, replace(old, model=key),
                                             f"Model: {dict(MODEL_CHOICES)[key]}"))

    def set_organ_alpha_beta(self, ab: float) -> None:
        old = self.model.settings()
        if float(ab) == old.organ_alpha_beta_gy:
            return
        self.undo_stack.push(SettingsCommand(self.model, old, replace(old, organ_alpha_beta_gy=float(ab)),
                                             f"Organ alpha/beta {ab:g} Gy"))

    def model_settings(self, dialog: Any = None) -> bool:
        """Edit the case's model settings (one undoable step); ``dialog``: an already filled dialog (tests)."""
        from .model_settings_dialog import ModelSettingsDialog

        old = self.model.settings()
        dlg = dialog or ModelSettingsDialog(old, self)
        if dialog is None and dlg.exec() != ModelSettingsDialog.DialogCode.Accepted:
            return False
        new = dlg.result_settings()
        if new is None or new == old:
            return False
        self.undo_stack.push(SettingsCommand(self.model, old, new, "Model settings"))
        return True

    def _model_combo_changed(self, _i: int) -> None:
        if not self._syncing:
            self.set_model(self.model_combo.currentData())

    def _organ_combo_changed(self, _i: int) -> None:
        if not self._syncing and self.organ_combo.currentData() is not None:
            self.set_organ_alpha_beta(float(self.organ_combo.currentData()))

    def _sync_controls(self) -> None:
        s = self.model.settings()
        self._syncing = True
        try:
            self.model_combo.setCurrentIndex(max(0, self.model_combo.findData(s.model)))
            i = self.organ_combo.findData(s.organ_alpha_beta_gy)
            if i < 0:
                self.organ_combo.addItem(f"{s.organ_alpha_beta_gy:g} Gy (case)", s.organ_alpha_beta_gy)
                i = self.organ_combo.count() - 1
            self.organ_combo.setCurrentIndex(i)
            if s.model in self.model_actions:
                self.model_actions[s.model].setChecked(True)
        finally:
            self._syncing = False
        flag, ref = self.model.thresholds
        extra = []
        if s.reference_dose_gy != 2.0:
            extra.append(f"EQD{s.reference_dose_gy:g}")
        if s.time_correction:
            extra.append(f"time-corrected (T_k {s.kickoff_days:g} d, K {s.bed_loss_per_day_gy:g} Gy/d)")
        self.context_label.setText(f"Tumour α/β {s.tumour_alpha_beta_gy:g} Gy" + "".join(f" · {x}" for x in extra))
        self.context_label.setToolTip(f"Tumour alpha/beta {s.tumour_alpha_beta_gy:g} Gy (View ▸ Model settings). The "
                                      f"lines {flag.label} and {ref.label} are always read on {flag.scale}."
                                      + "".join(f"\n{x}" for x in extra))
        # the banner follows contentChanged, which the model emits before every settingsChanged

    def preferences(self, dialog: Any = None) -> bool:
        from .preferences_dialog import PreferencesDialog

        dlg = dialog or PreferencesDialog(self)
        if dialog is None and dlg.exec() != PreferencesDialog.DialogCode.Accepted:
            return False
        self.apply_preferences()
        return True

    def apply_preferences(self) -> None:
        self.model.set_decimals(int(settings.get("decimals")))
        self.autosaver.timer.setInterval(int(settings.get("autosave_interval_ms")))
        try:
            new = self._default_settings()
        except CaseError as exc:
            self.statusBar().showMessage(f"Preferences not applied: {exc}", 8000)
            return
        old = self.model.settings()
        if new != old:
            self.undo_stack.push(SettingsCommand(self.model, old, new, "Apply preferences"))

    def about(self, show_modal: bool = True) -> Any:
        from .about_dialog import AboutDialog

        dlg = AboutDialog(self)
        if show_modal:
            dlg.exec()
        return dlg

    def export_figure(self, path: str | None = None) -> str | None:
        if path is None:
            suggested = str(Path(self._dialog_dir()) / f"{Path(self._display_name()).stem or 'bed10'}-bed10.png")
            path, _ = QFileDialog.getSaveFileName(self, "Export figure", suggested,
                                                  "PNG image (*.png);;SVG (*.svg);;PDF (*.pdf)")
            if not path:
                return None
        try:
            out = self.plot.export(path)
        except (ValueError, OSError) as exc:
            self.statusBar().showMessage(f"Not exported: {exc}", 8000)
            QMessageBox.warning(self, "Cannot export figure", str(exc))
            return None
        self.statusBar().showMessage(f"Exported {out.name}", 4000)
        return str(out)

    # --- view sync ----------------------------------------------------------------------------------------
    def _focus_entry(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.entry.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.entry.selectAll()

    def _selection_changed(self, *_: Any) -> None:
        rows = self.selected_rows()
        self.plot.set_selected_rows(set(rows))
        current = self.table.currentIndex()
        self.working.set_row(current.row() if current.isValid() else (rows[0] if rows else None))

    def _resize_columns(self) -> None:
        QTimer.singleShot(0, self._fit_columns)

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        cols = self.model.columns()
        # measuring every cell costs ~15 ms: the widths are kept per (settings, rows, decimals, font, style),
        # so that switching the model back and forth does not measure again
        key = (self.model.settings(), self.model.decimals, self.table.font().key(), self.style().name(),
               tuple((r.label, r.total_dose_gy, r.fractions, r.error) for r in self.model.rows()))
        cache: dict[Any, list[int]] = self.__dict__.setdefault("_width_cache", {})
        widths = cache.get(key)
        if widths is not None and len(widths) == len(cols):
            for i, w in enumerate(widths):
                header.resizeSection(i, w)
            self.order_columns()
            self.fit_verdicts()
            return
        self.table.resizeColumnsToContents()
        for i, c in enumerate(cols):
            if c.key == "warnings":
                continue
            cap = 220 if c.key == "sensitivity" else 160   # 'depends on model' whole, the Warnings cell too
            header.resizeSection(i, min(max(header.sectionSize(i), 48), cap))
        if cols:   # the Warnings column (stretched when there is room): its short text whole, up to 260 px
            header.resizeSection(len(cols) - 1, min(max(header.sectionSize(len(cols) - 1), 60), 260))
        if len(cache) > 8:
            cache.clear()
        cache[key] = [header.sectionSize(i) for i in range(len(cols))]
        self.order_columns()
        self.fit_verdicts()

    def _error_colour(self) -> str:
        """A red legible on the current palette (lighter on dark palettes)."""
        return "#ff7b72" if QApplication.palette().window().color().lightness() < 128 else "#c62828"

    def _update_banner(self) -> None:
        from sbrt_calc.summary import banner

        parts = []
        for line in banner(self.model.evaluation()):
            text = f"<b>{line.head}</b> {line.text}"
            if line.kind == "invalid":
                text = f"<span style='color:{self._error_colour()}'>{text}</span>"
            parts.append(text)
        self.banner.setText("<br>".join(parts))

