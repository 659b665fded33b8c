"""Preset data: the frozen objects a validated preset file becomes, and the schema constants.

Schema in ``presets/README.md``; loading and validation in :mod:`sbrt_calc.presets.loader`."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Any

from sbrt_calc.errors import PresetError
from sbrt_calc.number_keys import ab_key
from sbrt_calc.regimen import Regimen
from sbrt_calc.vocabulary import SCHEME_GROUPS, SCHEME_SITE_GROUP, SCHEME_SITES

#: Fine-grained sites of a scheme, and the eligibility group each belongs to (:mod:`sbrt_calc.vocabulary`).
SITE_GROUP: dict[str, str] = SCHEME_SITE_GROUP
SITES: tuple[str, ...] = SCHEME_SITES
GROUPS: tuple[str, ...] = SCHEME_GROUPS
#: Groups of schemes that are not de-novo ablative SBRT (palliative, repeat RT, re-irradiation).
NON_ABLATIVE_GROUPS: tuple[str, ...] = ("bone_palliative", "bone_retreatment")

KINDS: tuple[str, ...] = ("schemes", "constraints", "conformity", "reirradiation", "radiobiology")
#: What was checked for a preset number (the marks a file may carry): ``printed`` seen in the primary
#: source, ``secondary`` seen in a transcription of it, ``recalled`` not seen at all.
VERIFICATION: tuple[str, ...] = ("printed", "secondary", "recalled")
#: The mark of a limit this program computed (LQ conversion); never written in a preset file.
CONVERTED = "converted"
#: Definitions of the lung locations of a lesion (:data:`sbrt_calc.vocabulary.LUNG_LOCATIONS`).
LUNG_LOCATION_DEFINITIONS: dict[str, tuple[str, str]] = {
    "central": ("within 2 cm in all directions of the proximal bronchial tree (or abutting the mediastinal "
                "pleura)", "RTOG 0813 (Bezjak A et al., J Clin Oncol 2019;37:1316-1325) definition of a central "
                "tumour"),
    "ultracentral": ("the tumour (or PTV) touching or overlapping the proximal bronchial tree (main bronchus) or "
                     "the oesophagus", "Tekatli H et al., J Thorac Oncol 2016;11:1081-1089 (definition recalled, "
                     "not seen printed)"),
    "peripheral": ("neither central nor ultracentral (more than 2 cm from the proximal bronchial tree); "
                   "whether it abuts the chest wall changes the scheme (SABR-COMET Table 1)",
                   "RTOG 0813 (complement of its central definition) and SABR-COMET protocol (Palma DA et al., "
                   "BMC Cancer 2012;12:305), Table 1"),
}
SCHEMA_VERSION = 1
#: Preset files larger than this are refused before being read whole.
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Tolerance of the check ``total = fractions x dose per fraction`` (rounding to 0.01 Gy).
DOSE_PER_FRACTION_TOLERANCE_GY = 0.005
COMPARISONS: tuple[str, ...] = ("<", "<=", ">", ">=")
UNITS: tuple[str, ...] = ("Gy", "%", "cc")

_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
#: DVH metric names in AAPM TG-263 style: Max[Gy], Mean[Gy], D0.35cc[Gy], D95%[%], V20Gy[%],
#: CV7Gy[cc] (volume receiving *less* than the dose, for critical-volume limits).
_METRIC_RE = re.compile(
    r"^(?:(?P<stat>Max|Mean|Min)|(?P<kind>D|V|CV|DC)(?P<num>\d+(?:\.\d+)?)(?P<qunit>cc|%|Gy))"
    r"\[(?P<unit>Gy|%|cc)\]$"
)


class _Default(enum.Enum):
    TOKEN = 0


#: ``load_presets(user_dir=DEFAULT_USER_DIR)``: the platform user folder (or $SBRT_CALC_USER_PRESETS).
DEFAULT_USER_DIR = _Default.TOKEN


# --------------------------------------------------------------------------------------------
# Data classes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scheme:
    """A published fractionation scheme for a site, with its source.

    Parameters
    ----------
    key : str
        Unique key, e.g. ``"lung_peripheral_54_3"``.
    site : str
        One of :data:`SITES`.
    group : str
        The eligibility group of the site (one of :data:`GROUPS`).
    label : str
        Display label, ``"54 Gy/3"``.
    total_dose_gy : float
        Total dose, Gy.
    fractions : int
        Number of fractions.
    source : str
        The publication the scheme comes from.
    note : str
        Conditions of use (size bin, trial population, ...).
    verification : str
        ``"printed"``, ``"secondary"`` (seen in a transcription) or ``"recalled"`` (not verified).
    max_size_mm, min_size_mm : float, optional
        The lesion sizes the source gives the scheme for (largest diameter, mm), e.g. NCCN's
        "peripheral tumours < 2 cm" for 25-34 Gy/1; None: no size condition.
    chest_wall : str, optional
        ``"away"`` (the source gives it for tumours away from the chest wall) or ``"abutting"``.
    path : str
        The file it was loaded from (not part of equality).
    """

    key: str
    site: str
    group: str
    label: str
    total_dose_gy: float
    fractions: int
    source: str
    note: str = ""
    verification: str = "printed"
    max_size_mm: float | None = None
    min_size_mm: float | None = None
    chest_wall: str | None = None
    path: str = field(default="", compare=False)

    @property
    def dose_per_fraction_gy(self) -> float:
        """Dose per fraction, Gy."""
        return self.total_dose_gy / self.fractions

    def regimen(self) -> Regimen:
        """The scheme as a :class:`~sbrt_calc.regimen.Regimen` labelled with :attr:`label`."""
        return Regimen(self.total_dose_gy, self.fractions, self.label)


@dataclass(frozen=True)
class MetricName:
    """A parsed TG-263-style DVH metric name (``D0.35cc[Gy]`` -> kind D, 0.35 cc, result Gy)."""

    text: str
    kind: str  # Max | Mean | Min | D | V | CV | DC
    number: float | None  # the volume (D, DC) or dose (V, CV) in the name
    number_unit: str | None  # cc | % | Gy
    unit: str  # the unit of the limit: Gy | % | cc

    @property
    def limit_is_dose_gy(self) -> bool:
        """True when the limit itself is a dose in Gy (Max/Min/D/DC with [Gy])."""
        return self.kind in ("Max", "Min", "D", "DC") and self.unit == "Gy"

    @property
    def name_holds_dose_gy(self) -> bool:
        """True when the dose is in the name (V20Gy[%], CV7Gy[cc])."""
        return self.kind in ("V", "CV") and self.number_unit == "Gy"


def parse_metric(text: str) -> MetricName | None:
    """Parse a TG-263-style metric name; None if it is not one."""
    if not isinstance(text, str):
        return None
    m = _METRIC_RE.match(text)
    if not m:
        return None
    if m.group("stat"):
        return MetricName(text, m.group("stat"), None, None, m.group("unit"))
    kind, qunit, unit = m.group("kind"), m.group("qunit"), m.group("unit")
    if kind in ("D", "DC") and qunit not in ("cc", "%"):
        return None
    if kind in ("V", "CV") and qunit not in ("Gy", "%"):
        return None
    if kind in ("D", "DC") and unit not in ("Gy", "%"):
        return None
    if kind in ("V", "CV") and unit not in ("cc", "%"):
        return None
    return MetricName(text, kind, float(m.group("num")), qunit, unit)


@dataclass(frozen=True)
class Constraint:
    """One organ-at-risk limit: ``<metric of organ> <comparison> <limit> <unit>`` in N fractions.

    ``converted`` is True only for limits this program derived by LQ conversion from another
    fraction count (see :mod:`sbrt_calc.planning.constraints`); then ``source`` still names the
    original table, and ``converted_from_fractions``/``converted_from_limit`` say what was
    converted at which ``alpha_beta_gy``.
    """

    set_key: str
    organ: str
    metric: str
    limit: float
    unit: str
    fractions: int
    source: str
    comparison: str = "<="
    verification: str = "printed"
    note: str = ""
    converted: bool = False
    converted_from_fractions: int | None = None
    converted_from_limit: float | None = None
    converted_from_metric: str | None = None
    alpha_beta_gy: float | None = None
    limits_by_alpha_beta: tuple[tuple[float, float], ...] = ()
    unresolved: str = ""
    path: str = field(default="", compare=False)

    @property
    def limit_text(self) -> str:
        """The limit at the precision of its source: a source's own number as printed (``'14'``, ``'13.5'``);
        an LQ-converted one with the decimals of the limit it was converted from, at least one
        (``'13.4'``, never ``'13.4012'``). Display only: checks use the full-precision ``limit``."""
        if not self.converted or self.unit != "Gy":
            return f"{self.limit:g}"
        source = f"{self.converted_from_limit:g}" if self.converted_from_limit is not None else ""
        decimals = max(1, len(source.partition(".")[2]))
        return f"{self.limit:.{decimals}f}"

    @property
    def text(self) -> str:
        """``'Max[Gy] <= 14 Gy'``."""
        return f"{self.metric} {self.comparison} {self.limit_text} {self.unit}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (full-precision floats)."""
        return {
            "set": self.set_key, "organ": self.organ, "metric": self.metric, "comparison": self.comparison,
            "limit": self.limit, "unit": self.unit, "fractions": self.fractions, "source": self.source,
            "verification": self.verification, "note": self.note, "converted": self.converted,
            "converted_from_fractions": self.converted_from_fractions,
            "converted_from_limit": self.converted_from_limit,
            "converted_from_metric": self.converted_from_metric,
            "alpha_beta_gy": self.alpha_beta_gy,
            "limits_by_alpha_beta": {ab_key(ab): v for ab, v in self.limits_by_alpha_beta},
            "unresolved": self.unresolved,
        }


