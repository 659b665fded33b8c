"""The radiobiology preset's validation refuses each kind of bad value, naming the key (issue 18: branch coverage).

Each case mutates the shipped ``presets/radiobiology.toml`` in one place; the loader must refuse it with a
PresetError whose message names the key path and what is wrong. A validator that let any of these through
would feed a wrong line, alpha/beta or model parameter to every result.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sbrt_calc.errors import PresetError
from sbrt_calc.presets.radiobiology import parse_radiobiology

SHIPPED = tomllib.loads((Path(__file__).resolve().parents[1] / "presets" / "radiobiology.toml")
                        .read_text(encoding="utf-8"))


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        node: Any = doc
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value
    return mutate


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda doc: doc.pop(key)


CASES = [
    (_set(("colour",), "blue"), "<top>.colour: unknown key"),
    (_drop("lq"), "<top>.lq: missing"),
    (_set(("kind",), "schemes"), "kind: must be 'radiobiology'"),
    (_set(("schema_version",), 2), "schema_version: must be 1"),
    (_set(("tissues", 0, "alpha_beta_gy"), "ten"), "tissues[0].alpha_beta_gy: must be a number > 0"),
    (_set(("tissues", 0, "alpha_beta_gy"), -3.0), "tissues[0].alpha_beta_gy: must be a number > 0"),
    (_set(("tissues", 0, "name"), 3), "tissues[0].name: must be str"),
    (_set(("tissues", 0, "source"), "  "), "tissues[0].source: is empty"),
    (_set(("tissues", 0, "verification"), "guessed"), "tissues[0].verification: must be one of"),
    (_set(("tissues", 0, "role"), "both"), "tissues[0].role: must be 'tumour' or 'oar'"),
    (_set(("thresholds", 0, "comparison"), "<"), "thresholds[0].comparison: must be '>' or '>='"),
    (_set(("thresholds", 0, "quantity"), "EQD2"), "thresholds[0].quantity: must be 'BED'"),
    (_set(("thresholds", 0, "alpha_beta_gy"), 3.0), "thresholds[0].alpha_beta_gy: must be 10"),
    (_set(("uncertainty", "tumour_alpha_beta_range_gy"), [5]), "uncertainty.tumour_alpha_beta_range_gy: must be"),
    (_set(("uncertainty", "line_regimen_fractions"), []), "uncertainty.line_regimen_fractions: must be a non-empty"),
    (_set(("lql", "transition_dose_gy"), 1000.0), "lql.transition_dose_gy"),
    (_set(("usc", "d0_gy"), 3.5), "usc."),
    (_set(("tissues",), "not a list"), "<top>.tissues: must be list"),
    (_set(("tissues", 0), "not a table"), "tissues[0]: must be a table"),
]


@pytest.mark.parametrize(("mutate", "words"), CASES, ids=[w.split(":")[0] for _, w in CASES])
def test_each_bad_value_is_refused_naming_its_key(mutate: Callable[[dict[str, Any]], None], words: str) -> None:
    doc = copy.deepcopy(SHIPPED)
    mutate(doc)
    with pytest.raises(PresetError) as info:
        parse_radiobiology(doc, "radiobiology.toml")
    assert words in str(info.value)


def test_the_shipped_file_passes() -> None:
    """The cases above start from a valid document (else each would pass for the wrong reason)."""
    rb = parse_radiobiology(copy.deepcopy(SHIPPED), "radiobiology.toml")
    assert rb.threshold("bed10_oligoprogression").alpha_beta_gy == 10.0


def test_a_document_that_is_not_a_table() -> None:
    with pytest.raises(PresetError, match=r"<top>: must be a table, got list"):
        parse_radiobiology([1, 2], "radiobiology.toml")


def test_no_tumour_tissue() -> None:
    doc = copy.deepcopy(SHIPPED)
    for t in doc["tissues"]:
        t["role"] = "oar"
    with pytest.raises(PresetError, match="exactly one tissue must have role = 'tumour'"):
        parse_radiobiology(doc, "radiobiology.toml")
