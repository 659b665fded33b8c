"""The working's dock placed without PySide's ``Qt`` namespace type (stop 29, win29): :mod:`sbrt_calc.gui.dock_state`.

The workbench puts 'Show the working' in its plot's bottom dock area by restoring a main window state written by
:func:`~sbrt_calc.gui.dock_state.bottom_dock_state`, instead of ``addDockWidget(Qt.DockWidgetArea...)`` and
``resizeDocks(..., Qt.Orientation...)`` (whose enums make the ``Qt`` type, ~15-27 ms of the cold start). The bytes
must be Qt's own ``saveState()`` of those two calls (but the dock's minimum height, which ``restoreState`` reads and
ignores), the restored layout must be the same as theirs, and the window's first frame (a tall window: the dock as
built; a short one: a third of the height) must be laid out as Qt's ``resizeDocks`` would lay it out.
"""

from __future__ import annotations

import struct

import pytest

pytest.importorskip("PySide6")


def _plot_and_dock(qtbot, through_qt: bool, height_px: int, name: str = "working_dock"):  # noqa: ANN001, ANN202
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import (
        QCheckBox,
        QDockWidget,
        QLabel,
        QMainWindow,
        QSplitter,
        QTextEdit,
        QVBoxLayout,
        QWidget,
    )
    from sbrt_calc.gui.dock_state import place_bottom_dock

    top = QSplitter()
    qtbot.addWidget(top)
    right = QMainWindow()
    right.setCentralWidget(QLabel("plot"))
    dock = QDockWidget("Show the working", right)
    dock.setObjectName(name)
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.addWidget(QCheckBox("Full precision"))
    layout.addWidget(QTextEdit())
    dock.setWidget(box)
    if through_qt:
        right.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        right.resizeDocks([dock], [height_px], Qt.Orientation.Vertical)
    else:
        assert place_bottom_dock(right, dock, height_px)   # restored, not Qt's fallback
    top.addWidget(QLabel("table"))
    top.addWidget(right)
    return top, right, dock


@pytest.mark.parametrize("height_px", [240, 120, 333])
def test_the_state_is_qts_own(qtbot, height_px: int) -> None:  # noqa: ANN001
    from sbrt_calc.gui.dock_state import bottom_dock_state

    _top, right, dock = _plot_and_dock(qtbot, True, height_px)
    saved = bytes(right.saveState().data())
    # Qt writes the dock's minimum height where bottom_dock_state puts its ``minimum_px`` (restoreState ignores it):
    # the maximum, the central widget's size, the four corners and the toolbars' marker and count follow it
    at = len(saved) - 4 - 8 - 16 - 5 - 4
    qt_minimum = struct.unpack(">i", saved[at:at + 4])[0]
    assert 0 < qt_minimum < height_px + 200
    assert saved == bottom_dock_state("working_dock", height_px, qt_minimum)


@pytest.mark.parametrize(("size", "height_px"), [((1200, 700), 240), ((1000, 520), 173)])
def test_the_restored_layout_is_qts(qtbot, size: tuple[int, int], height_px: int) -> None:  # noqa: ANN001
    from PySide6.QtCore import Qt

    shown = []
    for through_qt in (True, False):
        top, right, dock = _plot_and_dock(qtbot, through_qt, height_px)
        top.resize(*size)
        top.show()
        qtbot.waitExposed(top)
        shown.append((right.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea, dock.isVisible(),
                      dock.isFloating(), dock.geometry().getRect(), right.centralWidget().geometry().getRect(),
                      dock.toggleViewAction().isChecked(), bytes(right.saveState().data())))
    assert shown[0] == shown[1]
    assert shown[0][0] and shown[0][1] and shown[0][3][3] == height_px


@pytest.mark.parametrize("screen", [(1280, 800), (1024, 560)])
def test_the_windows_first_frame_has_the_docks_height_qt_would_give(qtbot, screen: tuple[int, int]) -> None:  # noqa: ANN001
    """The window sizes the dock before its first show (a tall window: as built, 240 px; a short one: a third of its
    height) instead of resizeDocks at its first resize event: the same dock and plot as resizeDocks then gives."""
    from PySide6.QtCore import QRect, Qt
    from sbrt_calc.gui import main_window
    from sbrt_calc.gui.main_window import MainWindow

    real = main_window.initial_geometry
    main_window.initial_geometry = lambda available, minimum=None: real(QRect(0, 0, *screen), minimum)
    try:
        w = MainWindow(deferred=True)
    finally:
        main_window.initial_geometry = real
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    dock, plot = w.bench.working_dock, w.bench.plot
    before = (dock.geometry().getRect(), plot.geometry().getRect())
    height = w.height()
    wanted = max(120, height // 3) if height < 650 else 240
    assert (height < 650) == (screen[1] < 650)
    dock.parentWidget().resizeDocks([dock], [wanted], Qt.Orientation.Vertical)   # what the first resize did
    qtbot.wait(10)
    assert (dock.geometry().getRect(), plot.geometry().getRect()) == before
    assert before[0][3] == wanted
    w.undo_stack.setClean()


@pytest.mark.parametrize("name", ["working_dock", "Arbeitsübersicht_ß_α", "作業の表示", "dock_\U0001f642_end"])
def test_the_state_is_qts_own_for_any_object_name(qtbot, name: str) -> None:  # noqa: ANN001
    """The dock's name as Qt writes a QString (UTF-16 big-endian): packed per character within the Basic
    Multilingual Plane (no codec import at start; build29, stop 29), through the codec beyond it (a surrogate
    pair). Seen failing with the name packed as one byte per character."""
    from sbrt_calc.gui.dock_state import bottom_dock_state

    _top, right, _dock = _plot_and_dock(qtbot, True, 240, name)
    saved = bytes(right.saveState().data())
    at = len(saved) - 4 - 8 - 16 - 5 - 4
    qt_minimum = struct.unpack(">i", saved[at:at + 4])[0]
    assert saved == bottom_dock_state(name, 240, qt_minimum)