@dataclass(frozen=True)
class ConstraintSet:
    """A published constraint set with the fraction counts (columns) it gives."""

    key: str
    name: str
    source: str
    fractions: tuple[int, ...]
    constraints: tuple[Constraint, ...]
    verification: str = "printed"
    errata: str = ""
    omitted: tuple[str, ...] = ()
    unresolved: tuple[UnresolvedLimit, ...] = ()
    path: str = field(default="", compare=False)

    def for_fractions(self, fractions: int) -> tuple[Constraint, ...]:
        """The source's own constraints for that fraction count (empty if no such column)."""
        return tuple(c for c in self.constraints if c.fractions == fractions)

    def unresolved_for(self, fractions: int) -> tuple[UnresolvedLimit, ...]:
        """Limits the source gives for that fraction count whose value is unresolved (shown, not used)."""
        return tuple(u for u in self.unresolved if u.fractions == fractions)

    @property
    def organs(self) -> tuple[str, ...]:
        """The organs the set gives limits for, in file order."""
        return tuple(dict.fromkeys(c.organ for c in self.constraints))


@dataclass(frozen=True)
class UnresolvedLimit:
    """A limit the source gives but whose value could not be settled (two transcriptions disagree).

    Shown as ``unresolved: <candidates>, check <source>``; never used as a limit.
    """

    organ: str
    metric: str
    fractions: int
    candidates: str
    note: str
    source: str

    @property
    def text(self) -> str:
        return f"unresolved: {self.candidates}"

    def as_dict(self) -> dict[str, Any]:
        return {"organ": self.organ, "metric": self.metric, "fractions": self.fractions,
                "candidates": self.candidates, "note": self.note, "source": self.source, "text": self.text}


