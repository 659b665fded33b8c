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
- **Small ROIs** (Borders, 2 planes; Nodes, 4; Scar, 6 planes of 4-60 mm2): their volumes are made
  of end planes and of Eclipse's own segmentation; they differ by 3-45 % even without end caps and
  are only checked to lie within a factor of 2. Their doses are all below 1 % of the
  prescription (Borders, Nodes) or in a steep gradient at the skin (Scar).
- **BODY**: Eclipse's BODY volume is 13,944 cc; the polygons give 14,736 cc without end caps
  (islands and holes change it by 0.1 cc; the contours lie inside the dose grid). This 5.7 %
  difference is NOT explained here; it is bounded at 7 % and its Dmean (lower in ours by 1.1 %, as
  more low-dose volume implies) at 2 %.
- **Low doses**: D95 of the organs is 0.03-0.08 Gy (0.2-0.6 % of the prescription); a 1 %
  relative comparison of such values is meaningless next to Eclipse's 0.01 Gy bins: doses below
  10 % of the prescription are compared within 1 % of the prescription (0.14 Gy).

Every other value (Tumor Bed, Tumor Bed Block, Breast, Heart, Lt Lung: Dmean, D95, D0.035cc)
must agree within 1 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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
                                 float(item.DVHMaximumDose))
    return out


def _ours() -> tuple[dict[int, tuple[str, StructureDose, float]], float]:
    """Our DVH of every ROI, its end-cap volume (t (A_first + A_last) / 2, cc), and the grid's maximum."""
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
    return out, float(grid.dose.max())


@pytest.fixture(scope="module")
def both() -> tuple[dict[int, EclipseDvh], dict[int, tuple[str, StructureDose, float]], float]:
    assert ECLIPSE is not None
    ours, top = _ours()
    return eclipse_dvhs(ECLIPSE / "rtdose.dcm"), ours, top


def _close(ours: float, theirs: float, what: str, name: str, rel: float = 0.01) -> None:
    floor = 0.01 * PRESCRIPTION_GY if theirs < 0.1 * PRESCRIPTION_GY and what != "volume" else 0.0
    assert abs(ours - theirs) <= max(rel * abs(theirs), floor), f"{name} {what}: ours {ours:.4f}, Eclipse {theirs:.4f}"


def test_eclipse_dvh_units_are_what_the_docstring_says(both) -> None:  # type: ignore[no-untyped-def]
    """The DVH Data dose axis is in Gy (its last non-empty bin holds the grid's maximum within one
    0.01 Gy bin: Eclipse's bins and its DVH Minimum/Maximum Dose tags disagree by up to one bin, so a
    DVH value read from the bins carries +- 0.01 Gy); DVH Maximum Dose is in percent of 14 Gy."""
    ecl, _, top = both
    body = ecl[1]
    assert body.top_bin_gy == pytest.approx(top, abs=0.011)
    assert body.max_tag * PRESCRIPTION_GY / 100 == pytest.approx(top, rel=1e-3)


def test_every_roi_against_eclipse(both, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    """Volume (Eclipse's end caps), Dmean, D95 and D0.035cc of every ROI with an Eclipse DVH, within the
    bounds of the module docstring; the table is printed."""
    ecl, ours, _ = both
    lines = [f"{'ROI':<16} {'metric':<9} {'Eclipse':>10} {'ours':>10} {'diff %':>8}"]
    checked = 0
    for number, e in sorted(ecl.items()):
        assert number in ours, f"ROI {number} has an Eclipse DVH but no contour read"
        name, sd, caps = ours[number]
        vals = {"volume": (sd.volume_cc, e.volume_cc), "volume-caps": (sd.volume_cc - caps, e.volume_cc),
                "Dmean": (evaluate("Mean[Gy]", sd).value, e.mean_gy), "D95": (evaluate("D95%[Gy]", sd).value, e.d95_gy),
                "D0.035cc": (evaluate("D0.035cc[Gy]", sd).value, e.d0_035cc_gy)}
        for what, (a, b) in vals.items():
            if a is None or b is None:
                continue
            lines.append(f"{name:<16} {what:<9} {b:10.4f} {a:10.4f} {100 * (a - b) / b if b else 0.0:8.2f}")
        a_vol = sd.volume_cc - caps
        if name in SMALL:
            assert 0.5 <= a_vol / e.volume_cc <= 2.0, name
            checked += 1
            continue
        if name == "BODY":
            _close(a_vol, e.volume_cc, "volume (unexplained 5.7 %)", name, rel=0.07)
            _close(evaluate("Mean[Gy]", sd).value or 0.0, e.mean_gy, "Dmean", name, rel=0.02)
        else:
            _close(a_vol, e.volume_cc, "volume", name)
            _close(evaluate("Mean[Gy]", sd).value or 0.0, e.mean_gy, "Dmean", name)
        _close(evaluate("D95%[Gy]", sd).value or 0.0, e.d95_gy, "D95", name)
        assert e.d0_035cc_gy is not None
        _close(evaluate("D0.035cc[Gy]", sd).value or 0.0, e.d0_035cc_gy, "D0.035cc", name)
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
