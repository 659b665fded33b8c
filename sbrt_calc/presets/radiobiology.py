"""Radiobiological defaults read from ``presets/radiobiology.toml``: one source of truth.

Tissue alpha/beta values, the BED10 thresholds, the LQ validity limit, the LQ-L and USC
defaults, the tumour alpha/beta uncertainty range and the repopulation parameters all live
in that file with their sources; this module reads and validates it (strictly: unknown
keys, missing sources, wrong types are errors naming the file and key) and caches the result.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sbrt_calc._paths import parsed_cache_dir, shipped_presets_dir, user_presets_dir
from sbrt_calc.errors import PresetError

FILE_NAME = "radiobiology.toml"


@dataclass(frozen=True)
class Tissue:
    """A tissue's alpha/beta (Gy) with its source."""

    key: str
    name: str
    role: str  # "tumour" | "oar"
    alpha_beta_gy: float
    source: str
    verification: str


@dataclass(frozen=True)
class Threshold:
    """A BED line ``BED(alpha_beta_gy) <comparison> bed_gy`` with its definition and source.

    The definition says on which scale the line was defined: ``quantity`` (BED), ``model`` (lq)
    and ``alpha_beta_gy``, computed from the prescription (``basis``). A verdict against the line is
    only ever computed on that scale (DESIGN.md, clinical safety rules).
    """

    key: str
    name: str
    alpha_beta_gy: float
    bed_gy: float
    comparison: str  # ">" | ">="
    source: str
    verification: str
    quantity: str = "BED"
    model: str = "lq"
    basis: str = "prescription"

    def definition(self) -> dict[str, object]:
        """The scale of the line, for JSON and reports."""
        return {"key": self.key, "label": self.label, "name": self.name, "quantity": self.quantity,
                "model": self.model, "alpha_beta_gy": self.alpha_beta_gy, "basis": self.basis,
                "bed_gy": self.bed_gy, "comparison": self.comparison, "source": self.source,
                "verification": self.verification}

    @property
    def scale(self) -> str:
        """``'LQ BED at alpha/beta 10 Gy from the prescription'``."""
        return f"{self.model.upper()} {self.quantity} at alpha/beta {self.alpha_beta_gy:g} Gy from the {self.basis}"

    def reached(self, bed_gy: float) -> bool:
        """True when ``bed_gy`` meets the line (strictly above for '>')."""
        return bed_gy > self.bed_gy if self.comparison == ">" else bed_gy >= self.bed_gy

    @property
    def label(self) -> str:
        """``'BED10 > 70 Gy'``."""
        return f"BED{self.alpha_beta_gy:g} {self.comparison} {self.bed_gy:g} Gy"


@dataclass(frozen=True)
class Sourced:
    """A group of numeric parameters with their source."""

    values: dict[str, Any]
    source: str
    verification: str


@dataclass(frozen=True)
class Radiobiology:
    """Everything in radiobiology.toml, validated."""

    tissues: tuple[Tissue, ...]
    thresholds: tuple[Threshold, ...]
    lq: Sourced
    lql: Sourced
    usc: Sourced
    uncertainty: Sourced
    repopulation: Sourced
    path: str

    def tissue(self, key: str) -> Tissue:
        """The tissue with that key (KeyError naming the known keys otherwise)."""
        for t in self.tissues:
            if t.key == key:
                return t
        raise KeyError(f"no tissue {key!r}; known: {', '.join(t.key for t in self.tissues)}")

    def threshold(self, key: str) -> Threshold:
        """The threshold with that key."""
        for t in self.thresholds:
            if t.key == key:
                return t
        raise KeyError(f"no threshold {key!r}; known: {', '.join(t.key for t in self.thresholds)}")

    @property
    def tumour_alpha_beta_gy(self) -> float:
        """alpha/beta of the tissue with role 'tumour' (10 Gy as shipped)."""
        return next(t.alpha_beta_gy for t in self.tissues if t.role == "tumour")


