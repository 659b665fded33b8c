"""The main window's layout, actions and menus (and the Presets menu, filled when first opened)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.presets.radiobiology import radiobiology

from .plot_panel import PlotPanel
from .regimen_table_view import RegimenTableView
from .settings import MODEL_CHOICES
from .working_panel import WorkingPanel

if TYPE_CHECKING:
    from .main_window import MainWindow  # noqa: F401


from .window_common import (
    ELIGIBILITY_TAB,
    ELIGIBILITY_TIP,
    ENTRY_TIP,
    PLAN_CHECK_TAB,
    PLAN_CHECK_TIP,
    PLANNING_TAB,
    PLANNING_TIP,
    site_title,
)


class WindowLayout:
    """Mixed into :class:`~sbrt_calc.gui.main_window.MainWindow` (self is the window)."""

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
        self.tabs.addTab(QWidget(), "Plan check")
        self.tabs.setTabToolTip(PLAN_CHECK_TAB, PLAN_CHECK_TIP)
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
        if not self.model.deferred:   # else filled with the case (the presets' loader brings numpy)
            self._fill_organ_combo()
        self.organ_combo.setToolTip("alpha/beta of the organ at risk for the BED/EQD2 columns beside the tumour's")
        # the window must fit a 1024-px screen (and 960 logical px at 2x): the combo shrinks, the tooltip tells all
        self.organ_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.organ_combo.setMinimumContentsLength(16)
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
        self.context_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.context_label.setMinimumWidth(60)
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
        right = self._working_dock(plot_box)
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

    def _fill_organ_combo(self) -> None:
        """The organ-at-risk alpha/beta choices of the radiobiology presets, with display names and sources."""
        if self.organ_combo.count():
            return
        for t in radiobiology().tissues:
            if t.role == "oar":
                self.organ_combo.addItem(f"{t.alpha_beta_gy:g} Gy ({t.name.split(' (')[0]})", t.alpha_beta_gy)
                self.organ_combo.setItemData(self.organ_combo.count() - 1, f"{t.name}: {t.source}",
                                             Qt.ItemDataRole.ToolTipRole)

    def _working_dock(self, plot_box: QWidget) -> QMainWindow:
        """The plot with 'show the working' docked under it: the dock can be enlarged (drag its edge),
        floated into its own window (double-click its title) and docked back; a full-precision toggle."""
        right = QMainWindow()
        right.setWindowFlags(Qt.WindowType.Widget)
        right.setCentralWidget(plot_box)
        self.full_precision = QCheckBox("Full precision")
        self.full_precision.setToolTip("Show every number of the working at full precision (the table's rounding "
                                       "otherwise)")
        self.full_precision.toggled.connect(self.working.set_full_precision)
        box = QWidget()
        bv = QVBoxLayout(box)
        bv.setContentsMargins(2, 0, 2, 2)
        bv.addWidget(self.full_precision)
        bv.addWidget(self.working, 1)
        self.working_dock = QDockWidget("Show the working", right)
        self.working_dock.setObjectName("working_dock")
        self.working_dock.setWidget(box)
        self.working_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetFloatable
                                      | QDockWidget.DockWidgetFeature.DockWidgetMovable
                                      | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.working_dock.setToolTip("Drag the edge to enlarge; double-click the title (or the button) to open it "
                                     "in its own window, and again to dock it back")
        right.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.working_dock)
        right.resizeDocks([self.working_dock], [240], Qt.Orientation.Vertical)
        return right

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
        self.act_export_report = self._act("Export &report (PDF)…", lambda: self.export_report(), "Ctrl+Shift+E",
                                           "The PDF report: inputs, regimens, plot, eligibility, planning checks")
        self.act_print = self._act("&Print report…", lambda: self.print_report(), K.Print,
                                   "Print the report, with a preview (the same pages as the PDF)")
        if self.act_print.shortcut().isEmpty():
            self.act_print.setShortcut(QKeySequence("Ctrl+P"))
        self.act_help = self._act("&How to read this window", lambda: self.show_help(), K.HelpContents,
                                  "The flag and its scale, the Model/α/β check, the models, shortcuts, sources")
        if self.act_help.shortcut().isEmpty():
            self.act_help.setShortcut(QKeySequence("F1"))
        self.act_solver = self._act("&Solve for a dose…", lambda: self.solver(), "Ctrl+R",
                                    "The dose in n fractions for a target BED, or isoeffective to a regimen, under "
                                    "LQ, LQ-L or USC; results can be added to the table")
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
                  self.act_plan_regimen, self.act_print, self.act_help, self.act_solver):
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
        for a in (self.act_import_rtplan, self.act_print, self.act_export_report, self.act_export_csv, self.act_export):
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
        self.act_working = self.working_dock.toggleViewAction()
        self.act_working.setText("Show the &working")
        self.act_working.setShortcut(QKeySequence("Ctrl+Shift+K"))
        m.addAction(self.act_working)
        m = mb.addMenu("&Tools")
        m.addAction(self.act_solver)
        m = mb.addMenu("&Help")
        m.addAction(self.act_help)
        m.addSeparator()
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
                sub = menu.addMenu(site_title(str(site)))
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

