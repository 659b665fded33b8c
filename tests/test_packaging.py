"""The installed program finds its presets and keeps its names under sbrt_calc (issue 2, packaging)."""

from __future__ import annotations

import importlib.util

from sbrt_calc._paths import shipped_presets_dir
from sbrt_calc.presets.radiobiology import load_radiobiology


def test_shipped_presets_are_found() -> None:
    folder = shipped_presets_dir()
    assert (folder / "radiobiology.toml").is_file()
    assert load_radiobiology().tumour_alpha_beta_gy == 10.0


def test_no_generic_top_level_names() -> None:
    """`gui` and `presets` are installed as sbrt_calc.gui / sbrt_calc.presets.loader, never top level."""
    for generic in ("gui", "presets"):
        spec = importlib.util.find_spec(generic)
        assert spec is None or "sbrt" not in str(spec.origin or spec.submodule_search_locations)
