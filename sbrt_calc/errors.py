"""One base error for everything the user can get wrong.

Every error raised for bad input is a :class:`SbrtCalcError` (which is also a
:class:`ValueError`). It carries the *field* that was wrong, the *value* that was
given and what is *allowed*, so that the CLI can print one clear line and the GUI
can mark the offending input inline.
"""

from __future__ import annotations

from typing import Any


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
