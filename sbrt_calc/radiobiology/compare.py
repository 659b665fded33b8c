"""Regimens x model x alpha/beta -> result rows with flags, warnings and the uncertainty check.

This is what the CLI's ``compare`` and the GUI's regimens table show. Every number comes
from :mod:`sbrt_calc.radiobiology.models`; the thresholds and defaults come from
``presets/radiobiology.toml`` via :mod:`sbrt_calc.presets.radiobiology`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from sbrt_calc.errors import ModelParameterError
from sbrt_calc.presets.radiobiology import Threshold, radiobiology
from sbrt_calc.radiobiology import time as rtime
from sbrt_calc.radiobiology._arrays import require_positive
from sbrt_calc.radiobiology.models import LQ, LQL, USC, Model, make_model
from sbrt_calc.regimen import Regimen

DEFAULT_ALPHA_BETAS_GY = (10.0, 3.0)


def ab_key(alpha_beta_gy: float) -> str:
    """The JSON key of an alpha/beta: ``format(ab, "g")`` ("10", "3", "2.5")."""
    return format(float(alpha_beta_gy), "g")


def validate_alpha_betas(alpha_betas: Iterable[float]) -> tuple[float, ...]:
    """Check each alpha/beta is a finite number > 0 Gy; return them as floats, duplicates removed."""
    out: list[float] = []
    for ab in alpha_betas:
        require_positive("alpha_beta_gy", ab)
        if float(ab) not in out:
            out.append(float(ab))
    if not out:
        raise ModelParameterError("give at least one alpha/beta", field="alpha_beta_gy", value=None,
                                  allowed="one or more numbers > 0 Gy")
    return tuple(out)


@dataclass(frozen=True)
class Repopulation:
    """Settings of the optional overall-time correction (applied to the tumour BED only)."""

    kickoff_days: float
    bed_loss_per_day_gy: float
    source: str = ""

    @classmethod
    def default(cls) -> Repopulation:
        """The shipped defaults (presets/radiobiology.toml) with their source."""
        rp = radiobiology().repopulation
        return cls(float(rp.values["kickoff_days"]), float(rp.values["bed_loss_per_day_gy"]), rp.source)


@dataclass(frozen=True)
class RepopulationApplied:
    """What the time correction did for one regimen."""

    overall_time_days: float
    kickoff_days: float
    bed_loss_per_day_gy: float
    bed_loss_gy: float
    applied: bool

    def as_dict(self) -> dict[str, float | bool]:
        return {
            "overall_time_days": self.overall_time_days,
            "kickoff_days": self.kickoff_days,
            "bed_loss_per_day_gy": self.bed_loss_per_day_gy,
            "bed_loss_gy": self.bed_loss_gy,
            "applied": self.applied,
        }


@dataclass(frozen=True)
class RegimenResult:
    """One regimen under one model: BED and EQD2 at each alpha/beta, the BED10 flags, warnings."""

    regimen: Regimen
    model: str
    bed_gy: dict[float, float]
    eqd2_gy: dict[float, float]
    bed10_gy: float
    bed10_above_threshold: bool
    bed10_reference_reached: bool
    threshold: Threshold
    reference: Threshold
    warnings: tuple[str, ...]
    repopulation: RepopulationApplied | None = None

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of the CLI contract (full precision floats, keys format(ab, 'g'))."""
        out: dict[str, object] = {
            "label": self.regimen.label,
            "total_dose_gy": self.regimen.total_dose_gy,
            "fractions": self.regimen.fractions,
            "dose_per_fraction_gy": self.regimen.dose_per_fraction_gy,
            "bed_gy": {ab_key(k): v for k, v in self.bed_gy.items()},
            "eqd2_gy": {ab_key(k): v for k, v in self.eqd2_gy.items()},
            "bed10_gy": self.bed10_gy,
            "bed10_above_threshold": self.bed10_above_threshold,
            "bed10_reference_reached": self.bed10_reference_reached,
            "warnings": list(self.warnings),
        }
        if self.repopulation is not None:
            out["repopulation"] = self.repopulation.as_dict()
        return out


