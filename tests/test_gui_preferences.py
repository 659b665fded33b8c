"""Preferences and the core's ranges (issue 18): the dialog refuses an out-of-range value inline, with the
core's message, and a stored out-of-range value costs that one preference, said, not all of them.

Before: the tumour alpha/beta spin box took 0.1-50 Gy, stored 0.3, and every new case then silently started
from the shipped settings (model, organ alpha/beta and lines included), because ``CaseSettings`` refused
0.3 and the window fell back to ``CaseSettings()``.
"""

from __future__ import annotations

from sbrt_calc.case import CaseSettings
from sbrt_calc.radiobiology.ranges import RANGES


def _dialog(qtbot, window):  # noqa: ANN001, ANN202
    from sbrt_calc.gui.preferences_dialog import PreferencesDialog

    dlg = PreferencesDialog(window)
    qtbot.addWidget(dlg)
    return dlg


def test_tumour_alpha_beta_out_of_the_core_range_is_refused_inline(qtbot, window) -> None:  # noqa: ANN001
    from sbrt_calc.gui import settings
    from sbrt_calc.gui.preferences_dialog import PreferencesDialog

    dlg = _dialog(qtbot, window)
    ok = dlg.buttons.button(dlg.buttons.StandardButton.Ok)
    stored = settings.get("tumour_alpha_beta_gy")
    dlg.tumour_ab.setValue(0.3)
    assert dlg.tumour_ab.value() == 0.3      # typed as is, not clamped silently
    message = dlg.settings_status.text()
    low = RANGES["alpha_beta_gy"]
    from sbrt_calc.gui.number_text import greek  # the app writes α/β (issue 21), the core's reason included

    assert "Tumour α/β 0.3 Gy" in message and low.describe() in message and greek(low.reason) in message
    assert not ok.isEnabled()
    dlg._accept()                              # Enter with OK disabled: nothing stored, the dialog stays
    assert dlg.result() != PreferencesDialog.DialogCode.Accepted
    assert settings.get("tumour_alpha_beta_gy") == stored
    dlg.tumour_ab.setValue(8.0)
    assert dlg.settings_status.text() == "" and ok.isEnabled()


def test_flag_line_above_the_core_limit_is_refused_inline(qtbot, window) -> None:  # noqa: ANN001
    dlg = _dialog(qtbot, window)
    dlg.flag_bed.setValue(1500)
    assert dlg.flag_bed.value() == 1500
    assert "Flag line" in dlg.settings_status.text() and "1000" in dlg.settings_status.text()
    assert not dlg.buttons.button(dlg.buttons.StandardButton.Ok).isEnabled()


def test_a_stored_out_of_range_value_costs_only_that_preference(window) -> None:  # noqa: ANN001
    """An INI edited by hand (or written by an older version) with tumour alpha/beta 0.3: the new case keeps the
    model, organ alpha/beta and flag line of the preferences, takes the shipped tumour alpha/beta, and says so."""
    from sbrt_calc.gui import settings

    settings.set_values({"model": "lql", "tumour_alpha_beta_gy": 0.3, "organ_alpha_beta_gy": 2.0,
                         "flag_bed_gy": 80.0})
    window.new_case(ask=False)
    s = window.model.settings()
    shipped = CaseSettings()
    assert (s.model, s.organ_alpha_beta_gy, s.flag_bed_gy) == ("lql", 2.0, 80.0)
    assert s.tumour_alpha_beta_gy == shipped.tumour_alpha_beta_gy
    message = window.statusBar().currentMessage()
    assert "0.3" in message and "tumour α/β" in message.lower()
    assert f"{shipped.tumour_alpha_beta_gy:g} Gy" in message


def test_apply_preferences_keeps_the_valid_ones(window) -> None:  # noqa: ANN001
    from sbrt_calc.gui import settings

    settings.set_values({"model": "usc", "tumour_alpha_beta_gy": 0.3})
    window.settings_actions.apply_preferences()
    s = window.model.settings()
    assert s.model == "usc" and s.tumour_alpha_beta_gy == CaseSettings().tumour_alpha_beta_gy
    assert "0.3" in window.statusBar().currentMessage()


def test_the_app_start_says_which_preference_was_not_used(qtbot, isolated_dirs) -> None:  # noqa: ANN001
    """The cold start (a window built deferred, then filled) keeps the message the new case left."""
    from sbrt_calc.gui import settings
    from sbrt_calc.gui.main_window import MainWindow

    settings.set_values({"tumour_alpha_beta_gy": 0.3})
    w = MainWindow(deferred=True)
    qtbot.addWidget(w)
    w.finish_start(None)
    assert "0.3" in w.statusBar().currentMessage() and w.model.rowCount() > 0
    settings.set_values({"tumour_alpha_beta_gy": 8.0})
    w2 = MainWindow(deferred=True)
    qtbot.addWidget(w2)
    w2.finish_start(None)
    assert w2.statusBar().currentMessage() == "" and w2.model.settings().tumour_alpha_beta_gy == 8.0


def test_applying_preferences_keeps_the_cases_other_model_settings(window) -> None:  # noqa: ANN001
    """Preferences set five values (model, the two alpha/betas, the two lines); OK in the dialog applies those
    to the open case and leaves its Model settings (EQDx, LQ-L d_T, USC, time correction) as they are."""
    from dataclasses import replace

    from sbrt_calc.gui import settings

    custom = replace(window.model.settings(), reference_dose_gy=3.0, time_correction=True, kickoff_days=21.0)
    window.settings_actions.model_settings(dialog=_Filled(custom))
    settings.set_values({"flag_bed_gy": 80.0})
    window.settings_actions.apply_preferences()
    s = window.model.settings()
    assert s.flag_bed_gy == 80.0
    assert (s.reference_dose_gy, s.time_correction, s.kickoff_days) == (3.0, True, 21.0)


class _Filled:
    """A Model settings dialog already filled in (what ``model_settings(dialog=...)`` takes)."""

    def __init__(self, result: CaseSettings) -> None:
        self.result = result

    def result_settings(self) -> CaseSettings:
        return self.result
