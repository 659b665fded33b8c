"""Branches of the DVH metrics (TG-263 names), the voxel EQD2 and their refusals, on small synthetic
dose-volume pairs whose values follow by hand.

The structure: five 1 cc voxels at 10, 8, 6, 4, 2 Gy (5 cc, all inside the dose grid), so
``Dv`` is the dose at which the volume counted from the hottest voxel reaches v, ``VxGy`` the
volume at >= x Gy, ``CVxGy`` the volume below x Gy (module docstring of plancheck.metrics).
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from test_plancheck_falloff import _grid, _sphere  # the falloff tests' synthetic grid and sphere

from sbrt_calc.plancheck.dicom_io import Roi
from sbrt_calc.plancheck.dvh import StructureDose
from sbrt_calc.plancheck.falloff import d2cm_gy, d2cm_gy_for_mask, distance_from_mask_mm
from sbrt_calc.plancheck.metrics import MetricError, evaluate, standard_metrics, target_quality
from sbrt_calc.plancheck.raster import rasterise
from sbrt_calc.reirradiation.courses import ReirradiationError
from sbrt_calc.reirradiation.eqd2 import eqd2_gy
from sbrt_calc.reirradiation.evaluate import _checks, _largest_scale, _limiting, _roi_box, evaluate_reirradiation
from sbrt_calc.table import Status


def _sd(outside_cc: float = 0.0, doses: tuple[float, ...] = (10.0, 8.0, 6.0, 4.0, 2.0)) -> StructureDose:
    d = np.array(doses, dtype=float)
    v = np.ones_like(d)
    inside = float(v.sum())
    return StructureDose("OAR", d, v, inside + outside_cc, inside, outside_cc)


@pytest.mark.parametrize(("metric", "expected"), [
    ("Max[Gy]", 10.0), ("Min[Gy]", 2.0), ("Mean[Gy]", 6.0),
    ("D2cc[Gy]", 8.0),          # hottest 2 cc reach down to the second voxel
    ("D40%[Gy]", 8.0),          # 40 % of 5 cc = 2 cc
    ("DC2cc[Gy]", 4.0),         # coldest 2 cc: 2 and 4 Gy
    ("V6Gy[cc]", 3.0), ("V6Gy[%]", 60.0), ("CV6Gy[cc]", 2.0),
])
def test_metric_values_by_definition(metric: str, expected: float) -> None:
    mv = evaluate(metric, _sd())
    assert mv.value == pytest.approx(expected)
    assert mv.complete and mv.note == ""


def test_percent_of_prescription_metrics() -> None:
    assert evaluate("Max[%]", _sd(), prescription_gy=20.0).value == pytest.approx(50.0)
    assert evaluate("V50%[cc]", _sd(), prescription_gy=12.0).value == pytest.approx(3.0)  # 6 Gy level


@pytest.mark.parametrize(("metric", "rx"), [("Max[%]", None), ("V50%[cc]", 0.0)])
def test_percent_metric_without_prescription_is_refused(metric: str, rx: float | None) -> None:
    with pytest.raises(MetricError, match="percentage of the prescription"):
        evaluate(metric, _sd(), prescription_gy=rx)


def test_unknown_metric_name_is_refused() -> None:
    with pytest.raises(MetricError, match="not a TG-263 DVH metric"):
        evaluate("Dmax", _sd())


def test_dose_to_volume_larger_than_structure_is_none_with_reason() -> None:
    mv = evaluate("D10cc[Gy]", _sd())
    assert mv.value is None and not mv.complete
    assert "smaller than 10 cc" in mv.note


def test_empty_structure_has_no_value() -> None:
    mv = evaluate("Max[Gy]", _sd(doses=()))
    assert mv.value is None and not mv.complete
    assert "no volume inside the dose grid" in mv.note


def test_structure_partly_outside_grid_gives_incomplete_bound() -> None:
    sd = _sd(outside_cc=1.0)  # 6 cc contoured, 5 cc inside
    v = evaluate("V6Gy[%]", sd)
    assert v.value == pytest.approx(50.0)  # 3 cc of the whole 6 cc
    assert not v.complete and "outside the dose grid" in v.note
    big = evaluate("D5.5cc[Gy]", sd)  # more than lies inside: no value, note stays the grid one
    assert big.value is None and not big.complete and "outside the dose grid" in big.note


def test_standard_metrics_of_a_target_with_prescription() -> None:
    row = standard_metrics(_sd(), target=True, prescription_gy=6.0)
    assert row["dmax_gy"] == 10.0 and row["dmin_gy"] == 2.0 and row["dmean_gy"] == pytest.approx(6.0)
    assert row["d50_percent_gy"] == 6.0 and row["d98_percent_gy"] == 2.0 and row["d2_percent_gy"] == 10.0
    assert row["v100_percent"] == pytest.approx(60.0)
    assert "v100_percent" not in standard_metrics(_sd(), target=False, prescription_gy=6.0)


def test_target_quality_indices_by_formula() -> None:
    q = target_quality(_sd(), 6.0, piv_cc=4.0, piv50_cc=8.0)
    assert q.v100_percent == pytest.approx(60.0) and q.v90_percent == pytest.approx(60.0)
    assert q.paddick_ci == pytest.approx(3.0**2 / (5.0 * 4.0))
    assert q.gradient_index == pytest.approx(2.0)
    assert q.homogeneity_index == pytest.approx((10.0 - 2.0) / 6.0)
    assert (q.dmin_gy, q.dmax_gy) == (2.0, 10.0)


def test_target_quality_without_isodose_volumes() -> None:
    zero = target_quality(_sd(), 6.0, piv_cc=0.0, piv50_cc=8.0)
    assert zero.paddick_ci == 0.0 and zero.gradient_index is None
    unknown = target_quality(_sd(), 6.0, piv_cc=None, piv50_cc=None)
    assert unknown.paddick_ci is None and unknown.gradient_index is None
    empty = target_quality(_sd(doses=()), 6.0, 4.0, 8.0)
    assert all(v is None for v in empty.as_dict().values())


def test_eqd2_rejects_unknown_model() -> None:
    with pytest.raises(ValueError, match="model must be one of"):
        eqd2_gy(np.array([30.0]), 3, 3.0, model="lqx")


def test_eqd2_lql_is_linear_above_transition_dose() -> None:
    # 3 x 10 Gy, a/b 3, d_T 6: per fraction 6(1+2) + (1+4)(10-6) = 38; EQD2 = 3*38/(1+2/3)
    got = float(eqd2_gy(np.array([30.0]), 3, 3.0, model="lql", transition_dose_gy=6.0)[0])
    assert got == pytest.approx(3 * 38 / (1 + 2 / 3), rel=1e-5)
    lq = float(eqd2_gy(np.array([30.0]), 3, 3.0)[0])
    assert lq == pytest.approx(30 * 13 / 5, rel=1e-5) and got < lq
    assert not math.isclose(got, lq)


def test_distance_from_empty_mask_is_infinite_and_every_voxel_is_far() -> None:
    dose = np.zeros((5, 6, 7))
    dose[1, 2, 3] = 7.0
    g = _grid(dose)
    empty = np.zeros(dose.shape, dtype=bool)
    assert np.isinf(distance_from_mask_mm(g, empty)).all()
    assert d2cm_gy_for_mask(g, empty) == 7.0
    hot = np.zeros(dose.shape, dtype=bool)
    hot[1, 2, 3] = True
    assert d2cm_gy_for_mask(g, empty, exclude=hot) == 0.0  # the hot voxel excluded: the rest is 0 Gy


def test_ptv_without_contours_has_no_d2cm() -> None:
    g = _grid(np.ones((11, 21, 21)))
    occ = rasterise(_sphere(6.0, (0.0, 0.0, 0.0)), g, thickness_mm=3.0)
    assert d2cm_gy(g, Roi(2, "PTV2", "PTV", ()), occ) is None


@pytest.mark.parametrize("centre_x", [0.0, 35.0])  # inside the grid (transform) / leaving it (exhaustive)
def test_d2cm_ignores_hot_voxel_near_ptv_and_finds_the_far_one(centre_x: float) -> None:
    dose = np.zeros((11, 21, 31))  # x from -37.5 to 37.5 mm
    g0 = _grid(dose)
    roi = _sphere(6.0, (centre_x, 0.0, 0.0))
    ix = int(np.argmin(np.abs(g0.x_mm - (centre_x - 8.75))))  # ~3 mm from the surface: not 2 cm away
    dose[5, 10, ix] = 90.0
    far_x = 0 if centre_x > 0 else 30  # the opposite edge, > 20 mm from the surface
    dose[5, 10, far_x] = 50.0
    g = _grid(dose)
    occ = rasterise(roi, g, thickness_mm=3.0)
    assert d2cm_gy(g, roi, occ) == 50.0


def _lim(L: float = 70.0, course: float | None = 25.0, share: float | None = 0.5,
         interval: float | None = 5.0) -> SimpleNamespace:
    """A re-irradiation limit shaped as the presets' (HyTEC/Sahgal thecal sac values by default)."""
    return SimpleNamespace(max_cumulative_eqd2_gy=L, max_reirradiation_course_eqd2_gy=course,
                           max_reirradiation_share=share, min_interval_months=interval)


