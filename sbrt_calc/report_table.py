"""The older titled text table (no status) that :mod:`sbrt_calc.report.content` can still lay out.

The planning section and the plan check built it before they moved to the typed table
(:mod:`sbrt_calc.table`); it moved here, to the bottom layer, so that they did not import the report
for a value type (tests/test_layers.py). A value type only: no computation, no rendering.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportTable:
    """A titled table for the planning section: headers, rows of text, notes and sources."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()
    source: str = ""
    widths: tuple[int, ...] = ()  # column widths in percent; empty: from the content
