"""The linear-quadratic (LQ) model: BED, EQD2, EQDx and the inverse (dose for a target BED).

Formulas (Fowler JF, Br J Radiol 1989;62:679-694; Barendsen GW, IJROBP 1982;8:1981-1997;
ICRU Report 89 / Bentzen SM et al., Radiother Oncol 2012;105:266-268 for EQDx)::

    BED  = n d (1 + d / (alpha/beta))
    EQDx = BED / (1 + x / (alpha/beta))         (EQD2: x = 2 Gy)
    d    = (alpha/beta) / 2 * (sqrt(1 + 4 BED / (n alpha/beta)) - 1)   (inverse, closed form)

All functions broadcast numpy arrays; a scalar in gives a float out (computed without numpy). Doses in Gy.
The LQ model is uncertain above about 8-10 Gy per fraction (Kirkpatrick JP et al.,
Semin Radiat Oncol 2008;18:240-243), which is where SBRT lives: see lql.py and usc.py.
"""

from __future__ import annotations

from sbrt_calc.radiobiology._arrays import (
    ArrayLike,
    FloatOrArray,
    as_float_array,
    require_positive,
    scalar_or_array,
    sqrt,
)


def bed(total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike, alpha_beta_gy: ArrayLike) -> FloatOrArray:
    """Biologically effective dose under LQ, Gy.

    Parameters
    ----------
    total_dose_gy : array_like
        Total physical dose D = n d, Gy.
    dose_per_fraction_gy : array_like
        Dose per fraction d, Gy.
    alpha_beta_gy : array_like
        alpha/beta of the tissue, Gy, > 0.

    Returns
    -------
    float or numpy.ndarray
        ``D (1 + d / (alpha/beta))`` (Fowler 1989).
    """
    ab = require_positive("alpha_beta_gy", alpha_beta_gy)
    total = as_float_array(total_dose_gy)
    dpf = as_float_array(dose_per_fraction_gy)
    return scalar_or_array(total * (1.0 + dpf / ab), total_dose_gy, dose_per_fraction_gy, alpha_beta_gy)


def eqdx(
    total_dose_gy: ArrayLike,
    dose_per_fraction_gy: ArrayLike,
    alpha_beta_gy: ArrayLike,
    reference_dose_per_fraction_gy: ArrayLike = 2.0,
) -> FloatOrArray:
    """Equivalent total dose in fractions of ``x`` Gy (EQDx) under LQ, Gy.

    ``EQDx = D (d + alpha/beta) / (x + alpha/beta)`` (Bentzen et al. 2012).
    """
    ab = require_positive("alpha_beta_gy", alpha_beta_gy)
    x = require_positive("reference_dose_per_fraction_gy", reference_dose_per_fraction_gy)
    total = as_float_array(total_dose_gy)
    dpf = as_float_array(dose_per_fraction_gy)
    out = total * (dpf + ab) / (x + ab)
    return scalar_or_array(out, total_dose_gy, dose_per_fraction_gy, alpha_beta_gy,
                           reference_dose_per_fraction_gy)


def eqd2(total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike, alpha_beta_gy: ArrayLike) -> FloatOrArray:
    """Equivalent dose in 2 Gy fractions under LQ, Gy: ``D (d + alpha/beta) / (2 + alpha/beta)``."""
    return eqdx(total_dose_gy, dose_per_fraction_gy, alpha_beta_gy, 2.0)



def bed_to_eqdx(bed_gy: ArrayLike, alpha_beta_gy: ArrayLike, reference_dose_per_fraction_gy: ArrayLike = 2.0) -> FloatOrArray:
    """EQDx from a BED under LQ: ``BED / (1 + x / (alpha/beta))``, Gy (used voxel by voxel by the plan check)."""
    ab = require_positive("alpha_beta_gy", alpha_beta_gy)
    x = require_positive("reference_dose_per_fraction_gy", reference_dose_per_fraction_gy)
    out = as_float_array(bed_gy) / (1.0 + x / ab)
    return scalar_or_array(out, bed_gy, alpha_beta_gy, reference_dose_per_fraction_gy)


def dose_per_fraction_for_bed(target_bed_gy: ArrayLike, fractions: ArrayLike, alpha_beta_gy: ArrayLike) -> FloatOrArray:
    """Dose per fraction (Gy) that reaches ``target_bed_gy`` in ``fractions`` under LQ.

    Closed form, the positive root of ``n d^2 / (alpha/beta) + n d - BED = 0``::

        d = (alpha/beta) / 2 * (sqrt(1 + 4 BED / (n alpha/beta)) - 1)

    Written as ``2 BED / (n (1 + sqrt(1 + 4 BED / (n alpha/beta))))`` to avoid
    cancellation at small BED.
    """
    ab = require_positive("alpha_beta_gy", alpha_beta_gy)
    target = require_positive("target_bed_gy", target_bed_gy)
    n = require_positive("fractions", fractions)
    out = 2.0 * target / (n * (1.0 + sqrt(1.0 + 4.0 * target / (n * ab))))
    return scalar_or_array(out, target_bed_gy, fractions, alpha_beta_gy)
