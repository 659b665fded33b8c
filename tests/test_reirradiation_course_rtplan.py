"""Issue 22 leftover (stop 25): a course's RT Plan in the case file and the app, not only the CLI.

The app's "Course's RT Plan…" fills the course's fraction count and prescription through the core's
:func:`sbrt_calc.reirradiation.courses.course_from_rtplan`, whose count is :func:`course_fractions`' (the one the
CLI's ``--rtplan`` uses); the case file keeps the plan (path and SOP Instance UID), and the run checks the count
against the plan again (a count edited to differ is refused, as on the CLI).
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import pytest

pydicom = pytest.importorskip("pydicom")

from sbrt_calc.errors import SbrtCalcError  # noqa: E402
from sbrt_calc.plancheck.phantom import Phantom, write_phantom  # noqa: E402
from sbrt_calc.reirradiation.courses import ReirradiationError, course_fractions, course_from_rtplan  # noqa: E402
from sbrt_calc.reirradiation.inputs import (  # noqa: E402
    CourseInput,
    ReirradiationInputError,
    ReirradiationInputs,
    run,
)

TINY = Phantom(fractions=5, shape=(12, 16, 16), spacing_mm=4.0, slice_mm=4.0, ptv_radius_mm=12.0,
               gtv_radius_mm=8.0, cord_distance_mm=22.0, cord_radius_mm=4.0, cord_z_mm=(-16.0, 16.0),
               lungs_box_mm=(-30.0, 30.0, -30.0, 20.0, -20.0, 20.0), vertices=32)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return write_phantom(tmp_path_factory.mktemp("course"), TINY)


def test_course_from_the_rt_plan_as_the_cli_reads_it(files: dict[str, Path]) -> None:
    got = course_from_rtplan(files["rtplan"], "course 1")
    plan_uid = str(pydicom.dcmread(str(files["rtplan"])).SOPInstanceUID)
    assert (got.fractions, got.prescription_gy, got.sop_instance_uid) == (5, 54.0, plan_uid)
    assert got.fractions == course_fractions(None, files["rtplan"], "course 1")[0]   # the CLI's function
    assert "5 fractions from the RT Plan rtplan.dcm" in got.note and "prescription 54 Gy" in got.note
    with pytest.raises(SbrtCalcError):
        course_from_rtplan(files["rtdose"], "course 1")   # not an RT Plan: refused


def test_the_case_file_keeps_which_plan(files: dict[str, Path]) -> None:
    c = CourseInput(str(files["rtdose"]), 5, 54.0, str(files["rtplan"]), "1.2.3")
    data = ReirradiationInputs(courses=(c,)).to_dict()
    assert data["courses"][0]["rtplan"] == {"path": str(files["rtplan"]), "sop_instance_uid": "1.2.3"}
    back = ReirradiationInputs.from_dict(data)
    assert back.courses == (c,) and str(files["rtplan"]) in back.files()
    old = ReirradiationInputs.from_dict({"courses": [{"rtdose": "a.dcm", "fractions": 3}]})
    assert old.courses[0].rtplan is None and "rtplan" not in old.to_dict()["courses"][0]   # as before
    for bad, key in (({"path": "p.dcm", "uid": "1"}, "reirradiation.courses[0].rtplan"),
                     ("p.dcm", "reirradiation.courses[0].rtplan"),
                     ({"path": "", "sop_instance_uid": "1"}, "reirradiation.courses[0].rtplan.path")):
        with pytest.raises(ReirradiationInputError) as exc:
            ReirradiationInputs.from_dict({"courses": [{"rtdose": "a.dcm", "fractions": 3, "rtplan": bad}]})
        assert exc.value.field == key, (bad, exc.value.field)


def test_a_count_edited_away_from_the_plan_is_refused_when_run(files: dict[str, Path]) -> None:
    c = CourseInput(str(files["rtdose"]), 3, None, str(files["rtplan"]), "x")
    inputs = ReirradiationInputs(courses=(c, replace(c, fractions=5)), rtstruct=str(files["rtstruct"]))
    with pytest.raises(ReirradiationError, match="differs from the RT Plan rtplan.dcm's Number of Fractions Planned 5"):
        run(inputs)


def test_the_apps_course_row_takes_an_rt_plan(qtbot, files: dict[str, Path], tmp_path: Path) -> None:  # noqa: ANN001
    pytest.importorskip("PySide6")
    from sbrt_calc.gui.reirradiation_panel import ReirradiationPanel

    w = ReirradiationPanel()
    qtbot.addWidget(w)
    seen: list = []
    w.inputsChanged.connect(seen.append)
    assert not w.rtplan_button.isEnabled()   # no course yet
    w.set_course_rtplan(0, str(files["rtplan"]))
    assert "choose a course first" in w.status.text()
    w.add_course(str(files["rtdose"]), fractions=1)
    assert w.rtplan_button.isEnabled()
    w.set_course_rtplan(0, str(files["rtdose"]))   # not a plan: inline, nothing changes
    assert w.inputs().courses[0].fractions == 1 and w.inputs().courses[0].rtplan is None
    assert str(files["rtdose"]) in w.status.text()   # the refusal names the file, inline
    w.set_course_rtplan(0, str(files["rtplan"]))
    c = w.inputs().courses[0]
    plan_uid = str(pydicom.dcmread(str(files["rtplan"])).SOPInstanceUID)
    assert (c.fractions, c.prescription_gy, c.rtplan, c.rtplan_uid) == (5, 54.0, str(files["rtplan"]), plan_uid)
    assert [w.courses_table.item(0, col).text() for col in (1, 2)] == ["5", "54"]
    assert "rtplan.dcm" in w.courses_table.item(0, 1).toolTip()
    assert seen and seen[-1].to_dict()["courses"][0]["rtplan"]["sop_instance_uid"] == plan_uid
    w.cancel(quiet=True)
