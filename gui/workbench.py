"""The Regimens tab: the entry row, the model and organ controls, the table, the caveats banner, the plot
and 'show the working' (a view: the row, settings and file actions wire themselves to its widgets).

The verdict columns (the flag, the reference, the Model/α/β check) are shown right after the
prescription and BED10 LQ, before the per-model numbers, so that they stay visible without scrolling
whichever model is shown: only the view's order changes (:meth:`QHeaderView.moveSection`); the model,
CSV and the clipboard keep the core's column order (issue 13).

The idle preparation of the other models (:mod:`.idle_preparation`) is made when first asked for
(:attr:`Workbench.preparation`; the app starts it after the filled table's paint), not with the tab (stop 28).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QItemSelectionModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
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
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .dock_state import place_bottom_dock
from .number_text import greek
from .plot_panel import PlotPanel
from .qt_values import ALIGN_CENTER, ELIDE_RIGHT, RICH_TEXT, TOOLTIP_ROLE, set_enum_property
from .regimen_table_model import RegimenTableModel
from .regimen_table_view import RegimenTableView
from .settings import MODEL_CHOICES
from .window_common import ENTRY_TIP, ERROR_STYLE
from .working_panel import WorkingPanel

if TYPE_CHECKING:
    from .idle_preparation import IdlePreparation

#: the docked working's height on a window 650 px high or more (a third of a shorter one: :meth:`fit_working`)
DOCK_HEIGHT_PX = 240

#: shown first, in this order (the rest follow in the core's order, the Warnings column last)
FIRST_COLUMNS = ("label", "total_dose_gy", "fractions", "dose_per_fraction_gy", "bed10_gy", "flag", "reference",
                 "sensitivity")


def view_order(keys: list[str], model_first: tuple[str, ...] = ()) -> list[int]:
    """Logical column indexes in the order the view shows them (see the module docstring);
    ``model_first``: the chosen model's own columns shown right after BED10 LQ, before the verdicts
    (LQ-L or USC chosen alone: its numbers in view without scrolling, issue 21)."""
    wanted = [k for k in first_keys(model_first) if k in keys]
    first = [keys.index(k) for k in wanted]
    last = [i for i, k in enumerate(keys) if k == "warnings"]
    return first + [i for i in range(len(keys)) if i not in first and i not in last] + last


def first_keys(model_first: tuple[str, ...] = ()) -> tuple[str, ...]:
    """:data:`FIRST_COLUMNS` with ``model_first`` after BED10 LQ."""
    i = FIRST_COLUMNS.index("bed10_gy") + 1
    return FIRST_COLUMNS[:i] + tuple(model_first) + FIRST_COLUMNS[i:]


#: The caveats banner of a new case under LQ (the longest of its models' banners), as :meth:`Workbench.update_banner`
#: writes it: the banner's place is kept this high from the first frame on (tests/test_polish25_app.py checks it
#: against the core's banner; shown as "Loading the regimens…" while the first window waits for the core).
NEW_CASE_BANNER = (
    "<b>⚠ High-dose caveat:</b> LQ is uncertain above 8 Gy per fraction (this tool's line): 5 of 6 rows (1–4, 6), "
    "10–15 Gy per fraction — compare LQ-L and USC (View ▸ All three, Ctrl+4).<br><b>BED10 > 70 Gy (LQ) against the "
    "regimens on the line (3, 5, 8 fx), α/β 5–20 Gy, LQ/LQ-L/USC:</b> above the line regimens in every model: 3 of 6 "
    "rows (3–4, 6); depends on the model or α/β: 2 of 6 rows (1, 5); below them in every model: 1 of 6 rows (2).")


class _FittingSplitter(QSplitter):
    """A splitter that calls :attr:`after_resize` once it has shared out a new width: the first frame of a window
    is fitted (the window's own resize comes before its children are laid out; issue 21: no layout jump)."""

    after_resize: Any = None

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.after_resize is not None:
            self.after_resize()


class _BannerBox(QWidget):
    """The caveats banner's place: holds the word-wrapped label without a layout, at the label's height for the
    box's width, and asks the window for a new layout only when that height changes.

    A QLabel's new text always asks its parent's layout to re-run (``updateGeometry``); in the tab's layout that
    re-laid out and repainted the whole window on every edit of a row (the banner's counts change), about 6 ms
    of the 16 ms an edit may take (issue 21). Here the label's request reaches this box, which re-measures one
    label and resizes itself only if the wrapped text needs more or fewer lines.
    """

    def __init__(self, label: QLabel, reserve_text: str = "") -> None:
        super().__init__()
        self.label = label
        # the box is at least as high as ``reserve_text`` needs at its width (the new case's banner), so that the
        # caveats arriving with the rows, or coming and going with an edit, do not move the table's bottom edge
        # (issue 21); a longer banner still gets all the lines it needs
        self._reserve = QLabel()
        self._reserve.setWordWrap(True)
        set_enum_property(self._reserve, "textFormat", RICH_TEXT)
        self._reserve.setText(reserve_text)
        self._reserved: dict[tuple[int, str], int] = {}
        self._heights: dict[tuple[str, int, str], int] = {}
        #: the label's text, width, height and font when its text was last laid out (:meth:`_lay_out_label`)
        self._laid_out: tuple[str, int, int, str] | None = None
        label.setParent(self)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.relayouts = 0   # how many times the window's layout was asked to re-run (tests count them)
        self._fit()

    def fit_now(self) -> None:
        """Fit the box to the label's text at once (the caller has just set it), and when its height changes,
        lay out the box's column at once: the table above takes the height the banner gives up or needs.

        Left to the label's layout request, the new height came after the window's paint: a model switch whose
        banner gained or lost a line painted the table at its old height, laid it out again and painted it a
        second time (stop 30: the switch as the app lives it ~30 -> ~22 ms CPU)."""
        if self._fit():
            parent = self.parentWidget()
            layout = parent.layout() if parent is not None else None
            if layout is not None:
                layout.activate()

    def _fit(self) -> bool:
        """Fit the box's height to the label, and lay the label's text out at its size (:meth:`_lay_out_label`);
        True if the height changed."""
        self.label.setGeometry(self.rect())
        height = self._label_height() if self.width() > 0 else self.label.sizeHint().height()
        height = max(height, self.reserved_height()) if self.label.isVisibleTo(self) else 0
        changed = height != self.minimumHeight() or height != self.maximumHeight()
        if changed:
            self.relayouts += 1
            self.setFixedHeight(height)
            self.label.setGeometry(self.rect())
        self._lay_out_label()
        return changed

    def _lay_out_label(self) -> None:
        """The label's rich text laid out at the label's size now, before its paint (once per text, size and font).

        Left to the paint, the label laid its text out inside its own paint event; that layout asks for an update,
        which Qt posts for after the paint: every new banner text (a model switch, an edit that changes the counts)
        painted the banner a second time, with the window's widgets under it (issue 21, stop 31: ~0.3-0.6 ms of CPU
        and one more window update a switch; the label's second paint was noticed in stop 30). Measuring the height
        (``heightForWidth``) lays the text out at the label's width; a resize of the label drops that layout, so it
        is done at the label's final size. It costs the layout the paint no longer does."""
        key = (self.label.text(), self.label.width(), self.label.height(), self.label.font().key())
        if key != self._laid_out and self.label.width() > 0:
            self._laid_out = key
            self.label.heightForWidth(self.label.width())

    def _label_height(self) -> int:
        """The label's height for its text at the box's width (kept per text, width and font: an edit that turns
        the counts back, a model switch back and forth, undo and redo, measure the same text again; flip25)."""
        key = (self.label.text(), self.width(), self.label.font().key())
        height = self._heights.get(key)
        if height is None:
            if len(self._heights) > 16:
                self._heights.clear()
            height = self._heights[key] = self.label.heightForWidth(self.width())
        return height

    def reserved_height(self) -> int:
        """The height the reserve text needs at the box's width in the label's font (kept per width and font)."""
        if not self._reserve.text() or self.width() <= 0:
            return 0
        key = (self.width(), self.label.font().key())
        height = self._reserved.get(key)
        if height is None:
            if len(self._reserved) > 16:
                self._reserved.clear()
            self._reserve.setFont(self.label.font())
            height = self._reserved[key] = max(self._reserve.heightForWidth(self.width()), 0)
        return height

    def event(self, event: Any) -> bool:  # noqa: D102 - Qt's
        if event.type() == QEvent.Type.LayoutRequest:   # the label's text or font changed
            self._fit()
            return True
        return super().event(event)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit()


def error_colour() -> str:
    """A red legible on the current palette (lighter on dark palettes)."""
    return "#ff7b72" if QApplication.palette().window().color().lightness() < 128 else "#c62828"


class Workbench(QWidget):
    """See the module docstring. ``model``: the regimens table it shows."""

    def __init__(self, model: RegimenTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._width_cache: dict[Any, list[int]] = {}
        self._short_window: bool | None = None
        self._style_changes = 0   # in the widths' key instead of the style's name (no QStyle at start; app27s)
        self._preparation: IdlePreparation | None = None
        self._build()

    @property
    def preparation(self) -> IdlePreparation:
        """The other models' cells, widths and plot views prepared while the app is idle (started by the app after
        the filled table's paint): made when first asked for, so that its module and timers are not part of the
        start (stop 28; until started it only drops what it prepared when the rows or settings change)."""
        if self._preparation is None:
            from .idle_preparation import IdlePreparation

            self._preparation = IdlePreparation(self)
        return self._preparation

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.StyleChange:   # another style: other margins and icon sizes
            self._style_changes += 1
        super().changeEvent(event)

    def _build(self) -> None:
        # entry row
        self.entry = QLineEdit()
        self.entry.setPlaceholderText("Type a regimen, e.g. 36/3, 3 x 12 Gy, 12 Gy x 3 (several: 36/3; 45/3) — Enter adds")
        self.entry.setToolTip(ENTRY_TIP)
        self.entry.setAccessibleName("New regimen")
        self.entry.setClearButtonEnabled(True)
        self.entry.textEdited.connect(lambda _t: self.set_entry_status("", error=False))
        entry_label = QLabel("&Add regimen:")
        entry_label.setBuddy(self.entry)
        self.add_button = QPushButton("Add")
        self.add_button.setToolTip("Add the typed regimen(s) to the table (Enter)")
        self.sweep_button = QPushButton("Sweep…")
        self.sweep_button.setToolTip("Add a range: total doses from..to in steps × fraction counts (Ctrl+Shift+W)")
        self.presets_button = QToolButton()
        self.presets_button.setText("Presets")
        self.presets_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.presets_button.setToolTip("Add regimens from the presets by site, or the shipped defaults")
        self.model_combo = QComboBox()
        for key, label in MODEL_CHOICES:
            self.model_combo.addItem(label, key)
        self.model_combo.setToolTip("Model for the table: LQ, LQ-L, USC, or all three side by side (Ctrl+1..4)")
        self.model_combo.setAccessibleName("Model")
        model_label = QLabel("&Model:")
        model_label.setBuddy(self.model_combo)
        self.organ_combo = QComboBox()
        if not self.model.deferred:   # else filled with the case (the presets' loader brings numpy)
            self.fill_organ_combo()
        self.organ_combo.setToolTip("α/β of the organ at risk for the BED/EQD2 columns beside the tumour's")
        # the window must fit a 1024-px screen (and 960 logical px at 2x): the combo shrinks, the tooltip tells all
        self.organ_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.organ_combo.setMinimumContentsLength(16)
        self.organ_combo.setAccessibleName("Organ α/β")
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
        # it takes the room the row has, up to its longest choice whole (issue 21: it was cut at 16 characters
        # with the row half empty)
        self.organ_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        row2.addWidget(self.organ_combo, 3)
        row2.addSpacing(12)
        self.context_label = QLabel()
        self.context_label.setToolTip("Tumour α/β and the BED10 lines of this case (change them in "
                                      "Edit ▸ Preferences); sources in Help ▸ About and in the working")
        self.context_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.context_label.setMinimumWidth(60)
        row2.addWidget(self.context_label, 2)
        self.entry_status = QLabel()
        self.entry_status.setAccessibleName("Entry status")
        self.entry_status.setWordWrap(True)
        self.entry_status.setMinimumWidth(100)
        self.entry_status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        # table
        self.table = RegimenTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Regimens")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        set_enum_property(self.table, "textElideMode", ELIDE_RIGHT)   # no Qt type before the paint (qt_values)
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(False)   # sorting reorders the rows (undoable); the status bar says how
        header.setSectionsClickable(True)
        header.setStretchLastSection(True)
        set_enum_property(header, "defaultAlignment", ALIGN_CENTER)
        header.setMinimumSectionSize(36)
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)   # ResizeToContents re-measures every cell on each edit
        vh.setDefaultSectionSize(self.fontMetrics().height() + 8)
        # as wide with no rows as with rows 1-9 (issue 21: the first window, no rows yet, has the filled one's layout)
        vh.setMinimumWidth(self.fontMetrics().horizontalAdvance("9") + 5)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())
        self.table.modelWasReset.connect(self._resize_columns)   # once the headers have the new columns
        self.model.contentChanged.connect(self.update_banner)
        self.table.sync_frozen()   # the frozen Regimen column takes the table's look (issue 21)
        self.table.setToolTip("Double-click or type to edit; Delete removes, Ctrl+D duplicates, Ctrl+↑/↓ moves. "
                              "Click a header to sort (undoable).")

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        set_enum_property(self.banner, "textFormat", RICH_TEXT)
        self.banner.setAccessibleName("Caveats")
        self.banner.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(4, 4, 0, 4)   # the splitter's handle is the margin on the right
        lv.addLayout(row)
        lv.addWidget(self.entry_status)
        lv.addLayout(row2)
        lv.addWidget(self.table, 1)
        self.banner_box = _BannerBox(self.banner, NEW_CASE_BANNER)
        lv.addWidget(self.banner_box)

        # right: plot above the working
        self.plot = PlotPanel(self.model)
        self.plot.pointSelected.connect(self.select_row)
        self.export_button = QPushButton("Export figure…")
        self.export_button.setToolTip("Save the plot as PNG, SVG or PDF")
        plot_box = QWidget()
        pv = QVBoxLayout(plot_box)
        pv.setContentsMargins(0, 0, 0, 0)
        pv.addWidget(self.plot, 1)
        hb = QHBoxLayout()
        hb.addStretch(1)
        hb.addWidget(self.export_button)
        pv.addLayout(hb)
        self.working = WorkingPanel(self.model, held=self.model.deferred)   # the app releases it after the paint
        right = self._working_dock(plot_box)
        self.splitter = _FittingSplitter()   # horizontal (Qt's default: no Qt.Orientation before the paint)
        self.splitter.after_resize = self.fit_verdicts
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([800, 480])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.splitter)
        if self.model.deferred:   # the first window: the columns to come, empty, at their widths (issue 21)
            self._fit_columns()

    def fill_organ_combo(self) -> None:
        """The organ-at-risk alpha/beta choices of the radiobiology presets, with display names and sources."""
        if self.organ_combo.count():
            return
        from sbrt_calc.presets.radiobiology import radiobiology  # the presets' loader brings numpy

        for t in radiobiology().tissues:
            if t.role == "oar":
                self.organ_combo.addItem(f"{t.alpha_beta_gy:g} Gy ({t.name.split(' (')[0]})", t.alpha_beta_gy)
                self.organ_combo.setItemData(self.organ_combo.count() - 1, greek(f"{t.name}: {t.source}"),
                                             TOOLTIP_ROLE)
        fm = self.organ_combo.fontMetrics()
        longest = max((fm.horizontalAdvance(self.organ_combo.itemText(i)) for i in range(self.organ_combo.count())),
                      default=0)
        self.organ_combo.setMaximumWidth(longest + 48)   # + the arrow and the frame

    def _working_dock(self, plot_box: QWidget) -> QMainWindow:
        """The plot with 'show the working' docked under it: the dock can be enlarged (drag its edge),
        floated into its own window (double-click its title) and docked back; a full-precision toggle."""
        # a widget, not a window, once the splitter takes it (QWidget.setParent resets the window type; no
        # setWindowFlags(Qt.WindowType.Widget) before the paint: no Qt type, qt_values)
        right = QMainWindow()
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
        # addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea) + resizeDocks(..., Qt.Orientation.Vertical) without
        # Qt's enums: the same state restored (no Qt type before the paint; dock_state)
        place_bottom_dock(right, self.working_dock, DOCK_HEIGHT_PX)
        return right

    # --- entry status, selection ---------------------------------------------------------------------
    def set_entry_status(self, text: str, error: bool) -> None:
        self.entry_status.setText(("⚠ " if error and text else "") + text)
        self.entry_status.setStyleSheet(ERROR_STYLE.format(colour=error_colour()) if error else "")
        self.entry.setStyleSheet(f"QLineEdit {{ border: 2px solid {error_colour()}; }}" if error else "")
        self.entry.setToolTip(text if error else ENTRY_TIP)

    def focus_entry(self) -> None:
        from PySide6.QtCore import Qt  # a key or a menu: after the first paint (no Qt type at start; qt_values)

        self.entry.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.entry.selectAll()

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def current_row(self) -> int | None:
        """The first selected row, else the current one (None: neither)."""
        rows = self.selected_rows()
        if rows:
            return rows[0]
        current = self.table.currentIndex()
        return current.row() if current.isValid() else None

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(self.model.index(row, 0))

    def _selection_changed(self, *_: Any) -> None:
        rows = self.selected_rows()
        self.plot.set_selected_rows(set(rows))
        current = self.table.currentIndex()
        self.working.set_row(current.row() if current.isValid() else (rows[0] if rows else None))

    # --- columns, splitter, dock ---------------------------------------------------------------------
    def _resize_columns(self) -> None:
        # the widths set at once, in the reset's own turn, so that the table is laid out and painted once with them
        # (flip25: a fit deferred to the next turn painted the table a second time): widths measured before for this
        # view (a model switch back and forth) from the cache; a view not measured yet too, now that measuring its
        # cells costs ~10-25 ms for 57 rows (column_widths; app26: a first visit's deferred fit repainted the table)
        self._fit_columns()

    def prepare_widths(self, settings: Any) -> bool:
        """Fit the columns of ``settings``' view (another model's) into the widths cache, as a switch to it would
        (:meth:`_fit_columns`: the same widths); False when they were there. The model reads ``settings``' cells
        meanwhile, without a signal; the header hints come from a header of their own (the table's has the shown
        model's columns), made like the table's and dropped."""
        model = self.model
        if model.deferred or settings == model.settings():
            return False
        with model.as_settings(settings):
            key = self._width_key()
            if self._cached_widths(key) is not None:
                return False
            from PySide6.QtCore import Qt  # the idle preparation, after the first paint (qt_values)

            shown = self.table.horizontalHeader()
            probe = QHeaderView(Qt.Orientation.Horizontal, self.table)
            probe.hide()
            probe.setDefaultAlignment(shown.defaultAlignment())
            probe.setHighlightSections(shown.highlightSections())
            probe.setSortIndicatorShown(shown.isSortIndicatorShown())
            probe.setSectionsClickable(shown.sectionsClickable())
            probe.setMinimumSectionSize(shown.minimumSectionSize())
            probe.setMaximumSectionSize(shown.maximumSectionSize())
            probe.setTextElideMode(shown.textElideMode())
            probe.setFont(shown.font())
            probe.setModel(model)
            probe.reset()   # its sections made (a header no view lays out has none until then)
            try:
                from .column_widths import content_widths

                low, high = shown.minimumSectionSize(), shown.maximumSectionSize()
                widths = [min(max(w, low), high) for w in content_widths(self.table, probe)]
            finally:
                probe.setModel(None)
                probe.setParent(None)
                probe.deleteLater()
            widths = self._fitted(widths)
        if sum(widths) <= self.table.viewport().width():
            # the Warnings column would be stretched: its width is the header's after the others are set (the
            # switch fits these columns itself)
            return False
        self._store_widths(key, widths)
        return True

    def _fitted(self, widths: list[int]) -> list[int]:
        """The fit's rules applied to the columns' content widths (:meth:`_fit_columns`): each column's floor and
        cap, the verdicts at one width, the Warnings column's bounds."""
        cols = self.model.column_keys()
        widths = list(widths)
        icon = self.table.decoration_width()   # the icon size or the style's small one, as the cells draw it
        fm = self.table.fontMetrics()
        for i, c in enumerate(cols):
            if c == "warnings":
                continue
            cap = 220 if c == "sensitivity" else 160   # 'depends on model' whole, the Warnings cell too
            floor = 48
            # the verdict columns as wide as their widest possible word with its icon, whatever the rows: 'not
            # reached' whole, and the same widths before and after the rows arrive (issue 21: no layout jump)
            # (+ 13: the cell's margins, the icon's spacing and the grid line, as a cell's own size hint)
            if c in ("flag", "reference"):
                floor = fm.horizontalAdvance("not reached") + icon + 13
            elif c == "sensitivity":
                from sbrt_calc.vocabulary import DEPENDS_SHORT, VERDICT_SHORT

                floor = max(fm.horizontalAdvance(t) for t in (*VERDICT_SHORT.values(), *DEPENDS_SHORT.values()))
                floor += icon + 13
            widths[i] = min(max(widths[i], floor), cap)
        verdicts = [i for i, c in enumerate(cols) if c in ("flag", "reference")]
        if verdicts:   # the two verdict columns hold the same words: one width (at 2x one of them elided them)
            widest = max(widths[i] for i in verdicts)
            for i in verdicts:
                widths[i] = widest
        if cols:   # the Warnings column (stretched when there is room): its short text whole, up to 480 px (issue 21:
            # the text shows in the cell, the tooltip holds the full sentences)
            widths[-1] = min(max(widths[-1], 60), 480)
        return widths

    def _store_widths(self, key: Any, widths: list[int]) -> None:
        if len(self._width_cache) > 8:
            self._width_cache.clear()
        if key is not None:
            self._width_cache[key] = widths

    def _width_key(self) -> Any:
        # measuring every cell costs ~15 ms: the widths are kept per (settings, rows, decimals, font, style),
        # so that switching the model back and forth does not measure again (not while deferred: no settings yet)
        return None if self.model.deferred else (
            self.model.settings(), self.model.decimals, self.table.font().key(), self._style_changes,
            tuple((r.label, r.total_dose_gy, r.fractions, r.error) for r in self.model.rows()))

    def _cached_widths(self, key: Any = None) -> list[int] | None:
        """The widths fitted before for this view (its key: :meth:`_width_key`), or None."""
        key = self._width_key() if key is None else key
        widths = self._width_cache.get(key) if key is not None else None
        return widths if widths is not None and len(widths) == len(self.model.column_keys()) else None

    def _fit_columns(self) -> None:
        # the widths are set with the header's signals blocked, and the view told once after: each sectionResized
        # made QTableView schedule (a zero timer, after the coming paint) a repaint of the table from that column
        # to its right edge, so that every model switch and the start's fill painted the table twice (stop 29)
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        try:
            self._fit_column_widths(header)
        finally:
            header.blockSignals(False)
        # the columns ordered before the view is told: one layout of its geometry for the widths and the order
        # (told after each, a switch that moved sections laid the table out twice; issue 21, stop 31)
        moved = self._order_sections()
        self._tell_view(moved)
        self.fit_verdicts()

    def _fit_column_widths(self, header: Any) -> None:
        cols = self.model.column_keys()
        key = self._width_key()
        widths = self._cached_widths(key) if key is not None else None
        if widths is not None:
            for i, w in enumerate(widths):
                header.resizeSection(i, w)
            return
        from .column_widths import resize_to_contents

        resize_to_contents(self.table)   # Qt's widths, measuring only the widest cells (issue 21)
        widths = self._fitted([header.sectionSize(i) for i in range(len(cols))])
        for i, w in enumerate(widths[:-1]):
            header.resizeSection(i, w)
        if cols:   # the Warnings column (stretched when there is room) as the others leave it, bounded
            header.resizeSection(len(cols) - 1, min(max(header.sectionSize(len(cols) - 1), 60), 480))
        self._store_widths(key, [header.sectionSize(i) for i in range(len(cols))])

    def model_first(self) -> tuple[str, ...]:
        """The chosen model's tumour BED column when LQ-L or USC is shown alone (LQ's BED10 is already
        first; all three side by side keep the core's order)."""
        chosen = self.model.chosen_model()   # while deferred, the preferred one (its columns to come)
        if chosen not in ("lql", "usc"):
            return ()
        return tuple(k for k, m in zip(self.model.column_keys(), self.model.column_models(), strict=True)
                     if m == chosen)[:1]

    def order_columns(self) -> None:
        """Put the view's columns in :func:`view_order`, scrolled to the start (the chosen model's
        numbers among the first columns)."""
        self._tell_view(self._order_sections(), widths=False)

    def _tell_view(self, moved: bool, widths: bool = True) -> None:
        """Tell the table, once, what the header's blocked signals kept from it (the widths set, ``moved``: the
        sections moved), and scroll it to the start."""
        if widths or moved:
            self.table.columns_fitted()
        if moved:
            self.table.viewport().update()
        self.table.horizontalScrollBar().setValue(0)

    def _order_sections(self) -> bool:
        """The header's sections moved to :func:`view_order` with its signals blocked, each keeping its width; True
        if any moved (the view is not told: :meth:`_tell_view`)."""
        header = self.table.horizontalHeader()
        order = view_order(self.model.column_keys(), self.model_first())
        sizes = [header.sectionSize(i) for i in range(header.count())]
        # the sections are moved with the header's signals blocked, and the view told once after: QTableView answers
        # each ``sectionMoved`` by laying out its geometry (scroll range, headers, the frozen column's place) and
        # repainting the columns moved; a switch between the models moved 3-5 sections (issue 21, stop 31)
        header.blockSignals(True)
        try:
            moved = self._move_sections(header, order)
            if moved:   # each column keeps its width: after a model switch with no event between it and a change of
                # the rows, moving sections left a verdict column with another column's width ('not re…' cut; issue 21)
                for i, size in enumerate(sizes):
                    if header.sectionSize(i) != size:
                        header.resizeSection(i, size)
        finally:
            header.blockSignals(False)
        return moved

    @staticmethod
    def _move_sections(header: Any, order: list[int]) -> bool:
        """Move ``header``'s sections to ``order`` (logical indexes, in visual order); True if any moved."""
        moved = False
        for visual, logical in enumerate(order):
            current = header.visualIndex(logical)
            if current != visual:
                header.moveSection(current, visual)
                moved = True
        return moved

    def fit_verdicts(self) -> None:
        """Widen the table's side of the splitter (the plot keeping >= 320 px, or its 240-px minimum in a
        window under 1100 px) until the columns up to the verdicts are in view without scrolling."""
        header = self.table.horizontalHeader()
        keys = self.model.column_keys()
        needed = sum(header.sectionSize(keys.index(k)) for k in first_keys(self.model_first()) if k in keys)
        vh = self.table.verticalHeader()
        needed += max(vh.width(), vh.minimumWidth()) + 2 * self.table.frameWidth() + 12   # + the layout margins
        left, right = self.splitter.sizes()
        # the splitter's width is set before its sizes are (a window being shown lays out its splitter when it is
        # painted first): the sizes scaled to that width, so that the first frame is fitted already (issue 21)
        total = self.splitter.width() - self.splitter.handleWidth()
        if total > 0 and left + right > 0 and left + right != total:
            left = round(left * total / (left + right))
            right = total - left
        # below 1100 px (a 1024 screen, a 2x laptop screen) the plot's minimum (issue 21: the chosen model's column
        # beside the verdicts)
        floor = 320 if self.window().width() >= 1100 else 240   # 240: USC alone whole in a 1024-px screen's window
        if left < needed and right > floor:
            new_left = min(needed, left + right - floor)
            self.splitter.setSizes([new_left, left + right - new_left])

    def fit_working(self) -> None:
        """On a short window (a 2x laptop screen) the docked working takes a third of the height, not 240 px,
        so that the plot stays readable; done when the window crosses 650 px, not on every resize.

        The window calls it once before it is first shown, at its first size: the dock is as built then, so its
        height is restored with the built state (:func:`.dock_state.place_bottom_dock`; nothing to do at 240 px)
        instead of ``resizeDocks`` with a ``Qt.Orientation`` (no Qt type before the first paint)."""
        height = self.window().height()
        short = height < 650
        if short != self._short_window and not self.working_dock.isFloating():
            first = self._short_window is None and not self.window().isVisible()
            self._short_window = short
            h = max(120, height // 3) if short else DOCK_HEIGHT_PX
            dock_parent = self.working_dock.parentWidget()
            if isinstance(dock_parent, QMainWindow):
                if first:
                    if h != DOCK_HEIGHT_PX:
                        place_bottom_dock(dock_parent, self.working_dock, h)
                    return
                from PySide6.QtCore import Qt  # after the first paint (a resize)

                dock_parent.resizeDocks([self.working_dock], [h], Qt.Orientation.Vertical)

    # --- the caveats banner --------------------------------------------------------------------------
    def update_banner(self) -> None:
        from sbrt_calc.summary import banner

        parts = []
        for line in banner(self.model.evaluation()):
            text = f"<b>{line.head}</b> {line.text}"
            if line.kind == "invalid":
                text = f"<span style='color:{error_colour()}'>{text}</span>"
            parts.append(text)
        self.banner.setText(greek("<br>".join(parts)))
        self.banner_box.fit_now()
