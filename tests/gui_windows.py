"""One main window for a test module: its own settings and data folders, "discard" answered to every question.

Used by module-scoped fixtures (one window per module keeps the GUI tests fast)::

    @pytest.fixture(scope="module")
    def win(qapp, tmp_path_factory):
        with module_window(qapp, tmp_path_factory, "my-module") as w:
            yield w

A module whose tests each need a *new case* (not a new window) shares one window through :class:`SharedWindow`:
before each test :meth:`SharedWindow.clean` returns the window to a new case and checks that everything a test
can see of it (:func:`window_state`: the case, every cell and header, the undo stack, the title, the tabs, the
controls, the working, the plot's points) equals what the freshly built window showed; a difference fails that
test, naming what the reset did not undo. Building a window with its plot costs ~0.7 s of CPU under ``--cov``
(the first plot render most of it), the reset ~0.1 s (the plot's view is cached). A window without its plot
(``conftest.py::window``) is cheap to build (~0.1 s): sharing one does not pay there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest


@contextmanager
def module_window(qapp: Any, tmp_path_factory: Any, label: str, *, size: tuple[int, int] | None = (1024, 740),
                  deferred: bool = False) -> Iterator[Any]:
    """A shown :class:`MainWindow` of *size* (px; ``None``: the size it gives itself on the screen, as a
    per-test window has), closed clean when the block ends."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QMessageBox

    base = tmp_path_factory.mktemp(label)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SBRT_CALC_SETTINGS_DIR", str(base / "settings"))
        mp.setenv("SBRT_CALC_DATA_DIR", str(base / "data"))
        mp.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
        from sbrt_calc.gui.main_window import MainWindow

        w = MainWindow(deferred=True) if deferred else MainWindow()
        if size is not None:
            w.resize(*size)
        w.show()
        QTest.qWaitForWindowExposed(w)
        qapp.processEvents()
        try:
            yield w
        finally:
            w.undo_stack.setClean()
            w.close()
            w.deleteLater()
            qapp.processEvents()



@contextmanager
def sweep_window(qapp: Any, tmp_path_factory: Any, label: str, rows: int = 57) -> Iterator[Any]:
    """:func:`module_window` at 1280x800 with ``rows`` :func:`sweep_rows` and the plot drawn (the model switch's
    benchmark window: tests/test_gui_speed.py, tests/test_gui_plot_switch_stop30.py)."""
    with module_window(qapp, tmp_path_factory, label, size=(1280, 800)) as w:
        w.plot.ensure_canvas()
        w.model.replace_all(sweep_rows(rows), w.model.settings())
        qapp.processEvents()
        w.plot.draw_now()
        yield w

def sweep_rows(n: int) -> list[Any]:
    """``n`` valid case rows from 24 Gy up in 0.75 Gy steps over 1, 3, 5 and 8 fractions (below and above the
    LQ-L and USC transitions): the table of the speed tests and of ``bench/gui_latency.py``."""
    from sbrt_calc.case import CaseRegimen
    from sbrt_calc.regimen import Regimen

    return [CaseRegimen.from_regimen(Regimen(round(24 + 0.75 * i, 2), (1, 3, 5, 8)[i % 4])) for i in range(n)]


def _settle(qapp: Any, w: Any) -> None:
    """Let queued work run and an off-thread plot render finish (its result shown)."""
    qapp.processEvents()
    w.plot.wait_for_render()
    qapp.processEvents()


def window_state(w: Any) -> dict[str, Any]:
    """What a test can see of window *w*: equal for two windows showing the same new case with the same
    preferences (the session's controls included: locale, decimals, full precision, the current tab)."""
    from PySide6.QtCore import Qt

    m = w.model
    horizontal = Qt.Orientation.Horizontal
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
    return {
        "case and path": w.snapshot(),
        "cells": [[[m.data(m.index(r, c), role) for role in roles] for c in range(m.columnCount())]
                  for r in range(m.rowCount())],
        "headers": [m.headerData(c, horizontal) for c in range(m.columnCount())],
        "settings": m.settings(),
        "decimals": m.decimals,
        "locale": m.locale.name(),
        "undo stack (count, clean)": (w.undo_stack.count(), w.undo_stack.isClean()),
        "modified": w.isWindowModified(),
        "title": w.windowTitle(),
        "file path": w.files.file_path,
        "tabs (current, texts, built)": (w.tabs.currentIndex(), [w.tabs.tabText(i) for i in range(w.tabs.count())],
                                         (*w.tabs_controller.built, w.tabs_controller._reirradiation is not None)),
        "entry (text, status, style, tip)": (w.entry.text(), w.entry_status.text(), w.entry.styleSheet(),
                                             w.entry.toolTip()),
        "banner": w.banner.text(),
        "context line": w.context_label.text(),
        "model combo": (w.model_combo.currentData(), w.model_combo.count()),
        "organ combo": (w.organ_combo.currentData(), [w.organ_combo.itemText(i) for i in range(w.organ_combo.count())]),
        "checked model action": [k for k, a in w.model_actions.items() if a.isChecked()],
        "working (full precision, html)": (w.working.full_precision, w.full_precision.isChecked(), w.working.html()),
        "selected rows": w.selected_rows(),
        "plot (points, title)": (w.plot.point_rows(), w.plot.title()),
        "refused preferences": list(w.files.refused_preferences),
        "autosave interval [ms]": w.autosaver.timer.interval(),
        "visible, size": (w.isVisible(), w.size().toTuple()),
        "working dock (floating, visible)": (w.working_dock.isFloating(), w.working_dock.isVisible()),
    }


