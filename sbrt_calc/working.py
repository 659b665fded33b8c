"""'Show the working' for one evaluated row: each formula with its numbers substituted, the model's
assumptions and parameters with human names, and the sources.

The results after '=' are the evaluation's (the same numbers the table shows, at the table's rounding
or at full precision on demand); the substitutions only restate the inputs and the parameters.
Formulas: LQ (Fowler 1989), LQ-L (Astrahan 2008), USC and SFED in Park's form (Park 2008).
"""

from __future__ import annotations

from dataclasses import dataclass

from sbrt_calc.evaluation import EvaluationSettings, RowEvaluation
from sbrt_calc.regimen import fractions_text

ASSUMPTIONS = {
    "lq": "Cell kill −ln S = n(αd + βd²): complete repair between fractions, no repopulation, uniform dose. "
          "Derived from conventional doses; this tool flags it above 8 Gy per fraction (Brenner 2008: validated "
          "to about 10 Gy, reasonable to about 18 Gy).",
    "lql": "LQ up to the transition dose d_T, then the LQ curve's tangent (linear in d) above it, so the curve and "
           "its slope are continuous at d_T. d_T is a convention (6 Gy here, near Park's 6.2 Gy; 2·α/β elsewhere).",
    "usc": "Park's universal survival curve: LQ at the USC's own α/β below D_T, the multi-target asymptote "
           "(d − Dq)/D0 above it. Fitted to one NSCLC cell line (H460); it has its own α/β and gives no "
           "organ-at-risk numbers.",
}
PARAMETER_NAMES = {
    "validity_dose_per_fraction_gy": ("LQ caveat above", "Gy per fraction"),
    "transition_dose_gy": ("transition dose d_T", "Gy"),
    "alpha_per_gy": ("α", "/Gy"), "d0_gy": ("D0", "Gy"), "dq_gy": ("Dq", "Gy"),
    "beta_per_gy2": ("β (derived)", "/Gy²"), "alpha_beta_gy": ("α/β (derived)", "Gy"),
}


@dataclass(frozen=True)
class Section:
    """A titled block of lines (plain text with Unicode; the faces add markup)."""

    title: str
    lines: tuple[str, ...]


def parameters_text(params: dict[str, float]) -> str:
    """'α = 0.33 /Gy, D0 = 1.25 Gy, ...' (human names, units; the USC's derived transition is D_T)."""
    parts = []
    usc = "d0_gy" in params
    for k, v in params.items():
        name, unit = ("D_T (derived)", "Gy") if usc and k == "transition_dose_gy" else PARAMETER_NAMES.get(k, (k, ""))
        parts.append(f"{name} = {v:.4g} {unit}".strip())
    return ", ".join(parts)


