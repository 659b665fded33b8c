"""The report's content, Qt-free: what goes in (case, regimens, model, eligibility, planning) and
its HTML, which :mod:`sbrt_calc.report.pdf` lays out on A4 or Letter pages.

Every report carries the inputs, the regimens table, the plot, the eligibility assessment with
reasons and sources, the planning checks, the model and its parameters, the program and preset
versions, the date and the disclaimer (DESIGN.md, "Clinical safety rules").
"""

from __future__ import annotations

import hashlib
import html
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sbrt_calc import DISCLAIMER, __version__
from sbrt_calc._paths import shipped_presets_dir, user_presets_dir
from sbrt_calc.evaluation import Evaluation
from sbrt_calc.notation import greek
from sbrt_calc.report_table import ReportTable  # noqa: F401 - re-exported: the report takes these tables
from sbrt_calc.tables import is_numeric
from sbrt_calc.working import parameters_text

PAGE_SIZES = ("A4", "Letter")


#: The resource name of the plan check's DVH figure (:func:`sbrt_calc.plancheck.plotdata.dvh_plot_png`).
DVH_FIGURE = "dvh_plot.png"


#: About how many characters of the tables' 8-pt font fit across the report's text width (A4 or Letter less
#: the margins; the 9-pt body holds about 118): the budget :func:`auto_widths` shares out, less one character of
#: cell padding per column.
LINE_CHARS = 116


def _ems(word: str) -> float:
    """A word's width in average characters: capitals, digits and signs are wider than small letters."""
    return sum(1.0 if ch.islower() or ch in " .,;:'()[]-/|" else 1.3 for ch in word)


