"""Issue 11: the eligibility rules as the sources say, one test per rule, named after the sentence it
encodes (seed documents 000-004; Weickhardt 2012; RTOG 90-05), with the boundary cases."""

from __future__ import annotations

from typing import Any

import pytest

from sbrt_calc.eligibility import rules as R
from sbrt_calc.eligibility.assess import Assessment, Case, assess
from sbrt_calc.errors import CaseError


def make(lesions: list[dict[str, Any]] | None = None, **overrides: Any) -> Case:
    data: dict[str, Any] = {
        "therapy_class": "tki", "driver": "EGFR", "agent": "osimertinib", "months_on_therapy": 14, "ecog": 1,
        "cns_imaging_done": True, "other_disease_controlled": True, "leptomeningeal": False,
        "staging_complete": True, "mdt_discussed": True, "trial_considered": True, "best_response": "partial",
        "lesions": lesions if lesions is not None else [{"site": "bone", "status": "progressing"}],
    }
    data.update(overrides)
    return Case.from_dict(data, source="test")


def lesion(site: str, status: str = "progressing", **extra: Any) -> dict[str, Any]:
    return {"site": site, "status": status, **extra}


def keys(a: Assessment) -> set[str]:
    return {b.key for b in a.blockers}


# --- symptoms ------------------------------------------------------------------------------------

def test_first_line_approach_for_oligoprogression_is_local_therapy_plus_current_tki_even_when_painful() -> None:
    """Seed 004: "For Oligoprogression ... First-line approach: Local therapy + continuation of current TKI";
    Seed 002: radiation therapy "helping to relieve pain". Two progressing sites, one painful: supported."""
    a = assess(make([lesion("bone", symptomatic=True, label="L iliac"), lesion("adrenal")]))
    assert a.verdict == "supported" and a.eligible
    assert any(r.text.startswith("Symptomatic lesion (L iliac)") for r in a.reasons)
    bone, adrenal = a.lesions
    assert bone.symptomatic and R.SYMPTOMATIC_LESION in bone.considerations
    assert not adrenal.symptomatic


def test_case_level_symptom_flag_alone_does_not_block_multiple_sites() -> None:
    """The old case-level flag is kept for old files; it no longer turns two sites into 'not eligible'."""
    a = assess(make([lesion("bone"), lesion("liver")], symptomatic_progression=True))
    assert a.eligible and {x.symptomatic for x in a.lesions} == {True}


def test_avoid_continuing_the_same_tki_without_local_therapy_for_symptomatic_systemic_progression() -> None:
    """Seed 004: "Avoid continuing the same TKI without local therapy for symptomatic systemic progression with
    multiple lesions": a next step of systemic progression, not a blocker of oligoprogression."""
    six = [lesion(s, symptomatic=(i == 0)) for i, s in enumerate(["bone", "lung", "liver", "adrenal", "spine",
                                                                    "lymph_node"])]
    a = assess(make(six))
    assert a.classification == "systemic_progression" and R.NEXT_AVOID_SAME_TKI in a.next_steps
    quiet = assess(make([lesion(s) for s in ["bone", "lung", "liver", "adrenal", "spine", "lymph_node"]]))
    assert R.NEXT_AVOID_SAME_TKI not in quiet.next_steps


# --- initial benefit ----------------------------------------------------------------------------

@pytest.mark.parametrize("therapy", ["immunotherapy", "tki"])
def test_sbrt_while_maintaining_the_agent_is_for_patients_with_an_initial_benefit(therapy: str) -> None:
    """Seed 003: "in those patients with prolonged responses or stabilizations under immunotherapy who
    eventually develop oligoprogressive disease"; Seed 003 introduction: driver-mutated patients "after an
    initial response to targeted therapies". Progression at first restaging is primary resistance."""
    driver = "none" if therapy == "immunotherapy" else "EGFR"
    a = assess(make(therapy_class=therapy, driver=driver, best_response="progression"))
    assert a.classification == "primary_resistance" and not a.eligible and "primary_resistance" in keys(a)
    assert R.PRIMARY_RESISTANCE in a.reasons and "Primary resistance" in a.headline
    for response in ("complete", "partial", "stable"):     # boundary: stable disease is a benefit
        b = assess(make(therapy_class=therapy, driver=driver, best_response=response))
        assert b.eligible and any(r.text.startswith(f"Best response '{response}'") for r in b.reasons)


