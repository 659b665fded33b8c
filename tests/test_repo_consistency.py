"""The README's two commands stay true: CI runs exactly the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", text, flags=re.S)[:2]


@pytest.mark.skipif(not (ROOT / ".ci" / "run").is_file(), reason="not a source checkout")
def test_ci_runs_the_readme_test_command() -> None:
    install_and_run, install_and_test = readme_commands()
    assert "sbrt-calc-gui" in install_and_run and "pip install" in install_and_run
    assert "pytest" in install_and_test
    assert install_and_test.strip() in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.skipif(not (ROOT / ".ci" / "run").is_file(), reason="not a source checkout")
def test_ci_measures_coverage_after_the_readme_command() -> None:
    """The README's command runs the suite without coverage (issue 18's 120 s); CI then runs the same tests under
    ``--cov`` and gates the combined (pytest-cov's fail_under) and branch figures (coverage_figures.py)."""
    _, install_and_test = readme_commands()
    assert "--cov" not in install_and_test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    after = ci[ci.index(install_and_test.strip()) + len(install_and_test.strip()):]
    commands = [line.strip() for line in after.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    covered = [c for c in commands if c.startswith("pytest ") and "--cov" in c.split()]
    assert covered and " -m " not in covered[0] and " -k " not in covered[0]   # the whole suite, no selection
    assert commands.index(covered[0]) < next(i for i, c in enumerate(commands)
                                             if c.startswith("python scripts/coverage_figures.py")
                                             and "--min-branch 85" in c and "--min-combined 90" in c)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r"^branch = true$", text, flags=re.M) and re.search(r"^fail_under = 90$", text, flags=re.M)


def test_readme_starts_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text[: text.index("decision support")]
    assert head.count("```sh") == 2


def _coverage_figures():  # noqa: ANN202
    import importlib.util

    spec = importlib.util.spec_from_file_location("coverage_figures", ROOT / "scripts" / "coverage_figures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_coverage_figures_keep_lines_and_branches_apart() -> None:
    """A combined figure above 90 % can hide 84.7 % of branches (the issue's case; counts chosen to give it)."""
    f = _coverage_figures().figures({"covered_lines": 7716, "num_statements": 8060, "covered_branches": 2092,
                                     "num_branches": 2470})
    assert f["lines"][:2] == (7716, 8060) and f["branches"][:2] == (2092, 2470)
    assert round(f["branches"][2], 1) == 84.7 and round(f["combined"][2], 1) == 93.1 and f["lines"][2] > 95


def test_coverage_gates_fail_on_branches_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The gate reads a real data file: 100 % of lines but half the branches fails the branch gate only."""
    import subprocess
    import sys

    src = tmp_path / "m.py"
    src.write_text("def f(x):\n    y = 0\n    if x:\n        y = 1\n    return y\n\n\nf(1)\n")
    rc = tmp_path / "coveragerc"
    rc.write_text("[run]\nbranch = True\n")
    data = tmp_path / ".coverage"
    subprocess.run([sys.executable, "-m", "coverage", "run", f"--rcfile={rc}", f"--data-file={data}", str(src)],
                   check=True, cwd=tmp_path)   # a process of its own: no tracer nested in pytest-cov's
    script = _coverage_figures()
    gates = ["--data-file", str(data), "--rcfile", str(rc)]
    assert script.main([*gates, "--min-branch", "85", "--min-combined", "50"]) == 1
    out, err = capsys.readouterr()
    assert "coverage lines" in out and "100.00 %" in out and "coverage branches" in out and "50.00 %" in out
    assert "branches 50.00 % < 85 %" in err and "combined" not in err
    assert script.main([*gates, "--min-branch", "50", "--min-combined", "50"]) == 0
    assert script.main(["--data-file", str(tmp_path / "missing")]) == 2


@pytest.mark.skipif(not (ROOT / ".ci" / "run").is_file(), reason="not a source checkout")
def test_ci_gates_line_and_branch_coverage() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = readme_commands()[1].strip()
    assert ci.index(test_command) < ci.index("python scripts/coverage_figures.py --min-combined 90 --min-branch 85")
