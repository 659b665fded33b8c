"""Dose-volume histograms: the dose interpolated at sub-voxel points spread through each contour's slab.

Sampling (:func:`structure_dvh`; the in-plane geometry is :mod:`sbrt_calc.plancheck.raster`'s):

- **In plane**: a voxel wholly inside the contour is one sample on its axis (the in-plane
  gradient by central differences); a voxel the contour's edge passes near is
  ``s x s`` samples (s = 4: 0.625 mm at 2.5 mm) at the points of :mod:`raster`'s lattice that are
  inside, sharing the voxel's exact-area cover (a sliver thinner than the lattice, with no point
  inside, is one sample at its edge points' mean).
- **Along z (between planes)**: a contour at ``z_k`` weighs ``1 - |z - z_k| / t`` toward each
  neighbouring contour plane (t: the structure's plane spacing), so between two planes the
  structure is the linear blend of their two contours; at the first and last planes (and at a gap
  wider than 1.5 t) the contour holds with weight 1 for ``t / 2`` (end caps). The volume is the
  same as the slab model's (sum of the polygons' exact areas x t). This profile, clipped to the
  dose grid, is cut at the contour's plane, at every dose plane and into pieces no thicker than
  half the dose grid's plane spacing (``z_step_mm``); each piece is a sub-plane at its weighted
  centre: several sub-planes per contour, never the nearest dose plane.
- **Dose**: trilinear interpolation of the grid in three dimensions at each sample (constant beyond
  the outermost dose planes, within the grid's half-voxel border).
- **Within a sample's cell** the dose is taken as uniform over ``d +- w/2`` with
  ``w = sqrt((gx hx)^2 + (gy hy)^2 + (gz hz)^2)`` (g: the interpolant's gradient, h: the cell's
  sides), exact for a dose linear across the cell along one axis. The histogram is accumulated
  exactly for these uniform pieces on 0.001 Gy bins and clipped to [Dmin, Dmax].
- **Dmax / Dmin**: the extremes of the interpolated dose at the samples (each over its cell's
  range along z, where the interpolant is linear: the end caps' faces included) and at points
  every h/4 along the contour edges at every piece boundary; never beyond the grid's own range.
  An edge point is evaluated only when the corners of its cells can pass the extremes found so
  far (the same extremes as evaluating all of them).

Speed (issue 17): a voxel whole over a half-voxel (the usual case inside a structure) is read from
that half's dose and gradient fields computed on the structure's box at once (kept for the next
structures of the plan while they fit in :data:`HALF_CACHE_NODES`), not sampled point by point; the
edge voxels' points of all sub-planes, and the half-voxels held only in part, are interpolated in
one pass each rather than plane by plane (element by element the same arithmetic); a plane's few
pieces along z are plain floats; the histogram accumulates on the bins that hold anything; no BLAS
call (``np.dot`` spawns threads that cost more than the sum on a loaded machine).

Measured on the analytical benchmark of Nelms et al. 2015 (``tests/test_nelms_benchmark.py``, the
README gives the table): the errors come from the contours (a shape cut every 2-3 mm) far more
than from the dose. A structure's DVH is kept as (dose, volume) pairs sorted by decreasing dose, one per
0.001 Gy bin, from which the metrics (:mod:`sbrt_calc.plancheck.metrics`) are read; cumulative
and differential histograms on coarser bins (default 0.01 Gy) are for plots and export. Volumes
are of the part inside the dose grid; ``outside_cc`` says what is missing. Derived structures
(unions and differences of voxel occupancies, :func:`raster.combine`) have no polygons:
:func:`structure_dose` samples a wholly occupied voxel as the whole voxels above (two half-voxel
samples) and a partly occupied one at its eight octants' centres.
"""

from __future__ import annotations

import bisect
import math
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sbrt_calc.plancheck.dicom_io import DoseGrid, Roi
from sbrt_calc.plancheck.raster import DEFAULT_SUPERSAMPLE, Occupancy, PlaneSamples, rasterise

DEFAULT_BIN_GY = 0.01
#: Dose resolution of the kept dose-volume pairs, Gy.
POOL_GY = 0.001
#: A sampler's cache for the next structures of a plan, in in-plane nodes of 7 float64 (112 MB): whole planes'
#: dose, spread and reach of the whole half-voxels (3 values a node, :meth:`_Sampler.whole_samples`) and of
#: :meth:`_Sampler.half_fields`' dose and gradient (4 values a node).
HALF_CACHE_NODES = 2_000_000
#: Samples a histogram buffers before accumulating them: temporaries of 2 MB that stay in cache (each flush
#: also passes over every 0.001 Gy bin; 1 << 18 was 10-15 % faster than 1 << 20 on the whole-grid External).
FLUSH_SAMPLES = 1 << 18
#: Edge voxels' points (counted once per side of their contour planes) buffered before they are interpolated in one pass.
EDGE_POINTS = 1 << 18


@dataclass(frozen=True)
class StructureDose:
    """The dose-volume pairs of one structure, sorted by decreasing dose (Gy, cm3)."""

    name: str
    doses_gy: np.ndarray
    volumes_cc: np.ndarray
    volume_cc: float
    in_grid_cc: float
    outside_cc: float
    notes: tuple[str, ...] = ()
    max_gy: float | None = None
    min_gy: float | None = None

    @property
    def partly_outside(self) -> bool:
        """True when part of the contoured volume lies outside the dose grid."""
        return self.outside_cc > max(1e-4, 1e-6 * self.volume_cc)

    @property
    def empty(self) -> bool:
        return self.doses_gy.size == 0

    def cumulative(self, bin_gy: float = DEFAULT_BIN_GY) -> tuple[np.ndarray, np.ndarray]:
        """(dose_gy, volume_cc receiving at least that dose) at ``0, bin, 2 bin, ...`` past the maximum."""
        top = float(self.doses_gy[0]) if self.doses_gy.size else 0.0
        edges = np.arange(0.0, top + 2 * bin_gy, bin_gy)
        # volume with dose >= edge: pairs are sorted descending
        counts = np.searchsorted(-self.doses_gy, -edges, side="right")
        cum = np.concatenate([[0.0], np.cumsum(self.volumes_cc)])
        return edges, cum[counts]

    def differential(self, bin_gy: float = DEFAULT_BIN_GY) -> tuple[np.ndarray, np.ndarray]:
        """(lower bin edge, volume_cc with dose in [edge, edge + bin))."""
        edges, cum = self.cumulative(bin_gy)
        return edges[:-1], cum[:-1] - cum[1:]

    def mapped(self, name: str, transform: Callable[[np.ndarray], np.ndarray]) -> StructureDose:
        """The same volumes at transformed doses (e.g. voxel-wise EQD2); order re-sorted."""
        d = np.asarray(transform(self.doses_gy), dtype=float)
        order = np.argsort(-d, kind="stable")
        ends = [None if v is None else float(np.asarray(transform(np.array([v])))[0]) for v in (self.max_gy, self.min_gy)]
        return StructureDose(name, d[order], self.volumes_cc[order], self.volume_cc, self.in_grid_cc,
                             self.outside_cc, self.notes, ends[0], ends[1])


