"""Issue 11: organ limits a planner relies on - marks that say what was checked, conversion only where
it is defensible, the missing rows, unresolved rows shown as such, omissions listed, organ names matched,
re-irradiation on the thecal sac, conformity per target site and impossible measurements refused."""

from __future__ import annotations

import json

import pytest

from sbrt_calc.cli.main import main
from sbrt_calc.planning.conformity import PlanCheckError, check_measurement, grade_plan
from sbrt_calc.planning.constraints import MAX_CONVERSION_DOSE_PER_FRACTION_GY, constraints_for, resolve_organ
from sbrt_calc.planning.cumulative import cumulative_eqd2
from sbrt_calc.planning.organs import OrganError, match_organ
from sbrt_calc.presets.loader import check_presets, shipped_presets


def limit(set_key: str, organ: str, metric: str, n: int) -> float:
    cset = shipped_presets().constraint_set(set_key)
    [c] = [c for c in cset.for_fractions(n) if c.organ == organ and c.metric == metric]
    return c.limit


# --- marks ---------------------------------------------------------------------------------------

def test_marks_say_what_was_checked_and_converted_is_never_printed() -> None:
    ps = shipped_presets()
    marks = {c.verification for s in ps.constraint_sets for c in s.constraints}
    assert marks <= {"printed", "secondary", "recalled"} and "converted" not in marks
    assert ps.constraint_set("tg101").verification == "secondary"        # read in transcriptions only
    (lk,) = constraints_for(2, "tg101", presets=ps)
    assert lk.constraints and {c.verification for c in lk.constraints} == {"converted"}


# --- conversion bounds ---------------------------------------------------------------------------

def test_a_30_fraction_plan_gets_no_sbrt_limit_converted() -> None:
    """pydicom's sample RT Plan has 30 fractions: no SBRT set covers it, so no limit is invented."""
    for lk in constraints_for(30, presets=shipped_presets()):
        assert lk.constraints == () and not lk.has_column and "outside the fraction range" in lk.message


@pytest.mark.parametrize(("set_key", "n", "cols"), [("tg101", 2, (1, 3)), ("tg101", 4, (3, 5)),
                                                    ("rtog0915", 2, (1,)), ("rtog0915", 3, (4,))])
def test_conversion_is_at_most_one_column_step_within_the_sources_range(set_key: str, n: int,
                                                                       cols: tuple[int, ...]) -> None:
    (lk,) = constraints_for(n, set_key, presets=shipped_presets())
    assert lk.converted_from == cols
    assert all(c.converted_from_fractions in cols for c in lk.constraints)


@pytest.mark.parametrize(("set_key", "n"), [("tg101", 6), ("rtog0915", 5), ("rtog0813", 4), ("hytec_cord", 6)])
def test_outside_the_range_the_set_has_none_for_this_fraction_count(set_key: str, n: int) -> None:
    (lk,) = constraints_for(n, set_key, presets=shipped_presets())
    assert lk.constraints == () and "no limits for" in lk.message


def test_serial_organ_limits_above_10_gy_per_fraction_are_not_converted() -> None:
    """LQ is reasonably well validated up to about 10 Gy per fraction (Brenner 2008): TG-101's single-fraction
    cord maximum of 14 Gy is not converted to 2 fractions; the 3-fraction 21.9 Gy (7.3 Gy/fx) is."""
    assert MAX_CONVERSION_DOSE_PER_FRACTION_GY == 10.0
    (lk,) = constraints_for(2, "tg101", presets=shipped_presets())
    cord_max = [c for c in lk.constraints if c.organ == "SpinalCord" and c.metric == "Max[Gy]"]
    assert [c.converted_from_fractions for c in cord_max] == [3]
    assert any(r.startswith("SpinalCord Max[Gy] < 14 Gy (1 fx): serial organ") for r in lk.not_converted_reasons)


# --- missing rows --------------------------------------------------------------------------------

