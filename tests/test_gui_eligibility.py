"""The Eligibility tab driven as a user would: the form, the live assessment, undo, save and reopen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QLocale, Qt  # noqa: E402
from PySide6.QtWidgets import QComboBox, QMessageBox  # noqa: E402
from sbrt_calc.gui.eligibility_panel import EligibilityPanel  # noqa: E402
from sbrt_calc.gui.lesion_table_model import COLUMNS, LesionTableModel  # noqa: E402
from sbrt_calc.gui.main_window import MainWindow  # noqa: E402

from sbrt_calc.case import load_case  # noqa: E402


@pytest.fixture
def window(qtbot, isolated_dirs, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Ok))
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.tabs.setCurrentWidget(w.eligibility)
    return w


def choose(combo: QComboBox, data: object) -> None:
    combo.setCurrentIndex(combo.findData(data))


def fill_tki_case(qtbot, p: EligibilityPanel, sites: int) -> None:  # noqa: ANN001
    choose(p.therapy, "tki")
    choose(p.driver, "EGFR")
    choose(p.ecog, 1)
    qtbot.keyClicks(p.months, "14")
    p.checks["other_disease_controlled"].click()
    p.checks["cns_imaging_done"].click()
    p.checks["staging_complete"].click()
    choose(p.best_response, "partial")
    for _ in range(sites):
        qtbot.mouseClick(p.add_button, Qt.MouseButton.LeftButton)


def text(p: EligibilityPanel) -> str:
    return " ".join(p.browser.toPlainText().split())


def test_assessment_follows_the_form(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    p = window.eligibility
    assert "Not assessed yet" in text(p) and "therapy" in text(p)
    fill_tki_case(qtbot, p, 3)
    a = p.assessment()
    assert (a.classification, a.definition, a.eligible) == ("oligoprogression", "strict", True)
    assert "SUPPORTED" in text(p) and "strict definition" in text(p)
    assert "[Seed document 004" in text(p)          # sources visible beside the items, as documents
    assert "Plan this lesion" in text(p)
    # 3 -> 6 progressing sites: systemic progression (more than 5)
    for _ in range(3):
        qtbot.mouseClick(p.add_button, Qt.MouseButton.LeftButton)
    a = p.assessment()
    assert (a.classification, a.eligible) == ("systemic_progression", False)
    assert "Systemic progression" in text(p) and "NOT SUPPORTED" in text(p)
    # back to 3 with undo (one command per added lesion)
    for _ in range(3):
        window.act_undo.trigger()
    assert p.assessment().eligible and p.lesion_model.rowCount() == 3
    # CNS imaging missing on a TKI blocks and is listed as missing work-up
    p.checks["cns_imaging_done"].click()
    a = p.assessment()
    assert not a.eligible and "workup" in [b.key for b in a.blockers] and a.verdict == "not_yet_assessable"
    assert "NOT YET ASSESSABLE" in text(p) and "CNS imaging (blocking)" in text(p)


def test_strict_definition_and_status(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    p = window.eligibility
    fill_tki_case(qtbot, p, 4)
    assert p.assessment().definition == "extended"
    choose(p.max_sites, 3)
    assert p.assessment().classification == "systemic_progression"
    m = p.lesion_model
    assert m.setData(m.index(3, COLUMNS.index(next(c for c in COLUMNS if c.key == "status"))), "stable")
    assert p.assessment().classification == "oligoprogression"
    assert p.assessment().progressing_sites == 3


def test_invalid_months_marked_inline(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    p = window.eligibility
    fill_tki_case(qtbot, p, 1)
    p.months.clear()
    qtbot.keyClicks(p.months, "abc")
    assert "not a number" in p.months_error.text()
    assert p.months_error.isVisible()
    assert "Invalid entries" in text(p)
    assert "border" in p.months.styleSheet()
    assert p.form["months_on_therapy"] == 14.0           # the last valid value stays in use
    p.months.clear()
    qtbot.keyClicks(p.months, "700")
    assert "out of range" in p.months_error.text()
    p.months.clear()
    qtbot.keyClicks(p.months, "9")
    assert p.form["months_on_therapy"] == 9.0 and not p.months_error.text()


def test_months_decimal_comma_and_merged_undo(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    p = window.eligibility
    p.number_locale = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    choose(p.therapy, "tki")
    n = window.undo_stack.count()
    qtbot.keyClicks(p.months, "7,5")
    assert p.form["months_on_therapy"] == 7.5
    assert window.undo_stack.count() == n + 1             # typing in one field is one undo step
    window.act_undo.trigger()
    assert p.form["months_on_therapy"] is None and p.months.text() == ""
    window.act_redo.trigger()
    assert p.form["months_on_therapy"] == 7.5


def test_lesion_site_by_delegate_and_remove(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    p = window.eligibility
    qtbot.mouseClick(p.add_button, Qt.MouseButton.LeftButton)
    col = [c.key for c in COLUMNS].index("site")
    idx = p.lesion_model.index(0, col)
    p.lesion_table.setCurrentIndex(idx)
    p.lesion_table.edit(idx)
    editors = [e for e in p.lesion_table.viewport().findChildren(QComboBox) if e.isVisible()]
    assert len(editors) == 1
    editors[0].setCurrentIndex(editors[0].findData("adrenal"))
    editors[0].activated.emit(editors[0].currentIndex())
    qtbot.waitUntil(lambda: p.form["lesions"][0]["site"] == "adrenal", timeout=2000)
    size = [c.key for c in COLUMNS].index("size_mm")
    assert not p.lesion_model.setData(p.lesion_model.index(0, size), "big")
    assert "not a number" in p.lesion_model.data(p.lesion_model.index(0, size), Qt.ItemDataRole.ToolTipRole)
    assert p.lesion_model.setData(p.lesion_model.index(0, size), "25")
    assert p.form["lesions"][0]["size_mm"] == 25.0
    p.lesion_table.selectRow(0)
    qtbot.mouseClick(p.remove_button, Qt.MouseButton.LeftButton)
    assert p.form["lesions"] == []
    window.act_undo.trigger()
    assert p.form["lesions"][0]["site"] == "adrenal"


def test_saved_and_restored(qtbot, window: MainWindow, tmp_path: Path) -> None:  # noqa: ANN001
    p = window.eligibility
    fill_tki_case(qtbot, p, 2)
    path = tmp_path / "e.sbrt.json"
    assert window.save_to(str(path))
    saved = load_case(path).sections["eligibility"]
    assert saved["case"]["therapy_class"] == "tki" and len(saved["case"]["lesions"]) == 2
    window.new_case(ask=False)
    assert p.assessment() is None and p.section() is None
    assert window.open_path(str(path), ask=False)
    assert p.assessment().eligible and p.months.text() == "14"
    # an incomplete form is kept as a draft
    window.new_case(ask=False)
    choose(p.therapy, "immunotherapy")
    assert window.save_to(str(path))
    assert load_case(path).sections["eligibility"] == {"draft": p.form}
    window.new_case(ask=False)
    assert window.open_path(str(path), ask=False)
    assert p.form["therapy_class"] == "immunotherapy" and p.assessment() is None


def test_bad_section_refused_on_open(window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "bad.sbrt.json"
    path.write_text('{"format": "sbrt-calc-case", "format_version": 1, '
                    '"eligibility": {"case": {"therapy_class": "pill"}}}', encoding="utf-8")
    assert not window.open_path(str(path), ask=False)
    assert "eligibility" in window.statusBar().currentMessage()


def test_qtmodeltester(qtmodeltester) -> None:  # noqa: ANN001
    m = LesionTableModel()
    m.set_lesions([{"site": "bone", "status": "progressing", "size_mm": 12.0}, {"site": "brain", "status": "new"},
                   {"site": "lung", "status": "stable", "label": "RUL", "symptomatic": True}])
    qtmodeltester.check(m)
    m.add_lesion("liver")
    qtmodeltester.check(m)


def test_every_lesion_field_is_a_column(qtbot, window) -> None:  # noqa: ANN001
    """The eligibility TOML's lesion fields are all visible and editable in the app (issue 10): weight-bearing
    and fracture risk for bone/spine lesions, chest-wall contact for lung lesions."""
    from pathlib import Path

    from PySide6.QtCore import Qt
    from sbrt_calc.gui.lesion_table_model import COLUMNS

    examples = Path(__file__).resolve().parent.parent / "examples"

    keys = [c.key for c in COLUMNS]
    assert {"label", "site", "status", "location", "size_mm", "symptomatic", "previously_irradiated",
            "weight_bearing", "fracture_risk", "abuts_chest_wall"} <= set(keys)
    assert window.open_path(str(examples / "case_egfr_bone.toml"), ask=False)
    m = window.eligibility.lesion_table.model()
    site_col = keys.index("site")
    bone = next(r for r in range(m.rowCount()) if m.data(m.index(r, site_col), Qt.ItemDataRole.EditRole) == "bone")
    wb = m.index(bone, keys.index("weight_bearing"))
    assert m.flags(wb) & Qt.ItemFlag.ItemIsUserCheckable
    assert m.setData(wb, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert m.data(wb, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    cw = m.index(bone, keys.index("abuts_chest_wall"))
    assert not (m.flags(cw) & Qt.ItemFlag.ItemIsUserCheckable) and m.data(cw, Qt.ItemDataRole.CheckStateRole) is None
