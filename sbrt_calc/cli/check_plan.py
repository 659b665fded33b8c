"""``sbrt-calc check-plan --rtdose FILE --rtstruct FILE [--rtplan FILE] ...``: grade a DICOM plan.

Reads the RT Dose, RT Structure Set and (optionally) RT Plan, computes every structure's DVH and
metrics, grades the target coverage (V100% >= 95 %, V90% >= 99 %), checks the organ limits of the
constraint set for the plan's fraction count and the RTOG 0915/0813 conformity and fall-off (graded
at lung sites, a reference elsewhere). The JSON's top-level ``status`` is "pass", "fail" or
"incomplete" (anything not checked: listed in ``not_checked``). Exit 0 only for "pass"; 1 for
"fail" or "incomplete"; 2: bad input (one line on stderr).

Several ``--rtdose`` (or a ``--folder`` with several RT Doses): the per-beam doses of one plan,
summed when they refer to one RT Plan and share the grid (said so in the warnings).
``--case FILE`` takes each structure's EQD2 alpha/beta from a saved case's settings (tumour alpha/beta for
targets, organ alpha/beta for organs). ``--dose-summation plan|fraction`` overrides the dose grid's Dose Summation Type. ``--dvh-csv`` is
written atomically and never over an input file or an existing file that is not a CSV. Text
output escapes terminal control characters in anything read from the files.
"""

from __future__ import annotations

import argparse
from typing import Any

from sbrt_calc.cli.models_args import fraction_count, positive_float
from sbrt_calc.cli.output import add_format_argument
from sbrt_calc.plancheck.names import PLAN_SITES


def _transition_dose(text: str) -> float:
    """argparse type: the LQ-L transition dose, in the core's range (radiobiology.ranges)."""
    from sbrt_calc.errors import SbrtCalcError
    from sbrt_calc.radiobiology.ranges import RANGES, check_range

    value = positive_float(text)
    try:
        return check_range("transition_dose_gy", value, "--lql transition dose")
    except SbrtCalcError:
        r = RANGES["transition_dose_gy"]
        raise argparse.ArgumentTypeError(f"{text!r} must be {r.describe()} ({r.reason})") from None


def _mapping(text: str) -> tuple[str, str]:
    name, sep, tg = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected STRUCTURE=TG263NAME, got {text!r}")
    return name, tg


