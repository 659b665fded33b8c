"""A re-irradiation result as typed tables (:mod:`sbrt_calc.table`) and its DVH figure: what the app's
Re-irradiation view and the PDF report render (one place computes; every face renders).

Tables, by key: ``reirradiation_courses``, ``reirradiation_structures`` (the alpha/beta of each structure
with its reason and source), ``reirradiation_limits`` (each check with pass/fail/incomplete and the verdict
across the alpha/beta range and LQ vs LQ-L: "holds in all" or "depends (least favourable: ...)"),
``reirradiation_largest`` (the largest new course per fraction count) and ``reirradiation_assumptions`` (the
assumptions word for word, :data:`~sbrt_calc.reirradiation.evaluate.ASSUMPTIONS`).
"""

from __future__ import annotations

from typing import Any

from sbrt_calc.reirradiation.evaluate import ASSUMPTIONS, LimitResult, ReirradiationResult, assumptions_for
from sbrt_calc.table import Column, Status, Table, number, text, verdict

#: The consensus' terms, only as far as the summary read supports them (the consensus itself was not read): the
#: program computes the cumulative dose; it does not classify the case.
TERMS = ("Terms: the cumulative dose is the sum of the courses' doses in EQD2, as the ESTRO-EORTC re-irradiation "
         "consensus uses the term (Andratschke N et al., Lancet Oncol 2022). The consensus sorts re-irradiation into "
         "two types by whether the irradiated volumes overlap geometrically and by concern for toxicity from the "
         "cumulative dose, and names 'repeat organ irradiation' and 'repeat irradiation' for cases without such "
         "overlap (as summarised by the 2023 ASTRO education panel, Ann Palliat Med 2024, doi:10.21037/apm-24-4). "
         "This program does not classify the case as Type 1 or Type 2: it computes the cumulative dose those "
         "categories are judged on.")

#: What the cumulative DVH figure marks (the legend of the report and the view).
DVH_LEGEND = ("Cumulative EQD2 DVHs (each structure at its own alpha/beta); the vertical line at each limited "
              "structure's cumulative limit (EQD2, the limit's alpha/beta), red when it fails.")


def model_name(model: str) -> str:
    """'lq' -> 'LQ', 'lql' -> 'LQ-L'."""
    return {"lq": "LQ", "lql": "LQ-L"}.get(model, model.upper())


def sensitivity_text(lim: LimitResult) -> str:
    """'holds in all' or 'depends (least favourable: LQ-L at alpha/beta 0.87 Gy: fail)'; 'not evaluated'."""
    if lim.sensitivity != "depends":
        return lim.sensitivity
    c = lim.least_favourable
    if c is None:
        return "depends"
    return (f"depends (least favourable: {model_name(c.model)} at alpha/beta {c.alpha_beta_gy:g} Gy: {c.status}; "
            f"cumulative EQD2 Dmax {c.cumulative_max_gy:.1f} Gy)")


def headline(result: ReirradiationResult) -> str:
    """One line: the overall status and what it rests on."""
    n_fail = sum(1 for lim in result.limits if lim.status == Status.FAIL)
    n_inc = sum(1 for lim in result.limits if lim.status == Status.INCOMPLETE)
    n = len(result.courses)
    parts = [f"{n} course{'' if n == 1 else 's'} summed in EQD2" + ("" if result.new_plan else " (no new plan yet)"),
             f"{len(result.limits)} cumulative limit"
             f"{'' if len(result.limits) == 1 else 's'}"]
    if n_fail:
        parts.append(f"{n_fail} failed")
    if n_inc:
        parts.append(f"{n_inc} not complete")
    return f"{str(result.status).upper()}: " + ", ".join(parts)


