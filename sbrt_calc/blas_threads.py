"""One BLAS thread for sbrt-calc's own processes (the CLI, the app, the test suite).

numpy's wheels bring OpenBLAS, which starts one thread per core when numpy is imported and lets them
spin after each call. sbrt-calc's arrays are small (a regimen table, one DVH plane at a time): those
threads never pay back, and they cost CPU at every start. Measured on a quiet 2-core machine
(2026-12-02): ``import numpy`` 0.14-0.19 s CPU with OpenBLAS's default, 0.07-0.10 s with one thread;
the test suite 272 -> 248 s of CPU (146 -> 132 s wall on two xdist workers).

Called by the entry points only (``sbrt_calc.cli``, ``sbrt_calc.gui``, ``tests/conftest.py``): a library
import must not change its host's threads. A user's own setting (``OPENBLAS_NUM_THREADS``,
``GOTO_NUM_THREADS`` or ``OMP_NUM_THREADS``) is kept, and nothing changes once numpy is imported.
"""

from __future__ import annotations

import os
import sys

_USER_SETTINGS = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")


def prefer_one_blas_thread(environ: dict[str, str] | None = None) -> bool:
    """Ask OpenBLAS for one thread, unless the user chose a count or numpy is already loaded.

    Parameters
    ----------
    environ : dict, optional
        The environment to change (``os.environ`` when omitted; a dict for tests).

    Returns
    -------
    bool
        True when ``OPENBLAS_NUM_THREADS=1`` was set by this call.
    """
    env = os.environ if environ is None else environ
    if "numpy" in sys.modules or any(env.get(name) for name in _USER_SETTINGS):
        return False
    env["OPENBLAS_NUM_THREADS"] = "1"
    return True
