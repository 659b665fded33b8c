"""The window's tab widget (gui/window_tabs.py, stop 30): a layout request that leaves its layout as it was is
answered without laying out and repainting the whole tab widget; one that changes it still lays it out."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")

from PySide6.QtCore import QEvent, QObject  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget  # noqa: E402
from sbrt_calc.gui.window_tabs import WindowTabs  # noqa: E402


class _Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, obj, event):  # noqa: ANN001, ANN201, N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _settle() -> None:
    for _ in range(6):
        QApplication.processEvents()


def test_a_request_that_changes_nothing_of_its_layout_paints_nothing(qapp) -> None:  # noqa: ANN001
    """A page's child that changes its minimum height (as the Regimens tab's banner does) sends a layout request
    up to the tab widget: the tab bar is not repainted, the tab widget's minimum size still follows the page's.
    Seen failing with a plain QTabWidget (the tab bar repainted)."""
    tabs = WindowTabs()
    page = QWidget()
    box = QLabel("banner")
    layout = QVBoxLayout(page)
    layout.addWidget(QLabel("table"))
    layout.addWidget(box)
    tabs.addTab(page, "Regimens")
    tabs.addTab(QWidget(), "Planning")
    tabs.resize(600, 400)
    tabs.show()
    try:
        _settle()
        paints = _Paints()
        tabs.tabBar().installEventFilter(paints)
        before = tabs.minimumSizeHint().height()
        skipped = tabs.layouts_skipped
        box.setFixedHeight(120)
        _settle()
        assert paints.count == 0
        assert tabs.layouts_skipped > skipped
        assert tabs.minimumSizeHint().height() > before   # the page's new minimum reached the tab widget
    finally:
        tabs.close()
        tabs.deleteLater()


def test_a_request_that_changes_its_layout_lays_it_out(qapp) -> None:  # noqa: ANN001
    """A longer tab label changes the tab bar's size hint: the tab widget lays its bar out again."""
    tabs = WindowTabs()
    tabs.addTab(QWidget(), "Regimens")
    tabs.addTab(QWidget(), "Planning")
    tabs.resize(900, 400)
    tabs.show()
    try:
        _settle()
        width = tabs.tabBar().width()
        tabs.setTabText(1, "Planning, with a much longer label than before")
        _settle()
        assert tabs.tabBar().width() > width
    finally:
        tabs.close()
        tabs.deleteLater()


def test_a_deferred_window_arms_its_tabs_after_the_filled_paint(qtbot, isolated_dirs) -> None:  # noqa: ANN001
    """The app's cold start (a window built ``deferred``) lays its tabs out as Qt does until
    ``MainWindow.make_interactive`` (after the filled table's paint, with the actions): reading the tab bar's size hints makes the
    ``QTabBar`` type, which the start does without (tests/test_gui_start_qt_count.py failed with it armed)."""
    from sbrt_calc.gui.main_window import MainWindow

    window = MainWindow(deferred=True)
    qtbot.addWidget(window)
    tabs = window.tabs_controller.tabs
    assert not tabs.armed
    window.make_interactive()
    assert tabs.armed
    assert MainWindow().tabs_controller.tabs.armed   # a window built whole: at once
