"""Issue 19: "Plan this lesion" - the scheme a lesion gets, by the printed conditions of its site.

Each test is named after the sentence it encodes; the docstring cites the source and how it was read.
Each failed before the change it covers.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from sbrt_calc.eligibility import rules as R
from sbrt_calc.eligibility.assess import Case, assess
from sbrt_calc.eligibility.case import Lesion
from sbrt_calc.eligibility.sites import SABR_COMET, choose_scheme, lesion_schemes, palliative_intent
from sbrt_calc.planning.section import PlanningInputs, plan_lesion
from sbrt_calc.presets.loader import shipped_presets
from sbrt_calc.presets.radiobiology import radiobiology


def lung(**extra: Any) -> Lesion:
    return Lesion("lung", "progressing", **{"location": "peripheral", **extra})


def pick(lesion: Lesion, **kw: Any) -> str | None:
    choice = choose_scheme(lesion, shipped_presets(), **kw)
    return None if choice.scheme is None else choice.scheme.label


def make(lesions: list[dict[str, Any]], **overrides: Any) -> Case:
    data: dict[str, Any] = {
        "therapy_class": "tki", "driver": "EGFR", "agent": "osimertinib", "months_on_therapy": 14, "ecog": 1,
        "cns_imaging_done": True, "other_disease_controlled": True, "leptomeningeal": False,
        "staging_complete": True, "mdt_discussed": True, "trial_considered": True, "best_response": "partial",
        "lesions": lesions,
    }
    data.update(overrides)
    return Case.from_dict(data, source="test")


# --- lung: SABR-COMET's table first, by its own conditions --------------------------------------------

@pytest.mark.parametrize("size_mm", [10.0, 25.0, 30.0])
def test_sabr_comet_54_gy_in_3_for_3_cm_or_less_surrounded_by_lung_parenchyma(size_mm: float) -> None:
    """SABR-COMET protocol (Palma DA et al., BMC Cancer 2012;12:305), Table 1: lung, "3 cm or less and surrounded
    by lung parenchyma": 54 Gy/3 (printed in the presets; project reference data). Before: every peripheral lung
    lesion got the seed's generic 36 Gy/3 (BED10 79.2 Gy) at any size."""
    choice = choose_scheme(lung(size_mm=size_mm, abuts_chest_wall=False), shipped_presets())
    assert choice.scheme is not None and choice.scheme.label == "54 Gy/3" and choice.source == SABR_COMET
    assert "3 cm or less surrounded by lung parenchyma" in choice.reason


@pytest.mark.parametrize(("size_mm", "abuts"), [(15.0, True), (31.0, False), (40.0, None), (None, True)])
def test_sabr_comet_55_gy_in_5_abutting_the_chest_wall_or_larger_than_3_cm(size_mm: float | None,
                                                                            abuts: bool | None) -> None:
    """SABR-COMET Table 1: lung "abutting the chest wall or larger than 3 cm": 55 Gy/5. Before: 36 Gy/3 also when
    the lesion abutted the chest wall, where the program itself dropped the other 3-fraction schemes."""
    assert pick(lung(size_mm=size_mm, abuts_chest_wall=abuts)) == "55 Gy/5"


@pytest.mark.parametrize("location", ["central", "ultracentral"])
def test_sabr_comet_60_gy_in_8_within_2_cm_of_the_mediastinum(location: str) -> None:
    """SABR-COMET Table 1: lung "within 2 cm of the mediastinum or brachial plexus": 60 Gy/8 (NCCN: central tumours
    60-70 Gy/8-10). Before: a central lesion got 50 Gy/5 as "the lowest BED10 above 70"."""
    choice = choose_scheme(Lesion("lung", "progressing", location=location), shipped_presets())
    assert choice.scheme is not None and choice.scheme.label == "60 Gy/8" and choice.source == SABR_COMET
    assert "lowest BED10" not in choice.reason
    assert (" an ultracentral " in choice.reason) is (location == "ultracentral")


def test_a_peripheral_lung_pick_waits_for_size_and_chest_wall_contact_sabr_comet_decides_by() -> None:
    """SABR-COMET picks 54 Gy/3 or 55 Gy/5 by size and chest-wall contact: without them no scheme is guessed."""
    choice = choose_scheme(lung(), shipped_presets())
    assert choice.scheme is None
    assert "record its size and whether it abuts the chest wall" in choice.reason
    assert pick(lung(size_mm=20.0)) is None and pick(lung(abuts_chest_wall=False)) is None


