"""The CLI contract of compare/solve (issue 2): JSON shape, formats, exit codes, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from sbrt_calc import __version__
from sbrt_calc.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"sbrt-calc {__version__}"


def test_compare_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    """The example of the contract: 54/3 -> BED10 151.2, BED3 378, EQD2 126 / 226.8, flag true."""
    code, out, err = run(capsys, "compare", "54/3", "36/3", "--format", "json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["sbrt_calc_version"] == __version__ and doc["model"] == "lq"
    first, second = doc["regimens"]
    assert [first["label"], second["label"]] == ["54/3", "36/3"]
    assert first["total_dose_gy"] == 54.0 and first["fractions"] == 3 and first["dose_per_fraction_gy"] == 18.0
    assert first["bed_gy"] == pytest.approx({"10": 151.2, "3": 378.0})
    assert first["eqd2_gy"] == pytest.approx({"10": 126.0, "3": 226.8})
    assert first["bed10_above_threshold"] is True
    assert isinstance(first["warnings"], list) and first["warnings"]
    assert {c["code"] for c in first["caveats"]} == {"lq_high_dose"}
    assert first["flag_sensitivity"]["verdict"] == "above" and second["flag_sensitivity"]["verdict"] == "depends"
    assert doc["thresholds"]["flag"]["model"] == "lq" and doc["thresholds"]["flag"]["alpha_beta_gy"] == 10


def test_usc_json_is_parks_with_bed10_verdicts(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 9 must-show: Park's USC BED 117.8 / 74.2 Gy and SFED in "usc"; bed10_gy 151.2 / 79.2 with the
    flag reached for both."""
    code, out, _ = run(capsys, "compare", "54/3", "36/3", "--model", "usc", "--format", "json")
    regs = json.loads(out)["regimens"]
    assert code == 0
    assert [round(r["usc"]["bed_gy"], 1) for r in regs] == [117.8, 74.2]
    assert [round(r["usc"]["sfed_gy"], 1) for r in regs] == [50.4, 32.4]
    assert set(regs[0]["usc"]) >= {"bed_gy", "sfed_gy", "alpha_beta_gy", "transition_dose_gy"}
    assert [r["bed10_gy"] for r in regs] == pytest.approx([151.2, 79.2])
    assert all(r["bed10_above_threshold"] for r in regs)
    assert "BED10" not in json.dumps(regs[0]["usc"])


@pytest.mark.parametrize("model", ["lql", "usc"])
def test_rtog_regimens_reach_the_reference_under_every_model(capsys: pytest.CaptureFixture[str], model: str) -> None:
    """48/4 (RTOG 0915) and 50/5 (RTOG 0813) reach BED10 >= 100 Gy as defined, under --model lql and usc."""
    code, out, _ = run(capsys, "compare", "48/4", "50/5", "--model", model, "--format", "json")
    assert code == 0 and all(r["bed10_reference_reached"] for r in json.loads(out)["regimens"])


def test_alpha_beta_keys_are_format_g(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "compare", "30/5", "--alpha-beta", "10", "--alpha-beta", "2.5",
                       "--alpha-beta", "3.0", "--format", "json")
    assert code == 0
    assert list(json.loads(out)["regimens"][0]["bed_gy"]) == ["10", "2.5", "3"]


def test_full_precision_floats(capsys: pytest.CaptureFixture[str]) -> None:
    """16 Gy/1 EQD2(10) = 16 x 26 / 12 = 34.666... (Table 3 prints 34.67: display rounding only)."""
    _, out, _ = run(capsys, "compare", "16/1", "--alpha-beta", "10", "--format", "json")
    eqd2 = json.loads(out)["regimens"][0]["eqd2_gy"]["10"]
    assert eqd2 == pytest.approx(16 * 26 / 12, rel=1e-14)
    assert eqd2 != 34.67


@pytest.mark.parametrize("model", ["lql", "usc"])
def test_other_models_same_shape_plus_parameters(capsys: pytest.CaptureFixture[str], model: str) -> None:
    code, out, _ = run(capsys, "compare", "36/3", "--model", model, "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["model"] == model and doc["models"][model]["parameters"]
    assert set(doc["regimens"][0]) >= {"label", "bed_gy", "eqd2_gy", "bed10_above_threshold", "warnings"}
    if model == "lql":
        assert doc["regimens"][0]["bed_gy"]["10"] == pytest.approx(68.4)
        assert doc["regimens"][0]["alpha_beta_values_model"] == "lql"
        assert doc["models"]["lql"]["parameters"]["transition_dose_gy"] == 6.0
    else:
        assert doc["models"]["usc"]["parameters"]["transition_dose_gy"] == pytest.approx(6.1277, abs=1e-3)
        assert doc["regimens"][0]["alpha_beta_values_model"] == "lq"   # the USC has only its own alpha/beta


def test_lql_transition_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "compare", "36/3", "--model", "lql", "--transition-dose", "20", "--format", "json")
    reg = json.loads(out)["regimens"][0]
    assert code == 0 and reg["bed_gy"]["10"] == pytest.approx(79.2)
    assert any("equals LQ" in w for w in reg["warnings"])


