"""The regimens table: a QAbstractTableModel over core results (:func:`sbrt_calc.radiobiology.compare.compute`).

Rows are :class:`sbrt_calc.case.CaseRegimen` values (valid numbers, or the invalid input kept
verbatim with its reason). Every number shown comes from the core; this module only parses
what the user typed (locale-aware), formats, and marks. Edits made through ``setData`` go
onto the undo stack when one is attached (see :mod:`.commands`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QLocale, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from sbrt_calc.case import CaseRegimen, CaseSettings
from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.presets.radiobiology import Threshold
from sbrt_calc.radiobiology.compare import FlagRobustness, RegimenResult, compute, flag_robustness, thresholds
from sbrt_calc.radiobiology.models import MODEL_TITLES, make_model
from sbrt_calc.regimen import Regimen, parse_regimen

from . import icons

Index = QModelIndex | QPersistentModelIndex

INVALID_BG = QColor(220, 40, 40, 80)      # translucent: legible on light and dark palettes
REACHED_BG = QColor(30, 150, 80, 55)
NOT_REACHED_BG = QColor(220, 140, 0, 50)
MIXED_BG = QColor(60, 110, 200, 50)
ALL_MODELS = ("lq", "lql", "usc")
_ids = itertools.count(1)


# --- locale-aware numbers -----------------------------------------------------------------------

def parse_number(text: str, locale: QLocale | None = None) -> float:
    """A number typed by the user: the locale's decimal separator, or '.' (never a group separator).

    Raises ValueError with a message naming the text.
    """
    s = str(text).strip()
    if not s:
        raise ValueError("empty: type a number")
    loc = QLocale(locale) if locale is not None else QLocale()
    loc.setNumberOptions(QLocale.NumberOption.RejectGroupSeparator)
    value, ok = loc.toDouble(s)
    if not ok:
        c = QLocale.c()
        c.setNumberOptions(QLocale.NumberOption.RejectGroupSeparator)
        value, ok = c.toDouble(s)
    if not ok:
        raise ValueError(f"{s!r} is not a number (write e.g. 36 or {loc.toString(7.5)})")
    return float(value)


def format_number(value: float, decimals: int, locale: QLocale | None = None) -> str:
    loc = locale if locale is not None else QLocale()
    return loc.toString(float(value), "f", decimals)


def format_exact(value: float, locale: QLocale | None = None) -> str:
    """Full precision, shortest form (for editing)."""
    loc = locale if locale is not None else QLocale()
    return loc.toString(float(value), "g", 12)


# --- columns ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    key: str            # label | total | fractions | dpf | bed_t | eqd2_t | bed_o | eqd2_o | flag | ref | robust | warnings
    header: str
    tooltip: str
    model: str | None = None
    editable: bool = False


def model_names(settings: CaseSettings) -> tuple[str, ...]:
    return ALL_MODELS if settings.model == "all" else (settings.model,)


def case_thresholds(settings: CaseSettings) -> tuple[Threshold, Threshold]:
    """The shipped flag and reference lines, with the case's BED values when changed."""
    flag, ref = thresholds()
    if settings.flag_bed_gy != flag.bed_gy:
        flag = replace(flag, bed_gy=settings.flag_bed_gy,
                       source=f"user preference (shipped {flag.bed_gy:g} Gy: {flag.source})")
    if settings.reference_bed_gy != ref.bed_gy:
        ref = replace(ref, bed_gy=settings.reference_bed_gy,
                      source=f"user preference (shipped {ref.bed_gy:g} Gy: {ref.source})")
    return flag, ref


