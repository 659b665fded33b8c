"""The case's optional sections, validated once into typed objects, and the one loader of case files.

A case file is a saved case (JSON, :mod:`sbrt_calc.case`) or an eligibility case (TOML, the format of
``examples/``): :func:`load_any_case` tells them apart by content and returns a
:class:`sbrt_calc.case.Case` either way, so that the app, ``compare --case`` and ``report`` read
every case the same way. An eligibility case becomes a case whose regimens are the preset schemes
of its progressing lesions' sites (in lesion order, without duplicates), each with its source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sbrt_calc.errors import CaseError

#: Case files larger than this are refused before being read whole.
MAX_CASE_BYTES = 5_000_000


def eligibility_case_of(section: Any, source: str = "") -> Any:
    """The :class:`~sbrt_calc.eligibility.case.Case` of a saved ``eligibility`` section, or None.

    The section is ``{"case": <Case.to_dict()>}`` (complete form) or ``{"draft": {...}}`` (the app's
    form while incomplete: not assessed). CaseError naming ``eligibility.case.<key>`` for a bad case.
    """
    from sbrt_calc.eligibility.case import Case as EligibilityCase

    pre = f"{source}: " if source else ""
    if not section:
        return None
    if not isinstance(section, dict):
        raise CaseError(f"{pre}eligibility must be an object", field="eligibility", value=None,
                        allowed="an object")
    for key in section:
        if key not in ("case", "draft"):
            raise CaseError(f"{pre}eligibility.{key}: unknown key (allowed: case, draft)",
                            field=f"eligibility.{key}", value=key, allowed="case, draft")
    if "case" not in section:
        return None
    try:
        return EligibilityCase.from_dict(section["case"], source=f"{pre}eligibility.case")
    except CaseError as exc:
        path = f"eligibility.case.{exc.field}" if exc.field and exc.field != "case" else "eligibility.case"
        raise CaseError(exc.message, field=path, value=exc.value, allowed=exc.allowed) from None


def planning_inputs_of(section: Any) -> Any:
    """The :class:`~sbrt_calc.planning.section.PlanningInputs` of a saved ``planning`` section, or None."""
    from sbrt_calc.planning.section import PlanningInputs

    if not section:
        return None
    return PlanningInputs.from_dict(section)


def plan_check_inputs_of(section: Any) -> Any:
    """The :class:`~sbrt_calc.plancheck.inputs.PlanCheckInputs` of a saved ``plan_check`` section, or None
    (CaseError naming ``plan_check.<key>`` for a bad one)."""
    from sbrt_calc.errors import SbrtCalcError
    from sbrt_calc.plancheck.inputs import PlanCheckInputs

    if not section:
        return None
    try:
        return PlanCheckInputs.from_dict(section)
    except SbrtCalcError as exc:
        field = exc.field if (exc.field or "").startswith("plan_check") else "plan_check"
        raise CaseError(exc.message, field=field, value=exc.value, allowed=exc.allowed) from None


def case_from_eligibility(ecase: Any, title: str) -> Any:
    """A :class:`sbrt_calc.case.Case` holding an eligibility case, with its sites' preset schemes as rows."""
    from sbrt_calc.case import Case, CaseRegimen, CaseSettings
    from sbrt_calc.eligibility.assess import assess

    assessment = assess(ecase)
    seen: dict[tuple[float, int], CaseRegimen] = {}
    for lesion in assessment.as_dict().get("lesions", []):
        for s in lesion.get("schemes", []):
            key = (float(s["total_dose_gy"]), int(s["fractions"]))
            if key not in seen:
                seen[key] = CaseRegimen(str(s.get("label") or f"{key[0]:g}/{key[1]}"), key[0], key[1],
                                        note=f"preset for {lesion.get('site', '')}", source=str(s.get("source", "")),
                                        verification=str(s.get("verification", "")))
    return Case(title=title, regimens=tuple(seen.values()), settings=CaseSettings(model="all"),
                sections={"eligibility": {"case": ecase.to_dict()}})


def load_any_case(path: str | Path) -> Any:
    """A saved case (JSON) or an eligibility case (TOML), told apart by content, as a Case."""
    from sbrt_calc.case import load_case

    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_CASE_BYTES:
            raise CaseError(f"{p}: {size} bytes is too large for a case file (limit {MAX_CASE_BYTES})",
                            field=str(p), value=size, allowed=f"at most {MAX_CASE_BYTES} bytes")
        head = p.read_bytes()[:256].lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as exc:
        raise CaseError(f"{p}: cannot read: {exc.strerror or exc}", field=str(p), value=None,
                        allowed="a readable case file") from None
    if head[:1] in (b"{", b"[") or not head or p.suffix.lower() == ".json":
        return load_case(p)
    from sbrt_calc.eligibility.case import load_case as load_eligibility

    return case_from_eligibility(load_eligibility(p), f"{p.stem} (eligibility case)")
