"""Entry point of ``sbrt-calc``: argparse, subcommand dispatch and the exit-code contract.

Exit codes: 0 done; 1 the computation ran and a check failed; 2 bad input or usage, with
one clear line on stderr and never a traceback (set ``SBRT_CALC_DEBUG=1`` to see one).

Each subcommand lives in ``sbrt_calc/cli/<name>.py`` and exposes
``register(subparsers) -> None``, which adds its parser and sets ``func=run`` where
``run(args) -> int``. Keep those modules light at import: heavy imports go inside ``run``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings
from collections.abc import Sequence
from typing import NoReturn

from sbrt_calc import __version__
from sbrt_calc.errors import SbrtCalcError, shorten
from sbrt_calc.text_safety import terminal_safe  # messages quote file names, labels and structure names

#: Subcommand modules, in the order ``--help`` lists them.
SUBCOMMANDS = (
    "compare",
    "solve",
    "presets",
    "constraints",
    "plan_check",
    "check_plan",
    "cumulative",
    "reirradiation",
    "eligibility",
    "report",
)


class UsageError(SbrtCalcError):
    """Bad command-line usage."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and exit 2 via UsageError."""

    def error(self, message: str) -> NoReturn:
        where = self.prog.removeprefix("sbrt-calc").strip()
        raise UsageError(f"{where + ': ' if where else ''}{message} (see --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="sbrt-calc",
        description="SBRT fractionation for oligoprogressive NSCLC: BED/EQD2, models, presets, checks. "
        "Decision support for qualified clinicians.",
    )
    parser.add_argument("--version", action="version", version=f"sbrt-calc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in SUBCOMMANDS:
        importlib.import_module(f"{__package__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    debug = bool(os.environ.get("SBRT_CALC_DEBUG"))
    try:
        parser = build_parser()
        argv = list(sys.argv[1:] if argv is None else argv)
        for arg in argv:   # no file name or value can hold one; os calls would raise ValueError
            if "\x00" in arg:
                raise UsageError(f"an argument holds a NUL character: {arg!r}")
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            # no subcommand: the help on stdout (where a reader and ``| less`` look), then one line on
            # stderr and exit 2: a script whose command word came out empty must fail, not succeed
            parser.print_help(sys.stdout)
            print("sbrt-calc: error: no COMMAND given (usage above; see --help)", file=sys.stderr)
            return 2
        with warnings.catch_warnings():
            # numpy's "overflow encountered" lines are not for the user: results are checked for
            # finiteness and a bad one is a one-line error (the contract: one line on stderr)
            warnings.simplefilter("ignore", RuntimeWarning)
            # pydicom's own warnings are captured by the readers into the result's warnings; none is printed
            warnings.filterwarnings("ignore", module=r"pydicom(\..*)?$")
            return int(args.func(args))
    except SbrtCalcError as exc:
        if debug:
            raise
        print(terminal_safe(f"sbrt-calc: error: {exc}".replace("\n", " ")), file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except OSError as exc:
        if debug:
            raise
        name = f" {shorten(str(exc.filename))}" if getattr(exc, "filename", None) else ""
        print(terminal_safe(f"sbrt-calc: error:{name}: {exc.strerror or exc}".replace("\n", " ")), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the contract: never a traceback
        if debug:
            raise
        if isinstance(exc, ValueError) and "not JSON compliant" in str(exc):
            # a finite input whose result is not a finite number (e.g. alpha/beta 1e-320): JSON never
            # holds NaN or Infinity; one line (the subcommand should have refused that input)
            print("sbrt-calc: error: a result is not a finite number: an input is outside the range the "
                  "model can compute", file=sys.stderr)
            return 2
        print(f"sbrt-calc: internal error: {type(exc).__name__}: {terminal_safe(shorten(str(exc)))} "
              "(please report it; SBRT_CALC_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
