"""The PDF report (issue 6): content, page sizes, rows never cut, the CLI without a display."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("PySide6")

from pdftext import pages_text  # noqa: E402

from sbrt_calc import __version__  # noqa: E402
from sbrt_calc.cli.main import main  # noqa: E402
from sbrt_calc.eligibility.assess import assess  # noqa: E402
from sbrt_calc.eligibility.case import load_case as load_eligibility_case  # noqa: E402
from sbrt_calc.radiobiology import lq  # noqa: E402
from sbrt_calc.regimen import Regimen, parse_regimen  # noqa: E402
from sbrt_calc.report.content import ReportContent, ReportTable, build_html  # noqa: E402
from sbrt_calc.report.pdf import ReportError, write_report_pdf  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def content(title: str, regimens: tuple[Regimen, ...], models: tuple[str, ...] = ("lq",), **kw: object) -> ReportContent:
    from sbrt_calc.evaluation import EvaluationSettings, evaluate_regimens

    ev = evaluate_regimens(regimens, EvaluationSettings(models=models))
    return ReportContent(ev, title, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def everything_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A report with every part (eligibility, two models, planning, the people), on A4 (the default size): the
    file and its pages' text, rendered and extracted once for the module."""
    assessment = assess(load_eligibility_case(EXAMPLES / "case_egfr_bone.toml"))
    report = content(
        "Right iliac bone", tuple(parse_regimen(t) for t in ("36/3", "54/3", "5 x 10 Gy")), identifier="MRN-0042",
        models=("lq", "lql"), eligibility=assessment, prepared_by="Dr A", checked_by="Physicist B",
        planning=(ReportTable("Conformity (RTOG 0915)", ("Metric", "Value", "Grade"), (("R50%", "4.1", "none"),),
                              source="RTOG 0915"),),
    )
    out = write_report_pdf(report, tmp_path_factory.mktemp("everything") / "r.pdf")
    return out, pages_text(out)


#: 80 rows of the long table (label, dose, fractions)
LONG = tuple(Regimen(20.0 + 0.25 * i, 3 + i % 4, f"row{i:02d}") for i in range(80))


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """80 regimen rows on Letter paper (three pages or more): the file and its pages' text, once for the module."""
    out = write_report_pdf(content("long", LONG), tmp_path_factory.mktemp("long") / "long.pdf", "Letter")
    return out, pages_text(out)


def test_report_has_everything(everything_pdf: tuple[Path, list[str]]) -> None:
    text = " ".join(everything_pdf[1])
    for needle in ("Right iliac bone", "MRN-0042", "36/3", "54/3", "5 x 10 Gy", "79.2", "68.4", "oligoprogression",
                   "Conformity (RTOG 0915)", f"sbrt-calc {__version__}", "decision support", "Astrahan",
                   "radiobiology.toml", "Prepared by: Dr A", "Checked by: Physicist B", "LQ-L (d_T 6 Gy)",
                   "depends on model"):
        assert needle.lower() in text.lower(), needle


@pytest.mark.parametrize(("pdf", "points"), [("everything_pdf", (595, 842)), ("long_pdf", (612, 792))],
                         ids=["A4", "Letter"])
def test_page_sizes(request: pytest.FixtureRequest, pdf: str, points: tuple[int, int]) -> None:
    """A4 (the default, the report with every part) and Letter (the long table): every page has the size asked."""
    path, _ = request.getfixturevalue(pdf)
    for page in pypdf.PdfReader(str(path)).pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == points


def test_long_table_rows_are_never_cut_and_header_repeats(long_pdf: tuple[Path, list[str]]) -> None:
    """80 rows span pages: each row's label and its BED10 are on the same page; the header repeats."""
    regimens = LONG
    texts = long_pdf[1]
    assert len(texts) >= 3
    seen = set()
    for text in texts:
        labels = re.findall(r"\b\d+ row(\d\d) \d+\.\d \d+ \d+\.\d \d+\.\d (?:not )?reached", text)  # verdicts
        if labels:
            assert "Regimen" in text and "Total" in text  # repeated header
        for label in labels:
            r = regimens[int(label)]
            bed10 = f"{lq.bed(r.total_dose_gy, r.dose_per_fraction_gy, 10):.1f}"
            assert bed10 in text, (label, bed10)
            seen.add(int(label))
    assert seen == set(range(80))


@pytest.mark.parametrize("pdf", ["long_pdf", "everything_pdf"])
def test_every_page_has_the_footer(request: pytest.FixtureRequest, pdf: str) -> None:
    """"page i of n" on every page, of the long table (Letter) and of the report with every part (A4)."""
    texts = request.getfixturevalue(pdf)[1]
    assert len(texts) >= 2
    for i, text in enumerate(texts, 1):
        assert f"page {i} of {len(texts)}" in text


def test_bad_page_size_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="page size"):
        write_report_pdf(content("t", ()), tmp_path / "r.pdf", "A5")
    with pytest.raises(ReportError, match="does not exist"):
        write_report_pdf(content("t", ()), tmp_path / "missing" / "r.pdf")


