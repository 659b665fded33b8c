"""Voxel EQD2 of one course and the alpha/beta of each structure.

EQD2 of a total dose D in n fractions (d = D/n), per voxel:

- LQ (Fowler JF, Br J Radiol 1989;62:679-694): ``EQD2 = D (d + a/b) / (2 + a/b)``;
- LQ-L (Astrahan M, Med Phys 2008;35:4161-4172): ``BED = n BED_1(d)`` with
  ``BED_1(d) = d (1 + d/(a/b))`` up to the transition dose d_T and its tangent above it, then
  ``EQD2 = BED / (1 + 2/(a/b))`` (2 Gy is below every d_T used here, so the reference is LQ).

The alpha/beta of a structure comes from the presets' tissues (``presets/radiobiology.toml``) by
its TG-263 name (:mod:`sbrt_calc.plancheck.names`): targets (PTV/ITV/GTV/CTV) the tumour value,
``SpinalCord`` and ``SpinalCanal`` the spinal cord value (Sahgal 2012's nBED at 2 Gy), every other
structure the generic late-responding value, which is also the stated default of voxels in no
structure. Where structures overlap, a voxel takes the lowest alpha/beta (the most conservative
for normal tissue at more than 2 Gy per fraction).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sbrt_calc.plancheck.names import match_name, target_type

#: TG-263 names that take the spinal cord tissue value.
CORD_NAMES = ("SpinalCord", "SpinalCanal")
MODELS = ("lq", "lql")


def eqd2_gy(total_gy: np.ndarray, fractions: int, alpha_beta_gy: float | np.ndarray, model: str = "lq",
            transition_dose_gy: float = 6.0) -> np.ndarray:
    """EQD2 per voxel (Gy, float32) of a total dose in *fractions* fractions (module docstring).

    Parameters
    ----------
    total_gy : array
        The course's total physical dose per voxel, Gy (>= 0).
    fractions : int
    alpha_beta_gy : float or array broadcastable to *total_gy*
    model : {"lq", "lql"}
    transition_dose_gy : float
        LQ-L transition dose d_T (presets' ``[lql]``).
    """
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    dose = np.asarray(total_gy, dtype=np.float32)
    ab = np.asarray(alpha_beta_gy, dtype=np.float32)
    d = dose / np.float32(fractions)
    if model == "lq":
        # dose * (d + ab) / (2 + ab), in place on one new array: the same float32 operations, fewer temporaries
        inplace = isinstance(d, np.ndarray) and d.shape == np.broadcast_shapes(d.shape, ab.shape)
        t = np.add(d, ab, out=d) if inplace else d + ab
        if isinstance(t, np.ndarray):
            np.multiply(dose, t, out=t)
            np.divide(t, np.float32(2.0) + ab, out=t)
            return t.astype(np.float32, copy=False)
        return (dose * t / (np.float32(2.0) + ab)).astype(np.float32, copy=False)
    dt = np.float32(transition_dose_gy)
    per_fraction = np.where(d <= dt, d * (1 + d / ab), dt * (1 + dt / ab) + (1 + 2 * dt / ab) * (d - dt))
    return (np.float32(fractions) * per_fraction / (np.float32(1.0) + np.float32(2.0) / ab)).astype(
        np.float32, copy=False)


@dataclass(frozen=True)
class StructureAlphaBeta:
    """The alpha/beta a structure's voxels take, the tissue of the presets it comes from, and why."""

    structure: str
    tg263_name: str | None
    alpha_beta_gy: float
    tissue_key: str
    tissue_name: str
    source: str
    verification: str
    reason: str


def tissue_for(name: str, roi_type: str = "") -> tuple[str, str, str | None]:
    """(tissue key, reason, TG-263 name) of a structure name (module docstring)."""
    m = match_name(name, roi_type=roi_type)
    if target_type(m.tg263_name, roi_type):
        return "tumour", "a target (PTV/ITV/GTV/CTV): the tumour value", m.tg263_name
    if m.tg263_name in CORD_NAMES:
        return "spinal_cord", f"{m.tg263_name}: the spinal cord value", m.tg263_name
    if m.tg263_name:
        return "late", f"{m.tg263_name}: the generic late-responding value", m.tg263_name
    return "late", "name not matched to TG-263: the generic late-responding value", None


def structure_alpha_beta(name: str, roi_type: str = "", radiobiology: object = None) -> StructureAlphaBeta:
    """The alpha/beta of a structure from the presets' tissues (:func:`tissue_for`)."""
    from sbrt_calc.presets.radiobiology import Radiobiology
    from sbrt_calc.presets.radiobiology import radiobiology as shipped

    rb = radiobiology if isinstance(radiobiology, Radiobiology) else shipped()
    key, reason, tg = tissue_for(name, roi_type)
    t = rb.tissue(key)
    return StructureAlphaBeta(name, tg, t.alpha_beta_gy, t.key, t.name, t.source, t.verification, reason)


def default_alpha_beta(radiobiology: object = None) -> StructureAlphaBeta:
    """The stated default of voxels in no structure: the generic late-responding tissue."""
    from sbrt_calc.presets.radiobiology import Radiobiology
    from sbrt_calc.presets.radiobiology import radiobiology as shipped

    rb = radiobiology if isinstance(radiobiology, Radiobiology) else shipped()
    t = rb.tissue("late")
    return StructureAlphaBeta("(no structure)", None, t.alpha_beta_gy, t.key, t.name, t.source, t.verification,
                              "voxels in no structure: the generic late-responding value")
