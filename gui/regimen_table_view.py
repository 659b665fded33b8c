"""The regimens table view: Ctrl+C (the platform's Copy key) copies the selected *rows* with a header,
as Edit ▸ Copy rows does, instead of Qt's default single current cell."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QTableView


class RegimenTableView(QTableView):
    """A QTableView whose Copy key emits :attr:`copyRequested` (the window copies the rows)."""

    copyRequested = Signal()

    def event(self, e: Any) -> bool:
        if e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent) and e.matches(
                QKeySequence.StandardKey.Copy):
            e.accept()       # handle it here (keyPressEvent), not as the window's shortcut
            return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.matches(QKeySequence.StandardKey.Copy):
            self.copyRequested.emit()
            e.accept()
            return
        super().keyPressEvent(e)
