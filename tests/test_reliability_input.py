"""Issue 12, hostile input: formula injection, nesting, impossible numbers, odd files, long arguments.

Ends with a Hypothesis fuzz of the loaders and of every CLI subcommand's arguments: exit 0, 1
or 2 only; exactly one line on stderr for 2; JSON output never holds NaN or Infinity.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import examples

from sbrt_calc.case import Case, CaseRegimen, dumps_case, load_case, loads_case, save_case
from sbrt_calc.cli.main import SUBCOMMANDS, main
from sbrt_calc.cli.output import to_csv
from sbrt_calc.eligibility.case import load_case as load_eligibility
from sbrt_calc.errors import CaseError, SbrtCalcError
from sbrt_calc.regimen import parse_regimen
from sbrt_calc.spreadsheet import safe_cell

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:   # argparse's --help / --version
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


# --- spreadsheet formula injection (OWASP) -----------------------------------------------------------

@pytest.mark.parametrize("cell", ["=1+1", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
                                  '=HYPERLINK("http://x")', "-", "+", "-1-1"])
def test_formula_cells_are_neutralised(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-3.5", "+2", "-1e-3", "1e5", "-0,5", "54/3", "BED10 [Gy]", "", "—"])
def test_numbers_and_plain_text_stay(cell: str) -> None:
    assert safe_cell(cell) == cell
    assert safe_cell(-3.5) == -3.5 and safe_cell(None) is None


def test_cli_csv_writer_neutralises_but_keeps_negative_numbers() -> None:
    text = to_csv(["label", "=h"], [["=cmd|x", -1.5], ["@a", "-2.25"]])
    assert text.splitlines() == ["label,'=h", "'=cmd|x,-1.5", "'@a,-2.25"]


def test_presets_list_csv_with_a_hostile_user_preset(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(
        'kind = "schemes"\nschema_version = 1\n\n[[schemes]]\nkey = "inj_1"\nsite = "bone"\ntotal_dose_gy = 30.0\n'
        'fractions = 3\ndose_per_fraction_gy = 10.0\nsource = "=HYPERLINK(\\"http://evil\\")"\n'
        'note = "@SUM(1+1)"\nverification = "recalled"\n', encoding="utf-8")
    env = {"SBRT_CALC_USER_PRESETS": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "sbrt_calc.cli.main", "presets", "list", "--format", "csv"],
                         env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    row = next(line for line in out.stdout.splitlines() if line.startswith("inj_1"))
    assert ",'@SUM(1+1)," in row and "\"'=HYPERLINK(" in row
    assert ",-" not in out.stdout.replace(",-1", "")   # no bare formula start anywhere


# --- odd but legal files, nesting, impossible numbers ------------------------------------------------------

def _case_text(**extra: Any) -> str:
    doc = json.loads(dumps_case(Case("t", None, (CaseRegimen.from_regimen(parse_regimen("36/3")),))))
    doc.update(extra)
    return json.dumps(doc)


@pytest.mark.parametrize(("text", "words"), [
    ("", "not valid JSON: the file is empty"),
    ("   \n", "the file is empty"),
    ("[1, 2]", "must be a JSON object, got list"),
    ("[" * 100_000 + "]" * 100_000, "nested more than"),
    ('{"a": ' * 5000 + "1" + "}" * 5000, "nested more than"),
    (_case_text(planning={"x": "y"}).replace('"y"', "1e999"), "1e999 is beyond the range"),
    (_case_text(planning={"x": "y"}).replace('"y"', "NaN"), "NaN is not a number JSON can hold"),
    (_case_text(planning={"x": "y"}).replace('"y"', "-Infinity"), "-Infinity is not a number"),
    (_case_text(planning={"x": "y"}).replace('"y"', "9" * 5000), "5000 digits"),
    (_case_text(planning={"x": "y"}).replace('"y"', "9" * 400), "400 digits"),
    (_case_text(extra={"deep": "y"}).replace('"y"', "[" * 70 + "]" * 70), "deep"),
])
def test_saved_case_loader_refuses_cleanly(text: str, words: str) -> None:
    with pytest.raises(CaseError) as info:
        loads_case(text, "my.sbrt.json")
    msg = str(info.value)
    assert msg.startswith("my.sbrt.json: ") and words in msg and "TOML" not in msg
    assert len(msg) < 400 and "\n" not in msg


def test_byte_order_mark_is_read_as_json(tmp_path: Path) -> None:
    p = tmp_path / "bom.sbrt.json"
    p.write_bytes(b"\xef\xbb\xbf" + _case_text().encode())
    assert load_case(p).valid_regimens()[0].total_dose_gy == 36.0


def test_what_loads_can_be_saved_again(tmp_path: Path) -> None:
    case = loads_case(_case_text(planning={"ptv_cc": 1e308}, future={"n": 10**300}, unknown=[[[1.5]]]))
    assert loads_case(dumps_case(case)).sections == case.sections


def test_a_value_json_cannot_hold_is_a_clean_save_error(tmp_path: Path) -> None:
    case = Case("t", None, (), sections={"planning": {"ptv_cc": float("nan")}})
    with pytest.raises(CaseError, match=r"planning\.ptv_cc"):
        save_case(case, tmp_path / "c.sbrt.json")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(("body", "words"), [
    (b"", "the file is empty"),
    (b"\xef\xbb\xbf" + b'{"format": "sbrt-calc-case"}', "byte-order mark"),
    (b"[1, 2]", "is a JSON list"),
    (b"[" * 100_000 + b"]" * 100_000, "JSON list"),
    (b"a = " + b"[" * 100_000, "nested too deeply"),
    (b"months_on_therapy = " + b"9" * 5000, "beyond the range"),
    (b"months_on_therapy = " + b"9" * 400, "beyond the range"),
    (b"months_on_therapy = inf", "months_on_therapy"),
])
def test_eligibility_and_report_refuse_cleanly(tmp_path: Path, body: bytes, words: str) -> None:
    p = tmp_path / "case.json"
    p.write_bytes(body)
    with pytest.raises(CaseError, match=words):
        load_eligibility(p)
    code, out, err = run("report", str(p), "-o", str(tmp_path / "r.pdf"))
    assert code == 2 and err.count("\n") == 1 and "internal error" not in err
    assert not (tmp_path / "r.pdf").exists()


def test_a_huge_argument_is_not_echoed() -> None:
    huge = "3x" * 65_536
    for argv in (["compare", huge], ["solve", "--target-bed", huge, "--alpha-beta", "10"],
                 ["report", huge, "-o", "x.pdf"], ["presets", huge], ["eligibility", huge]):
        code, _, err = run(*argv)
        assert code == 2 and err.count("\n") == 1 and len(err) < 1000, argv


def test_no_subcommand_prints_help_on_stdout() -> None:
    code, out, err = run()
    assert out.startswith("usage: sbrt-calc") and all(name.replace("_", "-") in out for name in SUBCOMMANDS)
    assert code == 2 and err.count("\n") == 1   # a usage error for scripts, one line


# --- fuzz ---------------------------------------------------------------------------------------------------

_UNUSED = ["54/3", "36/3", "3x8", "20/5; 3x8", "0/1", "1e999/3", "nan/3", "inf", "-inf", "nan", "NaN", "1e999",
           "-1", "0", "1e-320", "1e308", "3", "10", "100", "101", "=1+1", "-", "--", "", " ", "é", "\x00",
           "--format", "json", "csv", "table", "--alpha-beta", "--model", "usc", "lql", "--fractions",
           "--target-bed", "--target-eqd2", "--equivalent-to", "--ptv-cc", "--r50", "--d2cm-percent", "--r100",
           "--organ", "spinal_cord", "--recovery-percent", "--interval-months", "--set", "tg101", "list",
           "check", "--usc-d0", "--usc-alpha", "--transition-dose", "--overall-time-days",
           "--time-correction", "--rtplan", "9" * 400, "x" * 300]
_FILES = ["", "[1]", "{", "[[lesions]]", "a = [[[[[[[[", "\ufeff{}", "months_on_therapy = 1e999"]


def _no_nan(text: str) -> None:
    def refuse(token: str) -> None:
        raise AssertionError(f"JSON output holds {token}")
    json.loads(text, parse_constant=refuse)


#: A valid command line per subcommand: the fuzz replaces its values and adds options.
_BASES = {
    "compare": ["compare", "54/3", "--format", "json"],
    "solve": ["solve", "--target-bed", "100", "--alpha-beta", "10", "--format", "json"],
    "presets": ["presets", "list", "--format", "json"],
    "constraints": ["constraints", "--fractions", "3", "--format", "json"],
    "plan-check": ["plan-check", "--ptv-cc", "30", "--r50", "4", "--d2cm-percent", "60", "--format", "json"],
    "cumulative": ["cumulative", "30/10", "24/3", "--interval-months", "12", "--format", "json"],
    "eligibility": ["eligibility", str(EXAMPLES / "case_egfr_bone.toml"), "--format", "json"],
}
_OPTIONS = ["--alpha-beta", "--model", "--transition-dose", "--usc-alpha", "--usc-d0", "--usc-dq",
            "--overall-time-days", "--fractions", "--organ", "--recovery-percent", "--set", "--r100", "--limits"]
_VALUES = ["nan", "inf", "-inf", "1e999", "-1", "0", "1e-320", "1e308", "9" * 400, "3x8", "20/5; 3x8", "3", "12", "lq",
           "=1+1", "", " ", "x" * 300, "usc", "lql", "10", "0.5", "101", "é\x00"]


@settings(max_examples=examples(150), deadline=None)
@given(st.sampled_from(sorted(_BASES)), st.data())
def test_fuzz_every_subcommand(command: str, data: st.DataObject) -> None:
    argv = list(_BASES[command])
    values = [i for i in range(1, len(argv) - 2) if not argv[i].startswith("--")]
    for i in data.draw(st.lists(st.sampled_from(values), max_size=2)) if values else []:
        argv[i] = data.draw(st.one_of(st.sampled_from(_VALUES), st.text(max_size=6)))
    for _ in range(data.draw(st.integers(0, 2))):
        argv += [data.draw(st.sampled_from(_OPTIONS)), data.draw(st.sampled_from(_VALUES))]
    code, out, err = run(*argv)
    assert code in (0, 1, 2), (argv, err)
    if code == 2:
        assert err.count("\n") == 1 and "Traceback" not in err, (argv, err)
    else:
        _no_nan(out)   # every base asks for JSON


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(_FILES), st.sampled_from(["eligibility", "report"]), st.sampled_from(["json", "table"]))
def test_fuzz_file_subcommands(tmp_path: Path, body: str, command: str, fmt: str) -> None:
    p = tmp_path / "f.toml"
    p.write_text(body, encoding="utf-8")
    argv = [command, str(p)] + (["--format", fmt] if command == "eligibility" else ["-o", str(tmp_path / "o.pdf")])
    code, _out, err = run(*argv)
    assert code == 2 and err.count("\n") == 1, (argv, err)


_deep = st.integers(min_value=60, max_value=3000).map(lambda n: "[" * n + "]" * n)
_numbers = st.sampled_from(["1e999", "-1e999", "NaN", "Infinity", "9" * 320, "1e-400", "-0", "1.7976931348623157e308"])


@settings(max_examples=examples(80), deadline=None)
@given(st.one_of(st.text(max_size=60), _deep, _numbers.map(lambda n: _case_text(planning={"v": "y"})
                                                           .replace('"y"', n))))
def test_fuzz_saved_case_loader_round_trips_or_refuses(text: str) -> None:
    try:
        case = loads_case(text, "f.sbrt.json")
    except SbrtCalcError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 2100
        return
    assert loads_case(dumps_case(case)) == case   # whatever loads, saves back identically


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=80), _deep.map(lambda s: "a = " + s), _numbers.map(lambda n: f"ecog = {n}")))
def test_fuzz_eligibility_loader(tmp_path: Path, text: str) -> None:
    p = tmp_path / "e.toml"
    try:
        p.write_text(text, encoding="utf-8")
    except UnicodeEncodeError:
        return
    try:
        load_eligibility(p)
    except SbrtCalcError as exc:
        assert "\n" not in str(exc)


def test_a_huge_case_file_is_refused_before_reading(tmp_path: Path) -> None:
    p = tmp_path / "bomb.sbrt.json"
    with open(p, "wb") as fh:                 # sparse: 17 MB on paper, nothing on disk
        fh.truncate(17_000_000)
    with pytest.raises(CaseError, match="too large"):
        load_case(p)
    code, _, err = run("report", str(p), "-o", str(tmp_path / "r.pdf"))
    assert code == 2 and "too large" in err and err.count("\n") == 1
