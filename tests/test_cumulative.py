"""Cumulative EQD2 for re-irradiation of the spinal cord, on worked examples.

EQD2 = D (d + alpha/beta) / (2 + alpha/beta) (Fowler 1989), alpha/beta 2 Gy for the cord
(Sahgal IJROBP 2012;82:107, nBED in Gy2/2). Limits: HyTEC 2019 (reference-data.md): cumulative
<= 70 Gy, SBRT course <= 25 Gy, SBRT share <= 0.5, interval >= 5 months.
"""

from __future__ import annotations

import pytest

from sbrt_calc.errors import RegimenError
from sbrt_calc.planning.cumulative import CumulativeError, cumulative_eqd2
from sbrt_calc.presets.loader import shipped_presets


def run(*courses: str, **kw: object):  # type: ignore[no-untyped-def]
    return cumulative_eqd2(list(courses), presets=shipped_presets(), **kw)  # type: ignore[arg-type]


def test_worked_example_within_limits() -> None:
    """20 Gy/5 conventional then SBRT 12 Gy/2 to the thecal sac Pmax, 6 months apart.
    By hand: 20 (4 + 2)/(2 + 2) = 30 Gy; 12 (6 + 2)/4 = 24 Gy; sum 54 Gy <= 70; 24 <= 25;
    share 24/54 = 0.444 <= 0.5; 6 >= 5 months."""
    r = run("20/5", "12/2", interval_months=6)
    assert [c.eqd2_gy for c in r.courses] == pytest.approx([30.0, 24.0])
    assert r.total_eqd2_gy == pytest.approx(54.0)
    assert r.alpha_beta_gy == 2.0 and r.limit is not None and "HyTEC" in r.limit.source
    assert [c.passed for c in r.checks] == [True, True, True, True]
    assert r.checks[2].value == pytest.approx(24 / 54)
    assert r.passed is True


def test_worked_example_sbrt_course_too_high() -> None:
    """30 Gy/10 then 14 Gy/2: 30 (3 + 2)/4 = 37.5 Gy; 14 (7 + 2)/4 = 31.5 Gy > 25 Gy; sum 69 Gy."""
    r = run("30/10", "14/2", interval_months=12)
    assert r.total_eqd2_gy == pytest.approx(69.0)
    by_name = {c.name: c for c in r.checks}
    assert by_name["re-irradiation course EQD2"].passed is False
    assert by_name["cumulative EQD2 (undiscounted)"].passed is True
    assert r.passed is False


def test_cumulative_over_70_and_short_interval() -> None:
    """40 Gy/20 (40 Gy EQD2 at d = 2) then 24 Gy/3 (24 (8 + 2)/4 = 60 Gy): 100 Gy > 70; 3 < 5 months."""
    r = run("40/20", "24/3", interval_months=3)
    assert r.total_eqd2_gy == pytest.approx(100.0)
    assert [c.passed for c in r.checks] == [False, False, False, False]


def test_recovery_discount_is_labelled_and_not_used_by_default() -> None:
    """25% off the first course: 30 x 0.75 + 24 = 46.5 Gy; limits still on 54 Gy (undiscounted)."""
    r = run("20/5", "12/2", interval_months=6, recovery_percent=25)
    assert r.discounted_total_eqd2_gy == pytest.approx(46.5)
    assert r.checked_total_eqd2_gy == pytest.approx(54.0)
    assert any("user's assumption" in n for n in r.notes)
    r2 = run("20/5", "12/2", interval_months=6, recovery_percent=25, check_discounted=True)
    assert r2.checked_total_eqd2_gy == pytest.approx(46.5) and "discounted" in r2.checks[0].name


def test_interval_missing_is_not_evaluated() -> None:
    r = run("20/5", "12/2")
    assert r.checks[-1].passed is None and r.passed is None


def test_no_limits() -> None:
    r = run("20/5", "12/2", limit=None)
    assert r.checks == () and r.passed is None and r.alpha_beta_gy == 2.0


def test_other_alpha_beta_without_limits() -> None:
    """alpha/beta 3: 20 (4 + 3)/5 = 28 Gy."""
    r = run("20/5", limit=None, alpha_beta_gy=3.0)
    assert r.total_eqd2_gy == pytest.approx(28.0)


def test_bad_inputs() -> None:
    with pytest.raises(CumulativeError, match="alpha/beta 2"):
        run("20/5", "12/2", alpha_beta_gy=3.0)
    with pytest.raises(CumulativeError):
        run()
    with pytest.raises(CumulativeError):
        run("20/5", recovery_percent=100)
    with pytest.raises(CumulativeError):
        run("20/5", interval_months=-1)
    with pytest.raises(RegimenError):
        run("twenty")
