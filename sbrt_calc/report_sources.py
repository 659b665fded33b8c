"""Turn a case file into report content: a saved case (JSON, :mod:`sbrt_calc.case`) or an
eligibility case (TOML, :mod:`sbrt_calc.eligibility_case`).

For an eligibility case the regimens default to the preset schemes of its progressing lesions'
sites (issue 6), in lesion order, without duplicates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import CaseError
from .regimen import Regimen
from .report import ReportContent, ReportTable

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
    from .eligibility import assess
    from .eligibility_case import load_case

    ecase = load_case(path)
    assessment = assess(ecase)
    title = f"{Path(path).stem} (eligibility case)"
    notes = ("Regimens: the preset schemes of the progressing lesions' sites.",)
    return ReportContent(title=title, regimens=_eligibility_regimens(assessment), models=("lq", "lql", "usc"),
                         eligibility=assessment, notes=notes)


def planning_tables(section: Any) -> tuple[ReportTable, ...]:
    """Planning tables saved in a case's ``planning`` section (``{"tables": [...]}``), validated lightly."""
    if not isinstance(section, dict):
        return ()
    out = []
    for i, t in enumerate(section.get("report_tables", []) or []):
        if not isinstance(t, dict) or not isinstance(t.get("headers"), list) or not isinstance(t.get("rows"), list):
            raise CaseError(f"planning.report_tables[{i}] must have 'headers' and 'rows' lists",
                            field=f"planning.report_tables[{i}]", value=t, allowed="headers and rows lists")
        out.append(ReportTable(str(t.get("title", "")), tuple(str(h) for h in t["headers"]),
                               tuple(tuple(str(c) for c in r) for r in t["rows"]),
                               tuple(str(n) for n in t.get("notes", [])), str(t.get("source", ""))))
    return tuple(out)


def content_from_saved_case(path: str | Path) -> ReportContent:
    """Report content for a saved case (JSON): its regimens, model, eligibility and planning sections."""
    from .case import load_case

    case = load_case(path)
    models = ("lq", "lql", "usc") if case.settings.model == "all" else (case.settings.model,)
    eligibility = None
    section = case.sections.get("eligibility") if case.sections else None
    if section:
        from .eligibility import assess
        from .eligibility_case import Case as EligibilityCase

        data = section.get("case", section) if isinstance(section, dict) else section
        eligibility = assess(EligibilityCase.from_dict(data, source=f"{path}: eligibility"))
    planning = planning_tables(case.sections.get("planning") if case.sections else None)
    invalid = [r.label or "(unnamed)" for r in case.regimens if not r.is_valid]
    notes = tuple(f"Row {label!r} holds invalid input and is not in the table." for label in invalid)
    return ReportContent(title=case.title, identifier=case.identifier, regimens=tuple(case.valid_regimens()),
                         models=models, organ_alpha_beta_gy=case.settings.organ_alpha_beta_gy,
                         eligibility=eligibility, planning=planning, notes=notes)


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
