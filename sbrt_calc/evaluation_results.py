"""The results of the case's sections evaluated under its settings (eligibility, planning, the plan check,
the flag line at the planned site): frozen, computed by :mod:`sbrt_calc.evaluation_sections`, held by
:class:`sbrt_calc.evaluation.Evaluation`, rendered by every face. Below both (no import of either).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sbrt_calc.presets.radiobiology import Threshold
    from sbrt_calc.regimen import Regimen


@dataclass(frozen=True)
class FlagAtSite:
    """Whether the flag line applies at the case's planned site, why, and the source of the reason."""

    site: str | None
    applies: bool
    reason: str
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {"site": self.site, "applies": self.applies, "reason": self.reason, "source": self.source}


@dataclass(frozen=True)
class EligibilityEvaluation:
    """The eligibility assessment under the case's flag line (:func:`sbrt_calc.eligibility.assess.assess`)."""

    assessment: Any  # sbrt_calc.eligibility.result.Assessment
    flag: Threshold

    @property
    def verdict(self) -> str:
        return str(self.assessment.verdict)

    @property
    def verdict_label(self) -> str:
        """'PENDING (rebiopsy)', 'NOT YET ASSESSABLE', ...: the label every face shows."""
        return str(self.assessment.verdict_label)

    def as_dict(self) -> dict[str, Any]:
        return {**self.assessment.as_dict(), "bed10_flag_line": self.flag.definition()}


@dataclass(frozen=True)
class PlanningEvaluation:
    """The planning section under the case's settings: the planned regimen against the flag at the target
    site, and the planning tables (limits, conformity, cumulative dose) every face renders."""

    inputs: Any  # sbrt_calc.planning.section.PlanningInputs
    site: str | None
    tables: tuple[Any, ...]  # report tables (sbrt_calc.report.content.ReportTable or sbrt_calc.table.Table)
    regimen: Regimen | None = None
    bed10_gy: float | None = None
    flag_applies: bool = True
    flag_reached: bool | None = None
    flag_text: str = ""
    flag: Threshold | None = None

    def as_dict(self) -> dict[str, Any]:
        from sbrt_calc.table import Table, to_dict

        flag = None if self.flag is None else {
            "label": self.flag.label, "bed_gy": self.flag.bed_gy, "applies": self.flag_applies,
            "reached": self.flag_reached, "text": self.flag_text,
            "status": None if self.flag_reached is None and self.flag_applies else
            ("n/a" if not self.flag_applies else ("pass" if self.flag_reached else "warning"))}
        return {"inputs": self.inputs.to_dict(), "site": self.site,
                "regimen": None if self.regimen is None else self.regimen.label,
                "bed10_gy": self.bed10_gy, "flag": flag,
                "tables": [to_dict(t) if isinstance(t, Table) else
                           {"title": t.title, "headers": list(t.headers), "rows": [list(r) for r in t.rows],
                            "notes": list(t.notes), "source": t.source} for t in self.tables]}


@dataclass(frozen=True)
class PlanCheckEvaluation:
    """The plan check of the case's DICOM files (:func:`sbrt_calc.plancheck.grade.check_plan`), its
    prescription's BED10 against the case's flag line, or why it could not run (``error``)."""

    inputs: Any  # sbrt_calc.plancheck.inputs.PlanCheckInputs
    result: Any = None  # sbrt_calc.plancheck.grade.PlanCheckResult
    error: str = ""
    bed10_gy: float | None = None
    flag_reached: bool | None = None
    flag_applies: bool = True
    flag_text: str = ""
    flag: Threshold | None = None
    #: why the files were read again although a check was handed over (the one shown was of other inputs), else ""
    rerun: str = ""

    def tables(self) -> tuple[Any, ...]:
        """The plan check's tables (:func:`sbrt_calc.plancheck.report.report_tables`), empty without a result."""
        if self.result is None:
            return ()
        from sbrt_calc.plancheck.report import report_tables

        return tuple(report_tables(self.result))

    def as_dict(self) -> dict[str, Any]:
        """``check-plan``'s document, with the prescription's flag verdict on the case's line."""
        if self.result is None:
            return {"error": self.error}
        doc = self.result.as_dict()
        if self.flag is not None:
            doc["prescription"] = {**doc["prescription"], "bed10_gy": self.bed10_gy,
                                   "bed10_flag": self.flag_reached, "bed10_flag_applies": self.flag_applies,
                                   "bed10_flag_line": f"{self.flag.name} ({self.flag.source})",
                                   "bed10_flag_text": self.flag_text}
        return doc
