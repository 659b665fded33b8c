"""Our DVHs against Eclipse's own, on a real Eclipse export (issue 17).

``shared/dicom-samples/eclipse-breast/``: an anonymised Varian Eclipse breast-boost plan (14 Gy in
7 fractions; dose grid 194 x 129 x 98 at 2.5 x 2.5 x 3 mm, GY, PLAN; contours every 3 mm), from
the example data of the dicompyler-core 0.5.6 source distribution (BSD). Its RT Dose holds
Eclipse's DVHs (DVH Sequence 3004,0050; one item per ROI, referencing the ROI Number; DVH Type
CUMULATIVE, DVH Dose Scaling 1, DVH Volume Units CM3; DVH Data = pairs of (bin width, volume)).
Read here with pydicom, element by element as PS3.3 C.8.8.4 defines them.

What the file shows and the test relies on (asserted below, not assumed):

- The DVH Data dose axis is in Gy (bins of 0.01 Gy; the Tumor Bed's reaches 14.58 Gy, the grid's
  maximum is 14.68 Gy), but DVH Minimum/Maximum/Mean Dose (3004,0070/72/74) are in percent of the
  plan's 14 Gy prescription although the item says GY: BODY's DVH Maximum Dose is 104.86 = 100 x
  14.68 / 14. Eclipse's Dmean is therefore DVH Mean Dose x 14 / 100 (its own, exact mean);
  D95 and D0.035cc are read from the cumulative DVH (volume i at the lower edge of bin i, as
  dicompyler-core reads it), interpolated linearly within a 0.01 Gy bin.
- **End caps**: Eclipse's volumes agree with the polygons' volume *without* end caps (the
  structure stops at its first and last contour planes): e.g. Tumor Bed 12.809 cc; the polygons
  give 12.738 cc without and 13.159 cc with half a plane spacing beyond each end (this program's
  convention, stated in the README). The volume is therefore compared after removing our end caps
  (t x (A_first + A_last) / 2), within 1 % for every ROI of 18 planes or more.
- **Small ROIs** (Borders, 2 planes; Nodes, 4; Scar, 6 planes 2.4-6.8 mm wide): the end caps weigh in
  their DVHs. Without them (an independent 0.1 mm point sampler in this file, trilinear dose) Scar's Dmean
  and D95 agree with Eclipse's within 1 % (with them: -3.1 % and -15.9 %), Borders' and Nodes' doses are below
  1 % of the prescription either way. Borders' and Nodes' volumes lie between ours without and with end caps
  (Eclipse's own partial end cap). Scar's D0.035cc differs by its volume: 0.035 cc is 10.2 % of Eclipse's Scar
  and 7.1 % of ours; at the same 10.2 % the doses agree within 1.5 % (measured +1.0 %).
- **Not explained** (:data:`NOT_EXPLAINED`, bounded as measured): BODY's volume (+5.7 % without caps; all of
  the excess is volume receiving < 0.2 Gy: V(d) within 1.5 % of Eclipse's for every d >= 0.2 Gy, Dmean 1.1 %
  low) and Scar's volume (+44 % without caps; 14 % of it lies outside BODY).
- **Low doses**: D95 of the organs is 0.03-0.08 Gy (0.2-0.6 % of the prescription); a 1 %
  relative comparison of such values is meaningless next to Eclipse's 0.01 Gy bins: doses below
  10 % of the prescription are compared within 1 % of the prescription (0.14 Gy).

Every other value (Tumor Bed, Tumor Bed Block, Breast, Heart, Lt Lung: Dmean, D95, D0.035cc)
must agree within 1 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from samples import samples_dir

from sbrt_calc.plancheck.dvh import StructureDose, structure_dvh
from sbrt_calc.plancheck.load import load_dose_and_structures
from sbrt_calc.plancheck.metrics import evaluate
from sbrt_calc.plancheck.raster import exact_area_mm2, structure_thickness_mm, thickness_for

SAMPLES = samples_dir()
ECLIPSE = SAMPLES / "eclipse-breast" if SAMPLES else None
pytestmark = pytest.mark.skipif(ECLIPSE is None or not (ECLIPSE / "rtdose.dcm").is_file(),
                                reason="the Eclipse export (shared/dicom-samples/eclipse-breast) is not beside the "
                                       "repository; set SBRT_CALC_SAMPLES")

PRESCRIPTION_GY = 14.0
SMALL = ("Borders", "Nodes", "Scar")


@dataclass(frozen=True)
class EclipseDvh:
    roi_number: int
    volume_cc: float
    mean_gy: float
    d95_gy: float
    d0_035cc_gy: float | None
    top_bin_gy: float
    max_tag: float
    edges_gy: tuple[float, ...] = ()
    cumulative_cc: tuple[float, ...] = ()

    def volume_at(self, dose_gy: float) -> float:
        """Eclipse's cumulative volume at *dose_gy* (cc): that of the bin whose lower edge is at or below it."""
        i = int(np.searchsorted(np.asarray(self.edges_gy), dose_gy, side="right")) - 1
        return float(self.cumulative_cc[min(max(i, 0), len(self.cumulative_cc) - 1)])


