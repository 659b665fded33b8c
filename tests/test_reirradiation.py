"""Re-irradiation voxel by voxel (issue 22): analytic courses, a real export summed with itself, bad input.

Expected values follow from the LQ formula EQD2 = D (d + a/b) / (2 + a/b) (Fowler JF, Br J Radiol
1989;62:679-694) and the limits of presets/reirradiation.toml (HyTEC, Sahgal 2012: cumulative thecal
sac EQD2 Dmax <= 70 Gy, new course <= 25 Gy, share <= 0.5, interval >= 5 months).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pytest
from samples import samples_dir

pydicom = pytest.importorskip("pydicom")

from sbrt_calc.cli.main import main  # noqa: E402
from sbrt_calc.plancheck.dicom_io import read_rtdose, read_rtstruct  # noqa: E402
from sbrt_calc.plancheck.phantom import _base, add_rois  # noqa: E402
from sbrt_calc.reirradiation.courses import load_course, resample  # noqa: E402
from sbrt_calc.reirradiation.eqd2 import eqd2_gy  # noqa: E402
from sbrt_calc.reirradiation.evaluate import evaluate_reirradiation  # noqa: E402
from sbrt_calc.reirradiation.export import write_eqd2_dose  # noqa: E402
from sbrt_calc.table import Status  # noqa: E402

FRAME = "1.2.826.0.1.3680043.8.498.22.1"
OTHER_FRAME = "1.2.826.0.1.3680043.8.498.22.2"
_counter = [0]


def _uid() -> str:
    _counter[0] += 1
    return f"1.2.826.0.1.3680043.8.498.22.100.{os.getpid()}.{_counter[0]}"


def axes(x0: float = -20.0, nx: int = 21, y0: float = -20.0, ny: int = 21, z0: float = -10.0, nz: int = 11,
         step: float = 2.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (x0 + step * np.arange(nx), y0 + step * np.arange(ny), z0 + step * np.arange(nz))


def write_dose(path: Path, dose_of, ax=None, *, frame: str = FRAME, units: str = "GY",
               summation: str = "PLAN") -> Path:
    """An RT Dose holding ``dose_of(x, y, z)`` (Gy, or relative) on the axes *ax*."""
    x, y, z = ax if ax is not None else axes()
    zz, yy, xx = np.meshgrid(z, y, x, indexing="ij")
    dose = np.broadcast_to(np.asarray(dose_of(xx, yy, zz), dtype=float), zz.shape)
    rd = _base("RTDOSE", "1.2.840.10008.5.1.4.1.1.481.2", _uid(), frame)
    rd.SamplesPerPixel, rd.PhotometricInterpretation = 1, "MONOCHROME2"
    rd.Rows, rd.Columns, rd.NumberOfFrames = len(y), len(x), len(z)
    rd.BitsAllocated, rd.BitsStored, rd.HighBit, rd.PixelRepresentation = 32, 32, 31, 0
    rd.PixelSpacing = [float(y[1] - y[0]), float(x[1] - x[0])]
    rd.ImagePositionPatient = [float(x[0]), float(y[0]), float(z[0])]
    rd.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    rd.GridFrameOffsetVector = [float(v) for v in (z - z[0])]
    rd.FrameIncrementPointer = 0x3004000C
    rd.DoseUnits, rd.DoseType, rd.DoseSummationType = units, "PHYSICAL", summation
    scaling = max(float(dose.max()), 1e-6) / 4.0e9
    rd.DoseGridScaling = f"{scaling:.10e}"[:16]
    rd.PixelData = np.round(dose / float(rd.DoseGridScaling)).astype("<u4").tobytes()
    rd.save_as(path, enforce_file_format=True)
    return path


def _box(x0: float, x1: float, y0: float, y1: float, zs) -> list[list[float]]:
    return [[x0, y0, z, x1, y0, z, x1, y1, z, x0, y1, z] for z in zs]


def write_struct(path: Path, rois, *, frame: str = FRAME) -> Path:
    """An RT Structure Set of (name, type, contours)."""
    rs = _base("RTSTRUCT", "1.2.840.10008.5.1.4.1.1.481.3", _uid(), frame)
    rs.StructureSetLabel = "REIRR"
    add_rois(rs, list(rois))
    rs.save_as(path, enforce_file_format=True)
    return path


ZS = [-6.0, -4.0, -2.0, 0.0, 2.0, 4.0, 6.0]
ROIS = [("SpinalCanal", "ORGAN", _box(-6, 6, -6, 6, ZS)),
        ("PTV_9", "PTV", _box(8, 16, -4, 4, ZS)),
        ("Lungs", "ORGAN", _box(-8, 8, -8, 8, ZS))]   # overlaps the canal: the canal's lower alpha/beta wins


def lq(total: float, n: int, ab: float) -> float:
    return total * (total / n + ab) / (2 + ab)


@pytest.fixture()
def uniform(tmp_path: Path) -> dict[str, Path]:
    """Course 1: 20 Gy in 5 fractions everywhere; new course: 9 Gy in 3 fractions everywhere."""
    return {"old": write_dose(tmp_path / "old.dcm", lambda x, y, z: 20.0 + 0 * x),
            "new": write_dose(tmp_path / "new.dcm", lambda x, y, z: 9.0 + 0 * x),
            "rs": write_struct(tmp_path / "rs.dcm", ROIS)}


def _run(files, fractions_new=(), interval=6.0, model="lq"):
    courses = [load_course(files["old"], 5), load_course(files["new"], 3)]
    return evaluate_reirradiation(courses, read_rtstruct(files["rs"]), fractions_new=fractions_new,
                                  interval_months=interval, model=model)


def test_uniform_courses_sum_by_formula(uniform):
    r = _run(uniform)
    canal = next(s for s in r.structures if s.name == "SpinalCanal")
    ptv = next(s for s in r.structures if s.name == "PTV_9")
    assert canal.alpha_beta.alpha_beta_gy == 2.0 and ptv.alpha_beta.alpha_beta_gy == 10.0
    # 20 Gy/5 and 9 Gy/3 at alpha/beta 2: 30 + 11.25 Gy
    assert canal.dose.max_gy == pytest.approx(lq(20, 5, 2) + lq(9, 3, 2), rel=1e-5)
    assert canal.dose.min_gy == pytest.approx(41.25, rel=1e-5)
    assert ptv.dose.max_gy == pytest.approx(lq(20, 5, 10) + lq(9, 3, 10), rel=1e-5)
    lim = r.limits[0]
    assert lim.structure == "SpinalCanal" and lim.status == Status.PASS and r.status == Status.PASS
    values = {c.name: c.value for c in lim.checks}
    assert values["new course EQD2 Dmax"] == pytest.approx(11.25, rel=1e-5)
    assert values["new course share of cumulative Dmax"] == pytest.approx(11.25 / 41.25, rel=1e-5)
    assert lim.sensitivity == "holds in all"
    # the least favourable case is the lowest alpha/beta (largest EQD2 below 4 Gy per fraction... and above 2)
    assert lim.least_favourable is not None and lim.least_favourable.alpha_beta_gy == 0.87
    # the map: the canal's voxels take 2 Gy (lowest of canal and lungs), voxels in no structure 3 Gy
    m = r.eqd2_map.dose
    assert m[5, 10, 10] == pytest.approx(41.25, rel=1e-5)
    assert r.alpha_beta_map[5, 10, 10] == 2.0
    assert m[0, 0, 0] == pytest.approx(lq(20, 5, 3) + lq(9, 3, 3), rel=1e-5)


def test_interval_not_given_is_incomplete(uniform):
    r = _run(uniform, interval=None)
    assert r.limits[0].status == Status.INCOMPLETE and r.status == Status.INCOMPLETE


def test_fail_holds_in_all(tmp_path):
    """New course 16 Gy/2 (d = 8): EQD2 at a/b 2 = 40 Gy > 25; LQ-L (d_T 6 Gy) lowers it."""
    files = {"old": write_dose(tmp_path / "old.dcm", lambda x, y, z: 20.0 + 0 * x),
             "new": write_dose(tmp_path / "new.dcm", lambda x, y, z: 16.0 + 0 * x),
             "rs": write_struct(tmp_path / "rs.dcm", ROIS)}
    courses = [load_course(files["old"], 5), load_course(files["new"], 2)]
    r = evaluate_reirradiation(courses, read_rtstruct(files["rs"]), interval_months=6.0)
    assert r.status == Status.FAIL
    lim = r.limits[0]
    assert lim.least_favourable is not None and lim.least_favourable.status == Status.FAIL
    # cumulative at a/b 2: 30 + 40 = 70 -> passes exactly; new course 40 > 25 fails in every case
    assert lim.sensitivity == "holds in all"


def test_verdict_depends_on_alpha_beta(tmp_path):
    """Old 40 Gy/20 (EQD2 40 Gy at any a/b), new 14 Gy/3: new-course EQD2 23.3 Gy at a/b 2 (pass, <= 25) but
    14 (14/3 + 0.87)/2.87 = 27.0 Gy at a/b 0.87 (fail): the verdict depends, least favourable a/b 0.87 Gy."""
    files = {"old": write_dose(tmp_path / "old.dcm", lambda x, y, z: 40.0 + 0 * x),
             "new": write_dose(tmp_path / "new.dcm", lambda x, y, z: 14.0 + 0 * x),
             "rs": write_struct(tmp_path / "rs.dcm", ROIS)}
    courses = [load_course(files["old"], 20), load_course(files["new"], 3)]
    r = evaluate_reirradiation(courses, read_rtstruct(files["rs"]), interval_months=6.0)
    lim = r.limits[0]
    assert lim.status == Status.PASS and lim.sensitivity == "depends"
    assert lim.least_favourable is not None and lim.least_favourable.alpha_beta_gy == 0.87
    assert lim.least_favourable.new_course_max_gy == pytest.approx(lq(14, 3, 0.87), rel=1e-5)
    assert lim.least_favourable.status == Status.FAIL


def test_largest_course_exact_on_uniform_dose(uniform):
    """Old 30 Gy EQD2; binding: new course EQD2 <= 25 Gy: D'(D'/N + 2)/4 = 25 -> D' = N(-2 + sqrt(4 + 400/N))/2."""
    r = _run(uniform, fractions_new=(1, 5))
    for c in r.largest:
        n = c.fractions
        exact = n * (-2 + math.sqrt(4 + 400 / n)) / 2 / 9.0
        assert c.scale == pytest.approx(exact, rel=1e-7)
        assert c.limiting_structure == "SpinalCanal" and c.limiting_check == "new course EQD2 Dmax"
        assert c.least_scale is not None and c.least_scale <= c.scale
        assert c.status == Status.PASS


