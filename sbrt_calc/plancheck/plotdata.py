"""What the DVH plot shows, computed in the core: cumulative curves (volume %) and the limits as points.

A limit ``D<v>[Gy] < L`` is the point (L Gy, v as % of the structure): the curve must pass below
it. ``V<x>Gy < L`` is (x Gy, L %); ``CV<x>Gy[cc] >= L`` is (x Gy, (V - L) / V %); ``Max[Gy] < L``
is drawn at (L Gy, 0.035 cc as %). ``Mean`` limits are not points of the curve and are not drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sbrt_calc.plancheck.dvh import StructureDose
from sbrt_calc.plancheck.grade import PlanCheckResult
from sbrt_calc.plancheck.metrics import POINT_CC
from sbrt_calc.presets.model import parse_metric


@dataclass(frozen=True)
class Curve:
    """A cumulative DVH: dose (Gy) and volume (% of the contoured volume)."""

    name: str
    dose_gy: np.ndarray
    volume_percent: np.ndarray
    partly_outside: bool


@dataclass(frozen=True)
class LimitPoint:
    """One limit drawn on the DVH plot."""

    structure: str
    dose_gy: float
    volume_percent: float
    label: str
    status: str


def curves(result: PlanCheckResult, bin_gy: float = 0.05) -> tuple[Curve, ...]:
    """One curve per structure with volume, and per derived structure (lungs minus ITV/GTV)."""
    out = []
    for sd in [s.dose for s in result.structures] + list(result.derived):
        if sd.empty or sd.volume_cc <= 0:
            continue
        dose, vol = sd.cumulative(bin_gy)
        out.append(Curve(sd.name, dose, 100.0 * vol / sd.volume_cc, sd.partly_outside))
    return tuple(out)


def _dose_of(result: PlanCheckResult, name: str | None) -> StructureDose | None:
    for sd in [s.dose for s in result.structures] + list(result.derived):
        if sd.name == name:
            return sd
    return None


def limit_points(result: PlanCheckResult) -> tuple[LimitPoint, ...]:
    """The evaluated limits as points of the DVH plot (see the module's conventions)."""
    out = []
    rx = result.plan.prescription_gy
    for c in result.constraints:
        sd = _dose_of(result, c.structure)
        m = parse_metric(c.constraint.metric)
        if sd is None or m is None or sd.volume_cc <= 0:
            continue
        k = c.constraint
        vol = sd.volume_cc
        point: tuple[float, float] | None = None
        if m.kind == "Max":
            point = (k.limit if m.unit == "Gy" else k.limit / 100 * rx, 100 * POINT_CC / vol)
        elif m.kind == "D" and m.number is not None:
            dose = k.limit if m.unit == "Gy" else k.limit / 100 * rx
            point = (dose, m.number if m.number_unit == "%" else 100 * m.number / vol)
        elif m.kind in ("V", "CV") and m.number is not None:
            dose = m.number if m.number_unit == "Gy" else m.number / 100 * rx
            pct = k.limit if m.unit == "%" else 100 * k.limit / vol
            point = (dose, 100 - pct if m.kind == "CV" else pct)
        if point is not None:
            out.append(LimitPoint(sd.name, point[0], point[1], f"{k.organ} {k.text}", c.status))
    return tuple(out)
