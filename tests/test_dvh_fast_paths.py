"""The DVH engine's fast paths (issue 17, speed) give the values of the slow ones they replace:
whole half-voxels read from row fields equal point-by-point sampling; Dmin/Dmax with the edge
points pruned by their cells' corners equal Dmin/Dmax with every edge point evaluated; the numpy
distance transform equals a brute-force one."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sbrt_calc.plancheck import dvh
from sbrt_calc.plancheck.dicom_io import ContourPlane, DoseGrid, Roi
from sbrt_calc.plancheck.falloff import _squared_edt


def _grid(dose: np.ndarray, h: float = 2.5, dz: float = 3.0) -> DoseGrid:
    nz, ny, nx = dose.shape
    x = (np.arange(nx) - nx / 2 + 0.5) * h
    y = (np.arange(ny) - ny / 2 + 0.5) * h
    z = (np.arange(nz) - nz / 2 + 0.5) * dz
    return DoseGrid("mem", dose.astype(np.float32), x, y, z, "GY", "PLAN", "1.2.3", "1.2.3.4")


def _blob(radius: float, spacing: float = 3.0) -> Roi:
    planes = []
    for z in np.arange(-radius, radius + 1e-9, spacing):
        r = math.sqrt(max(radius**2 - z**2, 0.0))
        if r < 0.5:
            continue
        t = np.linspace(0, 2 * math.pi, 40, endpoint=False)
        wobble = 1 + 0.15 * np.sin(3 * t)
        planes.append(ContourPlane(float(z), (np.column_stack([0.7 + r * wobble * np.cos(t),
                                                               -0.4 + r * wobble * np.sin(t)]),)))
    return Roi(1, "blob", "ORGAN", tuple(planes))


@pytest.mark.parametrize("cached", [True, False])
def test_half_fields_equal_point_by_point_sampling(cached: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Boxes touching the grid's edges and inside it, at heights inside the grid and in its
    half-voxel border: the same dose and gradient as :meth:`_Sampler.at_nodes` node by node."""
    if not cached:
        monkeypatch.setattr(dvh, "HALF_CACHE_NODES", 0)
    rng = np.random.default_rng(3)
    g = _grid(rng.uniform(0, 20, (6, 9, 11)))
    sp = dvh._Sampler(g, g.dose)
    for z in (g.z_mm[0] - 0.75, g.z_mm[0] + 0.75, g.z_mm[3] - 0.75, g.z_mm[-1] + 0.75):
        for rows, cols in ((slice(0, 9), slice(0, 11)), (slice(2, 5), slice(3, 8)), (slice(7, 9), slice(0, 1))):
            fields = sp.half_fields(float(z), rows, cols)
            rr, cc = np.meshgrid(np.arange(rows.start, rows.stop), np.arange(cols.start, cols.stop), indexing="ij")
            want = sp.at_nodes(rr.ravel(), cc.ravel(), float(z))
            for got, ref in zip(fields, want, strict=True):
                assert np.allclose(got.ravel(), ref, rtol=0, atol=1e-12)


def test_pruned_edge_extremes_equal_every_edge_point(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dose ramp with noise (Dmax and Dmin lie on the contour edges, where only the edge points
    reach: without them both move by 0.3 Gy): the extremes with the edge points pruned by their
    cells' corners equal those with every edge point evaluated (bounds that prune nothing), and so
    does the whole DVH."""
    rng = np.random.default_rng(7)
    g0 = _grid(np.zeros((16, 20, 20)))
    zz, yy, xx = np.meshgrid(g0.z_mm, g0.y_mm, g0.x_mm, indexing="ij")
    g = _grid(30 + xx + 0.5 * yy + rng.uniform(0, 2, xx.shape))
    roi = _blob(12.0)
    _, fast = dvh.structure_dvh(roi, g, thickness_mm=3.0)
    dvh._LAST_SAMPLER.clear()
    edges = dvh._StructureAccumulator._edge_extremes
    monkeypatch.setattr(dvh._StructureAccumulator, "_edge_extremes", lambda self, chunk=4096: None)
    _, none = dvh.structure_dvh(roi, g, thickness_mm=3.0)
    dvh._LAST_SAMPLER.clear()
    assert none.max_gy < fast.max_gy - 0.1 and none.min_gy > fast.min_gy + 0.1  # the edge points decide
    monkeypatch.setattr(dvh._StructureAccumulator, "_edge_extremes", edges)

    def no_pruning(self: dvh._Sampler) -> tuple[np.ndarray, np.ndarray]:
        shape = (self.nz, max(self.ny - 1, 1), max(self.nx - 1, 1))
        return np.full(shape, np.inf, dtype=np.float32), np.full(shape, -np.inf, dtype=np.float32)

    monkeypatch.setattr(dvh._Sampler, "cell_bounds", no_pruning)
    _, slow = dvh.structure_dvh(roi, g, thickness_mm=3.0)
    dvh._LAST_SAMPLER.clear()
    assert fast.max_gy == slow.max_gy and fast.min_gy == slow.min_gy
    assert np.array_equal(fast.doses_gy, slow.doses_gy) and np.array_equal(fast.volumes_cc, slow.volumes_cc)


def test_numpy_distance_transform_equals_brute_force() -> None:
    """Uneven spacings per axis: the separable transform's squared distances equal the minimum over
    every masked voxel centre."""
    rng = np.random.default_rng(11)
    mask = rng.random((7, 9, 8)) < 0.04
    mask[3, 4, 4] = True
    axes = (np.cumsum(rng.uniform(1.0, 3.0, 7)), np.arange(9) * 2.0, np.arange(8) * 1.5)
    zz, yy, xx = np.meshgrid(*axes, indexing="ij")
    pts = np.column_stack([zz.ravel(), yy.ravel(), xx.ravel()])
    src = pts[mask.ravel()]
    brute = ((pts[:, None, :] - src[None, :, :]) ** 2).sum(axis=2).min(axis=1).reshape(mask.shape)
    assert np.allclose(_squared_edt(mask, axes), brute, rtol=1e-12, atol=1e-9)
