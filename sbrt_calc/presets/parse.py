"""Per-kind validation of a parsed preset file (schemes, constraints, conformity, re-irradiation,
radiobiology): each parser returns what validated and reports every problem to the checker."""

from __future__ import annotations

import re
from typing import Any

from sbrt_calc.errors import PresetError, RegimenError
from sbrt_calc.presets.check import _Checker, _header, _join
from sbrt_calc.presets.model import (
    _KEY_RE,
    COMPARISONS,
    DOSE_PER_FRACTION_TOLERANCE_GY,
    SITE_GROUP,
    SITES,
    UNITS,
    VERIFICATION,
    ConformityRow,
    ConformityTable,
    Constraint,
    ConstraintSet,
    ReirradiationLimit,
    Scheme,
    UnresolvedLimit,
    parse_metric,
)
from sbrt_calc.regimen import MAX_DOSE_PER_FRACTION_GY, MAX_FRACTIONS, Regimen

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
                        ("label", "note", "max_size_mm", "min_size_mm", "chest_wall"))
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
        max_mm = check.number(d, "max_size_mm", key, unit="mm", required=False)
        min_mm = check.number(d, "min_size_mm", key, unit="mm", required=False)
        chest_wall = check.text(d, "chest_wall", key, required=False, choices=("away", "abutting")) or None
        if max_mm is not None and min_mm is not None and min_mm >= max_mm:
            check.problem(_join(key, "min_size_mm"), f"must be below max_size_mm ({max_mm:g})", min_mm)
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
                          note or "", ver, max_mm, min_mm, chest_wall, check.path))
    return out


def _parse_constraints(check: _Checker, data: dict[str, Any]) -> ConstraintSet | None:
    top = check.table(data, "<top>", ("kind", "schema_version", "set", "constraints"), ("unresolved",))
    if top is None:
        return None
    _header(check, top)
    before_all = len(check.problems)
    meta = check.table(top.get("set"), "set", ("key", "name", "source", "fractions", "verification"),
                       ("errata", "omitted")) if "set" in top else None
    omitted: list[str] = []
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
        raw_omitted = meta.get("omitted")
        if "omitted" in meta:
            if not isinstance(raw_omitted, list) or not all(isinstance(x, str) and x.strip() for x in raw_omitted):
                check.problem("set.omitted", "must be an array of texts saying what the set leaves out "
                                             "(an empty array if nothing)", raw_omitted)
            else:
                omitted = list(raw_omitted)
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
                        ("note", "source", "verification", "unresolved"))
        if d is None:
            continue
        unresolved = check.text(d, "unresolved", key, required=False, nonempty=True) or ""
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
                              comparison, c_ver or ver or "printed", note, unresolved=unresolved, path=check.path))
    unresolved_rows = _parse_unresolved(check, top, columns, source or "")
    for c in columns:
        if out and not any(x.fractions == c for x in out) and len(check.problems) == before_all:
            check.problem("set.fractions", f"column {c} has no constraints", c)
    if len(check.problems) != before_all or set_key is None or name is None or source is None or ver is None:
        return None
    return ConstraintSet(set_key, name, source, tuple(sorted(columns)), tuple(out), ver, errata, tuple(omitted),
                         tuple(unresolved_rows), check.path)


def _parse_unresolved(check: _Checker, top: dict[str, Any], columns: list[int], set_source: str
                      ) -> list[UnresolvedLimit]:
    """``[[unresolved]]``: limits the source gives whose value is not settled (shown, never used)."""
    raw = top.get("unresolved")
    if raw is None:
        return []
    if not isinstance(raw, list):
        check.problem("unresolved", "must be an array of tables ([[unresolved]])", raw)
        return []
    out: list[UnresolvedLimit] = []
    for i, entry in enumerate(raw):
        key = f"unresolved[{i}]"
        before = len(check.problems)
        d = check.table(entry, key, ("organ", "metric", "fractions", "candidates", "note"), ("source",))
        if d is None:
            continue
        organ = check.text(d, "organ", key, nonempty=True)
        metric = check.text(d, "metric", key, nonempty=True)
        n = check.integer(d, "fractions", key, 1, MAX_FRACTIONS)
        candidates = check.text(d, "candidates", key, nonempty=True)
        note = check.text(d, "note", key, nonempty=True)
        src = check.text(d, "source", key, required=False, nonempty=True)
        if n is not None and columns and n not in columns:
            check.problem(_join(key, "fractions"), f"not one of the set's columns {columns}", n)
        if len(check.problems) != before or not (organ and metric and candidates and note) or n is None:
            continue
        out.append(UnresolvedLimit(organ, metric, n, candidates, note, src or set_source))
    return out


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
        _in_range(check, _join(k, "alpha_beta_gy"), "alpha_beta_gy", ab)
        _in_range(check, _join(k, "max_cumulative_eqd2_gy"), "eqd2_limit_gy", cum)
        _in_range(check, _join(k, "max_reirradiation_course_eqd2_gy"), "eqd2_limit_gy", course)
        if cum is not None and course is not None and course > cum:
            check.problem(_join(k, "max_reirradiation_course_eqd2_gy"),
                          f"must not exceed max_cumulative_eqd2_gy ({cum:g})", course)
        if len(check.problems) != b or not (key and name and organ and metric_text and source and ver) \
                or ab is None or cum is None:
            continue
        out.append(ReirradiationLimit(key, name, organ, metric_text, ab, cum, source, course, share, interval, ver,
                                      note, check.path))
    return out


def _in_range(check: _Checker, key: str, range_name: str, value: float | None) -> None:
    """A problem when ``value`` is outside the range the calculations apply (:mod:`sbrt_calc.radiobiology.ranges`)."""
    if value is None:
        return
    from sbrt_calc.errors import ModelParameterError
    from sbrt_calc.radiobiology.ranges import check_range

    try:
        check_range(range_name, value, "value")
    except ModelParameterError as exc:
        check.problem(key, exc.message)


def _parse_radiobiology(check: _Checker, data: dict[str, Any]) -> Any:
    from sbrt_calc.presets.radiobiology import parse_radiobiology

    try:
        return parse_radiobiology(data, check.path)
    except PresetError as exc:
        check.problems.extend(str(p) for p in (exc.problems or [str(exc)]))
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError) as exc:
        check.problem("<file>", f"radiobiology validator failed: {type(exc).__name__}: {exc}")
    return None


