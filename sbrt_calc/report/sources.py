"""Report content from a case: one :class:`~sbrt_calc.case.Case` (saved JSON or eligibility TOML, read by
:func:`sbrt_calc.case_sections.load_any_case`), evaluated once by :func:`sbrt_calc.evaluation.evaluate`.

The app builds its report with the same :func:`content_from_case`, so the screen, the app's PDF and
``sbrt-calc report`` render the same Evaluation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sbrt_calc.case_sections import eligibility_case_of, planning_inputs_of
from sbrt_calc.errors import CaseError
from sbrt_calc.report.content import ReportContent, ReportTable

__all__ = ["content_from_case", "eligibility_case_of", "lesion_description", "load_report_content",
           "planning_inputs_of", "planning_tables"]


def planning_tables(inputs: Any, eligibility_case: Any = None) -> tuple[ReportTable, ...]:
    """The planning checks of a case's validated ``planning`` section (:mod:`sbrt_calc.planning.section`)."""
    from sbrt_calc.planning.section import report_tables

    if inputs is None:
        return ()
    return report_tables(inputs, lesion_description(eligibility_case, inputs.lesion))


def plan_check_tables(inputs: Any, notes: list[str]) -> tuple[ReportTable, ...]:
    """The plan check of the case's DICOM files (:func:`sbrt_calc.plancheck.grade.check_plan`), or a note why not."""
    if inputs is None:
        return ()
    from sbrt_calc.errors import SbrtCalcError
    from sbrt_calc.plancheck.grade import check_plan
    from sbrt_calc.plancheck.report import report_tables

    try:
        return report_tables(check_plan(inputs))
    except SbrtCalcError as exc:
        notes.append(f"Plan check not run: {exc.message}")
        return ()


def lesion_description(eligibility_case: Any, index: int | None) -> str | None:
    """'#2 bone (L3 vertebra), progressing' for lesion ``index`` of an eligibility case."""
    if index is None:
        return None
    lesions = getattr(eligibility_case, "lesions", ()) or ()
    if not 0 <= index < len(lesions):
        return f"#{index + 1} (not in the eligibility form)"
    les = lesions[index]
    label = f" ({les.label})" if les.label else ""
    return f"#{index + 1} {les.site.replace('_', ' ')}{label}, {les.status}"


def content_from_case(case: Any, prepared_by: str = "", checked_by: str = "",
                      patient_reference: str = "") -> ReportContent:
    """Report content of a :class:`sbrt_calc.case.Case` (the app's current case or a loaded file).

    ``people`` may hold ``prepared_by``, ``checked_by`` and ``patient_reference`` (report fields only).
    """
    from sbrt_calc.eligibility.assess import assess
    from sbrt_calc.evaluation import evaluate

    ecase = case.eligibility
    eligibility = None if ecase is None else assess(ecase)
    notes: list[str] = []
    if ecase is None and (case.sections or {}).get("eligibility"):
        notes.append("The eligibility form is incomplete: no assessment.")
    planning = planning_tables(case.planning, ecase) + plan_check_tables(case.plan_check, notes)
    notes += [f"Row {r.label or '(unnamed)'!r} holds invalid input and has no result." for r in case.regimens
              if not r.is_valid]
    return ReportContent(evaluation=evaluate(case), title=case.title, identifier=case.identifier,
                         eligibility=eligibility, planning=planning, notes=tuple(notes), prepared_by=prepared_by,
                         checked_by=checked_by, patient_reference=patient_reference)


def load_report_content(path: str | Path) -> ReportContent:
    """Report content of a saved case (JSON) or an eligibility case (TOML), told apart by content."""
    from sbrt_calc.case_sections import load_any_case

    case = load_any_case(path)
    try:
        return content_from_case(case)
    except CaseError as exc:
        msg = exc.message if exc.message.startswith(str(path)) else f"{path}: {exc.message}"
        raise CaseError(msg, field=exc.field, value=exc.value, allowed=exc.allowed) from None
