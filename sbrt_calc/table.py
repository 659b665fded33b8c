"""The one table type every face renders: typed cells, not text.

A :class:`Table` is what the core hands to a face. Each :class:`Cell` carries its raw value (full
precision, for CSV and JSON), its unit, the text every face shows (rounded once, here in the core),
a :class:`Status` (pass, fail, incomplete, n/a, ...), and where the number comes from (source and
verification mark). Renderers turn a table into plain text, CSV, TSV, HTML or a JSON-able dict; the
app's Qt model (``gui/typed_table_model.py``) adapts it for a view. No face parses a rendered string
back, and colours come from the status (:data:`STATUS_COLOURS`), never from matching words.

DESIGN.md, "Layers": "Tables are data, not text: one core table type whose cells carry value, unit,
display text, status (pass, fail, incomplete, n/a) and source; renderers turn it into a Qt model,
HTML, PDF, CSV or text."
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

Value = float | int | str | bool | None


class Status(StrEnum):
    """What a cell, a row or a table says about a check. ``PASS`` is green only when everything it covers
    was checked; anything not checked is ``INCOMPLETE`` (amber), never ``PASS``."""

    PASS = "pass"
    FAIL = "fail"
    INCOMPLETE = "incomplete"
    WARNING = "warning"  # checked, acceptable with a deviation (e.g. an RTOG "minor" deviation)
    NA = "n/a"  # does not apply here (e.g. the BED10 line at a spine lesion)
    INFO = "info"  # no verdict: a plain measurement or a fact


#: Foreground and background colours per status (light theme), one place for the app and the HTML/PDF.
STATUS_COLOURS: dict[Status, tuple[str, str]] = {
    Status.PASS: ("#1b5e20", "#e3f2e4"),
    Status.FAIL: ("#b71c1c", "#fde3e3"),
    Status.INCOMPLETE: ("#7a4a00", "#fff1cc"),
    Status.WARNING: ("#7a4a00", "#fff7e0"),
    Status.NA: ("#555555", "#eeeeee"),
    Status.INFO: ("#000000", "#ffffff"),
}

#: The worst status first: the status of a set of checks is the worst of its parts.
_SEVERITY = (Status.FAIL, Status.INCOMPLETE, Status.WARNING, Status.PASS, Status.NA, Status.INFO)

#: Verification marks a number may carry (presets/README.md).
MARKS = ("printed", "secondary", "recalled", "converted", "choice", "computed")


def worst(statuses: Iterable[Status | None]) -> Status | None:
    """The most severe of ``statuses`` (fail > incomplete > warning > pass > n/a > info); None when empty."""
    found = {s for s in statuses if s is not None}
    for s in _SEVERITY:
        if s in found:
            return s
    return None


@dataclass(frozen=True)
class Action:
    """What a cell does when chosen (a link in HTML, a click in the app): ``kind`` names the action ("plan": send
    a lesion to planning), ``target`` what it acts on (the lesion's index). A face finds the action of a chosen
    link in :meth:`Table.actions` by its :attr:`href`; it never reads it back from the cell's text."""

    kind: str
    target: int | str

    @property
    def href(self) -> str:
        """The link's address in HTML: ``action:<kind>:<target>``."""
        return f"action:{self.kind}:{self.target}"


@dataclass(frozen=True)
class Cell:
    """One cell: the text shown, and what stands behind it.

    Parameters
    ----------
    text : str
        What every face shows (numbers already rounded by the core).
    value : float, int, str, bool or None
        The raw value at full precision (CSV, JSON, sorting); None for a text-only cell.
    unit : str
        The value's unit ("Gy", "cc", "%"), '' when none.
    status, source, mark, tooltip
        The verdict, where the value or its limit comes from, its verification mark, a longer explanation.
    action : Action, optional
        What choosing the cell does (a link in HTML; :meth:`Table.actions`).
    """

    text: str
    value: Value = None
    unit: str = ""
    status: Status | None = None
    source: str = ""
    mark: str = ""
    tooltip: str = ""
    action: Action | None = None

    def __post_init__(self) -> None:
        if self.mark and self.mark not in MARKS:
            raise ValueError(f"unknown verification mark {self.mark!r}; allowed: {', '.join(MARKS)}")

    @property
    def numeric(self) -> bool:
        """True when the raw value is a number (right-aligned, exported as a number)."""
        return isinstance(self.value, (int, float)) and not isinstance(self.value, bool)


def rounded(value: float, decimals: int = 1) -> str:
    """``value`` rounded half away from zero to ``decimals`` (116.25 -> '116.3'), as every face shows it."""
    from decimal import ROUND_HALF_UP, Decimal

    return str(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def number(value: float | int | None, unit: str = "", decimals: int = 1, *, status: Status | None = None,
           source: str = "", mark: str = "", tooltip: str = "", empty: str = "-") -> Cell:
    """A numeric cell: ``value`` shown rounded to ``decimals`` (half away from zero); None shows ``empty``."""
    if value is None:
        return Cell(empty, None, unit, status, source, mark, tooltip)
    if isinstance(value, int) and not isinstance(value, bool):
        return Cell(str(value), value, unit, status, source, mark, tooltip)
    return Cell(rounded(float(value), decimals), float(value), unit, status, source, mark, tooltip)


def text(value: str, *, status: Status | None = None, source: str = "", mark: str = "", tooltip: str = "") -> Cell:
    """A text cell."""
    return Cell(str(value), str(value), "", status, source, mark, tooltip)


def verdict(status: Status, shown: str | None = None, *, source: str = "", mark: str = "", tooltip: str = "") -> Cell:
    """A cell that is a verdict: its text defaults to the status's own word."""
    return Cell(shown if shown is not None else status.value, status.value, "", status, source, mark, tooltip)


@dataclass(frozen=True)
class Column:
    """A column: a stable ``key`` (CSV, tests), the ``header`` shown and its ``unit``."""

    key: str
    header: str
    unit: str = ""
    tooltip: str = ""
    numeric: bool = False

    @property
    def title(self) -> str:
        """The header with its unit: 'Dmax [Gy]'."""
        return f"{self.header} [{self.unit}]" if self.unit else self.header


@dataclass(frozen=True)
class Table:
    """A titled table of typed cells, with notes and its source. ``status`` is the table's own verdict when it
    has one (e.g. the organ limits: the worst of its rows)."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...] = ()
    source: str = ""
    status: Status | None = None
    widths: tuple[int, ...] = field(default=(), compare=False)  # layout hint for the PDF, percent
    #: the details of a note, by its index in ``notes``: (index, details); the note says it in one short sentence,
    #: the app shows the details as the note's tooltip, JSON as ``note_details`` (a long list stays off the page)
    note_details: tuple[tuple[int, str], ...] = ()

    def __post_init__(self) -> None:
        n = len(self.columns)
        for i, row in enumerate(self.rows):
            if len(row) != n:
                raise ValueError(f"table {self.key!r}: row {i} has {len(row)} cells, the table {n} columns")

    @property
    def headers(self) -> tuple[str, ...]:
        """The column titles with units."""
        return tuple(c.title for c in self.columns)

    def texts(self) -> list[list[str]]:
        """The cells as shown."""
        return [[c.text for c in row] for row in self.rows]

    def values(self) -> list[list[Value]]:
        """The raw values (full precision; the text where a cell has no value)."""
        return [[c.value if c.value is not None else c.text for c in row] for row in self.rows]

    def column(self, key: str) -> list[Cell]:
        """The cells of the column ``key``."""
        idx = [c.key for c in self.columns].index(key)
        return [row[idx] for row in self.rows]

    def actions(self) -> dict[str, Action]:
        """Every cell's :class:`Action`, by its link address (:attr:`Action.href`): what a chosen link does."""
        return {c.action.href: c.action for row in self.rows for c in row if c.action is not None}

    def worst_status(self) -> Status | None:
        """The table's status, or the worst status of its cells."""
        return self.status if self.status is not None else worst(c.status for row in self.rows for c in row)


def make_table(key: str, title: str, columns: Sequence[Column | tuple[str, str] | tuple[str, str, str]],
               rows: Iterable[Sequence[Cell | str | float | int | None]], **kw: Any) -> Table:
    """Build a :class:`Table`; columns may be given as ``(key, header[, unit])``, plain cells as text or numbers."""
    cols = tuple(c if isinstance(c, Column) else Column(*c) for c in columns)
    out = []
    for row in rows:
        cells = []
        for c in row:
            if isinstance(c, Cell):
                cells.append(c)
            elif c is None:
                cells.append(Cell("-"))
            elif isinstance(c, (int, float)) and not isinstance(c, bool):
                cells.append(number(c))
            else:
                cells.append(text(str(c)))
        out.append(tuple(cells))
    return Table(key, title, cols, tuple(out), **kw)


# --- renderers -----------------------------------------------------------------------------------------


def to_text(table: Table, *, title: bool = True, notes: bool = True, escape: Any = None) -> str:
    """An aligned plain-text rendering: title, header with units, rows (numbers right-aligned), notes.
    ``escape`` (a function of str) is applied to every text taken from files or users (e.g. a terminal-safe
    escaper)."""
    esc = escape or (lambda s: s)
    head = [esc(h) for h in table.headers]
    body = [[esc(c.text) for c in row] for row in table.rows]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(head)]
    right = [bool(table.rows) and all(row[i].numeric or row[i].text in ("", "-") for row in table.rows)
             for i in range(len(head))]
    lines = []
    if title:
        lines.append(esc(table.title))
    for k, r in enumerate([head, *body]):
        lines.append("  ".join(c.rjust(w) if rt else c.ljust(w) for c, w, rt in zip(r, widths, right, strict=True))
                     .rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    if notes:
        lines += [esc(n) for n in table.notes]
        if table.source:
            lines.append("Source: " + esc(table.source))
    return "\n".join(lines)


#: CSV writes a float within this many units in the last place of a short decimal as that decimal
NOISE_ULPS = 4
#: the most significant digits such a short decimal has
NOISE_DIGITS = 12


def csv_float(value: float) -> str:
    """A computed float for CSV, at full precision without binary noise (issue 21: ``71.39999999999999``
    for 42 Gy in 6 fractions' BED10, exactly 71.4 in decimal arithmetic).

    The rule: when ``value`` lies within :data:`NOISE_ULPS` units in the last place of a decimal with at most
    :data:`NOISE_DIGITS` significant digits, that decimal is written (``71.4``); otherwise ``repr`` (the
    shortest text that reads back to the same float, up to 17 significant digits: ``11.666666666666666``).
    A value read back differs from the float computed by at most 4 ulps (about 1e-14 of it), far below any
    dose's meaning; a value that is not a short decimal keeps every digit.
    """
    import math

    if not math.isfinite(value) or value == 0.0:
        return repr(value)
    short = float(f"{value:.{NOISE_DIGITS}g}")
    if abs(short - value) <= NOISE_ULPS * math.ulp(value):
        return repr(short)
    return repr(value)


def to_csv(table: Table) -> str:
    """CSV with a header row (titles with units) and the raw values at full precision; spreadsheet-safe."""
    import csv
    import io

    from sbrt_calc.spreadsheet import safe_rows

    def raw(c: Cell) -> Any:
        if c.value is None:
            return c.text if c.text != "-" else ""
        if isinstance(c.value, float):
            return csv_float(c.value)
        return c.value

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(
        safe_rows([list(table.headers), *[[raw(c) for c in row] for row in table.rows]]))
    return buf.getvalue()


def to_tsv(table: Table) -> str:
    """Tab-separated text as shown (for the clipboard); tabs and line breaks inside cells become spaces."""
    from sbrt_calc.spreadsheet import safe_cell

    def clean(s: str) -> str:
        return str(safe_cell(s.replace("\t", " ").replace("\r", " ").replace("\n", " ")))

    return "\n".join("\t".join(clean(c) for c in line) for line in [list(table.headers), *table.texts()]) + "\n"


#: Columns whose cells are names that must not break inside (a metric such as ``D0.035cc[Gy]`` or ``V20Gy[%]``, an
#: organ such as ``Bronchus_Small``).
NOWRAP_COLUMNS = ("metric", "organ", "limit")


def to_html(table: Table, *, title_tag: str = "h3", after_rows: str = "") -> str:
    """An HTML table: every text escaped, cells coloured by status (:data:`STATUS_COLOURS`), numbers right, the
    cells of :data:`NOWRAP_COLUMNS` on one line, a cell with an :class:`Action` a link to its :attr:`Action.href`,
    the columns as wide as the table's ``widths`` (percent) when it gives one per column.
    ``after_rows``: HTML placed right under the table (a caller's fold/unfold line), before the notes."""
    e = html.escape
    keep = [c.key in NOWRAP_COLUMNS for c in table.columns]
    out = [f"<{title_tag}>{e(table.title)}</{title_tag}>" if table.title else "",
           '<table class="typed" cellspacing="0" cellpadding="3" border="1"><tr>']
    widths = table.widths if len(table.widths) == len(table.columns) else (None,) * len(table.columns)
    nowrap = ' style="white-space:nowrap"'   # a one-word header ("Unit", "Origin") is never cut either
    out += [f'<th title="{e(c.tooltip)}"' + (f' width="{w}%"' if w else "") + ("" if " " in c.title else nowrap)
            + f">{e(c.title)}</th>" for c, w in zip(table.columns, widths, strict=True)]
    out.append("</tr>")
    for row in table.rows:
        out.append("<tr>")
        for i, c in enumerate(row):
            one_word = " " not in c.text.strip() and len(c.text) <= 24   # "secondary" is never cut either
            css = ["white-space:nowrap"] if (i < len(keep) and keep[i]) or one_word else []   # on the cell: Qt
            # ignores a span's
            if c.status is not None and c.status is not Status.INFO:
                fg, bg = STATUS_COLOURS[c.status]
                css += [f"color:{fg}", f"background-color:{bg}"]
            style = f' style="{";".join(css)}"' if css else ""
            align = ' align="right"' if c.numeric else ""
            tip = " ".join(x for x in (c.tooltip, c.source, f"[{c.mark}]" if c.mark else "") if x)
            title = f' title="{e(tip)}"' if tip else ""
            shown = f'<a href="{e(c.action.href)}">{e(c.text)}</a>' if c.action is not None else e(c.text)
            out.append(f"<td{align}{style}{title}>{shown}</td>")
        out.append("</tr>")
    out.append("</table>")
    out.append(after_rows)
    details = dict(table.note_details)
    out += [f'<p><span title="{e(details[i])}">{e(n)}</span></p>' if details.get(i) else f"<p>{e(n)}</p>"
            for i, n in enumerate(table.notes)]
    if table.source:
        out.append(f'<p class="src">Source: {e(table.source)}</p>')
    return "".join(out)


def to_dict(table: Table) -> dict[str, Any]:
    """A JSON-able form: columns, rows of {text, value, unit, status, source, mark}, notes, source, status."""
    def cell(c: Cell) -> dict[str, Any]:
        d: dict[str, Any] = {"text": c.text, "value": c.value}
        for k in ("unit", "source", "mark", "tooltip"):
            if getattr(c, k):
                d[k] = getattr(c, k)
        if c.status is not None:
            d["status"] = c.status.value
        if c.action is not None:
            d["action"] = {"kind": c.action.kind, "target": c.action.target}
        return d

    st = table.worst_status()
    return {"key": table.key, "title": table.title,
            "columns": [{"key": c.key, "header": c.header, "unit": c.unit} for c in table.columns],
            "rows": [[cell(c) for c in row] for row in table.rows], "notes": list(table.notes),
            "source": table.source, "status": st.value if st is not None else None,
            **({"note_details": {str(i): d for i, d in table.note_details}} if table.note_details else {})}


def as_table(t: Any, key: str = "") -> Table:
    """A typed :class:`Table` of ``t``: a Table itself, or a legacy text table (anything with ``title``,
    ``headers``, ``rows`` of text, ``notes`` and ``source``, e.g. :class:`sbrt_calc.report.content.ReportTable`),
    whose cells become text cells with no status (a legacy table's words are never read back as a status)."""
    if isinstance(t, Table):
        return t
    cols = tuple(Column(f"c{i}", str(h)) for i, h in enumerate(t.headers))
    rows = tuple(tuple(text(str(c)) for c in r) for r in t.rows)
    return Table(key or str(t.title), str(t.title), cols, rows, tuple(t.notes), str(t.source),
                 widths=tuple(getattr(t, "widths", ()) or ()))
