"""Caveats: the warnings a result carries, each with a stable code, a short form and a sentence.

The code is what tests and the JSON rely on; the short form fits a table cell; the sentence is
for the tooltip, the working panel, the CLI notes and the report. Every face shows these objects;
none writes its own warning text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Caveat:
    """One warning: ``code`` (stable), ``short`` (a few words) and ``text`` (a full sentence)."""

    code: str
    short: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "short": self.short, "text": self.text}


#: Short forms by code (the sentences carry the numbers).
SHORT = {
    "lq_high_dose": "LQ doubtful (high d)",
    "lql_equals_lq": "LQ-L = LQ here",
    "usc_equals_lq": "USC = LQ here",
    "unusual_dose_per_fraction": "unusual dose/fx",
    "unusual_fractions": "unusual fractions",
    "time_corrected": "time-corrected; lines observed uncorrected",
    "time_not_corrected": "within kick-off",
    "time_defaults_recalled": "time defaults recalled",
    "usc_parameters_recalled": "USC parameters recalled",
}


def caveat(code: str, text: str) -> Caveat:
    """A :class:`Caveat` with the short form of ``code``."""
    return Caveat(code, SHORT.get(code, code.replace("_", " ")), text)


def regimen_caveats(warnings: tuple[str, ...]) -> list[Caveat]:
    """The regimen parser's warnings (unusual dose per fraction or fraction count) as caveats."""
    out = []
    for w in warnings:
        code = "unusual_dose_per_fraction" if "dose per fraction" in w else "unusual_fractions"
        out.append(caveat(code, w))
    return out
