"""Radiobiology against published values. Each test names its source in its docstring."""

from __future__ import annotations

import pytest

from sbrt_calc.models import LQ, LQL
from sbrt_calc.radiobiology import lq, usc
from sbrt_calc.regimen import parse_regimen


@pytest.mark.parametrize(
    ("total", "n", "bed10"),
    [(48.0, 4, 105.6), (60.0, 8, 105.0), (60.0, 15, 84.0)],
)
def test_bed10_shirata_2012(total: float, n: int, bed10: float) -> None:
    """Shirata Y et al., Radiat Oncol 2012;7:182 (abstract): 48 Gy/4 = BED10 105.6 Gy,
    60 Gy/8 = 105 Gy, 60 Gy/15 = 84 Gy."""
    assert lq.bed(total, total / n, 10.0) == pytest.approx(bed10, abs=0.05)


# Radiat Oncol 2021;16:73 (PMC8051036), Table 3: regimen, BED10, EQD2(10), BED2, EQD2(2).
TABLE3 = [
    ("30/5", 48.0, 40.0, 120.0, 60.0),
    ("25/5", 37.5, 31.25, 87.5, 43.75),
    ("27/3", 51.3, 42.75, 148.5, 74.25),
    ("24/3", 43.2, 36.0, 120.0, 60.0),
    ("20/1", 60.0, 50.0, 220.0, 110.0),
    ("18/1", 50.4, 42.0, 180.0, 90.0),
    ("16/1", 41.6, 34.67, 144.0, 72.0),
]


@pytest.mark.parametrize(("text", "bed10", "eqd2_10", "bed2", "eqd2_2"), TABLE3)
def test_radiat_oncol_2021_table3(text: str, bed10: float, eqd2_10: float, bed2: float, eqd2_2: float) -> None:
    """Radiat Oncol 2021;16:73 (PMC8051036), Table 3: BED and EQD2 at alpha/beta 10 and 2,
    e.g. 30 Gy/5 EQD2(2) = 60 Gy and 20 Gy/1 EQD2(2) = 110 Gy (printed to 2 decimals)."""
    r = parse_regimen(text)
    d, D = r.dose_per_fraction_gy, r.total_dose_gy
    assert lq.bed(D, d, 10) == pytest.approx(bed10, abs=0.006)
    assert lq.eqd2(D, d, 10) == pytest.approx(eqd2_10, abs=0.006)
    assert lq.bed(D, d, 2) == pytest.approx(bed2, abs=0.006)
    assert lq.eqd2(D, d, 2) == pytest.approx(eqd2_2, abs=0.006)


@pytest.mark.parametrize(
    ("ab", "eqd2", "bed"),
    [(1.5, 74.29, 173.33), (10.0, 67.71, 81.25), (3.0, 71.5, 119.17)],
)
def test_share_65_gy_in_26(ab: float, eqd2: float, bed: float) -> None:
    """SHARE trial arm 65 Gy/26 (reference-data.md, Test vectors [P]): alpha/beta 1.5
    EQD2 74.29 / BED 173.33; alpha/beta 10 67.71 / 81.25; alpha/beta 3 71.5 / 119.17."""
    d = 65.0 / 26
    assert lq.eqd2(65.0, d, ab) == pytest.approx(eqd2, abs=0.006)
    assert lq.bed(65.0, d, ab) == pytest.approx(bed, abs=0.006)


def test_issue_json_example_54_in_3() -> None:
    """The CLI contract's example (issue 2), which is Fowler's LQ (Br J Radiol 1989;62:679):
    54 Gy/3: BED10 151.2, BED3 378, EQD2(10) 126, EQD2(3) 226.8 Gy."""
    assert lq.bed(54, 18, 10) == pytest.approx(151.2)
    assert lq.bed(54, 18, 3) == pytest.approx(378.0)
    assert lq.eqd2(54, 18, 10) == pytest.approx(126.0)
    assert lq.eqd2(54, 18, 3) == pytest.approx(226.8)


def test_36_in_3_lq_versus_lql() -> None:
    """36 Gy/3: 79.2 Gy under LQ but 68.4 Gy under LQ-L with a 6 Gy transition (issue 2;
    LQ-L per Astrahan, Med Phys 2008;35:4161: d_T(1 + d_T/ab) + (1 + 2 d_T/ab)(d - d_T))."""
    assert LQ().bed(36, 12, 10) == pytest.approx(79.2)
    assert LQL(6.0).bed(36, 12, 10) == pytest.approx(68.4)
    # and so the flag (> 70 Gy) flips between the two models
    assert LQ().bed(36, 12, 10) > 70 > LQL(6.0).bed(36, 12, 10)


