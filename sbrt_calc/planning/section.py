"""The planning inputs of a saved case (section ``"planning"``) and the tables computed from them.

Qt-free: the desktop app edits a :class:`PlanningInputs`, saves :meth:`PlanningInputs.to_dict`
in the case file, and shows :func:`report_tables`; ``sbrt-calc report`` reads the same section
and prints the same tables. Format (``docs/case-format.md``)::

    "planning": {
      "constraint_set": "tg101",        # a constraint set key (presets/constraints_*.toml)
      "fractions": null,                 # whole number 1-100, or null: those of "regimen"
      "regimen": "36/3",                 # the regimen planned (any regimen text), or null
      "lesion": 0,                       # index in eligibility.case.lesions, or null
      "site": "lung_central",            # the target site (TARGET_SITES), or null: not given
      "ptv_cc": 20.0, "r50": 4.1, "d2cm_percent": 55.0, "r100": 1.1,   # numbers > 0 or null
      "cumulative": {                    # or null: no previous irradiation at this site
        "organ": "SpinalCord", "courses": ["30/10", "24/2"],   # organ dose per course, oldest first
        "alpha_beta_gy": null, "interval_months": 8.0, "recovery_percent": 0.0
      }
    }

Every key is optional (defaults above, ``constraint_set`` "tg101"); loading is strict: an
unknown key or a bad value is a :class:`~sbrt_calc.errors.CaseError` whose ``field`` is the
key path (``planning.cumulative.courses[1]``). A computation that cannot be done (no fraction
count yet, an unknown constraint set, a PTV outside the table) is not an error: the table
says why, so that a report can always be written.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sbrt_calc.errors import CaseError, SbrtCalcError
from sbrt_calc.regimen import MAX_FRACTIONS, Regimen, fractions_text, parse_regimen
from sbrt_calc.table import MARKS, Cell, Column, Status, Table, number, text
from sbrt_calc.vocabulary import TARGET_SITES
from sbrt_calc.vocabulary import target_site as _target_site

if TYPE_CHECKING:
    from sbrt_calc.presets.radiobiology import Threshold

DEFAULT_CONSTRAINT_SET = "tg101"
DEFAULT_ORGAN = "SpinalCord"
CONVERTED_LABEL = "LQ-converted, not the source's"
#: What the organ-limit table's marks mean (presets/README.md, "verification"), printed under the table.
MARK_LEGEND = ("Marks: printed = read in the source itself; secondary = read in a transcription of the source (an "
               "open encoding, Wikibooks, a guideline), not in the source; recalled = from memory or a list, not "
               "verified: check before clinical use; converted = LQ-converted by this program from another fraction "
               "count, never the source's value.")


def constraint_set_title(key: str) -> str:
    """The constraint set's name for ``key`` ("AAPM TG-101 (2010), Table III"); an unknown key (or presets that
    cannot be read) as given, said unknown."""
    from sbrt_calc.presets.loader import active_presets

    try:
        return active_presets().constraint_set(key).name
    except SbrtCalcError:
        return f"{key} (unknown set)"


def site_organs(site: str | None) -> tuple[str, ...]:
    """The organs at risk near a target site (the plan check's expected organs,
    :data:`sbrt_calc.vocabulary.SITE_ORGANS`, the program's choice); () without a site or for 'other'."""
    from sbrt_calc.vocabulary import SITE_ORGANS

    return SITE_ORGANS.get(site, ()) if site else ()

_KEYS = ("constraint_set", "fractions", "regimen", "lesion", "ptv_cc", "r50", "d2cm_percent", "r100", "cumulative",
         "site")
_CUM_KEYS = ("organ", "courses", "alpha_beta_gy", "interval_months", "recovery_percent")
_METRICS = ("ptv_cc", "r50", "d2cm_percent", "r100")


def _fail(path: str, message: str, value: Any, allowed: str) -> CaseError:
    return CaseError(f"{path}: {message} (allowed: {allowed})", field=path, value=value, allowed=allowed)


def _opt_number(data: Mapping[str, Any], key: str, path: str, *, lo: float, hi: float | None = None,
                lo_open: bool = True) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    allowed = f"null or a number {'>' if lo_open else '>='} {lo:g}" + (f" and < {hi:g}" if hi is not None else "")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail(f"{path}.{key}", f"must be a number, got {value!r}", value, allowed)
    x = float(value)
    if x < lo or (lo_open and x == lo) or (hi is not None and x >= hi):
        raise _fail(f"{path}.{key}", f"{value!r} is out of range", value, allowed)
    return x


def _measurement(data: Mapping[str, Any], key: str, path: str) -> float | None:
    """A conformity measurement: null, or a value physics allows (R50% >= 1, D2cm in (0, 100], ...)."""
    from sbrt_calc.planning.conformity import check_measurement

    value = data.get(key)
    if value is None:
        return None
    try:
        return check_measurement(key, value)
    except SbrtCalcError as exc:
        raise _fail(f"{path}.{key}", exc.message, value, exc.allowed or "") from None


def _regimen_text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, f"must be a regimen text, got {value!r}", value, "e.g. '36/3' or '3 x 12 Gy'")
    try:
        parse_regimen(value)
    except SbrtCalcError as exc:
        raise _fail(path, f"{value!r} is not a regimen: {exc.message}", value, "e.g. '36/3' or '3 x 12 Gy'") from None
    return value.strip()


