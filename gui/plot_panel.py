"""The plot beside the table: the core's plot (:mod:`sbrt_calc.report.plot`) of the table's evaluation.

matplotlib is imported lazily (:meth:`PlotPanel.ensure_canvas`, called after the window is shown) so
that the cold start stays close to a bare PySide6 window. The core's :func:`~sbrt_calc.report.plot.draw_plot`
draws everything when the model, thresholds or range change (the same function draws the report's
plot); an edit moves only the points, which are animated artists blitted over a cached background.

A new view's full draw (layout, ticks, every text: 0.25-0.55 s of CPU at 1280 x 800) is rendered off the GUI
thread when the event loop asks for it (issue 21: nothing over 250 ms in the GUI thread): the render worker (one
thread for the process's life, stop 32: :class:`_RenderWorker`) builds
the new view (its axes and artists; stop 30) and draws the figure into a renderer of its own (:class:`_Render`),
the canvas keeps showing the last image meanwhile, and the finished image is swapped in on the GUI thread. The figure is never touched from two threads at once: any
change of the plot (an edit, a selection, a resize, an export, :meth:`PlotPanel.draw_now`) first waits for a
render in flight to finish (:meth:`PlotPanel.wait_for_render`). No Qt widget is touched off the GUI thread.
"""

from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QSizePolicy, QVBoxLayout, QWidget

if TYPE_CHECKING:   # numpy and the core's plot load with the canvas, after the window is shown
    from sbrt_calc.report.plot import PlotData

from .qt_values import ALIGN_CENTER, set_enum_property
from .regimen_table_model import RegimenTableModel


