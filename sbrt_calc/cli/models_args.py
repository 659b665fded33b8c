"""Model options shared by ``compare``, ``solve`` and others: --model and its parameters."""

from __future__ import annotations

import argparse
from typing import Any

from sbrt_calc.cli.main import UsageError


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0 (decimal comma accepted)."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (value > 0 and value != float("inf")):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number > 0")
    return value


def non_negative_float(text: str) -> float:
    """argparse type: a finite number >= 0 (decimal comma accepted)."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (0 <= value < float("inf")):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number >= 0")
    return value


def fraction_count(text: str) -> int:
    """argparse type: an integer from 1 to 100."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of fractions (1-100)") from None
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{value} fractions is outside 1-100")
    return value


def add_model_arguments(parser: Any) -> None:
    """--model lq|lql|usc and the parameters of LQ-L and USC."""
    parser.add_argument("--model", choices=["lq", "lql", "usc"], default="lq",
                        help="dose-response model (default: lq)")
    parser.add_argument("--transition-dose", type=positive_float, metavar="GY",
                        help="LQ-L transition dose, Gy (default from presets/radiobiology.toml: 6)")
    parser.add_argument("--usc-alpha", type=positive_float, metavar="PER_GY", help="USC alpha, /Gy (default 0.33)")
    parser.add_argument("--usc-d0", type=positive_float, metavar="GY", help="USC D0, Gy (default 1.25)")
    parser.add_argument("--usc-dq", type=positive_float, metavar="GY", help="USC Dq, Gy (default 1.8)")


def model_from_args(args: argparse.Namespace) -> Any:
    """Build the model the options ask for; parameters of another model are a usage error."""
    from sbrt_calc.radiobiology.models import make_model

    usc_params = {k: v for k, v in (("alpha_per_gy", args.usc_alpha), ("d0_gy", args.usc_d0),
                                    ("dq_gy", args.usc_dq)) if v is not None}
    if args.transition_dose is not None and args.model != "lql":
        raise UsageError(f"--transition-dose applies to --model lql, not {args.model}")
    if usc_params and args.model != "usc":
        raise UsageError(f"--usc-alpha/--usc-d0/--usc-dq apply to --model usc, not {args.model}")
    if args.model == "lql" and args.transition_dose is not None:
        return make_model("lql", transition_dose_gy=args.transition_dose)
    return make_model(args.model, **usc_params)