def test_linear_gradient_resampled_exactly_and_dvh(tmp_path):
    """An old course on a coarser, shifted grid with dose 10 + 0.5 x: trilinear is exact for a linear dose."""
    old_ax = axes(x0=-23.0, nx=17, y0=-23.0, ny=17, z0=-13.0, nz=10, step=3.0)
    files = {"old": write_dose(tmp_path / "old.dcm", lambda x, y, z: 20.0 + 0.5 * x, old_ax),
             "new": write_dose(tmp_path / "new.dcm", lambda x, y, z: 6.0 + 0 * x),
             "rs": write_struct(tmp_path / "rs.dcm", ROIS)}
    old, new = load_course(files["old"], 5), load_course(files["new"], 3)
    rs = resample(old, new.grid)
    x = np.asarray(new.grid.x_mm)
    assert not rs.outside.any()
    np.testing.assert_allclose(rs.dose_gy[3, 7], 20.0 + 0.5 * x, rtol=1e-5)
    r = evaluate_reirradiation([old, new], read_rtstruct(files["rs"]), interval_months=6.0)
    canal = next(s for s in r.structures if s.name == "SpinalCanal")
    # EQD2 increases with x; half the canal (x in [-6, 6]) lies at x >= 0
    e0 = lq(20.0, 5, 2) + lq(6.0, 3, 2)
    dose, vol = canal.dose.cumulative(0.01)
    v_at = float(np.interp(e0, dose, vol))
    assert v_at == pytest.approx(canal.dose.in_grid_cc / 2, rel=0.02)
    assert canal.dose.max_gy == pytest.approx(lq(23.0, 5, 2) + lq(6.0, 3, 2), rel=0.01)


