"""The app, second look (issue 21): the window fits the screen it opens on, the forms scroll instead of
clipping, each model's numbers are in view when it is chosen, the regimen column stays in view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QSize
from sbrt_calc.gui.screen_fit import FRAME_ALLOWANCE, MAX_SIZE, initial_geometry


@pytest.mark.parametrize("available", [QRect(0, 0, 1024, 740), QRect(0, 0, 1024, 768), QRect(0, 28, 1280, 772),
                                       QRect(0, 0, 960, 512), QRect(1920, 0, 2560, 1400), QRect(0, 0, 800, 600)])
def test_first_geometry_lies_inside_the_available_geometry(available: QRect) -> None:
    """Nothing of the window (its frame allowance included) off the screen's available geometry; 90 %
    of a large screen, capped; nearly all of a small one."""
    g = initial_geometry(available, QSize(948, 290))
    assert available.contains(g), (available, g)
    framed = g.adjusted(-FRAME_ALLOWANCE.width() // 2, -(FRAME_ALLOWANCE.height() - FRAME_ALLOWANCE.width() // 2),
                        FRAME_ALLOWANCE.width() // 2, FRAME_ALLOWANCE.width() // 2)
    assert available.contains(framed), (available, framed)
    assert g.width() <= MAX_SIZE.width() and g.height() <= MAX_SIZE.height()
    if available.width() >= 1800:
        assert g.width() == min(MAX_SIZE.width(), int(available.width() * 0.9))
    if available.width() <= 1100:   # a small screen: (nearly) all of it
        assert g.width() >= available.width() - FRAME_ALLOWANCE.width()


def test_the_window_opens_inside_its_screen(window) -> None:  # noqa: ANN001
    """The window's own geometry (not a fixed 1280x800) lies in its screen's available geometry."""
    avail = window.screen().availableGeometry()
    window.fit_to_screen()
    expected = initial_geometry(avail, window.minimumSizeHint())
    assert window.geometry().topLeft() == expected.topLeft()
    # the offscreen platform's screen (800x800) is narrower than the window's minimum (about 830 px): the
    # window keeps its minimum there; on a screen the minimum fits, it lies wholly inside
    assert window.width() == max(expected.width(), window.minimumSizeHint().width())
    assert window.height() == max(expected.height(), window.minimumSizeHint().height())
    # (a minimum between the room left by the frame allowance and the screen's width cannot lie wholly inside)
    if window.minimumSizeHint().width() <= avail.width() - FRAME_ALLOWANCE.width():
        assert avail.contains(window.geometry()), (avail, window.geometry())


@pytest.mark.parametrize("tab", ["eligibility", "planning"])
def test_forms_scroll_instead_of_clipping_at_1024(qtbot, window, tab: str) -> None:  # noqa: ANN001
    """At 1024x768 the Eligibility and Planning forms are never narrower than they need without a
    horizontal scroll bar to reach the rest (before: scroll bar off, combo boxes and 'Plan this lesion'
    cut)."""
    from PySide6.QtCore import Qt

    window.resize(1000, 700)
    panel = getattr(window, tab)
    window.tabs.setCurrentWidget(panel)
    window.show()
    qtbot.wait(50)
    scroll = panel.form_scroll
    assert scroll.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    form = scroll.widget()
    if form.width() > scroll.viewport().width():
        assert scroll.horizontalScrollBar().maximum() >= form.width() - scroll.viewport().width()
    # the form never gets less than its minimum width (else it is squeezed and its widgets cut)
    assert form.width() >= form.minimumSizeHint().width()
    # it has the room it needs when the window has it (the text side keeping 40 %)
    left, right = panel.splitter.sizes()
    needed = form.minimumSizeHint().width()
    assert left >= min(needed, int((left + right) * 0.6)) - 2


def test_window_minimum_fits_a_1024x768_screen(qtbot, window) -> None:  # noqa: ANN001
    """Every tab's minimum size fits 1024x768 less a task bar and the frame (1008x688)."""
    window.show()
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        qtbot.wait(10)
        hint = window.minimumSizeHint()
        assert hint.width() <= 1008 and hint.height() <= 688, (window.tabs.tabText(i), hint)


def test_model_settings_note_is_not_cut(qtbot, window) -> None:  # noqa: ANN001
    """The repopulation note (several lines) gets the height its width needs (before: two lines shown)."""
    from sbrt_calc.gui.model_settings_dialog import ModelSettingsDialog

    dlg = ModelSettingsDialog(window.model.settings(), window)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.wait(20)
    note = dlg.note
    assert note.height() >= note.heightForWidth(note.width()), (note.height(), note.heightForWidth(note.width()))


def test_organ_combo_shows_its_choice_whole_when_the_row_has_room(qtbot, window) -> None:  # noqa: ANN001
    window.resize(1280, 800)
    window.show()
    qtbot.wait(50)
    combo = window.organ_combo
    text_width = combo.fontMetrics().horizontalAdvance(combo.currentText())
    assert combo.width() >= text_width + 20, (combo.width(), text_width, combo.currentText())


