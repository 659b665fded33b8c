"""Exporting the figure leaves the screen's plot as it was (found by suite27c, stop 27).

A save draws the figure for the file: at 200 dpi for PNG, and on matplotlib's SVG or PDF canvas for those. The plot
panel's draw handler took that draw for the screen's: it kept the export's image as the blit background (480 x 834
px after a PNG export of a 240 x 417 canvas) and, on the SVG and PDF canvases, failed in matplotlib's callback
(``'FigureCanvasSVG' object has no attribute 'get_renderer'``, a traceback on stderr; the file was still written).
"""

from __future__ import annotations

import numpy as np
import pytest


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_an_export_keeps_the_screens_background_and_prints_nothing(window, qtbot, tmp_path, capfd, suffix):
    plot = window.plot
    plot.ensure_canvas()
    qtbot.waitUntil(lambda: plot._background is not None and not plot.full_draw_coming())
    before = np.asarray(plot._background).copy()
    capfd.readouterr()

    out = window.export_figure(str(tmp_path / f"figure.{suffix}"))

    assert out is not None and (tmp_path / f"figure.{suffix}").stat().st_size > 0
    assert capfd.readouterr().err == ""
    after = np.asarray(plot._background)
    assert after.shape == before.shape
    assert np.array_equal(after, before)


def test_after_an_export_a_selection_shows_what_a_fresh_draw_shows(window, qtbot, tmp_path):
    plot = window.plot
    plot.ensure_canvas()
    qtbot.waitUntil(lambda: plot._background is not None and not plot.full_draw_coming())
    window.export_figure(str(tmp_path / "figure.png"))
    window.select_row(1)
    qtbot.wait(1)
    shown = np.asarray(plot.canvas.buffer_rgba()).copy()

    plot.draw_now()     # the same view drawn again for the screen, then the same selection blitted
    plot.wait_for_render()
    window.select_row(0)
    window.select_row(1)
    qtbot.wait(1)
    fresh = np.asarray(plot.canvas.buffer_rgba())
    assert shown.shape == fresh.shape
    assert np.array_equal(shown, fresh)
