"""CLI cold start: simple commands as a ratio to `python -c "import numpy"`, and where `check-plan`'s CPU goes.

1. Simple commands (`compare`, `solve`): wall time of a fresh process, median of ``--runs``, as a ratio
   to the floor ``python -c "import numpy"`` (goal <= 1.5x).
2. ``check-plan`` (issue 17: the whole command on the analytic phantom under 2 s CPU): CPU seconds
   (user + sys of the child, ``getrusage``; the machine may be shared: wall time measures the other
   users too), median of ``--cpu-runs`` fresh processes, for
   - the interpreter alone (``python -c pass``);
   - the floor it cannot avoid: ``import numpy, pydicom`` (pydicom whole);
   - the start-up of ``check-plan``: every module it imports, before any file is read (pydicom as the CLI
     imports it, :mod:`sbrt_calc.cli.lazy_pydicom`);
   - the whole ``sbrt-calc check-plan --folder PHANTOM --format json``;
   and, from one more process, the phases inside that run (CPU of each step, the same code timed by
   wrappers around the functions ``check-plan`` calls): imports, reading, the DVH engine, D2cm, the
   presets, grading and output.

Bytecode caching is on (as an installed program runs); every command runs from a neutral folder.

Run: python bench/cli_startup.py [--runs N] [--cpu-runs N] [--skip-simple]. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

# Run from a neutral folder: `python -m sbrt_calc` from the source tree would import the tree's
# sources (compiled anew each time where PYTHONDONTWRITEBYTECODE is set), not the installed package.
NEUTRAL_CWD = tempfile.gettempdir()
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

#: Everything `check-plan` imports before it reads a file (sbrt_calc/cli/check_plan.py's run()).
CHECK_PLAN_IMPORTS = ("from sbrt_calc.cli.lazy_pydicom import import_pydicom; import_pydicom(); "
                      "import sbrt_calc.cli.main, sbrt_calc.atomic_write, sbrt_calc.cli.output, "
                      "sbrt_calc.plancheck.grade, sbrt_calc.plancheck.inputs, sbrt_calc.text_safety")

#: One check-plan run with the CPU of each step (wrappers around what check_plan calls); prints JSON.
PHASES = r"""
import contextlib, io, json, resource, sys, time
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
T = {}
def add(name, t0):
    T[name] = T.get(name, 0.0) + cpu() - t0
t0 = cpu(); import numpy; add("import numpy", t0)
t0 = cpu()
from sbrt_calc.cli.lazy_pydicom import import_pydicom
import_pydicom()
add("import pydicom (as the CLI does: unused parts deferred)", t0)
t0 = cpu()
import sbrt_calc.cli.main as cm
import sbrt_calc.plancheck.grade as g, sbrt_calc.plancheck.inputs as inp, sbrt_calc.cli.output as out
import sbrt_calc.text_safety, sbrt_calc.atomic_write
add("import sbrt_calc (check-plan's modules)", t0)
def wrap(mod, name, label):
    f = getattr(mod, name)
    def w(*a, **k):
        t0 = cpu()
        try:
            return f(*a, **k)
        finally:
            add(label, t0)
    setattr(mod, name, w)
wrap(inp, "find_in_folder", "reading: find the files in the folder")
wrap(g, "load_plan", "reading: RT Dose, RT Structure Set, RT Plan")
wrap(g, "structure_dvh", "DVH engine: structure_dvh (each structure)")
wrap(g, "structure_dose", "DVH engine: structure_dose (lungs minus GTV)")
wrap(g, "d2cm_gy", "D2cm")
wrap(g, "shipped_alpha_betas", "presets: alpha/beta (radiobiology.toml)")
wrap(g, "constraints_for", "presets: constraint sets (all preset files)")
wrap(g.PlanCheckResult, "as_dict", "output: result as JSON document")
wrap(out, "to_json", "output: JSON text")
t0 = cpu()
with contextlib.redirect_stdout(io.StringIO()):
    rc = cm.main(["check-plan", "--folder", sys.argv[1], "--format", "json"])
