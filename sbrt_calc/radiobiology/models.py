"""The dose-response models behind every result: LQ, LQ-L and USC, one interface.

Each model is a frozen dataclass with ``bed``, ``eqdx`` and ``dose_per_fraction_for_bed``
(all vectorized), its parameters as a dict for reports, and the warnings that apply to a
given dose per fraction. EQDx under any model is the total dose in x-Gy fractions with the
same BED under that same model (for x below the transition dose it is the LQ value).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from sbrt_calc.errors import ModelParameterError
from sbrt_calc.presets.radiobiology import radiobiology
from sbrt_calc.radiobiology import lq, lql, usc
from sbrt_calc.radiobiology._arrays import ArrayLike, FloatOrArray, as_float_array, scalar_or_array

MODEL_NAMES = ("lq", "lql", "usc")
MODEL_TITLES = {"lq": "LQ", "lql": "LQ-L", "usc": "USC"}


class Model(Protocol):
    """What every model offers."""

    @property
    def name(self) -> str: ...

    def bed(self, total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike,
            alpha_beta_gy: ArrayLike) -> FloatOrArray: ...

    def dose_per_fraction_for_bed(self, target_bed_gy: ArrayLike, fractions: ArrayLike,
                                  alpha_beta_gy: ArrayLike) -> FloatOrArray: ...

    def parameters(self) -> dict[str, Any]: ...

    def warnings(self, dose_per_fraction_gy: float, alpha_beta_gy: float) -> list[str]: ...

    @property
    def title(self) -> str: ...

    @property
    def source(self) -> str: ...


def _eqdx(model: Model, total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike,
          alpha_beta_gy: ArrayLike, reference_dose_per_fraction_gy: float) -> FloatOrArray:
    b = as_float_array(model.bed(total_dose_gy, dose_per_fraction_gy, alpha_beta_gy))
    per_ref = as_float_array(model.bed(reference_dose_per_fraction_gy, reference_dose_per_fraction_gy,
                                       alpha_beta_gy))
    out = b / per_ref * reference_dose_per_fraction_gy
    return scalar_or_array(out, total_dose_gy, dose_per_fraction_gy, alpha_beta_gy)


@dataclass(frozen=True)
class LQ:
    """The linear-quadratic model (Fowler, Br J Radiol 1989;62:679)."""

    validity_dose_per_fraction_gy: float = field(
        default_factory=lambda: float(radiobiology().lq.values["validity_dose_per_fraction_gy"]))
    name: str = field(default="lq", init=False)

    @property
    def title(self) -> str:
        return "LQ"

    @property
    def source(self) -> str:
        return "Fowler JF, Br J Radiol 1989;62:679-694"

    def bed(self, total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike,
            alpha_beta_gy: ArrayLike) -> FloatOrArray:
        return lq.bed(total_dose_gy, dose_per_fraction_gy, alpha_beta_gy)

    def eqdx(self, total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike, alpha_beta_gy: ArrayLike,
             reference_dose_per_fraction_gy: float = 2.0) -> FloatOrArray:
        return lq.eqdx(total_dose_gy, dose_per_fraction_gy, alpha_beta_gy, reference_dose_per_fraction_gy)

    def dose_per_fraction_for_bed(self, target_bed_gy: ArrayLike, fractions: ArrayLike,
                                  alpha_beta_gy: ArrayLike) -> FloatOrArray:
        return lq.dose_per_fraction_for_bed(target_bed_gy, fractions, alpha_beta_gy)

    def parameters(self) -> dict[str, Any]:
        return {"validity_dose_per_fraction_gy": self.validity_dose_per_fraction_gy}

    def warnings(self, dose_per_fraction_gy: float, alpha_beta_gy: float) -> list[str]:
        if dose_per_fraction_gy > self.validity_dose_per_fraction_gy:
            return [
                f"LQ is uncertain above about {self.validity_dose_per_fraction_gy:g} Gy per fraction "
                f"(here {dose_per_fraction_gy:.4g} Gy): compare LQ-L and USC"
            ]
        return []


@dataclass(frozen=True)
class LQL:
    """LQ-L: LQ up to ``transition_dose_gy``, linear (tangent) above (Astrahan, Med Phys 2008;35:4161)."""

    transition_dose_gy: float = field(
        default_factory=lambda: float(radiobiology().lql.values["transition_dose_gy"]))
    name: str = field(default="lql", init=False)

    def __post_init__(self) -> None:
        dt = self.transition_dose_gy
        if isinstance(dt, bool) or not isinstance(dt, (int, float)) or not np.isfinite(dt) or dt <= 0:
            raise ModelParameterError(
                f"LQ-L transition dose must be a number > 0 Gy, got {dt!r}",
                field="transition_dose_gy", value=dt, allowed="a finite number > 0 Gy",
            )

    @property
    def title(self) -> str:
        return "LQ-L"

    @property
    def source(self) -> str:
        return "Astrahan M, Med Phys 2008;35:4161-4172"

    def bed(self, total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike,
            alpha_beta_gy: ArrayLike) -> FloatOrArray:
        return lql.bed(total_dose_gy, dose_per_fraction_gy, alpha_beta_gy, self.transition_dose_gy)

    def eqdx(self, total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike, alpha_beta_gy: ArrayLike,
             reference_dose_per_fraction_gy: float = 2.0) -> FloatOrArray:
        return _eqdx(self, total_dose_gy, dose_per_fraction_gy, alpha_beta_gy, reference_dose_per_fraction_gy)

    def dose_per_fraction_for_bed(self, target_bed_gy: ArrayLike, fractions: ArrayLike,
                                  alpha_beta_gy: ArrayLike) -> FloatOrArray:
        return lql.dose_per_fraction_for_bed(target_bed_gy, fractions, alpha_beta_gy, self.transition_dose_gy)

    def parameters(self) -> dict[str, Any]:
        return {"transition_dose_gy": self.transition_dose_gy}

    def warnings(self, dose_per_fraction_gy: float, alpha_beta_gy: float) -> list[str]:
        if dose_per_fraction_gy <= self.transition_dose_gy:
            return [
                f"LQ-L equals LQ here: {dose_per_fraction_gy:.4g} Gy per fraction is at or below the "
                f"transition dose {self.transition_dose_gy:g} Gy"
            ]
        return []


@dataclass(frozen=True)
class USC:
    """The universal survival curve (Park et al., IJROBP 2008;70:847), NSCLC parameters by default."""

    parameters_: usc.UscParameters = field(default_factory=lambda: usc.UscParameters(
        **{k: float(v) for k, v in radiobiology().usc.values.items()}))
    name: str = field(default="usc", init=False)

    @property
    def title(self) -> str:
        return "USC"

    @property
    def source(self) -> str:
        return "Park C et al., IJROBP 2008;70:847-852"

    @property
    def transition_dose_gy(self) -> float:
        return self.parameters_.transition_dose_gy

    def bed(self, total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike,
            alpha_beta_gy: ArrayLike) -> FloatOrArray:
        return usc.bed(total_dose_gy, dose_per_fraction_gy, self.parameters_, alpha_beta_gy)

    def native_bed(self, total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike) -> FloatOrArray:
        """BED with the USC's own derived alpha/beta (Park's definition, -ln S / alpha)."""
        return usc.bed(total_dose_gy, dose_per_fraction_gy, self.parameters_)

    def eqdx(self, total_dose_gy: ArrayLike, dose_per_fraction_gy: ArrayLike, alpha_beta_gy: ArrayLike,
             reference_dose_per_fraction_gy: float = 2.0) -> FloatOrArray:
        return _eqdx(self, total_dose_gy, dose_per_fraction_gy, alpha_beta_gy, reference_dose_per_fraction_gy)

    def dose_per_fraction_for_bed(self, target_bed_gy: ArrayLike, fractions: ArrayLike,
                                  alpha_beta_gy: ArrayLike) -> FloatOrArray:
        return usc.dose_per_fraction_for_bed(target_bed_gy, fractions, self.parameters_, alpha_beta_gy)

    def parameters(self) -> dict[str, Any]:
        return self.parameters_.as_dict()

    def warnings(self, dose_per_fraction_gy: float, alpha_beta_gy: float) -> list[str]:
        out = []
        own = self.parameters_.alpha_beta_gy
        if not np.isclose(alpha_beta_gy, own, rtol=1e-6):
            out.append(
                f"USC at alpha/beta {alpha_beta_gy:g} Gy: the NSCLC fit has its own alpha/beta {own:.3g} Gy; "
                f"its shape (transition {self.transition_dose_gy:.3g} Gy) is applied at {alpha_beta_gy:g} Gy, "
                f"an extrapolation"
            )
        if dose_per_fraction_gy <= self.transition_dose_gy:
            out.append(
                f"USC equals LQ here: {dose_per_fraction_gy:.4g} Gy per fraction is at or below the "
                f"transition dose {self.transition_dose_gy:.3g} Gy"
            )
        return out


def make_model(name: str, **parameters: Any) -> LQ | LQL | USC:
    """The model called ``name`` ('lq', 'lql' or 'usc') with optional parameters.

    ``lql`` takes ``transition_dose_gy``; ``usc`` takes ``alpha_per_gy``, ``d0_gy``, ``dq_gy``.
    """
    key = str(name).lower().replace("-", "")
    if key == "lq":
        return LQ(**parameters)
    if key == "lql":
        return LQL(**parameters)
    if key == "usc":
        if parameters:
            base = radiobiology().usc.values
            merged = {k: float(parameters.get(k, base[k])) for k in ("alpha_per_gy", "d0_gy", "dq_gy")}
            unknown = set(parameters) - set(merged)
            if unknown:
                raise ModelParameterError(f"unknown USC parameter(s): {', '.join(sorted(unknown))}",
                                          field="model", value=sorted(unknown),
                                          allowed="alpha_per_gy, d0_gy, dq_gy")
            return USC(usc.UscParameters(**merged))
        return USC()
    raise ModelParameterError(
        f"unknown model {name!r}: choose lq, lql or usc", field="model", value=name, allowed="lq, lql, usc"
    )
