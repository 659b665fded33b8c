"""Plan-check input branches a physicist relies on: odd DICOM files (missing tags, other summations and
units, duplicated ROIs, a folder with two structure sets, ...) are read correctly, noted, or refused with
one line naming the file and the problem."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pdftext import untraced

pydicom = pytest.importorskip("pydicom")

from phantoms import SMALL, phantom_files  # noqa: E402
from pydicom.dataset import Dataset  # noqa: E402
from pydicom.sequence import Sequence  # noqa: E402

from sbrt_calc.errors import DicomError  # noqa: E402
from sbrt_calc.plancheck.dicom_io import (  # noqa: E402
    plan_dose_gy,
    read_rtdose,
    read_rtstruct,
    safe_dcmread,
    sum_beam_doses,
)
from sbrt_calc.plancheck.inputs import PlanCheckInputError, PlanCheckInputs, find_in_folder  # noqa: E402
from sbrt_calc.plancheck.load import load_dose_and_structures, load_plan  # noqa: E402


@pytest.fixture(scope="module")
def phantom() -> dict[str, Path]:
    return phantom_files(SMALL)   # written once per process: read only


def _edit(src: Path, dst: Path, change: Callable[[Any], None]) -> Path:
    with warnings.catch_warnings(), untraced():  # odd values on purpose; pydicom's work: no line of the package
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(str(src))
        change(ds)
        ds.save_as(str(dst), enforce_file_format=True)
    return dst


def _refused(exc: pytest.ExceptionInfo[Any], path: Path, *words: str) -> None:
    text = str(exc.value)
    assert "\n" not in text, text
    assert str(path) in text, text
    for w in words:
        assert w in text, text


def _inputs(files: dict[str, Path], **kw: Any) -> PlanCheckInputs:
    base: dict[str, Any] = {"rtdose": str(files["rtdose"]), "rtstruct": str(files["rtstruct"]),
                            "rtplan": str(files["rtplan"])}
    base.update(kw)
    return PlanCheckInputs(**base)


# ---------------------------------------------------------------- inputs.py


@pytest.mark.parametrize("data, field", [
    (["rtdose.dcm"], "plan_check"),
    ({"rtdose": "a", "rtstruct": "b", "dose": "c"}, "plan_check.dose"),
    ({"rtdose": "a", "rtstruct": "b", "name_mapping": ["PTV"]}, "plan_check.name_mapping"),
    ({"rtdose": "a", "rtstruct": "b", "targets": "PTV"}, "plan_check.targets"),
    ({"rtdose": "a", "rtstruct": "b", "rtdose_parts": "beam2.dcm"}, "plan_check.rtdose_parts"),
    ({"rtdose": "", "rtstruct": "b"}, "plan_check.rtdose"),
    ({"rtdose": "a", "rtstruct": "b", "rtplan": "  "}, "plan_check.rtplan"),
    ({"rtdose": "a", "rtstruct": "b", "prescription_gy": True}, "plan_check.prescription_gy"),
    ({"rtdose": "a", "rtstruct": "b", "prescription_gy": float("nan")}, "plan_check.prescription_gy"),
    ({"rtdose": "a", "rtstruct": "b", "fractions": 0}, "plan_check.fractions"),
    ({"rtdose": "a", "rtstruct": "b", "fractions": 3.0}, "plan_check.fractions"),
    ({"rtdose": "a", "rtstruct": "b", "constraint_set": ""}, "plan_check.constraint_set"),
    ({"rtdose": "a", "rtstruct": "b", "site": "moon"}, "plan_check.site"),
    ({"rtdose": "a", "rtstruct": "b", "dose_summation": "weekly"}, "plan_check.dose_summation"),
    ({"rtdose": "a", "rtstruct": "b", "name_mapping": {"": "PTV"}}, "plan_check.name_mapping"),
])
def test_plan_check_section_refused_naming_the_field(data: Any, field: str) -> None:
    with pytest.raises(PlanCheckInputError) as exc:
        PlanCheckInputs.from_dict(data)
    assert exc.value.field == field
    assert "\n" not in str(exc.value)


def test_plan_check_section_round_trips_optional_keys() -> None:
    section = {"rtdose": "d.dcm", "rtstruct": "s.dcm", "rtplan": None, "target": "PTV", "prescription_gy": 54.0,
               "fractions": 3, "constraint_set": "tg101", "name_mapping": {"Cord": "SpinalCord"},
               "rtdose_parts": ["b2.dcm"], "dose_summation": "fraction", "site": next(iter(_sites())),
               "targets": ["all"]}
    got = PlanCheckInputs.from_dict(section)
    assert got.to_dict() == section
    assert got.mapping == {"Cord": "SpinalCord"}
    assert got.with_mapping({"Lung": "Lungs"}).mapping == {"Lung": "Lungs"}
    plain = PlanCheckInputs.from_dict({"rtdose": "d.dcm", "rtstruct": "s.dcm"}).to_dict()
    assert not {"rtdose_parts", "dose_summation", "site", "targets"} & set(plain)


def _sites() -> tuple[str, ...]:
    from sbrt_calc.plancheck.names import PLAN_SITES

    return tuple(PLAN_SITES)


def test_find_in_folder_refuses_a_file_and_two_structure_sets(phantom: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(PlanCheckInputError) as exc:
        find_in_folder(phantom["rtdose"])
    _refused(exc, phantom["rtdose"], "not a folder")
    for f in phantom.values():
        shutil.copy(f, tmp_path / f.name)
    shutil.copy(phantom["rtstruct"], tmp_path / "rtstruct_copy.dcm")
    with pytest.raises(PlanCheckInputError) as exc:
        find_in_folder(tmp_path)
    _refused(exc, tmp_path, "several RTSTRUCT files", "rtstruct_copy.dcm")


def test_find_in_folder_without_dose_names_what_lacks(phantom: dict[str, Path], tmp_path: Path) -> None:
    shutil.copy(phantom["rtstruct"], tmp_path / "rtstruct.dcm")
    (tmp_path / "notes.txt").write_text("not DICOM")
    (tmp_path / "sub").mkdir()
    with pytest.raises(PlanCheckInputError) as exc:
        find_in_folder(tmp_path)
    _refused(exc, tmp_path, "no RTDOSE file")


def test_find_in_folder_sees_per_beam_doses_and_skips_other_files(phantom: dict[str, Path], tmp_path: Path) -> None:
    shutil.copy(phantom["rtdose"], tmp_path / "a_dose.dcm")
    _edit(phantom["rtdose"], tmp_path / "b_dose.dcm", lambda ds: setattr(ds, "SOPInstanceUID", "1.2.3.4"))
    shutil.copy(phantom["rtstruct"], tmp_path / "rtstruct.dcm")
    (tmp_path / "README").write_text("export notes")
    (tmp_path / "series").mkdir()
    found = find_in_folder(tmp_path)
    assert found == {"rtdose": str(tmp_path / "a_dose.dcm"), "rtstruct": str(tmp_path / "rtstruct.dcm"),
                     "rtdose_parts": (str(tmp_path / "b_dose.dcm"),)}


# ---------------------------------------------------------------- safe_dcmread, kind


def test_safe_dcmread_refusals_name_the_file(phantom: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(DicomError) as exc:
        safe_dcmread(tmp_path, "RT Dose")
    _refused(exc, tmp_path, "is a folder")
    missing = tmp_path / "gone.dcm"
    with pytest.raises(DicomError) as exc:
        safe_dcmread(missing, "RT Dose")
    _refused(exc, missing, "no such file")
    with pytest.raises(DicomError) as exc:
        safe_dcmread(phantom["rtstruct"], "RT Structure Set", max_bytes=1000)
    _refused(exc, phantom["rtstruct"], "1000-byte limit")
    cut = tmp_path / "cut.dcm"
    cut.write_bytes(phantom["rtstruct"].read_bytes()[:-500])
    with pytest.raises(DicomError) as exc:
        read_rtstruct(cut)
    _refused(exc, cut, "RT Structure Set")
    notes: list[str] = []
    ds = safe_dcmread(cut, "RT Structure Set", notes=notes, complete=False)
    assert ds.Modality == "RTSTRUCT"
    assert any("cut.dcm: the file is incomplete" in n for n in notes)


def test_a_ct_image_given_as_dose_is_refused_by_its_sop_class(phantom: dict[str, Path], tmp_path: Path) -> None:
    def ct(ds: Any) -> None:
        ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    bad = _edit(phantom["rtdose"], tmp_path / "ct.dcm", ct)
    with pytest.raises(DicomError) as exc:
        read_rtdose(bad)
    _refused(exc, bad, "not an RT Dose", "CT Image Storage")


def test_other_modality_on_an_rt_dose_is_noted(phantom: dict[str, Path], tmp_path: Path) -> None:
    odd = _edit(phantom["rtdose"], tmp_path / "mod.dcm", lambda ds: setattr(ds, "Modality", "RTPLAN"))
    grid = read_rtdose(odd)
    assert any("Modality RTPLAN on an RT Dose" in n for n in grid.notes)


# ---------------------------------------------------------------- read_rtdose


def _set(**values: Any) -> Callable[[Any], None]:
    def change(ds: Any) -> None:
        for k, v in values.items():
            if v is None:
                delattr(ds, k)
            else:
                setattr(ds, k, v)
    return change


@pytest.mark.parametrize("change, words", [
    (_set(DoseGridScaling=None), ("lacks Dose Grid Scaling",)),
    (_set(DoseGridScaling="0"), ("Dose Grid Scaling must be > 0",)),
    (_set(ImageOrientationPatient=[0, 1, 0, 1, 0, 0]), ("only axial dose grids",)),
    (_set(PixelSpacing=[0, 2.5]), ("Pixel Spacing must be > 0",)),
    (_set(PixelSpacing=[80, 80]), ("Pixel Spacing must be > 0 and <= 50",)),
    (_set(BitsAllocated=8, BitsStored=8, HighBit=7), ("not a readable dose grid",)),
    (_set(Rows=None), ("RT Dose lacks Rows",)),
    (_set(Rows=47), ("Pixel Data holds", "the header declares")),
    (_set(PixelData=None), ("without Pixel Data",)),
    (_set(ImagePositionPatient=[0.0, 0.0]), ("ImagePositionPatient must hold 3 finite numbers",)),
    (_set(ImagePositionPatient=[0.0, 0.0, 2.0e6]), ("ImagePositionPatient holds 2e+06",)),
])
def test_damaged_dose_header_refused_in_one_line(phantom: dict[str, Path], tmp_path: Path,
                                                 change: Callable[[Any], None], words: tuple[str, ...]) -> None:
    bad = _edit(phantom["rtdose"], tmp_path / "bad_dose.dcm", change)
    with pytest.raises(DicomError) as exc:
        read_rtdose(bad)
    _refused(exc, bad, *words)


def _offsets(make: Callable[[np.ndarray, float], list[float]]) -> Callable[[Any], None]:
    def change(ds: Any) -> None:
        rel = np.array([float(v) for v in ds.GridFrameOffsetVector])
        ds.GridFrameOffsetVector = make(rel, float(ds.ImagePositionPatient[2]))
    return change


@pytest.mark.parametrize("make, words", [
    (lambda rel, z0: [float(v) + 7.0 for v in rel], ("starts at 7", "neither 0")),
    (lambda rel, z0: [0.0, *[float(v) for v in rel[:-1]]], ("repeated planes",)),
    (lambda rel, z0: [float(v) * 30 for v in rel], ("mm apart; at most 50",)),
    (lambda rel, z0: [float(v) + (1.0 if i > 5 else 0.0) for i, v in enumerate(rel)], ("unevenly spaced",)),
])
def test_bad_grid_frame_offsets_refused(phantom: dict[str, Path], tmp_path: Path,
                                        make: Callable[[np.ndarray, float], list[float]],
                                        words: tuple[str, ...]) -> None:
    bad = _edit(phantom["rtdose"], tmp_path / "offsets.dcm", _offsets(make))
    with pytest.raises(DicomError) as exc:
        read_rtdose(bad)
    _refused(exc, bad, *words)


def test_absolute_and_decreasing_frame_offsets_read_at_the_right_z(phantom: dict[str, Path],
                                                                    tmp_path: Path) -> None:
    ref = read_rtdose(phantom["rtdose"])
    absolute = _edit(phantom["rtdose"], tmp_path / "abs.dcm",
                     _offsets(lambda rel, z0: [float(v) + z0 for v in rel]))
    grid = read_rtdose(absolute)
    assert np.allclose(grid.z_mm, ref.z_mm)
    assert np.array_equal(grid.dose, ref.dose)
    assert any("absolute z positions" in n for n in grid.notes)

    def flip(ds: Any) -> None:
        nz, ny, nx = ref.shape
        raw = np.frombuffer(ds.PixelData, dtype="<u4").reshape(nz, ny, nx)
        ds.PixelData = raw[::-1].copy().tobytes()
        rel = [float(v) for v in ds.GridFrameOffsetVector]
        ds.GridFrameOffsetVector = [-v for v in rel]
        ds.ImagePositionPatient = [float(ds.ImagePositionPatient[0]), float(ds.ImagePositionPatient[1]),
                                   float(ref.z_mm[-1])]
    flipped = read_rtdose(_edit(phantom["rtdose"], tmp_path / "flip.dcm", flip))
    assert np.allclose(flipped.z_mm, ref.z_mm)
    assert np.array_equal(flipped.dose, ref.dose)
    assert any("decreasing z order: sorted by z" in n for n in flipped.notes)


def test_single_plane_dose_without_offsets_is_read(phantom: dict[str, Path], tmp_path: Path) -> None:
    ref = read_rtdose(phantom["rtdose"])

    def one_plane(ds: Any) -> None:
        nz, ny, nx = ref.shape
        ds.PixelData = np.frombuffer(ds.PixelData, dtype="<u4").reshape(nz, ny, nx)[nz // 2].copy().tobytes()
        ds.NumberOfFrames = 1
        ds.ImagePositionPatient = [float(ref.x_mm[0]), float(ref.y_mm[0]), float(ref.z_mm[nz // 2])]
        del ds.GridFrameOffsetVector
    grid = read_rtdose(_edit(phantom["rtdose"], tmp_path / "plane.dcm", one_plane))
    assert grid.shape == (1, ref.shape[1], ref.shape[2])
    assert grid.z_mm.tolist() == [pytest.approx(float(ref.z_mm[ref.shape[0] // 2]))]
    assert np.array_equal(grid.dose[0], ref.dose[ref.shape[0] // 2])
    assert grid.z_bounds_mm()[1] - grid.z_bounds_mm()[0] == pytest.approx(SMALL.spacing_mm)


# ---------------------------------------------------------------- plan_dose_gy


@pytest.fixture(scope="module")
def grid(phantom: dict[str, Path]) -> Any:
    return read_rtdose(phantom["rtdose"])


def test_relative_dose_converted_with_the_prescription_or_refused(grid: Any) -> None:
    rel = replace(grid, units="RELATIVE", dose=grid.dose / np.float32(54.0))
    with pytest.raises(DicomError) as exc:
        plan_dose_gy(rel, fractions=3, prescription_gy=None)
    assert "RELATIVE" in str(exc.value) and grid.path in str(exc.value)
    gy, notes = plan_dose_gy(rel, fractions=3, prescription_gy=54.0)
    assert float(gy.dose.max()) == pytest.approx(float(grid.dose.max()), rel=1e-5)
    assert any("1.0 = 54 Gy" in n for n in notes)
    percent = replace(grid, units="RELATIVE")
    with pytest.raises(DicomError) as exc:
        plan_dose_gy(percent, fractions=3, prescription_gy=54.0)
    assert "percent?" in str(exc.value)


def test_relative_per_fraction_dose_is_scaled_by_fractions_and_prescription(grid: Any) -> None:
    rel = replace(grid, units="RELATIVE", summation="FRACTION", dose=grid.dose / np.float32(54.0 * 3))
    gy, notes = plan_dose_gy(rel, fractions=3, prescription_gy=18.0)
    assert float(gy.dose.max()) == pytest.approx(float(grid.dose.max()) / 3, rel=1e-5)
    assert any("multiplied by 3 fractions" in n for n in notes)


def test_dose_units_and_summations_not_understood_are_refused(grid: Any) -> None:
    with pytest.raises(DicomError) as exc:
        plan_dose_gy(replace(grid, units="CGY"), fractions=3, prescription_gy=54.0)
    assert "Dose Units CGY not understood" in str(exc.value)
    with pytest.raises(DicomError) as exc:
        plan_dose_gy(replace(grid, summation="BEAM"), fractions=3, prescription_gy=54.0)
    assert "Dose Summation Type BEAM is not a whole-plan dose" in str(exc.value)
    with pytest.raises(DicomError) as exc:
        plan_dose_gy(grid, fractions=3, prescription_gy=54.0, summation="beam")
    assert exc.value.field == "dose_summation"
    with pytest.raises(DicomError) as exc:
        plan_dose_gy(replace(grid, summation="FRACTION"), fractions=None, prescription_gy=54.0)
    assert "give the fraction count" in str(exc.value)


def test_summation_override_and_multi_plan_are_noted(grid: Any) -> None:
    frac = replace(grid, summation="FRACTION")
    whole, notes = plan_dose_gy(frac, fractions=3, prescription_gy=54.0, summation="plan")
    assert np.array_equal(whole.dose, grid.dose)
    assert any("read as the whole plan as asked" in n for n in notes)
    one, notes = plan_dose_gy(frac, fractions=1, prescription_gy=54.0)
    assert np.array_equal(one.dose, grid.dose)
    assert any("read as one fraction (fraction count 1)" in n for n in notes)
    tripled, notes = plan_dose_gy(frac, fractions=3, prescription_gy=54.0)
    assert float(tripled.dose.max()) == pytest.approx(3 * float(grid.dose.max()), rel=1e-5)
    assert any("may hold whole-plan values" in n for n in notes)
    _, notes = plan_dose_gy(replace(grid, summation="MULTI_PLAN"), fractions=3, prescription_gy=54.0)
    assert any("MULTI_PLAN sum" in n for n in notes)


def test_beam_doses_summed_only_when_they_belong_together(grid: Any) -> None:
    a = replace(grid, summation="BEAM", sop_instance_uid="1.1", referenced_beam_numbers=(1,),
                dose=grid.dose / np.float32(2))
    b = replace(a, sop_instance_uid="1.2", referenced_beam_numbers=(2,), dose=a.dose.copy())
    total, notes = sum_beam_doses([replace(a, dose=a.dose.copy()), b], (1, 2))
    assert total.summation == "PLAN"
    assert np.allclose(total.dose, grid.dose, rtol=1e-5)
    assert any("2 per-beam dose grids" in n for n in notes)
    _, notes = sum_beam_doses([replace(a, dose=a.dose.copy()), b])
    assert any("could not be checked" in n for n in notes)
    single, notes = sum_beam_doses([a], (1,))
    assert single.summation == "PLAN" and notes
    for parts, words in (([a, replace(b, summation="PLAN")], "Dose Summation Type"),
                         ([a, replace(b, referenced_plan_uids=("9.9",))], "one same RT Plan"),
                         ([a, replace(b, units="RELATIVE")], "different Dose Units"),
                         ([a, replace(b, sop_instance_uid="1.1")], "given twice"),
                         ([a, replace(b, x_mm=b.x_mm + 1)], "not on the same grid"),
                         ([a, replace(b, referenced_beam_numbers=(1,))], "same beam more than once")):
        with pytest.raises(DicomError) as exc:
            sum_beam_doses(parts)
        assert words in str(exc.value)
    with pytest.raises(DicomError) as exc:
        sum_beam_doses([a, b], (1, 2, 3))
    assert "beams 3 have no dose" in str(exc.value)


# ---------------------------------------------------------------- read_rtstruct


def _first(seq: str, change: Callable[[Any], None]) -> Callable[[Any], None]:
    return lambda ds: change(getattr(ds, seq)[0])


def _dup_roi(ds: Any) -> None:
    ds.StructureSetROISequence[1].ROINumber = ds.StructureSetROISequence[0].ROINumber


def _orphan_obs(ds: Any) -> None:
    ds.RTROIObservationsSequence[0].ReferencedROINumber = 99


def _orphan_contour(ds: Any) -> None:
    ds.ROIContourSequence[0].ReferencedROINumber = 99


def _two_contours(ds: Any) -> None:
    ds.ROIContourSequence[1].ReferencedROINumber = ds.ROIContourSequence[0].ReferencedROINumber


def _contour(change: Callable[[Any], None]) -> Callable[[Any], None]:
    return lambda ds: change(ds.ROIContourSequence[0].ContourSequence[0])


def _tilt(c: Any) -> None:
    v = [float(x) for x in c.ContourData]
    v[2] += 5.0
    c.ContourData = v


def _not_triplets(c: Any) -> None:
    c.ContourData = [float(x) for x in c.ContourData][:-1]
    del c.NumberOfContourPoints


@pytest.mark.parametrize("change, words", [
    (_set(ROIContourSequence=None), ("lacks the ROIContourSequence (3006,0039)",)),
    (_set(RTROIObservationsSequence=Sequence()), ("lacks the RTROIObservationsSequence",)),
    (_dup_roi, ("ROI Number 1 is used by two ROIs",)),
    (_orphan_obs, ("RT ROI Observation refers to ROI Number 99",)),
    (_orphan_contour, ("a ROI Contour refers to ROI Number 99",)),
    (_two_contours, ("two ROI Contours refer to ROI Number 1",)),
    (_first("StructureSetROISequence", lambda r: delattr(r, "ROINumber")), ("has no ROINumber",)),
    (_first("StructureSetROISequence", lambda r: r.add_new(0x30060022, "LO", "x1")), ("'x1'", "not a whole number")),
    (_contour(_tilt), ("not on one axial plane",)),
    (_contour(_not_triplets), ("not (x, y, z) triplets",)),
    (_contour(lambda c: setattr(c, "NumberOfContourPoints", 3)), ("Number of Contour Points (3006,0046) says 3",)),
    (_contour(lambda c: setattr(c, "ContourData", [1e6, 0.0, 0.0] * 3)), ("beyond the 100000 mm",)),
])
def test_damaged_structure_set_refused_in_one_line(phantom: dict[str, Path], tmp_path: Path,
                                                   change: Callable[[Any], None], words: tuple[str, ...]) -> None:
    bad = _edit(phantom["rtstruct"], tmp_path / "bad_struct.dcm", change)
    with pytest.raises(DicomError) as exc:
        read_rtstruct(bad)
    _refused(exc, bad, *words)


def test_unnamed_roi_and_odd_contours_are_noted_not_refused(phantom: dict[str, Path], tmp_path: Path) -> None:
    def odd(ds: Any) -> None:
        ds.StructureSetROISequence[1].ROIName = ""
        contours = ds.ROIContourSequence[0].ContourSequence
        point, short = Dataset(), Dataset()
        point.ContourGeometricType, point.NumberOfContourPoints, point.ContourData = "POINT", 1, [0.0, 0.0, 0.0]
        short.ContourGeometricType, short.NumberOfContourPoints = "CLOSED_PLANAR", 2
        short.ContourData = [0.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        contours.extend([point, short])
        ds.ROIContourSequence[2].ContourSequence = Sequence()
        del ds.ReferencedFrameOfReferenceSequence
    ref = read_rtstruct(phantom["rtstruct"])
    ss = read_rtstruct(_edit(phantom["rtstruct"], tmp_path / "odd.dcm", odd))
    assert any("ROI Number 2 has no ROI Name: shown as 'ROI 2'" in n for n in ss.notes)
    assert ss.roi("ROI 2").roi_type == "GTV"
    ptv = ss.roi("PTV")
    assert "POINT contour skipped" in ptv.notes
    assert "empty or degenerate contour (fewer than 3 points) skipped" in ptv.notes
    assert len(ptv.planes) == len(ref.roi("PTV").planes)
    assert "no closed planar contour: empty structure" in ss.roi("SpinalCord").notes
    assert ss.frame_of_reference_uid == ""
    with pytest.raises(DicomError) as exc:
        ss.roi("Heart")
    assert "no structure named 'Heart'" in str(exc.value) and "PTV" in str(exc.value)


# ---------------------------------------------------------------- load.py


def test_no_dose_file_and_no_prescription_refused(phantom: dict[str, Path]) -> None:
    with pytest.raises(DicomError) as exc:
        load_dose_and_structures([], phantom["rtstruct"])
    assert "no RT Dose file given" in str(exc.value)
    with pytest.raises(DicomError) as exc:
        load_plan(_inputs(phantom, rtplan=None, fractions=3))
    assert str(exc.value) == "no prescription: give an RT Plan (--rtplan) or --prescription-gy"


def test_given_prescription_overriding_the_plan_is_used_and_warned(phantom: dict[str, Path]) -> None:
    plan = load_plan(_inputs(phantom, prescription_gy=50.0, fractions=5))
    assert (plan.prescription_gy, plan.fractions) == (50.0, 5)
    assert (plan.plan_prescription_gy, plan.plan_fractions) == (54.0, 3)
    assert plan.prescription_source == "given (overrides the RT Plan)"
    assert plan.prescription_disagrees
    assert any("prescription given (50 Gy) differs from the RT Plan's (54 Gy)" in w for w in plan.warnings)
    assert any("fraction count given (5) differs from the RT Plan's (3)" in w for w in plan.warnings)
    mixed = load_plan(_inputs(phantom, fractions=3))
    assert mixed.prescription_source == "RT Plan and given"
    assert (mixed.prescription_gy_source, mixed.fractions_source) == ("RT Plan", "given")
    assert not mixed.prescription_disagrees
    bare = load_plan(_inputs(phantom, rtplan=None, prescription_gy=54.0, fractions=3))
    assert bare.prescription_source == "given" and bare.plan_prescription_gy is None


def test_plan_without_dose_reference_uses_given_prescription_with_a_warning(phantom: dict[str, Path],
                                                                            tmp_path: Path) -> None:
    rp = _edit(phantom["rtplan"], tmp_path / "rtplan.dcm", _set(DoseReferenceSequence=None))
    with pytest.raises(DicomError) as exc:
        load_plan(_inputs(phantom, rtplan=str(rp)))
    _refused(exc, rp, "--prescription-gy")
    plan = load_plan(_inputs(phantom, rtplan=str(rp), prescription_gy=54.0))
    assert plan.prescription_source == "RT Plan and given" and plan.fractions == 3
    assert any("no Target Prescription Dose" in w and "(54 Gy) is used unchecked" in w for w in plan.warnings)


def test_references_that_do_not_match_are_warned(phantom: dict[str, Path], tmp_path: Path) -> None:
    def other_plan(ds: Any) -> None:
        ds.SOPInstanceUID = "1.2.3.999"
        ds.FrameOfReferenceUID = "1.2.3.888"
        ds.ReferencedStructureSetSequence[0].ReferencedSOPInstanceUID = "1.2.3.777"
    rp = _edit(phantom["rtplan"], tmp_path / "rtplan.dcm", other_plan)
    plan = load_plan(_inputs(phantom, rtplan=str(rp)))
    assert plan.prescription_source == "RT Plan" and plan.prescription_gy == 54.0
    text = " | ".join(plan.warnings)
    assert "not to the RT Plan given (1.2.3.999)" in text
    assert "refers to structure set 1.2.3.777, not to the one given" in text
    assert "frame of reference 1.2.3.888 differs from the dose's" in text


def test_dose_and_structures_on_other_frames_refused(phantom: dict[str, Path], tmp_path: Path) -> None:
    def move(ds: Any) -> None:
        ds.ReferencedFrameOfReferenceSequence[0].FrameOfReferenceUID = "1.2.3.555"
    rs = _edit(phantom["rtstruct"], tmp_path / "rtstruct.dcm", move)
    with pytest.raises(DicomError) as exc:
        load_dose_and_structures(phantom["rtdose"], rs)
    assert "not on the same frame of reference" in str(exc.value) and "1.2.3.555" in str(exc.value)


def test_missing_frames_of_reference_are_warned(phantom: dict[str, Path], tmp_path: Path) -> None:
    def roi_elsewhere(ds: Any) -> None:
        del ds.ReferencedFrameOfReferenceSequence
        ds.StructureSetROISequence[0].ReferencedFrameOfReferenceUID = "1.2.3.444"
    rs = _edit(phantom["rtstruct"], tmp_path / "rtstruct.dcm", roi_elsewhere)
    dose, structs, warnings = load_dose_and_structures(phantom["rtdose"], rs)
    assert structs.frame_of_reference_uid == ""
    assert any("Frame of Reference UID is missing" in w for w in warnings)
    assert any("structure 'PTV' refers to frame of reference 1.2.3.444" in w for w in warnings)
