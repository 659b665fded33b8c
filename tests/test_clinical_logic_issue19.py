"""Issue 19: clinical logic, second reading - what the verdicts tell a clinician to do.

One test per rule, named after the sentence it encodes; the docstring quotes the source and says how it
was read. Each failed before the change it covers.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_eligibility_sources import lesion, make  # one complete TKI case and its lesions

from sbrt_calc.eligibility import rules as R
from sbrt_calc.eligibility.assess import assess


def every_text(a: Any) -> str:
    return " | ".join([a.headline] + [r.text for r in a.reasons] + [s.text for s in a.next_steps]
                      + [b.text for b in a.blockers])


IO = {"therapy_class": "immunotherapy", "driver": "none", "agent": "pembrolizumab"}


# --- pending rebiopsy -----------------------------------------------------------------------------

@pytest.mark.parametrize(("therapy", "word"), [({}, "TKI"), (IO, "immunotherapy")])
def test_seed_004_consider_rebiopsy_says_decide_on_local_therapy_with_continuation_once_the_result_is_known(
        therapy: dict[str, Any], word: str) -> None:
    """Seed 004, step 1: "Consider rebiopsy in selected cases to rule out transformation". Nothing in the seeds
    says to stop the drug while the result is awaited (stopping an EGFR TKI risks a flare). The words follow the
    case's therapy: the immunotherapy case never reads "TKI"."""
    a = assess(make(suspected_transformation=True, **therapy))
    assert a.verdict == "pending_rebiopsy"
    text = every_text(a)
    assert "do not continue" not in text
    assert f"decide on local therapy with continuation of the {word} once the result is known" in a.headline
    assert any(f"continuation of the {word} once the result is known" in s.text for s in a.next_steps)
    if word == "immunotherapy":
        assert "TKI" not in " ".join(s.text for s in a.next_steps)


# --- immunotherapy without a recorded response -----------------------------------------------------

def test_immunotherapy_without_a_recorded_best_response_is_not_yet_assessable_one_verdict() -> None:
    """Seed 003: SBRT while maintaining immunotherapy "in those patients with prolonged responses or stabilizations";
    SITC (Kluger 2020, Table 1, read on the journal's table page) separates primary from secondary resistance by
    the best response. 1.5 months on pembrolizumab with the response unknown was "supported; before deciding,
    complete: best response": one verdict cannot be both."""
    a = assess(make(best_response="unknown", months_on_therapy=1.5, **IO))
    assert a.verdict == "not_yet_assessable" and not a.eligible
    assert "supported" not in a.headline and "best response" in a.headline
    [w] = [w for w in a.missing_workup if w.key == "best_response"]
    assert w.blocking and R.SITC_IO in w.source


@pytest.mark.parametrize(("months", "primary"), [(3.0, True), (5.9, True), (6.0, False), (9.0, False)])
def test_sitc_stable_disease_for_less_than_6_months_on_pd1_blockade_is_primary_resistance(months: float,
                                                                                           primary: bool) -> None:
    """SITC Immunotherapy Resistance Taskforce (Kluger HM et al., J Immunother Cancer 2020;8:e000398, Table 1,
    read on the journal's table page): primary resistance - drug exposure >= 6 weeks, best response "PD; SD for
    < 6 months"; secondary resistance - exposure >= 6 months, "CR, PR, SD for > 6 months"."""
    a = assess(make(best_response="stable", months_on_therapy=months, **IO))
    assert (a.classification == "primary_resistance") is primary
    if primary:
        assert not a.eligible and any(R.SITC_IO in b.source for b in a.blockers)
    else:
        assert a.eligible


@pytest.mark.parametrize(("months", "primary"), [(6.0, True), (6.5, False)])
def test_sitc_progression_within_6_months_on_chemo_immunotherapy_is_primary_resistance_regardless_of_response(
        months: float, primary: bool) -> None:
    """SITC consensus for ICI-chemotherapy combinations (Rizvi N et al., J Immunother Cancer 2023, Table 3, read on
    the journal's table page): primary resistance - RECIST progression at "<= 6 months", "regardless of best
    response"; secondary or late resistance - "> 6 months"."""
    a = assess(make(best_response="partial", months_on_therapy=months, therapy_class="chemoimmunotherapy",
                    driver="none", agent="carboplatin-pemetrexed-pembrolizumab"))
    assert (a.classification == "primary_resistance") is primary


