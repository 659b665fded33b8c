"""Conformity grading against the RTOG 0915/0813 table: at the rows, between rows, outside.

Expected numbers: the table in reference-data.md (PlanQA_Plugin EPEK/QAProtocol.cs); midpoints
are the arithmetic means of neighbouring rows (linear interpolation in PTV volume).
"""

from __future__ import annotations

import pytest

from sbrt_calc.planning.conformity import PlanCheckError, grade_plan, interpolate_limits
from sbrt_calc.presets.loader import shipped_presets

ROWS = [  # PTV cc, R50 none, R50 minor, D2cm none, D2cm minor (reference-data.md)
    (1.8, 5.9, 7.5, 50, 57), (3.8, 5.5, 6.5, 50, 57), (7.4, 5.1, 6.0, 50, 58), (13.2, 4.7, 5.8, 50, 58),
    (22, 4.5, 5.5, 54, 63), (34, 4.3, 5.3, 58, 68), (50, 4.0, 5.0, 62, 77), (70, 3.5, 4.8, 66, 86),
    (95, 3.3, 4.4, 70, 89), (126, 3.1, 4.0, 73, 91), (163, 2.9, 3.7, 77, 94),
]


def table():  # type: ignore[no-untyped-def]
    return shipped_presets().conformity_table("rtog0915")


@pytest.mark.parametrize("row", ROWS)
def test_limits_at_table_rows(row: tuple[float, ...]) -> None:
    v, r50n, r50m, d2n, d2m = row
    lim = interpolate_limits(table(), v)
    assert lim == pytest.approx({"r50_none": r50n, "r50_minor": r50m, "d2cm_percent_none": d2n,
                                 "d2cm_percent_minor": d2m})
    g = grade_plan(v, presets=shipped_presets())
    assert g.in_table_range and "is a row" in g.message and g.bracket is None


@pytest.mark.parametrize("lo,hi", list(zip(ROWS[:-1], ROWS[1:], strict=True)))
def test_limits_at_midpoints(lo: tuple[float, ...], hi: tuple[float, ...]) -> None:
    mid = [(a + b) / 2 for a, b in zip(lo, hi, strict=True)]
    lim = interpolate_limits(table(), mid[0])
    assert lim == pytest.approx({"r50_none": mid[1], "r50_minor": mid[2], "d2cm_percent_none": mid[3],
                                 "d2cm_percent_minor": mid[4]})
    g = grade_plan(mid[0], presets=shipped_presets())
    assert g.bracket is not None and (g.bracket[0].ptv_cc, g.bracket[1].ptv_cc) == (lo[0], hi[0])


def test_interpolation_is_not_the_plugin_bug() -> None:
    """A quarter of the way from 22 cc to 34 cc: R50 none = 4.5 + 0.25 (4.3 - 4.5) = 4.45 (the
    PlanQA_Plugin formula without (x - x0) would not give this)."""
    lim = interpolate_limits(table(), 25.0)
    assert lim is not None and lim["r50_none"] == pytest.approx(4.45)
    assert lim["d2cm_percent_minor"] == pytest.approx(63 + 0.25 * 5)


@pytest.mark.parametrize("v", [1.0, 1.79, 163.01, 250.0])
def test_outside_range_is_said_not_extrapolated(v: float) -> None:
    g = grade_plan(v, r50=3.0, d2cm_percent=50.0, r100=1.1, presets=shipped_presets())
    assert not g.in_table_range and "no extrapolation" in g.message and "1.8-163 cc" in g.message
    assert g.metric("R50%").grade == "not graded" and g.metric("R50%").limit_none is None
    assert g.metric("D2cm").grade == "not graded"
    assert g.metric("R100%").grade == "none"  # R100% does not depend on volume
    assert g.reference_row is not None and g.reference_row.ptv_cc == (1.8 if v < 1.8 else 163.0)
    assert g.worst_grade == "not graded"


def test_grades_none_minor_major() -> None:
    """At 50 cc: R50 none <= 4.0, minor <= 5.0; D2cm none <= 62, minor <= 77; R100 < 1.2 / < 1.5."""
    g = grade_plan(50, r50=4.0, d2cm_percent=62.0, r100=1.19, presets=shipped_presets())
    assert [m.grade for m in g.metrics] == ["none", "none", "none"]
    g = grade_plan(50, r50=4.01, d2cm_percent=77.0, r100=1.2, presets=shipped_presets())
    assert [m.grade for m in g.metrics] == ["minor", "minor", "minor"]
    g = grade_plan(50, r50=5.01, d2cm_percent=77.1, r100=1.5, presets=shipped_presets())
    assert [m.grade for m in g.metrics] == ["major", "major", "major"]
    assert g.worst_grade == "major"


def test_metrics_not_given_are_not_graded() -> None:
    g = grade_plan(10, presets=shipped_presets())
    assert all(m.value is None and m.grade is None for m in g.metrics) and g.worst_grade is None
    assert g.metric("R50%").limit_none is not None


@pytest.mark.parametrize("kwargs", [{"ptv_cc": 0}, {"ptv_cc": -3}, {"ptv_cc": float("nan")}, {"ptv_cc": 10, "r50": 0},
                                    {"ptv_cc": 10, "r100": float("inf")}, {"ptv_cc": "10"}])
def test_bad_input(kwargs: dict[str, object]) -> None:
    with pytest.raises(PlanCheckError):
        grade_plan(presets=shipped_presets(), **kwargs)  # type: ignore[arg-type]
