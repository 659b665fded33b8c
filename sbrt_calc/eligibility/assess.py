"""Oligoprogression eligibility: is this oligoprogression, what is missing, what to do at each site.

:func:`assess` turns a :class:`~sbrt_calc.eligibility.case.Case` into an :class:`Assessment`:
a classification, whether local ablative therapy while continuing the current agent is
supported, the work-up still missing, a local therapy for each progressing lesion (with the
site presets and their BED10 from :func:`sbrt_calc.evaluation.evaluate_regimen`), and the reasons,
evidence and caveats, each with its source (see :mod:`sbrt_calc.eligibility.rules`).

Decision support, not a decision: every conclusion carries the sentences that led to it.

Rules and the choices made where the sources leave room
-------------------------------------------------------
- **Sites** are counted as lesion entries with status ``progressing`` or ``new``: each entry
  is one site of progression (a new lesion counts like a progressing one, Ref 001). Stable
  and responding lesions are controlled disease. Brain lesions count like any other.
- **Classification**: ``systemic_progression`` when the rest of the disease is not controlled
  (whatever the count) or when the count exceeds ``max_sites``; ``no_progression`` when no
  lesion progresses and the rest is controlled; otherwise ``oligoprogression`` (Ref 004
  definition). ``definition`` is ``"strict"`` for 1-3 sites and ``"extended"`` for 4-5
  (Ref 000; CURB, HALT, ASTRO/ESTRO allow 5).
- **Eligible** only for oligoprogression and none of these blockers: leptomeningeal disease
  (Ref 004: CNS-penetrant next-generation TKI instead); no CNS imaging on a TKI (Ref 004:
  "essential, particularly for patients on TKIs"); a suspected transformation or resistance
  mechanism without rebiopsy (Ref 004); ECOG >= 3 (Ref 004 "consider performance status" -
  the cut-off 3 is this tool's choice, said so in the reason text); symptomatic progression
  at two or more sites (Ref 004: avoid continuing the same TKI without local therapy for
  symptomatic systemic progression with multiple lesions; applied to every therapy class).
- **Immunotherapy and chemotherapy**: missing CNS imaging is listed as work-up but does not
  block (Ref 004 makes it essential "particularly" on TKIs; Ref 003 supports SBRT while
  maintaining immunotherapy). Incomplete staging, no MDT and no trial consideration are
  listed as missing work-up without blocking; the recommendation says the decision is
  pending them.
- **Prior benefit** (``months_on_therapy``) is shown as a selection factor; the sources give
  no cut-off, so none is applied.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sbrt_calc.eligibility import rules as R
from sbrt_calc.eligibility.case import (
    BONE_SITES,
    DRIVERS,
    PROGRESSING_STATUSES,
    SITES,
    STATUSES,
    THERAPY_CLASSES,
    Case,
    Lesion,
    load_case,
)
from sbrt_calc.eligibility.rules import Item
from sbrt_calc.errors import SbrtCalcError

__all__ = [
    "Assessment", "Blocker", "Case", "CLASSIFICATIONS", "DRIVERS", "Item", "Lesion", "LesionAssessment",
    "SITES", "STATUSES", "SchemeBed", "THERAPY_CLASSES", "WorkupItem", "assess", "load_case", "site_schemes",
]

CLASSIFICATIONS = ("oligoprogression", "systemic_progression", "no_progression")

_THERAPY_LABEL = {"tki": "TKI", "immunotherapy": "immunotherapy", "chemotherapy": "chemotherapy",
                  "chemoimmunotherapy": "chemo-immunotherapy"}
_WORKUP_LABEL = {"cns_imaging": "CNS imaging", "staging": "complete staging", "rebiopsy": "rebiopsy",
                 "mdt": "multidisciplinary discussion", "clinical_trial": "clinical trial consideration"}


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
    """A site preset with its BED10 (from :func:`sbrt_calc.evaluation.evaluate_regimen`)."""

    key: str
    label: str
    total_dose_gy: float
    fractions: int
    bed10_gy: float
    bed10_above_threshold: bool
    source: str
    note: str = ""
    verification: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "label": self.label, "total_dose_gy": self.total_dose_gy,
                "fractions": self.fractions, "bed10_gy": self.bed10_gy,
                "bed10_above_threshold": self.bed10_above_threshold, "source": self.source, "note": self.note,
                "verification": self.verification}


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

    def as_dict(self) -> dict[str, object]:
        return {
            "index": self.index, "site": self.site, "status": self.status, "label": self.label,
            "local_therapy": self.local_therapy, "intent": self.intent, "reason": self.reason,
            "source": self.source, "alternatives": [a.as_dict() for a in self.alternatives],
            "considerations": [c.as_dict() for c in self.considerations],
            "schemes": [s.as_dict() for s in self.schemes], "schemes_note": self.schemes_note,
        }


@dataclass(frozen=True)
class Assessment:
    """The assessment of one case; :meth:`as_dict` is the CLI's JSON contract.

    Attributes
    ----------
    classification : str
        One of :data:`CLASSIFICATIONS`.
    eligible : bool
        Local ablative therapy to the progressing sites while continuing the current agent is
        supported. Always false unless ``classification == "oligoprogression"``.
    definition : str or None
        ``"strict"`` (1-3 sites) or ``"extended"`` (4-5) for oligoprogression, else None.
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "classification": self.classification,
            "eligible": self.eligible,
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


