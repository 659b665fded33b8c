"""The report, read as a clinician reads it (issue 21, "The report"): a numeric header stands over its numbers,
each bullet is said once, no code module names, and the patient reference, "prepared by" and "checked by" are
saved with the case and printed. Text taken from the PDF with pypdf (its layout mode keeps the columns)."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("PySide6")

from sbrt_calc.case import Case, dumps_case, loads_case  # noqa: E402
from sbrt_calc.errors import CaseError  # noqa: E402
from sbrt_calc.report.content import auto_widths, build_blocks, right_aligned  # noqa: E402
from sbrt_calc.report.pdf import write_report_pdf  # noqa: E402
from sbrt_calc.report.sources import content_from_case, load_report_content  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PEOPLE = {"patient_reference": "PR-77", "prepared_by": "Dr Prepared", "checked_by": "Phys Checked"}


@pytest.fixture(scope="module")
def whole_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Case]:
    """Issue 18's whole case (eligibility with a pending rebiopsy, planning, a plan check of the phantom), all
    three models, the people saved in its ``report`` section, written once through the case file."""
    pytest.importorskip("pydicom")
    from dataclasses import replace

    from test_whole_case import whole_case

    folder = tmp_path_factory.mktemp("reading")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        case = whole_case(folder / "plan")
    case = replace(case, settings=replace(case.settings, model="all"),
                   sections={**case.sections, "report": dict(PEOPLE)})
    case = loads_case(dumps_case(case))          # through the file format: the people come back from it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = write_report_pdf(content_from_case(case), folder / "whole.pdf")
    return out, case


@pytest.fixture(scope="module")
def whole_text(whole_pdf: tuple[Path, Case]) -> str:
    """The whole case's PDF as text, extracted once for the module."""
    return plain(whole_pdf[0])


def plain(path: Path) -> str:
    from pdftext import pdf_text

    return pdf_text(path)


def bullets(text: str) -> list[str]:
    """The bulleted items of a report's text, each without its trailing [source]."""
    items = [" ".join(b.split()) for b in text.split("•")[1:]]
    return [re.sub(r"\s*\[[^\[\]]*\]\.?$", "", re.split(r" (?=\d\. [A-Z])| sbrt-calc \d", b)[0]) for b in items]


def test_no_code_module_names_in_the_pdf(whole_text: str) -> None:
    """Before: the plan check's note read "(sbrt_calc.plancheck.raster, .dvh)"; the reader is told what was done,
    not which module did it."""
    text = whole_text
    assert "DVHs computed by sbrt-calc" in text
    assert not re.search(r"sbrt_calc[./]|\.py\b", text), re.search(r".{60}sbrt_calc.{60}", text)


def test_each_bullet_is_said_once(whole_text: str) -> None:
    """Before: the pending-rebiopsy blocker under "Why not" and again under "Reasons", the seed's range caveat
    under "Caveats" and again under "Planning inputs", the TG-101 "46 limits" note under both organ tables."""
    said = bullets(whole_text)
    assert len(said) > 20
    twice = sorted({b[:80] for b in said if said.count(b) > 1})
    assert not twice, twice
    assert any(b.startswith("Transformation suspected") for b in said)   # said once, not dropped


@pytest.mark.parametrize("example", ["case_egfr_bone.toml", "case_io_brain_adrenal.toml", "case_alk_cns.toml"])
def test_each_bullet_once_in_the_examples(example: str) -> None:
    """The same rule on the blocks of the shipped examples (no PDF needed: the blocks are what is printed)."""
    seen = [re.sub(r'\s*<span class="src">.*$', "", b.html) for b in build_blocks(load_report_content(EXAMPLES / example))
            if b.kind == "para" and b.html.startswith("&#8226;")]
    assert len(seen) == len(set(seen)), sorted(x for x in seen if seen.count(x) > 1)[:2]
    assert not any("sbrt_calc." in b.html for b in build_blocks(load_report_content(EXAMPLES / example)))


def test_people_are_saved_with_the_case_and_printed(whole_pdf: tuple[Path, Case], whole_text: str) -> None:
    """The ``report`` section round-trips through the case file and the report prints it (content_from_case
    reads it; before, the people were report-only and lost on save)."""
    case = whole_pdf[1]
    assert case.report_people == PEOPLE
    assert json.loads(dumps_case(case))["report"] == PEOPLE
    text = whole_text
    for needle in ("Patient/case reference: PR-77", "Prepared by: Dr Prepared", "Checked by: Phys Checked"):
        assert needle in text, needle


def test_a_case_without_people_and_bad_people() -> None:
    """Absent: no section written, nothing printed; an unknown key or a number is refused naming report.<key>;
    an old file (no section) reads unchanged."""
    bare = Case("t")
    assert bare.report_people == {} and "report" not in json.loads(dumps_case(bare))
    doc = json.loads(dumps_case(bare))
    for bad, key in (({"signed_by": "x"}, "report.signed_by"), ({"prepared_by": 3}, "report.prepared_by"),
                     ([1], "report")):
        with pytest.raises(CaseError) as exc:
            loads_case(json.dumps({**doc, "report": bad}))
        assert exc.value.field == key
    assert loads_case(json.dumps({**doc, "report": {"checked_by": "  "}})).report_people == {}


