"""The case's sections evaluated under its settings: eligibility, planning and the plan check.

:func:`sbrt_calc.evaluation.evaluate` calls :func:`evaluate_sections` once per case; the results are the
frozen :class:`~sbrt_calc.evaluation_results.EligibilityEvaluation`, :class:`~sbrt_calc.evaluation_results.PlanningEvaluation`
and :class:`~sbrt_calc.evaluation_results.PlanCheckEvaluation` every face renders. Each reads the case's flag line
(a :class:`~sbrt_calc.presets.radiobiology.Threshold`, with its scale) from the evaluation settings, never
the shipped one: a case whose flag is 80 Gy reads "BED10 > 80 Gy" in every sentence.

Imported only when a case is evaluated whole (eligibility, planning and DICOM reading load here).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.evaluation_results import (
    EligibilityEvaluation,
    FlagAtSite,
    PlanCheckEvaluation,
    PlanningEvaluation,
)

#: :class:`sbrt_calc.evaluation.EvaluationSettings` (not imported: evaluation imports this module)
EvaluationSettings = Any


@dataclass(frozen=True)
class Sections:
    """What :func:`evaluate_sections` returns."""

    eligibility: EligibilityEvaluation | None
    planning: PlanningEvaluation | None
    plan_check: PlanCheckEvaluation | None
    flag_at_site: FlagAtSite | None
    notes: tuple[str, ...]


def planned_site(planning: Any, eligibility_case: Any) -> str | None:
    """The planning section's target site, else that of its lesion in the eligibility form, else None."""
    if planning is None:
        return None
    if planning.site is not None:
        return str(planning.site)
    lesions = getattr(eligibility_case, "lesions", ()) or ()
    if planning.lesion is not None and 0 <= planning.lesion < len(lesions):
        from sbrt_calc.planning.section import target_site

        return target_site(lesions[planning.lesion])
    return None


def evaluate_eligibility(ecase: Any, s: EvaluationSettings) -> EligibilityEvaluation | None:
    """The eligibility form assessed under the case's flag line (None without a complete form)."""
    if ecase is None:
        return None
    from sbrt_calc.eligibility.assess import assess

    return EligibilityEvaluation(assess(ecase, flag=s.flag), s.flag)


def evaluate_planning(inputs: Any, ecase: Any, s: EvaluationSettings) -> PlanningEvaluation | None:
    """The planning section under the case's flag line: the planned regimen's BED on the line's scale,
    whether the line applies at the target site and is reached, and the planning tables."""
    if inputs is None:
        return None
    from sbrt_calc.planning.section import bed10_check, lesion_description, report_tables

    site = planned_site(inputs, ecase)
    tables = report_tables(inputs, lesion_description(ecase, inputs.lesion), flag=s.flag,
                           tumour_alpha_beta_gy=s.tumour_alpha_beta_gy)
    try:
        reg = inputs.planned_regimen()
    except SbrtCalcError:
        reg = None
    if reg is None:
        return PlanningEvaluation(inputs, site, tables, flag=s.flag)
    c = bed10_check(reg, inputs.site, s.flag)
    return PlanningEvaluation(inputs, site, tables, reg, c["bed10_gy"], c["applies"], c["reached"], c["text"], s.flag)


def _case_regimen_of(result: Any) -> tuple[float, int] | None:
    """The case's planned regimen a plan check result was compared with (None: not compared)."""
    for src in getattr(result, "prescription_sources", ()):
        if src.source == "case regimen":
            return (float(src.total_dose_gy), int(src.fractions))
    return None


def plan_check_alpha_betas(s: EvaluationSettings) -> Any:
    """The plan check's alpha/beta per structure under the case's settings: its tumour alpha/beta for targets,
    its organ alpha/beta for organs (:func:`sbrt_calc.plancheck.alpha_beta.of_case`)."""
    from sbrt_calc.plancheck.alpha_beta import of_case

    organs = s.organ_alpha_betas_gy
    return of_case(s.tumour_alpha_beta_gy, organs[0] if organs else s.tumour_alpha_beta_gy)


def evaluate_plan_check(inputs: Any, s: EvaluationSettings, site: str | None,
                        done: Any = None, planned: tuple[float, int] | None = None) -> PlanCheckEvaluation | None:
    """The plan check of the case's DICOM files, or ``done`` (a result already computed on the same inputs
    and compared with the same planned regimen: the app's Plan check tab), with the prescription's BED10
    against the case's flag line at the site; each structure's EQD2 at the case's alpha/beta
    (:func:`plan_check_alpha_betas`). ``planned`` (total Gy, fractions): the case's planned regimen,
    compared with the plan's prescription (issue 17)."""
    if inputs is None:
        return None
    from sbrt_calc.plancheck.grade import check_plan, with_alpha_betas

    alpha_betas = plan_check_alpha_betas(s)
    rerun = ""
    if done is not None and getattr(done, "inputs", None) == inputs and _case_regimen_of(done) == planned:
        result = with_alpha_betas(done, alpha_betas)   # the case's alpha/beta from the DVHs it holds: no file read
    else:
        if done is not None:
            why = "its files or options" if getattr(done, "inputs", None) != inputs else "the planned regimen"
            rerun = (f"The plan check shown on screen was of other inputs ({why} changed since): the DICOM files "
                     "were read and checked again for this evaluation.")
        try:
            result = check_plan(inputs, planned=planned, alpha_betas=alpha_betas)
        except SbrtCalcError as exc:
            return PlanCheckEvaluation(inputs, None, f"Plan check not run: {exc.message}", flag=s.flag, rerun=rerun)
    return plan_check_evaluation_of(result, s, site, rerun)


def plan_check_evaluation_of(result: Any, s: EvaluationSettings, site: str | None,
                             rerun: str = "") -> PlanCheckEvaluation:
    """A plan check already run (``result``), evaluated under the case's settings: its prescription's BED10
    against the case's flag line at the site. Reads no file (the app's Plan check tab calls it on its result)."""
    from sbrt_calc.planning.section import bed10_check
    from sbrt_calc.regimen import Regimen

    plan = result.plan
    c = bed10_check(Regimen(plan.prescription_gy, plan.fractions), site, s.flag)
    return PlanCheckEvaluation(result.inputs, result, "", c["bed10_gy"], c["reached"], c["applies"], c["text"],
                               s.flag, rerun)


def evaluate_sections(case: Any, s: EvaluationSettings, plan_check: Any = None) -> Sections:
    """Eligibility, planning and plan check of ``case`` under ``s`` (see the module docstring)."""
    notes: list[str] = []
    ecase = case.eligibility
    if ecase is None and (case.sections or {}).get("eligibility"):
        notes.append("The eligibility form is incomplete: no assessment.")
    eligibility = evaluate_eligibility(ecase, s)
    planning = evaluate_planning(case.planning, ecase, s)
    site = planned_site(case.planning, ecase)
    flag_at_site = None
    if site is not None:
        from sbrt_calc.eligibility.sites import flag_applicability

        fa = flag_applicability(site, s.flag)
        flag_at_site = FlagAtSite(site, fa.applies, fa.reason, fa.source)
    reg = planning.regimen if planning is not None else None
    planned = None if reg is None else (float(reg.total_dose_gy), int(reg.fractions))
    checked = evaluate_plan_check(case.plan_check, s, site, plan_check, planned)
    if checked is not None and checked.rerun:
        notes.append(checked.rerun)
    if checked is not None and checked.error:
        notes.append(checked.error)
    return Sections(eligibility, planning, checked, flag_at_site, tuple(notes))
