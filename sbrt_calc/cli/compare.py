"""``sbrt-calc compare``: BED/EQDx of regimens side by side, the BED10 verdicts, the model check, caveats.

Renders an :class:`~sbrt_calc.evaluation.Evaluation` (the same one the app and the report show):
of the regimens given, or of a saved case (``--case``).
"""

from __future__ import annotations

import argparse
from typing import Any

from sbrt_calc.cli.models_args import add_model_arguments, non_negative_float, positive_float
from sbrt_calc.cli.output import add_format_argument


def register(sub: Any) -> None:
    p = sub.add_parser(
        "compare",
        help="BED/EQD2 of regimens side by side",
        description="BED and EQDx of each regimen at each alpha/beta under the chosen model; the BED10 > 70 Gy "
        "flag and the BED10 >= 100 Gy reference, always on LQ BED10 from the prescription; how the reading "
        "depends on the model and the tumour alpha/beta; caveats. Regimens: 54/3, '54 Gy/3', 54Gy/3fx, 3x18Gy, "
        "'3 x 18 Gy'.",
    )
    p.add_argument("regimens", nargs="*", metavar="REGIMEN", help="e.g. 36/3 54/3 '5 x 10 Gy'")
    p.add_argument("--case", metavar="FILE", help="evaluate a saved case (JSON) or an eligibility case (TOML) "
                   "with its own regimens and settings")
    p.add_argument("--alpha-beta", dest="alpha_betas", type=positive_float, action="append", metavar="AB",
                   help="alpha/beta in Gy; repeat for several (default: the tumour's and the late-responding "
                   "tissue's of the radiobiology preset in force: 10 and 3 shipped)")
    p.add_argument("--tumour-alpha-beta", type=positive_float, metavar="AB", default=None,
                   help="which alpha/beta is the tumour's (default: the radiobiology preset's, 10 shipped); the "
                   "time correction applies to it only")
    add_model_arguments(p, allow_all=True)
    p.add_argument("--reference-dose", type=positive_float, metavar="GY", default=None,
                   help="EQDx: the reference dose per fraction, Gy (default 2: EQD2)")
    p.add_argument("--time-correction", action="store_true",
                   help="subtract the repopulation loss K (T - T_k) from the tumour BED (defaults in presets)")
    p.add_argument("--overall-time-days", type=non_negative_float, metavar="DAYS",
                   help="overall time for every regimen, days from first to last fraction (default: daily, "
                        "Monday to Friday, weekends counted)")
    p.add_argument("--kickoff-days", type=non_negative_float, metavar="DAYS", help="kick-off time T_k (default 21)")
    p.add_argument("--bed-loss-per-day", type=non_negative_float, metavar="GY",
                   help="K, BED lost per day beyond T_k, Gy/day (default 0.66)")
    p.add_argument("--rtplan", metavar="FILE.dcm", help="read the prescription from a DICOM RT Plan")
    add_format_argument(p)
    p.set_defaults(func=run)


def _settings(args: argparse.Namespace) -> Any:
    from sbrt_calc.cli.main import UsageError
    from sbrt_calc.cli.models_args import model_parameters
    from sbrt_calc.evaluation import ALL_MODELS, EvaluationSettings
    from sbrt_calc.models import default_time_correction
    from sbrt_calc.radiobiology.time import TimeCorrection

    lql, usc = model_parameters(args)
    from sbrt_calc.presets.radiobiology import radiobiology

    # the defaults in force: the user's radiobiology preset, else the shipped one (as the app's new case)
    rb = radiobiology()
    tumour = args.tumour_alpha_beta if args.tumour_alpha_beta is not None else rb.tumour_alpha_beta_gy
    abs_ = list(dict.fromkeys(args.alpha_betas or [tumour, rb.tissue("late").alpha_beta_gy]))
    time = None
    if args.time_correction:
        base = default_time_correction()
        if args.kickoff_days is None and args.bed_loss_per_day is None:
            time = base
        else:
            time = TimeCorrection(base.kickoff_days if args.kickoff_days is None else args.kickoff_days,
                                  base.bed_loss_per_day_gy if args.bed_loss_per_day is None else args.bed_loss_per_day,
                                  "command-line option", "choice")
    elif args.kickoff_days is not None or args.bed_loss_per_day is not None or args.overall_time_days is not None:
        raise UsageError("--overall-time-days, --kickoff-days and --bed-loss-per-day need --time-correction")
    return EvaluationSettings(
        models=ALL_MODELS if args.model == "all" else (args.model,), tumour_alpha_beta_gy=tumour,
        organ_alpha_betas_gy=tuple(ab for ab in abs_ if ab != tumour), lql=lql, usc=usc, time=time,
        reference_dose_gy=2.0 if args.reference_dose is None else args.reference_dose)


