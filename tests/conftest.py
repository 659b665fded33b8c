"""Test setup safe for every test: Qt's offscreen platform and isolated settings/data folders.

The GUI tests never touch the user's settings or autosave: SBRT_CALC_SETTINGS_DIR and
SBRT_CALC_DATA_DIR point at a temporary folder for the session, and the ``isolated_dirs``
fixture gives a test its own.

Hypothesis profiles: ``fast`` (the default, used in CI: few examples per property, no deadline, so
that the suite fits a two-core machine) and ``thorough`` (on demand: ``HYPOTHESIS_PROFILE=thorough pytest``,
each property with the example count written in its test, see ``tests/strategies.py::examples``).

Tests marked ``thorough`` (the finer Nelms benchmark grids) run on demand only: ``SBRT_CALC_THOROUGH=1 pytest -m
thorough`` (CI runs them in a step of their own, after the README's command); otherwise they are skipped with
that reason, never silently passed.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sbrt_calc.gui import qt_environment

from sbrt_calc.blas_threads import prefer_one_blas_thread

# One OpenBLAS thread, as the CLI and the app ask for themselves (before numpy loads; the subprocesses the tests
# start inherit it): on two cores, OpenBLAS's own threads only competed with the other xdist worker.
prefer_one_blas_thread()

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402
from pdftext import untraced  # noqa: E402

# pytest caches each test module's assertion-rewritten bytecode in tests/__pycache__ (git-ignored), unless
# PYTHONDONTWRITEBYTECODE is set: then every run, and every xdist worker, rewrites and compiles all ~90 test
# modules again at collection (measured under --cov, with the rewriting untraced below: 22 s of CPU per process,
# 11 s with the cache). The suite keeps its caches whatever that variable says; the subprocesses the tests start
# still honour it.
sys.dont_write_bytecode = False

settings.register_profile("fast", max_examples=10, deadline=None)
settings.register_profile("thorough", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))


def _rewrite_asserts_untraced() -> None:
    """Rewrite the test modules' asserts with the coverage tracer off.

    pytest rewrites each test module's asserts (parse, walk the tree, compile) in pure Python when it imports it,
    in every xdist worker, and again on every run when no bytecode is written (``PYTHONDONTWRITEBYTECODE``). Under
    ``--cov`` the tracer sees every call of that walk: collecting the suite took 49 s of CPU with ``--cov`` against
    16 s without (measured with ``--collect-only``). Only pytest's rewriting runs untraced; the rewritten module
    itself (and the package it imports) is executed traced as before, so the coverage figures are unchanged. If a
    pytest release renames the private function, nothing is patched and the suite is only slower.
    """
    try:
        from _pytest.assertion import rewrite
    except ImportError:  # pragma: no cover - pytest always has it
        return
    original = getattr(rewrite, "_rewrite_test", None)
    if original is None or getattr(original, "untraced", False):
        return

    def _rewrite_test(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        with untraced():
            return original(*args, **kwargs)

    _rewrite_test.untraced = True  # type: ignore[attr-defined]
    rewrite._rewrite_test = _rewrite_test


_rewrite_asserts_untraced()

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
qt_environment.configure()   # as the app's package does on import: Qt's fills in the painting thread
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="sbrt-calc-tests-"))
os.environ["SBRT_CALC_SETTINGS_DIR"] = str(_SESSION_DIR / "settings")
os.environ["SBRT_CALC_DATA_DIR"] = str(_SESSION_DIR / "data")
os.environ.pop("SBRT_CALC_RECOVER", None)
os.environ.pop("SBRT_CALC_EXIT_WHEN_SHOWN", None)


THOROUGH_REASON = "thorough run only: SBRT_CALC_THOROUGH=1 pytest -m thorough (CI runs it in a step of its own)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the tests marked ``thorough`` unless ``SBRT_CALC_THOROUGH=1`` asks for them."""
    if os.environ.get("SBRT_CALC_THOROUGH") == "1":
        return
    skip = pytest.mark.skip(reason=THOROUGH_REASON)
    for item in items:
        if item.get_closest_marker("thorough") is not None:
            item.add_marker(skip)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Three things once per process, after the collection.

    1. Under ``--cov``, matplotlib's draws and artist building and pydicom's writes run untraced from here on
       (``tests/untraced_libs.py``: on Python 3.11 the tracer slows all code, also code it does not measure; the
       coverage figures are the same). Their modules are imported untraced there: matplotlib's import runs ~20,000
       Python calls (rcParams, docstrings, the font list) that the tracer saw at 0.7-0.8 s of CPU under ``--cov``
       against 0.4-0.5 s untraced, in whichever test drew the process's first plot. No package code runs in it.
    2. When the run holds GUI tests (a test module imported the main window), the Agg and Qt canvases' modules are
       imported untraced too (the plot's and the report's figures draw on them).
    3. Freeze what the imports and the collection made (:func:`gc.freeze`), as the app does after its start.
       Python's oldest-generation collections walk every tracked object: PySide6, matplotlib, numpy, pydicom and
       Hypothesis give each worker a large heap of long-lived objects, and each of the ~10-25 full collections per
       test file walked all of it again (GC took 1.2-1.8 s of CPU per plan-check or report file, stop 27). Frozen
       objects are never collected: the garbage among them is collected first.
    """
    import gc

    import untraced_libs

    untraced_libs.install()
    if "sbrt_calc.gui.main_window" in sys.modules:
        with untraced():
            try:
                import matplotlib.backends.backend_agg  # noqa: F401
                import matplotlib.backends.backend_qtagg  # noqa: F401
            except ImportError:  # pragma: no cover - the test extra installs matplotlib
                pass
    gc.collect()
    gc.freeze()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A Hypothesis property runs its engine untraced and its body traced.

    Under ``--cov`` the coverage tracer saw every line of Hypothesis' engine (drawing each example from the
    strategies, its bookkeeping), although only the property's body runs the package: the property tests took a third
    less CPU with the engine untraced (test_loaders_fuzz, test_presets_hypothesis, test_eligibility_properties,
    test_properties: 4.1 -> 2.6 s). The body (Hypothesis' ``inner_test``, which it calls for each example) runs
    with the tracer, so the package's lines it runs are measured as before. A strategy that itself calls the package
    (``st.builds`` of a package class, a ``@st.composite`` that constructs one) runs untraced: a line of the package
    that only such a strategy reaches is not measured; call the package in the property's body instead.
    """
    test = getattr(getattr(item, "obj", None), "hypothesis", None)
    tracer = sys.gettrace()
    if test is None or tracer is None or getattr(test.inner_test, "traced", False):
        yield
        return
    inner = test.inner_test

    @functools.wraps(inner)
    def traced(*args: object, **kwargs: object) -> object:
        if sys.gettrace() is not None:   # Hypothesis' own tracer, explaining a failure: left alone
            return inner(*args, **kwargs)
        sys.settrace(tracer)
        try:
            return inner(*args, **kwargs)
        finally:
            sys.settrace(None)

    traced.traced = True  # type: ignore[attr-defined]
    test.inner_test = traced
    sys.settrace(None)
    try:
        yield
    finally:
        sys.settrace(tracer)
        test.inner_test = inner


