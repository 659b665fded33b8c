"""Regimens (total dose in n fractions) and the parser of the ways clinicians write them.

Accepted notations (case-insensitive, spaces optional, ``,`` allowed as decimal separator)::

    54/3   54 Gy/3   54Gy/3fx   54 Gy / 3 fractions
    3x18Gy   3 x 18 Gy   3 × 18 Gy   18 Gy x 3

Per-fraction notation needs the unit ``Gy`` on the dose so that ``3x18`` is never
ambiguous (3 fractions of 18 Gy, or 18 fractions of 3 Gy?).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from sbrt_calc.errors import RegimenError

#: Limits; a regimen beyond the *absurd* limits is rejected, beyond the *unusual* ones
#: it is accepted with a warning.
MAX_DOSE_PER_FRACTION_GY = 100.0
MAX_FRACTIONS = 100
UNUSUAL_DOSE_PER_FRACTION_GY = 30.0
UNUSUAL_FRACTIONS = 45

_NUM = r"(\d+(?:[.,]\d+)?|\.\d+)"
_GY = r"\s*gy"
_FX = r"\s*(?:fx|fr|fractions?|fxs|#)?"
_TIMES = r"\s*[x×*]\s*"

_TOTAL_OVER_N = re.compile(rf"^{_NUM}(?:{_GY})?\s*/\s*{_NUM}{_FX}$", re.IGNORECASE)
#: the per-fraction notations: compiled (re's cache) when first tried, not at import (the app's new case is written
#: '36/3', ...: ~0.5 ms of its start, stop 28)
_N_TIMES_D = rf"^{_NUM}(?:\s*(?:fx|fractions?))?{_TIMES}{_NUM}({_GY})?$"
_D_TIMES_N = rf"^{_NUM}({_GY}){_TIMES}{_NUM}{_FX}$"

_FORMS = "'54/3', '54 Gy/3', '54Gy/3fx', '3x18Gy', '3 x 18 Gy' or '18 Gy x 3'"


def _number(text: str) -> float:
    if re.fullmatch(r"\d{1,3},\d{3}", text):
        raise RegimenError(
            f"ambiguous number {text!r}: a thousands separator or a decimal comma? Write {text.replace(',', '')} "
            f"or {text.replace(',', '.')}",
            field="regimen", value=text, allowed="a number without thousands separators",
        )
    return float(text.replace(",", "."))


def _shown(text: str) -> str:
    return text if len(text) <= 20 else f"{text[:8]}...{text[-4:]} ({len(text)} characters)"


def _dose_number(text: str, what: str) -> float:
    """A dose as written; one beyond the float range ("222...2", 400 digits) is named as typed, not as inf."""
    value = _number(text)
    if not math.isfinite(value):
        raise RegimenError(f"{what} {_shown(text)!r} Gy is beyond the range of a number",
                           field="regimen", value=text, allowed="a dose in Gy, at most 100 Gy per fraction")
    return value


def fractions_text(n: int) -> str:
    """'1 fraction', '3 fractions' (issue 21: '1 fractions' read wrong in the app, the report and the CLI)."""
    return f"{n} fraction" if n == 1 else f"{n} fractions"


def _fraction_count(text: str, source: str) -> int:
    value = _number(text)
    if not math.isfinite(value) or value > MAX_FRACTIONS:   # "222...2" (400 digits) reads as inf
        raise RegimenError(
            f"fractions must be from 1 to {MAX_FRACTIONS}, got {_shown(text)!r} in {source if len(source) <= 40 else 'the regimen'!r}",
            field="fractions",
            value=text,
            allowed=f"an integer from 1 to {MAX_FRACTIONS}",
        )
    if value != int(value):
        raise RegimenError(
            f"fractions must be a whole number, got {text!r} in {source!r}",
            field="fractions",
            value=text,
            allowed="an integer from 1 to 100",
        )
    return int(value)


@dataclass(frozen=True)
class Regimen:
    """A prescription: total dose (Gy) delivered in a number of equal fractions.

    Parameters
    ----------
    total_dose_gy : float
        Total physical dose, Gy; finite and > 0.
    fractions : int
        Number of fractions, an integer from 1 to :data:`MAX_FRACTIONS`.
    label : str, optional
        How the user wrote it (``"54/3"``); defaults to ``"<total>/<n>"``.
    overall_time_days : float, optional
        Overall treatment time, days (first to last fraction), used only by the
        optional repopulation correction.

    Raises
    ------
    RegimenError
        For meaningless values (zero, negative, NaN, infinite, non-integer
        fractions) and absurd ones (dose per fraction > 100 Gy, > 100 fractions).
    """

    total_dose_gy: float
    fractions: int
    label: str = ""
    overall_time_days: float | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        dose = self.total_dose_gy
        n = self.fractions
        if isinstance(dose, bool) or not isinstance(dose, (int, float)):
            raise RegimenError(
                f"total dose must be a number in Gy, got {dose!r}",
                field="total_dose_gy", value=dose, allowed="a finite number > 0",
            )
        if not math.isfinite(dose) or dose <= 0:
            raise RegimenError(
                f"total dose must be a finite number > 0 Gy, got {dose!r}",
                field="total_dose_gy", value=dose, allowed="a finite number > 0",
            )
        if isinstance(n, bool) or not isinstance(n, (int, float)) or (
            isinstance(n, float) and (not math.isfinite(n) or n != int(n))
        ):
            raise RegimenError(
                f"fractions must be a whole number, got {n!r}",
                field="fractions", value=n, allowed="an integer from 1 to 100",
            )
        n = int(n)
        if n < 1 or n > MAX_FRACTIONS:
            raise RegimenError(
                f"fractions must be from 1 to {MAX_FRACTIONS}, got {n}",
                field="fractions", value=n, allowed=f"an integer from 1 to {MAX_FRACTIONS}",
            )
        dpf = float(dose) / n
        if dpf > MAX_DOSE_PER_FRACTION_GY:
            raise RegimenError(
                f"dose per fraction {dpf:g} Gy ({dose:g} Gy in {n}) is above the "
                f"{MAX_DOSE_PER_FRACTION_GY:g} Gy limit",
                field="dose_per_fraction_gy", value=dpf,
                allowed=f"at most {MAX_DOSE_PER_FRACTION_GY:g} Gy per fraction",
            )
        t = self.overall_time_days
        if t is not None and (
            isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t) or t < 0
        ):
            raise RegimenError(
                f"overall treatment time must be a number of days >= 0, got {t!r}",
                field="overall_time_days", value=t, allowed="a finite number of days >= 0",
            )
        if t is not None and t == 0 and math.copysign(1.0, t) < 0:   # -0.0 days is 0 days (shown "0 d", not "-0 d")
            object.__setattr__(self, "overall_time_days", 0.0)
        object.__setattr__(self, "total_dose_gy", float(dose))
        object.__setattr__(self, "fractions", n)
        if not self.label:
            object.__setattr__(self, "label", f"{float(dose):g}/{n}")
        warnings = []
        if dpf > UNUSUAL_DOSE_PER_FRACTION_GY:
            warnings.append(
                f"unusual: dose per fraction {dpf:g} Gy is above {UNUSUAL_DOSE_PER_FRACTION_GY:g} Gy"
            )
        if n > UNUSUAL_FRACTIONS:
            warnings.append(f"unusual: {n} fractions is more than {UNUSUAL_FRACTIONS}")
        object.__setattr__(self, "warnings", tuple(warnings))

    @property
    def dose_per_fraction_gy(self) -> float:
        """Dose per fraction, Gy."""
        return self.total_dose_gy / self.fractions

    @classmethod
    def from_dose_per_fraction(
        cls, dose_per_fraction_gy: float, fractions: int, label: str = ""
    ) -> Regimen:
        """Build a regimen from the dose per fraction (Gy) and the fraction count."""
        if isinstance(dose_per_fraction_gy, bool) or not isinstance(dose_per_fraction_gy, (int, float)):
            raise RegimenError(
                f"dose per fraction must be a number in Gy, got {dose_per_fraction_gy!r}",
                field="dose_per_fraction_gy", value=dose_per_fraction_gy,
                allowed="a finite number > 0",
            )
        if isinstance(fractions, bool) or not isinstance(fractions, int):
            raise RegimenError(
                f"fractions must be a whole number, got {fractions!r}",
                field="fractions", value=fractions, allowed="an integer from 1 to 100",
            )
        return cls(dose_per_fraction_gy * fractions, fractions, label)


def parse_regimen(text: str) -> Regimen:
    """Parse a regimen as clinicians write it.

    Parameters
    ----------
    text : str
        ``"54/3"``, ``"54 Gy/3"``, ``"54Gy/3fx"``, ``"3x18Gy"``, ``"3 x 18 Gy"``,
        ``"18 Gy x 3"``. A decimal comma (``"7,5 Gy x 4"``) is accepted.

    Returns
    -------
    Regimen
        With ``label`` set to the stripped text.

    Raises
    ------
    RegimenError
        If the text is not one of the accepted notations, or the values are not
        allowed (see :class:`Regimen`).

    Examples
    --------
    >>> parse_regimen("3 x 18 Gy").total_dose_gy
    54.0
    """
    if not isinstance(text, str):
        raise RegimenError(
            f"regimen must be text such as {_FORMS}, got {text!r}",
            field="regimen", value=text, allowed=_FORMS,
        )
    s = text.strip()
    if not s:
        raise RegimenError(
            f"empty regimen: write it as {_FORMS}", field="regimen", value=text, allowed=_FORMS
        )
    m = _TOTAL_OVER_N.match(s)
    if m:
        total = _dose_number(m.group(1), "total dose")
        n = _fraction_count(m.group(2), s)
        return Regimen(total, n, s)
    m = re.match(_N_TIMES_D, s, re.IGNORECASE)
    if m:
        if not m.group(3):
            raise RegimenError(
                f"ambiguous regimen {s!r}: in per-fraction notation write the unit, "
                f"e.g. '{m.group(1)} x {m.group(2)} Gy'",
                field="regimen", value=text, allowed=_FORMS,
            )
        n = _fraction_count(m.group(1), s)
        dpf = _dose_number(m.group(2), "dose per fraction")
        return Regimen(dpf * n, n, s)
    m = re.match(_D_TIMES_N, s, re.IGNORECASE)
    if m:
        dpf = _dose_number(m.group(1), "dose per fraction")
        n = _fraction_count(m.group(3), s)
        return Regimen(dpf * n, n, s)
    if re.search(r"(?<![a-z])(nan|inf(inity)?)(?![a-z])", s, re.IGNORECASE):
        raise RegimenError(
            f"regimen {s!r} is not a finite dose: write it as {_FORMS}",
            field="regimen", value=text, allowed=_FORMS,
        )
    if s.startswith("-") or re.search(r"[/x×*]\s*-", s):
        raise RegimenError(
            f"regimen {s!r}: dose and fractions must be > 0", field="regimen", value=text,
            allowed=_FORMS,
        )
    raise RegimenError(
        f"cannot read regimen {s!r}: write it as {_FORMS}", field="regimen", value=text,
        allowed=_FORMS,
    )
