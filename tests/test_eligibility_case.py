"""The eligibility case model: strict validation naming the key, TOML loading, round trip (issue 4)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from sbrt_calc.eligibility.case import MAX_CASE_FILE_BYTES, SITES, Case, Lesion, load_case
from sbrt_calc.errors import CaseError, SbrtCalcError

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def base(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "therapy_class": "tki", "driver": "EGFR", "months_on_therapy": 14, "ecog": 1,
        "cns_imaging_done": True, "other_disease_controlled": True, "symptomatic_progression": False,
        "leptomeningeal": False, "lesions": [{"site": "bone", "status": "progressing"}],
    }
    data.update(overrides)
    return data


def error_of(data: Any) -> CaseError:
    with pytest.raises(CaseError) as info:
        Case.from_dict(data, source="case.toml")
    return info.value


def test_minimal_case_loads_with_documented_defaults() -> None:
    case = Case.from_dict(base())
    assert case.max_sites == 5
    assert not case.suspected_transformation and not case.rebiopsy_done and not case.staging_complete
    assert case.lesions == (Lesion("bone", "progressing"),)
    assert case.months_on_therapy == 14.0 and isinstance(case.months_on_therapy, float)


def test_case_error_is_a_value_error_and_sbrt_calc_error() -> None:
    err = error_of(base(ecog=7))
    assert isinstance(err, ValueError) and isinstance(err, SbrtCalcError)


@pytest.mark.parametrize("key", ["therapy_class", "driver", "months_on_therapy", "ecog", "cns_imaging_done",
                                 "other_disease_controlled", "leptomeningeal", "lesions"])
def test_missing_required_key_is_named(key: str) -> None:
    data = base()
    del data[key]
    err = error_of(data)
    assert err.field == key and key in str(err) and "case.toml" in str(err)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"ecog": 7}, "ecog"),
    ({"ecog": -1}, "ecog"),
    ({"ecog": 1.0}, "ecog"),
    ({"ecog": True}, "ecog"),
    ({"ecog": "1"}, "ecog"),
    ({"therapy_class": "radiotherapy"}, "therapy_class"),
    ({"therapy_class": "TKI"}, "therapy_class"),
    ({"driver": "egfr"}, "driver"),
    ({"driver": 3}, "driver"),
    ({"months_on_therapy": -1}, "months_on_therapy"),
    ({"months_on_therapy": float("nan")}, "months_on_therapy"),
    ({"months_on_therapy": "14"}, "months_on_therapy"),
    ({"months_on_therapy": True}, "months_on_therapy"),
    ({"cns_imaging_done": "yes"}, "cns_imaging_done"),
    ({"cns_imaging_done": 1}, "cns_imaging_done"),
    ({"leptomeningeal": None}, "leptomeningeal"),
    ({"max_sites": 4}, "max_sites"),
    ({"max_sites": "5"}, "max_sites"),
    ({"rebiopsy_done": "no"}, "rebiopsy_done"),
    ({"agent": ""}, "agent"),
    ({"agent": 5}, "agent"),
    ({"lesions": {"site": "bone"}}, "lesions"),
    ({"lesions": ["bone"]}, "lesions[0]"),
])
def test_wrong_value_names_the_key_and_what_is_allowed(overrides: dict[str, Any], field: str) -> None:
    err = error_of(base(**overrides))
    assert err.field == field
    assert field in str(err)
    assert err.allowed and "allowed" in str(err)


def test_unknown_top_level_key_is_named() -> None:
    err = error_of(base(ecog_score=1))
    assert err.field == "ecog_score" and "unknown key" in str(err)


def test_unknown_lesion_key_names_the_path() -> None:
    lesions = [{"site": "bone", "status": "stable"}, {"site": "lung", "status": "new"},
               {"site": "liver", "status": "new", "volume_cc": 3}]
    err = error_of(base(lesions=lesions))
    assert err.field == "lesions[2].volume_cc"


@pytest.mark.parametrize(("lesion", "field"), [
    ({"site": "kidney", "status": "new"}, "lesions[0].site"),
    ({"site": "Bone", "status": "new"}, "lesions[0].site"),
    ({"site": "bone", "status": "growing"}, "lesions[0].status"),
    ({"site": "bone"}, "lesions[0].status"),
    ({"status": "new"}, "lesions[0].site"),
    ({"site": "bone", "status": "new", "size_mm": 0}, "lesions[0].size_mm"),
    ({"site": "bone", "status": "new", "size_mm": 5000}, "lesions[0].size_mm"),
    ({"site": "bone", "status": "new", "symptomatic": "yes"}, "lesions[0].symptomatic"),
    ({"site": "lung", "status": "new", "weight_bearing": True}, "lesions[0].weight_bearing"),
    ({"site": "liver", "status": "new", "fracture_risk": False}, "lesions[0].fracture_risk"),
    ({"site": "bone", "status": "new", "label": ""}, "lesions[0].label"),
])
def test_bad_lesion_names_the_key_path(lesion: dict[str, Any], field: str) -> None:
    err = error_of(base(lesions=[lesion]))
    assert err.field == field and field in str(err)


def test_unknown_site_message_lists_the_sites() -> None:
    err = error_of(base(lesions=[{"site": "kidney", "status": "new"}]))
    for site in SITES:
        assert site in str(err)


def test_weight_bearing_accepted_on_bone_and_spine() -> None:
    case = Case.from_dict(base(lesions=[{"site": "bone", "status": "new", "weight_bearing": True},
                                        {"site": "spine", "status": "stable", "fracture_risk": False}]))
    assert case.lesions[0].weight_bearing is True and case.lesions[1].fracture_risk is False


def test_empty_lesion_list_is_a_valid_case() -> None:
    assert Case.from_dict(base(lesions=[])).lesions == ()


def test_not_a_table() -> None:
    assert error_of(["not", "a", "table"]).field == "case"


def test_round_trip_of_a_full_case() -> None:
    data = base(max_sites=3, suspected_transformation=True, rebiopsy_done=True, staging_complete=True,
                mdt_discussed=True, trial_considered=True, agent="alectinib", resistance_mutation="G1202R",
                lesions=[{"site": "spine", "status": "progressing", "label": "L3", "size_mm": 18.5,
                          "weight_bearing": True, "fracture_risk": True, "symptomatic": True,
                          "previously_irradiated": True},
                         {"site": "brain", "status": "new"}])
    case = Case.from_dict(copy.deepcopy(data))
    assert Case.from_dict(case.to_dict()) == case
    assert case.to_dict()["lesions"][0] == data["lesions"][0]


def test_direct_construction_is_validated_like_a_file() -> None:
    with pytest.raises(CaseError) as info:
        Case("tki", "EGFR", 14, 7, True, True, False, False, ())
    assert info.value.field == "ecog"
    with pytest.raises(CaseError):
        Lesion("kidney", "new")
    case = Case("tki", "EGFR", 14, 1, True, True, False, False, [Lesion("bone", "new")])  # type: ignore[arg-type]
    assert isinstance(case.lesions, tuple) and isinstance(case.months_on_therapy, float)


def test_case_is_frozen() -> None:
    case = Case.from_dict(base())
    with pytest.raises(AttributeError):
        case.ecog = 2  # type: ignore[misc]


# --- files ----------------------------------------------------------------------------------

def test_examples_load() -> None:
    files = sorted(EXAMPLES.glob("case_*.toml"))
    assert len(files) >= 3
    for f in files:
        assert isinstance(load_case(f), Case)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CaseError) as info:
        load_case(tmp_path / "nope.toml")
    assert "nope.toml" in str(info.value)


def test_not_toml(tmp_path: Path) -> None:
    f = tmp_path / "case.toml"
    f.write_text("therapy_class = tki\n[[[", encoding="utf-8")
    with pytest.raises(CaseError) as info:
        load_case(f)
    assert "not valid TOML" in str(info.value) and str(f) in str(info.value)


def test_not_utf8(tmp_path: Path) -> None:
    f = tmp_path / "case.toml"
    f.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(CaseError, match="UTF-8"):
        load_case(f)


def test_too_large(tmp_path: Path) -> None:
    f = tmp_path / "case.toml"
    with open(f, "wb") as fh:   # sparse: one byte over the limit on paper, nothing on disk
        fh.truncate(MAX_CASE_FILE_BYTES + 1)
    with pytest.raises(CaseError, match="larger than"):
        load_case(f)


def test_directory_is_not_a_case(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="not a file"):
        load_case(tmp_path)


def test_error_in_file_names_the_file_and_key(tmp_path: Path) -> None:
    f = tmp_path / "c.toml"
    f.write_text((EXAMPLES / "case_egfr_bone.toml").read_text(encoding="utf-8").replace(
        'site = "bone"', 'site = "kidney"'), encoding="utf-8")
    with pytest.raises(CaseError) as info:
        load_case(f)
    assert info.value.field == "lesions[0].site" and str(f) in str(info.value)
