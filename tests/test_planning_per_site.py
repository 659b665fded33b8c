"""Issue 11: planning per site - lung location and size filter the schemes, where the BED10 > 70 Gy line
applies, the scheme "Plan this lesion" picks and why, the seed's range against its line."""

from __future__ import annotations

import pytest

from sbrt_calc.eligibility import rules as R
from sbrt_calc.eligibility.case import Lesion
from sbrt_calc.eligibility.sites import (
    NO_SIX_FRACTIONS,
    SEED_RANGE_NOTE,
    choose_scheme,
    flag_applicability,
    lesion_schemes,
)
from sbrt_calc.planning.section import PlanningInputs, plan_lesion, report_tables
from sbrt_calc.presets.loader import shipped_presets
from sbrt_calc.radiobiology.lq import bed


def labels(lesion: Lesion) -> list[str]:
    return [s.label for s in lesion_schemes(lesion, shipped_presets()).schemes]


def test_lung_lesion_without_location_is_offered_no_scheme_until_it_is_recorded() -> None:
    """Before: a lung lesion was offered all 15 lung presets (34 Gy/1 and 60 Gy/3 included) with no location."""
    found = lesion_schemes(Lesion("lung", "progressing"), shipped_presets())
    assert found.schemes == () and "location" in found.note
    assert choose_scheme(Lesion("lung", "progressing")).scheme is None


def test_central_means_within_2_cm_of_the_proximal_bronchial_tree_rtog_0813() -> None:
    """RTOG 0813: central = within 2 cm of the proximal bronchial tree; NCCN central 60-70 Gy/8-10, 48-50 Gy/4,
    50-55 Gy/5. No single-fraction or 3-fraction peripheral scheme is offered centrally."""
    central = labels(Lesion("lung", "progressing", location="central"))
    assert "34 Gy/1" not in central and "60 Gy/3" not in central and "54 Gy/3" not in central
    assert {"50 Gy/5", "60 Gy/8"} <= set(central)
    assert len(central) == len(set(central))            # duplicates gone
    found = lesion_schemes(Lesion("lung", "progressing", location="central"), shipped_presets())
    assert found.location_note is not None and "proximal bronchial tree" in found.location_note.text
    assert "RTOG 0813" in found.location_note.source


def test_ultracentral_gets_60_gy_in_8() -> None:
    assert labels(Lesion("lung", "progressing", location="ultracentral")) == ["60 Gy/8"]


@pytest.mark.parametrize(("size_mm", "has_34_1", "has_54_3", "has_48_4"), [
    (19.9, True, True, True), (20, False, True, True), (30, False, True, True), (31, False, False, True),
    (50, False, False, True), (51, False, False, False)])
def test_peripheral_schemes_are_filtered_by_the_size_the_sources_give(size_mm: float, has_34_1: bool,
                                                                     has_54_3: bool, has_48_4: bool) -> None:
    """NCCN: 25-34 Gy/1 for peripheral tumours < 2 cm; SABR-COMET: 54 Gy/3 for 3 cm or less surrounded by lung
    parenchyma; NCCN: 48-50 Gy/4 for central or peripheral < 4-5 cm."""
    got = labels(Lesion("lung", "progressing", location="peripheral", size_mm=size_mm))
    assert ("34 Gy/1" in got, "54 Gy/3" in got, "48 Gy/4" in got) == (has_34_1, has_54_3, has_48_4)


def test_abutting_the_chest_wall_55_gy_in_5_not_54_in_3() -> None:
    """SABR-COMET Table 1: 54 Gy/3 for tumours surrounded by lung parenchyma; 55 Gy/5 when abutting the chest
    wall. NCCN: 45-60 Gy/3 for peripheral tumours > 1 cm from the chest wall."""
    found = lesion_schemes(Lesion("lung", "progressing", location="peripheral", abuts_chest_wall=True),
                           shipped_presets())
    got = [s.label for s in found.schemes]
    assert "55 Gy/5" in got and "54 Gy/3" not in got and "60 Gy/3" not in got
    assert any("abuts" in why for _s, why in found.excluded)


@pytest.mark.parametrize(("site", "applies"), [("brain", False), ("brain_srs", False), ("brain_hsrt", False),
                                               ("spine", False), ("bone", True), ("lung_central", True),
                                               ("adrenal", True), ("liver", True)])
def test_where_the_70_gy_line_does_not_apply(site: str, applies: bool) -> None:
    """Brain SRS (doses by size, RTOG 90-05) and the spine (cord-limited, HyTEC; SC.24 24 Gy/2 has BED10 52.8):
    "not applicable at this site" with the reason, instead of marking standard doses as failures."""
    applies_, reason, source = flag_applicability(site)
    assert applies_ is applies and reason and source
    if not applies:
        assert reason.startswith("Not applicable at this site")


