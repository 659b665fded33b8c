"""The eligibility form as a plain dict: its empty state, the case it makes, saved sections, the lesions
the planning view may plan (Qt-free helpers of the Eligibility tab)."""

from __future__ import annotations

from typing import Any

from sbrt_calc.eligibility.case import PROGRESSING_STATUSES, Case
from sbrt_calc.eligibility.draft import REQUIRED_CHOICES as _DRAFT_REQUIRED_CHOICES
from sbrt_calc.eligibility.draft import empty_form as _draft_empty_form
from sbrt_calc.vocabulary import target_site

from .window_common import site_title as site_text  # as lesion_table_model's (that module imports Qt)

REQUIRED_CHOICES = _DRAFT_REQUIRED_CHOICES  # (key, label): the core's, one list
#: checkbox key, text, tooltip
CHECKS = (
    ("other_disease_controlled", "Rest of the disease controlled",
     "The rest of the disease is still responding or stable on the current agent (required for oligoprogression)"),
    ("cns_imaging_done", "CNS imaging done",
     "Brain imaging done for this progression (essential, particularly on TKIs: Seed 004); without it the case is "
     "not yet assessable"),
    ("staging_complete", "Complete staging done",
     "Complete imaging to confirm the extent of progression (Seed 004, step 1); without it the case is not yet "
     "assessable"),
    ("leptomeningeal", "Leptomeningeal disease", "Leptomeningeal disease present"),
    ("suspected_transformation", "Transformation suspected",
     "Transformation (e.g. to small cell) is suspected: the verdict stays pending until a rebiopsy result is "
     "recorded"),
    ("mdt_discussed", "MDT discussed", "Discussed at a multidisciplinary tumour board"),
    ("trial_considered", "Clinical trial considered", "Clinical-trial options were considered"),
)


def empty_form() -> dict[str, Any]:
    """A new, unfilled form: required choices unset, every box unticked, no lesion (the core's)."""
    return _draft_empty_form()


def case_of(form: dict[str, Any]) -> Case | None:
    """The validated case of a complete form, else None."""
    if any(form.get(k) is None for k, _ in REQUIRED_CHOICES):
        return None
    return Case.from_dict({k: v for k, v in form.items() if v is not None}, source="eligibility form")


def form_from_section(section: Any, source: str = "<case>") -> dict[str, Any]:
    """The form of a saved ``eligibility`` section, validated by the core as every face validates it
    (:func:`sbrt_calc.case.eligibility_case_of`, :func:`sbrt_calc.case.eligibility_draft_of`; CaseError
    naming ``eligibility.<key>``)."""
    from sbrt_calc.case import eligibility_case_of, eligibility_draft_of

    if not section:
        return empty_form()
    case = eligibility_case_of(section, source)
    if case is not None:
        form = empty_form()
        form.update(case.to_dict())
        return form
    draft = eligibility_draft_of(section, source)
    return draft.to_dict() if draft is not None else empty_form()


def lesion_facts(form: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """Facts the planning view needs about each progressing lesion: site, target site, previously irradiated."""
    out: dict[int, dict[str, Any]] = {}
    for i, les in enumerate(form.get("lesions", [])):
        if les.get("status") in PROGRESSING_STATUSES:
            site = les.get("site")
            target = target_site(site, les.get("location")) if site else site
            out[i] = {"site": site, "target_site": target,
                      "previously_irradiated": bool(les.get("previously_irradiated"))}
    return out


def lesion_choices(form: dict[str, Any]) -> list[tuple[int, str]]:
    """(index, description) of the form's progressing or new lesions, for the planning view."""
    out = []
    for i, les in enumerate(form.get("lesions", [])):
        if les.get("status") in PROGRESSING_STATUSES:
            label = f" ({les['label']})" if les.get("label") else ""
            out.append((i, f"#{i + 1} {site_text(les['site'])}{label}, {les['status']}"))
    return out