def auto_widths(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> tuple[int, ...]:
    """Column widths (percent) in proportion to what the columns hold, never splitting a word when it can be helped.

    Each column asks for its longest cell (capped at 24 characters, so that long text wraps rather than
    starving the others) and needs at least its longest word (header or cell: ``Bronchus_Small``, ``250.28``,
    ``tg101`` are never cut mid-word while the words fit on a line) and 3 characters. The needs are met
    first; what is left of a line (:data:`LINE_CHARS`) goes to the columns that want more.
    """
    needs, wants = [], []
    for i, h in enumerate(headers):
        cells = [str(r[i]) for r in rows if i < len(r)]
        longest_word = max(max((_ems(w) * 1.2 for w in str(h).split()), default=1),   # headers are bold
                           max((_ems(w) for c in cells for w in c.split()), default=1))
        need = max(3, round(min(longest_word, 30)) + 2)
        needs.append(need)
        wants.append(max(need, min(24, max((len(c) for c in cells), default=0)) + 1))
    budget = LINE_CHARS - len(headers)
    if sum(wants) <= budget or sum(needs) >= budget:
        share = [float(w) for w in (wants if sum(wants) <= budget else needs)]
    else:
        spare, extra = budget - sum(needs), sum(w - n for w, n in zip(wants, needs, strict=True))
        share = [n + spare * (w - n) / extra for w, n in zip(wants, needs, strict=True)]
    total = sum(share)
    exact = [100 * w / total for w in share]
    widths = [max(1, int(x)) for x in exact]   # whole percents; the rest to the largest remainders
    for i in sorted(range(len(exact)), key=lambda i: exact[i] - int(exact[i]), reverse=True)[:100 - sum(widths)]:
        widths[i] += 1
    return tuple(widths)


_NUMBER_WITH_UNIT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?( ?(%|Gy|cc|cm3|cm³|mm|d))?$")


#: a limit: a number with its unit after a comparison ("<= 4.37", "< 1.2", ">= 1500 cc"), or a number alone
_LIMIT = re.compile(r"^((<|>|<=|>=|≤|≥) ?)?[+-]?(\d+(\.\d*)?|\.\d+)( ?(%|Gy|cc|cm3|cm³|mm))?$")


def right_aligned(rows: Sequence[Sequence[str]], numeric_from: int = 0) -> tuple[bool, ...]:
    """Per column: True when it is a column of numbers (from ``numeric_from`` on, every cell a number, a number
    with its unit, or empty/'-', and at least one number). Its header and its cells are right-aligned together,
    so that a header stands over its numbers; a column that mixes words and numbers stays left-aligned."""
    n = max((len(r) for r in rows), default=0)
    out = []
    for i in range(n):
        cells = [str(r[i]).strip() for r in rows if i < len(r)]
        numbers = [c for c in cells if c not in ("", "-", "\u2013")]
        out.append(i >= numeric_from and bool(numbers) and all(_NUMBER_WITH_UNIT.match(c) for c in numbers))
    return tuple(out)


@dataclass(frozen=True)
class ReportContent:
    """Everything a report shows.

    Parameters
    ----------
    evaluation : Evaluation
        The case evaluated once (:func:`sbrt_calc.evaluation.evaluate`): the report renders its rows
        with the same columns as the app and the CLI (:mod:`sbrt_calc.tables`).
    title, identifier : str
        As the user entered them (identifier optional).
    eligibility : Assessment, optional
        An :class:`sbrt_calc.eligibility.assess.Assessment` (anything with ``as_dict()``); when the
        evaluation holds the case's eligibility (:attr:`Evaluation.eligibility`) that one is shown.
    planning : sequence of ReportTable or sbrt_calc.table.Table
        The planning checks and the plan check (typed tables; a legacy text table is shown as text).
    created : datetime
    """

    evaluation: Evaluation
    title: str = ""
    identifier: str | None = None
    eligibility: Any = None
    planning: tuple[Any, ...] = ()
    created: datetime = field(default_factory=lambda: datetime.now().astimezone())
    notes: tuple[str, ...] = ()
    prepared_by: str = ""
    checked_by: str = ""
    patient_reference: str = ""


def preset_versions() -> list[tuple[str, str, str, str]]:
    """(file name, shipped or user override, schema version, first 12 hex of its SHA-256) for each
    shipped preset file and each user preset file in force."""
    out = []
    user_dir = user_presets_dir()
    users = sorted(user_dir.glob("*.toml")) if user_dir.is_dir() else []
    for origin, paths in (("shipped", sorted(shipped_presets_dir().glob("*.toml"))), ("user override", users)):
        for path in paths:
            try:
                data = path.read_bytes()
            except OSError:
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest not in _SCHEMA_BY_SHA256:   # parsed once per content (the key is the whole file's hash)
                try:
                    version = str(tomllib.loads(data.decode("utf-8")).get("schema_version", "?"))
                except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                    version = "unreadable"
                _SCHEMA_BY_SHA256[digest] = version
            name = path.name if origin == "shipped" else str(path)
            out.append((name, origin, _SCHEMA_BY_SHA256[digest], digest[:12]))
    return out


#: schema version of a preset file, by the SHA-256 of its bytes (a changed file has another key)
_SCHEMA_BY_SHA256: dict[str, str] = {}


def _e(text: Any) -> str:
    return html.escape(str(text))


@dataclass(frozen=True)
class Block:
    """One unbreakable piece of the report, or a table whose rows are each unbreakable.

    ``kind`` is ``"heading"``, ``"para"`` (HTML fragment), ``"image"`` (``html`` holds the
    resource name) or ``"table"`` (``headers``/``rows`` text, ``widths`` in percent, ``numeric_from``
    the first right-aligned column).
    """

    kind: str
    html: str = ""
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    widths: tuple[int, ...] = ()
    numeric_from: int = 99
    statuses: tuple[tuple[str, ...], ...] = ()  # per row, per cell: a sbrt_calc.table.Status value or ''
    #: per column: declared a column of numbers by its table (:attr:`sbrt_calc.table.Column.numeric`): limits
    #: written with their comparison ("<= 4.37") then stand right-aligned like the values beside them
    numeric_columns: tuple[bool, ...] = ()

    def right(self) -> tuple[bool, ...]:
        """The table's columns of numbers (:func:`right_aligned`, or declared so by the table, when every cell
        is a number or a limit such as ``<= 4.37``): header and cells right-aligned."""
        found = right_aligned(self.rows, self.numeric_from)
        if not self.numeric_columns:
            return found
        declared = tuple(i < len(self.numeric_columns) and self.numeric_columns[i] and bool(self.rows)
                         and all(_LIMIT.match(str(r[i]).strip()) or str(r[i]).strip() in ("", "-")
                                 for r in self.rows if i < len(r)) for i in range(len(found)))
        return tuple(a or b for a, b in zip(found, declared, strict=True))


def _items(items: Sequence[Mapping[str, Any]], key: str = "text", seen: set[str] | None = None) -> list[Block]:
    """A bulleted list, one block per item so that page breaks fall between items.

    ``seen``: the texts already bulleted in this report; an item whose text is among them is left out (the
    report says a thing once, e.g. a blocker is not repeated under "Reasons", nor a caveat under the planning
    table). Empty ``items`` read "none"; items that were all said before give no block.
    """
    out = []
    for it in items:
        said = re.sub(r"\s*\[[^\[\]]*\]\.?$", "", " ".join(str(it.get(key, "")).split()))  # its source aside
        if seen is not None:
            if said in seen:
                continue
            seen.add(said)
        src = it.get("source") or ""
        out.append(Block("para", "&#8226; " + _e(it.get(key, ""))
                         + (f' <span class="src">[{_e(src)}]</span>' if src else "")))
    return out or ([] if items else [Block("para", "<i>none</i>")])


def table_row_html(cells: Sequence[str], widths: Sequence[int], header: bool = False,
                   numeric_from: int = 99, statuses: Sequence[str] = (), right: Sequence[bool] | None = None) -> str:
    """One table row as a self-contained HTML table (fixed column widths); a cell with a status
    (:class:`sbrt_calc.table.Status` value) is coloured by it (:data:`sbrt_calc.table.STATUS_COLOURS`), never by
    its words. ``right``: the table's columns of numbers (:meth:`Block.right`), right-aligned, header included;
    without it a cell from ``numeric_from`` on that reads as a number is right-aligned on its own."""
    from sbrt_calc.table import STATUS_COLOURS, Status

    tag = "th" if header else "td"
    tds = []
    after_number = False
    for i, c in enumerate(cells):
        w = f' width="{widths[i]}%"' if i < len(widths) else ""
        numeric = (right[i] if i < len(right) else False) if right is not None else (
            i >= numeric_from and not header and is_numeric(str(c).strip()))
        align = ' align="right"' if numeric else ' align="left"'
        st = statuses[i] if i < len(statuses) else ""
        css = []
        bg_attr = ""
        if st and st != Status.INFO.value:
            fg, bg = STATUS_COLOURS[Status(st)]
            css.append(f"color:{fg}")
            bg_attr = f' bgcolor="{bg}"'
        if after_number and not numeric:   # text after a right-aligned number keeps its distance (issue 21: the
            css.append("padding-left:8px")  # conformity table's "<= 5.37" ran into "minor")
        style = (f' style="{";".join(css)}"' if css else "") + bg_attr
        tds.append(f"<{tag}{w}{align}{style}>{_e(c)}</{tag}>")
        after_number = numeric
    return (f'<table width="100%" cellspacing="0" cellpadding="2" border="0.5" class="grid">'
            f"<tr>{''.join(tds)}</tr></table>")


def typed_table_blocks(t: Any, seen: set[str] | None = None) -> list[Block]:
    """A typed :class:`sbrt_calc.table.Table` (or a legacy text table) as report blocks: its title, the table
    (cells as shown, coloured by status, numbers right-aligned), its notes and its source."""
    from sbrt_calc.table import as_table

    tt = as_table(t)
    headers = tt.headers
    rows = tuple(tuple(c.text for c in row) for row in tt.rows)
    statuses = tuple(tuple(c.status.value if c.status is not None else "" for c in row) for row in tt.rows)
    out = [Block("para", f"<b>{_e(tt.title)}</b>")]
    if rows:
        out.append(Block("table", headers=headers, rows=rows, widths=tt.widths or auto_widths(headers, rows),
                         numeric_from=0 if any(c.numeric for row in tt.rows for c in row) else 99,
                         statuses=statuses, numeric_columns=tuple(c.numeric for c in tt.columns)))
    out.extend(_items([{"text": x} for x in tt.notes], seen=seen) if tt.notes else [])
    if tt.source:
        out.append(Block("para", f'<span class="src">Source: {_e(tt.source)}</span>'))
    return out


VERDICT_KEYS = ("label", "total_dose_gy", "fractions", "dose_per_fraction_gy", "bed10_gy", "flag", "reference",
                "sensitivity", "warnings")


def regimen_tables(content: ReportContent) -> tuple[list[tuple[str, list[str], list[list[str]]]], list[str]]:
    """The regimens tables and their notes: the evaluation's columns (:mod:`sbrt_calc.tables`), split for a
    page: the verdicts first, then the numbers under each model (at most 8 number columns per table);
    the row number (the plot's point number) first; one note per caveat, listing its regimens."""
    from sbrt_calc.tables import columns

    ev = content.evaluation
    cols = columns(ev.settings)
    first = [c for c in cols if c.key in VERDICT_KEYS]
    rest = [c for c in cols if c.key not in VERDICT_KEYS]
    label_col = cols[0]
    groups = [("Regimens and verdicts", first)]
    for m in ev.settings.models + ev.settings.organ_models:
        mine = [c for c in rest if c.model == m and all(c not in g for _, g in groups)]
        for k in range(0, len(mine), 8):
            title = f"Numbers under {ev.settings.model(m).label()}"
            groups.append((title, [label_col] + mine[k:k + 8]))
    tables = []
    for title, group in groups:
        rows = []
        for r in ev.rows:
            if r.valid:
                rows.append([str(r.index + 1)] + [c.text(r) for c in group])
            else:
                rows.append([str(r.index + 1), r.label] + ["-"] * (len(group) - 1))
        tables.append((title, ["#"] + [c.header for c in group], rows))
    grouped: dict[str, list[str]] = {}
    sens: list[str] = []
    for r in ev.valid_rows():
        for c in r.caveats:
            labels = grouped.setdefault(re.sub(r" - here [^:]*:", ":", c.text), [])
            if r.label not in labels:
                labels.append(r.label)
        if r.sensitivity is not None:
            sens.append(f"#{r.index + 1} {r.sensitivity.sentence}")
    notes = [f"{', '.join(labels)} - {text}" for text, labels in grouped.items()] + sens
    notes += [f"#{r.index + 1} {r.label}: {r.error}" for r in ev.rows if not r.valid]
    return tables, notes


CSS = """
body { font-family: 'DejaVu Sans', sans-serif; font-size: 9pt; }
h1 { font-size: 15pt; margin-bottom: 2px; }
h2 { font-size: 11.5pt; margin-top: 14px; margin-bottom: 4px; border-bottom: 1px solid #888; }
table.grid { border-collapse: collapse; border-color: #999; font-size: 8pt; }
th { background-color: #e8e8e8; font-weight: bold; }
.src { color: #444; font-size: 7.5pt; }
.disclaimer { background-color: #fff4d6; border: 1px solid #c9a227; padding: 6px; }
.small { font-size: 7.5pt; color: #333; }
"""


def build_blocks(content: ReportContent) -> list[Block]:
    """The report as a flow of blocks (see :class:`Block`), in reading order."""
    ev = content.evaluation
    s = ev.settings
    flag, ref = s.flag, s.reference
    b: list[Block] = []
    seen: set[str] = set()   # the bullets said so far: each once (_items)
    b.append(Block("heading", f"<h1>SBRT fractionation report: {_e(content.title)}</h1>"))
    ident = f"Identifier: <b>{_e(content.identifier)}</b> &nbsp; " if content.identifier else ""
    b.append(Block("para", f"{ident}Date: {_e(content.created.strftime('%Y-%m-%d %H:%M %Z'))} &nbsp; "
                           f"Program: sbrt-calc {_e(__version__)}"))
    people = [(k, v) for k, v in (("Patient/case reference", content.patient_reference),
                                  ("Prepared by", content.prepared_by), ("Checked by", content.checked_by)) if v]
    if people:
        b.append(Block("para", " &nbsp; ".join(f"{_e(k)}: <b>{_e(v)}</b>" for k, v in people)))
    b.append(Block("para", f'<p class="disclaimer"><b>Decision support only.</b> {_e(DISCLAIMER)}</p>'))

    b.append(Block("heading", "<h2>1. Inputs and model</h2>"))
    rows = []
    for name in s.models:
        m = s.model(name)
        rows.append((m.label(), parameters_text(m.parameters()), m.source))
    b.append(Block("table", headers=("Model", "Parameters", "Source"), rows=tuple(rows), widths=(16, 44, 40)))
    organs = ", ".join(f"{ab:g}" for ab in s.organ_alpha_betas_gy)
    b.append(Block("para", f"alpha/beta: tumour {s.tumour_alpha_beta_gy:g} Gy; organ at risk {organs} Gy; "
                           f"EQDx at {s.reference_dose_gy:g} Gy per fraction."))
    if s.time is not None:
        b.append(Block("para", f"Time correction on: tumour BED - K (T - T_k), K {s.time.bed_loss_per_day_gy:g} "
                               f"Gy/day, T_k {s.time.kickoff_days:g} d ({_e(s.time.verification)}: "
                               f"{_e(s.time.source)})."))
    for line in (flag, ref):
        b.append(Block("para", f"<b>{_e(line.label)}</b> ({_e(line.scale)}; {_e(line.verification)}): "
                               f"{_e(line.source)}"))

    b.append(Block("heading", "<h2>2. Regimens</h2>"))
    if ev.rows:
        tables, notes = regimen_tables(content)
        from sbrt_calc.tables import columns, regimen_table

        typed = regimen_table(ev)    # the verdict cells' status (pass/fail/n/a), as every face colours them
        key_of = {c.header: c.key for c in columns(s)}
        for title, headers, body in tables:
            statuses = tuple(("",) + tuple(
                (st.value if (st := typed.rows[i][[c.key for c in typed.columns].index(key_of[h])].status)
                 is not None else "") if h in key_of else "" for h in headers[1:]) for i in range(len(body)))
            b.append(Block("para", f"<b>{_e(title)}</b>"))
            b.append(Block("table", headers=tuple(headers), rows=tuple(tuple(r) for r in body),
                           widths=auto_widths(headers, body), numeric_from=2, statuses=statuses))
        b.append(Block("image", "bed_plot.png"))
        from sbrt_calc.report.plot import plot_data

        b.append(Block("para", '<span class="small">Plot: points numbered as the table\'s first column. '
                               + _e(plot_data(ev).band_note) + " " + _e(_sensitivity_legend(ev)) + "</span>"))
        b.append(Block("para", "<b>Notes</b>"))
        b.extend(_items([{"text": n} for n in notes], seen=seen))
    else:
        b.append(Block("para", "<i>No regimens.</i>"))

    b.append(Block("heading", "<h2>3. Eligibility (oligoprogression)</h2>"))
    elig = ev.eligibility.assessment if ev.eligibility is not None else content.eligibility
    if elig is None:
        b.append(Block("para", "<i>No eligibility assessment in this case.</i>"))
    else:
        from sbrt_calc.eligibility.result import VERDICT_LABELS

        d = elig.as_dict()
        verdict = VERDICT_LABELS.get(str(d.get("verdict")), str(d.get("verdict")))
        b.append(Block("para", f"Local ablative therapy while continuing the current agent: <b>{_e(verdict)}</b>. "
                       f"Classification: <b>{_e(d.get('classification'))}</b>"
                       + (f" ({_e(d.get('definition'))} definition)" if d.get("definition") else "") + "."))
        b.append(Block("para", _e(d.get("recommendation", ""))))
        if d.get("blockers") and (said := _items(d["blockers"], seen=seen)):
            b.append(Block("para", "<b>Why not</b>"))
            b.extend(said)
        b.append(Block("para", "<b>Work-up still needed</b>"))
        b.extend(_items(d.get("missing_workup", []), seen=seen) or [Block("para", "<i>none beyond the above</i>")])
        if ev.eligibility is not None:
            from sbrt_calc.evaluation_tables import eligibility_tables

            for t in eligibility_tables(ev)[1:]:
                b.extend(typed_table_blocks(t, seen))
        else:
            lrows = []
            for les in d.get("lesions", []):
                schemes = "; ".join(f"{s['label']} (BED10 {s['bed10_gy']:.1f} Gy)" for s in les.get("schemes", []))
                lrows.append((str(les.get("label") or les.get("site", "")), str(les.get("site", "")),
                              str(les.get("status", "")), str(les.get("local_therapy", "")),
                              str(les.get("reason", "")), schemes or "-"))
            if lrows:
                b.append(Block("table", headers=("Lesion", "Site", "Status", "Local therapy", "Reason",
                                                 "Preset schemes"), rows=tuple(lrows), widths=(12, 8, 10, 10, 35, 25)))
        for title, key in (("Reasons", "reasons"), ("Next steps", "next_steps"), ("Evidence", "evidence"),
                           ("Caveats", "caveats")):
            if d.get(key) and (said := _items(d[key], seen=seen)):
                b.append(Block("para", f"<b>{title}</b>"))
                b.extend(said)

    b.append(Block("heading", "<h2>4. Planning checks</h2>"))
    if ev.flag_at_site is not None:
        from sbrt_calc.evaluation_tables import flag_at_site_text

        b.append(Block("para", _e(flag_at_site_text(ev))))
        seen.add(" ".join(str(ev.flag_at_site.reason).split()))   # the planning inputs' note says it again
    if not content.planning:
        b.append(Block("para", "<i>No planning checks in this case.</i>"))
    pc = getattr(content.evaluation, "plan_check", None)
    for t in content.planning:
        if getattr(t, "key", "") == "plan_check_status" and pc is not None and getattr(pc, "result", None) is not None:
            b.extend(plan_check_banner_blocks(pc.result, t, seen))
            continue
        b.extend(typed_table_blocks(t, seen))
    if pc is not None and getattr(pc, "result", None) is not None:  # the plan check's DVH with its limits
        b.append(Block("image", DVH_FIGURE))
        b.append(Block("para", '<span class="small">Plan check DVH: limits marked (open circle met, red X failed, '
                               "amber diamond not decided); dashed: structures built for the limits (lungs minus "
                               "GTV); dotted line: the prescription.</span>"))
    b.extend(reirradiation_blocks(ev))   # the case's re-irradiation (issue 22), when it has one

    b.append(Block("heading", "<h2>5. Versions and sources</h2>"))
    b.append(Block("table", headers=("Preset file", "Origin", "Schema", "SHA-256 (first 12)"),
                   rows=tuple(preset_versions()), widths=(45, 15, 10, 30)))
    for note in content.notes:
        b.append(Block("para", _e(note)))
    b.append(Block("para", f'<p class="disclaimer">{_e(DISCLAIMER)}</p>'))
    return [_greek(block) for block in b]


def _greek(block: Block) -> Block:
    """The block with 'alpha/beta' written 'α/β' (:func:`sbrt_calc.notation.greek`), as the app shows it: the
    core's sentences and tables are ASCII for the CLI; the report says it one way (issue 21)."""
    return replace(block, html=greek(block.html), headers=tuple(greek(h) for h in block.headers),
                   rows=tuple(tuple(greek(str(c)) for c in row) for row in block.rows))


def plan_check_banner_blocks(result: Any, status_table: Any, seen: set[str] | None = None) -> list[Block]:
    """The plan check section's top: its headline as a coloured banner (the app's headline text and colour,
    :func:`sbrt_calc.plancheck.report.banner`), then the status table without its headline row (each failure
    and each item not checked, when there are any)."""
    from sbrt_calc.plancheck.report import banner, status_below_headline
    from sbrt_calc.table import STATUS_COLOURS

    st, said = banner(result)
    fg, bg = STATUS_COLOURS[st]
    out = [Block("para", f'<table width="100%" cellspacing="0" cellpadding="6" border="0" bgcolor="{bg}"><tr>'
                         f'<td style="color:{fg}"><b><span style="font-size:13pt">{_e(said)}</span></b></td>'
                         "</tr></table>")]
    if result.status != "pass":   # a pass has nothing failed or unchecked to list
        out.extend(typed_table_blocks(status_below_headline(status_table), seen))
    return out


def _sensitivity_legend(ev: Evaluation) -> str:
    s = ev.settings
    return (f"Model/α/β check: each regimen compared with the regimens sitting exactly on {s.flag.label} in "
            f"{', '.join(str(n) for n in s.line_regimen_fractions)} fractions under LQ, LQ-L and USC and tumour "
            f"alpha/beta {s.alpha_beta_range_gy[0]:g}-{s.alpha_beta_range_gy[1]:g} Gy: 'above in all', 'below in "
            f"all', or 'depends on model', 'depends on α/β' or 'depends on both' (model and α/β), by what changes "
            f"the reading (never a model's BED against the fixed line).")


def build_html(content: ReportContent, figure_url: str | None = "bed_plot.png") -> str:
    """The whole report as one HTML page (for a preview or a text export)."""
    out = [f"<html><head><style>{CSS}</style></head><body>"]
    for block in build_blocks(content):
        if block.kind == "table":
            right = block.right()
            out.append(table_row_html(block.headers, block.widths, header=True, right=right))
            out += [table_row_html(r, block.widths, statuses=block.statuses[i] if i < len(block.statuses) else (),
                                   right=right)
                    for i, r in enumerate(block.rows)]
        elif block.kind == "image":
            if figure_url:
                src = figure_url if block.html == "bed_plot.png" else block.html
                out.append(f'<p align="center"><img src="{_e(src)}" width="600"/></p>')
        else:
            out.append(block.html if block.kind == "heading" else f"<p>{block.html}</p>")
    out.append("</body></html>")
    return "".join(out)


# --- the re-irradiation section (issue 22) ---------------------------------------------------------
#: The resource name of the cumulative DVH figure (:func:`sbrt_calc.reirradiation.tables.dvh_png`).
REIRRADIATION_DVH_FIGURE = "reirradiation_dvh.png"



def reirradiation_blocks(ev: Any) -> list[Block]:
    """The section's blocks (empty when the case has no ``reirradiation`` section)."""
    rr = getattr(ev, "reirradiation", None)
    if rr is None:
        return []
    from sbrt_calc.table import STATUS_COLOURS, Status

    b = [Block("heading", "<h3>Re-irradiation: courses summed voxel by voxel in EQD2</h3>")]
    if rr.result is None:
        fg, bg = STATUS_COLOURS[Status.INCOMPLETE]
        b.append(Block("para", f'<span style="color:{fg}; background-color:{bg}"><b>INCOMPLETE</b></span>: '
                               f"{_e(rr.error)}"))
        return b
    from sbrt_calc.reirradiation.tables import DVH_LEGEND, TERMS, headline, typed_tables

    res = rr.result
    st = Status(str(res.status))
    fg, bg = STATUS_COLOURS[st]
    b.append(Block("para", f'<span style="color:{fg}; background-color:{bg}"><b>{_e(headline(res))}</b></span>'))
    for t in typed_tables(res):
        if t.key == "reirradiation_assumptions":
            continue
        b.extend(typed_table_blocks(t))
    b.append(Block("image", REIRRADIATION_DVH_FIGURE))
    b.append(Block("para", f'<span class="small">{_e(DVH_LEGEND)}</span>'))
    b.append(Block("para", "<b>Re-irradiation: assumptions (as stated to the user)</b>"))
    b.extend(_items([{"text": a} for a in res.assumptions]))
    for n in res.notes:
        b.append(Block("para", f"Note: {_e(n)}"))
    b.append(Block("para", f'<span class="small">{_e(TERMS)}</span>'))
    return b


def reirradiation_images(ev: Any) -> dict[str, bytes]:
    """The section's figure (PNG bytes) by resource name; empty without a result."""
    rr = getattr(ev, "reirradiation", None)
    if rr is None or rr.result is None:
        return {}
    from sbrt_calc.reirradiation.tables import dvh_png

    return {REIRRADIATION_DVH_FIGURE: dvh_png(rr.result)}