def courses_table(result: ReirradiationResult) -> Table:
    rows = []
    for i, c in enumerate(result.courses):
        new = result.new_plan and i == len(result.courses) - 1
        outside = 0.0 if new else result.resampled[i].outside_fraction
        rows.append((text(c.label, tooltip=c.grid.path), text("new" if new else "previous"), number(c.fractions),
                     number(float(c.grid.dose.max()), "Gy", 2), text(c.frame_of_reference_uid),
                     number(100 * outside, "%", 1, status=Status.INCOMPLETE if outside > 0 else None,
                            tooltip="share of the new course's grid this course's grid does not reach (dose "
                                    "unknown there)")))
    notes = tuple(n for c in result.courses for n in c.notes)
    title = ("Re-irradiation: courses (oldest first, the new course last)" if result.new_plan else
             "Re-irradiation: earlier courses (no new plan yet; the last one's grid is the grid of the sum)")
    return Table("reirradiation_courses", title,
                 (Column("course", "Course"), Column("role", "Role"), Column("fractions", "Fractions", numeric=True),
                  Column("dmax", "Dmax", "Gy", numeric=True), Column("frame", "Frame of reference"),
                  Column("outside", "New grid not reached", "%", numeric=True)), tuple(rows), notes=notes)


def structures_table(result: ReirradiationResult) -> Table:
    rows = []
    for s in result.structures:
        ab = s.alpha_beta
        sd = s.dose
        mean = (float((sd.doses_gy * sd.volumes_cc).sum() / sd.volumes_cc.sum()) if sd.volumes_cc.size
                and sd.volumes_cc.sum() > 0 else None)
        unknown = max(s.outside_previous.values(), default=0.0)
        rows.append((text(s.name), text(ab.tg263_name or "-"),
                     number(ab.alpha_beta_gy, "Gy", 2, source=ab.source, mark=ab.verification
                            if ab.verification in ("printed", "secondary", "recalled", "converted", "choice",
                                                   "computed") else "", tooltip=ab.reason),
                     number(sd.volume_cc, "cm³", 1), number(sd.max_gy, "Gy", 1), number(mean, "Gy", 1),
                     number(100 * unknown, "%", 1, status=Status.INCOMPLETE if unknown > 0 else None),
                     text(ab.reason)))
    d = result.default_alpha_beta
    notes = (f"Voxels in no structure: alpha/beta {d.alpha_beta_gy:g} Gy ({d.reason}; {d.source}). Where "
             "structures overlap the lowest alpha/beta is used in the summed EQD2 map.",
             f"Map and DVHs in {model_name(result.model)}"
             + (f" (transition dose {result.transition_dose_gy:g} Gy)" if result.model == "lql" else "")
             + "; limits graded in LQ, their scale.")
    return Table("reirradiation_structures", "Re-irradiation: structures, alpha/beta and cumulative EQD2",
                 (Column("structure", "Structure"), Column("tg263", "TG-263 name"),
                  Column("alpha_beta", "α/β", "Gy", numeric=True),
                  Column("volume", "Volume", "cm³", numeric=True), Column("max", "Cum. EQD2 max", "Gy", numeric=True),
                  Column("mean", "Cum. EQD2 mean", "Gy", numeric=True),
                  Column("unknown", "Outside an earlier grid", "%", numeric=True), Column("why", "Why this α/β")),
                 tuple(rows), notes=notes)


