"""Presets as audited data: load, validate and merge the TOML files in ``presets/``.

A physicist must be able to open ``presets/``, read every number with its source, change it and
be told at once if something broke. This module is that check and the loader behind it.

Kinds of preset file (schema documented in ``presets/README.md``; every file declares ``kind``
and ``schema_version = 1``):

``schemes``        fractionation schemes by site, each with its source;
``constraints``    one organ-at-risk constraint set (TG-101, RTOG 0915, ...) by fraction count;
``conformity``     a conformity / dose fall-off table (RTOG 0915/0813 R50%, D2cm, R100%);
``reirradiation``  published cumulative limits for re-irradiation of one organ;
``radiobiology``   alpha/beta values and thresholds (validated by :mod:`sbrt_calc.presets.radiobiology`).

Validation reports *every* problem at once, each as one line
``"FILE: key.path: message (got VALUE)"``, in :attr:`sbrt_calc.errors.PresetError.problems`.
Unknown keys are errors (a typo must not pass silently). Files over :data:`MAX_FILE_BYTES` are
refused before they are read whole; bytes that are not UTF-8 or not TOML are reported, never
raised as anything but :class:`~sbrt_calc.errors.PresetError`.

User presets live in the user's data folder (``platformdirs``; overridable with the environment
variable ``SBRT_CALC_USER_PRESETS``) and add to or override the shipped ones by key; the shipped
files are never edited.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sbrt_calc._paths import shipped_presets_dir, user_presets_dir
from sbrt_calc.errors import PresetError
from sbrt_calc.presets.check import _Checker
from sbrt_calc.presets.model import (
    DEFAULT_USER_DIR,
    KINDS,
    MAX_FILE_BYTES,
    ConformityTable,
    ConstraintSet,
    PresetReport,
    PresetSet,
    ReirradiationLimit,
    Scheme,
    _Default,
)
from sbrt_calc.presets.parse import (
    _parse_conformity,
    _parse_constraints,
    _parse_radiobiology,
    _parse_reirradiation,
    _parse_schemes,
)

# --------------------------------------------------------------------------------------------
# Files and folders
# --------------------------------------------------------------------------------------------


@dataclass
class _Loaded:
    schemes: list[Scheme] = field(default_factory=list)
    constraint_sets: list[ConstraintSet] = field(default_factory=list)
    conformity: list[ConformityTable] = field(default_factory=list)
    reirradiation: list[ReirradiationLimit] = field(default_factory=list)
    radiobiology: Any = None
    files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _read_toml(path: Path, check: _Checker) -> dict[str, Any] | None:
    """Read a preset file defensively: size limit first, then UTF-8, then TOML."""
    try:
        st = path.stat()
    except OSError as exc:
        check.problem("<file>", f"cannot read: {exc.strerror or exc}")
        return None
    if not path.is_file():
        check.problem("<file>", "not a regular file")
        return None
    if st.st_size > MAX_FILE_BYTES:
        check.problem("<file>", f"file is {st.st_size} bytes, above the {MAX_FILE_BYTES // (1024 * 1024)} MB limit "
                                "for a preset file; not read")
        return None
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        check.problem("<file>", f"cannot read: {exc.strerror or exc}")
        return None
    if len(raw) > MAX_FILE_BYTES:
        check.problem("<file>", f"file grew above the {MAX_FILE_BYTES // (1024 * 1024)} MB limit while being read")
        return None
    return parse_toml_bytes(raw, check)


def parse_toml_bytes(raw: bytes, check: _Checker) -> dict[str, Any] | None:
    """Decode and parse TOML bytes, reporting (not raising) what is wrong."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        check.problem("<file>", f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                                "a preset file must be TOML saved as UTF-8")
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        check.problem("<file>", f"not valid TOML: {exc}")
    except RecursionError:
        check.problem("<file>", "not usable TOML: nested too deeply")
    except (ValueError, TypeError, MemoryError) as exc:  # defensive: tomllib should only raise the above
        check.problem("<file>", f"not valid TOML: {type(exc).__name__}: {exc}")
    return None


