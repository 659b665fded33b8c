"""The dataclasses' methods compiled once and kept with the bytecode (:mod:`sbrt_calc.code_cache`, core28, stop 28):
the same methods as without the cache, on a cold cache (compiled, then written) and a warm one (read back)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CODE = r"""
import dataclasses, json, sys
from sbrt_calc import code_cache
code_cache.install()   # as the entry points do (sbrt_calc.gui, sbrt_calc.cli)
import sbrt_calc.case, sbrt_calc.evaluation, sbrt_calc.tables, sbrt_calc.summary, sbrt_calc.working
import sbrt_calc.evaluation_results, sbrt_calc.table, sbrt_calc.eligibility.case, sbrt_calc.planning.section

def shape(code):
    consts = tuple(shape(c) if hasattr(c, "co_code") else repr(c) for c in code.co_consts)
    return (code.co_name, code.co_filename, code.co_flags, code.co_code.hex(), consts, code.co_names,
            code.co_varnames, code.co_freevars, code.co_cellvars, code.co_argcount, code.co_kwonlyargcount)

out = {}
for name, module in sorted(sys.modules.items()):
    if not name.startswith("sbrt_calc"):
        continue
    for cls in vars(module).values():
        if isinstance(cls, type) and cls.__module__ == name and dataclasses.is_dataclass(cls):
            for meth in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"):
                f = cls.__dict__.get(meth)
                f = getattr(f, "__wrapped__", f)   # __repr__ under reprlib.recursive_repr
                if f is not None and hasattr(f, "__code__"):
                    out[f"{name}.{cls.__qualname__}.{meth}"] = [repr(shape(f.__code__)), repr(f.__annotations__),
                                                                repr(f.__defaults__), repr(f.__kwdefaults__)]
made = dataclasses.__dict__.get("exec")
print("OUT=" + json.dumps({"methods": out, "compiled": getattr(made, "compiled", None)}))
"""


def _run(tmp: Path, **env: str) -> dict:
    full = dict(os.environ, PYTHONPYCACHEPREFIX=str(tmp / "pycache"), **env)
    full.pop("PYTHONDONTWRITEBYTECODE", None)
    full.update(env)
    out = subprocess.run([sys.executable, "-c", CODE], env=full, capture_output=True, text=True, check=True).stdout
    return json.loads(next(line for line in out.splitlines() if line.startswith("OUT="))[4:])


def test_the_methods_are_those_dataclasses_writes_without_the_cache(tmp_path: Path) -> None:
    plain = _run(tmp_path, SBRT_CALC_CODE_CACHE="0")
    cold = _run(tmp_path)
    warm = _run(tmp_path)
    assert plain["compiled"] is None and cold["compiled"] > 100 and warm["compiled"] == 0
    assert len(plain["methods"]) > 100
    assert cold["methods"] == plain["methods"]
    assert warm["methods"] == plain["methods"]


def test_no_cache_written_without_bytecode_and_a_damaged_one_ignored(tmp_path: Path) -> None:
    nowrite = _run(tmp_path, PYTHONDONTWRITEBYTECODE="1")
    assert nowrite["compiled"] > 100 and not list((tmp_path / "pycache").rglob("dataclass_code*"))
    _run(tmp_path)
    (kept,) = list((tmp_path / "pycache").rglob("dataclass_code*"))
    kept.write_bytes(b"\xe3damaged")
    again = _run(tmp_path)
    assert again["compiled"] > 100 and again["methods"] == nowrite["methods"]
    assert _run(tmp_path)["compiled"] == 0   # written again, whole


def test_exec_of_the_cache_is_exec() -> None:
    """What dataclasses does with it, and what exec does with other arguments."""
    import dataclasses

    from sbrt_calc.code_cache import CachedExec, install

    cached = install()
    assert cached is None or isinstance(dataclasses.__dict__.get("exec"), CachedExec)
    run = CachedExec(Path("/nonexistent/dataclass_code.marshal"))
    ns: dict = {}
    run("def f(x: int) -> int:\n    return x + 1\n", {}, ns)   # not this package's: compiled, not kept
    assert ns["f"](1) == 2 and ns["f"].__annotations__ == {"x": int, "return": int}   # no __future__ flags here
    assert run.compiled == 0 and not run.used
    ours = {"__name__": "sbrt_calc.some_module"}
    run("def g(x: int) -> int:\n    return x + 2\n", ours, ns)
    assert ns["g"](1) == 3 and ns["g"].__annotations__ == {"x": int, "return": int}
    assert run.compiled == 1 and len(run.used) == 1
    run(compile("y = 3", "<string>", "exec"), {}, ns)
    assert ns["y"] == 3 and run.compiled == 1
    z = 5
    run("w = z * 2")   # no namespaces: the caller's, as exec
    assert z == 5


HOST = r"""
import dataclasses, json, sys
{setup}
import sbrt_calc.case

@dataclasses.dataclass(frozen=True)
class HostsOwn:
    x_unique_field_name_of_the_host: int = 0

