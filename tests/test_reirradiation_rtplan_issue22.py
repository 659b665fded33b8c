"""Issue 22 (stop 24): a re-irradiation course's fraction count from its RT Plan.

With an RT Plan and no count, the plan's Number of Fractions Planned (300A,0078) of its Fraction Group
Sequence (300A,0070) (DICOM PS3.3 C.8.8.13) is the count, said in the course's notes; with both, a count
that differs from the plan's is refused in one line naming both values (exit 2 on the command line)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

pydicom = pytest.importorskip("pydicom")

from sbrt_calc.cli.main import main  # noqa: E402
from sbrt_calc.plancheck.phantom import Phantom, write_phantom  # noqa: E402
from sbrt_calc.reirradiation.courses import ReirradiationError, load_course  # noqa: E402

TINY = Phantom(fractions=5, shape=(12, 16, 16), spacing_mm=4.0, slice_mm=4.0, ptv_radius_mm=12.0,
               gtv_radius_mm=8.0, cord_distance_mm=22.0, cord_radius_mm=4.0, cord_z_mm=(-16.0, 16.0),
               lungs_box_mm=(-30.0, 30.0, -30.0, 20.0, -20.0, 20.0), vertices=32)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("course")
    out = write_phantom(folder, TINY)
    ds = pydicom.dcmread(str(out["rtplan"]))
    del ds.FractionGroupSequence
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds.save_as(str(folder / "no_fractions.dcm"), enforce_file_format=True)
    out["no_fractions"] = folder / "no_fractions.dcm"
    return out


def test_count_from_the_rt_plan(files: dict[str, Path]) -> None:
    c = load_course(files["rtdose"], None, rtplan=files["rtplan"], label="course 1")
    assert c.fractions == TINY.fractions == 5
    assert "5 fractions from the RT Plan rtplan.dcm" in c.notes[0]


def test_count_agreeing_with_the_plan_is_used(files: dict[str, Path]) -> None:
    assert load_course(files["rtdose"], 5, rtplan=files["rtplan"]).fractions == 5


def test_count_differing_from_the_plan_is_refused_naming_both(files: dict[str, Path]) -> None:
    with pytest.raises(ReirradiationError) as exc:
        load_course(files["rtdose"], 3, rtplan=files["rtplan"], label="course 1")
    text = str(exc.value)
    assert "\n" not in text and "course 1" in text
    assert "fraction count 3 differs" in text and "Number of Fractions Planned 5" in text


def test_no_count_anywhere_is_refused(files: dict[str, Path]) -> None:
    with pytest.raises(ReirradiationError, match="no fraction count"):
        load_course(files["rtdose"], None)
    with pytest.raises(ReirradiationError, match="gives no fraction count"):
        load_course(files["rtdose"], None, rtplan=files["no_fractions"])
    # a plan without a count does not stop a count that was given
    c = load_course(files["rtdose"], 4, rtplan=files["no_fractions"])
    assert c.fractions == 4 and "gives no fraction count; 4 as given" in c.notes[0]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["reirradiation", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_disagreement_is_one_line_exit_2(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "--course", f"{files['rtdose']}:3", "--rtplan", str(files["rtplan"]),
                          "--course", f"{files['rtdose']}:5", "--rtstruct", str(files["rtstruct"]))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "fraction count 3 differs" in err and "Number of Fractions Planned 5" in err


@pytest.mark.parametrize("argv, words", [
    (["--rtplan", "p.dcm", "--course", "a.dcm:3"], "give it after the --course"),
    (["--course", "a.dcm", "--course", "b.dcm:3"], "RTDOSE followed by --rtplan"),
    (["--course", "a.dcm", "--rtplan", "p.dcm", "--rtplan", "q.dcm", "--course", "b.dcm:3"], "one RT Plan per course"),
])
def test_cli_rtplan_usage_refused(argv: list[str], words: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, *argv, "--rtstruct", "rs.dcm")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and words in err


def test_cli_count_from_the_plan(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "--course", str(files["rtdose"]), "--rtplan", str(files["rtplan"]),
                          "--course", f"{files['rtdose']}:5", "--rtstruct", str(files["rtstruct"]),
                          "--format", "json")
    assert code in (0, 1), err
    doc = json.loads(out)
    first = doc["courses"][0]
    assert first["fractions"] == 5 and any("from the RT Plan rtplan.dcm" in n for n in first["notes"])
