"""Cold start (stop 28, real28): the autosave session's lock is taken after the filled table's paint, not while
the first window is built, without losing what it guarantees (:mod:`sbrt_calc.gui.autosave`):

- the lock is held before this session's autosave file exists, so another start never offers a live session's work
  for recovery (an autosave written before the app took the lock takes it first);
- an edit made right after the fill is autosaved as before;
- the app takes the lock in the idle turn after the filled paint, before the crash-recovery check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from start_process import seen_in_a_fresh_start

CODE = r"""
import os, sys   # json only at the end: the test asks whether the start imported it
from PySide6 import QtCore
from PySide6.QtWidgets import QApplication
from sbrt_calc.gui import app, main_window, plot_panel
from sbrt_calc.gui.autosave import _lock_path
from sbrt_calc.session_lock import session_state

seen = {}
def files():
    d = os.environ["SBRT_CALC_DATA_DIR"]
    return sorted(f for f in os.listdir(d) if f.startswith("autosave-")) if os.path.isdir(d) else []
fill = main_window.MainWindow.finish_start
def finish_start(self, path=None):
    fill(self, path)
    seen["filled"] = {"files": files(), "json": "json" in sys.modules, "started": self.autosaver.session_started,
                      "QStandardPaths": isinstance(QtCore.__dict__.get("QStandardPaths"), type),
                      "QLockFile": isinstance(QtCore.__dict__.get("QLockFile"), type)}
main_window.MainWindow.finish_start = finish_start

def ensure_canvas(self):   # in the idle turn after the filled paint: quit before matplotlib
    a = self.window().autosaver
    seen["after the paint"] = {"files": files(), "started": a.session_started,
                               "state": session_state(_lock_path(a.path))}
    QApplication.quit()
plot_panel.PlotPanel.ensure_canvas = ensure_canvas

app.main(["sbrt-calc-gui"])
import json
print("SEEN=" + json.dumps(seen))
"""


def test_the_start_takes_the_session_lock_after_the_filled_paint() -> None:
    """Filled: no lock file yet, json not imported, no QStandardPaths (no folder looked up); after the paint: the
    lock held (seen failing with the app's start_session call removed: 'gone' after the paint; and with
    settings.py importing QStandardPaths at its top; and with case_document.py importing QLockFile at its top)."""
    seen = seen_in_a_fresh_start(CODE)
    lock = seen["after the paint"]["files"]
    assert seen == {
        "filled": {"files": [], "json": False, "started": False, "QStandardPaths": False,
                   "QLockFile": False},
        "after the paint": {"files": lock, "started": True, "state": "alive"},
    }, seen
    assert len(lock) == 1 and lock[0].endswith(".lock")


def _filled_deferred_window(qtbot: Any, interval_ms: int = 2000) -> Any:
    from sbrt_calc.gui import settings
    from sbrt_calc.gui.main_window import MainWindow

    settings.set_value("autosave_interval_ms", interval_ms)
    w = MainWindow(deferred=True)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.finish_start()
    assert w.model.rowCount() == 6 and not w.autosaver.session_started
    return w


def test_an_autosave_before_the_app_took_the_lock_takes_it_first(qtbot, isolated_dirs, warnings) -> None:  # noqa: ANN001
    """The window filled, the lock not yet taken: an autosave written then holds the lock before its file exists,
    so another start (find_recoverable) does not offer this live session's work. Seen failing with write_now's
    start_session() removed (the autosave offered as a crash's)."""
    from sbrt_calc.gui.autosave import _lock_path, find_recoverable

    from sbrt_calc.session_lock import session_state

    w = _filled_deferred_window(qtbot)
    w.entry.setText("54/3")
    assert w.add_from_entry()
    assert w.autosaver.write_now() and w.autosaver.path.exists()
    assert w.autosaver.session_started and session_state(_lock_path(w.autosaver.path)) == "alive"
    assert find_recoverable(isolated_dirs[1]) == []                 # another start: nothing to recover
    w.autosaver.lock.abandon()                                      # this session dies: its work is offered
    assert [r.path for r in find_recoverable(isolated_dirs[1])] == [w.autosaver.path]


def test_an_edit_right_after_the_fill_is_autosaved(qtbot, isolated_dirs, warnings) -> None:  # noqa: ANN001
    """An edit right after the fill (the lock not yet taken) is autosaved by the timers, with its lock held."""
    from sbrt_calc.gui.autosave import _lock_path

    from sbrt_calc.case import load_case
    from sbrt_calc.session_lock import session_state

    w = _filled_deferred_window(qtbot, interval_ms=200)
    w.entry.setText("54/3")
    assert w.add_from_entry()
    path: Path = w.autosaver.path
    qtbot.waitUntil(path.exists, timeout=15000)
    assert "54/3" in [r.label for r in load_case(path).regimens]
    assert session_state(_lock_path(path)) == "alive"
