"""Vectorized radiobiological formulas (numpy only): LQ, LQ-L, USC and the time correction.

The submodules load when first used (PEP 562): reading the presets (which checks parameters against
:mod:`sbrt_calc.radiobiology.ranges`) must not import numpy, so that the app's first window shows
before it (issue 13).
"""

import importlib
from typing import Any

__all__ = ["lq", "lql", "time", "usc"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
