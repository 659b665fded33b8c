#!/usr/bin/env python3
"""Which Qt types (and their enums) the app's real start makes before the filled table's paint, and where (issue 21).

PySide6 makes a Qt class's Python type, with all its enums as Python enums (~0.05-3 ms CPU each), the first time the
class is imported from its module, returned to Python or handed to a Python override; a generic ``event()`` or
``eventFilter`` makes every QEvent subclass's type the first time it runs (~50 types, ~2 ms). This runs
``app.main`` once in a fresh interpreter (offscreen, fresh settings, as ``sbrt-calc-gui`` starts) and prints, per
phase (the window's modules imported, the window built, shown, filled, until the idle turn after the filled paint):
the Qt types made beyond those a bare ``QMainWindow`` makes, with the line of our code that was running when each
appeared (a type without enums is seen at the next enum or at the phase's end, so its line is approximate), and the
enums' CPU per owning type (timed with ``time.perf_counter`` around PySide's enum creation; inflated a little).

    python bench/gui_start_qt_types.py [--all]     # --all: the enums of the bare window's types too

``tests/test_gui_start_qt_count.py`` holds the counts; the inventory of stop 28 is docs/notes/stop28/types28.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

CHILD = r"""
import collections, enum, os, sys, time, traceback
MODS = ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets")
log, state = [], {"known": set(), "phase": "import the window's modules"}

def qt_types():
    return {m[8:] + "." + k: v for m in MODS if m in sys.modules for k, v in list(vars(sys.modules[m]).items())
            if isinstance(v, type)}

def where():
    for f in reversed(traceback.extract_stack()[:-3]):
        if "/gui/" in f.filename or "sbrt_calc" in f.filename:
            return f"{os.path.basename(f.filename)}:{f.lineno} {f.name}"
    return "(PySide6 or the app's entry)"

def new_types(at):
    now = set(qt_types())
    for name in sorted(now - state["known"]):
        log.append(("type", state["phase"], name, 0.0, at))
    state["known"] = now

_create = enum.EnumType._create_
def spy(cls, *args, **kw):
    t = time.perf_counter(); made = _create(cls, *args, **kw); dt = time.perf_counter() - t
    log.append(("enum", state["phase"], made, dt, ""))
    new_types(where())
    return made
enum.EnumType._create_ = spy

def phase(name):
    new_types("(seen at the phase's end)")
    state["phase"] = name

from PySide6.QtWidgets import QApplication
from sbrt_calc.gui import app, main_window, plot_panel
init, fill, ensure = main_window.MainWindow.__init__, main_window.MainWindow.finish_start, \
    main_window.MainWindow.ensure_actions
def built(self, *a, **k):
    phase("the window built"); init(self, *a, **k); phase("shown, first paint, the app's main()")
def filled(self, path=None):
    phase("the fill (finish_start)"); fill(self, path); phase("layout and the filled paint")
def after_paint(self):
    if state["phase"] != "after the filled paint":
        phase("after the filled paint")
    ensure(self)
main_window.MainWindow.__init__, main_window.MainWindow.finish_start = built, filled
main_window.MainWindow.ensure_actions = after_paint
plot_panel.PlotPanel.ensure_canvas = lambda self: QApplication.quit()   # before matplotlib
app.main(["sbrt-calc-gui"])

owner = {}
for name, t in qt_types().items():
    for attr, e in list(vars(t).items()):
        if isinstance(e, enum.EnumMeta):
            owner[id(e)] = name
BARE = set(BARE_TYPES)
show_all = SHOW_ALL
phases = list(dict.fromkeys(p for _, p, *_ in log))
for p in phases[:-1]:
    types = [(n, w) for k, q, n, _, w in log if k == "type" and q == p and (show_all or n not in BARE)]
    enums = collections.defaultdict(lambda: [0, 0.0])
    for k, q, e, dt, _ in log:
        if k == "enum" and q == p:
            o = owner.get(id(e), e.__qualname__)
            if show_all or o not in BARE:
                enums[o][0] += 1; enums[o][1] += dt
    print(f"== {p}: {len(types)} Qt types, {sum(n for n, _ in enums.values())} enums "
          f"({sum(t for _, t in enums.values()) * 1000:.1f} ms)")
    for n, w in types:
        e = enums.get(n)
        print(f"   {n:40s} {(f'{e[0]} enums {e[1] * 1000:5.2f} ms') if e else '':22s} {w}")
"""

BARE = r"""
import json
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([]); w = QMainWindow(); w.show(); app.processEvents()
print(json.dumps(sorted(f"{m.__name__[8:]}.{k}" for m in (QtCore, QtGui, QtWidgets) for k, v in list(vars(m).items())
                        if isinstance(v, type))))
"""


def main() -> int:
    show_all = "--all" in sys.argv[1:]
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, SBRT_CALC_SETTINGS_DIR=f"{tmp}/s", SBRT_CALC_DATA_DIR=f"{tmp}/d",
                   SBRT_CALC_RECOVER="no")
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        env.pop("SBRT_CALC_EXIT_WHEN_SHOWN", None)
        bare = subprocess.run([sys.executable, "-c", BARE], env=env, cwd=tmp, capture_output=True, text=True,
                              check=True).stdout.strip().splitlines()[-1]
        code = f"BARE_TYPES = {bare}\nSHOW_ALL = {show_all}\n" + CHILD
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp, capture_output=True, text=True)
    if out.returncode:
        print(out.stderr[-3000:], file=sys.stderr)
        return out.returncode
    print("Qt types made by the real start beyond a bare QMainWindow's" + (" (and the bare's)" if show_all else ""))
    print(out.stdout, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
