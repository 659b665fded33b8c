"""Autosave: keep a copy of the unsaved work while edits continue; recover it after a crash.

Timing (:class:`AutosavePolicy`): a save is due when the edits pause for the idle interval
(the preference, 2 s by default) *or* when the oldest unsaved edit is ``max_delay_s`` old
(10 s), even if edits continue; never more often than every ``min_gap_s``. A debounce alone
(each edit restarting the timer) lost everything when edits came 1.2 s apart and the app crashed.

Each running app is a *session* with a random id: it writes ``autosave-<id>.sbrt.json`` in the
data folder (:func:`.settings.data_dir`, overridable with ``SBRT_CALC_DATA_DIR``) and holds
``autosave-<id>.lock`` (a ``QLockFile``) while it runs. At start, an autosave whose lock is free
(its session is gone; a pid can be reused in containers, an id cannot) was left by a crash and
is offered for recovery. An autosave is deleted only by a normal save or close of its own
session or by the user's choice (recover or discard); a newer case file does not delete it.
The autosave is a normal case file plus an ``autosave`` section (source path, time, session).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Qt, QTimer, Signal

from sbrt_calc.case import Case, load_case, save_case
from sbrt_calc.errors import SbrtCalcError

from . import settings

PREFIX = "autosave-"
SUFFIX = ".sbrt.json"
LOCK_SUFFIX = ".lock"
#: At least this often (seconds) while edits continue.
MAX_DELAY_S = 10.0


class AutosavePolicy:
    """When to autosave, as a function of the edit and save times (any clock; tests use a fake one)."""

    def __init__(self, idle_s: float = 2.0, max_delay_s: float = MAX_DELAY_S, min_gap_s: float = 2.0) -> None:
        self.idle_s = idle_s
        self.max_delay_s = max_delay_s
        self.min_gap_s = min_gap_s
        self.pending_since: float | None = None
        self.last_edit = float("-inf")
        self.last_save = float("-inf")

    def edited(self, now: float) -> None:
        if self.pending_since is None:
            self.pending_since = now
        self.last_edit = now

    def saved(self, now: float) -> None:
        self.pending_since = None
        self.last_save = now

    def due_at(self) -> float | None:
        """When the next save is due (None: nothing to save)."""
        if self.pending_since is None:
            return None
        return max(min(self.last_edit + self.idle_s, self.pending_since + self.max_delay_s),
                   self.last_save + self.min_gap_s)

    def is_due(self, now: float) -> bool:
        due = self.due_at()
        return due is not None and now >= due


def _lock_path(autosave: Path) -> Path:
    return autosave.with_name(autosave.name[: -len(SUFFIX)] + LOCK_SUFFIX)


def _session_alive(autosave: Path) -> bool:
    """True when the session that writes ``autosave`` still runs (its lock is held)."""
    lock = QLockFile(str(_lock_path(autosave)))
    lock.setStaleLockTime(0)   # never stale by age: only a dead owner frees it
    if lock.tryLock(0):
        lock.unlock()           # was free (or stale): the session is gone
        return False
    return lock.error() == QLockFile.LockError.LockFailedError


@dataclass(frozen=True)
class Recoverable:
    path: Path
    case: Case
    source_path: str | None
    saved_at: float
    #: the case file was saved after this autosave (the autosave may still hold other work)
    source_newer: bool = False


def find_recoverable(folder: Path | None = None, own: Path | None = None) -> list[Recoverable]:
    """Autosaves left by sessions that are gone, newest first (unreadable ones are left alone)."""
    folder = folder or settings.data_dir()
    out = []
    for p in folder.glob(f"{PREFIX}*{SUFFIX}"):
        if own is not None and p == own or _session_alive(p):
            continue
        try:
            case = load_case(p)
            mtime = p.stat().st_mtime
        except (SbrtCalcError, OSError):
            continue
        meta = case.sections.get("autosave") if isinstance(case.sections.get("autosave"), dict) else {}
        source = (meta or {}).get("source_path") or None
        try:
            newer = bool(source) and Path(str(source)).stat().st_mtime >= mtime
        except OSError:
            newer = False
        sections = {k: v for k, v in case.sections.items() if k != "autosave"}
        out.append(Recoverable(p, replace(case, sections=sections), source if isinstance(source, str) else None,
                               mtime, newer))
    return sorted(out, key=lambda r: r.saved_at, reverse=True)


class Autosaver(QObject):
    """Autosave of whatever ``snapshot()`` returns, timed by an :class:`AutosavePolicy`.

    ``timer`` is the idle timer (its interval is the preference); ``deadline`` fires when the
    oldest unsaved edit reaches ``max_delay_s``. ``failed`` carries the message of a failed write.
    """

    failed = Signal(str)
    written = Signal()

    def __init__(self, snapshot: Callable[[], tuple[Case, str | None]], interval_ms: int = 2000,
                 parent: QObject | None = None, *, max_delay_s: float = MAX_DELAY_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.snapshot = snapshot
        self.clock = clock
        self.session_id = os.urandom(16).hex()   # 128 random bits, as uuid4 (without importing uuid at start-up)
        folder = settings.data_dir()
        self.path = folder / f"{PREFIX}{self.session_id}{SUFFIX}"
        self.lock: QLockFile | None = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.lock = QLockFile(str(_lock_path(self.path)))
            self.lock.setStaleLockTime(0)
            self.lock.tryLock(0)
        except OSError:
            self.lock = None
        self.policy = AutosavePolicy(int(interval_ms) / 1000, max_delay_s, min(2.0, int(interval_ms) / 1000))
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(int(interval_ms))
        self.timer.timeout.connect(self._check)
        self.deadline = QTimer(self)
        self.deadline.setSingleShot(True)
        self.deadline.timeout.connect(self._check)
        self.last_error: str | None = None

    def schedule(self) -> None:
        """An edit happened: restart the idle timer; start the deadline if none runs."""
        self.policy.idle_s = self.timer.interval() / 1000
        self.policy.edited(self.clock())
        self.timer.start()
        if not self.deadline.isActive() and self.policy.pending_since is not None:
            # the bound: at least every max_delay_s while edits continue (the idle timer handles pauses)
            self._arm_deadline(max(self.policy.pending_since + self.policy.max_delay_s,
                                   self.policy.last_save + self.policy.min_gap_s))

    def _arm_deadline(self, due: float | None = None) -> None:
        due = self.policy.due_at() if due is None else due
        if due is not None:
            self.deadline.start(max(0, int((due - self.clock()) * 1000) + 1))

    def _check(self) -> None:
        if self.policy.is_due(self.clock() + 0.05):   # a timer may fire a few ms early
            self.write_now()
        else:
            self._arm_deadline()

    def write_now(self) -> bool:
        """Write the autosave now; on failure keep ``last_error``, emit ``failed`` and retry later."""
        self.timer.stop()
        self.deadline.stop()
        case, source = self.snapshot()
        sections = dict(case.sections)
        sections["autosave"] = {"source_path": source, "saved_at": time.time(), "session": self.session_id}
        try:
            save_case(replace(case, sections=sections), self.path)
        except (OSError, SbrtCalcError) as exc:
            self.last_error = f"Autosave failed: {exc}"
            self.deadline.start(int(self.policy.max_delay_s * 1000))   # try again; the edit stays pending
            self.failed.emit(self.last_error)
            return False
        self.policy.saved(self.clock())
        self.last_error = None
        self.written.emit()
        return True

    def clear(self) -> None:
        """The work is saved (or discarded by the user): remove this session's autosave."""
        self.timer.stop()
        self.deadline.stop()
        self.policy.saved(self.clock())
        self.path.unlink(missing_ok=True)

    def release(self) -> None:
        """The session ends normally: remove the autosave and free the lock."""
        self.clear()
        if self.lock is not None:
            self.lock.unlock()
