"""evaluate(): verdicts on their own scale, each model's numbers labelled, the relative model check,
the time correction, and the settings a case carries (issues 9 and 10)."""

from __future__ import annotations

import pytest

from sbrt_calc.case import Case, CaseRegimen, CaseSettings
from sbrt_calc.errors import CaseError, ModelParameterError, SbrtCalcError
from sbrt_calc.evaluation import EvaluationSettings, evaluate, evaluate_regimen, evaluate_regimens, require_valid
from sbrt_calc.models import LQL, USC, default_time_correction, make_model
from sbrt_calc.presets.radiobiology import thresholds
from sbrt_calc.radiobiology.time import TimeCorrection
from sbrt_calc.regimen import Regimen, parse_regimen

ALL = EvaluationSettings(models=("lq", "lql", "usc"))


def row(text: str, s: EvaluationSettings = ALL):  # type: ignore[no-untyped-def]
    return evaluate_regimen(parse_regimen(text), s)


def test_thresholds_carry_their_definition_and_source() -> None:
    flag, ref = thresholds()
    assert (flag.quantity, flag.model, flag.alpha_beta_gy, flag.basis) == ("BED", "lq", 10.0, "prescription")
    assert flag.label == "BED10 > 70 Gy" and "004" in flag.source
    assert ref.label == "BED10 >= 100 Gy" and "Onishi" in ref.source
    assert flag.definition()["model"] == "lq" and "LQ BED at alpha/beta 10" in flag.scale


def test_flag_is_strictly_above_and_reference_at_or_above_the_line() -> None:
    """'>' needs more than the line, '>=' the line itself: 50 Gy/5 has BED10 exactly 100 Gy (50 x 2), so with
    the flag line set at 100 Gy it does not reach 'BED10 > 100' but reaches 'BED10 >= 100' (Onishi 2007)."""
    s = EvaluationSettings(flag=thresholds()[0].__class__(**{**thresholds()[0].__dict__, "bed_gy": 100.0}))
    r = evaluate_regimen(parse_regimen("50/5"), s)
    assert r.bed10_gy == 100.0
    assert r.flag_reached is False and r.reference_reached is True
    assert evaluate_regimen(parse_regimen("50.01/5"), s).flag_reached is True
    assert evaluate_regimen(parse_regimen("49.99/5"), s).reference_reached is False


@pytest.mark.parametrize("models", [("lq",), ("lql",), ("usc",), ("lq", "lql", "usc")])
def test_verdicts_do_not_depend_on_the_model_viewed(models: tuple[str, ...]) -> None:
    """48/4 (RTOG 0915) and 50/5 (RTOG 0813) meet BED10 >= 100 Gy as defined (LQ, alpha/beta 10),
    whichever model is shown; 36/3 reaches > 70 Gy under every view."""
    s = EvaluationSettings(models=models)
    for text, flag, ref in (("48/4", True, True), ("50/5", True, True), ("36/3", True, False), ("54/3", True, True),
                            ("30/5", False, False)):
        r = row(text, s)
        assert (r.flag_reached, r.reference_reached) == (flag, ref), (text, models)


def test_bed10_is_always_lq_at_10_even_with_another_tumour_alpha_beta() -> None:
    s = EvaluationSettings(tumour_alpha_beta_gy=5.0)
    r = row("36/3", s)
    assert r.bed10_gy == pytest.approx(79.2)
    assert r.model("lq").tumour_bed_gy == pytest.approx(36 * (1 + 12 / 5))   # the BED5 column, labelled as such


def test_usc_is_parks_own_bed_with_sfed_and_no_organ_numbers() -> None:
    """Park 2008: 54/3 -> 3 (18 - 1.8)/(0.33 x 1.25) = 117.8 Gy, SFED = D - (n-1) Dq = 50.4 Gy;
    36/3 -> 74.2 Gy, SFED 32.4 Gy."""
    for text, bed, sfed in (("54/3", 117.8, 50.4), ("36/3", 74.2, 32.4)):
        u = row(text).model("usc")
        assert u.tumour_bed_gy == pytest.approx(bed, abs=0.05)
        assert u.sfed_gy == pytest.approx(sfed, abs=1e-9)
        assert u.organ_bed_gy == {} and u.alpha_beta_gy == pytest.approx(8.6, abs=0.01)
        assert "Park" in u.label