# --- site presets ---------------------------------------------------------------------------

def _load_schemes_for_site() -> Callable[[str], Any] | None:
    """``sbrt_calc.presets.loader.schemes_for_site`` if that module exists, else None."""
    try:
        module = importlib.import_module("sbrt_calc.presets.loader")
    except ImportError:
        return None
    func = getattr(module, "schemes_for_site", None)
    return func if callable(func) else None


def site_schemes(site: str) -> tuple[tuple[SchemeBed, ...], str]:
    """The preset schemes for ``site`` with their BED10, and a note.

    Uses ``sbrt_calc.presets.loader.schemes_for_site`` when it exists (guarded: without it, or
    when it fails or returns nothing, the answer is no schemes and the note "no presets
    for this site"). BED10 and its flag come from :func:`sbrt_calc.evaluation.evaluate_regimen`.
    """
    if site == "other":
        return (), R.NO_PRESETS
    func = _load_schemes_for_site()
    if func is None:
        return (), R.NO_PRESETS + " (site presets not available)"
    try:
        schemes = list(func(site) or [])
    except (SbrtCalcError, OSError, LookupError) as exc:
        return (), f"{R.NO_PRESETS} (presets could not be read: {exc})"
    if not schemes:
        return (), R.NO_PRESETS
    from sbrt_calc.evaluation import EvaluationSettings, evaluate_regimen

    settings = EvaluationSettings()
    out: list[SchemeBed] = []
    skipped: list[str] = []
    for scheme in schemes:
        try:
            result = evaluate_regimen(scheme.regimen(), settings)
        except SbrtCalcError as exc:
            skipped.append(f"{getattr(scheme, 'label', '?')}: {exc}")
            continue
        out.append(SchemeBed(
            key=str(getattr(scheme, "key", "")), label=str(scheme.label),
            total_dose_gy=float(scheme.total_dose_gy), fractions=int(scheme.fractions),
            bed10_gy=float(result.bed10_gy or 0.0), bed10_above_threshold=bool(result.flag_reached),
            source=str(getattr(scheme, "source", "")), note=str(getattr(scheme, "note", "") or ""),
            verification=str(getattr(scheme, "verification", "") or ""),
        ))
    note = f"{len(out)} preset(s) for {site}; BED10 by the LQ model"
    if skipped:
        note += "; skipped: " + "; ".join(skipped)
    if not out:
        note = R.NO_PRESETS + ("; skipped: " + "; ".join(skipped) if skipped else "")
    return tuple(out), note


# --- the rules --------------------------------------------------------------------------------

