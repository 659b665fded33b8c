#!/usr/bin/env python3
"""Issue 21's GUI figures in one run, beside a bare PySide6 window's cold start, as CPU time and ratios.

- start: the bare window, the app's first window and its table filled with the verdicts (fresh interpreters;
  ``bench/gui_startup.py``'s measure), goal: filled <= 1.6 x bare;
- a model switch of 57 rows, first visit (nothing cached: rows evaluated, columns measured, the plot's new view
  drawn) and back and forth (cached), goal <= 0.25 x bare; the table part (switch, repaint, events) and the
  plot's part apart (a new view's axes and artists built and its full draw, both deferred to the next idle turn of
  the event loop since app26: ``draw_now`` does both), with the longest single block;
- an edit to table and plot (parse, undo command, core computation, the plot's points blitted, repaints),
  goal <= 16 ms;
- the same first visit as the app lives it, through the event loop (the switch arriving as one event, the plot's
  full draw rendered off the GUI thread when the loop is idle): the longest turn of the event loop in the GUI
  thread's own CPU time (``time.thread_time``), goal: none over 250 ms, and the GUI thread's CPU in all.

CPU time (user + sys; ``time.process_time`` in this process, ``getrusage`` of the children) is reported because
the machine may be shared: wall time is printed for the cold starts too. Offscreen platform unless set.

    python bench/gui_latency.py [--runs 5] [--edits 60]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time

ROWS = 57


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold starts of each kind, and model-switch samples")
    parser.add_argument("--edits", type=int, default=60)
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from gui_startup import cold_starts

    tmp = tempfile.mkdtemp()
    load0 = os.getloadavg()[0]
    starts = cold_starts(args.runs, tmp)
    bare_cpu = starts["bare"][1] * 1000

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.update(SBRT_CALC_SETTINGS_DIR=f"{tmp}/s", SBRT_CALC_DATA_DIR=f"{tmp}/d")
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from sbrt_calc.gui.main_window import MainWindow

    from sbrt_calc.case import CaseRegimen
    from sbrt_calc.regimen import Regimen

    cpu = time.process_time
    w = MainWindow()
    w.resize(1280, 800)
    w.show()
    w.plot.ensure_canvas()
    rows = [CaseRegimen.from_regimen(Regimen(round(24 + 0.75 * i, 2), (1, 3, 5, 8)[i % 4])) for i in range(ROWS)]
    w.model.replace_all(rows, w.model.settings())
    w.select_row(5)
    app.processEvents()
    w.plot.draw_now()
    app.processEvents()

    def switch(model: str) -> tuple[float, float]:
        """(table part, plot's full draw) of one switch, ms CPU."""
        t0 = cpu()
        w.set_model(model)
        w.table.viewport().repaint()
        t1 = cpu()
        w.plot.draw_now()        # the deferred full draw (nothing when the view was drawn before)
        t2 = cpu()
        app.processEvents()      # the column fit and the repaints Qt scheduled
        t3 = cpu()
        return (t1 - t0 + t3 - t2) * 1000, (t2 - t1) * 1000

    first: list[tuple[float, float]] = []
    for i in range(args.runs):
        for m in ("lql", "usc", "all", "lq"):
            w.plot._views.clear()
            w.model._by_settings.clear()
            w.bench._width_cache.clear()
            if m == "lq" and i % 2 == 0:
                continue
            first.append(switch(m))
    from PySide6.QtCore import QTimer

    beats: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(0)
    heartbeat.timeout.connect(lambda: beats.append(time.thread_time()))

    def lived(model: str) -> tuple[float, float]:
        """(longest GUI-thread turn of the event loop, GUI-thread CPU) of a first visit through the event loop, ms."""
        beats.clear()
        heartbeat.start()
        t0 = time.thread_time()
        QTimer.singleShot(0, lambda: w.set_model(model))   # as the model box's change arrives
        app.processEvents()
        while w.plot._job is not None or w.plot._full_draw_pending or len(beats) < 3:
            app.processEvents()
            time.sleep(0.001)
        app.processEvents()
        heartbeat.stop()
        ticks = [t0, *beats]
        return max(b - a for a, b in zip(ticks, ticks[1:], strict=False)) * 1000, (ticks[-1] - t0) * 1000

    loop: list[tuple[float, float]] = []
    for _ in range(args.runs):
        for m in ("lql", "usc", "all"):
            w.set_model("lq")
            w.plot.draw_now()
            app.processEvents()
            w.plot.forget_views()   # as a first visit in the app: no hidden axes left over from the others
            gc.collect()            # ...nor their garbage (the app never holds more than 4 views)
            w.model._by_settings.clear()
            w.bench._width_cache.clear()
            loop.append(lived(m))
    for m in ("lql", "usc", "all", "lq"):
        switch(m)                # every view drawn once: what follows is a return to a model seen before
    again = [switch(m) for _ in range(args.runs) for m in ("lql", "usc", "all", "lq")]

    edits = {}
    for k, (label, model) in enumerate((("LQ", "lq"), ("all three models", "all"))):
        w.set_model(model)
        app.processEvents()
        w.plot.draw_now()
        app.processEvents()
        col = w.model.column_of("total_dose_gy")
        samples = []
        for i in range(args.edits):
            value = f"{30 + (i % 2) * 1.5 + k * 0.25:g}"   # a new value in every edit
            t0 = cpu()
            w.model.setData(w.model.index(5, col), value)    # the selected row, as typing in its cell does
            w.plot.draw_now()
            app.processEvents()
            samples.append((cpu() - t0) * 1000)
        edits[label] = samples
    w.undo_stack.setClean()
    w.close()

    def line(name: str, ms: float, goal: str = "") -> None:
        print(f"{name:52s} {ms:8.1f} ms CPU  {ms / bare_cpu:6.2f} x bare  {goal}")

    (bw, bc), (aw, ac), (fw, fc) = starts["bare"], starts["first"], starts["filled"]
    print(f"platform {os.environ['QT_QPA_PLATFORM']}; load average {load0:.1f} -> {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs; medians ({args.runs} cold starts of each kind, interleaved)")
    line("bare PySide6 window, cold start", bc * 1000, f"(wall {bw * 1000:.0f} ms)")
    line("sbrt-calc-gui first window, cold start", ac * 1000, f"(wall {aw * 1000:.0f} ms)")
    line("sbrt-calc-gui table with its verdicts, cold start", fc * 1000,
         f"(wall {fw * 1000:.0f} ms; goal <= 1.6 x)")
    for name, s in (("first visit", first), ("back and forth", again)):
        table = statistics.median(t for t, _ in s)
        plot = statistics.median(p for _, p in s)
        total = statistics.median(t + p for t, p in s)
        line(f"model switch, {ROWS} rows, {name}: table + plot", total, "(goal <= 0.25 x)")
        line("  table (switch, repaint, events)", table)
        line("  plot: new view built, full draw (next idle turn)", plot,
             f"(longest {max(p for _, p in s):.0f} ms; goal: no block over 250 ms)")
    line("first visit through the event loop: longest GUI-thread turn", statistics.median(b for b, _ in loop),
         f"(longest {max(b for b, _ in loop):.0f} ms; goal: none over 250 ms)")
    line("  GUI thread's CPU in all (the plot drawn off it)", statistics.median(c for _, c in loop))
    for label, s in edits.items():
        s = sorted(s)
        line(f"edit -> table + plot, {label}, median", statistics.median(s),
             f"(p90 {s[int(0.9 * len(s))]:.1f} ms; goal <= 16 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
