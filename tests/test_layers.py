"""Layers that hold: every import of the package points down the declared layer order, and no cycle.

Every ``.py`` file of ``sbrt_calc/`` and of ``gui/`` (installed as ``sbrt_calc.gui``) is parsed with
:mod:`ast`; every ``import``/``from ... import`` statement counts, wherever it is:

- at the top of the module;
- deferred, inside a function or method (imported later, but a dependency all the same);
- inside an ``if TYPE_CHECKING:`` block. Decision: these count too. A type annotation naming a class of
  a higher layer is a dependency on that layer's design even when nothing is imported at run time, and
  ``TYPE_CHECKING`` must not be a way to hide a cycle. (Dynamic ``importlib.import_module`` calls are not
  seen: the two in the package load their own package's submodules by name.)

Rules, checked separately so that a failure names what to fix:

1. every module belongs to a declared layer (:data:`LAYERS`; a new module must be placed);
2. no import points up the order (a module may import its own layer and the layers below);
3. the faces (``cli`` and ``gui``) never import each other, and nothing imports them;
4. no cycle between modules, and no cycle between units (a subpackage such as ``sbrt_calc.planning``,
   or a top-level module such as ``sbrt_calc.case``).

The order is the one of ``docs/architecture.md`` ("Layers"). The case sits above the domain packages
because it holds their typed sections (an eligibility case, planning inputs, plan-check inputs); the
evaluation is above the case; the model objects with their shipped defaults (``sbrt_calc.models``)
are above both the formulas and the presets they read.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: The layers, lowest first: (name, module prefixes). A module belongs to the layer of its longest prefix.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("sbrt_calc.__init__", "sbrt_calc._paths", "sbrt_calc.errors", "sbrt_calc.vocabulary",
              "sbrt_calc.atomic_write", "sbrt_calc.input_limits", "sbrt_calc.spreadsheet", "sbrt_calc.table",
              "sbrt_calc.report_table", "sbrt_calc.text_safety", "sbrt_calc.number_keys", "sbrt_calc.output_guard",
              "sbrt_calc.session_lock", "sbrt_calc.blas_threads", "sbrt_calc.notation", "sbrt_calc.figure_png",
              "sbrt_calc.code_cache", "sbrt_calc.entry_process")),
    ("regimen", ("sbrt_calc.regimen",)),
    ("radiobiology", ("sbrt_calc.radiobiology",)),
    ("presets", ("sbrt_calc.presets",)),
    ("models", ("sbrt_calc.models",)),
    ("eligibility", ("sbrt_calc.eligibility",)),
    ("planning", ("sbrt_calc.planning",)),
    ("plancheck", ("sbrt_calc.plancheck",)),
    ("reirradiation", ("sbrt_calc.reirradiation",)),
    ("case", ("sbrt_calc.case", "sbrt_calc.case_sections")),
    ("evaluation", ("sbrt_calc.evaluation", "sbrt_calc.evaluation_json", "sbrt_calc.evaluation_sections",
                    "sbrt_calc.evaluation_results", "sbrt_calc.evaluation_reirradiation",
                    "sbrt_calc.evaluation_tables", "sbrt_calc.tables",
                    "sbrt_calc.summary", "sbrt_calc.working")),
    ("report", ("sbrt_calc.report",)),
    ("faces", ("sbrt_calc.cli", "sbrt_calc.__main__", "sbrt_calc.gui")),
)

#: The faces, by their module prefixes: each may import every layer below, never another face.
FACES: dict[str, tuple[str, ...]] = {"cli": ("sbrt_calc.cli", "sbrt_calc.__main__"), "gui": ("sbrt_calc.gui",)}

#: Known violations waiting for their fix, each with the reason: (importer, imported) module pairs.
#: Empty when the layers hold; an entry that no longer occurs fails the test (remove it).
ALLOWED: dict[tuple[str, str], str] = {}


def _modules() -> dict[str, Path]:
    """Dotted name -> file, for the core and the app (``gui/`` is installed as ``sbrt_calc.gui``)."""
    out: dict[str, Path] = {}
    for base, prefix in ((ROOT / "sbrt_calc", ("sbrt_calc",)), (ROOT / "gui", ("sbrt_calc", "gui"))):
        for path in sorted(base.rglob("*.py")):
            parts = [*prefix, *path.relative_to(base).with_suffix("").parts]
            out[".".join(parts)] = path
    return out


MODULES = _modules()


def _name(module: str) -> str:
    """The importable name of a module key (``sbrt_calc.x.__init__`` -> ``sbrt_calc.x``)."""
    return module.removesuffix(".__init__")


NAMES = {_name(m): m for m in MODULES}


def _resolve(target: str) -> str | None:
    """The module key that ``target`` (a dotted name, maybe ``module.attribute``) loads, or None (outside)."""
    t = target
    while t:
        if t in NAMES:
            return NAMES[t]
        t = t.rpartition(".")[0]
    return None


def imports_of(module: str, path: Path) -> Iterator[tuple[str, int, str]]:
    """(imported module key, line, kind) for every import statement of one module, with kind one of
    'top', 'deferred' (inside a function or class body) or 'type-checking' (under ``if TYPE_CHECKING``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = _name(module) if module.endswith(".__init__") else module.rpartition(".")[0]

    def children(node: ast.AST, kind: str) -> Iterator[tuple[ast.AST, str]]:
        """The statements under ``node`` with the kind each is imported as. Only statements (and the ``except`` and
        ``case`` clauses holding them) can import: expressions are not walked (nine tenths of the tree's nodes)."""
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
                continue
            k = kind
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)) and k == "top":
                k = "deferred"
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                yield from ((sub, "type-checking") for sub in child.body)
                yield from ((sub, k) for sub in child.orelse)
                continue
            yield child, k

    # depth first, in source order, with a stack of its own (a generator per level of the tree cost seconds)
    stack = list(children(tree, "top"))[::-1]
    while stack:
        node, kind = stack.pop()
        if isinstance(node, ast.Import):
            for alias in node.names:
                if (key := _resolve(alias.name)) is not None:
                    yield key, node.lineno, kind
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                key = _resolve(f"{source}.{alias.name}") if f"{source}.{alias.name}" in NAMES else _resolve(source)
                if key is not None:
                    yield key, node.lineno, kind
        stack.extend(list(children(node, kind))[::-1])


