"""``sbrt-calc eligibility CASE.toml``: is this oligoprogression, what is missing, what to do at each site."""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

from sbrt_calc.cli.output import add_format_argument

WIDTH = 100


def register(sub: Any) -> None:
    p = sub.add_parser(
        "eligibility",
        help="oligoprogression assessment of a case file",
        description="Assess a case (TOML) of suspected oligoprogression: classification, whether local ablative "
        "therapy while continuing the current agent is supported, missing work-up, local therapy for each "
        "progressing lesion with the site presets and their BED10, reasons, evidence and caveats, each with its "
        "source. Decision support for qualified clinicians.",
    )
    p.add_argument("case", metavar="CASE.toml", help="the case file (see examples/case_egfr_bone.toml)")
    add_format_argument(p, choices=("table", "json"))
    p.set_defaults(func=run)


def _wrap(text: str, indent: str, first: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=indent,
                         break_on_hyphens=False) or [first.rstrip()]


class _Note:
    """Collects lines; cites sources by short tag and keeps the legend of the tags used."""

    def __init__(self) -> None:
        from sbrt_calc.eligibility.rules import short, split_sources

        self._short = short
        self._split = split_sources
        self.lines: list[str] = []
        self.used: dict[str, str] = {}

    def cite(self, source: str) -> str:
        for s in self._split(source):
            self.used.setdefault(self._short(s), s)
        return f"[{self._short(source)}]"

    def scheme_tag(self, source: str) -> str:
        """A numbered tag ``S1``, ``S2``... for a preset's (long) source, listed in the legend."""
        for tag, full in self.used.items():
            if full == source and tag.startswith("S") and tag[1:].isdigit():
                return tag
        tag = f"S{sum(1 for t in self.used if t.startswith('S') and t[1:].isdigit()) + 1}"
        self.used[tag] = source
        return tag

    def item(self, text: str, source: str, first: str = "  - ", indent: str = "    ") -> None:
        self.lines += _wrap(f"{text} {self.cite(source)}", indent, first)

    def section(self, title: str, items: Any) -> None:
        items = list(items)
        if items:
            self.lines += ["", title]
            for it in items:
                self.item(it.text, it.source)


