"""The eligibility form as a plain dict: its empty state, the case it makes, saved sections, the lesions
the planning view may plan (Qt-free helpers of the Eligibility tab)."""

from __future__ import annotations

from typing import Any

from sbrt_calc.eligibility.case import PROGRESSING_STATUSES, Case
from sbrt_calc.errors import CaseError

from .lesion_table_model import site_text

REQUIRED_CHOICES = (("therapy_class", "therapy"), ("driver", "driver"), ("months_on_therapy", "months on therapy"),
                    ("ecog", "ECOG"))
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
    """A new, unfilled form: required choices unset, every box unticked, no lesion."""
    form: dict[str, Any] = {"therapy_class": None, "driver": None, "months_on_therapy": None, "ecog": None,
                            "max_sites": 5, "agent": None, "resistance_mutation": None, "best_response": "unknown",
                            "rebiopsy_result": None, "lesions": []}
    for key, _text, _tip in CHECKS:
        form[key] = False
    return form


def case_of(form: dict[str, Any]) -> Case | None:
    """The validated case of a complete form, else None."""
    if any(form.get(k) is None for k, _ in REQUIRED_CHOICES):
        return None
    return Case.from_dict({k: v for k, v in form.items() if v is not None}, source="eligibility form")


def form_from_section(section: Any, source: str = "<case>") -> dict[str, Any]:
    """The form of a saved ``eligibility`` section (CaseError naming ``eligibility.<key>``)."""
    from sbrt_calc.report.sources import eligibility_case_of

    if not section:
        return empty_form()
    case = eligibility_case_of(section, source)
    if case is not None:
        form = empty_form()
        form.update(case.to_dict())
        return form
    draft = section.get("draft")
    if not isinstance(draft, dict):
        raise CaseError(f"{source}: eligibility.draft must be an object", field="eligibility.draft", value=draft,
                        allowed="an object")
    form = empty_form()
    form.update(draft)
    # validate what is set by filling the unset choices with placeholders
    probe = dict(form)
    for key, value in (("therapy_class", "tki"), ("driver", "EGFR"), ("months_on_therapy", 0), ("ecog", 0)):
        if probe.get(key) is None:
            probe[key] = value
    try:
        Case.from_dict({k: v for k, v in probe.items() if v is not None}, source=f"{source}: eligibility.draft")
    except CaseError as exc:
        raise CaseError(exc.message, field=f"eligibility.draft.{exc.field}", value=exc.value,
                        allowed=exc.allowed) from None
    return form


def lesion_facts(form: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """Facts the planning view needs about each progressing lesion: site, target site, previously irradiated."""
    out: dict[int, dict[str, Any]] = {}
    for i, les in enumerate(form.get("lesions", [])):
        if les.get("status") in PROGRESSING_STATUSES:
            site = les.get("site")
            target = f"lung_{les['location']}" if site == "lung" and les.get("location") else site
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
