"""Courses of a re-irradiation: each RT Dose in Gy with its fraction count, on the new course's grid.

The last course is the new one (being planned); the earlier ones are resampled onto its grid by
trilinear interpolation between voxel centres (separable along the three axes). A new-grid voxel
centre outside the box of an earlier grid's voxel centres gets no value from that course: the dose
there is *unknown* (never taken as zero); :attr:`Resampled.outside` marks it, and the evaluation
reports the share of each organ lying there.

All courses must share the new course's Frame of Reference UID. A DICOM Spatial Registration
object relating two frames is not applied by this version: a deformable one is refused (the
project does not do deformable registration), a rigid one too, with a message saying so.
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


def load_course(rtdose: str | Path, fractions: object, *, prescription_gy: float | None = None,
                label: str | None = None) -> Course:
    """Read one course: an RT Dose made a whole-course dose in Gy with its fraction count.

    Parameters
    ----------
    rtdose : path
        The course's RT Dose (PLAN summation: used as is; FRACTION: multiplied by *fractions*;
        RELATIVE units: multiplied by *prescription_gy*, refused without it;
        :func:`~sbrt_calc.plancheck.dicom_io.plan_dose_gy`).
    fractions : int
        The number of fractions the course was (or will be) given in: needed for its EQD2.
    prescription_gy : float, optional
        Converts a RELATIVE dose grid.

    Raises
    ------
    ReirradiationError
        Missing or bad fraction count.
    DicomError
        A file refused by the reader (not an RT Dose, relative without a prescription, ...).
    """
    name = label or Path(rtdose).name
    n = check_fractions(fractions, name)
    if prescription_gy is not None and (not math.isfinite(prescription_gy) or prescription_gy <= 0):
        raise ReirradiationError(f"{name}: the prescription must be a number > 0 Gy, got {prescription_gy!r}",
                                 field="prescription_gy", value=prescription_gy, allowed="a number > 0 (Gy)")
    grid, notes = plan_dose_gy(read_rtdose(rtdose), fractions=n, prescription_gy=prescription_gy)
    return Course(name, grid, n, notes)


def refuse_registration(path: str | Path) -> None:
    """Read a DICOM registration object and refuse it with one line (none is applied by this version).

    Raises
    ------
    ReirradiationError
        Always: a deformable registration (not done by the project), a rigid one (not yet applied:
        export the courses on one frame of reference), or a file that is not a registration.
    """
    from sbrt_calc.plancheck.dicom_io import safe_dcmread, sop_class_of

    ds = safe_dcmread(path, "registration")
    sop = sop_class_of(ds)
    if sop == DEFORMABLE_REGISTRATION or "DeformableRegistrationSequence" in ds:
        raise ReirradiationError(f"{path}: a Deformable Spatial Registration: this program does not do deformable "
                                 "registration; give courses on one frame of reference", field="registration",
                                 value=str(path), allowed="courses on one frame of reference")
    if sop == SPATIAL_REGISTRATION or "RegistrationSequence" in ds:
        raise ReirradiationError(f"{path}: a rigid Spatial Registration is not applied by this version; export the "
                                 "earlier courses' doses on the new course's frame of reference (resampled by the "
                                 "planning system)", field="registration", value=str(path),
                                 allowed="courses on one frame of reference")
    raise ReirradiationError(f"{path}: not a DICOM Spatial Registration (SOP Class {sop or 'missing'})",
                             field="registration", value=str(path), allowed="a DICOM Spatial Registration object")


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


def resample(course: Course, onto: DoseGrid) -> Resampled:
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
    jz = np.minimum(iz + 1, d.shape[0] - 1)
    a = d[iz] * (1 - wz)[:, None, None] + d[jz] * wz[:, None, None]
    jy = np.minimum(iy + 1, d.shape[1] - 1)
    a = a[:, iy] * (1 - wy)[None, :, None] + a[:, jy] * wy[None, :, None]
    jx = np.minimum(ix + 1, d.shape[2] - 1)
    a = a[:, :, ix] * (1 - wx)[None, None, :] + a[:, :, jx] * wx[None, None, :]
    outside = oz[:, None, None] | oy[None, :, None] | ox[None, None, :]
    a[outside] = 0.0
    return Resampled(course, a.astype(np.float32, copy=False), outside)
