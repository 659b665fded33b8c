"""Editing a regimens table row (pure: no Qt model state but the locale): what the user typed into a cell
becomes a new :class:`~sbrt_calc.case.CaseRegimen`, valid or invalid with its reason kept verbatim.
Mixed into :class:`~sbrt_calc.gui.regimen_table_model.RegimenTableModel`."""

from __future__ import annotations

from typing import Any

from sbrt_calc.case import CaseRegimen
from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.regimen import Regimen, parse_regimen

from .number_text import format_exact, parse_number

INPUT_KEYS = ("label", "total_dose_gy", "fractions", "dose_per_fraction_gy")
_INPUT_FIELD = {"label": "regimen", "total_dose_gy": "total_dose_gy", "fractions": "fractions",
                "dose_per_fraction_gy": "dose_per_fraction_gy"}


class RowEditing:
    """Needs ``self.locale`` (a QLocale)."""

    locale: Any

    def _edit_text(self, row: CaseRegimen, key: str) -> str:
        if row.is_valid:
            reg = row.regimen()
            return {"label": row.label, "total_dose_gy": format_exact(reg.total_dose_gy, self.locale),
                    "fractions": str(reg.fractions),
                    "dose_per_fraction_gy": format_exact(reg.dose_per_fraction_gy, self.locale)}.get(key, "")
        inp = row.invalid_input or {}
        if key == "label" and "regimen" not in inp and ("total_dose_gy" in inp or "fractions" in inp):
            # the row as now typed ('3O/3'), marked invalid, not its old label (issue 21)
            return f"{inp.get('total_dose_gy', '')}/{inp.get('fractions', '')}"
        return inp.get(_INPUT_FIELD.get(key, key), row.label if key == "label" else "")

    def _invalid_fields(self, row: CaseRegimen) -> set[str]:
        """The input columns to mark: the core's messages start with the field they are about; several
        reasons are joined by '; ' (every invalid cell reported, issue 21). The label shows the row as typed
        and is marked too."""
        inp = row.invalid_input or {}
        if "regimen" in inp:
            return {"label"}
        out = {"label"}
        for part in row.error.lower().split("; "):
            if part.startswith("fractions"):
                out.add("fractions")
            elif part.startswith("total dose"):
                out.add("total_dose_gy")
            elif part.startswith("dose per fraction"):
                out |= {"dose_per_fraction_gy"} if "dose_per_fraction_gy" in inp else set(INPUT_KEYS[1:])
            else:
                out |= {"total_dose_gy", "fractions"}
        return out

    # --- editing (pure) ---------------------------------------------------------------------------
    def edited_row(self, old: CaseRegimen, key: str, text: str) -> CaseRegimen:
        """The row after typing ``text`` into column ``key`` (an invalid row, with its reason, if needed)."""
        text = text.strip()
        keep = {"note": old.note}
        if key == "label":
            try:
                reg = parse_regimen(text)
            except SbrtCalcError as exc:
                return CaseRegimen(old.label, None, None, old.note, {"regimen": text}, exc.message)
            return CaseRegimen.from_regimen(reg, **keep)
        total_text = text if key == "total_dose_gy" else self._edit_text(old, "total_dose_gy")
        frac_text = text if key == "fractions" else self._edit_text(old, "fractions")
        inputs = {"total_dose_gy": total_text, "fractions": frac_text}
        try:
            fractions = self._parse_fractions(frac_text)
        except ValueError as exc:
            reasons = [f"fractions: {exc}"]
            if key != "dose_per_fraction_gy":   # every invalid cell, not only the first (issue 21)
                try:
                    parse_number(total_text, self.locale)
                except ValueError as total_exc:
                    reasons.append(f"total dose: {total_exc}")
            return CaseRegimen(old.label, None, None, old.note, inputs, "; ".join(reasons))
        if key == "dose_per_fraction_gy":
            try:
                dpf = parse_number(text, self.locale)
            except ValueError as exc:
                return CaseRegimen(old.label, None, None, old.note, dict(inputs, dose_per_fraction_gy=text),
                                   f"dose per fraction: {exc}")
            try:
                reg = Regimen.from_dose_per_fraction(dpf, fractions)
            except SbrtCalcError as exc:
                return CaseRegimen(old.label, None, None, old.note, inputs, exc.message)
            return CaseRegimen.from_regimen(reg, **keep)
        try:
            total = parse_number(total_text, self.locale)
        except ValueError as exc:
            return CaseRegimen(old.label, None, None, old.note, inputs, f"total dose: {exc}")
        try:
            reg = Regimen(total, fractions)
        except SbrtCalcError as exc:
            return CaseRegimen(old.label, None, None, old.note, inputs, exc.message)
        return CaseRegimen.from_regimen(reg, **keep)

    def _parse_fractions(self, text: str) -> int:
        value = parse_number(text, self.locale)
        if value != int(value):
            raise ValueError(f"{text.strip()!r} is not a whole number")
        return int(value)