@contextmanager
def left_as_found(qapp: Any, w: Any) -> Iterator[None]:
    """A test on a module's window leaves it as it found it: every step the test pushed on the undo stack is undone
    when the block ends (the stack set back to its index, also after a failure), the selection and the entry line
    put back, then everything a test can see of the window (:func:`window_state`) must equal what it was before; else the test fails at teardown naming what it
    left behind (before, a test's own clean-up that undid the wrong step left the window on another model for the
    module's next test, which failed only when it ran after that one)."""
    _settle(qapp, w)
    index = w.undo_stack.index()
    before = _comparable(window_state(w))
    yield
    _settle(qapp, w)
    w.undo_stack.setIndex(index)
    # what undo does not restore: the selection (lost when an undone step removed its rows) and the entry's line
    rows = before["selected rows"]
    if w.selected_rows() != rows:
        from PySide6.QtCore import QItemSelectionModel

        flags = QItemSelectionModel.SelectionFlag
        w.table.selectionModel().clearSelection()
        for n, row in enumerate(rows):
            if n == 0:
                w.select_row(row)      # the current row too (the working shows it)
            else:
                w.table.selectionModel().select(w.model.index(row, 0), flags.Select | flags.Rows)
    text, status, _style, _tip = before["entry (text, status, style, tip)"]
    w.entry.setText(text)
    w.bench.set_entry_status(status, error=False)
    _settle(qapp, w)
    after = _comparable(window_state(w))
    left = [key for key, value in before.items() if after[key] != value]
    if left:
        shown = "; ".join(f"{k}: {str(after[k])[:200]} (before the test: {str(before[k])[:200]})" for k in left)
        pytest.fail(f"the test left the module's window changed after its undo steps were undone: {shown}")


def _comparable(state: dict[str, Any]) -> dict[str, Any]:
    """:func:`window_state` with the undo stack's clean state but not its count (undone steps stay on the stack)."""
    key = "undo stack (count, clean)"
    return {k: (v[1] if k == key else v) for k, v in state.items()}


class SharedWindow:
    """One shown window for a module's tests, returned to a new case and checked clean before each test."""

    def __init__(self, qapp: Any, window: Any) -> None:
        self.qapp = qapp
        self.window = window
        _settle(qapp, window)
        self.fresh_state = window_state(window)
        self.uses = 0

    def clean(self) -> Any:
        """The window, back to a new case (the test's own settings folder read, as a new window would) and
        equal in :func:`window_state` to the freshly built window; else the test fails naming the difference."""
        from PySide6.QtCore import QLocale

        w = self.window
        self.uses += 1
        if self.uses > 1:
            _settle(self.qapp, w)
            w.model.locale = QLocale()                 # the system's, as a new window's model has
            w.full_precision.setChecked(False)
            w.entry.clear()
            w.bench.set_entry_status("", error=False)
            w.tabs.setCurrentIndex(0)
            w.working_dock.setFloating(False)
            w.working_dock.show()
            w.resize(self.fresh_state["visible, size"][1][0], self.fresh_state["visible, size"][1][1])
            w.settings_actions.apply_preferences()     # decimals, autosave interval (the test's settings folder)
            w.new_case(ask=False)
            _settle(self.qapp, w)
        state = window_state(w)
        left = [key for key, value in self.fresh_state.items() if state[key] != value]
        if left:
            shown = "; ".join(f"{k}: {str(state[k])[:200]} (new window: {str(self.fresh_state[k])[:200]})"
                              for k in left)
            pytest.fail(f"the module's shared window is not back to a new case after the reset: "
                        f"{', '.join(left)} differ from a new window's. {shown}")
        return w


