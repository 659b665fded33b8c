"""The re-irradiation section of a case: which courses (RT Dose + fraction count), which RT Structure Set, the
choices (registration, fraction counts for the largest new course, interval, model).

``ReirradiationInputs.to_dict()`` / ``from_dict()`` are the case file's ``reirradiation`` section (JSON,
``docs/case-format.md``)::

    {"courses": [{"rtdose": "old/RD.dcm", "fractions": 10},
                 {"rtdose": "new/RD.dcm", "fractions": 3, "prescription_gy": null}],
     "rtstruct": "new/RS.dcm", "registration": null, "fractions_new": [1, 3, 5],
     "interval_months": 8.0, "model": "lq"}

Courses are oldest first; the last is the new course. The section may be incomplete (fewer than two courses,
no RT Structure Set yet: the app keeps what the user chose); :attr:`ReirradiationInputs.missing` says what is
still needed, and the evaluation reports it instead of a result. Every value is validated on creation:
:class:`ReirradiationInputError` names the key path (``reirradiation.courses[1].fractions``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.reirradiation.courses import MAX_FRACTIONS

MODELS = ("lq", "lql")
_KEYS = ("courses", "rtstruct", "registration", "fractions_new", "interval_months", "model", "new_plan", "target")
_COURSE_KEYS = ("rtdose", "fractions", "prescription_gy", "rtplan")


class ReirradiationInputError(SbrtCalcError):
    """A value of the ``reirradiation`` section that cannot be used (names its key path)."""


def _fail(key: str, message: str, value: Any, allowed: str) -> ReirradiationInputError:
    return ReirradiationInputError(f"{key}: {message}", field=key, value=value, allowed=allowed)


def _path(value: Any, key: str, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(key, f"must be a file path{' or null' if optional else ''}, got {value!r}", value,
                    "a path" + (" or null" if optional else ""))
    return value


def _fractions(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_FRACTIONS:
        raise _fail(key, f"must be a whole number from 1 to {MAX_FRACTIONS}, got {value!r}", value,
                    f"an integer 1-{MAX_FRACTIONS}")
    return value


def _positive(value: Any, key: str, *, zero: bool = False) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value < 0 or (value == 0 and not zero):
        what = ">= 0" if zero else "> 0"
        raise _fail(key, f"must be a finite number {what} or null, got {value!r}", value, f"a number {what}")
    return float(value)


@dataclass(frozen=True)
class CourseInput:
    """One course: its RT Dose and fraction count; ``prescription_gy`` converts a RELATIVE dose grid."""

    rtdose: str
    fractions: int
    prescription_gy: float | None = None
    #: the RT Plan the fraction count (and prescription) came from, and its SOP Instance UID (issue 22); the run
    #: checks the count against the plan again (:func:`sbrt_calc.reirradiation.courses.course_fractions`)
    rtplan: str | None = None
    rtplan_uid: str | None = None

    def __post_init__(self) -> None:
        _path(self.rtdose, "rtdose")
        _fractions(self.fractions, "fractions")
        object.__setattr__(self, "prescription_gy", _positive(self.prescription_gy, "prescription_gy"))
        _path(self.rtplan, "rtplan.path", optional=True)
        if self.rtplan_uid is not None and (not isinstance(self.rtplan_uid, str) or self.rtplan is None):
            raise _fail("rtplan.sop_instance_uid", f"must be text, with the plan's path, got {self.rtplan_uid!r}",
                        self.rtplan_uid, "a UID with rtplan.path")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rtdose": self.rtdose, "fractions": self.fractions}
        if self.prescription_gy is not None:
            out["prescription_gy"] = self.prescription_gy
        if self.rtplan is not None:
            out["rtplan"] = {"path": self.rtplan, "sop_instance_uid": self.rtplan_uid}
        return out


@dataclass(frozen=True)
class ReirradiationInputs:
    """What a re-irradiation evaluation reads and how (frozen; validated on creation).

    Parameters
    ----------
    courses : tuple of CourseInput
        Oldest first, the new course last.
    rtstruct : str, optional
        The new course's RT Structure Set.
    registration : str, optional
        A rigid DICOM Spatial Registration relating an earlier course's frame of reference to the new one's.
    fractions_new : tuple of int
        Fraction counts for which the largest new course that fits is searched.
    interval_months : float, optional
        Months since the previous course (checked against the limit's minimum; not given: incomplete).
    model : {"lq", "lql"}
        Model of the summed map and the DVHs; limits are graded in LQ (their scale).
    new_plan : bool
        False: no new plan yet; every course is an earlier one (one or more) and the largest new course is the
        largest uniform prescription to the target's voxels.
    target : str, optional
        The target of that prescription (a structure's name); default every structure typed or named PTV.
    """

    courses: tuple[CourseInput, ...] = ()
    rtstruct: str | None = None
    registration: str | None = None
    fractions_new: tuple[int, ...] = ()
    interval_months: float | None = None
    model: str = "lq"
    new_plan: bool = True
    target: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.courses, tuple) or not all(isinstance(c, CourseInput) for c in self.courses):
            raise _fail("reirradiation.courses", "must be a list of courses", self.courses, "courses")
        _path(self.rtstruct, "reirradiation.rtstruct", optional=True)
        _path(self.registration, "reirradiation.registration", optional=True)
        if not isinstance(self.fractions_new, tuple):
            raise _fail("reirradiation.fractions_new", "must be a list of fraction counts", self.fractions_new,
                        "a list of integers 1-100")
        for i, n in enumerate(self.fractions_new):
            _fractions(n, f"reirradiation.fractions_new[{i}]")
        object.__setattr__(self, "interval_months",
                           _positive(self.interval_months, "reirradiation.interval_months", zero=True))
        if not isinstance(self.new_plan, bool):
            raise _fail("reirradiation.new_plan", f"must be true or false, got {self.new_plan!r}", self.new_plan,
                        "true, false")
        if self.target is not None and (not isinstance(self.target, str) or not self.target.strip()):
            raise _fail("reirradiation.target", f"must be a structure's name or null, got {self.target!r}",
                        self.target, "a structure name")
        if self.model not in MODELS:
            raise _fail("reirradiation.model", f"must be one of {', '.join(MODELS)}, got {self.model!r}", self.model,
                        ", ".join(MODELS))

    @property
    def missing(self) -> str:
        """What is still needed before the courses can be summed ('' when complete)."""
        need = []
        if not self.new_plan and not self.courses:
            need.append("an earlier course (RT Dose and fraction count)")
        elif self.new_plan and len(self.courses) < 2:
            need.append(f"{2 - len(self.courses)} more course{'s' if len(self.courses) == 0 else ''} "
                        "(RT Dose and fraction count; two or more, the new course last)")
        if self.rtstruct is None:
            need.append("the new course's RT Structure Set")
        return "; ".join(need)

    def files(self) -> tuple[str, ...]:
        """Every file read (never written over by an export)."""
        return tuple([c.rtdose for c in self.courses] + [c.rtplan for c in self.courses if c.rtplan]
                     + [p for p in (self.rtstruct, self.registration) if p])

    def to_dict(self) -> dict[str, Any]:
        """The case file's ``reirradiation`` section."""
        out: dict[str, Any] = {"courses": [c.to_dict() for c in self.courses], "rtstruct": self.rtstruct,
                               "registration": self.registration, "fractions_new": list(self.fractions_new),
                               "interval_months": self.interval_months, "model": self.model}
        if not self.new_plan:
            out["new_plan"] = False
        if self.target is not None:
            out["target"] = self.target
        return out

    @classmethod
    def from_dict(cls, data: Any) -> ReirradiationInputs:
        """Read the ``reirradiation`` section; every problem is a :class:`ReirradiationInputError` naming the key."""
        if not isinstance(data, Mapping):
            raise _fail("reirradiation", "must be an object", type(data).__name__, "an object")
        for key in data:
            if key not in _KEYS:
                raise _fail(f"reirradiation.{key}", f"unknown key (allowed: {', '.join(_KEYS)})", key, ", ".join(_KEYS))
        raw = data.get("courses", [])
        if not isinstance(raw, list):
            raise _fail("reirradiation.courses", f"must be a list, got {type(raw).__name__}", None, "a list")
        courses = []
        for i, c in enumerate(raw):
            pre = f"reirradiation.courses[{i}]"
            if not isinstance(c, Mapping):
                raise _fail(pre, f"must be an object, got {type(c).__name__}", None, "an object")
            for key in c:
                if key not in _COURSE_KEYS:
                    raise _fail(f"{pre}.{key}", f"unknown key (allowed: {', '.join(_COURSE_KEYS)})", key,
                                ", ".join(_COURSE_KEYS))
            if "fractions" not in c:
                raise _fail(f"{pre}.fractions", "missing: each course needs its fraction count", None,
                            f"an integer 1-{MAX_FRACTIONS}")
            plan = c.get("rtplan")
            if plan is not None and (not isinstance(plan, Mapping) or set(plan) - {"path", "sop_instance_uid"}):
                raise _fail(f"{pre}.rtplan", f"must be an object {{path, sop_instance_uid}}, got {plan!r}", plan,
                            "{path, sop_instance_uid}")
            try:
                courses.append(CourseInput(c.get("rtdose", ""), c["fractions"], c.get("prescription_gy"),
                                           plan.get("path") if plan is not None else None,
                                           plan.get("sop_instance_uid") if plan is not None else None))
            except ReirradiationInputError as exc:
                raise _fail(f"{pre}.{exc.field}", exc.message.split(": ", 1)[-1], exc.value,
                            exc.allowed or "") from None
        fn = data.get("fractions_new", [])
        if not isinstance(fn, list):
            raise _fail("reirradiation.fractions_new", f"must be a list, got {type(fn).__name__}", None,
                        "a list of integers 1-100")
        return cls(tuple(courses), data.get("rtstruct"), data.get("registration"), tuple(fn),
                   data.get("interval_months"), data.get("model", "lq"), data.get("new_plan", True),
                   data.get("target"))


def run(inputs: ReirradiationInputs, progress: Callable[[int, int, str], None] | None = None) -> Any:
    """Read the files and evaluate (:func:`sbrt_calc.reirradiation.evaluate.evaluate_reirradiation`).

    ``progress(done, total, what)`` is called before each step (reading each course, then each structure's
    cumulative DVH, with its own count); it may raise to stop. ReirradiationError (or another SbrtCalcError) for files or inputs that cannot be used.
    """
    from pathlib import Path

    from sbrt_calc.plancheck.dicom_io import read_rtstruct
    from sbrt_calc.reirradiation.courses import ReirradiationError, load_course, read_registration
    from sbrt_calc.reirradiation.evaluate import evaluate_reirradiation

    if inputs.missing:
        raise ReirradiationError(f"still needed: {inputs.missing}", field="reirradiation", value=None,
                                 allowed="the courses and the RT Structure Set")
    total = len(inputs.courses) + 2

    def step(i: int, what: str) -> None:
        if progress is not None:
            progress(i, total, what)

    registration = None
    if inputs.registration:
        step(0, "reading the registration")
        registration = read_registration(inputs.registration)
    courses = []
    for i, c in enumerate(inputs.courses, start=1):
        step(i - 1, f"reading course {i}")
        p = Path(c.rtdose)   # folder and name: courses exported by one system often share a file name
        courses.append(load_course(c.rtdose, c.fractions, prescription_gy=c.prescription_gy, rtplan=c.rtplan,
                                   label=f"course {i}: {Path(p.parent.name) / p.name if p.parent.name else p.name}"))
    step(len(courses), "reading the RT Structure Set")
    assert inputs.rtstruct is not None
    structures = read_rtstruct(inputs.rtstruct)
    step(len(courses) + 1, "summing the courses and grading")
    return evaluate_reirradiation(courses, structures, fractions_new=inputs.fractions_new,
                                  interval_months=inputs.interval_months, model=inputs.model,
                                  registration=registration, progress=progress, new_plan=inputs.new_plan,
                                  target=inputs.target)
