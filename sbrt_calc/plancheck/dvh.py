"""Dose-volume histograms from a structure's voxel occupancy and the dose grid.

Each dose voxel a structure occupies contributes its occupied volume (occupancy fraction x voxel
volume) at the dose of the voxel's centre (no interpolation: the planning system's grid is the
dose). A structure's DVH is kept as (dose, volume) pairs sorted by decreasing dose, pooled in
0.001 Gy bins (each bin at the volume-weighted mean dose of its voxels, so the mean dose is
exact; the maximum and minimum are kept exactly), from which the metrics
(:mod:`sbrt_calc.plancheck.metrics`) are read; cumulative and differential histograms on coarser
bins (default 0.01 Gy) are for plots and export. Volumes are of the
part inside the dose grid; ``outside_cc`` says what is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sbrt_calc.plancheck.dicom_io import DoseGrid
from sbrt_calc.plancheck.raster import Occupancy

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


def structure_dose(occ: Occupancy, grid: DoseGrid, dose: np.ndarray | None = None) -> StructureDose:
    """Dose-volume pairs of *occ* on *grid* (or on another dose array of the grid's shape)."""
    values = grid.dose if dose is None else dose
    if occ.fraction.size == 0:
        empty = np.zeros(0)
        return StructureDose(occ.name, empty, empty, occ.volume_cc, 0.0, occ.outside_cc, occ.notes)
    z0, y0, x0 = occ.origin
    nz, ny, nx = occ.fraction.shape
    sub = values[z0:z0 + nz, y0:y0 + ny, x0:x0 + nx]
    vox = grid.voxel_volume_cc()[z0:z0 + nz]
    # plane by plane: the memory stays that of one plane whatever the structure's size
    planes = []
    top, bottom = -np.inf, np.inf
    for k in range(nz):
        m = occ.fraction[k] > 0
        if m.any():
            d = sub[k][m]
            planes.append((k, m, d))
            top, bottom = max(top, float(d.max())), min(bottom, float(d.min()))
    if not planes:
        empty = np.zeros(0)
        return StructureDose(occ.name, empty, empty, occ.volume_cc, 0.0, occ.outside_cc, occ.notes)
    pool_gy = max(POOL_GY, top / 2.0e5)
    nbins = int(top / pool_gy) + 2
    vol = np.zeros(nbins)
    dose_sum = np.zeros(nbins)
    inv = 1.0 / pool_gy
    for k, m, d in planes:
        w = occ.fraction[k][m].astype(np.float64) * vox[k]
        idx = (d * inv).astype(np.int64)  # doses >= 0: truncation is floor
        vol += np.bincount(idx, weights=w, minlength=nbins)
        dose_sum += np.bincount(idx, weights=w * d, minlength=nbins)
    used = np.nonzero(vol > 0)[0][::-1]
    return StructureDose(occ.name, dose_sum[used] / vol[used], vol[used], occ.volume_cc, float(vol.sum()),
                         occ.outside_cc, occ.notes, top, bottom)


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
