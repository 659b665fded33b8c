"""Preferences: one table of defaults, read and written through QSettings.

The radiobiological defaults (alpha/beta values, thresholds, model) come from the core
(``presets/radiobiology.toml`` via :mod:`sbrt_calc.presets.radiobiology`); the user may change them here
for new cases. Tests (and anyone) can point the settings at a folder with the environment
variable ``SBRT_CALC_SETTINGS_DIR`` so that the user's own settings are never touched.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.vocabulary import ALL_MODELS_CHOICE, MODEL_NAMES, MODEL_TITLES

ORGANISATION = "sbrt-calc"
APPLICATION = "sbrt-calc"
SETTINGS_ENV = "SBRT_CALC_SETTINGS_DIR"
DATA_ENV = "SBRT_CALC_DATA_DIR"

#: The regimens a new case starts with: the typical 36 Gy/3 and common alternatives from the usual
#: 24-50 Gy range. No 6-fraction row: no printed source giving a 6-fraction SBRT scheme was found
#: (sbrt_calc.eligibility.sites.NO_SIX_FRACTIONS), although the seed's range names 3-6 fractions.
DEFAULT_NEW_CASE_REGIMENS = "36/3; 30/3; 45/3; 48/4; 40/5; 50/5"
MAX_RECENT_FILES = 8
#: the table's model choices (setting "model"): key, label
MODEL_CHOICES = (*((m, MODEL_TITLES[m]) for m in MODEL_NAMES), (ALL_MODELS_CHOICE, "All three side by side"))


def parse_regimen_list(text: str) -> list[str]:
    """Split '36/3; 45/3' (';' or newlines; ',' is a decimal comma) and check each; ValueError names the bad one."""
    from sbrt_calc.errors import SbrtCalcError
    from sbrt_calc.regimen import parse_regimen

    items = [t.strip() for t in text.replace("\n", ";").split(";") if t.strip()]
    for item in items:
        try:
            parse_regimen(item)
        except SbrtCalcError as exc:
            raise ValueError(f"{item!r}: {exc.message}") from None
    return items


@lru_cache(maxsize=1)
def _core_defaults() -> dict[str, Any]:
    from sbrt_calc.presets.radiobiology import radiobiology, thresholds

    rb = radiobiology()
    flag, ref = thresholds()
    return {
        "tumour_alpha_beta_gy": rb.tumour_alpha_beta_gy,
        "organ_alpha_beta_gy": rb.tissue("late").alpha_beta_gy,
        "flag_bed_gy": flag.bed_gy,
        "reference_bed_gy": ref.bed_gy,
    }


def defaults() -> dict[str, Any]:
    """Every preference with its default value and type (the single table)."""
    core = _core_defaults()
    return {
        "model": "lq",                                   # lq | lql | usc | all
        "tumour_alpha_beta_gy": core["tumour_alpha_beta_gy"],
        "organ_alpha_beta_gy": core["organ_alpha_beta_gy"],
        "flag_bed_gy": core["flag_bed_gy"],
        "reference_bed_gy": core["reference_bed_gy"],
        "decimals": 1,
        "new_case_regimens": DEFAULT_NEW_CASE_REGIMENS,
        "autosave_interval_ms": 2000,
        "recent_files": [],
    }


def qsettings() -> QSettings:
    """The QSettings store (an INI file under $SBRT_CALC_SETTINGS_DIR when that is set)."""
    folder = os.environ.get(SETTINGS_ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return QSettings(str(Path(folder) / "sbrt-calc.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


def _coerce(value: Any, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            return value in (True, "true", "1", 1)
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            out = float(value)
            return out if out > 0 else default
        if isinstance(default, list):
            if value is None or value == "":
                return []
            return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
        return str(value)
    except (TypeError, ValueError):
        return default


#: the preferences a new case's settings are made of, and how the user knows them
CASE_PREFERENCES = {"model": "Default model", "tumour_alpha_beta_gy": "Tumour α/β",
                    "organ_alpha_beta_gy": "Organ α/β", "flag_bed_gy": "Flag line",
                    "reference_bed_gy": "Reference line"}


def case_settings_of(values: dict[str, Any]) -> Any:
    """The :class:`~sbrt_calc.case.CaseSettings` of preference ``values`` (the keys of :data:`CASE_PREFERENCES`),
    checked by the core (its ranges, :mod:`sbrt_calc.radiobiology.ranges`); CaseError whose message names the
    preference as the dialog does ('Tumour alpha/beta 0.3 Gy is outside the allowed range ...')."""
    from sbrt_calc.case import CaseError, CaseSettings

    try:
        return CaseSettings(**{k: values[k] for k in CASE_PREFERENCES})
    except CaseError as exc:
        key = (exc.field or "").removeprefix("settings.")
        label = CASE_PREFERENCES.get(key)
        message = exc.message.replace(f"settings.{key}", label) if label else exc.message
        from .number_text import greek

        message = greek(message)   # the core's message in the app's spelling
        raise CaseError(message, field=key, value=exc.value, allowed=exc.allowed) from None


def new_case_settings() -> tuple[Any, list[str]]:
    """The settings a new case starts with, and what was not used: a stored preference the core refuses (an
    INI edited by hand, an older version's range) is replaced by its shipped value, that one alone, and said."""
    from sbrt_calc.case import CaseError, CaseSettings

    shipped = defaults()
    values: dict[str, Any] = {k: get(k) for k in CASE_PREFERENCES}
    notes: list[str] = []
    for _ in range(len(values)):
        try:
            return case_settings_of(values), notes
        except CaseError as exc:
            key = exc.field or ""
            if key not in values or values[key] == shipped[key]:
                break
            default = shipped[key]
            what = f"{default:g} Gy" if isinstance(default, float) else repr(default)
            notes.append(f"Preference not used: {exc.message}; the shipped {what} applies (Edit ▸ Preferences)")
            values[key] = default
    return CaseSettings(), notes + ["Preferences not used: the shipped settings apply (Edit ▸ Preferences)"]


#: the preferences whose defaults need not read the radiobiology presets (the first window reads them)
_APP_KEYS = ("model", "decimals", "new_case_regimens", "autosave_interval_ms", "recent_files")


def get(key: str) -> Any:
    """The stored value of ``key`` (its default when unset or unreadable)."""
    if key in _APP_KEYS:   # without the presets' loader (it brings numpy): the window shows before it
        default = {"model": "lq", "decimals": 1, "new_case_regimens": DEFAULT_NEW_CASE_REGIMENS,
                   "autosave_interval_ms": 2000, "recent_files": []}[key]
    else:
        default = defaults()[key]
    s = qsettings()
    if (s.fileName(), key) in _SESSION:
        return _coerce(_SESSION[s.fileName(), key], default)
    if not s.contains(key):
        return default
    return _coerce(s.value(key), default)


#: preferences set in this session that could not be written (they apply until the app closes)
_SESSION: dict[tuple[str, str], Any] = {}   # (settings file, key) -> value


class PreferencesNotSaved(SbrtCalcError, OSError):
    """The preferences could not be written (read-only folder, full disk): they apply to this session only."""


def _sync(s: QSettings) -> None:
    """Write ``s`` to disk; :class:`PreferencesNotSaved` when that failed (issue 20: it was silent)."""
    s.sync()
    if s.status() != QSettings.Status.NoError:
        where = s.fileName()
        why = "cannot write the file (read-only folder or file, or the disk is full)" \
            if s.status() == QSettings.Status.AccessError else "the settings file is damaged"
        raise PreferencesNotSaved(f"the preferences were not saved to {where}: {why}; they apply until sbrt-calc "
                                  "closes", field="preferences", value=where, allowed="a writable settings file")


def set_values(values: dict[str, Any]) -> None:
    """Store several preferences at once; :class:`PreferencesNotSaved` when they could not be written."""
    known = defaults()
    for key in values:
        if key not in known:
            raise KeyError(f"unknown preference {key!r}")
    s = qsettings()
    for key, value in values.items():
        s.setValue(key, value)
    try:
        _sync(s)
    except PreferencesNotSaved:   # Qt drops unsynced values with the QSettings object: keep them for this session
        _SESSION.update({(s.fileName(), k): v for k, v in values.items()})
        raise
    for key in values:
        _SESSION.pop((s.fileName(), key), None)


def set_value(key: str, value: Any) -> None:
    """Store one preference; :class:`PreferencesNotSaved` when it could not be written (it still applies now)."""
    set_values({key: value})


def recent_files() -> list[str]:
    return [p for p in get("recent_files") if p]


def add_recent_file(path: str) -> list[str]:
    path = os.path.realpath(path)   # never raises on a symlink loop (Path.resolve does before Python 3.13)
    files = [p for p in recent_files() if p != path]
    files.insert(0, path)
    files = files[:MAX_RECENT_FILES]
    set_value("recent_files", files)
    return files


def data_dir() -> Path:
    """Folder for the autosave ($SBRT_CALC_DATA_DIR, else the app data location)."""
    folder = os.environ.get(DATA_ENV)
    if not folder:
        from PySide6.QtCore import QStandardPaths  # here: the app's first frame looks up no folder (~0.5-1 ms)

        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        if not folder:
            folder = str(Path.home() / ".sbrt-calc")
    p = Path(folder)
    p.mkdir(parents=True, exist_ok=True)
    return p


def documents_dir() -> Path:
    """Where Save As and Export propose to write a new file: the user's documents folder
    (``QStandardPaths.DocumentsLocation``), else the home folder when there is none."""
    from PySide6.QtCore import QStandardPaths

    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder) if folder and Path(folder).is_dir() else Path.home()


def plain_file_stem(name: str, default: str = "case") -> str:
    """A plain file name from a case title or file name: no folder, no file suffix, no bracketed remarks
    ("(eligibility case)"), letters, digits, '-' and '_' only (runs of anything else become one '-'),
    at most 60 characters; ``default`` when nothing is left. ``"Left adrenal, oligoprogression"`` ->
    ``"Left-adrenal-oligoprogression"``; ``"case_egfr_bone (eligibility case)"`` -> ``"case_egfr_bone"``."""
    import re

    stem = re.sub(r"(\.sbrt)?\.(json|toml|pdf|csv|png|svg)$", "", name.strip(), flags=re.IGNORECASE)
    stem = re.sub(r"\([^)]*\)", " ", stem)
    stem = re.sub(r"[^\w-]+", "-", stem, flags=re.UNICODE).strip("-_")[:60].strip("-_")
    return stem or default
