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
from sbrt_calc.planning.section import lesion_description
from sbrt_calc.report.content import ReportContent

__all__ = ["content_from_case", "eligibility_case_of", "lesion_description", "load_report_content",
           "planning_inputs_of"]


def content_from_case(case: Any, prepared_by: str = "", checked_by: str = "",
                      patient_reference: str = "", plan_check: Any = None, reirradiation: Any = None) -> ReportContent:
    """Report content of a :class:`sbrt_calc.case.Case` (the app's current case or a loaded file), evaluated
    once by :func:`sbrt_calc.evaluation.evaluate`: the report renders that one evaluation.

    ``prepared_by``, ``checked_by`` and ``patient_reference`` are those saved with the case (its ``report``
    section, :attr:`sbrt_calc.case.Case.report_people`) unless given here (non-empty). ``plan_check`` is a plan
    check already run on the case's ``plan_check`` inputs (the app's Plan check tab): the report shows it
    instead of reading the DICOM files a second time; ``reirradiation`` likewise for the app's Re-irradiation
    view (a :class:`sbrt_calc.evaluation_reirradiation.ReirradiationEvaluation` on the case's inputs).
    """
    from sbrt_calc.evaluation import evaluate
    from sbrt_calc.evaluation_tables import plan_check_tables, planning_tables

    saved = getattr(case, "report_people", {}) or {}
    prepared_by = prepared_by or saved.get("prepared_by", "")
    checked_by = checked_by or saved.get("checked_by", "")
    patient_reference = patient_reference or saved.get("patient_reference", "")
    ev = evaluate(case, plan_check=plan_check, reirradiation=reirradiation)
    notes = list(ev.notes)
    notes += [f"Row {r.label or '(unnamed)'!r} holds invalid input and has no result." for r in case.regimens
              if not r.is_valid]
    return ReportContent(evaluation=ev, title=case.title, identifier=case.identifier,
                         eligibility=None if ev.eligibility is None else ev.eligibility.assessment,
                         planning=planning_tables(ev) + plan_check_tables(ev), notes=tuple(notes),
                         prepared_by=prepared_by, checked_by=checked_by, patient_reference=patient_reference)


def load_report_content(path: str | Path) -> ReportContent:
    """Report content of a saved case (JSON) or an eligibility case (TOML), told apart by content."""
    from sbrt_calc.case_sections import load_any_case

    case = load_any_case(path)
    try:
        return content_from_case(case)
    except CaseError as exc:
        msg = exc.message if exc.message.startswith(str(path)) else f"{path}: {exc.message}"
        raise CaseError(msg, field=exc.field, value=exc.value, allowed=exc.allowed) from None
