"""The methods :mod:`dataclasses` writes for each dataclass, compiled once and kept beside the package's bytecode.

A dataclass is made by writing its methods (``__init__``, ``__repr__``, ``__eq__``, ``__setattr__`` ...) as Python
text and executing that text: compiling it was ~23 ms of the app's cold start (27 dataclasses, 162 texts; stop 28),
every start, for the same texts. :func:`install` gives the :mod:`dataclasses` module an ``exec`` that compiles a
text only once: the code object is kept, keyed by the exact text, in one file where Python keeps the package's
own bytecode (``__pycache__`` beside this module, or under ``sys.pycache_prefix``), written at exit when new texts
were compiled and bytecode may be written (not under ``PYTHONDONTWRITEBYTECODE``). The code executed is the code
the text compiles to, with the flags :mod:`dataclasses`' own ``exec`` compiles it with (none: it has no
``__future__`` import); a cache of another Python (its bytecode magic number), damaged or unreadable, is ignored.
``SBRT_CALC_CODE_CACHE=0`` installs nothing.

The file keeps the texts per module (the module whose dataclass the text makes), each module's texts and code
objects marshalled apart after a small table of contents (:data:`FORMAT`): reading the file unmarshals only that
table, and a module's code objects are unmarshalled, from the bytes read, when its first dataclass is made (stop 29:
a file that has every module's texts, ~711 of them once the CLI and the app's dialogs have run, cost ~5-6 ms of CPU
to read and ~1 ms to free in every app start, which makes ~140 of them).

Scope (lead, stop 28): only this package's own dataclasses go through the cache (the text's globals are a module of
``sbrt_calc``); any other module's dataclass is made by :func:`exec` itself, so the file never keeps a host's texts.
Installed by the entry points only (``sbrt_calc.gui`` and ``sbrt_calc.cli``, through :mod:`sbrt_calc.entry_process`): a
plain ``import sbrt_calc`` by a host program leaves :mod:`dataclasses` untouched and writes nothing.
"""

from __future__ import annotations

import builtins
import os
import sys
from pathlib import Path
from typing import Any

#: Environment variable: ``0`` leaves :mod:`dataclasses` as it is.
ENV = "SBRT_CALC_CODE_CACHE"
#: Past this many texts the file is written again with only the texts this process used.
MAX_TEXTS = 4000


def cache_file() -> Path:
    """Where the compiled texts are kept: the folder of this package's bytecode, where Python places this module's
    ``.pyc`` (``__pycache__`` beside it, or under ``sys.pycache_prefix``)."""
    from importlib.util import cache_from_source

    opt = f".opt-{sys.flags.optimize}" if sys.flags.optimize else ""   # as a .pyc: -O strips asserts
    return Path(cache_from_source(os.path.abspath(__file__))).with_name(
        f"dataclass_code.{sys.implementation.cache_tag}{opt}.marshal")


#: The layout of the file: the length of a table of contents (4 bytes, little-endian), the table (marshal of
#: (bytecode magic number, FORMAT, {module: (number of texts, offset, length)})), then each module's texts (marshal of
#: {text: code}) at its offset from the table's end.
FORMAT = "per-module 2"


