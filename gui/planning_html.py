"""The planning tables as HTML: the core's typed tables (:mod:`sbrt_calc.table`) rendered by the core's HTML
renderer, every cell coloured by its status (pass, fail, incomplete, warning, n/a), never by its words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def tables_html(tables: Sequence[Any], dark: bool = False) -> str:
    """The planning tables as HTML (:func:`sbrt_calc.table.to_html`), notes and sources shown. ``dark`` is kept
    for the caller; the status colours are light backgrounds with dark text, readable in either theme."""
    from sbrt_calc.table import as_table, to_html

    return "".join(to_html(as_table(t)) for t in tables)
