"""The main window: the case state, its views and the objects that edit it, wired together.

The window owns (composition, each with its dependencies passed in):

- :class:`~.case_state.CaseState` — the open case without Qt (title, identifier, rows, settings, sections,
  the report's people); every edit goes through it, observers are told what changed;
- :class:`~.regimen_table_model.RegimenTableModel` — the regimens table, a Qt view over the state's rows;
- :class:`~.case_document.CaseDocument` — how the case reaches the disk (path, saves, lock, autosave);
- :class:`~.workbench.Workbench` — the Regimens tab (entry, controls, table, banner, plot, the working);
- :class:`~.tabs_controller.TabsController` — the tabs; Eligibility, Planning and Plan check built when
  first needed;
- :class:`~.row_actions.RowActions`, :class:`~.settings_actions.SettingsActions`,
  :class:`~.file_actions.FileActions`, :class:`~.tools_controller.ToolsController` — what the menus,
  buttons and shortcuts do.

The window itself builds the actions and menus, handles the window's events (drop, resize, close) and
offers the public methods tests and scripts use (each one line, handing over to its owner). Nothing here
computes radiobiology: the table model asks the core, the plot asks the core for its curves.

The actions (the menus' contents and the window's shortcuts) of a window built ``deferred`` (the app's cold
start) are made after the filled table has been painted, not before it (stop 28, chrome28: the QAction and
QActionGroup types with their enums, 24 actions, 5 model actions and the menus' contents, ~4 ms CPU of the
start): the menu bar shows its titles from the first frame, and :meth:`MainWindow.ensure_actions` makes the rest

- in the first idle turn after the filled table's paint (the app's ``after_show``, :mod:`.app`);
- when a menu is about to open (``aboutToShow``: its contents are there before it is drawn);
- when a key reaches the app before then (its ``ShortcutOverride``, sent before Qt looks the key up among the
  shortcuts: the first keystroke finds them);
- when code asks for an action (``window.act_save``, :attr:`model_actions`, the help's list of shortcuts).

A window built otherwise (tests, scripts) makes them at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMainWindow, QWidget

from sbrt_calc.case import Case, CaseRegimen

from . import icons, settings
from .autosave import Recoverable
from .case_document import CaseDocument
from .case_state import CaseState
from .file_actions import FileActions
from .regimen_table_model import RegimenTableModel
from .row_actions import RowActions
from .screen_fit import initial_geometry
from .settings_actions import SettingsActions
from .tabs_controller import TabsController
from .tools_controller import ToolsController
from .window_common import ELIGIBILITY_TAB, PLANNING_TAB  # noqa: F401 - re-exported for tests
from .workbench import Workbench

if TYPE_CHECKING:   # the event types are only named here: PySide makes a class's type on its first import
    from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QResizeEvent
    from PySide6.QtWidgets import QMenu

    from .eligibility_panel import EligibilityPanel
    from .plan_check_panel import PlanCheckPanel
    from .planning_panel import PlanningPanel
    from .reirradiation_panel import ReirradiationPanel


class _KeyGuard(QObject):
    """Makes the window's actions when a key reaches the window before they are made (see the module docstring).

    A key's ``ShortcutOverride`` comes before Qt looks the key up among the shortcuts, sent to the focused widget
    and then to its parents up to the window while none of them takes it (a widget that takes it keeps the key
    from the shortcuts anyway, e.g. Ctrl+Z in the entry field). The filter is on the window, not on the
    application: an application's Python filter is handed every object, and PySide looked for the Python type of
    each one made in C++ (~150 Qt enums, ~24 ms CPU, measured)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            self.window.make_interactive()   # a key may edit a cell (regimen_table_view's module docstring)
            self.window.ensure_actions()
        return False


