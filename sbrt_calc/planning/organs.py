"""Organ names: AAPM TG-263 structure names and the common ways of writing them.

An organ typed by a user (``spinalcord``, ``thecal sac``, ``oesophagus``, ``Brachial plexus``)
is matched case-insensitively, ignoring spaces, ``_`` and ``-``, against the TG-263 names the
presets use and a short list of aliases. An unknown name is an error that lists the known ones:
a typo must never mean "no limits checked".

Source of the names: AAPM TG-263, Standardizing Nomenclatures in Radiation Oncology (Mayo CS et
al., IJROBP 2018;100:1057-1066); aliases are this program's list of common spellings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sbrt_calc.errors import SbrtCalcError

#: TG-263 name -> other spellings (compared after :func:`normalise`).
ALIASES: dict[str, tuple[str, ...]] = {
    "SpinalCord": ("cord", "spinal cord", "spinal_cord", "medulla spinalis"),
    "SpinalCanal": ("thecal sac", "thecalsac", "spinal canal"),
    "CaudaEquina": ("cauda", "cauda equina"),
    "SacralPlex": ("sacral plexus", "sacralplexus"),
    "Esophagus": ("oesophagus", "esophagus"),
    "BrachialPlex": ("brachial plexus", "brachialplexus", "brachial_plexus", "BrachialPlexus"),
    "Heart": ("heart", "pericardium", "heart/pericardium"),
    "GreatVes": ("great vessels", "greatvessels", "great_vessels", "great vessel"),
    "Trachea": ("trachea", "proximal bronchial tree", "pbt", "trachea and large bronchi"),
    "Bronchus_Small": ("small bronchi", "bronchus small", "small bronchus"),
    "Lungs": ("lung", "lungs", "total lung", "lung total", "lungs-gtv", "lungs minus gtv"),
    "Rib": ("ribs", "rib", "chest wall ribs"),
    "Skin": ("skin",),
    "Stomach": ("stomach",),
    "Duodenum": ("duodenum",),
    "Bowel_Small": ("small bowel", "jejunum", "ileum", "jejunum/ileum", "smallbowel"),
    "Bowel_Large": ("large bowel", "colon", "rectum", "colon/rectum", "largebowel"),
    "Liver": ("liver",),
    "Kidneys_Cortex": ("renal cortex", "kidney cortex", "kidneys cortex"),
    "RenalHilum": ("renal hilum", "vascular trunk", "renal hilum/vascular trunk"),
    "Brainstem": ("brain stem", "brainstem"),
    "OpticPathway": ("optic pathway", "optic chiasm", "opticchiasm", "optic nerve", "opticnrv", "opticnrv_l",
                     "opticnrv_r", "optic nerves"),
    "Cochlea": ("cochlea", "cochlea_l", "cochlea_r", "cochleas"),
    "Bladder_Wall": ("bladder wall", "bladder", "bladderwall"),
    "PenileBulb": ("penile bulb", "bulb of penis"),
    "Femur_Heads": ("femoral heads", "femoral head", "femur_head_l", "femur_head_r", "femur head", "femur heads"),
}


#: How an organ is shown where its TG-263 name alone would mislead.
DISPLAY = {"SpinalCanal": "thecal sac (TG-263 SpinalCanal)"}


def display_name(organ: str) -> str:
    """``'thecal sac (TG-263 SpinalCanal)'`` for SpinalCanal; other names as they are."""
    return DISPLAY.get(organ, organ)


class OrganError(SbrtCalcError):
    """An organ name that matches none of the known TG-263 names or aliases."""


def normalise(name: str) -> str:
    """Lower case without spaces, ``_``, ``-`` and ``/``: ``'Brachial plexus'`` -> ``'brachialplexus'``."""
    return re.sub(r"[\s_\-/]+", "", name.strip().lower())


def _table(known: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for canonical in known:
        out.setdefault(normalise(canonical), canonical)
        for alias in ALIASES.get(canonical, ()):
            out.setdefault(normalise(alias), canonical)
    return out


def match_organ(name: str, known: Iterable[str] | None = None) -> str:
    """The TG-263 name for ``name`` among ``known`` (default: every name in :data:`ALIASES`).

    Raises
    ------
    OrganError
        Naming the value and listing the known organs.
    """
    names = tuple(dict.fromkeys(known if known is not None else ALIASES))
    if not isinstance(name, str) or not name.strip():
        raise OrganError(f"organ must be a name, got {name!r}; known: {', '.join(names)}", field="organ",
                         value=name, allowed=", ".join(names))
    hit = _table(names).get(normalise(name))
    if hit is None:
        raise OrganError(f"unknown organ {name!r}; known (TG-263 names, any case; common spellings accepted): "
                         f"{', '.join(names)}", field="organ", value=name, allowed=", ".join(names))
    return hit
