"""A new view's full draw starts its render thread after the window's paint (stop 31, plot_panel's
``_AfterWindowPaint``): the render holds the interpreter most of the time, and a paint that began after it waited for
it (a first visit's table showed ~17 ms later than its CPU time, the window's last widgets 46-63 ms after the switch
against 17-23 ms now, wall, 57 rows)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import time  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from gui_windows import plot_window_fixtures, until_render_starts  # noqa: E402
from sbrt_calc.gui import plot_panel  # noqa: E402
from sbrt_calc.gui.main_window import MainWindow  # noqa: E402

window, settled = plot_window_fixtures("plot-after-paint")


def _record(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], Any]:
    """What happens from now on, in order: 'paint' at each UpdateRequest of the window (Qt paints its widgets there),
    'render' when the plot's pending full draw starts its render."""
    from PySide6.QtCore import QEvent, QObject

    seen: list[str] = []

    class Watch(QObject):
        def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.UpdateRequest:
                seen.append("paint")
            return False

    watch = Watch()
    window.installEventFilter(watch)
    draw_later = plot_panel.PlotPanel._draw_later

    def recorded(self: Any) -> None:
        if self._full_draw_pending:
            seen.append("render")
        draw_later(self)

    monkeypatch.setattr(plot_panel.PlotPanel, "_draw_later", recorded)
    return seen, watch


def test_a_first_visits_render_starts_after_the_windows_paint(qapp, window: MainWindow,  # noqa: ANN001
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen failing with the zero timer of before (the render started first: ['render', 'paint'])."""
    for model in ("lql", "all", "lq"):
        window.plot.forget_views()
        seen, watch = _record(window, monkeypatch)
        window.set_model(model)
        assert until_render_starts(qapp, window) is not None
        window.removeEventFilter(watch)
        assert seen[:2] == ["paint", "render"], (model, seen)
        window.plot.wait_for_render()
        qapp.processEvents()


def test_without_the_windows_paint_the_render_starts_after_a_while(qapp, window: MainWindow) -> None:  # noqa: ANN001
    """Nothing painted (the window up to date): the render starts after the watch's fallback, not never."""
    plot = window.plot
    qapp.processEvents()
    plot._full_draw_pending = True          # a full draw asked for, with nothing else to paint
    plot._after_window_paint().arm(plot._draw_later)
    start = time.monotonic()
    assert until_render_starts(qapp, window, timeout_s=5) is not None
    assert time.monotonic() - start >= plot_panel._AfterWindowPaint.FALLBACK_MS / 1000 * 0.8
    plot.wait_for_render()


def test_a_hidden_windows_render_starts_in_the_next_turn(qapp, window: MainWindow) -> None:  # noqa: ANN001
    """A hidden window paints nothing: the render starts in the next turn of the event loop, as before stop 31."""
    plot = window.plot
    window.hide()
    try:
        plot._full_draw_pending = True
        plot._after_window_paint().arm(plot._draw_later)
        qapp.processEvents()
        assert plot._job is not None or not plot._full_draw_pending
    finally:
        plot.wait_for_render()
        window.show()
        qapp.processEvents()


def test_the_update_request_type_is_qts() -> None:
    from PySide6.QtCore import QEvent

    assert plot_panel._UPDATE_REQUEST == int(QEvent.Type.UpdateRequest.value)


def test_an_earlier_armings_fallback_does_not_start_the_next_render_early(window: MainWindow) -> None:
    """Armed, then armed again before the first arming's fallback ran: that fallback (its timer fires later) runs
    nothing; the second arming's own does. Seen failing without the arming count (the second callback ran)."""
    watch = window.plot._after_window_paint()
    calls: list[str] = []
    watch.arm(lambda: calls.append("first"))
    first = watch._armed
    watch.arm(lambda: calls.append("second"))
    watch._fire(first)                 # the first arming's fallback timer
    assert calls == []
    watch._fire(watch._armed)          # the second's
    assert calls == ["second"]
