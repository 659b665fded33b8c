"""The installed PySide6 must not leak references to None/True/False (PySide6 6.12.0 on CPython
3.11 does: the interpreter aborts with "deallocating None" after a few thousand Qt calls).
pyproject.toml excludes that version; this test tells if a future one brings the bug back."""

from __future__ import annotations

import sys

import pytest

pytest.importorskip("PySide6")


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None/True/False are immortal from Python 3.12")
def test_qt_calls_do_not_leak_singleton_references() -> None:
    from PySide6.QtCore import QObject

    obj = QObject()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(2000):
        obj.setObjectName("probe")  # returns None
        obj.signalsBlocked()  # returns a bool
    assert abs(sys.getrefcount(None) - none_before) < 100
    assert abs(sys.getrefcount(True) - true_before) < 100
