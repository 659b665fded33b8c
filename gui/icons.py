"""Small icons drawn with QPainter (no image files): the flag states, warnings, the app icon.

Each state has a distinct *shape* as well as a colour, so that it reads in greyscale and for
colour-blind users: a filled triangle pointing up (reached), a hollow circle with a bar (not
reached), a half-filled diamond (depends on the model / fragile), an exclamation triangle.

The brushes are given as colours (``QPainter.setBrush(QColor)``), never built with ``QBrush(colour)``: PySide's
choice among QBrush's constructors makes the QImage and QGradient types with their seven enums, ~3.5 ms CPU the
first time (stop 28, chrome28); the painted pixels are the same. :func:`solid_brush` makes a cell's background
brush the same way round (for the table model).

Nothing here touches PySide's ``Qt`` namespace type (stop 29): the icons are drawn before the filled table's first
paint, and the first touch of ``Qt`` makes all its 93 enums (~15-27 ms CPU; :mod:`.qt_values`). That rules out
more than ``Qt.PenStyle.NoPen`` and ``Qt.BrushStyle.NoBrush``: PySide's choice among overloads that take one of
``Qt``'s enums makes the type too, so ``QPainter.setPen`` and ``setBrush`` (any argument), ``QPen(colour, width)``,
``QBrush.setColor`` and ``QColor("white")`` are not used. Each shape is drawn with ``QPainter.fillPath`` (a brush,
no outline) and ``strokePath`` (a pen, no fill), which is what ``drawPolygon``/``drawEllipse``/``drawPath`` do
inside Qt; ``tests/test_gui_icons_pixels.py`` draws every icon the former way too and finds the same pixels.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap, QPolygonF

GREEN = QColor(26, 133, 72)
AMBER = QColor(196, 120, 0)
RED = QColor(200, 40, 40)
BLUE = QColor(40, 90, 180)
WHITE = QColor(255, 255, 255)
TRANSPARENT = QColor(0, 0, 0, 0)   # Qt.GlobalColor.transparent

_ROLE = QPalette.ColorRole.Window


def solid_brush(colour: QColor) -> QBrush:
    """A solid brush of ``colour``, equal to ``QBrush(colour)``: a palette's brush for a colour set on it. PySide's
    choice among QBrush's constructors made the QImage and QGradient types (~3.5 ms CPU the first time), and
    ``QBrush.setColor``/``setStyle`` make the ``Qt`` namespace type (see the module docstring)."""
    palette = QPalette()
    palette.setColor(_ROLE, colour)
    return palette.brush(_ROLE)


def pen(colour: QColor, width_px: float) -> QPen:
    """``QPen(colour, width_px)`` (solid, square caps, bevel joins), made without PySide's ``Qt`` type."""
    made = QPen()
    made.setColor(colour)
    made.setWidthF(width_px)
    return made


def _polygon_path(points: list[QPointF]) -> QPainterPath:
    """The closed outline ``QPainter.drawPolygon(points)`` fills and strokes."""
    path = QPainterPath()
    path.addPolygon(QPolygonF(points))
    path.closeSubpath()
    return path


def _ellipse_path(rect: QRectF) -> QPainterPath:
    path = QPainterPath()
    path.addEllipse(rect)
    return path


def _line_path(start: QPointF, end: QPointF) -> QPainterPath:
    path = QPainterPath(start)
    path.lineTo(end)
    return path


def _point_path(point: QPointF) -> QPainterPath:
    """The line ``QPainter.drawPoint`` strokes for a point with a wide pen: 1/63 px long (Qt's
    ``QPaintEngineEx::drawPoints``), the pen's square caps making the dot."""
    return _line_path(point, QPointF(point.x() + 1 / 63, point.y()))


def _shape(p: QPainter, path: QPainterPath, fill: QColor | None, outline: QPen | None) -> None:
    """Fill ``path`` with ``fill`` and then stroke it with ``outline`` (either may be None), as Qt's draw calls do."""
    if fill is not None:
        p.fillPath(path, solid_brush(fill))
    if outline is not None:
        p.strokePath(path, outline)