def thresholds() -> tuple[Threshold, Threshold]:
    """(the BED10 > 70 Gy flag, the BED10 >= 100 Gy reference) from the presets."""
    rb = radiobiology()
    return rb.threshold("bed10_oligoprogression"), rb.threshold("bed10_primary_lung")


def compute(
    regimen: Regimen,
    alpha_betas_gy: Sequence[float] = DEFAULT_ALPHA_BETAS_GY,
    model: Model | None = None,
    *,
    threshold: Threshold | None = None,
    reference: Threshold | None = None,
    repopulation: Repopulation | None = None,
    tumour_alpha_beta_gy: float | None = None,
) -> RegimenResult:
    """Compute one regimen under one model.

    Parameters
    ----------
    regimen : Regimen
    alpha_betas_gy : sequence of float
        The alpha/beta values to report, Gy (default 10 and 3).
    model : Model, optional
        LQ by default.
    threshold, reference : Threshold, optional
        The flag line (BED10 > 70 Gy) and the reference line (BED10 >= 100 Gy); from the
        presets by default. Both are evaluated at their own alpha/beta whatever the others.
    repopulation : Repopulation, optional
        When given, the tumour BED (at ``tumour_alpha_beta_gy`` and at the thresholds'
        alpha/beta) is reduced by ``K (T - T_k)`` for T > T_k; T is the regimen's
        ``overall_time_days`` or, if unset, daily weekday treatment.
    """
    model = model if model is not None else LQ()
    flag, ref = thresholds()
    threshold = threshold or flag
    reference = reference or ref
    abs_ = validate_alpha_betas(alpha_betas_gy)
    tumour_ab = radiobiology().tumour_alpha_beta_gy if tumour_alpha_beta_gy is None else float(tumour_alpha_beta_gy)
    D, d = regimen.total_dose_gy, regimen.dose_per_fraction_gy
    warnings: list[str] = list(regimen.warnings)
    loss = 0.0
    repop: RepopulationApplied | None = None
    if repopulation is not None:
        T = regimen.overall_time_days
        if T is None:
            T = rtime.default_overall_time_days(regimen.fractions)
        loss = float(rtime.repopulation_bed_loss_gy(T, repopulation.kickoff_days, repopulation.bed_loss_per_day_gy))
        applied = rtime.correction_applies(T, repopulation.kickoff_days)
        repop = RepopulationApplied(float(T), repopulation.kickoff_days, repopulation.bed_loss_per_day_gy, loss, applied)
        if applied:
            warnings.append(
                f"repopulation correction applied to the tumour BED: -{loss:.3g} Gy "
                f"(overall time {T:g} d > kick-off {repopulation.kickoff_days:g} d)"
            )
        else:
            warnings.append(
                f"no repopulation correction: overall time {T:g} d is within the kick-off time "
                f"{repopulation.kickoff_days:g} d"
            )

    def tumour_loss(ab: float) -> float:
        return loss if ab in (tumour_ab, threshold.alpha_beta_gy, reference.alpha_beta_gy) else 0.0

    beds: dict[float, float] = {}
    eqd2s: dict[float, float] = {}
    for ab in abs_:
        b = float(model.bed(D, d, ab)) - tumour_loss(ab)
        beds[ab] = b
        per_2gy = float(model.bed(2.0, 2.0, ab)) / 2.0
        eqd2s[ab] = b / per_2gy
        for w in model.warnings(d, ab):
            if w not in warnings:
                warnings.append(w)
    bed_flag = float(model.bed(D, d, threshold.alpha_beta_gy)) - tumour_loss(threshold.alpha_beta_gy)
    bed_ref = float(model.bed(D, d, reference.alpha_beta_gy)) - tumour_loss(reference.alpha_beta_gy)
    return RegimenResult(
        regimen=regimen,
        model=model.name,
        bed_gy=beds,
        eqd2_gy=eqd2s,
        bed10_gy=bed_flag,
        bed10_above_threshold=threshold.reached(bed_flag),
        bed10_reference_reached=reference.reached(bed_ref),
        threshold=threshold,
        reference=reference,
        warnings=tuple(warnings),
        repopulation=repop,
    )