class MainWindow(QMainWindow):
    """See the module docstring."""

    # made by :meth:`ensure_actions` (at once, or after the first filled paint of a window built ``deferred``)
    act_new: QAction
    act_open: QAction
    act_save: QAction
    act_save_as: QAction
    act_export: QAction
    act_import_rtplan: QAction
    act_export_report: QAction
    act_print: QAction
    act_help: QAction
    act_solver: QAction
    act_export_csv: QAction
    act_copy: QAction
    act_plan_regimen: QAction
    act_quit: QAction
    act_undo: QAction
    act_redo: QAction
    act_add: QAction
    act_duplicate: QAction
    act_delete: QAction
    act_up: QAction
    act_down: QAction
    act_sweep: QAction
    act_title: QAction
    act_prefs: QAction
    act_model_settings: QAction
    act_about: QAction
    act_working: QAction

    def __init__(self, parent: QWidget | None = None, deferred: bool = False) -> None:
        """``deferred``: the window is built empty, to be shown at once; :meth:`finish_start` then loads
        the core (numpy, the evaluation) and the case (the app's cold start)."""
        super().__init__(parent)
        self.setWindowIcon(icons.app_icon())
        self.setAcceptDrops(True)
        self.state = CaseState()
        self.undo_stack = QUndoStack(self)
        self.model = RegimenTableModel(self, deferred=deferred, state=self.state)
        self.model.undo_stack = self.undo_stack
        self.model.decimals = int(settings.get("decimals"))
        # the path, saving, the on-disk check, the lock and the autosave live in the document (issue 12)
        # deferred: the autosave session's lock after the filled paint (the app) or before the first autosave
        self.document = CaseDocument(self, self.state.case, self.undo_stack, int(settings.get("autosave_interval_ms")),
                                     start_session=not deferred)
        self.autosaver = self.document.autosaver
        status = self._status
        self.bench = Workbench(self.model)
        self._actions_built = False
        self._key_guard: _KeyGuard | None = None
        self._menus = self._build_menu_bar()   # the titles; their contents with the actions (ensure_actions)
        self.row_actions = RowActions(self.model, self.undo_stack, self.bench, status, self, self._menus["presets"])
        self.settings_actions = SettingsActions(self.model, self.undo_stack, self.bench, self.autosaver, status, self)
        self.tabs_controller = TabsController(self.state, self.model, self.undo_stack, self.bench, status,
                                              lambda: self.files.file_path or "<case>",
                                              lambda: self.files.import_rtplan())
        self.files = FileActions(self.state, self.model, self.undo_stack, self.document, self.tabs_controller,
                                 self.row_actions, self.settings_actions, self.bench, status, self)
        self.tools = ToolsController(self.state, self.model, self.row_actions, self._shortcut_actions, self,
                                     self.tabs_controller.shown_for_report)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self.undo_stack.indexChanged.connect(self._stack_changed)
        self.bench.export_button.clicked.connect(lambda: self.files.export_figure())
        self.bench.table.copyRequested.connect(self.files.copy_selection)
        # the widgets tests and scripts reach through the window
        self.tabs = self.tabs_controller.tabs
        b = self.bench
        self.entry, self.entry_status, self.add_button, self.sweep_button = b.entry, b.entry_status, b.add_button, \
            b.sweep_button
        self.presets_button, self.model_combo, self.organ_combo, self.context_label = b.presets_button, \
            b.model_combo, b.organ_combo, b.context_label
        self.table, self.banner, self.plot, self.working = b.table, b.banner, b.plot, b.working
        self.working_dock, self.full_precision, self.export_button, self.splitter = b.working_dock, \
            b.full_precision, b.export_button, b.splitter
        self.presets_menu = self.row_actions.presets_menu
        self.recent_menu = self.files.recent_menu
        self.setCentralWidget(self.tabs)
        self.statusBar().showMessage("Ready")
        if deferred:   # made after the filled table's paint, or at the first key or menu (module docstring)
            self._key_guard = _KeyGuard(self)
            self.installEventFilter(self._key_guard)
        else:
            self.ensure_actions()
        if deferred:
            self.files.update_title()
            self.statusBar().showMessage("Loading…")
            self.bench.banner.setText("Loading the regimens…")   # a line where the caveats will be
        else:
            self.new_case(ask=False)
        self.fit_to_screen()

    def fit_to_screen(self) -> None:
        """Size and place the window on the screen it is on (its available geometry; issue 21): 90 % of
        it on a large screen, nearly all of a small one, never partly off it (:mod:`.screen_fit`)."""
        screen = self.screen()
        if screen is None:
            self.resize(1280, 800)
        else:
            self.setGeometry(initial_geometry(screen.availableGeometry(), self.minimumSizeHint()))
        self.bench.fit_working()   # the docked working's height for this size, before the first show (workbench)

    def _clean_changed(self, *_: Any) -> None:
        self.files.update_title()

    def _stack_changed(self, *_: Any) -> None:
        self.files.stack_changed()

    def _status(self, text: str, timeout_ms: int) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def finish_start(self, path: str | None = None) -> None:
        """Fill a window built ``deferred``: the case file ``path``, or a new case. The status bar is left
        empty, unless a stored preference was not used (it says which)."""
        self.settings_actions.fill_organ_combo()
        if path is None or not self.open_path(path, ask=False):
            if self.model.deferred:   # nothing opened: still the empty first window
                self.new_case(ask=False)
        self.statusBar().clearMessage()
        if self.files.refused_preferences:
            self._status(" ".join(self.files.refused_preferences), 20000)

    # --- actions and menus ---------------------------------------------------------------------------
    def ensure_actions(self) -> None:
        """Make the window's actions, their shortcuts and the menus' contents, once (see the module docstring)."""
        if self._actions_built:
            return
        self._actions_built = True
        if self._key_guard is not None:
            self.removeEventFilter(self._key_guard)
            self._key_guard.deleteLater()
            self._key_guard = None
        self.settings_actions.build_model_actions()
        self._build_actions()
        self._fill_menus()
        self.files.fill_recent()

    @property
    def model_actions(self) -> dict[str, QAction]:
        """View ▸ LQ, LQ-L, USC, All three (Ctrl+1..4), by model key."""
        self.ensure_actions()
        return self.settings_actions.model_actions

    if not TYPE_CHECKING:   # a window's ``act_*`` made when first asked for (the names are declared above)
        def __getattr__(self, name: str) -> Any:
            if name.startswith("act_") and not self.__dict__.get("_actions_built", True):
                self.ensure_actions()
                return getattr(self, name)
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _act(self, text: str, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
        from PySide6.QtGui import QAction, QKeySequence

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
        from PySide6.QtCore import Qt  # after the first paint: no Qt type at start (qt_values)
        from PySide6.QtGui import QKeySequence

        K = QKeySequence.StandardKey
        files, rows, controls, tools, tabs = (self.files, self.row_actions, self.settings_actions, self.tools,
                                              self.tabs_controller)
        self.act_new = self._act("&New case", lambda: files.new_case(), K.New,
                                 "Start a new case with the default regimens")
        self.act_open = self._act("&Open…", lambda: files.open_dialog(), K.Open, "Open a saved case")
        self.act_save = self._act("&Save", lambda: files.save(), K.Save, "Save the case")
        self.act_save_as = self._act("Save &As…", lambda: files.save_as(), K.SaveAs, "Save the case under a new name")
        if self.act_save_as.shortcut().isEmpty():
            self.act_save_as.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.act_export = self._act("&Export figure…", lambda: files.export_figure(), "Ctrl+E",
                                    "Save the plot as PNG, SVG or PDF")
        self.act_import_rtplan = self._act("&Import RT Plan…", lambda: files.import_rtplan(), "Ctrl+I",
                                           "Read the prescription (total dose, fractions) of a DICOM RT Plan")
        self.act_export_report = self._act("Export &report (PDF)…", lambda: files.export_report(), "Ctrl+Shift+E",
                                           "The PDF report: inputs, regimens, plot, eligibility, planning checks")
        self.act_print = self._act("&Print report…", lambda: tools.print_report(), K.Print,
                                   "Print the report, with a preview (the same pages as the PDF)")
        if self.act_print.shortcut().isEmpty():
            self.act_print.setShortcut(QKeySequence("Ctrl+P"))
        self.act_help = self._act("&How to read this window", lambda: tools.show_help(), K.HelpContents,
                                  "The flag and its scale, the Model/α/β check, the models, shortcuts, sources")
        if self.act_help.shortcut().isEmpty():
            self.act_help.setShortcut(QKeySequence("F1"))
        self.act_solver = self._act("&Solve for a dose…", lambda: tools.solver(), "Ctrl+R",
                                    "The dose in n fractions for a target BED, or isoeffective to a regimen, under "
                                    "LQ, LQ-L or USC; results can be added to the table")
        self.act_export_csv = self._act("Export table as &CSV…", lambda: files.export_csv(), None,
                                        "The regimens table as CSV (header row with units)")
        self.act_copy = self._act("&Copy rows", files.copy_selection, QKeySequence.StandardKey.Copy,
                                  "Copy the selected rows as tab-separated text with a header row (pastes into a "
                                  "spreadsheet)")
        self.act_copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.table.addAction(self.act_copy)
        self.act_plan_regimen = self._act("&Plan the selected regimen", tabs.plan_selected_regimen, "Ctrl+Shift+P",
                                          "Open Planning for the selected row of the regimens table")
        self.act_quit = self._act("&Quit", self.close, K.Quit, "Quit sbrt-calc")
        if self.act_quit.shortcut().isEmpty():
            self.act_quit.setShortcut(QKeySequence("Ctrl+Q"))
        self.act_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcuts([QKeySequence(K.Undo)])
        self.act_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(K.Redo), QKeySequence("Ctrl+Y")])
        self.act_add = self._act("&Add regimen", self._focus_entry, "Ctrl+L", "Go to the entry field to type a regimen")
        self.act_duplicate = self._act("D&uplicate rows", rows.duplicate_selected, "Ctrl+D",
                                       "Duplicate the selected rows")
        self.act_delete = self._act("&Delete rows", rows.delete_selected, QKeySequence.StandardKey.Delete,
                                    "Delete the selected rows")
        self.act_delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.table.addAction(self.act_delete)
        self.act_up = self._act("Move row &up", lambda: rows.move_selected(-1), "Ctrl+Up", "Move the row up")
        self.act_down = self._act("Move row do&wn", lambda: rows.move_selected(1), "Ctrl+Down", "Move the row down")
        self.act_sweep = self._act("S&weep a range…", lambda: rows.sweep(), "Ctrl+Shift+W",
                                   "Add total doses from..to × fraction counts")
        self.act_title = self._act("Case &title…", files.edit_title, None, "Rename the case")
        self.act_prefs = self._act("&Preferences…", lambda: controls.preferences(), K.Preferences,
                                   "α/β, thresholds, decimals, default model")
        if self.act_prefs.shortcut().isEmpty():
            self.act_prefs.setShortcut(QKeySequence("Ctrl+,"))
        self.act_model_settings = self._act("&Model settings…", lambda: controls.model_settings(), "Ctrl+Shift+M",
                                            "Tumour α/β, EQDx reference dose, LQ-L d_T, USC parameters, "
                                            "time correction")
        self.act_about = self._act("&About sbrt-calc", lambda: tools.about(), None, "Version, sources, disclaimer")
        for a in (self.act_undo, self.act_redo, self.act_duplicate, self.act_up, self.act_down, self.act_sweep,
                  self.act_add, self.act_export, self.act_prefs, self.act_import_rtplan, self.act_export_report,
                  self.act_plan_regimen, self.act_print, self.act_help, self.act_solver):
            self.addAction(a)

    def _build_menu_bar(self) -> dict[str, QMenu]:
        """The menu bar's menus, empty (filled by :meth:`_fill_menus`), by key; each makes the actions when it is
        about to open. A menu made from a title (``addMenu(str)`` hands Python the menu, not its QAction)."""
        mb = self.menuBar()
        menus = {key: mb.addMenu(title) for key, title in (("file", "&File"), ("edit", "&Edit"),
                                                            ("presets", "Pre&sets"), ("view", "&View"),
                                                            ("tools", "&Tools"), ("help", "&Help"))}
        for menu in menus.values():
            menu.setToolTipsVisible(True)
            menu.aboutToShow.connect(self.ensure_actions)
        return menus

    def _fill_menus(self) -> None:
        from PySide6.QtGui import QKeySequence

        m = self._menus["file"]
        for a in (self.act_new, self.act_open):
            m.addAction(a)
        m.addMenu(self.recent_menu)
        m.addSeparator()
        for a in (self.act_save, self.act_save_as):
            m.addAction(a)
        m.addSeparator()
        for a in (self.act_import_rtplan, self.act_print, self.act_export_report, self.act_export_csv, self.act_export):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_quit)
        m = self._menus["edit"]
        for a in (self.act_undo, self.act_redo):
            m.addAction(a)
        m.addSeparator()
        for a in (self.act_copy, self.act_add, self.act_duplicate, self.act_delete, self.act_up, self.act_down,
                  self.act_sweep, self.act_plan_regimen):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_title)
        m.addAction(self.act_prefs)
        m = self._menus["view"]
        for a in self.model_actions.values():
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_model_settings)
        self.act_working = self.working_dock.toggleViewAction()
        self.act_working.setText("Show the &working")
        self.act_working.setShortcut(QKeySequence("Ctrl+Shift+K"))
        m.addAction(self.act_working)
        m = self._menus["tools"]
        m.addAction(self.act_solver)
        m = self._menus["help"]
        m.addAction(self.act_help)
        m.addSeparator()
        m.addAction(self.act_about)
        self.recent_menu.setToolTipsVisible(True)

    def _shortcut_actions(self) -> list[QAction]:
        """The window's actions (those with shortcuts are listed in the help)."""
        from PySide6.QtGui import QAction

        self.ensure_actions()
        return self.findChildren(QAction)

    def _focus_entry(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.bench.focus_entry()

    # --- events -------------------------------------------------------------------------------------
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

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.bench.fit_verdicts()   # the verdict columns stay in view on a small screen
        self.bench.fit_working()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.document.close():
            event.accept()
        else:
            event.ignore()

    # --- the public face: each hands over to its owner -----------------------------------------------
    def current_index(self, row: int, key: str, model: str | None = None) -> QModelIndex:
        """Index of (row, column key) — for tests and scripts."""
        return self.model.index(row, self.model.column_of(key, model))

    def current_case(self) -> Case:
        return self.state.case()

    def snapshot(self) -> tuple[Case, str | None]:
        return self.state.case(), self.file_path

    @property
    def case_title(self) -> str:
        return self.state.title

    @property
    def identifier(self) -> str | None:
        return self.state.identifier

    @property
    def sections(self) -> dict[str, Any]:
        """The sections kept as loaded (those of the tabs not built yet); see :meth:`current_case`."""
        return self.state.sections

    @property
    def report_people(self) -> dict[str, str]:
        return self.state.report_people

    @property
    def file_path(self) -> str | None:
        return self.files.file_path

    @property
    def eligibility(self) -> EligibilityPanel:
        return self.tabs_controller.eligibility

    @property
    def planning(self) -> PlanningPanel:
        return self.tabs_controller.planning

    @property
    def plan_check(self) -> PlanCheckPanel:
        return self.tabs_controller.plan_check

    @property
    def reirradiation(self) -> ReirradiationPanel:
        return self.tabs_controller.reirradiation

    def new_case(self, ask: bool = True) -> bool:
        return self.files.new_case(ask)

    def open_path(self, path: str, ask: bool = True) -> bool:
        return self.files.open_path(path, ask)

    def save(self) -> bool:
        return self.files.save()

    def save_as(self) -> bool:
        return self.files.save_as()

    def save_to(self, path: str) -> bool:
        return self.files.save_to(path)

    def maybe_save(self) -> bool:
        return self.files.maybe_save()

    def check_recovery(self, policy: str | None = None) -> bool:
        return self.files.check_recovery(policy)

    def recover(self, item: Recoverable) -> None:
        self.files.recover(item)

    def set_case_info(self, title: str, identifier: str | None) -> None:
        self.files.set_case_info(title, identifier)

    def import_rtplan(self, path: str | None = None) -> bool:
        return self.files.import_rtplan(path)

    def export_report(self, path: str | None = None, page_size: str | None = None, dialog: Any = None) -> str | None:
        return self.files.export_report(path, page_size, dialog)

    def export_csv(self, path: str | None = None) -> str | None:
        return self.files.export_csv(path)

    def export_figure(self, path: str | None = None) -> str | None:
        return self.files.export_figure(path)

    def copy_selection(self) -> str:
        return self.files.copy_selection()

    def add_from_entry(self) -> bool:
        return self.row_actions.add_from_entry()

    def add_rows(self, rows: list[CaseRegimen], text: str = "Add regimen") -> None:
        self.row_actions.add_rows(rows, text)

    def sweep(self, dialog: Any = None) -> int:
        return self.row_actions.sweep(dialog)

    def ensure_presets_menu(self) -> None:
        self.row_actions.ensure_presets_menu()

    def selected_rows(self) -> list[int]:
        return self.bench.selected_rows()

    def select_row(self, row: int) -> None:
        self.bench.select_row(row)

    def set_model(self, key: str) -> None:
        self.settings_actions.set_model(key)

    def make_interactive(self) -> None:
        """After the filled table's first paint (or at a key before it): the table's Qt flags and headers
        (:meth:`.RegimenTableView.make_interactive`), and the tab widget's skipping of layout requests that change
        nothing (:mod:`.window_tabs`). Idempotent."""
        self.table.make_interactive()
        self.tabs_controller.tabs.arm()

    def set_organ_alpha_beta(self, ab: float) -> None:
        self.settings_actions.set_organ_alpha_beta(ab)

    def model_settings(self, dialog: Any = None) -> bool:
        return self.settings_actions.model_settings(dialog)

    def preferences(self, dialog: Any = None) -> bool:
        return self.settings_actions.preferences(dialog)

    def send_lesion_to_planning(self, index: int) -> None:
        self.tabs_controller.send_lesion_to_planning(index)

    def about(self, show_modal: bool = True) -> Any:
        return self.tools.about(show_modal)

    def show_help(self, show: bool = True) -> Any:
        return self.tools.show_help(show)

    def print_report(self, dialog: Any = None) -> Any:
        return self.tools.print_report(dialog)

    def solver(self, show: bool = True) -> Any:
        return self.tools.solver(show)
