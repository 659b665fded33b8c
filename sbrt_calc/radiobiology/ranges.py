"""Physically sensible ranges of the model parameters a user can set, each with its reason.

A value outside its range is refused with a message naming the value, the range and the reason
(:func:`check_range`), so that no result is ever inf or nan and no parameter silently produces a
meaningless number. The ranges are deliberately wide: they exclude the impossible and the absurd,
not the unusual.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sbrt_calc.errors import ModelParameterError


@dataclass(frozen=True)
class Range:
    """``low <= value <= high`` (``low`` excluded when ``low_open``), with the reason for it."""

    name: str
    low: float
    high: float
    unit: str
    reason: str
    low_open: bool = False

    def describe(self) -> str:
        lo = f"> {self.low:g}" if self.low_open else f">= {self.low:g}"
        return f"{lo} and <= {self.high:g} {self.unit}".strip()


RANGES: dict[str, Range] = {r.name: r for r in (
    Range("alpha_beta_gy", 0.5, 50.0, "Gy",
          "published alpha/beta values lie between about 0.5 Gy (spinal cord, QUANTEC 0.87 Gy) and about 25 Gy"),
    Range("transition_dose_gy", 1.0, 30.0, "Gy",
          "LQ-L transitions in the literature lie between about 3 Gy and 2 x alpha/beta (20 Gy at alpha/beta 10)"),
    Range("alpha_per_gy", 0.01, 2.0, "/Gy", "cell-line alpha values lie between about 0.05 and 1 /Gy"),
    Range("d0_gy", 0.1, 10.0, "Gy", "multi-target D0 values lie between about 0.5 and 3 Gy"),
    Range("dq_gy", 0.01, 20.0, "Gy", "multi-target Dq values lie between about 0.5 and 5 Gy"),
    Range("target_bed_gy", 0.0, 1000.0, "Gy", "a BED above 1000 Gy is far outside any clinical regimen",
          low_open=True),
    Range("reference_dose_gy", 0.5, 30.0, "Gy", "EQDx is used with reference doses per fraction of about 1-20 Gy"),
    Range("kickoff_days", 0.0, 365.0, "days", "kick-off times in the literature lie between 0 and about 35 days"),
    Range("bed_loss_per_day_gy", 0.0, 5.0, "Gy/day",
          "repopulation rates in the literature lie between 0 and about 1 Gy of BED per day"),
    Range("overall_time_days", 0.0, 730.0, "days", "a course longer than two years is not one course"),
    Range("eqd2_limit_gy", 0.0, 1000.0, "Gy", "an EQD2 above 1000 Gy is far outside any clinical course",
          low_open=True),
)}


def check_range(name: str, value: Any, label: str | None = None) -> float:
    """Return ``value`` as a float if it lies in ``RANGES[name]``; ModelParameterError naming it otherwise.

    Parameters
    ----------
    name : str
        A key of :data:`RANGES`.
    value : number
    label : str, optional
        How the value is called in the message (default: ``name``).
    """
    r = RANGES[name]
    label = label or name
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ModelParameterError(f"{label} must be a finite number ({r.describe()}), got {value!r}",
                                  field=name, value=value, allowed=r.describe())
    v = float(value)
    below = v <= r.low if r.low_open else v < r.low
    if below or v > r.high:
        raise ModelParameterError(
            f"{label} {v:g} {r.unit} is outside the allowed range ({r.describe()}): {r.reason}".replace("  ", " "),
            field=name, value=v, allowed=r.describe())
    return v
