"""Read the prescription (total dose, fraction count) from a DICOM RT Plan.

Elements used (DICOM PS3.3, RT Prescription and RT Fraction Scheme modules):

- SOP Class UID (0008,0016) = 1.2.840.10008.5.1.4.1.1.481.5 (RT Plan Storage) or ...481.8 (RT Ion
  Plan Storage); the Modality (0008,0060) RTPLAN decides only when no SOP Class UID is present;
- Dose Reference Sequence (300A,0010) > Target Prescription Dose (300A,0026), Gy, of the items
  whose Dose Reference Type (300A,0020) is TARGET (or that carry a Target Prescription Dose);
- Fraction Group Sequence (300A,0070) > Number of Fractions Planned (300A,0078), and > Referenced
  Beam Sequence (300C,0004) > Referenced Beam Number (300C,0006) (the plan's beams).

The Dose Reference Sequence is Type 3 (optional) in the RT Prescription module: RayStation,
Pinnacle and Leksell GammaPlan write plans without it. :func:`read_rtplan` then returns a plan
without targets (and the plan check takes the prescription from the user);
:meth:`RTPlanPrescription.regimen` refuses it, naming the missing element.

pydicom is optional (``pip install "sbrt-calc[dicom]"``) and imported only when a file is read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sbrt_calc.errors import DicomError, RegimenError
from sbrt_calc.regimen import Regimen

RT_PLAN_STORAGE = "1.2.840.10008.5.1.4.1.1.481.5"


@dataclass(frozen=True)
class TargetPrescription:
    """One TARGET dose reference of the plan."""

    number: int | None
    description: str
    prescription_dose_gy: float
    #: Dose Reference Structure Type (300A,0014): SITE, VOLUME, COORDINATES or POINT.
    structure_type: str = ""


@dataclass(frozen=True)
class RTPlanPrescription:
    """What the RT Plan prescribes: targets, fractions, plan label."""

    path: str
    plan_label: str
    targets: tuple[TargetPrescription, ...]
    fractions: int | None
    notes: tuple[str, ...] = ()
    beam_numbers: tuple[int, ...] = ()
    sop_instance_uid: str = ""
    frame_of_reference_uid: str = ""
    referenced_structure_set_uids: tuple[str, ...] = ()
    #: Why the prescription (targets) or the fraction count is missing, when it is.
    missing: tuple[str, ...] = ()

    @property
    def site_targets(self) -> tuple[TargetPrescription, ...]:
        """The TARGET references of a site or volume (Dose Reference Structure Type SITE or VOLUME) when
        there are any, else all: Eclipse also writes its calculation point as a TARGET with the point's
        own dose (Dose Reference Structure Type COORDINATES), which is not the prescription."""
        sites = tuple(t for t in self.targets if t.structure_type in ("SITE", "VOLUME"))
        return sites or self.targets

    @property
    def prescription_gy(self) -> float | None:
        """The plan's target prescription dose (Gy) when its site targets have exactly one, else None."""
        doses = {t.prescription_dose_gy for t in self.site_targets}
        return next(iter(doses)) if len(doses) == 1 else None

    def regimen(self, dose_reference_number: int | None = None) -> Regimen:
        """The prescription as a Regimen; with several distinct target doses, name one."""
        if self.missing:
            raise DicomError(f"{self.path}: {self.missing[0]}", field="rtplan", value=self.path)
        targets = self.site_targets
        if dose_reference_number is not None:
            targets = self.targets
            targets = tuple(t for t in targets if t.number == dose_reference_number)
            if not targets:
                raise DicomError(
                    f"{self.path}: no TARGET dose reference number {dose_reference_number} "
                    f"(have: {', '.join(str(t.number) for t in self.targets)})",
                    field="DoseReferenceNumber", value=dose_reference_number)
        doses = sorted({t.prescription_dose_gy for t in targets})
        if len(doses) > 1:
            listing = "; ".join(f"#{t.number} {t.description or '?'} {t.prescription_dose_gy:g} Gy" for t in targets)
            raise DicomError(
                f"{self.path}: several target prescription doses ({listing}); choose one, or type the "
                f"regimen (e.g. 'sbrt-calc compare {doses[-1]:g}/{self.fractions}')",
                field="TargetPrescriptionDose", value=doses)
        t = targets[0]
        name = self.plan_label or Path(self.path).name
        label = f"{name} {t.prescription_dose_gy:g}/{self.fractions}"
        try:
            return Regimen(t.prescription_dose_gy, int(self.fractions or 0), label)
        except RegimenError as exc:
            raise DicomError(f"{self.path}: the prescription is not usable: {exc}", field=exc.field,
                             value=exc.value, allowed=exc.allowed) from None


