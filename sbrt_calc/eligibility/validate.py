"""Validators of the eligibility case: each returns the checked value or raises a CaseError naming the
source, the key path, the value and what is allowed."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from sbrt_calc.errors import CaseError

#: The longest text a case field holds.
MAX_TEXT_CHARS = 200


def _fail(source: str, path: str, message: str, value: Any, allowed: str) -> CaseError:
    return CaseError(f"{source}: {path}: {message} (allowed: {allowed})", field=path, value=value,
                     allowed=allowed)


def _check_keys(data: Mapping[str, Any], required: tuple[str, ...], optional: tuple[str, ...],
                source: str, prefix: str) -> None:
    known = required + optional
    for key in data:
        if key not in known:
            path = f"{prefix}{key}"
            raise _fail(source, path, "unknown key", key, "keys " + ", ".join(known))
    for key in required:
        if key not in data:
            path = f"{prefix}{key}"
            raise CaseError(f"{source}: {path}: missing (required keys: {', '.join(required)})",
                            field=path, value=None, allowed="required")


def _bool(source: str, path: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail(source, path, f"must be true or false, got {value!r}", value, "true, false")
    return value


def _choice(source: str, path: str, value: Any, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise _fail(source, path, f"{value!r} is not allowed", value, ", ".join(choices))
    return value


def _text(source: str, path: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT_CHARS:
        raise _fail(source, path, f"must be non-empty text, got {value!r}", value,
                    f"text of 1 to {MAX_TEXT_CHARS} characters")
    return value


def _number(source: str, path: str, value: Any, *, lo: float, hi: float, lo_open: bool) -> float:
    allowed = f"a number {'>' if lo_open else '>='} {lo:g} and <= {hi:g}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(source, path, f"must be a number, got {value!r}", value, allowed)
    x = float(value)
    if not math.isfinite(x) or x > hi or x < lo or (lo_open and x == lo):
        raise _fail(source, path, f"{value!r} is out of range", value, allowed)
    return x


def _integer(source: str, path: str, value: Any, allowed_values: tuple[int, ...]) -> int:
    allowed = ", ".join(str(v) for v in allowed_values)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(source, path, f"must be a whole number, got {value!r}", value, allowed)
    if value not in allowed_values:
        raise _fail(source, path, f"{value!r} is out of range", value, allowed)
    return value


def _adopt(target: Any, checked: Any) -> None:
    """Copy the validated (normalised: floats, tuples) fields of ``checked`` onto a frozen ``target``."""
    for f in fields(target):
        object.__setattr__(target, f.name, getattr(checked, f.name))