def _classify(case: Case) -> tuple[str, str | None, list[Item]]:
    n = len(case.progressing_lesions)
    reasons: list[Item] = []
    if not case.other_disease_controlled:
        reasons.append(R.REST_NOT_CONTROLLED)
        if n == 0:
            reasons.append(Item("No progressing or new lesion is listed although the rest of the disease is not "
                                "controlled: list the progressing lesions.", R.TOOL))
        return "systemic_progression", None, reasons
    if n == 0:
        return "no_progression", None, [R.NO_PROGRESSION]
    if n > case.max_sites:
        definition = "strict" if case.max_sites == R.STRICT_MAX_SITES else "extended"
        reasons.append(Item(R.SYSTEMIC_TOO_MANY.text.format(n=n, definition=definition, max_sites=case.max_sites),
                            R.SYSTEMIC_TOO_MANY.source))
        if n <= R.EXTENDED_MAX_SITES:
            reasons.append(Item(R.STRICT_WOULD_ALLOW.text.format(n=n), R.STRICT_WOULD_ALLOW.source))
        return "systemic_progression", None, reasons
    word = "site" if n == 1 else "sites"
    if n <= R.STRICT_MAX_SITES:
        reasons.append(Item(f"{n} progressing or new {word} with the rest of the disease controlled: "
                            "oligoprogression (strict definition, 1-3 sites).", R.DEFINITION_SOURCE))
        reasons.append(R.DEFINITION_CONTROLLED)
        return "oligoprogression", "strict", reasons
    reasons.append(Item(f"{n} progressing or new sites with the rest of the disease controlled: oligoprogression "
                        "by the extended definition (4-5 sites).", R.DEFINITION_SOURCE))
    reasons.append(R.DEFINITION_EXTENDED)
    return "oligoprogression", "extended", reasons


def _workup(case: Case, classification: str) -> list[WorkupItem]:
    tki = case.therapy_class == "tki"
    items: list[WorkupItem] = []
    if not case.cns_imaging_done:
        cns = R.WORKUP_CNS_TKI if tki else R.WORKUP_CNS_OTHER
        items.append(WorkupItem("cns_imaging", cns.text, cns.source, blocking=tki))
    if not case.staging_complete:
        items.append(WorkupItem("staging", R.WORKUP_STAGING.text, R.WORKUP_STAGING.source, blocking=False))
    if case.suspected_transformation and not case.rebiopsy_done:
        it = R.WORKUP_REBIOPSY_TRANSFORMATION
        items.append(WorkupItem("rebiopsy", it.text, it.source, blocking=True))
    elif tki and not case.rebiopsy_done and classification != "no_progression":
        it = R.WORKUP_REBIOPSY_PROFILE if classification == "systemic_progression" else R.WORKUP_REBIOPSY_SELECTED
        items.append(WorkupItem("rebiopsy", it.text, it.source, blocking=False,
                                required=classification == "systemic_progression"))
    if not case.mdt_discussed and classification != "no_progression":
        items.append(WorkupItem("mdt", R.WORKUP_MDT.text, R.WORKUP_MDT.source, blocking=False))
    if not case.trial_considered and classification != "no_progression":
        items.append(WorkupItem("clinical_trial", R.WORKUP_TRIAL.text, R.WORKUP_TRIAL.source, blocking=False,
                                required=False))
    return items


