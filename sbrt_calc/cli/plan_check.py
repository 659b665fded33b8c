"""``sbrt-calc plan-check --ptv-cc V [--r50 X] [--d2cm-percent Y] [--r100 Z]``.

Grades conformity and dose fall-off against the RTOG 0915/0813 table, limits interpolated
linearly in PTV volume; outside the table's range it says so and does not grade R50%/D2cm.
The same status as ``check-plan`` (issue 17): ``status`` "pass" when every metric given was graded
'none' or 'minor', "fail" when any is 'major' (or R100%/R50% below 0.95: under-coverage),
"incomplete" when any cannot be graded (PTV outside the table) or nothing was graded (no metric
given, or the table is only a reference at the ``--site``: outside lung it does not fail a plan,
nor pass one). Exit 0 only for "pass", 1 for "fail" or "incomplete". Typed values must be finite
numbers > 0 (exit 2 otherwise); R50% below 1 and D2cm above 100 % are measurements and graded.
"""

from __future__ import annotations

import argparse
from typing import Any

from sbrt_calc.cli.models_args import positive_float
from sbrt_calc.cli.output import add_format_argument
from sbrt_calc.plancheck.names import PLAN_SITES as _SITES


def register(sub: Any) -> None:
    p = sub.add_parser("plan-check", help="grade R50%%, D2cm and R100%% against the RTOG 0915/0813 table",
                       # argparse %-formats help texts, not descriptions: "%" here, "%%" in help=
                       description="Conformity (R100%) and fall-off (R50%, D2cm) limits for the PTV volume, "
                       "interpolated linearly between table rows, and the deviation grade of each value given "
                       "(none / minor / major). Exit 0 only when every metric given was graded and none is a "
                       "major deviation; 1 when one is (fail), or cannot be graded or nothing was graded "
                       "(incomplete: PTV outside the table, the table a reference at --site).")
    p.add_argument("--ptv-cc", type=positive_float, required=True, metavar="V", help="PTV volume, cm3")
    p.add_argument("--r50", type=positive_float, metavar="X", help="R50%%: 50%% isodose volume / PTV volume")
    p.add_argument("--d2cm-percent", type=positive_float, metavar="Y",
                   help="D2cm: maximum dose 2 cm from the PTV, %% of prescription")
    p.add_argument("--r100", type=positive_float, metavar="Z", help="R100%%: prescription isodose volume / PTV volume")
    p.add_argument("--table", default="rtog0915", metavar="KEY", help="conformity table (default rtog0915)")
    p.add_argument("--site", metavar="SITE", choices=_SITES,
                   help="target site: " + ", ".join(_SITES) + " (the table is for lung tumours in lung; "
                   "elsewhere it is a reference only)")
    add_format_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sbrt_calc.cli.output import emit, table, to_csv, to_json
    from sbrt_calc.planning.conformity import grade_plan, metric_status
    from sbrt_calc.presets.loader import active_presets

    t = active_presets().conformity_table(args.table)
    g = grade_plan(args.ptv_cc, args.r50, args.d2cm_percent, args.r100, table=t, site=args.site)
    status, not_checked = plan_grade_status(g)
    if args.format == "json":
        emit(to_json({"status": status, "not_checked": not_checked, **g.as_dict(),
                      "metrics": [{**m.as_dict(), "status": metric_status(m, g.applies)} for m in g.metrics]}))
    elif args.format == "csv":
        emit(to_csv(["metric", "value", "limit_none", "limit_minor", "comparison", "grade", "ptv_cc",
                     "in_table_range", "status"],
                    [[m.metric, "" if m.value is None else repr(m.value),
                      "" if m.limit_none is None else repr(m.limit_none),
                      "" if m.limit_minor is None else repr(m.limit_minor), m.comparison, m.grade or "",
                      repr(g.ptv_cc), g.in_table_range, metric_status(m, g.applies)] for m in g.metrics]
                    ).rstrip("\n"))
    else:
        def fmt(x: float | None, unit: str) -> str:
            return "-" if x is None else f"{x:.3g}{' ' + unit if unit else ''}"

        def lim(x: float | None, m: Any) -> str:
            return "-" if x is None else f"{m.comparison} {fmt(x, m.unit)}"

        rows = [[m.metric, fmt(m.value, m.unit), lim(m.limit_none, m), lim(m.limit_minor, m), (m.grade or "-").upper() if m.grade == "major"
                 else (m.grade or "-")] for m in g.metrics]
        lines = [f"Status: {status.upper()}" + (f" ({'; '.join(not_checked)})" if not_checked else "")] + \
            ([g.caveat] if g.caveat else []) + [
            g.message, "", table(["Metric", "Plan", "No deviation", "Minor deviation",
                                  "Deviation" if g.applies else "Deviation (reference only)"], rows, align="lrrrl"),
            "", "Above the minor limit = major deviation. R50% and D2cm limits depend on PTV volume; R100% does not.",
            g.r100_band, f"Source: {t.source}"]
        emit("\n".join(lines))
    return 0 if status == "pass" else 1


def plan_grade_status(g: Any) -> tuple[str, list[str]]:
    """(status, what was not graded) of a :class:`~sbrt_calc.planning.conformity.PlanGrade` of typed values."""
    from sbrt_calc.planning.conformity import metric_status

    given = [m for m in g.metrics if m.value is not None]
    statuses = [metric_status(m, g.applies) for m in given]
    not_checked = [f"{m.metric}: not graded ({g.message})" for m, s in zip(given, statuses, strict=True)
                   if s == "incomplete"]
    if not given:
        not_checked.append("no metric given: nothing graded")
    elif all(s == "n/a" for s in statuses):
        not_checked.append(f"the table is a reference only at site {g.site}: nothing graded")
    if "fail" in statuses:
        return "fail", not_checked
    return ("incomplete" if not_checked else "pass"), not_checked
