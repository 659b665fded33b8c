"""Before Qt starts on Linux/X11: name the library that stops Qt's xcb platform plugin from loading.

Qt aborts with "could not load the Qt platform plugin 'xcb'" (a message that names no library) when one
of the plugin's X11 libraries is missing. :func:`missing_xcb_library` loads the plugin the way Qt would
(``dlopen``) and reads the missing library's name from the loader's error; :func:`xcb_problem` turns it
into one line with the ``apt-get`` command (Debian/Ubuntu). Only on Linux with an X display and the xcb
platform (not offscreen, not Wayland).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

#: the Debian/Ubuntu packages Qt 6's xcb plugin needs (as in the README's first command)
APT_PACKAGES = ("libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 "
                "libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libegl1 libgl1 libfontconfig1 "
                "libdbus-1-3")


def xcb_plugin() -> Path | None:
    """The xcb platform plugin of the installed PySide6, if there is one."""
    import PySide6

    path = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return path if path.exists() else None


def missing_xcb_library(plugin: Path | None = None, loader: object = None) -> str | None:
    """The file name of the library missing for the xcb plugin (``libxcb-cursor.so.0``), or None if it loads.

    ``loader`` (tests) stands in for :class:`ctypes.CDLL`."""
    if plugin is None:
        return None
    if loader is None:
        import ctypes

        loader = ctypes.CDLL
        try:   # Qt >= 6.5 opens it at run time (not a link-time dependency of the plugin)
            loader("libxcb-cursor.so.0")
        except OSError:
            return "libxcb-cursor.so.0"
    try:
        loader(str(plugin))  # type: ignore[operator]
    except OSError as exc:
        found = re.search(r"(lib[\w.+-]+?\.so(?:\.\d+)*)\s*:", str(exc))
        return found.group(1) if found else str(exc).split(":")[0].strip() or "a library"
    return None


def xcb_problem(environ: dict[str, str] | None = None, plugin: Path | None = None, loader: object = None) -> str | None:
    """One line saying which library is missing and the command that installs them, or None."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") or not env.get("DISPLAY"):
        return None
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return None
    if not platform and env.get("WAYLAND_DISPLAY"):
        return None
    missing = missing_xcb_library(plugin if plugin is not None else xcb_plugin(), loader)
    if missing is None:
        return None
    return (f"sbrt-calc-gui: Qt's X11 (xcb) platform plugin cannot load: {missing} is missing. On Debian/Ubuntu: "
            f"sudo apt-get install {APT_PACKAGES}")
