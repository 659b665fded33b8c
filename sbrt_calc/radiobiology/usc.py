"""The universal survival curve (USC) of Park et al., IJROBP 2008;70:847-852, as published.

Below the transition dose D_T the USC is the LQ model with the USC's *own* alpha/beta; above it,
the multi-target single-hit asymptote ``-ln S = (d - Dq) / D0`` per fraction. Tangency at D_T
gives (Park 2008)::

    D_T  = 2 Dq / (1 - alpha D0)
    beta = (1 - alpha D0)^2 / (4 D0 Dq),      alpha/beta = alpha / beta

The USC BED is ``-ln S / alpha`` (Park 2008)::

    d <= D_T :  BED = n d (1 + d / (alpha/beta))
    d >  D_T :  BED = n (d - Dq) / (alpha D0)

and the single-fraction equivalent dose (SFED) is the one dose with the same effect; above D_T,
where ``-ln S = (SFED - Dq) / D0``, that is ``SFED = alpha D0 BED + Dq`` (= ``D - (n - 1) Dq`` when
every fraction is above D_T).

Park's NSCLC parameters (H460 cell line): alpha 0.33 /Gy, D0 1.25 Gy, Dq 1.8 Gy, so D_T = 6.13 Gy
and alpha/beta = 8.60 Gy (the paper rounds to 6.2 and 8.6 Gy). 54 Gy/3: BED 117.8 Gy, SFED 50.4 Gy;
36 Gy/3: BED 74.2 Gy, SFED 32.4 Gy.

The USC is defined with its own alpha/beta; it is not applied at another alpha/beta (an organ at
risk, or the conventional tumour 10 Gy). The USC's *shape* at another alpha/beta is the LQ-L
model with d_T = 6.13 Gy, offered as such (:mod:`sbrt_calc.radiobiology.lql`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sbrt_calc.errors import ModelParameterError
from sbrt_calc.radiobiology import lq
from sbrt_calc.radiobiology._arrays import (
    ArrayLike,
    FloatOrArray,
    as_float_array,
    require_positive,
    scalar_or_array,
    where,
)
from sbrt_calc.radiobiology.ranges import check_range


@dataclass(frozen=True)
class UscParameters:
    """USC parameters (Park 2008). Defaults: NSCLC, alpha 0.33 /Gy, D0 1.25 Gy, Dq 1.8 Gy."""

    alpha_per_gy: float = 0.33
    d0_gy: float = 1.25
    dq_gy: float = 1.8

    def __post_init__(self) -> None:
        for name, label in (("alpha_per_gy", "USC alpha"), ("d0_gy", "USC D0"), ("dq_gy", "USC Dq")):
            object.__setattr__(self, name, check_range(name, getattr(self, name), label))
        if self.alpha_per_gy * self.d0_gy >= 1:
            raise ModelParameterError(
                f"USC needs alpha * D0 < 1 (else the curve has no shoulder and D_T is not defined), got "
                f"{self.alpha_per_gy:g} /Gy * {self.d0_gy:g} Gy = {self.alpha_per_gy * self.d0_gy:g}",
                field="d0_gy", value=self.d0_gy, allowed="alpha_per_gy * d0_gy < 1",
            )

    @property
    def transition_dose_gy(self) -> float:
        """D_T = 2 Dq / (1 - alpha D0), Gy (Park 2008)."""
        return 2.0 * self.dq_gy / (1.0 - self.alpha_per_gy * self.d0_gy)

    @property
    def beta_per_gy2(self) -> float:
        """beta = (1 - alpha D0)^2 / (4 D0 Dq), /Gy^2 (Park 2008)."""
        return (1.0 - self.alpha_per_gy * self.d0_gy) ** 2 / (4.0 * self.d0_gy * self.dq_gy)

    @property
    def alpha_beta_gy(self) -> float:
        """The USC's own alpha/beta, Gy (8.60 Gy for the NSCLC fit)."""
        return self.alpha_per_gy / self.beta_per_gy2

    def as_dict(self) -> dict[str, float]:
        """Parameters, given and derived, for reports and JSON."""
        return {
            "alpha_per_gy": self.alpha_per_gy,
            "d0_gy": self.d0_gy,
            "dq_gy": self.dq_gy,
            "beta_per_gy2": self.beta_per_gy2,
            "alpha_beta_gy": self.alpha_beta_gy,
            "transition_dose_gy": self.transition_dose_gy,
        }


NSCLC = UscParameters()


def bed_per_fraction(dose_per_fraction_gy: ArrayLike, parameters: UscParameters = NSCLC) -> FloatOrArray:
    """USC BED of one fraction, Gy: LQ at the USC's alpha/beta up to D_T, ``(d - Dq)/(alpha D0)`` above."""
    d = as_float_array(dose_per_fraction_gy)
    p = parameters
    below = d * (1.0 + d / p.alpha_beta_gy)
    above = (d - p.dq_gy) / (p.alpha_per_gy * p.d0_gy)
    return where(d <= p.transition_dose_gy, below, above)


def bed(total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike, parameters: UscParameters = NSCLC) -> FloatOrArray:
    """USC BED (Park 2008), Gy: ``n`` times :func:`bed_per_fraction` with ``n = D / d``."""
    total = as_float_array(total_dose_gy)
    d = require_positive("dose_per_fraction_gy", dose_per_fraction_gy)
    out = (total / d) * bed_per_fraction(d, parameters)
    return scalar_or_array(out, total_dose_gy, dose_per_fraction_gy)


def sfed(bed_gy: ArrayLike, parameters: UscParameters = NSCLC) -> FloatOrArray:
    """Single-fraction equivalent dose (Park 2008), Gy: the one dose whose USC BED is ``bed_gy``.

    Above D_T ``SFED = alpha D0 BED + Dq``; below it the LQ root at the USC's alpha/beta.
    """
    return dose_per_fraction_for_bed(bed_gy, 1, parameters)


def dose_per_fraction_for_bed(target_bed_gy: ArrayLike, fractions: ArrayLike,
                              parameters: UscParameters = NSCLC) -> FloatOrArray:
    """Inverse of :func:`bed`: the dose per fraction (Gy) reaching ``target_bed_gy`` in ``fractions``."""
    target = require_positive("target_bed_gy", target_bed_gy)
    n = require_positive("fractions", fractions)
    p = parameters
    per_fraction = target / n
    at_transition = p.transition_dose_gy * (1.0 + p.transition_dose_gy / p.alpha_beta_gy)
    lq_root = lq.dose_per_fraction_for_bed(target, n, p.alpha_beta_gy)
    linear_root = p.alpha_per_gy * p.d0_gy * per_fraction + p.dq_gy
    out = where(per_fraction <= at_transition, lq_root, linear_root)
    return scalar_or_array(out, target_bed_gy, fractions)
