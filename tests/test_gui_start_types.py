"""Cold start (issue 21, app27s, stop 27): the Qt types the first window makes before the table is filled.

PySide6 makes a Qt class's Python type, with all its enums, the first time the class is imported or returned to
Python; on Python 3.11 an enum costs ~0.3 ms, and some classes carry hundreds of members. The start therefore
stays clear of the types it does not need before the filled table: ``QStyle`` (eleven enums, ~10 ms CPU), the
dialogs (made when a dialog is opened), and the ~60 QtWidgets classes PySide loads when ``viewport()`` hands
Python a viewport made in C++ (it looks for the most derived type among every QWidget subclass).

The first test runs the start in a fresh interpreter (as ``sbrt-calc-gui`` does, offscreen) and lists the types
made when the table is filled; the others check that what replaced them gives the same results: the table's
Python-made viewport paints as Qt's own, the cells' icon width is the style's small icon size, and a style change
still changes the key of the cached column widths.
"""

from __future__ import annotations

import sys

from start_process import seen_in_a_fresh_start

CODE = r"""
import json, sys
from PySide6 import QtWidgets
from PySide6.QtWidgets import QApplication
from sbrt_calc.gui import app, main_window, plot_panel

NOT_AT_START = ("QStyle", "QCommonStyle", "QMessageBox", "QFileDialog", "QInputDialog", "QDialog",
                "QWizard", "QCalendarWidget", "QMdiArea", "QColorDialog")   # the last four: viewport discovery
import inspect
seen = {"sources_read": 0}
getsource = inspect.getsource
def counted(obj):   # PySide's per-import check read each new module's source with it (before stop 27)
    seen["sources_read"] += 1
    return getsource(obj)
inspect.getsource = counted
fill = main_window.MainWindow.finish_start
def finish_start(self, path=None):
    fill(self, path)
    seen["made"] = [n for n in NOT_AT_START if isinstance(QtWidgets.__dict__.get(n), type)]
    seen["rows"] = self.model.rowCount()
main_window.MainWindow.finish_start = finish_start

def ensure_canvas(self):   # after the filled paint: quit before matplotlib
    QApplication.quit()
plot_panel.PlotPanel.ensure_canvas = ensure_canvas

app.main(["sbrt-calc-gui"])
print("SEEN=" + json.dumps(seen))
"""


def test_the_start_makes_no_style_dialog_or_discovered_widget_types() -> None:
    """Fails on the start before stop 27: QStyle (the column fit's icon size, the width cache's style name),
    the dialogs (module-level imports) and the viewport's discovered classes were all made; and PySide read
    the source of each module imported after it (~170 ``inspect.getsource`` calls; :mod:`.pyside_feature_check`)."""
    seen = seen_in_a_fresh_start(CODE)
    assert seen == {"made": [], "rows": 6, "sources_read": 0}, seen


def test_a_python_made_viewport_paints_as_qts_own(qapp) -> None:  # noqa: ANN001
    """The same look: name, roles, background filled, attributes, and the same pixels with rows in it."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView
    from sbrt_calc.gui.regimen_table_view import python_viewport

    model = QStandardItemModel(4, 3)
    for r in range(4):
        for c in range(3):
            model.setItem(r, c, QStandardItem(f"{r * 3 + c} Gy"))
    views = [QTableView(), QTableView()]
    python_viewport(views[1])
    for v in views:
        v.setModel(model)
        v.setAlternatingRowColors(True)
        v.resize(320, 200)
        v.show()
    qapp.processEvents()
    own, made = (v.viewport() for v in views)
    assert (made.objectName(), made.backgroundRole(), made.foregroundRole(), made.autoFillBackground()) == (
        own.objectName(), own.backgroundRole(), own.foregroundRole(), own.autoFillBackground())
    assert [a for a in Qt.WidgetAttribute if own.testAttribute(a) != made.testAttribute(a)] == []
    assert views[0].grab().toImage() == views[1].grab().toImage()
    for v in views:
        v.close()


def test_the_cells_icon_width_is_the_styles_small_icon_size(window) -> None:  # noqa: ANN001
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QStyle

    table = window.table
    assert table.decoration_width() == table.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, table)
    table.setIconSize(QSize(24, 24))
    assert table.decoration_width() == 24


def test_a_style_change_changes_the_cached_widths_key(window) -> None:  # noqa: ANN001
    """The widths are cached per style (margins and icon sizes differ): the key counts style changes."""
    from PySide6.QtWidgets import QStyleFactory

    before = window.bench._width_key()
    assert window.bench._width_key() == before
    style = QStyleFactory.create("Windows")
    window.bench.setStyle(style)
    assert window.bench._width_key() != before


def test_the_cheap_pyside_check_answers_as_pysides_own_for_module_level_users() -> None:
    """:func:`uses_pyside` against PySide's own check (the source searched for "PySide6") on the modules loaded
    here (the core, the app, numpy, some of the standard library): never a "uses" PySide's check denies, and every
    module that imports PySide6 at its top level is found. The only other answers differ where "PySide6" is
    in the text alone (a docstring, an import inside a function), which selects no feature either way."""
    import inspect

    import numpy  # noqa: F401 - checked too (the app's modules no longer import it, stop 28)
    import PySide6.QtWidgets  # noqa: F401 - PySide's check is there once PySide6 is loaded
    import sbrt_calc.gui.app  # noqa: F401
    import sbrt_calc.gui.main_window  # noqa: F401
    from sbrt_calc.gui.pyside_feature_check import uses_pyside

    pysides_own = sys.modules["shibokensupport.feature"]._mod_uses_pyside
    assert pysides_own is not uses_pyside   # not installed in the test process (the app's entry point does it)
    checked = 0
    for name, module in list(sys.modules.items()):
        if not name.startswith(("sbrt_calc", "numpy", "json", "enum")):
            continue
        theirs, ours = pysides_own(module), uses_pyside(module)
        checked += 1
        assert not (ours and not theirs), name
        if theirs and not ours:
            top_level = [line for line in inspect.getsource(module).splitlines()
                         if line.startswith(("from PySide6", "import PySide6"))]
            assert top_level == [], name
    assert checked > 100
