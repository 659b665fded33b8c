"""Load the three DICOM files of a plan check, get the prescription and check they belong together.

Belonging together (DICOM PS3.3): the RT Dose and the RT Structure Set must share the Frame of
Reference UID (0020,0052), else their coordinates mean different things: refused. References
that do not match (the RT Dose's Referenced RT Plan Sequence, the RT Plan's Referenced Structure
Set Sequence, the RT Plan's frame of reference) are reported as warnings, since planning systems
re-export objects with new UIDs.
"""

from __future__ import annotations

from dataclasses import dataclass

from sbrt_calc.errors import DicomError
from sbrt_calc.plancheck.dicom_io import DoseGrid, StructureSet, plan_dose_gy, read_rtdose, read_rtstruct, safe_dcmread
from sbrt_calc.plancheck.inputs import PlanCheckInputs


@dataclass(frozen=True)
class LoadedPlan:
    """The dose (whole plan, Gy), the structures, the prescription and what was noticed."""

    dose: DoseGrid
    structures: StructureSet
    prescription_gy: float
    fractions: int
    prescription_source: str
    plan_label: str
    warnings: tuple[str, ...]


def _plan_identity(path: str) -> tuple[str, str, tuple[str, ...]]:
    ds = safe_dcmread(path, "RT Plan", stop_before_pixels=True)
    refs = tuple(str(r.get("ReferencedSOPInstanceUID", ""))
                 for r in ds.get("ReferencedStructureSetSequence", []) or [])
    return str(ds.get("SOPInstanceUID", "") or ""), str(ds.get("FrameOfReferenceUID", "") or ""), refs


def load_plan(inputs: PlanCheckInputs) -> LoadedPlan:
    """Read, convert and cross-check the files of *inputs*.

    The prescription comes from the RT Plan unless ``prescription_gy`` / ``fractions`` override
    it (said so in ``prescription_source``).

    Raises
    ------
    DicomError
        Unreadable files, no prescription or fraction count, a dose grid that is not a whole-plan
        dose in Gy and cannot be converted, or frames of reference that differ.
    """
    from sbrt_calc.planning.rtplan import read_rtplan

    warnings: list[str] = []
    total, fractions, label = inputs.prescription_gy, inputs.fractions, ""
    source = "given"
    if inputs.rtplan:
        plan = read_rtplan(inputs.rtplan)
        label = plan.plan_label
        if total is None or fractions is None:
            reg = plan.regimen()
            if total is None:
                total = reg.total_dose_gy
            if fractions is None:
                fractions = reg.fractions
            source = "RT Plan" if (inputs.prescription_gy, inputs.fractions) == (None, None) else "RT Plan and given"
        else:
            source = "given (overrides the RT Plan)"
    if total is None or fractions is None:
        missing = " and ".join(n for n, v in (("--prescription-gy", total), ("--fractions", fractions)) if v is None)
        raise DicomError(f"no prescription: give an RT Plan (--rtplan) or {missing}", field="prescription",
                         allowed="an RT Plan, or --prescription-gy and --fractions")
    raw = read_rtdose(inputs.rtdose)
    dose, _notes = plan_dose_gy(raw, fractions=fractions, prescription_gy=total)
    warnings.extend(_notes)
    structs = read_rtstruct(inputs.rtstruct)
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
    if inputs.rtplan:
        plan_uid, plan_frame, struct_refs = _plan_identity(inputs.rtplan)
        if dose.referenced_plan_uids and plan_uid not in dose.referenced_plan_uids:
            warnings.append(f"the RT Dose refers to RT Plan {', '.join(dose.referenced_plan_uids)}, not to the RT Plan "
                            f"given ({plan_uid})")
        if struct_refs and structs.sop_instance_uid not in struct_refs:
            warnings.append(f"the RT Plan refers to structure set {', '.join(struct_refs)}, not to the one given "
                            f"({structs.sop_instance_uid})")
        if plan_frame and dose.frame_of_reference_uid and plan_frame != dose.frame_of_reference_uid:
            warnings.append(f"the RT Plan's frame of reference {plan_frame} differs from the dose's "
                            f"{dose.frame_of_reference_uid}")
    return LoadedPlan(dose, structs, float(total), int(fractions), source, label, tuple(warnings))
