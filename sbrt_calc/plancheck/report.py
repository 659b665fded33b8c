"""The plan check as the core's typed tables (:class:`sbrt_calc.table.Table`), Qt-free.

:func:`typed_tables` gives, in order: the status (headline, what failed, what was not checked),
the plan (files, prescription and where it was stated, BED10, site), the target coverage and
quality, the structures (volumes, Dmax, D0.035cc, Dmean, in/outside the dose grid), the organ
limits with their status and verification (unresolved limits and organs not contoured included),
the RTOG conformity and fall-off per target, and the warnings. Every cell carries its status
(:class:`~sbrt_calc.table.Status`): the CLI's text, the app's Qt model and the PDF colour and read
that, never the words. Structure names are text taken from files: each face escapes them.
"""

from __future__ import annotations

from sbrt_calc.plancheck.grade import ConstraintResult, PlanCheckResult
from sbrt_calc.regimen import fractions_text
from sbrt_calc.table import Cell, Column, Status, Table, make_table, number, text, verdict

#: Constraint status (grade.py) -> table status.
_LIMIT_STATUS = {"pass": Status.PASS, "fail": Status.FAIL, "incomplete": Status.INCOMPLETE,
                 "not evaluated": Status.INCOMPLETE}
_OVERALL = {"pass": Status.PASS, "fail": Status.FAIL, "incomplete": Status.INCOMPLETE}
_METRIC = {"pass": Status.PASS, "fail": Status.FAIL, "warning": Status.WARNING, "incomplete": Status.INCOMPLETE,
           "n/a": Status.NA}


def overall_status(result: PlanCheckResult) -> Status:
    """The plan's status as a table status (pass/fail/incomplete)."""
    return _OVERALL[result.status]


def headline(result: PlanCheckResult) -> str:
    """'pass', 'fail: N failed' or 'incomplete: N not checked' (the app's and the PDF's headline)."""
    if result.status == "fail":
        extra = f"; {len(result.not_checked)} not checked" if result.not_checked else ""
        return f"fail: {len(result.failures)} failed{extra}"
    if result.status == "incomplete":
        return f"incomplete: {len(result.not_checked)} not checked"
    return "pass: everything checked and met"


def banner(result: PlanCheckResult) -> tuple[Status, str]:
    """The headline as every face shows it: ``"Plan check: " + headline`` and its status (green pass, amber
    incomplete, red fail through :data:`sbrt_calc.table.STATUS_COLOURS`): the app's headline label and the PDF's
    banner at the top of the plan check section."""
    return overall_status(result), "Plan check: " + headline(result)


def _limit_status(c: ConstraintResult, missing: tuple[str, ...]) -> tuple[Status, str]:
    if c.status == "no structure":
        if c.constraint.organ in missing:
            return Status.INCOMPLETE, "not contoured"
        return Status.NA, "not contoured (not expected)"
    return _LIMIT_STATUS[c.status], c.status


def typed_tables(result: PlanCheckResult) -> tuple[Table, ...]:
    """The plan check's tables (see the module docstring)."""
    tables = [_status_table(result), _plan_table(result), _coverage_table(result), _structures_table(result),
              _limits_table(result), _conformity_table(result)]
    if result.warnings:
        tables.append(make_table("plan_check_warnings", "Plan check: warnings", [("warning", "Warning")],
                                 [[text(w, status=Status.WARNING)] for w in result.warnings]))
    return tuple(tables)


def _status_table(r: PlanCheckResult) -> Table:
    st = overall_status(r)
    rows: list[list[Cell | str]] = [[text("Plan check"), verdict(st, headline(r))]]
    rows += [[text("Failed"), text(f, status=Status.FAIL)] for f in r.failures]
    for n in r.not_checked:
        if n.startswith("not contoured: ") and r.missing_organs:  # one row per organ: readable in any width
            where = f"expected at site {r.site.replace('_', ' ')}" if r.site else "listed by the set (no site given)"
            rows += [[text("Not contoured"), text(f"{organ} ({where})", status=Status.INCOMPLETE)]
                     for organ in r.missing_organs]
        else:
            rows.append([text("Not checked"), text(n, status=Status.INCOMPLETE)])
    notes = ("Pass only when everything was checked and met; anything not checked is 'incomplete' (never a pass).",)
    return make_table("plan_check_status", "Plan check: status", [("item", "Item"), ("status", "Status")], rows,
                      notes=notes, status=st)


