"""The idle preparation prepares every other model's table before any model's plot (stop 30): the table is what a
switch shows at once and the costly part of a switch to a model not prepared yet (its plot's view is built and
drawn off the GUI thread)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from gui_windows import sweep_window  # noqa: E402


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):  # noqa: ANN001, ANN201
    with sweep_window(qapp, tmp_path_factory, "prep-order", rows=20) as w:
        yield w


def test_every_table_is_prepared_before_the_first_plot(window) -> None:  # noqa: ANN001
    """At the plan's first render (its first plot), the cells and the widths of all three other models are
    prepared. Seen failing with the plan of stop 29 (LQ-L's plot before USC's table)."""
    from sbrt_calc.gui.idle_preparation import _WAIT_RENDER

    prep = window.bench.preparation
    model = window.model
    window.plot.forget_views()
    model._by_settings.clear()
    window.bench._width_cache.clear()
    others = prep.other_settings()
    assert len(others) == 3
    seen_render = False
    for step in prep._plan():
        if step == _WAIT_RENDER:
            seen_render = True
            break
    assert seen_render, "the plan asked for no render"
    for settings in others:
        assert model.is_prepared(settings), settings.model
        with model.as_settings(settings):
            assert window.bench._cached_widths(window.bench._width_key()) is not None, settings.model
    window.plot.wait_for_render()