_VERIFICATION = ("printed", "recalled", "choice")
#: The two lines every calculation uses; a user file must keep them (it may change their Gy value).
REQUIRED_THRESHOLDS = ("bed10_oligoprogression", "bed10_primary_lung")


class _Checker:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[str] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self.path}: {key}: {message}")

    def table(self, data: Any, key: str, required: dict[str, type | tuple[type, ...]]) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.problem(key, f"must be a table, got {type(data).__name__}")
            return {}
        for name in data:
            if name not in required:
                self.problem(f"{key}.{name}", f"unknown key (allowed: {', '.join(required)})")
        out: dict[str, Any] = {}
        for name, kind in required.items():
            if name not in data:
                self.problem(f"{key}.{name}", "missing")
                continue
            value = data[name]
            if kind is float:
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
                    self.problem(f"{key}.{name}", f"must be a number > 0, got {value!r}")
                    continue
                value = float(value)
            elif not isinstance(value, kind):
                self.problem(f"{key}.{name}", f"must be {getattr(kind, '__name__', kind)}, got {value!r}")
                continue
            if name == "source" and not value.strip():
                self.problem(f"{key}.{name}", "is empty: every entry needs its source")
            if name == "verification" and value not in _VERIFICATION:
                self.problem(f"{key}.{name}", f"must be one of {_VERIFICATION}, got {value!r}")
            out[name] = value
        return out


def _sourced(check: _Checker, data: dict[str, Any], key: str, numbers: tuple[str, ...]) -> Sourced:
    spec: dict[str, type | tuple[type, ...]] = {n: float for n in numbers}
    spec.update(source=str, verification=str)
    if key == "uncertainty":
        spec = {"tumour_alpha_beta_range_gy": list, "line_regimen_fractions": list, "source": str,
                "verification": str}
    table = check.table(data.get(key), key, spec)
    values = {k: v for k, v in table.items() if k not in ("source", "verification")}
    if key == "uncertainty" and "tumour_alpha_beta_range_gy" in values:
        rng = values["tumour_alpha_beta_range_gy"]
        if (len(rng) != 2 or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in rng)
                or not 0 < rng[0] < rng[1] or not all(math.isfinite(x) for x in rng)):
            check.problem(f"{key}.tumour_alpha_beta_range_gy", f"must be [low, high] with 0 < low < high, got {rng!r}")
        else:
            values["tumour_alpha_beta_range_gy"] = (float(rng[0]), float(rng[1]))
    if key == "uncertainty" and "line_regimen_fractions" in values:
        fx = values["line_regimen_fractions"]
        if not fx or not all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 100 for n in fx):
            check.problem(f"{key}.line_regimen_fractions", f"must be a non-empty list of integers 1-100, got {fx!r}")
        else:
            values["line_regimen_fractions"] = tuple(sorted(set(fx)))
    return Sourced(values, table.get("source", ""), table.get("verification", ""))


def _check_model_parameters(check: _Checker, lql: Sourced, usc: Sourced) -> None:
    """The model defaults must make a usable model (ranges of :mod:`sbrt_calc.radiobiology.ranges`)."""
    from sbrt_calc.errors import ModelParameterError
    from sbrt_calc.radiobiology.ranges import check_range
    from sbrt_calc.radiobiology.usc import UscParameters

    if "transition_dose_gy" in lql.values:
        try:
            check_range("transition_dose_gy", lql.values["transition_dose_gy"], "LQ-L transition dose")
        except ModelParameterError as exc:
            check.problem("lql.transition_dose_gy", exc.message)
    if len(usc.values) == 3:
        try:
            UscParameters(**usc.values)
        except ModelParameterError as exc:
            check.problem(f"usc.{exc.field}", exc.message)


