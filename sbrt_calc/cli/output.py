"""Output helpers shared by the subcommands: aligned tables, CSV and JSON."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, TextIO

FORMATS = ("table", "json", "csv")


def add_format_argument(parser: Any, choices: Sequence[str] = FORMATS) -> None:
    """The common ``--format`` option."""
    parser.add_argument("--format", choices=list(choices), default="table",
                        help="output format (default: table)")


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], align: str | None = None) -> str:
    """An aligned plain-text table; ``align`` is one char per column, 'l' or 'r' (default: r for numbers)."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    if align is None:
        align = "".join(
            "r" if rows and all(_numeric(r[i]) for r in rows) else "l" for i in range(len(headers))
        )
    lines = []
    for k, r in enumerate(cells):
        parts = [c.rjust(w) if a == "r" else c.ljust(w) for c, w, a in zip(r, widths, align, strict=True)]
        lines.append("  ".join(parts).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    try:
        float(str(value))
    except ValueError:
        return False
    return True


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """CSV text (full precision numbers)."""
    import csv  # imported when used: every millisecond of CLI start-up counts
    import io

    from sbrt_calc.spreadsheet import safe_rows

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows(safe_rows([headers, *rows]))   # issue 12: OWASP CSV injection (sbrt_calc.spreadsheet)
    return buf.getvalue()


def to_json(obj: Any) -> str:
    """JSON text with full precision floats; every document starts with ``sbrt_calc_version``."""
    import json

    from sbrt_calc import __version__

    if isinstance(obj, dict) and "sbrt_calc_version" not in obj:
        obj = {"sbrt_calc_version": __version__, **obj}
    return json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False)


def emit(text: str, stream: TextIO | None = None) -> None:
    """Write text and a final newline."""
    stream = stream or sys.stdout
    stream.write(text if text.endswith("\n") else text + "\n")
