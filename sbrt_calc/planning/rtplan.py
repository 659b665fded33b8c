"""Read the prescription (total dose, fraction count) from a DICOM RT Plan.

Elements used (DICOM PS3.3, RT Prescription and RT Fraction Scheme modules):

- SOP Class UID (0008,0016) = 1.2.840.10008.5.1.4.1.1.481.5 (RT Plan Storage), or Modality
  (0008,0060) = RTPLAN;
- Dose Reference Sequence (300A,0010) > Target Prescription Dose (300A,0026), Gy, of the items
  whose Dose Reference Type (300A,0020) is TARGET (or that carry a Target Prescription Dose);
- Fraction Group Sequence (300A,0070) > Number of Fractions Planned (300A,0078).

pydicom is optional (``pip install "sbrt-calc[dicom]"``) and imported only when a file is read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sbrt_calc.errors import DicomError, RegimenError
from sbrt_calc.regimen import Regimen

RT_PLAN_STORAGE = "1.2.840.10008.5.1.4.1.1.481.5"
ION_PLAN_STORAGE = "1.2.840.10008.5.1.4.1.1.481.8"


@dataclass(frozen=True)
class TargetPrescription:
    """One TARGET dose reference of the plan."""

    number: int | None
    description: str
    prescription_dose_gy: float


@dataclass(frozen=True)
class RTPlanPrescription:
    """What the RT Plan prescribes: targets, fractions, plan label."""

    path: str
    plan_label: str
    targets: tuple[TargetPrescription, ...]
    fractions: int

    def regimen(self, dose_reference_number: int | None = None) -> Regimen:
        """The prescription as a Regimen; with several distinct target doses, name one."""
        targets = self.targets
        if dose_reference_number is not None:
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
            return Regimen(t.prescription_dose_gy, self.fractions, label)
        except RegimenError as exc:
            raise DicomError(f"{self.path}: the prescription is not usable: {exc}", field=exc.field,
                             value=exc.value, allowed=exc.allowed) from None


def read_rtplan(path: str | Path) -> RTPlanPrescription:
    """Read the prescription elements of a DICOM RT Plan.

    Raises
    ------
    DicomError
        If pydicom is missing, the file cannot be read, is not DICOM, is not an RT Plan, or lacks
        the Target Prescription Dose or the Number of Fractions Planned (the message names the
        missing element and its tag).
    """
    from sbrt_calc.plancheck.dicom_io import safe_dcmread  # size and deflate-bomb guards

    p = Path(path)
    ds = safe_dcmread(p, "RT Plan", stop_before_pixels=True)
    try:
        return _prescription(ds, str(p))
    except DicomError:
        raise
    except Exception as exc:  # noqa: BLE001 - malformed element values
        raise DicomError(f"{p}: malformed RT Plan ({type(exc).__name__}: {exc})".replace("\n", " "),
                         field="rtplan", value=str(p)) from None


def _prescription(ds: Any, path: str) -> RTPlanPrescription:
    sop = str(ds.get("SOPClassUID", "") or "")
    modality = str(ds.get("Modality", "") or "")
    if sop not in (RT_PLAN_STORAGE, ION_PLAN_STORAGE) and modality != "RTPLAN":
        what = f"SOP Class UID {sop}" if sop else "no SOP Class UID (0008,0016)"
        raise DicomError(
            f"{path}: not an RT Plan ({what}, Modality {modality or 'missing'}); expected RT Plan Storage "
            f"{RT_PLAN_STORAGE}", field="SOPClassUID", value=sop or None, allowed=RT_PLAN_STORAGE)
    refs = ds.get("DoseReferenceSequence")
    if not refs:
        raise DicomError(f"{path}: RT Plan lacks the Dose Reference Sequence (300A,0010), so it has no "
                         "Target Prescription Dose (300A,0026)", field="DoseReferenceSequence")
    targets: list[TargetPrescription] = []
    for item in refs:
        dose = item.get("TargetPrescriptionDose")
        if dose is None or str(dose).strip() == "":
            continue
        dose_gy = float(dose)
        if not math.isfinite(dose_gy) or dose_gy <= 0:
            raise DicomError(f"{path}: Target Prescription Dose (300A,0026) must be > 0 Gy, got {dose!r}",
                             field="TargetPrescriptionDose", value=str(dose))
        number = item.get("DoseReferenceNumber")
        targets.append(TargetPrescription(None if number is None else int(number),
                                          str(item.get("DoseReferenceDescription", "") or ""), dose_gy))
    if not targets:
        raise DicomError(f"{path}: no item of the Dose Reference Sequence (300A,0010) has a Target Prescription "
                         "Dose (300A,0026)", field="TargetPrescriptionDose")
    groups = ds.get("FractionGroupSequence")
    if not groups:
        raise DicomError(f"{path}: RT Plan lacks the Fraction Group Sequence (300A,0070), so it has no Number of "
                         "Fractions Planned (300A,0078)", field="FractionGroupSequence")
    counts = []
    for g in groups:
        n = g.get("NumberOfFractionsPlanned")
        if n is not None and str(n).strip() != "":
            counts.append(int(n))
    if not counts:
        raise DicomError(f"{path}: no Number of Fractions Planned (300A,0078) in the Fraction Group Sequence "
                         "(300A,0070)", field="NumberOfFractionsPlanned")
    if len(set(counts)) > 1:
        raise DicomError(f"{path}: several fraction groups with different Number of Fractions Planned "
                         f"{counts}; type the regimen instead", field="NumberOfFractionsPlanned", value=counts)
    return RTPlanPrescription(path, str(ds.get("RTPlanLabel", "") or ""), tuple(targets), counts[0])


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
