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

Measured on the analytical benchmark of Nelms et al. 2015 (``tests/test_nelms_benchmark.py``, the
README gives the table): the errors come from the contours (a shape cut every 2-3 mm) far more
than from the dose. A structure's DVH is kept as (dose, volume) pairs sorted by decreasing dose, one per
0.001 Gy bin, from which the metrics (:mod:`sbrt_calc.plancheck.metrics`) are read; cumulative
and differential histograms on coarser bins (default 0.01 Gy) are for plots and export. Volumes
are of the part inside the dose grid; ``outside_cc`` says what is missing. Derived structures
(unions and differences of voxel occupancies, :func:`raster.combine`) have no polygons:
:func:`structure_dose` samples each occupied voxel at its eight octants' centres.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sbrt_calc.plancheck.dicom_io import DoseGrid, Roi
from sbrt_calc.plancheck.raster import DEFAULT_SUPERSAMPLE, Occupancy, PlaneSamples, rasterise

DEFAULT_BIN_GY = 0.01
#: Dose resolution of the kept dose-volume pairs, Gy.
POOL_GY = 0.001


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
        self._buffer: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
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
        if self._buffered > 1 << 20:
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        d, w, v = (np.concatenate(parts) for parts in zip(*self._buffer, strict=True))
        self._buffer, self._buffered = [], 0
        lo, hi = self.origin, self.origin + self.n * self.h
        a = np.clip(d - w / 2 - self.origin, 0.0, hi - lo)
        b = np.clip(d + w / 2 - self.origin, 0.0, hi - lo)
        ramp = (b - a) > 1e-6 * self.h
        inv = 1.0 / self.h
        # a point mass: the cumulative volume below x steps up by v at x = d
        pt = ~ramp
        j = np.minimum(np.floor(np.clip(d[pt] - self.origin, 0.0, hi - lo) * inv).astype(np.int64) + 1, self.n)
        self.point_dose += np.bincount(j - 1, weights=v[pt] * d[pt], minlength=self.n + 1)
        self.point_volume += np.bincount(j - 1, weights=v[pt], minlength=self.n + 1)
        # a uniform piece: the cumulative volume below edge k*h is c (relu(k h - a) - relu(k h - b)), c = v / (b - a)
        c = v[ramp] / (b[ramp] - a[ramp])
        p = np.concatenate([a[ramp], b[ramp]]) * inv
        sc = np.concatenate([c, -c]) * self.h
        j = np.minimum(np.floor(p).astype(np.int64) + 1, self.n)
        self.slope += np.bincount(j, weights=sc, minlength=self.n + 1)
        self.icept += np.bincount(j, weights=-sc * p, minlength=self.n + 1)

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """(dose, volume) of the non-empty bins by decreasing dose, clipped to [Dmin, Dmax].

        A bin's dose is its centre, or the volume-weighted mean of the point masses (samples with no
        spread) and the centre for the rest.
        """
        self._flush()
        k = np.arange(self.n + 1)
        step = np.concatenate([[0.0], self.point_volume[:-1]])  # a point mass in bin k counts below edge k + 1
        below = k * np.cumsum(self.slope) + np.cumsum(self.icept) + np.cumsum(step)
        vol = np.clip(np.diff(below), 0.0, None)
        centre = self.origin + (np.arange(self.n) + 0.5) * self.h
        pv, pd = self.point_volume[:self.n], self.point_dose[:self.n]
        with np.errstate(invalid="ignore", divide="ignore"):
            dose = np.where(vol > 0, (pd + np.clip(vol - pv, 0.0, None) * centre) / np.maximum(vol, pv), centre)
        # a trilinear interpolant never leaves the range of its nodes
        self.dmin, self.dmax = max(self.dmin, self.grid_min), min(self.dmax, self.top_value)
        lo_bin = int(min(max((self.dmin - self.origin) / self.h, 0), self.n - 1))
        hi_bin = int(min(max((self.dmax - self.origin) / self.h, 0), self.n - 1))
        vol[lo_bin] += vol[:lo_bin].sum()
        vol[hi_bin] += vol[hi_bin + 1:].sum()
        vol[:lo_bin] = 0.0
        vol[hi_bin + 1:] = 0.0
        dose = np.clip(dose, self.dmin, self.dmax)
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

    def _axis(self, f: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Lower index, upper index, fraction and 'inside' (gradient counts) along a regular axis."""
        if n == 1:
            zero = np.zeros(f.shape, dtype=np.int64)
            return zero, zero, np.zeros(f.shape), np.zeros(f.shape, dtype=bool)
        i = np.clip(np.floor(f).astype(np.int64), 0, n - 2)
        t = f - i
        ok = (t >= 0) & (t <= 1)
        return i, i + 1, np.clip(t, 0.0, 1.0), ok

    def _zaxis(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if self.nz == 1:
            zero = np.zeros(z.shape, dtype=np.int64)
            return zero, zero, np.zeros(z.shape), np.zeros(z.shape, dtype=bool), np.ones(z.shape)
        k = np.clip(np.searchsorted(self.z, z, side="right") - 1, 0, self.nz - 2)
        span = self.z[k + 1] - self.z[k]
        t = (z - self.z[k]) / span
        ok = (t >= 0) & (t <= 1)
        return k, k + 1, np.clip(t, 0.0, 1.0), ok, span

    def at(self, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, ...]:
        """Dose and its gradient (Gy, Gy/mm in x, y, z) of the trilinear interpolant at the points."""
        i0, i1, tx, okx = self._axis((x - self.grid.x_mm[0]) / self.dx, self.nx)
        j0, j1, ty, oky = self._axis((y - self.grid.y_mm[0]) / self.dy, self.ny)
        k0, k1, tz, okz, span = self._zaxis(z)
        nyx = self.ny * self.nx
        f = self.flat
        base = k0 * nyx + j0 * self.nx + i0
        si, sj, sk = i1 - i0, (j1 - j0) * self.nx, (k1 - k0) * nyx  # 0 on an axis of one plane
        c000, c001, c010, c011 = f[base], f[base + si], f[base + sj], f[base + sj + si]
        base = base + sk
        c100, c101, c110, c111 = f[base], f[base + si], f[base + sj], f[base + sj + si]
        tx, ty, tz = tx.astype(np.float32), ty.astype(np.float32), tz.astype(np.float32)
        # along x, then y, then z (float32: 7 digits, far below any dose tolerance)
        e00, e01, e10, e11 = c001 - c000, c011 - c010, c101 - c100, c111 - c110
        c00 = c000 + tx * e00
        c01 = c010 + tx * e01
        c10 = c100 + tx * e10
        c11 = c110 + tx * e11
        c0 = c00 + ty * (c01 - c00)
        c1 = c10 + ty * (c11 - c10)
        d = c0 + tz * (c1 - c0)
        gz = np.where(okz, (c1 - c0) / span, 0.0)
        dx0 = e00 + ty * (e01 - e00)
        dx1 = e10 + ty * (e11 - e10)
        gx = np.where(okx, (dx0 + tz * (dx1 - dx0)) / self.dx, 0.0)
        gy = np.where(oky, ((c01 - c00) + tz * ((c11 - c10) - (c01 - c00))) / self.dy, 0.0)
        return d.astype(np.float64), gx, gy, gz

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

        d = g(rows, cols)
        b0 = f[k0 * nyx + rows * self.nx + cols].astype(np.float64)
        b1 = f[k1 * nyx + rows * self.nx + cols].astype(np.float64)
        gz = np.where(okz, (b1 - b0) / span, 0.0)
        cl, cr = np.maximum(cols - 1, 0), np.minimum(cols + 1, self.nx - 1)
        rl, rr = np.maximum(rows - 1, 0), np.minimum(rows + 1, self.ny - 1)
        gx = (g(rows, cr) - g(rows, cl)) / (np.maximum(cr - cl, 1) * self.dx)
        gy = (g(rr, cols) - g(rl, cols)) / (np.maximum(rr - rl, 1) * self.dy)
        return d, gx, gy, gz


def _pieces(ps: PlaneSamples, cuts_mm: np.ndarray, z_min: float, z_max: float, step: float | None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The contour's weight profile along z cut into pieces (module doc, "Along z").

    The profile is ``1 - |z - z_k| / t`` toward a neighbouring contour plane (up to it) and 1 over
    ``t / 2`` on an end-cap side; the pieces are cut at the contour's plane, at *cuts_mm* (the
    dose planes and the dose voxels' bounds), at the grid's z extent and every *step*. Returns
    each piece's weight (mm, the integral of the profile), its weighted centre, its two ends and
    all ends (for the edge points).
    """
    z, t = ps.z_mm, ps.thickness_mm
    lo = z - (t if ps.below else t / 2)
    hi = z + (t if ps.above else t / 2)
    lo, hi = max(lo, z_min), min(hi, z_max)
    empty = np.zeros(0)
    if hi <= lo:
        return empty, empty, empty, empty, empty
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
        tent = np.clip(1.0 - np.abs(q - z) / t, 0.0, 1.0)
        box = ((q < z) & ~ps.below) | ((q > z) & ~ps.above) | (q == z)
        return np.where(box, 1.0, tent)

    mid = (a + b) / 2
    fa, fb = profile(np.minimum(a + 1e-12 * t, mid)), profile(np.maximum(b - 1e-12 * t, mid))
    weight = (b - a) * (fa + fb) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.where(fa + fb > 0, a + (b - a) * (fa + 2 * fb) / (3 * (fa + fb)), mid)
    keep = weight > 0
    return weight[keep], centre[keep], a[keep], b[keep], cuts


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
        self.sampler = _Sampler(grid, dose)
        self.hist = _Histogram(float(dose.max()) if dose.size else 0.0, float(dose.min()) if dose.size else 0.0)
        self.z_bounds = grid.z_bounds_mm()
        self.halves = np.unique(np.concatenate([self.z_bounds, np.asarray(grid.z_mm, dtype=np.float64)]))
        self.z_step = z_step_mm
        self.extent = (float(grid.x_mm[0] - self.sampler.dx / 2), float(grid.x_mm[-1] + self.sampler.dx / 2),
                       float(grid.y_mm[0] - self.sampler.dy / 2), float(grid.y_mm[-1] + self.sampler.dy / 2))
        # per half-voxel h: {flat in-plane index -> position} and the arrays weight, moment, lo, hi
        self.cells: dict[int, dict[str, list[Any]]] = {}

    def _interior(self, flat: np.ndarray, weights: np.ndarray, centres: np.ndarray, a: np.ndarray,
                  b: np.ndarray) -> None:
        h_idx = np.clip(np.searchsorted(self.halves, (a + b) / 2) - 1, 0, self.halves.size - 2)
        for h in np.unique(h_idx):
            sel = h_idx == h
            w = float(weights[sel].sum())
            mom = float((weights[sel] * centres[sel]).sum())
            lo, hi = float(a[sel].min()), float(b[sel].max())
            cell = self.cells.setdefault(int(h), {"flat": [], "w": [], "m": [], "lo": [], "hi": []})
            cell["flat"].append(flat)
            cell["w"].append(np.float64(w))
            cell["m"].append(np.float64(mom))
            cell["lo"].append(np.float64(lo))
            cell["hi"].append(np.float64(hi))

    def finish(self) -> None:
        """Sample the gathered whole voxels: one sample per voxel and half-voxel, at the voxel's axis."""
        sp, g = self.sampler, self.grid
        dx, dy = sp.dx, sp.dy
        nx = g.shape[2]
        for cell in self.cells.values():
            size = g.shape[1] * nx
            w_d = np.zeros(size)
            m_d = np.zeros(size)
            lo_d = np.full(size, np.inf)
            hi_d = np.full(size, -np.inf)
            for flat, w_c, m_c, lo_c, hi_c in zip(cell["flat"], cell["w"], cell["m"], cell["lo"], cell["hi"],
                                                  strict=True):
                w_d[flat] += w_c  # each contour's flats are distinct
                m_d[flat] += m_c
                lo_d[flat] = np.minimum(lo_d[flat], lo_c)
                hi_d[flat] = np.maximum(hi_d[flat], hi_c)
            keys = np.flatnonzero(w_d > 0)
            w, mom, lo, hi = w_d[keys], m_d[keys], lo_d[keys], hi_d[keys]
            zc = mom / w
            rows, cols = keys // nx, keys % nx
            d, gx, gy, gz = sp.at_nodes(rows, cols, zc)
            width = np.sqrt((gx * dx) ** 2 + (gy * dy) ** 2 + (gz * (hi - lo)) ** 2)
            end_lo, end_hi = d + gz * (lo - zc), d + gz * (hi - zc)  # exact: linear in z within a half-voxel
            self.hist.add(d, width, w * dx * dy / 1000.0, np.minimum(end_lo, end_hi), np.maximum(end_lo, end_hi))
        self.cells = {}

    def __call__(self, ps: PlaneSamples) -> None:
        sp, g = self.sampler, self.grid
        dx, dy, s = sp.dx, sp.dy, ps.s
        zb = self.z_bounds
        weights, mids, za, zb_, ends = _pieces(ps, self.halves, float(zb[0]), float(zb[-1]), self.z_step)
        if weights.size == 0:
            return
        bnd = ps.boundary
        ring = bnd.edge_points
        if ring.size:
            e = self.extent
            ring = ring[(ring[:, 0] >= e[0]) & (ring[:, 0] <= e[1]) & (ring[:, 1] >= e[2]) & (ring[:, 1] <= e[3])]
        n_in = bnd.inside.sum(axis=1)
        cov_b = ps.cover[bnd.rows, bnd.cols]
        full_b = (n_in == s * s) & (cov_b >= 1.0 - 1e-9)  # supersampled but wholly inside: a whole voxel
        listed = np.zeros(ps.cover.shape, dtype=bool)
        listed[bnd.rows[~full_b], bnd.cols[~full_b]] = True
        # a voxel wholly inside: gathered per half-voxel (finish()); the boundary voxels' inside points
        # share the voxel's (exact-area) cover
        ir, ic = np.nonzero((ps.cover >= 1.0 - 1e-9) & ~listed)
        if ir.size:
            self._interior((ps.row0 + ir) * g.shape[2] + ps.col0 + ic, weights, mids, za, zb_)
        part = ~full_b
        sub = (np.arange(s) + 0.5) / s - 0.5
        kk, pp = np.nonzero(bnd.inside & ((cov_b > 0) & part)[:, None])
        bx = g.x_mm[ps.col0 + bnd.cols[kk]] + dx * sub[pp % s]
        by = g.y_mm[ps.row0 + bnd.rows[kk]] + dy * sub[pp // s]
        bw = cov_b[kk] * dx * dy / np.maximum(n_in[kk], 1) / 1000.0
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
                hit = np.isin(key, want)
                pos = np.searchsorted(want, key[hit])
                n = np.bincount(pos, minlength=lr.size)
                sx = np.bincount(pos, ring[hit, 0], minlength=lr.size)
                sy = np.bincount(pos, ring[hit, 1], minlength=lr.size)
                has = n > 0
                lx[has], ly[has] = sx[has] / n[has], sy[has] / n[has]
            bx, by = np.concatenate([bx, lx]), np.concatenate([by, ly])
            bw = np.concatenate([bw, ps.cover[lr, lc] * dx * dy / 1000.0])
        hx, hy = dx / s, dy / s
        # the edge voxels' points: one sub-plane per side of the contour plane (each half of the profile,
        # at its weighted centre, spread over the length of equal variance); the whole voxels above keep
        # the half-voxel pieces
        side = mids > ps.z_mm
        sw, sc, slen = [], [], []
        for sel in (~side, side):
            if not sel.any():
                continue
            wt = float(weights[sel].sum())
            c = float((weights[sel] * mids[sel]).sum()) / wt
            var = float((weights[sel] * ((mids[sel] - c) ** 2 + (zb_[sel] - za[sel]) ** 2 / 12)).sum()) / wt
            sw.append(wt)
            sc.append(c)
            slen.append(math.sqrt(12 * var))
        s_w, s_c, s_len = np.array(sw), np.array(sc), np.array(slen)
        m = s_w.size
        if bx.size:
            n = bx.size
            d, gx, gy, gz = sp.at(np.tile(bx, m), np.tile(by, m), np.repeat(s_c, n))
            length = np.repeat(s_len, n)
            w = np.sqrt((gx * hx) ** 2 + (gy * hy) ** 2 + (gz * length) ** 2)
            # extremes: the points' own values; the edges at every piece end (below) bound the rest
            self.hist.add(d, w, np.tile(bw, m) * np.repeat(s_w, n), d, d)
        if ring.size:
            zz = np.repeat(ends, ring.shape[0])
            d = sp.at(np.tile(ring[:, 0], ends.size), np.tile(ring[:, 1], ends.size), zz)[0]
            self.hist.dmax = max(self.hist.dmax, float(d.max()))
            self.hist.dmin = min(self.hist.dmin, float(d.min()))


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
    values = grid.dose if dose is None else dose
    acc = _StructureAccumulator(grid, values, z_step_mm)
    occ = rasterise(roi, grid, thickness_mm=thickness_mm, supersample=supersample, on_plane=acc)
    acc.finish()
    h = acc.hist
    if h.volume <= 0:
        empty = np.zeros(0)
        return occ, StructureDose(occ.name, empty, empty, occ.volume_cc, 0.0, occ.outside_cc, occ.notes)
    d, v = h.pairs()
    return occ, StructureDose(occ.name, d, v, occ.volume_cc, h.volume, occ.outside_cc, occ.notes, h.dmax, h.dmin)


def structure_dose(occ: Occupancy, grid: DoseGrid, dose: np.ndarray | None = None) -> StructureDose:
    """Dose-volume pairs of a voxel occupancy *occ* (derived structures: :func:`raster.combine`).

    Each occupied voxel is eight samples, at the centres of its octants (the trilinear interpolant
    is linear within each), spread by the interpolant's gradient as in :func:`structure_dvh`;
    Dmax/Dmin are the extremes over wholly occupied voxels and the samples of partly occupied ones.
    """
    values = grid.dose if dose is None else dose
    if occ.fraction.size == 0:
        empty = np.zeros(0)
        return StructureDose(occ.name, empty, empty, occ.volume_cc, 0.0, occ.outside_cc, occ.notes)
    sp = _Sampler(grid, values)
    hist = _Histogram(float(values.max()), float(values.min()))
    z0, y0, x0 = occ.origin
    vox = grid.voxel_volume_cc()
    zb = grid.z_bounds_mm()
    octant = np.array([[i, j, k] for i in (-1, 1) for j in (-1, 1) for k in (-1, 1)], dtype=np.float64) / 4
    for k in range(occ.fraction.shape[0]):
        r, c = np.nonzero(occ.fraction[k] > 0)
        if r.size == 0:
            continue
        kz = z0 + k
        dz_lo, dz_hi = grid.z_mm[kz] - zb[kz], zb[kz + 1] - grid.z_mm[kz]
        # eight octant samples per voxel (the interpolant is linear within each)
        ox = (grid.x_mm[x0 + c][:, None] + octant[None, :, 0] * 2 * sp.dx / 2).ravel()
        oy = (grid.y_mm[y0 + r][:, None] + octant[None, :, 1] * 2 * sp.dy / 2).ravel()
        oz = np.tile(np.where(octant[:, 2] < 0, grid.z_mm[kz] - dz_lo / 2, grid.z_mm[kz] + dz_hi / 2), r.size)
        hz = np.tile(np.where(octant[:, 2] < 0, dz_lo, dz_hi), r.size)
        d, gx, gy, gz = sp.at(ox, oy, oz)
        w = np.sqrt((gx * sp.dx / 2) ** 2 + (gy * sp.dy / 2) ** 2 + (gz * hz) ** 2)
        frac = np.repeat(occ.fraction[k][r, c].astype(np.float64), 8)
        whole = frac >= 1.0 - 1e-6  # a wholly occupied voxel: its cells' extremes; else the samples'
        reach = np.where(whole, (np.abs(gx) * sp.dx + np.abs(gy) * sp.dy) / 4 + np.abs(gz) * hz / 2, 0.0)
        vol = frac * np.repeat(np.where(octant[:, 2] < 0, dz_lo, dz_hi), 1)[np.tile(np.arange(8), r.size)] / \
            (dz_lo + dz_hi) * vox[kz] / 4
        hist.add(d, w, vol, d - reach, d + reach)
    if hist.volume <= 0:
        empty = np.zeros(0)
        return StructureDose(occ.name, empty, empty, occ.volume_cc, 0.0, occ.outside_cc, occ.notes)
    dd, vv = hist.pairs()
    return StructureDose(occ.name, dd, vv, occ.volume_cc, hist.volume, occ.outside_cc, occ.notes, hist.dmax,
                         hist.dmin)


def isodose_volume_cc(grid: DoseGrid, level_gy: float) -> float:
    """Volume of the whole dose grid at or above *level_gy*, cm3 (voxel counting)."""
    per_plane = np.count_nonzero(grid.dose >= level_gy, axis=(1, 2))
    return float(np.dot(per_plane, grid.voxel_volume_cc()))


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
