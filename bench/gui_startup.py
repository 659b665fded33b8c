#!/usr/bin/env python3
"""Cold start of sbrt-calc-gui to its first shown window, against a bare PySide6 window.

Each run is a fresh interpreter (from spawn until the process exits right after the window is shown, so
interpreter start and teardown count for both), measured in CPU time (user + sys of the child: fair on a
shared, loaded machine) and in wall time. Goal (issue 21): the table with its verdicts within 1.6 x the bare
window. Uses Qt's offscreen platform unless QT_QPA_PLATFORM is set. ``bench/gui_latency.py`` prints these
beside the model switch and the edit, in one run.

Two app figures: the first shown window (``SBRT_CALC_EXIT_WHEN_SHOWN=first``: the window is on
screen, numpy and matplotlib not yet imported; it quits at the event loop's first turn) and the filled window
(``=1``: the case's rows evaluated in it and the filled table painted; matplotlib still comes after; the goal's
figure). The bare window ends as the filled one does: after its first paint, seen by the same kind of paint watch
(an event filter, :func:`sbrt_calc.gui.app.after_next_paint`). Until stop 29 it quit at the event loop's first
turn, before any paint (so its figure lacked the paint and the watch the app's includes, ~3-6 ms CPU): that
figure is still printed, and the filled window's ratio over it.

    python bench/gui_startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

BARE = """
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
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
QTimer.singleShot(1000, app.quit)   # as the app's watch: a window that never paints ends anyway
app.exec()
"""
#: the bare window as timed before stop 29: it quit at the event loop's first turn, before its first paint (its
#: figure ended earlier than the app's, which ends after the filled table's paint); printed for comparison
BARE_UNPAINTED = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow()
w.resize(1280, 800)
w.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""


def timed(cmd: list[str], env: dict[str, str]) -> float:
    """Wall time of one run, s (see :func:`cpu_timed` for its CPU time)."""
    return run(cmd, env)[0]


def cpu_timed(cmd: list[str], env: dict[str, str]) -> float:
    """CPU time (user + sys) of one run of ``cmd``, s: on a shared, loaded machine the fairer measure."""
    return run(cmd, env)[1]


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) time of one run, s."""
    import resource

    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    # from a neutral folder, so that `python -m sbrt_calc.gui.app` imports the installed package
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   cwd=tempfile.gettempdir())
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def app_env(tmp: str) -> dict[str, str]:
    """The environment of a cold start: fresh settings and data folders, bytecode in a throw-away cache."""
    env = dict(os.environ, SBRT_CALC_SETTINGS_DIR=f"{tmp}/s", SBRT_CALC_DATA_DIR=f"{tmp}/d",
               SBRT_CALC_EXIT_WHEN_SHOWN="1", SBRT_CALC_RECOVER="no")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # an installed app runs from bytecode: allow it (in a throw-away cache, not in the tree)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = f"{tmp}/pycache"
    return env


def cold_starts(runs: int, tmp: str) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds of the bare window (to its first paint, as the app's figures end after theirs; and
    quitting before it, as before stop 29), the app's first window and its filled table (rows and their verdicts),
    runs interleaved so that drift affects all alike."""
    env = app_env(tmp)
    bare_cmd = [sys.executable, "-c", BARE]
    app_cmd = [sys.executable, "-m", "sbrt_calc.gui.app"]
    first_env = dict(env, SBRT_CALC_EXIT_WHEN_SHOWN="first")
    run(bare_cmd, env)   # warm the file cache: we compare cold *process* starts, not cold disks
    run(app_cmd, env)
    out: dict[str, list[tuple[float, float]]] = {"bare": [], "bare_unpainted": [], "first": [], "filled": []}
    for _ in range(runs):
        out["bare"].append(run(bare_cmd, env))
        out["bare_unpainted"].append(run([sys.executable, "-c", BARE_UNPAINTED], env))
        out["first"].append(run(app_cmd, first_env))
        out["filled"].append(run(app_cmd, env))
    medians = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in out.items()}
    # each app run over the bare run of its own round (seconds apart), then the median: the machine's speed drifts
    # over a run (a shared virtual machine: the bare window's CPU moved 136-199 ms between runs minutes apart), and
    # a ratio of medians taken from different minutes carries that drift; (first window, filled table), CPU
    medians["paired_ratio"] = tuple(statistics.median(a[1] / b[1] for a, b in zip(out[k], out["bare"], strict=True))
                                    for k in ("first", "filled"))   # type: ignore[assignment]
    return medians


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        r = cold_starts(args.runs, tmp)
    (bw, bc), (aw, ac), (fw, fc) = r["bare"], r["first"], r["filled"]
    print(f"platform {os.environ.get('QT_QPA_PLATFORM', 'offscreen')}, {args.runs} runs each (median); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'':27s}{'CPU':>9s} {'ratio':>7s} {'wall':>9s} {'ratio':>7s}")
    print(f"bare PySide6 window        {bc * 1000:7.0f} ms {1:6.2f}x {bw * 1000:7.0f} ms {1:6.2f}x   (to its first paint)")
    print(f"sbrt-calc-gui first window {ac * 1000:7.0f} ms {ac / bc:6.2f}x {aw * 1000:7.0f} ms {aw / bw:6.2f}x")
    print(f"sbrt-calc-gui rows filled  {fc * 1000:7.0f} ms {fc / bc:6.2f}x {fw * 1000:7.0f} ms {fw / bw:6.2f}x"
          "   (goal <= 1.6 x: the table with its verdicts)")
    uw, uc = r["bare_unpainted"]
    print(f"  bare, quit before paint  {uc * 1000:7.0f} ms {uc / bc:6.2f}x {uw * 1000:7.0f} ms {uw / bw:6.2f}x"
          f"   (before stop 29; rows filled over it: {fc / uc:.2f}x CPU)")
    pf, pt = r["paired_ratio"]
    print(f"paired (each app run over its round's bare run, median of the ratios, CPU): first window {pf:.2f}x, "
          f"rows filled {pt:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
