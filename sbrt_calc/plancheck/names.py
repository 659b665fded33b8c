"""Structure names to AAPM TG-263 names: the TG-263 names, common aliases and the user's mapping.

TG-263 (Mayo CS et al., "American Association of Physicists in Medicine Task Group 263:
Standardizing Nomenclatures in Radiation Oncology", IJROBP 2018;100:1057-1066) gives the
primary names used by the constraint presets (``SpinalCord``, ``Esophagus``, ``GreatVes``,
``BrachialPlex_L``, ``Lungs``, ``Lung_L`` ...) and target names that start with the target type
(``PTV``, ``ITV``, ``GTV``, ``CTV``: ``PTV_5400``, ``PTV_High``). The aliases below are names
planning systems and clinics commonly use; they are matched case-, space-, underscore- and
hyphen-insensitively. The user's mapping (kept in the case file) wins over everything and can
map a name to ``""`` to leave a structure out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sbrt_calc.vocabulary import SITE_ORGANS as _SITE_ORGANS
from sbrt_calc.vocabulary import TARGET_SITES

#: TG-263 primary names this program grades (thorax and upper abdomen SBRT) and body/targets.
TG263_NAMES = (
    "SpinalCord", "SpinalCanal", "Esophagus", "Heart", "Pericardium", "GreatVes", "A_Aorta", "Trachea",
    "Bronchus", "Bronchus_L", "Bronchus_R", "Bronchus_Small", "BrachialPlex_L", "BrachialPlex_R", "Lungs",
    "Lung_L", "Lung_R", "Skin", "Rib", "ChestWall", "Liver", "Stomach", "Duodenum", "Bowel_Small",
    "Bowel_Large", "CaudaEquina", "SacralPlex", "Kidneys_Cortex", "Kidney_L", "Kidney_R", "External",
)

_ALIASES = {
    "cord": "SpinalCord", "spinalcord": "SpinalCord", "spinal cord": "SpinalCord", "myelon": "SpinalCord",
    "medulla": "SpinalCord", "sc": "SpinalCord", "canal": "SpinalCanal", "spinalcanal": "SpinalCanal",
    "thecalsac": "SpinalCanal", "oesophagus": "Esophagus", "esoph": "Esophagus", "oesoph": "Esophagus",
    "greatvessels": "GreatVes", "greatvessel": "GreatVes", "greatves": "GreatVes", "aorta": "A_Aorta",
    "heart": "Heart", "pericardium": "Pericardium", "trachea": "Trachea", "proximalbronchialtree": "Bronchus",
    "pbt": "Bronchus", "bronchialtree": "Bronchus", "bronchus": "Bronchus", "brachialplexusl": "BrachialPlex_L",
    "brachialplexusr": "BrachialPlex_R", "lbrachialplexus": "BrachialPlex_L", "rbrachialplexus": "BrachialPlex_R",
    "lungs": "Lungs", "lung": "Lungs", "lungtotal": "Lungs", "totallung": "Lungs", "bothlungs": "Lungs",
    "lungsbilat": "Lungs", "lungl": "Lung_L", "lungleft": "Lung_L", "leftlung": "Lung_L", "llung": "Lung_L",
    "lungr": "Lung_R", "lungright": "Lung_R", "rightlung": "Lung_R", "rlung": "Lung_R", "skin": "Skin",
    "ribs": "Rib", "rib": "Rib", "chestwall": "ChestWall", "liver": "Liver", "stomach": "Stomach",
    "duodenum": "Duodenum", "smallbowel": "Bowel_Small", "bowelsmall": "Bowel_Small", "largebowel": "Bowel_Large",
    "bowellarge": "Bowel_Large", "colon": "Bowel_Large", "caudaequina": "CaudaEquina", "sacralplexus": "SacralPlex",
    "body": "External", "external": "External", "outline": "External", "patient": "External",
    "kidneyl": "Kidney_L", "kidneyr": "Kidney_R",
}
_TARGET_RE = re.compile(r"^(PTV|ITV|GTV|CTV)(?:$|[ _\-.0-9]|[a-z])", re.IGNORECASE)
TARGET_TYPES = ("PTV", "ITV", "GTV", "CTV")


def normalise(name: str) -> str:
    """Lower case without spaces, underscores, hyphens or dots."""
    return re.sub(r"[\s_\-.]+", "", name).lower()


_BY_NORMAL = {normalise(n): n for n in TG263_NAMES}
_BY_NORMAL.update({normalise(k): v for k, v in _ALIASES.items()})


@dataclass(frozen=True)
class NameMatch:
    """How one structure name was matched: ``how`` is 'user', 'tg263', 'alias', 'target' or 'none'."""

    structure: str
    tg263_name: str | None
    how: str


def match_name(name: str, mapping: Mapping[str, str] | None = None, roi_type: str = "") -> NameMatch:
    """The TG-263 name of a structure: the user's mapping first, then TG-263 names and aliases."""
    if mapping and name in mapping:
        target = mapping[name].strip()
        return NameMatch(name, target or None, "user")
    if name in TG263_NAMES:
        return NameMatch(name, name, "tg263")
    hit = _BY_NORMAL.get(normalise(name))
    if hit is not None:
        return NameMatch(name, hit, "alias")
    t = _TARGET_RE.match(name.strip())
    if t:
        return NameMatch(name, name.strip(), "target")
    return NameMatch(name, None, "none")


def target_type(tg263_name: str | None, roi_type: str = "") -> str | None:
    """'PTV', 'ITV', 'GTV' or 'CTV' for a target name or ROI type, else None."""
    if roi_type.upper() in TARGET_TYPES:
        return roi_type.upper()
    if tg263_name:
        t = _TARGET_RE.match(tg263_name)
        if t:
            return t.group(1).upper()
    return None


def organ_matches(constraint_organ: str, tg263_name: str | None) -> bool:
    """True when a constraint for *constraint_organ* applies to a structure named *tg263_name*.

    A sided structure (``BrachialPlex_L``) takes the limits of the organ (``BrachialPlex``).
    """
    if not tg263_name:
        return False
    if tg263_name == constraint_organ:
        return True
    base, _, side = tg263_name.rpartition("_")
    return side in ("L", "R") and base == constraint_organ


#: Target sites a plan check accepts (``--site``): the target sites of :mod:`sbrt_calc.vocabulary`.
PLAN_SITES = TARGET_SITES

#: The organs at risk a plan at a site must have contoured (the program's choice): defined with the target sites
#: (:data:`sbrt_calc.vocabulary.SITE_ORGANS`), where the planning view also reads them.
SITE_ORGANS = _SITE_ORGANS

#: Constraint sets evaluated beside the chosen one at a site (spine: HyTEC's cord limits beside TG-101).
EXTRA_SETS_BY_SITE: dict[str, tuple[str, ...]] = {"spine": ("hytec_cord",)}


def check_site(site: str | None) -> str | None:
    """``site`` if it is one of :data:`PLAN_SITES` (or None).

    Raises
    ------
    SbrtCalcError
        Naming the site and the allowed ones.
    """
    from sbrt_calc.errors import SbrtCalcError

    if site is None or site in PLAN_SITES:
        return site
    raise SbrtCalcError(f"unknown target site {site!r}; allowed: {', '.join(PLAN_SITES)}", field="site",
                        value=site, allowed=", ".join(PLAN_SITES))
