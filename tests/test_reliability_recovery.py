"""Issue 20, data loss in the app: a crashed session's autosave is always found, and recovering it never
makes a later save overwrite a newer case file without the changed-on-disk question.

Each test failed before its fix: the autosave's owner was decided by Qt's ``QLockFile`` (a pid and a
program name, so a Python process that got the pid, or the app itself at pid 1 in a container, kept a
dead session "alive"), and recovery fingerprinted the case file as it was at the restart.
"""

from __future__ import annotations

import errno
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from sbrt_calc import session_lock  # noqa: E402
from sbrt_calc.case import Case, CaseRegimen, load_case, save_case  # noqa: E402
from sbrt_calc.regimen import parse_regimen  # noqa: E402
from sbrt_calc.session_lock import SessionLock, session_state  # noqa: E402


def _case(title: str, *regimens: str) -> Case:
    return Case(title, None, tuple(CaseRegimen.from_regimen(parse_regimen(r)) for r in regimens))


# --- the lock itself (no Qt) ----------------------------------------------------------------------------------

def test_a_held_lock_is_alive_an_abandoned_one_is_gone(tmp_path: Path) -> None:
    path = tmp_path / "autosave-x.lock"
    assert session_state(path) == "gone"                 # no lock file: never locked or ended normally
    lock = SessionLock(path, "x")
    assert lock.held and session_state(path) == "alive"
    assert '"session": "x"' in path.read_text(encoding="utf-8")
    lock.abandon()                                       # the process died: the kernel frees the lock
    assert path.exists() and session_state(path) == "gone"
    again = SessionLock(path, "y")                       # a lock file left by a crash can be taken again
    assert again.held and session_state(path) == "alive"
    again.release()
    assert not path.exists() and session_state(path) == "gone"


