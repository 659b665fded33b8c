"""A matplotlib figure as PNG bytes or raw pixels, drawn once (the report's plots: BED, plan-check DVH,
re-irradiation DVH).

``Figure.savefig`` draws a figure with a layout engine (``layout="constrained"``) twice: a dry run with
drawing disabled, to lay it out, then the real drawing with the layout switched off. Agg's
``print_png`` alone draws it once, laying it out as it draws: the same pixels (the report's tests compare
them with ``savefig``'s, tests/test_report_render.py), about a fifth less work per figure. The PDF takes the
pixels themselves (:func:`figure_rgba`): no PNG to encode and decode again. Nothing here imports matplotlib
until a figure is drawn.
"""

from __future__ import annotations

import io
from typing import Any


def _animated(fig: Any) -> bool:
    """An animated artist among an Axes' children: ``Axes.draw`` leaves those out unless saving (the app blits its
    points), so such a figure goes through ``savefig``. (The figure's own animated artists are left out by either
    path; a full ``findobj`` walk would also build every tick before the drawing does.)"""
    from matplotlib.axes import Axes

    stack = list(fig.axes)
    while stack:
        for child in stack.pop().get_children():
            if child.get_animated():
                return True
            if isinstance(child, Axes):   # an inset's own children
                stack.append(child)
    return False


def figure_png(fig: Any) -> bytes:
    """PNG bytes of the matplotlib ``Figure`` ``fig`` at its own dpi, facecolor and size (as
    ``fig.savefig(buf, format="png", dpi=fig.dpi)`` with matplotlib's default ``savefig.*`` settings)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buf = io.BytesIO()
    if _animated(fig):
        fig.savefig(buf, format="png", dpi=fig.dpi)
    else:
        FigureCanvasAgg(fig).print_png(buf)
    return buf.getvalue()


def figure_rgba(fig: Any) -> tuple[int, int, bytes]:
    """``(width, height, pixels)`` of ``fig`` drawn as :func:`figure_png` draws it: 8-bit RGBA, rows top first,
    ``4 * width`` bytes a row (the PNG's pixels, without the PNG)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    if _animated(fig):
        buf = io.BytesIO()
        fig.savefig(buf, format="rgba", dpi=fig.dpi)
        data = buf.getvalue()
    else:
        canvas.draw()
        data = bytes(canvas.buffer_rgba())
    width, height = canvas.get_width_height(physical=True)
    if len(data) != 4 * width * height:   # pragma: no cover - matplotlib's contract
        raise ValueError(f"figure pixels: {len(data)} bytes for {width} x {height}")
    return width, height, data
