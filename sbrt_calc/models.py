"""The dose-response models behind every result: LQ, LQ-L and USC, with their shipped defaults.

LQ and LQ-L take the tissue's alpha/beta; the USC (Park 2008) has its own, derived from its
parameters, and is never applied at another one. Each model is a frozen dataclass with its
parameters, its source, a label that names it with its parameters, vectorized ``bed`` and
inverse, and the caveats that apply at a dose per fraction. EQDx under LQ or LQ-L is the total
dose in x-Gy fractions with the same BED under that same model.

This module sits above both the formulas (:mod:`sbrt_calc.radiobiology`) and the presets
(:mod:`sbrt_calc.presets.radiobiology`): a model's default parameters and the repopulation
correction's defaults (:func:`default_time_correction`) come from ``presets/radiobiology.toml``.
The formulas never read the presets (tests/test_layers.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sbrt_calc.errors import ModelParameterError
from sbrt_calc.presets.radiobiology import radiobiology
from sbrt_calc.radiobiology import lq, lql, usc
from sbrt_calc.radiobiology._arrays import ArrayLike, FloatOrArray, as_float_array, scalar_or_array
from sbrt_calc.radiobiology.caveats import Caveat, caveat
from sbrt_calc.radiobiology.ranges import check_range
from sbrt_calc.regimen import Regimen
from sbrt_calc.vocabulary import MODEL_NAMES, MODEL_TITLES

if TYPE_CHECKING:   # loaded with the first time correction (a start without one does without it)
    from sbrt_calc.radiobiology.time import TimeCorrection


def _eqdx(model: LQ | LQL, total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike,
          alpha_beta_gy: ArrayLike, reference_dose_gy: float) -> FloatOrArray:
    b = as_float_array(model.bed(total_dose_gy, dose_per_fraction_gy, alpha_beta_gy))
    per_ref = as_float_array(model.bed(reference_dose_gy, reference_dose_gy, alpha_beta_gy))
    out = b / per_ref * reference_dose_gy
    return scalar_or_array(out, total_dose_gy, dose_per_fraction_gy, alpha_beta_gy)


@dataclass(frozen=True)
class LQ:
    """The linear-quadratic model (Fowler, Br J Radiol 1989;62:679)."""

    validity_dose_per_fraction_gy: float = field(
        default_factory=lambda: float(radiobiology().lq.values["validity_dose_per_fraction_gy"]))
    name: str = field(default="lq", init=False)
    uses_alpha_beta: bool = field(default=True, init=False)

    title = MODEL_TITLES["lq"]
    source = "Fowler JF, Br J Radiol 1989;62:679-694"

    def label(self) -> str:
        return "LQ"

    def bed(self, total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike, alpha_beta_gy: ArrayLike) -> FloatOrArray:
        return lq.bed(total_dose_gy, dose_per_fraction_gy, alpha_beta_gy)

    def eqdx(self, total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike, alpha_beta_gy: ArrayLike,
             reference_dose_gy: float = 2.0) -> FloatOrArray:
        return lq.eqdx(total_dose_gy, dose_per_fraction_gy, alpha_beta_gy, reference_dose_gy)

    def dose_per_fraction_for_bed(self, target_bed_gy: ArrayLike, fractions: ArrayLike,
                                  alpha_beta_gy: ArrayLike) -> FloatOrArray:
        return lq.dose_per_fraction_for_bed(target_bed_gy, fractions, alpha_beta_gy)

    def parameters(self) -> dict[str, Any]:
        return {"validity_dose_per_fraction_gy": self.validity_dose_per_fraction_gy}

    def caveats(self, dose_per_fraction_gy: float) -> list[Caveat]:
        if dose_per_fraction_gy > self.validity_dose_per_fraction_gy:
            return [caveat(
                "lq_high_dose",
                f"LQ is uncertain above {self.validity_dose_per_fraction_gy:g} Gy per fraction (this tool's "
                f"conservative line; Brenner 2008: validated to about 10 Gy, reasonable to about 18 Gy) - here "
                f"{dose_per_fraction_gy:.4g} Gy: compare LQ-L and USC")]
        return []


@dataclass(frozen=True)
class LQL:
    """LQ-L: LQ up to ``transition_dose_gy``, linear (tangent) above (Astrahan, Med Phys 2008;35:4161)."""

    transition_dose_gy: float = field(
        default_factory=lambda: float(radiobiology().lql.values["transition_dose_gy"]))
    name: str = field(default="lql", init=False)
    uses_alpha_beta: bool = field(default=True, init=False)

    title = MODEL_TITLES["lql"]
    source = "Astrahan M, Med Phys 2008;35:4161-4172"

    def __post_init__(self) -> None:
        object.__setattr__(self, "transition_dose_gy",
                           check_range("transition_dose_gy", self.transition_dose_gy, "LQ-L transition dose"))

    def label(self) -> str:
        return f"LQ-L (d_T {self.transition_dose_gy:g} Gy)"

    def bed(self, total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike, alpha_beta_gy: ArrayLike) -> FloatOrArray:
        return lql.bed(total_dose_gy, dose_per_fraction_gy, alpha_beta_gy, self.transition_dose_gy)

    def eqdx(self, total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike, alpha_beta_gy: ArrayLike,
             reference_dose_gy: float = 2.0) -> FloatOrArray:
        return _eqdx(self, total_dose_gy, dose_per_fraction_gy, alpha_beta_gy, reference_dose_gy)

    def dose_per_fraction_for_bed(self, target_bed_gy: ArrayLike, fractions: ArrayLike,
                                  alpha_beta_gy: ArrayLike) -> FloatOrArray:
        return lql.dose_per_fraction_for_bed(target_bed_gy, fractions, alpha_beta_gy, self.transition_dose_gy)

    def parameters(self) -> dict[str, Any]:
        return {"transition_dose_gy": self.transition_dose_gy}

    def caveats(self, dose_per_fraction_gy: float) -> list[Caveat]:
        if dose_per_fraction_gy <= self.transition_dose_gy:
            return [caveat("lql_equals_lq",
                           f"LQ-L equals LQ here: {dose_per_fraction_gy:.4g} Gy per fraction is at or below the "
                           f"transition dose {self.transition_dose_gy:g} Gy")]
        return []


@dataclass(frozen=True)
class USC:
    """The universal survival curve (Park et al., IJROBP 2008;70:847), with its own alpha/beta."""

    parameters_: usc.UscParameters = field(default_factory=lambda: usc.UscParameters(
        **{k: float(v) for k, v in radiobiology().usc.values.items()}))
    name: str = field(default="usc", init=False)
    uses_alpha_beta: bool = field(default=False, init=False)

    title = MODEL_TITLES["usc"]
    source = "Park C et al., IJROBP 2008;70:847-852"

    def label(self) -> str:
        return "USC (Park 2008)"

    @property
    def transition_dose_gy(self) -> float:
        return self.parameters_.transition_dose_gy

    @property
    def alpha_beta_gy(self) -> float:
        return self.parameters_.alpha_beta_gy

    def bed(self, total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike) -> FloatOrArray:
        """Park's USC BED, Gy (its own alpha/beta below D_T, ``(d - Dq)/(alpha D0)`` per fraction above)."""
        return usc.bed(total_dose_gy, dose_per_fraction_gy, self.parameters_)

    def sfed(self, bed_gy: ArrayLike) -> FloatOrArray:
        """Park's single-fraction equivalent dose of a USC BED, Gy."""
        return usc.sfed(bed_gy, self.parameters_)

    def dose_per_fraction_for_bed(self, target_bed_gy: ArrayLike, fractions: ArrayLike) -> FloatOrArray:
        return usc.dose_per_fraction_for_bed(target_bed_gy, fractions, self.parameters_)

    def parameters(self) -> dict[str, Any]:
        return self.parameters_.as_dict()

    def caveats(self, dose_per_fraction_gy: float) -> list[Caveat]:
        if dose_per_fraction_gy <= self.transition_dose_gy:
            return [caveat("usc_equals_lq",
                           f"USC equals LQ at its own alpha/beta {self.alpha_beta_gy:.3g} Gy here: "
                           f"{dose_per_fraction_gy:.4g} Gy per fraction is at or below D_T "
                           f"{self.transition_dose_gy:.3g} Gy")]
        return []