def test_a_short_response_on_pd1_blockade_is_named_against_sitcs_6_months() -> None:
    """SITC 2020 Table 1: secondary resistance needs >= 6 months of exposure; a partial response after 3 months is
    neither definition - said, not hidden."""
    a = assess(make(best_response="partial", months_on_therapy=3, **IO))
    assert any(r.source == R.SITC_IO and "3 months" in r.text for r in a.reasons)


# --- brain metastases counted apart ---------------------------------------------------------------

def test_astro_2022_srs_for_up_to_10_brain_metastases_above_that_the_decision_is_the_mdts() -> None:
    """ASTRO brain metastases guideline (Gondi V et al., Pract Radiat Oncol 2022; statements read in a
    transcription): "ECOG performance status of 0-2 and up to 4 intact brain metastases, SRS is recommended";
    "5-10 intact brain metastases, SRS is conditionally recommended". Twelve new brain lesions were
    "CNS oligoprogression ... SRS x12 supported"."""
    twelve = [lesion("brain", "new", size_mm=8) for _ in range(12)]
    a = assess(make(twelve))
    assert a.verdict == "not_supported" and "brain_count" in {b.key for b in a.blockers}
    assert "CNS oligoprogression" not in a.headline and "12 brain lesions" in a.headline
    assert any(R.ASTRO_BRAIN in b.source for b in a.blockers)
    assert R.CNS_ONLY not in a.reasons           # no "SRS ... while continuing the current agent" beside it
    ten = assess(make([lesion("brain", "new", size_mm=8) for _ in range(10)]))
    assert ten.verdict == "supported" and "conditionally recommended" in ten.headline
    four = assess(make([lesion("brain", "new", size_mm=8) for _ in range(4)]))
    assert four.verdict == "supported" and "conditionally" not in four.headline


def test_headlines_never_count_cns_lesions_into_the_extracranial_definition() -> None:
    """Weickhardt 2012: "non-leptomeningeal CNS and/or <= 4 extra-CNS sites": the CNS is counted apart.
    5 extracranial + 1 brain read "6 sites, extended" before."""
    a = assess(make([lesion(s) for s in ("bone", "lung", "adrenal", "liver", "lymph_node")]
                    + [lesion("brain", "new", size_mm=10)], max_sites=5))
    assert a.verdict == "supported"
    assert "6 sites" not in a.headline and "5 extracranial sites, extended definition" in a.headline
    assert "1 CNS site counted apart" in a.headline


# --- bone stabilisation -----------------------------------------------------------------------------

@pytest.mark.parametrize(("flags", "stabilise", "ask"), [
    ({"weight_bearing": True, "fracture_risk": True}, True, False),
    ({"weight_bearing": True, "fracture_risk": False}, False, False),
    ({"weight_bearing": False, "fracture_risk": True}, False, False),
    ({"weight_bearing": True}, False, True),
    ({"fracture_risk": True}, False, True),
    ({}, False, True),
])
def test_seed_002_stabilise_weight_bearing_bones_at_high_risk_of_breaking_needs_both(
        flags: dict[str, bool], stabilise: bool, ask: bool) -> None:
    """Seed 002 (patient information): "surgical intervention may be necessary to stabilize weight-bearing bones at
    high risk of breaking" - weight-bearing AND fracture risk (before: either)."""
    [x] = assess(make([lesion("bone", **flags)])).lesions
    assert (R.STABILISATION in x.considerations) is stabilise
    assert (R.STABILISATION_UNKNOWN in x.considerations) is ask


# --- sources a clinician reads ------------------------------------------------------------------------

def test_patient_information_texts_are_marked_as_patient_information() -> None:
    """Seeds 000 (a patients' Q&A) and 002 (a patients' page) are patient information; Seed 004 is a summary that
    cites the NCCN guideline, not the primary text. A rule resting on them says so in its source."""
    assert "patient information" in R.REF_000 and "patient information" in R.REF_002
    assert "summary" in R.REF_004
    assert R.ASTRO_BONE in R.SYMPTOMATIC_LESION.source      # the pain relief a clinician can read


# --- SRS vs HSRT named by the pick ------------------------------------------------------------------

def test_a_brain_lesion_above_40_mm_planned_with_30_gy_in_5_is_named_hsrt_not_srs() -> None:
    """RTOG 90-05 gives single-fraction SRS doses up to 40 mm; above it the pick is 30 Gy/5 hypofractionated
    stereotactic radiotherapy, and the lesion's local therapy says so."""
    [big] = assess(make([lesion("brain", "new", size_mm=45)])).lesions
    assert big.local_therapy == "HSRT"
    [small] = assess(make([lesion("brain", "new", size_mm=12)])).lesions
    assert small.local_therapy == "SRS"


