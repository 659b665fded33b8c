"""The BED10 plot drawn with matplotlib, without Qt: used by the report (and usable by the GUI).

BED10 against total dose, one curve per fraction count (3-6 by default), the flag and reference
lines (70 and 100 Gy, from presets/radiobiology.toml), the usual 24-50 Gy band shaded, and the
regimens as labelled points. matplotlib is imported lazily (it is a GUI/report dependency).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from sbrt_calc.radiobiology.compare import thresholds
from sbrt_calc.radiobiology.models import LQ, Model
from sbrt_calc.regimen import Regimen

#: The usual SBRT range for oligoprogressive lesions (reference document 004: 24-50 Gy in 3-6 fractions).
BAND_GY = (24.0, 50.0)
FRACTION_COUNTS = (3, 4, 5, 6)


def curve_points(model: Model, fractions: int, alpha_beta_gy: float = 10.0,
                 total_dose_gy: Sequence[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Total doses (Gy) and their BED (Gy) for ``fractions`` under ``model`` (vectorized)."""
    totals = np.linspace(10.0, 70.0, 241) if total_dose_gy is None else np.asarray(total_dose_gy, dtype=float)
    return totals, np.asarray(model.bed(totals, totals / fractions, alpha_beta_gy), dtype=float)


def draw_bed_plot(ax: Any, regimens: Sequence[Regimen], model: Model | None = None,
                  fraction_counts: Sequence[int] = FRACTION_COUNTS, alpha_beta_gy: float = 10.0) -> None:
    """Draw the BED plot on a matplotlib Axes."""
    model = model if model is not None else LQ()
    flag, ref = thresholds()
    ax.axvspan(*BAND_GY, color="0.92", zorder=0, label="24-50 Gy (usual range, ref. 004)")
    styles = ["-", "--", "-.", ":"]
    for i, n in enumerate(fraction_counts):
        x, y = curve_points(model, n, alpha_beta_gy)
        ax.plot(x, y, styles[i % len(styles)], color=f"C{i}", lw=1.6, label=f"{n} fractions")
    ax.axhline(flag.bed_gy, color="#b2182b", lw=1.2, ls="--")
    ax.text(10.5, flag.bed_gy + 2, flag.label, color="#b2182b", fontsize=8, va="bottom")
    ax.axhline(ref.bed_gy, color="#2166ac", lw=1.2, ls=":")
    ax.text(10.5, ref.bed_gy + 2, f"{ref.label} (primary lung)", color="#2166ac", fontsize=8, va="bottom")
    for r in regimens:
        b = float(model.bed(r.total_dose_gy, r.dose_per_fraction_gy, alpha_beta_gy))
        above = flag.reached(b)
        ax.plot([r.total_dose_gy], [b], marker="o" if above else "s", ms=6, color="black",
                mfc="black" if above else "white", zorder=5)
        ax.annotate(r.label, (r.total_dose_gy, b), textcoords="offset points", xytext=(5, -10), fontsize=7)
    ax.plot([], [], "o", color="black", ms=5, label=f"regimen, {flag.label}")
    ax.plot([], [], "s", color="black", mfc="white", ms=5, label="regimen, below the flag")
    ax.set_xlabel("Total dose [Gy]")
    ax.set_ylabel(f"BED{alpha_beta_gy:g} [Gy]")
    ax.set_title(f"BED{alpha_beta_gy:g} against total dose ({model.title})", fontsize=10)
    ax.set_xlim(10, 70)
    ax.set_ylim(0, max(180.0, ax.get_ylim()[1]))
    ax.grid(True, color="0.85", lw=0.6)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(0.0, 0.93), frameon=False)


def bed_plot_png(regimens: Sequence[Regimen], model: Model | None = None, width_in: float = 6.5,
                 height_in: float = 3.6, dpi: int = 200) -> bytes:
    """The BED plot as PNG bytes (matplotlib's Agg backend; no Qt, no display)."""
    import io

    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=dpi, layout="constrained")
    draw_bed_plot(fig.add_subplot(), regimens, model)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
