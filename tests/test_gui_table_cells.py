"""Measuring a new view's columns (a first visit of a model): every row's cells read column by column, each distinct
text measured once (stop 30). Qt's own widths are compared on every model in tests/test_gui_speed.py."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFontMetrics

from sbrt_calc.case import CaseRegimen
from sbrt_calc.regimen import Regimen


def _window(qtbot: Any) -> Any:
    from sbrt_calc.gui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    rows = [CaseRegimen.from_regimen(Regimen(round(24 + 0.75 * i, 2), (1, 3, 5, 8)[i % 4])) for i in range(30)]
    rows.insert(4, CaseRegimen(label="bad", invalid_input={"total_dose_gy": "3O", "fractions": "3"},
                               error="total_dose_gy: not a number"))
    w.model.replace_all(rows, w.model.settings())
    return w


def test_column_cells_are_the_cells(qtbot, isolated_dirs, warnings) -> None:  # noqa: ANN001
    """``column_cells`` gives every row's ``cell`` of a column for the roles asked, whether the cells were made before
    or not (an invalid row among them), on every model: also where it answers None without making the cell (the
    roles no valid row of the column answers; seen failing with the label column left out of the font's); and from
    the cells made column by column (stop 31: read as made; seen failing with the read's roles reversed)."""
    from sbrt_calc.gui.columnwise_cells import ROLES
    from sbrt_calc.gui.regimen_table_model import _ROLES

    w = _window(qtbot)
    m = w.model
    roles = tuple(sorted(_ROLES))
    for model in ("all", "lql", "usc", "lq"):
        w.set_model(model)
        # every role one by one; the cells made column by column (stop 31), read as made: those, the measuring's
        for asked, made in ((roles, False), (ROLES, True), (ROLES[2::-1], True), (ROLES[3:4], True)):
            m._cells.clear()
            if made:
                m.make_cells()
            for c in range(m.columnCount()):
                got = m.column_cells(c, asked)
                assert got == [tuple(m.cell(r, c, role) for role in asked) for r in range(m.rowCount())]
                assert got == [tuple(m.data(m.index(r, c), role) for role in asked) for r in range(m.rowCount())]
    w.undo_stack.setClean()


def test_measuring_reads_each_distinct_text_once(qtbot, isolated_dirs, warnings, monkeypatch) -> None:  # noqa: ANN001
    """The verdict, sensitivity and warnings columns repeat a few texts over every row: each (font, text) is
    measured once per fit, and the widths are the same. Seen failing on main's column_widths (a text measured once
    per row: 'reached' 20-odd times)."""
    from sbrt_calc.gui import column_widths

    w = _window(qtbot)
    w.set_model("all")
    measured: list[tuple[str, str]] = []

    class Counting(QFontMetrics):
        def horizontalAdvance(self, text: str, *args: Any) -> int:  # noqa: N802 - Qt's name
            measured.append((self.font_key, text))
            return super().horizontalAdvance(text, *args)

        def __init__(self, font: Any) -> None:
            super().__init__(font)
            self.font_key = font.key()

    before = column_widths.content_widths(w.table)
    monkeypatch.setattr(column_widths, "QFontMetrics", Counting)
    assert column_widths.content_widths(w.table) == before
    assert any(t == "reached" for _, t in measured)
    repeated = {k: measured.count(k) for k in set(measured) if measured.count(k) > 1}
    assert not repeated, repeated
    w.undo_stack.setClean()


def _varied_rows() -> list[CaseRegimen]:
    """Rows that reach every branch of a cell: valid regimens from under to over the lines (every sensitivity
    verdict; some with caveats: large doses per fraction, some without), a solver-made row with a note, a label that
    holds 'alpha/beta', and invalid rows (a total, a fraction count, a whole regimen typed wrong)."""
    rows = [CaseRegimen.from_regimen(Regimen(round(12 + 1.7 * i, 2), (1, 3, 5, 8, 10)[i % 5])) for i in range(40)]
    rows.insert(3, CaseRegimen(label="alpha/beta check 45/3", total_dose_gy=45.0, fractions=3))
    rows.insert(6, CaseRegimen(label="54/3", total_dose_gy=54.0, fractions=3, note="solver: BED10 100 Gy in 3 fx"))
    rows.insert(1, CaseRegimen(label="bad", invalid_input={"total_dose_gy": "3O", "fractions": "3"},
                               error="total dose: not a number"))
    rows.insert(9, CaseRegimen(label="bad fx", invalid_input={"total_dose_gy": "30", "fractions": "x"},
                               error="fractions: not a whole number"))
    rows.append(CaseRegimen(label="alpha/beta typed", invalid_input={"regimen": "36 / 3 alpha/beta"},
                            error="regimen: not a regimen"))
    return rows


def _count_cells(monkeypatch: Any, roles: Any = None) -> list[tuple[int, int, int]]:
    """Every ``RegimenTableModel.cell`` call from now on (of ``roles`` only, when given): (row, column, role)."""
    from sbrt_calc.gui import regimen_table_model

    calls: list[tuple[int, int, int]] = []
    cell = regimen_table_model.RegimenTableModel.cell

    def counting(self: Any, r: int, c: int, role: int) -> Any:
        if roles is None or role in roles:
            calls.append((r, c, role))
        return cell(self, r, c, role)

    monkeypatch.setattr(regimen_table_model.RegimenTableModel, "cell", counting)
    return calls


def _made(model: Any, make: Any) -> dict[tuple[int, int, int], Any]:
    """Every cell's five measured and painted roles, from a fresh cache, made by ``make(model)``."""
    from sbrt_calc.gui.columnwise_cells import ROLES

    model._cells.clear()
    make(model)
    return {(r, c, role): model._cells[rid][c, role] for r, rid in enumerate(model.state.ids)
            for c in range(model.columnCount()) for role in ROLES}


def _by_cell(model: Any) -> None:
    from sbrt_calc.gui.columnwise_cells import ROLES

    for r in range(model.rowCount()):
        for c in range(model.columnCount()):
            for role in ROLES:
                model.cell(r, c, role)


def test_cells_made_column_by_column_are_the_cells(qapp, isolated_dirs) -> None:  # noqa: ANN001
    """``make_cells`` (every column's roles made at once, stop 31) gives exactly what ``cell`` gives, role by role, on
    every model, at a site where the flag does not apply and where it does, with 0-2 decimals and a decimal comma.
    Seen failing with one role broken in the column-wise path (the reference column's background of a row not
    reached given the flag's amber; the sensitivity's 'depends' brush left out; a number's decimal point left '.')."""
    from dataclasses import replace

    from PySide6.QtCore import QLocale
    from sbrt_calc.gui.regimen_table_model import RegimenTableModel

    m = RegimenTableModel()
    m.replace_all(_varied_rows(), m.settings())
    base = m.settings()
    seen: set[str] = set()
    comma = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    for site in (None, "spine"):
        m.set_planned_site(site)
        for decimals, locale in ((0, QLocale.c()), (1, comma), (2, QLocale.c()), (2, comma)):
            m.locale = locale
            m.set_decimals(decimals)
            for choice in ("lq", "lql", "usc", "all"):
                m.set_settings(replace(base, model=choice))
                assert m.rowCount() == len(_varied_rows()) and m.columnCount() >= 12
                bulk = _made(m, lambda model: model.make_cells())
                one_by_one = _made(m, _by_cell)
                assert bulk.keys() == one_by_one.keys()
                wrong = {k: (v, one_by_one[k]) for k, v in bulk.items() if v != one_by_one[k]}
                assert not wrong, (site, decimals, locale.name(), choice, sorted(wrong.items())[:5])
                for r in range(m.rowCount()):
                    res = m.results(r)
                    if res.valid:
                        seen.add(f"caveats {bool(res.caveats)}")
                        seen.add(f"flag {res.flag_status}")
                        if res.sensitivity is not None:
                            seen.add(res.sensitivity.verdict)
    assert {"above", "below", "depends", "caveats True", "caveats False", "flag n/a", "flag pass",
            "flag warning"} <= seen, seen


def test_a_cold_switch_makes_its_cells_column_by_column(qtbot, isolated_dirs, warnings, monkeypatch) -> None:  # noqa: ANN001
    """A first visit of a model (nothing prepared) makes the cells its fit measures and its paint shows column by
    column, before the fit: the measuring and the paint make none of them one at a time through ``cell``
    (1,000-3,000 calls before stop 31). Seen failing with set_settings' make_cells removed (1,613 calls)."""
    from sbrt_calc.gui.columnwise_cells import ROLES

    w = _window(qtbot)
    m = w.model
    qtbot.wait(10)
    calls = _count_cells(monkeypatch, ROLES)
    for model in ("all", "lql"):
        m._by_settings.clear()
        w.bench._width_cache.clear()
        w.set_model(model)
        w.table.viewport().repaint()
        assert not calls, len(calls)
        assert all((c, role) in m._cells[rid] for rid in m.state.ids for c in range(m.columnCount()) for role in ROLES)
    w.undo_stack.setClean()


def test_the_idle_preparation_makes_what_a_switch_reads(qtbot, isolated_dirs, warnings, monkeypatch) -> None:  # noqa: ANN001
    """The idle preparation of a model makes its cells column by column, only the roles a switch reads (the fit's
    measuring and the paint): nothing through ``cell`` meanwhile, nor during the prepared switch and its paint; the
    other roles (tooltips, ...) when asked, equal to a fresh ``cell``'s. Seen failing with stop 30's prepare_steps
    (every role of every cell through ``cell``: 3,627 calls for LQ-L's 31 rows) and with the four other roles still
    made there (1,612 calls)."""
    from dataclasses import replace

    from sbrt_calc.gui import regimen_table_model
    from sbrt_calc.gui.qt_values import TOOLTIP_ROLE

    w = _window(qtbot)
    m = w.model
    qtbot.wait(10)
    cell = regimen_table_model.RegimenTableModel.cell
    settings = replace(m.settings(), model="lql")
    m._by_settings.clear()
    calls = _count_cells(monkeypatch)
    steps = sum(1 for _ in m.prepare_steps(settings))
    assert steps == 3 and m.is_prepared(settings)   # 31 rows, 12 a step
    assert not calls, len(calls)
    w.bench.prepare_widths(settings)
    w.set_model("lql")
    w.table.viewport().repaint()
    assert not calls, len(calls)
    tip = m.data(m.index(2, 4), TOOLTIP_ROLE)
    assert calls == [(2, 4, TOOLTIP_ROLE)]
    m._cells.clear()
    assert tip == cell(m, 2, 4, TOOLTIP_ROLE)
    w.undo_stack.setClean()


def test_a_number_column_is_rounded_at_once(qapp, isolated_dirs, monkeypatch) -> None:  # noqa: ANN001
    """``make_cells`` rounds each number column's values together (``sbrt_calc.tables.rounded_all``, issue 21, stop
    32): none goes through ``rounded`` one by one, the halves at the shown decimals (24.75 Gy at one decimal)
    included (the texts: test_cells_made_column_by_column_are_the_cells). Seen failing with write_column's texts
    made value by value again (all 504 number cells through ``rounded``)."""
    from dataclasses import replace

    from sbrt_calc.gui.regimen_table_model import RegimenTableModel

    from sbrt_calc import tables

    m = RegimenTableModel()
    m.replace_all(_varied_rows(), m.settings())
    m.set_settings(replace(m.settings(), model="all"))
    m._cells.clear()
    m._evaluate_missing()
    one = tables.rounded
    calls: list[float] = []
    monkeypatch.setattr(tables, "rounded", lambda v, decimals=1: calls.append(v) or one(v, decimals))
    m.make_cells()
    numbers = [c for c in m._columns if c.kind == "number"]
    shown = [c.value(m.results(r)) for r in range(m.rowCount()) if m.state.rows[r].is_valid for c in numbers]
    halves = [v for v in shown if v is not None and one(v, m.decimals) != f"{v:.{m.decimals}f}"]
    assert len(shown) > 400 and halves
    assert not calls, (len(calls), len(shown))


def test_a_cold_switch_takes_the_shown_models_sensitivities(qapp, isolated_dirs, monkeypatch) -> None:  # noqa: ANN001
    """A first switch from LQ to another model evaluates its rows with the LQ results as ``known``
    (``evaluate_rows``, issue 21, stop 32): the line sensitivities are not computed again, the results are a fresh
    evaluation's. Seen failing with ``_evaluate_missing`` passing no ``known`` (one line_sensitivities call per
    switch)."""
    from dataclasses import replace

    from sbrt_calc.gui.regimen_table_model import RegimenTableModel

    from sbrt_calc.evaluation import evaluate_rows
    from sbrt_calc.radiobiology import sensitivity

    rows = [CaseRegimen.from_regimen(Regimen(round(24 + 0.75 * i, 2), (1, 3, 5, 8)[i % 4])) for i in range(57)]
    m = RegimenTableModel()
    m.replace_all(rows, m.settings())
    base = m.settings()
    m.make_cells()
    lines = sensitivity.line_sensitivities
    calls: list[int] = []
    monkeypatch.setattr(sensitivity, "line_sensitivities", lambda *a: calls.append(1) or lines(*a))
    for model in ("lql", "usc", "all"):
        m._by_settings.pop(replace(base, model=model), None)
        m.set_settings(base)
        m.set_settings(replace(base, model=model))
        m.make_cells()
        assert not calls, model
        assert tuple(m.results(r) for r in range(m.rowCount())) == evaluate_rows(rows, m.eval_settings)
        calls.clear()   # the fresh evaluation's


def test_making_the_cells_runs_few_import_statements(qapp, isolated_dirs, monkeypatch) -> None:  # noqa: ANN001
    """Each import statement run in a function goes through PySide's import hook (~3-5 us, more in a cold switch):
    ``make_cells`` of 57 rows runs a few, not several per column (stop 32: ~65 in a switch to all three models, the
    rounding's and the column texts'). Seen failing with the per-column imports back (65)."""
    import builtins
    from dataclasses import replace

    from sbrt_calc.gui.regimen_table_model import RegimenTableModel

    rows = [CaseRegimen.from_regimen(Regimen(round(24 + 0.75 * i, 2), (1, 3, 5, 8)[i % 4])) for i in range(57)]
    m = RegimenTableModel()
    m.replace_all(rows, m.settings())
    m.set_settings(replace(m.settings(), model="all"))
    m._evaluate_missing()
    m.make_cells()   # the modules loaded
    m._cells.clear()
    imports: list[str] = []
    hook = builtins.__import__
    monkeypatch.setattr(builtins, "__import__", lambda name, *a, **k: imports.append(name) or hook(name, *a, **k))
    m.make_cells()
    monkeypatch.undo()
    assert len(imports) <= 10, imports
