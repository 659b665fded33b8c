#!/usr/bin/env python3
"""Cold start of sbrt-calc-gui to its first shown window, against a bare PySide6 window.

Each run is a fresh interpreter (wall time from spawn until the process exits right after the
window is shown, so interpreter start and teardown count for both). Goal: ratio <= 1.5 and
the app under 1 s. Uses Qt's offscreen platform unless QT_QPA_PLATFORM is set.

Two app figures: the first shown window (``SBRT_CALC_EXIT_WHEN_SHOWN=first``: the window is on
screen, numpy and matplotlib not yet imported; the issue's measure) and the filled window
(``=1``: the case's rows evaluated in it; matplotlib still comes after).

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
    t0 = time.perf_counter()
    # from a neutral folder, so that `python -m sbrt_calc.gui.app` imports the installed package
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   cwd=tempfile.gettempdir())
    return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, SBRT_CALC_SETTINGS_DIR=f"{tmp}/s", SBRT_CALC_DATA_DIR=f"{tmp}/d",
                   SBRT_CALC_EXIT_WHEN_SHOWN="1", SBRT_CALC_RECOVER="no")
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        # an installed app runs from bytecode: allow it (in a throw-away cache, not in the tree)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = f"{tmp}/pycache"
        bare_cmd = [sys.executable, "-c", BARE]
        app_cmd = [sys.executable, "-m", "sbrt_calc.gui.app"]
        first_env = dict(env, SBRT_CALC_EXIT_WHEN_SHOWN="first")
        timed(bare_cmd, env)   # warm the file cache: we compare cold *process* starts, not cold disks
        timed(app_cmd, env)
        bare, app, filled = [], [], []
        for _ in range(args.runs):   # interleaved so that drift affects both alike
            bare.append(timed(bare_cmd, env))
            app.append(timed(app_cmd, first_env))
            filled.append(timed(app_cmd, env))
    b, a, f = statistics.median(bare), statistics.median(app), statistics.median(filled)
    print(f"platform                   {env['QT_QPA_PLATFORM']}, {args.runs} runs each (median)")
    print(f"bare PySide6 window        {b * 1000:7.1f} ms")
    print(f"sbrt-calc-gui first window {a * 1000:7.1f} ms   = {a / b:.2f} x bare   (goal <= 1.5 x, < 1000 ms)")
    print(f"sbrt-calc-gui rows filled  {f * 1000:7.1f} ms   = {f / b:.2f} x bare")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
