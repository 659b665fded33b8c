"""Courses of a re-irradiation: each RT Dose in Gy with its fraction count, on the new course's grid.

The last course is the new one (being planned); the earlier ones are resampled onto its grid by
trilinear interpolation between voxel centres (separable along the three axes). A new-grid voxel
centre outside the box of an earlier grid's voxel centres gets no value from that course: the dose
there is *unknown* (never taken as zero); :attr:`Resampled.outside` marks it, and the evaluation
reports the share of each organ lying there.

All courses must share the new course's Frame of Reference UID, or be related to it by a rigid
DICOM Spatial Registration object (PS3.3 C.20.2: each Registration Sequence item's Frame of
Reference Transformation Matrix maps that frame's coordinates into the registration's own frame;
a point of the new frame is taken to an earlier course's frame by ``M_old^-1 M_new``). A deformable
registration is refused (the project does not do deformable registration), so is a matrix that is
not a rotation plus a translation. With a registration the resampling is trilinear at each mapped
voxel centre (not separable), plane by plane.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.plancheck.dicom_io import DoseGrid, plan_dose_gy, read_rtdose

#: Positions within this distance (mm) of the outermost voxel centre count as inside a grid.
TOLERANCE_MM = 1e-3
#: SOP Class UIDs of the DICOM registration objects (PS3.4 B.5).
SPATIAL_REGISTRATION = "1.2.840.10008.5.1.4.1.1.66.1"
DEFORMABLE_REGISTRATION = "1.2.840.10008.5.1.4.1.1.66.3"
#: Largest fraction count accepted for a course.
MAX_FRACTIONS = 100


class ReirradiationError(SbrtCalcError):
    """Bad input to the re-irradiation calculation (one line naming the value and what is allowed)."""


@dataclass(frozen=True)
class Course:
    """One course: its total physical dose in Gy on its own grid, its fraction count, where it came from."""

    label: str
    grid: DoseGrid
    fractions: int
    notes: tuple[str, ...] = ()

    @property
    def frame_of_reference_uid(self) -> str:
        return self.grid.frame_of_reference_uid


def check_fractions(value: object, label: str) -> int:
    """A course's fraction count: an integer 1..:data:`MAX_FRACTIONS` (else one line)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_FRACTIONS:
        raise ReirradiationError(f"{label}: the fraction count must be a whole number from 1 to {MAX_FRACTIONS}, "
                                 f"got {value!r}", field="fractions", value=value,
                                 allowed=f"an integer 1-{MAX_FRACTIONS}")
    return value


def course_fractions(fractions: object | None, rtplan: str | Path | None, label: str) -> tuple[int, str | None]:
    """A course's fraction count, from what was typed and/or its RT Plan (issue 22).

    With an RT Plan and no count, the plan's Number of Fractions Planned (300A,0078) in its Fraction
    Group Sequence (300A,0070) is used (PS3.3 C.8.8.13), said in the returned note; with both, they
    must agree.

    Returns
    -------
    (int, str or None)
        The fraction count and a note saying where it came from (None when typed and no plan given).

    Raises
    ------
    ReirradiationError
        No count and no plan, a plan without a usable count and no count typed, or a typed count that
        differs from the plan's (one line naming both values).
    DicomError
        The RT Plan cannot be read.
    """
    if rtplan is None:
        if fractions is None:
            raise ReirradiationError(f"{label}: no fraction count: give it, or the course's RT Plan",
                                     field="fractions", value=None, allowed=f"an integer 1-{MAX_FRACTIONS}")
        return check_fractions(fractions, label), None
    from sbrt_calc.plancheck.rtplan import read_rtplan

    plan = read_rtplan(rtplan)
    planned = plan.fractions
    name = Path(rtplan).name
    if fractions is None:
        if planned is None:
            why = "; ".join(m for m in plan.missing if "fraction" in m.lower()) or "no Number of Fractions Planned"
            raise ReirradiationError(f"{label}: the RT Plan {name} gives no fraction count ({why})",
                                     field="fractions", value=None, allowed=f"an integer 1-{MAX_FRACTIONS}")
        n = check_fractions(planned, f"{label} (RT Plan {name})")
        return n, f"{label}: {n} fractions from the RT Plan {name} (Number of Fractions Planned)"
    n = check_fractions(fractions, label)
    if planned is not None and planned != n:
        raise ReirradiationError(f"{label}: the fraction count {n} differs from the RT Plan {name}'s Number of "
                                 f"Fractions Planned {planned}; give one that agrees (or leave the count out)",
                                 field="fractions", value=[n, planned], allowed=f"{planned} (the RT Plan's)")
    if planned is None:
        return n, f"{label}: the RT Plan {name} gives no fraction count; {n} as given"
    return n, f"{label}: {n} fractions, as its RT Plan {name} plans"