def build_columns(settings: CaseSettings) -> list[Column]:
    t = f"{settings.tumour_alpha_beta_gy:g}"
    o = f"{settings.organ_alpha_beta_gy:g}"
    flag, ref = case_thresholds(settings)
    cols = [
        Column("label", "Regimen", "The regimen as written (36/3, 3 x 12 Gy, 12 Gy x 3). Edit to retype it.",
               editable=True),
        Column("total", "Total\n[Gy]", "Total physical dose, Gy. Editable; a decimal comma works where the "
               "locale uses it.", editable=True),
        Column("fractions", "Fractions\n[n]", "Number of fractions (whole number 1-100). Editable.", editable=True),
        Column("dpf", "Dose/fx\n[Gy]", "Dose per fraction, Gy (total / fractions). Editing it keeps the fraction "
               "count and changes the total.", editable=True),
    ]
    quantities = [
        ("bed_t", f"BED{t}", f"Biologically effective dose at alpha/beta {t} Gy (tumour), Gy"),
        ("eqd2_t", f"EQD2({t})", f"Equivalent dose in 2 Gy fractions at alpha/beta {t} Gy (tumour), Gy"),
        ("bed_o", f"BED{o}", f"Biologically effective dose at alpha/beta {o} Gy (organ at risk), Gy"),
        ("eqd2_o", f"EQD2({o})", f"Equivalent dose in 2 Gy fractions at alpha/beta {o} Gy (organ at risk), Gy"),
    ]
    names = model_names(settings)
    for key, head, tip in quantities:
        for m in names:
            title = MODEL_TITLES[m]
            header = f"{head}\n[Gy]" if len(names) == 1 else f"{head}\n{title} [Gy]"
            cols.append(Column(key, header, f"{tip}, model {title} ({make_model(m).source}).", model=m))
    cols += [
        Column("flag", f"{flag.label.replace(' Gy', '')}\nflag", f"{flag.name}. Source: {flag.source}"),
        Column("ref", f"{ref.label.replace(' Gy', '').replace('>=', '≥')}\nreference", f"{ref.name}. Source: {ref.source}"),
        Column("robust", "Flag robust?\nBED10 range [Gy]",
               "Whether the flag holds across the tumour alpha/beta range and LQ, LQ-L and USC "
               "(sbrt_calc.radiobiology.compare.flag_robustness); the BED range [Gy] is shown."),
        Column("warnings", "Warnings", "Model validity caveats and unusual inputs, from the core."),
    ]
    return cols


@dataclass(frozen=True)
class RowResults:
    """Core results of one valid row: one RegimenResult per model shown, and the robustness check."""

    by_model: dict[str, RegimenResult]
    robustness: FlagRobustness

    @property
    def warnings(self) -> list[str]:
        out: list[str] = []
        for m, r in self.by_model.items():
            prefix = f"{MODEL_TITLES[m]}: " if len(self.by_model) > 1 else ""
            for w in r.warnings:
                text = w if (not prefix or w.startswith("unusual")) else prefix + w
                if text not in out:
                    out.append(text)
        return out


#: Short forms of the core's warnings for the narrow table cell (the full text is the tooltip and
#: is in the working panel); matched on the start of the core's sentence, unknown ones kept whole.
_SHORT_WARNINGS = (
    ("LQ is uncertain above", "LQ doubtful"),
    ("LQ-L equals LQ", "LQ-L = LQ here"),
    ("USC equals LQ", "USC = LQ here"),
    ("USC at alpha/beta", "USC extrapolated"),
    ("unusual: dose per fraction", "unusual dose/fx"),
    ("unusual:", "unusual fractions"),
    ("repopulation correction applied", "time-corrected"),
    ("no repopulation correction", "no time correction"),
)


def short_warning(text: str) -> str:
    """The short form of one of the core's warning sentences (the sentence itself if unknown)."""
    for start, short in _SHORT_WARNINGS:
        if text.startswith(start):
            return short
    return text


