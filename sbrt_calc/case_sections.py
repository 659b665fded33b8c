"""The one loader of case files (saved cases and eligibility cases).

The section validators (:func:`eligibility_case_of`, :func:`planning_inputs_of`, :func:`plan_check_inputs_of`)
live in :mod:`sbrt_calc.case`, which uses them; they are re-exported here. This module imports the case, never
the other way round (tests/test_layers.py).

A case file is a saved case (JSON, :mod:`sbrt_calc.case`) or an eligibility case (TOML, the format of
``examples/``): :func:`load_any_case` tells them apart by content and returns a
:class:`sbrt_calc.case.Case` either way, so that the app, ``compare --case`` and ``report`` read
every case the same way. An eligibility case becomes a case whose regimens are the preset schemes
of its progressing lesions' sites (in lesion order, without duplicates), each with its source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sbrt_calc.case import eligibility_case_of, plan_check_inputs_of, planning_inputs_of
from sbrt_calc.errors import CaseError
from sbrt_calc.input_limits import MAX_CASE_FILE_BYTES

__all__ = ["case_from_eligibility", "eligibility_case_of", "load_any_case", "plan_check_inputs_of",
           "planning_inputs_of"]



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
        if size > MAX_CASE_FILE_BYTES:
            raise CaseError(f"{p}: {size} bytes is too large for a case file (limit {MAX_CASE_FILE_BYTES})",
                            field=str(p), value=size, allowed=f"at most {MAX_CASE_FILE_BYTES} bytes")
        head = p.read_bytes()[:256].lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as exc:
        raise CaseError(f"{p}: cannot read: {exc.strerror or exc}", field=str(p), value=None,
                        allowed="a readable case file") from None
    if head[:1] in (b"{", b"[") or not head or p.suffix.lower() == ".json":
        return load_case(p)
    from sbrt_calc.eligibility.case import load_case as load_eligibility

    return case_from_eligibility(load_eligibility(p), f"{p.stem} (eligibility case)")