@dataclass(frozen=True)
class PlanCourse:
    """What a course takes from its RT Plan: the fraction count (:func:`course_fractions`, as the CLI's
    ``--rtplan`` reads it), the prescription (None when the plan has none, or several target doses) and the
    plan's SOP Instance UID (the case file keeps which plan it came from)."""

    fractions: int
    prescription_gy: float | None
    sop_instance_uid: str
    note: str


def course_from_rtplan(rtplan: str | Path, label: str) -> PlanCourse:
    """A course's fraction count and prescription from its RT Plan (the app's "RT Plan…" of a course; the count
    through :func:`course_fractions`, the one function the CLI's ``--rtplan`` uses, with its refusals).

    Raises
    ------
    ReirradiationError
        The plan gives no usable fraction count.
    DicomError
        The file is not a readable RT Plan.
    """
    from sbrt_calc.plancheck.rtplan import read_rtplan

    n, note = course_fractions(None, rtplan, label)
    plan = read_rtplan(rtplan)
    rx = plan.prescription_gy
    said = f"; prescription {rx:g} Gy" if rx is not None else "; no single target prescription in the plan"
    return PlanCourse(n, rx, plan.sop_instance_uid, (note or "") + said)


def load_course(rtdose: str | Path, fractions: object | None, *, prescription_gy: float | None = None,
                label: str | None = None, rtplan: str | Path | None = None) -> Course:
    """Read one course: an RT Dose made a whole-course dose in Gy with its fraction count.

    Parameters
    ----------
    rtdose : path
        The course's RT Dose (PLAN summation: used as is; FRACTION: multiplied by *fractions*;
        RELATIVE units: multiplied by *prescription_gy*, refused without it;
        :func:`~sbrt_calc.plancheck.dicom_io.plan_dose_gy`).
    fractions : int or None
        The number of fractions the course was (or will be) given in: needed for its EQD2. None: taken
        from *rtplan* (:func:`course_fractions`).
    prescription_gy : float, optional
        Converts a RELATIVE dose grid.
    rtplan : path, optional
        The course's RT Plan: its Number of Fractions Planned is used when *fractions* is None and must
        equal *fractions* otherwise.

    Raises
    ------
    ReirradiationError
        Missing or bad fraction count, or one that differs from the RT Plan's.
    DicomError
        A file refused by the reader (not an RT Dose, relative without a prescription, ...).
    """
    name = label or Path(rtdose).name
    n, source = course_fractions(fractions, rtplan, name)
    if prescription_gy is not None and (not math.isfinite(prescription_gy) or prescription_gy <= 0):
        raise ReirradiationError(f"{name}: the prescription must be a number > 0 Gy, got {prescription_gy!r}",
                                 field="prescription_gy", value=prescription_gy, allowed="a number > 0 (Gy)")
    grid, notes = plan_dose_gy(read_rtdose(rtdose), fractions=n, prescription_gy=prescription_gy)
    return Course(name, grid, n, ((source,) if source else ()) + tuple(notes))


def _refuse(path: str | Path, message: str) -> ReirradiationError:
    return ReirradiationError(f"{path}: {message}", field="registration", value=str(path),
                              allowed="a rigid DICOM Spatial Registration")