def _check_keys(data: Any, known: tuple[str, ...], path: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise _fail(path, f"must be an object, got {type(data).__name__}", data, "an object")
    for key in data:
        if key not in known:
            raise _fail(f"{path}.{key}", "unknown key", key, ", ".join(known))
    return data


@dataclass(frozen=True)
class CumulativeInputs:
    """A previously irradiated site: the organ dose of each course, oldest first (the last is planned).

    ``alpha_beta_gy`` None means the published limits' own (2 Gy for spinal cord);
    ``recovery_percent`` is the user's assumption (0 by default), see :mod:`sbrt_calc.planning.cumulative`.
    """

    organ: str = DEFAULT_ORGAN
    courses: tuple[str, ...] = ()
    alpha_beta_gy: float | None = None
    interval_months: float | None = None
    recovery_percent: float = 0.0

    @classmethod
    def from_dict(cls, data: Any, path: str = "planning.cumulative") -> CumulativeInputs:
        d = _check_keys(data, _CUM_KEYS, path)
        organ = d.get("organ", DEFAULT_ORGAN)
        if not isinstance(organ, str) or not organ.strip():
            raise _fail(f"{path}.organ", f"must be an organ name, got {organ!r}", organ, "e.g. SpinalCord")
        raw = d.get("courses", [])
        if not isinstance(raw, list):
            raise _fail(f"{path}.courses", f"must be a list, got {type(raw).__name__}", raw, "a list of regimens")
        courses = tuple(_regimen_text(c, f"{path}.courses[{i}]") for i, c in enumerate(raw))
        recovery = _opt_number(d, "recovery_percent", path, lo=0.0, hi=100.0, lo_open=False)
        return cls(organ, courses, _opt_number(d, "alpha_beta_gy", path, lo=0.0),
                   _opt_number(d, "interval_months", path, lo=0.0, lo_open=False),
                   0.0 if recovery is None else recovery)

    def to_dict(self) -> dict[str, Any]:
        return {"organ": self.organ, "courses": list(self.courses), "alpha_beta_gy": self.alpha_beta_gy,
                "interval_months": self.interval_months, "recovery_percent": self.recovery_percent}


@dataclass(frozen=True)
class PlanningInputs:
    """What the planning view holds; see the module docstring for the meaning of each field."""

    constraint_set: str = DEFAULT_CONSTRAINT_SET
    fractions: int | None = None
    regimen: str | None = None
    lesion: int | None = None
    ptv_cc: float | None = None
    r50: float | None = None
    d2cm_percent: float | None = None
    r100: float | None = None
    cumulative: CumulativeInputs | None = field(default=None)
    site: str | None = None

    @classmethod
    def from_dict(cls, data: Any, path: str = "planning") -> PlanningInputs:
        """Validate the ``planning`` section (CaseError naming ``planning.<key>``)."""
        d = _check_keys(data, _KEYS, path)
        cset = d.get("constraint_set", DEFAULT_CONSTRAINT_SET)
        if not isinstance(cset, str) or not cset.strip():
            raise _fail(f"{path}.constraint_set", f"must be a constraint set key, got {cset!r}", cset,
                        "e.g. tg101, rtog0915, rtog0813, nccn, hytec_cord")
        n = d.get("fractions")
        if n is not None and (isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_FRACTIONS):
            raise _fail(f"{path}.fractions", f"must be a whole number or null, got {n!r}", n,
                        f"null or 1 to {MAX_FRACTIONS}")
        regimen = d.get("regimen")
        if regimen is not None:
            regimen = _regimen_text(regimen, f"{path}.regimen")
        lesion = d.get("lesion")
        if lesion is not None and (isinstance(lesion, bool) or not isinstance(lesion, int) or lesion < 0):
            raise _fail(f"{path}.lesion", f"must be a lesion index or null, got {lesion!r}", lesion,
                        "null or a whole number >= 0")
        metrics = {k: _measurement(d, k, path) for k in _METRICS}
        cum = d.get("cumulative")
        cumulative = None if cum is None else CumulativeInputs.from_dict(cum, f"{path}.cumulative")
        site = d.get("site")
        if site is not None and site not in TARGET_SITES:
            raise _fail(f"{path}.site", f"{site!r} is not a target site", site, "null or " + ", ".join(TARGET_SITES))
        return cls(cset, n, regimen, lesion, cumulative=cumulative, site=site, **metrics)

    def to_dict(self) -> dict[str, Any]:
        """The JSON section; ``PlanningInputs.from_dict(p.to_dict()) == p``."""
        return {"constraint_set": self.constraint_set, "fractions": self.fractions, "regimen": self.regimen,
                "lesion": self.lesion, "ptv_cc": self.ptv_cc, "r50": self.r50, "d2cm_percent": self.d2cm_percent,
                "r100": self.r100, "cumulative": None if self.cumulative is None else self.cumulative.to_dict(),
                "site": self.site}

    def planned_regimen(self) -> Regimen | None:
        return None if self.regimen is None else parse_regimen(self.regimen)

    def fraction_count(self) -> int | None:
        """``fractions`` if set, else those of ``regimen``, else None."""
        if self.fractions is not None:
            return self.fractions
        reg = self.planned_regimen()
        return None if reg is None else reg.fractions


def _f(x: float | None, fmt: str = ".3g", unit: str = "") -> str:
    return "-" if x is None else f"{x:{fmt}}" + (f" {unit}" if unit else "")


_COLS_LIMITS = (Column("organ", "Organ"), Column("metric", "Metric"), Column("limit", "Limit"), Column("unit", "Unit"),
                Column("mark", "Mark"), Column("origin", "Origin"))
#: RTOG deviation grade -> status: none passes, minor is a deviation accepted with a warning, major fails,
#: a metric not graded (not given, or outside the table) is never a pass
GRADE_STATUS = {"none": Status.PASS, "minor": Status.WARNING, "major": Status.FAIL}


def constraint_table(inputs: PlanningInputs) -> Table:
    """The organ-at-risk limits of the chosen set for the fraction count (converted ones labelled, with a
    warning status; unresolved ones incomplete). A list of limits: no plan value is checked here."""
    from sbrt_calc.planning.constraints import constraints_for

    n = inputs.fraction_count()
    cols: tuple[Column, ...] = _COLS_LIMITS
    if n is None:
        return Table("organ_limits", "Organ-at-risk limits", cols, (),
                     ("No fraction count: choose a regimen or a number of fractions.",))
    try:
        lookup = constraints_for(n, inputs.constraint_set)[0]
    except SbrtCalcError as exc:
        return Table("organ_limits", f"Organ-at-risk limits, {fractions_text(n)}", cols, (), (f"Not available: {exc}",))
    converted = any(c.converted for c in lookup.constraints)
    if converted:
        cols = cols + (Column("converted_from", "Converted from"),)
    rows: list[tuple[Cell, ...]] = []
    shared = _shared_clauses([c.unresolved for c in lookup.constraints if c.unresolved])
    for c in lookup.constraints:
        if c.converted:
            rows.append((text(c.organ), text(c.metric), Cell(f"{c.comparison} {c.limit_text}", c.limit, c.unit),
                         text(c.unit),
                         text(c.verification, status=Status.WARNING,
                              mark=c.verification if c.verification in MARKS else ""),
                         text(CONVERTED_LABEL, status=Status.WARNING),
                         text(f"{c.converted_from_metric} {c.comparison} {c.converted_from_limit:g} {c.unit} in "
                              f"{c.converted_from_fractions} fx (alpha/beta {c.alpha_beta_gy:g} Gy)")))
        else:
            mark = text(f"unresolved: {_without(c.unresolved, shared)}", status=Status.INCOMPLETE) if c.unresolved else \
                text(c.verification, mark=c.verification if c.verification in MARKS else "")
            row: tuple[Cell, ...] = (text(c.organ), text(c.metric), Cell(f"{c.comparison} {c.limit:g}", c.limit, c.unit),
                                     text(c.unit), mark, text("source", source=c.source))
            rows.append(row + (text("-"),) if converted else row)
    for u in lookup.unresolved:
        row = (text(u.organ), text(u.metric), text("-"), text(""), text(u.text, status=Status.INCOMPLETE),
               text("not used", status=Status.INCOMPLETE))
        rows.append(row + (text("-"),) if converted else row)
    near = site_organs(inputs.site)
    if near and any(r[0].text in near for r in rows) and not all(r[0].text in near for r in rows):
        rows = [r for r in rows if r[0].text in near] + [r for r in rows if r[0].text not in near]  # stable
    notes = [lookup.message]
    if near and rows and any(r[0].text in near for r in rows):
        shown = [o for o in near if any(r[0].text == o for r in rows)]
        notes.append(f"Organs near the target site ({(inputs.site or '').replace('_', ' ')}) first: "
                     f"{', '.join(shown)} (the organs the plan check expects there, the program's choice); then the "
                     "rest of the set.")
    for clause in shared:   # said once for the rows it concerns, not in each row (issue 21)
        which = [f"{c.organ} {c.metric}" for c in lookup.constraints if c.unresolved and clause in _clauses(c.unresolved)]
        notes.append(f"Unresolved ({', '.join(which)}): {clause}.")
    if rows:
        notes.append(MARK_LEGEND)
    if n == 6:
        from sbrt_calc.eligibility.sites import NO_SIX_FRACTIONS

        notes.append(NO_SIX_FRACTIONS.text)
    details: list[tuple[int, str]] = []
    if lookup.not_converted:   # one short sentence; the limits and reasons as its details (issue 21: a 2-fraction
        # plan's note was a wall of 50 clauses)
        k = len(lookup.not_converted)
        details.append((len(notes), "Not converted (the source's own column only):\n" + "\n".join(
            lookup.not_converted_reasons)))
        cols_text = " and ".join(str(c) for c in lookup.converted_from) or "other"
        notes.append(f"Not converted: {k} limit{'' if k == 1 else 's'} of the {cols_text}-fraction column"
                     f"{'s' if len(lookup.converted_from) != 1 else ''} (each with its reason: sbrt-calc constraints "
                     f"--set {lookup.set.key} --fractions {n}).")
    if lookup.omitted:
        notes.append("This set leaves out: " + "; ".join(lookup.omitted))
    if lookup.set.errata:
        notes.append(f"Errata: {lookup.set.errata}")
    return Table("organ_limits", f"Organ-at-risk limits: {lookup.set.name}, {fractions_text(n)}", cols, tuple(rows),
                 tuple(notes), lookup.set.source, note_details=tuple(details))


def _clauses(sentence: str) -> list[str]:
    """The '; '-separated clauses of a sentence, outside brackets."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(sentence):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and sentence.startswith("; ", i):
            out.append(sentence[start:i])
            start = i + 2
    return [*out, sentence[start:]]


def _shared_clauses(sentences: list[str]) -> list[str]:
    """The clauses (:func:`_clauses`) that more than one of ``sentences`` ends with the same, in order."""
    seen: dict[str, int] = {}
    for sentence in sentences:
        for clause in _clauses(sentence)[1:]:
            seen[clause] = seen.get(clause, 0) + 1
    return [c for c, n in seen.items() if n > 1]


def _without(sentence: str, clauses: list[str]) -> str:
    return "; ".join(c for c in _clauses(sentence) if c not in clauses) or sentence


def conformity_table(inputs: PlanningInputs) -> Table | None:
    """R50%, D2cm and R100% graded against the RTOG 0915/0813 table for the PTV (None without a PTV). The grade
    cell's status: none pass, minor warning, major fail, not graded incomplete; a reference-only grade (the
    target is not a lung tumour in lung) is information, never a pass."""
    from sbrt_calc.planning.conformity import grade_plan

    if inputs.ptv_cc is None:
        return None
    # the plan's value and the two limits are numbers (right-aligned under their headers in the report, each in
    # a column of its own width: before, "4.4" ran into "<= 4.37"; issue 21)
    cols = (Column("metric", "Metric"), Column("plan", "Plan", numeric=True), Column("none", "No deviation", numeric=True),
            Column("minor", "Minor deviation", numeric=True), Column("grade", "Grade"))
    try:
        g = grade_plan(inputs.ptv_cc, inputs.r50, inputs.d2cm_percent, inputs.r100, site=inputs.site)
    except SbrtCalcError as exc:
        return Table("conformity", "Conformity and dose fall-off", cols, (), (f"Not graded: {exc}",))

    def lim(x: float | None, m: Any) -> str:
        return "-" if x is None else f"{m.comparison} {_f(x, '.3g', m.unit)}"

    names = {"R50%": "R50% (V50%/PTV)", "D2cm": "D2cm [% of Rx]", "R100%": "R100% (V100%/PTV)"}
    rows = []
    for m in g.metrics:
        grade = "-" if m.grade is None else m.grade
        status = GRADE_STATUS.get(m.grade or "", Status.INCOMPLETE) if m.value is not None else None
        if not g.applies and grade != "-":
            grade, status = f"{grade} (reference only)", Status.INFO
        rows.append((text(names.get(m.metric, m.metric)), Cell(_f(m.value, ".3g", m.unit), m.value, m.unit),
                     text(lim(m.limit_none, m)), text(lim(m.limit_minor, m)), text(grade, status=status)))
    notes = ((g.caveat,) if g.caveat else ()) + (
        g.message, "Above the minor-deviation limit: major deviation. R50% and D2cm limits depend on the PTV volume; "
                   "R100% does not.", g.r100_band)
    return Table("conformity", f"Conformity and dose fall-off: PTV {g.ptv_cc:g} cm3 ({g.table.name})", cols,
                 tuple(rows), notes, g.table.source, widths=(28, 16, 18, 18, 20))


def cumulative_tables(inputs: PlanningInputs) -> tuple[Table, ...]:
    """Courses with their EQD2 and the re-irradiation checks (empty without previous irradiation). A check's
    status: within pass, exceeded fail, not evaluated incomplete."""
    from sbrt_calc.planning.cumulative import cumulative_eqd2

    cum = inputs.cumulative
    if cum is None:
        return ()
    cols = (Column("course", "Course"), Column("total", "D", "Gy"), Column("n", "n"), Column("d", "d", "Gy"),
            Column("eqd2", "EQD2", "Gy"), Column("recovered", "after recovery", "Gy"))
    if not cum.courses:
        return (Table("cumulative", f"Cumulative dose: {cum.organ}", cols, (),
                      ("No course entered: give the organ dose of each course, oldest first.",)),)
    try:
        r = cumulative_eqd2(list(cum.courses), alpha_beta_gy=cum.alpha_beta_gy, organ=cum.organ,
                            recovery_percent=cum.recovery_percent, interval_months=cum.interval_months)
    except SbrtCalcError as exc:
        return (Table("cumulative", f"Cumulative dose: {cum.organ}", cols, (), (f"Not computed: {exc}",)),)
    rows = [(text(c.regimen.label + (" (planned)" if c.is_reirradiation else "")),
             Cell(f"{c.regimen.total_dose_gy:g}", c.regimen.total_dose_gy, "Gy"),
             Cell(str(c.regimen.fractions), c.regimen.fractions),
             number(c.regimen.dose_per_fraction_gy, "Gy", 2), number(c.eqd2_gy, "Gy"),
             number(c.discounted_eqd2_gy, "Gy")) for c in r.courses]
    rows.append((text("Total"), text(""), text(""), text(""), number(r.total_eqd2_gy, "Gy"),
                 number(r.discounted_total_eqd2_gy, "Gy")))
    from sbrt_calc.planning.organs import display_name

    shown = display_name(r.organ) if cum.organ == r.organ else \
        f"{cum.organ}, limit on the {display_name(r.organ)}"
    notes = ("EQD2 = D (d + a/b) / (2 + a/b) (Fowler, Br J Radiol 1989;62:679).", *r.notes)
    title = f"Cumulative dose: {shown}, EQD2 at alpha/beta {r.alpha_beta_gy:g} Gy"
    if r.limit is None:
        return (Table("cumulative", title, cols, tuple(rows), notes + ("No published limit for this organ: nothing "
                                                                       "checked.",)),)
    courses = Table("cumulative", title, cols, tuple(rows), notes)
    checks = []
    for c in r.checks:
        verdict = "not evaluated" if c.passed is None else ("within" if c.passed else "EXCEEDED")
        status = Status.INCOMPLETE if c.passed is None else (Status.PASS if c.passed else Status.FAIL)
        unit = f" {c.unit}" if c.unit else ""
        value = "-" if c.value is None else (f"{c.value:.1f}" if c.unit == "Gy" else f"{c.value:.3g}") + unit
        checks.append((text(c.name), Cell(value, c.value, c.unit or ""),
                       Cell(f"{c.comparison} {c.limit:g}{unit}", c.limit, c.unit or ""),
                       text(verdict + (f" ({c.note})" if c.note else ""), status=status)))
    limits = Table("reirradiation_limits", f"Re-irradiation limits: {r.limit.name}",
                   (Column("check", "Check"), Column("value", "Value"), Column("limit", "Limit"),
                    Column("result", "Result")), tuple(checks), (), r.limit.source)
    return courses, limits


def bed10_check(reg: Regimen, site: str | None, flag: Threshold | None = None) -> dict[str, Any]:
    """The planned regimen against the flag line at the site: BED on the line's own scale (LQ at its
    alpha/beta, from the prescription), whether the line applies there, whether it is reached, and the
    sentence every face shows. ``flag`` is the case's line (the shipped one when None)."""
    from sbrt_calc.eligibility.rules import short
    from sbrt_calc.eligibility.sites import flag_applicability, flag_line, seed_range_note
    from sbrt_calc.radiobiology.lq import bed

    line = flag_line(flag)
    ab = line.alpha_beta_gy
    b = float(bed(reg.total_dose_gy, reg.dose_per_fraction_gy, ab))
    fa = flag_applicability(site or "", line)
    label = f"BED{ab:g} (LQ, alpha/beta {ab:g})"
    if not fa.applies:
        return {"label": label, "bed10_gy": b, "applies": False, "reached": None,
                "text": f"{b:.1f} Gy; {line.label} flag: not applicable at this site",
                "notes": [f"{fa.reason} [{fa.source}]"], "reason": fa.reason, "source": fa.source, "line": line}
    reached = line.reached(b)
    verdict = "above" if reached else "NOT above"
    notes = [] if reached else [f"{seed_range_note(line).text} [{seed_range_note(line).source}]"]
    if site is None:
        notes.insert(0, f"Target site not given: the {line.label} line does not apply at the brain or the spine.")
    return {"label": label, "bed10_gy": b, "applies": True, "reached": reached,
            "text": f"{b:.1f} Gy: {verdict} the {line.label} line ({short(fa.source)})", "notes": notes,
            "reason": fa.reason, "source": fa.source, "line": line}


