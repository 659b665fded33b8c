"""Cold start (issue 21, "Never frozen, always quick"): the table with its verdicts is on screen before
matplotlib (the plot), and neither matplotlib nor pydicom nor scipy is imported to get it there.

One fresh interpreter runs the app as ``sbrt-calc-gui`` does (offscreen) and records, at the moment the
table is filled and at its first paint after that, the verdict cells and which of those modules are loaded
(and that a new case, which has no planning section, reads neither the planning nor the eligibility form);
the plot's canvas (matplotlib) is then asked for, and the app quits at that point instead of building it (the
order is what is checked, not matplotlib's import).
"""

from __future__ import annotations

from start_process import seen_in_a_fresh_start

CODE = r"""
import json, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
from sbrt_calc.gui import app, main_window, plot_panel

HEAVY = ("matplotlib", "pydicom", "scipy")
SECTIONS = ("sbrt_calc.planning.section", "sbrt_calc.eligibility.case",   # a new case has neither section
            "sbrt_calc.evaluation_results",   # nor the sections' results (core28, stop 28)
            "decimal",   # nor the decimal module: the shown numbers rounded on their digits (core28, stop 28)
            "socket",   # the session lock's host name from os.uname
            "encodings.utf_16_be")   # the dock's saved state packed without the codec (build29, stop 29)
seen = []
WINDOW = []

def note(what, window):
    m = window.model
    col = m.column_of("flag")
    verdicts = [m.data(m.index(r, col)) for r in range(m.rowCount())]
    seen.append({"at": what, "heavy": [h for h in HEAVY if h in sys.modules], "verdicts": verdicts,
                 "sections": [s for s in SECTIONS if s in sys.modules], "working": window.working.toPlainText()})

class FirstPaint(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not any(s["at"] == "painted" for s in seen):
            note("painted", self.window)
        return False

fill = main_window.MainWindow.finish_start
def finish_start(self, path=None):
    fill(self, path)
    WINDOW.append(self)
    note("filled", self)
    self.table.viewport().installEventFilter(FirstPaint(self))
main_window.MainWindow.finish_start = finish_start

def ensure_canvas(self):
    seen.append({"at": "canvas", "heavy": [h for h in HEAVY if h in sys.modules],
                 "working": WINDOW[0].working.toPlainText()})
    QApplication.quit()
plot_panel.PlotPanel.ensure_canvas = ensure_canvas

app.main(["sbrt-calc-gui"])
print("SEEN=" + json.dumps(seen))
"""


def test_the_table_shows_its_verdicts_before_the_plot_and_without_heavy_modules() -> None:
    """Fails on the start before stop 25: the plot's canvas (matplotlib, about a second of CPU) was built in
    the turn right after the fill, before the filled table's first paint."""
    seen = seen_in_a_fresh_start(CODE)
    assert [s["at"] for s in seen] == ["filled", "painted", "canvas"], seen
    filled, painted, _canvas = seen
    # the new case's six rows, each with its verdict on the flag line, filled and then painted so
    assert len(filled["verdicts"]) == 6 and all(v for v in filled["verdicts"]), filled
    assert painted["verdicts"] == filled["verdicts"]
    assert filled["heavy"] == [] and painted["heavy"] == [], seen
    # a new case has no planning section: its site is None without reading the planning or eligibility forms
    assert filled["sections"] == [], filled
    # 'show the working' follows the table, as the plot does (stop 28): nothing written before the filled paint,
    # row 1's working written after it and before matplotlib loads (seen failing with the panel not held, and with
    # the app's release call removed)
    assert filled["working"] == "" and painted["working"] == "", seen
    assert _canvas["working"].startswith("Row 1: 36/3"), _canvas


def test_the_session_lock_names_the_host_as_socket_does() -> None:
    """The lock file's host (informational) without importing socket at start: the same name."""
    import socket

    from sbrt_calc.session_lock import _host

    assert _host() == socket.gethostname()
