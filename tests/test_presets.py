"""Presets as audited data: every shipped file loads and passes the check; broken files are
reported with file, key path and value, all at once, and never crash the loader."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from sbrt_calc._paths import shipped_presets_dir
from sbrt_calc.errors import PresetError, SbrtCalcError
from sbrt_calc.presets.loader import (
    check_folder,
    check_presets,
    load_preset_file,
    load_presets,
    parse_preset_data,
    schemes_for_site,
    shipped_presets,
    user_presets_dir,
)
from sbrt_calc.presets.model import GROUPS, MAX_FILE_BYTES, SITES, Scheme, parse_metric

SCHEME_OK = """kind = "schemes"
schema_version = 1

[[schemes]]
key = "lung_peripheral_54_3"
site = "lung_peripheral"
total_dose_gy = 54.0
fractions = 3
dose_per_fraction_gy = 18.0
source = "test source"
verification = "printed"
"""


def write(folder: Path, name: str, text: str | bytes) -> Path:
    p = folder / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def problems_of(path: Path) -> list[str]:
    with pytest.raises(PresetError) as info:
        load_preset_file(path)
    assert isinstance(info.value, SbrtCalcError)
    assert info.value.problems, "a PresetError must list its problems"
    return [str(p) for p in info.value.problems]


# ---------------------------------------------------------------- shipped presets


def test_every_shipped_preset_loads_and_passes_check() -> None:
    report = check_presets(user_dir=None)
    assert report.problems == ()
    names = {Path(f).name for f in report.files}
    assert {"schemes.toml", "radiobiology.toml", "conformity_rtog0915.toml", "reirradiation.toml",
            "constraints_tg101.toml", "constraints_rtog0915.toml", "constraints_rtog0813.toml"} <= names
    ps = report.presets
    assert ps.radiobiology is not None
    assert {c.key for c in ps.constraint_sets} >= {"tg101", "rtog0915", "rtog0813", "hytec_cord"}


def test_shipped_schemes_cover_the_issue_list() -> None:
    """Schemes asked for by issue 3: 36 Gy/3 (seed document 004, 'typical dose'), 34/1, 54/3, 48/4,
    50/5, 55/5, 60/8, spine 24/2 and 27/3, 35/5, brain SRS by size (RTOG 90-05: 24/18/15 Gy)."""
    ps = shipped_presets()
    have = {(s.site, s.total_dose_gy, s.fractions) for s in ps.schemes}
    pairs = {(s.total_dose_gy, s.fractions) for s in ps.schemes}
    for pair in [(36, 3), (34, 1), (54, 3), (48, 4), (50, 5), (55, 5), (60, 8), (35, 5)]:
        assert pair in pairs, pair
    assert ("spine", 24, 2) in have and ("spine", 27, 3) in have
    assert {("brain_srs", d, 1) for d in (24, 18, 15)} <= have
    # the 24-50 Gy in 3-6 fractions range of seed document 004 is populated
    assert len({(d, n) for d, n in pairs if 24 <= d <= 50 and 3 <= n <= 6}) >= 8
    assert {s.site for s in ps.schemes} == set(SITES)


def test_shipped_schemes_each_have_source_and_consistent_physics() -> None:
    for s in shipped_presets().schemes:
        assert s.source.strip() and s.verification in ("printed", "secondary", "recalled")
        assert math.isclose(s.dose_per_fraction_gy * s.fractions, s.total_dose_gy)
        assert s.regimen().label == s.label
        assert s.group in GROUPS


def test_recalled_rows_are_labelled() -> None:
    """reference-data.md marks spine 27/3, adrenal 45/3 and 40/5, liver 60/3 and 50/5 as [R]."""
    ps = shipped_presets()
    for key in ("spine_27_3", "adrenal_45_3", "adrenal_40_5", "liver_60_3", "liver_50_5"):
        assert ps.scheme(key).verification == "recalled", key


def test_brain_srs_labelled_with_size_bin_and_trial_population() -> None:
    """RTOG 90-05 (Shaw 2000) enrolled previously irradiated, recurrent tumours (reference-data.md)."""
    for s in shipped_presets().schemes_for_site("brain_srs"):
        assert "previously irradiated" in s.note and "mm" in s.note


def test_schemes_for_site_matches_site_or_group() -> None:
    ps = shipped_presets()
    lung = ps.schemes_for_site("lung")
    assert {s.site for s in lung} == {"lung_peripheral", "lung_central", "lung_ultracentral"}
    assert all(s.site == "spine" for s in ps.schemes_for_site("spine"))
    with pytest.raises(PresetError, match="unknown site"):
        ps.schemes_for_site("kidney")


def test_module_level_schemes_for_site(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from sbrt_calc.presets import loader as presets

    monkeypatch.setenv("SBRT_CALC_USER_PRESETS", str(tmp_path / "none"))
    presets.reload_presets()
    try:
        assert [s.key for s in schemes_for_site("brain")] == [s.key for s in shipped_presets().schemes_for_site("brain")]
    finally:
        presets.reload_presets()


def test_scheme_dataclass_contract() -> None:
    s = Scheme("k", "bone", "bone", "35 Gy/5", 35.0, 5, "src")
    assert s.dose_per_fraction_gy == 7.0 and s.verification == "printed" and s.note == ""
    assert s.regimen().total_dose_gy == 35.0 and s.regimen().label == "35 Gy/5"


# ---------------------------------------------------------------- user presets


def test_user_presets_add_and_override(tmp_path: Path) -> None:
    write(tmp_path, "mine.toml", SCHEME_OK.replace('source = "test source"', 'source = "my clinic"') + """