def compare(
    regimens: Iterable[Regimen],
    alpha_betas_gy: Sequence[float] = DEFAULT_ALPHA_BETAS_GY,
    model: Model | None = None,
    **kwargs: object,
) -> list[RegimenResult]:
    """:func:`compute` for each regimen, in the order given."""
    chosen: Model = model if model is not None else LQ()
    return [compute(r, alpha_betas_gy, chosen, **kwargs) for r in regimens]  # type: ignore[arg-type]


# --- uncertainty: is the flag robust across alpha/beta and models? ----------------------------

@dataclass(frozen=True)
class ModelSpan:
    """BED10 range of one model over the alpha/beta range."""

    model: str
    bed_min_gy: float
    bed_max_gy: float
    bed_nominal_gy: float


@dataclass(frozen=True)
class FlagRobustness:
    """Whether the BED10 flag holds across the tumour alpha/beta range and the three models.

    ``verdict`` is ``"robust above"`` (the flag holds everywhere), ``"robust below"`` (fails
    everywhere) or ``"fragile"`` (depends on the alpha/beta or the model).
    """

    regimen: Regimen
    alpha_beta_range_gy: tuple[float, float]
    threshold: Threshold
    spans: tuple[ModelSpan, ...]
    verdict: str
    source: str = field(default="")

    @property
    def bed_min_gy(self) -> float:
        return min(s.bed_min_gy for s in self.spans)

    @property
    def bed_max_gy(self) -> float:
        return max(s.bed_max_gy for s in self.spans)

    def sentence(self) -> str:
        """A one-line explanation for people, e.g. "BED10 > 70 Gy is fragile: ..."."""
        from sbrt_calc.radiobiology.models import MODEL_TITLES

        lo, hi = self.alpha_beta_range_gy
        spans = ", ".join(f"{MODEL_TITLES.get(s.model, s.model)} {s.bed_min_gy:.1f}-{s.bed_max_gy:.1f}"
                          for s in self.spans)
        where = f"alpha/beta {lo:g}-{hi:g} Gy"
        head = {
            "robust above": f"{self.threshold.label} holds under every model for {where}",
            "robust below": f"{self.threshold.label} is reached under no model for {where}",
            "fragile": f"{self.threshold.label} is fragile: reached or not depending on the model and {where}",
        }[self.verdict]
        return f"{head} (tumour BED over that range, Gy: {spans})"

    def as_dict(self) -> dict[str, object]:
        return {
            "alpha_beta_range_gy": list(self.alpha_beta_range_gy),
            "threshold": self.threshold.label,
            "verdict": self.verdict,
            "bed_min_gy": self.bed_min_gy,
            "bed_max_gy": self.bed_max_gy,
            "models": {s.model: {"bed_min_gy": s.bed_min_gy, "bed_max_gy": s.bed_max_gy,
                                 "bed_nominal_gy": s.bed_nominal_gy} for s in self.spans},
            "sentence": self.sentence(),
        }


def default_models() -> tuple[LQ, LQL, USC]:
    """LQ, LQ-L and USC with their shipped default parameters."""
    return LQ(), LQL(), USC()


