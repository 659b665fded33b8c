"""A matplotlib figure as PNG bytes, drawn once (the report's plots: BED, plan-check DVH, re-irradiation DVH).

``Figure.savefig`` draws a figure with a layout engine (``layout="constrained"``) twice: a dry run with
drawing disabled, to lay it out, then the real drawing with the layout switched off. Agg's
``print_png`` alone draws it once, laying it out as it draws: the same pixels (the report's tests compare
them with ``savefig``'s, tests/test_report_render.py), about a fifth less work per figure. Nothing here
imports matplotlib until a figure is drawn.
"""

from __future__ import annotations

import io
from typing import Any


def figure_png(fig: Any) -> bytes:
    """PNG bytes of the matplotlib ``Figure`` ``fig`` at its own dpi, facecolor and size (as
    ``fig.savefig(buf, format="png", dpi=fig.dpi)`` with matplotlib's default ``savefig.*`` settings).

    A figure with an animated artist (the app's blitted points) goes through ``savefig``: only a save draws
    those."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buf = io.BytesIO()
    if any(a.get_animated() for a in fig.findobj()):
        fig.savefig(buf, format="png", dpi=fig.dpi)
    else:
        FigureCanvasAgg(fig).print_png(buf)
    return buf.getvalue()
