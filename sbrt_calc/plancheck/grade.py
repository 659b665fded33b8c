"""Grade a plan read from DICOM: coverage, organ limits for its fraction count, conformity/fall-off.

Coverage first (per target): V100% >= 95 % and V90% >= 99 % of the PTV (RTOG 0915/0813 protocol
criterion, as encoded in lixinzhan/PlanQA_Plugin ``QAProtocols/SABR_RTOG0915_*.protocol`` and
``SABR_RTOG0813_5000_5.protocol``; mark ``secondary``), each graded "none" (met) or "major" (not met:
the encoding's level for a criterion without a minor band, :data:`COVERAGE_DEVIATION_SOURCE`; the
protocol text's own bands were NOT read, so no minor band is encoded); a major deviation is a fail.
With D98/D95/D50/D2/Dmin, the
Paddick conformity index, the gradient index and the ICRU 83 homogeneity index
(:func:`sbrt_calc.plancheck.metrics.target_quality`).

Organ limits come from :func:`sbrt_calc.planning.constraints.constraints_for` for the plan's
fraction count (the source's column, or LQ-converted limits labelled as such) with each limit's
verification mark; the conformity grade from :func:`sbrt_calc.planning.conformity.grade_plan`
(RTOG 0915/0813 table, none/minor/major; graded only at lung sites, a reference elsewhere).
Lung limits are evaluated on the lungs minus the GTV, as the presets and RTOG 0813 define V20
("total lung minus GTV"); where there is no GTV, minus the ITV (said so).

Status of a limit: ``pass``, ``fail``, ``incomplete`` (the structure is partly outside the dose
grid and the part inside does not decide), ``not evaluated`` (the metric cannot be computed, or
is larger than the structure) or ``no structure`` (nothing in the structure set maps to the organ).

The plan's ``status`` (DESIGN.md, "Clinical safety rules"): ``"fail"`` when a limit fails, the
coverage criterion is not met or a conformity metric is a major deviation where the table applies;
otherwise ``"incomplete"`` when anything was not checked (a limit for a present organ not evaluated,
an unresolved limit for a present organ, no limits for the fraction count, an expected organ not
contoured, coverage not gradable, the PTV outside the table's range), listed in ``not_checked``;
``"pass"`` only when everything was checked and met.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from sbrt_calc.errors import DicomError
from sbrt_calc.plancheck import names as nm
from sbrt_calc.plancheck.alpha_beta import StructureAlphaBetas
from sbrt_calc.plancheck.alpha_beta import shipped as shipped_alpha_betas
from sbrt_calc.plancheck.biological import eqd2_dvh
from sbrt_calc.plancheck.dicom_io import fraction_sanity_note
from sbrt_calc.plancheck.dvh import StructureDose, isodose_volume_cc, structure_dose, structure_dvh
from sbrt_calc.plancheck.falloff import d2cm_gy
from sbrt_calc.plancheck.inputs import PlanCheckInputs
from sbrt_calc.plancheck.load import LoadedPlan, load_plan
from sbrt_calc.plancheck.metrics import TargetQuality, evaluate, standard_metrics, target_quality
from sbrt_calc.plancheck.raster import Occupancy, combine, structure_thickness_mm, thickness_for
from sbrt_calc.planning.conformity import PlanGrade, grade_plan, metric_status
from sbrt_calc.planning.constraints import SetLookup, constraints_for
from sbrt_calc.presets.model import Constraint, PresetSet, UnresolvedLimit, parse_metric
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
    target: str = ""

    @property
    def status(self) -> str:
        """'pass', 'warning' (minor deviation), 'fail', 'incomplete' (not graded) or 'n/a' (reference only)."""
        if self.grade is None:
            return "incomplete"
        from sbrt_calc.table import Status, worst

        st = worst(Status(metric_status(m, self.grade.applies)) for m in self.grade.metrics)
        return "n/a" if st is None else st.value

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"target": self.target, "r100": self.r100, "r50": self.r50,
                               "d2cm_percent": self.d2cm_percent,
                               "lungs_v20_percent": self.lungs_v20_percent, "lungs_structure": self.lungs_structure,
                               "notes": list(self.notes), "status": self.status}
        if self.grade is not None:
            out.update({"grade": self.grade.worst_grade, "in_table_range": self.grade.in_table_range,
                        "message": self.grade.message, "table": self.grade.table.key, "source": self.grade.table.source,
                        "applies": self.grade.applies, "site": self.grade.site, "caveat": self.grade.caveat,
                        "metrics": [{**m.as_dict(), "status": metric_status(m, self.grade.applies)}
                                    for m in self.grade.metrics]})
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


#: The coverage criterion (RTOG 0915/0813): V100% >= 95 %, V90% >= 99 % of the PTV.
COVERAGE_V100_MIN_PERCENT = 95.0
COVERAGE_V90_MIN_PERCENT = 99.0
COVERAGE_SOURCE = ("RTOG 0915 (Videtic GM et al., IJROBP 2015;93:757-764) and RTOG 0813 (Bezjak A et al., J Clin "
                   "Oncol 2019;37:1316-1325) protocols: PTV V100% >= 95 %, V90% >= 99 %, as encoded in "
                   "lixinzhan/PlanQA_Plugin (QAProtocols/SABR_RTOG0915_3400_1, _4800_4 and SABR_RTOG0813_5000_5"
                   ".protocol; EPEK/Models/QAProtocol.cs); protocol text not seen")
COVERAGE_VERIFICATION = "secondary"
#: Deviation levels of the coverage criteria (secondary): PlanQA_Plugin's protocol files state "By default,
#: the criteria is for major violation" and give the coverage lines no ``minor(...)`` band, and
#: ``QAProtocol.CompareMetricToCriteria`` grades a ``>=`` criterion not met as Major. So: met = "none",
#: not met = "major". The protocol text's own Compliance Criteria were not found in a readable source:
#: a minor band for coverage, if the protocols give one, is NOT encoded.
COVERAGE_DEVIATION_SOURCE = ("deviation levels as encoded in lixinzhan/PlanQA_Plugin (secondary): each coverage "
                             "criterion carries no minor band there, and a criterion without one is a major "
                             "violation (its protocol files' convention, QAProtocol.cs CompareMetricToCriteria); "
                             "the protocols' own Compliance Criteria not read: a minor band is not encoded")


@dataclass(frozen=True)
class CoverageDeviation:
    """One coverage criterion of a target graded as the RTOG 0915/0813 encoding grades it (see
    :data:`COVERAGE_DEVIATION_SOURCE`): ``deviation`` "none" (met), "major" (not met) or None (not gradable)."""

    metric: str
    value_percent: float | None
    min_percent: float
    deviation: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "value_percent": self.value_percent,
                "criterion": f">= {self.min_percent:g} %", "deviation": self.deviation,
                "minor_band": None, "source": COVERAGE_DEVIATION_SOURCE, "verification": COVERAGE_VERIFICATION}


def coverage_deviations(v100_percent: float | None, v90_percent: float | None) -> tuple[CoverageDeviation, ...]:
    """V100% and V90% against 95 % and 99 %, each graded none/major (no minor band encoded)."""
    out = []
    for metric, value, lo in (("V100%", v100_percent, COVERAGE_V100_MIN_PERCENT),
                              ("V90%", v90_percent, COVERAGE_V90_MIN_PERCENT)):
        out.append(CoverageDeviation(metric, value, lo, None if value is None else ("none" if value >= lo else "major")))
    return tuple(out)


@dataclass(frozen=True)
class Coverage:
    """Coverage of one target by the prescription and its quality indices; ``status`` pass/fail/incomplete."""

    target: str
    prescription_gy: float
    volume_cc: float
    quality: TargetQuality
    status: str
    reasons: tuple[str, ...] = ()

    @property
    def v100_percent(self) -> float | None:
        return self.quality.v100_percent

    @property
    def v90_percent(self) -> float | None:
        return self.quality.v90_percent

    @property
    def deviations(self) -> tuple[CoverageDeviation, ...]:
        """Each criterion's deviation level; all None when the coverage could not be graded."""
        if self.status == "incomplete":
            return coverage_deviations(None, None)
        return coverage_deviations(self.v100_percent, self.v90_percent)

    @property
    def deviation(self) -> str | None:
        """The worst deviation level: "none", "major" or None (not graded)."""
        levels = [d.deviation for d in self.deviations]
        return None if None in levels else ("major" if "major" in levels else "none")

    def as_dict(self) -> dict[str, Any]:
        return {"v100_percent": self.v100_percent, "v90_percent": self.v90_percent, "status": self.status,
                "deviation": self.deviation, "deviations": [d.as_dict() for d in self.deviations],
                "criterion": f"V100% >= {COVERAGE_V100_MIN_PERCENT:g} %, V90% >= {COVERAGE_V90_MIN_PERCENT:g} %",
                "source": COVERAGE_SOURCE, "verification": COVERAGE_VERIFICATION, "reasons": list(self.reasons),
                **{k: v for k, v in self.quality.as_dict().items() if k not in ("v100_percent", "v90_percent")}}