class PlotPanel(QWidget):
    """The viewed model's BED vs total dose with the table's regimens as points (selection linked both ways)."""

    pointSelected = Signal(int)     # row of the table
    #: a preparation's render ended (drawn, cancelled or failed; :meth:`prepare_view`)
    preparationEnded = Signal()

    def __init__(self, model: RegimenTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.canvas: Any = None
        self.figure: Any = None
        self._ax: Any = None
        self.data: PlotData | None = None
        self._view_handles: dict[str, Any] = {}
        #: a new view to build (its key) when the event loop is next idle, or when the plot is next read or changed
        #: (:meth:`_build_view`): a model switch's own turn updates the table only (issue 21)
        self._pending_view: Any = None
        self._background: Any = None
        self._exporting = False      # a save in progress: its draw is the file's, not the screen's (see export)
        self._selected: set[int] = set()
        self._static_key: Any = None
        self._full_draw_pending = False
        self._views: dict[Any, tuple[Any, dict[str, Any], Any, tuple[int, int], Any]] = {}
        self._view_key: Any = None
        self._job: _Render | None = None    # a full draw being rendered off the GUI thread
        self._paint_watch: _AfterWindowPaint | None = None   # starts that full draw after the window's paint
        #: the plot's data of the evaluations seen last, by identity (:meth:`_plot_data_of`)
        self._plot_data: dict[tuple[int, ...], tuple[Any, PlotData]] = {}
        #: views built and drawn before the user switched to them (:meth:`prepare_view`; app27v), by view key: kept
        #: in :attr:`_views` like a view seen before, dropped by :meth:`drop_prepared` (an edit, a setting)
        self._prepared: set[Any] = set()
        #: draw a new view off the GUI thread when the event loop asks for it (False: in the GUI thread, as
        #: :meth:`draw_now` always does)
        self.render_in_background = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._placeholder = QLabel("Loading the plot…")
        set_enum_property(self._placeholder, "alignment", ALIGN_CENTER)   # no Qt type at start (qt_values)
        layout.addWidget(self._placeholder)
        self.setMinimumWidth(240)   # workbench.fit_verdicts: a 1024-px window's plot gives way to the verdicts
        self.setToolTip("BED against total dose, one curve per fraction count; click a point to select its row")
        # every settings change emits contentChanged first (the model's contract): one refresh, not two
        model.contentChanged.connect(self.refresh)

    def ensure_canvas(self) -> None:
        if self.canvas is not None:
            return
        from matplotlib.figure import Figure
        from PySide6.QtCore import Qt  # after the first paint: no Qt type at start (qt_values)

        self.figure = Figure(figsize=(5, 4), layout="constrained")
        self.canvas = _canvas_class()(self.figure, self)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.canvas.setToolTip(self.toolTip())
        self.canvas.setAccessibleName("BED plot")
        self.ax = self.figure.add_subplot()
        self.canvas.mpl_connect("draw_event", self._on_draw)
        self.canvas.mpl_connect("pick_event", self._on_pick)
        self.canvas.mpl_connect("resize_event", self._on_resize)
        layout = self.layout()
        assert layout is not None   # set in __init__
        layout.removeWidget(self._placeholder)
        self._placeholder.deleteLater()
        layout.addWidget(self.canvas)
        self.refresh()

    @property
    def ax(self) -> Any:
        """The shown view's axes (a new view pending is built first, one being built off the GUI thread waited for)."""
        if self._pending_view is not None or self._building_elsewhere():
            self.wait_for_render()
        return self._ax

    @ax.setter
    def ax(self, ax: Any) -> None:
        self._ax = ax

    @property
    def _handles(self) -> dict[str, Any]:
        """The shown view's artists by name (a new view pending is built first, one being built off the GUI thread
        waited for)."""
        if self._pending_view is not None or self._building_elsewhere():
            self.wait_for_render()
        return self._view_handles


    @_handles.setter
    def _handles(self, handles: dict[str, Any]) -> None:
        self._view_handles = handles

    def _building_elsewhere(self) -> bool:
        """True in any thread but a render's own while that render builds its view (:meth:`_draw_later`)."""
        job = self._job
        return job is not None and job.build is not None and not job.in_worker()

    @staticmethod
    def _dark() -> bool:
        return QApplication.palette().window().color().lightness() < 128

    def refresh(self) -> None:
        """Bring the plot up to date with the table: a full draw when the static part changed, else the points.

        A view not drawn before is built (its axes and artists: ~30 ms of CPU for 57 rows) when the event loop is
        next idle, by the thread of its full draw (:meth:`_draw_later`), or as soon as the plot is read or changed:
        a model switch's own turn of the event loop updates the table, and the plot shows its last image meanwhile.
        """
        if self.canvas is None:
            return
        data = self._plot_data_of(self.model.evaluation())    # (nothing here the render reads or changes)
        key = self._static_key_of(data)
        self._stop_drawing_of((key, len(data.points)))
        self._join_render()
        self.data = data
        pending = self._pending_view
        shown = pending[1] if pending is not None else len(self._view_handles.get("labels", ()))
        if key != self._static_key or len(data.points) != shown:
            self._static_key = key
            self._pending_view = None      # a view pending and not built yet is superseded
            if self._switch_to_cached((key, len(data.points)), data):
                return
            self._pending_view = (key, len(data.points))
            self._background = None
            self._blit()                   # the build and the full draw, when the event loop is idle
        elif pending is None:
            self._move_points(data)
            self._blit()
        # else: the view pending is built with these data

    def _stop_drawing_of(self, view_key: Any) -> None:
        """Stop the shown view's render in flight when it draws ``view_key``'s view (:data:`_ANY_VIEW`: whichever it
        draws), which the change under way (an edit, a selection) keeps: its image would be drawn again at once with
        the new points anyway (:meth:`_Render.stop_drawing`).

        Why (issue 21, stop 32): an edit during a first visit's render waited for the rest of it (~100 ms wall,
        57 rows; only a preparation's render was stopped). A render of another view (the change makes a new view:
        a model switch, a new axis range) is waited for, as before: its view is kept, drawn."""
        job = self._job
        if job is not None and job.prepare is None and (view_key is _ANY_VIEW or job.view_key == view_key):
            job.stop_drawing()

    def _static_key_of(self, data: PlotData) -> Any:
        """What a view's full draw depends on (beside the number of points): a view is kept per key."""
        return (data.title, data.y_label, data.xmax_gy, round(data.ymax_gy, 3), data.horizontal, data.crossings,
                tuple(c[0] for c in data.curves), data.no_curve, self._dark(), self._narrow())

    def _build_view(self, build: tuple[Any, bool, PlotData] | None = None) -> None:
        """Build the pending new view (see :meth:`refresh`) for the latest data: its axes, the core's plot on it,
        the legend, the ring of the selection, the points' labels; its full draw stays pending.

        ``build``: what :meth:`_take_pending_view` took on the GUI thread, the view then built by a render's thread
        (:meth:`_draw_later`; nothing here touches a Qt object: the palette and the canvas's size are the view key's).
        """
        view_key, fresh, data = build if build is not None else self._take_pending_view()
        if fresh:
            self.ax = self.figure.add_subplot()
            self._show_axes(self.ax)
        self._view_key = view_key
        self._handles = self._draw_view(self._ax, data, clear=not fresh, dark=view_key[0][-2], narrow=view_key[0][-1])
        self._background = None
        # which point labels show (all, or only the selected rows' when crowded): set now, not at the next
        # edit (issue 21: a first visit to another model showed every label)
        self._move_points(data)

    def _draw_view(self, ax: Any, data: PlotData, clear: bool, dark: bool, narrow: bool | tuple[bool, bool],
                   cancel: Any = None) -> dict[str, Any]:
        """The core's plot of ``data`` on ``ax``, its legend, the ring and the points (see :meth:`_build_view`);
        ``dark`` and ``narrow`` as :meth:`_dark` and :meth:`_narrow` said when the view was asked for. Returns the
        view's artists by name. No Qt object is touched (a render's thread builds views). ``cancel``: an event
        checked between the steps (a preparation: :class:`Cancelled` raised once it is set)."""
        from sbrt_calc.report.plot import draw_plot

        def check() -> None:
            if cancel.is_set():
                raise Cancelled

        # checked between the core's steps too (each a few ms at most; stop 30: an edit arriving during the build
        # waited for the whole draw_plot, ~20 ms, sharing the interpreter with it)
        step = check if cancel is not None else None

        if dark:
            self.figure.set_facecolor("#202124")
            ax.set_facecolor("#2b2c30")
        # a new view's axes is new (nothing to clear); a narrow plot makes its own legend (_fit_legend)
        handles = draw_plot(ax, data, dark=dark, animated_points=True, compact=bool(narrow), clear=clear,
                            legend=not narrow, step=step)
        if step is not None:
            step()
        ax.title.set_wrap(True)   # a narrow window wraps the title instead of clipping it
        if narrow:   # the y axis's label on two lines (at 2x it ran off the canvas's top and bottom)
            label = ax.yaxis.label
            label.set_text(label.get_text().replace(", ", ",\n", 1))
        self._fit_legend(ax, handles, dark, narrow)
        if step is not None:
            step()
        handles["ring"] = ax.scatter([], [], s=190, facecolors="none", edgecolors="#FFB000", linewidths=2.4,
                                     zorder=6, animated=True)
        return handles

    # --- views: one axes per static part, kept with its rendered background (a model switch and back) ----
    #: how many drawn views are kept (the four model choices)
    MAX_VIEWS = 4

    def _size(self) -> tuple[int, int]:
        return int(self.canvas.width()), int(self.canvas.height())

    def _switch_to_cached(self, view_key: Any, data: PlotData) -> bool:
        """Show the view drawn before for ``view_key`` (its axes and background, no redraw); False if none."""
        view = self._views.get(view_key)
        if view is None:
            return False
        ax, handles, background, size, position = view
        self._prepared.discard(view_key)   # a prepared view, now seen: kept as any view seen before
        self._show_axes(ax)
        ax.set_position(position)
        self.ax, self._handles, self._view_key = ax, handles, view_key
        self._views[view_key] = self._views.pop(view_key)    # most recently used last
        self._background = background if size == self._size() else None
        if self._background is not None:
            self._full_draw_pending = False   # (one asked for a view since superseded)
            composite = handles.get("composite")
            if composite is not None and composite[0] is background and composite[1] == (
                    data.points, frozenset(self._selected)):
                # the same points and selection over the same background as when the view was last shown (or
                # prepared): its image then, no point moved or drawn (stop 30: ~2.5-3.4 ms of a switch)
                self.canvas.restore_region(composite[2])
            else:
                self._move_points(data)
                self.canvas.restore_region(self._background)
                self._draw_animated(keep=True)
            self.canvas.update()   # painted with the table in one pass of the event loop (blit repaints at once)
        else:
            self._move_points(data)
            self._blit()
        return True

    def _take_pending_view(self) -> tuple[Any, bool, PlotData]:
        """On the GUI thread, the pending view taken for :meth:`_build_view`: (its key, True when it gets a fresh
        axes, else the first view's, which may hold an earlier drawing; the data), the oldest views dropped beyond
        :attr:`MAX_VIEWS` (their axes removed: a fresh axes replaces the shown one)."""
        view_key, self._pending_view = self._pending_view, None
        data = self.data
        assert view_key is not None and data is not None
        fresh = bool(self._views) or self._view_key is not None
        while len(self._views) >= self.MAX_VIEWS:
            old_key = next(iter(self._views))
            old_ax = self._views.pop(old_key)[0]
            self._prepared.discard(old_key)
            if fresh or old_ax is not self._ax:
                old_ax.remove()
        return view_key, fresh, data

    def forget_views(self) -> None:
        """Drop every view but the one shown, their axes removed from the figure (benchmarks and tests: the next
        switch to another model is a first visit; clearing ``_views`` alone left their axes, thousands of objects
        each, in the figure, and the garbage collector's pauses grew with them)."""
        self.wait_for_render()
        for ax in list(self.figure.axes if self.figure is not None else ()):
            if ax is not self.ax:
                ax.remove()
        self._views.clear()
        self._prepared.clear()

    def _show_axes(self, ax: Any) -> None:
        for other in self.figure.axes:
            other.set_visible(other is ax)
            other.set_in_layout(other is ax)   # a hidden view keeps the geometry its background was drawn with

    def _narrow(self) -> bool | tuple[bool, bool]:
        if self.canvas is None or self.canvas.width() >= 520:
            return False
        return True, self.canvas.height() < 320

    def _fit_legend(self, ax: Any, artists: dict[str, Any], dark: bool, narrow: bool | tuple[bool, bool]) -> None:
        """The core's legend on ``ax`` (its view's ``artists``), in one column when the canvas is narrow, kept out
        of the layout (it sits inside the axes and must not shrink them), and in the palette's colours."""
        legend = ax.get_legend()
        if legend is None and not narrow:
            return
        if narrow:
            # one column (two would be wider than the axes), smaller on a short canvas, where it covers least of the
            # curves, points and the lines' labels (issue 21: with the 1-, 2- and 8-fraction curves the upper left
            # corner was not enough; matplotlib's 'best' weighs what it would cover)
            short = isinstance(narrow, tuple) and narrow[1]   # (the canvas under 320 px high)
            handles, labels = ax.get_legend_handles_labels()
            legend = self._least_covering_legend(ax, artists, handles, labels, dict(
                fontsize=5 if short else 5.5, framealpha=0.85, ncols=1, handlelength=1.4, borderaxespad=0.3,
                labelspacing=0.15 if short else 0.2))
        legend.set_in_layout(False)
        if dark:
            legend.get_frame().set_facecolor("#2b2c30")
            legend.get_frame().set_edgecolor("#5f6368")
            for text in legend.get_texts():
                text.set_color("#e8eaed")

    #: where a narrow plot's legend may go, in order of preference (the upper left is empty of curves)
    LEGEND_PLACES = ("upper left", "lower right", "center left", "upper center")

    def _least_covering_legend(self, ax: Any, artists: dict[str, Any], handles: list[Any], labels: list[str],
                               style: dict[str, Any]) -> Any:
        """The legend at the first of :attr:`LEGEND_PLACES` covering the fewest points and lines' labels.

        The place is chosen when the legend is drawn (:class:`_LeastCoveringLegend`), after the figure's layout:
        no layout run and no legend built or measured per candidate here (issue 21: that cost 284-523 ms of
        CPU on every first visit to a model at 1280 x 800).
        """
        legend = _least_covering_legend_class()(
            ax, handles, labels, places=self.LEGEND_PLACES,
            points=[artists[name] for name in ("up", "down") if name in artists],
            texts=list(artists.get("line_labels", [])), loc=self.LEGEND_PLACES[0], **style)
        ax.legend_ = legend          # as Axes.legend does
        legend._remove_method = ax._remove_legend
        return legend

    def _on_resize(self, _event: Any) -> None:
        if self.data is not None and self._static_key is not None and self._narrow() != self._static_key[-1]:
            self._static_key = None
            self.refresh()

    def _move_points(self, data: PlotData, handles: dict[str, Any] | None = None) -> None:
        """The points, their labels (which show) and the ring's rows of ``data`` on a view's artists (``handles``,
        default the shown view's)."""
        import numpy as np

        from sbrt_calc.report.plot import CURVE_STYLE, OTHER_COLOUR

        handles = self._handles if handles is None else handles

        up = [p for p in data.points if p.flag_reached]
        down = [p for p in data.points if not p.flag_reached]
        for name, pts in (("up", up), ("down", down)):
            artist = handles[name]
            artist.set_offsets(np.array([[p.x_gy, p.y_gy] for p in pts]) if pts else np.empty((0, 2)))
            artist.set_facecolors([CURVE_STYLE.get(p.fractions, (OTHER_COLOUR,))[0] for p in pts] or "white")
            handles[f"{name}_rows"] = [p.row for p in pts]
        crowded = len(data.points) > 12     # then only the selected rows are numbered
        selected = frozenset(self._selected)
        for label, p in zip(handles["labels"], up + down, strict=True):
            label.xy = (p.x_gy, p.y_gy)
            label.set_text(p.number)
            label.set_visible(not crowded or p.row in selected)
        # what the animated layer now shows (its ring too: _draw_animated), the key of its image kept for a switch
        handles["shown"] = (data.points, selected)

    def set_selected_rows(self, rows: set[int]) -> None:
        self._selected = set(rows)
        if self.canvas is not None and self.data is not None and self._pending_view is None:   # (else: shown by
            # the new view when it is built)
            # the selection keeps whichever view is drawn: a shown render in flight stops, as for an edit, and the
            # view is drawn again once the window has painted (a click on a row within ~0.1 s of a model switch
            # waited for the first visit's whole render; stop 32)
            self._stop_drawing_of(_ANY_VIEW)
            self.wait_for_render()
            self._move_points(self.data)
            self._blit()

    def _highlighted(self) -> list[tuple[float, float]]:
        if self.data is None:
            return []
        return [(p.x_gy, p.y_gy) for p in self.data.points if p.row in self._selected]

    def _animated(self, handles: dict[str, Any] | None = None) -> list[Any]:
        handles = self._handles if handles is None else handles
        if not handles:
            return []
        return [handles["down"], handles["up"]] + [lb for lb in handles["labels"] if lb.get_visible()]

    def _on_draw(self, event: Any) -> None:
        if self._exporting:
            # a save draws the figure for the file, at the file's resolution and, for SVG and PDF, on a canvas of
            # that format (no Agg renderer): neither its image nor its size is the screen's
            return
        # in a render off the GUI thread, the canvas's renderer is the render's own (see _canvas_class), and the
        # canvas's size was read on the GUI thread when the render began
        job = self._job
        if job is not None and job.prepare is not None and job.in_worker():   # a view prepared: kept by the job
            job.background = self.canvas.copy_from_bbox(self.figure.bbox)
            job.position = job.prepare[1].get_position()
            try:   # and its image with the points, for a switch to it with the same points and selection
                self._draw_animated(keep=True, handles=job.prepare[2], background=job.background)
            except Cancelled:   # (the background is whole: kept; the switch draws the points)
                job.prepare[2].pop("composite", None)
            return
        size = job.size if job is not None and job.in_worker() else self._size()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        if self._view_key is not None:
            self._views[self._view_key] = (self.ax, self._handles, self._background, size, self.ax.get_position())
        try:
            self._draw_animated(keep=True)
        except Cancelled:   # a render stopped now (an edit: _stop_drawing_of): its background is whole, the edit
            self._handles.pop("composite", None)   # draws the points

    def _draw_animated(self, keep: bool = False, handles: dict[str, Any] | None = None, background: Any = None) -> None:
        """Draw the animated layer (the points, the labels shown, the ring of the selection, as the last
        :meth:`_move_points` set them) over the canvas's buffer, which holds the view's background.

        ``keep``: the image is kept with the view's artists (``handles``, default the shown view's; over
        ``background``, default :attr:`_background`), keyed by that background and what the layer shows, so that a
        switch back to the view with the same points and selection restores it instead (:meth:`_switch_to_cached`).
        """
        handles = self._handles if handles is None else handles
        for a in self._animated(handles):
            self.figure.draw_artist(a)
        shown = handles.get("shown")
        ring = handles.get("ring")
        if ring is not None:
            import numpy as np

            # the rows selected when the points were moved (the same as self._highlighted() but in a render's thread
            # while the GUI thread changes the selection: then the kept image matches its key)
            pts = [(p.x_gy, p.y_gy) for p in shown[0] if p.row in shown[1]] if shown is not None else []
            ring.set_offsets(np.array(pts) if pts else np.empty((0, 2)))
            self.figure.draw_artist(ring)
        background = self._background if background is None else background
        if keep and shown is not None and background is not None:
            handles["composite"] = (background, shown, self.canvas.copy_from_bbox(self.figure.bbox))

    def _blit(self) -> None:
        if self._background is None:
            # one full draw when the event loop is next idle (or at once in draw_now); not matplotlib's
            # draw_idle, whose pending flag survives an explicit draw() and made the next paint draw again
            if not self._full_draw_pending:
                self._full_draw_pending = True
                self._after_window_paint().arm(self._draw_later)
            return
        self.canvas.restore_region(self._background)
        self._draw_animated()
        self.canvas.update()   # the buffer is ready: painted with the table in one pass (blit repainted at once)

    def _after_window_paint(self) -> _AfterWindowPaint:
        """The panel's :class:`_AfterWindowPaint` (made when first needed)."""
        watch = self._paint_watch
        if watch is None:
            watch = self._paint_watch = _AfterWindowPaint(self)
        return watch

    def _draw_later(self) -> None:
        """The pending full draw, when the event loop is idle: off the GUI thread (see the module docstring)."""
        if not self._full_draw_pending or self.canvas is None:
            return
        if not self.render_in_background:
            self.draw_now()
            return
        # the busy state while the new view is built and drawn (issue 21: anything over 100 ms shows a busy state)
        from PySide6.QtCore import Qt  # after the first paint: no Qt type at start (qt_values)

        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        # a new view pending is built by the render's thread before its draw (~30 ms of CPU for 57 rows taken off
        # the GUI thread; stop 30): the figure is the render's until it ends, as for the draw
        build = self._take_pending_view() if self._pending_view is not None else None
        self._full_draw_pending = False
        width, height = self.canvas.get_width_height(physical=True)
        # a renderer that can stop (an edit during the render: _stop_drawing_of)
        job = _Render(self, _cancellable_renderer(width, height, self.figure.dpi), (width, height, self.figure.dpi),
                      self._size(), build=build, view_key=build[0] if build is not None else self._view_key)
        self._job = job
        job.start()

    def full_draw_coming(self) -> bool:
        """True when a full draw of the figure is pending or being rendered (see :meth:`_draw_later`)."""
        return self._full_draw_pending or self._job is not None or self._pending_view is not None

    def wait_for_render(self) -> None:
        """Finish a full draw being rendered off the GUI thread (waiting for it), and build a new view pending
        (:meth:`refresh`), so that the figure can be read or changed; nothing when neither is."""
        self._join_render()
        if self._pending_view is not None:
            self._build_view()

    def _join_render(self) -> None:
        """Finish a full draw being rendered off the GUI thread (waiting for it); nothing when none is."""
        job = self._job
        if job is not None:
            if job.prepare is not None:   # a preparation gives way at once (it is drawn again when idle)
                job.cancel.set()
            job.thread.join()
            self._finish_render(job)

    def _finish_render(self, job: _Render) -> None:
        """On the GUI thread, once ``job``'s thread has ended: its image shown (unless the canvas changed size
        meanwhile: then drawn again), the busy cursor restored."""
        if job.finished:
            return
        job.finished = True
        if job.prepare is not None:
            self._finish_preparation(job)
            return
        QApplication.restoreOverrideCursor()
        if self._job is not job:
            return
        self._job = None
        if job.error is not None and job.build is not None and not job.built:
            self._background = None
            raise job.error   # the view's build failed: raised on the GUI thread, where it is seen
        if isinstance(job.error, Cancelled):   # stopped for an edit (_stop_drawing_of): drawn again when idle
            self._background = None
            self._blit()
            return
        canvas = self.canvas
        if job.error is None and canvas.get_width_height(physical=True) + (self.figure.dpi,) == job.key:
            job.cancel.clear()   # (a stop asked once the draw was whole) the canvas's renderer from now on: it draws
            canvas.renderer, canvas._lastKey = job.renderer, job.key   # what FigureCanvasAgg.draw leaves
            canvas.update()
            return
        self._background = None      # resized meanwhile, or the render failed: drawn again
        if job.error is not None:
            self.draw_now()           # in the GUI thread, so that an error is raised where it can be seen
            return
        self._blit()

    # --- views prepared while the app is idle (app27v; driven by :mod:`.idle_preparation`) -----------------
    def can_prepare(self) -> bool:
        """True when a view can be prepared now: the canvas is shown and nothing of its own is pending or drawing."""
        return (self.canvas is not None and self.data is not None and self._job is None
                and not self._full_draw_pending and self._pending_view is None and self.canvas.isVisible())

    def preparing(self) -> bool:
        """True while a preparation's render is in flight."""
        return self._job is not None and self._job.prepare is not None

    def is_prepared(self, evaluation: Any) -> bool:
        """True when a switch to ``evaluation``'s view finds it drawn (prepared, or seen before at this size)."""
        view = self._views.get(self._views_key_of(evaluation)[1])
        return view is not None and view[3] == self._size()

    def _views_key_of(self, evaluation: Any) -> tuple[PlotData, Any]:
        data = self._plot_data_of(evaluation)
        return data, (self._static_key_of(data), len(data.points))

    #: how many evaluations' plot data are kept (:meth:`_plot_data_of`)
    MAX_PLOT_DATA = 8

    def _plot_data_of(self, evaluation: Any) -> PlotData:
        """The core's :func:`~sbrt_calc.report.plot.plot_data` of ``evaluation``, kept for the evaluations seen last.

        The table's model makes a new :class:`~sbrt_calc.evaluation.Evaluation` each time, of the settings and row
        results it keeps per model (frozen): an evaluation of the same settings and row objects is the same, and
        its plot data too (a switch back to a model computed them again: ~1-2 ms; stop 30). Kept with the
        evaluation, so that the objects' ids in the key are not reused meanwhile.
        """
        from sbrt_calc.report.plot import plot_data

        key = (id(evaluation.settings), *map(id, evaluation.rows))
        kept = self._plot_data.pop(key, None)
        data = kept[1] if kept is not None else plot_data(evaluation)
        self._plot_data[key] = (evaluation, data)     # the most recent last
        while len(self._plot_data) > self.MAX_PLOT_DATA:
            self._plot_data.pop(next(iter(self._plot_data)))
        return data

    def prepare_view(self, evaluation: Any) -> bool:
        """Build the view of ``evaluation`` (another model's, as :meth:`refresh` would build it after a switch)
        hidden and draw it, both off the GUI thread (:meth:`_build_prepared`), so that a switch to it shows it at once
        (:meth:`_switch_to_cached`). The canvas keeps showing the shown view's image meanwhile. Any change of the
        plot cancels the render (:meth:`_join_render`); :attr:`preparationEnded` is emitted when it ends. False:
        nothing started (drawn already, or the panel busy: :meth:`can_prepare`)."""
        if not self.can_prepare():
            return False
        data, view_key = self._views_key_of(evaluation)
        if view_key == self._view_key:
            return False
        view = self._views.get(view_key)
        if view is not None:
            if view[3] == self._size():
                return False
            del self._views[view_key]     # drawn at another size (the window was resized): drawn again
            self._prepared.discard(view_key)
            view[0].remove()
        width, height = self.canvas.get_width_height(physical=True)
        job = _Render(self, _cancellable_renderer(width, height, self.figure.dpi), (width, height, self.figure.dpi),
                      self._size(), prepare=(view_key, None, {}), prepare_data=data)
        self._job = job
        job.start()
        return True

    def _build_prepared(self, job: _Render) -> None:
        """In a preparation's thread, before its draw: the view's axes (hidden views' and the shown one's hidden:
        only it is drawn; the canvas's image is not touched) and artists, on the panel's own axes and artists
        nowhere (the GUI thread keeps using the shown view meanwhile). Stops with :class:`Cancelled` between steps
        once the preparation is cancelled (about 30 ms of CPU for 57 rows in all; stop 30: in the GUI thread before)."""
        assert job.prepare is not None and job.prepare_data is not None
        view_key, data = job.prepare[0], job.prepare_data
        ax = self.figure.add_subplot()
        job.prepare = (view_key, ax, {})     # (removed by _finish_preparation if not kept)
        if job.cancel.is_set():
            raise Cancelled
        handles = self._draw_view(ax, data, clear=False, dark=view_key[0][-2], narrow=view_key[0][-1],
                                  cancel=job.cancel)
        self._move_points(data, handles)
        if job.cancel.is_set():
            raise Cancelled
        job.prepare = (view_key, ax, handles)
        self._show_axes(ax)

    def _finish_preparation(self, job: _Render) -> None:
        """On the GUI thread: a preparation's view kept (if drawn whole at the canvas's size) or dropped."""
        if self._job is job:
            self._job = None
        assert job.prepare is not None
        view_key, ax, handles = job.prepare
        if self.figure is not None and self._ax is not None:
            self._show_axes(self._ax)
        if ax is None:   # cancelled before its axes was made
            self.preparationEnded.emit()
            return
        drawn = (job.error is None and job.background is not None and self.canvas is not None
                 and self.canvas.get_width_height(physical=True) + (self.figure.dpi,) == job.key)
        if drawn and view_key not in self._views:
            while len(self._views) >= self.MAX_VIEWS:   # the oldest view not shown gives way
                old = next((k for k in self._views if self._views[k][0] is not self._ax), None)
                if old is None:
                    break
                self._prepared.discard(old)
                self._views.pop(old)[0].remove()
            if len(self._views) < self.MAX_VIEWS:
                self._views[view_key] = (ax, handles, job.background, job.size, job.position)
                self._prepared.add(view_key)
                self.preparationEnded.emit()
                return
        ax.remove()
        self.preparationEnded.emit()

    def prepared_views(self) -> set[Any]:
        """The keys of the views prepared and not yet shown."""
        return set(self._prepared)

    def drop_prepared(self) -> None:
        """Forget the views prepared and not yet shown (their axes removed; a render in flight cancelled if a
        preparation, else waited for: the figure is the render's meanwhile)."""
        self.stop_preparation()
        if self._prepared:
            self._join_render()
        for key in list(self._prepared):
            view = self._views.pop(key, None)
            if view is not None and view[0] is not self._ax:
                view[0].remove()
        self._prepared.clear()

    def stop_preparation(self) -> None:
        """Stop a preparation in flight at its next drawing call and wait for it (its view is not kept)."""
        if self.preparing():
            self._join_render()

    def draw_now(self) -> None:
        """Render synchronously if a full draw is pending (benchmarks and tests; points are blitted at once)."""
        self.wait_for_render()
        pending, self._full_draw_pending = self._full_draw_pending, False
        if self.canvas is not None and (pending or self._background is None):
            # a new view's full draw takes 0.2-0.4 s of CPU (text layout): the app shows it is busy meanwhile
            # (issue 21: anything over 100 ms shows a busy state)
            from PySide6.QtCore import Qt  # after the first paint: no Qt type at start (qt_values)

            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
            try:
                self.canvas.draw()
            finally:
                QApplication.restoreOverrideCursor()

    def title(self) -> str:
        return self.ax.get_title() if self.ax is not None else ""

    def _on_pick(self, event: Any) -> None:
        rows = self._handles.get("up_rows", []) if event.artist is self._handles.get("up") else (
            self._handles.get("down_rows", []) if event.artist is self._handles.get("down") else [])
        if rows and len(event.ind):
            self.pointSelected.emit(rows[int(event.ind[0])])

    def select_point_at(self, total_dose_gy: float, bed_gy: float) -> int | None:
        """The row of the point nearest (total, BED) in data units (for keyboard/test use)."""
        if self.data is None or not self.data.points:
            return None
        xs, ys = self.data.xmax_gy, self.data.ymax_gy
        best = min(self.data.points, key=lambda p: math.hypot((p.x_gy - total_dose_gy) / xs, (p.y_gy - bed_gy) / ys))
        self.pointSelected.emit(best.row)
        return best.row

    def point_rows(self) -> list[int]:
        return sorted(p.row for p in self.data.points) if self.data else []

    def export(self, path: str | Path) -> Path:
        """Save the figure; the format follows the suffix (.png, .svg, .pdf)."""
        self.ensure_canvas()
        self.wait_for_render()
        p = Path(path)
        fmt = p.suffix.lower().lstrip(".")
        if fmt not in ("png", "svg", "pdf"):
            raise ValueError(f"cannot export {p.name!r}: use .png, .svg or .pdf")
        import io

        from sbrt_calc.atomic_write import write_bytes_atomic  # in memory, then an atomic replace

        animated = self._animated()
        for a in animated:
            a.set_animated(False)    # animated artists are left out of a saved figure
        buf = io.BytesIO()
        self._exporting = True
        try:
            self.figure.savefig(buf, format=fmt, dpi=200 if fmt == "png" else None)
        finally:
            self._exporting = False
            for a in animated:
                a.set_animated(True)
        return write_bytes_atomic(p, buf.getvalue(), kind=fmt)   # never over a file of another kind


class _AfterWindowPaint(QObject):
    """Runs a callback in the turn after the panel's window next paints (its ``UpdateRequest``: Qt paints every
    widget waiting for it there), or after :attr:`FALLBACK_MS` without one (a hidden window, nothing to paint).

    Why (issue 21, stop 31): a full draw's render thread holds the interpreter most of the time, and the GUI thread
    waits for it (up to Python's switch interval, 5 ms) at each entry into Python, a paint's included. Started by a
    zero timer in the switch's own turn, the render began before the window's paint (Qt posts that paint at a low
    priority): a first visit's table showed ~17 ms later than its own CPU time says (wall 28-30 ms after the
    switch, then a second batch of paints at 45-58 ms). The new view's render now starts once the window is
    painted."""

    #: without the window's paint within this time, the callback runs anyway
    FALLBACK_MS = 50

    def __init__(self, panel: QWidget) -> None:
        super().__init__(panel)
        self._panel = panel
        self._callback: Any = None
        self._watched: QWidget | None = None
        self._armed = 0   # how many times armed (a fallback or paint of an earlier arming does nothing)

    def arm(self, callback: Any) -> None:
        """Run ``callback`` after the window's next paint (at once in a zero timer when the window is hidden)."""
        window = self._panel.window()
        if not window.isVisible():
            QTimer.singleShot(0, callback)
            return
        self._release()
        self._callback = callback
        self._watched = window
        window.installEventFilter(self)
        self._armed += 1
        armed = self._armed
        QTimer.singleShot(self.FALLBACK_MS, lambda: self._fire(armed))   # (an earlier arming's fallback: ignored)

    def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt's name
        if obj is self._watched and event.type() == _UPDATE_REQUEST:
            self._release()
            armed = self._armed
            QTimer.singleShot(0, lambda: self._fire(armed))   # after this event: the paint it makes
        return False

    def _release(self) -> None:
        if self._watched is not None:
            self._watched.removeEventFilter(self)
            self._watched = None

    def _fire(self, armed: int) -> None:
        if armed != self._armed:
            return
        callback, self._callback = self._callback, None
        self._release()
        if callback is not None:
            callback()


_UPDATE_REQUEST = 77   # QEvent.Type.UpdateRequest as an int (tests/test_gui_plot_after_paint.py compares it)


class _Render:
    """One full draw of a :class:`PlotPanel`'s figure off the GUI thread, into a renderer of its own.

    ``key`` is the canvas's (width, height, dpi) and ``size`` its widget size when the render began (read on the
    GUI thread). The render worker (:class:`_RenderWorker`; a thread of its own per render before stop 32) draws
    the figure (the canvas answers ``get_renderer()`` with this renderer in that thread only, while it runs this
    render: see :func:`_canvas_class`) and then posts the render to the GUI thread (:class:`_Relay`), where
    :meth:`PlotPanel._finish_render` shows the image.
    """

    def __init__(self, panel: PlotPanel, renderer: Any, key: tuple[int, int, float], size: tuple[int, int],
                 prepare: tuple[Any, Any, dict[str, Any]] | None = None,
                 build: tuple[Any, bool, PlotData] | None = None, prepare_data: PlotData | None = None,
                 view_key: Any = None) -> None:
        import weakref

        #: a new view to build in the thread before the draw (:meth:`PlotPanel._build_view`), and whether it was
        #: built (a build error is raised on the GUI thread: :meth:`PlotPanel._finish_render`)
        self.build = build
        self.built = False

        #: a preparation's (view key, axes, artists): the figure drawn with that view only, its image kept as the
        #: view's background (``background``, ``position``), not shown (:meth:`PlotPanel.prepare_view`)
        self.prepare = prepare
        #: a preparation's data: its view built by the thread before the draw (the axes and artists then in
        #: ``prepare``; :meth:`PlotPanel._build_prepared`)
        self.prepare_data = prepare_data
        self.cancel = getattr(renderer, "cancel", None) or threading.Event()
        #: the view a shown view's render draws (its key), and its stop (:meth:`stop_drawing`): asked, and set once
        #: the draw began (``cancel`` then set)
        self.view_key = view_key
        self._stop_lock = threading.Lock()
        self.stop_asked = False
        self.drawing = False
        self.background: Any = None
        self.position: Any = None

        self.panel = weakref.ref(panel)
        self.figure = panel.figure
        self.renderer = renderer
        self.key = key
        self.size = size
        self.error: BaseException | None = None
        self.finished = False
        #: the render's run in the render worker, waited for as a thread (:class:`_RenderRun`)
        self.thread = _RenderRun()

    def start(self) -> None:
        """Hand the render to the render worker (:func:`_render_worker`): the GUI thread does not wait for it."""
        _relay().running.add(self)   # the relay is made on the GUI thread
        if self.prepare is not None:
            _quick_gil(True)
        try:
            _render_worker().submit(self)
        except BaseException:
            _relay().running.discard(self)
            if self.prepare is not None:
                _quick_gil(False)
            raise

    def stop_drawing(self) -> None:
        """On the GUI thread: stop a shown view's render at its draw's next check (within about a millisecond of
        the render's CPU; :func:`_cancellable_renderer`, :func:`_install_cancel_points`). A view's build under way is
        not stopped (its view left whole, as the GUI thread then reads it): the draw that follows it stops before its
        first step. Once the draw is whole (:meth:`PlotPanel._on_draw`) its image is kept, the points left to the
        edit."""
        with self._stop_lock:
            self.stop_asked = True
            if self.drawing:
                self.cancel.set()

    def _begin_drawing(self) -> None:
        """In the render worker, a shown view's build done: the draw begins, or stops at once if asked to."""
        with self._stop_lock:
            self.drawing = True
            if self.stop_asked:
                raise Cancelled

    def in_worker(self) -> bool:
        """True in the render worker while it runs this render (and in no other thread, at no other time)."""
        return self.thread.running_in == threading.get_ident()

    def run(self) -> None:
        """In the render worker: the render run, its end posted to the GUI thread, then marked ended (whatever
        happens: a caller waiting for it never waits for ever)."""
        self.thread.running_in = self.thread.ident = threading.get_ident()
        try:
            self._run()
        finally:
            self.thread.running_in = None
            self.thread.ended.set()

    def _run(self) -> None:
        # matplotlib's steps that call no renderer method check the cancel too (a shown view's render's is set only
        # once its draw began: stop_drawing)
        _RENDERING.cancel = self.cancel
        try:
            if self.build is not None or self.prepare_data is not None:
                panel = self.panel()
                if panel is None:
                    raise RuntimeError("the plot is gone")
                if self.build is not None:   # (no Qt object touched: see PlotPanel._build_view)
                    panel._build_view(self.build)
                else:
                    panel._build_prepared(self)
                del panel
                self.built = True
            if self.prepare is None:
                self._begin_drawing()
            self.renderer.clear()
            self.figure.draw(self.renderer)   # as FigureCanvasAgg.draw, into this render's renderer
        except BaseException as e:  # noqa: BLE001 - shown on the GUI thread (the figure drawn again there)
            self.error = e
        _RENDERING.cancel = None
        if self.prepare is not None:
            _quick_gil(False)
        try:
            _relay().done.emit(self)          # queued: delivered on the GUI thread
        except RuntimeError:   # the application is gone
            pass


class _RenderRun:
    """A render's run in the render worker as its callers wait for it: as a :class:`threading.Thread` of its own
    (``join``, ``is_alive``, ``ident``: the render worker's, once the render began), which a render had before
    stop 32 (:class:`_RenderWorker`)."""

    def __init__(self) -> None:
        self.ended = threading.Event()
        self.ident: int | None = None
        #: the thread running the render now (None before and after)
        self.running_in: int | None = None

    def join(self, timeout: float | None = None) -> None:
        self.ended.wait(timeout)

    def is_alive(self) -> bool:
        return self.ident is not None and not self.ended.is_set()


class _RenderWorker:
    """The one thread that runs every full draw off the GUI thread, one render after another (:class:`_Render`).

    Why (issue 21, stop 32): a thread started per render cost the GUI thread ~13 ms of wall time in each
    ``Thread.start`` (cProfile of a cold model switch, 57 rows): ``start`` waits for the new thread to run its
    bootstrap, the thread then goes on into the render holding the interpreter (the GIL), and the GUI thread waits
    for the interpreter back (Python's switch interval) before ``start`` returns: every event after it (a key, an
    edit) waited too. A worker blocked on its queue holds nothing: handing it a render is a put on the queue.

    Not a daemon: a process ending while a render runs waits for it (~0.1-0.5 s) at the interpreter's exit; a
    daemon thread stopped there inside matplotlib's C++ aborted the process ("terminate called without an active
    exception", seen when a test's window closed with its first render in flight; app26). Stopped when the
    application quits (:meth:`_Relay._join_all`) or, without an event loop's end (tests, benchmarks), before the
    interpreter joins its threads at exit (:func:`_stop_render_worker`)."""

    def __init__(self) -> None:
        import queue

        self._renders: queue.SimpleQueue[_Render | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._serve, name="sbrt-calc plot render", daemon=False)
        self.thread.start()     # (blocked on the empty queue at once: the start waits for no render)

    def submit(self, job: _Render) -> None:
        self._renders.put(job)

    def stop(self) -> None:
        """End the worker once the renders handed to it have run, and wait for it."""
        self._renders.put(None)
        self.thread.join()

    def _serve(self) -> None:
        while (job := self._renders.get()) is not None:
            job.run()
            del job     # (its renderer, 4-16 MB, not kept while the worker waits)


_WORKER: _RenderWorker | None = None
_WORKER_LOCK = threading.Lock()


def _render_worker() -> _RenderWorker:
    """The render worker, started with the first render (and again after :func:`_stop_render_worker`)."""
    global _WORKER
    with _WORKER_LOCK:
        if _WORKER is None or not _WORKER.thread.is_alive():
            _WORKER = _RenderWorker()
            _at_threads_exit(_stop_render_worker)
        return _WORKER


def _stop_render_worker() -> None:
    """Stop the render worker, preparations in flight cancelled first (not waited for to the end), other renders
    run to their end; nothing when none runs."""
    global _WORKER
    with _WORKER_LOCK:
        worker, _WORKER = _WORKER, None
    if worker is None:
        return
    if _RELAY is not None:
        for job in list(_RELAY.running):
            if job.prepare is not None:
                job.cancel.set()
    worker.stop()


_AT_THREADS_EXIT: set[Any] = set()   # the callables registered by _at_threads_exit


def _at_threads_exit(stop: Any) -> None:
    """``stop`` called when the interpreter ends, before it waits for its threads (``threading``'s own hook, as
    :mod:`concurrent.futures` uses: :mod:`atexit`'s come after that wait, which a waiting worker never ends),
    once however often asked."""
    register = getattr(threading, "_register_atexit", None)
    if register is None or stop in _AT_THREADS_EXIT:
        return
    register(stop)
    _AT_THREADS_EXIT.add(stop)


#: the interpreter's switch interval while a preparation renders (:func:`_quick_gil`), seconds
PREPARATION_SWITCH_INTERVAL = 0.001
_QUICK_GIL_LOCK = threading.Lock()
_QUICK_GIL: list[float] = []    # the interval to restore, while preparations render (one entry each)


def _quick_gil(on: bool) -> None:
    """While a preparation's render runs, the GUI thread gets the interpreter within about a millisecond of asking
    (Python's switch interval, 5 ms by default: how long a thread waiting for the GIL waits before the running one
    must give it up). The GUI thread, idle when the preparation starts, asks for it when the user acts: to stop the
    preparation (:meth:`PlotPanel.stop_preparation`) and before that for each event (until stop 32 also when it
    started the render's thread: ``Thread.start`` waited for the thread, which then held the GIL; the render worker
    has no start to wait for). Stop 30: the edit's wait for
    the cancel, and the turn that starts a preparation (p90 16-21 -> 6-8 ms wall under load 2.9), shortened. The
    interval as it was is restored when the last preparation in flight ends."""
    import sys

    with _QUICK_GIL_LOCK:
        if on:
            _QUICK_GIL.append(sys.getswitchinterval())
            sys.setswitchinterval(min(_QUICK_GIL[0], PREPARATION_SWITCH_INTERVAL))
        elif _QUICK_GIL:
            before = _QUICK_GIL.pop()
            if not _QUICK_GIL:
                sys.setswitchinterval(before)


class _Relay(QObject):
    """Lives on the GUI thread for the application's life: a render's thread posts its end here."""

    done = Signal(object)

    def __init__(self) -> None:
        from PySide6.QtCore import Qt  # after the first paint: no Qt type at start (qt_values)

        super().__init__()
        self.running: set[_Render] = set()
        self.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        app = QApplication.instance()
        if app is not None:   # no render thread left drawing while the application ends
            app.aboutToQuit.connect(self._join_all)

    def _join_all(self) -> None:
        for job in list(self.running):
            if job.prepare is not None:   # a preparation is not waited for to the end
                job.cancel.set()
            job.thread.join()
            self._done(job)
        _stop_render_worker()   # no thread left when the event loop ends

    def _done(self, job: _Render) -> None:
        import shiboken6

        job.thread.join()
        self.running.discard(job)
        panel = job.panel()
        if panel is not None and shiboken6.isValid(panel):
            panel._finish_render(job)
        elif not job.finished:   # the panel is gone: only the busy cursor to restore
            job.finished = True
            if job.prepare is None:
                QApplication.restoreOverrideCursor()


_RELAY: _Relay | None = None


def _relay() -> _Relay:
    global _RELAY
    if _RELAY is None:
        _RELAY = _Relay()
    return _RELAY


_CANVAS_CLASS: Any = None


def load_matplotlib() -> None:
    """Import what the plot's canvas and figures need (matplotlib's modules, about a second of CPU), without making
    any: the start freezes what it loads (:func:`.app.load_and_freeze`)."""
    _canvas_class()
    import matplotlib.figure  # noqa: F401


def _canvas_class() -> Any:
    """The Qt canvas of the plot (matplotlib loads with the canvas): in a render's thread its renderer is the
    render's own; a full draw or a resize on the GUI thread first waits for a render in flight."""
    global _CANVAS_CLASS
    if _CANVAS_CLASS is not None:
        return _CANVAS_CLASS
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

    class _Canvas(FigureCanvasQTAgg):
        def __init__(self, figure: Any, panel: PlotPanel) -> None:
            super().__init__(figure)
            self._panel = panel

        def _render(self) -> _Render | None:
            panel = getattr(self, "_panel", None)
            return panel._job if panel is not None else None

        def get_renderer(self) -> Any:
            job = self._render()
            if job is not None and job.in_worker():
                return job.renderer
            return super().get_renderer()

        def draw(self) -> None:
            if self._render() is not None:
                self._panel.wait_for_render()
            super().draw()

        def draw_idle(self) -> None:
            # a resize asks for a full draw in the GUI thread at the next turn; when the panel's own full draw is
            # coming (a new view, or a render in flight: drawn at the canvas's size when it starts, or drawn again
            # if the size changed meanwhile), that one serves (app26: the canvas's first resize drew every new
            # window's figure twice, once in the GUI thread: 300-500 ms of CPU)
            panel = getattr(self, "_panel", None)
            if panel is not None and panel.full_draw_coming():
                return
            super().draw_idle()

        def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
            if self._render() is not None:
                self._panel.wait_for_render()
            super().resizeEvent(event)

    _CANVAS_CLASS = _Canvas
    return _CANVAS_CLASS


_LEGEND_CLASS: Any = None


def _least_covering_legend_class() -> Any:
    """:class:`matplotlib.legend.Legend` choosing its place at draw time (matplotlib loads with the canvas)."""
    global _LEGEND_CLASS
    if _LEGEND_CLASS is not None:
        return _LEGEND_CLASS
    import numpy as np
    from matplotlib.legend import Legend

    #: matplotlib's anchor of each place (``Bbox.anchored``'s compass codes)
    anchors: dict[str, Any] = {"upper right": "NE", "upper left": "NW", "lower left": "SW", "lower right": "SE", "right": "E",
               "center left": "W", "center right": "E", "lower center": "S", "upper center": "N", "center": "C"}

    class _LeastCoveringLegend(Legend):
        """A legend that, each time it is drawn, goes to the first of ``places`` covering the fewest ``points``
        (collections' offsets, data coordinates) and ``texts``.

        Drawn after the figure's layout, so the axes' transform is final: the legend's size is measured once
        (its text extents are cached by the renderer) and each candidate box is placed arithmetically in
        display coordinates with :meth:`~matplotlib.transforms.BboxBase.anchored`, inside the axes less
        ``borderaxespad`` as matplotlib places a legend at a named location.
        """

        def __init__(self, parent: Any, handles: Any, labels: Any, *, places: tuple[str, ...], points: list[Any],
                     texts: list[Any], **kwargs: Any) -> None:
            super().__init__(parent, handles, labels, **kwargs)
            self._places = places
            self._avoid_points = points
            self._avoid_texts = texts
            self.place: str = places[0]       # where the last draw put it

        def choose_place(self, renderer: Any) -> str:
            """The first of the places covering the fewest points and texts (ties: the earlier place)."""
            from matplotlib.transforms import Bbox

            box = self.get_window_extent(renderer)
            size = Bbox.from_bounds(0, 0, box.width, box.height)
            pad = self.borderaxespad * renderer.points_to_pixels(self.prop.get_size_in_points())
            container = self.get_bbox_to_anchor().padded(-pad)
            offsets = [c.get_offsets() for c in self._avoid_points if c.get_visible()]
            pts = np.concatenate(offsets) if offsets else np.empty((0, 2))
            shown = self.axes.transData.transform(pts) if len(pts) else np.empty((0, 2))
            texts = [t.get_window_extent(renderer) for t in self._avoid_texts if t.get_visible()]
            best: tuple[int, str] | None = None
            for place in self._places:
                x0, y0 = size.anchored(anchors[place], container=container).p0
                x1, y1 = x0 + size.width, y0 + size.height
                inside = (shown[:, 0] >= x0) & (shown[:, 0] <= x1) & (shown[:, 1] >= y0) & (shown[:, 1] <= y1)
                candidate = Bbox.from_extents(x0, y0, x1, y1)
                covered = int(inside.sum()) + sum(candidate.overlaps(t) for t in texts)
                if best is None or covered < best[0]:
                    best = (covered, place)
                if covered == 0:
                    break
            assert best is not None
            return best[1]

        def draw(self, renderer: Any) -> None:
            if self.get_visible():
                self.place = self.choose_place(renderer)
                self._loc = self.codes[self.place]
            super().draw(renderer)

    _LEGEND_CLASS = _LeastCoveringLegend
    return _LEGEND_CLASS


#: :meth:`PlotPanel._stop_drawing_of`'s key for a change that keeps whichever view is drawn (a selection)
_ANY_VIEW = object()


class Cancelled(Exception):
    """A preparation's render stopped by :meth:`PlotPanel.stop_preparation` (input, or any change of the plot), or a
    shown view's by an edit (:meth:`PlotPanel._stop_drawing_of`; stop 32)."""


_CANCELLABLE: Any = None


def _cancellable_renderer(width: int, height: int, dpi: float) -> Any:
    """An Agg renderer whose drawing and text-measuring calls raise :class:`Cancelled` once its ``cancel`` event is
    set: a preparation's render stops within one such call (about a millisecond) when the user acts, so that the
    GUI thread does not share the interpreter with it (the GIL) for the rest of a 150-200 ms draw."""
    global _CANCELLABLE
    if _CANCELLABLE is None:
        from matplotlib.backends.backend_agg import RendererAgg

        class _CancellableRenderer(RendererAgg):
            def __init__(self, width: int, height: int, dpi: float) -> None:
                self.cancel = threading.Event()   # (first: read by _update_methods, which __init__ calls)
                super().__init__(width, height, dpi)

            def _check(self) -> None:
                if self.cancel.is_set():
                    raise Cancelled

            def draw_path(self, *args: Any, **kwargs: Any) -> None:
                self._check()
                super().draw_path(*args, **kwargs)

            def draw_text(self, *args: Any, **kwargs: Any) -> None:
                self._check()
                super().draw_text(*args, **kwargs)

            def get_text_width_height_descent(self, *args: Any, **kwargs: Any) -> Any:
                self._check()
                return super().get_text_width_height_descent(*args, **kwargs)

            def _update_methods(self) -> None:
                # (stop 31) the collections (the band, the points, the legend's markers) and images: RendererAgg
                # sets its C++ renderer's methods on the instance (a method of this class would never be called),
                # each wrapped here to check first
                super()._update_methods()
                for name in ("draw_path_collection", "draw_markers", "draw_image"):
                    setattr(self, name, _checking(getattr(self, name), self.cancel))

        _install_cancel_points()
        _CANCELLABLE = _CancellableRenderer
    return _CANCELLABLE(width, height, dpi)


def _checking(draw: Any, cancel: threading.Event) -> Any:
    """``draw`` (a C++ renderer's method) raising :class:`Cancelled` first once ``cancel`` is set (not a closure
    over the renderer: no reference cycle keeping its buffer, 4-16 MB, until a collection)."""
    def checked(*args: Any, **kwargs: Any) -> Any:
        if cancel.is_set():
            raise Cancelled
        return draw(*args, **kwargs)
    return checked


#: in the render worker while it runs a render, that render's cancel event (:meth:`_Render._run`); unset in every
#: other thread
_RENDERING = threading.local()


def _install_cancel_points() -> None:
    """Cancel checks, once for the process, in the steps of matplotlib's draw that call no renderer method, so that
    a preparation's render stops within a few ms wherever it is (issue 21: an edit waits for it).

    The renderer's checks (:func:`_cancellable_renderer`) missed the constrained layout and the ticks: a text's
    size is measured by the renderer once per render and then cached, so the layout's second pass and the draw's
    tick updates ran 8-15 ms of CPU (1280 x 800, 57 rows) without a check, and an edit arriving then waited for
    them (stop 31: cancel set -> render stopped up to 10-17 ms, instrumented). Checked now: a text's layout
    (``Text._get_layout``, ~250 calls a render), an axis's ticks (``Axis._update_ticks``, ``Axis._get_tick``):
    the longest stretch without a check went from 8-15 to 2.2-3.7 ms of CPU (one C++ text drawing or measuring).
    In any thread but the render worker running a render (the GUI thread, the report's figures) a check is one
    thread-local read and nothing else.
    """
    from matplotlib.axis import Axis
    from matplotlib.text import Text

    for cls, name in ((Text, "_get_layout"), (Axis, "_update_ticks"), (Axis, "_get_tick")):
        method = getattr(cls, name, None)   # matplotlib's private steps: a version without one is checked less
        if method is not None:
            setattr(cls, name, _cancel_point(method))


def _cancel_point(method: Any) -> Any:
    """``method`` raising :class:`Cancelled` first when called in the render worker running a render whose cancel
    is set (:func:`_install_cancel_points`)."""
    import functools

    @functools.wraps(method)
    def checked(self: Any, *args: Any, **kwargs: Any) -> Any:
        cancel = getattr(_RENDERING, "cancel", None)
        if cancel is not None and cancel.is_set():
            raise Cancelled
        return method(self, *args, **kwargs)

    return checked