def test_checks_of_a_single_course_grade_only_the_cumulative_dmax() -> None:
    assert [(c.name, c.status) for c in _checks(_lim(), 60.0, 60.0, None, several=False)] == [
        ("cumulative EQD2 Dmax", Status.PASS)]
    assert _checks(_lim(), 75.0, 75.0, None, several=False)[0].status == Status.FAIL


def test_checks_of_a_reirradiation_with_interval_not_given() -> None:
    cum, new, share, interval = _checks(_lim(), 60.0, 30.0, None, several=True)
    assert (cum.status, new.status) == (Status.PASS, Status.FAIL)  # 30 > 25 Gy for the new course
    assert share.value == pytest.approx(0.5) and share.status == Status.PASS
    assert interval.value is None and interval.status == Status.INCOMPLETE and "not given" in interval.note


@pytest.mark.parametrize(("months", "status"), [(3.0, Status.FAIL), (5.0, Status.PASS)])
def test_interval_check(months: float, status: Status) -> None:
    assert _checks(_lim(), 40.0, 10.0, months, several=True)[-1].status == status


def test_share_with_no_cumulative_dose_is_zero_and_absent_limits_are_not_checked() -> None:
    share = _checks(_lim(), 0.0, 0.0, 6.0, several=True)[2]
    assert share.name.startswith("new course share") and share.value == 0.0
    only = _checks(_lim(course=None, share=None, interval=None), 60.0, 30.0, None, several=True)
    assert [c.name for c in only] == ["cumulative EQD2 Dmax"]


