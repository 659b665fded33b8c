"""The app's report fields and file defaults (issue 21, "The report"): the patient reference, "prepared by" and
"checked by" are kept with the case (saved, reopened, offered again, undoable); Save As and Export propose the
user's documents folder with a plain file name, not the folder of an example that was opened. One window for
the module."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QStandardPaths  # noqa: E402
from PySide6.QtWidgets import QFileDialog, QMessageBox  # noqa: E402
from sbrt_calc.gui import settings  # noqa: E402
from sbrt_calc.gui.report_export import ReportExportDialog  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
#: the app's own, taken before the module's window patches ``settings.documents_dir`` for the tests that use it
DOCUMENTS_DIR = settings.documents_dir
PEOPLE = {"patient_reference": "PR-9", "prepared_by": "Dr A", "checked_by": "Phys B"}


@pytest.fixture(scope="module")
def win(qapp, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN001, ANN201
    """One shown main window, its settings, data and documents folders isolated."""
    from sbrt_calc.gui.main_window import MainWindow

    root = tmp_path_factory.mktemp("people")
    with pytest.MonkeyPatch.context() as mp:
        for name in ("settings", "data", "Documents"):
            (root / name).mkdir()
        mp.setenv("SBRT_CALC_SETTINGS_DIR", str(root / "settings"))
        mp.setenv("SBRT_CALC_DATA_DIR", str(root / "data"))
        mp.setattr(settings, "documents_dir", lambda: root / "Documents")
        mp.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
        mp.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Ok))
        w = MainWindow()
        w.show()
        yield w, root
        w.undo_stack.setClean()
        w.close()
        w.deleteLater()


def test_documents_folder_is_qts_documents_location() -> None:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert DOCUMENTS_DIR() in ({Path(folder)} if folder and Path(folder).is_dir() else {Path.home()})


def test_plain_file_names() -> None:
    assert settings.plain_file_stem("case_egfr_bone (eligibility case)") == "case_egfr_bone"
    assert settings.plain_file_stem("Left adrenal, oligoprogression") == "Left-adrenal-oligoprogression"
    assert settings.plain_file_stem("36/3 spine") == "36-3-spine"
    assert settings.plain_file_stem("a.sbrt.json") == "a"
    assert settings.plain_file_stem("  ") == "case"


def test_save_as_and_export_propose_documents_with_a_plain_name(win, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """An example opened from examples/ (a TOML: a new case): Save As, the report and the CSV propose
    <Documents>/case_egfr_bone... (before: examples/case_egfr_bone (eligibility case).sbrt.json)."""
    w, root = win
    assert w.open_path(str(EXAMPLES / "case_egfr_bone.toml"), ask=False)
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda _p, _c, path, *_a: asked.append(path)
                                                                     or ("", "")))
    assert not w.save_as()
    w.export_csv()
    captured: list[str] = []
    monkeypatch.setattr(ReportExportDialog, "exec", lambda self: captured.append(self.path_edit.text()) or 0)
    w.export_report()
    assert asked[0] == str(root / "Documents" / "case_egfr_bone.sbrt.json")
    assert asked[1] == str(root / "Documents" / "case_egfr_bone-regimens.csv")
    assert captured == [str(root / "Documents" / "case_egfr_bone-report.pdf")]


def test_people_are_kept_with_the_case(win, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """Export with the people filled: the case is modified (undoable), saved with a ``report`` section, offered
    again by the next export dialog, and back after reopening the file. The report's content is taken where the
    PDF writer receives it (no PDF rendered: the people's lines in the PDF itself are read by
    ``test_gui_issue13.py::test_report_dialog_people_fields_reach_the_pdf``)."""
    import sbrt_calc.report.pdf as pdf

    written: list = []

    def write_report_pdf(content, path, page_size="A4", figure_png=None):  # noqa: ANN001, ANN202
        written.append(content)
        return Path(path)

    def people_of(content) -> dict[str, str]:  # noqa: ANN001
        return {k: getattr(content, k) for k in PEOPLE}

    monkeypatch.setattr(pdf, "write_report_pdf", write_report_pdf)
    w, _ = win
    w.new_case(ask=False)
    dlg = ReportExportDialog(w.case_title, w.identifier, str(tmp_path / "r.pdf"), w)
    qtbot.addWidget(dlg)
    dlg.patient_edit.setText(PEOPLE["patient_reference"])
    dlg.prepared_edit.setText(PEOPLE["prepared_by"])
    dlg.checked_edit.setText(PEOPLE["checked_by"])
    assert w.export_report(dialog=dlg) == str(tmp_path / "r.pdf")
    assert people_of(written[-1]) == PEOPLE                # what the PDF is written from
    assert w.state.report_people == PEOPLE and not w.undo_stack.isClean()
    saved = tmp_path / "c.sbrt.json"
    assert w.save_to(str(saved))
    assert json.loads(saved.read_text())["report"] == PEOPLE
    w.new_case(ask=False)
    assert w.state.report_people == {}
    assert w.open_path(str(saved), ask=False)
    assert w.state.report_people == PEOPLE
    again = ReportExportDialog(w.case_title, w.identifier, "x.pdf", w, people=w.state.report_people)
    qtbot.addWidget(again)
    assert again.values()["people"] == PEOPLE
    dlg2 = ReportExportDialog(w.case_title, w.identifier, str(tmp_path / "r2.pdf"), w, people=PEOPLE)
    qtbot.addWidget(dlg2)
    dlg2.checked_edit.setText("")
    assert w.export_report(dialog=dlg2) == str(tmp_path / "r2.pdf")
    assert people_of(written[-1]) == {**PEOPLE, "checked_by": ""} and len(written) == 2
    assert "checked_by" not in w.state.report_people
    w.act_undo.trigger()
    assert w.state.report_people == PEOPLE
