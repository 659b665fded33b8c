"""What the app's banner says about an evaluation: the caveats and verdicts that apply to several rows,
merged, with the rows they apply to (numbered from 1). The GUI only adds markup.
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


def _rows(numbers: list[int]) -> str:
    return ", ".join(str(n + 1) for n in numbers)


def banner(ev: Evaluation) -> list[BannerLine]:
    """The banner's lines (see the module docstring)."""
    s = ev.settings
    out = []
    high = [r.index for r in ev.valid_rows() if any(c.code == "lq_high_dose" for c in r.caveats)]
    if high:
        limit = s.lq.validity_dose_per_fraction_gy
        hint = "" if len(s.models) > 1 else " — compare LQ-L and USC (View ▸ All three, Ctrl+4)"
        out.append(BannerLine("caveat", "⚠ High-dose caveat:", f"LQ is uncertain above {limit:g} Gy per fraction "
                                                               f"(this tool's line); row(s) {_rows(high)}{hint}."))
    groups: dict[str, list[int]] = {"above": [], "depends": [], "below": []}
    for r in ev.valid_rows():
        if r.sensitivity is not None:
            groups[r.sensitivity.verdict].append(r.index)
    parts = []
    if groups["above"]:
        parts.append(f"above the line regimens in every model for row(s) {_rows(groups['above'])}")
    if groups["depends"]:
        parts.append(f"depends on the model or alpha/beta for row(s) {_rows(groups['depends'])}")
    if groups["below"]:
        parts.append(f"below them in every model for row(s) {_rows(groups['below'])}")
    if parts:
        lo, hi = s.alpha_beta_range_gy
        fx = ", ".join(str(n) for n in s.line_regimen_fractions)
        out.append(BannerLine("sensitivity", f"{s.flag.label} (LQ) against the regimens on the line ({fx} fx), "
                                             f"α/β {lo:g}–{hi:g} Gy, LQ/LQ-L/USC:", "; ".join(parts) + "."))
    invalid = [r.index for r in ev.rows if not r.valid]
    if invalid:
        out.append(BannerLine("invalid", "⚠ Invalid input", f"in row(s) {_rows(invalid)} (hover the red cell for the "
                                                            f"reason)."))
    return out
