"""The ``sbrt-calc`` command line: one module per subcommand, no Qt, no scipy."""

from sbrt_calc.blas_threads import prefer_one_blas_thread as _prefer_one_blas_thread

_prefer_one_blas_thread()

# the methods dataclasses writes for this package's dataclasses, compiled once and kept with the bytecode
# (sbrt_calc.code_cache; ~23 ms of the app's cold start): installed by the entry points, before the modules that
# make dataclasses are imported
from sbrt_calc import code_cache as _code_cache  # noqa: E402

_code_cache.install()
