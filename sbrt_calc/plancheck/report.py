"""The plan check as report tables (:class:`sbrt_calc.report.content.ReportTable`), Qt-free.

:func:`report_tables` gives, in order: the plan (files, prescription, BED10, target), the
structures (volumes, Dmax, D0.035cc, Dmean, in/outside the dose grid), the organ limits with
pass/fail and verification, the RTOG conformity and fall-off, and the warnings. The CLI's text
output and the PDF report show these same tables.
"""

from __future__ import annotations

from sbrt_calc.plancheck.grade import PlanCheckResult
from sbrt_calc.report.content import ReportTable


def _f(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}g}"


def report_tables(result: PlanCheckResult) -> tuple[ReportTable, ...]:
    """The plan check's report section as tables of text."""
    d = result.as_dict()
    p = d["prescription"]
    plan = ReportTable(
        "Plan check: plan", ("Item", "Value"),
        (("RT Dose", result.inputs.rtdose), ("RT Structure Set", result.inputs.rtstruct),
         ("RT Plan", result.inputs.rtplan or "-"),
         ("Prescription", f"{p['total_dose_gy']:g} Gy in {p['fractions']} fractions "
                          f"({p['dose_per_fraction_gy']:g} Gy/fraction; {p['source']})"),
         ("BED10 (LQ, alpha/beta 10 Gy)", f"{p['bed10_gy']:.1f} Gy"),
         ("Target", f"{result.target.name}, {result.target.dose.volume_cc:.2f} cc")),
        notes=("DVHs from the dose at each voxel's centre; structures rasterised with sub-voxel occupancy "
               "(see sbrt_calc.plancheck.raster).",))
    rows = []
    for s in result.structures:
        r = s.row
        where = "yes" if not r["partly_outside_dose_grid"] else f"PARTLY OUTSIDE ({r['outside_cc']:.3g} cc out)"
        rows.append((s.name, s.tg263_name or "(unmatched)", _f(r["volume_cc"], 4), where, _f(r["dmax_gy"]),
                     _f(r["d0_035cc_gy"]), _f(r["dmean_gy"]), _f(s.eqd2.get("d0_035cc_gy")),
                     format(s.eqd2.get("alpha_beta_gy", 0), "g")))
    structures = ReportTable(
        "Plan check: structures",
        ("Structure", "TG-263", "Volume cc", "In dose grid", "Max Gy", "D0.035cc Gy", "Mean Gy",
         "EQD2 LQ D0.035cc Gy", "a/b Gy"), tuple(rows),
        notes=(("Unmatched names (map them to TG-263 names): " + ", ".join(result.unmatched))
               if result.unmatched else "Every structure matched a TG-263 name.",
               "EQD2 LQ: converted voxel by voxel with the plan's fraction count (equal fractions, full repair)."),
        source="Nomenclature: AAPM TG-263, Mayo CS et al., IJROBP 2018;100:1057-1066.")
    lk = result.lookup
    crow = []
    for c in result.constraints:
        k = c.constraint
        if c.status == "no structure":
            continue
        crow.append((k.organ, c.structure or "-", k.metric, f"{k.comparison} {k.limit:g} {k.unit}",
                     _f(c.value, 4), c.status.upper() if c.status == "fail" else c.status,
                     k.verification + (" (CONVERTED)" if k.converted else "")))
    missing = sorted({c.constraint.organ for c in result.constraints if c.status == "no structure"})
    constraints = ReportTable(
        f"Plan check: organ limits ({lk.set.name}, {lk.fractions} fractions)",
        ("Organ", "Structure", "Metric", "Limit", "Plan", "Status", "Verification"), tuple(crow),
        notes=(lk.message,) + ((f"No structure for: {', '.join(missing)}.",) if missing else ())
        + tuple(c.note for c in result.constraints if c.note),
        source=lk.set.source)
    conf = result.conformity
    g = conf.grade
    mrows = []
    if g is not None:
        for m in g.metrics:
            lim = "-" if m.limit_none is None else f"{m.comparison} {m.limit_none:.3g} / {m.limit_minor:.3g}"
            mrows.append((m.metric, _f(m.value, 4) + (" %" if m.unit == "%" else ""), lim, m.grade or "-"))
    if conf.lungs_v20_percent is not None:
        mrows.append((f"V20Gy {conf.lungs_structure}", f"{conf.lungs_v20_percent:.3g} %", "(organ limits)", "-"))
    conformity = ReportTable(
        "Plan check: conformity and fall-off (RTOG 0915/0813)", ("Metric", "Plan", "Limit none / minor", "Deviation"),
        tuple(mrows), notes=((g.message,) if g else ()) + conf.notes, source=g.table.source if g else "")
    tables = [plan, structures, constraints, conformity]
    if result.warnings:
        tables.append(ReportTable("Plan check: warnings", ("Warning",), tuple((w,) for w in result.warnings)))
    return tuple(tables)
