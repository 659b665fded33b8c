"""The evaluated case's sections as typed tables (:mod:`sbrt_calc.table`), the same for every face.

``compare --case`` prints them as text, the PDF report lays them out, the app shows them through the
core's HTML renderer: the eligibility verdict with its label ("PENDING (rebiopsy)"), the lesions with
their schemes marked against the case's flag line, the planning checks and the plan check with its
prescription against the case's line. Colours come from each cell's status, never from its words.
"""

from __future__ import annotations

from typing import Any

from sbrt_calc.evaluation import Evaluation
from sbrt_calc.regimen import fractions_text
from sbrt_calc.table import Cell, Column, Status, Table, as_table, text

#: Status of an eligibility verdict: supported (pass), not supported (fail), not assessable yet /
#: pending a rebiopsy (incomplete: something is still missing), no progression (n/a).
VERDICT_STATUS = {"supported": Status.PASS, "not_supported": Status.FAIL, "not_yet_assessable": Status.INCOMPLETE,
                  "pending_rebiopsy": Status.INCOMPLETE, "no_progression": Status.NA}


def flag_status(applies: bool, reached: bool | None) -> Status | None:
    """The status of a BED10 against the flag line: n/a where it does not apply, pass when reached, warning (amber)
    when not: the line is a correlation with local control (seed 004), not a limit, so never a failure."""
    if not applies:
        return Status.NA
    if reached is None:
        return None
    return Status.PASS if reached else Status.WARNING


def eligibility_tables(ev: Evaluation) -> tuple[Table, ...]:
    """The verdict (label and status), and the progressing lesions with their schemes against the case's line."""
    e = ev.eligibility
    if e is None:
        return ()
    a = e.assessment
    line = e.flag
    head = Table("eligibility_verdict", "Eligibility (oligoprogression)",
                 (Column("item", "Item"), Column("value", "Value")),
                 ((text("Local ablative therapy while continuing the current agent"),
                   Cell(e.verdict_label, e.verdict, "", VERDICT_STATUS.get(e.verdict))),
                  (text("Classification"), text(a.classification.replace("_", " ")
                                                + (f" ({a.definition} definition)" if a.definition else ""))),
                  (text("Verdict"), text(a.headline))))
    lesions = lesion_table(a, line)
    return (head, lesions) if lesions.rows else (head,)


def lesion_table(a: Any, line: Any) -> Table:
    """The progressing lesions of an assessment (:class:`~sbrt_calc.eligibility.result.Assessment`): local therapy
    and why, the preset schemes' BED10 against the case's flag line ``line`` (or why the line does not apply at the
    site), and the scheme chosen. The last cell carries the :class:`~sbrt_calc.table.Action` "plan" of the lesion
    (the app's "Plan this lesion" link; :meth:`~sbrt_calc.table.Table.actions`)."""
    from sbrt_calc.table import Action

    rows = []
    for les in a.lesions:
        schemes = []
        for s in les.schemes:
            mark = "" if not s.flag_applies else (f" > {line.bed_gy:g}" if s.bed10_above_threshold
                                                  else f" ≤ {line.bed_gy:g}")
            extra = ("" if s.verification == "printed" else f" [{s.verification}]") + \
                (f" ⚠ {s.warning}" if s.warning else "") + (f" ({s.note})" if s.note else "")
            schemes.append(f"{s.label} (BED10 {s.bed10_gy:.1f} Gy, LQ{mark}){extra}")
        if les.excluded:
            schemes.append("left out: " + "; ".join(les.excluded))
        reason = les.flag_reason[:1].lower() + les.flag_reason[1:]
        flag = f"{line.label}: applies" if les.flag_applies else f"{line.label} flag: {reason}"
        choice = les.choice or {}
        plan = "Plan this lesion ▸ " + (choice.get("label") or "no scheme") + \
            (f": {choice['reason']}" if choice.get("reason") else "")
        name = f"#{les.index + 1} {les.site}" + (f", {les.location}" if les.location else "") \
            + (f" ({les.label})" if les.label else "") + (", symptomatic" if les.symptomatic else "")
        why = " ".join([les.reason, *(c.text for c in les.considerations)])
        rows.append((text(name), text(les.status), text(f"{les.local_therapy}, {les.intent}: {why}", source=les.source),
                     text("; ".join(schemes) or les.schemes_note or "-"),
                     text(flag, status=Status.INFO if les.flag_applies else Status.NA, source=les.flag_source),
                     Cell(plan, choice.get("label") or None, "", None, choice.get("source", ""),
                          action=Action("plan", les.index))))
    return Table("eligibility_lesions", "Progressing lesions: local therapy and preset schemes",
                 (Column("lesion", "Lesion"), Column("status", "Status"), Column("therapy", "Local therapy and why"),
                  Column("schemes", "Preset schemes (BED10 LQ)"), Column("flag", "Flag line"),
                  Column("planned", "Plan this lesion")), tuple(rows),
                 notes=(f"BED10: LQ at alpha/beta {line.alpha_beta_gy:g} Gy from the prescription; the flag line is "
                        f"{line.label} ({line.verification}).",), widths=(11, 11, 32, 20, 10, 16))


