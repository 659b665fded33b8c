"""Property: whatever bytes or TOML the loader is fed, only clean PresetErrors come out.

A physicist's typo, a binary file saved with a .toml name or a table of the wrong shape must be
reported (file, key path, value), never crash the program with another exception.
"""

from __future__ import annotations

import json
import math
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import examples

from sbrt_calc._paths import shipped_presets_dir
from sbrt_calc.errors import PresetError
from sbrt_calc.presets.loader import load_preset_file, parse_preset_data
from sbrt_calc.presets.model import PresetSet

_TMP = Path(tempfile.mkdtemp(prefix="sbrt-presets-hyp-"))
SHIPPED = {p.name: tomllib.loads(p.read_text(encoding="utf-8")) for p in sorted(shipped_presets_dir().glob("*.toml"))}


def toml_value(v: Any) -> str:
    """A minimal TOML writer for generated values (inline tables and arrays)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)  # JSON escapes are valid TOML basic-string escapes
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def toml_document(d: dict[str, Any]) -> str:
    return "\n".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in d.items()) + "\n"


toml_scalars = st.one_of(st.booleans(), st.integers(min_value=-(2**63), max_value=2**63 - 1),
                         st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20))
scalars = st.one_of(st.none(), toml_scalars)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)
# TOML has no null: build from the non-None scalars (a filter here made Hypothesis's
# filter_too_much health check trip now and then)
toml_values = st.recursive(toml_scalars,
                           lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                   st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                           max_leaves=12)


def check_clean(fn: Any, *args: Any) -> None:
    try:
        result = fn(*args)
    except PresetError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        return
    assert isinstance(result, PresetSet)


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes(raw: bytes) -> None:
    p = _TMP / "random.toml"
    p.write_bytes(raw)
    check_clean(load_preset_file, p)


@settings(max_examples=examples(200), deadline=None)
@given(st.dictionaries(st.text(max_size=12), toml_values, max_size=6))
def test_random_toml_documents(doc: dict[str, Any]) -> None:
    p = _TMP / "doc.toml"
    p.write_text(toml_document(doc), encoding="utf-8")
    check_clean(load_preset_file, p)


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, prefix + (i,))
    return out


@st.composite
def mutated_shipped(draw: Any) -> tuple[str, dict[str, Any]]:
    """A shipped preset with one value anywhere replaced by a random TOML value (or removed)."""
    name = draw(st.sampled_from(sorted(SHIPPED)))
    doc = json.loads(json.dumps(SHIPPED[name]))
    paths = _paths(doc)
    path = draw(st.sampled_from(paths))
    parent = doc
    for k in path[:-1]:
        parent = parent[k]
    if draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(toml_values)
    return name, doc


@settings(max_examples=examples(300), deadline=None)
@given(mutated_shipped())
def test_mutated_shipped_files_via_toml(case: tuple[str, dict[str, Any]]) -> None:
    name, doc = case
    p = _TMP / name
    p.write_text(toml_document(doc), encoding="utf-8")
    check_clean(load_preset_file, p)


@settings(max_examples=examples(300), deadline=None)
@given(mutated_shipped(), values)
def test_mutated_python_data(case: tuple[str, dict[str, Any]], extra: Any) -> None:
    """Also objects TOML cannot express (None), straight into the validator."""
    name, doc = case
    doc["schemes" if "schemes" in doc else "kind"] = extra if extra is not None else doc.get("kind")
    check_clean(parse_preset_data, doc, name)
    check_clean(parse_preset_data, extra, name)