class _Histogram:
    """Volume per 0.001 Gy dose bin of samples spread uniformly over [d - w/2, d + w/2]."""

    def __init__(self, top_gy: float, bottom_gy: float = 0.0) -> None:
        # bins from -top to 2 top: a spread reaching past 0 or past the grid's maximum is kept whole
        # (and clipped to [Dmin, Dmax] in pairs(), symmetrically)
        self.top = max(float(top_gy), 1e-6)
        self.top_value, self.grid_min = float(top_gy), float(bottom_gy)
        self.h = max(POOL_GY, self.top / 1.0e5)
        self.origin = -self.top
        self.n = int(3 * self.top / self.h) + 3
        self.slope = np.zeros(self.n + 1)
        self.icept = np.zeros(self.n + 1)
        self.point_dose = np.zeros(self.n + 1)  # point masses (no spread): their exact doses per bin
        self.point_volume = np.zeros(self.n + 1)
        self.volume = 0.0
        self.dmax = -np.inf
        self.dmin = np.inf
        self._buffer: list[tuple[np.ndarray, np.ndarray, np.ndarray | float]] = []
        self._buffered = 0

    def add(self, d: np.ndarray, w: np.ndarray, v: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        """Samples: dose *d*, spread *w*, volume *v* (cc); *lo*/*hi* their cells' dose range (for Dmin/Dmax)."""
        if d.size == 0:
            return
        self.dmax = max(self.dmax, float(hi.max()))
        self.dmin = min(self.dmin, float(lo.min()))
        self.volume += float(v.sum())
        self._buffer.append((d, w, v))
        self._buffered += d.size
        if self._buffered > FLUSH_SAMPLES:
            self._flush()

    def add_same_volume(self, d: np.ndarray, w: np.ndarray, v: float, lo: float, hi: float) -> None:
        """Samples of one volume *v* (cc) each (whole half-voxels); *lo*/*hi* their lowest and highest
        dose over their cells (for Dmin/Dmax)."""
        if d.size == 0:
            return
        self.dmax = max(self.dmax, hi)
        self.dmin = min(self.dmin, lo)
        self.volume += v * d.size
        self._buffer.append((d, w, v))
        self._buffered += d.size
        if self._buffered > FLUSH_SAMPLES:
            self._flush()

    def _flush(self) -> None:
        """Accumulate the buffered samples: each a uniform piece over [d - w/2, d + w/2] (clipped to the
        bins' range), in bin units from the origin; the cumulative volume below bin edge k is
        ``c (relu(k - a) - relu(k - b))`` with ``c = v / (b - a)``: ``c`` and ``c a`` (``c b``) are
        added to the slope and intercept of the first edge above a (b), ``floor(a) + 1``."""
        if not self._buffer:
            return
        parts = self._buffer
        self._buffer, self._buffered = [], 0
        if len(parts) == 1:
            d, w = parts[0][0], parts[0][1]
        else:
            d, w = np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
        v: np.ndarray | float
        if not any(isinstance(p[2], np.ndarray) for p in parts) and len({p[2] for p in parts}) == 1:
            v = float(parts[0][2])  # every sample of one volume (whole half-voxels of one thickness)
        else:
            v = np.concatenate([p[2] if isinstance(p[2], np.ndarray) else np.full(p[0].size, p[2]) for p in parts])
        n = self.n
        inv = 1.0 / self.h
        u = d - self.origin
        u *= inv  # the doses in bins from the origin
        hw = w * (0.5 * inv)
        a = u - hw
        b = np.add(u, hw, out=u)
        if a.min() < 0.0 or b.max() > n:  # a <= b: both within [0, n] otherwise
            np.minimum(np.maximum(a, 0.0, out=a), float(n), out=a)
            np.minimum(np.maximum(b, 0.0, out=b), float(n), out=b)
        width = np.subtract(b, a, out=hw)
        if width.min() > 1e-6:
            sc = np.divide(v, width, out=width)
        else:
            if not isinstance(v, np.ndarray):
                v = np.full(d.size, v)
            # a point mass: the cumulative volume below x steps up by v at x = d
            pt = width <= 1e-6
            dp = d[pt]
            j = np.minimum(np.floor(np.minimum(np.maximum((dp - self.origin) * inv, 0.0), float(n))).astype(np.int64),
                           n - 1)
            self.point_dose += np.bincount(j, weights=v[pt] * dp, minlength=n + 1)
            self.point_volume += np.bincount(j, weights=v[pt], minlength=n + 1)
            # the point masses stay in the arrays below with no weight (cheaper than compressing them out)
            v[pt] = 0.0
            width[pt] = 1.0
            sc = np.divide(v, width, out=v)
        for p, sign in ((a, 1.0), (b, -1.0)):
            j = p.astype(np.int64)  # floor (p >= 0); the edge above is j + 1, at most n
            # bins up to the highest sample only (beyond, bincount's zeros would be added: the same sums)
            bc = np.bincount(j, weights=sc)
            m = min(bc.size, n)
            if bc.size > n:
                bc[n - 1] += bc[n]
            if sign > 0:
                self.slope[1:m + 1] += bc[:m]
            else:
                self.slope[1:m + 1] -= bc[:m]
            p *= sc
            bc = np.bincount(j, weights=p)
            if bc.size > n:
                bc[n - 1] += bc[n]
            if sign > 0:
                self.icept[1:m + 1] -= bc[:m]
            else:
                self.icept[1:m + 1] += bc[:m]

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """(dose, volume) of the non-empty bins by decreasing dose, clipped to [Dmin, Dmax].

        A bin's dose is its centre, or the volume-weighted mean of the point masses (samples with no
        spread) and the centre for the rest.
        """
        self._flush()
        step = np.concatenate([[0.0], self.point_volume[:-1]])  # a point mass in bin k counts below edge k + 1
        # the cumulative sums on the bins that hold anything (and the one below the first): zero below,
        # and beyond the last only the ramps' rounding (~1e-17 cc per bin) is left
        touched = np.flatnonzero((self.slope != 0) | (self.icept != 0) | (step != 0))
        vol = np.zeros(self.n)
        centre = self.origin + (np.arange(self.n) + 0.5) * self.h
        dose = centre.copy()
        if touched.size:
            k0, k1 = max(int(touched[0]) - 1, 0), min(int(touched[-1]) + 1, self.n)
            k = np.arange(k0, k1 + 1)
            below = k * np.cumsum(self.slope[k0:k1 + 1]) + np.cumsum(self.icept[k0:k1 + 1]) + \
                np.cumsum(step[k0:k1 + 1])
            v = np.maximum(np.diff(below), 0.0)
            vol[k0:k1] = v
            pv, pd, c = self.point_volume[k0:k1], self.point_dose[k0:k1], centre[k0:k1]
            with np.errstate(invalid="ignore", divide="ignore"):
                dose[k0:k1] = np.where(v > 0, (pd + np.maximum(v - pv, 0.0) * c) / np.maximum(v, pv), c)
        # a trilinear interpolant never leaves the range of its nodes
        self.dmin, self.dmax = max(self.dmin, self.grid_min), min(self.dmax, self.top_value)
        lo_bin = int(min(max((self.dmin - self.origin) / self.h, 0), self.n - 1))
        hi_bin = int(min(max((self.dmax - self.origin) / self.h, 0), self.n - 1))
        vol[lo_bin] += vol[:lo_bin].sum()
        vol[hi_bin] += vol[hi_bin + 1:].sum()
        vol[:lo_bin] = 0.0
        vol[hi_bin + 1:] = 0.0
        dose = np.minimum(np.maximum(dose, self.dmin), self.dmax)
        if vol.sum() > 0:
            vol *= self.volume / vol.sum()  # rounding of the ramps: the sample volumes are the truth
        used = np.nonzero(vol > 0)[0][::-1]
        return dose[used], vol[used]


class _Sampler:
    """Trilinear interpolation of one dose array on the grid, at points and at the grid's nodes."""

    def __init__(self, grid: DoseGrid, dose: np.ndarray) -> None:
        self.grid = grid
        self.dose = np.ascontiguousarray(dose, dtype=np.float32)
        self.flat = self.dose.ravel()
        self.nz, self.ny, self.nx = self.dose.shape
        self.dy, self.dx = grid.spacing_mm
        self.z = np.asarray(grid.z_mm, dtype=np.float64)
        self._cells: tuple[np.ndarray, np.ndarray] | None = None
        self._half_cache: dict[float, tuple[np.ndarray, ...]] = {}
        # per (height, thickness): the kept box (row0, row1, col0, col1) and its whole half-voxels' fields
        self._whole_cache: dict[tuple[float, float], tuple[Any, ...]] = {}
        self._cached_values = 0  # float64 values kept in both caches
        # per contour plane (height, thickness, neighbours below / above, z step): what depends on nothing else
        # (_StructureAccumulator._plane); the structures of a plan share most of their planes
        self.plane_cache: dict[tuple[float, float, bool, bool, float | None], _Plane] = {}
        self.range_gy = (float(self.dose.max()), float(self.dose.min())) if self.dose.size else (0.0, 0.0)

    def _axis(self, f: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Lower index, upper index, fraction and 'inside' (gradient counts) along a regular axis."""
        if n == 1:
            zero = np.zeros(f.shape, dtype=np.int64)
            return zero, zero, np.zeros(f.shape), np.zeros(f.shape, dtype=bool)
        i = np.minimum(np.maximum(np.floor(f).astype(np.int64), 0), n - 2)
        t = f - i
        ok = (t >= 0) & (t <= 1)
        return i, i + 1, np.minimum(np.maximum(t, 0.0), 1.0), ok

    def _zaxis(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if self.nz == 1:
            zero = np.zeros(z.shape, dtype=np.int64)
            return zero, zero, np.zeros(z.shape), np.zeros(z.shape, dtype=bool), np.ones(z.shape)
        k = np.minimum(np.maximum(np.searchsorted(self.z, z, side="right") - 1, 0), self.nz - 2)
        span = self.z[k + 1] - self.z[k]
        t = (z - self.z[k]) / span
        ok = (t >= 0) & (t <= 1)
        return k, k + 1, np.minimum(np.maximum(t, 0.0), 1.0), ok, span

    def at(self, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, ...]:
        """Dose and its gradient (Gy, Gy/mm in x, y, z) of the trilinear interpolant at the points."""
        k0, _, tz, okz, span = self._zaxis(z)
        return self._at(x, y, k0, tz.astype(np.float32), okz, span)

    def _fractions(self, f: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """:meth:`_axis` for :meth:`_at`: lower index, fraction (float32) and 'inside' (None: all inside)."""
        if n == 1:
            return np.zeros(f.shape, dtype=np.int64), np.zeros(f.shape, dtype=np.float32), np.zeros(f.shape, dtype=bool)
        i = np.floor(f).astype(np.int64)
        np.maximum(i, 0, out=i)
        np.minimum(i, n - 2, out=i)
        t = f - i
        if t.size and t.min() >= 0 and t.max() <= 1:
            return i, t.astype(np.float32), None
        ok = (t >= 0) & (t <= 1)
        return i, np.minimum(np.maximum(t, 0.0), 1.0).astype(np.float32), ok

    def _inplane(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, ...]:
        """The points' cells in plane for :meth:`_at_cells`: flat index of the lower corner, fractions (float32)
        and 'inside' (None: all inside) along x and y."""
        i0, tx, okx = self._fractions((x - self.grid.x_mm[0]) / self.dx, self.nx)
        j0, ty, oky = self._fractions((y - self.grid.y_mm[0]) / self.dy, self.ny)
        base = j0 * self.nx
        base += i0
        return base, tx, okx, ty, oky

    def _at(self, x: np.ndarray, y: np.ndarray, k0: np.ndarray, tz: np.ndarray, okz: np.ndarray | None,
            span: Any) -> tuple[np.ndarray, ...]:
        """:meth:`at` with the z axis given (:meth:`_zaxis`' lower plane, fraction as float32, 'inside' and
        span; arrays of the points' shape or 0-d): the same arithmetic, with fewer passes (an axis all
        inside skips its masks; each difference is taken once)."""
        return self._at_cells(self._inplane(x, y), k0, tz, okz, span)

    def _at_cells(self, cells: tuple[Any, ...], k0: np.ndarray, tz: np.ndarray, okz: np.ndarray | None,
                  span: Any) -> tuple[np.ndarray, ...]:
        """:meth:`_at` with the points' cells in plane given (:meth:`_inplane`)."""
        nyx = self.ny * self.nx
        kbase = k0 * nyx
        lower = self._bilinear(cells, kbase)
        upper = self._bilinear(cells, kbase + nyx) if self.nz > 1 else lower  # an axis of one plane
        return self._between(cells, lower, upper, tz, okz, span)

    def _bilinear(self, cells: tuple[Any, ...], kbase: np.ndarray | int) -> tuple[np.ndarray, ...]:
        """The bilinear interpolant on one dose plane (flat offset *kbase* per point) at the points' cells:
        its value, its x difference across the cell interpolated along y, its y difference (float32)."""
        base, tx, _, ty, _ = cells
        f = self.flat
        si, sj = int(self.nx > 1), self.nx * int(self.ny > 1)  # 0 on an axis of one plane
        base = base + kbase
        up = base + sj
        c000, c001, c010, c011 = f.take(base), f.take(base + si), f.take(up), f.take(up + si)
        # along x, then y (float32: 7 digits, far below any dose tolerance)
        e00, e01 = c001 - c000, c011 - c010
        c00 = c000 + tx * e00
        c01 = c010 + tx * e01
        q = c01 - c00
        return c00 + ty * q, e00 + ty * (e01 - e00), q

    def _between(self, cells: tuple[Any, ...], lower: tuple[np.ndarray, ...], upper: tuple[np.ndarray, ...],
                 tz: np.ndarray, okz: np.ndarray | None, span: Any) -> tuple[np.ndarray, ...]:
        """Dose and gradient between the bilinear interpolants of the two dose planes around the points
        (:meth:`_bilinear`), at fraction *tz* (float32) of the span along z."""
        okx, oky = cells[2], cells[4]
        c0, dx0, q0 = lower
        c1, dx1, q1 = upper
        r = c1 - c0
        d = c0 + tz * r
        gz = r / span
        if okz is not None and not np.all(okz):
            gz = np.where(okz, gz, 0.0)
        gx = (dx0 + tz * (dx1 - dx0)) / self.dx
        if okx is not None:
            gx = np.where(okx, gx, 0.0)
        gy = (q0 + tz * (q1 - q0)) / self.dy
        if oky is not None:
            gy = np.where(oky, gy, 0.0)
        return d.astype(np.float64), gx, gy, gz

    def cell_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Largest and smallest of the four in-plane corners of every cell ``[k, j, i]`` (j, i < n - 1;
        an axis of one node: that node): bounds of the bilinear interpolant in the cell on plane k."""
        if self._cells is None:
            f = self.dose
            if self.nx > 1:
                hi_x, lo_x = np.maximum(f[:, :, :-1], f[:, :, 1:]), np.minimum(f[:, :, :-1], f[:, :, 1:])
            else:
                hi_x = lo_x = f
            if self.ny > 1:
                self._cells = (np.maximum(hi_x[:, :-1], hi_x[:, 1:]), np.minimum(lo_x[:, :-1], lo_x[:, 1:]))
            else:
                self._cells = (hi_x, lo_x)
        return self._cells

    def half_fields(self, z_mm: float, rows: slice, cols: slice) -> tuple[np.ndarray, ...]:
        """Dose and gradient (Gy, Gy/mm in x, y, z) at the nodes of a box of one height *z_mm*, as
        :meth:`at_nodes` gives them (in-plane gradient by central differences, one-sided at the
        grid's edges). Whole planes are computed once and kept for the next calls while they
        fit in the cache (:data:`HALF_CACHE_NODES`); beyond, only the box is computed."""
        got = self._half_cache.get(z_mm)
        plane = self.ny * self.nx
        if got is None and self._cached_values + 4 * plane <= 7 * HALF_CACHE_NODES:
            got = self._box_fields(z_mm, slice(0, self.ny), slice(0, self.nx))
            self._half_cache[z_mm] = got
            self._cached_values += 4 * plane
        if got is None:
            return self._box_fields(z_mm, rows, cols)
        return tuple(f[rows, cols] for f in got)

    def whole_samples(self, z_mm: float, thick_mm: float, rows: slice, cols: slice, sel: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, float, float]:
        """What the whole half-voxels *sel* (a mask on the box *rows*, *cols*) of thickness *thick_mm* at
        mid-height *z_mm* add to a DVH: their doses, spreads ``w = sqrt((gx dx)^2 + (gy dy)^2 + (gz thick)^2)``
        and the lowest and highest dose over them (``d -+ |gz| thick / 2``): the formulas of
        :meth:`_StructureAccumulator.finish` applied to :meth:`half_fields`. The box's doses, spreads and
        reaches (3 values a node) are kept for the next structures while they fit (:data:`HALF_CACHE_NODES`),
        one box per height, the largest asked: a box inside it is read from it (the structures inside the
        body or external contour, usually the first), another computes its own (the fields of a node do not
        depend on the box: central differences reach beyond it)."""
        key = (z_mm, thick_mm)
        got = self._whole_cache.get(key)
        r0, c0 = rows.start, cols.start
        if got is not None and got[0] <= rows.start and rows.stop <= got[1] and got[2] <= cols.start \
                and cols.stop <= got[3]:
            fields = got[4:]
            r0, c0 = got[0], got[2]
        else:
            fields = self._whole(self._box_fields(z_mm, rows, cols), thick_mm)
            nodes = (rows.stop - rows.start) * (cols.stop - cols.start)
            kept = 0 if got is None else (got[1] - got[0]) * (got[3] - got[2])
            if nodes > kept and self._cached_values + 3 * (nodes - kept) <= 7 * HALF_CACHE_NODES:
                self._whole_cache[key] = (rows.start, rows.stop, cols.start, cols.stop, *fields)
                self._cached_values += 3 * (nodes - kept)
        if fields[0].shape == sel.shape:
            idx = np.flatnonzero(sel)
        else:  # the mask placed on the kept box (flatnonzero of one mask is cheaper than 2-d nonzero)
            on_box = np.zeros(fields[0].shape, dtype=bool)
            on_box[rows.start - r0:rows.stop - r0, cols.start - c0:cols.stop - c0] = sel
            idx = np.flatnonzero(on_box)
        d, w, reach = (f.ravel().take(idx) for f in fields)
        return d, w, float((d - reach).min()), float((d + reach).max())

    def _whole(self, fields: tuple[np.ndarray, ...], thick: float) -> tuple[np.ndarray, ...]:
        d, gx, gy, gz = fields
        width = np.sqrt((gx * self.dx) ** 2 + (gy * self.dy) ** 2 + (gz * thick) ** 2)
        reach = np.abs(gz) * (thick / 2)
        return np.ascontiguousarray(d), width, reach

    def _box_fields(self, z_mm: float, rows: slice, cols: slice) -> tuple[np.ndarray, ...]:
        k0a, k1a, tza, okza, spana = self._zaxis(np.array([z_mm], dtype=np.float64))
        k0, k1, tz, span = int(k0a[0]), int(k1a[0]), float(tza[0]), float(spana[0])
        r0, r1 = max(rows.start - 1, 0), min(rows.stop + 1, self.ny)
        c0, c1 = max(cols.start - 1, 0), min(cols.stop + 1, self.nx)
        a = self.dose[k0, r0:r1, c0:c1].astype(np.float64)
        b = self.dose[k1, r0:r1, c0:c1].astype(np.float64)
        plane = a + tz * (b - a)
        gz = (b - a) / span if okza[0] else np.zeros_like(plane)

        def central(f: np.ndarray, h: float) -> np.ndarray:
            """Along the rows' axis: central differences, one-sided at the ends (as at_nodes)."""
            n = f.shape[1]
            if n == 1:
                return np.zeros_like(f)
            out = np.empty_like(f)
            out[:, 1:-1] = (f[:, 2:] - f[:, :-2]) / (2 * h)
            out[:, 0] = (f[:, 1] - f[:, 0]) / h
            out[:, -1] = (f[:, -1] - f[:, -2]) / h
            return out

        # the box's own edge rows/cols: a central difference when the grid continues beyond (the extra
        # row/col above), one-sided only at the grid's edges
        gx = central(plane, self.dx)
        gy = central(plane.T, self.dy).T
        inner = (slice(rows.start - r0, rows.start - r0 + (rows.stop - rows.start)),
                 slice(cols.start - c0, cols.start - c0 + (cols.stop - cols.start)))
        return plane[inner], gx[inner], gy[inner], gz[inner]

    def at_nodes(self, rows: np.ndarray, cols: np.ndarray, z: np.ndarray | float) -> tuple[np.ndarray, ...]:
        """Dose at in-plane nodes (rows, cols) at heights *z*; in-plane gradient by central differences."""
        zz = np.broadcast_to(np.asarray(z, dtype=np.float64), rows.shape)
        k0, k1, tz, okz, span = self._zaxis(zz)
        nyx = self.ny * self.nx
        f = self.flat

        def g(r: np.ndarray, c: np.ndarray) -> np.ndarray:
            a = f[k0 * nyx + r * self.nx + c].astype(np.float64)
            b = f[k1 * nyx + r * self.nx + c].astype(np.float64)
            return np.asarray(a + tz * (b - a))

        at = rows * self.nx + cols
        b0 = f[k0 * nyx + at].astype(np.float64)
        b1 = f[k1 * nyx + at].astype(np.float64)
        d = np.asarray(b0 + tz * (b1 - b0))  # g(rows, cols) from the same two gathers
        gz = np.where(okz, (b1 - b0) / span, 0.0)
        cl, cr = np.maximum(cols - 1, 0), np.minimum(cols + 1, self.nx - 1)
        rl, rr = np.maximum(rows - 1, 0), np.minimum(rows + 1, self.ny - 1)
        gx = (g(rows, cr) - g(rows, cl)) / (np.maximum(cr - cl, 1) * self.dx)
        gy = (g(rr, cols) - g(rl, cols)) / (np.maximum(rr - rl, 1) * self.dy)
        return d, gx, gy, gz


_LAST_SAMPLER: list[tuple[Any, Any, _Sampler]] = []


def _sampler_for(grid: DoseGrid, dose: np.ndarray) -> _Sampler:
    """The sampler of *dose* on *grid*, reused while the same two objects are passed (its cell bounds
    are computed once for all the structures of a plan)."""
    for grid_ref, dose_ref, sampler in _LAST_SAMPLER:
        if grid_ref() is grid and dose_ref() is dose:
            return sampler
    sampler = _Sampler(grid, dose)
    try:
        refs = (weakref.ref(grid), weakref.ref(dose))
    except TypeError:  # not weakly referenceable: not cached
        return sampler
    _LAST_SAMPLER[:] = [(refs[0], refs[1], sampler)]
    return sampler


@dataclass(frozen=True)
class _Plane:
    """What a contour plane's samples depend on along z alone (:meth:`_StructureAccumulator._plane`): the
    profile's pieces (:func:`_pieces`: weights, centres, lower and upper ends, all ends), the pieces grouped by
    half-voxel (half index, weight, first moment, lowest and highest end) and the edge points' sub-plane of each
    side (weight, centre, length)."""

    weights: list[float]
    centres: list[float]
    los: list[float]
    his: list[float]
    ends: list[float]
    by_half: list[tuple[int, float, float, float, float]]
    sides: tuple[tuple[float, float, float], ...]


def _sum(values: Sequence[float]) -> float:
    """``float(np.sum(values))`` bit for bit: numpy adds fewer than 8 values one by one from 0 (more, pairwise)."""
    if len(values) >= 8:
        return float(np.sum(np.asarray(values, dtype=np.float64)))
    total = 0.0
    for v in values:
        total += v
    return total


def _pieces(ps: PlaneSamples, cuts_mm: Sequence[float], z_min: float, z_max: float, step: float | None
            ) -> tuple[list[float], list[float], list[float], list[float], list[float]]:
    """The contour's weight profile along z cut into pieces (module doc, "Along z").

    The profile is ``1 - |z - z_k| / t`` toward a neighbouring contour plane (up to it) and 1 over
    ``t / 2`` on an end-cap side; the pieces are cut at the contour's plane, at *cuts_mm* (the
    dose planes and the dose voxels' bounds, ascending), at the grid's z extent and every *step*. Returns
    each piece's weight (mm, the integral of the profile), its weighted centre, its two ends and
    all ends (for the edge points). Plain floats: a plane has a few pieces, and numpy's per-call cost
    on arrays of a few values was most of this (the same IEEE arithmetic, value by value).
    """
    z, t = float(ps.z_mm), float(ps.thickness_mm)
    below, above = bool(ps.below), bool(ps.above)
    lo = z - (t if below else t / 2)
    hi = z + (t if above else t / 2)
    lo, hi = max(lo, z_min), min(hi, z_max)
    if hi <= lo:
        return [], [], [], [], []
    inner = cuts_mm[bisect.bisect_right(cuts_mm, lo):bisect.bisect_left(cuts_mm, hi)]
    cuts = sorted({lo, hi, *inner, *((z,) if lo < z < hi else ())})
    if step:
        ends = [cuts[0]]
        for a, b in zip(cuts[:-1], cuts[1:], strict=True):
            n = max(1, math.ceil((b - a) / step - 1e-9))
            ends.extend(a + (b - a) * k / n for k in range(1, n + 1))
        cuts = ends

    def profile(q: float) -> float:
        if (q < z and not below) or (q > z and not above) or q == z:
            return 1.0
        return min(max(1.0 - abs(q - z) / t, 0.0), 1.0)

    weights, centres, los, his = [], [], [], []
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        mid = (a + b) / 2
        fa, fb = profile(min(a + 1e-12 * t, mid)), profile(max(b - 1e-12 * t, mid))
        weight = (b - a) * (fa + fb) / 2
        if weight > 0:
            weights.append(weight)
            centres.append(a + (b - a) * (fa + 2 * fb) / (3 * (fa + fb)) if fa + fb > 0 else mid)
            los.append(a)
            his.append(b)
    return weights, centres, los, his, cuts


class _StructureAccumulator:
    """Collects one structure's samples plane by plane (the consumer of :func:`raster.rasterise`).

    Voxels wholly inside a contour are gathered on the dose grid's half-voxel lattice along z
    (each dose voxel split at its plane: the interpolant is linear in z within each half): every
    contour adds the integral of its profile over each half (and its first moment, and the range
    it covers), so a column of voxels inside many contours is sampled once per half-voxel, at the
    end (:meth:`finish`). Voxels the edge passes near are sampled contour by contour.
    """

    def __init__(self, grid: DoseGrid, dose: np.ndarray, z_step_mm: float | None) -> None:
        self.grid = grid
        self.sampler = _sampler_for(grid, dose)
        self.hist = _Histogram(*self.sampler.range_gy)
        self.z_bounds = grid.z_bounds_mm()
        self.halves = np.unique(np.concatenate([self.z_bounds, np.asarray(grid.z_mm, dtype=np.float64)]))
        self._halves = self.halves.tolist()
        self.z_step = z_step_mm
        self.extent = (float(grid.x_mm[0] - self.sampler.dx / 2), float(grid.x_mm[-1] + self.sampler.dx / 2),
                       float(grid.y_mm[0] - self.sampler.dy / 2), float(grid.y_mm[-1] + self.sampler.dy / 2))
        # per half-voxel h: each contour's whole voxels (box row0, col0, mask) and its weight, moment, lo, hi
        self.cells: dict[int, list[tuple[int, int, np.ndarray, float, float, float, float]]] = {}
        # points on the contours' edges at every piece end (x, y, z): candidates for Dmin / Dmax
        self.edges: list[tuple[np.ndarray, np.ndarray, list[float]]] = []
        # the edge voxels' points of the planes not yet sampled: x, y, volume (cc per mm of profile), the sides'
        # sub-planes (weight in mm, height, length along z) and the in-plane spacing of the points (hx, hy)
        self.points: list[tuple[np.ndarray, np.ndarray, np.ndarray, tuple[tuple[float, float, float], ...],
                                float, float]] = []
        self._buffered = 0

    def _sample_boundary(self) -> None:
        """Sample the buffered edge voxels' points of many planes in one pass per side of the contour planes: each
        point at its sub-plane's height, spread ``sqrt((gx hx)^2 + (gy hy)^2 + (gz length)^2)``, extremes its own
        value (the edges at every piece end bound the rest). The points' cells in plane are found once for both
        sides, and a dose plane both sides' cells share (a contour on a dose plane: the cells below and above it)
        is interpolated once. Element by element the arithmetic of one pass per sub-plane."""
        pts, self.points, self._buffered = self.points, [], 0
        if not pts:
            return
        sp = self.sampler
        nyx = sp.ny * sp.nx
        n = np.array([p[0].size for p in pts])
        inplane = sp._inplane(np.concatenate([p[0] for p in pts]), np.concatenate([p[1] for p in pts]))
        spacing = {(p[4], p[5]) for p in pts}
        # each plane's sides: the z axis once per sub-plane (the values of _Sampler._zaxis point by point)
        heights = np.array([q[1] for p in pts for q in p[3]], dtype=np.float64)
        k0, _, tz, okz, span = sp._zaxis(heights)
        tz = tz.astype(np.float32)
        first = np.cumsum([0] + [len(p[3]) for p in pts])[:-1]
        two = np.array([len(p[3]) == 2 for p in pts])
        step = np.where(two, k0[np.minimum(first + 1, k0.size - 1)] - k0[first], -1)
        # groups of planes: both sides in one dose cell (0), in cells sharing a plane (1), the others (-1)
        for group in (0, 1, -1):
            planes = (step == group) if group >= 0 else ~((step == 0) | ((step == 1) & (sp.nz > 1)))
            if group == 1 and sp.nz == 1:
                continue
            if not planes.any():
                continue
            cells = inplane
            if not planes.all():
                keep = np.repeat(planes, n)
                cells = tuple(None if a is None else a[keep] for a in inplane)
            cnt = n[planes]
            members = np.flatnonzero(planes)
            sides = [list(range(first[m], first[m] + len(pts[m][3]))) for m in members]
            if group >= 0:
                kb = np.repeat(k0[first[members]] * nyx, cnt)
                a = sp._bilinear(cells, kb)
                b = sp._bilinear(cells, kb + nyx) if sp.nz > 1 else a
                pairs = [(a, b), (a, b)] if group == 0 else [(a, b), (b, sp._bilinear(cells, kb + 2 * nyx))]
            for slot in (0, 1):
                which = [k for k, sd in enumerate(sides) if len(sd) > slot]
                if not which:
                    continue
                rows = np.array([sides[k][slot] for k in which])
                counts = cnt[which]
                sub = cells
                if len(which) < len(sides):  # only in the last group: planes with one side
                    keep = np.repeat(np.array([len(sd) > slot for sd in sides]), cnt)
                    sub = tuple(None if a is None else a[keep] for a in cells)
                # okz all true: no mask; one span for all: a scalar (the same division, value by value)
                z_args = (np.repeat(tz[rows], counts), None if okz[rows].all() else np.repeat(okz[rows], counts),
                          span[rows[0]] if (span[rows] == span[rows[0]]).all() else np.repeat(span[rows], counts))
                if group >= 0:
                    d, gx, gy, gz = sp._between(sub, *pairs[slot], *z_args)
                else:
                    d, gx, gy, gz = sp._at_cells(sub, np.repeat(k0[rows], counts), *z_args)
                # gx, gy are float32: a spacing given as a Python float multiplied them in float32
                hx: Any
                hy: Any
                if len(spacing) == 1:
                    hx, hy = (np.float32(h) for h in next(iter(spacing)))
                else:
                    hx, hy = (np.repeat(np.array([pts[members[k]][k2] for k in which], dtype=np.float32), counts)
                              for k2 in (4, 5))
                length = np.repeat(np.array([pts[members[k]][3][slot][2] for k in which], dtype=np.float64), counts)
                v = np.concatenate([pts[members[k]][2] * np.float64(pts[members[k]][3][slot][0]) for k in which])
                w = np.sqrt((gx * hx) ** 2 + (gy * hy) ** 2 + (gz * length) ** 2)
                self.hist.add(d, w, v, d, d)

    def _edge_extremes(self, chunk: int = 4096) -> None:
        """Dmin / Dmax over the edge points: each point is bounded over its z range by the corners of
        its cells on the dose planes around that range, so only the points whose bounds pass the
        extremes found so far are evaluated (at all their heights), the most promising first, until
        none can move them (the same extremes as evaluating every point)."""
        if not self.edges:
            return
        sp, hist = self.sampler, self.hist
        hi3, lo3 = sp.cell_bounds()
        hi2, lo2 = hi3.reshape(hi3.shape[0], -1), lo3.reshape(lo3.shape[0], -1)
        ncell_x = hi3.shape[2]
        ends_n = np.array([len(e[2]) for e in self.edges])
        ends_off = np.concatenate([[0], np.cumsum(ends_n)[:-1]])
        ends_all = np.array([q for e in self.edges for q in e[2]], dtype=np.float64)
        # every plane's points at once: their cells in plane, the dose planes around their z range
        k_lo = sp._zaxis(np.array([min(e[2]) for e in self.edges], dtype=np.float64))[0]
        k_hi = sp._zaxis(np.array([max(e[2]) for e in self.edges], dtype=np.float64))[1]
        plane = np.repeat(np.arange(len(self.edges)), [e[0].size for e in self.edges])
        x = np.concatenate([e[0] for e in self.edges])
        y = np.concatenate([e[1] for e in self.edges])
        self.edges = []
        i0 = sp._axis((x - self.grid.x_mm[0]) / sp.dx, sp.nx)[0]
        j0 = sp._axis((y - self.grid.y_mm[0]) / sp.dy, sp.ny)[0]
        flat = j0 * ncell_x + i0
        k_first, k_last = k_lo[plane], k_hi[plane]
        ub, lb = hi2[k_first, flat], lo2[k_first, flat]
        for step in range(1, int((k_hi - k_lo).max()) + 1):
            k = np.minimum(k_first + step, k_last)
            np.maximum(ub, hi2[k, flat], out=ub)
            np.minimum(lb, lo2[k, flat], out=lb)
        for upper in (True, False):
            bound = ub if upper else lb
            current = hist.dmax if upper else hist.dmin
            cand = np.nonzero(bound > current)[0] if upper else np.nonzero(bound < current)[0]
            if cand.size == 0:
                continue
            cand = cand[np.argsort(-bound[cand] if upper else bound[cand], kind="stable")]
            for start in range(0, cand.size, chunk):
                sel = cand[start:start + chunk]
                current = hist.dmax if upper else hist.dmin
                if (bound[sel[0]] <= current) if upper else (bound[sel[0]] >= current):
                    break
                counts = ends_n[plane[sel]]
                first = np.repeat(ends_off[plane[sel]] - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
                z = ends_all[first + np.arange(int(counts.sum()))]
                d = sp.at(np.repeat(x[sel], counts), np.repeat(y[sel], counts), z)[0]
                hist.dmax = max(hist.dmax, float(d.max()))
                hist.dmin = min(hist.dmin, float(d.min()))

    def _plane(self, ps: PlaneSamples) -> _Plane:
        """The contour plane's pieces along z, grouped by half-voxel and by side (kept by the sampler: the same
        for every structure with a contour at that height, of that thickness and those neighbours)."""
        key = (float(ps.z_mm), float(ps.thickness_mm), bool(ps.below), bool(ps.above), self.z_step)
        known = self.sampler.plane_cache.get(key)
        if known is not None:
            return known
        zb = self.z_bounds
        weights, mids, za, zb_, ends = _pieces(ps, self._halves, float(zb[0]), float(zb[-1]), self.z_step)
        # the whole voxels: for every half-voxel the pieces fall in, their weight, first moment and z range there
        halves, last = self._halves, len(self._halves) - 2
        groups: dict[int, list[int]] = {}
        for i in range(len(weights)):
            h = min(max(bisect.bisect_left(halves, (za[i] + zb_[i]) / 2) - 1, 0), last)
            groups.setdefault(h, []).append(i)
        by_half = []
        for h in sorted(groups):
            sel = groups[h]
            by_half.append((h, _sum([weights[i] for i in sel]), _sum([weights[i] * mids[i] for i in sel]),
                            min(za[i] for i in sel), max(zb_[i] for i in sel)))
        # the edge voxels' points: one sub-plane per side of the contour plane (each half of the profile,
        # at its weighted centre, spread over the length of equal variance); the whole voxels above keep
        # the half-voxel pieces
        above = [m > ps.z_mm for m in mids]
        sides = []
        for side in (False, True):
            sel = [i for i in range(len(mids)) if above[i] == side]
            if not sel:
                continue
            wt = _sum([weights[i] for i in sel])
            c = _sum([weights[i] * mids[i] for i in sel]) / wt
            var = _sum([weights[i] * ((mids[i] - c) * (mids[i] - c) + (zb_[i] - za[i]) * (zb_[i] - za[i]) / 12)
                        for i in sel]) / wt
            sides.append((wt, c, math.sqrt(12 * var)))
        plane = _Plane(weights, mids, za, zb_, ends, by_half, tuple(sides))
        self.sampler.plane_cache[key] = plane
        return plane

    def _interior(self, row0: int, col0: int, mask: np.ndarray, plane: _Plane) -> None:
        """Record a contour's whole voxels (*mask*, a box at row0, col0) for every half-voxel its
        profile's pieces fall in: the pieces' weight, first moment and z range there."""
        for h, w, mom, lo, hi in plane.by_half:
            self.cells.setdefault(h, []).append((row0, col0, mask, w, mom, lo, hi))

    def finish(self) -> None:
        """Sample the gathered whole voxels: one sample per voxel and half-voxel, at the voxel's axis.

        Each half-voxel's contributions are summed on a box of the plane (weight, moment, z range). A
        voxel inside for the whole half (weight = the half's thickness: between two contours both
        holding it, where the blend's weights sum to one) has its sample at the half's mid-height,
        read from the dose and gradient fields of the half computed on the box
        (:meth:`_Sampler.half_fields`: the values :meth:`_Sampler.at_nodes` gives one by one). The
        others (the blend's edges, end caps) are sampled one by one at their weighted centre.
        """
        self._sample_boundary()
        sp = self.sampler
        dx, dy = sp.dx, sp.dy
        edge: list[tuple[np.ndarray, ...]] = []
        for h, parts in self.cells.items():
            z_lo, z_hi = float(self.halves[h]), float(self.halves[h + 1])
            thick = z_hi - z_lo
            r0 = min(p[0] for p in parts)
            c0 = min(p[1] for p in parts)
            r1 = max(p[0] + p[2].shape[0] for p in parts)
            c1 = max(p[1] + p[2].shape[1] for p in parts)
            shape = (r1 - r0, c1 - c0)
            tol = 1e-9 * max(thick, 1.0)
            # a voxel held by every contour of the half is whole there when their weights sum to the half's
            # thickness and their pieces span it (between two contours: the blend's weights sum to one)
            covers = abs(sum(p[3] for p in parts) - thick) <= tol and min(p[5] for p in parts) <= z_lo + tol \
                and max(p[6] for p in parts) >= z_hi - tol
            if len(parts) == 1:
                inside = parts[0][2]
                held = [inside]
            else:
                count = np.zeros(shape, dtype=np.int16)
                held = []  # each contour's mask on the half's box
                for pr, pc, m, *_ in parts:
                    box = np.zeros(shape, dtype=bool)
                    box[pr - r0:pr - r0 + m.shape[0], pc - c0:pc - c0 + m.shape[1]] = m
                    count += box
                    held.append(box)
                inside = count > 0
            full = (inside if len(parts) == 1 else count == len(parts)) if covers else np.zeros(shape, dtype=bool)
            if full.any():
                fr, fc = np.nonzero(full.any(axis=1))[0], np.nonzero(full.any(axis=0))[0]
                sub = (slice(int(fr[0]), int(fr[-1]) + 1), slice(int(fc[0]), int(fc[-1]) + 1))
                d, w, lo, hi = sp.whole_samples((z_lo + z_hi) / 2, thick, slice(r0 + sub[0].start, r0 + sub[0].stop),
                                                slice(c0 + sub[1].start, c0 + sub[1].stop), full[sub])
                self.hist.add_same_volume(d, w, thick * dx * dy / 1000.0, lo, hi)
            part = inside & ~full
            if part.any():
                rows, cols = np.nonzero(part)
                w_p, m_p = np.zeros(rows.size), np.zeros(rows.size)
                lo_p, hi_p = np.full(rows.size, np.inf), np.full(rows.size, -np.inf)
                for box, (_, _, _, w_c, m_c, lo_c, hi_c) in zip(held, parts, strict=True):
                    hold = box[rows, cols]
                    np.add(w_p, w_c, out=w_p, where=hold)
                    np.add(m_p, m_c, out=m_p, where=hold)
                    np.minimum(lo_p, lo_c, out=lo_p, where=hold)
                    np.maximum(hi_p, hi_c, out=hi_p, where=hold)
                edge.append((rows + r0, cols + c0, w_p, m_p, lo_p, hi_p))
        self.cells = {}
        if edge:
            # every half's partly held voxels in one pass (element by element the same arithmetic)
            rows, cols, w_p, m_p, lo_p, hi_p = (np.concatenate([e[k] for e in edge]) for k in range(6))
            zc = m_p / w_p
            d, gx, gy, gz = sp.at_nodes(rows, cols, zc)
            width = np.sqrt((gx * dx) ** 2 + (gy * dy) ** 2 + (gz * (hi_p - lo_p)) ** 2)
            end_lo, end_hi = d + gz * (lo_p - zc), d + gz * (hi_p - zc)  # exact: linear in z within a half
            self.hist.add(d, width, w_p * dx * dy / 1000.0, np.minimum(end_lo, end_hi), np.maximum(end_lo, end_hi))
        self._edge_extremes()

    def __call__(self, ps: PlaneSamples) -> None:
        sp, g = self.sampler, self.grid
        dx, dy, s = sp.dx, sp.dy, ps.s
        plane = self._plane(ps)
        if not plane.weights:
            return
        bnd = ps.boundary
        ring = bnd.edge_points
        if ring.size:
            e = self.extent
            rx, ry = ring[:, 0], ring[:, 1]
            if not (rx.min() >= e[0] and rx.max() <= e[1] and ry.min() >= e[2] and ry.max() <= e[3]):
                ring = ring[(ring[:, 0] >= e[0]) & (ring[:, 0] <= e[1]) & (ring[:, 1] >= e[2]) & (ring[:, 1] <= e[3])]
        # points inside per voxel (an integer product, no BLAS: faster than a boolean sum along rows of 16)
        n_in = bnd.inside.view(np.uint8) @ np.ones(s * s, dtype=np.uint8) if s * s < 256 else bnd.inside.sum(axis=1)
        cov_b = ps.cover[bnd.rows, bnd.cols]
        full_b = (n_in == s * s) & (cov_b >= 1.0 - 1e-9)  # supersampled but wholly inside: a whole voxel
        listed = np.zeros(ps.cover.shape, dtype=bool)
        listed[bnd.rows[~full_b], bnd.cols[~full_b]] = True
        # a voxel wholly inside: gathered per half-voxel (finish()); the boundary voxels' inside points
        # share the voxel's (exact-area) cover
        whole = (ps.cover >= 1.0 - 1e-9) & ~listed
        if whole.any():
            self._interior(ps.row0, ps.col0, whole, plane)
        sub = (np.arange(s) + 0.5) / s - 0.5
        # the inside points of the voxels sampled point by point (point p: sub-row p // s, sub-column p % s), in the
        # order of np.nonzero: voxel k's point j is x(k) + dx sub(j % s), y(k) + dy sub(j // s), the same sums as
        # computing every (voxel, point) pair and selecting; only the selected pairs are computed
        chosen = np.flatnonzero((cov_b > 0) & ~full_b)
        kk, j = np.divmod(np.flatnonzero(bnd.inside[chosen]), s * s)
        k = chosen[kk]
        bx = g.x_mm[ps.col0 + bnd.cols[k]] + np.tile(dx * sub, s)[j]
        by = g.y_mm[ps.row0 + bnd.rows[k]] + np.repeat(dy * sub, s)[j]
        bw = (cov_b[chosen] * dx * dy / np.maximum(n_in[chosen], 1) / 1000.0)[kk]
        # covered by the exact area but no sample point inside (a sliver thinner than the lattice):
        # one sample at the mean of the edge points in the voxel (else its centre)
        lost = np.zeros(ps.cover.shape, dtype=bool)
        lost[bnd.rows[n_in == 0], bnd.cols[n_in == 0]] = True
        lr, lc = np.nonzero((ps.cover > 0) & ((ps.cover < 1.0 - 1e-9) & ~listed | lost))
        if lr.size:
            lx, ly = g.x_mm[ps.col0 + lc].astype(np.float64), g.y_mm[ps.row0 + lr].astype(np.float64)
            if ring.size:
                rc = np.floor((ring[:, 0] - g.x_mm[0]) / dx + 0.5).astype(np.int64) - ps.col0
                rr = np.floor((ring[:, 1] - g.y_mm[0]) / dy + 0.5).astype(np.int64) - ps.row0
                key = rr * (ps.cover.shape[1] + 1) + rc
                want = lr * (ps.cover.shape[1] + 1) + lc
                # want is ascending (row-major): each edge point's voxel found by one search
                pos = np.minimum(np.searchsorted(want, key), want.size - 1)
                hit = want[pos] == key
                pos = pos[hit]
                n = np.bincount(pos, minlength=lr.size)
                sx = np.bincount(pos, ring[hit, 0], minlength=lr.size)
                sy = np.bincount(pos, ring[hit, 1], minlength=lr.size)
                has = n > 0
                lx[has], ly[has] = sx[has] / n[has], sy[has] / n[has]
            bx, by = np.concatenate([bx, lx]), np.concatenate([by, ly])
            bw = np.concatenate([bw, ps.cover[lr, lc] * dx * dy / 1000.0])
        hx, hy = dx / s, dy / s
        if bx.size:
            # sampled with the other planes' points in one pass per side (_sample_boundary), one sub-plane a side
            self.points.append((bx, by, bw, plane.sides, hx, hy))
            self._buffered += bx.size * len(plane.sides)
            if self._buffered >= EDGE_POINTS:
                self._sample_boundary()
        if ring.size:
            # evaluated at the end, only where they can move Dmin or Dmax (_edge_extremes)
            self.edges.append((ring[:, 0], ring[:, 1], plane.ends))


def structure_dvh(roi: Roi, grid: DoseGrid, *, thickness_mm: float | None = None,
                  supersample: int = DEFAULT_SUPERSAMPLE, dose: np.ndarray | None = None,
                  z_step_mm: float | None = None) -> tuple[Occupancy, StructureDose]:
    """The occupancy of *roi* and its DVH from the dose interpolated at sub-voxel points (module doc).

    Parameters
    ----------
    roi, grid
        The structure and the dose grid (Gy); *dose*, another array of the grid's shape.
    thickness_mm
        The structure's slab thickness (:func:`raster.thickness_for`).
    z_step_mm
        Largest sub-plane thickness of the edge voxels' samples; default: cut only at the contour's
        plane and at the dose grid's half-voxels (dose planes and voxel bounds).
    """
    occ, (sd,) = structure_dvhs(roi, grid, (grid.dose if dose is None else dose,), thickness_mm=thickness_mm,
                                supersample=supersample, z_step_mm=z_step_mm)
    return occ, sd


def structure_dvhs(roi: Roi, grid: DoseGrid, doses: Sequence[np.ndarray], *, thickness_mm: float | None = None,
                   supersample: int = DEFAULT_SUPERSAMPLE, z_step_mm: float | None = None
                   ) -> tuple[Occupancy, tuple[StructureDose, ...]]:
    """:func:`structure_dvh` of one structure for several dose arrays of the grid's shape, rasterised once.

    Each dose gets its own sampler and histogram fed the same planes (:func:`raster.rasterise`'s
    output does not depend on the dose), so each DVH equals :func:`structure_dvh`'s for that dose
    (the re-irradiation's cumulative and new-course doses of one structure).
    """
    accs = [_StructureAccumulator(grid, values, z_step_mm) for values in doses]

    def feed(ps: PlaneSamples) -> None:
        for acc in accs:
            acc(ps)

    occ = rasterise(roi, grid, thickness_mm=thickness_mm, supersample=supersample,
                    on_plane=accs[0] if len(accs) == 1 else feed)
    out: list[StructureDose] = []
    for acc in accs:
        acc.finish()
        h = acc.hist
        if h.volume <= 0:
            empty = np.zeros(0)
            out.append(StructureDose(occ.name, empty, empty, occ.volume_cc, 0.0, occ.outside_cc, occ.notes))
            continue
        d, v = h.pairs()
        out.append(StructureDose(occ.name, d, v, occ.volume_cc, h.volume, occ.outside_cc, occ.notes, h.dmax, h.dmin))
    return occ, tuple(out)


def structure_dose(occ: Occupancy, grid: DoseGrid, dose: np.ndarray | None = None) -> StructureDose:
    """Dose-volume pairs of a voxel occupancy *occ* (derived structures: :func:`raster.combine`).

    A wholly occupied voxel is two samples, one per half-voxel along z (split at its dose plane,
    where the interpolant is linear in z), at the voxel's axis with the spread of
    :func:`structure_dvh`'s whole voxels; its extremes reach half the voxel's in-plane extent along
    the gradient and the half's z range. A partly occupied voxel is eight samples, at the centres
    of its octants (the trilinear interpolant is linear within each), weighted by the fraction;
    its extremes are the samples'.
    """
    values = grid.dose if dose is None else dose
    if occ.fraction.size == 0:
        empty = np.zeros(0)
        return StructureDose(occ.name, empty, empty, occ.volume_cc, 0.0, occ.outside_cc, occ.notes)
    sp = _sampler_for(grid, values)
    hist = _Histogram(*sp.range_gy)
    z0, y0, x0 = occ.origin
    vox = grid.voxel_volume_cc()
    zb = grid.z_bounds_mm()
    dx, dy = sp.dx, sp.dy
    octant = np.array([[i, j, k] for i in (-1, 1) for j in (-1, 1) for k in (-1, 1)], dtype=np.float64) / 4
    for k in range(occ.fraction.shape[0]):
        plane = occ.fraction[k]
        kz = z0 + k
        dz_lo, dz_hi = grid.z_mm[kz] - zb[kz], zb[kz + 1] - grid.z_mm[kz]
        whole = plane >= 1.0 - 1e-6
        if whole.any():
            wr, wc = np.nonzero(whole.any(axis=1))[0], np.nonzero(whole.any(axis=0))[0]
            box = (slice(int(wr[0]), int(wr[-1]) + 1), slice(int(wc[0]), int(wc[-1]) + 1))
            sel = whole[box]
            rows = slice(y0 + box[0].start, y0 + box[0].stop)
            cols = slice(x0 + box[1].start, x0 + box[1].stop)
            for z_lo, z_hi in ((float(zb[kz]), float(grid.z_mm[kz])), (float(grid.z_mm[kz]), float(zb[kz + 1]))):
                thick = z_hi - z_lo
                if thick <= 0:
                    continue
                d_f, gx_f, gy_f, gz_f = sp.half_fields((z_lo + z_hi) / 2, rows, cols)
                d, gx, gy, gz = d_f[sel], gx_f[sel], gy_f[sel], gz_f[sel]
                width = np.sqrt((gx * dx) ** 2 + (gy * dy) ** 2 + (gz * thick) ** 2)
                reach = (np.abs(gx) * dx + np.abs(gy) * dy) / 2 + np.abs(gz) * (thick / 2)
                hist.add(d, width, np.full(d.size, thick * dx * dy / 1000.0), d - reach, d + reach)
        r, c = np.nonzero((plane > 0) & ~whole)
        if r.size == 0:
            continue
        # eight octant samples per voxel (the interpolant is linear within each)
        ox = (grid.x_mm[x0 + c][:, None] + octant[None, :, 0] * dx).ravel()
        oy = (grid.y_mm[y0 + r][:, None] + octant[None, :, 1] * dy).ravel()
        lower = octant[:, 2] < 0
        oz = np.tile(np.where(lower, grid.z_mm[kz] - dz_lo / 2, grid.z_mm[kz] + dz_hi / 2), r.size)
        hz = np.tile(np.where(lower, dz_lo, dz_hi), r.size)
        d, gx, gy, gz = sp.at(ox, oy, oz)
        w = np.sqrt((gx * dx / 2) ** 2 + (gy * dy / 2) ** 2 + (gz * hz) ** 2)
        frac = np.repeat(plane[r, c].astype(np.float64), 8)
        vol = frac * hz / (dz_lo + dz_hi) * vox[kz] / 4
        hist.add(d, w, vol, d, d)
    if hist.volume <= 0:
        empty = np.zeros(0)
        return StructureDose(occ.name, empty, empty, occ.volume_cc, 0.0, occ.outside_cc, occ.notes)
    dd, vv = hist.pairs()
    return StructureDose(occ.name, dd, vv, occ.volume_cc, hist.volume, occ.outside_cc, occ.notes, hist.dmax,
                         hist.dmin)


def isodose_volume_cc(grid: DoseGrid, level_gy: float) -> float:
    """Volume of the whole dose grid at or above *level_gy*, cm3 (voxel counting)."""
    per_plane = np.count_nonzero(grid.dose >= level_gy, axis=(1, 2))
    return float(np.einsum("i,i->", per_plane.astype(np.float64), grid.voxel_volume_cc()))


def dvh_csv_rows(doses: list[StructureDose], bin_gy: float = 0.1) -> tuple[list[str], list[list[str]]]:
    """A cumulative DVH table for export: one dose column (Gy), one volume column (cc) per structure."""
    top = max((float(s.doses_gy[0]) for s in doses if s.doses_gy.size), default=0.0)
    edges = np.arange(0.0, top + 2 * bin_gy, bin_gy)
    cols = []
    for s in doses:
        counts = np.searchsorted(-s.doses_gy, -edges, side="right")
        cum = np.concatenate([[0.0], np.cumsum(s.volumes_cc)])
        cols.append(cum[counts])
    headers = ["dose_gy"] + [f"{s.name} [cc]" for s in doses]
    rows = [[f"{e:.4f}"] + [repr(float(c[i])) for c in cols] for i, e in enumerate(edges)]
    return headers, rows
