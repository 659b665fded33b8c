"""Closed planar contours to fractional occupancy of the dose grid's voxels.

Conventions (stated here, tested in ``tests/test_plancheck_raster.py``):

- **In-plane**: each dose voxel is sampled on an ``s x s`` lattice of points (default ``s = 4``:
  0.625 mm at a 2.5 mm grid) at ``((k + 0.5) / s - 0.5)`` voxel widths from its centre. A point is
  inside a plane's structure by the **even-odd rule** over all polygons on that plane: a polygon
  inside another is a hole, two disjoint polygons are two islands. Edges are half-open in y
  (``y0 <= y < y1``), so a point on a horizontal edge is counted once. The in-plane area fraction
  of a voxel is the fraction of its points inside.
- **Slices**: a contour on plane ``z_k`` stands for the slab ``z_k +- t/2``, where ``t`` is the
  structure's plane spacing (the median spacing of its planes when it has 3 or more; otherwise the
  structure set's, see :func:`thickness_for`; else the dose grid's). **End caps**: the first and last slabs extend
  ``t/2`` beyond their planes (volume = sum of plane areas x ``t``, as a planning system counts
  CT slices). Planes farther apart than ``1.5 t`` leave the gap empty.
- **Dose voxels** span the midpoints between dose planes (half a spacing beyond the end planes).
  A slab overlapping two dose voxels gives each its share (overlap / voxel thickness).
- **Outside the grid**: the part of a structure's area or slab that falls outside the dose grid
  is measured (``outside_cc``) and reported; it is never dropped silently.
- **Self-intersection**: on each sampled row, a simple polygon's edge crossings alternate in
  direction and start with the same direction on every row; a polygon that breaks this (a
  figure of eight) is reported. Loops smaller than the sampling step can pass unseen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sbrt_calc.plancheck.dicom_io import ContourPlane, DoseGrid, Roi

DEFAULT_SUPERSAMPLE = 4


def _next(a: np.ndarray) -> np.ndarray:
    """``np.roll(a, -1, axis=0)`` without its overhead: each element's successor (cyclic)."""
    return np.concatenate((a[1:], a[:1]))


@dataclass(frozen=True)
class Occupancy:
    """Fraction of each dose voxel inside a structure, over a box of the grid.

    ``fraction[k, r, c]`` belongs to dose voxel ``(z0 + k, y0 + r, x0 + c)``. ``volume_cc`` is
    the whole contoured volume; ``in_grid_cc`` the part inside the dose grid; ``outside_cc`` the
    rest (> 0 means the structure is partly outside the grid).
    """

    name: str
    origin: tuple[int, int, int]
    fraction: np.ndarray
    volume_cc: float
    in_grid_cc: float
    outside_cc: float
    thickness_mm: float
    notes: tuple[str, ...] = ()

    @property
    def partly_outside(self) -> bool:
        return self.outside_cc > 1e-6 * max(self.volume_cc, 1e-9) and self.outside_cc > 1e-4

    def full(self, shape: tuple[int, int, int]) -> np.ndarray:
        """The fraction embedded in a whole-grid array (float32)."""
        out = np.zeros(shape, dtype=np.float32)
        z0, y0, x0 = self.origin
        nz, ny, nx = self.fraction.shape
        out[z0:z0 + nz, y0:y0 + ny, x0:x0 + nx] = self.fraction
        return out


def structure_thickness_mm(rois: Sequence[Roi], grid: DoseGrid) -> float:
    """The structure set's plane spacing: median spacing of all contour planes (else the grid's)."""
    zs = np.unique(np.round([p.z_mm for r in rois for p in r.planes], 2))
    if zs.size > 1:
        return float(np.median(np.diff(zs)))
    bounds = grid.z_bounds_mm()
    return float(np.median(np.diff(bounds)))


def thickness_for(roi: Roi, set_thickness_mm: float) -> float:
    """Slab thickness of *roi*: its own median plane spacing with 3 or more planes, else the set's."""
    zs = np.array([p.z_mm for p in roi.planes])
    if zs.size >= 3:
        return float(np.median(np.diff(zs)))
    return set_thickness_mm


@dataclass(frozen=True)
class _Outline:
    """The polygons of one plane end to end: each edge's start ``a``, end ``b`` (the next vertex of its own
    polygon), vector ``d = b - a``, length and polygon number; ``first`` is each polygon's first edge."""

    a: np.ndarray
    b: np.ndarray
    d: np.ndarray
    length: np.ndarray
    poly: np.ndarray
    first: np.ndarray


