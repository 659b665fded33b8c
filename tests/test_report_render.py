"""The report's figures are drawn once (sbrt_calc.figure_png) and show what ``savefig`` showed: the same pixels."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")
Image = pytest.importorskip("PIL.Image")

from sbrt_calc.figure_png import figure_png, figure_rgba  # noqa: E402


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def savefig_png(fig: object) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)  # type: ignore[attr-defined]
    return buf.getvalue()


def test_the_bed_plot_drawn_once_has_savefigs_pixels() -> None:
    """The report's BED plot (constrained layout, legend, labels, numbered points), two models and three regimens:
    drawn once, pixel for pixel what ``savefig`` (a layout pass, then the drawing) makes of the same figure. At
    100 dpi (the report's is 200): the same layout in inches, a quarter of the pixels to draw."""
    from matplotlib.figure import Figure

    from sbrt_calc.evaluation import EvaluationSettings, evaluate_regimens
    from sbrt_calc.regimen import parse_regimen
    from sbrt_calc.report.plot import bed_plot_png, draw_plot, plot_data

    ev = evaluate_regimens(tuple(parse_regimen(t) for t in ("36/3", "54/3", "60/8")),
                           EvaluationSettings(models=("lq", "lql")))
    fig = Figure(figsize=(6.5, 3.8), dpi=100, layout="constrained")
    draw_plot(fig.add_subplot(), plot_data(ev))
    want = pixels(savefig_png(fig))
    got = pixels(bed_plot_png(ev, dpi=100))
    assert got.shape == want.shape == (380, 650, 4)
    assert np.array_equal(got, want)


def test_an_animated_artist_is_drawn_as_savefig_draws_it() -> None:
    """Only a save draws animated artists (the app blits its points): such a figure goes through ``savefig``, so its
    point is in the PNG (a plain draw would leave it out)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1.0, 1.0), dpi=40, layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.scatter([0.5], [0.5], s=400, color="red", animated=True)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    got = pixels(figure_png(fig))
    assert np.array_equal(got, pixels(savefig_png(fig)))
    red = (got[..., 0] > 200) & (got[..., 1] < 80)
    assert red.sum() > 50
    width, height, rgba = figure_rgba(fig)   # the PDF's path: the same pixels
    assert np.array_equal(np.frombuffer(rgba, np.uint8).reshape(height, width, 4), got)


def test_the_pdf_takes_the_plots_pixels_without_a_png() -> None:
    """The PDF draws the plot from its pixels (``bed_plot_rgba``): the PNG's pixels, and the same QImage (format,
    size, every pixel) that decoding the PNG gives, so the PDF embeds the same image."""
    pytest.importorskip("PySide6")
    from sbrt_calc.evaluation import evaluate_regimens
    from sbrt_calc.regimen import parse_regimen
    from sbrt_calc.report.pdf import _qimage
    from sbrt_calc.report.plot import bed_plot_png, bed_plot_rgba

    ev = evaluate_regimens((parse_regimen("36/3"),))
    png = bed_plot_png(ev, width_in=3.0, height_in=2.0, dpi=100)   # small: the claim does not depend on the size
    width, height, rgba = bed_plot_rgba(ev, width_in=3.0, height_in=2.0, dpi=100)
    assert (width, height) == (300, 200)
    assert np.array_equal(np.frombuffer(rgba, np.uint8).reshape(height, width, 4), pixels(png))
    assert _qimage((width, height, rgba)) == _qimage(png)


def test_preset_versions_parse_each_content_once_and_follow_an_edit(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The report's "Versions and sources" table: a user preset's schema version is read from its content, cached by
    the content's SHA-256, so an edited file is read again (a new hash) and an unreadable one says so."""
    import hashlib

    from sbrt_calc.report import content

    monkeypatch.setenv("SBRT_CALC_USER_PRESETS", str(tmp_path))
    user = tmp_path / "radiobiology.toml"

    def row() -> tuple[str, str, str, str]:
        return next(r for r in content.preset_versions() if r[1] == "user override")

    user.write_text('schema_version = 7\n')
    assert row() == (str(user), "user override", "7", hashlib.sha256(user.read_bytes()).hexdigest()[:12])
    user.write_text('schema_version = 8\n')
    assert row()[2] == "8"
    user.write_text('schema_version = [\n')
    assert row()[2] == "unreadable"
    assert all(r[2] == "1" for r in content.preset_versions() if r[1] == "shipped")


