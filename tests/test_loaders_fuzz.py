"""Whatever a case file holds, the loaders answer with a Case or a clean CaseError, never a crash."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples

from sbrt_calc.case import loads_case
from sbrt_calc.eligibility.case import Case as EligibilityCase
from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.planning.section import PlanningInputs

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.text(max_size=10), inner, max_size=5)),
                           max_leaves=15)
keys = st.sampled_from(["format", "format_version", "title", "identifier", "regimens", "settings", "eligibility",
                        "planning", "label", "total_dose_gy", "fractions", "model", "therapy_class", "lesions",
                        "site", "status", "ecog", "ptv_cc", "cumulative", "courses"])
near_valid = st.dictionaries(st.one_of(keys, st.text(max_size=6)), json_values, max_size=8)


def clean(fn: Any, *args: Any) -> None:
    try:
        fn(*args)
    except SbrtCalcError as exc:
        assert str(exc) and "\n" not in str(exc).strip()


@settings(max_examples=examples(300), deadline=None)
@given(st.one_of(st.text(max_size=200), json_values.map(json.dumps), near_valid.map(json.dumps)))
def test_saved_case_loader(text: str) -> None:
    clean(loads_case, text, "fuzz.sbrt.json")


@settings(max_examples=examples(300), deadline=None)
@given(st.one_of(json_values, near_valid))
def test_eligibility_case_from_dict(data: Any) -> None:
    clean(EligibilityCase.from_dict, data, "fuzz.toml")


@settings(max_examples=examples(300), deadline=None)
@given(st.one_of(json_values, near_valid))
def test_planning_inputs_from_dict(data: Any) -> None:
    clean(PlanningInputs.from_dict, data)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.text(max_size=16), min_size=1, max_size=3))
def test_cli_compare_any_text_is_answer_or_clean_error(argv_tail: list[str]) -> None:
    """`sbrt-calc compare <anything>`: exit 0 with output, or exit 2 with one line; never an internal error."""
    import contextlib
    import io

    from sbrt_calc.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["compare", "--format", "json", "--", *argv_tail])
        except SystemExit as exc:  # argparse's own exits (--help) are not reached after "--"
            code = int(exc.code or 0)
    assert code in (0, 2), err.getvalue()
    if code == 2:
        assert err.getvalue().count("\n") == 1 and "Traceback" not in err.getvalue()
    else:
        assert json.loads(out.getvalue())["regimens"]


# --- issue 20: classes that must stay fixed -------------------------------------------------------------------

_finite = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                    st.text(max_size=8))


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.one_of(keys, st.text(max_size=6)), _finite, max_size=6), st.one_of(keys, st.text(max_size=6)),
       st.booleans())
def test_a_key_given_twice_is_refused_naming_it(doc: dict[str, Any], key: str, nested: bool) -> None:
    """Python's json keeps the last of two equal keys: the case loader refuses them, at any depth (issue 20)."""
    inner = json.dumps({**doc, key: 1})
    twice = "{" + json.dumps(key) + ": 0, " + inner[1:]
    text = json.dumps({"format": "sbrt-calc-case", "format_version": 2, "planning": "X"}).replace('"X"', twice) \
        if nested else twice
    try:
        loads_case(text, "f.sbrt.json")
    except SbrtCalcError as exc:
        assert f"{key!r} appears twice" in str(exc) or f"{key[:57]!r}" in str(exc), str(exc)
        return
    raise AssertionError(f"accepted a key twice: {text[:200]}")


@settings(max_examples=80, deadline=None)
@given(st.floats(0.5, 50.0), st.floats(0.5, 50.0))
def test_alpha_beta_keys_are_distinct_and_read_back(a: float, b: float) -> None:
    from sbrt_calc.number_keys import ab_key

    assert float(ab_key(a)) == a and (ab_key(a) == ab_key(b)) == (a == b)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=40))
def test_cli_output_never_carries_a_terminal_control_character(label: str) -> None:
    import io as io_

    from sbrt_calc.cli.output import emit, to_json

    for text in (label, to_json({"label": label})):
        buf = io_.StringIO()
        emit(text, buf)
        assert not [c for c in buf.getvalue() if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F
                    or c in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"]
    assert json.loads(to_json({"label": label}))["label"] == label   # JSON: the same value, escaped
