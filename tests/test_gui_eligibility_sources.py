"""The Eligibility tab shows the issue-11 rules: verdict first, best response, rebiopsy result, lung
location, CNS lesions counted apart, the flag not applicable at the spine, the planned scheme."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from sbrt_calc.gui.eligibility_panel import EligibilityPanel  # noqa: E402
from sbrt_calc.gui.lesion_table_model import COLUMNS  # noqa: E402


@pytest.fixture
def panel(qtbot):  # noqa: ANN001, ANN201
    p = EligibilityPanel()
    qtbot.addWidget(p)
    for key, value in (("therapy_class", "tki"), ("driver", "ALK"), ("months_on_therapy", 20.0), ("ecog", 1),
                       ("other_disease_controlled", True), ("cns_imaging_done", True), ("staging_complete", True),
                       ("agent", "alectinib")):
        p.set_value(key, value)
    return p


def text(p: EligibilityPanel) -> str:
    return " ".join(p.browser.toPlainText().split())


def col(key: str) -> int:
    return next(i for i, c in enumerate(COLUMNS) if c.key == key)


def test_verdict_headline_and_best_response(panel: EligibilityPanel) -> None:
    panel.add_lesion("bone")
    panel.best_response.setCurrentIndex(panel.best_response.findData("partial"))
    assert text(panel).startswith("SUPPORTED")
    panel.best_response.setCurrentIndex(panel.best_response.findData("progression"))
    assert panel.form["best_response"] == "progression"
    assert "Primary resistance" in text(panel) and text(panel).startswith("NOT SUPPORTED")


def test_rebiopsy_result_keeps_the_verdict_pending(panel: EligibilityPanel) -> None:
    panel.add_lesion("lung", location="peripheral")
    panel.set_value("best_response", "partial")
    panel.set_value("suspected_transformation", True)
    assert text(panel).startswith("PENDING (rebiopsy)")
    panel.rebiopsy.setCurrentIndex(panel.rebiopsy.findData("no_transformation"))
    assert panel.form["rebiopsy_result"] == "no_transformation" and text(panel).startswith("SUPPORTED")


def test_lung_location_is_edited_in_the_table_and_filters_the_schemes(panel: EligibilityPanel) -> None:
    panel.add_lesion("lung")
    panel.add_lesion("bone")
    m = panel.lesion_model
    assert m.data(m.index(0, col("location"))) == "— choose —"
    assert not m.flags(m.index(1, col("location"))) & Qt.ItemFlag.ItemIsEditable   # bone: no location
    assert "record the lesion's location" in text(panel)
    assert m.setData(m.index(0, col("location")), "central")
    assert panel.form["lesions"][0]["location"] == "central"
    assert "Plan this lesion ▸ 60 Gy/8" in text(panel) and "34 Gy/1" not in text(panel)   # SABR-COMET (issue 19)
    assert not m.setData(m.index(0, col("location")), "hilar")                   # marked, not used
    assert panel.form["lesions"][0]["location"] == "central"
    assert m.setData(m.index(0, col("site")), "adrenal")                         # location goes with lung
    assert "location" not in panel.form["lesions"][0]


def test_brain_lesions_apart_and_flag_not_applicable_at_the_spine(panel: EligibilityPanel) -> None:
    for size in (8, 12, 6, 24):
        panel.add_lesion("brain", size_mm=float(size))
    panel.add_lesion("spine")
    panel.set_value("best_response", "partial")
    t = text(panel)
    assert "5 progressing or new site(s) (0 new); 4 CNS site(s) counted apart" in t
    assert "exceeds RTOG 90-05" in t and "BED10 > 70 Gy flag: not applicable at this site" in t
    assert "Plan this lesion ▸ 24 Gy/2" in t


def test_the_lesion_table_is_the_cores_typed_table_and_its_links_are_cell_actions(panel: EligibilityPanel) -> None:
    """Issue 18: the Eligibility tab's lesion table is :func:`lesion_table` rendered by ``to_html`` (coloured by
    the cells' status), and "Plan this lesion" sends the lesion its cell's action names, found by the link's
    address: an address no cell carries (the old hand-written "plan:0") does nothing."""
    from dataclasses import replace

    from PySide6.QtCore import QUrl
    from sbrt_calc.gui.eligibility_html import assessment_view

    from sbrt_calc.eligibility.sites import flag_line
    from sbrt_calc.evaluation_tables import lesion_table
    from sbrt_calc.notation import greek
    from sbrt_calc.table import STATUS_COLOURS, Action, Status, to_html

    panel.add_lesion("bone")
    panel.add_lesion("spine")
    table = lesion_table(panel.assessment(), flag_line())
    shown, actions = assessment_view(panel.form, panel.problems)
    assert greek(to_html(replace(table, title=""))) in shown   # the core's HTML, α/β as the app writes it
    assert actions == table.actions() == {"action:plan:0": Action("plan", 0), "action:plan:1": Action("plan", 1)}
    spine_flag = table.column("flag")[1]
    assert spine_flag.status is Status.NA and f"background-color:{STATUS_COLOURS[Status.NA][1]}" in shown
    sent: list[int] = []
    panel.sendToPlanning.connect(sent.append)
    panel.browser.anchorClicked.emit(QUrl("plan:0"))
    panel.browser.anchorClicked.emit(QUrl(Action("plan", 1).href))
    assert sent == [1]