def test_usc_nsclc_derived_parameters_park_2008() -> None:
    """Park C et al., IJROBP 2008;70:847: NSCLC alpha 0.33/Gy, D0 1.25 Gy, Dq 1.8 Gy give
    D_T = 2 Dq/(1 - alpha D0) about 6.2 Gy and alpha/beta about 8.6 Gy (paper's rounding)."""
    p = usc.UscParameters()
    assert p.transition_dose_gy == pytest.approx(6.2, abs=0.1)
    assert p.alpha_beta_gy == pytest.approx(8.6, abs=0.05)
    # above D_T the native USC BED is (d - Dq)/(alpha D0) per fraction (Park 2008)
    assert usc.bed(60.0, 20.0) == pytest.approx(3 * (20.0 - 1.8) / (0.33 * 1.25))


@pytest.mark.parametrize("total,n,bed,sfed", [
    (54.0, 3, 117.8, 50.4),   # d 18 Gy > D_T
    (36.0, 3, 74.2, 32.4),    # d 12 Gy > D_T
    (48.0, 4, 98.9, 42.6),    # d 12 Gy > D_T (RTOG 0915)
    (60.0, 8, 110.5, 47.4),   # d 7.5 Gy > D_T
    (30.0, 1, 68.4, 30.0),    # single fraction: SFED is the dose itself
])
def test_usc_bed_and_sfed_park_2008_above_transition(total: float, n: int, bed: float, sfed: float) -> None:
    """Park C et al., IJROBP 2008;70:847-852, NSCLC (H460) fit alpha 0.33/Gy, D0 1.25 Gy, Dq 1.8 Gy.
    Above D_T: BED = n (d - Dq)/(alpha D0); SFED = alpha D0 BED + Dq = D - (n - 1) Dq. The issue's audit
    values 117.8 Gy (54/3) and 74.2 Gy (36/3), at one decimal."""
    p = usc.UscParameters()
    assert round(usc.bed(total, total / n, p), 1) == bed
    assert round(usc.sfed(usc.bed(total, total / n, p), p), 1) == sfed
    assert usc.sfed(usc.bed(total, total / n, p), p) == pytest.approx(total - (n - 1) * 1.8)


@pytest.mark.parametrize("total,n", [(50.0, 10), (60.0, 30), (30.0, 6)])
def test_usc_below_transition_is_lq_at_its_own_alpha_beta(total: float, n: int) -> None:
    """Park 2008: below D_T (6.13 Gy) the USC is LQ with alpha/beta = alpha/beta_USC = 8.60 Gy:
    5 Gy x 10 = 50 (1 + 5/8.6048) = 79.05 Gy; 2 Gy x 30 = 73.95 Gy; 5 Gy x 6 = 47.43 Gy."""
    p = usc.UscParameters()
    d = total / n
    assert usc.bed(total, d, p) == pytest.approx(total * (1 + d / p.alpha_beta_gy))
    assert round(usc.bed(total, d, p), 2) == {10: 79.05, 30: 73.95, 6: 47.43}[n]


def test_lql_astrahan_2008_form() -> None:
    """Astrahan M, Med Phys 2008;35:4161: above d_T, BED_1 = d_T(1 + d_T/ab) + (1 + 2 d_T/ab)(d - d_T).
    54 Gy/3, d_T 6 Gy, ab 10: 3 x (6 x 1.6 + 2.2 x 12) = 108.0 Gy; 48/4: 4 x (9.6 + 2.2 x 6) = 91.2 Gy;
    50/5: 5 x (9.6 + 2.2 x 4) = 92.0 Gy. (Astrahan's printed tables could not be read: these values are the
    paper's formula at one decimal.)"""
    assert round(LQL(6.0).bed(54, 18, 10), 1) == 108.0
    assert round(LQL(6.0).bed(48, 12, 10), 1) == 91.2
    assert round(LQL(6.0).bed(50, 10, 10), 1) == 92.0


def test_lql_with_two_alpha_beta_transition_equals_lq_over_sbrt_range() -> None:
    """LQL-Equiv / Kehwar 2017 convention d_T = 2 alpha/beta: with alpha/beta 10 the
    transition is 20 Gy, so LQ-L equals LQ for every SBRT dose per fraction up to 20 Gy,
    and the model says so."""
    m = LQL(transition_dose_gy=20.0)
    for total, n in [(36, 3), (54, 3), (50, 5), (60, 8), (24, 2)]:
        assert m.bed(total, total / n, 10) == pytest.approx(lq.bed(total, total / n, 10))
        assert any(c.code == "lql_equals_lq" for c in m.caveats(total / n))
    assert not LQL(transition_dose_gy=20.0).caveats(25.0)      # above d_T: no such caveat