def layer_of(module: str) -> int | None:
    """Index in :data:`LAYERS` of the longest declared prefix that ``module`` starts with, or None."""
    best: tuple[int, int] | None = None
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if module == p or module.startswith(p + "."):
                if best is None or len(p) > best[1]:
                    best = (i, len(p))
    return None if best is None else best[0]


def unit_of(module: str) -> str:
    """The unit a module belongs to: its subpackage of ``sbrt_calc`` (``sbrt_calc.planning``,
    ``sbrt_calc.gui``) or, for a top-level module, the module itself."""
    parts = _name(module).split(".")
    if len(parts) == 1:
        return "sbrt_calc"
    key = ".".join(parts[:2])
    return key


def face_of(module: str) -> str | None:
    """The face (``cli``, ``gui``) a module belongs to, or None for the core."""
    name = _name(module)
    return next((face for face, prefixes in FACES.items()
                 if any(name == p or name.startswith(p + ".") for p in prefixes)), None)


@cache
def edges() -> list[tuple[str, str, int, str]]:
    """Every import edge (importer, imported, line, kind) of the package, parsed once, when a test first asks (not
    at collection, which every xdist worker does). The parse runs without coverage's tracer: it reads the files as
    text and runs none of the package's code, so the coverage figures are the same (tests/pdftext.py)."""
    from pdftext import untraced

    with untraced():
        return [(m, target, line, kind) for m, path in MODULES.items() for target, line, kind in imports_of(m, path)
                if target != m]


def _where(m: str, line: int) -> str:
    return f"{MODULES[m].relative_to(ROOT)}:{line}"


