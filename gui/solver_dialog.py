"""Tools ▸ Solve for a dose (Ctrl+R): the dose in n fractions that reaches a target BED, or that is
isoeffective to a regimen, under LQ, LQ-L or the USC with the case's parameters.

The numbers are the core's (:func:`sbrt_calc.radiobiology.solve.solve_for_bed`, and
:func:`~sbrt_calc.radiobiology.solve.model_bed` for the regimen's BED); this dialog only reads the inputs,
shows the solutions with their caveats and the model's source, and hands the chosen ones to the table.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sbrt_calc.case import CaseRegimen
from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.evaluation import EvaluationSettings
from sbrt_calc.models import USC
from sbrt_calc.regimen import Regimen, parse_regimen
from sbrt_calc.tables import rounded
from sbrt_calc.vocabulary import MODEL_NAMES, MODEL_TITLES

from .number_text import greek

MODELS = tuple((m, MODEL_TITLES[m] + (" (own α/β)" if m == "usc" else "")) for m in MODEL_NAMES)
HEADERS = ("Fractions", "Dose/fx [Gy]", "Total [Gy]", "Notes")


def parse_fractions(text: str) -> list[int]:
    """'3, 5, 8' or '3-6' -> [3, 5, 8] / [3, 4, 5, 6] (ValueError naming the bad part)."""
    out: list[int] = []
    for part in text.replace(";", ",").replace(" ", ",").split(","):
        if not part:
            continue
        lo, dash, hi = part.partition("-")
        try:
            ns = range(int(lo), int(hi) + 1) if dash else [int(part)]
        except ValueError:
            raise ValueError(f"fractions: {part!r} is not a whole number (e.g. 3, 5, 8 or 3-6)") from None
        out += [n for n in ns if n not in out]
    if not out:
        raise ValueError("fractions: give at least one, e.g. 3, 5, 8")
    return out


class SolverDialog(QDialog):
    """See the module docstring. :attr:`rowsChosen` carries the rows to add to the table."""

    rowsChosen = Signal(list)

    def __init__(self, settings: EvaluationSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Solve for a dose")
        self.settings = settings
        self.model_combo = QComboBox()
        for key, label in MODELS:
            self.model_combo.addItem(label, key)
        self.model_combo.setAccessibleName("Model")
        self.by_target = QRadioButton("Target BED")
        self.by_regimen = QRadioButton("Isoeffective to the regimen")
        self.by_target.setChecked(True)
        self.target = QDoubleSpinBox()
        self.target.setRange(1.0, 1000.0)
        self.target.setDecimals(2)
        self.target.setSuffix(" Gy")
        self.target.setValue(settings.reference.bed_gy)
        self.target.setAccessibleName("Target BED")
        self.regimen = QLineEdit("36/3")
        self.regimen.setAccessibleName("Isoeffective to")
        self.regimen.setToolTip("A regimen as in the table: 36/3, 3 x 12 Gy")
        self.alpha_beta = QDoubleSpinBox()
        self.alpha_beta.setRange(0.5, 50.0)
        self.alpha_beta.setDecimals(2)
        self.alpha_beta.setSuffix(" Gy")
        self.alpha_beta.setValue(settings.tumour_alpha_beta_gy)
        self.alpha_beta.setAccessibleName("α/β")
        self.alpha_beta.setToolTip("The tissue's α/β for LQ and LQ-L")
        self.fractions = QLineEdit("3, 4, 5, 6, 8")
        self.fractions.setAccessibleName("Fractions")
        self.fractions.setToolTip("Fraction counts: 3, 5, 8 or 3-6")
        form = QFormLayout()
        form.addRow("&Model:", self.model_combo)
        form.addRow(self.by_target, self.target)
        form.addRow(self.by_regimen, self.regimen)
        form.addRow("&α/β:", self.alpha_beta)
        form.addRow("&Fractions:", self.fractions)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Solutions")
        self.add_button = QPushButton("&Add to the table")
        self.add_button.setToolTip("Add the selected solutions (all, if none is selected) as rows of the table")
        self.add_button.clicked.connect(self.add_chosen)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.add_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        v = QVBoxLayout(self)
        v.addLayout(form)
        v.addWidget(self.status)
        v.addWidget(self.table, 1)
        v.addWidget(buttons)
        for sig in (self.model_combo.currentIndexChanged, self.target.valueChanged, self.alpha_beta.valueChanged,
                    self.by_target.toggled, self.regimen.textChanged, self.fractions.textChanged):
            sig.connect(lambda *_: self.solve())
        self.solutions: list[Regimen | None] = []
        self._note = ""
        self._user_alpha_beta = self.alpha_beta.value()   # kept while the USC shows its own
        self.alpha_beta.valueChanged.connect(self._alpha_beta_typed)
        avail = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(560, avail.width() - 40), min(480, avail.height() - 60))
        self.solve()

    def set_inputs(self, model: str | None = None, target_bed_gy: float | None = None, regimen: str | None = None,
                   alpha_beta_gy: float | None = None, fractions: str | None = None) -> None:
        """Set the inputs (scripts and tests); ``regimen`` switches to 'isoeffective', a target back."""
        if model is not None:
            self.model_combo.setCurrentIndex(self.model_combo.findData(model))
        if alpha_beta_gy is not None:
            self.alpha_beta.setValue(alpha_beta_gy)
        if fractions is not None:
            self.fractions.setText(fractions)
        if target_bed_gy is not None:
            self.target.setValue(target_bed_gy)
            self.by_target.setChecked(True)
        if regimen is not None:
            self.regimen.setText(regimen)
            self.by_regimen.setChecked(True)
        self.solve()

    def _alpha_beta_typed(self, value: float) -> None:
        if self.alpha_beta.isEnabled():
            self._user_alpha_beta = value

    def _show_usc_alpha_beta(self, usc: USC | None) -> None:
        """Under the USC the α/β field shows the USC's own α/β, read-only (issue 21: it kept showing the tumour's,
        greyed, which the USC does not use); another model gets the value typed before back."""
        self.alpha_beta.blockSignals(True)
        try:
            if usc is not None:
                self.alpha_beta.setEnabled(False)
                self.alpha_beta.setValue(usc.alpha_beta_gy)
                self.alpha_beta.setToolTip(f"The USC's own α/β ({usc.alpha_beta_gy:.3g} Gy, from its parameters, "
                                           f"Park 2008): not an input of the USC")
            elif not self.alpha_beta.isEnabled():   # back from the USC
                self.alpha_beta.setEnabled(True)
                self.alpha_beta.setValue(self._user_alpha_beta)
                self.alpha_beta.setToolTip("The tissue's α/β for LQ and LQ-L")
        finally:
            self.alpha_beta.blockSignals(False)

    def solve(self) -> None:
        """Recompute the solutions (the core's) and show them."""
        from sbrt_calc.radiobiology.solve import model_bed, reaching_total_gy, solve_for_bed

        key = self.model_combo.currentData()
        model = self.settings.model(key)
        usc = key == "usc"
        self._show_usc_alpha_beta(model if isinstance(model, USC) else None)
        self.target.setEnabled(self.by_target.isChecked())
        self.regimen.setEnabled(self.by_regimen.isChecked())
        ab = None if usc else self.alpha_beta.value()
        if isinstance(model, USC):
            scale = f"USC BED (own α/β {model.alpha_beta_gy:.3g} Gy)"
            short = f"USC BED (own α/β {model.alpha_beta_gy:.3g} Gy)"
        else:
            scale = f"BED at α/β {ab:g} Gy under {model.label()}"
            short = f"{'LQ' if key == 'lq' else model.label()} BED{ab:g}"
        self.solutions = []
        self.table.setRowCount(0)
        try:
            n_list = parse_fractions(self.fractions.text())
            if self.by_regimen.isChecked():
                reg = parse_regimen(self.regimen.text())
                target = model_bed(model, reg, ab)
                what = f"Isoeffective to {reg.label}: {scale} = {rounded(target, 2)} Gy"
                origin = f"solved: isoeffective to {reg.label}, {short} {rounded(target, 1)} Gy"
            else:
                target = self.target.value()
                what = f"Target: {scale} = {rounded(target, 2)} Gy"
                origin = f"solved: {short} {target:g} Gy"
            sols = solve_for_bed(target, n_list, model, ab)
        except (SbrtCalcError, ValueError) as exc:
            self.status.setText(f"<span style='color:#c62828'>{greek(getattr(exc, 'message', str(exc)))}</span>")
            self.add_button.setEnabled(False)
            return
        self.status.setText(greek(f"{what}. Model: {model.label()} - {model.source}"))
        self.table.setRowCount(len(sols))
        for r, sol in enumerate(sols):
            notes = sol.error or "; ".join(dict.fromkeys(c.short for c in sol.caveats))
            cells = (str(sol.fractions), rounded(sol.dose_per_fraction_gy, 2), rounded(sol.total_dose_gy, 2), notes)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c < 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip("\n".join(x.text for x in sol.caveats) or (sol.error or ""))
                self.table.setItem(r, c, item)
            if sol.error is None:
                total = reaching_total_gy(sol, target, model, ab)   # the solved dose, not a rounded one
                reg = Regimen(total, sol.fractions, f"{rounded(total, 2)} Gy/{sol.fractions}")
                self.solutions.append(reg)
            else:
                self.solutions.append(None)
        self.table.resizeColumnsToContents()
        self._note = origin   # shown with the row in the table (issue 21: 'solved: LQ BED10 100 Gy')
        self.add_button.setEnabled(any(s is not None for s in self.solutions))

    def chosen_rows(self) -> list[CaseRegimen]:
        """The selected solutions (all if none is selected) as table rows, each with a note saying how."""
        picked = sorted({i.row() for i in self.table.selectionModel().selectedRows()}) or range(len(self.solutions))
        return [CaseRegimen.from_regimen(reg, note=self._note) for r in picked
                if (reg := self.solutions[r]) is not None]

    def add_chosen(self) -> None:
        rows = self.chosen_rows()
        if rows:
            self.rowsChosen.emit(rows)
