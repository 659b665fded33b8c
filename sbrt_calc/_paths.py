"""Where the shipped presets live, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path


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
