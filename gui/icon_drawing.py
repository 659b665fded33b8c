"""The icons' painter code (:mod:`.icons`): the source of the PNG images in :mod:`.icon_pixels`, which the app shows.

Painting them at start made PySide's QPainter, QPainterPath, QPen, QPolygonF, QPointF and QRectF types (five enums)
and drew 20 pixmaps: ~9 ms CPU of the cold start (the window icon with the first window, the verdict icons with the
filled table; stop 28, types28). The app now loads the same pixels from PNG; ``tests/test_gui_icons_pixels.py``
checks that every image of :mod:`.icon_pixels` is this code's, pixel for pixel. After a change here::

    python -m sbrt_calc.gui.icon_drawing     # rewrites gui/icon_pixels.py
"""

from __future__ import annotations

import binascii
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

from .icons import AMBER, BLUE, GREEN, RED, SIZES


def _pixmap(size: int) -> tuple[QPixmap, QPainter]:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pm, p


def _icon(draw: Callable[[QPainter, float], None], sizes: tuple[int, ...]) -> QIcon:
    icon = QIcon()
    for s in sizes:
        pm, p = _pixmap(s)
        draw(p, float(s))
        p.end()
        icon.addPixmap(pm)
    return icon


def reached() -> QIcon:
    """Threshold reached: a filled upward triangle."""
    def draw(p: QPainter, s: float) -> None:
        p.setPen(QPen(GREEN.darker(130), max(1.0, s / 16)))
        p.setBrush(GREEN)
        p.drawPolygon(QPolygonF([QPointF(s / 2, s * 0.12), QPointF(s * 0.9, s * 0.86), QPointF(s * 0.1, s * 0.86)]))
    return _icon(draw, SIZES['reached'])


def not_reached() -> QIcon:
    """Threshold not reached: a hollow circle with a horizontal bar."""
    def draw(p: QPainter, s: float) -> None:
        p.setPen(QPen(AMBER, max(1.5, s / 9)))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(QRectF(s * 0.14, s * 0.14, s * 0.72, s * 0.72))
        p.drawLine(QPointF(s * 0.3, s / 2), QPointF(s * 0.7, s / 2))
    return _icon(draw, SIZES['not_reached'])


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
    return _icon(draw, SIZES['mixed'])


def warning() -> QIcon:
    """A caveat applies: an exclamation mark in a triangle."""
    def draw(p: QPainter, s: float) -> None:
        p.setPen(QPen(AMBER.darker(120), max(1.0, s / 16)))
        p.setBrush(QColor(250, 200, 60))
        p.drawPolygon(QPolygonF([QPointF(s / 2, s * 0.06), QPointF(s * 0.96, s * 0.92), QPointF(s * 0.04, s * 0.92)]))
        p.setPen(QPen(QColor(30, 30, 30), max(1.5, s / 9)))
        p.drawLine(QPointF(s / 2, s * 0.36), QPointF(s / 2, s * 0.64))
        p.drawPoint(QPointF(s / 2, s * 0.78))
    return _icon(draw, SIZES['warning'])


def invalid() -> QIcon:
    """Invalid input: a red disc with a white cross."""
    def draw(p: QPainter, s: float) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(RED)
        p.drawEllipse(QRectF(s * 0.06, s * 0.06, s * 0.88, s * 0.88))
        p.setPen(QPen(QColor("white"), max(1.5, s / 8)))
        p.drawLine(QPointF(s * 0.32, s * 0.32), QPointF(s * 0.68, s * 0.68))
        p.drawLine(QPointF(s * 0.68, s * 0.32), QPointF(s * 0.32, s * 0.68))
    return _icon(draw, SIZES['invalid'])


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
    return _icon(draw, SIZES['app_icon'])


#: the painted icons by name (as :mod:`.icons` names them)
DRAWN: dict[str, Callable[[], QIcon]] = {"reached": reached, "not_reached": not_reached, "mixed": mixed,
                                         "warning": warning, "invalid": invalid, "app_icon": app_icon}


def png(pixmap: QPixmap) -> bytes:
    """``pixmap`` as PNG data."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pixmap.save(buffer, "PNG")
    return bytes(data.data())


def module_text() -> str:
    """The text of :mod:`.icon_pixels`: each icon's PNG images, base64, in the order of :data:`.icons.SIZES`."""
    lines = ['"""The icons\' images as PNG, base64 (made by ``python -m sbrt_calc.gui.icon_drawing`` from',
             ':mod:`.icon_drawing`\'s painter code; do not edit). :mod:`.icons` loads them."""', "",
             "PNG: dict[str, tuple[str, ...]] = {"]
    for name, draw in DRAWN.items():
        icon = draw()
        lines.append(f"    {name!r}: (")
        for size in SIZES[name]:
            text = binascii.b2a_base64(png(icon.pixmap(size, size)), newline=False).decode("ascii")
            lines += [f"        {text[i:i + 100]!r}" for i in range(0, len(text), 100)]
            lines[-1] += ","
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> int:   # pragma: no cover - run by hand after a change of the drawing
    """Rewrite gui/icon_pixels.py from the painter code."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 - pixmaps need the application
    Path(__file__).with_name("icon_pixels.py").write_text(module_text(), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
