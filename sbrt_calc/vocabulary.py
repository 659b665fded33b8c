"""The names every layer shares: models, sites, lung locations, and the one rule from lesion to target site.

One place for each list (issue 18: the model names were spelled out seven times, the site lists five
times, and the ``lung_<location>`` key was built by three functions). Plain data, no imports: the bottom
layer (tests/test_layers.py). The modules that validate or show these names import them from here.
"""

from __future__ import annotations

#: The dose-response models, by key: linear-quadratic, LQ-linear (Astrahan 2008), universal survival curve
#: (Park 2008). Their formulas are in :mod:`sbrt_calc.radiobiology`, their objects in :mod:`sbrt_calc.models`.
MODEL_NAMES: tuple[str, ...] = ("lq", "lql", "usc")
#: The short title of each model, as every face shows it.
MODEL_TITLES: dict[str, str] = {"lq": "LQ", "lql": "LQ-L", "usc": "USC"}
#: The model setting of a case: one model, or ``all`` (the three side by side).
ALL_MODELS_CHOICE = "all"
MODEL_CHOICES: tuple[str, ...] = (*MODEL_NAMES, ALL_MODELS_CHOICE)

#: Where a lung lesion lies (definitions in :data:`sbrt_calc.presets.model.LUNG_LOCATION_DEFINITIONS`).
LUNG_LOCATIONS: tuple[str, ...] = ("peripheral", "central", "ultracentral")
#: The site of a lesion in an eligibility case.
LESION_SITES: tuple[str, ...] = ("lung", "bone", "spine", "brain", "adrenal", "liver", "lymph_node", "other")
#: Sites where ``weight_bearing`` and ``fracture_risk`` apply.
BONE_SITES: tuple[str, ...] = ("bone", "spine")
#: The lung target sites with a location, ``lung_<location>``.
LUNG_TARGET_SITES: tuple[str, ...] = tuple(f"lung_{location}" for location in LUNG_LOCATIONS)
#: The target site of a planning section: a lesion site, or a lung site with its location.
TARGET_SITES: tuple[str, ...] = (*LUNG_TARGET_SITES, *LESION_SITES)
#: The lung target sites, with or without a location (where the RTOG 0915/0813 conformity table applies).
LUNG_SITES: tuple[str, ...] = ("lung", *LUNG_TARGET_SITES)

#: Fine-grained sites of a preset scheme, and the lesion site (group) each belongs to.
SCHEME_SITE_GROUP: dict[str, str] = {
    **{site: "lung" for site in LUNG_TARGET_SITES},
    "bone": "bone",
    "spine": "spine",
    "adrenal": "adrenal",
    "liver": "liver",
    "brain_srs": "brain",
    "brain_hsrt": "brain",
    "lymph_node": "lymph_node",
    # Not ablative SBRT: offered only for their own situation (issue 19), never with a site's de-novo schemes.
    "spine_reirradiation": "spine_reirradiation",   # spine SBRT after conventional RT at the same level
    "bone_palliative": "bone_palliative",           # palliative RT for painful bone metastases (not ablative)
    "bone_retreatment": "bone_retreatment",         # palliative repeat RT for painful bone metastases
}
#: The fine-grained sites of preset schemes.
SCHEME_SITES: tuple[str, ...] = tuple(SCHEME_SITE_GROUP)
#: The groups of preset schemes: the lesion sites that have schemes (every one but ``other``), then the
#: groups of the situations that are not de-novo ablative SBRT.
SCHEME_GROUPS: tuple[str, ...] = (*(s for s in LESION_SITES if s != "other"),
                                  "spine_reirradiation", "bone_palliative", "bone_retreatment")


def target_site(site: str, location: str | None = None) -> str:
    """The target site of a lesion: ``lung_<location>`` for a lung lesion whose location is known, else its site.

    The one rule from lesion to target site (planning, eligibility schemes and the app's form use it).

    Parameters
    ----------
    site : str
        One of :data:`LESION_SITES`.
    location : str or None
        For a lung lesion, one of :data:`LUNG_LOCATIONS`, or None when not known; ignored for other sites.

    Examples
    --------
    >>> target_site("lung", "central"), target_site("lung", None), target_site("bone", "central")
    ('lung_central', 'lung', 'bone')
    """
    if site == "lung" and location:
        return f"lung_{location}"
    return str(site)

#: The Model/α/β check's short verdicts (:mod:`sbrt_calc.radiobiology.sensitivity`), as the table shows them.
VERDICT_SHORT: dict[str, str] = {"above": "above in all", "below": "below in all", "depends": "depends on model"}
#: The short form of ``depends`` by what decides it (``Sensitivity.decided_by``).
#: (Under the column "Model/α/β check"; "both" is model and α/β - kept as narrow as "depends on model" so that
#: the verdict columns stay in view in a 1024-px window.)
DEPENDS_SHORT: dict[str, str] = {"model": "depends on model", "alpha_beta": "depends on α/β",
                                 "model_and_alpha_beta": "depends on both"}


#: The organs at risk a plan at a site must have contoured for its organ-limit check to be complete.
#: This is the PROGRAM'S CHOICE (no source lists them; mark: choice): the organs near the site that the
#: constraint sets give limits for. An organ of the chosen set that is listed here and not contoured
#: makes the check "incomplete"; organs of the set outside the site's list that are not contoured are
#: listed as "not contoured (not expected at this site)". Without a site every organ of the set is
#: expected (give the site).
_THORAX = ("SpinalCord", "Esophagus", "Heart", "GreatVes", "Trachea", "Bronchus", "Bronchus_Small",
           "BrachialPlex", "Rib", "ChestWall", "Skin", "Lungs")
_UPPER_ABDOMEN = ("SpinalCord", "Esophagus", "Stomach", "Duodenum", "Bowel_Small", "Bowel_Large", "Liver",
                  "Kidneys_Cortex", "RenalHilum", "Skin")
SITE_ORGANS: dict[str, tuple[str, ...]] = {
    "lung": _THORAX, "lung_peripheral": _THORAX, "lung_central": _THORAX, "lung_ultracentral": _THORAX,
    "liver": _UPPER_ABDOMEN, "adrenal": _UPPER_ABDOMEN,
    "spine": ("SpinalCord", "Esophagus", "Skin"),
    "bone": ("SpinalCord", "Skin"), "lymph_node": ("SpinalCord", "Skin"),
    "brain": ("Brainstem", "OpticPathway", "Cochlea"),
    "other": (),
}