def test_the_tests_fast_content_reading_is_pypdfs_own(tmp_path: Path) -> None:
    """tests/pdftext.py reads the report's content streams with one pattern: every operation of every page of a real
    report (text, tables, the plot) is pypdf's own (same operators, operand types and values), the text is the same,
    and a stream with anything else goes back to pypdf's tokeniser. Its ``pages_text`` (PDFium) reads the same
    characters as pypdf, whitespace aside."""
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("PySide6")
    from pdftext import fast_content_streams, pages_text, qt_operations, untraced
    from pypdf.generic import ContentStream

    from sbrt_calc.evaluation import evaluate_regimens
    from sbrt_calc.regimen import parse_regimen
    from sbrt_calc.report.content import ReportContent
    from sbrt_calc.report.pdf import write_report_pdf

    pdf = write_report_pdf(ReportContent(evaluate_regimens((parse_regimen("36/3"), parse_regimen("60/8"))), "Fast"),
                           tmp_path / "r.pdf")
    reader = pypdf.PdfReader(str(pdf))
    for page in reader.pages:
        data = page.get_contents().get_data()
        stream = ContentStream(None, reader)
        stream.set_data(data)
        with untraced():   # pypdf's own work, as pages_text runs it
            want = stream.operations           # pypdf's tokeniser
        got = qt_operations(data)
        assert got is not None and len(got) == len(want) > 100
        for (operands, op), (operands_want, op_want) in zip(got, want, strict=True):
            assert op == op_want and [(type(x), x) for x in operands] == [(type(x), x) for x in operands_want]
    import unicodedata

    with untraced():
        plain = [" ".join(unicodedata.normalize("NFKC", p.extract_text() or "").split()) for p in reader.pages]
    with untraced(), fast_content_streams():
        fast = [" ".join(unicodedata.normalize("NFKC", p.extract_text() or "").split())
                for p in pypdf.PdfReader(str(pdf)).pages]
    assert fast == plain and "60/8" in " ".join(plain)
    # pages_text reads with PDFium: the same characters on every page as pypdf's, whitespace aside (pypdf puts a
    # space inside "[ Gy]" and "/ Gy" where PDFium does not)
    pdfium = pages_text(pdf)
    assert len(pdfium) == len(plain)
    assert [t.replace(" ", "") for t in pdfium] == [t.replace(" ", "") for t in plain]
    for other in (b"(abc) Tj", b"% note\n0 0 m", b"BI /W 1 ID x EI", b"<< /A 1 >> BDC", b"/A#20b Do", b"[1 2",
                  b"1 0 0 1 0 0 cm\x0c", b"1 0 R", b"1 Tf ]"):
        assert qt_operations(other) is None, other
    odd = ContentStream(None, reader)   # an odd hex digit count, an empty array: as pypdf reads them
    odd.set_data(b"[]0  d <0A1> Tj")
    assert qt_operations(b"[]0  d <0A1> Tj") == odd.operations == [([[], 0], b"d"), (["\n\x10"], b"Tj")]


def test_the_plots_step_callback_changes_nothing_drawn_and_can_stop_it() -> None:
    """``draw_plot``'s ``step`` (the app's cancel points while a view is built off the GUI thread; stop 30) is called
    between its steps, a few ms apart at most (a curve, a line, eight points' labels), and draws nothing: the figure
    is pixel for pixel the one drawn without it. A step that raises stops the drawing there."""
    from matplotlib.figure import Figure

    from sbrt_calc.evaluation import EvaluationSettings, evaluate_regimens
    from sbrt_calc.regimen import parse_regimen
    from sbrt_calc.report.plot import draw_plot, plot_data

    texts = [f"{24 + 1.5 * i:g}/{(3, 5, 8, 1)[i % 4]}" for i in range(20)]
    calls: list[int] = []
    for models, dark, compact in ((("lq",), False, False), (("usc",), True, True), (("lq", "lql"), False, True)):
        data = plot_data(evaluate_regimens(tuple(parse_regimen(t) for t in texts), EvaluationSettings(models=models)))
        images = []
        calls.clear()
        for step in (None, lambda: calls.append(1)):
            fig = Figure(figsize=(6.5, 3.8), dpi=60, layout="constrained")
            draw_plot(fig.add_subplot(), data, dark=dark, compact=compact, step=step)
            images.append(pixels(figure_png(fig)))
        assert np.array_equal(images[0], images[1])
        assert len(calls) >= len(data.curves) + len(data.points) // 8 + 4

    class Stop(Exception):
        pass

    def stop_at_the_third() -> None:
        calls.append(1)
        if len(calls) == 3:
            raise Stop

    calls.clear()
    ax = Figure().add_subplot()
    with pytest.raises(Stop):
        draw_plot(ax, data, step=stop_at_the_third)
    assert len(calls) == 3 and ax.get_legend() is None and not ax.collections
