#!/usr/bin/env python3
"""Issue 21's GUI figures in one run, beside a bare PySide6 window's cold start, as CPU time and ratios.

- start: the bare window, the app's first window and its table filled with the verdicts (fresh interpreters;
  ``bench/gui_startup.py``'s measure), goal: filled <= 1.6 x bare;
- a model switch of 57 rows, first visit, two ways: nothing prepared (cold: rows evaluated, cells made, columns
  measured, the plot's new view built and drawn) and prepared while the app was idle (app27v,
  ``gui/idle_preparation.py``: the other models' cells, widths and plot image made beforehand); and back and forth
  (cached); goal <= 0.25 x bare; the table part (switch, repaint, events) and the plot's part apart (a new view's
  axes and artists built and its full draw: ``draw_now`` does both here, in this thread; the app does both in a
  render's thread since stop 30, which the event loop's lines below measure), with the longest single block;
- an edit to table and plot (parse, undo command, core computation, the plot's points blitted, repaints),
  goal <= 16 ms; and the same edit arriving while a preparation's render is in flight off the GUI thread (the edit
  cancels it: CPU of the GUI thread and wall time, the worst case for the GIL); and that edit as a key press arriving
  0-60 ms after the preparation was asked for, timed from its arrival (stop 30); and the edit arriving while a
  first visit's render is in flight (the shown view's: it stops the render, drawn again when idle; stop 32);
- the idle preparation through the event loop: the longest GUI-thread turn it takes (its steps);
- the same first visit as the app lives it, through the event loop (the switch arriving as one event, the plot's
  full draw rendered off the GUI thread when the loop is idle): the longest turn of the event loop in the GUI
  thread's own CPU time (``time.thread_time``), goal: none over 250 ms, and the GUI thread's CPU in all (stop 32:
  in runs of their own with the loop idle between events, as the app's; the turns' timing heartbeat woke the GUI
  thread each millisecond of the render and is printed apart); and the
  first visit in wall time too (stop 31: to the last paint of the window's widgets but the plot, and to the
  plot's new image; separate runs, an event filter seeing the paints); and the
  same for a first visit prepared while idle (no explicit repaint: one layout and paint, as in the app; the
  table part above repaints explicitly, and again when the banner's height changes the table's).

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
from dataclasses import replace

ROWS = 57


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold starts of each kind, and model-switch samples")
    parser.add_argument("--edits", type=int, default=60)
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from gui_startup import BARE, app_env, cold_starts, run

    tmp = tempfile.mkdtemp()
    load0 = os.getloadavg()[0]
    starts = cold_starts(args.runs, tmp)
    bare_env = app_env(tmp)   # before the app's package sets Qt's environment here: the bare window keeps Qt's own
    bare_cpu = starts["bare"][1] * 1000

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.update(SBRT_CALC_SETTINGS_DIR=f"{tmp}/s", SBRT_CALC_DATA_DIR=f"{tmp}/d")
    # the app's package sets Qt's environment as in the app (gui/qt_environment.py); imported after the cold
    # starts, whose bare window keeps Qt's default
    import sbrt_calc.gui  # noqa: F401
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

    def forget() -> None:
        """Nothing cached or prepared for any model: the next switch is a first visit."""
        w.plot.forget_views()
        w.model._by_settings.clear()
        w.bench._width_cache.clear()
        # the working panel's kept texts (working31) but the shown one: the bench's rows are the same in every run, and
        # a first visit's working text, kept from the run before, was swapped in without being parsed
        kept = w.working._documents
        for text in list(kept)[:-1]:
            kept.pop(text).deleteLater()

    def prepare_now() -> None:
        """What the app does when idle, here at once: every other model prepared. The preparation's throw-away
        header views (its widths' probes, deleted later) are deleted now, as in the app, whose preparation runs in
        its event loop (stop 31, rest31: the bench's processEvents never deleted them, and the next switch's loop
        did, ~0.5 ms counted in the prepared lines)."""
        from PySide6.QtCore import QCoreApplication, QEvent

        w.bench.preparation.prepare_all_now()
        app.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def back_to_lq_cold() -> None:
        """LQ shown and drawn, nothing of another model cached or prepared (no hidden axes left over from the others:
        as a first visit in the app) and their garbage collected (the app never holds more than 4 views): the next
        switch to another model is a first visit with nothing prepared."""
        w.set_model("lq")
        w.plot.draw_now()
        app.processEvents()
        forget()
        gc.collect()

    first: list[tuple[float, float]] = []
    for i in range(args.runs):
        for m in ("lql", "usc", "all", "lq"):
            forget()
            if m == "lq" and i % 2 == 0:
                continue
            first.append(switch(m))
    prepared: list[tuple[float, float]] = []
    for i in range(args.runs):
        for m in ("lql", "usc", "all", "lq"):
            forget()
            if m == "lq" and i % 2 == 0:
                continue
            prepare_now()
            prepared.append(switch(m))
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

    from PySide6.QtCore import QEventLoop

    def lived_passive(model: str) -> float:
        """The GUI thread's CPU of a first visit through an event loop left idle between its events, ms: the switch
        arriving as one event, to the render's end (a 20-ms timer looks). :func:`lived`'s 0-ms heartbeat and its
        ``processEvents`` loop woke the GUI thread about every millisecond while the render ran, each time taking the
        interpreter from the render's thread: ~1.8 ms of GUI CPU a first visit that the app's loop, asleep until its
        next event, does not spend (stop 32: 21.1 vs 19.4 ms, 24 switches each, alternating in one process). Its
        turns are timed by :func:`lived` in runs of their own."""
        loop = QEventLoop()
        look = QTimer()
        look.setInterval(20)
        ended = []

        def check() -> None:
            if w.plot._job is None and not w.plot._full_draw_pending:
                ended.append(True)
                if len(ended) >= 2:   # and the turn after the render's end (its image shown)
                    loop.quit()

        look.timeout.connect(check)
        t0 = time.thread_time()
        QTimer.singleShot(0, lambda: w.set_model(model))   # as the model box's change arrives
        look.start()
        loop.exec()
        look.stop()
        return (time.thread_time() - t0) * 1000

    def lived_preparation() -> tuple[float, float]:
        """(longest GUI-thread turn, GUI-thread CPU) of the idle preparation of the three other models through the
        event loop (from its first step to the last render's end), ms."""
        prep = w.bench.preparation
        beats.clear()
        heartbeat.start()
        t0 = time.thread_time()
        prep.start()
        prep._idle.start(0)        # idle already (the bench sends no input)
        deadline = time.perf_counter() + 30
        while len(w.plot.prepared_views()) < 3 and time.perf_counter() < deadline:
            app.processEvents()
            time.sleep(0.001)
        app.processEvents()
        heartbeat.stop()
        prep.stop()
        ticks = [t0, *beats]
        return max(b - a for a, b in zip(ticks, ticks[1:], strict=False)) * 1000, (ticks[-1] - t0) * 1000

    loop: list[tuple[float, float]] = []
    for _ in range(args.runs):
        for m in ("lql", "usc", "all"):
            back_to_lq_cold()
            loop.append(lived(m))
    loop_cpu: list[float] = []
    #: each of those first visits over a bare window's cold start run just before it (stop 32): the machine's speed
    #: drifts within a run (a shared virtual machine: the bare window 141 vs 201 ms in two runs minutes apart, the
    #: app's lines with it), and a ratio to the bare windows of the run's first minute carries that drift
    loop_ratio: list[float] = []
    for _ in range(args.runs):
        for m in ("lql", "usc", "all"):
            back_to_lq_cold()
            bare_now = run([sys.executable, "-c", BARE], bare_env)[1] * 1000
            loop_cpu.append(lived_passive(m))
            loop_ratio.append(loop_cpu[-1] / bare_now)
    # the same first visit in wall time (stop 31): from the switch to the last paint of the window's widgets but the
    # plot (the table, its frozen column, headers, banner, working panel), and to the plot's new image; an event filter
    # on the application sees every paint (its own cost kept out of the CPU lines above: separate runs)
    from PySide6.QtCore import QEvent, QObject

    paint_type = QEvent.Type.Paint
    painted: list[tuple[float, bool]] = []

    class _Paints(QObject):
        def eventFilter(self, obj: object, event: QEvent) -> bool:  # noqa: N802 - Qt's name
            if event.type() == paint_type:
                painted.append((time.perf_counter(), obj is w.plot.canvas))
            return False

    def lived_wall(model: str) -> tuple[float, float]:
        """(the window's last paint but the plot's, the plot's last paint) after a first visit's switch, ms wall."""
        painted.clear()
        at: list[float] = []

        def switch_now() -> None:
            at.append(time.perf_counter())
            w.set_model(model)

        QTimer.singleShot(0, switch_now)
        app.processEvents()
        while w.plot._job is not None or w.plot._full_draw_pending or not at:
            app.processEvents()
            time.sleep(0.001)
        for _ in range(3):
            app.processEvents()
            time.sleep(0.002)
        widgets = [t for t, canvas in painted if not canvas]
        plot = [t for t, canvas in painted if canvas]
        return ((max(widgets) - at[0]) * 1000 if widgets else 0.0), ((max(plot) - at[0]) * 1000 if plot else 0.0)

    paints_filter = _Paints()
    loop_wall: list[tuple[float, float]] = []
    for _ in range(args.runs):
        for m in ("lql", "usc", "all"):
            back_to_lq_cold()
            app.installEventFilter(paints_filter)
            loop_wall.append(lived_wall(m))
            app.removeEventFilter(paints_filter)
    loop_prepared: list[tuple[float, float]] = []
    for _ in range(args.runs):
        for m in ("lql", "usc", "all"):
            back_to_lq_cold()
            prepare_now()
            loop_prepared.append(lived(m))
    loop_prepared_cpu: list[float] = []
    for _ in range(args.runs):
        for m in ("lql", "usc", "all"):
            back_to_lq_cold()
            prepare_now()
            loop_prepared_cpu.append(lived_passive(m))
    prep_loop = []
    for _ in range(max(2, args.runs // 2)):
        back_to_lq_cold()
        prep_loop.append(lived_preparation())
    for m in ("lql", "usc", "all", "lq"):
        switch(m)                # every view drawn once: what follows is a return to a model seen before
    again = [switch(m) for _ in range(args.runs) for m in ("lql", "usc", "all", "lq")]

    edits = {}
    walls: list[float] = []   # every edit's wall time (a baseline for the edit with a render in flight)
    for k, (label, model) in enumerate((("LQ", "lq"), ("all three models", "all"),
                                        ("LQ, idle preparation on", "lq"))):
        if k == 2:   # as in the app: its application-wide input filter sees every event, each edit defers it
            w.bench.preparation.start()
        w.set_model(model)
        app.processEvents()
        w.plot.draw_now()
        app.processEvents()
        col = w.model.column_of("total_dose_gy")
        samples = []
        for i in range(args.edits):
            value = f"{30 + (i % 2) * 1.5 + k * 0.25:g}"   # a new value in every edit
            t0, p0 = cpu(), time.perf_counter()
            w.model.setData(w.model.index(5, col), value)    # the selected row, as typing in its cell does
            w.plot.draw_now()
            app.processEvents()
            samples.append((cpu() - t0) * 1000)
            walls.append((time.perf_counter() - p0) * 1000)
        edits[label] = samples
    w.bench.preparation.stop()
    # the edit arriving while a preparation's render is in flight: GUI-thread CPU and wall time (the render is
    # cancelled at its next drawing call; the worker's own CPU is not the GUI thread's)
    w.set_model("lq")
    app.processEvents()
    w.plot.draw_now()
    app.processEvents()
    col = w.model.column_of("total_dose_gy")
    in_flight: list[tuple[float, float]] = []
    others = ("lql", "usc", "all")
    for i in range(args.edits // 2):
        forget()                                 # a view of that model not drawn yet
        settings = replace(w.model.settings(), model=others[i % 3])
        for _ in w.model.prepare_steps(settings):
            pass
        # (the views forgotten: thousands of objects; stop 31: a collection of them started by the render's thread,
        # 60-85 ms holding the interpreter, made this line's longest and p90: not the cancel's, as in the line below)
        gc.collect()
        assert w.plot.prepare_view(w.model.evaluation_for(settings))
        time.sleep(0.02 + 0.01 * (i % 5))      # the render well under way (20-60 ms into its ~150-200 ms)
        t0, c0 = time.perf_counter(), time.thread_time()
        w.model.setData(w.model.index(5, col), f"{30 + (i % 2) * 1.5 + 0.5:g}")
        w.plot.draw_now()
        app.processEvents()
        in_flight.append(((time.thread_time() - c0) * 1000, (time.perf_counter() - t0) * 1000))
    # the same edit as a key press lives it (stop 30): it arrives 0-60 ms after the preparation was asked for
    # (during its view's build, then its draw), the app's input filter stops the preparation first, and its latency
    # counts from its arrival, whatever the GUI thread was doing then (before stop 30 the view was built in the GUI
    # thread's turn that asked for the preparation: a key arriving then waited for that turn, which the line above,
    # timed from after prepare_view returned, did not see)
    arrival: list[float] = []
    for i in range(args.edits // 2):
        forget()
        settings = replace(w.model.settings(), model=others[i % 3])
        for _ in w.model.prepare_steps(settings):
            pass
        gc.collect()   # (the views forgotten: thousands of objects; a collection's pause is not the cancel's)
        asked = time.perf_counter()
        assert w.plot.prepare_view(w.model.evaluation_for(settings))
        t0 = asked + 0.001 * ((i * 37) % 61)      # the key's arrival, spread over 0-60 ms
        now = time.perf_counter()
        if now < t0:
            time.sleep(t0 - now)
        w.plot.stop_preparation()                # what the input filter does with the key press
        w.model.setData(w.model.index(5, col), f"{30 + (i % 2) * 1.5 + 0.5:g}")
        w.plot.draw_now()
        app.processEvents()
        arrival.append((time.perf_counter() - t0) * 1000)
    # the same edit arriving while a first visit's render is in flight (stop 32): the shown view's render, started
    # after the window's paint and 20-60 ms under way; the edit's wall time to the table and plot updated (before
    # stop 32 it waited for the rest of the render; since, it stops the render, drawn again when the loop is idle)
    in_first_visit: list[tuple[float, float, float]] = []
    for i in range(args.edits // 2):
        back_to_lq_cold()
        w.set_model(others[i % 3])
        while w.plot._job is None and w.plot.full_draw_coming():   # the render starts after the window's paint
            app.processEvents()
            time.sleep(0.001)
        time.sleep(0.02 + 0.01 * (i % 5))
        t0, c0 = time.perf_counter(), time.thread_time()
        w.model.setData(w.model.index(5, col), f"{30 + (i % 2) * 1.5 + 0.5:g}")
        app.processEvents()
        cpu_ms, wall_ms = (time.thread_time() - c0) * 1000, (time.perf_counter() - t0) * 1000
        while w.plot.full_draw_coming():    # the view's image with the edit (drawn again, or the render's end)
            app.processEvents()
            w.plot.wait_for_render()
            time.sleep(0.001)
        in_first_visit.append((cpu_ms, wall_ms, (time.perf_counter() - t0) * 1000))
    w.undo_stack.setClean()
    w.close()

    def line(name: str, ms: float, goal: str = "") -> None:
        print(f"{name:52s} {ms:8.1f} ms CPU  {ms / bare_cpu:6.2f} x bare  {goal}")

    (bw, bc), (aw, ac), (fw, fc) = starts["bare"], starts["first"], starts["filled"]
    print(f"platform {os.environ['QT_QPA_PLATFORM']}; load average {load0:.1f} -> {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs; medians ({args.runs} cold starts of each kind, interleaved)")
    line("bare PySide6 window, cold start (to its first paint)", bc * 1000, f"(wall {bw * 1000:.0f} ms)")
    uc = starts["bare_unpainted"][1] * 1000
    line("  bare, quit before its first paint (before stop 29)", uc,
         f"(the table with its verdicts over it: {fc * 1000 / uc:.2f} x)")
    line("sbrt-calc-gui first window, cold start", ac * 1000, f"(wall {aw * 1000:.0f} ms)")
    line("sbrt-calc-gui table with its verdicts, cold start", fc * 1000,
         f"(wall {fw * 1000:.0f} ms; goal <= 1.6 x)")
    print(f"  the same, paired: each run over its round's bare run, median of the ratios      "
          f"{starts['paired_ratio'][1]:6.2f} x bare  (first window {starts['paired_ratio'][0]:.2f} x)")
    for name, s in (("first visit, nothing prepared (cold)", first), ("first visit, prepared while idle", prepared),
                    ("back and forth", again)):
        table = statistics.median(t for t, _ in s)
        plot = statistics.median(p for _, p in s)
        total = statistics.median(t + p for t, p in s)
        cold = s is first
        line(f"model switch, {ROWS} rows, {name}: table + plot", total,
             "(the plot drawn here in the GUI thread; the app: the event loop's lines below)" if cold
             else "(goal <= 0.25 x)")
        line("  table (switch, repaint, events)", table)
        # draw_now builds the new view and draws it in this thread; the app does both in a render's thread (stop 30:
        # the build too), which the event loop's lines below measure: this line is the work, not a GUI-thread block
        line("  plot: new view built, full draw (draw_now, this thread)", plot,
             f"(longest {max(p for _, p in s):.0f} ms; in the app off the GUI thread)")
    line("idle preparation of 3 models via the loop: longest turn", statistics.median(b for b, _ in prep_loop),
         f"(longest {max(b for b, _ in prep_loop):.0f} ms; GUI thread's CPU in all "
         f"{statistics.median(c for _, c in prep_loop):.0f} ms, the renders off it)")
    line("first visit through the event loop: longest GUI-thread turn", statistics.median(b for b, _ in loop),
         f"(longest {max(b for b, _ in loop):.0f} ms; goal: none over 250 ms)")
    line("  GUI thread's CPU in all (the plot drawn off it)", statistics.median(loop_cpu),
         "(the loop idle between events)")
    print(f"{'    paired: each over a bare start run just before it':52s} {'':16s}"
          f"{statistics.median(loop_ratio):6.2f} x bare  (median of the ratios; range "
          f"{min(loop_ratio):.2f}-{max(loop_ratio):.2f}; goal <= 0.25 x)")
    line("  the same, the loop woken each ms (turns timed)", statistics.median(c for _, c in loop),
         "(the heartbeat's wake-ups counted)")
    table_wall = sorted(t for t, _ in loop_wall)
    print(f"{'  the same, wall: the window painted (but the plot)':52s} {statistics.median(table_wall):8.1f} ms wall "
          f"(longest {table_wall[-1]:.1f} ms; the plot's new image: "
          f"{statistics.median(p for _, p in loop_wall):.0f} ms)")
    line("the same, prepared while idle: longest GUI-thread turn", statistics.median(b for b, _ in loop_prepared),
         f"(longest {max(b for b, _ in loop_prepared):.0f} ms)")
    line("  GUI thread's CPU in all (the switch as the app lives it)", statistics.median(loop_prepared_cpu),
         "(goal <= 0.25 x)")
    line("  the same, the loop woken each ms (turns timed)", statistics.median(c for _, c in loop_prepared),
         "(the heartbeat's wake-ups counted)")
    for label, s in edits.items():
        s = sorted(s)
        line(f"edit -> table + plot, {label}, median", statistics.median(s),
             f"(p90 {s[int(0.9 * len(s))]:.1f} ms; goal <= 16 ms)")
    walls.sort()
    print(f"{'  the edits above, wall time (load: see the first line)':52s} {statistics.median(walls):8.1f} ms wall "
          f"(p90 {walls[int(0.9 * len(walls))]:.1f} ms)")
    gui_cpu = sorted(c for c, _ in in_flight)
    wall = sorted(x for _, x in in_flight)
    line("edit, LQ, a preparation's render in flight: GUI CPU", statistics.median(gui_cpu),
         f"(p90 {gui_cpu[int(0.9 * len(gui_cpu))]:.1f} ms; GUI-thread CPU, the render cancelled)")
    print(f"{'  the same edits, wall time (waits for the cancel)':52s} {statistics.median(wall):8.1f} ms wall "
          f"(p90 {wall[int(0.9 * len(wall))]:.1f} ms, longest {wall[-1]:.1f} ms; goal <= 16 ms)")
    arrival.sort()
    print(f"{'  the same, a key 0-60 ms into the preparation':52s} {statistics.median(arrival):8.1f} ms wall "
          f"(p90 {arrival[int(0.9 * len(arrival))]:.1f} ms, longest {arrival[-1]:.1f} ms; from its arrival)")
    first_wall = sorted(x for _, x, _ in in_first_visit)
    print(f"{'edit, a first visit render in flight: wall':52s} {statistics.median(first_wall):8.1f} ms wall "
          f"(p90 {first_wall[int(0.9 * len(first_wall))]:.1f} ms, longest {first_wall[-1]:.1f} ms; GUI CPU "
          f"{statistics.median(c for c, _, _ in in_first_visit):.1f} ms; the plot's image with the edit "
          f"{statistics.median(i for _, _, i in in_first_visit):.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
