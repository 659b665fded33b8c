"""What the DVH plot shows, computed in the core: cumulative curves (volume %) and the limits as points,
and the one function that draws it (:func:`draw_dvh`: the app's panel and the PDF's figure).

A limit ``D<v>[Gy] < L`` is the point (L Gy, v as % of the structure): the curve must pass below
it. ``V<x>Gy < L`` is (x Gy, L %); ``CV<x>Gy[cc] >= L`` is (x Gy, (V - L) / V %); ``Max[Gy] < L``
is drawn at (L Gy, 0.035 cc as %). ``Mean`` limits are not points of the curve and are not drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sbrt_calc.plancheck.dvh import StructureDose
from sbrt_calc.plancheck.grade import PlanCheckResult
from sbrt_calc.plancheck.metrics import POINT_CC
from sbrt_calc.presets.model import parse_metric
from sbrt_calc.regimen import fractions_text


@dataclass(frozen=True)
class Curve:
    """A cumulative DVH: dose (Gy) and volume (% of the contoured volume)."""

    name: str
    dose_gy: np.ndarray
    volume_percent: np.ndarray
    partly_outside: bool


@dataclass(frozen=True)
class LimitPoint:
    """One limit drawn on the DVH plot."""

    structure: str
    dose_gy: float
    volume_percent: float
    label: str
    status: str


def curves(result: PlanCheckResult, bin_gy: float = 0.05) -> tuple[Curve, ...]:
    """One curve per structure with volume, and per derived structure (lungs minus ITV/GTV)."""
    out = []
    for sd in [s.dose for s in result.structures] + list(result.derived):
        if sd.empty or sd.volume_cc <= 0:
            continue
        dose, vol = sd.cumulative(bin_gy)
        out.append(Curve(sd.name, dose, 100.0 * vol / sd.volume_cc, sd.partly_outside))
    return tuple(out)


def _dose_of(result: PlanCheckResult, name: str | None) -> StructureDose | None:
    for sd in [s.dose for s in result.structures] + list(result.derived):
        if sd.name == name:
            return sd
    return None


def limit_points(result: PlanCheckResult) -> tuple[LimitPoint, ...]:
    """The evaluated limits as points of the DVH plot (see the module's conventions)."""
    out = []
    rx = result.plan.prescription_gy
    for c in result.constraints:
        sd = _dose_of(result, c.structure)
        m = parse_metric(c.constraint.metric)
        if sd is None or m is None or sd.volume_cc <= 0:
            continue
        k = c.constraint
        vol = sd.volume_cc
        point: tuple[float, float] | None = None
        if m.kind == "Max":
            point = (k.limit if m.unit == "Gy" else k.limit / 100 * rx, 100 * POINT_CC / vol)
        elif m.kind == "D" and m.number is not None:
            dose = k.limit if m.unit == "Gy" else k.limit / 100 * rx
            point = (dose, m.number if m.number_unit == "%" else 100 * m.number / vol)
        elif m.kind in ("V", "CV") and m.number is not None:
            dose = m.number if m.number_unit == "Gy" else m.number / 100 * rx
            pct = k.limit if m.unit == "%" else 100 * k.limit / vol
            point = (dose, 100 - pct if m.kind == "CV" else pct)
        if point is not None:
            # a limit beyond the volume axis (a critical-volume limit asking to spare more than the structure
            # holds) is drawn at the axis' edge, so that a failed one is seen, never left off the figure
            y = min(100.0, max(0.0, point[1]))
            edge = " (beyond the axis: drawn at its edge)" if y != point[1] else ""
            out.append(LimitPoint(sd.name, point[0], y, f"{k.organ} {k.text}{edge}", c.status))
    return tuple(out)


# Okabe-Ito colours, cycled over the structures
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999")
#: Marker of a limit by its status: (marker, size, face colour).
_MARKERS = {"fail": ("X", 9, "#b71c1c"), "pass": ("o", 6, "white"), "incomplete": ("D", 6, "#e6a100"),
            "not evaluated": ("D", 6, "#e6a100")}


def draw_dvh(fig: Any, result: PlanCheckResult) -> Any:
    """Draw the cumulative DVHs of *result* with its limits marked (met: open circle, failed: red X, not
    decided: amber diamond) and the prescription line on the matplotlib Figure *fig*; returns the axes.
    The title carries the plan's status (pass / fail / incomplete)."""
    from sbrt_calc.plancheck.report import headline

    ax = fig.add_subplot()
    colour: dict[str, str] = {}
    derived = {d.name for d in result.derived}
    for i, c in enumerate(curves(result)):
        colour[c.name] = COLOURS[i % len(COLOURS)]
        label = c.name + (" (partly outside the dose grid)" if c.partly_outside else "")
        ax.plot(c.dose_gy, c.volume_percent, "--" if c.name in derived else "-", color=colour[c.name],
                linewidth=1.5, label=_mathtext_safe(label))
    for pt in limit_points(result):
        marker, size, face = _MARKERS.get(pt.status, ("o", 6, "white"))
        ax.plot([pt.dose_gy], [pt.volume_percent], marker=marker, markersize=size, markerfacecolor=face,
                markeredgecolor=colour.get(pt.structure, "black"), markeredgewidth=1.5, linestyle="none", zorder=5)
    rx = result.plan.prescription_gy
    ax.axvline(rx, color="#555555", linewidth=0.8, linestyle=":")
    ax.text(rx, 2, f" Rx {rx:g} Gy", fontsize=7, color="#555555", va="bottom", rotation=90)
    ax.set_xlabel("Dose [Gy] (physical, whole plan)")
    ax.set_ylabel("Volume [% of structure]")
    ax.set_ylim(0, 105)
    ax.set_xlim(0, None)
    ax.grid(True, color="#dddddd", linewidth=0.6)
    for status, text in (("pass", "limit met"), ("fail", "limit failed"), ("incomplete", "limit not decided")):
        marker, size, face = _MARKERS[status]
        ax.plot([], [], marker, markersize=size, markerfacecolor=face, markeredgecolor="black", linestyle="none",
                label=text)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), framealpha=0.9)
    lk = result.lookup
    ax.set_title(f"Plan check {headline(result)}\nlimits of {_mathtext_safe(lk.set.name)} for "
                 f"{fractions_text(lk.fractions)}", fontsize=9, wrap=True)   # the set by its title, as elsewhere
    return ax


def _mathtext_safe(text: str) -> str:
    """A structure name as literal text in a matplotlib label ('$' would start mathtext)."""
    return text.replace("$", r"\$")


def _dvh_figure(result: PlanCheckResult, width_in: float, height_in: float, dpi: int) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=dpi, layout="constrained")
    draw_dvh(fig, result)
    return fig


def dvh_plot_png(result: PlanCheckResult, width_in: float = 7.0, height_in: float = 4.0, dpi: int = 200) -> bytes:
    """The DVH figure of *result* as PNG bytes (matplotlib's Agg backend; no Qt, no display)."""
    from sbrt_calc.figure_png import figure_png

    return figure_png(_dvh_figure(result, width_in, height_in, dpi))   # drawn once: savefig's pixels


def dvh_plot_rgba(result: PlanCheckResult, width_in: float = 7.0, height_in: float = 4.0,
                  dpi: int = 200) -> tuple[int, int, bytes]:
    """The pixels of :func:`dvh_plot_png` (``(width, height, RGBA bytes)``): the PDF draws them without a PNG."""
    from sbrt_calc.figure_png import figure_rgba

    return figure_rgba(_dvh_figure(result, width_in, height_in, dpi))