def _check_ranges(check: _Checker, tissues: list[Tissue], thresholds: list[Threshold], unc: Sourced,
                  repop: Sourced) -> None:
    """The ranges every calculation applies (:mod:`sbrt_calc.radiobiology.ranges`), applied here too:
    what ``presets check`` passes, ``compare`` computes (issue 20: a range [1e-320, 1e308] passed)."""
    from sbrt_calc.errors import ModelParameterError
    from sbrt_calc.radiobiology.ranges import check_range

    items: list[tuple[str, str, Any]] = [(f"tissues.{t.key}.alpha_beta_gy", "alpha_beta_gy", t.alpha_beta_gy)
                                         for t in tissues]
    items += [(f"thresholds.{t.key}.bed_gy", "target_bed_gy", t.bed_gy) for t in thresholds]
    items += [(f"thresholds.{t.key}.alpha_beta_gy", "alpha_beta_gy", t.alpha_beta_gy) for t in thresholds]
    rng = unc.values.get("tumour_alpha_beta_range_gy")
    if isinstance(rng, tuple):
        items += [(f"uncertainty.tumour_alpha_beta_range_gy[{i}]", "alpha_beta_gy", v) for i, v in enumerate(rng)]
    items += [(f"repopulation.{name}", name, repop.values[name]) for name in ("kickoff_days", "bed_loss_per_day_gy")
              if name in repop.values]
    for key, range_name, value in items:
        try:
            check_range(range_name, value, "value")
        except ModelParameterError as exc:
            check.problem(key, exc.message)


def parse_radiobiology(data: Any, path: str) -> Radiobiology:
    """Validate the parsed TOML of a radiobiology file; raise PresetError listing every problem."""
    check = _Checker(path)
    top = check.table(
        data, "<top>",
        {"kind": str, "schema_version": int, "tissues": list, "thresholds": list, "lq": dict, "lql": dict,
         "usc": dict, "uncertainty": dict, "repopulation": dict},
    )
    if top.get("kind", "radiobiology") != "radiobiology":
        check.problem("kind", f"must be 'radiobiology', got {top.get('kind')!r}")
    if top.get("schema_version", 1) != 1:
        check.problem("schema_version", f"must be 1, got {top.get('schema_version')!r}")
    tissues = []
    for i, raw in enumerate(top.get("tissues", [])):
        t = check.table(raw, f"tissues[{i}]", {"key": str, "name": str, "role": str, "alpha_beta_gy": float,
                                               "source": str, "verification": str})
        if t.get("role") not in (None, "tumour", "oar"):
            check.problem(f"tissues[{i}].role", f"must be 'tumour' or 'oar', got {t['role']!r}")
        if len(t) == 6:
            tissues.append(Tissue(**t))
    if sum(t.role == "tumour" for t in tissues) != 1 and not check.problems:
        check.problem("tissues", "exactly one tissue must have role = 'tumour'")
    thresholds = []
    for i, raw in enumerate(top.get("thresholds", [])):
        t = check.table(raw, f"thresholds[{i}]", {"key": str, "name": str, "quantity": str, "model": str,
                                                  "basis": str, "alpha_beta_gy": float, "bed_gy": float,
                                                  "comparison": str, "source": str, "verification": str})
        if t.get("comparison") not in (None, ">", ">="):
            check.problem(f"thresholds[{i}].comparison", f"must be '>' or '>=', got {t['comparison']!r}")
        for name, want in (("quantity", "BED"), ("model", "lq"), ("basis", "prescription")):
            if t.get(name) not in (None, want):
                check.problem(f"thresholds[{i}].{name}", f"must be {want!r} (the lines are LQ BED from the "
                              f"prescription; another scale is not supported), got {t[name]!r}")
        if t.get("key") in REQUIRED_THRESHOLDS and t.get("alpha_beta_gy") not in (None, 10.0):
            check.problem(f"thresholds[{i}].alpha_beta_gy", f"must be 10 for {t['key']} (the line is defined on "
                          f"BED10), got {t['alpha_beta_gy']!r}")
        if len(t) == 10:
            thresholds.append(Threshold(**t))
    for k in REQUIRED_THRESHOLDS:
        if not any(t.key == k for t in thresholds) and "thresholds" in top:
            check.problem("thresholds", f"the threshold {k!r} is missing (every calculation uses it; keep the key, "
                          f"change its bed_gy)")
    keys = [t.key for t in tissues] + [t.key for t in thresholds]
    for k in sorted({k for k in keys if keys.count(k) > 1}):
        check.problem(k, "duplicate key")
    lq = _sourced(check, top, "lq", ("validity_dose_per_fraction_gy",))
    lql = _sourced(check, top, "lql", ("transition_dose_gy",))
    usc = _sourced(check, top, "usc", ("alpha_per_gy", "d0_gy", "dq_gy"))
    unc = _sourced(check, top, "uncertainty", ())
    repop = _sourced(check, top, "repopulation", ("kickoff_days", "bed_loss_per_day_gy"))
    _check_model_parameters(check, lql, usc)
    _check_ranges(check, tissues, thresholds, unc, repop)
    if check.problems:
        raise PresetError(
            f"{len(check.problems)} problem(s) in {path}: " + "; ".join(check.problems),
            problems=check.problems, field=path,
        )
    return Radiobiology(tuple(tissues), tuple(thresholds), lq, lql, usc, unc, repop, path)


