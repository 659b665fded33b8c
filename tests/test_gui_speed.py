"""Never frozen, always quick (issue 21): the heavy paths of the Regimens tab do their work once, in bulk.

No timed assertion (speed is measured by ``bench/gui_latency.py`` beside a bare window, in CPU time): these tests
count the work the GUI thread does on a model switch of 57 rows and on an edit, so that a change that brings back
row-by-row evaluation or a drawing of every hidden label fails here whatever the machine's load.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from sbrt_calc.gui.main_window import MainWindow  # noqa: E402

import sbrt_calc.evaluation as evaluation  # noqa: E402
from sbrt_calc.case import CaseRegimen  # noqa: E402
from sbrt_calc.regimen import Regimen  # noqa: E402

ROWS = 57


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):  # noqa: ANN001, ANN201
    tmp = tmp_path_factory.mktemp("speed")
    mp = pytest.MonkeyPatch()
    mp.setenv("SBRT_CALC_SETTINGS_DIR", str(tmp / "s"))
    mp.setenv("SBRT_CALC_DATA_DIR", str(tmp / "d"))
    w = MainWindow()
    w.resize(1280, 800)
    w.show()
    w.plot.ensure_canvas()
    rows = [CaseRegimen.from_regimen(Regimen(round(24 + 0.75 * i, 2), (1, 3, 5, 8)[i % 4])) for i in range(ROWS)]
    w.model.replace_all(rows, w.model.settings())
    qapp.processEvents()
    w.plot.draw_now()
    yield w
    w.undo_stack.setClean()
    w.close()
    mp.undo()


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    """Calls of the row-by-row path and of the batch (with the number of rows of each batch)."""
    calls: dict[str, list[int]] = {"evaluate_row": [], "evaluate_rows": []}
    one, many = evaluation.evaluate_row, evaluation.evaluate_rows

    def evaluate_row(row, s, index=0):  # noqa: ANN001, ANN202
        calls["evaluate_row"].append(1)
        return one(row, s, index)

    def evaluate_rows(rows, s, indices=None):  # noqa: ANN001, ANN202
        calls["evaluate_rows"].append(len(rows))
        return many(rows, s, indices)

    monkeypatch.setattr(evaluation, "evaluate_row", evaluate_row)
    monkeypatch.setattr(evaluation, "evaluate_rows", evaluate_rows)
    return calls


@pytest.mark.parametrize("model", ["lql", "all"])
def test_a_model_switch_evaluates_the_rows_together(qapp, window: MainWindow, counted: dict, model: str) -> None:  # noqa: ANN001
    """The first switch to a model evaluates the 57 rows in one batch (it evaluated them one by one: 1.3-1.9 s
    in the issue), and the table, the banner, the working and the plot all read that one evaluation."""
    window.model._by_settings.clear()   # a first visit, whatever the other tests visited before
    window.set_model(model)
    window.table.viewport().repaint()
    qapp.processEvents()
    window.plot.draw_now()
    assert counted["evaluate_row"] == []
    assert counted["evaluate_rows"] == [ROWS]
    window.set_model("lq")
    qapp.processEvents()


def test_an_edit_evaluates_only_its_row(qapp, window: MainWindow, counted: dict) -> None:  # noqa: ANN001
    col = window.model.column_of("total_dose_gy")
    window.model.setData(window.model.index(5, col), "31.5")
    window.table.viewport().repaint()
    qapp.processEvents()
    assert sum(counted["evaluate_rows"]) + len(counted["evaluate_row"]) == 1
    window.undo_stack.undo()
    qapp.processEvents()


def test_a_crowded_plot_draws_only_the_selected_points_labels(qapp, window: MainWindow) -> None:  # noqa: ANN001
    """With 57 points only the selected rows are numbered, from the view's first full draw on: hidden labels cost
    neither the layout's measuring nor a text draw (shown, they were ~20 % of a model switch's plot)."""
    window.model._by_settings.clear()
    window.plot._views.clear()
    window.select_row(3)
    window.set_model("lql")
    qapp.processEvents()
    labels = window.plot._handles["labels"]
    assert len(labels) == ROWS
    assert sum(label.get_visible() for label in labels) == 1
    window.set_model("lq")
    qapp.processEvents()


def test_a_full_plot_draw_shows_the_busy_cursor(qapp, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """A new view's full draw (0.2-0.4 s of CPU for 57 rows) runs under the busy cursor, restored after."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    seen = []
    draw = window.plot.canvas.draw

    def recording_draw() -> None:
        cursor = QApplication.overrideCursor()
        seen.append(cursor.shape() if cursor is not None else None)
        draw()

    monkeypatch.setattr(window.plot.canvas, "draw", recording_draw)
    window.plot._views.clear()
    window.model._by_settings.clear()
    window.set_model("usc")
    window.plot.draw_now()
    assert seen == [Qt.CursorShape.BusyCursor]
    assert QApplication.overrideCursor() is None
    window.set_model("lq")
    qapp.processEvents()


