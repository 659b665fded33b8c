"""Hypothesis properties of the radiobiology and the evaluation (issues 2 and 9).

Expected values are written here from the published formulas (Fowler 1989 for LQ, Astrahan 2008 for
LQ-L, Park 2008 for the USC), never taken from the code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import (
    alpha_betas,
    doses_per_fraction,
    examples,
    fraction_counts,
    model_views,
    sbrt_doses_per_fraction,
    target_beds,
    transitions,
    usc_parameters,
)

from sbrt_calc.evaluation import EvaluationSettings, evaluate_regimen
from sbrt_calc.models import LQ, LQL, USC
from sbrt_calc.radiobiology import lq, lql, usc
from sbrt_calc.radiobiology.solve import solve_for_bed
from sbrt_calc.radiobiology.time import TimeCorrection, default_overall_time_days
from sbrt_calc.regimen import Regimen

AB_MODELS = [LQ(), LQL(6.0), LQL(20.0)]


def lq_formula(n: int, d: float, ab: float) -> float:
    return n * d * (1 + d / ab)


def lql_formula(n: int, d: float, ab: float, dt: float) -> float:
    if d <= dt:
        return lq_formula(n, d, ab)
    return n * (dt * (1 + dt / ab) + (1 + 2 * dt / ab) * (d - dt))


def usc_formula(n: int, d: float, alpha: float, d0: float, dq: float) -> float:
    dt = 2 * dq / (1 - alpha * d0)
    ab = alpha / ((1 - alpha * d0) ** 2 / (4 * d0 * dq))
    return lq_formula(n, d, ab) if d <= dt else n * (d - dq) / (alpha * d0)


@given(d=doses_per_fraction, n=fraction_counts, ab=alpha_betas, dt=transitions)
def test_models_match_their_published_formulas(d: float, n: int, ab: float, dt: float) -> None:
    assert lq.bed(n * d, d, ab) == pytest.approx(lq_formula(n, d, ab), rel=1e-12)
    assert lql.bed(n * d, d, ab, dt) == pytest.approx(lql_formula(n, d, ab, dt), rel=1e-12)


@given(d=doses_per_fraction, n=fraction_counts, p=usc_parameters)
def test_usc_matches_parks_formula(d: float, n: int, p: tuple[float, float, float]) -> None:
    assert usc.bed(n * d, d, usc.UscParameters(*p)) == pytest.approx(usc_formula(n, d, *p), rel=1e-9)


@given(d=doses_per_fraction, n=fraction_counts, ab=alpha_betas)
def test_bed_at_least_physical_dose(d: float, n: int, ab: float) -> None:
    """BED = D (1 + ...) >= D under LQ and LQ-L (the added term is >= 0)."""
    for m in AB_MODELS:
        assert m.bed(n * d, d, ab) >= n * d * (1 - 1e-12)


@given(d1=doses_per_fraction, d2=doses_per_fraction, n=fraction_counts, ab=alpha_betas)
def test_bed_rises_with_dose_per_fraction(d1: float, d2: float, n: int, ab: float) -> None:
    lo, hi = sorted((d1, d2))
    if hi - lo < 1e-9:
        return
    for m in AB_MODELS:
        assert m.bed(n * hi, hi, ab) > m.bed(n * lo, lo, ab)
    assert USC().bed(n * hi, hi) > USC().bed(n * lo, lo)


@given(target=target_beds, n=fraction_counts, ab=alpha_betas)
def test_inverse_reaches_the_target_by_the_formula(target: float, n: int, ab: float) -> None:
    """The closed-form inverses, checked against the forward formulas written above."""
    d = float(LQ().dose_per_fraction_for_bed(target, n, ab))
    assert lq_formula(n, d, ab) == pytest.approx(target, rel=1e-9)
    d = float(LQL(6.0).dose_per_fraction_for_bed(target, n, ab))
    assert lql_formula(n, d, ab, 6.0) == pytest.approx(target, rel=1e-9)
    d = float(USC().dose_per_fraction_for_bed(target, n))
    assert usc_formula(n, d, 0.33, 1.25, 1.8) == pytest.approx(target, rel=1e-9)


@given(n=fraction_counts, ab=alpha_betas)
def test_eqd2_of_2gy_regimen_is_its_total_dose(n: int, ab: float) -> None:
    """EQD2 of n x 2 Gy is 2n Gy (definition of EQD2) under LQ and LQ-L with d_T > 2 Gy."""
    for m in AB_MODELS:
        assert m.eqdx(2.0 * n, 2.0, ab) == pytest.approx(2.0 * n)


@given(ab=alpha_betas, dt=transitions)
def test_lql_continuous_at_transition(ab: float, dt: float) -> None:
    eps = 1e-7 * dt
    assert lql.bed(dt + eps, dt + eps, ab, dt) == pytest.approx(lql.bed(dt - eps, dt - eps, ab, dt), rel=1e-6)


@given(p=usc_parameters)
def test_usc_continuous_at_its_transition(p: tuple[float, float, float]) -> None:
    par = usc.UscParameters(*p)
    dt = par.transition_dose_gy
    eps = 1e-7 * dt
    assert usc.bed(dt + eps, dt + eps, par) == pytest.approx(usc.bed(dt - eps, dt - eps, par), rel=1e-6)


@settings(max_examples=examples(40))
@given(st.lists(st.tuples(doses_per_fraction, fraction_counts), min_size=1, max_size=20), alpha_betas)
def test_vectorized_equals_scalar(pairs: list[tuple[float, int]], ab: float) -> None:
    d = np.array([p[0] for p in pairs])
    n = np.array([p[1] for p in pairs])
    arr = lq.bed(n * d, d, ab)
    assert isinstance(arr, np.ndarray)
    for i, (di, ni) in enumerate(pairs):
        s = lq.bed(ni * di, di, ab)
        assert isinstance(s, float) and arr[i] == pytest.approx(s)


@given(target=st.floats(min_value=10, max_value=500), ab=alpha_betas)
def test_solve_for_bed_total_is_n_times_d(target: float, ab: float) -> None:
    for s in solve_for_bed(target, [1, 3, 5], LQ(), ab):
        assert s.total_dose_gy == pytest.approx(s.fractions * s.dose_per_fraction_gy)
        assert (s.error is not None) == (s.dose_per_fraction_gy > 100)
        assert math.isfinite(s.total_dose_gy)


@settings(max_examples=examples(40))
@given(d=sbrt_doses_per_fraction, n=st.integers(1, 10), views=model_views, tumour_ab=alpha_betas)
def test_verdicts_independent_of_the_viewed_model(d: float, n: int, views: tuple[str, ...], tumour_ab: float) -> None:
    """The BED10 verdicts are LQ at alpha/beta 10 from the prescription, whatever model or tumour alpha/beta."""
    r = evaluate_regimen(Regimen(n * d, n), EvaluationSettings(models=views, tumour_alpha_beta_gy=tumour_ab))
    bed10 = lq_formula(n, d, 10.0)
    assert r.bed10_gy == pytest.approx(bed10)
    assert r.flag_reached == (r.bed10_gy > 70.0)
    assert r.reference_reached == (r.bed10_gy >= 100.0)


@settings(max_examples=examples(40))
@given(d=st.floats(1.5, 4.0), n=st.integers(10, 40), k=st.floats(0.0, 1.0), tk=st.floats(0.0, 40.0))
def test_time_corrected_verdicts_follow_the_corrected_bed(d: float, n: int, k: float, tk: float) -> None:
    """BED_T = BED - K max(0, T - T_k) (Fowler 1989); the verdicts read the corrected value."""
    r = evaluate_regimen(Regimen(n * d, n), EvaluationSettings(time=TimeCorrection(tk, k)))
    loss = k * max(0.0, default_overall_time_days(n) - tk)
    if loss >= lq_formula(n, d, 10.0):
        assert r.error
        return
    assert r.bed10_gy == pytest.approx(lq_formula(n, d, 10.0) - loss)
    assert r.flag_reached == (r.bed10_gy > 70.0) and r.reference_reached == (r.bed10_gy >= 100.0)
    assert r.model("lq").organ_bed_gy[3.0] == pytest.approx(lq_formula(n, d, 3.0))   # organs never corrected


@settings(max_examples=examples(30))
@given(d=sbrt_doses_per_fraction, n=st.integers(1, 10))
def test_sensitivity_verdict_matches_its_comparisons(d: float, n: int) -> None:
    """'above' only if every comparison is higher, 'below' only if every one is lower."""
    s = evaluate_regimen(Regimen(n * d, n), EvaluationSettings()).sensitivity
    assert s is not None
    if s.verdict == "above":
        assert s.ratio_min is not None and s.ratio_min > 1
    elif s.verdict == "below":
        assert s.ratio_max is not None and s.ratio_max < 1
    else:
        assert s.ratio_min is not None and s.ratio_max is not None and s.ratio_min <= 1 <= s.ratio_max
