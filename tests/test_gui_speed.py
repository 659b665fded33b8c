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
