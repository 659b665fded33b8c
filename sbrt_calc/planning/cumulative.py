"""Re-irradiation of one organ: EQD2 of each course, their sum, and the published limits.

Each course is the dose *to the organ* (e.g. the thecal sac point maximum) in that course's
fractions. Its EQD2 at the organ's alpha/beta is (Fowler JF, Br J Radiol 1989;62:679-694)::

    EQD2 = D (d + alpha/beta) / (2 + alpha/beta)

Sahgal's nBED in Gy2/2 (Sahgal A et al., IJROBP 2012;82:107-116) is this EQD2 at alpha/beta 2 Gy.
The cumulative dose is the sum over courses. An optional recovery discount (a percentage taken
off the EQD2 of the earlier courses for the time elapsed) is the *user's assumption*: the
published limits (HyTEC 2019: cumulative thecal sac EQD2 Dmax <= 70 Gy, SBRT course <= 25 Gy,
SBRT/cumulative <= 0.5, interval >= 5 months; ``presets/reirradiation.toml``) were derived on
undiscounted sums, so they are checked on the undiscounted sum unless ``check_discounted=True``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.presets.loader import active_presets
from sbrt_calc.presets.model import PresetSet, ReirradiationLimit
from sbrt_calc.radiobiology.lq import eqd2
from sbrt_calc.regimen import Regimen, parse_regimen

#: alpha/beta (Gy) for spinal cord EQD2 by default (Sahgal 2012 nBED uses 2 Gy).
DEFAULT_CORD_ALPHA_BETA_GY = 2.0
#: An organ whose published re-irradiation limit is on a surrogate structure: the spinal cord's is
#: on the thecal sac (Sahgal A et al., IJROBP 2012;82:107-116; HyTEC 2019).
SURROGATES = {"SpinalCord": "SpinalCanal"}
SURROGATE_NOTE = ("{given} given: the published re-irradiation limit is on the thecal sac (TG-263 SpinalCanal), the "
                  "spinal cord's surrogate in Sahgal 2012 and HyTEC; enter the thecal sac point maximum of each course.")
#: The surrogate note when the limit's own note says the rest (the thecal sac limit's note repeats "the spinal cord's
#: surrogate ...; enter the thecal sac point maximum of each course": said once, in the limit's words).
SURROGATE_SHORT_NOTE = "{given} given: the re-irradiation limits are those of its surrogate, the thecal sac (TG-263 SpinalCanal)."


def organ_given(surrogate_note: str) -> str:
    """The organ name as the user gave it, from a :data:`SURROGATE_NOTE`."""
    return surrogate_note.split(" given:", 1)[0]


def resolve_reirradiation_organ(organ: str, presets: PresetSet | None = None) -> tuple[str, str]:
    """The organ whose re-irradiation limits apply, and a note ('' or why a surrogate is used).

    Matches TG-263 names and common spellings in any case (``spinalcord``, ``thecal sac``).

    Raises
    ------
    OrganError
        For an organ name no list knows, listing the known ones.
    """
    from sbrt_calc.planning.organs import ALIASES, match_organ

    ps = presets if presets is not None else active_presets()
    known = tuple(dict.fromkeys([r.organ for r in ps.reirradiation] + list(ALIASES)))
    name = match_organ(organ, known)
    limited = {r.organ for r in ps.reirradiation}
    if name not in limited and SURROGATES.get(name) in limited:
        return SURROGATES[name], SURROGATE_NOTE.format(given=organ)
    return name, ""


class CumulativeError(SbrtCalcError):
    """Bad input to the cumulative dose calculation."""


@dataclass(frozen=True)
class CourseDose:
    """One course's organ dose and its LQ EQD2 (and the EQD2 after any recovery discount)."""

    regimen: Regimen
    eqd2_gy: float
    discounted_eqd2_gy: float
    is_reirradiation: bool  # the last course: the one being planned

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.regimen.label, "total_dose_gy": self.regimen.total_dose_gy,
                "fractions": self.regimen.fractions, "dose_per_fraction_gy": self.regimen.dose_per_fraction_gy,
                "eqd2_gy": self.eqd2_gy, "discounted_eqd2_gy": self.discounted_eqd2_gy,
                "is_reirradiation": self.is_reirradiation}


@dataclass(frozen=True)
class LimitCheck:
    """One published limit against the computed value; ``passed`` None when not evaluable."""

    name: str
    value: float | None
    limit: float
    comparison: str
    unit: str
    passed: bool | None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "limit": self.limit, "comparison": self.comparison,
                "unit": self.unit, "passed": self.passed, "note": self.note}


