"""The main window's case files: new, open (saved case or eligibility TOML), save, recent files, title,
RT Plan import, report, CSV, clipboard, figure export and crash recovery."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QMessageBox,
)

from sbrt_calc import __version__
from sbrt_calc.case import Case, CaseError, CaseRegimen, CaseSettings
from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.regimen import parse_regimen

from . import settings
from .autosave import Recoverable
from .commands import TitleCommand, ValueCommand
from .settings import parse_regimen_list

if TYPE_CHECKING:
    from .main_window import MainWindow  # noqa: F401


from .window_common import FILE_FILTER


class WindowFiles:
    """Mixed into :class:`~sbrt_calc.gui.main_window.MainWindow` (self is the window)."""

    # --- case ------------------------------------------------------------------------------------------
    def snapshot(self) -> tuple[Case, str | None]:
        return self.current_case(), self.file_path

    def current_case(self) -> Case:
        sections = dict(self.sections)
        for key, panel in (("eligibility", self._eligibility), ("planning", self._planning)):
            if panel is None:   # tab not built yet: the section as loaded, unchanged
                continue
            value = panel.section()
            if value is None:
                sections.pop(key, None)
            else:
                sections[key] = value
        return Case(self.case_title, self.identifier, tuple(self.model.rows()), self.model.settings(), sections)

    def _default_settings(self) -> CaseSettings:
        return CaseSettings(model=str(settings.get("model")),
                            tumour_alpha_beta_gy=float(settings.get("tumour_alpha_beta_gy")),
                            organ_alpha_beta_gy=float(settings.get("organ_alpha_beta_gy")),
                            flag_bed_gy=float(settings.get("flag_bed_gy")),
                            reference_bed_gy=float(settings.get("reference_bed_gy")))

    def _default_rows(self) -> list[CaseRegimen]:
        try:
            items = parse_regimen_list(str(settings.get("new_case_regimens")))
        except ValueError:
            items = parse_regimen_list(settings.DEFAULT_NEW_CASE_REGIMENS)
        return [CaseRegimen.from_regimen(parse_regimen(t)) for t in items]

    def new_case(self, ask: bool = True) -> bool:
        if ask and not self.maybe_save():
            return False
        try:
            defaults = self._default_settings()
        except CaseError:
            defaults = CaseSettings()
        self._set_case(Case("Untitled case", None, tuple(self._default_rows()), defaults, {}), None)
        self.statusBar().showMessage("New case: 36 Gy/3 and common alternatives", 4000)
        return True

    def _set_case(self, case: Case, path: str | None, checked: bool = False) -> None:
        """Show ``case``; ``checked``: its sections were validated already (:meth:`_check_sections`)."""
        self.model.replace_all(list(case.regimens), case.settings)
        self.case_title = case.title
        self.identifier = case.identifier
        self.sections = dict(case.sections)
        for key, label in (("eligibility", "Eligibility"), ("planning", "Planning")):
            if getattr(self, f"_{key}") is not None or checked or not self.sections.get(key):
                continue
            # tab not built: keep the section as it is, if valid (an autosave may still hold a bad one)
            try:
                self._check_section(key, self.sections[key], path or "<case>")
            except CaseError as exc:
                del self.sections[key]
                self.statusBar().showMessage(f"{label} section not loaded: {exc.message}", 10000)
        if self._eligibility is not None:
            self._load_eligibility(self.sections.get("eligibility"), path or "<case>")
        if self._planning is not None:
            self._load_planning(self.sections.get("planning"))
        if self._plan_check is not None:
            from sbrt_calc.case_sections import plan_check_inputs_of

            try:
                self._plan_check.set_inputs(plan_check_inputs_of(self.sections.get("plan_check")))
            except CaseError as exc:
                self.sections.pop("plan_check", None)
                self._plan_check.set_inputs(None)
                self.statusBar().showMessage(f"Plan check section not loaded: {exc.message}", 10000)
        self.file_path = path
        self.undo_stack.clear()
        self.undo_stack.setClean()
        # replace_all (with settings) has emitted contentChanged (banner) and settingsChanged (controls)
        self._update_title()
        if self.model.rowCount():
            self.select_row(0)

    def open_path(self, path: str, ask: bool = True) -> bool:
        """Open a case file (errors reported in a message box and the status bar, never raised)."""
        if ask and not self.maybe_save():
            return False
        from sbrt_calc.case_sections import load_any_case

        try:
            case = load_any_case(path)
            self._check_sections(case, path)
        except CaseError as exc:
            self.statusBar().showMessage(f"Could not open: {exc.message}", 10000)
            QMessageBox.warning(self, "Cannot open case", exc.message)
            return False
        saved = Path(path).suffix.lower() != ".toml"
        # an eligibility case (TOML) opens as a new case: Save asks where to write the JSON case file
        self._set_case(case, str(Path(path).resolve()) if saved else None, checked=True)
        self.autosaver.clear()
        settings.add_recent_file(path)
        if not saved:
            self.setWindowModified(True)
        self.statusBar().showMessage(f"Opened {Path(path).name}" + ("" if saved else
                                     " (an eligibility case: save it as a case file to keep your work)"), 6000)
        return True

    @classmethod
    def _check_sections(cls, case: Case, path: str) -> None:
        """Validate the eligibility and planning sections (CaseError naming the file and the key path)."""
        for key in ("eligibility", "planning"):
            if case.sections.get(key):
                cls._check_section(key, case.sections[key], path)

    @staticmethod
    def _check_section(key: str, section: Any, path: str) -> None:
        """Validate one section as its tab would load it (CaseError naming the file and ``key.<field>``)."""
        try:
            if key == "eligibility":
                from .eligibility_panel import form_from_section

                form_from_section(section, path)
            else:
                from sbrt_calc.planning.section import PlanningInputs

                PlanningInputs.from_dict(section)
        except CaseError as exc:
            msg = exc.message if exc.message.startswith(str(path)) else f"{path}: {exc.message}"
            raise CaseError(msg, field=exc.field, value=exc.value, allowed=exc.allowed) from None

    def open_dialog(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(self, "Open case", self._dialog_dir(), FILE_FILTER)
        return bool(path) and self.open_path(path)

    def _dialog_dir(self) -> str:
        if self.file_path:
            return str(Path(self.file_path).parent)
        recent = settings.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    @property
    def file_path(self) -> str | None:
        return self.document.path

    @file_path.setter
    def file_path(self, path: str | None) -> None:
        self.document.set_path(path)

    def save(self) -> bool:
        return self.document.save()

    def save_as(self) -> bool:
        return self.document.save_as()

    def save_to(self, path: str) -> bool:
        return self.document.save_to(path)

    def maybe_save(self) -> bool:
        """True when it is fine to discard the current case (saved, discarded, or unchanged)."""
        return self.document.maybe_save()

    def _display_name(self) -> str:
        return Path(self.file_path).name if self.file_path else self.case_title

    def _update_title(self, *_: Any) -> None:
        self.setWindowTitle(f"{self._display_name()}[*] — sbrt-calc {__version__}")
        self.setWindowModified(not self.undo_stack.isClean())

    def _on_stack_changed(self, *_: Any) -> None:
        self._update_title()
        self.document.edited()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = settings.recent_files()
        for i, f in enumerate(files):
            a = self.recent_menu.addAction(f"&{i + 1} {Path(f).name}")
            a.setToolTip(f)
            a.setStatusTip(f)
            a.triggered.connect(lambda _c=False, p=f: self.open_path(p))
        if not files:
            self.recent_menu.addAction("(no recent files)").setEnabled(False)

    def edit_title(self) -> None:
        text, ok = QInputDialog.getText(self, "Case title", "Title:", text=self.case_title)
        if ok and text.strip() and text.strip() != self.case_title:
            self.undo_stack.push(TitleCommand(self._apply_title, self.case_title, text.strip()))

    def _apply_title(self, title: str) -> None:
        self.case_title = title
        self._update_title()

    def import_rtplan(self, path: str | None = None) -> bool:
        """Read a DICOM RT Plan's prescription, add it to the table and plan it (errors reported, never raised)."""
        from sbrt_calc.planning.rtplan import read_prescription

        from .planning_panel import regimen_text

        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import RT Plan", self._dialog_dir(),
                                                  "DICOM RT Plan (*.dcm *.DCM);;All files (*)")
            if not path:
                return False
        try:
            reg = read_prescription(path)
        except SbrtCalcError as exc:
            self.statusBar().showMessage(f"Not imported: {exc}", 10000)
            QMessageBox.warning(self, "Cannot import RT Plan", str(exc))
            return False
        old = self.planning.inputs
        self.undo_stack.beginMacro(f"Import RT Plan {reg.label}")
        try:
            self.add_rows([CaseRegimen.from_regimen(reg, note=f"RT Plan {Path(path).name}")], "Add RT Plan prescription")
            new = replace(old, regimen=regimen_text(reg), fractions=None)
            if new != old:
                self.undo_stack.push(ValueCommand(self.planning.apply_inputs, old, new, "Planning: regimen"))
        finally:
            self.undo_stack.endMacro()
        self.tabs.setCurrentWidget(self.planning)
        self.statusBar().showMessage(f"Imported {reg.total_dose_gy:g} Gy in {reg.fractions} from {Path(path).name}",
                                     6000)
        return True

    def _apply_case_info(self, info: Any) -> None:
        self.case_title, self.identifier = info
        self._update_title()

    def set_case_info(self, title: str, identifier: str | None) -> None:
        """Change the case title and identifier (one undo command)."""
        new = (title.strip() or self.case_title, (identifier or "").strip() or None)
        old = (self.case_title, self.identifier)
        if new != old:
            self.undo_stack.push(ValueCommand(self._apply_case_info, old, new, "Case details"))

    def export_report(self, path: str | None = None, page_size: str | None = None, dialog: Any = None) -> str | None:
        """Export the PDF report; without ``path`` a dialog asks for title, identifier, page size and file."""
        from .report_export import ReportExportDialog, default_page_size, write_report

        if path is None:
            suggested = str(Path(self._dialog_dir()) / f"{Path(self._display_name()).stem.split('.')[0] or 'case'}"
                                                       "-report.pdf")
            dlg = dialog or ReportExportDialog(self.case_title, self.identifier, suggested, self)
            if dialog is None and dlg.exec() != ReportExportDialog.DialogCode.Accepted:
                return None
            values = dlg.values()
            if not values["path"]:
                return None
            self.set_case_info(values["title"], values["identifier"])
            self.report_people = {k: v for k, v in values.get("people", {}).items() if v}
            path, page_size = values["path"], values["page_size"]
        try:
            out = write_report(self.current_case(), path, page_size or default_page_size(), self.report_people)
        except (SbrtCalcError, OSError) as exc:
            self.statusBar().showMessage(f"Report not written: {exc}", 10000)
            QMessageBox.warning(self, "Cannot export report", str(exc))
            return None
        self.statusBar().showMessage(f"Wrote the report {out.name}", 6000)
        return str(out)

    def export_csv(self, path: str | None = None) -> str | None:
        from .table_export import write_csv

        if path is None:
            suggested = str(Path(self._dialog_dir()) / f"{Path(self._display_name()).stem.split('.')[0] or 'case'}"
                                                       "-regimens.csv")
            path, _ = QFileDialog.getSaveFileName(self, "Export table as CSV", suggested, "CSV (*.csv)")
            if not path:
                return None
        try:
            out = write_csv(self.model, path)
        except OSError as exc:
            self.statusBar().showMessage(f"Not exported: {exc}", 10000)
            QMessageBox.warning(self, "Cannot export table", str(exc))
            return None
        self.statusBar().showMessage(f"Exported {out.name}", 4000)
        return str(out)

    def copy_selection(self) -> str:
        """Copy the selected rows (all rows if none) as tab-separated text with a header row."""
        from sbrt_calc.tables import evaluation_tsv

        rows = self.selected_rows() or None
        text = evaluation_tsv(self.model.evaluation(), rows, self.model.decimals)
        QApplication.clipboard().setText(text)
        n = len(rows) if rows else self.model.rowCount()
        self.statusBar().showMessage(f"Copied {n} row(s) with the header (paste into a spreadsheet)", 4000)
        return text

    # --- crash recovery ----------------------------------------------------------------------------------
    def check_recovery(self, policy: str | None = None) -> bool:
        """Offer to recover an autosave left by a crash. policy: 'ask', 'yes', 'no' (env SBRT_CALC_RECOVER)."""
        return self.document.check_recovery(policy or os.environ.get("SBRT_CALC_RECOVER", "ask"), self.recover)

    def recover(self, item: Recoverable) -> None:
        case = item.case
        self._set_case(replace(case, regimens=()), item.source_path)
        self.undo_stack.push(_replace_case_command(self, list(case.regimens), case.settings, "Recover autosave"))
        self.document.recovered(item)


def _replace_case_command(window: MainWindow, rows: list[CaseRegimen], new_settings: CaseSettings,
                          text: str) -> Any:
    from PySide6.QtGui import QUndoCommand

    class _ReplaceCase(QUndoCommand):
        def __init__(self) -> None:
            super().__init__(text)
            self.old = (window.model.rows(), window.model.settings())

        def redo(self) -> None:
            window.model.replace_all(rows, new_settings)
            window._sync_controls()

        def undo(self) -> None:
            window.model.replace_all(*self.old)
            window._sync_controls()

    return _ReplaceCase()