@pytest.mark.parametrize(("set_key", "organ", "metric", "values"), [
    ("tg101", "Duodenum", "D10cc[Gy]", {1: 9.0, 3: 11.4, 5: 12.5}),
    ("tg101", "RenalHilum", "D66.7%[Gy]", {3: 18.6, 5: 23.0}),
    ("tg101", "Bladder_Wall", "D15cc[Gy]", {3: 16.8, 5: 18.3}),
    ("tg101", "Femur_Heads", "D10cc[Gy]", {3: 21.9, 5: 30.0}),
    ("tg101", "PenileBulb", "D3cc[Gy]", {3: 21.9, 5: 30.0}),
    ("tg101", "Brainstem", "D0.5cc[Gy]", {3: 18.0, 5: 23.0}),
    ("tg101", "OpticPathway", "D0.2cc[Gy]", {3: 15.3, 5: 23.0}),
    ("tg101", "Cochlea", "Max[Gy]", {3: 17.1, 5: 25.0}),
    ("rtog0915", "Lungs", "CV7.4Gy[cc]", {1: 1000.0}),
    ("rtog0915", "Lungs", "CV12.4Gy[cc]", {4: 1000.0}),
    ("rtog0915", "SpinalCord", "D0.35cc[Gy]", {1: 10.0, 4: 20.8}),
    ("rtog0915", "SpinalCord", "D1.2cc[Gy]", {1: 7.0, 4: 13.6}),
    ("rtog0915", "Esophagus", "D5cc[Gy]", {1: 11.9, 4: 18.8}),
    ("rtog0915", "BrachialPlex", "D3cc[Gy]", {1: 14.0, 4: 23.6}),
    ("rtog0915", "Heart", "D15cc[Gy]", {1: 16.0, 4: 28.0}),
    ("rtog0915", "GreatVes", "D10cc[Gy]", {1: 31.0, 4: 43.0}),
    ("rtog0915", "Trachea", "D4cc[Gy]", {1: 10.5, 4: 15.6}),
    ("rtog0915", "Skin", "D10cc[Gy]", {1: 23.0, 4: 33.2}),
    ("rtog0915", "Rib", "Max[Gy]", {1: 30.0, 4: 40.0}),
    ("rtog0915", "Rib", "D1cc[Gy]", {1: 22.0, 4: 32.0}),
    ("rtog0915", "Stomach", "Max[Gy]", {1: 12.4, 4: 27.2}),
    ("rtog0915", "Stomach", "D10cc[Gy]", {1: 11.2, 4: 17.6}),
    ("rtog0813", "Lungs", "CV13.5Gy[cc]", {5: 1000.0}),
    ("rtog0813", "SpinalCord", "D0.25cc[Gy]", {5: 22.5}),
    ("rtog0813", "SpinalCord", "D0.5cc[Gy]", {5: 13.5}),
    ("rtog0813", "Esophagus", "D5cc[Gy]", {5: 27.5}),
    ("rtog0813", "Trachea", "D4cc[Gy]", {5: 18.0}),
    ("nccn", "Rib", "Max[Gy]", {1: 30.0, 3: 30.0, 4: 40.0}),
    ("nccn", "Stomach", "Max[Gy]", {1: 12.4, 4: 27.2}),
])
def test_rows_a_planner_relies_on_are_present(set_key: str, organ: str, metric: str,
                                             values: dict[int, float]) -> None:
    """TG-101 (two open encodings), RTOG 0915/0813 volume limits (PlanQA_Plugin encoding), NCCN Table 3."""
    for n, v in values.items():
        assert limit(set_key, organ, metric, n) == v


def test_unresolved_rows_are_shown_as_unresolved_never_as_limits() -> None:
    """TG-101 liver 700 cc (3 fx 17.1 or 19.2 Gy; 5 fx 21 or 21.5 Gy) and lung 3-fraction critical volumes."""
    ps = shipped_presets()
    (lk3,) = constraints_for(3, "tg101", presets=ps)
    assert [u.text for u in lk3.unresolved] == ["unresolved: 17.1-19.2 Gy, check TG-101 Table III"]
    assert not [c for c in lk3.constraints if c.organ == "Liver"]
    lungs = [c for c in lk3.constraints if c.organ == "Lungs"]
    assert len(lungs) == 2
    assert all(c.unresolved and ("11.6 Gy" in c.unresolved or "12.4 Gy" in c.unresolved) for c in lungs)
    (lk5,) = constraints_for(5, "tg101", presets=ps)
    assert [u.text for u in lk5.unresolved] == ["unresolved: 21-21.5 Gy, check TG-101 Table III"]


def test_every_set_lists_what_it_leaves_out_and_presets_check_shows_it(capsys: pytest.CaptureFixture[str]) -> None:
    report = check_presets(user_dir=None)
    assert report.ok
    for cset in report.presets.constraint_sets:
        assert cset.omitted, cset.key
    assert main(["presets", "check"]) == 0
    out = capsys.readouterr().out
    for cset in report.presets.constraint_sets:
        assert f"  {cset.key}: {len(cset.constraints)} rows (" in out
    assert "leaves out: Liver 700 cc in 3 and 5 fractions" in out
    assert "unresolved: Liver CV?Gy[cc] (700 cc) 3 fx (unresolved: 17.1-19.2 Gy" in out


# --- organ names ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "name"), [("spinalcord", "SpinalCord"), ("Spinal cord", "SpinalCord"),
                                             ("oesophagus", "Esophagus"), ("brachial plexus", "BrachialPlex"),
                                             ("GREATVES", "GreatVes"), ("femoral heads", "Femur_Heads")])
def test_organ_names_match_case_insensitively_with_tg263_names_and_aliases(typed: str, name: str) -> None:
    assert resolve_organ(typed, shipped_presets()) == name


