"""Grade a plan read from DICOM: organ limits for its fraction count and RTOG conformity/fall-off.

Organ limits come from :func:`sbrt_calc.planning.constraints.constraints_for` for the plan's
fraction count (the source's column, or LQ-converted limits labelled as such) with each limit's
verification mark; the conformity grade from :func:`sbrt_calc.planning.conformity.grade_plan`
(RTOG 0915/0813 table, none/minor/major). Lung limits are evaluated on the lungs minus the
ITV (or GTV where there is no ITV), as RTOG 0813 defines V20 ("total lung minus GTV").

Status of a limit: ``pass``, ``fail``, ``incomplete`` (the structure is partly outside the dose
grid and the part inside does not decide), ``not evaluated`` (the metric cannot be computed, or
is larger than the structure) or ``no structure`` (nothing in the structure set maps to the organ).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field, replace
from typing import Any

from sbrt_calc.errors import DicomError
from sbrt_calc.plancheck import names as nm
from sbrt_calc.plancheck.biological import eqd2_dvh
from sbrt_calc.plancheck.dvh import StructureDose, isodose_volume_cc, structure_dose
from sbrt_calc.plancheck.falloff import d2cm_gy
from sbrt_calc.plancheck.inputs import PlanCheckInputs
from sbrt_calc.plancheck.load import LoadedPlan, load_plan
from sbrt_calc.plancheck.metrics import evaluate, standard_metrics
from sbrt_calc.plancheck.raster import Occupancy, combine, rasterise, structure_thickness_mm, thickness_for
from sbrt_calc.planning.conformity import PlanGrade, grade_plan
from sbrt_calc.planning.constraints import SetLookup, constraints_for
from sbrt_calc.presets.model import Constraint, PresetSet, parse_metric
from sbrt_calc.radiobiology.lq import bed

_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
LUNGS = "Lungs"


@dataclass(frozen=True)
class ConstraintResult:
    """One organ limit checked on the plan."""

    constraint: Constraint
    structure: str | None
    value: float | None
    status: str
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        c = self.constraint
        return {"organ": c.organ, "structure": self.structure, "metric": c.metric, "comparison": c.comparison,
                "limit": c.limit, "unit": c.unit, "value": self.value, "status": self.status,
                "verification": c.verification, "converted": c.converted, "source": c.source, "note": self.note}


@dataclass(frozen=True)
class Conformity:
    """R100%, R50%, D2cm computed from the dose grid and their RTOG grade."""

    r100: float | None
    r50: float | None
    d2cm_percent: float | None
    grade: PlanGrade | None
    notes: tuple[str, ...] = ()
    lungs_v20_percent: float | None = None
    lungs_structure: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"r100": self.r100, "r50": self.r50, "d2cm_percent": self.d2cm_percent,
                               "lungs_v20_percent": self.lungs_v20_percent, "lungs_structure": self.lungs_structure,
                               "notes": list(self.notes)}
        if self.grade is not None:
            out.update({"grade": self.grade.worst_grade, "in_table_range": self.grade.in_table_range,
                        "message": self.grade.message, "table": self.grade.table.key, "source": self.grade.table.source,
                        "metrics": [m.as_dict() for m in self.grade.metrics]})
        return out


@dataclass(frozen=True)
class StructureResult:
    """One structure: its names, type, dose-volume pairs and the standard metrics row."""

    name: str
    tg263_name: str | None
    how_matched: str
    roi_type: str
    dose: StructureDose
    row: dict[str, Any]
    eqd2: dict[str, Any] = field(default_factory=dict)  # LQ
    eqd2_lql: dict[str, Any] | None = None  # LQ-L, when asked for (shown beside LQ, never instead)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "tg263_name": self.tg263_name, "matched_by": self.how_matched,
                "roi_type": self.roi_type, **self.row, "eqd2_lq": self.eqd2,
                **({"eqd2_lql": self.eqd2_lql} if self.eqd2_lql is not None else {}), "notes": list(self.dose.notes)}


@dataclass(frozen=True)
class PlanCheckResult:
    """Everything a plan check found; every face renders this (CLI, app, report)."""

    inputs: PlanCheckInputs
    plan: LoadedPlan
    target: StructureResult
    structures: tuple[StructureResult, ...]
    lookup: SetLookup
    constraints: tuple[ConstraintResult, ...]
    conformity: Conformity
    unmatched: tuple[str, ...]
    warnings: tuple[str, ...]
    derived: tuple[StructureDose, ...] = ()  # structures built for the limits (lungs minus ITV/GTV)

    @property
    def failed(self) -> bool:
        """True when any organ limit fails or a conformity metric is a major deviation."""
        major = self.conformity.grade is not None and any(
            m.grade == "major" for m in self.conformity.grade.metrics if m.value is not None)
        return major or any(c.status == "fail" for c in self.constraints)

    def as_dict(self) -> dict[str, Any]:
        """The ``check-plan`` JSON document (documented in docs/changelog-check-plan.md)."""
        p = self.plan
        dpf = p.prescription_gy / p.fractions
        return {
            "files": {"rtdose": self.inputs.rtdose, "rtstruct": self.inputs.rtstruct, "rtplan": self.inputs.rtplan},
            "target": {"name": self.target.name, "volume_cc": self.target.row["volume_cc"],
                       **{k: v for k, v in self.target.row.items() if k != "volume_cc"}},
            "prescription": {"total_dose_gy": p.prescription_gy, "fractions": p.fractions,
                             "dose_per_fraction_gy": dpf, "source": p.prescription_source,
                             **_bed10(p.prescription_gy, dpf)},
            "structures": [s.as_dict() for s in self.structures],
            "conformity": self.conformity.as_dict(),
            "constraint_set": {"key": self.lookup.set.key, "name": self.lookup.set.name,
                               "has_column": self.lookup.has_column, "message": self.lookup.message},
            "constraints": [c.as_dict() for c in self.constraints],
            "unmatched_structures": list(self.unmatched),
            "warnings": list(self.warnings),
            "failed": self.failed,
        }


def _bed10(total_gy: float, dose_per_fraction_gy: float) -> dict[str, Any]:
    """BED10 of the prescription (LQ, alpha/beta 10 Gy) and the oligoprogression flag line."""
    from sbrt_calc.presets.radiobiology import radiobiology

    b = float(bed(total_gy, dose_per_fraction_gy, 10.0))
    t = radiobiology().threshold("bed10_oligoprogression")
    return {"bed10_gy": b, "bed10_model": "LQ, alpha/beta 10 Gy", "bed10_flag": t.reached(b),
            "bed10_flag_line": f"{t.name} ({t.source})"}


def _status(c: Constraint, value: float | None, complete: bool) -> str:
    """pass/fail; for a structure partly outside the grid only what the part inside decides.

    Inside-the-grid Max, Dv and Vx are lower bounds of the whole structure's (the part outside can
    only add volume at unknown dose), and so is CVx; a Mean or Min is no bound.
    """
    if value is None:
        return "not evaluated"
    ok = _OPS.get(c.comparison, operator.le)(value, c.limit)
    if complete:
        return "pass" if ok else "fail"
    kind = parse_metric(c.metric)
    if kind is None or kind.kind not in ("Max", "D", "V", "CV"):
        return "incomplete"
    upper_limit = c.comparison in ("<", "<=")
    if upper_limit and not ok:
        return "fail"
    if not upper_limit and ok:
        return "pass"
    return "incomplete"


def _choose_target(results: list[tuple[str, str | None, str]], wanted: str | None) -> str:
    if wanted is not None:
        if wanted not in [r[0] for r in results]:
            raise DicomError(f"no structure named {wanted!r} for the target (have: {', '.join(r[0] for r in results)})",
                             field="target", value=wanted, allowed=", ".join(r[0] for r in results))
        return wanted
    ptvs = [name for name, tg, roi_type in results if nm.target_type(tg, roi_type) == "PTV"]
    if len(ptvs) == 1:
        return ptvs[0]
    if not ptvs:
        raise DicomError("no PTV in the structure set (no structure typed PTV or named PTV...); name the target "
                         "with --target", field="target", allowed="a structure name")
    raise DicomError(f"several PTVs ({', '.join(ptvs)}): choose one with --target", field="target", value=ptvs,
                     allowed=", ".join(ptvs))


def check_plan(inputs: PlanCheckInputs, *, presets: PresetSet | None = None,
               lql_transition_dose_gy: float | None = None) -> PlanCheckResult:
    """Load the plan of *inputs* and check it (see :func:`check_loaded`)."""
    return check_loaded(load_plan(inputs), inputs, presets=presets, lql_transition_dose_gy=lql_transition_dose_gy)


def check_loaded(plan: LoadedPlan, inputs: PlanCheckInputs, *, presets: PresetSet | None = None,
                 lql_transition_dose_gy: float | None = None) -> PlanCheckResult:
    """DVHs of every structure, the organ limits and the conformity grade of a loaded plan.

    Each structure's EQD2 (Max, D0.035cc, Mean) is computed voxel by voxel under LQ, and also
    under LQ-L when *lql_transition_dose_gy* is given (Astrahan 2008), side by side.

    Raises
    ------
    DicomError
        No (or an ambiguous, or an empty) PTV; a self-intersecting contour (ContourError).
    """
    grid = plan.dose
    mapping = inputs.mapping
    rois = [r for r in plan.structures.rois]
    matches = {r.name: nm.match_name(r.name, mapping, r.roi_type) for r in rois}
    # a structure the user mapped to "" is left out, also as a target
    left_out = {n for n, m in matches.items() if m.how == "user" and m.tg263_name is None}
    target_name = _choose_target([(r.name, matches[r.name].tg263_name, r.roi_type) for r in rois
                                  if r.name not in left_out], inputs.target)
    thickness = structure_thickness_mm(rois, grid)
    repeated = sorted({r.name for r in rois if sum(o.name == r.name for o in rois) > 1})
    if repeated:
        raise DicomError(f"structure names used more than once: {', '.join(repeated)}; rename them in the planning "
                         "system", field="structure", value=repeated, allowed="unique ROI names")
    occ: dict[str, Occupancy] = {}
    results: list[StructureResult] = []
    warnings = list(plan.warnings)
    for r in rois:
        if not r.planes:
            warnings.append(f"structure {r.name!r}: {'; '.join(r.notes) or 'empty'}")
            continue
        o = rasterise(r, grid, thickness_mm=thickness_for(r, thickness))
        occ[r.name] = o
        sd = structure_dose(o, grid)
        m = matches[r.name]
        is_target = r.name == target_name or nm.target_type(m.tg263_name, r.roi_type) is not None
        ab = 10.0 if is_target else (2.0 if m.tg263_name in ("SpinalCord", "SpinalCanal") else 3.0)
        row = standard_metrics(sd, target=is_target, prescription_gy=plan.prescription_gy)
        e = eqd2_dvh(sd, plan.fractions, ab)
        lql = None
        if lql_transition_dose_gy is not None:
            el = eqd2_dvh(sd, plan.fractions, ab, "lql", lql_transition_dose_gy)
            lql = {"alpha_beta_gy": ab, "model": "LQ-L", "transition_dose_gy": lql_transition_dose_gy,
                   "dmax_gy": evaluate("Max[Gy]", el).value, "d0_035cc_gy": evaluate("D0.035cc[Gy]", el).value,
                   "dmean_gy": evaluate("Mean[Gy]", el).value}
        eqd2 = {"alpha_beta_gy": ab, "model": "LQ", "dmax_gy": evaluate("Max[Gy]", e).value,
                "d0_035cc_gy": evaluate("D0.035cc[Gy]", e).value, "dmean_gy": evaluate("Mean[Gy]", e).value}
        results.append(StructureResult(r.name, m.tg263_name, m.how, r.roi_type, sd, row, eqd2, lql))
        if sd.partly_outside:
            warnings.append(f"structure {r.name!r} is partly outside the dose grid: {sd.outside_cc:.3g} of "
                            f"{sd.volume_cc:.3g} cc; its metrics cover the part inside only")
    target = next((s for s in results if s.name == target_name), None)
    if target is None or target.dose.volume_cc <= 0:
        raise DicomError(f"the target {target_name!r} has no contour", field="target", value=target_name)
    unmatched = tuple(s.name for s in results if s.tg263_name is None and s.how_matched != "user")
    lookup = constraints_for(plan.fractions, inputs.constraint_set, presets=presets)[0]
    organ_doses = _organ_doses(results, occ, grid, warnings)
    checked = []
    for c in lookup.constraints:
        candidates = [(n, sd) for (organ, n), sd in organ_doses.items() if organ == c.organ or nm.organ_matches(
            c.organ, organ)]
        if not candidates:
            checked.append(ConstraintResult(c, None, None, "no structure"))
            continue
        for n, sd in candidates:
            mv = evaluate(c.metric, sd, plan.prescription_gy)
            checked.append(ConstraintResult(c, n, mv.value, _status(c, mv.value, mv.complete), mv.note))
    conformity = _conformity(plan, target, occ[target_name], [r for r in rois if r.name == target_name][0])
    lungs = [(n, sd) for (organ, n), sd in organ_doses.items() if organ == LUNGS]
    if lungs:
        v20 = evaluate("V20Gy[%]", lungs[0][1])
        conformity = replace(conformity, lungs_v20_percent=v20.value, lungs_structure=lungs[0][0])
    names = {s.name for s in results}
    derived = tuple(sd for (_, n), sd in organ_doses.items() if n not in names)
    return PlanCheckResult(inputs, plan, target, tuple(results), lookup, tuple(checked), conformity, unmatched,
                           tuple(warnings), derived)


def _organ_doses(results: list[StructureResult], occ: dict[str, Occupancy], grid: Any,
                 warnings: list[str]) -> dict[tuple[str, str], StructureDose]:
    """Structures by (TG-263 organ, structure name); Lungs built and reduced by ITV/GTV."""
    out: dict[tuple[str, str], StructureDose] = {}
    by_tg: dict[str, list[StructureResult]] = {}
    for s in results:
        if s.tg263_name:
            by_tg.setdefault(s.tg263_name, []).append(s)
            out[(s.tg263_name, s.name)] = s.dose
    lungs = by_tg.get(LUNGS) or []
    lung_parts = [occ[s.name] for s in lungs] or [occ[s.name] for k in ("Lung_L", "Lung_R") for s in by_tg.get(k, [])]
    if lung_parts:
        for key in [k for k in out if k[0] == LUNGS]:
            del out[key]
        inner = [s for s in results if nm.target_type(s.tg263_name, s.roi_type) == "ITV"] or \
            [s for s in results if nm.target_type(s.tg263_name, s.roi_type) == "GTV"]
        label = " + ".join(o.name for o in lung_parts) + "".join(f" - {s.name}" for s in inner)
        combined = combine(label, grid.shape, lung_parts, [occ[s.name] for s in inner], grid)
        out[(LUNGS, label)] = structure_dose(combined, grid)
        if not inner:
            warnings.append("no ITV or GTV found: lung limits evaluated on the whole lungs")
    return out


def _conformity(plan: LoadedPlan, target: StructureResult, occ: Occupancy, roi: Any) -> Conformity:
    ptv_cc = target.dose.volume_cc
    rx = plan.prescription_gy
    notes = ["isodose volumes counted over the whole dose grid (voxel centres at or above the level)"]
    if target.dose.partly_outside:
        notes.append("the PTV is partly outside the dose grid: R100%/R50% are not meaningful")
    r100 = isodose_volume_cc(plan.dose, rx) / ptv_cc
    r50 = isodose_volume_cc(plan.dose, 0.5 * rx) / ptv_cc
    d2 = d2cm_gy(plan.dose, roi, occ)
    d2_pct = None if d2 is None else 100.0 * d2 / rx
    if d2 is None:
        notes.append("no dose voxel lies 2 cm or more from the PTV: D2cm not computed")
    grade = grade_plan(ptv_cc, r50 if r50 > 0 else None, d2_pct if d2_pct else None, r100 if r100 > 0 else None)
    return Conformity(r100, r50, d2_pct, grade, tuple(notes))
