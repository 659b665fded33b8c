"""The DVH engine's fast paths (issue 17, speed) give the values of the slow ones they replace:
whole half-voxels read from row fields equal point-by-point sampling; Dmin/Dmax with the edge
points pruned by their cells' corners equal Dmin/Dmax with every edge point evaluated; the numpy
distance transform equals a brute-force one."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from dose_grids import centred_grid as _grid

from sbrt_calc.plancheck import dvh
from sbrt_calc.plancheck.dicom_io import ContourPlane, Roi
from sbrt_calc.plancheck.falloff import _squared_edt


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


@pytest.mark.parametrize("cached", [True, False])
def test_whole_samples_equal_the_formulas_on_half_fields(cached: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole half-voxels (stop 25): the doses, spreads ``sqrt((gx dx)^2 + (gy dy)^2 + (gz t)^2)`` and
    extremes ``d -+ |gz| t / 2`` read from the kept planes (a box of a quarter of the plane or more) or
    computed on a small box equal, bit for bit, the formulas applied to :meth:`half_fields` on the mask."""
    if not cached:
        monkeypatch.setattr(dvh, "HALF_CACHE_NODES", 0)
    rng = np.random.default_rng(5)
    g = _grid(rng.uniform(0, 20, (6, 12, 14)))
    sp = dvh._Sampler(g, g.dose)
    for z, thick in ((g.z_mm[0] - 0.75, 1.5), (g.z_mm[2] + 0.75, 1.5), (g.z_mm[-1] + 0.75, 1.5)):
        for rows, cols in ((slice(0, 12), slice(0, 14)), (slice(2, 5), slice(3, 8)), (slice(1, 11), slice(0, 9))):
            sel = rng.random((rows.stop - rows.start, cols.stop - cols.start)) < 0.7
            sel[0, 0] = True
            d, w, lo, hi = sp.whole_samples(float(z), thick, rows, cols, sel)
            d_f, gx, gy, gz = (f[sel] for f in sp.half_fields(float(z), rows, cols))
            reach = np.abs(gz) * (thick / 2)
            assert np.array_equal(d, d_f)
            assert np.array_equal(w, np.sqrt((gx * g.spacing_mm[1]) ** 2 + (gy * g.spacing_mm[0]) ** 2
                                              + (gz * thick) ** 2))
            assert lo == float((d_f - reach).min()) and hi == float((d_f + reach).max())
    assert bool(sp._whole_cache) == cached


def test_histogram_of_uniform_pieces_equals_exact_overlaps() -> None:
    """The histogram's flush (stop 25: in bin units, one volume for whole half-voxels): each sample's
    volume spread uniformly over [d - w/2, d + w/2] lands in the 0.001 Gy bins as the exact overlap
    of that interval with each bin; samples given one volume at once or one volume each give the same
    pairs; a point mass (w = 0) keeps its dose; a piece reaching past the bins keeps its whole volume."""
    rng = np.random.default_rng(9)
    d = rng.uniform(10.0, 13.0, 300)
    w = rng.uniform(0.0005, 0.8, 300)
    same = dvh._Histogram(30.0)
    each = dvh._Histogram(30.0)
    for part in (slice(0, 120), slice(120, 300)):
        same.add_same_volume(d[part], w[part], 0.002, 0.0, 30.0)
        each.add(d[part], w[part], np.full(d[part].size, 0.002), np.zeros(1), np.full(1, 30.0))
    dose_s, vol_s = same.pairs()
    dose_e, vol_e = each.pairs()
    assert np.array_equal(dose_s, dose_e) and np.allclose(vol_s, vol_e, rtol=1e-12, atol=1e-15)
    # exact overlaps of each uniform piece with each bin
    h, origin = same.h, same.origin
    k = np.round((dose_s - origin) / h - 0.5).astype(np.int64)
    lo_e, hi_e = origin + k * h, origin + (k + 1) * h
    a, b = d - w / 2, d + w / 2
    overlap = np.maximum(np.minimum(b[:, None], hi_e[None, :]) - np.maximum(a[:, None], lo_e[None, :]), 0.0)
    want = (0.002 * overlap / (b - a)[:, None]).sum(axis=0)
    assert np.allclose(vol_s, want, rtol=1e-9, atol=1e-12)
    assert vol_s.sum() == pytest.approx(300 * 0.002, rel=1e-12)
    # a point mass and a piece far wider than the bins' range (clipped, its volume kept)
    odd = dvh._Histogram(30.0)
    odd.add_same_volume(np.array([12.3456, 10.0]), np.array([0.0, 500.0]), 0.5, 0.0, 30.0)
    dose_o, vol_o = odd.pairs()
    assert vol_o.sum() == pytest.approx(1.0, rel=1e-12)
    point = np.argmin(np.abs(dose_o - 12.3456))
    assert dose_o[point] == pytest.approx(12.3456, abs=1e-6) and vol_o[point] > 0.5  # with the wide piece's share


