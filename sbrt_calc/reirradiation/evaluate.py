"""Cumulative EQD2 of re-irradiation courses, voxel by voxel, graded against the presets' limits.

The chain (issue 22), on the new (last) course's dose grid:

1. each earlier course resampled onto that grid (:func:`.courses.resample`, trilinear);
2. EQD2 per voxel and course with the course's own fraction count (:func:`.eqd2.eqd2_gy`) and summed:
   the *cumulative dose* in the terms of the ESTRO-EORTC consensus (Andratschke N et al., Lancet
   Oncol 2022);
3. the cumulative DVH of each structure of the new course's RT Structure Set (the plan check's
   rasteriser and sub-voxel DVH, :func:`sbrt_calc.plancheck.dvh.structure_dvh`) at the structure's
   alpha/beta;
4. the re-irradiation limits of ``presets/reirradiation.toml`` (thecal sac Pmax, Sahgal 2012 /
   HyTEC) graded on their own scale (LQ EQD2 at the limit's alpha/beta): pass, fail or incomplete;
   each verdict then recomputed over :data:`ALPHA_BETA_CHECK_GY` and LQ vs LQ-L: "holds in all"
   or "depends", the least favourable case named;
5. the largest new course that fits: per fraction count asked, the largest scale of the new
   plan's dose for which every limit holds (bisection on the voxels each limited structure
   touches and their neighbours: exact on a uniform dose, never above the exact scale elsewhere).

No recovery discount is offered. Dose of an earlier course outside its grid is unknown: the share
of each structure lying there is reported, and a limited structure partly there is "incomplete"
unless a limit already fails on the known part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from sbrt_calc.plancheck.dicom_io import DoseGrid, StructureSet
from sbrt_calc.reirradiation.courses import Course, ReirradiationError, Resampled, resample, transforms_for
from sbrt_calc.reirradiation.eqd2 import StructureAlphaBeta, default_alpha_beta, eqd2_gy, structure_alpha_beta
from sbrt_calc.table import Status, worst

#: alpha/beta values (Gy) over which each limit's verdict is recomputed: 0.87 Gy is the QUANTEC spinal
#: cord estimate the presets hold (Kirkpatrick 2010), 2 Gy the limits' own value (Sahgal 2012); 1, 3 and
#: 4 Gy are this program's choice to span a plausible late-responding range around them.
ALPHA_BETA_CHECK_GY = (0.87, 1.0, 2.0, 3.0, 4.0)
#: The relative precision of the largest-scale bisection.
SCALE_RTOL = 1e-9

ASSUMPTIONS = (
    "Courses are summed voxel by voxel in EQD2 (LQ: EQD2 = D (d + a/b) / (2 + a/b), Fowler 1989), each with its "
    "own fraction count; the dose per fraction of a voxel is its course dose divided by that count.",
    "Earlier courses are resampled onto the new course's dose grid by trilinear interpolation between voxel "
    "centres; courses on another frame of reference are mapped by a rigid DICOM Spatial Registration (rotation and "
    "translation only; deformable registration is not done).",
    "Where an earlier course's grid does not reach, its dose is unknown (not zero): the share of each structure "
    "there is reported, and a limit on a structure partly there is incomplete.",
    "alpha/beta per structure from the presets' tissues by TG-263 name: targets the tumour value, SpinalCord and "
    "SpinalCanal the spinal cord value, every other structure and voxels in no structure the generic "
    "late-responding value; where structures overlap the lowest alpha/beta is used (the summed EQD2 map).",
    "Each structure's cumulative DVH is computed at that structure's own alpha/beta.",
    "Limits are graded on their own scale (LQ EQD2 at the limit's alpha/beta) on the structure's DVH maximum; the "
    "verdict is then recomputed at alpha/beta 0.87, 1, 2, 3 and 4 Gy under LQ and LQ-L and called 'holds in all' "
    "or 'depends'; these check cases and the largest-course search use the maximum over the voxels the structure "
    "touches and their neighbours, an upper bound of the DVH maximum (equal on a uniform dose).",
    "No recovery discount is applied (none is offered: the limits were derived on undiscounted sums).",
    "The largest new course scales the new plan's dose as a whole and gives it in the fraction count asked.",
)
#: With no new plan yet (``new_plan=False``) the last sentence reads instead:
NO_NEW_PLAN_ASSUMPTION = ("With no new plan yet, every course is an earlier one; the largest new course is the largest "
                          "prescription given uniformly to every voxel the target touches and their neighbours (a limited "
                          "structure meeting them gets the whole prescription), in the fraction count asked.")


def assumptions_for(new_plan: bool = True) -> tuple[str, ...]:
    """The assumptions stated to the user, word for word (:data:`ASSUMPTIONS`; without a new plan its last
    sentence is :data:`NO_NEW_PLAN_ASSUMPTION`)."""
    return ASSUMPTIONS if new_plan else ASSUMPTIONS[:-1] + (NO_NEW_PLAN_ASSUMPTION,)


@dataclass(frozen=True)
class CheckValue:
    """One limit check: its value, the limit, the verdict."""

    name: str
    value: float | None
    limit: float
    comparison: str
    unit: str
    status: Status
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "limit": self.limit, "comparison": self.comparison,
                "unit": self.unit, "status": str(self.status), "note": self.note}


@dataclass(frozen=True)
class Case:
    """The limit's checks recomputed under one model and alpha/beta."""

    model: str
    alpha_beta_gy: float
    cumulative_max_gy: float
    new_course_max_gy: float
    status: Status
    worst_ratio: float  # largest value/limit over the checks

    def as_dict(self) -> dict[str, Any]:
        return {"model": self.model, "alpha_beta_gy": self.alpha_beta_gy, "cumulative_max_eqd2_gy":
                self.cumulative_max_gy, "new_course_max_eqd2_gy": self.new_course_max_gy,
                "status": str(self.status), "worst_value_to_limit": self.worst_ratio}


