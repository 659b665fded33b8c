"""Sweep a range: total doses from..to in steps, times fraction counts from..to (default 24-48 Gy, 3-6)."""

from __future__ import annotations

import math

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.regimen import Regimen

MAX_ROWS = 400


def sweep_values(start: float, stop: float, step: float) -> list[float]:
    """start, start+step, ... up to stop inclusive (within 1e-9), rounded to 1e-9 Gy."""
    if step <= 0 or stop < start:
        return []
    count = int(math.floor((stop - start) / step + 1e-9)) + 1
    return [round(start + i * step, 9) for i in range(count)]


def sweep_end_note(start: float, stop: float, step: float) -> str:
    """Why the sweep stops short of ``stop`` ('' when ``stop`` is one of its doses), issue 21: 'to 50' with
    a 6-Gy step from 24 Gy ends at 48 Gy, and says so."""
    values = sweep_values(start, stop, step)
    if not values or abs(values[-1] - stop) <= 1e-9:
        return ""
    return (f"The last total dose is {values[-1]:g} Gy: {stop:g} Gy is not on the {step:g}-Gy steps from "
            f"{start:g} Gy (add it in the entry, or choose a step that reaches it).")


def sweep_regimens(dose_from: float, dose_to: float, dose_step: float,
                   fx_from: int, fx_to: int, fx_step: int = 1) -> tuple[list[Regimen], list[str]]:
    """The regimens of the sweep (fraction count outer, dose inner) and the ones refused, with reasons."""
    out: list[Regimen] = []
    refused: list[str] = []
    for n in range(int(fx_from), int(fx_to) + 1, max(1, int(fx_step))):
        for dose in sweep_values(dose_from, dose_to, dose_step):
            try:
                out.append(Regimen(dose, n, f"{dose:g}/{n}"))
            except SbrtCalcError as exc:
                refused.append(f"{dose:g}/{n}: {exc.message}")
    return out, refused


def _spin(lo: float, hi: float, value: float, step: float, suffix: str, tip: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(2)
    box.setSingleStep(step)
    box.setValue(value)
    box.setSuffix(suffix)
    box.setToolTip(tip)
    box.setAccessibleName(tip)
    return box


def _ispin(lo: int, hi: int, value: int, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setValue(value)
    box.setToolTip(tip)
    box.setAccessibleName(tip)
    return box


class SweepDialog(QDialog):
    """Choose the ranges and steps; ``regimens()`` gives the rows to add."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sweep a range of regimens")
        self.dose_from = _spin(0.5, 500, 24, 1, " Gy", "First total dose of the sweep, Gy")
        self.dose_to = _spin(0.5, 500, 48, 1, " Gy", "Last total dose of the sweep (included if reached), Gy")
        self.dose_step = _spin(0.1, 100, 6, 0.5, " Gy", "Step between total doses, Gy")
        self.fx_from = _ispin(1, 100, 3, "Smallest fraction count")
        self.fx_to = _ispin(1, 100, 6, "Largest fraction count")
        self.fx_step = _ispin(1, 50, 1, "Step between fraction counts")
        form = QFormLayout()
        doses = QHBoxLayout()
        for label, w in (("from", self.dose_from), ("to", self.dose_to), ("step", self.dose_step)):
            doses.addWidget(QLabel(label))
            doses.addWidget(w)
        fx = QHBoxLayout()
        for label, box in (("from", self.fx_from), ("to", self.fx_to), ("step", self.fx_step)):
            fx.addWidget(QLabel(label))
            fx.addWidget(box)
        form.addRow("Total dose:", doses)
        form.addRow("Fractions:", fx)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add to table")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Adds every combination of total dose and fraction count as a row "
                                "(the usual SBRT range is 24–50 Gy in 3–6 fractions)."))
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.buttons)
        for w in (self.dose_from, self.dose_to, self.dose_step):
            w.valueChanged.connect(self._update)
        for box in (self.fx_from, self.fx_to, self.fx_step):
            box.valueChanged.connect(self._update)
        self._update()

    def set_ranges(self, dose_from: float, dose_to: float, dose_step: float, fx_from: int, fx_to: int,
                   fx_step: int = 1) -> None:
        self.dose_from.setValue(dose_from)
        self.dose_to.setValue(dose_to)
        self.dose_step.setValue(dose_step)
        self.fx_from.setValue(fx_from)
        self.fx_to.setValue(fx_to)
        self.fx_step.setValue(fx_step)

    def regimens(self) -> tuple[list[Regimen], list[str]]:
        return sweep_regimens(self.dose_from.value(), self.dose_to.value(), self.dose_step.value(),
                              self.fx_from.value(), self.fx_to.value(), self.fx_step.value())

    def _update(self) -> None:
        ok = True
        if self.dose_to.value() < self.dose_from.value():
            msg, ok = "The last total dose is below the first: nothing to add.", False
        elif self.fx_to.value() < self.fx_from.value():
            msg, ok = "The largest fraction count is below the smallest: nothing to add.", False
        else:
            regs, refused = self.regimens()
            if len(regs) > MAX_ROWS:
                msg, ok = f"{len(regs)} regimens: more than {MAX_ROWS}; use a larger step.", False
            elif not regs:
                msg, ok = "No regimen in this range.", False
            else:
                shown = ", ".join(r.label for r in regs[:6]) + (" …" if len(regs) > 6 else "")
                msg = f"Adds {len(regs)} regimens: {shown}"
                if refused:
                    msg += f"\nNot added ({len(refused)}): " + "; ".join(refused[:3])
                end = sweep_end_note(self.dose_from.value(), self.dose_to.value(), self.dose_step.value())
                if end:
                    msg += "\n" + end
        self.preview.setText(msg)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
