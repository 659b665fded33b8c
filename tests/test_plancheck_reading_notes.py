"""Issue 17 leftovers (stop 25): what reading a folder found reaches the check's result through one core function
(:func:`sbrt_calc.plancheck.grade.with_folder_reading`), for the CLI, the app and the PDF alike.

- A skipped file that could have been the plan's dose makes the check "incomplete" (a pass is never claimed on a
  dose that may lack a part), unless the files tell it apart: a damaged copy of the dose used (the same SOP
  Instance UID), or an RT Dose of another RT Plan while the dose used refers to the folder's RT Plan: then the
  reading notes say which dose was used and why.
- Readable DICOM objects a plan check does not use (CT images, registrations) are listed once per kind:
  "not used (CT image, 2 files)".
- The headline is said once: the Status table under it (app, CLI text, PDF) has no "Plan check" headline row.
- The Plan check view and its DVH title name the constraint set by its title, not its key.
"""

from __future__ import annotations

import json
import shutil
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pdftext import untraced

pytest.importorskip("pydicom")

from sbrt_calc.cli.main import main  # noqa: E402
from sbrt_calc.plancheck.grade import check_plan, with_folder_reading  # noqa: E402
from sbrt_calc.plancheck.inputs import PlanCheckInputs, find_in_folder  # noqa: E402
from sbrt_calc.plancheck.phantom import Phantom, _base, write_phantom  # noqa: E402
from sbrt_calc.plancheck.report import status_below_headline, typed_tables  # noqa: E402

SMALL = Phantom(shape=(24, 32, 32), cord_distance_mm=30.0, cord_z_mm=(-20.0, 20.0),
                lungs_box_mm=(-35.0, 35.0, -35.0, 25.0, -25.0, 25.0))
CT_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
REG_STORAGE = "1.2.840.10008.5.1.4.1.1.66.1"