# --- the app's default list ---------------------------------------------------------------------------

def test_no_6_fraction_row_in_the_apps_default_list() -> None:
    """No printed source giving a 6-fraction SBRT scheme was found (the program says so in NO_SIX_FRACTIONS); the
    app's default list for a new case held 42/6."""
    pytest.importorskip("PySide6")
    from sbrt_calc.gui.settings import DEFAULT_NEW_CASE_REGIMENS, parse_regimen_list

    from sbrt_calc.regimen import parse_regimen

    rows = [parse_regimen(t) for t in parse_regimen_list(DEFAULT_NEW_CASE_REGIMENS)]
    assert rows and all(r.fractions != 6 for r in rows)


# --- wording: what the model/alpha-beta check depends on -------------------------------------------------

@pytest.mark.parametrize(("regimen", "decided_by", "short", "words"), [
    ("30/1", "model", "depends on model", "depends on the model ("),
    ("47/10", "alpha_beta", "depends on α/β", "depends on the tumour alpha/beta"),
    ("36/3", "model_and_alpha_beta", "depends on both", "depends on the model and the tumour alpha/beta"),
])
def test_the_model_alpha_beta_check_says_depends_on_alpha_beta_when_the_alpha_beta_decides(
        regimen: str, decided_by: str, short: str, words: str) -> None:
    """The check compares a regimen with the regimens on the line under LQ, LQ-L, USC and tumour alpha/beta 5-20 Gy
    (presets/radiobiology.toml [uncertainty]); when the reading changes with the alpha/beta within a model, the
    short form no longer says "depends on model" alone (before: every 'depends' read "depends on model")."""
    from sbrt_calc.evaluation import evaluate_regimens
    from sbrt_calc.regimen import parse_regimen

    [row] = evaluate_regimens([parse_regimen(regimen)]).rows
    s = row.sensitivity
    assert s is not None and s.verdict == "depends"
    assert (s.decided_by, s.short) == (decided_by, short) and words in s.sentence
    assert s.as_dict()["decided_by"] == decided_by


# --- wording: converted limits, time correction ------------------------------------------------------------

def test_a_converted_limit_is_shown_at_the_precision_of_its_source_not_13_4012_gy() -> None:
    """TG-101 cord D0.35cc < 10 Gy in 1 fraction, LQ-converted to 2 fractions, read "< 13.4012 Gy" in the plan
    check's table: a precision the source never had. The limit is shown with its source's decimals (at least
    one); the check still uses the full-precision number."""
    from sbrt_calc.planning.constraints import constraints_for
    from sbrt_calc.planning.section import PlanningInputs, constraint_table

    [cord] = [c for c in constraints_for(2, "tg101")[0].constraints
              if c.organ == "SpinalCord" and c.metric == "D0.35cc[Gy]"]
    assert cord.converted and cord.converted_from_limit == pytest.approx(10.0)
    assert cord.limit_text == "13.4" and cord.limit == pytest.approx(13.4012, abs=1e-4)
    assert "13.4012" not in cord.text and cord.text.endswith("13.4 Gy")
    table = constraint_table(PlanningInputs(regimen="26/2"))
    texts = " | ".join(c.text for row in table.rows for c in row)
    assert "< 13.4" in texts and "13.4012" not in texts


def test_the_time_corrected_verdict_says_the_line_was_observed_on_uncorrected_bed10() -> None:
    """The BED10 > 70 Gy and >= 100 Gy lines come from series that did not correct for overall time (Seed 004;
    Onishi 2007): a verdict on the time-corrected BED10 says so beside it (the row's caveat, the flag column's
    description, the JSON's time_correction)."""
    from sbrt_calc.evaluation import EvaluationSettings, evaluate_regimens
    from sbrt_calc.evaluation_json import settings_dict
    from sbrt_calc.radiobiology.time import TimeCorrection
    from sbrt_calc.regimen import parse_regimen
    from sbrt_calc.tables import columns

    s = EvaluationSettings(time=TimeCorrection(21.0, 0.66))
    [row] = evaluate_regimens([parse_regimen("70/35")], s).rows
    [c] = [c for c in row.caveats if c.code == "time_corrected"]
    assert "observed on uncorrected BED10" in c.text and "uncorrected" in c.short
    [flag] = [col for col in columns(s) if col.key == "flag"]
    assert "observed on uncorrected BED10" in flag.tooltip
    assert settings_dict(s)["time_correction"]["lines_observed_on"] == "uncorrected BED10"
