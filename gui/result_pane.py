"""The parts of a result view the plan check and the re-irradiation views share.

Both show a status headline (plain text, coloured by status by the caller), a progress bar with Cancel for
their worker, a status line, and below them a splitter with a plot area on the left and, on the right, tabs
of typed tables with the current tab's notes under them. One builder, so the two views cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sbrt_calc.table import STATUS_COLOURS, Status

from .number_text import greek
from .typed_table_model import TypedTableModel


@dataclass(frozen=True)
class StatusRows:
    """The headline, the progress bar, its Cancel button and the status line, added to a layout."""

    headline: QLabel
    progress: QProgressBar
    cancel_button: QPushButton
    status: QLabel


@dataclass(frozen=True)
class ResultTabs:
    """The splitter with its plot area and its tabs of typed tables (models and views by key) and notes."""

    split: QSplitter
    plot_holder: QWidget
    tabs: QTabWidget
    models: dict[str, TypedTableModel]
    views: dict[str, QTableView]
    notes: QLabel


def _selectable_label(text: str = "") -> QLabel:
    """A wrapped, plain-text label the user can select from (names from files are never read as markup)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def add_status_rows(outer: QVBoxLayout, accessible_name: str, status_text: str,
                    on_cancel: Callable[[], object]) -> StatusRows:
    """Add the headline (hidden until a result), the progress row (hidden until a run) and the status line."""
    headline = QLabel("")
    headline.setTextFormat(Qt.TextFormat.PlainText)
    headline.setAccessibleName(accessible_name)
    headline.setVisible(False)
    outer.addWidget(headline)
    progress_row = QHBoxLayout()
    progress = QProgressBar()
    progress.setVisible(False)
    cancel_button = QPushButton("Cancel")
    cancel_button.setVisible(False)
    cancel_button.clicked.connect(on_cancel)
    progress_row.addWidget(progress, 1)
    progress_row.addWidget(cancel_button)
    outer.addLayout(progress_row)
    status = _selectable_label(status_text)
    outer.addWidget(status)
    return StatusRows(headline, progress, cancel_button, status)


def add_result_tabs(outer: QVBoxLayout, parent: QWidget, tabs: Iterable[tuple[str, str, str]],
                    wrapped: Iterable[str], plot_min_width_px: int, sizes_px: tuple[int, int]) -> ResultTabs:
    """Add the splitter: a plot area (empty layout) beside one read-only typed-table tab per ``(key, title,
    tooltip)``; tabs whose key is in ``wrapped`` grow their rows to show whole sentences. The caller may add
    more tabs after these and connects ``tabs.currentChanged`` to show the notes."""
    split = QSplitter(Qt.Orientation.Horizontal)
    plot_holder = QWidget()
    QVBoxLayout(plot_holder).setContentsMargins(0, 0, 0, 0)
    plot_holder.setMinimumWidth(plot_min_width_px)
    split.addWidget(plot_holder)
    tab_widget = QTabWidget()
    models: dict[str, TypedTableModel] = {}
    views: dict[str, QTableView] = {}
    wrapped_keys = set(wrapped)
    for key, title, tip in tabs:
        model = TypedTableModel(parent=parent)
        view = QTableView()
        view.setModel(model)
        view.verticalHeader().setVisible(False)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setStretchLastSection(True)
        view.setWordWrap(True)
        if key in wrapped_keys:  # rows grow to show whole sentences in the width the view has
            view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            view.setTextElideMode(Qt.TextElideMode.ElideNone)
        models[key] = model
        views[key] = view
        i = tab_widget.addTab(view, title)
        tab_widget.setTabToolTip(i, tip)
    notes = _selectable_label()
    right = QWidget()
    rbox = QVBoxLayout(right)
    rbox.setContentsMargins(0, 0, 0, 0)
    rbox.addWidget(tab_widget, 1)
    rbox.addWidget(notes)
    split.addWidget(right)
    split.setStretchFactor(0, 2)
    split.setStretchFactor(1, 3)
    split.setSizes(list(sizes_px))
    outer.addWidget(split, 1)
    return ResultTabs(split, plot_holder, tab_widget, models, views, notes)


def show_tables(models: dict[str, TypedTableModel], views: dict[str, QTableView], tables: dict[str, Any],
                wrapped: Iterable[str]) -> None:
    """Put each typed table in its model (None clears it); in the ``wrapped`` tabs the last column takes the
    width left and wraps its sentences (a stretched *last section* would never shrink below the width its text
    had: Qt keeps that as its minimum), and the rows grow to show them."""
    wrapped_keys = set(wrapped)
    for key, model in models.items():
        model.set_table(tables.get(key))
        if key in wrapped_keys and model.columnCount():
            view = views[key]
            header = view.horizontalHeader()
            header.setStretchLastSection(False)
            for c in range(model.columnCount() - 1):
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(model.columnCount() - 1, QHeaderView.ResizeMode.Stretch)
            view.resizeRowsToContents()


def table_notes(table: Any) -> str:
    """A typed table's notes and source, one per line ("" without a table)."""
    if table is None:
        return ""
    return greek("\n".join(list(table.notes) + ([f"Source: {table.source}"] if table.source else [])))


def show_headline(label: QLabel, status: Status, text: str) -> None:
    """The headline in the status's colours."""
    fg, bg = STATUS_COLOURS[status]
    label.setText(text)
    label.setStyleSheet(f"color: {fg}; background-color: {bg}; font-weight: bold; padding: 6px; font-size: 11pt")
    label.setVisible(True)


def clear_results(models: dict[str, TypedTableModel], headline: QLabel, notes: QLabel) -> None:
    """Empty every table, hide the headline and clear the notes."""
    for m in models.values():
        m.set_table(None)
    headline.setVisible(False)
    notes.setText("")


def show_running(progress: QProgressBar, cancel_button: QPushButton, status: QLabel, phase: str,
                 message: str) -> None:
    """A worker has started: a busy bar showing its first phase, Cancel, and what runs."""
    progress.setRange(0, 0)
    progress.setFormat(phase)
    progress.setVisible(True)
    cancel_button.setVisible(True)
    cancel_button.setEnabled(True)
    status.setStyleSheet("")
    status.setText(message)


def show_progress(progress: QProgressBar, done: int, total: int, what: str) -> None:
    """A worker's step: counted when it has more than one, else the busy bar with the step's name."""
    if total > 1:
        progress.setRange(0, total)
        progress.setValue(done)
    progress.setFormat(f"{what} (%v of %m)" if total > 1 else what)


def keep_until_finished(worker: QThread, kept: list[Any]) -> None:
    """Keep a cancelled worker that still runs alive (in ``kept``) until its thread ends.

    Connected before the thread's state is read: a thread that ends before the connection reads as not
    running here, one that ends after it is reported by ``finished``; never kept for good (read first and
    connected after, a thread ending in between was kept: a cancel landing just as the check stops)."""
    kept.append(worker)
    worker.finished.connect(lambda w=worker: kept.remove(w) if w in kept else None)
    if not worker.isRunning() and worker in kept:
        kept.remove(worker)