@pytest.fixture(scope="module")
def phantom(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return write_phantom(tmp_path_factory.mktemp("phantom"), SMALL)


@pytest.fixture(scope="module")
def checked(phantom: dict[str, Path]) -> Any:
    """The phantom's real check (once for the module)."""
    return check_plan(PlanCheckInputs(str(phantom["rtdose"]), str(phantom["rtstruct"]), str(phantom["rtplan"])))


def _copy_plan(phantom: dict[str, Path], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for p in phantom.values():
        shutil.copy(p, folder / p.name)
    return folder


def _damaged_dose(phantom: dict[str, Path], dst: Path, *, new_uid: str | None = None,
                  plan_uid: str | None = None) -> Path:
    """A truncated RT Dose (cut in its Pixel Data: the header still reads), optionally another object (another
    SOP Instance UID) and of another RT Plan."""
    import pydicom

    with untraced():   # pydicom's reading and writing: no line of the package
        ds = pydicom.dcmread(str(phantom["rtdose"]))
        if new_uid:
            ds.SOPInstanceUID = new_uid
            ds.file_meta.MediaStorageSOPInstanceUID = new_uid
        if plan_uid:
            ds.ReferencedRTPlanSequence[0].ReferencedSOPInstanceUID = plan_uid
        ds.save_as(str(dst), enforce_file_format=True)
    data = dst.read_bytes()
    dst.write_bytes(data[: len(data) * 2 // 3])
    return dst


def _other_object(folder: Path, name: str, modality: str, sop_class: str, uid: str) -> None:
    ds = _base(modality, sop_class, uid, "1.2.826.0.1.3680043.8.498.14.99")
    ds.save_as(str(folder / name), enforce_file_format=True)


def test_dicom_objects_not_used_are_listed_once_per_kind(phantom: dict[str, Path], tmp_path: Path) -> None:
    folder = _copy_plan(phantom, tmp_path / "f")
    _other_object(folder, "CT1.dcm", "CT", CT_STORAGE, "1.2.826.0.1.3680043.8.498.25.1")
    _other_object(folder, "CT2.dcm", "CT", CT_STORAGE, "1.2.826.0.1.3680043.8.498.25.2")
    _other_object(folder, "REG.dcm", "REG", REG_STORAGE, "1.2.826.0.1.3680043.8.498.25.3")
    found = find_in_folder(folder)
    assert found["reading_notes"] == ("not used (CT image, 2 files)", "not used (spatial registration, 1 file)")
    assert "unread" not in found and "dose_doubts" not in found


def test_a_damaged_copy_of_the_dose_used_is_told_apart(phantom: dict[str, Path], tmp_path: Path,
                                                       checked: Any) -> None:
    folder = _copy_plan(phantom, tmp_path / "f")
    _damaged_dose(phantom, folder / "rtdose_copy.dcm")
    found = find_in_folder(folder)
    assert "dose_doubts" not in found
    assert found["reading_notes"] == ("rtdose_copy.dcm skipped: a damaged copy of rtdose.dcm (the same SOP Instance "
                                      "UID); rtdose.dcm was used",)
    passed = replace(checked, inputs=replace(checked.inputs, rtdose=found["rtdose"]), status="pass",
                     not_checked=(), failures=())
    res = with_folder_reading(passed, found)
    assert res.status == "pass" and res.reading_notes == found["reading_notes"]
    assert str(folder / "rtdose_copy.dcm") in res.warnings[0]   # still warned, never silent


def test_a_damaged_rt_dose_of_the_same_plan_makes_a_pass_incomplete(phantom: dict[str, Path], tmp_path: Path,
                                                                    checked: Any) -> None:
    folder = _copy_plan(phantom, tmp_path / "f")
    _damaged_dose(phantom, folder / "beam2.dcm", new_uid="1.2.826.0.1.3680043.8.498.25.10")
    found = find_in_folder(folder)
    (doubt,) = found["dose_doubts"]
    assert doubt.startswith("dose may be incomplete: beam2.dcm was skipped (read only partially)")
    assert "an RT Dose of the same RT Plan" in doubt
    inputs = replace(checked.inputs, rtdose=found["rtdose"])
    res = with_folder_reading(replace(checked, inputs=inputs, status="pass", not_checked=(), failures=()), found)
    assert res.status == "incomplete" and res.not_checked == (doubt,)
    assert res.as_dict()["status"] == "incomplete" and doubt in res.as_dict()["not_checked"]
    failed = with_folder_reading(replace(checked, inputs=inputs, status="fail", failures=("x",)), found)
    assert failed.status == "fail" and doubt in failed.not_checked
    # another RT Dose checked (chosen by hand): the folder's doubt is not about it
    other = with_folder_reading(replace(checked, inputs=replace(inputs, rtdose="/elsewhere/rd.dcm"), status="pass",
                                        not_checked=()), found)
    assert other.status == "pass" and not other.not_checked


def test_a_damaged_rt_dose_of_another_plan_is_told_apart(phantom: dict[str, Path], tmp_path: Path) -> None:
    folder = _copy_plan(phantom, tmp_path / "f")
    _damaged_dose(phantom, folder / "old.dcm", new_uid="1.2.826.0.1.3680043.8.498.25.11",
                  plan_uid="1.2.826.0.1.3680043.8.498.25.12")
    found = find_in_folder(folder)
    assert "dose_doubts" not in found
    (note,) = found["reading_notes"]
    assert note.startswith("old.dcm skipped: it refers to another RT Plan (1.2.826.0.1.3680043.8.498.25.12); "
                           "rtdose.dcm was used: it refers to the folder's RT Plan rtplan.dcm (")


@pytest.mark.parametrize("case", ["unreadable", "no plan"])
def test_ambiguous_skipped_files_make_the_dose_doubtful(phantom: dict[str, Path], tmp_path: Path, case: str) -> None:
    folder = _copy_plan(phantom, tmp_path / "f")
    if case == "unreadable":
        (folder / "RD.beam3.dcm").write_bytes(b"\x00" * 64)
        why = "(could not be read); its kind could not be read: it may be a dose of this plan"
    else:
        (folder / "rtplan.dcm").unlink()
        _damaged_dose(phantom, folder / "beam2.dcm", new_uid="1.2.826.0.1.3680043.8.498.25.13")
        why = "(read only partially); an RT Dose, and the folder has no RT Plan to tell which dose is the plan's"
    (doubt,) = find_in_folder(folder)["dose_doubts"]
    assert doubt.startswith("dose may be incomplete: ") and doubt.endswith(why)


def _checked_without_reading(monkeypatch: pytest.MonkeyPatch, checked: Any) -> None:
    """The module's one real check stands in for the check of the copied folder (the same files): keeps the
    tests fast; the folder's reading is what they test (check_plan itself still reads the folder and applies it)."""
    from sbrt_calc.plancheck import grade

    monkeypatch.setattr(grade, "load_plan", lambda inputs: None)
    monkeypatch.setattr(grade, "check_loaded", lambda plan, inputs, **kw: replace(checked, inputs=inputs))


def test_cli_json_and_text_carry_the_reading(phantom: dict[str, Path], tmp_path: Path, checked: Any,
                                             capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _checked_without_reading(monkeypatch, checked)
    folder = _copy_plan(phantom, tmp_path / "f")
    _other_object(folder, "CT1.dcm", "CT", CT_STORAGE, "1.2.826.0.1.3680043.8.498.25.1")
    _damaged_dose(phantom, folder / "beam2.dcm", new_uid="1.2.826.0.1.3680043.8.498.25.10")
    code = main(["check-plan", "--folder", str(folder), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["status"] in ("incomplete", "fail")
    assert out["reading_notes"] == ["not used (CT image, 1 file)"]
    assert any(n.startswith("dose may be incomplete: beam2.dcm") for n in out["not_checked"])
    assert str(folder / "beam2.dcm") in out["warnings"][0]
    code = main(["check-plan", "--folder", str(folder)])
    text = capsys.readouterr().out
    assert code == 1 and text.count("PLAN CHECK: ") == 1
    said = text.splitlines()[0].removeprefix("PLAN CHECK: ").lower()   # e.g. "fail: 2 failed; 9 not checked"
    assert "not used (CT image, 1 file)" in text and "dose may be incomplete: beam2.dcm" in text
    status_block = text.split("Plan check: status", 1)[1].split("\n\n", 1)[0]
    assert said not in status_block and "\nPlan check " not in status_block   # the headline once


def test_the_status_table_under_the_headline_drops_the_headline_row(checked: Any) -> None:
    status = next(t for t in typed_tables(checked) if t.key == "plan_check_status")
    assert status.rows[0][0].text == "Plan check"   # the typed table (JSON of the evaluation) keeps it
    shown = status_below_headline(status)
    assert [r[0].text for r in shown.rows] == [r[0].text for r in status.rows[1:]]
    passed = status_below_headline(typed_tables(replace(checked, status="pass", not_checked=(), failures=()))[0])
    assert [[c.text for c in r] for r in passed.rows] == [["Failed", "none"], ["Not checked", "none"]]


def test_reading_notes_are_rows_of_the_plan_table(checked: Any) -> None:
    res = replace(checked, reading_notes=("not used (CT image, 2 files)",))
    plan = next(t for t in typed_tables(res) if t.key == "plan_check_plan")
    assert ["Reading", "not used (CT image, 2 files)"] in [[c.text for c in r] for r in plan.rows]


def test_the_dvh_title_names_the_set_by_its_title(checked: Any) -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    from sbrt_calc.plancheck.plotdata import draw_dvh

    title = draw_dvh(Figure(), checked).get_title()
    assert "AAPM TG-101 (2010), Table III" in title and "tg101" not in title


def test_the_view_names_sets_by_title_and_says_the_headline_once(qtbot, phantom: dict[str, Path],  # type: ignore[no-untyped-def]
                                                                 tmp_path: Path, checked: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("PySide6")
    _checked_without_reading(monkeypatch, checked)
    from sbrt_calc.gui.plan_check_panel import PlanCheckPanel

    folder = _copy_plan(phantom, tmp_path / "f")
    _other_object(folder, "CT1.dcm", "CT", CT_STORAGE, "1.2.826.0.1.3680043.8.498.25.1")
    _damaged_dose(phantom, folder / "beam2.dcm", new_uid="1.2.826.0.1.3680043.8.498.25.10")
    w = PlanCheckPanel()
    qtbot.addWidget(w)
    items = [(w.set_combo.itemText(i), w.set_combo.itemData(i)) for i in range(w.set_combo.count())]
    assert ("AAPM TG-101 (2010), Table III", "tg101") in items and all(t != k for t, k in items)
    assert w.set_combo.currentData() == "tg101" and w.set_combo.currentText() == "AAPM TG-101 (2010), Table III"
    w.open_folder(str(folder))
    res = w.result()
    assert res is not None and res.status != "pass"
    assert any(n.startswith("dose may be incomplete: beam2.dcm") for n in res.not_checked)
    assert res.reading_notes == ("not used (CT image, 1 file)",)
    status = w.table("plan_check_status")
    assert "Plan check" not in [r[0].text for r in status.rows]
    assert any("dose may be incomplete" in r[1].text for r in status.rows)
    assert w.headline.text().startswith("Plan check: ")
    plan = w.table("plan_check_plan")
    assert ["Reading", "not used (CT image, 1 file)"] in [[c.text for c in r] for r in plan.rows]
    assert "AAPM TG-101 (2010), Table III" in w.figure.axes[0].get_title()
    w.open_file("rtdose", str(phantom["rtdose"]))   # a file chosen by hand: the folder's reading no longer applies
    res = w.result()
    assert res.reading_notes == () and not any("beam2.dcm" in n for n in res.not_checked)


def test_a_saved_case_reads_its_folder_again(phantom: dict[str, Path], tmp_path: Path, checked: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A check of a folder saved with the case (``plan_check.folder``) and evaluated again (``sbrt-calc report``,
    ``compare --case``, the app reopening the case) reads the folder again: the damaged RT Dose of the same plan
    still makes the check incomplete. Before, the case kept only the files: the report's check of the same plan
    passed where the app had said incomplete (stop 25's note)."""
    _checked_without_reading(monkeypatch, checked)
    from sbrt_calc.case import Case, CaseSettings, load_case, save_case
    from sbrt_calc.evaluation import evaluate

    folder = _copy_plan(phantom, tmp_path / "f")
    _damaged_dose(phantom, folder / "beam2.dcm", new_uid="1.2.826.0.1.3680043.8.498.25.10")
    _other_object(folder, "CT1.dcm", "CT", CT_STORAGE, "1.2.826.0.1.3680043.8.498.25.1")
    found = find_in_folder(folder)
    inputs = PlanCheckInputs(found["rtdose"], found["rtstruct"], found.get("rtplan"), folder=str(folder))
    assert PlanCheckInputs.from_dict(inputs.to_dict()) == inputs and inputs.to_dict()["folder"] == str(folder)
    with pytest.raises(Exception, match="plan_check.folder must be text or null"):
        PlanCheckInputs(found["rtdose"], found["rtstruct"], folder=" ")
    results = {}
    for key, pc in (("folder", inputs), ("files", replace(inputs, folder=None))):
        path = save_case(Case(title="t", settings=CaseSettings(), sections={"plan_check": pc.to_dict()}),
                         tmp_path / f"{key}.sbrt.json")
        ev = evaluate(load_case(path))
        assert ev.plan_check is not None and ev.plan_check.result is not None
        results[key] = ev.plan_check.result
    res = results["folder"]
    assert res.status != "pass" and any(n.startswith("dose may be incomplete: beam2.dcm") for n in res.not_checked)
    assert res.reading_notes == ("not used (CT image, 1 file)",)
    assert any(str(folder / "beam2.dcm") in w for w in res.warnings)
    # the files alone, as saved before: nothing said of the folder (the gap this closes)
    assert not any("beam2.dcm" in n for n in results["files"].not_checked) and results["files"].reading_notes == ()


def test_the_app_saves_the_folder_and_reads_it_again_on_reopening(qtbot, phantom: dict[str, Path],  # type: ignore[no-untyped-def]
                                                                  tmp_path: Path, checked: Any,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Open folder… keeps the folder in the check's inputs (saved with the case); a file chosen by hand drops it;
    a panel given the saved inputs (a reopened case, no reading of its own) gets the folder's doubts again."""
    pytest.importorskip("PySide6")
    _checked_without_reading(monkeypatch, checked)
    from sbrt_calc.gui.plan_check_panel import PlanCheckPanel

    folder = _copy_plan(phantom, tmp_path / "f")
    _damaged_dose(phantom, folder / "beam2.dcm", new_uid="1.2.826.0.1.3680043.8.498.25.10")
    w = PlanCheckPanel()
    qtbot.addWidget(w)
    w.open_folder(str(folder))
    qtbot.waitUntil(lambda: w.result() is not None, timeout=10000)
    saved = w.inputs()
    assert saved is not None and saved.folder == str(folder)
    reopened = PlanCheckPanel()
    qtbot.addWidget(reopened)
    reopened.set_inputs(PlanCheckInputs.from_dict(saved.to_dict()))
    qtbot.waitUntil(lambda: reopened.result() is not None, timeout=10000)
    res = reopened.result()
    assert res.status != "pass" and any(n.startswith("dose may be incomplete: beam2.dcm") for n in res.not_checked)
    w.open_file("rtstruct", str(phantom["rtstruct"]))
    assert w.inputs() is not None and w.inputs().folder is None