def test_unknown_best_response_is_asked_for_not_guessed() -> None:
    a = assess(make(best_response="unknown"))
    [w] = [w for w in a.missing_workup if w.key == "best_response"]
    assert w.required and not w.blocking and "best response" in a.headline
    with pytest.raises(CaseError, match="best_response"):
        make(best_response="responding")


# --- transformation ------------------------------------------------------------------------------

@pytest.mark.parametrize("result", [None, "pending"])
def test_rebiopsy_to_rule_out_transformation_keeps_the_verdict_pending(result: str | None) -> None:
    """Seed 004: "Consider rebiopsy in selected cases to rule out transformation (e.g., to small cell
    histology)". Never "continue the TKI" while the question is open."""
    extra = {} if result is None else {"rebiopsy_result": result}
    a = assess(make(suspected_transformation=True, **extra))
    assert a.verdict == "pending_rebiopsy" and not a.eligible
    assert R.NEXT_CONTINUE_TKI not in a.next_steps
    assert R.NEXT_REBIOPSY_PENDING.text.format(therapy="TKI") in [s.text for s in a.next_steps]
    assert a.headline.startswith("Pending")


def test_transformation_found_changes_systemic_therapy() -> None:
    a = assess(make(suspected_transformation=True, rebiopsy_result="transformation"))
    assert a.verdict == "not_supported" and "transformation" in keys(a) and R.NEXT_SWITCH in a.next_steps
    assert R.NEXT_CONTINUE_TKI not in a.next_steps


def test_for_resistant_mutations_like_alk_g1202r_lorlatinib_is_particularly_effective() -> None:
    """Seed 004: "For resistant mutations like ALK G1202R, lorlatinib is particularly effective"."""
    a = assess(make(driver="ALK", agent="alectinib", suspected_transformation=True,
                    rebiopsy_result="resistance_mutation", resistance_mutation="G1202R"))
    assert a.eligible and R.NEXT_ALK_G1202R in a.next_steps
    assert any("G1202R" in r.text for r in a.reasons)
    with pytest.raises(CaseError, match="resistance_mutation"):
        make(rebiopsy_result="resistance_mutation")


def test_after_progression_on_alectinib_consider_lorlatinib_is_shown_when_supported() -> None:
    """Seed 004: "After progression on alectinib, brigatinib, or ceritinib, consider switching to lorlatinib"."""
    a = assess(make(driver="ALK", agent="alectinib"))
    assert a.eligible and R.NEXT_ALK_LATER in a.next_steps


# --- assessment first ----------------------------------------------------------------------------

@pytest.mark.parametrize("therapy", ["tki", "immunotherapy", "chemotherapy", "chemoimmunotherapy"])
@pytest.mark.parametrize(("missing", "label"), [("cns_imaging_done", "CNS imaging"),
                                                ("staging_complete", "complete staging")])
def test_step_1_complete_imaging_and_cns_imaging_come_before_the_verdict(therapy: str, missing: str,
                                                                        label: str) -> None:
    """Seed 004, Step 1: "Complete imaging evaluation to confirm oligoprogressive disease"; "CNS imaging is
    essential, particularly for patients on TKIs". Without them, on any therapy: not yet assessable."""
    driver = "EGFR" if therapy == "tki" else "none"
    a = assess(make(therapy_class=therapy, driver=driver, **{missing: False}))
    assert a.verdict == "not_yet_assessable" and not a.eligible
    assert a.headline.startswith("Not yet assessable: complete the work-up") and label in a.headline
    assert "SUPPORTED" not in a.headline.upper().replace("NOT SUPPORTED", "")
    done = assess(make(therapy_class=therapy, driver=driver))
    assert done.verdict == "supported"


# --- the CNS branch ------------------------------------------------------------------------------

