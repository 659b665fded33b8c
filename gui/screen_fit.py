"""Sizes that fit the screen the app opens on (issue 21).

- :func:`initial_geometry`: the main window's first geometry from the screen's *available* geometry
  (the screen less task bars and docks): 90 % of it, capped at 1600 x 1000, but on a small screen
  (under 1100 x 800 either way) all of it less the frame, and never more than the screen less a frame allowance, so
  that no part of the window is off a 1024 x 768 screen.
- :func:`form_scroll`: the scroll area of a form beside a text panel (Eligibility, Planning): it
  scrolls both ways instead of clipping its combo boxes and buttons.
- :func:`fit_form_side`: on first show, give the form side of such a splitter its minimum width when
  the window has room for it (the text side keeping at least 40 %), else what there is (it scrolls).
- :func:`narrow_combos`: combo boxes as narrow as a few characters in the form, their items whole in the list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QApplication, QComboBox, QSplitter, QWidget

if TYPE_CHECKING:   # made where a form is scrolled: the first window has none (stop 28, types28)
    from PySide6.QtWidgets import QScrollArea

#: the largest first window (a larger screen leaves room around it)
MAX_SIZE = QSize(1600, 1000)
#: what a window manager's frame adds around the client area (title bar, borders), kept free
FRAME_ALLOWANCE = QSize(16, 40)
#: the share of the available geometry the first window takes on a large screen
SHARE = 0.9
#: below this (either way), a small screen: the window takes all the available geometry (less the frame)
SMALL = QSize(1100, 800)


def initial_geometry(available: QRect, minimum: QSize | None = None) -> QRect:
    """The first geometry of the main window (client area) on a screen whose available geometry is
    ``available``; ``minimum``: the window's minimum size hint (used only when it fits the screen).

    The result lies wholly inside ``available`` less :data:`FRAME_ALLOWANCE`, centred.
    """
    room_w = max(1, available.width() - FRAME_ALLOWANCE.width())
    room_h = max(1, available.height() - FRAME_ALLOWANCE.height())
    small = available.width() < SMALL.width() or available.height() < SMALL.height()
    w = room_w if small else int(available.width() * SHARE)
    h = room_h if small else int(available.height() * SHARE)
    if minimum is not None:
        w = max(w, minimum.width())
        h = max(h, minimum.height())
    w = min(w, room_w, MAX_SIZE.width())
    h = min(h, room_h, MAX_SIZE.height())
    x = available.x() + (available.width() - w) // 2
    title = FRAME_ALLOWANCE.height() - FRAME_ALLOWANCE.width() // 2   # the title bar above the client area
    y = available.y() + max(title, (available.height() - h) // 2)
    return QRect(x, y, w, h)


def form_scroll(form: QWidget) -> QScrollArea:
    """A scroll area for ``form`` that scrolls (both ways, as needed) rather than clip it."""
    from PySide6.QtCore import Qt  # the tabs' forms, made after the first paint (no Qt type at start; qt_values)
    from PySide6.QtWidgets import QScrollArea

    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(form)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    return scroll


def fit_form_side(splitter: QSplitter, scroll: QScrollArea, text_share: float = 0.4) -> None:
    """Give the splitter's first pane (``scroll``) the width its form needs, when the splitter has room
    for it while the other pane keeps ``text_share`` of the width; else as much as that allows (the form
    then scrolls sideways)."""
    total = sum(splitter.sizes())
    form = scroll.widget()
    if total <= 0 or form is None:
        return
    needed = form.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width() \
        + 2 * scroll.frameWidth() + 2
    # the form what it needs (at least 40 % of the width), the text the rest: at 1024 px the planning view's organ
    # table (whole words only, never cut mid-token) then fits without scrolling sideways
    left = min(max(needed, int(total * 0.4)), int(total * (1 - text_share)))
    splitter.setSizes([left, total - left])


def narrow_combos(*combos: QComboBox, chars: int = 16) -> None:
    """Each combo box needs only ``chars`` characters in its form (the current item elided when the form has no
    more room; the list shows every item whole). Qt keeps the minimum size a combo computed when its items were
    added (the widest item): a style-change event drops that cached size, or the form stayed as wide as the
    longest item (the Planning form's constraint-set titles: 609 px at any window width)."""
    from PySide6.QtCore import QEvent  # the tabs' forms, made after the first paint

    for combo in combos:
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(chars)
        QApplication.sendEvent(combo, QEvent(QEvent.Type.StyleChange))
