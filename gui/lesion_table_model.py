"""The lesions of the eligibility form as a Qt table model (site and status by combo delegates).

Rows are the lesion tables of :meth:`sbrt_calc.eligibility.case.Lesion.to_dict` (plain dicts).
An edit does not change the rows directly: it is handed to ``commit(new_rows, text, merge_key)``
(the panel turns it into an undo command that calls :meth:`set_lesions`); without ``commit``
the model applies it itself. A value that cannot be used (size "abc") is not committed: the
cell shows what was typed, in red, with the reason as its tooltip.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QLocale, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from sbrt_calc.eligibility.case import (
    LUNG_LOCATIONS,
    MAX_SIZE_MM,
    MAX_TEXT_CHARS,
    PROGRESSING_STATUSES,
    SITES,
    STATUSES,
)

from .regimen_table_model import format_exact, parse_number

Index = QModelIndex | QPersistentModelIndex
INVALID_BG = QColor(255, 80, 80, 70)


def site_text(site: str) -> str:
    from .window_common import site_title

    return site_title(site)


@dataclass(frozen=True)
class LesionColumn:
    key: str
    header: str
    tooltip: str
    kind: str  # text | choice | number | check


COLUMNS = (
    LesionColumn("label", "Label", "Free text, e.g. 'L3 vertebra' (optional)", "text"),
    LesionColumn("site", "Site", "Where the lesion is (" + ", ".join(site_text(s) for s in SITES) + ")", "choice"),
    LesionColumn("status", "Status", "On the current agent: progressing and new lesions are sites of progression; "
                                     "stable and responding ones are controlled disease", "choice"),
    LesionColumn("location", "Location", "Lung lesions: peripheral, central (within 2 cm of the proximal "
                                              "bronchial tree, RTOG 0813) or ultracentral (touching the main bronchus "
                                              "or oesophagus); the lung schemes depend on it", "choice"),
    LesionColumn("size_mm", "Size [mm]", "Largest diameter in mm (optional; > 0 and <= "
                                         f"{MAX_SIZE_MM:g} mm); filters the schemes given for a size", "number"),
    LesionColumn("symptomatic", "Symptomatic", "The lesion causes symptoms", "check"),
    LesionColumn("previously_irradiated", "Irradiated", "The site was irradiated before (re-irradiation: "
                                                               "check the cumulative dose in Planning)", "check"),
    LesionColumn("weight_bearing", "Weight-bearing", "Bone or spine lesion in a weight-bearing bone (with fracture "
                                                     "risk: consider stabilisation before RT)", "check"),
    LesionColumn("fracture_risk", "Fracture risk", "Bone or spine lesion at risk of fracture", "check"),
    LesionColumn("abuts_chest_wall", "Chest wall", "Lung lesion abutting the chest wall (the schemes given for it "
                                                   "differ)", "check"),
)
#: Check columns that apply to some sites only (elsewhere the cell is empty and not editable).
APPLIES_TO = {"weight_bearing": ("bone", "spine"), "fracture_risk": ("bone", "spine"), "abuts_chest_wall": ("lung",)}
CHOICES = {"site": SITES, "status": STATUSES, "location": ("",) + LUNG_LOCATIONS}


class LesionTableModel(QAbstractTableModel):
    """See the module docstring."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []
        self.errors: dict[tuple[int, str], tuple[str, str]] = {}   # (row, key) -> (typed text, reason)
        self.commit: Callable[[list[dict[str, Any]], str, str | None], None] | None = None
        self.locale = QLocale()

    # --- Qt model ----------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if COLUMNS[index.column()].kind == "check":
            if not self._applies(index.row(), COLUMNS[index.column()].key):
                return f
            return f | Qt.ItemFlag.ItemIsUserCheckable
        if COLUMNS[index.column()].key == "location" and self._rows[index.row()].get("site") != "lung":
            return f
        return f | Qt.ItemFlag.ItemIsEditable

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section].header
            if role == Qt.ItemDataRole.ToolTipRole:
                return COLUMNS[section].tooltip
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole and \
                0 <= section < len(self._rows):
            return f"#{section + 1}"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        col = COLUMNS[index.column()]
        row = self._rows[index.row()]
        err = self.errors.get((index.row(), col.key))
        if err is not None:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return err[0]
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Not used: {err[1]}"
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(INVALID_BG)
            if role == Qt.ItemDataRole.AccessibleDescriptionRole:
                return f"invalid: {err[1]}"
        value = row.get(col.key)
        if col.kind == "check" and not self._applies(index.row(), col.key):
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{col.tooltip} (applies to {' and '.join(APPLIES_TO[col.key])} lesions)"
            return None
        if col.kind == "check":
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.ToolTipRole:
                return col.tooltip
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if col.key == "location" and value is None:
                return "— choose —" if row.get("site") == "lung" and row.get("status") in PROGRESSING_STATUSES else ""
            if value is None:
                return ""
            if col.key == "site":
                return site_text(str(value))
            if col.key == "size_mm":
                return format_exact(float(value), self.locale)
            return str(value)
        if role == Qt.ItemDataRole.EditRole:
            if col.key == "size_mm":
                return "" if value is None else format_exact(float(value), self.locale)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.tooltip
        if role == Qt.ItemDataRole.FontRole and row.get("status") in PROGRESSING_STATUSES:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return False
        col = COLUMNS[index.column()]
        r = index.row()
        new_row = dict(self._rows[r])
        if col.kind == "check":
            if role != Qt.ItemDataRole.CheckStateRole or not self._applies(r, col.key):
                return False
            checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
            if checked:
                new_row[col.key] = True
            else:
                new_row.pop(col.key, None)
        elif role != Qt.ItemDataRole.EditRole:
            return False
        else:
            text = str(value).strip() if value is not None else ""
            try:
                parsed = self._parse(col.key, text)
            except ValueError as exc:
                self.errors[(r, col.key)] = (text, str(exc))
                self.dataChanged.emit(index, index)
                return False
            self.errors.pop((r, col.key), None)
            if parsed is None:
                new_row.pop(col.key, None)
            else:
                new_row[col.key] = parsed
            if col.key == "site" and parsed not in ("bone", "spine"):
                new_row.pop("weight_bearing", None)
                new_row.pop("fracture_risk", None)
            if col.key == "site" and parsed != "lung":
                new_row.pop("location", None)
                new_row.pop("abuts_chest_wall", None)
        if new_row == self._rows[r]:
            self.dataChanged.emit(index, index)
            return True
        rows = [dict(x) for x in self._rows]
        rows[r] = new_row
        self._commit(rows, f"Lesion #{r + 1}: {col.header.split(' [')[0].lower()}", f"lesion{r}.{col.key}")
        return True

    def _applies(self, r: int, key: str) -> bool:
        return key not in APPLIES_TO or self._rows[r].get("site") in APPLIES_TO[key]

    def _parse(self, key: str, text: str) -> Any:
        if key == "location":
            if not text or text.startswith("—"):
                return None
            if text not in LUNG_LOCATIONS:
                raise ValueError(f"{text!r} is not a lung location (allowed: {', '.join(LUNG_LOCATIONS)})")
            return text
        if key in CHOICES:
            raw = text.replace(" ", "_")
            if raw not in CHOICES[key]:
                raise ValueError(f"{text!r} is not a {key} (allowed: {', '.join(site_text(c) for c in CHOICES[key])})")
            return raw
        if key == "size_mm":
            if not text:
                return None
            x = parse_number(text, self.locale)
            if not 0 < x <= MAX_SIZE_MM:
                raise ValueError(f"size {text!r} mm is out of range (> 0 and <= {MAX_SIZE_MM:g} mm)")
            return x
        if key == "label":
            if len(text) > MAX_TEXT_CHARS:
                raise ValueError(f"label longer than {MAX_TEXT_CHARS} characters")
            return text or None
        raise ValueError(f"{key} is not editable")

    # --- rows ----------------------------------------------------------------------------------------
    def _commit(self, rows: list[dict[str, Any]], text: str, merge_key: str | None = None) -> None:
        if self.commit is not None:
            self.commit(rows, text, merge_key)
        else:
            self.set_lesions(rows)

    def lesions(self) -> list[dict[str, Any]]:
        return [dict(x) for x in self._rows]

    def set_lesions(self, rows: list[dict[str, Any]]) -> None:
        rows = [dict(x) for x in rows]
        if len(rows) == len(self._rows):
            self._rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(COLUMNS) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.errors = {k: v for k, v in self.errors.items() if k[0] < len(rows)}
        self.endResetModel()

    def add_lesion(self, site: str = "bone", status: str = "progressing") -> None:
        self._commit(self.lesions() + [{"site": site, "status": status}], "Add lesion")

    def remove_lesions(self, rows: list[int]) -> None:
        keep = [x for i, x in enumerate(self._rows) if i not in set(rows)]
        if len(keep) != len(self._rows):
            self.errors = {}
            self._commit([dict(x) for x in keep], "Remove lesion" if len(rows) == 1 else f"Remove {len(rows)} lesions")


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box editor for the site and status columns (commits on choice)."""

    def __init__(self, choices: tuple[str, ...], parent: Any = None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        for c in self.choices:
            combo.addItem(site_text(c) or "— not recorded —", c)
        combo.activated.connect(lambda _i, c=combo: self.commitData.emit(c))
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        i = editor.findData(str(index.data(Qt.ItemDataRole.EditRole)))
        editor.setCurrentIndex(max(0, i))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