@pytest.fixture
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A fresh settings folder and data (autosave) folder for one test: (settings_dir, data_dir)."""
    settings_dir = tmp_path / "settings"
    data_dir = tmp_path / "data"
    settings_dir.mkdir()
    data_dir.mkdir()
    monkeypatch.setenv("SBRT_CALC_SETTINGS_DIR", str(settings_dir))
    monkeypatch.setenv("SBRT_CALC_DATA_DIR", str(data_dir))
    return settings_dir, data_dir


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list:
    """Message boxes answered without showing: questions get 'Discard', warnings are recorded."""
    from PySide6.QtWidgets import QMessageBox

    seen: list = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: seen.append(a[1:]) or
                                                             QMessageBox.StandardButton.Ok))
    return seen


@pytest.fixture
def window(qtbot, isolated_dirs, warnings):  # noqa: ANN001, ANN201
    """A shown main window with isolated settings and data folders (modules may override it)."""
    from sbrt_calc.gui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture(scope="session", autouse=True)
def _text_strategy_untraced() -> None:
    """Validate ``st.text()`` once per process with the coverage tracer off: its first validation computes which
    characters UTF-8 can encode (Hypothesis' ``intervals_from_codec``, cached for the process) in pure Python, and
    under ``--cov`` that cost the first text property 7 s of CPU. None of it is the package's code: the coverage
    figures are the same."""
    from hypothesis import strategies as st
    from pdftext import untraced

    with untraced():
        st.text().validate()


@pytest.fixture(scope="session", autouse=True)
def _one_qapplication(request: pytest.FixtureRequest) -> None:
    """Create pytest-qt's QApplication first, whatever test runs first: the PDF report would otherwise make a
    bare QGuiApplication that the GUI tests cannot use."""
    try:
        import PySide6.QtWidgets  # noqa: F401
    except ImportError:  # pragma: no cover - the test extra installs PySide6
        return
    request.getfixturevalue("qapp")
