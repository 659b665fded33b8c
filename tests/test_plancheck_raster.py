"""Rasterisation conventions of sbrt_calc.plancheck.raster (issue 14): in-plane sampling, slices,
end caps, holes and islands, the part outside the dose grid, self-intersecting polygons."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from samples import require_samples

from sbrt_calc.plancheck.dicom_io import ContourPlane, DoseGrid, Roi
from sbrt_calc.plancheck.dvh import structure_dose
from sbrt_calc.plancheck.metrics import d_cc, evaluate, v_gy_cc
from sbrt_calc.plancheck.raster import (
    _plane_cover,
    _plane_mask,
    combine,
    exact_area_mm2,
    rasterise,
    self_crossings,
    self_crossings_of,
)


def _grid(n: int = 20, h: float = 2.0, nz: int = 10, dose: np.ndarray | None = None) -> DoseGrid:
    x = (np.arange(n) - n / 2 + 0.5) * h
    z = (np.arange(nz) - nz / 2 + 0.5) * h
    d = np.ones((nz, n, n)) if dose is None else dose
    return DoseGrid("mem", d, x, x.copy(), z, "GY", "PLAN", "1.2.3", "1.2.3.4")


def _square(x0: float, x1: float, y0: float, y1: float) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=float)


def _roi(polys_by_z: dict[float, list[np.ndarray]], name: str = "S") -> Roi:
    return Roi(1, name, "ORGAN", tuple(ContourPlane(z, tuple(p)) for z, p in sorted(polys_by_z.items())))


def test_box_volume_is_area_times_planes_times_spacing_with_end_caps() -> None:
    """A 7.3 x 5.1 mm square on 4 planes 2 mm apart: 4 x 37.23 mm2 x 2 mm (end caps of t/2 each side),
    whatever the square's position against the voxels."""
    g = _grid()
    sq = _square(-3.1, 4.2, -1.7, 3.4)
    o = rasterise(_roi({z: [sq] for z in (-3.0, -1.0, 1.0, 3.0)}), g, thickness_mm=2.0)
    assert o.volume_cc == pytest.approx(4 * 7.3 * 5.1 * 2.0 / 1000, rel=1e-9)
    assert o.in_grid_cc == pytest.approx(o.volume_cc, rel=1e-6)
    assert o.outside_cc == pytest.approx(0.0, abs=1e-9)
    assert float(o.fraction.max()) <= 1.0


def test_single_plane_takes_the_given_thickness() -> None:
    g = _grid()
    o = rasterise(_roi({0.0: [_square(-2, 2, -2, 2)]}), g, thickness_mm=3.0)
    assert o.volume_cc == pytest.approx(16 * 3.0 / 1000)


def test_hole_and_islands_by_the_even_odd_rule() -> None:
    """An outer 16 x 16 square with an 8 x 8 hole (any orientation), plus a disjoint 4 x 4 island."""
    g = _grid(n=30)
    outer = _square(-8, 8, -8, 8)
    hole = _square(-4, 4, -4, 4)[::-1]
    island = _square(12, 16, 12, 16)
    o = rasterise(_roi({0.0: [outer, hole, island]}), g, thickness_mm=2.0)
    assert o.volume_cc == pytest.approx((256 - 64 + 16) * 2.0 / 1000, rel=1e-9)
    assert exact_area_mm2([outer, hole, island]) == pytest.approx(256 - 64 + 16)
    # the hole's centre voxel is empty
    full = o.full(g.shape)
    assert full[:, 15, 15].max() == 0.0


def test_slab_split_between_two_dose_planes() -> None:
    """A contour plane midway between two dose planes gives each voxel half of the slab."""
    g = _grid(nz=4, h=2.0)  # dose planes at -3, -1, 1, 3
    o = rasterise(_roi({0.0: [_square(-10, 10, -10, 10)]}), g, thickness_mm=2.0)
    full = o.full(g.shape)
    assert full[1, 10, 10] == pytest.approx(0.5) and full[2, 10, 10] == pytest.approx(0.5)