def _blockers(case: Case, classification: str, workup: list[WorkupItem]) -> list[Blocker]:
    n = len(case.progressing_lesions)
    out: list[Blocker] = []
    if classification == "systemic_progression":
        if not case.other_disease_controlled:
            summary, it = "the rest of the disease is not controlled", R.REST_NOT_CONTROLLED
        else:
            summary = f"{n} progressing or new sites, more than {case.max_sites}"
            it = Item(R.SYSTEMIC_TOO_MANY.text.format(
                n=n, definition="strict" if case.max_sites == R.STRICT_MAX_SITES else "extended",
                max_sites=case.max_sites), R.SYSTEMIC_TOO_MANY.source)
        out.append(Blocker("systemic_progression", summary, it.text, it.source))
    elif classification == "no_progression":
        out.append(Blocker("no_progression", "no progressing site to treat", R.NO_PROGRESSION.text,
                           R.NO_PROGRESSION.source))
    if case.leptomeningeal:
        it = R.LEPTOMENINGEAL if case.therapy_class == "tki" else R.LEPTOMENINGEAL_NON_TKI
        out.append(Blocker("leptomeningeal", "leptomeningeal disease", it.text, it.source))
    for w in workup:
        if w.blocking and w.key == "cns_imaging":
            out.append(Blocker("cns_imaging", "no CNS imaging on a TKI", R.CNS_MISSING_TKI.text,
                               R.CNS_MISSING_TKI.source))
        elif w.blocking and w.key == "rebiopsy":
            out.append(Blocker("rebiopsy", "suspected transformation without rebiopsy", R.TRANSFORMATION.text,
                               R.TRANSFORMATION.source))
    if case.ecog >= R.POOR_ECOG:
        out.append(Blocker("performance_status", f"poor performance status (ECOG {case.ecog})",
                           R.ECOG_POOR.text.format(ecog=case.ecog), R.ECOG_POOR.source))
    if case.symptomatic_progression and n >= 2:
        out.append(Blocker("symptomatic_multiple", f"symptomatic progression at {n} sites",
                           R.SYMPTOMATIC_MULTIPLE.text.format(n=n), R.SYMPTOMATIC_MULTIPLE.source))
    return out


def _context_reasons(case: Case, classification: str) -> list[Item]:
    tc = case.therapy_class
    out: list[Item] = []
    if classification == "oligoprogression":
        if tc == "tki":
            out += [R.STRATEGY_TKI, R.STRATEGY_DRIVER]
        elif tc in ("immunotherapy", "chemoimmunotherapy"):
            out.append(R.STRATEGY_IO)
        else:
            out.append(R.STRATEGY_CHEMO)
        out.append(R.STRATEGY_RESISTANCE)
    new = sum(1 for x in case.lesions if x.status == "new")
    if new:
        out.append(Item(R.NEW_LESIONS.text.format(k=new), R.NEW_LESIONS.source))
    if case.ecog < R.POOR_ECOG:
        it = R.ECOG_BORDERLINE if case.ecog == 2 else R.ECOG_FIT
        out.append(Item(it.text.format(ecog=case.ecog), it.source))
    prior = R.PRIOR_BENEFIT_IO if tc in ("immunotherapy", "chemoimmunotherapy") else R.PRIOR_BENEFIT
    out.append(Item(prior.text.format(months=case.months_on_therapy), prior.source))
    if not case.cns_imaging_done and tc != "tki":
        out.append(Item(R.CNS_MISSING_OTHER.text.format(therapy=_THERAPY_LABEL[tc]), R.CNS_MISSING_OTHER.source))
    if case.symptomatic_progression and len(case.progressing_lesions) == 1:
        out.append(R.SYMPTOMATIC_SINGLE)
    if case.suspected_transformation and case.rebiopsy_done:
        out.append(R.TRANSFORMATION_DONE)
    if tc == "tki" and case.driver in ("none", "unknown", "other"):
        out.append(Item(R.TKI_WITHOUT_DRIVER.text.format(driver=case.driver), R.TKI_WITHOUT_DRIVER.source))
    return out


#: RTOG 90-05 single-fraction SRS dose by maximum diameter (mm, upper bound of each bin).
RTOG_9005_BINS_MM = ((20.0, 24.0), (30.0, 18.0), (40.0, 15.0))
RTOG_9005_SOURCE = ("RTOG 90-05 (Shaw E et al., IJROBP 2000;47:291-298): maximum tolerated single-fraction SRS dose "
                    "24 / 18 / 15 Gy for maximum diameter <= 20 / 21-30 / 31-40 mm, in previously irradiated, "
                    "recurrent tumours")


