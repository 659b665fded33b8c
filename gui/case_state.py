"""The open case, without Qt: what the app edits, and who is told (the document of the model/view split).

:class:`CaseState` holds the case the window shows: its title and identifier, the regimen rows
(with the stable ids the undo commands refer to), the case settings, the saved sections
(``eligibility``, ``planning``, ``plan_check``, ``report``: the report's people fields). Every edit goes
through one of its methods; each method notifies the observers with the name of what changed
(:data:`CHANGES`), by plain callbacks: nothing here imports Qt, so the case and its edits can be
tested, scripted and saved without a window (the split follows mnelab's ``Model``/``MainWindow``).

The Qt side observes it: the regimens table (:class:`~.regimen_table_model.RegimenTableModel`)
is a view over :attr:`CaseState.rows` and brackets each row edit with Qt's begin/end signals;
the window's title follows ``"info"``; the tabs controller lends the live sections of the tabs
that are built (:meth:`CaseState.provide_section`). :meth:`CaseState.case` is the case as it is
saved, autosaved, reported and printed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from sbrt_calc.case import Case, CaseRegimen, CaseSettings

#: what an observer can be told changed
CHANGES = ("info", "rows", "settings", "sections", "people", "case", "plan_check")

Observer = Callable[[str], None]

_row_ids = itertools.count(1)


def new_row_ids(n: int) -> list[int]:
    """``n`` row ids never used before in this process."""
    return [next(_row_ids) for _ in range(n)]


class CaseState:
    """See the module docstring."""

    def __init__(self) -> None:
        self.title = "Untitled case"
        self.identifier: str | None = None
        self.rows: list[CaseRegimen] = []
        self.ids: list[int] = []
        #: None until first needed: ``CaseSettings()`` reads the radiobiology presets (numpy), which the
        #: app's first window must not wait for
        self.settings: CaseSettings | None = None
        self.sections: dict[str, Any] = {}
        #: the plan check the Plan check tab shows (a :class:`~sbrt_calc.plancheck.grade.PlanCheckResult`, which
        #: carries its inputs), None when none is shown: the report and the print preview render it instead of
        #: reading the DICOM files again (the evaluation re-runs the check only when the case's inputs differ)
        self.plan_check_shown: Any = None
        self._live: dict[str, Callable[[], Any]] = {}
        self._observers: list[Observer] = []

    # --- observers ----------------------------------------------------------------------------------
    def observe(self, callback: Observer) -> None:
        """Call ``callback(change)`` after every edit; ``change`` is one of :data:`CHANGES`."""
        self._observers.append(callback)

    def _notify(self, change: str) -> None:
        for callback in list(self._observers):
            callback(change)

    # --- the case ------------------------------------------------------------------------------------
    def provide_section(self, key: str, getter: Callable[[], Any]) -> None:
        """From now on the section ``key`` of :meth:`case` is ``getter()`` (a built tab's form; None: absent)."""
        self._live[key] = getter

    def current_sections(self) -> dict[str, Any]:
        """The sections as they are saved: the live ones (tabs built) over the ones kept as loaded."""
        sections = dict(self.sections)
        for key, getter in self._live.items():
            value = getter()
            if value is None:
                sections.pop(key, None)
            else:
                sections[key] = value
        return sections

    def case(self) -> Case:
        """The case as it is shown: saved, autosaved, reported and printed as this value."""
        return Case(self.title, self.identifier, tuple(self.rows), self.settings or CaseSettings(),
                    self.current_sections())

    def load_details(self, case: Case) -> None:
        """Take the title, identifier and sections of ``case`` (its rows and settings go through the table,
        which brackets them for its views: :meth:`replace_rows`, :meth:`set_settings`)."""
        self.title = case.title
        self.identifier = case.identifier
        self.sections = dict(case.sections)
        self.plan_check_shown = None
        self._notify("case")

    # --- details -------------------------------------------------------------------------------------
    def set_title(self, title: str) -> None:
        self.title = title
        self._notify("info")

    def set_info(self, info: tuple[str, str | None]) -> None:
        """(title, identifier) — one value, so that one undo command restores both."""
        self.title, self.identifier = info
        self._notify("info")

    def set_section(self, key: str, value: Any) -> None:
        """Keep ``value`` as the section ``key`` (None removes it)."""
        if value is None:
            self.sections.pop(key, None)
        else:
            self.sections[key] = value
        self._notify("sections")

    def set_plan_check_shown(self, result: Any) -> None:
        """The plan check now on screen (None: none, e.g. after an error, a cancel or new inputs)."""
        self.plan_check_shown = result
        self._notify("plan_check")

    @property
    def report_people(self) -> dict[str, str]:
        """The report's optional people fields (export dialog): ``patient_reference``, ``prepared_by``,
        ``checked_by``, the non-empty ones; saved with the case as its ``report`` section."""
        section = self.sections.get("report")
        return {k: str(v) for k, v in section.items() if v} if isinstance(section, dict) else {}

    def set_people(self, people: dict[str, str]) -> None:
        """Keep the non-empty people fields as the case's ``report`` section (none: no section)."""
        kept = {k: v.strip() for k, v in people.items() if v and v.strip()}
        if kept:
            self.sections["report"] = kept
        else:
            self.sections.pop("report", None)
        self._notify("people")

    # --- rows and settings (the regimens table calls these between its begin/end signals) ------------
    def insert_rows(self, position: int, rows: list[CaseRegimen], ids: list[int] | None = None) -> list[int]:
        """Insert ``rows`` at ``position`` (clamped); returns their ids (``ids`` when given: redo keeps them)."""
        position = max(0, min(position, len(self.rows)))
        new_ids = list(ids) if ids is not None else new_row_ids(len(rows))
        self.rows[position:position] = list(rows)
        self.ids[position:position] = new_ids
        self._notify("rows")
        return new_ids

    def remove_at(self, position: int) -> tuple[int, CaseRegimen]:
        """Remove the row at ``position``; returns (its id, the row)."""
        rid, row = self.ids.pop(position), self.rows.pop(position)
        self._notify("rows")
        return rid, row

    def set_row(self, row_id: int, row: CaseRegimen) -> int:
        """Replace the row ``row_id``; returns its position."""
        r = self.ids.index(row_id)
        self.rows[r] = row
        self._notify("rows")
        return r

    def move_row(self, src: int, dst: int) -> None:
        self.rows.insert(dst, self.rows.pop(src))
        self.ids.insert(dst, self.ids.pop(src))
        self._notify("rows")

    def set_order(self, ids: list[int]) -> None:
        """Put the rows in the order of ``ids`` (a permutation of :attr:`ids`)."""
        if sorted(ids) != sorted(self.ids):
            raise ValueError("set_order needs a permutation of the current rows")
        by_id = dict(zip(self.ids, self.rows, strict=True))
        self.ids = list(ids)
        self.rows = [by_id[i] for i in ids]
        self._notify("rows")

    def replace_rows(self, rows: list[CaseRegimen]) -> None:
        self.rows = list(rows)
        self.ids = new_row_ids(len(rows))
        self._notify("rows")

    def set_settings(self, settings: CaseSettings) -> None:
        self.settings = settings
        self._notify("settings")
