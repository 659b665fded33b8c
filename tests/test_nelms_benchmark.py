"""The DVH engine against the analytical benchmark of Nelms et al. (issue 17).

Nelms BE, Stambaugh C, Hunt D, Tonner B, Zhang G, Feygelman V. Methods, software and datasets to
verify DVH calculations against analytical values: twenty years of benchmarking. Med Phys
2015;42(8):4435-4446. Spheres, cylinders and cones (and the same shapes shifted by half a voxel)
contoured at 0.2-3 mm plane spacing, each in a linear dose gradient of 1 Gy/mm along the
anterior-posterior (in-plane) or superior-inferior (through-plane) axis, on 1, 2 and 3 mm dose
grids; ``analytical.csv`` holds the exact volume, Dmin, Dmax, Dmean, D99, D95, D5, D1 and D0.03cc
of each of the 90 cases (the authors' cGy converted to Gy; copy kept in github victorgabr/pps,
commit 2beeb1d2, see ``../shared/dicom-samples/README.md``).

Definitions, as the benchmark's values show them: D<x> is the minimum dose to the hottest x % of
the volume (D0.03cc: of the hottest 0.03 cm3), Dmin/Dmax the extremes over the structure; the
exact volume and D-values are those of the true shapes, while Dmin/Dmax along the
superior-inferior gradient include half a contour spacing beyond the first and last contours (the
end-cap convention: Sphere_30 gives Dmin 2.5 Gy and Dmax 29.5 Gy in the SI gradient, 4.0 and 28.0
Gy in the AP one). The grids are labelled FRACTION by Pinnacle but hold the whole dose: read as
stored, i.e. as one fraction.

Bounds (issue 17), asserted on every grid: mean |error| <= 0.25 Gy for D99, D95, D5, D1 and
D0.03cc, <= 0.2 Gy for Dmin and Dmax, no case above 1.1 Gy, volume mean |error| <= 1 %. The 3 mm
and 2 mm grids run all their cases; the 1 mm grid runs every case whose contours are 1 mm or more
apart (its 0.2 mm cases are 120-plane structures that take most of the time and are the easiest:
``SBRT_CALC_NELMS_ALL=1`` runs them too).

Which grids run when (issue 18, the suite in <= 120 s on two cores): the default run checks the 3 mm grid (the
grid whose bounds issue 17 names, and the voxel-centre discrimination test); the 2 mm and 1 mm grids (16 s of CPU
under coverage, the same code on finer grids) are marked ``thorough``: ``SBRT_CALC_THOROUGH=1 pytest -m thorough``
runs them, and CI does in a step of its own (``.ci/run``), so issue 17's "every metric better than
dicompyler-core on every grid" is still checked in CI on every grid.
"""

from __future__ import annotations

import csv
import json
import os
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from samples import samples_dir

from sbrt_calc.plancheck.dicom_io import DoseGrid, StructureSet
from sbrt_calc.plancheck.dvh import StructureDose, structure_dvh
from sbrt_calc.plancheck.load import load_dose_and_structures
from sbrt_calc.plancheck.metrics import evaluate
from sbrt_calc.plancheck.raster import Occupancy, structure_thickness_mm, thickness_for

SAMPLES = samples_dir()
NELMS = SAMPLES / "nelms-2015" if SAMPLES else None
pytestmark = pytest.mark.skipif(NELMS is None or not (NELMS / "analytical.csv").is_file(),
                                reason="the Nelms 2015 benchmark (shared/dicom-samples/nelms-2015) is not beside the "
                                       "repository; set SBRT_CALC_SAMPLES")

#: (label, CSV column, TG-263 metric; None = volume, compared in %)
METRICS = (("volume %", "volume_cc", None), ("Dmin", "min_gy", "Min[Gy]"), ("Dmax", "max_gy", "Max[Gy]"),
           ("D99", "d99_gy", "D99%[Gy]"), ("D95", "d95_gy", "D95%[Gy]"), ("D5", "d5_gy", "D5%[Gy]"),
           ("D1", "d1_gy", "D1%[Gy]"), ("D0.03cc", "d0_03cc_gy", "D0.03cc[Gy]"), ("Dmean", "mean_gy", "Mean[Gy]"))