def test_a_lock_held_by_another_process_is_alive(tmp_path: Path) -> None:
    path = tmp_path / "autosave-z.lock"
    holder = subprocess.Popen([sys.executable, "-c", "import sys; from sbrt_calc.session_lock import SessionLock; "
                               "l = SessionLock(sys.argv[1]); print(l.held, flush=True); sys.stdin.readline()",
                               str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "True"
        assert session_state(path) == "alive"
    finally:
        holder.kill()
        holder.wait(timeout=10)
        if holder.stdout:
            holder.stdout.close()
        if holder.stdin:
            holder.stdin.close()
    assert session_state(path) == "gone"                 # killed: no cleanup ran, the lock is free


def test_a_folder_without_locks_says_unknown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "autosave-n.lock"
    path.write_text("", encoding="utf-8")

    def no_locks(fd: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(session_lock, "_try_lock", no_locks)
    assert session_state(path) == "unknown"


# --- the app ------------------------------------------------------------------------------------------------

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QLockFile  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402
from sbrt_calc.gui import case_document  # noqa: E402
from sbrt_calc.gui.autosave import find_recoverable  # noqa: E402
from sbrt_calc.gui.main_window import MainWindow  # noqa: E402


def _qt_lock_text(tmp_path: Path) -> bytes:
    """What Qt's QLockFile writes for this process (its pid, program name and host): the lock file of a
    session whose pid is now ours (pid namespace: pid 1 on every start) or another Python program's."""
    probe = QLockFile(str(tmp_path / "probe.lock"))
    assert probe.tryLock(0)
    text = (tmp_path / "probe.lock").read_bytes()
    probe.unlock()
    return text


@pytest.fixture
def sleeper() -> object:
    """Another Python process (the same program name as ours), alive during the test."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield proc
    proc.kill()
    proc.wait(timeout=10)


@pytest.mark.parametrize("whose_pid", ["ours (pid namespace)", "another Python process"])
def test_a_crashed_session_is_offered_whatever_its_pid_became(qtbot, isolated_dirs, tmp_path: Path, sleeper,
                                                             whose_pid: str) -> None:  # noqa: ANN001
    """The lock file of a dead session names a pid that is alive and runs Python: it was hidden before."""
    _s, data_dir = isolated_dirs
    lost = save_case(_case("lost", "40/5"), data_dir / "autosave-0123456789abcdef0123456789abcdef.sbrt.json")
    text = _qt_lock_text(tmp_path)
    pid = os.getpid() if whose_pid.startswith("ours") else sleeper.pid  # type: ignore[attr-defined]
    lines = text.split(b"\n")
    lines[0] = str(pid).encode()
    (data_dir / "autosave-0123456789abcdef0123456789abcdef.lock").write_bytes(b"\n".join(lines))
    found = find_recoverable()
    assert [r.path for r in found] == [lost] and found[0].owner == "gone"


def test_a_session_that_may_still_run_is_offered_with_a_warning(qtbot, isolated_dirs, monkeypatch,
                                                                 ) -> None:  # noqa: ANN001
    _s, data_dir = isolated_dirs
    save_case(_case("maybe", "40/5"), data_dir / "autosave-feedfeedfeedfeedfeedfeedfeedfeed.sbrt.json")
    (data_dir / "autosave-feedfeedfeedfeedfeedfeedfeedfeed.lock").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(session_lock, "_try_lock", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOLCK, "no")))
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Cancel))
    w = MainWindow()
    qtbot.addWidget(w)
    assert not w.check_recovery("ask")
    assert len(asked) == 1 and "cannot tell whether the session" in asked[0]
    w.undo_stack.setClean()


def test_recover_then_save_asks_before_overwriting_a_newer_file(qtbot, isolated_dirs, warnings: list,
                                                                 tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """A edits and autosaves, B saves the file, A is killed; A restarts, recovers and saves: asked, B's work kept."""
    path = save_case(_case("shared", "36/3"), tmp_path / "shared.sbrt.json")
    a = MainWindow()
    qtbot.addWidget(a)
    assert a.open_path(str(path), ask=False)
    known = a.document.on_disk
    a.entry.setText("54/3")
    assert a.add_from_entry()
    assert a.autosaver.write_now()
    save_case(_case("B's work", "36/3", "60/8", "48/4"), path)            # window B saves the file
    # A is killed: its autosave and lock files stay, the kernel frees its lock, no cleanup runs
    a.autosaver.timer.stop()
    a.autosaver.deadline.stop()
    assert a.autosaver.lock is not None
    a.autosaver.lock.abandon()

    c = MainWindow()                                                       # A restarts
    qtbot.addWidget(c)
    assert c.check_recovery("yes")
    assert [r.label for r in c.model.rows()] == ["36/3", "54/3"] and c.file_path == str(path)
    assert load_case(c.autosaver.path).sections["autosave"]["source_fingerprint"]["sha256"] == known[2]
    asked: list[str] = []
    monkeypatch.setattr(case_document.CaseDocument, "_ask_conflict",
                        lambda self, p: asked.append(p) or "cancel")
    assert not c.save()
    assert asked == [str(path)]
    assert load_case(path).title == "B's work"                             # nothing lost
    asked.clear()
    monkeypatch.setattr(case_document.CaseDocument, "_ask_conflict", lambda self, p: asked.append(p) or "overwrite")
    assert c.save() and asked == [str(path)]                               # the user's choice, asked once
    assert [r.label for r in load_case(path).regimens] == ["36/3", "54/3"]
    a.undo_stack.setClean()


def test_recovering_an_autosave_without_a_fingerprint_asks_before_saving(qtbot, isolated_dirs, warnings: list,
                                                                         tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """An autosave of an earlier version (no fingerprint): unsure, so the save asks."""
    _s, data_dir = isolated_dirs
    path = save_case(_case("file", "36/3"), tmp_path / "f.sbrt.json")
    old = Case("file", None, (CaseRegimen.from_regimen(parse_regimen("54/3")),),
               sections={"autosave": {"source_path": str(path), "saved_at": 0.0, "session": "old"}})
    save_case(old, data_dir / "autosave-00000000000000000000000000000001.sbrt.json")
    c = MainWindow()
    qtbot.addWidget(c)
    assert c.check_recovery("yes")
    asked: list[str] = []
    monkeypatch.setattr(case_document.CaseDocument, "_ask_conflict", lambda self, p: asked.append(p) or "cancel")
    assert not c.save() and asked == [str(path)]
    c.undo_stack.setClean()


# --- preferences that cannot be written -------------------------------------------------------------------------

@pytest.fixture
def unwritable_settings(isolated_dirs) -> Path:  # noqa: ANN001
    """The settings file cannot be written (a folder stands where the INI file goes: root ignores permissions)."""
    settings_dir, _ = isolated_dirs
    (settings_dir / "sbrt-calc.ini").mkdir()
    return settings_dir / "sbrt-calc.ini"


def test_preferences_that_cannot_be_written_are_said_so(qtbot, unwritable_settings: Path, warnings: list) -> None:  # noqa: ANN001
    """QSettings' sync error was ignored: the preference seemed saved and was gone at the next start."""
    from sbrt_calc.gui import settings
    from sbrt_calc.gui.preferences_dialog import PreferencesDialog

    with pytest.raises(settings.PreferencesNotSaved, match="were not saved to .*sbrt-calc.ini"):
        settings.set_value("decimals", 3)
    assert settings.get("decimals") == 3                  # it still applies in this session
    dlg = PreferencesDialog()
    qtbot.addWidget(dlg)
    dlg.decimals.setValue(2)
    dlg._accept()
    assert dlg.not_saved and "not saved" in dlg.not_saved
    assert [w[0] for w in warnings] == ["Preferences not saved"]


def test_a_saved_case_says_the_recent_files_list_was_not_saved(qtbot, unwritable_settings: Path, warnings: list,
                                                              tmp_path: Path) -> None:  # noqa: ANN001
    w = MainWindow()
    qtbot.addWidget(w)
    w.entry.setText("54/3")
    assert w.add_from_entry()
    assert w.save_to(str(tmp_path / "c.sbrt.json"))       # the case is saved: that is what matters
    assert "preferences were not saved" in w.statusBar().currentMessage()
    assert load_case(tmp_path / "c.sbrt.json").regimens


def test_save_as_to_a_symlink_loop_is_a_message_not_an_exception(qtbot, isolated_dirs, warnings: list,
                                                                  tmp_path: Path) -> None:  # noqa: ANN001
    """Path.resolve raised RuntimeError out of save_to (Python < 3.13) before the save could say why."""
    loop = tmp_path / "loop.sbrt.json"
    loop.symlink_to(tmp_path / "loop2.sbrt.json")
    (tmp_path / "loop2.sbrt.json").symlink_to(loop)
    w = MainWindow()
    qtbot.addWidget(w)
    w.entry.setText("54/3")
    assert w.add_from_entry()
    assert w.save_to(str(tmp_path / "real.sbrt.json"))                    # a case with a file: Save As compares
    w.entry.setText("36/3")
    assert w.add_from_entry()
    from unittest import mock

    with mock.patch.object(w.document, "save_as", return_value=False):   # the offered Save As: cancelled
        assert not w.save_to(str(loop))
    assert [x[0] for x in warnings] == ["Cannot save case"] and "symbolic links" in warnings[0][1]
    w.undo_stack.setClean()