def register(sub: Any) -> None:
    p = sub.add_parser("check-plan", help="DVHs and limits of a DICOM plan (RT Dose + RT Structure Set [+ RT Plan])",
                       description="Compute the DVH of every structure from a DICOM RT Dose and RT Structure Set, "
                       "grade the target coverage (V100% >= 95 %, V90% >= 99 %), check the organ limits of a "
                       "constraint set for the plan's fraction count and grade R100%, R50% and D2cm against the "
                       "RTOG 0915/0813 table (lung sites; a reference elsewhere). Exit 0 only when everything was "
                       "checked and passed; 1 when something failed or could not be checked (incomplete); 2 for "
                       "bad input.")
    p.add_argument("--rtdose", metavar="FILE", action="append", default=[],
                   help="RT Dose file; repeat for the per-beam doses of one plan (summed when they share plan and "
                   "grid)")
    p.add_argument("--rtstruct", metavar="FILE", help="RT Structure Set file")
    p.add_argument("--rtplan", metavar="FILE", help="RT Plan file (prescription, fractions)")
    p.add_argument("--folder", metavar="DIR", help="a folder holding the RT Dose, RT Structure Set and RT Plan")
    p.add_argument("--prescription-gy", type=positive_float, metavar="D",
                   help="prescription dose, Gy (needed when the RT Plan has none; overrides the plan's, with a "
                   "warning when they differ)")
    p.add_argument("--fractions", type=fraction_count, metavar="N",
                   help="number of fractions (needed when the RT Plan has none; overrides the plan's)")
    p.add_argument("--dose-summation", choices=("plan", "fraction"), metavar="plan|fraction",
                   help="read the dose grid as the whole plan or as one fraction (multiplied by the fraction "
                   "count), whatever its Dose Summation Type says (e.g. a grid labelled FRACTION that holds "
                   "whole-plan values: plan)")
    p.add_argument("--target", dest="targets", action="append", default=[], metavar="NAME",
                   help="a target (PTV) structure name; repeat for several targets, or 'all' for every PTV "
                   "(default: the one PTV)")
    p.add_argument("--site", metavar="SITE", choices=PLAN_SITES,
                   help="target site: " + ", ".join(PLAN_SITES) + " (the RTOG conformity table is graded at lung "
                   "sites only; the organs expected to be contoured and extra limits, e.g. HyTEC cord at spine, "
                   "follow the site)")
    p.add_argument("--set", dest="set_key", default="tg101", metavar="KEY", help="constraint set (default tg101)")
    p.add_argument("--map", dest="mapping", type=_mapping, action="append", default=[], metavar="NAME=TG263",
                   help="map a structure name to a TG-263 name (repeat; empty TG-263 name leaves it out)")
    p.add_argument("--lql", dest="lql_transition_dose_gy", type=_transition_dose, metavar="DT",
                   help="also give each structure's EQD2 under LQ-L with transition dose DT Gy (beside LQ)")
    p.add_argument("--case", metavar="FILE", help="a saved case (.sbrt.json): each structure's EQD2 at the case's "
                   "tumour alpha/beta (targets) and organ alpha/beta (organs; the spinal cord/canal keep the presets' "
                   "cord value), as the case's evaluation computes it (default: the presets' values)")
    p.add_argument("--dvh-csv", metavar="FILE", help="also write the cumulative DVHs (0.1 Gy bins) to FILE as CSV "
                   "(never over an input file or an existing file that is not a CSV)")
    add_format_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sbrt_calc.cli.lazy_pydicom import import_pydicom

    import_pydicom()  # before the readers: pydicom without the modules it runs and this command never uses
    from sbrt_calc.atomic_write import check_replaceable, write_text_atomic
    from sbrt_calc.cli.main import UsageError
    from sbrt_calc.cli.output import emit, to_csv, to_json
    from sbrt_calc.plancheck.dvh import dvh_csv_rows
    from sbrt_calc.plancheck.grade import check_plan
    from sbrt_calc.plancheck.inputs import PlanCheckInputs, find_in_folder
    from sbrt_calc.text_safety import terminal_safe

    files = find_in_folder(args.folder) if args.folder else {}
    doses = list(args.rtdose) or ([files["rtdose"], *files.get("rtdose_parts", ())] if "rtdose" in files else [])
    rtstruct = args.rtstruct or files.get("rtstruct")
    if not doses or not rtstruct:
        raise UsageError("check-plan: give --rtdose and --rtstruct, or --folder (see --help)")
    targets = list(args.targets)
    single = targets[0] if len(targets) == 1 and targets[0] != "all" else None
    inputs = PlanCheckInputs(doses[0], rtstruct, args.rtplan or files.get("rtplan"), single, args.prescription_gy,
                             args.fractions, args.set_key, tuple(args.mapping), rtdose_parts=tuple(doses[1:]),
                             dose_summation=args.dose_summation, folder=args.folder or None)
    own_inputs = tuple(p for p in (*doses, rtstruct, inputs.rtplan) if p)
    if args.dvh_csv:  # checked before the (long) computation, and again by the atomic writer after it
        check_replaceable(args.dvh_csv, "csv", own_inputs)
    alpha_betas = None
    if args.case:
        from sbrt_calc.case import load_case
        from sbrt_calc.plancheck.alpha_beta import of_case

        cs = load_case(args.case).settings
        alpha_betas = of_case(cs.tumour_alpha_beta_gy, cs.organ_alpha_beta_gy)
    result = check_plan(inputs, lql_transition_dose_gy=args.lql_transition_dose_gy, site=args.site,
                        targets=targets or None, alpha_betas=alpha_betas, folder_found=files or None)
    if args.dvh_csv:
        headers, rows = dvh_csv_rows([s.dose for s in result.structures])
        write_text_atomic(args.dvh_csv, to_csv(headers, rows), kind="csv", inputs=own_inputs)
    if args.format == "json":
        emit(to_json(result.as_dict()))
    elif args.format == "csv":
        headers = ["organ", "structure", "metric", "comparison", "limit", "unit", "value", "status", "verification",
                   "converted", "source"]
        rows = [[c.constraint.organ, c.structure or "", c.constraint.metric, c.constraint.comparison,
                 repr(c.constraint.limit), c.constraint.unit, "" if c.value is None else repr(c.value), c.status,
                 c.constraint.verification, str(c.constraint.converted), c.constraint.source] for c in result.constraints]
        emit(terminal_safe(to_csv(headers, rows).rstrip("\n"), keep_newlines=True))
    else:
        from sbrt_calc.plancheck.text import render_table

        emit(terminal_safe(render_table(result), keep_newlines=True))
    return 0 if result.status == "pass" else 1
