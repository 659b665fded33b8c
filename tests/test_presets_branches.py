"""Branches of the preset validator and loader that a physicist editing ``presets/`` relies on: each refusal
names the file, the key and what is allowed; valid edge cases parse to the values written."""

from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from sbrt_calc._paths import shipped_presets_dir
from sbrt_calc.errors import PresetError
from sbrt_calc.presets.check import _Checker
from sbrt_calc.presets.loader import (
    check_folder,
    check_presets,
    load_preset_file,
    parse_preset_data,
    parse_toml_bytes,
)

SCHEME: dict[str, Any] = {
    "key": "lung_peripheral_54_3", "site": "lung_peripheral", "total_dose_gy": 54.0, "fractions": 3,
    "dose_per_fraction_gy": 18.0, "source": "test source", "verification": "printed",
}
CONSTRAINT: dict[str, Any] = {
    "organ": "SpinalCord", "metric": "Max[Gy]", "fractions": 3, "comparison": "<=", "limit": 18.0, "unit": "Gy",
}
ROWS = [
    {"ptv_cc": 1.8, "r50_none": 5.9, "r50_minor": 7.5, "d2cm_percent_none": 50.0, "d2cm_percent_minor": 57.0},
    {"ptv_cc": 3.8, "r50_none": 5.5, "r50_minor": 6.5, "d2cm_percent_none": 50.0, "d2cm_percent_minor": 57.0},
]
LIMIT: dict[str, Any] = {
    "key": "spine_reirr", "name": "Spine", "organ": "SpinalCanal", "metric": "Max[Gy]", "alpha_beta_gy": 2.0,
    "max_cumulative_eqd2_gy": 70.0, "source": "test source", "verification": "printed",
}


def schemes(*entries: Any) -> dict[str, Any]:
    return {"kind": "schemes", "schema_version": 1, "schemes": list(entries)}


def scheme(**changes: Any) -> dict[str, Any]:
    return {**SCHEME, **changes}


