"""Limits on parsed case data: nesting depth and numbers that a JSON file can hold.

A case file is read once and may be written back (the app keeps unknown sections verbatim),
so what is accepted at load must be writable again as standard JSON and usable as a float:

- no ``NaN``/``Infinity`` (not JSON; Python's ``json`` reads them and ``1e999`` as infinity);
- no integer beyond the float range (every quantity is used as a float; Python also refuses
  to read integers of more than 4300 digits);
- no key twice in one object (Python's ``json`` keeps the last one without a word; TOML
  already refuses it);
- at most :data:`MAX_DEPTH` levels of nesting (deeper documents exhaust the parser's stack:
  a ``RecursionError`` instead of a message);
- at most :data:`MAX_CASE_FILE_BYTES` bytes in a case file, saved (JSON) or eligibility (TOML), checked
  by every loader before the file is read whole (:func:`sbrt_calc.case.load_case`,
  :func:`sbrt_calc.case_sections.load_any_case`, :func:`sbrt_calc.eligibility.case.load_case`).

Every violation is a :class:`~sbrt_calc.errors.CaseError` naming the source and the key path.
"""

from __future__ import annotations

import math
from typing import Any

from sbrt_calc.errors import CaseError

#: Largest case file accepted, bytes (one limit for every loader; a saved case is a few kB, a case
#: with many lesions and long notes well under 1 MB: 16 MB leaves room and still refuses a stray image).
MAX_CASE_FILE_BYTES = 16_000_000
#: Deepest nesting accepted in a case document (the format itself needs fewer than 8 levels).
MAX_DEPTH = 64
#: Longest integer literal accepted (digits): 309 digits is already beyond the float range.
MAX_INT_DIGITS = 309


def _refuse(source: str, path: str, message: str, value: Any, allowed: str) -> CaseError:
    where = f"{source}: {path}: " if path else f"{source}: "
    return CaseError(f"{where}{message}", field=path or source, value=value, allowed=allowed)


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"an integer of {len(text.lstrip('-'))} digits is beyond the range of a number")
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is beyond the range of a number (about 1.8e308)")
    return value


def _parse_constant(text: str) -> float:
    raise ValueError(f"{text} is not a number JSON can hold")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's members as a dict; a key given twice is refused (the last would win silently)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            shown = key if len(key) <= 60 else key[:57] + "..."
            raise ValueError(f"the key {shown!r} appears twice in one object (which one is meant?)")
        out[key] = value
    return out


def loads_json(text: str, source: str) -> Any:
    """Parse JSON text strictly (CaseError naming ``source``; see the module docstring)."""
    if text.startswith("\ufeff"):
        text = text[1:]   # a byte-order mark some editors add: harmless, ignored
    if not text.strip():
        raise _refuse(source, "", "not valid JSON: the file is empty", None, "a JSON case file")
    import json  # when a file is read: the app's first frame reads none (~2.5 ms CPU of its start)

    try:
        data = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant,
                          object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise _refuse(source, "", f"not valid JSON: {exc}", None, "a JSON case file") from None
    except RecursionError:
        raise _refuse(source, "", f"not a case: nested more than {MAX_DEPTH} levels deep", None,
                      f"at most {MAX_DEPTH} levels of nesting") from None
    except ValueError as exc:
        raise _refuse(source, "", f"not valid JSON: {exc}", None, "finite numbers") from None
    check_data(data, source)
    return data


def check_data(data: Any, source: str, max_depth: int = MAX_DEPTH) -> None:
    """Refuse nesting deeper than ``max_depth``, non-finite floats and integers beyond the float range.

    Iterative (no recursion), so that it is safe on any parsed document.
    """
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict):
            children = [(v, f"{path}.{k}" if path else str(k)) for k, v in value.items()]
        elif isinstance(value, list):
            children = [(v, f"{path}[{i}]") for i, v in enumerate(value)]
        else:
            if isinstance(value, float) and not math.isfinite(value):
                raise _refuse(source, path, f"{value!r} is not a number JSON can hold", value, "a finite number")
            if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 1023:
                raise _refuse(source, path, "an integer beyond the range of a number (about 1.8e308)",
                              None, "a finite number")
            continue
        if depth >= max_depth:
            raise _refuse(source, path, f"nested more than {max_depth} levels deep", None,
                          f"at most {max_depth} levels of nesting")
        stack.extend((v, p, depth + 1) for v, p in children)


def first_unwritable(data: Any) -> str | None:
    """The key path of the first value standard JSON cannot hold (NaN, infinity), or None."""
    try:
        check_data(data, "<case>", max_depth=10_000)
    except CaseError as exc:
        return exc.field
    return None
