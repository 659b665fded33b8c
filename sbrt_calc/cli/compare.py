"""``sbrt-calc compare``: BED and EQD2 of regimens side by side, with flags and warnings."""

from __future__ import annotations

import argparse
from typing import Any

from sbrt_calc.cli.models_args import add_model_arguments, positive_float
from sbrt_calc.cli.output import add_format_argument


def register(sub: Any) -> None:
    p = sub.add_parser(
        "compare",
        help="BED/EQD2 of regimens side by side",
        description="BED and EQD2 of each regimen at each alpha/beta, the BED10 > 70 Gy flag (and the "
        ">= 100 Gy reference), its robustness across alpha/beta and models, and warnings. "
        "Regimens: 54/3, '54 Gy/3', 54Gy/3fx, 3x18Gy, '3 x 18 Gy'.",
    )
    p.add_argument("regimens", nargs="*", metavar="REGIMEN", help="e.g. 36/3 54/3 '5 x 10 Gy'")
    p.add_argument("--alpha-beta", dest="alpha_betas", type=positive_float, action="append", metavar="AB",
                   help="alpha/beta in Gy; repeat for several (default: 10 and 3)")
    add_model_arguments(p)
    p.add_argument("--time-correction", action="store_true",
                   help="apply the repopulation correction to the tumour BED (defaults in presets)")
    p.add_argument("--overall-time-days", type=float, metavar="DAYS",
                   help="overall treatment time for every regimen (default: daily weekday treatment)")
    p.add_argument("--rtplan", metavar="FILE.dcm", help="read the prescription from a DICOM RT Plan")
    add_format_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sbrt_calc import __version__
    from sbrt_calc.cli.main import UsageError
    from sbrt_calc.cli.models_args import model_from_args
    from sbrt_calc.cli.output import emit, table, to_csv, to_json
    from sbrt_calc.radiobiology.compare import (
        DEFAULT_ALPHA_BETAS_GY,
        Repopulation,
        ab_key,
        compute,
        flag_robustness,
        thresholds,
    )
    from sbrt_calc.regimen import Regimen, parse_regimen

    model = model_from_args(args)
    regimens = [parse_regimen(text) for text in args.regimens]
    if args.rtplan:
        from sbrt_calc.planning.rtplan import read_prescription

        regimens.append(read_prescription(args.rtplan))
    if not regimens:
        raise UsageError("compare: give at least one REGIMEN (e.g. 36/3) or --rtplan FILE")
    if args.overall_time_days is not None:
        if not args.time_correction:
            raise UsageError("--overall-time-days needs --time-correction")
        regimens = [Regimen(r.total_dose_gy, r.fractions, r.label, args.overall_time_days) for r in regimens]
    alpha_betas = tuple(args.alpha_betas) if args.alpha_betas else DEFAULT_ALPHA_BETAS_GY
    repop = Repopulation.default() if args.time_correction else None
    results = [compute(r, alpha_betas, model, repopulation=repop) for r in regimens]
    robust = [flag_robustness(r) for r in regimens]
    flag, ref = thresholds()
    keys = [ab_key(ab) for ab in dict.fromkeys(alpha_betas)]

    if args.format == "json":
        doc = {
            "sbrt_calc_version": __version__,
            "model": model.name,
            "model_parameters": model.parameters(),
            "model_source": model.source,
            "alpha_betas_gy": [float(k) for k in keys],
            "thresholds": {
                "flag": {"label": flag.label, "bed_gy": flag.bed_gy, "alpha_beta_gy": flag.alpha_beta_gy,
                         "comparison": flag.comparison, "source": flag.source},
                "reference": {"label": ref.label, "bed_gy": ref.bed_gy, "alpha_beta_gy": ref.alpha_beta_gy,
                              "comparison": ref.comparison, "source": ref.source},
            },
            "regimens": [dict(r.as_dict(), flag_robustness=u.as_dict()) for r, u in zip(results, robust, strict=True)],
        }
        emit(to_json(doc))
        return 0

    if args.format == "csv":
        headers = ["label", "total_dose_gy", "fractions", "dose_per_fraction_gy"]
        for k in keys:
            headers += [f"bed_gy_{k}", f"eqd2_gy_{k}"]
        headers += ["bed10_gy", "bed10_above_threshold", "bed10_reference_reached", "flag_robustness",
                    "model", "warnings"]
        rows = []
        for r, u in zip(results, robust, strict=True):
            row: list[Any] = [r.regimen.label, r.regimen.total_dose_gy, r.regimen.fractions,
                              r.regimen.dose_per_fraction_gy]
            for ab in dict.fromkeys(alpha_betas):
                row += [repr(r.bed_gy[float(ab)]), repr(r.eqd2_gy[float(ab)])]
            row += [repr(r.bed10_gy), r.bed10_above_threshold, r.bed10_reference_reached, u.verdict,
                    model.name, "; ".join(r.warnings)]
            rows.append(row)
        emit(to_csv(headers, rows).rstrip("\n"))
        return 0

    headers = ["Regimen", "Total [Gy]", "n", "d [Gy]"]
    for k in keys:
        headers += [f"BED{k} [Gy]", f"EQD2({k}) [Gy]"]
    headers += [flag.label, ref.label, "alpha/beta & model"]
    rows = []
    notes: list[str] = []
    for r, u in zip(results, robust, strict=True):
        row = [r.regimen.label, f"{r.regimen.total_dose_gy:.2f}", r.regimen.fractions,
               f"{r.regimen.dose_per_fraction_gy:.2f}"]
        for ab in dict.fromkeys(alpha_betas):
            row += [f"{r.bed_gy[float(ab)]:.1f}", f"{r.eqd2_gy[float(ab)]:.1f}"]
        row += ["YES" if r.bed10_above_threshold else "no", "yes" if r.bed10_reference_reached else "no",
                u.verdict]
        rows.append(row)
        for w in r.warnings:
            notes.append(f"{r.regimen.label}: {w}")
        notes.append(f"{r.regimen.label}: {u.sentence()}")
    title = f"Model: {model.title} ({model.source})"
    params = ", ".join(f"{k} {v:.4g}" for k, v in model.parameters().items())
    lines = [title + (f"; {params}" if params else ""), "", table(headers, rows), ""]
    lines.append(f"{flag.label}: {flag.source}")
    lines.append(f"{ref.label}: {ref.source}")
    if notes:
        lines.append("")
        lines.append("Notes:")
        lines += [f"  - {n}" for n in notes]
    lines.append("")
    lines.append("Decision support for qualified clinicians; check every number and its source.")
    emit("\n".join(lines))
    return 0
