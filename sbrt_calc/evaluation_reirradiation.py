"""The case's ``reirradiation`` section evaluated: the courses summed voxel by voxel in EQD2 and graded
(:func:`sbrt_calc.reirradiation.inputs.run`), held by :attr:`sbrt_calc.evaluation.Evaluation.reirradiation`,
rendered by every face (the report's section, the app's Re-irradiation view, ``evaluate``'s JSON).

Imported only when a case with that section is evaluated (DICOM reading loads here).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sbrt_calc.errors import SbrtCalcError


@dataclass(frozen=True)
class ReirradiationEvaluation:
    """The re-irradiation of the case's DICOM courses, or why it could not run (``error``)."""

    inputs: Any  # sbrt_calc.reirradiation.inputs.ReirradiationInputs
    result: Any = None  # sbrt_calc.reirradiation.evaluate.ReirradiationResult
    error: str = ""

    @property
    def status(self) -> str:
        """'pass', 'fail' or 'incomplete' ('incomplete' when it could not run: not checked is never a pass)."""
        return "incomplete" if self.result is None else str(self.result.status)

    def tables(self) -> tuple[Any, ...]:
        """The result's typed tables (:func:`sbrt_calc.reirradiation.tables.typed_tables`); empty without one."""
        if self.result is None:
            return ()
        from sbrt_calc.reirradiation.tables import typed_tables

        return typed_tables(self.result)

    def as_dict(self) -> dict[str, Any]:
        """``sbrt-calc reirradiation``'s JSON document and the section's inputs; or the error."""
        out: dict[str, Any] = {"inputs": self.inputs.to_dict()}
        if self.result is None:
            return {**out, "status": "incomplete", "error": self.error}
        return {**out, **self.result.as_dict()}


def evaluate_reirradiation_section(inputs: Any, done: Any = None) -> ReirradiationEvaluation | None:
    """The case's re-irradiation, or ``done`` (a :class:`ReirradiationEvaluation` already computed on the same
    inputs: the app's Re-irradiation view) - None when the case has no such section."""
    if inputs is None:
        return None
    if isinstance(done, ReirradiationEvaluation) and done.inputs == inputs and done.result is not None:
        return done
    if inputs.missing:
        return ReirradiationEvaluation(inputs, None, f"Re-irradiation not evaluated: still needed: {inputs.missing}.")
    from sbrt_calc.reirradiation.inputs import run

    try:
        return ReirradiationEvaluation(inputs, run(inputs))
    except SbrtCalcError as exc:
        return ReirradiationEvaluation(inputs, None, f"Re-irradiation not evaluated: {exc.message}")
