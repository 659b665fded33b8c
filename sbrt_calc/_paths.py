"""Where the shipped presets live, installed or in a source checkout."""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable naming the user's presets folder (overrides everything else).
USER_DIR_ENV = "SBRT_CALC_USER_PRESETS"
#: Environment variable naming the app's data folder (autosave, user presets under presets/).
DATA_DIR_ENV = "SBRT_CALC_DATA_DIR"


def shipped_presets_dir() -> Path:
    """The folder of the presets shipped with the program.

    Installed, they are the package data ``sbrt_calc/preset_files`` (not ``presets``, which
    would sit beside the module ``sbrt_calc/presets.py``); in a source checkout they are the
    top-level ``presets/`` folder beside ``sbrt_calc/``.
    """
    here = Path(__file__).resolve().parent
    installed = here / "preset_files"
    if installed.is_dir():
        return installed
    return here.parent / "presets"


def user_presets_dir() -> Path:
    """The folder of the user's presets (it need not exist).

    ``$SBRT_CALC_USER_PRESETS`` if set, else ``$SBRT_CALC_DATA_DIR/presets`` (the data folder the
    GUI also honours), else ``presets`` in the platform data folder (platformdirs):
    ``~/.local/share/sbrt-calc/presets`` (Linux), ``~/Library/Application Support/sbrt-calc/presets``
    (macOS), ``%LOCALAPPDATA%\\sbrt-calc\\presets`` (Windows).
    """
    env = os.environ.get(USER_DIR_ENV)
    if env:
        return Path(env)
    data = os.environ.get(DATA_DIR_ENV)
    if data:
        return Path(data) / "presets"
    import platformdirs

    return Path(platformdirs.user_data_dir("sbrt-calc", appauthor=False)) / "presets"


#: Environment variable: ``0`` keeps no parse of the preset files on disk (:mod:`sbrt_calc.presets.parsed_cache`).
PARSED_CACHE_ENV = "SBRT_CALC_PARSED_CACHE"


def parsed_cache_dir() -> Path | None:
    """The folder where the parses of preset files are kept (:mod:`sbrt_calc.presets.parsed_cache`), or None.

    ``$SBRT_CALC_DATA_DIR/cache`` if that variable is set, else the platform cache folder (platformdirs:
    ``~/.cache/sbrt-calc`` on Linux); None when ``$SBRT_CALC_PARSED_CACHE`` is ``0``.
    """
    if os.environ.get(PARSED_CACHE_ENV) == "0":
        return None
    data = os.environ.get(DATA_DIR_ENV)
    if data:
        return Path(data) / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir("sbrt-calc", appauthor=False))
