"""The PySide6 desktop app (installed as ``sbrt_calc.gui``). Knows sbrt_calc; nothing knows it.

Note: PySide6 6.12.0 on CPython < 3.12 leaks references to ``None``/``True``/``False`` and the
interpreter aborts after a few thousand Qt calls; ``pyproject.toml`` therefore installs PySide6
< 6.12 on those Pythons (see ``tests/test_gui_pyside_refcount.py``).
"""

from sbrt_calc.blas_threads import prefer_one_blas_thread as _prefer_one_blas_thread

_prefer_one_blas_thread()
