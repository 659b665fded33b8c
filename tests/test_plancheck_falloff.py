"""D2cm (issue 17): the distance-transform search gives the exhaustive search's answer; the mask form
for multi-target plans; voxels excluded; the search without scipy."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from dose_grids import centred_grid as _grid

from sbrt_calc.plancheck.dicom_io import ContourPlane, Roi
from sbrt_calc.plancheck.falloff import (
    _d2cm_exhaustive,
    d2cm_gy,
    d2cm_gy_for_mask,
    distance_from_mask_mm,
    surface_points,
)
from sbrt_calc.plancheck.raster import rasterise


def _sphere(radius: float, centre: tuple[float, float, float], spacing: float = 3.0) -> Roi:
    planes = []
    for z in np.arange(-radius, radius + 1e-9, spacing):
        r = math.sqrt(max(radius**2 - z**2, 0.0))
        if r < 0.5:
            continue
        t = np.linspace(0, 2 * math.pi, 48, endpoint=False)
        planes.append(ContourPlane(float(z + centre[2]), (np.column_stack([centre[0] + r * np.cos(t),
                                                                            centre[1] + r * np.sin(t)]),)))
    return Roi(1, "PTV", "PTV", tuple(planes))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_distance_transform_search_equals_the_exhaustive_search(seed: int) -> None:
    """Random doses (so that the hottest voxels lie anywhere, also in the band where the transform
    cannot decide): the same value as checking every voxel against the surface points."""
    rng = np.random.default_rng(seed)
    shape = (24, 40, 44)
    base = rng.uniform(0, 10, shape)
    g = _grid(base)
    roi = _sphere(11.0, (1.3, -2.1, 0.7), 3.0)
    occ = rasterise(roi, g, thickness_mm=3.0)
    fast = d2cm_gy(g, roi, occ)
    slow = _d2cm_exhaustive(g, surface_points(roi, 3.0), occ, 20.0, None)
    assert fast is not None and fast == slow
    # a dose rising toward the PTV: the answer sits on the 2 cm line, decided in the band
    zz, yy, xx = np.meshgrid(g.z_mm, g.y_mm, g.x_mm, indexing="ij")
    radial = 100 * np.exp(-0.05 * np.sqrt((xx - 1.3) ** 2 + (yy + 2.1) ** 2 + (zz - 0.7) ** 2))
    g2 = _grid(radial + rng.uniform(0, 0.01, shape))
    assert d2cm_gy(g2, roi, occ) == _d2cm_exhaustive(g2, surface_points(roi, 3.0), occ, 20.0, None)


def test_mask_form_and_excluded_voxels() -> None:
    """D2cm of a one-voxel target: the hottest voxel whose centre is 20 mm or more from that voxel's
    centre; a hot spot excluded (another target's surroundings) no longer counts."""
    shape = (20, 30, 30)
    g = _grid(np.zeros(shape), h=2.0, dz=2.0)
    zz, yy, xx = np.meshgrid(g.z_mm, g.y_mm, g.x_mm, indexing="ij")
    mask = np.zeros(shape, dtype=bool)
    mask[10, 15, 15] = True
    c = np.array([g.z_mm[10], g.y_mm[15], g.x_mm[15]])
    dist = np.sqrt((zz - c[0]) ** 2 + (yy - c[1]) ** 2 + (xx - c[2]) ** 2)
    assert np.allclose(distance_from_mask_mm(g, mask), dist)
    dose = 50.0 - dist  # hottest far voxel: the one nearest the 20 mm line (exactly 20 mm: on axis)
    g = _grid(dose, h=2.0, dz=2.0)
    assert d2cm_gy_for_mask(g, mask) == pytest.approx(30.0)
    hot = dose.copy()
    hot[0, 0, 0] = 60.0
    g_hot = _grid(hot, h=2.0, dz=2.0)
    assert d2cm_gy_for_mask(g_hot, mask) == pytest.approx(60.0)
    exclude = np.zeros(shape, dtype=bool)
    exclude[0, 0, 0] = True
    assert d2cm_gy_for_mask(g_hot, mask, exclude=exclude) == pytest.approx(30.0)


def test_d2cm_without_scipy_gives_the_same_value() -> None:
    """The core runs without scipy: the exhaustive search answers (scipy hidden in a fresh interpreter)."""
    code = """
import sys
sys.modules['scipy'] = None
import numpy as np
sys.path.insert(0, {tests!r})
from test_plancheck_falloff import _grid, _sphere
from sbrt_calc.plancheck.falloff import d2cm_gy
from sbrt_calc.plancheck.raster import rasterise
rng = np.random.default_rng(5)
g = _grid(rng.uniform(0, 10, (16, 30, 30)))
roi = _sphere(8.0, (0.4, 0.2, 0.0), 3.0)
print(repr(d2cm_gy(g, roi, rasterise(roi, g, thickness_mm=3.0))))
print('scipy' in sys.modules and sys.modules['scipy'] is not None)
""".format(tests=str(__import__("pathlib").Path(__file__).parent))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    rng = np.random.default_rng(5)
    g = _grid(rng.uniform(0, 10, (16, 30, 30)))
    roi = _sphere(8.0, (0.4, 0.2, 0.0), 3.0)
    assert float(out[0]) == d2cm_gy(g, roi, rasterise(roi, g, thickness_mm=3.0))
    assert out[1] == "False"


def test_check_plan_process_imports_no_scipy_qt_matplotlib_and_defers_pydicom_extras() -> None:
    """Issue 17 (speed), in one fresh interpreter. Importing scipy costs ~0.6 s CPU of a 2 s check-plan
    budget: the plan check's modules and a D2cm decided in the band (a dose rising toward the PTV) run
    without importing scipy (installed, not hidden). The whole ``sbrt-calc check-plan`` command (a small,
    coarse phantom: 0.3 s) imports neither scipy nor Qt nor matplotlib (the house rule for a simple
    command), and imports pydicom with ``pydicom.examples`` and ``urllib.request`` deferred
    (:mod:`sbrt_calc.cli.lazy_pydicom`): not run (nor ``http.client``, ``ssl``), yet working when touched
    afterwards; its JSON equals the one computed here, where pydicom was imported whole."""
    import contextlib
    import io
    import json

    from phantoms import phantom_files

    from sbrt_calc.cli.lazy_pydicom import DEFERRED
    from sbrt_calc.cli.main import main
    from sbrt_calc.plancheck.phantom import Phantom

    folder = phantom_files(Phantom(shape=(16, 24, 24), spacing_mm=7.5, slice_mm=7.5, vertices=16,
                                   cord_z_mm=(-40.0, 40.0), lungs_box_mm=(-60.0, 60.0, -60.0, 30.0, -40.0, 40.0)))[
        "rtdose"].parent  # read only
    code = """
import contextlib, io, json, sys
import numpy as np
sys.path.insert(0, {tests!r})
import sbrt_calc.cli.check_plan, sbrt_calc.plancheck.grade
from test_plancheck_falloff import _grid, _sphere
from sbrt_calc.plancheck.falloff import d2cm_gy
from sbrt_calc.plancheck.raster import rasterise
g = _grid(np.zeros((24, 40, 44)))
zz, yy, xx = np.meshgrid(g.z_mm, g.y_mm, g.x_mm, indexing="ij")
g = _grid(100 * np.exp(-0.05 * np.sqrt(xx ** 2 + yy ** 2 + zz ** 2)))
roi = _sphere(11.0, (0.0, 0.0, 0.0), 3.0)
print(repr(d2cm_gy(g, roi, rasterise(roi, g, thickness_mm=3.0))))
print(sorted(m for m in sys.modules if m == 'scipy' or m.startswith('scipy.')))
assert 'pydicom' not in sys.modules
from sbrt_calc.cli.main import main
text = io.StringIO()
with contextlib.redirect_stdout(text):
    rc = main(['check-plan', '--folder', {folder!r}, '--format', 'json'])
heavy = sorted(m.split('.')[0] for m in sys.modules if m.split('.')[0] in ('scipy', 'PySide6', 'matplotlib'))
state = {{n: type(sys.modules[n]).__name__ for n in {deferred!r} if n in sys.modules}}
ran = sorted(n for n in ('http.client', 'ssl') if n in sys.modules)
import pydicom, urllib.request
used = [pydicom.examples.rt_dose.Modality, urllib.request.urlopen.__name__]
print(json.dumps({{'rc': rc, 'result': json.loads(text.getvalue()), 'heavy': heavy, 'state': state, 'ran': ran,
                   'used': used}}))
""".format(tests=str(__import__("pathlib").Path(__file__).parent), folder=str(folder), deferred=DEFERRED)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert 0 < float(out[0]) < 100
    assert out[1] == "[]"
    child = json.loads(out[2])
    assert child["heavy"] == []
    assert child["state"]["pydicom.examples"] == "_LazyModule" and child["state"]["urllib.request"] == "_LazyModule"
    assert child["ran"] == []
    assert child["used"] == ["RTDOSE", "urlopen"]  # loaded on first use
    here = io.StringIO()
    with contextlib.redirect_stdout(here):
        rc_here = main(["check-plan", "--folder", str(folder), "--format", "json"])  # pydicom imported whole here
    assert (child["rc"], child["result"]["status"]) in ((0, "pass"), (1, "fail"), (1, "incomplete"))
    assert child["rc"] == rc_here
    assert child["result"] == json.loads(here.getvalue())