def _bed10_row(reg: Regimen, site: str | None, flag: Threshold | None = None
               ) -> tuple[tuple[Cell, Cell], list[str]]:
    """The planned regimen's BED10 (LQ at the line's alpha/beta, from the prescription) and the flag at the site,
    the value cell's status pass/fail (n/a where the line does not apply)."""
    c = bed10_check(reg, site, flag)
    status = Status.NA if not c["applies"] else (Status.PASS if c["reached"] else Status.FAIL)
    return (text(c["label"]), Cell(c["text"], c["bed10_gy"], "Gy", status, c["line"].source)), list(c["notes"])


def tumour_bed_row(reg: Regimen, flag: Threshold | None, tumour_alpha_beta_gy: float | None
                   ) -> tuple[Cell, Cell] | None:
    """The regimen's LQ tumour BED at the case's tumour alpha/beta, labelled with it (info: not compared with the
    line, which is defined at its own alpha/beta); None when the tumour alpha/beta is the line's or not given."""
    from sbrt_calc.eligibility.sites import flag_line
    from sbrt_calc.radiobiology.lq import bed

    line = flag_line(flag)
    t = tumour_alpha_beta_gy
    if t is None or t == line.alpha_beta_gy:
        return None
    b = float(bed(reg.total_dose_gy, reg.dose_per_fraction_gy, t))
    return (text(f"BED{t:g} (LQ, tumour alpha/beta {t:g})"),
            Cell(f"{b:.1f} Gy (the case's tumour alpha/beta; not compared with {line.label})", b, "Gy", Status.INFO))