def test_model_labels_name_the_model_and_parameters() -> None:
    r = row("36/3")
    assert [m.label for m in r.models] == ["LQ", "LQ-L (d_T 6 Gy)", "USC (Park 2008)"]
    assert r.model("lql").tumour_bed_gy == pytest.approx(68.4)


def test_usc_alone_gives_organ_numbers_under_lq_only() -> None:
    r = row("54/3", EvaluationSettings(models=("usc",)))
    assert r.model("lq").organ_bed_gy[3.0] == pytest.approx(378.0)   # LQ stands in, labelled LQ


def test_sensitivity_is_relative_to_the_line_regimens() -> None:
    """54/3 stays above the regimens on the 70 Gy line in 3, 5 and 8 fractions under every model and
    alpha/beta 5-20 Gy; 30/5 stays below; 36/3 depends (LQ-L at alpha/beta 20 ranks it under 44.9 Gy/8)."""
    assert row("54/3").sensitivity.verdict == "above"
    assert row("30/5").sensitivity.verdict == "below"
    s36 = row("36/3").sensitivity
    assert s36.verdict == "depends"
    assert s36.worst["model"].startswith("LQ-L") and s36.worst["alpha_beta_gy"] == pytest.approx(20.0)
    assert [r.fractions for r in s36.line_regimens] == [3, 5, 8]
    assert "fragile" not in s36.sentence and "depends on the model" in s36.sentence


def test_line_regimens_sit_exactly_on_the_line() -> None:
    from sbrt_calc.radiobiology import lq
    from sbrt_calc.radiobiology.sensitivity import line_regimens

    for lr in line_regimens(70.0, 10.0, (3, 5, 8)):
        assert lq.bed(lr.total_dose_gy, lr.total_dose_gy / lr.fractions, 10.0) == pytest.approx(70.0)


def test_time_correction_applies_to_the_tumour_only_and_to_the_verdicts() -> None:
    """BED_T = BED - K (T - T_k) (Fowler 1989). 60 Gy/30 over 39 days, T_k 21 d, K 0.66 Gy/d: -11.88 Gy."""
    s = EvaluationSettings(time=TimeCorrection(21.0, 0.66))
    r = evaluate_regimen(Regimen(60, 30, overall_time_days=39), s)
    assert r.bed10_gy == pytest.approx(72.0 - 11.88) and r.bed10_uncorrected_gy == pytest.approx(72.0)
    assert r.model("lq").organ_bed_gy[3.0] == pytest.approx(100.0)
    assert r.flag_reached is False
    assert {c.code for c in r.caveats} >= {"time_corrected", "time_defaults_recalled"}


def test_time_corrected_verdict_flips_with_the_corrected_value() -> None:
    """70/35 over 46 days: BED10 84 Gy uncorrected, 67.5 Gy corrected: the flag reads 'not reached'."""
    s = EvaluationSettings(time=default_time_correction())
    r = row("70/35", s)
    assert r.bed10_uncorrected_gy == pytest.approx(84.0) and r.bed10_gy == pytest.approx(67.5)
    assert r.flag_reached is False
    assert evaluate_regimen(parse_regimen("70/35"), EvaluationSettings()).flag_reached is True


def test_sbrt_within_kickoff_is_not_corrected() -> None:
    r = row("36/3", EvaluationSettings(time=default_time_correction()))
    assert r.bed10_gy == pytest.approx(79.2) and r.time is not None and not r.time.applied


def test_correction_larger_than_the_bed_is_refused() -> None:
    s = EvaluationSettings(time=TimeCorrection(0.0, 5.0))
    r = evaluate_regimen(Regimen(20, 10, overall_time_days=100), s)
    assert r.error and "outside the model" in r.error
    with pytest.raises(SbrtCalcError, match="outside the model"):
        require_valid(evaluate_regimens([Regimen(20, 10, overall_time_days=100)], s))


def test_eqdx_at_another_reference_dose() -> None:
    """EQDx = BED / (1 + x/(alpha/beta)) (ICRU 89 / Bentzen 2012): 54/3 at x = 3.5 Gy, alpha/beta 10: 151.2/1.35."""
    r = row("54/3", EvaluationSettings(reference_dose_gy=3.5))
    assert r.model("lq").tumour_eqdx_gy == pytest.approx(151.2 / 1.35)
    assert r.model("lq").tumour_eqd2_gy == pytest.approx(126.0)


