"""The validation helper every preset parser reports to: one line per problem, ``FILE: key: message (got VALUE)``."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from sbrt_calc.presets.model import (
    SCHEMA_VERSION,
)

# --------------------------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------------------------


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class _Checker:
    """Collects problems as ``FILE: key.path: message (got VALUE)``."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[str] = []

    def problem(self, key: str, message: str, *values: Any) -> None:
        got = f" (got {_show(values[0])})" if values else ""
        self.problems.append(f"{self.path}: {key}: {message}{got}")

    def table(self, data: Any, key: str, required: Iterable[str], optional: Iterable[str] = ()) -> dict[str, Any] | None:
        """Check *data* is a table with exactly the allowed keys; None if it is not a table."""
        if not isinstance(data, dict):
            self.problem(key, f"must be a table, not {_type_name(data)}", data)
            return None
        req = tuple(required)
        allowed = req + tuple(optional)
        ok = True
        for name in data:
            if name not in allowed:
                self.problem(_join(key, str(name)), f"unknown key (allowed: {', '.join(allowed)})")
                ok = False
        for name in req:
            if name not in data:
                self.problem(_join(key, name), "missing")
                ok = False
        del ok  # entries with problems are dropped by the caller (it compares problem counts)
        return data

    def text(self, d: dict[str, Any], name: str, key: str, *, required: bool = True, nonempty: bool = False,
             choices: tuple[str, ...] | None = None, default: str = "") -> str | None:
        if name not in d:
            return None if required else default
        v = d[name]
        if not isinstance(v, str):
            self.problem(_join(key, name), f"must be text, not {_type_name(v)}", v)
            return None
        if nonempty and not v.strip():
            self.problem(_join(key, name), "is empty" + (": every entry needs its source" if name == "source" else ""), v)
            return None
        if choices is not None and v not in choices:
            self.problem(_join(key, name), f"must be one of {', '.join(choices)}", v)
            return None
        return v

    def number(self, d: dict[str, Any], name: str, key: str, *, required: bool = True, positive: bool = True,
               minimum: float | None = None, maximum: float | None = None, unit: str = "") -> float | None:
        if name not in d:
            return None
        v = d[name]
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            self.problem(_join(key, name), f"must be a number{' in ' + unit if unit else ''}, not {_type_name(v)}", v)
            return None
        if not math.isfinite(v):
            self.problem(_join(key, name), "must be a finite number", v)
            return None
        f = float(v)
        if positive and f <= 0:
            self.problem(_join(key, name), "must be > 0", v)
            return None
        if minimum is not None and f < minimum:
            self.problem(_join(key, name), f"must be >= {minimum:g}", v)
            return None
        if maximum is not None and f > maximum:
            self.problem(_join(key, name), f"must be <= {maximum:g}", v)
            return None
        return f

    def integer(self, d: dict[str, Any], name: str, key: str, lo: int, hi: int) -> int | None:
        if name not in d:
            return None
        return self.integer_value(d[name], _join(key, name), lo, hi)

    def integer_value(self, v: Any, key: str, lo: int, hi: int) -> int | None:
        if isinstance(v, bool) or not isinstance(v, int):
            self.problem(key, f"must be a whole number from {lo} to {hi}, not {_type_name(v)}", v)
            return None
        if not lo <= v <= hi:
            self.problem(key, f"must be from {lo} to {hi}", v)
            return None
        return int(v)


def _join(key: str, name: str) -> str:
    return name if key in ("", "<top>") else f"{key}.{name}"


def _type_name(v: Any) -> str:
    names = {str: "text", int: "an integer", float: "a number", bool: "true/false", list: "an array",
             dict: "a table"}
    return names.get(type(v), type(v).__name__)


def _header(check: _Checker, data: dict[str, Any]) -> None:
    version = data.get("schema_version")
    if "schema_version" not in data:
        return  # reported as missing by the table check
    if isinstance(version, bool) or version != SCHEMA_VERSION:
        check.problem("schema_version", f"must be {SCHEMA_VERSION}", version)


