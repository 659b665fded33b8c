"""Text that leaves the program for a spreadsheet: neutralise formula injection.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and tab
or carriage return can hide such a start), so a regimen label or a preset name like
``=HYPERLINK(...)`` in a CSV export or a clipboard copy would run in the user's spreadsheet.
Following the OWASP "CSV Injection" guidance (https://owasp.org/www-community/attacks/CSV_Injection):
such a cell is prefixed with a single quote, which spreadsheets show as text. Plain numbers
(``-3.5``, ``+2``, ``1e-3``, ``-1,5``) are left as they are, so that they stay numbers. Quotes
inside cells are escaped by the CSV writer itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

#: The characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """``value`` unchanged unless it is text a spreadsheet would run: then ``"'" + value``."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def safe_rows(rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """Every cell of ``rows`` through :func:`safe_cell`."""
    return [[safe_cell(c) for c in row] for row in rows]