@pytest.mark.parametrize("kwargs", [{"tumour_alpha_beta_gy": 0.0}, {"tumour_alpha_beta_gy": 1e9},
                                    {"reference_dose_gy": 0.0}, {"organ_alpha_betas_gy": (float("nan"),)},
                                    {"models": ("lqx",)}])
def test_settings_out_of_range_are_refused(kwargs: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(ModelParameterError):
        EvaluationSettings(**kwargs)


def test_model_parameters_out_of_range_name_the_range() -> None:
    with pytest.raises(ModelParameterError, match="outside the allowed range"):
        LQL(0.1)
    with pytest.raises(ModelParameterError, match="alpha \\* D0 < 1"):
        make_model("usc", alpha_per_gy=1.0, d0_gy=1.25)
    with pytest.raises(ModelParameterError):
        make_model("lqx")
    assert USC().transition_dose_gy == pytest.approx(6.1277, abs=1e-4)


def test_case_settings_are_applied_once() -> None:
    """Tumour alpha/beta 8, flag 80 Gy, reference 150 Gy: BED8 beside BED10, verdicts on BED10."""
    case = Case(regimens=(CaseRegimen("36/3", 36.0, 3),), settings=CaseSettings(
        tumour_alpha_beta_gy=8.0, flag_bed_gy=80.0, reference_bed_gy=150.0))
    ev = evaluate(case)
    r = ev.rows[0]
    assert r.bed10_gy == pytest.approx(79.2) and r.flag_reached is False
    assert r.model("lq").tumour_bed_gy == pytest.approx(90.0)
    assert ev.settings.flag.bed_gy == 80.0 and "case setting" in ev.settings.flag.source


def test_case_settings_validated_with_key() -> None:
    with pytest.raises(CaseError, match="settings.tumour_alpha_beta_gy"):
        CaseSettings(tumour_alpha_beta_gy=0.01)
    with pytest.raises(CaseError, match="settings.usc_d0_gy"):
        CaseSettings(usc_alpha_per_gy=0.9, usc_d0_gy=2.0)


def test_invalid_rows_keep_their_reason() -> None:
    case = Case(regimens=(CaseRegimen("bad", None, None, "", {"regimen": "3x"}, "cannot read"),))
    r = evaluate(case).rows[0]
    assert not r.valid and r.error == "cannot read" and r.bed10_gy is None


def test_user_radiobiology_file_overrides_thresholds(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A user radiobiology file of any name (kind = "radiobiology") replaces the shipped defaults."""
    from sbrt_calc._paths import shipped_presets_dir
    from sbrt_calc.presets import radiobiology as rb

    text = (shipped_presets_dir() / "radiobiology.toml").read_text(encoding="utf-8")
    (tmp_path / "local_radiobiology.toml").write_text(text.replace("bed_gy = 70.0", "bed_gy = 80.0"), encoding="utf-8")
    monkeypatch.setenv("SBRT_CALC_USER_PRESETS", str(tmp_path))
    rb.radiobiology.cache_clear()
    try:
        assert row("36/3", EvaluationSettings()).flag_reached is False
    finally:
        monkeypatch.delenv("SBRT_CALC_USER_PRESETS")
        rb.radiobiology.cache_clear()
    assert row("36/3", EvaluationSettings()).flag_reached is True


@pytest.mark.parametrize("edit,fragment", [
    ('key = "bed10_primary_lung"', "bed10_primary_lung' is missing"),
    ("d0_gy = 1.25", "alpha * D0 < 1"),
    ('model = "lq"\nbasis', "must be 'lq'"),
])
def test_user_radiobiology_file_that_would_break_calculations_is_refused(tmp_path, edit: str,
                                                                        fragment: str) -> None:
    from sbrt_calc._paths import shipped_presets_dir
    from sbrt_calc.errors import PresetError
    from sbrt_calc.presets.radiobiology import load_radiobiology

    text = (shipped_presets_dir() / "radiobiology.toml").read_text(encoding="utf-8")
    bad = {"key = \"bed10_primary_lung\"": 'key = "bed10_lung"', "d0_gy = 1.25": "d0_gy = 3.5",
           'model = "lq"\nbasis': 'model = "lql"\nbasis'}[edit]
    (tmp_path / "r.toml").write_text(text.replace(edit, bad, 1), encoding="utf-8")
    with pytest.raises(PresetError) as exc:
        load_radiobiology(tmp_path / "r.toml")
    assert fragment in str(exc.value) and "r.toml" in str(exc.value)
