"""CSV numbers at full precision without binary noise (issue 21): the rule of
:func:`sbrt_calc.table.csv_float`."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from sbrt_calc.case import Case, CaseRegimen
from sbrt_calc.evaluation import evaluate
from sbrt_calc.table import NOISE_ULPS, csv_float
from sbrt_calc.tables import evaluation_csv


def test_bed_of_42_in_6_is_written_71_4() -> None:
    """BED10 of 42 Gy in 6 fractions = 42 x (1 + 7/10) = 71.4 Gy exactly in decimals; the float computed
    is 71.39999999999999 (before: written so)."""
    text = evaluation_csv(evaluate(Case(regimens=(CaseRegimen("42/6", 42.0, 6),))))
    assert "71.39999999999999" not in text and ",71.4," in text
    assert "59.49999999999999" not in text and ",59.5," in text


def test_a_value_that_is_not_a_short_decimal_keeps_every_digit() -> None:
    assert csv_float(35 / 3) == repr(35 / 3) == "11.666666666666666"
    assert csv_float(0.1 + 0.2) == "0.3"           # 0.30000000000000004: one ulp from 0.3
    assert csv_float(1 / 3) == repr(1 / 3)


@given(st.floats(min_value=1e-6, max_value=1e6, allow_nan=False))
def test_what_is_written_reads_back_within_the_rule(value: float) -> None:
    back = float(csv_float(value))
    assert abs(back - value) <= NOISE_ULPS * math.ulp(value)
    assert back == value or len(csv_float(value)) < len(repr(value))
