"""CLI of the planning parameters: presets list/check, constraints, plan-check, cumulative,
compare --rtplan. Exit codes: 0 done, 1 a check failed, 2 bad input (one line on stderr)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sbrt_calc._paths import shipped_presets_dir
from sbrt_calc.cli.main import main
from sbrt_calc.presets import loader as presets_mod


@pytest.fixture(autouse=True)
def no_user_presets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SBRT_CALC_USER_PRESETS", str(tmp_path / "user-presets"))
    presets_mod.reload_presets()
    yield tmp_path / "user-presets"
    presets_mod.reload_presets()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_bad_input(code: int, out: str, err: str) -> None:
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("sbrt-calc: error:") and "Traceback" not in err


# ---------------------------------------------------------------- presets


def test_presets_list_site(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "presets", "list", "--site", "spine")
    assert code == 0 and "spine_24_2" in out and "lung_peripheral" not in out
    code, out, _ = run(capsys, "presets", "list", "--site", "brain", "--format", "json")
    doc = json.loads(out)
    assert {s["site"] for s in doc["schemes"]} == {"brain_srs", "brain_hsrt"}
    s = next(x for x in doc["schemes"] if x["key"] == "brain_hsrt_27_3")
    assert s["bed_gy"]["10"] == pytest.approx(51.3)  # PMC8051036 Table 3: 27/3 BED10 51.3


def test_presets_list_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "presets", "list", "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("key,site,group,label")


def test_presets_list_unknown_site(capsys: pytest.CaptureFixture[str]) -> None:
    assert_bad_input(*run(capsys, "presets", "list", "--site", "kidney"))


def test_presets_check_shipped(capsys: pytest.CaptureFixture[str]) -> None:
    """BED10 of 54/3 = 54 (1 + 18/10) = 151.2 Gy; EQD2(10) = 126 Gy (Fowler 1989)."""
    code, out, err = run(capsys, "presets", "check")
    assert code == 0 and err == "" and "OK: no problems found." in out
    line = next(ln for ln in out.splitlines() if ln.startswith("lung_peripheral_54_3"))
    assert "151.20" in line and "126.00" in line


def test_presets_check_broken_dir(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    d = tmp_path / "edited"
    shutil.copytree(shipped_presets_dir(), d)
    (d / "schemes.toml").write_text((d / "schemes.toml").read_text(encoding="utf-8")
                                    .replace("fractions = 3", "fractions = 0", 1), encoding="utf-8")
    (d / "junk.toml").write_bytes(b"\x00\xff garbage")
    code, out, err = run(capsys, "presets", "check", str(d), "--format", "json")
    assert code == 1 and "2 problem(s)" in err
    doc = json.loads(out)
    assert not doc["ok"] and len(doc["problems"]) == 2
    assert any("schemes.toml: schemes[1].fractions" in p for p in doc["problems"])
    assert any("junk.toml: <file>: not UTF-8" in p for p in doc["problems"])


def test_presets_check_missing_dir(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert_bad_input(*run(capsys, "presets", "check", str(tmp_path / "nope")))


def test_broken_user_presets_are_bad_input(capsys: pytest.CaptureFixture[str], no_user_presets: Path) -> None:
    no_user_presets.mkdir()
    (no_user_presets / "x.toml").write_text("kind = 1\n", encoding="utf-8")
    code, out, err = run(capsys, "presets", "list")
    assert_bad_input(code, out, err)
    assert "x.toml: kind" in err
    code, out, err = run(capsys, "presets", "check")
    assert code == 1 and "x.toml: kind: must be one of" in out


# ---------------------------------------------------------------- constraints


def test_constraints_three_fractions_tg101(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "constraints", "--fractions", "3", "--set", "tg101", "--format", "json")
    assert code == 0
    (s,) = json.loads(out)["sets"]
    assert s["has_column"] is True
    cord = [c for c in s["constraints"] if c["organ"] == "SpinalCord" and c["metric"] == "Max[Gy]"]
    assert cord[0]["limit"] == 21.9 and cord[0]["converted"] is False  # TG-101 Table III, 3 fx


def test_constraints_missing_column_is_labelled(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "constraints", "--fractions", "3", "--set", "rtog0915", "--organ", "SpinalCord")
    assert code == 0
    assert "gives no 3-fraction column" in out and "LQ-CONVERTED" in out and "NOT the source's" in out
    assert "converted" in out
    assert "CONVERTED from Max[Gy] 26 in 4 fx" in out
    # outside the source's fraction range nothing is converted (issue 11)
    code, out, _ = run(capsys, "constraints", "--fractions", "8", "--set", "rtog0915", "--organ", "SpinalCord")
    assert code == 0 and "outside the fraction range" in out and "LQ-CONVERTED" not in out


@pytest.mark.parametrize("argv", [["constraints"], ["constraints", "--fractions", "0"],
                                  ["constraints", "--fractions", "3", "--set", "uk"],
                                  ["constraints", "--fractions", "x"]])
def test_constraints_bad_input(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert_bad_input(*run(capsys, *argv))


# ---------------------------------------------------------------- plan-check


def test_plan_check_between_rows(capsys: pytest.CaptureFixture[str]) -> None:
    """28 cc is midway 22-34 cc: R50 none 4.4, minor 5.4; D2cm none 56, minor 65.5 (RTOG table)."""
    code, out, _ = run(capsys, "plan-check", "--ptv-cc", "28", "--r50", "4.4", "--d2cm-percent", "60",
                       "--r100", "1.1", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["in_table_range"]
    m = {x["metric"]: x for x in doc["metrics"]}
    assert m["R50%"]["limit_none"] == pytest.approx(4.4) and m["R50%"]["grade"] == "none"
    assert m["D2cm"]["limit_minor"] == pytest.approx(65.5) and m["D2cm"]["grade"] == "minor"


def test_plan_check_major_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan-check", "--ptv-cc", "50", "--r50", "6")
    assert code == 1 and "MAJOR" in out


def test_plan_check_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan-check", "--ptv-cc", "200", "--r50", "3")
    assert code == 1 and "above the table's range" in out and "not graded" in out


@pytest.mark.parametrize("argv", [["plan-check"], ["plan-check", "--ptv-cc", "-1"],
                                  ["plan-check", "--ptv-cc", "10", "--r50", "abc"]])
def test_plan_check_bad_input(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert_bad_input(*run(capsys, *argv))


# ---------------------------------------------------------------- cumulative


def test_cumulative_worked_example(capsys: pytest.CaptureFixture[str]) -> None:
    """20/5 then 12/2 at alpha/beta 2: 30 + 24 = 54 Gy EQD2 (Fowler 1989); within HyTEC 2019."""
    code, out, _ = run(capsys, "cumulative", "20/5", "12/2", "--interval-months", "6", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["total_eqd2_gy"] == pytest.approx(54.0) and doc["passed"] is True
    assert "HyTEC" in doc["limit"]["source"]


def test_cumulative_exceeded_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cumulative", "30/10", "14/2", "--interval-months", "6")
    assert code == 1 and "EXCEEDED" in out


@pytest.mark.parametrize("argv", [["cumulative"], ["cumulative", "20/0"], ["cumulative", "20/5", "--alpha-beta", "3"],
                                  ["cumulative", "20/5", "--recovery-percent", "150"],
                                  ["cumulative", "20/5", "--limits", "nope"]])
def test_cumulative_bad_input(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert_bad_input(*run(capsys, *argv))


# ---------------------------------------------------------------- compare --rtplan


def test_compare_rtplan(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pydicom")
    from pydicom.data import get_testdata_file

    code, out, _ = run(capsys, "compare", "--rtplan", get_testdata_file("rtplan.dcm"), "--format", "json")
    assert code == 0
    (reg,) = json.loads(out)["regimens"]
    assert json.dumps(reg).count("30.826203") >= 1


def test_compare_rtplan_not_a_plan(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("pydicom")
    from pydicom.data import get_testdata_file

    code, out, err = run(capsys, "compare", "--rtplan", get_testdata_file("rtdose.dcm"))
    assert_bad_input(code, out, err)
    assert "not an RT Plan" in err
    p = tmp_path / "x.dcm"
    p.write_text("hello")
    assert_bad_input(*run(capsys, "compare", "--rtplan", str(p)))


def test_light_imports() -> None:
    """`sbrt-calc compare 54/3` must not import pydicom or scipy; --help must not load presets."""
    code = ("import sys; from sbrt_calc.cli.main import main; rc = main(['compare', '54/3']); "
            "bad = [m for m in ('pydicom', 'scipy', 'PySide6') if m in sys.modules]; "
            "assert rc == 0 and not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    code = ("import sys; from sbrt_calc.cli.main import build_parser; build_parser(); "
            "assert 'sbrt_calc.presets.loader' not in sys.modules and 'pydicom' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


@pytest.mark.parametrize(
    "argv",
    [
        ["presets", "list", "--format", "json"],
        ["presets", "check", "--format", "json"],
        ["constraints", "--fractions", "3", "--format", "json"],
        ["plan-check", "--ptv-cc", "30", "--r50", "4.0", "--format", "json"],
        ["cumulative", "20/5", "12/2", "--format", "json"],
    ],
)
def test_every_json_document_names_the_program_version(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    """Every JSON document the CLI prints starts with sbrt_calc_version (CHANGELOG.md)."""
    import json

    from sbrt_calc import __version__
    from sbrt_calc.cli.main import main

    main(argv)
    doc = json.loads(capsys.readouterr().out)
    assert next(iter(doc)) == "sbrt_calc_version" and doc["sbrt_calc_version"] == __version__
