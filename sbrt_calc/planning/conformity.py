"""Conformity and dose fall-off of a lung SBRT plan against the RTOG 0915/0813 table.

The table (``presets/conformity_rtog0915.toml``) gives, at 11 PTV volumes from 1.8 to 163 cc,
the largest R50% and D2cm (maximum dose 2 cm from the PTV, % of prescription) with no deviation
and with a minor deviation; R100% limits do not depend on volume. Between rows the limits are
interpolated linearly in PTV volume (``numpy.interp``). Outside the table's range the protocol
gives no limit: the result says so, does not grade R50%/D2cm, and shows the end row for
reference only; it never extrapolates silently.

Sources: RTOG 0915 (Videtic GM et al., IJROBP 2015;93:757-764) and RTOG 0813 (Bezjak A et al.,
J Clin Oncol 2019;37:1316-1325) conformity tables, as encoded in lixinzhan/PlanQA_Plugin
(whose own interpolation lacks the (x - x0) factor; this one does not).

The table was derived for lung tumours in lung: for another target site (``site``) it is shown
as a reference with that caveat and not used to fail a plan. Measurements physics does not
allow are refused (:func:`check_measurements`): R50% below 1 (the 50% isodose volume contains
the PTV it covers), R100% <= 0, D2cm outside (0, 100] % of the prescription, PTV volume <= 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.presets.loader import active_presets
from sbrt_calc.presets.model import ConformityRow, ConformityTable, PresetSet
from sbrt_calc.vocabulary import LUNG_SITES  # where the RTOG 0915/0813 table applies: lung tumours in lung

GRADES = ("none", "minor", "major", "not graded", "under-coverage")
#: Below this R100% (or R50%) the PTV V100% is below 95 % whatever the plan (V100% <= 100 x R).
UNDER_COVERAGE_FAIL_RATIO = 0.95


class PlanCheckError(SbrtCalcError):
    """A plan-check input that cannot be used (not a number, or a value physics does not allow)."""


#: What a person may type for each measurement: (lowest, lowest included?, highest or None, the reason).
#: Computed values are not range-checked (they are graded): R50% < 1 and D2cm > 100 % are measurements.
PHYSICAL_RANGES: dict[str, tuple[float, bool, float | None, str]] = {
    "ptv_cc": (0.0, False, None, "a volume is > 0 cm3"),
    "r50": (0.0, False, None, "V50%/PTV is a ratio of volumes, > 0 (below 1 means under-coverage)"),
    "r100": (0.0, False, None, "V100%/PTV is a ratio of volumes, > 0 (below 1 means under-coverage)"),
    "d2cm_percent": (0.0, False, None, "a dose in % of the prescription, > 0 (above 100 % with a second lesion "
                                       "nearby)"),
}
_NAMES = {"ptv_cc": "PTV volume", "r50": "R50%", "r100": "R100%", "d2cm_percent": "D2cm"}


@dataclass(frozen=True)
class MetricGrade:
    """One metric: its value, the interpolated limits and the deviation grade.

    ``grade`` is ``"none"`` (within the no-deviation limit), ``"minor"``, ``"major"``,
    ``"not graded"`` (PTV volume outside the table; then the limits are None) or
    ``"under-coverage"`` (R100% or R50% below 1).
    """

    metric: str
    value: float | None
    limit_none: float | None
    limit_minor: float | None
    comparison: str
    grade: str | None
    unit: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "value": self.value, "limit_none": self.limit_none,
                "limit_minor": self.limit_minor, "comparison": self.comparison, "grade": self.grade,
                "unit": self.unit}


@dataclass(frozen=True)
class PlanGrade:
    """Result of :func:`grade_plan`."""

    ptv_cc: float
    in_table_range: bool
    message: str
    metrics: tuple[MetricGrade, ...]
    table: ConformityTable
    bracket: tuple[ConformityRow, ConformityRow] | None  # the rows interpolated between
    reference_row: ConformityRow | None  # end row shown for reference when out of range
    site: str | None = None
    applies: bool = True  # False: the target is not a lung tumour in lung; the table is a reference
    caveat: str = ""
    r100_band: str = ""

    @property
    def worst_grade(self) -> str | None:
        """Worst grade among the metrics given (None when no value was given)."""
        grades = [m.grade for m in self.metrics if m.value is not None and m.grade is not None]
        for g in ("under-coverage", "not graded", "major", "minor", "none"):
            if g in grades:
                return g
        return None

    def metric(self, name: str) -> MetricGrade:
        return next(m for m in self.metrics if m.metric == name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ptv_cc": self.ptv_cc, "in_table_range": self.in_table_range, "message": self.message,
            "table": self.table.key, "source": self.table.source,
            "table_range_cc": [self.table.rows[0].ptv_cc, self.table.rows[-1].ptv_cc],
            "metrics": [m.as_dict() for m in self.metrics], "worst_grade": self.worst_grade,
            "reference_row": None if self.reference_row is None else vars(self.reference_row),
            "site": self.site, "applies": self.applies, "caveat": self.caveat, "r100_band": self.r100_band,
        }


def check_measurement(name: str, value: float | None) -> float | None:
    """A *typed* ``value`` as a float if it is in range for ``name`` (:data:`PHYSICAL_RANGES`); None stays None.

    Computed values do not pass through here: :func:`grade_plan` grades them (``measured=True``).

    Raises
    ------
    PlanCheckError
        Naming the value and what is allowed (one line).
    """
    if value is None:
        return None
    lo, lo_inclusive, hi, why = PHYSICAL_RANGES[name]
    allowed = f"{'>=' if lo_inclusive else '>'} {lo:g}" + (f" and <= {hi:g}" if hi is not None else "")
    label = _NAMES.get(name, name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PlanCheckError(f"{label} must be a finite number {allowed}, got {value!r}", field=name, value=value,
                             allowed=allowed)
    x = float(value)
    if x < lo or (x == lo and not lo_inclusive) or (hi is not None and x > hi):
        raise PlanCheckError(f"{label} {value!r} is out of range: it must be {allowed} ({why})", field=name,
                             value=value, allowed=allowed)
    return x


_positive = check_measurement


def _measured(name: str, value: float | None) -> float | None:
    """A computed value: any finite number (graded, never refused); a PTV volume must still be > 0."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PlanCheckError(f"{_NAMES.get(name, name)} must be a finite number, got {value!r}", field=name,
                             value=value, allowed="a finite number")
    if name == "ptv_cc" and value <= 0:
        return check_measurement(name, value)
    return float(value)


