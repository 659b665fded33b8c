"""The ``sbrt-calc`` command line: one module per subcommand, no Qt, no scipy."""

from sbrt_calc.blas_threads import prefer_one_blas_thread as _prefer_one_blas_thread

_prefer_one_blas_thread()
