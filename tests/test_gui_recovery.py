"""Autosave and crash recovery: kill the app, restart, get the work back; start from the command line."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import textwrap  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QMessageBox  # noqa: E402
from sbrt_calc.gui.autosave import find_recoverable  # noqa: E402
from sbrt_calc.gui.main_window import MainWindow  # noqa: E402

from sbrt_calc.case import Case, CaseRegimen, save_case  # noqa: E402
from sbrt_calc.regimen import parse_regimen  # noqa: E402

CHILD = textwrap.dedent("""
    import sys, time
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from sbrt_calc.gui import settings
    settings.set_value("autosave_interval_ms", 100)
    app = QApplication([])
    from sbrt_calc.gui.main_window import MainWindow
    w = MainWindow()
    w.show()
    w.entry.setText("54/3; 7,5 Gy x 4")
    w.add_from_entry()
    w.model.setData(w.current_index(0, "total_dose_gy"), "not a dose")
    def report():
        if w.autosaver.path.exists():
            print("AUTOSAVED", flush=True)
        else:
            QTimer.singleShot(50, report)
    QTimer.singleShot(50, report)
    app.exec()
""")


def _read_line(proc: subprocess.Popen, timeout_s: float) -> str:  # type: ignore[type-arg]
    """One line of the child's output, or '' after ``timeout_s`` (a hung child must not hang the suite)."""
    import selectors

    assert proc.stdout is not None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    try:
        ready = sel.select(timeout_s)
    finally:
        sel.close()
    return proc.stdout.readline().strip() if ready else ""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


@pytest.fixture
def no_dialogs(monkeypatch: pytest.MonkeyPatch) -> list:
    asked: list = []

    def question(parent, title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        asked.append(title)
        return QMessageBox.StandardButton.Yes if title.startswith("Recover") else QMessageBox.StandardButton.Discard

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Ok))
    return asked


def test_recover_after_kill(qtbot, isolated_dirs, no_dialogs: list) -> None:  # noqa: ANN001
    _settings_dir, data_dir = isolated_dirs
    # cwd: a neutral folder, so that the installed sbrt_calc (with its gui) is imported, never
    # the source tree's sbrt_calc/ (which has no gui/ inside it)
    proc = subprocess.Popen([sys.executable, "-c", CHILD], env=_env(), stdout=subprocess.PIPE, text=True,
                            cwd=data_dir)
    try:
        assert _read_line(proc, timeout_s=60) == "AUTOSAVED"
    finally:
        proc.send_signal(signal.SIGKILL)    # a crash: no close event, no cleanup
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()
    assert list(data_dir.glob("autosave-*.sbrt.json"))
    assert find_recoverable()

    w = MainWindow()
    qtbot.addWidget(w)
    assert w.check_recovery("ask")
    assert no_dialogs == ["Recover unsaved work?"]
    rows = w.model.rows()
    assert rows[-2].label == "54/3" and rows[-1].total_dose_gy == 30.0
    assert not rows[0].is_valid and rows[0].invalid_input["total_dose_gy"] == "not a dose"   # nothing lost
    assert w.isWindowModified()
    w.act_undo.trigger()                    # the recovery itself is undoable
    assert w.model.rowCount() == 0
    w.act_redo.trigger()
    # the dead process' autosave is gone; this window autosaves its own
    assert not [r for r in find_recoverable()]
    w.close()
    assert not list(data_dir.glob("autosave-*.sbrt.json"))


def test_autosave_cleared_by_save_and_newer_file_wins(qtbot, isolated_dirs, no_dialogs, tmp_path: Path) -> None:  # noqa: ANN001
    from sbrt_calc.gui import settings

    # a 200 ms idle interval (the preference; default 2 s): the test waits for the timer, not for 2 s
    settings.set_value("autosave_interval_ms", 200)
    w = MainWindow()
    assert w.autosaver.timer.interval() == 200
    qtbot.addWidget(w)
    w.entry.setText("54/3")
    w.add_from_entry()
    w.autosaver.write_now()
    assert w.autosaver.path.exists()
    assert w.save_to(str(tmp_path / "c.sbrt.json"))
    assert not w.autosaver.path.exists()
    w.entry.setText("60/8")
    w.add_from_entry()
    with qtbot.waitSignal(w.autosaver.timer.timeout, timeout=5000):
        pass
    assert w.autosaver.path.exists()
    w.close()


def test_decline_recovery_discards(qtbot, isolated_dirs, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    _s, data_dir = isolated_dirs
    case = Case("lost", None, (CaseRegimen.from_regimen(parse_regimen("40/5")),))
    dead = data_dir / "autosave-999999999.sbrt.json"
    save_case(case, dead)
    w = MainWindow()
    qtbot.addWidget(w)
    assert not w.check_recovery("no")
    assert dead.exists()                    # 'no' (non-interactive) leaves it for later
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.No))
    assert not w.check_recovery("ask")
    assert not dead.exists()
    w.undo_stack.setClean()


def test_open_file_from_command_line(isolated_dirs, tmp_path: Path) -> None:  # noqa: ANN001
    p = save_case(Case("cli", None, (CaseRegimen.from_regimen(parse_regimen("48/4")),)), tmp_path / "cli.sbrt.json")
    env = _env()
    env["SBRT_CALC_EXIT_WHEN_SHOWN"] = "1"
    out = subprocess.run([sys.executable, "-m", "sbrt_calc.gui.app", str(p)], env=env, capture_output=True,
                         text=True, timeout=60, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "title=cli.sbrt.json" in out.stdout and "rows=1" in out.stdout
