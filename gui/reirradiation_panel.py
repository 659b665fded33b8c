"""The Re-irradiation view (issue 22): courses summed voxel by voxel in EQD2, cumulative limits graded, the largest
new course that fits, the summed map exported.

Add the courses (each RT Dose with its fraction count; oldest first, the new course last), the new course's RT
Structure Set and, when an earlier course is on another frame of reference, a rigid DICOM Spatial Registration.
The core (:func:`sbrt_calc.reirradiation.inputs.run`) computes everything in a worker thread (the plan check's
:class:`~.plan_check_panel.CheckWorker`, with its progress bar and Cancel); this widget only shows it: the
cumulative DVH with the limits (:func:`sbrt_calc.reirradiation.tables.draw_cumulative_dvh`), the limits, the
largest new course, the structures' alpha/beta, the courses and the assumptions (the core's typed tables).
``inputsChanged`` carries the new :class:`~sbrt_calc.reirradiation.inputs.ReirradiationInputs` (the case file's
``reirradiation`` section) after every change. Errors are shown inline, never in a dialog.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.reirradiation.inputs import CourseInput, ReirradiationInputs
from sbrt_calc.table import STATUS_COLOURS, Status

from .number_text import greek
from .plan_check_panel import CheckWorker, _Cancelled
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

#: The typed tables shown, by key: (tab title, tooltip).
TABS = (("reirradiation_limits", "Limits", "Cumulative limits: pass/fail/incomplete, and across α/β and model"),
        ("reirradiation_largest", "Largest new course", "The largest scale of the new plan's dose that fits, per "
                                                          "fraction count"),
        ("reirradiation_structures", "Structures (α/β)", "Each structure's α/β, why, and its cumulative EQD2"),
        ("reirradiation_courses", "Courses", "The courses read, their frames of reference and grids"),
        ("reirradiation_assumptions", "Assumptions", "The assumptions, word for word"))
WRAPPED = ("reirradiation_limits", "reirradiation_assumptions")


class ReirradiationWorker(CheckWorker):
    """The plan check's worker (progress, cancel, queued ``done``) running the re-irradiation instead."""

    def run(self) -> None:
        from sbrt_calc.reirradiation.inputs import run

        self.thread_id = threading.get_ident()
        try:
            self.result = run(cast(Any, self.inputs), progress=self._progress)  # inputs: ReirradiationInputs
        except _Cancelled:
            self.cancelled = True
        except SbrtCalcError as exc:
            self.error = exc.message
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash of the app
            self.error = f"unexpected error ({type(exc).__name__}: {exc})"
        self.done.emit(self.generation)


def parse_fraction_counts(text: str) -> tuple[int, ...]:
    """'1 3 5' or '1, 3, 5' -> (1, 3, 5); SbrtCalcError naming the value otherwise (1-100 each)."""
    from sbrt_calc.reirradiation.courses import MAX_FRACTIONS

    out = []
    for part in text.replace(",", " ").replace(";", " ").split():
        if not part.isdigit() or not 1 <= int(part) <= MAX_FRACTIONS:
            raise SbrtCalcError(f"fraction counts for the largest new course: {part!r} is not a whole number from 1 "
                                f"to {MAX_FRACTIONS} (write e.g. 1 3 5)", field="fractions_new", value=part,
                                allowed=f"whole numbers 1-{MAX_FRACTIONS}")
        if int(part) not in out:
            out.append(int(part))
    return tuple(out)


def short_path(path: str) -> str:
    """The file's folder and name ('2024/RD.dcm'): courses exported by one system often share a file name."""
    p = Path(path)
    return str(Path(p.parent.name) / p.name) if p.parent.name else p.name


