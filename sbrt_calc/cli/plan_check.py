"""``sbrt-calc plan-check --ptv-cc V [--r50 X] [--d2cm-percent Y] [--r100 Z]``.

Grades conformity and dose fall-off against the RTOG 0915/0813 table, limits interpolated
linearly in PTV volume; outside the table's range it says so and does not grade R50%/D2cm.
Exit 0 when every metric given is 'none' or 'minor', 1 when any is 'major' or cannot be graded.
``--site`` names the target: outside lung (lung tumours in lung) the table is a reference only
and does not fail the plan. Measurements physics does not allow (R50% < 1, D2cm above 100 %,
...) are bad input: one line naming the value and what is allowed, exit 2.
"""

from __future__ import annotations

import argparse
from typing import Any

from sbrt_calc.cli.models_args import positive_float
from sbrt_calc.cli.output import add_format_argument

_SITES = ("lung", "lung_peripheral", "lung_central", "lung_ultracentral", "bone", "spine", "adrenal", "liver",
          "lymph_node", "brain", "other")


def register(sub: Any) -> None:
    p = sub.add_parser("plan-check", help="grade R50%%, D2cm and R100%% against the RTOG 0915/0813 table",
                       # argparse %-formats help texts, not descriptions: "%" here, "%%" in help=
                       description="Conformity (R100%) and fall-off (R50%, D2cm) limits for the PTV volume, "
                       "interpolated linearly between table rows, and the deviation grade of each value given "
                       "(none / minor / major). Exit 1 if any given metric is a major deviation or cannot be "
                       "graded (PTV outside the table).")
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
    from sbrt_calc.planning.conformity import grade_plan
    from sbrt_calc.presets.loader import active_presets

    t = active_presets().conformity_table(args.table)
    g = grade_plan(args.ptv_cc, args.r50, args.d2cm_percent, args.r100, table=t, site=args.site)
    given = [m for m in g.metrics if m.value is not None]
    failed = g.applies and any(m.grade in ("major", "not graded") for m in given)
    if args.format == "json":
        emit(to_json(g.as_dict()))
    elif args.format == "csv":
        emit(to_csv(["metric", "value", "limit_none", "limit_minor", "comparison", "grade", "ptv_cc",
                     "in_table_range"],
                    [[m.metric, "" if m.value is None else repr(m.value),
                      "" if m.limit_none is None else repr(m.limit_none),
                      "" if m.limit_minor is None else repr(m.limit_minor), m.comparison, m.grade or "",
                      repr(g.ptv_cc), g.in_table_range] for m in g.metrics]).rstrip("\n"))
    else:
        def fmt(x: float | None, unit: str) -> str:
            return "-" if x is None else f"{x:.3g}{' ' + unit if unit else ''}"

        def lim(x: float | None, m: Any) -> str:
            return "-" if x is None else f"{m.comparison} {fmt(x, m.unit)}"

        rows = [[m.metric, fmt(m.value, m.unit), lim(m.limit_none, m), lim(m.limit_minor, m), (m.grade or "-").upper() if m.grade == "major"
                 else (m.grade or "-")] for m in g.metrics]
        lines = ([g.caveat] if g.caveat else []) + [
            g.message, "", table(["Metric", "Plan", "No deviation", "Minor deviation",
                                  "Deviation" if g.applies else "Deviation (reference only)"], rows, align="lrrrl"),
            "", "Above the minor limit = major deviation. R50% and D2cm limits depend on PTV volume; R100% does not.",
            g.r100_band, f"Source: {t.source}"]
        emit("\n".join(lines))
    return 1 if failed else 0
