"""An in-memory dose grid for engine tests: the array's voxel centres placed symmetrically about the origin."""

from __future__ import annotations

import numpy as np

from sbrt_calc.plancheck.dicom_io import DoseGrid


def centred_grid(dose: np.ndarray, h: float = 2.5, dz: float = 3.0) -> DoseGrid:
    """*dose* (z, y, x; Gy) on a grid of *h* mm in plane and *dz* mm between planes, centred on (0, 0, 0)."""
    nz, ny, nx = dose.shape
    x = (np.arange(nx) - nx / 2 + 0.5) * h
    y = (np.arange(ny) - ny / 2 + 0.5) * h
    z = (np.arange(nz) - nz / 2 + 0.5) * dz
    return DoseGrid("mem", dose.astype(np.float32), x, y, z, "GY", "PLAN", "1.2.3", "1.2.3.4")
