"""The ``sbrt-calc`` command line: one module per subcommand, no Qt, no scipy."""

from sbrt_calc.entry_process import prepare_process as _prepare_process

_prepare_process()   # one BLAS thread, the dataclass code cache: before the subcommands' modules load
