"""One base error for everything the user can get wrong.

Every error raised for bad input is a :class:`SbrtCalcError` (which is also a
:class:`ValueError`). It carries the *field* that was wrong, the *value* that was
given and what is *allowed*, so that the CLI can print one clear line and the GUI
can mark the offending input inline.
"""

from __future__ import annotations

import re
from typing import Any

#: At most this many characters of a value the user gave are echoed in a message.
MAX_ECHO_CHARS = 200
#: And a whole message is never longer than this.
MAX_MESSAGE_CHARS = 2000
_N = MAX_ECHO_CHARS + 1
#: a long quoted value, a long word: compiled (re's cache) when a long message is first bounded, not at import
_LONG_QUOTED = rf"'[^']{{{_N},}}'|\"[^\"]{{{_N},}}\""
_LONG_WORD = rf"\S{{{_N},}}"


def shorten(text: str, limit: int = MAX_ECHO_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text)} characters)"


def _bounded(message: str, value: Any) -> str:
    """``message`` with every echo of a long value shortened to :data:`MAX_ECHO_CHARS`."""
    if len(message) <= MAX_ECHO_CHARS:
        return message
    if isinstance(value, str) and len(value) > MAX_ECHO_CHARS:
        message = message.replace(repr(value), repr(shorten(value))).replace(value, shorten(value))
    message = re.sub(_LONG_QUOTED, lambda m: m.group(0)[0] + shorten(m.group(0)[1:-1]) + m.group(0)[0], message)
    message = re.sub(_LONG_WORD, lambda m: shorten(m.group(0)), message)
    return shorten(message, MAX_MESSAGE_CHARS)


class SbrtCalcError(ValueError):
    """Base error of sbrt_calc: bad input, named precisely.

    Parameters
    ----------
    message : str
        A complete sentence naming the value and what is allowed.
    field : str, optional
        The input (or key path) that was wrong, e.g. ``"fractions"`` or
        ``"schemes[3].total_dose_gy"``.
    value : Any, optional
        The offending value, as given.
    allowed : str, optional
        What would have been accepted, in words.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: Any = None,
        allowed: str | None = None,
    ) -> None:
        # one line, always: a key or value the user typed may hold line breaks; show them escaped
        message = message.replace("\r", "\\r").replace("\n", "\\n")
        message = _bounded(message, value)   # never echo a 128 KiB argument back
        super().__init__(message)
        self.message = message
        self.field = field
        self.value = value
        self.allowed = allowed

    def __str__(self) -> str:
        return self.message


class RegimenError(SbrtCalcError):
    """A regimen (dose and fractions) that cannot be used."""


class ModelParameterError(SbrtCalcError):
    """A radiobiological model parameter out of its allowed range."""


class PresetError(SbrtCalcError):
    """A preset file that does not load or does not validate.

    ``problems`` holds every problem found (file, key path, value, message),
    so that a physicist sees all of them at once.
    """

    def __init__(self, message: str, *, problems: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.problems = list(problems or [])


class CaseError(SbrtCalcError):
    """A case file (saved case or eligibility case) that cannot be used."""


class DicomError(SbrtCalcError):
    """A DICOM file that is not an RT Plan or lacks the prescription."""
