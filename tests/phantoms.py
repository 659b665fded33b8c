"""Analytic phantom plans written once per test process, and the standard small phantom's plan check.

Writing a phantom costs 0.3-0.5 s of CPU (more under ``--cov``) and a plan check about 1 s; many test modules wrote
the same phantom into their own folder and checked it with the same inputs. Each distinct phantom is now written
once per process (each xdist worker) into a folder of its own; tests READ these files and never write into their
folder: a test that changes a file or adds one to the folder takes a copy (:func:`phantom_copy`).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import warnings
from functools import cache
from pathlib import Path
from typing import Any

from sbrt_calc.plancheck.phantom import Phantom, write_phantom

#: the small standard phantom of the plan-check tests (54 Gy / 3, 40 x 48 x 48 voxels of 2.5 mm)
SMALL = Phantom(shape=(40, 48, 48), cord_distance_mm=40.0, cord_z_mm=(-30.0, 30.0),
                lungs_box_mm=(-50.0, 50.0, -50.0, 30.0, -30.0, 30.0))

_ROOT: list[Path] = []
_WRITTEN: dict[str, dict[str, Path]] = {}


def _root() -> Path:
    if not _ROOT:
        _ROOT.append(Path(tempfile.mkdtemp(prefix="sbrt-calc-phantoms-")))
        atexit.register(shutil.rmtree, _ROOT[0], True)
    return _ROOT[0]


def phantom_files(ph: Phantom = SMALL) -> dict[str, Path]:
    """The phantom's files ({"rtdose", "rtstruct", "rtplan"}), written once per process: read them, never write
    into their folder (that would change them for every other test of the process)."""
    key = repr(ph)
    if key not in _WRITTEN:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _WRITTEN[key] = write_phantom(_root() / f"p{len(_WRITTEN)}", ph)
    return dict(_WRITTEN[key])


def phantom_copy(ph: Phantom, folder: Path) -> dict[str, Path]:
    """A copy of the phantom's files in ``folder`` (created), for a test that changes them or adds files."""
    folder.mkdir(parents=True, exist_ok=True)
    return {k: Path(shutil.copy2(p, folder / p.name)) for k, p in phantom_files(ph).items()}


@cache
def small_check() -> Any:
    """``check_plan`` of :data:`SMALL` with its RT Plan and default options, once per process (a frozen result:
    read it only)."""
    from sbrt_calc.plancheck.grade import check_plan
    from sbrt_calc.plancheck.inputs import PlanCheckInputs

    f = phantom_files(SMALL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return check_plan(PlanCheckInputs(str(f["rtdose"]), str(f["rtstruct"]), str(f["rtplan"])))
