"""The mouse on the plot while a first visit's render draws it in the render worker (stop 32, the lead's attack made a
test): matplotlib handles each move and click in the GUI thread (its hit tests and picks read the figure the worker
is drawing); a click on a point selects its row, which stops the render (``set_selected_rows``). Nothing may raise,
the render must end, and the view drawn afterwards must be the one a first visit drawn undisturbed shows."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import random  # noqa: E402
import time  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from gui_windows import plot_image, plot_window_fixtures, undisturbed_image, until_drawn, until_render_starts  # noqa: E402
from sbrt_calc.gui.main_window import MainWindow  # noqa: E402

window, settled = plot_window_fixtures("plot-mouse")


def test_moves_and_clicks_on_the_plot_during_first_visits_renders(qapp, window: MainWindow) -> None:  # noqa: ANN001
    """Three first visits (LQ-L, USC, all three), each with the mouse moved over the plot every ~2 ms while its
    render runs and clicked on its points (pytest-qt fails the test on an exception in a Qt event handler). Seen
    failing with the pick raising while a render is in flight (the exception kept from matplotlib's handler)."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    plot = window.plot
    canvas = plot.canvas
    # matplotlib prints an exception raised in a mouse callback (the pick's, the hit test's) and goes on: kept here
    errors: list[BaseException] = []
    callbacks = canvas.callbacks
    callbacks.exception_handler, handler = errors.append, callbacks.exception_handler
    shake = random.Random(32)
    during = 0
    picked = []
    for model in ("lql", "usc", "all"):
        window.set_model(model)   # where the points are in this model's view (drawn the same way again below)
        plot.draw_now()
        qapp.processEvents()
        xy = plot.ax.transData.transform([(p.x_gy, p.y_gy) for p in plot.data.points])
        points = [QPoint(round(x), round(canvas.height() - y)) for x, y in xy]
        window.select_row(0)
        window.set_model("lq")
        plot.draw_now()
        qapp.processEvents()
        plot.forget_views()
        window.set_model(model)
        job = until_render_starts(qapp, window)
        assert job is not None
        deadline = time.monotonic() + 10
        while not job.thread.ended.is_set() and time.monotonic() < deadline:
            at = QPoint(shake.randint(5, canvas.width() - 5), shake.randint(5, canvas.height() - 5))
            QTest.mouseMove(canvas, at)
            if during % 3 == 1:   # on a point: its row selected
                QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                                 shake.choice(points))
            during += 1
            qapp.processEvents()
            time.sleep(0.002)
        assert job.thread.ended.is_set()
        picked.append([i.row() for i in window.table.selectionModel().selectedRows()] != [0])
        plot.wait_for_render()
        until_drawn(qapp, window)   # a render stopped by a click is drawn again after the window's paint
        shown = plot_image(window)
        assert (undisturbed_image(qapp, window) == shown).all(), model
    callbacks.exception_handler = handler
    assert during >= 3 and any(picked)   # the mouse did arrive during the renders, and picked points
    assert errors == []
