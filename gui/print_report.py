"""File ▸ Print… (Ctrl+P): the report (the same layout as the PDF export,
:func:`sbrt_calc.report.pdf.paint_report`) in Qt's print preview, then to a printer.

The preview is built on a :class:`QPrinter` alone, so it works (and is tested) without any printer
installed; the page size is the one chosen in the preview's page setup (A4 or Letter by locale at first).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from .report_export import default_page_size


def new_printer() -> QPrinter:
    """A high-resolution printer with the locale's paper (A4 or Letter)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4 if default_page_size() == "A4"
                                  else QPageSize.PageSizeId.Letter))
    return printer


def painter_of(content: Callable[[], Any]) -> Callable[[QPrinter], int]:
    """The slot for ``paintRequested``: paints the report of ``content()`` (a ReportContent) on the printer."""
    def paint(printer: QPrinter) -> int:
        from sbrt_calc.report.pdf import paint_report

        return paint_report(content(), printer, None)
    return paint


def preview_dialog(content: Callable[[], Any], parent: QWidget | None = None,
                   printer: QPrinter | None = None) -> QPrintPreviewDialog:
    """Qt's print preview of the report (Print sends it to the printer chosen there)."""
    printer = printer or new_printer()
    dlg = QPrintPreviewDialog(printer, parent)
    dlg.setWindowTitle("Print preview - sbrt-calc report")
    dlg.paintRequested.connect(painter_of(content))
    dlg.resize(900, 700)
    dlg.printer_ = printer   # type: ignore[attr-defined]  # kept alive with the dialog
    return dlg
