"""Small icons drawn with QPainter (no image files): the flag states, warnings, the app icon.

Each state has a distinct *shape* as well as a colour, so that it reads in greyscale and for
colour-blind users: a filled triangle pointing up (reached), a hollow circle with a bar (not
reached), a half-filled diamond (depends on the model / fragile), an exclamation triangle.

The brushes are given as colours (``QPainter.setBrush(QColor)``), never built with ``QBrush(colour)``: PySide's
choice among QBrush's constructors makes the QImage and QGradient types with their seven enums, ~3.5 ms CPU the
first time (stop 28, chrome28); the painted pixels are the same. :func:`solid_brush` makes a cell's background
brush the same way round (for the table model).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

GREEN = QColor(26, 133, 72)
AMBER = QColor(196, 120, 0)
RED = QColor(200, 40, 40)
BLUE = QColor(40, 90, 180)


def solid_brush(colour: QColor) -> QBrush:
    """A solid brush of ``colour``, equal to ``QBrush(colour)`` but made from an empty brush: PySide's choice among
    QBrush's constructors made the QImage and QGradient types (~3.5 ms CPU the first time; see the module
    docstring)."""
    brush = QBrush()
    brush.setColor(colour)
    brush.setStyle(Qt.BrushStyle.SolidPattern)
    return brush


def _pixmap(size: int) -> tuple[QPixmap, QPainter]:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pm, p


def _icon(draw: Callable[[QPainter, float], None], sizes: tuple[int, ...] = (16, 24, 32, 48)) -> QIcon:
    icon = QIcon()
    for s in sizes:
        pm, p = _pixmap(s)
        draw(p, float(s))
        p.end()
        icon.addPixmap(pm)
    return icon


@cache
def reached() -> QIcon:
    """Threshold reached: a filled upward triangle."""
    def draw(p: QPainter, s: float) -> None:
        p.setPen(QPen(GREEN.darker(130), max(1.0, s / 16)))
        p.setBrush(GREEN)
        p.drawPolygon(QPolygonF([QPointF(s / 2, s * 0.12), QPointF(s * 0.9, s * 0.86), QPointF(s * 0.1, s * 0.86)]))
    return _icon(draw)


@cache
def not_reached() -> QIcon:
    """Threshold not reached: a hollow circle with a horizontal bar."""
    def draw(p: QPainter, s: float) -> None:
        p.setPen(QPen(AMBER, max(1.5, s / 9)))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(QRectF(s * 0.14, s * 0.14, s * 0.72, s * 0.72))
        p.drawLine(QPointF(s * 0.3, s / 2), QPointF(s * 0.7, s / 2))
    return _icon(draw)


@cache
def mixed() -> QIcon:
    """Depends on the model or alpha/beta: a half-filled diamond."""
    def draw(p: QPainter, s: float) -> None:
        diamond = QPolygonF([QPointF(s / 2, s * 0.08), QPointF(s * 0.92, s / 2), QPointF(s / 2, s * 0.92),
                             QPointF(s * 0.08, s / 2)])
        path = QPainterPath()
        path.addPolygon(diamond)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(BLUE)
        p.setClipRect(QRectF(0, 0, s / 2, s))
        p.drawPath(path)
        p.setClipping(False)
        p.setPen(QPen(BLUE, max(1.2, s / 12)))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
    return _icon(draw)


@cache
def warning() -> QIcon:
    """A caveat applies: an exclamation mark in a triangle."""
    def draw(p: QPainter, s: float) -> None:
        p.setPen(QPen(AMBER.darker(120), max(1.0, s / 16)))
        p.setBrush(QColor(250, 200, 60))
        p.drawPolygon(QPolygonF([QPointF(s / 2, s * 0.06), QPointF(s * 0.96, s * 0.92), QPointF(s * 0.04, s * 0.92)]))
        p.setPen(QPen(QColor(30, 30, 30), max(1.5, s / 9)))
        p.drawLine(QPointF(s / 2, s * 0.36), QPointF(s / 2, s * 0.64))
        p.drawPoint(QPointF(s / 2, s * 0.78))
    return _icon(draw)


@cache
def invalid() -> QIcon:
    """Invalid input: a red disc with a white cross."""
    def draw(p: QPainter, s: float) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(RED)
        p.drawEllipse(QRectF(s * 0.06, s * 0.06, s * 0.88, s * 0.88))
        p.setPen(QPen(QColor("white"), max(1.5, s / 8)))
        p.drawLine(QPointF(s * 0.32, s * 0.32), QPointF(s * 0.68, s * 0.68))
        p.drawLine(QPointF(s * 0.68, s * 0.32), QPointF(s * 0.32, s * 0.68))
    return _icon(draw)


@cache
def app_icon() -> QIcon:
    """The window icon: dose curves rising over a baseline."""
    def draw(p: QPainter, s: float) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(30, 60, 110))
        p.drawRoundedRect(QRectF(0, 0, s, s), s * 0.18, s * 0.18)
        for i, colour in enumerate((QColor(120, 200, 255), QColor(255, 200, 80))):
            path = QPainterPath(QPointF(s * 0.12, s * 0.85))
            path.quadTo(QPointF(s * (0.55 + 0.1 * i), s * (0.8 - 0.1 * i)), QPointF(s * 0.88, s * (0.2 + 0.2 * i)))
            p.setPen(QPen(colour, max(1.5, s / 12)))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)
    return _icon(draw, (16, 32, 64, 128))
