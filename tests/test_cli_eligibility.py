"""``sbrt-calc eligibility``: table and JSON output, exit codes, one-line errors (issue 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sbrt_calc.cli.main import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EGFR = EXAMPLES / "case_egfr_bone.toml"

GOOD = """\
therapy_class = "tki"
driver = "EGFR"
months_on_therapy = 14
ecog = 1
cns_imaging_done = true
other_disease_controlled = true
symptomatic_progression = false
leptomeningeal = false

[[lesions]]
site = "bone"
status = "progressing"
"""


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, text: str, name: str = "case.toml") -> str:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return str(f)


def test_json_has_the_named_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["eligibility", str(EGFR), "--format", "json"], capsys)
    assert code == 0 and err == ""
    doc = json.loads(out)
    for key in ("classification", "eligible", "missing_workup", "lesions", "recommendation", "reasons", "evidence",
                "caveats", "definition", "next_steps", "case", "sbrt_calc_version", "bed10_threshold"):
        assert key in doc
    assert doc["classification"] == "oligoprogression" and doc["eligible"] is True
    lesion = doc["lesions"][0]
    assert {"site", "status", "local_therapy", "reason", "source", "schemes"} <= set(lesion)
    assert lesion["site"] == "bone" and lesion["local_therapy"] == "SBRT"
    for s in lesion["schemes"]:
        assert {"label", "total_dose_gy", "fractions", "bed10_gy", "bed10_above_threshold", "source"} <= set(s)
    assert doc["case"]["lesions"][0]["site"] == "bone"


def test_table_reads_like_a_clinical_note(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["eligibility", str(EGFR)], capsys)
    assert code == 0 and err == ""
    for text in ("Classification: oligoprogression", "SUPPORTED", "Verdict:", "Progressing sites:",
                 "SBRT", "bisphosphonates or denosumab", "surgical stabilisation", "Evidence:", "Caveats:",
                 "Sources:", "[Seed 004]", "Seed document 004: Management strategies for oligoprogression in NSCLC"):
        assert text in out, text
    assert max(len(line) for line in out.splitlines()) <= 110


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("case_*.toml")), ids=lambda p: p.name)
def test_every_example_runs_in_both_formats(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["eligibility", str(example)], capsys)[0] == 0
    code, out, _ = run(["eligibility", str(example), "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["classification"]


def test_systemic_example_gives_alk_next_steps(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["eligibility", str(EXAMPLES / "case_alk_systemic.toml")], capsys)
    assert code == 0 and "NOT SUPPORTED" in out and "lorlatinib" in out and "G1202R" in out


@pytest.mark.parametrize(("old", "new", "named"), [
    ("ecog = 1", "ecog = 7", "ecog"),                                     # out of range
    ("ecog = 1", 'ecog = "one"', "ecog"),                                 # wrong type
    ("cns_imaging_done = true", 'cns_imaging_done = "yes"', "cns_imaging_done"),
    ("months_on_therapy = 14", "months_on_therapy = -2", "months_on_therapy"),
    ("ecog = 1", "ecog = 1\nperformance = 1", "performance"),             # unknown key
    ('status = "progressing"', 'status = "progressing"\ncolour = "red"', "lesions[0].colour"),
    ('site = "bone"', 'site = "kidney"', "lesions[0].site"),              # unknown site
    ('status = "progressing"', 'status = "growing"', "lesions[0].status"),  # unknown status
    ('driver = "EGFR"', 'driver = "HER2"', "driver"),
    ("leptomeningeal = false\n", "", "leptomeningeal"),                   # missing key
])
def test_malformed_case_exit_2_one_line_naming_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       old: str, new: str, named: str) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    code, out, err = run(["eligibility", path], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("sbrt-calc: error:")
    assert named in err and "Traceback" not in err
    assert "allowed" in err or "required" in err


def test_not_toml_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "this is not = = toml [[")
    code, out, err = run(["eligibility", path], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1 and "not valid TOML" in err and path in err


def test_missing_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(tmp_path / "absent.toml")
    code, out, err = run(["eligibility", path], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1 and path in err


def test_no_case_argument_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["eligibility"], capsys)
    assert code == 2 and err.count("\n") == 1


def test_csv_format_is_not_offered(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["eligibility", str(EGFR), "--format", "csv"], capsys)
    assert code == 2 and "format" in err
