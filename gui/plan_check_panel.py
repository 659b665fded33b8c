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

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
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
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.plancheck.inputs import DEFAULT_CONSTRAINT_SET, PlanCheckInputs, find_in_folder

# Okabe-Ito colours, cycled over the structures
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999")
STATUS_COLOURS = {"pass": "#2e7d32", "fail": "#c62828", "incomplete": "#a15c00", "not evaluated": "#a15c00",
                  "none": "#2e7d32", "minor": "#a15c00", "major": "#c62828", "not graded": "#a15c00"}


class PlanCheckPanel(QWidget):
    """Open a DICOM plan, see its DVHs, limits and conformity, map structure names."""

    inputsChanged = Signal(object)  # PlanCheckInputs

    def __init__(self, parent: QWidget | None = None, set_keys: tuple[str, ...] | None = None) -> None:
        super().__init__(parent)
        self._inputs: PlanCheckInputs | None = None
        self._result: Any = None
        self._files: dict[str, str] = {}
        self._dose_parts: tuple[str, ...] = ()  # per-beam RT Doses summed with _files["rtdose"] (io, issue 17)
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
        for key in set_keys or self._set_keys():
            self.set_combo.addItem(key, key)
        self.set_combo.setCurrentIndex(max(self.set_combo.findData(DEFAULT_CONSTRAINT_SET), 0))
        self.set_combo.currentIndexChanged.connect(self._options_changed)
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
        for label, w in (("Constraint set:", self.set_combo), ("Prescription:", self.rx_spin),
                         ("Fractions:", self.fx_spin), ("Target:", self.target_combo)):
            row.addWidget(QLabel(label))
            row.addWidget(w)
        row.addStretch(1)
        form.addRow(row)
        outer.addLayout(form)
        self.status = QLabel("Open a plan: RT Dose and RT Structure Set (and RT Plan for the prescription).")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.status)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.plot_holder = QWidget()
        QVBoxLayout(self.plot_holder).setContentsMargins(0, 0, 0, 0)
        self.plot_holder.setMinimumWidth(360)
        split.addWidget(self.plot_holder)
        self.tabs = QTabWidget()
        self.limits_table = self._table(("Organ", "Structure", "Metric", "Limit", "Plan", "Status", "Verified"))
        self.structures_table = self._table(("Structure", "Volume cc", "In dose grid", "Max Gy", "D0.035cc Gy",
                                             "Mean Gy"))
        self.conformity_table = self._table(("Metric", "Plan", "Limit none / minor", "Deviation"))
        self.mapping_table = self._table(("Structure", "Type", "TG-263 name", "Matched by"))
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                           | QAbstractItemView.EditTrigger.EditKeyPressed
                                           | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.mapping_table.itemChanged.connect(self._mapping_edited)
        self.tabs.addTab(self.limits_table, "Limits")
        self.tabs.addTab(self.structures_table, "Structures")
        conf = QWidget()
        box = QVBoxLayout(conf)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.conformity_table, 1)
        self.conformity_notes = QLabel()
        self.conformity_notes.setWordWrap(True)
        self.conformity_notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.conformity_notes)
        self.tabs.addTab(conf, "Conformity")
        self.tabs.addTab(self.mapping_table, "Names (TG-263)")
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([700, 500])
        outer.addWidget(split, 1)

    # --- API for the main window ---------------------------------------------------------------
    def inputs(self) -> PlanCheckInputs | None:
        """The current inputs (None until an RT Dose and an RT Structure Set are chosen)."""
        return self._inputs

    def result(self) -> Any:
        """The last :class:`~sbrt_calc.plancheck.grade.PlanCheckResult` (None before or after an error)."""
        return self._result

    def report_tables(self) -> tuple[Any, ...]:
        """The report section of the last result (empty when there is none)."""
        if self._result is None:
            return ()
        from sbrt_calc.plancheck.report import typed_tables

        return typed_tables(self._result)

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
            except OSError as exc:
                self.status.setText(f"<b style='color:#c62828'>Cannot write {path}: {exc.strerror or exc}</b>")

    def set_inputs(self, inputs: PlanCheckInputs | None, *, emit: bool = False) -> None:
        """Show a case's plan check (from the case file); runs the check."""
        self._inputs = inputs
        if inputs is not None:
            self._files = {"rtdose": inputs.rtdose, "rtstruct": inputs.rtstruct}
            self._dose_parts = inputs.rtdose_parts
            if inputs.rtplan:
                self._files["rtplan"] = inputs.rtplan
            self._building = True
            self.set_combo.setCurrentIndex(max(self.set_combo.findData(inputs.constraint_set), 0))
            self.rx_spin.setValue(inputs.prescription_gy or 0.0)
            self.fx_spin.setValue(inputs.fractions or 0)
            self._building = False
        self.run_check()
        if emit and inputs is not None:
            self.inputsChanged.emit(inputs)

    def run_check(self) -> None:
        """Run the core's check on the current inputs and show the result or the error."""
        self._result = None
        self.export_button.setEnabled(False)
        if self._inputs is None:
            self._clear()
            return
        from sbrt_calc.plancheck.grade import check_plan

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self._result = check_plan(self._inputs)
        except SbrtCalcError as exc:
            self._clear()
            self.status.setText(f"<b style='color:#c62828'>Cannot check this plan:</b> {exc}")
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.export_button.setEnabled(True)
        self._show(self._result)

    # --- choosing files ------------------------------------------------------------------------
    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder with RT Dose, RT Structure Set, RT Plan")
        if folder:
            self.open_folder(folder)

    def open_folder(self, folder: str) -> None:
        try:
            found = find_in_folder(folder)
        except SbrtCalcError as exc:
            self.status.setText(f"<b style='color:#c62828'>{exc}</b>")
            return
        self._dose_parts = tuple(found.pop("rtdose_parts", ()))
        self._files = found
        self._update_inputs(target=None)

    def _choose_file(self, key: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, f"Choose the {key.upper()} file", "", "DICOM (*.dcm);;All files (*)")
        if path:
            self.open_file(key, path)

    def open_file(self, key: str, path: str) -> None:
        self._files[key] = path
        if key == "rtdose":
            self._dose_parts = ()
        self._update_inputs(target=None)

    def _update_inputs(self, **changes: Any) -> None:
        if "rtdose" not in self._files or "rtstruct" not in self._files:
            missing = [k.upper() for k in ("rtdose", "rtstruct") if k not in self._files]
            self.status.setText(f"Still to choose: {', '.join(missing)}.")
            return
        base = self._inputs or PlanCheckInputs(self._files["rtdose"], self._files["rtstruct"])
        try:
            new = replace(base, rtdose=self._files["rtdose"], rtstruct=self._files["rtstruct"],
                          rtdose_parts=self._dose_parts, rtplan=self._files.get("rtplan"), constraint_set=self.set_combo.currentData() or
                          DEFAULT_CONSTRAINT_SET, prescription_gy=self.rx_spin.value() or None,
                          fractions=self.fx_spin.value() or None, **changes)
        except SbrtCalcError as exc:
            self.status.setText(f"<b style='color:#c62828'>{exc}</b>")
            return
        self.set_inputs(new, emit=True)

    def _options_changed(self, *_: Any) -> None:
        if self._building or self._inputs is None:
            return
        target = self.target_combo.currentData()
        self._update_inputs(target=target or None)

    def _mapping_edited(self, item: QTableWidgetItem) -> None:
        if self._building or self._inputs is None or item.column() != 2:
            return
        name_item = self.mapping_table.item(item.row(), 0)
        if name_item is None:
            return
        name = name_item.text()
        mapping = self._inputs.mapping
        mapping[name] = item.text().strip()
        self._update_inputs(name_mapping=tuple(sorted(mapping.items())))

    # --- showing -------------------------------------------------------------------------------
    @staticmethod
    def _set_keys() -> tuple[str, ...]:
        try:
            from sbrt_calc.presets.loader import active_presets

            return tuple(s.key for s in active_presets().constraint_sets)
        except SbrtCalcError:
            return (DEFAULT_CONSTRAINT_SET,)

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

    @staticmethod
    def _fill(table: QTableWidget, rows: list[tuple[str, ...]], status_col: int | None = None) -> None:
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c == status_col:
                    colour = STATUS_COLOURS.get(text.lower())
                    if colour:
                        item.setForeground(QBrush(QColor(colour)))
                        f = item.font()
                        f.setBold(True)
                        item.setFont(f)
                table.setItem(r, c, item)

    def _clear(self) -> None:
        for t in (self.limits_table, self.structures_table, self.conformity_table):
            t.setRowCount(0)
        if self.figure is not None:
            self.figure.clear()
            self.canvas.draw_idle()

    def _show(self, res: Any) -> None:
        from sbrt_calc.plancheck.report import typed_tables

        tables = {t.key: t for t in typed_tables(res)}
        limits = tables["plan_check_limits"]
        self._fill(self.limits_table, [tuple(r[:7]) for r in limits.texts()], status_col=5)
        self._fill(self.structures_table, [(r[0], r[2], r[3], r[4], r[5], r[6])
                                           for r in tables["plan_check_structures"].texts()])
        conformity = tables["plan_check_conformity"]
        self._fill(self.conformity_table, [(r[1], r[2], f"{r[3]} / {r[4]}", r[5])
                                           for r in conformity.texts()], status_col=3)
        self.conformity_notes.setText("\n".join(conformity.notes + ((f"Source: {conformity.source}",)
                                                                       if conformity.source else ())))
        self._building = True
        self.mapping_table.setRowCount(len(res.structures))
        for i, s in enumerate(res.structures):
            for c, text in enumerate((s.name, s.roi_type, s.tg263_name or "", s.how_matched)):
                item = QTableWidgetItem(text)
                if c != 2:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                elif not text:
                    item.setBackground(QBrush(QColor("#fff3cd")))
                    item.setToolTip("No TG-263 name matched: type one (e.g. SpinalCord) so its limits are checked")
                self.mapping_table.setItem(i, c, item)
        current = res.target.name
        self.target_combo.clear()
        for s in res.structures:
            self.target_combo.addItem(s.name, s.name)
        self.target_combo.setCurrentIndex(max(self.target_combo.findData(current), 0))
        self._building = False
        fails = sum(c.status == "fail" for c in res.constraints)
        grade = res.conformity.grade.worst_grade if res.conformity.grade else "-"
        p = res.plan
        verdict = f"<b style='color:#c62828'>{fails} limit(s) failed</b>" if fails else \
            "<b style='color:#2e7d32'>no limit failed</b>"
        text = (f"{Path(res.inputs.rtdose).name}: {p.prescription_gy:g} Gy in {p.fractions} fractions "
                f"({p.prescription_source}); target {res.target.name} {res.target.dose.volume_cc:.1f} cc; {verdict}; "
                f"RTOG conformity deviation: {grade}.")
        if res.unmatched:
            text += f" Unmatched names: {', '.join(res.unmatched)} (see Names)."
        if res.warnings:
            text += "<br>" + "<br>".join(f"⚠ {w}" for w in res.warnings)
        self.status.setText(text)
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
        from sbrt_calc.plancheck.plotdata import curves, limit_points

        self._ensure_canvas()
        fig = self.figure
        fig.clear()
        ax = fig.add_subplot()
        colour = {}
        for i, c in enumerate(curves(res)):
            colour[c.name] = COLOURS[i % len(COLOURS)]
            style = "--" if c.name in {d.name for d in res.derived} else "-"
            label = c.name + (" (partly outside the dose grid)" if c.partly_outside else "")
            ax.plot(c.dose_gy, c.volume_percent, style, color=colour[c.name], linewidth=1.5, label=label)
        for pt in limit_points(res):
            failed = pt.status == "fail"
            ax.plot([pt.dose_gy], [pt.volume_percent], marker="X" if failed else "o", markersize=8 if failed else 6,
                    markerfacecolor="#c62828" if failed else "white", markeredgecolor=colour.get(pt.structure, "black"),
                    markeredgewidth=1.5, linestyle="none", zorder=5)
        rx = res.plan.prescription_gy
        ax.axvline(rx, color="#555555", linewidth=0.8, linestyle=":")
        ax.text(rx, 2, f" Rx {rx:g} Gy", fontsize=7, color="#555555", va="bottom", rotation=90)
        ax.set_xlabel("Dose [Gy] (physical, whole plan)")
        ax.set_ylabel("Volume [% of structure]")
        ax.set_ylim(0, 105)
        ax.set_xlim(0, None)
        ax.grid(True, color="#dddddd", linewidth=0.6)
        ax.plot([], [], "o", markerfacecolor="white", markeredgecolor="black", label="limit (met or open)")
        ax.plot([], [], "X", markerfacecolor="#c62828", markeredgecolor="black", label="limit failed")
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), framealpha=0.9)
        ax.set_title(f"Cumulative DVH, limits of {res.lookup.set.key} for {res.lookup.fractions} fractions",
                     fontsize=9)
        self.canvas.draw_idle()
