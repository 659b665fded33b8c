"""The regimens table as text: CSV (File ▸ Export table as CSV) and tab-separated for the clipboard.

Both carry a header row with the units ("BED10 [Gy]") and the values as the table shows them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, Qt

from sbrt_calc.atomic_write import write_text_atomic
from sbrt_calc.cli.output import to_csv
from sbrt_calc.spreadsheet import safe_cell


def table_rows(model: QAbstractItemModel, rows: Iterable[int] | None = None) -> tuple[list[str], list[list[str]]]:
    """(headers, rows of display text) of ``model``; ``rows`` default to all."""
    cols = range(model.columnCount())
    headers = [" ".join(str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "").split())
               for c in cols]
    wanted = range(model.rowCount()) if rows is None else rows
    body = []
    for r in wanted:
        cells = []
        for c in cols:
            value = model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole)
            cells.append("" if value is None else " ".join(str(value).split()))
        body.append(cells)
    return headers, body


def to_tsv(headers: list[str], rows: list[list[str]]) -> str:
    """Tab-separated text that pastes into a spreadsheet (tabs and newlines inside cells become spaces).

    A cell a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``...) is quoted
    (:func:`sbrt_calc.spreadsheet.safe_cell`, OWASP); plain numbers stay numbers.
    """
    def clean(cell: str) -> str:
        return str(safe_cell(cell.replace("\t", " ").replace("\n", " ").replace("\r", " ")))

    return "\n".join("\t".join(clean(c) for c in line) for line in [headers, *rows]) + "\n"


def write_csv(model: QAbstractItemModel, path: str | Path) -> Path:
    """Write the whole table as CSV (UTF-8 with a BOM so that spreadsheets read the units' symbols).

    Atomic (:mod:`sbrt_calc.atomic_write`): a failure raises ``WriteError`` (an OSError) naming
    ``path`` and leaves the previous file unchanged. Cells are spreadsheet-safe (``to_csv``).
    """
    headers, rows = table_rows(model)
    return write_text_atomic(path, "\ufeff" + to_csv(headers, rows))