def flag_robustness(
    regimen: Regimen,
    alpha_beta_range_gy: tuple[float, float] | None = None,
    models: Sequence[Model] | None = None,
    threshold: Threshold | None = None,
    samples: int = 31,
) -> FlagRobustness:
    """BED at ``threshold.alpha_beta_gy`` varied over the tumour alpha/beta range and the models.

    The range defaults to the cited one in presets/radiobiology.toml. BED is evaluated on a
    grid of ``samples`` alpha/beta values (geometric) including both ends.
    """
    unc = radiobiology().uncertainty
    rng = alpha_beta_range_gy or unc.values["tumour_alpha_beta_range_gy"]
    lo, hi = float(rng[0]), float(rng[1])
    require_positive("alpha_beta_range_gy", [lo, hi])
    if not lo <= hi:
        raise ModelParameterError(f"alpha/beta range must be low <= high, got {lo:g}-{hi:g}",
                                  field="alpha_beta_range_gy", value=(lo, hi), allowed="low <= high")
    threshold = threshold or thresholds()[0]
    chosen: tuple[Model, ...] = tuple(models) if models else default_models()
    grid = np.geomspace(lo, hi, samples)
    D, d = regimen.total_dose_gy, regimen.dose_per_fraction_gy
    spans = []
    for m in chosen:
        beds = np.asarray(m.bed(D, d, grid))
        spans.append(ModelSpan(m.name, float(beds.min()), float(beds.max()),
                               float(m.bed(D, d, threshold.alpha_beta_gy))))
    all_beds = [s.bed_min_gy for s in spans] + [s.bed_max_gy for s in spans]
    reached = [threshold.reached(b) for b in all_beds]
    verdict = "robust above" if all(reached) else ("robust below" if not any(reached) else "fragile")
    return FlagRobustness(regimen, (lo, hi), threshold, tuple(spans), verdict, unc.source)


# --- solving -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Solution:
    """The regimen in ``fractions`` that reaches a target BED (or an error message if none is allowed)."""

    fractions: int
    dose_per_fraction_gy: float
    total_dose_gy: float
    warnings: tuple[str, ...] = ()
    error: str | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "fractions": self.fractions,
            "dose_per_fraction_gy": self.dose_per_fraction_gy,
            "total_dose_gy": self.total_dose_gy,
            "warnings": list(self.warnings),
        }
        if self.error:
            out["error"] = self.error
        return out


def solve_for_bed(target_bed_gy: float, alpha_beta_gy: float, fractions: Iterable[int],
                  model: Model | None = None) -> list[Solution]:
    """The dose per fraction and total dose reaching ``target_bed_gy`` in each fraction count.

    Closed form under every model (see :mod:`sbrt_calc.radiobiology`). A solution beyond the
    regimen limits (e.g. > 100 Gy per fraction) is returned with ``error`` set, not dropped.
    """
    chosen: Model = model if model is not None else LQ()
    require_positive("target_bed_gy", target_bed_gy)
    require_positive("alpha_beta_gy", alpha_beta_gy)
    out = []
    for n in fractions:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= 100:
            raise ModelParameterError(f"fractions must be integers from 1 to 100, got {n!r}",
                                      field="fractions", value=n, allowed="an integer from 1 to 100")
        dpf = float(chosen.dose_per_fraction_for_bed(target_bed_gy, int(n), alpha_beta_gy))
        try:
            reg = Regimen(dpf * int(n), int(n))
        except ValueError as exc:
            out.append(Solution(int(n), dpf, dpf * int(n), (), str(exc)))
            continue
        warnings = list(reg.warnings) + chosen.warnings(dpf, alpha_beta_gy)
        out.append(Solution(int(n), dpf, dpf * int(n), tuple(warnings)))
    return out


def equivalent_regimen(regimen: Regimen, fractions: int, alpha_beta_gy: float,
                       model: Model | None = None) -> Solution:
    """The regimen in ``fractions`` with the same BED as ``regimen`` at ``alpha_beta_gy``."""
    chosen: Model = model if model is not None else LQ()
    target = float(chosen.bed(regimen.total_dose_gy, regimen.dose_per_fraction_gy, alpha_beta_gy))
    return solve_for_bed(target, alpha_beta_gy, [fractions], chosen)[0]


def model_from_name(name: str, **parameters: object) -> Model:
    """Alias of :func:`sbrt_calc.radiobiology.models.make_model` for callers of this module."""
    return make_model(name, **parameters)