def status_below_headline(status_table: Table) -> Table:
    """The status table as shown under the headline (the app's coloured label, the PDF's banner, the CLI's
    first line): without its "Plan check" headline row, so the headline is said once. When nothing failed and
    nothing was left unchecked, one row says so."""
    from dataclasses import replace

    rows = tuple(r for r in status_table.rows if not (r and r[0].text == "Plan check"))
    if not rows:
        rows = ((text("Failed"), verdict(Status.PASS, "none")), (text("Not checked"), verdict(Status.PASS, "none")))
    return replace(status_table, rows=rows)


def _plan_table(r: PlanCheckResult) -> Table:
    p = r.plan
    d = r.as_dict()["prescription"]
    rows: list[list[Cell | str]] = [
        ["RT Dose", r.inputs.rtdose], ["RT Structure Set", r.inputs.rtstruct], ["RT Plan", r.inputs.rtplan or "-"],
        [text("Prescription used"),
         text(f"{p.prescription_gy:g} Gy in {fractions_text(p.fractions)} ({d['dose_per_fraction_gy']:g} Gy/fraction; "
              f"{p.prescription_source})")],
    ]
    kinds = {"agrees": Status.PASS, "differs": Status.WARNING, "warning": Status.WARNING, "info": Status.INFO}
    for s in r.prescription_sources[1:]:
        shown = s.note or (f"{s.total_dose_gy:g} Gy in {s.fractions} fractions" if s.total_dose_gy is not None
                           else "-")
        if s.status == "agrees" and s.total_dose_gy is not None:
            shown = f"{s.total_dose_gy:g} Gy in {s.fractions} fractions: agrees"
        rows.append([text(f"Prescription: {s.source}"), text(shown, status=kinds.get(s.status))])
    bed_cell = number(d["bed10_gy"], "Gy")
    rows += [[text("BED10 (LQ, alpha/beta 10 Gy)"), Cell(f"{bed_cell.text} Gy", d["bed10_gy"], "Gy")],
             [text("Site"), text(r.site.replace("_", " ") if r.site else "not given (RTOG table graded as for lung; "
                                 "every organ of the set expected)")],
             [text("Targets"), text(", ".join(f"{t.name} ({t.structure.dose.volume_cc:.2f} cc)" for t in r.targets))]]
    rows += [[text("Reading"), text(n)] for n in r.reading_notes]
    return make_table("plan_check_plan", "Plan check: plan", [("item", "Item"), ("value", "Value")], rows,
                      notes=("DVHs computed by sbrt-calc from the RT Dose grid and the RT Structure Set contours, "
                             "rasterised with sub-voxel occupancy (each voxel weighted by the part of it inside the "
                             "contour).",))


def _coverage_table(r: PlanCheckResult) -> Table:
    from sbrt_calc.plancheck.grade import COVERAGE_SOURCE, COVERAGE_VERIFICATION

    cols = [Column("target", "Target"), Column("status", "Coverage"), Column("volume", "Volume", "cc", numeric=True),
            Column("v100", "V100%", "%", numeric=True), Column("v90", "V90%", "%", numeric=True),
            Column("d98", "D98%", "Gy", numeric=True), Column("d95", "D95%", "Gy", numeric=True),
            Column("d2", "D2%", "Gy", numeric=True), Column("dmin", "Dmin", "Gy", numeric=True),
            Column("ci", "Paddick CI", numeric=True), Column("gi", "GI", numeric=True),
            Column("hi", "HI (ICRU 83)", numeric=True)]
    rows = []
    for t in r.targets:
        c = t.coverage
        q = c.quality
        st = _OVERALL[c.status]
        v100_st = None if q.v100_percent is None else (Status.PASS if q.v100_percent >= 95 else Status.FAIL)
        v90_st = None if q.v90_percent is None else (Status.PASS if q.v90_percent >= 99 else Status.FAIL)
        if c.status == "incomplete":
            v100_st = v90_st = Status.INCOMPLETE
        rows.append((text(t.name), verdict(st, c.status + (f": {'; '.join(c.reasons)}" if c.reasons else ""),
                                           source=COVERAGE_SOURCE, mark=COVERAGE_VERIFICATION),
                     number(c.volume_cc, "cc", 2), number(q.v100_percent, "%", status=v100_st),
                     number(q.v90_percent, "%", status=v90_st), number(q.d98_gy, "Gy", 2),
                     number(q.d95_gy, "Gy", 2), number(q.d2_gy, "Gy", 2), number(q.dmin_gy, "Gy", 2),
                     number(q.paddick_ci, decimals=2), number(q.gradient_index, decimals=2),
                     number(q.homogeneity_index, decimals=2)))
    notes = ("Coverage criterion: V100% >= 95 % and V90% >= 99 % of the PTV (RTOG 0915/0813; secondary: the "
             "PlanQA_Plugin encoding). Not met = major deviation (fail), the encoding's level for a criterion "
             "without a minor band; the protocols' own minor band, if any, was not read and is not encoded.",
             "Paddick CI = TV_PIV^2/(TV x PIV) (Paddick 2000); GI = V50%/V100% isodose volumes (Paddick and Lippitz "
             "2006); HI = (D2% - D98%)/D50% (ICRU Report 83).")
    return Table("plan_check_coverage", "Plan check: target coverage and quality", tuple(cols), tuple(rows),
                 notes=notes, source=COVERAGE_SOURCE)


