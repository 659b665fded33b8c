"""Load the DICOM files of a plan check, get the prescription and check they belong together.

Belonging together (DICOM PS3.3): the RT Dose and the RT Structure Set must share the Frame of
Reference UID (0020,0052), else their coordinates mean different things: refused. References
that do not match (the RT Dose's Referenced RT Plan Sequence, the RT Plan's Referenced Structure
Set Sequence, the RT Plan's frame of reference) are reported as warnings, since planning systems
re-export objects with new UIDs.

The prescription (total dose, fraction count) is taken from what the user gives (command line,
the case's ``plan_check`` section, the app's fields) or else from the RT Plan's Dose Reference
Sequence and Fraction Group Sequence. Both are kept: ``plan_prescription_gy``/``plan_fractions``
(what the RT Plan says, None when it does not) and ``given_prescription_gy``/``given_fractions``;
the one used is ``prescription_gy``/``fractions``, and ``prescription_source``/``fractions_source``
say which and why. A given value that differs from the plan's is used, and the difference is a
warning (never silent).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sbrt_calc.errors import DicomError
from sbrt_calc.plancheck.dicom_io import (
    SESSION_SUMMATIONS,
    DoseGrid,
    StructureSet,
    plan_dose_gy,
    read_rtdose,
    read_rtstruct,
    sum_beam_doses,
)
from sbrt_calc.plancheck.inputs import PlanCheckInputs


@dataclass(frozen=True)
class LoadedPlan:
    """The dose (whole plan, Gy), the structures, the prescription and what was noticed.

    ``prescription_gy``/``fractions`` are the values used; ``plan_*`` what the RT Plan says (None:
    no RT Plan, or it does not say); ``given_*`` what the user gave (None: not given).
    ``prescription_source`` (kept for the JSON ``prescription.source``) says where the values used
    come from; ``prescription_gy_source``/``fractions_source`` say it for each value:
    ``"given"``, ``"RT Plan"``.
    """

    dose: DoseGrid
    structures: StructureSet
    prescription_gy: float
    fractions: int
    prescription_source: str
    plan_label: str
    warnings: tuple[str, ...]
    plan_prescription_gy: float | None = None
    plan_fractions: int | None = None
    given_prescription_gy: float | None = None
    given_fractions: int | None = None
    prescription_gy_source: str = ""
    fractions_source: str = ""
    #: "plan" or "fraction": how the dose grid was read (from its header or as the user asked).
    dose_summation: str = ""
    dose_files: tuple[str, ...] = ()

    @property
    def prescription_disagrees(self) -> bool:
        """True when a given prescription or fraction count differs from the RT Plan's."""
        return _differs(self.given_prescription_gy, self.plan_prescription_gy) or (
            self.given_fractions is not None and self.plan_fractions is not None
            and self.given_fractions != self.plan_fractions)


def _differs(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and not math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-3)