def brain_srs_dose_by_size(size_mm: float) -> Item:
    """The RTOG 90-05 single-fraction SRS dose for a brain lesion's maximum diameter (mm).

    The trial enrolled previously irradiated, recurrent tumours, and the sentence says so; above
    40 mm the trial gives no dose.
    """
    for upper_mm, dose_gy in RTOG_9005_BINS_MM:
        if size_mm <= upper_mm:
            return Item(f"Size {size_mm:g} mm: RTOG 90-05's single-fraction SRS dose for this size is {dose_gy:g} Gy "
                        "(maximum tolerated dose found in previously irradiated, recurrent tumours; a reference, "
                        "not a prescription).", RTOG_9005_SOURCE)
    return Item(f"Size {size_mm:g} mm: above RTOG 90-05's largest size bin (40 mm), which gives no single-fraction "
                "dose; see the hypofractionated SRT presets or surgery.", RTOG_9005_SOURCE)


def _lesion(index: int, lesion: Lesion, case: Case, eligible: bool,
            cache: dict[str, tuple[tuple[SchemeBed, ...], str]]) -> LesionAssessment:
    considerations: list[Item] = []
    if lesion.site == "brain":
        therapy, basis = R.SRS, R.BRAIN
        alternatives: tuple[Item, ...] = (Item("Surgery, when feasible, is the other preferred option over "
                                               "whole-brain radiotherapy.", R.REF_004),)
        if case.therapy_class in ("immunotherapy", "chemoimmunotherapy"):
            considerations.append(R.BRAIN_IO)
        if lesion.size_mm is not None:
            considerations.append(brain_srs_dose_by_size(lesion.size_mm))
    else:
        therapy, basis = R.SBRT, R.SBRT_SITE
        alternatives = (R.SURGERY_ALTERNATIVE,)
    if lesion.site in BONE_SITES:
        considerations.insert(0, R.BONE_SBRT)
        if lesion.weight_bearing or lesion.fracture_risk:
            considerations.append(R.STABILISATION)
        elif lesion.weight_bearing is None and lesion.fracture_risk is None:
            considerations.append(R.STABILISATION_UNKNOWN)
        considerations.append(R.BONE_AGENTS)
    if lesion.previously_irradiated:
        considerations.append(R.REIRRADIATION)
    if lesion.site not in cache:
        cache[lesion.site] = site_schemes(lesion.site)
    schemes, note = cache[lesion.site]
    reason = basis.text
    intent = ("ablative, continuing the current agent" if eligible else
              "only if the MDT chooses local therapy (e.g. for symptoms or CNS control); not as a way to continue "
              "the same agent")
    return LesionAssessment(
        index=index, site=lesion.site, status=lesion.status, label=lesion.label, local_therapy=therapy,
        intent=intent, reason=reason, source=basis.source, alternatives=alternatives,
        considerations=tuple(considerations), schemes=schemes, schemes_note=note,
    )


def _next_steps(case: Case, classification: str, eligible: bool, blockers: list[Blocker]) -> list[Item]:
    tc = case.therapy_class
    if classification == "no_progression":
        return [R.NEXT_CONTINUE]
    if eligible:
        steps = [R.NEXT_CONTINUE_TKI if tc == "tki" else
                 R.NEXT_CONTINUE_IO if tc in ("immunotherapy", "chemoimmunotherapy") else R.NEXT_CONTINUE_OTHER]
        if not case.mdt_discussed:
            steps.append(R.NEXT_MDT)
        return steps
    keys = {b.key for b in blockers}
    steps = []
    if "leptomeningeal" in keys and tc == "tki":
        steps.append(R.NEXT_LEPTOMENINGEAL)
    if keys & {"cns_imaging", "rebiopsy"}:
        steps.append(R.NEXT_CNS_FIRST)
    switching = bool(keys & {"systemic_progression", "symptomatic_multiple", "leptomeningeal"})
    if switching:
        if "symptomatic_multiple" in keys and tc == "tki":
            steps.append(R.NEXT_AVOID_SAME_TKI)
        steps.append(R.NEXT_SWITCH)
        if tc == "tki":
            agent = (case.agent or "").strip().lower()
            if case.driver == "EGFR" and (not agent or agent in R.EGFR_EARLY_TKIS):
                steps.append(R.NEXT_EGFR_THIRD_GEN)
            if case.driver == "ALK":
                if not agent or agent in R.ALK_BEFORE_LORLATINIB:
                    steps.append(R.NEXT_ALK_LORLATINIB)
                if case.resistance_mutation and "G1202R" in case.resistance_mutation.upper():
                    steps.append(R.NEXT_ALK_G1202R)
            steps.append(R.NEXT_AFTER_TARGETED)
    steps.append(R.NEXT_MDT)
    return steps


