"""The icons drawn without PySide's ``Qt`` namespace type (stop 29, win29) have the pixels of the former drawing.

:mod:`sbrt_calc.gui.icons` draws each shape with ``QPainter.fillPath``/``strokePath`` instead of ``setPen``/
``setBrush`` with ``Qt.PenStyle.NoPen``/``Qt.BrushStyle.NoBrush`` and ``drawPolygon``/``drawEllipse``/``drawLine``/
``drawPoint``/``drawRoundedRect``/``drawPath`` (whose overloads make the ``Qt`` type, ~15-27 ms of the cold start).
Here every icon is drawn the former way too (the code as it was before stop 29, where ``Qt`` is allowed) at each of
its sizes, and the two images must be equal pixel for pixel. A fresh interpreter then draws them all, with the
solid brushes, and must not have made the ``Qt`` type.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest

pytest.importorskip("PySide6")


def _former_drawings() -> dict[str, tuple[Callable, tuple[int, ...]]]:
    """The drawing functions of gui/icons.py before stop 29 (with ``Qt``), by icon name, with their sizes."""
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF
    from sbrt_calc.gui.icons import AMBER, BLUE, GREEN, RED

    def reached(p: QPainter, s: float) -> None:
        p.setPen(QPen(GREEN.darker(130), max(1.0, s / 16)))
        p.setBrush(GREEN)
        p.drawPolygon(QPolygonF([QPointF(s / 2, s * 0.12), QPointF(s * 0.9, s * 0.86), QPointF(s * 0.1, s * 0.86)]))

    def not_reached(p: QPainter, s: float) -> None:
        p.setPen(QPen(AMBER, max(1.5, s / 9)))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(QRectF(s * 0.14, s * 0.14, s * 0.72, s * 0.72))
        p.drawLine(QPointF(s * 0.3, s / 2), QPointF(s * 0.7, s / 2))

    def mixed(p: QPainter, s: float) -> None:
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

    def warning(p: QPainter, s: float) -> None:
        p.setPen(QPen(AMBER.darker(120), max(1.0, s / 16)))
        p.setBrush(QColor(250, 200, 60))
        p.drawPolygon(QPolygonF([QPointF(s / 2, s * 0.06), QPointF(s * 0.96, s * 0.92), QPointF(s * 0.04, s * 0.92)]))
        p.setPen(QPen(QColor(30, 30, 30), max(1.5, s / 9)))
        p.drawLine(QPointF(s / 2, s * 0.36), QPointF(s / 2, s * 0.64))
        p.drawPoint(QPointF(s / 2, s * 0.78))

    def invalid(p: QPainter, s: float) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(RED)
        p.drawEllipse(QRectF(s * 0.06, s * 0.06, s * 0.88, s * 0.88))
        p.setPen(QPen(QColor("white"), max(1.5, s / 8)))
        p.drawLine(QPointF(s * 0.32, s * 0.32), QPointF(s * 0.68, s * 0.68))
        p.drawLine(QPointF(s * 0.68, s * 0.32), QPointF(s * 0.32, s * 0.68))

    def app_icon(p: QPainter, s: float) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(30, 60, 110))
        p.drawRoundedRect(QRectF(0, 0, s, s), s * 0.18, s * 0.18)
        for i, colour in enumerate((QColor(120, 200, 255), QColor(255, 200, 80))):
            path = QPainterPath(QPointF(s * 0.12, s * 0.85))
            path.quadTo(QPointF(s * (0.55 + 0.1 * i), s * (0.8 - 0.1 * i)), QPointF(s * 0.88, s * (0.2 + 0.2 * i)))
            p.setPen(QPen(colour, max(1.5, s / 12)))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)

    small = (16, 24, 32, 48)
    return {"reached": (reached, small), "not_reached": (not_reached, small), "mixed": (mixed, small),
            "warning": (warning, small), "invalid": (invalid, small), "app_icon": (app_icon, (16, 32, 64, 128))}


def _former_image(draw: Callable, size: int):  # noqa: ANN202 - a QImage
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPainter, QPixmap

    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    draw(p, float(size))
    p.end()
    return pm.toImage()


@pytest.mark.parametrize("name", ["reached", "not_reached", "mixed", "warning", "invalid", "app_icon"])
def test_each_icon_has_the_former_drawings_pixels(qapp, name: str) -> None:  # noqa: ANN001
    from PySide6.QtCore import QSize
    from sbrt_calc.gui import icons

    draw, sizes = _former_drawings()[name]
    icon = getattr(icons, name)()
    assert sorted(s.width() for s in icon.availableSizes()) == sorted(sizes)
    for size in sizes:
        new = icon.pixmap(QSize(size, size)).toImage()
        old = _former_image(draw, size)
        assert new.size() == old.size() and new.format() == old.format(), (name, size)
        differing = sum(new.pixel(x, y) != old.pixel(x, y) for y in range(size) for x in range(size))
        assert differing == 0, f"{name} at {size} px: {differing} pixels differ from the former drawing"
        assert any(new.pixel(x, y) >> 24 for y in range(size) for x in range(size)), (name, size)   # not blank


def test_the_pen_and_the_transparent_colour_are_qts(qapp) -> None:  # noqa: ANN001
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QPen
    from sbrt_calc.gui import icons

    for colour, width in ((icons.AMBER, 1.5), (QColor(30, 30, 30), 5.333), (icons.WHITE, 2.0)):
        assert icons.pen(colour, width) == QPen(colour, width)
    assert icons.TRANSPARENT == QColor(Qt.GlobalColor.transparent)
    assert icons.WHITE == QColor("white")


def test_drawing_the_icons_makes_no_qt_namespace_type() -> None:
    code = """
import enum, os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
made = []
_create = enum.EnumType._create_
def spy(cls, *args, **kw):
    made.append(kw.get("qualname") or args[0])
    return _create(cls, *args, **kw)
enum.EnumType._create_ = spy
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
app = QApplication([])
from sbrt_calc.gui import icons
for name in ("reached", "not_reached", "mixed", "warning", "invalid", "app_icon"):
    getattr(icons, name)()
icons.solid_brush(QColor(30, 150, 80, 55))
print("QT_MADE" if "AlignmentFlag" in made else "NO_QT")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "NO_QT"