MEAN_BOUND_GY = {"D99": 0.25, "D95": 0.25, "D5": 0.25, "D1": 0.25, "D0.03cc": 0.25, "Dmin": 0.2, "Dmax": 0.2}
CASE_BOUND_GY = 1.1
VOLUME_MEAN_BOUND_PERCENT = 1.0


@cache
def _load(grid_name: str, structure_name: str) -> tuple[DoseGrid, StructureSet]:
    """The grid (FRACTION-labelled, whole dose: read as one fraction) and the structure set."""
    assert NELMS is not None
    grid, structures, _ = load_dose_and_structures(NELMS / "dose-grids" / grid_name,
                                                   NELMS / "structures" / structure_name, fractions=1)
    return grid, structures


def cases(grid_mm: int) -> list[dict[str, str]]:
    assert NELMS is not None
    with (NELMS / "analytical.csv").open(newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["voxel_mm"] == str(grid_mm)]
    if grid_mm == 1 and not os.environ.get("SBRT_CALC_NELMS_ALL"):
        rows = [r for r in rows if r["contour_spacing_mm"] != "0.2mm"]
    return rows


@cache
def _dvh(grid_name: str, structure_name: str) -> tuple[Occupancy, StructureDose]:
    """The case's structure rasterised and its DVH (:func:`structure_dvh`), once per session: the bounds test reads
    the DVH, the voxel-centre test the occupancy (the same :func:`rasterise` call, its planes also fed to the
    DVH's sampler)."""
    grid, ss = _load(grid_name, structure_name)
    roi = next(r for r in ss.rois if r.planes)
    return structure_dvh(roi, grid, thickness_mm=thickness_for(roi, structure_thickness_mm(ss.rois, grid)))


def errors(row: dict[str, str]) -> dict[str, float]:
    """Our value minus the analytical one for each metric (volume in % of the analytical volume)."""
    _, sd = _dvh(row["dose_grid_file"], row["structure_file"])
    out = {}
    for label, column, metric in METRICS:
        exact = float(row[column])
        if metric is None:
            out[label] = 100.0 * (sd.volume_cc - exact) / exact
        else:
            value = evaluate(metric, sd).value
            assert value is not None, (row["structure_file"], metric)
            out[label] = value - exact
    return out


def table(grid_mm: int, errs: list[dict[str, float]]) -> str:
    lines = [f"Nelms 2015, {grid_mm} mm grid, {len(errs)} cases: mean |error| and largest |error| (Gy; volume %)"]
    for label, _, _ in METRICS:
        a = np.abs([e[label] for e in errs])
        lines.append(f"  {label:<9} mean {a.mean():6.3f}   max {a.max():6.3f}")
    return "\n".join(lines)


@cache
def grid_errors(grid_mm: int) -> tuple[list[dict[str, str]], list[dict[str, float]]]:
    """The grid's cases and our errors on each, computed once per session (shared by the bounds test and the
    comparison with dicompyler-core)."""
    rows = cases(grid_mm)
    return rows, [errors(r) for r in rows]


#: the 3 mm grid in every run; the finer grids on demand (see the module's docstring)
GRIDS_MM = [3, pytest.param(2, marks=pytest.mark.thorough), pytest.param(1, marks=pytest.mark.thorough)]