class RegimenTableModel(QAbstractTableModel):
    """Regimen rows and their core results. See the module docstring."""

    #: emitted after any change of rows, values or settings (the plot and working panel listen)
    contentChanged = Signal()
    settingsChanged = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._ids: list[int] = []
        self._rows: list[CaseRegimen] = []
        self._results: dict[int, RowResults | None] = {}
        self._cells: dict[int, dict[tuple[int, int], Any]] = {}   # display cache, per row id
        self._regimens: dict[int, Regimen] = {}
        self._settings = CaseSettings()
        self._columns = build_columns(self._settings)
        self._models = {m: make_model(m) for m in ALL_MODELS}
        self._thresholds = case_thresholds(self._settings)
        self.decimals = 1
        self.undo_stack: Any = None   # a QUndoStack, attached by the main window
        self._locale = QLocale()

    @property
    def locale(self) -> QLocale:
        """The locale numbers are typed and shown in (the system's by default)."""
        return self._locale

    @locale.setter
    def locale(self, locale: QLocale) -> None:
        self._locale = QLocale(locale)
        self.set_decimals(self.decimals)   # redisplay every number

    # --- Qt model interface ------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._columns[index.column()].editable:
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._columns):
                return None
            col = self._columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return col.header
            if role == Qt.ItemDataRole.ToolTipRole:
                return col.tooltip
            return None
        if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) or not (
                0 <= index.column() < len(self._columns)):
            return None
        r, c = index.row(), index.column()
        cache = self._cells.get(self._ids[r])
        if cache is None:
            cache = self._cells[self._ids[r]] = {}
        key = (c, role)
        if key in cache:
            return cache[key]
        row = self._rows[r]
        col = self._columns[c]
        if role == Qt.ItemDataRole.EditRole:
            value = self._edit_text(row, col.key)
        elif row.is_valid:
            value = self._valid_data(r, row, col, role)
        else:
            value = self._invalid_data(row, col, role)
        cache[key] = value
        return value

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        col = self._columns[index.column()]
        if not col.editable:
            return False
        old = self._rows[index.row()]
        new = self.edited_row(old, col.key, str(value))
        if new == old:
            return True
        row_id = self._ids[index.row()]
        if self.undo_stack is not None:
            from .commands import EditRowCommand

            self.undo_stack.push(EditRowCommand(self, row_id, old, new, f"Edit {col.header.splitlines()[0]}"))
        else:
            self.set_row(row_id, new)
        return True

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns) or len(self._rows) < 2:
            return
        new_ids = self.sorted_ids(column, order)
        if new_ids == self._ids:
            return
        if self.undo_stack is not None:
            from .commands import ReorderCommand

            head = self._columns[column].header.splitlines()[0]
            self.undo_stack.push(ReorderCommand(self, list(self._ids), new_ids, f"Sort by {head}"))
        else:
            self.set_order(new_ids)

    # --- display -------------------------------------------------------------------------------
    def _fmt(self, value: float) -> str:
        return format_number(value, self.decimals, self.locale)

    def _edit_text(self, row: CaseRegimen, key: str) -> str:
        if row.is_valid:
            reg = row.regimen()
            return {"label": row.label, "total": format_exact(reg.total_dose_gy, self.locale),
                    "fractions": str(reg.fractions),
                    "dpf": format_exact(reg.dose_per_fraction_gy, self.locale)}.get(key, "")
        inp = row.invalid_input or {}
        return {"label": inp.get("regimen", row.label), "total": inp.get("total_dose_gy", ""),
                "fractions": inp.get("fractions", ""), "dpf": inp.get("dose_per_fraction_gy", "")}.get(key, "")

    def _invalid_fields(self, row: CaseRegimen) -> set[str]:
        """The input columns to mark: the core's messages start with the field they are about."""
        inp = row.invalid_input or {}
        if "regimen" in inp:
            return {"label"}
        err = row.error.lower()
        if err.startswith("fractions"):
            return {"fractions"}
        if err.startswith("total dose"):
            return {"total"}
        if err.startswith("dose per fraction"):
            return {"dpf"} if "dose_per_fraction_gy" in inp else {"total", "fractions", "dpf"}
        return {"total", "fractions"}

    def _invalid_data(self, row: CaseRegimen, col: Column, role: int) -> Any:
        bad = col.key in self._invalid_fields(row)
        if role == Qt.ItemDataRole.DisplayRole:
            if col.key in ("label", "total", "fractions", "dpf"):
                text = self._edit_text(row, col.key)
                return f"⚠ {text}" if bad else text
            if col.key == "warnings":
                return f"Invalid input: {row.error}"
            return "—"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Invalid input: {row.error}" if bad or col.key == "warnings" else "No result: the row's input is invalid"
        if role == Qt.ItemDataRole.BackgroundRole and (bad or col.key == "warnings"):
            return QBrush(INVALID_BG)
        if role == Qt.ItemDataRole.DecorationRole and (bad or col.key == "warnings"):
            return icons.invalid()
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"invalid: {row.error}"
        if role == Qt.ItemDataRole.UserRole:
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and col.key != "label" and col.key != "warnings":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def regimen(self, r: int) -> Regimen | None:
        """The Regimen of row ``r`` (cached; None for invalid input)."""
        rid = self._ids[r]
        reg = self._regimens.get(rid)
        if reg is None and self._rows[r].is_valid:
            reg = self._regimens[rid] = self._rows[r].regimen()
        return reg

    def _valid_data(self, r: int, row: CaseRegimen, col: Column, role: int) -> Any:
        reg = self.regimen(r)
        assert reg is not None
        res = self.results(r)
        key = col.key
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key in ("label", "warnings", "flag", "ref", "robust"):
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:   # sort / test value: the exact number
            return self._value(reg, res, col)
        if res is None:
            return None
        if key == "flag":
            return self._flag_data(res, role, reference=False)
        if key == "ref":
            return self._flag_data(res, role, reference=True)
        if key == "robust":
            return self._robust_data(res, role)
        if key == "warnings":
            ws = res.warnings
            if role == Qt.ItemDataRole.DisplayRole:
                return "; ".join(dict.fromkeys(short_warning(w) for w in ws))
            if role == Qt.ItemDataRole.ToolTipRole:
                return "\n".join(f"• {w}" for w in ws) if ws else "No warnings"
            if role == Qt.ItemDataRole.DecorationRole and ws:
                return icons.warning()
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "label":
                return row.label
            if key == "fractions":
                return str(reg.fractions)
            return self._fmt(self._value(reg, res, col))
        if role == Qt.ItemDataRole.ToolTipRole:
            if key in ("label", "total", "fractions", "dpf"):
                return col.tooltip
            value = self._value(reg, res, col)
            model = self._models[col.model or "lq"]
            tip = f"{col.header.replace(chr(10), ' ')} = {format_exact(value, self.locale)} Gy\nModel {model.title}: {model.source}"
            if key in ("bed_t", "bed_o", "eqd2_t", "eqd2_o") and col.model == "lq" and reg.dose_per_fraction_gy > float(
                    model.parameters()["validity_dose_per_fraction_gy"]):
                tip += "\n" + "; ".join(model.warnings(reg.dose_per_fraction_gy, 10.0))
            return tip
        if role == Qt.ItemDataRole.FontRole and key == "label":
            f = QFont()
            f.setBold(True)
            return f
        return None

    def _value(self, reg: Regimen, res: RowResults | None, col: Column) -> float | str | None:
        key = col.key
        if key == "label":
            return reg.label
        if key == "total":
            return reg.total_dose_gy
        if key == "fractions":
            return reg.fractions
        if key == "dpf":
            return reg.dose_per_fraction_gy
        if res is None:
            return None
        s = self._settings
        if key in ("bed_t", "bed_o", "eqd2_t", "eqd2_o"):
            r = res.by_model[col.model or "lq"]
            ab = s.tumour_alpha_beta_gy if key.endswith("_t") else s.organ_alpha_beta_gy
            return (r.bed_gy if key.startswith("bed") else r.eqd2_gy)[ab]
        if key == "flag":
            return sum(r.bed10_above_threshold for r in res.by_model.values())
        if key == "ref":
            return sum(r.bed10_reference_reached for r in res.by_model.values())
        if key == "robust":
            return res.robustness.bed_min_gy
        if key == "warnings":
            return len(res.warnings)
        return None

    def _flag_data(self, res: RowResults, role: int, reference: bool) -> Any:
        flag, ref = self._thresholds
        line = ref if reference else flag
        states = {m: (r.bed10_reference_reached if reference else r.bed10_above_threshold) for m, r in res.by_model.items()}
        bed10 = {m: r.bed10_gy for m, r in res.by_model.items()}
        every, some = all(states.values()), any(states.values())
        if role == Qt.ItemDataRole.DisplayRole:
            if len(states) == 1:
                return "Yes" if every else "No"
            if every or not some:
                return "Yes (all)" if every else "No (all)"
            return ", ".join(f"{MODEL_TITLES[m]} {'yes' if v else 'no'}" for m, v in states.items())
        if role == Qt.ItemDataRole.DecorationRole:
            return icons.reached() if every else (icons.not_reached() if not some else icons.mixed())
        if role == Qt.ItemDataRole.BackgroundRole:
            if reference:
                return None if not some else QBrush(REACHED_BG if every else MIXED_BG)
            return QBrush(REACHED_BG if every else (NOT_REACHED_BG if not some else MIXED_BG))
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            parts = "; ".join(
                f"{MODEL_TITLES[m]}: BED{line.alpha_beta_gy:g} {format_exact(bed10[m], self.locale)} Gy "
                f"→ {'reached' if states[m] else 'not reached'}" for m in states)
            return f"{line.label}: {parts}\nSource: {line.source}"
        return None

    def _robust_data(self, res: RowResults, role: int) -> Any:
        rb = res.robustness
        lo, hi = rb.alpha_beta_range_gy
        if role == Qt.ItemDataRole.DisplayRole:
            word = {"robust above": "Yes", "robust below": "No", "fragile": "Fragile"}[rb.verdict]
            return f"{word} {self._fmt(rb.bed_min_gy)}–{self._fmt(rb.bed_max_gy)}"
        if role == Qt.ItemDataRole.DecorationRole:
            return {"robust above": icons.reached(), "robust below": icons.not_reached(),
                    "fragile": icons.mixed()}[rb.verdict]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{rb.sentence()}\nalpha/beta range {lo:g}-{hi:g} Gy. Source: {rb.source}"
        return None

    # --- core results ---------------------------------------------------------------------------
    def results(self, r: int) -> RowResults | None:
        """The cached core results of row ``r`` (None for an invalid row)."""
        rid = self._ids[r]
        if rid not in self._results:
            row = self._rows[r]
            if not row.is_valid:
                self._results[rid] = None
            else:
                reg = self.regimen(r)
                assert reg is not None
                s = self._settings
                flag, ref = self._thresholds
                abs_ = (s.tumour_alpha_beta_gy, s.organ_alpha_beta_gy)
                by_model = {m: compute(reg, abs_, self._models[m], threshold=flag, reference=ref,
                                       tumour_alpha_beta_gy=s.tumour_alpha_beta_gy)
                            for m in model_names(s)}
                self._results[rid] = RowResults(by_model, flag_robustness(reg, threshold=flag))
        return self._results[rid]

    def model_object(self, name: str) -> Any:
        return self._models[name]

    @property
    def thresholds(self) -> tuple[Threshold, Threshold]:
        return self._thresholds

    # --- editing (pure) ---------------------------------------------------------------------------
    def edited_row(self, old: CaseRegimen, key: str, text: str) -> CaseRegimen:
        """The row after typing ``text`` into column ``key`` (an invalid row, with its reason, if needed)."""
        text = text.strip()
        if key == "label":
            try:
                reg = parse_regimen(text)
            except SbrtCalcError as exc:
                return CaseRegimen(old.label, None, None, old.note, {"regimen": text}, exc.message)
            return CaseRegimen.from_regimen(reg, old.note)
        total_text = text if key == "total" else self._edit_text(old, "total")
        frac_text = text if key == "fractions" else self._edit_text(old, "fractions")
        inputs = {"total_dose_gy": total_text, "fractions": frac_text}
        try:
            fractions = self._parse_fractions(frac_text)
        except ValueError as exc:
            return CaseRegimen(old.label, None, None, old.note, inputs, f"fractions: {exc}")
        if key == "dpf":
            try:
                dpf = parse_number(text, self.locale)
            except ValueError as exc:
                return CaseRegimen(old.label, None, None, old.note, dict(inputs, dose_per_fraction_gy=text),
                                   f"dose per fraction: {exc}")
            try:
                reg = Regimen.from_dose_per_fraction(dpf, fractions)
            except SbrtCalcError as exc:
                return CaseRegimen(old.label, None, None, old.note, inputs, exc.message)
            return CaseRegimen.from_regimen(reg, old.note)
        try:
            total = parse_number(total_text, self.locale)
        except ValueError as exc:
            return CaseRegimen(old.label, None, None, old.note, inputs, f"total dose: {exc}")
        try:
            reg = Regimen(total, fractions)
        except SbrtCalcError as exc:
            return CaseRegimen(old.label, None, None, old.note, inputs, exc.message)
        return CaseRegimen.from_regimen(reg, old.note)

    def _parse_fractions(self, text: str) -> int:
        value = parse_number(text, self.locale)
        if value != int(value):
            raise ValueError(f"{text.strip()!r} is not a whole number")
        return int(value)

    def sorted_ids(self, column: int, order: Qt.SortOrder) -> list[int]:
        col = self._columns[column]
        desc = order == Qt.SortOrder.DescendingOrder

        def key(i: int) -> tuple[int, Any]:
            row = self._rows[i]
            if not row.is_valid:
                return (1, 0)   # invalid rows last, in their order
            v = self._value(self.regimen(i), self.results(i), col)
            if isinstance(v, str):
                return (0, v.lower())
            return (0, -v if (desc and v is not None) else (v if v is not None else 0))

        if col.key == "label" and desc:
            valid = sorted((i for i in range(len(self._rows)) if self._rows[i].is_valid),
                           key=lambda i: self._rows[i].label.lower(), reverse=True)
            order_idx = valid + [i for i in range(len(self._rows)) if not self._rows[i].is_valid]
        else:
            order_idx = sorted(range(len(self._rows)), key=key)
        return [self._ids[i] for i in order_idx]

    # --- mutations (used by the undo commands) ----------------------------------------------------
    def rows(self) -> list[CaseRegimen]:
        return list(self._rows)

    def ids(self) -> list[int]:
        return list(self._ids)

    def row_of(self, row_id: int) -> int:
        return self._ids.index(row_id)

    def settings(self) -> CaseSettings:
        return self._settings

    def columns(self) -> list[Column]:
        return list(self._columns)

    def column_of(self, key: str, model: str | None = None) -> int:
        for i, c in enumerate(self._columns):
            if c.key == key and (model is None or c.model == model):
                return i
        raise KeyError(key)

    def insert_rows(self, position: int, rows: list[CaseRegimen], ids: list[int] | None = None) -> list[int]:
        if not rows:
            return []
        position = max(0, min(position, len(self._rows)))
        ids = list(ids) if ids is not None else [next(_ids) for _ in rows]
        self.beginInsertRows(QModelIndex(), position, position + len(rows) - 1)
        self._rows[position:position] = list(rows)
        self._ids[position:position] = ids
        self.endInsertRows()
        self.contentChanged.emit()
        return ids

    def remove_ids(self, ids: list[int]) -> list[tuple[int, int, CaseRegimen]]:
        """Remove rows by id; returns (position, id, row) in ascending position for re-insertion."""
        removed = sorted((self._ids.index(i), i, self._rows[self._ids.index(i)]) for i in ids if i in self._ids)
        for pos, rid, _ in reversed(removed):
            self.beginRemoveRows(QModelIndex(), pos, pos)
            del self._rows[pos]
            del self._ids[pos]
            self._forget(rid)
            self.endRemoveRows()
        if removed:
            self.contentChanged.emit()
        return removed

    def set_row(self, row_id: int, row: CaseRegimen) -> None:
        r = self._ids.index(row_id)
        self._rows[r] = row
        self._forget(row_id)
        self.dataChanged.emit(self.index(r, 0), self.index(r, len(self._columns) - 1))
        # no headerDataChanged: the row header shows the row number only, which an edit does not
        # change, and the signal made the view repaint the whole table on every edit
        self.contentChanged.emit()

    def move_row(self, src: int, dst: int) -> bool:
        """Move the row at ``src`` to position ``dst`` (its index after the move)."""
        n = len(self._rows)
        if src == dst or not (0 <= src < n and 0 <= dst < n):
            return False
        qt_dst = dst + 1 if dst > src else dst
        if not self.beginMoveRows(QModelIndex(), src, src, QModelIndex(), qt_dst):
            return False
        self._rows.insert(dst, self._rows.pop(src))
        self._ids.insert(dst, self._ids.pop(src))
        self.endMoveRows()
        self.contentChanged.emit()
        return True

    def set_order(self, ids: list[int]) -> None:
        if sorted(ids) != sorted(self._ids):
            raise ValueError("set_order needs a permutation of the current rows")
        self.layoutAboutToBeChanged.emit()
        old = {rid: self._ids.index(rid) for rid in self._ids}
        persistent = self.persistentIndexList()
        by_id = dict(zip(self._ids, self._rows, strict=True))
        self._ids = list(ids)
        self._rows = [by_id[i] for i in ids]
        new_pos = {rid: r for r, rid in enumerate(self._ids)}
        old_ids = {v: k for k, v in old.items()}
        for idx in persistent:
            rid = old_ids.get(idx.row())
            if rid is not None:
                self.changePersistentIndex(idx, self.index(new_pos[rid], idx.column()))
        self.layoutChanged.emit()
        self.contentChanged.emit()

    def _forget(self, rid: int) -> None:
        self._results.pop(rid, None)
        self._cells.pop(rid, None)
        self._regimens.pop(rid, None)

    def _clear_caches(self) -> None:
        self._results.clear()
        self._cells.clear()
        self._regimens.clear()

    def replace_all(self, rows: list[CaseRegimen], settings: CaseSettings | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._ids = [next(_ids) for _ in rows]
        self._clear_caches()
        if settings is not None:
            self._apply_settings(settings)
        self.endResetModel()
        self.contentChanged.emit()
        if settings is not None:
            self.settingsChanged.emit()

    def _apply_settings(self, settings: CaseSettings) -> None:
        self._settings = settings
        self._columns = build_columns(settings)
        self._thresholds = case_thresholds(settings)
        self._clear_caches()

    def set_settings(self, settings: CaseSettings) -> None:
        if settings == self._settings:
            return
        self.beginResetModel()
        self._apply_settings(settings)
        self.endResetModel()
        self.contentChanged.emit()
        self.settingsChanged.emit()

    def set_decimals(self, decimals: int) -> None:
        self.decimals = int(decimals)
        self._cells.clear()
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self._columns) - 1))
        self.contentChanged.emit()