def render_note(case: Any, a: Any, source_name: str) -> str:
    """The assessment as a short clinical note (plain text, sources as short tags with a legend)."""
    from sbrt_calc.presets.radiobiology import thresholds

    therapy = {"tki": "a TKI", "immunotherapy": "immunotherapy", "chemotherapy": "chemotherapy",
               "chemoimmunotherapy": "chemo-immunotherapy"}[case.therapy_class]
    driver = {"none": "no driver", "unknown": "driver unknown", "other": "other driver"}.get(
        case.driver, f"{case.driver}-positive")
    agent = f" ({case.agent})" if case.agent else ""
    note = _Note()
    lines = note.lines
    lines += [f"Oligoprogression assessment - {source_name}",
              f"NSCLC, {driver}, on {therapy}{agent} for {case.months_on_therapy:g} months; ECOG {case.ecog}; "
              f"{len(case.lesions)} lesion(s) recorded."]
    n = a.progressing_sites
    counts = f"{n} site{'s' if n != 1 else ''} of progression ({n - a.new_sites} progressing, {a.new_sites} new), " \
             f"limit {a.max_sites}"
    definition = f"; {a.definition} definition" if a.definition else ""
    cns = f"; {a.cns_sites} CNS site(s) counted apart" if a.cns_sites else ""
    lines.append(f"Classification: {a.classification.replace('_', ' ')} ({counts}{definition}{cns}).")
    lines.append("Local ablative therapy while continuing the current agent: "
                 f"{a.verdict_label}.")
    lines.append("")
    lines += _wrap(a.headline, "  ", "Verdict: ")
    if a.blockers:
        lines += ["", "Why not (yet):"]
        for b in a.blockers:
            note.item(b.text, b.source)
    if a.missing_workup:
        lines += ["", "Work-up still needed:"]
        for w in a.missing_workup:
            tag = "BLOCKING" if w.blocking else ("required" if w.required else "consider")
            note.item(f"({tag}) {w.text}", w.source)
    if a.lesions:
        flag, _ref = thresholds()
        lines += [""]
        lines.append("Progressing sites:" if a.eligible else
                     "Progressing sites (local therapy only if the MDT chooses it, e.g. for symptoms or CNS control):")
        seen: set[str] = set()
        for k, x in enumerate(a.lesions, 1):
            name = x.site.replace("_", " ") + (f", {x.location}" if x.location else "") \
                + (f" '{x.label}'" if x.label else "")
            lines.append(f"  {k}. {name} ({x.status}{', symptomatic' if x.symptomatic else ''}): {x.local_therapy}")
            repeated = 0
            for it_text, it_source, bullet in ([(x.reason, x.source, "     ")]
                                               + [(c.text, c.source, "     + ") for c in x.considerations]
                                               + [(c.text, c.source, "     + ") for c in x.alternatives]):
                if it_text in seen:
                    repeated += 1
                    continue
                seen.add(it_text)
                note.item(it_text, it_source, first=bullet, indent="       ")
            if repeated:
                lines.append(f"     (+ {repeated} point(s) as above)")
            if x.schemes:
                lines.append(f"     Presets (BED10, LQ at alpha/beta 10; flag {flag.label}"
                             + ("" if x.flag_applies else ": not applicable at this site") + "):")
            if x.schemes and not x.flag_applies:
                note.item(x.flag_reason, x.flag_source, first="     ! ", indent="       ")
            for sch in x.schemes:
                mark = ("above" if sch.bed10_above_threshold else "not above") if sch.flag_applies else "n/a"
                unverified = "  RECALLED, check before use" if sch.verification == "recalled" else ""
                warn = f"  {sch.warning.upper()}" if sch.warning else ""
                lines.append(f"       {sch.label:<10} BED10 {sch.bed10_gy:6.1f} Gy (LQ)  {mark:<9} "
                             f"[{note.scheme_tag(sch.source)}]{unverified}{warn}"
                             + (f"  ({sch.note})" if sch.note and x.site == "lung" else ""))
            if not x.schemes:
                lines.append(f"     * {x.schemes_note}")
            for left in x.excluded:
                lines.append(f"     - left out: {left}")
            if x.choice and x.choice.get("label"):
                note.item(f"Plan this lesion: {x.choice['label']} - {x.choice['reason']}", x.choice["source"],
                          first="     > ", indent="       ")
            elif x.choice:
                note.item(f"Plan this lesion: no scheme - {x.choice['reason']}", x.choice["source"],
                          first="     > ", indent="       ")
    blocker_texts = {b.text for b in a.blockers}
    note.section("Reasons:", [r for r in a.reasons if r.text not in blocker_texts])
    note.section("Next steps:", a.next_steps)
    note.section("Evidence:", a.evidence)
    note.section("Caveats:", a.caveats)
    lines += ["", "Sources:"]
    def order(tag: str) -> tuple[int, str]:
        return (1, f"{int(tag[1:]):04d}") if tag[:1] == "S" and tag[1:].isdigit() else (0, tag.lower())

    for tag, full in sorted(note.used.items(), key=lambda kv: order(kv[0])):
        if tag != full:  # sources without a short tag were printed in full where cited
            seed = full.startswith(tag.replace("Seed ", "Seed document "))
            lines += _wrap(full if full.startswith(tag) or seed else f"{tag}: {full}", "    ", "  ")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from sbrt_calc import __version__
    from sbrt_calc.cli.output import emit, to_json
    from sbrt_calc.eligibility.assess import assess, load_case
    from sbrt_calc.presets.radiobiology import thresholds

    case = load_case(args.case)
    assessment = assess(case)
    if args.format == "json":
        flag, _ref = thresholds()
        doc: dict[str, Any] = {"sbrt_calc_version": __version__, "case_file": str(args.case)}
        doc.update(assessment.as_dict())
        doc["bed10_threshold"] = {"label": flag.label, "bed_gy": flag.bed_gy, "source": flag.source}
        doc["case"] = case.to_dict()
        emit(to_json(doc))
        return 0
    emit(render_note(case, assessment, str(args.case)))
    return 0
