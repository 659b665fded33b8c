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

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from sbrt_calc.radiobiology import lq
from sbrt_calc.vocabulary import DEPENDS_SHORT, VERDICT_SHORT  # noqa: F401 - re-exported (they lived here)

if TYPE_CHECKING:   # loaded with the first time correction (a start without one does without it)
    from sbrt_calc.radiobiology.time import TimeCorrection

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
    from sbrt_calc.radiobiology.time import default_overall_time_days, repopulation_bed_loss_gy

    t = default_overall_time_days(fractions) if overall_time_days is None else overall_time_days
    return float(repopulation_bed_loss_gy(t, time.kickoff_days, time.bed_loss_per_day_gy))


def _decided_by_rows(higher: Any, samples: int, nearest: int) -> list[str]:
    """What changes the reading, for each regimen (row of ``higher``, a numpy bool array): its columns are LQ at
    each alpha/beta of the grid, then LQ-L at each, then the USC (at its own alpha/beta); ``higher[r, i]``: regimen
    r is higher than every line regimen in case i. ``nearest``: the grid's alpha/beta nearest the USC's (the USC
    against LQ there). :func:`_decided_by_one` is the same for one regimen in plain Python."""
    import numpy as np

    lq_rows, lql_rows, usc = higher[:, :samples], higher[:, samples:2 * samples], higher[:, 2 * samples]
    by_alpha_beta = np.asarray((lq_rows.any(axis=1) & ~lq_rows.all(axis=1))
                               | (lql_rows.any(axis=1) & ~lql_rows.all(axis=1)))
    by_model = np.asarray(np.any(lq_rows != lql_rows, axis=1) | (usc != lq_rows[:, nearest]))
    return [_decided_by_word(ab, m) for ab, m in zip(by_alpha_beta.tolist(), by_model.tolist(), strict=True)]


def _decided_by_one(higher: Sequence[bool], samples: int, nearest: int) -> str:
    """:func:`_decided_by_rows` of one regimen (``higher`` a sequence of bools, one per case), without numpy."""
    lq_row, lql_row, usc = higher[:samples], higher[samples:2 * samples], higher[2 * samples]
    by_alpha_beta = (any(lq_row) and not all(lq_row)) or (any(lql_row) and not all(lql_row))
    by_model = any(a != b for a, b in zip(lq_row, lql_row, strict=True)) or usc != lq_row[nearest]
    return _decided_by_word(by_alpha_beta, by_model)


def _decided_by_word(by_alpha_beta: bool, by_model: bool) -> str:
    return "model_and_alpha_beta" if by_alpha_beta and by_model else ("alpha_beta" if by_alpha_beta else "model")


def _geomspace(lo: float, hi: float, num: int) -> tuple[float, ...]:
    """``numpy.geomspace(lo, hi, num)`` (lo, hi > 0) in plain Python, by numpy's own steps (log10, linspace of the
    exponents with numpy's step, 10 ** each, the ends set to ``lo`` and ``hi``). numpy's log10 and power may differ
    from the C library's by an ulp (SIMD), so the grid can differ from numpy's in the last bit for some ranges
    (not the shipped 5-20 Gy); both evaluation paths use this one grid."""
    log_lo, log_hi = math.log10(lo), math.log10(hi)
    div = num - 1
    delta = log_hi - log_lo
    step = delta / div if div > 0 else math.nan
    if div > 0 and step != 0:
        exps = [i * step + log_lo for i in range(num)]
    elif div > 0:
        exps = [i / div * delta + log_lo for i in range(num)]
    else:
        exps = [i * delta + log_lo for i in range(num)]
    if num > 1:
        exps[-1] = log_hi
    out = [10.0 ** e for e in exps]
    if num > 0:
        out[0] = lo
    if num > 1:
        out[-1] = hi
    return tuple(out)


def _argmin(values: Sequence[float]) -> int:
    """The index of the first smallest value (as ``numpy.argmin`` without NaN)."""
    return min(range(len(values)), key=values.__getitem__)


def _argmax(values: Sequence[float]) -> int:
    """The index of the first largest value (as ``numpy.argmax`` without NaN)."""
    return max(range(len(values)), key=values.__getitem__)


def _nearest(grid: Sequence[float], usc_alpha_beta_gy: float) -> int:
    """The grid's alpha/beta nearest the USC's, on a log scale (the USC against LQ at its alpha/beta)."""
    return _argmin([abs(math.log(g / usc_alpha_beta_gy)) for g in grid])