def test_the_seeds_36_gy_in_3_is_its_generic_figure_with_the_chest_wall_condition_of_the_other_3_fraction_schemes(
        ) -> None:
    """Seed 004: "Typical dose: 36 Gy in 3 fractions" (generic, not site-specific); NCCN gives its 3-fraction
    peripheral schemes for tumours "> 1 cm from the chest wall". The seed's figure carries the same condition."""
    abutting = lesion_schemes(lung(abuts_chest_wall=True), shipped_presets())
    assert "36 Gy/3" not in [s.label for s in abutting.schemes]
    assert any(s.label == "36 Gy/3" and "away from the chest wall" in why for s, why in abutting.excluded)
    away = lesion_schemes(lung(abuts_chest_wall=False), shipped_presets())
    [seed] = [s for s in away.schemes if s.label == "36 Gy/3"]
    assert "generic" in seed.note and seed.source.startswith("Seed source document 004")


def test_a_lung_pick_says_where_it_sits_against_the_primary_lung_line_read_from_the_threshold() -> None:
    """A lung lesion may be the primary: the reason states the pick's LQ BED10 against the BED10 >= 100 Gy line the
    program cites for primary lung SBRT (Onishi 2007, presets/radiobiology.toml) - read from the threshold object,
    so a case with another value reads that value."""
    line = radiobiology().threshold("bed10_primary_lung")
    choice = choose_scheme(lung(size_mm=20.0, abuts_chest_wall=False), shipped_presets())
    assert f"BED10 151.2 Gy (LQ, from the prescription) is at or above the {line.label} line" in choice.reason
    assert "Onishi" in choice.reason
    higher = replace(line, bed_gy=160.0)
    other = choose_scheme(lung(size_mm=20.0, abuts_chest_wall=False), shipped_presets(), primary_line=higher)
    assert "is below the BED10 >= 160 Gy line" in other.reason


# --- liver ---------------------------------------------------------------------------------------------

def test_liver_dose_is_set_by_the_normal_liver_constraint_as_sabr_comet_does_not_picked_from_phase_i_levels() -> None:
    """SABR-COMET Table 1: liver dose set by NTCP < 5% (project reference data [P]). Before: 35 Gy/1 (BED10 157.5
    Gy), a phase-I single-fraction dose level, was picked as "the lowest BED10 above 70"."""
    choice = choose_scheme(Lesion("liver", "progressing"), shipped_presets())
    assert choice.scheme is None and choice.source == SABR_COMET
    assert "normal-liver constraint" in choice.reason and "phase-I" in choice.reason
    assert "lowest BED10" not in choice.reason


# --- spine previously irradiated ------------------------------------------------------------------------

def test_a_previously_irradiated_spine_gets_a_printed_reirradiation_scheme_not_sc24_and_the_cumulative_section(
        ) -> None:
    """Radiat Oncol 2011;6:173 (abstract read): single-session spinal radiosurgery after conventional RT, median
    1 x 18 Gy (range 10-28 Gy). HyTEC (Sahgal, doi 10.1016/j.ijrobp.2019.09.038): cumulative thecal sac EQD2 Dmax
    <= 70 Gy, SBRT <= 25 Gy, ratio <= 0.5, >= 5 months. Before: SC.24's de-novo 24 Gy/2."""
    spine = Lesion("spine", "progressing", previously_irradiated=True)
    found = lesion_schemes(spine, shipped_presets())
    assert [s.key for s in found.schemes] == ["spine_reirradiation_18_1"]
    choice = choose_scheme(spine, shipped_presets())
    assert choice.scheme is not None and choice.scheme.label == "18 Gy/1"
    assert choice.intent == "reirradiation" and choice.cumulative_required
    assert "SC.24" in choice.reason and "not offered" in choice.reason and "thecal sac" in choice.reason
    new, _ = plan_lesion(PlanningInputs(), 0, spine)
    assert new.cumulative is not None and new.cumulative.organ == "SpinalCanal"
    [x] = assess(make([{"site": "spine", "status": "progressing", "previously_irradiated": True}])).lesions
    assert x.choice is not None and x.choice["cumulative_required"] is True and x.choice["intent"] == "reirradiation"
    fresh = choose_scheme(Lesion("spine", "progressing"), shipped_presets())
    assert fresh.scheme is not None and fresh.scheme.label == "24 Gy/2" and not fresh.cumulative_required


# --- palliative intent ---------------------------------------------------------------------------------

