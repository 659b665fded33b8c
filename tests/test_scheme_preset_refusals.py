"""The schemes preset's validation refuses each kind of bad entry, naming the key (issue 18: branch coverage)."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from sbrt_calc.errors import PresetError
from sbrt_calc.presets.loader import parse_preset_data

SHIPPED = tomllib.loads((Path(__file__).resolve().parents[1] / "presets" / "schemes.toml").read_text(encoding="utf-8"))


def _first(doc: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = doc["schemes"][0]
    return entry


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: _first(d).update(key="Bad Key"), "schemes[0].key: must be lower-case"),
    (lambda d: _first(d).update(min_size_mm=50.0, max_size_mm=30.0), "schemes[0].min_size_mm: must be below max_size_mm"),
    (lambda d: d.update(schemes="none"), "schemes: must be an array of tables"),
    (lambda d: d["schemes"].insert(0, "not a table"), "schemes[0]"),
])
def test_each_bad_scheme_is_refused_naming_its_key(change: Any, words: str) -> None:
    doc = copy.deepcopy(SHIPPED)
    change(doc)
    with pytest.raises(PresetError) as info:
        parse_preset_data(doc, "schemes.toml")
    assert words in str(info.value)


def test_the_shipped_schemes_pass() -> None:
    assert parse_preset_data(copy.deepcopy(SHIPPED), "schemes.toml").schemes
