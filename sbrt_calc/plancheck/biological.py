"""Physical dose to biological dose voxel by voxel: EQD2 and BED under LQ (and LQ-L where chosen).

Each voxel's total dose ``D`` over ``n`` equal fractions (dose per fraction ``d = D / n``) is
converted with the structure's alpha/beta (Fowler JF, Br J Radiol 1989;62:679-694;
:mod:`sbrt_calc.radiobiology.lq`; LQ-L per Astrahan M, Med Phys 2008;35:4161-4172,
:mod:`sbrt_calc.radiobiology.lql`). Converting the DVH voxel by voxel is not the same as
converting its mean: ``EQD2(mean) != mean(EQD2)``; the mean EQD2 here is the mean of the voxels'.

Assumptions, stated wherever a sum is shown: every voxel gets the same dose in every fraction
(the plan's fractions are equal); full repair between fractions; no repopulation or time factor;
for two courses, the same voxel is the same tissue (no deformation, same frame of reference and
grid) and no recovery between courses is credited. LQ is uncertain above about 8-10 Gy per
fraction (Kirkpatrick JP et al., Semin Radiat Oncol 2008;18:240-243).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.plancheck.dicom_io import DoseGrid
from sbrt_calc.plancheck.dvh import StructureDose
from sbrt_calc.radiobiology import lq, lql

MODELS = ("lq", "lql")
SUM_ASSUMPTIONS = ("equal fractions within each course", "full repair between fractions",
                   "no time factor or repopulation", "no recovery between courses credited",
                   "same voxel = same tissue (same frame of reference and grid, no deformation)")


class BiologicalDoseError(SbrtCalcError):
    """A biological-dose conversion that cannot be done."""


def _check(fractions: int, alpha_beta_gy: float, model: str) -> None:
    if isinstance(fractions, bool) or not isinstance(fractions, int) or fractions < 1:
        raise BiologicalDoseError(f"fractions must be a whole number >= 1, got {fractions!r}", field="fractions",
                                  value=fractions, allowed="an integer >= 1")
    if not alpha_beta_gy > 0:
        raise BiologicalDoseError(f"alpha/beta must be > 0 Gy, got {alpha_beta_gy!r}", field="alpha_beta_gy",
                                  value=alpha_beta_gy, allowed="> 0 Gy")
    if model not in MODELS:
        raise BiologicalDoseError(f"model must be one of {', '.join(MODELS)}, got {model!r}", field="model",
                                  value=model, allowed=", ".join(MODELS))


def bed_gy(dose_gy: np.ndarray, fractions: int, alpha_beta_gy: float, model: str = "lq",
           transition_dose_gy: float = lql.DEFAULT_TRANSITION_DOSE_GY) -> np.ndarray:
    """Voxel-wise BED (Gy) of total doses *dose_gy* delivered in *fractions* equal fractions."""
    _check(fractions, alpha_beta_gy, model)
    d = np.asarray(dose_gy, dtype=float)
    if model == "lq":
        return np.asarray(lq.bed(d, d / fractions, alpha_beta_gy), dtype=float)
    per_fraction = lql.bed_per_fraction(d / fractions, alpha_beta_gy, transition_dose_gy)
    return np.asarray(fractions * per_fraction, dtype=float)


def eqd2_gy(dose_gy: np.ndarray, fractions: int, alpha_beta_gy: float, model: str = "lq",
            transition_dose_gy: float = lql.DEFAULT_TRANSITION_DOSE_GY) -> np.ndarray:
    """Voxel-wise EQD2 (Gy): ``BED / (1 + 2 / (alpha/beta))`` of :func:`bed_gy`."""
    b = bed_gy(dose_gy, fractions, alpha_beta_gy, model, transition_dose_gy)
    return np.asarray(lq.bed_to_eqdx(b, alpha_beta_gy, 2.0), dtype=float)


def eqd2_dvh(sd: StructureDose, fractions: int, alpha_beta_gy: float, model: str = "lq",
             transition_dose_gy: float = lql.DEFAULT_TRANSITION_DOSE_GY) -> StructureDose:
    """The structure's DVH in EQD2 (same volumes; doses converted voxel by voxel)."""
    label = f"{sd.name} EQD2 {'LQ' if model == 'lq' else 'LQ-L'} a/b {alpha_beta_gy:g}"
    return sd.mapped(label, lambda d: eqd2_gy(d, fractions, alpha_beta_gy, model, transition_dose_gy))


def sum_eqd2(grids: Sequence[tuple[DoseGrid, int]], alpha_beta_gy: float, model: str = "lq") -> np.ndarray:
    """Sum of several courses in EQD2, voxel by voxel (see :data:`SUM_ASSUMPTIONS`).

    Parameters
    ----------
    grids : sequence of (DoseGrid, fractions)
        Whole-course doses in Gy on the same frame of reference and the same grid.

    Raises
    ------
    BiologicalDoseError
        When the grids differ in frame of reference or geometry (resampling is not done here).
    """
    if not grids:
        raise BiologicalDoseError("give at least one dose grid", field="grids", allowed="one or more grids")
    first = grids[0][0]
    for g, _ in grids[1:]:
        if not first.same_geometry(g):
            raise BiologicalDoseError(f"{g.path} is not on the frame of reference and grid of {first.path}: the "
                                      "courses cannot be summed voxel by voxel (register and resample them in the "
                                      "planning system)", field="grid", value=g.path, allowed="identical grids")
    total = np.zeros(first.shape)
    for g, n in grids:
        total += eqd2_gy(g.dose, n, alpha_beta_gy, model)
    return total
