"""``sbrt-calc check-plan --rtdose FILE --rtstruct FILE [--rtplan FILE] ...``: grade a DICOM plan.

Reads the RT Dose, RT Structure Set and (optionally) RT Plan, computes every structure's DVH and
metrics, checks the organ limits of the constraint set for the plan's fraction count and the
RTOG 0915/0813 conformity and fall-off. Exit 0: ran, every limit met; 1: a limit failed or a
conformity metric is a major deviation; 2: bad input (one line on stderr).
"""

from __future__ import annotations

import argparse
from typing import Any

from sbrt_calc.cli.models_args import fraction_count, positive_float
from sbrt_calc.cli.output import add_format_argument


def _mapping(text: str) -> tuple[str, str]:
    name, sep, tg = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected STRUCTURE=TG263NAME, got {text!r}")
    return name, tg


def register(sub: Any) -> None:
    p = sub.add_parser("check-plan", help="DVHs and limits of a DICOM plan (RT Dose + RT Structure Set [+ RT Plan])",
                       description="Compute the DVH of every structure from a DICOM RT Dose and RT Structure Set, "
                       "check the organ limits of a constraint set for the plan's fraction count and grade R100%, "
                       "R50% and D2cm against the RTOG 0915/0813 table. Exit 1 if a limit fails or a conformity "
                       "metric is a major deviation.")
    p.add_argument("--rtdose", metavar="FILE", help="RT Dose file")
    p.add_argument("--rtstruct", metavar="FILE", help="RT Structure Set file")
    p.add_argument("--rtplan", metavar="FILE", help="RT Plan file (prescription, fractions)")
    p.add_argument("--folder", metavar="DIR", help="a folder holding the RT Dose, RT Structure Set and RT Plan")
    p.add_argument("--prescription-gy", type=positive_float, metavar="D", help="prescription dose, Gy (overrides the plan)")
    p.add_argument("--fractions", type=fraction_count, metavar="N", help="number of fractions (overrides the plan)")
    p.add_argument("--target", metavar="NAME", help="the PTV's structure name (default: the one PTV)")
    p.add_argument("--set", dest="set_key", default="tg101", metavar="KEY", help="constraint set (default tg101)")
    p.add_argument("--map", dest="mapping", type=_mapping, action="append", default=[], metavar="NAME=TG263",
                   help="map a structure name to a TG-263 name (repeat; empty TG-263 name leaves it out)")
    p.add_argument("--lql", dest="lql_transition_dose_gy", type=positive_float, metavar="DT",
                   help="also give each structure's EQD2 under LQ-L with transition dose DT Gy (beside LQ)")
    p.add_argument("--dvh-csv", metavar="FILE", help="also write the cumulative DVHs (0.1 Gy bins) to FILE as CSV")
    add_format_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sbrt_calc.cli.main import UsageError
    from sbrt_calc.cli.output import emit, to_csv, to_json
    from sbrt_calc.plancheck.dvh import dvh_csv_rows
    from sbrt_calc.plancheck.grade import check_plan
    from sbrt_calc.plancheck.inputs import PlanCheckInputs, find_in_folder

    files = find_in_folder(args.folder) if args.folder else {}
    rtdose = args.rtdose or files.get("rtdose")
    rtstruct = args.rtstruct or files.get("rtstruct")
    if not rtdose or not rtstruct:
        raise UsageError("check-plan: give --rtdose and --rtstruct, or --folder (see --help)")
    inputs = PlanCheckInputs(rtdose, rtstruct, args.rtplan or files.get("rtplan"), args.target, args.prescription_gy,
                             args.fractions, args.set_key, tuple(args.mapping))
    result = check_plan(inputs, lql_transition_dose_gy=args.lql_transition_dose_gy)
    if args.dvh_csv:
        headers, rows = dvh_csv_rows([s.dose for s in result.structures])
        with open(args.dvh_csv, "w", encoding="utf-8", newline="") as fh:
            fh.write(to_csv(headers, rows))
    if args.format == "json":
        emit(to_json(result.as_dict()))
    elif args.format == "csv":
        headers = ["organ", "structure", "metric", "comparison", "limit", "unit", "value", "status", "verification",
                   "converted", "source"]
        rows = [[c.constraint.organ, c.structure or "", c.constraint.metric, c.constraint.comparison,
                 repr(c.constraint.limit), c.constraint.unit, "" if c.value is None else repr(c.value), c.status,
                 c.constraint.verification, str(c.constraint.converted), c.constraint.source] for c in result.constraints]
        emit(to_csv(headers, rows).rstrip("\n"))
    else:
        from sbrt_calc.plancheck.text import render_table

        emit(render_table(result))
    return 1 if result.failed else 0
