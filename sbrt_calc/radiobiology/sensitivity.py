"""How much the BED10 flag reading depends on the model and the tumour alpha/beta: a relative check.

The BED10 > 70 Gy line is defined in LQ BED at alpha/beta 10 from the prescription. A BED under
LQ-L, the USC or another alpha/beta is another quantity, so it is never compared with 70 Gy.
What *can* be compared across models is regimens with each other. The check therefore asks, in one
sentence a resident can repeat:

    "Compared with the regimens that sit exactly on the line in 3, 5 and 8 fractions, does this
    regimen keep a higher BED under every model (LQ, LQ-L, USC) and tumour alpha/beta 5-20 Gy?"

- ``above``: higher than every line regimen under every model and alpha/beta: the flag reading
  does not depend on the model or the alpha/beta;
- ``below``: lower under every model and alpha/beta;
- ``depends``: higher under some, lower under others; the sentence names the least favourable case.
  The short form says what decides (``decided_by``): "depends on model" when the reading changes only
  between models, "depends on α/β" when it changes only with the tumour alpha/beta (within each model,
  the models agreeing at each alpha/beta), "depends on both" (model and α/β, the column's two words) when
  both do.

This is the isoeffect comparison the models are built for (a model's BED ranks fractionations; its
absolute value is not calibrated against clinical lines): Fowler JF, Br J Radiol 1989;62:679;
Park C et al., IJROBP 2008;70:847 (the USC as a tool to compare ablative regimens). The fraction
counts and the alpha/beta range live in presets/radiobiology.toml ([uncertainty]). When the time
correction is on, both sides are corrected the same way (each with its own overall time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sbrt_calc.radiobiology import lq
from sbrt_calc.radiobiology.time import TimeCorrection, default_overall_time_days, repopulation_bed_loss_gy
from sbrt_calc.vocabulary import DEPENDS_SHORT, VERDICT_SHORT  # noqa: F401 - re-exported (they lived here)

_SAMPLES = 16


@dataclass(frozen=True)
class LineRegimen:
    """A regimen sitting exactly on the line in ``fractions`` (LQ BED at the line's alpha/beta)."""

    fractions: int
    total_dose_gy: float

    @property
    def label(self) -> str:
        return f"{self.total_dose_gy:.1f} Gy/{self.fractions}"


@dataclass(frozen=True)
class Sensitivity:
    """The relative check of one regimen (see the module docstring)."""

    verdict: str                      # "above" | "below" | "depends"
    line_label: str                   # "BED10 > 70 Gy"
    line_regimens: tuple[LineRegimen, ...]
    alpha_beta_range_gy: tuple[float, float]
    model_labels: tuple[str, ...]
    ratio_min: float | None           # regimen BED / line-regimen BED, over every case
    ratio_max: float | None
    worst: dict[str, Any]             # the least favourable case: model, alpha/beta, line regimen, both BEDs
    sentence: str
    #: What changes the reading when it depends: "model" (only between models), "alpha_beta" (only the
    #: tumour alpha/beta), "model_and_alpha_beta" (both); None when it does not depend.
    decided_by: str | None = None
    #: The most favourable case (model, alpha/beta, line regimen, both BEDs): where the regimen comes closest to
    #: the line regimens or is highest above them (issue 21: a row that does not reach the flag line names it).
    best: dict[str, Any] | None = None

    @property
    def short(self) -> str:
        if self.verdict == "depends" and self.decided_by in DEPENDS_SHORT:
            return DEPENDS_SHORT[self.decided_by]
        return VERDICT_SHORT[self.verdict]

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "line": self.line_label,
            "line_regimens": [{"fractions": r.fractions, "total_dose_gy": r.total_dose_gy} for r in self.line_regimens],
            "alpha_beta_range_gy": list(self.alpha_beta_range_gy),
            "models": list(self.model_labels),
            "bed_ratio_min": self.ratio_min,
            "bed_ratio_max": self.ratio_max,
            "least_favourable": self.worst,
            "sentence": self.sentence,
            "decided_by": self.decided_by,
            "most_favourable": self.best,
        }


def line_regimens(line_bed_gy: float, alpha_beta_gy: float, fractions: Sequence[int]) -> tuple[LineRegimen, ...]:
    """The regimens whose LQ BED at ``alpha_beta_gy`` equals ``line_bed_gy`` in each fraction count."""
    out = []
    for n in fractions:
        d = float(lq.dose_per_fraction_for_bed(line_bed_gy, n, alpha_beta_gy))
        out.append(LineRegimen(int(n), d * n))
    return tuple(out)


def _loss(fractions: int, overall_time_days: float | None, time: TimeCorrection | None) -> float:
    if time is None:
        return 0.0
    t = default_overall_time_days(fractions) if overall_time_days is None else overall_time_days
    return float(repopulation_bed_loss_gy(t, time.kickoff_days, time.bed_loss_per_day_gy))


def _decided_by(higher: np.ndarray, samples: int, grid: np.ndarray, usc_alpha_beta_gy: float) -> str:
    """What changes the reading: rows are LQ at each alpha/beta of ``grid``, then LQ-L at each, then the USC
    (at its own alpha/beta). ``higher[i]``: the regimen is higher than every line regimen in row i."""
    lq_rows, lql_rows, usc = higher[:samples], higher[samples:2 * samples], bool(higher[2 * samples])
    by_alpha_beta = len(set(lq_rows.tolist())) > 1 or len(set(lql_rows.tolist())) > 1
    nearest = int(np.argmin(np.abs(np.log(grid / usc_alpha_beta_gy))))     # the USC against LQ at its alpha/beta
    by_model = bool(np.any(lq_rows != lql_rows)) or usc != bool(lq_rows[nearest])
    if by_alpha_beta and by_model:
        return "model_and_alpha_beta"
    return "alpha_beta" if by_alpha_beta else "model"


