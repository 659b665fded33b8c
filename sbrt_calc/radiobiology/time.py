"""Overall-treatment-time (repopulation) correction of the tumour BED.

The usual correction (Fowler JF, Br J Radiol 1989;62:679-694; Dale RG, Br J Radiol
1985;58:515-528) subtracts, for every day the treatment lasts beyond the kick-off time
T_k, the BED that accelerated repopulation makes good::

    BED_T = BED - K (T - T_k)     for T > T_k,   K = ln 2 / (alpha T_pot)  [Gy/day]
    BED_T = BED                   for T <= T_k

The parameters (T_k, K) are inputs; the defaults, with their sources, are in
``presets/radiobiology.toml``. SBRT over one or two weeks is usually below T_k, so the
correction is then zero: :func:`repopulation_bed_loss_gy` returns 0 there and
:func:`correction_applies` says whether anything was subtracted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sbrt_calc.radiobiology._arrays import (
    ArrayLike,
    FloatOrArray,
    maximum,
    require_non_negative,
    scalar_or_array,
)


def repopulation_bed_loss_gy(overall_time_days: ArrayLike, kickoff_days: ArrayLike,
                             bed_loss_per_day_gy: ArrayLike) -> FloatOrArray:
    """BED lost to repopulation, Gy: ``K * max(0, T - T_k)`` (Fowler 1989).

    Parameters
    ----------
    overall_time_days : array_like
        Overall treatment time T, days, >= 0.
    kickoff_days : array_like
        Kick-off time T_k, days, >= 0.
    bed_loss_per_day_gy : array_like
        K, BED lost per day beyond T_k, Gy/day, >= 0.
    """
    t = require_non_negative("overall_time_days", overall_time_days)
    tk = require_non_negative("kickoff_days", kickoff_days)
    k = require_non_negative("bed_loss_per_day_gy", bed_loss_per_day_gy)
    out = k * maximum(0.0, t - tk)
    return scalar_or_array(out, overall_time_days, kickoff_days, bed_loss_per_day_gy)



def correction_applies(overall_time_days: float, kickoff_days: float) -> bool:
    """True when the treatment lasts beyond the kick-off time (a correction is subtracted)."""
    return overall_time_days > kickoff_days


def default_overall_time_days(fractions: int, fractions_per_week: int = 5) -> float:
    """Elapsed days from first to last fraction for daily weekday treatment (0 for one fraction).

    Weekends are counted: 5 fractions Monday-Friday last 4 days, 6 fractions last 7 days.
    """
    if fractions <= 1:
        return 0.0
    weeks, rest = divmod(fractions - 1, fractions_per_week)
    return float(weeks * 7 + rest)


# --- the correction as the evaluation applies it ------------------------------------------------

#: How overall time is counted when a regimen does not give it (stated in every output that uses it).
OVERALL_TIME_CONVENTION = (
    "overall time T = days elapsed from the first to the last fraction (first day = day 0), daily "
    "fractions Monday to Friday, weekends counted (5 fractions: 4 days; 6 fractions: 7 days); "
    "Fowler 1989 counts T in days from the start of treatment"
)


@dataclass(frozen=True)
class TimeCorrection:
    """The repopulation correction's parameters, with their source and mark.

    The shipped defaults (``presets/radiobiology.toml``) and their source are applied by
    :func:`sbrt_calc.models.default_time_correction` and :func:`sbrt_calc.models.time_correction`:
    the formulas do not read the presets.
    """

    kickoff_days: float
    bed_loss_per_day_gy: float
    source: str = ""
    verification: str = "recalled"

    def __post_init__(self) -> None:
        from sbrt_calc.radiobiology.ranges import check_range

        object.__setattr__(self, "kickoff_days", check_range("kickoff_days", self.kickoff_days, "kick-off time"))
        object.__setattr__(self, "bed_loss_per_day_gy",
                           check_range("bed_loss_per_day_gy", self.bed_loss_per_day_gy, "daily BED loss K"))


@dataclass(frozen=True)
class TimeLoss:
    """What the correction did for one regimen: T, T_k, K and the BED subtracted (0 within T_k)."""

    overall_time_days: float
    overall_time_given: bool
    kickoff_days: float
    bed_loss_per_day_gy: float
    bed_loss_gy: float
    applied: bool
    caveats: tuple[Any, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"overall_time_days": self.overall_time_days, "overall_time_given": self.overall_time_given,
                "kickoff_days": self.kickoff_days, "bed_loss_per_day_gy": self.bed_loss_per_day_gy,
                "bed_loss_gy": self.bed_loss_gy, "applied": self.applied,
                "convention": OVERALL_TIME_CONVENTION}


#: Said next to every time-corrected verdict: the lines were not observed on a time-corrected BED10.
UNCORRECTED_LINES = ("the BED10 lines were observed on uncorrected BED10 (their sources did not correct for "
                     "overall time): the verdict on the corrected value is this program's extrapolation")


def time_loss(regimen: Any, correction: TimeCorrection) -> TimeLoss:
    """The BED a regimen loses to repopulation under ``correction`` (Fowler 1989), with its caveats."""
    given = regimen.overall_time_days is not None
    T = float(regimen.overall_time_days) if given else default_overall_time_days(regimen.fractions)
    loss = float(repopulation_bed_loss_gy(T, correction.kickoff_days, correction.bed_loss_per_day_gy))
    return _time_loss(T, given, loss, correction)


def time_losses(regimens: Sequence[Any], correction: TimeCorrection) -> list[TimeLoss]:
    """:func:`time_loss` of many regimens at once (the same numbers: numpy over the regimens, checked once)."""
    import numpy as np

    given = [r.overall_time_days is not None for r in regimens]
    T = [float(r.overall_time_days) if g else default_overall_time_days(r.fractions)
         for r, g in zip(regimens, given, strict=True)]
    loss = np.asarray(repopulation_bed_loss_gy(np.array(T, dtype=np.float64), correction.kickoff_days,
                                               correction.bed_loss_per_day_gy)).tolist()
    return [_time_loss(t, g, x, correction) for t, g, x in zip(T, given, loss, strict=True)]


def _time_loss(T: float, given: bool, loss: float, correction: TimeCorrection) -> TimeLoss:
    from sbrt_calc.radiobiology.caveats import caveat

    k, tk = correction.bed_loss_per_day_gy, correction.kickoff_days
    applied = correction_applies(T, tk)
    out = []
    if applied:
        out.append(caveat("time_corrected", f"time correction: tumour BED - {loss:.3g} Gy (K {k:g} Gy/day x "
                                            f"(T {T:g} d - T_k {tk:g} d)); {UNCORRECTED_LINES}"))
    else:
        out.append(caveat("time_not_corrected", f"no time correction: overall time {T:g} d is within the "
                                                f"kick-off time {tk:g} d"))
    if correction.verification != "printed":
        out.append(caveat("time_defaults_recalled", f"time-correction parameters are marked "
                                                    f"{correction.verification}: {correction.source}"))
    return TimeLoss(T, given, tk, k, loss, applied, tuple(out))
