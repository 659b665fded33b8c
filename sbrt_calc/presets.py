"""Presets as audited data: load, validate and merge the TOML files in ``presets/``.

A physicist must be able to open ``presets/``, read every number with its source, change it and
be told at once if something broke. This module is that check and the loader behind it.

Kinds of preset file (schema documented in ``presets/README.md``; every file declares ``kind``
and ``schema_version = 1``):

``schemes``        fractionation schemes by site, each with its source;
``constraints``    one organ-at-risk constraint set (TG-101, RTOG 0915, ...) by fraction count;
``conformity``     a conformity / dose fall-off table (RTOG 0915/0813 R50%, D2cm, R100%);
``reirradiation``  published cumulative limits for re-irradiation of one organ;
``radiobiology``   alpha/beta values and thresholds (validated by :mod:`sbrt_calc.defaults`).

Validation reports *every* problem at once, each as one line
``"FILE: key.path: message (got VALUE)"``, in :attr:`sbrt_calc.errors.PresetError.problems`.
Unknown keys are errors (a typo must not pass silently). Files over :data:`MAX_FILE_BYTES` are
refused before they are read whole; bytes that are not UTF-8 or not TOML are reported, never
raised as anything but :class:`~sbrt_calc.errors.PresetError`.

User presets live in the user's data folder (``platformdirs``; overridable with the environment
variable ``SBRT_CALC_USER_PRESETS``) and add to or override the shipped ones by key; the shipped
files are never edited.
"""

from __future__ import annotations

import enum
import math
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ._paths import shipped_presets_dir, user_presets_dir
from .errors import PresetError, RegimenError
from .regimen import MAX_DOSE_PER_FRACTION_GY, MAX_FRACTIONS, Regimen

#: Fine-grained sites of a scheme, and the eligibility group each belongs to.
SITE_GROUP: dict[str, str] = {
    "lung_peripheral": "lung",
    "lung_central": "lung",
    "lung_ultracentral": "lung",
    "bone": "bone",
    "spine": "spine",
    "adrenal": "adrenal",
    "liver": "liver",
    "brain_srs": "brain",
    "brain_hsrt": "brain",
    "lymph_node": "lymph_node",
}
SITES: tuple[str, ...] = tuple(SITE_GROUP)
GROUPS: tuple[str, ...] = ("lung", "bone", "spine", "brain", "adrenal", "liver", "lymph_node")

KINDS: tuple[str, ...] = ("schemes", "constraints", "conformity", "reirradiation", "radiobiology")
VERIFICATION: tuple[str, ...] = ("printed", "recalled")
SCHEMA_VERSION = 1
#: Preset files larger than this are refused before being read whole.
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Tolerance of the check ``total = fractions x dose per fraction`` (rounding to 0.01 Gy).
DOSE_PER_FRACTION_TOLERANCE_GY = 0.005
COMPARISONS: tuple[str, ...] = ("<", "<=", ">", ">=")
UNITS: tuple[str, ...] = ("Gy", "%", "cc")

_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
#: DVH metric names in AAPM TG-263 style: Max[Gy], Mean[Gy], D0.35cc[Gy], D95%[%], V20Gy[%],
#: CV7Gy[cc] (volume receiving *less* than the dose, for critical-volume limits).
_METRIC_RE = re.compile(
    r"^(?:(?P<stat>Max|Mean|Min)|(?P<kind>D|V|CV|DC)(?P<num>\d+(?:\.\d+)?)(?P<qunit>cc|%|Gy))"
    r"\[(?P<unit>Gy|%|cc)\]$"
)


class _Default(enum.Enum):
    TOKEN = 0


#: ``load_presets(user_dir=DEFAULT_USER_DIR)``: the platform user folder (or $SBRT_CALC_USER_PRESETS).
DEFAULT_USER_DIR = _Default.TOKEN


# --------------------------------------------------------------------------------------------
# Data classes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scheme:
    """A published fractionation scheme for a site, with its source.

    Parameters
    ----------
    key : str
        Unique key, e.g. ``"lung_peripheral_54_3"``.
    site : str
        One of :data:`SITES`.
    group : str
        The eligibility group of the site (one of :data:`GROUPS`).
    label : str
        Display label, ``"54 Gy/3"``.
    total_dose_gy : float
        Total dose, Gy.
    fractions : int
        Number of fractions.
    source : str
        The publication the scheme comes from.
    note : str
        Conditions of use (size bin, trial population, ...).
    verification : str
        ``"printed"`` (seen printed in the source) or ``"recalled"`` (not verified).
    path : str
        The file it was loaded from (not part of equality).
    """

    key: str
    site: str
    group: str
    label: str
    total_dose_gy: float
    fractions: int
    source: str
    note: str = ""
    verification: str = "printed"
    path: str = field(default="", compare=False)

    @property
    def dose_per_fraction_gy(self) -> float:
        """Dose per fraction, Gy."""
        return self.total_dose_gy / self.fractions

    def regimen(self) -> Regimen:
        """The scheme as a :class:`~sbrt_calc.regimen.Regimen` labelled with :attr:`label`."""
        return Regimen(self.total_dose_gy, self.fractions, self.label)


