#!/usr/bin/env python3
"""Print gui/first_columns.py's SHIPPED_COLUMNS from the core (the shipped settings' columns per model choice).

Usage: python scripts/first_columns.py   (compare with gui/first_columns.py; tests/test_gui_issue21_start.py
checks that they agree)
"""

from __future__ import annotations

from sbrt_calc.gui.number_text import header_text
from sbrt_calc.gui.settings import MODEL_CHOICES

from sbrt_calc.case import CaseSettings
from sbrt_calc.evaluation import settings_of
from sbrt_calc.tables import columns


def shipped_columns() -> dict[str, tuple[tuple[str, str, str | None], ...]]:
    return {key: tuple((c.key, header_text(c), c.model) for c in columns(settings_of(CaseSettings(model=key))))
            for key, _label in MODEL_CHOICES}


if __name__ == "__main__":
    for key, cols in shipped_columns().items():
        print(f"    {key!r}: (")
        for c in cols:
            print(f"        {c!r},")
        print("    ),")