def test_plane_cover_equals_every_lattice_point() -> None:
    """The in-plane cover (stop 25: voxels no edge passes near decided at their first lattice point,
    from the sub-rows' crossings) equals the share of each voxel's s x s lattice points inside the
    polygons by the even-odd rule, tested point by point (a wobbly outline with a hole)."""
    from sbrt_calc.plancheck.raster import _plane_cover

    t = np.linspace(0, 2 * math.pi, 57, endpoint=False)
    outer = np.column_stack([3.1 + 21 * (1 + 0.2 * np.sin(5 * t)) * np.cos(t),
                             -1.7 + 17 * (1 + 0.2 * np.sin(5 * t)) * np.sin(t)])
    hole = np.column_stack([5.3 + 4.2 * np.cos(t[::-1]), 0.9 + 3.3 * np.sin(t[::-1])])
    s, dx, dy, nrow, ncol = 4, 2.5, 2.0, 24, 22
    x_first, y_first = -24.0, -22.5
    cover, _, _ = _plane_cover((outer, hole), x_first, y_first, dx, dy, nrow, ncol, s, "wobbly", 0.0)
    sub = (np.arange(s) + 0.5) / s - 0.5
    px = (x_first + dx * (np.arange(ncol)[:, None] + sub[None, :])).ravel()
    py = (y_first + dy * (np.arange(nrow)[:, None] + sub[None, :])).ravel()
    X, Y = np.meshgrid(px, py)
    inside = np.zeros(X.shape, dtype=bool)
    for poly in (outer, hole):
        a, b = poly, np.roll(poly, -1, axis=0)
        for (xa, ya), (xb, yb) in zip(a, b, strict=True):
            crosses = (ya <= Y) != (yb <= Y)
            with np.errstate(divide="ignore", invalid="ignore"):
                xi = xa + (Y - ya) * (xb - xa) / (yb - ya)
            inside ^= crosses & (xi < X)
    want = inside.reshape(nrow, s, ncol, s).mean(axis=(1, 3))
    assert 0.2 < want.mean() < 0.8 and (want == 1).sum() > 50 and ((want > 0) & (want < 1)).sum() > 50
    assert np.array_equal(cover, want)


def test_several_doses_rasterised_once_equal_one_call_each() -> None:
    """:func:`dvh.structure_dvhs` (one rasterisation feeding a sampler per dose: the re-irradiation's cumulative and
    new-course doses of one structure) gives, dose by dose, exactly :func:`dvh.structure_dvh`'s DVH, Dmin and Dmax."""
    rng = np.random.default_rng(11)
    z, y, x = np.meshgrid(np.arange(12), np.arange(16), np.arange(16), indexing="ij")
    a = 30.0 - 0.8 * np.hypot(x - 7.5, y - 8.0) + 0.3 * z
    b = rng.uniform(0, 12, a.shape) + 0.5 * x
    g = _grid(a)
    roi = _blob(12.0)
    occ, both = dvh.structure_dvhs(roi, g, [g.dose, b.astype(np.float32)], thickness_mm=3.0)
    assert len(both) == 2 and both[0].max_gy != both[1].max_gy
    for values, got in zip((None, b.astype(np.float32)), both, strict=True):
        o1, one = dvh.structure_dvh(roi, g, thickness_mm=3.0, dose=values)
        assert np.array_equal(o1.fraction, occ.fraction)
        assert np.array_equal(one.doses_gy, got.doses_gy) and np.array_equal(one.volumes_cc, got.volumes_cc)
        assert (one.max_gy, one.min_gy) == (got.max_gy, got.min_gy)


