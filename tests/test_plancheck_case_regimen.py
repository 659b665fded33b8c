"""Issue 17, "the prescription checked against the RT Plan, the RT Dose and the case's planned regimen,
disagreements shown": the whole-case evaluation (``sbrt-calc report``/``compare --case``) and the app's
window compare the plan's prescription with the Planning section's regimen, not only with the RT Plan.

Both failed before the acceptance check of issue 17: ``evaluate_plan_check`` called ``check_plan(inputs)``
without the planned regimen, and the window never called the Plan check panel's ``set_case_regimen``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pydicom")

from phantoms import SMALL, phantom_files  # noqa: E402

from sbrt_calc.case import Case, CaseSettings, save_case  # noqa: E402
from sbrt_calc.plancheck.inputs import PlanCheckInputs  # noqa: E402
from sbrt_calc.plancheck.phantom import Phantom  # noqa: E402
from sbrt_calc.planning.section import PlanningInputs  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _case(regimen: str) -> Case:
    """A case whose plan (phantom RT Plan: 36 Gy in 3; its files written once per process, read only) is checked
    beside a Planning section of ``regimen``."""
    files = phantom_files(Phantom(**{**SMALL.__dict__, "prescription_gy": 36.0, "fractions": 3}))
    paths = {k: str(v) for k, v in files.items()}
    plan_check = PlanCheckInputs(paths["rtdose"], paths["rtstruct"], paths.get("rtplan"))
    planning = PlanningInputs(regimen=regimen, site="lung_peripheral")
    return Case(title="Regimen check", settings=CaseSettings(),
                sections={"planning": planning.to_dict(), "plan_check": plan_check.to_dict()})


def _case_source(result):  # type: ignore[no-untyped-def]
    found = [s for s in result.prescription_sources if s.source == "case regimen"]
    return found[0] if found else None


@pytest.mark.parametrize(("regimen", "status"), [("36/3", "agrees"), ("60/8", "differs")])
def test_whole_case_evaluation_compares_the_planned_regimen(tmp_path: Path, regimen: str, status: str) -> None:
    from sbrt_calc.case import load_case
    from sbrt_calc.evaluation import evaluate

    path = save_case(_case(regimen), tmp_path / "c.sbrt.json")
    ev = evaluate(load_case(path))
    assert ev.plan_check is not None and ev.plan_check.result is not None
    src = _case_source(ev.plan_check.result)
    assert src is not None, "the case's planned regimen was not compared with the plan's prescription"
    assert src.status == status
    if status == "differs":
        assert any("case's planned regimen (60 Gy in 8)" in w for w in ev.plan_check.result.warnings)


def test_the_app_compares_the_plan_with_the_planning_regimen(qtbot, window, tmp_path: Path) -> None:  # noqa: ANN001
    """The window hands the Planning section's regimen to the Plan check tab: on opening a case (Planning tab
    not built) and when the regimen is edited in the Planning tab (the check re-runs)."""
    from dataclasses import replace

    path = save_case(_case("60/8"), tmp_path / "c.sbrt.json")
    assert window.open_path(str(path), ask=False)
    pc = window.plan_check
    res = pc.result()
    assert res is not None
    src = _case_source(res)
    assert src is not None and src.status == "differs", "the app did not compare the case's regimen"
    assert "differs from the case's planned regimen (60 Gy in 8)" in pc.status.text()
    # the physician changes the planned regimen: the plan check follows
    window.planning.set_inputs(replace(window.planning.inputs, regimen="36/3", fractions=None), "regimen")
    res = pc.result()
    assert res is not None and _case_source(res) is not None and _case_source(res).status == "agrees"
    # the whole-case evaluation reuses the app's result only when it was compared with the same regimen
    from sbrt_calc.evaluation_sections import _case_regimen_of

    assert _case_regimen_of(res) == (36.0, 3)
