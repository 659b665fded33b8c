"""The typed eligibility draft: one validation for every face (issue 18).

Before: the app validated a saved ``{"eligibility": {"draft": ...}}`` when opening a file (in
``gui/eligibility_form.py``) while the core ignored drafts, so ``sbrt-calc report`` accepted a case the app
refused (the first case below: an ECOG of 9 in a draft). Now :class:`sbrt_calc.eligibility.draft.EligibilityDraft`
validates it in the core, and the app, ``report`` and the case's own loader all go through it.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from sbrt_calc.case import Case, CaseRegimen, dumps_case, eligibility_case_of, eligibility_draft_of
from sbrt_calc.cli.main import main
from sbrt_calc.eligibility.draft import FLAGS, REQUIRED_CHOICES, EligibilityDraft, empty_form
from sbrt_calc.errors import CaseError

#: Saved drafts the app refused: (draft, the key path the refusal names).
BAD_DRAFTS = [
    ({"ecog": 9}, "eligibility.draft.ecog"),
    ({"lesions": [{"site": "moon", "status": "progressing"}]}, "eligibility.draft.lesions[0].site"),
    ({"therapy_class": "tki", "colour": "blue"}, "eligibility.draft.colour"),
    ("not an object", "eligibility.draft"),
]


def _saved(tmp_path: Path, eligibility: Any) -> Path:
    doc = json.loads(dumps_case(Case("draft case", None, (CaseRegimen("36/3", 36.0, 3),))))
    doc["eligibility"] = eligibility
    p = tmp_path / "case.sbrt.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    return p


def _report(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(["report", *argv])
    return code, err.getvalue()


@pytest.mark.parametrize(("draft", "field"), BAD_DRAFTS)
def test_a_bad_draft_is_refused_by_the_core_with_its_key(draft: Any, field: str) -> None:
    with pytest.raises(CaseError) as info:
        EligibilityDraft.from_dict(draft, "case.json")
    assert info.value.field.startswith(field) and "case.json: eligibility.draft" in info.value.message
    for read in (eligibility_draft_of, eligibility_case_of):
        with pytest.raises(CaseError) as again:
            read({"draft": draft}, "case.json")
        assert again.value.field == info.value.field


@pytest.mark.parametrize(("draft", "field"), BAD_DRAFTS[:2])
def test_report_refuses_the_draft_the_app_refuses(tmp_path: Path, draft: Any, field: str) -> None:
    """The case the app would not open: ``report`` now refuses it too (exit 2, one line naming the key)."""
    path = _saved(tmp_path, {"draft": draft})
    code, err = _report(str(path), "-o", str(tmp_path / "r.pdf"))
    key = field.removeprefix("eligibility.draft.")
    assert code == 2 and err.count("\n") == 1 and "eligibility.draft: " + key in err
    assert not (tmp_path / "r.pdf").exists()
    gui_form = pytest.importorskip("sbrt_calc.gui.eligibility_form")
    with pytest.raises(CaseError) as info:
        gui_form.form_from_section({"draft": draft}, str(path))
    assert info.value.field.startswith(field)


def test_a_partial_draft_is_kept_and_not_assessed() -> None:
    saved = {"therapy_class": "tki", "ecog": 1, "cns_imaging_done": True,
             "lesions": [{"site": "lung", "status": "progressing", "location": "central"}]}
    draft = eligibility_draft_of({"draft": saved}, "case.json")
    assert draft is not None
    assert draft.missing == ("driver", "months on therapy")
    assert draft.case() is None                      # never assessed with placeholders
    assert eligibility_case_of({"draft": saved}) is None
    form = draft.to_dict()
    assert {k: form[k] for k in saved} == saved and form["driver"] is None and form["mdt_discussed"] is False
    form["lesions"].append({"site": "bone"})          # a copy: the draft does not change
    assert len(draft.values["lesions"]) == 1
    with pytest.raises(TypeError):
        draft.values["ecog"] = 2                       # type: ignore[index]


def test_a_complete_draft_makes_its_case() -> None:
    draft = EligibilityDraft.from_dict({"therapy_class": "tki", "driver": "EGFR", "months_on_therapy": 14,
                                        "ecog": 1, "other_disease_controlled": True, "cns_imaging_done": True})
    assert draft.missing == ()
    case = draft.case()
    assert case is not None and case.driver == "EGFR" and case.months_on_therapy == 14.0


def test_the_empty_form_is_an_empty_valid_draft() -> None:
    draft = EligibilityDraft()
    assert draft.to_dict() == empty_form() and EligibilityDraft.from_dict(empty_form()).to_dict() == empty_form()
    assert draft.missing == tuple(label for _, label in REQUIRED_CHOICES)
    assert eligibility_draft_of({"case": {}, "draft": {}}) is None and eligibility_draft_of(None) is None


def test_the_app_uses_the_core_form() -> None:
    """The app's form: the core's keys, required choices and boxes (no second list)."""
    gui_form = pytest.importorskip("sbrt_calc.gui.eligibility_form")
    assert gui_form.empty_form() == empty_form()
    assert gui_form.REQUIRED_CHOICES == REQUIRED_CHOICES
    assert tuple(key for key, _text, _tip in gui_form.CHECKS) == FLAGS