def metric_status(m: MetricGrade, applies: bool = True) -> str:
    """The verdict of one graded metric: 'pass', 'warning' (minor deviation, or under-coverage that
    the coverage criterion still decides), 'fail', 'incomplete' (not graded) or 'n/a' (the table is a
    reference at this site, or no value)."""
    if m.value is None or m.grade is None:
        return "n/a"
    if m.grade == "under-coverage":
        return "fail" if m.value < UNDER_COVERAGE_FAIL_RATIO else "warning"
    if not applies:
        return "n/a"
    return {"none": "pass", "minor": "warning", "major": "fail", "not graded": "incomplete"}[m.grade]


def _grade(value: float | None, none: float | None, minor: float | None, strict: bool,
           under: bool = False) -> str | None:
    if value is None:
        return None
    if under and value < 1.0:
        return "under-coverage"
    if none is None or minor is None:
        return "not graded"
    within = (lambda v, lim: v < lim) if strict else (lambda v, lim: v <= lim)
    if within(value, none):
        return "none"
    if within(value, minor):
        return "minor"
    return "major"


def interpolate_limits(table: ConformityTable, ptv_cc: float) -> dict[str, float] | None:
    """R50%/D2cm limits at *ptv_cc*, linear in PTV volume between rows; None outside the table."""
    rows = table.rows
    if not rows[0].ptv_cc <= ptv_cc <= rows[-1].ptv_cc:
        return None
    xs = np.array([r.ptv_cc for r in rows])
    out = {}
    for name in ("r50_none", "r50_minor", "d2cm_percent_none", "d2cm_percent_minor"):
        out[name] = float(np.interp(ptv_cc, xs, np.array([getattr(r, name) for r in rows])))
    return out


