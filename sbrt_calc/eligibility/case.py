"""The oligoprogression case: what the clinician records, validated strictly.

A case is a TOML file (the GUI fills the same model and saves it inside its own case file
through :meth:`Case.to_dict`)::

    therapy_class = "tki"            # tki | immunotherapy | chemotherapy | chemoimmunotherapy
    driver = "EGFR"                  # EGFR | ALK | ROS1 | KRAS | other | none | unknown
    months_on_therapy = 14           # benefit on the current agent before this progression
    ecog = 1                         # 0-4
    cns_imaging_done = true
    other_disease_controlled = true  # the rest of the disease still responding or stable
    leptomeningeal = false
    best_response = "partial"        # complete | partial | stable | progression | unknown (default)
    rebiopsy_result = "pending"      # pending | no_transformation | transformation | resistance_mutation

    [[lesions]]
    site = "lung"                    # lung | bone | spine | brain | adrenal | liver | lymph_node | other
    status = "progressing"           # progressing | new | stable | responding
    location = "central"             # lung only: peripheral | central | ultracentral
    size_mm = 18
    symptomatic = true               # symptoms are a per-lesion fact

Validation never guesses: an unknown key, a wrong type, a value outside its list is a
:class:`~sbrt_calc.errors.CaseError` naming the source, the key path (``lesions[2].site``),
the value and what is allowed. Optional keys have documented defaults (see :class:`Case`
and :class:`Lesion`); the required ones must be written out, because a silent default for
"CNS imaging done" or "rest of the disease controlled" would be a clinical guess.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sbrt_calc.eligibility.validate import (
    MAX_TEXT_CHARS,  # noqa: F401 - part of this module's interface
    _adopt,
    _bool,
    _check_keys,
    _choice,
    _fail,
    _integer,
    _number,
    _text,
)
from sbrt_calc.errors import CaseError
from sbrt_calc.input_limits import MAX_CASE_FILE_BYTES
from sbrt_calc.vocabulary import BONE_SITES, LESION_SITES, LUNG_LOCATIONS

THERAPY_CLASSES = ("tki", "immunotherapy", "chemotherapy", "chemoimmunotherapy")
DRIVERS = ("EGFR", "ALK", "ROS1", "KRAS", "other", "none", "unknown")
#: Lesion sites, lung locations (definitions in :data:`sbrt_calc.presets.model.LUNG_LOCATION_DEFINITIONS`) and
#: the sites where ``weight_bearing`` and ``fracture_risk`` apply: :mod:`sbrt_calc.vocabulary`.
SITES = LESION_SITES
STATUSES = ("progressing", "new", "stable", "responding")
#: Best response on the current agent before this progression (Seed 003: SBRT while maintaining
#: immunotherapy applies after "an initial benefit", i.e. a response or stabilisation).
BEST_RESPONSES = ("complete", "partial", "stable", "progression", "unknown")
#: Responses that are an initial benefit (RECIST complete/partial response or stable disease).
BENEFIT_RESPONSES = ("complete", "partial", "stable")
#: Result of a rebiopsy done for this progression (Seed 004 step 1: rule out transformation or
#: detect resistance mechanisms).
REBIOPSY_RESULTS = ("pending", "no_transformation", "transformation", "resistance_mutation")
#: Statuses that count as a site of progression.
PROGRESSING_STATUSES = ("progressing", "new")
#: ``max_sites``: 3 is the strict definition (most series; ARS AUC), 5 the extended one
#: (CURB, HALT as amended, ASTRO/ESTRO 2023; Seed 004 "typically <= 5").
MAX_SITES_CHOICES = (3, 5)
DEFAULT_MAX_SITES = 5

MAX_LESIONS = 100
MAX_MONTHS = 600.0
MAX_SIZE_MM = 500.0

_CASE_REQUIRED = (
    "therapy_class", "driver", "months_on_therapy", "ecog", "cns_imaging_done",
    "other_disease_controlled", "leptomeningeal", "lesions",
)
_CASE_OPTIONAL = (
    "max_sites", "suspected_transformation", "rebiopsy_done", "staging_complete",
    "mdt_discussed", "trial_considered", "agent", "resistance_mutation", "symptomatic_progression",
    "best_response", "rebiopsy_result",
)
_LESION_REQUIRED = ("site", "status")
_LESION_OPTIONAL = ("label", "size_mm", "weight_bearing", "fracture_risk", "symptomatic",
                    "previously_irradiated", "location", "abuts_chest_wall")


@dataclass(frozen=True)
class Lesion:
    """One lesion (one metastatic site) and its behaviour on the current agent.

    Parameters
    ----------
    site : str
        One of :data:`SITES`.
    status : str
        One of :data:`STATUSES`. ``progressing`` and ``new`` lesions are sites of
        progression; ``stable`` and ``responding`` are controlled disease.
    label : str, optional
        Free text, e.g. ``"L3 vertebra"``.
    size_mm : float, optional
        Largest diameter, mm (> 0, <= 500).
    weight_bearing : bool, optional
        Bone and spine only: the lesion is in a weight-bearing bone. ``None``: not recorded.
    fracture_risk : bool, optional
        Bone and spine only: judged at risk of pathological fracture. ``None``: not recorded.
    symptomatic : bool
        The lesion causes symptoms (default false).
    previously_irradiated : bool
        The site was irradiated before (default false).
    location : str, optional
        Lung lesions only: ``peripheral``, ``central`` (within 2 cm of the proximal bronchial
        tree, RTOG 0813) or ``ultracentral`` (touching the main bronchus or oesophagus).
        ``None``: not recorded (no lung scheme is offered until it is).
    abuts_chest_wall : bool, optional
        Lung lesions only: the tumour abuts the chest wall (SABR-COMET: 55 Gy/5 rather than 54 Gy/3).
    """

    site: str
    status: str
    label: str | None = None
    size_mm: float | None = None
    weight_bearing: bool | None = None
    fracture_risk: bool | None = None
    symptomatic: bool = False
    previously_irradiated: bool = False
    location: str | None = None
    abuts_chest_wall: bool | None = None

    def __post_init__(self) -> None:
        # Programmatic construction (the GUI) gets the same checks as a file.
        _adopt(self, Lesion.from_dict(self.to_dict(), source="lesion"))

    @property
    def is_progressing(self) -> bool:
        """True for ``progressing`` and ``new`` lesions (a site of progression)."""
        return self.status in PROGRESSING_STATUSES

    @classmethod
    def from_dict(cls, data: Any, source: str = "<case>", path: str = "lesion") -> Lesion:
        """Validate one lesion table; errors name ``path`` (e.g. ``lesions[2]``) and the key."""
        if not isinstance(data, Mapping):
            raise _fail(source, path, f"must be a table, got {type(data).__name__}", data,
                        "a table with site and status")
        p = f"{path}."
        _check_keys(data, _LESION_REQUIRED, _LESION_OPTIONAL, source, p)
        site = _choice(source, p + "site", data["site"], SITES)
        status = _choice(source, p + "status", data["status"], STATUSES)
        label = _text(source, p + "label", data["label"]) if "label" in data else None
        size = (_number(source, p + "size_mm", data["size_mm"], lo=0.0, hi=MAX_SIZE_MM, lo_open=True)
                if "size_mm" in data else None)
        bone_only: dict[str, bool | None] = {}
        for key in ("weight_bearing", "fracture_risk"):
            if key in data:
                if site not in BONE_SITES:
                    raise _fail(source, p + key, f"applies to bone or spine lesions only, not {site!r}",
                                data[key], "omit it, or use site = 'bone' or 'spine'")
                bone_only[key] = _bool(source, p + key, data[key])
            else:
                bone_only[key] = None
        symptomatic = _bool(source, p + "symptomatic", data["symptomatic"]) if "symptomatic" in data else False
        prev = (_bool(source, p + "previously_irradiated", data["previously_irradiated"])
                if "previously_irradiated" in data else False)
        lung_only: dict[str, Any] = {"location": None, "abuts_chest_wall": None}
        for key in lung_only:
            if key in data:
                if site != "lung":
                    raise _fail(source, p + key, f"applies to lung lesions only, not {site!r}", data[key],
                                "omit it, or use site = 'lung'")
                lung_only[key] = (_choice(source, p + key, data[key], LUNG_LOCATIONS) if key == "location"
                                  else _bool(source, p + key, data[key]))
        obj = object.__new__(cls)
        for name, value in (("site", site), ("status", status), ("label", label), ("size_mm", size),
                            ("weight_bearing", bone_only["weight_bearing"]),
                            ("fracture_risk", bone_only["fracture_risk"]), ("symptomatic", symptomatic),
                            ("previously_irradiated", prev), ("location", lung_only["location"]),
                            ("abuts_chest_wall", lung_only["abuts_chest_wall"])):
            object.__setattr__(obj, name, value)
        return obj

    def to_dict(self) -> dict[str, Any]:
        """The TOML/JSON table of this lesion (unset optional keys omitted)."""
        out: dict[str, Any] = {"site": self.site, "status": self.status}
        if self.label is not None:
            out["label"] = self.label
        if self.size_mm is not None:
            out["size_mm"] = self.size_mm
        if self.weight_bearing is not None:
            out["weight_bearing"] = self.weight_bearing
        if self.fracture_risk is not None:
            out["fracture_risk"] = self.fracture_risk
        if self.symptomatic:
            out["symptomatic"] = True
        if self.previously_irradiated:
            out["previously_irradiated"] = True
        if self.location is not None:
            out["location"] = self.location
        if self.abuts_chest_wall is not None:
            out["abuts_chest_wall"] = self.abuts_chest_wall
        return out


@dataclass(frozen=True)
class Case:
    """A patient's pattern of progression on the current systemic agent.

    Parameters
    ----------
    therapy_class : str
        One of :data:`THERAPY_CLASSES`.
    driver : str
        One of :data:`DRIVERS`.
    months_on_therapy : float
        Months of benefit on the current agent before this progression (0 to 600).
    ecog : int
        ECOG performance status, 0 to 4.
    cns_imaging_done : bool
        Brain imaging done for this progression.
    other_disease_controlled : bool
        The rest of the disease is still responding or stable.
    symptomatic_progression : bool
        Case-level flag: the progression causes symptoms (default false). Symptoms are a
        per-lesion fact (:attr:`Lesion.symptomatic`); :attr:`symptomatic_lesions` uses both.
    leptomeningeal : bool
        Leptomeningeal disease present.
    lesions : tuple of Lesion
        Every lesion recorded (may be empty: ``lesions = []``).
    max_sites : int
        3 (strict definition) or 5 (extended definition, the default).
    suspected_transformation : bool
        Transformation (e.g. to small cell) or a resistance mechanism is suspected (default false).
    rebiopsy_done : bool
        A rebiopsy was done for this progression (default false).
    staging_complete : bool
        Complete imaging to confirm the extent of progression done (default false: listed as missing).
    mdt_discussed : bool
        Discussed at a multidisciplinary tumour board (default false: listed as missing).
    trial_considered : bool
        Clinical-trial options were considered (default false: listed as missing).
    agent : str, optional
        The current drug, e.g. ``"alectinib"``; used for driver-specific next steps.
    resistance_mutation : str, optional
        A resistance mutation found, e.g. ``"G1202R"``.
    best_response : str
        Best response on the current agent before this progression, one of :data:`BEST_RESPONSES`
        (default ``"unknown"``). ``"progression"`` (no initial benefit) is primary resistance.
    rebiopsy_result : str, optional
        One of :data:`REBIOPSY_RESULTS`; ``None`` when no rebiopsy is recorded. With
        ``"resistance_mutation"`` give the mutation in ``resistance_mutation``.
    """

    therapy_class: str
    driver: str
    months_on_therapy: float
    ecog: int
    cns_imaging_done: bool
    other_disease_controlled: bool
    symptomatic_progression: bool = False
    leptomeningeal: bool = False
    lesions: tuple[Lesion, ...] = ()
    max_sites: int = DEFAULT_MAX_SITES
    suspected_transformation: bool = False
    rebiopsy_done: bool = False
    staging_complete: bool = False
    mdt_discussed: bool = False
    trial_considered: bool = False
    agent: str | None = None
    resistance_mutation: str | None = None
    best_response: str = "unknown"
    rebiopsy_result: str | None = None

    def __post_init__(self) -> None:
        # Programmatic construction (the GUI) gets the same checks as a file.
        if not isinstance(self.lesions, (tuple, list)) or not all(isinstance(x, Lesion) for x in self.lesions):
            raise CaseError(f"case: lesions must be a sequence of Lesion, got {self.lesions!r}",
                            field="lesions", value=self.lesions, allowed="a tuple of Lesion")
        _adopt(self, Case.from_dict(self.to_dict(), source="case"))

    @property
    def progressing_lesions(self) -> tuple[Lesion, ...]:
        """The ``progressing`` and ``new`` lesions: each is one site of progression."""
        return tuple(lesion for lesion in self.lesions if lesion.is_progressing)

    @property
    def symptomatic_lesions(self) -> tuple[Lesion, ...]:
        """Progressing lesions that cause symptoms (the lesion's flag; every one if the case-level flag is set
        and no lesion carries it)."""
        marked = tuple(x for x in self.progressing_lesions if x.symptomatic)
        if not marked and self.symptomatic_progression:
            return self.progressing_lesions
        return marked

    @property
    def rebiopsy_open(self) -> bool:
        """A transformation is suspected and no rebiopsy result is recorded (pending or none)."""
        return self.suspected_transformation and self.rebiopsy_result in (None, "pending")

    @classmethod
    def from_dict(cls, data: Any, source: str = "<case>") -> Case:
        """Validate a case table (parsed TOML or the GUI's model).

        Raises
        ------
        CaseError
            Naming ``source``, the key path, the value and what is allowed.
        """
        if not isinstance(data, Mapping):
            raise CaseError(f"{source}: a case must be a table of keys, got {type(data).__name__}",
                            field="case", value=data, allowed="a table")
        _check_keys(data, _CASE_REQUIRED, _CASE_OPTIONAL, source, "")
        raw_lesions = data["lesions"]
        if not isinstance(raw_lesions, list):
            raise _fail(source, "lesions", f"must be a list of tables, got {type(raw_lesions).__name__}",
                        raw_lesions, "[[lesions]] tables, or lesions = []")
        if len(raw_lesions) > MAX_LESIONS:
            raise _fail(source, "lesions", f"{len(raw_lesions)} lesions", len(raw_lesions),
                        f"at most {MAX_LESIONS}")
        lesions = tuple(Lesion.from_dict(item, source, f"lesions[{i}]") for i, item in enumerate(raw_lesions))
        values: dict[str, Any] = {
            "therapy_class": _choice(source, "therapy_class", data["therapy_class"], THERAPY_CLASSES),
            "driver": _choice(source, "driver", data["driver"], DRIVERS),
            "months_on_therapy": _number(source, "months_on_therapy", data["months_on_therapy"],
                                         lo=0.0, hi=MAX_MONTHS, lo_open=False),
            "ecog": _integer(source, "ecog", data["ecog"], (0, 1, 2, 3, 4)),
            "lesions": lesions,
            "max_sites": (_integer(source, "max_sites", data["max_sites"], MAX_SITES_CHOICES)
                          if "max_sites" in data else DEFAULT_MAX_SITES),
        }
        for key in ("cns_imaging_done", "other_disease_controlled", "leptomeningeal"):
            values[key] = _bool(source, key, data[key])
        for key in ("suspected_transformation", "rebiopsy_done", "staging_complete", "mdt_discussed",
                    "trial_considered", "symptomatic_progression"):
            values[key] = _bool(source, key, data[key]) if key in data else False
        values["best_response"] = (_choice(source, "best_response", data["best_response"], BEST_RESPONSES)
                                   if "best_response" in data else "unknown")
        values["rebiopsy_result"] = (_choice(source, "rebiopsy_result", data["rebiopsy_result"], REBIOPSY_RESULTS)
                                     if "rebiopsy_result" in data else None)
        for key in ("agent", "resistance_mutation"):
            values[key] = _text(source, key, data[key]) if key in data else None
        if values["rebiopsy_result"] == "resistance_mutation" and values["resistance_mutation"] is None:
            raise _fail(source, "resistance_mutation", "missing: rebiopsy_result = 'resistance_mutation' needs the "
                        "mutation", None, "the mutation found, e.g. 'G1202R'")
        if values["rebiopsy_result"] is not None and values["rebiopsy_result"] != "pending":
            values["rebiopsy_done"] = True
        obj = object.__new__(cls)
        for name, value in values.items():
            object.__setattr__(obj, name, value)
        return obj

    def to_dict(self) -> dict[str, Any]:
        """A TOML/JSON-ready table; ``Case.from_dict(case.to_dict()) == case``."""
        out: dict[str, Any] = {
            "therapy_class": self.therapy_class,
            "driver": self.driver,
            "months_on_therapy": self.months_on_therapy,
            "ecog": self.ecog,
            "cns_imaging_done": self.cns_imaging_done,
            "other_disease_controlled": self.other_disease_controlled,
            "symptomatic_progression": self.symptomatic_progression,
            "leptomeningeal": self.leptomeningeal,
            "max_sites": self.max_sites,
            "suspected_transformation": self.suspected_transformation,
            "rebiopsy_done": self.rebiopsy_done,
            "staging_complete": self.staging_complete,
            "mdt_discussed": self.mdt_discussed,
            "trial_considered": self.trial_considered,
            "best_response": self.best_response,
        }
        if self.rebiopsy_result is not None:
            out["rebiopsy_result"] = self.rebiopsy_result
        if self.agent is not None:
            out["agent"] = self.agent
        if self.resistance_mutation is not None:
            out["resistance_mutation"] = self.resistance_mutation
        out["lesions"] = [lesion.to_dict() for lesion in self.lesions]
        return out


def load_case(path: str | Path) -> Case:
    """Read and validate a case TOML file.

    Raises
    ------
    CaseError
        Missing or unreadable file, larger than :data:`MAX_CASE_FILE_BYTES`, not UTF-8,
        not TOML, or not a valid case (the message names the file and the key).
    """
    p = Path(path)
    name = str(path)
    try:
        size = p.stat().st_size
    except (OSError, ValueError) as exc:   # ValueError: a NUL in the name
        raise CaseError(f"{name}: cannot read case file ({getattr(exc, 'strerror', None) or exc})", field="file",
                        value=name, allowed="an existing TOML case file") from exc
    if not p.is_file():
        raise CaseError(f"{name}: not a file", field="file", value=name, allowed="a TOML case file")
    if size > MAX_CASE_FILE_BYTES:
        raise CaseError(f"{name}: case file is {size} bytes, larger than {MAX_CASE_FILE_BYTES}",
                        field="file", value=size, allowed=f"at most {MAX_CASE_FILE_BYTES} bytes")
    try:
        raw = p.read_bytes()
        text = raw.decode("utf-8")
    except OSError as exc:
        raise CaseError(f"{name}: cannot read case file ({exc.strerror or exc})", field="file",
                        value=name, allowed="a readable TOML case file") from exc
    except UnicodeDecodeError as exc:
        raise CaseError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})", field="file",
                        value=name, allowed="a UTF-8 TOML case file") from exc
    _refuse_json(text, name)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CaseError(f"{name}: not valid TOML: {exc}", field="file", value=name,
                        allowed="a TOML case file") from exc
    except RecursionError:   # issue 12: 100,000 nested arrays exhaust the parser's stack
        raise CaseError(f"{name}: not a case: nested too deeply", field="file", value=name,
                        allowed="a TOML case file") from None
    except ValueError:   # an integer of more than 4300 digits
        raise CaseError(f"{name}: an integer beyond the range of a number (more than 4300 digits)",
                        field="file", value=name, allowed="a TOML case file") from None
    from sbrt_calc.input_limits import check_data

    check_data(data, name)   # nesting, numbers beyond the float range
    return Case.from_dict(data, source=name)


def _refuse_json(text: str, name: str) -> None:
    """A JSON file (a saved case, perhaps with a byte-order mark) or an empty file, said in words."""
    body = text.removeprefix("\ufeff").strip()
    if not body:
        raise CaseError(f"{name}: the file is empty (expected a TOML eligibility case or a JSON saved case)",
                        field="file", value=name, allowed="a TOML case file")
    after_brackets = body.lstrip("[ \t\r\n")
    if body[0] == "{" or (body[0] == "[" and (not after_brackets or after_brackets[0] in "{]-0123456789")):
        what = ("starts with a UTF-8 byte-order mark" if text.startswith("\ufeff")
                else "is a JSON list" if body[0] == "[" else "is JSON")
        raise CaseError(f"{name}: {what}, not a TOML eligibility case; a JSON saved case must be one object "
                        "without a byte-order mark (re-save it from the app)", field="file", value=name,
                        allowed="a TOML eligibility case or a JSON saved case")
