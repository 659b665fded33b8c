"""Numbers as the user types and reads them (locale-aware), column headers wrapped for a narrow column, and
the core's sentences in the app's spelling (α/β)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale

from sbrt_calc.notation import greek  # noqa: F401  (the app's spelling, one place: the core's)

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
    """The column header on two or three lines for a narrow column ('BED10 LQ\\n[Gy]',
    'BED LQ-L\\n(d_T 6 Gy),\\nα/β 10 [Gy]')."""
    text = col.header
    if col.key in ("flag", "reference") and text.startswith("BED10 "):
        return text.replace(" ", "\n", 1)   # 'BED10\n≥ 100 Gy': as narrow as its 'not reached' cells
    if text.endswith(" [Gy]"):
        text = text[:-5]
        unit = "\n[Gy]"
    else:
        unit = ""
    if len(text) > 14 and ", " in text and " (" in text.split(", ", 1)[0]:
        # 'BED LQ-L\n(d_T 6 Gy),\nα/β 10 [Gy]': three short lines, the unit on the last (issue 21: the chosen
        # model's column fits beside the verdicts at 1024 px)
        text = text.replace(" (", "\n(", 1).replace(", ", ",\n", 1)
        if len(text.rsplit("\n", 1)[-1]) <= 7:   # 'α/β 10 [Gy]'; 'own α/β 8.6' keeps its unit on a line of its own
            unit = unit.replace("\n", " ")
    elif len(text) > 14 and ", " in text:
        text = text.replace(", ", ",\n", 1)
    elif len(text) > 14 and " (" in text:
        text = text.replace(" (", "\n(", 1)
    return text + unit