def grade_plan(ptv_cc: float, r50: float | None = None, d2cm_percent: float | None = None,
               r100: float | None = None, *, table: ConformityTable | None = None,
               presets: PresetSet | None = None, site: str | None = None, measured: bool = False) -> PlanGrade:
    """Grade a plan's conformity and fall-off against the RTOG 0915/0813 table.

    Parameters
    ----------
    ptv_cc : float
        PTV volume, cm^3.
    r50 : float, optional
        R50%: volume of the 50% prescription isodose / PTV volume.
    d2cm_percent : float, optional
        D2cm: maximum dose 2 cm from the PTV, % of the prescription dose.
    r100 : float, optional
        R100%: volume of the prescription isodose / PTV volume.
    table : ConformityTable, optional
        Default: ``rtog0915`` from the presets.
    site : str, optional
        The target site (``lung_central``, ``bone``, ...). Outside :data:`LUNG_SITES` the table is
        shown as a reference with that caveat (``applies`` False); None: not given (caveat only).
    measured : bool
        True for values computed from a dose grid: graded whatever they are (D2cm above 100 %, R50%
        below 1); False (typed values): range-checked by :func:`check_measurement`.

    Returns
    -------
    PlanGrade
        The limits (interpolated), a grade per metric (none / minor / major / not graded) and
        ``in_table_range`` with a message.

    Raises
    ------
    PlanCheckError
        If a value is not a number, or (typed values) out of range (:data:`PHYSICAL_RANGES`).
    """
    check = _measured if measured else _positive
    v = check("ptv_cc", ptv_cc)
    assert v is not None
    r50_v = check("r50", r50)
    d2_v = check("d2cm_percent", d2cm_percent)
    r100_v = check("r100", r100)
    t = table if table is not None else (presets or active_presets()).conformity_table("rtog0915")
    lo, hi = t.rows[0], t.rows[-1]
    limits = interpolate_limits(t, v)
    bracket = None
    reference = None
    if limits is None:
        reference = lo if v < lo.ptv_cc else hi
        side = "below" if v < lo.ptv_cc else "above"
        starts = f"the table starts at {lo.ptv_cc:g} cc" if v < lo.ptv_cc else f"the table ends at {hi.ptv_cc:g} cc"
        message = (f"PTV {v:g} cc is {side} the table's range ({lo.ptv_cc:g}-{hi.ptv_cc:g} cc; {starts}): {t.name} gives no "
                   f"R50%/D2cm limit there, so they are not graded (no extrapolation). The {reference.ptv_cc:g} cc "
                   f"row (R50% {reference.r50_none:g}/{reference.r50_minor:g}, D2cm {reference.d2cm_percent_none:g}/"
                   f"{reference.d2cm_percent_minor:g} %) is shown for reference only.")
        limits_d: dict[str, float | None] = dict.fromkeys(
            ("r50_none", "r50_minor", "d2cm_percent_none", "d2cm_percent_minor"))
    else:
        limits_d = dict(limits)
        i = int(np.searchsorted([r.ptv_cc for r in t.rows], v, side="left"))
        if i < len(t.rows) and t.rows[i].ptv_cc == v:
            message = f"PTV {v:g} cc is a row of the table ({t.name})."
        else:
            bracket = (t.rows[i - 1], t.rows[i])
            message = (f"PTV {v:g} cc: limits interpolated linearly between the {bracket[0].ptv_cc:g} cc and "
                       f"{bracket[1].ptv_cc:g} cc rows ({t.name}).")
    strict_r100 = t.r100_comparison == "<"
    metrics = (
        MetricGrade("R50%", r50_v, limits_d["r50_none"], limits_d["r50_minor"], "<=",
                    _grade(r50_v, limits_d["r50_none"], limits_d["r50_minor"], False, under=True)),
        MetricGrade("D2cm", d2_v, limits_d["d2cm_percent_none"], limits_d["d2cm_percent_minor"], "<=",
                    _grade(d2_v, limits_d["d2cm_percent_none"], limits_d["d2cm_percent_minor"], False), "%"),
        MetricGrade("R100%", r100_v, t.r100_none, t.r100_minor, t.r100_comparison,
                    _grade(r100_v, t.r100_none, t.r100_minor, strict_r100, under=True)),
    )
    applies = site is None or site in LUNG_SITES
    if site is None:
        caveat = ("Target site not given: the table was derived for lung tumours in lung (RTOG 0915/0813); check "
                  "that this is one.")
    elif applies:
        caveat = ""
    else:
        caveat = (f"Target site {site.replace('_', ' ')}: the RTOG 0915/0813 table was derived for lung tumours in "
                  "lung, so for this site it is shown as a reference only, not as a limit.")
    if strict_r100:
        band = (f"R100%: < {t.r100_none:g} no deviation; {t.r100_none:g} to < {t.r100_minor:g} minor; "
                f"{t.r100_minor:g} or more major")
    else:
        band = (f"R100%: <= {t.r100_none:g} no deviation; above {t.r100_none:g} to {t.r100_minor:g} minor; above "
                f"{t.r100_minor:g} major")
    band += (" (one band for every PTV volume and for both arms of RTOG 0915, 34 Gy/1 and "
            "48 Gy/4, as the table gives it).")
    return PlanGrade(v, limits is not None, message, metrics, t, bracket, reference, site, applies, caveat, band)
