"""DVH metrics in TG-263 nomenclature, read from exact dose-volume pairs.

Nomenclature: AAPM TG-263 (Mayo CS et al., Int J Radiat Oncol Biol Phys 2018;100:1057-1066),
section on DVH metrics: ``Max[Gy]``, ``Mean[Gy]``, ``Min[Gy]``, ``D0.035cc[Gy]`` (``DxCC``: the
minimum dose to the hottest x cm3), ``D95%[Gy]`` (``Dx%``), ``V20Gy[%]`` / ``V20Gy[cc]``
(``VxGy``: volume receiving at least x Gy), ``CV7Gy[cc]`` (critical volume: volume receiving
*less* than x Gy).

Conventions: ``Dv`` is the dose of the pair at which the cumulative volume, counted from the
hottest voxel, first reaches ``v`` (no interpolation, so never below the true step DVH); ``Max``
is the highest dose of any voxel the structure occupies, even partly (D0.035cc is the robust
maximum TG-101 recommends for a "point"). Percent volumes are of the whole contoured volume.

A structure partly outside the dose grid gets values from its part inside, marked
``complete=False`` with the reason: they are bounds (Max, VxGy are lower bounds), never
presented as the structure's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.plancheck.dvh import StructureDose
from sbrt_calc.presets.model import parse_metric

POINT_CC = 0.035


class MetricError(SbrtCalcError):
    """A DVH metric name that cannot be evaluated."""


@dataclass(frozen=True)
class MetricValue:
    """A metric's value (None when it cannot be computed) and whether it covers the whole structure."""

    metric: str
    value: float | None
    unit: str
    complete: bool = True
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "value": self.value, "unit": self.unit, "complete": self.complete,
                "note": self.note}


def d_cc(sd: StructureDose, volume_cc: float) -> float | None:
    """Minimum dose to the hottest *volume_cc* (Gy); None when the structure is smaller."""
    if sd.empty or volume_cc > sd.in_grid_cc * (1 + 1e-9):
        return None
    cum = np.cumsum(sd.volumes_cc)
    i = int(np.searchsorted(cum, volume_cc * (1 - 1e-12), side="left"))
    return float(sd.doses_gy[min(i, sd.doses_gy.size - 1)])


def v_gy_cc(sd: StructureDose, dose_gy: float) -> float:
    """Volume receiving at least *dose_gy*, cm3."""
    n = int(np.searchsorted(-sd.doses_gy, -dose_gy, side="right"))
    return float(sd.volumes_cc[:n].sum())


def mean_gy(sd: StructureDose) -> float | None:
    if sd.empty:
        return None
    # einsum, not np.dot: a BLAS dot of 10^4-10^5 pairs spawns threads (2-30 ms on a loaded machine)
    return float(np.einsum("i,i->", sd.doses_gy, sd.volumes_cc) / sd.volumes_cc.sum())


def evaluate(metric: str, sd: StructureDose, prescription_gy: float | None = None) -> MetricValue:
    """Value of a TG-263 metric (``Max[Gy]``, ``D0.35cc[Gy]``, ``V20Gy[%]``, ``CV7Gy[cc]``, ``Max[%]`` ...).

    ``[%]`` results of dose metrics are percent of *prescription_gy*.

    Raises
    ------
    MetricError
        For a name that is not a TG-263 DVH metric, or a percent-of-prescription metric without
        a prescription.
    """
    m = parse_metric(metric)
    if m is None:
        raise MetricError(f"{metric!r} is not a TG-263 DVH metric name", field="metric", value=metric,
                          allowed="Max[Gy], Mean[Gy], Min[Gy], D<x>cc[Gy], D<x>%[Gy], V<x>Gy[cc|%], CV<x>Gy[cc]")
    partial = sd.partly_outside
    note = (f"{sd.outside_cc:.3g} cc of {sd.volume_cc:.3g} cc lie outside the dose grid: value from the part "
            "inside only") if partial else ""
    if sd.empty:
        return MetricValue(metric, None, m.unit, False, note or "structure has no volume inside the dose grid")
    value: float | None
    if m.kind in ("Max", "Min", "Mean"):
        top = sd.max_gy if sd.max_gy is not None else float(sd.doses_gy[0])
        bottom = sd.min_gy if sd.min_gy is not None else float(sd.doses_gy[-1])
        value = {"Max": top, "Min": bottom, "Mean": mean_gy(sd)}[m.kind]
    elif m.kind in ("D", "DC"):
        assert m.number is not None
        vol = m.number if m.number_unit == "cc" else m.number / 100 * sd.volume_cc
        value = d_cc(sd, vol)
        if m.kind == "DC" and value is not None:  # dose to the coldest v: TG-263 "DC"
            value = _dc(sd, vol)
        if value is None and not partial:
            note = f"structure ({sd.in_grid_cc:.3g} cc) is smaller than {vol:g} cc"
    else:
        assert m.number is not None
        level = m.number if m.number_unit == "Gy" else _pct_dose(m.number, prescription_gy, metric)
        vx = v_gy_cc(sd, level)
        vol = vx if m.kind == "V" else sd.in_grid_cc - vx
        value = vol if m.unit == "cc" else 100.0 * vol / sd.volume_cc
        return MetricValue(metric, value, m.unit, not partial, note)
    if value is not None and m.unit == "%" and m.kind in ("Max", "Min", "Mean", "D", "DC"):
        value = 100.0 * value / _prescription(prescription_gy, metric)
    return MetricValue(metric, value, m.unit, not partial and value is not None, note)


