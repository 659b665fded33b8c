"""How the case is evaluated: the model (combo, View menu, Ctrl+1..4), the organ alpha/beta, the Model
settings dialog and the preferences; the controls kept in step with the case's settings.

Each change is one undo command (:class:`~.commands.SettingsCommand`) on the regimens table, whose
settings are the case's (:class:`~.case_state.CaseState`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from . import settings
from .autosave import Autosaver
from .commands import SettingsCommand
from .number_text import greek
from .regimen_table_model import RegimenTableModel
from .settings import MODEL_CHOICES
from .workbench import Workbench

if TYPE_CHECKING:
    from PySide6.QtGui import QAction, QActionGroup

Status = Callable[[str, int], None]


class SettingsActions:
    """See the module docstring. ``parent``: the window (dialogs; the model actions are its shortcuts)."""

    def __init__(self, model: RegimenTableModel, undo_stack: QUndoStack, bench: Workbench, autosaver: Autosaver,
                 status: Status, parent: QWidget) -> None:
        self.model = model
        self.undo_stack = undo_stack
        self.bench = bench
        self.autosaver = autosaver
        self.status = status
        self.parent = parent
        self._syncing = False
        self.model_group: QActionGroup | None = None
        #: View ▸ the models (Ctrl+1..4), made by :meth:`build_model_actions` (the window's actions, see
        #: :mod:`.main_window`: after the first filled paint at the app's start)
        self.model_actions: dict[str, QAction] = {}
        bench.model_combo.currentIndexChanged.connect(self._model_combo_changed)
        bench.organ_combo.currentIndexChanged.connect(self._organ_combo_changed)
        model.settingsChanged.connect(self.sync_controls)

    def build_model_actions(self) -> None:
        """The model actions (View ▸ LQ … All three, Ctrl+1..4), one of them checked: the case's model."""
        if self.model_actions:
            return
        from PySide6.QtGui import QAction, QActionGroup, QKeySequence

        self.model_group = QActionGroup(self.parent)
        for i, (key, label) in enumerate(MODEL_CHOICES):
            a = QAction(label, self.parent, checkable=True)
            a.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            a.setToolTip(f"Show the table under {label}")
            a.triggered.connect(lambda _c=False, k=key: self.set_model(k))
            self.model_group.addAction(a)
            self.model_actions[key] = a
        model = self.model.chosen_model()
        if model in self.model_actions:
            self.model_actions[model].setChecked(True)

    def fill_organ_combo(self) -> None:
        """Fill the organ choices (a window built ``deferred`` does it with the case) without an edit."""
        self._syncing = True
        try:
            self.bench.fill_organ_combo()
        finally:
            self._syncing = False

    # --- edits ---------------------------------------------------------------------------------------
    def set_model(self, key: str) -> None:
        old = self.model.settings()
        if key == old.model:
            return
        self.undo_stack.push(SettingsCommand(self.model, old, replace(old, model=key),
                                             f"Model: {dict(MODEL_CHOICES)[key]}"))

    def set_organ_alpha_beta(self, ab: float) -> None:
        old = self.model.settings()
        if float(ab) == old.organ_alpha_beta_gy:
            return
        self.undo_stack.push(SettingsCommand(self.model, old, replace(old, organ_alpha_beta_gy=float(ab)),
                                             f"Organ α/β {ab:g} Gy"))

    def model_settings(self, dialog: Any = None) -> bool:
        """Edit the case's model settings (one undoable step); ``dialog``: an already filled dialog (tests)."""
        from .model_settings_dialog import ModelSettingsDialog

        old = self.model.settings()
        dlg = dialog or ModelSettingsDialog(old, self.parent)
        if dialog is None and dlg.exec() != ModelSettingsDialog.DialogCode.Accepted:
            return False
        new = dlg.result_settings()
        if new is None or new == old:
            return False
        self.undo_stack.push(SettingsCommand(self.model, old, new, "Model settings"))
        return True

    def preferences(self, dialog: Any = None) -> bool:
        from .preferences_dialog import PreferencesDialog

        dlg = dialog or PreferencesDialog(self.parent)
        if dialog is None and dlg.exec() != PreferencesDialog.DialogCode.Accepted:
            return False
        self.apply_preferences()
        return True

    def apply_preferences(self) -> None:
        self.model.set_decimals(int(settings.get("decimals")))
        self.autosaver.timer.setInterval(int(settings.get("autosave_interval_ms")))
        preferred, refused = settings.new_case_settings()
        if refused:
            self.status(" ".join(refused), 20000)
        old = self.model.settings()
        # the preferences' five values; the case's Model settings (EQDx, d_T, USC, time correction) stay
        new = replace(old, **{key: getattr(preferred, key) for key in settings.CASE_PREFERENCES})
        if new != old:
            self.undo_stack.push(SettingsCommand(self.model, old, new, "Apply preferences"))

    # --- the controls follow the case ----------------------------------------------------------------
    def _model_combo_changed(self, _i: int) -> None:
        if not self._syncing:
            self.set_model(self.bench.model_combo.currentData())

    def _organ_combo_changed(self, _i: int) -> None:
        if not self._syncing and self.bench.organ_combo.currentData() is not None:
            self.set_organ_alpha_beta(float(self.bench.organ_combo.currentData()))

    def sync_controls(self) -> None:
        s = self.model.settings()
        bench = self.bench
        self._syncing = True
        try:
            bench.model_combo.setCurrentIndex(max(0, bench.model_combo.findData(s.model)))
            i = bench.organ_combo.findData(s.organ_alpha_beta_gy)
            if i < 0:
                bench.organ_combo.addItem(f"{s.organ_alpha_beta_gy:g} Gy (case)", s.organ_alpha_beta_gy)
                i = bench.organ_combo.count() - 1
            bench.organ_combo.setCurrentIndex(i)
            if s.model in self.model_actions:
                self.model_actions[s.model].setChecked(True)
        finally:
            self._syncing = False
        flag, ref = self.model.thresholds
        extra = []
        if s.reference_dose_gy != 2.0:
            extra.append(f"EQD{s.reference_dose_gy:g}")
        if s.time_correction:
            extra.append(f"time-corrected (T_k {s.kickoff_days:g} d, K {s.bed_loss_per_day_gy:g} Gy/d)")
        bench.context_label.setText(f"Tumour α/β {s.tumour_alpha_beta_gy:g} Gy" + "".join(f" · {x}" for x in extra))
        bench.context_label.setToolTip(greek(f"Tumour α/β {s.tumour_alpha_beta_gy:g} Gy (View ▸ Model settings). "
                                             f"The lines {flag.label} and {ref.label} are always read on "
                                             f"{flag.scale}." + "".join(f"\n{x}" for x in extra)))
        # the banner follows contentChanged, which the model emits before every settingsChanged
