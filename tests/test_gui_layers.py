"""The app's layer rules (issue 18): the GUI imports the core, never the CLI, and its modules import each
other without a cycle (imports inside functions count: they are cycles all the same when they run).

Before issue 18 both failed: ``gui/plan_check_panel.py`` imported ``sbrt_calc.cli.output`` for its CSV, and
``gui/commands.py`` and ``gui/regimen_table_model.py`` imported each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

GUI = Path(__file__).resolve().parents[1] / "gui"


def gui_imports(folder: Path = GUI) -> dict[str, set[str]]:
    """For each module of ``folder``: the GUI modules it imports (relative imports) and 'CLI' when it imports
    ``sbrt_calc.cli``, at any depth of the file."""
    found: dict[str, set[str]] = {}
    for path in sorted(folder.glob("*.py")):
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level == 1:
                    deps.update([node.module.split(".")[0]] if node.module else [a.name for a in node.names])
                elif node.level == 0 and (node.module or "").split(".")[:2] == ["sbrt_calc", "cli"]:
                    deps.add("CLI")
            elif isinstance(node, ast.Import):
                deps.update("CLI" for a in node.names if a.name.split(".")[:2] == ["sbrt_calc", "cli"])
        found[path.stem] = deps
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every elementary cycle's smallest rotation, found by depth-first search (the graph is small)."""
    out: set[tuple[str, ...]] = set()

    def walk(start: str, node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                i = path.index(min(path))
                out.add(tuple(path[i:] + path[:i]))
            elif nxt in graph and nxt not in path and nxt > start:
                walk(start, nxt, path + [nxt])

    for start in sorted(graph):
        walk(start, start, [start])
    return [list(c) for c in sorted(out)]


def test_the_gui_does_not_import_the_cli() -> None:
    graph = gui_imports()
    assert len(graph) > 30   # the folder was found and read
    assert [m for m, deps in graph.items() if "CLI" in deps] == []


def test_gui_modules_import_each_other_without_a_cycle() -> None:
    assert cycles(gui_imports()) == []


def test_the_checks_can_fail(tmp_path: Path) -> None:
    """The two checks on a made-up folder with both faults."""
    (tmp_path / "a.py").write_text("from .b import x\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("def f():\n    from .a import y\n", encoding="utf-8")
    (tmp_path / "c.py").write_text("import sbrt_calc.cli.output\n", encoding="utf-8")
    graph = gui_imports(tmp_path)
    assert cycles(graph) == [["a", "b"]] and graph["c"] == {"CLI"}
