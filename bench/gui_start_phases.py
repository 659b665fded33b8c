#!/usr/bin/env python3
"""Where the app's cold start to the table with its verdicts spends its CPU, phase by phase (issue 21).

Each run is a fresh interpreter that goes through the start as ``sbrt-calc-gui`` does (offscreen), each phase
taken apart in the order the app meets it, timed with ``time.process_time`` (CPU of the process); the medians
of ``--runs`` runs are printed, with the load. It complements ``bench/gui_latency.py`` (whose cold-start
figures are whole processes, interpreter start and exit included): what the first table costs beyond a bare
window, and what could still be cut. Since stop 28 the first table's rows are evaluated without numpy (a few rows
in plain Python): the start's phases no longer import it, and the last line says whether it was loaded.
``--numpy`` imports it in a phase of its own after the first window (the phase list before stop 28).

    python bench/gui_start_phases.py [--runs 5] [--numpy]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

CHILD = r"""
import json, time
T = time.process_time
marks = [("interpreter start (site, encodings)", T())]
def mark(name):
    marks.append((name, T()))
try:   # as the app's entry point does (stop 27; imported before PySide6); older trees have no such module
    from sbrt_calc.gui import pyside_feature_check
except ImportError:
    pyside_feature_check = None
mark("the app's package (sbrt_calc.gui, imported before PySide6)")
from PySide6.QtWidgets import QApplication; mark("import PySide6.QtWidgets (the bare window pays it too)")
if pyside_feature_check is not None:
    pyside_feature_check.install()
app = QApplication(["sbrt-calc-gui"]); mark("QApplication")
from PySide6.QtCore import Qt; Qt.AlignmentFlag; mark("Qt namespace: its ~90 enums made on first use")
from sbrt_calc.gui.main_window import MainWindow; mark("import the window's modules (gui, case; Qt classes)")
w = MainWindow(deferred=True); mark("the first window built (empty table with its columns)")
w.show(); app.processEvents(); mark("shown, first events (the empty window painted)")
if WITH_NUMPY:
    import numpy; mark("import numpy")
import sbrt_calc.evaluation, sbrt_calc.tables; mark("import the core's evaluation and table columns")
from sbrt_calc.presets.radiobiology import radiobiology; radiobiology(); mark("radiobiology presets read")
w.finish_start(None); mark("finish_start: rows evaluated, table filled")
app.processEvents(); mark("events: layout and the filled table's paint")
w.undo_stack.setClean()
import sys
print("NUMPY=" + json.dumps("numpy" in sys.modules))
print("PHASES=" + json.dumps([(n, t) for n, t in marks]))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--numpy", action="store_true", help="import numpy in a phase of its own (before stop 28)")
    args = parser.parse_args()
    child = f"WITH_NUMPY = {args.numpy}\n" + CHILD
    numpy_loaded = []
    load0 = os.getloadavg()[0]
    runs: list[list[tuple[str, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, SBRT_CALC_SETTINGS_DIR=f"{tmp}/s", SBRT_CALC_DATA_DIR=f"{tmp}/d",
                   SBRT_CALC_RECOVER="no", PYTHONPYCACHEPREFIX=f"{tmp}/pycache")
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        env.pop("PYTHONDONTWRITEBYTECODE", None)   # an installed app runs from bytecode
        for i in range(args.runs + 1):   # the first run writes the bytecode: not counted
            out = subprocess.run([sys.executable, "-c", child], env=env, cwd=tmp, capture_output=True, text=True,
                                 check=True).stdout
            marks = json.loads(next(x for x in out.splitlines() if x.startswith("PHASES="))[7:])
            numpy_loaded.append(json.loads(next(x for x in out.splitlines() if x.startswith("NUMPY="))[6:]))
            if i:
                runs.append([(n, t - (marks[k - 1][1] if k else 0.0)) for k, (n, t) in enumerate(marks)])
    print(f"platform {os.environ.get('QT_QPA_PLATFORM', 'offscreen')}; load average {load0:.1f} -> "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; CPU ms, medians of {args.runs} fresh runs")
    total = 0.0
    for k, (name, _) in enumerate(runs[0]):
        ms = statistics.median(r[k][1] for r in runs) * 1000
        total += ms
        print(f"{name:62s} {ms:7.1f}")
    print(f"{'sum (process exit not included)':62s} {total:7.1f}")
    print(f"numpy loaded when the filled table was painted: {', '.join(sorted({str(x) for x in numpy_loaded}))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
