"""Qt's enumeration values as plain ints, for the code that runs before the filled table's first paint.

PySide6 makes the Python type of Qt's ``Qt`` namespace the first time anything touches it (an import of ``Qt``, an
argument or a return value of one of its enums, a model's ``headerData`` called with a ``Qt.Orientation``), and that
type makes all its 93 enums at once through Python's :mod:`enum` (1,195 members; ~15-27 ms CPU of a cold start on
Python 3.11, measured in stop 29). A bare PySide6 window never pays it. The start path therefore passes these values
as ints: as data roles (``data(index, role)`` receives an int), as the values of a ``TextAlignmentRole`` (Qt reads an
int), or through :func:`set_enum_property` (Qt's property system converts an int to the property's enum in C++).

Each value here is Qt's own: ``tests/test_gui_qt_values.py`` compares every one with ``Qt.<Enum>.<member>.value``.
After the first paint, code may use ``Qt`` itself.
"""

from __future__ import annotations

from typing import Any

# Qt.ItemDataRole
DISPLAY_ROLE = 0
DECORATION_ROLE = 1
EDIT_ROLE = 2
TOOLTIP_ROLE = 3
STATUS_TIP_ROLE = 4
WHATS_THIS_ROLE = 5
FONT_ROLE = 6
TEXT_ALIGNMENT_ROLE = 7
BACKGROUND_ROLE = 8
FOREGROUND_ROLE = 9
CHECK_STATE_ROLE = 10
ACCESSIBLE_TEXT_ROLE = 11
ACCESSIBLE_DESCRIPTION_ROLE = 12
SIZE_HINT_ROLE = 13
USER_ROLE = 0x0100

# Qt.AlignmentFlag
ALIGN_LEFT = 0x0001
ALIGN_RIGHT = 0x0002
ALIGN_HCENTER = 0x0004
ALIGN_JUSTIFY = 0x0008
ALIGN_TOP = 0x0020
ALIGN_BOTTOM = 0x0040
ALIGN_VCENTER = 0x0080
ALIGN_CENTER = ALIGN_HCENTER | ALIGN_VCENTER

# Qt.Orientation
HORIZONTAL = 0x1
VERTICAL = 0x2

# Qt.ItemFlag
NO_ITEM_FLAGS = 0
ITEM_IS_SELECTABLE = 1
ITEM_IS_EDITABLE = 2
ITEM_IS_ENABLED = 32

# Qt.TextFormat
PLAIN_TEXT = 0
RICH_TEXT = 1
AUTO_TEXT = 2

# Qt.TextElideMode
ELIDE_LEFT = 0
ELIDE_RIGHT = 1
ELIDE_MIDDLE = 2
ELIDE_NONE = 3

# Qt.ScrollBarPolicy
SCROLL_BAR_AS_NEEDED = 0
SCROLL_BAR_ALWAYS_OFF = 1
SCROLL_BAR_ALWAYS_ON = 2

# Qt.TimerType
PRECISE_TIMER = 0
COARSE_TIMER = 1

# Qt.FocusPolicy
NO_FOCUS = 0
TAB_FOCUS = 1
CLICK_FOCUS = 2
STRONG_FOCUS = 11
WHEEL_FOCUS = 15