def test_part_outside_the_grid_in_plane_and_in_z_is_measured() -> None:
    """The grid spans -20..20 mm in x, y and -10..10 mm in z. A square from 10 to 30 mm in x on
    planes -13..13 mm: half its area and 3 mm of slab at each end lie outside."""
    g = _grid(n=20, h=2.0, nz=10)
    zs = [float(z) for z in np.arange(-13, 14, 2)]  # 14 planes, slabs -14..14
    o = rasterise(_roi({z: [_square(10, 30, -5, 5)] for z in zs}), g, thickness_mm=2.0)
    total = 200 * 28 / 1000
    inside = 100 * 20 / 1000
    assert o.volume_cc == pytest.approx(total)
    assert o.in_grid_cc == pytest.approx(inside)
    assert o.outside_cc == pytest.approx(total - inside)
    assert o.partly_outside
    sd = structure_dose(o, g)
    assert sd.partly_outside and sd.volume_cc == pytest.approx(total)
    mv = evaluate("Max[Gy]", sd)
    assert not mv.complete and "outside the dose grid" in mv.note


@pytest.mark.parametrize("start", range(4))
@pytest.mark.parametrize("reverse", [False, True])
def test_diamond_with_its_lowest_vertex_on_a_sampling_row_is_simple(start: int, reverse: bool) -> None:
    """Issue 17's reproducer: a 4-point diamond whose lowest vertex lies exactly on a sampling row
    (y = 0.25 mm: a row of the 4 x 4 lattice of the 2 mm grid) was called self-intersecting for
    some point orders. It is a simple polygon: filled, exact area 2 x 3 x 3 = 18 mm2, no note."""
    diamond = np.array([[0.0, 0.25], [3.0, 3.25], [0.0, 6.25], [-3.0, 3.25]])
    diamond = np.roll(diamond[::-1] if reverse else diamond, start, axis=0)
    o = rasterise(_roi({0.0: [diamond]}, "Diamond"), _grid(), thickness_mm=2.0)
    assert o.volume_cc == pytest.approx(18.0 * 2.0 / 1000, rel=1e-9)
    assert not any("self-intersecting" in n for n in o.notes)


def test_bow_tie_is_filled_by_the_even_odd_rule_with_a_note() -> None:
    """A genuine figure of eight (two triangles of 25 mm2 meeting at the origin) is not refused:
    it is filled by the even-odd rule (both lobes), its area taken from the sampled fill (the
    shoelace formula gives 0 for it) and the structure's notes name the plane and the crossing."""
    bowtie = np.array([[-5, -5], [5, 5], [5, -5], [-5, 5]], dtype=float)
    assert self_crossings(bowtie) == pytest.approx(np.array([[0.0, 0.0]]))
    o = rasterise(_roi({0.0: [bowtie]}, "Bow"), _grid(), thickness_mm=2.0)
    assert o.volume_cc == pytest.approx(50.0 * 2.0 / 1000, rel=0.03)
    assert any("self-intersecting contour on plane z = 0 mm" in n and "even-odd" in n for n in o.notes)


def test_self_crossings_ignores_touching_repeated_and_collinear_points() -> None:
    """Not crossings: a repeated vertex, a vertex lying on another edge (self-touching), a spike that
    folds back along its own edge. A crossing of two long edges far apart in the point order is found."""
    repeated = np.array([[0, 0], [4, 0], [4, 0], [4, 4], [0, 4]], dtype=float)
    touching = np.array([[0, 0], [4, 0], [4, 4], [2, 0], [0, 4]], dtype=float)  # (2, 0) lies on the first edge
    spike = np.array([[0, 0], [4, 0], [6, 0], [4, 0], [4, 4], [0, 4]], dtype=float)
    for poly in (repeated, touching, spike):
        assert self_crossings(poly).shape == (0, 2)
    t = np.linspace(0, 2 * math.pi, 200, endpoint=False) + 0.01  # the crossing between vertices
    eight = np.column_stack([10 * np.sin(t), 5 * np.sin(2 * t)])  # a lemniscate: one crossing at the origin
    c = self_crossings(eight)
    assert c.shape[0] == 1 and np.allclose(c[0], 0.0, atol=1e-3)