def load_radiobiology(path: str | Path | None = None) -> Radiobiology:
    """Read and validate a radiobiology file (default: the shipped one)."""
    from sbrt_calc.presets.parsed_cache import parse_toml_bytes

    p = Path(path) if path is not None else shipped_presets_dir() / FILE_NAME
    try:   # the parse of these very bytes is kept (tomllib, ~3 ms of the app's start, only for a new content)
        data = parse_toml_bytes(p.read_bytes(), p, parsed_cache_dir())
    except OSError as exc:
        raise PresetError(f"{p}: cannot read: {exc.strerror or exc}", field=str(p)) from None
    except ValueError as exc:
        import tomllib

        if isinstance(exc, UnicodeDecodeError):   # the message of a text read (the position within the chunk read)
            try:
                p.read_text(encoding="utf-8")
            except UnicodeDecodeError as text_exc:
                exc = text_exc
        if not isinstance(exc, (tomllib.TOMLDecodeError, UnicodeDecodeError)):
            raise
        raise PresetError(f"{p}: not valid TOML: {exc}", field=str(p)) from None
    return parse_radiobiology(data, str(p))


def user_radiobiology_file(folder: Path | None = None) -> Path | None:
    """The user's radiobiology override: the one ``*.toml`` file of ``kind = "radiobiology"`` in the
    user presets folder (any file name), or None. Two such files are an error naming both.

    ``presets check`` validates the same file (:mod:`sbrt_calc.presets.loader`): what it checks is
    what every calculation uses.
    """
    folder = user_presets_dir() if folder is None else folder
    if not folder.is_dir():
        return None
    found = []
    for path in sorted(folder.glob("*.toml")):
        try:
            head = path.read_bytes()[:65536].decode("utf-8", "replace")
        except OSError:
            continue
        if re.search(r'^\s*kind\s*=\s*["\']radiobiology["\']', head, re.M):
            found.append(path)
    if len(found) > 1:
        raise PresetError(f"{folder}: {len(found)} radiobiology files ({', '.join(p.name for p in found)}): keep one",
                          field=str(folder), value=[p.name for p in found], allowed="one radiobiology file")
    return found[0] if found else None


@lru_cache(maxsize=1)
def radiobiology() -> Radiobiology:
    """The radiobiology defaults in force (cached): the user's radiobiology file if there is one in
    the user presets folder (:func:`user_radiobiology_file`; a whole-file override, validated like the
    shipped one, so thresholds and model defaults are configurable), else the shipped file."""
    user = user_radiobiology_file()
    if user is not None:
        return load_radiobiology(user)
    return load_radiobiology()


def thresholds() -> tuple[Threshold, Threshold]:
    """(the BED10 > 70 Gy flag, the BED10 >= 100 Gy reference) in force."""
    rb = radiobiology()
    return rb.threshold("bed10_oligoprogression"), rb.threshold("bed10_primary_lung")
