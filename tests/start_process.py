"""The app's start in a fresh interpreter, for the start tests (stop 25-28): what a script saw, as JSON.

Each start test writes a script that runs ``sbrt_calc.gui.app.main`` with its own hooks and prints one line
``SEEN=<json>``; :func:`seen_in_a_fresh_start` runs it as the app runs for a user on a machine without a screen
(fresh settings and data folders, Qt's offscreen platform, no recovery offer, no benchmark exit) and returns the
decoded value. A start that fails shows its stderr's tail in the assertion.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from typing import Any


def seen_in_a_fresh_start(code: str, timeout_s: float = 120) -> Any:
    """Run ``code`` in a fresh interpreter from a temporary folder and return its ``SEEN=`` line's JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, SBRT_CALC_SETTINGS_DIR=f"{tmp}/s", SBRT_CALC_DATA_DIR=f"{tmp}/d",
                   SBRT_CALC_RECOVER="no", QT_QPA_PLATFORM="offscreen")
        env.pop("SBRT_CALC_EXIT_WHEN_SHOWN", None)
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp, capture_output=True, text=True,
                             timeout=timeout_s)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(next(line for line in out.stdout.splitlines() if line.startswith("SEEN="))[5:])