def grade_coverage(name: str, sd: StructureDose, prescription_gy: float, piv_cc: float | None,
                   piv50_cc: float | None) -> Coverage:
    """Grade V100%/V90% of a target (see :data:`COVERAGE_SOURCE`). A target partly outside the dose grid,
    or without volume, cannot be graded: 'incomplete'."""
    q = target_quality(sd, prescription_gy, piv_cc, piv50_cc)
    reasons: list[str] = []
    if q.v100_percent is None or q.v90_percent is None:
        return Coverage(name, prescription_gy, sd.volume_cc, q, "incomplete",
                        ("the target has no volume inside the dose grid: coverage not graded",))
    if sd.partly_outside:
        return Coverage(name, prescription_gy, sd.volume_cc, q, "incomplete",
                        (f"{sd.outside_cc:.3g} cc of the target lie outside the dose grid: coverage not graded",))
    for d in coverage_deviations(q.v100_percent, q.v90_percent):
        if d.deviation == "major":
            reasons.append(f"{d.metric} {d.value_percent:.1f} % < {d.min_percent:g} % (major deviation)")
    return Coverage(name, prescription_gy, sd.volume_cc, q, "fail" if reasons else "pass", tuple(reasons))


@dataclass(frozen=True)
class TargetResult:
    """One target (PTV): its structure, coverage and conformity/fall-off."""

    structure: StructureResult
    coverage: Coverage
    conformity: Conformity

    @property
    def name(self) -> str:
        return self.structure.name

    def as_dict(self) -> dict[str, Any]:
        s = self.structure
        return {"name": s.name, "volume_cc": s.row["volume_cc"],
                **{k: v for k, v in s.row.items() if k != "volume_cc"},
                "coverage": self.coverage.as_dict(), "conformity": self.conformity.as_dict()}