def _reference_at(sp: dvh._Sampler, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, ...]:
    """The stop-25 trilinear interpolation (:meth:`dvh._Sampler.at` before stop 26), kept as the reference."""
    i0, i1, tx, okx = sp._axis((x - sp.grid.x_mm[0]) / sp.dx, sp.nx)
    j0, j1, ty, oky = sp._axis((y - sp.grid.y_mm[0]) / sp.dy, sp.ny)
    k0, k1, tz, okz, span = sp._zaxis(z)
    nyx = sp.ny * sp.nx
    f = sp.flat
    base = k0 * nyx + j0 * sp.nx + i0
    si, sj, sk = i1 - i0, (j1 - j0) * sp.nx, (k1 - k0) * nyx
    c000, c001, c010, c011 = f[base], f[base + si], f[base + sj], f[base + sj + si]
    base = base + sk
    c100, c101, c110, c111 = f[base], f[base + si], f[base + sj], f[base + sj + si]
    tx, ty, tz = tx.astype(np.float32), ty.astype(np.float32), tz.astype(np.float32)
    e00, e01, e10, e11 = c001 - c000, c011 - c010, c101 - c100, c111 - c110
    c00, c01, c10, c11 = c000 + tx * e00, c010 + tx * e01, c100 + tx * e10, c110 + tx * e11
    c0 = c00 + ty * (c01 - c00)
    c1 = c10 + ty * (c11 - c10)
    d = c0 + tz * (c1 - c0)
    gz = np.where(okz, (c1 - c0) / span, 0.0)
    dx0 = e00 + ty * (e01 - e00)
    dx1 = e10 + ty * (e11 - e10)
    gx = np.where(okx, (dx0 + tz * (dx1 - dx0)) / sp.dx, 0.0)
    gy = np.where(oky, ((c01 - c00) + tz * ((c11 - c10) - (c01 - c00))) / sp.dy, 0.0)
    return d.astype(np.float64), gx, gy, gz


@pytest.mark.parametrize("shape", [(6, 9, 11), (1, 7, 5), (4, 1, 6), (3, 5, 1)])
def test_interpolation_equals_the_stop25_formula(shape: tuple[int, int, int]) -> None:
    """:meth:`_Sampler.at` (stop 26: fewer passes, an axis all inside skips its masks) and :meth:`_Sampler._at` with the
    z axis found once per height and repeated (the edge voxels' points of many sub-planes in one pass) equal the
    stop-25 formula bit for bit, dtypes included: points inside the grid, in its half-voxel border and beyond it,
    grids of one plane along an axis. Fails when a mask is skipped while a point lies outside (checked)."""
    rng = np.random.default_rng(13)
    g = _grid(rng.uniform(0, 20, shape))
    sp = dvh._Sampler(g, g.dose)
    heights = np.concatenate([rng.uniform(g.z_mm[0] - 4, g.z_mm[-1] + 4, 7), g.z_mm[:2]])
    counts = rng.integers(1, 40, heights.size)
    z = np.repeat(heights, counts)
    for reach in (0.0, 1.0, 6.0):  # inside the nodes' span; the half-voxel border; beyond the grid
        x = rng.uniform(g.x_mm[0] - reach, g.x_mm[-1] + reach, z.size)
        y = rng.uniform(g.y_mm[0] - reach, g.y_mm[-1] + reach, z.size)
        want = _reference_at(sp, x, y, z)
        k0, _, tz, okz, span = sp._zaxis(heights)
        batched = sp._at(x, y, np.repeat(k0, counts), np.repeat(tz.astype(np.float32), counts), np.repeat(okz, counts),
                         np.repeat(span, counts))
        for got in (sp.at(x, y, z), batched):
            for a, b in zip(got, want, strict=True):
                assert a.dtype == b.dtype and np.array_equal(a, b)


