"""Options shared by ``compare``, ``solve`` and others: argparse types, --model and its parameters."""

from __future__ import annotations

import argparse
from typing import Any

from sbrt_calc.cli.main import UsageError


def _float(text: str) -> float:
    s = text.strip()
    if len(s) > 40:
        raise argparse.ArgumentTypeError(f"{s[:20]!r}... ({len(s)} characters) is not a number")
    try:
        return float(s.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{s!r} is not a number") from None


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0 (decimal comma accepted)."""
    value = _float(text)
    if not (value > 0 and value != float("inf")):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number > 0")
    return value


def non_negative_float(text: str) -> float:
    """argparse type: a finite number >= 0 (decimal comma accepted)."""
    value = _float(text)
    if not (0 <= value < float("inf")):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number >= 0")
    return value


def fraction_count(text: str) -> int:
    """argparse type: an integer from 1 to 100."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number of fractions (1-100)") from None
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{value} fractions is outside 1-100")
    return value


def add_model_arguments(parser: Any, allow_all: bool = False) -> None:
    """--model lq|lql|usc (|all) and the parameters of LQ-L and USC."""
    from sbrt_calc.vocabulary import ALL_MODELS_CHOICE, MODEL_NAMES

    choices = [*MODEL_NAMES] + ([ALL_MODELS_CHOICE] if allow_all else [])
    parser.add_argument("--model", choices=choices, default="lq",
                        help="dose-response model (default: lq)" + ("; all: the three side by side" if allow_all
                                                                     else ""))
    parser.add_argument("--transition-dose", type=positive_float, metavar="GY",
                        help="LQ-L transition dose d_T, Gy (default from presets/radiobiology.toml: 6; "
                             "6.13 gives the USC's shape at any alpha/beta)")
    parser.add_argument("--usc-alpha", type=positive_float, metavar="PER_GY", help="USC alpha, /Gy (default 0.33)")
    parser.add_argument("--usc-d0", type=positive_float, metavar="GY", help="USC D0, Gy (default 1.25)")
    parser.add_argument("--usc-dq", type=positive_float, metavar="GY", help="USC Dq, Gy (default 1.8)")


def model_parameters(args: argparse.Namespace) -> tuple[Any, Any]:
    """(LQ-L model, USC model) with the options' parameters; parameters of a model not chosen are an error."""
    from sbrt_calc.models import make_model

    usc_params = {k: v for k, v in (("alpha_per_gy", args.usc_alpha), ("d0_gy", args.usc_d0),
                                    ("dq_gy", args.usc_dq)) if v is not None}
    if args.transition_dose is not None and args.model not in ("lql", "all"):
        raise UsageError(f"--transition-dose applies to --model lql, not {args.model}")
    if usc_params and args.model not in ("usc", "all"):
        raise UsageError(f"--usc-alpha/--usc-d0/--usc-dq apply to --model usc, not {args.model}")
    lql = make_model("lql", transition_dose_gy=args.transition_dose) if args.transition_dose is not None \
        else make_model("lql")
    return lql, make_model("usc", **usc_params)


def model_from_args(args: argparse.Namespace) -> Any:
    """The one model the options ask for (LQ, LQ-L or USC with its parameters)."""
    from sbrt_calc.models import make_model

    lql, usc = model_parameters(args)
    return {"lq": make_model("lq"), "lql": lql, "usc": usc}[args.model]