def test_html_escapes_user_text() -> None:
    html = build_html(content("<script>x</script>", ()))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_cli_report_from_eligibility_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Regimens default to the presets of the progressing lesions' sites."""
    out = tmp_path / "e.pdf"
    assert main(["report", str(EXAMPLES / "case_egfr_bone.toml"), "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    text = " ".join(pages_text(out))
    assert "oligoprogression" in text and "bone" in text


def test_cli_report_from_saved_case(tmp_path: Path) -> None:
    from sbrt_calc.case import Case, CaseRegimen, save_case

    case = Case(title="Adrenal case", identifier="ID-7",
                regimens=(CaseRegimen.from_regimen(parse_regimen("36/3")),
                          CaseRegimen.from_regimen(parse_regimen("60/8"))))
    path = save_case(case, tmp_path / "c.sbrt.json")
    out = tmp_path / "c.pdf"
    assert main(["report", str(path), "-o", str(out), "--page-size", "Letter"]) == 0
    text = " ".join(pages_text(out))
    assert "Adrenal case" in text and "ID-7" in text and "60/8" in text


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["report", "nope.toml", "-o", "x.pdf"], "cannot read"),
        (["report", "README.md", "-o", "x.pdf"], "not valid TOML"),
        (["report", "examples/case_egfr_bone.toml", "-o", "x.txt"], ".pdf"),
        (["report", "examples/case_egfr_bone.toml"], "required"),
    ],
)
def test_cli_report_bad_input(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str],
                              fragment: str) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and fragment in err and "Traceback" not in err


def _saved_case_with_sections(tmp_path: Path, eligibility: object, planning: object) -> Path:
    from sbrt_calc.case import Case, CaseRegimen, save_case

    sections = {"eligibility": eligibility, "planning": planning}
    case = Case(title="Bone case", identifier="ID-9", regimens=(CaseRegimen.from_regimen(parse_regimen("35/5")),),
                sections={k: v for k, v in sections.items() if v is not None})
    return save_case(case, tmp_path / "s.sbrt.json")


def test_cli_report_from_saved_case_with_eligibility_and_planning(tmp_path: Path) -> None:
    """The sections the app saves: eligibility {"case": ...} and planning (sbrt_calc.planning.section)."""
    ecase = load_eligibility_case(EXAMPLES / "case_egfr_bone.toml")
    planning = {"constraint_set": "tg101", "regimen": "35/5", "lesion": 0, "ptv_cc": 20.0, "r50": 6.0,
                "cumulative": {"courses": ["30/10", "24/2"], "interval_months": 8.0}}
    path = _saved_case_with_sections(tmp_path, {"case": ecase.to_dict()}, planning)
    out = tmp_path / "s.pdf"
    assert main(["report", str(path), "-o", str(out)]) == 0
    text = " ".join(pages_text(out))
    for needle in ("Bone case", "ID-9", "35/5", "oligoprogression", "Planning inputs", "#1 bone",
                   "Organ-at-risk limits: AAPM TG-101", "Conformity and dose fall-off: PTV 20 cm3", "major",
                   "Cumulative dose: SpinalCord", "EXCEEDED", "HyTEC"):
        assert needle in text, needle


def test_saved_case_draft_eligibility_is_not_assessed(tmp_path: Path) -> None:
    from sbrt_calc.report.sources import load_report_content

    path = _saved_case_with_sections(tmp_path, {"draft": {"therapy_class": "tki"}}, None)
    report = load_report_content(path)
    assert report.eligibility is None and any("incomplete" in n for n in report.notes)


@pytest.mark.parametrize(("eligibility", "planning", "field"), [
    ({"case": {"therapy_class": "tki"}}, None, "eligibility.case."),
    ({"other": 1}, None, "eligibility.other"),
    (None, {"ptv_cc": -1}, "planning.ptv_cc"),
])
def test_cli_report_bad_sections(tmp_path: Path, capsys: pytest.CaptureFixture[str], eligibility: object,
                                 planning: object, field: str) -> None:
    path = _saved_case_with_sections(tmp_path, eligibility, planning)
    assert main(["report", str(path), "-o", str(tmp_path / "x.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and field.split(".")[0] in err and "Traceback" not in err


def test_mathtext_in_a_label_does_not_break_the_plot_or_the_report(tmp_path: Path) -> None:
    """A regimen label with $...$ (matplotlib reads it as maths) is shown as typed (issue 12)."""
    from sbrt_calc.report.plot import bed_plot_png, escape_mathtext

    bad = Regimen(36.0, 3, "$\\frac{1}{0$ x")
    report = content("$5 case$", (bad, parse_regimen("54/3")))
    assert bed_plot_png(report.evaluation).startswith(b"\x89PNG")
    text = " ".join(pages_text(write_report_pdf(report, tmp_path / "m.pdf")))
    assert "$\\frac{1}{0$ x" in text and "$5 case$" in text
    assert escape_mathtext("$a$") == "\\$a\\$"


@pytest.mark.parametrize("n", [6, 14, 23, 31])
def test_a_title_never_ends_a_page(tmp_path: Path, n: int) -> None:
    """Headings and table titles keep with what follows them (issue 13: no title alone at a page's foot)."""
    regimens = tuple(Regimen(24.0 + 0.5 * i, 3 + i % 4, f"r{i}") for i in range(n))
    texts = pages_text(write_report_pdf(content("Titles", regimens, models=("lq", "lql", "usc")), tmp_path / "t.pdf"))
    titles = ("Inputs and model", "Regimens", "Regimens and verdicts", "Numbers under LQ", "Numbers under LQ-L (d_T 6 Gy)",
              "Numbers under USC (Park 2008)", "Eligibility (oligoprogression)", "Planning checks", "Versions and sources",
              "Notes")
    for text in texts[:-1]:
        body = text.split(" sbrt-calc ")[0].rstrip() if " sbrt-calc " in text else text
        assert not any(body.endswith(t) for t in titles), body[-80:]
