"""RTOG 0915/0813 conformity and fall-off metrics computed from the dose grid.

Definitions (RTOG 0915, Videtic GM et al., IJROBP 2015;93:757-764; RTOG 0813, Bezjak A et al.,
J Clin Oncol 2019;37:1316-1325, conformity table):

- R100% = volume of the prescription isodose / PTV volume;
- R50%  = volume of the 50 % prescription isodose / PTV volume;
- D2cm  = maximum dose, in % of the prescription, 2 cm or more from the PTV in any direction.

Isodose volumes are counted over the whole dose grid (voxels at or above the level x voxel
volume): the error is at most half a voxel layer over the isodose surface. For D2cm, the PTV
surface is sampled (contour edges every <= 0.5 mm at the middle and both faces of each slab,
and the end caps on the in-plane lattice); a voxel whose centre is at least 20 mm from every
surface point and which the PTV does not occupy at all counts as "2 cm or more" away. Voxels
are examined from the hottest down, so the first one found gives the maximum.

Speed (issue 17): an exact Euclidean distance transform of the voxels the PTV occupies, on a
box of the grid around the PTV (+ 2 cm), settles most voxels at once: a voxel centre farther
than 20 mm + half a voxel diagonal from every occupied voxel's centre is far, one nearer than
20 mm - half a diagonal is near; only the voxels in between that are hotter than the hottest
surely far one are measured against the surface points (brute force, hottest first, on the
points within reach), so the answer is the same as the exhaustive search's. The transform is
separable (the squared distance is a minimum along z of a minimum along y of a minimum along x)
and runs in numpy on the grid's own coordinates (:func:`_squared_edt`); scipy is not needed
(``scipy.ndimage.distance_transform_edt`` serves only :func:`distance_from_mask_mm` on grids too
large for the numpy transform, when scipy is installed). The exhaustive search remains for a PTV
leaving the grid.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sbrt_calc.plancheck.dicom_io import DoseGrid, Roi
from sbrt_calc.plancheck.raster import Occupancy, _plane_mask

D2CM_DISTANCE_MM = 20.0


def surface_points(roi: Roi, thickness_mm: float, step_mm: float = 0.5) -> np.ndarray:
    """Points (n, 3) on the surface of the slab model of *roi* (side walls and end caps)."""
    pts: list[np.ndarray] = []
    zs = [p.z_mm for p in roi.planes]
    half = thickness_mm / 2
    for i, plane in enumerate(roi.planes):
        for poly in plane.polygons:
            b = np.roll(poly, -1, axis=0)
            seg = np.hypot(*(b - poly).T)
            n = np.maximum(np.ceil(seg / step_mm).astype(int), 1)
            k = np.repeat(np.arange(poly.shape[0]), n)
            t = (np.arange(k.size) - np.repeat(np.cumsum(n) - n, n)) / np.repeat(n, n)
            ring = poly[k] + (b[k] - poly[k]) * t[:, None]
            for dz in (-half, 0.0, half):
                pts.append(np.column_stack([ring, np.full(len(ring), plane.z_mm + dz)]))
        below = i == 0 or zs[i] - zs[i - 1] > 1.5 * thickness_mm
        above = i == len(zs) - 1 or zs[i + 1] - zs[i] > 1.5 * thickness_mm
        if below or above:
            allp = np.concatenate(plane.polygons)
            xs = np.arange(allp[:, 0].min(), allp[:, 0].max() + step_mm, step_mm * 2)
            ys = np.arange(allp[:, 1].min(), allp[:, 1].max() + step_mm, step_mm * 2)
            if xs.size > 1 and ys.size > 1:
                m = _plane_mask(plane.polygons, xs, ys, roi.name, plane.z_mm)
                yy, xx = np.nonzero(m)
                cap = np.column_stack([xs[xx], ys[yy]])
                for dz, flag in ((-half, below), (half, above)):
                    if flag:
                        pts.append(np.column_stack([cap, np.full(len(cap), plane.z_mm + dz)]))
    return np.concatenate(pts) if pts else np.zeros((0, 3))


#: Largest work (voxels x axis length, summed over the axes) of the numpy transform; beyond it
#: scipy's transform is used when installed (the numpy one is O(n) per voxel and axis).
NUMPY_EDT_WORK = 60_000_000


def _squared_edt(mask: np.ndarray, axes: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    """Exact squared distance (mm2) from each voxel centre to the nearest centre of a voxel of *mask*.

    *axes*: the voxel centres' coordinates along the array's axes (any spacing). Separable:
    ``min_{k,j,i} (z - z_k)^2 + (y - y_j)^2 + (x - x_i)^2`` is taken one axis at a time (Saito and
    Toriwaki 1994, the brute-force form of the per-line minimum), on the lines holding a finite
    value only; inf where *mask* is empty.
    """
    f = np.where(mask, 0.0, np.inf)
    for axis, c in enumerate(axes):
        c = np.asarray(c, dtype=np.float64)
        n = c.size
        if n == 1:
            continue
        d2 = (c[:, None] - c[None, :]) ** 2  # [to, from]
        g = np.moveaxis(f, axis, -1)
        shape = g.shape
        lines = g.reshape(-1, n)
        out = np.full(lines.shape, np.inf)
        live = np.nonzero(np.isfinite(lines).any(axis=1))[0]
        chunk = max(1, 2_000_000 // (n * n))
        for start in range(0, live.size, chunk):
            sel = live[start:start + chunk]
            out[sel] = (lines[sel][:, None, :] + d2[None, :, :]).min(axis=2)
        f = np.moveaxis(out.reshape(shape), -1, axis)
    return np.ascontiguousarray(f)


def distance_from_mask_mm(grid: DoseGrid, mask: np.ndarray) -> np.ndarray:
    """Distance (mm) from each voxel centre to the nearest centre of a voxel of *mask* (0 inside).

    Exact, on the grid's own coordinates (:func:`_squared_edt`); on a grid too large for it
    (:data:`NUMPY_EDT_WORK`) ``scipy.ndimage.distance_transform_edt`` with the grid's spacing
    (dz, dy, dx) when scipy is installed (the planes must then be evenly spaced: the reader
    refuses others).
    """
    if not mask.any():
        return np.full(mask.shape, np.inf)
    work = mask.size * sum(mask.shape)
    if work > NUMPY_EDT_WORK:
        try:
            from scipy.ndimage import distance_transform_edt
        except ImportError:
            pass
        else:
            dy, dx = grid.spacing_mm
            dz = float(np.median(np.diff(grid.z_mm))) if grid.z_mm.size > 1 else 1.0
            return np.asarray(distance_transform_edt(~mask, sampling=(dz, dy, dx)), dtype=np.float64)
    return np.asarray(np.sqrt(_squared_edt(mask, (grid.z_mm, grid.y_mm, grid.x_mm))))


def d2cm_gy_for_mask(grid: DoseGrid, mask: np.ndarray, distance_mm: float = D2CM_DISTANCE_MM,
                     exclude: np.ndarray | None = None) -> float | None:
    """Maximum dose (Gy) at voxel centres ``distance_mm`` or more from every voxel centre of *mask*.

    For a target given only as a voxel mask (the voxels it occupies at all). Voxels of *exclude*
    (e.g. the surroundings of another target) are not considered. None when no voxel is that far.
    """
    dist = distance_from_mask_mm(grid, mask)
    far = (dist >= distance_mm * (1 - 1e-9)) & ~mask
    if exclude is not None:
        far &= ~exclude
    return float(grid.dose[far].max()) if far.any() else None


def d2cm_gy(grid: DoseGrid, roi: Roi, occ: Occupancy, distance_mm: float = D2CM_DISTANCE_MM,
            exclude: np.ndarray | None = None) -> float | None:
    """Maximum dose (Gy) at ``distance_mm`` or more from the PTV; None if no voxel is that far.

    *exclude*: a boolean array of the grid's shape whose voxels are not considered (for a plan with
    several targets, the surroundings of the others).
    """
    surf = surface_points(roi, occ.thickness_mm).astype(np.float64)
    if surf.size == 0:
        return None
    fast = _d2cm_edt(grid, surf, occ, distance_mm, exclude)
    if fast is not _NOT_DECIDED:
        return fast  # type: ignore[return-value]
    return _d2cm_exhaustive(grid, surf, occ, distance_mm, exclude)


_NOT_DECIDED = object()


def _d2cm_edt(grid: DoseGrid, surf: np.ndarray, occ: Occupancy, distance_mm: float,
              exclude: np.ndarray | None) -> object:
    """The distance-transform search (module doc); ``_NOT_DECIDED`` when the PTV leaves the grid
    (its outside part would be missed by the transform)."""
    x, y, z = grid.x_mm, grid.y_mm, grid.z_mm
    dy, dx = grid.spacing_mm
    zb = grid.z_bounds_mm()
    lo, hi = surf.min(axis=0), surf.max(axis=0)
    if lo[0] < x[0] - dx / 2 or hi[0] > x[-1] + dx / 2 or lo[1] < y[0] - dy / 2 or hi[1] > y[-1] + dy / 2 or \
            lo[2] < zb[0] or hi[2] > zb[-1] or occ.fraction.size == 0:
        return _NOT_DECIDED
    dz = float(np.max(np.diff(zb)))
    half_diag = 0.5 * float(np.sqrt(dx * dx + dy * dy + dz * dz)) * (1 + 1e-9)
    limit = distance_mm * (1 - 1e-9)
    # voxels whose centre is distance_mm or more beyond the surface's bounding box along an axis are far:
    # the transform runs on the box only
    bx = np.nonzero((x > lo[0] - distance_mm) & (x < hi[0] + distance_mm))[0]
    by = np.nonzero((y > lo[1] - distance_mm) & (y < hi[1] + distance_mm))[0]
    bz = np.nonzero((z > lo[2] - distance_mm) & (z < hi[2] + distance_mm))[0]
    if not (bx.size and by.size and bz.size):
        return _NOT_DECIDED
    box = (slice(bz[0], bz[-1] + 1), slice(by[0], by[-1] + 1), slice(bx[0], bx[-1] + 1))
    outside = np.ones(grid.shape, dtype=bool)
    outside[box] = False
    if exclude is not None:
        outside &= ~exclude
    best = float(grid.dose[outside].max()) if outside.any() else -np.inf
    touched = occ.full(grid.shape)[box] > 0
    sub = DoseGrid(grid.path, grid.dose[box], x[box[2]], y[box[1]], z[box[0]], grid.units, grid.summation,
                   grid.frame_of_reference_uid, grid.sop_instance_uid)
    dist = distance_from_mask_mm(sub, touched)
    dose_box = sub.dose
    cand = ~touched & (dist + half_diag >= limit) & (dose_box > best)
    if exclude is not None:
        cand &= ~exclude[box]
    idx = np.flatnonzero(cand)
    if idx.size == 0:
        return None if best == -np.inf else best
    dose = dose_box.ravel()[idx]
    order = np.argsort(-dose, kind="stable")
    idx, dose = idx[order], dose[order]
    sure = dist.ravel()[idx] - half_diag >= limit
    # the first surely far voxel is the answer unless a hotter one of the band is far too
    first = int(np.argmax(sure)) if sure.any() else idx.size
    band = np.nonzero(~sure[:first])[0]
    nz, ny, nx = dose_box.shape
    xs, ys, zs = sub.x_mm, sub.y_mm, sub.z_mm
    limit2 = limit * limit
    chunk = 64
    for start in range(0, band.size, chunk):
        part = band[start:start + chunk]
        k, rem = np.divmod(idx[part], ny * nx)
        r, c = np.divmod(rem, nx)
        pts = np.column_stack([xs[c], ys[r], zs[k]])
        # only the surface points within reach of these voxels can be nearer than the limit
        near = np.all((surf >= pts.min(axis=0) - distance_mm) & (surf <= pts.max(axis=0) + distance_mm), axis=1)
        ok = np.ones(part.size, dtype=bool)
        cand_s = surf[near]
        for s0 in range(0, cand_s.shape[0], 8192):
            q = cand_s[s0:s0 + 8192]
            d2 = (((pts[:, None, :] - q[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
            ok &= d2 >= limit2
            if not ok.any():
                break
        hit = np.nonzero(ok)[0]
        if hit.size:
            return max(best, float(dose[part[int(hit[0])]]))
    if first < idx.size:
        return max(best, float(dose[first]))
    return None if best == -np.inf else best


def _d2cm_exhaustive(grid: DoseGrid, surf: np.ndarray, occ: Occupancy, distance_mm: float,
                     exclude: np.ndarray | None) -> float | None:
    """Every voxel checked against the surface points (no scipy needed; slow on large grids)."""
    lo, hi = surf.min(axis=0) - distance_mm, surf.max(axis=0) + distance_mm
    x, y, z = grid.x_mm, grid.y_mm, grid.z_mm
    bx = np.nonzero((x > lo[0]) & (x < hi[0]))[0]
    by = np.nonzero((y > lo[1]) & (y < hi[1]))[0]
    bz = np.nonzero((z > lo[2]) & (z < hi[2]))[0]
    dose = grid.dose
    far = np.ones(dose.shape, dtype=bool)
    if bx.size and by.size and bz.size:
        far[bz[0]:bz[-1] + 1, by[0]:by[-1] + 1, bx[0]:bx[-1] + 1] = False
    if exclude is not None:
        far &= ~exclude
    best = float(dose[far].max()) if far.any() else -np.inf
    if not (bx.size and by.size and bz.size):
        return None if best == -np.inf else best
    box = dose[bz[0]:bz[-1] + 1, by[0]:by[-1] + 1, bx[0]:bx[-1] + 1]
    inside = occ.full(grid.shape)[bz[0]:bz[-1] + 1, by[0]:by[-1] + 1, bx[0]:bx[-1] + 1] > 0
    if exclude is not None:
        inside = inside | exclude[bz[0]:bz[-1] + 1, by[0]:by[-1] + 1, bx[0]:bx[-1] + 1]
    cand = np.nonzero((box > best) & ~inside)
    if cand[0].size == 0:
        return None if best == -np.inf else best
    order = np.argsort(-box[cand], kind="stable")
    kz, ky, kx = (c[order] for c in cand)
    centres = np.column_stack([x[bx[0] + kx], y[by[0] + ky], z[bz[0] + kz]])
    limit2 = distance_mm**2
    tree = _kdtree(surf)
    chunk = 2048
    for start in range(0, len(centres), chunk):
        c = centres[start:start + chunk]
        if tree is not None:
            d2 = tree.query(c)[0] ** 2
        else:
            d2 = np.full(len(c), np.inf)
            for s0 in range(0, len(surf), 4096):
                s = surf[s0:s0 + 4096]
                d2 = np.minimum(d2, (((c[:, None, :] - s[None, :, :]) ** 2).sum(axis=2)).min(axis=1))
        ok = np.nonzero(d2 >= limit2 * (1 - 1e-9))[0]
        if ok.size:
            j = start + int(ok[0])
            return max(best, float(box[kz[j], ky[j], kx[j]]))
    return None if best == -np.inf else best


def _kdtree(points: np.ndarray) -> Any:
    """A scipy KD-tree when scipy is installed (faster); the brute-force search gives the same answer."""
    try:
        from scipy.spatial import cKDTree
    except ImportError:
        return None
    return cKDTree(points)