@dataclass(frozen=True)
class StructureResult:
    """A structure's alpha/beta, cumulative DVH (EQD2, Gy) and where earlier courses' doses are unknown."""

    name: str
    alpha_beta: StructureAlphaBeta
    dose: Any  # StructureDose of the cumulative EQD2
    outside_previous: dict[str, float]  # course label -> share of the in-grid volume outside its grid
    partly_outside_new_grid: bool

    def as_dict(self) -> dict[str, Any]:
        sd = self.dose
        mean = float(np.einsum("i,i->", sd.doses_gy, sd.volumes_cc) / sd.volumes_cc.sum()) if sd.volumes_cc.size else None
        ab = self.alpha_beta
        return {"name": self.name, "tg263_name": ab.tg263_name, "alpha_beta_gy": ab.alpha_beta_gy,
                "alpha_beta_tissue": ab.tissue_key, "alpha_beta_reason": ab.reason, "alpha_beta_source": ab.source,
                "alpha_beta_verification": ab.verification, "volume_cc": sd.volume_cc, "in_grid_cc": sd.in_grid_cc,
                "outside_new_grid_cc": sd.outside_cc, "outside_previous_grid_fraction": self.outside_previous,
                "cumulative_eqd2_max_gy": sd.max_gy, "cumulative_eqd2_mean_gy": mean,
                "cumulative_eqd2_min_gy": sd.min_gy, "notes": list(sd.notes)}


@dataclass(frozen=True)
class LimitResult:
    """A re-irradiation limit graded on one structure (or not gradable: ``structure`` None)."""

    key: str
    name: str
    organ: str
    structure: str | None
    alpha_beta_gy: float
    checks: tuple[CheckValue, ...]
    status: Status
    cases: tuple[Case, ...]
    sensitivity: str  # "holds in all" | "depends" | "not evaluated"
    least_favourable: Case | None
    source: str
    verification: str
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "organ": self.organ, "structure": self.structure,
                "model": "lq", "alpha_beta_gy": self.alpha_beta_gy, "checks": [c.as_dict() for c in self.checks],
                "status": str(self.status), "sensitivity": self.sensitivity,
                "cases": [c.as_dict() for c in self.cases],
                "least_favourable": None if self.least_favourable is None else self.least_favourable.as_dict(),
                "source": self.source, "verification": self.verification, "notes": list(self.notes)}


@dataclass(frozen=True)
class LargestCourse:
    """The largest scale of the new plan's dose, in *fractions* fractions, for which every limit holds."""

    fractions: int
    scale: float | None  # None: no limit reached at any scale (the limited organs get no new dose)
    limiting_structure: str | None
    limiting_check: str | None
    least_scale: float | None  # the smallest over the check cases (alpha/beta range, LQ/LQ-L)
    least_case: str | None
    status: Status
    notes: tuple[str, ...]
    #: None: ``scale`` multiplies the new plan's dose; else the target's name(s), and ``scale`` is the largest uniform
    #: prescription in Gy to the target's voxels (no new plan yet)
    target: str | None = None
    uniform: bool = False

    def as_dict(self) -> dict[str, Any]:
        if self.uniform:
            return {"fractions": self.fractions, "uniform_prescription_gy": self.scale, "target": self.target,
                    "limiting_structure": self.limiting_structure, "limiting_check": self.limiting_check,
                    "least_uniform_prescription_gy_over_cases": self.least_scale, "least_case": self.least_case,
                    "status": str(self.status), "notes": list(self.notes)}
        return {"fractions": self.fractions, "scale": self.scale, "limiting_structure": self.limiting_structure,
                "limiting_check": self.limiting_check, "least_scale_over_cases": self.least_scale,
                "least_case": self.least_case, "status": str(self.status), "notes": list(self.notes)}


