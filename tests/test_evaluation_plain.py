"""The first table's verdicts without numpy (stop 28): Python numbers take a plain-Python branch of the formulas.

A few rows are evaluated row by row in plain Python (:func:`sbrt_calc.evaluation.evaluate_regimen`, numpy not
imported), many with numpy over the rows; both must give exactly the same rows (every float to the last bit, every
verdict, sentence and caveat), and the scalar branch must refuse what the array branch refuses, with the same error.
The app's start fills its table without importing numpy (a fresh interpreter, as ``sbrt-calc-gui`` starts).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples

from sbrt_calc.case import CaseRegimen, CaseSettings
from sbrt_calc.errors import ModelParameterError
from sbrt_calc.evaluation import evaluate_rows, settings_of
from sbrt_calc.radiobiology import lq, lql, usc
from sbrt_calc.radiobiology.time import repopulation_bed_loss_gy


@st.composite
def regimen_rows(draw: st.DrawFn) -> tuple[CaseRegimen, ...]:
    """1-8 valid regimens: 1-15 fractions, 1-30 Gy per fraction (some exactly at a transition), with or without
    an overall time (-0.0 days among them: a signed zero the two paths must keep alike)."""
    rows = []
    for i in range(draw(st.integers(1, 8))):
        n = draw(st.integers(1, 15))
        d = draw(st.one_of(st.floats(1.0, 30.0, allow_nan=False), st.sampled_from([2.0, 6.0, 6.13, 10.0, 20.0])))
        t = draw(st.one_of(st.none(), st.floats(0.0, 60.0, allow_nan=False), st.just(-0.0)))   # -0.0: accepted
        rows.append(CaseRegimen(f"row {i}", n * d, n, overall_time_days=t))
    return tuple(rows)


@st.composite
def case_settings(draw: st.DrawFn) -> CaseSettings:
    """Every case setting the table's rows depend on, the flag line moved now and then."""
    alpha = draw(st.floats(0.1, 0.6))
    d0 = draw(st.floats(0.5, 1.6).filter(lambda x: alpha * x < 0.95))
    return replace(
        CaseSettings(), model=draw(st.sampled_from(["lq", "lql", "usc", "all"])),
        tumour_alpha_beta_gy=draw(st.floats(0.5, 30.0)), organ_alpha_beta_gy=draw(st.floats(0.5, 30.0)),
        flag_bed_gy=draw(st.one_of(st.just(CaseSettings().flag_bed_gy), st.floats(20.0, 150.0))),
        lql_transition_dose_gy=draw(st.floats(2.5, 25.0)), usc_alpha_per_gy=alpha, usc_d0_gy=d0,
        usc_dq_gy=draw(st.floats(0.5, 3.0)), time_correction=draw(st.booleans()),
        kickoff_days=draw(st.one_of(st.just(0.0), st.floats(0.0, 40.0))), bed_loss_per_day_gy=draw(st.floats(0.0, 5.0)),
        reference_dose_gy=draw(st.sampled_from([2.0, 3.5, 0.5, 30.0])))


@settings(max_examples=examples(300), deadline=None)
@given(rows=regimen_rows(), cs=case_settings())
def test_row_by_row_and_batch_give_the_same_rows(rows: tuple[CaseRegimen, ...], cs: CaseSettings) -> None:
    s = settings_of(cs)
    plain = evaluate_rows(rows, s, batch=False)
    batch = evaluate_rows(rows, s, batch=True)
    assert plain == batch
    assert repr(plain) == repr(batch)   # the same floats to the last bit, no numpy scalar on either side


BAD = [math.nan, math.inf, -math.inf, 0.0, -1.0, 0, -3]

# (function, arguments, the index of the argument made bad, whether 0 is allowed (>= 0 checks))
CALLS = [
    (lq.bed, (54.0, 18.0, 10.0), 2, False),
    (lq.eqdx, (54.0, 18.0, 10.0, 2.0), 2, False),
    (lq.eqdx, (54.0, 18.0, 10.0, 2.0), 3, False),
    (lq.bed_to_eqdx, (100.0, 10.0, 2.0), 1, False),
    (lq.dose_per_fraction_for_bed, (100.0, 3, 10.0), 0, False),
    (lq.dose_per_fraction_for_bed, (100.0, 3, 10.0), 1, False),
    (lq.dose_per_fraction_for_bed, (100.0, 3, 10.0), 2, False),
    (lql.bed, (54.0, 18.0, 10.0, 6.0), 1, False),
    (lql.bed, (54.0, 18.0, 10.0, 6.0), 2, False),
    (lql.bed, (54.0, 18.0, 10.0, 6.0), 3, False),
    (lql.dose_per_fraction_for_bed, (100.0, 3, 10.0, 6.0), 0, False),
    (lql.dose_per_fraction_for_bed, (100.0, 3, 10.0, 6.0), 1, False),
    (lql.dose_per_fraction_for_bed, (100.0, 3, 10.0, 6.0), 3, False),
    (usc.bed, (54.0, 18.0), 1, False),
    (usc.dose_per_fraction_for_bed, (100.0, 3), 0, False),
    (usc.sfed, (100.0,), 0, False),
    (repopulation_bed_loss_gy, (30.0, 21.0, 0.9), 0, True),
    (repopulation_bed_loss_gy, (30.0, 21.0, 0.9), 1, True),
    (repopulation_bed_loss_gy, (30.0, 21.0, 0.9), 2, True),
]


