"""The Regimens tab read as a new user reads it (issue 21, "Layout and reading"; stop 24): α/β written one way
in the app, the Warnings cells' text, the most favourable case of a row under the flag line, the solver's rows
saying where they came from, the USC's own α/β in the solver. One window for the module."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from gui_windows import module_window
from PySide6.QtCore import Qt

ROOT = Path(__file__).resolve().parents[1]
ALPHA_BETA = re.compile(r"alpha\s*/\s*beta", re.IGNORECASE)


@pytest.fixture(scope="module")
def win(qapp, tmp_path_factory):  # noqa: ANN001, ANN201
    """One shown main window for the module, with its own settings and data folders."""
    with module_window(qapp, tmp_path_factory, "issue21-reading") as w:
        yield w


def _literal_strings(path: Path) -> Iterator[tuple[int, str]]:
    """The string constants of a module, docstrings left out (they are for the reader of the code)."""
    source = path.read_text(encoding="utf-8")
    if not ALPHA_BETA.search(source):   # most modules: nothing to parse
        return
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_the_apps_own_strings_write_alpha_beta_one_way() -> None:
    """Every string literal of the app (gui/) writes α/β, never 'alpha/beta' (about 17 did: tooltips,
    Preferences, the model settings, the organ combo's accessible name)."""
    found = [f"{p.name}:{line}: {text[:70]!r}" for p in sorted((ROOT / "gui").glob("*.py"))
             for line, text in _literal_strings(p) if ALPHA_BETA.search(text)]
    assert not found, found


def _widget_texts(root) -> Iterator[tuple[str, str]]:  # noqa: ANN001
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QWidget

    for w in [root, *root.findChildren(QWidget)]:
        for getter in ("text", "toolTip", "statusTip", "accessibleName", "accessibleDescription", "placeholderText",
                       "windowTitle", "toHtml", "title"):
            f = getattr(w, getter, None)
            if callable(f):
                try:
                    value = f()
                except TypeError:
                    continue
                if isinstance(value, str):
                    yield f"{type(w).__name__}.{getter}", value
        if hasattr(w, "count") and hasattr(w, "itemText") and hasattr(w, "itemData"):   # combo boxes
            for i in range(w.count()):
                yield f"{type(w).__name__}.item", w.itemText(i)
                tip = w.itemData(i, Qt.ItemDataRole.ToolTipRole)
                if isinstance(tip, str):
                    yield f"{type(w).__name__}.itemTip", tip
    for a in root.findChildren(QAction):
        for getter in ("text", "toolTip", "statusTip"):
            yield f"QAction.{getter}", getattr(a, getter)()


def _table_texts(model) -> Iterator[tuple[str, str]]:  # noqa: ANN001
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole)
    for c in range(model.columnCount()):
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = model.headerData(c, Qt.Orientation.Horizontal, role)
            if isinstance(value, str):
                yield f"header {c}", value
        for r in range(model.rowCount()):
            for role in roles:
                value = model.data(model.index(r, c), role)
                if isinstance(value, str):
                    yield f"cell {r},{c}", value


def test_what_the_regimens_tab_and_its_dialogs_show_writes_alpha_beta_one_way(win, qapp) -> None:  # noqa: ANN001
    """What the user reads on the Regimens tab, all three models side by side (every header and cell, their
    tooltips, the banner, the working, the menus), and in Help, the solver (LQ, the USC, an error),
    Preferences and Model settings: 'α/β', including the core's sentences (the Model/α/β check's sentence,
    the lines' scale, the columns' tooltips), which the CLI keeps in ASCII."""
    from sbrt_calc.gui.model_settings_dialog import ModelSettingsDialog
    from sbrt_calc.gui.preferences_dialog import PreferencesDialog

    win.set_model("all")
    win.entry.setText("30/3; 47/10; 20/1")
    win.add_from_entry()
    win.select_row(0)
    try:
        texts = list(_widget_texts(win)) + list(_table_texts(win.model))
        texts.append(("working", win.working.html()))
        texts.append(("context", win.context_label.toolTip()))
        page = win.show_help(show=False)
        texts += list(_widget_texts(page))
        page.close()
        solver = win.solver(show=False)
        for inputs in ({"model": "lq", "target_bed_gy": 100.0}, {"model": "usc"}, {"model": "lq", "fractions": "x"},
                       {"model": "lql", "regimen": "36/3"}):
            solver.set_inputs(**inputs)
            texts += list(_widget_texts(solver))
        solver.close()
        for dlg in (PreferencesDialog(win), ModelSettingsDialog(win.model.settings(), win)):
            texts += list(_widget_texts(dlg))
            dlg.deleteLater()
    finally:
        win.undo_stack.undo()
        win.set_model("lq")
    found = sorted({f"{where}: {text[max(0, m.start() - 60):m.end() + 20]!r}" for where, text in texts
                    if (m := ALPHA_BETA.search(text))})
    assert not found, found
    assert any("α/β" in text for _w, text in texts)


def test_warnings_cells_show_their_text_whole(win, qapp) -> None:  # noqa: ANN001
    """All three models: each Warnings cell shows its caveats' short text (not only an icon with a tooltip),
    the column wide enough for the longest (up to a cap), the full sentences in the tooltip."""
    from PySide6.QtWidgets import QStyle

    win.set_model("all")
    try:
        qapp.processEvents()
        win.bench._fit_columns()
        model = win.model
        col = model.column_of("warnings")
        fm = win.table.fontMetrics()
        icon = win.table.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        width = win.table.horizontalHeader().sectionSize(col)
        assert model.rowCount() >= 5
        for r in range(model.rowCount()):
            res = model.results(r)
            text = model.data(model.index(r, col))
            assert text == "; ".join(dict.fromkeys(c.short for c in res.caveats))
            tip = model.data(model.index(r, col), Qt.ItemDataRole.ToolTipRole)
            assert all(c.text.split(" (")[0].replace("alpha/beta", "α/β") in tip for c in res.caveats)
            if text:
                assert width >= min(fm.horizontalAdvance(text) + icon + 8, 480), (text, width)
    finally:
        win.set_model("lq")