def limits_table(result: ReirradiationResult) -> Table:
    rows = []
    notes: list[str] = []
    sources: list[str] = []
    for lim in result.limits:
        sens = sensitivity_text(lim)
        sens_status = Status.WARNING if lim.sensitivity == "depends" else (
            Status.INCOMPLETE if lim.sensitivity == "not evaluated" else None)
        what = f"{lim.name} (α/β {lim.alpha_beta_gy:g} Gy, LQ)"
        where = text(lim.structure or f"{lim.organ} (not contoured)", tooltip=what)
        notes.append(f"{lim.structure or lim.organ}: {what}.")
        if not lim.checks:
            rows.append((where, text("-"), number(None), text("-"), verdict(lim.status), text(sens, status=sens_status)))
        for c in lim.checks:
            unit = f" {c.unit}" if c.unit else ""
            rows.append((where, text(c.name, tooltip=c.note), number(c.value, c.unit, 3 if not c.unit else 1),
                         text(f"{c.comparison} {c.limit:g}{unit}"),
                         verdict(c.status, source=lim.source, mark=lim.verification
                                 if lim.verification in ("printed", "secondary", "recalled", "converted", "choice",
                                                         "computed") else "", tooltip=c.note),
                         text(sens, status=sens_status)))
        notes += [f"{lim.structure or lim.organ}: {n}" for n in lim.notes]
        if lim.source and lim.source not in sources:
            sources.append(lim.source)
    if not result.limits:
        notes.append("No re-irradiation limit in the presets: nothing graded (not a pass).")
    from sbrt_calc.reirradiation.evaluate import ALPHA_BETA_CHECK_GY

    notes.append("Across α/β and model: each verdict recomputed at alpha/beta "
                 + ", ".join(f"{a:g}" for a in ALPHA_BETA_CHECK_GY) + " Gy under LQ and LQ-L; 'holds in all' when "
                 "every case gives the same verdict, else 'depends' with the least favourable case named.")
    return Table("reirradiation_limits", "Re-irradiation: cumulative limits",
                 (Column("structure", "Structure"), Column("check", "Check"), Column("value", "Value", numeric=True),
                  Column("allowed", "Limit"), Column("status", "Verdict"),
                  Column("sensitivity", "Across α/β and model")), tuple(rows), notes=tuple(notes),
                 source="; ".join(sources), status=result.status if result.limits else Status.INCOMPLETE)


def _grouped(where: dict[str, list[int]]) -> list[str]:
    """Each note once, with the fraction counts it was said for ('1, 3 fractions: ...')."""
    return [f"{', '.join(str(n) for n in ns)} fraction{'' if ns == [1] else 's'}: {note}" for note, ns in where.items()]


def largest_table(result: ReirradiationResult) -> Table:
    if not result.new_plan:
        return uniform_table(result)
    rows = []
    where: dict[str, list[int]] = {}
    for big in result.largest:
        new = result.courses[-1]
        dmax = float(new.grid.dose.max())
        rows.append((number(big.fractions), number(big.scale, "", 4), number(None if big.scale is None else
                                                                              big.scale * dmax, "Gy", 2),
                     text(big.limiting_structure or "-"), text(big.limiting_check or "-"), verdict(big.status),
                     number(big.least_scale, "", 4), text(big.least_case or "-")))
        for n in big.notes:
            where.setdefault(n, []).append(big.fractions)
    notes = _grouped(where)
    notes.append("Scale: the factor on the new plan's whole dose grid, given in the fraction count of the row, for "
                 "which every cumulative limit still holds (LQ at the limit's alpha/beta); New Dmax: the new plan's "
                 "maximum physical dose at that scale; 'least scale': the smallest such factor over the check cases "
                 "(alpha/beta range, LQ and LQ-L), with the least favourable case named.")
    return Table("reirradiation_largest", "Re-irradiation: the largest new course that fits",
                 (Column("fractions", "Fractions", numeric=True), Column("scale", "Largest scale", numeric=True),
                  Column("dmax", "New Dmax", "Gy", numeric=True,
                         tooltip="the new plan's maximum physical dose at that scale, given in the row's fractions"),
                  Column("limiting", "Limiting structure"), Column("check", "Limiting check"),
                  Column("status", "Status"), Column("least", "Least scale", numeric=True,
                                                     tooltip="the smallest scale over alpha/beta and LQ/LQ-L"),
                  Column("case", "Least favourable case")), tuple(rows), notes=tuple(notes))


