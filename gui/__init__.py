"""The PySide6 desktop app (installed as ``sbrt_calc.gui``). Knows sbrt_calc; nothing knows it.

Note: PySide6 6.12.0 on CPython < 3.12 leaks references to ``None``/``True``/``False`` and the
interpreter aborts after a few thousand Qt calls; ``pyproject.toml`` therefore installs PySide6
< 6.12 on those Pythons (see ``tests/test_gui_pyside_refcount.py``).
"""

import time as _time

#: the process's CPU time when this package began to load (the interpreter's start before it): the first of the
#: start's phases that ``bench/gui_start_phases.py`` prints (:data:`.app.MARKS_ENV`)
START_CPU_S = _time.process_time()

from sbrt_calc.entry_process import prepare_process as _prepare_process  # noqa: E402

_prepare_process()   # one BLAS thread, the dataclass code cache: before the window's modules load
from .qt_environment import configure as _configure_qt  # noqa: E402

_configure_qt()   # Qt's fills in the painting thread: before any QApplication paints (gui/qt_environment.py)