def until_render_starts(qapp: Any, w: Any, timeout_s: float = 5.0) -> Any:
    """Turn the event loop until the plot's pending full draw has started its render off the GUI thread (the app
    starts it in the turn after the window's next paint: plot_panel's ``_AfterWindowPaint``); its job."""
    import time

    deadline = time.monotonic() + timeout_s
    while w.plot._job is None and time.monotonic() < deadline:
        qapp.processEvents()
        time.sleep(0.001)
    return w.plot._job


def switch_through_the_loop(window: Any, model: str, turns: int = 8) -> None:
    """``model`` set as the model box's change arrives (a queued call), then ``turns`` turns of the event loop
    with the plot's render finished."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    QTimer.singleShot(0, lambda: window.set_model(model))
    for _ in range(turns):
        QApplication.processEvents()
        window.plot.wait_for_render()


def count_layouts(table: Any, monkeypatch: Any, nested: bool = False) -> list[int]:
    """One entry per ``updateGeometries`` of ``table`` from now on: the top-level calls only, or with ``nested`` the
    calls Qt makes inside one too."""
    import types

    layouts: list[int] = []
    depth = [0]
    own = type(table).updateGeometries

    def counted(view: Any) -> None:
        if nested or depth[0] == 0:
            layouts.append(1)
        depth[0] += 1
        try:
            own(view)
        finally:
            depth[0] -= 1

    monkeypatch.setattr(table, "updateGeometries", types.MethodType(counted, table), raising=False)
    return layouts


class EventCounter:
    """Events of one type (a ``QEvent.Type`` name) received by the watched widgets, counted by name (an event
    filter): ``EventCounter({"table": viewport}, "Paint").counts["table"]``; :meth:`remove` ends the count."""

    def __init__(self, widgets: dict[str, Any], event_name: str) -> None:
        from PySide6.QtCore import QEvent, QObject

        event_type = QEvent.Type[event_name]

        self.counts: dict[str, int] = dict.fromkeys(widgets, 0)
        names = {id(w): name for name, w in widgets.items()}
        counts = self.counts

        class Filter(QObject):
            def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt's name
                if event.type() == event_type and id(obj) in names:
                    counts[names[id(obj)]] += 1
                return False

        self._filter = Filter()
        self._widgets = list(widgets.values())
        for w in self._widgets:
            w.installEventFilter(self._filter)

    def remove(self) -> None:
        for w in self._widgets:
            w.removeEventFilter(self._filter)


def plot_window_fixtures(label: str, rows: int = 57) -> tuple[Any, Any]:
    """A test module's ``window`` (a module-scoped :func:`sweep_window` of ``rows`` rows) and its autouse ``settled``
    (no render in flight before and after each test), assigned as ``window, settled = plot_window_fixtures(...)``."""

    @pytest.fixture(scope="module")
    def window(qapp: Any, tmp_path_factory: Any) -> Iterator[Any]:
        with sweep_window(qapp, tmp_path_factory, label, rows) as w:
            yield w

    @pytest.fixture(autouse=True)
    def settled(window: Any) -> Iterator[None]:
        window.plot.wait_for_render()
        yield
        window.plot.wait_for_render()

    return window, settled


def plot_image(window: Any) -> Any:
    """The plot canvas's pixels now (a copy, RGBA)."""
    import numpy as np

    return np.asarray(window.plot.canvas.buffer_rgba()).copy()


def undisturbed_image(qapp: Any, window: Any) -> Any:
    """The shown view built anew and drawn in the GUI thread (no render off it, no view kept): the image a first
    visit shows when nothing disturbs its render. Renders go off the GUI thread again afterwards."""
    plot = window.plot
    plot.render_in_background = False
    try:
        plot.forget_views()
        plot._static_key = None
        plot.refresh()
        plot.draw_now()
        qapp.processEvents()
        return plot_image(window)
    finally:
        plot.render_in_background = True


def until_drawn(qapp: Any, window: Any) -> None:
    """The event loop turned until the plot's full draw pending (after the window's paint) has rendered."""
    import time

    for _ in range(400):
        qapp.processEvents()
        window.plot.wait_for_render()
        if not window.plot.full_draw_coming():
            break
        time.sleep(0.005)
    qapp.processEvents()
    assert not window.plot.full_draw_coming()


def hold_draw_plot(monkeypatch: Any) -> tuple[Any, Any]:
    """The core's ``draw_plot`` (a view's build) held at its start from now on until ``release`` is set (at most
    10 s): ``(entered, release)``, two :class:`threading.Event`; ``monkeypatch.undo()`` ends the hold."""
    import threading

    import sbrt_calc.report.plot as core

    entered, release = threading.Event(), threading.Event()
    draw_plot = core.draw_plot

    def held(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        release.wait(10)
        return draw_plot(*args, **kwargs)

    monkeypatch.setattr(core, "draw_plot", held)
    return entered, release
