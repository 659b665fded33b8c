"""Constants shared by the main window and its parts."""

from __future__ import annotations

from sbrt_calc.case import SUFFIX

FILE_FILTER = (f"Cases (*{SUFFIX} *.json *.toml);;Saved case (*{SUFFIX} *.json);;Eligibility case (*.toml);;"
               "All files (*)")
ERROR_STYLE = "color: {colour}; font-weight: bold"
ELIGIBILITY_TAB = 1
PLANNING_TAB = 2
PLAN_CHECK_TAB = 3
REIRRADIATION_TAB = 4
REIRRADIATION_TIP = ("Re-irradiation: courses summed voxel by voxel in EQD2, cumulative limits graded, the largest new "
                     "course that fits, the summed map exported")
PLAN_CHECK_TIP = ("Check a real plan: DVHs from the RT Dose and RT Structure Set against the organ limits and the "
                  "conformity and fall-off of the planning parameters")
ELIGIBILITY_TIP = ("Is this oligoprogression? The case, the assessment with reasons and sources, and the work-up "
                   "still missing")
PLANNING_TIP = ("Organ-at-risk limits, conformity and fall-off grading, cumulative dose for a previously irradiated "
                "site")
ENTRY_TIP = ("Add regimens: 36/3, 54 Gy/3, 3x18Gy, 3 x 18 Gy or 18 Gy x 3; separate several with ';'. "
             "A decimal comma works (7,5 Gy x 4).")



#: how a preset or planning site reads in menus and lists (the keys are the presets' site keys)
SITE_TITLES = {"lung_peripheral": "Lung, peripheral", "lung_central": "Lung, central",
               "lung_ultracentral": "Lung, ultracentral", "bone": "Bone", "spine": "Spine", "adrenal": "Adrenal",
               "liver": "Liver", "brain_srs": "Brain SRS", "brain_hsrt": "Brain HSRT", "brain": "Brain SRS/HSRT",
               "lymph_node": "Lymph node", "lung": "Lung"}


def site_title(site: str) -> str:
    """'brain_srs' -> 'Brain SRS', 'brain' -> 'Brain SRS/HSRT'; an unknown key -> 'Some key'."""
    return SITE_TITLES.get(site, site.replace("_", " ").capitalize())
