"""The universal survival curve (USC) of Park et al., IJROBP 2008;70:847-852.

Below the transition dose D_T the USC is the LQ model; above it, the multi-target
single-hit asymptote ``ln S = -(d - D_q) / D_0`` per fraction. Tangency at D_T gives
(Park 2008, eqs. 3-5)::

    D_T  = 2 D_q / (1 - alpha D_0)
    beta = (1 - alpha D_0)^2 / (4 D_0 D_q)

and the BED (``-ln S / alpha``) per fraction::

    d <= D_T :  d (1 + d / (alpha/beta))
    d >  D_T :  (d - D_q) / (alpha D_0)

Park's NSCLC parameters (from the H460 cell line): alpha 0.33 /Gy, D_0 1.25 Gy,
D_q 1.8 Gy, so D_T = 6.13 Gy and alpha/beta = 8.60 Gy (the paper rounds to 6.2 and 8.6).

The native USC has its own alpha/beta. For another alpha/beta (an organ at risk, or the
conventional tumour 10 Gy) this module offers the USC *shape*: LQ at that alpha/beta below
D_T and its tangent above, which equals the native USC when alpha/beta is the derived one.
That generalisation is an extrapolation and :mod:`sbrt_calc.radiobiology.compare` says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sbrt_calc.errors import ModelParameterError
from sbrt_calc.radiobiology import lql
from sbrt_calc.radiobiology._arrays import ArrayLike, FloatOrArray


@dataclass(frozen=True)
class UscParameters:
    """USC parameters (Park 2008). Defaults: NSCLC, alpha 0.33 /Gy, D0 1.25 Gy, Dq 1.8 Gy."""

    alpha_per_gy: float = 0.33
    d0_gy: float = 1.25
    dq_gy: float = 1.8

    def __post_init__(self) -> None:
        for name in ("alpha_per_gy", "d0_gy", "dq_gy"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
                raise ModelParameterError(
                    f"USC {name} must be a finite number > 0, got {value!r}",
                    field=name, value=value, allowed="a finite number > 0",
                )
        if self.alpha_per_gy * self.d0_gy >= 1:
            raise ModelParameterError(
                f"USC needs alpha * D0 < 1, got {self.alpha_per_gy:g} * {self.d0_gy:g} = "
                f"{self.alpha_per_gy * self.d0_gy:g}",
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
        """The USC's own alpha/beta, Gy."""
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


def bed(total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike,
        parameters: UscParameters = NSCLC, alpha_beta_gy: ArrayLike | None = None) -> FloatOrArray:
    """BED under the USC, Gy.

    Parameters
    ----------
    total_dose_gy, dose_per_fraction_gy : array_like
        Gy.
    parameters : UscParameters
        Defaults to Park's NSCLC fit.
    alpha_beta_gy : array_like, optional
        None (default) for the native USC (its own derived alpha/beta); a value for the
        USC shape at that alpha/beta (LQ below D_T, tangent above).
    """
    ab = parameters.alpha_beta_gy if alpha_beta_gy is None else alpha_beta_gy
    return lql.bed(total_dose_gy, dose_per_fraction_gy, ab, parameters.transition_dose_gy)


def dose_per_fraction_for_bed(target_bed_gy: ArrayLike, fractions: ArrayLike,
                              parameters: UscParameters = NSCLC,
                              alpha_beta_gy: ArrayLike | None = None) -> FloatOrArray:
    """Inverse of :func:`bed`: the dose per fraction (Gy) reaching the target BED."""
    ab = parameters.alpha_beta_gy if alpha_beta_gy is None else alpha_beta_gy
    return lql.dose_per_fraction_for_bed(target_bed_gy, fractions, ab, parameters.transition_dose_gy)
