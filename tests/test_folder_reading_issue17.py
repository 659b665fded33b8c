"""Issue 17, reading a folder (stop 24): a file that looks like DICOM but could not be read, or was read only
partially, is never skipped silently. ``find_in_folder`` names each one with the reason, ``check-plan --folder``
puts them first among its warnings, and when the folder then lacks an RT Dose or RT Structure Set the one-line
refusal (exit 2) names the files that could not be read. Other files (README.txt, .DS_Store) are skipped
quietly."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pydicom")

from sbrt_calc.cli.main import main  # noqa: E402
from sbrt_calc.plancheck.inputs import PlanCheckInputError, find_in_folder  # noqa: E402
from sbrt_calc.plancheck.phantom import Phantom, write_phantom  # noqa: E402

SMALL = Phantom(shape=(24, 32, 32), cord_distance_mm=30.0, cord_z_mm=(-20.0, 20.0),
                lungs_box_mm=(-35.0, 35.0, -35.0, 25.0, -25.0, 25.0))


@pytest.fixture(scope="module")
def phantom(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_phantom(tmp_path_factory.mktemp("phantom"), SMALL)


def _truncated(src: Path, dst: Path) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: len(data) * 2 // 3])   # cut in the Pixel Data: the header still reads
    return dst


@pytest.fixture(scope="module")
def mixed(phantom: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid plan + a truncated copy of its RT Dose + a 'x.dcm' that cannot be read + non-DICOM files."""
    folder = tmp_path_factory.mktemp("mixed")
    for p in phantom.values():
        shutil.copy(p, folder / p.name)
    _truncated(phantom["rtdose"], folder / "rtdose_copy.dcm")
    (folder / "x.dcm").mkdir()   # raises on read, also as root (chmod 000 does not)
    (folder / "README.txt").write_text("export notes")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    return folder


def test_unread_dicom_files_are_named_with_the_reason(mixed: Path) -> None:
    found = find_in_folder(mixed)
    assert found["rtdose"] == str(mixed / "rtdose.dcm")
    assert "rtdose_parts" not in found   # the damaged copy is never summed as a beam dose
    unread = found["unread"]
    assert len(unread) == 2, unread   # README.txt and .DS_Store quietly
    damaged = next(u for u in unread if "rtdose_copy.dcm" in u)
    assert str(mixed / "rtdose_copy.dcm") in damaged and "RT Dose read only partially" in damaged
    folder_named = next(u for u in unread if "x.dcm" in u)
    assert str(mixed / "x.dcm") in folder_named and "folder" in folder_named
    assert all("\n" not in u for u in unread)


def test_a_read_failure_is_named(phantom: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A transient failure of the reader (monkeypatched: an OSError on one file) is a warning naming it."""
    from sbrt_calc.plancheck import dicom_io

    for p in phantom.values():
        shutil.copy(p, tmp_path / p.name)
    shutil.copy(phantom["rtdose"], tmp_path / "beam2.dcm")
    real = dicom_io.safe_dcmread

    def flaky(path, *a, **kw):  # type: ignore[no-untyped-def]
        if Path(path).name == "beam2.dcm":
            raise OSError(5, "Input/output error")
        return real(path, *a, **kw)

    monkeypatch.setattr(dicom_io, "safe_dcmread", flaky)
    found = find_in_folder(tmp_path)
    assert found["unread"] == (f"{tmp_path / 'beam2.dcm'}: not read (Input/output error)",)
    assert "rtdose_parts" not in found


@dataclass(frozen=True)
class _Result:
    """What the CLI uses of a check result (the check itself is tested elsewhere; this keeps the test fast)."""

    inputs: Any
    warnings: tuple[str, ...]
    status: str = "incomplete"
    not_checked: tuple[str, ...] = ()
    reading_notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "files": {"rtdose": self.inputs.rtdose}, "warnings": list(self.warnings)}


def test_check_plan_folder_warns_first(mixed: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from sbrt_calc.plancheck import grade

    monkeypatch.setattr(grade, "load_plan", lambda inputs: None)
    monkeypatch.setattr(grade, "check_loaded", lambda plan, inputs, **kw: _Result(inputs, ("the check's own warning",)))
    code = main(["check-plan", "--folder", str(mixed), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert len(out["warnings"]) == 3 and out["warnings"][2] == "the check's own warning"
    assert any(str(mixed / "rtdose_copy.dcm") in w for w in out["warnings"][:2])
    assert any(str(mixed / "x.dcm") in w for w in out["warnings"][:2])
    assert out["files"]["rtdose"] == str(mixed / "rtdose.dcm")


def test_folder_whose_only_rt_dose_is_damaged_is_refused_naming_it(phantom: dict[str, Path], tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(phantom["rtstruct"], tmp_path / "rtstruct.dcm")
    shutil.copy(phantom["rtplan"], tmp_path / "rtplan.dcm")
    _truncated(phantom["rtdose"], tmp_path / "rtdose.dcm")
    (tmp_path / "README.txt").write_text("notes")
    with pytest.raises(PlanCheckInputError) as exc:
        find_in_folder(tmp_path)
    assert "no RTDOSE file; could not be read" in str(exc.value)
    assert str(tmp_path / "rtdose.dcm") in str(exc.value)
    assert "README" not in str(exc.value)
    code = main(["check-plan", "--folder", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "no RTDOSE file" in lines[0] and str(tmp_path / "rtdose.dcm") in lines[0] and "partially" in lines[0]


def test_non_dicom_files_alone_are_quiet(phantom: dict[str, Path], tmp_path: Path) -> None:
    for p in phantom.values():
        shutil.copy(p, tmp_path / p.name)
    (tmp_path / "README.txt").write_text("notes")
    (tmp_path / "series").mkdir()
    assert "unread" not in find_in_folder(tmp_path)


def test_a_file_with_the_dicm_prefix_but_no_dcm_name_is_named(phantom: dict[str, Path], tmp_path: Path) -> None:
    for p in phantom.values():
        shutil.copy(p, tmp_path / p.name)
    _truncated(phantom["rtplan"], tmp_path / "RP0001")   # no suffix, as many exports name files
    found = find_in_folder(tmp_path)   # two RT Plans would be refused: the damaged one is not counted
    assert found["rtplan"] == str(tmp_path / "rtplan.dcm")
    assert len(found["unread"]) == 1 and str(tmp_path / "RP0001") in found["unread"][0]
