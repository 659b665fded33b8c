"""The spine: ``evaluate(case) -> Evaluation``, computed once, rendered by every face.

:func:`evaluate` applies a case's settings once (the models shown and their parameters, tumour and
organ alpha/beta, the two BED10 lines and the scale they are defined on, the time correction, the
EQDx reference dose) and returns the whole case evaluated under them: frozen regimen rows (every
number, verdict, sensitivity statement and caveat a face shows), the eligibility assessment with its
verdict label, the planning checks and the plan check of the case's DICOM files. The GUI table, the
plot, "show the working", ``compare``, CSV, the clipboard and the PDF report only render an
:class:`Evaluation` (columns in :mod:`sbrt_calc.tables`, typed tables in :mod:`sbrt_calc.table`).

Semantics (DESIGN.md, clinical safety rules):

- ``bed10_gy`` is always LQ BED at alpha/beta 10 from the prescription (time-corrected when the
  correction is on); the verdicts against the flag (BED10 > 70 Gy) and the reference
  (BED10 >= 100 Gy) are computed on that scale only, whichever model is viewed.
- Each model's own numbers carry the model's label (``"LQ-L (d_T 6 Gy)"``); the USC is Park's, at
  its own alpha/beta, with its SFED, and gives no organ-at-risk numbers.
- The uncertainty is relative (:mod:`sbrt_calc.radiobiology.sensitivity`): never a model's number
  against the fixed line.
- The time correction applies to the tumour BED only (the tumour alpha/beta column, the USC BED and
  the BED10 of the verdicts), never to the organ-at-risk columns; a loss larger than the BED is
  refused as outside the model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sbrt_calc.errors import ModelParameterError, SbrtCalcError

# the sections' results: made by evaluation_sections when a case has sections (core28); the time correction's
# module: loaded with the first correction (num28: a start without one does without it)
if TYPE_CHECKING:
    from sbrt_calc.evaluation_results import EligibilityEvaluation, FlagAtSite, PlanCheckEvaluation, PlanningEvaluation
    from sbrt_calc.radiobiology.time import TimeCorrection, TimeLoss
from sbrt_calc.models import LQ, LQL, USC, Model, time_correction
from sbrt_calc.presets.radiobiology import Threshold, radiobiology
from sbrt_calc.radiobiology import lq
from sbrt_calc.radiobiology.caveats import Caveat, caveat, regimen_caveats
from sbrt_calc.radiobiology.ranges import check_range
from sbrt_calc.radiobiology.sensitivity import Sensitivity, line_sensitivity
from sbrt_calc.regimen import Regimen
from sbrt_calc.vocabulary import MODEL_NAMES

ALL_MODELS = MODEL_NAMES


@dataclass(frozen=True)
class EvaluationSettings:
    """How regimens are evaluated: everything :func:`evaluate_row` needs, validated once."""

    models: tuple[str, ...] = ("lq",)
    #: the defaults in force (the user's radiobiology preset, else the shipped one), as the app's new case
    tumour_alpha_beta_gy: float = field(default_factory=lambda: radiobiology().tumour_alpha_beta_gy)
    organ_alpha_betas_gy: tuple[float, ...] = field(
        default_factory=lambda: (radiobiology().tissue("late").alpha_beta_gy,))
    flag: Threshold = field(default_factory=lambda: radiobiology().threshold("bed10_oligoprogression"))
    reference: Threshold = field(default_factory=lambda: radiobiology().threshold("bed10_primary_lung"))
    lq: LQ = field(default_factory=LQ)
    lql: LQL = field(default_factory=LQL)
    usc: USC = field(default_factory=USC)
    time: TimeCorrection | None = None
    reference_dose_gy: float = 2.0
    alpha_beta_range_gy: tuple[float, float] = field(
        default_factory=lambda: radiobiology().uncertainty.values["tumour_alpha_beta_range_gy"])
    line_regimen_fractions: tuple[int, ...] = field(
        default_factory=lambda: radiobiology().uncertainty.values["line_regimen_fractions"])

    def __post_init__(self) -> None:
        if not self.models or any(m not in ALL_MODELS for m in self.models):
            raise ModelParameterError(f"models must be some of {', '.join(ALL_MODELS)}, got {self.models!r}",
                                      field="model", value=self.models, allowed=", ".join(ALL_MODELS))
        check_range("alpha_beta_gy", self.tumour_alpha_beta_gy, "tumour alpha/beta")
        organs = tuple(dict.fromkeys(check_range("alpha_beta_gy", ab, "organ-at-risk alpha/beta")
                                     for ab in self.organ_alpha_betas_gy if ab != self.tumour_alpha_beta_gy))
        object.__setattr__(self, "organ_alpha_betas_gy", organs)
        check_range("reference_dose_gy", self.reference_dose_gy, "EQDx reference dose per fraction")

    def model(self, name: str) -> Model:
        if name == "lq":
            return self.lq
        if name == "lql":
            return self.lql
        if name == "usc":
            return self.usc
        raise KeyError(name)

    @property
    def organ_models(self) -> tuple[str, ...]:
        """The models whose organ-at-risk numbers are shown (the USC has none: LQ stands in alone)."""
        shown = tuple(m for m in self.models if m != "usc")
        return shown or ("lq",)

    @property
    def eqdx_name(self) -> str:
        """``'EQD2'`` or ``'EQD3.5'``: EQDx at the reference dose per fraction."""
        return f"EQD{self.reference_dose_gy:g}"


@dataclass(frozen=True)
class ModelResult:
    """One regimen under one model. The USC row has ``sfed_gy`` and no organ numbers."""

    model: str
    label: str
    alpha_beta_gy: float
    tumour_bed_gy: float
    tumour_eqd2_gy: float | None
    tumour_eqdx_gy: float | None
    organ_bed_gy: Mapping[float, float]
    organ_eqd2_gy: Mapping[float, float]
    organ_eqdx_gy: Mapping[float, float]
    sfed_gy: float | None = None
    caveats: tuple[Caveat, ...] = ()


@dataclass(frozen=True)
class RowEvaluation:
    """One row of the case: a valid regimen with every number, or invalid input with its reason."""

    index: int
    label: str
    regimen: Regimen | None
    error: str = ""
    invalid_input: Mapping[str, str] | None = None
    bed10_gy: float | None = None
    bed10_uncorrected_gy: float | None = None
    flag_reached: bool | None = None
    reference_reached: bool | None = None
    models: tuple[ModelResult, ...] = ()
    lq: ModelResult | None = None          # always computed: LQ at every alpha/beta (organs under the USC)
    sensitivity: Sensitivity | None = None
    time: TimeLoss | None = None
    caveats: tuple[Caveat, ...] = ()
    note: str = ""
    source: str = ""
    verification: str = ""
    flag_applies: bool = True  # False at a planned site where the flag line does not apply (spine, brain)

    @property
    def valid(self) -> bool:
        return self.regimen is not None and not self.error

    @property
    def flag_status(self) -> str | None:
        """``'pass'`` (flag reached), ``'warning'`` (not reached: the line is a correlation with local control, not
        a limit, so it is never a failure), ``'n/a'`` (not applicable at the planned site), None for an invalid row."""
        if not self.valid or self.flag_reached is None:
            return None
        if not self.flag_applies:
            return "n/a"
        return "pass" if self.flag_reached else "warning"

    def model(self, name: str) -> ModelResult:
        """The result under ``name``; ``"lq"`` is always there (LQ stands in for the organs under the USC)."""
        for m in self.models:
            if m.model == name:
                return m
        if name == "lq" and self.lq is not None:
            return self.lq
        raise KeyError(name)


@dataclass(frozen=True)
class Evaluation:
    """A case evaluated: its settings, one :class:`RowEvaluation` per row, in order, and the case's other
    sections evaluated under the same settings (None where the case has none)."""

    settings: EvaluationSettings
    rows: tuple[RowEvaluation, ...]
    title: str = ""
    identifier: str | None = None
    eligibility: EligibilityEvaluation | None = None
    planning: PlanningEvaluation | None = None
    plan_check: PlanCheckEvaluation | None = None
    flag_at_site: FlagAtSite | None = None
    notes: tuple[str, ...] = ()
    reirradiation: Any = None  # sbrt_calc.evaluation_reirradiation.ReirradiationEvaluation, None without the section

    def valid_rows(self) -> list[RowEvaluation]:
        return [r for r in self.rows if r.valid]


def _model_result(s: EvaluationSettings, name: str, reg: Regimen, loss_gy: float) -> ModelResult:
    D, d = reg.total_dose_gy, reg.dose_per_fraction_gy
    x = s.reference_dose_gy
    if name == "usc":
        bed = float(s.usc.bed(D, d)) - loss_gy
        return ModelResult("usc", s.usc.label(), s.usc.alpha_beta_gy, bed, None, None, {}, {}, {},
                           sfed_gy=float(s.usc.sfed(bed)) if bed > 0 else None, caveats=tuple(s.usc.caveats(d)))
    m: LQ | LQL = s.lq if name == "lq" else s.lql
    t = s.tumour_alpha_beta_gy
    bed_t = float(m.bed(D, d, t)) - loss_gy
    per2, perx = float(m.bed(2.0, 2.0, t)) / 2.0, float(m.bed(x, x, t)) / x
    organ_models = s.organ_models
    organ_bed = {ab: float(m.bed(D, d, ab)) for ab in s.organ_alpha_betas_gy} \
        if name in organ_models or name == "lq" else {}
    organ_eqd2 = {ab: float(m.eqdx(D, d, ab, 2.0)) for ab in organ_bed}
    organ_eqdx = {ab: float(m.eqdx(D, d, ab, x)) for ab in organ_bed}
    return ModelResult(name, m.label(), t, bed_t, bed_t / per2, bed_t / perx, organ_bed, organ_eqd2, organ_eqdx,
                       caveats=tuple(m.caveats(d)))


def evaluate_regimen(regimen: Regimen, s: EvaluationSettings, index: int = 0, note: str = "",
                     source: str = "", verification: str = "") -> RowEvaluation:
    """Every number of one regimen under ``s`` (see the module docstring)."""
    D, d = regimen.total_dose_gy, regimen.dose_per_fraction_gy
    caveats: list[Caveat] = regimen_caveats(regimen.warnings)
    loss = None
    if s.time is not None:
        from sbrt_calc.radiobiology.time import time_loss

        loss = time_loss(regimen, s.time)
    loss_gy = loss.bed_loss_gy if loss is not None else 0.0
    bed10_raw = float(lq.bed(D, d, s.flag.alpha_beta_gy))
    bed10 = bed10_raw - loss_gy
    if loss is not None:
        caveats += loss.caveats
        smallest = min(bed10_raw, float(s.lq.bed(D, d, s.tumour_alpha_beta_gy)))
        if loss_gy >= smallest:
            return RowEvaluation(index, regimen.label, regimen, note=note, source=source, verification=verification,
                                 error=f"time correction {loss_gy:.3g} Gy is not smaller than the tumour BED "
                                       f"{smallest:.3g} Gy: outside the model (overall time "
                                       f"{loss.overall_time_days:g} days)")
    results = tuple(_model_result(s, m, regimen, loss_gy) for m in s.models)
    lq_result = next((r for r in results if r.model == "lq"), None) or _model_result(s, "lq", regimen, loss_gy)
    for r in results:
        caveats += [c for c in r.caveats if c not in caveats]
    if "usc" in s.models and radiobiology().usc.verification != "printed":
        caveats.append(caveat("usc_parameters_recalled",
                              "USC parameters (alpha 0.33 /Gy, D0 1.25 Gy, Dq 1.8 Gy) are marked recalled: "
                              "not read in Park 2008 itself"))
    sens = line_sensitivity(regimen, s.flag, s.lq, s.lql, s.usc, s.alpha_beta_range_gy,
                            s.line_regimen_fractions, s.time)
    return RowEvaluation(
        index=index, label=regimen.label, regimen=regimen, bed10_gy=bed10, bed10_uncorrected_gy=bed10_raw,
        flag_reached=s.flag.reached(bed10), reference_reached=s.reference.reached(bed10), models=results,
        lq=lq_result, sensitivity=sens, time=loss, caveats=tuple(caveats), note=note, source=source, verification=verification)


def evaluate_row(row: Any, s: EvaluationSettings, index: int = 0) -> RowEvaluation:
    """One case row (:class:`sbrt_calc.case.CaseRegimen`): evaluated if valid, its reason kept if not."""
    if not row.is_valid:
        return RowEvaluation(index, row.label, None, error=row.error or "invalid input",
                             invalid_input=dict(row.invalid_input or {}), note=row.note)
    return evaluate_regimen(row.regimen(), s, index, row.note, row.source, row.verification)


def _organ_arrays(m: LQ | LQL, D: Any, d: Any, abs_gy: tuple[float, ...],
                  x: float) -> tuple[dict[float, list[float]], dict[float, list[float]], dict[float, list[float]]]:
    return ({ab: m.bed(D, d, ab).tolist() for ab in abs_gy}, {ab: m.eqdx(D, d, ab, 2.0).tolist() for ab in abs_gy},
            {ab: m.eqdx(D, d, ab, x).tolist() for ab in abs_gy})


def _model_results(s: EvaluationSettings, name: str, D: Any, d: Any, dpf: list[float],
                   loss: Any) -> list[ModelResult]:
    """:func:`_model_result` of many regimens at once (arrays of total dose, dose per fraction and time loss;
    ``dpf`` the doses per fraction as floats): the same numbers, numpy over the regimens."""
    x = s.reference_dose_gy
    if name == "usc":
        bed = s.usc.bed(D, d) - loss
        positive = bed > 0
        sfed = [None] * len(dpf)
        if positive.any():
            for i, v in zip(positive.nonzero()[0].tolist(), s.usc.sfed(bed[positive]).tolist(), strict=True):
                sfed[i] = v
        label, ab_usc = s.usc.label(), s.usc.alpha_beta_gy
        return [ModelResult("usc", label, ab_usc, b, None, None, {}, {}, {}, sfed_gy=f, caveats=tuple(s.usc.caveats(p)))
                for b, f, p in zip(bed.tolist(), sfed, dpf, strict=True)]
    m: LQ | LQL = s.lq if name == "lq" else s.lql
    t = s.tumour_alpha_beta_gy
    bed_t = m.bed(D, d, t) - loss
    per2, perx = float(m.bed(2.0, 2.0, t)) / 2.0, float(m.bed(x, x, t)) / x
    abs_gy = s.organ_alpha_betas_gy if name in s.organ_models or name == "lq" else ()
    organ_bed, organ_eqd2, organ_eqdx = _organ_arrays(m, D, d, abs_gy, x)
    label = m.label()
    return [ModelResult(name, label, t, b, e2, ex, {ab: organ_bed[ab][i] for ab in abs_gy},
                        {ab: organ_eqd2[ab][i] for ab in abs_gy}, {ab: organ_eqdx[ab][i] for ab in abs_gy},
                        caveats=tuple(m.caveats(p)))
            for i, (b, e2, ex, p) in enumerate(zip(bed_t.tolist(), (bed_t / per2).tolist(), (bed_t / perx).tolist(),
                                                   dpf, strict=True))]


#: Below this many valid rows :func:`evaluate_rows` evaluates row by row in plain Python (no numpy: the app's first
#: table is filled without importing it, stop 28); from it on, numpy over the rows (faster per row, bench/evaluate_rows.py).
BATCH_MIN_ROWS = 20


def evaluate_rows(rows: Sequence[Any], s: EvaluationSettings, indices: Sequence[int] | None = None, *,
                  batch: bool | None = None,
                  known: tuple[EvaluationSettings, Sequence[RowEvaluation | None]] | None = None,
                  ) -> tuple[RowEvaluation, ...]:
    """:func:`evaluate_row` of many case rows (their indices ``indices``, by default 0, 1, ...).

    ``batch`` True computes every number together (numpy over the rows, each array checked once), False row by
    row in plain Python (:func:`evaluate_regimen`; numpy not imported), None (default) the first for
    :data:`BATCH_MIN_ROWS` valid rows or more, the second below. The results are the same either way, to the bit.

    ``known``: the same rows evaluated before under other settings (those settings, and one result or None per row,
    in the order of ``rows``): together, what does not depend on the settings that changed is taken from them
    instead of computed again (:func:`_reused`: the line sensitivities, a model's results), the same values."""
    index = list(range(len(rows))) if indices is None else list(indices)
    out: list[RowEvaluation | None] = [None] * len(rows)
    items = []
    for i, row in enumerate(rows):
        if not row.is_valid:
            out[i] = RowEvaluation(index[i], row.label, None, error=row.error or "invalid input",
                                   invalid_input=dict(row.invalid_input or {}), note=row.note)
        else:
            items.append((i, row.regimen(), row.note, row.source, row.verification))
    before = None if known is None else (known[0], [known[1][it[0]] for it in items])
    evaluated = _evaluate_many([it[1] for it in items], s, [index[it[0]] for it in items], [it[2] for it in items],
                               [it[3] for it in items], [it[4] for it in items], batch, before)
    for (i, *_), r in zip(items, evaluated, strict=True):
        out[i] = r
    return tuple(r for r in out if r is not None)


def _evaluate_many(regimens: Sequence[Regimen], s: EvaluationSettings, indices: Sequence[int], notes: Sequence[str],
                   sources: Sequence[str], verifications: Sequence[str], batch: bool | None,
                   known: tuple[EvaluationSettings, Sequence[RowEvaluation | None]] | None = None,
                   ) -> list[RowEvaluation]:
    """:func:`_evaluate_batch` or :func:`evaluate_regimen` one by one (see :func:`evaluate_rows`'s ``batch``;
    ``known`` as its own, one per regimen, read by the batch only)."""
    if batch is None:
        batch = len(regimens) >= BATCH_MIN_ROWS
    if batch:
        return _evaluate_batch(regimens, s, indices, notes, sources, verifications, known)
    return [evaluate_regimen(r, s, i, note, source, verification)
            for r, i, note, source, verification in zip(regimens, indices, notes, sources, verifications, strict=True)]


def _sensitivity_key(s: EvaluationSettings) -> tuple[Any, ...]:
    """Every setting a row's line sensitivity depends on: :func:`line_sensitivities`' arguments after the regimens'
    arrays, in its order (:func:`_evaluate_batch` passes these, so the key cannot miss one): not the models shown,
    nor the tumour or organ alpha/beta, nor the EQDx reference dose."""
    return (s.flag, s.lq, s.lql, s.usc, tuple(s.alpha_beta_range_gy), tuple(s.line_regimen_fractions), s.time)


def _model_key(s: EvaluationSettings, name: str) -> tuple[Any, ...]:
    """Every setting :func:`_model_results` of model ``name`` depends on (its parameters, the time correction; LQ
    and LQ-L: the tumour alpha/beta, the organs' when it gives them, the EQDx reference dose)."""
    if name == "usc":
        return (s.usc, s.time)
    organs = s.organ_alpha_betas_gy if name in s.organ_models or name == "lq" else ()
    return (s.model(name), s.tumour_alpha_beta_gy, organs, s.reference_dose_gy, s.time)


def _reused(regimens: Sequence[Regimen], s: EvaluationSettings,
            known: tuple[EvaluationSettings, Sequence[RowEvaluation | None]] | None,
            ) -> tuple[list[Sensitivity] | None, dict[str, list[ModelResult]]]:
    """What :func:`_evaluate_batch` takes from ``known`` instead of computing it: the line sensitivities when the
    settings they depend on are the same (:func:`_sensitivity_key`), each model's results when its own are
    (:func:`_model_key`; a model the earlier settings computed: the ones shown, and LQ), for every row or none
    (every row's result known, valid, of an equal regimen: the same label, dose, fractions and overall time).

    Issue 21: a first switch of the app's table to another model (57 rows) computed again what the shown model had
    just computed: the sensitivities (~40 % of the rows' evaluation: the same for every model) and LQ's results
    (always computed: LQ stands in for the organs under the USC)."""
    if known is None:
        return None, {}
    before, results = known
    if len(results) != len(regimens) or not all(
            r is not None and r.valid and r.regimen == reg for r, reg in zip(results, regimens, strict=True)):
        return None, {}
    rows = [r for r in results if r is not None]
    sens: list[Sensitivity] | None = None
    if _sensitivity_key(before) == _sensitivity_key(s):
        found = [r.sensitivity for r in rows]
        sens = [x for x in found if x is not None]
        if len(sens) != len(rows):
            sens = None
    computed = dict.fromkeys((*before.models, "lq"))
    per_model = {m: [r.model(m) for r in rows] for m in dict.fromkeys((*s.models, "lq"))
                 if m in computed and _model_key(before, m) == _model_key(s, m)}
    return sens, per_model


def _evaluate_batch(regimens: Sequence[Regimen], s: EvaluationSettings, indices: Sequence[int],
                    notes: Sequence[str], sources: Sequence[str], verifications: Sequence[str],
                    known: tuple[EvaluationSettings, Sequence[RowEvaluation | None]] | None = None,
                    ) -> list[RowEvaluation]:
    """:func:`evaluate_regimen` of many regimens at once (see :func:`evaluate_rows`; ``known``: :func:`_reused`)."""
    import numpy as np

    from sbrt_calc.radiobiology.sensitivity import line_sensitivities
    from sbrt_calc.radiobiology.time import time_losses

    n = len(regimens)
    if n == 0:
        return []
    D = np.fromiter((r.total_dose_gy for r in regimens), np.float64, n)
    d = D / np.fromiter((r.fractions for r in regimens), np.float64, n)   # as Regimen.dose_per_fraction_gy
    dpf = d.tolist()
    losses = time_losses(regimens, s.time) if s.time is not None else None
    loss = np.array([x.bed_loss_gy for x in losses]) if losses is not None else np.zeros(n)
    bed10_raw = lq.bed(D, d, s.flag.alpha_beta_gy)
    bed10 = (bed10_raw - loss).tolist()
    errors: list[str | None] = [None] * n
    if losses is not None:
        lq_t = s.lq.bed(D, d, s.tumour_alpha_beta_gy).tolist()
        for i, (raw, t, x) in enumerate(zip(bed10_raw.tolist(), lq_t, losses, strict=True)):
            smallest = min(raw, t)
            if x.bed_loss_gy >= smallest:
                errors[i] = (f"time correction {x.bed_loss_gy:.3g} Gy is not smaller than the tumour BED "
                             f"{smallest:.3g} Gy: outside the model (overall time {x.overall_time_days:g} days)")
    known_sens, per_model = _reused(regimens, s, known)
    for m in dict.fromkeys((*s.models, "lq")):
        if m not in per_model:
            per_model[m] = _model_results(s, m, D, d, dpf, loss)
    sens = known_sens if known_sens is not None else line_sensitivities(
        [r.label for r in regimens], D, d, loss, *_sensitivity_key(s))
    usc_recalled = "usc" in s.models and radiobiology().usc.verification != "printed"
    out = []
    for i, reg in enumerate(regimens):
        if errors[i] is not None:
            out.append(RowEvaluation(indices[i], reg.label, reg, note=notes[i], source=sources[i],
                                     verification=verifications[i], error=str(errors[i])))
            continue
        caveats: list[Caveat] = regimen_caveats(reg.warnings)
        loss_i = losses[i] if losses is not None else None
        if loss_i is not None:
            caveats += loss_i.caveats
        results = tuple(per_model[m][i] for m in s.models)
        for r in results:
            caveats += [c for c in r.caveats if c not in caveats]
        if usc_recalled:
            caveats.append(caveat("usc_parameters_recalled",
                                  "USC parameters (alpha 0.33 /Gy, D0 1.25 Gy, Dq 1.8 Gy) are marked recalled: "
                                  "not read in Park 2008 itself"))
        b10 = bed10[i]
        out.append(RowEvaluation(
            index=indices[i], label=reg.label, regimen=reg, bed10_gy=b10, bed10_uncorrected_gy=float(bed10_raw[i]),
            flag_reached=s.flag.reached(b10), reference_reached=s.reference.reached(b10), models=results,
            lq=per_model["lq"][i], sensitivity=sens[i], time=loss_i, caveats=tuple(caveats), note=notes[i],
            source=sources[i], verification=verifications[i]))
    return out


def _case_line(shipped: Threshold, bed_gy: float) -> Threshold:
    """The shipped line moved to the case's value: its name says the case's line ("BED10 > 80 Gy (oligoprogressive
    lesions; case setting)"), its source keeps the shipped value and source for the record."""
    from dataclasses import replace

    if bed_gy == shipped.bed_gy:
        return shipped
    moved = replace(shipped, bed_gy=bed_gy)
    name = shipped.name
    name = (moved.label + name[len(shipped.label):]) if name.startswith(shipped.label) else f"{moved.label}: {name}"
    name = name[:-1] + "; case setting)" if name.endswith(")") else f"{name} (case setting)"
    return replace(moved, name=name, source=f"case setting; shipped {shipped.bed_gy:g} Gy: {shipped.source}",
                   verification="choice")


def settings_of(case_settings: Any) -> EvaluationSettings:
    """The :class:`EvaluationSettings` of a case's :class:`sbrt_calc.case.CaseSettings`."""

    from sbrt_calc.radiobiology.usc import UscParameters

    cs = case_settings
    rb = radiobiology()
    flag = rb.threshold("bed10_oligoprogression")
    ref = rb.threshold("bed10_primary_lung")
    flag = _case_line(flag, cs.flag_bed_gy)
    ref = _case_line(ref, cs.reference_bed_gy)
    time = None
    if cs.time_correction:
        time = time_correction(cs.kickoff_days, cs.bed_loss_per_day_gy)
    return EvaluationSettings(
        models=ALL_MODELS if cs.model == "all" else (cs.model,),
        tumour_alpha_beta_gy=cs.tumour_alpha_beta_gy, organ_alpha_betas_gy=(cs.organ_alpha_beta_gy,),
        flag=flag, reference=ref, lql=LQL(cs.lql_transition_dose_gy),
        usc=USC(UscParameters(cs.usc_alpha_per_gy, cs.usc_d0_gy, cs.usc_dq_gy)), time=time,
        reference_dose_gy=cs.reference_dose_gy)


def evaluate(case: Any, settings: EvaluationSettings | None = None, *, plan_check: Any = None,
             sections: bool = True, reirradiation: Any = None) -> Evaluation:
    """Evaluate a :class:`sbrt_calc.case.Case`: its rows, eligibility, planning and plan check, all under its
    settings (or ``settings``).

    Parameters
    ----------
    case : sbrt_calc.case.Case
    settings : EvaluationSettings, optional
        Instead of the case's own settings.
    plan_check : PlanCheckResult, optional
        A plan check already run on the case's ``plan_check`` inputs (the app's Plan check tab): used
        instead of reading the DICOM files again when its inputs are the case's.
    reirradiation : ReirradiationEvaluation, optional
        The case's re-irradiation already evaluated on the case's ``reirradiation`` inputs (the app's
        Re-irradiation view): used instead of reading the courses again when its inputs are the case's.
    sections : bool
        False evaluates the regimen rows only (``compare`` of the rows; the plot).

    The regimen rows know the planned site (the planning section's target site): where the flag line
    does not apply (spine, brain) each row's ``flag_applies`` is False and the faces show "n/a at this site".
    """
    from dataclasses import replace

    s = settings if settings is not None else settings_of(case.settings)
    rows = evaluate_rows(case.regimens, s)
    if not sections:
        return Evaluation(s, rows, case.title, case.identifier)
    from sbrt_calc.evaluation_sections import evaluate_sections

    parts = evaluate_sections(case, s, plan_check)
    site = parts.flag_at_site
    if site is not None and not site.applies:
        rows = tuple(replace(r, flag_applies=False) if r.valid else r for r in rows)
    notes = parts.notes
    reirr = None
    if getattr(case, "reirradiation", None) is not None:
        from sbrt_calc.evaluation_reirradiation import evaluate_reirradiation_section

        reirr = evaluate_reirradiation_section(case.reirradiation, reirradiation)
        if reirr is not None and reirr.error:
            notes = (*notes, reirr.error)
    return Evaluation(s, rows, case.title, case.identifier, parts.eligibility, parts.planning, parts.plan_check,
                      site, notes, reirr)


def evaluate_regimens(regimens: Sequence[Regimen], settings: EvaluationSettings | None = None,
                      title: str = "", *, batch: bool | None = None) -> Evaluation:
    """Evaluate plain regimens (the CLI's ``compare`` without a case file); ``batch`` as :func:`evaluate_rows`'s."""
    s = settings if settings is not None else EvaluationSettings()
    n = len(regimens)
    return Evaluation(s, tuple(_evaluate_many(regimens, s, range(n), [""] * n, [""] * n, [""] * n, batch)), title)


def require_valid(evaluation: Evaluation) -> None:
    """Raise the first row's error (SbrtCalcError) when a regimen could not be evaluated."""
    for r in evaluation.rows:
        if r.regimen is not None and r.error:
            raise SbrtCalcError(f"{r.label}: {r.error}", field="regimen", value=r.label,
                                allowed="a regimen inside the model's range")