@dataclass(frozen=True)
class MetricName:
    """A parsed TG-263-style DVH metric name (``D0.35cc[Gy]`` -> kind D, 0.35 cc, result Gy)."""

    text: str
    kind: str  # Max | Mean | Min | D | V | CV | DC
    number: float | None  # the volume (D, DC) or dose (V, CV) in the name
    number_unit: str | None  # cc | % | Gy
    unit: str  # the unit of the limit: Gy | % | cc

    @property
    def limit_is_dose_gy(self) -> bool:
        """True when the limit itself is a dose in Gy (Max/Min/D/DC with [Gy])."""
        return self.kind in ("Max", "Min", "D", "DC") and self.unit == "Gy"

    @property
    def name_holds_dose_gy(self) -> bool:
        """True when the dose is in the name (V20Gy[%], CV7Gy[cc])."""
        return self.kind in ("V", "CV") and self.number_unit == "Gy"


def parse_metric(text: str) -> MetricName | None:
    """Parse a TG-263-style metric name; None if it is not one."""
    if not isinstance(text, str):
        return None
    m = _METRIC_RE.match(text)
    if not m:
        return None
    if m.group("stat"):
        return MetricName(text, m.group("stat"), None, None, m.group("unit"))
    kind, qunit, unit = m.group("kind"), m.group("qunit"), m.group("unit")
    if kind in ("D", "DC") and qunit not in ("cc", "%"):
        return None
    if kind in ("V", "CV") and qunit not in ("Gy", "%"):
        return None
    if kind in ("D", "DC") and unit not in ("Gy", "%"):
        return None
    if kind in ("V", "CV") and unit not in ("cc", "%"):
        return None
    return MetricName(text, kind, float(m.group("num")), qunit, unit)


@dataclass(frozen=True)
class Constraint:
    """One organ-at-risk limit: ``<metric of organ> <comparison> <limit> <unit>`` in N fractions.

    ``converted`` is True only for limits this program derived by LQ conversion from another
    fraction count (see :mod:`sbrt_calc.constraints`); then ``source`` still names the
    original table, and ``converted_from_fractions``/``converted_from_limit`` say what was
    converted at which ``alpha_beta_gy``.
    """

    set_key: str
    organ: str
    metric: str
    limit: float
    unit: str
    fractions: int
    source: str
    comparison: str = "<="
    verification: str = "printed"
    note: str = ""
    converted: bool = False
    converted_from_fractions: int | None = None
    converted_from_limit: float | None = None
    converted_from_metric: str | None = None
    alpha_beta_gy: float | None = None
    limits_by_alpha_beta: tuple[tuple[float, float], ...] = ()
    path: str = field(default="", compare=False)

    @property
    def text(self) -> str:
        """``'Max[Gy] <= 14 Gy'``."""
        return f"{self.metric} {self.comparison} {self.limit:g} {self.unit}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (full-precision floats)."""
        return {
            "set": self.set_key, "organ": self.organ, "metric": self.metric, "comparison": self.comparison,
            "limit": self.limit, "unit": self.unit, "fractions": self.fractions, "source": self.source,
            "verification": self.verification, "note": self.note, "converted": self.converted,
            "converted_from_fractions": self.converted_from_fractions,
            "converted_from_limit": self.converted_from_limit,
            "converted_from_metric": self.converted_from_metric,
            "alpha_beta_gy": self.alpha_beta_gy,
            "limits_by_alpha_beta": {format(ab, "g"): v for ab, v in self.limits_by_alpha_beta},
        }


@dataclass(frozen=True)
class ConstraintSet:
    """A published constraint set with the fraction counts (columns) it gives."""

    key: str
    name: str
    source: str
    fractions: tuple[int, ...]
    constraints: tuple[Constraint, ...]
    verification: str = "printed"
    errata: str = ""
    path: str = field(default="", compare=False)

    def for_fractions(self, fractions: int) -> tuple[Constraint, ...]:
        """The source's own constraints for that fraction count (empty if no such column)."""
        return tuple(c for c in self.constraints if c.fractions == fractions)


@dataclass(frozen=True)
class ConformityRow:
    """One row of a conformity table: limits at a PTV volume (cc)."""

    ptv_cc: float
    r50_none: float
    r50_minor: float
    d2cm_percent_none: float
    d2cm_percent_minor: float


@dataclass(frozen=True)
class ConformityTable:
    """A conformity / fall-off table (RTOG 0915/0813) and the R100% limits."""

    key: str
    name: str
    source: str
    rows: tuple[ConformityRow, ...]
    r100_none: float
    r100_minor: float
    r100_comparison: str = "<"
    verification: str = "printed"
    path: str = field(default="", compare=False)


@dataclass(frozen=True)
class ReirradiationLimit:
    """Published cumulative limits for re-irradiating one organ (EQD2 at ``alpha_beta_gy``)."""

    key: str
    name: str
    organ: str
    metric: str
    alpha_beta_gy: float
    max_cumulative_eqd2_gy: float
    source: str
    max_reirradiation_course_eqd2_gy: float | None = None
    max_reirradiation_share: float | None = None
    min_interval_months: float | None = None
    verification: str = "printed"
    note: str = ""
    path: str = field(default="", compare=False)


