"""The ints the start path passes instead of Qt's enums (gui/qt_values.py, stop 29) are Qt's own values, and
set_enum_property sets the enum property (or refuses a name that is no property)."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QLabel  # noqa: E402
from sbrt_calc.gui import qt_values  # noqa: E402


@pytest.mark.parametrize(("name", "enum_name", "member"), qt_values.CHECKED)
def test_each_value_is_qts(name: str, enum_name: str, member: str) -> None:
    assert getattr(qt_values, name) == getattr(getattr(Qt, enum_name), member).value


def test_every_value_is_checked() -> None:
    """No constant of the module escapes the comparison above."""
    constants = {k for k, v in vars(qt_values).items() if k.isupper() and isinstance(v, int)}
    assert constants == {name for name, _e, _m in qt_values.CHECKED}


def test_set_enum_property(qtbot) -> None:
    label = QLabel("x")
    qtbot.addWidget(label)
    qt_values.set_enum_property(label, "alignment", qt_values.ALIGN_RIGHT | qt_values.ALIGN_VCENTER)
    assert label.alignment() == Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    qt_values.set_enum_property(label, "textFormat", qt_values.RICH_TEXT)
    assert label.textFormat() == Qt.TextFormat.RichText
    with pytest.raises(AttributeError, match="no Qt property 'alignmnet'"):
        qt_values.set_enum_property(label, "alignmnet", qt_values.ALIGN_LEFT)
