"""One test per oligoprogression rule, named after the situation, citing the source sentence (issue 4).

Sources: seed documents 000-004 ("Seed 000".."Seed 004"; "Ref" in the docstrings below) and the
publications they point to (CURB, HALT, ASTRO/ESTRO, Weickhardt 2012, ARS AUC). The rules changed by
issue 11 are tested in tests/test_eligibility_sources.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from sbrt_calc.eligibility import rules as R
from sbrt_calc.eligibility.assess import Assessment, Case, assess


def make(lesions: list[tuple[str, str]] | list[dict[str, Any]] | None = None, **overrides: Any) -> Case:
    if lesions is None:
        lesions = [("bone", "progressing")]
    table = [x if isinstance(x, dict) else {"site": x[0], "status": x[1]} for x in lesions]
    data: dict[str, Any] = {
        "therapy_class": "tki", "driver": "EGFR", "months_on_therapy": 14, "ecog": 1,
        "cns_imaging_done": True, "other_disease_controlled": True, "symptomatic_progression": False,
        "leptomeningeal": False, "staging_complete": True, "mdt_discussed": True, "trial_considered": True,
        "best_response": "partial", "lesions": table,
    }
    data.update(overrides)
    return Case.from_dict(data, source="test")


def sites(n: int, status: str = "progressing") -> list[tuple[str, str]]:
    order = ["bone", "lung", "adrenal", "liver", "lymph_node", "spine", "bone", "lung"]
    return [(order[i], status) for i in range(n)] + [("lung", "stable")]


def blocker_keys(a: Assessment) -> set[str]:
    return {b.key for b in a.blockers}


def texts(items: Any) -> str:
    return " | ".join(i.text for i in items)


# --- classification and its boundaries ----------------------------------------------------------

@pytest.mark.parametrize(("n", "classification", "definition", "eligible"), [
    (0, "no_progression", None, False),
    (1, "oligoprogression", "strict", True),
    (3, "oligoprogression", "strict", True),
    (4, "oligoprogression", "extended", True),
    (5, "oligoprogression", "extended", True),
    (6, "systemic_progression", None, False),
])
def test_progressing_site_count_boundaries_extended_definition(n: int, classification: str,
                                                               definition: str | None, eligible: bool) -> None:
    """Ref 000: "1 to 3 spots - or, at most, 1 to 5 spots - is where we draw the line";
    Ref 004: "typically defined as <= 5 metastatic lesions"; CURB <= 5 progressing lesions."""
    a = assess(make(sites(n)))
    assert (a.classification, a.definition, a.eligible) == (classification, definition, eligible)
    assert a.progressing_sites == n and a.max_sites == 5


@pytest.mark.parametrize(("n", "classification", "definition"), [
    (1, "oligoprogression", "strict"),
    (3, "oligoprogression", "strict"),
    (4, "systemic_progression", None),
    (5, "systemic_progression", None),
    (6, "systemic_progression", None),
])
def test_strict_definition_allows_at_most_three_sites(n: int, classification: str, definition: str | None) -> None:
    """Most series use 1-3 sites (Ref 000 "1 to 3 spots"; ARS AUC <= 3 progressing areas)."""
    a = assess(make(sites(n), max_sites=3))
    assert (a.classification, a.definition) == (classification, definition)


def test_four_sites_under_strict_definition_say_extended_would_allow_them() -> None:
    """CURB, HALT (amended to 5) and ASTRO/ESTRO allow 5: the reason says so."""
    a = assess(make(sites(4), max_sites=3))
    assert "extended definition" in texts(a.reasons)
    assert any(R.CURB in r.source for r in a.reasons)


def test_extended_definition_is_marked_with_its_caveat() -> None:
    """Mark 4-5 sites as the extended definition (most series use 1-3; CURB, HALT, ASTRO/ESTRO allow 5)."""
    a = assess(make(sites(5)))
    assert a.definition == "extended"
    assert R.DEFINITION_EXTENDED in a.caveats and R.DEFINITION_EXTENDED in a.reasons
    assert R.DEFINITION_EXTENDED not in assess(make(sites(3))).caveats


@pytest.mark.parametrize("status", ["progressing", "new"])
def test_new_and_progressing_lesions_count_alike(status: str) -> None:
    """Ref 001: "The development of new isolated lesions in a disease which is otherwise under control ...
    creates a good opportunity for loco-regional approaches"."""
    for n, expected in ((3, "oligoprogression"), (5, "oligoprogression"), (6, "systemic_progression")):
        assert assess(make(sites(n, status))).classification == expected


