"""The open case without Qt (:mod:`sbrt_calc.gui.case_state`): it holds the case and its edits and tells
its observers, and the window's views follow it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sbrt_calc.gui.case_state import CaseState

from sbrt_calc.case import CaseRegimen, CaseSettings
from sbrt_calc.regimen import Regimen


def _row(total: float, n: int) -> CaseRegimen:
    return CaseRegimen.from_regimen(Regimen(total, n))


def test_case_state_imports_no_qt() -> None:
    code = ("import sys; import sbrt_calc.gui.case_state; "
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_edits_reach_the_case_and_the_observers() -> None:
    state = CaseState()
    seen: list[str] = []
    state.observe(seen.append)
    ids = state.insert_rows(0, [_row(36, 3), _row(54, 3)])
    state.move_row(1, 0)
    assert [r.total_dose_gy for r in state.rows] == [54, 36] and state.ids == ids[::-1]
    state.set_order(ids)
    state.set_row(ids[0], _row(45, 3))
    state.set_info(("Case A", "ID-7"))
    state.set_section("planning", {"regimen": "45/3"})
    state.set_settings(CaseSettings(tumour_alpha_beta_gy=8.0))
    rid, row = state.remove_at(1)
    assert rid == ids[1] and row.total_dose_gy == 54
    case = state.case()
    assert (case.title, case.identifier) == ("Case A", "ID-7")
    assert [r.total_dose_gy for r in case.regimens] == [45]
    assert case.settings.tumour_alpha_beta_gy == 8.0 and case.sections == {"planning": {"regimen": "45/3"}}
    assert seen == ["rows", "rows", "rows", "rows", "info", "sections", "settings", "rows"]
    with pytest.raises(ValueError, match="permutation"):
        state.set_order([999])


def test_a_live_section_overrides_the_kept_one_and_none_removes_it() -> None:
    state = CaseState()
    state.set_section("eligibility", {"kept": 1})
    live: dict[str, object] | None = {"live": 2}
    state.provide_section("eligibility", lambda: live)
    assert state.case().sections == {"eligibility": {"live": 2}}
    live = None
    assert state.case().sections == {}


def test_the_window_is_a_view_of_its_state(window) -> None:  # noqa: ANN001
    """The table rows, the title and the saved case are the state's; an undo goes back through it."""
    state = window.state
    assert [r.label for r in window.model.rows()] == [r.label for r in state.rows]
    window.set_case_info("Renamed", "X-1")
    assert state.title == "Renamed" and window.windowTitle().startswith("Renamed")
    window.entry.setText("30/5")
    window.add_from_entry()
    assert state.rows[-1].total_dose_gy == 30 and window.current_case().regimens == tuple(state.rows)
    window.set_model("lql")
    assert state.settings is not None and state.settings.model == "lql"
    window.act_undo.trigger()
    window.act_undo.trigger()
    assert state.settings.model != "lql" and all(r.total_dose_gy != 30 or r.fractions != 5 for r in state.rows)
