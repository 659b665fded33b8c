"""Whatever a case file holds, the loaders answer with a Case or a clean CaseError, never a crash."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

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


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), json_values.map(json.dumps), near_valid.map(json.dumps)))
def test_saved_case_loader(text: str) -> None:
    clean(loads_case, text, "fuzz.sbrt.json")


@settings(max_examples=300, deadline=None)
@given(st.one_of(json_values, near_valid))
def test_eligibility_case_from_dict(data: Any) -> None:
    clean(EligibilityCase.from_dict, data, "fuzz.toml")


@settings(max_examples=300, deadline=None)
@given(st.one_of(json_values, near_valid))
def test_planning_inputs_from_dict(data: Any) -> None:
    clean(PlanningInputs.from_dict, data)


@settings(max_examples=200, deadline=None)
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