@dataclass(frozen=True)
class PrescriptionSource:
    """One statement of the prescription (given, RT Plan, case regimen, what the RT Dose shows)."""

    source: str
    total_dose_gy: float | None
    fractions: int | None
    status: str  # "used", "agrees", "differs", "info", "warning"
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "total_dose_gy": self.total_dose_gy, "fractions": self.fractions,
                "status": self.status, "note": self.note}


@dataclass(frozen=True)
class UnresolvedResult:
    """A limit the set gives whose value is unresolved, and the structure it would apply to (None: absent)."""

    limit: UnresolvedLimit
    structure: str | None

    def as_dict(self) -> dict[str, Any]:
        return {**self.limit.as_dict(), "structure": self.structure,
                "status": "incomplete" if self.structure else "n/a"}


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
    derived: tuple[StructureDose, ...] = ()  # structures built for the limits (lungs minus GTV/ITV)
    targets: tuple[TargetResult, ...] = ()
    site: str | None = None
    lookups: tuple[SetLookup, ...] = ()  # every set evaluated (the chosen one first)
    unresolved: tuple[UnresolvedResult, ...] = ()
    missing_organs: tuple[str, ...] = ()  # expected at the site, listed by the set, not contoured
    absent_organs: tuple[str, ...] = ()  # listed by the set, not contoured, not expected at the site
    prescription_sources: tuple[PrescriptionSource, ...] = ()
    status: str = "incomplete"
    not_checked: tuple[str, ...] = ()
    failures: tuple[str, ...] = ()
    #: the alpha/beta of each structure's EQD2 (targets, spinal cord/canal, other organs), with their labels
    alpha_betas: StructureAlphaBetas | None = None
    #: what reading the files noted that is neither a warning nor a limit: which dose of a folder was used and
    #: why, the folder's DICOM objects not used ("not used (CT image, 3 files)"); see :func:`with_folder_reading`
    reading_notes: tuple[str, ...] = ()

    @property
    def coverage(self) -> Coverage:
        """The coverage of the (first) target."""
        return self.targets[0].coverage

    @property
    def failed(self) -> bool:
        """True when the status is 'fail' (a limit, the coverage or a major deviation); see ``status``."""
        return self.status == "fail"

    def as_dict(self) -> dict[str, Any]:
        """The ``check-plan`` JSON document (CHANGELOG.md, "Plan check: coverage, status and grading")."""
        p = self.plan
        dpf = p.prescription_gy / p.fractions
        first = self.targets[0].as_dict() if self.targets else {}
        return {
            "status": self.status,
            "not_checked": list(self.not_checked),
            "failures": list(self.failures),
            "site": self.site,
            "files": {"rtdose": self.inputs.rtdose, "rtstruct": self.inputs.rtstruct, "rtplan": self.inputs.rtplan},
            "target": {k: v for k, v in first.items() if k != "conformity"},
            "targets": [t.as_dict() for t in self.targets],
            "prescription": {"total_dose_gy": p.prescription_gy, "fractions": p.fractions,
                             "dose_per_fraction_gy": dpf, "source": p.prescription_source,
                             "sources": [s.as_dict() for s in self.prescription_sources],
                             **_bed10(p.prescription_gy, dpf)},
            "structures": [s.as_dict() for s in self.structures],
            "conformity": self.conformity.as_dict(),
            "constraint_set": {"key": self.lookup.set.key, "name": self.lookup.set.name,
                               "has_column": self.lookup.has_column, "message": self.lookup.message,
                               "also": [lk.set.key for lk in self.lookups[1:]]},
            "constraints": [c.as_dict() for c in self.constraints],
            "unresolved_limits": [u.as_dict() for u in self.unresolved],
            "organs_not_contoured": list(self.missing_organs),
            "organs_not_contoured_not_expected": list(self.absent_organs),
            "unmatched_structures": list(self.unmatched),
            "warnings": list(self.warnings),
            "reading_notes": list(self.reading_notes),
        }