class ReirradiationPanel(QWidget):
    """See the module docstring."""

    inputsChanged = Signal(object)  # ReirradiationInputs or None
    checkFinished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._inputs = ReirradiationInputs()
        self._result: Any = None
        self._result_inputs: ReirradiationInputs | None = None
        self._worker: ReirradiationWorker | None = None
        self._old_workers: list[ReirradiationWorker] = []
        self._generation = 0
        self._building = False
        self.canvas: Any = None
        self.figure: Any = None
        outer = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.add_button = QPushButton("Add course…")
        self.add_button.setToolTip("An RT Dose of a course; add the oldest first: the last course is the new one")
        self.add_button.clicked.connect(self._choose_course)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected course")
        self.remove_button.clicked.connect(self._remove_selected)
        self.rtplan_button = QPushButton("Course's RT Plan…")
        self.rtplan_button.setToolTip("The selected course's RT Plan (the last course when none is selected): its "
                                      "fraction count and prescription fill the course's row, and the case keeps "
                                      "which plan they came from")
        self.rtplan_button.clicked.connect(self._choose_course_rtplan)
        self.rtstruct_button = QPushButton("RT Structure Set…")
        self.rtstruct_button.setToolTip("The new course's RT Structure Set")
        self.rtstruct_button.clicked.connect(self._choose_rtstruct)
        self.registration_button = QPushButton("Registration…")
        self.registration_button.setToolTip("A rigid DICOM Spatial Registration relating an earlier course's frame "
                                            "of reference to the new course's (deformable ones are refused)")
        self.registration_button.clicked.connect(self._choose_registration)
        self.export_dose_button = QPushButton("Export EQD2 RT Dose…")
        self.export_dose_button.setToolTip("The summed EQD2 map as an RT Dose on the new course's frame of reference")
        self.export_dose_button.clicked.connect(self._choose_export_dose)
        self.export_csv_button = QPushButton("Export DVH (CSV)…")
        self.export_csv_button.setToolTip("The cumulative EQD2 DVHs, 0.1 Gy steps, volumes in cm³")
        self.export_csv_button.clicked.connect(self._choose_export_csv)
        for b in (self.add_button, self.remove_button, self.rtplan_button, self.rtstruct_button,
                  self.registration_button):
            bar.addWidget(b)
        bar.addStretch(1)
        for b in (self.export_dose_button, self.export_csv_button):
            b.setEnabled(False)
            bar.addWidget(b)
        outer.addLayout(bar)
        self.courses_table = QTableWidget(0, 4)
        self.courses_table.setHorizontalHeaderLabels(["Course (RT Dose)", "Fractions", "Prescription [Gy]", "Role"])
        self.courses_table.setAccessibleName("Courses")
        self.courses_table.setToolTip("Oldest first, the new course last. Fractions: the count the course was (or "
                                      "will be) given in. Prescription: only for a relative dose grid.")
        self.courses_table.verticalHeader().setVisible(False)
        self.courses_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.courses_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.courses_table.setMaximumHeight(96)
        self.courses_table.itemChanged.connect(self._course_edited)
        outer.addWidget(self.courses_table)
        self.files_label = QLabel("")
        self.files_label.setTextFormat(Qt.TextFormat.PlainText)
        self.files_label.setWordWrap(True)
        outer.addWidget(self.files_label)
        row = QHBoxLayout()
        self.fractions_edit = QLineEdit()
        self.fractions_edit.setPlaceholderText("e.g. 1 3 5")
        self.fractions_edit.setToolTip("Fraction counts for which the largest new course that fits is searched")
        self.fractions_edit.setMaximumWidth(110)
        self.fractions_edit.editingFinished.connect(self._options_changed)
        self.interval_spin = QDoubleSpinBox()
        self.interval_spin.setRange(-1.0, 600.0)
        self.interval_spin.setDecimals(1)
        self.interval_spin.setSpecialValueText("not given")
        self.interval_spin.setValue(-1.0)
        self.interval_spin.setSuffix(" months")
        self.interval_spin.setToolTip("Months since the previous course (checked against the limit's minimum; not "
                                      "given: the limit is incomplete)")
        self.interval_spin.editingFinished.connect(self._options_changed)
        self.model_combo = QComboBox()
        self.model_combo.addItem("LQ", "lq")
        self.model_combo.addItem("LQ-L", "lql")
        self.model_combo.setToolTip("Model of the summed map and the DVHs; limits are graded in LQ (their scale) and "
                                    "checked under LQ-L too")
        self.model_combo.currentIndexChanged.connect(self._options_changed)
        self.no_plan_check = QCheckBox("No new plan yet")
        self.no_plan_check.setToolTip("Every course is an earlier one: the limits are graded on their cumulative dose "
                                      "and the largest new course is the largest uniform prescription to the target "
                                      "(every structure typed or named PTV)")
        self.no_plan_check.toggled.connect(self._options_changed)
        self.target_combo = QComboBox()
        self.target_combo.setToolTip("The target of the uniform prescription (no new plan yet)")
        self.target_combo.addItem("every PTV", None)
        self.target_combo.currentIndexChanged.connect(self._options_changed)
        self.target_label = QLabel("Target:")
        for label, w in (("Largest new course in:", self.fractions_edit), ("fractions   Interval:", self.interval_spin),
                         ("Model:", self.model_combo)):
            row.addWidget(QLabel(label))
            row.addWidget(w)
        row.addWidget(self.no_plan_check)
        row.addWidget(self.target_label)
        row.addWidget(self.target_combo)
        row.addStretch(1)
        outer.addLayout(row)
        rows = add_status_rows(outer, "Re-irradiation status", "", self.cancel)
        self.headline, self.progress, self.cancel_button, self.status = (
            rows.headline, rows.progress, rows.cancel_button, rows.status)
        pane = add_result_tabs(outer, self, TABS, WRAPPED, plot_min_width_px=300, sizes_px=(460, 840))
        self.plot_holder, self.tabs, self.models, self.views, self.notes = (
            pane.plot_holder, pane.tabs, pane.models, pane.views, pane.notes)
        self.tabs.currentChanged.connect(lambda _i: self._show_notes())
        self._show_inputs()

    # --- API for the main window -------------------------------------------------------------------
    def inputs(self) -> ReirradiationInputs:
        """The current courses and choices (possibly incomplete)."""
        return self._inputs

    def result(self) -> Any:
        """The last :class:`~sbrt_calc.reirradiation.evaluate.ReirradiationResult` (None before, or after an error
        or a cancel). A run in progress is waited for."""
        w = self._worker
        if w is not None and w.generation == self._generation and not w.cancelled:
            w.wait()
            self._finish(w.generation)
        return self._result

    def evaluation(self) -> Any:
        """The view's result as the evaluation's section (:class:`sbrt_calc.evaluation_reirradiation.
        ReirradiationEvaluation`) for the report, or None when there is no result of the current inputs."""
        res = self.result()
        if res is None or self._result_inputs != self._inputs:
            return None
        from sbrt_calc.evaluation_reirradiation import ReirradiationEvaluation

        return ReirradiationEvaluation(self._inputs, res)

    def is_running(self) -> bool:
        return self._worker is not None and self._worker.isRunning()

    def table(self, key: str) -> Any:
        """The typed table shown under ``key`` (``reirradiation_limits``, ...), or None."""
        return self.models[key].table if key in self.models else None

    def set_inputs(self, inputs: ReirradiationInputs | None, *, emit: bool = False) -> None:
        """Show a case's courses and choices (from the case file, or an edit) and start the evaluation when they
        are complete."""
        self._inputs = inputs if inputs is not None else ReirradiationInputs()
        self._show_inputs()
        self.run()
        if emit:
            self.inputsChanged.emit(self._inputs if (self._inputs.courses or self._inputs.rtstruct) else None)

    def run(self) -> None:
        """Start the core's evaluation of the current inputs in a worker thread (a running one is cancelled)."""
        self._result = None
        self._result_inputs = None
        self._set_exports(False)
        self.cancel(quiet=True)
        self._generation += 1
        self._clear()
        missing = self._inputs.missing
        if missing:
            self.status.setStyleSheet("")
            self.status.setText(f"Still needed: {missing}.")
            return
        w = ReirradiationWorker(self._generation, cast(Any, self._inputs), None)
        w.progressed.connect(self._progressed)
        w.done.connect(self._finish)
        self._worker = w
        show_running(self.progress, self.cancel_button, self.status, "reading the courses",
                     "Summing the courses… (the window stays usable; Cancel stops it)")
        w.start()

    def cancel(self, quiet: bool = False) -> None:
        """Stop the running evaluation (at its next step); the view shows nothing for it."""
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
            self.status.setText("Cancelled.")
            self.checkFinished.emit()

    # --- export ----------------------------------------------------------------------------------------
    def export_eqd2_dose(self, path: str) -> Path:
        """Write the summed EQD2 map as an RT Dose (atomic; never over an input nor a file of another kind)."""
        from sbrt_calc.reirradiation.export import write_eqd2_dose

        if self._result is None:
            raise SbrtCalcError("nothing to export: no result yet", field="export", value=None, allowed="a result")
        return Path(write_eqd2_dose(path, self._result, self._inputs.files()))

    def export_dvh_csv(self, path: str) -> Path:
        """Write the cumulative EQD2 DVHs (the CLI's ``--dvh-csv`` table) through the atomic writer."""
        from sbrt_calc.atomic_write import write_text_atomic
        from sbrt_calc.plancheck.dvh import dvh_csv_rows
        from sbrt_calc.tables import csv_text

        if self._result is None:
            raise SbrtCalcError("nothing to export: no result yet", field="export", value=None, allowed="a result")
        headers, rows = dvh_csv_rows([s.dose for s in self._result.structures])
        return Path(write_text_atomic(path, csv_text(headers, rows), kind="csv", inputs=self._inputs.files()))

    def _export(self, what: str, fn: Any, path: str) -> None:
        try:
            out = fn(path)
        except (OSError, SbrtCalcError) as exc:
            self._error(f"Cannot write {path}: {getattr(exc, 'message', None) or getattr(exc, 'strerror', None) or exc}")
            return
        self.status.setStyleSheet("")
        self.status.setText(f"Wrote the {what}: {out}")

    def _choose_export_dose(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the summed EQD2 map", "eqd2_sum.dcm", "DICOM (*.dcm)")
        if path:
            self._export("summed EQD2 RT Dose", self.export_eqd2_dose, path)

    def _choose_export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the cumulative DVHs", "cumulative_dvh.csv", "CSV (*.csv)")
        if path:
            self._export("cumulative DVHs", self.export_dvh_csv, path)

    # --- editing the inputs -------------------------------------------------------------------------------
    def add_course(self, path: str, fractions: int | None = None) -> None:
        """Add a course (the new last one). Its fraction count defaults to the previous course's (edit it in the
        table)."""
        n = fractions if fractions is not None else (self._inputs.courses[-1].fractions if self._inputs.courses else 1)
        self._update(courses=(*self._inputs.courses, CourseInput(path, n)))

    def set_course_rtplan(self, index: int, path: str) -> None:
        """Fill course ``index``'s fraction count and prescription from its RT Plan (the core's
        :func:`~sbrt_calc.reirradiation.courses.course_from_rtplan`, as the CLI's ``--rtplan``) and keep the plan's
        path and SOP Instance UID in the case; a plan that cannot be used is said inline, nothing changes."""
        from sbrt_calc.reirradiation.courses import course_from_rtplan

        if not 0 <= index < len(self._inputs.courses):
            self._error("choose a course first (Add course…), then its RT Plan")
            return
        c = self._inputs.courses[index]
        try:
            got = course_from_rtplan(path, f"course {index + 1}")
            new = replace(c, fractions=got.fractions, rtplan=path, rtplan_uid=got.sop_instance_uid or None,
                          prescription_gy=got.prescription_gy if got.prescription_gy is not None else c.prescription_gy)
        except SbrtCalcError as exc:
            self._error(exc.message)
            return
        courses = list(self._inputs.courses)
        courses[index] = new
        self._update(courses=tuple(courses))
        if self._worker is None:
            self.status.setStyleSheet("")
            self.status.setText(got.note + ".")

    def _choose_course_rtplan(self) -> None:
        rows = sorted({i.row() for i in self.courses_table.selectedIndexes()})
        index = rows[0] if rows else len(self._inputs.courses) - 1
        path, _ = QFileDialog.getOpenFileName(self, f"Choose course {index + 1}'s RT Plan", "",
                                              "DICOM (*.dcm);;All files (*)")
        if path:
            self.set_course_rtplan(index, path)

    def remove_course(self, index: int) -> None:
        courses = list(self._inputs.courses)
        if 0 <= index < len(courses):
            del courses[index]
            self._update(courses=tuple(courses))

    def set_rtstruct(self, path: str | None) -> None:
        self._update(rtstruct=path)

    def set_registration(self, path: str | None) -> None:
        self._update(registration=path)

    def _update(self, **changes: Any) -> None:
        try:
            new = replace(self._inputs, **changes)
        except SbrtCalcError as exc:
            self._error(exc.message)
            self._show_inputs()
            return
        if new != self._inputs:
            self.set_inputs(new, emit=True)

    def _choose_course(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a course's RT Dose", "", "DICOM (*.dcm);;All files (*)")
        if path:
            self.add_course(path)

    def _remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.courses_table.selectedIndexes()})
        if rows:
            self.remove_course(rows[0])
        elif self._inputs.courses:
            self.remove_course(len(self._inputs.courses) - 1)

    def _choose_rtstruct(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the new course's RT Structure Set", "",
                                              "DICOM (*.dcm);;All files (*)")
        if path:
            self.set_rtstruct(path)

    def _choose_registration(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a rigid DICOM Spatial Registration (Cancel: none)", "",
                                              "DICOM (*.dcm);;All files (*)")
        self.set_registration(path or None)

    def _course_edited(self, item: QTableWidgetItem) -> None:
        if self._building or item.column() not in (1, 2):
            return
        i = item.row()
        if not 0 <= i < len(self._inputs.courses):
            return
        c = self._inputs.courses[i]
        txt = item.text().strip().replace(",", ".")
        try:
            if item.column() == 1:
                if not txt.isdigit():
                    raise SbrtCalcError(f"course {i + 1}: the fraction count must be a whole number from 1 to 100, "
                                        f"got {txt!r}", field="fractions", value=txt, allowed="1-100")
                new = replace(c, fractions=int(txt))
            else:
                try:
                    rx = float(txt) if txt and txt != "-" else None
                except ValueError:
                    raise SbrtCalcError(f"course {i + 1}: the prescription must be a dose in Gy > 0 (or empty), got "
                                        f"{txt!r}", field="prescription_gy", value=txt, allowed="a number > 0") from None
                new = replace(c, prescription_gy=rx)
        except SbrtCalcError as exc:
            msg = exc.message if exc.message.startswith("course") else f"course {i + 1}: {exc.message}"
            self._error(msg)
            self._show_inputs(keep_status=True)
            return
        courses = list(self._inputs.courses)
        courses[i] = new
        self._update(courses=tuple(courses))

    def _options_changed(self, *_: Any) -> None:
        if self._building:
            return
        try:
            counts = parse_fraction_counts(self.fractions_edit.text())
        except SbrtCalcError as exc:
            self._error(exc.message)
            return
        interval = self.interval_spin.value()
        self._update(fractions_new=counts, interval_months=None if interval < 0 else interval,
                     model=self.model_combo.currentData() or "lq", new_plan=not self.no_plan_check.isChecked(),
                     target=self.target_combo.currentData() if self.no_plan_check.isChecked() else None)

    # --- showing -----------------------------------------------------------------------------------------
    def _show_inputs(self, keep_status: bool = False) -> None:
        inp = self._inputs
        self._building = True
        try:
            self.courses_table.setRowCount(len(inp.courses))
            for i, c in enumerate(inp.courses):
                new = inp.new_plan and i == len(inp.courses) - 1 and len(inp.courses) > 1
                cells = (short_path(c.rtdose), str(c.fractions), "" if c.prescription_gy is None else
                         f"{c.prescription_gy:g}", "new" if new else "previous")
                for col, txt in enumerate(cells):
                    item = QTableWidgetItem(txt)
                    if col in (0, 3):
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    if col == 0:
                        item.setToolTip(c.rtdose)
                    if col in (1, 2) and c.rtplan:   # where the count (and prescription) came from
                        item.setToolTip(f"From the RT Plan {c.rtplan} (SOP Instance UID {c.rtplan_uid or '?'}); "
                                        "a count that differs from the plan's is refused when the courses are summed")
                    self.courses_table.setItem(i, col, item)
            self.fractions_edit.setText(" ".join(str(n) for n in inp.fractions_new))
            self.interval_spin.setValue(-1.0 if inp.interval_months is None else inp.interval_months)
            self.model_combo.setCurrentIndex(max(self.model_combo.findData(inp.model), 0))
            self.no_plan_check.setChecked(not inp.new_plan)
            self._set_targets(inp.target)
        finally:
            self._building = False
        parts = [f"RT Structure Set: {short_path(inp.rtstruct) if inp.rtstruct else 'not chosen'}"]
        if inp.registration:
            parts.append(f"registration: {short_path(inp.registration)}")
        self.files_label.setText("; ".join(parts) + ".")
        self.remove_button.setEnabled(bool(inp.courses))
        self.rtplan_button.setEnabled(bool(inp.courses))
        if not keep_status and inp.missing and self._worker is None:
            self.status.setStyleSheet("")
            self.status.setText(f"Still needed: {inp.missing}.")

    def _set_targets(self, current: str | None, names: list[str] | None = None) -> None:
        """The target choices: 'every PTV', the structures of the last result (or those kept), the current one."""
        have = [self.target_combo.itemData(i) for i in range(1, self.target_combo.count())]
        wanted = names if names is not None else have
        if current is not None and current not in wanted:
            wanted = [*wanted, current]
        was = self._building
        self._building = True
        try:
            if wanted != have:
                self.target_combo.clear()
                self.target_combo.addItem("every PTV", None)
                for n in wanted:
                    self.target_combo.addItem(n, n)
            self.target_combo.setCurrentIndex(max(self.target_combo.findData(current), 0))
        finally:
            self._building = was
        show = self.no_plan_check.isChecked()
        self.target_label.setVisible(show)
        self.target_combo.setVisible(show)

    def _set_exports(self, on: bool) -> None:
        self.export_dose_button.setEnabled(on)
        self.export_csv_button.setEnabled(on)

    def _progressed(self, done: int, total: int, what: str) -> None:
        show_progress(self.progress, done, total, what)

    def _finish(self, generation: int) -> None:
        w = self._worker
        if w is None or generation != self._generation or w.generation != generation:
            return
        self._worker = None
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        if w.cancelled:
            self._clear()
            self.status.setText("Cancelled.")
        elif w.error:
            self._clear()
            self._error(f"Cannot sum these courses: {w.error}")
        else:
            self._result = w.result
            self._result_inputs = cast(Any, w.inputs)
            self._set_targets(self._inputs.target, [s.name for s in w.result.structures])
            self._set_exports(True)
            self._show(self._result)
        self.checkFinished.emit()

    def _error(self, message: str) -> None:
        self.status.setText(greek(message))
        self.status.setStyleSheet(f"color: {STATUS_COLOURS[Status.FAIL][0]}; font-weight: bold")

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
        from sbrt_calc.reirradiation.tables import headline, typed_tables

        tables = {t.key: t for t in typed_tables(res)}
        show_tables(self.models, self.views, tables, WRAPPED)
        show_headline(self.headline, Status(str(res.status)), "Re-irradiation: " + headline(res))
        self._show_notes()
        self.status.setStyleSheet("")
        self.status.setText(greek("\n".join(res.notes)) if res.notes else
                            "Summed on the new course's grid; no recovery discount; see Assumptions.")
        self._plot(res)

    def _ensure_canvas(self) -> None:
        if self.canvas is not None:
            return
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(5, 4), layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setAccessibleName("Cumulative DVH plot")
        holder = self.plot_holder.layout()
        assert holder is not None
        holder.addWidget(self.canvas)

    def _plot(self, res: Any) -> None:
        from sbrt_calc.reirradiation.tables import draw_cumulative_dvh

        self._ensure_canvas()
        self.figure.clear()
        draw_cumulative_dvh(self.figure, res)
        self.canvas.draw_idle()