@pytest.mark.parametrize("size", [(1024, 768), (1280, 800)])
@pytest.mark.parametrize("chosen", ["lql", "usc"])
def test_choosing_lql_or_usc_shows_its_numbers_without_scrolling(qtbot, window, size, chosen: str) -> None:  # noqa: ANN001
    """Before: the chosen model's columns came after the verdicts, off the right edge at 1024 px."""
    window.resize(*size)
    window.show()
    window.set_model(chosen)
    qtbot.wait(80)
    header = window.table.horizontalHeader()
    width = window.table.viewport().width()
    first = next(i for i, c in enumerate(window.model.columns()) if c.model == chosen)
    left = header.sectionViewportPosition(first)
    assert window.table.horizontalScrollBar().value() == 0
    assert 0 <= left and left + header.sectionSize(first) <= width, (left, header.sectionSize(first), width)
    for key in ("flag", "reference", "sensitivity"):     # the verdicts stay in view too (issue 13)
        logical = window.model.column_of(key)
        assert header.sectionViewportPosition(logical) + header.sectionSize(logical) <= width, key


def test_regimen_column_stays_in_view_when_the_table_scrolls_sideways(qtbot, window) -> None:  # noqa: ANN001
    window.resize(1024, 768)
    window.show()
    window.set_model("all")
    qtbot.wait(80)
    table = window.table
    bar = table.horizontalScrollBar()
    assert bar.maximum() > 0            # all three models do not fit: the table scrolls
    bar.setValue(bar.maximum())
    qtbot.wait(20)
    frozen = table.frozen
    assert frozen.isVisible()
    assert [c for c in range(window.model.columnCount()) if not frozen.isColumnHidden(c)] == [0]
    # the overlay sits over the first column's place, as wide as the column, and shows the labels
    assert frozen.geometry().x() == table.verticalHeader().width() + table.frameWidth()
    assert frozen.columnWidth(0) == table.columnWidth(0) > 0
    # its rows line up with the table's (same header height, same row positions)
    assert frozen.horizontalHeader().height() == table.horizontalHeader().height()
    assert frozen.rowViewportPosition(2) == table.rowViewportPosition(2)
    assert frozen.model() is window.model and frozen.selectionModel() is table.selectionModel()
    # the table's own first column has scrolled away under it: the overlay is what shows the label
    assert table.horizontalHeader().sectionViewportPosition(0) < 0
    # it scrolls vertically with the table
    window.entry.setText("; ".join(f"{d}/{n}" for d in range(20, 60, 4) for n in (3, 4, 6)))
    window.add_from_entry()
    assert window.model.rowCount() > 30
    qtbot.wait(20)
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())
    qtbot.wait(10)
    assert frozen.verticalScrollBar().value() == table.verticalScrollBar().value() > 0
    # a cell scrolled to is never left under the frozen column
    last = window.model.rowCount() - 1
    table.scrollTo(window.model.index(last, 1))
    assert table.visualRect(window.model.index(last, 1)).x() >= table.columnWidth(0)


def test_sweep_to_50_in_6_gy_steps_says_why_50_is_not_added(qtbot, window) -> None:  # noqa: ANN001
    """24..50 Gy in 6-Gy steps gives 24, 30, 36, 42, 48: the dialog and the status bar say 50 is not a step."""
    from sbrt_calc.gui.sweep_dialog import SweepDialog, sweep_end_note

    assert sweep_end_note(24, 48, 6) == ""
    assert "48 Gy" in sweep_end_note(24, 50, 6) and "50 Gy is not on the 6-Gy steps" in sweep_end_note(24, 50, 6)
    dlg = SweepDialog(window)
    qtbot.addWidget(dlg)
    dlg.set_ranges(24, 50, 6, 3, 3)
    assert "50 Gy is not on the 6-Gy steps" in dlg.preview.text()
    window.sweep(dlg)
    assert "50 Gy is not on the 6-Gy steps" in window.statusBar().currentMessage()
    dlg.set_ranges(24, 48, 6, 3, 3)
    assert "not on the" not in dlg.preview.text()


def test_every_invalid_cell_is_reported_and_the_row_shows_what_was_typed(window) -> None:  # noqa: ANN001
    """Before: the label kept '30/3' (the old, valid regimen) and only the first bad cell was named."""
    from PySide6.QtCore import Qt

    m = window.model
    m.setData(window.current_index(1, "total_dose_gy"), "3O")
    label = window.current_index(1, "label")
    assert m.data(label, Qt.ItemDataRole.DisplayRole) == "3O/3"
    assert m.data(label, Qt.ItemDataRole.BackgroundRole) is not None       # marked
    m.setData(window.current_index(1, "fractions"), "x")
    row = m.rows()[1]
    assert "fractions" in row.error and "total dose" in row.error, row.error
    for key in ("total_dose_gy", "fractions", "label"):
        assert m.data(window.current_index(1, key), Qt.ItemDataRole.BackgroundRole) is not None, key
    assert m.data(label, Qt.ItemDataRole.DisplayRole) == "3O/x"
    tip = m.data(window.current_index(1, "warnings"), Qt.ItemDataRole.ToolTipRole)
    assert "fractions" in tip and "total dose" in tip


