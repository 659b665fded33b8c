"""compare(): flags, warnings, robustness, repopulation, solving (issue 2, items 3-7)."""

from __future__ import annotations

import pytest

from sbrt_calc.errors import ModelParameterError
from sbrt_calc.radiobiology import lq
from sbrt_calc.radiobiology.compare import (
    Repopulation,
    compute,
    equivalent_regimen,
    flag_robustness,
    solve_for_bed,
    thresholds,
)
from sbrt_calc.radiobiology.models import LQL, USC, make_model
from sbrt_calc.regimen import Regimen, parse_regimen


def test_thresholds_come_from_presets_with_sources() -> None:
    """BED10 > 70 Gy (reference document 004) and >= 100 Gy (Onishi 2007; Shirata 2012)."""
    flag, ref = thresholds()
    assert (flag.bed_gy, flag.comparison, flag.alpha_beta_gy) == (70.0, ">", 10.0)
    assert (ref.bed_gy, ref.comparison) == (100.0, ">=")
    assert "004" in flag.source and "Onishi" in ref.source


def test_flag_is_strictly_above_70() -> None:
    """A regimen with BED10 exactly 70 Gy is not above the line (the source says '> 70')."""
    d = lq.dose_per_fraction_for_bed(70.0, 5, 10.0)
    exact = compute(Regimen(5 * d, 5))
    assert exact.bed10_gy == pytest.approx(70.0)
    assert compute(parse_regimen("36/3")).bed10_above_threshold
    assert not compute(parse_regimen("30/5")).bed10_above_threshold
    assert compute(parse_regimen("50/5")).bed10_reference_reached  # exactly 100 Gy meets >= 100


def test_alpha_beta_keys_and_order() -> None:
    r = compute(parse_regimen("54/3"), (10, 3, 2.5))
    d = r.as_dict()
    assert list(d["bed_gy"]) == ["10", "3", "2.5"]
    assert d["bed_gy"]["2.5"] == pytest.approx(54 * (1 + 18 / 2.5))


def test_lq_warns_at_high_dose_per_fraction_only() -> None:
    assert any("LQ is uncertain" in w for w in compute(parse_regimen("54/3")).warnings)
    assert not any("LQ is uncertain" in w for w in compute(parse_regimen("60/30")).warnings)


def test_every_result_names_its_model() -> None:
    for name in ("lq", "lql", "usc"):
        assert compute(parse_regimen("36/3"), model=make_model(name)).model == name


def test_usc_at_other_alpha_beta_says_it_extrapolates() -> None:
    r = compute(parse_regimen("36/3"), (10,), model=USC())
    assert any("extrapolation" in w for w in r.warnings)


def test_robustness_36_in_3_is_fragile_and_54_in_3_is_robust() -> None:
    """36 Gy/3: 79.2 Gy (LQ) but 68.4 Gy (LQ-L, d_T 6 Gy) -- the flag is fragile (issue 2, item 7).
    54 Gy/3 stays above 70 Gy for alpha/beta 5-20 Gy under all three models."""
    fragile = flag_robustness(parse_regimen("36/3"))
    assert fragile.verdict == "fragile"
    assert fragile.bed_min_gy < 70 < fragile.bed_max_gy
    assert "fragile" in fragile.sentence()
    robust = flag_robustness(parse_regimen("54/3"))
    assert robust.verdict == "robust above"
    assert flag_robustness(parse_regimen("20/5")).verdict == "robust below"


def test_robustness_range_is_configurable_and_validated() -> None:
    narrow = flag_robustness(parse_regimen("36/3"), (10.0, 10.0), models=[make_model("lq")])
    assert narrow.verdict == "robust above"
    with pytest.raises(ModelParameterError):
        flag_robustness(parse_regimen("36/3"), (20.0, 5.0))


