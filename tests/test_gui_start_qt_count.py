"""Cold start (issue 21, stop 28, types28): how many Qt types and enums the real start makes before the filled
table's paint.

PySide6 makes a Qt class's Python type, with all its enums, the first time the class is imported from its module,
returned to Python or handed to a Python override (an ``event()``/``eventFilter`` taking a ``QEvent`` makes every
QEvent subclass's type, ~50 of them). Each type costs ~0.04 ms and each enum ~0.05-3 ms CPU (``QEvent.Type``
~2.4 ms, ``QKeySequence.StandardKey`` ~0.5 ms). The inventory of stop 28 (docs/notes/stop28/types28.md) lists which
module makes each type and whether the first frame needs it; the start keeps the others out. The test runs
``app.main`` in a fresh interpreter (offscreen, as ``sbrt-calc-gui`` starts) and counts, in the idle turn after the
filled paint (when the app makes the window's actions), the Qt types of QtCore, QtGui and QtWidgets and the enum
types PySide made. The limits are the counts measured when they were set: a new Qt type before the fill fails
here, and the test names it; lower the limits when a type leaves the start.
"""

from __future__ import annotations

from start_process import seen_in_a_fresh_start

#: measured on the start of stop 28 after types28's changes (PySide6 6.11, offscreen); main before them: 161, 207
MAX_QT_TYPES = 158
MAX_ENUMS = 202
#: made before stop 28 by module-level imports, and needed by no part of the first frame or the fill
NOT_BEFORE_THE_FILL = ("QtGui.QKeySequence", "QtWidgets.QScrollArea", "QtGui.QAction", "QtWidgets.QStyle",
                       "QtWidgets.QMessageBox", "QtWidgets.QDialog")

CODE = r"""
import enum, json
enums = [0]
_create = enum.EnumType._create_
def counted(cls, *args, **kw):   # every enum PySide makes for a Qt type goes through here (Python 3.11+)
    enums[0] += 1
    return _create(cls, *args, **kw)
enum.EnumType._create_ = counted
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtWidgets import QApplication
from sbrt_calc.gui import app, main_window, plot_panel

def qt_types():
    return sorted(f"{m.__name__[8:]}.{k}" for m in (QtCore, QtGui, QtWidgets) for k, v in list(vars(m).items())
                  if isinstance(v, type))
seen = {}
ensure = main_window.MainWindow.ensure_actions
def ensure_actions(self):   # the app's idle turn after the filled paint (or a key or a menu, none here)
    if "types" not in seen:
        seen.update(types=qt_types(), enums=enums[0], rows=self.model.rowCount())
    ensure(self)
main_window.MainWindow.ensure_actions = ensure_actions
plot_panel.PlotPanel.ensure_canvas = lambda self: QApplication.quit()   # before matplotlib
app.main(["sbrt-calc-gui"])
print("SEEN=" + json.dumps(seen))
"""


def _start_counts() -> dict:
    return seen_in_a_fresh_start(CODE)


def test_the_start_makes_few_qt_types_and_enums_before_the_filled_paint() -> None:
    """Fails on main before types28 (161 types, 207 enums: QKeySequence with its three enums made by the table
    view's import, QScrollArea by screen_fit's)."""
    seen = _start_counts()
    assert seen["rows"] == 6
    types = seen["types"]
    assert [t for t in NOT_BEFORE_THE_FILL if t in types] == []
    assert len(types) <= MAX_QT_TYPES, (len(types), types)
    assert seen["enums"] <= MAX_ENUMS, seen["enums"]


def test_the_tables_copy_key_is_its_own_when_the_key_is_imported_late(qtbot) -> None:  # noqa: ANN001
    """QKeySequence is imported where the table handles a key (no longer at the view's import): Ctrl+C's
    ShortcutOverride is still taken by the table (the window's Copy rows shortcut does not fire instead), another
    key's is not, and the key press emits copyRequested."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication
    from sbrt_calc.gui.regimen_table_view import RegimenTableView

    view = RegimenTableView()
    qtbot.addWidget(view)
    ctrl = Qt.KeyboardModifier.ControlModifier
    copy = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_C, ctrl)
    copy.ignore()
    QApplication.sendEvent(view, copy)
    assert copy.isAccepted()
    other = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_Q, ctrl)
    other.ignore()
    QApplication.sendEvent(view, other)
    assert not other.isAccepted()
    with qtbot.waitSignal(view.copyRequested, timeout=1000):
        qtbot.keyClick(view, Qt.Key.Key_C, ctrl)