def _bed10(total_gy: float, dose_per_fraction_gy: float) -> dict[str, Any]:
    """BED10 of the prescription (LQ at the flag line's alpha/beta, 10 Gy) and the shipped oligoprogression flag
    line (a case's own line: :class:`sbrt_calc.evaluation.PlanCheckEvaluation`)."""
    from sbrt_calc.presets.radiobiology import radiobiology

    t = radiobiology().threshold("bed10_oligoprogression")
    b = float(bed(total_gy, dose_per_fraction_gy, t.alpha_beta_gy))
    return {"bed10_gy": b, "bed10_model": f"LQ, alpha/beta {t.alpha_beta_gy:g} Gy", "bed10_flag": t.reached(b),
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


def _choose_targets(results: list[tuple[str, str | None, str]], wanted: Sequence[str] | None) -> list[str]:
    """The target names: those asked for (``["all"]``: every PTV), or the one PTV."""
    names = [r[0] for r in results]
    ptvs = [name for name, tg, roi_type in results if nm.target_type(tg, roi_type) == "PTV"]
    if wanted and list(wanted) != ["all"]:
        for w in wanted:
            if w not in names:
                raise DicomError(f"no structure named {w!r} for the target (have: {', '.join(names)})",
                                 field="target", value=w, allowed=", ".join(names))
        return list(dict.fromkeys(wanted))
    if wanted and list(wanted) == ["all"] and ptvs:
        return ptvs
    if len(ptvs) == 1:
        return ptvs
    if not ptvs:
        raise DicomError("no PTV in the structure set (no structure typed PTV or named PTV...); name the target "
                         "with --target", field="target", allowed="a structure name")
    raise DicomError(f"several PTVs ({', '.join(ptvs)}): choose one or more with --target, or --target all",
                     field="target", value=ptvs, allowed=", ".join(ptvs) + ", all")


def check_prescription(total_gy: float | None, fractions: int | None) -> None:
    """Refuse a prescription no plan has (as typed or as a file declares it): the regimen's own limits
    (:class:`sbrt_calc.regimen.Regimen`: 1-100 fractions, at most 100 Gy per fraction)."""
    if total_gy is None or fractions is None:
        return
    from sbrt_calc.regimen import Regimen

    Regimen(total_gy, fractions)


def check_plan(inputs: PlanCheckInputs, *, presets: PresetSet | None = None,
               lql_transition_dose_gy: float | None = None, site: str | None = None,
               targets: Sequence[str] | None = None, planned: tuple[float, int] | None = None,
               progress: Any = None, alpha_betas: StructureAlphaBetas | None = None,
               folder_found: Mapping[str, Any] | None = None) -> PlanCheckResult:
    """Load the plan of *inputs* and check it (see :func:`check_loaded`; *progress* is called as
    ``progress(0, 1, "reading the files")`` first).

    The prescription given in *inputs* is checked before the files are read (an absurd one is refused). When the
    files were found in a folder (``inputs.folder``), what reading that folder finds is part of the result
    (:func:`with_folder_reading`): ``folder_found`` is the caller's reading of it
    (:func:`sbrt_calc.plancheck.inputs.find_in_folder`, done when the folder was chosen); without it the folder is
    read again here, so a saved case's report says what the app said (issue 17).
    """
    check_prescription(inputs.prescription_gy, inputs.fractions or 1)
    nm.check_site(site if site is not None else inputs.site)
    if progress is not None:
        progress(0, 1, "reading the files")
    found = None
    if inputs.folder is not None:
        from sbrt_calc.plancheck.inputs import find_in_folder

        found = folder_found if folder_found is not None else find_in_folder(inputs.folder)
    result = check_loaded(load_plan(inputs), inputs, presets=presets, lql_transition_dose_gy=lql_transition_dose_gy,
                          site=site, targets=targets, planned=planned, progress=progress, alpha_betas=alpha_betas)
    return result if found is None else with_folder_reading(result, found)


def check_loaded(plan: LoadedPlan, inputs: PlanCheckInputs, *, presets: PresetSet | None = None,
                 lql_transition_dose_gy: float | None = None, site: str | None = None,
                 targets: Sequence[str] | None = None, planned: tuple[float, int] | None = None,
                 progress: Any = None, alpha_betas: StructureAlphaBetas | None = None) -> PlanCheckResult:
    """DVHs of every structure, coverage, the organ limits and the conformity grade of a loaded plan.

    Parameters
    ----------
    site : str, optional
        The target site (:data:`sbrt_calc.plancheck.names.PLAN_SITES`; default ``inputs.site``): the RTOG
        conformity table is
        graded only at lung sites (a reference elsewhere), the expected organs and extra limit sets
        (spine: HyTEC cord beside the chosen set) follow the site.
    targets : sequence of str, optional
        Target structure names (``["all"]``: every PTV); default ``inputs.targets``, ``inputs.target`` or the
        one PTV.
    planned : (total_gy, fractions), optional
        The case's planned regimen, compared with the plan's prescription (shown, never used).
    progress : callable, optional
        Called as ``progress(done, total, what)`` after each structure (the app's progress bar); may
        raise to cancel.
    alpha_betas : StructureAlphaBetas, optional
        The alpha/beta of each structure's EQD2 (:mod:`sbrt_calc.plancheck.alpha_beta`; a case's:
        ``of_case``); default the presets' tumour, spinal cord and late-responding values.

    Each structure's EQD2 (Max, D0.035cc, Mean) is computed voxel by voxel under LQ, and also
    under LQ-L when *lql_transition_dose_gy* is given (Astrahan 2008), side by side.

    Raises
    ------
    DicomError
        No (or an ambiguous, or an empty) PTV (a self-intersecting contour is noted, not refused).
    SbrtCalcError
        An absurd prescription (:func:`check_prescription`), an unknown site.
    """
    site = site if site is not None else inputs.site
    nm.check_site(site)
    check_prescription(plan.prescription_gy, plan.fractions)
    grid = plan.dose
    mapping = inputs.mapping
    rois = [r for r in plan.structures.rois]
    matches = {r.name: nm.match_name(r.name, mapping, r.roi_type) for r in rois}
    # a structure the user mapped to "" is left out, also as a target
    left_out = {n for n, m in matches.items() if m.how == "user" and m.tg263_name is None}
    wanted = list(targets) if targets else (list(inputs.targets) if inputs.targets else (
        [inputs.target] if inputs.target else None))
    target_names = _choose_targets([(r.name, matches[r.name].tg263_name, r.roi_type) for r in rois
                                    if r.name not in left_out], wanted)
    thickness = structure_thickness_mm(rois, grid)
    repeated = sorted({r.name for r in rois if sum(o.name == r.name for o in rois) > 1})
    if repeated:
        raise DicomError(f"structure names used more than once: {', '.join(repeated)}; rename them in the planning "
                         "system", field="structure", value=repeated, allowed="unique ROI names")
    abs_ = alpha_betas or shipped_alpha_betas()
    occ: dict[str, Occupancy] = {}
    results: list[StructureResult] = []
    warnings = list(plan.warnings)
    for i, r in enumerate(rois):
        if progress is not None:
            progress(i, len(rois), r.name)
        if not r.planes:
            warnings.append(f"structure {r.name!r}: {'; '.join(r.notes) or 'empty'}")
            continue
        o, sd = structure_dvh(r, grid, thickness_mm=thickness_for(r, thickness))
        occ[r.name] = o
        m = matches[r.name]
        is_target = r.name in target_names or nm.target_type(m.tg263_name, r.roi_type) is not None
        row = standard_metrics(sd, target=is_target, prescription_gy=plan.prescription_gy)
        eqd2, lql = _eqd2(sd, plan.fractions, abs_.for_structure(is_target, m.tg263_name), lql_transition_dose_gy)
        results.append(StructureResult(r.name, m.tg263_name, m.how, r.roi_type, sd, row, eqd2, lql))
        if sd.partly_outside:
            warnings.append(f"structure {r.name!r} is partly outside the dose grid: {sd.outside_cc:.3g} of "
                            f"{sd.volume_cc:.3g} cc; its metrics cover the part inside only")
    if progress is not None:
        progress(len(rois), len(rois), "grading")
    by_name = {s.name: s for s in results}
    for t in target_names:
        if t not in by_name or by_name[t].dose.volume_cc <= 0:
            raise DicomError(f"the target {t!r} has no contour", field="target", value=t)
    unmatched = tuple(s.name for s in results if s.tg263_name is None and s.how_matched != "user")
    lookup = constraints_for(plan.fractions, inputs.constraint_set, presets=presets)[0]
    lookups = [lookup] + [constraints_for(plan.fractions, k, presets=presets)[0]
                          for k in nm.EXTRA_SETS_BY_SITE.get(site or "", ()) if k != lookup.set.key]
    organ_doses = _organ_doses(results, occ, grid, warnings)
    checked = []
    for lk in lookups:
        for c in lk.constraints:
            candidates = [(n, sd) for (organ, n), sd in organ_doses.items() if organ == c.organ or nm.organ_matches(
                c.organ, organ)]
            if not candidates:
                checked.append(ConstraintResult(c, None, None, "no structure"))
                continue
            for n, sd in candidates:
                mv = evaluate(c.metric, sd, plan.prescription_gy)
                checked.append(ConstraintResult(c, n, mv.value, _status(c, mv.value, mv.complete), mv.note))
    unresolved = []
    for lk in lookups:
        for u in lk.unresolved:
            hit = next((n for (organ, n) in organ_doses if organ == u.organ or nm.organ_matches(u.organ, organ)), None)
            unresolved.append(UnresolvedResult(u, hit))
    target_results = _targets(plan, [by_name[t] for t in target_names], occ, rois, site)
    if plan.dose_summation == "fraction":  # multiplied by the fraction count: the target mean's sanity check
        for tr in target_results:
            mean = evaluate("Mean[Gy]", tr.structure.dose).value
            note = None if mean is None else fraction_sanity_note(mean, plan.prescription_gy, plan.fractions,
                                                                  target=tr.name)
            if note:
                warnings.append(note)
    conformity = target_results[0].conformity
    lungs = [(n, sd) for (organ, n), sd in organ_doses.items() if organ == LUNGS]
    if lungs:
        v20 = evaluate("V20Gy[%]", lungs[0][1])
        conformity = replace(conformity, lungs_v20_percent=v20.value, lungs_structure=lungs[0][0])
        target_results[0] = replace(target_results[0], conformity=conformity)
    names = {s.name for s in results}
    derived = tuple(sd for (_, n), sd in organ_doses.items() if n not in names)
    present = {organ for (organ, _n) in organ_doses}
    set_organs = list(dict.fromkeys(c.organ for lk in lookups for c in lk.constraints))
    expected = set_organs if site is None else [o for o in set_organs if o in nm.SITE_ORGANS.get(site, ())]
    contoured = {o for o in set_organs if o in present or any(nm.organ_matches(o, p) for p in present)}
    missing = tuple(o for o in expected if o not in contoured)
    absent = tuple(o for o in set_organs if o not in contoured and o not in missing)
    sources = _prescription_sources(plan, inputs, planned, target_results[0], warnings)
    status, not_checked, failures = _overall(lookups, tuple(checked), tuple(unresolved), target_results, missing,
                                             plan.fractions, site)
    return PlanCheckResult(inputs, plan, by_name[target_names[0]], tuple(results), lookup, tuple(checked),
                           conformity, unmatched, tuple(warnings), derived, tuple(target_results), site,
                           tuple(lookups), tuple(unresolved), missing, absent, sources, status, not_checked,
                           failures, abs_)


def _eqd2(sd: StructureDose, fractions: int, ab: tuple[float, str],
          lql_transition_dose_gy: float | None) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A structure's EQD2 (Max, D0.035cc, Mean) under LQ, and LQ-L when its transition dose is given, voxel by
    voxel at the alpha/beta ``ab`` = (Gy, its label)."""
    value, label = ab
    e = eqd2_dvh(sd, fractions, value)
    lql = None
    if lql_transition_dose_gy is not None:
        el = eqd2_dvh(sd, fractions, value, "lql", lql_transition_dose_gy)
        lql = {"alpha_beta_gy": value, "alpha_beta_label": label, "model": "LQ-L",
               "transition_dose_gy": lql_transition_dose_gy, "dmax_gy": evaluate("Max[Gy]", el).value,
               "d0_035cc_gy": evaluate("D0.035cc[Gy]", el).value, "dmean_gy": evaluate("Mean[Gy]", el).value}
    eqd2 = {"alpha_beta_gy": value, "alpha_beta_label": label, "model": "LQ", "dmax_gy": evaluate("Max[Gy]", e).value,
            "d0_035cc_gy": evaluate("D0.035cc[Gy]", e).value, "dmean_gy": evaluate("Mean[Gy]", e).value}
    return eqd2, lql


def with_folder_reading(result: PlanCheckResult, found: Mapping[str, Any]) -> PlanCheckResult:
    """``result`` with what reading its folder found (:func:`sbrt_calc.plancheck.inputs.find_in_folder`): the
    files not read first among the warnings, the reading notes (which dose was used and why; the DICOM objects
    not used), and, when the dose checked is the folder's, each doubt about it (a skipped file that could have
    been the plan's dose) among what was not checked: a "pass" becomes "incomplete" (issue 17). The one place
    the CLI (``check-plan --folder``) and the app (Open folder…) take it from; the PDF renders the result."""
    same_dose = (result.inputs.rtdose == found.get("rtdose")
                 and tuple(result.inputs.rtdose_parts) == tuple(found.get("rtdose_parts", ())))
    unread = tuple(found.get("unread", ()))
    notes = tuple(found.get("reading_notes", ()))
    doubts = tuple(found.get("dose_doubts", ())) if same_dose else ()
    if not same_dose:
        notes = tuple(n for n in notes if n.startswith("not used ("))   # the rest speak of the folder's dose
    if not (unread or notes or doubts):
        return result
    not_checked = tuple(dict.fromkeys((*result.not_checked, *doubts)))
    status = "incomplete" if doubts and result.status == "pass" else result.status
    return replace(result, warnings=tuple(dict.fromkeys((*unread, *result.warnings))),
                   reading_notes=tuple(dict.fromkeys((*result.reading_notes, *notes))), not_checked=not_checked,
                   status=status)


def with_alpha_betas(result: PlanCheckResult, alpha_betas: StructureAlphaBetas) -> PlanCheckResult:
    """``result`` with every structure's EQD2 at ``alpha_betas`` (from the DVHs it holds: no file is read again)."""
    if result.alpha_betas == alpha_betas:
        return result
    targets = {t.name for t in result.targets}
    structures = []
    for s in result.structures:
        is_target = s.name in targets or nm.target_type(s.tg263_name, s.roi_type) is not None
        dt = None if s.eqd2_lql is None else s.eqd2_lql["transition_dose_gy"]
        eqd2, lql = _eqd2(s.dose, result.plan.fractions, alpha_betas.for_structure(is_target, s.tg263_name), dt)
        structures.append(replace(s, eqd2=eqd2, eqd2_lql=lql))
    by_name = {s.name: s for s in structures}
    return replace(result, structures=tuple(structures), target=by_name.get(result.target.name, result.target),
                   targets=tuple(replace(t, structure=by_name.get(t.name, t.structure)) for t in result.targets),
                   alpha_betas=alpha_betas)


def _targets(plan: LoadedPlan, targets: list[StructureResult], occ: dict[str, Occupancy], rois: list[Any],
             site: str | None) -> list[TargetResult]:
    """Coverage and conformity of each target. With several targets each isodose voxel is counted for the
    nearest target (by the distance of its centre to the targets' centres of volume), said in the notes."""
    grid = plan.dose
    rx = plan.prescription_gy
    shares = _isodose_shares(grid, [occ[t.name] for t in targets], (rx, 0.5 * rx))
    out = []
    for i, t in enumerate(targets):
        piv, piv50 = shares[0][i], shares[1][i]
        cov = grade_coverage(t.name, t.dose, rx, piv, piv50)
        roi = next(r for r in rois if r.name == t.name)
        conf = _conformity(plan, t, occ[t.name], roi, piv, piv50, site, len(targets))
        out.append(TargetResult(t, cov, conf))
    return out


def _isodose_shares(grid: Any, occs: list[Occupancy], levels: tuple[float, ...]) -> list[list[float]]:
    """Isodose volumes (cm3) at each level, whole grid for one target, split by nearest target centre else."""
    vox = np.asarray(grid.voxel_volume_cc(), dtype=float)  # per plane
    if len(occs) == 1:
        return [[isodose_volume_cc(grid, lv)] for lv in levels]
    centres = []
    for o in occs:
        idx = np.nonzero(o.fraction > 0)
        w = o.fraction[idx]
        z0, y0, x0 = o.origin
        centres.append((float(np.average(grid.z_mm[z0 + idx[0]], weights=w)),
                        float(np.average(grid.y_mm[y0 + idx[1]], weights=w)),
                        float(np.average(grid.x_mm[x0 + idx[2]], weights=w))))
    c = np.asarray(centres)
    out = []
    for lv in levels:
        kz, ky, kx = np.nonzero(grid.dose >= lv)
        vols = [0.0] * len(occs)
        for s in range(0, kz.size, 1 << 18):
            z, y, x = grid.z_mm[kz[s:s + (1 << 18)]], grid.y_mm[ky[s:s + (1 << 18)]], grid.x_mm[kx[s:s + (1 << 18)]]
            d2 = (z[:, None] - c[None, :, 0]) ** 2 + (y[:, None] - c[None, :, 1]) ** 2 + (x[:, None] - c[None, :, 2]) ** 2
            nearest = np.argmin(d2, axis=1)
            v = vox[kz[s:s + (1 << 18)]]
            for i in range(len(occs)):
                vols[i] += float(v[nearest == i].sum())
        out.append(vols)
    return out


def _prescription_sources(plan: LoadedPlan, inputs: PlanCheckInputs, planned: tuple[float, int] | None,
                          target: TargetResult, warnings: list[str]) -> tuple[PrescriptionSource, ...]:
    """The prescription as used, as the RT Plan states it, as the case plans it, and what the dose shows."""
    used = (plan.prescription_gy, plan.fractions)
    out = [PrescriptionSource(f"used ({plan.prescription_source})", used[0], used[1], "used")]

    def same(a: tuple[float | None, int | None]) -> bool:
        return a[0] is not None and a[1] is not None and abs(a[0] - used[0]) <= 1e-6 * used[0] and a[1] == used[1]

    if inputs.rtplan:
        own: tuple[float | None, int | None] = (plan.plan_prescription_gy, plan.plan_fractions)
        if own[0] is None or own[1] is None:
            out.append(PrescriptionSource("RT Plan", own[0], own[1], "info",
                                          "the RT Plan states no (complete) prescription"))
        elif same(own):
            out.append(PrescriptionSource("RT Plan", own[0], own[1], "agrees"))
        else:
            msg = (f"the prescription used ({used[0]:g} Gy in {used[1]}) differs from the RT Plan's ({own[0]:g} Gy "
                   f"in {own[1]}): check which is right")
            out.append(PrescriptionSource("RT Plan", own[0], own[1], "differs", msg))
            if not any("differ" in w for w in warnings):  # the reader warns of it too
                warnings.append(msg)
    if planned is not None:
        p = (float(planned[0]), int(planned[1]))
        if same(p):
            out.append(PrescriptionSource("case regimen", p[0], p[1], "agrees"))
        else:
            msg = (f"the plan's prescription ({used[0]:g} Gy in {used[1]}) differs from the case's planned regimen "
                   f"({p[0]:g} Gy in {p[1]})")
            out.append(PrescriptionSource("case regimen", p[0], p[1], "differs", msg))
            warnings.append(msg)
    d50 = target.coverage.quality.d50_gy
    if d50 is not None:
        ratio = d50 / used[0]
        shown = (f"the RT Dose gives the target {target.name} a median dose (D50%) of {d50:.3g} Gy, "
                 f"{100 * ratio:.0f} % of the prescription")
        if ratio < 1.0 or ratio > 2.0:
            msg = shown + (": below the prescription" if ratio < 1.0 else
                           ": more than twice the prescription (is the dose per fraction or per plan?)")
            out.append(PrescriptionSource("RT Dose", None, None, "warning",
                                          msg + " (plausibility band 100-200 %: the program's choice)"))
            warnings.append(msg)
        else:
            out.append(PrescriptionSource("RT Dose", None, None, "info", shown))
    return tuple(out)


def _overall(lookups: list[SetLookup], checked: tuple[ConstraintResult, ...], unresolved: tuple[UnresolvedResult, ...],
             targets: list[TargetResult], missing: tuple[str, ...], fractions: int,
             site: str | None) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(status, what was not checked, what failed) of a plan check (see the module docstring)."""
    not_checked: list[str] = []
    failures: list[str] = []
    for lk in lookups:
        if not lk.constraints:
            not_checked.append(f"no limits for {fractions} fractions in {lk.set.name}: organ limits not checked")
    if checked and all(c.status == "no structure" for c in checked):
        not_checked.append("no organ the limits name is contoured: organ limits not checked")
    for c in checked:
        k = c.constraint
        where = f"{k.organ} {k.text} ({c.structure})"
        if c.status == "fail":
            failures.append(f"{where}: {c.value:.4g} {k.unit}" if c.value is not None else where)
        elif c.status in ("incomplete", "not evaluated"):
            not_checked.append(f"{where}: {c.status}" + (f" ({c.note})" if c.note else ""))
    for u in unresolved:
        if u.structure:
            not_checked.append(f"{u.limit.organ} {u.limit.metric} ({u.structure}): limit {u.limit.text} in "
                               f"{u.limit.fractions} fractions, not checked")
    if missing:
        not_checked.append("not contoured: " + ", ".join(missing) + (
            f" (expected at site {site})" if site else " (the set lists them; give --site to expect only the "
            "organs of the site)"))
    for t in targets:
        cov = t.coverage
        if cov.status == "fail":
            failures.append(f"coverage of {t.name}: " + "; ".join(cov.reasons))
        elif cov.status == "incomplete":
            not_checked.append(f"coverage of {t.name}: " + "; ".join(cov.reasons))
        g = t.conformity.grade
        if g is None:
            not_checked.append(f"conformity of {t.name}: not computed")
            continue
        for m in g.metrics:
            st = metric_status(m, g.applies)
            if st == "fail":
                failures.append(f"{m.metric} of {t.name}: {m.value:.3g}{' %' if m.unit == '%' else ''} "
                                f"({m.grade})")
            elif st == "incomplete":
                not_checked.append(f"{m.metric} of {t.name}: not graded ({g.message})")
        if any(m.value is None for m in g.metrics) and g.applies:
            for m in g.metrics:
                if m.value is None:
                    not_checked.append(f"{m.metric} of {t.name}: not computed")
    status = "fail" if failures else ("incomplete" if not_checked else "pass")
    return status, tuple(dict.fromkeys(not_checked)), tuple(dict.fromkeys(failures))


def _organ_doses(results: list[StructureResult], occ: dict[str, Occupancy], grid: Any,
                 warnings: list[str]) -> dict[tuple[str, str], StructureDose]:
    """Structures by (TG-263 organ, structure name); Lungs built and reduced by the GTV (the presets' and
    RTOG 0813's "total lung minus GTV"), by the ITV where there is no GTV (said so)."""
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
        kept = [s for s in results if not (s.how_matched == "user" and s.tg263_name is None)]  # not left out
        inner = [s for s in kept if nm.target_type(s.tg263_name, s.roi_type) == "GTV"]
        if not inner:
            inner = [s for s in kept if nm.target_type(s.tg263_name, s.roi_type) == "ITV"]
            if inner:
                warnings.append("no GTV found: lung limits evaluated on the lungs minus the ITV ("
                                + ", ".join(s.name for s in inner) + "); the limits define lungs minus GTV")
        label = " + ".join(o.name for o in lung_parts) + "".join(f" - {s.name}" for s in inner)
        combined = combine(label, grid.shape, lung_parts, [occ[s.name] for s in inner], grid)
        out[(LUNGS, label)] = structure_dose(combined, grid)
        if not inner:
            warnings.append("no ITV or GTV found: lung limits evaluated on the whole lungs")
    return out


def _conformity(plan: LoadedPlan, target: StructureResult, occ: Occupancy, roi: Any, piv_cc: float,
                piv50_cc: float, site: str | None, n_targets: int = 1) -> Conformity:
    ptv_cc = target.dose.volume_cc
    rx = plan.prescription_gy
    notes = ["isodose volumes counted over the whole dose grid (voxel centres at or above the level)"]
    if n_targets > 1:
        notes[0] = (f"{n_targets} targets: each isodose voxel (centre at or above the level) is counted for the "
                    "nearest target centre")
    if target.dose.partly_outside:
        notes.append("the PTV is partly outside the dose grid: R100%/R50% are not meaningful")
    r100 = piv_cc / ptv_cc
    r50 = piv50_cc / ptv_cc
    d2 = d2cm_gy(plan.dose, roi, occ)
    d2_pct = None if d2 is None else 100.0 * d2 / rx
    if d2 is None:
        notes.append("no dose voxel lies 2 cm or more from the PTV: D2cm not computed")
    elif d2_pct is not None and d2_pct > 100.0:
        notes.append(f"D2cm {d2_pct:.0f} % of the prescription: more than the prescription 2 cm from {target.name} "
                     "(another target nearby?); graded as measured")
    grade = grade_plan(ptv_cc, r50, d2_pct, r100, site=site, measured=True)
    return Conformity(r100, r50, d2_pct, grade, tuple(notes), target=target.name)
