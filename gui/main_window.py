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

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QResizeEvent, QUndoStack
from PySide6.QtWidgets import (
    QMainWindow,
    QWidget,
)

from . import icons, settings
from .case_document import CaseDocument
from .regimen_table_model import RegimenTableModel

if TYPE_CHECKING:
    from .eligibility_panel import EligibilityPanel
    from .planning_panel import PlanningPanel


from .window_common import ELIGIBILITY_TAB, PLANNING_TAB  # noqa: F401 - re-exported for tests
from .window_files import WindowFiles
from .window_layout import WindowLayout
from .window_rows import WindowRows
from .window_tabs import WindowTabs
from .window_tools import WindowTools


class MainWindow(WindowLayout, WindowTabs, WindowFiles, WindowRows, WindowTools, QMainWindow):
    """See the module docstring. ``recover`` is 'ask' (dialog), 'yes' or 'no' for crash recovery."""

    def __init__(self, parent: QWidget | None = None, deferred: bool = False) -> None:
        """``deferred``: the window is built empty, to be shown at once; :meth:`finish_start` then loads
        the core (numpy, the evaluation) and the case (the app's cold start)."""
        super().__init__(parent)
        self.setWindowIcon(icons.app_icon())
        self.setAcceptDrops(True)
        self.case_title = "Untitled case"
        self.identifier: str | None = None
        #: the report's optional people fields (export dialog): prepared_by, checked_by, patient_reference
        self.report_people: dict[str, str] = {}
        self.sections: dict[str, Any] = {}
        self._eligibility: EligibilityPanel | None = None   # built when first needed (see the module docstring)
        self._planning: PlanningPanel | None = None
        self._plan_check: Any = None
        self.undo_stack = QUndoStack(self)
        self.model = RegimenTableModel(self, deferred=deferred)
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
        if deferred:
            self._update_title()
            self.statusBar().showMessage("Loading…")
        else:
            self.new_case(ask=False)
        self.resize(1280, 800)

    def finish_start(self, path: str | None = None) -> None:
        """Fill a window built ``deferred``: the case file ``path``, or a new case."""
        self._syncing = True
        try:
            self._fill_organ_combo()
        finally:
            self._syncing = False
        if path is None or not self.open_path(path, ask=False):
            if self.model.rowCount() == 0 and self.model.columnCount() == 0:
                self.new_case(ask=False)

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

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_verdicts()   # the verdict columns stay in view on a small screen
        self.fit_working()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.document.close():
            event.accept()
        else:
            event.ignore()

    def current_index(self, row: int, key: str, model: str | None = None) -> QModelIndex:
        """Index of (row, column key) — for tests and scripts."""
        return self.model.index(row, self.model.column_of(key, model))