def test_mixed_new_and_progressing_lesions_add_up() -> None:
    a = assess(make([("bone", "new"), ("lung", "progressing"), ("liver", "new"), ("adrenal", "progressing"),
                     ("spine", "new"), ("bone", "new")]))
    assert a.classification == "systemic_progression" and a.progressing_sites == 6 and a.new_sites == 4
    b = assess(make([("bone", "new"), ("lung", "progressing"), ("liver", "stable")]))
    assert b.classification == "oligoprogression" and b.new_sites == 1
    assert "new lesion" in texts(b.reasons)


def test_stable_and_responding_lesions_are_controlled_disease() -> None:
    a = assess(make([("bone", "stable"), ("lung", "responding")] * 5 + [("adrenal", "progressing")]))
    assert a.classification == "oligoprogression" and a.progressing_sites == 1
    assert [x.site for x in a.lesions] == ["adrenal"] and a.lesions[0].index == 10


def test_rest_not_controlled_is_systemic_progression() -> None:
    """Ref 004: oligoprogression is "limited disease progression ... in the background of otherwise controlled
    metastatic disease"."""
    a = assess(make(sites(1), other_disease_controlled=False))
    assert a.classification == "systemic_progression" and not a.eligible
    assert R.REST_NOT_CONTROLLED in a.reasons
    empty = assess(make([], other_disease_controlled=False))
    assert empty.classification == "systemic_progression" and "list the progressing lesions" in texts(empty.reasons)


def test_no_progressing_lesion_is_no_progression_continue_agent() -> None:
    """Ref 000: stay on the systemic treatment that is working."""
    a = assess(make([("bone", "stable")]))
    assert a.classification == "no_progression" and not a.eligible and a.lesions == ()
    assert a.next_steps == (R.NEXT_CONTINUE,) and "continue" in a.recommendation


# --- eligibility blockers -----------------------------------------------------------------------

def test_egfr_tki_single_bone_site_is_eligible_continue_tki() -> None:
    """Ref 004: "definitive local therapy (such as SBRT or surgery) to the limited sites of progression while
    continuing the same targeted therapy is the recommended approach"."""
    a = assess(make())
    assert a.eligible and a.blockers == ()
    assert R.STRATEGY_TKI in a.reasons and R.NEXT_CONTINUE_TKI in a.next_steps
    assert "is supported" in a.recommendation


def test_leptomeningeal_disease_is_not_eligible_cns_penetrant_tki() -> None:
    """Ref 004: "For leptomeningeal disease, consider CNS-penetrant next-generation TKIs"."""
    a = assess(make(leptomeningeal=True))
    assert not a.eligible and "leptomeningeal" in blocker_keys(a)
    assert R.NEXT_LEPTOMENINGEAL in a.next_steps
    io = assess(make(leptomeningeal=True, therapy_class="immunotherapy", driver="none"))
    assert not io.eligible and R.NEXT_LEPTOMENINGEAL not in io.next_steps


def test_missing_cns_imaging_on_tki_blocks() -> None:
    """Ref 004: "CNS imaging is essential, particularly for patients on TKIs"."""
    a = assess(make(cns_imaging_done=False))
    assert not a.eligible and "workup" in blocker_keys(a) and a.verdict == "not_yet_assessable"
    cns = [w for w in a.missing_workup if w.key == "cns_imaging"]
    assert cns and cns[0].blocking and cns[0].required


@pytest.mark.parametrize(("ecog", "eligible"), [(0, True), (1, True), (2, True), (3, False), (4, False)])
def test_poor_performance_status_is_not_eligible(ecog: int, eligible: bool) -> None:
    """Ref 004: "Patient selection is critical - consider performance status". ECOG >= 3 as poor is this
    tool's cut-off, and the reason says so."""
    a = assess(make(ecog=ecog))
    assert a.eligible is eligible
    if not eligible:
        [b] = [b for b in a.blockers if b.key == "performance_status"]
        assert "design choice" in b.text and R.REF_004 in b.source
    if ecog == 2:
        assert R.ECOG_BORDERLINE in a.reasons


def test_suspected_transformation_without_rebiopsy_blocks() -> None:
    """Ref 004: "Consider rebiopsy in selected cases to rule out transformation (e.g., to small cell
    histology) or detect resistance mechanisms"."""
    a = assess(make(suspected_transformation=True))
    assert not a.eligible and "rebiopsy" in blocker_keys(a) and a.verdict == "pending_rebiopsy"
    assert R.NEXT_CNS_FIRST in a.next_steps
    done = assess(make(suspected_transformation=True, rebiopsy_result="no_transformation"))
    assert done.eligible and R.REBIOPSY_NO_TRANSFORMATION in done.reasons