# _largest_scale: one voxel, one fraction of s x 10 Gy at alpha/beta 10: EQD2 = D (D + 10) / 12
def _root(limit: float) -> float:
    return (-10.0 + math.sqrt(100.0 + 48.0 * limit)) / 2.0 / 10.0  # D(D+10)/12 = limit, s = D / 10


def test_largest_scale_reaches_the_cumulative_limit() -> None:
    s = _largest_scale(np.zeros(1), np.array([10.0]), 1, _lim(), 10.0, "lq", 6.0, several=False)
    assert s == pytest.approx(_root(70.0), rel=1e-6)


def test_largest_scale_reaches_the_new_course_limit() -> None:
    s = _largest_scale(np.zeros(1), np.array([10.0]), 1, _lim(share=None), 10.0, "lq", 6.0, several=True)
    assert s == pytest.approx(_root(25.0), rel=1e-6)


def test_largest_scale_reaches_the_share_limit_and_names_it() -> None:
    old, phys, lim = np.array([20.0]), np.array([10.0]), _lim(course=None)
    s = _largest_scale(old, phys, 1, lim, 10.0, "lq", 6.0, several=True)
    assert s == pytest.approx(_root(20.0), rel=1e-6)  # share 0.5: new EQD2 = the earlier 20 Gy
    assert s is not None
    assert _limiting(lim, old, phys, 1, s, 10.0, "lq", 6.0, several=True) == "new course share of cumulative Dmax"


def test_largest_scale_zero_none_and_unbounded() -> None:
    over = _largest_scale(np.array([80.0]), np.array([10.0]), 1, _lim(), 10.0, "lq", 6.0, several=False)
    assert over == 0.0  # the earlier courses alone exceed 70 Gy
    assert _largest_scale(np.array([10.0]), np.zeros(1), 1, _lim(), 10.0, "lq", 6.0, several=False) is None
    huge = _lim(L=1e30, course=None, share=None)
    assert _largest_scale(np.zeros(1), np.array([10.0]), 1, huge, 10.0, "lq", 6.0, several=True) is None


def test_roi_box_of_structure_wholly_outside_along_an_axis_is_the_whole_axis() -> None:
    g = _grid(np.zeros((11, 21, 31)))
    roi = _sphere(6.0, (0.0, 0.0, 500.0))
    box = _roi_box(roi, g, 3.0, margin=0)
    assert box[0] == slice(0, 11)
    assert box[2].stop - box[2].start < 31  # x stays the contour's bounding box
    assert _roi_box(roi, g, 3.0)[0] == slice(9, 11)  # with the default margin: the last two planes


def test_evaluation_refuses_fewer_than_two_courses_and_unknown_model() -> None:
    with pytest.raises(ReirradiationError, match="two or more courses"):
        evaluate_reirradiation([], None)  # type: ignore[arg-type]
    with pytest.raises(ReirradiationError, match="model must be lq or lql"):
        evaluate_reirradiation([None, None], None, model="lqx")  # type: ignore[list-item,arg-type]
