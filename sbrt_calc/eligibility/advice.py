"""What the assessment says to do: the headline verdict and the next steps, each from the rules' sentences."""

from __future__ import annotations

from sbrt_calc.eligibility import rules as R
from sbrt_calc.eligibility.case import Case
from sbrt_calc.eligibility.result import Blocker, LesionAssessment, WorkupItem
from sbrt_calc.eligibility.rules import Item

_THERAPY_LABEL = {"tki": "TKI", "immunotherapy": "immunotherapy", "chemotherapy": "chemotherapy",
                  "chemoimmunotherapy": "chemo-immunotherapy"}
_IO = ("immunotherapy", "chemoimmunotherapy")


def _tki_switch_steps(case: Case) -> list[Item]:
    steps: list[Item] = []
    agent = (case.agent or "").strip().lower()
    if case.driver == "EGFR" and (not agent or agent in R.EGFR_EARLY_TKIS):
        steps.append(R.NEXT_EGFR_THIRD_GEN)
    if case.driver == "ALK" and (not agent or agent in R.ALK_BEFORE_LORLATINIB):
        steps.append(R.NEXT_ALK_LORLATINIB)
    if case.driver == "ALK" and case.resistance_mutation and "G1202R" in case.resistance_mutation.upper():
        steps.append(R.NEXT_ALK_G1202R)
    return steps


def next_steps(case: Case, classification: str, verdict: str, blockers: list[Blocker]) -> list[Item]:
    tc = case.therapy_class
    if classification == "no_progression":
        return [R.NEXT_CONTINUE]
    keys = {b.key for b in blockers}
    if verdict == "supported":
        steps = [R.NEXT_CONTINUE_TKI if tc == "tki" else R.NEXT_CONTINUE_IO if tc in _IO else R.NEXT_CONTINUE_OTHER]
        if tc == "tki":
            mut = [s for s in _tki_switch_steps(case) if s is R.NEXT_ALK_G1202R]
            steps += mut or ([R.NEXT_ALK_LATER] if case.driver == "ALK" else [])
        if not case.mdt_discussed:
            steps.append(R.NEXT_MDT)
        return steps
    steps = []
    if "leptomeningeal" in keys and tc == "tki":
        steps.append(R.NEXT_LEPTOMENINGEAL)
    if "rebiopsy" in keys:
        steps.append(Item(R.NEXT_REBIOPSY_PENDING.text.format(therapy=_THERAPY_LABEL[tc]),
                          R.NEXT_REBIOPSY_PENDING.source))
    if keys & {"workup", "rebiopsy", "best_response"}:
        steps.append(R.NEXT_CNS_FIRST)
    if keys & {"systemic_progression", "leptomeningeal", "transformation", "primary_resistance"}:
        if classification == "systemic_progression" and tc == "tki" and case.symptomatic_lesions \
                and len(case.progressing_lesions) >= 2:
            steps.append(R.NEXT_AVOID_SAME_TKI)
        steps.append(R.NEXT_SWITCH)
        if tc == "tki":
            steps += _tki_switch_steps(case)
            steps.append(R.NEXT_AFTER_TARGETED)
    steps.append(R.NEXT_MDT)
    return steps


def headline(case: Case, classification: str, definition: str | None, verdict: str, blockers: list[Blocker],
              workup: list[WorkupItem], lesions: list[LesionAssessment]) -> str:
    k = sum(1 for x in case.progressing_lesions if x.site == "brain")
    n = len(case.progressing_lesions) - k       # extracranial: CNS lesions are counted apart, never into the definition
    therapy = _THERAPY_LABEL[case.therapy_class]
    if verdict == "no_progression":
        return (f"No progression recorded: continue the current {therapy}; no local therapy is indicated by "
                "these rules.")
    what = "CNS oligoprogression" if definition == "cns" else "Oligoprogression"
    if definition == "cns" and k > R.BRAIN_SRS_CONDITIONAL_MAX:
        what = "CNS progression"
    chosen = "strict, <= 3 sites" if case.max_sites == 3 else "extended, <= 5 sites"
    extra = f"{n} extracranial site{'s' if n != 1 else ''}"
    sites_word = (f"{extra}: within the strict definition; case definition {chosen}"
                  if definition == "strict" and case.max_sites != 3 else f"{extra}, {definition} definition")
    if k and definition != "cns":
        sites_word += f"; {k} CNS site{'s' if k != 1 else ''} counted apart"
    if definition == "cns":
        sites_word = f"{k} CNS site{'s' if k != 1 else ''}, counted apart from the extracranial sites"
    if verdict == "not_yet_assessable":
        missing = "; ".join(b.summary for b in blockers if b.key in ("workup", "rebiopsy", "best_response"))
        return f"Not yet assessable: complete the work-up ({missing}) before deciding."
    if verdict == "pending_rebiopsy":
        return ("Pending: a transformation is suspected and the rebiopsy result is not recorded; decide on local "
                f"therapy with continuation of the {therapy} once the result is known.")
    if verdict == "supported":
        sites = ", ".join(f"{x.label or x.site.replace('_', ' ')} ({x.local_therapy})" for x in lesions)
        text = (f"{what} ({sites_word}): local ablative therapy to the progressing sites - "
                f"{sites} - while continuing the current {therapy} is supported")
        if R.BRAIN_SRS_RECOMMENDED_MAX < k <= R.BRAIN_SRS_CONDITIONAL_MAX:
            text += f"; SRS for {k} brain lesions is only conditionally recommended (ASTRO 2022: 5-10)"
        pending = [w.label for w in workup if w.required]
        if pending:
            text += "; before deciding, complete: " + ", ".join(pending)
        return text + "."
    why = "; ".join(b.summary for b in blockers)
    if classification == "systemic_progression":
        return (f"Systemic progression ({why}): local therapy while continuing the same {therapy} is not "
                "supported; change systemic therapy based on molecular profiling, after multidisciplinary "
                "discussion.")
    if classification == "primary_resistance":
        return (f"Primary resistance, not oligoprogression ({why}): local therapy while continuing the same {therapy} "
                "is not supported.")
    return (f"{what} ({sites_word}), but local therapy while continuing the current "
            f"{therapy} is not supported now: {why}.")