made = dataclasses.__dict__.get("exec")
texts = [] if made is None else list(made.used)
print("OUT=" + json.dumps({{"installed": made is not None, "compiled": getattr(made, "compiled", None),
                           "host_text_kept": any("x_unique_field_name_of_the_host" in t for t in texts),
                           "ours": sum("__dataclass_fields__" in t or "self" in t for t in texts)}}))
"""


def _host(tmp: Path, setup: str) -> dict:
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(tmp / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop(ENV_NAME, None)
    out = subprocess.run([sys.executable, "-c", HOST.format(setup=setup)], env=env, capture_output=True, text=True,
                         check=True).stdout
    return json.loads(next(line for line in out.splitlines() if line.startswith("OUT="))[4:])


ENV_NAME = "SBRT_CALC_CODE_CACHE"


def test_a_host_importing_the_package_keeps_its_dataclasses_as_they_are(tmp_path: Path) -> None:
    """A program that imports sbrt_calc (not its app or CLI) gets no patched dataclasses and no file written; with
    the cache installed (the entry points), a host's own dataclass is still made by exec itself, never kept."""
    plain = _host(tmp_path, "")
    assert plain == {"installed": False, "compiled": None, "host_text_kept": False, "ours": 0}
    assert not list((tmp_path / "pycache").rglob("dataclass_code*"))
    for entry in ("import sbrt_calc.gui", "import sbrt_calc.cli"):
        made = _host(tmp_path / entry.split(".")[-1], entry)
        assert made["installed"] and made["ours"] > 10, entry
        assert not made["host_text_kept"], entry


def test_an_optimized_python_keeps_its_own_file() -> None:
    """``python -O`` compiles without asserts: its texts are kept apart, as its ``.pyc`` files are."""
    names = [subprocess.run([sys.executable, *flag, "-c", "import sbrt_calc.code_cache as c; print(c.cache_file().name)"],
                            capture_output=True, text=True, check=True).stdout.strip() for flag in ([], ["-O"])]
    assert names[0] != names[1] and names[1].endswith(".opt-1.marshal")


PART = r"""
import dataclasses, json, sys, types
from sbrt_calc import code_cache
code_cache.install()
for name in sys.argv[1].split(","):
    __import__(name)
if len(sys.argv) > 2:   # a dataclass of a module of this package not seen before: one new text kept
    probe = types.ModuleType("sbrt_calc._code_cache_probe")
    sys.modules[probe.__name__] = probe
    exec("import dataclasses\n@dataclasses.dataclass\nclass Probe:\n    " + sys.argv[2] + ": int = 0\n", probe.__dict__)
made = dataclasses.__dict__["exec"]
print("OUT=" + json.dumps({"compiled": made.compiled, "unmarshalled": sum(len(c) for c in made._codes.values()),
                           "used": len(made.used), "modules": sorted(made._stored or {})}))
"""


def _part(tmp: Path, modules: str, *probe: str) -> dict:
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(tmp / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop(ENV_NAME, None)
    out = subprocess.run([sys.executable, "-c", PART, modules, *probe], env=env, capture_output=True, text=True,
                         check=True).stdout
    return json.loads(next(line for line in out.splitlines() if line.startswith("OUT="))[4:])


def test_a_process_unmarshals_only_the_texts_of_the_modules_it_imports(tmp_path: Path) -> None:
    """The file keeps each module's texts apart (stop 29): a process reads every module's texts but unmarshals only
    those of the modules whose dataclasses it makes; a text compiled by a process that made only a few modules is
    added and every other module's texts are kept."""
    many = "sbrt_calc.case,sbrt_calc.evaluation,sbrt_calc.tables,sbrt_calc.eligibility.case,sbrt_calc.planning.section"
    first = _part(tmp_path, many)
    assert first["compiled"] > 100 and first["modules"] == []   # no file yet
    few = _part(tmp_path, "sbrt_calc.regimen")
    assert few["compiled"] == 0 and 0 < few["used"] == few["unmarshalled"] < first["used"] / 4
    assert len(few["modules"]) >= 10 and "sbrt_calc.eligibility.case" in few["modules"]
    probe = _part(tmp_path, "sbrt_calc.regimen", "a_field_no_module_has")
    assert probe["compiled"] > 0 and probe["unmarshalled"] == probe["used"]
    again = _part(tmp_path, many)
    assert again["compiled"] == 0 and again["used"] == first["used"]   # every module's texts kept
    assert "sbrt_calc._code_cache_probe" in again["modules"]
    (kept,) = list((tmp_path / "pycache").rglob("dataclass_code*"))
    data = kept.read_bytes()
    kept.write_bytes(data[:len(data) * 2 // 3])   # cut short (a full disk): the modules cut are compiled again
    cut = _part(tmp_path, many)
    assert 0 < cut["compiled"] < first["compiled"] and cut["used"] == first["used"]
    assert _part(tmp_path, many)["compiled"] == 0
