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

Since stop 29 (win29, hdr29) the filled table's first paint comes without PySide's ``Qt`` namespace type (its 93
enums, 1,195 members, ~15-27 ms CPU; :mod:`sbrt_calc.gui.qt_values`): the counts are also taken at that paint (the
table's first ``make_interactive``, which the app calls right after it and which then makes the type), and a ``Qt``
enum made before it fails with the line of the app that made it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from start_process import seen_in_a_fresh_start

#: in the idle turn after the filled paint: measured on the start of stop 29 after win29's and hdr29's changes
#: (PySide6 6.11.3, offscreen; the Qt namespace's 93 enums made right after the paint included); stop 28: 158, 202
MAX_QT_TYPES = 157
MAX_ENUMS = 201
#: at the filled table's first paint (stop 29; before win29's and hdr29's changes the Qt namespace's 93 enums and the
#: types and enums of QtCore.Qt's users were made by then too)
MAX_QT_TYPES_AT_THE_PAINT = 156
MAX_ENUMS_AT_THE_PAINT = 108
#: made before stop 28 by module-level imports, and needed by no part of the first frame or the fill
NOT_BEFORE_THE_FILL = ("QtGui.QKeySequence", "QtWidgets.QScrollArea", "QtGui.QAction", "QtWidgets.QStyle",
                       "QtWidgets.QMessageBox", "QtWidgets.QDialog")

CODE = r"""
import enum, json, traceback
enums = [0]
qt_made = []   # where the Qt namespace type was made: the innermost line of the app (gui/, sbrt_calc/)
_create = enum.EnumType._create_
def counted(cls, *args, **kw):   # every enum PySide makes for a Qt type goes through here (Python 3.11+)
    enums[0] += 1
    made = _create(cls, *args, **kw)
    if made.__qualname__.split(".")[-1] in ("AlignmentFlag", "ItemDataRole") and not qt_made:
        app_lines = [f"{f.filename.split('/')[-1]}:{f.lineno} {f.name}: {f.line}" for f in traceback.extract_stack()
                     if "/gui/" in f.filename or "/sbrt_calc/" in f.filename]
        qt_made.append(app_lines[-1] if app_lines else "(no line of the app on the stack)")
    return made
enum.EnumType._create_ = counted
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtWidgets import QApplication
from sbrt_calc.gui import app, main_window, plot_panel, regimen_table_view

def qt_types():
    return sorted(f"{m.__name__[8:]}.{k}" for m in (QtCore, QtGui, QtWidgets) for k, v in list(vars(m).items())
                  if isinstance(v, type))
seen = {}
interactive = regimen_table_view.RegimenTableView.make_interactive
def make_interactive(self):   # first called right after the filled table's paint (or at a key or a click, none here)
    if "painted" not in seen:
        seen["painted"] = dict(types=qt_types(), enums=enums[0], rows=self.model().rowCount(), qt_made=list(qt_made))
    interactive(self)
regimen_table_view.RegimenTableView.make_interactive = make_interactive
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


@cache
def _start_counts() -> dict:
    return seen_in_a_fresh_start(CODE)


def test_the_filled_paint_comes_without_the_qt_namespace_type() -> None:
    """Fails on main before stop 29's changes (made by ``from PySide6.QtCore import Qt`` in main_window.py's imports),
    and with any Qt-namespace enum put back before the paint (seen with ``Qt.TextFormat.RichText`` in the workbench's
    banner: named by the message)."""
    painted = _start_counts()["painted"]
    assert painted["rows"] == 6
    assert painted["qt_made"] == [], ("PySide's Qt namespace type (93 enums, ~15-27 ms CPU) made before the filled "
                                      f"table's paint by {painted['qt_made'][0]} (use gui/qt_values.py)")
    assert "QtCore.Qt" not in painted["types"]
    assert len(painted["types"]) <= MAX_QT_TYPES_AT_THE_PAINT, (len(painted["types"]), painted["types"])
    assert painted["enums"] <= MAX_ENUMS_AT_THE_PAINT, painted["enums"]


def test_the_start_makes_few_qt_types_and_enums_before_the_filled_paint() -> None:
    """Fails on main before types28 (161 types, 207 enums: QKeySequence with its three enums made by the table
    view's import, QScrollArea by screen_fit's)."""
    seen = _start_counts()
    assert seen["rows"] == 6
    types = seen["types"]
    assert [t for t in NOT_BEFORE_THE_FILL if t in types] == []
    assert len(types) <= MAX_QT_TYPES, (len(types), types)
    assert seen["enums"] <= MAX_ENUMS, seen["enums"]


def test_a_case_with_sections_opened_at_start_comes_without_the_qt_namespace_type() -> None:
    """``sbrt-calc-gui case.toml`` with an eligibility case (the app's eligibility section): the fill checks the section with the form's Qt-free
    helpers (:mod:`.eligibility_form`), not through the Eligibility tab's module (which imports ``Qt``). Fails when
    tabs_controller imports ``form_from_section`` from ``eligibility_panel`` (seen: "made ... by
    eligibility_panel.py:20 <module>") or eligibility_form imports lesion_table_model (seen: lesion_table_model.py)."""
    case = Path(__file__).resolve().parents[1] / "examples" / "case_io_spine.toml"
    assert "[[lesions]]" in case.read_text(encoding="utf-8")   # an eligibility case: opened as the case's section
    code = CODE.replace('app.main(["sbrt-calc-gui"])', f'app.main(["sbrt-calc-gui", {str(case)!r}])')
    assert code != CODE
    painted = seen_in_a_fresh_start(code)["painted"]
    assert painted["rows"] > 0
    assert painted["qt_made"] == [], ("PySide's Qt namespace type made before the filled table's paint by "
                                      f"{painted['qt_made'][0]}")


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
