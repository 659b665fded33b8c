"""The regimens table as CSV (File ▸ Export table as CSV): the core's rendering of the table's evaluation
(:func:`sbrt_calc.tables.evaluation_csv`): the same columns and units as the screen, full precision,
spreadsheet-safe cells (:mod:`sbrt_calc.spreadsheet`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sbrt_calc.atomic_write import write_text_atomic


def write_csv(model: Any, path: str | Path) -> Path:
    """Write the whole table as CSV (UTF-8 with a BOM so that spreadsheets read the units' symbols).

    Atomic (:mod:`sbrt_calc.atomic_write`): a failure raises ``WriteError`` (an OSError) naming ``path`` and
    leaves the previous file unchanged.
    """
    from sbrt_calc.tables import evaluation_csv

    return write_text_atomic(path, "\ufeff" + evaluation_csv(model.evaluation()), kind="csv")