Model = LQ | LQL | USC


def make_model(name: str, **parameters: Any) -> Model:
    """The model called ``name`` ('lq', 'lql' or 'usc') with optional parameters.

    ``lql`` takes ``transition_dose_gy``; ``usc`` takes ``alpha_per_gy``, ``d0_gy``, ``dq_gy``
    (the others from the presets).
    """
    key = str(name).lower().replace("-", "")
    if key == "lq":
        return LQ(**parameters)
    if key == "lql":
        return LQL(**parameters)
    if key == "usc":
        base = radiobiology().usc.values
        unknown = set(parameters) - {"alpha_per_gy", "d0_gy", "dq_gy"}
        if unknown:
            raise ModelParameterError(f"unknown USC parameter(s): {', '.join(sorted(unknown))}",
                                      field="model", value=sorted(unknown), allowed="alpha_per_gy, d0_gy, dq_gy")
        if not parameters:
            return USC()
        merged = {k: parameters.get(k, base[k]) for k in ("alpha_per_gy", "d0_gy", "dq_gy")}
        return USC(usc.UscParameters(**merged))
    raise ModelParameterError(f"unknown model {name!r}: choose {', '.join(MODEL_NAMES[:-1])} or {MODEL_NAMES[-1]}",
                              field="model", value=name, allowed=", ".join(MODEL_NAMES))


