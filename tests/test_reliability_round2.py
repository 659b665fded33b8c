"""Issue 20 ("Nothing lost, second round"): the crashes and quiet wrong answers an attack found.

Each test failed before its fix (noted per test). The GUI's data-loss items are in
``tests/test_reliability_recovery.py``; the writers' audit in ``tests/test_reliability_writes.py``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sbrt_calc.case import loads_case
from sbrt_calc.cli.main import SUBCOMMANDS, build_parser, main
from sbrt_calc.errors import CaseError
from sbrt_calc.number_keys import ab_key


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:   # argparse's --help
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def one_line_exit_2(code: int, err: str) -> None:
    assert code == 2, err
    assert err.count("\n") == 1 and "internal error" not in err and "Traceback" not in err, err


# --- crashes: exit 3 before ------------------------------------------------------------------------------

@pytest.fixture
def loop(tmp_path: Path) -> Path:
    a, b = tmp_path / "a.sbrt.json", tmp_path / "b.sbrt.json"
    a.symlink_to(b)
    b.symlink_to(a)
    return a


@pytest.mark.parametrize("argv", [["report", "{loop}", "-o", "{tmp}/r.pdf"], ["compare", "--case", "{loop}"],
                                  ["eligibility", "{loop}"]])
def test_a_symlink_loop_as_case_file_is_one_line(loop: Path, tmp_path: Path, argv: list[str]) -> None:
    """`report LOOP -o r.pdf` was exit 3 (RuntimeError from Path.resolve in same_file)."""
    code, _, err = run(*(a.format(loop=loop, tmp=tmp_path) for a in argv))
    one_line_exit_2(code, err)
    assert "symbolic links" in err and str(loop) in err


@pytest.mark.parametrize("text", ["54/" + "2" * 400, "54 Gy/" + "9" * 320 + " fx", "2" * 400 + " fx x 18 Gy"])
def test_a_400_digit_fraction_count_is_refused_naming_it(text: str) -> None:
    """`compare 54/222...2` (400 digits) was exit 3 (OverflowError: float infinity to integer)."""
    code, _, err = run("compare", text)
    one_line_exit_2(code, err)
    assert "fractions must be from 1 to 100" in err and "222" in err or "999" in err
    assert len(err) < 400


@pytest.mark.parametrize(("text", "what"), [("2" * 400 + "/3", "total dose"), ("3 x " + "2" * 400 + " Gy", "dose per fraction"),
                                             ("2" * 400 + " Gy x 3", "dose per fraction")])
def test_a_400_digit_dose_is_named_as_typed_not_as_inf(text: str, what: str) -> None:
    """Found by the attack (tests/test_reliability_attack20.py): `total dose ... got inf`."""
    code, _, err = run("compare", text)
    one_line_exit_2(code, err)
    assert f"{what} '22222222...2222 (400 characters)' Gy is beyond the range" in err and "inf" not in err


# --- alpha/beta keys -------------------------------------------------------------------------------------

def test_alpha_beta_keys_keep_the_short_form_for_plain_values() -> None:
    assert [ab_key(x) for x in (10, 10.0, 3.0, 2.5, 0.87, 50.0)] == ["10", "10", "3", "2.5", "0.87", "50"]


@pytest.mark.parametrize("x", [10.000001, 10.0000001, 2.5 + 1e-12, 3.1415926535, 0.5000001])
def test_alpha_beta_keys_read_back_as_their_value(x: float) -> None:
    assert float(ab_key(x)) == x and ab_key(x) != format(x, "g")


def test_near_alpha_betas_keep_both_beds_in_json_and_in_columns() -> None:
    """alpha/beta 10 and 10.000001 shared the key "10": one BED was lost from the JSON."""
    code, out, err = run("compare", "54/3", "--tumour-alpha-beta", "10", "--alpha-beta", "10.000001",
                         "--alpha-beta", "3", "--format", "json")
    assert code == 0, err
    bed = json.loads(out)["regimens"][0]["bed_gy"]
    assert set(bed) == {"10", "10.000001", "3"}
    assert bed["10"] == pytest.approx(151.2) and bed["10.000001"] != bed["10"]
    code, out, _ = run("compare", "54/3", "--tumour-alpha-beta", "10", "--alpha-beta", "10.000001", "--format", "csv")
    header = out.splitlines()[0].split(",")
    assert len(header) == len(set(header)) and any("10.000001" in h for h in header)


@pytest.mark.parametrize(("text", "key"), [
    ('{"format": "sbrt-calc-case", "format_version": 1, "title": "a", "title": "b"}', "title"),
    ('{"format": "sbrt-calc-case", "format_version": 1, "regimens": [{"label": "x", "total_dose_gy": 30, '
     '"fractions": 3, "fractions": 5}]}', "fractions"),
    ('{"format": "sbrt-calc-case", "format_version": 1, "settings": {"model": "lq", "model": "usc"}}', "model"),
])
def test_a_key_twice_in_a_case_file_is_refused_naming_it(text: str, key: str) -> None:
    """The last of two keys won silently (Python's json); TOML already refused it."""
    with pytest.raises(CaseError) as info:
        loads_case(text, "dup.sbrt.json")
    msg = str(info.value)
    assert msg.startswith("dup.sbrt.json: ") and f"'{key}' appears twice" in msg and "\n" not in msg


def test_a_key_twice_through_the_cli(tmp_path: Path) -> None:
    p = tmp_path / "dup.sbrt.json"
    p.write_text('{"format": "sbrt-calc-case", "format_version": 1, "regimens": [], "regimens": []}',
                 encoding="utf-8")
    code, _, err = run("compare", "--case", str(p))
    one_line_exit_2(code, err)
    assert "'regimens' appears twice" in err


# --- one default for every face ------------------------------------------------------------------------

@contextlib.contextmanager
def user_presets(folder: Path) -> Iterator[None]:
    from sbrt_calc.presets import loader
    from sbrt_calc.presets import radiobiology as rb

    old = os.environ.get("SBRT_CALC_USER_PRESETS")
    os.environ["SBRT_CALC_USER_PRESETS"] = str(folder)
    rb.radiobiology.cache_clear()
    loader.reload_presets()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SBRT_CALC_USER_PRESETS", None)
        else:
            os.environ["SBRT_CALC_USER_PRESETS"] = old
        rb.radiobiology.cache_clear()
        loader.reload_presets()


def _shipped(name: str) -> str:
    from sbrt_calc._paths import shipped_presets_dir

    return (shipped_presets_dir() / name).read_text(encoding="utf-8")


def test_compare_uses_the_users_tumour_alpha_beta_like_the_apps_new_case(tmp_path: Path) -> None:
    """A user preset with tumour alpha/beta 8 Gy: the app's new case used 8, `compare` used 10."""
    from sbrt_calc.case import CaseSettings
    from sbrt_calc.evaluation import EvaluationSettings

    text = _shipped("radiobiology.toml")
    tumour = text.index('role = "tumour"')
    edited = text[:tumour] + text[tumour:].replace("alpha_beta_gy = 10.0", "alpha_beta_gy = 8.0", 1)
    assert edited != text
    (tmp_path / "mine.toml").write_text(edited, encoding="utf-8")
    with user_presets(tmp_path):
        code, out, err = run("compare", "54/3", "--format", "json")
        assert code == 0, err
        doc = json.loads(out)
        assert doc["tumour_alpha_beta_gy"] == 8.0 == CaseSettings().tumour_alpha_beta_gy
        assert EvaluationSettings().tumour_alpha_beta_gy == 8.0
        assert set(doc["regimens"][0]["bed_gy"]) == {"8", "3"}
        assert doc["regimens"][0]["bed10_gy"] == pytest.approx(151.2)   # the verdict's scale stays BED10
    code, out, _ = run("compare", "54/3", "--format", "json")
    assert json.loads(out)["tumour_alpha_beta_gy"] == 10.0


# --- presets check: the ranges the calculations apply -------------------------------------------------------

@pytest.mark.parametrize(("name", "old", "new", "key"), [
    ("reirradiation.toml", "max_cumulative_eqd2_gy = 70.0", "max_cumulative_eqd2_gy = 5000.0",
     "max_cumulative_eqd2_gy"),
    ("radiobiology.toml", "tumour_alpha_beta_range_gy = [5.0, 20.0]", "tumour_alpha_beta_range_gy = [1e-320, 1e308]",
     "tumour_alpha_beta_range_gy[0]"),
    ("radiobiology.toml", "bed_gy = 70.0", "bed_gy = 7000.0", "bed10_oligoprogression.bed_gy"),
])
def test_presets_check_applies_the_ranges_of_the_calculations(tmp_path: Path, name: str, old: str, new: str,
                                                              key: str) -> None:
    """`presets check` passed these; the calculations then refused them (or computed nonsense)."""
    text = _shipped(name)
    assert old in text
    if name == "reirradiation.toml":   # a second limit of its own key beside the shipped one
        text = text.replace('key = "hytec_spine_sbrt_reirradiation"', 'key = "mine"')
    (tmp_path / f"user_{name}").write_text(text.replace(old, new), encoding="utf-8")
    with user_presets(tmp_path):
        code, out, err = run("presets", "check")
        assert code == 1 and key in out and "outside the allowed range" in out, out
        if name == "reirradiation.toml":
            code, _, err = run("cumulative", "30/10", "24/3", "--limits", "mine")
            one_line_exit_2(code, err)


@pytest.mark.parametrize("command", [["constraints", "--fractions", "3"], ["compare", "54/3"],
                                     ["cumulative", "30/10", "24/3", "--limits", "none"]])
def test_alpha_beta_100_is_refused_by_every_command(command: list[str]) -> None:
    """`constraints --alpha-beta 100` was accepted while `compare` refused it (one range source)."""
    code, _, err = run(*command, "--alpha-beta", "100")
    one_line_exit_2(code, err)
    assert "100 Gy is outside the allowed range (>= 0.5 and <= 50 Gy)" in err


# --- messages --------------------------------------------------------------------------------------------------

def test_presets_list_with_an_empty_site_is_refused() -> None:
    """`--site ''` (an empty shell variable) listed every scheme."""
    code, out, err = run("presets", "list", "--site", "")
    one_line_exit_2(code, err)
    assert "unknown site ''" in err and not out


def test_a_folder_given_as_rtplan_is_called_a_folder(tmp_path: Path) -> None:
    """`--rtplan DIR` said "no such file"."""
    code, _, err = run("compare", "--rtplan", str(tmp_path))
    one_line_exit_2(code, err)
    assert "is a folder" in err and "no such file" not in err


@pytest.mark.parametrize(("argv", "option"), [
    (["cumulative", "30/10", "24/3", "--recovery-percent", "1000"], "--recovery-percent"),
    (["cumulative", "30/10", "24/3", "--interval-months", "12", "--alpha-beta", "60", "--limits", "none"],
     "--alpha-beta"),
    (["solve", "--target-eqd2", "1e308", "--alpha-beta", "0.5"], "--target-eqd2"),
    (["solve", "--target-bed", "5000", "--alpha-beta", "10"], "--target-bed"),
    (["solve", "--equivalent-to", "100/1", "--alpha-beta", "0.5"], "--equivalent-to"),
])
def test_messages_name_the_option_not_the_internal_field(argv: list[str], option: str) -> None:
    """`target BED must be ... got inf`, `recovery_percent must be ...`: the user gave neither."""
    code, _, err = run(*argv)
    one_line_exit_2(code, err)
    assert option in err
    for internal in ("recovery_percent", "target_bed_gy", "alpha_beta_gy", "interval_months", "got inf"):
        assert internal not in err, err


def test_no_help_text_shows_a_doubled_percent_sign() -> None:
    """`plan-check --help` printed `R100%%`: argparse %-formats help= but not description=."""
    import argparse

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert len(sub.choices) == len(SUBCOMMANDS)
    texts = [parser.format_help()] + [p.format_help() for p in sub.choices.values()]
    assert not [t for t in texts if "%%" in t]
    assert "R100%" in sub.choices["plan-check"].format_help()


# --- terminal control sequences in file-derived text -----------------------------------------------------

_HOSTILE = "A\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eevil\r"


def _raw_controls(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F
            or c in "\u202e\u2066\u200f"]


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_control_sequences_in_case_labels_never_reach_the_terminal(tmp_path: Path, fmt: str) -> None:
    """A label "A<ESC>]0;pwned<BEL><ESC>[2J" retitled and cleared the terminal of `compare --case`."""
    doc = {"format": "sbrt-calc-case", "format_version": 2, "title": "T" + _HOSTILE,
           "regimens": [{"label": _HOSTILE, "total_dose_gy": 54, "fractions": 3, "note": "n" + _HOSTILE}]}
    p = tmp_path / "esc.sbrt.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    code, out, err = run("compare", "--case", str(p), "--format", fmt)
    assert code == 0, err
    assert not _raw_controls(out)
    if fmt == "json":   # escaped as JSON escapes: the same value when read back
        assert json.loads(out)["regimens"][0]["label"] == _HOSTILE
    else:
        assert "\\x1b]0;pwned" in out


def test_control_sequences_in_an_eligibility_case_and_in_messages(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples" / "case_egfr_bone.toml"
    text = examples.read_text(encoding="utf-8").replace('label = "right iliac bone"',
                                                        'label = "iliac\\u001b[2J\\u009b31m\\u202e"')
    p = tmp_path / "e.toml"
    p.write_text(text, encoding="utf-8")
    for fmt in ("table", "json"):
        code, out, err = run("eligibility", str(p), "--format", fmt)
        assert code in (0, 1), err
        assert not _raw_controls(out) and "iliac" in out
    code, _, err = run("compare", "--case", str(tmp_path / "no\x1b[2Jsuch.sbrt.json"))
    one_line_exit_2(code, err)
    assert not _raw_controls(err) and "\\x1b[2J" in err


def test_control_sequences_in_a_user_preset_never_reach_the_terminal(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(
        'kind = "schemes"\nschema_version = 1\n\n[[schemes]]\nkey = "esc_1"\nsite = "bone"\ntotal_dose_gy = 30.0\n'
        'fractions = 3\ndose_per_fraction_gy = 10.0\nsource = "S\\u001b]0;x\\u0007"\nnote = "N\\u009b2J"\n'
        'verification = "recalled"\n', encoding="utf-8")
    with user_presets(tmp_path):
        for fmt in ("table", "csv"):
            code, out, err = run("presets", "list", "--format", fmt)
            assert code == 0, err
            assert "esc_1" in out and not _raw_controls(out)
