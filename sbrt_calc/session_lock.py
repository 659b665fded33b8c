"""Is the session that wrote a file still running? An OS file lock held for the process lifetime says so.

The app's autosave (``gui/autosave.py``) is offered for recovery only when the session that wrote it
is gone. A lock file that records a process id cannot tell: the id is reused, by another Python
program as often as not (every Python program is ``python3.x``, so Qt's ``QLockFile``, which
compares the pid and the program name, took a stranger for the owner), and in a pid namespace
(containers, Flatpak) the app is pid 1 on every start, so a crashed session always looked alive
and its work was never offered (issue 20).

Here "alive" is decided by something the next start cannot share: an advisory lock on the session's
lock file (``flock(2)``; ``msvcrt.locking`` on Windows), taken when the session starts and held by
an open descriptor until the process ends. The kernel frees it when the process dies, however it
dies (``kill -9``, a power cut ends everything anyway), and no other process can hold it for the
dead one, whatever its pid. The file also records the session id, pid, host, boot id and process
start time, for the messages only: they never decide.

:func:`session_state` answers ``"alive"`` (the lock is held), ``"gone"`` (the lock file is missing or
its lock is free) or ``"unknown"`` (the folder's file system does not support locks): in that case
the caller offers the work with a warning rather than hiding it.

References: POSIX/Linux ``flock(2)`` (locks belong to the open file description and are released
when the last descriptor closes, including at process exit); Microsoft ``_locking`` (region locks
released when the process ends).
"""

from __future__ import annotations

import errno
import os
import sys
import time
from pathlib import Path
from typing import Literal

State = Literal["alive", "gone", "unknown"]


def _host() -> str:
    """This machine's name, as ``socket.gethostname()`` gives it: on POSIX ``os.uname()``'s node name (the same
    ``uname(2)`` field; importing socket cost the app's cold start ~5-10 ms CPU), else socket's."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()


#: Errors that mean "this file system cannot lock", not "someone holds the lock".
_NO_LOCKS = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL, getattr(errno, "ENOTSUP", errno.EOPNOTSUPP)}
#: Errors that mean "someone holds the lock".
_HELD = {errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES, getattr(errno, "EDEADLK", errno.EAGAIN)}


def _try_lock(fd: int) -> None:
    """Take the exclusive lock on ``fd`` without waiting (OSError when held or unsupported)."""
    if sys.platform == "win32":   # pragma: no cover - not exercised on the Linux CI
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock(fd: int) -> None:
    try:
        if sys.platform == "win32":   # pragma: no cover
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)
    except OSError:
        pass


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        return ""


def _start_time() -> str:
    """This process' start time in clock ticks since boot (Linux ``/proc/self/stat`` field 22)."""
    try:
        stat = Path("/proc/self/stat").read_text(encoding="ascii")
        return stat.rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


class SessionLock:
    """The lock a running session holds on ``path`` (created if missing) until :meth:`release`.

    ``held`` is False when the lock could not be taken (a read-only folder, a file system without
    locks): the session then runs without one, and its autosave would be offered with a warning.
    """

    def __init__(self, path: str | os.PathLike[str], session_id: str = "") -> None:
        self.path = Path(path)
        self.fd = -1
        self.held = False
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError:
            return
        locked = False
        for _attempt in range(40):   # a prober (session_state at another start) may hold it for microseconds
            try:
                _try_lock(fd)
                locked = True
                break
            except OSError as exc:
                if exc.errno in _NO_LOCKS:
                    break
                time.sleep(0.005)
        if not locked:
            os.close(fd)
            return
        self.fd, self.held = fd, True
        import json  # here: the app takes its lock after the first frame, and json is not needed before

        info = {"session": session_id, "pid": os.getpid(), "host": _host(), "boot_id": _boot_id(),
                "process_start_ticks": _start_time(), "started_at": time.time()}
        try:   # for people reading the folder; never used to decide
            os.ftruncate(fd, 0)
            os.lseek(fd, 1 if sys.platform == "win32" else 0, os.SEEK_SET)
            os.write(fd, (json.dumps(info) + "\n").encode("utf-8"))
        except OSError:
            pass

    def abandon(self) -> None:
        """Close the descriptor without removing the file: what the kernel does when the process dies."""
        if self.fd >= 0:
            os.close(self.fd)
        self.fd, self.held = -1, False

    def release(self) -> None:
        """The session ends normally: remove the lock file, then free the lock."""
        if self.fd < 0:
            return
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass
        _unlock(self.fd)
        self.abandon()


def session_state(path: str | os.PathLike[str]) -> State:
    """Whether the session that holds (or held) the lock file ``path`` still runs; see the module docstring."""
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return "gone"            # never locked, or released by a normal end
    except OSError:
        try:                     # a lock file we may not write (another user's folder): a shared probe
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            return "gone"
        except OSError:
            return "unknown"
    try:
        _try_lock(fd)
    except OSError as exc:
        if exc.errno in _NO_LOCKS:
            return "unknown"
        return "alive" if exc.errno in _HELD else "unknown"
    else:
        _unlock(fd)
        return "gone"
    finally:
        os.close(fd)
