"""What an entry point (the app ``sbrt_calc.gui``, the CLI ``sbrt_calc.cli``) does to its own process, before the
modules that make dataclasses or import numpy load: one OpenBLAS thread (:mod:`sbrt_calc.blas_threads`) and the
dataclass code cache (:mod:`sbrt_calc.code_cache`, ~23 ms of the app's cold start). A plain ``import sbrt_calc`` by
a host program does neither: it must not change its host's threads or its ``dataclasses``.
"""

from __future__ import annotations


def prepare_process() -> None:
    """One BLAS thread unless the user chose a count, and this package's dataclass methods compiled once."""
    from sbrt_calc import code_cache
    from sbrt_calc.blas_threads import prefer_one_blas_thread

    prefer_one_blas_thread()
    code_cache.install()
