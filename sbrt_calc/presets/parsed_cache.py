"""TOML text parsed once per content: the parse of a preset file kept on disk beside the exact bytes it came from.

The app's start reads ``radiobiology.toml`` in every process; importing :mod:`tomllib` and parsing the file cost
~3 ms of CPU there (stop 28). The cache holds, per preset file, the file's whole content (bytes) and its parse
(:mod:`marshal`); it is used only when the file's bytes are the very bytes it was parsed from, under the same
Python (its version is part of the key), so an edited file, whatever its time stamp or size, is parsed again.
A cache that is missing, unreadable, damaged or of another Python is ignored (the text is parsed); one that cannot
be written is left alone. A parse :mod:`marshal` cannot hold (TOML dates and times) is not cached.
"""

from __future__ import annotations

import marshal
import os
import sys
from pathlib import Path
from typing import Any

#: What a cache entry must have been written by: the format of this module, the Python and marshal's version.
_TAG = ("sbrt-calc parsed toml 1", sys.version, marshal.version)


def _cache_file(source: Path, folder: Path) -> Path:
    """The cache file of ``source`` in ``folder`` (one per source path; the name keeps the file's stem)."""
    import zlib

    key = zlib.crc32(os.fsencode(os.path.abspath(source)))
    return folder / f"{source.stem}-{key:08x}.parsed"


def toml_text(raw: bytes) -> str:
    """``raw`` as :meth:`Path.read_text` with UTF-8 gives it: decoded, line ends (CR LF, CR) read as LF."""
    return raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def parse_toml_bytes(raw: bytes, source: Path, folder: Path | None) -> dict[str, Any]:
    """The parse of ``raw`` (the content of ``source``, UTF-8 TOML) as :func:`tomllib.loads` gives it.

    ``folder``: where the parses are kept (None: no cache). Raises what :func:`tomllib.loads` and the UTF-8
    decoding raise for a bad text (never cached).
    """
    entry = _cache_file(source, folder) if folder is not None else None
    if entry is not None:
        try:
            tag, content, data = marshal.loads(entry.read_bytes())
            if tag == _TAG and content == raw and isinstance(data, dict):
                return data
        except Exception:   # noqa: BLE001 - missing, damaged, of another Python: parsed again below
            pass
    import tomllib

    data = tomllib.loads(toml_text(raw))
    if entry is not None:
        _store(entry, raw, data)
    return data


def _store(entry: Path, raw: bytes, data: dict[str, Any]) -> None:
    """Write the cache entry atomically (a temporary file renamed over it); any failure leaves no entry."""
    try:
        blob = marshal.dumps((_TAG, raw, data))
    except ValueError:   # a date or time in the TOML: marshal cannot hold it
        return
    from sbrt_calc.atomic_write import write_bytes_atomic

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(entry, blob)   # the house's writer: never half-written, no temporary left
    except OSError:   # WriteError is an OSError: an unwritable cache folder keeps no entry
        pass