def _dc(sd: StructureDose, volume_cc: float) -> float | None:
    cum = np.cumsum(sd.volumes_cc[::-1])
    i = int(np.searchsorted(cum, volume_cc * (1 - 1e-12), side="left"))
    return float(sd.doses_gy[::-1][min(i, sd.doses_gy.size - 1)])


def _prescription(prescription_gy: float | None, metric: str) -> float:
    if prescription_gy is None or not prescription_gy > 0:
        raise MetricError(f"{metric} is a percentage of the prescription: give the prescription",
                          field="prescription_gy", value=prescription_gy, allowed="a dose > 0 Gy")
    return float(prescription_gy)


def _pct_dose(percent: float, prescription_gy: float | None, metric: str) -> float:
    return percent / 100.0 * _prescription(prescription_gy, metric)


#: The metrics every structure row shows (TG-263 names, key in the JSON).
STANDARD = (("volume_cc", None), ("dmax_gy", "Max[Gy]"), ("d0_035cc_gy", "D0.035cc[Gy]"),
            ("dmean_gy", "Mean[Gy]"), ("dmin_gy", "Min[Gy]"))
#: Extra metrics of a target.
TARGET = (("d98_percent_gy", "D98%[Gy]"), ("d95_percent_gy", "D95%[Gy]"), ("d50_percent_gy", "D50%[Gy]"),
          ("d2_percent_gy", "D2%[Gy]"))


def standard_metrics(sd: StructureDose, target: bool = False, prescription_gy: float | None = None) -> dict[str, Any]:
    """The row of a structure: volumes and the standard metrics (None where not computable)."""
    row: dict[str, Any] = {"volume_cc": sd.volume_cc, "in_grid_cc": sd.in_grid_cc, "outside_cc": sd.outside_cc,
                           "partly_outside_dose_grid": sd.partly_outside}
    for key, name in STANDARD[1:] + (TARGET if target else ()):
        assert name is not None
        row[key] = evaluate(name, sd).value
    if target and prescription_gy:
        row["v100_percent"] = 100.0 * v_gy_cc(sd, prescription_gy) / sd.volume_cc if sd.volume_cc else None
    return row


@dataclass(frozen=True)
class TargetQuality:
    """Coverage and quality of one target from its DVH and the isodose volumes around it.

    - ``v100_percent`` / ``v90_percent``: % of the target volume receiving at least 100 % / 90 % of
      the prescription (RTOG 0915/0813: V100 >= 95 %, V90 >= 99 %);
    - ``d98_gy``, ``d95_gy``, ``d50_gy``, ``d2_gy``: dose to the hottest 98/95/50/2 % of the volume;
      ``dmin_gy``, ``dmax_gy``;
    - ``paddick_ci`` = TV_PIV^2 / (TV x PIV) (Paddick I, J Neurosurg 2000;93 Suppl 3:219-222): TV the
      target volume, PIV the prescription isodose volume, TV_PIV the target volume inside it; 1 is ideal;
    - ``gradient_index`` = V50% / V100% (isodose volumes; Paddick I, Lippitz B, J Neurosurg 2006;105
      Suppl:194-201);
    - ``homogeneity_index`` = (D2% - D98%) / D50% (ICRU Report 83, 2010, section 3.7.1); 0 is homogeneous.
    """

    v100_percent: float | None
    v90_percent: float | None
    d98_gy: float | None
    d95_gy: float | None
    d50_gy: float | None
    d2_gy: float | None
    dmin_gy: float | None
    dmax_gy: float | None
    paddick_ci: float | None
    gradient_index: float | None
    homogeneity_index: float | None

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def target_quality(sd: StructureDose, prescription_gy: float, piv_cc: float | None,
                   piv50_cc: float | None) -> TargetQuality:
    """:class:`TargetQuality` of a target with DVH *sd*, prescription isodose volume *piv_cc* and 50 %
    isodose volume *piv50_cc* (cm3; None when not known)."""
    rx = float(prescription_gy)
    vol = sd.volume_cc
    if sd.empty or vol <= 0:
        return TargetQuality(*([None] * 11))
    v100 = 100.0 * v_gy_cc(sd, rx) / vol
    v90 = 100.0 * v_gy_cc(sd, 0.9 * rx) / vol
    d = {k: evaluate(f"D{k}%[Gy]", sd).value for k in (98, 95, 50, 2)}
    tv_piv = v_gy_cc(sd, rx)
    ci = tv_piv**2 / (vol * piv_cc) if piv_cc else (0.0 if piv_cc == 0 else None)
    gi = piv50_cc / piv_cc if piv_cc and piv50_cc is not None else None
    d2, d98, d50 = d[2], d[98], d[50]
    hi = (d2 - d98) / d50 if d2 is not None and d98 is not None and d50 else None
    return TargetQuality(v100, v90, d[98], d[95], d[50], d[2], evaluate("Min[Gy]", sd).value,
                         evaluate("Max[Gy]", sd).value, ci, gi, hi)
