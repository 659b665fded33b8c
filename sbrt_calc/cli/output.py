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
    """An aligned plain-text table (:func:`sbrt_calc.tables.text_table`)."""
    from sbrt_calc.tables import text_table

    return text_table(headers, rows, align)


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """CSV text, spreadsheet-safe (:func:`sbrt_calc.tables.csv_text`)."""
    from sbrt_calc.tables import csv_text

    return csv_text(headers, rows)


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