def test_organ_partly_outside_old_grid_is_incomplete(tmp_path):
    old_ax = axes(x0=0.0, nx=11)
    files = {"old": write_dose(tmp_path / "old.dcm", lambda x, y, z: 20.0 + 0 * x, old_ax),
             "new": write_dose(tmp_path / "new.dcm", lambda x, y, z: 9.0 + 0 * x),
             "rs": write_struct(tmp_path / "rs.dcm", ROIS)}
    r = _run(files)
    canal = next(s for s in r.structures if s.name == "SpinalCanal")
    share = canal.outside_previous["old.dcm"]
    assert 0.3 < share < 0.55
    assert r.limits[0].status == Status.INCOMPLETE
    assert any("unknown" in n for n in r.limits[0].notes)
    assert r.eqd2_map.dose[5, 10, 0] == 0.0   # unknown: 0 in the map, said so
    assert any("unknown" in n for n in r.notes)


def test_export_round_trip(uniform, tmp_path):
    r = _run(uniform)
    out = write_eqd2_dose(tmp_path / "eqd2.dcm", r, inputs=(uniform["old"], uniform["new"]))
    ds = pydicom.dcmread(out)
    assert ds.DoseType == "EFFECTIVE" and "EQD2" in ds.DoseComment and ds.FrameOfReferenceUID == FRAME
    assert "recovery" in ds.ImageComments
    back = read_rtdose(out)
    scaling = float(ds.DoseGridScaling)
    assert np.max(np.abs(back.dose.astype(float) - r.eqd2_map.dose)) <= scaling / 2 + 1e-6 * 41.25
    with pytest.raises(Exception, match="input"):
        write_eqd2_dose(uniform["old"], r, inputs=(uniform["old"],))