class _Cases:
    """What every regimen is compared with under one set of settings (computed once, not once per row, in plain
    Python): the tumour alpha/beta grid, the line regimens and their BED in each (model, alpha/beta) case. The
    batch path's numpy arrays of the same numbers are made when first asked for. (A plain class, not a dataclass:
    internal, never compared, and a frozen dataclass costs ~1 ms of the app's start to define.)"""

    lo: float
    hi: float
    grid: tuple[float, ...]
    refs: tuple[LineRegimen, ...]
    ref_loss: tuple[float, ...]
    theirs: tuple[tuple[float, ...], ...]   # (cases, line regimens): LQ at each alpha/beta, LQ-L at each, the USC
    ok: tuple[tuple[bool, ...], ...]        # theirs > 0: the cases where a ratio is defined
    names: tuple[str, ...]
    abs_: tuple[float | None, ...]
    labels: tuple[str, str, str]
    nearest: int
    counts: str
    where: str

    def __init__(self, **values: Any) -> None:
        for name in self.__annotations__:
            setattr(self, name, values.pop(name))
        if values:
            raise TypeError(f"unknown: {', '.join(values)}")

    @cached_property
    def grid_array(self) -> Any:
        """:attr:`grid` as a read-only float64 array (the batch path)."""
        return _frozen_array(self.grid)

    @cached_property
    def theirs_array(self) -> Any:
        """:attr:`theirs` as a read-only float64 array, shape (cases, line regimens)."""
        return _frozen_array(self.theirs)

    @cached_property
    def ok_array(self) -> Any:
        """:attr:`ok` as a read-only bool array."""
        return self.theirs_array > 0


def _frozen_array(values: Any) -> Any:
    import numpy as np

    out = np.array(values, dtype=np.float64)
    out.flags.writeable = False
    return out


@lru_cache(maxsize=32)
def _cases(line: Any, lq_model: Any, lql_model: Any, usc_model: Any, alpha_beta_range_gy: tuple[float, float],
           fractions: tuple[int, ...], time: TimeCorrection | None) -> _Cases:
    lo, hi = float(alpha_beta_range_gy[0]), float(alpha_beta_range_gy[1])
    grid = _geomspace(lo, hi, _SAMPLES)
    refs = line_regimens(line.bed_gy, line.alpha_beta_gy, fractions)
    ref_loss = tuple(_loss(r.fractions, None, time) for r in refs)
    ref_total = [r.total_dose_gy for r in refs]
    ref_d = [r.total_dose_gy / r.fractions for r in refs]
    names: list[str] = []
    abs_: list[float | None] = []
    theirs: list[tuple[float, ...]] = []
    for model in (lq_model, lql_model):
        theirs += [tuple(float(model.bed(t, d, ab)) - x for t, d, x in zip(ref_total, ref_d, ref_loss, strict=True))
                   for ab in grid]
        names += [model.label()] * len(grid)
        abs_ += list(grid)
    theirs.append(tuple(float(usc_model.bed(t, d)) - x for t, d, x in zip(ref_total, ref_d, ref_loss, strict=True)))
    names.append(usc_model.label())
    abs_.append(None)
    labels = (lq_model.label(), lql_model.label(), usc_model.label())
    return _Cases(lo=lo, hi=hi, grid=grid, refs=refs, ref_loss=ref_loss, theirs=tuple(theirs),
                  ok=tuple(tuple(x > 0 for x in row) for row in theirs), names=tuple(names), abs_=tuple(abs_),
                  labels=labels, nearest=_nearest(grid, float(usc_model.alpha_beta_gy)),
                  counts=", ".join(str(r.fractions) for r in refs),
                  where=f"under {', '.join(labels)} and tumour alpha/beta {lo:g}-{hi:g} Gy")


def _mine_one(c: _Cases, lq_model: Any, lql_model: Any, usc_model: Any, total_gy: float, dose_per_fraction_gy: float,
              own_loss_gy: float) -> list[float]:
    """One regimen's BED in every case (:func:`_mine` of one regimen, in plain Python)."""
    out = [float(model.bed(total_gy, dose_per_fraction_gy, ab)) - own_loss_gy
           for model in (lq_model, lql_model) for ab in c.grid]
    out.append(float(usc_model.bed(total_gy, dose_per_fraction_gy)) - own_loss_gy)
    return out


