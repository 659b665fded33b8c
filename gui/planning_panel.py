"""The Planning tab: organ-at-risk limits, conformity / fall-off grading and cumulative dose.

The inputs are a :class:`sbrt_calc.planning.section.PlanningInputs` (saved as the case's
``planning`` section); the results are the core's :func:`sbrt_calc.planning.section.report_tables`,
the same tables the PDF report prints. Each committed edit is one undo command (typing in one
field merges); a value that cannot be used is marked inline with the reason and not used.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QTextOption, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.planning.organs import display_name
from sbrt_calc.planning.section import TARGET_SITES, CumulativeInputs, PlanningInputs, report_tables
from sbrt_calc.regimen import MAX_FRACTIONS, Regimen, parse_regimen
from sbrt_calc.table import Table

from .commands import ValueCommand
from .number_text import greek
from .planning_html import TOGGLE_ORGANS, tables_html
from .regimen_table_model import RegimenTableModel, format_exact, parse_number
from .screen_fit import fit_form_side, form_scroll, narrow_combos
from .window_common import site_title

#: field, label, tooltip
METRIC_FIELDS = (
    ("ptv_cc", "PTV volume [cm³]:", "Planning target volume in cm³ (the RTOG table covers 1.8-163 cm³)"),
    ("r50", "R50% [V50%/PTV]:", "Volume of the 50% prescription isodose / PTV volume (ratio)"),
    ("d2cm_percent", "D2cm [% of Rx]:", "Maximum dose 2 cm from the PTV in any direction, % of the prescription"),
    ("r100", "R100% [V100%/PTV]:", "Volume of the prescription isodose / PTV volume (ratio)"),
)
CUM_FIELDS = (
    ("alpha_beta_gy", "Organ α/β [Gy]:", "Organ α/β in Gy; empty: that of the published limits (2 Gy for "
                                         "spinal cord, Sahgal 2012)"),
    ("interval_months", "Interval [months]:", "Months since the previous course (HyTEC: at least 5)"),
    ("recovery_percent", "Recovery discount [%]:", "Percentage taken off the EQD2 of the earlier courses for "
                                                   "recovery: your assumption, no published default (0 = none)"),
)


def regimen_text(reg: Regimen) -> str:
    """A regimen as text the core parses back exactly ('36/3', '30.826203/30')."""
    return f"{reg.total_dose_gy:.12g}/{reg.fractions}"


class PlanningPanel(QWidget):
    """See the module docstring. ``importRequested`` asks the window for File ▸ Import RT Plan."""

    inputsChanged = Signal()
    importRequested = Signal()

    def __init__(self, regimens: RegimenTableModel, undo_stack: QUndoStack | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.regimens = regimens
        self.undo_stack = undo_stack
        self.inputs = PlanningInputs()
        self.problems: dict[str, str] = {}
        self.lesion_descriptions: list[tuple[int, str]] = []
        self.lesion_facts: dict[int, dict[str, Any]] = {}
        self.number_locale = QLocale()
        self._syncing = False
        self._build()
        regimens.contentChanged.connect(self._fill_regimens)
        regimens.modelReset.connect(self._fill_regimens)
        regimens.settingsChanged.connect(self._render)
        self.apply_inputs(PlanningInputs())

    # --- building ------------------------------------------------------------------------------------
    def _edit(self, key: str, tip: str, placeholder: str = "") -> QLineEdit:
        e = QLineEdit()
        e.setToolTip(tip)
        e.setAccessibleName(key)
        e.setPlaceholderText(placeholder)
        e.textEdited.connect(lambda text, k=key: self._number_edited(k, text))
        return e

    def _build(self) -> None:
        from sbrt_calc.presets.loader import active_presets

        self.lesion_combo = QComboBox()
        self.lesion_combo.setToolTip("The progressing lesion being planned (from the Eligibility tab)")
        self.lesion_combo.setAccessibleName("lesion")
        self.lesion_combo.currentIndexChanged.connect(lambda _i: self._lesion_changed())
        self.regimen_combo = QComboBox()
        self.regimen_combo.setToolTip("The regimen being planned (a row of the regimens table); its fraction count "
                                      "picks the organ-at-risk limits")
        self.regimen_combo.setAccessibleName("regimen")
        self.regimen_combo.currentIndexChanged.connect(lambda _i: self._regimen_changed())
        self.fractions = QSpinBox()
        self.fractions.setRange(0, MAX_FRACTIONS)
        self.fractions.setSpecialValueText("from the regimen")
        self.fractions.setSuffix(" fractions")
        self.fractions.setToolTip("Fraction count for the organ-at-risk limits: from the regimen, or another count")
        self.fractions.setAccessibleName("fractions")
        self.fractions.valueChanged.connect(self._fractions_changed)
        self.site_combo = QComboBox()
        self.site_combo.setAccessibleName("target site")
        self.site_combo.setToolTip("The target site: the BED10 flag line does not apply at the brain or the spine; "
                                   "the RTOG conformity table is for lung tumours in lung (a reference elsewhere)")
        self.site_combo.addItem("(site not given)", None)
        for site in TARGET_SITES:
            self.site_combo.addItem(site_title(site), site)
        self.site_combo.currentIndexChanged.connect(lambda _i: self._site_changed())
        self.set_combo = QComboBox()
        self.set_combo.setAccessibleName("constraint set")
        self.set_combo.setToolTip("Published organ-at-risk constraint set (presets/constraints_*.toml)")
        try:
            sets = active_presets().constraint_sets
        except SbrtCalcError:
            sets = ()
        for s in sets:
            self.set_combo.addItem(f"{s.name} ({', '.join(map(str, s.fractions))} fx)", s.key)
            self.set_combo.setItemData(self.set_combo.count() - 1, f"Source: {s.source}", Qt.ItemDataRole.ToolTipRole)
        self.set_combo.currentIndexChanged.connect(lambda _i: self._set_changed())
        self.import_button = QPushButton("Import RT Plan…")
        self.import_button.setToolTip("Read the prescription (total dose, fractions) from a DICOM RT Plan and plan it "
                                      "(File ▸ Import RT Plan)")
        self.import_button.clicked.connect(self.importRequested.emit)

        target = QGroupBox("Lesion and regimen")
        fl = QFormLayout(target)
        fl.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        fl.addRow("&Lesion:", self.lesion_combo)
        fl.addRow("&Target site:", self.site_combo)
        fl.addRow("&Regimen:", self.regimen_combo)
        fl.addRow("", self.import_button)
        fl.addRow("&Fractions:", self.fractions)
        fl.addRow("&Limits:", self.set_combo)

        self.edits: dict[str, QLineEdit] = {}
        conf = QGroupBox("Conformity and dose fall-off (RTOG 0915/0813)")
        cf = QFormLayout(conf)
        cf.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, label, tip in METRIC_FIELDS:
            self.edits[key] = self._edit(key, tip, "empty: not graded" if key != "ptv_cc" else "e.g. 20")
            cf.addRow(label, self.edits[key])

        self.cum_box = QGroupBox("Previously irradiated site: cumulative dose")
        self.cum_box.setCheckable(True)
        self.cum_box.setToolTip("Tick for a re-irradiation: the organ dose of each course, summed as EQD2 and checked "
                                "against the published limits (presets/reirradiation.toml)")
        self.cum_box.toggled.connect(self._cum_toggled)
        self.organ_combo = QComboBox()
        self.organ_combo.setAccessibleName("organ")
        organs: list[str] = []
        try:
            for lim in active_presets().reirradiation:
                if lim.organ not in organs:
                    organs.append(lim.organ)
                    self.organ_combo.addItem(display_name(lim.organ), lim.organ)
                    self.organ_combo.setItemData(self.organ_combo.count() - 1, f"{lim.name}. Source: {lim.source}",
                                                 Qt.ItemDataRole.ToolTipRole)
        except SbrtCalcError:
            pass
        self.organ_combo.setToolTip("The organ whose cumulative dose is checked (TG-263 name)")
        self.organ_combo.currentIndexChanged.connect(lambda _i: self._organ_changed())
        self.courses = QLineEdit()
        self.courses.setPlaceholderText("e.g. 20/5; 24/2 (oldest first; last = planned)")
        self.courses.setToolTip("The organ dose of each course, oldest first, separated by ';' (e.g. the thecal sac "
                                "point maximum: 20/5 = 20 Gy in 5 fractions); the last is the course being planned")
        self.courses.setAccessibleName("courses")
        self.courses.textEdited.connect(self._courses_edited)
        cl = QFormLayout(self.cum_box)
        cl.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        cl.addRow("Organ:", self.organ_combo)
        cl.addRow("Courses [Gy/fx]:", self.courses)
        for key, label, tip in CUM_FIELDS:
            self.edits[key] = self._edit(key, tip, "empty: the limits'" if key == "alpha_beta_gy" else "")
            cl.addRow(label, self.edits[key])

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName("planning errors")

        form = QWidget()
        v = QVBoxLayout(form)
        v.setContentsMargins(4, 4, 4, 4)
        v.addWidget(target)
        v.addWidget(conf)
        v.addWidget(self.cum_box)
        v.addWidget(self.error_label)
        v.addStretch(1)
        # it scrolls (both ways) rather than clip its fields (issue 21)
        scroll = self.form_scroll = form_scroll(form)
        scroll.setMinimumWidth(300)
        narrow_combos(self.lesion_combo, self.site_combo, self.regimen_combo, self.set_combo, self.organ_combo)

        self.browser = QTextBrowser()
        self.browser.setAccessibleName("Planning checks")
        # whole words only: a narrow column widens (or the view scrolls) rather than print "Converte d from" or
        # "D0.35cc[ Gy]" (issue 21: metric names not wrapped mid-token; Qt's default breaks a word anywhere)
        self.browser.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._anchor)
        #: the organ-limit table: the organs near the target site, the rest of the set folded (issue 21)
        self.all_organs = QCheckBox("Show all organs of the set")
        self.all_organs.setToolTip("Off: the organ-at-risk table lists the organs near the target site and folds the "
                                   "rest of the set; on: every organ of the set (the report lists them all, the "
                                   "site's first)")
        self.all_organs.toggled.connect(lambda _on: self._render())
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(4, 4, 4, 4)
        title = QLabel("<b>Planning checks</b> (the same tables go into the PDF report; sources under each)")
        title.setWordWrap(True)   # else its width is the pane's minimum and the form is squeezed (issue 21)
        rv.addWidget(title)
        rv.addWidget(self.all_organs)
        rv.addWidget(self.browser, 1)
        splitter = self.splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setSizes([470, 810])
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

    # --- edits -----------------------------------------------------------------------------------------
    def _push(self, new: PlanningInputs, text: str, merge_key: str | None = None) -> None:
        if new == self.inputs:
            self._render()
            return
        apply: Callable[[Any], None] = self.apply_inputs
        if self.undo_stack is None:
            apply(new)
        else:
            self.undo_stack.push(ValueCommand(apply, self.inputs, new, f"Planning: {text}",
                                              f"planning.{merge_key}" if merge_key else None))

    def set_inputs(self, new: PlanningInputs, text: str = "change inputs") -> None:
        """Change the inputs (one undo command): for the window, scripts and tests."""
        self._push(new, text)

    def _lesion_changed(self) -> None:
        if self._syncing:
            return
        index = self.lesion_combo.currentData()
        new = replace(self.inputs, lesion=index)
        facts = self.lesion_facts.get(index) if index is not None else None
        if facts is not None:
            # the lesion's site, and its cumulative-dose section when it was irradiated before
            new = replace(new, site=facts.get("target_site", new.site))
            if facts.get("previously_irradiated") and new.cumulative is None:
                new = replace(new, cumulative=CumulativeInputs(
                    organ="SpinalCanal" if facts.get("site") == "spine" else "SpinalCord"))
        self._push(new, "lesion")

    def _site_changed(self) -> None:
        if not self._syncing:
            self._push(replace(self.inputs, site=self.site_combo.currentData()), "target site")

    def _regimen_changed(self) -> None:
        if not self._syncing:
            self._push(replace(self.inputs, regimen=self.regimen_combo.currentData()), "regimen")

    def _fractions_changed(self, value: int) -> None:
        if not self._syncing:
            self._push(replace(self.inputs, fractions=value or None), "fractions", "fractions")

    def _set_changed(self) -> None:
        if not self._syncing and self.set_combo.currentData():
            self._push(replace(self.inputs, constraint_set=self.set_combo.currentData()), "constraint set")

    def _cum_toggled(self, on: bool) -> None:
        if self._syncing:
            return
        cum = (self.inputs.cumulative or CumulativeInputs(organ=self.organ_combo.currentData() or "SpinalCord")) \
            if on else None
        if on and cum is not None and not cum.courses:
            try:
                cum = replace(cum, courses=self._parse_courses(self.courses.text()))
            except ValueError:
                pass
        self._push(replace(self.inputs, cumulative=cum), "cumulative dose")

    def _organ_changed(self) -> None:
        if not self._syncing and self.inputs.cumulative is not None and self.organ_combo.currentData():
            self._push(replace(self.inputs, cumulative=replace(self.inputs.cumulative,
                                                               organ=self.organ_combo.currentData())), "organ")

    def parse_field(self, key: str, text: str) -> float | None:
        """A number field as typed (locale-aware); None when empty; ValueError with the reason."""
        if not text.strip():
            return None
        x = parse_number(text, self.number_locale)
        if key == "recovery_percent":
            if not 0 <= x < 100:
                raise ValueError(f"{text.strip()!r} is out of range (0 to < 100 %)")
        elif key == "interval_months":
            if x < 0:
                raise ValueError(f"{text.strip()!r} is out of range (>= 0 months)")
        elif key in ("ptv_cc", "r50", "r100", "d2cm_percent"):
            from sbrt_calc.planning.conformity import check_measurement

            try:
                check_measurement(key, x)
            except SbrtCalcError as exc:
                raise ValueError(exc.message) from None
        elif x <= 0:
            raise ValueError(f"{text.strip()!r} must be a number > 0")
        return x

    def _number_edited(self, key: str, text: str) -> None:
        label = dict((k, lab) for k, lab, _t in METRIC_FIELDS + CUM_FIELDS)[key].rstrip(":")
        try:
            value = self.parse_field(key, text)
        except ValueError as exc:
            self._set_problem(key, label, str(exc), self.edits[key])
            return
        self._set_problem(key, label, "", self.edits[key])
        if key in dict((k, 0) for k, _l, _t in METRIC_FIELDS):
            self._push(replace(self.inputs, **{key: value}), label, key)  # type: ignore[arg-type]
        elif self.inputs.cumulative is not None:
            if key == "recovery_percent":
                value = value or 0.0
            cumulative = replace(self.inputs.cumulative, **{key: value})  # type: ignore[arg-type]
            self._push(replace(self.inputs, cumulative=cumulative), label, key)

    def _parse_courses(self, text: str) -> tuple[str, ...]:
        out = []
        for part in [p.strip() for p in text.split(";")]:
            if not part:
                continue
            try:
                parse_regimen(part)
            except SbrtCalcError as exc:
                raise ValueError(f"course {part!r}: {exc.message}") from None
            out.append(part)
        return tuple(out)

    def _courses_edited(self, text: str) -> None:
        try:
            courses = self._parse_courses(text)
        except ValueError as exc:
            self._set_problem("courses", "Courses", str(exc), self.courses)
            return
        self._set_problem("courses", "Courses", "", self.courses)
        if self.inputs.cumulative is not None:
            self._push(replace(self.inputs, cumulative=replace(self.inputs.cumulative, courses=courses)), "courses",
                       "courses")

    def _set_problem(self, key: str, label: str, reason: str, edit: QLineEdit) -> None:
        bad = "#ff7b72" if QApplication.palette().window().color().lightness() < 128 else "#c62828"
        if reason:
            self.problems[key] = f"{label}: {reason}"
            edit.setStyleSheet(f"QLineEdit {{ border: 2px solid {bad}; }}")
            edit.setToolTip(f"Not used: {reason}")
        else:
            self.problems.pop(key, None)
            edit.setStyleSheet("")
        self.error_label.setText("".join(f"⚠ {p}<br>" for p in self.problems.values()))
        self.error_label.setStyleSheet(f"color: {bad}" if self.problems else "")
        if not self._syncing:
            self._render()

    # --- state ---------------------------------------------------------------------------------------
    def set_lesions(self, lesions: list[tuple[int, str]], facts: dict[int, dict[str, Any]] | None = None) -> None:
        """The progressing lesions to choose from: (index in the eligibility form, description), and optionally
        their facts (``eligibility_panel.lesion_facts``: site, target site, previously irradiated)."""
        self.lesion_descriptions = list(lesions)
        if facts is not None:
            self.lesion_facts = dict(facts)
        self._sync_widgets()
        self._render()

    def lesion_description(self) -> str | None:
        i = self.inputs.lesion
        return None if i is None else dict(self.lesion_descriptions).get(i, f"#{i + 1}")

    def _fill_regimens(self) -> None:
        self._sync_widgets()

    def apply_inputs(self, inputs: Any) -> None:
        """Show ``inputs`` (undo/redo and loading; pushes nothing)."""
        self.inputs = inputs
        self._sync_widgets()
        self.regimens.set_planned_site(inputs.site)
        self._render()
        self.inputsChanged.emit()

    def _sync_widgets(self) -> None:
        p = self.inputs
        self._syncing = True
        try:
            self.lesion_combo.clear()
            self.lesion_combo.addItem("(no lesion chosen)", None)
            for i, text in self.lesion_descriptions:
                self.lesion_combo.addItem(text, i)
            if p.lesion is not None and self.lesion_combo.findData(p.lesion) < 0:
                self.lesion_combo.addItem(f"#{p.lesion + 1} (not a progressing lesion of the form)", p.lesion)
            self.lesion_combo.setCurrentIndex(max(0, self.lesion_combo.findData(p.lesion)))
            self.regimen_combo.clear()
            self.regimen_combo.addItem("(no regimen chosen)", None)
            for row in self.regimens.rows():
                if row.is_valid:
                    reg = row.regimen()
                    text = regimen_text(reg)
                    if self.regimen_combo.findData(text) < 0:
                        self.regimen_combo.addItem(f"{reg.label}  ({reg.total_dose_gy:g} Gy in {reg.fractions})", text)
            if p.regimen is not None and self.regimen_combo.findData(p.regimen) < 0:
                self.regimen_combo.addItem(f"{p.regimen} (not in the table)", p.regimen)
            self.regimen_combo.setCurrentIndex(max(0, self.regimen_combo.findData(p.regimen)))
            self.fractions.setValue(p.fractions or 0)
            self.site_combo.setCurrentIndex(max(0, self.site_combo.findData(p.site)))
            i = self.set_combo.findData(p.constraint_set)
            if i < 0:
                self.set_combo.addItem(f"{p.constraint_set} (not in the presets)", p.constraint_set)
                i = self.set_combo.count() - 1
            self.set_combo.setCurrentIndex(i)
            for key, _l, _t in METRIC_FIELDS:
                self._sync_edit(key, getattr(p, key))
            self.cum_box.setChecked(p.cumulative is not None)
            cum = p.cumulative or CumulativeInputs()
            j = self.organ_combo.findData(cum.organ)
            if j < 0:
                self.organ_combo.addItem(cum.organ, cum.organ)
                j = self.organ_combo.count() - 1
            self.organ_combo.setCurrentIndex(j)
            try:
                shown = self._parse_courses(self.courses.text())
            except ValueError:
                shown = None
            if p.cumulative is not None and shown != cum.courses and "courses" not in self.problems:
                self.courses.setText("; ".join(cum.courses))
                self._set_problem("courses", "Courses", "", self.courses)
            for key, _l, _t in CUM_FIELDS:
                if p.cumulative is not None:
                    value = getattr(cum, key)
                    self._sync_edit(key, None if key == "recovery_percent" and value == 0 else value)
        finally:
            self._syncing = False

    def _sync_edit(self, key: str, value: float | None) -> None:
        if key in self.problems:  # invalid input stays as typed, marked, until corrected
            return
        edit = self.edits[key]
        try:
            shown: Any = self.parse_field(key, edit.text())
        except ValueError:
            shown = "invalid"
        if shown != value and not (key == "recovery_percent" and shown in (None, 0.0) and value in (None, 0.0)):
            edit.setText("" if value is None else format_exact(float(value), self.number_locale))
            self._set_problem(key, "", "", edit)

    def tables(self) -> tuple[Table, ...]:
        """The planning tables under the case's flag line (the regimen model's evaluation settings)."""
        es = self.regimens.eval_settings
        return report_tables(self.inputs, self.lesion_description(), flag=es.flag,
                             tumour_alpha_beta_gy=es.tumour_alpha_beta_gy)

    def _render(self) -> None:
        bar = self.browser.verticalScrollBar().value()
        dark = QApplication.palette().window().color().lightness() < 128
        cum_keys = {"courses"} | {k for k, _l, _t in CUM_FIELDS}
        active = {k: v for k, v in self.problems.items() if self.inputs.cumulative is not None or k not in cum_keys}
        if active:
            # never a result computed from part of the input: the checks wait until every field is valid
            bad = "#ff7b72" if dark else "#c62828"
            items = "".join(f"<li>{html.escape(greek(p))}</li>" for p in active.values())
            self.browser.setHtml(f'<h3 style="color:{bad}">Not computed: invalid input</h3><ul>{items}</ul>'
                                 "<p>The planning checks are shown again when every field holds a value that can "
                                 "be used; nothing is computed from part of the input.</p>")
        else:
            self._html = tables_html(self.tables(), dark, self.inputs.site, self.all_organs.isChecked())
            self.browser.setHtml(self._html)
        self.browser.verticalScrollBar().setValue(bar)

    def _anchor(self, url: Any) -> None:
        """A link in the checks: the organ table's fold/unfold line toggles "Show all organs"."""
        if url.toString() == TOGGLE_ORGANS:
            self.all_organs.toggle()

    def browser_html(self) -> str:
        """The HTML last shown of the planning tables (the core's renderer; tests read the colours here)."""
        return getattr(self, "_html", "")

    def section(self) -> dict[str, Any] | None:
        """The ``planning`` section to save (None while untouched)."""
        return None if self.inputs == PlanningInputs() else self.inputs.to_dict()

    def load_section(self, section: Any) -> None:
        """Show a saved section (CaseError naming ``planning.<key>`` for a bad one)."""
        inputs = PlanningInputs.from_dict(section) if section else PlanningInputs()
        self.problems.clear()
        for e in list(self.edits.values()) + [self.courses]:
            e.setStyleSheet("")
        self.error_label.setText("")
        self.apply_inputs(inputs)
