"""Store dicompyler-core's errors on the Nelms 2015 benchmark as a test fixture (issue 17).

Issue 17 asks for "every metric better than dicompyler-core on every grid", run in CI. dicompyler-core is
not a dependency of sbrt-calc (0.5.6 needs pydicom < 3), so its per-case errors are computed once here,
in its own virtual environment, and stored in ``tests/data/nelms_dicompyler_core.json``;
``tests/test_nelms_benchmark.py`` recomputes ours and asserts each metric's mean |error| on each grid
is below dicompyler-core's stored one, over the same cases.

dicompyler-core runs with its defaults (``dvhcalc.get_dvh(structure, dose, roi)``: no interpolation,
no end caps), as its users run it; the metrics are read as in ``bench/plancheck_vs_dicompyler.py``.

    python3 -m venv /tmp/dcvenv && /tmp/dcvenv/bin/pip install dicompyler-core 'pydicom<3'
    DICOMPYLER_PYTHON=/tmp/dcvenv/bin/python python bench/dicompyler_nelms_fixture.py
"""

from __future__ import annotations

import csv
import datetime
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plancheck_vs_dicompyler import METRICS, dicompyler_python, samples_dir, their_nelms  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "nelms_dicompyler_core.json"


def main() -> None:
    python = dicompyler_python()
    samples = samples_dir()
    if python is None or samples is None:
        sys.exit("dicompyler-core (DICOMPYLER_PYTHON or /tmp/dcvenv) and shared/dicom-samples are needed")
    nelms = samples / "nelms-2015"
    with (nelms / "analytical.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    version = subprocess.run([python, "-c", "import dicompylercore, pydicom; print(dicompylercore.__version__, "
                              "pydicom.__version__)"], capture_output=True, text=True, check=True).stdout.split()
    values = their_nelms(rows, nelms, python)
    cases = []
    for r, v in zip(rows, values, strict=True):
        errs = {}
        for label, column in METRICS:
            exact = float(r[column])
            errs[label] = 100.0 * (v[column] - exact) / exact if label == "volume %" else v[column] - exact
        cases.append({"structure_file": r["structure_file"], "dose_grid_file": r["dose_grid_file"],
                      "voxel_mm": r["voxel_mm"], "contour_spacing_mm": r["contour_spacing_mm"],
                      "errors": {k: round(e, 6) for k, e in errs.items()}})
    doc = {"what": "dicompyler-core's signed error (its value minus the analytical one; volume in % of the analytical "
                   "volume, doses in Gy) on each case of the Nelms 2015 benchmark (shared/dicom-samples/nelms-2015/"
                   "analytical.csv)",
           "dicompyler_core": version[0], "pydicom": version[1],
           "options": "dvhcalc.get_dvh(structure, dose, roi) defaults: no interpolation, no end caps",
           "date": datetime.date.today().isoformat(),
           "command": "DICOMPYLER_PYTHON=<venv with dicompyler-core 0.5.6, pydicom<3>/bin/python python "
                      "bench/dicompyler_nelms_fixture.py",
           "cases": cases}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
