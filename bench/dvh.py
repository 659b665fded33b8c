"""Benchmark: DVHs of all structures of a typical SBRT plan, sbrt-calc vs dicompyler-core (issue 14).

Plan: the analytic phantom (sbrt_calc.plancheck.phantom) on a 200 x 200 x 120 grid at 2.5 mm with
20 structures (PTV, GTV, cord, lungs, body and 15 spheres of 8-30 mm). Times the reading of the
RT Dose and RT Structure Set, the rasterisation and the DVH of every structure (best of 3), and
the peak memory (max RSS of a fresh process). dicompyler-core 0.5.6 needs pydicom < 3, so it runs
in its own virtual environment (default /tmp/dcvenv, or $DICOMPYLER_PYTHON); skipped if absent.

    python bench/dvh.py [--folder DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

OURS = r"""
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
from sbrt_calc.plancheck.dicom_io import read_rtdose, read_rtstruct
from sbrt_calc.plancheck.dvh import structure_dvh
from sbrt_calc.plancheck.raster import structure_thickness_mm
dose_path, struct_path, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
best = 1e9
for _ in range(repeat):
    t0 = time.perf_counter()
    grid = read_rtdose(dose_path)
    ss = read_rtstruct(struct_path)
    t = structure_thickness_mm(ss.rois, grid)
    out = {}
    for roi in ss.rois:
        sd = structure_dvh(roi, grid, thickness_mm=t)[1]
        out[roi.name] = sd.volume_cc
    best = min(best, time.perf_counter() - t0)
print(json.dumps({"seconds": best, "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "structures": len(out)}))
"""

PHANTOM_SHAPE = (120, 200, 200)
WRITE = r"""
import sys, warnings
warnings.simplefilter("ignore")
from sbrt_calc.plancheck.phantom import Phantom, write_phantom
write_phantom(sys.argv[1], Phantom(shape=(120, 200, 200), extra_spheres=15, cord_z_mm=(-140.0, 140.0),
                                   lungs_box_mm=(-150.0, 150.0, -120.0, 80.0, -120.0, 120.0)))
"""

THEIRS = r"""
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
import logging; logging.disable(logging.WARNING)
from dicompylercore import dicomparser, dvhcalc
dose_path, struct_path, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
best = 1e9
for _ in range(repeat):
    t0 = time.perf_counter()
    rois = dicomparser.DicomParser(struct_path).GetStructures()
    out = {}
    for number, s in rois.items():
        d = dvhcalc.get_dvh(struct_path, dose_path, number)
        out[s["name"]] = d.volume
    best = min(best, time.perf_counter() - t0)
print(json.dumps({"seconds": best, "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "structures": len(out)}))
"""


def dicompyler_python() -> str | None:
    exe = os.environ.get("DICOMPYLER_PYTHON", "/tmp/dcvenv/bin/python")
    if not Path(exe).exists():
        return None
    ok = subprocess.run([exe, "-c", "import dicompylercore"], capture_output=True).returncode == 0
    return exe if ok else None


def run(python: str, code: str, files: dict[str, Path], repeat: int) -> dict:
    proc = subprocess.run([python, "-c", code, str(files["rtdose"]), str(files["rtstruct"]), str(repeat)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folder", help="where to write the phantom (default: a temporary folder)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    folder = Path(args.folder or tempfile.mkdtemp(prefix="sbrt-dvh-bench-"))
    # written by a child process: a child's peak RSS (ru_maxrss) starts from its parent's at fork
    subprocess.run([sys.executable, "-c", WRITE, str(folder)], check=True)
    files = {k: folder / f"{k}.dcm" for k in ("rtdose", "rtstruct", "rtplan")}
    ph = PHANTOM_SHAPE
    ours = run(sys.executable, OURS, files, args.repeat)
    print(f"grid {ph[2]}x{ph[1]}x{ph[0]} at 2.5 mm, {ours['structures']} structures "
          f"({folder})")
    print(f"sbrt-calc       : {ours['seconds']:.3f} s (best of {args.repeat}), peak RSS {ours['maxrss_mb']:.0f} MB")
    py = dicompyler_python()
    if py is None:
        print("dicompyler-core : skipped (no venv with dicompyler-core; set DICOMPYLER_PYTHON)")
        return
    theirs = run(py, THEIRS, files, 1)
    print(f"dicompyler-core : {theirs['seconds']:.3f} s (one run), peak RSS {theirs['maxrss_mb']:.0f} MB")
    print(f"speed-up        : {theirs['seconds'] / ours['seconds']:.1f}x")


if __name__ == "__main__":
    main()