def line_sensitivity(regimen: Any, line: Any, lq_model: Any, lql_model: Any, usc_model: Any,
                     alpha_beta_range_gy: tuple[float, float], fractions: Sequence[int],
                     time: TimeCorrection | None = None) -> Sensitivity:
    """The relative check of ``regimen`` against the regimens on ``line`` (see the module docstring)."""
    lo, hi = float(alpha_beta_range_gy[0]), float(alpha_beta_range_gy[1])
    grid = np.geomspace(lo, hi, _SAMPLES)
    refs = line_regimens(line.bed_gy, line.alpha_beta_gy, fractions)
    D, d, n = regimen.total_dose_gy, regimen.dose_per_fraction_gy, regimen.fractions
    own_loss = _loss(n, regimen.overall_time_days, time)
    ref_loss = np.array([_loss(r.fractions, None, time) for r in refs])
    ref_total = np.array([r.total_dose_gy for r in refs])
    ref_d = ref_total / np.array([r.fractions for r in refs])
    # rows: (model, alpha/beta) cases; columns: line regimens
    names: list[str] = []
    abs_: list[float | None] = []
    mine_rows, theirs_rows = [], []
    for model in (lq_model, lql_model):
        mine_rows.append(np.asarray(model.bed(D, d, grid), dtype=float)[:, None] - own_loss)
        theirs_rows.append(np.asarray(model.bed(ref_total[None, :], ref_d[None, :], grid[:, None]), dtype=float)
                           - ref_loss[None, :])
        names += [model.label()] * len(grid)
        abs_ += [float(x) for x in grid]
    mine_rows.append(np.array([[float(usc_model.bed(D, d)) - own_loss]]))
    theirs_rows.append((np.asarray(usc_model.bed(ref_total, ref_d), dtype=float) - ref_loss)[None, :])
    names.append(usc_model.label())
    abs_.append(None)
    mine = np.vstack([np.broadcast_to(m, tr.shape) for m, tr in zip(mine_rows, theirs_rows, strict=True)])
    theirs = np.vstack(theirs_rows)
    diff = mine - theirs
    verdict = "above" if bool(np.all(diff > 0)) else ("below" if bool(np.all(diff < 0)) else "depends")
    ok = theirs > 0
    ratios = (mine[ok] / theirs[ok]) if np.any(ok) else np.empty(0)
    k = int(np.argmin(diff)) if verdict != "below" else int(np.argmax(diff))
    row_k, col_k = divmod(k, diff.shape[1])
    m, ab, ref, a, b = names[row_k], abs_[row_k], refs[col_k], float(mine[row_k, col_k]), float(theirs[row_k, col_k])
    worst = {"model": m, "alpha_beta_gy": ab, "line_regimen": ref.label, "regimen_bed_gy": a, "line_bed_gy": b}
    # the most favourable case: the (model, alpha/beta) row whose lowest margin over the line regimens is the
    # highest (where the regimen comes closest to every line regimen, or clears them all by the most)
    row_b = int(np.argmax(diff.min(axis=1)))
    col_b = int(np.argmin(diff[row_b]))
    best = {"model": names[row_b], "alpha_beta_gy": abs_[row_b], "line_regimen": refs[col_b].label,
            "regimen_bed_gy": float(mine[row_b, col_b]), "line_bed_gy": float(theirs[row_b, col_b])}
    labels = (lq_model.label(), lql_model.label(), usc_model.label())
    counts = ", ".join(str(r.fractions) for r in refs)
    where = f"under {', '.join(labels)} and tumour alpha/beta {lo:g}-{hi:g} Gy"
    case = case_text(worst)
    if verdict == "above":
        sentence = (f"{regimen.label} keeps a higher BED than every regimen sitting exactly on {line.label} "
                    f"({counts} fractions) {where}: the flag reading does not depend on the model "
                    f"(closest: {case}).")
    elif verdict == "below":
        sentence = (f"{regimen.label} has a lower BED than every regimen sitting exactly on {line.label} "
                    f"({counts} fractions) {where} (closest: {case}).")
    decided_by = None
    if verdict == "depends":
        decided_by = _decided_by(np.all(diff > 0, axis=1), len(grid), grid, float(usc_model.alpha_beta_gy))
        what = {"model": "the model", "alpha_beta": "the tumour alpha/beta",
                "model_and_alpha_beta": "the model and the tumour alpha/beta"}[decided_by]
        sentence = (f"{regimen.label} is higher than the regimens sitting exactly on {line.label} ({counts} "
                    f"fractions) under some models and alpha/beta values and lower under others: the reading "
                    f"depends on {what} (least favourable: {case}; most favourable: {case_text(best)}).")
    return Sensitivity(verdict, line.label, refs, (lo, hi), labels,
                       float(ratios.min()) if ratios.size else None, float(ratios.max()) if ratios.size else None,
                       worst, sentence, decided_by, best)


def case_text(c: dict[str, Any]) -> str:
    """'LQ-L (d_T 6 Gy) at alpha/beta 5 Gy: 68.1 vs 70.3 Gy for 42.4 Gy/3' (the USC: at its own alpha/beta)."""
    ab = c["alpha_beta_gy"]
    return (f"{c['model']}" + (f" at alpha/beta {ab:.3g} Gy" if ab is not None else "")
            + f": {c['regimen_bed_gy']:.1f} vs {c['line_bed_gy']:.1f} Gy for {c['line_regimen']}")