def planning_tables(ev: Evaluation) -> tuple[Table, ...]:
    """The planning checks (inputs with the planned regimen against the case's line, conformity, cumulative
    dose, organ limits) as typed tables."""
    p = ev.planning
    if p is None:
        return ()
    return tuple(as_table(t) for t in p.tables)


def plan_check_tables(ev: Evaluation) -> tuple[Table, ...]:
    """The plan check: its prescription against the case's flag line, then the plan check's own tables."""
    pc = ev.plan_check
    if pc is None or pc.result is None:
        return ()
    first = prescription_table(pc, ev.settings.tumour_alpha_beta_gy)
    return (first,) + tuple(as_table(t) for t in pc.tables())


def prescription_table(pc: Any, tumour_alpha_beta_gy: float) -> Table:
    """The plan's prescription against the case (a :class:`~sbrt_calc.evaluation_results.PlanCheckEvaluation` with
    a result): the prescription, the case's planned regimen (agrees or differs: the plan check's comparison), the
    BED10 against the case's flag line and the BED at the case's tumour alpha/beta, as the Planning tab words and
    rounds them (BED to 0.1 Gy)."""
    result = pc.result
    plan = result.plan
    line = pc.flag
    ab = line.alpha_beta_gy if line is not None else 10.0
    case = next((x for x in result.prescription_sources if x.source == "case regimen"), None)
    if case is None:
        planned = (text("Case regimen (Planning)"), text("none planned: not compared", status=Status.NA))
    else:
        regimen = f"{case.total_dose_gy:g} Gy in {fractions_text(case.fractions)}" \
            if case.total_dose_gy is not None else "-"
        agrees = case.status == "agrees"
        planned = (text("Case regimen (Planning)"),
                   Cell(f"{regimen}: {'agrees' if agrees else 'DIFFERS from the prescription'}", case.status, "",
                        Status.PASS if agrees else Status.WARNING, tooltip=case.note))
    return Table("plan_check_flag", "Plan check: prescription against the case",
                 (Column("item", "Item"), Column("value", "Value")),
                 ((text("Prescription"), Cell(f"{plan.prescription_gy:g} Gy in {fractions_text(plan.fractions)}",
                                              plan.prescription_gy, "Gy", source=plan.prescription_source)),
                  planned,
                  (text(f"BED{ab:g} (LQ, alpha/beta {ab:g})"),
                   Cell(pc.flag_text, pc.bed10_gy, "Gy", flag_status(pc.flag_applies, pc.flag_reached),
                        source="" if line is None else line.source)),
                  *_tumour_row(plan.prescription_gy, plan.fractions, line, tumour_alpha_beta_gy)),
                 source="" if line is None else f"{line.label}: {line.scale}")


def _tumour_row(total_gy: float, fractions: int, line: Any, tumour_alpha_beta_gy: float) -> tuple[tuple[Cell, Cell], ...]:
    from sbrt_calc.planning.section import tumour_bed_row
    from sbrt_calc.regimen import Regimen

    row = tumour_bed_row(Regimen(total_gy, fractions), line, tumour_alpha_beta_gy)
    return () if row is None else (row,)


def section_tables(ev: Evaluation) -> tuple[Table, ...]:
    """Every section's tables in report order: eligibility, planning, plan check."""
    return eligibility_tables(ev) + planning_tables(ev) + plan_check_tables(ev)


def flag_at_site_text(ev: Evaluation) -> str:
    """'Planned site spine: BED10 > 80 Gy not applicable (...)' or '' when the case has no planned site."""
    f = ev.flag_at_site
    if f is None:
        return ""
    return f"Planned site {f.site.replace('_', ' ') if f.site else '-'}: {f.reason} [{f.source}]"
