"""The columns of an :class:`~sbrt_calc.evaluation.Evaluation` and its plain renderings.

One list of columns, defined here, is what the app's table, the CLI table, CSV, the clipboard and
the PDF report show: same headers, same units, same values (rounding only at display). Each column
names its quantity exactly ("BED10 LQ", "BED3 LQ-L (d_T 6 Gy)", "BED USC (Park 2008, a/b 8.6)").
Text that may reach a spreadsheet is neutralised (OWASP CSV injection, :mod:`sbrt_calc.spreadsheet`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from sbrt_calc.evaluation import Evaluation, EvaluationSettings, RowEvaluation
from sbrt_calc.regimen import Regimen

FLAG_TEXT = {True: "reached", False: "not reached"}
#: What the flag column shows where the line does not apply at the case's planned site (spine, brain).
NOT_APPLICABLE_TEXT = "n/a at this site"


@dataclass(frozen=True)
class Column:
    """One column: ``key`` (stable, for CSV and tests), ``header`` (with unit), ``tooltip``, how to
    get its raw value from a row, and its kind (``text``, ``number``, ``int``, ``verdict``)."""

    key: str
    header: str
    tooltip: str
    get: Callable[[RowEvaluation], Any]
    kind: str = "number"
    model: str | None = None
    editable: bool = False

    def value(self, row: RowEvaluation) -> Any:
        """The raw value (full precision number, bool verdict, text), or None for an invalid row."""
        if not row.valid and self.key not in ("label",):
            return None
        return self.get(row)

    def text(self, row: RowEvaluation, decimals: int = 1, decimal_point: str = ".") -> str:
        """The value as shown: numbers rounded to ``decimals`` (half away from zero, the same on every
        face), verdicts in words, '' when absent; ``decimal_point`` for the user's locale."""
        v = self.value(row)
        if v is None:
            return ""
        if self.kind == "verdict":
            return FLAG_TEXT[v] if isinstance(v, bool) else str(v)
        if self.kind == "number":
            return rounded(v, decimals).replace(".", decimal_point)
        return str(v)