def test_repopulation_not_applied_within_kickoff_and_applied_beyond() -> None:
    """BED_T = BED - K (T - T_k) for T > T_k (Fowler 1989). SBRT in a week: no correction.
    60 Gy/30 over 39 days with T_k 21 d and K 0.66 Gy/d: loss = 0.66 * 18 = 11.88 Gy."""
    rp = Repopulation(21.0, 0.66)
    short = compute(parse_regimen("36/3"), repopulation=rp)
    assert short.repopulation is not None and not short.repopulation.applied
    assert short.bed10_gy == pytest.approx(79.2)
    long = compute(Regimen(60, 30, overall_time_days=39), (10, 3), repopulation=rp)
    assert long.repopulation is not None and long.repopulation.applied
    assert long.bed_gy[10.0] == pytest.approx(72.0 - 11.88)
    assert long.bed_gy[3.0] == pytest.approx(100.0)  # late-responding tissue: no correction
    assert any("repopulation correction applied" in w for w in long.warnings)


def test_default_overall_time_counts_weekends() -> None:
    r = compute(parse_regimen("60/30"), repopulation=Repopulation(21.0, 0.66))
    assert r.repopulation is not None and r.repopulation.overall_time_days == 39.0


def test_solve_known_values() -> None:
    """BED10 100 Gy in 5 fractions is 10 Gy x 5 (50 x (1 + 10/10) = 100)."""
    (s,) = solve_for_bed(100.0, 10.0, [5])
    assert s.dose_per_fraction_gy == pytest.approx(10.0)
    assert s.total_dose_gy == pytest.approx(50.0)


def test_solve_impossible_is_reported() -> None:
    (s,) = solve_for_bed(20000.0, 10.0, [1])
    assert s.error and "100 Gy" in s.error


def test_equivalent_regimen_for_organ_at_risk() -> None:
    """54 Gy/3 at alpha/beta 3 (BED3 378 Gy) in 8 fractions: n d (1 + d/3) = 378."""
    s = equivalent_regimen(parse_regimen("54/3"), 8, 3.0)
    assert 8 * s.dose_per_fraction_gy * (1 + s.dose_per_fraction_gy / 3) == pytest.approx(378.0)


def test_lql_solve_above_transition() -> None:
    m = LQL(6.0)
    (s,) = solve_for_bed(68.4, 10.0, [3], m)
    assert s.dose_per_fraction_gy == pytest.approx(12.0)


@pytest.mark.parametrize("bad", [0.0, -3.0, float("nan"), float("inf")])
def test_bad_alpha_beta_is_rejected(bad: float) -> None:
    with pytest.raises(ModelParameterError, match="alpha_beta_gy"):
        compute(parse_regimen("36/3"), (bad,))


def test_bad_model_parameters() -> None:
    with pytest.raises(ModelParameterError):
        make_model("lqx")
    with pytest.raises(ModelParameterError):
        LQL(0.0)
    with pytest.raises(ModelParameterError):
        make_model("usc", alpha_per_gy=1.0, d0_gy=1.25)


def test_user_radiobiology_file_overrides_thresholds(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Thresholds are configurable: a user radiobiology.toml (validated like the shipped one)
    replaces the shipped defaults; the shipped file is never edited."""
    from sbrt_calc._paths import shipped_presets_dir
    from sbrt_calc.presets import radiobiology as defaults

    text = (shipped_presets_dir() / "radiobiology.toml").read_text(encoding="utf-8")
    (tmp_path / "radiobiology.toml").write_text(text.replace("bed_gy = 70.0", "bed_gy = 80.0"), encoding="utf-8")
    monkeypatch.setenv("SBRT_CALC_USER_PRESETS", str(tmp_path))
    defaults.radiobiology.cache_clear()
    try:
        r = compute(parse_regimen("36/3"))
        assert r.threshold.bed_gy == 80.0 and not r.bed10_above_threshold
    finally:
        monkeypatch.delenv("SBRT_CALC_USER_PRESETS")
        defaults.radiobiology.cache_clear()
    assert compute(parse_regimen("36/3")).bed10_above_threshold
