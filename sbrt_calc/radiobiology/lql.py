"""The linear-quadratic-linear (LQ-L) model: LQ up to a transition dose, then its tangent.

Per fraction, with transition dose d_T (Astrahan M, Med Phys 2008;35:4161-4172;
Guerrero M, Li XA, Phys Med Biol 2004;49:4825-4835)::

    d <= d_T :  BED_1 = d (1 + d / (alpha/beta))                        (LQ)
    d >  d_T :  BED_1 = d_T (1 + d_T / (alpha/beta)) + (1 + 2 d_T / (alpha/beta)) (d - d_T)

so that the curve and its slope are continuous at d_T. BED = n BED_1.

The transition dose is a parameter; conventions differ. The default here, 6 Gy, is close
to the transition fitted for NSCLC by Park et al. (IJROBP 2008;70:847-852: 6.2 Gy).
LQL-Equiv and Kehwar et al. (2017) use ``d_T = 2 alpha/beta`` instead; with alpha/beta 10
that is 20 Gy, above every SBRT dose per fraction, so LQ-L then equals LQ over the whole
SBRT range (the model's caveat ``lql_equals_lq`` says where that happens).
"""

from __future__ import annotations

from sbrt_calc.radiobiology import lq
from sbrt_calc.radiobiology._arrays import (
    ArrayLike,
    FloatOrArray,
    as_float_array,
    require_positive,
    scalar_or_array,
    where,
)

#: Default transition dose, Gy (near Park 2008's fitted 6.2 Gy for NSCLC).
DEFAULT_TRANSITION_DOSE_GY = 6.0


def bed_per_fraction(dose_per_fraction_gy: ArrayLike, alpha_beta_gy: ArrayLike,
                     transition_dose_gy: ArrayLike) -> FloatOrArray:
    """BED of one fraction under LQ-L, Gy (a float for Python numbers, else an array)."""
    d = as_float_array(dose_per_fraction_gy)
    ab = require_positive("alpha_beta_gy", alpha_beta_gy)
    dt = require_positive("transition_dose_gy", transition_dose_gy)
    lq_part = d * (1.0 + d / ab)
    linear = dt * (1.0 + dt / ab) + (1.0 + 2.0 * dt / ab) * (d - dt)
    return where(d <= dt, lq_part, linear)


def bed(total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike, alpha_beta_gy: ArrayLike,
        transition_dose_gy: ArrayLike = DEFAULT_TRANSITION_DOSE_GY) -> FloatOrArray:
    """BED under LQ-L, Gy: ``n * BED_1(d)`` with ``n = D / d`` (Astrahan 2008)."""
    total = as_float_array(total_dose_gy)
    d = require_positive("dose_per_fraction_gy", dose_per_fraction_gy)
    out = (total / d) * bed_per_fraction(d, alpha_beta_gy, transition_dose_gy)
    return scalar_or_array(out, total_dose_gy, dose_per_fraction_gy, alpha_beta_gy, transition_dose_gy)


def dose_per_fraction_for_bed(target_bed_gy: ArrayLike, fractions: ArrayLike, alpha_beta_gy: ArrayLike,
                              transition_dose_gy: ArrayLike = DEFAULT_TRANSITION_DOSE_GY) -> FloatOrArray:
    """Dose per fraction (Gy) reaching ``target_bed_gy`` in ``fractions`` under LQ-L (closed form).

    If the per-fraction BED needed is at most ``BED_1(d_T)`` the LQ root applies; otherwise
    ``d = d_T + (BED/n - BED_1(d_T)) / (1 + 2 d_T / (alpha/beta))``.
    """
    target = require_positive("target_bed_gy", target_bed_gy)
    n = require_positive("fractions", fractions)
    ab = require_positive("alpha_beta_gy", alpha_beta_gy)
    dt = require_positive("transition_dose_gy", transition_dose_gy)
    per_fraction = target / n
    at_transition = dt * (1.0 + dt / ab)
    lq_root = lq.dose_per_fraction_for_bed(target, n, ab)
    linear_root = dt + (per_fraction - at_transition) / (1.0 + 2.0 * dt / ab)
    out = where(per_fraction <= at_transition, lq_root, linear_root)
    return scalar_or_array(out, target_bed_gy, fractions, alpha_beta_gy, transition_dose_gy)
