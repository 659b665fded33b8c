"""Turn a case file into report content: a saved case (JSON, :mod:`sbrt_calc.case`) or an
eligibility case (TOML, :mod:`sbrt_calc.eligibility.case`).

For an eligibility case the regimens default to the preset schemes of its progressing lesions'
sites (issue 6), in lesion order, without duplicates. A saved case's ``eligibility`` section is
``{"case": <eligibility Case.to_dict()>}`` (or ``{"draft": ...}`` while the app's form is
incomplete) and its ``planning`` section is read by :mod:`sbrt_calc.planning.section`; the app
builds its report with the same :func:`content_from_case`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sbrt_calc.errors import CaseError
from sbrt_calc.regimen import Regimen
from sbrt_calc.report.content import ReportContent, ReportTable

MAX_CASE_BYTES = 5_000_000


def _eligibility_regimens(assessment: Any) -> tuple[Regimen, ...]:
    seen: dict[tuple[float, int], Regimen] = {}
    for lesion in assessment.as_dict().get("lesions", []):
        for s in lesion.get("schemes", []):
            key = (float(s["total_dose_gy"]), int(s["fractions"]))
            if key not in seen:
                seen[key] = Regimen(key[0], key[1], str(s.get("label") or ""))
    return tuple(seen.values())


def content_from_eligibility_case(path: str | Path) -> ReportContent:
    """Report content for an eligibility case TOML (regimens: its sites' preset schemes)."""
    from sbrt_calc.eligibility.assess import assess
    from sbrt_calc.eligibility.case import load_case

    ecase = load_case(path)
    assessment = assess(ecase)
    title = f"{Path(path).stem} (eligibility case)"
    notes = ("Regimens: the preset schemes of the progressing lesions' sites.",)
    return ReportContent(title=title, regimens=_eligibility_regimens(assessment), models=("lq", "lql", "usc"),
                         eligibility=assessment, notes=notes)


def eligibility_case_of(section: Any, source: str = "<case>") -> Any:
    """The :class:`~sbrt_calc.eligibility.case.Case` of a saved ``eligibility`` section, or None.

    The section is ``{"case": <Case.to_dict()>}`` (complete form) or ``{"draft": {...}}`` (the app's
    form while incomplete: not assessed). CaseError naming ``eligibility.case.<key>`` for a bad case.
    """
    from sbrt_calc.eligibility.case import Case as EligibilityCase

    if not section:
        return None
    if not isinstance(section, dict):
        raise CaseError(f"{source}: eligibility must be an object", field="eligibility", value=None,
                        allowed="an object")
    for key in section:
        if key not in ("case", "draft"):
            raise CaseError(f"{source}: eligibility.{key}: unknown key (allowed: case, draft)",
                            field=f"eligibility.{key}", value=key, allowed="case, draft")
    if "case" not in section:
        return None
    try:
        return EligibilityCase.from_dict(section["case"], source=f"{source}: eligibility.case")
    except CaseError as exc:
        path = f"eligibility.case.{exc.field}" if exc.field and exc.field != "case" else "eligibility.case"
        raise CaseError(exc.message, field=path, value=exc.value, allowed=exc.allowed) from None


def planning_inputs_of(section: Any) -> Any:
    """The :class:`~sbrt_calc.planning.section.PlanningInputs` of a saved ``planning`` section, or None."""
    from sbrt_calc.planning.section import PlanningInputs

    if not section:
        return None
    return PlanningInputs.from_dict(section)


def planning_tables(section: Any, eligibility_case: Any = None) -> tuple[ReportTable, ...]:
    """The planning checks computed from a saved ``planning`` section (see :mod:`sbrt_calc.planning.section`)."""
    from sbrt_calc.planning.section import report_tables

    inputs = planning_inputs_of(section)
    if inputs is None:
        return ()
    return report_tables(inputs, lesion_description(eligibility_case, inputs.lesion))


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


def content_from_case(case: Any, source: str = "<case>") -> ReportContent:
    """Report content of a :class:`sbrt_calc.case.Case` (the app's current case or a loaded file)."""
    from sbrt_calc.eligibility.assess import assess

    models = ("lq", "lql", "usc") if case.settings.model == "all" else (case.settings.model,)
    sections = case.sections or {}
    ecase = eligibility_case_of(sections.get("eligibility"), source)
    eligibility = None if ecase is None else assess(ecase)
    notes: list[str] = []
    if ecase is None and sections.get("eligibility"):
        notes.append("The eligibility form is incomplete: no assessment.")
    planning = planning_tables(sections.get("planning"), ecase)
    notes += [f"Row {r.label or '(unnamed)'!r} holds invalid input and is not in the table."
              for r in case.regimens if not r.is_valid]
    return ReportContent(title=case.title, identifier=case.identifier, regimens=tuple(case.valid_regimens()),
                         models=models, organ_alpha_beta_gy=case.settings.organ_alpha_beta_gy,
                         eligibility=eligibility, planning=planning, notes=tuple(notes))


def content_from_saved_case(path: str | Path) -> ReportContent:
    """Report content for a saved case (JSON): its regimens, model, eligibility and planning sections."""
    from sbrt_calc.case import load_case

    case = load_case(path)
    try:
        return content_from_case(case, str(path))
    except CaseError as exc:
        msg = exc.message if exc.message.startswith(str(path)) else f"{path}: {exc.message}"
        raise CaseError(msg, field=exc.field, value=exc.value, allowed=exc.allowed) from None


def load_report_content(path: str | Path) -> ReportContent:
    """A saved case (JSON) or an eligibility case (TOML), told apart by content."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_CASE_BYTES:
            raise CaseError(f"{p}: {size} bytes is too large for a case file (limit {MAX_CASE_BYTES})",
                            field=str(p), value=size, allowed=f"at most {MAX_CASE_BYTES} bytes")
        head = p.read_bytes()[:64].lstrip()
    except OSError as exc:
        raise CaseError(f"{p}: cannot read: {exc.strerror or exc}", field=str(p), value=None,
                        allowed="a readable case file") from None
    if head.startswith(b"{"):
        return content_from_saved_case(p)
    return content_from_eligibility_case(p)
