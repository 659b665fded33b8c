"""Third-party drawing and DICOM building run with coverage's tracer off, in the test suite only.

Why: on Python 3.11 a trace function (coverage's CTracer under ``pytest --cov``) puts the whole interpreter in
tracing mode: every instruction of every frame goes through the tracing path and runs unspecialised, also in
code coverage does not measure. matplotlib's full draw of the app's plot took 90 ms without the tracer and 143 ms
with it, only ``sbrt_calc`` measured (``/tmp/mplcov.py``, stop 27). The suite spends ~42 % more CPU under
``--cov`` than without, and most of that is matplotlib, pydicom and pypdf work inside the tests.

What: the methods below are wrapped so that, while a tracer is set, they run with ``sys.settrace(None)`` and the
tracer is set back when they return (in the calling thread only, as ``tests/pdftext.py::untraced`` does). Each was
chosen because it never calls back into ``sbrt_calc``: matplotlib's artist draws and layout engine (the app's own
legend subclass and draw callbacks stay traced: ``Figure.draw`` itself and ``Legend`` subclasses' ``draw`` are
not wrapped, only the base class's), the building of artists our code asks for, and pydicom's data-set attribute
writes and file writer that the tests' phantoms use. The coverage figures are the same: the whole suite's
covered lines and arcs were compared with and without these wrappers (stop 27): the same sets but for 3 lines
that Hypothesis-driven tests (random examples) reach in some runs and not in others.

Measured (stop 27, CPU of one file's process under ``--cov``, 2 alternating rounds, load ~6-7): test_report 15.7
-> 12.7 s, test_plancheck_status 18.7 -> 15.0 s, test_gui_workbench 14.6 -> 12.9-14.6 s (with the frozen heap of
``conftest.py``'s :func:`pytest_collection_finish`).

Nothing here runs without a tracer (``pytest`` without ``--cov``): :func:`install` returns at once. A name a
library release no longer has is skipped (the suite is then only slower).
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable
from typing import Any

#: (module, attribute path, method): the calls run untraced. ``attribute path`` is a class in the module, or "" for
#: a module-level function. Keep this list to code that never calls ``sbrt_calc`` (see the module's docstring).
UNTRACED: tuple[tuple[str, str, str], ...] = (
    # matplotlib: the draws of its own artists and its layout engine (Figure.draw is not here: it emits the draw
    # event the app's plot panel handles)
    ("matplotlib.text", "Text", "draw"),
    ("matplotlib.text", "Text", "get_window_extent"),
    ("matplotlib.axis", "Axis", "draw"),
    ("matplotlib.lines", "Line2D", "draw"),
    ("matplotlib.collections", "Collection", "draw"),
    ("matplotlib.patches", "Patch", "draw"),
    ("matplotlib.image", "_ImageBase", "draw"),
    ("matplotlib.legend", "Legend", "draw"),
    ("matplotlib.legend", "Legend", "__init__"),
    ("matplotlib.layout_engine", "", "do_constrained_layout"),
    # matplotlib: building what our code asks for
    ("matplotlib.figure", "FigureBase", "add_subplot"),
    ("matplotlib.axes", "Axes", "annotate"),
    ("matplotlib.axes", "Axes", "plot"),
    ("matplotlib.axes", "Axes", "scatter"),
    ("matplotlib.axes", "Axes", "axvspan"),
    ("matplotlib.axes", "Axes", "axhline"),
    ("matplotlib.axes", "Axes", "axvline"),
    ("matplotlib.axes", "Axes", "text"),
    ("matplotlib.axes._base", "_AxesBase", "clear"),
    ("matplotlib.figure", "FigureBase", "clear"),
    # pydicom: the tests' phantoms set attributes and write files
    ("pydicom.dataset", "Dataset", "__setattr__"),
    ("pydicom.dataset", "Dataset", "save_as"),
    ("pydicom.filewriter", "", "dcmwrite"),
    ("pydicom", "", "dcmwrite"),
)


def _untraced(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        tracer = sys.gettrace()
        if tracer is None:
            return func(*args, **kwargs)
        sys.settrace(None)
        try:
            return func(*args, **kwargs)
        finally:
            sys.settrace(tracer)

    call.untraced = True  # type: ignore[attr-defined]
    return call


def install() -> list[str]:
    """Wrap the calls of :data:`UNTRACED` when a tracer is set (coverage; their modules imported untraced); the
    names wrapped."""
    tracer = sys.gettrace()
    if tracer is None:
        return []
    done: list[str] = []
    for module_name, owner_name, name in UNTRACED:
        sys.settrace(None)   # the libraries' imports are not ours either
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        finally:
            sys.settrace(tracer)
        owner = getattr(module, owner_name, None) if owner_name else module
        func = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name, None)
        if func is None or getattr(func, "untraced", False):
            continue
        setattr(owner, name, _untraced(func))
        done.append(f"{module_name}.{owner_name + '.' if owner_name else ''}{name}")
    return done
