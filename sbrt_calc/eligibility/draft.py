"""The eligibility form while it is incomplete: a typed draft, validated the same for every face.

A saved case keeps the app's eligibility form as ``{"draft": {...}}`` while a required choice (therapy,
driver, months on therapy, ECOG) is still unset (``null``); see ``docs/case-format.md``. A draft is not
assessed, but what it does hold is checked exactly as a complete case would be: the unset required
choices are filled with placeholders and the result goes through
:meth:`sbrt_calc.eligibility.case.Case.from_dict`. Every face reads it through
:func:`sbrt_calc.case.eligibility_draft_of`: loading a case file validates its sections once (the app
opening a file, ``sbrt-calc report``, ``compare --case``), so a draft one face refuses, every face refuses
(issue 18: the app refused a bad draft that ``report`` accepted).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from sbrt_calc.eligibility.case import DEFAULT_MAX_SITES, Case
from sbrt_calc.errors import CaseError

#: The required choices of the form: (key, what the form calls it). Unset (None) in a draft.
REQUIRED_CHOICES: tuple[tuple[str, str], ...] = (("therapy_class", "therapy"), ("driver", "driver"),
                                                 ("months_on_therapy", "months on therapy"), ("ecog", "ECOG"))
#: The yes/no facts of the form, unticked (False) in an empty one.
FLAGS: tuple[str, ...] = ("other_disease_controlled", "cns_imaging_done", "staging_complete", "leptomeningeal",
                          "suspected_transformation", "mdt_discussed", "trial_considered")
#: Values that stand in for unset required choices while the rest of a draft is validated (never assessed).
_PLACEHOLDERS: dict[str, Any] = {"therapy_class": "tki", "driver": "EGFR", "months_on_therapy": 0, "ecog": 0}


def empty_form() -> dict[str, Any]:
    """A new, unfilled form: required choices unset, every box unticked, no lesion."""
    form: dict[str, Any] = {"therapy_class": None, "driver": None, "months_on_therapy": None, "ecog": None,
                            "max_sites": DEFAULT_MAX_SITES, "agent": None, "resistance_mutation": None,
                            "best_response": "unknown", "rebiopsy_result": None, "lesions": []}
    for key in FLAGS:
        form[key] = False
    return form


@dataclass(frozen=True)
class EligibilityDraft:
    """An eligibility form, complete or not, whose every set value is valid.

    ``values`` is the whole form (the keys of :func:`empty_form`, then those the draft sets), read-only;
    :meth:`to_dict` gives a copy to edit.
    """

    values: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType(empty_form()))

    @classmethod
    def from_dict(cls, data: Any, source: str = "<case>") -> EligibilityDraft:
        """Validate a saved draft (CaseError naming ``eligibility.draft.<key>``, the value and what is allowed)."""
        pre = f"{source}: " if source else ""
        if not isinstance(data, Mapping):
            raise CaseError(f"{pre}eligibility.draft must be an object", field="eligibility.draft", value=data,
                            allowed="an object")
        form = empty_form()
        form.update(copy.deepcopy(dict(data)))
        probe = {**form, **{k: v for k, v in _PLACEHOLDERS.items() if form.get(k) is None}}
        try:
            Case.from_dict({k: v for k, v in probe.items() if v is not None}, source=f"{pre}eligibility.draft")
        except CaseError as exc:
            raise CaseError(exc.message, field=f"eligibility.draft.{exc.field}", value=exc.value,
                            allowed=exc.allowed) from None
        return cls(MappingProxyType(form))

    @property
    def missing(self) -> tuple[str, ...]:
        """What the form still calls for: the names of the unset required choices."""
        return tuple(label for key, label in REQUIRED_CHOICES if self.values.get(key) is None)

    def case(self) -> Case | None:
        """The eligibility case of a complete draft, else None (a draft is never assessed with placeholders)."""
        if self.missing:
            return None
        return Case.from_dict({k: v for k, v in self.values.items() if v is not None}, source="eligibility form")

    def to_dict(self) -> dict[str, Any]:
        """The form as a new dict (what the app edits and saves as ``{"draft": ...}``)."""
        return copy.deepcopy(dict(self.values))
