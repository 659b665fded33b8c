"""The regimen workbench driven as a user would (pytest-qt, offscreen)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from gui_windows import SharedWindow, module_window  # noqa: E402
from PySide6.QtCore import QLocale, QMimeData, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDropEvent  # noqa: E402
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QMessageBox  # noqa: E402
from sbrt_calc.gui import settings  # noqa: E402
from sbrt_calc.gui.main_window import MainWindow  # noqa: E402
from sbrt_calc.gui.regimen_table_model import INVALID_BG, parse_number  # noqa: E402

from sbrt_calc import DISCLAIMER, __version__  # noqa: E402
from sbrt_calc.case import load_case  # noqa: E402

DISPLAY = Qt.ItemDataRole.DisplayRole


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Every message box answered programmatically (never a modal dialog left open)."""
    record: dict = {"question": [], "warning": [], "answer": QMessageBox.StandardButton.Discard}

    def question(parent, title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        record["question"].append((title, text))
        return record["answer"]

    def warning(parent, title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        record["warning"].append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    return record


@pytest.fixture(scope="module")
def shared_window(qapp, tmp_path_factory) -> Iterator[SharedWindow]:  # noqa: ANN001
    """One window for the module (a new window per test cost ~0.7 s of CPU under --cov, the reset ~0.1 s)."""
    with module_window(qapp, tmp_path_factory, "workbench", size=None) as w:
        w.plot.ensure_canvas()
        yield SharedWindow(qapp, w)


@pytest.fixture
def window(shared_window: SharedWindow, isolated_dirs, answers) -> MainWindow:  # noqa: ANN001
    """The module's window on a new case, checked equal to a new window (its own settings folder per test)."""
    return shared_window.clean()


def cell(w: MainWindow, row: int, key: str, model: str | None = None, role: int = DISPLAY):  # noqa: ANN201
    return w.model.data(w.current_index(row, key, model), role)


def find_row(w: MainWindow, label: str) -> int:
    return [r.label for r in w.model.rows()].index(label)


def type_in_cell(qtbot, w: MainWindow, row: int, key: str, text: str) -> None:  # noqa: ANN001
    idx = w.current_index(row, key)
    w.table.setFocus()
    w.table.setCurrentIndex(idx)
    w.table.edit(idx)
    editors = [e for e in w.table.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1, editors
    editor = editors[0]
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # the delegate commits on Return through a queued call: let the event loop run it
    qtbot.waitUntil(lambda: w.table.state() != QAbstractItemView.State.EditingState, timeout=2000)


def test_first_start_shows_a_comparison(window: MainWindow) -> None:
    w = window
    assert w.model.rowCount() >= 4
    assert w.model.rows()[0].label == "36/3"
    assert cell(w, 0, "bed10_gy") == "79.2"
    assert cell(w, 0, "flag") == "reached"
    assert "[Gy]" in w.model.headerData(w.model.column_of("bed10_gy"), Qt.Orientation.Horizontal)
    assert "High-dose caveat" in w.banner.text()
    assert not w.isWindowModified()
    assert [w.tabs.tabText(i) for i in range(w.tabs.count())] == ["&Regimens", "Eligibility", "Planning", "Plan check", "Re-irradiation"]


def test_type_a_regimen(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    w = window
    n = w.model.rowCount()
    qtbot.keyClicks(w.entry, "3 x 18 Gy")
    qtbot.keyClick(w.entry, Qt.Key.Key_Return)
    assert w.model.rowCount() == n + 1
    assert cell(w, n, "bed10_gy") == "151.2"
    assert cell(w, n, "flag") == "reached"
    assert w.entry.text() == ""
    assert w.isWindowModified()
    assert w.selected_rows() == [n]


def test_invalid_entry_shows_the_reason(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    w = window
    n = w.model.rowCount()
    qtbot.keyClicks(w.entry, "3x18")
    qtbot.keyClick(w.entry, Qt.Key.Key_Return)
    assert w.model.rowCount() == n
    assert "ambiguous" in w.entry_status.text()
    assert w.entry.text() == "3x18"          # kept for correction, not cleared or changed


def test_edit_a_cell_changes_bed_and_flag(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    w = window
    assert cell(w, 0, "flag") == "reached"
    type_in_cell(qtbot, w, 0, "total_dose_gy", "24")
    assert cell(w, 0, "total_dose_gy") == "24.0"
    assert cell(w, 0, "bed10_gy") == "43.2"     # 24 (1 + 8/10)
    assert cell(w, 0, "flag") == "not reached"
    assert w.model.data(w.current_index(0, "flag"), Qt.ItemDataRole.DecorationRole) is not None
    w.act_undo.trigger()
    assert cell(w, 0, "bed10_gy") == "79.2"
    w.act_redo.trigger()
    assert cell(w, 0, "bed10_gy") == "43.2"


def test_invalid_cell_is_marked_inline(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    w = window
    type_in_cell(qtbot, w, 0, "total_dose_gy", "abc")
    idx = w.current_index(0, "total_dose_gy")
    assert cell(w, 0, "total_dose_gy") == "abc"
    assert "not a number" in w.model.data(idx, Qt.ItemDataRole.ToolTipRole)
    assert w.model.data(idx, Qt.ItemDataRole.BackgroundRole).color() == INVALID_BG
    assert cell(w, 0, "bed10_gy") == "—"
    assert "Invalid input" in cell(w, 0, "warnings")
    assert "Invalid input" in w.banner.text()
    # the dose-per-fraction limit comes from the core, the combination is marked
    type_in_cell(qtbot, w, 0, "total_dose_gy", "400")
    assert "above" in w.model.data(w.current_index(0, "total_dose_gy"), Qt.ItemDataRole.ToolTipRole)
    w.act_undo.trigger()
    w.act_undo.trigger()
    assert cell(w, 0, "bed10_gy") == "79.2"


def test_decimal_comma_under_german_locale(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    w = window
    w.model.locale = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    type_in_cell(qtbot, w, 0, "total_dose_gy", "37,5")
    assert w.model.rows()[0].total_dose_gy == 37.5
    assert cell(w, 0, "total_dose_gy") == "37,5"
    assert parse_number("7,5", QLocale(QLocale.Language.German)) == 7.5
    assert parse_number("7.5", QLocale(QLocale.Language.German)) == 7.5
    with pytest.raises(ValueError):     # a comma is never read as a group separator (75)
        parse_number("7,5", QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


def test_sweep_a_range(window: MainWindow) -> None:
    from sbrt_calc.gui.sweep_dialog import SweepDialog

    w = window
    w.model.replace_all([])            # an empty table: the sweep adds all 20 (duplicates are skipped, issue 13)
    n = w.model.rowCount()
    dlg = SweepDialog(w)
    dlg.set_ranges(24, 48, 6, 3, 6)
    assert "Adds 20 regimens" in dlg.preview.text()
    assert w.sweep(dlg) == 20
    labels = [r.label for r in w.model.rows()[n:]]
    assert labels[:5] == ["24/3", "30/3", "36/3", "42/3", "48/3"] and labels[-1] == "48/6"
    w.act_undo.trigger()
    assert w.model.rowCount() == n
    dlg.set_ranges(50, 24, 6, 3, 6)
    assert not dlg.buttons.button(dlg.buttons.StandardButton.Ok).isEnabled()


def test_keyboard_undo_redo(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    w = window
    w.activateWindow()
    type_in_cell(qtbot, w, 0, "fractions", "5")
    assert cell(w, 0, "dose_per_fraction_gy") == "7.2"
    w.table.setFocus()
    qtbot.keyClick(w.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert cell(w, 0, "fractions") == "3"
    qtbot.keyClick(w.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert cell(w, 0, "fractions") == "5"


def test_delete_duplicate_move_sort_undo(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    w = window
    labels = [r.label for r in w.model.rows()]
    w.select_row(0)
    w.act_duplicate.trigger()
    assert [r.label for r in w.model.rows()][:2] == ["36/3", "36/3"]
    w.select_row(1)
    w.table.setFocus()
    qtbot.keyClick(w.table, Qt.Key.Key_Delete)
    assert [r.label for r in w.model.rows()] == labels
    w.select_row(0)
    w.act_down.trigger()
    assert [r.label for r in w.model.rows()][:2] == [labels[1], "36/3"]
    w.model.sort(w.model.column_of("bed10_gy"), Qt.SortOrder.DescendingOrder)
    beds = [w.model.results(r).bed10_gy for r in range(w.model.rowCount())]
    assert beds == sorted(beds, reverse=True)
    for _ in range(4):
        w.act_undo.trigger()
    assert [r.label for r in w.model.rows()] == labels
    assert not w.isWindowModified()


def test_models_side_by_side_and_robustness(window: MainWindow) -> None:
    w = window
    w.model_combo.setCurrentIndex(w.model_combo.findData("all"))
    assert w.model.settings().model == "all"
    headers = [w.model.headerData(c, Qt.Orientation.Horizontal) for c in range(w.model.columnCount())]
    assert "BED LQ-L\n(d_T 6 Gy),\nα/β 10 [Gy]" in headers   # three short lines (issue 21)
    assert any(h.replace("\n", " ").startswith("BED USC (Park 2008)") for h in headers)
    assert not any(h.startswith("BED10") and "USC" in h for h in headers)   # the USC number is never a BED10
    assert cell(w, 0, "bed10_gy") == "79.2" and cell(w, 0, "bed_10_lql") == "68.4"
    assert cell(w, 0, "usc_bed_gy") == "74.2" and cell(w, 0, "usc_sfed_gy") == "32.4"
    assert cell(w, 0, "flag") == "reached"          # the verdict is LQ BED10's whatever the models shown
    assert cell(w, 0, "sensitivity") == "depends on both"     # 36/3: model and tumour alpha/beta (issue 19)
    assert "LQ-L" in cell(w, 0, "sensitivity", role=Qt.ItemDataRole.ToolTipRole)
    w.act_undo.trigger()
    assert w.model.settings().model == "lq" and w.model_combo.currentData() == "lq"
    w.organ_combo.setCurrentIndex(w.organ_combo.findData(2.0))
    assert "BED2 LQ\n[Gy]" in [w.model.headerData(c, Qt.Orientation.Horizontal) for c in range(w.model.columnCount())]


def test_save_reopen_compare(qtbot, window: MainWindow, tmp_path: Path, answers: dict) -> None:  # noqa: ANN001
    w = window
    qtbot.keyClicks(w.entry, "54/3")
    qtbot.keyClick(w.entry, Qt.Key.Key_Return)
    w.set_model("usc")
    path = tmp_path / "patient.sbrt.json"
    assert w.save_to(str(path))
    assert not w.isWindowModified() and "patient.sbrt.json" in w.windowTitle()
    assert str(path.resolve()) in settings.recent_files()
    other = MainWindow()
    qtbot.addWidget(other)
    assert other.open_path(str(path))
    assert [r.label for r in other.model.rows()] == [r.label for r in w.model.rows()]
    assert other.model.settings() == w.model.settings()
    for r in range(w.model.rowCount()):
        assert cell(other, r, "bed10_gy") == cell(w, r, "bed10_gy")
    assert load_case(path).valid_regimens()[-1].total_dose_gy == 54.0


def test_ask_before_discarding(qtbot, window: MainWindow, answers: dict) -> None:  # noqa: ANN001
    w = window
    qtbot.keyClicks(w.entry, "54/3")
    qtbot.keyClick(w.entry, Qt.Key.Key_Return)
    n = w.model.rowCount()
    answers["answer"] = QMessageBox.StandardButton.Cancel
    assert not w.new_case()
    assert w.model.rowCount() == n and answers["question"]
    answers["answer"] = QMessageBox.StandardButton.Discard
    assert w.new_case()
    assert w.model.rowCount() == n - 1 and not w.isWindowModified()


def test_open_bad_file_reports_without_crash(window: MainWindow, tmp_path: Path, answers: dict) -> None:
    bad = tmp_path / "bad.sbrt.json"
    bad.write_text('{"format": "sbrt-calc-case", "format_version": 1, "regimens": [{"total_dose_gy": "x"}]}')
    assert not window.open_path(str(bad))
    assert "regimens[0]" in answers["warning"][-1][1]


def test_drop_a_file_opens_it(qtbot, window: MainWindow, tmp_path: Path) -> None:  # noqa: ANN001
    from sbrt_calc.case import Case, CaseRegimen, save_case
    from sbrt_calc.regimen import parse_regimen

    p = save_case(Case("dropped", None, (CaseRegimen.from_regimen(parse_regimen("60/8")),)), tmp_path / "d.sbrt.json")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p))])
    ev = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                    Qt.KeyboardModifier.NoModifier)
    window.dropEvent(ev)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1 and window.model.rows()[0].label == "60/8", timeout=2000)
    assert "d.sbrt.json" in window.windowTitle()


def test_plot_points_follow_table_and_selection(qtbot, window: MainWindow, tmp_path: Path) -> None:  # noqa: ANN001
    w = window
    assert w.plot.point_rows() == list(range(w.model.rowCount()))
    w.select_row(2)
    assert w.plot._highlighted() == [(w.model.regimen(2).total_dose_gy, w.model.results(2).bed10_gy)]
    with qtbot.waitSignal(w.plot.pointSelected, timeout=1000):
        row = w.plot.select_point_at(36.0, 79.2)
    assert row == 0 and w.selected_rows() == [0]
    type_in_cell(qtbot, w, 0, "total_dose_gy", "abc")
    assert 0 not in w.plot.point_rows()
    for suffix, magic in ((".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")):
        out = w.export_figure(str(tmp_path / f"fig{suffix}"))
        assert out and Path(out).read_bytes().startswith(magic)


def test_show_the_working(window: MainWindow) -> None:
    w = window
    w.select_row(0)
    html = w.working.html()
    assert "3 × 12 × (1 + 12/10) = 79.2 Gy" in html
    assert "Fowler" in html and "Assumptions" in html and "depend on the model" in html
    w.working.set_full_precision(True)
    assert "79.2" in w.working.html()
    w.working.set_full_precision(False)
    w.set_model("lql")
    assert "d = 12 &gt; d_T = 6 Gy" in w.working.html() and "Astrahan" in w.working.html()
    w.set_model("usc")
    html = w.working.html()
    assert "BED = n·(d − Dq)/(α·D0) = 3 × (12 − 1.8) / (0.33 × 1.25) = 74.2 Gy" in html   # Park's form
    assert "α = 0.33 /Gy" in html and "SFED" in html and "alpha_per_gy" not in html


def test_preferences_apply_and_undo(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    from sbrt_calc.gui.preferences_dialog import PreferencesDialog

    w = window
    dlg = PreferencesDialog(w)
    qtbot.addWidget(dlg)
    dlg.decimals.setValue(2)
    dlg.flag_bed.setValue(80)
    dlg.new_case.setText("36/3; nonsense")
    assert "nonsense" in dlg.new_case_status.text()
    dlg.new_case.setText("36/3; 50/5")
    dlg._accept()
    assert w.preferences(dlg)
    assert cell(w, 0, "bed10_gy") == "79.20"
    assert cell(w, 0, "flag") == "not reached"       # 79.2 is not above 80
    assert "BED10 > 80" in w.model.headerData(w.model.column_of("flag"), Qt.Orientation.Horizontal).replace("\n", " ")
    w.act_undo.trigger()
    assert cell(w, 0, "flag") == "reached"
    w.new_case(ask=False)
    assert [r.label for r in w.model.rows()] == ["36/3", "50/5"]


def test_about_box(window: MainWindow) -> None:
    dlg = window.about(show_modal=False)
    text = dlg.text.toPlainText()
    assert __version__ in text and DISCLAIMER[:40] in text and "Park" in text
    dlg.close()


def test_tooltips_on_every_input(window: MainWindow) -> None:
    w = window
    for widget in (w.entry, w.add_button, w.sweep_button, w.presets_button, w.model_combo, w.organ_combo,
                   w.export_button):
        assert widget.toolTip(), widget
    for c in range(w.model.columnCount()):
        assert w.model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)


def test_qtmodeltester(qtmodeltester, window: MainWindow) -> None:  # noqa: ANN001
    w = window
    w.model.setData(w.current_index(1, "fractions"), "x")
    qtmodeltester.check(w.model)
    w.set_model("all")
    qtmodeltester.check(w.model)


def test_add_from_presets_by_site(window: MainWindow) -> None:
    """The Presets menu is filled when first opened, one submenu per site; choosing a scheme adds
    its row (with the preset's label), and undo removes it."""
    window.presets_menu.aboutToShow.emit()
    subs = {a.text(): a.menu() for a in window.presets_menu.actions() if a.menu()}
    assert "Adrenal" in subs and "Spine" in subs
    before = window.model.rowCount()
    action = next(a for a in subs["Adrenal"].actions() if a.text() == "60 Gy/8")
    assert "SABR-COMET" in action.toolTip()
    action.trigger()
    assert window.model.rowCount() == before + 1
    assert find_row(window, "60 Gy/8") >= 0
    window.undo_stack.undo()
    assert window.model.rowCount() == before


def test_warnings_cell_is_short_and_tooltip_complete(window: MainWindow) -> None:
    """The narrow Warnings cell shows short forms; the tooltip keeps the core's full sentences."""
    row = find_row(window, "36/3")
    shown = cell(window, row, "warnings")
    tip = cell(window, row, "warnings", role=Qt.ItemDataRole.ToolTipRole)
    assert shown == "LQ doubtful (high d)"
    assert "LQ is uncertain above 8 Gy per fraction" in tip


def test_model_settings_reach_the_table_and_undo(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    """EQDx reference dose, LQ-L d_T, USC parameters and the time correction are reachable in the app."""
    from sbrt_calc.gui.model_settings_dialog import ModelSettingsDialog

    w = window
    w.set_model("all")
    dlg = ModelSettingsDialog(w.model.settings(), w)
    qtbot.addWidget(dlg)
    dlg.reference_dose.setValue(3.5)
    dlg.transition.setValue(20.0)      # 2 x alpha/beta: LQ-L equals LQ for 12 Gy per fraction
    dlg.usc_d0.setValue(3.5)           # alpha x D0 = 1.155 >= 1: refused inline
    assert not dlg.buttons.button(dlg.buttons.StandardButton.Ok).isEnabled() and "D0" in dlg.status.text()
    dlg.usc_d0.setValue(1.25)
    dlg.time_on.setChecked(True)
    assert dlg.buttons.button(dlg.buttons.StandardButton.Ok).isEnabled()
    assert w.model_settings(dlg)
    headers = [w.model.headerData(c, Qt.Orientation.Horizontal) for c in range(w.model.columnCount())]
    assert any(h.startswith("EQD3.5(10) LQ") for h in headers)
    assert cell(w, 0, "bed_10_lql") == "79.2"                       # d_T 20 Gy: LQ-L = LQ at 12 Gy/fx
    assert cell(w, 0, "eqdx_10_lq") == "58.7"                       # 79.2 / (1 + 3.5/10)
    assert "time-corrected" in w.context_label.text()
    w.act_undo.trigger()
    assert w.model.settings().reference_dose_gy == 2.0 and not w.model.settings().time_correction