@dataclass(frozen=True)
class CumulativeResult:
    """Courses, their EQD2 and sum, the recovery discount and the checks against the limits."""

    organ: str
    alpha_beta_gy: float
    courses: tuple[CourseDose, ...]
    total_eqd2_gy: float
    recovery_percent: float
    discounted_total_eqd2_gy: float
    checked_total_eqd2_gy: float
    interval_months: float | None
    limit: ReirradiationLimit | None
    checks: tuple[LimitCheck, ...]
    notes: tuple[str, ...]

    @property
    def passed(self) -> bool | None:
        """False if any limit is exceeded; None if no limit was checked or one was not evaluable."""
        if not self.checks:
            return None
        if any(c.passed is False for c in self.checks):
            return False
        if any(c.passed is None for c in self.checks):
            return None
        return True

    def as_dict(self) -> dict[str, Any]:
        return {
            "organ": self.organ, "alpha_beta_gy": self.alpha_beta_gy,
            "courses": [c.as_dict() for c in self.courses], "total_eqd2_gy": self.total_eqd2_gy,
            "recovery_percent": self.recovery_percent, "discounted_total_eqd2_gy": self.discounted_total_eqd2_gy,
            "checked_total_eqd2_gy": self.checked_total_eqd2_gy, "interval_months": self.interval_months,
            "limit": None if self.limit is None else {"key": self.limit.key, "name": self.limit.name,
                                                      "source": self.limit.source},
            "checks": [c.as_dict() for c in self.checks], "passed": self.passed, "notes": list(self.notes),
        }


def _number(name: str, value: Any, *, lo: float, hi: float | None = None, lo_inclusive: bool = True,
            label: str = "") -> float:
    bad = isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
    if not bad:
        bad = value < lo if lo_inclusive else value <= lo
        if hi is not None and value >= hi:
            bad = True
    if bad:
        allowed = f"a number {'>=' if lo_inclusive else '>'} {lo:g}" + (f" and < {hi:g}" if hi is not None else "")
        shown = f"{value:g}" if isinstance(value, float) else repr(value)
        raise CumulativeError(f"{label or name} must be {allowed}, got {shown}", field=name, value=value,
                              allowed=allowed)
    return float(value)


