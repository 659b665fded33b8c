#!/usr/bin/env python3
"""Where the app's cold start to the table with its verdicts spends its CPU, phase by phase (issue 21).

Each run is a fresh ``python -m sbrt_calc.gui.app`` (the command ``bench/gui_startup.py`` times; offscreen, fresh
settings and data folders, ``SBRT_CALC_EXIT_WHEN_SHOWN=1``) with ``SBRT_CALC_START_MARKS=1``: the app itself notes
the CPU time (``time.process_time``) at the end of each phase of its real start (:mod:`sbrt_calc.gui.app`) and
writes them at exit. The last phase, the process's exit after Python's exit handlers (Qt's and Python's
teardown), is the child's CPU (user + sys, from the parent) less the last mark, so the phases add up to the whole
process, the figure ``bench/gui_startup.py`` compares with a bare PySide6 window; a bare window is timed in the
same runs (alternated). Medians of ``--runs`` runs, with the load. ``--user-folders`` leaves the settings and data
folders to the platform's defaults (a user's start: ``QStandardPaths``, ``platformdirs``) instead of fresh ones.

Before stop 28 (real28) the child was a script that imitated the start (import the window, build, show, fill);
it missed what ``main()`` does around that (the platform check, settings and the application's names, the garbage
collector's handling, the paint watch, the exit) and the process's exit: its sum was ~75 ms beyond the bare
window's whole process where the real start is ~108.

    python bench/gui_start_phases.py [--runs 5] [--user-folders]
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

# bench/gui_startup.py's bare window (to its first paint, since stop 29), with the same marks
BARE = """
import time
marks = [("interpreter start", time.process_time())]
import atexit, sys
def write():   # JSON written by hand: importing json would add to the bare window's figure
    marks.append(("the loop ended, PySide's exit handlers", time.process_time()))
    sys.stderr.write("START_MARKS=[" + ", ".join('["%s", %r]' % m for m in marks) + "]" + chr(10))
atexit.register(write)
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
marks.append(("import PySide6.QtWidgets", time.process_time()))
app = QApplication([])
w = QMainWindow()
w.resize(1280, 800)
class Watch(QObject):   # the app's own end mark (gui/app.py after_next_paint): quit once the window has painted
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, app.quit)
        return False
watch = Watch()
w.installEventFilter(watch)
w.show()
marks.append(("QApplication, the window built and shown", time.process_time()))
QTimer.singleShot(1000, app.quit)
app.exec()
marks.append(("events: the window's paint (seen by a paint watch, as the app's)", time.process_time()))
"""
EXIT = "process exit after the atexit handlers (Qt's and Python's teardown)"


def cpu_run(cmd: list[str], env: dict[str, str], cwd: str) -> tuple[float, str]:
    """(CPU s, user + sys, of the child; its stderr)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=True)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), out.stderr


def phases(stderr: str, cpu_s: float) -> list[tuple[str, float]]:
    """The CPU of each phase (s) from the app's marks, the process's exit last (``cpu_s`` less the last mark)."""
    marks = json.loads(next(x for x in stderr.splitlines() if x.startswith("START_MARKS="))[12:])
    out = [(name, t - (marks[k - 1][1] if k else 0.0)) for k, (name, t) in enumerate(marks)]
    return out + [(EXIT, cpu_s - marks[-1][1])]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--user-folders", action="store_true",
                        help="the platform's settings and data folders (a user's start), not fresh ones")
    args = parser.parse_args()
    load0 = os.getloadavg()[0]
    runs: list[list[tuple[str, float]]] = []
    bare: list[list[tuple[str, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, SBRT_CALC_SETTINGS_DIR=f"{tmp}/s", SBRT_CALC_DATA_DIR=f"{tmp}/d",
                   SBRT_CALC_RECOVER="no", SBRT_CALC_EXIT_WHEN_SHOWN="1", SBRT_CALC_START_MARKS="1",
                   PYTHONPYCACHEPREFIX=f"{tmp}/pycache")
        if args.user_folders:
            del env["SBRT_CALC_SETTINGS_DIR"], env["SBRT_CALC_DATA_DIR"]
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        env.pop("PYTHONDONTWRITEBYTECODE", None)   # an installed app runs from bytecode
        app_cmd = [sys.executable, "-m", "sbrt_calc.gui.app"]
        for i in range(args.runs + 1):   # the first run writes the bytecode and the caches: not counted
            bare_s, bare_err = cpu_run([sys.executable, "-c", BARE], env, tmp)
            cpu_s, err = cpu_run(app_cmd, env, tmp)
            if i:
                bare.append(phases(bare_err, bare_s))
                runs.append(phases(err, cpu_s))
    names = [name for name, _ in runs[0]]
    print(f"platform {env['QT_QPA_PLATFORM']}; {'user' if args.user_folders else 'fresh'} settings and data "
          f"folders; load average {load0:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; CPU ms, "
          f"medians of {args.runs} fresh runs")
    total = 0.0
    for k, name in enumerate(names):
        ms = statistics.median(r[k][1] for r in runs) * 1000
        total += ms
        print(f"{name:74s} {ms:7.1f}")
    whole = statistics.median(sum(t for _, t in r) for r in runs) * 1000
    print(f"{'sum of the medians':74s} {total:7.1f}")
    print(f"{'the whole process (median)':74s} {whole:7.1f}")
    print("a bare PySide6 window (bench/gui_startup.py's; the same runs, alternated):")
    for k, (name, _) in enumerate(bare[0]):
        print(f"  {name:72s} {statistics.median(r[k][1] for r in bare) * 1000:7.1f}")
    bare_ms = statistics.median(sum(t for _, t in r) for r in bare) * 1000
    print(f"  {'the whole process (median)':72s} {bare_ms:7.1f}")
    print(f"{'the app beyond the bare window':74s} {whole - bare_ms:7.1f}   ({whole / bare_ms:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
