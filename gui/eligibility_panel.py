"""The Eligibility tab: the oligoprogression case as a form, the assessment beside it, live.

The form edits the model of :mod:`sbrt_calc.eligibility.case` (the CLI's case file) held as a
plain dict (``form``); the required choices start unset ("— choose —") because a default for
them would be a clinical guess. Each committed edit is one undo command (typing in one field
merges). The assessment is :func:`sbrt_calc.eligibility.assess.assess`, recomputed on every change,
with every reason, evidence and caveat followed by its source. Invalid entries (months "abc")
are marked inline with the reason and not used.

Saved in the case file as section ``eligibility``: ``{"case": Case.to_dict()}`` when the form
is complete, ``{"draft": form}`` while it is not (see ``docs/case-format.md``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QLocale, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sbrt_calc.eligibility.assess import assess
from sbrt_calc.eligibility.case import (
    BEST_RESPONSES,
    DRIVERS,
    LUNG_LOCATIONS,
    MAX_MONTHS,
    MAX_TEXT_CHARS,
    PROGRESSING_STATUSES,
    REBIOPSY_RESULTS,
    SITES,
    STATUSES,
    THERAPY_CLASSES,
)

from .commands import ValueCommand
from .eligibility_form import (
    CHECKS,
    REQUIRED_CHOICES,
    case_of,
    empty_form,
    form_from_section,
    lesion_choices,
    lesion_facts,
)
from .eligibility_html import REBIOPSY_LABELS, RESPONSE_LABELS, assessment_view
from .lesion_table_model import COLUMNS, ChoiceDelegate, LesionTableModel
from .regimen_table_model import format_exact, parse_number
from .screen_fit import fit_form_side, form_scroll

#: Re-exported for the window and scripts (the form helpers live in :mod:`.eligibility_form`).
__all__ = ["CHECKS", "REQUIRED_CHOICES", "EligibilityPanel", "case_of", "empty_form", "form_from_section",
           "lesion_choices", "lesion_facts"]

THERAPY_LABELS = {"tki": "TKI (targeted therapy)", "immunotherapy": "Immunotherapy", "chemotherapy": "Chemotherapy",
                  "chemoimmunotherapy": "Chemo-immunotherapy"}
ECOG_LABELS = ("0 – fully active", "1 – restricted in strenuous activity", "2 – ambulatory, no work",
               "3 – limited self-care", "4 – completely disabled")


class EligibilityPanel(QWidget):
    """See the module docstring. ``sendToPlanning(lesion_index)`` asks the window to plan a lesion."""

    formChanged = Signal()
    sendToPlanning = Signal(int)

    def __init__(self, undo_stack: QUndoStack | None = None, parent: QWidget | None = None,
                 regimens: Any = None) -> None:
        super().__init__(parent)
        self.undo_stack = undo_stack
        #: the window's regimen table model: its evaluation settings hold the case's flag line
        self.regimens = regimens
        if regimens is not None:
            regimens.settingsChanged.connect(self._render)
        self.form: dict[str, Any] = empty_form()
        self.problems: dict[str, str] = {}
        self._syncing = False
        self.number_locale = QLocale()
        self._build()
        self.apply_form(empty_form())

    # --- building ------------------------------------------------------------------------------------
    def _combo(self, name: str, items: list[tuple[str, Any]], tip: str,
               placeholder: str | None = "— choose —") -> QComboBox:
        """A choice bound to the form's ``name``; ``placeholder`` (data None) first unless None."""
        c = QComboBox()
        if placeholder is not None:
            c.addItem(placeholder, None)
        for text, data in items:
            c.addItem(text, data)
        c.setToolTip(tip)
        c.setAccessibleName(name)
        c.currentIndexChanged.connect(lambda _i, key=name: self._combo_changed(key))
        return c

    def _build(self) -> None:
        self.therapy = self._combo("therapy_class", [(THERAPY_LABELS[t], t) for t in THERAPY_CLASSES],
                                   "Class of the current systemic agent")
        self.driver = self._combo("driver", [(d, d) for d in DRIVERS], "Oncogenic driver of the tumour")
        self.ecog = self._combo("ecog", [(t, i) for i, t in enumerate(ECOG_LABELS)], "ECOG performance status")
        self.best_response = self._combo(
            "best_response", [(RESPONSE_LABELS[r], r) for r in BEST_RESPONSES],
            "Best response on the current agent before this progression: oligoprogression presupposes an initial "
            "benefit (response or stabilisation, Seed 003); progression at the first restaging is primary resistance",
            placeholder=None)
        self.rebiopsy = self._combo(
            "rebiopsy_result", [(REBIOPSY_LABELS[r], r) for r in REBIOPSY_RESULTS],
            "Result of a rebiopsy for this progression (Seed 004: rule out transformation, detect resistance "
            "mechanisms); with a suspected transformation the verdict stays pending until a result is recorded",
            placeholder="no rebiopsy recorded")
        self.max_sites = QComboBox()
        self.max_sites.addItem("≤ 5 sites (extended; CURB, HALT, ASTRO/ESTRO)", 5)
        self.max_sites.addItem("≤ 3 sites (strict; most series)", 3)
        self.max_sites.setToolTip("Definition of oligoprogression: at most 5 (extended, default) or 3 (strict) "
                                  "progressing sites (Seed 000, Seed 004)")
        self.max_sites.setAccessibleName("max_sites")
        self.max_sites.currentIndexChanged.connect(lambda _i: self._combo_changed("max_sites"))
        self.months = QLineEdit()
        self.months.setPlaceholderText("e.g. 14")
        self.months.setToolTip(f"Months of benefit on the current agent before this progression (0 to {MAX_MONTHS:g}); "
                               "a decimal comma works")
        self.months.setAccessibleName("months_on_therapy")
        self.months.textEdited.connect(self._months_edited)
        self.agent = QLineEdit()
        self.agent.setPlaceholderText("optional, e.g. osimertinib")
        self.agent.setToolTip("The current drug (optional; used for driver-specific next steps)")
        self.agent.editingFinished.connect(lambda: self._text_edited("agent", self.agent))
        self.mutation = QLineEdit()
        self.mutation.setPlaceholderText("optional, e.g. G1202R")
        self.mutation.setToolTip("A resistance mutation found on rebiopsy (optional)")
        self.mutation.editingFinished.connect(lambda: self._text_edited("resistance_mutation", self.mutation))
        self.months_error = QLabel()
        self.months_error.setWordWrap(True)
        self.months_error.setAccessibleName("months error")

        systemic = QGroupBox("Systemic therapy")
        fl = QFormLayout(systemic)
        fl.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        fl.addRow("&Therapy:", self.therapy)
        fl.addRow("&Driver:", self.driver)
        fl.addRow("Agent:", self.agent)
        fl.addRow("Resistance mutation:", self.mutation)
        fl.addRow("&Months on therapy [months]:", self.months)
        fl.addRow("", self.months_error)
        fl.addRow("&ECOG:", self.ecog)
        fl.addRow("&Best response:", self.best_response)
        fl.addRow("Rebiopsy result:", self.rebiopsy)
        fl.addRow("Definition:", self.max_sites)

        self.checks: dict[str, QCheckBox] = {}
        workup = QGroupBox("Disease and work-up")
        grid = QGridLayout(workup)
        for i, (key, text, tip) in enumerate(CHECKS):
            box = QCheckBox(text)
            box.setToolTip(tip)
            box.setAccessibleName(key)
            box.toggled.connect(lambda on, k=key: self._check_toggled(k, on))
            self.checks[key] = box
            grid.addWidget(box, i // 2, i % 2)

        self.lesion_model = LesionTableModel(self)
        self.lesion_model.commit = lambda rows, text, key: self._commit_lesions(rows, text, key)
        self.lesion_table = QTableView()
        self.lesion_table.setModel(self.lesion_model)
        self.lesion_table.setAccessibleName("Lesions")
        self.lesion_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lesion_table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                          | QAbstractItemView.EditTrigger.SelectedClicked
                                          | QAbstractItemView.EditTrigger.EditKeyPressed
                                          | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.lesion_table.setToolTip("One row per lesion: double-click a cell to change it; tick the boxes")
        for i, col in enumerate(COLUMNS):
            if col.key in ("site", "status", "location"):
                choices = {"site": SITES, "status": STATUSES, "location": ("",) + LUNG_LOCATIONS}[col.key]
                self.lesion_table.setItemDelegateForColumn(i, ChoiceDelegate(choices, self.lesion_table))
        header = self.lesion_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.lesion_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.lesion_table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.lesion_model.modelReset.connect(self._update_buttons)
        self.lesion_model.dataChanged.connect(lambda *_: self._update_buttons())
        self.add_button = QPushButton("Add lesion")
        self.add_button.setToolTip("Add a progressing bone lesion; change its site and status in the table")
        self.add_button.clicked.connect(lambda: self.lesion_model.add_lesion())
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected lesions")
        self.remove_button.clicked.connect(self.remove_selected)
        self.plan_button = QPushButton("Plan this lesion ▸")
        self.plan_button.setToolTip("Plan the selected progressing lesion: the scheme the sources make typical for its "
                                    "site (shown in the assessment with the reason) and its preset schemes")
        self.plan_button.clicked.connect(self._plan_selected)
        lesions = QGroupBox("Lesions (site and status on the current agent)")
        lv = QVBoxLayout(lesions)
        lv.addWidget(self.lesion_table, 1)
        hb = QHBoxLayout()
        hb.addWidget(self.add_button)
        hb.addWidget(self.remove_button)
        hb.addStretch(1)
        hb.addWidget(self.plan_button)
        lv.addLayout(hb)

        form_box = QWidget()
        v = QVBoxLayout(form_box)
        v.setContentsMargins(4, 4, 4, 4)
        v.addWidget(systemic)
        v.addWidget(workup)
        v.addWidget(lesions, 1)
        # it scrolls (both ways) rather than clip its combo boxes, lesion table and buttons (issue 21)
        scroll = self.form_scroll = form_scroll(form_box)
        scroll.setMinimumWidth(300)
        # 16 characters preferred; the minimum stays each combo's longest item (Qt computed it when the items were
        # added), so the form keeps whole texts and scrolls when narrower (unlike the Planning form, whose long set
        # titles are elided: screen_fit.narrow_combos drops that cached minimum)
        for combo in (self.therapy, self.driver, self.ecog, self.max_sites, self.best_response, self.rebiopsy):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)

        self.browser = QTextBrowser()
        self._actions: dict[str, Any] = {}   # the lesion table's links: address -> sbrt_calc.table.Action
        self.browser.setOpenLinks(False)
        self.browser.setAccessibleName("Assessment")
        self.browser.anchorClicked.connect(self._anchor)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(4, 4, 4, 4)
        title = QLabel("<b>Assessment</b> (updates as you type; sources in brackets)")
        rv.addWidget(title)
        rv.addWidget(self.browser, 1)
        splitter = self.splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([610, 670])
        self._fitted = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(splitter)

    def showEvent(self, event: Any) -> None:
        """On first show, the form gets the width it needs when the window has room (issue 21)."""
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            QTimer.singleShot(0, lambda: fit_form_side(self.splitter, self.form_scroll))   # once laid out

    # --- colours -------------------------------------------------------------------------------------
    @staticmethod
    def _dark() -> bool:
        return QApplication.palette().window().color().lightness() < 128

    def _bad(self) -> str:
        return "#ff7b72" if self._dark() else "#c62828"

    def _good(self) -> str:
        return "#7ee787" if self._dark() else "#2e7d32"

    # --- edits -----------------------------------------------------------------------------------------
    def _push(self, new: dict[str, Any], text: str, merge_key: str | None = None) -> None:
        if new == self.form:
            return
        old = copy.deepcopy(self.form)
        apply: Callable[[Any], None] = self.apply_form
        if self.undo_stack is None:
            apply(new)
        else:
            self.undo_stack.push(ValueCommand(apply, old, copy.deepcopy(new), f"Eligibility: {text}",
                                              f"eligibility.{merge_key}" if merge_key else None))

    def _combo_changed(self, key: str) -> None:
        if self._syncing:
            return
        combo = {"therapy_class": self.therapy, "driver": self.driver, "ecog": self.ecog,
                 "max_sites": self.max_sites, "best_response": self.best_response,
                 "rebiopsy_result": self.rebiopsy}[key]
        new = dict(self.form, **{key: combo.currentData()})
        self._push(new, key.replace("_", " "))

    def _check_toggled(self, key: str, on: bool) -> None:
        if not self._syncing:
            self._push(dict(self.form, **{key: bool(on)}), key.replace("_", " "))

    def _text_edited(self, key: str, edit: QLineEdit) -> None:
        if self._syncing:
            return
        text = edit.text().strip()
        if len(text) > MAX_TEXT_CHARS:
            self._set_problem(key, f"longer than {MAX_TEXT_CHARS} characters", edit)
            return
        self._set_problem(key, "", edit)
        self._push(dict(self.form, **{key: text or None}), key.replace("_", " "))

    def parse_months(self, text: str) -> float | None:
        """Months typed (locale-aware); None when empty; ValueError with the reason."""
        if not text.strip():
            return None
        x = parse_number(text, self.number_locale)
        if not 0 <= x <= MAX_MONTHS:
            raise ValueError(f"{text.strip()!r} months is out of range (0 to {MAX_MONTHS:g})")
        return x

    def _months_edited(self, text: str) -> None:
        try:
            value = self.parse_months(text)
        except ValueError as exc:
            self._set_problem("months on therapy", str(exc), self.months)
            self._render()
            return
        self._set_problem("months on therapy", "", self.months)
        if value != self.form.get("months_on_therapy"):
            self._push(dict(self.form, months_on_therapy=value), "months on therapy", "months")
        else:
            self._render()

    def _set_problem(self, key: str, reason: str, edit: QLineEdit) -> None:
        if reason:
            self.problems[key] = reason
            edit.setStyleSheet(f"QLineEdit {{ border: 2px solid {self._bad()}; }}")
            edit.setToolTip(f"Not used: {reason}")
        else:
            self.problems.pop(key, None)
            edit.setStyleSheet("")
        if edit is self.months:
            self.months_error.setText(f"⚠ {reason}" if reason else "")
            self.months_error.setStyleSheet(f"color: {self._bad()}" if reason else "")
            self.months_error.setVisible(bool(reason))

    def _commit_lesions(self, rows: list[dict[str, Any]], text: str, merge_key: str | None) -> None:
        self._push(dict(self.form, lesions=rows), text.lower() if text else "lesions", merge_key)

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.lesion_table.selectionModel().selectedRows()})
        if rows:
            self.lesion_model.remove_lesions(rows)

    def add_lesion(self, site: str, status: str = "progressing", **extra: Any) -> None:
        """Add a lesion (one undo command): for scripts and tests."""
        self._push(dict(self.form, lesions=self.form["lesions"] + [{"site": site, "status": status, **extra}]),
                   "add lesion")

    def set_value(self, key: str, value: Any) -> None:
        """Set one form field (one undo command): for scripts and tests."""
        self._push(dict(self.form, **{key: value}), key.replace("_", " "))

    # --- state ---------------------------------------------------------------------------------------
    def apply_form(self, form: Any) -> None:
        """Show ``form`` (called by undo/redo and on load; pushes nothing)."""
        self.form = copy.deepcopy(form)
        self._syncing = True
        try:
            for key, combo in (("therapy_class", self.therapy), ("driver", self.driver), ("ecog", self.ecog),
                               ("max_sites", self.max_sites), ("best_response", self.best_response),
                               ("rebiopsy_result", self.rebiopsy)):
                combo.setCurrentIndex(max(0, combo.findData(self.form.get(key))))
            for key, box in self.checks.items():
                box.setChecked(bool(self.form.get(key)))
            months = self.form.get("months_on_therapy")
            shown: float | str | None
            try:
                shown = self.parse_months(self.months.text())
            except ValueError:
                shown = "invalid"
            if shown != months or ("months on therapy" in self.problems and months is not None):
                self.months.setText("" if months is None else format_exact(float(months), self.number_locale))
                self._set_problem("months on therapy", "", self.months)
            for key, edit in (("agent", self.agent), ("resistance_mutation", self.mutation)):
                if edit.text().strip() != (self.form.get(key) or ""):
                    edit.setText(self.form.get(key) or "")
                    self._set_problem(key, "", edit)
            self.lesion_model.set_lesions(self.form.get("lesions", []))
        finally:
            self._syncing = False
        self._render()
        self._update_buttons()
        self.formChanged.emit()

    def _render(self) -> None:
        bar = self.browser.verticalScrollBar().value()
        warn = "#e3b341" if self._dark() else "#a15c00"
        shown, self._actions = assessment_view(self.form, self.problems, self._bad(), self._good(), warn,
                                               flag=self.flag())
        self.browser.setHtml(shown)
        self.browser.verticalScrollBar().setValue(bar)

    def flag(self) -> Any:
        """The case's flag line (from the regimen model's evaluation settings), None for the shipped one."""
        return None if self.regimens is None else self.regimens.eval_settings.flag

    def assessment(self) -> Any:
        """The current :class:`~sbrt_calc.eligibility.assess.Assessment` under the case's flag line, or None while
        the form is incomplete."""
        case = case_of(self.form)
        return None if case is None else assess(case, flag=self.flag())

    def section(self) -> dict[str, Any] | None:
        """The ``eligibility`` section to save (None for an untouched form)."""
        if self.form == empty_form():
            return None
        case = case_of(self.form)
        if case is not None:
            return {"case": case.to_dict()}
        return {"draft": copy.deepcopy(self.form)}

    def load_section(self, section: Any, source: str = "<case>") -> None:
        """Show a saved section (CaseError for a bad one: the caller reports it)."""
        self.problems.clear()
        for edit in (self.months, self.agent, self.mutation):
            edit.setStyleSheet("")
        self.months_error.setText("")
        self.months_error.setVisible(False)
        self.apply_form(form_from_section(section, source))

    def lesion_choices(self) -> list[tuple[int, str]]:
        """(index, description) of the progressing or new lesions, for the planning view."""
        return lesion_choices(self.form)

    # --- planning --------------------------------------------------------------------------------------
    def _selected_lesion(self) -> int | None:
        rows = sorted({i.row() for i in self.lesion_table.selectionModel().selectedRows()})
        if not rows:
            cur = self.lesion_table.currentIndex()
            rows = [cur.row()] if cur.isValid() else []
        return rows[0] if len(rows) == 1 else None

    def _update_buttons(self) -> None:
        i = self._selected_lesion()
        lesions = self.form.get("lesions", [])
        ok = i is not None and i < len(lesions) and lesions[i].get("status") in PROGRESSING_STATUSES
        self.plan_button.setEnabled(ok)
        self.remove_button.setEnabled(bool(self.lesion_table.selectionModel().selectedRows()))
        if i is not None and not ok:
            self.plan_button.setToolTip("Only a progressing or new lesion is sent to planning")
        else:
            self.plan_button.setToolTip("Add the site's preset schemes to the regimens table and open Planning for "
                                        "the selected progressing lesion")

    def _plan_selected(self) -> None:
        i = self._selected_lesion()
        if i is not None:
            self.sendToPlanning.emit(i)

    def _anchor(self, url: QUrl) -> None:
        """A link of the lesion table: the action its cell carries (looked up by address, never parsed)."""
        action = self._actions.get(url.toString())
        if action is not None and action.kind == "plan":
            self.sendToPlanning.emit(int(action.target))
