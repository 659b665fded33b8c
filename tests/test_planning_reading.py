"""The planning view, read as a clinician reads it (issue 21, "Planning"): each sentence once, the site's organs
first and the rest of the set folded, the marks explained, the constraint set by its title, metric names never
broken. Core tables first (no window), then the view (one window for the module)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from sbrt_calc.planning.section import MARK_LEGEND, CumulativeInputs, PlanningInputs, report_tables, site_organs
from sbrt_calc.table import as_table


def organ_table(site: str | None, regimen: str = "36/3") -> object:
    return as_table(report_tables(PlanningInputs(regimen=regimen, site=site))[-1])


def sentences(texts: list[str]) -> Counter[str]:
    return Counter(s.strip() for t in texts for s in re.split(r"(?<=[.;:])\s+", t) if len(s.strip()) > 30)


def test_the_sites_organs_come_first_and_every_row_stays() -> None:
    """TG-101 in 3 fractions has 46 limits for any site; at the spine its organs (SpinalCord, Esophagus, Skin)
    come first, then the rest in the set's order; without a site the set's order."""
    everything = organ_table(None)
    spine = organ_table("spine")
    assert len(spine.rows) == len(everything.rows) >= 46
    near = site_organs("spine")
    first = [r[0].text for r in spine.rows][:sum(r[0].text in near for r in spine.rows)]
    assert set(first) <= set(near) and first
    assert sorted(map(str, spine.texts())) == sorted(map(str, everything.texts()))
    assert any(n.startswith("Organs near the target site (spine) first") for n in spine.notes)
    assert not any(n.startswith("Organs near") for n in everything.notes)


def test_marks_are_explained_and_the_set_is_named() -> None:
    tables = report_tables(PlanningInputs(regimen="36/3", site="lung_central"))
    inputs, organs = as_table(tables[0]), as_table(tables[-1])
    assert MARK_LEGEND in organs.notes
    for mark in ("printed", "secondary", "recalled", "converted"):
        assert f"{mark} = " in MARK_LEGEND
    assert dict((r[0].text, r[1].text) for r in inputs.rows)["Constraint set"] == "AAPM TG-101 (2010), Table III"
    assert "tg101" not in " ".join(" ".join(r) for r in inputs.texts())
    unknown = as_table(report_tables(PlanningInputs(regimen="36/3", constraint_set="mine"))[0])
    assert dict((r[0].text, r[1].text) for r in unknown.rows)["Constraint set"] == "mine (unknown set)"


@pytest.mark.parametrize("site", [None, "spine", "lung_central"])
def test_each_sentence_once_in_the_planning_tables(site: str | None) -> None:
    """Before: the thecal-sac instruction twice in the cumulative notes (the surrogate note and the limit's note),
    and "the lower value is kept until TG-101 Table III is read" in each of the two Lungs rows."""
    inputs = PlanningInputs(regimen="36/3", site=site, ptv_cc=20.0, r50=5.0,
                            cumulative=CumulativeInputs(organ="SpinalCord", courses=("20/5", "24/2")))
    texts = []
    for t in report_tables(inputs):
        tt = as_table(t)
        texts += [c.text for row in tt.rows for c in row] + list(tt.notes)
    twice = [s for s, n in sentences(texts).items() if n > 1]
    assert not twice, twice
    joined = " ".join(texts)
    assert joined.count("enter the thecal sac point maximum") == 1
    assert joined.count("the lower value is kept until TG-101 Table III is read") == 1
    assert "--interval-months" not in joined


@pytest.fixture(scope="module")
def planning(qapp, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN001, ANN201
    """The Planning tab of one window, its settings and data folders isolated."""
    pytest.importorskip("pytestqt")
    from PySide6.QtWidgets import QMessageBox

    root = tmp_path_factory.mktemp("planning-reading")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SBRT_CALC_SETTINGS_DIR", str(root / "settings"))
        mp.setenv("SBRT_CALC_DATA_DIR", str(root / "data"))
        mp.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
        from sbrt_calc.gui.main_window import MainWindow

        w = MainWindow()
        w.show()
        p = w.planning
        w.tabs.setCurrentWidget(p)
        p.set_inputs(PlanningInputs(regimen="36/3", site="spine"))
        yield p
        w.undo_stack.setClean()
        w.close()
        w.deleteLater()


def test_the_view_folds_the_organs_not_near_the_site(planning) -> None:  # noqa: ANN001
    """Spine: the organ table shows SpinalCord, Esophagus and Skin and a link to the rest (before: all 46 rows
    for any site); "Show all organs of the set" (or the link) lists every row, the site's first."""
    from PySide6.QtCore import QUrl
    from sbrt_calc.gui.planning_html import TOGGLE_ORGANS

    p = planning
    p.all_organs.setChecked(False)
    folded = p.browser.toPlainText()
    assert "Show all organs of the set" in folded and "CaudaEquina" in folded   # named in the fold line only
    organ_part = folded[folded.index("Organ-at-risk limits"):]
    rows_shown = re.findall(r"^(SpinalCord|Esophagus|Skin|Heart|Lungs|CaudaEquina)\b", organ_part, re.M)
    assert set(rows_shown) <= {"SpinalCord", "Esophagus", "Skin"} and rows_shown
    p._anchor(QUrl(TOGGLE_ORGANS))
    assert p.all_organs.isChecked()
    unfolded = p.browser.toPlainText()
    organ_part = unfolded[unfolded.index("Organ-at-risk limits"):]
    assert re.search(r"^Heart\b", organ_part, re.M) and re.search(r"^Lungs\b", organ_part, re.M)
    assert "Show only the organs near the spine" in unfolded
    p.all_organs.setChecked(False)


def test_the_view_explains_marks_names_the_set_and_keeps_metrics_whole(planning) -> None:  # noqa: ANN001
    p = planning
    text = p.browser.toPlainText()
    assert "Marks: printed = read in the source itself" in text
    assert "AAPM TG-101 (2010), Table III" in text
    html = p.browser_html()
    cells = re.findall(r'<td[^>]*style="white-space:nowrap[^"]*"[^>]*>([^<]*)</td>', html)
    assert "D0.35cc[Gy]" in cells and "Max[Gy]" in cells and "SpinalCord" in cells and "secondary" in cells
    assert "&lt; 18" in cells                               # a limit: sign and number together
    assert re.search(r'<th[^>]*style="white-space:nowrap"[^>]*>Unit</th>', html)   # before, "U/ni/t" at 2x