def _reference_pieces(ps: object, cuts_mm: np.ndarray, z_min: float, z_max: float, step: float | None
                      ) -> tuple[np.ndarray, ...]:
    """The stop-25 ``_pieces`` (numpy arrays of a few values), kept as the reference."""
    z, t = ps.z_mm, ps.thickness_mm
    below, above = ps.below, ps.above
    lo = max(z - (t if below else t / 2), z_min)
    hi = min(z + (t if above else t / 2), z_max)
    if hi <= lo:
        return (np.zeros(0),) * 5
    inner = np.concatenate([[z], cuts_mm])
    cuts = np.unique(np.concatenate([[lo, hi], inner[(inner > lo) & (inner < hi)]]))
    if step:
        ends = [cuts[:1]]
        for a, b in zip(cuts[:-1], cuts[1:], strict=True):
            n = max(1, math.ceil((b - a) / step - 1e-9))
            ends.append(a + (b - a) * np.arange(1, n + 1) / n)
        cuts = np.concatenate(ends)
    a, b = cuts[:-1], cuts[1:]

    def profile(q: np.ndarray) -> np.ndarray:
        tent = np.minimum(np.maximum(1.0 - np.abs(q - z) / t, 0.0), 1.0)
        return np.where(((q < z) & ~below) | ((q > z) & ~above) | (q == z), 1.0, tent)

    mid = (a + b) / 2
    fa, fb = profile(np.minimum(a + 1e-12 * t, mid)), profile(np.maximum(b - 1e-12 * t, mid))
    weight = (b - a) * (fa + fb) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.where(fa + fb > 0, a + (b - a) * (fa + 2 * fb) / (3 * (fa + fb)), mid)
    keep = weight > 0
    return weight[keep], centre[keep], a[keep], b[keep], cuts


def test_pieces_and_sums_in_floats_equal_numpy() -> None:
    """A contour's pieces along z in plain floats (stop 26) equal the stop-25 numpy code bit for bit: contours on a
    dose plane, on a voxel bound, between them, end caps on either side, clipped by the grid's extent, with and
    without a largest piece; ``_sum`` adds as ``np.sum`` does (one by one below 8 values, pairwise from 8).
    Fails when the end caps' sides are swapped or the last dose cut below the top is dropped (both checked)."""
    from types import SimpleNamespace

    rng = np.random.default_rng(17)
    g = _grid(np.zeros((9, 3, 3)))
    zb = g.z_bounds_mm()
    halves = np.unique(np.concatenate([zb, np.asarray(g.z_mm, dtype=np.float64)]))
    zs = list(rng.uniform(zb[0] - 3, zb[-1] + 3, 300)) + list(halves)
    for i, z in enumerate(zs):
        ps = SimpleNamespace(z_mm=float(z), thickness_mm=float(rng.choice([1.0, 2.5, 3.0, rng.uniform(0.5, 7)])),
                             below=bool(i % 2), above=bool(i % 3))
        for step in (None, 0.7):
            got = dvh._pieces(ps, halves.tolist(), float(zb[0]), float(zb[-1]), step)  # type: ignore[arg-type]
            want = _reference_pieces(ps, halves, float(zb[0]), float(zb[-1]), step)
            for a, b in zip(got, want, strict=True):
                assert np.array_equal(np.asarray(a, dtype=np.float64), b)
    for n in range(0, 20):
        for _ in range(50):
            v = rng.uniform(0, 1, n) * 10.0 ** rng.uniform(-3, 3, n)
            assert dvh._sum(v.tolist()) == float(np.sum(v))


def _assert_same_dvh(new: Any, old: Any) -> None:
    """The same extremes, in-grid volume (1e-12 relative) and cumulative DVH (same doses; volumes within 1e-12 of
    the in-grid volume: the histogram's order of summation)."""
    assert (new.max_gy, new.min_gy) == (old.max_gy, old.min_gy)
    assert new.in_grid_cc == pytest.approx(old.in_grid_cc, rel=1e-12)
    d_n, c_n = new.cumulative(0.01)
    d_o, c_o = old.cumulative(0.01)
    assert np.array_equal(d_n, d_o) and np.abs(c_n - c_o).max() <= 1e-12 * old.in_grid_cc


