"""The Plan check view: a DICOM plan's DVHs, organ limits with pass/fail and the name mapping.

Open the RT Dose, RT Structure Set and RT Plan one by one or a folder holding them; the core
(:func:`sbrt_calc.plancheck.grade.check_plan`) computes everything, this widget only shows it:
the DVH plot with the limits drawn (:mod:`sbrt_calc.plancheck.plotdata`), the table of limits
with pass/fail, the RTOG conformity grade and the structure-name mapping, whose edits re-run the
check. ``inputsChanged`` carries the new :class:`~sbrt_calc.plancheck.inputs.PlanCheckInputs`
(the case file's ``plan_check`` section) after every change. matplotlib is imported when the
first plan is shown.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.plancheck.inputs import DEFAULT_CONSTRAINT_SET, PlanCheckInputs, find_in_folder
from sbrt_calc.plancheck.names import PLAN_SITES
from sbrt_calc.regimen import fractions_text
from sbrt_calc.table import STATUS_COLOURS, Status

from .number_text import greek
from .result_pane import (
    add_result_tabs,
    add_status_rows,
    clear_results,
    keep_until_finished,
    show_headline,
    show_progress,
    show_running,
    show_tables,
    table_notes,
)
from .screen_fit import narrow_combos

#: The typed tables shown, by key: (tab title, tooltip).
TABS = (("plan_check_status", "Status", "What failed and what was not checked"),
        ("plan_check_flag", "Prescription", "The plan's prescription against the case: its planned regimen, the "
         "BED10 against the case's flag line and the BED at its tumour α/β (the case's evaluation)"),
        ("plan_check_coverage", "Coverage", "Target coverage (V100%, V90%) and quality indices"),
        ("plan_check_limits", "Limits", "Organ limits of the constraint set for the fraction count"),
        ("plan_check_conformity", "Conformity", "R100%, R50%, D2cm against the RTOG 0915/0813 table"),
        ("plan_check_structures", "Structures", "Volumes and doses of every structure"),
        ("plan_check_plan", "Plan", "Files, the prescription and where it was stated"),
        ("plan_check_warnings", "Warnings", "What was noticed while reading and checking"))


#: Tables whose last column holds sentences (wrapped rather than scrolled).
WRAPPED = ("plan_check_status", "plan_check_plan", "plan_check_warnings")


class _Cancelled(Exception):
    """Raised in the worker's progress callback when the check was cancelled."""


class CheckWorker(QThread):
    """Runs :func:`sbrt_calc.plancheck.grade.check_plan` off the GUI thread; ``progressed`` and ``done`` are
    delivered to the panel in the GUI thread (queued). ``cancel()`` stops it at the next structure."""

    progressed = Signal(int, int, str)
    done = Signal(int)  # the generation of the check

    def __init__(self, generation: int, inputs: PlanCheckInputs, planned: tuple[float, int] | None,
                 parent: Any = None, alpha_betas: Any = None, folder_found: Any = None) -> None:
        super().__init__(parent)
        self.generation = generation
        self.inputs = inputs
        self.planned = planned
        self.alpha_betas = alpha_betas
        #: what reading the inputs' folder found when it was chosen (None: check_plan reads it again)
        self.folder_found = folder_found
        self.result: Any = None
        self.error = ""
        self.cancelled = False
        self.thread_id: int | None = None
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    def _progress(self, done: int, total: int, what: str) -> None:
        if self._stop.is_set():
            raise _Cancelled
        self.progressed.emit(done, total, what)

    def run(self) -> None:
        from sbrt_calc.plancheck.grade import check_plan

        self.thread_id = threading.get_ident()
        try:
            self.result = check_plan(self.inputs, planned=self.planned, progress=self._progress,
                                     alpha_betas=self.alpha_betas, folder_found=self.folder_found)
        except _Cancelled:
            self.cancelled = True
        except SbrtCalcError as exc:
            self.error = str(exc)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash of the app
            self.error = f"unexpected error ({type(exc).__name__}: {exc})"
        self.done.emit(self.generation)


