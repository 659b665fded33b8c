"""A dock widget placed in a QMainWindow's bottom area at a given height, without PySide's ``Qt`` namespace type.

``QMainWindow.addDockWidget`` takes a ``Qt.DockWidgetArea`` and ``resizeDocks`` a ``Qt.Orientation``: neither has
a Qt property or an int overload, and the first touch of ``Qt`` makes all its 93 enums (~15-27 ms CPU of the cold
start; :mod:`.qt_values`). ``QMainWindow.restoreState`` places the main window's child dock widgets by their
object names, so :func:`place_bottom_dock` restores the state that ``addDockWidget(BottomDockWidgetArea, dock)``
followed by ``resizeDocks([dock], [height], Vertical)`` saves (:func:`bottom_dock_state`: Qt's ``saveState``
format, QDataStream big-endian). When Qt refuses the state (another Qt's format) it falls back to those two calls.
``tests/test_gui_dock_state.py`` compares the bytes with Qt's ``saveState`` and the restored layout with Qt's.
"""

from __future__ import annotations

import struct
from typing import Any

#: QMainWindow's state markers (qmainwindowlayout.cpp, qdockarealayout.cpp, qtoolbararealayout.cpp)
_VERSION_MARKER = 0xFF
_DOCK_STATE_MARKER = 0xFD
_SEQUENCE_MARKER = 0xFC
_WIDGET_MARKER = 0xFB
_TOOLBAR_STATE_MARKER_EX = 0xFC
_BOTTOM_DOCK_POS = 3      # QInternal::BottomDock
_HORIZONTAL = 1           # the bottom area lays its docks side by side
_VISIBLE = 1              # StateFlagVisible
_MAX_SIZE = 0xFFFFFF      # QWIDGETSIZE_MAX
#: the corners' areas (Qt's defaults: top left and right Top, bottom left and right Bottom)
_CORNERS = (4, 4, 8, 8)


def _qstring(text: str) -> bytes:
    """``text`` as QDataStream writes a QString: its byte count, then UTF-16 big-endian.

    A name within the Basic Multilingual Plane (every object name of the app) is packed by :mod:`struct`, one
    16-bit unit per character: ``str.encode("utf-16-be")`` looks its codec up and imports
    ``encodings.utf_16_be`` (~0.55 ms CPU of the cold start, the only use of the codec before the paint;
    stop 29, build29). Other names go through the codec (surrogate pairs)."""
    if max(map(ord, text), default=0) <= 0xFFFF:
        data = struct.pack(f">{len(text)}H", *map(ord, text))
    else:
        data = text.encode("utf-16-be")
    return struct.pack(">I", len(data)) + data


def bottom_dock_state(object_name: str, height_px: int, minimum_px: int = 0) -> bytes:
    """The ``QMainWindow.saveState()`` of a main window (not yet shown, no toolbars) with one dock widget named
    ``object_name`` in its bottom area, ``height_px`` high. ``minimum_px``: the dock's minimum height as Qt saves it
    (read back and ignored by ``restoreState``; given only to compare the bytes with Qt's)."""
    dock_area = (struct.pack(">BB", _SEQUENCE_MARKER, _HORIZONTAL) + struct.pack(">i", 1)
                 + struct.pack(">B", _WIDGET_MARKER) + _qstring(object_name) + struct.pack(">B", _VISIBLE)
                 + struct.pack(">iiii", 0, -1, minimum_px, _MAX_SIZE))
    return (struct.pack(">ii", _VERSION_MARKER, 0)
            + struct.pack(">B", _DOCK_STATE_MARKER) + struct.pack(">i", 1)
            + struct.pack(">iii", _BOTTOM_DOCK_POS, 0, height_px) + dock_area
            + struct.pack(">ii", 0, 0) + struct.pack(">iiii", *_CORNERS)
            + struct.pack(">Bi", _TOOLBAR_STATE_MARKER_EX, 0))


def place_bottom_dock(window: Any, dock: Any, height_px: int) -> bool:
    """Put ``dock`` (a QDockWidget child of the QMainWindow ``window``, with an object name) in ``window``'s bottom
    area, ``height_px`` high, as ``addDockWidget`` + ``resizeDocks`` would. True when done through
    ``restoreState`` (no ``Qt`` type made); False when Qt refused the state and the two Qt calls did it."""
    from PySide6.QtCore import QByteArray

    if window.restoreState(QByteArray(bottom_dock_state(dock.objectName(), height_px))):
        return True
    from PySide6.QtCore import Qt  # another Qt's state format: the calls with Qt's enums

    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    window.resizeDocks([dock], [height_px], Qt.Orientation.Vertical)
    return False
