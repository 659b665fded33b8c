"""Qt's environment for the app, set before the ``QApplication`` is made (issue 21).

``QT_NO_GUI_THREADPOOL``: Qt's raster engine hands every fill of 96 scan lines or more (a table's background,
a scroll bar's groove, an image over 65,536 pixels converted or scaled) to Qt Gui's own thread pool in segments,
and waits for them (``QGuiApplicationPrivate::qtGuiThreadPool()`` in qtbase's
``src/gui/kernel/qguiapplication.cpp``, Qt 6.11; the fills' ``QT_THREAD_PARALLEL_FILLS`` in
``src/gui/painting/qdrawhelper.cpp``). When the variable is set, that function returns no pool and each fill runs
in the thread that paints (Qt reads the variable once, at the first fill).

For this app's widgets the hand-off costs more than the fill: a perf profile of a model switch of 57 rows found
the GUI thread waking pool threads and waiting for them in every scroll bar's and table's paint (QLatch waits,
futex wake-ups; ~1 ms of ~21). Measured with ``bench/gui_latency.py`` (two runs each, interleaved, stop 32): a
first visit's window painted 19.1/19.9 -> 15.2/16.4 ms after the switch (wall), the table part of a first visit
22.6/21.5 -> 16.6/16.5 ms of process CPU, back and forth 13.6/11.6 -> 8.2/8.6 ms, an edit 5.4/4.9 -> 4.0/4.1 ms.

``SBRT_CALC_QT_GUI_THREADPOOL=1`` leaves Qt's pool as Qt sets it (to compare on a machine with many cores);
a ``QT_NO_GUI_THREADPOOL`` set by the user is kept as it is.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

#: Qt's variable: when set (to anything), Qt Gui makes no thread pool for its fills
SERIAL_FILLS_ENV = "QT_NO_GUI_THREADPOOL"
#: the app's opt-out: ``1`` leaves Qt's thread pool on
KEEP_POOL_ENV = "SBRT_CALC_QT_GUI_THREADPOOL"


def configure(environ: MutableMapping[str, str] | None = None) -> None:
    """Set the app's Qt variables in ``environ`` (``os.environ`` by default) unless already set.

    Call it before the ``QApplication`` is made: Qt reads ``QT_NO_GUI_THREADPOOL`` once, at its first fill.
    """
    env = os.environ if environ is None else environ
    if env.get(KEEP_POOL_ENV) != "1":
        env.setdefault(SERIAL_FILLS_ENV, "1")
