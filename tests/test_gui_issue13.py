"""The desktop app as clinicians use it (issue 13): help (F1), print preview without a printer, the
solver in the app, the window on a 1024x768 screen, the verdict columns in view, the plot's title
following the model, the working dock, the report's people fields, the xcb platform check."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from sbrt_calc.presets.radiobiology import radiobiology


def test_f1_opens_the_help_page_with_the_flag_its_scale_and_the_shortcuts(qtbot, window) -> None:  # noqa: ANN001
    assert window.tools.help_dialog is None
    qtbot.keyClick(window.table, Qt.Key.Key_F1)
    dlg = window.tools.help_dialog
    text = dlg.text.toPlainText()
    flag = window.model.thresholds[0]
    from sbrt_calc.gui.number_text import greek  # the app writes α/β (issue 21)

    assert flag.label in text and greek(flag.scale) in text and greek(flag.source) in text
    assert "Model/α/β check" in text
    for m in ("lq", "lql", "usc"):
        assert window.model.eval_settings.model(m).source in text
    assert "Ctrl+C" in text.replace("Ctrl+Shift", "") or "Copy rows" in text
    assert "How to read this window" in [a.text().replace("&", "") for a in window.menuBar().actions()[-1].menu().actions()]


def test_help_page_follows_the_case_settings(window) -> None:  # noqa: ANN001
    from dataclasses import replace

    window.model.set_settings(replace(window.model.settings(), tumour_alpha_beta_gy=5.0))
    assert "now 5 Gy" in window.show_help(show=False).text.toPlainText()


def test_print_preview_is_built_without_a_printer_and_has_the_reports_pages(window, tmp_path: Path) -> None:  # noqa: ANN001
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget

    from sbrt_calc.report.pdf import paint_report
    from sbrt_calc.report.sources import content_from_case

    assert window.act_print.shortcut().toString() == "Ctrl+P"
    dlg = window.print_report(dialog=False)
    preview = dlg.findChild(QPrintPreviewWidget)
    preview.updatePreview()
    assert preview.pageCount() >= 2
    # the same layout as the PDF export, on a printer writing PDF (no printer needed)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    pages = paint_report(content_from_case(window.current_case()), printer, "A4")
    assert pages == preview.pageCount()
    assert (tmp_path / "printed.pdf").read_bytes().startswith(b"%PDF")


def test_solver_in_the_app_reaches_the_target_under_each_model_and_adds_rows(window) -> None:  # noqa: ANN001
    from sbrt_calc.radiobiology.solve import model_bed
    from sbrt_calc.regimen import Regimen

    dlg = window.solver(show=False)
    s = window.model.eval_settings
    for key in ("lq", "lql", "usc"):
        dlg.set_inputs(model=key, target_bed_gy=100.0, fractions="3, 5")
        model = s.model(key)
        ab = None if key == "usc" else s.tumour_alpha_beta_gy
        assert dlg.table.rowCount() == 2
        for r, n in enumerate((3, 5)):
            total = float(dlg.table.item(r, 2).text())
            assert model_bed(model, Regimen(total, n), ab) == pytest.approx(100.0, abs=0.05)
        assert model.source in dlg.status.text()
    # isoeffective to a regimen: 5 fractions with the LQ BED10 of 54/3
    dlg.set_inputs(model="lq", regimen="54/3", fractions="5")
    total = float(dlg.table.item(0, 2).text())
    assert model_bed(s.model("lq"), Regimen(total, 5), 10.0) == pytest.approx(
        model_bed(s.model("lq"), Regimen(54.0, 3), 10.0), abs=0.05)
    n = window.model.rowCount()
    dlg.add_button.click()
    assert window.model.rowCount() == n + 1
    assert window.model.rows()[-1].fractions == 5 and "solved" in window.model.rows()[-1].note
    window.act_undo.trigger()
    assert window.model.rowCount() == n
    dlg.set_inputs(fractions="three")
    assert not dlg.add_button.isEnabled() and "fractions" in dlg.status.text()


def test_the_window_fits_1024x768_with_all_three_models(qtbot, window) -> None:  # noqa: ANN001
    window.set_model("all")
    for i in range(window.tabs.count()):          # every tab built: the widest one sets the minimum
        window.tabs.setCurrentIndex(i)
        qtbot.wait(10)
        assert window.minimumSizeHint().width() <= 1024, window.tabs.tabText(i)
    window.tabs.setCurrentIndex(0)
    window.resize(1024, 768)
    qtbot.wait(20)
    assert window.width() <= 1024 and window.height() <= 768


@pytest.mark.parametrize("size", [(1280, 800), (1024, 768)])
def test_verdict_columns_are_in_view_with_all_three_models(qtbot, window, size) -> None:  # noqa: ANN001
    window.resize(*size)
    window.set_model("all")
    qtbot.wait(50)
    header = window.table.horizontalHeader()
    width = window.table.viewport().width()
    for key in ("flag", "reference", "sensitivity", "bed10_gy"):
        logical = window.model.column_of(key)
        right = header.sectionViewportPosition(logical) + header.sectionSize(logical)
        assert 0 <= header.sectionViewportPosition(logical) and right <= width, key
    # the view's order only: the model (CSV, clipboard) keeps the core's order
    assert [c.key for c in window.model.columns()][-1] == "warnings"
    assert header.visualIndex(window.model.column_of("flag")) < header.visualIndex(window.model.column_of("eqdx_10_lq"))


def test_plot_title_follows_the_model_shown(window) -> None:  # noqa: ANN001
    window.plot.ensure_canvas()
    for key, name in (("lql", "LQ-L"), ("usc", "USC"), ("lq", "LQ")):
        window.set_model(key)
        assert name in window.plot.ax.get_title()
    window.set_model("usc")
    assert "LQ-L" not in window.plot.ax.get_title()


def test_working_dock_undocks_and_shows_full_precision(qtbot, window) -> None:  # noqa: ANN001
    window.entry.setText("35/3")                  # BED10 75.8333... Gy: rounded in the table
    window.add_from_entry()
    window.select_row(window.model.rowCount() - 1)
    rounded_html = window.working.toPlainText()
    assert "75.8" in rounded_html and "75.833" not in rounded_html
    window.full_precision.setChecked(True)
    assert window.working.full_precision and "75.833" in window.working.toPlainText()
    window.working_dock.setFloating(True)
    assert window.working_dock.isFloating()
    window.act_working.trigger()
    assert not window.working_dock.isVisible()


def test_report_dialog_people_fields_reach_the_pdf(window, tmp_path: Path) -> None:  # noqa: ANN001
    from sbrt_calc.gui.report_export import ReportExportDialog

    dlg = ReportExportDialog("Case A", None, str(tmp_path / "r.pdf"), window)
    labels = [dlg.findChildren(type(dlg.date_label))]
    assert not any(lb.text() == "&File:" and not lb.buddy() for lb in labels[0])
    dlg.prepared_edit.setText("Dr Prepared")
    dlg.checked_edit.setText("Dr Checker")
    dlg.patient_edit.setText("ref-77")
    out = window.export_report(dialog=dlg)
    from pdftext import pdf_text

    text = pdf_text(out)   # PDFium's text (tests/pdftext.py)
    for value in ("Dr Prepared", "Dr Checker", "ref-77"):
        assert value in text


def test_site_titles_and_organ_names(window) -> None:  # noqa: ANN001
    from sbrt_calc.gui.window_common import site_title

    assert site_title("brain_srs") == "Brain SRS" and site_title("brain") == "Brain SRS/HSRT"
    window.ensure_presets_menu()
    titles = [a.text() for a in window.presets_menu.actions()]
    assert "Brain SRS" in titles and "Brain HSRT" in titles
    keys = [t.key for t in radiobiology().tissues]
    items = [window.organ_combo.itemText(i) for i in range(window.organ_combo.count())]
    assert not any(k in item for item in items for k in keys if "_" in k)


def test_xcb_check_names_the_missing_library() -> None:
    from sbrt_calc.gui.platform_check import xcb_problem

    def missing(path: str) -> None:
        raise OSError("libxkbcommon-x11.so.0: cannot open shared object file: No such file or directory")

    env = {"DISPLAY": ":0"}
    line = xcb_problem(env, Path("/x/libqxcb.so"), missing)
    assert line is not None and "libxkbcommon-x11.so.0" in line and "apt-get install" in line
    assert xcb_problem(env, Path("/x/libqxcb.so"), lambda p: None) is None
    assert xcb_problem({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, Path("/x"), missing) is None
    assert xcb_problem({}, Path("/x"), missing) is None


def test_eligibility_heading_names_the_definition_chosen(window) -> None:  # noqa: ANN001
    from sbrt_calc.eligibility.case import load_case

    root = Path(__file__).resolve().parents[1]
    case = load_case(root / "examples" / "case_io_spine.toml")
    e = window.eligibility
    for max_sites, word in ((5, "extended definition, ≤ 5 sites"), (3, "strict definition, ≤ 3 sites")):
        e.load_section({"case": dict(case.to_dict(), max_sites=max_sites)})
        assert f"Oligoprogression ({word})" in e.browser.toPlainText()


def test_a_sweep_adds_no_duplicates(window) -> None:  # noqa: ANN001
    from sbrt_calc.gui.sweep_dialog import SweepDialog

    have = {(r.total_dose_gy, r.fractions) for r in window.model.rows()}
    dlg = SweepDialog(window)
    dlg.set_ranges(24, 48, 6, 3, 6)                  # 20 regimens, some already in the default table
    overlap = sum((float(d), n) in have for d in range(24, 49, 6) for n in range(3, 7))
    assert overlap > 0
    assert window.sweep(dlg) == 20 - overlap
    pairs = [(r.total_dose_gy, r.fractions) for r in window.model.rows()]
    assert len(pairs) == len(set(pairs))
    assert window.sweep(dlg) == 0                    # again: nothing new


def test_the_first_window_shows_before_numpy_and_matplotlib_are_imported(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    code = ("import sys; from sbrt_calc.gui.app import main; main(['x']); "
            "print('early=' + ','.join(m for m in ('numpy', 'matplotlib', 'sbrt_calc.evaluation') if m in sys.modules))")
    env = dict(os.environ, SBRT_CALC_SETTINGS_DIR=str(tmp_path / "s"), SBRT_CALC_DATA_DIR=str(tmp_path / "d"),
               SBRT_CALC_EXIT_WHEN_SHOWN="first", SBRT_CALC_RECOVER="no", QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                         cwd=tmp_path).stdout
    assert "shown_s=" in out and "early=\n" in out + "\n", out


def test_a_deferred_window_is_filled_after_it_is_shown(qtbot, isolated_dirs, warnings) -> None:  # noqa: ANN001
    from sbrt_calc.gui.main_window import MainWindow

    w = MainWindow(deferred=True)
    qtbot.addWidget(w)
    w.show()
    # no rows yet, but the columns to come (issue 21: no layout jump at start; tests/test_gui_issue21_start.py)
    assert w.model.rowCount() == 0 and w.organ_combo.count() == 0 and w.model.columnCount() > 5
    w.finish_start()
    assert w.model.rowCount() == 6 and w.model.columnCount() > 5 and w.organ_combo.count() > 0
    assert w.organ_combo.currentData() == w.model.settings().organ_alpha_beta_gy
    w.undo_stack.setClean()


def test_radiobiology_submodules_load_when_used() -> None:
    import sbrt_calc.radiobiology as rb

    assert rb.usc.__name__ == "sbrt_calc.radiobiology.usc" and rb.lq.bed(36.0, 12.0, 10.0) == pytest.approx(79.2)
    with pytest.raises(AttributeError):
        rb.nothing  # noqa: B018


def test_switching_models_back_reuses_views_but_never_stale_numbers(qtbot, window) -> None:  # noqa: ANN001
    from sbrt_calc.radiobiology import lq

    w = window
    w.plot.ensure_canvas()
    w.plot.draw_now()
    w.set_model("lql")
    w.plot.draw_now()
    # an edit made under LQ-L must show under LQ when switching back (the kept LQ results forget the row)
    w.model.setData(w.current_index(0, "total_dose_gy"), "39")
    w.set_model("lq")
    w.plot.draw_now()
    qtbot.wait(10)
    index = w.current_index(0, "bed10_gy")
    assert w.model.data(index, Qt.ItemDataRole.UserRole) == pytest.approx(lq.bed(39.0, 13.0, 10.0))
    assert "LQ-L" not in w.plot.ax.get_title()
    assert [ax.get_visible() for ax in w.plot.figure.axes].count(True) == 1
    offsets = w.plot._handles["up"].get_offsets().tolist() + w.plot._handles["down"].get_offsets().tolist()
    assert [39.0, pytest.approx(lq.bed(39.0, 13.0, 10.0))] in offsets
    w.set_model("lql")
    assert "LQ-L" in w.plot.ax.get_title()
