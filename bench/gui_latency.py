#!/usr/bin/env python3
"""Edit-to-updated latency of the table and the plot, 20-row table (goal: median <= 16 ms).

One sample: set a cell through the model (as the editor delegate does: parse, undo command,
core computation, the plot's points blitted), then run the event loop until every repaint
Qt scheduled (the changed table row, the banner, the working panel) is done. A second figure
forces a repaint of the whole table viewport as well (the pessimistic case). Offscreen platform
unless set.

    python bench/gui_latency.py [--edits 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time


def bare_window_ms(runs: int = 5) -> float:
    """Median cold start of a bare PySide6 window (bench/gui_startup.py's), in ms: the machine's yardstick."""
    import subprocess
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    from gui_startup import BARE

    times = []
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", BARE], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       cwd=tempfile.gettempdir())
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times[1:])   # the first warms the file cache


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=200)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.update(SBRT_CALC_SETTINGS_DIR=f"{tmp}/s", SBRT_CALC_DATA_DIR=f"{tmp}/d")
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from sbrt_calc.gui.main_window import MainWindow
    from sbrt_calc.gui.sweep_dialog import sweep_regimens

    from sbrt_calc.case import CaseRegimen

    w = MainWindow()
    w.resize(1280, 800)
    w.show()
    w.plot.ensure_canvas()
    regs, _ = sweep_regimens(24, 48, 6, 3, 6)          # 5 doses x 4 fraction counts = 20 rows
    w.model.replace_all([CaseRegimen.from_regimen(r) for r in regs], w.model.settings())
    w.select_row(5)
    app.processEvents()
    w.plot.canvas.draw()                                 # first full draw caches the background
    app.processEvents()
    results = {}
    for label, model in (("LQ", "lq"), ("all three models", "all")):
        w.set_model(model)
        app.processEvents()
        w.plot.canvas.draw()
        app.processEvents()
        col = w.model.column_of("total_dose_gy")
        for full_table in (False, True):
            samples = []
            for i in range(args.edits):
                row = i % 20
                value = f"{30 + (i % 17) * 1.5:g}"
                t0 = time.perf_counter()
                w.model.setData(w.model.index(row, col), value)
                w.plot.draw_now()
                if full_table:
                    w.table.viewport().repaint()
                app.processEvents()
                samples.append((time.perf_counter() - t0) * 1000)
            results[f"{label}{', whole table' if full_table else ''}"] = samples
    # model change: the first time (nothing cached: rows evaluated, columns measured, the plot fully drawn) and
    # switching back and forth (the app keeps each model's evaluation, column widths and drawn plot)
    first = []
    for i in range(10):
        w.plot._views.clear()
        w.model._by_settings.clear()
        w.bench._width_cache.clear()
        t0 = time.perf_counter()
        w.set_model("lql" if i % 2 else "lq")
        w.plot.draw_now()
        w.table.viewport().repaint()
        app.processEvents()
        first.append((time.perf_counter() - t0) * 1000)
    full = []
    for i in range(20):
        t0 = time.perf_counter()
        w.set_model("lql" if i % 2 else "lq")
        w.plot.draw_now()                     # the one full draw the switch schedules
        w.table.viewport().repaint()
        app.processEvents()
        full.append((time.perf_counter() - t0) * 1000)
    bare = bare_window_ms()
    print(f"20-row table, {args.edits} edits each, platform {os.environ['QT_QPA_PLATFORM']}")
    print(f"bare PySide6 window cold start (reference, median of 5)  {bare:6.1f} ms")
    for label, s in results.items():
        s = sorted(s)
        print(f"edit -> table+plot ({label:28s}) median {statistics.median(s):6.2f} ms   p90 {s[int(0.9 * len(s))]:6.2f} ms"
              f"   (goal median <= 16 ms; {statistics.median(s) / bare:.3f} x bare window)")
    m0 = statistics.median(first)
    print(f"model change, first time (full redraw) median {m0:6.2f} ms   = {m0 / bare:.2f} x the bare window's cold "
          "start")
    m = statistics.median(full)
    print(f"model change, back and forth        median {m:6.2f} ms   = {m / bare:.2f} x the bare window's cold start "
          "(goal < 0.25)")
    w.undo_stack.setClean()
    w.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
