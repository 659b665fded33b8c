"""Autosave: keep a copy of the unsaved work while edits continue; recover it after a crash.

Timing (:class:`AutosavePolicy`): a save is due when the edits pause for the idle interval
(the preference, 2 s by default) *or* when the oldest unsaved edit is ``max_delay_s`` old
(10 s), even if edits continue; never more often than every ``min_gap_s``. A debounce alone
(each edit restarting the timer) lost everything when edits came 1.2 s apart and the app crashed.

Each running app is a *session* with a random id: it writes ``autosave-<id>.sbrt.json`` in the
data folder (:func:`.settings.data_dir`, overridable with ``SBRT_CALC_DATA_DIR``) and holds an OS
file lock on ``autosave-<id>.lock`` for as long as its process lives
(:class:`sbrt_calc.session_lock.SessionLock`). At start, an autosave whose lock is free was left by
a crash and is offered for recovery. A pid decides nothing: it is reused by other Python programs
and, in a pid namespace, the app is pid 1 on every start (Qt's ``QLockFile`` took those for a live
owner and hid the work, issue 20). When the folder cannot lock (some network file systems), the
autosave is offered with a warning rather than hidden (:attr:`Recoverable.owner` "unknown").
An autosave is deleted only by a normal save or close of its own session or by the user's choice
(recover or discard); a newer case file does not delete it.

The autosave is a normal case file plus an ``autosave`` section: source path, time, session, and
the source file's fingerprint *as this session knew it* (when it was opened or last saved), so that
after a recovery a save still asks before overwriting a file someone else saved meanwhile.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from sbrt_calc.atomic_write import Fingerprint, file_fingerprint
from sbrt_calc.case import Case, load_case, save_case
from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.session_lock import SessionLock, State, session_state

from . import settings
from .qt_values import PRECISE_TIMER, set_enum_property

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


@dataclass(frozen=True)
class Recoverable:
    path: Path
    case: Case
    source_path: str | None
    saved_at: float
    #: the case file changed after this session last opened or saved it (the autosave may hold other work)
    source_newer: bool = False
    #: the source file as the crashed session knew it: what a save after recovery compares with.
    #: None: the autosave did not record it (an older version) and a save asks before overwriting
    source_fingerprint: Fingerprint | None = None
    #: "gone" (its lock is free) or "unknown" (the folder cannot lock: it may still run)
    owner: State = "gone"


def _fingerprint_of(meta: dict[str, Any]) -> Fingerprint | None:
    fp = meta.get("source_fingerprint")
    if not isinstance(fp, dict):
        return None
    size, mtime_ns, sha = fp.get("size"), fp.get("mtime_ns"), fp.get("sha256")
    if isinstance(size, int) and isinstance(mtime_ns, int) and isinstance(sha, str):
        return size, mtime_ns, sha
    return None


def find_recoverable(folder: Path | None = None, own: Path | None = None) -> list[Recoverable]:
    """Autosaves left by sessions that are gone (or may be), newest first (unreadable ones are left alone)."""
    folder = folder or settings.data_dir()
    out = []
    for p in folder.glob(f"{PREFIX}*{SUFFIX}"):
        if own is not None and p == own:
            continue
        owner = session_state(_lock_path(p))
        if owner == "alive":
            continue
        try:
            case = load_case(p)
            mtime = p.stat().st_mtime
        except (SbrtCalcError, OSError):
            continue
        raw = case.sections.get("autosave")
        meta: dict[str, Any] = raw if isinstance(raw, dict) else {}
        source = meta.get("source_path") or None
        source = source if isinstance(source, str) else None
        known = _fingerprint_of(meta)
        if source and known is not None:
            newer = file_fingerprint(source) != known
        else:
            try:
                newer = bool(source) and Path(str(source)).stat().st_mtime >= mtime
            except (OSError, ValueError):
                newer = False
        sections = {k: v for k, v in case.sections.items() if k != "autosave"}
        out.append(Recoverable(p, replace(case, sections=sections), source, mtime, newer, known, owner))
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
                 clock: Callable[[], float] = time.monotonic,
                 source_fingerprint: Callable[[], Fingerprint | None] | None = None,
                 start_session: bool = True) -> None:
        """``start_session`` False: the session's lock is taken later, by :meth:`start_session` (the app's start
        calls it once the filled table is painted) or at the latest by the first :meth:`write_now`, before the
        autosave file exists."""
        super().__init__(parent)
        self.snapshot = snapshot
        #: the source file as the session knows it (opened or last saved), written into the autosave
        self.source_fingerprint = source_fingerprint
        self.clock = clock
        self.session_id = os.urandom(16).hex()   # 128 random bits, as uuid4 (without importing uuid at start-up)
        self._path: Path | None = None
        self.lock: SessionLock | None = None
        self.session_started = False
        if start_session:
            self.start_session()
        self.policy = AutosavePolicy(int(interval_ms) / 1000, max_delay_s, min(2.0, int(interval_ms) / 1000))
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        set_enum_property(self.timer, "timerType", PRECISE_TIMER)   # no Qt type at start (qt_values)
        self.timer.setInterval(int(interval_ms))
        self.timer.timeout.connect(self._check)
        self.deadline = QTimer(self)
        self.deadline.setSingleShot(True)
        self.deadline.timeout.connect(self._check)
        self.last_error: str | None = None

    @property
    def path(self) -> Path:
        """This session's autosave file, in the data folder (:func:`.settings.data_dir`, looked up when first
        asked for)."""
        if self._path is None:
            self._path = settings.data_dir() / f"{PREFIX}{self.session_id}{SUFFIX}"
        return self._path

    def start_session(self) -> None:
        """Hold this session's lock (once; the data folder made if missing): from then on, another start sees this
        session alive and does not offer its autosave for recovery. Without a lock (a read-only folder, a file
        system without locks) the session runs on; its autosave would be offered with a warning."""
        if self.session_started:
            return
        self.session_started = True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.lock = SessionLock(_lock_path(self.path), self.session_id)
        except OSError:
            self.lock = None

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
        self.start_session()   # the lock before the file: another start must never take a live session's work
        case, source = self.snapshot()
        sections = dict(case.sections)
        sections["autosave"] = {"source_path": source, "saved_at": time.time(), "session": self.session_id}
        known = self.source_fingerprint() if self.source_fingerprint is not None and source else None
        if known is not None:
            sections["autosave"]["source_fingerprint"] = {"size": known[0], "mtime_ns": known[1], "sha256": known[2]}
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
            self.lock.release()
