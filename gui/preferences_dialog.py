"""Preferences: alpha/beta values, thresholds, decimals, default model, the new-case regimens.

The values a new case's settings are made of are checked by the core as they are typed
(:func:`.settings.case_settings_of`: the ranges of :mod:`sbrt_calc.radiobiology.ranges` and the
case's own rules): a value the core refuses is kept as typed, named under the form with the allowed
range and the reason, and OK is disabled until it is changed (issue 18: a tumour alpha/beta of 0.3
was stored, and every new case then silently dropped all the preferences).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sbrt_calc.case import CaseError
from sbrt_calc.presets.radiobiology import radiobiology, thresholds
from sbrt_calc.radiobiology.ranges import RANGES

from . import settings
from .number_text import greek
from .settings import MODEL_CHOICES, parse_regimen_list  # defined in settings (light) for the main window

__all__ = ["MODEL_CHOICES", "PreferencesDialog", "parse_regimen_list"]


def _dspin(value: float, lo: float, hi: float, suffix: str, tip: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(2)
    box.setValue(float(value))
    box.setSuffix(suffix)
    box.setToolTip(greek(tip))
    box.setAccessibleName(tip.split(".")[0])
    return box


class PreferencesDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        #: why the last OK could not store the preferences (None: stored)
        self.not_saved: str | None = None
        rb = radiobiology()
        flag, ref = thresholds()
        tumour = next(t for t in rb.tissues if t.role == "tumour")
        self.model = QComboBox()
        for key, label in MODEL_CHOICES:
            self.model.addItem(label, key)
        self.model.setToolTip("The model new cases start with (LQ-L and USC are the high-dose alternatives)")
        ab_range = RANGES["alpha_beta_gy"]
        # the boxes take any positive value: the core says what is allowed (a box's own range clamps silently)
        self.tumour_ab = _dspin(settings.get("tumour_alpha_beta_gy"), 0.01, 1000, " Gy",
                                f"Tumour α/β for new cases. Shipped {tumour.alpha_beta_gy:g} Gy: {tumour.source}. "
                                f"Allowed: {ab_range.describe()} ({ab_range.reason})")
        self.organ_ab = QComboBox()
        self.organ_ab.setEditable(False)
        for t in rb.tissues:
            if t.role == "oar":
                self.organ_ab.addItem(f"{t.alpha_beta_gy:g} Gy — {t.name}", t.alpha_beta_gy)
        self.organ_ab.setToolTip("Organ-at-risk α/β shown beside the tumour's (sources in the About box)")
        self.flag_bed = _dspin(settings.get("flag_bed_gy"), 0.01, 10000, " Gy",
                               f"BED{flag.alpha_beta_gy:g} flag line. Shipped {flag.bed_gy:g} Gy: {flag.source}")
        self.ref_bed = _dspin(settings.get("reference_bed_gy"), 0.01, 10000, " Gy",
                              f"BED{ref.alpha_beta_gy:g} reference line. Shipped {ref.bed_gy:g} Gy: {ref.source}")
        self.decimals = QSpinBox()
        self.decimals.setRange(0, 4)
        self.decimals.setToolTip("Decimals shown in the table (the saved numbers are full precision)")
        self.new_case = QLineEdit()
        self.new_case.setToolTip("Regimens a new case starts with, separated by ';' (e.g. 36/3; 45/3; 50/5)")
        self.new_case_status = QLabel()
        self.new_case_status.setWordWrap(True)
        #: why the core refuses the values for new cases ('' when it accepts them)
        self.settings_status = QLabel()
        self.settings_status.setWordWrap(True)
        self.settings_status.setAccessibleName("Preferences problem")
        self.settings_status.setStyleSheet("color: #c62828")
        self.autosave = QSpinBox()
        self.autosave.setRange(1, 600)
        self.autosave.setSuffix(" s")
        self.autosave.setToolTip("Seconds after a change before the work is autosaved (for crash recovery)")
        form = QFormLayout()
        form.addRow("Default &model:", self.model)
        form.addRow("&Tumour α/β:", self.tumour_ab)
        form.addRow("&Organ α/β:", self.organ_ab)
        form.addRow("&Flag line (BED10 >):", self.flag_bed)
        form.addRow("&Reference line (BED10 ≥):", self.ref_bed)
        form.addRow("", self.settings_status)
        form.addRow("&Decimals:", self.decimals)
        form.addRow("&New case regimens:", self.new_case)
        form.addRow("", self.new_case_status)
        form.addRow("&Autosave after:", self.autosave)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.RestoreDefaults)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        self.new_case.textChanged.connect(self._check)
        self.model.currentIndexChanged.connect(self._check)
        self.organ_ab.currentIndexChanged.connect(self._check)
        for box in (self.tumour_ab, self.flag_bed, self.ref_bed):
            box.valueChanged.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("These apply to the open case (undoable) and to new cases."))
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.load(settings.get)
        self._check()

    def load(self, get: Any) -> None:
        self.model.setCurrentIndex(max(0, self.model.findData(get("model"))))
        self.tumour_ab.setValue(float(get("tumour_alpha_beta_gy")))
        i = self.organ_ab.findData(float(get("organ_alpha_beta_gy")))
        if i < 0:
            self.organ_ab.addItem(f"{float(get('organ_alpha_beta_gy')):g} Gy — user value", float(get("organ_alpha_beta_gy")))
            i = self.organ_ab.count() - 1
        self.organ_ab.setCurrentIndex(i)
        self.flag_bed.setValue(float(get("flag_bed_gy")))
        self.ref_bed.setValue(float(get("reference_bed_gy")))
        self.decimals.setValue(int(get("decimals")))
        self.new_case.setText(str(get("new_case_regimens")))
        self.autosave.setValue(max(1, int(get("autosave_interval_ms")) // 1000))

    def restore_defaults(self) -> None:
        d = settings.defaults()
        self.load(d.__getitem__)

    def _check_new_case(self) -> bool:
        try:
            items = parse_regimen_list(self.new_case.text())
        except ValueError as exc:
            self.new_case_status.setText(f"⚠ {exc}")
            self.new_case_status.setStyleSheet("color: #c62828")
            ok = False
        else:
            self.new_case_status.setText(f"{len(items)} regimen(s)")
            self.new_case_status.setStyleSheet("")
            ok = True
        return self._check_settings() and ok

    def _check_settings(self) -> bool:
        """Ask the core whether the values for new cases are allowed; say why not under the form."""
        field = None
        try:
            settings.case_settings_of(self.values())
        except CaseError as exc:
            field = exc.field
            self.settings_status.setText(f"⚠ {exc.message}")
        else:
            self.settings_status.setText("")
        self.settings_status.setVisible(field is not None)
        return field is None

    def _check(self, *_: Any) -> bool:
        """Enable OK only when every value can be stored (the regimens parse, the core accepts the settings)."""
        ok = self._check_new_case()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        return ok

    def values(self) -> dict[str, Any]:
        return {
            "model": self.model.currentData(),
            "tumour_alpha_beta_gy": self.tumour_ab.value(),
            "organ_alpha_beta_gy": float(self.organ_ab.currentData()),
            "flag_bed_gy": self.flag_bed.value(),
            "reference_bed_gy": self.ref_bed.value(),
            "decimals": self.decimals.value(),
            "new_case_regimens": self.new_case.text().strip(),
            "autosave_interval_ms": self.autosave.value() * 1000,
        }

    def _accept(self) -> None:
        if not self._check():   # refused values stay in the dialog, named; nothing is stored
            return
        try:
            settings.set_values(self.values())
        except settings.PreferencesNotSaved as exc:   # said, not silently dropped (issue 20)
            self.not_saved = exc.message
            QMessageBox.warning(self, "Preferences not saved", exc.message)
        self.accept()