def uniform_table(result: ReirradiationResult) -> Table:
    """No new plan yet: the largest uniform prescription to the target's voxels per fraction count."""
    rows = []
    where: dict[str, list[int]] = {}
    for big in result.largest:
        rows.append((number(big.fractions), number(big.scale, "Gy", 2), number(None if big.scale is None else
                                                                                big.scale / big.fractions, "Gy", 2),
                     text(big.target or "-"), text(big.limiting_structure or "-"), text(big.limiting_check or "-"),
                     verdict(big.status), number(big.least_scale, "Gy", 2), text(big.least_case or "-")))
        for n in big.notes:
            where.setdefault(n, []).append(big.fractions)
    notes = _grouped(where)
    notes.append("No new plan yet: the new course is taken to give the prescription uniformly to every voxel the "
                 "target touches and their neighbours; where a limited structure meets them it gets the whole "
                 "prescription. The largest prescription for which every cumulative limit still holds there (LQ at "
                 "the limit's alpha/beta); 'least': the smallest over alpha/beta and LQ/LQ-L.")
    return Table("reirradiation_largest", "Re-irradiation: the largest uniform prescription to the target",
                 (Column("fractions", "Fractions", numeric=True),
                  Column("prescription", "Largest prescription", "Gy", numeric=True),
                  Column("per_fraction", "Per fraction", "Gy", numeric=True), Column("target", "Target"),
                  Column("limiting", "Limiting structure"), Column("check", "Limiting check"),
                  Column("status", "Status"), Column("least", "Least", "Gy", numeric=True),
                  Column("case", "Least favourable case")), tuple(rows), notes=tuple(notes))


def assumptions_table(result: Any = None) -> Table:
    """The assumptions stated to the user, word for word (numbered)."""
    return Table("reirradiation_assumptions", "Re-irradiation: assumptions",
                 (Column("n", "#", numeric=True), Column("assumption", "Assumption")),
                 tuple((number(i), text(a)) for i, a in enumerate(
                     ASSUMPTIONS if result is None else assumptions_for(result.new_plan), start=1)), notes=(TERMS,))


def typed_tables(result: ReirradiationResult) -> tuple[Table, ...]:
    """Every table of the result, in the order the report and the view show them."""
    tables = [courses_table(result), limits_table(result), structures_table(result)]
    if result.largest:
        tables.append(largest_table(result))
    tables.append(assumptions_table(result))
    return tuple(tables)


def draw_cumulative_dvh(fig: Any, result: ReirradiationResult) -> Any:
    """Draw the cumulative EQD2 DVHs (volume %) on the matplotlib Figure *fig*, with each graded limit as a
    vertical line at its structure (green: pass, red: fail, amber: incomplete); returns the axes."""
    from sbrt_calc.table import STATUS_COLOURS

    ax = fig.add_subplot()
    palette = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
               "#bcbd22", "#17becf")
    colour: dict[str, str] = {}
    for i, s in enumerate(result.structures):
        sd = s.dose
        if sd.empty or sd.in_grid_cc <= 0:
            continue
        dose, vol = sd.cumulative()
        colour[s.name] = palette[i % len(palette)]
        ax.plot(dose, 100.0 * vol / sd.in_grid_cc, color=colour[s.name],
                label=f"{s.name} (α/β {s.alpha_beta.alpha_beta_gy:g})")
    for lim in result.limits:
        if lim.structure is None or not lim.checks:
            continue
        c = lim.checks[0]
        ax.axvline(c.limit, color=STATUS_COLOURS.get(lim.status, ("#888888", ""))[0], linestyle="--", linewidth=1.2)
        ax.annotate(f"{lim.structure} ≤ {c.limit:g} Gy: {lim.status}", (c.limit, 3), rotation=90, fontsize=7,
                    ha="right", va="bottom", color=STATUS_COLOURS.get(lim.status, ("#888888", ""))[0])
    ax.set_xlabel(f"Cumulative EQD2 ({model_name(result.model)}) [Gy]")
    ax.set_ylabel("Volume [%]")
    ax.set_ylim(0, 102)
    ax.set_xlim(left=0)
    ax.grid(True, alpha=0.3)
    ax.set_title(f"Cumulative DVH - {str(result.status).upper()}", fontsize=9)
    if colour:
        ax.legend(fontsize=7, loc="upper right")
    return ax


def dvh_png(result: ReirradiationResult, width_in: float = 7.0, height_in: float = 4.0, dpi: int = 150) -> bytes:
    """The cumulative DVH figure as PNG bytes (matplotlib's Agg backend; no Qt)."""
    from matplotlib.figure import Figure

    from sbrt_calc.figure_png import figure_png

    fig = Figure(figsize=(width_in, height_in), dpi=dpi, layout="constrained")
    draw_cumulative_dvh(fig, result)
    return figure_png(fig)   # drawn once: savefig's pixels (sbrt_calc.figure_png)
