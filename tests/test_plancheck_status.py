"""Issue 17: coverage graded first, computed values graded (never refused), sites, several targets,
and nothing passes unchecked (top-level ``status`` and exit codes).

Phantoms (sbrt_calc.plancheck.phantom): a spherical PTV (R = 20 mm) whose dose is a dome
``P (1 + a (1 - r^2/R^2))`` inside (a = 0.15) and ``P exp(-mu (r - R))`` outside, so that each
expected value below follows from that formula, as each test says.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from samples import require_samples

pytest.importorskip("pydicom")

from phantoms import phantom_files  # noqa: E402

from sbrt_calc.cli.main import main  # noqa: E402
from sbrt_calc.plancheck.grade import check_plan  # noqa: E402
from sbrt_calc.plancheck.inputs import PlanCheckInputs  # noqa: E402
from sbrt_calc.plancheck.phantom import Phantom, write_phantom  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
SMALL = dict(shape=(48, 56, 56), cord_distance_mm=45.0, cord_z_mm=(-40.0, 40.0),
             lungs_box_mm=(-60.0, 60.0, -60.0, 40.0, -40.0, 40.0))


@pytest.fixture(scope="module")
def p54() -> dict[str, Path]:
    """The standard phantom, 54 Gy / 3 (RT Plan), small grid (written once per process: read only)."""
    return phantom_files(Phantom(**SMALL))  # type: ignore[arg-type]


def _json(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    return json.loads(capsys.readouterr().out)


def _run(files: dict[str, Path], *extra: str, rtplan: bool = False) -> list[str]:
    args = ["check-plan", "--rtdose", str(files["rtdose"]), "--rtstruct", str(files["rtstruct"]), "--format", "json"]
    if rtplan:
        args += ["--rtplan", str(files["rtplan"])]
    return args + list(extra)


def test_under_coverage_is_not_graded_none(p54: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """Checked against 60 Gy, the 54 Gy phantom gets 60 Gy only where P (1 + 0.15 (1 - x^2)) >= 60, i.e.
    x = r/R <= sqrt(1 - (60/54 - 1)/0.15) = 0.509: 13.2 % of the PTV (x^3), R100% ~ 0.13 (the issue's
    13-20 %). Before: R100% graded "none", exit 0. Now: R100% "under-coverage" (fail: below 0.95),
    coverage V100% ~ 13 % fail, status fail, exit 1."""
    assert main(_run(p54, "--prescription-gy", "60", "--fractions", "3")) == 1
    doc = _json(capsys)
    x = math.sqrt(1 - (60 / 54 - 1) / 0.15)
    cov = doc["target"]["coverage"]
    assert cov["v100_percent"] == pytest.approx(100 * x**3, abs=3.0) and cov["status"] == "fail"
    r100 = next(m for m in doc["conformity"]["metrics"] if m["metric"] == "R100%")
    assert r100["value"] == pytest.approx(x**3, abs=0.03) and r100["grade"] == "under-coverage"
    assert r100["status"] == "fail"
    assert doc["status"] == "fail" and any("coverage of PTV" in f for f in doc["failures"])
    assert "failed" not in doc
    # deviation levels as PlanQA_Plugin encodes RTOG 0915/0813 (secondary): no minor band, not met = major
    assert cov["deviation"] == "major"
    devs = {d["metric"]: d for d in cov["deviations"]}
    assert devs["V100%"]["deviation"] == "major" and devs["V100%"]["criterion"] == ">= 95 %"
    assert devs["V90%"]["value_percent"] == cov["v90_percent"]
    assert devs["V90%"]["deviation"] == ("none" if cov["v90_percent"] >= 99 else "major")
    assert all(d["minor_band"] is None and d["verification"] == "secondary" and "minor band is not encoded"
               in d["source"] for d in devs.values())
    assert any("(major deviation)" in r for r in cov["reasons"])


def test_coverage_deviation_levels_none_major_and_not_graded() -> None:
    """RTOG 0915/0813 coverage, as lixinzhan/PlanQA_Plugin encodes it (QAProtocols/SABR_RTOG0915_4800_4.protocol:
    'PTV: V_100% >= 95%', 'PTV: V_90% >= 99%' with no minor(...) band; 'By default, the criteria is for major
    violation'): met = none, below = major, at the bound = none (>=), no value = not graded."""
    from sbrt_calc.plancheck.grade import coverage_deviations

    levels = lambda v100, v90: [d.deviation for d in coverage_deviations(v100, v90)]  # noqa: E731
    assert levels(95.0, 99.0) == ["none", "none"]
    assert levels(94.99, 99.0) == ["major", "none"]
    assert levels(100.0, 98.9) == ["none", "major"]
    assert levels(None, None) == [None, None]


def test_coverage_metrics_of_the_dome(p54: dict[str, Path]) -> None:
    """Checked at 50 Gy, the 54 Gy dome covers the whole PTV (V100% = V90% = 100 %); D50% of a uniform
    sphere is at x = 0.5^(1/3): P (1 + 0.15 (1 - 0.5^(2/3))) = 57.0 Gy; D98% at x = 0.98^(1/3): 54.2 Gy;
    D2% at x = 0.02^(1/3): 61.8 Gy; HI = (D2 - D98)/D50 = 0.133 (ICRU 83); tolerances: the dose at voxel
    centres (2.5 mm) and the slab volume. Paddick CI = TV_PIV^2/(TV x PIV) = TV/PIV with the whole PTV in
    the isodose: PIV = sphere of R + ln(54/50)/mu; GI = V50%/V100% = ((R + ln(54/25)/mu)/(R + ln(54/50)/mu))^3."""
    f = p54
    res = check_plan(PlanCheckInputs(str(f["rtdose"]), str(f["rtstruct"]), prescription_gy=50.0, fractions=3),
                     site="other")
    q = res.coverage.quality
    p, a, big_r, mu = 54.0, 0.15, 20.0, Phantom().mu_per_mm
    dose_at = lambda x: p * (1 + a * (1 - x**2))  # noqa: E731
    # the 50 Gy isodose lies 1.3 mm outside the PTV: with the dose at voxel centres (2.5 mm) a rim is lost
    assert q.v100_percent == pytest.approx(100.0, abs=1.0) and q.v90_percent == pytest.approx(100.0, abs=0.01)
    # D98% reads the rim voxels, whose centres may lie outside the PTV (dose at voxel centres): up to 2.5 mm of
    # fall-off, 54 exp(-0.0591 x 2.5) = 46.6 Gy at worst; the interior metrics are within 0.5 Gy
    assert q.d50_gy == pytest.approx(dose_at(0.5 ** (1 / 3)), abs=0.5)
    assert dose_at(0.98 ** (1 / 3)) - 3.0 <= q.d98_gy <= dose_at(0.98 ** (1 / 3)) + 0.5
    assert q.d2_gy == pytest.approx(dose_at(0.02 ** (1 / 3)), abs=0.5)
    hi = (dose_at(0.02 ** (1 / 3)) - dose_at(0.98 ** (1 / 3))) / dose_at(0.5 ** (1 / 3))
    assert q.homogeneity_index == pytest.approx(hi, abs=0.06)
    r100 = big_r + math.log(54 / 50) / mu
    r50 = big_r + math.log(54 / 25) / mu
    assert q.paddick_ci == pytest.approx((big_r / r100) ** 3, rel=0.05)
    assert q.gradient_index == pytest.approx((r50 / r100) ** 3, rel=0.05)
    assert res.coverage.status == "pass"


def test_pass_only_when_everything_was_checked(p54: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """At site 'other' (no organ expected, RTOG table a reference), 50 Gy/3, HyTEC cord limit only: coverage met,
    cord Max 15 Gy <= 20.3 Gy -> pass, exit 0. With TG-101 at a lung site the phantom lacks the thoracic organs
    (oesophagus, heart, ...): listed, not a pass, exit 1. Without a site every organ of the set is expected."""
    assert main(_run(p54, "--prescription-gy", "50", "--fractions", "3", "--site", "other", "--set", "hytec_cord")) == 0
    doc = _json(capsys)
    assert doc["status"] == "pass" and doc["not_checked"] == [] and doc["target"]["coverage"]["status"] == "pass"
    assert doc["conformity"]["status"] == "n/a"
    assert main(_run(p54, "--prescription-gy", "50", "--fractions", "3", "--site", "lung_peripheral",
                     "--set", "hytec_cord")) == 0  # HyTEC lists the cord only, and it is contoured
    doc = _json(capsys)  # R50% 4.5 ((20 + ln(54/25)/mu)/20)^3 at 33.5 cc: above 4.31, a minor deviation: acceptable
    assert doc["conformity"]["status"] == "warning" and doc["status"] == "pass"
    assert main(_run(p54, "--prescription-gy", "50", "--fractions", "3", "--site", "lung_peripheral")) == 1
    doc = _json(capsys)
    assert doc["status"] != "pass" and {"Esophagus", "Heart"} <= set(doc["organs_not_contoured"])
    assert "Bowel_Small" not in doc["organs_not_contoured"] and "Bowel_Small" in doc[
        "organs_not_contoured_not_expected"]
    assert any(n.startswith("not contoured: ") for n in doc["not_checked"])
    assert main(_run(p54, "--prescription-gy", "50", "--fractions", "3", "--map", "Lungs=")) == 1
    doc = _json(capsys)
    assert doc["status"] == "incomplete" and "Bowel_Small" in doc["organs_not_contoured"]


def test_eight_fractions_have_no_limits_so_incomplete(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """60 Gy/8 (the program's own ultracentral pick): TG-101 gives 1, 3 and 5 fractions and converts no
    further than one column: no limits. Before: failed false, exit 0. Now: incomplete ("no limits for 8
    fractions"), exit 1 (phantom written at 62 Gy so that coverage at 60 Gy passes)."""
    f = write_phantom(tmp_path, Phantom(prescription_gy=62.0, fractions=8, **SMALL))  # type: ignore[arg-type]
    assert main(_run(f, "--prescription-gy", "60", "--fractions", "8", "--site", "other")) == 1
    doc = _json(capsys)
    assert doc["status"] == "incomplete" and doc["target"]["coverage"]["status"] == "pass"
    assert any("no limits for 8 fractions" in n for n in doc["not_checked"])


def test_cord_wholly_outside_the_dose_grid_is_incomplete(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The grid reaches 70 mm from the centre; a cord 150 mm away has no volume in it: its limits are
    'not evaluated' -> incomplete, exit 1 (never exit 0)."""
    f = write_phantom(tmp_path, Phantom(**dict(SMALL, cord_distance_mm=150.0)))  # type: ignore[arg-type]
    assert main(_run(f, "--prescription-gy", "50", "--fractions", "3", "--site", "other", "--set", "hytec_cord")) == 1
    doc = _json(capsys)
    cord = [c for c in doc["constraints"] if c["organ"] == "SpinalCord"]
    assert cord and all(c["status"] == "not evaluated" for c in cord)
    assert doc["status"] == "incomplete" and any("SpinalCord" in n for n in doc["not_checked"])


def test_site_decides_whether_the_rtog_table_grades(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A slow fall-off (mu 0.02/mm): R50% = ((R + ln2/mu)/R)^3 = 20.1, far above the 33.5 cc row's minor limit:
    major at a lung site (fail, exit 1); at the liver a reference only: no deviation, status not failed by it."""
    ph = Phantom(mu_per_mm=0.02, **SMALL)  # type: ignore[arg-type]
    f = write_phantom(tmp_path, ph)
    assert main(_run(f, "--prescription-gy", "50", "--fractions", "3", "--site", "lung_peripheral")) == 1
    doc = _json(capsys)
    r50 = next(m for m in doc["conformity"]["metrics"] if m["metric"] == "R50%")
    assert r50["grade"] == "major" and doc["status"] == "fail" and any("R50%" in x for x in doc["failures"])
    main(_run(f, "--prescription-gy", "50", "--fractions", "3", "--site", "liver"))
    doc = _json(capsys)
    r50 = next(m for m in doc["conformity"]["metrics"] if m["metric"] == "R50%")
    assert r50["status"] == "n/a" and not any("R50%" in x for x in doc["failures"])
    assert "reference only" in doc["conformity"]["caveat"]


def test_spine_site_adds_hytec_cord_beside_tg101(p54: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """At the spine, HyTEC's cord point maximum (Sahgal 2019: 20.3 Gy in 3 fractions) is checked beside TG-101."""
    main(_run(p54, "--prescription-gy", "50", "--fractions", "3", "--site", "spine"))
    doc = _json(capsys)
    assert doc["constraint_set"]["also"] == ["hytec_cord"]
    hytec = [c for c in doc["constraints"] if "HyTEC" in c["source"] or "Sahgal" in c["source"]]
    assert hytec and hytec[0]["organ"] == "SpinalCord" and hytec[0]["limit"] == pytest.approx(20.3)


def test_prescription_disagreement_is_shown_and_absurd_one_refused(
        p54: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """--prescription-gy 55 against the RT Plan's 54 Gy: used, and the difference shown (sources, warnings).
    1,200 Gy in 1 fraction: refused (exit 2, one line naming the dose per fraction)."""
    main(_run(p54, "--prescription-gy", "55", "--site", "other", rtplan=True))
    doc = _json(capsys)
    plan = next(s for s in doc["prescription"]["sources"] if s["source"] == "RT Plan")
    assert plan["status"] == "differs" and plan["total_dose_gy"] == 54.0
    assert any("differs from the RT Plan's (54 Gy" in w for w in doc["warnings"])
    assert main(_run(p54, "--prescription-gy", "1200", "--fractions", "1")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "1200" in err and "per fraction" in err


def test_planned_regimen_of_the_case_is_compared(p54: dict[str, Path]) -> None:
    res = check_plan(PlanCheckInputs(str(p54["rtdose"]), str(p54["rtstruct"]), str(p54["rtplan"])),
                     site="other", planned=(60.0, 8))
    case = next(s for s in res.prescription_sources if s.source == "case regimen")
    assert case.status == "differs" and "60 Gy in 8" in case.note


def _add_roi(rtstruct: Path, name: str, kind: str, centre: tuple[float, float, float], radius: float) -> None:
    """Append a spherical ROI (contours every 2.5 mm) to an RT Structure Set (pydicom's work, untraced: no line of
    the package runs in it)."""
    from pdftext import untraced

    with untraced():
        _add_roi_now(rtstruct, name, kind, centre, radius)


def _add_roi_now(rtstruct: Path, name: str, kind: str, centre: tuple[float, float, float], radius: float) -> None:
    import pydicom
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    ds = pydicom.dcmread(rtstruct)
    number = max(int(r.ROINumber) for r in ds.StructureSetROISequence) + 1
    roi = Dataset()
    roi.ROINumber, roi.ROIName, roi.ReferencedFrameOfReferenceUID = number, name, ds.FrameOfReferenceUID
    ds.StructureSetROISequence.append(roi)
    items = []
    cx, cy, cz = centre
    for z in np.arange(-100, 100, 2.5) + 1.25:
        if abs(z - cz) >= radius - 1e-6:
            continue
        rr = math.sqrt(radius**2 - (z - cz) ** 2)
        t = np.arange(96) * 2 * math.pi / 96
        pts = np.stack([cx + rr * np.cos(t), cy + rr * np.sin(t), np.full(96, z)], axis=1)
        c = Dataset()
        c.ContourGeometricType, c.NumberOfContourPoints = "CLOSED_PLANAR", 96
        c.ContourData = [f"{v:.4f}" for v in pts.ravel()]
        items.append(c)
    rc = Dataset()
    rc.ReferencedROINumber, rc.ContourSequence = number, Sequence(items)
    ds.ROIContourSequence.append(rc)
    obs = Dataset()
    obs.ObservationNumber, obs.ReferencedROINumber, obs.RTROIInterpretedType = number, number, kind
    ds.RTROIObservationsSequence.append(obs)
    ds.save_as(rtstruct)


def test_two_targets_d2cm_above_100_percent_is_graded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A second lesion: the dose file gets a second dome (radius 12 mm at x = 50 mm, P = 54 Gy) and a PTV_2.
    From PTV (surface at 20 mm) the points 2 cm or more away include most of PTV_2 (x >= 40 mm), where
    the dose is above P: D2cm > 100 % of the prescription. Before: exit 2 ("impossible"). Now it is a
    measurement: graded (major), the plan fails; coverage and D2cm are given per target."""
    import pydicom
    from pdftext import untraced

    ph = Phantom(**SMALL)  # type: ignore[arg-type]
    f = write_phantom(tmp_path, ph)
    with untraced():   # pydicom's reading (the second dome is added below; the file written back untraced too)
        ds = pydicom.dcmread(f["rtdose"])
    x, y, z = ph.grid_axes()
    zz, yy, xx = np.meshgrid(z, y, x, indexing="ij")
    scale = float(ds.DoseGridScaling)
    dose = ds.pixel_array.astype(float) * scale
    r2 = np.sqrt((xx - 50.0) ** 2 + yy**2 + zz**2)
    second = np.where(r2 <= 12.0, 54.0 * (1 + 0.15 * (1 - (r2 / 12.0) ** 2)), 54.0 * np.exp(-0.0591 * (r2 - 12.0)))
    total = np.maximum(dose, second)
    ds.DoseGridScaling = f"{total.max() / 4.0e9:.10e}"[:16]
    ds.PixelData = np.round(total / float(ds.DoseGridScaling)).astype("<u4").tobytes()
    with untraced():
        ds.save_as(f["rtdose"])
    _add_roi(f["rtstruct"], "PTV_2", "PTV", (50.0, 0.0, 0.0), 12.0)
    assert main(_run(f, "--prescription-gy", "50", "--fractions", "3", "--site", "lung_peripheral",
                     "--target", "all")) == 1
    doc = _json(capsys)
    assert [t["name"] for t in doc["targets"]] == ["PTV", "PTV_2"]
    d2 = [t["conformity"]["d2cm_percent"] for t in doc["targets"]]
    assert d2[0] > 100.0
    first = next(m for m in doc["targets"][0]["conformity"]["metrics"] if m["metric"] == "D2cm")
    assert first["grade"] == "major" and doc["status"] == "fail"
    assert all(t["coverage"]["status"] == "pass" for t in doc["targets"])
    # the isodose volumes are split between the targets: each R100% near its own sphere's (R + ln(54/50)/mu)^3/R^3
    for t, radius in zip(doc["targets"], (20.0, 12.0), strict=True):
        expected = ((radius + math.log(54 / 50) / 0.0591) / radius) ** 3
        assert t["conformity"]["r100"] == pytest.approx(expected, rel=0.1)
    # several PTVs without --target: the one-line usage error names them and 'all'
    assert main(_run(f, "--prescription-gy", "50", "--fractions", "3")) == 2
    assert "--target all" in capsys.readouterr().err


def test_lungs_minus_gtv_even_with_an_itv(tmp_path: Path) -> None:
    """Issue 17: the presets define V20 on lungs minus GTV; with a GTV and an ITV the lungs lose the GTV
    (before: the ITV). Without a GTV the ITV is used and said so."""
    f = write_phantom(tmp_path, Phantom(prescription_gy=50.0, fractions=5, **SMALL))  # type: ignore[arg-type]
    _add_roi(f["rtstruct"], "ITV", "ITV", (0.0, 0.0, 0.0), 17.5)
    res = check_plan(PlanCheckInputs(str(f["rtdose"]), str(f["rtstruct"]), str(f["rtplan"]),
                                     constraint_set="rtog0813"), site="other")
    assert res.conformity.lungs_structure == "Lungs - GTV"
    res = check_plan(PlanCheckInputs(str(f["rtdose"]), str(f["rtstruct"]), str(f["rtplan"]),
                                     constraint_set="rtog0813", name_mapping=(("GTV", ""),)), site="other")
    assert res.conformity.lungs_structure == "Lungs - ITV"
    assert any("no GTV found" in w for w in res.warnings)


def test_text_output_has_the_headline_and_typed_tables(p54: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["check-plan", "--rtdose", str(p54["rtdose"]), "--rtstruct", str(p54["rtstruct"]),
               "--prescription-gy", "50", "--fractions", "3", "--site", "lung_peripheral"])
    out = capsys.readouterr().out
    # the phantom's small lungs fail TG-101's critical-volume limits, and thoracic organs are missing
    assert rc == 1 and out.startswith("PLAN CHECK: FAIL: 2 FAILED; 1 NOT CHECKED") and "Not contoured  Esophagus (expected at site lung peripheral)" in out
    assert "Plan check: target coverage and quality" in out and "V100% [%]" in out


def test_dvh_figure_marks_the_limits_by_status(p54: dict[str, Path]) -> None:
    """The one DVH drawing (app and PDF): a curve per structure, each evaluated limit a marker whose face says its
    status (failed: red X), the title the plan's status; PNG bytes for the report."""
    from matplotlib.figure import Figure

    from sbrt_calc.plancheck.plotdata import draw_dvh, dvh_plot_png, limit_points

    res = check_plan(PlanCheckInputs(str(p54["rtdose"]), str(p54["rtstruct"]), prescription_gy=54.0, fractions=1),
                     site="other")
    ax = draw_dvh(Figure(), res)
    points = limit_points(res)
    failed = [p for p in points if p.status == "fail"]
    assert failed and res.status == "fail" and ax.get_title().startswith("Plan check fail:")
    markers = [ln for ln in ax.get_lines() if ln.get_marker() == "X" and len(ln.get_xdata()) == 1]
    assert len(markers) == len(failed)
    assert dvh_plot_png(res)[:8] == b"\x89PNG\r\n\x1a\n"


def _samples() -> Path:
    return require_samples()


def test_real_eclipse_export_is_graded_and_incomplete_at_seven_fractions(capsys: pytest.CaptureFixture[str]) -> None:
    """The Eclipse breast boost (14 Gy in 7 fractions, target CTV 'Tumor Bed'; dicom-samples README): coverage is
    graded (Eclipse's own DVH gives D95 14.14 Gy; the prescription covers the target: V100% >= 95 %), the RT Plan's
    prescription agrees, and no set here gives 7-fraction limits: incomplete, exit 1 (before: failed false, exit
    0). Its several GTV/CTV-typed ROIs and no PTV: the target is named."""
    folder = _samples() / "eclipse-breast"
    assert main(["check-plan", "--folder", str(folder), "--target", "Tumor Bed", "--site", "other",
                 "--format", "json"]) == 1
    doc = _json(capsys)
    cov = doc["target"]["coverage"]
    assert cov["status"] == "pass" and cov["v100_percent"] >= 95.0
    assert cov["d95_gy"] == pytest.approx(14.14, rel=0.01)
    assert doc["status"] == "incomplete" and doc["not_checked"] == [
        "no limits for 7 fractions in AAPM TG-101 (2010), Table III: organ limits not checked"]
    assert next(s for s in doc["prescription"]["sources"] if s["source"] == "RT Plan")["status"] == "agrees"


def test_unresolved_liver_limit_at_three_fractions_is_not_checked(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """TG-101 liver 700 cc at 3 fractions is unresolved (17.1 or 19.2 Gy; presets): a contoured liver makes the
    check incomplete and the limit is listed, never silently absent (the phantom's box contoured as 'Liver')."""
    f = write_phantom(tmp_path, Phantom(names={"Lungs": "Liver"}, **SMALL))  # type: ignore[arg-type]
    assert main(_run(f, "--prescription-gy", "50", "--fractions", "3", "--site", "liver")) == 1
    doc = _json(capsys)
    liver = [u for u in doc["unresolved_limits"] if u["organ"] == "Liver"]
    assert liver and liver[0]["structure"] == "Liver" and liver[0]["status"] == "incomplete"
    assert doc["status"] != "pass" and any(n.startswith("Liver ") and "not checked" in n for n in doc["not_checked"])


def test_pdf_opens_the_plan_check_with_the_headline_banner(p54: dict[str, Path], tmp_path: Path) -> None:
    """Issue 17: 'the app and the PDF headline say "incomplete: N not checked" (amber), never green'. The PDF's plan
    check section opens with a banner (not a table row) holding the app's headline text (one function,
    sbrt_calc.plancheck.report.banner), coloured by the status: red fail, amber incomplete, green pass. Checked
    on the PDF's text and on the banner block's colour. The fail is the 54 Gy phantom checked at 60 Gy
    (coverage fails, organs not contoured); the incomplete and pass variants are the same result with the
    status the grader would give (the grading itself is tested above)."""
    from dataclasses import replace

    from sbrt_calc.evaluation import evaluate_regimens
    from sbrt_calc.evaluation_results import PlanCheckEvaluation
    from sbrt_calc.plancheck.report import banner, headline, report_tables
    from sbrt_calc.regimen import Regimen
    from sbrt_calc.report.content import ReportContent, build_blocks
    from sbrt_calc.report.pdf import write_report_pdf
    from sbrt_calc.table import STATUS_COLOURS, Status

    inputs = PlanCheckInputs(str(p54["rtdose"]), str(p54["rtstruct"]), prescription_gy=60.0, fractions=3)
    failed = check_plan(inputs, site="lung_peripheral")
    assert failed.status == "fail" and failed.failures and failed.not_checked
    incomplete = replace(failed, status="incomplete", failures=())
    passed = replace(failed, status="pass", failures=(), not_checked=())

    def content(res: Any) -> ReportContent:
        ev = replace(evaluate_regimens([Regimen(54.0, 3)]), plan_check=PlanCheckEvaluation(inputs, res))
        return ReportContent(ev, "Plan check", planning=tuple(report_tables(res)))

    for res, st in ((failed, Status.FAIL), (incomplete, Status.INCOMPLETE), (passed, Status.PASS)):
        status, said = banner(res)
        assert status == st and said == "Plan check: " + headline(res)
        top = [b for b in build_blocks(content(res)) if said in b.html]
        fg, bg = STATUS_COLOURS[st]
        assert len(top) == 1 and top[0].kind == "para" and f'bgcolor="{bg}"' in top[0].html and fg in top[0].html
    assert banner(incomplete)[1] == f"Plan check: incomplete: {len(failed.not_checked)} not checked"
    # the DVH figure shows every failed limit: the lungs' critical-volume limits (spare 1500 cc of ~990 cc) lie
    # beyond the volume axis and are drawn at its edge (they were drawn off the figure, seen on a screenshot)
    from sbrt_calc.plancheck.plotdata import limit_points

    points = limit_points(failed)
    edge = [p for p in points if p.status == "fail" and "drawn at its edge" in p.label]
    assert edge and all(0.0 <= p.volume_percent <= 100.0 for p in points)
    from pdftext import pdf_text

    for res in (failed, incomplete):
        pdf = write_report_pdf(content(res), tmp_path / f"{res.status}.pdf")
        text = pdf_text(pdf)   # PDFium's text (tests/pdftext.py)
        said = banner(res)[1]
        assert text.count(said) == 1, text[:2000]  # once: the banner, no table row repeating it
        assert text.index(said) < text.index("Plan check: plan")  # at the top of the plan check section
        if res.failures:
            assert "Failed" in text[text.index(said):]  # the failures follow in the status table
