"""The icons the app shows (:mod:`sbrt_calc.gui.icons`, loaded from the PNG images of :mod:`.icon_pixels`) are the
painter code's (:mod:`.icon_drawing`), pixel for pixel, at each size they hold and at sizes Qt scales them to
(stop 28, types28: loading them instead of painting them at start saves ~9 ms CPU)."""

from __future__ import annotations

import pytest

NAMES = ("reached", "not_reached", "mixed", "warning", "invalid", "app_icon")


@pytest.mark.parametrize("name", NAMES)
def test_a_shown_icon_has_the_painted_pixels(qapp, name: str) -> None:  # noqa: ANN001
    from PySide6.QtGui import QImage
    from sbrt_calc.gui import icon_drawing, icons

    shown, painted = getattr(icons, name)(), icon_drawing.DRAWN[name]()
    assert shown.availableSizes() == painted.availableSizes()
    for size in (*icons.SIZES[name], 12, 20, 22, 40, 96):
        a, b = (i.pixmap(size, size).toImage().convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
                for i in (shown, painted))
        assert (a.width(), a.height()) == (b.width(), b.height()), (name, size)
        assert a == b, (name, size)


def test_the_images_module_is_the_painter_codes(qapp) -> None:  # noqa: ANN001
    """Each image of icon_pixels decodes to the painted image of its size (rewritten by
    ``python -m sbrt_calc.gui.icon_drawing`` after a change of the drawing)."""
    import binascii

    from PySide6.QtGui import QImage
    from sbrt_calc.gui import icon_drawing, icon_pixels, icons

    assert set(icon_pixels.PNG) == set(icons.SIZES) == set(icon_drawing.DRAWN)
    for name, images in icon_pixels.PNG.items():
        assert len(images) == len(icons.SIZES[name])
        painted = icon_drawing.DRAWN[name]()
        for text, size in zip(images, icons.SIZES[name], strict=True):
            image = QImage.fromData(binascii.a2b_base64(text), "PNG")
            want = painted.pixmap(size, size).toImage()
            fmt = QImage.Format.Format_ARGB32_Premultiplied
            assert image.convertToFormat(fmt) == want.convertToFormat(fmt), (name, size)