def rounded(value: float, decimals: int = 1) -> str:
    """``value`` rounded half away from zero to ``decimals`` (116.25 -> '116.3'), as every face shows it.

    The definition is the shortest repr of the float quantized half up by :mod:`decimal`; a repr in plain notation
    (1e-4 <= |value| < 1e16) rounded to 0-6 decimals is rounded on its digits, the same text without the decimal
    module (its import was ~1.2 ms of the app's start, stop 28); any other value goes through :mod:`decimal`.
    """
    text = repr(float(value))
    if 0 <= decimals <= _PLAIN_DECIMALS and "e" not in text and "n" not in text:   # digits and one point
        return _half_up(text, decimals)
    entry = _QUANTA.get(decimals)
    if entry is None:   # the decimal module loads when first needed; the quantum is made once per precision
        from decimal import ROUND_HALF_UP, Decimal

        entry = _QUANTA[decimals] = (Decimal, Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    decimal, quantum, half_up = entry
    return str(decimal(text).quantize(quantum, rounding=half_up))


#: the most decimals :func:`_half_up` rounds to (beyond, the decimal module writes a zero as '0E-7')
_PLAIN_DECIMALS = 6


def _half_up(text: str, decimals: int) -> str:
    """``text`` (a float's repr in plain notation: an optional '-', digits, '.', digits) rounded half away from zero
    to ``decimals`` (0-6), written as ``str(Decimal(text).quantize(...))`` writes it (the sign of a zero kept)."""
    cut = text.index(".") + 1 + decimals   # the first digit dropped
    if cut >= len(text):   # nothing to drop: zeros appended
        return text + "0" * (cut - len(text))
    if text[cut] < "5":   # dropped: below a half
        return text[:cut] if decimals else text[:cut - 1]
    sign = "-" if text[0] == "-" else ""
    digits = str(int(text[len(sign):cut].replace(".", "")) + 1).rjust(decimals + 1, "0")
    return f"{sign}{digits[:-decimals]}.{digits[-decimals:]}" if decimals else sign + digits


#: From this many values on, :func:`rounded_all` sorts them with numpy (below, or when numpy is not loaded yet,
#: :func:`rounded` one by one: the app's first table is filled without importing numpy, stop 28).
ROUNDED_ALL_MIN_VALUES = 20

#: the largest value, scaled to its last shown decimal, :func:`rounded_all` writes without :func:`rounded`: below,
#: a float's rounding interval is far narrower than a step of the shown decimals (at most one half inside it), and
#: a half written with its 12 integer digits and '.5' has at most 15 significant digits: the float nearest it
#: prints as that half (repr's shortest round trip)
_SCALED_MAX = 5e11


def rounded_all(values: Sequence[Any], decimals: int = 1) -> list[str]:
    """``[rounded(v, decimals) for v in values]``, the same texts for every value, at a fraction of the cost.

    Issue 21: a cold switch of the app's table to another model (57 rows) rounded ~500 values one by one
    (:func:`rounded`: its repr and its digits, ~1.5-2 us a value). Here numpy sorts the whole column at once
    (:func:`_shown_values`): a value whose shortest repr is a half at the shown decimals (116.25 at one) is the float
    nearest that half, and is replaced by the next step away from zero (116.3); any other value's repr and binary
    value sit on the same side of every half (no half's float in its rounding interval), so Python's correctly rounded
    ``format(value, '.Nf')`` (~0.15 us) writes the text :func:`rounded` writes (the sign of a zero kept). The
    non-finite, values too large for their shown decimals and more than 6 decimals go through :func:`rounded`."""
    np = sys.modules.get("numpy")   # no import statement: one costs ~3-5 us through PySide's import hook, per column
    if len(values) < ROUNDED_ALL_MIN_VALUES or np is None or not 0 <= decimals <= _PLAIN_DECIMALS:
        return [rounded(v, decimals) for v in values]
    floats = _as_floats(values, np)
    if floats is None:   # a value numpy does not read as one float: each as rounded takes it
        return [rounded(v, decimals) for v in values]
    shown, ok = _shown_values(floats, decimals, np)
    spec = f".{decimals}f"
    return [format(x, spec) if fine else rounded(v, decimals)
            for x, v, fine in zip(shown.tolist(), values, ok.tolist(), strict=True)]


def _as_floats(values: Sequence[Any], np: Any) -> Any:
    """``values`` as a float64 array (each as ``float(v)`` reads it), or None when numpy (``np``) refuses one."""
    try:
        return np.array(values, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        return None


def _shown_values(floats: Any, decimals: int, np: Any) -> tuple[Any, Any]:
    """The floats :func:`rounded_all` formats (each value, a half replaced by the next step away from zero) and
    which of them it may format (finite, below :data:`_SCALED_MAX` scaled): ``(k + 0.5) / 10 ** decimals`` is
    exact but for its one correctly rounded division, so it is the float nearest the half k.5 (in steps)."""
    with np.errstate(invalid="ignore", over="ignore"):
        size = np.abs(floats)
        step = 10.0 ** decimals
        whole = np.floor(size * step)
        half = size == (whole + 0.5) / step
        shown = np.where(half, np.copysign((whole + 1.0) / step, floats), floats)
        return shown, np.isfinite(floats) & (size * step < _SCALED_MAX)


#: per number of decimals: (Decimal, 10 ** -decimals, ROUND_HALF_UP) for :func:`rounded` (a new view of the app's
#: table rounds ~500-1,000 cells; the import and the quantum were half of each call's time)
_QUANTA: dict[int, tuple[Any, Any, Any]] = {}


def _ab(x: float) -> str:
    from sbrt_calc.number_keys import ab_key

    return ab_key(x)


def _head(quantity: str, model: str, label: str, ab: float) -> str:
    """'BED10 LQ [Gy]', 'EQD2(3) LQ [Gy]'; another model: 'BED LQ-L (d_T 6 Gy), α/β 10 [Gy]' (BED10 is LQ's)."""
    if model == "lq":
        return f"{quantity}{_ab(ab)} LQ [Gy]" if quantity == "BED" else f"{quantity}({_ab(ab)}) LQ [Gy]"
    return f"{quantity} {label}, α/β {_ab(ab)} [Gy]"


def columns(s: EvaluationSettings) -> tuple[Column, ...]:
    """The columns for these settings (see the module docstring)."""
    t, x = s.tumour_alpha_beta_gy, s.eqdx_name
    flag, ref = s.flag, s.reference
    time_note = ""
    if s.time is not None:
        from sbrt_calc.radiobiology.time import UNCORRECTED_LINES

        time_note = f" (here on the time-corrected BED10; {UNCORRECTED_LINES})"
    cols = [
        Column("label", "Regimen", "The regimen as written (36/3, 3 x 12 Gy).", lambda r: r.label, "text",
               editable=True),
        Column("total_dose_gy", "Total [Gy]", "Total physical dose, Gy.", lambda r: _reg(r).total_dose_gy,
               editable=True),
        Column("fractions", "Fractions", "Number of fractions.", lambda r: _reg(r).fractions, "int", editable=True),
        Column("dose_per_fraction_gy", "Dose/fx [Gy]", "Dose per fraction, Gy.",
               lambda r: _reg(r).dose_per_fraction_gy, editable=True),
        Column("bed10_gy", "BED10 LQ [Gy]",
               f"LQ BED at alpha/beta 10 Gy from the prescription{' (time-corrected)' if s.time else ''}: the "
               f"quantity the {flag.label} flag and the {ref.label} reference are defined on.",
               lambda r: r.bed10_gy),
    ]
    for m in s.models:
        model = s.model(m)
        if m == "usc":
            own = s.usc.alpha_beta_gy
            cols.append(Column("usc_bed_gy", f"BED USC (Park 2008), own α/β {own:.3g} [Gy]",
                               f"Park's USC BED at the USC's own alpha/beta {own:.4g} Gy (alpha "
                               f"{s.usc.parameters_.alpha_per_gy:g} /Gy, D0 {s.usc.parameters_.d0_gy:g} Gy, Dq "
                               f"{s.usc.parameters_.dq_gy:g} Gy, D_T {s.usc.transition_dose_gy:.3g} Gy). Not a BED10: "
                               f"never compared with the BED10 lines. {s.usc.source}",
                               partial(_tumour, m="usc", what="bed"), model="usc"))
            cols.append(Column("usc_sfed_gy", "SFED USC [Gy]",
                               f"Park's single-fraction equivalent dose: the one dose with the same USC effect. "
                               f"{s.usc.source}", partial(_tumour, m="usc", what="sfed"), model="usc"))
            continue
        label = model.label()
        if not (m == "lq" and t == 10):
            cols.append(Column(f"bed_{_ab(t)}_{m}", _head("BED", m, label, t),
                               f"Tumour BED at alpha/beta {_ab(t)} Gy under {label}"
                               f"{' (time-corrected)' if s.time else ''}. {model.source}",
                               partial(_tumour, m=m, what="bed"), model=m))
        cols.append(Column(f"eqdx_{_ab(t)}_{m}", _head(x, m, label, t),
                           f"Tumour dose in {s.reference_dose_gy:g} Gy fractions with the same BED at alpha/beta "
                           f"{_ab(t)} Gy under {label}. {model.source}",
                           partial(_tumour, m=m, what="eqdx"), model=m))
    for m in s.organ_models:
        model = s.model(m)
        label = model.label()
        for ab in s.organ_alpha_betas_gy:
            note = " (the USC gives no organ-at-risk numbers)" if "usc" in s.models and m == "lq" and \
                "lq" not in s.models else ""
            cols.append(Column(f"bed_{_ab(ab)}_{m}", _head("BED", m, label, ab),
                               f"Organ-at-risk BED at alpha/beta {_ab(ab)} Gy under {label}{note}. {model.source}",
                               partial(_organ, m=m, ab=ab, what="bed"), model=m))
            cols.append(Column(f"eqdx_{_ab(ab)}_{m}", _head(x, m, label, ab),
                               f"Organ-at-risk dose in {s.reference_dose_gy:g} Gy fractions, alpha/beta {_ab(ab)} "
                               f"Gy, under {label}{note}. {model.source}",
                               partial(_organ, m=m, ab=ab, what="eqdx"), model=m))
    cols += [
        Column("flag", flag.label, f"{flag.name}: computed on {flag.scale} only, whichever model is viewed"
               f"{time_note}. Source: {flag.source}", _flag, "verdict"),
        Column("reference", ref.label.replace(">=", "≥"), f"{ref.name}: computed on {ref.scale} only. Source: "
               f"{ref.source}", lambda r: r.reference_reached, "verdict"),
        Column("sensitivity", "Model/α/β check",
               f"Compared with the regimens sitting exactly on {flag.label} in "
               f"{', '.join(str(n) for n in s.line_regimen_fractions)} fractions, under LQ, LQ-L and USC and "
               f"tumour alpha/beta {s.alpha_beta_range_gy[0]:g}-{s.alpha_beta_range_gy[1]:g} Gy: above in all, "
               f"below in all, or depends on the model.", _sens, "text"),
        Column("warnings", "Warnings", "Model validity caveats and unusual inputs.",
               lambda r: "; ".join(dict.fromkeys(c.short for c in r.caveats)), "text"),
    ]
    return tuple(cols)


def _flag(r: RowEvaluation) -> bool | str | None:
    """The flag verdict, or :data:`NOT_APPLICABLE_TEXT` where the line does not apply at the planned site."""
    return r.flag_reached if r.flag_applies else NOT_APPLICABLE_TEXT


def _tumour(r: RowEvaluation, m: str, what: str) -> float | None:
    res = r.model(m)
    return {"bed": res.tumour_bed_gy, "eqdx": res.tumour_eqdx_gy, "sfed": res.sfed_gy}[what]


def _reg(r: RowEvaluation) -> Regimen:
    assert r.regimen is not None
    return r.regimen


def _sens(r: RowEvaluation) -> str:
    return r.sensitivity.short if r.sensitivity is not None else ""


def _organ(r: RowEvaluation, m: str, ab: float, what: str) -> float:
    res = r.model(m)
    return (res.organ_bed_gy if what == "bed" else res.organ_eqdx_gy)[ab]


# --- plain renderings ---------------------------------------------------------------------------

#: a plain number's text; compiled by re at the first use (its cache), not at import (~0.2 ms of the app's start)
_NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


def text_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], align: str | None = None) -> str:
    """An aligned plain-text table; ``align`` is one char per column, 'l' or 'r' (default: r for numbers)."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    if align is None:
        align = "".join("r" if rows and all(is_numeric(r[i]) for r in rows) else "l" for i in range(len(headers)))
    lines = []
    for k, r in enumerate(cells):
        parts = [c.rjust(w) if a == "r" else c.ljust(w) for c, w, a in zip(r, widths, align, strict=True)]
        lines.append("  ".join(parts).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def is_numeric(value: Any) -> bool:
    """A number, or text that reads as a plain number ('79.2', '-3', '1e3'; not a bool)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return bool(re.match(_NUMBER, str(value).strip()))


