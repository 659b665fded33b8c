"""The case's files: new, open (saved case or eligibility TOML), save, recent files, the window title,
case details, RT Plan import, the report, CSV, the clipboard, the figure, and crash recovery.

How a case reaches the disk (the path, saving, the on-disk check, the lock, the autosave) is the
document's (:class:`~.case_document.CaseDocument`); what the case is, is the case state's
(:class:`~.case_state.CaseState`). This object shows a case (rows, settings, sections) and asks both.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu

from sbrt_calc import __version__
from sbrt_calc.case import Case, CaseError, CaseRegimen, CaseSettings
from sbrt_calc.errors import SbrtCalcError

from . import settings
from .autosave import Recoverable
from .case_document import CaseDocument
from .case_state import CaseState
from .commands import TitleCommand, ValueCommand
from .regimen_table_model import RegimenTableModel
from .row_actions import RowActions, default_rows
from .settings_actions import SettingsActions
from .tabs_controller import TabsController, check_section
from .window_common import FILE_FILTER
from .workbench import Workbench

Status = Callable[[str, int], None]


class FileActions:
    """See the module docstring. ``window``: the main window (its title, dialogs)."""

    def __init__(self, state: CaseState, model: RegimenTableModel, undo_stack: QUndoStack, document: CaseDocument,
                 tabs: TabsController, rows: RowActions, controls: SettingsActions, bench: Workbench,
                 status: Status, window: QMainWindow) -> None:
        self.state = state
        self.model = model
        self.undo_stack = undo_stack
        self.document = document
        self.tabs = tabs
        self.rows = rows
        self.controls = controls
        self.bench = bench
        self.status = status
        self.window = window
        #: what the last new case could not take from the preferences (see settings.new_case_settings)
        self.refused_preferences: list[str] = []
        # filled when it is about to open (and with the window's actions: see main_window's docstring)
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.aboutToShow.connect(self.fill_recent)
        document.saved.connect(self.update_title)
        state.observe(self._state_changed)
        # the undo stack's signals are wired by the window (to its own slots: Qt drops them with it, while
        # the stack, its child, may still signal during the window's destruction): see stack_changed

    # --- showing a case ------------------------------------------------------------------------------
    def new_case(self, ask: bool = True) -> bool:
        if ask and not self.maybe_save():
            return False
        defaults, refused = settings.new_case_settings()
        self.refused_preferences = refused
        self.show_case(Case("Untitled case", None, tuple(default_rows()), defaults, {}), None)
        if refused:   # a stored preference the core refuses: that one is not used, and the user is told
            self.status(" ".join(refused), 20000)
        else:
            self.status("New case: 36 Gy/3 and common alternatives", 4000)
        return True

    def show_case(self, case: Case, path: str | None, checked: bool = False) -> None:
        """Show ``case``; ``checked``: its sections were validated already (:func:`check_sections`)."""
        self.model.replace_all(list(case.regimens), case.settings)
        self.state.load_details(case)
        self.tabs.load_sections(path, checked)
        self.file_path = path
        self.undo_stack.clear()
        self.undo_stack.setClean()
        # replace_all (with settings) has emitted contentChanged (banner) and settingsChanged (controls)
        self.update_title()
        if self.model.rowCount():
            self.bench.select_row(0)

    def open_path(self, path: str, ask: bool = True) -> bool:
        """Open a case file (errors reported in a message box and the status bar, never raised)."""
        if ask and not self.maybe_save():
            return False
        from sbrt_calc.case_sections import load_any_case

        try:
            case = load_any_case(path)
            check_sections(case, path)
        except CaseError as exc:
            from PySide6.QtWidgets import QMessageBox

            self.status(f"Could not open: {exc.message}", 10000)
            QMessageBox.warning(self.window, "Cannot open case", exc.message)
            return False
        saved = Path(path).suffix.lower() != ".toml"
        # an eligibility case (TOML) opens as a new case: Save asks where to write the JSON case file
        self.show_case(case, str(Path(path).resolve()) if saved else None, checked=True)
        self.document.autosaver.clear()
        not_saved = ""
        try:
            settings.add_recent_file(path)
        except settings.PreferencesNotSaved as exc:   # said, not dropped (issue 20)
            not_saved = f"; {exc.message}"
        if not saved:
            self.window.setWindowModified(True)
        self.status(f"Opened {Path(path).name}" + ("" if saved else
                    " (an eligibility case: save it as a case file to keep your work)") + not_saved,
                    15000 if not_saved else 6000)
        return True

    def open_dialog(self) -> bool:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(self.window, "Open case", self.dialog_dir(), FILE_FILTER)
        return bool(path) and self.open_path(path)

    def dialog_dir(self) -> str:
        if self.file_path:
            return str(Path(self.file_path).parent)
        recent = settings.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    def fill_recent(self) -> None:
        self.recent_menu.clear()
        files = settings.recent_files()
        for i, f in enumerate(files):
            a = self.recent_menu.addAction(f"&{i + 1} {Path(f).name}")
            a.setToolTip(f)
            a.setStatusTip(f)
            a.triggered.connect(lambda _c=False, p=f: self.open_path(p))
        if not files:
            self.recent_menu.addAction("(no recent files)").setEnabled(False)

    # --- the path and saving (the document's) --------------------------------------------------------
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

    # --- the title and the case's details -----------------------------------------------------------
    def display_name(self) -> str:
        return Path(self.file_path).name if self.file_path else self.state.title

    def update_title(self, *_: Any) -> None:
        self.window.setWindowTitle(f"{self.display_name()}[*] — sbrt-calc {__version__}")
        self.window.setWindowModified(not self.undo_stack.isClean())

    def _state_changed(self, change: str) -> None:
        if change == "info":
            self.update_title()

    def stack_changed(self) -> None:
        """An edit was done, undone or saved: the title's modified mark, the autosave."""
        self.update_title()
        self.document.edited()

    def edit_title(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(self.window, "Case title", "Title:", text=self.state.title)
        if ok and text.strip() and text.strip() != self.state.title:
            self.undo_stack.push(TitleCommand(self.state.set_title, self.state.title, text.strip()))

    def set_case_info(self, title: str, identifier: str | None) -> None:
        """Change the case title and identifier (one undo command)."""
        new = (title.strip() or self.state.title, (identifier or "").strip() or None)
        old = (self.state.title, self.state.identifier)
        if new != old:
            self.undo_stack.push(ValueCommand(self.state.set_info, old, new, "Case details"))  # type: ignore[arg-type]

    def set_people(self, people: dict[str, str]) -> None:
        """Change the report's people fields, saved with the case (one undo command; the case is then modified)."""
        new = {k: v.strip() for k, v in people.items() if v and v.strip()}
        old = dict(self.state.report_people)
        if new != old:
            self.undo_stack.push(ValueCommand(self.state.set_people, old, new, "Report people"))  # type: ignore[arg-type]

    # --- RT Plan, report, CSV, clipboard, figure -----------------------------------------------------
    def import_rtplan(self, path: str | None = None) -> bool:
        """Read a DICOM RT Plan's prescription, add it to the table and plan it (errors reported, never raised)."""
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        from sbrt_calc.plancheck.rtplan import read_prescription

        if path is None:
            path, _ = QFileDialog.getOpenFileName(self.window, "Import RT Plan", self.dialog_dir(),
                                                  "DICOM RT Plan (*.dcm *.DCM);;All files (*)")
            if not path:
                return False
        try:
            reg = read_prescription(path)
        except SbrtCalcError as exc:
            self.status(f"Not imported: {exc}", 10000)
            QMessageBox.warning(self.window, "Cannot import RT Plan", str(exc))
            return False
        old = self.tabs.planning.inputs
        self.undo_stack.beginMacro(f"Import RT Plan {reg.label}")
        try:
            self.rows.add_rows([CaseRegimen.from_regimen(reg, note=f"RT Plan {Path(path).name}")],
                               "Add RT Plan prescription")
            self.tabs.plan_regimen(reg, old, "Planning: regimen")
        finally:
            self.undo_stack.endMacro()
        self.tabs.tabs.setCurrentWidget(self.tabs.planning)
        self.status(f"Imported {reg.total_dose_gy:g} Gy in {reg.fractions} from {Path(path).name}", 6000)
        return True

    def _suggested(self, tail: str) -> str:
        """The file an export proposes: beside the saved case, else in the documents folder (never the folder of an
        example that was opened); a plain name from the case file's or the title's (``<name><tail>``)."""
        folder = Path(self.file_path).parent if self.file_path else settings.documents_dir()
        return str(folder / f"{settings.plain_file_stem(self.display_name())}{tail}")

    def export_report(self, path: str | None = None, page_size: str | None = None, dialog: Any = None) -> str | None:
        """Export the PDF report; without ``path`` a dialog asks for title, identifier, page size and file."""
        from PySide6.QtWidgets import QMessageBox

        from .report_export import ReportExportDialog, default_page_size, write_report

        if path is None:
            dlg = dialog or ReportExportDialog(self.state.title, self.state.identifier, self._suggested("-report.pdf"),
                                               self.window, people=self.state.report_people)
            if dialog is None and dlg.exec() != ReportExportDialog.DialogCode.Accepted:
                return None
            values = dlg.values()
            if not values["path"]:
                return None
            self.undo_stack.beginMacro("Report details")
            try:
                self.set_case_info(values["title"], values["identifier"])
                self.set_people(values.get("people", {}))
            finally:
                self.undo_stack.endMacro()
            path, page_size = values["path"], values["page_size"]
        try:
            out = write_report(self.state.case(), path, page_size or default_page_size(), self.state.report_people,
                               plan_check=self.tabs.plan_check_result(),
                               reirradiation=self.tabs.reirradiation_evaluation())
        except (SbrtCalcError, OSError) as exc:
            self.status(f"Report not written: {exc}", 10000)
            QMessageBox.warning(self.window, "Cannot export report", str(exc))
            return None
        self.status(f"Wrote the report {out.name}", 6000)
        return str(out)

    def export_csv(self, path: str | None = None) -> str | None:
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        from .table_export import write_csv

        if path is None:
            path, _ = QFileDialog.getSaveFileName(self.window, "Export table as CSV", self._suggested("-regimens.csv"),
                                                  "CSV (*.csv)")
            if not path:
                return None
        try:
            out = write_csv(self.model, path)
        except OSError as exc:
            self.status(f"Not exported: {exc}", 10000)
            QMessageBox.warning(self.window, "Cannot export table", str(exc))
            return None
        self.status(f"Exported {out.name}", 4000)
        return str(out)

    def copy_selection(self) -> str:
        """Copy the selected rows (all rows if none) as tab-separated text with a header row."""
        from sbrt_calc.tables import evaluation_tsv

        rows = self.bench.selected_rows() or None
        text = evaluation_tsv(self.model.evaluation(), rows, self.model.decimals)
        QApplication.clipboard().setText(text)
        n = len(rows) if rows else self.model.rowCount()
        self.status(f"Copied {n} row(s) with the header (paste into a spreadsheet)", 4000)
        return text

    def export_figure(self, path: str | None = None) -> str | None:
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        if path is None:
            suggested = self._suggested("-bed10.png")
            path, _ = QFileDialog.getSaveFileName(self.window, "Export figure", suggested,
                                                  "PNG image (*.png);;SVG (*.svg);;PDF (*.pdf)")
            if not path:
                return None
        try:
            out = self.bench.plot.export(path)
        except (ValueError, OSError) as exc:
            self.status(f"Not exported: {exc}", 8000)
            QMessageBox.warning(self.window, "Cannot export figure", str(exc))
            return None
        self.status(f"Exported {out.name}", 4000)
        return str(out)

    # --- crash recovery ------------------------------------------------------------------------------
    def check_recovery(self, policy: str | None = None) -> bool:
        """Offer to recover an autosave left by a crash. policy: 'ask', 'yes', 'no' (env SBRT_CALC_RECOVER)."""
        return self.document.check_recovery(policy or os.environ.get("SBRT_CALC_RECOVER", "ask"), self.recover)

    def recover(self, item: Recoverable) -> None:
        case = item.case
        self.show_case(replace(case, regimens=()), item.source_path)
        self.undo_stack.push(_ReplaceCase(self.model, self.controls, list(case.regimens), case.settings,
                                          "Recover autosave"))
        self.document.recovered(item)


def check_sections(case: Case, path: str) -> None:
    """Validate the eligibility and planning sections (CaseError naming the file and the key path)."""
    for key in ("eligibility", "planning"):
        if case.sections.get(key):
            check_section(key, case.sections[key], path)


class _ReplaceCase(QUndoCommand):
    """The recovered rows and settings, as one undo step over the case shown without them."""

    def __init__(self, model: RegimenTableModel, controls: SettingsActions, rows: list[CaseRegimen],
                 new_settings: CaseSettings, text: str) -> None:
        super().__init__(text)
        self.model, self.controls, self.rows, self.new_settings = model, controls, rows, new_settings
        self.old = (model.rows(), model.settings())

    def redo(self) -> None:
        self.model.replace_all(self.rows, self.new_settings)
        self.controls.sync_controls()

    def undo(self) -> None:
        self.model.replace_all(*self.old)
        self.controls.sync_controls()