def load_dose_and_structures(rtdose: str | Path | list[str] | tuple[str, ...], rtstruct: str | Path, *,
                             fractions: int | None = 1, prescription_gy: float | None = None,
                             dose_summation: str | None = None,
                             plan_beams: tuple[int, ...] = (),
                             check_grid_max: bool = True) -> tuple[DoseGrid, StructureSet, tuple[str, ...]]:
    """Read an RT Dose (or the per-beam RT Doses of one plan) and an RT Structure Set, without a plan.

    The public way to read a dose grid and its structures when there is no RT Plan (e.g. the
    Nelms 2015 benchmark grids, labelled FRACTION but holding the whole dose: read them with
    ``fractions=1``).

    Parameters
    ----------
    rtdose : path or sequence of paths
        One RT Dose, or several per-beam RT Doses of one plan (summed when they share the plan and
        the grid, see :func:`~sbrt_calc.plancheck.dicom_io.sum_beam_doses`).
    rtstruct : path
    fractions : int, optional
        Multiplies a per-fraction grid (FRACTION); None refuses a per-fraction grid.
    prescription_gy : float, optional
        Converts a RELATIVE grid; also the reference of the FRACTION sanity check.
    dose_summation : {"plan", "fraction"}, optional
        Read the grid as the whole plan or as one fraction whatever its header says.
    check_grid_max : bool
        The FRACTION sanity check on the grid's maximum (no target known); :func:`load_plan` turns it
        off: the plan check warns on the target's mean
        (:func:`~sbrt_calc.plancheck.dicom_io.fraction_sanity_note`).

    Returns
    -------
    (DoseGrid in Gy, StructureSet, warnings)

    Raises
    ------
    DicomError
        Any file refused, doses that cannot be summed, or frames of reference that differ.
    """
    paths = [str(rtdose)] if isinstance(rtdose, (str, Path)) else [str(p) for p in rtdose]
    if not paths:
        raise DicomError("no RT Dose file given", field="rtdose", allowed="an RT Dose file")
    warnings: list[str] = []
    parts = [read_rtdose(p) for p in paths]
    raw, _ = sum_beam_doses(parts, plan_beams)
    del parts
    dose, notes = plan_dose_gy(raw, fractions=fractions, prescription_gy=prescription_gy, summation=dose_summation,
                               check_grid_max=check_grid_max)
    del raw
    warnings.extend(notes)
    structs = read_rtstruct(rtstruct)
    warnings.extend(structs.notes)
    if dose.frame_of_reference_uid and structs.frame_of_reference_uid and \
            dose.frame_of_reference_uid != structs.frame_of_reference_uid:
        raise DicomError(f"the RT Dose (frame of reference {dose.frame_of_reference_uid}) and the RT Structure Set "
                         f"(frame of reference {structs.frame_of_reference_uid}) are not on the same frame of "
                         "reference: their coordinates cannot be compared", field="FrameOfReferenceUID",
                         value=[dose.frame_of_reference_uid, structs.frame_of_reference_uid],
                         allowed="the same Frame of Reference UID")
    if not dose.frame_of_reference_uid or not structs.frame_of_reference_uid:
        warnings.append("a Frame of Reference UID is missing: could not check that dose and structures share "
                        "coordinates")
    for roi in structs.rois:
        if roi.frame_of_reference_uid and dose.frame_of_reference_uid and \
                roi.frame_of_reference_uid != dose.frame_of_reference_uid:
            warnings.append(f"structure {roi.name!r} refers to frame of reference {roi.frame_of_reference_uid}, "
                            f"the dose to {dose.frame_of_reference_uid}")
    return dose, structs, tuple(dict.fromkeys(warnings))