def test_systemic_progression_never_eligible_even_if_otherwise_fit() -> None:
    a = assess(make(sites(6)))
    assert not a.eligible and "systemic_progression" in blocker_keys(a)
    assert R.NEXT_SWITCH in a.next_steps and "not supported" in a.recommendation


def test_several_blockers_are_all_reported() -> None:
    a = assess(make(sites(2), ecog=3, cns_imaging_done=False, leptomeningeal=True, symptomatic_progression=True))
    assert blocker_keys(a) == {"performance_status", "workup", "leptomeningeal"}
    for b in a.blockers:
        assert b.summary in a.recommendation


# --- missing work-up ----------------------------------------------------------------------------

def test_unrecorded_staging_mdt_and_trial_are_listed_as_missing() -> None:
    """Ref 004: "Complete imaging evaluation to confirm oligoprogressive disease"; "Treatment decisions should
    involve multidisciplinary discussion"; "Inclusion in clinical trials should be considered"."""
    a = assess(make(staging_complete=False, mdt_discussed=False, trial_considered=False))
    keys = {w.key for w in a.missing_workup}
    assert {"staging", "mdt", "clinical_trial"} <= keys
    assert not a.eligible and a.verdict == "not_yet_assessable"  # staging first (issue 11)
    assert "complete staging" in a.recommendation
    b = assess(make(mdt_discussed=False, trial_considered=False))
    assert b.eligible and "multidisciplinary discussion" in b.recommendation
    trial = next(w for w in a.missing_workup if w.key == "clinical_trial")
    assert not trial.required
    assert not {"staging", "mdt", "clinical_trial"} & {w.key for w in assess(make()).missing_workup}


def test_rebiopsy_for_molecular_profiling_after_systemic_progression_on_tki() -> None:
    """Ref 004: "Change systemic therapy based on molecular profiling results"."""
    a = assess(make(sites(6)))
    [w] = [w for w in a.missing_workup if w.key == "rebiopsy"]
    assert w.required and not w.blocking and w.text == R.WORKUP_REBIOPSY_PROFILE.text
    oligo = assess(make())
    [w2] = [w for w in oligo.missing_workup if w.key == "rebiopsy"]
    assert not w2.required and w2.text == R.WORKUP_REBIOPSY_SELECTED.text


# --- per-lesion local therapy -------------------------------------------------------------------

def test_brain_progression_gets_srs_or_surgery_not_whole_brain() -> None:
    """Ref 004: "For CNS progression, SRS or surgery is preferred over whole-brain radiotherapy when feasible"."""
    a = assess(make([("brain", "new")]))
    [x] = a.lesions
    assert x.local_therapy == "SRS" and "whole-brain" in x.reason and x.source == R.REF_004
    assert any("Surgery" in alt.text for alt in x.alternatives)


def test_brain_srs_on_immunotherapy_notes_limited_evidence() -> None:
    """Ref 003: "little evidence exists on the efficacy and safety of combining IO and SRS for the treatment of
    brain metastases in patients with NSCLC"."""
    a = assess(make([("brain", "new")], therapy_class="immunotherapy", driver="none"))
    assert R.BRAIN_IO in a.lesions[0].considerations


@pytest.mark.parametrize("site", ["lung", "bone", "spine", "adrenal", "liver", "lymph_node", "other"])
def test_extracranial_sites_get_sbrt(site: str) -> None:
    """Ref 004: "definitive local therapy (such as stereotactic body radiation therapy or surgery)";
    Ref 001: "local approaches (in this case, preferably radiation therapy)"."""
    [x] = assess(make([(site, "progressing")])).lesions
    assert x.local_therapy == "SBRT" and x.site == site
    assert R.REF_004 in x.source and R.SURGERY_ALTERNATIVE in x.alternatives


@pytest.mark.parametrize(("flags", "expected"), [
    ({"weight_bearing": True, "fracture_risk": True}, R.STABILISATION),
    ({"weight_bearing": True}, R.STABILISATION_UNKNOWN),      # issue 19: both conditions (Seed 002)
    ({"fracture_risk": True}, R.STABILISATION_UNKNOWN),
    ({}, R.STABILISATION_UNKNOWN),
])
def test_weight_bearing_bone_at_fracture_risk_consider_stabilisation(flags: dict[str, bool], expected: Any) -> None:
    """Ref 002: "surgical intervention may be necessary to stabilize weight-bearing bones at high risk of
    breaking"."""
    [x] = assess(make([dict(site="bone", status="progressing", **flags)])).lesions
    assert expected in x.considerations


