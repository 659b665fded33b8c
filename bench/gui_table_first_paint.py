#!/usr/bin/env python3
"""The regimens table alone, built, filled and painted as in the app's first window, in fresh processes: CPU and
whether PySide made its ``Qt`` namespace type (issue 21, stop 29).

Each run is a fresh interpreter that builds the deferred model and the view (with its frozen column), shows them,
fills them with a new case's rows, selects the first row, fits the columns and paints (offscreen, fresh settings).
It reports the process's CPU (user + sys, from the parent), the CPU from the first import to the filled paint
(``time.process_time`` in the child) and whether the ``Qt`` type was made. A type is made once per process, so an
A/B in one process is impossible: ``--other PYTHON`` alternates the runs with another interpreter (e.g. a checkout
of main's ``.venv/bin/python``), each importing its own ``sbrt_calc``. gui/icons.py is replaced by a Qt-free
stand-in when importing it alone makes the type (another module of the window; the figure is this table's own).
One run per interpreter first writes its tree's bytecode and dataclass code cache (a tree whose tests never ran has
none, and ``PYTHONDONTWRITEBYTECODE`` would keep it so: stop 29, a fresh checkout measured ~65 ms slower).

    python bench/gui_table_first_paint.py [--runs 15] [--other /work/main/.venv/bin/python]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile

ICONS = r"""
import enum
made = []
_create = enum.EnumType._create_
def spy(cls, class_name, *args, **kw):
    made.append(class_name)
    return _create(cls, class_name, *args, **kw)
enum.EnumType._create_ = spy
from PySide6.QtWidgets import QApplication
app = QApplication(["x"])
from sbrt_calc.gui import icons
print("STUB=" + str("GlobalColor" in made))
"""

CHILD = r"""
import time
t0 = time.process_time()
import enum, json, sys, types
made = []
_create = enum.EnumType._create_
def spy(cls, class_name, *args, **kw):
    if class_name == "GlobalColor":
        made.append(1)
    return _create(cls, class_name, *args, **kw)
enum.EnumType._create_ = spy
from PySide6.QtWidgets import QApplication
app = QApplication(["x"])
import sbrt_calc.gui as gui
if STUB:
    stand_in = types.ModuleType("sbrt_calc.gui.icons")
    stand_in.solid_brush = lambda colour: colour
    for name in ("reached", "not_reached", "mixed", "warning", "invalid"):
        setattr(stand_in, name, lambda: None)
    sys.modules["sbrt_calc.gui.icons"] = gui.icons = stand_in
from sbrt_calc.case import CaseRegimen
from sbrt_calc.regimen import parse_regimen
from sbrt_calc.gui import settings
from sbrt_calc.gui.column_widths import resize_to_contents
from sbrt_calc.gui.regimen_table_model import RegimenTableModel
from sbrt_calc.gui.regimen_table_view import RegimenTableView
model = RegimenTableModel(deferred=True)
view = RegimenTableView()
view.setModel(model)
view.sync_frozen()
view.resize(1000, 500)
view.show()
app.processEvents()
rows = [CaseRegimen.from_regimen(parse_regimen(t))
        for t in settings.parse_regimen_list(str(settings.get("new_case_regimens")))]
model.replace_all(rows, settings.new_case_settings()[0])
view.selectRow(0)
resize_to_contents(view)
app.processEvents()
print("SEEN=" + json.dumps({"cpu_ms": (time.process_time() - t0) * 1000, "qt_type": bool(made),
                            "rows": model.rowCount(), "stub": STUB}))
"""


def _run(python: str, code: str, tmp: str, warm_up: bool = False) -> tuple[str, float]:
    env = dict(os.environ, SBRT_CALC_SETTINGS_DIR=f"{tmp}/s", SBRT_CALC_DATA_DIR=f"{tmp}/d", QT_QPA_PLATFORM="offscreen")
    if warm_up:   # the bytecode and the dataclass code cache written, as an installed copy has them
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([python, "-c", code], env=env, cwd=tmp, capture_output=True, text=True, timeout=120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-2000:])
    cpu_ms = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return out.stdout, cpu_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--other", help="another interpreter, its runs alternated with this one's")
    args = parser.parse_args()
    pythons = {"this": sys.executable} | ({"other": args.other} if args.other else {})
    results: dict[str, list[dict]] = {k: [] for k in pythons}
    with tempfile.TemporaryDirectory() as tmp:
        stubs = {k: _run(p, ICONS, tmp)[0].strip().endswith("True") for k, p in pythons.items()}
        for key, python in pythons.items():   # each tree's bytecode written first (a tree never run has none)
            _run(python, CHILD.replace("STUB", str(stubs[key])), tmp, warm_up=True)
        for _ in range(args.runs):
            for key, python in pythons.items():
                stdout, process_ms = _run(python, CHILD.replace("STUB", str(stubs[key])), tmp)
                seen = json.loads(next(x for x in stdout.splitlines() if x.startswith("SEEN="))[5:])
                results[key].append(seen | {"process_ms": process_ms})
    print(f"load (1 min): {os.getloadavg()[0]:.2f}; {args.runs} runs each, alternated; medians (min-max)")
    for key, runs in results.items():
        line = [f"{key:5s} {pythons[key]}", f"icons stand-in {stubs[key]}",
                f"Qt type made {sum(r['qt_type'] for r in runs)}/{len(runs)}"]
        for field in ("cpu_ms", "process_ms"):
            values = [r[field] for r in runs]
            line.append(f"{field} {statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})")
        print("; ".join(line))


if __name__ == "__main__":
    main()