def test_astro_2017_palliative_options_and_no_ablative_scheme_when_local_ablative_therapy_is_not_supported() -> None:
    """ASTRO bone metastases guideline (Lutz S et al., Pract Radiat Oncol 2017;7:4-12), key question 1, read in a
    transcription: pain relief equivalent after "a single 8 Gy fraction, 20 Gy in 5 fractions, 24 Gy in 6
    fractions, and 30 Gy in 10 fractions". ECOG 3 with a painful bone lesion is not supported for local ablative
    therapy: "Plan this lesion" proposed 36 Gy/3 before."""
    a = assess(make([{"site": "bone", "status": "progressing", "symptomatic": True}], ecog=3))
    assert a.verdict == "not_supported" and palliative_intent(a.verdict)
    [x] = a.lesions
    assert x.choice is not None and x.choice["scheme"] is None and x.choice["intent"] == "palliative"
    assert x.choice["options"] == ["bone_palliative_8_1", "bone_palliative_20_5", "bone_palliative_24_6",
                                   "bone_palliative_30_10"]
    assert "no ablative scheme" in str(x.choice["reason"]) and R.ASTRO_BONE in str(x.choice["source"])
    assert [s.label for s in x.schemes] == ["8 Gy/1", "20 Gy/5", "24 Gy/6", "30 Gy/10"]
    assert not x.flag_applies and not any(s.flag_applies for s in x.schemes)
    lesion = Lesion("bone", "progressing", symptomatic=True)
    new, choice = plan_lesion(PlanningInputs(regimen=None), 0, lesion, ablative=False)
    assert new.regimen is None and choice.scheme is None and choice.intent == "palliative"
    assert pick(lesion) == "36 Gy/3"                         # ablative when it is supported


def test_palliative_intent_at_a_site_without_a_printed_palliative_option_offers_none_with_the_reason() -> None:
    """No guideline's palliative scheme is shipped for an adrenal lesion: none, with the reason."""
    [x] = assess(make([{"site": "adrenal", "status": "progressing"}], ecog=3)).lesions
    assert x.choice is not None and x.choice["scheme"] is None and x.choice["options"] == []
    assert "multidisciplinary team's decision" in str(x.choice["reason"]) and not x.schemes
    assert "for an adrenal lesion" in str(x.choice["reason"])          # "an", not "a adrenal"


def test_sc20_repeat_radiation_options_for_a_previously_irradiated_painful_bone_lesion_not_ablative() -> None:
    """NCIC CTG SC.20 (Chow E et al., Lancet Oncol 2014;15:164-171, abstract read): painful bone metastases after
    previous radiation, "8 Gy in a single fraction or 20 Gy in multiple fractions" (5 fractions recalled)."""
    choice = choose_scheme(Lesion("bone", "progressing", previously_irradiated=True), shipped_presets(),
                           ablative=False)
    assert choice.scheme is None and choice.cumulative_required and choice.source == R.SC20
    assert [(s.label, s.verification) for s in choice.options] == [("8 Gy/1", "printed"), ("20 Gy/5", "recalled")]


@pytest.mark.parametrize(("verdict", "palliative"), [("not_supported", True), ("supported", False),
                                                     ("not_yet_assessable", False), ("pending_rebiopsy", False),
                                                     (None, False)])
def test_palliative_intent_only_when_local_ablative_therapy_is_not_supported(verdict: str | None,
                                                                             palliative: bool) -> None:
    assert palliative_intent(verdict) is palliative


def test_plan_this_lesion_in_the_app_offers_palliative_options_when_not_supported(window: Any) -> None:
    """The app's "Plan this lesion" follows the assessment: ECOG 3 with a painful bone lesion adds the ASTRO
    palliative rows and sets no ablative regimen."""
    w = window
    e = w.eligibility
    for key, value in (("therapy_class", "tki"), ("driver", "EGFR"), ("months_on_therapy", 14.0), ("ecog", 3),
                       ("other_disease_controlled", True), ("cns_imaging_done", True)):
        e.set_value(key, value)
    e.add_lesion("bone")
    assert e.assessment() is not None and e.assessment().verdict == "not_supported"
    before = w.planning.inputs.regimen
    w.send_lesion_to_planning(0)
    labels = {r.label for r in w.model.rows()}
    assert {"8 Gy/1", "20 Gy/5", "24 Gy/6", "30 Gy/10"} <= labels
    assert w.planning.inputs.regimen == before


def test_bed10_values_in_the_eligibility_view_say_lq_and_a_lesion_without_a_pick_says_why() -> None:
    """DESIGN: "A label says exactly what a number is"; the eligibility view's scheme BED10 values are LQ BED at
    alpha/beta 10 and now say "LQ". A lesion with no pick (palliative intent) shows the reason instead of nothing."""
    from sbrt_calc.eligibility.sites import flag_line
    from sbrt_calc.evaluation_tables import lesion_table

    line = flag_line()

    def shown(assessment: Any, key: str) -> str:
        return lesion_table(assessment, line).column(key)[0].text

    a = assess(make([{"site": "bone", "status": "progressing"}]))
    assert "36 Gy/3 (BED10 79.2 Gy, LQ" in shown(a, "schemes")
    palliative = assess(make([{"site": "bone", "status": "progressing", "symptomatic": True}], ecog=3))
    planned = shown(palliative, "planned")
    assert "Plan this lesion ▸ no scheme" in planned and "no ablative scheme" in planned
