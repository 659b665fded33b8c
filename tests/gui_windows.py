"""One main window for a test module: its own settings and data folders, "discard" answered to every question.

Used by module-scoped fixtures (one window per module keeps the GUI tests fast)::

    @pytest.fixture(scope="module")
    def win(qapp, tmp_path_factory):
        with module_window(qapp, tmp_path_factory, "my-module") as w:
            yield w
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest


@contextmanager
def module_window(qapp: Any, tmp_path_factory: Any, label: str, *, size: tuple[int, int] = (1024, 740),
                  deferred: bool = False) -> Iterator[Any]:
    """A shown :class:`MainWindow` of *size* (px), closed clean when the block ends."""
    from PySide6.QtWidgets import QMessageBox

    base = tmp_path_factory.mktemp(label)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SBRT_CALC_SETTINGS_DIR", str(base / "settings"))
        mp.setenv("SBRT_CALC_DATA_DIR", str(base / "data"))
        mp.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
        from sbrt_calc.gui.main_window import MainWindow

        w = MainWindow(deferred=True) if deferred else MainWindow()
        w.resize(*size)
        w.show()
        qapp.processEvents()
        try:
            yield w
        finally:
            w.undo_stack.setClean()
            w.close()
            w.deleteLater()
            qapp.processEvents()