def _parse_into(data: Any, check: _Checker, into: _Loaded) -> None:
    if not isinstance(data, dict):
        check.problem("<top>", "a preset file must be a TOML table", data)
        return
    kind = data.get("kind")
    if "kind" not in data:
        check.problem("kind", f"missing: every preset file declares kind = one of {', '.join(KINDS)}")
        return
    if kind not in KINDS:
        check.problem("kind", f"must be one of {', '.join(KINDS)}", kind)
        return
    if kind == "schemes":
        into.schemes.extend(_parse_schemes(check, data))
    elif kind == "constraints":
        cs = _parse_constraints(check, data)
        if cs is not None:
            into.constraint_sets.append(cs)
    elif kind == "conformity":
        ct = _parse_conformity(check, data)
        if ct is not None:
            into.conformity.append(ct)
    elif kind == "reirradiation":
        into.reirradiation.extend(_parse_reirradiation(check, data))
    else:
        rb = _parse_radiobiology(check, data)
        if rb is not None:
            if into.radiobiology is not None:
                check.problem("kind", f"a second radiobiology file in the same folder (first: "
                                      f"{into.radiobiology.path})", kind)
            else:
                into.radiobiology = rb


def parse_preset_data(data: Any, path: str = "<data>") -> PresetSet:
    """Validate already-parsed preset data (a dict as ``tomllib`` returns it).

    Raises
    ------
    PresetError
        Listing every problem, each ``"PATH: key.path: message (got VALUE)"``.
    """
    check = _Checker(path)
    into = _Loaded(files=[path])
    try:
        _parse_into(data, check, into)
    except RecursionError:
        check.problem("<top>", "nested too deeply")
    _finish_duplicates(into, check.problems)
    problems = check.problems
    if problems:
        raise _error(problems)
    return _to_set(into)


def load_preset_file(path: str | Path) -> PresetSet:
    """Read and validate one preset file (PresetError listing every problem)."""
    p = Path(path)
    check = _Checker(str(p))
    into = _Loaded(files=[str(p)])
    data = _read_toml(p, check)
    if data is not None:
        _parse_into(data, check, into)
    _finish_duplicates(into, check.problems)
    if check.problems:
        raise _error(check.problems)
    return _to_set(into)


def _load_folder(folder: Path) -> _Loaded:
    into = _Loaded()
    if folder.is_file():
        files = [folder]
    else:
        try:
            files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".toml")
        except OSError as exc:
            into.problems.append(f"{folder}: <folder>: cannot list: {exc.strerror or exc}")
            return into
    for f in files:
        check = _Checker(str(f))
        into.files.append(str(f))
        data = _read_toml(f, check)
        if data is not None:
            try:
                _parse_into(data, check, into)
            except RecursionError:
                check.problem("<top>", "nested too deeply")
        into.problems.extend(check.problems)
    _finish_duplicates(into, into.problems)
    return into


def _finish_duplicates(into: _Loaded, problems: list[str]) -> None:
    """Duplicates within one folder: same key twice, or the same site/dose/fractions twice."""
    seen: dict[str, Scheme] = {}
    same: dict[tuple[str, float, int], Scheme] = {}
    keep: list[Scheme] = []
    for s in into.schemes:
        if s.key in seen:
            problems.append(f"{s.path}: schemes.{s.key}: duplicate key (first in {seen[s.key].path}) (got {s.key!r})")
            continue
        ident = (s.site, round(s.total_dose_gy, 6), s.fractions)
        if ident in same:
            problems.append(f"{s.path}: schemes.{s.key}: same site, dose and fractions as {same[ident].key!r}: "
                            f"merge the sources into one entry (got {s.label!r})")
            continue
        seen[s.key] = s
        same[ident] = s
        keep.append(s)
    into.schemes = keep
    for attr, what in (("constraint_sets", "constraint set"), ("conformity", "conformity table"),
                       ("reirradiation", "re-irradiation limit")):
        items = getattr(into, attr)
        first: dict[str, Any] = {}
        kept = []
        for item in items:
            if item.key in first:
                problems.append(f"{item.path}: key: duplicate {what} key (first in {first[item.key].path}) "
                                f"(got {item.key!r})")
                continue
            first[item.key] = item
            kept.append(item)
        setattr(into, attr, kept)


