"""The Eligibility and Planning tabs of the main window, built when first needed, and 'Plan this lesion'."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QWidget,
)

from sbrt_calc.case import CaseError, CaseRegimen
from sbrt_calc.regimen import Regimen

from .commands import AddRowsCommand, ValueCommand

if TYPE_CHECKING:
    from .eligibility_panel import EligibilityPanel
    from .main_window import MainWindow  # noqa: F401
    from .planning_panel import PlanningPanel


from .window_common import ELIGIBILITY_TAB, ELIGIBILITY_TIP, PLAN_CHECK_TAB, PLAN_CHECK_TIP, PLANNING_TAB, PLANNING_TIP


class WindowTabs:
    """Mixed into :class:`~sbrt_calc.gui.main_window.MainWindow` (self is the window)."""

    # --- the Eligibility and Planning tabs, built when first needed --------------------------------------
    @property
    def eligibility(self) -> EligibilityPanel:
        """The Eligibility tab (built, with the case's section loaded, on first use)."""
        if self._eligibility is None:
            from .eligibility_panel import EligibilityPanel

            panel = self._eligibility = EligibilityPanel(self.undo_stack)
            panel.formChanged.connect(self._eligibility_changed)
            panel.sendToPlanning.connect(self.send_lesion_to_planning)
            self._load_eligibility(self.sections.get("eligibility"), self.file_path or "<case>")
            self._install_tab(ELIGIBILITY_TAB, panel, "Eligibility", ELIGIBILITY_TIP)
        return self._eligibility

    @property
    def planning(self) -> PlanningPanel:
        """The Planning tab (built, with the case's section loaded, on first use)."""
        if self._planning is None:
            from .planning_panel import PlanningPanel

            panel = self._planning = PlanningPanel(self.model, self.undo_stack)
            panel.importRequested.connect(lambda: self.import_rtplan())
            self._load_planning(self.sections.get("planning"))
            self._install_tab(PLANNING_TAB, panel, "Planning", PLANNING_TIP)
        return self._planning

    @property
    def plan_check(self) -> Any:
        """The Plan check tab (built, with the case's ``plan_check`` section loaded, on first use)."""
        if self._plan_check is None:
            from sbrt_calc.case_sections import plan_check_inputs_of

            from .plan_check_panel import PlanCheckPanel

            panel = self._plan_check = PlanCheckPanel()
            try:
                inputs = plan_check_inputs_of(self.sections.get("plan_check"))
            except CaseError as exc:   # validated on open; an autosave may still hold a bad one
                inputs = None
                self.statusBar().showMessage(f"Plan check section not loaded: {exc.message}", 10000)
            if inputs is not None:
                panel.set_inputs(inputs)
            panel.inputsChanged.connect(self._plan_check_edited)
            self._install_tab(PLAN_CHECK_TAB, panel, "Plan check", PLAN_CHECK_TIP)
        return self._plan_check

    def _plan_check_edited(self, inputs: Any) -> None:
        old = self.sections.get("plan_check")
        new = inputs.to_dict() if inputs is not None else None
        if new != old:
            self.undo_stack.push(ValueCommand(self._apply_plan_check, old, new, "Plan check inputs"))

    def _apply_plan_check(self, section: Any) -> None:
        if section is None:
            self.sections.pop("plan_check", None)
        else:
            self.sections["plan_check"] = section
        if self._plan_check is not None:
            from sbrt_calc.plancheck.inputs import PlanCheckInputs

            current = self._plan_check.inputs()
            wanted = PlanCheckInputs.from_dict(section) if section else None
            if current != wanted:
                self._plan_check.set_inputs(wanted)

    def _tab_changed(self, index: int) -> None:
        if index == ELIGIBILITY_TAB:
            _ = self.eligibility
        elif index == PLANNING_TAB:
            _ = self.planning
        elif index == PLAN_CHECK_TAB:
            _ = self.plan_check

    def _install_tab(self, index: int, panel: QWidget, label: str, tip: str) -> None:
        """Put the built ``panel`` in place of the tab's placeholder (the current tab stays current)."""
        current = self.tabs.currentIndex()
        placeholder = self.tabs.widget(index)
        self.tabs.blockSignals(True)
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, panel, label)
            self.tabs.setTabToolTip(index, tip)
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(False)
        placeholder.deleteLater()

    def _eligibility_changed(self) -> None:
        if self._planning is not None:
            self._planning.set_lesions(*self._lesion_choices())

    def _lesion_form(self) -> dict[str, Any]:
        """The eligibility form: from the Eligibility tab, or the saved section while the tab is not built."""
        if self._eligibility is not None:
            return self._eligibility.form
        section = self.sections.get("eligibility")
        if not section:
            return {}
        from .eligibility_panel import form_from_section

        try:
            return form_from_section(section)
        except CaseError:
            return {}

    def _lesion_choices(self) -> tuple[list[tuple[int, str]], dict[int, dict[str, Any]]]:
        """The progressing lesions for Planning, and their facts (site, target site, previously irradiated)."""
        from .eligibility_panel import lesion_choices, lesion_facts

        form = self._lesion_form()
        return lesion_choices(form), lesion_facts(form)

    def _load_eligibility(self, section: Any, source: str) -> None:
        assert self._eligibility is not None
        try:
            self._eligibility.load_section(section, source)
        except CaseError as exc:   # validated on open; an autosave may still hold a bad one
            self._eligibility.load_section(None)
            self.statusBar().showMessage(f"Eligibility section not loaded: {exc.message}", 10000)

    def _load_planning(self, section: Any) -> None:
        assert self._planning is not None
        try:
            self._planning.load_section(section)
        except CaseError as exc:
            self._planning.load_section(None)
            self.statusBar().showMessage(f"Planning section not loaded: {exc.message}", 10000)
        self._planning.set_lesions(*self._lesion_choices())

    # --- part 2: lesion to plan, RT Plan import, report, CSV, clipboard -------------------------------------
    def send_lesion_to_planning(self, index: int) -> None:
        """Add the schemes that fit the lesion (those not in the table yet) and plan it with the scheme the sources
        make typical for its site (:func:`sbrt_calc.planning.section.plan_lesion`), as one undo step."""
        from sbrt_calc.eligibility.case import Lesion
        from sbrt_calc.eligibility.sites import lesion_schemes
        from sbrt_calc.planning.section import PlanningInputs, plan_lesion

        lesions = self.eligibility.form.get("lesions", [])
        if not 0 <= index < len(lesions):
            return
        try:
            lesion = Lesion.from_dict(lesions[index], "eligibility form", f"lesions[{index}]")
        except CaseError as exc:
            self.statusBar().showMessage(f"Lesion #{index + 1} is incomplete: {exc.message}", 8000)
            return
        site = lesion.site
        fitting = lesion_schemes(lesion)
        have = {(r.total_dose_gy, r.fractions) for r in self.model.rows() if r.is_valid}
        rows = []
        for s in fitting.schemes:
            if (s.total_dose_gy, s.fractions) not in have:
                have.add((s.total_dose_gy, s.fractions))
                rows.append(CaseRegimen.from_regimen(Regimen(s.total_dose_gy, s.fractions, s.label),
                                                     note=f"preset {s.key} ({site.replace('_', ' ')})",
                                                     source=s.source, verification=s.verification))
        old: PlanningInputs = self.planning.inputs
        new, choice = plan_lesion(old, index, lesion)
        self.undo_stack.beginMacro(f"Plan lesion #{index + 1} ({site.replace('_', ' ')})")
        try:
            if rows:
                self.undo_stack.push(AddRowsCommand(self.model, rows, self.model.rowCount(),
                                                    f"Add {len(rows)} preset(s) for {site}"))
            if new != old:
                self.undo_stack.push(ValueCommand(self.planning.apply_inputs, old, new, "Planning: lesion"))
        finally:
            self.undo_stack.endMacro()
        self.tabs.setCurrentWidget(self.planning)
        added = f"added {len(rows)} scheme(s)" if rows else ("its schemes are already in the table"
                                                              if fitting.schemes else fitting.note)
        self.statusBar().showMessage(f"Planning lesion #{index + 1} ({site.replace('_', ' ')}): {added}. "
                                     f"{choice.reason} [{choice.source}]", 12000)

    def plan_selected_regimen(self) -> None:
        row = self.table.currentIndex().row() if self.table.currentIndex().isValid() else None
        rows = self.selected_rows()
        row = rows[0] if rows else row
        if row is None or not self.model.rows()[row].is_valid:
            self.statusBar().showMessage("Select a valid regimen row to plan", 5000)
            return
        reg = self.model.rows()[row].regimen()
        from .planning_panel import regimen_text

        self.planning.set_inputs(replace(self.planning.inputs, regimen=regimen_text(reg), fractions=None),
                                 "regimen")
        self.tabs.setCurrentWidget(self.planning)