@dataclass(frozen=True)
class ReirradiationResult:
    """Everything the faces render: courses, structures, limits, the largest new course, the map."""

    courses: tuple[Course, ...]
    resampled: tuple[Resampled, ...]
    structures: tuple[StructureResult, ...]
    limits: tuple[LimitResult, ...]
    largest: tuple[LargestCourse, ...]
    eqd2_map: DoseGrid  # summed EQD2 (Gy), voxel alpha/beta; 0 where an earlier course's dose is unknown
    alpha_beta_map: np.ndarray  # the alpha/beta (Gy) of each voxel of the map
    default_alpha_beta: StructureAlphaBeta
    model: str
    transition_dose_gy: float
    interval_months: float | None
    status: Status
    notes: tuple[str, ...]
    new_plan: bool = True  # False: every course is an earlier one; the largest new course is a uniform prescription
    target: str | None = None  # the target(s) of the uniform prescription (no new plan)

    @property
    def assumptions(self) -> tuple[str, ...]:
        """The assumptions stated to the user for this result, word for word (:func:`assumptions_for`)."""
        return assumptions_for(self.new_plan)

    def as_dict(self) -> dict[str, Any]:
        courses = []
        for i, c in enumerate(self.courses):
            new = self.new_plan and i == len(self.courses) - 1
            courses.append({"label": c.label, "rtdose": c.grid.path, "fractions": c.fractions,
                            "role": "new" if new else "previous",
                            "frame_of_reference_uid": c.frame_of_reference_uid,
                            "max_dose_gy": float(c.grid.dose.max()),
                            "outside_fraction_of_new_grid": 0.0 if new else self.resampled[i].outside_fraction,
                            "notes": list(c.notes)})
        d = self.default_alpha_beta
        return {
            "status": str(self.status),
            "new_plan": self.new_plan,
            "target": self.target,
            "courses": courses,
            "model": {"map_and_dvh_model": self.model, "limits_model": "lq",
                      "lql_transition_dose_gy": self.transition_dose_gy,
                      "default_alpha_beta_gy": d.alpha_beta_gy, "default_alpha_beta_source": d.source,
                      "overlap_rule": "lowest alpha/beta", "alpha_beta_check_gy": list(ALPHA_BETA_CHECK_GY),
                      "recovery_discount": "not offered", "interval_months": self.interval_months},
            "assumptions": list(self.assumptions),
            "structures": [s.as_dict() for s in self.structures],
            "limits": [lim.as_dict() for lim in self.limits],
            "largest_new_course": [c.as_dict() for c in self.largest],
            "notes": list(self.notes),
        }


def _grid_like(grid: DoseGrid, dose: np.ndarray, path: str = "") -> DoseGrid:
    return DoseGrid(path, dose, grid.x_mm, grid.y_mm, grid.z_mm, "GY", "PLAN", grid.frame_of_reference_uid,
                    grid.sop_instance_uid)


def _dilated_box(occ: Any, shape: tuple[int, int, int]) -> tuple[tuple[slice, slice, slice], np.ndarray]:
    """Slices of the occupancy's box grown by one voxel, and the occupied voxels dilated by one (3x3x3)."""
    z0, y0, x0 = occ.origin
    nz, ny, nx = occ.fraction.shape
    lo = (max(z0 - 1, 0), max(y0 - 1, 0), max(x0 - 1, 0))
    hi = (min(z0 + nz + 1, shape[0]), min(y0 + ny + 1, shape[1]), min(x0 + nx + 1, shape[2]))
    box = (slice(lo[0], hi[0]), slice(lo[1], hi[1]), slice(lo[2], hi[2]))
    mask = np.zeros(tuple(b - a for a, b in zip(lo, hi, strict=True)), dtype=bool)
    occ_in = occ.fraction > 0
    oz, oy, ox = z0 - lo[0], y0 - lo[1], x0 - lo[2]
    for dz in (-1, 0, 1):
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                sz, sy, sx = oz + dz, oy + dy, ox + dx
                # place occ_in shifted by (dz, dy, dx), clipped to the box
                zs = slice(max(sz, 0), min(sz + nz, mask.shape[0]))
                ys = slice(max(sy, 0), min(sy + ny, mask.shape[1]))
                xs = slice(max(sx, 0), min(sx + nx, mask.shape[2]))
                src = occ_in[zs.start - sz:zs.stop - sz, ys.start - sy:ys.stop - sy, xs.start - sx:xs.stop - sx]
                mask[zs, ys, xs] |= src
    return box, mask


class _Doses:
    """The courses' physical doses on the new grid; their EQD2 sums over a box of it."""

    def __init__(self, new: Course, resampled: Sequence[Resampled], transition_dose_gy: float) -> None:
        self.physical = [r.dose_gy for r in resampled] + [np.asarray(new.grid.dose, dtype=np.float32)]
        self.fractions = [r.course.fractions for r in resampled] + [new.fractions]
        self.dt = transition_dose_gy

    def cumulative(self, model: str, ab: float, box: tuple[slice, slice, slice]) -> np.ndarray:
        total = np.zeros(self.physical[0][box].shape, dtype=np.float32)
        for dose, n in zip(self.physical, self.fractions, strict=True):
            total += eqd2_gy(dose[box], n, ab, model, self.dt)
        return total

    def new_only(self, model: str, ab: float, box: tuple[slice, slice, slice]) -> np.ndarray:
        return eqd2_gy(self.physical[-1][box], self.fractions[-1], ab, model, self.dt)