def load_plan(inputs: PlanCheckInputs) -> LoadedPlan:
    """Read, convert and cross-check the files of *inputs*.

    The prescription and fraction count given in *inputs* (command line, case, app) are used when
    given, else the RT Plan's (Dose Reference Sequence > Target Prescription Dose, Fraction Group
    Sequence > Number of Fractions Planned). An RT Plan without a Dose Reference Sequence
    (RayStation, Pinnacle, GammaPlan write such plans) is accepted when the prescription is given.

    Raises
    ------
    DicomError
        Unreadable files, no prescription or fraction count, a dose grid that is not a whole-plan
        dose in Gy and cannot be converted, or frames of reference that differ.
    """
    from sbrt_calc.plancheck.rtplan import read_rtplan

    warnings: list[str] = []
    given_total, given_n = inputs.prescription_gy, inputs.fractions
    plan_total: float | None = None
    plan_n: int | None = None
    label = ""
    plan: Any = None
    if inputs.rtplan:
        plan = read_rtplan(inputs.rtplan)
        warnings.extend(plan.notes)
        label = plan.plan_label
        plan_n = plan.fractions
        plan_total = plan.prescription_gy
        if given_total is None and plan_total is None and plan.targets:
            plan.regimen()  # several target doses: refused, naming them
    total = given_total if given_total is not None else plan_total
    n = given_n if given_n is not None else plan_n
    if plan is not None and (total is None or n is None):
        why = [m for m in plan.missing if ("fraction" in m and n is None) or ("prescription" in m and total is None)]
        missing_opts = " and ".join(o for o, v in (("--prescription-gy", total), ("--fractions", n)) if v is None)
        raise DicomError(f"{inputs.rtplan}: {(why or plan.missing or ['no prescription'])[0]} ({missing_opts})",
                         field="prescription", value=inputs.rtplan, allowed="--prescription-gy and --fractions")
    if total is None or n is None:
        missing_opts = " and ".join(o for o, v in (("--prescription-gy", total), ("--fractions", n)) if v is None)
        raise DicomError(f"no prescription: give an RT Plan (--rtplan) or {missing_opts}", field="prescription",
                         allowed="an RT Plan, or --prescription-gy and --fractions")
    rx_src = "given" if given_total is not None else "RT Plan"
    n_src = "given" if given_n is not None else "RT Plan"
    if not inputs.rtplan:
        source = "given"
    elif (rx_src, n_src) == ("RT Plan", "RT Plan"):
        source = "RT Plan"
    elif (rx_src, n_src) == ("given", "given"):
        source = "given (overrides the RT Plan)" if (plan_total, plan_n) != (None, None) else \
            "given (the RT Plan has none)"
    else:
        source = "RT Plan and given"
    if inputs.rtplan:
        if _differs(given_total, plan_total):
            warnings.append(f"the prescription given ({given_total:g} Gy) differs from the RT Plan's ({plan_total:g} Gy)"
                            f": the given one is used")
        if given_n is not None and plan_n is not None and given_n != plan_n:
            warnings.append(f"the fraction count given ({given_n}) differs from the RT Plan's ({plan_n}): the given "
                            "one is used")
        if given_total is not None and plan_total is None and plan is not None and not plan.targets:
            warnings.append("the RT Plan has no Target Prescription Dose (no Dose Reference Sequence): the "
                            f"prescription given ({given_total:g} Gy) is used unchecked against the plan")
    dose_paths = [inputs.rtdose, *inputs.rtdose_parts]
    dose, structs, notes = load_dose_and_structures(
        dose_paths, inputs.rtstruct, fractions=n, prescription_gy=total, dose_summation=inputs.dose_summation,
        plan_beams=plan.beam_numbers if plan is not None else (), check_grid_max=False)
    warnings.extend(notes)
    if plan is not None:
        if dose.referenced_plan_uids and plan.sop_instance_uid and plan.sop_instance_uid not in dose.referenced_plan_uids:
            warnings.append(f"the RT Dose refers to RT Plan {', '.join(dose.referenced_plan_uids)}, not to the RT Plan "
                            f"given ({plan.sop_instance_uid})")
        refs = plan.referenced_structure_set_uids
        if refs and structs.sop_instance_uid not in refs:
            warnings.append(f"the RT Plan refers to structure set {', '.join(refs)}, not to the one given "
                            f"({structs.sop_instance_uid})")
        if plan.frame_of_reference_uid and dose.frame_of_reference_uid and \
                plan.frame_of_reference_uid != dose.frame_of_reference_uid:
            warnings.append(f"the RT Plan's frame of reference {plan.frame_of_reference_uid} differs from the dose's "
                            f"{dose.frame_of_reference_uid}")
    per_fraction = inputs.dose_summation == "fraction" or (inputs.dose_summation is None
                                                           and dose.summation in SESSION_SUMMATIONS)
    return LoadedPlan(dose, structs, float(total), int(n), source, label, tuple(dict.fromkeys(warnings)),
                      plan_total, plan_n, given_total, given_n, rx_src, n_src,
                      "fraction" if per_fraction else "plan", tuple(dose_paths))