def runs(path: Path, page: int = 0) -> list[tuple[float, float, float, str]]:
    """The text runs of a page as (left, right, baseline, text) in points. pypdf gives each run's start and font;
    its width is measured with Qt on the same font (DejaVu Sans, bold for headers) at the run's size."""
    from PySide6.QtGui import QFont, QFontMetricsF

    out = []

    def visit(text: str, cm: list[float], tm: list[float], font: dict, size: float) -> None:
        if not text.strip() or not font:
            return
        scale = cm[0] * tm[0]
        f = QFont("DejaVu Sans")
        f.setPixelSize(round(size))
        f.setBold("Bold" in str(font.get("/BaseFont", "")))
        f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        left = tm[4] * cm[0] + cm[4]
        width = QFontMetricsF(f).horizontalAdvance(text.replace("\t", " ")) * scale
        out.append((left, left + width, tm[5] * cm[3] + cm[5], text.replace("\t", " ")))

    from pdftext import fast_content_streams, untraced

    with untraced(), fast_content_streams():   # pypdf's operations, read faster (tests/pdftext.py)
        pypdf.PdfReader(str(path)).pages[page].extract_text(visitor_text=visit)
    return out


def test_numeric_headers_stand_over_their_numbers(tmp_path: Path) -> None:
    """"Numbers under LQ": each header's last line ends where its numbers end (right-aligned together, within
    3 pt). Before: headers left-aligned, numbers right-aligned (tens of points apart in a wide column)."""
    from sbrt_calc.evaluation import EvaluationSettings, evaluate_regimens
    from sbrt_calc.regimen import parse_regimen
    from sbrt_calc.report.content import ReportContent

    ev = evaluate_regimens(tuple(parse_regimen(t) for t in ("48/4", "60/8", "70/10")), EvaluationSettings())
    found = runs(write_report_pdf(ReportContent(ev, "align"), tmp_path / "a.pdf"))
    title = next(r for r in found if r[3] == "Numbers under LQ")
    below = [r for r in found if r[2] < title[2]]
    first = next(r for r in below if r[3] == "48/4")                       # the first row's label
    header_ends = sorted(r[1] for r in below if r[2] > first[2] and r[3].endswith("[Gy]"))
    number_ends = sorted(r[1] for r in below if r[2] == first[2] and re.fullmatch(r"\d+\.\d", r[3]))
    assert len(header_ends) == 3 and len(number_ends) == 3, (header_ends, number_ends)
    for h, n in zip(header_ends, number_ends, strict=True):
        assert abs(h - n) <= 3, (header_ends, number_ends)


def test_columns_of_numbers_and_widths() -> None:
    """A column is right-aligned when all its cells are numbers (a unit or '-' allowed); a mixed column stays
    left. A column is never narrower than its longest word when the words fit the line (before: 'tg101',
    'Bronchus_Small', '250.28' were cut mid-word in the plan check's organ table)."""
    rows = [("SpinalCord", "12.41", "50 %", "tg101", "Bronchus_Small"), ("Lungs", "-", "4", "x", "20 cc or so")]
    assert right_aligned(rows) == (False, True, True, False, False)
    assert right_aligned(rows, numeric_from=2) == (False, False, True, False, False)
    headers = ("Organ", "Plan", "Value", "Set", "Structure", "Status", "Verification", "Metric", "Limit")
    wide = [(*r, "unresolved (not contoured)", "secondary", "CV10.5Gy[cc]", ">= 1500 cc") for r in rows]
    widths = auto_widths(headers, wide)
    assert sum(widths) == 100
    from sbrt_calc.report.content import LINE_CHARS

    for i, h in enumerate(headers):
        word = max(len(w) for t in [h, *(r[i] for r in wide)] for w in t.split())   # at least its letters
        assert widths[i] / 100 * (LINE_CHARS - len(headers)) >= word, (h, widths[i])


def test_the_planned_sites_sentence_once() -> None:
    """Spine: "Not applicable at this site: spine SBRT is limited by the spinal cord ..." opened section 4 and was
    bulleted again under "Planning inputs" (seen in the 1024x768 report pages)."""
    from sbrt_calc.case import CaseRegimen
    from sbrt_calc.planning.section import PlanningInputs
    from sbrt_calc.regimen import parse_regimen

    case = Case("t", regimens=(CaseRegimen.from_regimen(parse_regimen("24/2")),),
                sections={"planning": PlanningInputs(regimen="24/2", site="spine").to_dict()})
    blocks = build_blocks(content_from_case(case))
    assert sum("Not applicable at this site" in b.html for b in blocks) == 1
