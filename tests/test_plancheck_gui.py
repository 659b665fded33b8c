"""The Plan check view (issue 14): opening a folder, limits with pass/fail reaching the screen, the
DVH plot, and the name mapping re-running the check and signalling the new inputs."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

pytest.importorskip("pydicom")
pytest.importorskip("PySide6")

from sbrt_calc.gui.plan_check_panel import PlanCheckPanel  # noqa: E402

from sbrt_calc.plancheck.inputs import PlanCheckInputs  # noqa: E402
from sbrt_calc.plancheck.phantom import Phantom, write_phantom  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_phantom(tmp_path, Phantom(shape=(40, 48, 48), cord_distance_mm=40.0, cord_z_mm=(-30.0, 30.0),
                                        lungs_box_mm=(-50.0, 50.0, -50.0, 30.0, -30.0, 30.0),
                                        names={"SpinalCord": "Myelon_2"}))
    return tmp_path


def _column(table, col: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_open_folder_map_a_name_and_see_the_cord_limits(qtbot, folder: Path) -> None:  # type: ignore[no-untyped-def]
    w = PlanCheckPanel()
    qtbot.addWidget(w)
    seen: list[PlanCheckInputs] = []
    w.inputsChanged.connect(seen.append)
    w.open_folder(str(folder))
    assert w.result() is not None and seen and seen[-1].rtplan is not None
    organs, statuses = _column(w.limits_table, 0), _column(w.limits_table, 5)
    assert statuses[organs.index("SpinalCord")] == "not contoured"  # issue 17: listed, not silently absent
    assert "Myelon_2" in w.status.text()  # listed as unmatched
    assert w.canvas is not None and w.figure.axes
    names = _column(w.mapping_table, 0)
    row = names.index("Myelon_2")
    w.mapping_table.item(row, 2).setText("SpinalCord")  # the user maps the name
    assert seen[-1].mapping == {"Myelon_2": "SpinalCord"}
    organs = _column(w.limits_table, 0)
    assert "SpinalCord" in organs
    statuses = _column(w.limits_table, 5)
    assert statuses[organs.index("SpinalCord")] in ("pass", "fail")
    assert w.report_tables() and w.report_tables()[0].title == "Plan check: status"
    assert w.export_button.isEnabled()
    w.export_dvh_csv(str(folder / "dvh.csv"))
    header = (folder / "dvh.csv").read_text().splitlines()[0]
    assert header.startswith("dose_gy,") and "Myelon_2 [cc]" in header
    # one fraction: the same dose fails single-fraction limits, in red on screen
    w.fx_spin.setValue(1)
    w._options_changed()
    assert seen[-1].fractions == 1 and "fail" in _column(w.limits_table, 5)


def test_bad_input_is_shown_not_raised(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    w = PlanCheckPanel()
    qtbot.addWidget(w)
    w.open_folder(str(tmp_path))  # empty folder
    assert "no RTDOSE" in w.status.text() and w.result() is None
    w.set_inputs(PlanCheckInputs(str(tmp_path / "d.dcm"), str(tmp_path / "s.dcm"), prescription_gy=50.0, fractions=5))
    assert "Cannot check" in w.status.text() and w.result() is None


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
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in pypdf.PdfReader(str(pdf)).pages)
    assert "Plan check: organ limits" in text and "Plan check: plan" in text, text[-1500:]