def test_non_weight_bearing_bone_gets_no_stabilisation() -> None:
    [x] = assess(make([{"site": "bone", "status": "progressing", "weight_bearing": False,
                        "fracture_risk": False}])).lesions
    assert R.STABILISATION not in x.considerations and R.STABILISATION_UNKNOWN not in x.considerations


@pytest.mark.parametrize(("site", "expected"), [("bone", True), ("spine", True), ("lung", False),
                                                 ("brain", False)])
def test_bone_lesions_consider_bone_modifying_agents(site: str, expected: bool) -> None:
    """Ref 002: "bone-modifying agents - such as bisphosphonates or denosumab - are frequently prescribed"."""
    [x] = assess(make([(site, "progressing")])).lesions
    assert (R.BONE_AGENTS in x.considerations) is expected


def test_previously_irradiated_site_checks_cumulative_dose() -> None:
    """Ref 000: "We can 'zap' individual spots multiple times" - with the cumulative dose checked."""
    [x] = assess(make([{"site": "spine", "status": "progressing", "previously_irradiated": True}])).lesions
    assert R.REIRRADIATION in x.considerations


def test_lesion_entries_carry_site_status_therapy_reason_source() -> None:
    a = assess(make([{"site": "bone", "status": "new", "label": "T7"}, ("lung", "stable")]))
    d = a.as_dict()["lesions"][0]
    for key in ("site", "status", "local_therapy", "reason", "source", "schemes", "label", "index"):
        assert key in d
    assert d["label"] == "T7" and d["status"] == "new"


# --- site presets and their BED10 ---------------------------------------------------------------

def _fake_presets(monkeypatch: pytest.MonkeyPatch, schemes: Any) -> None:
    from sbrt_calc.presets import loader
    from sbrt_calc.presets.model import PresetSet

    if callable(schemes):
        monkeypatch.setattr(loader, "active_presets", schemes)
    else:
        monkeypatch.setattr(loader, "active_presets", lambda: PresetSet(schemes=tuple(schemes)))


def _scheme(label: str, total: float, n: int) -> Any:
    from sbrt_calc.presets.model import Scheme

    return Scheme(f"k{n}_{total:g}", "bone", "bone", label, total, n, "Fake source 2024")