def _mine(c: _Cases, lq_model: Any, lql_model: Any, usc_model: Any, total_gy: Any, dose_per_fraction_gy: Any,
          own_loss_gy: Any) -> Any:
    """The regimens' BED in every case, shape (regimens, cases); the arguments are arrays of one value per
    regimen (or scalars for one)."""
    import numpy as np

    D = np.atleast_1d(np.asarray(total_gy, dtype=float))[:, None]
    d = np.atleast_1d(np.asarray(dose_per_fraction_gy, dtype=float))[:, None]
    loss = np.atleast_1d(np.asarray(own_loss_gy, dtype=float))[:, None]
    grid = c.grid_array[None, :]
    parts = [np.asarray(model.bed(D, d, grid), dtype=float) - loss for model in (lq_model, lql_model)]
    parts.append(np.asarray(usc_model.bed(D, d), dtype=float) - loss)
    return np.hstack(parts)


def _case(c: _Cases, row: int, col: int, a: float, b: float) -> dict[str, Any]:
    return {"model": c.names[row], "alpha_beta_gy": c.abs_[row], "line_regimen": c.refs[col].label,
            "regimen_bed_gy": a, "line_bed_gy": b}


def case_text(c: dict[str, Any]) -> str:
    """'LQ-L (d_T 6 Gy) at alpha/beta 5 Gy: 68.1 vs 70.3 Gy for 42.4 Gy/3' (the USC: at its own alpha/beta)."""
    ab = c["alpha_beta_gy"]
    return (f"{c['model']}" + (f" at alpha/beta {ab:.3g} Gy" if ab is not None else "")
            + f": {c['regimen_bed_gy']:.1f} vs {c['line_bed_gy']:.1f} Gy for {c['line_regimen']}")


def _sensitivity(c: _Cases, line: Any, label: str, verdict: str, worst: dict[str, Any], best: dict[str, Any],
                 ratio_min: float | None, ratio_max: float | None, decided_by: str | None) -> Sensitivity:
    """One regimen's :class:`Sensitivity` from its numbers (the one place its sentence is written): ``worst`` the
    least favourable case, ``best`` the most favourable (the (model, alpha/beta) row whose lowest margin over the
    line regimens is the highest: where the regimen comes closest to every line regimen, or clears them all by
    the most)."""
    case = case_text(worst)
    if verdict == "above":
        sentence = (f"{label} keeps a higher BED than every regimen sitting exactly on {line.label} "
                    f"({c.counts} fractions) {c.where}: the flag reading does not depend on the model "
                    f"(closest: {case}).")
    elif verdict == "below":
        sentence = (f"{label} has a lower BED than every regimen sitting exactly on {line.label} "
                    f"({c.counts} fractions) {c.where} (closest: {case}).")
    else:
        what = {"model": "the model", "alpha_beta": "the tumour alpha/beta",
                "model_and_alpha_beta": "the model and the tumour alpha/beta"}[str(decided_by)]
        sentence = (f"{label} is higher than the regimens sitting exactly on {line.label} ({c.counts} "
                    f"fractions) under some models and alpha/beta values and lower under others: the reading "
                    f"depends on {what} (least favourable: {case}; most favourable: {case_text(best)}).")
    return Sensitivity(verdict, line.label, c.refs, (c.lo, c.hi), c.labels, ratio_min, ratio_max, worst, sentence,
                       decided_by, best)