def read_registration(path: str | Path) -> dict[str, np.ndarray]:
    """The rigid transforms of a DICOM Spatial Registration: {Frame of Reference UID: 4x4 matrix}.

    Each matrix maps a point of that frame (homogeneous, mm) into the registration's own frame
    (PS3.3 C.20.2.1.1, Frame of Reference Transformation Matrix, row-major). The registration's own
    frame maps to itself by the identity when no item names it.

    Raises
    ------
    ReirradiationError
        A deformable registration (not done by this project), a file that is not a registration,
        a matrix that is not rigid (rotation + translation) or not 16 finite numbers.
    """
    from sbrt_calc.plancheck.dicom_io import safe_dcmread, sop_class_of

    ds = safe_dcmread(path, "registration")
    sop = sop_class_of(ds)
    if sop == DEFORMABLE_REGISTRATION or "DeformableRegistrationSequence" in ds:
        raise _refuse(path, "a Deformable Spatial Registration: this program does not do deformable registration; "
                            "give a rigid registration or courses on one frame of reference")
    if sop != SPATIAL_REGISTRATION and "RegistrationSequence" not in ds:
        raise _refuse(path, f"not a DICOM Spatial Registration (SOP Class {sop or 'missing'})")
    out: dict[str, np.ndarray] = {}
    own = str(ds.get("FrameOfReferenceUID", "") or "")
    if own:
        out[own] = np.eye(4)
    for item in ds.get("RegistrationSequence", []):
        uid = str(item.get("FrameOfReferenceUID", "") or "")
        if not uid:
            raise _refuse(path, "a Registration Sequence item names no Frame of Reference UID")
        m = np.eye(4)
        for reg in item.get("MatrixRegistrationSequence", []):
            for mat in reg.get("MatrixSequence", []):
                kind = str(mat.get("FrameOfReferenceTransformationMatrixType", "") or "")
                if kind != "RIGID":
                    raise _refuse(path, f"transformation matrix type {kind or 'missing'}: only RIGID is applied")
                vals = mat.get("FrameOfReferenceTransformationMatrix")
                try:
                    arr = np.array([float(v) for v in vals], dtype=float)
                except (TypeError, ValueError):
                    arr = np.zeros(0)
                if arr.size != 16 or not np.isfinite(arr).all():
                    raise _refuse(path, "a Frame of Reference Transformation Matrix is not 16 finite numbers")
                m = arr.reshape(4, 4) @ m
        r = m[:3, :3]
        if not (np.allclose(r @ r.T, np.eye(3), atol=1e-4) and abs(np.linalg.det(r) - 1) < 1e-4
                and np.allclose(m[3], [0, 0, 0, 1], atol=1e-9)):
            raise _refuse(path, f"the matrix for frame {uid} is not a rotation plus a translation (not rigid)")
        out[uid] = m
    return out


def transforms_for(courses: list[Course] | tuple[Course, ...], registration: dict[str, np.ndarray] | None
                   ) -> list[np.ndarray | None]:
    """For each earlier course, the 4x4 map from the new course's frame to its frame (None: same frame).

    Raises
    ------
    ReirradiationError
        A course on another frame with no registration, or a registration that does not name both frames.
    """
    new = courses[-1]
    out: list[np.ndarray | None] = []
    for c in courses[:-1]:
        a, b = c.frame_of_reference_uid, new.frame_of_reference_uid
        if a and b and a == b:
            out.append(None)
            continue
        if registration is None or not a or not b:
            check_frames([c, new])
        assert registration is not None
        if a not in registration or b not in registration:
            missing = " and ".join(u for u in (a, b) if u not in registration)
            raise ReirradiationError(f"{c.label} is on frame of reference {a}, the new course {new.label} on {b}: "
                                     f"the registration does not relate them (no matrix for {missing})",
                                     field="registration", value=[a, b], allowed="a registration naming both frames")
        out.append(np.linalg.inv(registration[a]) @ registration[b])
    return out


def check_frames(courses: list[Course] | tuple[Course, ...]) -> None:
    """All courses on the new (last) course's frame of reference, else one line naming both UIDs."""
    new = courses[-1]
    for c in courses[:-1]:
        a, b = c.frame_of_reference_uid, new.frame_of_reference_uid
        if not a or not b:
            raise ReirradiationError(f"{c.label}: a Frame of Reference UID is missing ({a or 'none'} vs {b or 'none'}); "
                                     "cannot tell that the courses share coordinates", field="FrameOfReferenceUID",
                                     value=[a, b], allowed="the same Frame of Reference UID")
        if a != b:
            raise ReirradiationError(f"{c.label} is on frame of reference {a}, the new course {new.label} on {b}: "
                                     "doses on different frames cannot be summed without a registration (none is "
                                     "applied by this version)", field="FrameOfReferenceUID", value=[a, b],
                                     allowed="the same Frame of Reference UID")


