"""One vocabulary: model, site and location names in one module, one rule from lesion to target site (issue 18).

Before: the model names were spelled out seven times, the site lists five times, and three functions built
the ``lung_<location>`` key (planning, eligibility schemes, the app's form). These tests fail if a copy
comes back: the lists are the vocabulary's own objects, and no other module spells the key or the models.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from sbrt_calc import case, evaluation, models, vocabulary
from sbrt_calc.eligibility import case as eligibility_case
from sbrt_calc.eligibility.sites import scheme_site
from sbrt_calc.planning import conformity, section
from sbrt_calc.presets import model as preset_model
from sbrt_calc.vocabulary import LESION_SITES, LUNG_LOCATIONS, target_site

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*ROOT.joinpath("sbrt_calc").rglob("*.py"), *ROOT.joinpath("gui").rglob("*.py")])


def test_the_lists_are_the_vocabulary_s_own() -> None:
    assert eligibility_case.SITES is vocabulary.LESION_SITES
    assert eligibility_case.LUNG_LOCATIONS is vocabulary.LUNG_LOCATIONS
    assert eligibility_case.BONE_SITES is vocabulary.BONE_SITES
    assert section.TARGET_SITES is vocabulary.TARGET_SITES
    assert conformity.LUNG_SITES is vocabulary.LUNG_SITES
    assert preset_model.SITE_GROUP is vocabulary.SCHEME_SITE_GROUP
    assert preset_model.SITES is vocabulary.SCHEME_SITES and preset_model.GROUPS is vocabulary.SCHEME_GROUPS
    assert case.MODELS is vocabulary.MODEL_CHOICES and evaluation.ALL_MODELS is vocabulary.MODEL_NAMES
    assert {m: models.make_model(m).title for m in vocabulary.MODEL_NAMES} == vocabulary.MODEL_TITLES


def test_the_lists_hold_what_they_held() -> None:
    """The values the five lists had before they became one (nothing lost in the move)."""
    assert vocabulary.TARGET_SITES == ("lung_peripheral", "lung_central", "lung_ultracentral", "lung", "bone",
                                       "spine", "brain", "adrenal", "liver", "lymph_node", "other")
    assert set(vocabulary.LUNG_SITES) == {"lung", "lung_peripheral", "lung_central", "lung_ultracentral"}
    assert vocabulary.SCHEME_GROUPS == ("lung", "bone", "spine", "brain", "adrenal", "liver", "lymph_node",
                                        "spine_reirradiation", "bone_palliative", "bone_retreatment")
    assert set(vocabulary.SCHEME_SITE_GROUP.values()) == set(vocabulary.SCHEME_GROUPS)
    assert vocabulary.MODEL_CHOICES == ("lq", "lql", "usc", "all")


@pytest.mark.parametrize(("site", "location"), list(itertools.product(LESION_SITES, (None, *LUNG_LOCATIONS))))
def test_one_rule_from_lesion_to_target_site(site: str, location: str | None) -> None:
    """Planning, the eligibility schemes and the app's form agree for every site and location."""
    lesion = SimpleNamespace(site=site, location=location if site == "lung" else None)
    expected = f"lung_{location}" if site == "lung" and location else site
    assert target_site(lesion.site, lesion.location) == expected
    assert section.target_site(lesion) == expected
    assert expected in vocabulary.TARGET_SITES
    assert scheme_site(lesion) == (None if expected in ("lung", "other") else expected)  # type: ignore[arg-type]
    if scheme_site(lesion) is not None:                                                     # type: ignore[arg-type]
        assert expected in vocabulary.SCHEME_SITE_GROUP or expected in vocabulary.SCHEME_GROUPS
    gui_form = pytest.importorskip("sbrt_calc.gui.eligibility_form")
    form = {"lesions": [{"site": site, "status": "progressing", "location": lesion.location}]}
    assert gui_form.lesion_facts(form)[0]["target_site"] == expected


@pytest.mark.parametrize(("pattern", "what"), [
    (r"""f["']lung_\{""", "the lung_<location> key"),
    (r"""\(\s*["']lq["']\s*,\s*["']lql["']\s*,\s*["']usc["']""", "the model names"),
    (r"""["']lung_peripheral["']\s*,\s*["']lung_central["']""", "a list of lung sites"),
    (r"""["']bone["']\s*,\s*["']spine["']\s*,\s*["']brain["']""", "a list of lesion sites"),
])
def test_no_module_spells_them_again(pattern: str, what: str) -> None:
    found = [f"{p.relative_to(ROOT)}:{n}" for p in SOURCES if p.name != "vocabulary.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if re.search(pattern, line)]
    assert not found, f"{what} spelled outside sbrt_calc/vocabulary.py: {found}"


def test_the_scan_sees_a_copy() -> None:
    """The patterns above match what they are meant to catch (a scan that matched nothing would pass)."""
    assert re.search(r"""f["']lung_\{""", 'return f"lung_{lesion.location}"')
    assert re.search(r"""\(\s*["']lq["']\s*,\s*["']lql["']\s*,\s*["']usc["']""", 'ALL = ("lq", "lql", "usc")')