def _roi_box(roi: Any, grid: DoseGrid, thickness_mm: float, margin: int = 2) -> tuple[slice, slice, slice]:
    """The part of the grid a structure's DVH reads: its contours' bounding box grown by *margin* voxels."""
    pts = np.concatenate([p for plane in roi.planes for p in plane.polygons])
    zs = np.array([plane.z_mm for plane in roi.planes])
    out = []
    for axis, lo, hi in ((grid.z_mm, zs.min() - thickness_mm, zs.max() + thickness_mm),
                         (grid.y_mm, pts[:, 1].min(), pts[:, 1].max()), (grid.x_mm, pts[:, 0].min(), pts[:, 0].max())):
        a = np.asarray(axis, dtype=float)
        i0 = max(int(np.searchsorted(a, lo)) - margin, 0)
        i1 = min(int(np.searchsorted(a, hi, side="right")) + margin, a.size)
        if i1 <= i0:   # wholly outside along this axis: the whole axis (the DVH says it is outside)
            i0, i1 = 0, a.size
        out.append(slice(i0, i1))
    return out[0], out[1], out[2]


def _sub_grid(grid: DoseGrid, box: tuple[slice, slice, slice], dose: np.ndarray) -> DoseGrid:
    return DoseGrid(grid.path, np.ascontiguousarray(dose), np.asarray(grid.x_mm)[box[2]],
                    np.asarray(grid.y_mm)[box[1]], np.asarray(grid.z_mm)[box[0]], "GY", "PLAN",
                    grid.frame_of_reference_uid, grid.sop_instance_uid)


def _checks(lim: Any, cum_max: float, new_max: float, interval_months: float | None,
            several: bool, new_plan: bool = True) -> list[CheckValue]:
    """The limit's checks; without a new plan (``new_plan`` False) only the cumulative dose of the earlier courses
    and the interval (the new course's own checks bound the largest uniform prescription instead)."""
    out = [CheckValue("cumulative EQD2 Dmax", cum_max, lim.max_cumulative_eqd2_gy, "<=", "Gy",
                      Status.PASS if cum_max <= lim.max_cumulative_eqd2_gy else Status.FAIL)]
    if several and new_plan and lim.max_reirradiation_course_eqd2_gy is not None:
        c = lim.max_reirradiation_course_eqd2_gy
        out.append(CheckValue("new course EQD2 Dmax", new_max, c, "<=", "Gy",
                              Status.PASS if new_max <= c else Status.FAIL))
    if several and new_plan and lim.max_reirradiation_share is not None:
        share = new_max / cum_max if cum_max > 0 else 0.0
        out.append(CheckValue("new course share of cumulative Dmax", share, lim.max_reirradiation_share, "<=", "",
                              Status.PASS if share <= lim.max_reirradiation_share else Status.FAIL,
                              "ratio of the new course's Dmax to the cumulative Dmax (each in EQD2)"))
    if several and lim.min_interval_months is not None:
        if interval_months is None:
            out.append(CheckValue("interval since the previous course", None, lim.min_interval_months, ">=",
                                  "months", Status.INCOMPLETE, "not given (--interval-months)"))
        else:
            out.append(CheckValue("interval since the previous course", interval_months, lim.min_interval_months,
                                  ">=", "months",
                                  Status.PASS if interval_months >= lim.min_interval_months else Status.FAIL))
    return out


def _ratio(checks: Sequence[CheckValue]) -> float:
    vals = [c.value / c.limit for c in checks if c.value is not None and c.comparison == "<=" and c.limit > 0]
    return max(vals, default=0.0)


def _scan_check_cases(doses: Any, box: Any, sel: np.ndarray, new_phys: np.ndarray, n: int, lim: Any,
                      several: bool, name: str, best: tuple[float, str, str] | None,
                      least: tuple[float, str] | None) -> tuple[tuple[float, str, str] | None, tuple[float, str] | None]:
    """The largest scale of ``new_phys`` (the new dose on the voxels ``sel`` of ``box``) under every check case:
    LQ and LQ-L at each alpha/beta of the check and the limit's own. ``best`` keeps the smallest at the limit's own
    scale (LQ at its alpha/beta) with the check reached there, ``least`` the smallest over all cases, named."""
    dt = doses.dt
    for m in ("lq", "lql"):
        for ab in sorted(set(ALPHA_BETA_CHECK_GY) | {lim.alpha_beta_gy}):
            old = np.zeros(new_phys.shape, dtype=np.float32)
            for dose, k in zip(doses.physical[:-1], doses.fractions[:-1], strict=True):
                old += eqd2_gy(dose[box][sel], k, ab, m, dt)
            sc = _largest_scale(old, new_phys, n, lim, ab, m, dt, several)
            if sc is None:
                continue
            if (m, ab) == ("lq", lim.alpha_beta_gy) and (best is None or sc < best[0]):
                best = (sc, name, _limiting(lim, old, new_phys, n, sc, ab, m, dt, several))
            if least is None or sc < least[0]:
                least = (sc, f"{m.upper().replace('LQL', 'LQ-L')} at alpha/beta {ab:g} Gy ({name})")
    return best, least


