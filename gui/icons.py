"""Small icons: the flag states, warnings, the app icon, drawn by :mod:`.icon_drawing`'s painter code and shown from
the PNG images it made (:mod:`.icon_pixels`; the same pixels, tested): loading them costs ~1.5 ms CPU at start where
painting them cost ~9 ms, the painter's types and enums included (stop 28, types28).

Each state has a distinct *shape* as well as a colour, so that it reads in greyscale and for
colour-blind users: a filled triangle pointing up (reached), a hollow circle with a bar (not
reached), a half-filled diamond (depends on the model / fragile), an exclamation triangle.

The painter's brushes are given as colours (``QPainter.setBrush(QColor)``), never built with ``QBrush(colour)``: PySide's
choice among QBrush's constructors makes the QImage and QGradient types with their seven enums, ~3.5 ms CPU the
first time (stop 28, chrome28); the painted pixels are the same. :func:`solid_brush` makes a cell's background
brush the same way round (for the table model).
"""

from __future__ import annotations

import binascii
from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPixmap

GREEN = QColor(26, 133, 72)
AMBER = QColor(196, 120, 0)
RED = QColor(200, 40, 40)
BLUE = QColor(40, 90, 180)
#: the sizes, in pixels, of each icon's images (square)
SIZES: dict[str, tuple[int, ...]] = {"reached": (16, 24, 32, 48), "not_reached": (16, 24, 32, 48),
                                     "mixed": (16, 24, 32, 48), "warning": (16, 24, 32, 48),
                                     "invalid": (16, 24, 32, 48), "app_icon": (16, 32, 64, 128)}


def solid_brush(colour: QColor) -> QBrush:
    """A solid brush of ``colour``, equal to ``QBrush(colour)`` but made from an empty brush: PySide's choice among
    QBrush's constructors made the QImage and QGradient types (~3.5 ms CPU the first time; see the module
    docstring)."""
    brush = QBrush()
    brush.setColor(colour)
    brush.setStyle(Qt.BrushStyle.SolidPattern)
    return brush


def _loaded(name: str) -> QIcon:
    """The icon ``name`` (a key of :data:`SIZES`) from its PNG images."""
    from .icon_pixels import PNG

    icon = QIcon()
    for text in PNG[name]:
        pixmap = QPixmap()
        pixmap.loadFromData(binascii.a2b_base64(text), "PNG")
        icon.addPixmap(pixmap)
    return icon


@cache
def reached() -> QIcon:
    """Threshold reached: a filled upward triangle."""
    return _loaded("reached")


@cache
def not_reached() -> QIcon:
    """Threshold not reached: a hollow circle with a horizontal bar."""
    return _loaded("not_reached")


@cache
def mixed() -> QIcon:
    """Depends on the model or alpha/beta: a half-filled diamond."""
    return _loaded("mixed")


@cache
def warning() -> QIcon:
    """A caveat applies: an exclamation mark in a triangle."""
    return _loaded("warning")


@cache
def invalid() -> QIcon:
    """Invalid input: a red disc with a white cross."""
    return _loaded("invalid")


@cache
def app_icon() -> QIcon:
    """The window icon: dose curves rising over a baseline."""
    return _loaded("app_icon")