def csv_text(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """CSV text, every cell spreadsheet-safe; numbers at full precision."""
    import csv
    import io

    from sbrt_calc.spreadsheet import safe_rows

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows(safe_rows([headers, *rows]))
    return buf.getvalue()


def evaluation_rows(ev: Evaluation, decimals: int = 1, rows: Sequence[int] | None = None,
                    full_precision: bool = False) -> tuple[list[str], list[list[Any]]]:
    """Headers and cells of the valid rows (or of ``rows``, by index): display text, or raw values."""
    cols = columns(ev.settings)
    chosen = [ev.rows[i] for i in rows] if rows is not None else list(ev.rows)
    out = []
    for r in chosen:
        if not r.valid:
            out.append([r.label] + [""] * (len(cols) - 2) + [f"invalid input: {r.error}"])
            continue
        if full_precision:
            out.append([_raw(c.value(r)) for c in cols])
        else:
            out.append([c.text(r, decimals) for c in cols])
    return [c.header for c in cols], out


def _raw(v: Any) -> Any:
    if isinstance(v, bool):
        return FLAG_TEXT[v]
    if isinstance(v, float):
        from sbrt_calc.table import csv_float

        return csv_float(v)   # full precision without binary noise (issue 21)
    return "" if v is None else v


def regimen_table(ev: Evaluation, decimals: int = 1) -> Any:
    """The regimens as one typed :class:`sbrt_calc.table.Table`: the same columns, texts and raw values as every
    other face; the two verdict columns carry a status (pass: reached, fail: not reached; the flag n/a where
    the line does not apply at the planned site, the reference info when not reached: it is a reference,
    not a requirement)."""
    from sbrt_calc import table as tt

    cols = columns(ev.settings)
    unit = {"number": "Gy"}
    tcols = tuple(tt.Column(c.key, c.header, "", c.tooltip, c.kind in ("number", "int")) for c in cols)
    rows = []
    for r in ev.rows:
        cells = []
        for c in cols:
            v = c.value(r)
            shown = c.text(r, decimals)
            if not r.valid:
                cells.append(tt.Cell(r.label if c.key == "label" else ("" if c.key != "warnings" else
                                                                      f"invalid input: {r.error}"),
                                     status=tt.Status.INCOMPLETE if c.key == "warnings" else None))
                continue
            status = None
            if c.key == "flag":
                status = {"pass": tt.Status.PASS, "warning": tt.Status.WARNING, "n/a": tt.Status.NA}.get(
                    r.flag_status or "")
            elif c.key == "reference":
                status = tt.Status.PASS if v else tt.Status.INFO
            if c.kind == "verdict":
                cells.append(tt.Cell(shown, v if isinstance(v, (bool, str)) else None, "", status,
                                     tooltip=c.tooltip))
            elif c.kind in ("number", "int") and isinstance(v, (int, float)):
                cells.append(tt.Cell(shown, v, unit.get(c.kind, ""), status, r.source if c.key == "label" else ""))
            else:
                cells.append(tt.Cell(shown, None if v is None else str(v), "", status))
        rows.append(tuple(cells))
    return tt.Table("regimens", "Regimens and verdicts", tcols, tuple(rows))


def evaluation_csv(ev: Evaluation) -> str:
    """The evaluation as CSV: the same columns as the table, numbers at full precision."""
    headers, rows = evaluation_rows(ev, full_precision=True)
    return csv_text(headers, rows)


def tsv_text(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Tab-separated text that pastes into a spreadsheet: tabs and line breaks inside cells become spaces,
    cells a spreadsheet would run are neutralised (:func:`sbrt_calc.spreadsheet.safe_cell`)."""
    from sbrt_calc.spreadsheet import safe_cell

    def clean(cell: Any) -> str:
        text = str(cell).replace("\t", " ").replace("\r", " ").replace("\n", " ")
        return str(safe_cell(text))

    return "\n".join("\t".join(clean(c) for c in line) for line in [headers, *rows]) + "\n"


def evaluation_tsv(ev: Evaluation, rows: Sequence[int] | None = None, decimals: int = 1) -> str:
    """Tab-separated text for the clipboard: header with units, then the rows as shown."""
    headers, cells = evaluation_rows(ev, decimals, rows)
    return tsv_text(headers, cells)