def read_rtplan(path: str | Path) -> RTPlanPrescription:
    """Read the prescription elements of a DICOM RT Plan.

    A plan without a Dose Reference Sequence, Target Prescription Dose or Number of Fractions
    Planned is read (``missing`` says what lacks); :meth:`RTPlanPrescription.regimen` refuses it.
    pydicom's warnings, and a truncated file (only the elements read are used), are in ``notes``.

    Raises
    ------
    DicomError
        If pydicom is missing, the file cannot be read, is not DICOM, is not an RT Plan (by SOP
        Class UID), or holds a prescription or fraction count that is not a usable number.
    """
    from sbrt_calc.plancheck.dicom_io import captured_warnings, safe_dcmread  # size and deflate-bomb guards

    p = Path(path)
    notes: list[str] = []
    ds = safe_dcmread(p, "RT Plan", stop_before_pixels=True, notes=notes, complete=False)
    try:
        with captured_warnings(notes, f"{p.name}: "):
            plan = _prescription(ds, str(p), notes)
        return replace(plan, notes=tuple(dict.fromkeys(notes)))  # with the warnings captured up to the end
    except DicomError:
        raise
    except Exception as exc:  # noqa: BLE001 - malformed element values
        text = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        raise DicomError(f"{p}: malformed RT Plan ({text})", field="rtplan", value=str(p)) from None


def _prescription(ds: Any, path: str, notes: list[str]) -> RTPlanPrescription:
    from sbrt_calc.plancheck.dicom_io import check_kind

    sop = str(ds.get("SOPClassUID", "") or "")
    modality = str(ds.get("Modality", "") or "")
    try:
        check_kind(ds, path, "rtplan", notes)
    except DicomError:
        what = f"SOP Class UID {sop}" if sop else "no SOP Class UID (0008,0016)"
        raise DicomError(
            f"{path}: not an RT Plan ({what}, Modality {modality or 'missing'}); expected RT Plan Storage "
            f"{RT_PLAN_STORAGE}", field="SOPClassUID", value=sop or None, allowed=RT_PLAN_STORAGE) from None
    missing: list[str] = []
    refs = ds.get("DoseReferenceSequence")
    targets: list[TargetPrescription] = []
    if not refs:
        missing.append("RT Plan lacks the Dose Reference Sequence (300A,0010), so it has no Target Prescription Dose "
                       "(300A,0026); give the prescription")
    for item in refs or []:
        dose = item.get("TargetPrescriptionDose")
        if dose is None or str(dose).strip() == "":
            continue
        dose_gy = float(dose)
        if not math.isfinite(dose_gy) or dose_gy <= 0:
            raise DicomError(f"{path}: Target Prescription Dose (300A,0026) must be > 0 Gy, got {dose!r}",
                             field="TargetPrescriptionDose", value=str(dose))
        number = item.get("DoseReferenceNumber")
        targets.append(TargetPrescription(None if number is None or str(number).strip() == "" else int(number),
                                          str(item.get("DoseReferenceDescription", "") or ""), dose_gy,
                                          str(item.get("DoseReferenceStructureType", "") or "").upper()))
    if refs and not targets:
        missing.append("no item of the Dose Reference Sequence (300A,0010) has a Target Prescription Dose "
                       "(300A,0026); give the prescription")
    groups = ds.get("FractionGroupSequence")
    counts: list[int] = []
    beams: list[int] = []
    if not groups:
        missing.append("RT Plan lacks the Fraction Group Sequence (300A,0070), so it has no Number of Fractions "
                       "Planned (300A,0078); give the fraction count")
    for g in groups or []:
        n = g.get("NumberOfFractionsPlanned")
        if n is not None and str(n).strip() != "":
            counts.append(int(n))
        for b in g.get("ReferencedBeamSequence", []) or []:
            number = b.get("ReferencedBeamNumber")
            if number is not None and str(number).strip() != "":
                beams.append(int(number))
    if groups and not counts:
        missing.append("no Number of Fractions Planned (300A,0078) in the Fraction Group Sequence (300A,0070); "
                       "give the fraction count")
    if len(set(counts)) > 1:
        missing.append(f"several fraction groups with different Number of Fractions Planned {counts}; type the "
                       "regimen instead")
    fractions = counts[0] if len(set(counts)) == 1 else None
    if fractions is not None and fractions < 1:
        raise DicomError(f"{path}: Number of Fractions Planned (300A,0078) must be >= 1, got {fractions}",
                         field="NumberOfFractionsPlanned", value=fractions)
    struct_refs = tuple(str(r.get("ReferencedSOPInstanceUID", ""))
                        for r in ds.get("ReferencedStructureSetSequence", []) or [])
    if missing and any("the file is incomplete" in n for n in notes):
        missing = [f"the file is truncated: {m}" for m in missing]
    return RTPlanPrescription(path, str(ds.get("RTPlanLabel", "") or ""), tuple(targets), fractions,
                              tuple(dict.fromkeys(notes)), tuple(dict.fromkeys(beams)),
                              str(ds.get("SOPInstanceUID", "") or ""), str(ds.get("FrameOfReferenceUID", "") or ""),
                              struct_refs, tuple(missing))


def read_prescription(path: str | Path, dose_reference_number: int | None = None) -> Regimen:
    """The prescription of a DICOM RT Plan as a :class:`~sbrt_calc.regimen.Regimen`.

    Parameters
    ----------
    path : str or Path
        The RT Plan file.
    dose_reference_number : int, optional
        Which TARGET dose reference to use when the plan has several different ones.

    Examples
    --------
    The sample plan shipped with pydicom prescribes 30.826203 Gy in 30 fractions::

        >>> from pydicom.data import get_testdata_file          # doctest: +SKIP
        >>> read_prescription(get_testdata_file("rtplan.dcm"))   # doctest: +SKIP
        Regimen(total_dose_gy=30.826203, fractions=30, label='Plan1 30.8262/30', ...)
    """
    return read_rtplan(path).regimen(dose_reference_number)
