"""Model settings of the case (View ▸ Model settings…): tumour alpha/beta, EQDx reference dose, LQ-L's
transition dose, the USC's parameters and the time correction, each with its unit, range and source.

The ranges are the core's (:mod:`sbrt_calc.radiobiology.ranges`); a combination the core refuses (USC
alpha x D0 >= 1) is shown inline and OK stays disabled. The dialog returns new
:class:`sbrt_calc.case.CaseSettings`; the window applies them as one undoable step.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from sbrt_calc.case import CaseSettings
from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.presets.radiobiology import radiobiology
from sbrt_calc.radiobiology.ranges import RANGES

from .number_text import greek


def _spin(range_name: str, value: float, decimals: int, unit: str, tip: str) -> QDoubleSpinBox:
    r = RANGES[range_name]
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(r.low + (10 ** -decimals if r.low_open else 0.0), r.high)
    box.setValue(value)
    box.setSuffix(f" {unit}")
    box.setToolTip(greek(f"{tip}\nAllowed: {r.describe()} ({r.reason})."))
    return box


class ModelSettingsDialog(QDialog):
    """Edit the case's model settings (see the module docstring)."""

    def __init__(self, settings: CaseSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Model settings")
        self.original = settings
        rb = radiobiology()
        layout = QVBoxLayout(self)

        general = QGroupBox("Tumour and EQDx")
        form = QFormLayout(general)
        self.tumour_ab = _spin("alpha_beta_gy", settings.tumour_alpha_beta_gy, 2, "Gy",
                               f"Tumour α/β for the tumour columns. Source of the default: "
                               f"{rb.tissue('tumour').source}\nThe BED10 lines stay at α/β 10 whatever this is.")
        form.addRow("Tumour α/β:", self.tumour_ab)
        self.reference_dose = _spin("reference_dose_gy", settings.reference_dose_gy, 2, "Gy",
                                    "EQDx: the total dose in fractions of x Gy with the same BED (EQD2: x = 2 Gy; "
                                    "ICRU 89 / Bentzen 2012).")
        form.addRow("EQDx reference dose x:", self.reference_dose)
        layout.addWidget(general)

        lql = QGroupBox("LQ-L (Astrahan 2008)")
        form = QFormLayout(lql)
        self.transition = _spin("transition_dose_gy", settings.lql_transition_dose_gy, 2, "Gy",
                                f"LQ up to d_T, its tangent above. {rb.lql.source} ({rb.lql.verification})")
        form.addRow("Transition dose d_T:", self.transition)
        layout.addWidget(lql)

        usc = QGroupBox("USC (Park 2008), its own α/β")
        form = QFormLayout(usc)
        tip = f"{rb.usc.source} ({rb.usc.verification})"
        self.usc_alpha = _spin("alpha_per_gy", settings.usc_alpha_per_gy, 3, "/Gy", tip)
        self.usc_d0 = _spin("d0_gy", settings.usc_d0_gy, 3, "Gy", tip)
        self.usc_dq = _spin("dq_gy", settings.usc_dq_gy, 3, "Gy", tip)
        form.addRow("α:", self.usc_alpha)
        form.addRow("D0:", self.usc_d0)
        form.addRow("Dq:", self.usc_dq)
        self.usc_derived = QLabel()
        self.usc_derived.setWordWrap(True)
        form.addRow("Derived:", self.usc_derived)
        layout.addWidget(usc)

        time = QGroupBox("Time (repopulation) correction of the tumour BED")
        form = QFormLayout(time)
        self.time_on = QCheckBox("Subtract K (T − T_k) from the tumour BED when T > T_k (Fowler 1989)")
        self.time_on.setChecked(settings.time_correction)
        self.kickoff = _spin("kickoff_days", settings.kickoff_days, 1, "days", rb.repopulation.source)
        self.loss = _spin("bed_loss_per_day_gy", settings.bed_loss_per_day_gy, 3, "Gy/day", rb.repopulation.source)
        form.addRow(self.time_on)
        form.addRow("Kick-off time T_k:", self.kickoff)
        form.addRow("Daily BED loss K:", self.loss)
        note = QLabel(f"<small>Defaults marked <b>{rb.repopulation.verification}</b>: {rb.repopulation.source} "
                      "T counts days from the first to the last fraction, weekends included.</small>")
        note.setWordWrap(True)
        form.addRow(note)
        layout.addWidget(time)
        # a wrapped label in a form gets the height of its one-line width unless told (issue 21: the note
        # was cut after two lines): the dialog's width is fixed up front, the note's height follows from it
        self.setMinimumWidth(min(560, self._screen_width() - 40))
        note.setMinimumHeight(note.heightForWidth(self.minimumWidth() - 60))
        self.note = note

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Model settings status")
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for w in (self.tumour_ab, self.reference_dose, self.transition, self.usc_alpha, self.usc_d0, self.usc_dq,
                  self.kickoff, self.loss):
            w.valueChanged.connect(self._validate)
        self.time_on.toggled.connect(self._validate)
        self._validate()

    def _screen_width(self) -> int:
        screen = self.screen()
        return screen.availableGeometry().width() if screen is not None else 1024

    def values(self) -> dict[str, Any]:
        return {"tumour_alpha_beta_gy": self.tumour_ab.value(), "reference_dose_gy": self.reference_dose.value(),
                "lql_transition_dose_gy": self.transition.value(), "usc_alpha_per_gy": self.usc_alpha.value(),
                "usc_d0_gy": self.usc_d0.value(), "usc_dq_gy": self.usc_dq.value(),
                "time_correction": self.time_on.isChecked(), "kickoff_days": self.kickoff.value(),
                "bed_loss_per_day_gy": self.loss.value()}

    def result_settings(self) -> CaseSettings | None:
        """The edited settings, or None while they are not valid."""
        try:
            return replace(self.original, **self.values())
        except SbrtCalcError:
            return None

    def _validate(self) -> None:
        from sbrt_calc.radiobiology.usc import UscParameters

        for w in (self.kickoff, self.loss):
            w.setEnabled(self.time_on.isChecked())
        try:
            p = UscParameters(self.usc_alpha.value(), self.usc_d0.value(), self.usc_dq.value())
            self.usc_derived.setText(f"D_T = 2·Dq/(1 − α·D0) = {p.transition_dose_gy:.3g} Gy, "
                                     f"α/β = {p.alpha_beta_gy:.3g} Gy")
        except SbrtCalcError as exc:
            self.usc_derived.setText("—")
            self.status.setText(f"<span style='color:#c62828'><b>Not valid:</b> {exc.message}</span>")
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return
        ok = self.result_settings() is not None
        self.status.setText("" if ok else "<span style='color:#c62828'>These settings are not valid.</span>")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
