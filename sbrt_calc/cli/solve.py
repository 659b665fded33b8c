"""``sbrt-calc solve``: the dose that reaches a target BED (or matches a regimen) in n fractions."""

from __future__ import annotations

import argparse
import math
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
    p.add_argument("--alpha-beta", type=positive_float, metavar="AB",
                   help="alpha/beta, Gy (required for lq and lql; the USC uses its own)")
    p.add_argument("--fractions", type=fraction_count, nargs="+", default=[3, 4, 5, 6], metavar="N",
                   help="fraction counts (default: 3 4 5 6)")
    add_model_arguments(p)
    add_format_argument(p)
    p.set_defaults(func=run)


def _check_target(args: argparse.Namespace, bed: float, model: Any, ab: float | None) -> None:
    """The target BED in range, the message naming the option given (not the parameter: issue 20)."""
    from sbrt_calc.cli.main import UsageError
    from sbrt_calc.errors import ModelParameterError
    from sbrt_calc.radiobiology.ranges import RANGES, check_range

    try:
        check_range("target_bed_gy", bed, "target BED")
    except ModelParameterError:
        r = RANGES["target_bed_gy"]
        at = f" at alpha/beta {ab:g} Gy" if model.uses_alpha_beta and ab is not None else ""
        shown = f" of {bed:g} Gy" if math.isfinite(bed) else " too large to compute"
        if args.target_bed is not None:
            what = f"--target-bed {args.target_bed:g} Gy"
        elif args.target_eqd2 is not None:
            what = f"--target-eqd2 {args.target_eqd2:g} Gy gives a BED{at}{shown}, which"
        else:
            what = f"--equivalent-to {args.equivalent_to} gives a BED{at}{shown}, which"
        raise UsageError(f"solve: {what} is outside the target BED range ({r.describe()}): {r.reason}") from None


def run(args: argparse.Namespace) -> int:
    from sbrt_calc.cli.main import UsageError
    from sbrt_calc.cli.models_args import model_from_args
    from sbrt_calc.cli.output import emit, table, to_csv, to_json
    from sbrt_calc.number_keys import ab_key
    from sbrt_calc.radiobiology.solve import model_bed, solve_for_bed
    from sbrt_calc.regimen import parse_regimen

    model = model_from_args(args)
    ab = args.alpha_beta
    if model.uses_alpha_beta and ab is None:
        raise UsageError(f"--alpha-beta is required with --model {args.model}")
    if not model.uses_alpha_beta and ab is not None:
        raise UsageError(f"--alpha-beta does not apply to --model usc: the USC uses its own alpha/beta "
                         f"{model.alpha_beta_gy:.3g} Gy (for its shape at another alpha/beta: --model lql "
                         f"--transition-dose {model.transition_dose_gy:.3g})")
    if not model.uses_alpha_beta and args.target_eqd2 is not None:
        raise UsageError("--target-eqd2 does not apply to --model usc: give --target-bed (a USC BED) or --equivalent-to")
    ab_text = ab_key(ab) if ab is not None else ""
    quantity = f"BED{ab_text} {model.label()}" if model.uses_alpha_beta and model.name == "lq" else (
        f"BED {model.label()}, alpha/beta {ab_text} Gy" if model.uses_alpha_beta else
        f"BED {model.label()}, own alpha/beta {model.alpha_beta_gy:.3g} Gy")
    per_2gy = float(model.bed(2.0, 2.0, ab)) / 2.0 if model.uses_alpha_beta else None
    target: dict[str, Any] = {"alpha_beta_gy": ab if model.uses_alpha_beta else model.alpha_beta_gy,
                              "quantity": quantity}
    if args.target_bed is not None:
        bed = args.target_bed
    elif args.target_eqd2 is not None:
        assert per_2gy is not None
        bed = args.target_eqd2 * per_2gy
        target["eqd2_gy"] = args.target_eqd2
    else:
        reg = parse_regimen(args.equivalent_to)
        bed = model_bed(model, reg, ab)
        target["regimen"] = reg.label
    _check_target(args, bed, model, ab)
    target["bed_gy"] = bed
    if per_2gy is not None:
        target.setdefault("eqd2_gy", bed / per_2gy)
    solutions = solve_for_bed(bed, args.fractions, model, ab if model.uses_alpha_beta else None)

    if args.format == "json":
        emit(to_json({"target": target, "model": model.name, "model_label": model.label(),
                      "model_parameters": model.parameters(), "model_source": model.source,
                      "solutions": [s.as_dict() for s in solutions]}))
        return 0
    if args.format == "csv":
        rows = [[s.fractions, repr(s.dose_per_fraction_gy), repr(s.total_dose_gy), "; ".join(s.warnings),
                 s.error or ""] for s in solutions]
        emit(to_csv(["fractions", "dose_per_fraction_gy", "total_dose_gy", "warnings", "error"], rows).rstrip())
        return 0
    rows = [[s.fractions, f"{s.dose_per_fraction_gy:.2f}", f"{s.total_dose_gy:.2f}",
             s.error or ("; ".join(c.short for c in s.caveats))] for s in solutions]
    head = (f"Target {quantity} {bed:.2f} Gy"
            + (f" (EQD2 {target['eqd2_gy']:.2f} Gy)" if "eqd2_gy" in target else "")
            + (f", the BED of {target['regimen']}" if "regimen" in target else "")
            + f"; model {model.label()} ({model.source})")
    emit(head + "\n\n" + table(["n", "d [Gy]", "Total [Gy]", "Notes"], rows, "rrrl"))
    return 0