def _crossings_by_every_pair(poly: np.ndarray) -> np.ndarray:
    """Proper crossings by testing every pair of non-adjacent edges (the definition of :func:`self_crossings`,
    written independently: no candidate search), sorted by (x, y)."""
    p = poly[np.any(poly != np.roll(poly, 1, axis=0), axis=1)]
    n = p.shape[0]
    if n < 4:
        return np.zeros((0, 2))
    size = float(np.hypot(np.ptp(p[:, 0]), np.ptp(p[:, 1]))) or 1.0
    out = []
    for i in range(n):
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue
            a, b, c, d = p[i], p[(i + 1) % n], p[j], p[(j + 1) % n]
            ei, ej = b - a, d - c
            ti, tj = 1e-9 * size * math.hypot(*ei), 1e-9 * size * math.hypot(*ej)
            o1, o2 = ei[0] * (c - a)[1] - ei[1] * (c - a)[0], ei[0] * (d - a)[1] - ei[1] * (d - a)[0]
            o3, o4 = ej[0] * (a - c)[1] - ej[1] * (a - c)[0], ej[0] * (b - c)[1] - ej[1] * (b - c)[0]
            if ((o1 > ti and o2 < -ti) or (o1 < -ti and o2 > ti)) and ((o3 > tj and o4 < -tj) or (o3 < -tj and o4 > tj)):
                out.append(a + ei * (o3 / (o3 - o4)))
    return np.array(sorted(map(tuple, out))).reshape(-1, 2)


def test_self_crossings_of_many_polygons_equal_each_alone_and_every_pair() -> None:
    """Stop 26: the crossings of all polygons of a structure are found in one pass (edges sorted by polygon,
    then lowest x). Each polygon's crossings are exactly those of the polygon alone (same points, same
    order, for any grouping and chunk size) and the set every pair of non-adjacent edges gives (random
    polygons: tangles, grid points with repeats and collinear runs, lemniscates, single points)."""
    rng = np.random.default_rng(26)
    polys = []
    for it in range(60):
        n = int(rng.integers(1, 25))
        kind = it % 4
        if kind == 0:
            polys.append(rng.normal(size=(n, 2)) * 10)
        elif kind == 1:
            polys.append(np.round(rng.normal(size=(n, 2)) * 2))
        elif kind == 2:
            t = np.linspace(0, 2 * math.pi, n + 4, endpoint=False) + 0.01
            polys.append(np.column_stack([10 * np.sin(t), 5 * np.sin(2 * t)]))
        else:
            polys.append(np.repeat(rng.normal(size=(1, 2)), n, axis=0))
    alone = [self_crossings(p) for p in polys]
    assert sum(a.shape[0] > 0 for a in alone) > 20
    for p, a in zip(polys, alone, strict=True):
        got = a[np.lexsort((a[:, 1], a[:, 0]))] if a.size else a.reshape(0, 2)
        assert np.allclose(got, _crossings_by_every_pair(p), rtol=0, atol=1e-9)
    for group, max_pairs in ((1, 2_000_000), (7, 5), (60, 2_000_000), (60, 1)):
        for k in range(0, len(polys), group):
            batch = self_crossings_of(polys[k:k + group], max_pairs)
            for a, b in zip(alone[k:k + group], batch, strict=True):
                assert a.shape == b.shape and np.array_equal(a, b)


def test_boundary_points_inside_equal_an_even_odd_test_point_by_point() -> None:
    """Stop 26: a boundary voxel's sub-row takes its first point's count of crossings for all its points unless
    a crossing lies between its first and last point. Every supersampled point's inside flag
    (:class:`BoundarySamples`) equals an independent even-odd test at that point, and the cover of each
    supersampled voxel is its share of points inside (wobbly outlines with a hole and a thin spike: sub-rows
    crossed once, twice and more within one voxel)."""
    s, dx, dy = 4, 2.5, 2.0
    sub = (np.arange(s) + 0.5) / s - 0.5
    t = np.linspace(0, 2 * math.pi, 83, endpoint=False)
    outer = np.column_stack([3.1 + 21 * (1 + 0.25 * np.sin(7 * t)) * np.cos(t),
                             -1.7 + 17 * (1 + 0.25 * np.sin(7 * t)) * np.sin(t)])
    hole = np.column_stack([5.3 + 4.2 * np.cos(t[::-1]), 0.9 + 3.3 * np.sin(t[::-1])])
    spike = np.array([[-30.1, -20.3], [-29.2, -20.1], [-12.7, 9.9], [-29.9, -19.4]])
    polys = (outer, hole, spike)
    x_first, y_first, nrow, ncol = -31.0, -22.5, 24, 26
    cover, _, bnd = _plane_cover(polys, x_first, y_first, dx, dy, nrow, ncol, s, "wobbly", 0.0)
    px = x_first + dx * (bnd.cols[:, None] + sub[None, :])  # (voxel, sub-column)
    py = y_first + dy * (bnd.rows[:, None] + sub[None, :])  # (voxel, sub-row)
    X = np.broadcast_to(px[:, None, :], (px.shape[0], s, s))
    Y = np.broadcast_to(py[:, :, None], (px.shape[0], s, s))
    want = np.zeros(X.shape, dtype=bool)
    for poly in polys:
        for (xa, ya), (xb, yb) in zip(poly, np.roll(poly, -1, axis=0), strict=True):
            crosses = (ya <= Y) != (yb <= Y)
            with np.errstate(divide="ignore", invalid="ignore"):
                xi = xa + (Y - ya) * (xb - xa) / (yb - ya)
            want ^= crosses & (xi < X)
    want = want.reshape(-1, s * s)
    partial = want.any(axis=1) & ~want.all(axis=1)
    rows_mixed = (want.reshape(-1, s, s).any(axis=2) & ~want.reshape(-1, s, s).all(axis=2)).sum()
    assert partial.sum() > 100 and rows_mixed > 200
    assert np.array_equal(bnd.inside, want)
    assert np.array_equal(cover[bnd.rows, bnd.cols], want.mean(axis=1))


