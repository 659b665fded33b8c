"""The Plan check view (issue 14): opening a folder, limits with pass/fail reaching the screen, the
DVH plot, and the name mapping re-running the check and signalling the new inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pydicom")
pytest.importorskip("PySide6")

import threading  # noqa: E402

from phantoms import SMALL, phantom_copy, phantom_files  # noqa: E402
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from sbrt_calc.gui.plan_check_panel import PlanCheckPanel  # noqa: E402
from sbrt_calc.gui.typed_table_model import StatusRole  # noqa: E402

from sbrt_calc.plancheck.inputs import PlanCheckInputs  # noqa: E402
from sbrt_calc.plancheck.phantom import Phantom  # noqa: E402
from sbrt_calc.table import STATUS_COLOURS, Status  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


MYELON = Phantom(**{**SMALL.__dict__, "names": {"SpinalCord": "Myelon_2"}})


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the phantom (its cord named Myelon_2), written once per process: a test may add files to it."""
    phantom_copy(MYELON, tmp_path)
    return tmp_path


def image_xobjects(page) -> int:  # type: ignore[no-untyped-def]
    """The images a PDF page's resources hold. Not ``len(page.images)``: pypdf parses the whole content stream for
    inline images too (the report writes one text operator per glyph: ~0.7 s a page under --cov); the report's
    images are XObjects, so this count is never larger than pypdf's."""
    xobjects = page["/Resources"].get_object().get("/XObject")
    if xobjects is None:
        return 0
    xobjects = xobjects.get_object()
    return sum(1 for name in xobjects if xobjects[name].get_object().get("/Subtype") == "/Image")


