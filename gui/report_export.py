"""File ▸ Export report (PDF): the dialog (title, identifier, page size, path) and the export.

The content is :func:`sbrt_calc.report.sources.content_from_case` of the window's current case
(the same function ``sbrt-calc report`` uses for a saved file) and the layout is the core's
:func:`sbrt_calc.report.pdf.write_report_pdf` (A4 or Letter, rows never cut); the plot is drawn
by the core (:func:`sbrt_calc.report.plot.bed_plot_png`) from the table's regimens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sbrt_calc.report.content import PAGE_SIZES


def default_page_size() -> str:
    """Letter in the United States, Canada and a few others; A4 elsewhere."""
    letter = {QLocale.Country.UnitedStates, QLocale.Country.Canada, QLocale.Country.Mexico,
              QLocale.Country.Philippines, QLocale.Country.Chile, QLocale.Country.Colombia}
    return "Letter" if QLocale().territory() in letter else "A4"


class ReportExportDialog(QDialog):
    """Ask for the case title and identifier shown on the report, the page size and the file."""

    def __init__(self, title: str, identifier: str | None, path: str, parent: QWidget | None = None,
                 people: dict[str, str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export report (PDF)")
        self.title_edit = QLineEdit(title)
        self.title_edit.setToolTip("Shown at the top of the report and in every page footer")
        self.identifier_edit = QLineEdit(identifier or "")
        self.identifier_edit.setPlaceholderText("optional, e.g. case-0042")
        self.identifier_edit.setToolTip("A case or patient reference of your choice (optional; keep identifiable data "
                                        "out of shared files)")
        self.page_combo = QComboBox()
        for size in PAGE_SIZES:
            self.page_combo.addItem(f"{size} ({'210 × 297 mm' if size == 'A4' else '8.5 × 11 in'})", size)
        self.page_combo.setCurrentIndex(max(0, self.page_combo.findData(default_page_size())))
        self.page_combo.setToolTip("Paper size; tables are never cut mid-row")
        self.path_edit = QLineEdit(path)
        self.path_edit.setToolTip("The PDF file to write (replaced atomically)")
        people = people or {}
        self.patient_edit = QLineEdit(people.get("patient_reference", ""))
        self.patient_edit.setPlaceholderText("optional")
        self.patient_edit.setToolTip("A patient or case reference printed on the report (optional; saved with the "
                                     "case: keep identifiable data out of shared files)")
        self.prepared_edit = QLineEdit(people.get("prepared_by", ""))
        self.prepared_edit.setPlaceholderText("optional, name")
        self.prepared_edit.setToolTip("Who prepared the report (printed with the date; saved with the case)")
        self.checked_edit = QLineEdit(people.get("checked_by", ""))
        self.checked_edit.setPlaceholderText("optional, name")
        self.checked_edit.setToolTip("Who checked it (printed with the date; saved with the case)")
        self.date_label = QLabel(QDate.currentDate().toString(Qt.DateFormat.ISODate))
        self.date_label.setToolTip("The report is dated when it is written")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Case &title:", self.title_edit)
        form.addRow("&Identifier:", self.identifier_edit)
        form.addRow("Patient/case &reference:", self.patient_edit)
        form.addRow("Prepared &by:", self.prepared_edit)
        form.addRow("Chec&ked by:", self.checked_edit)
        form.addRow("Date:", self.date_label)
        form.addRow("&Page size:", self.page_combo)
        file_label = QLabel("&File:")   # a layout as the field: the label needs its buddy set by hand
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, row)
        note = QLabel("The report holds the inputs, the regimens table and plot, the eligibility assessment with its "
                      "sources, the planning checks, the model and its parameters, the program and preset versions, "
                      "the date and the disclaimer.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        v = QVBoxLayout(self)
        v.addLayout(form)
        v.addWidget(note)
        v.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export report", self.path_edit.text(), "PDF (*.pdf)")
        if path:
            self.path_edit.setText(path if path.lower().endswith(".pdf") else path + ".pdf")

    def values(self) -> dict[str, Any]:
        path = self.path_edit.text().strip()
        if path and not path.lower().endswith(".pdf"):
            path += ".pdf"
        return {"title": self.title_edit.text().strip(), "identifier": self.identifier_edit.text().strip() or None,
                "page_size": self.page_combo.currentData(), "path": path,
                "people": {"patient_reference": self.patient_edit.text().strip(),
                           "prepared_by": self.prepared_edit.text().strip(),
                           "checked_by": self.checked_edit.text().strip()}}


def write_report(case: Any, path: str | Path, page_size: str = "A4", people: dict[str, str] | None = None,
                 plan_check: Any = None, reirradiation: Any = None) -> Path:
    """Write the PDF report of ``case`` (a :class:`sbrt_calc.case.Case`); ``people``: the optional
    ``patient_reference``, ``prepared_by``, ``checked_by``; ``plan_check``: the Plan check tab's result, shown
    instead of reading the DICOM files again (used only when its inputs are the case's); ``reirradiation``: the
    Re-irradiation view's evaluation, likewise. Errors are
    SbrtCalcError/OSError."""
    from sbrt_calc.report.pdf import write_report_pdf
    from sbrt_calc.report.sources import content_from_case

    return write_report_pdf(content_from_case(case, **(people or {}), plan_check=plan_check,
                                              reirradiation=reirradiation), path, page_size)
