"""The JSON document of an :class:`~sbrt_calc.evaluation.Evaluation` (the CLI contract, CHANGELOG 0.2.0).

Full-precision floats; alpha/beta keys written ``format(ab, "g")`` when that reads back as
the same number, else the shortest text that does (:func:`~sbrt_calc.number_keys.ab_key`); never NaN or Infinity.
"""

from __future__ import annotations

from typing import Any

from sbrt_calc.evaluation import Evaluation, EvaluationSettings, RowEvaluation
from sbrt_calc.number_keys import ab_key  # "10", "3", "2.5"; distinct for distinct values (issue 20)

__all__ = ["ab_key", "evaluation_dict", "row_dict", "settings_dict"]


def settings_dict(s: EvaluationSettings) -> dict[str, Any]:
    """Models with their parameters and sources, alpha/beta values, thresholds with their scale."""
    models = {}
    for m in s.models:
        model = s.model(m)
        models[m] = {"label": model.label(), "parameters": model.parameters(), "source": model.source}
    out: dict[str, Any] = {
        "models": models,
        "tumour_alpha_beta_gy": s.tumour_alpha_beta_gy,
        "organ_alpha_betas_gy": list(s.organ_alpha_betas_gy),
        "reference_dose_gy": s.reference_dose_gy,
        "thresholds": {"flag": s.flag.definition(), "reference": s.reference.definition()},
        "sensitivity": {"alpha_beta_range_gy": list(s.alpha_beta_range_gy),
                        "line_regimen_fractions": list(s.line_regimen_fractions)},
        "time_correction": None,
    }
    if s.time is not None:
        from sbrt_calc.radiobiology.time import OVERALL_TIME_CONVENTION, UNCORRECTED_LINES

        out["time_correction"] = {"applies_to": "tumour BED only (tumour alpha/beta, USC BED, BED10 verdicts)",
                                  "lines_observed_on": "uncorrected BED10", "note": UNCORRECTED_LINES,
                                  "kickoff_days": s.time.kickoff_days,
                                  "bed_loss_per_day_gy": s.time.bed_loss_per_day_gy,
                                  "source": s.time.source, "verification": s.time.verification,
                                  "convention": OVERALL_TIME_CONVENTION}
    return out


def _model_dict(s: EvaluationSettings, r: RowEvaluation, m: str) -> dict[str, Any]:
    res = r.model(m)
    if m == "usc":
        return {"label": res.label, "bed_gy": res.tumour_bed_gy, "sfed_gy": res.sfed_gy,
                "alpha_beta_gy": s.usc.alpha_beta_gy, "transition_dose_gy": s.usc.transition_dose_gy}
    t = ab_key(s.tumour_alpha_beta_gy)
    return {
        "label": res.label,
        "bed_gy": {t: res.tumour_bed_gy, **{ab_key(k): v for k, v in res.organ_bed_gy.items()}},
        "eqd2_gy": {t: res.tumour_eqd2_gy, **{ab_key(k): v for k, v in res.organ_eqd2_gy.items()}},
        "eqdx_gy": {t: res.tumour_eqdx_gy, **{ab_key(k): v for k, v in res.organ_eqdx_gy.items()}},
    }


def row_dict(s: EvaluationSettings, r: RowEvaluation) -> dict[str, Any]:
    """One regimen's JSON object (see CHANGELOG 0.2.0 for every key)."""
    if not r.valid:
        out: dict[str, Any] = {"label": r.label, "error": r.error}
        if r.invalid_input:
            out["invalid_input"] = dict(r.invalid_input)
        return out
    reg = r.regimen
    assert reg is not None
    primary = next((m for m in s.models if m != "usc"), "lq")
    values = _model_dict(s, r, primary)
    out = {
        "label": reg.label,
        "total_dose_gy": reg.total_dose_gy,
        "fractions": reg.fractions,
        "dose_per_fraction_gy": reg.dose_per_fraction_gy,
        "model": s.models[0] if len(s.models) == 1 else "all",
        "alpha_beta_values_model": primary,
        "bed_gy": values["bed_gy"],
        "eqd2_gy": values["eqd2_gy"],
        "eqdx_gy": values["eqdx_gy"],
        "bed10_gy": r.bed10_gy,
        "bed10_above_threshold": r.flag_reached,
        "flag_applies": r.flag_applies,
        "flag_status": r.flag_status,
        "bed10_reference_reached": r.reference_reached,
        "models": {m: _model_dict(s, r, m) for m in s.models},
        "flag_sensitivity": r.sensitivity.as_dict() if r.sensitivity else None,
        "warnings": [c.text for c in r.caveats],
        "caveats": [c.as_dict() for c in r.caveats],
    }
    if "usc" in s.models:
        out["usc"] = out["models"]["usc"]
    if r.time is not None:
        out["bed10_uncorrected_gy"] = r.bed10_uncorrected_gy
        out["repopulation"] = r.time.as_dict()
    if r.source:
        out["source"] = r.source
        out["verification"] = r.verification
    return out


def evaluation_dict(ev: Evaluation) -> dict[str, Any]:
    """The whole document (without the version key, which :func:`sbrt_calc.cli.output.to_json` adds)."""
    s = ev.settings
    doc: dict[str, Any] = {
        "model": s.models[0] if len(s.models) == 1 else "all",
        "alpha_betas_gy": [s.tumour_alpha_beta_gy, *s.organ_alpha_betas_gy],
        **settings_dict(s),
        "regimens": [row_dict(s, r) for r in ev.rows],
    }
    if ev.flag_at_site is not None:
        doc["flag_at_site"] = ev.flag_at_site.as_dict()
    if ev.eligibility is not None:
        doc["eligibility"] = ev.eligibility.as_dict()
    if ev.planning is not None:
        doc["planning"] = ev.planning.as_dict()
    if ev.plan_check is not None:
        doc["plan_check"] = ev.plan_check.as_dict()
    if ev.reirradiation is not None:
        doc["reirradiation"] = ev.reirradiation.as_dict()
    if ev.notes:
        doc["notes"] = list(ev.notes)
    if ev.title:
        doc = {"title": ev.title, "identifier": ev.identifier, **doc}
    return doc
