"""The assessment's result objects (frozen); :meth:`Assessment.as_dict` is the CLI's JSON contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sbrt_calc.eligibility.rules import Item

_WORKUP_LABEL = {"cns_imaging": "CNS imaging", "staging": "complete staging", "rebiopsy": "rebiopsy",
                 "mdt": "multidisciplinary discussion", "clinical_trial": "clinical trial consideration",
                 "best_response": "best response on the current agent"}

#: What the headline says: supported, not supported, not yet assessable (work-up first),
#: pending (a rebiopsy result awaited), no progression.
VERDICTS = ("supported", "not_supported", "not_yet_assessable", "pending_rebiopsy", "no_progression")
#: The label every face shows for a verdict (the app's Eligibility tab, the PDF, the CLI, the JSON).
VERDICT_LABELS = {"supported": "SUPPORTED", "not_supported": "NOT SUPPORTED",
                  "not_yet_assessable": "NOT YET ASSESSABLE", "pending_rebiopsy": "PENDING (rebiopsy)",
                  "no_progression": "NO PROGRESSION"}


@dataclass(frozen=True)
class Blocker:
    """Why local therapy while continuing the current agent is not supported.

    ``summary`` is a few words for the recommendation; ``text`` the full sourced sentence.
    """

    key: str
    summary: str
    text: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "summary": self.summary, "text": self.text, "source": self.source}


@dataclass(frozen=True)
class WorkupItem:
    """Work-up still needed before deciding.

    ``required``: must happen before the decision (else: to consider); ``blocking``: the case
    is not eligible until it is done.
    """

    key: str
    text: str
    source: str
    blocking: bool
    required: bool = True

    @property
    def label(self) -> str:
        return _WORKUP_LABEL.get(self.key, self.key)

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "text": self.text, "source": self.source, "required": self.required,
                "blocking": self.blocking}


@dataclass(frozen=True)
class SchemeBed:
    """A site preset with its LQ BED10 from the prescription (:func:`sbrt_calc.eligibility.sites.bed10_gy`)."""

    key: str
    label: str
    total_dose_gy: float
    fractions: int
    bed10_gy: float
    bed10_above_threshold: bool
    source: str
    note: str = ""
    verification: str = ""
    warning: str = ""
    flag_applies: bool = True

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "label": self.label, "total_dose_gy": self.total_dose_gy,
                "fractions": self.fractions, "bed10_gy": self.bed10_gy,
                "bed10_above_threshold": self.bed10_above_threshold, "source": self.source, "note": self.note,
                "verification": self.verification, "warning": self.warning, "flag_applies": self.flag_applies}


@dataclass(frozen=True)
class LesionAssessment:
    """What to do at one progressing (or new) lesion.

    ``index`` is the lesion's position in ``case.lesions``; ``local_therapy`` is ``"SRS"``
    (brain) or ``"SBRT"``; ``reason``/``source`` say why; ``considerations`` add what else to
    consider at this site (stabilisation, bone-modifying agents, re-irradiation).
    """

    index: int
    site: str
    status: str
    label: str | None
    local_therapy: str
    intent: str
    reason: str
    source: str
    alternatives: tuple[Item, ...]
    considerations: tuple[Item, ...]
    schemes: tuple[SchemeBed, ...]
    schemes_note: str
    location: str | None = None
    symptomatic: bool = False
    flag_applies: bool = True
    flag_reason: str = ""
    flag_source: str = ""
    choice: dict[str, Any] | None = None
    excluded: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "index": self.index, "site": self.site, "status": self.status, "label": self.label,
            "location": self.location, "symptomatic": self.symptomatic,
            "local_therapy": self.local_therapy, "intent": self.intent, "reason": self.reason,
            "source": self.source, "alternatives": [a.as_dict() for a in self.alternatives],
            "considerations": [c.as_dict() for c in self.considerations],
            "schemes": [s.as_dict() for s in self.schemes], "schemes_note": self.schemes_note,
            "schemes_left_out": list(self.excluded),
            "bed10_flag": {"applies": self.flag_applies, "reason": self.flag_reason, "source": self.flag_source},
            "planned_scheme": self.choice,
        }


@dataclass(frozen=True)
class Assessment:
    """The assessment of one case; :meth:`as_dict` is the CLI's JSON contract.

    Attributes
    ----------
    classification : str
        ``oligoprogression``, ``systemic_progression``, ``primary_resistance`` or ``no_progression``.
    verdict : str
        One of :data:`VERDICTS`; ``headline`` is the one-line verdict the faces show first.
    eligible : bool
        Local ablative therapy to the progressing sites while continuing the current agent is
        supported. Always false unless ``classification == "oligoprogression"``.
    definition : str or None
        ``"strict"`` (1-3 extracranial sites), ``"extended"`` (4-5) or ``"cns"`` (CNS sites only) for
        oligoprogression, else None. Brain lesions are counted apart (``cns_sites``).
    progressing_sites, new_sites, max_sites : int
        Sites of progression (progressing + new), of which new; the limit used.
    blockers : tuple of Blocker
        Why ``eligible`` is false (empty when eligible).
    missing_workup : tuple of WorkupItem
    lesions : tuple of LesionAssessment
        One per progressing or new lesion, in case order.
    recommendation : str
    reasons, evidence, caveats, next_steps : tuple of Item
    """

    classification: str
    eligible: bool
    definition: str | None
    progressing_sites: int
    new_sites: int
    max_sites: int
    blockers: tuple[Blocker, ...]
    missing_workup: tuple[WorkupItem, ...]
    lesions: tuple[LesionAssessment, ...]
    recommendation: str
    reasons: tuple[Item, ...]
    evidence: tuple[Item, ...]
    caveats: tuple[Item, ...]
    next_steps: tuple[Item, ...]
    verdict: str = "not_supported"
    headline: str = ""
    cns_sites: int = 0

    @property
    def verdict_label(self) -> str:
        """The verdict as every face shows it (:data:`VERDICT_LABELS`): 'PENDING (rebiopsy)'."""
        return VERDICT_LABELS[self.verdict]

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "verdict_label": self.verdict_label,
            "headline": self.headline,
            "classification": self.classification,
            "eligible": self.eligible,
            "cns_sites": self.cns_sites,
            "definition": self.definition,
            "progressing_sites": self.progressing_sites,
            "new_sites": self.new_sites,
            "max_sites": self.max_sites,
            "blockers": [b.as_dict() for b in self.blockers],
            "missing_workup": [w.as_dict() for w in self.missing_workup],
            "lesions": [x.as_dict() for x in self.lesions],
            "recommendation": self.recommendation,
            "reasons": [r.as_dict() for r in self.reasons],
            "evidence": [e.as_dict() for e in self.evidence],
            "caveats": [c.as_dict() for c in self.caveats],
            "next_steps": [s.as_dict() for s in self.next_steps],
        }


