"""Solving for a regimen: the dose per fraction and total dose that reach a target BED in n fractions.

Closed form under every model (inverse of LQ, LQ-L and Park's USC). Under LQ and LQ-L the target is a
BED at a given alpha/beta; under the USC it is a USC BED at the USC's own alpha/beta (Park 2008). A
solution beyond the regimen limits (e.g. more than 100 Gy per fraction) is returned with its reason,
not dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sbrt_calc.errors import ModelParameterError, SbrtCalcError
from sbrt_calc.radiobiology.caveats import Caveat, regimen_caveats
from sbrt_calc.radiobiology.ranges import check_range
from sbrt_calc.regimen import MAX_FRACTIONS, Regimen


@dataclass(frozen=True)
class Solution:
    """The regimen in ``fractions`` reaching the target (``error`` set when none is allowed)."""

    fractions: int
    dose_per_fraction_gy: float
    total_dose_gy: float
    caveats: tuple[Caveat, ...] = ()
    error: str | None = None

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(c.text for c in self.caveats)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"fractions": self.fractions, "dose_per_fraction_gy": self.dose_per_fraction_gy,
                                  "total_dose_gy": self.total_dose_gy, "warnings": list(self.warnings)}
        if self.error:
            out["error"] = self.error
        return out


def model_bed(model: Any, regimen: Regimen, alpha_beta_gy: float | None) -> float:
    """The BED of ``regimen`` under ``model`` (at ``alpha_beta_gy``; the USC ignores it)."""
    if model.uses_alpha_beta:
        return float(model.bed(regimen.total_dose_gy, regimen.dose_per_fraction_gy, alpha_beta_gy))
    return float(model.bed(regimen.total_dose_gy, regimen.dose_per_fraction_gy))


def solve_for_bed(target_bed_gy: float, fractions: Iterable[int], model: Any,
                  alpha_beta_gy: float | None = None) -> list[Solution]:
    """Per fraction count, the dose per fraction and total dose whose BED under ``model`` is ``target_bed_gy``.

    Parameters
    ----------
    target_bed_gy : float
        Gy, > 0 and <= 1000.
    fractions : iterable of int
        1 to 100 each.
    model : LQ, LQL or USC
    alpha_beta_gy : float, optional
        Required for LQ and LQ-L; must be None for the USC (it has its own).
    """
    check_range("target_bed_gy", target_bed_gy, "target BED")
    if model.uses_alpha_beta:
        if alpha_beta_gy is None:
            raise ModelParameterError(f"{model.title} needs an alpha/beta", field="alpha_beta_gy", value=None,
                                      allowed="a number 0.5-50 Gy")
        check_range("alpha_beta_gy", alpha_beta_gy, "alpha/beta")
    elif alpha_beta_gy is not None:
        raise ModelParameterError(
            f"the USC uses its own alpha/beta ({model.alpha_beta_gy:.3g} Gy), not {alpha_beta_gy:g} Gy: for the "
            f"USC's shape at another alpha/beta use LQ-L with d_T {model.transition_dose_gy:.3g} Gy",
            field="alpha_beta_gy", value=alpha_beta_gy, allowed="no alpha/beta with the USC")
    out = []
    for n in fractions:
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_FRACTIONS:
            raise ModelParameterError(f"fractions must be integers from 1 to {MAX_FRACTIONS}, got {n!r}",
                                      field="fractions", value=n, allowed=f"an integer from 1 to {MAX_FRACTIONS}")
        dpf = float(model.dose_per_fraction_for_bed(target_bed_gy, n, alpha_beta_gy) if model.uses_alpha_beta
                    else model.dose_per_fraction_for_bed(target_bed_gy, n))
        try:
            reg = Regimen(dpf * n, n)
        except SbrtCalcError as exc:
            out.append(Solution(n, dpf, dpf * n, (), exc.message))
            continue
        out.append(Solution(n, dpf, dpf * n, tuple(regimen_caveats(reg.warnings)) + tuple(model.caveats(dpf))))
    return out


def reaching_total_gy(sol: Solution, target_bed_gy: float, model: Any, alpha_beta_gy: float | None = None) -> float:
    """The solved total dose, unrounded, moved up by the few units in the last place floating point can lose so
    that its BED under ``model`` is at least ``target_bed_gy`` (54/6 solved for BED10 100 Gy gives
    99.99999999999999 Gy unadjusted; the rounded 46.33 Gy/4 gives 99.99 Gy)."""
    import math

    total = sol.total_dose_gy
    for _ in range(64):
        if model_bed(model, Regimen(total, sol.fractions), alpha_beta_gy) >= target_bed_gy:
            break
        total = math.nextafter(total, math.inf)
    return total
