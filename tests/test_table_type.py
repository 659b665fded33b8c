"""The one typed table (sbrt_calc.table) and its renderers; the app's Qt adapter colours by status."""

from __future__ import annotations

import csv
import io

import pytest

from sbrt_calc.table import (
    Cell,
    Column,
    Status,
    Table,
    make_table,
    number,
    text,
    to_csv,
    to_dict,
    to_html,
    to_text,
    to_tsv,
    verdict,
    worst,
)


def _table() -> Table:
    return make_table("limits", "Organ limits", [("organ", "Organ"), Column("dmax", "Dmax", "Gy", numeric=True),
                                                  ("status", "Status")],
                      [[text("SpinalCord"), number(21.456, "Gy", 2, source="TG-101", mark="secondary"),
                        verdict(Status.FAIL)],
                       [text("<b>Heart</b>"), number(None, "Gy"), verdict(Status.INCOMPLETE, "not evaluated")]])


def test_cells_keep_value_text_and_status_apart():
    t = _table()
    assert t.headers == ("Organ", "Dmax [Gy]", "Status")
    assert t.texts()[0] == ["SpinalCord", "21.46", "fail"]
    assert t.rows[0][1].value == 21.456 and t.rows[0][1].numeric
    assert t.worst_status() is Status.FAIL
    assert t.column("status")[1].status is Status.INCOMPLETE


def test_rounding_half_away_from_zero_once_in_the_core():
    """116.25 is shown 116.3 on every face (the disagreement issue 10 found between Qt and Python)."""
    assert number(116.25).text == "116.3"
    assert number(-0.05).text == "-0.1"
    assert number(3).text == "3"


def test_worst_orders_fail_incomplete_warning_pass():
    assert worst([Status.PASS, Status.INCOMPLETE]) is Status.INCOMPLETE
    assert worst([Status.WARNING, Status.FAIL, Status.PASS]) is Status.FAIL
    assert worst([Status.NA, Status.PASS]) is Status.PASS
    assert worst([]) is None


def test_csv_holds_full_precision_and_text_holds_display():
    rows = list(csv.reader(io.StringIO(to_csv(_table()))))
    assert rows[0] == ["Organ", "Dmax [Gy]", "Status"]
    assert rows[1][1] == "21.456" and rows[2][1] == ""
    assert "21.46" in to_text(_table())
    assert to_tsv(_table()).splitlines()[1].split("\t")[1] == "21.46"


def test_html_escapes_names_and_colours_by_status_not_words():
    h = to_html(_table())
    assert "<b>Heart</b>" not in h and "&lt;b&gt;Heart&lt;/b&gt;" in h
    assert "background-color:#fde3e3" in h  # the fail cell, by its status
    assert to_html(make_table("x", "x", [("a", "A")], [[text("fail")]])).count("background-color") == 0


def test_dict_is_json_ready():
    import json

    d = to_dict(_table())
    json.dumps(d)
    assert d["status"] == "fail" and d["rows"][0][1]["mark"] == "secondary"


def test_ragged_rows_and_unknown_marks_are_refused():
    with pytest.raises(ValueError, match="row 0 has 1 cells"):
        Table("k", "t", (Column("a", "A"), Column("b", "B")), ((Cell("x"),),))
    with pytest.raises(ValueError, match="verification mark"):
        Cell("x", mark="guessed")


def test_qt_model_shows_text_and_colours_by_status(qtbot):
    from PySide6.QtCore import Qt
    from sbrt_calc.gui.typed_table_model import StatusRole, TypedTableModel, ValueRole

    m = TypedTableModel(_table())
    assert (m.rowCount(), m.columnCount()) == (2, 3)
    idx = m.index(0, 1)
    assert m.data(idx) == "21.46" and m.data(idx, ValueRole) == 21.456
    assert "TG-101" in m.data(idx, Qt.ItemDataRole.ToolTipRole)
    assert m.data(m.index(0, 2), StatusRole) == "fail"
    assert m.data(m.index(0, 2), Qt.ItemDataRole.BackgroundRole) is not None
    assert m.data(m.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None
    assert m.headerData(1, Qt.Orientation.Horizontal) == "Dmax [Gy]"
