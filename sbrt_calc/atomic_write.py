"""Write a file so that it is never half-written: the old file or the new one, nothing in between.

Every file the program writes (saved case, autosave, CSV, PNG/SVG figure, PDF report) goes
through :func:`write_bytes_atomic` or :func:`write_text_atomic`:

1. leftovers of killed saves (``.<name>.<random>.sbrt-tmp`` older than
   :data:`STALE_AFTER_S`) in the target folder are removed;
2. the content goes to a new temporary file in the same folder (same file system, so the
   rename is atomic), created with mode ``0o666`` so the kernel applies the user's umask, or
   given the existing file's mode when the target exists;
3. it is flushed and ``fsync``-ed, then renamed over the target (``os.replace``), and the
   folder is ``fsync``-ed so that the rename survives a power cut (POSIX).

Before step 2, a writer that says what it writes (``kind``: case, csv, pdf, png, svg) is refused
when the target exists and is of another kind (told by content: a DICOM file, a PDF, a case...)
or is one of the output's inputs (:func:`check_replaceable`; issue 20).

A failure at any step removes the temporary file, leaves the previous file as it was and
raises :class:`WriteError` naming the user's file (never the hidden temporary one) and the
reason in words (disk full, permission denied, read-only). A target whose permissions forbid
writing (no owner write bit) is refused, even for root, rather than replaced silently.

References: POSIX ``rename(2)`` (atomic replacement within one file system) and ``fsync(2)``;
the same pattern as ``git``'s lock files and SQLite's rollback journal.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import time
from pathlib import Path

from sbrt_calc.errors import SbrtCalcError

#: Temporaries older than this (seconds) are leftovers of a killed save.
STALE_AFTER_S = 300.0
TMP_SUFFIX = ".sbrt-tmp"
# our own temporaries, and those of earlier versions (tempfile.mkstemp: 8 random characters); compiled by re at
# the first cleanup (its cache), not at import (~0.25 ms of the app's start, stop 29)
_LEFTOVER = r"^\..+\.(?:[A-Za-z0-9_]{8}\.tmp|[0-9a-f]{16}\.sbrt-tmp)$|^\.report-[A-Za-z0-9_]{8}\.pdf$"

_REASONS = {
    errno.ENOSPC: "the disk is full (no space left on device)",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "the file system is read-only",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "it is a folder",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EIO: "input/output error",
}


class WriteError(SbrtCalcError, OSError):
    """A file could not be written; the previous file, if any, is unchanged.

    Also an :class:`OSError` (``errno`` set), so that callers catching either see it.
    """


def _fail(target: Path, reason: str, errno_: int | None = None) -> WriteError:
    unchanged = "the previous file is unchanged" if target.exists() else "nothing was written"
    err = WriteError(f"could not write {target}: {reason}; {unchanged}", field="output", value=str(target),
                     allowed="a writable file in a folder with free space")
    err.errno = errno_
    return err


def reason_of(exc: OSError) -> str:
    """The reason of an ``OSError`` in words (without the file name)."""
    return _REASONS.get(exc.errno or -1, exc.strerror or type(exc).__name__)


def cleanup_leftovers(folder: str | os.PathLike[str], max_age_s: float = STALE_AFTER_S) -> int:
    """Remove temporaries of killed saves older than ``max_age_s`` in ``folder``; return how many.

    Only hidden files named like this module's temporaries (or those of earlier versions) are
    touched; a temporary younger than ``max_age_s`` may belong to a save still running.
    """
    removed = 0
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not entry.name.startswith(".") or not re.match(_LEFTOVER, entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False) or now - entry.stat().st_mtime < max_age_s:
                continue
            os.unlink(entry.path)
            removed += 1
        except OSError:
            continue
    return removed


def check_writable(path: str | os.PathLike[str]) -> Path:
    """The target as a Path, after refusing a folder, a missing folder and a read-only file."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise _fail(target, f"the folder {folder} does not exist", errno.ENOENT)
    try:
        st = target.stat()
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise _fail(target, reason_of(exc), exc.errno) from None
    if stat.S_ISDIR(st.st_mode):
        raise _fail(target, "it is a folder", errno.EISDIR)
    if not st.st_mode & stat.S_IWUSR or not os.access(target, os.W_OK):
        raise _fail(target, "the file is read-only (make it writable or choose another name)", errno.EACCES)
    return target


#: What each kind of output may replace (besides an empty file): issue 20, a CSV export replaced an
#: RT Dose and a case file. Kinds are told by content (:func:`kind_of`), not by name.
REPLACEABLE: dict[str, frozenset[str]] = {
    "case": frozenset({"case"}),
    "csv": frozenset({"text"}),
    "pdf": frozenset({"pdf"}),
    "png": frozenset({"png"}),
    "svg": frozenset({"svg"}),
}
#: A text output (CSV) replaces an existing text file only under one of these names.
_TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
_KIND_WORDS = {"case": "an sbrt-calc case file", "pdf": "a PDF", "png": "a PNG image", "svg": "an SVG image",
               "dicom": "a DICOM file", "json": "a JSON file", "zip": "a ZIP archive (or an office document)",
               "text": "a text file", "binary": "a binary file", "folder": "a folder"}