ECLIPSE = (samples_dir() or Path("/nonexistent")) / "eclipse-breast"


@pytest.mark.skipif(not (ECLIPSE / "rtdose.dcm").is_file(),
                    reason="shared/dicom-samples/eclipse-breast is not beside the repository; set SBRT_CALC_SAMPLES")
def test_real_export_summed_with_itself(tmp_path):
    """The Eclipse breast plan (7 fractions in its RT Plan) summed with itself: EQD2 map = 2 x formula."""
    courses = [load_course(ECLIPSE / "rtdose.dcm", 7, label="first"), load_course(ECLIPSE / "rtdose.dcm", 7)]
    r = evaluate_reirradiation(courses, read_rtstruct(ECLIPSE / "rtss.dcm"), fractions_new=(5,))
    d = np.asarray(courses[-1].grid.dose, dtype=np.float64)
    expected = 2 * d * (d / 7 + r.alpha_beta_map) / (2 + r.alpha_beta_map)
    np.testing.assert_allclose(r.eqd2_map.dose, expected, rtol=2e-5, atol=1e-5)
    assert {s.name for s in r.structures} >= {"Heart", "Lt Lung", "Tumor Bed"}
    assert all(v == 0.0 for s in r.structures for v in s.outside_previous.values())
    heart = next(s for s in r.structures if s.name == "Heart")
    single = eqd2_gy(np.array([float(courses[-1].grid.dose.max())]), 7, 3.0)[0]
    assert heart.dose.max_gy is not None and heart.dose.max_gy <= 2 * single + 1e-3
    # no thecal sac in a breast plan: the limit is not checked -> incomplete, never a pass
    assert r.limits[0].status == Status.INCOMPLETE and r.status == Status.INCOMPLETE
    out = write_eqd2_dose(tmp_path / "eqd2.dcm", r)
    back = read_rtdose(out)
    assert np.max(np.abs(back.dose - r.eqd2_map.dose)) <= float(pydicom.dcmread(out).DoseGridScaling)


# ---- the command line -------------------------------------------------------------------------------------------

