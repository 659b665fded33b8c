"""Shared array helpers for the vectorized formulas: validation and scalar-in, scalar-out."""

from __future__ import annotations

from typing import Any

import numpy as np

from sbrt_calc.errors import ModelParameterError

# numpy.typing.ArrayLike would cost ~5 ms of import time on every CLI call; Any keeps the
# annotations honest (scalars, sequences and arrays are all accepted).
ArrayLike = Any
FloatOrArray = Any  # float for scalar input, numpy.ndarray otherwise


def as_float_array(value: ArrayLike) -> np.ndarray:
    """``value`` as a float64 array (no copy when it already is one)."""
    return np.asarray(value, dtype=np.float64)


def scalar_or_array(result: np.ndarray, *inputs: ArrayLike) -> FloatOrArray:
    """Return a Python float when every input was a scalar, else the array."""
    if all(np.ndim(x) == 0 for x in inputs):
        return float(result)
    return result


def require_positive(name: str, value: ArrayLike, allowed: str = "a finite number > 0") -> np.ndarray:
    """Check that every element is finite and > 0; raise ModelParameterError naming it."""
    arr = as_float_array(value)
    if arr.size and not (np.all(np.isfinite(arr)) and np.all(arr > 0)):
        bad = arr[~(np.isfinite(arr) & (arr > 0))].ravel()[0]
        raise ModelParameterError(
            f"{name} must be {allowed}, got {bad:g}", field=name, value=float(bad), allowed=allowed
        )
    return arr


def require_non_negative(name: str, value: ArrayLike) -> np.ndarray:
    """Check that every element is finite and >= 0."""
    arr = as_float_array(value)
    if arr.size and not (np.all(np.isfinite(arr)) and np.all(arr >= 0)):
        bad = arr[~(np.isfinite(arr) & (arr >= 0))].ravel()[0]
        raise ModelParameterError(
            f"{name} must be a finite number >= 0, got {bad:g}",
            field=name, value=float(bad), allowed="a finite number >= 0",
        )
    return arr
