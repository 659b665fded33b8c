"""PySide6's check of each module imported after it, answered without reading the module's source.

PySide6 replaces ``builtins.__import__``: for every module imported once PySide6 is loaded, it records whether
the module "uses PySide" (``shibokensupport.feature._mod_uses_pyside``), for its ``from __feature__ import
snake_case, true_property`` switches. It decides by reading the module's whole source (``inspect.getsource``)
and looking for the string "PySide6". The app's start imports ~180 modules after PySide6 (its own, the core's,
numpy's): ~30 ms CPU of source reading (app27s, stop 27: 9-11 ms before the first window, 18-23 ms at the fill).

:func:`install` (called by the app's entry point only, :mod:`.app`) answers the same question from the
module's namespace instead: a module uses PySide when a module-level name is a PySide6/shiboken6 module, class
or object (the same answers at the app's start, but for a package whose ``__init__`` names PySide6 only in
its text, such as :mod:`sbrt_calc.gui`). The answer only decides whether the module's attribute lookups of Qt types switch the feature set;
the app selects no feature (no ``from __feature__ import``), so every module sees the default set whatever
the answer. A PySide6 without this private function is left as it is.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

_PYSIDE = ("PySide6", "shiboken6")


def uses_pyside(module: Any) -> bool:
    """True when a module-level name of ``module`` is a PySide6 or shiboken6 module, class or object.

    Parameters
    ----------
    module : module
        A module just imported.

    Returns
    -------
    bool
        Whether the module uses PySide6 at module level; False for a module without a ``.py`` file (built-in,
        extension), as PySide's own check answers (it finds no source).
    """
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False   # as PySide's check: a built-in or extension module has no source to read
    namespace = getattr(module, "__dict__", None)
    if not isinstance(namespace, dict):
        return False
    for value in list(namespace.values()):
        if isinstance(value, ModuleType):
            owner = value.__name__
        elif isinstance(value, type):
            owner = value.__module__
        else:
            owner = type(value).__module__
        if isinstance(owner, str) and owner.startswith(_PYSIDE):
            return True
    return False


def install() -> bool:
    """Answer PySide6's per-module check with :func:`uses_pyside` (see the module docstring).

    Returns
    -------
    bool
        True when installed; False when PySide6 is not loaded yet or has no such check.
    """
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]
    return True
