"""The eligibility assessment as HTML for the Eligibility tab (verdict first, every item with its source)."""

from __future__ import annotations

import html
from typing import Any

from sbrt_calc.eligibility.assess import assess
from sbrt_calc.eligibility.result import VERDICT_LABELS  # noqa: F401  (re-exported: the core's labels)
from sbrt_calc.eligibility.rules import STRICT_MAX_SITES
from sbrt_calc.errors import CaseError

from .number_text import greek

LABELS = {"oligoprogression": "Oligoprogression", "systemic_progression": "Systemic progression",
          "no_progression": "No progression", "primary_resistance": "Primary resistance"}
RESPONSE_LABELS = {"complete": "complete response", "partial": "partial response", "stable": "stable disease",
                   "progression": "progression (no initial benefit)", "unknown": "unknown"}
REBIOPSY_LABELS = {"pending": "pending (result awaited)", "no_transformation": "no transformation",
                   "transformation": "transformation", "resistance_mutation": "resistance mutation (give it below)"}


def _src(source: str) -> str:
    return f' <span style="color:#666; font-size:small">[{html.escape(source)}]</span>' if source else ""


def _items(items: Any, key: str = "text") -> str:
    if not items:
        return "<p><i>none</i></p>"
    return "<ul>" + "".join(f"<li>{html.escape(str(getattr(i, key)))}{_src(getattr(i, 'source', ''))}</li>"
                            for i in items) + "</ul>"


def assessment_view(form: dict[str, Any], problems: dict[str, str], bad: str = "#c62828",
                    good: str = "#2e7d32", warn: str = "#a15c00", flag: Any = None) -> tuple[str, dict[str, Any]]:
    """The assessment of the form as HTML (or what is missing before it can be assessed), under the case's flag
    line ``flag`` (the shipped one when None); the verdict label is the core's (:data:`VERDICT_LABELS`), the
    lesions are the core's typed table (:func:`sbrt_calc.evaluation_tables.lesion_table`, rendered by
    :func:`sbrt_calc.table.to_html`: colours by status, the "Plan this lesion" links are its cells' actions).
    Returns (the HTML, the actions of its links by address: :meth:`sbrt_calc.table.Table.actions`)."""
    from sbrt_calc.eligibility.sites import flag_line

    line = flag_line(flag)
    out = []
    from .eligibility_form import REQUIRED_CHOICES, case_of

    missing = [label for key, label in REQUIRED_CHOICES if form.get(key) is None]
    if problems:
        out.append(f'<p style="color:{bad}"><b>⚠ Invalid entries (not used):</b></p><ul>'
                   + "".join(f"<li>{html.escape(k)}: {html.escape(v)}</li>" for k, v in problems.items()) + "</ul>")
    if missing:
        out.append("<h3>Not assessed yet</h3><p>To assess the case, fill in: <b>"
                   + html.escape(", ".join(missing)) + "</b>.</p><p>Then list the lesions with their site and "
                   "status on the current agent, and tick what has been done.</p>")
        return greek("".join(out)), {}
    try:
        case = case_of(form)
    except CaseError as exc:
        out.append(f'<p style="color:{bad}"><b>Cannot assess:</b> {html.escape(exc.message)}</p>')
        return greek("".join(out)), {}
    assert case is not None
    a = assess(case, flag=line)
    # the heading names the definition chosen (strict <= 3 / extended <= 5 sites), not the narrowest one met
    chosen = "strict" if a.max_sites == STRICT_MAX_SITES else "extended"
    definition = " (CNS branch)" if a.definition == "cns" else f" ({chosen} definition, ≤ {a.max_sites} sites)"
    from sbrt_calc.evaluation_tables import VERDICT_STATUS
    from sbrt_calc.table import Status

    status = VERDICT_STATUS.get(a.verdict, Status.INCOMPLETE)   # the core's status of the verdict, not its words
    colour = {Status.PASS: good, Status.FAIL: bad}.get(status, warn)
    verdict = a.verdict_label
    out.append(f'<p style="color:{colour}; font-size:large"><b>{verdict}</b>: local ablative therapy while '
               "continuing the current agent.</p>")
    out.append(f"<p><b>{html.escape(a.headline)}</b></p>")
    cns = f"; {a.cns_sites} CNS site(s) counted apart" if a.cns_sites else ""
    out.append(f"<h3>{LABELS.get(a.classification, a.classification)}{definition}</h3>")
    out.append(f"<p>{a.progressing_sites} progressing or new site(s) ({a.new_sites} new){cns}; limit "
               f"{a.max_sites} extracranial sites.</p>")
    if a.blockers:
        out.append("<h3>Why not (yet)</h3><ul>" + "".join(
            f"<li><b>{html.escape(b.summary)}</b>: {html.escape(b.text)}{_src(b.source)}</li>" for b in a.blockers)
            + "</ul>")
    out.append("<h3>Work-up still needed</h3>")
    if a.missing_workup:
        out.append("<ul>" + "".join(
            f"<li><b>{html.escape(w.label)}</b>{' (blocking)' if w.blocking else ''}"
            f"{'' if w.required else ' (to consider)'}: {html.escape(w.text)}{_src(w.source)}</li>"
            for w in a.missing_workup) + "</ul>")
    else:
        out.append("<p><i>nothing missing</i></p>")
    out.append("<h3>Progressing lesions: local therapy</h3>")
    actions: dict[str, Any] = {}
    if a.lesions:   # the core's typed table (its "Plan this lesion" cells carry their action), coloured by status
        from dataclasses import replace

        from sbrt_calc.evaluation_tables import lesion_table
        from sbrt_calc.table import to_html

        table = lesion_table(a, line)
        actions = table.actions()
        out.append(to_html(replace(table, title="")))
    else:
        out.append("<p><i>no progressing or new lesion</i></p>")
    for title, items in (("Reasons", a.reasons), ("Next steps", a.next_steps), ("Evidence", a.evidence),
                         ("Caveats", a.caveats)):
        out.append(f"<h3>{title}</h3>{_items(items)}")
    out.append("<p><i>Decision support, not a decision: discuss at the multidisciplinary tumour board.</i></p>")
    return greek("".join(out)), actions
