"""Qt's environment set by the app (``gui/qt_environment.py``, issue 21): Qt's raster fills run in the painting
thread, not handed to Qt Gui's thread pool (measured: ~1 ms of a model switch's 21 in thread wake-ups and waits)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sbrt_calc.gui import qt_environment

#: paints a fill of 900 scan lines (Qt splits fills of 96 lines or more between its pool's threads) and prints the
#: names of the process's threads (Qt names its pool's threads "Thread (pooled)")
_FILL = """
import glob, sys
if sys.argv[1] == "app":
    import sbrt_calc.gui
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
app = QGuiApplication(["x"])
image = QImage(600, 900, QImage.Format.Format_ARGB32_Premultiplied)
painter = QPainter(image)
painter.fillRect(0, 0, 600, 900, QColor(200, 10, 10, 128))
painter.end()
print(sorted(open(f).read().strip() for f in glob.glob("/proc/self/task/*/comm")))
"""


def test_configure_sets_qts_variable_and_keeps_the_users() -> None:
    env: dict[str, str] = {}
    qt_environment.configure(env)
    assert env == {"QT_NO_GUI_THREADPOOL": "1"}
    env = {"QT_NO_GUI_THREADPOOL": "0"}   # the user's own value stays (Qt only asks whether it is set)
    qt_environment.configure(env)
    assert env == {"QT_NO_GUI_THREADPOOL": "0"}
    env = {"SBRT_CALC_QT_GUI_THREADPOOL": "1"}   # the opt-out leaves Qt's pool on
    qt_environment.configure(env)
    assert "QT_NO_GUI_THREADPOOL" not in env


def _thread_names(how: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_NO_GUI_THREADPOOL", "SBRT_CALC_QT_GUI_THREADPOOL")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run([sys.executable, "-c", _FILL, how], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="thread names read from Linux's /proc")
def test_the_apps_package_keeps_qts_fills_in_the_painting_thread() -> None:
    """Seen failing with the package's ``_configure_qt()`` call removed: the app's process had two pool threads."""
    assert "Thread (pooled)" in _thread_names("qt")   # Qt's default: the check can see the pool
    assert "Thread (pooled)" not in _thread_names("app")
