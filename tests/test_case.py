"""The saved case format (sbrt_calc.case): round trip, strict validation, atomic save."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples

from sbrt_calc.case import (
    FORMAT,
    FORMAT_VERSION,
    Case,
    CaseRegimen,
    CaseSettings,
    case_to_dict,
    dumps_case,
    load_case,
    loads_case,
    save_case,
)
from sbrt_calc.errors import CaseError, RegimenError
from sbrt_calc.regimen import parse_regimen


def _case() -> Case:
    return Case(
        title="Left adrenal",
        identifier="case-42",
        regimens=(
            CaseRegimen.from_regimen(parse_regimen("36/3")),
            CaseRegimen.from_regimen(parse_regimen("3 x 15 Gy"), note="alt"),
            CaseRegimen("bad", None, None, "", {"total_dose_gy": "3x", "fractions": "3"}, "total dose: '3x' is not a number"),
        ),
        settings=CaseSettings(model="all", organ_alpha_beta_gy=2.0),
        sections={"eligibility": {"draft": {"ecog": 2}}, "future": [1, 2]},
    )


def test_round_trip(tmp_path: Path) -> None:
    case = _case()
    p = save_case(case, tmp_path / "c.sbrt.json")
    back = load_case(p)
    assert back == case
    assert back.valid_regimens()[1].total_dose_gy == 45.0
    doc = json.loads(p.read_text(encoding="utf-8"))
    assert doc["format"] == FORMAT and doc["format_version"] == FORMAT_VERSION
    assert doc["future"] == [1, 2]       # unknown sections are kept
    assert doc["regimens"][2]["invalid_input"] == {"total_dose_gy": "3x", "fractions": "3"}


def test_invalid_row_is_kept_not_fixed() -> None:
    row = _case().regimens[2]
    assert not row.is_valid
    with pytest.raises(RegimenError):
        row.regimen()


def test_atomic_save_keeps_old_file_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "c.sbrt.json"
    save_case(_case(), p)
    before = p.read_text(encoding="utf-8")

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        save_case(Case(title="other"), p)
    assert p.read_text(encoding="utf-8") == before
    assert [f.name for f in tmp_path.iterdir()] == ["c.sbrt.json"]   # no temp file left


def _doc(**changes: object) -> dict:
    doc = case_to_dict(_case())
    doc.update(changes)
    return doc


@pytest.mark.parametrize(
    ("doc", "key"),
    [
        (_doc(format="something"), "format"),
        (_doc(format_version=FORMAT_VERSION + 1), "format_version"),
        (_doc(format_version="1"), "format_version"),
        (_doc(title=3), "title"),
        (_doc(regimens={}), "regimens"),
        (_doc(regimens=[{"label": "x", "total_dose_gy": 36, "fractions": 3.5}]), "regimens[0].fractions"),
        (_doc(regimens=[{"label": "x", "total_dose_gy": -1, "fractions": 3}]), "regimens[0].total_dose_gy"),
        (_doc(regimens=[{"label": "x", "total_dose_gy": 36}]), "regimens[0].fractions"),
        (_doc(regimens=[{"label": "x", "total_dose_gy": 36, "fractions": 3, "colour": 1}]), "regimens[0].colour"),
        (_doc(regimens=[{"label": "x", "total_dose_gy": 900, "fractions": 3}]), "regimens[0].dose_per_fraction_gy"),
        (_doc(settings={"model": "lqx"}), "settings.model"),
        (_doc(settings={"organ_alpha_beta_gy": 0}), "settings.organ_alpha_beta_gy"),
        (_doc(settings={"colour": "red"}), "settings.colour"),
        (_doc(eligibility=[1]), "eligibility"),
    ],
)
def test_strict_errors_name_the_key(doc: dict, key: str) -> None:
    with pytest.raises(CaseError) as err:
        loads_case(json.dumps(doc), "case.json")
    assert err.value.field == key
    assert key in str(err.value) and "case.json" in str(err.value)


def test_not_json_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="not valid JSON"):
        loads_case("{", "x.json")
    with pytest.raises(CaseError, match="cannot read"):
        load_case(tmp_path / "missing.json")


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.tuples(st.floats(0.5, 100, allow_nan=False), st.integers(1, 40)), max_size=12),
       st.text(max_size=30), st.sampled_from(["lq", "lql", "usc", "all"]))
def test_round_trip_property(rows: list[tuple[float, int]], title: str, model: str) -> None:
    regs = tuple(CaseRegimen(f"{d:g}/{n}", d, n) for d, n in rows)
    case = Case(title=title, regimens=regs, settings=CaseSettings(model=model))
    assert loads_case(dumps_case(case)) == case


def test_a_rows_regimen_is_made_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 21, stop 32: a row's Regimen is made and checked once, then the same one is given (every model switch of
    the app's table evaluates the same rows again); the row's equality, hash, repr and fields are not touched by it,
    a row replaced by an edit makes its own, and an invalid row still raises. Seen failing without the row keeping its
    Regimen (one Regimen made per call)."""
    import dataclasses

    from sbrt_calc import regimen as regimen_module

    made: list[int] = []
    init = regimen_module.Regimen.__post_init__
    monkeypatch.setattr(regimen_module.Regimen, "__post_init__", lambda self: made.append(1) or init(self))
    row = CaseRegimen("54/3", 54.0, 3, overall_time_days=5.0)
    first = row.regimen()
    assert row.regimen() is first and len(made) == 1
    assert first == regimen_module.Regimen(54.0, 3, "54/3", 5.0)
    assert row == CaseRegimen("54/3", 54.0, 3, overall_time_days=5.0)
    assert hash(row) == hash(CaseRegimen("54/3", 54.0, 3, overall_time_days=5.0))
    assert repr(row) == repr(CaseRegimen("54/3", 54.0, 3, overall_time_days=5.0))
    assert dataclasses.asdict(row) == dataclasses.asdict(CaseRegimen("54/3", 54.0, 3, overall_time_days=5.0))
    edited = dataclasses.replace(row, total_dose_gy=60.0)
    assert edited.regimen().total_dose_gy == 60.0 and row.regimen().total_dose_gy == 54.0
    with pytest.raises(RegimenError):
        CaseRegimen("3O/3", invalid_input={"regimen": "3O/3"}, error="cannot read").regimen()
