"""The other models prepared while the app is idle (issue 21, app27v: a model's first visit at once).

No timed assertion (``bench/gui_latency.py`` measures): these tests check states, counts and images. A switch to a
prepared model does no full draw of the figure and shows the pixels a first visit draws; its columns have the
widths a first visit fits; an edit or a setting drops what was prepared; input defers the preparation and stops a
render in flight.
"""

from __future__ import annotations

import hashlib
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from gui_windows import module_window, sweep_rows  # noqa: E402
from PySide6.QtCore import QEvent, Qt  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from sbrt_calc.gui.main_window import MainWindow  # noqa: E402

from sbrt_calc.case import CaseRegimen  # noqa: E402

ROWS = 57
OTHERS = ("lql", "usc", "all")


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):  # noqa: ANN001, ANN201
    with module_window(qapp, tmp_path_factory, "idle", size=(1280, 800)) as w:
        w.plot.ensure_canvas()
        rows = sweep_rows(ROWS)
        rows.append(CaseRegimen(label="bad", invalid_input={"regimen": "abc/3"}, error="not a regimen"))
        w.model.replace_all(rows, w.model.settings())
        w.select_row(5)
        qapp.processEvents()
        w.plot.draw_now()
        yield w
        w.bench.preparation.stop()
        w.plot.wait_for_render()


@pytest.fixture(autouse=True)
def fresh(window: MainWindow, qapp):  # noqa: ANN001, ANN201
    """Each test starts on LQ with nothing cached or prepared for the other models, no render in flight."""
    window.bench.preparation.stop()
    window.plot.wait_for_render()
    if window.model.settings().model != "lq":
        window.set_model("lq")
        qapp.processEvents()
    window.plot.draw_now()
    _forget(window)
    index = window.undo_stack.index()
    yield
    window.bench.preparation.stop()
    window.plot.wait_for_render()
    window.undo_stack.setIndex(index)   # the test's steps undone (also when it failed half-way: its edit)
    qapp.processEvents()


def _forget(w: MainWindow) -> None:
    w.plot.forget_views()
    w.model._by_settings.clear()
    w.bench._width_cache.clear()


def _pixels(w: MainWindow) -> str:
    return hashlib.sha256(bytes(w.plot.canvas.buffer_rgba())).hexdigest()


def _widths(w: MainWindow) -> list[int]:
    header = w.table.horizontalHeader()
    return [header.sectionSize(i) for i in range(header.count())]