def lesion_description(eligibility_case: Any, index: int | None) -> str | None:
    """'#2 bone (L3 vertebra), progressing' for lesion ``index`` of an eligibility case."""
    if index is None:
        return None
    lesions = getattr(eligibility_case, "lesions", ()) or ()
    if not 0 <= index < len(lesions):
        return f"#{index + 1} (not in the eligibility form)"
    les = lesions[index]
    label = f" ({les.label})" if les.label else ""
    return f"#{index + 1} {les.site.replace('_', ' ')}{label}, {les.status}"


def target_site(lesion: Any) -> str:
    """The planning target site of an eligibility lesion (``lung_central`` for a central lung lesion):
    :func:`sbrt_calc.vocabulary.target_site`."""
    return _target_site(lesion.site, lesion.location)


def plan_lesion(inputs: PlanningInputs, index: int, lesion: Any, flag: Threshold | None = None, *,
                ablative: bool = True) -> tuple[PlanningInputs, Any]:
    """The planning inputs for "Plan this lesion", and the scheme choice with its reason.

    Sets the lesion, its target site, the regimen the sources make typical for the site
    (:func:`sbrt_calc.eligibility.sites.choose_scheme`; kept as it was when none can be picked),
    the fraction count from that regimen, and opens the cumulative-dose section for a previously
    irradiated lesion (thecal sac for the spine, else the organ chosen before); the choice's
    ``cumulative_required`` says so. ``ablative=False`` (local ablative therapy not supported,
    :func:`sbrt_calc.eligibility.sites.palliative_intent`): no ablative scheme is set; the choice lists
    the palliative options a guideline prints, or none, with the reason.
    """
    from dataclasses import replace as _replace

    from sbrt_calc.eligibility.sites import choose_scheme

    choice = choose_scheme(lesion, flag=flag, ablative=ablative)
    regimen = inputs.regimen if choice.scheme is None else \
        f"{choice.scheme.total_dose_gy:.12g}/{choice.scheme.fractions}"
    cumulative = inputs.cumulative
    if lesion.previously_irradiated and cumulative is None:
        cumulative = CumulativeInputs(organ="SpinalCanal" if lesion.site == "spine" else DEFAULT_ORGAN)
    new = _replace(inputs, lesion=index, site=target_site(lesion), regimen=regimen, fractions=None,
                   cumulative=cumulative)
    return new, choice