def test_sbrt_lesion_lists_presets_with_lq_bed10(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_presets(monkeypatch, [_scheme("36/3", 36.0, 3), _scheme("20/5", 20.0, 5)])
    [x] = assess(make()).lesions
    assert [s.label for s in x.schemes] == ["36/3", "20/5"]
    for s in x.schemes:
        bed10 = s.total_dose_gy * (1 + s.total_dose_gy / s.fractions / 10)   # LQ BED10 (Fowler 1989)
        assert s.bed10_gy == pytest.approx(bed10) and s.bed10_above_threshold == (bed10 > 70)
    assert x.schemes[0].bed10_above_threshold and not x.schemes[1].bed10_above_threshold
    d = x.as_dict()["schemes"][0]  # type: ignore[index]
    assert set(d) >= {"label", "total_dose_gy", "fractions", "bed10_gy", "bed10_above_threshold", "source"}


def test_other_site_lesion_says_no_presets() -> None:
    [x] = assess(make([("other", "progressing")])).lesions
    assert x.schemes == () and "no presets for this site" in x.schemes_note


def test_presets_returning_nothing_say_no_presets(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_presets(monkeypatch, [])
    [x] = assess(make()).lesions
    assert x.schemes == () and x.schemes_note.startswith("0 preset(s)")


def test_presets_raising_a_preset_error_do_not_break_the_assessment(monkeypatch: pytest.MonkeyPatch) -> None:
    from sbrt_calc.errors import PresetError

    def broken() -> Any:
        raise PresetError("schemes.toml: broken")

    _fake_presets(monkeypatch, broken)
    [x] = assess(make()).lesions
    assert x.schemes == () and "broken" in x.schemes_note


@pytest.mark.parametrize("site", ["lung", "bone", "spine", "brain", "adrenal", "liver", "lymph_node"])
def test_real_presets_have_lq_bed10(site: str) -> None:
    """Whatever the shipped presets hold: each listed scheme's BED10 is LQ at alpha/beta 10 (Fowler 1989)."""
    lesion: dict[str, Any] = {"site": site, "status": "progressing"}
    if site == "lung":
        lesion["location"] = "peripheral"
    [x] = assess(make([lesion])).lesions
    assert x.schemes
    for s in x.schemes:
        bed10 = s.total_dose_gy * (1 + s.total_dose_gy / s.fractions / 10)   # LQ BED10 (Fowler 1989)
        assert s.bed10_gy == pytest.approx(bed10, rel=1e-12)
        assert s.bed10_above_threshold == (bed10 > 70)


# --- driver-specific next steps -----------------------------------------------------------------

@pytest.mark.parametrize("agent", ["alectinib", "brigatinib", "ceritinib"])
def test_alk_systemic_progression_after_second_generation_consider_lorlatinib(agent: str) -> None:
    """Ref 004: "After progression on alectinib, brigatinib, or ceritinib, consider switching to lorlatinib"."""
    a = assess(make(sites(6), driver="ALK", agent=agent))
    assert R.NEXT_ALK_LORLATINIB in a.next_steps


def test_alk_g1202r_lorlatinib_particularly_effective() -> None:
    """Ref 004: "For resistant mutations like ALK G1202R, lorlatinib is particularly effective"."""
    a = assess(make(sites(6), driver="ALK", agent="alectinib", resistance_mutation="ALK G1202R"))
    assert R.NEXT_ALK_G1202R in a.next_steps
    assert R.NEXT_ALK_G1202R not in assess(make(sites(6), driver="ALK", agent="alectinib")).next_steps


def test_alk_on_lorlatinib_is_not_told_to_switch_to_lorlatinib() -> None:
    a = assess(make(sites(6), driver="ALK", agent="lorlatinib"))
    assert R.NEXT_ALK_LORLATINIB not in a.next_steps and R.NEXT_SWITCH in a.next_steps


def test_egfr_after_first_generation_tki_consider_osimertinib() -> None:
    """Ref 002: "third-generation inhibitors, such as osimertinib for EGFR-positive cancers, offer renewed
    options"."""
    assert R.NEXT_EGFR_THIRD_GEN in assess(make(sites(6), agent="erlotinib")).next_steps
    assert R.NEXT_EGFR_THIRD_GEN not in assess(make(sites(6), agent="osimertinib")).next_steps


def test_driver_next_steps_only_after_progression_not_when_eligible() -> None:
    a = assess(make(driver="ALK", agent="alectinib"))
    assert a.eligible and R.NEXT_ALK_LORLATINIB not in a.next_steps


# --- therapy class, evidence, caveats -----------------------------------------------------------

def test_immunotherapy_oligoprogression_sbrt_while_maintaining_io() -> None:
    """Ref 003: "delivering SBRT to the progressing lesions while maintaining immunotherapy after SBRT may be
    considered as a potentially effective and safe therapeutic option"."""
    a = assess(make(therapy_class="immunotherapy", driver="none"))
    assert a.eligible and R.STRATEGY_IO in a.reasons and R.NEXT_CONTINUE_IO in a.next_steps
    assert R.CAVEAT_IO in a.caveats


def test_tki_evidence_six_months_and_curb() -> None:
    """Ref 001: "approximately 6 months of additional disease control"; CURB NSCLC PFS 10.0 vs 2.2 months."""
    ev = texts(assess(make()).evidence)
    assert "approximately 6 months" in ev and "10.0 vs 2.2 months" in ev and "6.2 months" in ev


def test_immunotherapy_evidence_pfs_and_os() -> None:
    """Ref 004: "significantly longer PFS (12.9 vs. 10.0 months) and OS (26.3 vs. 18.5 months)"."""
    ev = texts(assess(make(therapy_class="immunotherapy", driver="none")).evidence)
    assert "12.9 vs 10.0 months" in ev and "26.3 vs 18.5 months" in ev and "10.0 vs 2.2" in ev
    assert "approximately 6 months" not in ev


def test_caveats_retrospective_selection_mdt() -> None:
    """Ref 004: "Most evidence ... is based on retrospective data and small prospective series"; "Patient
    selection is critical"; "Treatment decisions should involve multidisciplinary discussion"."""
    cav = texts(assess(make()).caveats)
    assert "retrospective" in cav and "Patient selection" in cav and "multidisciplinary" in cav


def test_chemotherapy_class_says_evidence_is_thin() -> None:
    a = assess(make(therapy_class="chemotherapy", driver="none"))
    assert a.eligible and R.CAVEAT_CHEMO in a.caveats and R.STRATEGY_CHEMO in a.reasons


def test_tki_without_a_driver_is_flagged() -> None:
    assert "check the molecular profile" in texts(assess(make(driver="none")).reasons)


def test_prior_benefit_is_shown_as_a_selection_factor_without_cut_off() -> None:
    """Ref 004: patient selection considers "prior response to therapy"; no cut-off is given."""
    for months in (0, 2, 40):
        a = assess(make(months_on_therapy=months))
        assert a.eligible and f"{months:g} months" in texts(a.reasons)


# --- every statement has a known source ---------------------------------------------------------

def _known_sources() -> set[str]:
    """The rules' sources, and the reference line's as presets/radiobiology.toml cites it (the one place the
    Onishi/Shirata citation is written; the eligibility caveat reads it from there)."""
    from sbrt_calc.presets.radiobiology import radiobiology

    ref = radiobiology().threshold("bed10_primary_lung").source.rstrip(".")
    return set(R.SHORT) | set(R.split_sources(ref))


KNOWN_SOURCES = _known_sources()


def _all_items(a: Assessment) -> list[Any]:
    items: list[Any] = [*a.reasons, *a.evidence, *a.caveats, *a.next_steps, *a.blockers, *a.missing_workup]
    for x in a.lesions:
        items += [*x.considerations, *x.alternatives, x]
    return items


@pytest.mark.parametrize("case", [
    make(), make(sites(6), driver="ALK", agent="alectinib", resistance_mutation="G1202R"),
    make(sites(4), max_sites=3, cns_imaging_done=False, ecog=3, leptomeningeal=True),
    make([("brain", "new"), {"site": "spine", "status": "progressing", "previously_irradiated": True}],
         therapy_class="immunotherapy", driver="none", cns_imaging_done=False, staging_complete=False),
    make([], other_disease_controlled=False, therapy_class="chemotherapy"),
])
def test_every_statement_names_a_known_source(case: Case) -> None:
    a = assess(case)
    for it in _all_items(a):
        assert it.source, it
        for s in R.split_sources(it.source):
            assert s in KNOWN_SOURCES, s


def test_as_dict_has_the_issue_keys() -> None:
    d = assess(make()).as_dict()
    for key in ("classification", "eligible", "missing_workup", "lesions", "recommendation", "reasons", "evidence",
                "caveats", "definition", "next_steps", "blockers"):
        assert key in d
    assert all(set(r) == {"text", "source"} for r in d["reasons"] + d["evidence"] + d["caveats"])


@pytest.mark.parametrize(("size_mm", "dose"), [(8, "24 Gy"), (20, "24 Gy"), (20.5, "18 Gy"), (30, "18 Gy"),
                                                (31, "15 Gy"), (40, "15 Gy")])
def test_brain_lesion_size_gives_the_rtog_9005_dose(size_mm: float, dose: str) -> None:
    """RTOG 90-05 (Shaw 2000; reference-data.md, Brain SRS): 24 / 18 / 15 Gy for maximum diameter
    <= 20, 21-30, 31-40 mm, in previously irradiated recurrent tumours (said with the dose)."""
    from sbrt_calc.eligibility.assess import brain_srs_dose_by_size

    item = brain_srs_dose_by_size(size_mm)
    assert f"is {dose}" in item.text and "recurrent" in item.text and "RTOG 90-05" in item.source


def test_brain_lesion_above_40_mm_gets_no_single_fraction_dose() -> None:
    from sbrt_calc.eligibility.assess import brain_srs_dose_by_size

    assert "no single-fraction dose" in brain_srs_dose_by_size(45).text


def test_brain_size_reaches_the_assessment() -> None:
    """A brain lesion with size_mm gets the RTOG 90-05 consideration in its lesion entry."""
    from sbrt_calc.eligibility.assess import assess
    from sbrt_calc.eligibility.case import Case

    case = Case.from_dict({
        "therapy_class": "tki", "driver": "EGFR", "months_on_therapy": 12, "ecog": 1, "cns_imaging_done": True,
        "other_disease_controlled": True, "symptomatic_progression": False, "leptomeningeal": False,
        "lesions": [{"site": "brain", "status": "progressing", "size_mm": 25}],
    })
    (lesion,) = assess(case).as_dict()["lesions"]
    assert lesion["local_therapy"].startswith("SRS")
    assert any("18 Gy" in c["text"] for c in lesion["considerations"])