#: the plan check's command-line options as the Plan check view names them (issue 21)
APP_FIELDS = (("--prescription-gy", "Prescription"), ("--fractions", "Fractions"), ("--rtplan", "RT Plan…"),
              ("--rtdose", "RT Dose…"), ("--rtstruct", "RT Structure Set…"), ("--constraint-set", "Constraint set"),
              ("--site", "Site"), ("--target", "Target"))


def app_field_names(message: str) -> str:
    """``message`` with each command-line option replaced by the view's field ('--rtplan' -> '"RT Plan…"')."""
    for option, field in APP_FIELDS:
        message = message.replace(option, f"\u201c{field}\u201d")
    return message


class PlanCheckPanel(QWidget):
    """Open a DICOM plan, see its status, coverage, limits and DVHs, map structure names.

    The check runs in a :class:`CheckWorker` thread (progress bar, Cancel); :meth:`result` waits for a
    running check, so the window and the report always get the result of the current inputs.
    """

    inputsChanged = Signal(object)  # PlanCheckInputs
    checkFinished = Signal()  # a check ended (result, error or cancelled)

    def __init__(self, parent: QWidget | None = None, set_keys: tuple[str, ...] | None = None) -> None:
        super().__init__(parent)
        self._inputs: PlanCheckInputs | None = None
        self._result: Any = None
        self._files: dict[str, str] = {}
        self._dose_parts: tuple[str, ...] = ()
        # what reading the chosen folder found (files not read, doses skipped, objects not used): the core's
        # with_folder_reading carries it into a check of that folder's files (issue 17)
        self._folder: dict[str, Any] = {}
        self._planned: tuple[float, int] | None = None
        #: each structure's EQD2 alpha/beta (the case's: :meth:`set_alpha_betas`); None: the presets' values
        self._alpha_betas: Any = None
        #: the evaluation's "prescription against the case" table of the shown result (:meth:`set_case_table`)
        self._case_table: Any = None
        self._worker: CheckWorker | None = None
        self._generation = 0
        self._old_workers: list[CheckWorker] = []
        self.canvas: Any = None
        self.figure: Any = None
        self._building = False
        outer = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.folder_button = QPushButton("Open folder…")
        self.folder_button.setToolTip("A folder holding one RT Dose, one RT Structure Set and (optionally) one RT Plan")
        self.folder_button.clicked.connect(self._choose_folder)
        bar.addWidget(self.folder_button)
        self.file_buttons: dict[str, QPushButton] = {}
        for key, text in (("rtdose", "RT Dose…"), ("rtstruct", "RT Structure Set…"), ("rtplan", "RT Plan…")):
            b = QPushButton(text)
            b.clicked.connect(lambda _=False, k=key: self._choose_file(k))
            bar.addWidget(b)
            self.file_buttons[key] = b
        bar.addStretch(1)
        self.export_button = QPushButton("Export DVH (CSV)…")
        self.export_button.setToolTip("Cumulative DVHs of every structure, 0.1 Gy steps, volumes in cm³")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self._choose_export)
        bar.addWidget(self.export_button)
        outer.addLayout(bar)
        form = QFormLayout()
        self.set_combo = QComboBox()
        # each set by its title ("AAPM TG-101 (2010), Table III"), its key as the item's data and tooltip
        for key, title in (tuple((k, k) for k in set_keys) if set_keys else self._set_titles()):
            self.set_combo.addItem(title, key)
            self.set_combo.setItemData(self.set_combo.count() - 1, f"{title} (key {key})", Qt.ItemDataRole.ToolTipRole)
        # a title elided in the field only when the row has no room (a 1024-px window), whole in the list
        narrow_combos(self.set_combo, chars=12)
        self.set_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.set_combo.setMaximumWidth(self.set_combo.fontMetrics().horizontalAdvance("x" * 34))
        self.set_combo.setToolTip("The organ-limit set checked (the list shows each set's full title)")
        self.set_combo.setCurrentIndex(max(self.set_combo.findData(DEFAULT_CONSTRAINT_SET), 0))
        self.set_combo.currentIndexChanged.connect(self._options_changed)
        self.site_combo = QComboBox()
        self.site_combo.addItem("site not given", None)
        for site in PLAN_SITES:
            self.site_combo.addItem(site.replace("_", " "), site)
        self.site_combo.setToolTip("The target's site: the RTOG conformity table is graded at lung sites only (a "
                                   "reference elsewhere); the organs expected to be contoured follow the site; at "
                                   "the spine HyTEC's cord limits are checked beside the set")
        self.site_combo.currentIndexChanged.connect(self._options_changed)
        self.rx_spin = QDoubleSpinBox()
        self.rx_spin.setRange(0.0, 200.0)
        self.rx_spin.setDecimals(2)
        self.rx_spin.setSpecialValueText("from the RT Plan")
        self.rx_spin.setSuffix(" Gy")
        self.rx_spin.editingFinished.connect(self._options_changed)
        self.fx_spin = QSpinBox()
        self.fx_spin.setRange(0, 100)
        self.fx_spin.setSpecialValueText("from the RT Plan")
        self.fx_spin.editingFinished.connect(self._options_changed)
        self.target_combo = QComboBox()
        self.target_combo.currentIndexChanged.connect(self._options_changed)
        row = QHBoxLayout()
        for label, w in (("Constraint set:", self.set_combo), ("Site:", self.site_combo),
                         ("Prescription:", self.rx_spin), ("Fractions:", self.fx_spin),
                         ("Target:", self.target_combo)):
            row.addWidget(QLabel(label))
            row.addWidget(w)
        row.addStretch(1)
        form.addRow(row)
        outer.addLayout(form)
        # the headline: plain text (names from files are never read as markup), coloured by status
        rows = add_status_rows(outer, "Plan check status",
                               "Open a plan: RT Dose and RT Structure Set (and RT Plan for the prescription).",
                               self.cancel_check)
        self.headline, self.progress, self.cancel_button, self.status = (
            rows.headline, rows.progress, rows.cancel_button, rows.status)
        pane = add_result_tabs(outer, self, TABS, WRAPPED, plot_min_width_px=360, sizes_px=(560, 740))
        self.plot_holder, self.tabs, self.models, self.views, self.notes = (
            pane.plot_holder, pane.tabs, pane.models, pane.views, pane.notes)
        self.tabs.currentChanged.connect(lambda _i: self._show_notes())
        self.mapping_table = self._table(("Structure", "Type", "TG-263 name", "Matched by"))
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                           | QAbstractItemView.EditTrigger.EditKeyPressed
                                           | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.mapping_table.itemChanged.connect(self._mapping_edited)
        self.tabs.addTab(self.mapping_table, "Names (TG-263)")

    # --- API for the main window ---------------------------------------------------------------
    def inputs(self) -> PlanCheckInputs | None:
        """The current inputs (None until an RT Dose and an RT Structure Set are chosen)."""
        return self._inputs

    def result(self) -> Any:
        """The last :class:`~sbrt_calc.plancheck.grade.PlanCheckResult` (None before, or after an error or a
        cancel). A check still running is waited for (its result is then shown at once)."""
        w = self._worker
        if w is not None and w.generation == self._generation and not w.cancelled:
            w.wait()
            self._finish(w.generation)
        return self._result

    def shown_result(self) -> Any:
        """The result on screen now (None while a check runs, after an error or a cancel); never waits."""
        return self._result

    def is_running(self) -> bool:
        """True while a check runs in the worker thread."""
        return self._worker is not None and self._worker.isRunning()

    def set_case_regimen(self, regimen: tuple[float, int] | None, *, run: bool = True) -> None:
        """The case's planned regimen (total Gy, fractions): shown against the plan's prescription. A changed
        regimen re-runs the check of the current inputs unless ``run`` is False (new inputs follow)."""
        if regimen == self._planned:
            return
        self._planned = regimen
        if run and self._inputs is not None:
            self.run_check()

    def set_alpha_betas(self, alpha_betas: Any) -> None:
        """The alpha/beta of each structure's EQD2 (:class:`~sbrt_calc.plancheck.alpha_beta.StructureAlphaBetas`,
        the case's). A result on screen is converted again from the DVHs it holds (no file is read); a running
        check is started again with them."""
        if alpha_betas == self._alpha_betas:
            return
        self._alpha_betas = alpha_betas
        if self.is_running():
            self.run_check()
        elif self._result is not None and alpha_betas is not None:
            from sbrt_calc.plancheck.grade import with_alpha_betas

            self._result = with_alpha_betas(self._result, alpha_betas)
            self._show(self._result)
            self.checkFinished.emit()

    def set_case_table(self, table: Any) -> None:
        """Show the case's evaluation of the shown result (the core's
        :func:`~sbrt_calc.evaluation_tables.prescription_table`) on the Prescription tab; None clears it."""
        self._case_table = table
        self.models["plan_check_flag"].set_table(table if self._result is not None else None)

    def report_tables(self) -> tuple[Any, ...]:
        """The report section of the last result (the core's typed tables; empty when there is none)."""
        res = self.result()
        if res is None:
            return ()
        from sbrt_calc.plancheck.report import typed_tables

        return typed_tables(res)

    def export_dvh_csv(self, path: str) -> None:
        """Write the cumulative DVHs of the last result (the CLI's ``--dvh-csv`` table)."""
        from sbrt_calc.plancheck.dvh import dvh_csv_rows
        from sbrt_calc.tables import csv_text

        if self._result is None:
            return
        from sbrt_calc.atomic_write import write_text_atomic

        headers, rows = dvh_csv_rows([s.dose for s in self._result.structures])
        inputs = self._inputs
        sources = tuple(p for p in (inputs.rtdose, inputs.rtstruct, inputs.rtplan) if p) if inputs else ()
        # never over its own RT Dose / Structure Set / Plan, nor any file that is not a table (issue 20)
        write_text_atomic(path, csv_text(headers, rows), kind="csv", inputs=sources)

    def _choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export DVH", "dvh.csv", "CSV (*.csv)")
        if path:
            try:
                self.export_dvh_csv(path)
            except (OSError, SbrtCalcError) as exc:
                self._error(f"Cannot write {path}: {getattr(exc, 'strerror', None) or exc}")

    def set_inputs(self, inputs: PlanCheckInputs | None, *, emit: bool = False) -> None:
        """Show a case's plan check (from the case file); starts the check."""
        self._inputs = inputs
        if self._folder and (inputs is None or inputs.folder is None
                             or (inputs.rtdose, inputs.rtstruct) != (self._folder.get("rtdose"),
                                                                     self._folder.get("rtstruct"))):
            self._folder = {}   # another plan's files: what reading the folder found no longer applies
        if inputs is not None:
            self._files = {"rtdose": inputs.rtdose, "rtstruct": inputs.rtstruct}
            self._dose_parts = inputs.rtdose_parts
            if inputs.rtplan:
                self._files["rtplan"] = inputs.rtplan
            self._building = True
            self.set_combo.setCurrentIndex(max(self.set_combo.findData(inputs.constraint_set), 0))
            self.site_combo.setCurrentIndex(max(self.site_combo.findData(inputs.site), 0))
            self.rx_spin.setValue(inputs.prescription_gy or 0.0)
            self.fx_spin.setValue(inputs.fractions or 0)
            self._building = False
        self.run_check()
        if emit and inputs is not None:
            self.inputsChanged.emit(inputs)

    def run_check(self) -> None:
        """Start the core's check of the current inputs in a worker thread (a running one is cancelled)."""
        self._result = None
        self.export_button.setEnabled(False)
        self.cancel_check(quiet=True)
        self._generation += 1
        if self._inputs is None:
            self._clear()
            return
        self._clear()  # no result of other inputs stays on screen while this one runs
        # the folder's reading when it was chosen; a case reopened (no reading yet): check_plan reads it again
        w = CheckWorker(self._generation, self._inputs, self._planned, alpha_betas=self._alpha_betas,
                        folder_found=self._folder or None)
        w.progressed.connect(self._progressed)
        w.done.connect(self._finish)
        self._worker = w
        show_running(self.progress, self.cancel_button, self.status, "reading the files",
                     "Checking the plan… (the window stays usable; Cancel stops the check)")
        w.start()

    def cancel_check(self, quiet: bool = False) -> None:
        """Stop the running check (it ends at the next structure); the panel shows nothing for it."""
        w = self._worker
        if w is None:
            return
        w.cancel()
        keep_until_finished(w, self._old_workers)
        self._worker = None
        self._generation += 1
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        if not quiet:
            self._clear()
            self.status.setText("Check cancelled.")
            self.checkFinished.emit()

    def _progressed(self, done: int, total: int, what: str) -> None:
        show_progress(self.progress, done, total, what)

    def _finish(self, generation: int) -> None:
        w = self._worker
        if w is None or generation != self._generation or w.generation != generation:
            return  # an older (cancelled) check, or already shown
        self._worker = None
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        if w.cancelled:
            self._clear()
            self.status.setText("Check cancelled.")
        elif w.error:
            self._clear()
            self._error(f"Cannot check this plan: {w.error}")
        else:
            self._result = w.result   # with what reading its folder found (check_plan: inputs.folder)
            self.export_button.setEnabled(True)
            self._show(self._result)
        self.checkFinished.emit()

    def _error(self, message: str) -> None:
        # the core's messages name the command line's options; the app names its own fields (issue 21), and a
        # failed check leaves no previous plan's names on the Names tab
        self.status.setText(greek(app_field_names(message)))
        self.mapping_table.setRowCount(0)
        self.status.setStyleSheet(f"color: {STATUS_COLOURS[Status.FAIL][0]}; font-weight: bold")

    # --- choosing files ------------------------------------------------------------------------
    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder with RT Dose, RT Structure Set, RT Plan")
        if folder:
            self.open_folder(folder)

    def open_folder(self, folder: str) -> None:
        try:
            found = find_in_folder(folder)
        except SbrtCalcError as exc:
            self._error(str(exc))
            return
        self._folder = dict(found)
        self._dose_parts = tuple(found.pop("rtdose_parts", ()))
        self._files = {k: found[k] for k in ("rtdose", "rtstruct", "rtplan") if k in found}
        self._update_inputs(target=None, targets=(), folder=folder)

    def _choose_file(self, key: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, f"Choose the {key.upper()} file", "", "DICOM (*.dcm);;All files (*)")
        if path:
            self.open_file(key, path)

    def open_file(self, key: str, path: str) -> None:
        self._files[key] = path
        self._folder = {}
        if key == "rtdose":
            self._dose_parts = ()
        self._update_inputs(target=None, targets=(), folder=None)

    def _update_inputs(self, **changes: Any) -> None:
        if "rtdose" not in self._files or "rtstruct" not in self._files:
            missing = [k.upper() for k in ("rtdose", "rtstruct") if k not in self._files]
            self.status.setStyleSheet("")
            self.status.setText(f"Still to choose: {', '.join(missing)}.")
            return
        base = self._inputs or PlanCheckInputs(self._files["rtdose"], self._files["rtstruct"])
        try:
            new = replace(base, rtdose=self._files["rtdose"], rtstruct=self._files["rtstruct"],
                          rtdose_parts=self._dose_parts, rtplan=self._files.get("rtplan"),
                          constraint_set=self.set_combo.currentData() or DEFAULT_CONSTRAINT_SET,
                          site=self.site_combo.currentData(), prescription_gy=self.rx_spin.value() or None,
                          fractions=self.fx_spin.value() or None, **changes)
        except SbrtCalcError as exc:
            self._error(str(exc))
            return
        self.set_inputs(new, emit=True)

    def _options_changed(self, *_: Any) -> None:
        if self._building or self._inputs is None:
            return
        target = self.target_combo.currentData()
        if target == "all":
            self._update_inputs(target=None, targets=("all",))
        else:
            self._update_inputs(target=target or None, targets=())

    def _mapping_edited(self, item: QTableWidgetItem) -> None:
        if self._building or self._inputs is None or item.column() != 2:
            return
        cell = self.mapping_table.item(item.row(), 0)
        if cell is None:
            return
        name = cell.text()
        mapping = self._inputs.mapping
        mapping[name] = item.text().strip()
        self._update_inputs(name_mapping=tuple(sorted(mapping.items())))

    # --- showing -------------------------------------------------------------------------------
    @staticmethod
    def _set_titles() -> tuple[tuple[str, str], ...]:
        """(key, title) of every constraint set of the presets (the Planning view names them so too)."""
        try:
            from sbrt_calc.presets.loader import active_presets

            return tuple((s.key, s.name) for s in active_presets().constraint_sets)
        except SbrtCalcError:
            return ((DEFAULT_CONSTRAINT_SET, DEFAULT_CONSTRAINT_SET),)

    @staticmethod
    def _table(headers: tuple[str, ...]) -> QTableWidget:
        t = QTableWidget(0, len(headers))
        t.setHorizontalHeaderLabels(list(headers))
        t.verticalHeader().setVisible(False)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        t.horizontalHeader().setStretchLastSection(True)
        t.setAlternatingRowColors(True)
        return t

    def table(self, key: str) -> Any:
        """The typed table shown under ``key`` (``plan_check_limits``, ...), or None."""
        return self.models[key].table if key in self.models else None

    def _show_notes(self) -> None:
        view = self.tabs.currentWidget()
        key = next((k for k, v in self.views.items() if v is view), None)
        self.notes.setText(table_notes(self.table(key) if key else None))

    def _clear(self) -> None:
        clear_results(self.models, self.headline, self.notes)
        if self.figure is not None:
            self.figure.clear()
            self.canvas.draw_idle()

    def _show(self, res: Any) -> None:
        from sbrt_calc.plancheck.report import banner, status_below_headline, typed_tables

        tables = {t.key: t for t in typed_tables(res)}
        # the headline label above says the status: the Status tab lists what failed and what was not checked
        tables["plan_check_status"] = status_below_headline(tables["plan_check_status"])
        if self._case_table is not None:
            tables["plan_check_flag"] = self._case_table
        show_tables(self.models, self.views, tables, WRAPPED)
        show_headline(self.headline, *banner(res))
        self._show_notes()
        self._building = True
        self.mapping_table.setRowCount(len(res.structures))
        for i, s in enumerate(res.structures):
            for c, text in enumerate((s.name, s.roi_type, s.tg263_name or "", s.how_matched)):
                item = QTableWidgetItem(text)
                if c != 2:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                elif not text:
                    item.setBackground(QBrush(QColor(STATUS_COLOURS[Status.INCOMPLETE][1])))
                    item.setToolTip("No TG-263 name matched: type one (e.g. SpinalCord) so its limits are checked")
                self.mapping_table.setItem(i, c, item)
        current = res.inputs.target if res.inputs.target else ("all" if res.inputs.targets == ("all",) else
                                                              res.target.name)
        self.target_combo.clear()
        ptvs = [t.name for t in res.targets]
        for s in res.structures:
            self.target_combo.addItem(s.name, s.name)
        if len([s for s in res.structures if s.roi_type.upper() == "PTV"]) > 1 or len(ptvs) > 1:
            self.target_combo.addItem("all PTVs", "all")
        self.target_combo.setCurrentIndex(max(self.target_combo.findData(current), 0))
        self._building = False
        p = res.plan
        lines = [f"{Path(res.inputs.rtdose).name}: {p.prescription_gy:g} Gy in {p.fractions} "
                 f"fraction{'' if p.fractions == 1 else 's'} "
                 f"({p.prescription_source}); target{'s' if len(ptvs) > 1 else ''} {', '.join(ptvs)}; site "
                 f"{(res.site or 'not given').replace('_', ' ')}."]
        for src in res.prescription_sources[1:]:
            if src.status in ("differs", "warning"):
                lines.append(f"⚠ {src.note}")
            elif src.source == "case regimen":
                lines.append(f"The case's planned regimen {src.total_dose_gy:g} Gy in {fractions_text(src.fractions)}: agrees.")
        if res.unmatched:
            lines.append(f"Unmatched names: {', '.join(res.unmatched)} (see Names).")
        self.status.setStyleSheet("")
        self.status.setText(greek("\n".join(lines)))
        self._plot(res)

    def _ensure_canvas(self) -> None:
        if self.canvas is not None:
            return
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(5, 4), layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setAccessibleName("DVH plot")
        holder = self.plot_holder.layout()
        assert holder is not None   # made with the panel
        holder.addWidget(self.canvas)

    def _plot(self, res: Any) -> None:
        from sbrt_calc.plancheck.plotdata import draw_dvh

        self._ensure_canvas()
        self.figure.clear()
        draw_dvh(self.figure, res)
        self.canvas.draw_idle()
