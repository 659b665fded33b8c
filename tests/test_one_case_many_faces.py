"""Issue 10's acceptance test: one case, many faces, the same numbers and verdicts.

A case with tumour alpha/beta 8 Gy, the flag line at 80 Gy and the reference at 150 Gy must read the same
in the app's table model, the app's PDF, ``sbrt-calc report``, ``compare --case`` (JSON and CSV) and the
clipboard. Expected values are written from the LQ formula (Fowler 1989): BED10 = D (1 + d/10) (the
scale of both lines), BED8 = D (1 + d/8) (the tumour column); flag BED10 > 80, reference BED10 >= 150.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

pypdf = pytest.importorskip("pypdf")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from sbrt_calc.case import Case, CaseRegimen, CaseSettings, save_case  # noqa: E402
from sbrt_calc.cli.main import main  # noqa: E402
from sbrt_calc.regimen import parse_regimen  # noqa: E402

REGIMENS = ("36/3", "54/3", "48/4", "60/8", "30/5")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def one_decimal(x: float) -> str:
    """Half away from zero, as clinicians round (116.25 -> 116.3)."""
    from decimal import ROUND_HALF_UP, Decimal

    return str(Decimal(repr(x)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def expected() -> dict[str, tuple[str, str, str, str]]:
    out = {}
    for text in REGIMENS:
        r = parse_regimen(text)
        D, d = r.total_dose_gy, r.dose_per_fraction_gy
        bed10, bed8 = D * (1 + d / 10), D * (1 + d / 8)
        out[text] = (one_decimal(bed10), one_decimal(bed8), "reached" if bed10 > 80 else "not reached",
                     "reached" if bed10 >= 150 else "not reached")
    return out


@pytest.fixture
def case_file(tmp_path: Path) -> Path:
    case = Case(title="Faces case", identifier="ID-10",
                regimens=tuple(CaseRegimen.from_regimen(parse_regimen(t)) for t in REGIMENS),
                settings=CaseSettings(tumour_alpha_beta_gy=8.0, flag_bed_gy=80.0, reference_bed_gy=150.0))
    return save_case(case, tmp_path / "faces.sbrt.json")


def pdf_text(path: Path) -> str:
    from pdftext import pdf_text

    return pdf_text(path)


def check_pdf(text: str, want: dict[str, tuple[str, str, str, str]]) -> None:
    assert "BED10 > 80 Gy" in text and "BED10 ≥ 150 Gy" in text and "tumour 8 Gy" in text
    assert "tumour 10 Gy" not in text and "BED10 > 70" not in text
    for i, (label, (bed10, bed8, flag, ref)) in enumerate(want.items(), 1):
        # the verdicts table row: number, label, total, n, d, BED10, flag, reference
        assert f"{i} {label} " in text and f" {bed10} {flag} {ref} " in text, (label, bed10, flag, ref)
        assert f" {bed8} " in text, (label, bed8)


def test_one_case_reads_the_same_on_every_face(qtbot, window, case_file: Path, tmp_path: Path,  # noqa: ANN001
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    want = expected()
    assert want["36/3"] == ("79.2", "90.0", "not reached", "not reached")   # the example
    assert want["60/8"][1] == "116.3"                                       # 116.25: rounded the same everywhere

    # 1. the app's table model
    assert window.open_path(str(case_file), ask=False)
    m = window.model
    for r, label in enumerate(REGIMENS):
        got = tuple(m.data(window.current_index(r, key), Qt.ItemDataRole.DisplayRole)
                    for key in ("bed10_gy", "bed_8_lq", "flag", "reference"))
        assert got == want[label], label
    headers = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]
    assert "BED10\n> 80 Gy" in headers and "BED8 LQ\n[Gy]" in headers   # the verdict header on two lines (issue 21)

    # 2. the clipboard (Ctrl+C on the table: the selected rows with a header)
    window.table.selectAll()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    rows = list(csv.DictReader(io.StringIO(QApplication.clipboard().text()), delimiter="\t"))
    assert [r["Regimen"] for r in rows] == list(REGIMENS)
    for r in rows:
        assert (r["BED10 LQ [Gy]"], r["BED8 LQ [Gy]"], r["BED10 > 80 Gy"], r["BED10 ≥ 150 Gy"]) == want[r["Regimen"]]

    # 3. compare --case, JSON and CSV
    assert main(["compare", "--case", str(case_file), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["thresholds"]["flag"]["bed_gy"] == 80 and doc["tumour_alpha_beta_gy"] == 8
    for r in doc["regimens"]:
        got = (one_decimal(r["bed10_gy"]), one_decimal(r["bed_gy"]["8"]),
               "reached" if r["bed10_above_threshold"] else "not reached",
               "reached" if r["bed10_reference_reached"] else "not reached")
        assert got == want[r["label"]], r["label"]
    assert main(["compare", "--case", str(case_file), "--format", "csv"]) == 0
    for r in csv.DictReader(io.StringIO(capsys.readouterr().out)):
        got = (one_decimal(float(r["BED10 LQ [Gy]"])), one_decimal(float(r["BED8 LQ [Gy]"])), r["BED10 > 80 Gy"],
               r["BED10 ≥ 150 Gy"])
        assert got == want[r["Regimen"]]

    # 4. the app's PDF and sbrt-calc report
    app_pdf = window.export_report(str(tmp_path / "app.pdf"), "A4")
    assert app_pdf is not None
    check_pdf(pdf_text(Path(app_pdf)), want)
    assert main(["report", str(case_file), "-o", str(tmp_path / "cli.pdf")]) == 0
    check_pdf(pdf_text(tmp_path / "cli.pdf"), want)


@pytest.mark.parametrize("name", ["case_egfr_bone.toml", "case_io_brain_adrenal.toml", "case_alk_systemic.toml"])
def test_file_open_reads_eligibility_cases_and_saved_cases(window, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
                                                           case_file: Path, name: str) -> None:
    """File ▸ Open takes an examples/*.toml eligibility case and a saved case alike (recognised by content)."""
    from PySide6.QtWidgets import QFileDialog

    for path in (EXAMPLES / name, case_file):
        monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, p=path, **k: (str(p), "")))
        window.act_open.trigger()
        assert window.sections.get("eligibility") or path == case_file
        if path == case_file:
            assert window.case_title == "Faces case" and window.model.rowCount() == len(REGIMENS)
        else:
            assert name.split(".")[0] in window.case_title and window.file_path is None
            assert window.isWindowModified()