def _axis(old: np.ndarray, new: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower index, weight of the upper neighbour and 'outside' for each new position along one axis."""
    if old.size == 1:
        inside = np.abs(new - old[0]) <= TOLERANCE_MM
        return np.zeros(new.size, dtype=np.intp), np.zeros(new.size, dtype=np.float32), ~inside
    outside = (new < old[0] - TOLERANCE_MM) | (new > old[-1] + TOLERANCE_MM)
    q = np.clip(new, old[0], old[-1])
    i = np.clip(np.searchsorted(old, q, side="right") - 1, 0, old.size - 2)
    w = (q - old[i]) / (old[i + 1] - old[i])
    return i.astype(np.intp), w.astype(np.float32), outside


@dataclass(frozen=True)
class Resampled:
    """An earlier course's dose on the new grid (Gy, float32) and where it is unknown (outside its grid)."""

    course: Course
    dose_gy: np.ndarray
    outside: np.ndarray  # bool, new grid's shape

    @property
    def outside_fraction(self) -> float:
        """Share of the new grid's voxels outside this course's grid."""
        return float(self.outside.mean())


def resample(course: Course, onto: DoseGrid, transform: np.ndarray | None = None) -> Resampled:
    """*course*'s dose trilinearly interpolated at *onto*'s voxel centres (same frame of reference).

    Separable: linear along z, then y, then x, between the voxel centres of the course's grid
    (axes increasing, as the reader keeps them). Voxels outside the course grid's centre box are
    marked in ``outside`` and hold 0 in ``dose_gy`` (a placeholder: the dose there is unknown).

    Raises
    ------
    ReirradiationError
        When the grids do not overlap at all.
    """
    g = course.grid
    if transform is not None and not np.allclose(transform, np.eye(4), atol=1e-9):
        return _resample_mapped(course, onto, transform)
    iz, wz, oz = _axis(np.asarray(g.z_mm, float), np.asarray(onto.z_mm, float))
    iy, wy, oy = _axis(np.asarray(g.y_mm, float), np.asarray(onto.y_mm, float))
    ix, wx, ox = _axis(np.asarray(g.x_mm, float), np.asarray(onto.x_mm, float))
    if oz.all() or oy.all() or ox.all():
        raise ReirradiationError(f"{course.label}: its dose grid does not overlap the new course's grid (x "
                                 f"{g.x_mm[0]:.1f}..{g.x_mm[-1]:.1f}, y {g.y_mm[0]:.1f}..{g.y_mm[-1]:.1f}, z "
                                 f"{g.z_mm[0]:.1f}..{g.z_mm[-1]:.1f} mm vs x {onto.x_mm[0]:.1f}..{onto.x_mm[-1]:.1f}, "
                                 f"y {onto.y_mm[0]:.1f}..{onto.y_mm[-1]:.1f}, z {onto.z_mm[0]:.1f}.."
                                 f"{onto.z_mm[-1]:.1f} mm)", field="rtdose", value=course.label,
                                 allowed="dose grids that overlap")
    d = np.asarray(g.dose, dtype=np.float32)
    a = _along(_along(_along(d, iz, wz, 0), iy, wy, 1), ix, wx, 2)
    if a is d:  # the same grid: the course's own array, copied (the result is the caller's to keep)
        a = d.copy()
    outside = oz[:, None, None] | oy[None, :, None] | ox[None, None, :]
    if outside.any():
        a[outside] = 0.0
    return Resampled(course, a.astype(np.float32, copy=False), outside)


def _along(a: np.ndarray, i: np.ndarray, w: np.ndarray, axis: int) -> np.ndarray:
    """Linear interpolation of *a* along *axis*: ``a[i] (1 - w) + a[i + 1] w`` at each new position.

    Where every weight is 0 or 1 (the new positions are nodes of the old axis: the same grid, or one shifted
    by whole voxels) this is ``a[i]`` or ``a[i + 1]`` exactly (``x * 1 + y * 0 == x`` for the finite,
    non-negative doses the reader accepts), taken without the arithmetic; *a* itself when the positions are
    its own nodes.
    """
    n = a.shape[axis]
    up = w == 1  # the upper node itself (the last node of an axis): a[i + 1] exactly
    if not (w[~up].any()):
        nodes = np.where(up, i + 1, i)
        if nodes.size == n and np.array_equal(nodes, np.arange(n)):
            return a
        return np.take(a, nodes, axis=axis)
    j = np.minimum(i + 1, n - 1)
    shape = [1, 1, 1]
    shape[axis] = -1
    wv = w.reshape(shape)
    return np.take(a, i, axis=axis) * (1 - wv) + np.take(a, j, axis=axis) * wv


def _no_overlap(course: Course, onto: DoseGrid) -> ReirradiationError:
    g = course.grid
    return ReirradiationError(f"{course.label}: its dose grid does not overlap the new course's grid (x "
                              f"{g.x_mm[0]:.1f}..{g.x_mm[-1]:.1f}, y {g.y_mm[0]:.1f}..{g.y_mm[-1]:.1f}, z "
                              f"{g.z_mm[0]:.1f}..{g.z_mm[-1]:.1f} mm in its frame)", field="rtdose",
                              value=course.label, allowed="dose grids that overlap")


def _fractional(pos: np.ndarray, axis: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower index, weight and 'outside' of positions along a uniformly spaced axis."""
    n = axis.size
    if n == 1:
        outside = np.abs(pos - axis[0]) > TOLERANCE_MM
        return np.zeros(pos.shape, dtype=np.intp), np.zeros(pos.shape), outside
    step = (axis[-1] - axis[0]) / (n - 1)
    f = (pos - axis[0]) / step
    tol = TOLERANCE_MM / abs(step)
    outside = (f < -tol) | (f > n - 1 + tol)
    f = np.clip(f, 0.0, n - 1)
    i = np.minimum(np.floor(f).astype(np.intp), n - 2)
    return i, f - i, outside


def _resample_mapped(course: Course, onto: DoseGrid, transform: np.ndarray) -> Resampled:
    """Trilinear interpolation of *course* at *onto*'s voxel centres mapped by *transform* (4x4), plane by plane."""
    g = course.grid
    d = np.asarray(g.dose, dtype=np.float32)
    ax = [np.asarray(g.z_mm, float), np.asarray(g.y_mm, float), np.asarray(g.x_mm, float)]
    yy, xx = np.meshgrid(np.asarray(onto.y_mm, float), np.asarray(onto.x_mm, float), indexing="ij")
    r, t = transform[:3, :3], transform[:3, 3]
    out = np.zeros(onto.shape, dtype=np.float32)
    outside = np.zeros(onto.shape, dtype=bool)
    for k, z in enumerate(np.asarray(onto.z_mm, float)):
        px = r[0, 0] * xx + r[0, 1] * yy + r[0, 2] * z + t[0]
        py = r[1, 0] * xx + r[1, 1] * yy + r[1, 2] * z + t[1]
        pz = r[2, 0] * xx + r[2, 1] * yy + r[2, 2] * z + t[2]
        iz, wz, oz = _fractional(pz, ax[0])
        iy, wy, oy = _fractional(py, ax[1])
        ix, wx, ox = _fractional(px, ax[2])
        jz, jy, jx = np.minimum(iz + 1, d.shape[0] - 1), np.minimum(iy + 1, d.shape[1] - 1), \
            np.minimum(ix + 1, d.shape[2] - 1)
        val = ((d[iz, iy, ix] * (1 - wx) + d[iz, iy, jx] * wx) * (1 - wy)
               + (d[iz, jy, ix] * (1 - wx) + d[iz, jy, jx] * wx) * wy) * (1 - wz) + \
            ((d[jz, iy, ix] * (1 - wx) + d[jz, iy, jx] * wx) * (1 - wy)
             + (d[jz, jy, ix] * (1 - wx) + d[jz, jy, jx] * wx) * wy) * wz
        o = oz | oy | ox
        val[o] = 0.0
        out[k] = val
        outside[k] = o
    if outside.all():
        raise _no_overlap(course, onto)
    return Resampled(course, out, outside)
