"""Shared array helpers for the vectorized formulas: validation and scalar-in, scalar-out.

Two branches, one set of formulas. Python numbers (``int`` and ``float``, not numpy scalars) stay Python
floats: validated with :func:`math.isfinite`, computed with Python arithmetic, never importing numpy (the
app's first table is evaluated without it, stop 28). Anything else (arrays, sequences, numpy scalars) is a
float64 array, numpy imported on first use. The formulas are written once (``total * (1.0 + dpf / ab)``
works for floats and arrays alike); :func:`where`, :func:`sqrt` and :func:`maximum` stand in for the numpy
functions that do not. IEEE 754 rounds +, -, *, / and sqrt correctly in both, so a float and a float64 array
element computed by the same formula have the same bits.
"""

from __future__ import annotations

import math
import sys
from typing import Any

from sbrt_calc.errors import ModelParameterError

# numpy.typing.ArrayLike would cost ~5 ms of import time on every CLI call; Any keeps the
# annotations honest (scalars, sequences and arrays are all accepted).
ArrayLike = Any
FloatOrArray = Any  # float for scalar input, numpy.ndarray otherwise

#: The Python number types that take the plain-Python branch (bool excluded: it goes through numpy as before).
_PLAIN = (float, int)


def _numpy() -> Any:
    """numpy, imported on its first use, then read from ``sys.modules``: an import statement run in a function goes
    through PySide's import hook in the app (~3-5 us each; issue 21, stop 32: 84 of these helpers' imports in a cold
    model switch of 57 rows, ~0.3 ms of its GUI thread)."""
    np = sys.modules.get("numpy")
    if np is None:
        import numpy as np
    return np


def is_plain(value: Any) -> bool:
    """True for a Python ``int`` or ``float`` (not bool, not a numpy scalar): the plain-Python branch."""
    return type(value) in _PLAIN


def as_float_array(value: ArrayLike) -> FloatOrArray:
    """``value`` as a Python float (a Python number) or a float64 array (no copy when it already is one)."""
    if type(value) in _PLAIN:
        return float(value)
    np = _numpy()

    return np.asarray(value, dtype=np.float64)


def scalar_or_array(result: FloatOrArray, *inputs: ArrayLike) -> FloatOrArray:
    """Return a Python float when every input was a scalar, else the array."""
    if type(result) is float:
        return result
    if all(type(x) in _PLAIN for x in inputs):
        return float(result)
    np = _numpy()

    if all(np.ndim(x) == 0 for x in inputs):
        return float(result)
    return result


def where(condition: Any, if_true: FloatOrArray, if_false: FloatOrArray) -> FloatOrArray:
    """``numpy.where`` for arrays; for a Python bool (scalar inputs) the one value chosen."""
    if type(condition) is bool:
        return if_true if condition else if_false
    np = _numpy()

    return np.where(condition, if_true, if_false)


def sqrt(value: FloatOrArray) -> FloatOrArray:
    """``math.sqrt`` of a float, ``numpy.sqrt`` of an array (both correctly rounded)."""
    if type(value) is float:
        return math.sqrt(value)
    np = _numpy()

    return np.sqrt(value)


def maximum(a: FloatOrArray, b: FloatOrArray) -> FloatOrArray:
    """``numpy.maximum`` for arrays; for two floats the larger, ``b`` when neither is larger, as numpy
    (``maximum(0.0, -0.0)`` is -0.0)."""
    if type(a) is float and type(b) is float:
        return a if a > b else b
    np = _numpy()

    return np.maximum(a, b)


def _refuse(name: str, bad: float, allowed: str) -> ModelParameterError:
    return ModelParameterError(f"{name} must be {allowed}, got {bad:g}", field=name, value=float(bad),
                               allowed=allowed)


def _require(name: str, value: ArrayLike, allowed: str, zero_allowed: bool) -> FloatOrArray:
    """``value`` as a float or float64 array when every element is finite and > 0 (>= 0 with ``zero_allowed``);
    else ModelParameterError naming ``name``, ``allowed`` and the first element refused."""
    if type(value) in _PLAIN:
        v = float(value)
        if not (math.isfinite(v) and (v >= 0 if zero_allowed else v > 0)):
            raise _refuse(name, v, allowed)
        return v
    np = _numpy()

    arr = np.asarray(value, dtype=np.float64)
    ok = np.isfinite(arr) & ((arr >= 0) if zero_allowed else (arr > 0))
    if arr.size and not np.all(ok):
        raise _refuse(name, arr[~ok].ravel()[0], allowed)
    return arr


def require_positive(name: str, value: ArrayLike, allowed: str = "a finite number > 0") -> FloatOrArray:
    """Check that every element is finite and > 0; raise ModelParameterError naming it."""
    return _require(name, value, allowed, zero_allowed=False)


def require_non_negative(name: str, value: ArrayLike) -> FloatOrArray:
    """Check that every element is finite and >= 0."""
    return _require(name, value, "a finite number >= 0", zero_allowed=True)
