"""The regimen parser and the input limits (issue 2, item 1)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sbrt_calc.errors import RegimenError, SbrtCalcError
from sbrt_calc.regimen import Regimen, parse_regimen


@pytest.mark.parametrize(
    "text",
    ["54/3", "54 Gy/3", "54Gy/3fx", "3x18Gy", "3 x 18 Gy", "3 × 18 Gy", "18 Gy x 3", "54 Gy / 3 fractions",
     "54GY/3FX", " 54/3 "],
)
def test_every_notation_means_54_in_3(text: str) -> None:
    r = parse_regimen(text)
    assert (r.total_dose_gy, r.fractions, r.dose_per_fraction_gy) == (54.0, 3, 18.0)
    assert r.label == text.strip()
    assert r.warnings == ()


def test_decimal_comma() -> None:
    assert parse_regimen("7,5 Gy x 4").total_dose_gy == 30.0
    assert parse_regimen("37,5/5").dose_per_fraction_gy == 7.5


def test_per_fraction_without_unit_is_ambiguous() -> None:
    with pytest.raises(RegimenError, match="ambiguous.*3 x 18 Gy"):
        parse_regimen("3x18")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("0/3", "total dose must be a finite number > 0"),
        ("54/0", "fractions must be from 1 to 100"),
        ("-54/3", "must be > 0"),
        ("54/-3", "must be > 0"),
        ("54/3.5", "whole number"),
        ("nan/3", "not a finite dose"),
        ("inf/3", "not a finite dose"),
        ("303/3", "above the 100 Gy limit"),
        ("500/101", "fractions must be from 1 to 100"),
        ("fifty/5", "cannot read regimen"),
        ("", "empty regimen"),
    ],
)
def test_meaningless_and_absurd_are_rejected_with_the_value(text: str, match: str) -> None:
    with pytest.raises(RegimenError, match=match) as info:
        parse_regimen(text)
    assert isinstance(info.value, SbrtCalcError) and isinstance(info.value, ValueError)
    assert info.value.allowed


def test_unusual_is_accepted_with_a_warning() -> None:
    big = parse_regimen("35 Gy x 1")
    assert big.total_dose_gy == 35 and "above 30 Gy" in big.warnings[0]
    many = parse_regimen("92/46")
    assert "46 fractions is more than 45" in many.warnings[0]
    assert parse_regimen("30 Gy x 1").warnings == ()
    assert parse_regimen("90/45").warnings == ()


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -1.0, 0.0, "54", True, None])
def test_regimen_constructor_validates_dose(bad: object) -> None:
    with pytest.raises(RegimenError):
        Regimen(bad, 3)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [0, -1, 2.5, float("nan"), 101, "3", True])
def test_regimen_constructor_validates_fractions(bad: object) -> None:
    with pytest.raises(RegimenError):
        Regimen(54.0, bad)  # type: ignore[arg-type]


def test_regimen_is_frozen_and_labelled() -> None:
    r = Regimen(36, 3)
    assert r.label == "36/3" and isinstance(r.total_dose_gy, float)
    with pytest.raises(AttributeError):
        r.fractions = 4  # type: ignore[misc]
    assert Regimen.from_dose_per_fraction(12, 3) == r


@given(st.text(max_size=40))
def test_parser_raises_only_regimen_errors(text: str) -> None:
    """Whatever is typed, the parser returns a valid Regimen or raises RegimenError."""
    try:
        r = parse_regimen(text)
    except RegimenError:
        return
    assert r.total_dose_gy > 0 and 1 <= r.fractions <= 100 and math.isfinite(r.total_dose_gy)
    assert r.dose_per_fraction_gy <= 100


@given(st.floats(min_value=0.5, max_value=30), st.integers(min_value=1, max_value=45))
def test_round_trip_of_both_notations(d: float, n: int) -> None:
    d = round(d, 2)
    a = parse_regimen(f"{d * n:.6g}/{n}")
    b = parse_regimen(f"{n} x {d:g} Gy")
    assert a.fractions == b.fractions == n
    assert a.total_dose_gy == pytest.approx(b.total_dose_gy, rel=1e-5)


def test_an_overall_time_of_minus_zero_days_is_zero_days() -> None:
    """num28 (stop 28) saw "overall time -0 d" in a caveat for an overall time typed as -0: it is 0 days."""
    import math

    from sbrt_calc.evaluation import EvaluationSettings, evaluate_regimen
    from sbrt_calc.models import time_correction

    r = Regimen(36.0, 3, overall_time_days=-0.0)
    assert r.overall_time_days == 0.0 and math.copysign(1.0, r.overall_time_days) == 1.0
    row = evaluate_regimen(r, EvaluationSettings(time=time_correction(28.0, 0.9)))
    assert row.time is not None and math.copysign(1.0, row.time.overall_time_days) == 1.0
    texts = " ".join(c.text for c in row.caveats)
    assert "overall time 0 d" in texts and "-0 d" not in texts
    assert Regimen(36.0, 3, overall_time_days=0).overall_time_days == 0   # an int 0 kept as given