def _largest_scale(old: np.ndarray, new_phys: np.ndarray, n: int, lim: Any, ab: float, model: str, dt: float,
                   several: bool) -> float | None:
    """Largest s with every dose limit holding on these voxels (old: cumulative EQD2 of earlier courses)."""
    L = lim.max_cumulative_eqd2_gy
    C = lim.max_reirradiation_course_eqd2_gy if several else None
    share = lim.max_reirradiation_share if several else None
    old = old.astype(np.float64)
    phys = new_phys.astype(np.float64)

    def holds(s: float) -> bool:
        e = eqd2_gy(s * phys, n, ab, model, dt).astype(np.float64)
        cum = old + e
        cmax, emax = float(cum.max()), float(e.max())
        if cmax > L:
            return False
        if C is not None and emax > C:
            return False
        return not (share is not None and cmax > 0 and emax / cmax > share)

    if not holds(0.0):
        return 0.0
    if float(phys.max()) <= 0:
        return None
    hi = 1.0
    while holds(hi):
        hi *= 2.0
        if hi > 1e6:
            return None
    lo = 0.0 if hi == 1.0 else hi / 2.0
    while hi - lo > SCALE_RTOL * hi:
        mid = (lo + hi) / 2
        if holds(mid):
            lo = mid
        else:
            hi = mid
    return lo


def _largest_courses(fractions_new: Sequence[int], largest_inputs: Sequence[tuple[Any, StructureResult]],
                     occs: dict[str, Any], resampled: Sequence[Resampled], doses: _Doses,
                     shape: tuple[int, int, int], several: bool) -> list[LargestCourse]:
    """The largest new course per fraction count (module docstring, step 5)."""
    largest: list[LargestCourse] = []
    for n in fractions_new:
        if not largest_inputs:
            largest.append(LargestCourse(n, None, None, None, None, None, Status.INCOMPLETE,
                                         ("no structure with a cumulative limit is contoured: nothing limits the "
                                          "new course here, which is not a pass",)))
            continue
        best: tuple[float, str, str] | None = None
        least: tuple[float, str] | None = None
        ln: list[str] = []
        status = Status.PASS
        for lim, s in largest_inputs:
            box, mask = _dilated_box(occs[s.name], shape)
            if s.partly_outside_new_grid:
                status = Status.INCOMPLETE
                ln.append(f"part of {s.name} lies outside the new course's dose grid")
            if any(r.outside[box][mask].any() for r in resampled):
                status = Status.INCOMPLETE
                ln.append(f"part of {s.name} lies outside an earlier course's dose grid: dose there unknown")
            best, least = _scan_check_cases(doses, box, mask, doses.physical[-1][box][mask], n, lim, several, s.name,
                                            best, least)
        if best is None:
            largest.append(LargestCourse(n, None, None, None, None, None, Status.INCOMPLETE, tuple(ln) + (
                "the new plan gives no dose to the limited structures: no scale reaches a limit",)))
            continue
        largest.append(LargestCourse(n, best[0], best[1], best[2], least[0] if least else None,
                                     least[1] if least else None, status, tuple(dict.fromkeys(ln))))
    return largest


def _targets(structures: StructureSet, contoured: Sequence[str], target: str | None) -> tuple[str, ...]:
    """The target(s) of a uniform prescription: *target* (ReirradiationError if not contoured), else every contoured
    structure typed or named PTV (empty: none)."""
    if target is not None:
        if target not in contoured:
            raise ReirradiationError(f"target {target!r} is not a contoured structure of the RT Structure Set "
                                     f"(there: {', '.join(contoured) or 'none'})", field="target", value=target,
                                     allowed=", ".join(contoured) or "a contoured structure")
        return (target,)
    return tuple(r.name for r in structures.rois if r.name in contoured
                 and (r.roi_type.upper() == "PTV" or r.name.upper().startswith("PTV")))


def _largest_uniform(fractions_new: Sequence[int], largest_inputs: Sequence[tuple[Any, StructureResult]],
                     occs: dict[str, Any], targets: Sequence[str], resampled: Sequence[Resampled], doses: _Doses,
                     shape: tuple[int, int, int]) -> list[LargestCourse]:
    """With no new plan: per fraction count, the largest uniform prescription D (Gy) to the target's voxels for
    which every limit still holds where the limited structure meets the target.

    The new course is taken to give D uniformly to every voxel the target touches and to their neighbours (the
    limited structure's voxels there get the full prescription: no fall-off inside one voxel); the earlier
    courses' cumulative EQD2 is read on those voxels. A limited structure that does not meet the target bounds
    nothing here (its dose depends on the plan's fall-off): said in the notes, never a pass. Bisection as for
    the scale of a plan (:func:`_largest_scale` with a 1 Gy dose), exact on a uniform earlier dose.
    """
    label = ", ".join(targets) or None
    tmask = np.zeros(shape, dtype=bool)
    for name in targets:
        box, mask = _dilated_box(occs[name], shape)
        tmask[box] |= mask
    out: list[LargestCourse] = []
    for n in fractions_new:
        if not targets:
            out.append(LargestCourse(n, None, None, None, None, None, Status.INCOMPLETE, (
                "no target (a structure typed or named PTV) in the RT Structure Set: name one (target)",),
                None, True))
            continue
        best: tuple[float, str, str] | None = None
        least: tuple[float, str] | None = None
        ln: list[str] = []
        status = Status.PASS
        for lim, s in largest_inputs:
            box, mask = _dilated_box(occs[s.name], shape)
            sel = mask & tmask[box]
            if not sel.any():
                ln.append(f"{s.name} does not meet the target ({label}) nor its neighbouring voxels: its limit does "
                          "not bound a uniform prescription to the target (its dose depends on the plan's fall-off)")
                continue
            if s.partly_outside_new_grid:
                status = Status.INCOMPLETE
                ln.append(f"part of {s.name} lies outside the grid of the sum")
            if any(r.outside[box][sel].any() for r in resampled):
                status = Status.INCOMPLETE
                ln.append(f"part of {s.name} lies outside an earlier course's dose grid: dose there unknown")
            one_gy = np.ones(int(sel.sum()), dtype=np.float32)
            best, least = _scan_check_cases(doses, box, sel, one_gy, n, lim, True, s.name, best, least)
        if best is None:
            out.append(LargestCourse(n, None, None, None, None, None, Status.INCOMPLETE, tuple(dict.fromkeys(ln)) + (
                "no limited structure meets the target: no uniform prescription reaches a limit here (not a pass: "
                "the organs' doses depend on the plan)",), label, True))
            continue
        out.append(LargestCourse(n, best[0], best[1], best[2], least[0] if least else None,
                                 least[1] if least else None, status, tuple(dict.fromkeys(ln)), label, True))
    return out


