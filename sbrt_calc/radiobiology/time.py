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

import numpy as np

from sbrt_calc.radiobiology._arrays import (
    ArrayLike,
    FloatOrArray,
    as_float_array,
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
    out = k * np.maximum(0.0, t - tk)
    return scalar_or_array(out, overall_time_days, kickoff_days, bed_loss_per_day_gy)


def corrected_bed(bed_gy: ArrayLike, overall_time_days: ArrayLike, kickoff_days: ArrayLike,
                  bed_loss_per_day_gy: ArrayLike) -> FloatOrArray:
    """BED after the repopulation correction, Gy (never below the uncorrected BED minus the loss)."""
    loss = np.asarray(repopulation_bed_loss_gy(overall_time_days, kickoff_days, bed_loss_per_day_gy))
    out = as_float_array(bed_gy) - loss
    return scalar_or_array(out, bed_gy, overall_time_days, kickoff_days, bed_loss_per_day_gy)


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