def test_nesting_depths_of_a_plane_at_once_equal_each_pair() -> None:
    """Stop 26: the nesting depth of each polygon of a plane (how many others hold its first vertex: a hole
    at odd depth) is found for all pairs at once; it equals the one-pair test (``_inside``) for nested rings,
    islands and overlapping shapes, and the exact area follows it (a ring with a hole and an island)."""
    from sbrt_calc.plancheck.raster import _inside, _nesting_depths, _outline

    rng = np.random.default_rng(7)
    t = np.linspace(0, 2 * math.pi, 40, endpoint=False)
    for _ in range(30):
        polys = []
        for _ in range(int(rng.integers(2, 6))):
            c, r = rng.uniform(-10, 10, 2), rng.uniform(1, 15)
            polys.append(np.column_stack([c[0] + r * np.cos(t), c[1] + r * np.sin(t)]))
        want = [sum(_inside(p[0], q) for j, q in enumerate(polys) if j != i) for i, p in enumerate(polys)]
        assert _nesting_depths(polys, _outline(polys)) == want
    ring = [_square(-10, 10, -10, 10), _square(-5, 5, -5, 5), _square(-2, 2, -2, 2), _square(20, 24, 0, 3)]
    assert _nesting_depths(ring, _outline(ring)) == [0, 1, 2, 0]
    assert exact_area_mm2(ring) == pytest.approx(400 - 100 + 16 + 12)


def test_edge_supersampling_equals_full_supersampling() -> None:
    """Supersampling only the voxels near an edge gives the same cover as every voxel's points."""
    rng = np.random.default_rng(3)
    s, dx, dy = 4, 2.5, 2.0
    for _ in range(40):
        n = int(rng.integers(3, 30))
        t = (np.arange(n) + rng.uniform(0, 0.9, n)) * 2 * math.pi / n  # star-shaped about the origin: simple
        r = rng.uniform(3, 20, n)
        poly = np.column_stack([r * np.cos(t), r * np.sin(t)])
        x0, y0, nr, nc = -25 + 0.7, -23.0, 24, 21
        sub = (np.arange(s) + 0.5) / s - 0.5
        xs = (x0 + dx * (np.arange(nc)[:, None] + sub)).ravel()
        ys = (y0 + dy * (np.arange(nr)[:, None] + sub)).ravel()
        full = _plane_mask([poly], xs, ys, "p", 0.0).reshape(nr, s, nc, s).mean(axis=(1, 3))
        assert np.allclose(_plane_cover([poly], x0, y0, dx, dy, nr, nc, s, "p", 0.0)[0], full)


def test_circle_area_matches_its_polygon() -> None:
    """A small circle (radius 2.6 voxels) sampled 4 x 4 per voxel can be off by a few per cent;
    the partly covered voxels are scaled to the polygon's exact area."""
    g = _grid(n=20, h=2.5)
    t = np.arange(64) * 2 * math.pi / 64
    circle = np.column_stack([6.5 * np.cos(t), 6.5 * np.sin(t) + 1.25])
    o = rasterise(_roi({0.0: [circle]}), g, thickness_mm=2.5)
    area = 32 * 6.5**2 * math.sin(2 * math.pi / 64)
    assert o.volume_cc == pytest.approx(area * 2.5 / 1000, rel=1e-9)


