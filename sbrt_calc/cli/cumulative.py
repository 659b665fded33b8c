"""``sbrt-calc cumulative COURSE... ``: cumulative EQD2 to one organ over courses (re-irradiation).

Each COURSE is the organ dose of that course (e.g. the thecal sac point maximum) written as a
regimen, oldest first; the last is the re-irradiation being planned. Checked against published
limits (default for SpinalCord: HyTEC 2019, after Sahgal IJROBP 2012;82:107). Exit 1 if a limit
is exceeded or cannot be evaluated.
"""

from __future__ import annotations

import argparse
from typing import Any

from sbrt_calc.cli.models_args import non_negative_float, positive_float
from sbrt_calc.cli.output import add_format_argument


def register(sub: Any) -> None:
    p = sub.add_parser("cumulative", help="re-irradiation: cumulative EQD2 to one organ vs published limits",
                       description="EQD2 of each course to one organ (alpha/beta 2 Gy for spinal cord by default), "
                       "their sum, an optional recovery discount, and the published re-irradiation limits "
                       "(presets/reirradiation.toml). COURSE = organ dose per course, e.g. 20/5 (oldest first; the "
                       "last is the planned re-irradiation). Exit 1 if a limit is exceeded or not evaluable.")
    p.add_argument("courses", nargs="+", metavar="COURSE", help="organ dose per course, e.g. 20/5 12/2")
    p.add_argument("--organ", default="SpinalCord",
                   help="TG-263 organ name or common spelling, any case (default SpinalCord: its published "
                        "re-irradiation limit is on the thecal sac, SpinalCanal); an unknown name is an error")
    p.add_argument("--alpha-beta", type=positive_float, metavar="AB",
                   help="organ alpha/beta in Gy (default: that of the limits, 2 for spinal cord)")
    p.add_argument("--recovery-percent", type=non_negative_float, default=0.0, metavar="P",
                   help="discount (%%) on the EQD2 of earlier courses for recovery; your assumption (default 0)")
    p.add_argument("--check-discounted", action="store_true",
                   help="check the limits on the discounted sum (they were derived on undiscounted sums)")
    p.add_argument("--interval-months", type=non_negative_float, metavar="M", help="months since the previous course")
    p.add_argument("--limits", default="default", metavar="KEY",
                   help="re-irradiation limits key, or 'none' (default: the first for the organ)")
    add_format_argument(p)
    p.set_defaults(func=run)


_OPTIONS = {"recovery_percent": "--recovery-percent", "interval_months": "--interval-months",
            "alpha_beta_gy": "--alpha-beta"}


def run(args: argparse.Namespace) -> int:
    from sbrt_calc.cli.main import UsageError
    from sbrt_calc.cli.output import emit, table, to_csv, to_json
    from sbrt_calc.planning.cumulative import CumulativeError, cumulative_eqd2
    from sbrt_calc.planning.organs import display_name

    limit = None if args.limits == "none" else args.limits
    try:
        r = cumulative_eqd2(args.courses, alpha_beta_gy=args.alpha_beta, organ=args.organ,
                            recovery_percent=args.recovery_percent, interval_months=args.interval_months, limit=limit,
                            check_discounted=args.check_discounted)
    except CumulativeError as exc:   # name the option, not the parameter (issue 20)
        option = _OPTIONS.get(exc.field or "")
        if option is None:
            raise
        raise UsageError(f"cumulative: {option}: {exc.message}") from None
    if args.format == "json":
        emit(to_json(r.as_dict()))
    elif args.format == "csv":
        emit(to_csv(["course", "total_dose_gy", "fractions", "dose_per_fraction_gy", "eqd2_gy", "discounted_eqd2_gy",
                     "alpha_beta_gy", "is_reirradiation"],
                    [[c.regimen.label, c.regimen.total_dose_gy, c.regimen.fractions,
                      repr(c.regimen.dose_per_fraction_gy), repr(c.eqd2_gy), repr(c.discounted_eqd2_gy),
                      r.alpha_beta_gy, c.is_reirradiation] for c in r.courses]).rstrip("\n"))
    else:
        rows = [[c.regimen.label, f"{c.regimen.total_dose_gy:g}", c.regimen.fractions,
                 f"{c.regimen.dose_per_fraction_gy:.2f}", f"{c.eqd2_gy:.1f}",
                 f"{c.discounted_eqd2_gy:.1f}", "planned" if c.is_reirradiation else ""] for c in r.courses]
        rows.append(["Total", "", "", "", f"{r.total_eqd2_gy:.1f}", f"{r.discounted_total_eqd2_gy:.1f}", ""])
        lines = [f"{display_name(r.organ)}: EQD2 at alpha/beta {r.alpha_beta_gy:g} Gy (EQD2 = D (d + a/b) / (2 + a/b), Fowler 1989)",
                 "", table(["Course", "D [Gy]", "n", "d [Gy]", "EQD2 [Gy]", "after recovery [Gy]", ""], rows,
                           align="lrrrrrl"), ""]
        if r.limit is not None:
            lines.append(f"Limits: {r.limit.name}")
            for c in r.checks:
                verdict = "not evaluated" if c.passed is None else ("ok" if c.passed else "EXCEEDED")
                val = "-" if c.value is None else f"{c.value:.3g}"
                u = f" {c.unit}" if c.unit else ""
                lines.append(f"  {c.name}: {val}{u} (limit {c.comparison} {c.limit:g}{u}) -> {verdict}"
                             + (f"; {c.note}" if c.note else ""))
            lines.append(f"Source: {r.limit.source}")
        else:
            lines.append("No limits checked (--limits none or no limit for this organ).")
        for n in r.notes:
            lines.append(f"Note: {n}")
        emit("\n".join(lines))
    return 0 if r.passed is not False and (r.limit is None or r.passed is True) else 1
