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


def test_readme_starts_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text[: text.index("decision support")]
    assert head.count("```sh") == 2