def test_dvh_metrics_on_a_two_dose_box() -> None:
    """A 20 x 20 x 8 mm box (3.2 cc), half in 10 Gy and half in 20 Gy: V15Gy = 1.6 cc, D1cc = 20 Gy,
    D2cc = 10 Gy, mean 15 Gy, D50% at the step."""
    g = _grid(n=20, h=2.0, nz=8)
    dose = np.full(g.shape, 10.0)
    dose[:, :, 10:] = 20.0  # x > 0
    g = _grid(n=20, h=2.0, nz=8, dose=dose)
    zs = [-3.0, -1.0, 1.0, 3.0]
    sd = structure_dose(rasterise(_roi({z: [_square(-10, 10, -10, 10)] for z in zs}), g, thickness_mm=2.0), g)
    assert sd.volume_cc == pytest.approx(3.2)
    assert v_gy_cc(sd, 15.0) == pytest.approx(1.6)
    assert d_cc(sd, 1.0) == pytest.approx(20.0) and d_cc(sd, 2.0) == pytest.approx(10.0)
    assert evaluate("Mean[Gy]", sd).value == pytest.approx(15.0)
    assert evaluate("V15Gy[%]", sd).value == pytest.approx(50.0)
    assert evaluate("CV15Gy[cc]", sd).value == pytest.approx(1.6)
    assert evaluate("Max[%]", sd, prescription_gy=40.0).value == pytest.approx(50.0)
    assert d_cc(sd, 5.0) is None
    edges, cum = sd.cumulative(0.5)
    assert cum[0] == pytest.approx(3.2) and cum[-1] == 0.0
    lo, diff = sd.differential(0.5)
    assert diff.sum() == pytest.approx(3.2)


def test_combine_subtracts_inner_structure() -> None:
    g = _grid(n=20, h=2.0, nz=4)
    zs = [-3.0, -1.0, 1.0, 3.0]
    outer = rasterise(_roi({z: [_square(-10, 10, -10, 10)] for z in zs}, "Lungs"), g, thickness_mm=2.0)
    inner = rasterise(_roi({z: [_square(-4, 4, -4, 4)] for z in zs}, "GTV"), g, thickness_mm=2.0)
    c = combine("Lungs-GTV", g.shape, [outer], [inner], g)
    assert c.in_grid_cc == pytest.approx((400 - 64) * 8 / 1000)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from strategies import examples  # noqa: E402


@settings(max_examples=examples(40), deadline=None)
@given(x0=st.floats(-30, 25), y0=st.floats(-30, 25), w=st.floats(0.3, 30), h=st.floats(0.3, 30),
       n_planes=st.integers(1, 12), z_first=st.floats(-16, 10))
def test_any_rectangle_volume_is_exact_inside_plus_outside(x0: float, y0: float, w: float, h: float,
                                                           n_planes: int, z_first: float) -> None:
    """Whatever its position (also across the grid's edges), a rectangle's volume is area x planes x t,
    and what the grid holds plus what it reports outside adds up to it."""
    g = _grid(n=20, h=2.0, nz=10)
    zs = [z_first + 2.0 * k for k in range(n_planes)]
    o = rasterise(_roi({z: [_square(x0, x0 + w, y0, y0 + h)] for z in zs}), g, thickness_mm=2.0)
    total = w * h * 2.0 * n_planes / 1000
    assert o.volume_cc == pytest.approx(total, rel=1e-9)
    assert o.in_grid_cc + o.outside_cc == pytest.approx(total, rel=1e-6, abs=1e-9)
    # the exact in-grid part: the rectangle and slabs clipped to the grid (-20..20 in x, y; -10..10 in z)
    cx = max(0.0, min(x0 + w, 20) - max(x0, -20))
    cy = max(0.0, min(y0 + h, 20) - max(y0, -20))
    cz = sum(max(0.0, min(z + 1, 10) - max(z - 1, -10)) for z in zs)
    assert o.in_grid_cc == pytest.approx(cx * cy * cz / 1000, rel=1e-6, abs=1e-9)