def cli(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_pass_json_and_files(uniform, tmp_path, capsys):
    code, out, err = cli(["reirradiation", "--course", f"{uniform['old']}:5", "--course", f"{uniform['new']}:3",
                          "--rtstruct", str(uniform["rs"]), "--fractions-new", "5", "--interval-months", "6",
                          "--eqd2-dose", str(tmp_path / "e.dcm"), "--dvh-csv", str(tmp_path / "d.csv"),
                          "--format", "json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["status"] == "pass" and data["limits"][0]["structure"] == "SpinalCanal"
    assert data["model"]["recovery_discount"] == "not offered"
    assert [c["label"] for c in data["courses"]] == ["course 1: old.dcm", "course 2: new.dcm"]
    assert data["largest_new_course"][0]["limiting_check"] == "new course EQD2 Dmax"
    assert (tmp_path / "e.dcm").is_file() and (tmp_path / "d.csv").read_text().startswith("dose_gy")
    code, out, err = cli(["reirradiation", "--course", f"{uniform['old']}:5", "--course", f"{uniform['new']}:3",
                          "--rtstruct", str(uniform["rs"])], capsys)
    assert code == 1 and "incomplete" in out


def _one_line_exit_2(argv, capsys, *words):
    code, out, err = cli(argv, capsys)
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and "Traceback" not in err
    for w in words:
        assert w in err, err
    return err


def test_cli_bad_input(uniform, tmp_path, capsys):
    rs = str(uniform["rs"])
    other = write_dose(tmp_path / "other.dcm", lambda x, y, z: 20.0 + 0 * x, frame=OTHER_FRAME)
    _one_line_exit_2(["reirradiation", "--course", f"{other}:5", "--course", f"{uniform['new']}:3", "--rtstruct", rs],
                     capsys, OTHER_FRAME, FRAME)
    far = write_dose(tmp_path / "far.dcm", lambda x, y, z: 20.0 + 0 * x, axes(x0=500.0))
    _one_line_exit_2(["reirradiation", "--course", f"{far}:5", "--course", f"{uniform['new']}:3", "--rtstruct", rs],
                     capsys, "does not overlap")
    _one_line_exit_2(["reirradiation", "--course", str(uniform["old"]), "--course", f"{uniform['new']}:3",
                      "--rtstruct", rs], capsys, "fraction count")
    _one_line_exit_2(["reirradiation", "--course", f"{uniform['old']}:0", "--course", f"{uniform['new']}:3",
                      "--rtstruct", rs], capsys, "fraction count")
    rel = write_dose(tmp_path / "rel.dcm", lambda x, y, z: 0.5 + 0 * x, units="RELATIVE")
    _one_line_exit_2(["reirradiation", "--course", f"{rel}:5", "--course", f"{uniform['new']}:3", "--rtstruct", rs],
                     capsys, "RELATIVE")
    code, out, err = cli(["reirradiation", "--course", f"{rel}:5:40", "--course", f"{uniform['new']}:3",
                          "--rtstruct", rs, "--interval-months", "6", "--format", "json"], capsys)
    assert code == 0, err   # 0.5 x 40 Gy = 20 Gy: the uniform case
    # a deformable registration object is refused
    reg = _base("REG", "1.2.840.10008.5.1.4.1.1.66.3", _uid(), FRAME)
    reg.save_as(tmp_path / "reg.dcm", enforce_file_format=True)
    _one_line_exit_2(["reirradiation", "--course", f"{uniform['old']}:5", "--course", f"{uniform['new']}:3",
                      "--rtstruct", rs, "--registration", str(tmp_path / "reg.dcm")], capsys, "deformable")
    _one_line_exit_2(["reirradiation", "--course", f"{uniform['new']}:3", "--rtstruct", rs], capsys, "two or more")


# ---- rigid registration -----------------------------------------------------------------------------------------

def write_registration(path: Path, matrices: dict[str, np.ndarray], *, own: str = FRAME,
                       kind: str = "RIGID") -> Path:
    """A DICOM Spatial Registration: for each frame, the matrix mapping it into the registration's frame *own*."""
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    reg = _base("REG", "1.2.840.10008.5.1.4.1.1.66.1", _uid(), own)
    items = []
    for uid, m in matrices.items():
        mat = Dataset()
        mat.FrameOfReferenceTransformationMatrixType = kind
        mat.FrameOfReferenceTransformationMatrix = [float(v) for v in np.asarray(m).ravel()]
        mr = Dataset()
        mr.MatrixSequence = Sequence([mat])
        item = Dataset()
        item.FrameOfReferenceUID = uid
        item.MatrixRegistrationSequence = Sequence([mr])
        items.append(item)
    reg.RegistrationSequence = Sequence(items)
    reg.save_as(path, enforce_file_format=True)
    return path


def _rigid(deg: float, t: tuple[float, float, float]) -> np.ndarray:
    a = math.radians(deg)
    m = np.eye(4)
    m[:3, :3] = [[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]]
    m[:3, 3] = t
    return m


def test_rigid_registration_translation_and_rotation(tmp_path, capsys):
    """The old course on another frame, rotated 10 degrees about z and shifted (5, -3, 2) mm into the new frame.

    Its dose is linear in its own coordinates, so trilinear interpolation at the mapped voxel centres is exact:
    at a new-frame point p the old dose is D(M^-1 p) (PS3.3 C.20.2: the matrix maps the old frame into the
    registration's, here the new course's, frame).
    """
    from sbrt_calc.reirradiation.courses import read_registration, transforms_for

    def dose_old(x, y, z):
        return 20.0 + 0.3 * x + 0.2 * y + 0.1 * z

    old_ax = axes(x0=-40.0, nx=41, y0=-40.0, ny=41, z0=-20.0, nz=21)
    old = write_dose(tmp_path / "old.dcm", dose_old, old_ax, frame=OTHER_FRAME)
    new = write_dose(tmp_path / "new.dcm", lambda x, y, z: 9.0 + 0 * x)
    m_old = _rigid(10.0, (5.0, -3.0, 2.0))
    reg = write_registration(tmp_path / "reg.dcm", {FRAME: np.eye(4), OTHER_FRAME: m_old})
    courses = [load_course(old, 5), load_course(new, 3)]
    (tr,) = transforms_for(courses, read_registration(reg))
    rs = resample(courses[0], courses[1].grid, tr)
    g = courses[1].grid
    zz, yy, xx = np.meshgrid(g.z_mm, g.y_mm, g.x_mm, indexing="ij")
    pts = np.linalg.inv(m_old) @ np.stack([xx.ravel(), yy.ravel(), zz.ravel(), np.ones(xx.size)])
    expected = dose_old(pts[0], pts[1], pts[2]).reshape(xx.shape)
    assert not rs.outside.any()
    np.testing.assert_allclose(rs.dose_gy, expected, rtol=1e-5)
    # without the rotation's inverse (the wrong direction) the values differ: the test can fail
    assert np.max(np.abs(rs.dose_gy - dose_old(xx, yy, zz))) > 1.0
    # through the command line: exit 0 (not 2), and the frames differ without a registration: exit 2
    rsf = write_struct(tmp_path / "rs.dcm", ROIS)
    code, out, err = cli(["reirradiation", "--course", f"{old}:5", "--course", f"{new}:3", "--rtstruct", str(rsf),
                          "--registration", str(reg), "--interval-months", "6", "--format", "json"], capsys)
    assert code in (0, 1) and json.loads(out)["status"] in ("pass", "fail", "incomplete"), err
    _one_line_exit_2(["reirradiation", "--course", f"{old}:5", "--course", f"{new}:3", "--rtstruct", str(rsf)],
                     capsys, OTHER_FRAME, FRAME)
    # a registration that does not name the old frame, and a non-rigid matrix: one line, exit 2
    reg2 = write_registration(tmp_path / "reg2.dcm", {FRAME: np.eye(4)})
    _one_line_exit_2(["reirradiation", "--course", f"{old}:5", "--course", f"{new}:3", "--rtstruct", str(rsf),
                      "--registration", str(reg2)], capsys, "does not relate")
    scaled = np.diag([2.0, 1.0, 1.0, 1.0])
    reg3 = write_registration(tmp_path / "reg3.dcm", {FRAME: np.eye(4), OTHER_FRAME: scaled})
    _one_line_exit_2(["reirradiation", "--course", f"{old}:5", "--course", f"{new}:3", "--rtstruct", str(rsf),
                      "--registration", str(reg3)], capsys, "not rigid")