def _count_full_draws(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from matplotlib.figure import Figure

    calls: list[int] = []
    original = Figure.draw

    def draw(self, renderer):  # noqa: ANN001, ANN202
        calls.append(1)
        return original(self, renderer)

    monkeypatch.setattr(Figure, "draw", draw)
    return calls


def test_a_prepared_models_switch_does_no_full_draw_and_shows_the_first_visits_pixels(
        qapp, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """Every other model: a first visit with nothing prepared (its full draw); then, nothing cached, the three
    prepared while idle and each switched to: no ``Figure.draw`` in the switch's turn nor after it, no draw pending,
    the same canvas buffer (SHA-256) and the same column widths."""
    draws = _count_full_draws(monkeypatch)
    cold = {}
    for model in OTHERS:
        window.set_model(model)
        qapp.processEvents()
        window.plot.draw_now()
        qapp.processEvents()
        cold[model] = _pixels(window), _widths(window)
        window.set_model("lq")
        qapp.processEvents()
    assert len(draws) >= 3, "each first visit drew the figure"
    _forget(window)
    window.bench.preparation.prepare_all_now()
    assert len(window.plot.prepared_views()) == 3
    assert all(window.model.is_prepared(s) for s in window.bench.preparation.other_settings())
    for n, model in enumerate(OTHERS):
        draws.clear()
        window.set_model(model)
        assert not window.plot.full_draw_coming()      # the image is there at once
        qapp.processEvents()
        window.plot.draw_now()
        assert draws == []
        assert (_pixels(window), _widths(window)) == cold[model]
        assert len(window.plot.prepared_views()) == 2 - n   # the one shown is a view seen before now
        window.set_model("lq")
        qapp.processEvents()
        window.plot.draw_now()   # LQ's first visit since _forget: its render ended here, not counted in the next


@pytest.mark.parametrize("size", [(1280, 800), (1024, 740)])
def test_prepared_column_widths_equal_a_first_visits_fit(qapp, window: MainWindow, size: tuple[int, int]) -> None:  # noqa: ANN001
    """The widths prepared for each model (measured with a header of their own) are the ones a first visit fits
    with the table's header, at 1280 and 1024 px, with an invalid row among the 57. (A switch fits the columns and
    the splitter in its own turn: no event is processed between, so that no plot is drawn.)"""
    window.resize(*size)
    qapp.processEvents()
    try:
        bench = window.bench
        fitted = {}
        start = bench.splitter.sizes()   # (the fit only widens the table's side: each switch starts from here)
        for model in OTHERS:
            bench.splitter.setSizes(start)
            window.set_model(model)
            fitted[model] = (bench._width_key(), _widths(window), bench.splitter.sizes())
            window.set_model("lq")
        bench._width_cache.clear()
        window.model._by_settings.clear()
        for settings in bench.preparation.other_settings():
            for _ in window.model.prepare_steps(settings):
                pass
            assert bench.prepare_widths(settings)
            assert not bench.prepare_widths(settings)   # measured once
        for model in OTHERS:
            key, widths, sizes = fitted[model]
            assert bench._width_cache[key] == widths
            bench.splitter.setSizes(start)
            window.set_model(model)
            assert _widths(window) == widths and bench.splitter.sizes() == sizes
            window.set_model("lq")
    finally:
        window.resize(1280, 800)
        qapp.processEvents()
        window.plot.draw_now()


def test_an_edit_or_a_setting_drops_the_prepared_views(qapp, window: MainWindow) -> None:  # noqa: ANN001
    """An edit of a row drops the prepared views (their axes removed) and the edited row's prepared cells; a change
    of a setting other than the model drops them too; a model switch keeps the others'."""
    plot, model = window.plot, window.model
    prep = window.bench.preparation
    prep.prepare_all_now()
    assert len(plot.prepared_views()) == 3 and len(plot.figure.axes) == 4
    window.set_model("usc")
    qapp.processEvents()
    assert len(plot.prepared_views()) == 2            # a switch keeps the others
    col = model.column_of("total_dose_gy")
    model.setData(model.index(5, col), "31.5")
    qapp.processEvents()
    assert plot.prepared_views() == set()
    assert [ax for ax in plot.figure.axes if ax.get_visible()] == [plot.ax]
    assert not any(model.is_prepared(s) for s in prep.other_settings())   # row 5 forgotten in every model
    window.undo_stack.undo()
    qapp.processEvents()
    settings = prep.other_settings()[0]     # one model prepared again (a render), then a setting
    for _ in model.prepare_steps(settings):
        pass
    assert plot.prepare_view(model.evaluation_for(settings))
    job = plot._job
    job.thread.join()
    plot._finish_render(job)
    assert len(plot.prepared_views()) == 1
    window.set_organ_alpha_beta(2.0)
    qapp.processEvents()
    assert plot.prepared_views() == set()
    window.undo_stack.undo()
    qapp.processEvents()


def test_input_defers_the_preparation_and_stops_a_render_in_flight(qapp, window: MainWindow) -> None:  # noqa: ANN001
    """Started, the preparation waits for the idle delay; a key press restarts that delay and cancels a render in
    flight (the view is not kept, the shown view is the only one visible); once idle it runs to the end."""
    prep, plot, model = window.bench.preparation, window.plot, window.model
    prep.start()
    assert prep.enabled and prep._idle.isActive() and prep.steps_run == 0
    key = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier)
    before = prep.deferrals
    QApplication.sendEvent(window.table, key)
    assert prep.deferrals > before and prep._idle.isActive() and prep._idle.remainingTime() > 200
    # a render in flight, then input: it stops at its next drawing call and its view is dropped
    settings = prep.other_settings()[0]
    for _ in model.prepare_steps(settings):
        pass
    assert plot.prepare_view(model.evaluation_for(settings))
    assert plot.preparing()
    job = plot._job
    QApplication.sendEvent(window.table, key)
    assert job is not None and job.cancel.is_set() and job.finished   # stopped and waited for
    assert not plot.preparing() and plot.prepared_views() == set()
    assert [ax for ax in plot.figure.axes if ax.get_visible()] == [plot.ax]
    # idle: the steps run through the event loop (table slices, widths, the view's render) to a prepared view
    prep._idle.start(0)
    for _ in range(2000):
        qapp.processEvents()
        if plot.prepared_views():
            break
        if plot._job is not None:
            plot._job.thread.join(0.01)
    assert len(plot.prepared_views()) == 1 and prep.steps_run >= 2   # (its cells were made above)
    assert model.is_prepared(settings)
    with model.as_settings(settings):
        assert window.bench._cached_widths() is not None


def test_views_prepared_at_once_in_a_new_window_survive_a_switch(qapp, tmp_path_factory) -> None:  # noqa: ANN001
    """A window of its own, its rows loaded before the preparation is first asked for (as this module's window, and
    the bench's): the three views prepared at once (``prepare_all_now``, no ``start``) and a switch to one keeps the
    two others. Before, the preparation made after the rows knew no basis (None until ``start`` or an edit): the
    first switch took itself for an edit and dropped every prepared view (the edit test failed run alone)."""
    with module_window(qapp, tmp_path_factory, "idle-own", size=(1280, 800)) as w:
        w.plot.ensure_canvas()
        w.model.replace_all(sweep_rows(8), w.model.settings())
        qapp.processEvents()
        w.plot.draw_now()
        prep = w.bench.preparation
        prep.prepare_all_now()
        assert len(w.plot.prepared_views()) == 3
        w.set_model("usc")
        qapp.processEvents()
        assert len(w.plot.prepared_views()) == 2
        w.plot.wait_for_render()