#: ``(module-level name, Qt enum, member)`` for every value above: what the test compares
CHECKED: tuple[tuple[str, str, str], ...] = (
    ("DISPLAY_ROLE", "ItemDataRole", "DisplayRole"),
    ("DECORATION_ROLE", "ItemDataRole", "DecorationRole"),
    ("EDIT_ROLE", "ItemDataRole", "EditRole"),
    ("TOOLTIP_ROLE", "ItemDataRole", "ToolTipRole"),
    ("STATUS_TIP_ROLE", "ItemDataRole", "StatusTipRole"),
    ("WHATS_THIS_ROLE", "ItemDataRole", "WhatsThisRole"),
    ("FONT_ROLE", "ItemDataRole", "FontRole"),
    ("TEXT_ALIGNMENT_ROLE", "ItemDataRole", "TextAlignmentRole"),
    ("BACKGROUND_ROLE", "ItemDataRole", "BackgroundRole"),
    ("FOREGROUND_ROLE", "ItemDataRole", "ForegroundRole"),
    ("CHECK_STATE_ROLE", "ItemDataRole", "CheckStateRole"),
    ("ACCESSIBLE_TEXT_ROLE", "ItemDataRole", "AccessibleTextRole"),
    ("ACCESSIBLE_DESCRIPTION_ROLE", "ItemDataRole", "AccessibleDescriptionRole"),
    ("SIZE_HINT_ROLE", "ItemDataRole", "SizeHintRole"),
    ("USER_ROLE", "ItemDataRole", "UserRole"),
    ("ALIGN_LEFT", "AlignmentFlag", "AlignLeft"),
    ("ALIGN_RIGHT", "AlignmentFlag", "AlignRight"),
    ("ALIGN_HCENTER", "AlignmentFlag", "AlignHCenter"),
    ("ALIGN_JUSTIFY", "AlignmentFlag", "AlignJustify"),
    ("ALIGN_TOP", "AlignmentFlag", "AlignTop"),
    ("ALIGN_BOTTOM", "AlignmentFlag", "AlignBottom"),
    ("ALIGN_VCENTER", "AlignmentFlag", "AlignVCenter"),
    ("ALIGN_CENTER", "AlignmentFlag", "AlignCenter"),
    ("HORIZONTAL", "Orientation", "Horizontal"),
    ("VERTICAL", "Orientation", "Vertical"),
    ("NO_ITEM_FLAGS", "ItemFlag", "NoItemFlags"),
    ("ITEM_IS_SELECTABLE", "ItemFlag", "ItemIsSelectable"),
    ("ITEM_IS_EDITABLE", "ItemFlag", "ItemIsEditable"),
    ("ITEM_IS_ENABLED", "ItemFlag", "ItemIsEnabled"),
    ("PLAIN_TEXT", "TextFormat", "PlainText"),
    ("RICH_TEXT", "TextFormat", "RichText"),
    ("AUTO_TEXT", "TextFormat", "AutoText"),
    ("ELIDE_LEFT", "TextElideMode", "ElideLeft"),
    ("ELIDE_RIGHT", "TextElideMode", "ElideRight"),
    ("ELIDE_MIDDLE", "TextElideMode", "ElideMiddle"),
    ("ELIDE_NONE", "TextElideMode", "ElideNone"),
    ("SCROLL_BAR_AS_NEEDED", "ScrollBarPolicy", "ScrollBarAsNeeded"),
    ("SCROLL_BAR_ALWAYS_OFF", "ScrollBarPolicy", "ScrollBarAlwaysOff"),
    ("SCROLL_BAR_ALWAYS_ON", "ScrollBarPolicy", "ScrollBarAlwaysOn"),
    ("PRECISE_TIMER", "TimerType", "PreciseTimer"),
    ("COARSE_TIMER", "TimerType", "CoarseTimer"),
    ("NO_FOCUS", "FocusPolicy", "NoFocus"),
    ("TAB_FOCUS", "FocusPolicy", "TabFocus"),
    ("CLICK_FOCUS", "FocusPolicy", "ClickFocus"),
    ("STRONG_FOCUS", "FocusPolicy", "StrongFocus"),
    ("WHEEL_FOCUS", "FocusPolicy", "WheelFocus"),
)


def set_enum_property(obj: Any, name: str, value: int) -> None:
    """Set the Qt property ``name`` of ``obj`` (a QObject) to the enum or flags value ``value``, given as an int.

    Qt's property system converts the int to the property's C++ enum, so PySide makes no Python enum (see the
    module's docstring): ``set_enum_property(label, "alignment", ALIGN_CENTER)`` is ``label.setAlignment(
    Qt.AlignmentFlag.AlignCenter)``.

    Raises
    ------
    AttributeError
        When ``obj`` has no writable property ``name`` (Qt's ``setProperty`` would instead add a dynamic property
        and return False, silently doing nothing).
    """
    if not obj.setProperty(name, value):
        raise AttributeError(f"{type(obj).__name__} has no Qt property {name!r} to set to {value!r}")