def _column(table, col: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [table.item(r, col).text() for r in range(table.rowCount())]


def _cells(panel: PlanCheckPanel, key: str, col: str) -> list:  # type: ignore[type-arg]
    t = panel.table(key)
    return [] if t is None else t.column(col)


def test_open_folder_map_a_name_and_see_the_cord_limits(qtbot, folder: Path) -> None:  # type: ignore[no-untyped-def]
    w = PlanCheckPanel()
    qtbot.addWidget(w)
    seen: list[PlanCheckInputs] = []
    w.inputsChanged.connect(seen.append)
    (folder / "broken.dcm").write_bytes(b"not DICOM")   # issue 17: a file not read is named among the warnings
    w.open_folder(str(folder))
    assert w.result() is not None and seen and seen[-1].rtplan is not None
    assert str(folder / "broken.dcm") in w.result().warnings[0] and "not read" in w.result().warnings[0]
    organs = [c.text for c in _cells(w, "plan_check_limits", "organ")]
    statuses = _cells(w, "plan_check_limits", "status")
    cord = statuses[organs.index("SpinalCord")]
    assert cord.text == "not contoured" and cord.status is Status.INCOMPLETE  # listed, not silently absent
    assert "Myelon_2" in w.status.text()  # listed as unmatched
    assert w.canvas is not None and w.figure.axes
    names = _column(w.mapping_table, 0)
    row = names.index("Myelon_2")
    w.mapping_table.item(row, 2).setText("SpinalCord")  # the user maps the name
    assert seen[-1].mapping == {"Myelon_2": "SpinalCord"}
    assert w.result() is not None
    organs = [c.text for c in _cells(w, "plan_check_limits", "organ")]
    assert "SpinalCord" in organs
    assert _cells(w, "plan_check_limits", "status")[organs.index("SpinalCord")].status in (Status.PASS, Status.FAIL)
    assert w.report_tables() and w.report_tables()[0].title == "Plan check: status"
    assert w.export_button.isEnabled()
    w.export_dvh_csv(str(folder / "dvh.csv"))
    header = (folder / "dvh.csv").read_text().splitlines()[0]
    assert header.startswith("dose_gy,") and "Myelon_2 [cc]" in header
    # one fraction: the same dose fails single-fraction limits, red on screen by status (never by words)
    w.fx_spin.setValue(1)
    w._options_changed()
    assert w.result() is not None and seen[-1].fractions == 1
    assert Status.FAIL in [c.status for c in _cells(w, "plan_check_limits", "status")]
    model = w.models["plan_check_limits"]
    col = [c.key for c in model.table.columns].index("status")
    fails = [r for r in range(model.rowCount()) if model.index(r, col).data(StatusRole) == "fail"]
    assert fails and model.index(fails[0], col).data(Qt.ItemDataRole.BackgroundRole) is not None


def test_headline_incomplete_amber_fail_red_pass_green(qtbot, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """Issue 17: 'incomplete: N not checked' in amber (never green), 'fail' in red, 'pass' in green only when
    everything was checked (site 'other', HyTEC cord only: 20.6 Gy <= 25.3 Gy in 5 fractions; 50 Gy under a
    54 Gy dose: coverage met). No organ limit evaluated at all (the cord unmatched) is incomplete, not a pass."""
    w = PlanCheckPanel()
    qtbot.addWidget(w)
    w.open_folder(str(folder))  # TG-101, site not given: organs not contoured -> not a pass
    res = w.result()
    assert res.status != "pass"
    text = w.headline.text()
    colour = STATUS_COLOURS[Status(res.status)][0]
    assert colour in w.headline.styleSheet() and STATUS_COLOURS[Status.PASS][0] not in w.headline.styleSheet()
    if res.status == "incomplete":
        assert f"incomplete: {len(res.not_checked)} not checked" in text
    w.set_inputs(PlanCheckInputs(res.inputs.rtdose, res.inputs.rtstruct, prescription_gy=50.0, fractions=5,
                                 constraint_set="hytec_cord", site="other", name_mapping=(("Myelon_2", "SpinalCord"),)))
    res = w.result()
    assert res.status == "pass" and w.headline.text().startswith("Plan check: pass")
    assert STATUS_COLOURS[Status.PASS][0] in w.headline.styleSheet()
    w.set_inputs(PlanCheckInputs(res.inputs.rtdose, res.inputs.rtstruct, prescription_gy=50.0, fractions=5,
                                 constraint_set="hytec_cord", site="other"))  # the cord unmatched: not contoured
    res = w.result()
    assert res.status == "incomplete" and w.headline.text() == (
        f"Plan check: incomplete: {len(res.not_checked)} not checked")
    assert STATUS_COLOURS[Status.INCOMPLETE][0] in w.headline.styleSheet()
    w.set_inputs(PlanCheckInputs(res.inputs.rtdose, res.inputs.rtstruct, prescription_gy=60.0, fractions=5,
                                 constraint_set="hytec_cord", site="other", name_mapping=(("Myelon_2", "SpinalCord"),)))
    res = w.result()  # 60 Gy against a 54 Gy dose: under-coverage
    assert res.status == "fail" and w.headline.text().startswith("Plan check: fail")
    assert STATUS_COLOURS[Status.FAIL][0] in w.headline.styleSheet()


def test_the_check_runs_off_the_gui_thread_with_progress_and_cancel(qtbot, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """The check runs in a worker thread: the GUI thread keeps serving its event loop (a timer ticks while the
    check runs), the progress bar and Cancel show; Cancel leaves no result."""
    w = PlanCheckPanel()
    qtbot.addWidget(w)
    ticks: list[bool] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(w.is_running()))
    timer.start(5)
    w.open_folder(str(folder))
    worker = w._worker
    assert worker is not None and w.is_running() and not w.progress.isHidden() and not w.cancel_button.isHidden()
    qtbot.waitUntil(lambda: not w.is_running(), timeout=60000)
    timer.stop()
    assert worker.thread_id is not None and worker.thread_id != threading.get_ident()
    assert any(ticks), "the GUI thread's event loop did not run while the check ran"
    assert w.result() is not None and w.progress.isHidden()
    w.run_check()
    assert w.is_running()
    w.cancel_check()
    assert w.result() is None and "cancelled" in w.status.text()
    qtbot.waitUntil(lambda: not w._old_workers, timeout=60000)


def test_a_worker_ending_as_it_is_cancelled_is_not_kept_for_good(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A cancel that lands as the worker's thread ends (its state read "running", its ``finished`` emitted right
    after the read: CI saw the cancelled check's worker kept for 60 s) leaves no worker kept; and a worker that has
    already ended is not kept either."""
    from PySide6.QtCore import QObject, QThread, Signal
    from sbrt_calc.gui.result_pane import keep_until_finished

    class EndingAtTheRead(QObject):
        finished = Signal()

        def isRunning(self) -> bool:  # noqa: N802 - QThread's name
            self.finished.emit()  # the thread ends just as its state is read
            return True

    kept: list[object] = []
    keep_until_finished(EndingAtTheRead(), kept)  # type: ignore[arg-type]
    assert kept == []

    class Quick(QThread):
        def run(self) -> None:
            pass

    t = Quick()
    t.start()
    t.wait()
    qtbot.wait(1)
    keep_until_finished(t, kept)
    assert kept == []


def test_names_are_plain_text_and_the_site_is_kept(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A structure named like markup is shown as written (plain-text labels, typed tables); the site field
    goes into the inputs (the case file) and the check; the case's regimen is compared with the plan's."""
    folder = phantom_files(Phantom(**{**SMALL.__dict__, "names": {"SpinalCord": "<b>Cord</b>"}}))["rtdose"].parent
    w = PlanCheckPanel()
    qtbot.addWidget(w)
    seen: list[PlanCheckInputs] = []
    w.inputsChanged.connect(seen.append)
    w.set_case_regimen((60.0, 8))
    w.open_folder(str(folder))   # read only
    assert w.result() is not None
    for label in (w.headline, w.status, w.notes):
        assert label.textFormat() == Qt.TextFormat.PlainText
    assert "<b>Cord</b>" in w.status.text()
    assert "<b>Cord</b>" in [c.text for c in _cells(w, "plan_check_structures", "structure")]
    assert "differs from the case's planned regimen (60 Gy in 8)" in w.status.text()
    w.site_combo.setCurrentIndex(w.site_combo.findData("liver"))
    assert seen[-1].site == "liver" and w.result().site == "liver"
    assert PlanCheckInputs.from_dict(seen[-1].to_dict()).site == "liver"


def test_bad_input_is_shown_not_raised(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    w = PlanCheckPanel()
    qtbot.addWidget(w)
    w.open_folder(str(tmp_path))  # empty folder
    assert "no RTDOSE" in w.status.text() and w.result() is None
    w.set_inputs(PlanCheckInputs(str(tmp_path / "d.dcm"), str(tmp_path / "s.dcm"), prescription_gy=50.0, fractions=5))
    assert w.result() is None and "Cannot check" in w.status.text()


def test_plan_check_tab_is_part_of_the_case_and_its_report(qtbot, window, folder: Path, tmp_path: Path,  # noqa: ANN001
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The app's Plan check tab keeps its inputs (files, name mapping) in the case file, one undo step each;
    a reopened case shows the same check, and the report (app and `sbrt-calc report`) carries its section."""
    import pypdf

    from sbrt_calc.case import load_case
    from sbrt_calc.cli.main import main

    w = window
    w.tabs.setCurrentIndex(3)
    pc = w.plan_check
    assert w.tabs.widget(3) is pc and w.tabs.tabText(3) == "Plan check"
    pc.open_folder(str(folder))
    assert w.sections["plan_check"]["rtdose"] and w.isWindowModified()
    path = tmp_path / "with-plan.sbrt.json"
    assert w.save_to(str(path))
    case = load_case(path)
    assert case.plan_check is not None and case.plan_check.rtplan is not None
    w.act_undo.trigger()
    assert "plan_check" not in w.sections
    w.act_redo.trigger()
    other = type(w)()
    qtbot.addWidget(other)
    assert other.open_path(str(path), ask=False)
    assert other.plan_check.result() is not None and other.plan_check.inputs() == case.plan_check
    pdf = tmp_path / "r.pdf"
    assert main(["report", str(path), "-o", str(pdf)]) == 0
    from pdftext import pdf_text

    reader = pypdf.PdfReader(str(pdf))
    text = pdf_text(pdf)   # PDFium's text (tests/pdftext.py)
    assert "Plan check: organ limits" in text and "Plan check: plan" in text, text[-1500:]
    # issue 17: the headline status and the DVH figure with the limits (beside the BED plot)
    res = other.plan_check.result()
    from sbrt_calc.plancheck.report import banner

    assert text.count(banner(res)[1]) == 1 and "Plan check DVH: limits marked" in text  # the headline banner
    assert sum(image_xobjects(page) for page in reader.pages) >= 2