def kind_of(path: str | os.PathLike[str]) -> str | None:
    """The kind of an existing file told by its first bytes; None when it is missing or empty.

    "case", "json", "pdf", "png", "svg", "dicom", "zip", "text" (UTF-8 without NUL) or "binary".
    """
    try:
        if os.path.isdir(path):
            return "folder"
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except (OSError, ValueError):
        return None
    if not head:
        return None
    if head[128:132] == b"DICM":
        return "dicom"
    for magic, kind in ((b"%PDF", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"PK\x03\x04", "zip")):
        if head.startswith(magic):
            return kind
    if b"\x00" in head:
        return "binary"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:   # not just a character cut at the 4096th byte
            return "binary"
        text = head[:exc.start].decode("utf-8")
    body = text.lstrip("\ufeff \t\r\n")
    if body.startswith("{") and "sbrt-calc-case" in body:
        return "case"
    if body.startswith(("{", "[")) and not body.startswith("[["):   # TOML tables start with "["
        return "json"
    if "<svg" in body[:2000]:
        return "svg"
    return "text"


def check_replaceable(path: str | os.PathLike[str], kind: str,
                      inputs: tuple[str | os.PathLike[str], ...] = ()) -> None:
    """Refuse to write ``kind`` over one of ``inputs`` or over an existing file of another kind.

    Raises
    ------
    WriteError
        Naming the file, what it is and what to do (choose another name); nothing is written.
    """
    target = Path(path)
    for source in inputs:
        if source and same_file(target, source):
            raise _fail(target, f"it is one of this output's inputs ({source}); choose another name",
                        errno.EEXIST)
    found = kind_of(target)
    if found is None or found in REPLACEABLE[kind]:
        if found == "text" and kind == "csv" and target.suffix.lower() not in _TEXT_SUFFIXES:
            raise _fail(target, "it exists and is not named .csv, .tsv or .txt (refusing to replace it with "
                        "a table); choose another name", errno.EEXIST)
        return
    raise _fail(target, f"it exists and is {_KIND_WORDS.get(found, found)}, not {_KIND_WORDS.get(kind, kind)} "
                "(refusing to replace it); choose another name", errno.EEXIST)


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes, *, kind: str | None = None,
                       inputs: tuple[str | os.PathLike[str], ...] = ()) -> Path:
    """Write ``data`` to ``path`` atomically (see the module docstring); return the target.

    ``kind`` ("case", "csv", "pdf", "png", "svg"): refuse to replace an existing file of another
    kind or one of ``inputs`` (:func:`check_replaceable`); every writer of the program passes it.

    Raises
    ------
    WriteError
        Disk full, permission denied, read-only file or folder, missing folder, a file of another
        kind or an input: the message names ``path``; the previous file is unchanged and no
        temporary is left.
    """
    target = check_writable(path)
    if kind is not None:
        check_replaceable(target, kind, inputs)
    folder = target.parent if str(target.parent) else Path(".")
    cleanup_leftovers(folder)
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mode = None   # a new file: 0o666 minus the umask (applied by the kernel in os.open)
    import secrets  # here, not at import: it brings hashlib (start-up time of the app, issue 13)

    tmp = folder / f".{target.name[:80]}.{secrets.token_hex(8)}{TMP_SUFFIX}"
    fd = -1
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        if mode is not None and hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            if written <= 0:
                raise OSError(errno.EIO, "write returned no progress")
            view = view[written:]
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, target)
    except OSError as exc:
        _discard(fd, tmp)
        raise _fail(target, reason_of(exc), exc.errno) from None
    except BaseException:
        _discard(fd, tmp)
        raise
    _fsync_folder(folder)
    return target


def write_text_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8", *, kind: str | None = None,
                      inputs: tuple[str | os.PathLike[str], ...] = ()) -> Path:
    """Write ``text`` atomically (UTF-8, ``\\n`` line ends as given); see :func:`write_bytes_atomic`."""
    return write_bytes_atomic(path, text.encode(encoding), kind=kind, inputs=inputs)


def _discard(fd: int, tmp: Path) -> None:
    if fd >= 0:
        try:
            os.close(fd)
        except OSError:
            pass
    try:
        os.unlink(tmp)
    except OSError:
        pass


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX); not available everywhere, never fatal."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """True when ``a`` and ``b`` name the same existing file (links and ``..`` resolved)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        try:
            return Path(a).resolve() == Path(b).resolve()
        except (OSError, ValueError, RuntimeError):   # RuntimeError: a symlink loop (Python < 3.13)
            return False


Fingerprint = tuple[int, int, str]


def file_fingerprint(path: str | os.PathLike[str]) -> Fingerprint | None:
    """(size, mtime in ns, SHA-256) of the file, None when it cannot be read.

    What a document remembers of its file when it opens or saves it, so that a later save can
    tell that someone else changed the file since (the app's "changed on disk" question).
    """
    try:
        p = Path(path)
        st = p.stat()
        import hashlib  # when a file is saved or opened, not at start-up

        return st.st_size, st.st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest()
    except (OSError, ValueError, RuntimeError):
        return None