def evaluate_reirradiation(courses: Sequence[Course], structures: StructureSet, *,
                           fractions_new: Sequence[int] = (), interval_months: float | None = None,
                           model: str = "lq", presets: Any = None,
                           registration: dict[str, np.ndarray] | None = None,
                           progress: Any = None, new_plan: bool = True,
                           target: str | None = None) -> ReirradiationResult:
    """Sum the courses in EQD2 voxel by voxel and grade the cumulative dose (module docstring).

    Parameters
    ----------
    courses : sequence of Course
        Oldest first; the last is the new course, on whose grid everything is computed. Two or more.
    structures : StructureSet
        The new course's RT Structure Set (same frame of reference as the new course).
    fractions_new : sequence of int
        Fraction counts for which the largest new course that fits is searched.
    interval_months : float, optional
        Months since the previous course (checked against the limit's minimum; not given: incomplete).
    model : {"lq", "lql"}
        The model of the summed map and the structures' DVHs; limits are graded in LQ (their scale).
    registration : dict, optional
        Rigid transforms by Frame of Reference UID (:func:`.courses.read_registration`) relating an
        earlier course's frame to the new course's.
    new_plan : bool
        False: there is no new plan yet; every course is an earlier one (one or more), the last one's grid is the
        grid of the sum, the limits are graded on the earlier courses' cumulative dose, and the largest new course
        is the largest uniform prescription (Gy, in each of *fractions_new*) to the target's voxels.
    target : str, optional
        The target of the uniform prescription (no new plan): a structure's name; default every structure typed
        or named PTV.
    progress : callable, optional
        ``progress(done, total, what)`` before each structure's DVH (the app's progress bar; it may raise to
        stop the evaluation).

    Raises
    ------
    ReirradiationError
        Fewer than two courses, frames of reference that differ, grids that do not overlap.
    """
    from sbrt_calc.plancheck.dvh import structure_dvhs
    from sbrt_calc.plancheck.raster import structure_thickness_mm, thickness_for
    from sbrt_calc.presets.loader import active_presets
    from sbrt_calc.reirradiation.courses import check_fractions

    if new_plan and len(courses) < 2:
        raise ReirradiationError("give two or more courses (earlier ones first, the new course last)",
                                 field="courses", value=len(courses), allowed="two or more courses")
    if not courses:
        raise ReirradiationError("give one or more earlier courses", field="courses", value=0,
                                 allowed="one or more courses")
    earlier_only = tuple(courses)
    if not new_plan:   # a zero dose on the last earlier course's grid stands for the course not planned yet
        last = courses[-1].grid
        courses = [*courses, Course("(no new plan yet)", _grid_like(last, np.zeros(last.shape, dtype=np.float32)),
                                    1)]
    if model not in ("lq", "lql"):
        raise ReirradiationError(f"model must be lq or lql, got {model!r}", field="model", value=model,
                                 allowed="lq, lql")
    for n in fractions_new:
        check_fractions(n, "the new course")
    ps = presets if presets is not None else active_presets()
    rb = ps.radiobiology
    dt = float(rb.lql.values["transition_dose_gy"]) if rb is not None else 6.0
    transforms = transforms_for(list(courses), registration)
    new = courses[-1]
    grid = new.grid
    if structures.frame_of_reference_uid and structures.frame_of_reference_uid != grid.frame_of_reference_uid:
        raise ReirradiationError(f"the RT Structure Set is on frame of reference {structures.frame_of_reference_uid}, "
                                 f"the new course {new.label} on {grid.frame_of_reference_uid}",
                                 field="FrameOfReferenceUID",
                                 value=[structures.frame_of_reference_uid, grid.frame_of_reference_uid],
                                 allowed="the new course's Frame of Reference UID")
    resampled = tuple(resample(c, grid, tr) for c, tr in zip(courses[:-1], transforms, strict=True))
    doses = _Doses(new, resampled, dt)
    shape = grid.shape
    vox = grid.voxel_volume_cc().astype(np.float64)
    default = default_alpha_beta(rb)
    ab_map = np.full(shape, default.alpha_beta_gy, dtype=np.float32)
    set_thickness = structure_thickness_mm(structures.rois, grid) if structures.rois else 1.0
    # courses whose grid misses part of the new grid (else every structure's share outside them is 0: not summed)
    partial = [r for r in resampled if r.outside.any()]
    notes: list[str] = []
    results: list[StructureResult] = []
    occs: dict[str, Any] = {}
    # the graded maxima of the limits on a structure's maximum (LQ at the limit's alpha/beta: the new course's dose
    # and, when the structure's own DVH is not on that scale, the cumulative dose), rasterised with its DVH
    max_limits = [lim for lim in ps.reirradiation if lim.metric == "Max[Gy]"]
    maxima: dict[tuple[str, str, float], float] = {}
    for done, roi in enumerate(structures.rois):
        if progress is not None:
            progress(done, len(structures.rois), f"cumulative DVH of {roi.name}")
        if not roi.planes:
            notes.append(f"structure {roi.name!r} has no contour: left out")
            continue
        sab = structure_alpha_beta(roi.name, roi.roi_type, rb)
        th = thickness_for(roi, set_thickness)
        rbox = _roi_box(roi, grid, th)
        sub_grid = _sub_grid(grid, rbox, doses.cumulative(model, sab.alpha_beta_gy, rbox))
        extra: list[tuple[str, float]] = []
        for lim in max_limits:
            if sab.tg263_name and lim.organ == sab.tg263_name:
                if not (sab.alpha_beta_gy == lim.alpha_beta_gy and model == "lq"):
                    extra.append(("cumulative", lim.alpha_beta_gy))
                extra.append(("new", lim.alpha_beta_gy))
        extra = list(dict.fromkeys(extra))
        occ, sds = structure_dvhs(roi, sub_grid, [sub_grid.dose] + [
            doses.cumulative("lq", ab, rbox) if kind == "cumulative" else doses.new_only("lq", ab, rbox)
            for kind, ab in extra], thickness_mm=th)
        sd = sds[0]
        for (kind, ab), x in zip(extra, sds[1:], strict=True):
            maxima[(roi.name, kind, ab)] = float(x.max_gy or 0.0)
        occ = replace(occ, origin=(occ.origin[0] + rbox[0].start, occ.origin[1] + rbox[1].start,
                                   occ.origin[2] + rbox[2].start))
        occs[roi.name] = occ
        z0, y0, x0 = occ.origin
        nz, ny, nx = occ.fraction.shape
        obox = (slice(z0, z0 + nz), slice(y0, y0 + ny), slice(x0, x0 + nx))
        sub = ab_map[obox]
        np.minimum(sub, np.float32(sab.alpha_beta_gy), out=sub, where=occ.fraction > 0)
        outside_prev: dict[str, float] = {}
        weights, total = None, 0.0
        for r in resampled:
            share = 0.0
            if any(r is q for q in partial):
                if weights is None:
                    weights = occ.fraction.astype(np.float64) * vox[z0:z0 + nz, None, None]
                    total = float(weights.sum())
                share = float((weights * r.outside[obox]).sum()) / total if total > 0 else 0.0
            outside_prev[r.course.label] = share
        results.append(StructureResult(roi.name, sab, sd, outside_prev, occ.partly_outside))
    by_tg = {s.alpha_beta.tg263_name: s for s in results if s.alpha_beta.tg263_name}
    several = len(courses) > 1
    limits: list[LimitResult] = []
    largest_inputs: list[tuple[Any, StructureResult]] = []
    for lim in ps.reirradiation:
        s = by_tg.get(lim.organ)
        lim_notes = [lim.note] if lim.note else []
        if s is None:
            why = f"{lim.organ} not contoured in the RT Structure Set: the limit could not be checked"
            if lim.organ == "SpinalCanal" and "SpinalCord" in by_tg:
                why += ("; the spinal cord is contoured, but the limit is on the thecal sac (its surrogate, Sahgal "
                        "2012 / HyTEC): the cord's maximum is lower and would not be conservative")
            limits.append(LimitResult(lim.key, lim.name, lim.organ, None, lim.alpha_beta_gy, (), Status.INCOMPLETE,
                                      (), "not evaluated", None, lim.source, lim.verification,
                                      tuple([why] + lim_notes)))
            continue
        if lim.metric != "Max[Gy]":
            limits.append(LimitResult(lim.key, lim.name, lim.organ, s.name, lim.alpha_beta_gy, (), Status.INCOMPLETE,
                                      (), "not evaluated", None, lim.source, lim.verification,
                                      tuple([f"metric {lim.metric} is not evaluated by this version"] + lim_notes)))
            continue
        keys = [(m, ab) for m in ("lq", "lql") for ab in ALPHA_BETA_CHECK_GY]
        if ("lq", lim.alpha_beta_gy) not in keys:
            keys.append(("lq", lim.alpha_beta_gy))
        # the check cases: maxima over the voxels the structure touches and their neighbours (the voxels
        # its DVH interpolates from): an upper bound of each DVH maximum, equal on a uniform dose
        vbox, vmask = _dilated_box(occs[s.name], grid.shape)
        found = {(m, ab): (float(doses.cumulative(m, ab, vbox)[vmask].max()),
                           float(doses.new_only(m, ab, vbox)[vmask].max())) for m, ab in keys}
        # the graded values: the DVH maxima in LQ at the limit's alpha/beta (its scale)
        if s.alpha_beta.alpha_beta_gy == lim.alpha_beta_gy and model == "lq":
            cmax = float(s.dose.max_gy or 0.0)
        else:   # computed with the structure's DVH (first pass)
            cmax = maxima[(s.name, "cumulative", lim.alpha_beta_gy)]
        nmax = maxima[(s.name, "new", lim.alpha_beta_gy)]
        checks = _checks(lim, cmax, nmax, interval_months, several, new_plan)
        status = worst(c.status for c in checks) or Status.INCOMPLETE
        unknown = {k: v for k, v in s.outside_previous.items() if v > 0}
        if unknown and status != Status.FAIL:
            status = Status.INCOMPLETE
            lim_notes.append("part of " + s.name + " lies outside an earlier course's dose grid (" + ", ".join(
                f"{k}: {100 * v:.1f}%" for k, v in unknown.items()) + "): the dose there is unknown")
        if s.partly_outside_new_grid and status != Status.FAIL:
            status = Status.INCOMPLETE
            lim_notes.append(f"part of {s.name} lies outside the new course's dose grid")
        cases: list[Case] = []
        for m in ("lq", "lql"):
            for ab in ALPHA_BETA_CHECK_GY:
                c_max, n_max = found[(m, ab)]
                cc = [c for c in _checks(lim, c_max, n_max, interval_months, several, new_plan)
                      if c.unit != "months"]
                cases.append(Case(m, ab, c_max, n_max, worst(c.status for c in cc) or Status.INCOMPLETE, _ratio(cc)))
        dose_checks = [c for c in checks if c.unit != "months"]
        primary = worst(c.status for c in dose_checks)
        same = all(c.status == primary for c in cases)
        least_case = max(cases, key=lambda c: c.worst_ratio)
        limits.append(LimitResult(lim.key, lim.name, lim.organ, s.name, lim.alpha_beta_gy, tuple(checks), status,
                                  tuple(cases), "holds in all" if same else "depends", least_case, lim.source,
                                  lim.verification, tuple(lim_notes)))
        largest_inputs.append((lim, s))
    targets: tuple[str, ...] = ()
    if new_plan:
        largest = _largest_courses(fractions_new, largest_inputs, occs, resampled, doses, shape, several)
    else:
        targets = _targets(structures, [s.name for s in results], target)
        largest = _largest_uniform(fractions_new, largest_inputs, occs, targets, resampled, doses, shape)
    emap = np.zeros(shape, dtype=np.float32)
    for dose, k in zip(doses.physical, doses.fractions, strict=True):
        emap += eqd2_gy(dose, k, ab_map, model, dt)
    unknown_any = np.zeros(shape, dtype=bool)
    for r in partial:
        unknown_any |= r.outside
    if partial:
        emap[unknown_any] = 0.0
        notes.append(f"{100 * float(unknown_any.mean()):.1f}% of the new grid lies outside an earlier course's grid: "
                     "the summed EQD2 map holds 0 there (unknown, not zero dose)")
    if any(k.fractions and float(p.max()) / k.fractions > rb.lq.values["validity_dose_per_fraction_gy"]
           for p, k in zip(doses.physical, courses, strict=True)) if rb is not None else False:
        notes.append("a course exceeds 8 Gy per fraction somewhere: LQ is uncertain there (Kirkpatrick JP et al., "
                     "Semin Radiat Oncol 2008;18:240-243); LQ-L is shown beside it in each limit's check")
    overall = worst([lr.status for lr in limits] + [c.status for c in largest]) if limits else Status.INCOMPLETE
    if not limits:
        notes.append("no re-irradiation limit in the presets: nothing graded")
    if not new_plan:
        notes.append("no new plan yet: the limits are graded on the earlier courses' cumulative dose; the largest new "
                     "course is the largest uniform prescription to the target's voxels")
    return ReirradiationResult(earlier_only if not new_plan else tuple(courses), resampled, tuple(results),
                               tuple(limits), tuple(largest), _grid_like(grid, emap), ab_map, default, model, dt,
                               interval_months, overall or Status.INCOMPLETE, tuple(notes), new_plan,
                               ", ".join(targets) or None)


def _limiting(lim: Any, old: np.ndarray, phys: np.ndarray, n: int, s: float, ab: float, m: str, dt: float,
              several: bool) -> str:
    """Which check is reached at scale *s* (the closest to its limit)."""
    e = eqd2_gy(s * phys.astype(np.float64), n, ab, m, dt).astype(np.float64)
    cum = float((old + e).max())
    emax = float(e.max())
    ratios = {"cumulative EQD2 Dmax": cum / lim.max_cumulative_eqd2_gy}
    if several and lim.max_reirradiation_course_eqd2_gy:
        ratios["new course EQD2 Dmax"] = emax / lim.max_reirradiation_course_eqd2_gy
    if several and lim.max_reirradiation_share and cum > 0:
        ratios["new course share of cumulative Dmax"] = emax / cum / lim.max_reirradiation_share
    return max(ratios, key=lambda k: ratios[k])
