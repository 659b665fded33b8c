"""The re-irradiation pipeline's shortcuts give exactly what the plain formulas give (issue 22, speed).

- :func:`sbrt_calc.reirradiation.courses.resample` takes a course's dose at the new grid's voxel centres
  without arithmetic along an axis whose new positions are nodes of the old axis (the same grid, a whole-voxel
  shift, a subset of planes): equal, to the last bit, to the separable trilinear formula it replaces.
- :func:`sbrt_calc.reirradiation.eqd2.eqd2_gy` (LQ) computes ``D (d + a/b) / (2 + a/b)`` (Fowler 1989) in place
  on one new array: equal to the float32 expression, the caller's array untouched.
"""

from __future__ import annotations

import numpy as np
import pytest

from sbrt_calc.plancheck.dicom_io import DoseGrid
from sbrt_calc.reirradiation import courses as co
from sbrt_calc.reirradiation.courses import Course, resample
from sbrt_calc.reirradiation.eqd2 import eqd2_gy

FRAME = "1.2.826.0.1.3680043.8.498.1"


def _grid(dose: np.ndarray, x0: float = -20.0, y0: float = -15.0, z0: float = -10.0, step: float = 2.5) -> DoseGrid:
    nz, ny, nx = dose.shape
    return DoseGrid("mem.dcm", dose, x0 + step * np.arange(nx), y0 + step * np.arange(ny), z0 + step * np.arange(nz),
                    "GY", "PLAN", FRAME, "1.2.3")


def _reference(course: Course, onto: DoseGrid) -> tuple[np.ndarray, np.ndarray]:
    """The separable trilinear formula as it was written before the shortcut (stop 24)."""
    g = course.grid
    iz, wz, oz = co._axis(np.asarray(g.z_mm, float), np.asarray(onto.z_mm, float))
    iy, wy, oy = co._axis(np.asarray(g.y_mm, float), np.asarray(onto.y_mm, float))
    ix, wx, ox = co._axis(np.asarray(g.x_mm, float), np.asarray(onto.x_mm, float))
    d = np.asarray(g.dose, dtype=np.float32)
    jz = np.minimum(iz + 1, d.shape[0] - 1)
    a = d[iz] * (1 - wz)[:, None, None] + d[jz] * wz[:, None, None]
    jy = np.minimum(iy + 1, d.shape[1] - 1)
    a = a[:, iy] * (1 - wy)[None, :, None] + a[:, jy] * wy[None, :, None]
    jx = np.minimum(ix + 1, d.shape[2] - 1)
    a = a[:, :, ix] * (1 - wx)[None, None, :] + a[:, :, jx] * wx[None, None, :]
    outside = oz[:, None, None] | oy[None, :, None] | ox[None, None, :]
    a[outside] = 0.0
    return a.astype(np.float32, copy=False), outside


@pytest.fixture(scope="module")
def old() -> Course:
    rng = np.random.default_rng(22)
    dose = (rng.random((9, 11, 13)) * 60.0).astype(np.float32)  # no structure: every voxel differs
    return Course("old", _grid(dose), 5)


@pytest.mark.parametrize("where", ["same grid", "whole-voxel shift in y", "subset of planes", "one plane",
                                   "sub-voxel shift", "finer grid", "beyond the old grid"])
def test_resample_equals_the_trilinear_formula(old, where):
    d = old.grid.dose
    onto = {
        "same grid": _grid(np.zeros_like(d)),
        "whole-voxel shift in y": _grid(np.zeros_like(d), y0=-15.0 + 2 * 2.5),   # two rows beyond: outside
        "subset of planes": _grid(np.zeros((4, 11, 13), np.float32), z0=-10.0 + 3 * 2.5),
        "one plane": _grid(np.zeros((1, 11, 13), np.float32), z0=-10.0 + 8 * 2.5),
        "sub-voxel shift": _grid(np.zeros_like(d), x0=-19.3, y0=-14.1, z0=-9.6),
        "finer grid": _grid(np.zeros((17, 21, 25), np.float32), step=1.25),
        "beyond the old grid": _grid(np.zeros((12, 14, 16), np.float32), x0=-22.5, y0=-17.5, z0=-12.5),
    }[where]
    got = resample(old, onto)
    want, outside = _reference(old, onto)
    assert got.dose_gy.dtype == np.float32 and got.dose_gy.shape == want.shape
    assert np.array_equal(got.dose_gy, want)  # to the last bit
    assert np.array_equal(got.outside, outside)
    if where == "same grid":
        assert np.array_equal(got.dose_gy, d) and not got.outside.any()
        assert got.dose_gy is not d and not np.shares_memory(got.dose_gy, d)  # the caller may keep or change it
    if where in ("whole-voxel shift in y", "beyond the old grid"):
        assert got.outside.any() and not got.dose_gy[got.outside].any()


def test_resample_shortcut_is_taken_on_nodes_only(old, monkeypatch):
    """The shortcut is used where the positions are nodes (no arithmetic), the formula elsewhere."""
    seen: list[str] = []
    inner = co._along

    def spy(a, i, w, axis):  # type: ignore[no-untyped-def]
        out = inner(a, i, w, axis)
        seen.append("node" if (out is a or not (w[w != 1]).any()) else "formula")
        return out

    monkeypatch.setattr(co, "_along", spy)
    resample(old, _grid(np.zeros_like(old.grid.dose)))
    assert seen == ["node"] * 3
    seen.clear()
    resample(old, _grid(np.zeros_like(old.grid.dose), x0=-19.3))
    assert seen == ["node", "node", "formula"]


@pytest.mark.parametrize("ab", [0.87, 3.0, np.float32(2.0), "map"])
@pytest.mark.parametrize("fractions", [1, 3, 10])
def test_eqd2_lq_equals_the_formula(ab, fractions):
    """EQD2 = D (d + a/b) / (2 + a/b), d = D / n (Fowler JF, Br J Radiol 1989;62:679-694), float32."""
    rng = np.random.default_rng(fractions)
    dose = (rng.random((6, 7, 8)) * 70.0).astype(np.float32)
    dose[0, 0, :3] = 0.0
    before = dose.copy()
    a = rng.choice(np.array([0.87, 2.0, 3.0, 10.0], np.float32), dose.shape) if isinstance(ab, str) else ab
    abf = np.asarray(a, dtype=np.float32)
    want = dose * (dose / np.float32(fractions) + abf) / (np.float32(2.0) + abf)
    got = eqd2_gy(dose, fractions, a)
    assert got.dtype == np.float32 and np.array_equal(got, want)
    assert np.array_equal(dose, before)  # the caller's dose untouched
    assert not np.shares_memory(got, dose)


def test_eqd2_lq_scalars_and_broadcasting():
    """A scalar dose gives a scalar; a row of doses against a plane of alpha/beta gives the plane."""
    one = eqd2_gy(np.float32(6.0), 3, 3.0)
    assert np.ndim(one) == 0 and float(one) == pytest.approx(6.0 * (2.0 + 3.0) / 5.0)
    row = np.array([0.0, 6.0, 30.0], dtype=np.float32)
    plane = np.array([[2.0], [10.0]], dtype=np.float32)
    got = eqd2_gy(row, 3, plane)
    want = row * (row / np.float32(3) + plane) / (np.float32(2.0) + plane)
    assert got.shape == (2, 3) and np.array_equal(got, want)
