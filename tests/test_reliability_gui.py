"""Issue 12 in the app: saves that fail keep the edit, autosave timing, recovery, two instances, exports."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox  # noqa: E402
from sbrt_calc.gui import autosave as autosave_module  # noqa: E402
from sbrt_calc.gui.autosave import AutosavePolicy, Autosaver, find_recoverable  # noqa: E402
from sbrt_calc.gui.case_document import CaseDocument  # noqa: E402
from sbrt_calc.gui.main_window import MainWindow  # noqa: E402

from sbrt_calc.case import Case, CaseRegimen, load_case, save_case  # noqa: E402
from sbrt_calc.regimen import parse_regimen  # noqa: E402

B = QMessageBox.StandardButton


def _enospc(*_a: object, **_k: object) -> int:
    raise OSError(errno.ENOSPC, "No space left on device")


def _edit(w: MainWindow, text: str = "54/3") -> None:
    w.entry.setText(text)
    assert w.add_from_entry()


# --- saving that fails ---------------------------------------------------------------------------------

def test_unsavable_value_keeps_the_edit_and_the_window(window: MainWindow, warnings: list, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch, qtbot) -> None:  # noqa: ANN001
    w = window
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: B.Save))
    path = tmp_path / "c.sbrt.json"
    assert w.save_to(str(path))
    before = path.read_bytes()
    w.sections["extra"] = {"dose": float("nan")}          # a section kept verbatim, not writable as JSON
    _edit(w)
    assert not w.save()
    assert warnings and "extra.dose" in warnings[-1][1] and "edits are kept" in warnings[-1][1]
    assert "extra.dose" in w.statusBar().currentMessage()
    assert w.isWindowModified() and path.read_bytes() == before
    w.show()
    assert not w.close() and w.isVisible()                 # "Save" on close failed: the window stays
    w.sections.pop("extra")
    assert w.save() and not w.isWindowModified()
    assert load_case(path).valid_regimens()[-1].total_dose_gy == 54.0


def test_full_disk_on_save_offers_save_as(window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          qtbot) -> None:  # noqa: ANN001
    w = window
    path = tmp_path / "c.sbrt.json"
    assert w.save_to(str(path))
    before = path.read_bytes()
    _edit(w)
    other = tmp_path / "elsewhere.sbrt.json"
    offered: list = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: offered.append(a[2]) or B.Save))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(other), "")))
    real_write = os.write
    calls = {"n": 0}

    def full_once(fd: int, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_once)
    assert w.save()                                         # failed, Save As chosen, saved elsewhere
    monkeypatch.setattr(os, "write", real_write)
    assert "disk is full" in offered[0] and str(path) in offered[0]
    assert path.read_bytes() == before and load_case(other).valid_regimens()[-1].total_dose_gy == 54.0
    assert w.file_path == str(other.resolve()) and not w.isWindowModified()


def test_failed_exports_say_so_and_keep_the_old_file(window: MainWindow, warnings: list, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch, qtbot) -> None:  # noqa: ANN001
    w = window
    csv, png, pdf = tmp_path / "t.csv", tmp_path / "f.png", tmp_path / "r.pdf"
    assert w.export_csv(str(csv)) and w.export_figure(str(png)) and w.export_report(str(pdf), "A4")
    old = {p: p.read_bytes() for p in (csv, png, pdf)}
    assert old[pdf].startswith(b"%PDF") and old[png].startswith(b"\x89PNG")
    real_write = os.write
    monkeypatch.setattr(os, "write", _enospc)
    assert w.export_csv(str(csv)) is None and w.export_figure(str(png)) is None
    assert w.export_report(str(pdf), "A4") is None
    monkeypatch.setattr(os, "write", real_write)   # (not undo(): that would undo the dialog fixtures too)
    assert len(warnings) == 3 and all("disk is full" in str(m) for m in warnings)
    assert all(p.read_bytes() == data for p, data in old.items())


def test_csv_and_clipboard_are_spreadsheet_safe(window: MainWindow, tmp_path: Path, qtbot) -> None:  # noqa: ANN001
    w = window
    w.add_rows([CaseRegimen('=HYPERLINK("http://x")', 36.0, 3)])     # a label from a shared case file
    row = w.model.rowCount() - 1
    w.select_row(row)
    text = w.copy_selection()
    assert "\t'=HYPERLINK" in "\t" + text.splitlines()[1] and QApplication.clipboard().text() == text
    out = w.export_csv(str(tmp_path / "t.csv"))
    assert out and "'=HYPERLINK" in Path(out).read_text(encoding="utf-8-sig")
    w.undo_stack.setClean()


# --- autosave timing (fake clock) ---------------------------------------------------------------------------

def test_policy_saves_during_steady_editing() -> None:
    """13 edits 1.2 s apart (each restarting a 2 s debounce) saved nothing before; now at least every 10 s."""
    p = AutosavePolicy(idle_s=2.0, max_delay_s=10.0, min_gap_s=2.0)
    saves, t = [], 0.0
    edits = [1.2 * i for i in range(13)]
    while t < 20.0:
        if edits and t >= edits[0] - 1e-9:
            p.edited(edits.pop(0))
        if p.is_due(t):
            saves.append(round(t, 1))
            p.saved(t)
        t = round(t + 0.1, 1)
    assert saves and saves[0] <= 10.0                # while the edits were still coming
    assert saves[-1] == pytest.approx(14.4 + 2.0)    # and after the last one, once they pause
    assert all(b - a >= 2.0 for a, b in zip(saves, saves[1:], strict=False))   # never more often than 2 s


def test_autosaver_with_a_fake_clock(isolated_dirs, qtbot) -> None:  # noqa: ANN001
    now = [100.0]
    written: list = []
    a = Autosaver(lambda: (Case("x"), None), 2000, None, clock=lambda: now[0])
    a.written.connect(lambda: written.append(now[0]))
    for _ in range(12):                              # an edit every 1.2 s, timers checked in between
        a.schedule()
        now[0] += 1.2
        a._check()
    assert written and written[0] - 100.0 <= 10.0 + 1.2
    assert a.path.exists() and a.session_id in a.path.name and str(os.getpid()) not in a.path.name
    a.release()
    assert not a.path.exists()


def test_autosave_failure_is_shown_once_and_retried(window: MainWindow, warnings: list,
                                                    monkeypatch: pytest.MonkeyPatch, qtbot) -> None:  # noqa: ANN001
    w = window
    _edit(w)
    real_save = autosave_module.save_case
    monkeypatch.setattr(autosave_module, "save_case", lambda *a, **k: _enospc())
    assert not w.autosaver.write_now() and not w.autosaver.write_now()
    assert len([m for m in warnings if m[0] == "Autosave failed"]) == 1
    assert "Autosave failed" in w.statusBar().currentMessage() and w.autosaver.deadline.isActive()
    monkeypatch.setattr(autosave_module, "save_case", real_save)
    assert w.autosaver.write_now() and w.autosaver.path.exists()
    w.undo_stack.setClean()


# --- recovery ------------------------------------------------------------------------------------------------

def test_recovery_files_are_never_deleted_without_the_user(qtbot, isolated_dirs, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    _s, data_dir = isolated_dirs
    source = save_case(Case("saved later"), tmp_path / "c.sbrt.json")
    lost = Case("lost", None, (CaseRegimen.from_regimen(parse_regimen("40/5")),),
                sections={"autosave": {"source_path": str(source)}})
    first = save_case(lost, data_dir / f"autosave-{uuid.uuid4().hex}.sbrt.json")
    second = save_case(lost, data_dir / f"autosave-{uuid.uuid4().hex}.sbrt.json")
    old = time.time() - 60
    os.utime(first, (old, old))
    os.utime(second, (old - 5, old - 5))                    # the case file is newer than both autosaves
    found = find_recoverable()
    assert [r.path for r in found] == [first, second] and found[0].source_newer
    asked: list = []

    def answer(button):  # noqa: ANN001, ANN202
        return staticmethod(lambda *a, **k: asked.append(a[2]) or button)

    w = MainWindow()
    qtbot.addWidget(w)
    monkeypatch.setattr(QMessageBox, "question", answer(B.Cancel))
    assert not w.check_recovery("ask") and first.exists() and second.exists()      # decide later
    assert "changed on disk after" in asked[-1] and "1 more kept" in asked[-1]
    monkeypatch.setattr(QMessageBox, "question", answer(B.Yes))
    assert w.check_recovery("ask") and not first.exists() and second.exists()      # only the one recovered
    assert w.model.rows()[-1].total_dose_gy == 40.0 and w.autosaver.path.exists()
    monkeypatch.setattr(QMessageBox, "question", answer(B.Discard))
    w.close()


def test_a_live_session_is_not_offered_and_pid_reuse_does_not_matter(qtbot, isolated_dirs) -> None:  # noqa: ANN001
    a = MainWindow()
    qtbot.addWidget(a)
    _edit(a)
    assert a.autosaver.write_now()
    assert not find_recoverable()                           # its lock is held: a running session
    b = Autosaver(lambda: (Case("b"), None), 2000)
    assert b.path != a.autosaver.path                        # same pid, different session ids
    b.release()
    a.undo_stack.setClean()


# --- two instances on one case file ----------------------------------------------------------------------------

HOLDER = textwrap.dedent("""
    import sys
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from sbrt_calc.gui.main_window import MainWindow
    w = MainWindow()
    assert w.open_path(sys.argv[1], ask=False)
    print("OPEN", flush=True)
    sys.stdin.readline()
