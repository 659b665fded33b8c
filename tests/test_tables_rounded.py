"""``sbrt_calc.tables.rounded``: the one rounding every face shows (half away from zero, at the value's shortest
repr), kept fast by making its Decimal quantum once per precision (app26: a new view of the app's table rounds
~500-1,000 cells)."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


@given(st.floats(allow_nan=True, allow_infinity=True) | st.floats(min_value=-1e17, max_value=1e17)
       | st.decimals(min_value=-2000, max_value=2000, places=4).map(float), st.integers(0, 8))
def test_rounded_on_its_digits_is_its_definition(value: float, decimals: int) -> None:
    """Stop 28: a plain repr is rounded on its digits (no decimal module): the same text for any float and
    precision, the sign of a zero, the halves (x.x5 written exactly), the ends of plain notation included."""
    assert _outcome(rounded, value, decimals) == _outcome(_by_definition, value, decimals)


def _outcome(f: Any, value: float, decimals: int) -> tuple[str, Any]:
    """What ``f`` gives: its text, or the exception it raises (a value past the decimal context's 28 digits is
    refused by the definition, and so by :func:`rounded`)."""
    try:
        return "text", f(value, decimals)
    except ArithmeticError as exc:
        return "raises", type(exc)


@pytest.mark.parametrize("value", [0.0, -0.0, -0.04, -0.4, 0.5, 9.95, 99.95, 999.5, 0.0001, 1e-05, 9999999999999998.0,
                                   1e16, 1e15 + 0.5, 123.456789, 5e-324, 1.7976931348623157e308])
def test_rounded_at_the_edges_of_plain_notation(value: float) -> None:
    assert [_outcome(rounded, value, d) for d in range(9)] == [_outcome(_by_definition, value, d) for d in range(9)]