def line_sensitivity(regimen: Any, line: Any, lq_model: Any, lql_model: Any, usc_model: Any,
                     alpha_beta_range_gy: tuple[float, float], fractions: Sequence[int],
                     time: TimeCorrection | None = None) -> Sensitivity:
    """The relative check of ``regimen`` against the regimens on ``line`` (see the module docstring).

    One regimen at a time, in plain Python (no numpy): the reference for :func:`line_sensitivities`, which checks
    many at once with numpy and gives the same numbers."""
    c = _cases(line, lq_model, lql_model, usc_model, tuple(alpha_beta_range_gy), tuple(fractions), time)
    D, d, n = regimen.total_dose_gy, regimen.dose_per_fraction_gy, regimen.fractions
    own_loss = _loss(n, regimen.overall_time_days, time)
    # rows: (model, alpha/beta) cases; columns: line regimens
    mine = _mine_one(c, lq_model, lql_model, usc_model, D, d, own_loss)
    theirs = c.theirs
    diff = [[m - t for t in row] for m, row in zip(mine, theirs, strict=True)]
    flat = [x for row in diff for x in row]
    verdict = "above" if all(x > 0 for x in flat) else ("below" if all(x < 0 for x in flat) else "depends")
    ratios = [m / t for m, row, ok in zip(mine, theirs, c.ok, strict=True)
              for t, o in zip(row, ok, strict=True) if o]
    k = _argmin(flat) if verdict != "below" else _argmax(flat)
    row_k, col_k = divmod(k, len(theirs[0]))
    decided_by = None
    if verdict == "depends":
        decided_by = _decided_by_one([all(x > 0 for x in row) for row in diff], len(c.grid), c.nearest)
    row_b = _argmax([min(row) for row in diff])
    col_b = _argmin(diff[row_b])
    return _sensitivity(c, line, regimen.label, verdict,
                        _case(c, row_k, col_k, mine[row_k], theirs[row_k][col_k]),
                        _case(c, row_b, col_b, mine[row_b], theirs[row_b][col_b]),
                        min(ratios) if ratios else None, max(ratios) if ratios else None, decided_by)


def line_sensitivities(labels: Sequence[str], total_gy: Any, dose_per_fraction_gy: Any, own_loss_gy: Any,
                       line: Any, lq_model: Any, lql_model: Any, usc_model: Any, alpha_beta_range_gy: tuple[float, float], fractions: Sequence[int],
                       time: TimeCorrection | None = None) -> list[Sensitivity]:
    """:func:`line_sensitivity` of many regimens at once (arrays of one value per regimen: total dose, dose per
    fraction and the BED each loses to repopulation, 0 without the time correction); the same numbers, computed
    together (numpy over the regimens) and checked once per array."""
    import numpy as np

    if len(labels) == 0:
        return []
    c = _cases(line, lq_model, lql_model, usc_model, tuple(alpha_beta_range_gy), tuple(fractions), time)
    mine2 = _mine(c, lq_model, lql_model, usc_model, total_gy, dose_per_fraction_gy, own_loss_gy)
    theirs, ok = c.theirs_array, c.ok_array
    cols = theirs.shape[1]
    mine = np.broadcast_to(mine2[:, :, None], (len(labels), *theirs.shape))
    diff = (mine - theirs[None, :, :]).reshape(len(labels), -1)
    above = np.all(diff > 0, axis=1)
    below = np.all(diff < 0, axis=1)
    k = np.where(below, np.argmax(diff, axis=1), np.argmin(diff, axis=1))
    rows_k, cols_k = np.divmod(k, cols)
    n = np.arange(len(labels))
    a = mine2[n, rows_k]
    b = theirs[rows_k, cols_k]
    diff3 = diff.reshape(len(labels), *theirs.shape)
    rows_b = np.argmax(diff3.min(axis=2), axis=1)
    cols_b = np.argmin(diff3[n, rows_b], axis=1)
    a_b = mine2[n, rows_b]
    b_b = theirs[rows_b, cols_b]
    if np.any(ok):
        ratios = mine[:, ok] / theirs[ok]
        rmin: list[float | None] = ratios.min(axis=1).tolist()
        rmax: list[float | None] = ratios.max(axis=1).tolist()
    else:
        rmin = rmax = [None] * len(labels)
    depends = ~(above | below)
    decided: list[str | None] = [None] * len(labels)
    if np.any(depends):
        higher = np.all(diff3 > 0, axis=2)[depends]
        for i, by in zip(np.flatnonzero(depends).tolist(), _decided_by_rows(higher, len(c.grid), c.nearest),
                         strict=True):
            decided[i] = by
    verdicts = np.where(above, "above", np.where(below, "below", "depends")).tolist()
    worst = [_case(c, *x) for x in zip(rows_k.tolist(), cols_k.tolist(), a.tolist(), b.tolist(), strict=True)]
    best = [_case(c, *x) for x in zip(rows_b.tolist(), cols_b.tolist(), a_b.tolist(), b_b.tolist(), strict=True)]
    return [_sensitivity(c, line, label, v, w, bb, lo, hi, by) for label, v, w, bb, lo, hi, by
            in zip(labels, verdicts, worst, best, rmin, rmax, decided, strict=True)]
