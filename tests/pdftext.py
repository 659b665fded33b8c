"""The text of a PDF, as the tests read it: pypdf's extraction, each page's text with ligatures undone (NFKC)
and whitespace runs made single spaces.

pypdf parses a page's content stream in pure Python (the report writes one text operator per glyph), and under
``pytest --cov`` the coverage tracer doubles that time although no line of the package runs in it. The
extraction runs with the tracer off (``sys.settrace(None)``, restored after): the coverage figures are the same,
since only pypdf's own code runs untraced.

Most of pypdf's time goes into tokenising the content streams (a byte at a time). The report's streams (Qt's PDF
engine) hold only numbers, names, hex strings, arrays and operators: :func:`qt_operations` reads those with one
regular expression into the very objects pypdf's tokeniser makes (pypdf's own number, name and string
constructors), and hands anything else (a literal string, a comment, a dictionary, an inline image, a ``#`` in a
name, other whitespace) back to pypdf's tokeniser. pypdf does all the rest (fonts, positions, spacing): the text is
pypdf's. tests/test_report_render.py checks that every operation of a report's pages equals pypdf's own reading.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def untraced() -> Iterator[None]:
    """Run the block without the trace function (coverage's tracer): for third-party work the tests do themselves."""
    tracer = sys.gettrace()
    sys.settrace(None)
    try:
        yield
    finally:
        sys.settrace(tracer)


#: one token of a content stream, as pypdf's tokeniser delimits it (numbers: pypdf's [+,-.0-9] run less the comma);
#: possessive runs, as pypdf reads each token to its end (no backtracking splits "/A#20b" into "/" and "A#20b")
_TOKEN = (rb"""[ \t\r\n]*+(?:([+\-.0-9]++)|(/[^\s()<>\[\]{}/%#]*+)|(<[0-9A-Fa-f]*+>)"""
          rb"""|([A-Za-z'"][^\s()<>\[\]{}/%]*+)|(\[)|(\]))""")
_TOKENS = re.compile(_TOKEN)
_ONLY_TOKENS = re.compile(rb"(?:" + _TOKEN + rb")*[ \t\r\n]*")


def qt_operations(data: bytes, forced_encoding: Any = None) -> list[tuple[Any, bytes]] | None:
    """The operations pypdf's ``ContentStream`` reads from ``data`` (``[(operands, operator), ...]``, the same
    objects), or None when the stream holds anything but numbers, names, hex strings, arrays and operators.
    Equal tokens share one (immutable) object: a number, a name or a string."""
    from pypdf.generic import ArrayObject, FloatObject, NameObject, NumberObject, create_string_object

    if b"\x00" in data or b"\x0b" in data or b"\x0c" in data:   # whitespace to pypdf, or not, unlike the pattern
        return None
    if _ONLY_TOKENS.fullmatch(data) is None:   # something else somewhere: pypdf's own reading
        return None
    ops: list[tuple[Any, bytes]] = []
    operands: list[Any] = []
    arrays: list[list[Any]] = []
    made: dict[bytes, Any] = {}
    for num, name, hexs, op, opened, closed in _TOKENS.findall(data):
        if op:
            if arrays or op in (b"BI", b"R"):   # an inline image, a reference: pypdf's own reading
                return None
            ops.append((operands, op))
            operands = []
            continue
        if opened:
            arrays.append(ArrayObject())
            continue
        if closed:
            if not arrays:
                return None
            obj: Any = arrays.pop()
        else:
            token = num or name or hexs
            obj = made.get(token)
            if obj is None:
                if num:
                    obj = FloatObject(num) if b"." in num else NumberObject(num)
                elif name:
                    obj = NameObject(name.decode("utf-8"))
                else:
                    digits = hexs[1:-1]
                    obj = create_string_object(bytes.fromhex(((digits + b"0") if len(digits) % 2 else digits).decode()),
                                               forced_encoding)
                made[token] = obj
        (arrays[-1] if arrays else operands).append(obj)
    return None if arrays else ops


@contextmanager
def fast_content_streams() -> Iterator[None]:
    """pypdf reads content streams with :func:`qt_operations` (its own tokeniser for anything else) in the block."""
    from pypdf.generic import ContentStream

    original = getattr(ContentStream, "_parse_content_stream", None)
    if original is None:   # another pypdf: its own reading throughout
        yield
        return

    def parse(self: Any, stream: Any) -> None:
        ops = qt_operations(stream.getvalue(), self.forced_encoding) if hasattr(stream, "getvalue") else None
        if ops is None:
            original(self, stream)
        else:
            self._operations.extend(ops)

    ContentStream._parse_content_stream = parse
    try:
        yield
    finally:
        ContentStream._parse_content_stream = original


def pages_text(path: str | Path) -> list[str]:
    """Each page's text as PDFium reads it (pypdfium2: ~10x faster than pypdf's ``extract_text`` on a report, the
    same characters, whitespace aside: ``tests/test_report_render.py``), ligatures undone (NFKC) and whitespace runs
    made single spaces."""
    import pypdfium2

    with untraced():
        doc = pypdfium2.PdfDocument(str(path))
        try:
            return [" ".join(unicodedata.normalize("NFKC", doc[i].get_textpage().get_text_range()).split())
                    for i in range(len(doc))]
        finally:
            doc.close()


def pdf_text(path: str | Path) -> str:
    """The whole document's text: the pages' texts joined by one space."""
    return " ".join(pages_text(path))