def report_tables(inputs: PlanningInputs, lesion_description: str | None = None,
                  flag: Threshold | None = None, tumour_alpha_beta_gy: float | None = None) -> tuple[Table, ...]:
    """The planning checks as report tables: inputs, conformity, cumulative dose, organ-at-risk limits.

    ``flag`` is the case's flag line (:func:`sbrt_calc.evaluation.evaluate` passes it); the shipped one when None.
    ``tumour_alpha_beta_gy``: the case's tumour alpha/beta; when it is not the line's, the planned regimen's
    tumour BED at it is shown beside the line's BED with its own label, never compared with the line.

    The long organ-at-risk table comes last so that the graded checks are seen first.
    """
    n = inputs.fraction_count()
    try:
        reg = inputs.planned_regimen()
    except SbrtCalcError:  # validated on load; defensive for programmatic inputs
        reg = None
    rows: list[tuple[Cell, Cell]] = [
        (text("Lesion"), text(lesion_description or ("-" if inputs.lesion is None else f"#{inputs.lesion + 1}"))),
        (text("Regimen"), text("-" if reg is None else f"{reg.label} ({reg.total_dose_gy:g} Gy in {reg.fractions})")),
        (text("Fractions for the limits"), text("-" if n is None else
                                                f"{n} (entered)" if inputs.fractions is not None else
                                                f"{n} (from the regimen)")),
        (text("Constraint set"), text(constraint_set_title(inputs.constraint_set))),
        (text("Target site"), text("-" if inputs.site is None else inputs.site.replace("_", " ")))]
    notes: list[str] = []
    if reg is not None:
        bed_row, bed_notes = _bed10_row(reg, inputs.site, flag)
        rows.append(bed_row)
        notes += bed_notes
        tumour = tumour_bed_row(reg, flag, tumour_alpha_beta_gy)
        if tumour is not None:
            rows.append(tumour)
    if inputs.ptv_cc is not None:
        rows.append((text("PTV [cm3]"), Cell(f"{inputs.ptv_cc:g}", inputs.ptv_cc, "cm3")))
    out = [Table("planning_inputs", "Planning inputs", (Column("input", "Input"), Column("value", "Value")),
                 tuple(rows), tuple(notes))]
    conf = conformity_table(inputs)
    if conf is not None:
        out.append(conf)
    out.extend(cumulative_tables(inputs))
    out.append(constraint_table(inputs))
    return tuple(out)