def working(r: RowEvaluation, s: EvaluationSettings, full: bool = False, decimals: int = 1) -> tuple[Section, ...]:
    """The working of row ``r`` under ``s``; numbers at ``decimals`` (the table's), or all digits if ``full``."""
    def g(x: float) -> str:
        return f"{x:.6g}"

    def res(x: float | None) -> str:
        return "—" if x is None else (repr(float(x)) if full else f"{x:.{decimals}f}")

    if not r.valid or r.regimen is None:
        return (Section(f"Row {r.index + 1}: no result", (r.error or "invalid input",
                                                          "Nothing is computed for this row until it is valid.")),)
    reg = r.regimen
    n, d, total = reg.fractions, reg.dose_per_fraction_gy, reg.total_dose_gy
    out = []
    loss = r.time.bed_loss_gy if r.time is not None and r.time.applied else 0.0
    minus = f" − {g(loss)} (time correction)" if loss else ""
    fl = s.flag
    out.append(Section(
        f"Row {r.index + 1}: {reg.label} — {g(total)} Gy in {fractions_text(n)} of {g(d)} Gy",
        (f"BED10 (LQ, the scale of the lines) = n·d·(1 + d/(α/β)){minus} = {n} × {g(d)} × (1 + {g(d)}/10){minus} "
         f"= {res(r.bed10_gy)} Gy",
         f"{fl.label}: {res(r.bed10_gy)} {fl.comparison} {fl.bed_gy:g}? {'reached' if r.flag_reached else 'not reached'}"
         f" — Source: {fl.source}",
         f"{s.reference.label}: {res(r.bed10_gy)} {s.reference.comparison} {s.reference.bed_gy:g}? "
         f"{'reached' if r.reference_reached else 'not reached'} — Source: {s.reference.source}")))
    for m in s.models:
        model = s.model(m)
        mr = r.model(m)
        lines = [f"Assumptions: {ASSUMPTIONS[m]}", f"Parameters: {parameters_text(model.parameters())}",
                 f"Source: {model.source}"]
        if m == "usc":
            p = s.usc.parameters_
            dt, ab = p.transition_dose_gy, p.alpha_beta_gy
            if d > dt:
                lines.append(f"d = {g(d)} > D_T = 2·Dq/(1 − α·D0) = {g(dt)} Gy: BED = n·(d − Dq)/(α·D0){minus} = "
                             f"{n} × ({g(d)} − {g(p.dq_gy)}) / ({g(p.alpha_per_gy)} × {g(p.d0_gy)}){minus} = "
                             f"{res(mr.tumour_bed_gy)} Gy")
            else:
                lines.append(f"d = {g(d)} ≤ D_T = {g(dt)} Gy: BED = n·d·(1 + d/(α/β)){minus} with the USC's α/β "
                             f"{g(ab)} Gy = {n} × {g(d)} × (1 + {g(d)}/{g(ab)}){minus} = {res(mr.tumour_bed_gy)} Gy")
            if mr.sfed_gy is not None:
                lines.append(f"SFED (the single dose with the same effect) = α·D0·BED + Dq = {g(p.alpha_per_gy * p.d0_gy)}"
                             f" × {res(mr.tumour_bed_gy)} + {g(p.dq_gy)} = {res(mr.sfed_gy)} Gy"
                             if mr.sfed_gy > dt else
                             f"SFED = the LQ root of BED = SFED·(1 + SFED/{g(ab)}) = {res(mr.sfed_gy)} Gy")
            lines.append("Not a BED10: the USC number is never compared with the BED10 lines.")
        else:
            ab_list = [(s.tumour_alpha_beta_gy, "tumour", mr.tumour_bed_gy, mr.tumour_eqdx_gy, minus)]
            ab_list += [(ab, "organ at risk", v, mr.organ_eqdx_gy[ab], "") for ab, v in mr.organ_bed_gy.items()]
            for ab, who, bed, eqdx, corr in ab_list:
                dt_l = getattr(model, "transition_dose_gy", None)
                if m == "lq" or dt_l is None or d <= dt_l:
                    part = "" if m == "lq" else f" (d = {g(d)} ≤ d_T = {g(dt_l or 0)} Gy: the LQ part)"
                    lines.append(f"α/β {g(ab)} Gy ({who}): BED = n·d·(1 + d/(α/β)){corr} = {n} × {g(d)} × "
                                 f"(1 + {g(d)}/{g(ab)}){corr} = {res(bed)} Gy{part}")
                else:
                    lines.append(f"α/β {g(ab)} Gy ({who}): d = {g(d)} > d_T = {g(dt_l)} Gy: BED = n·[d_T(1 + d_T/(α/β))"
                                 f" + (1 + 2·d_T/(α/β))·(d − d_T)]{corr} = {n} × [{g(dt_l)} × (1 + {g(dt_l)}/{g(ab)}) + "
                                 f"(1 + 2 × {g(dt_l)}/{g(ab)}) × ({g(d)} − {g(dt_l)})]{corr} = {res(bed)} Gy")
                x = s.reference_dose_gy
                lines.append(f"    {s.eqdx_name} = BED / (1 + {g(x)}/(α/β)) = {res(bed)} / {g(1 + x / ab)} = "
                             f"{res(eqdx)} Gy" if m == "lq" or (dt_l is not None and x <= dt_l) else
                             f"    {s.eqdx_name} = BED / (BED of one {g(x)} Gy fraction / {g(x)}) = {res(eqdx)} Gy")
        out.append(Section(model.label(), tuple(lines)))
    if r.sensitivity is not None:
        out.append(Section("Does the reading depend on the model?", (r.sensitivity.sentence,)))
    if r.caveats:
        out.append(Section("Warnings", tuple(c.text for c in r.caveats)))
    return tuple(out)
