"""After the filled table's paint the app loads matplotlib (and the menus' actions) with the collector paused and
freezes what it then holds, as the start does (``gui/app.py`` ``load_and_freeze``, stop 32): matplotlib's ~56,000
long-lived objects are no longer walked by every full collection (16-100 ms in the running app before, 2-17 ms
after, on a loaded two-core machine), and the garbage made meanwhile is collected first, not frozen."""

from __future__ import annotations

from start_process import seen_in_a_fresh_start

CODE = r"""
import gc, sys
from PySide6.QtWidgets import QApplication
from sbrt_calc.gui import app, idle_preparation

seen = {}
def start(self):   # after_show's last steps, right after the canvas: what the app then holds
    import matplotlib.figure
    module_dicts = {id(m.__dict__) for m in (matplotlib.figure, sys.modules["matplotlib.backends.backend_qtagg"])}
    seen["matplotlib's modules tracked, not frozen"] = sum(id(o) in module_dicts for o in gc.get_objects())
    seen["collector on"] = gc.isenabled()
    gc.unfreeze()   # what the freeze kept that is garbage (the start's own freeze kept next to none)
    seen["garbage kept frozen"] = "next to none" if gc.collect() < 300 else "some"
    QApplication.quit()
idle_preparation.IdlePreparation.start = start

app.main(["sbrt-calc-gui"])
import json
print("SEEN=" + json.dumps(seen))
"""


def test_matplotlib_is_frozen_once_loaded_and_its_garbage_collected() -> None:
    """Seen failing with ``load_and_freeze`` calling its loads only: matplotlib's two module dicts still tracked;
    and with its ``gc.collect()`` removed: 1,488 objects of garbage kept frozen (0 with it)."""
    assert seen_in_a_fresh_start(CODE) == {"matplotlib's modules tracked, not frozen": 0, "collector on": True,
                                           "garbage kept frozen": "next to none"}
