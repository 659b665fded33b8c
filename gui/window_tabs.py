"""The window's tab widget: a :class:`QTabWidget` that does not lay out and repaint itself for a layout request
that leaves its own layout as it was (stop 30).

QTabWidget answers every layout request (``QEvent.LayoutRequest``, sent up the widget tree one level per turn of
the event loop whenever a widget below changes a size constraint) by placing its tab bar and pages again and
repainting all of itself: every widget of the window but the opaque views. In the Regimens tab a caveats banner
that gains or loses a line (a model switch, an edit) sent one up each time: a paint of the whole window four
turns after the switch's own paint (~3-4 ms CPU). Where the tab bar and the pages go depends only on the tab
widget's size and its tab bar's size hints; when those are as at the last layout, the request is answered by
passing the pages' new size constraints on to the window (``updateGeometry``), which is all it changes.

A window built ``deferred`` (the app's cold start) arms this only after its filled table's paint
(:meth:`.MainWindow.make_interactive`): reading the tab bar's size hints makes PySide's ``QTabBar`` type, which the
start does not need before that paint (tests/test_gui_start_qt_count.py).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QTabWidget

_LAYOUT_REQUEST = QEvent.Type.LayoutRequest


class WindowTabs(QTabWidget):
    """See the module docstring. :attr:`layouts_skipped` counts the requests answered without a new layout
    (tests)."""

    def __init__(self, armed: bool = True) -> None:
        super().__init__()
        self._laid_out_for: tuple[Any, ...] | None = None
        self.layouts_skipped = 0
        self.armed = armed

    def arm(self) -> None:
        """From now on, skip a layout request that leaves the layout as it was (see the module docstring)."""
        self.armed = True

    def _layout_inputs(self) -> tuple[Any, ...]:
        """What QTabWidget's placement of its tab bar and pages (its private ``setUpLayout``) reads. (A new tab
        position, document mode or corner widget, and a resize, lay the tab widget out at once, not through a
        layout request.)"""
        bar = self.tabBar()
        return self.size(), self.isVisible(), bar.isVisible(), bar.sizeHint(), bar.minimumSizeHint()

    def event(self, event: QEvent) -> bool:  # noqa: D102 - Qt's
        if self.armed and event.type() == _LAYOUT_REQUEST:
            inputs = self._layout_inputs()
            if inputs == self._laid_out_for:
                self.layouts_skipped += 1
                self.updateGeometry()   # the pages' size constraints, on to the window's layout
                return True
            self._laid_out_for = inputs
        return super().event(event)