@pytest.mark.parametrize(("lesion", "label", "why"), [
    (Lesion("bone", "progressing"), "36 Gy/3", "seed's typical"),
    (Lesion("adrenal", "progressing"), "36 Gy/3", "seed's typical"),
    # issue 19: lung picks SABR-COMET's printed scheme by its own conditions (tests/test_planning_issue19.py)
    (Lesion("lung", "progressing", location="peripheral", size_mm=20, abuts_chest_wall=False), "54 Gy/3",
     "SABR-COMET"),
    (Lesion("lung", "progressing", location="central"), "60 Gy/8", "SABR-COMET"),
    (Lesion("lung", "progressing", location="ultracentral"), "60 Gy/8", "SABR-COMET"),
    (Lesion("spine", "progressing"), "24 Gy/2", "SC.24"),
    (Lesion("brain", "new", size_mm=12), "24 Gy/1", "RTOG 90-05"),
    (Lesion("brain", "new", size_mm=45), "30 Gy/5", "largest size bin"),
])
def test_plan_this_lesion_picks_the_scheme_the_sources_make_typical_for_the_site(lesion: Lesion, label: str,
                                                                                  why: str) -> None:
    """Seed 004: "Typical dose: 36 Gy in 3 fractions"; "Higher biologically effective dose (BED10 >70)
    correlates with better outcomes". Before: bone got 35 Gy/5 (BED10 59.5) and spine 16 Gy/1."""
    choice = choose_scheme(lesion, shipped_presets())
    assert choice.scheme is not None and choice.scheme.label == label and why in choice.reason
    assert choice.source and choice.bed10_gy == pytest.approx(
        float(bed(choice.scheme.total_dose_gy, choice.scheme.dose_per_fraction_gy, 10.0)))
    if choice.flag.applies:
        assert choice.bed10_gy > 70


def test_brain_without_size_is_not_planned_by_guess() -> None:
    choice = choose_scheme(Lesion("brain", "new"), shipped_presets())
    assert choice.scheme is None and "size" in choice.reason


def test_plan_lesion_sets_site_regimen_and_opens_the_cumulative_section() -> None:
    new, choice = plan_lesion(PlanningInputs(), 1, Lesion("spine", "progressing", previously_irradiated=True))
    assert (new.lesion, new.site, new.regimen) == (1, "spine", "18/1")     # issue 19: re-irradiation scheme
    assert new.cumulative is not None and new.cumulative.organ == "SpinalCanal"
    assert choice.scheme is not None and "cumulative thecal sac dose" in choice.reason and choice.cumulative_required
    bone, _ = plan_lesion(PlanningInputs(), 0, Lesion("bone", "progressing"))
    assert bone.cumulative is None and bone.regimen == "36/3"


def test_planning_view_shows_the_planned_bed10_and_flag() -> None:
    t = report_tables(PlanningInputs(regimen="36/3", site="bone"))[0]
    assert ["BED10 (LQ, alpha/beta 10)", "79.2 Gy: above the BED10 > 70 Gy line (Seed 004)"] in t.texts()
    spine = report_tables(PlanningInputs(regimen="24/2", site="spine"))[0]
    assert any(v.endswith("not applicable at this site") for _k, v in spine.texts())


@pytest.mark.parametrize(("total", "n"), [(24, 3), (30, 5), (24, 6)])
def test_the_seeds_range_and_the_seeds_line_disagree(total: float, n: int) -> None:
    """Seed 004: "range: 24-50 Gy in 3-6 fractions" and "BED10 >70": the low end is far below the line."""
    b = float(bed(total, total / n, 10.0))
    assert b < 70 and f"{total:g} Gy/{n} (" in SEED_RANGE_NOTE.text and f"{b:g} Gy)" in SEED_RANGE_NOTE.text
    t = report_tables(PlanningInputs(regimen=f"{total}/{n}", site="bone"))[0]
    assert any(SEED_RANGE_NOTE.text in note for note in t.notes)
    assert SEED_RANGE_NOTE.source == R.REF_004


def test_no_six_fraction_scheme_or_column_without_a_printed_source() -> None:
    """Add a 6-fraction scheme or constraint column only with a printed source; none was found: said so."""
    from sbrt_calc.presets.model import NON_ABLATIVE_GROUPS

    ps = shipped_presets()      # 24 Gy/6 is palliative conventional RT (ASTRO 2017), not an SBRT scheme
    assert not [s for s in ps.schemes if s.fractions == 6 and s.group not in NON_ABLATIVE_GROUPS]
    assert all(6 not in c.fractions for c in ps.constraint_sets)
    t = [x for x in report_tables(PlanningInputs(regimen="30/6")) if x.title.startswith("Organ-at-risk")][0]
    assert NO_SIX_FRACTIONS.text in t.notes and not t.rows


# --- properties ----------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from strategies import examples  # noqa: E402

from sbrt_calc.eligibility.case import LUNG_LOCATIONS, SITES  # noqa: E402

lesions = st.builds(
    lambda site, loc, size, wall: Lesion(site, "progressing", size_mm=size,
                                         location=loc if site == "lung" else None,
                                         abuts_chest_wall=wall if site == "lung" else None),
    st.sampled_from(SITES), st.sampled_from((None,) + LUNG_LOCATIONS),
    st.one_of(st.none(), st.floats(min_value=0.5, max_value=120)), st.one_of(st.none(), st.booleans()))


@settings(max_examples=examples(150), deadline=None)
@given(lesion=lesions)
def test_the_choice_is_one_of_the_lesions_schemes_and_says_why(lesion: Lesion) -> None:
    ps = shipped_presets()
    found = lesion_schemes(lesion, ps)
    choice = choose_scheme(lesion, ps)
    assert choice.reason and choice.source
    if choice.scheme is not None:
        assert choice.scheme in found.schemes
        assert choice.flag == flag_applicability(lesion.site)
        above = [s for s in found.schemes if s.verification != "recalled"
                 and float(bed(s.total_dose_gy, s.dose_per_fraction_gy, 10.0)) > 70]
        if choice.flag.applies and above:
            assert choice.bed10_gy is not None and choice.bed10_gy > 70
    for scheme, why in found.excluded:
        assert scheme not in found.schemes and scheme.label in why
