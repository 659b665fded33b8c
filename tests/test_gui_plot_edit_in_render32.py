"""An edit during a first visit's render (the shown view's, not a preparation's) stops that render instead of waiting
for it (stop 32, issue 21: the edit waited ~100 ms wall for the rest of the render); the view is drawn again when
the event loop is idle, with the edit's points, as a first visit built and drawn undisturbed shows it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from gui_windows import hold_draw_plot, plot_image, sweep_window, undisturbed_image, until_drawn, until_render_starts  # noqa: E402
from sbrt_calc.gui.main_window import MainWindow  # noqa: E402

ROWS = 57
EDITED = "31.5"   # row 5's total dose (30.0 Gy in the sweep): the same axes, the point moved


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):  # noqa: ANN001, ANN201
    with sweep_window(qapp, tmp_path_factory, "plot-edit-in-render", ROWS) as w:
        w.select_row(5)
        yield w


@pytest.fixture(autouse=True)
def settled(qapp, window: MainWindow):  # noqa: ANN001, ANN201
    window.plot.wait_for_render()
    yield
    window.plot.wait_for_render()
    window.plot.render_in_background = True
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    window.set_model("lq")
    window.plot.draw_now()
    qapp.processEvents()


def _edit(window: MainWindow, value: str) -> None:
    """Row 5's total dose set as typing in its cell does."""
    model = window.model
    model.setData(model.index(5, model.column_of("total_dose_gy")), value)


def _edited_first_visit_reference(qapp, window: MainWindow, model: str):  # noqa: ANN001, ANN202
    """The image of a first visit to ``model`` with the edit, built and drawn in the GUI thread; the edit undone."""
    plot = window.plot
    plot.render_in_background = False   # the switch and the edit drawn in the GUI thread too
    window.set_model(model)
    _edit(window, EDITED)
    image = undisturbed_image(qapp, window)
    window.undo_stack.undo()
    window.set_model("lq")
    plot.draw_now()
    qapp.processEvents()
    plot.forget_views()
    return image


def _hold_the_draw(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, list[int]]:
    """The render worker's figure draws held from now on until their render is stopped (at most ~5 s): (set when one
    is held, the ident of each draw's thread)."""
    from matplotlib.figure import Figure

    held = threading.Event()
    drawn_in: list[int] = []
    draw = Figure.draw

    def holding(fig, renderer):  # noqa: ANN001, ANN202
        job = window.plot._job
        if job is not None and job.in_worker():
            drawn_in.append(threading.get_ident())
            held.set()
            for _ in range(1000):
                if job.cancel.is_set():
                    break
                time.sleep(0.005)
        return draw(fig, renderer)

    monkeypatch.setattr(Figure, "draw", holding)
    return held, drawn_in


def test_an_edit_during_a_first_visits_draw_stops_it_and_the_view_is_drawn_again(  # noqa: ANN001
        qapp, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """The edit arrives while the first visit's render draws: the render stops (it does not run to its end with the
    edit waiting), a full draw is pending, and once the loop is idle the canvas shows the first visit with the edit
    as drawn in the GUI thread, pixel for pixel."""
    plot = window.plot
    reference = _edited_first_visit_reference(qapp, window, "usc")
    held, _ = _hold_the_draw(window, monkeypatch)
    window.set_model("usc")
    job = until_render_starts(qapp, window)
    assert job is not None and held.wait(10)
    _edit(window, EDITED)
    assert job.finished and job.built and type(job.error).__name__ == "Cancelled"
    assert plot._job is None and plot.full_draw_coming()
    monkeypatch.undo()
    until_drawn(qapp, window)
    assert (plot_image(window) == reference).all()


def test_an_edit_during_a_first_visits_build_lets_the_build_end_and_stops_the_draw(  # noqa: ANN001
        qapp, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """The edit arrives while the render builds the new view: the build ends (the view whole, as the edit then reads
    it), the render stops before its draw, and the view is drawn again with the edit as a first visit shows it."""
    plot = window.plot
    reference = _edited_first_visit_reference(qapp, window, "lql")
    _, drawn_in = _hold_the_draw(window, monkeypatch)
    building, release = hold_draw_plot(monkeypatch)
    window.set_model("lql")
    job = until_render_starts(qapp, window)
    assert job is not None and building.wait(10)
    threading.Timer(0.2, release.set).start()   # the build goes on while the edit waits for it
    _edit(window, EDITED)
    assert job.finished and job.built and type(job.error).__name__ == "Cancelled"
    assert drawn_in == [] and plot._job is None and plot.full_draw_coming()     # stopped before its draw
    monkeypatch.undo()
    until_drawn(qapp, window)
    assert (plot_image(window) == reference).all()


def test_a_switch_during_a_first_visits_render_waits_for_it_and_keeps_the_view(  # noqa: ANN001
        qapp, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """A change that makes another view (a model switch) does not stop the render in flight: it ends drawn and its
    view is kept (a switch back shows it at once), as before stop 32."""
    from matplotlib.figure import Figure

    plot = window.plot
    plot.forget_views()
    release = threading.Event()
    draw = Figure.draw

    def slowed(fig, renderer):  # noqa: ANN001, ANN202
        job = plot._job
        if job is not None and job.in_worker():
            release.wait(10)
        return draw(fig, renderer)

    monkeypatch.setattr(Figure, "draw", slowed)
    window.set_model("all")
    job: Any = until_render_starts(qapp, window)
    assert job is not None
    threading.Timer(0.2, release.set).start()
    window.set_model("lq")
    assert job.finished and job.error is None and not job.cancel.is_set()
    monkeypatch.undo()
    plot.draw_now()
    qapp.processEvents()
    window.set_model("all")
    assert not plot.full_draw_coming()


def test_a_selection_during_a_first_visits_draw_stops_it_and_the_view_is_drawn_again(  # noqa: ANN001
        qapp, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """A row selected while the first visit's render draws (a click within ~0.1 s of the switch): the render stops
    (the selection waited for its end before: seen failing, job.error None), a full draw is pending, and once the
    loop is idle the canvas shows the first visit with that row selected as drawn in the GUI thread."""
    plot = window.plot
    try:
        plot.render_in_background = False   # the switch and the selection drawn in the GUI thread too
        window.set_model("lql")
        window.select_row(7)
        reference = undisturbed_image(qapp, window)
        window.select_row(5)
        window.set_model("lq")
        plot.draw_now()
        qapp.processEvents()
        plot.forget_views()
        held, _ = _hold_the_draw(window, monkeypatch)
        window.set_model("lql")
        job = until_render_starts(qapp, window)
        assert job is not None and held.wait(10)
        window.select_row(7)
        assert job.finished and job.built and type(job.error).__name__ == "Cancelled"
        assert plot._job is None and plot.full_draw_coming()
        monkeypatch.undo()
        until_drawn(qapp, window)
        assert (plot_image(window) == reference).all()
    finally:
        monkeypatch.undo()
        plot.wait_for_render()
        window.select_row(5)
