"""α/β written one way on every result view, not only the Regimens tab (issue 21: "alpha/beta written one way across
the app"). The core writes ASCII 'alpha/beta' (the CLI's text and JSON); the app's renderers of the core's typed
tables (plan check, re-irradiation), their notes and status lines, the planning view and the eligibility view write
'α/β'. The Regimens tab and its dialogs: tests/test_gui_issue21_reading.py."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402
from sbrt_calc.gui.planning_html import tables_html  # noqa: E402
from sbrt_calc.gui.result_pane import table_notes  # noqa: E402
from sbrt_calc.gui.typed_table_model import TypedTableModel  # noqa: E402

from sbrt_calc.table import Cell, Column, Table  # noqa: E402

ALPHA_BETA_ASCII = re.compile(r"alpha\s*/\s*beta", re.IGNORECASE)


def _table() -> Table:
    return Table(key="reirradiation_structures", title="Structures and their alpha/beta",
                 columns=(Column("name", "Structure"), Column("ab", "alpha/beta", "Gy", tooltip="The alpha / beta used")),
                 rows=((Cell("SpinalCord"), Cell("2", 2.0, "Gy", tooltip="late-responding alpha/beta",
                                                 source="presets: alpha/beta of the cord")),),
                 notes=("Each structure's cumulative DVH is computed at that structure's own alpha/beta.",),
                 source="HyTEC; alpha/beta from the presets")


def test_typed_table_model_and_notes_write_greek(qapp) -> None:  # noqa: ANN001
    """Headers, header tooltips, cells and cell tooltips of the plan-check and re-irradiation tables, and the notes
    under them: 'α/β', never 'alpha/beta' (the core's table itself keeps ASCII for the CLI)."""
    model = TypedTableModel()
    model.set_table(_table())
    texts = [model.headerData(c, Qt.Orientation.Horizontal, role) for c in range(2)
             for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)]
    texts += [model.data(model.index(0, c), role) for c in range(2)
              for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)]
    texts.append(table_notes(_table()))
    shown = [t for t in texts if isinstance(t, str)]
    assert not [t for t in shown if ALPHA_BETA_ASCII.search(t)], shown
    assert sum("α/β" in t for t in shown) == 4   # the header, its tooltip, the cell's tooltip, the notes
    assert "alpha/beta" in _table().notes[0]   # the core's text unchanged


def test_planning_html_writes_greek() -> None:
    """The planning view's HTML (the core's typed tables rendered by the core's HTML renderer): 'α/β'."""
    html = tables_html([_table()])
    assert "α/β" in html and not ALPHA_BETA_ASCII.search(html)
