"""Plan-check parts (issue 14): TG-263 names, case-file inputs, voxel-wise EQD2 and sums, report tables."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sbrt_calc.plancheck import names as nm
from sbrt_calc.plancheck.biological import BiologicalDoseError, bed_gy, eqd2_dvh, eqd2_gy, sum_eqd2
from sbrt_calc.plancheck.dicom_io import DoseGrid
from sbrt_calc.plancheck.dvh import StructureDose
from sbrt_calc.plancheck.inputs import PlanCheckInputError, PlanCheckInputs
from sbrt_calc.plancheck.metrics import evaluate


def test_tg263_names_aliases_and_user_mapping() -> None:
    assert nm.match_name("SpinalCord").how == "tg263"
    assert nm.match_name("spinal cord").tg263_name == "SpinalCord"
    assert nm.match_name("Oesophagus").tg263_name == "Esophagus"
    assert nm.match_name("Lung L").tg263_name == "Lung_L"
    assert nm.match_name("great_vessels").tg263_name == "GreatVes"
    assert nm.match_name("PTV_5400").how == "target" and nm.target_type("PTV_5400") == "PTV"
    assert nm.match_name("ITV").how == "target" and nm.target_type("ITV") == "ITV"
    assert nm.match_name("Ring_2cm").tg263_name is None
    assert nm.match_name("Ring_2cm", {"Ring_2cm": "Skin"}).tg263_name == "Skin"
    assert nm.match_name("Cord", {"Cord": ""}) == nm.NameMatch("Cord", None, "user")
    assert nm.organ_matches("BrachialPlex", "BrachialPlex_L") and not nm.organ_matches("Lungs", "Lung_L")
    assert nm.target_type("Tumour", "PTV") == "PTV"


def test_inputs_round_trip_and_validation() -> None:
    i = PlanCheckInputs("d.dcm", "s.dcm", "p.dcm", "PTV", 54.0, 3, "rtog0915", (("Cord", "SpinalCord"),))
    d = json.loads(json.dumps(i.to_dict()))
    assert PlanCheckInputs.from_dict(d) == i
    assert i.mapping == {"Cord": "SpinalCord"}
    assert i.with_mapping({"A": "Heart"}).mapping == {"A": "Heart"}
    for bad in ({"rtdose": "", "rtstruct": "s"}, {"rtdose": "d", "rtstruct": "s", "fractions": 0},
                {"rtdose": "d", "rtstruct": "s", "prescription_gy": -1}, {"rtdose": "d", "rtstruct": "s", "x": 1},
                {"rtdose": "d", "rtstruct": "s", "name_mapping": []}, [1, 2]):
        with pytest.raises(PlanCheckInputError):
            PlanCheckInputs.from_dict(bad)


def test_voxelwise_eqd2_is_not_eqd2_of_the_mean() -> None:
    """EQD2 = D (D/n + a/b) / (2 + a/b) per voxel (Fowler 1989): 2 voxels of 1 cc at 0 and 30 Gy in
    3 fractions, a/b 3: EQD2 0 and 78 Gy, mean 39 Gy, while EQD2 of the 15 Gy mean is 24 Gy."""
    sd = StructureDose("S", np.array([30.0, 0.0]), np.array([1.0, 1.0]), 2.0, 2.0, 0.0)
    e = eqd2_dvh(sd, 3, 3.0)
    assert evaluate("Max[Gy]", e).value == pytest.approx(30 * (10 + 3) / 5)
    assert evaluate("Mean[Gy]", e).value == pytest.approx(39.0)
    assert float(eqd2_gy(np.array([15.0]), 3, 3.0)[0]) == pytest.approx(24.0)
    # LQ-L above the transition dose grows linearly: below LQ (Astrahan 2008)
    assert float(bed_gy(np.array([60.0]), 3, 3.0, "lql")[0]) < float(bed_gy(np.array([60.0]), 3, 3.0)[0])
    with pytest.raises(BiologicalDoseError):
        eqd2_gy(np.array([1.0]), 0, 3.0)


def _grid(frame: str, shift: float = 0.0) -> DoseGrid:
    x = np.arange(3.0) + shift
    return DoseGrid("g" + frame, np.full((3, 3, 3), 20.0), x, x, x, "GY", "PLAN", frame, "1")


def test_two_courses_sum_in_eqd2_only_on_the_same_grid() -> None:
    """20 Gy/5 (a/b 3: EQD2 28) plus 20 Gy/5 = 56 Gy EQD2 in every voxel."""
    total = sum_eqd2([(_grid("1.2"), 5), (_grid("1.2"), 5)], 3.0)
    assert np.allclose(total, 2 * 20 * (4 + 3) / 5)
    with pytest.raises(BiologicalDoseError, match="frame of reference and grid"):
        sum_eqd2([(_grid("1.2"), 5), (_grid("1.3"), 5)], 3.0)
    with pytest.raises(BiologicalDoseError):
        sum_eqd2([(_grid("1.2"), 5), (_grid("1.2", 0.5), 5)], 3.0)


def test_report_tables_of_a_phantom() -> None:
    pytest.importorskip("pydicom")
    from phantoms import small_check

    from sbrt_calc.plancheck.report import typed_tables
    from sbrt_calc.table import Status, Table

    res = small_check()   # check_plan of the small phantom with its RT Plan, once per process
    typed = typed_tables(res)
    assert all(isinstance(t, Table) for t in typed)
    keys = [t.key for t in typed]
    assert keys[:3] == ["plan_check_status", "plan_check_plan", "plan_check_coverage"] and "plan_check_limits" in keys
    assert typed[0].status in (Status.FAIL, Status.INCOMPLETE)  # never pass: organs of TG-101 not contoured
    limits = next(t for t in typed if t.key == "plan_check_limits")
    cord = [row for row in limits.rows if row[0].text == "SpinalCord"]
    assert cord and all(row[5].status in (Status.PASS, Status.FAIL) for row in cord)
    assert any("BED10" in row[0].text for row in typed[1].rows)
    tables = typed
    # the report renders them in its planning section as they are
    from sbrt_calc.evaluation import evaluate_regimens
    from sbrt_calc.regimen import Regimen
    from sbrt_calc.report.content import ReportContent, build_html

    page = build_html(ReportContent(evaluate_regimens([Regimen(54.0, 3)]), "Plan check", planning=tables),
                      figure_url=None)
    assert "Plan check: organ limits" in page and "SpinalCord" in page
