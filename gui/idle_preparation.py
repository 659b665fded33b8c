"""Prepare the other models' views while the app is idle, so that a first switch to one shows at once (issue 21).

After the start has settled and after each edit, once no input has arrived for :attr:`IdlePreparation.idle_ms`,
the Regimens tab's other model choices are prepared in small steps with a turn of the event loop between them,
every model's table first (steps 1 and 2, one model after the other), then every model's plot (step 3; stop 30):

1. the table's data under that model: every row evaluated, the cells a switch reads made (its fit's measuring and
   its paint; column by column since stop 31), a few rows per step (:meth:`.RegimenTableModel.prepare_steps`);
2. the table's column widths under that model (:meth:`.Workbench.prepare_widths`);
3. the plot's view of that model: built hidden, its full draw rendered off the GUI thread into an image of its own
   (:meth:`.PlotPanel.prepare_view`); the next step waits for the render to end.

A switch to a prepared model then reads its cells, widths and image from the caches a switch back to a model seen
before reads (the same code path, the same pixels). Any input (a key, a mouse button, the wheel) defers the next
step by :attr:`IdlePreparation.idle_ms` and stops a render in flight at its next drawing call, waited for (the GUI
thread then has the interpreter to itself, and the figure is as the user sees it). (An input event is seen by an application-wide event filter: a Python call per event, measured in the bench's edit.)
An edit of the rows or a change of the settings other than the model drops the
prepared views; the table's prepared cells of an edited row are forgotten by the model itself.

Nothing runs unless :meth:`IdlePreparation.start` was called (the app does, once its start has settled; tests and
benchmarks choose).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

#: the events that mean the user is acting (a preparation gives way to them)
_INPUT = frozenset(int(t) for t in (
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.ShortcutOverride))
_RESIZE = int(QEvent.Type.Resize)
_WAIT_RENDER = "render"


class IdlePreparation(QObject):
    """See the module docstring. ``bench``: the Regimens tab (its model, table and plot)."""

    #: ms without input (and after an edit) before the next step
    idle_ms = 400

    def __init__(self, bench: Any) -> None:
        super().__init__(bench)
        self.bench = bench
        self.model = bench.model
        self.plot = bench.plot
        self.enabled = False
        self.steps_run = 0           # how many steps ran (tests)
        self.deferrals = 0           # how many times input deferred the next step (tests)
        self._steps: Iterator[str | None] | None = None
        self._waiting_render = False
        # what the model shows now: the preparation is made when first asked for, after the rows were loaded (before,
        # None until start() or an edit: views prepared by prepare_all_now() were all dropped at the next switch)
        self._basis: Any = self._current_basis()
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(self.idle_ms)
        self._idle.timeout.connect(self._step)
        self._next = QTimer(self)
        self._next.setSingleShot(True)
        self._next.setInterval(0)
        self._next.timeout.connect(self._step)
        self.model.contentChanged.connect(self._content_changed)
        self.plot.preparationEnded.connect(self._render_ended)

    # --- on and off ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Prepare from now on, when idle (input watched application-wide)."""
        if self.enabled:
            return
        self.enabled = True
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._basis = self._current_basis()
        self._idle.start(self.idle_ms)

    def stop(self) -> None:
        """No more preparing (a render in flight is cancelled; what was prepared is kept)."""
        if not self.enabled:
            return
        self.enabled = False
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._idle.stop()
        self._next.stop()
        self._steps = None
        self.plot.stop_preparation()

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 - Qt's name
        kind = int(event.type())
        if kind in _INPUT or (kind == _RESIZE and watched is self.plot.canvas):
            self.defer()   # (a resized canvas: the views prepared at the old size are drawn again when idle)
        return False

    def defer(self) -> None:
        """Input arrived: the next step waits for :attr:`idle_ms` without input, a render in flight stops."""
        if not self.enabled:
            return
        self.deferrals += 1
        self._next.stop()
        self._steps = None           # started again from what is not prepared yet
        self._waiting_render = False
        # a render in flight stops at its next drawing call and is waited for (~1-5 ms): the input then finds the
        # figure as the user sees it (the shown view visible) and has the interpreter to itself
        self.plot.stop_preparation()
        self._idle.start(self.idle_ms)

    # --- what is prepared ------------------------------------------------------------------------------
    def other_settings(self) -> list[Any]:
        """The settings of the model choices not shown, in the model box's order."""
        shown = self.model.settings()
        keys = [self.bench.model_combo.itemData(i) for i in range(self.bench.model_combo.count())]
        return [replace(shown, model=k) for k in keys if k != shown.model]

    def _current_basis(self) -> Any:
        """What the prepared views depend on beside the model: the rows, the settings but the model, decimals."""
        if self.model.deferred:
            return None
        return (tuple(self.model.rows()), replace(self.model.settings(), model="lq"), self.model.decimals,
                self.model.planned_site)

    def _content_changed(self) -> None:
        basis = self._current_basis()
        if basis != self._basis:     # an edit, a setting: what was prepared no longer holds
            self._basis = basis
            self.plot.drop_prepared()
        if self.enabled:
            self.defer()

    def _render_ended(self) -> None:
        if self._waiting_render and self.enabled:
            self._waiting_render = False
            self._next.start()

    def _step(self) -> None:
        if not self.enabled or self.model.deferred or not self.bench.isVisible():
            return
        if not self.plot.can_prepare() and self.plot.canvas is not None and self.plot.full_draw_coming():
            self._idle.start(self.idle_ms)   # the plot's own draw first
            return
        if self._steps is None:
            self._steps = self._plan()
        try:
            wait = next(self._steps)
        except StopIteration:
            self._steps = None
            return
        self.steps_run += 1
        if wait == _WAIT_RENDER:
            self._waiting_render = True   # continued by the render's end (:meth:`_render_ended`)
        else:
            self._next.start()

    def _plan(self) -> Iterator[str | None]:
        """The steps preparing each model not shown (see the module docstring): every model's table first (its
        cells and widths, ~20 ms of CPU each in a few turns), then each one's plot (a render of ~150-200 ms off the
        GUI thread). The table is what a switch shows at once and the costly part of an unprepared one (its plot's
        view is built and drawn off the GUI thread since stop 30): with the tables first, all three are ready ~0.1 s
        after the preparation starts instead of only after the renders of the models before them (stop 30)."""
        others = self.other_settings()
        for settings in others:
            yield from self.model.prepare_steps(settings)
            if self.bench.prepare_widths(settings):
                yield None
        for settings in others:
            evaluation = self.model.evaluation_for(settings)
            for _attempt in range(3):   # (a render cancelled by input ends the plan: defer() starts it again)
                if self.plot.is_prepared(evaluation) or not self.plot.prepare_view(evaluation):
                    break
                yield _WAIT_RENDER

    def prepare_all_now(self) -> None:
        """Every model not shown prepared at once, each render waited for (benchmarks and tests)."""
        plot = self.plot
        if plot._full_draw_pending and plot._job is None:
            # the shown view's full draw, which the app starts after the window's next paint (plot_panel's
            # _AfterWindowPaint), started and finished first: a view is prepared only when nothing of its own is pending
            plot._draw_later()
            plot.wait_for_render()
        for wait in self._plan():
            if wait == _WAIT_RENDER:
                job = self.plot._job
                if job is not None:
                    job.thread.join()
                    self.plot._finish_render(job)
            else:
                QApplication.processEvents()