@dataclass(frozen=True)
class PresetSet:
    """Everything loaded from one or more preset folders (validated, user overrides applied)."""

    schemes: tuple[Scheme, ...] = ()
    constraint_sets: tuple[ConstraintSet, ...] = ()
    conformity: tuple[ConformityTable, ...] = ()
    reirradiation: tuple[ReirradiationLimit, ...] = ()
    radiobiology: Any = None  # sbrt_calc.defaults.Radiobiology | None
    files: tuple[str, ...] = ()

    def schemes_for_site(self, site: str) -> list[Scheme]:
        """Schemes whose ``site`` or ``group`` equals *site* (``"lung"`` gives all lung sites).

        Raises
        ------
        PresetError
            If *site* is neither a site nor a group.
        """
        if site not in SITES and site not in GROUPS:
            raise PresetError(
                f"unknown site {site!r}; allowed: {', '.join(dict.fromkeys(SITES + GROUPS))}",
                field="site", value=site, allowed=", ".join(dict.fromkeys(SITES + GROUPS)),
            )
        return [s for s in self.schemes if s.site == site or s.group == site]

    def scheme(self, key: str) -> Scheme:
        """The scheme with that key."""
        for s in self.schemes:
            if s.key == key:
                return s
        raise PresetError(f"no scheme {key!r}", field="scheme", value=key,
                          allowed=", ".join(s.key for s in self.schemes))

    def constraint_set(self, key: str) -> ConstraintSet:
        """The constraint set with that key (PresetError naming the known keys otherwise)."""
        for c in self.constraint_sets:
            if c.key == key:
                return c
        known = ", ".join(c.key for c in self.constraint_sets)
        raise PresetError(f"no constraint set {key!r}; known: {known}", field="set", value=key, allowed=known)

    def conformity_table(self, key: str = "rtog0915") -> ConformityTable:
        """The conformity table with that key."""
        for c in self.conformity:
            if c.key == key:
                return c
        known = ", ".join(c.key for c in self.conformity)
        raise PresetError(f"no conformity table {key!r}; known: {known}", field="table", value=key, allowed=known)

    def reirradiation_limit(self, key: str) -> ReirradiationLimit:
        """The re-irradiation limit with that key."""
        for r in self.reirradiation:
            if r.key == key:
                return r
        known = ", ".join(r.key for r in self.reirradiation)
        raise PresetError(f"no re-irradiation limit {key!r}; known: {known}", field="limits", value=key,
                          allowed=known)


@dataclass(frozen=True)
class PresetReport:
    """Result of checking preset folders: what loaded, and every problem found."""

    presets: PresetSet
    problems: tuple[str, ...]
    files: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