def test_an_unknown_organ_is_an_error_that_lists_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(OrganError, match="known .*SpinalCord"):
        match_organ("spinalcrd")
    assert main(["constraints", "--fractions", "3", "--organ", "spinalcrd"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown organ 'spinalcrd'" in err and "SpinalCord" in err
    assert main(["cumulative", "20/5", "--organ", "spinalcrd"]) == 2


# --- re-irradiation ------------------------------------------------------------------------------

def test_reirradiation_limit_is_on_the_thecal_sac_hytec_sahgal() -> None:
    """Sahgal 2012 / HyTEC: thecal sac Pmax, cumulative EQD2 <= 70 Gy, SBRT <= 25 Gy, ratio <= 0.5."""
    [lim] = shipped_presets().reirradiation
    assert lim.organ == "SpinalCanal" and "thecal sac" in lim.note
    for typed in ("spinalcord", "SpinalCord", "thecal sac", "spinalcanal"):
        r = cumulative_eqd2(["20/5", "12/2"], organ=typed, interval_months=8)
        assert r.limit is not None and r.organ == "SpinalCanal"
    r = cumulative_eqd2(["20/5", "12/2"], organ="spinalcord", interval_months=8)
    assert any("thecal sac" in n for n in r.notes)


# --- conformity ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "value", "ok"), [
    ("r50", 0.0, False), ("r50", 0.5, True), ("r50", 1.0, True), ("r100", 0.0, False), ("r100", 0.01, True),
    ("d2cm_percent", 0.0, False), ("d2cm_percent", 100.0, True), ("d2cm_percent", 130.0, True),
    ("ptv_cc", 0.0, False), ("ptv_cc", 0.1, True), ("r50", float("nan"), False)])
def test_typed_measurements_are_range_checked_not_judged(name: str, value: float, ok: bool) -> None:
    """Issue 17: what a person types must be a finite number > 0; R50% below 1 (under-coverage) and
    D2cm above 100 % (a second lesion 2 cm away) are measurements, accepted and graded."""
    if ok:
        assert check_measurement(name, value) == value
    else:
        with pytest.raises(PlanCheckError, match="out of range|finite"):
            check_measurement(name, value)


def test_plan_check_r50_below_one_is_graded_under_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 17: R50% 0.5 exited 2 ("impossible"); it is under-coverage: V100% <= 100 x R50% = 50 % < 95 %,
    so the coverage criterion cannot be met: status fail, exit 1."""
    assert main(["plan-check", "--ptv-cc", "20", "--r50", "0.5", "--r100", "1.1", "--d2cm-percent", "40",
                 "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "fail"
    r50 = next(m for m in out["metrics"] if m["metric"] == "R50%")
    assert r50["grade"] == "under-coverage" and r50["status"] == "fail"


def test_plan_check_d2cm_above_100_is_graded(capsys: pytest.CaptureFixture[str]) -> None:
    """D2cm 130 % at 20 cc: above the minor limit (interpolated 62.1 %) -> major -> fail, exit 1 (was exit 2)."""
    assert main(["plan-check", "--ptv-cc", "20", "--d2cm-percent", "130", "--r50", "4", "--r100", "1.1",
                 "--site", "lung_peripheral", "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "fail" and out["metrics"][1]["grade"] == "major"


def test_plan_check_status_pass_and_incomplete(capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 0 only for pass (everything given graded none/minor); a PTV outside the table -> incomplete, exit 1;
    nothing given -> incomplete."""
    assert main(["plan-check", "--ptv-cc", "20", "--r50", "4", "--r100", "1.1", "--d2cm-percent", "50",
                 "--site", "lung_central", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "pass"
    assert main(["plan-check", "--ptv-cc", "200", "--r50", "3", "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "incomplete" and "not graded" in out["not_checked"][0]
    assert main(["plan-check", "--ptv-cc", "20", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["status"] == "incomplete"


def test_outside_lung_in_lung_the_rtog_table_is_a_reference(capsys: pytest.CaptureFixture[str]) -> None:
    g = grade_plan(20.0, r50=9.0, site="bone")
    assert not g.applies and "reference only" in g.caveat and g.metric("R50%").grade == "major"
    # issue 17: a reference neither fails nor passes: nothing was graded -> incomplete, exit 1
    assert main(["plan-check", "--ptv-cc", "20", "--r50", "9", "--site", "bone"]) == 1
    out = capsys.readouterr().out
    assert "reference only" in out and "INCOMPLETE" in out
    assert main(["plan-check", "--ptv-cc", "20", "--r50", "9", "--site", "lung_central"]) == 1


def test_below_1_8_cc_the_table_starts_there() -> None:
    g = grade_plan(1.2, r50=4.0, site="lung_peripheral")
    assert "the table starts at 1.8 cc" in g.message and g.metric("R50%").grade == "not graded"
    assert "R100%: < 1.2 no deviation; 1.2 to < 1.5 minor; 1.5 or more major" in g.r100_band