def _evaluation(args: argparse.Namespace) -> Any:
    from sbrt_calc.cli.main import UsageError
    from sbrt_calc.evaluation import evaluate, evaluate_regimens
    from sbrt_calc.regimen import Regimen, parse_regimen

    if args.case:
        given = [o for o, v in (("REGIMEN", args.regimens), ("--rtplan", args.rtplan),
                                ("--alpha-beta", args.alpha_betas), ("--tumour-alpha-beta", args.tumour_alpha_beta),
                                ("--model", args.model != "lq"), ("--transition-dose", args.transition_dose),
                                ("--usc-alpha", args.usc_alpha), ("--usc-d0", args.usc_d0), ("--usc-dq", args.usc_dq),
                                ("--reference-dose", args.reference_dose), ("--time-correction", args.time_correction),
                                ("--overall-time-days", args.overall_time_days)) if v]
        if given:
            raise UsageError(f"--case uses the case's own regimens and settings; drop {', '.join(given)}")
        from sbrt_calc.case_sections import load_any_case

        return evaluate(load_any_case(args.case))
    settings = _settings(args)
    regimens = [parse_regimen(text) for text in args.regimens]
    if args.rtplan:
        from sbrt_calc.plancheck.rtplan import read_prescription

        regimens.append(read_prescription(args.rtplan))
    if not regimens:
        raise UsageError("compare: give at least one REGIMEN (e.g. 36/3), --case FILE or --rtplan FILE")
    if args.overall_time_days is not None:
        regimens = [Regimen(r.total_dose_gy, r.fractions, r.label, args.overall_time_days) for r in regimens]
    return evaluate_regimens(regimens, settings)


def run(args: argparse.Namespace) -> int:
    from sbrt_calc.cli.output import emit, to_json
    from sbrt_calc.evaluation import require_valid

    ev = _evaluation(args)
    require_valid(ev)
    if args.format == "json":
        from sbrt_calc.evaluation_json import evaluation_dict

        emit(to_json(evaluation_dict(ev)))
    elif args.format == "csv":
        from sbrt_calc.tables import evaluation_csv

        emit(evaluation_csv(ev).rstrip("\n"))
    else:
        emit(text_report(ev))
    return 0


def sections_text(ev: Any) -> list[str]:
    """The case's other sections (eligibility, planning, plan check) as text tables, empty without them."""
    from sbrt_calc.evaluation_tables import flag_at_site_text, section_tables
    from sbrt_calc.table import to_text

    lines: list[str] = []
    where = flag_at_site_text(ev)
    if where:
        lines += ["", where]
    for t in section_tables(ev):
        lines += ["", to_text(t)]
    lines += [f"Note: {n}" for n in ev.notes]
    return lines


def text_report(ev: Any) -> str:
    """The table and its notes, as the terminal shows them."""
    from sbrt_calc.tables import evaluation_rows, text_table

    s = ev.settings
    headers, rows = evaluation_rows(ev)
    lines = []
    for m in s.models:
        model = s.model(m)
        params = ", ".join(f"{k} {v:.4g}" for k, v in model.parameters().items())
        lines.append(f"Model: {model.label()} ({model.source}); {params}")
    lines += ["", text_table(headers, rows), ""]
    for t in (s.flag, s.reference):
        lines.append(f"{t.label} ({t.scale}): {t.source}")
    if s.time is not None:
        from sbrt_calc.radiobiology.time import OVERALL_TIME_CONVENTION

        lines.append(f"Time correction of the tumour BED only (K {s.time.bed_loss_per_day_gy:g} Gy/day, T_k "
                     f"{s.time.kickoff_days:g} d, {s.time.verification}); {OVERALL_TIME_CONVENTION}.")
    notes = []
    for r in ev.valid_rows():
        notes += [f"{r.label}: {c.text}" for c in r.caveats]
        if r.sensitivity is not None:
            notes.append(f"{r.label}: {r.sensitivity.sentence}")
    if notes:
        lines += ["", "Notes:"] + [f"  - {n}" for n in notes]
    lines += sections_text(ev)
    lines += ["", "Decision support for qualified clinicians; check every number and its source."]
    return "\n".join(lines)
