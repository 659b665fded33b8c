"""The saved case: a versioned JSON document shared by the desktop app and the command line.

Format (documented in ``docs/case-format.md``)::

    {
      "format": "sbrt-calc-case",
      "format_version": 1,
      "title": "Left adrenal, oligoprogression",
      "identifier": "case-0042",                 # optional, null or text
      "saved_with": "sbrt-calc 0.1.0",            # informative, ignored on load
      "regimens": [
        {"label": "36/3", "total_dose_gy": 36.0, "fractions": 3},
        {"label": "bad row", "invalid_input": {"total_dose_gy": "3x", "fractions": "3"},
         "error": "total dose: '3x' is not a number"}
      ],
      "settings": {"model": "lq", "tumour_alpha_beta_gy": 10.0, "organ_alpha_beta_gy": 3.0,
                   "flag_bed_gy": 70.0, "reference_bed_gy": 100.0},
      "eligibility": {...}, "planning": {...}      # optional sections (part 2), kept as given
    }

A regimen row is either *valid* (numbers that make a :class:`~sbrt_calc.regimen.Regimen`)
or *invalid input* kept verbatim so that nothing the user typed is lost. Unknown top-level
sections are kept on load and written back on save. Loading is strict: every problem is a
:class:`~sbrt_calc.errors.CaseError` naming the key path. Saving is atomic (:mod:`sbrt_calc.atomic_write`);
what cannot be written back as standard JSON is refused at load.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from sbrt_calc import __version__
from sbrt_calc.atomic_write import write_text_atomic
from sbrt_calc.errors import CaseError, RegimenError
from sbrt_calc.input_limits import MAX_CASE_FILE_BYTES, first_unwritable, loads_json
from sbrt_calc.presets.radiobiology import radiobiology
from sbrt_calc.regimen import Regimen
from sbrt_calc.vocabulary import MODEL_CHOICES

FORMAT = "sbrt-calc-case"
FORMAT_VERSION = 2  # 2: settings for the models, time correction and EQDx; row source/verification
#: The file suffix the app proposes (the content is plain JSON).
SUFFIX = ".sbrt.json"

MODELS = MODEL_CHOICES
_CORE_KEYS = ("format", "format_version", "title", "identifier", "saved_with", "regimens", "settings")
_ROW_KEYS = ("label", "total_dose_gy", "fractions", "overall_time_days", "note", "source", "verification",
             "invalid_input", "error")
_SETTINGS_KEYS = ("model", "tumour_alpha_beta_gy", "organ_alpha_beta_gy", "flag_bed_gy", "reference_bed_gy",
                  "lql_transition_dose_gy", "usc_alpha_per_gy", "usc_d0_gy", "usc_dq_gy", "time_correction",
                  "kickoff_days", "bed_loss_per_day_gy", "reference_dose_gy")
#: settings checked against the physical ranges of :mod:`sbrt_calc.radiobiology.ranges`
_RANGED = {"tumour_alpha_beta_gy": "alpha_beta_gy", "organ_alpha_beta_gy": "alpha_beta_gy",
           "lql_transition_dose_gy": "transition_dose_gy", "usc_alpha_per_gy": "alpha_per_gy",
           "usc_d0_gy": "d0_gy", "usc_dq_gy": "dq_gy", "kickoff_days": "kickoff_days",
           "bed_loss_per_day_gy": "bed_loss_per_day_gy", "reference_dose_gy": "reference_dose_gy"}
_INPUT_KEYS = ("regimen", "total_dose_gy", "fractions", "dose_per_fraction_gy")


@dataclass(frozen=True)
class CaseRegimen:
    """One row of the regimens table.

    Either ``total_dose_gy`` and ``fractions`` are set (a valid regimen), or ``invalid_input``
    holds what the user typed (keys ``regimen``, ``total_dose_gy``, ``fractions``,
    ``dose_per_fraction_gy``; text) and
    ``error`` the reason it was not accepted.
    """

    label: str = ""
    total_dose_gy: float | None = None
    fractions: int | None = None
    note: str = ""
    invalid_input: Mapping[str, str] | None = None
    error: str = ""
    source: str = ""          # the preset's source, when the row came from a preset
    verification: str = ""    # and its verification mark
    overall_time_days: float | None = None

    @property
    def is_valid(self) -> bool:
        return self.invalid_input is None and self.total_dose_gy is not None and self.fractions is not None

    def regimen(self) -> Regimen:
        """The :class:`Regimen` of a valid row (RegimenError for an invalid one), made and checked once per row (both
        are frozen; issue 21, stop 32: each model switch of the app's table made the 57 rows' Regimens again,
        ~0.1-0.2 ms of its evaluation)."""
        made = self.__dict__.get("_regimen")
        if made is not None:
            return made
        if not self.is_valid:
            raise RegimenError(
                f"row {self.label!r} holds invalid input: {self.error or 'not a regimen'}",
                field="regimen", value=dict(self.invalid_input or {}), allowed="a valid total dose and fractions",
            )
        assert self.total_dose_gy is not None and self.fractions is not None
        made = Regimen(self.total_dose_gy, self.fractions, self.label, self.overall_time_days)
        object.__setattr__(self, "_regimen", made)   # not a field: no part of the row's equality, hash or repr
        return made

    @classmethod
    def from_regimen(cls, regimen: Regimen, note: str = "", source: str = "", verification: str = "") -> CaseRegimen:
        return cls(regimen.label, regimen.total_dose_gy, regimen.fractions, note, source=source,
                   verification=verification, overall_time_days=regimen.overall_time_days)


@dataclass(frozen=True)
class CaseSettings:
    """How the regimens are evaluated. ``model`` is 'lq', 'lql', 'usc' or 'all' (side by side).

    The defaults come from ``presets/radiobiology.toml`` (one source of truth): the tumour and
    late-responding alpha/beta, the BED10 flag (70 Gy) and reference (100 Gy) lines.
    """

    model: str = "lq"
    tumour_alpha_beta_gy: float = field(default_factory=lambda: radiobiology().tumour_alpha_beta_gy)
    organ_alpha_beta_gy: float = field(default_factory=lambda: radiobiology().tissue("late").alpha_beta_gy)
    flag_bed_gy: float = field(default_factory=lambda: radiobiology().threshold("bed10_oligoprogression").bed_gy)
    reference_bed_gy: float = field(default_factory=lambda: radiobiology().threshold("bed10_primary_lung").bed_gy)
    lql_transition_dose_gy: float = field(default_factory=lambda: radiobiology().lql.values["transition_dose_gy"])
    usc_alpha_per_gy: float = field(default_factory=lambda: radiobiology().usc.values["alpha_per_gy"])
    usc_d0_gy: float = field(default_factory=lambda: radiobiology().usc.values["d0_gy"])
    usc_dq_gy: float = field(default_factory=lambda: radiobiology().usc.values["dq_gy"])
    time_correction: bool = False
    kickoff_days: float = field(default_factory=lambda: radiobiology().repopulation.values["kickoff_days"])
    bed_loss_per_day_gy: float = field(
        default_factory=lambda: radiobiology().repopulation.values["bed_loss_per_day_gy"])
    reference_dose_gy: float = 2.0

    def __post_init__(self) -> None:
        from sbrt_calc.errors import ModelParameterError
        from sbrt_calc.radiobiology.ranges import check_range

        if self.model not in MODELS:
            raise CaseError(f"settings.model must be one of {', '.join(MODELS)}, got {self.model!r}",
                            field="settings.model", value=self.model, allowed=", ".join(MODELS))
        if not isinstance(self.time_correction, bool):
            raise CaseError(f"settings.time_correction must be true or false, got {self.time_correction!r}",
                            field="settings.time_correction", value=self.time_correction, allowed="true, false")
        for name in ("flag_bed_gy", "reference_bed_gy"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or not 0 < value <= 1000:
                raise CaseError(f"settings.{name} must be a BED10 in Gy, > 0 and <= 1000, got {value!r}",
                                field=f"settings.{name}", value=value, allowed="a number > 0 and <= 1000 Gy")
            object.__setattr__(self, name, float(value))
        for name, range_name in _RANGED.items():
            try:
                value = check_range(range_name, getattr(self, name), f"settings.{name}")
            except ModelParameterError as exc:
                raise CaseError(exc.message, field=f"settings.{name}", value=exc.value, allowed=exc.allowed) from None
            object.__setattr__(self, name, value)
        if self.usc_alpha_per_gy * self.usc_d0_gy >= 1:
            raise CaseError(f"settings.usc_alpha_per_gy * settings.usc_d0_gy must be < 1 (the USC has no shoulder "
                            f"otherwise), got {self.usc_alpha_per_gy * self.usc_d0_gy:g}",
                            field="settings.usc_d0_gy", value=self.usc_d0_gy, allowed="alpha * D0 < 1")

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _SETTINGS_KEYS}


@dataclass(frozen=True)
class Case:
    """A saved case: title, optional identifier, the regimen rows, the settings, extra sections.

    ``sections`` holds every other top-level section (``eligibility``, ``planning`` and any
    section a newer program wrote), kept verbatim.
    """

    title: str = "Untitled case"
    identifier: str | None = None
    regimens: tuple[CaseRegimen, ...] = ()
    settings: CaseSettings = field(default_factory=CaseSettings)
    sections: Mapping[str, Any] = field(default_factory=dict)

    @cached_property
    def eligibility(self) -> Any:
        """The ``eligibility`` section validated: an eligibility Case, or None (absent, or a draft)."""
        return eligibility_case_of(self.sections.get("eligibility"))

    @cached_property
    def planning(self) -> Any:
        """The ``planning`` section validated: PlanningInputs, or None when absent."""
        return planning_inputs_of(self.sections.get("planning"))

    @cached_property
    def report_people(self) -> dict[str, str]:
        """The ``report`` section validated: the report's patient reference, "prepared by" and "checked by"
        (:data:`REPORT_KEYS`; only the ones given, each non-empty text)."""
        return report_people_of(self.sections.get("report"))

    @cached_property
    def plan_check(self) -> Any:
        """The ``plan_check`` section validated: PlanCheckInputs (the DICOM files and options), or None."""
        return plan_check_inputs_of(self.sections.get("plan_check"))

    @cached_property
    def reirradiation(self) -> Any:
        """The ``reirradiation`` section validated: ReirradiationInputs (courses and choices), or None."""
        return reirradiation_inputs_of(self.sections.get("reirradiation"))

    def valid_regimens(self) -> list[Regimen]:
        """The regimens of the valid rows, in order."""
        return [r.regimen() for r in self.regimens if r.is_valid]


# --- the optional sections, validated once ---------------------------------------------------------

def eligibility_case_of(section: Any, source: str = "") -> Any:
    """The :class:`~sbrt_calc.eligibility.case.Case` of a saved ``eligibility`` section, or None.

    The section is ``{"case": <Case.to_dict()>}`` (complete form) or ``{"draft": {...}}`` (the app's
    form while incomplete: not assessed, but validated by :func:`eligibility_draft_of`, so that a bad
    draft is refused here as the app refuses it). CaseError naming ``eligibility.case.<key>`` or
    ``eligibility.draft.<key>``.
    """
    from sbrt_calc.eligibility.case import Case as EligibilityCase

    pre = f"{source}: " if source else ""
    if not _eligibility_keys(section, pre):
        return None
    if "case" not in section:
        eligibility_draft_of(section, source)
        return None
    try:
        return EligibilityCase.from_dict(section["case"], source=f"{pre}eligibility.case")
    except CaseError as exc:
        path = f"eligibility.case.{exc.field}" if exc.field and exc.field != "case" else "eligibility.case"
        raise CaseError(exc.message, field=path, value=exc.value, allowed=exc.allowed) from None


def _eligibility_keys(section: Any, pre: str) -> bool:
    """False for an absent or empty section; CaseError for one that is not an object or has unknown keys."""
    if not section:
        return False
    if not isinstance(section, dict):
        raise CaseError(f"{pre}eligibility must be an object", field="eligibility", value=None,
                        allowed="an object")
    for key in section:
        if key not in ("case", "draft"):
            raise CaseError(f"{pre}eligibility.{key}: unknown key (allowed: case, draft)",
                            field=f"eligibility.{key}", value=key, allowed="case, draft")
    return True


def eligibility_draft_of(section: Any, source: str = "") -> Any:
    """The :class:`~sbrt_calc.eligibility.draft.EligibilityDraft` of a saved ``eligibility`` section that holds
    ``{"draft": {...}}`` and no ``case``, else None. CaseError naming ``eligibility.draft.<key>`` for a bad draft."""
    from sbrt_calc.eligibility.draft import EligibilityDraft

    if not _eligibility_keys(section, f"{source}: " if source else "") or "case" in section \
            or "draft" not in section:
        return None
    return EligibilityDraft.from_dict(section["draft"], source)


def planning_inputs_of(section: Any) -> Any:
    """The :class:`~sbrt_calc.planning.section.PlanningInputs` of a saved ``planning`` section, or None."""
    from sbrt_calc.planning.section import PlanningInputs

    if not section:
        return None
    return PlanningInputs.from_dict(section)


#: The keys of the optional ``report`` section: what the report prints under its title, saved with the case.
REPORT_KEYS = ("patient_reference", "prepared_by", "checked_by")


def report_people_of(section: Any) -> dict[str, str]:
    """The ``report`` section of a case (``{"patient_reference": ..., "prepared_by": ..., "checked_by": ...}``,
    every key optional) as a dict of the non-empty ones; absent or null: empty. CaseError naming
    ``report.<key>`` for an unknown key or a value that is not text."""
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise _error("report", f"must be an object, got {type(section).__name__}", None, "an object")
    out = {}
    for key, value in section.items():
        if key not in REPORT_KEYS:
            raise _error(f"report.{key}", f"unknown key (allowed: {', '.join(REPORT_KEYS)})", key,
                         ", ".join(REPORT_KEYS))
        if value is not None and _text(value, f"report.{key}").strip():
            out[key] = value.strip()
    return out


def plan_check_inputs_of(section: Any) -> Any:
    """The :class:`~sbrt_calc.plancheck.inputs.PlanCheckInputs` of a saved ``plan_check`` section, or None
    (CaseError naming ``plan_check.<key>`` for a bad one)."""
    from sbrt_calc.errors import SbrtCalcError
    from sbrt_calc.plancheck.inputs import PlanCheckInputs

    if not section:
        return None
    try:
        return PlanCheckInputs.from_dict(section)
    except SbrtCalcError as exc:
        field = exc.field if (exc.field or "").startswith("plan_check") else "plan_check"
        raise CaseError(exc.message, field=field, value=exc.value, allowed=exc.allowed) from None


def reirradiation_inputs_of(section: Any) -> Any:
    """The :class:`~sbrt_calc.reirradiation.inputs.ReirradiationInputs` of a saved ``reirradiation`` section, or
    None (CaseError naming ``reirradiation.<key>`` for a bad one)."""
    if section is None:   # before the import: the courses' module imports numpy (a case without the section: none)
        return None
    from sbrt_calc.errors import SbrtCalcError
    from sbrt_calc.reirradiation.inputs import ReirradiationInputs

    try:
        return ReirradiationInputs.from_dict(section)
    except SbrtCalcError as exc:
        field = exc.field if (exc.field or "").startswith("reirradiation") else "reirradiation"
        raise CaseError(exc.message, field=field, value=exc.value, allowed=exc.allowed) from None


# --- to and from the JSON document ------------------------------------------------------------

def case_to_dict(case: Case) -> dict[str, Any]:
    """The JSON document of ``case`` (see the module docstring)."""
    rows: list[dict[str, Any]] = []
    for r in case.regimens:
        row: dict[str, Any] = {"label": r.label}
        if r.is_valid:
            row["total_dose_gy"] = float(r.total_dose_gy)  # type: ignore[arg-type]
            row["fractions"] = int(r.fractions)  # type: ignore[arg-type]
            if r.overall_time_days is not None:
                row["overall_time_days"] = float(r.overall_time_days)
        else:
            row["invalid_input"] = dict(r.invalid_input or {})
            row["error"] = r.error
        for key in ("note", "source", "verification"):
            if getattr(r, key):
                row[key] = getattr(r, key)
        rows.append(row)
    doc: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "title": case.title,
        "identifier": case.identifier,
        "saved_with": f"sbrt-calc {__version__}",
        "regimens": rows,
        "settings": case.settings.as_dict(),
    }
    for key, value in case.sections.items():
        if key not in doc:
            doc[key] = value
    return doc


def _error(key: str, message: str, value: Any = None, allowed: str | None = None) -> CaseError:
    return CaseError(f"{key}: {message}", field=key, value=value, allowed=allowed)


def _number(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _error(key, f"must be a finite number, got {value!r}", value, "a finite number")
    return float(value)


def _text(value: Any, key: str) -> str:
    if not isinstance(value, str):
        raise _error(key, f"must be text, got {value!r}", value, "a string")
    return value


def _row_from_dict(raw: Any, key: str) -> CaseRegimen:
    if not isinstance(raw, dict):
        raise _error(key, f"must be an object, got {type(raw).__name__}", raw, "an object")
    for name in raw:
        if name not in _ROW_KEYS:
            raise _error(f"{key}.{name}", f"unknown key (allowed: {', '.join(_ROW_KEYS)})", name, ", ".join(_ROW_KEYS))
    label = _text(raw.get("label", ""), f"{key}.label")
    note = _text(raw.get("note", ""), f"{key}.note")
    source = _text(raw.get("source", ""), f"{key}.source")
    verification = _text(raw.get("verification", ""), f"{key}.verification")
    if "invalid_input" in raw:
        for name in ("total_dose_gy", "fractions"):
            if name in raw:
                raise _error(f"{key}.{name}", "not allowed together with invalid_input", raw[name])
        inp = raw["invalid_input"]
        if not isinstance(inp, dict) or not inp:
            raise _error(f"{key}.invalid_input", "must be a non-empty object of texts", inp)
        for name, value in inp.items():
            if name not in _INPUT_KEYS:
                raise _error(f"{key}.invalid_input.{name}", f"unknown key (allowed: {', '.join(_INPUT_KEYS)})", name)
            _text(value, f"{key}.invalid_input.{name}")
        return CaseRegimen(label, None, None, note, dict(inp), _text(raw.get("error", ""), f"{key}.error"),
                           source, verification)
    if "error" in raw:
        raise _error(f"{key}.error", "only allowed together with invalid_input", raw["error"])
    for name in ("total_dose_gy", "fractions"):
        if name not in raw:
            raise _error(f"{key}.{name}", "missing", None, "a number")
    total = _number(raw["total_dose_gy"], f"{key}.total_dose_gy")
    n = raw["fractions"]
    if isinstance(n, bool) or not isinstance(n, int):
        raise _error(f"{key}.fractions", f"must be a whole number, got {n!r}", n, "an integer from 1 to 100")
    days = raw.get("overall_time_days")
    if days is not None:
        days = _number(days, f"{key}.overall_time_days")
    try:
        reg = Regimen(total, n, label, days)
    except RegimenError as exc:
        raise _error(f"{key}.{exc.field or 'regimen'}", exc.message, exc.value, exc.allowed) from None
    return CaseRegimen(reg.label, reg.total_dose_gy, reg.fractions, note, source=source, verification=verification,
                       overall_time_days=days)


def case_from_dict(data: Any) -> Case:
    """Validate a parsed case document and build the :class:`Case` (CaseError naming the key)."""
    if not isinstance(data, dict):
        raise _error("<top>", f"must be a JSON object, got {type(data).__name__}", None, "an object")
    if data.get("format") != FORMAT:
        raise _error("format", f"must be {FORMAT!r}, got {data.get('format')!r}", data.get("format"), FORMAT)
    version = data.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise _error("format_version", f"must be an integer, got {version!r}", version, str(FORMAT_VERSION))
    if version > FORMAT_VERSION:
        raise _error("format_version", f"{version} is newer than this program reads ({FORMAT_VERSION}): "
                     "update sbrt-calc", version, f"<= {FORMAT_VERSION}")
    if version < 1:
        raise _error("format_version", f"must be >= 1, got {version}", version, f"1..{FORMAT_VERSION}")
    title = _text(data.get("title", "Untitled case"), "title")
    identifier = data.get("identifier")
    if identifier is not None:
        identifier = _text(identifier, "identifier")
    if "saved_with" in data:
        _text(data["saved_with"], "saved_with")
    rows_raw = data.get("regimens", [])
    if not isinstance(rows_raw, list):
        raise _error("regimens", f"must be a list, got {type(rows_raw).__name__}", None, "a list")
    rows = tuple(_row_from_dict(raw, f"regimens[{i}]") for i, raw in enumerate(rows_raw))
    settings_raw = data.get("settings", {})
    if not isinstance(settings_raw, dict):
        raise _error("settings", f"must be an object, got {type(settings_raw).__name__}", None, "an object")
    for name in settings_raw:
        if name not in _SETTINGS_KEYS:
            raise _error(f"settings.{name}", f"unknown key (allowed: {', '.join(_SETTINGS_KEYS)})", name)
    settings = CaseSettings(**settings_raw)
    sections = {k: v for k, v in data.items() if k not in _CORE_KEYS}
    for key in ("eligibility", "planning"):
        if key in sections and not isinstance(sections[key], dict):
            raise _error(key, f"must be an object, got {type(sections[key]).__name__}", None, "an object")
    case = Case(title, identifier, rows, settings, sections)
    case.eligibility, case.planning, case.plan_check, case.reirradiation, case.report_people  # noqa: B018 - at load
    return case


def dumps_case(case: Case) -> str:
    """The case as JSON text (UTF-8, indented, trailing newline).

    Only standard JSON is written: a value JSON cannot hold (NaN, infinity) is a CaseError naming
    its key path, so that the caller can show it and keep the edit (nothing is written).
    """
    import json  # when a case is written: the app's first frame writes none (~2.5 ms CPU of its start)

    doc = case_to_dict(case)
    try:
        return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    except (ValueError, RecursionError) as exc:
        where = first_unwritable(doc) or "<case>"
        raise CaseError(f"cannot save: {where} holds a value JSON cannot hold ({exc})", field=where, value=None,
                        allowed="finite numbers") from None


def loads_case(text: str, source: str = "<case>") -> Case:
    """Parse JSON text into a :class:`Case` (CaseError naming ``source`` and the key).

    An empty text, a top-level list, ``NaN``/``Infinity``, numbers beyond the float range
    (``1e999``) and nesting deeper than :data:`~sbrt_calc.input_limits.MAX_DEPTH` are refused
    with a message; a leading UTF-8 byte-order mark is ignored.
    """
    data = loads_json(text, source)
    try:
        return case_from_dict(data)
    except CaseError as exc:
        raise CaseError(f"{source}: {exc.message}", field=exc.field, value=exc.value, allowed=exc.allowed) from None


def save_case(case: Case, path: str | os.PathLike[str]) -> Path:
    """Write ``case`` to ``path`` atomically (:mod:`sbrt_calc.atomic_write`).

    Raises
    ------
    CaseError
        The case holds a value JSON cannot hold (nothing written).
    WriteError
        The file could not be written (message names ``path``; the previous file is unchanged), or
        ``path`` exists and is not a case file (a DICOM file, a PDF, an eligibility TOML...): refused.
    """
    return write_text_atomic(path, dumps_case(case), kind="case")   # never over a file of another kind


def load_case(path: str | os.PathLike[str]) -> Case:
    """Read and validate a case file (CaseError naming the file and the key)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise CaseError(f"{p}: is a folder, not a case file", field=str(p), value=None, allowed="a case file")
        if size > MAX_CASE_FILE_BYTES:
            raise CaseError(f"{p}: {size} bytes is too large for a case file (limit {MAX_CASE_FILE_BYTES})",
                            field=str(p), value=size, allowed=f"at most {MAX_CASE_FILE_BYTES} bytes")
        text = p.read_text(encoding="utf-8")
    except CaseError:   # a ValueError too: said above, not "cannot read"
        raise
    except (OSError, ValueError) as exc:   # ValueError: a NUL in the name
        if isinstance(exc, UnicodeDecodeError):
            raise CaseError(f"{p}: not UTF-8 text", field=str(p), value=None,
                            allowed="a UTF-8 JSON case file") from None
        raise CaseError(f"{p}: cannot read: {getattr(exc, 'strerror', None) or exc}", field=str(p), value=None,
                        allowed="a readable case file") from None
    return loads_case(text, str(p))
