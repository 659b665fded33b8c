"""The plot's part of a model switch (stop 30): a first visit's new view is built by the render's thread, off the
GUI thread, with the image a build and draw in the GUI thread give; the figure is never the GUI thread's and the
render's at once (reading the plot while the render builds waits for it)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from gui_windows import hold_draw_plot, plot_image, sweep_window, undisturbed_image, until_render_starts  # noqa: E402
from sbrt_calc.gui.main_window import MainWindow  # noqa: E402

ROWS = 57


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):  # noqa: ANN001, ANN201
    with sweep_window(qapp, tmp_path_factory, "plot-switch", ROWS) as w:
        yield w


@pytest.fixture(autouse=True)
def settled(window: MainWindow):  # noqa: ANN201
    window.plot.wait_for_render()
    yield
    window.plot.wait_for_render()
    window.plot.render_in_background = True


def _record_at_each_build(monkeypatch: pytest.MonkeyPatch, value: Callable[[], Any]) -> list[Any]:
    """``value()`` at every build of a view's plot from now on (the core's ``draw_plot`` wrapped), in the building
    thread: its ident (``threading.get_ident``), the switch interval then, ..."""
    import sbrt_calc.report.plot as core

    seen: list[Any] = []
    draw_plot = core.draw_plot

    def recording(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen.append(value())
        return draw_plot(*args, **kwargs)

    monkeypatch.setattr(core, "draw_plot", recording)
    return seen


def _start_preparation(window: MainWindow, settings: Any) -> Any:
    """The idle preparation's work for ``settings`` (another model's) as its steps do it: the table's cells, then
    the plot's view prepared off the GUI thread; its render's job (started)."""
    for _ in window.model.prepare_steps(settings):
        pass
    assert window.plot.prepare_view(window.model.evaluation_for(settings))
    job = window.plot._job
    assert job is not None
    return job


def _first_visit_reference(qapp, window: MainWindow, model: str):  # noqa: ANN001, ANN202
    """The image of a first visit to ``model`` built and drawn in the GUI thread."""
    window.plot.render_in_background = False   # the switch drawn in the GUI thread too
    window.set_model(model)
    return undisturbed_image(qapp, window)


@pytest.mark.parametrize("model", ["lql", "all"])
def test_a_first_visits_view_is_built_off_the_gui_thread_with_the_same_image(qapp, window: MainWindow,  # noqa: ANN001
                                                                             monkeypatch: pytest.MonkeyPatch,
                                                                             model: str) -> None:
    """Through the event loop, the new view's axes and artists (~30 ms of CPU for 57 rows) are made by the render's
    thread before its draw, not in the GUI thread (before stop 30: in the GUI thread's idle turn); the canvas then
    shows pixel for pixel what a build and draw in the GUI thread show, the selected point numbered and ringed."""
    window.select_row(5)
    reference = _first_visit_reference(qapp, window, model)
    window.set_model("lq")
    window.plot.draw_now()
    qapp.processEvents()
    window.plot.forget_views()
    built_in = _record_at_each_build(monkeypatch, threading.get_ident)
    window.set_model(model)                 # a first visit again
    assert built_in == []                   # the switch's own turn builds nothing
    job = until_render_starts(qapp, window)  # after the window's paint: the render starts, with the build
    assert job is not None
    job.thread.join(timeout=30)
    for _ in range(3):                      # its end, posted to the GUI thread
        qapp.processEvents()
    assert built_in == [job.thread.ident] and built_in[0] != threading.get_ident()
    assert window.plot._job is None and job.error is None and job.built
    assert (plot_image(window) == reference).all()
    window.set_model("lq")
    window.plot.draw_now()
    qapp.processEvents()
    assert (plot_image(window) != reference).any()
    window.set_model(model)                 # the view built in the worker is kept: a switch back shows it at once
    assert not window.plot.full_draw_coming()
    assert (plot_image(window) == reference).all()
    window.set_model("lq")
    qapp.processEvents()


def test_reading_the_plot_while_its_view_is_built_waits_for_the_render(qapp, window: MainWindow) -> None:  # noqa: ANN001
    """The axes and artists read on the GUI thread while the render's thread builds the view are the new view's,
    whole: the read waits for the render (the figure is the render's meanwhile)."""
    plot = window.plot
    plot.forget_views()
    window.set_model("usc")
    job = until_render_starts(qapp, window)
    assert job is not None
    ax, handles = plot.ax, plot._handles
    assert job.thread.ident is not None and not job.thread.is_alive() and plot._job is None
    assert "USC" in ax.get_title() and len(handles["labels"]) == ROWS
    window.set_model("lq")
    qapp.processEvents()


def test_a_build_that_fails_in_the_render_raises_on_the_gui_thread(qapp, window: MainWindow,  # noqa: ANN001
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """An error building the view in the render's thread is raised where it can be seen (the GUI thread), the busy
    cursor restored."""
    from PySide6.QtWidgets import QApplication

    import sbrt_calc.report.plot as core

    def failing(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise ValueError("no plot")

    plot = window.plot
    plot.forget_views()
    monkeypatch.setattr(core, "draw_plot", failing)
    window.set_model("lql")
    assert until_render_starts(qapp, window) is not None
    with pytest.raises(ValueError, match="no plot"):
        plot.wait_for_render()
    assert plot._job is None and QApplication.overrideCursor() is None
    monkeypatch.undo()
    plot.forget_views()
    plot._static_key = None
    window.set_model("lq")
    plot.refresh()
    plot.draw_now()
    assert "LQ" in plot.title()


# --- a switch back: the animated layer's image and the plot's data kept (stop 30) -------------------------------
def _count_calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Calls of the animated layer's drawing (``Figure.draw_artist``) and of the core's ``plot_data`` from now on."""
    from matplotlib.figure import Figure

    import sbrt_calc.report.plot as core

    counts = {"draw_artist": 0, "plot_data": 0}
    draw_artist, plot_data = Figure.draw_artist, core.plot_data

    def counting_draw_artist(fig, artist):  # noqa: ANN001, ANN202
        counts["draw_artist"] += 1
        return draw_artist(fig, artist)

    def counting_plot_data(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        counts["plot_data"] += 1
        return plot_data(*args, **kwargs)

    monkeypatch.setattr(Figure, "draw_artist", counting_draw_artist)
    monkeypatch.setattr(core, "plot_data", counting_plot_data)
    return counts


def _drawn_image(qapp, window: MainWindow, model: str):  # noqa: ANN001, ANN202
    """The canvas's image of a switch to ``model`` (drawn before) with its animated layer drawn, not restored."""
    window.plot.wait_for_render()
    for view in window.plot._views.values():
        view[1].pop("composite", None)
    window.set_model(model)
    qapp.processEvents()
    return plot_image(window)


def test_a_switch_back_with_the_same_points_restores_the_views_image(qapp, window: MainWindow,  # noqa: ANN001
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A switch back to a model drawn before, with the same rows and selection, computes no plot data and draws no
    point, label or ring (before: ~2.5-3.4 ms of CPU per switch): the canvas shows the image the view had, pixel for
    pixel what drawing them gives. A selection made elsewhere meanwhile is drawn (ring and label at the new row)."""
    plot = window.plot
    window.select_row(5)
    for model in ("lql", "lq", "lql", "lq"):
        window.set_model(model)
        plot.draw_now()
        qapp.processEvents()
    counts = _count_calls(monkeypatch)
    window.set_model("lql")
    qapp.processEvents()
    assert counts == {"draw_artist": 0, "plot_data": 0}
    restored = plot_image(window)
    window.set_model("lq")
    qapp.processEvents()
    assert counts == {"draw_artist": 0, "plot_data": 0}
    assert (plot_image(window) != restored).any()
    assert (_drawn_image(qapp, window, "lql") == restored).all()
    assert counts["draw_artist"] > 0
    window.set_model("lq")
    qapp.processEvents()

    window.select_row(9)                     # under LQ: LQ-L's kept image shows row 6 ringed
    qapp.processEvents()
    counts["draw_artist"] = 0
    window.set_model("lql")
    qapp.processEvents()
    assert counts["draw_artist"] > 0         # drawn: its points' and ring's image is another
    assert "10" in [lb.get_text() for lb in plot._handles["labels"] if lb.get_visible()]
    moved = plot_image(window)
    assert (moved != restored).any()
    window.set_model("lq")
    qapp.processEvents()
    assert (_drawn_image(qapp, window, "lql") == moved).all()
    window.set_model("lq")
    qapp.processEvents()


def test_a_switch_after_an_edit_draws_the_moved_point(qapp, window: MainWindow) -> None:  # noqa: ANN001
    """An edit under one model moves its point in the other models' views too: a switch back to one draws it (its
    kept image is of the old points)."""
    plot = window.plot
    window.select_row(5)
    for model in ("usc", "lq"):
        window.set_model(model)
        plot.draw_now()
        qapp.processEvents()
    col = window.model.column_of("total_dose_gy")
    old = window.model.data(window.model.index(5, col))
    window.model.setData(window.model.index(5, col), "47.5")
    try:
        plot.draw_now()
        qapp.processEvents()
        window.set_model("usc")
        qapp.processEvents()
        ring = plot._handles["ring"].get_offsets()
        assert len(ring) == 1 and ring[0][0] == pytest.approx(47.5)
        edited = plot_image(window)
        window.set_model("lq")
        qapp.processEvents()
        assert (_drawn_image(qapp, window, "usc") == edited).all()
    finally:
        window.set_model("lq")
        window.model.setData(window.model.index(5, col), old)
        plot.draw_now()
        qapp.processEvents()


def test_a_first_switch_to_a_prepared_view_restores_its_prepared_image(qapp, window: MainWindow,  # noqa: ANN001
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The idle preparation renders a view's points, labels and ring too (off the GUI thread): the first switch to
    it draws none of them (before: drawn in the switch), and shows what drawing them gives."""
    plot = window.plot
    window.select_row(5)
    window.set_model("lq")
    plot.draw_now()
    qapp.processEvents()
    plot.forget_views()
    window.bench.preparation.prepare_all_now()
    qapp.processEvents()
    assert len(plot.prepared_views()) == 3
    counts = _count_calls(monkeypatch)
    window.set_model("usc")
    qapp.processEvents()
    assert counts["draw_artist"] == 0 and not plot.full_draw_coming()
    prepared = plot_image(window)
    window.set_model("lq")
    qapp.processEvents()
    assert (_drawn_image(qapp, window, "usc") == prepared).all()
    window.set_model("lq")
    qapp.processEvents()


# --- a preparation's view built off the GUI thread (stop 30) ----------------------------------------------------
def test_a_preparations_view_is_built_off_the_gui_thread(qapp, window: MainWindow,  # noqa: ANN001
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The idle preparation's view (axes and artists, ~30 ms of CPU for 57 rows) is built by its render's thread
    (before stop 30: in the GUI thread's turn that started it); the shown view stays the panel's meanwhile, and a
    switch to the prepared view shows what a first visit built in the GUI thread shows."""
    plot = window.plot
    window.select_row(5)
    reference = _first_visit_reference(qapp, window, "lql")
    window.set_model("lq")
    plot.draw_now()
    qapp.processEvents()
    plot.forget_views()
    shown = plot._ax, plot._view_handles
    axes = len(plot.figure.axes)
    built_in = _record_at_each_build(monkeypatch, threading.get_ident)
    settings = window.bench.preparation.other_settings()[0]
    assert settings.model == "lql"
    job = _start_preparation(window, settings)
    assert (plot._ax, plot._view_handles) == shown        # the panel's own view, whatever the thread does
    job.thread.join(timeout=30)
    plot._finish_render(job)
    assert built_in == [job.thread.ident] and built_in[0] != threading.get_ident()
    assert job.error is None and len(plot.prepared_views()) == 1 and len(plot.figure.axes) == axes + 1
    assert [ax for ax in plot.figure.axes if ax.get_visible()] == [plot.ax]
    window.set_model("lql")
    qapp.processEvents()
    assert not plot.full_draw_coming()
    assert (plot_image(window) == reference).all()
    window.set_model("lq")
    qapp.processEvents()


def test_a_preparation_cancelled_while_its_view_is_built_leaves_nothing(qapp, window: MainWindow,  # noqa: ANN001
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A preparation cancelled during its view's build (input, an edit) stops after that step: its axes is removed,
    the shown view visible, nothing kept."""
    plot = window.plot
    plot.forget_views()
    axes = len(plot.figure.axes)
    started, release = hold_draw_plot(monkeypatch)
    settings = window.bench.preparation.other_settings()[1]
    job = _start_preparation(window, settings)
    assert started.wait(10)
    job.cancel.set()
    release.set()
    plot.stop_preparation()
    assert plot._job is None and job.finished and job.background is None
    assert plot.prepared_views() == set() and len(plot.figure.axes) == axes
    assert [ax for ax in plot.figure.axes if ax.get_visible()] == [plot.ax]


def _lq_shown_nothing_kept(qapp, window: MainWindow) -> tuple[Any, int]:  # noqa: ANN001
    """LQ's view shown and drawn, every other view forgotten: (the canvas's image then, the figure's axes count)."""
    plot = window.plot
    window.set_model("lq")
    plot.draw_now()
    qapp.processEvents()
    shown = plot_image(window)
    plot.forget_views()
    return shown, len(plot.figure.axes)


def test_a_preparation_cancelled_inside_the_cores_draw_plot_stops_there(qapp, window: MainWindow,  # noqa: ANN001
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A preparation cancelled while its thread is inside the core's ``draw_plot`` (~20 ms of CPU for 57 rows) stops
    at its next step (``draw_plot``'s ``step`` callback; stop 30: it ran to the end of ``draw_plot`` before, an edit
    waiting for it): ``draw_plot`` does not return, no axes of the half-built view is left in the figure, the shown
    view is visible, and the next switch to that model builds and draws it as a view built undisturbed."""
    import sbrt_calc.report.plot as core

    plot = window.plot
    window.select_row(5)
    reference = _first_visit_reference(qapp, window, "usc")
    shown, axes = _lq_shown_nothing_kept(qapp, window)
    started, release = threading.Event(), threading.Event()
    returned: list[bool] = []
    draw_plot = core.draw_plot

    def gated(*args, step=None, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        def first_step_waits() -> None:    # the build under way inside draw_plot, after its first step
            if not started.is_set():
                started.set()
                release.wait(10)
            if step is not None:
                step()

        handles = draw_plot(*args, step=first_step_waits, **kwargs)
        returned.append(True)
        return handles

    monkeypatch.setattr(core, "draw_plot", gated)
    settings = window.bench.preparation.other_settings()[1]
    assert settings.model == "usc"
    job = _start_preparation(window, settings)
    assert started.wait(10)
    job.cancel.set()          # what stop_preparation does first (input, an edit), then it waits
    release.set()
    plot.stop_preparation()
    assert returned == []     # stopped inside draw_plot
    assert plot._job is None and job.finished and job.background is None
    assert plot.prepared_views() == set() and len(plot.figure.axes) == axes
    assert [ax for ax in plot.figure.axes if ax.get_visible()] == [plot.ax]
    qapp.processEvents()
    assert (plot_image(window) == shown).all()
    monkeypatch.undo()
    window.set_model("usc")   # a first visit: built and drawn in full, as undisturbed
    plot.draw_now()
    qapp.processEvents()
    assert (plot_image(window) == reference).all()
    window.set_model("lq")
    qapp.processEvents()


def test_a_preparations_render_lowers_the_switch_interval_and_restores_it(qapp, window: MainWindow,  # noqa: ANN001
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """While a preparation's render runs, the interpreter's switch interval is 1 ms (the GUI thread gets the GIL
    within about that when the user acts: the cancel and the edit wait less); as it was once the render ends,
    drawn or cancelled. A first visit's render leaves it alone."""
    import sys

    plot = window.plot
    before = sys.getswitchinterval()
    seen = _record_at_each_build(monkeypatch, sys.getswitchinterval)
    for cancel in (False, True):
        plot.forget_views()
        job = _start_preparation(window, window.bench.preparation.other_settings()[0])
        if cancel:
            plot.stop_preparation()
        else:
            job.thread.join(timeout=30)
            plot._finish_render(job)
            assert len(plot.prepared_views()) == 1
        assert sys.getswitchinterval() == before
    assert seen and seen[0] == pytest.approx(0.001)
    seen.clear()
    plot.forget_views()
    window.set_model("lql")                 # a first visit: its render's build runs at the usual interval
    qapp.processEvents()
    plot.wait_for_render()
    assert seen == [before]
    window.set_model("lq")
    qapp.processEvents()


def _cancelled_where(qapp, window: MainWindow, monkeypatch: pytest.MonkeyPatch, module: Any, name: str,  # noqa: ANN001
                     cancel_at: Callable[[int], bool]) -> tuple[Any, list[int]]:
    """A preparation's render cancelled by the preparation's own thread when it calls ``module.name`` for the n-th
    time and ``cancel_at(n)`` (as if the user acted then), then stopped as the app stops it (:meth:`stop_preparation`,
    waiting for it); (its job, the calls that returned, by n). The canvas and the figure are checked to be as before."""
    plot = window.plot
    shown, axes = _lq_shown_nothing_kept(qapp, window)
    original = getattr(module, name)
    called: list[int] = []
    returned: list[int] = []

    def cancelling(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        job = plot._job
        if job is None or not job.in_worker():   # (the GUI thread's own draws: untouched)
            return original(*args, **kwargs)
        called.append(len(called) + 1)
        if cancel_at(called[-1]):
            job.cancel.set()
        result = original(*args, **kwargs)
        returned.append(called[-1])
        return result

    monkeypatch.setattr(module, name, cancelling)
    job = _start_preparation(window, window.bench.preparation.other_settings()[1])
    job.thread.join(timeout=30)
    plot.stop_preparation()
    monkeypatch.undo()
    assert isinstance(job.error, Exception) and type(job.error).__name__ == "Cancelled"
    assert plot._job is None and job.finished and job.background is None
    assert plot.prepared_views() == set() and len(plot.figure.axes) == axes
    assert [ax for ax in plot.figure.axes if ax.get_visible()] == [plot.ax]
    qapp.processEvents()
    assert (plot_image(window) == shown).all()
    return job, returned


def test_a_preparation_cancelled_in_the_figures_layout_stops_there(qapp, window: MainWindow,  # noqa: ANN001
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A preparation cancelled during the constrained layout's second pass stops inside it (stop 31). Every text's
    size is measured by the renderer in the first pass and cached: the second pass and the draw's tick updates
    call no renderer method, and ran to their end (8-15 ms of CPU at 1280 x 800, 57 rows) after the cancel, an edit
    waiting for them; a text's layout and an axis's ticks now check the preparation's cancel."""
    import matplotlib._constrained_layout as constrained

    _job, returned = _cancelled_where(qapp, window, monkeypatch, constrained, "make_layout_margins",
                                      lambda n: n == 2)
    assert returned == [1]     # the first pass ended, the second stopped inside


def test_a_preparation_cancelled_as_a_collection_is_drawn_stops_before_its_paths(qapp, window: MainWindow,  # noqa: ANN001
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A preparation cancelled as its first collection (a band, the points, a legend's marker) is drawn stops there:
    the renderer's C++ path-collection and marker calls check the cancel first (stop 31; RendererAgg sets them on
    the instance, so that the renderer's class could not check them: before, only paths and texts did)."""
    from matplotlib.collections import Collection

    _job, returned = _cancelled_where(qapp, window, monkeypatch, Collection, "draw", lambda n: n == 1)
    assert returned == []      # the collection's draw did not end
