"""The saved planning section: strict loading, round trip, and the tables computed from it."""

from __future__ import annotations

import pytest

from sbrt_calc.errors import CaseError
from sbrt_calc.planning.section import (
    CONVERTED_LABEL,
    CumulativeInputs,
    PlanningInputs,
    conformity_table,
    constraint_table,
    report_tables,
)


def test_defaults_and_round_trip() -> None:
    assert PlanningInputs.from_dict({}) == PlanningInputs()
    p = PlanningInputs("rtog0813", 5, "50/5", 1, 20.0, 4.1, 55.0, 1.1,
                       CumulativeInputs("SpinalCord", ("30/10", "24/2"), None, 8.0, 10.0))
    assert PlanningInputs.from_dict(p.to_dict()) == p
    assert p.fraction_count() == 5
    assert PlanningInputs(regimen="36/3").fraction_count() == 3
    assert PlanningInputs().fraction_count() is None


@pytest.mark.parametrize(("data", "field"), [
    ({"colour": 1}, "planning.colour"),
    ({"fractions": 0}, "planning.fractions"),
    ({"fractions": 2.5}, "planning.fractions"),
    ({"fractions": True}, "planning.fractions"),
    ({"regimen": "3x18"}, "planning.regimen"),
    ({"lesion": -1}, "planning.lesion"),
    ({"ptv_cc": 0}, "planning.ptv_cc"),
    ({"r50": "4"}, "planning.r50"),
    ({"d2cm_percent": float("nan")}, "planning.d2cm_percent"),
    ({"constraint_set": ""}, "planning.constraint_set"),
    ({"cumulative": []}, "planning.cumulative"),
    ({"cumulative": {"courses": ["20/5", "abc"]}}, "planning.cumulative.courses[1]"),
    ({"cumulative": {"recovery_percent": 100}}, "planning.cumulative.recovery_percent"),
    ({"cumulative": {"interval_months": -1}}, "planning.cumulative.interval_months"),
    ({"cumulative": {"organ": 3}}, "planning.cumulative.organ"),
    ({"cumulative": {"x": 3}}, "planning.cumulative.x"),
])
def test_strict_loading_names_the_key_path(data: dict, field: str) -> None:
    with pytest.raises(CaseError) as info:
        PlanningInputs.from_dict(data)
    assert info.value.field == field
    assert field in str(info.value)


def test_not_an_object() -> None:
    with pytest.raises(CaseError, match="planning"):
        PlanningInputs.from_dict([1, 2])


def test_constraints_from_the_source_and_converted() -> None:
    own = constraint_table(PlanningInputs("tg101", 3))
    own_rows = [tuple(r) for r in own.texts()]
    assert own.rows and all(r[-1] in ("source", "not used") for r in own_rows)
    # TG-101's unresolved liver 700 cc row is shown as unresolved, never as a limit (issue 11)
    assert [r for r in own_rows if r[0] == "Liver" and r[4].startswith("unresolved: 17.1-19.2 Gy")]
    assert "secondary" in {r[4] for r in own_rows} and "recalled" not in {r[4] for r in own_rows if r[0] == "SpinalCord"}
    assert "Benedict" in own.source
    conv = constraint_table(PlanningInputs("tg101", 4))
    assert conv.rows and all(r[4] == "converted" and r[5] == CONVERTED_LABEL and " fx (alpha/beta " in r[6]
                             for r in conv.texts())
    assert conv.headers[-1] == "Converted from"
    assert any("NOT the source's" in n for n in conv.notes)
    missing = constraint_table(PlanningInputs())
    assert not missing.rows and "No fraction count" in missing.notes[0]
    unknown = constraint_table(PlanningInputs("nope", 3))
    assert not unknown.rows and "nope" in unknown.notes[0]


def test_conformity_grades() -> None:
    assert conformity_table(PlanningInputs()) is None
    t = conformity_table(PlanningInputs(ptv_cc=20.0, r50=6.0, d2cm_percent=55.0, r100=1.1))
    assert t is not None
    grades = {r[0].split()[0]: r[-1] for r in t.texts()}
    assert grades == {"R50%": "major", "D2cm": "minor", "R100%": "none"}
    out = conformity_table(PlanningInputs(ptv_cc=500.0, r50=3.0))
    assert out is not None and out.texts()[0][-1] == "not graded" and any("no extrapolation" in n for n in out.notes)


def test_cumulative_tables() -> None:
    tables = report_tables(PlanningInputs(cumulative=CumulativeInputs(courses=("30/10", "24/2"), interval_months=8)))
    titles = [t.title for t in tables]
    assert any(t.startswith("Cumulative dose: SpinalCord") for t in titles)
    limits = next(t for t in tables if t.title.startswith("Re-irradiation limits"))
    assert limits.texts()[0][-1] == "EXCEEDED" and "HyTEC" in limits.source
    empty = report_tables(PlanningInputs(cumulative=CumulativeInputs()))
    assert "No course entered" in empty[1].notes[0]
    bad_ab = report_tables(PlanningInputs(cumulative=CumulativeInputs(courses=("20/5",), alpha_beta_gy=3.0)))
    assert bad_ab[1].notes[0].startswith("Not computed")


def test_report_tables_start_with_the_inputs() -> None:
    tables = report_tables(PlanningInputs(regimen="36/3", lesion=0, ptv_cc=20.0), "#1 bone, progressing")
    inputs = dict(tuple(r) for r in tables[0].texts())
    assert inputs["Lesion"] == "#1 bone, progressing"
    assert inputs["Fractions for the limits"] == "3 (from the regimen)"
    assert [t.title.split(":")[0] for t in tables[1:]] == ["Conformity and dose fall-off", "Organ-at-risk limits"]
