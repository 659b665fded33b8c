"""The CLI imports pydicom with the modules it never uses deferred (issue 17, speed): same results, and each
deferred module still works when something does use it."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import warnings

import pytest

from sbrt_calc.cli.lazy_pydicom import DEFERRED
from sbrt_calc.cli.main import main
from sbrt_calc.plancheck.phantom import Phantom, write_phantom

CHILD = """
import contextlib, io, json, sys
from sbrt_calc.cli.main import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    rc = main(['check-plan', '--folder', {folder!r}, '--format', 'json'])
state = {{n: type(sys.modules[n]).__name__ for n in {deferred!r} if n in sys.modules}}
ran = sorted(n for n in ('http.client', 'ssl', 'PIL.Image') if n in sys.modules)
import pydicom, urllib.request
used = [pydicom.examples.rt_dose.Modality, urllib.request.urlopen.__name__]
print(json.dumps({{'rc': rc, 'result': json.loads(out.getvalue()), 'state': state, 'ran': ran, 'used': used}}))
"""


@pytest.fixture(scope="module")
def phantom(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("lazy-pydicom")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_phantom(folder, Phantom(shape=(16, 24, 24), spacing_mm=7.5, slice_mm=7.5, vertices=16,
                                      cord_z_mm=(-40.0, 40.0), lungs_box_mm=(-60.0, 60.0, -60.0, 30.0, -40.0, 40.0)))
    return folder


def test_check_plan_defers_unused_pydicom_modules_with_the_same_result(phantom):
    """A fresh `check-plan`: pydicom.examples, urllib.request (http.client, ssl) are not run, yet work when used
    afterwards; the JSON equals the one computed here, where pydicom was imported whole (nothing deferred)."""
    assert "pydicom" in sys.modules  # imported whole by write_phantom: the CLI below defers nothing here
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc_here = main(["check-plan", "--folder", str(phantom), "--format", "json"])
    proc = subprocess.run([sys.executable, "-c", CHILD.format(folder=str(phantom), deferred=DEFERRED)],
                          capture_output=True, text=True, check=True)
    child = json.loads(proc.stdout.splitlines()[-1])
    assert child["state"]["pydicom.examples"] == "_LazyModule"
    assert child["state"]["urllib.request"] == "_LazyModule"
    assert "http.client" not in child["ran"] and "ssl" not in child["ran"]
    assert child["used"] == ["RTDOSE", "urlopen"]  # loaded on first use
    assert child["rc"] == rc_here
    assert child["result"] == json.loads(out.getvalue())