def test_help_lists_each_shortcut_once(window) -> None:  # noqa: ANN001
    """Before: 'Ctrl+Shift+Z, Ctrl+Y, Ctrl+Y' for Redo."""
    text = window.show_help(show=False).text.toPlainText()
    section = text[text.index("Keyboard shortcuts"):text.index("Sources", text.index("Keyboard shortcuts"))]
    keys = [k.strip() for line in section.splitlines()[1:] if "Ctrl" in line or line.strip().startswith("F")
            for k in line.split(",") if k.strip()]
    assert keys and len(keys) == len(set(keys)), keys
    assert "Ctrl+Y" in keys


def test_one_fraction_is_singular() -> None:
    """'18 Gy in 1 fraction of 18 Gy' in the working; the organ-limits table title for one fraction."""
    from sbrt_calc.case import Case, CaseRegimen
    from sbrt_calc.evaluation import evaluate
    from sbrt_calc.planning.section import PlanningInputs, report_tables
    from sbrt_calc.regimen import fractions_text
    from sbrt_calc.working import working

    assert fractions_text(1) == "1 fraction" and fractions_text(3) == "3 fractions"
    ev = evaluate(Case(regimens=(CaseRegimen("18/1", 18.0, 1),)))
    text = working(ev.rows[0], ev.settings)[0].title
    assert "in 1 fraction of" in text and "1 fractions" not in text
    tables = report_tables(PlanningInputs(regimen="18/1", site="spine"))
    titles = " ".join(t.title for t in tables)
    assert "1 fractions" not in titles and "fraction(s)" not in titles


def test_verdict_columns_show_not_reached_whole(qtbot, window) -> None:  # noqa: ANN001
    """The verdict headers wrap on two lines now: the columns keep the width of their 'not reached' cells
    (a 2x screenshot showed 'not re…')."""
    window.show()
    qtbot.wait(50)
    from PySide6.QtWidgets import QStyle

    fm = window.table.fontMetrics()
    icon = window.table.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
    widths = {key: window.table.columnWidth(window.model.column_of(key)) for key in ("flag", "reference")}
    assert widths["flag"] == widths["reference"]
    assert widths["flag"] >= fm.horizontalAdvance("not reached") + icon + 8, widths


def test_plan_check_errors_name_the_apps_fields_and_clear_the_names(qtbot, tmp_path) -> None:  # noqa: ANN001
    """A plan check without an RT Plan or a prescription: the message names the view's fields
    ('Prescription', 'Fractions', 'RT Plan…'), not '--rtplan'; the previous plan's names are cleared."""
    import warnings as w_

    pytest.importorskip("pydicom")
    from sbrt_calc.gui.plan_check_panel import PlanCheckPanel, app_field_names

    from sbrt_calc.plancheck.inputs import PlanCheckInputs
    from sbrt_calc.plancheck.phantom import Phantom, write_phantom

    assert app_field_names("give an RT Plan (--rtplan) or --prescription-gy and --fractions") == \
        "give an RT Plan (\u201cRT Plan…\u201d) or \u201cPrescription\u201d and \u201cFractions\u201d"
    with w_.catch_warnings():
        w_.simplefilter("ignore")
        # a coarse phantom (16-gon contours every 5 mm): the claim is the messages and the names, not a dose
        write_phantom(tmp_path, Phantom(shape=(24, 32, 32), vertices=16, slice_mm=5.0))
    panel = PlanCheckPanel()
    qtbot.addWidget(panel)
    panel.open_folder(str(tmp_path))
    assert panel.result() is not None and panel.mapping_table.rowCount() > 0
    dose = next(tmp_path.glob("*RD*.dcm"), None) or next(p for p in tmp_path.glob("*.dcm") if "dose" in p.name.lower())
    struct = next(p for p in tmp_path.glob("*.dcm") if p != dose and "plan" not in p.name.lower()
                  and ("rs" in p.name.lower() or "struct" in p.name.lower()))
    panel.set_inputs(PlanCheckInputs(str(dose), str(struct)))     # no RT Plan, no prescription
    assert panel.result() is None                                 # waits for the worker
    qtbot.waitUntil(lambda: "Cannot check" in panel.status.text(), timeout=30000)
    text = panel.status.text()
    assert "--" not in text and "Cannot check" in text, text
    assert panel.mapping_table.rowCount() == 0
