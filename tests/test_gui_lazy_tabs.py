"""The Eligibility and Planning tabs are built when first needed (start-up time).

Until then the case's sections are kept as loaded and saved back unchanged; a bad section is
still refused on open; visiting a tab shows what was loaded.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from sbrt_calc.gui.main_window import ELIGIBILITY_TAB, PLANNING_TAB, MainWindow  # noqa: E402

from sbrt_calc.case import Case, CaseRegimen, save_case  # noqa: E402
from sbrt_calc.regimen import Regimen  # noqa: E402

#: a complete eligibility case (optional keys left out, not in the form's order) and a planning section
#: with only some keys: a built tab would write both back normalised, an unbuilt one verbatim
ELIGIBILITY = {"case": {"lesions": [{"site": "lung", "status": "stable"},
                                    {"site": "spine", "status": "progressing", "label": "T10"}],
                        "therapy_class": "tki", "driver": "ALK", "months_on_therapy": 20, "ecog": 0,
                        "other_disease_controlled": True, "cns_imaging_done": True,
                        "symptomatic_progression": False, "leptomeningeal": False}}
DRAFT = {"draft": {"therapy_class": "immunotherapy"}}
PLANNING = {"regimen": "27/3", "ptv_cc": 30, "lesion": 1}


def write_case(path: Path, **sections: object) -> Path:
    save_case(Case("Lazy", "ID-1", (CaseRegimen.from_regimen(Regimen(27.0, 3)),), sections=sections), path)
    return path


def built(w: MainWindow) -> tuple[bool, bool]:
    return w.tabs_controller.built[:2]


def test_start_without_the_tabs(window: MainWindow) -> None:
    assert built(window) == (False, False)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["&Regimens", "Eligibility", "Planning",
                                                                           "Plan check", "Re-irradiation"]
    assert window.model.rowCount() == 6 and window.model.data(window.current_index(0, "bed10_gy")) not in (None, "")
    assert "eligibility" not in window.current_case().sections and "planning" not in window.current_case().sections


def test_sections_round_trip_unchanged_without_visiting(window: MainWindow, tmp_path: Path) -> None:
    for eligibility in (ELIGIBILITY, DRAFT):
        src = write_case(tmp_path / "in.sbrt.json", eligibility=eligibility, planning=PLANNING, other={"x": [1]})
        assert window.open_path(str(src), ask=False)
        out = tmp_path / "out.sbrt.json"
        assert window.save_to(str(out))
        data = json.loads(out.read_text(encoding="utf-8"))
        assert data["eligibility"] == eligibility and data["planning"] == PLANNING and data["other"] == {"x": [1]}
        assert built(window) == (False, False)
        # the autosave snapshot keeps them too
        assert window.snapshot()[0].sections["eligibility"] == eligibility


@pytest.mark.parametrize(("sections", "key"), [
    ({"eligibility": {"case": {"therapy_class": "pill"}}}, "eligibility"),
    ({"eligibility": {"draft": {"months_on_therapy": -3}}}, "eligibility.draft: months_on_therapy"),
    ({"eligibility": {"draft": []}}, "eligibility.draft"),
    ({"planning": {"ptv_cc": "big"}}, "planning.ptv_cc"),
])
def test_bad_section_still_refused_on_open(window: MainWindow, tmp_path: Path, warnings: list,
                                           sections: dict, key: str) -> None:
    good = write_case(tmp_path / "good.sbrt.json", eligibility=ELIGIBILITY)
    assert window.open_path(str(good), ask=False)
    path = tmp_path / "bad.sbrt.json"
    path.write_text(json.dumps({"format": "sbrt-calc-case", "format_version": 1, **sections}), encoding="utf-8")
    assert not window.open_path(str(path), ask=False)
    assert key in warnings[-1][1] and str(path) in warnings[-1][1]
    assert key.split(".")[0] in window.statusBar().currentMessage()
    assert window.current_case().sections["eligibility"] == ELIGIBILITY      # the open case is untouched
    assert built(window) == (False, False)


def test_visiting_the_tabs_shows_the_loaded_sections(window: MainWindow, tmp_path: Path) -> None:
    path = write_case(tmp_path / "c.sbrt.json", eligibility=ELIGIBILITY, planning=PLANNING)
    assert window.open_path(str(path), ask=False)
    window.tabs.setCurrentIndex(PLANNING_TAB)             # Planning first: its lesions come from the section
    assert built(window) == (False, True)
    p = window.planning
    assert window.tabs.currentWidget() is p and window.tabs.currentIndex() == PLANNING_TAB
    assert window.tabs.tabText(PLANNING_TAB) == "Planning" and "Organ-at-risk" in window.tabs.tabToolTip(PLANNING_TAB)
    assert p.edits["ptv_cc"].text() == "30" and p.regimen_combo.currentData() == "27/3"
    assert p.lesion_combo.currentText() == "#2 Spine (T10), progressing"
    window.tabs.setCurrentIndex(ELIGIBILITY_TAB)
    e = window.eligibility
    assert window.tabs.currentWidget() is e and "oligoprogression" in window.tabs.tabToolTip(ELIGIBILITY_TAB)
    assert e.therapy.currentData() == "tki" and e.driver.currentData() == "ALK" and e.months.text() == "20"
    assert e.lesion_model.rowCount() == 2 and "local ablative therapy while continuing" in e.browser.toPlainText()
    assert window.undo_stack.isClean() and window.undo_stack.count() == 0   # building pushes nothing
    # from now on the tabs are the source: an edit is saved, and undone
    e.set_value("ecog", 1)
    assert window.current_case().sections["eligibility"]["case"]["ecog"] == 1
    window.act_undo.trigger()
    assert window.current_case().sections["eligibility"]["case"]["ecog"] == 0
    # a lesion removed in the built Eligibility tab reaches the built Planning tab
    e.set_value("lesions", ELIGIBILITY["case"]["lesions"][:1])
    assert p.lesion_combo.findText("#2 Spine (T10), progressing") < 0


def test_eligibility_built_first_then_planning(window: MainWindow, tmp_path: Path) -> None:
    path = write_case(tmp_path / "c.sbrt.json", eligibility=ELIGIBILITY, planning=PLANNING)
    assert window.open_path(str(path), ask=False)
    window.tabs.setCurrentIndex(ELIGIBILITY_TAB)
    assert built(window) == (True, False)
    assert window.current_case().sections["planning"] == PLANNING          # still verbatim
    assert window.planning.lesion_combo.currentText() == "#2 Spine (T10), progressing"
    assert window.tabs.currentIndex() == ELIGIBILITY_TAB                   # building Planning kept the tab
    window.new_case(ask=False)
    assert window.eligibility.section() is None and window.planning.section() is None


def test_plan_this_lesion_builds_planning(window: MainWindow, tmp_path: Path) -> None:
    path = write_case(tmp_path / "c.sbrt.json", eligibility=ELIGIBILITY)
    assert window.open_path(str(path), ask=False)
    window.send_lesion_to_planning(1)
    assert window.tabs.currentWidget() is window.planning and window.planning.inputs.lesion == 1
    window.act_undo.trigger()
    assert window.planning.inputs.lesion is None


def test_bad_autosave_section_dropped_while_not_built(window: MainWindow) -> None:
    case = replace(window.current_case(), sections={"planning": {"ptv_cc": "big"}, "eligibility": DRAFT})
    window.files.show_case(case, None)
    assert "Planning section not loaded" in window.statusBar().currentMessage()
    assert window.current_case().sections == {"eligibility": DRAFT}
    assert window.planning.section() is None


def test_first_window_leaves_the_tabs_modules_unloaded() -> None:
    code = ("import sys; from sbrt_calc.gui.app import main; main(['x']); "
            "print(sorted(m for m in sys.modules if m.startswith(('sbrt_calc.', 'matplotlib'))))")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, SBRT_CALC_SETTINGS_DIR=f"{tmp}/s", SBRT_CALC_DATA_DIR=f"{tmp}/d",
                   SBRT_CALC_EXIT_WHEN_SHOWN="1", SBRT_CALC_RECOVER="no", QT_QPA_PLATFORM="offscreen")
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp, capture_output=True, text=True,
                             check=True, timeout=60).stdout
    assert "rows=6" in out
    loaded = out.strip().splitlines()[-1]
    for name in ("eligibility_panel", "planning_panel", "sbrt_calc.eligibility.assess", "planning_section",
                 "sbrt_calc.presets.loader", "sbrt_calc.report.content", "matplotlib", "plan_check_panel", "pydicom"):
        assert name not in loaded, name
