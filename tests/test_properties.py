"""Hypothesis properties of the radiobiology (issue 2, must show)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sbrt_calc.radiobiology import lq, lql, usc
from sbrt_calc.radiobiology.compare import solve_for_bed
from sbrt_calc.radiobiology.models import LQ, LQL, USC

doses = st.floats(min_value=0.1, max_value=100.0, allow_nan=False)
abs_ = st.floats(min_value=0.5, max_value=30.0, allow_nan=False)
counts = st.integers(min_value=1, max_value=40)
transitions = st.floats(min_value=2.5, max_value=25.0, allow_nan=False)
MODELS = [LQ(), LQL(6.0), LQL(20.0), USC()]


@given(d=doses, n=counts, ab=abs_)
def test_bed_at_least_physical_dose(d: float, n: int, ab: float) -> None:
    """BED = D (1 + d/ab) >= D for every model (the quadratic or linear term is >= 0)."""
    for m in MODELS:
        assert m.bed(n * d, d, ab) >= n * d * (1 - 1e-12)


@given(d1=doses, d2=doses, n=counts, ab=abs_)
def test_bed_rises_with_dose_per_fraction(d1: float, d2: float, n: int, ab: float) -> None:
    """At fixed n, a larger dose per fraction gives a larger BED, under every model."""
    lo, hi = sorted((d1, d2))
    if hi - lo < 1e-9:
        return
    for m in MODELS:
        assert m.bed(n * hi, hi, ab) > m.bed(n * lo, lo, ab)


@given(target=st.floats(min_value=1.0, max_value=2000.0), n=counts, ab=abs_)
def test_solve_then_compute_returns_target(target: float, n: int, ab: float) -> None:
    """The closed-form inverse of each model reproduces the target BED."""
    for m in MODELS:
        d = m.dose_per_fraction_for_bed(target, n, ab)
        assert m.bed(n * d, d, ab) == pytest.approx(target, rel=1e-9)


@given(n=counts, ab=abs_)
def test_eqd2_of_2gy_regimen_is_its_total_dose(n: int, ab: float) -> None:
    """EQD2 of n x 2 Gy is 2n Gy (definition of EQD2), under every model whose transition > 2 Gy."""
    for m in MODELS:
        assert m.eqdx(2.0 * n, 2.0, ab) == pytest.approx(2.0 * n)


@given(d=st.floats(min_value=0.1, max_value=30.0), n=counts, ab=abs_, dt=transitions)
def test_lql_equals_lq_below_transition(d: float, n: int, ab: float, dt: float) -> None:
    """LQ-L is LQ for d <= d_T (Astrahan 2008)."""
    if d <= dt:
        assert lql.bed(n * d, d, ab, dt) == pytest.approx(lq.bed(n * d, d, ab))
    else:
        assert lql.bed(n * d, d, ab, dt) < lq.bed(n * d, d, ab)


@given(ab=abs_, dt=transitions)
def test_lql_continuous_at_transition(ab: float, dt: float) -> None:
    """LQ-L and its slope are continuous at d_T."""
    eps = 1e-7 * dt
    below = lql.bed(dt - eps, dt - eps, ab, dt)
    above = lql.bed(dt + eps, dt + eps, ab, dt)
    assert above == pytest.approx(below, rel=1e-6)
    slope_below = (lql.bed_per_fraction(dt - eps, ab, dt) - lql.bed_per_fraction(dt - 2 * eps, ab, dt)) / eps
    slope_above = (lql.bed_per_fraction(dt + 2 * eps, ab, dt) - lql.bed_per_fraction(dt + eps, ab, dt)) / eps
    assert float(slope_above) == pytest.approx(float(slope_below), rel=1e-3)


@given(d=st.floats(min_value=0.1, max_value=30.0), n=counts,
       alpha=st.floats(min_value=0.1, max_value=0.6), d0=st.floats(min_value=0.5, max_value=1.6),
       dq=st.floats(min_value=0.5, max_value=3.0))
def test_usc_equals_lq_with_own_alpha_beta_below_transition(d: float, n: int, alpha: float, d0: float,
                                                            dq: float) -> None:
    """USC is LQ (with its own derived alpha/beta) below D_T and continuous at D_T (Park 2008)."""
    if alpha * d0 >= 0.95:
        return
    p = usc.UscParameters(alpha, d0, dq)
    dt = p.transition_dose_gy
    if d <= dt:
        assert usc.bed(n * d, d, p) == pytest.approx(lq.bed(n * d, d, p.alpha_beta_gy))
    else:
        # the native linear part, -ln S / alpha = (d - Dq) / (alpha D0) per fraction
        assert usc.bed(n * d, d, p) == pytest.approx(n * (d - dq) / (alpha * d0), rel=1e-9)
    eps = 1e-7 * dt
    assert usc.bed(dt + eps, dt + eps, p) == pytest.approx(usc.bed(dt - eps, dt - eps, p), rel=1e-6)


@settings(max_examples=50)
@given(st.lists(st.tuples(doses, counts), min_size=1, max_size=20), abs_)
def test_vectorized_equals_scalar(pairs: list[tuple[float, int]], ab: float) -> None:
    """Arrays broadcast and give the same numbers as scalar calls; a scalar in gives a float out."""
    d = np.array([p[0] for p in pairs])
    n = np.array([p[1] for p in pairs])
    arr = lq.bed(n * d, d, ab)
    assert isinstance(arr, np.ndarray)
    for i, (di, ni) in enumerate(pairs):
        s = lq.bed(ni * di, di, ab)
        assert isinstance(s, float)
        assert arr[i] == pytest.approx(s)
        assert lql.bed(n * d, d, ab, 6.0)[i] == pytest.approx(lql.bed(ni * di, di, ab, 6.0))


def test_broadcast_over_alpha_beta() -> None:
    """One regimen over a vector of alpha/beta values (used by the uncertainty band)."""
    out = lq.bed(36.0, 12.0, np.array([5.0, 10.0, 20.0]))
    assert out.shape == (3,)
    assert out[1] == pytest.approx(79.2)
    assert np.all(np.diff(out) < 0)


@given(target=st.floats(min_value=10, max_value=500), ab=abs_)
def test_solve_for_bed_total_is_n_times_d(target: float, ab: float) -> None:
    """solve_for_bed returns consistent totals; an impossible regimen is flagged, not dropped."""
    for s in solve_for_bed(target, ab, [1, 3, 5]):
        assert s.total_dose_gy == pytest.approx(s.fractions * s.dose_per_fraction_gy)
        assert (s.error is not None) == (s.dose_per_fraction_gy > 100)
        assert math.isfinite(s.total_dose_gy)