def test_a_model_switch_lays_out_and_draws_the_figure_once(qapp, window: MainWindow,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A first visit to a model at 1280 x 800 (a narrow plot, so the legend's place is chosen): one layout run and
    one figure draw, both in the deferred full draw; the legend's place costs neither (before: a layout run of its
    own in the switch and up to four legends built and measured, 284-523 ms CPU; issue 21)."""
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend

    plot = window.plot
    assert plot._narrow()
    engine = type(plot.figure.get_layout_engine())
    counts = {"layout": 0, "draw": 0, "legend": 0}
    execute, draw, legend_init = engine.execute, Figure.draw, Legend.__init__

    def counting(name: str, f):  # noqa: ANN001, ANN202
        def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            counts[name] += 1
            return f(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(engine, "execute", counting("layout", execute))
    monkeypatch.setattr(Figure, "draw", counting("draw", draw))
    monkeypatch.setattr(Legend, "__init__", counting("legend", legend_init))
    for model in ("usc", "lql"):
        plot._views.clear()
        window.model._by_settings.clear()
        before = dict(counts)
        window.set_model(model)
        window.table.viewport().repaint()
        assert (counts["layout"], counts["draw"]) == (before["layout"], before["draw"]), model   # deferred
        assert counts["legend"] - before["legend"] == 2, model   # the core's, then the least-covering one
        plot.draw_now()
        qapp.processEvents()
        assert (counts["layout"] - before["layout"], counts["draw"] - before["draw"]) == (1, 1), model
    window.set_model("lq")
    qapp.processEvents()


def test_the_narrow_legend_goes_where_it_covers_fewest(qapp, window: MainWindow) -> None:
    """The place chosen at draw time by arithmetic is the one the former way found by building and measuring a
    legend at each candidate place: the first of LEGEND_PLACES covering the fewest points and lines' labels."""
    plot = window.plot
    window.set_model("all")
    qapp.processEvents()
    plot.draw_now()
    legend = plot.ax.get_legend()
    chosen = legend.place
    renderer = plot.figure.canvas.get_renderer()
    pts = plot.ax.transData.transform([(p.x_gy, p.y_gy) for p in plot.data.points])
    texts = [t.get_window_extent(renderer) for t in plot._handles["line_labels"]]
    covered = []
    try:
        for place in plot.LEGEND_PLACES:
            legend.set_loc(place)          # matplotlib's own placement, measured
            box = legend.get_window_extent(renderer)
            covered.append(sum(box.contains(x, y) for x, y in pts) + sum(box.overlaps(t) for t in texts))
    finally:
        legend.set_loc(chosen)
    assert plot.LEGEND_PLACES.index(chosen) == covered.index(min(covered)), (chosen, covered)
    window.set_model("lq")
    qapp.processEvents()


def test_an_edit_re_lays_out_neither_the_window_nor_the_figure(qapp, window: MainWindow) -> None:  # noqa: ANN001
    """An edit that changes the caveats banner's counts but not its number of lines asks no layout of the tab
    (the label's request stops at its box: issue 21, the whole window was re-laid out and repainted on every
    edit) and draws no full figure (the points are blitted); the banner still shows the new text in full."""
    from PySide6.QtCore import QEvent, QObject

    box = window.bench.banner_box
    tab_part = box.parentWidget()
    requests: list[QObject] = []

    class Count(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.LayoutRequest:
                requests.append(obj)
            return False

    draws: list[object] = []
    cid = window.plot.canvas.mpl_connect("draw_event", draws.append)
    counter = Count()
    col = window.model.column_of("total_dose_gy")
    window.select_row(5)
    qapp.processEvents()
    window.plot.draw_now()
    before, height = window.banner.text(), box.height()
    qapp.installEventFilter(counter)
    try:
        window.model.setData(window.model.index(5, col), "36")
        window.plot.draw_now()
        qapp.processEvents()
    finally:
        qapp.removeEventFilter(counter)
        window.plot.canvas.mpl_disconnect(cid)
    assert window.banner.text() != before       # the counts changed...
    assert box.height() == height               # ...on as many lines
    assert tab_part not in requests and window not in requests
    assert draws == []
    assert window.banner.geometry() == box.rect()
    assert box.height() == window.banner.heightForWidth(box.width())
    window.banner.setText(before + "<br>one more line")   # more lines: the box grows, through the tab's layout
    qapp.processEvents()
    assert box.height() == window.banner.heightForWidth(box.width()) > height
    window.undo_stack.undo()
    qapp.processEvents()
    assert box.height() == height
