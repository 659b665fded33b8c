"""A read-only Qt model over the core's typed :class:`sbrt_calc.table.Table`.

The app shows every core table (plan check, planning, eligibility) through this one adapter: the text is the
cell's own display text, the tooltip its explanation, source and verification mark, the colour its
:class:`~sbrt_calc.table.Status` (never a word matched in the text), numbers right-aligned.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from sbrt_calc.table import STATUS_COLOURS, Status, Table

from .number_text import greek

Index = QModelIndex | QPersistentModelIndex

#: The raw value (full precision) of a cell, for sorting and tests.
ValueRole = Qt.ItemDataRole.UserRole + 1
#: The cell's status value ("pass", "fail", ...), or None.
StatusRole = Qt.ItemDataRole.UserRole + 2


def status_brush(status: Status | None, alpha: int = 70) -> QBrush | None:
    """A translucent background for ``status`` (legible on light and dark palettes); None for no colour."""
    if status is None or status in (Status.INFO,):
        return None
    colour = QColor(STATUS_COLOURS[status][0])
    colour.setAlpha(alpha)
    return QBrush(colour)


class TypedTableModel(QAbstractTableModel):
    """Adapts one :class:`~sbrt_calc.table.Table` (replace it with :meth:`set_table`)."""

    def __init__(self, table: Table | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._table = table

    @property
    def table(self) -> Table | None:
        """The table shown."""
        return self._table

    def set_table(self, table: Table | None) -> None:
        """Show ``table`` instead."""
        self.beginResetModel()
        self._table = table
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() or self._table is None else len(self._table.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() or self._table is None else len(self._table.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._table is None:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._table.columns):
            col = self._table.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return greek(col.title)
            if role == Qt.ItemDataRole.ToolTipRole:
                return greek(col.tooltip) or None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._table is None or not index.isValid():
            return None
        cell = self._table.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return greek(cell.text)
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [cell.tooltip, cell.source and f"Source: {cell.source}", cell.mark and f"Verification: {cell.mark}"]
            tip = "\n".join(p for p in parts if p)
            return greek(tip) or None
        if role == Qt.ItemDataRole.BackgroundRole:
            return status_brush(cell.status)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            h = Qt.AlignmentFlag.AlignRight if cell.numeric else Qt.AlignmentFlag.AlignLeft
            return int(h | Qt.AlignmentFlag.AlignVCenter)
        if role == ValueRole:
            return cell.value
        if role == StatusRole:
            return cell.status.value if cell.status is not None else None
        return None
