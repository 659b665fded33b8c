"""``sbrt-calc report CASE -o out.pdf``: the PDF report without a display."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="PDF report of a saved case or an eligibility case",
        description="Write the PDF report of CASE: a saved case (.sbrt.json, from the app) or an eligibility "
        "case (TOML; its regimens default to the presets of its progressing lesions' sites). "
        "Runs without a display.",
    )
    p.add_argument("case", metavar="CASE", help="saved case (JSON) or eligibility case (TOML)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf", help="the PDF to write")
    p.add_argument("--page-size", choices=["A4", "Letter"], default="A4", help="paper size (default: A4)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sbrt_calc.atomic_write import same_file
    from sbrt_calc.cli.main import UsageError
    from sbrt_calc.report.pdf import write_report_pdf
    from sbrt_calc.report.sources import load_report_content

    if not str(args.output).lower().endswith(".pdf"):
        raise UsageError(f"report: the output must be a .pdf file, got {args.output!r}")
    if same_file(args.case, args.output):
        raise UsageError(f"report: refusing to write the report over its own input {args.output!r}: "
                         "choose another output name")
    content = load_report_content(args.case)
    out = write_report_pdf(content, args.output, args.page_size)
    from sbrt_calc.cli.output import emit

    emit(f"wrote {out} ({len(content.evaluation.rows)} regimens)")
    return 0
