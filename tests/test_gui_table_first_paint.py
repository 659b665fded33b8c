"""The regimens table's first paint without PySide's ``Qt`` namespace type (issue 21, stop 29).

The app's first window's model has no Python ``flags``/``headerData`` until the filled table has been painted
(:meth:`.RegimenTableModel.make_interactive`); its horizontal headers show a C++ mirror of the labels meanwhile
(:mod:`sbrt_calc.gui.regimen_table_view`). These tests check that nothing a user sees changes at the install
(pixels, header state), that the headers and flags are today's afterwards, that a click or a key before it
installs first, and, in a fresh interpreter, that building, filling and painting the table makes no ``Qt`` type.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from start_process import seen_in_a_fresh_start


def _filled_deferred_window(qtbot: Any) -> Any:
    """A window built as the app builds it (deferred), shown, then filled; the install left to the test."""
    from sbrt_calc.gui.main_window import MainWindow

    w = MainWindow(deferred=True)
    qtbot.addWidget(w)
    w.resize(1024, 740)
    w.show()
    qtbot.waitExposed(w)
    w.table._install_queued = True   # the test installs (not the view's own paint, in the next turn)
    w.finish_start()
    qtbot.wait(30)   # layout and paints
    assert not w.model.interactive and w.model.rowCount() == 6
    return w


def _header_state(header: Any) -> list[tuple[int, bool, int]]:
    return [(header.sectionSize(i), header.isSectionHidden(i), header.visualIndex(i)) for i in range(header.count())]


def test_the_install_changes_no_pixel_and_no_header_state(qtbot, isolated_dirs, warnings) -> None:  # noqa: ANN001
    """The table (with the frozen column over it) and the frozen column alone, grabbed just before and just after
    the install: the same images; each horizontal header keeps its sizes, hidden sections and order. Seen
    failing with the mirror's selection left out (the selected row's header labels not bold) and with the mirror's
    labels from Qt's default headerData (section numbers)."""
    w = _filled_deferred_window(qtbot)
    table, frozen = w.table, w.table.frozen
    mirror = table.header_model
    assert mirror is not None and table.horizontalHeader().model() is mirror   # the mirror, before and after
    before = (table.grab().toImage(), frozen.grab().toImage())
    states = [_header_state(h) for h in (table.horizontalHeader(), frozen.horizontalHeader())]
    table.make_interactive()
    qtbot.wait(30)
    assert w.model.interactive
    for header in (table.horizontalHeader(), frozen.horizontalHeader(), table.verticalHeader()):
        assert header.model() is mirror   # stop 30: the headers read the C++ mirror after the install too
    after = (table.grab().toImage(), frozen.grab().toImage())
    assert [_header_state(h) for h in (table.horizontalHeader(), frozen.horizontalHeader())] == states
    assert after[0] == before[0], "the table's pixels changed at the install"
    assert after[1] == before[1], "the frozen column's pixels changed at the install"
    w.undo_stack.setClean()


def test_after_the_install_headers_and_flags_are_todays(qtbot, isolated_dirs, warnings) -> None:  # noqa: ANN001
    """After the install the model's headerData gives each column's header text and tooltip as before stop 29
    (the core's column: ``header_text`` and its header and tooltip), the rows' numbers vertically, and the cells
    of editable columns are editable (the table opens an editor); before it, Qt's default flags (not editable).
    Seen failing with make_interactive's flags left out and with headerData's orientations swapped."""
    from sbrt_calc.gui.number_text import greek, header_text

    w = _filled_deferred_window(qtbot)
    m = w.model
    label = m.index(0, m.column_of("label"))
    assert not m.flags(label) & Qt.ItemFlag.ItemIsEditable   # Qt's C++ default until the install
    w.table.make_interactive()
    horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
    tooltip = Qt.ItemDataRole.ToolTipRole
    for c, col in enumerate(m.columns()):
        assert m.headerData(c, horizontal) == header_text(col) == w.table.horizontalHeader().model().headerData(
            c, horizontal)
        assert m.headerData(c, horizontal, tooltip) == greek(f"{col.header}\n{col.tooltip}")
        assert m.flags(m.index(0, c)) == (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                                          | (Qt.ItemFlag.ItemIsEditable if col.editable else Qt.ItemFlag.NoItemFlags))
    assert [m.headerData(r, vertical) for r in range(m.rowCount())] == [str(r + 1) for r in range(6)]
    assert m.headerData(6, vertical) is None and m.headerData(99, horizontal) is None
    w.table.edit(label)
    assert w.table.state() == w.table.State.EditingState
    w.undo_stack.setClean()