[[schemes]]
key = "bone_30_3"
site = "bone"
total_dose_gy = 30.0
fractions = 3
dose_per_fraction_gy = 10.0
source = "my clinic"
verification = "recalled"
""")
    ps = load_presets(user_dir=tmp_path)
    assert ps.scheme("lung_peripheral_54_3").source == "my clinic"
    assert ps.scheme("bone_30_3").path.endswith("mine.toml")
    assert len(ps.schemes) == len(shipped_presets().schemes) + 1
    # the shipped file is untouched
    assert "my clinic" not in (shipped_presets_dir() / "schemes.toml").read_text(encoding="utf-8")


def test_user_dir_errors_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "bad.toml", SCHEME_OK.replace("fractions = 3", "fractions = 0"))
    with pytest.raises(PresetError) as info:
        load_presets(user_dir=tmp_path)
    assert any("bad.toml: schemes[0].fractions" in p and "(got 0)" in p for p in info.value.problems)


def test_user_presets_dir_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SBRT_CALC_USER_PRESETS", str(tmp_path))
    assert user_presets_dir() == tmp_path
    monkeypatch.delenv("SBRT_CALC_USER_PRESETS")
    monkeypatch.setenv("SBRT_CALC_DATA_DIR", str(tmp_path))
    assert user_presets_dir() == tmp_path / "presets"


# ---------------------------------------------------------------- broken files


def test_wrong_types_reported_with_file_key_and_value(tmp_path: Path) -> None:
    p = write(tmp_path, "s.toml", SCHEME_OK.replace("total_dose_gy = 54.0", 'total_dose_gy = "54"')
              .replace("fractions = 3", "fractions = 3.5"))
    probs = problems_of(p)
    assert any(x.startswith(f"{p}: schemes[0].total_dose_gy: must be a number") and "(got '54')" in x for x in probs)
    assert any(f"{p}: schemes[0].fractions:" in x and "(got 3.5)" in x for x in probs)
    assert len(probs) >= 2  # every problem at once


def test_negative_dose_and_zero_fractions(tmp_path: Path) -> None:
    p = write(tmp_path, "s.toml", SCHEME_OK.replace("total_dose_gy = 54.0", "total_dose_gy = -54.0")
              .replace("fractions = 3", "fractions = 0"))
    probs = problems_of(p)
    assert any("schemes[0].total_dose_gy: must be > 0 (got -54.0)" in x for x in probs)
    assert any("schemes[0].fractions: must be from 1 to 100 (got 0)" in x for x in probs)


def test_inconsistent_dose_per_fraction(tmp_path: Path) -> None:
    p = write(tmp_path, "s.toml", SCHEME_OK.replace("dose_per_fraction_gy = 18.0", "dose_per_fraction_gy = 16.0"))
    probs = problems_of(p)
    assert any("schemes[0].dose_per_fraction_gy: inconsistent: 54 Gy / 3 = 18 Gy" in x for x in probs)


def test_unknown_key_is_an_error(tmp_path: Path) -> None:
    p = write(tmp_path, "s.toml", SCHEME_OK.replace("fractions = 3", "fractions = 3\nfractoins = 3"))
    probs = problems_of(p)
    assert any("schemes[0].fractoins: unknown key" in x for x in probs)
    p2 = write(tmp_path, "t.toml", SCHEME_OK.replace('kind = "schemes"', 'kind = "schemes"\ncomment = 1'))
    assert any("comment: unknown key" in x for x in problems_of(p2))


def test_missing_and_empty_source(tmp_path: Path) -> None:
    p = write(tmp_path, "s.toml", SCHEME_OK.replace('source = "test source"\n', ""))
    assert any("schemes[0].source: missing" in x for x in problems_of(p))
    p = write(tmp_path, "s2.toml", SCHEME_OK.replace('source = "test source"', 'source = "  "'))
    assert any("schemes[0].source: is empty" in x for x in problems_of(p))


def test_not_toml_at_all(tmp_path: Path) -> None:
    p = write(tmp_path, "s.toml", "this is { not toml")
    probs = problems_of(p)
    assert probs[0].startswith(f"{p}: <file>: not valid TOML")


def test_not_utf8(tmp_path: Path) -> None:
    p = write(tmp_path, "s.toml", b'kind = "schemes"\nsource = "\xff\xfe"\n')
    assert "not UTF-8" in problems_of(p)[0]


def test_fifty_megabyte_file_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "huge.toml"
    with open(p, "wb") as fh:  # sparse 50 MB file: cheap to create
        fh.seek(50 * 1024 * 1024 - 1)
        fh.write(b"\0")
    import builtins

    real_open = builtins.open

    def guarded_open(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(file) == str(p):
            raise AssertionError("the huge file must not be opened")
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    probs = problems_of(p)
    assert "above the 5 MB limit" in probs[0] and str(50 * 1024 * 1024) in probs[0]
    assert MAX_FILE_BYTES == 5 * 1024 * 1024


def test_unknown_kind_and_schema_version(tmp_path: Path) -> None:
    p = write(tmp_path, "s.toml", SCHEME_OK.replace('kind = "schemes"', 'kind = "scheme"'))
    assert any("kind: must be one of" in x and "(got 'scheme')" in x for x in problems_of(p))
    p = write(tmp_path, "v.toml", SCHEME_OK.replace("schema_version = 1", "schema_version = 2"))
    assert any("schema_version: must be 1 (got 2)" in x for x in problems_of(p))
    p = write(tmp_path, "k.toml", "schema_version = 1\n")
    assert any("kind: missing" in x for x in problems_of(p))


def test_duplicates_in_one_folder(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", SCHEME_OK)
    write(tmp_path, "b.toml", SCHEME_OK)
    write(tmp_path, "c.toml", SCHEME_OK.replace('key = "lung_peripheral_54_3"', 'key = "other"'))
    report = check_folder(tmp_path)
    assert any("b.toml" in x and "duplicate key" in x for x in report.problems)
    assert any("c.toml" in x and "same site, dose and fractions" in x for x in report.problems)


def test_constraint_problems(tmp_path: Path) -> None:
    text = """kind = "constraints"