def _to_set(into: _Loaded) -> PresetSet:
    return PresetSet(tuple(into.schemes), tuple(into.constraint_sets), tuple(into.conformity),
                     tuple(into.reirradiation), into.radiobiology, tuple(into.files))


def _merge(base: _Loaded, over: _Loaded) -> _Loaded:
    """User entries replace shipped ones with the same key and add new ones."""

    def merged(a: list[Any], b: list[Any]) -> list[Any]:
        by_key = {x.key: x for x in a}
        for x in b:
            by_key[x.key] = x
        return list(by_key.values())

    return _Loaded(
        schemes=merged(base.schemes, over.schemes),
        constraint_sets=merged(base.constraint_sets, over.constraint_sets),
        conformity=merged(base.conformity, over.conformity),
        reirradiation=merged(base.reirradiation, over.reirradiation),
        radiobiology=over.radiobiology if over.radiobiology is not None else base.radiobiology,
        files=base.files + over.files,
        problems=base.problems + over.problems,
    )


def _error(problems: list[str]) -> PresetError:
    head = problems[0] if len(problems) == 1 else f"{len(problems)} problems in presets; first: {problems[0]}"
    return PresetError(head, problems=list(problems), field=problems[0].split(": ", 1)[0])


def check_folder(folder: str | Path) -> PresetReport:
    """Check one folder (or one file) of presets on its own: schema, physics, duplicates.

    Raises
    ------
    PresetError
        Only if *folder* does not exist (bad input); problems inside files are returned.
    """
    p = Path(folder)
    if not p.exists():
        raise PresetError(f"{p}: no such file or folder", field="DIR", value=str(p),
                          allowed="a folder of .toml preset files or one .toml file")
    loaded = _load_folder(p)
    return PresetReport(_to_set(loaded), tuple(loaded.problems), tuple(loaded.files))


def check_presets(user_dir: str | Path | None | _Default = DEFAULT_USER_DIR,
                  shipped_dir: str | Path | None = None) -> PresetReport:
    """Check the shipped presets and the user's, merged (user entries override shipped ones by key)."""
    shipped = Path(shipped_dir) if shipped_dir is not None else shipped_presets_dir()
    base = _load_folder(shipped)
    if not shipped.is_dir():
        base.problems.append(f"{shipped}: <folder>: the shipped presets folder is missing")
    if user_dir is DEFAULT_USER_DIR:
        user: Path | None = user_presets_dir()
    else:
        user = Path(user_dir) if user_dir is not None else None
    if user is not None and user.exists():
        loaded = _merge(base, _load_folder(user))
    else:
        loaded = base
    return PresetReport(_to_set(loaded), tuple(loaded.problems), tuple(loaded.files))


def load_presets(user_dir: str | Path | None | _Default = DEFAULT_USER_DIR,
                 shipped_dir: str | Path | None = None) -> PresetSet:
    """Load and validate the shipped presets plus the user's (which add or override by key).

    Parameters
    ----------
    user_dir : str or Path or None, optional
        Folder of user presets; default :func:`user_presets_dir`; None for shipped presets only.
    shipped_dir : str or Path, optional
        Folder of shipped presets (default: the installed ``presets/``).

    Raises
    ------
    PresetError
        With ``.problems`` listing every problem in every file.
    """
    report = check_presets(user_dir, shipped_dir)
    if report.problems:
        raise _error(list(report.problems))
    return report.presets


@lru_cache(maxsize=1)
def shipped_presets() -> PresetSet:
    """The shipped presets only (cached)."""
    return load_presets(user_dir=None)


@lru_cache(maxsize=1)
def active_presets() -> PresetSet:
    """Shipped plus user presets (cached; :func:`reload_presets` after editing files)."""
    return load_presets()


def reload_presets() -> None:
    """Forget the cached presets so that the next call reads the files again."""
    shipped_presets.cache_clear()
    active_presets.cache_clear()


def schemes_for_site(site: str) -> list[Scheme]:
    """Schemes for a site or group from the shipped + user presets (see :meth:`PresetSet.schemes_for_site`)."""
    return active_presets().schemes_for_site(site)