def _recommendation(case: Case, classification: str, definition: str | None, eligible: bool,
                    blockers: list[Blocker], workup: list[WorkupItem], lesions: list[LesionAssessment]) -> str:
    n = len(case.progressing_lesions)
    therapy = _THERAPY_LABEL[case.therapy_class]
    if classification == "no_progression":
        return (f"No progression recorded: continue the current {therapy}; no local therapy is indicated by "
                "these rules.")
    if eligible:
        sites = ", ".join(f"{x.site.replace('_', ' ')} ({x.local_therapy})" for x in lesions)
        text = (f"Oligoprogression ({n} site{'s' if n != 1 else ''}, {definition} definition): local ablative "
                f"therapy to the progressing sites - {sites} - while continuing the current {therapy} is "
                "supported")
        pending = [w.label for w in workup if w.required]
        if pending:
            text += "; before deciding, complete: " + ", ".join(pending)
        return text + "."
    why = "; ".join(b.summary for b in blockers)
    if classification == "systemic_progression":
        return (f"Systemic progression ({why}): local therapy while continuing the same {therapy} is not "
                "supported; change systemic therapy based on molecular profiling, after multidisciplinary "
                "discussion.")
    return (f"Oligoprogression ({n} site{'s' if n != 1 else ''}, {definition} definition), but local therapy while "
            f"continuing the current {therapy} is not supported now: {why}.")


def assess(case: Case) -> Assessment:
    """Assess a case of suspected oligoprogression.

    Parameters
    ----------
    case : Case
        A validated case (:meth:`Case.from_dict` or :func:`load_case`).

    Returns
    -------
    Assessment
        Never raises for a valid case; ``eligible`` is false whenever the classification is
        not ``oligoprogression``. See the module docstring for the rules and their sources.
    """
    classification, definition, reasons = _classify(case)
    workup = _workup(case, classification)
    blockers = _blockers(case, classification, workup)
    eligible = classification == "oligoprogression" and not blockers
    reasons += [Item(b.text, b.source) for b in blockers if b.key not in ("systemic_progression", "no_progression")]
    reasons += _context_reasons(case, classification)
    cache: dict[str, tuple[tuple[SchemeBed, ...], str]] = {}
    lesions = [_lesion(i, x, case, eligible, cache) for i, x in enumerate(case.lesions)
               if x.status in PROGRESSING_STATUSES]
    evidence: list[Item] = []
    if classification != "no_progression":
        if case.therapy_class == "tki":
            evidence += R.EVIDENCE_TKI
        elif case.therapy_class in ("immunotherapy", "chemoimmunotherapy"):
            evidence += R.EVIDENCE_IO
        evidence += R.EVIDENCE_ALL
    caveats = list(R.CAVEATS)
    if definition == "extended":
        caveats.insert(0, R.DEFINITION_EXTENDED)
    if case.therapy_class in ("immunotherapy", "chemoimmunotherapy"):
        caveats.insert(0, R.CAVEAT_IO)
    elif case.therapy_class == "chemotherapy":
        caveats.insert(0, R.CAVEAT_CHEMO)
    return Assessment(
        classification=classification,
        eligible=eligible,
        definition=definition,
        progressing_sites=len(case.progressing_lesions),
        new_sites=sum(1 for x in case.lesions if x.status == "new"),
        max_sites=case.max_sites,
        blockers=tuple(blockers),
        missing_workup=tuple(workup),
        lesions=tuple(lesions),
        recommendation=_recommendation(case, classification, definition, eligible, blockers, workup, lesions),
        reasons=tuple(reasons),
        evidence=tuple(evidence),
        caveats=tuple(caveats),
        next_steps=tuple(_next_steps(case, classification, eligible, blockers)),
    )