schema_version = 1
[set]
key = "x"
name = "X"
source = "s"
fractions = [1, 3]
verification = "printed"
[[constraints]]
organ = "SpinalCord"
metric = "D0.35cc[Gy]"
fractions = 3
comparison = "<"
limit = 18.0
unit = "%"
[[constraints]]
organ = "Lungs"
metric = "CV7Gy[cc]"
fractions = 1
comparison = "<="
limit = 1500.0
unit = "cc"
[[constraints]]
organ = "Esophagus"
metric = "Dmax"
fractions = 5
comparison = "<"
limit = -1
unit = "Gy"
"""
    probs = problems_of(write(tmp_path, "c.toml", text))
    assert any("constraints[0].unit: does not match the metric D0.35cc[Gy]" in x for x in probs)
    assert any("constraints[1].comparison: a critical-volume limit" in x for x in probs)
    assert any("constraints[2].metric: not a TG-263 metric" in x and "(got 'Dmax')" in x for x in probs)
    assert any("constraints[2].limit: must be > 0 (got -1)" in x for x in probs)
    assert any("constraints[2].fractions: not one of the set's columns" in x for x in probs)


def test_conformity_rows_must_increase(tmp_path: Path) -> None:
    src = (shipped_presets_dir() / "conformity_rtog0915.toml").read_text(encoding="utf-8")
    bad = src.replace("{ ptv_cc = 3.8,", "{ ptv_cc = 1.0,").replace("r50_minor = 7.5", "r50_minor = 5.0")
    probs = problems_of(write(tmp_path, "c.toml", bad))
    assert any("rows[1].ptv_cc: rows must be in increasing PTV volume" in x for x in probs)
    assert any("rows[0].r50_minor: must be >= r50_none (5.9)" in x for x in probs)


def test_radiobiology_kind_is_validated_by_defaults(tmp_path: Path) -> None:
    src = (shipped_presets_dir() / "radiobiology.toml").read_text(encoding="utf-8")
    probs = problems_of(write(tmp_path, "r.toml", src.replace("alpha_beta_gy = 10.0", "alpha_beta_gy = -10.0")))
    assert any("tissues[0].alpha_beta_gy" in x for x in probs)


def test_edited_copy_of_shipped_folder(tmp_path: Path) -> None:
    """The physicist's workflow: copy presets/, edit a number, run the check."""
    dst = tmp_path / "presets"
    shutil.copytree(shipped_presets_dir(), dst)
    assert check_folder(dst).ok
    f = dst / "schemes.toml"
    f.write_text(f.read_text(encoding="utf-8").replace("total_dose_gy = 54.0", "total_dose_gy = 45.0", 1),
                 encoding="utf-8")
    report = check_folder(dst)
    assert not report.ok
    assert any("schemes.toml: schemes[3].dose_per_fraction_gy: inconsistent" in x for x in report.problems)


def test_check_folder_missing_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(PresetError, match="no such file"):
        check_folder(tmp_path / "nope")


def test_parse_preset_data_rejects_non_tables() -> None:
    for data in (None, [], "x", 3, {"kind": "schemes", "schema_version": 1, "schemes": "no"}):
        with pytest.raises(PresetError):
            parse_preset_data(data)


@pytest.mark.parametrize("text,kind,unit", [
    ("Max[Gy]", "Max", "Gy"), ("D0.35cc[Gy]", "D", "Gy"), ("V20Gy[%]", "V", "%"), ("CV7Gy[cc]", "CV", "cc"),
    ("Max[%]", "Max", "%"), ("D95%[%]", "D", "%"),
])
def test_parse_metric(text: str, kind: str, unit: str) -> None:
    m = parse_metric(text)
    assert m is not None and m.kind == kind and m.unit == unit


@pytest.mark.parametrize("text", ["Dmax", "V20", "D0.35cc", "V20cc[Gy]", "D5Gy[Gy]", "", "Max[mm]"])
def test_parse_metric_rejects(text: str) -> None:
    assert parse_metric(text) is None