add("check-plan command (from argument parsing to output)", t0)
T["whole process"] = cpu()
print(json.dumps(T))
"""


def median_seconds(cmd: list[str], runs: int) -> float:
    subprocess.run(cmd, capture_output=True, check=True, cwd=NEUTRAL_CWD)  # warm the file cache
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, cwd=NEUTRAL_CWD)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def cpu_seconds(cmd: list[str], runs: int, ok: tuple[int, ...] = (0,)) -> list[float]:
    """CPU (user + sys) of each of *runs* fresh processes, after one untimed run (bytecode, file cache)."""
    subprocess.run(cmd, capture_output=True, cwd=NEUTRAL_CWD, env=ENV)
    out = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=NEUTRAL_CWD, env=ENV)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode not in ok:
            raise SystemExit(f"{' '.join(cmd)}: exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
        out.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return out


def simple_section(runs: int) -> None:
    floor = median_seconds([sys.executable, "-c", "import numpy"], runs)
    cases = {
        "compare 54/3 (table)": [sys.executable, "-m", "sbrt_calc", "compare", "54/3"],
        "compare 36/3 54/3 --format json": [sys.executable, "-m", "sbrt_calc", "compare", "36/3", "54/3",
                                            "--format", "json"],
        "solve --target-bed 100": [sys.executable, "-m", "sbrt_calc", "solve", "--target-bed", "100",
                                   "--alpha-beta", "10"],
    }
    print(f"floor  python -c 'import numpy': {floor * 1000:7.1f} ms")
    for name, cmd in cases.items():
        t = median_seconds(cmd, runs)
        print(f"{name:34s} {t * 1000:7.1f} ms  ratio {t / floor:4.2f}x  (goal <= 1.5x)")


def check_plan_section(runs: int) -> None:
    from sbrt_calc.plancheck.phantom import Phantom, write_phantom

    folder = Path(tempfile.mkdtemp(prefix="sbrt-bench-startup-"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_phantom(folder, Phantom())
    py = sys.executable
    rows = [
        ("interpreter alone (python -c pass)", [py, "-c", "pass"], (0,)),
        ("floor: import numpy, pydicom (whole)", [py, "-c", "import numpy, pydicom"], (0,)),
        ("check-plan start-up: its imports, no file read", [py, "-c", CHECK_PLAN_IMPORTS], (0,)),
        ("whole check-plan on the analytic phantom", [py, "-m", "sbrt_calc", "check-plan", "--folder", str(folder),
                                                      "--format", "json"], (0, 1)),
    ]
    print(f"\n## check-plan: CPU seconds (user + sys) of a fresh process, median of {runs} "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    for name, cmd, ok in rows:
        c = cpu_seconds(cmd, runs, ok)
        print(f"{name:50s} {statistics.median(c):5.2f} s  (runs: {', '.join(f'{x:.2f}' for x in c)})")
    proc = subprocess.run([py, "-c", PHASES, str(folder)], capture_output=True, text=True, cwd=NEUTRAL_CWD, env=ENV,
                          check=True)
    phases = json.loads(proc.stdout.splitlines()[-1])
    whole = phases.pop("whole process")
    command = phases.pop("check-plan command (from argument parsing to output)")
    print("\nphases of one run (CPU seconds; the DVH engine's and the readers' share of the command):")
    for name, sec in phases.items():
        print(f"  {name:58s} {sec:5.3f}")
    inside = sum(v for k, v in phases.items() if not k.startswith("import"))
    print(f"  {'other steps of the command (names, grading, metrics, ...)':58s} {command - inside:5.3f}")
    imports = sum(v for k, v in phases.items() if k.startswith("import"))
    print(f"  {'interpreter start-up and the rest':58s} {whole - command - imports:5.3f}")
    print(f"  {'whole process':58s} {whole:5.3f}   (load average {os.getloadavg()[0]:.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="wall-time runs of each simple command")
    parser.add_argument("--cpu-runs", type=int, default=5, help="fresh processes timed for check-plan's figures")
    parser.add_argument("--skip-simple", action="store_true", help="only the check-plan section")
    args = parser.parse_args()
    if not args.skip_simple:
        simple_section(args.runs)
    check_plan_section(args.cpu_runs)


if __name__ == "__main__":
    main()