def _structures_table(r: PlanCheckResult) -> Table:
    cols = [Column("structure", "Structure"), Column("tg263", "TG-263"), Column("volume", "Volume", "cc", numeric=True),
            Column("in_grid", "In dose grid"), Column("dmax", "Max", "Gy", numeric=True),
            Column("d0035", "D0.035cc", "Gy", numeric=True), Column("dmean", "Mean", "Gy", numeric=True),
            Column("eqd2", "EQD2 LQ D0.035cc", "Gy", numeric=True), Column("ab", "at alpha/beta", "Gy")]
    rows = []
    for s in r.structures:
        row = s.row
        inside = text("yes") if not row["partly_outside_dose_grid"] else text(
            f"PARTLY OUTSIDE ({row['outside_cc']:.3g} cc out)", status=Status.INCOMPLETE)
        rows.append((text(s.name), text(s.tg263_name or "(unmatched)", status=None if s.tg263_name else Status.WARNING),
                     number(row["volume_cc"], "cc", 2), inside, number(row["dmax_gy"], "Gy", 2),
                     number(row["d0_035cc_gy"], "Gy", 2), number(row["dmean_gy"], "Gy", 2),
                     number(s.eqd2.get("d0_035cc_gy"), "Gy", 2), _alpha_beta_cell(s.eqd2)))
    notes = (("Unmatched names (map them to TG-263 names): " + ", ".join(r.unmatched)) if r.unmatched
             else "Every structure matched a TG-263 name.",
             "EQD2 LQ: converted voxel by voxel with the plan's fraction count (equal fractions, full repair), at the "
             "alpha/beta beside it: targets the tumour's, SpinalCord/SpinalCanal the presets' spinal cord value, other "
             "organs the organ alpha/beta (the case's when a case is checked).")
    return Table("plan_check_structures", "Plan check: structures", tuple(cols), tuple(rows), notes=notes,
                 source="Nomenclature: AAPM TG-263, Mayo CS et al., IJROBP 2018;100:1057-1066.")


def _alpha_beta_cell(eqd2: dict[str, object]) -> Cell:
    """The alpha/beta an EQD2 was computed at, with where it comes from: "8 Gy (case tumour alpha/beta)"."""
    ab = eqd2.get("alpha_beta_gy")
    if not isinstance(ab, (int, float)):
        return Cell("-")
    label = eqd2.get("alpha_beta_label")
    return Cell(f"{ab:g} Gy" + (f" ({label})" if label else ""), float(ab), "Gy")


