"""The banner after a sweep summarises, with counts and ranges (issue 21), instead of lists of row numbers."""

from __future__ import annotations

from sbrt_calc.case import Case, CaseRegimen
from sbrt_calc.evaluation import evaluate
from sbrt_calc.summary import _ranges, _rows, banner


def test_ranges_merge_consecutive_rows() -> None:
    assert _ranges([0, 1, 2, 3, 5, 7, 8]) == ["1–4", "6", "8–9"]
    assert _rows([0, 1, 2, 3, 5, 7, 8, 10, 12], 20) == "9 of 20 rows (1–4, 6, 8–9, …)"
    assert _rows([4], 6) == "1 of 6 rows (5)"
    assert _rows([0], 1) == "1 row (1)"
    assert _rows([0, 1, 2], 3) == "all 3 rows"


def test_banner_after_a_sweep_is_short() -> None:
    """A sweep of 20..58 Gy in 2-Gy steps over 3..6 fractions (80 rows): every banner line stays under
    220 characters (a list of row numbers grows with the rows) and names each group with its count."""
    rows = tuple(CaseRegimen(f"{d}/{n}", float(d), n) for n in (3, 4, 5, 6) for d in range(20, 59, 2))
    ev = evaluate(Case(regimens=rows))
    lines = banner(ev)
    assert lines
    for line in lines:
        assert len(line.text) < 220, line.text
    caveat = next(x for x in lines if x.kind == "caveat")
    high = [r for r in ev.valid_rows() if r.regimen is not None and r.regimen.dose_per_fraction_gy > 8]
    assert f"{len(high)} of {len(rows)} rows" in caveat.text
    lo = min(r.regimen.dose_per_fraction_gy for r in high if r.regimen is not None)
    hi = max(r.regimen.dose_per_fraction_gy for r in high if r.regimen is not None)
    assert f"{lo:g}–{hi:g} Gy per fraction" in caveat.text   # the dose-per-fraction range of those rows
    sens = next(x for x in lines if x.kind == "sensitivity")
    counted = sum(int(part.split(": ")[1].split(" ")[0]) for part in sens.text.split("; "))
    assert counted == len(rows)      # every row in exactly one group, each group counted
