"""Compare volumes and DVH metrics with dicompyler-core on the same files (issue 14).

File sets: the analytic phantom (sbrt_calc.plancheck.phantom), the phantom with a cord partly
outside the dose grid, and pydicom's sample RT Dose / RT Structure Set (rtdose.dcm: RELATIVE,
BEAM, read here as stored, i.e. scaled by Dose Grid Scaling only, as dicompyler-core does).
dicompyler-core 0.5.6 needs pydicom < 3, so it runs in its own venv (default /tmp/dcvenv, or
$DICOMPYLER_PYTHON); the script says so and stops when that venv is absent. Differences above 1 %
are flagged with '!'; docs/changelog-check-plan.md and NOTE_issue14.md explain them.

    python bench/dvh_compare_dicompyler.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from dvh import dicompyler_python  # noqa: E402

METRICS = (("volume_cc", "Volume cc"), ("max", "Max Gy"), ("mean", "Mean Gy"), ("min", "Min Gy"),
           ("d0_035cc", "D0.035cc Gy"), ("d95", "D95% Gy"), ("v20gy", "V20Gy cc"))

THEIRS = r"""
import json, sys, warnings, logging
warnings.simplefilter("ignore"); logging.disable(logging.WARNING)
from dicompylercore import dicomparser, dvhcalc
dose_path, struct_path = sys.argv[1], sys.argv[2]
out = {}
for number, s in dicomparser.DicomParser(struct_path).GetStructures().items():
    d = dvhcalc.get_dvh(struct_path, dose_path, number)
    if d.volume == 0 or not d.counts.size or d.max == 0:
        out[s["name"]] = {"volume_cc": float(d.volume), "notes": str(d.notes)}
        continue
    out[s["name"]] = {"volume_cc": float(d.volume), "max": float(d.max), "mean": float(d.mean), "min": float(d.min),
                      "d0_035cc": float(d.statistic("D0.035cc").value), "d95": float(d.statistic("D95").value),
                      "v20gy": float(d.statistic("V20Gy").value), "notes": str(d.notes)}
print(json.dumps(out))
"""


def ours(dose_path: Path, struct_path: Path) -> dict[str, dict[str, float]]:
    from sbrt_calc.plancheck.dicom_io import read_rtdose, read_rtstruct
    from sbrt_calc.plancheck.dvh import structure_dvh
    from sbrt_calc.plancheck.metrics import evaluate
    from sbrt_calc.plancheck.raster import structure_thickness_mm

    grid = read_rtdose(dose_path)
    ss = read_rtstruct(struct_path)
    t = structure_thickness_mm(ss.rois, grid)
    out: dict[str, dict[str, float]] = {}
    for roi in ss.rois:
        if not roi.planes:
            continue
        sd = structure_dvh(roi, grid, thickness_mm=t)[1]
        row = {"volume_cc": sd.volume_cc, "in_grid_cc": sd.in_grid_cc, "outside_cc": sd.outside_cc}
        for key, metric in (("max", "Max[Gy]"), ("mean", "Mean[Gy]"), ("min", "Min[Gy]"),
                            ("d0_035cc", "D0.035cc[Gy]"), ("d95", "D95%[Gy]"), ("v20gy", "V20Gy[cc]")):
            v = evaluate(metric, sd).value
            if v is not None:
                row[key] = v
        out[roi.name] = row
    return out


def compare(label: str, dose_path: Path, struct_path: Path, python: str) -> None:
    proc = subprocess.run([python, "-c", THEIRS, str(dose_path), str(struct_path)], capture_output=True, text=True,
                          check=True)
    theirs = json.loads(proc.stdout.strip().splitlines()[-1])
    mine = ours(dose_path, struct_path)
    print(f"\n== {label}")
    print(f"{'structure':<12} {'metric':<12} {'sbrt-calc':>12} {'dicompyler':>12} {'diff %':>8}")
    for name, row in mine.items():
        other = theirs.get(name, {})
        if row.get("outside_cc", 0) > 1e-4:
            print(f"{name:<12} {'in grid cc':<12} {row['in_grid_cc']:12.4f} {'':>12}  (outside {row['outside_cc']:.4f} cc, "
                  f"reported by sbrt-calc; dicompyler notes: {other.get('notes')})")
        for key, text in METRICS:
            a, b = row.get(key), other.get(key)
            if a is None or b is None:
                continue
            diff = 100 * (a - b) / b if b else float("nan") if a else 0.0
            flag = " !" if abs(diff) > 1 else ""
            print(f"{name:<12} {text:<12} {a:12.4f} {b:12.4f} {diff:8.2f}{flag}")


def main() -> None:
    python = dicompyler_python()
    if python is None:
        print("dicompyler-core not available (make /tmp/dcvenv with: pip install dicompyler-core 'pydicom<3', or set "
              "DICOMPYLER_PYTHON); nothing compared")
        return
    from pydicom.data import get_testdata_file

    from sbrt_calc.plancheck.phantom import Phantom, write_phantom

    tmp = Path(tempfile.mkdtemp(prefix="sbrt-dvh-compare-"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = write_phantom(tmp / "phantom", Phantom())
        b = write_phantom(tmp / "outside", Phantom(cord_z_mm=(-120.0, 120.0)))
        compare("analytic phantom (80x80x72 at 2.5 mm)", a["rtdose"], a["rtstruct"], python)
        compare("phantom, cord from -120 to 120 mm on a grid spanning -90..90 mm", b["rtdose"], b["rtstruct"], python)
        compare("pydicom samples rtdose.dcm + rtstruct.dcm", Path(get_testdata_file("rtdose.dcm")),
                Path(get_testdata_file("rtstruct.dcm")), python)


if __name__ == "__main__":
    main()