def _limits_table(r: PlanCheckResult) -> Table:
    lk = r.lookup
    cols = [Column("organ", "Organ"), Column("structure", "Structure"), Column("metric", "Metric"),
            Column("limit", "Limit"), Column("plan", "Plan", numeric=True), Column("status", "Status"),
            Column("verification", "Verification"), Column("set", "Set")]
    rows = []
    seen_missing: set[tuple[str, str]] = set()
    for c in r.constraints:
        k = c.constraint
        st, word = _limit_status(c, r.missing_organs)
        if c.status == "no structure":
            if (k.set_key, k.organ) in seen_missing:
                continue
            seen_missing.add((k.set_key, k.organ))
            rows.append((text(k.organ), text("-"), text("-"), text("-"), Cell("-"), verdict(st, word),
                         text("-"), text(k.set_key)))
            continue
        mark = "converted" if k.converted else (k.verification if k.verification in ("printed", "secondary",
                                                                                       "recalled") else "")
        rows.append((text(k.organ), text(c.structure or "-"), text(k.metric),
                     text(f"{k.comparison} {k.limit_text} {k.unit}", source=k.source, mark=mark),
                     number(c.value, k.unit, 2, tooltip=c.note), verdict(st, word, tooltip=c.note),
                     text(k.verification + (" (CONVERTED)" if k.converted else "")), text(k.set_key)))
    for u in r.unresolved:
        st = Status.INCOMPLETE if u.structure else Status.NA
        rows.append((text(u.limit.organ), text(u.structure or "-"), text(u.limit.metric),
                     text("unresolved", source=u.limit.source, tooltip=u.limit.text), Cell("-"),
                     verdict(st, "not checked (unresolved)" if u.structure else "unresolved (not contoured)",
                             tooltip=u.limit.text), text("unresolved"), text(lk.set.key)))
    notes = [x.message for x in r.lookups]
    notes += [f"Unresolved: {u.limit.organ} {u.limit.metric} ({fractions_text(u.limit.fractions)}): {u.limit.text}"
              for u in r.unresolved]
    if r.missing_organs:
        notes.append(f"Not contoured, expected at this site: {', '.join(r.missing_organs)} (incomplete).")
    if r.absent_organs:
        notes.append(f"Not contoured, not expected at this site: {', '.join(r.absent_organs)}.")
    notes += [c.note for c in r.constraints if c.note]
    title = f"Plan check: organ limits ({lk.set.name}, {fractions_text(lk.fractions)})"
    if len(r.lookups) > 1:
        title += " and " + ", ".join(x.set.name for x in r.lookups[1:])
    return Table("plan_check_limits", title, tuple(cols), tuple(rows), notes=tuple(dict.fromkeys(notes)),
                 source=" ".join(x.set.source for x in r.lookups))


def _conformity_table(r: PlanCheckResult) -> Table:
    from sbrt_calc.planning.conformity import metric_status

    cols = [Column("target", "Target"), Column("metric", "Metric"), Column("plan", "Plan", numeric=True),
            Column("none", "No deviation", numeric=True), Column("minor", "Minor deviation", numeric=True),
            Column("grade", "Deviation"),
            Column("status", "Status")]
    rows = []
    notes: list[str] = []
    source = ""
    for t in r.targets:
        conf = t.conformity
        g = conf.grade
        if g is None:
            continue
        source = g.table.source
        for m in g.metrics:
            unit = "%" if m.unit == "%" else ""

            def lim(x: float | None, comparison: str = m.comparison, u: str = unit) -> str:
                return "-" if x is None else f"{comparison} {x:.3g}{' ' + u if u else ''}"

            st = _METRIC[metric_status(m, g.applies)]
            shown = m.grade or "-"
            if not g.applies and m.grade not in (None, "under-coverage"):
                shown = f"{m.grade} (reference only)"
            rows.append((text(t.name), text(m.metric), number(m.value, unit, 3 if not unit else 1),
                         text(lim(m.limit_none)), text(lim(m.limit_minor)), text(shown), verdict(st)))
        notes += [g.message] + ([g.caveat] if g.caveat else []) + list(conf.notes)
        if conf.lungs_v20_percent is not None:
            rows.append((text(t.name), text(f"V20Gy {conf.lungs_structure}"), number(conf.lungs_v20_percent, "%"),
                         text("(organ limits)"), text("-"), text("-"), verdict(Status.INFO, "-")))
    notes.append("R100% or R50% below 1: 'under-coverage' (V100% <= 100 x R100%; below 0.95 coverage cannot be met).")
    return Table("plan_check_conformity", "Plan check: conformity and fall-off (RTOG 0915/0813)", tuple(cols),
                 tuple(rows), notes=tuple(dict.fromkeys(notes)), source=source)


#: The name the whole-case evaluation calls (``PlanCheckEvaluation.tables``): the same typed tables.
report_tables = typed_tables