def _violations(rule: str) -> list[str]:
    """The violations of one rule, as readable lines, less the allowed ones."""
    out = []
    for m, t, line, kind in edges():
        lm, lt = layer_of(m), layer_of(t)
        if lm is None or lt is None:
            continue
        if rule == "upward" and lt > lm:
            bad = True
        elif rule == "faces":
            fm, ft = face_of(m), face_of(t)
            bad = ft is not None and fm != ft
        else:
            bad = False
        if bad and (_name(m), _name(t)) not in ALLOWED:
            out.append(f"{_where(m, line)}: {_name(m)} ({LAYERS[lm][0]}) imports {_name(t)} ({LAYERS[lt][0]}) "
                       f"[{kind}]")
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, it = work[-1]
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    comp = []
                    while True:
                        n = stack.pop()
                        on_stack.discard(n)
                        comp.append(n)
                        if n == node:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return out


def _graph(key: object) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for m, t, _, _ in edges():
        if (_name(m), _name(t)) in ALLOWED:
            continue
        a, b = key(m), key(t)  # type: ignore[operator]
        graph.setdefault(a, set())
        graph.setdefault(b, set())
        if a != b:
            graph[a].add(b)
    return graph


def _explain(cycle: list[str], key: object) -> list[str]:
    """The imports that make up one cycle, one line each."""
    members = set(cycle)
    return list(dict.fromkeys(
        f"  {_where(m, line)}: {_name(m)} -> {_name(t)} [{kind}]" for m, t, line, kind in edges()
        if key(m) in members and key(t) in members and key(m) != key(t)  # type: ignore[operator]
        and (_name(m), _name(t)) not in ALLOWED))


# --- the tests ---------------------------------------------------------------------------------------


def test_the_parser_sees_every_kind_of_import() -> None:
    """The scan itself: known imports of each kind are found (a parser that saw nothing would pass all)."""
    kinds = {(_name(m), _name(t)): k for m, t, _, k in edges()}
    assert kinds[("sbrt_calc.evaluation", "sbrt_calc.regimen")] == "top"
    assert kinds[("sbrt_calc.cli.compare", "sbrt_calc.evaluation")] == "deferred"
    assert any(k == "type-checking" for *_, k in edges())
    assert len(MODULES) > 100 and len(edges()) > 400


def test_every_module_has_a_layer() -> None:
    missing = [_name(m) for m in MODULES if layer_of(m) is None]
    assert not missing, "place these modules in tests/test_layers.py LAYERS: " + ", ".join(missing)


def test_no_import_points_up() -> None:
    bad = _violations("upward")
    assert not bad, "imports pointing up the layer order:\n" + "\n".join(bad)


def test_faces_import_no_face() -> None:
    bad = _violations("faces")
    assert not bad, "imports of a face (cli, gui) from outside it:\n" + "\n".join(bad)


@pytest.mark.parametrize("level", ["module", "unit"])
def test_no_cycle(level: str) -> None:
    key = _name if level == "module" else unit_of
    cycles = _cycles(_graph(key))
    lines = []
    for c in cycles:
        lines.append(" <-> ".join(c))
        lines += _explain(c, key)
    assert not cycles, f"import cycles between {level}s:\n" + "\n".join(lines)


def test_allow_list_is_current() -> None:
    """Every allowed violation still occurs: a fixed one leaves the list."""
    seen = {(_name(m), _name(t)) for m, t, _, _ in edges()}
    stale = [f"{a} -> {b}" for (a, b) in ALLOWED if (a, b) not in seen]
    assert not stale, "remove from ALLOWED (no longer imported): " + ", ".join(stale)


def test_detects_an_upward_import_and_a_cycle(tmp_path: Path) -> None:
    """The rules fail on a violation: an upward import and a two-module cycle, built here."""
    assert layer_of("sbrt_calc.regimen") < layer_of("sbrt_calc.cli.main")  # type: ignore[operator]
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
    src = tmp_path / "m.py"
    src.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sbrt_calc.cli import main\n"
                   "def f():\n    import sbrt_calc.gui.app\nfrom sbrt_calc.errors import CaseError\n")
    found = {(_name(t), k) for t, _, k in imports_of("sbrt_calc.regimen", src)}
    assert found == {("sbrt_calc.cli.main", "type-checking"), ("sbrt_calc.gui.app", "deferred"),
                     ("sbrt_calc.errors", "top")}
