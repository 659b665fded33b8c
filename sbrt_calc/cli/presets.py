"""``sbrt-calc presets list|check``: the preset data and its audit.

``list [--site SITE]`` shows every scheme with its dose per fraction, BED10 and source.
``check [DIR]`` validates schema and physics (dose per fraction consistent, units, duplicates,
sources present) of the shipped + user presets, or of DIR alone, prints each scheme's BED and
EQD2 for comparison with the physicist's own sheet, and exits 1 listing every problem.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sbrt_calc.cli.output import add_format_argument

_TABLE_SOURCE_WIDTH = 70


def register(sub: Any) -> None:
    p = sub.add_parser("presets", help="list and check the preset data (schemes, constraints, tables)",
                       description="Presets are TOML data in presets/ (shipped) and the user's data folder "
                       "(adds to or overrides the shipped ones by key). Schema: presets/README.md.")
    psub = p.add_subparsers(dest="presets_command", metavar="ACTION")
    pl = psub.add_parser("list", help="list the fractionation schemes",
                         description="Every scheme (shipped + user) with BED10 and its source.")
    pl.add_argument("--site", metavar="SITE",
                    help="a site (lung_peripheral, spine, brain_srs, ...) or a group (lung, brain, ...)")
    add_format_argument(pl)
    pl.set_defaults(func=run_list)
    pc = psub.add_parser("check", help="validate presets; exit 1 listing every problem",
                         description="Validate schema and physics of the presets (shipped + user, or DIR alone) "
                         "and print every scheme's BED/EQD2 at alpha/beta 10 and 3 Gy. Exit 0 when all is well, "
                         "1 when any problem is found (all are listed), 2 when DIR does not exist.")
    pc.add_argument("dir", nargs="?", metavar="DIR", help="a folder of preset files (or one file) to check alone")
    add_format_argument(pc)
    pc.set_defaults(func=run_check)
    p.set_defaults(func=_need_action)


def _need_action(args: argparse.Namespace) -> int:
    from sbrt_calc.cli.main import UsageError

    raise UsageError("presets: give an ACTION: list or check (see --help)")


def _short(text: str, width: int = _TABLE_SOURCE_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _marks(cset: Any) -> dict[str, int]:
    """How many rows of a constraint set carry each verification mark."""
    out: dict[str, int] = {}
    for c in cset.constraints:
        out[c.verification] = out.get(c.verification, 0) + 1
    return out


def _scheme_rows(schemes: Any) -> list[dict[str, Any]]:
    from sbrt_calc.radiobiology.lq import bed, eqd2

    out = []
    for s in schemes:
        d = s.dose_per_fraction_gy
        out.append({
            "key": s.key, "site": s.site, "group": s.group, "label": s.label, "total_dose_gy": s.total_dose_gy,
            "fractions": s.fractions, "dose_per_fraction_gy": d,
            "bed_gy": {"10": float(bed(s.total_dose_gy, d, 10.0)), "3": float(bed(s.total_dose_gy, d, 3.0))},
            "eqd2_gy": {"10": float(eqd2(s.total_dose_gy, d, 10.0)), "3": float(eqd2(s.total_dose_gy, d, 3.0))},
            "verification": s.verification, "note": s.note, "source": s.source, "file": s.path,
        })
    return out


def run_list(args: argparse.Namespace) -> int:
    from sbrt_calc.cli.output import emit, table, to_csv, to_json
    from sbrt_calc.presets.loader import active_presets

    ps = active_presets()
    # `--site ""` (an empty shell variable) is refused as an unknown site, not read as "every site"
    schemes = ps.schemes_for_site(args.site) if args.site is not None else list(ps.schemes)
    rows = _scheme_rows(schemes)
    if args.format == "json":
        emit(to_json({"site": args.site, "schemes": rows}))
        return 0
    headers = ["key", "site", "group", "label", "total_dose_gy", "fractions", "dose_per_fraction_gy",
               "bed_gy_10", "eqd2_gy_10", "verification", "note", "source"]
    if args.format == "csv":
        emit(to_csv(headers, [[r["key"], r["site"], r["group"], r["label"], r["total_dose_gy"], r["fractions"],
                               repr(r["dose_per_fraction_gy"]), repr(r["bed_gy"]["10"]), repr(r["eqd2_gy"]["10"]),
                               r["verification"], r["note"], r["source"]] for r in rows]).rstrip("\n"))
        return 0
    t = table(["Key", "Site", "Scheme", "d [Gy]", "BED10 [Gy]", "EQD2(10) [Gy]", "Verified", "Source"],
              [[r["key"], r["site"], r["label"], f"{r['dose_per_fraction_gy']:.2f}", f"{r['bed_gy']['10']:.1f}",
                f"{r['eqd2_gy']['10']:.1f}", r["verification"], _short(r["source"])] for r in rows],
              align="lllrrrll")
    lines = [t, "", f"{len(rows)} scheme(s). 'recalled' = not seen printed in the source: check before use. "
             "Full sources: --format json."]
    emit("\n".join(lines))
    return 0


def run_check(args: argparse.Namespace) -> int:
    from sbrt_calc.cli.output import emit, table, to_csv, to_json
    from sbrt_calc.presets.loader import check_folder, check_presets

    report = check_folder(args.dir) if args.dir else check_presets()
    ps = report.presets
    rows = _scheme_rows(ps.schemes)
    if args.format == "json":
        emit(to_json({
            "ok": report.ok, "files": list(report.files), "problems": list(report.problems), "schemes": rows,
            "constraint_sets": [{"key": c.key, "name": c.name, "fractions": list(c.fractions),
                                 "constraints": len(c.constraints),
                                 "rows_by_fractions": {str(n): len(c.for_fractions(n)) for n in c.fractions},
                                 "marks": _marks(c), "omitted": list(c.omitted),
                                 "unresolved": [u.as_dict() for u in c.unresolved]
                                 + [{"organ": x.organ, "metric": x.metric, "fractions": x.fractions,
                                     "candidates": x.unresolved} for x in c.constraints if x.unresolved],
                                 "source": c.source, "errata": c.errata, "file": c.path} for c in ps.constraint_sets],
            "conformity": [{"key": c.key, "name": c.name, "rows": len(c.rows), "source": c.source, "file": c.path}
                           for c in ps.conformity],
            "reirradiation": [{"key": r.key, "name": r.name, "source": r.source, "file": r.path}
                              for r in ps.reirradiation],
        }))
    elif args.format == "csv":
        headers = ["key", "label", "total_dose_gy", "fractions", "dose_per_fraction_gy", "bed_gy_10", "eqd2_gy_10",
                   "bed_gy_3", "eqd2_gy_3", "verification", "file"]
        emit(to_csv(headers, [[r["key"], r["label"], r["total_dose_gy"], r["fractions"],
                               repr(r["dose_per_fraction_gy"]), repr(r["bed_gy"]["10"]), repr(r["eqd2_gy"]["10"]),
                               repr(r["bed_gy"]["3"]), repr(r["eqd2_gy"]["3"]), r["verification"], r["file"]]
                              for r in rows]).rstrip("\n"))
    else:
        lines = [f"Checked {len(report.files)} file(s):"] + [f"  {f}" for f in report.files] + [""]
        lines.append("Schemes: LQ BED and EQD2 (BED = n d (1 + d/(alpha/beta)), Fowler 1989) for your own sheet")
        lines.append(table(
            ["Key", "Scheme", "n", "d [Gy]", "BED10", "EQD2(10)", "BED3", "EQD2(3)", "Verified"],
            [[r["key"], r["label"], r["fractions"], f"{r['dose_per_fraction_gy']:.3f}", f"{r['bed_gy']['10']:.2f}",
              f"{r['eqd2_gy']['10']:.2f}", f"{r['bed_gy']['3']:.2f}", f"{r['eqd2_gy']['3']:.2f}", r["verification"]]
             for r in rows], align="llrrrrrrl"))
        lines.append("")
        lines.append("Constraint sets (rows per fraction count, marks, what each leaves out):" if ps.constraint_sets
                     else "Constraint sets: none")
        for c in ps.constraint_sets:
            per = ", ".join(f"{n} fx: {len(c.for_fractions(n))}" for n in c.fractions)
            marks = ", ".join(f"{k} {v}" for k, v in _marks(c).items())
            lines.append(f"  {c.key}: {len(c.constraints)} rows ({per}); {marks}")
            unresolved = [f"{u.organ} {u.metric} {u.fractions} fx ({u.text})" for u in c.unresolved] + [
                f"{x.organ} {x.metric} {x.fractions} fx (limit {x.limit:g} kept; unresolved: {x.unresolved})"
                for x in c.constraints if x.unresolved]
            for u in unresolved:
                lines.append(f"    unresolved: {u}")
            for o in c.omitted or ("(the set does not say what it leaves out)",):
                lines.append(f"    leaves out: {o}")
        lines.append("Conformity tables: " + (", ".join(f"{c.key} ({len(c.rows)} rows)" for c in ps.conformity)
                                              or "none"))
        lines.append("Re-irradiation limits: " + (", ".join(r.key for r in ps.reirradiation) or "none"))
        lines.append("")
        if report.ok:
            lines.append("OK: no problems found.")
        else:
            lines.append(f"{len(report.problems)} PROBLEM(S):")
            lines += [f"  {p}" for p in report.problems]
        emit("\n".join(lines))
    if not report.ok:
        print(f"sbrt-calc: presets check: {len(report.problems)} problem(s) found", file=sys.stderr)
        return 1
    return 0
