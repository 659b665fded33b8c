"""Cold start (issue 21, stop 28): the window's actions of the app's first window come after the filled table's paint
without anything a user can reach coming late (:mod:`sbrt_calc.gui.main_window`'s docstring).

The first test runs the start in a fresh interpreter (as ``sbrt-calc-gui`` does, offscreen): the QAction and
QActionGroup types are not made before the table is filled (nor QGradient, which ``QBrush(colour)`` made in the
icons), and the actions with their shortcuts are there in the idle turn after the filled paint, made by the app. The
others check what could come late: the first key after the fill finds the shortcuts, a menu has its contents when it
opens, the help lists the shortcuts, a deferred window shows the same actions as one built at once.
"""

from __future__ import annotations

from typing import Any

from start_process import seen_in_a_fresh_start

CODE = r"""
import json, sys
from PySide6 import QtGui
from PySide6.QtWidgets import QApplication
from sbrt_calc.gui import app, main_window, plot_panel

seen = {}
def made(name):
    return isinstance(QtGui.__dict__.get(name), type)
fill = main_window.MainWindow.finish_start
def finish_start(self, path=None):
    seen["before the fill"] = {n: made(n) for n in ("QAction", "QActionGroup", "QGradient")}
    fill(self, path)
    seen["filled"] = {"QAction": made("QAction"), "QGradient": made("QGradient"), "built": self._actions_built,
                      "idle preparation": "sbrt_calc.gui.idle_preparation" in sys.modules}
main_window.MainWindow.finish_start = finish_start

def ensure_canvas(self):   # after the filled paint, called after the actions are made: quit before matplotlib
    w = self.window()
    seen["after the paint"] = {"built": w._actions_built, "save": w.act_save.shortcut().toString(),
                               "model": [k for k, a in w.model_actions.items() if a.isChecked()],
                               "menus": [len(a.menu().actions()) > 0 for a in w.menuBar().actions()]}
    QApplication.quit()
plot_panel.PlotPanel.ensure_canvas = ensure_canvas

app.main(["sbrt-calc-gui"])
print("SEEN=" + json.dumps(seen))
"""


def test_the_start_makes_the_actions_after_the_filled_paint() -> None:
    """Fails on main before stop 28: the actions (and the QAction type) were made with the first window, and the
    app icon's QBrush(colour) made QGradient before the window was shown (the cells' backgrounds at the fill), and
    the idle preparation of the other models was made with the Regimens tab."""
    seen = seen_in_a_fresh_start(CODE)
    assert seen == {
        "before the fill": {"QAction": False, "QActionGroup": False, "QGradient": False},
        "filled": {"QAction": False, "QGradient": False, "built": False, "idle preparation": False},
        # the Presets menu is filled when it opens (the presets' files, read then)
        "after the paint": {"built": True, "save": "Ctrl+S", "model": ["lq"],
                            "menus": [True, True, False, True, True, True]},
    }, seen


def _filled_deferred_window(qtbot: Any) -> Any:
    from sbrt_calc.gui.main_window import MainWindow

    w = MainWindow(deferred=True)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.windowHandle().requestActivate()   # the window's shortcuts work in the active window
    qtbot.waitUntil(w.isActiveWindow, timeout=5000)
    w.finish_start(None)
    return w


def test_the_first_key_after_the_fill_finds_its_shortcut(qtbot, isolated_dirs, warnings) -> None:  # noqa: ANN001
    """Ctrl+D on the table, the actions not made yet: the key makes them and duplicates the selected row."""
    from PySide6.QtCore import Qt

    w = _filled_deferred_window(qtbot)
    assert not w._actions_built and w.model.rowCount() == 6 and w.selected_rows() == [0]
    qtbot.keyClick(w.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert w._actions_built
    assert w.model.rowCount() == 7
    qtbot.keyClick(w.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)   # and the next one too
    assert w.model.rowCount() == 6
    w.undo_stack.setClean()


def test_a_menu_has_its_contents_when_it_opens(qtbot, isolated_dirs, warnings) -> None:  # noqa: ANN001
    from PySide6.QtCore import QPoint

    w = _filled_deferred_window(qtbot)
    menus = [a.menu() for a in w.menuBar().actions()]
    assert [m.title() for m in menus] == ["&File", "&Edit", "Pre&sets", "&View", "&Tools", "&Help"]
    assert not w._actions_built and all(m.actions() == [] for m in menus)
    view = menus[3]
    view.popup(QPoint(0, 0))
    try:
        texts = [a.text() for a in view.actions()]
        assert texts[:4] == ["LQ", "LQ-L", "USC", "All three side by side"], texts
        assert [a.text() for a in view.actions()[:4] if a.isChecked()] == ["LQ"]
        assert [a.text() for a in menus[0].actions()][:3] == ["&New case", "&Open…", "Open &Recent"]
        assert [a.shortcut().toString() for a in view.actions()[:4]] == ["Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4"]
    finally:
        view.hide()
    w.undo_stack.setClean()


def test_the_help_lists_the_shortcuts_of_a_deferred_window(qtbot, isolated_dirs, warnings) -> None:  # noqa: ANN001
    w = _filled_deferred_window(qtbot)
    assert not w._actions_built
    dlg = w.show_help(show=False)
    shown = dlg.text.toPlainText()
    assert "Ctrl+S" in shown and "Duplicate rows" in shown and "Ctrl+4" in shown, shown
    dlg.close()
    w.undo_stack.setClean()


def test_a_deferred_window_has_the_actions_of_one_built_at_once(qtbot, isolated_dirs, warnings) -> None:  # noqa: ANN001
    """The same actions, texts, shortcuts, tips and menus, whichever way the window was built."""
    from sbrt_calc.gui.main_window import MainWindow

    def actions(w: Any) -> list[Any]:
        out = []
        for top in w.menuBar().actions():
            out.append(("menu", top.text()))
            stack = [top.menu()]
            while stack:
                for a in stack.pop().actions():
                    out.append((a.text(), a.shortcut().toString(), a.toolTip(), a.statusTip(), a.isCheckable(),
                                a.isChecked(), a.isSeparator(), a.menu() is not None))
        out += [(a.text(), [k.toString() for k in a.shortcuts()], a.shortcutContext().name) for a in w.actions()]
        out += [(a.text(), a.shortcut().toString()) for a in w.table.actions()]
        return out

    now = MainWindow()
    qtbot.addWidget(now)
    now.show()   # 'Show the working' is checked when its dock is shown
    later = _filled_deferred_window(qtbot)
    later.ensure_actions()
    assert actions(later) == actions(now)
    for w in (now, later):
        w.undo_stack.setClean()


def test_a_solid_brush_is_qbrush_of_its_colour(qapp) -> None:  # noqa: ANN001
    from PySide6.QtGui import QBrush, QColor
    from sbrt_calc.gui import icons
    from sbrt_calc.gui import regimen_table_model as rtm

    for colour in (rtm.INVALID_BG, rtm.REACHED_BG, rtm.NOT_REACHED_BG, rtm.MIXED_BG, QColor("#ffffff")):
        made = icons.solid_brush(colour)
        assert made == QBrush(colour) and made.color() == colour and made.style() == QBrush(colour).style()
