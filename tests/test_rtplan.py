"""Prescription from a DICOM RT Plan, on the sample plan pydicom ships."""

from __future__ import annotations

import builtins
import sys
from pathlib import Path

import pytest

pydicom = pytest.importorskip("pydicom")
from pydicom.data import get_testdata_file  # noqa: E402

from sbrt_calc.errors import DicomError  # noqa: E402
from sbrt_calc.plancheck.rtplan import read_prescription, read_rtplan  # noqa: E402

RTPLAN = get_testdata_file("rtplan.dcm")


def test_sample_rtplan() -> None:
    """pydicom's rtplan.dcm: Dose Reference #2 'PTV' Target Prescription Dose 30.826203 Gy;
    Number of Fractions Planned 30; beam dose 1.0275401 Gy/fraction (30 x 1.0275401 = 30.826)."""
    r = read_prescription(RTPLAN)
    assert r.total_dose_gy == pytest.approx(30.826203) and r.fractions == 30
    ds = pydicom.dcmread(RTPLAN)
    beam_dose = float(ds.FractionGroupSequence[0].ReferencedBeamSequence[0].BeamDose)
    assert r.dose_per_fraction_gy == pytest.approx(beam_dose, rel=1e-6)
    assert "Plan1" in r.label
    plan = read_rtplan(RTPLAN)
    assert [t.description for t in plan.targets] == ["PTV"]


def _modified(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    ds = pydicom.dcmread(RTPLAN)
    edit(ds)
    out = tmp_path / "plan.dcm"
    ds.save_as(out)
    return out


def test_missing_prescription_dose_names_the_element(tmp_path: Path) -> None:
    def drop(ds):  # type: ignore[no-untyped-def]
        for item in ds.DoseReferenceSequence:
            if "TargetPrescriptionDose" in item:
                del item.TargetPrescriptionDose
    with pytest.raises(DicomError, match=r"Target Prescription Dose \(300A,0026\)"):
        read_prescription(_modified(tmp_path, drop))


def test_missing_fraction_count_names_the_element(tmp_path: Path) -> None:
    def drop(ds):  # type: ignore[no-untyped-def]
        del ds.FractionGroupSequence[0].NumberOfFractionsPlanned
    with pytest.raises(DicomError, match=r"Number of Fractions Planned \(300A,0078\)"):
        read_prescription(_modified(tmp_path, drop))


def test_not_an_rtplan() -> None:
    with pytest.raises(DicomError, match="not an RT Plan"):
        read_prescription(get_testdata_file("rtdose.dcm"))


def test_not_dicom(tmp_path: Path) -> None:
    p = tmp_path / "x.dcm"
    p.write_bytes(b"not dicom at all")
    with pytest.raises(DicomError, match="not a readable DICOM file"):
        read_prescription(p)
    with pytest.raises(DicomError, match="no such file"):
        read_prescription(tmp_path / "missing.dcm")


def test_truncated_rtplan_still_holds_the_prescription() -> None:
    """pydicom's rtplan_truncated.dcm loses its tail, not the dose reference or fraction group."""
    r = read_prescription(get_testdata_file("rtplan_truncated.dcm"))
    assert r.total_dose_gy == pytest.approx(30.826203) and r.fractions == 30


def test_truncated_bytes_give_a_clean_error(tmp_path: Path) -> None:
    raw = Path(RTPLAN).read_bytes()
    for cut in (132, 300):     # the header is cut: no SOP Class (300: only the File Meta's), no modality
        p = tmp_path / f"cut{cut}.dcm"
        p.write_bytes(raw[:cut])
        with pytest.raises(DicomError, match="not an RT Plan|the file is truncated"):
            read_prescription(p)
    for cut in (len(raw) // 2, len(raw) - 10):    # the prescription is in the first half: still read
        p = tmp_path / f"cut{cut}.dcm"
        p.write_bytes(raw[:cut])
        r = read_prescription(p)
        assert r.total_dose_gy == pytest.approx(30.826203) and r.fractions == 30


def test_pydicom_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def fake(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "pydicom" or name.startswith("pydicom."):
            raise ImportError("no pydicom")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "pydicom", raising=False)
    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(DicomError, match=r'pip install "sbrt-calc\[dicom\]"'):
        read_prescription(RTPLAN)