# --------------------------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------------------------


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class _Checker:
    """Collects problems as ``FILE: key.path: message (got VALUE)``."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[str] = []

    def problem(self, key: str, message: str, *values: Any) -> None:
        got = f" (got {_show(values[0])})" if values else ""
        self.problems.append(f"{self.path}: {key}: {message}{got}")

    def table(self, data: Any, key: str, required: Iterable[str], optional: Iterable[str] = ()) -> dict[str, Any] | None:
        """Check *data* is a table with exactly the allowed keys; None if it is not a table."""
        if not isinstance(data, dict):
            self.problem(key, f"must be a table, not {_type_name(data)}", data)
            return None
        req = tuple(required)
        allowed = req + tuple(optional)
        ok = True
        for name in data:
            if name not in allowed:
                self.problem(_join(key, str(name)), f"unknown key (allowed: {', '.join(allowed)})")
                ok = False
        for name in req:
            if name not in data:
                self.problem(_join(key, name), "missing")
                ok = False
        del ok  # entries with problems are dropped by the caller (it compares problem counts)
        return data

    def text(self, d: dict[str, Any], name: str, key: str, *, required: bool = True, nonempty: bool = False,
             choices: tuple[str, ...] | None = None, default: str = "") -> str | None:
        if name not in d:
            return None if required else default
        v = d[name]
        if not isinstance(v, str):
            self.problem(_join(key, name), f"must be text, not {_type_name(v)}", v)
            return None
        if nonempty and not v.strip():
            self.problem(_join(key, name), "is empty" + (": every entry needs its source" if name == "source" else ""), v)
            return None
        if choices is not None and v not in choices:
            self.problem(_join(key, name), f"must be one of {', '.join(choices)}", v)
            return None
        return v

    def number(self, d: dict[str, Any], name: str, key: str, *, required: bool = True, positive: bool = True,
               minimum: float | None = None, maximum: float | None = None, unit: str = "") -> float | None:
        if name not in d:
            return None
        v = d[name]
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            self.problem(_join(key, name), f"must be a number{' in ' + unit if unit else ''}, not {_type_name(v)}", v)
            return None
        if not math.isfinite(v):
            self.problem(_join(key, name), "must be a finite number", v)
            return None
        f = float(v)
        if positive and f <= 0:
            self.problem(_join(key, name), "must be > 0", v)
            return None
        if minimum is not None and f < minimum:
            self.problem(_join(key, name), f"must be >= {minimum:g}", v)
            return None
        if maximum is not None and f > maximum:
            self.problem(_join(key, name), f"must be <= {maximum:g}", v)
            return None
        return f

    def integer(self, d: dict[str, Any], name: str, key: str, lo: int, hi: int) -> int | None:
        if name not in d:
            return None
        return self.integer_value(d[name], _join(key, name), lo, hi)

    def integer_value(self, v: Any, key: str, lo: int, hi: int) -> int | None:
        if isinstance(v, bool) or not isinstance(v, int):
            self.problem(key, f"must be a whole number from {lo} to {hi}, not {_type_name(v)}", v)
            return None
        if not lo <= v <= hi:
            self.problem(key, f"must be from {lo} to {hi}", v)
            return None
        return int(v)


def _join(key: str, name: str) -> str:
    return name if key in ("", "<top>") else f"{key}.{name}"


def _type_name(v: Any) -> str:
    names = {str: "text", int: "an integer", float: "a number", bool: "true/false", list: "an array",
             dict: "a table"}
    return names.get(type(v), type(v).__name__)


def _header(check: _Checker, data: dict[str, Any]) -> None:
    version = data.get("schema_version")
    if "schema_version" not in data:
        return  # reported as missing by the table check
    if isinstance(version, bool) or version != SCHEMA_VERSION:
        check.problem("schema_version", f"must be {SCHEMA_VERSION}", version)


# --------------------------------------------------------------------------------------------
# Per-kind parsers: each returns what validated; problems go to the checker
# --------------------------------------------------------------------------------------------


def _parse_schemes(check: _Checker, data: dict[str, Any]) -> list[Scheme]:
    top = check.table(data, "<top>", ("kind", "schema_version", "schemes"))
    if top is None:
        return []
    _header(check, top)
    raw = top.get("schemes")
    if "schemes" in top and not isinstance(raw, list):
        check.problem("schemes", "must be an array of tables ([[schemes]])", raw)
        return []
    out: list[Scheme] = []
    for i, entry in enumerate(raw or []):
        key = f"schemes[{i}]"
        before = len(check.problems)
        d = check.table(entry, key,
                        ("key", "site", "total_dose_gy", "fractions", "dose_per_fraction_gy", "source", "verification"),
                        ("label", "note"))
        if d is None:
            continue
        k = check.text(d, "key", key, nonempty=True)
        if k is not None and not _KEY_RE.match(k):
            check.problem(_join(key, "key"), "must be lower-case letters, digits, '_', '.' or '-'", k)
        site = check.text(d, "site", key, choices=SITES)
        total = check.number(d, "total_dose_gy", key, unit="Gy")
        n = check.integer(d, "fractions", key, 1, MAX_FRACTIONS)
        dpf = check.number(d, "dose_per_fraction_gy", key, unit="Gy", maximum=MAX_DOSE_PER_FRACTION_GY)
        source = check.text(d, "source", key, nonempty=True)
        ver = check.text(d, "verification", key, choices=VERIFICATION)
        label = check.text(d, "label", key, required=False, nonempty=True)
        note = check.text(d, "note", key, required=False)
        if total is not None and n is not None:
            if dpf is not None and abs(total / n - dpf) > DOSE_PER_FRACTION_TOLERANCE_GY:
                check.problem(_join(key, "dose_per_fraction_gy"),
                              f"inconsistent: {total:g} Gy / {n} = {total / n:.4g} Gy per fraction", dpf)
            try:
                Regimen(total, n)
            except RegimenError as exc:
                check.problem(_join(key, "total_dose_gy"), f"not a usable regimen: {exc}", total)
        if len(check.problems) != before or k is None or site is None or total is None or n is None \
                or source is None or ver is None:
            continue
        out.append(Scheme(k, site, SITE_GROUP[site], label or f"{total:g} Gy/{n}", total, n, source,
                          note or "", ver, check.path))
    return out


def _parse_constraints(check: _Checker, data: dict[str, Any]) -> ConstraintSet | None:
    top = check.table(data, "<top>", ("kind", "schema_version", "set", "constraints"))
    if top is None:
        return None
    _header(check, top)
    before_all = len(check.problems)
    meta = check.table(top.get("set"), "set", ("key", "name", "source", "fractions", "verification"),
                       ("errata",)) if "set" in top else None
    set_key = name = source = ver = None
    errata = ""
    columns: list[int] = []
    if meta is not None:
        set_key = check.text(meta, "key", "set", nonempty=True)
        if set_key is not None and not _KEY_RE.match(set_key):
            check.problem("set.key", "must be lower-case letters, digits, '_', '.' or '-'", set_key)
        name = check.text(meta, "name", "set", nonempty=True)
        source = check.text(meta, "source", "set", nonempty=True)
        ver = check.text(meta, "verification", "set", choices=VERIFICATION)
        errata = check.text(meta, "errata", "set", required=False) or ""
        cols = meta.get("fractions")
        if "fractions" in meta:
            if not isinstance(cols, list) or not cols:
                check.problem("set.fractions", "must be a non-empty array of fraction counts", cols)
            else:
                for j, c in enumerate(cols):
                    v = check.integer_value(c, f"set.fractions[{j}]", 1, MAX_FRACTIONS)
                    if v is not None:
                        if v in columns:
                            check.problem(f"set.fractions[{j}]", "duplicate fraction count", v)
                        columns.append(v)
    raw = top.get("constraints")
    if "constraints" in top and (not isinstance(raw, list) or not raw):
        check.problem("constraints", "must be a non-empty array of tables ([[constraints]])", raw)
        raw = []
    out: list[Constraint] = []
    seen: dict[tuple[str, str, int], int] = {}
    for i, entry in enumerate(raw or []):
        key = f"constraints[{i}]"
        before = len(check.problems)
        d = check.table(entry, key, ("organ", "metric", "fractions", "comparison", "limit", "unit"),
                        ("note", "source", "verification"))
        if d is None:
            continue
        organ = check.text(d, "organ", key, nonempty=True)
        if organ is not None and not re.match(r"^[A-Za-z][A-Za-z0-9_]*$", organ):
            check.problem(_join(key, "organ"), "must be a TG-263 structure name (letters, digits, '_')", organ)
        metric_text = check.text(d, "metric", key, nonempty=True)
        metric = parse_metric(metric_text) if metric_text is not None else None
        if metric_text is not None and metric is None:
            check.problem(_join(key, "metric"),
                          "not a TG-263 metric such as Max[Gy], D0.35cc[Gy], V20Gy[%], CV7Gy[cc]", metric_text)
        n = check.integer(d, "fractions", key, 1, MAX_FRACTIONS)
        comparison = check.text(d, "comparison", key, choices=COMPARISONS)
        limit = check.number(d, "limit", key)
        unit = check.text(d, "unit", key, choices=UNITS)
        note = check.text(d, "note", key, required=False) or ""
        c_source = check.text(d, "source", key, required=False, nonempty=True)
        c_ver = check.text(d, "verification", key, required=False, choices=VERIFICATION)
        if metric is not None and unit is not None and metric.unit != unit:
            check.problem(_join(key, "unit"), f"does not match the metric {metric.text} (unit {metric.unit})", unit)
        if metric is not None and comparison is not None:
            if metric.kind == "CV" and comparison not in (">", ">="):
                check.problem(_join(key, "comparison"), "a critical-volume limit (CV...) is a minimum: use '>=' or '>'",
                              comparison)
            if metric.kind != "CV" and comparison not in ("<", "<="):
                check.problem(_join(key, "comparison"), f"a {metric.kind} limit is a maximum: use '<' or '<='",
                              comparison)
        if metric is not None and limit is not None and n is not None:
            if metric.limit_is_dose_gy and limit / n > MAX_DOSE_PER_FRACTION_GY:
                check.problem(_join(key, "limit"), f"implausible: above {MAX_DOSE_PER_FRACTION_GY:g} Gy per fraction",
                              limit)
            if metric.kind in ("V", "CV") and metric.unit == "%" and limit > 100:
                check.problem(_join(key, "limit"), "a volume percentage must be <= 100", limit)
            if metric.unit == "%" and metric.kind in ("Max", "Min", "Mean", "D", "DC") and limit > 200:
                check.problem(_join(key, "limit"), "implausible percentage of the prescription (> 200 %)", limit)
        if n is not None and columns and n not in columns:
            check.problem(_join(key, "fractions"), f"not one of the set's columns {columns}", n)
        if len(check.problems) != before or organ is None or metric is None or n is None or limit is None \
                or comparison is None or unit is None:
            continue
        ident = (organ, metric.text, n)
        if ident in seen:
            check.problem(key, f"duplicate of constraints[{seen[ident]}] ({organ} {metric.text}, {n} fractions)",
                          f"{organ} {metric.text}")
            continue
        seen[ident] = i
        out.append(Constraint(set_key or "", organ, metric.text, limit, unit, n, c_source or source or "",
                              comparison, c_ver or ver or "printed", note, path=check.path))
    for c in columns:
        if out and not any(x.fractions == c for x in out) and len(check.problems) == before_all:
            check.problem("set.fractions", f"column {c} has no constraints", c)
    if len(check.problems) != before_all or set_key is None or name is None or source is None or ver is None:
        return None
    return ConstraintSet(set_key, name, source, tuple(sorted(columns)), tuple(out), ver, errata, check.path)


_CONF_ROW_KEYS = ("ptv_cc", "r50_none", "r50_minor", "d2cm_percent_none", "d2cm_percent_minor")


def _parse_conformity(check: _Checker, data: dict[str, Any]) -> ConformityTable | None:
    before = len(check.problems)
    top = check.table(data, "<top>", ("kind", "schema_version", "key", "name", "source", "verification",
                                      "r100_none", "r100_minor", "rows"), ("r100_comparison",))
    if top is None:
        return None
    _header(check, top)
    key = check.text(top, "key", "", nonempty=True)
    if key is not None and not _KEY_RE.match(key):
        check.problem("key", "must be lower-case letters, digits, '_', '.' or '-'", key)
    name = check.text(top, "name", "", nonempty=True)
    source = check.text(top, "source", "", nonempty=True)
    ver = check.text(top, "verification", "", choices=VERIFICATION)
    r100_none = check.number(top, "r100_none", "")
    r100_minor = check.number(top, "r100_minor", "")
    r100_cmp = check.text(top, "r100_comparison", "", required=False, choices=("<", "<="), default="<")
    if r100_none is not None and r100_minor is not None and r100_none > r100_minor:
        check.problem("r100_minor", f"must be >= r100_none ({r100_none:g})", r100_minor)
    raw = top.get("rows")
    rows: list[ConformityRow] = []
    if "rows" in top and (not isinstance(raw, list) or len(raw) < 2):
        check.problem("rows", "must be an array of at least 2 row tables", raw)
        raw = []
    last_ptv: float | None = None
    for i, entry in enumerate(raw or []):
        k = f"rows[{i}]"
        b = len(check.problems)
        d = check.table(entry, k, _CONF_ROW_KEYS)
        if d is None:
            continue
        ptv = check.number(d, "ptv_cc", k, unit="cc")
        r50n = check.number(d, "r50_none", k, minimum=1.0)
        r50m = check.number(d, "r50_minor", k, minimum=1.0)
        d2n = check.number(d, "d2cm_percent_none", k, maximum=100.0)
        d2m = check.number(d, "d2cm_percent_minor", k, maximum=100.0)
        if r50n is not None and r50m is not None and r50n > r50m:
            check.problem(_join(k, "r50_minor"), f"must be >= r50_none ({r50n:g})", r50m)
        if d2n is not None and d2m is not None and d2n > d2m:
            check.problem(_join(k, "d2cm_percent_minor"), f"must be >= d2cm_percent_none ({d2n:g})", d2m)
        if last_ptv is not None and ptv is not None and ptv <= last_ptv:
            check.problem(_join(k, "ptv_cc"), f"rows must be in increasing PTV volume (previous {last_ptv:g} cc)", ptv)
        if ptv is not None:
            last_ptv = ptv
        if len(check.problems) != b or ptv is None or r50n is None or r50m is None or d2n is None or d2m is None:
            continue
        rows.append(ConformityRow(ptv, r50n, r50m, d2n, d2m))
    if len(check.problems) != before or not (key and name and source and ver and r100_cmp) \
            or r100_none is None or r100_minor is None or len(rows) < 2:
        return None
    return ConformityTable(key, name, source, tuple(rows), r100_none, r100_minor, r100_cmp, ver, check.path)


def _parse_reirradiation(check: _Checker, data: dict[str, Any]) -> list[ReirradiationLimit]:
    top = check.table(data, "<top>", ("kind", "schema_version", "limits"))
    if top is None:
        return []
    _header(check, top)
    raw = top.get("limits")
    if "limits" in top and (not isinstance(raw, list) or not raw):
        check.problem("limits", "must be a non-empty array of tables ([[limits]])", raw)
        return []
    out: list[ReirradiationLimit] = []
    for i, entry in enumerate(raw or []):
        k = f"limits[{i}]"
        b = len(check.problems)
        d = check.table(entry, k, ("key", "name", "organ", "metric", "alpha_beta_gy", "max_cumulative_eqd2_gy",
                                   "source", "verification"),
                        ("max_reirradiation_course_eqd2_gy", "max_reirradiation_share", "min_interval_months", "note"))
        if d is None:
            continue
        key = check.text(d, "key", k, nonempty=True)
        if key is not None and not _KEY_RE.match(key):
            check.problem(_join(k, "key"), "must be lower-case letters, digits, '_', '.' or '-'", key)
        name = check.text(d, "name", k, nonempty=True)
        organ = check.text(d, "organ", k, nonempty=True)
        metric_text = check.text(d, "metric", k, nonempty=True)
        if metric_text is not None:
            m = parse_metric(metric_text)
            if m is None or not m.limit_is_dose_gy:
                check.problem(_join(k, "metric"), "must be a dose metric in Gy such as Max[Gy] or D0.1cc[Gy]",
                              metric_text)
        ab = check.number(d, "alpha_beta_gy", k, unit="Gy")
        cum = check.number(d, "max_cumulative_eqd2_gy", k, unit="Gy")
        course = check.number(d, "max_reirradiation_course_eqd2_gy", k, unit="Gy")
        share = check.number(d, "max_reirradiation_share", k, maximum=1.0)
        interval = check.number(d, "min_interval_months", k, positive=False, minimum=0.0)
        source = check.text(d, "source", k, nonempty=True)
        ver = check.text(d, "verification", k, choices=VERIFICATION)
        note = check.text(d, "note", k, required=False) or ""
        if cum is not None and course is not None and course > cum:
            check.problem(_join(k, "max_reirradiation_course_eqd2_gy"),
                          f"must not exceed max_cumulative_eqd2_gy ({cum:g})", course)
        if len(check.problems) != b or not (key and name and organ and metric_text and source and ver) \
                or ab is None or cum is None:
            continue
        out.append(ReirradiationLimit(key, name, organ, metric_text, ab, cum, source, course, share, interval, ver,
                                      note, check.path))
    return out


def _parse_radiobiology(check: _Checker, data: dict[str, Any]) -> Any:
    from .defaults import parse_radiobiology

    try:
        return parse_radiobiology(data, check.path)
    except PresetError as exc:
        check.problems.extend(str(p) for p in (exc.problems or [str(exc)]))
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError) as exc:
        check.problem("<file>", f"radiobiology validator failed: {type(exc).__name__}: {exc}")
    return None


# --------------------------------------------------------------------------------------------
# Files and folders
# --------------------------------------------------------------------------------------------


@dataclass
class _Loaded:
    schemes: list[Scheme] = field(default_factory=list)
    constraint_sets: list[ConstraintSet] = field(default_factory=list)
    conformity: list[ConformityTable] = field(default_factory=list)
    reirradiation: list[ReirradiationLimit] = field(default_factory=list)
    radiobiology: Any = None
    files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _read_toml(path: Path, check: _Checker) -> dict[str, Any] | None:
    """Read a preset file defensively: size limit first, then UTF-8, then TOML."""
    try:
        st = path.stat()
    except OSError as exc:
        check.problem("<file>", f"cannot read: {exc.strerror or exc}")
        return None
    if not path.is_file():
        check.problem("<file>", "not a regular file")
        return None
    if st.st_size > MAX_FILE_BYTES:
        check.problem("<file>", f"file is {st.st_size} bytes, above the {MAX_FILE_BYTES // (1024 * 1024)} MB limit "
                                "for a preset file; not read")
        return None
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        check.problem("<file>", f"cannot read: {exc.strerror or exc}")
        return None
    if len(raw) > MAX_FILE_BYTES:
        check.problem("<file>", f"file grew above the {MAX_FILE_BYTES // (1024 * 1024)} MB limit while being read")
        return None
    return parse_toml_bytes(raw, check)


def parse_toml_bytes(raw: bytes, check: _Checker) -> dict[str, Any] | None:
    """Decode and parse TOML bytes, reporting (not raising) what is wrong."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        check.problem("<file>", f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                                "a preset file must be TOML saved as UTF-8")
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        check.problem("<file>", f"not valid TOML: {exc}")
    except RecursionError:
        check.problem("<file>", "not usable TOML: nested too deeply")
    except (ValueError, TypeError, MemoryError) as exc:  # defensive: tomllib should only raise the above
        check.problem("<file>", f"not valid TOML: {type(exc).__name__}: {exc}")
    return None


