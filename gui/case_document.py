"""The open case as a document: its path, saving, the on-disk check, the lock and the autosave.

The main window shows and edits the case; this object decides how it reaches the disk:

- **Save / Save As / close**: a save that fails (disk full, permission, a value JSON cannot
  hold) shows the reason, keeps the edit (the window stays modified and open) and offers
  Save As. Closing with "Save" closes only when the save succeeded.
- **Changed on disk**: the file's SHA-256, size and mtime are noted when it is opened or
  saved; before overwriting, a file that changed since (another instance or program saved
  it) makes the user choose: overwrite, save as, or cancel. The last save no longer wins
  without a word.
- **Second instance**: a ``QLockFile`` beside the case (``.<name>.sbrt-lock``) is held while
  it is open; when another instance holds it, the user is warned (its process and host).
- **Autosave** (:class:`.autosave.Autosaver`): timed by its policy, failures shown once per
  run of failures (status bar every time), recovery files keyed by a session id and deleted
  only by a save, a normal close, or the user's choice.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from sbrt_calc.atomic_write import Fingerprint, file_fingerprint
from sbrt_calc.case import SUFFIX, Case, save_case
from sbrt_calc.errors import SbrtCalcError

from . import settings
from .autosave import Autosaver, Recoverable, find_recoverable

if TYPE_CHECKING:
    from PySide6.QtCore import QLockFile

FILE_FILTER = f"sbrt-calc case (*{SUFFIX});;JSON (*.json);;All files (*)"
fingerprint = file_fingerprint   # (size, mtime in ns, SHA-256); None when unreadable


def lock_path(path: str | Path) -> Path:
    p = Path(path)
    return p.with_name(f".{p.name}.sbrt-lock")


class CaseDocument(QObject):
    """See the module docstring. ``snapshot()`` returns the case as the window shows it."""

    saved = Signal(str)
    message = Signal(str, int)   # text for the status bar, timeout in ms

    def __init__(self, window: QWidget, snapshot: Callable[[], Case], undo_stack: Any, interval_ms: int,
                 start_session: bool = True) -> None:
        """``start_session`` False (the app's deferred start): the autosave session's lock is taken later
        (:meth:`.autosave.Autosaver.start_session`)."""
        super().__init__(window)
        self.window = window
        self.case_snapshot = snapshot
        self.undo_stack = undo_stack
        self.path: str | None = None
        self.on_disk: Fingerprint | None = None
        self.lock: QLockFile | None = None
        self.autosaver = Autosaver(lambda: (self.case_snapshot(), self.path), interval_ms, self,
                                   source_fingerprint=lambda: self.on_disk, start_session=start_session)
        self.autosaver.failed.connect(self._autosave_failed)
        self.autosaver.written.connect(self._autosave_ok)
        self._autosave_warned = False
        self.message.connect(lambda text, ms: self.window.statusBar().showMessage(text, ms))  # type: ignore[attr-defined]

    # --- path, lock, fingerprint -------------------------------------------------------------
    def set_path(self, path: str | None) -> None:
        """The case shown now belongs to ``path`` (None: a new case): note its state, lock it."""
        if self.lock is not None:
            self.lock.unlock()
            self.lock = None
        self.path = str(path) if path else None
        self.on_disk = fingerprint(self.path) if self.path else None
        if self.path:
            self._lock(self.path)

    def _lock(self, path: str) -> None:
        from PySide6.QtCore import QLockFile  # here: the first frame opens no file (its type, ~0.3 ms CPU)
        from PySide6.QtWidgets import QMessageBox

        lock = QLockFile(str(lock_path(path)))
        lock.setStaleLockTime(0)
        if lock.tryLock(0):
            self.lock = lock
            return
        if lock.error() != QLockFile.LockError.LockFailedError:
            return   # a read-only folder: no lock, nothing to warn about
        info = lock.getLockInfo()   # (pid, host, app) in PySide6; (ok, pid, host, app) in some versions
        info = info[1:] if len(info) == 4 else info
        who = f" (process {info[0]} on {info[1]})" if len(info) >= 2 and info[0] else ""
        QMessageBox.warning(self.window, "Case open elsewhere",
                            f"{Path(path).name} is already open in another sbrt-calc{who}. Changes saved there "
                            "and here can overwrite each other: you will be asked before overwriting a file "
                            "that changed on disk.")

    def changed_on_disk(self) -> bool:
        """True when the open file differs from what was opened or last saved."""
        return bool(self.path) and self.on_disk is not None and fingerprint(self.path or "") != self.on_disk

    def _ask_conflict(self, path: str) -> str:
        """'overwrite', 'save_as' or 'cancel' for a file that changed since it was opened."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, "Case changed on disk",
                          f"{path} was changed since you opened it (another sbrt-calc or program saved it).\n"
                          "Overwrite it with this window's case, save this case under another name, or cancel?",
                          QMessageBox.StandardButton.NoButton, self.window)
        overwrite = box.addButton("Overwrite", QMessageBox.ButtonRole.DestructiveRole)
        save_as = box.addButton("Save As…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(save_as)
        box.exec()
        clicked = box.clickedButton()
        return "overwrite" if clicked is overwrite else "save_as" if clicked is save_as else "cancel"

    # --- save ---------------------------------------------------------------------------------
    def save(self) -> bool:
        return self.save_to(self.path) if self.path else self.save_as()

    def save_as(self) -> bool:
        # a saved case: its own file; a new one (or an eligibility TOML, e.g. from examples/): the documents folder
        from PySide6.QtWidgets import QFileDialog

        suggested = self.path or str(settings.documents_dir()
                                     / f"{settings.plain_file_stem(getattr(self.case_snapshot(), 'title', ''))}{SUFFIX}")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save case", suggested, FILE_FILTER)
        if not path:
            return False
        if not path.endswith(".json"):
            path += SUFFIX
        return self.save_to(path)

    def save_to(self, path: str) -> bool:
        """Save to ``path``; False (edit kept, reason shown, Save As offered) when it did not happen."""
        # os.path.realpath, not Path.resolve: a symlink loop must fail the save with a message, not raise
        same = bool(self.path) and os.path.realpath(path) == os.path.realpath(self.path or "")
        if same and self.changed_on_disk():
            choice = self._ask_conflict(path)
            if choice == "save_as":
                return self.save_as()
            if choice != "overwrite":
                self.message.emit("Not saved: the file changed on disk", 8000)
                return False
        try:
            save_case(self.case_snapshot(), path)
        except (OSError, SbrtCalcError) as exc:
            return self._save_failed(path, exc)
        self.set_path(os.path.realpath(path))
        self.undo_stack.setClean()
        self.autosaver.clear()
        self.saved.emit(self.path or path)
        try:
            settings.add_recent_file(path)
        except settings.PreferencesNotSaved as exc:   # the case is saved; the recent-files list is not
            self.message.emit(f"Saved {Path(path).name}; {exc.message}", 15000)
            return True
        self.message.emit(f"Saved {Path(path).name}", 4000)
        return True

    def _save_failed(self, path: str, exc: Exception) -> bool:
        from PySide6.QtWidgets import QMessageBox

        msg = f"Could not save {path}: {exc}"
        self.message.emit(msg + " (your edits are kept)", 15000)
        B = QMessageBox.StandardButton
        answer = QMessageBox.warning(self.window, "Cannot save case",
                                     f"{msg}\n\nYour edits are kept in this window. Save under another name?",
                                     B.Save | B.Cancel, B.Save)
        return self.save_as() if answer == B.Save else False

    def maybe_save(self) -> bool:
        """True when it is fine to discard the current case (saved, discarded, or unchanged)."""
        if self.undo_stack.isClean():
            return True
        from PySide6.QtWidgets import QMessageBox

        B = QMessageBox.StandardButton
        name = Path(self.path).name if self.path else getattr(self.case_snapshot(), "title", "the case")
        answer = QMessageBox.question(self.window, "Unsaved changes", f"Save the changes to {name}?",
                                      B.Save | B.Discard | B.Cancel, B.Save)
        if answer == B.Save:
            return self.save()
        return answer == B.Discard

    def close(self) -> bool:
        """The window may close: saved, unchanged or discarded; then the autosave and locks go."""
        if not self.maybe_save():
            return False
        self.autosaver.release()
        self.set_path(None)
        return True

    # --- autosave -----------------------------------------------------------------------------
    def edited(self) -> None:
        if self.undo_stack.isClean():
            self.autosaver.clear()
        else:
            self.autosaver.schedule()

    def _autosave_failed(self, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        self.message.emit(text + " (your edits are still in this window: save them)", 15000)
        if not self._autosave_warned:
            self._autosave_warned = True
            QMessageBox.warning(self.window, "Autosave failed",
                                f"{text}\n\nIf sbrt-calc stops now, the unsaved edits cannot be recovered. "
                                "Save the case (or Save As) to keep them.")

    def _autosave_ok(self) -> None:
        self._autosave_warned = False

    def check_recovery(self, policy: str, recover: Callable[[Recoverable], None]) -> bool:
        """Offer the newest autosave left by a crash; delete one only when the user chooses so.

        ``policy``: 'ask' (dialog: Yes recovers, No discards, Cancel keeps it for later),
        'yes' or 'no' (keeps it).
        """
        from PySide6.QtWidgets import QMessageBox

        found = find_recoverable(own=self.autosaver.path)
        if not found or policy == "no":
            return False
        latest = found[0]
        if policy != "yes":
            B = QMessageBox.StandardButton
            newer = ("\nThe case file was changed on disk after that session last opened or saved it; recovering "
                     "opens the autosaved version (the file itself is not changed until you save, and saving asks "
                     "before overwriting it)." if latest.source_newer else "")
            if latest.owner == "unknown":   # offered rather than hidden (issue 20)
                newer += ("\nWarning: this folder cannot tell whether the session that wrote it still runs (no file "
                          "locks). If another sbrt-calc window is open, choose Cancel.")
            later = f"\n({len(found) - 1} more kept for later.)" if len(found) > 1 else ""
            answer = QMessageBox.question(
                self.window, "Recover unsaved work?",
                f"sbrt-calc did not close normally. Recover the unsaved work of "
                f"'{latest.source_path or latest.case.title}' ({len(latest.case.regimens)} regimens)?{newer}\n"
                f"Choose No to discard it, Cancel to decide later.{later}", B.Yes | B.No | B.Cancel, B.Yes)
            if answer == B.No:
                latest.path.unlink(missing_ok=True)
                return False
            if answer != B.Yes:
                return False
        recover(latest)
        return True

    def recovered(self, item: Recoverable) -> None:
        """``item`` is now in the window: autosave it under this session, then remove the old file.

        The file's fingerprint is the one the crashed session knew, not the file as it is now: a
        save then asks before overwriting what another window saved meanwhile (issue 20). An
        autosave without one (older versions) makes the save ask too.
        """
        if item.source_path and self.path:
            self.on_disk = item.source_fingerprint or (-1, -1, "unknown: recovered from an autosave")
        if self.autosaver.write_now():
            item.path.unlink(missing_ok=True)
        self.message.emit("Recovered the unsaved work from the autosave", 6000)
