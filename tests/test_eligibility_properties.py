"""Hypothesis: any valid case gives a complete assessment; case files round-trip; garbage is a CaseError."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples

from sbrt_calc.eligibility.assess import CLASSIFICATIONS, Case, assess
from sbrt_calc.eligibility.case import DRIVERS, PROGRESSING_STATUSES, SITES, STATUSES, THERAPY_CLASSES
from sbrt_calc.errors import CaseError

# --- properties -----------------------------------------------------------------------------

lesion_dicts = st.fixed_dictionaries(
    {"site": st.sampled_from(SITES), "status": st.sampled_from(STATUSES)},
    optional={"label": st.text(min_size=1, max_size=20).filter(str.strip),
              "size_mm": st.floats(min_value=0.1, max_value=500.0),
              "symptomatic": st.booleans(), "previously_irradiated": st.booleans()},
)
bone_lesion_dicts = st.fixed_dictionaries(
    {"site": st.sampled_from(("bone", "spine")), "status": st.sampled_from(STATUSES)},
    optional={"weight_bearing": st.booleans(), "fracture_risk": st.booleans(), "symptomatic": st.booleans(),
              "previously_irradiated": st.booleans()},
)
case_dicts = st.fixed_dictionaries(
    {"therapy_class": st.sampled_from(THERAPY_CLASSES), "driver": st.sampled_from(DRIVERS),
     "months_on_therapy": st.one_of(st.integers(0, 600), st.floats(0.0, 600.0)),
     "ecog": st.integers(0, 4), "cns_imaging_done": st.booleans(), "other_disease_controlled": st.booleans(),
     "symptomatic_progression": st.booleans(), "leptomeningeal": st.booleans(),
     "lesions": st.lists(lesion_dicts | bone_lesion_dicts, max_size=8)},
    optional={"max_sites": st.sampled_from((3, 5)), "suspected_transformation": st.booleans(),
              "rebiopsy_done": st.booleans(), "staging_complete": st.booleans(), "mdt_discussed": st.booleans(),
              "trial_considered": st.booleans(), "agent": st.sampled_from(("osimertinib", "alectinib")),
              "resistance_mutation": st.just("G1202R")},
)


@settings(max_examples=examples(200), deadline=None)
@given(data=case_dicts)
def test_round_trip_property(data: dict[str, Any]) -> None:
    case = Case.from_dict(data)
    assert Case.from_dict(case.to_dict()) == case


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10) | st.floats(allow_nan=True) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=10,
)


@settings(max_examples=examples(200), deadline=None)
@given(data=case_dicts, key=st.sampled_from(["ecog", "driver", "lesions", "cns_imaging_done", "max_sites",
                                             "months_on_therapy", "extra"]), value=json_values)
def test_garbage_gives_case_error_or_a_case(data: dict[str, Any], key: str, value: Any) -> None:
    """Whatever a file holds, loading it gives a Case or a CaseError naming a field - nothing else."""
    data = dict(data, **{key: value})
    try:
        Case.from_dict(data)
    except CaseError as exc:
        assert exc.field


TOP_KEYS = {"classification", "eligible", "definition", "progressing_sites", "new_sites", "max_sites", "blockers",
            "missing_workup", "lesions", "recommendation", "reasons", "evidence", "caveats", "next_steps",
            "verdict", "headline", "cns_sites", "verdict_label"}
LESION_KEYS = {"index", "site", "status", "label", "local_therapy", "intent", "reason", "source", "alternatives",
               "considerations", "schemes", "schemes_note", "location", "symptomatic", "schemes_left_out", "bed10_flag",
               "planned_scheme"}


@settings(max_examples=examples(300), deadline=None)
@given(data=case_dicts)
def test_any_valid_case_gives_a_complete_assessment(data: dict[str, Any]) -> None:
    case = Case.from_dict(data)
    a = assess(case)
    d = a.as_dict()
    assert set(d) == TOP_KEYS
    json.dumps(d, allow_nan=False)  # JSON-ready, no NaN
    assert a.classification in CLASSIFICATIONS
    assert isinstance(a.eligible, bool)
    if a.classification != "oligoprogression":
        assert a.eligible is False and a.definition is None and a.blockers
    else:
        assert a.definition in ("strict", "extended", "cns")
        assert a.progressing_sites - a.cns_sites <= case.max_sites  # brain lesions counted apart (issue 11)
        assert (a.definition == "cns") == (a.progressing_sites == a.cns_sites)
    assert a.eligible == (not a.blockers)
    assert a.recommendation and a.reasons and a.caveats and a.next_steps
    assert a.progressing_sites == sum(1 for x in case.lesions if x.status in PROGRESSING_STATUSES)
    assert len(a.lesions) == a.progressing_sites
    for x in d["lesions"]:
        assert set(x) == LESION_KEYS
        assert x["local_therapy"] in ("SRS", "HSRT", "SBRT") and x["reason"] and x["source"]
        assert case.lesions[x["index"]].site == x["site"]
    for group in ("reasons", "evidence", "caveats", "next_steps"):
        for item in d[group]:
            assert set(item) == {"text", "source"} and item["text"] and item["source"]
    for w in d["missing_workup"]:
        assert w["text"] and w["source"] and isinstance(w["blocking"], bool)
