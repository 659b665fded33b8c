"""Oligoprogression eligibility: is this oligoprogression, what is missing, what to do at each site.

:func:`assess` turns a :class:`~sbrt_calc.eligibility.case.Case` into an :class:`Assessment`:
a verdict with its headline, a classification, whether local ablative therapy while continuing
the current agent is supported, the work-up still missing, a local therapy for each progressing
lesion (with the site presets that fit it, their BED10 and the scheme "Plan this lesion" picks,
:mod:`sbrt_calc.eligibility.sites`), and the reasons, evidence and caveats, each with its source
(:mod:`sbrt_calc.eligibility.rules`).

Decision support, not a decision: every conclusion carries the sentences that led to it.

Rules, each with the sentence it rests on
-----------------------------------------
- **Assessment first** (Seed 004, step 1: "Complete imaging evaluation to confirm
  oligoprogressive disease"; "CNS imaging is essential, particularly for patients on TKIs"):
  without complete staging, or without CNS imaging on any therapy, the verdict is
  ``not_yet_assessable``: complete the work-up.
- **Counting**: lesions ``progressing`` or ``new`` are sites of progression (Seed 001: new
  isolated lesions count). Brain lesions are counted apart, as their own CNS branch
  (Weickhardt 2012: "non-leptomeningeal CNS and/or <= 4 extra-CNS sites"; Seed 004: "For CNS
  progression, SRS or surgery is preferred over whole-brain radiotherapy"). Extracranial sites
  above ``max_sites`` (3 strict, 5 extended) are systemic progression.
- **Initial benefit** (Seed 003: "patients with prolonged responses or stabilizations under
  immunotherapy who eventually develop oligoprogressive disease"; Seed 001: "the failure of the
  initial systemic treatment is represented by a limited number of sites"): ``best_response =
  "progression"`` is primary resistance, not oligoprogression, on any therapy.
- **Transformation** (Seed 004: "Consider rebiopsy ... to rule out transformation"): while a
  suspected transformation has no rebiopsy result the verdict is ``pending_rebiopsy``; a
  transformation found means a change of systemic therapy.
- **Symptoms** are a per-lesion fact and do not block local therapy in oligoprogression (Seed 004:
  "First-line approach: Local therapy + continuation of current TKI"; Seed 002: radiation relieves
  pain). Seed 004's "Avoid continuing the same TKI without local therapy for symptomatic
  systemic progression with multiple lesions" applies to systemic progression, as a next step.
- **Blockers** (not supported): leptomeningeal disease (Seed 004: CNS-penetrant next-generation
  TKI); ECOG >= 3 (Seed 004 "consider performance status"; the cut-off is this tool's choice,
  said so in the text).
- **Prior benefit** in months is shown as a selection factor; the sources give no cut-off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sbrt_calc.eligibility import rules as R
from sbrt_calc.eligibility.advice import headline as _headline
from sbrt_calc.eligibility.advice import next_steps as _next_steps
from sbrt_calc.eligibility.case import (
    BENEFIT_RESPONSES,
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
from sbrt_calc.eligibility.result import (
    VERDICTS,
    Assessment,
    Blocker,
    LesionAssessment,
    SchemeBed,
    WorkupItem,
)
from sbrt_calc.eligibility.rules import Item
from sbrt_calc.errors import SbrtCalcError

if TYPE_CHECKING:
    from sbrt_calc.presets.radiobiology import Threshold

__all__ = [
    "Assessment", "Blocker", "Case", "CLASSIFICATIONS", "DRIVERS", "Item", "Lesion", "LesionAssessment",
    "SITES", "STATUSES", "SchemeBed", "THERAPY_CLASSES", "VERDICTS", "WorkupItem", "assess", "load_case",
]

CLASSIFICATIONS = ("oligoprogression", "systemic_progression", "primary_resistance", "no_progression")

_THERAPY_LABEL = {"tki": "TKI", "immunotherapy": "immunotherapy", "chemotherapy": "chemotherapy",
                  "chemoimmunotherapy": "chemo-immunotherapy"}
_IO = ("immunotherapy", "chemoimmunotherapy")


# --- the rules --------------------------------------------------------------------------------

def _extracranial(case: Case) -> tuple[Lesion, ...]:
    return tuple(x for x in case.progressing_lesions if x.site != "brain")


def _cns(case: Case) -> tuple[Lesion, ...]:
    return tuple(x for x in case.progressing_lesions if x.site == "brain")


def _sitc_primary(case: Case) -> Item | None:
    """Primary resistance by the SITC definitions, from the months on therapy (None when they do not say so).

    Immunotherapy (SITC_IO, Table 1): best response stable disease for < 6 months. Chemo-immunotherapy
    (SITC_CHEMO_IO, Table 3): progression at <= 6 months, regardless of best response.
    """
    months = case.months_on_therapy
    if case.therapy_class == "immunotherapy" and case.best_response == "stable" and months < R.SITC_MONTHS:
        return Item(R.SITC_PRIMARY_IO.text.format(months=months), R.SITC_PRIMARY_IO.source)
    if case.therapy_class == "chemoimmunotherapy" and months <= R.SITC_MONTHS:
        return Item(R.SITC_PRIMARY_CHEMO_IO.text.format(months=months), R.SITC_PRIMARY_CHEMO_IO.source)
    return None


def _primary_resistance(case: Case) -> Item:
    """The sentence that makes the case primary resistance (best response progression, or SITC by months)."""
    if case.best_response == "progression":
        return R.PRIMARY_RESISTANCE
    sitc = _sitc_primary(case)
    return R.PRIMARY_RESISTANCE if sitc is None else sitc


def _classify(case: Case) -> tuple[str, str | None, list[Item]]:
    n_all = len(case.progressing_lesions)
    n, k = len(_extracranial(case)), len(_cns(case))
    reasons: list[Item] = []
    if not case.other_disease_controlled:
        reasons.append(R.REST_NOT_CONTROLLED)
        if n_all == 0:
            reasons.append(Item("No progressing or new lesion is listed although the rest of the disease is not "
                                "controlled: list the progressing lesions.", R.TOOL))
        return "systemic_progression", None, reasons
    if n_all == 0:
        return "no_progression", None, [R.NO_PROGRESSION]
    if case.best_response == "progression" or _sitc_primary(case) is not None:
        return "primary_resistance", None, [_primary_resistance(case)]
    if k:
        reasons.append(Item(R.CNS_BRANCH.text.format(k=k), R.CNS_BRANCH.source))
        if k > R.BRAIN_SRS_CONDITIONAL_MAX:
            reasons.append(Item(R.BRAIN_TOO_MANY.text.format(k=k), R.BRAIN_TOO_MANY.source))
        elif k > R.BRAIN_SRS_RECOMMENDED_MAX:
            reasons.append(Item(R.BRAIN_CONDITIONAL.text.format(k=k), R.BRAIN_CONDITIONAL.source))
    if n > case.max_sites:
        definition = "strict" if case.max_sites == R.STRICT_MAX_SITES else "extended"
        reasons.append(Item(R.SYSTEMIC_TOO_MANY.text.format(n=n, definition=definition, max_sites=case.max_sites),
                            R.SYSTEMIC_TOO_MANY.source))
        if n <= R.EXTENDED_MAX_SITES:
            reasons.append(Item(R.STRICT_WOULD_ALLOW.text.format(n=n), R.STRICT_WOULD_ALLOW.source))
        return "systemic_progression", None, reasons
    if n == 0:
        if k <= R.BRAIN_SRS_CONDITIONAL_MAX:      # above it the count is the MDT's decision (BRAIN_TOO_MANY)
            reasons.append(R.CNS_ONLY)
        return "oligoprogression", "cns", reasons
    word = "site" if n == 1 else "sites"
    apart = f" (and {k} CNS site{'s' if k != 1 else ''} counted apart)" if k else ""
    if n <= R.STRICT_MAX_SITES:
        reasons.append(Item(f"{n} progressing or new extracranial {word}{apart} with the rest of the disease "
                            "controlled: oligoprogression (within the strict definition, 1-3 sites).", R.DEFINITION_SOURCE))
        reasons.append(R.DEFINITION_CONTROLLED)
        return "oligoprogression", "strict", reasons
    reasons.append(Item(f"{n} progressing or new extracranial sites{apart} with the rest of the disease controlled: "
                        "oligoprogression by the extended definition (4-5 sites).", R.DEFINITION_SOURCE))
    reasons.append(R.DEFINITION_EXTENDED)
    return "oligoprogression", "extended", reasons


def _workup(case: Case, classification: str) -> list[WorkupItem]:
    tki = case.therapy_class == "tki"
    active = classification != "no_progression"
    items: list[WorkupItem] = []
    if not case.cns_imaging_done:
        cns = R.WORKUP_CNS_TKI if tki else R.WORKUP_CNS_OTHER
        items.append(WorkupItem("cns_imaging", cns.text, cns.source, blocking=active))
    if not case.staging_complete:
        items.append(WorkupItem("staging", R.WORKUP_STAGING.text, R.WORKUP_STAGING.source, blocking=active))
    if case.rebiopsy_open:
        it = R.WORKUP_REBIOPSY_TRANSFORMATION
        items.append(WorkupItem("rebiopsy", it.text, it.source, blocking=True))
    elif tki and not case.rebiopsy_done and active:
        it = R.WORKUP_REBIOPSY_PROFILE if classification == "systemic_progression" else R.WORKUP_REBIOPSY_SELECTED
        items.append(WorkupItem("rebiopsy", it.text, it.source, blocking=False,
                                required=classification == "systemic_progression"))
    if active and case.best_response == "unknown":
        it = R.BEST_RESPONSE_UNKNOWN_IO if case.therapy_class in _IO else R.BEST_RESPONSE_UNKNOWN
        items.append(WorkupItem("best_response", it.text, it.source, blocking=case.therapy_class in _IO))
    if not case.mdt_discussed and active:
        items.append(WorkupItem("mdt", R.WORKUP_MDT.text, R.WORKUP_MDT.source, blocking=False))
    if not case.trial_considered and active:
        items.append(WorkupItem("clinical_trial", R.WORKUP_TRIAL.text, R.WORKUP_TRIAL.source, blocking=False,
                                required=False))
    return items


def _blockers(case: Case, classification: str, workup: list[WorkupItem]) -> list[Blocker]:
    n = len(_extracranial(case))
    out: list[Blocker] = []
    if classification == "systemic_progression":
        if not case.other_disease_controlled:
            summary, it = "the rest of the disease is not controlled", R.REST_NOT_CONTROLLED
        else:
            summary = f"{n} progressing or new extracranial sites, more than {case.max_sites}"
            it = Item(R.SYSTEMIC_TOO_MANY.text.format(
                n=n, definition="strict" if case.max_sites == R.STRICT_MAX_SITES else "extended",
                max_sites=case.max_sites), R.SYSTEMIC_TOO_MANY.source)
        out.append(Blocker("systemic_progression", summary, it.text, it.source))
    elif classification == "no_progression":
        out.append(Blocker("no_progression", "no progressing site to treat", R.NO_PROGRESSION.text,
                           R.NO_PROGRESSION.source))
    elif classification == "primary_resistance":
        it = _primary_resistance(case)
        out.append(Blocker("primary_resistance", "primary resistance (no initial benefit)", it.text, it.source))
    k = len(_cns(case))
    if classification == "oligoprogression" and k > R.BRAIN_SRS_CONDITIONAL_MAX:
        out.append(Blocker("brain_count", f"{k} brain lesions, more than {R.BRAIN_SRS_CONDITIONAL_MAX} (the most "
                                          "for which ASTRO 2022 recommends SRS, conditionally)",
                           R.BRAIN_TOO_MANY.text.format(k=k), R.BRAIN_TOO_MANY.source))
    if case.leptomeningeal:
        it = R.LEPTOMENINGEAL if case.therapy_class == "tki" else R.LEPTOMENINGEAL_NON_TKI
        out.append(Blocker("leptomeningeal", "leptomeningeal disease", it.text, it.source))
    missing = [w.label for w in workup if w.blocking and w.key in ("staging", "cns_imaging")]
    if missing:
        out.append(Blocker("workup", "work-up incomplete: " + ", ".join(missing),
                           R.WORKUP_FIRST.text.format(missing=", ".join(missing)), R.WORKUP_FIRST.source))
    if any(w.blocking and w.key == "best_response" for w in workup):
        it = R.BEST_RESPONSE_UNKNOWN_IO
        out.append(Blocker("best_response", "best response on immunotherapy not recorded", it.text, it.source))
    if case.rebiopsy_open:
        out.append(Blocker("rebiopsy", "rebiopsy result awaited for a suspected transformation",
                           R.REBIOPSY_PENDING.text.format(therapy=_THERAPY_LABEL[case.therapy_class]),
                           R.REBIOPSY_PENDING.source))
    if case.rebiopsy_result == "transformation":
        out.append(Blocker("transformation", "transformation on rebiopsy", R.REBIOPSY_TRANSFORMATION.text,
                           R.REBIOPSY_TRANSFORMATION.source))
    if case.ecog >= R.POOR_ECOG:
        out.append(Blocker("performance_status", f"poor performance status (ECOG {case.ecog})",
                           R.ECOG_POOR.text.format(ecog=case.ecog), R.ECOG_POOR.source))
    return out


def _verdict(classification: str, blockers: list[Blocker]) -> str:
    keys = {b.key for b in blockers}
    if classification == "no_progression":
        return "no_progression"
    if not blockers:
        return "supported"
    hard = keys - {"workup", "rebiopsy", "best_response"}
    if hard:
        return "not_supported"
    return "pending_rebiopsy" if keys == {"rebiopsy"} else "not_yet_assessable"


def _context_reasons(case: Case, classification: str) -> list[Item]:
    tc = case.therapy_class
    out: list[Item] = []
    if classification == "oligoprogression":
        if tc == "tki":
            out += [R.STRATEGY_TKI, R.STRATEGY_DRIVER]
        elif tc in _IO:
            out.append(R.STRATEGY_IO)
        else:
            out.append(R.STRATEGY_CHEMO)
        out.append(R.STRATEGY_RESISTANCE)
        symptomatic = case.symptomatic_lesions
        if symptomatic:
            labels = ", ".join(x.label or x.site.replace("_", " ") for x in symptomatic)
            out.append(Item(R.SYMPTOMS_STRENGTHEN.text.format(labels=labels), R.SYMPTOMS_STRENGTHEN.source))
    if case.best_response in BENEFIT_RESPONSES and classification not in ("no_progression", "primary_resistance"):
        out.append(Item(R.BEST_RESPONSE_BENEFIT.text.format(response=case.best_response),
                        R.BEST_RESPONSE_BENEFIT.source))
        if tc == "immunotherapy" and case.months_on_therapy < R.SITC_MONTHS:
            out.append(Item(R.SITC_SHORT_RESPONSE_IO.text.format(response=case.best_response,
                                                                 months=case.months_on_therapy),
                            R.SITC_SHORT_RESPONSE_IO.source))
    new = sum(1 for x in case.lesions if x.status == "new")
    if new:
        out.append(Item(R.NEW_LESIONS.text.format(k=new), R.NEW_LESIONS.source))
    if case.ecog < R.POOR_ECOG:
        it = R.ECOG_BORDERLINE if case.ecog == 2 else R.ECOG_FIT
        out.append(Item(it.text.format(ecog=case.ecog), it.source))
    prior = R.PRIOR_BENEFIT_IO if tc in _IO else R.PRIOR_BENEFIT
    out.append(Item(prior.text.format(months=case.months_on_therapy), prior.source))
    if case.rebiopsy_result == "no_transformation":
        out.append(R.REBIOPSY_NO_TRANSFORMATION)
    elif case.rebiopsy_result == "resistance_mutation":
        out.append(Item(R.REBIOPSY_MUTATION.text.format(mutation=case.resistance_mutation), R.REBIOPSY_MUTATION.source))
    if tc == "tki" and case.driver in ("none", "unknown", "other"):
        out.append(Item(R.TKI_WITHOUT_DRIVER.text.format(driver=case.driver), R.TKI_WITHOUT_DRIVER.source))
    return out


def _scheme_beds(lesion: Lesion, line: Threshold | None = None, ablative: bool = True
                 ) -> tuple[tuple[SchemeBed, ...], str, tuple[str, ...], Any, Item | None]:
    from sbrt_calc.eligibility import sites

    if lesion.site == "other" and ablative:
        return (), R.NO_PRESETS, (), None, None
    try:
        found = sites.lesion_schemes(lesion, ablative=ablative)
        choice = sites.choose_scheme(lesion, flag=line, ablative=ablative)
    except (SbrtCalcError, OSError, LookupError) as exc:
        return (), f"{R.NO_PRESETS} (presets could not be read: {exc})", (), None, None
    flag = choice.flag
    beds = []
    for s in found.schemes:
        b = sites.bed10_gy(s, line)
        beds.append(SchemeBed(key=s.key, label=s.label, total_dose_gy=s.total_dose_gy, fractions=s.fractions,
                              bed10_gy=b, bed10_above_threshold=sites.above_line(b, line), source=s.source, note=s.note,
                              verification=s.verification, warning=sites.brain_exceeds(s, lesion.size_mm),
                              flag_applies=flag.applies))
    return tuple(beds), found.note, tuple(w for _s, w in found.excluded), choice, found.location_note


def _lesion(index: int, lesion: Lesion, case: Case, eligible: bool, line: Threshold | None = None,
            ablative: bool = True) -> LesionAssessment:
    from sbrt_calc.eligibility import sites

    considerations: list[Item] = []
    if lesion.site == "brain":
        therapy, basis = R.SRS, R.BRAIN
        alternatives: tuple[Item, ...] = (Item("Surgery, when feasible, is the other preferred option over "
                                               "whole-brain radiotherapy.", R.REF_004),)
        if case.therapy_class in _IO:
            considerations.append(R.BRAIN_IO)
        if lesion.size_mm is not None:
            considerations.append(brain_srs_dose_by_size(lesion.size_mm))
    else:
        therapy, basis = R.SBRT, R.SBRT_SITE
        alternatives = (R.SURGERY_ALTERNATIVE,)
    if lesion in case.symptomatic_lesions:
        considerations.insert(0, R.SYMPTOMATIC_LESION if lesion.site in BONE_SITES else R.SYMPTOMATIC_LESION_OTHER)
    if lesion.site in BONE_SITES:
        considerations.insert(0, R.BONE_SBRT)
        # Seed 002: "stabilize weight-bearing bones at high risk of breaking" - both conditions.
        if lesion.weight_bearing and lesion.fracture_risk:
            considerations.append(R.STABILISATION)
        elif lesion.weight_bearing is not False and lesion.fracture_risk is not False:
            considerations.append(R.STABILISATION_UNKNOWN)
        considerations.append(R.BONE_AGENTS)
    if lesion.previously_irradiated:
        considerations.append(R.REIRRADIATION)
    schemes, note, excluded, choice, location_note = _scheme_beds(lesion, line, ablative)
    if therapy == R.SRS and choice is not None and choice.scheme is not None and choice.scheme.site == "brain_hsrt":
        therapy = R.HSRT        # named by the pick: a hypofractionated scheme is not single-session SRS
    if location_note is not None:
        considerations.insert(0, location_note)
    flag = sites.flag_applicability(lesion.site, line) if choice is None else choice.flag
    intent = ("ablative, continuing the current agent" if eligible else
              "palliative only: local ablative therapy is not supported; radiotherapy for symptoms if the MDT "
              "chooses it" if not ablative else
              "only if the MDT chooses local therapy (e.g. for symptoms or CNS control); not as a way to continue "
              "the same agent")
    return LesionAssessment(
        index=index, site=lesion.site, status=lesion.status, label=lesion.label, local_therapy=therapy,
        intent=intent, reason=basis.text, source=basis.source, alternatives=alternatives,
        considerations=tuple(considerations), schemes=schemes, schemes_note=note, location=lesion.location,
        symptomatic=lesion in case.symptomatic_lesions, flag_applies=flag.applies, flag_reason=flag.reason,
        flag_source=flag.source, choice=None if choice is None else choice.as_dict(), excluded=excluded,
    )


def brain_srs_dose_by_size(size_mm: float) -> Item:
    """The RTOG 90-05 single-fraction SRS dose for a brain lesion's maximum diameter (mm), as a sentence.

    The trial enrolled previously irradiated, recurrent tumours, and the sentence says so; above
    40 mm the trial gives no dose. Larger single-fraction doses are marked on the schemes.
    """
    from sbrt_calc.eligibility.sites import RTOG_9005_SOURCE, brain_srs_dose_gy

    dose = brain_srs_dose_gy(size_mm)
    if dose is not None:
        return Item(f"Size {size_mm:g} mm: RTOG 90-05's single-fraction SRS dose for this size is {dose:g} Gy "
                    "(maximum tolerated dose found in previously irradiated, recurrent tumours; a reference, not a "
                    "prescription); larger single-fraction doses are marked as exceeding it.", RTOG_9005_SOURCE)
    return Item(f"Size {size_mm:g} mm: above RTOG 90-05's largest size bin (40 mm), which gives no single-fraction "
                "dose; see the hypofractionated SRT presets or surgery.", RTOG_9005_SOURCE)


def assess(case: Case, flag: Threshold | None = None) -> Assessment:
    """Assess a case of suspected oligoprogression.

    Parameters
    ----------
    case : Case
        A validated case (:meth:`Case.from_dict` or :func:`load_case`).
    flag : Threshold, optional
        The flag line the lesions' schemes are marked against and the sentences name (the case's, from
        :func:`sbrt_calc.evaluation.evaluate`); the shipped line when None.

    Returns
    -------
    Assessment
        Never raises for a valid case; ``eligible`` is true only for the verdict ``supported``.
        See the module docstring for the rules and their sources.
    """
    classification, definition, reasons = _classify(case)
    workup = _workup(case, classification)
    blockers = _blockers(case, classification, workup)
    verdict = _verdict(classification, blockers)
    eligible = verdict == "supported"
    reasons += [Item(b.text, b.source) for b in blockers
                if b.key not in ("systemic_progression", "no_progression", "primary_resistance")]
    reasons += _context_reasons(case, classification)
    from sbrt_calc.eligibility.sites import palliative_intent

    ablative = not palliative_intent(verdict)
    lesions = [_lesion(i, x, case, eligible, flag, ablative) for i, x in enumerate(case.lesions)
               if x.status in PROGRESSING_STATUSES]
    evidence: list[Item] = []
    if classification != "no_progression":
        if case.therapy_class == "tki":
            evidence += R.EVIDENCE_TKI
        elif case.therapy_class in _IO:
            evidence += R.EVIDENCE_IO
        evidence += R.EVIDENCE_ALL
    from sbrt_calc.eligibility.sites import seed_range_note

    caveats = list(R.CAVEATS[:-1]) + [R.reference_line_caveat(), R.CAVEATS[-1], seed_range_note(flag)]
    if definition == "extended":
        caveats.insert(0, R.DEFINITION_EXTENDED)
    if case.therapy_class in _IO:
        caveats.insert(0, R.CAVEAT_IO)
    elif case.therapy_class == "chemotherapy":
        caveats.insert(0, R.CAVEAT_CHEMO)
    headline = _headline(case, classification, definition, verdict, blockers, workup, lesions)
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
        recommendation=headline,
        reasons=tuple(reasons),
        evidence=tuple(evidence),
        caveats=tuple(caveats),
        next_steps=tuple(_next_steps(case, classification, verdict, blockers)),
        verdict=verdict,
        headline=headline,
        cns_sites=len(_cns(case)),
    )