def _parse_into(data: Any, check: _Checker, into: _Loaded) -> None:
    if not isinstance(data, dict):
        check.problem("<top>", "a preset file must be a TOML table", data)
        return
    kind = data.get("kind")
    if "kind" not in data:
        check.problem("kind", f"missing: every preset file declares kind = one of {', '.join(KINDS)}")
        return
    if kind not in KINDS:
        check.problem("kind", f"must be one of {', '.join(KINDS)}", kind)
        return
    if kind == "schemes":
        into.schemes.extend(_parse_schemes(check, data))
    elif kind == "constraints":
        cs = _parse_constraints(check, data)
        if cs is not None:
            into.constraint_sets.append(cs)
    elif kind == "conformity":
        ct = _parse_conformity(check, data)
        if ct is not None:
            into.conformity.append(ct)
    elif kind == "reirradiation":
        into.reirradiation.extend(_parse_reirradiation(check, data))
    else:
        rb = _parse_radiobiology(check, data)
        if rb is not None:
            if into.radiobiology is not None:
                check.problem("kind", f"a second radiobiology file in the same folder (first: "
                                      f"{into.radiobiology.path})", kind)
            else:
                into.radiobiology = rb


def parse_preset_data(data: Any, path: str = "<data>") -> PresetSet:
    """Validate already-parsed preset data (a dict as ``tomllib`` returns it).

    Raises
    ------
    PresetError
        Listing every problem, each ``"PATH: key.path: message (got VALUE)"``.
    """
    check = _Checker(path)
    into = _Loaded(files=[path])
    try:
        _parse_into(data, check, into)
    except RecursionError:
        check.problem("<top>", "nested too deeply")
    _finish_duplicates(into, check.problems)
    problems = check.problems
    if problems:
        raise _error(problems)
    return _to_set(into)


