"""Output helpers shared by the subcommands: aligned tables, CSV and JSON."""

from __future__ import annotations

import re
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
    text = json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False)
    # C0 controls are escaped by json.dumps; C1 controls and bidirectional format characters are not:
    # written as \u escapes (the same JSON value) so that no file-derived text drives the terminal
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


#: what json.dumps(ensure_ascii=False) leaves raw and a terminal obeys (C1 controls, bidi format characters)
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def emit(text: str, stream: TextIO | None = None) -> None:
    """Write text and a final newline; terminal control characters escaped (:mod:`sbrt_calc.text_safety`).

    Labels, titles, notes, structure and preset names come from files: an ESC, CSI or a bidi override in
    them is shown as ``\\x1b`` / ``\\u202e``, never sent to the terminal (issue 20). JSON is already safe
    (:func:`to_json`); line feeds and tabs are kept.
    """
    from sbrt_calc.text_safety import terminal_safe

    stream = stream or sys.stdout
    text = terminal_safe(text, keep_newlines=True)
    stream.write(text if text.endswith("\n") else text + "\n")
