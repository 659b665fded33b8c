"""What the app's banner says about an evaluation: the caveats and verdicts that apply to several rows,
merged, summarised as counts and ranges (issue 21: a sweep of 20 rows made four lines of row numbers):
'8 of 23 rows (1–4, 6, 8–9, …)', runs of consecutive rows written as ranges, at most
:data:`MAX_RANGES` ranges then '…' (the table's own cells say it for every row); rows numbered from 1.
The GUI only adds markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from sbrt_calc.evaluation import Evaluation


@dataclass(frozen=True)
class BannerLine:
    """One line: ``kind`` ('caveat', 'sensitivity', 'invalid'), a bold ``head`` and the ``text``."""

    kind: str
    head: str
    text: str


#: at most this many ranges of row numbers in a banner line, then '…'
MAX_RANGES = 3


def _ranges(numbers: list[int]) -> list[str]:
    """0-based row indexes -> '1–4', '6', ... (1-based, consecutive runs merged)."""
    out: list[str] = []
    nums = sorted(set(numbers))
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(f"{nums[i] + 1}" if i == j else f"{nums[i] + 1}–{nums[j] + 1}")
        i = j + 1
    return out


def _rows(numbers: list[int], total: int) -> str:
    """'3 of 23 rows (1–2, 7)', '1 of 6 rows (4)', '1 row (1)', 'all 6 rows'."""
    n = len(set(numbers))
    if n == total and n > 1:
        return f"all {n} rows"
    ranges = _ranges(numbers)
    shown = ", ".join(ranges[:MAX_RANGES]) + (", …" if len(ranges) > MAX_RANGES else "")
    count = f"{n} row" if n == 1 else f"{n} rows"
    return f"{n} of {total} rows ({shown})" if total > n else f"{count} ({shown})"


def _span(values: list[float], unit: str) -> str:
    lo, hi = min(values), max(values)
    return f"{lo:g} {unit}" if lo == hi else f"{lo:g}–{hi:g} {unit}"


def banner(ev: Evaluation) -> list[BannerLine]:
    """The banner's lines (see the module docstring)."""
    s = ev.settings
    out = []
    valid = ev.valid_rows()
    total = len(ev.rows)
    high = [r for r in valid if any(c.code == "lq_high_dose" for c in r.caveats)]
    if high:
        limit = s.lq.validity_dose_per_fraction_gy
        hint = "" if len(s.models) > 1 else " — compare LQ-L and USC (View ▸ All three, Ctrl+4)"
        dpf = _span([r.regimen.dose_per_fraction_gy for r in high if r.regimen is not None], "Gy")
        out.append(BannerLine("caveat", "⚠ High-dose caveat:", f"LQ is uncertain above {limit:g} Gy per fraction "
                                                               f"(this tool's line): {_rows([r.index for r in high], total)}"
                                                               f", {dpf} per fraction{hint}."))
    groups: dict[str, list[int]] = {"above": [], "depends": [], "below": []}
    for r in valid:
        if r.sensitivity is not None:
            groups[r.sensitivity.verdict].append(r.index)
    parts = []
    if groups["above"]:
        parts.append(f"above the line regimens in every model: {_rows(groups['above'], total)}")
    if groups["depends"]:
        parts.append(f"depends on the model or α/β: {_rows(groups['depends'], total)}")
    if groups["below"]:
        parts.append(f"below them in every model: {_rows(groups['below'], total)}")
    if parts:
        lo, hi = s.alpha_beta_range_gy
        fx = ", ".join(str(n) for n in s.line_regimen_fractions)
        out.append(BannerLine("sensitivity", f"{s.flag.label} (LQ) against the regimens on the line ({fx} fx), "
                                             f"α/β {lo:g}–{hi:g} Gy, LQ/LQ-L/USC:", "; ".join(parts) + "."))
    invalid = [r.index for r in ev.rows if not r.valid]
    if invalid:
        out.append(BannerLine("invalid", "⚠ Invalid input", f"in {_rows(invalid, total)} (hover the red cell for the "
                                                            f"reason)."))
    return out