class CachedExec:
    """``exec`` for :mod:`dataclasses`: a text is compiled once (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        #: per module: (number of texts, its texts marshalled: a view of the bytes read) as read from the file; read
        #: when the first text of this package is executed
        self._stored: dict[str, tuple[int, Any]] | None = None
        self._codes: dict[str, dict[str, Any]] = {}   # per module: its texts' code objects, unmarshalled when needed
        self._changed: set[str] = set()   # modules with texts compiled by this process
        self._used_by_module: dict[str, dict[str, Any]] = {}   # per module: the texts this process executed
        self.compiled = 0   # texts compiled by this process (the others came from the file)

    @property
    def used(self) -> dict[str, Any]:
        """The texts this process executed, with their code objects (every module's)."""
        return {text: code for texts in self._used_by_module.values() for text, code in texts.items()}

    def _load(self) -> dict[str, tuple[int, Any]]:
        """The file's modules: (number of texts, a view of their marshalled texts in the bytes read); empty when
        missing, damaged or of another Python or layout."""
        import marshal
        from importlib.util import MAGIC_NUMBER

        try:
            data = memoryview(self.path.read_bytes())
            start = 4 + int.from_bytes(data[:4], "little")
            magic, layout, table = marshal.loads(data[4:start])
            if magic != MAGIC_NUMBER or layout != FORMAT or not isinstance(table, dict) or start > len(data):
                return {}
            body = data[start:]
            return {module: (count, body[offset:offset + length])
                    for module, (count, offset, length) in table.items()
                    if type(count) is type(offset) is type(length) is int and 0 <= offset <= offset + length <= len(body)}
        except Exception:   # noqa: BLE001 - missing, damaged, of another Python: compiled again
            return {}

    def _module_codes(self, module: str) -> dict[str, Any]:
        """The code objects kept for ``module``'s texts (unmarshalled on the first call; empty when none or damaged)."""
        codes = self._codes.get(module)
        if codes is None:
            if self._stored is None:
                self._stored = self._load()
            codes = {}
            entry = self._stored.get(module)
            if entry is not None:
                import marshal

                try:
                    loaded = marshal.loads(entry[1])
                    if isinstance(loaded, dict):
                        codes = loaded
                except Exception:   # noqa: BLE001 - damaged: compiled again
                    pass
            self._codes[module] = codes
        return codes

    def code(self, text: str, module: str = "") -> Any:
        """The code object of ``text`` (a text of ``module``'s dataclass) compiled as :mod:`dataclasses`' ``exec``
        compiles it."""
        codes = self._module_codes(module)
        code = codes.get(text)
        if code is None or type(code) is not _CODE:
            code = compile(text, "<string>", "exec", dont_inherit=True)   # no __future__ flags, as dataclasses
            codes[text] = code
            self._changed.add(module)
            self.compiled += 1
        self._used_by_module.setdefault(module, {})[text] = code
        return code

    def __call__(self, source: Any, globals: Any = None, locals: Any = None, /, **kw: Any) -> None:  # noqa: A002
        if globals is None:   # as exec: the caller's namespaces
            frame = sys._getframe(1)
            globals, locals = frame.f_globals, (frame.f_locals if locals is None else locals)
        if type(source) is str and not kw:   # compiled as dataclasses' own exec compiles it (no __future__ flags)
            module = _ours(globals)
            source = (self.code(source, module) if module is not None
                      else compile(source, "<string>", "exec", dont_inherit=True))
        builtins.exec(source, globals, locals, **kw)

    def save(self) -> None:
        """Write the compiled texts (atomically) when this process compiled new ones and may write bytecode: every
        module's texts as read (those this process did not unmarshal are written back as they were), with the
        ones compiled here; past :data:`MAX_TEXTS` texts, only those this process used."""
        if not self.compiled or sys.dont_write_bytecode or self._stored is None:
            return
        import marshal
        from importlib.util import MAGIC_NUMBER

        from sbrt_calc.atomic_write import write_bytes_atomic

        try:
            kept: dict[str, tuple[int, Any]] = {m: e for m, e in self._stored.items() if m not in self._changed}
            for module in self._changed:
                codes = self._codes[module]
                kept[module] = (len(codes), marshal.dumps(codes))
            if sum(n for n, _blob in kept.values()) > MAX_TEXTS:
                kept = {module: (len(codes), marshal.dumps(codes)) for module, codes in self._used_by_module.items()}
            table: dict[str, tuple[int, int, int]] = {}
            offset = 0
            for module, (count, texts) in kept.items():
                table[module] = (count, offset, len(texts))
                offset += len(texts)
            head = marshal.dumps((MAGIC_NUMBER, FORMAT, table))
            blob = b"".join([len(head).to_bytes(4, "little"), head, *(texts for _count, texts in kept.values())])
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(self.path, blob)   # the house's writer: never half-written, no temporary left
        except (OSError, ValueError):   # WriteError is an OSError: a read-only install keeps no cache
            pass


_CODE = type(compile("", "<string>", "exec"))


def _ours(namespace: Any) -> str | None:
    """The module's name when ``namespace`` (the globals dataclasses passes: the class's module's) is a module of this
    package, else None."""
    name = namespace.get("__name__") if isinstance(namespace, dict) else None
    return name if type(name) is str and (name == "sbrt_calc" or name.startswith("sbrt_calc.")) else None


def install() -> CachedExec | None:
    """Give :mod:`dataclasses` the compiling-once ``exec`` (once per process); None when ``SBRT_CALC_CODE_CACHE``
    is ``0`` or when :mod:`dataclasses` compiles with ``__future__`` flags of its own (then left as it is)."""
    import dataclasses

    current = dataclasses.__dict__.get("exec")
    if isinstance(current, CachedExec):
        return current
    if os.environ.get(ENV) == "0" or "annotations" in dataclasses.__dict__ or current is not None:
        return None
    try:
        path = cache_file()
    except (NotImplementedError, ValueError):   # no bytecode cache in this Python (cache_tag None)
        return None
    cached = CachedExec(path)
    dataclasses.exec = cached  # type: ignore[attr-defined]
    import atexit

    atexit.register(cached.save)
    return cached