def eclipse_dvhs(path: Path) -> dict[int, EclipseDvh]:
    """Eclipse's DVHs from the RT Dose's DVH Sequence (cumulative, cm3), by referenced ROI Number."""
    import pydicom

    ds = pydicom.dcmread(str(path), stop_before_pixels=True)
    out = {}
    for item in ds.DVHSequence:
        assert item.DVHType in ("CUMULATIVE", "DIFFERENTIAL") and item.DVHVolumeUnits == "CM3"
        data = np.asarray(item.DVHData, dtype=float)
        width = data[0::2] * float(item.DVHDoseScaling)
        vol = data[1::2]
        edges = np.concatenate([[0.0], np.cumsum(width)])  # lower edge of bin i = edges[i]
        cum = vol if item.DVHType == "CUMULATIVE" else np.cumsum(vol[::-1])[::-1]
        total = float(cum[0])

        def dose_at(v: float, edges: np.ndarray = edges, cum: np.ndarray = cum) -> float | None:
            if v > cum[0]:
                return None
            i = int(np.nonzero(cum >= v)[0][-1])  # cum[i] >= v > cum[i + 1]
            if i + 1 >= cum.size:
                return float(edges[i])
            return float(edges[i] + (edges[i + 1] - edges[i]) * (cum[i] - v) / (cum[i] - cum[i + 1]))

        number = int(item.DVHReferencedROISequence[0].ReferencedROINumber)
        d95 = dose_at(0.95 * total)
        assert d95 is not None
        out[number] = EclipseDvh(number, total, float(item.DVHMeanDose) * PRESCRIPTION_GY / 100, d95,
                                 dose_at(0.035), float(edges[np.nonzero(cum > 0)[0][-1]]),
                                 float(item.DVHMaximumDose), tuple(float(x) for x in edges),
                                 tuple(float(x) for x in cum))
    return out


def _ours() -> tuple[dict[int, tuple[str, StructureDose, float]], float, Any, Any]:
    """Our DVH of every ROI, its end-cap volume (t (A_first + A_last) / 2, cc), the grid's maximum, and the grid
    and structure set read (read once for the module: the small ROIs' independent sampler reads them too)."""
    assert ECLIPSE is not None
    grid, ss, _ = load_dose_and_structures(ECLIPSE / "rtdose.dcm", ECLIPSE / "rtss.dcm")
    t_set = structure_thickness_mm(ss.rois, grid)
    out = {}
    for roi in ss.rois:
        if not roi.planes:
            continue
        t = thickness_for(roi, t_set)
        _, sd = structure_dvh(roi, grid, thickness_mm=t)
        caps = t * (exact_area_mm2(roi.planes[0].polygons) + exact_area_mm2(roi.planes[-1].polygons)) / 2 / 1000
        out[roi.number] = (roi.name, sd, caps)
    return out, float(grid.dose.max()), grid, ss


@pytest.fixture(scope="module")
def read() -> tuple[dict[int, EclipseDvh], dict[int, tuple[str, StructureDose, float]], float, Any, Any]:
    """Eclipse's DVHs, ours, the grid's maximum, and the grid and structure set we read (once for the module)."""
    assert ECLIPSE is not None
    ours, top, grid, ss = _ours()
    return eclipse_dvhs(ECLIPSE / "rtdose.dcm"), ours, top, grid, ss


@pytest.fixture(scope="module")
def both(read: tuple[Any, ...]) -> tuple[dict[int, EclipseDvh], dict[int, tuple[str, StructureDose, float]], float]:
    return read[:3]


def _close(ours: float, theirs: float, what: str, name: str, rel: float = 0.01) -> None:
    floor = 0.01 * PRESCRIPTION_GY if theirs < 0.1 * PRESCRIPTION_GY and what != "volume" else 0.0
    assert abs(ours - theirs) <= max(rel * abs(theirs), floor), f"{name} {what}: ours {ours:.4f}, Eclipse {theirs:.4f}"


