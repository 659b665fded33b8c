"""The regimens table view: Ctrl+C (the platform's Copy key) copies the selected *rows* with a header,
as Edit ▸ Copy rows does, instead of Qt's default single current cell; the Regimen column stays in view
when the table scrolls sideways (a frozen first column, issue 21).

The frozen column is Qt's frozen-column pattern: a second :class:`QTableView` laid over the first
column, sharing the model and the selection model, showing only the first logical column (the Regimen,
always shown first), scrolled vertically with the table. It takes no keyboard focus (the keys, Copy
included, stay with the table); a click selects the row in both, a double-click edits the label.

Until the filled table's first paint the view touches no ``Qt`` namespace enum (stop 29: PySide makes that type, 93
enums, ~15-27 ms CPU, at the first touch). A model that is not yet ``interactive`` (the app's first window's:
:meth:`.RegimenTableModel.make_interactive`) has no Python ``headerData``; :meth:`RegimenTableView.make_interactive`,
right after that paint (the app calls it; the view's own paint, a key or a click calls it too), gives it one.

The headers never read the model: both horizontal headers and the table's vertical header read a C++ mirror (a
:class:`QStandardItemModel` with the model's column and row counts, its column labels and tooltips, Qt's default row
numbers, and the table's selection for the sections' selected look: the same pixels). Before the install that keeps
Qt's enums away; from then on it keeps every header paint in C++ (stop 30: a model switch's headers asked the Python
model ~1,000 ``headerData`` calls, each with a ``Qt.Orientation`` made, plus the model's ``rowCount`` and
``columnCount``); the mirror is refilled when the model's columns, rows or labels change (a reset, a model switch).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QPalette, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyleOptionViewItem, QTableView, QWidget

from .qt_values import DISPLAY_ROLE, NO_FOCUS, SCROLL_BAR_ALWAYS_OFF, TOOLTIP_ROLE, set_enum_property
from .regimen_table_model import RegimenTableModel


def python_viewport(view: QAbstractItemView) -> QWidget:
    """Give ``view`` a viewport made in Python, set up as Qt's own (its name, the Base background filled, the
    Text foreground): the same pixels, but the first ``viewport()`` call from Python no longer makes PySide
    look for the C++ viewport's most derived Python type, which loads every lazily loaded QtWidgets class that
    derives from QWidget (~60 classes with their enums, 7-10 ms CPU of the cold start; app27s, stop 27).

    Returns
    -------
    QWidget
        The new viewport (owned by ``view``).
    """
    viewport = QWidget()
    viewport.setObjectName("qt_scrollarea_viewport")   # as QAbstractScrollArea names its own
    viewport.setBackgroundRole(QPalette.ColorRole.Base)
    viewport.setForegroundRole(QPalette.ColorRole.Text)
    viewport.setAutoFillBackground(True)
    view.setViewport(viewport)
    return viewport


class RegimenTableView(QTableView):
    """A QTableView whose Copy key emits :attr:`copyRequested` (the window copies the rows), with the
    first column frozen (:attr:`frozen`)."""

    copyRequested = Signal()
    #: the model was reset and the headers have its sections (their mirror refilled): what the window fits and
    #: orders the columns on
    modelWasReset = Signal()
    #: whether the view makes itself interactive in the turn after its first filled paint (:meth:`make_interactive`):
    #: any window, whoever built it; the app's benchmark run, which quits after that paint, sets it False (the
    #: install's cost, the ``Qt`` type, comes after the table is on screen, like matplotlib's)
    install_after_paint = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: what the headers read (module docstring), or None
        self._mirror: QStandardItemModel | None = None
        #: the (signal, slot) pairs that keep the mirror as the model, disconnected at the install
        self._mirror_links: list[tuple[Any, Any]] = []
        self._install_queued = False
        self._geometry_depth = 0   # updateGeometries calls under way (nested ones place nothing)
        python_viewport(self)
        self.frozen = QTableView(self)
        f = self.frozen
        python_viewport(f)
        f.setObjectName("frozen_regimen_column")
        f.setAccessibleName("Regimens (first column)")
        set_enum_property(f, "focusPolicy", NO_FOCUS)
        f.verticalHeader().hide()
        f.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        f.horizontalHeader().setSectionsClickable(True)
        set_enum_property(f, "horizontalScrollBarPolicy", SCROLL_BAR_ALWAYS_OFF)
        set_enum_property(f, "verticalScrollBarPolicy", SCROLL_BAR_ALWAYS_OFF)
        f.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        f.setFrameShape(QTableView.Shape.NoFrame)
        f.setStyleSheet("QTableView#frozen_regimen_column { border-right: 1px solid palette(mid); }")
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.viewport().stackUnder(f)
        self.horizontalHeader().sectionResized.connect(self._section_resized)
        self.verticalHeader().sectionResized.connect(lambda i, _o, n: f.setRowHeight(i, n))
        self.verticalScrollBar().valueChanged.connect(f.verticalScrollBar().setValue)
        f.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        f.horizontalHeader().sectionClicked.connect(lambda s: self.horizontalHeader().sectionClicked.emit(s))
        f.pressed.connect(lambda _index: self.make_interactive())   # a click on the frozen column before the install
        f.hide()

    # --- the frozen column ---------------------------------------------------------------------------
    def setModel(self, model: QAbstractItemModel | None) -> None:  # noqa: N802 - Qt's name
        super().setModel(model)
        f = self.frozen
        f.setModel(model)
        f.setSelectionModel(self.selectionModel())
        self._drop_mirror()
        if model is not None:
            if isinstance(model, RegimenTableModel):
                self._mirror_headers(model)
            for signal, slot in self._after_headers(model):
                signal.connect(slot)
        self.sync_frozen()

    def _after_headers(self, model: Any) -> tuple[tuple[Any, Any], ...]:
        """The model's signals whose slots here must run after the headers' own (their sections first)."""
        return ((model.modelReset, self._model_reset), (model.columnsInserted, self._columns_changed),
                (model.columnsRemoved, self._columns_changed), (model.layoutChanged, self._columns_changed))

    def _model_reset(self) -> None:
        self.sync_frozen()
        self.modelWasReset.emit()

    def _columns_changed(self, *_: Any) -> None:
        self.sync_frozen()

    # --- the headers' C++ mirror (module docstring) ------------------------------------------------------
    def _headers(self) -> tuple[QHeaderView, ...]:
        return self.horizontalHeader(), self.frozen.horizontalHeader(), self.verticalHeader()

    @property
    def _interactive(self) -> bool:
        """The model has Qt's ``flags`` and ``headerData`` (always, but for the app's first window's until the
        install: :meth:`make_interactive`)."""
        return bool(getattr(self.model(), "interactive", True))

    @property
    def header_model(self) -> QStandardItemModel | None:
        """The C++ model the headers read (module docstring), or None (no model, or one without ``header_value``)."""
        return self._mirror

    def _mirror_headers(self, model: Any) -> None:
        """Show the model's column labels (and row numbers) in the headers through a C++ mirror (module docstring)."""
        mirror = self._mirror = QStandardItemModel(self)
        self._fill_mirror()
        selection = QItemSelectionModel(mirror, mirror)
        for header in self._headers():
            header.setModel(mirror)
            header.setSelectionModel(selection)
        # connected before the frozen column's sync and the window's column fit (setModel's callers): the headers
        # have the model's sections when those run
        # a reset of the model is not one of the mirror (its columns and rows set to the model's, its labels
        # changed): the headers keep their sections' state, which the window's fit sets again (widths, order), and
        # no section is made again (a reset of the mirror, clear(), cost the table a second full paint after each
        # model switch: the last section's stretch, made again in the next turn, resized it)
        self._mirror_links = [(model.modelReset, self._mirror_reset)]
        self._mirror_links += [(signal, self._mirror_changed) for signal in (
            model.columnsInserted, model.columnsRemoved, model.rowsInserted, model.rowsRemoved, model.rowsMoved,
            model.layoutChanged, model.headerDataChanged)]
        self._mirror_links.append((self.selectionModel().selectionChanged, self._mirror_selected))
        for signal, slot in self._mirror_links:
            signal.connect(slot)

    def _drop_mirror(self) -> None:
        """The mirror's upkeep disconnected (another model, or none, is set)."""
        for signal, slot in self._mirror_links:
            signal.disconnect(slot)
        self._mirror_links = []
        if self._mirror is not None:
            self._mirror.deleteLater()
        self._mirror = None

    def _mirror_changed(self, *_: Any) -> None:
        self._fill_mirror()

    def _mirror_reset(self) -> None:
        """The mirror refilled after a reset of the model, the table not told of a new column count: QTableView
        answers the header's ``sectionCountChanged`` by laying its geometry out with the old widths (a horizontal
        range that the fit changes again), and the window's fit lays it out once more with the new ones
        (:meth:`columns_fitted`; issue 21, stop 31: one ``updateGeometries`` of ~6 a model switch that changes the
        column count). Without a fit the view is still laid out: a reset schedules Qt's own items layout
        (``doItemsLayout``, which runs ``updateGeometries``) before the next paint. Not before the install (the
        start's fill is left as it is)."""
        header = self.horizontalHeader()
        mirror = self._mirror
        if mirror is None or not self._interactive or mirror.columnCount() == self.model().columnCount():
            self._fill_mirror()
            return
        header.blockSignals(True)
        try:
            self._fill_mirror()
        finally:
            header.blockSignals(False)

    def _mirror_selected(self, *_: Any) -> None:
        self._mirror_selection()

    def _fill_mirror(self) -> None:
        """The mirror's columns, rows (Qt's default labels: the rows' numbers), column labels and tooltips, as the
        model's, and the table's selection."""
        mirror, model = self._mirror, self.model()
        if mirror is None or model is None:
            return
        assert isinstance(model, RegimenTableModel), "a mirror only for the regimens' model (setModel)"
        columns, rows = model.columnCount(), model.rowCount()
        if mirror.columnCount() != columns:
            mirror.setColumnCount(columns)
        if mirror.rowCount() != rows:
            mirror.setRowCount(rows)
        if self._interactive:
            self._mirror_labels_at_once(columns)
        else:
            mirror.setHorizontalHeaderLabels(self._labels(columns))
        self._mirror_selection()

    def _labels(self, columns: int) -> list[str]:
        model: Any = self.model()
        return [str(model.header_value(c, True, DISPLAY_ROLE) or "") for c in range(columns)]

    def _mirror_labels_at_once(self, columns: int) -> None:
        """The mirror's column labels and tooltips set with its signals blocked, and the headers told once.

        Each label and tooltip set told the three headers on its own (``headerDataChanged``: each drops its size hint,
        runs its posted resizes and repaints that section): 2 x 13-18 columns x 3 headers a model switch (issue 21,
        stop 32). One signal for every column after leaves the headers as the single ones did (their size hint
        measured again, their sections repainted). After the install: the signal takes a ``Qt.Orientation``."""
        from PySide6.QtCore import Qt  # after the first paint (make_interactive)

        mirror = self._mirror
        assert mirror is not None
        mirror.blockSignals(True)
        try:
            mirror.setHorizontalHeaderLabels(self._labels(columns))
            self._mirror_tooltips()
        finally:
            mirror.blockSignals(False)
        if columns:
            mirror.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, columns - 1)

    def _mirror_tooltips(self) -> None:
        """The columns' tooltips in the mirror (a header's tooltip asks for them; set once the model is interactive:
        they take ``Qt`` enums)."""
        mirror, model = self._mirror, self.model()
        if mirror is None or not isinstance(model, RegimenTableModel):
            return
        from PySide6.QtCore import Qt  # after the first paint (make_interactive)

        value, horizontal = model.header_value, Qt.Orientation.Horizontal
        for c in range(mirror.columnCount()):
            mirror.setHeaderData(c, horizontal, value(c, True, TOOLTIP_ROLE), TOOLTIP_ROLE)

    def _mirror_selection(self) -> None:
        """The table's selection in the mirror: the sections it touches are drawn selected."""
        mirror = self._mirror
        if mirror is None:
            return
        ours = QItemSelection()
        if self._interactive:   # range by range (QItemSelectionRange: a type made after the first paint)
            for selected in self.selectionModel().selection():  # type: ignore[attr-defined]
                ours.select(mirror.index(selected.top(), selected.left()),
                            mirror.index(selected.bottom(), selected.right()))
        else:
            # cell by cell: iterating the selection's ranges would make PySide's QItemSelectionRange type (one more
            # type before the paint); only the app's selected first row is there before the install
            for index in self.selectionModel().selectedIndexes():
                cell = mirror.index(index.row(), index.column())
                ours.select(cell, cell)
        self.horizontalHeader().selectionModel().select(ours, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def make_interactive(self) -> None:
        """After the filled table's first paint: the model's Qt ``flags`` and ``headerData``
        (:meth:`.RegimenTableModel.make_interactive`), and the column tooltips in the headers' mirror. Idempotent."""
        if self._interactive:
            return
        self.model().make_interactive()  # type: ignore[attr-defined]
        self._mirror_tooltips()
        self.sync_frozen()    # the look sync_frozen leaves until now

    def paintEvent(self, e: Any) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(self._uncovered(e))
        model: Any = self.model()
        if (not self._interactive and not self._install_queued and self.install_after_paint and model.rowCount()
                and not model.deferred):
            self._install_queued = True   # the filled table's first paint: interactive in the next turn
            QTimer.singleShot(0, self.make_interactive)

    def _uncovered(self, e: Any) -> Any:
        """The paint event ``e`` of the viewport without the part the frozen column covers: the cells under it are
        never seen (the overlay's viewport fills its background), and QTableView paints only the cells its event's
        region meets. Painted there, the table's own first column asked the Python model ~190 calls of every switch
        of 57 rows (``data``, ``flags``, ``rowCount``, ``columnCount``; ~10 % of the paint; issue 21). The painter's
        clip is the backing store's, so the pixels left unpainted are the viewport's filled background, under the
        overlay. Not before the install (:meth:`make_interactive`): the types it makes (``QRegion``, ``QPaintEvent``)
        are kept out of the start's first paint (tests/test_gui_start_qt_count.py)."""
        f = self.frozen
        if not f.isVisible() or not self._interactive:
            return e
        from PySide6.QtCore import QRect
        from PySide6.QtGui import QPaintEvent, QRegion

        covered = QRect(self.viewport().mapFrom(self, f.geometry().topLeft()), f.size())
        region = e.region().subtracted(QRegion(covered))
        if region == e.region():
            return e
        return QPaintEvent(region)

    def mousePressEvent(self, e: Any) -> None:  # noqa: N802 - Qt's name
        self.make_interactive()   # a click before the first paint's turn (a double-click edits)
        super().mousePressEvent(e)

    def sync_frozen(self) -> None:
        """Show only the first logical column in the overlay, with the table's look and sizes."""
        f, model = self.frozen, self.model()
        if model is None or model.columnCount() == 0:
            f.hide()
            return
        f.setSelectionBehavior(self.selectionBehavior())
        f.setSelectionMode(self.selectionMode())
        f.setEditTriggers(self.editTriggers())
        f.setAlternatingRowColors(self.alternatingRowColors())
        f.setWordWrap(self.wordWrap())
        if self._interactive:   # Qt-namespace enums: not before the first paint (module docstring); till then
            # both views keep Qt's defaults, the window's choice (ElideRight, a horizontal header's AlignCenter)
            f.setTextElideMode(self.textElideMode())
            f.horizontalHeader().setDefaultAlignment(self.horizontalHeader().defaultAlignment())
        f.verticalHeader().setDefaultSectionSize(self.verticalHeader().defaultSectionSize())
        self._hide_frozen_columns(model.columnCount())
        f.setColumnWidth(0, self.columnWidth(0))
        f.show()
        self._place_frozen()

    def _hide_frozen_columns(self, columns: int) -> None:
        """Every column of the overlay hidden but the first, with its header's signals blocked, and the overlay told
        once. A hidden section is one resized to 0: QTableView's answer to ``sectionResized`` schedules (a zero
        timer, after the coming paint) a repaint of the view from that column to its right edge, which the overlay,
        one column wide, took whole. A model switch that adds columns (LQ's 12 -> LQ-L's 13 -> all three's 18)
        painted the frozen column twice (issue 21, stop 31: ~0.5 ms of CPU and one more window update a switch)."""
        f = self.frozen
        changed = [c for c in range(columns) if f.isColumnHidden(c) != (c != 0)]
        if not changed:
            return
        header = f.horizontalHeader()
        header.blockSignals(True)
        try:
            for c in changed:
                f.setColumnHidden(c, c != 0)
        finally:
            header.blockSignals(False)
        f.updateGeometries()   # what the view's own answer would have done, but the repaint
        f.viewport().update()  # the overlay's cells as its columns now are (in the coming paint, if one is due)

    def columns_fitted(self) -> None:
        """The columns' widths were set with the header's signals blocked (the window's fit): what a resize tells
        the view, once — its geometry (scroll range) and the frozen column's width. The cells are painted with the
        new widths by the paint to come (no second paint from QTableView's column-resize timer)."""
        self.frozen.setColumnWidth(0, self.columnWidth(0))
        self.updateGeometries()

    def _section_resized(self, logical: int, _old: int, new: int) -> None:
        if logical == 0:
            self.frozen.setColumnWidth(0, new)
            self._place_frozen()

    def _place_frozen(self) -> None:
        fw = self.frameWidth()
        header_height = self.horizontalHeader().height()
        if self.frozen.horizontalHeader().height() != header_height:   # the rows line up with the table's
            self.frozen.horizontalHeader().setFixedHeight(header_height)
            self.frozen.updateGeometries()   # its viewport's margin for the new height (it may keep its size)
        self.frozen.setGeometry(self.verticalHeader().width() + fw, fw, self.columnWidth(0),
                                self.viewport().height() + self.horizontalHeader().height())

    def resizeEvent(self, e: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(e)
        if self._geometry_depth == 0:   # the viewport's resize inside updateGeometries: placed at its end
            self._place_frozen()

    def updateGeometries(self) -> None:  # noqa: N802 - Qt's name
        """Qt's, then the frozen column placed, at the outermost call only.

        Qt's layout resizes the viewport (its new margins) before it gives the header its new height, and the
        viewport's resize calls this again, nested, where Qt's own part returns at once: the frozen column placed
        there took the new viewport with the old header, and the outer call placed it back. A switch whose header
        changed height (LQ's two lines -> LQ-L's three -> USC's four) resized the frozen column and its viewport
        twice more than needed, each with a layout of its own (issue 21, stop 32)."""
        self._geometry_depth += 1
        try:
            super().updateGeometries()
        finally:
            self._geometry_depth -= 1
        if self._geometry_depth == 0 and hasattr(self, "frozen"):
            self._place_frozen()

    def scrollTo(self, index: QModelIndex | QPersistentModelIndex, hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible) -> None:  # noqa: N802, E501
        """As the table's, but a cell is never left hidden behind the frozen column."""
        if index.isValid() and index.column() != 0:
            super().scrollTo(index, hint)
            x = self.visualRect(index).x()
            frozen_width = self.columnWidth(0)
            if x < frozen_width:
                bar = self.horizontalScrollBar()
                bar.setValue(max(0, bar.value() - (frozen_width - x)))
        elif index.isValid():
            super().scrollTo(self.model().index(index.row(), 0), hint)   # the row only: the column is always shown

    def decoration_width(self) -> int:
        """The width, in pixels, of the icons the view draws in its cells (its icon size, or the style's small
        icon size), as Qt's own :meth:`initViewItemOption` gives it to the delegate. Asked this way, not through
        ``style().pixelMetric``, so that the start does not make PySide's ``QStyle`` type (~10 ms CPU with its
        enums; app27s, stop 27)."""
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        return option.decorationSize.width()

    # --- copy ----------------------------------------------------------------------------------------
    # QKeySequence is imported where a key is handled: at module level it made its type with its three enums
    # (StandardKey ~180 members; ~1.2 ms CPU) before the filled table, which needs no key (stop 28, types28)
    def event(self, e: Any) -> bool:
        if not self._interactive and e.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            self.make_interactive()   # a key before the first paint's turn (a key edits the current cell)
        if e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent):
            from PySide6.QtGui import QKeySequence

            if e.matches(QKeySequence.StandardKey.Copy):
                e.accept()       # handle it here (keyPressEvent), not as the window's shortcut
                return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        from PySide6.QtGui import QKeySequence

        if e.matches(QKeySequence.StandardKey.Copy):
            self.copyRequested.emit()
            e.accept()
            return
        super().keyPressEvent(e)