def constraints(*entries: Any, set_changes: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    meta = {"key": "test_set", "name": "Test set", "source": "set source", "fractions": [3],
            "verification": "printed", **(set_changes or {})}
    return {"kind": "constraints", "schema_version": 1, "set": meta,
            "constraints": list(entries) if entries else [dict(CONSTRAINT)], **top}


def constraint(**changes: Any) -> dict[str, Any]:
    return {**CONSTRAINT, **changes}


def conformity(**changes: Any) -> dict[str, Any]:
    base = {"kind": "conformity", "schema_version": 1, "key": "conf_test", "name": "Conformity", "source": "src",
            "verification": "printed", "r100_none": 1.2, "r100_minor": 1.5, "rows": copy.deepcopy(ROWS)}
    return {**base, **changes}


def reirradiation(*entries: Any) -> dict[str, Any]:
    return {"kind": "reirradiation", "schema_version": 1, "limits": list(entries)}


def limit(**changes: Any) -> dict[str, Any]:
    return {**LIMIT, **changes}


def refusals(data: Any) -> list[str]:
    with pytest.raises(PresetError) as info:
        parse_preset_data(data, "p.toml")
    return [str(p) for p in info.value.problems]


def one(problems: list[str], needle: str) -> str:
    hits = [p for p in problems if needle in p]
    assert hits, f"{needle!r} not in {problems}"
    return hits[0]


# ---------------------------------------------------------------- check.py: the value checks


def test_checker_number_refuses_non_finite_below_minimum_and_above_maximum() -> None:
    check = _Checker("f.toml")
    assert check.number({"x": float("nan")}, "x", "t") is None
    assert check.number({"x": 0.5}, "x", "t", minimum=1.0) is None
    assert check.number({"x": 101.0}, "x", "t", maximum=100.0) is None
    assert check.number({"x": 0.0}, "x", "t", positive=False, minimum=0.0) == 0.0
    assert check.problems == [
        "f.toml: t.x: must be a finite number (got nan)",
        "f.toml: t.x: must be >= 1 (got 0.5)",
        "f.toml: t.x: must be <= 100 (got 101.0)",
    ]


def test_scheme_site_outside_choices_names_the_allowed_sites() -> None:
    msg = one(refusals(schemes(scheme(site="moon"))), "schemes[0].site")
    assert "must be one of" in msg and "lung_peripheral" in msg and "'moon'" in msg


def test_missing_schema_version_is_reported_once_as_missing() -> None:
    problems = refusals({"kind": "schemes", "schemes": [scheme()]})
    assert problems == ["p.toml: schema_version: missing"]


def test_optional_text_absent_gives_default_and_label_is_derived() -> None:
    got = parse_preset_data(schemes(scheme()), "p.toml")
    (s,) = got.schemes
    assert s.label == "54 Gy/3"
    assert s.note == ""
    assert s.chest_wall is None
    assert (s.total_dose_gy, s.fractions, s.path) == (54.0, 3, "p.toml")


# ---------------------------------------------------------------- parse.py: schemes


def test_scheme_entry_that_is_not_a_table() -> None:
    assert refusals(schemes("oops")) == ["p.toml: schemes[0]: must be a table, not text (got 'oops')"]


def test_scheme_key_with_capitals_is_refused() -> None:
    msg = one(refusals(schemes(scheme(key="Lung 54"))), "schemes[0].key")
    assert "lower-case letters" in msg and "'Lung 54'" in msg


def test_scheme_size_bin_must_have_min_below_max() -> None:
    msg = one(refusals(schemes(scheme(min_size_mm=30.0, max_size_mm=20.0))), "schemes[0].min_size_mm")
    assert "must be below max_size_mm (20)" in msg


def test_scheme_size_bin_and_chest_wall_parsed() -> None:
    (s,) = parse_preset_data(schemes(scheme(min_size_mm=10.0, max_size_mm=20.0, chest_wall="abutting",
                                            label="54/3 custom", note="n")), "p.toml").schemes
    assert (s.min_size_mm, s.max_size_mm, s.chest_wall, s.label, s.note) == (10.0, 20.0, "abutting", "54/3 custom", "n")


# ---------------------------------------------------------------- parse.py: constraints


def test_constraint_set_without_set_table_reports_it_missing() -> None:
    data = constraints()
    del data["set"]
    assert refusals(data) == ["p.toml: set: missing"]


def test_constraint_set_key_format() -> None:
    msg = one(refusals(constraints(set_changes={"key": "TG 101"})), "set.key")
    assert "lower-case letters" in msg


def test_constraint_set_omitted_must_be_texts() -> None:
    msg = one(refusals(constraints(set_changes={"omitted": ["ok", ""]})), "set.omitted")
    assert "must be an array of texts" in msg


def test_constraint_set_omitted_and_errata_parsed() -> None:
    got = parse_preset_data(constraints(set_changes={"omitted": ["5 fractions"], "errata": "none seen"}), "p.toml")
    (cs,) = got.constraint_sets
    assert cs.omitted == ("5 fractions",)
    assert cs.errata == "none seen"
    assert cs.constraints[0].source == "set source"  # the set's source when the row gives none
    assert cs.constraints[0].verification == "printed"


def test_constraint_set_fractions_missing_then_any_fraction_count_is_accepted() -> None:
    data = constraints(constraint(fractions=5))
    del data["set"]["fractions"]
    assert refusals(data) == ["p.toml: set.fractions: missing"]


def test_constraint_set_fractions_must_be_non_empty() -> None:
    msg = one(refusals(constraints(set_changes={"fractions": []})), "set.fractions")
    assert "non-empty array of fraction counts" in msg


def test_constraint_set_duplicate_fraction_column() -> None:
    msg = one(refusals(constraints(set_changes={"fractions": [3, 3]})), "set.fractions[1]")
    assert "duplicate fraction count" in msg


def test_constraint_set_fraction_column_out_of_range() -> None:
    msg = one(refusals(constraints(set_changes={"fractions": [3, 0]})), "set.fractions[1]")
    assert "must be from 1 to 100" in msg


def test_constraints_array_must_be_non_empty() -> None:
    data = constraints()
    data["constraints"] = []
    msg = one(refusals(data), "p.toml: constraints:")
    assert "non-empty array of tables" in msg


def test_constraint_entry_not_a_table() -> None:
    msg = one(refusals(constraints("oops")), "constraints[0]")
    assert "must be a table" in msg


def test_constraint_organ_must_be_a_structure_name() -> None:
    msg = one(refusals(constraints(constraint(organ="spinal cord"))), "constraints[0].organ")
    assert "TG-263 structure name" in msg


def test_constraint_maximum_metric_refuses_minimum_comparison() -> None:
    msg = one(refusals(constraints(constraint(comparison=">="))), "constraints[0].comparison")
    assert "a Max limit is a maximum: use '<' or '<='" in msg


def test_constraint_dose_limit_implausible_per_fraction() -> None:
    msg = one(refusals(constraints(constraint(limit=400.0))), "constraints[0].limit")
    assert "above 100 Gy per fraction" in msg


def test_constraint_volume_percentage_above_100() -> None:
    msg = one(refusals(constraints(constraint(organ="Lungs", metric="V20Gy[%]", unit="%", limit=150.0))),
              "constraints[0].limit")
    assert "a volume percentage must be <= 100" in msg


def test_constraint_dose_percentage_above_200() -> None:
    msg = one(refusals(constraints(constraint(organ="Lungs", metric="D95%[%]", unit="%", limit=250.0))),
              "constraints[0].limit")
    assert "(> 200 %)" in msg


def test_constraint_fraction_count_not_a_set_column() -> None:
    msg = one(refusals(constraints(constraint(fractions=5))), "constraints[0].fractions")
    assert "not one of the set's columns [3]" in msg


def test_duplicate_constraint_row_names_the_first() -> None:
    msg = one(refusals(constraints(constraint(), constraint(limit=20.0))), "constraints[1]")
    assert "duplicate of constraints[0] (SpinalCord Max[Gy], 3 fractions)" in msg


def test_set_column_without_constraints() -> None:
    msg = one(refusals(constraints(set_changes={"fractions": [3, 5]})), "set.fractions")
    assert "column 5 has no constraints" in msg


def test_unresolved_must_be_an_array_of_tables() -> None:
    msg = one(refusals(constraints(unresolved="x")), "p.toml: unresolved:")
    assert "must be an array of tables ([[unresolved]])" in msg


def test_unresolved_entry_checks_table_and_fraction_column() -> None:
    row = {"organ": "Liver", "metric": "D700cc[Gy]", "fractions": 5, "candidates": "17.1 or 19.2",
           "note": "not settled"}
    problems = refusals(constraints(unresolved=["oops", row]))
    assert "must be a table" in one(problems, "unresolved[0]")
    assert "not one of the set's columns [3]" in one(problems, "unresolved[1].fractions")


def test_unresolved_row_parsed_with_set_source_fallback() -> None:
    row = {"organ": "Liver", "metric": "D700cc[Gy]", "fractions": 3, "candidates": "17.1 or 19.2",
           "note": "not settled"}
    (cs,) = parse_preset_data(constraints(unresolved=[row]), "p.toml").constraint_sets
    (u,) = cs.unresolved
    assert (u.organ, u.fractions, u.candidates, u.source) == ("Liver", 3, "17.1 or 19.2", "set source")


# ---------------------------------------------------------------- parse.py: conformity


def test_conformity_key_format() -> None:
    msg = one(refusals(conformity(key="Conf Test")), "p.toml: key:")
    assert "lower-case letters" in msg


def test_conformity_r100_minor_below_none() -> None:
    msg = one(refusals(conformity(r100_none=1.5, r100_minor=1.2)), "r100_minor")
    assert "must be >= r100_none (1.5)" in msg


def test_conformity_needs_at_least_two_rows() -> None:
    msg = one(refusals(conformity(rows=ROWS[:1])), "p.toml: rows:")
    assert "at least 2 row tables" in msg


def test_conformity_row_not_a_table_and_missing_ptv() -> None:
    bad = dict(ROWS[1])
    del bad["ptv_cc"]
    problems = refusals(conformity(rows=["oops", bad]))
    assert "must be a table" in one(problems, "rows[0]")
    assert "missing" in one(problems, "rows[1].ptv_cc")


def test_conformity_d2cm_minor_below_none() -> None:
    rows = copy.deepcopy(ROWS)
    rows[1]["d2cm_percent_minor"] = 40.0
    msg = one(refusals(conformity(rows=rows)), "rows[1].d2cm_percent_minor")
    assert "must be >= d2cm_percent_none (50)" in msg


def test_conformity_default_r100_comparison_is_strict() -> None:
    (ct,) = parse_preset_data(conformity(), "p.toml").conformity
    assert ct.r100_comparison == "<"
    assert len(ct.rows) == 2


# ---------------------------------------------------------------- parse.py: re-irradiation


def test_reirradiation_limit_not_a_table() -> None:
    assert "must be a table" in one(refusals(reirradiation("oops")), "limits[0]")


def test_reirradiation_key_format() -> None:
    assert "lower-case letters" in one(refusals(reirradiation(limit(key="Spine Reirr"))), "limits[0].key")


def test_reirradiation_metric_must_be_a_dose_in_gy() -> None:
    msg = one(refusals(reirradiation(limit(metric="V20Gy[%]"))), "limits[0].metric")
    assert "must be a dose metric in Gy" in msg


def test_reirradiation_metric_missing() -> None:
    data = limit()
    del data["metric"]
    assert refusals(reirradiation(data)) == ["p.toml: limits[0].metric: missing"]


def test_reirradiation_course_above_cumulative() -> None:
    msg = one(refusals(reirradiation(limit(max_reirradiation_course_eqd2_gy=80.0))),
              "limits[0].max_reirradiation_course_eqd2_gy")
    assert "must not exceed max_cumulative_eqd2_gy (70)" in msg


def test_reirradiation_alpha_beta_outside_range() -> None:
    problems = refusals(reirradiation(limit(alpha_beta_gy=1000.0)))
    assert one(problems, "limits[0].alpha_beta_gy")


def test_reirradiation_optional_limits_absent_parse_as_none() -> None:
    (r,) = parse_preset_data(reirradiation(limit()), "p.toml").reirradiation
    assert r.max_reirradiation_course_eqd2_gy is None
    assert r.max_reirradiation_share is None
    assert r.alpha_beta_gy == 2.0 and r.max_cumulative_eqd2_gy == 70.0


# ---------------------------------------------------------------- loader.py


def test_bom_at_start_of_file_is_accepted() -> None:
    check = _Checker("f.toml")
    assert parse_toml_bytes('\ufeffkind = "schemes"\n'.encode(), check) == {"kind": "schemes"}
    assert check.problems == []


def test_deeply_nested_toml_reported_not_raised() -> None:
    check = _Checker("f.toml")
    assert parse_toml_bytes(b"x = " + b"[" * 100_000 + b"]" * 100_000, check) is None
    assert len(check.problems) == 1 and check.problems[0].startswith("f.toml: <file>: not ")


def test_missing_file_reported_with_reason(tmp_path: Path) -> None:
    with pytest.raises(PresetError) as info:
        load_preset_file(tmp_path / "absent.toml")
    (p,) = info.value.problems
    assert "absent.toml: <file>: cannot read: " in p


def test_folder_given_as_a_preset_file(tmp_path: Path) -> None:
    with pytest.raises(PresetError) as info:
        load_preset_file(tmp_path)
    assert list(info.value.problems) == [f"{tmp_path}: <file>: not a regular file"]


def test_second_radiobiology_file_in_one_folder(tmp_path: Path) -> None:
    src = shipped_presets_dir() / "radiobiology.toml"
    shutil.copy(src, tmp_path / "a.toml")
    shutil.copy(src, tmp_path / "b.toml")
    report = check_folder(tmp_path)
    msg = one(list(report.problems), "b.toml: kind:")
    assert "a second radiobiology file in the same folder" in msg and "a.toml" in msg
    assert report.presets.radiobiology is not None


def test_check_folder_on_one_file(tmp_path: Path) -> None:
    f = tmp_path / "s.toml"
    f.write_text('kind = "schemes"\nschema_version = 1\n[[schemes]]\nkey = "lung_peripheral_54_3"\n'
                 'site = "lung_peripheral"\ntotal_dose_gy = 54.0\nfractions = 3\ndose_per_fraction_gy = 18.0\n'
                 'source = "s"\nverification = "printed"\n', encoding="utf-8")
    report = check_folder(f)
    assert report.problems == ()
    assert report.files == (str(f),)
    assert [s.key for s in report.presets.schemes] == ["lung_peripheral_54_3"]


def test_folder_with_unreadable_and_broken_files(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_bytes(b"\xff\xfe")
    (tmp_path / "ignored.txt").write_text("not a preset", encoding="utf-8")
    report = check_folder(tmp_path)
    assert report.files == (str(tmp_path / "bad.toml"),)
    assert len(report.problems) == 1 and "not UTF-8 text" in report.problems[0]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions, not root")
def test_unlistable_folder_reported(tmp_path: Path) -> None:
    d = tmp_path / "locked"
    d.mkdir()
    d.chmod(0)
    try:
        report = check_folder(d)
    finally:
        d.chmod(0o700)
    assert len(report.problems) == 1 and "<folder>: cannot list:" in report.problems[0]


def test_duplicate_constraint_set_key_in_one_folder(tmp_path: Path) -> None:
    src = shipped_presets_dir() / "constraints_rtog0915.toml"
    shutil.copy(src, tmp_path / "a.toml")
    shutil.copy(src, tmp_path / "b.toml")
    report = check_folder(tmp_path)
    msg = one(list(report.problems), "b.toml: key:")
    assert "duplicate constraint set key (first in" in msg and "'rtog0915'" in msg
    assert len(report.presets.constraint_sets) == 1


def test_missing_shipped_folder_is_a_problem(tmp_path: Path) -> None:
    report = check_presets(user_dir=None, shipped_dir=tmp_path / "nowhere")
    assert any("the shipped presets folder is missing" in p for p in report.problems)


def test_reirradiation_limits_must_be_non_empty() -> None:
    msg = one(refusals({"kind": "reirradiation", "schema_version": 1, "limits": []}), "p.toml: limits:")
    assert "must be a non-empty array of tables ([[limits]])" in msg


def test_constraint_without_fractions_is_reported_missing() -> None:
    data = constraint()
    del data["fractions"]
    assert refusals(constraints(data)) == ["p.toml: constraints[0].fractions: missing"]
