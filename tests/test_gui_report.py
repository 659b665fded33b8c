"""Export from the app: the PDF report (pypdf text), CSV, the clipboard, and the CLI on a GUI-saved case."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import csv  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QApplication, QFileDialog  # noqa: E402
from sbrt_calc.gui.main_window import MainWindow  # noqa: E402
from sbrt_calc.gui.report_export import ReportExportDialog  # noqa: E402

from sbrt_calc import __version__  # noqa: E402
from sbrt_calc.cli.main import main as cli_main  # noqa: E402
from sbrt_calc.planning.section import PlanningInputs  # noqa: E402


def pages_text(path: Path) -> list[str]:
    from pdftext import pages_text as text

    return text(path)


def fill(w: MainWindow) -> None:
    e = w.eligibility
    for key, value in (("therapy_class", "tki"), ("driver", "EGFR"), ("months_on_therapy", 14.0), ("ecog", 1),
                       ("other_disease_controlled", True), ("cns_imaging_done", True)):
        e.set_value(key, value)
    e.add_lesion("adrenal")
    w.send_lesion_to_planning(0)
    w.planning.set_inputs(PlanningInputs("tg101", None, w.planning.inputs.regimen, 0, 20.0, 6.0, 55.0, 1.1))


def test_export_pdf_from_the_dialog(qtbot, window: MainWindow, tmp_path: Path) -> None:  # noqa: ANN001
    w = window
    fill(w)
    out = tmp_path / "report.pdf"
    dlg = ReportExportDialog(w.case_title, w.identifier, str(tmp_path / "ignored.pdf"), w)
    qtbot.addWidget(dlg)
    dlg.title_edit.setText("Left adrenal")
    dlg.identifier_edit.setText("case-0042")
    dlg.page_combo.setCurrentIndex(dlg.page_combo.findData("Letter"))
    dlg.path_edit.setText(str(out.with_suffix("")))        # the suffix is added
    assert w.export_report(dialog=dlg) == str(out)
    assert (w.case_title, w.identifier) == ("Left adrenal", "case-0042")   # undoable case details
    reader = pypdf.PdfReader(str(out))
    assert len(reader.pages) >= 2
    assert round(float(reader.pages[0].mediabox.height)) == 792
    text = " ".join(pages_text(out))
    for row in w.model.rows():
        assert row.label in text, row.label
    for needle in ("Left adrenal", "case-0042", f"sbrt-calc {__version__}", "oligoprogression", "adrenal",
                   "Planning inputs", "#1 adrenal, progressing", "Organ-at-risk limits", "major",
                   "Conformity and dose fall-off: PTV 20 cm3", "radiobiology.toml", "decision support"):
        assert needle in text, needle
    w.act_undo.trigger()
    assert w.case_title == "Untitled case" and w.identifier is None


def test_export_errors_are_reported(window: MainWindow, tmp_path: Path, warnings: list) -> None:
    assert window.export_report(str(tmp_path / "missing" / "r.pdf"), "A4") is None
    assert warnings and "Cannot export report" in warnings[-1][0]


def test_csv_and_clipboard(window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = window
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(tmp_path / "t.csv"), "")))
    w.act_export_csv.trigger()
    with open(tmp_path / "t.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "Regimen" and any("[Gy]" in h for h in rows[0])
    assert [r[0] for r in rows[1:]] == [r.label for r in w.model.rows()]
    assert "79.2" in rows[1]
    w.select_row(0)
    w.table.setFocus()
    text = w.copy_selection()
    lines = text.splitlines()
    assert len(lines) == 2 and lines[0].split("\t") == rows[0] and lines[1].split("\t") == rows[1]
    assert QApplication.clipboard().text() == text


def test_cli_report_of_a_gui_saved_case(window: MainWindow, tmp_path: Path) -> None:
    w = window
    fill(w)
    w.planning.set_inputs(PlanningInputs("tg101", 4, w.planning.inputs.regimen, 0, 20.0, 6.0,
                                         cumulative=None))
    path = tmp_path / "gui.sbrt.json"
    assert w.save_to(str(path))
    out = tmp_path / "cli.pdf"
    assert cli_main(["report", str(path), "-o", str(out)]) == 0
    text = " ".join(pages_text(out))
    for needle in ("oligoprogression", "Planning inputs", "#1 adrenal, progressing", "LQ-converted, not the source's",
                   "Conformity and dose fall-off"):
        assert needle in text, needle