def _outlines(planes: Sequence[ContourPlane]) -> tuple[list[_Outline], _Outline, np.ndarray]:
    """:func:`_outline` of each plane, the edges of all planes computed at once; also all planes' edges as one
    outline (its ``poly`` and ``first`` unused) and each plane's first edge (and the count, last)."""
    sizes = [q.shape[0] for plane in planes for q in plane.polygons]
    a = np.concatenate([q for plane in planes for q in plane.polygons]).astype(np.float64, copy=False)
    ends = np.cumsum(sizes)
    nxt = np.arange(1, a.shape[0] + 1)
    some = np.asarray(sizes) > 0
    nxt[ends[some] - 1] = (ends - np.asarray(sizes))[some]
    b = a[nxt]
    d = b - a
    length = np.hypot(d[:, 0], d[:, 1])
    out = []
    k = e0 = 0
    offsets = [0]
    for plane in planes:
        m = len(plane.polygons)
        own = sizes[k:k + m]
        e1 = e0 + sum(own)
        first = np.cumsum(own) - own
        out.append(_Outline(a[e0:e1], b[e0:e1], d[e0:e1], length[e0:e1], np.repeat(np.arange(m), own), first))
        k, e0 = k + m, e1
        offsets.append(e1)
    none = np.zeros(0, dtype=np.int64)
    return out, _Outline(a, b, d, length, none, none), np.array(offsets)


@dataclass(frozen=True)
class _Prepared:
    """What :func:`_plane_cover` computes from a plane's edges alone: the edge points every h/4 (``ring``),
    the voxel of each (``cell``: flat index in the box with a border of one voxel) and the sub-rows'
    crossings (``srows``, ``sx``), computed for all planes of a structure at once (:func:`_prepare`)."""

    ring: np.ndarray
    cell: np.ndarray
    srows: np.ndarray
    sx: np.ndarray


def _prepare(o: _Outline, offsets: np.ndarray, x_first: np.ndarray, y_first: np.ndarray, nrow: np.ndarray,
             ncol: np.ndarray, dx: float, dy: float, s: int) -> list[_Prepared]:
    """The edge points and sub-row crossings of every plane (boxes given per plane), with the arithmetic of
    :func:`_plane_cover` element by element."""
    sub0 = ((np.arange(s) + 0.5) / s - 0.5)[0]
    plane_of = np.repeat(np.arange(offsets.size - 1), np.diff(offsets))  # each edge's plane
    step = min(dx, dy) / 4
    n = np.maximum(np.ceil(o.length / step).astype(np.int64), 1)
    k = np.repeat(np.arange(n.size), n)
    t = (np.arange(k.size) - (np.cumsum(n) - n)[k]) / n[k]
    ring = o.a[k] + o.d[k] * t[:, None]
    pk = plane_of[k]
    c = np.minimum(np.maximum(np.floor((ring[:, 0] - x_first[pk]) / dx + 0.5).astype(np.int64), -1), ncol[pk]) + 1
    r = np.minimum(np.maximum(np.floor((ring[:, 1] - y_first[pk]) / dy + 0.5).astype(np.int64), -1), nrow[pk]) + 1
    cell = r * (ncol[pk] + 2) + c
    # the sub-rows' crossings (as _row_crossings, each plane with its own first sub-row and count)
    yf = (y_first + sub0 * dy)[plane_of]
    hy = dy / s
    rows_n = (nrow * s)[plane_of]
    ya, yb = o.a[:, 1], o.b[:, 1]
    lo, hi = np.minimum(ya, yb), np.maximum(ya, yb)
    r0 = np.minimum(np.maximum(np.ceil((lo - yf) / hy).astype(np.int64), 0), rows_n)
    r1 = np.minimum(np.maximum(np.ceil((hi - yf) / hy).astype(np.int64), 0), rows_n)
    count = np.maximum(r1 - r0, 0)
    edge = np.repeat(np.arange(ya.size), count)
    row = np.repeat(r0 - (np.cumsum(count) - count), count) + np.arange(edge.size)
    y = yf[edge] + row * hy
    tt = (y - ya[edge]) / o.d[edge, 1]
    x = o.a[edge, 0] + tt * o.d[edge, 0]
    ring_at = np.concatenate(([0], np.cumsum(n)))[offsets].tolist()
    cross_at = np.concatenate(([0], np.cumsum(count)))[offsets].tolist()
    return [_Prepared(ring[ring_at[p]:ring_at[p + 1]], cell[ring_at[p]:ring_at[p + 1]],
                      row[cross_at[p]:cross_at[p + 1]], x[cross_at[p]:cross_at[p + 1]])
            for p in range(offsets.size - 1)]


def _outline(polygons: Sequence[np.ndarray]) -> _Outline:
    if len(polygons) == 1:
        a = np.asarray(polygons[0], dtype=np.float64)
        b = _next(a)
        sizes = np.array([a.shape[0]])
    else:
        a = np.concatenate(polygons).astype(np.float64, copy=False)
        sizes = np.array([q.shape[0] for q in polygons])
        nxt = np.arange(1, a.shape[0] + 1)
        ends = np.cumsum(sizes)
        nxt[ends[sizes > 0] - 1] = (ends - sizes)[sizes > 0]
        b = a[nxt]
    d = b - a
    first = np.cumsum(sizes) - sizes
    return _Outline(a, b, d, np.hypot(d[:, 0], d[:, 1]), np.repeat(np.arange(sizes.size), sizes), first)