def test_table_is_aligned_with_units(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "compare", "36/3", "54/3")
    assert code == 0
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("Regimen"))
    assert "BED10 LQ [Gy]" in header and "EQD2(3) LQ [Gy]" in header and "BED10 > 70 Gy" in header
    rule = lines[lines.index(header) + 1]
    assert set(rule) <= {"-", " "}
    assert "Decision support" in out


def test_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "compare", "36/3", "54/3", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["Regimen"] for r in rows] == ["36/3", "54/3"]
    assert float(rows[0]["BED10 LQ [Gy]"]) == pytest.approx(79.2)
    assert float(rows[0]["EQD2(3) LQ [Gy]"]) == pytest.approx(108.0, rel=1e-14)
    _, out16, _ = run(capsys, "compare", "16/1", "--format", "csv")
    assert float(next(csv.DictReader(io.StringIO(out16)))["EQD2(10) LQ [Gy]"]) == pytest.approx(16 * 26 / 12,
                                                                                             rel=1e-14)
    assert rows[0]["BED10 > 70 Gy"] == "reached"


def test_solve_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "solve", "--target-bed", "100", "--alpha-beta", "10", "--fractions", "3", "5",
                       "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["model"] == "lq" and doc["target"]["bed_gy"] == 100
    assert [s["fractions"] for s in doc["solutions"]] == [3, 5]
    assert doc["solutions"][1]["dose_per_fraction_gy"] == pytest.approx(10.0)
    assert doc["solutions"][1]["total_dose_gy"] == pytest.approx(50.0)


def test_solve_equivalent_and_eqd2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "solve", "--equivalent-to", "54/3", "--alpha-beta", "10", "--fractions", "3",
                       "--format", "json")
    assert code == 0 and json.loads(out)["solutions"][0]["total_dose_gy"] == pytest.approx(54.0)
    code, out, _ = run(capsys, "solve", "--target-eqd2", "60", "--alpha-beta", "2", "--fractions", "5",
                       "--format", "json")
    assert json.loads(out)["solutions"][0]["total_dose_gy"] == pytest.approx(30.0)  # Table 3: 30/5 EQD2(2) 60


BAD = [
    (["compare", "3x18"], "ambiguous"),
    (["compare", "0/3"], "total dose"),
    (["compare", "-54/3"], "-54/3"),
    (["compare", "--", "-54/3"], "> 0"),
    (["compare", "54/0"], "fractions"),
    (["compare", "54/2.5"], "whole number"),
    (["compare", "nan/3"], "finite"),
    (["compare", "inf/3"], "finite"),
    (["compare", "303/3"], "100 Gy"),
    (["compare", "200/101"], "fractions"),
    (["compare", "banana"], "cannot read regimen"),
    (["compare"], "at least one REGIMEN"),
    (["compare", "36/3", "--alpha-beta", "0"], "alpha-beta"),
    (["compare", "36/3", "--alpha-beta", "-3"], "alpha-beta"),
    (["compare", "36/3", "--alpha-beta", "ten"], "not a number"),
    (["compare", "36/3", "--model", "xyz"], "invalid choice"),
    (["compare", "36/3", "--format", "xml"], "invalid choice"),
    (["compare", "36/3", "--transition-dose", "6"], "--model lql"),
    (["compare", "36/3", "--model", "usc", "--usc-alpha", "1", "--usc-d0", "1.25"], "alpha * D0 < 1"),
    (["compare", "36/3", "--bogus"], "unrecognized"),
    (["solve", "--alpha-beta", "10"], "required"),
    (["solve", "--target-bed", "100", "--alpha-beta", "10", "--fractions", "0"], "outside 1-100"),
    (["solve", "--target-bed", "-1", "--alpha-beta", "10"], "> 0"),
    (["nosuchcommand"], "invalid choice"),
]


@pytest.mark.parametrize(("argv", "fragment"), BAD)
def test_bad_input_exit_2_one_line(capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("sbrt-calc: error:")
    assert fragment in err
    assert "Traceback" not in err


def test_no_command_prints_help_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys)
    assert code == 2 and "usage" in err


def test_unusual_regimen_warns_in_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "compare", "35 Gy x 1", "--format", "json")
    assert code == 0 and any("unusual" in w for w in json.loads(out)["regimens"][0]["warnings"])


def test_installed_console_script_and_no_heavy_imports(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`compare` must not import Qt or scipy (cold start); checked in a fresh interpreter."""
    code = (
        "import sys; from sbrt_calc.cli.main import main; rc = main(['compare', '54/3', '--format', 'json']);"
        "heavy = [m for m in ('scipy', 'PySide6', 'matplotlib', 'pydicom') if m in sys.modules];"
        "sys.stderr.write(repr(heavy)); sys.exit(rc)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stderr.strip() == "[]"


def test_python_dash_m_runs_the_cli(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """From a neutral folder, so that the installed package runs (not the source tree)."""
    proc = subprocess.run([sys.executable, "-m", "sbrt_calc", "compare", "3 x 18 Gy"], capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 0 and "151.2" in proc.stdout
    bad = subprocess.run([sys.executable, "-m", "sbrt_calc", "compare", "3x18"], capture_output=True, text=True,
                         timeout=60, cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
