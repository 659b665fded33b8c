"""Numbers as the user types and reads them (locale-aware), and column headers wrapped for a narrow column."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale

if TYPE_CHECKING:   # not at run time: sbrt_calc.tables brings numpy, which the first window waits for no more
    from sbrt_calc.tables import Column


def parse_number(text: str, locale: QLocale | None = None) -> float:
    """A number typed by the user: the locale's decimal separator, or '.' (never a group separator).

    Raises ValueError with a message naming the text.
    """
    s = str(text).strip()
    if not s:
        raise ValueError("empty: type a number")
    loc = QLocale(locale) if locale is not None else QLocale()
    loc.setNumberOptions(QLocale.NumberOption.RejectGroupSeparator)
    value, ok = loc.toDouble(s)
    if not ok:
        c = QLocale.c()
        c.setNumberOptions(QLocale.NumberOption.RejectGroupSeparator)
        value, ok = c.toDouble(s)
    if not ok:
        raise ValueError(f"{s!r} is not a number (write e.g. 36 or {loc.toString(7.5)})")
    return float(value)


def format_exact(value: float, locale: QLocale | None = None) -> str:
    """Full precision, shortest form (for editing)."""
    loc = locale if locale is not None else QLocale()
    return loc.toString(float(value), "g", 12)



def header_text(col: Column) -> str:
    """The column header on two or three lines for a narrow column ('BED10 LQ\\n[Gy]')."""
    text = col.header
    if text.endswith(" [Gy]"):
        text = text[:-5]
        unit = "\n[Gy]"
    else:
        unit = ""
    if len(text) > 14 and ", " in text:
        text = text.replace(", ", ",\n", 1)
    elif len(text) > 14 and " (" in text:
        text = text.replace(" (", "\n(", 1)
    return text + unit