def test_edge_points_sampled_in_one_pass_equal_plane_by_plane(monkeypatch: pytest.MonkeyPatch) -> None:
    """The edge voxels' points of all sub-planes buffered and sampled in one pass at the end (stop 26) give the DVH of
    sampling each plane's points as it comes (``EDGE_POINTS`` = ``FLUSH_SAMPLES`` = 1): the same Dmin, Dmax, volume
    and cumulative volumes (to 1e-12 of the volume: the histogram's sums in another grouping). Fails when the last
    buffered points are not sampled (checked)."""
    rng = np.random.default_rng(19)
    g0 = _grid(np.zeros((16, 20, 20)))
    zz, yy, xx = np.meshgrid(g0.z_mm, g0.y_mm, g0.x_mm, indexing="ij")
    g = _grid(30 + xx + 0.5 * yy - 0.3 * zz + rng.uniform(0, 2, xx.shape))
    roi = _blob(12.0)
    _, batched = dvh.structure_dvh(roi, g, thickness_mm=3.0)
    dvh._LAST_SAMPLER.clear()
    monkeypatch.setattr(dvh, "EDGE_POINTS", 1)
    monkeypatch.setattr(dvh, "FLUSH_SAMPLES", 1)
    _, each = dvh.structure_dvh(roi, g, thickness_mm=3.0)
    dvh._LAST_SAMPLER.clear()
    _assert_same_dvh(batched, each)


def test_whole_half_voxels_read_from_a_kept_larger_box() -> None:
    """Whole half-voxels (stop 26: one box kept per height, the largest asked; a box inside it read from it, another
    computed on its own) equal, bit for bit, the formulas on :meth:`half_fields`, whatever the order of the boxes: a
    small box first, a larger one replacing it, boxes inside it, a box reaching outside it. Fails when a box inside
    the kept one is read at the wrong offset (checked: the kept box's row instead of the asked one's)."""
    rng = np.random.default_rng(23)
    g = _grid(rng.uniform(0, 20, (5, 14, 16)))
    sp = dvh._Sampler(g, g.dose)
    z, thick = float(g.z_mm[2] + 0.75), 1.5
    kept = []
    for rows, cols in ((slice(5, 8), slice(6, 9)), (slice(2, 12), slice(3, 14)), (slice(4, 6), slice(5, 13)),
                       (slice(0, 14), slice(10, 16)), (slice(3, 4), slice(3, 4))):
        sel = rng.random((rows.stop - rows.start, cols.stop - cols.start)) < 0.6
        sel[-1, -1] = True
        d, w, lo, hi = sp.whole_samples(z, thick, rows, cols, sel)
        kept.append(sp._whole_cache[(z, thick)][:4])
        d_f, gx, gy, gz = (f[sel] for f in sp.half_fields(z, rows, cols))
        reach = np.abs(gz) * (thick / 2)
        assert np.array_equal(d, d_f)
        assert np.array_equal(w, np.sqrt((gx * g.spacing_mm[1]) ** 2 + (gy * g.spacing_mm[0]) ** 2 + (gz * thick) ** 2))
        assert lo == float((d_f - reach).min()) and hi == float((d_f + reach).max())
    # the larger box replaces the first; the one reaching outside it (smaller) is computed on its own, not kept
    assert kept == [(5, 8, 6, 9)] + [(2, 12, 3, 14)] * 4


def _stop25_sample_boundary(self: dvh._StructureAccumulator) -> None:
    """The edge voxels' points sampled as stop 25 did: each plane's points, one :meth:`_Sampler.at` per side."""
    pts, self.points, self._buffered = self.points, [], 0
    for bx, by, bw, sides, hx, hy in pts:
        for wt, c, length in sides:
            d, gx, gy, gz = self.sampler.at(bx, by, np.array(c, dtype=np.float64))
            w = np.sqrt((gx * hx) ** 2 + (gy * hy) ** 2 + (gz * np.float64(length)) ** 2)
            self.hist.add(d, w, bw * np.float64(wt), d, d)


