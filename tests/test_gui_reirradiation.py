"""The Re-irradiation view (issue 22): courses added with their fraction counts, the summed result reaching the
screen (limits, largest new course, structures' alpha/beta, cumulative DVH), exports through the atomic writer,
bad input shown inline, cancel, the case section with undo, and the report using the view's result.

One main window for the module (offscreen). Doses are uniform, so the expected values follow from the LQ
formula EQD2 = D (d + a/b) / (2 + a/b) (Fowler JF, Br J Radiol 1989;62:679-694) and the thecal sac limits of
presets/reirradiation.toml (HyTEC, Sahgal 2012: new course EQD2 Dmax <= 25 Gy).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pydicom = pytest.importorskip("pydicom")
pytest.importorskip("PySide6")

from test_reirradiation import ROIS, lq, write_dose, write_struct  # noqa: E402

from sbrt_calc.reirradiation.evaluate import ASSUMPTIONS  # noqa: E402
from sbrt_calc.reirradiation.inputs import CourseInput, ReirradiationInputs  # noqa: E402
from sbrt_calc.table import STATUS_COLOURS, Status  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("reirr_gui")
    return {"old": write_dose(d / "old.dcm", lambda x, y, z: 20.0 + 0 * x),
            "new": write_dose(d / "new.dcm", lambda x, y, z: 9.0 + 0 * x),
            "rs": write_struct(d / "rs.dcm", ROIS), "dir": d}


@pytest.fixture(scope="module")
def window(qapp: Any) -> Iterator[Any]:  # noqa: ANN401
    from sbrt_calc.gui.main_window import MainWindow

    w = MainWindow()
    w.show()
    yield w
    w.state.modified = False if hasattr(w.state, "modified") else None
    w.undo_stack.setClean()
    w.close()
    w.deleteLater()


@pytest.fixture(scope="module")
def panel(window: Any, files: dict[str, Path]) -> Any:  # noqa: ANN401
    """The view, filled as a user would: two courses (the second's fraction count typed), the structure set,
    the options; the result waited for."""
    p = window.reirradiation
    seen: list[Any] = []
    p.inputsChanged.connect(seen.append)
    p.add_course(str(files["old"]), 5)
    assert "Still needed: 1 more course" in p.status.text() and p.result() is None
    p.add_course(str(files["new"]))                  # takes the previous count (5) until edited
    assert p.inputs().courses[1].fractions == 5
    p.courses_table.item(1, 1).setText("3")           # the user types the new course's fraction count
    assert p.inputs().courses[1] == CourseInput(str(files["new"]), 3)
    assert "Structure Set" in p.status.text()
    p.set_rtstruct(str(files["rs"]))
    p.fractions_edit.setText("3, 5")
    p.interval_spin.setValue(8.0)
    p._options_changed()
    assert p.result() is not None
    p.seen = tuple(seen)   # what the fill emitted (the module's later tests emit more: the undo of their edits not)
    return p


def test_view_shows_the_summed_courses(panel: Any, window: Any, files: dict[str, Path]) -> None:  # noqa: ANN401
    assert panel.inputs() == ReirradiationInputs((CourseInput(str(files["old"]), 5), CourseInput(str(files["new"]), 3)),
                                                 str(files["rs"]), None, (3, 5), 8.0, "lq")
    assert panel.seen[-1] == panel.inputs()
    assert not panel.headline.isHidden() and panel.headline.text().startswith("Re-irradiation: PASS")
    lim = panel.table("reirradiation_limits")
    assert {c.status for c in lim.column("status")} == {Status.PASS}
    assert {c.text for c in lim.column("sensitivity")} == {"holds in all"}
    cum = next(r for r in lim.rows if r[1].text == "cumulative EQD2 Dmax")
    assert cum[2].value == pytest.approx(lq(20, 5, 2) + lq(9, 3, 2), rel=1e-5)
    big = panel.table("reirradiation_largest")
    assert [c.value for c in big.column("fractions")] == [3, 5]
    assert {c.text for c in big.column("limiting")} == {"SpinalCanal"}
    scale3 = big.column("scale")[0].value
    assert lq(9 * scale3, 3, 2) == pytest.approx(25.0, rel=1e-6)   # the new course's limit binds
    st = panel.table("reirradiation_structures")
    ab = dict(zip([c.text for c in st.column("structure")], [c.value for c in st.column("alpha_beta")], strict=True))
    assert ab == {"SpinalCanal": 2.0, "PTV_9": 10.0, "Lungs": 3.0}
    assert [c.text for c in panel.table("reirradiation_assumptions").column("assumption")] == list(ASSUMPTIONS)
    from sbrt_calc.reirradiation.tables import TERMS

    assert panel.table("reirradiation_assumptions").notes == (TERMS,) and "does not classify" in TERMS
    lines = panel.figure.axes[0].lines   # three cumulative DVHs and the thecal sac's cumulative limit at 70 Gy
    assert len(lines) == 4 and list(lines[3].get_xdata()) == [70.0, 70.0]
    # the case holds the section; the report uses the view's result (the courses are not read again)
    assert window.state.case().reirradiation == panel.inputs()
    ev = window.tabs_controller.reirradiation_evaluation()
    assert ev is not None and ev.result is panel.result()
    from sbrt_calc.report.sources import content_from_case

    content = content_from_case(window.state.case(), reirradiation=ev)
    assert content.evaluation.reirradiation is ev


def test_exports_and_refusals_inline(panel: Any, files: dict[str, Path]) -> None:  # noqa: ANN401
    assert panel.export_dose_button.isEnabled() and panel.export_csv_button.isEnabled()
    out = files["dir"] / "sum.dcm"
    panel._export("summed EQD2 RT Dose", panel.export_eqd2_dose, str(out))
    assert "Wrote the summed EQD2 RT Dose" in panel.status.text()
    ds = pydicom.dcmread(out)
    assert ds.DoseType == "EFFECTIVE" and ds.FrameOfReferenceUID == pydicom.dcmread(files["new"]).FrameOfReferenceUID
    csv = files["dir"] / "dvh.csv"
    panel._export("cumulative DVHs", panel.export_dvh_csv, str(csv))
    assert csv.read_text().splitlines()[0] == "dose_gy,SpinalCanal [cc],PTV_9 [cc],Lungs [cc]"
    before = files["new"].read_bytes()
    for fn in (panel.export_eqd2_dose, panel.export_dvh_csv):   # never over an input: one red line, no dialog
        panel._export("x", fn, str(files["new"]))
        assert panel.status.text().startswith(f"Cannot write {files['new']}")
        assert STATUS_COLOURS[Status.FAIL][0] in panel.status.styleSheet()
    assert files["new"].read_bytes() == before


def test_bad_input_is_inline_and_nothing_changes(panel: Any, files: dict[str, Path]) -> None:  # noqa: ANN401
    good = panel.inputs()
    panel.courses_table.item(0, 1).setText("0")
    assert "fraction" in panel.status.text() and "1 to 100" in panel.status.text()
    assert STATUS_COLOURS[Status.FAIL][0] in panel.status.styleSheet()
    assert panel.inputs() == good and panel.courses_table.item(0, 1).text() == "5"
    panel.courses_table.item(1, 2).setText("abc")
    assert "prescription" in panel.status.text() and panel.inputs() == good
    panel.fractions_edit.setText("3 x")
    panel._options_changed()
    assert "'x' is not a whole number" in panel.status.text() and panel.inputs() == good
    panel.fractions_edit.setText("3 5")
    # a file that is not an RT Dose: the run fails with one line, shown in the view
    bad = files["dir"] / "not_dicom.dcm"
    bad.write_text("hello")
    panel.set_inputs(ReirradiationInputs((CourseInput(str(bad), 5), good.courses[1]), good.rtstruct))
    assert panel.result() is None
    assert panel.status.text().startswith("Cannot sum these courses:") and "not_dicom.dcm" in panel.status.text()
    assert not panel.export_dose_button.isEnabled()
    panel.set_inputs(good)
    assert panel.result() is not None


def test_cancel_then_run_again(panel: Any, qapp: Any) -> None:  # noqa: ANN401
    panel.run()
    assert panel.is_running() or panel._worker is not None
    panel.cancel()
    assert panel.status.text() == "Cancelled." and panel.result() is None and panel.headline.isHidden()
    for w in list(panel._old_workers):
        w.wait()
    qapp.processEvents()
    assert panel.status.text() == "Cancelled."       # the cancelled run's end shows nothing
    panel.run()
    assert panel.result() is not None and not panel.headline.isHidden()


def test_section_edits_are_undoable(panel: Any, window: Any, files: dict[str, Path]) -> None:  # noqa: ANN401
    before = panel.inputs()
    panel.model_combo.setCurrentIndex(panel.model_combo.findData("lql"))
    assert panel.inputs().model == "lql" and window.state.case().reirradiation.model == "lql"
    window.undo_stack.undo()
    assert window.state.case().reirradiation == before and panel.inputs() == before
    assert panel.model_combo.currentData() == "lq"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert panel.result() is not None


def test_no_new_plan_shows_the_largest_uniform_prescription(panel: Any, window: Any) -> None:  # noqa: ANN401
    before = panel.inputs()
    panel.no_plan_check.setChecked(True)      # both courses are earlier ones now
    assert panel.inputs().new_plan is False and window.state.case().reirradiation.new_plan is False
    assert [panel.courses_table.item(i, 3).text() for i in range(2)] == ["previous", "previous"]
    assert panel.result() is not None and not panel.result().new_plan
    t = panel.table("reirradiation_largest")
    assert t.title == "Re-irradiation: the largest uniform prescription to the target"
    assert {c.text for c in t.column("target")} == {"PTV_9"} and all(c.value for c in t.column("prescription"))
    assert "no new plan yet" in panel.headline.text()
    # the target: every PTV by default; the structures of the result to choose from; hidden with a new plan
    combo = panel.target_combo
    assert not combo.isHidden() and combo.currentData() is None
    assert [combo.itemData(i) for i in range(1, combo.count())] == ["SpinalCanal", "PTV_9", "Lungs"]
    combo.setCurrentIndex(combo.findData("Lungs"))   # a target meeting the canal too (it surrounds it)
    assert panel.inputs().target == "Lungs" and window.state.case().reirradiation.target == "Lungs"
    assert panel.result() is not None and panel.result().target == "Lungs"
    assert {c.text for c in panel.table("reirradiation_largest").column("target")} == {"Lungs"}
    window.undo_stack.undo()
    assert panel.inputs().target is None and combo.currentData() is None
    window.undo_stack.undo()
    assert panel.inputs() == before and not panel.no_plan_check.isChecked() and combo.isHidden()
    assert panel.result() is not None
