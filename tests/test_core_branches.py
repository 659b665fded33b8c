"""Branches of the core left untested: solve refusals and error rows, constraints CLI output shapes,
case-file refusals naming the key."""

from __future__ import annotations

import json

import pytest

from sbrt_calc.case import CaseSettings, case_from_dict, load_case, loads_case
from sbrt_calc.cli.main import main
from sbrt_calc.errors import CaseError, ModelParameterError
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