def test_non_leptomeningeal_cns_lesions_are_counted_apart_from_extracranial_sites() -> None:
    """Weickhardt 2012: "non-leptomeningeal CNS and/or <= 4 extra-CNS sites"; Seed 004: "For CNS progression,
    SRS or surgery is preferred over whole-brain radiotherapy". Four small brain metastases on alectinib with
    controlled extracranial disease: CNS oligoprogression, not systemic progression."""
    brain = [lesion("brain", "new", size_mm=s) for s in (8, 12, 6)] + [lesion("brain", size_mm=24)]
    a = assess(make(brain, driver="ALK", agent="alectinib"))
    assert a.classification == "oligoprogression" and a.definition == "cns" and a.cns_sites == 4
    assert a.eligible and {x.local_therapy for x in a.lesions} == {"SRS"}
    assert any(r.text.startswith("4 brain lesion(s) progressing") for r in a.reasons)
    # boundary: 5 extracranial sites plus brain lesions stay within the extended definition
    b = assess(make([lesion("bone"), lesion("lung"), lesion("liver"), lesion("adrenal"), lesion("spine"),
                     lesion("brain", size_mm=10)]))
    assert b.classification == "oligoprogression" and b.definition == "extended" and b.cns_sites == 1
    c = assess(make([lesion(s) for s in ("bone", "lung", "liver", "adrenal", "spine", "lymph_node")]))
    assert c.classification == "systemic_progression"


def test_for_leptomeningeal_disease_consider_cns_penetrant_next_generation_tkis() -> None:
    """Seed 004: "For leptomeningeal disease, consider CNS-penetrant next-generation TKIs"."""
    a = assess(make([lesion("brain", size_mm=10)], leptomeningeal=True))
    assert not a.eligible and "leptomeningeal" in keys(a) and R.NEXT_LEPTOMENINGEAL in a.next_steps


@pytest.mark.parametrize(("size_mm", "dose", "exceeding"), [
    (20, 24, set()), (20.5, 18, {"24 Gy/1"}), (30, 18, {"24 Gy/1"}), (31, 15, {"24 Gy/1", "18 Gy/1"}),
    (40, 15, {"24 Gy/1", "18 Gy/1"}), (45, None, {"24 Gy/1", "18 Gy/1", "15 Gy/1"})])
def test_rtog_9005_single_fraction_dose_by_size_and_larger_doses_marked(size_mm: float, dose: float | None,
                                                                       exceeding: set[str]) -> None:
    """RTOG 90-05 (Shaw 2000): 24 / 18 / 15 Gy for <= 20 / 21-30 / 31-40 mm; larger single-fraction doses are
    marked as exceeding it."""
    [x] = assess(make([lesion("brain", size_mm=size_mm)])).lesions
    flagged = {s.label for s in x.schemes if s.warning}
    assert flagged == exceeding
    assert all("RTOG 90-05" in s.warning for s in x.schemes if s.warning)
    if dose is not None:
        assert x.choice is not None and x.choice["label"] == f"{dose:g} Gy/1"


# --- evidence ------------------------------------------------------------------------------------

def test_evidence_the_sources_give_is_shown_with_documents_as_sources() -> None:
    """Seed 004: "Median time to first oligoprogressive disease: 9.8 months"; "Median duration of targeted
    therapy beyond progression: 6.2 months"; "PFS (12.9 vs. 10.0 months) and OS (26.3 vs. 18.5 months)";
    "Most evidence ... is based on retrospective data"."""
    tki = assess(make())
    text = " ".join(e.text for e in tki.evidence)
    assert "9.8 months" in text and "6.2 months" in text
    io = assess(make(therapy_class="immunotherapy", driver="none"))
    assert any("12.9 vs 10.0" in e.text and "26.3 vs 18.5" in e.text for e in io.evidence)
    assert any("retrospective" in c.text for c in tki.caveats)
    for item in list(tki.reasons) + list(tki.evidence) + list(tki.caveats) + list(tki.next_steps):
        for src in R.split_sources(item.source):
            assert ".txt" not in src and "reference-data" not in src
            assert not src.startswith("Ref ")
    assert R.REF_004.startswith("Seed document 004: Management strategies for oligoprogression in NSCLC")
