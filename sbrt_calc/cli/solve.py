"""``sbrt-calc solve``: the dose that reaches a target BED (or matches a regimen) in n fractions."""

from __future__ import annotations

import argparse
from typing import Any

from sbrt_calc.cli.models_args import add_model_arguments, fraction_count, positive_float
from sbrt_calc.cli.output import add_format_argument


def register(sub: Any) -> None:
    p = sub.add_parser(
        "solve",
        help="dose per fraction and total dose reaching a target BED",
        description="Closed-form solution for the dose per fraction and total dose that reach a target "
        "BED (or EQD2, or the BED of a given regimen) at one alpha/beta, for each fraction count.",
    )
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--target-bed", type=positive_float, metavar="GY", help="target BED, Gy")
    target.add_argument("--target-eqd2", type=positive_float, metavar="GY", help="target EQD2, Gy")
    target.add_argument("--equivalent-to", metavar="REGIMEN", help="match the BED of this regimen, e.g. 54/3")
    p.add_argument("--alpha-beta", type=positive_float, required=True, metavar="AB", help="alpha/beta, Gy")
    p.add_argument("--fractions", type=fraction_count, nargs="+", default=[3, 4, 5, 6], metavar="N",
                   help="fraction counts (default: 3 4 5 6)")
    add_model_arguments(p)
    add_format_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sbrt_calc import __version__
    from sbrt_calc.cli.models_args import model_from_args
    from sbrt_calc.cli.output import emit, table, to_csv, to_json
    from sbrt_calc.radiobiology.compare import solve_for_bed
    from sbrt_calc.regimen import parse_regimen

    model = model_from_args(args)
    ab = args.alpha_beta
    per_2gy = float(model.bed(2.0, 2.0, ab)) / 2.0
    target: dict[str, Any] = {"alpha_beta_gy": ab}
    if args.target_bed is not None:
        bed = args.target_bed
    elif args.target_eqd2 is not None:
        bed = args.target_eqd2 * per_2gy
        target["eqd2_gy"] = args.target_eqd2
    else:
        reg = parse_regimen(args.equivalent_to)
        bed = float(model.bed(reg.total_dose_gy, reg.dose_per_fraction_gy, ab))
        target["regimen"] = reg.label
    target["bed_gy"] = bed
    target.setdefault("eqd2_gy", bed / per_2gy)
    solutions = solve_for_bed(bed, ab, args.fractions, model)

    if args.format == "json":
        emit(to_json({"sbrt_calc_version": __version__, "target": target, "model": model.name,
                      "model_parameters": model.parameters(),
                      "solutions": [s.as_dict() for s in solutions]}))
        return 0
    if args.format == "csv":
        rows = [[s.fractions, repr(s.dose_per_fraction_gy), repr(s.total_dose_gy), "; ".join(s.warnings),
                 s.error or ""] for s in solutions]
        emit(to_csv(["fractions", "dose_per_fraction_gy", "total_dose_gy", "warnings", "error"], rows).rstrip())
        return 0
    rows = [[s.fractions, f"{s.dose_per_fraction_gy:.2f}", f"{s.total_dose_gy:.2f}",
             s.error or ("; ".join(s.warnings) if s.warnings else "")] for s in solutions]
    head = (f"Target BED{ab:g} {bed:.2f} Gy (EQD2 {target['eqd2_gy']:.2f} Gy)"
            + (f", the BED of {target['regimen']}" if "regimen" in target else "")
            + f"; model {model.title} ({model.source})")
    emit(head + "\n\n" + table(["n", "d [Gy]", "Total [Gy]", "Notes"], rows, "rrrl"))
    return 0