def _pixmap(size: int) -> tuple[QPixmap, QPainter]:
    pm = QPixmap(size, size)
    pm.fill(TRANSPARENT)
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
        triangle = _polygon_path([QPointF(s / 2, s * 0.12), QPointF(s * 0.9, s * 0.86), QPointF(s * 0.1, s * 0.86)])
        _shape(p, triangle, GREEN, pen(GREEN.darker(130), max(1.0, s / 16)))
    return _icon(draw)


@cache
def not_reached() -> QIcon:
    """Threshold not reached: a hollow circle with a horizontal bar."""
    def draw(p: QPainter, s: float) -> None:
        outline = pen(AMBER, max(1.5, s / 9))
        _shape(p, _ellipse_path(QRectF(s * 0.14, s * 0.14, s * 0.72, s * 0.72)), None, outline)
        _shape(p, _line_path(QPointF(s * 0.3, s / 2), QPointF(s * 0.7, s / 2)), None, outline)
    return _icon(draw)


@cache
def mixed() -> QIcon:
    """Depends on the model or alpha/beta: a half-filled diamond."""
    def draw(p: QPainter, s: float) -> None:
        diamond = QPolygonF([QPointF(s / 2, s * 0.08), QPointF(s * 0.92, s / 2), QPointF(s / 2, s * 0.92),
                             QPointF(s * 0.08, s / 2)])
        path = QPainterPath()
        path.addPolygon(diamond)
        p.setClipRect(QRectF(0, 0, s / 2, s))
        _shape(p, path, BLUE, None)
        p.setClipping(False)
        _shape(p, path, None, pen(BLUE, max(1.2, s / 12)))
    return _icon(draw)


@cache
def warning() -> QIcon:
    """A caveat applies: an exclamation mark in a triangle."""
    def draw(p: QPainter, s: float) -> None:
        triangle = _polygon_path([QPointF(s / 2, s * 0.06), QPointF(s * 0.96, s * 0.92), QPointF(s * 0.04, s * 0.92)])
        _shape(p, triangle, QColor(250, 200, 60), pen(AMBER.darker(120), max(1.0, s / 16)))
        mark = pen(QColor(30, 30, 30), max(1.5, s / 9))
        _shape(p, _line_path(QPointF(s / 2, s * 0.36), QPointF(s / 2, s * 0.64)), None, mark)
        _shape(p, _point_path(QPointF(s / 2, s * 0.78)), None, mark)
    return _icon(draw)


@cache
def invalid() -> QIcon:
    """Invalid input: a red disc with a white cross."""
    def draw(p: QPainter, s: float) -> None:
        _shape(p, _ellipse_path(QRectF(s * 0.06, s * 0.06, s * 0.88, s * 0.88)), RED, None)
        cross = pen(WHITE, max(1.5, s / 8))
        _shape(p, _line_path(QPointF(s * 0.32, s * 0.32), QPointF(s * 0.68, s * 0.68)), None, cross)
        _shape(p, _line_path(QPointF(s * 0.68, s * 0.32), QPointF(s * 0.32, s * 0.68)), None, cross)
    return _icon(draw)


@cache
def app_icon() -> QIcon:
    """The window icon: dose curves rising over a baseline."""
    def draw(p: QPainter, s: float) -> None:
        tile = QPainterPath()
        tile.addRoundedRect(QRectF(0, 0, s, s), s * 0.18, s * 0.18)
        _shape(p, tile, QColor(30, 60, 110), None)
        for i, colour in enumerate((QColor(120, 200, 255), QColor(255, 200, 80))):
            path = QPainterPath(QPointF(s * 0.12, s * 0.85))
            path.quadTo(QPointF(s * (0.55 + 0.1 * i), s * (0.8 - 0.1 * i)), QPointF(s * 0.88, s * (0.2 + 0.2 * i)))
            _shape(p, path, None, pen(colour, max(1.5, s / 12)))
    return _icon(draw, (16, 32, 64, 128))
