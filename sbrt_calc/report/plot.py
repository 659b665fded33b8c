"""The one BED plot, for the app and the report: computed from an Evaluation, drawn with matplotlib.

:func:`plot_data` (numpy only) computes what the plot shows: the viewed model's BED against total
dose, one curve per fraction count, the usual 24-50 Gy range, the evaluation's regimens as numbered
points, and the two BED10 lines *where they are defined*: under LQ at alpha/beta 10 they are the
horizontal lines 70 and 100 Gy; under another model (or alpha/beta) the y axis is another quantity, so
the lines are drawn as the point on each curve where the regimen in that many fractions reaches
LQ BED10 = 70 (or 100) Gy - never as a horizontal line on the other model's scale.
:func:`draw_plot` draws that on a matplotlib Axes (the app's canvas or the report's figure).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sbrt_calc.evaluation import Evaluation
from sbrt_calc.radiobiology import lq
from sbrt_calc.regimen import fractions_text

#: The usual SBRT range for oligoprogressive lesions (seed document 004: 24-50 Gy in 3-6 fractions).
BAND_GY = (24.0, 50.0)
FRACTION_COUNTS = (3, 4, 5, 6)
# Okabe-Ito colours (colour-blind safe) and distinct line styles per fraction count; 1, 2 and 8 fractions (single
# fraction, two fractions, the 8-fraction central-lung schedule) get their curve when the table has such a regimen
CURVE_STYLE: dict[int, tuple[str, Any]] = {
    3: ("#0072B2", "-"), 4: ("#D55E00", "--"), 5: ("#009E73", "-."), 6: ("#CC79A7", ":"),
    1: ("#000000", (0, (1, 1))), 2: ("#E69F00", (0, (5, 1))), 8: ("#56B4E9", (0, (3, 1, 1, 1, 1, 1))),
}
OTHER_COLOUR = "#777777"
FLAG_COLOUR, REF_COLOUR = "#B22222", "#2166AC"


@dataclass(frozen=True)
class PlotPoint:
    row: int            # index of the row in the evaluation
    number: str         # the row number shown beside the point
    label: str
    x_gy: float
    y_gy: float
    fractions: int
    flag_reached: bool


@dataclass(frozen=True)
class PlotData:
    """Everything the plot shows (see the module docstring)."""

    model: str
    title: str
    y_label: str
    curves: tuple[tuple[int, np.ndarray, np.ndarray], ...]
    horizontal: tuple[tuple[str, float, str], ...]          # (label, y, colour): LQ at alpha/beta 10 only
    crossings: tuple[tuple[str, int, float, float, str], ...]  # (label, n, x, y, colour) otherwise
    points: tuple[PlotPoint, ...]
    xmax_gy: float
    ymax_gy: float
    band_note: str
    #: fraction counts of regimens shown without a curve (grey points; only 1-6 and 8 fractions have one)
    no_curve: tuple[int, ...] = ()


def _y(ev: Evaluation, model: str, total: Any, n: int) -> np.ndarray:
    s = ev.settings
    d = np.asarray(total, dtype=float) / n
    if model == "usc":
        return np.asarray(s.usc.bed(total, d), dtype=float)
    m = s.lq if model == "lq" else s.lql
    return np.asarray(m.bed(total, d, s.flag.alpha_beta_gy), dtype=float)


def plot_data(ev: Evaluation, fraction_counts: Sequence[int] = FRACTION_COUNTS) -> PlotData:
    """The plot of ``ev``: its (single) model, or LQ when all three are shown side by side."""
    s = ev.settings
    model = s.models[0] if len(s.models) == 1 else "lq"
    valid = ev.valid_rows()
    top = max([r.regimen.total_dose_gy for r in valid if r.regimen] + [57.0])
    xmax = float(np.ceil(top * 1.1 / 10) * 10) if top > 57 else 60.0
    x = np.linspace(0.5, xmax, 300)
    present = sorted({r.regimen.fractions for r in valid if r.regimen})
    # the table's 1-, 2- and 8-fraction regimens get their curve too (issue 21); other counts: points only, said
    counts = sorted(set(fraction_counts) | {n for n in present if n in CURVE_STYLE})
    no_curve = tuple(n for n in present if n not in counts)
    curves = tuple((n, x, _y(ev, model, x, n)) for n in counts)
    points = []
    for r in valid:
        assert r.regimen is not None
        y: float
        if model == "lq":
            y = r.bed10_gy or 0.0
        elif model == "usc" or s.tumour_alpha_beta_gy == s.flag.alpha_beta_gy:
            y = r.model(model).tumour_bed_gy
        else:  # the plot's y axis is at alpha/beta 10; the table's tumour column at another alpha/beta
            y = float(_y(ev, model, r.regimen.total_dose_gy, r.regimen.fractions))
        points.append(PlotPoint(r.index, str(r.index + 1), r.label, r.regimen.total_dose_gy, float(y),
                                r.regimen.fractions, bool(r.flag_reached)))
    horizontal: tuple[tuple[str, float, str], ...] = ()
    crossings: list[tuple[str, int, float, float, str]] = []
    ab = s.flag.alpha_beta_gy
    if model == "lq":
        not_here = any(not r.flag_applies for r in valid)   # the case's planned site: spine or brain
        horizontal = ((f"{s.flag.label} (flag{'; n/a at this site' if not_here else ''})", s.flag.bed_gy,
                       FLAG_COLOUR),
                      (f"{s.reference.label} (reference)", s.reference.bed_gy, REF_COLOUR))
        y_label = f"BED{ab:g} LQ [Gy]"
        name = "LQ"
    else:
        for line, colour, kind in ((s.flag, FLAG_COLOUR, "flag"), (s.reference, REF_COLOUR, "reference")):
            # the bar on each curve where its regimen reaches the line (on LQ BED10); labelled as what it is
            label = f"LQ BED{line.alpha_beta_gy:g} = {line.bed_gy:g} Gy ({kind} line)"
            for n in counts:
                total = float(lq.dose_per_fraction_for_bed(line.bed_gy, n, line.alpha_beta_gy)) * n
                if total <= xmax:
                    crossings.append((label, n, total, float(_y(ev, model, total, n)), colour))
        name = s.model(model).label()
        y_label = (f"BED {name}, own α/β {s.usc.alpha_beta_gy:.3g} [Gy]" if model == "usc"
                   else f"BED {name}, α/β {ab:g} [Gy]")
    # the y range: the usual 3-6 fraction curves and the points (a 1- or 2-fraction curve runs out of the top rather
    # than squash the others)
    ys = [float(c[2].max()) for c in curves if c[0] in fraction_counts] + [p.y_gy for p in points] + \
        [h[1] for h in horizontal]
    title = f"{'BED10' if model == 'lq' else 'BED'} against total dose — {name}"
    if len(s.models) > 1:
        title += " (table: LQ, LQ-L, USC)"
    from sbrt_calc.eligibility.sites import seed_range_note

    seed = seed_range_note(s.flag)     # the range against the case's own line (the shipped one by default)
    note = f"Shaded: 24-50 Gy, the usual range. {seed.text} [{seed.source}]"
    return PlotData(model, title, y_label, curves, horizontal, tuple(crossings), tuple(points), xmax,
                    max(ys) * 1.1, note, no_curve)


def escape_mathtext(text: str) -> str:
    """A label matplotlib shows as typed (``$`` would start maths)."""
    return text.replace("$", r"\$")


def line_text(label: str, compact: bool = False) -> str:
    """The text beside a horizontal line: 'BED10 ≥ 100 Gy (reference)'; ``compact`` (a narrow plot, whose y
    axis names BED10 already): '≥ 100 Gy (reference)'."""
    text = label.replace(">=", "≥")
    if compact and text.startswith("BED") and " " in text:
        text = text.split(" ", 1)[1]
    return text


def _no_step() -> None:
    pass


#: how many point labels :func:`draw_plot` makes between two calls of its ``step`` callback
LABELS_PER_STEP = 8


def draw_plot(ax: Any, data: PlotData, dark: bool = False, animated_points: bool = False,
              compact: bool = False, *, clear: bool = True, legend: bool = True,
              step: Callable[[], None] | None = None) -> dict[str, Any]:
    """Draw ``data`` on ``ax`` (cleared first); returns the point artists for in-place updates. ``compact``: a
    narrow plot (the app at 1024 px): the lines' labels shorter and smaller, so that they fit beside the curves.
    ``clear=False``: ``ax`` is new (nothing to clear); ``legend=False``: no legend (the caller makes its own from
    the axes' handles and labels). Both spare the app's plot work on a model switch (issue 21).

    ``step``: called between the drawing's steps (each at most a few ms of CPU), nothing drawn by it: the app's
    plot, building a view off the GUI thread, stops there (the callback raises) when the user acts (stop 30). What
    is drawn is the same with or without it."""
    fg, grid = ("#e8e8e8", "#555555") if dark else ("#222222", "#dddddd")
    if step is None:
        step = _no_step
    if clear:
        ax.clear()
        step()
    ax.axvspan(*BAND_GY, color="#999999", alpha=0.15, lw=0, label="24–50 Gy (usual range)")
    step()
    for n, xs, ys in data.curves:
        colour, style = CURVE_STYLE.get(n, (OTHER_COLOUR, "-"))
        ax.plot(xs, ys, color=colour, linestyle=style, linewidth=1.6, label=fractions_text(n))
        step()
    line_labels = []
    for label, y, colour in data.horizontal:
        ax.axhline(y, color=colour, linewidth=1.2, linestyle=(0, (6, 2)))
        line_labels.append(ax.text(0.01, y, escape_mathtext(line_text(label, compact)), transform=ax.get_yaxis_transform(),
                                   va="bottom", fontsize=7 if compact else 8, color=colour))
        step()
    seen = set()
    for label, _n, x, y, colour in data.crossings:
        ax.plot([x], [y], marker="|", markersize=14, markeredgewidth=2, color=colour, linestyle="none",
                label=None if label in seen else escape_mathtext(label))
        seen.add(label)
        step()
    kw = {"zorder": 5, "edgecolors": "black", "linewidths": 0.6, "animated": animated_points}
    up = [p for p in data.points if p.flag_reached]
    down = [p for p in data.points if not p.flag_reached]
    up_points = ax.scatter([p.x_gy for p in up], [p.y_gy for p in up], marker="^", s=46, picker=True, pickradius=6,
                           c=[CURVE_STYLE.get(p.fractions, (OTHER_COLOUR,))[0] for p in up] or "white",
                           label="regimen, BED10 flag reached", **kw)
    step()
    down_points = ax.scatter([p.x_gy for p in down], [p.y_gy for p in down], marker="o", s=36, picker=True,
                             pickradius=6, c=[CURVE_STYLE.get(p.fractions, (OTHER_COLOUR,))[0] for p in down] or "white",
                             label="regimen, flag not reached", **kw)
    step()
    labels = []
    for i, p in enumerate(up + down, 1):
        labels.append(ax.annotate(p.number, (p.x_gy, p.y_gy), xytext=(5, 4), textcoords="offset points", fontsize=7,
                                  color=fg, zorder=7, animated=animated_points))
        if i % LABELS_PER_STEP == 0:
            step()
    step()
    handles = {
        "up": up_points, "down": down_points,
        "up_rows": [p.row for p in up], "down_rows": [p.row for p in down], "line_labels": line_labels,
        "labels": labels,
    }
    if data.no_curve:   # regimens in other fraction counts: grey points, and why they have no curve
        counts = ", ".join(str(n) for n in data.no_curve)
        ax.plot([], [], marker="o", linestyle="none", color=OTHER_COLOUR, markeredgecolor="black", markersize=5,
                label=f"{counts} fx: no curve (only 1–6 and 8 fx)")
    ax.set_xlabel("Total dose [Gy]", color=fg)
    ax.set_ylabel(escape_mathtext(data.y_label), color=fg)
    ax.set_title(escape_mathtext(data.title), fontsize=10, color=fg)
    ax.tick_params(colors=fg)
    ax.set_xlim(0, data.xmax_gy)
    ax.set_ylim(0, data.ymax_gy)
    ax.grid(True, color=grid, linewidth=0.6)
    step()
    if legend:
        ax.legend(loc="upper left", fontsize=6.5, framealpha=0.85, ncols=2, handlelength=1.6, columnspacing=0.8,
                  borderaxespad=0.3)
    return handles


def _bed_figure(ev: Evaluation, width_in: float, height_in: float, dpi: int) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=dpi, layout="constrained")
    draw_plot(fig.add_subplot(), plot_data(ev))
    return fig


def bed_plot_png(ev: Evaluation, width_in: float = 6.5, height_in: float = 3.8, dpi: int = 200) -> bytes:
    """The plot of ``ev`` as PNG bytes (matplotlib's Agg backend; no Qt, no display)."""
    from sbrt_calc.figure_png import figure_png

    return figure_png(_bed_figure(ev, width_in, height_in, dpi))   # drawn once: savefig's pixels


def bed_plot_rgba(ev: Evaluation, width_in: float = 6.5, height_in: float = 3.8, dpi: int = 200) -> tuple[int, int, bytes]:
    """The pixels of :func:`bed_plot_png` (``(width, height, RGBA bytes)``, :func:`sbrt_calc.figure_png.figure_rgba`):
    the PDF draws them without a PNG in between."""
    from sbrt_calc.figure_png import figure_rgba

    return figure_rgba(_bed_figure(ev, width_in, height_in, dpi))