def test_a_click_or_a_key_before_the_install_installs_first(qtbot, isolated_dirs, warnings) -> None:  # noqa: ANN001
    """A click on the table or on its frozen column, or a key to it, before the turn after the first paint: the
    model is interactive first (a double-click or a typed key then edits). Seen failing with the view's
    mousePressEvent removed, and (the frozen column) with its ``pressed`` connection removed."""
    w = _filled_deferred_window(qtbot)
    qtbot.mouseClick(w.table.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(w.table.columnWidth(0) + 20, 10))
    assert w.model.interactive
    w.undo_stack.setClean()
    w2 = _filled_deferred_window(qtbot)
    w2.table.setFocus()
    qtbot.keyClick(w2.table, Qt.Key.Key_Down)
    assert w2.model.interactive
    w2.undo_stack.setClean()
    w3 = _filled_deferred_window(qtbot)   # the frozen Regimen column (a view of its own over the table)
    frozen = w3.table.frozen
    qtbot.mouseClick(frozen.viewport(), Qt.MouseButton.LeftButton, pos=frozen.visualRect(w3.model.index(1, 0)).center())
    assert w3.model.interactive
    qtbot.mouseDClick(frozen.viewport(), Qt.MouseButton.LeftButton, pos=frozen.visualRect(w3.model.index(1, 0)).center())
    assert frozen.state() == frozen.State.EditingState   # the label's editor, as before stop 29
    w3.undo_stack.setClean()


def test_the_view_installs_after_its_own_filled_paint(qtbot, isolated_dirs, warnings) -> None:  # noqa: ANN001
    """Any window (not only the app's, which calls make_interactive itself) becomes interactive in the turn after
    its filled table is painted; a window built not deferred is interactive at once."""
    from sbrt_calc.gui.main_window import MainWindow

    w = MainWindow(deferred=True)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(20)
    assert not w.model.interactive   # the empty first window's paint: not yet
    w.finish_start()
    qtbot.waitUntil(lambda: w.model.interactive, timeout=2000)
    w.undo_stack.setClean()
    w2 = MainWindow()
    qtbot.addWidget(w2)
    assert w2.model.interactive and w2.table.horizontalHeader().model() is w2.table.header_model


def test_a_header_on_the_model_before_the_install_is_refused(qtbot, isolated_dirs, warnings) -> None:  # noqa: ANN001
    """Measuring columns with a header on the model before it is interactive would read Qt's default section
    numbers: content_widths refuses (the guard against reading the C++ default by mistake)."""
    import pytest
    from PySide6.QtWidgets import QHeaderView
    from sbrt_calc.gui.column_widths import content_widths

    w = _filled_deferred_window(qtbot)
    probe = QHeaderView(Qt.Orientation.Horizontal, w.table)
    probe.setModel(w.model)
    with pytest.raises(RuntimeError, match="not yet interactive"):
        content_widths(w.table, probe)
    w.table.make_interactive()
    assert len(content_widths(w.table, probe)) == w.model.columnCount()
    probe.setModel(None)
    w.undo_stack.setClean()


def test_the_sort_orders_default_is_qts() -> None:
    from sbrt_calc.gui.regimen_table_model import ASCENDING_ORDER

    assert ASCENDING_ORDER == Qt.SortOrder.AscendingOrder.value