def _crossings(polygons: Sequence[np.ndarray], y_first: float, hy: float, nrow: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Edge crossings of the rows ``y_first + i hy`` (i < nrow): (row, x, direction, polygon)."""
    if not polygons:
        e = np.zeros(0, dtype=np.int64)
        return e, np.zeros(0), e.astype(np.int8), e
    o = _outline(polygons)
    rows, xint, edge = _row_crossings(o, y_first, hy, nrow)
    return rows, xint, np.sign(o.b[edge, 1] - o.a[edge, 1]).astype(np.int8), o.poly[edge]


def _row_crossings(o: _Outline, y_first: float, hy: float, nrow: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Crossings of the rows ``y_first + i hy`` (i < nrow) with the outline's edges: (row, x, edge).

    Each edge is crossed by the rows with ``min(ya, yb) <= y < max(ya, yb)``; listed edge by edge
    (polygon by polygon), rows ascending within an edge.
    """
    ya, yb = o.a[:, 1], o.b[:, 1]
    lo, hi = np.minimum(ya, yb), np.maximum(ya, yb)
    r0 = np.minimum(np.maximum(np.ceil((lo - y_first) / hy).astype(np.int64), 0), nrow)   # first row with y >= lo
    r1 = np.minimum(np.maximum(np.ceil((hi - y_first) / hy).astype(np.int64), 0), nrow)   # rows with y < hi
    count = np.maximum(r1 - r0, 0)
    edge = np.repeat(np.arange(ya.size), count)
    row = np.repeat(r0 - (np.cumsum(count) - count), count) + np.arange(edge.size)
    y = y_first + row * hy
    t = (y - ya[edge]) / o.d[edge, 1]
    return row, o.a[edge, 0] + t * o.d[edge, 0], edge


def _fill(rows: np.ndarray, xint: np.ndarray, x_first: float, hx: float, nrow: int, ncol: int) -> np.ndarray:
    """Even-odd inside test of the lattice ``(row, x_first + j hx)`` from the crossings."""
    return _parity(rows, xint, x_first, hx, nrow, ncol).astype(bool)


def _parity(rows: np.ndarray, xint: np.ndarray, x_first: float, hx: float, nrow: int, ncol: int) -> np.ndarray:
    """:func:`_fill` as 0 / 1 (uint8)."""
    idx = np.minimum(np.maximum(np.floor((xint - x_first) / hx).astype(np.int64) + 1, 0), ncol)
    toggles = np.bincount(rows * (ncol + 1) + idx, minlength=nrow * (ncol + 1)).reshape(nrow, ncol + 1)
    out = np.cumsum(toggles[:, :ncol].astype(np.uint8), axis=1, dtype=np.uint8)
    out &= 1
    return out


def _plane_mask(polygons: Sequence[np.ndarray], xs: np.ndarray, ys: np.ndarray, name: str, z: float) -> np.ndarray:
    """Even-odd fill of *polygons* at sample points ``xs`` (columns) x ``ys`` (rows); regular steps."""
    nrow, ncol = ys.size, xs.size
    hx = xs[1] - xs[0] if ncol > 1 else 1.0
    hy = ys[1] - ys[0] if nrow > 1 else 1.0
    rows, xint, dirs, poly = _crossings(polygons, float(ys[0]), float(hy), nrow)
    if rows.size == 0:
        return np.zeros((nrow, ncol), dtype=bool)
    return _fill(rows, xint, float(xs[0]), float(hx), nrow, ncol)


@dataclass(frozen=True)
class BoundarySamples:
    """The supersampled voxels of one plane: their (row, col) in the plane's box, which of their
    ``s x s`` points are inside (``inside[k, i * s + j]``: sub-row i, sub-column j), and points on
    the polygons' edges every h/4 (x, y)."""

    rows: np.ndarray
    cols: np.ndarray
    inside: np.ndarray
    edge_points: np.ndarray


def _plane_cover(polygons: Sequence[np.ndarray] | _Outline, x_first: float, y_first: float, dx: float, dy: float,
                 nrow: int, ncol: int, s: int, name: str, z: float, pre: _Prepared | None = None
                 ) -> tuple[np.ndarray, np.ndarray, BoundarySamples]:
    """In-plane area fraction of each voxel of a box (first voxel centre at x_first, y_first).

    Equal to filling all ``s x s`` points of every voxel, but only the voxels an edge passes
    near (the voxels holding a point of an edge sampled every h/4, and their 8 neighbours) are
    supersampled; the others are wholly inside or outside, decided at one of their lattice points. Also returns
    the boundary's length in each voxel (edge points every h/4) and the supersampled voxels'
    points (:class:`BoundarySamples`).
    """
    sub = ((np.arange(s) + 0.5) / s - 0.5)
    if pre is None:
        o = polygons if isinstance(polygons, _Outline) else _outline(polygons)
        pre = _prepare(o, np.array([0, o.a.shape[0]]), np.array([x_first]), np.array([y_first]), np.array([nrow]),
                       np.array([ncol]), dx, dy, s)[0]
    # the boundary's points every h/4: which voxels it crosses, and how long it is in each
    ring = pre.ring
    edge = np.bincount(pre.cell, minlength=(nrow + 2) * (ncol + 2)).reshape(nrow + 2, ncol + 2)
    srows, sx = pre.srows, pre.sx
    none = np.zeros(0, dtype=np.int64)
    if srows.size == 0:
        return np.zeros((nrow, ncol)), edge[1:-1, 1:-1].astype(np.float64), \
            BoundarySamples(none, none, np.zeros((0, s * s), dtype=bool), ring)
    # a voxel no edge passes near (not supersampled below) is wholly inside or outside: its first
    # lattice point (sub-row 0, sub-column 0) decides it, from the crossings of the sub-rows
    first = srows % s == 0
    cover = _parity(srows[first] // s, sx[first], x_first + sub[0] * dx, dx, nrow, ncol).astype(np.float64)
    # the voxels holding an edge point and their 8 neighbours (a dilation by rows, then by columns)
    near = edge > 0
    by_rows = near[1:-1].copy()
    by_rows |= near[:-2]
    by_rows |= near[2:]
    grown = by_rows[:, 1:-1].copy()
    grown |= by_rows[:, :-2]
    grown |= by_rows[:, 2:]
    edge = edge[1:-1, 1:-1].astype(np.float64)
    br, bc = np.nonzero(grown)
    if br.size == 0:
        return cover, edge, BoundarySamples(none, none, np.zeros((0, s * s), dtype=bool), ring)
    # points of the boundary voxels: sub-row index and x; parity of crossings to their left, by the
    # keys row * span + (x - base) (crossings sorted; a point's count = crossings with a smaller key)
    prow = br[:, None] * s + np.arange(s)  # (voxel, sub-row)
    px = x_first + dx * (bc[:, None] + sub)  # (voxel, sub-column)
    lo_x = min(sx.min(), px[:, 0].min())
    span = float(max(sx.max(), px[:, s - 1].max()) - lo_x) + 4 * dx + 1.0
    base = float(lo_x) - dx
    keys = np.sort(srows * span + (sx - base))
    row_part = prow * span
    rel = px - base
    # a sub-row's first key: the count of crossings on the sub-rows before it (a key lies in [row span,
    # (row + 1) span): its x part is at least dx and at most span - 3 dx - 1)
    per_row = np.bincount(srows, minlength=nrow * s)
    row_start = np.cumsum(per_row) - per_row
    # the points of a sub-row within a voxel are in increasing key order: when no crossing key lies
    # between the first and the last, all share the first one's count (the same parity)
    # (searched sub-row by sub-row: the keys asked ascend within each, which the search is faster for)
    left = np.searchsorted(keys, (row_part + rel[:, :1]).T, side="left").T
    later = keys[np.minimum(left, keys.size - 1)]
    mixed = (left < keys.size) & (later < row_part + rel[:, s - 1:])
    same = ((left - row_start[prow]) & 1).astype(bool)  # (voxel, sub-row)
    inside = np.repeat(same[:, :, None], s, axis=2)  # (voxel, sub-row, sub-column)
    n_in = same[:, 0].astype(np.int64)
    for i in range(1, s):
        n_in += same[:, i]
    n_in *= s
    if mixed.any():
        # else each point's own count: the keys below it (those below the first point, then those after)
        vk, vi = np.nonzero(mixed)
        m_pk = row_part[vk, vi][:, None] + rel[vk]
        m_in = ((np.searchsorted(keys, m_pk, side="left") - row_start[prow[vk, vi]][:, None]) & 1).astype(bool)
        inside.reshape(br.size * s, s)[vk * s + vi] = m_in
        # points inside per mixed sub-row: an integer product (a boolean sum along short rows is several times slower)
        m_n = m_in.view(np.uint8) @ np.ones(s, dtype=np.uint8) if s < 256 else m_in.sum(axis=1)
        n_in += np.bincount(vk, m_n - same[vk, vi] * s, minlength=br.size).astype(np.int64)
    inside = inside.reshape(br.size, s * s)
    cover[br, bc] = n_in / (s * s)
    return cover, edge, BoundarySamples(br, bc, inside, ring)


def _inside(point: np.ndarray, poly: np.ndarray) -> bool:
    x, y = point
    a, b = poly, _next(poly)
    cross = (a[:, 1] <= y) != (b[:, 1] <= y)  # the edges a row through the point crosses (never horizontal)
    a, b = a[cross], b[cross]
    xi = a[:, 0] + (y - a[:, 1]) * (b[:, 0] - a[:, 0]) / (b[:, 1] - a[:, 1])
    return bool(np.count_nonzero(xi < x) % 2)


def _clip(poly: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """Sutherland-Hodgman clip of a polygon to an axis-aligned box (xmin, xmax, ymin, ymax).

    For a concave polygon the result may hold zero-width bridges; its shoelace area is still the
    area of the intersection.
    """
    out = poly
    for axis, bound, keep_above in ((0, box[0], True), (0, box[1], False), (1, box[2], True), (1, box[3], False)):
        if out.shape[0] == 0:
            break
        nxt = _next(out)
        a_in = out[:, axis] >= bound if keep_above else out[:, axis] <= bound
        b_in = nxt[:, axis] >= bound if keep_above else nxt[:, axis] <= bound
        with np.errstate(divide="ignore", invalid="ignore"):  # parallel edges: never used
            t = (bound - out[:, axis]) / (nxt[:, axis] - out[:, axis])
            cross = out + (nxt - out) * t[:, None]
        pts = []
        for i in range(out.shape[0]):
            if a_in[i]:
                pts.append(out[i])
            if a_in[i] != b_in[i]:
                pts.append(cross[i])
        out = np.array(pts) if pts else np.zeros((0, 2))
    return out


def _shoelace(poly: np.ndarray) -> float:
    if poly.shape[0] < 3:
        return 0.0
    x, y = poly[:, 0], poly[:, 1]
    return abs(float(np.einsum("i,i->", x, _next(y)) - np.einsum("i,i->", y, _next(x)))) / 2


def exact_area_mm2(polygons: Sequence[np.ndarray], clip: tuple[float, float, float, float] | None = None) -> float:
    """Even-odd area of nested simple polygons: sum of |shoelace| areas, signed by nesting depth.

    With *clip* (xmin, xmax, ymin, ymax), the area inside that box (the dose grid's extent).
    """
    return _exact_area(polygons, None if len(polygons) == 1 else _outline(polygons), clip)


def _exact_area(polygons: Sequence[np.ndarray], o: _Outline | None,
                clip: tuple[float, float, float, float] | None = None) -> float:
    """:func:`exact_area_mm2` with the polygons' outline (*o*, needed only for more than one polygon)."""
    depths = _nesting_depths(polygons, o) if len(polygons) > 1 and o is not None else [0] * len(polygons)
    total = 0.0
    for poly, depth in zip(polygons, depths, strict=True):
        area = _shoelace(poly if clip is None else _clip(poly, clip))
        total += -area if depth % 2 else area
    return total


def _nesting_depths(polygons: Sequence[np.ndarray], o: _Outline) -> list[int]:
    """How many of the other polygons hold each polygon's first vertex (the even-odd test of :func:`_inside`,
    all pairs at once)."""
    m = len(polygons)
    pts = np.array([poly[0] for poly in polygons], dtype=np.float64)
    cross = (o.a[:, 1] <= pts[:, 1:2]) != (o.b[:, 1] <= pts[:, 1:2])  # (point, edge); never a horizontal edge
    ii, ee = np.nonzero(cross)
    a, b = o.a[ee], o.b[ee]
    xi = a[:, 0] + (pts[ii, 1] - a[:, 1]) * (b[:, 0] - a[:, 0]) / (b[:, 1] - a[:, 1])
    odd = np.bincount(ii * m + o.poly[ee], weights=xi < pts[ii, 0], minlength=m * m).reshape(m, m) % 2 == 1
    np.fill_diagonal(odd, False)
    return [int(v) for v in odd.sum(axis=1)]


def _match_exact_area(cover: np.ndarray, exact_voxels: float, edge: np.ndarray) -> np.ndarray:
    """Correct the sampled cover so the plane's area is the polygons' exact area.

    The sampled fill fixes *where* the boundary runs; the shoelace area fixes *how much* is inside
    (a small circle on a lattice can be off by a few per cent, coherently on every plane; a strip
    thinner than the sample step can be missed). The difference goes to the voxels the boundary
    crosses, in proportion to the boundary's length in each (*edge*) and to their room left.
    """
    out = cover.astype(np.float64, copy=True)
    w = edge.astype(np.float64)
    for _ in range(4):
        diff = exact_voxels - float(out.sum())
        if abs(diff) <= 1e-12 * max(exact_voxels, 1.0):
            break
        room = w * (1.0 - out) if diff > 0 else w * out
        total = float(room.sum())
        if total <= 0:
            break
        out = np.minimum(np.maximum(out + diff * room / total, 0.0), 1.0)
    return out


def self_crossings(poly: np.ndarray, max_pairs: int = 2_000_000) -> np.ndarray:
    """Points (x, y) where two non-adjacent edges of the closed polygon *poly* cross properly.

    A proper crossing: each edge's end points lie strictly on opposite sides of the other edge
    (orientation tests, with a tolerance of 1e-9 of the polygon's size, so that touching,
    collinear or repeated points, spikes folding back on an edge and a vertex lying on another
    edge are not crossings). A simple polygon has none; a figure of eight has one. Candidate
    pairs are edges whose bounding boxes overlap (edges sorted by their lowest x).
    """
    return self_crossings_of((poly,), max_pairs)[0]


def self_crossings_of(polygons: Sequence[np.ndarray], max_pairs: int = 2_000_000) -> list[np.ndarray]:
    """:func:`self_crossings` of each polygon, all polygons in one vectorised pass (same points, same order).

    Each polygon's edges are paired only with its own: the edges are sorted by (polygon, lowest x)
    through integer keys (the polygon's number and the rank of the x value among all), so the
    candidate pairs, their order and the arithmetic on each are those of one polygon at a time.
    """
    out = [np.zeros((0, 2)) for _ in polygons]
    ps = [np.asarray(q, dtype=np.float64).reshape(-1, 2) for q in polygons]
    sizes = np.array([q.shape[0] for q in ps], dtype=np.int64)
    if not sizes.size or sizes.max() < 4:
        return out
    allp = np.concatenate(ps)
    total_n = allp.shape[0]
    starts = np.cumsum(sizes) - sizes
    prev = np.arange(-1, total_n - 1)
    nonempty = sizes > 0
    prev[starts[nonempty]] = (starts + sizes - 1)[nonempty]
    keep = np.any(allp != allp[prev], axis=1)  # repeated consecutive points
    owner = np.repeat(np.arange(sizes.size), sizes)
    kept = np.bincount(owner[keep], minlength=sizes.size)  # all points repeated: one point left, n < 4
    valid = kept >= 4
    sel = keep & valid[owner]
    if not sel.any():
        return out
    p = allp[sel]
    pid = owner[sel]  # polygon of each point (ascending, contiguous)
    polys = np.nonzero(valid)[0]
    n_of = kept[polys]
    first = np.cumsum(n_of) - n_of
    m = p.shape[0]
    nxt = np.arange(1, m + 1)
    nxt[first + n_of - 1] = first
    a, b = p, p[nxt]
    xmin, xmax = np.minimum(a[:, 0], b[:, 0]), np.maximum(a[:, 0], b[:, 0])
    ymin, ymax = np.minimum(a[:, 1], b[:, 1]), np.maximum(a[:, 1], b[:, 1])
    lo_x, hi_x = np.minimum.reduceat(p[:, 0], first), np.maximum.reduceat(p[:, 0], first)
    lo_y, hi_y = np.minimum.reduceat(p[:, 1], first), np.maximum.reduceat(p[:, 1], first)
    size = np.hypot(hi_x - lo_x, hi_y - lo_y)
    size[size == 0] = 1.0
    tol = np.zeros(sizes.size)
    tol[polys] = 1e-9 * size  # the tolerance factor of each point's polygon
    n_pt = np.zeros(sizes.size, dtype=np.int64)
    n_pt[polys] = n_of
    # sorted by (polygon, xmin), stable; hi: the edges of the same polygon with xmin <= this xmax
    ranks = np.unique(np.concatenate([xmin, xmax]), return_inverse=True)[1].reshape(-1)
    span = 2 * m + 1
    key_lo = pid * span + ranks[:m]
    order = np.argsort(key_lo, kind="stable")
    hi = np.searchsorted(key_lo[order], (pid * span + ranks[m:])[order], side="right")
    count = np.maximum(hi - np.arange(1, m + 1), 0)
    found = []
    start = 0
    while start < m:  # in chunks of about max_pairs candidate pairs
        cum = np.cumsum(count[start:])
        stop = start + max(1, int(np.searchsorted(cum, max_pairs, side="right")))
        cnt = count[start:stop]
        total = int(cnt.sum())
        if total:
            ipos = np.repeat(np.arange(start, stop), cnt)
            jpos = ipos + 1 + (np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt))
            i, j = order[ipos], order[jpos]
            d = np.abs(i - j)
            n = n_pt[pid[i]]
            ok = (ymin[i] <= ymax[j]) & (ymin[j] <= ymax[i]) & (d != 1) & (d != n - 1)
            i, j = i[ok], j[ok]
            ei, ej = b[i] - a[i], b[j] - a[j]
            li = np.hypot(ei[:, 0], ei[:, 1])
            lj = np.hypot(ej[:, 0], ej[:, 1])

            def cross(e: np.ndarray, q: np.ndarray) -> np.ndarray:
                return np.asarray(e[:, 0] * q[:, 1] - e[:, 1] * q[:, 0])

            f = tol[pid[i]]
            ti, tj = f * li, f * lj
            o1, o2 = cross(ei, a[j] - a[i]), cross(ei, b[j] - a[i])
            o3, o4 = cross(ej, a[i] - a[j]), cross(ej, b[i] - a[j])
            proper = (((o1 > ti) & (o2 < -ti)) | ((o1 < -ti) & (o2 > ti))) & \
                (((o3 > tj) & (o4 < -tj)) | ((o3 < -tj) & (o4 > tj)))
            if proper.any():
                k = np.nonzero(proper)[0]
                t = o3[k] / (o3[k] - o4[k])
                found.append((pid[i[k]], a[i[k]] + ei[k] * t[:, None]))
        start = stop
    if found:
        owners = np.concatenate([f[0] for f in found])
        points = np.concatenate([f[1] for f in found])
        for q in np.unique(owners):
            out[int(q)] = points[owners == q]
    return out


@dataclass(frozen=True)
class PlaneSamples:
    """What :func:`rasterise` hands to a per-plane consumer (the dose sampler of :mod:`dvh`).

    ``cover`` is the in-plane area fraction of the in-grid voxels ``row0 .. row0 + h``,
    ``col0 .. col0 + w`` after the exact-area correction; ``boundary`` the supersampled voxels
    (rows and columns relative to ``row0``, ``col0``, only those inside the grid); ``z_mm`` the
    contour's plane, ``thickness_mm`` the structure's plane spacing, ``below`` / ``above`` whether
    a contour plane of the structure lies within 1.5 thicknesses on that side (else that side is
    an end cap); ``s`` the supersampling.
    """

    row0: int
    col0: int
    cover: np.ndarray
    boundary: BoundarySamples
    z_mm: float
    thickness_mm: float
    below: bool
    above: bool
    s: int


def rasterise(roi: Roi, grid: DoseGrid, *, thickness_mm: float | None = None,
              supersample: int = DEFAULT_SUPERSAMPLE,
              on_plane: Callable[[PlaneSamples], None] | None = None) -> Occupancy:
    """Fractional occupancy of *roi* on the dose grid (see the module's conventions).

    A polygon whose edges cross (a figure of eight, :func:`self_crossings`) is filled by the
    even-odd rule and its area taken from the sampled fill (the shoelace formula does not hold
    for it); the ROI's notes say so with the plane and the crossing point. *on_plane*, when
    given, receives each plane's in-grid cover and supersampled points (:class:`PlaneSamples`).
    """
    if supersample < 1:
        raise ValueError("supersample must be >= 1")
    nz, ny, nx = grid.shape
    dy, dx = grid.spacing_mm
    s = supersample
    planes = roi.planes
    notes = list(roi.notes)
    if not planes:
        return Occupancy(roi.name, (0, 0, 0), np.zeros((0, 0, 0), np.float32), 0.0, 0.0, 0.0, 0.0, tuple(notes))
    zs = np.array([p.z_mm for p in planes])
    if thickness_mm is None:
        thickness_mm = float(np.median(np.diff(zs))) if zs.size > 1 else float(np.median(np.diff(grid.z_bounds_mm())))
    t = float(thickness_mm)
    if zs.size > 1 and np.any(np.diff(zs) > 1.5 * t):
        notes.append("contour planes are not contiguous: gaps left empty")
    zb = grid.z_bounds_mm()
    vox_t = np.diff(zb)
    extent = (float(grid.x_mm[0] - dx / 2), float(grid.x_mm[-1] + dx / 2), float(grid.y_mm[0] - dy / 2),
              float(grid.y_mm[-1] + dy / 2))
    volume = 0.0
    outside = 0.0
    parts: list[tuple[int, int, int, np.ndarray, np.ndarray]] = []  # (row0, col0, plane0, cover, share)
    crossings = self_crossings_of([poly for plane in planes for poly in plane.polygons])
    # every plane's bounding box at once (the same arithmetic as one plane at a time)
    n_pts = np.array([sum(q.shape[0] for q in plane.polygons) for plane in planes])
    all_pts = np.concatenate([q for plane in planes for q in plane.polygons])
    starts = np.cumsum(n_pts) - n_pts
    x_min, x_max = np.minimum.reduceat(all_pts[:, 0], starts), np.maximum.reduceat(all_pts[:, 0], starts)
    y_min, y_max = np.minimum.reduceat(all_pts[:, 1], starts), np.maximum.reduceat(all_pts[:, 1], starts)
    box = np.floor(np.stack([(x_min - grid.x_mm[0]) / dx + 0.5, (x_max - grid.x_mm[0]) / dx + 0.5,
                             (y_min - grid.y_mm[0]) / dy + 0.5, (y_max - grid.y_mm[0]) / dy + 0.5], axis=1))
    box_list = box.astype(np.int64).tolist()
    within_all = ((x_min >= extent[0]) & (x_max <= extent[1]) & (y_min >= extent[2]) & (y_max <= extent[3])).tolist()
    # through-plane: overlap of each plane's slab with each dose voxel
    slab_lo = zs - t / 2
    slab_hi = zs + t / 2
    overlaps = np.maximum(np.minimum(zb[1:], slab_hi[:, None]) - np.maximum(zb[:-1], slab_lo[:, None]), 0.0)
    outlines, edges, offsets = _outlines(planes)
    r_lo_a, c_lo_a = box[:, 2].astype(np.int64), box[:, 0].astype(np.int64)
    prepared = _prepare(edges, offsets, grid.x_mm[0] + c_lo_a * dx, grid.y_mm[0] + r_lo_a * dy,
                        box[:, 3].astype(np.int64) - r_lo_a + 1, box[:, 1].astype(np.int64) - c_lo_a + 1, dx, dy, s)
    first_poly = 0
    for index, plane in enumerate(planes):
        crossing = next((c for c in crossings[first_poly:first_poly + len(plane.polygons)] if c.size), None)
        first_poly += len(plane.polygons)
        if crossing is not None:
            notes.append(f"self-intersecting contour on plane z = {plane.z_mm:g} mm (edges cross at x = "
                         f"{crossing[0, 0]:.1f}, y = {crossing[0, 1]:.1f} mm): filled by the even-odd rule; check it "
                         "in the planning system")
        # sample lattice over the plane's bounding box, whole voxels (virtual indices may be outside)
        c_lo, c_hi, r_lo, r_hi = box_list[index]
        outline = outlines[index]
        cover, edge, bnd = _plane_cover(outline, float(grid.x_mm[0] + c_lo * dx),
                                        float(grid.y_mm[0] + r_lo * dy), dx, dy, r_hi - r_lo + 1, c_hi - c_lo + 1, s,
                                        roi.name, plane.z_mm, prepared[index])
        rr0, rr1 = max(r_lo, 0), min(r_hi, ny - 1)
        cc0, cc1 = max(c_lo, 0), min(c_hi, nx - 1)
        inside = cover[rr0 - r_lo:rr1 - r_lo + 1, cc0 - c_lo:cc1 - c_lo + 1] if rr1 >= rr0 and cc1 >= cc0 \
            else np.zeros((0, 0))
        sampled, in_sampled = float(cover.sum()) * dx * dy, float(inside.sum()) * dx * dy
        exact = _exact_area(plane.polygons, outline) if crossing is None else 0.0
        # the polygons' exact area is used unless they overlap instead of nesting (then the even-odd
        # fill and the signed sum disagree by more than the sampling can explain)
        perimeter = sum(float(outline.length[f:f + p.shape[0]].sum()) for f, p in zip(outline.first, plane.polygons,
                                                                                       strict=True))
        if exact > 0 and abs(sampled - exact) <= perimeter * max(dx, dy) / s + 0.05 * exact:
            exact_in = exact if within_all[index] else exact_area_mm2(plane.polygons, extent)
            if inside.size:
                inside = _match_exact_area(inside, exact_in / (dx * dy),
                                           edge[rr0 - r_lo:rr1 - r_lo + 1, cc0 - c_lo:cc1 - c_lo + 1])
            area, in_area = exact, float(inside.sum()) * dx * dy
        else:
            area, in_area = sampled, in_sampled
        volume += area * t
        overlap = overlaps[index]
        covered_t = float(overlap.sum())
        outside += area * t - in_area * covered_t
        ks = np.nonzero(overlap > 0)[0]
        if inside.size and ks.size and in_area > 0:
            parts.append((rr0, cc0, int(ks[0]), inside.astype(np.float32), overlap[ks] / vox_t[ks]))
            if on_plane is not None:
                b_in = bnd
                if (rr0, rr1, cc0, cc1) != (r_lo, r_hi, c_lo, c_hi):  # the box is partly outside the grid
                    keep = (bnd.rows >= rr0 - r_lo) & (bnd.rows <= rr1 - r_lo) & (bnd.cols >= cc0 - c_lo) & \
                        (bnd.cols <= cc1 - c_lo)
                    b_in = BoundarySamples(bnd.rows[keep] - (rr0 - r_lo), bnd.cols[keep] - (cc0 - c_lo),
                                           bnd.inside[keep], bnd.edge_points)
                below = index > 0 and zs[index] - zs[index - 1] <= 1.5 * t
                above = index < zs.size - 1 and zs[index + 1] - zs[index] <= 1.5 * t
                on_plane(PlaneSamples(rr0, cc0, inside, b_in, plane.z_mm, t, below, above, s))
    if not parts:
        frac = np.zeros((0, 0, 0), np.float32)
        return Occupancy(roi.name, (0, 0, 0), frac, volume / 1000, 0.0, outside / 1000, t, tuple(notes))
    z0 = min(p[2] for p in parts)
    z1 = max(p[2] + p[4].size for p in parts)
    y0 = min(p[0] for p in parts)
    y1 = max(p[0] + p[3].shape[0] for p in parts)
    x0 = min(p[1] for p in parts)
    x1 = max(p[1] + p[3].shape[1] for p in parts)
    frac = np.zeros((z1 - z0, y1 - y0, x1 - x0), dtype=np.float32)
    for r0, c0, k0, cov, share in parts:
        h, w = cov.shape
        frac[k0 - z0:k0 - z0 + share.size, r0 - y0:r0 - y0 + h, c0 - x0:c0 - x0 + w] += \
            share[:, None, None].astype(np.float32) * cov[None, :, :].astype(np.float32)
    np.minimum(frac, 1.0, out=frac)  # overlapping slabs (planes closer than t) never exceed the voxel
    in_grid = float((frac * (vox_t[z0:z1] * dx * dy)[:, None, None]).sum()) / 1000
    return Occupancy(roi.name, (z0, y0, x0), frac, volume / 1000, in_grid, max(outside, 0.0) / 1000, t,
                     tuple(dict.fromkeys(notes)))


def combine(name: str, shape: tuple[int, int, int], add: Sequence[Occupancy], subtract: Sequence[Occupancy] = (),
            grid: DoseGrid | None = None) -> Occupancy:
    """Union of *add* minus *subtract*, voxel by voxel on fractions (``clip(sum(add) - sum(sub), 0, 1)``).

    Used for Lungs = Lung_L + Lung_R and for lungs minus ITV/GTV. Volumes are recomputed from
    the fractions when *grid* is given; ``outside_cc`` is the sum of the added structures'.
    """
    full = np.zeros(shape, dtype=np.float32)
    for o in add:
        full += o.full(shape)
    for o in subtract:
        full -= o.full(shape)
    np.minimum(np.maximum(full, 0.0, out=full), 1.0, out=full)
    nzi = np.nonzero(full.any(axis=(1, 2)))[0]
    outside = sum(o.outside_cc for o in add)
    thickness = add[0].thickness_mm if add else 0.0
    if nzi.size == 0:
        return Occupancy(name, (0, 0, 0), np.zeros((0, 0, 0), np.float32), outside, 0.0, outside, thickness)
    in_grid = 0.0
    if grid is not None:
        in_grid = float((full * grid.voxel_volume_cc()[:, None, None]).sum())
    notes = (f"{name} = {' + '.join(o.name for o in add)}"
             + (f" minus {' and '.join(o.name for o in subtract)}" if subtract else ""),)
    return Occupancy(name, (0, 0, 0), full, in_grid + outside, in_grid, outside, thickness, notes)