def fine_dvh_without_caps(roi: Any, grid: Any, step_mm: float = 0.1, sub_planes: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """An independent DVH of a small ROI as Eclipse bounds it (no end caps: the structure stops at its first and
    last contour planes): points every *step_mm* inside each contour (even-odd), *sub_planes* sub-planes per slab
    (half a plane on the inner side of an end contour, a whole plane elsewhere), dose interpolated trilinearly
    (scipy). Returns (doses sorted decreasing, cumulative volume cc)."""
    from matplotlib.path import Path as MPath
    from scipy.interpolate import RegularGridInterpolator

    interp = RegularGridInterpolator((grid.z_mm, grid.y_mm, grid.x_mm), grid.dose, bounds_error=False, fill_value=0.0)
    t = float(np.median(np.diff([p.z_mm for p in roi.planes])))
    doses, weights = [], []
    for k, plane in enumerate(roi.planes):
        pts_all = np.concatenate(plane.polygons)[:, :2]
        lo, hi = pts_all.min(0), pts_all.max(0)
        xx, yy = np.meshgrid(np.arange(lo[0] + step_mm / 2, hi[0], step_mm), np.arange(lo[1] + step_mm / 2, hi[1], step_mm))
        pts = np.c_[xx.ravel(), yy.ravel()]
        hits = sum(MPath(q[:, :2]).contains_points(pts).astype(int) for q in plane.polygons)
        pts = pts[np.asarray(hits) % 2 == 1]
        z_lo = 0.0 if k == 0 else -t / 2
        z_hi = 0.0 if k == len(roi.planes) - 1 else t / 2
        for dz in z_lo + (np.arange(sub_planes) + 0.5) * (z_hi - z_lo) / sub_planes:
            doses.append(interp(np.c_[np.full(len(pts), plane.z_mm + dz), pts[:, 1], pts[:, 0]]))
            weights.append(np.full(len(pts), step_mm * step_mm * (z_hi - z_lo) / sub_planes / 1000.0))
    d, w = np.concatenate(doses), np.concatenate(weights)
    order = np.argsort(-d, kind="stable")
    return d[order], np.cumsum(w[order])


def _at(d: np.ndarray, cum: np.ndarray, volume_cc: float) -> float:
    return float(d[min(int(np.searchsorted(cum, volume_cc)), d.size - 1)])


#: Every difference from Eclipse that is not within 1 % (doses below 10 % of Rx: within 1 % of Rx, the size of
#: Eclipse's 0.01 Gy bins' effect), with its explanation; each explanation is itself asserted below.
EXPLAINED = {
    ("*", "volume"): "end caps: Eclipse stops a structure at its first and last contour planes, this program adds "
                     "half a plane beyond each (README); compared without our end caps",
    ("Borders", "volume"): "end caps: 2 planes, the caps are 100 % of the volume without them; Eclipse's volume "
                           "lies between ours without and with caps (its own partial end cap)",
    ("Nodes", "volume"): "end caps: 4 planes, the caps are 23 % of the volume without them; Eclipse's volume lies "
                         "between ours without and with caps",
    ("small", "doses"): "end caps: with 2-6 planes the half-plane caps weigh in the DVH; without them (an "
                        "independent 0.1 mm point sampler, trilinear dose) Dmean, D95 and D0.035cc agree",
    ("Scar", "D0.035cc"): "volume: 0.035 cc is 10.2 % of Eclipse's Scar but 7.1 % of ours (0.494 cc without caps); at "
                          "the same 10.2 % of our volume the dose agrees within 1.5 %",
}
#: Differences NOT explained (measured, bounded as measured, said in the report).
NOT_EXPLAINED = {
    ("BODY", "volume"): "+5.7 % without caps (14,736 vs 13,944 cc), contours inside the dose grid; the whole excess "
                        "lies in the volume receiving < 0.2 Gy (1.4 % of Rx): V(d) agrees within 1.5 % for every d "
                        ">= 0.2 Gy, Dmean 1.1 % low as the extra low-dose volume implies",
    ("Scar", "volume"): "+44 % without caps (0.494 vs 0.343 cc): a 2.4-6.8 mm wide structure at the skin, 14 % of it "
                        "outside BODY (clipping it to BODY would give 0.427 cc: not the reason alone); Eclipse's own "
                        "segmentation is suspected, not shown",
}


def test_every_roi_against_eclipse(read, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    """Volume, Dmean, D95 and D0.035cc of every ROI with an Eclipse DVH: within 1 %, or the difference explained
    (:data:`EXPLAINED`, each explanation asserted), or listed as not explained (:data:`NOT_EXPLAINED`, bounded as
    measured). The table with each difference's explanation is printed."""
    ecl, ours, _, grid, ss = read   # the grid and structures our DVHs were computed from (read once)
    assert ECLIPSE is not None
    rois = {r.name: r for r in ss.rois} if any(n in SMALL for n, _, _ in ours.values()) else {}
    lines = [f"{'ROI':<16} {'metric':<12} {'Eclipse':>10} {'ours':>10} {'diff %':>8}  explanation"]

    def row(name: str, what: str, theirs: float, mine: float, why: str = "") -> None:
        lines.append(f"{name:<16} {what:<12} {theirs:10.4f} {mine:10.4f} {100 * (mine - theirs) / theirs:8.2f}  {why}")

    checked = 0
    for number, e in sorted(ecl.items()):
        assert number in ours, f"ROI {number} has an Eclipse DVH but no contour read"
        name, sd, caps = ours[number]
        mean, d95 = evaluate("Mean[Gy]", sd).value or 0.0, evaluate("D95%[Gy]", sd).value or 0.0
        d0035 = evaluate("D0.035cc[Gy]", sd).value or 0.0
        assert e.d0_035cc_gy is not None
        no_caps = sd.volume_cc - caps
        row(name, "volume+caps", e.volume_cc, sd.volume_cc, "ours with end caps (this program's convention)")
        if (name, "volume") in NOT_EXPLAINED:
            row(name, "volume", e.volume_cc, no_caps, "NOT EXPLAINED: " + NOT_EXPLAINED[(name, "volume")])
        elif (name, "volume") in EXPLAINED:
            row(name, "volume", e.volume_cc, no_caps, EXPLAINED[(name, "volume")])
            assert no_caps < e.volume_cc < sd.volume_cc, name
        else:
            row(name, "volume", e.volume_cc, no_caps, EXPLAINED[("*", "volume")])
            _close(no_caps, e.volume_cc, "volume", name)
        if name in SMALL:
            assert rois, "structures read for the small ROIs"
            d, cum = fine_dvh_without_caps(rois[name], grid)
            v = float(cum[-1])
            assert v == pytest.approx(no_caps, rel=0.01), name  # the sampler's volume: the polygons' without caps
            fine = {"Dmean": float(np.sum(d * np.diff(np.concatenate([[0.0], cum]))) / v), "D95": _at(d, cum, 0.95 * v),
                    "D0.035cc": _at(d, cum, 0.035)}
            for what, mine, theirs in (("Dmean", mean, e.mean_gy), ("D95", d95, e.d95_gy),
                                       ("D0.035cc", d0035, e.d0_035cc_gy)):
                row(name, what, theirs, mine, "ours with end caps")
                if (name, what) in EXPLAINED:
                    frac = 0.035 / e.volume_cc
                    at_same = _at(d, cum, frac * v)
                    row(name, what + "@frac", theirs, at_same, EXPLAINED[(name, what)])
                    _close(at_same, theirs, what, name, rel=0.015)
                else:
                    row(name, what + " nc", theirs, fine[what], EXPLAINED[("small", "doses")])
                    _close(fine[what], theirs, what, name)
            if (name, "volume") in NOT_EXPLAINED:
                assert 1.3 < no_caps / e.volume_cc < 1.6, name  # bounded as measured (+44 %)
            checked += 1
            continue
        row(name, "Dmean", e.mean_gy, mean)
        row(name, "D95", e.d95_gy, d95, "below 10 % of Rx: within 1 % of Rx (0.01 Gy bins)" if e.d95_gy < 1.4 else "")
        row(name, "D0.035cc", e.d0_035cc_gy, d0035)
        if name == "BODY":
            assert 1.05 < no_caps / e.volume_cc < 1.07  # bounded as measured (+5.7 %), NOT explained
            _close(mean, e.mean_gy, "Dmean", name, rel=0.02)
            for level in (0.2, 0.5, 1.0, 2.0, 5.0, 10.0):  # the excess volume is all below 0.2 Gy
                mine = float(sd.volumes_cc[sd.doses_gy >= level].sum())
                theirs = e.volume_at(level)
                row(name, f"V{level:g}Gy", theirs, mine, "the excess volume lies below 0.2 Gy")
                assert abs(mine - theirs) <= 0.015 * theirs, f"BODY V{level:g}Gy: ours {mine:.1f}, Eclipse {theirs:.1f}"
        else:
            _close(mean, e.mean_gy, "Dmean", name)
        _close(d95, e.d95_gy, "D95", name)
        _close(d0035, e.d0_035cc_gy, "D0.035cc", name)
        checked += 1
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert checked == len(ecl) == 9


def test_target_agrees_within_a_tenth_of_a_percent(both) -> None:  # type: ignore[no-untyped-def]
    """The boost target, Tumor Bed: Dmean, D95 and D0.035cc within 0.1 % of Eclipse's (measured 0.04,
    0.00 and 0.07 %)."""
    ecl, ours, _ = both
    name, sd, _ = ours[9]
    assert name == "Tumor Bed"
    for metric, theirs in (("Mean[Gy]", ecl[9].mean_gy), ("D95%[Gy]", ecl[9].d95_gy),
                           ("D0.035cc[Gy]", ecl[9].d0_035cc_gy)):
        assert theirs is not None
        assert evaluate(metric, sd).value == pytest.approx(theirs, rel=1e-3), metric