def cumulative_eqd2(
    courses: Sequence[Regimen | str],
    *,
    alpha_beta_gy: float | None = None,
    organ: str = "SpinalCord",
    recovery_percent: float = 0.0,
    interval_months: float | None = None,
    limit: ReirradiationLimit | str | None = "default",
    check_discounted: bool = False,
    presets: PresetSet | None = None,
) -> CumulativeResult:
    """EQD2 of each course to one organ, their sum and the check against re-irradiation limits.

    Parameters
    ----------
    courses : sequence of Regimen or str
        Organ dose per course, oldest first (``"20/5"``: 20 Gy to the organ in 5 fractions). The
        last course is the re-irradiation being planned.
    alpha_beta_gy : float, optional
        Organ alpha/beta, Gy; default the limit's (2 Gy for spinal cord, Sahgal 2012).
    organ : str
        TG-263 organ name or a common spelling, any case, used to pick the default limit
        (``SpinalCord`` and ``thecal sac`` both give the thecal sac limit, see :data:`SURROGATES`).
    recovery_percent : float
        Percentage (0 to < 100) taken off the EQD2 of the earlier courses for recovery over the
        interval; the user's assumption, no published default. 0 by default.
    interval_months : float, optional
        Months between the previous course and the planned one (checked against the limit's minimum).
    limit : ReirradiationLimit or str or None
        A limit, its key in the presets, ``"default"`` (the first limit for *organ*) or None (no check).
    check_discounted : bool
        Check the limits on the discounted sum instead of the undiscounted one (labelled).

    Returns
    -------
    CumulativeResult

    Raises
    ------
    CumulativeError
        For no course, a bad alpha/beta, recovery or interval, or an alpha/beta other than the limit's.
    OrganError
        For an unknown organ name (the known ones listed).
    RegimenError
        For a course that does not parse.
    """
    regs = [c if isinstance(c, Regimen) else parse_regimen(c) for c in courses]
    if not regs:
        raise CumulativeError("give at least one course (organ dose, e.g. 20/5)", field="courses", value=courses,
                              allowed="one or more regimens, oldest first")
    rec = _number("recovery_percent", recovery_percent, lo=0.0, hi=100.0, label="the recovery discount (%)")
    interval = None if interval_months is None else _number("interval_months", interval_months, lo=0.0,
                                                                  label="the interval (months)")
    organ, surrogate_note = resolve_reirradiation_organ(organ, presets)
    lim: ReirradiationLimit | None
    if isinstance(limit, ReirradiationLimit) or limit is None:
        lim = limit
    else:
        ps = presets if presets is not None else active_presets()
        if limit == "default":
            lim = next((r for r in ps.reirradiation if r.organ == organ), None)
        else:
            lim = ps.reirradiation_limit(limit)
    if alpha_beta_gy is None:
        ab = lim.alpha_beta_gy if lim is not None else DEFAULT_CORD_ALPHA_BETA_GY
    else:
        from sbrt_calc.errors import ModelParameterError
        from sbrt_calc.radiobiology.ranges import check_range

        try:   # the range every calculation applies
            ab = check_range("alpha_beta_gy", alpha_beta_gy, "alpha/beta")
        except ModelParameterError as exc:
            raise CumulativeError(exc.message, field="alpha_beta_gy", value=alpha_beta_gy,
                                  allowed=exc.allowed) from None
    if lim is not None and ab != lim.alpha_beta_gy:
        raise CumulativeError(
            f"the limits '{lim.key}' are EQD2 at alpha/beta {lim.alpha_beta_gy:g} Gy; checking EQD2 at "
            f"{ab:g} Gy against them would be wrong (drop --alpha-beta or use --limits none)",
            field="alpha_beta_gy", value=ab, allowed=f"{lim.alpha_beta_gy:g}")
    out: list[CourseDose] = []
    for i, r in enumerate(regs):
        e = float(eqd2(r.total_dose_gy, r.dose_per_fraction_gy, ab))
        last = i == len(regs) - 1
        disc = e if last or len(regs) == 1 else e * (1.0 - rec / 100.0)
        out.append(CourseDose(r, e, disc, last and len(regs) > 1))
    total = sum(c.eqd2_gy for c in out)
    disc_total = sum(c.discounted_eqd2_gy for c in out)
    checked = disc_total if check_discounted else total
    notes: list[str] = [surrogate_note] if surrogate_note else []
    if rec > 0:
        notes.append(f"Recovery discount {rec:g}% on earlier courses is the user's assumption (no published default "
                     f"here): discounted cumulative EQD2 {disc_total:.1f} Gy vs undiscounted {total:.1f} Gy.")
        if check_discounted:
            notes.append("Limits checked on the DISCOUNTED sum as asked; the published limits were derived on "
                         "undiscounted sums.")
        else:
            notes.append("Limits checked on the undiscounted sum, as they were derived.")
    checks: list[LimitCheck] = []
    if lim is not None:
        basis = "discounted" if check_discounted and rec > 0 else "undiscounted"
        checks.append(LimitCheck(f"cumulative EQD2 ({basis})", checked, lim.max_cumulative_eqd2_gy, "<=", "Gy",
                                 checked <= lim.max_cumulative_eqd2_gy))
        if len(out) > 1:
            new = out[-1].eqd2_gy
            if lim.max_reirradiation_course_eqd2_gy is not None:
                checks.append(LimitCheck("re-irradiation course EQD2", new, lim.max_reirradiation_course_eqd2_gy,
                                         "<=", "Gy", new <= lim.max_reirradiation_course_eqd2_gy))
            if lim.max_reirradiation_share is not None:
                share = new / checked if checked > 0 else 0.0
                checks.append(LimitCheck("re-irradiation share of cumulative", share, lim.max_reirradiation_share,
                                         "<=", "", share <= lim.max_reirradiation_share))
            if lim.min_interval_months is not None:
                if interval is None:
                    checks.append(LimitCheck("interval since previous course", None, lim.min_interval_months, ">=",
                                             "months", None, "not given: the interval in months since the previous course is needed"))
                else:
                    checks.append(LimitCheck("interval since previous course", interval, lim.min_interval_months,
                                             ">=", "months", interval >= lim.min_interval_months))
        else:
            notes.append("One course only: the re-irradiation checks (course share, interval) need two or more.")
        if lim.note:
            if surrogate_note and "enter the thecal sac point maximum" in lim.note and notes[0] == surrogate_note:
                notes[0] = SURROGATE_SHORT_NOTE.format(given=organ_given(surrogate_note))
            notes.append(lim.note)
    if any(c.regimen.dose_per_fraction_gy > 8.0 for c in out):
        notes.append("LQ is uncertain above about 8-10 Gy per fraction (Kirkpatrick JP et al., Semin Radiat Oncol "
                     "2008;18:240-243).")
    return CumulativeResult(organ, ab, tuple(out), total, rec, disc_total, checked, interval, lim, tuple(checks),
                            tuple(notes))
