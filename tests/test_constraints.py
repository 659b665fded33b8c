"""Organ-at-risk constraints by fraction count: the source's own columns, and LQ-converted
limits (labelled) where a set has no column for the count asked."""

from __future__ import annotations

import math

import pytest

from sbrt_calc.errors import PresetError, SbrtCalcError
from sbrt_calc.planning.constraints import ConstraintLookupError, constraints_for, convert_dose, lookup_set
from sbrt_calc.presets.loader import shipped_presets


def _one(lookup, organ: str, metric: str):  # type: ignore[no-untyped-def]
    hits = [c for c in lookup.constraints if c.organ == organ and c.metric == metric]
    assert len(hits) == 1, (organ, metric, hits)
    return hits[0]


def test_tg101_three_fractions() -> None:
    """TG-101 Table III (Benedict 2010, as transcribed in reference-data.md), 3 fractions:
    cord <0.35 cc 18 Gy, max 21.9 Gy; cord <1.2 cc 12.3 Gy; esophagus <5 cc 17.7 Gy, max 25.2 Gy;
    heart <15 cc 24 Gy, max 30 Gy; brachial plexus <3 cc 20.4 Gy, max 24 Gy."""
    (lk,) = constraints_for(3, "tg101", presets=shipped_presets())
    assert lk.has_column and not lk.converted_from
    expected = {
        ("SpinalCord", "D0.35cc[Gy]"): 18.0, ("SpinalCord", "Max[Gy]"): 21.9, ("SpinalCord", "D1.2cc[Gy]"): 12.3,
        ("Esophagus", "D5cc[Gy]"): 17.7, ("Esophagus", "Max[Gy]"): 25.2, ("Heart", "D15cc[Gy]"): 24.0,
        ("Heart", "Max[Gy]"): 30.0, ("BrachialPlex", "D3cc[Gy]"): 20.4, ("BrachialPlex", "Max[Gy]"): 24.0,
    }
    for (organ, metric), limit in expected.items():
        c = _one(lk, organ, metric)
        assert c.limit == limit and c.unit == "Gy" and c.fractions == 3 and not c.converted
        assert "TG-101" in c.source or "Task Group 101" in c.source
    assert all(c.fractions == 3 for c in lk.constraints)
    assert "erratum" in lk.set.errata.lower()


def test_tg101_lung_three_fraction_values_are_labelled_recalled() -> None:
    """reference-data.md 'Second check': lung 1500/1000 cc in 3 fractions (10.5/11.4 Gy) are [R]."""
    (lk,) = constraints_for(3, "tg101", presets=shipped_presets())
    lung = [c for c in lk.constraints if c.organ == "Lungs"]
    assert {c.metric for c in lung} == {"CV10.5Gy[cc]", "CV11.4Gy[cc]"}
    assert all(c.verification == "recalled" and c.comparison == ">=" for c in lung)


def test_rtog0915_four_fraction_column() -> None:
    """RTOG 0915 48 Gy/4 arm (reference-data.md, PlanQA_Plugin): cord max 26 Gy, esophagus 30 Gy."""
    (lk,) = constraints_for(4, "rtog0915", presets=shipped_presets())
    assert lk.has_column
    assert _one(lk, "SpinalCord", "Max[Gy]").limit == 26.0
    assert _one(lk, "Esophagus", "Max[Gy]").limit == 30.0


def test_hytec_cord_each_fraction() -> None:
    """HyTEC spinal cord Pmax for 1-5% myelopathy: 1..5 fx 12.4(-14.0), 17.0, 20.3, 23.0, 25.3 Gy."""
    for n, limit in zip(range(1, 6), (12.4, 17.0, 20.3, 23.0, 25.3), strict=True):
        (lk,) = constraints_for(n, "hytec_cord", presets=shipped_presets())
        assert lk.has_column and _one(lk, "SpinalCord", "Max[Gy]").limit == limit


def test_convert_dose_matches_hand_calculation() -> None:
    """14 Gy in 1 fraction at alpha/beta 3: BED = 14 (1 + 14/3) = 79.33 Gy (Fowler 1989). In 3
    fractions, 3 d (1 + d/3) = 79.33 -> d^2 + 3 d - 79.33 = 0 -> d = (-3 + sqrt(9 + 317.33)) / 2."""
    d = (-3 + math.sqrt(9 + 4 * 79.3333333333)) / 2
    assert convert_dose(14.0, 1, 3, 3.0) == pytest.approx(3 * d, rel=1e-9)
    assert convert_dose(21.9, 3, 3, 2.0) == pytest.approx(21.9)