""")


def test_second_instance_is_warned_and_a_changed_file_is_not_overwritten(
        qtbot, isolated_dirs, warnings: list, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    path = save_case(Case("shared", None, (CaseRegimen.from_regimen(parse_regimen("36/3")),)), tmp_path / "s.sbrt.json")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], env=env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "OPEN"
        w = MainWindow()
        qtbot.addWidget(w)
        assert w.open_path(str(path), ask=False)
        assert warnings and warnings[-1][0] == "Case open elsewhere" and str(holder.pid) in warnings[-1][1]
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
        holder.stdin.close()
        if holder.stdout is not None:
            holder.stdout.close()
    theirs = Case("theirs", None, (CaseRegimen.from_regimen(parse_regimen("60/8")),))
    save_case(theirs, path)                                   # the other instance saved meanwhile
    _edit(w)
    choices: list = []

    def choose(answer: str):  # noqa: ANN202
        return lambda self, p: choices.append(p) or answer

    monkeypatch.setattr(CaseDocument, "_ask_conflict", choose("cancel"))
    assert not w.save() and load_case(path) == theirs and w.isWindowModified()
    other = tmp_path / "mine.sbrt.json"
    monkeypatch.setattr(CaseDocument, "_ask_conflict", choose("save_as"))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(other), "")))
    assert w.save() and load_case(path) == theirs and load_case(other).title == "shared"
    assert w.file_path == str(other.resolve())
    save_case(theirs, other)
    _edit(w, "30/5")
    monkeypatch.setattr(CaseDocument, "_ask_conflict", choose("overwrite"))
    assert w.save() and load_case(other).valid_regimens()[-1].total_dose_gy == 30.0
    assert len(choices) == 3
    _edit(w, "24/3")
    assert w.save()                                            # unchanged on disk since our save: no question
    assert len(choices) == 3
