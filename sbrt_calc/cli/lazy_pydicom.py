"""Import pydicom for a one-shot CLI command without running the parts of it the command never uses.

``import pydicom`` (3.x) runs, at import, modules this program never calls: ``pydicom.examples`` (it
looks up its documentation data sets on disk), ``pydicom.data.download`` -> ``urllib.request`` (with
``http.client``, ``email``, ``ssl``: for downloading test data) and ``PIL.ImageCms`` (ICC colour
profiles of photographs). Measured on the analytic phantom's ``check-plan`` (issue 17): 0.04-0.07 s
CPU of ~2 s (``bench/cli_startup.py``).

:func:`import_pydicom` imports pydicom with those modules *deferred* (the standard library's
:class:`importlib.util.LazyLoader`): each is created empty and runs on its first attribute access, so
nothing changes for a caller that does use them. Only the CLI uses this, in its own single-threaded
process (the lazy loader of Python < 3.12 is not safe when two threads first touch one module);
the app imports pydicom as usual. When pydicom is already imported, nothing is done.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

#: The modules run by ``import pydicom`` that the CLI never uses (module docstring).
DEFERRED = ("pydicom.examples", "urllib.request", "PIL.ImageCms")


class _Deferring(importlib.abc.MetaPathFinder):
    """Finds *names* as the other finders do, with their loader wrapped in a LazyLoader."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = frozenset(names)

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
                  ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.names:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is None or not hasattr(spec.loader, "exec_module"):
                    return spec
                spec.loader = importlib.util.LazyLoader(spec.loader)
                return spec
        return None


def import_pydicom(deferred: Sequence[str] = DEFERRED) -> Any:
    """``import pydicom`` with *deferred* modules loaded on first use (module docstring).

    Returns pydicom, or None when it is not installed (the reader then says how to install it,
    :func:`sbrt_calc.plancheck.dicom_io.safe_dcmread`).
    """
    if "pydicom" in sys.modules:
        return sys.modules["pydicom"]
    finder = _Deferring([n for n in deferred if n not in sys.modules])
    sys.meta_path.insert(0, finder)
    try:
        import pydicom
    except ImportError:
        return None
    finally:
        sys.meta_path.remove(finder)
    return pydicom
