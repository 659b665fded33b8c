"""Branches of the core left untested: solve refusals and error rows, constraints CLI output shapes,
case-file refusals naming the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sbrt_calc.case import CaseSettings, case_from_dict, load_case, loads_case
from sbrt_calc.cli.main import main
from sbrt_calc.errors import CaseError, ModelParameterError, PresetError
from sbrt_calc.models import LQ, USC
from sbrt_calc.radiobiology.solve import reaching_total_gy, solve_for_bed

# --- radiobiology/solve.py -------------------------------------------------------------------------

def test_solve_lq_without_alpha_beta_is_refused() -> None:
    with pytest.raises(ModelParameterError) as ei:
        solve_for_bed(100.0, [3], LQ(), None)
    assert ei.value.field == "alpha_beta_gy"
    assert "needs an alpha/beta" in ei.value.message


def test_solve_usc_with_alpha_beta_is_refused_and_names_it() -> None:
    with pytest.raises(ModelParameterError) as ei:
        solve_for_bed(100.0, [3], USC(), 10.0)
    assert ei.value.field == "alpha_beta_gy"
    assert ei.value.value == 10.0
    assert "not 10 Gy" in ei.value.message


@pytest.mark.parametrize("n", [0, 101, True, 2.0])
def test_solve_bad_fraction_count_is_refused(n: object) -> None:
    with pytest.raises(ModelParameterError) as ei:
        solve_for_bed(100.0, [n], LQ(), 10.0)   # type: ignore[list-item]
    assert ei.value.field == "fractions"
    assert repr(n) in ei.value.message


def test_solve_lq_dose_matches_formula() -> None:
    # n d (1 + d/ab) = BED  ->  d = ab/2 (sqrt(1 + 4 BED/(n ab)) - 1)
    (sol,) = solve_for_bed(100.0, [3], LQ(), 10.0)
    expected = 10.0 / 2 * ((1 + 4 * 100.0 / (3 * 10.0)) ** 0.5 - 1)
    assert sol.dose_per_fraction_gy == pytest.approx(expected)
    assert sol.total_dose_gy == pytest.approx(3 * expected)
    assert sol.error is None
    d = sol.as_dict()
    assert "error" not in d
    assert d["fractions"] == 3 and d["warnings"]   # 13.9 Gy/fx: the LQ high-dose caveat


def test_solve_usc_dose_above_regimen_limit_is_an_error_row() -> None:
    (sol,) = solve_for_bed(1000.0, [1], USC())
    assert sol.error is not None and "100 Gy limit" in sol.error
    assert sol.caveats == ()
    assert sol.as_dict()["error"] == sol.error


def test_reaching_total_usc_reaches_target() -> None:
    from sbrt_calc.radiobiology.solve import model_bed
    from sbrt_calc.regimen import Regimen

    (sol,) = solve_for_bed(100.0, [3], USC())
    total = reaching_total_gy(sol, 100.0, USC())
    assert total >= sol.total_dose_gy
    assert model_bed(USC(), Regimen(total, 3), None) >= 100.0


# --- cli/constraints.py ----------------------------------------------------------------------------

def test_constraints_csv_has_header_and_converted_rows(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["constraints", "--fractions", "3", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("set,organ,metric,comparison,limit")
    assert any(line.startswith("rtog0915,SpinalCord,") and ",True,4," in line for line in lines)


def test_constraints_csv_organ_filter(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["constraints", "--fractions", "3", "--organ", "spinalcord", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()[1:]
    assert rows and all(r.split(",")[1] == "SpinalCord" for r in rows)


def test_constraints_text_marks_converted_limits(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["constraints", "--fractions", "3", "--set", "rtog0915"]) == 0
    out = capsys.readouterr().out
    assert "CONVERTED from Max[Gy] 26 in 4 fx" in out
    assert out.rstrip().endswith("check every limit against the source and your protocol.")


def test_constraints_text_organ_not_in_set(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["constraints", "--fractions", "3", "--set", "hytec_cord", "--organ", "Esophagus"]) == 0
    out = capsys.readouterr().out
    assert "(no limit for this organ)" in out
    assert "SpinalCord  Max[Gy]" not in out


def test_constraints_unknown_organ_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["constraints", "--fractions", "3", "--organ", "Bowel"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'Bowel'" in err[0]


# --- case.py -----------------------------------------------------------------------------------------

def _doc(**extra: object) -> dict[str, object]:
    doc: dict[str, object] = {"format": "sbrt-calc-case", "format_version": 1}
    doc.update(extra)
    return doc


def test_case_settings_time_correction_must_be_bool() -> None:
    with pytest.raises(CaseError) as ei:
        CaseSettings(time_correction=1)   # type: ignore[arg-type]
    assert ei.value.field == "settings.time_correction"


@pytest.mark.parametrize("value", [0, -1.0, 1001, True, float("nan"), "70"])
def test_case_settings_flag_bed_out_of_range(value: object) -> None:
    with pytest.raises(CaseError) as ei:
        CaseSettings(flag_bed_gy=value)   # type: ignore[arg-type]
    assert ei.value.field == "settings.flag_bed_gy"


def test_case_settings_usc_without_shoulder_refused() -> None:
    with pytest.raises(CaseError) as ei:
        CaseSettings(usc_alpha_per_gy=0.5, usc_d0_gy=2.5)
    assert ei.value.field == "settings.usc_d0_gy"
    assert "< 1" in ei.value.message


@pytest.mark.parametrize(("doc", "key"), [
    ([], "<top>"),
    (_doc(format_version=0), "format_version"),
    (_doc(settings=[]), "settings"),
    (_doc(settings={"colour": "red"}), "settings.colour"),
    (_doc(regimens=[5]), "regimens[0]"),
    (_doc(regimens=[{"invalid_input": {"regimen": "x"}, "fractions": 3}]), "regimens[0].fractions"),
    (_doc(regimens=[{"invalid_input": {}}]), "regimens[0].invalid_input"),
    (_doc(regimens=[{"invalid_input": {"dose": "x"}}]), "regimens[0].invalid_input.dose"),
    (_doc(regimens=[{"total_dose_gy": 54, "fractions": 3, "error": "x"}]), "regimens[0].error"),
    (_doc(regimens=[{"total_dose_gy": 54, "fractions": 3, "overall_time_days": "ten"}]),
     "regimens[0].overall_time_days"),
    (_doc(eligibility=[]), "eligibility"),
])
def test_case_refusal_names_the_key(doc: object, key: str) -> None:
    with pytest.raises(CaseError) as ei:
        case_from_dict(doc)
    assert key in ei.value.message


def test_case_overall_time_days_kept() -> None:
    case = case_from_dict(_doc(regimens=[{"total_dose_gy": 54, "fractions": 3, "overall_time_days": 7}]))
    assert case.regimens[0].overall_time_days == 7.0


def test_case_eligibility_unknown_key_refused() -> None:
    with pytest.raises(CaseError) as ei:
        loads_case(json.dumps(_doc(eligibility={"bogus": 1})), "c.json")
    assert "eligibility.bogus" in ei.value.message


def test_load_case_folder_refused(tmp_path) -> None:
    with pytest.raises(CaseError) as ei:
        load_case(tmp_path)
    assert "is a folder" in ei.value.message


def test_load_case_not_utf8_refused(tmp_path) -> None:
    p = tmp_path / "c.sbrtcase"
    p.write_bytes(b"\xff\xfe{")
    with pytest.raises(CaseError) as ei:
        load_case(p)
    assert "not UTF-8" in ei.value.message


def test_load_case_missing_file_refused(tmp_path) -> None:
    with pytest.raises(CaseError) as ei:
        load_case(tmp_path / "none.json")
    assert "cannot read" in ei.value.message


# --- presets/radiobiology.py -------------------------------------------------------------------------

def _shipped() -> dict:
    import tomllib

    from sbrt_calc.presets.radiobiology import load_radiobiology

    return tomllib.loads(Path(load_radiobiology().path).read_text(encoding="utf-8"))


def test_radiobiology_unknown_tissue_and_threshold_name_known_keys() -> None:
    from sbrt_calc.presets.radiobiology import load_radiobiology

    rb = load_radiobiology()
    with pytest.raises(KeyError, match="no tissue 'bone'.*late"):
        rb.tissue("bone")
    with pytest.raises(KeyError, match="no threshold 'x'.*bed10_primary_lung"):
        rb.threshold("x")


@pytest.mark.parametrize(("where", "name", "value", "key"), [
    ("tissues", "role", "normal", "tissues[0].role"),
    ("thresholds", "comparison", "<", "thresholds[0].comparison"),
    ("thresholds", "quantity", "EQD2", "thresholds[0].quantity"),
    ("thresholds", "alpha_beta_gy", 3.0, "thresholds[0].alpha_beta_gy"),
])
def test_radiobiology_bad_field_refused_naming_key(where: str, name: str, value: object, key: str) -> None:
    from sbrt_calc.presets.radiobiology import parse_radiobiology

    data = _shipped()
    data[where][0][name] = value
    with pytest.raises(PresetError) as ei:
        parse_radiobiology(data, "rb.toml")
    assert len(ei.value.problems) == 1 and ei.value.problems[0].startswith(f"rb.toml: {key}: ")
    assert repr(value) in ei.value.problems[0]


def test_radiobiology_duplicate_tissue_key_refused() -> None:
    from sbrt_calc.presets.radiobiology import parse_radiobiology

    data = _shipped()
    late = next(t for t in data["tissues"] if t["key"] == "late")
    data["tissues"].append(dict(late))
    with pytest.raises(PresetError) as ei:
        parse_radiobiology(data, "rb.toml")
    assert ei.value.problems == ["rb.toml: late: duplicate key"]


def test_radiobiology_missing_required_threshold_refused() -> None:
    from sbrt_calc.presets.radiobiology import parse_radiobiology

    data = _shipped()
    data["thresholds"] = [t for t in data["thresholds"] if t["key"] != "bed10_primary_lung"]
    with pytest.raises(PresetError) as ei:
        parse_radiobiology(data, "rb.toml")
    assert any("'bed10_primary_lung' is missing" in p for p in ei.value.problems)


def test_load_radiobiology_unreadable_and_bad_toml(tmp_path: Path) -> None:
    from sbrt_calc.presets.radiobiology import load_radiobiology

    with pytest.raises(PresetError, match="cannot read"):
        load_radiobiology(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("kind = = 1\n", encoding="utf-8")
    with pytest.raises(PresetError, match="not valid TOML"):
        load_radiobiology(bad)


def test_user_radiobiology_file_none_one_two(tmp_path: Path) -> None:
    from sbrt_calc.presets.radiobiology import user_radiobiology_file

    assert user_radiobiology_file(tmp_path / "missing") is None
    (tmp_path / "other.toml").write_text('kind = "constraints"\n', encoding="utf-8")
    assert user_radiobiology_file(tmp_path) is None
    (tmp_path / "a.toml").write_text('kind = "radiobiology"\n', encoding="utf-8")
    assert user_radiobiology_file(tmp_path) == tmp_path / "a.toml"
    (tmp_path / "b.toml").write_text("kind = 'radiobiology'\n", encoding="utf-8")
    with pytest.raises(PresetError) as ei:
        user_radiobiology_file(tmp_path)
    assert "a.toml, b.toml" in ei.value.message


# --- planning/section.py -----------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "key", "shown"), [
    ({"cumulative": {"courses": "36/3"}}, "planning.cumulative.courses", "got str"),
    ({"cumulative": {"courses": ["  "]}}, "planning.cumulative.courses[0]", "got '  '"),
    ({"cumulative": {"recovery_percent": "x"}}, "planning.cumulative.recovery_percent", "got 'x'"),
    ({"cumulative": {"recovery_percent": True}}, "planning.cumulative.recovery_percent", "got True"),
    ({"cumulative": {"recovery_percent": 100}}, "planning.cumulative.recovery_percent", "100 is out of range"),
    ({"site": "moon"}, "planning.site", "'moon' is not a target site"),
    ({"regimen": 5}, "planning.regimen", "got 5"),
])
def test_planning_inputs_refusal_names_key(data: dict, key: str, shown: str) -> None:
    from sbrt_calc.planning.section import PlanningInputs

    with pytest.raises(CaseError) as ei:
        PlanningInputs.from_dict(data)
    assert ei.value.field == key
    assert ei.value.message.startswith(f"{key}: ") and shown in ei.value.message


def test_planning_inputs_cumulative_numbers_kept() -> None:
    from sbrt_calc.planning.section import PlanningInputs

    p = PlanningInputs.from_dict({"cumulative": {"courses": ["30/10"], "recovery_percent": 0,
                                                 "interval_months": 12, "alpha_beta_gy": 2}})
    assert p.cumulative is not None
    assert p.cumulative.courses == ("30/10",)
    assert PlanningInputs.from_dict(p.to_dict()) == p


# --- eligibility/sites.py ----------------------------------------------------------------------------

def _line(key: str = "bed10_oligoprogression", **changes: object):
    from dataclasses import replace

    from sbrt_calc.presets.radiobiology import radiobiology

    return replace(radiobiology().threshold(key), **changes)


def test_seed_range_note_low_line_is_reached_by_whole_range() -> None:
    from sbrt_calc.eligibility.sites import seed_range_note

    # the lowest low end is 24 Gy/6: BED10 = 24 (1 + 4/10) = 33.6 Gy, above a 30 Gy line
    text = seed_range_note(_line(bed_gy=30.0)).text
    assert text.startswith("The low end of the seed's range") and "reaches the line BED10 > 30 Gy" in text


def test_seed_range_note_default_line_lists_low_ends_and_3fx_dose() -> None:
    import math

    from sbrt_calc.eligibility.sites import seed_range_note

    text = seed_range_note(_line()).text
    # BED10 of 24/3, 30/5, 24/6; the 3-fraction total solving D (1 + D/30) = 70
    assert "24 Gy/3 (BED10 43.2 Gy), 30 Gy/5 (48 Gy), 24 Gy/6 (33.6 Gy)" in text
    d3 = 15 * (math.sqrt(1 + 4 * 70 / 30) - 1)
    assert f"from about {d3:.1f} Gy upwards" in text


def test_brain_exceeds_rtog_9005() -> None:
    from sbrt_calc.eligibility.sites import brain_exceeds
    from sbrt_calc.presets.loader import shipped_presets

    ps = shipped_presets()
    srs18 = next(s for s in ps.schemes if s.key == "brain_srs_18_1")
    srs15 = next(s for s in ps.schemes if s.key == "brain_srs_15_1")
    assert "no single-fraction dose is given above 40 mm (this lesion 50 mm)" in brain_exceeds(srs18, 50.0)
    assert "for 35 mm (15 Gy)" in brain_exceeds(srs18, 35.0)
    assert brain_exceeds(srs15, 35.0) == ""
    assert brain_exceeds(srs18, None) == ""


def test_primary_line_sentence_reads_the_line() -> None:
    from sbrt_calc.eligibility.sites import _primary_line_sentence

    assert "BED10 120.0 Gy (LQ, from the prescription) is at or above the BED10 >= 100 Gy line" \
        in _primary_line_sentence(120.0, None)
    assert "is below the BED10 >= 100 Gy line" in _primary_line_sentence(99.9, None)
    assert "is not above the BED10 > 70 Gy line" in _primary_line_sentence(70.0, _line())
    assert "is above the BED10 > 70 Gy line" in _primary_line_sentence(70.1, _line())


def test_scheme_exclusion_min_size_and_chest_wall() -> None:
    from dataclasses import replace

    from sbrt_calc.eligibility.case import Lesion
    from sbrt_calc.eligibility.sites import _exclusion
    from sbrt_calc.presets.loader import shipped_presets

    base = replace(next(s for s in shipped_presets().schemes if s.key == "lung_peripheral_34_1"),
                   max_size_mm=None, chest_wall=None)
    lesion = Lesion("lung", "progressing", size_mm=20.0, location="peripheral", abuts_chest_wall=False)
    assert _exclusion(base, lesion) is None
    assert _exclusion(replace(base, min_size_mm=30.0), lesion) == \
        "34 Gy/1: given for lesions above 30 mm; this one is 20 mm"
    assert _exclusion(replace(base, min_size_mm=20.0), lesion) is not None   # exclusive bound
    assert _exclusion(replace(base, min_size_mm=10.0), lesion) is None
    assert _exclusion(replace(base, chest_wall="abutting"), lesion) == \
        "34 Gy/1: given for tumours abutting the chest wall; this one does not"
    assert _exclusion(replace(base, chest_wall="abutting"), replace(lesion, abuts_chest_wall=None)) is None