@pytest.mark.parametrize("grid_mm", GRIDS_MM)
def test_nelms_benchmark_errors_within_bounds(grid_mm: int) -> None:
    """Every case of the grid: the mean |error| per metric and the largest |error| within issue 17's bounds."""
    rows, errs = grid_errors(grid_mm)
    assert len(rows) >= 20
    print("\n" + table(grid_mm, errs))
    for label, bound in MEAN_BOUND_GY.items():
        a = np.abs([e[label] for e in errs])
        assert a.mean() <= bound, f"{grid_mm} mm grid: mean |error| of {label} {a.mean():.3f} Gy > {bound} Gy"
    worst = max(((abs(e[label]), label, r["structure_file"], r["dose_grid_file"]) for e, r in zip(errs, rows, strict=True)
                 for label in MEAN_BOUND_GY), key=lambda x: x[0])
    assert worst[0] <= CASE_BOUND_GY, f"{grid_mm} mm grid: {worst[1]} of {worst[2]} on {worst[3]} off by {worst[0]:.3f} Gy"
    vol = np.abs([e["volume %"] for e in errs])
    assert vol.mean() <= VOLUME_MEAN_BOUND_PERCENT, f"{grid_mm} mm grid: volume mean |error| {vol.mean():.2f} %"


#: dicompyler-core's per-case errors on the same benchmark, computed once with dicompyler-core 0.5.6 (not a
#: dependency: it needs pydicom < 3) by ``bench/dicompyler_nelms_fixture.py``; version, date and command inside.
DICOMPYLER_ERRORS = Path(__file__).resolve().parent / "data" / "nelms_dicompyler_core.json"


@pytest.mark.parametrize("grid_mm", GRIDS_MM)
def test_every_metric_better_than_dicompyler_core(grid_mm: int) -> None:
    """Issue 17: 'every metric better than dicompyler-core on every grid'. Our mean |error| of each metric on the
    grid's cases (recomputed here, shared with the bounds test) against dicompyler-core's stored one on the same
    cases (its defaults: no interpolation, no end caps)."""
    doc = json.loads(DICOMPYLER_ERRORS.read_text(encoding="utf-8"))
    assert doc["dicompyler_core"] == "0.5.6" and doc["date"] and "bench/dicompyler_nelms_fixture.py" in doc["command"]
    theirs = {(c["structure_file"], c["dose_grid_file"]): c["errors"] for c in doc["cases"]}
    rows, errs = grid_errors(grid_mm)
    lines = [f"Nelms 2015, {grid_mm} mm grid, {len(rows)} cases: mean |error|, ours vs dicompyler-core {doc['dicompyler_core']}"]
    worse = []
    for label, _, _ in METRICS:
        ours = float(np.mean([abs(e[label]) for e in errs]))
        their = float(np.mean([abs(theirs[(r["structure_file"], r["dose_grid_file"])][label]) for r in rows]))
        lines.append(f"  {label:<9} ours {ours:6.3f}   dicompyler-core {their:6.3f}")
        if not ours < their:
            worse.append(f"{label}: ours {ours:.3f} >= dicompyler-core {their:.3f}")
    print("\n" + "\n".join(lines))
    assert not worse, f"{grid_mm} mm grid: " + "; ".join(worse)


def test_voxel_centre_dose_would_fail_the_benchmark() -> None:
    """The bounds discriminate: the old convention (each voxel's centre dose, no interpolation; issue 17
    measured D99 off by 1.0 Gy on average on the 3 mm grid) breaks them on the same cases."""
    rows = cases(3)
    d99 = []
    for row in rows:
        grid, _ = _load(row["dose_grid_file"], row["structure_file"])
        occ, _ = _dvh(row["dose_grid_file"], row["structure_file"])   # the benchmark's own rasterisation
        z0, y0, x0 = occ.origin
        nz, ny, nx = occ.fraction.shape
        dose = grid.dose[z0:z0 + nz, y0:y0 + ny, x0:x0 + nx]
        m = occ.fraction > 0
        vol = (occ.fraction * grid.voxel_volume_cc()[z0:z0 + nz, None, None])[m]
        order = np.argsort(-dose[m], kind="stable")
        cum = np.cumsum(vol[order])
        i = int(np.searchsorted(cum, 0.99 * occ.volume_cc))
        d99.append(float(dose[m][order][min(i, order.size - 1)]) - float(row["d99_gy"]))
    assert np.mean(np.abs(d99)) > MEAN_BOUND_GY["D99"]
