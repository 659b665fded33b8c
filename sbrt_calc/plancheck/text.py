"""The plain-text rendering of a plan check (CLI ``--format table``), from its typed tables."""

from __future__ import annotations

import re

from sbrt_calc.plancheck.grade import PlanCheckResult
from sbrt_calc.plancheck.report import headline, status_below_headline, typed_tables

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape_controls(text: str) -> str:
    """Control and bidirectional-override characters as ``\\xNN`` / ``\\uNNNN`` (file-derived text)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


def terminal_text(text: str) -> str:
    """Text safe for a terminal (the io engineer's :mod:`sbrt_calc.text_safety` when present)."""
    try:
        from sbrt_calc.text_safety import terminal_safe  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return _escape_controls(text)
    return str(terminal_safe(text))


def render_table(result: PlanCheckResult) -> str:
    """The headline, then every typed table as aligned text with its notes and source."""
    from sbrt_calc.table import to_text

    lines = [f"PLAN CHECK: {headline(result).upper()}", ""]
    for t in typed_tables(result):   # the headline once: the status table under it without its headline row
        lines.append(to_text(status_below_headline(t) if t.key == "plan_check_status" else t, escape=terminal_text))
        lines.append("")
    lines.append("Decision support: check every limit against the source and your protocol.")
    return "\n".join(lines)