@pytest.mark.parametrize("offset_mm, spacing_mm, nz", [(0.0, 3.0, 16), (1.0, 3.0, 16), (0.0, 2.0, 16), (0.7, 3.0, 5),
                                                       (0.0, 3.0, 1), (0.3, 9.0, 16)])
def test_edge_points_grouped_by_shared_dose_planes_equal_one_pass_per_side(
        offset_mm: float, spacing_mm: float, nz: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The edge voxels' points grouped by how their two sides' dose cells meet (stop 26) give the DVH of one
    :meth:`_Sampler.at` per plane and side (stop 25): contours on dose planes (the cells below and above share a
    plane), between two planes (both sides in one cell), 9 mm apart on a 3 mm grid (cells apart), reaching past the
    grid's planes (one-sided contour planes), a grid of one plane. The same Dmin, Dmax and volume, cumulative volumes
    to 1e-12 of the volume. Fails when a group takes the wrong plane pair (checked: the lower side given the upper
    cell's planes)."""
    rng = np.random.default_rng(29)
    g0 = _grid(np.zeros((nz, 20, 20)))
    zz, yy, xx = np.meshgrid(g0.z_mm, g0.y_mm, g0.x_mm, indexing="ij")
    g = _grid(30 + xx + 0.5 * yy - 0.8 * zz + rng.uniform(0, 2, xx.shape))
    planes = []
    for z in np.arange(-13.0, 13.0 + 1e-9, spacing_mm) + offset_mm:
        r = math.sqrt(max(13.0**2 - (z - offset_mm) ** 2, 0.0))
        if r < 1.0:
            continue
        t = np.linspace(0, 2 * math.pi, 40, endpoint=False)
        planes.append(ContourPlane(float(z), (np.column_stack([0.7 + r * np.cos(t), -0.4 + r * np.sin(t)]),)))
    roi = Roi(1, "ball", "ORGAN", tuple(planes))
    _, grouped = dvh.structure_dvh(roi, g, thickness_mm=spacing_mm)
    dvh._LAST_SAMPLER.clear()
    monkeypatch.setattr(dvh._StructureAccumulator, "_sample_boundary", _stop25_sample_boundary)
    _, each = dvh.structure_dvh(roi, g, thickness_mm=spacing_mm)
    dvh._LAST_SAMPLER.clear()
    _assert_same_dvh(grouped, each)


def test_plane_pieces_kept_for_the_next_structure_equal_its_own() -> None:
    """The pieces along z of a contour plane are kept by the sampler for the next structure of the plan
    (``_Sampler.plane_cache``): a structure sampled after another one sharing most of its heights (their
    end planes differ: an end cap on one side) gets the same DVH, bit for bit, as when sampled first."""
    rng = np.random.default_rng(11)
    g0 = _grid(np.zeros((16, 20, 20)))
    zz, yy, xx = np.meshgrid(g0.z_mm, g0.y_mm, g0.x_mm, indexing="ij")
    g = _grid(20 + xx + 0.5 * yy - 0.3 * zz + rng.uniform(0, 2, xx.shape))
    small, large = _blob(9.0), _blob(12.0)
    dvh._LAST_SAMPLER[:] = []
    _, alone = dvh.structure_dvh(small, g, thickness_mm=3.0)
    dvh._LAST_SAMPLER[:] = []
    dvh.structure_dvh(large, g, thickness_mm=3.0)
    kept = dict(dvh._LAST_SAMPLER[0][2].plane_cache)
    _, after = dvh.structure_dvh(small, g, thickness_mm=3.0)
    assert dvh._LAST_SAMPLER[0][2].plane_cache.keys() > kept.keys()  # its end planes are its own
    assert {p.z_mm for p in small.planes} < {k[0] for k in kept}  # ...the others were kept from the large one
    for got, ref in ((after.doses_gy, alone.doses_gy), (after.volumes_cc, alone.volumes_cc)):
        assert got.dtype == ref.dtype and got.tobytes() == ref.tobytes()
    assert (after.volume_cc, after.max_gy, after.min_gy) == (alone.volume_cc, alone.max_gy, alone.min_gy)
