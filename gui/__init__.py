"""The PySide6 desktop app (installed as ``sbrt_calc.gui``). Knows sbrt_calc; nothing knows it.

Note: PySide6 6.12.0 on CPython < 3.12 leaks references to ``None``/``True``/``False`` and the
interpreter aborts after a few thousand Qt calls; ``pyproject.toml`` therefore installs PySide6
< 6.12 on those Pythons (see ``tests/test_gui_pyside_refcount.py``).
"""

from sbrt_calc.blas_threads import prefer_one_blas_thread as _prefer_one_blas_thread

_prefer_one_blas_thread()

# the methods dataclasses writes for this package's dataclasses, compiled once and kept with the bytecode
# (sbrt_calc.code_cache; ~23 ms of the app's cold start): installed by the entry points, before the modules that
# make dataclasses are imported
from sbrt_calc import code_cache as _code_cache  # noqa: E402

_code_cache.install()
