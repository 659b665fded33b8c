"""Entry point of ``sbrt-calc-gui``: ``main(argv) -> int``.

``sbrt-calc-gui [CASE_FILE]`` opens the case file given (or a new case with 36 Gy/3 and
common alternatives). The window is shown first, empty: the core's evaluation (numpy) and the case
arrive in it; once the filled table has been painted, the window's actions (menus' contents, shortcuts; made
earlier if a key or a menu comes first, :mod:`.main_window`), matplotlib (the plot) and the crash-recovery offer
follow (:func:`after_next_paint`).
``SBRT_CALC_EXIT_WHEN_SHOWN=first`` quits as soon as the empty window is shown (the cold-start
benchmark); any other value quits once it is filled, printing the title and row count. Environment: ``SBRT_CALC_SETTINGS_DIR`` / ``SBRT_CALC_DATA_DIR`` move
the settings and the autosave; ``SBRT_CALC_RECOVER=yes|no`` answers the recovery offer
(non-interactive use); ``SBRT_CALC_EXIT_WHEN_SHOWN=1`` quits once the window is shown
(startup benchmark); ``SBRT_CALC_QT_GUI_THREADPOOL=1`` leaves Qt's thread pool for large fills on (the app turns it
off: :mod:`.qt_environment`).

PySide6 reads the source of every module imported after it (its ``__feature__`` check); the app answers that
check from each module's namespace instead (:mod:`.pyside_feature_check`, ~30 ms CPU of the start).

Start-up and the garbage collector: the collector is paused while the modules load and the
window is built (nearly every object made then lives as long as the app), and those objects are
then frozen (:func:`gc.freeze`) so that no later collection, the one at exit included, walks
them again (cyclic garbage made during start-up, if any, is kept). Measured: about 7 ms off the
start, a full collection from ~10 ms to ~0 ms, and about 25 ms off quitting.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable
from typing import Any

_T0 = time.perf_counter()

#: Environment variable: when set (``bench/gui_start_phases.py``), the start notes the CPU time
#: (``time.process_time``) at the end of each of its phases and writes them to stderr at exit, one line
#: ``START_MARKS=<json list of [phase, seconds]>``; the first is taken by :mod:`sbrt_calc.gui` as it is imported
MARKS_ENV = "SBRT_CALC_START_MARKS"
start_marks: list[tuple[str, float]] | None = None
if os.environ.get(MARKS_ENV):
    from . import START_CPU_S

    start_marks = [("interpreter start (site, runpy, sbrt_calc/__init__)", START_CPU_S)]


def _mark(phase: str) -> None:
    """Note the CPU time at the end of ``phase`` when :data:`start_marks` is set (the phases benchmark)."""
    if start_marks is not None:
        start_marks.append((phase, time.process_time()))


def _write_marks() -> None:
    """Write :data:`start_marks` as JSON to stderr, without importing :mod:`json` (the start no longer does: its
    import would count in the exit the benchmark measures)."""
    _mark("the loop ended, main returned, PySide's exit handler (the application and its window destroyed)")
    items = ", ".join('["' + name.replace("\\", "\\\\").replace('"', '\\"') + f'", {t!r}]'
                      for name, t in start_marks or ())
    sys.stderr.write(f"START_MARKS=[{items}]\n")
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    """Start the desktop app; returns the exit code."""
    if start_marks is not None:
        _mark("the app's package and module (sbrt_calc.gui: code cache; gui.app)")
        import atexit

        atexit.register(_write_marks)
    argv = list(sys.argv if argv is None else argv)
    args = [a for a in argv[1:] if not a.startswith("-")]
    if any(a in ("-h", "--help") for a in argv[1:]):
        print("usage: sbrt-calc-gui [CASE_FILE]\n\nThe sbrt-calc desktop app (SBRT regimen workbench).")
        return 0
    if any(a in ("-V", "--version") for a in argv[1:]):
        from sbrt_calc import __version__

        print(f"sbrt-calc-gui {__version__}")
        return 0
    from . import pyside_feature_check

    pyside_feature_check.install()   # when PySide6 is loaded already (a host, a test); else in _start
    from .platform_check import xcb_problem

    problem = xcb_problem()
    if problem:   # Qt would abort with a message that names no library
        print(problem, file=sys.stderr)
        return 3
    _mark("main(): PySide's feature check, the platform check")
    gc_was_enabled = gc.isenabled()
    gc.disable()   # see the module docstring
    try:
        app, window = _start(argv, args)
    finally:
        gc.freeze()
        if gc_was_enabled:
            gc.enable()

    from PySide6.QtCore import QTimer

    exit_when = os.environ.get("SBRT_CALC_EXIT_WHEN_SHOWN", "")
    shown_s = time.perf_counter() - _T0
    if exit_when == "first":   # the empty window is on screen: the cold start the benchmark measures
        def first() -> None:
            print(f"shown_s={shown_s:.4f}", flush=True)
            app.quit()
        QTimer.singleShot(0, first)
        return int(app.exec())

    from .plot_panel import load_matplotlib

    def fill() -> None:   # the core (numpy, the evaluation) and the case arrive in the shown window
        _mark("events until the fill's timer (gc.freeze; Qt posts the empty window's paint after it)")
        gc.disable()
        try:
            window.finish_start(args[0] if args else None)
        finally:
            if gc_was_enabled:
                gc.enable()
        _mark("finish_start: the core's modules, presets, rows evaluated, table filled")
    QTimer.singleShot(0, fill)
    if exit_when:
        window.table.install_after_paint = False   # the run ends at the paint: Qt's flags and headers never needed
        def done() -> None:
            _mark("events: layout, the filled table's paint, the flush")
            print(f"shown_s={shown_s:.4f}", flush=True)
            print(f"filled_s={time.perf_counter() - _T0:.4f}", flush=True)
            print(f"title={window.windowTitle()}", flush=True)
            print(f"rows={window.model.rowCount()}", flush=True)
            print(f"numpy_loaded={'numpy' in sys.modules}", flush=True)
            app.quit()
            _mark("printed, quit")
        # once the filled table has been painted (a zero timer set now would run before that paint: Qt posts
        # widget updates at low priority), so that the benchmark's filled start includes the table's paint
        QTimer.singleShot(0, lambda: after_next_paint(window.table.viewport(), done, flush_ms=0))
    else:
        def after_show() -> None:
            window.autosaver.start_session()   # the autosave session's lock (taken by an autosave if one came first)
            # the menus' contents and the shortcuts (made earlier on a key or a menu), and matplotlib's modules:
            # frozen as the start's objects are (module docstring)
            load_and_freeze(window.ensure_actions, load_matplotlib)
            window.plot.ensure_canvas()
            window.check_recovery()
            window.bench.preparation.start()   # the other models prepared when the app is idle (app27v)
            window.make_interactive()   # the tabs armed too (window_tabs: the QTabBar type, not before now)
        def after_paint() -> None:
            # the working of the selected row right after the paint, in a turn of its own, so that it is painted
            # before matplotlib loads in after_show's turn, FLUSH_MS later (working_panel's module docstring)
            window.table.make_interactive()   # Qt's flags and headers, first (regimen_table_view's module docstring)
            window.working.release()
            QTimer.singleShot(FLUSH_MS, after_show)
        # matplotlib (about a second of CPU) only once the filled table is on screen: a zero timer set now would
        # run before the table's repaint (Qt posts widget updates at low priority), the table then waiting for it
        QTimer.singleShot(0, lambda: after_next_paint(window.table.viewport(), after_paint, flush_ms=0))
    return int(app.exec())


def load_and_freeze(*loads: Callable[[], Any]) -> None:
    """Run ``loads`` with the collector paused, collect once, then freeze every object the process holds
    (:func:`gc.freeze`), as the start does (module docstring). For matplotlib's modules, loaded after the filled
    table's paint: ~56,000 objects that live as long as the app, which every full collection walked again. Measured
    3 s after the start (stop 32, a loaded two-core machine): a full collection 44-100 ms before, 3-15 ms after; it
    falls in whichever event the collector's thresholds pick. The one collection here (~1,500 objects of garbage, not
    kept frozen) costs ~10-20 ms in a turn that spends about a second importing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        for load in loads:
            load()
    finally:
        gc.collect()
        gc.freeze()
        if enabled:
            gc.enable()


