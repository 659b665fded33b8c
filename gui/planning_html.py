"""The planning tables as HTML: the core's typed tables (:mod:`sbrt_calc.table`) rendered by the core's HTML
renderer, every cell coloured by its status (pass, fail, incomplete, warning, n/a), never by its words.

The organ-at-risk table lists the organs near the target site first (the core orders them,
:func:`sbrt_calc.planning.section.site_organs`); here the rest of the set is folded under a link until the user
asks for all of it (issue 21: a spine plan showed all 46 TG-101 rows)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from .number_text import greek

#: The link that folds and unfolds the organs not near the site.
TOGGLE_ORGANS = "sbrt:toggle-organs"


def tables_html(tables: Sequence[Any], dark: bool = False, site: str | None = None, show_all: bool = True) -> str:
    """The planning tables as HTML (:func:`sbrt_calc.table.to_html`), notes and sources shown. ``dark`` is kept
    for the caller; the status colours are light backgrounds with dark text, readable in either theme.
    ``site`` and ``show_all``: with a site whose organs the core knows, the organ-limit table shows only those
    organs' rows unless ``show_all``, with a link (:data:`TOGGLE_ORGANS`) to show or fold the rest."""
    from sbrt_calc.planning.section import site_organs
    from sbrt_calc.table import as_table, to_html

    near = site_organs(site)
    out = []
    for t in tables:
        tt = as_table(t)
        rest = [r for r in tt.rows if r and r[0].text not in near] if near and tt.key == "organ_limits" else []
        if not rest or len(rest) == len(tt.rows):
            out.append(to_html(tt))
            continue
        organs = list(dict.fromkeys(r[0].text for r in rest))
        where = html.escape((site or "").replace("_", " "))
        if show_all:
            link = (f'<p><a href="{TOGGLE_ORGANS}">Show only the organs near the {where}</a> '
                    f"({len(organs)} other organs of the set listed after them)</p>")
            out.append(to_html(tt, after_rows=link))
        else:
            shown = replace(tt, rows=tuple(r for r in tt.rows if r[0].text in near))
            names = ", ".join(html.escape(o) for o in organs)
            link = (f'<p><a href="{TOGGLE_ORGANS}">Show all organs of the set</a>: {len(organs)} more, not near '
                    f"the {where} ({len(rest)} limits: {names})</p>")
            out.append(to_html(shown, after_rows=link))
    return greek("".join(out))
