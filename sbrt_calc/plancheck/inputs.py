"""The plan-check section of a case: which DICOM files, which target, prescription and constraint set.

``PlanCheckInputs.to_dict()`` / ``from_dict()`` are the case file's ``plan_check`` section
(JSON): ``{"rtdose": path, "rtstruct": path, "rtplan": path|null, "target": name|null,
"prescription_gy": number|null, "fractions": int|null, "constraint_set": key,
"name_mapping": {structure: tg263_name}}``, and only when set: ``"rtdose_parts": [path, ...]``
(further per-beam RT Doses summed with ``rtdose``), ``"dose_summation": "plan"|"fraction"``, ``"site"``
(:data:`sbrt_calc.plancheck.names.PLAN_SITES`) and ``"targets": [name, ...]`` (several targets; ``["all"]``)
(read the dose grid as the whole plan or as one fraction, whatever its header says).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.regimen import MAX_FRACTIONS

DEFAULT_CONSTRAINT_SET = "tg101"
_KEYS = ("rtdose", "rtstruct", "rtplan", "target", "prescription_gy", "fractions", "constraint_set", "name_mapping",
         "rtdose_parts", "dose_summation", "site", "targets", "folder")
DOSE_SUMMATIONS = ("plan", "fraction")


class PlanCheckInputError(SbrtCalcError):
    """A plan-check input that cannot be used."""


@dataclass(frozen=True)
class PlanCheckInputs:
    """What a plan check reads and how (frozen; validated on creation).

    Parameters
    ----------
    rtdose, rtstruct : str
        Paths of the RT Dose and RT Structure Set files.
    rtplan : str, optional
        The RT Plan (prescription and fraction count).
    target : str, optional
        The PTV's structure name; default: the one structure typed or named PTV.
    prescription_gy, fractions : optional
        Override (or supply, without an RT Plan) the prescription.
    constraint_set : str
        Key of the organ-limit set (``tg101``, ``rtog0915``, ``rtog0813``, ``nccn``, ...).
    name_mapping : tuple of (structure, tg263_name)
        The user's structure-name mapping; an empty TG-263 name leaves the structure out.
    rtdose_parts : tuple of str
        Further RT Dose files summed with *rtdose*: the per-beam doses of one plan.
    dose_summation : {"plan", "fraction"}, optional
        Read the dose grid as the whole plan or as one fraction, overriding its Dose Summation Type
        (e.g. a Pinnacle grid labelled FRACTION that holds whole-plan values). None: as the header says.
    folder : str, optional
        The folder the files were found in (``check-plan --folder``, the app's Open folder…). What reading it
        finds (files not read, doses skipped, objects not used) is part of the check, wherever it is run again
        (the case's report, the app reopening the case): :func:`sbrt_calc.plancheck.grade.check_plan` reads the
        folder again (issue 17).
    """

    rtdose: str
    rtstruct: str
    rtplan: str | None = None
    target: str | None = None
    prescription_gy: float | None = None
    fractions: int | None = None
    constraint_set: str = DEFAULT_CONSTRAINT_SET
    name_mapping: tuple[tuple[str, str], ...] = ()
    rtdose_parts: tuple[str, ...] = ()
    dose_summation: str | None = None
    site: str | None = None
    targets: tuple[str, ...] = ()
    folder: str | None = None

    def __post_init__(self) -> None:
        for key in ("rtdose", "rtstruct"):
            v = getattr(self, key)
            if not isinstance(v, str) or not v.strip():
                raise PlanCheckInputError(f"plan_check.{key} must be a file path", field=f"plan_check.{key}",
                                          value=v, allowed="a path")
        for key in ("rtplan", "target", "folder"):
            v = getattr(self, key)
            if v is not None and (not isinstance(v, str) or not v.strip()):
                raise PlanCheckInputError(f"plan_check.{key} must be text or null", field=f"plan_check.{key}",
                                          value=v, allowed="text or null")
        p = self.prescription_gy
        if p is not None and (isinstance(p, bool) or not isinstance(p, (int, float)) or not math.isfinite(p)
                              or p <= 0):
            raise PlanCheckInputError(f"prescription must be a finite dose > 0 Gy, got {p!r}",
                                      field="plan_check.prescription_gy", value=p, allowed="a number > 0")
        n = self.fractions
        if n is not None and (isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_FRACTIONS):
            raise PlanCheckInputError(f"fractions must be a whole number from 1 to {MAX_FRACTIONS}, got {n!r}",
                                      field="plan_check.fractions", value=n, allowed=f"1-{MAX_FRACTIONS}")
        if not isinstance(self.constraint_set, str) or not self.constraint_set:
            raise PlanCheckInputError("plan_check.constraint_set must be a set key", field="plan_check.constraint_set",
                                      value=self.constraint_set, allowed="tg101, rtog0915, rtog0813, nccn, ...")
        if not isinstance(self.rtdose_parts, tuple) or not all(isinstance(v, str) and v.strip()
                                                                for v in self.rtdose_parts):
            raise PlanCheckInputError("plan_check.rtdose_parts must be a list of file paths",
                                      field="plan_check.rtdose_parts", value=self.rtdose_parts, allowed="paths")
        if self.site is not None:
            from sbrt_calc.plancheck.names import PLAN_SITES

            if self.site not in PLAN_SITES:
                raise PlanCheckInputError(f"plan_check.site must be one of {', '.join(PLAN_SITES)}, got {self.site!r}",
                                          field="plan_check.site", value=self.site, allowed=", ".join(PLAN_SITES))
        if not isinstance(self.targets, tuple) or not all(isinstance(v, str) and v.strip() for v in self.targets):
            raise PlanCheckInputError("plan_check.targets must be a list of structure names",
                                      field="plan_check.targets", value=self.targets, allowed="names, or ['all']")
        if self.dose_summation is not None and self.dose_summation not in DOSE_SUMMATIONS:
            raise PlanCheckInputError(f"dose summation must be plan or fraction, got {self.dose_summation!r}",
                                      field="plan_check.dose_summation", value=self.dose_summation,
                                      allowed="plan, fraction")
        for pair in self.name_mapping:
            if (not isinstance(pair, tuple) or len(pair) != 2 or not all(isinstance(s, str) for s in pair)
                    or not pair[0]):
                raise PlanCheckInputError(f"name mapping entries must be (structure, TG-263 name) text pairs, got "
                                          f"{pair!r}", field="plan_check.name_mapping", value=pair,
                                          allowed="structure name -> TG-263 name")

    @property
    def mapping(self) -> dict[str, str]:
        """The user's mapping as a dict."""
        return dict(self.name_mapping)

    def with_mapping(self, mapping: Mapping[str, str]) -> PlanCheckInputs:
        from dataclasses import replace

        return replace(self, name_mapping=tuple(sorted(mapping.items())))

    def to_dict(self) -> dict[str, Any]:
        """The case file's ``plan_check`` section."""
        out: dict[str, Any] = {"rtdose": self.rtdose, "rtstruct": self.rtstruct, "rtplan": self.rtplan,
                               "target": self.target, "prescription_gy": self.prescription_gy,
                               "fractions": self.fractions, "constraint_set": self.constraint_set,
                               "name_mapping": dict(self.name_mapping)}
        if self.rtdose_parts:
            out["rtdose_parts"] = list(self.rtdose_parts)
        if self.dose_summation is not None:
            out["dose_summation"] = self.dose_summation
        if self.site is not None:
            out["site"] = self.site
        if self.targets:
            out["targets"] = list(self.targets)
        if self.folder is not None:
            out["folder"] = self.folder
        return out

    @classmethod
    def from_dict(cls, data: Any) -> PlanCheckInputs:
        """Read the ``plan_check`` section; every problem is a :class:`PlanCheckInputError`."""
        if not isinstance(data, Mapping):
            raise PlanCheckInputError("plan_check must be an object", field="plan_check", value=type(data).__name__,
                                      allowed="an object")
        unknown = [k for k in data if k not in _KEYS]
        if unknown:
            raise PlanCheckInputError(f"plan_check: unknown key {unknown[0]!r}", field=f"plan_check.{unknown[0]}",
                                      value=unknown[0], allowed=", ".join(_KEYS))
        mapping = data.get("name_mapping")
        mapping = {} if mapping is None else mapping
        if not isinstance(mapping, Mapping):
            raise PlanCheckInputError("plan_check.name_mapping must be an object {structure: TG-263 name}",
                                      field="plan_check.name_mapping", value=mapping, allowed="an object")
        return cls(rtdose=cast(str, data.get("rtdose")), rtstruct=cast(str, data.get("rtstruct")), rtplan=data.get("rtplan"),
                   target=data.get("target"), prescription_gy=data.get("prescription_gy"),
                   fractions=data.get("fractions"),
                   constraint_set=data.get("constraint_set", DEFAULT_CONSTRAINT_SET),
                   name_mapping=tuple(sorted((k, v) for k, v in mapping.items())),
                   rtdose_parts=_paths(data.get("rtdose_parts")), dose_summation=data.get("dose_summation"),
                   site=data.get("site"), targets=_names(data.get("targets")), folder=data.get("folder"))


def _names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PlanCheckInputError("plan_check.targets must be a list of structure names",
                                  field="plan_check.targets", value=value, allowed="a list of names, or ['all']")
    return tuple(value)


def _paths(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PlanCheckInputError("plan_check.rtdose_parts must be a list of file paths",
                                  field="plan_check.rtdose_parts", value=value, allowed="a list of paths")
    return tuple(value)


def _looks_dicom(p: Path) -> bool:
    """True when *p* is named ``*.dcm`` or holds the ``DICM`` prefix at byte 128 (PS3.10 7.1); a file whose
    first bytes cannot be read is taken as DICOM (what was not read is not known to be anything else)."""
    if p.suffix.lower() == ".dcm":
        return True
    if p.is_dir():
        return False
    try:
        with p.open("rb") as fp:
            head = fp.read(132)
    except OSError:
        return True
    return head[128:132] == b"DICM"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


@dataclass(frozen=True)
class _Skipped:
    """A folder's file that looked like DICOM and was not used: what could be read of it."""

    path: Path
    reason: str
    kind: str | None = None   # "rtdose", "rtstruct", "rtplan" when its SOP Class was read
    sop_instance_uid: str = ""
    plan_uids: tuple[str, ...] = ()   # its Referenced RT Plan Sequence, as far as it was read
    folder: bool = False


def _uids(ds: Any) -> tuple[str, tuple[str, ...]]:
    """(SOP Instance UID, referenced RT Plan SOP Instance UIDs) of a data set, as far as they can be read."""
    try:
        uid = str(ds.get("SOPInstanceUID", "") or "").strip()
        refs = tuple(str(r.get("ReferencedSOPInstanceUID", "") or "").strip()
                     for r in ds.get("ReferencedRTPlanSequence", []) or [])
    except Exception:  # noqa: BLE001 - a truncated element: not known
        return "", ()
    return uid, tuple(r for r in refs if r)


def _skipped_doses(skipped: list[_Skipped], used: list[str], uids: dict[str, tuple[str, tuple[str, ...]]],
                   rtplan: str | None) -> tuple[list[str], list[str]]:
    """Reading notes and doubts about the dose for the folder's files that were skipped (issue 17).

    A skipped file that could have been the plan's dose (an RT Dose, or a file whose kind could not be
    read) makes the dose checked doubtful, unless the files plainly tell it apart: it is a damaged copy
    of a dose used (the same SOP Instance UID), or it refers to another RT Plan than the folder's RT Plan,
    to which every dose used refers. Returns (notes saying which dose was used and why, doubts)."""
    notes: list[str] = []
    doubts: list[str] = []
    names = ", ".join(Path(u).name for u in used)
    plan_uid = uids[rtplan][0] if rtplan and rtplan in uids else ""
    used_refer = bool(plan_uid) and all(plan_uid in uids.get(u, ("", ()))[1] for u in used)
    by_uid = {uids[u][0]: u for u in used if u in uids and uids[u][0]}
    for s in skipped:
        if s.folder or (s.kind is not None and s.kind != "rtdose"):
            continue   # not a dose: its warning says what it was
        name = s.path.name
        if s.sop_instance_uid and s.sop_instance_uid in by_uid:
            notes.append(f"{name} skipped: a damaged copy of {Path(by_uid[s.sop_instance_uid]).name} (the same SOP "
                         f"Instance UID); {Path(by_uid[s.sop_instance_uid]).name} was used")
        elif s.kind == "rtdose" and s.plan_uids and used_refer and plan_uid not in s.plan_uids:
            notes.append(f"{name} skipped: it refers to another RT Plan ({', '.join(s.plan_uids)}); {names} was used: "
                         f"it refers to the folder's RT Plan {Path(rtplan or '').name} ({plan_uid})")
        else:
            if s.kind != "rtdose":
                why = "its kind could not be read: it may be a dose of this plan"
            elif not plan_uid:
                why = "an RT Dose, and the folder has no RT Plan to tell which dose is the plan's"
            elif not s.plan_uids:
                why = "an RT Dose that does not say (as far as it was read) which RT Plan it belongs to"
            elif plan_uid in s.plan_uids:
                why = f"an RT Dose of the same RT Plan ({plan_uid})"
            else:
                why = "an RT Dose of another RT Plan, but the dose used does not refer to the folder's RT Plan either"
            doubts.append(f"dose may be incomplete: {name} was skipped ({s.reason}); {why}")
    return notes, doubts


def find_in_folder(folder: str | Path) -> dict[str, Any]:
    """The RT Dose, RT Structure Set and RT Plan files of a folder, by their SOP Class UID.

    Returns ``{"rtdose": path, "rtstruct": path, "rtplan": path}`` (``rtplan`` only when present)
    and, when the folder holds several RT Doses (the per-beam doses of one plan),
    ``"rtdose_parts": (path, ...)``: the others, to be summed with ``rtdose``
    (:func:`~sbrt_calc.plancheck.dicom_io.sum_beam_doses` checks they belong together).
    When a file that looks like DICOM (named ``*.dcm``, or with the ``DICM`` prefix) could not be read,
    or was read only partially (a truncated file: never used), ``"unread": (warning, ...)`` names each
    such file and the reason (issue 17: a file not read is never silent). When such a file could have
    been the plan's dose, ``"dose_doubts": (text, ...)`` says why the dose checked may be incomplete,
    unless the files tell it apart (a damaged copy of a dose used; an RT Dose of another RT Plan):
    then ``"reading_notes"`` say which dose was used and why. Readable DICOM objects a plan check does
    not use (CT images, registrations, ...) are listed once per kind in ``"reading_notes"``
    ("not used (CT image, 3 files)"). Other files (``README.txt``, ``.DS_Store``, sub-folders) are
    skipped quietly. :func:`sbrt_calc.plancheck.grade.with_folder_reading` carries all of this into
    a check's result (the one place every face takes it from). Keys appear only when they have items.

    Raises
    ------
    PlanCheckInputError
        When the folder lacks an RT Dose or an RT Structure Set (the message then names the files that
        could not be read), or holds more than one RT Structure Set or RT Plan.
    """
    from sbrt_calc.plancheck.dicom_io import MAX_DICOM_BYTES, kind_of, other_kind_label, safe_dcmread

    root = Path(folder)
    if not root.is_dir():
        raise PlanCheckInputError(f"{root}: not a folder", field="folder", value=str(root), allowed="a folder")
    found: dict[str, list[str]] = {"rtdose": [], "rtstruct": [], "rtplan": []}
    unread: list[str] = []
    skipped: list[_Skipped] = []
    uids: dict[str, tuple[str, tuple[str, ...]]] = {}
    others: dict[str, int] = {}
    names = {"rtdose": "an RT Dose", "rtstruct": "an RT Structure Set", "rtplan": "an RT Plan"}
    for p in sorted(root.iterdir()):
        dicom = _looks_dicom(p)
        try:
            if p.is_dir():
                if dicom:
                    unread.append(f"{p}: not read (a folder named like a DICOM file)")
                    skipped.append(_Skipped(p, "a folder", folder=True))
                continue
            size = p.stat().st_size
            if size > MAX_DICOM_BYTES:
                if dicom:
                    unread.append(f"{p}: not read ({size} bytes is larger than the {MAX_DICOM_BYTES}-byte limit "
                                  "for a DICOM file)")
                    skipped.append(_Skipped(p, "too large to read"))
                continue
            notes: list[str] = []
            ds = safe_dcmread(p, "DICOM", stop_before_pixels=True, notes=notes, complete=False)
        except (SbrtCalcError, OSError) as exc:
            if dicom:
                reason = str(exc.strerror or exc) if isinstance(exc, OSError) else str(exc)
                reason = reason[len(str(p)) + 2:] if reason.startswith(f"{p}: ") else reason
                unread.append(_one_line(f"{p}: not read ({reason})"))
                skipped.append(_Skipped(p, "could not be read"))
            continue
        kind = kind_of(ds)
        partial = [n for n in notes if "the file is incomplete" in n]
        if partial:
            what = names.get(kind or "", "a DICOM file")
            unread.append(_one_line(f"{p}: {what} read only partially, not used ({partial[0]})"))
            skipped.append(_Skipped(p, "read only partially", kind, *_uids(ds)))
            continue
        if kind:
            found[kind].append(str(p))
            uids[str(p)] = _uids(ds)
        else:
            label = other_kind_label(ds)
            others[label] = others.get(label, 0) + 1
    for kind in ("rtstruct", "rtplan"):
        if len(found[kind]) > 1:
            raise PlanCheckInputError(f"{root}: several {kind.upper()} files ({', '.join(found[kind])}); give them "
                                      "one by one", field=kind, value=found[kind], allowed="one file of each kind")
    for kind in ("rtdose", "rtstruct"):
        if not found[kind]:
            also = f"; could not be read: {'; '.join(unread)}" if unread else ""
            raise PlanCheckInputError(f"{root}: no {kind.upper()} file{also}", field=kind, value=str(root),
                                      allowed=f"a folder with an {kind.upper()} file")
    out: dict[str, Any] = {k: v[0] for k, v in found.items() if v}
    if len(found["rtdose"]) > 1:
        out["rtdose_parts"] = tuple(found["rtdose"][1:])
    if unread:
        out["unread"] = tuple(unread)
    notes_, doubts = _skipped_doses(skipped, found["rtdose"], uids, out.get("rtplan"))
    notes_ += [f"not used ({label}, {n} file{'' if n == 1 else 's'})" for label, n in sorted(others.items())]
    if notes_:
        out["reading_notes"] = tuple(notes_)
    if doubts:
        out["dose_doubts"] = tuple(doubts)
    return out