def _raised(fn, args):  # noqa: ANN001, ANN202
    with pytest.raises(ModelParameterError) as info:
        fn(*args)
    e = info.value
    return type(e), str(e), e.field, repr(e.value), e.allowed


@pytest.mark.parametrize(("fn", "args", "at", "zero_ok"), CALLS,
                         ids=[f"{c[0].__module__.rsplit('.', 1)[-1]}.{c[0].__name__}[{c[2]}]" for c in CALLS])
def test_the_scalar_branch_refuses_as_the_array_branch(fn, args, at, zero_ok) -> None:  # noqa: ANN001
    """nan, inf, 0 and negative numbers: the same error class, message, field, value and allowed text whether the
    bad number comes as a Python number (plain branch), a numpy scalar or an array (numpy branch)."""
    for bad in BAD:
        if zero_ok and bad == 0:
            continue
        as_plain = list(args)
        as_plain[at] = bad
        as_array = list(args)
        as_array[at] = np.array([float(bad)])
        as_numpy_scalar = list(args)
        as_numpy_scalar[at] = np.float64(bad)
        plain = _raised(fn, as_plain)
        assert plain == _raised(fn, as_array), bad
        assert plain == _raised(fn, as_numpy_scalar), bad
    assert type(fn(*args)) is float   # the good arguments: a Python float out


@settings(max_examples=examples(300), deadline=None)
@given(D=st.floats(1.0, 450.0), n=st.integers(1, 15), ab=st.floats(0.5, 50.0), dt=st.floats(1.0, 30.0),
       x=st.floats(0.5, 30.0), bed=st.floats(0.001, 1000.0))
def test_a_float_and_an_array_element_have_the_same_bits(D: float, n: int, ab: float, dt: float, x: float,
                                                         bed: float) -> None:
    """Each formula once with Python floats (plain branch), once with one-element arrays (numpy)."""
    d = D / n
    p = usc.NSCLC
    arr = np.array
    pairs = [
        (lq.bed(D, d, ab), lq.bed(arr([D]), arr([d]), ab)),
        (lq.eqdx(D, d, ab, x), lq.eqdx(arr([D]), arr([d]), ab, x)),
        (lq.bed_to_eqdx(bed, ab, x), lq.bed_to_eqdx(arr([bed]), ab, x)),
        (lq.dose_per_fraction_for_bed(bed, n, ab), lq.dose_per_fraction_for_bed(arr([bed]), n, ab)),
        (lql.bed(D, d, ab, dt), lql.bed(arr([D]), arr([d]), ab, dt)),
        (lql.dose_per_fraction_for_bed(bed, n, ab, dt), lql.dose_per_fraction_for_bed(arr([bed]), n, ab, dt)),
        (usc.bed(D, d, p), usc.bed(arr([D]), arr([d]), p)),
        (usc.sfed(bed, p), usc.sfed(arr([bed]), p)),
        (repopulation_bed_loss_gy(x, dt, ab / 10), repopulation_bed_loss_gy(arr([x]), dt, ab / 10)),
    ]
    for t, tk in ((0.0, 0.0), (-0.0, 0.0), (0.0, -0.0), (-0.0, -0.0), (x, x)):   # signed zeros as numpy's maximum
        pairs.append((repopulation_bed_loss_gy(t, tk, 1.0), repopulation_bed_loss_gy(arr([t]), tk, 1.0)))
    for one, many in pairs:
        assert type(one) is float
        assert one == many.tolist()[0] and math.copysign(1.0, one) == math.copysign(1.0, many.tolist()[0])


def test_the_app_fills_and_paints_its_first_table_without_numpy() -> None:
    """Fails before stop 28: the first fill evaluated its rows with numpy (``_arrays`` imported it at the top), and
    the presets' check of the USC parameters imported it through :mod:`sbrt_calc.radiobiology.usc`. The app quits
    once its filled table has been painted (``SBRT_CALC_EXIT_WHEN_SHOWN=1``) and says whether numpy was loaded."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, SBRT_CALC_SETTINGS_DIR=f"{tmp}/s", SBRT_CALC_DATA_DIR=f"{tmp}/d",
                   SBRT_CALC_RECOVER="no", QT_QPA_PLATFORM="offscreen", SBRT_CALC_EXIT_WHEN_SHOWN="1")
        out = subprocess.run([sys.executable, "-m", "sbrt_calc.gui.app"], env=env, capture_output=True, text=True,
                             timeout=120, check=False)
    lines = out.stdout.splitlines()
    assert "rows=6" in lines, out.stdout + out.stderr      # the new case's rows, evaluated and shown
    assert "numpy_loaded=False" in lines, out.stdout + out.stderr