def test_slab_thickness_of_a_structure() -> None:
    """A structure contoured every 5 mm on a 2.5 mm set keeps 5 mm slabs; one on 2 planes takes the set's."""
    from sbrt_calc.plancheck.raster import thickness_for

    every5 = _roi({z: [_square(-2, 2, -2, 2)] for z in (0.0, 5.0, 10.0, 15.0)})
    assert thickness_for(every5, 2.5) == 5.0
    two = _roi({z: [_square(-2, 2, -2, 2)] for z in (0.0, 10.0)})
    assert thickness_for(two, 2.5) == 2.5


def test_no_real_contour_is_called_self_intersecting() -> None:
    """Issue 17: the old check fired on 63 of 109 real ROIs. Every contour of every ROI of the Eclipse
    export and of the 50 Nelms 2015 structure sets (110 ROIs, 1,751 contours): no crossing found, and
    no ROI gets the self-intersection note when rasterised (``shared/dicom-samples``; skipped without it)."""

    from sbrt_calc.plancheck.dicom_io import read_rtstruct

    samples = require_samples()
    files = [samples / "eclipse-breast" / "rtss.dcm", *sorted((samples / "nelms-2015" / "structures").glob("*.dcm"))]
    rois = contours = 0
    for f in files:
        for roi in read_rtstruct(f).rois:
            rois += 1
            for plane in roi.planes:
                for poly in plane.polygons:
                    contours += 1
                    assert self_crossings(poly).shape == (0, 2), (f.name, roi.name, plane.z_mm)
    assert rois == 110 and contours == 1751


def test_edges_of_all_planes_at_once_equal_plane_by_plane(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stop 26: the edge points, their voxels and the sub-rows' crossings of all a structure's planes are
    computed in one pass (``_prepare``), each plane with its own box. The occupancy and every plane's samples
    equal those computed plane by plane (planes of different sizes and positions, one with an island and a
    hole, one partly outside the grid)."""
    from sbrt_calc.plancheck import raster
    from sbrt_calc.plancheck.raster import _Outline

    t = np.linspace(0, 2 * math.pi, 31, endpoint=False)

    def ring(cx: float, cy: float, r: float) -> np.ndarray:
        return np.column_stack([cx + r * np.cos(t), cy + r * (1 + 0.2 * np.sin(3 * t)) * np.sin(t)])

    roi = _roi({0.0: [ring(0.3, 0.1, 6.0)], 2.0: [ring(-3.1, 2.2, 11.0), ring(-3.0, 2.0, 4.0), ring(12.0, -9.0, 3.0)],
                4.0: [ring(5.5, -4.4, 2.1)], 6.0: [ring(-14.0, 15.0, 9.0)], 8.0: [ring(1.0, 1.0, 16.5)]})

    def samples() -> tuple[Any, list[Any]]:
        seen: list[Any] = []
        occ = rasterise(roi, _grid(), thickness_mm=2.0, on_plane=lambda ps: seen.append(
            (ps.row0, ps.col0, ps.cover.copy(), ps.boundary.rows, ps.boundary.cols, ps.boundary.inside,
             ps.boundary.edge_points)))
        return occ, seen

    occ, seen = samples()
    batched = raster._prepare

    def one_by_one(o, offsets, x_first, y_first, nrow, ncol, dx, dy, s):  # type: ignore[no-untyped-def]
        out = []
        for p in range(offsets.size - 1):
            e0, e1 = int(offsets[p]), int(offsets[p + 1])
            one = _Outline(o.a[e0:e1], o.b[e0:e1], o.d[e0:e1], o.length[e0:e1], o.poly, o.first)
            out += batched(one, np.array([0, e1 - e0]), x_first[p:p + 1], y_first[p:p + 1], nrow[p:p + 1],
                           ncol[p:p + 1], dx, dy, s)
        return out

    monkeypatch.setattr(raster, "_prepare", one_by_one)
    occ1, seen1 = samples()
    assert occ1.origin == occ.origin and np.array_equal(occ1.fraction, occ.fraction)
    assert (occ1.volume_cc, occ1.in_grid_cc, occ1.outside_cc) == (occ.volume_cc, occ.in_grid_cc, occ.outside_cc)
    assert occ.outside_cc > 0 and len(seen) == 5
    for a, b in zip(seen, seen1, strict=True):
        assert a[:2] == b[:2] and all(np.array_equal(x, y) for x, y in zip(a[2:], b[2:], strict=True))
