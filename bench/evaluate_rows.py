#!/usr/bin/env python3
"""Regimens per second through ``evaluate(case)`` (issue 21: goal >= 5,000/s; 0.1.0 did 1,205-1,421/s).

A case of N valid rows (a sweep of total doses over 1-8, 10, 12, 15 fractions: below and above the
LQ-L and USC transitions, some with an overall time) evaluated with ``sections=False`` (the regimen
rows only: what the table and the plot need) under each model setting ('lq', 'lql', 'usc', 'all'),
with and without the time correction. CPU time of the process (user + sys, ``time.process_time``),
median of 3 runs, so that the other engineers' load on a shared machine counts less than in wall time.

    python bench/evaluate_rows.py [--rows 57 5000] [--runs 3] [--models lq lql usc all]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def rows(n: int) -> tuple:  # type: ignore[type-arg]
    from sbrt_calc.case import CaseRegimen

    fx = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15)
    out = []
    for i in range(n):
        f = fx[i % len(fx)]
        total = round(f * (2.0 + (i * 0.37) % 24.0), 2)
        t = None if i % 7 else float(f + 2)
        out.append(CaseRegimen(f"{total:g}/{f}", total, f, overall_time_days=t))
    return tuple(out)


def cpu_rate(case, settings, runs: int) -> float:  # type: ignore[no-untyped-def]
    from sbrt_calc.evaluation import evaluate

    times = []
    for _ in range(runs):
        t0 = time.process_time()
        evaluate(case, settings, sections=False)
        times.append(time.process_time() - t0)
    return len(case.regimens) / statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[57, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--models", nargs="+", default=["lq", "lql", "usc", "all"])
    args = parser.parse_args()
    from dataclasses import replace

    from sbrt_calc.case import Case, CaseSettings
    from sbrt_calc.evaluation import evaluate, settings_of

    evaluate(Case(regimens=rows(10)), sections=False)   # imports and presets loaded before timing
    print(f"evaluate(case, sections=False): regimens/s, CPU time (user+sys), median of {args.runs}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'rows':>6} {'model':>5} {'time corr.':>10} {'regimens/s':>11}")
    for n in args.rows:
        case = Case(regimens=rows(n))
        for model in args.models:
            for tc in (False, True):
                s = settings_of(replace(CaseSettings(), model=model, time_correction=tc))
                print(f"{n:6d} {model:>5} {('on' if tc else 'off'):>10} {cpu_rate(case, s, args.runs):11,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
