"""Refuse to let an output file replace one of the program's own inputs or a file of another kind.

Used before an atomic write (:mod:`sbrt_calc.atomic_write`) of a file the user names on the
command line (e.g. ``check-plan --dvh-csv``): the target is compared with every input by its
resolved path and, when it exists, by ``os.path.samefile`` (same device and inode: symbolic and
hard links included); an existing file is replaced only when its first bytes look like the kind
being written (sniffed: a DICOM file, a JSON case file or any binary file is never a CSV).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from sbrt_calc.errors import SbrtCalcError

SNIFF_BYTES = 4096


class OutputTargetError(SbrtCalcError):
    """An output file that must not be written where it was asked."""


def _sniff_kind(head: bytes) -> str:
    """``"dicom"``, ``"binary"``, ``"json"``, ``"empty"``, ``"csv"`` or ``"text"`` from a file's first bytes."""
    if len(head) >= 132 and head[128:132] == b"DICM":
        return "dicom"
    if b"\0" in head:
        return "binary"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the sniff boundary
            return "binary"
        text = head[:exc.start].decode("utf-8")
    text = text.lstrip("\ufeff \t\r\n")
    if not text:
        return "empty"
    if text[0] in "{[":
        return "json"
    first = text.splitlines()[0]
    return "csv" if "," in first else "text"


def check_output_target(target: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str] | None],
                        kind: str = "csv", option: str = "the output") -> Path:
    """Return *target* as a Path if writing a *kind* file there replaces nothing it must not.

    Raises
    ------
    OutputTargetError
        The target is one of *inputs* (resolved path or same file), is not a regular file, or is an
        existing file whose content is not of *kind* (e.g. a DICOM or JSON file where a CSV goes).
    """
    t = Path(target)
    resolved = t.resolve()
    exists = t.exists()
    for src in inputs:
        if src is None:
            continue
        s = Path(src)
        same = s.resolve() == resolved
        if not same and exists and s.exists():
            try:
                same = os.path.samefile(s, t)
            except OSError:
                same = False
        if same:
            raise OutputTargetError(f"{option} {t} is one of the input files ({s}): refused, it would be "
                                    "overwritten", field=option, value=str(t), allowed="a new file name")
    if exists:
        if not t.is_file():
            raise OutputTargetError(f"{option} {t} exists and is not a regular file: refused", field=option,
                                    value=str(t), allowed="a file name")
        try:
            with t.open("rb") as fh:
                head = fh.read(SNIFF_BYTES)
        except OSError as exc:
            raise OutputTargetError(f"{option} {t}: cannot read the existing file ({exc.strerror or exc})",
                                    field=option, value=str(t)) from None
        found = _sniff_kind(head)
        if found not in (kind, "empty"):
            what = {"dicom": "a DICOM file", "binary": "a binary file", "json": "a JSON file (a case file?)",
                    "text": "a text file that is not a CSV", "csv": "a CSV file"}[found]
            raise OutputTargetError(f"{option} {t} exists and is {what}: refused, it is not replaced by a "
                                    f"{kind.upper()}", field=option, value=str(t), allowed=f"a new name or a {kind.upper()} file")
    return t
