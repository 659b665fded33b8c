"""The entry points ask OpenBLAS for one thread, keep a user's own setting and leave a library import alone."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sbrt_calc.blas_threads import prefer_one_blas_thread

_PROBE = "import os, sys; import {module}; print(os.environ.get('OPENBLAS_NUM_THREADS'), 'numpy' in sys.modules)"


def test_sets_one_thread_only_when_nobody_chose():
    """An empty environment gets ``OPENBLAS_NUM_THREADS=1`` (when numpy is not loaded yet); a user's count stays."""
    env: dict[str, str] = {}
    numpy_loaded = "numpy" in sys.modules
    assert prefer_one_blas_thread(env) is (not numpy_loaded)
    assert env == ({} if numpy_loaded else {"OPENBLAS_NUM_THREADS": "1"})
    for name in ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"):
        chosen = {name: "4"}
        assert prefer_one_blas_thread(chosen) is False
        assert chosen == {name: "4"}


@pytest.mark.parametrize(("module", "expected"), [("sbrt_calc.cli.main", "1"), ("sbrt_calc.evaluation", "None")])
def test_the_cli_sets_it_and_the_library_does_not(module, expected):
    """The CLI's process gets one BLAS thread before numpy loads; importing the core as a library changes nothing."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", _PROBE.format(module=module)], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out[0] == expected
