"""Lay the report out on A4 or Letter pages as PDF (QTextDocument + QPdfWriter).

This is the only core module that touches Qt, and only when called: the import is inside the
function, so ``sbrt-calc compare`` never pays for it. It runs without a display (Qt's offscreen
platform), so ``sbrt-calc report`` works on a headless machine. The PDF is written atomically:
to a temporary file in the target folder, then renamed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.report.content import PAGE_SIZES, ReportContent


class ReportError(SbrtCalcError):
    """The report could not be produced (bad page size, folder not writable, Qt missing)."""


def _ensure_gui_application() -> object:
    try:
        from PySide6.QtGui import QGuiApplication
    except ImportError:  # pragma: no cover - depends on the install
        raise ReportError('the PDF report needs PySide6: pip install "sbrt-calc[gui]"', field="report",
                          value=None, allowed="PySide6 installed") from None
    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["sbrt-calc"])
    return app


def write_report_pdf(content: ReportContent, path: str | os.PathLike[str], page_size: str = "A4",
                     figure_png: bytes | None = None) -> Path:
    """Write the report to ``path`` (PDF) and return it.

    The report is a flow of blocks (:func:`sbrt_calc.report.content.build_blocks`). Each paragraph and
    each table row is laid out on its own and never split: a row that does not fit goes to the
    next page, under a repeated header row. Every page has a footer with the program version,
    "decision support" and "page i of n".

    Parameters
    ----------
    content : ReportContent
    path : path-like
        The PDF to write; replaced atomically.
    page_size : {"A4", "Letter"}
    figure_png : bytes, optional
        The plot; by default drawn from the regimens with :func:`sbrt_calc.report.plot.bed_plot_png`.
    """
    if page_size not in PAGE_SIZES:
        raise ReportError(f"page size must be one of {', '.join(PAGE_SIZES)}, got {page_size!r}",
                          field="page_size", value=page_size, allowed=", ".join(PAGE_SIZES))
    from sbrt_calc.atomic_write import WriteError, check_writable, write_bytes_atomic

    try:
        target = check_writable(path)   # missing folder, a folder, a read-only target: named in words
    except WriteError as exc:
        raise ReportError(exc.message, field="output", value=str(path), allowed=exc.allowed) from None
    try:   # never replace anything but a PDF (e.g. a case saved under a .pdf name)
        with open(target, "rb") as fh:
            head = fh.read(5)
    except OSError:
        head = b""
    if head and not head.startswith(b"%PDF"):
        raise ReportError(f"refusing to replace {target}: it exists and is not a PDF (a case file saved "
                          "under a .pdf name?); choose another name", field="output", value=str(target),
                          allowed="a new file or an existing PDF")
    _ensure_gui_application()
    from PySide6.QtCore import QBuffer, QIODevice

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    _render(content, buffer, page_size, figure_png)  # type: ignore[arg-type]  # the writer is gone on return
    buffer.close()
    data = bytes(buffer.data().data())
    if not data.startswith(b"%PDF") or b"%%EOF" not in data[-1024:]:
        raise ReportError(f"could not write {target}: the PDF was not produced completely; the previous file "
                          "is unchanged", field="output", value=str(target), allowed="a complete PDF")
    return write_bytes_atomic(target, data, kind="pdf")   # temporary file, fsync, rename: never half-written


def _render(content: ReportContent, tmp: str, page_size: str, figure_png: bytes | None) -> None:
    """Lay out and paint the report into the PDF file ``tmp``."""
    from PySide6.QtGui import QPdfWriter

    from sbrt_calc import __version__

    writer = QPdfWriter(tmp)
    writer.setTitle(f"sbrt-calc report: {content.title}")
    writer.setCreator(f"sbrt-calc {__version__}")
    paint_report(content, writer, page_size, figure_png)


def paint_report(content: ReportContent, writer: Any, page_size: str | None = "A4",
                 figure_png: bytes | None = None) -> int:
    """Lay out and paint the report on a paged paint device (a QPdfWriter, or a QPrinter for printing
    and its preview); returns the number of pages. ``page_size`` None keeps the device's page size
    (the one chosen in the print dialog); the margins are the report's."""
    from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
    from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QTextDocument

    from sbrt_calc import __version__
    from sbrt_calc.report.content import CSS, DVH_FIGURE, build_blocks, table_row_html

    figure: bytes | tuple[int, int, bytes] | None = figure_png
    if figure is None and content.evaluation.valid_rows():
        from sbrt_calc.report.plot import bed_plot_rgba

        figure = bed_plot_rgba(content.evaluation)   # the plot's pixels: no PNG to encode and decode
    dpi = 300
    writer.setResolution(dpi)
    size = (writer.pageLayout().pageSize() if page_size is None
            else QPageSize(QPageSize.PageSizeId.A4 if page_size == "A4" else QPageSize.PageSizeId.Letter))
    writer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(16, 14, 16, 18),
                                     QPageLayout.Unit.Millimeter))
    dpi = writer.resolution()   # a printer may keep its own
    page = writer.pageLayout().paintRectPixels(dpi)
    width, height = float(page.width()), float(page.height())
    footer_h = dpi * 0.18
    usable = height - footer_h
    gap = dpi * 0.03
    font = QFont("DejaVu Sans")
    font.setPointSizeF(8.5)

    docs: dict[str, QTextDocument] = {}   # laid out once: lead_height measures what is placed after it

    def doc_for(fragment: str) -> QTextDocument:
        if fragment in docs:
            return docs[fragment]
        doc = docs[fragment] = QTextDocument()
        doc.documentLayout().setPaintDevice(writer)
        doc.setDefaultFont(font)
        doc.setDocumentMargin(0)
        doc.setDefaultStyleSheet(CSS)
        doc.setHtml(fragment)
        doc.setTextWidth(width)
        return doc

    # 1. lay out: (page index, y, drawable) with drawable a QTextDocument or a QImage rect
    placed: list[tuple[int, float, object]] = []
    page_no, y = 0, 0.0

    def place(item: object, h: float, keep_with_next: float = 0.0) -> None:
        nonlocal page_no, y
        if y > 0 and y + h + keep_with_next > usable:
            page_no, y = page_no + 1, 0.0
        placed.append((page_no, y, item))
        y += h

    blocks = build_blocks(content)
    figures: dict[str, bytes | tuple[int, int, bytes] | None] = {"bed_plot.png": figure}
    pc = content.evaluation.plan_check
    if pc is not None and pc.result is not None and any(b.kind == "image" and b.html == DVH_FIGURE for b in blocks):
        from sbrt_calc.plancheck.plotdata import dvh_plot_rgba

        figures[DVH_FIGURE] = dvh_plot_rgba(pc.result)
    if any(b.kind == "image" and b.html.startswith("reirradiation") for b in blocks):
        from sbrt_calc.report.content import reirradiation_images

        figures.update(reirradiation_images(content.evaluation))
    images = {name: _qimage(f) for name, f in figures.items() if f}   # each decoded once

    def is_title(block: Any) -> bool:
        """A heading, or a one-line bold title (it belongs with what follows it)."""
        return block.kind == "heading" or (block.kind == "para" and block.html.startswith("<b>")
                                           and block.html.endswith("</b>"))

    def lead_height(j: int) -> float:
        """Height that must follow a title on its page: the next titles, then the first unit after them
        (a table's header and first row, a paragraph, or the image), so a title never ends a page."""
        h = 0.0
        while j < len(blocks):
            b = blocks[j]
            if b.kind == "table":
                right = b.right()
                header = doc_for(table_row_html(b.headers, b.widths, header=True, right=right)).size().height()
                first = doc_for(table_row_html(b.rows[0], b.widths, right=right)).size().height() if b.rows else 0.0
                return h + header + first
            if b.kind == "image":
                img = images.get(b.html)
                if img is not None:
                    return h + width * 0.92 * img.height() / max(1, img.width())
                return h
            h += doc_for(b.html if b.kind == "heading" else f"<p>{b.html}</p>").size().height()
            if not is_title(b):
                return h
            j += 1
        return h

    for i, block in enumerate(blocks):
        if block.kind == "table":
            right = block.right()
            header = doc_for(table_row_html(block.headers, block.widths, header=True, right=right))
            hh = header.size().height()
            rows = [doc_for(table_row_html(r, block.widths, statuses=block.statuses[i] if i < len(block.statuses)
                                           else (), right=right))
                    for i, r in enumerate(block.rows)]
            first = rows[0].size().height() if rows else 0.0
            place(header, hh, keep_with_next=first)
            start_page = page_no
            for row in rows:
                rh = row.size().height()
                if y + rh > usable:
                    page_no, y = page_no + 1, 0.0
                if page_no != start_page and y == 0.0:
                    placed.append((page_no, y, header))  # repeat the header on the new page
                    y += hh
                    start_page = page_no
                placed.append((page_no, y, row))
                y += rh
            y += gap
        elif block.kind == "image":
            img = images.get(block.html)
            if img is not None:
                w = width * 0.92
                h = w * img.height() / max(1, img.width())
                place(("image", img, w, h), h + gap)
        else:
            doc = doc_for(block.html if block.kind == "heading" else f"<p>{block.html}</p>")
            keep = lead_height(i + 1) if is_title(block) else 0.0
            place(doc, doc.size().height() + (0 if block.kind == "heading" else gap * 0.3), keep)
    pages = page_no + 1

    # 2. paint
    painter = QPainter(writer)
    try:
        for index in range(pages):
            if index:
                writer.newPage()
            for pg, top, item in placed:
                if pg != index:
                    continue
                if isinstance(item, tuple):
                    _, img, w, h = item
                    painter.drawImage(QRectF((width - w) / 2, top, w, h), img)
                else:
                    painter.save()
                    painter.translate(QPointF(0, top))
                    item.drawContents(painter)  # type: ignore[attr-defined]
                    painter.restore()
            painter.save()
            painter.setFont(font)
            painter.setPen(Qt.GlobalColor.darkGray)
            painter.drawLine(QPointF(0, usable + footer_h * 0.25), QPointF(width, usable + footer_h * 0.25))
            text = (f"sbrt-calc {__version__} - {content.title} - decision support for qualified clinicians, "
                    f"not a decision - page {index + 1} of {pages}")
            painter.drawText(QRectF(0, usable + footer_h * 0.3, width, footer_h * 0.7),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
            painter.restore()
    finally:
        painter.end()
    return pages


def _qimage(figure: bytes | tuple[int, int, bytes]) -> Any:
    """A report figure as a QImage: PNG bytes decoded, or ``(width, height, RGBA bytes)`` taken as they are; both in
    the format Qt decodes an RGBA PNG to (ARGB32), so the PDF embeds the same image either way."""
    from PySide6.QtGui import QImage

    if isinstance(figure, bytes):
        return QImage.fromData(figure)
    width, height, data = figure
    return QImage(data, width, height, 4 * width, QImage.Format.Format_RGBA8888).convertToFormat(
        QImage.Format.Format_ARGB32)