#: after the paint, the wait before the callback: the event loop must wait once, since the xcb platform sends the
#: painted image to the X server only when the loop is about to wait (with a zero timer the X screen still showed
#: the empty table while matplotlib loaded; seen under Xvfb); waiting costs no CPU
FLUSH_MS = 20


def after_next_paint(widget: Any, callback: Callable[[], None], fallback_ms: int = 1000,
                     flush_ms: int = FLUSH_MS) -> None:
    """Run ``callback`` once, ``flush_ms`` (:data:`FLUSH_MS`) after ``widget`` next paints (the painted frame then
    on the screen); after ``fallback_ms`` without a paint (a minimised or hidden window) it runs anyway."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class _Watch(QObject):
        def __init__(self) -> None:
            super().__init__(widget)
            self.callback: Callable[[], None] | None = callback

        def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint:
                obj.removeEventFilter(self)
                QTimer.singleShot(flush_ms, self.fire)
            return False

        def fire(self) -> None:
            run, self.callback = self.callback, None
            if run is not None:
                widget.removeEventFilter(self)
                run()

    watch = _Watch()
    widget.installEventFilter(watch)
    QTimer.singleShot(fallback_ms, watch.fire)


def _start(argv: list[str], args: list[str]) -> tuple[Any, Any]:
    """The application and the shown main window (with the case file of ``args``, if any)."""
    from PySide6.QtWidgets import QApplication

    _mark("import PySide6.QtWidgets (the bare window pays it too)")
    from . import pyside_feature_check  # imported in main(), before PySide6

    pyside_feature_check.install()   # PySide's per-import source reading: ~30 ms CPU of the start (app27s)
    from . import settings

    _mark("the feature check installed, import gui.settings")
    app = QApplication.instance() or QApplication(argv[:1])
    app.setOrganizationName(settings.ORGANISATION)
    app.setApplicationName(settings.APPLICATION)
    from sbrt_calc import __version__

    app.setApplicationVersion(__version__)
    _mark("QApplication, its names")
    from .main_window import MainWindow

    _mark("import the window's modules (Qt's namespace and classes' enums included)")
    window = MainWindow(deferred=True)   # shown empty at once; main() fills it (see finish_start)
    _mark("the first window built (empty table with its columns)")
    window.show()
    _mark("show() (the paint comes in the event loop)")
    return app, window


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
