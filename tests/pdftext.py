"""The text of a PDF, as the tests read it: pypdf's extraction, each page's text with ligatures undone (NFKC)
and whitespace runs made single spaces.

pypdf parses a page's content stream in pure Python (the report writes one text operator per glyph), and under
``pytest --cov`` the coverage tracer doubles that time although no line of the package runs in it. The
extraction runs with the tracer off (``sys.settrace(None)``, restored after): the coverage figures are the same,
since only pypdf's own code runs untraced.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def untraced() -> Iterator[None]:
    """Run the block without the trace function (coverage's tracer): for third-party work the tests do themselves."""
    tracer = sys.gettrace()
    sys.settrace(None)
    try:
        yield
    finally:
        sys.settrace(tracer)


def pages_text(path: str | Path) -> list[str]:
    """Each page's text, ligatures undone (NFKC) and whitespace runs made single spaces."""
    import pypdf

    with untraced():
        return [" ".join(unicodedata.normalize("NFKC", p.extract_text() or "").split())
                for p in pypdf.PdfReader(str(path)).pages]


def pdf_text(path: str | Path) -> str:
    """The whole document's text: the pages' texts joined by one space."""
    return " ".join(pages_text(path))