def time_correction(kickoff_days: float, bed_loss_per_day_gy: float) -> TimeCorrection:
    """The repopulation correction with these parameters, citing the shipped parameters' source
    (``presets/radiobiology.toml``, ``[repopulation]``)."""
    from sbrt_calc.radiobiology.time import TimeCorrection

    rp = radiobiology().repopulation
    return TimeCorrection(kickoff_days, bed_loss_per_day_gy, rp.source, rp.verification)


def default_time_correction() -> TimeCorrection:
    """The repopulation correction with the shipped parameters and their source."""
    rp = radiobiology().repopulation
    return time_correction(float(rp.values["kickoff_days"]), float(rp.values["bed_loss_per_day_gy"]))


def regimens_reaching(line: Any, fractions: Iterable[int]) -> list[Regimen]:
    """The smallest regimens in ``fractions`` that reach a BED line (a
    :class:`~sbrt_calc.presets.radiobiology.Threshold`), on the line's own scale (LQ BED at its alpha/beta from
    the prescription), labelled with the line; the solved dose is kept
    (:func:`sbrt_calc.radiobiology.solve.reaching_total_gy`), so that
    the row's verdict against the line says "reached" as its label does. Fractions whose solution is outside
    the regimen limits are left out.
    """
    from sbrt_calc.radiobiology.solve import model_bed, reaching_total_gy, solve_for_bed

    out = []
    ab = line.alpha_beta_gy
    for sol in solve_for_bed(line.bed_gy, fractions, LQ(), ab):
        if sol.error:
            continue
        total = reaching_total_gy(sol, line.bed_gy, LQ(), ab)
        if not line.reached(model_bed(LQ(), Regimen(total, sol.fractions), ab)):  # '>' lines: one more step
            import math

            total = math.nextafter(total, math.inf)
        out.append(Regimen(total, sol.fractions, f"{total:.2f} Gy/{sol.fractions} (LQ BED{ab:g} {line.bed_gy:g})"))
    return out
