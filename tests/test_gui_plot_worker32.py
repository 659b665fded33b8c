"""The plot's renders run in one long-lived render worker (stop 32, plot_panel's ``_RenderWorker``): handing it a
render starts no thread (a thread per render cost the GUI thread ~13 ms of wall time in ``Thread.start``, waiting
for the interpreter while the new thread ran its bootstrap and then the render; issue 21), and the worker ends with
the application (its event loop quit) or the interpreter (a script, the tests), a render in flight or not."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from gui_windows import plot_window_fixtures, until_render_starts  # noqa: E402
from sbrt_calc.gui.main_window import MainWindow  # noqa: E402
from start_process import seen_in_a_fresh_start  # noqa: E402

window, settled = plot_window_fixtures("plot-worker")


def _count_thread_starts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every thread started from now on (``threading.Thread.start`` wrapped)."""
    started: list[str] = []
    start = threading.Thread.start

    def counted(thread: threading.Thread) -> None:
        started.append(thread.name)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", counted)
    return started


def _first_visit(qapp, window: MainWindow, model: str) -> Any:  # noqa: ANN001
    """A first visit to ``model`` through the event loop, its render waited for; its job."""
    window.plot.forget_views()
    window.set_model(model)
    job = until_render_starts(qapp, window)
    assert job is not None
    window.plot.wait_for_render()
    qapp.processEvents()
    return job


def test_renders_start_no_thread_and_run_in_one_worker(qapp, window: MainWindow,  # noqa: ANN001
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """First visits and a preparation, one after another: every render runs in the same thread, and none starts a
    thread once the worker runs (before stop 32: one thread started per render, the GUI thread waiting in its
    ``start`` for the interpreter)."""
    plot = window.plot
    jobs = [_first_visit(qapp, window, "lql")]         # (the worker started if no render ran before)
    started = _count_thread_starts(monkeypatch)
    jobs.append(_first_visit(qapp, window, "usc"))
    window.set_model("lq")
    plot.draw_now()
    qapp.processEvents()
    plot.forget_views()
    settings = window.bench.preparation.other_settings()[0]
    for _ in window.model.prepare_steps(settings):
        pass
    assert plot.prepare_view(window.model.evaluation_for(settings))
    jobs.append(plot._job)
    jobs[-1].thread.join(timeout=30)
    plot._finish_render(jobs[-1])
    assert len(plot.prepared_views()) == 1
    jobs.append(_first_visit(qapp, window, "all"))
    assert started == []
    idents = {job.thread.ident for job in jobs}
    assert len(idents) == 1 and None not in idents and threading.get_ident() not in idents
    assert all(job.finished and job.error is None and not job.thread.is_alive() for job in jobs)
    window.set_model("lq")
    qapp.processEvents()


_SCRIPT = """
import json, sys, threading
sys.path.insert(0, {tests!r})
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from gui_windows import sweep_rows
from sbrt_calc.gui.main_window import MainWindow
w = MainWindow()
w.resize(1280, 800)
w.show()
app.processEvents()
w.plot.ensure_canvas()
w.model.replace_all(sweep_rows(57), w.model.settings())
app.processEvents()
w.plot.draw_now()
w.set_model("usc")
w.undo_stack.setClean()          # (no question at the window's close)
while w.plot._job is None:       # the first visit's render started (after the window's paint)
    app.processEvents()
rendering = [t.name for t in threading.enumerate() if t.name == "sbrt-calc plot render"]
if {quit!r}:
    QTimer.singleShot(0, app.quit)   # the render still in flight
    app.exec()
left = [t.name for t in threading.enumerate() if t.name == "sbrt-calc plot render"]
print("SEEN=" + json.dumps([rendering, left]))
"""


@pytest.mark.parametrize("quit_loop", [True, False], ids=["the event loop quit", "the script ends"])
def test_the_render_worker_ends_with_the_app(quit_loop: bool) -> None:
    """A render in flight, the application's event loop quits: no render thread is left once ``exec`` returns; a
    script (as the tests, the benchmarks) ends without an event loop: the interpreter ends (the worker, waiting for
    renders for the process's life, is stopped before the interpreter waits for its threads: else it waits for ever)."""
    code = _SCRIPT.format(tests=str(Path(__file__).parent), quit=quit_loop)
    rendering, left = seen_in_a_fresh_start(code, timeout_s=60)
    assert rendering == ["sbrt-calc plot render"]
    assert left == ([] if quit_loop else ["sbrt-calc plot render"])
