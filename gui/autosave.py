"""Autosave: write the current case a few seconds after each change, recover it after a crash.

Each running app writes ``autosave-<pid>.sbrt.json`` in the data folder
(:func:`.settings.data_dir`, overridable with ``SBRT_CALC_DATA_DIR``). A normal save or close
removes it. At start, an autosave whose process is no longer running, and that is newer than
the file it belongs to, was left by a crash: the app offers to recover it.
The autosave is a normal case file plus an ``autosave`` section (source path, time).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from sbrt_calc.case import Case, CaseError, load_case, save_case

from . import settings

PREFIX = "autosave-"
SUFFIX = ".sbrt.json"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


@dataclass(frozen=True)
class Recoverable:
    path: Path
    case: Case
    source_path: str | None
    saved_at: float


def find_recoverable(folder: Path | None = None) -> list[Recoverable]:
    """Autosaves left by processes that are gone, newest first (unreadable ones are skipped)."""
    folder = folder or settings.data_dir()
    out = []
    for p in folder.glob(f"{PREFIX}*{SUFFIX}"):
        try:
            pid = int(p.name[len(PREFIX):-len(SUFFIX)])
        except ValueError:
            continue
        if _pid_alive(pid):
            continue
        try:
            case = load_case(p)
        except CaseError:
            continue
        meta = case.sections.get("autosave", {}) if isinstance(case.sections.get("autosave"), dict) else {}
        source = meta.get("source_path") or None
        mtime = p.stat().st_mtime
        if source and Path(source).exists() and Path(source).stat().st_mtime >= mtime:
            p.unlink(missing_ok=True)   # the saved file is newer: nothing to recover
            continue
        sections = {k: v for k, v in case.sections.items() if k != "autosave"}
        from dataclasses import replace

        out.append(Recoverable(p, replace(case, sections=sections), source, mtime))
    return sorted(out, key=lambda r: r.saved_at, reverse=True)


class Autosaver(QObject):
    """Debounced autosave of whatever ``snapshot()`` returns."""

    def __init__(self, snapshot: Callable[[], tuple[Case, str | None]], interval_ms: int = 2000,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.snapshot = snapshot
        self.path = settings.data_dir() / f"{PREFIX}{os.getpid()}{SUFFIX}"
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(int(interval_ms))
        self.timer.timeout.connect(self.write_now)
        self.last_error: str | None = None

    def schedule(self) -> None:
        self.timer.start()

    def write_now(self) -> None:
        from dataclasses import replace

        self.timer.stop()
        case, source = self.snapshot()
        sections = dict(case.sections)
        sections["autosave"] = {"source_path": source, "saved_at": time.time(), "pid": os.getpid()}
        try:
            save_case(replace(case, sections=sections), self.path)
            self.last_error = None
        except OSError as exc:
            self.last_error = f"autosave failed: {exc}"

    def clear(self) -> None:
        self.timer.stop()
        self.path.unlink(missing_ok=True)
