"""The plain-text rendering of a plan check (CLI ``--format table``), from its report tables."""

from __future__ import annotations

from sbrt_calc.plancheck.grade import PlanCheckResult
from sbrt_calc.plancheck.report import report_tables


def render_table(result: PlanCheckResult) -> str:
    """Every report table as an aligned text table with its notes and source."""
    from sbrt_calc.cli.output import table

    lines: list[str] = []
    for t in report_tables(result):
        lines.append(f"== {t.title}")
        if t.rows:
            lines.append(table(list(t.headers), [list(r) for r in t.rows], align="l" * len(t.headers)))
        for n in t.notes:
            lines.append(f"  {n}")
        if t.source:
            lines.append(f"Source: {t.source}")
        lines.append("")
    lines.append("Decision support: check every limit against the source and your protocol.")
    return "\n".join(lines)
