"""``sbrt-calc constraints --fractions N [--set KEY]``: organ-at-risk limits for a fraction count.

Where a set gives no column for N, the output says so and offers LQ-converted limits (alpha/beta
2-3 Gy by default), each marked ``converted``, never presented as the source's, only within the
source's fraction range and LQ's range (see :mod:`sbrt_calc.planning.constraints`). Each set lists
what it leaves out and its unresolved rows. ``--organ`` matches TG-263 names and common spellings
in any case; an unknown organ is bad input (exit 2, the known organs listed).
"""

from __future__ import annotations

import argparse
from typing import Any

from sbrt_calc.cli.models_args import fraction_count, positive_float
from sbrt_calc.cli.output import add_format_argument


def register(sub: Any) -> None:
    p = sub.add_parser("constraints", help="organ-at-risk limits for a fraction count",
                       description="Organ-at-risk limits of the published sets (tg101, rtog0915, rtog0813, nccn, "
                       "hytec_cord, and user sets) for N fractions, with sources. Where a set has no column for N, "
                       "LQ-converted limits are offered and labelled as converted.")
    p.add_argument("--fractions", type=fraction_count, required=True, metavar="N", help="number of fractions")
    p.add_argument("--set", dest="set_key", metavar="SET", help="one set (default: all sets)")
    p.add_argument("--organ", metavar="ORGAN", help="only this TG-263 structure, e.g. SpinalCord")
    p.add_argument("--alpha-beta", dest="alpha_betas", type=positive_float, action="append", metavar="AB",
                   help="alpha/beta (Gy) for converted limits; repeat (default: 2 and 3, lowest limit kept)")
    add_format_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sbrt_calc.cli.output import emit, table, to_csv, to_json
    from sbrt_calc.planning.constraints import DEFAULT_CONVERSION_ALPHA_BETAS_GY, constraints_for, resolve_organ

    abs_ = tuple(args.alpha_betas) if args.alpha_betas else DEFAULT_CONVERSION_ALPHA_BETAS_GY
    organ = None if args.organ is None else resolve_organ(args.organ)
    lookups = constraints_for(args.fractions, args.set_key, alpha_betas=abs_)

    def keep(c: Any) -> bool:
        return organ is None or c.organ == organ

    if args.format == "json":
        emit(to_json({
            "fractions": args.fractions, "conversion_alpha_betas_gy": list(abs_),
            "sets": [{"set": lk.set.key, "name": lk.set.name, "source": lk.set.source, "errata": lk.set.errata,
                      "columns": list(lk.set.fractions), "has_column": lk.has_column, "message": lk.message,
                      "converted_from_fractions": list(lk.converted_from),
                      "constraints": [c.as_dict() for c in lk.constraints if keep(c)],
                      "not_converted": [c.as_dict() for c in lk.not_converted if keep(c)],
                      "not_converted_reasons": list(lk.not_converted_reasons),
                      "unresolved": [u.as_dict() for u in lk.unresolved if keep(u)],
                      "omitted": list(lk.omitted)} for lk in lookups],
        }))
        return 0
    if args.format == "csv":
        headers = ["set", "organ", "metric", "comparison", "limit", "unit", "fractions", "converted",
                   "converted_from_fractions", "converted_from_limit", "verification", "note", "source"]
        rows = [[c.set_key, c.organ, c.metric, c.comparison, repr(c.limit), c.unit, c.fractions, c.converted,
                 c.converted_from_fractions or "", "" if c.converted_from_limit is None else repr(c.converted_from_limit),
                 c.verification, c.note, c.source] for lk in lookups for c in lk.constraints if keep(c)]
        emit(to_csv(headers, rows).rstrip("\n"))
        return 0
    lines: list[str] = []
    for lk in lookups:
        lines.append(f"== {lk.set.name} [{lk.set.key}], {args.fractions} fraction(s)")
        lines.append(lk.message)
        rows = []
        for c in lk.constraints:
            if not keep(c):
                continue
            if c.converted:
                by_ab = ", ".join(f"a/b {ab:g}: {v:.1f}" for ab, v in c.limits_by_alpha_beta)
                origin = f"CONVERTED from {c.converted_from_metric} {c.converted_from_limit:g} in " \
                         f"{c.converted_from_fractions} fx ({by_ab})"
            else:
                origin = "source"
            limit = c.limit_text
            rows.append([c.organ, c.metric, c.comparison, limit, c.unit, c.verification, origin])
        for u in lk.unresolved:
            if keep(u):
                rows.append([u.organ, u.metric, "", "-", "", "unresolved", f"{u.text}; not used"])
        if rows:
            lines.append(table(["Organ", "Metric", "", "Limit", "Unit", "Verified", "Origin"], rows, align="lllrlll"))
        else:
            lines.append("(no limit for this organ)" if args.organ else "(no limits)")
        skipped = [r for c, r in zip(lk.not_converted, lk.not_converted_reasons, strict=False) if keep(c)]
        if skipped:
            lines.append("Not converted (the source's own column only): " + "; ".join(skipped))
        for u in lk.unresolved:
            if keep(u):
                lines.append(f"Unresolved {u.organ} ({u.fractions} fx): {u.note}")
        if lk.omitted:
            lines.append("This set leaves out: " + "; ".join(lk.omitted))
        lines.append(f"Source: {lk.set.source}")
        if lk.set.errata:
            lines.append(f"Errata: {lk.set.errata}")
        lines.append("")
    lines.append("Decision support: check every limit against the source and your protocol.")
    emit("\n".join(lines))
    return 0