def test_a_row_under_the_flag_line_names_its_most_favourable_case(win) -> None:  # noqa: ANN001
    """36/4 (LQ BED10 68.4 Gy: under 70) 'depends on the model': its Model/α/β tooltip starts with the most
    favourable case, the (model, α/β) whose lowest margin over the line regimens is the highest of all the
    cases checked (recomputed here from the models); 30/3 ('below in all') names where it comes closest."""
    import numpy as np

    from sbrt_calc.radiobiology.sensitivity import _SAMPLES, line_regimens
    from sbrt_calc.regimen import parse_regimen

    win.entry.setText("36/4")
    win.add_from_entry()
    try:
        m = win.model
        r = m.rowCount() - 1
        res = m.results(r)
        assert res.flag_reached is False and res.sensitivity.verdict == "depends"
        tip = m.data(m.index(r, m.column_of("sensitivity")), Qt.ItemDataRole.ToolTipRole)
        first = tip.splitlines()[0]
        best = res.sensitivity.best
        assert first.startswith("Most favourable case: ") and best["model"] in first and "α/β" in first
        assert "most favourable:" in tip
        # recompute every (model, α/β) case's lowest margin: the named one has the highest
        s = m.eval_settings
        lo, hi = s.alpha_beta_range_gy
        refs = line_regimens(s.flag.bed_gy, s.flag.alpha_beta_gy, s.line_regimen_fractions)
        reg = parse_regimen("36/4")
        margins = {}
        for model in (s.lq, s.lql):
            for ab in np.geomspace(lo, hi, _SAMPLES):
                mine = float(model.bed(reg.total_dose_gy, reg.dose_per_fraction_gy, ab))
                margins[(model.label(), float(ab))] = min(
                    mine - float(model.bed(x.total_dose_gy, x.total_dose_gy / x.fractions, ab)) for x in refs)
        usc = s.usc
        margins[(usc.label(), None)] = min(float(usc.bed(reg.total_dose_gy, reg.dose_per_fraction_gy))
                                           - float(usc.bed(x.total_dose_gy, x.total_dose_gy / x.fractions))
                                           for x in refs)
        top = max(margins.values())
        key = (best["model"], best["alpha_beta_gy"])
        assert margins[key] == pytest.approx(top, abs=1e-9)
        assert best["regimen_bed_gy"] - best["line_bed_gy"] == pytest.approx(top, abs=1e-9)
        below = next(i for i in range(m.rowCount()) if m.results(i).sensitivity is not None
                     and m.results(i).sensitivity.verdict == "below")
        tip = m.data(m.index(below, m.column_of("sensitivity")), Qt.ItemDataRole.ToolTipRole)
        assert tip.startswith("Most favourable case: ") and "closest:" in tip
    finally:
        win.undo_stack.undo()


def test_rows_added_by_the_solver_say_where_they_came_from(win) -> None:  # noqa: ANN001
    """Solved for LQ BED10 100 Gy in 3-5 fractions: each added row carries 'solved: LQ BED10 100 Gy', in its
    Regimen cell's tooltip, in the working and in the undo text."""
    solver = win.solver(show=False)
    solver.set_inputs(model="lq", target_bed_gy=100.0, fractions="3-5")
    n = win.model.rowCount()
    solver.add_chosen()
    solver.close()
    try:
        m = win.model
        assert m.rowCount() == n + 3
        for r in range(n, n + 3):
            assert m.rows()[r].note == "solved: LQ BED10 100 Gy"
            tip = m.data(m.index(r, m.column_of("label")), Qt.ItemDataRole.ToolTipRole)
            assert "solved: LQ BED10 100 Gy" in tip
        win.select_row(n + 1)
        assert "Origin: solved: LQ BED10 100 Gy" in win.working.html()
        assert "solved: LQ BED10 100 Gy" in win.undo_stack.undoText()
        assert m.data(m.index(0, m.column_of("label")), Qt.ItemDataRole.ToolTipRole) == m.columns()[0].tooltip
    finally:
        win.undo_stack.undo()


def test_solver_shows_the_uscs_own_alpha_beta(win) -> None:  # noqa: ANN001
    """With the USC the α/β field shows the USC's own α/β (8.6 Gy from Park's parameters), read-only; back to
    LQ-L it shows the value typed before (12 Gy), and the solution uses it."""
    solver = win.solver(show=False)
    try:
        solver.set_inputs(model="lq", alpha_beta_gy=12.0, target_bed_gy=100.0, fractions="3")
        solver.set_inputs(model="usc")
        own = win.model.eval_settings.usc.alpha_beta_gy
        assert not solver.alpha_beta.isEnabled()
        assert solver.alpha_beta.value() == pytest.approx(round(own, 2))
        assert "own α/β" in solver.alpha_beta.toolTip()
        solver.set_inputs(model="lql")
        assert solver.alpha_beta.isEnabled() and solver.alpha_beta.value() == 12.0
        assert "α/β 12 Gy" in solver.status.text()
    finally:
        solver.close()
