"""The main window: the regimen workbench (table, plot, 'show the working'), case files, undo.

Tabs 'Eligibility' (:mod:`.eligibility_panel`) and 'Planning' (:mod:`.planning_panel`) edit the
case's ``eligibility`` and ``planning`` sections; their edits go onto the same undo stack. The two
tabs are built when first needed (the tab selected, or ``window.eligibility`` / ``window.planning``
used): until then the case's sections are kept as loaded (validated) and saved back unchanged,
which keeps their modules and the presets off the start-up path. File
menu: import a DICOM RT Plan, export the PDF report (:mod:`.report_export`) and the table as
CSV. Nothing here computes radiobiology: the table model asks the core, the plot asks the core
for its curves.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sbrt_calc import __version__
from sbrt_calc.case import SUFFIX, Case, CaseError, CaseRegimen, CaseSettings
from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.presets.radiobiology import radiobiology
from sbrt_calc.regimen import Regimen, parse_regimen

from . import icons, settings
from .autosave import Recoverable
from .case_document import CaseDocument
from .commands import AddRowsCommand, MoveRowCommand, RemoveRowsCommand, SettingsCommand, TitleCommand, ValueCommand
from .plot_panel import PlotPanel
from .regimen_table_model import RegimenTableModel
from .regimen_table_view import RegimenTableView
from .settings import MODEL_CHOICES, parse_regimen_list
from .working_panel import WorkingPanel

if TYPE_CHECKING:
    from .eligibility_panel import EligibilityPanel
    from .planning_panel import PlanningPanel

FILE_FILTER = (f"Cases (*{SUFFIX} *.json *.toml);;Saved case (*{SUFFIX} *.json);;Eligibility case (*.toml);;"
               "All files (*)")
ERROR_STYLE = "color: {colour}; font-weight: bold"
ELIGIBILITY_TAB = 1
PLANNING_TAB = 2
ELIGIBILITY_TIP = ("Is this oligoprogression? The case, the assessment with reasons and sources, and the work-up "
                   "still missing")
PLANNING_TIP = ("Organ-at-risk limits, conformity and fall-off grading, cumulative dose for a previously irradiated "
                "site")
ENTRY_TIP = ("Add regimens: 36/3, 54 Gy/3, 3x18Gy, 3 x 18 Gy or 18 Gy x 3; separate several with ';'. "
             "A decimal comma works (7,5 Gy x 4).")


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


class MainWindow(QMainWindow):
    """See the module docstring. ``recover`` is 'ask' (dialog), 'yes' or 'no' for crash recovery."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowIcon(icons.app_icon())
        self.setAcceptDrops(True)
        self.case_title = "Untitled case"
        self.identifier: str | None = None
        self.sections: dict[str, Any] = {}
        self._eligibility: EligibilityPanel | None = None   # built when first needed (see the module docstring)
        self._planning: PlanningPanel | None = None
        self.undo_stack = QUndoStack(self)
        self.model = RegimenTableModel(self)
        self.model.undo_stack = self.undo_stack
        self.model.decimals = int(settings.get("decimals"))
        # the path, saving, the on-disk check, the lock and the autosave live in the document (issue 12)
        self.document = CaseDocument(self, self.current_case, self.undo_stack, int(settings.get("autosave_interval_ms")))
        self.autosaver = self.document.autosaver
        self.document.saved.connect(self._update_title)
        self._syncing = False
        self._last_sort: tuple[int, Qt.SortOrder] | None = None
        self._build_workbench()
        self._build_actions()
        self._build_menus()
        self.undo_stack.cleanChanged.connect(self._update_title)
        self.undo_stack.indexChanged.connect(self._on_stack_changed)
        self.model.contentChanged.connect(self._update_banner)
        self.model.settingsChanged.connect(self._sync_controls)
        self.new_case(ask=False)
        self.resize(1280, 800)

    # --- building ------------------------------------------------------------------------------------
    def _build_workbench(self) -> None:
        self.tabs = QTabWidget()
        self.setCentralWidget(self.tabs)
        bench = QWidget()
        self.tabs.addTab(bench, "&Regimens")
        # placeholders, replaced by the real panels when first needed (start-up time)
        self.tabs.addTab(QWidget(), "Eligibility")
        self.tabs.setTabToolTip(ELIGIBILITY_TAB, ELIGIBILITY_TIP)
        self.tabs.addTab(QWidget(), "Planning")
        self.tabs.setTabToolTip(PLANNING_TAB, PLANNING_TIP)
        self.tabs.setTabToolTip(0, "Compare regimens: table, plot and the working")
        self.tabs.currentChanged.connect(self._tab_changed)

        # entry row
        self.entry = QLineEdit()
        self.entry.setPlaceholderText("Type a regimen, e.g. 36/3, 3 x 12 Gy, 12 Gy x 3 (several: 36/3; 45/3) — Enter adds")
        self.entry.setToolTip(ENTRY_TIP)
        self.entry.setAccessibleName("New regimen")
        self.entry.setClearButtonEnabled(True)
        self.entry.returnPressed.connect(self.add_from_entry)
        self.entry.textEdited.connect(lambda _t: self._set_entry_status("", error=False))
        entry_label = QLabel("&Add regimen:")
        entry_label.setBuddy(self.entry)
        self.add_button = QPushButton("Add")
        self.add_button.setToolTip("Add the typed regimen(s) to the table (Enter)")
        self.add_button.clicked.connect(self.add_from_entry)
        self.sweep_button = QPushButton("Sweep…")
        self.sweep_button.setToolTip("Add a range: total doses from..to in steps × fraction counts (Ctrl+Shift+W)")
        self.sweep_button.clicked.connect(lambda: self.sweep())
        self.presets_button = QToolButton()
        self.presets_button.setText("Presets")
        self.presets_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.presets_button.setToolTip("Add regimens from the presets by site, or the shipped defaults")
        self.model_combo = QComboBox()
        for key, label in MODEL_CHOICES:
            self.model_combo.addItem(label, key)
        self.model_combo.setToolTip("Model for the table: LQ, LQ-L, USC, or all three side by side (Ctrl+1..4)")
        self.model_combo.setAccessibleName("Model")
        self.model_combo.currentIndexChanged.connect(self._model_combo_changed)
        model_label = QLabel("&Model:")
        model_label.setBuddy(self.model_combo)
        self.organ_combo = QComboBox()
        for t in radiobiology().tissues:
            if t.role == "oar":
                self.organ_combo.addItem(f"{t.alpha_beta_gy:g} Gy ({t.key.replace('_', ' ')})", t.alpha_beta_gy)
                self.organ_combo.setItemData(self.organ_combo.count() - 1, f"{t.name}: {t.source}",
                                             Qt.ItemDataRole.ToolTipRole)
        self.organ_combo.setToolTip("alpha/beta of the organ at risk for the BED/EQD2 columns beside the tumour's")
        self.organ_combo.setAccessibleName("Organ alpha/beta")
        self.organ_combo.currentIndexChanged.connect(self._organ_combo_changed)
        organ_label = QLabel("&Organ α/β:")
        organ_label.setBuddy(self.organ_combo)
        row = QHBoxLayout()
        row.addWidget(entry_label)
        row.addWidget(self.entry, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.sweep_button)
        row.addWidget(self.presets_button)
        row2 = QHBoxLayout()
        row2.addWidget(model_label)
        row2.addWidget(self.model_combo)
        row2.addSpacing(12)
        row2.addWidget(organ_label)
        row2.addWidget(self.organ_combo)
        row2.addSpacing(12)
        self.context_label = QLabel()
        self.context_label.setToolTip("Tumour alpha/beta and the BED10 lines of this case (change them in "
                                      "Edit ▸ Preferences); sources in Help ▸ About and in the working")
        row2.addWidget(self.context_label, 1)
        self.entry_status = QLabel()
        self.entry_status.setAccessibleName("Entry status")
        self.entry_status.setWordWrap(True)
        self.entry_status.setMinimumWidth(100)
        self.entry_status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        # table
        self.table = RegimenTableView()
        self.table.copyRequested.connect(self.copy_selection)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Regimens")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(False)   # sorting reorders the rows (undoable); the status bar says how
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._header_clicked)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setMinimumSectionSize(36)
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)   # ResizeToContents re-measures every cell on each edit
        vh.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())
        self.model.modelReset.connect(self._resize_columns)
        self.table.setToolTip("Double-click or type to edit; Delete removes, Ctrl+D duplicates, Ctrl+↑/↓ moves. "
                              "Click a header to sort (undoable).")

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.setAccessibleName("Caveats")
        self.banner.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(4, 4, 4, 4)
        lv.addLayout(row)
        lv.addWidget(self.entry_status)
        lv.addLayout(row2)
        lv.addWidget(self.table, 1)
        lv.addWidget(self.banner)

        # right: plot above the working
        self.plot = PlotPanel(self.model)
        self.plot.pointSelected.connect(self.select_row)
        self.export_button = QPushButton("Export figure…")
        self.export_button.setToolTip("Save the plot as PNG, SVG or PDF")
        self.export_button.clicked.connect(lambda: self.export_figure())
        plot_box = QWidget()
        pv = QVBoxLayout(plot_box)
        pv.setContentsMargins(0, 0, 0, 0)
        pv.addWidget(self.plot, 1)
        hb = QHBoxLayout()
        hb.addStretch(1)
        hb.addWidget(self.export_button)
        pv.addLayout(hb)
        self.working = WorkingPanel(self.model)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(plot_box)
        right.addWidget(self.working)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        right.setSizes([440, 300])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([800, 480])
        outer = QVBoxLayout(bench)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.splitter)
        self.statusBar().showMessage("Ready")

    def _act(self, text: str, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, list):
                a.setShortcuts(shortcut)
            else:
                a.setShortcut(QKeySequence(shortcut))
        if tip:
            a.setToolTip(tip)
            a.setStatusTip(tip)
        a.triggered.connect(lambda _checked=False: slot())
        return a

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        self.act_new = self._act("&New case", lambda: self.new_case(), K.New, "Start a new case with the default regimens")
        self.act_open = self._act("&Open…", lambda: self.open_dialog(), K.Open, "Open a saved case")
        self.act_save = self._act("&Save", lambda: self.save(), K.Save, "Save the case")
        self.act_save_as = self._act("Save &As…", lambda: self.save_as(), K.SaveAs, "Save the case under a new name")
        if self.act_save_as.shortcut().isEmpty():
            self.act_save_as.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.act_export = self._act("&Export figure…", lambda: self.export_figure(), "Ctrl+E",
                                    "Save the plot as PNG, SVG or PDF")
        self.act_import_rtplan = self._act("&Import RT Plan…", lambda: self.import_rtplan(), "Ctrl+I",
                                           "Read the prescription (total dose, fractions) of a DICOM RT Plan")
        self.act_export_report = self._act("Export &report (PDF)…", lambda: self.export_report(), "Ctrl+P",
                                           "The PDF report: inputs, regimens, plot, eligibility, planning checks")
        self.act_export_csv = self._act("Export table as &CSV…", lambda: self.export_csv(), None,
                                        "The regimens table as CSV (header row with units)")
        self.act_copy = self._act("&Copy rows", self.copy_selection, QKeySequence.StandardKey.Copy,
                                  "Copy the selected rows as tab-separated text with a header row (pastes into a "
                                  "spreadsheet)")
        self.act_copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.table.addAction(self.act_copy)
        self.act_plan_regimen = self._act("&Plan the selected regimen", self.plan_selected_regimen, "Ctrl+Shift+P",
                                          "Open Planning for the selected row of the regimens table")
        self.act_quit = self._act("&Quit", self.close, K.Quit, "Quit sbrt-calc")
        if self.act_quit.shortcut().isEmpty():
            self.act_quit.setShortcut(QKeySequence("Ctrl+Q"))
        self.act_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcuts([QKeySequence(K.Undo)])
        self.act_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(K.Redo), QKeySequence("Ctrl+Y")])
        self.act_add = self._act("&Add regimen", self._focus_entry, "Ctrl+L", "Go to the entry field to type a regimen")
        self.act_duplicate = self._act("D&uplicate rows", self.duplicate_selected, "Ctrl+D", "Duplicate the selected rows")
        self.act_delete = self._act("&Delete rows", self.delete_selected, QKeySequence.StandardKey.Delete,
                                    "Delete the selected rows")
        self.act_delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.table.addAction(self.act_delete)
        self.act_up = self._act("Move row &up", lambda: self.move_selected(-1), "Ctrl+Up", "Move the row up")
        self.act_down = self._act("Move row do&wn", lambda: self.move_selected(1), "Ctrl+Down", "Move the row down")
        self.act_sweep = self._act("S&weep a range…", lambda: self.sweep(), "Ctrl+Shift+W",
                                   "Add total doses from..to × fraction counts")
        self.act_title = self._act("Case &title…", self.edit_title, None, "Rename the case")
        self.act_prefs = self._act("&Preferences…", lambda: self.preferences(), K.Preferences,
                                   "alpha/beta, thresholds, decimals, default model")
        if self.act_prefs.shortcut().isEmpty():
            self.act_prefs.setShortcut(QKeySequence("Ctrl+,"))
        self.act_model_settings = self._act("&Model settings…", lambda: self.model_settings(), "Ctrl+Shift+M",
                                            "Tumour alpha/beta, EQDx reference dose, LQ-L d_T, USC parameters, "
                                            "time correction")
        self.act_about = self._act("&About sbrt-calc", lambda: self.about(), None, "Version, sources, disclaimer")
        self.model_group = QActionGroup(self)
        self.model_actions: dict[str, QAction] = {}
        for i, (key, label) in enumerate(MODEL_CHOICES):
            a = QAction(label, self, checkable=True)
            a.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            a.setToolTip(f"Show the table under {label}")
            a.triggered.connect(lambda _c=False, k=key: self.set_model(k))
            self.model_group.addAction(a)
            self.model_actions[key] = a
        for a in (self.act_undo, self.act_redo, self.act_duplicate, self.act_up, self.act_down, self.act_sweep,
                  self.act_add, self.act_export, self.act_prefs, self.act_import_rtplan, self.act_export_report,
                  self.act_plan_regimen):
            self.addAction(a)

    def _build_menus(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu("&File")
        for a in (self.act_new, self.act_open):
            m.addAction(a)
        self.recent_menu = m.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._fill_recent()
        m.addSeparator()
        for a in (self.act_save, self.act_save_as):
            m.addAction(a)
        m.addSeparator()
        for a in (self.act_import_rtplan, self.act_export_report, self.act_export_csv, self.act_export):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_quit)
        m = mb.addMenu("&Edit")
        for a in (self.act_undo, self.act_redo):
            m.addAction(a)
        m.addSeparator()
        for a in (self.act_copy, self.act_add, self.act_duplicate, self.act_delete, self.act_up, self.act_down,
                  self.act_sweep, self.act_plan_regimen):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_title)
        m.addAction(self.act_prefs)
        self.presets_menu = mb.addMenu("Pre&sets")
        # filled when first opened: reading and validating every preset file costs ~20 ms of start-up
        self._presets_filled = False
        self.presets_menu.aboutToShow.connect(self.ensure_presets_menu)
        self.presets_button.setMenu(self.presets_menu)
        m = mb.addMenu("&View")
        for a in self.model_actions.values():
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_model_settings)
        m = mb.addMenu("&Help")
        m.addAction(self.act_about)
        for menu in mb.findChildren(type(m)):
            menu.setToolTipsVisible(True)

    def ensure_presets_menu(self) -> None:
        """Fill the Presets menu (once, when it is first shown)."""
        if not self._presets_filled:
            self._presets_filled = True
            self._fill_presets(self.presets_menu)

    def _fill_presets(self, menu: Any) -> None:
        menu.clear()
        # imported here, when the menu is first opened (start-up time)
        from sbrt_calc.presets.loader import schemes_for_site
        from sbrt_calc.presets.model import SITES

        try:
            for site in SITES:
                sub = menu.addMenu(str(site).replace("_", " ").capitalize())
                for scheme in schemes_for_site(site):
                    a = sub.addAction(f"{scheme.label}")
                    a.setToolTip(f"{scheme.total_dose_gy:g} Gy in {scheme.fractions}. Source: {scheme.source}"
                                 + (f"\n{scheme.note}" if scheme.note else ""))
                    a.triggered.connect(lambda _c=False, s=scheme: self._add_scheme(s))
            menu.addSeparator()
        except SbrtCalcError as exc:  # a broken preset file must not stop the app
            a = menu.addAction(f"Presets could not be loaded: {exc}")
            a.setEnabled(False)
        a = menu.addAction("Default regimens (36/3 and common alternatives)")
        a.setToolTip("The regimens a new case starts with (Preferences)")
        a.triggered.connect(self._add_default_regimens)
        flag_ref = radiobiology().threshold("bed10_primary_lung")
        a = menu.addAction(f"Reach {flag_ref.label} in 3–6 fractions (solved)")
        a.setToolTip(f"The total dose reaching the reference in 3, 4, 5 and 6 fractions under the table's model "
                     f"(LQ BED10, the scale of the line). Source: {flag_ref.source}")
        a.triggered.connect(self._add_solved_reference)

    # --- the Eligibility and Planning tabs, built when first needed --------------------------------------
    @property
    def eligibility(self) -> EligibilityPanel:
        """The Eligibility tab (built, with the case's section loaded, on first use)."""
        if self._eligibility is None:
            from .eligibility_panel import EligibilityPanel

            panel = self._eligibility = EligibilityPanel(self.undo_stack)
            panel.formChanged.connect(self._eligibility_changed)
            panel.sendToPlanning.connect(self.send_lesion_to_planning)
            self._load_eligibility(self.sections.get("eligibility"), self.file_path or "<case>")
            self._install_tab(ELIGIBILITY_TAB, panel, "Eligibility", ELIGIBILITY_TIP)
        return self._eligibility

    @property
    def planning(self) -> PlanningPanel:
        """The Planning tab (built, with the case's section loaded, on first use)."""
        if self._planning is None:
            from .planning_panel import PlanningPanel

            panel = self._planning = PlanningPanel(self.model, self.undo_stack)
            panel.importRequested.connect(lambda: self.import_rtplan())
            self._load_planning(self.sections.get("planning"))
            self._install_tab(PLANNING_TAB, panel, "Planning", PLANNING_TIP)
        return self._planning

    def _tab_changed(self, index: int) -> None:
        if index == ELIGIBILITY_TAB:
            _ = self.eligibility
        elif index == PLANNING_TAB:
            _ = self.planning

    def _install_tab(self, index: int, panel: QWidget, label: str, tip: str) -> None:
        """Put the built ``panel`` in place of the tab's placeholder (the current tab stays current)."""
        current = self.tabs.currentIndex()
        placeholder = self.tabs.widget(index)
        self.tabs.blockSignals(True)
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, panel, label)
            self.tabs.setTabToolTip(index, tip)
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(False)
        placeholder.deleteLater()

    def _eligibility_changed(self) -> None:
        if self._planning is not None:
            self._planning.set_lesions(*self._lesion_choices())

    def _lesion_form(self) -> dict[str, Any]:
        """The eligibility form: from the Eligibility tab, or the saved section while the tab is not built."""
        if self._eligibility is not None:
            return self._eligibility.form
        section = self.sections.get("eligibility")
        if not section:
            return {}
        from .eligibility_panel import form_from_section

        try:
            return form_from_section(section)
        except CaseError:
            return {}

    def _lesion_choices(self) -> tuple[list[tuple[int, str]], dict[int, dict[str, Any]]]:
        """The progressing lesions for Planning, and their facts (site, target site, previously irradiated)."""
        from .eligibility_panel import lesion_choices, lesion_facts

        form = self._lesion_form()
        return lesion_choices(form), lesion_facts(form)

    def _load_eligibility(self, section: Any, source: str) -> None:
        assert self._eligibility is not None
        try:
            self._eligibility.load_section(section, source)
        except CaseError as exc:   # validated on open; an autosave may still hold a bad one
            self._eligibility.load_section(None)
            self.statusBar().showMessage(f"Eligibility section not loaded: {exc.message}", 10000)

    def _load_planning(self, section: Any) -> None:
        assert self._planning is not None
        try:
            self._planning.load_section(section)
        except CaseError as exc:
            self._planning.load_section(None)
            self.statusBar().showMessage(f"Planning section not loaded: {exc.message}", 10000)
        self._planning.set_lesions(*self._lesion_choices())

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

    # --- part 2: lesion to plan, RT Plan import, report, CSV, clipboard -------------------------------------
    def send_lesion_to_planning(self, index: int) -> None:
        """Add the schemes that fit the lesion (those not in the table yet) and plan it with the scheme the sources
        make typical for its site (:func:`sbrt_calc.planning.section.plan_lesion`), as one undo step."""
        from sbrt_calc.eligibility.case import Lesion
        from sbrt_calc.eligibility.sites import lesion_schemes
        from sbrt_calc.planning.section import PlanningInputs, plan_lesion

        lesions = self.eligibility.form.get("lesions", [])
        if not 0 <= index < len(lesions):
            return
        try:
            lesion = Lesion.from_dict(lesions[index], "eligibility form", f"lesions[{index}]")
        except CaseError as exc:
            self.statusBar().showMessage(f"Lesion #{index + 1} is incomplete: {exc.message}", 8000)
            return
        site = lesion.site
        fitting = lesion_schemes(lesion)
        have = {(r.total_dose_gy, r.fractions) for r in self.model.rows() if r.is_valid}
        rows = []
        for s in fitting.schemes:
            if (s.total_dose_gy, s.fractions) not in have:
                have.add((s.total_dose_gy, s.fractions))
                rows.append(CaseRegimen.from_regimen(Regimen(s.total_dose_gy, s.fractions, s.label),
                                                     note=f"preset {s.key} ({site.replace('_', ' ')})",
                                                     source=s.source, verification=s.verification))
        old: PlanningInputs = self.planning.inputs
        new, choice = plan_lesion(old, index, lesion)
        self.undo_stack.beginMacro(f"Plan lesion #{index + 1} ({site.replace('_', ' ')})")
        try:
            if rows:
                self.undo_stack.push(AddRowsCommand(self.model, rows, self.model.rowCount(),
                                                    f"Add {len(rows)} preset(s) for {site}"))
            if new != old:
                self.undo_stack.push(ValueCommand(self.planning.apply_inputs, old, new, "Planning: lesion"))
        finally:
            self.undo_stack.endMacro()
        self.tabs.setCurrentWidget(self.planning)
        added = f"added {len(rows)} scheme(s)" if rows else ("its schemes are already in the table"
                                                              if fitting.schemes else fitting.note)
        self.statusBar().showMessage(f"Planning lesion #{index + 1} ({site.replace('_', ' ')}): {added}. "
                                     f"{choice.reason} [{choice.source}]", 12000)

    def plan_selected_regimen(self) -> None:
        row = self.table.currentIndex().row() if self.table.currentIndex().isValid() else None
        rows = self.selected_rows()
        row = rows[0] if rows else row
        if row is None or not self.model.rows()[row].is_valid:
            self.statusBar().showMessage("Select a valid regimen row to plan", 5000)
            return
        reg = self.model.rows()[row].regimen()
        from .planning_panel import regimen_text

        self.planning.set_inputs(replace(self.planning.inputs, regimen=regimen_text(reg), fractions=None),
                                 "regimen")
        self.tabs.setCurrentWidget(self.planning)

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
            path, page_size = values["path"], values["page_size"]
        try:
            out = write_report(self.current_case(), path, page_size or default_page_size())
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
        if not regs:
            return 0
        self.add_rows([CaseRegimen.from_regimen(r) for r in regs], f"Sweep ({len(regs)} regimens)")
        self.statusBar().showMessage(f"Added {len(regs)} regimens from the sweep", 4000)
        return len(regs)

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
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        cols = self.model.columns()
        for i, c in enumerate(cols):
            if c.key == "warnings":
                continue
            header.resizeSection(i, min(max(header.sectionSize(i), 48), 160))
        if cols:
            header.resizeSection(len(cols) - 1, 60)

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

    # --- events -------------------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if any(u.isLocalFile() for u in urls):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.open_path(files[0]))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.document.close():
            event.accept()
        else:
            event.ignore()

    def current_index(self, row: int, key: str, model: str | None = None) -> QModelIndex:
        """Index of (row, column key) — for tests and scripts."""
        return self.model.index(row, self.model.column_of(key, model))