def load_preset_file(path: str | Path) -> PresetSet:
    """Read and validate one preset file (PresetError listing every problem)."""
    p = Path(path)
    check = _Checker(str(p))
    into = _Loaded(files=[str(p)])
    data = _read_toml(p, check)
    if data is not None:
        _parse_into(data, check, into)
    _finish_duplicates(into, check.problems)
    if check.problems:
        raise _error(check.problems)
    return _to_set(into)


def _load_folder(folder: Path) -> _Loaded:
    into = _Loaded()
    if folder.is_file():
        files = [folder]
    else:
        try:
            files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".toml")
        except OSError as exc:
            into.problems.append(f"{folder}: <folder>: cannot list: {exc.strerror or exc}")
            return into
    for f in files:
        check = _Checker(str(f))
        into.files.append(str(f))
        data = _read_toml(f, check)
        if data is not None:
            try:
                _parse_into(data, check, into)
            except RecursionError:
                check.problem("<top>", "nested too deeply")
        into.problems.extend(check.problems)
    _finish_duplicates(into, into.problems)
    return into


def _finish_duplicates(into: _Loaded, problems: list[str]) -> None:
    """Duplicates within one folder: same key twice, or the same site/dose/fractions twice."""
    seen: dict[str, Scheme] = {}
    same: dict[tuple[str, float, int], Scheme] = {}
    keep: list[Scheme] = []
    for s in into.schemes:
        if s.key in seen:
            problems.append(f"{s.path}: schemes.{s.key}: duplicate key (first in {seen[s.key].path}) (got {s.key!r})")
            continue
        ident = (s.site, round(s.total_dose_gy, 6), s.fractions)
        if ident in same:
            problems.append(f"{s.path}: schemes.{s.key}: same site, dose and fractions as {same[ident].key!r}: "
                            f"merge the sources into one entry (got {s.label!r})")
            continue
        seen[s.key] = s
        same[ident] = s
        keep.append(s)
    into.schemes = keep
    for attr, what in (("constraint_sets", "constraint set"), ("conformity", "conformity table"),
                       ("reirradiation", "re-irradiation limit")):
        items = getattr(into, attr)
        first: dict[str, Any] = {}
        kept = []
        for item in items:
            if item.key in first:
                problems.append(f"{item.path}: key: duplicate {what} key (first in {first[item.key].path}) "
                                f"(got {item.key!r})")
                continue
            first[item.key] = item
            kept.append(item)
        setattr(into, attr, kept)


