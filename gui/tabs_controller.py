"""The window's tabs: Regimens (the workbench), and Eligibility, Planning and Plan check, each built
when first needed (the tab selected, or its property used): until then the case's section is kept
as loaded (validated) in the case state and saved back unchanged, which keeps their modules and the
presets off the start-up path. 'Plan this lesion' and 'Plan the selected regimen' lead into Planning.

A built tab lends its live section to the case state (:meth:`~.case_state.CaseState.provide_section`);
its edits go onto the window's undo stack.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from sbrt_calc.case import CaseError, CaseRegimen
from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.regimen import Regimen

from .case_state import CaseState
from .commands import AddRowsCommand, ValueCommand
from .regimen_table_model import RegimenTableModel
from .window_common import (
    ELIGIBILITY_TAB,
    ELIGIBILITY_TIP,
    PLAN_CHECK_TAB,
    PLAN_CHECK_TIP,
    PLANNING_TAB,
    PLANNING_TIP,
    REIRRADIATION_TAB,
    REIRRADIATION_TIP,
)
from .window_tabs import WindowTabs
from .workbench import Workbench

if TYPE_CHECKING:
    from .eligibility_panel import EligibilityPanel
    from .plan_check_panel import PlanCheckPanel
    from .planning_panel import PlanningPanel
    from .reirradiation_panel import ReirradiationPanel

Status = Callable[[str, int], None]


def check_section(key: str, section: Any, path: str) -> None:
    """Validate one section as its tab would load it (CaseError naming the file and ``key.<field>``)."""
    try:
        if key == "eligibility":
            from .eligibility_form import form_from_section  # Qt-free (the panel's module makes the Qt type)

            form_from_section(section, path)
        else:
            from sbrt_calc.planning.section import PlanningInputs

            PlanningInputs.from_dict(section)
    except CaseError as exc:
        msg = exc.message if exc.message.startswith(str(path)) else f"{path}: {exc.message}"
        raise CaseError(msg, field=exc.field, value=exc.value, allowed=exc.allowed) from None


class TabsController:
    """See the module docstring. ``source``: the case's file name for messages; ``import_rtplan``: what the
    Planning tab's Import button does."""

    def __init__(self, state: CaseState, model: RegimenTableModel, undo_stack: QUndoStack, bench: Workbench,
                 status: Status, source: Callable[[], str], import_rtplan: Callable[[], object]) -> None:
        self.state = state
        self.model = model
        self.undo_stack = undo_stack
        self.bench = bench
        self.status = status
        self.source = source
        self.import_rtplan = import_rtplan
        self._eligibility: EligibilityPanel | None = None
        self._planning: PlanningPanel | None = None
        self._plan_check: PlanCheckPanel | None = None
        self._reirradiation: ReirradiationPanel | None = None
        self._loading = False  # a case being shown: the plan check's regimen follows with its inputs
        # no repaint of the whole window for a layout request that changes nothing (armed after the filled paint)
        self.tabs = WindowTabs(armed=not model.deferred)
        self.tabs.addTab(bench, "&Regimens")
        # placeholders, replaced by the real panels when first needed (start-up time)
        self.tabs.addTab(QWidget(), "Eligibility")
        self.tabs.setTabToolTip(ELIGIBILITY_TAB, ELIGIBILITY_TIP)
        self.tabs.addTab(QWidget(), "Planning")
        self.tabs.setTabToolTip(PLANNING_TAB, PLANNING_TIP)
        self.tabs.addTab(QWidget(), "Plan check")
        self.tabs.setTabToolTip(PLAN_CHECK_TAB, PLAN_CHECK_TIP)
        self.tabs.addTab(QWidget(), "Re-irradiation")
        self.tabs.setTabToolTip(REIRRADIATION_TAB, REIRRADIATION_TIP)
        self.tabs.setTabToolTip(0, "Compare regimens: table, plot and the working")
        self.tabs.currentChanged.connect(self._tab_changed)

    @property
    def built(self) -> tuple[bool, bool, bool]:
        """Whether Eligibility, Planning and Plan check are built."""
        return self._eligibility is not None, self._planning is not None, self._plan_check is not None

    # --- the tabs, built when first needed -----------------------------------------------------------
    @property
    def eligibility(self) -> EligibilityPanel:
        """The Eligibility tab (built, with the case's section loaded, on first use)."""
        if self._eligibility is None:
            from .eligibility_panel import EligibilityPanel

            panel = self._eligibility = EligibilityPanel(self.undo_stack, regimens=self.model)
            panel.formChanged.connect(self._eligibility_changed)
            panel.sendToPlanning.connect(self.send_lesion_to_planning)
            self._load_eligibility(self.state.sections.get("eligibility"), self.source())
            self.state.provide_section("eligibility", panel.section)
            self._install_tab(ELIGIBILITY_TAB, panel, "Eligibility", ELIGIBILITY_TIP)
        return self._eligibility

    @property
    def planning(self) -> PlanningPanel:
        """The Planning tab (built, with the case's section loaded, on first use)."""
        if self._planning is None:
            from .planning_panel import PlanningPanel

            panel = self._planning = PlanningPanel(self.model, self.undo_stack)
            panel.importRequested.connect(lambda: self.import_rtplan())
            self._load_planning(self.state.sections.get("planning"))
            self.state.provide_section("planning", panel.section)
            panel.inputsChanged.connect(self._planning_changed)
            self._install_tab(PLANNING_TAB, panel, "Planning", PLANNING_TIP)
        return self._planning

    @property
    def plan_check(self) -> PlanCheckPanel:
        """The Plan check tab (built, with the case's ``plan_check`` section loaded, on first use)."""
        if self._plan_check is None:
            from .plan_check_panel import PlanCheckPanel

            panel = self._plan_check = PlanCheckPanel()
            panel.set_case_regimen(self.case_regimen(), run=False)
            panel.set_alpha_betas(self.case_alpha_betas())
            self.model.settingsChanged.connect(lambda: panel.set_alpha_betas(self.case_alpha_betas()))
            self._load_plan_check(drop=False)
            panel.inputsChanged.connect(self._plan_check_edited)
            panel.checkFinished.connect(self._plan_check_shown)
            self.model.settingsChanged.connect(self._show_case_table)
            self._install_tab(PLAN_CHECK_TAB, panel, "Plan check", PLAN_CHECK_TIP)
        return self._plan_check

    @property
    def reirradiation(self) -> ReirradiationPanel:
        """The Re-irradiation tab (built, with the case's ``reirradiation`` section loaded, on first use)."""
        if self._reirradiation is None:
            from .reirradiation_panel import ReirradiationPanel

            panel = self._reirradiation = ReirradiationPanel()
            self._load_reirradiation(drop=False)
            panel.inputsChanged.connect(self._reirradiation_edited)
            self._install_tab(REIRRADIATION_TAB, panel, "Re-irradiation", REIRRADIATION_TIP)
        return self._reirradiation

    def reirradiation_evaluation(self) -> Any:
        """The Re-irradiation tab's evaluation of the case's courses when the tab was built and ran (the report
        shows it: the courses are not read a second time); else None."""
        return self._reirradiation.evaluation() if self._reirradiation is not None else None

    def _load_reirradiation(self, drop: bool = True) -> None:
        """Load the case's ``reirradiation`` section into the built tab (a bad one is reported, and dropped when
        ``drop``)."""
        assert self._reirradiation is not None
        from sbrt_calc.case import reirradiation_inputs_of

        try:
            inputs = reirradiation_inputs_of(self.state.sections.get("reirradiation"))
        except CaseError as exc:
            if drop:
                self.state.sections.pop("reirradiation", None)
                self._reirradiation.set_inputs(None)
            self.status(f"Re-irradiation section not loaded: {exc.message}", 10000)
            return
        if inputs is not None or drop:
            self._reirradiation.set_inputs(inputs)

    def _reirradiation_edited(self, inputs: Any) -> None:
        old = self.state.sections.get("reirradiation")
        new = inputs.to_dict() if inputs is not None else None
        if new != old:
            self.undo_stack.push(ValueCommand(self._apply_reirradiation, old, new, "Re-irradiation inputs"))

    def _apply_reirradiation(self, section: Any) -> None:
        self.state.set_section("reirradiation", section)
        if self._reirradiation is not None:
            from sbrt_calc.reirradiation.inputs import ReirradiationInputs

            wanted = ReirradiationInputs.from_dict(section) if section else ReirradiationInputs()
            if self._reirradiation.inputs() != wanted:
                self._reirradiation.set_inputs(wanted)

    def _plan_check_shown(self) -> None:
        assert self._plan_check is not None
        self.state.set_plan_check_shown(self._plan_check.shown_result())
        self._show_case_table()

    def _show_case_table(self) -> None:
        """The Prescription tab: the shown plan check evaluated under the case's settings (its line, its tumour
        alpha/beta, the planned site), by the core (no file read)."""
        if self._plan_check is None:
            return
        result = self.state.plan_check_shown
        if result is None:
            self._plan_check.set_case_table(None)
            return
        from sbrt_calc.evaluation_sections import plan_check_evaluation_of, planned_site
        from sbrt_calc.evaluation_tables import prescription_table

        case = self.state.case()
        try:
            site = planned_site(case.planning, case.eligibility)
        except SbrtCalcError:
            site = None
        s = self.model.eval_settings
        self._plan_check.set_case_table(prescription_table(plan_check_evaluation_of(result, s, site),
                                                           s.tumour_alpha_beta_gy))

    def case_alpha_betas(self) -> Any:
        """Each plan-check structure's EQD2 alpha/beta under the case's settings (the evaluation's rule)."""
        from sbrt_calc.evaluation_sections import plan_check_alpha_betas

        return plan_check_alpha_betas(self.model.eval_settings)

    def shown_for_report(self) -> dict[str, Any]:
        """What the tabs show that the report renders instead of computing it again (``content_from_case``'s
        ``plan_check`` and ``reirradiation``)."""
        return {"plan_check": self.plan_check_result(), "reirradiation": self.reirradiation_evaluation()}

    def plan_check_result(self) -> Any:
        """The plan check the screen shows (the case state's, after waiting for a check still running): the report
        and the print preview render it, no second DICOM run; None when none is shown."""
        if self._plan_check is not None:
            self._plan_check.result()   # a running check is finished (and so kept in the state) first
        return self.state.plan_check_shown

    def _tab_changed(self, index: int) -> None:
        if index == ELIGIBILITY_TAB:
            _ = self.eligibility
        elif index == PLANNING_TAB:
            _ = self.planning
        elif index == PLAN_CHECK_TAB:
            _ = self.plan_check
        elif index == REIRRADIATION_TAB:
            _ = self.reirradiation

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
        if placeholder is not None:
            placeholder.deleteLater()

    # --- a case shown ---------------------------------------------------------------------------------
    def load_sections(self, path: str | None, checked: bool) -> None:
        """The case state holds a newly shown case: check the sections kept for tabs not built (unless
        ``checked``: validated on open), load the built tabs. A bad section is dropped with a message."""
        sections = self.state.sections
        for key, label, panel in (("eligibility", "Eligibility", self._eligibility),
                                  ("planning", "Planning", self._planning)):
            if panel is not None or checked or not sections.get(key):
                continue
            # tab not built: keep the section as it is, if valid (an autosave may still hold a bad one)
            try:
                check_section(key, sections[key], path or "<case>")
            except CaseError as exc:
                del sections[key]
                self.status(f"{label} section not loaded: {exc.message}", 10000)
        if self._eligibility is not None:
            self._load_eligibility(sections.get("eligibility"), path or "<case>")
        if self._planning is not None:
            self._loading = True
            try:
                self._load_planning(sections.get("planning"))
            finally:
                self._loading = False
        if self._plan_check is not None:
            self._plan_check.set_case_regimen(self.case_regimen(), run=False)
            self._load_plan_check()
        if self._reirradiation is not None:
            self._load_reirradiation()

    def _load_eligibility(self, section: Any, source: str) -> None:
        assert self._eligibility is not None
        try:
            self._eligibility.load_section(section, source)
        except CaseError as exc:   # validated on open; an autosave may still hold a bad one
            self._eligibility.load_section(None)
            self.status(f"Eligibility section not loaded: {exc.message}", 10000)

    def _load_planning(self, section: Any) -> None:
        assert self._planning is not None
        try:
            self._planning.load_section(section)
        except CaseError as exc:
            self._planning.load_section(None)
            self.status(f"Planning section not loaded: {exc.message}", 10000)
        self._planning.set_lesions(*self._lesion_choices())

    def _load_plan_check(self, drop: bool = True) -> None:
        """Load the case's ``plan_check`` section into the built tab; a bad one (validated on open, but an
        autosave may still hold one) is reported, and dropped from the case when ``drop``."""
        assert self._plan_check is not None
        from sbrt_calc.case_sections import plan_check_inputs_of

        try:
            inputs = plan_check_inputs_of(self.state.sections.get("plan_check"))
        except CaseError as exc:
            if drop:
                self.state.sections.pop("plan_check", None)
                self._plan_check.set_inputs(None)
            self.status(f"Plan check section not loaded: {exc.message}", 10000)
            return
        if inputs is not None or drop:
            self._plan_check.set_inputs(inputs)

    # --- the case's planned regimen is compared with the plan's prescription (issue 17) -----------------
    def case_regimen(self) -> tuple[float, int] | None:
        """The planning section's regimen (total Gy, fractions): from the Planning tab when built, else the
        section kept as loaded; None when there is none (or it does not read)."""
        if self._planning is not None:
            inputs: Any = self._planning.inputs
        else:
            section = self.state.sections.get("planning")
            if not section:
                return None
            from sbrt_calc.planning.section import PlanningInputs

            try:
                inputs = PlanningInputs.from_dict(section)
            except CaseError:
                return None
        try:
            reg = inputs.planned_regimen()
        except SbrtCalcError:
            return None
        return None if reg is None else (float(reg.total_dose_gy), int(reg.fractions))

    def _planning_changed(self) -> None:
        if self._plan_check is not None and not self._loading:
            self._plan_check.set_case_regimen(self.case_regimen())

    # --- the plan check's inputs are a section of the case ---------------------------------------------
    def _plan_check_edited(self, inputs: Any) -> None:
        old = self.state.sections.get("plan_check")
        new = inputs.to_dict() if inputs is not None else None
        if new != old:
            self.undo_stack.push(ValueCommand(self._apply_plan_check, old, new, "Plan check inputs"))

    def _apply_plan_check(self, section: Any) -> None:
        self.state.set_section("plan_check", section)
        if self._plan_check is not None:
            from sbrt_calc.plancheck.inputs import PlanCheckInputs

            current = self._plan_check.inputs()
            wanted = PlanCheckInputs.from_dict(section) if section else None
            if current != wanted:
                self._plan_check.set_inputs(wanted)

    # --- lesions from Eligibility into Planning ------------------------------------------------------
    def _eligibility_changed(self) -> None:
        if self._planning is not None:
            self._planning.set_lesions(*self._lesion_choices())

    def _lesion_form(self) -> dict[str, Any]:
        """The eligibility form: from the Eligibility tab, or the saved section while the tab is not built."""
        if self._eligibility is not None:
            return self._eligibility.form
        section = self.state.sections.get("eligibility")
        if not section:
            return {}
        from .eligibility_form import form_from_section

        try:
            return form_from_section(section)
        except CaseError:
            return {}

    def _lesion_choices(self) -> tuple[list[tuple[int, str]], dict[int, dict[str, Any]]]:
        """The progressing lesions for Planning, and their facts (site, target site, previously irradiated)."""
        from .eligibility_form import lesion_choices, lesion_facts

        form = self._lesion_form()
        return lesion_choices(form), lesion_facts(form)

    def send_lesion_to_planning(self, index: int) -> None:
        """Add the schemes that fit the lesion (those not in the table yet) and plan it with the scheme the sources
        make typical for its site (:func:`sbrt_calc.planning.section.plan_lesion`), as one undo step."""
        from sbrt_calc.eligibility.case import Lesion
        from sbrt_calc.eligibility.sites import lesion_schemes, palliative_intent
        from sbrt_calc.planning.section import PlanningInputs, plan_lesion

        lesions = self.eligibility.form.get("lesions", [])
        if not 0 <= index < len(lesions):
            return
        try:
            lesion = Lesion.from_dict(lesions[index], "eligibility form", f"lesions[{index}]")
        except CaseError as exc:
            self.status(f"Lesion #{index + 1} is incomplete: {exc.message}", 8000)
            return
        site = lesion.site
        assessment = self.eligibility.assessment()
        ablative = not palliative_intent(None if assessment is None else assessment.verdict)
        fitting = lesion_schemes(lesion, ablative=ablative)
        have = {(r.total_dose_gy, r.fractions) for r in self.model.rows() if r.is_valid}
        rows = []
        for s in fitting.schemes:
            if (s.total_dose_gy, s.fractions) not in have:
                have.add((s.total_dose_gy, s.fractions))
                rows.append(CaseRegimen.from_regimen(Regimen(s.total_dose_gy, s.fractions, s.label),
                                                     note=f"preset {s.key} ({site.replace('_', ' ')})",
                                                     source=s.source, verification=s.verification))
        old: PlanningInputs = self.planning.inputs
        new, choice = plan_lesion(old, index, lesion, self.model.eval_settings.flag, ablative=ablative)
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
        self.status(f"Planning lesion #{index + 1} ({site.replace('_', ' ')}): {added}. "
                    f"{choice.reason} [{choice.source}]", 12000)

    def plan_selected_regimen(self) -> None:
        row = self.bench.current_row()
        if row is None or not self.model.rows()[row].is_valid:
            self.status("Select a valid regimen row to plan", 5000)
            return
        reg = self.model.rows()[row].regimen()
        from .planning_panel import regimen_text

        self.planning.set_inputs(replace(self.planning.inputs, regimen=regimen_text(reg), fractions=None),
                                 "regimen")
        self.tabs.setCurrentWidget(self.planning)

    def plan_regimen(self, reg: Regimen, old: Any, text: str) -> None:
        """Push the planning inputs with ``reg`` as the regimen (part of a macro the caller opened)."""
        from .planning_panel import regimen_text

        new = replace(old, regimen=regimen_text(reg), fractions=None)
        if new != old:
            self.undo_stack.push(ValueCommand(self.planning.apply_inputs, old, new, text))