#: builds the regimens table alone as the app's first window does (a deferred model, the view), fills it with a new
#: case's rows, fits the columns and paints it; records when PySide's ``Qt`` namespace type is made (its enum
#: ``GlobalColor``), the real gui/icons.py included (it makes none: tests/test_gui_icons_pixels.py)
CODE = r"""
import enum, json
made = []
_create = enum.EnumType._create_
def spy(cls, class_name, *args, **kw):
    if class_name == "GlobalColor":
        made.append(phase[0])
    return _create(cls, class_name, *args, **kw)
enum.EnumType._create_ = spy
phase = ["import"]
from PySide6.QtWidgets import QApplication
app = QApplication(["x"])
from sbrt_calc.case import CaseRegimen
from sbrt_calc.regimen import parse_regimen
from sbrt_calc.gui import settings
from sbrt_calc.gui.column_widths import resize_to_contents
from sbrt_calc.gui.regimen_table_model import RegimenTableModel
from sbrt_calc.gui.regimen_table_view import RegimenTableView
phase[0] = "build"
model = RegimenTableModel(deferred=True)
view = RegimenTableView()
view.setModel(model)
view.sync_frozen()
view.resize(1000, 500)
view.show()
app.processEvents()
phase[0] = "fill"
rows = [CaseRegimen.from_regimen(parse_regimen(t))
        for t in settings.parse_regimen_list(str(settings.get("new_case_regimens")))]
model.replace_all(rows, settings.new_case_settings()[0])
view.selectRow(0)
resize_to_contents(view)
phase[0] = "paint"
app.processEvents()
seen = {"made": list(made), "painted": view._install_queued, "rows": model.rowCount()}
phase[0] = "after the paint"
view.make_interactive()
view.horizontalHeader().viewport().repaint()
seen.update(after=list(made), interactive=model.interactive)
print("SEEN=" + json.dumps(seen))
"""


def test_building_filling_and_painting_the_table_makes_no_qt_type() -> None:
    """In a fresh interpreter: the table's modules, the deferred model and the view, the fill, the columns' fit and
    the filled paint make no ``Qt`` namespace type; the install after the paint makes it (the check sees it).
    Seen failing with headerData back on the model's class, with a Qt constant back at the model's top and with
    sync_frozen copying the elide mode before the install."""
    seen = seen_in_a_fresh_start(CODE)
    assert seen["rows"] == 6 and seen["painted"]
    assert seen["made"] == [], f"the Qt type was made while: {seen['made']}"
    assert seen["after"] == ["after the paint"] and seen["interactive"]


#: the benchmark's run (``SBRT_CALC_EXIT_WHEN_SHOWN=1``: it quits after the filled table's paint) from start to exit
BENCHMARK_RUN = r"""
import enum, json, os
made = []
_create = enum.EnumType._create_
def spy(cls, class_name, *args, **kw):
    if class_name == "GlobalColor":
        made.append(1)
    return _create(cls, class_name, *args, **kw)
enum.EnumType._create_ = spy
os.environ["SBRT_CALC_EXIT_WHEN_SHOWN"] = "1"
from sbrt_calc.gui import app
code = app.main(["sbrt-calc-gui"])
print("SEEN=" + json.dumps({"code": code, "qt_type": bool(made)}))
"""


def test_the_benchmarks_run_never_makes_the_qt_type() -> None:
    """``bench/gui_startup.py``'s filled run ends at the table's paint: nothing in it makes the ``Qt`` type, not even
    the install after the paint (the view's own, switched off by the app there: its ~20 ms came in the process's
    exit phase and counted in the goal's whole-process figure). Seen failing with ``install_after_paint`` left
    True in the app's benchmark path."""
    seen = seen_in_a_fresh_start(BENCHMARK_RUN)
    assert seen == {"code": 0, "qt_type": False}


def test_after_the_install_a_model_switch_lays_the_columns_out_as_in_a_window_never_mirrored(
        qtbot, isolated_dirs, warnings) -> None:  # noqa: ANN001
    """A window started as the app starts it (mirror, then the install) and a window built interactive at once:
    after the same rows and model switches, both headers have the same sections, order, widths and hidden
    sections. Seen failing before the fix (stop 29, lead): the install re-attached the headers to the model after
    the window's column fit had connected to its reset, so a switch fitted and ordered the columns while the
    headers still had the previous model's sections (columns out of order, new ones 100 px wide, the frozen
    column showing a second section)."""
    from sbrt_calc.gui.main_window import MainWindow

    mirrored = _filled_deferred_window(qtbot)
    mirrored.table.make_interactive()
    plain = MainWindow()
    qtbot.addWidget(plain)
    plain.resize(1024, 740)
    plain.show()
    qtbot.waitExposed(plain)
    for w in (mirrored, plain):
        w.entry.setText("20/1; 30/2; 60/8; 60/10")
        w.add_from_entry()
    for model_key in ("lql", "all", "usc", "lq"):
        layouts = []
        for w in (mirrored, plain):
            w.set_model(model_key)
            qtbot.wait(10)
            layouts.append([_header_state(h) for h in (w.table.horizontalHeader(), w.table.frozen.horizontalHeader())])
        assert layouts[0] == layouts[1], f"after the switch to {model_key}"
    for w in (mirrored, plain):
        w.undo_stack.setClean()