def _to_set(into: _Loaded) -> PresetSet:
    return PresetSet(tuple(into.schemes), tuple(into.constraint_sets), tuple(into.conformity),
                     tuple(into.reirradiation), into.radiobiology, tuple(into.files))


def _merge(base: _Loaded, over: _Loaded) -> _Loaded:
    """User entries replace shipped ones with the same key and add new ones."""

    def merged(a: list[Any], b: list[Any]) -> list[Any]:
        by_key = {x.key: x for x in a}
        for x in b:
            by_key[x.key] = x
        return list(by_key.values())

    return _Loaded(
        schemes=merged(base.schemes, over.schemes),
        constraint_sets=merged(base.constraint_sets, over.constraint_sets),
        conformity=merged(base.conformity, over.conformity),
        reirradiation=merged(base.reirradiation, over.reirradiation),
        radiobiology=over.radiobiology if over.radiobiology is not None else base.radiobiology,
        files=base.files + over.files,
        problems=base.problems + over.problems,
    )


def _error(problems: list[str]) -> PresetError:
    head = problems[0] if len(problems) == 1 else f"{len(problems)} problems in presets; first: {problems[0]}"
    return PresetError(head, problems=list(problems), field=problems[0].split(": ", 1)[0])


def check_folder(folder: str | Path) -> PresetReport:
    """Check one folder (or one file) of presets on its own: schema, physics, duplicates.

    Raises
    ------
    PresetError
        Only if *folder* does not exist (bad input); problems inside files are returned.
    """
    p = Path(folder)
    if not p.exists():
        raise PresetError(f"{p}: no such file or folder", field="DIR", value=str(p),
                          allowed="a folder of .toml preset files or one .toml file")
    loaded = _load_folder(p)
    return PresetReport(_to_set(loaded), tuple(loaded.problems), tuple(loaded.files))