def test_missing_column_offers_converted_limits_labelled() -> None:
    """TG-101 has no 2-fraction column; converted limits come from the nearest columns (1 and 3),
    at alpha/beta 2 and 3, the lowest kept, and are never presented as the source's."""
    (lk,) = constraints_for(2, "tg101", presets=shipped_presets())
    assert not lk.has_column and lk.converted_from == (1, 3)
    assert "no 2-fraction column" in lk.message and "NOT the source's" in lk.message
    assert lk.constraints and all(c.converted and c.fractions == 2 for c in lk.constraints)
    cord = _one(lk, "SpinalCord", "Max[Gy]")
    candidates = [convert_dose(14.0, 1, 2, ab) for ab in (2.0, 3.0)] + [convert_dose(21.9, 3, 2, ab) for ab in (2, 3)]
    assert cord.limit == pytest.approx(min(candidates))
    assert "LQ-CONVERTED" in cord.note and cord.converted_from_fractions in (1, 3)
    d = cord.as_dict()
    assert d["converted"] is True and set(d["limits_by_alpha_beta"]) == {"2", "3"}


def test_converted_critical_volume_moves_the_dose_in_the_name() -> None:
    """RTOG 0915 lung: at least 1500 cc below 7 Gy in 1 fraction; for 2 fractions (within the 1-4 range,
    one column step) the dose level is converted (alpha/beta 2-3, lowest kept) and the 1500 cc stays."""
    (lk,) = constraints_for(2, "rtog0915", presets=shipped_presets())
    cv = [c for c in lk.constraints if c.organ == "Lungs" and c.metric.startswith("CV") and c.limit == 1500]
    assert len(cv) == 1 and cv[0].converted_from_metric == "CV7Gy[cc]" and cv[0].verification == "converted"
    expected = min(convert_dose(7.0, 1, 2, ab) for ab in (2.0, 3.0))
    assert cv[0].metric == f"CV{expected:.1f}Gy[cc]"
    # serial-organ limits above 10 Gy per fraction in the source are not converted: reported, not invented
    assert ("SpinalCord", "Max[Gy]") in {(c.organ, c.metric) for c in lk.not_converted}
    assert any("serial organ" in r for r in lk.not_converted_reasons) and "not converted" in lk.message


def test_all_sets_by_default() -> None:
    keys = {lk.set.key for lk in constraints_for(5, presets=shipped_presets())}
    assert keys >= {"tg101", "rtog0915", "rtog0813", "nccn", "hytec_cord"}


@pytest.mark.parametrize("n", [0, 101, 2.5, True, "3"])
def test_bad_fraction_count(n: object) -> None:
    with pytest.raises(ConstraintLookupError):
        constraints_for(n, presets=shipped_presets())  # type: ignore[arg-type]


def test_unknown_set_and_bad_alpha_beta() -> None:
    with pytest.raises(PresetError, match="no constraint set 'uk'"):
        constraints_for(3, "uk", presets=shipped_presets())
    with pytest.raises(SbrtCalcError):
        lookup_set(shipped_presets().constraint_set("nccn"), 2, alpha_betas=(0.0,))


def test_converted_critical_volume_limits_from_two_columns_merge() -> None:
    """TG-101 has no 4-fraction column: the lung critical-volume rows converted from the 3- and
    5-fraction columns (CV10.5Gy and CV12.5Gy for 1500 cc) are one limit, the lower dose kept,
    not two rows with slightly different names."""
    from sbrt_calc.planning.constraints import constraints_for

    (lookup,) = constraints_for(4, "tg101")
    lung = [c for c in lookup.constraints if c.organ == "Lungs" and c.metric.startswith("CV")]
    by_volume = {c.limit: c for c in lung}
    assert len(lung) == len(by_volume) == 2
    doses = {v: float(c.metric[2:c.metric.index("Gy")]) for v, c in by_volume.items()}
    # both converted values are shown in the provenance; the lower dose threshold is the limit
    assert doses[1500.0] == pytest.approx(11.5, abs=0.05)
