"""``sbrt_calc.tables.rounded``: the one rounding every face shows (half away from zero, at the value's shortest
repr), kept fast by making its Decimal quantum once per precision (app26: a new view of the app's table rounds
~500-1,000 cells)."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

import pytest

from sbrt_calc.tables import rounded


def _by_definition(value: float, decimals: int) -> str:
    """The definition, written out: the shortest repr of the float, quantized half up (away from zero)."""
    return str(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize("decimals", [0, 1, 2, 3])
def test_rounded_is_its_definition(decimals: int) -> None:
    rng = random.Random(decimals)
    values = [rng.uniform(-500, 500) for _ in range(2000)]
    values += [round(rng.uniform(0, 200), decimals + 1) for _ in range(2000)]   # halves at the shown precision
    values += [0.0, -0.0, 116.25, 0.05, -0.05, 2.675, 1e-9, 123456.789, 1e21]
    assert [rounded(v, decimals) for v in values] == [_by_definition(v, decimals) for v in values]


def test_rounded_halves_away_from_zero() -> None:
    assert (rounded(116.25), rounded(-116.25), rounded(0.05, 1), rounded(2.5, 0)) == ("116.3", "-116.3", "0.1", "3")