@dataclass(frozen=True)
class ConformityRow:
    """One row of a conformity table: limits at a PTV volume (cc)."""

    ptv_cc: float
    r50_none: float
    r50_minor: float
    d2cm_percent_none: float
    d2cm_percent_minor: float


@dataclass(frozen=True)
class ConformityTable:
    """A conformity / fall-off table (RTOG 0915/0813) and the R100% limits."""

    key: str
    name: str
    source: str
    rows: tuple[ConformityRow, ...]
    r100_none: float
    r100_minor: float
    r100_comparison: str = "<"
    verification: str = "printed"
    path: str = field(default="", compare=False)


@dataclass(frozen=True)
class ReirradiationLimit:
    """Published cumulative limits for re-irradiating one organ (EQD2 at ``alpha_beta_gy``)."""

    key: str
    name: str
    organ: str
    metric: str
    alpha_beta_gy: float
    max_cumulative_eqd2_gy: float
    source: str
    max_reirradiation_course_eqd2_gy: float | None = None
    max_reirradiation_share: float | None = None
    min_interval_months: float | None = None
    verification: str = "printed"
    note: str = ""
    path: str = field(default="", compare=False)


@dataclass(frozen=True)
class PresetSet:
    """Everything loaded from one or more preset folders (validated, user overrides applied)."""

    schemes: tuple[Scheme, ...] = ()
    constraint_sets: tuple[ConstraintSet, ...] = ()
    conformity: tuple[ConformityTable, ...] = ()
    reirradiation: tuple[ReirradiationLimit, ...] = ()
    radiobiology: Any = None  # sbrt_calc.presets.radiobiology.Radiobiology | None
    files: tuple[str, ...] = ()

    def schemes_for_site(self, site: str) -> list[Scheme]:
        """Schemes whose ``site`` or ``group`` equals *site* (``"lung"`` gives all lung sites).

        Raises
        ------
        PresetError
            If *site* is neither a site nor a group.
        """
        if site not in SITES and site not in GROUPS:
            raise PresetError(
                f"unknown site {site!r}; allowed: {', '.join(dict.fromkeys(SITES + GROUPS))}",
                field="site", value=site, allowed=", ".join(dict.fromkeys(SITES + GROUPS)),
            )
        return [s for s in self.schemes if s.site == site or s.group == site]

    def scheme(self, key: str) -> Scheme:
        """The scheme with that key."""
        for s in self.schemes:
            if s.key == key:
                return s
        raise PresetError(f"no scheme {key!r}", field="scheme", value=key,
                          allowed=", ".join(s.key for s in self.schemes))

    def constraint_set(self, key: str) -> ConstraintSet:
        """The constraint set with that key (PresetError naming the known keys otherwise)."""
        for c in self.constraint_sets:
            if c.key == key:
                return c
        known = ", ".join(c.key for c in self.constraint_sets)
        raise PresetError(f"no constraint set {key!r}; known: {known}", field="set", value=key, allowed=known)

    def conformity_table(self, key: str = "rtog0915") -> ConformityTable:
        """The conformity table with that key."""
        for c in self.conformity:
            if c.key == key:
                return c
        known = ", ".join(c.key for c in self.conformity)
        raise PresetError(f"no conformity table {key!r}; known: {known}", field="table", value=key, allowed=known)

    def reirradiation_limit(self, key: str) -> ReirradiationLimit:
        """The re-irradiation limit with that key."""
        for r in self.reirradiation:
            if r.key == key:
                return r
        known = ", ".join(r.key for r in self.reirradiation)
        raise PresetError(f"no re-irradiation limit {key!r}; known: {known}", field="limits", value=key,
                          allowed=known)


@dataclass(frozen=True)
class PresetReport:
    """Result of checking preset folders: what loaded, and every problem found."""

    presets: PresetSet
    problems: tuple[str, ...]
    files: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


