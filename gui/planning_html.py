"""The planning tables as HTML: grades, converted and unresolved limits marked, sources shown."""

from __future__ import annotations

import html

from sbrt_calc.planning.section import CONVERTED_LABEL
from sbrt_calc.report.content import ReportTable


def tables_html(tables: tuple[ReportTable, ...], dark: bool = False) -> str:
    """The planning tables as HTML, grades and converted limits marked, sources shown."""
    bad, warn, good = ("#ff7b72", "#e3b341", "#7ee787") if dark else ("#c62828", "#a15c00", "#2e7d32")
    out = []
    for t in tables:
        out.append(f"<h3>{html.escape(t.title)}</h3>")
        if t.rows:
            out.append('<table border="1" cellspacing="0" cellpadding="3" width="100%"><tr>'
                       + "".join(f"<th>{html.escape(h)}</th>" for h in t.headers) + "</tr>")
            for row in t.rows:
                cells = []
                for c in row:
                    text = html.escape(c)
                    low = c.lower()
                    if low in ("major", "not graded") or c.startswith("EXCEEDED"):
                        text = f'<b style="color:{bad}">{text.upper() if low == "major" else text}</b>'
                    elif low == "minor" or c.startswith("not evaluated"):
                        text = f'<b style="color:{warn}">{text}</b>'
                    elif low == "none" or c.startswith("within"):
                        text = f'<span style="color:{good}">{text}</span>'
                    elif c.startswith(CONVERTED_LABEL) or c.startswith("unresolved") or c == "converted":
                        text = f'<i style="color:{warn}">{text}</i>'
                    cells.append(f"<td>{text}</td>")
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append("</table>")
        for n in t.notes:
            out.append(f"<p>{html.escape(n)}</p>")
        if t.source:
            out.append(f'<p style="color:#777; font-size:small">Source: {html.escape(t.source)}</p>')
    return "".join(out)