def check_presets(user_dir: str | Path | None | _Default = DEFAULT_USER_DIR,
                  shipped_dir: str | Path | None = None) -> PresetReport:
    """Check the shipped presets and the user's, merged (user entries override shipped ones by key)."""
    shipped = Path(shipped_dir) if shipped_dir is not None else shipped_presets_dir()
    base = _load_folder(shipped)
    if not shipped.is_dir():
        base.problems.append(f"{shipped}: <folder>: the shipped presets folder is missing")
    if user_dir is DEFAULT_USER_DIR:
        user: Path | None = user_presets_dir()
    else:
        user = Path(user_dir) if user_dir is not None else None
    if user is not None and user.exists():
        loaded = _merge(base, _load_folder(user))
    else:
        loaded = base
    return PresetReport(_to_set(loaded), tuple(loaded.problems), tuple(loaded.files))


def load_presets(user_dir: str | Path | None | _Default = DEFAULT_USER_DIR,
                 shipped_dir: str | Path | None = None) -> PresetSet:
    """Load and validate the shipped presets plus the user's (which add or override by key).

    Parameters
    ----------
    user_dir : str or Path or None, optional
        Folder of user presets; default :func:`user_presets_dir`; None for shipped presets only.
    shipped_dir : str or Path, optional
        Folder of shipped presets (default: the installed ``presets/``).

    Raises
    ------
    PresetError
        With ``.problems`` listing every problem in every file.
    """
    report = check_presets(user_dir, shipped_dir)
    if report.problems:
        raise _error(list(report.problems))
    return report.presets


@lru_cache(maxsize=1)
def shipped_presets() -> PresetSet:
    """The shipped presets only (cached)."""
    return load_presets(user_dir=None)


@lru_cache(maxsize=1)
def active_presets() -> PresetSet:
    """Shipped plus user presets (cached; :func:`reload_presets` after editing files)."""
    return load_presets()


def reload_presets() -> None:
    """Forget the cached presets so that the next call reads the files again."""
    shipped_presets.cache_clear()
    active_presets.cache_clear()


def schemes_for_site(site: str) -> list[Scheme]:
    """Schemes for a site or group from the shipped + user presets (see :meth:`PresetSet.schemes_for_site`)."""
    return active_presets().schemes_for_site(site)
