"""Undo commands: one QUndoCommand per edit of the case (rows, order, settings).

Commands refer to rows by their stable id (not their position), so that undo and redo stay
right after sorting and moving. They edit the rows through :class:`RowsModel` (what the regimens
table offers), so that this module does not import the table model, which imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from sbrt_calc.case import CaseRegimen, CaseSettings


class RowsModel(Protocol):
    """The row edits of :class:`~.regimen_table_model.RegimenTableModel` the commands use."""

    def rowCount(self) -> int: ...
    def insert_rows(self, position: int, rows: list[CaseRegimen], ids: list[int] | None = None) -> list[int]: ...
    def remove_ids(self, ids: list[int]) -> list[tuple[int, int, CaseRegimen]]: ...
    def set_row(self, row_id: int, row: CaseRegimen) -> None: ...
    def move_row(self, src: int, dst: int) -> bool: ...
    def set_order(self, ids: list[int]) -> None: ...
    def set_settings(self, settings: CaseSettings) -> None: ...


class AddRowsCommand(QUndoCommand):
    """Add rows (typed, from presets, duplicated or swept) at a position."""

    def __init__(self, model: RowsModel, rows: list[CaseRegimen], position: int | None = None,
                 text: str = "Add regimen") -> None:
        super().__init__(text)
        self.model = model
        self.rows = list(rows)
        self.position = model.rowCount() if position is None else position
        self.ids: list[int] | None = None

    def redo(self) -> None:
        self.ids = self.model.insert_rows(self.position, self.rows, self.ids)

    def undo(self) -> None:
        self.model.remove_ids(self.ids or [])


class RemoveRowsCommand(QUndoCommand):
    def __init__(self, model: RowsModel, ids: list[int], text: str = "Delete regimen") -> None:
        super().__init__(text)
        self.model = model
        self.ids = list(ids)
        self.removed: list[tuple[int, int, CaseRegimen]] = []

    def redo(self) -> None:
        self.removed = self.model.remove_ids(self.ids)

    def undo(self) -> None:
        for pos, rid, row in self.removed:   # ascending positions: each lands where it was
            self.model.insert_rows(pos, [row], [rid])


class EditRowCommand(QUndoCommand):
    def __init__(self, model: RowsModel, row_id: int, old: CaseRegimen, new: CaseRegimen,
                 text: str = "Edit regimen") -> None:
        super().__init__(text)
        self.model, self.row_id, self.old, self.new = model, row_id, old, new

    def redo(self) -> None:
        self.model.set_row(self.row_id, self.new)

    def undo(self) -> None:
        self.model.set_row(self.row_id, self.old)


class MoveRowCommand(QUndoCommand):
    def __init__(self, model: RowsModel, src: int, dst: int, text: str = "Move regimen") -> None:
        super().__init__(text)
        self.model, self.src, self.dst = model, src, dst

    def redo(self) -> None:
        self.model.move_row(self.src, self.dst)

    def undo(self) -> None:
        self.model.move_row(self.dst, self.src)


class ReorderCommand(QUndoCommand):
    """Sort (any permutation of the rows)."""

    def __init__(self, model: RowsModel, old_ids: list[int], new_ids: list[int], text: str = "Sort") -> None:
        super().__init__(text)
        self.model, self.old_ids, self.new_ids = model, list(old_ids), list(new_ids)

    def redo(self) -> None:
        self.model.set_order(self.new_ids)

    def undo(self) -> None:
        self.model.set_order(self.old_ids)


class SettingsCommand(QUndoCommand):
    """Change how the case is evaluated (model, alpha/beta, thresholds)."""

    def __init__(self, model: RowsModel, old: CaseSettings, new: CaseSettings,
                 text: str = "Change settings", after: Callable[[], None] | None = None) -> None:
        super().__init__(text)
        self.model, self.old, self.new, self.after = model, old, new, after

    def redo(self) -> None:
        self.model.set_settings(self.new)
        if self.after:
            self.after()

    def undo(self) -> None:
        self.model.set_settings(self.old)
        if self.after:
            self.after()


class TitleCommand(QUndoCommand):
    def __init__(self, apply: Callable[[str], None], old: str, new: str) -> None:
        super().__init__("Rename case")
        self.apply, self.old, self.new = apply, old, new

    def redo(self) -> None:
        self.apply(self.new)

    def undo(self) -> None:
        self.apply(self.old)


class ValueCommand(QUndoCommand):
    """Replace one value (a form, the planning inputs, the case details) through ``apply``.

    Consecutive commands with the same ``merge_key`` (typing in one field) merge into one, so that
    one undo takes the field back to where the edit started.
    """

    _IDS: dict[str, int] = {}

    def __init__(self, apply: Callable[[object], None], old: object, new: object, text: str,
                 merge_key: str | None = None) -> None:
        super().__init__(text)
        self.apply, self.old, self.new, self.merge_key = apply, old, new, merge_key

    def id(self) -> int:
        if self.merge_key is None:
            return -1
        return ValueCommand._IDS.setdefault(self.merge_key, 1000 + len(ValueCommand._IDS))

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, ValueCommand) or other.merge_key != self.merge_key or self.merge_key is None:
            return False
        self.new = other.new
        return True

    def redo(self) -> None:
        self.apply(self.new)

    def undo(self) -> None:
        self.apply(self.old)
