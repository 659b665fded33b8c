"""Print line, branch and combined coverage apart, and fail under the gates (CI: `.ci/run`).

`pytest --cov` reports one combined figure, (covered lines + covered branches) / (lines + branches); it
hides a lower branch coverage behind a higher line coverage (92 % combined was 84.7 % of branches). This
reads the data file that run left (`.coverage`) and prints the three figures, each with its counts:

    python scripts/coverage_figures.py [--min-combined 90] [--min-branch 85] [--data-file .coverage] [--rcfile F]

Exit 0 when every gate holds, 1 when one fails (the failing figure is named), 2 when there is no data.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path


def figures(totals: dict[str, float]) -> dict[str, tuple[int, int, float]]:
    """(covered, total, percent) for 'lines', 'branches' and 'combined', from coverage's JSON totals."""
    lines = (int(totals["covered_lines"]), int(totals["num_statements"]))
    branches = (int(totals.get("covered_branches", 0)), int(totals.get("num_branches", 0)))
    combined = (lines[0] + branches[0], lines[1] + branches[1])

    def pct(covered: int, total: int) -> float:
        return 100.0 * covered / total if total else 100.0

    return {name: (c, t, pct(c, t)) for name, (c, t) in
            (("lines", lines), ("branches", branches), ("combined", combined))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-combined", type=float, default=90.0, help="gate on combined coverage, %% (90)")
    parser.add_argument("--min-branch", type=float, default=85.0, help="gate on branch coverage, %% (85)")
    parser.add_argument("--data-file", default=".coverage", help="coverage data file (.coverage)")
    parser.add_argument("--rcfile", default=None, help="coverage configuration file (default: the project's)")
    args = parser.parse_args(argv)
    if not Path(args.data_file).is_file():
        print(f"coverage_figures: no coverage data at {args.data_file} (run pytest --cov first)", file=sys.stderr)
        return 2
    import coverage

    cov = coverage.Coverage(data_file=args.data_file, config_file=args.rcfile or True)
    cov.load()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "coverage.json"
        cov.json_report(outfile=str(out))
        totals = json.loads(out.read_text(encoding="utf-8"))["totals"]
    f = figures(totals)
    for name, (c, t, p) in f.items():
        print(f"coverage {name:<9} {p:6.2f} %  ({c} of {t})")
    failed = [f"{name} {f[name][2]:.2f} % < {gate:g} %" for name, gate in
              (("combined", args.min_combined), ("branches", args.min_branch)) if f[name][2] < gate]
    if failed:
        print("coverage gate failed: " + "; ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
