"""Planning per site: which schemes fit a lesion, where the flag line (BED10 > 70 Gy as shipped) applies,
and the scheme "Plan this lesion" picks, each with the sentence and source it rests on.

Every sentence that names the line reads it from a :class:`~sbrt_calc.presets.radiobiology.Threshold`
(the case's, from :func:`sbrt_calc.evaluation.evaluate`; the shipped one when none is given): a case
whose flag is 80 Gy never reads "70 Gy" here.

- :func:`flag_applicability` says whether the flag line applies at a site. It
  does not at the brain (SRS doses are set by size and brain tolerance, RTOG 90-05) or at the
  spine (the dose is limited by the spinal cord, HyTEC; SC.24's 24 Gy/2 has BED10 52.8 Gy).
- :func:`lesion_schemes` filters the site presets by the lesion's lung location, size and
  chest-wall contact (the conditions the presets carry from NCCN and SABR-COMET), and says why
  each scheme left out was left out.
- :func:`choose_scheme` picks one scheme for "Plan this lesion": at the lung SABR-COMET's printed
  scheme for the lesion's location, size and chest-wall contact (54 Gy/3, 55 Gy/5, 60 Gy/8), with
  where it sits against the primary-lung BED10 >= 100 Gy line (read from its threshold); at the
  liver none (the dose is set by the normal-liver constraint, as in SABR-COMET); at the brain the
  RTOG 90-05 dose for the size; at the spine SC.24's 24 Gy/2, or a printed re-irradiation dose when
  the spine was irradiated before; elsewhere the seed's typical 36 Gy/3 (Seed 004) where the sources
  give it for the site, otherwise the printed scheme with the lowest BED10 above the line. When local
  ablative therapy is not supported (:func:`palliative_intent`) no ablative scheme is picked: the
  palliative options a guideline prints for a painful bone lesion (ASTRO 2017), or none, with the reason.

Every BED10 here is LQ BED at alpha/beta 10 from the prescription
(:func:`sbrt_calc.radiobiology.lq.bed`), the scale the line is defined on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from sbrt_calc.eligibility import rules as R
from sbrt_calc.eligibility.case import Lesion
from sbrt_calc.presets.model import LUNG_LOCATION_DEFINITIONS, PresetSet, Scheme
from sbrt_calc.vocabulary import target_site

if TYPE_CHECKING:
    from sbrt_calc.presets.radiobiology import Threshold

#: The seed's typical dose (Seed 004: "Typical dose: 36 Gy in 3 fractions").
TYPICAL_TOTAL_GY, TYPICAL_FRACTIONS = 36.0, 3
#: The spine scheme "Plan this lesion" picks, and why.
SPINE_SCHEME_KEY = "spine_24_2"
SPINE_REASON = ("24 Gy in 2 fractions is the SBRT arm of SC.24, the randomised phase III trial that showed better "
                "pain response than 20 Gy/5 conventional radiotherapy for painful spinal metastases.")
SPINE_SOURCE = R.SC24
#: Brain lesions above RTOG 90-05's largest size bin: a hypofractionated scheme.
BRAIN_LARGE_SCHEME_KEY = "brain_hsrt_30_5"
#: RTOG 90-05 single-fraction SRS dose by maximum diameter (mm, upper bound of each bin).
RTOG_9005_BINS_MM = ((20.0, 24.0), (30.0, 18.0), (40.0, 15.0))
RTOG_9005_SOURCE = R.RTOG_9005

#: SABR-COMET protocol (Palma DA et al., BMC Cancer 2012;12:305), Table 1, lung rows, and the presets they pick.
SABR_COMET = "SABR-COMET protocol (Palma DA et al., BMC Cancer 2012;12:305), Table 1"
LUNG_PARENCHYMA_KEY, LUNG_CHEST_WALL_KEY = "lung_peripheral_54_3", "lung_peripheral_55_5"
LUNG_MEDIASTINUM_KEYS = {"central": "lung_central_60_8", "ultracentral": "lung_ultracentral_60_8"}
#: SABR-COMET's size line for lung: "3 cm or less" (54 Gy/3) / "larger than 3 cm" (55 Gy/5).
SABR_COMET_LUNG_MAX_MM = 30.0
LIVER_REASON = ("No scheme picked for the liver: SABR-COMET sets the liver dose by the normal-liver constraint "
                "(NTCP < 5%), not by a fixed scheme; the presets' 35 and 40 Gy/1 are dose levels of a phase-I "
                "single-fraction trial (its eligibility is not encoded here) and 60 Gy/3 and 50 Gy/5 are recalled. "
                "Choose the dose against the normal-liver limit in the planning view.")
SPINE_REIRRADIATION_REASON = (
    "Previously irradiated spine: the de-novo schemes (SC.24's 24 Gy/2) are not offered. {label} is the median "
    "single-session dose of a series of spinal radiosurgery after conventional radiotherapy (a series' median, not a "
    "trial arm); the dose is limited by the cumulative thecal sac dose (HyTEC: cumulative EQD2 Dmax <= 70 Gy, "
    "SBRT course <= 25 Gy, SBRT share <= 0.5, interval >= 5 months) - the cumulative-dose section is opened: enter "
    "the thecal sac maximum of each course.")
PALLIATIVE_BONE_REASON = (
    "Local ablative therapy is not supported for this case: no ablative scheme is proposed. For a painful bone "
    "metastasis the ASTRO guideline (Lutz 2017) finds pain relief equivalent after {options} (single fraction: more "
    "retreatment); none is picked - the choice is the clinician's.")
PALLIATIVE_RETREATMENT_REASON = (
    "Local ablative therapy is not supported for this case and the site was irradiated before: no ablative scheme "
    "is proposed. For repeat radiation of a painful bone metastasis SC.20 compared {options}; none is picked. Check "
    "the cumulative dose.")
PALLIATIVE_NONE_REASON = (
    "Local ablative therapy is not supported for this case: no ablative scheme is proposed, and no palliative "
    "scheme is shipped for {a_site} lesion - the treatment, if any, is the multidisciplinary team's decision.")

#: The low end of the seed's range (Seed 004: "24-50 Gy in 3-6 fractions").
SEED_LOW_END = ((24.0, 3), (30.0, 5), (24.0, 6))


def flag_line(flag: Threshold | None = None) -> Threshold:
    """``flag``, or the shipped flag line (``bed10_oligoprogression`` of the radiobiology presets)."""
    if flag is not None:
        return flag
    from sbrt_calc.presets.radiobiology import radiobiology

    return radiobiology().threshold("bed10_oligoprogression")


def seed_range_note(flag: Threshold | None = None) -> R.Item:
    """The seed's range and the flag line disagree: the low end of the range is below the line.

    The smallest total dose in 3 fractions that reaches the line solves ``D (1 + D / (3 a/b)) = line``.
    """
    line = flag_line(flag)
    ab = line.alpha_beta_gy
    low = [(d, n, d * (1 + d / n / ab)) for d, n in SEED_LOW_END]
    below = [f"{d:g} Gy/{n} (BED{ab:g} {b:.3g} Gy)" if i == 0 else f"{d:g} Gy/{n} ({b:.3g} Gy)"
             for i, (d, n, b) in enumerate(low) if not line.reached(b)]
    d3 = 1.5 * ab * (math.sqrt(1 + 4 * line.bed_gy / (3 * ab)) - 1)
    if not below:
        return R.Item(f"The low end of the seed's range (24-50 Gy in 3-6 fractions) reaches the line {line.label}.",
                      R.REF_004)
    return R.Item(f"The seed's range (24-50 Gy in 3-6 fractions) and the line {line.label} disagree: the low end of "
                  f"the range - {', '.join(below)} - is below the line; in 3 fractions only from about {d3:.1f} Gy "
                  f"upwards is it reached.", R.REF_004)


def __getattr__(name: str) -> Any:
    """``SEED_RANGE_NOTE``: the note for the shipped line (read when asked for, not at import)."""
    if name == "SEED_RANGE_NOTE":
        return seed_range_note()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


NO_SIX_FRACTIONS = R.Item(
    "No printed source giving a 6-fraction SBRT scheme or 6-fraction organ limits was found: the program ships "
    "none, although the seed's range names 3-6 fractions.", R.join(R.REF_004, R.TOOL))


class FlagApplicability(NamedTuple):
    """Whether the flag line applies at a site: ``(applies, reason, source)``."""

    applies: bool
    reason: str
    source: str


def flag_applicability(site: str, flag: Threshold | None = None) -> FlagApplicability:
    """Whether the flag line (``flag``; the shipped BED10 > 70 Gy when None) applies at ``site``.

    Parameters
    ----------
    site : str
        ``"brain"``, ``"brain_srs"``, ``"brain_hsrt"``, ``"spine"``, ``"lung_central"``, ``"bone"``, ...
    flag : Threshold, optional
        The case's flag line (its label is what the reason names).

    Returns
    -------
    FlagApplicability
        ``(applies, reason, source)``; brain and spine: not applicable, with the reason.
    """
    label = flag_line(flag).label
    if site == "brain" or site.startswith("brain_"):
        return FlagApplicability(
            False, "Not applicable at this site: brain SRS doses are set by lesion size and brain tolerance (RTOG "
                   f"90-05: 24/18/15 Gy in one fraction by diameter), not by the extracranial {label} line.",
            RTOG_9005_SOURCE)
    if site == "spine":
        return FlagApplicability(
            False, "Not applicable at this site: spine SBRT is limited by the spinal cord (HyTEC); the randomised "
                   "standard 24 Gy/2 (SC.24) has BED10 52.8 Gy, so the extracranial line would mark standard doses "
                   "as failures.", R.join(SPINE_SOURCE, R.HYTEC_CORD))
    return FlagApplicability(
        True, f"Applies: a higher BED10 correlates with better outcomes of SBRT for oligoprogression; the line "
              f"used is {label}.", R.REF_004)


def a_an(words: str) -> str:
    """``"an adrenal"``, ``"an ultracentral"``, ``"a liver"``: the article for a site or location name."""
    return ("an " if words[:1].lower() in "aeiou" else "a ") + words


def palliative_intent(verdict: str | None) -> bool:
    """Local ablative therapy is not supported (verdict ``not_supported``): "Plan this lesion" proposes no
    ablative scheme. ``None`` (no assessment yet) and the open verdicts keep the ablative schemes."""
    return verdict == "not_supported"


def _palliative_flag(flag: Threshold | None = None) -> FlagApplicability:
    return FlagApplicability(
        False, f"Not applicable: palliative intent - the {flag_line(flag).label} line concerns ablative SBRT of "
               "oligoprogressive lesions, not palliative radiotherapy.", R.join(R.REF_004, R.ASTRO_BONE))


def bed10_gy(scheme: Scheme, flag: Threshold | None = None) -> float:
    """LQ BED from the prescription at the flag line's alpha/beta (10 Gy: the scale the line is defined on), Gy."""
    from sbrt_calc.radiobiology.lq import bed

    return float(bed(scheme.total_dose_gy, scheme.dose_per_fraction_gy, flag_line(flag).alpha_beta_gy))


def above_line(bed10: float, flag: Threshold | None = None) -> bool:
    """``bed10`` reaches the flag line (``flag``; the shipped line of the radiobiology presets when None)."""
    return flag_line(flag).reached(bed10)


def scheme_site(lesion: Lesion) -> str | None:
    """The preset site (or group) for a lesion; None for a lung lesion without location or site 'other'."""
    site = target_site(lesion.site, lesion.location)
    return None if site in ("lung", "other") else site


@dataclass(frozen=True)
class LesionSchemes:
    """The site schemes that fit a lesion, those left out with the reason, and a note."""

    schemes: tuple[Scheme, ...]
    excluded: tuple[tuple[Scheme, str], ...]
    note: str
    location_note: R.Item | None = None


def _exclusion(scheme: Scheme, lesion: Lesion) -> str | None:
    size = lesion.size_mm
    if size is not None and scheme.max_size_mm is not None and size > scheme.max_size_mm:
        return f"{scheme.label}: given for lesions up to {scheme.max_size_mm:g} mm ({scheme.note or scheme.source}); " \
               f"this one is {size:g} mm"
    if size is not None and scheme.min_size_mm is not None and size <= scheme.min_size_mm:
        return f"{scheme.label}: given for lesions above {scheme.min_size_mm:g} mm; this one is {size:g} mm"
    if scheme.chest_wall == "away" and lesion.abuts_chest_wall:
        return f"{scheme.label}: given for tumours away from the chest wall ({scheme.note}); this one abuts it"
    if scheme.chest_wall == "abutting" and lesion.abuts_chest_wall is False:
        return f"{scheme.label}: given for tumours abutting the chest wall; this one does not"
    return None


def lesion_schemes(lesion: Lesion, presets: PresetSet | None = None, *, ablative: bool = True) -> LesionSchemes:
    """The presets for a lesion, filtered by lung location, size and chest-wall contact.

    A lung lesion without ``location`` gets no scheme and a note asking for it (the location
    decides between 54 Gy/3 and 60 Gy/8). Conditions the lesion does not record (size, chest
    wall) do not filter; the scheme's note still says them. A previously irradiated spine lesion
    gets the re-irradiation schemes instead of the de-novo ones. With ``ablative=False`` (local
    ablative therapy not supported, :func:`palliative_intent`) a bone or spine lesion gets the
    palliative schemes (repeat radiation when irradiated before) and other sites none.
    """
    site = scheme_site(lesion)
    if not ablative:
        if lesion.site not in ("bone", "spine"):
            return LesionSchemes((), (), PALLIATIVE_NONE_REASON.format(a_site=a_an(lesion.site.replace("_", " "))))
        site = "bone_retreatment" if lesion.previously_irradiated else "bone_palliative"
    elif lesion.site == "spine" and lesion.previously_irradiated:
        site = "spine_reirradiation"
    if site is None:
        if lesion.site == "lung":
            return LesionSchemes((), (), "record the lesion's location (peripheral, central or ultracentral): the "
                                         "lung schemes depend on it",
                                 R.Item("Lung location not recorded: central means within 2 cm of the proximal "
                                        "bronchial tree (RTOG 0813); ultracentral, touching the main bronchus or "
                                        "oesophagus.", LUNG_LOCATION_DEFINITIONS["central"][1]))
        return LesionSchemes((), (), R.NO_PRESETS)
    if presets is None:
        from sbrt_calc.presets.loader import active_presets

        presets = active_presets()
    keep: list[Scheme] = []
    excluded: list[tuple[Scheme, str]] = []
    for s in presets.schemes_for_site(site):
        why = _exclusion(s, lesion)
        if why is None:
            keep.append(s)
        else:
            excluded.append((s, why))
    location_note = None
    if lesion.site == "lung" and lesion.location is not None:
        text, source = LUNG_LOCATION_DEFINITIONS[lesion.location]
        location_note = R.Item(f"{lesion.location.capitalize()}: {text}.", source)
    note = f"{len(keep)} preset(s) for {site.replace('_', ' ')}; BED10 by the LQ model (alpha/beta 10)"
    if excluded:
        note += f"; {len(excluded)} left out for this lesion's size or chest-wall contact"
    return LesionSchemes(tuple(keep), tuple(excluded), note, location_note)


def brain_srs_dose_gy(size_mm: float) -> float | None:
    """RTOG 90-05's single-fraction dose for a maximum diameter (mm); None above 40 mm."""
    for upper_mm, dose_gy in RTOG_9005_BINS_MM:
        if size_mm <= upper_mm:
            return dose_gy
    return None


def brain_exceeds(scheme: Scheme, size_mm: float | None) -> str:
    """A warning when a single-fraction brain scheme exceeds RTOG 90-05's dose for the size ('' otherwise)."""
    if size_mm is None or scheme.fractions != 1 or scheme.group != "brain":
        return ""
    dose = brain_srs_dose_gy(size_mm)
    if dose is None:
        return (f"exceeds RTOG 90-05: no single-fraction dose is given above 40 mm (this lesion {size_mm:g} mm)")
    if scheme.total_dose_gy > dose:
        return (f"exceeds RTOG 90-05's maximum tolerated single-fraction dose for {size_mm:g} mm ({dose:g} Gy)")
    return ""


@dataclass(frozen=True)
class SchemeChoice:
    """The scheme "Plan this lesion" picks, why (one sentence) and the source of that sentence.

    ``scheme`` is None when no scheme can be picked (``reason`` says what is missing).
    """

    scheme: Scheme | None
    reason: str
    source: str
    bed10_gy: float | None
    flag: FlagApplicability
    #: ``"ablative"``, ``"reirradiation"`` (spine after earlier RT) or ``"palliative"`` (ablative not supported).
    intent: str = "ablative"
    #: The lesion was irradiated before: the cumulative-dose section must be filled before the plan is judged.
    cumulative_required: bool = False
    #: Schemes offered without a pick (palliative options), shown with the reason.
    options: tuple[Scheme, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"scheme": None if self.scheme is None else self.scheme.key,
                "label": None if self.scheme is None else self.scheme.label, "reason": self.reason,
                "source": self.source, "bed10_gy": self.bed10_gy,
                "flag_applies": self.flag.applies, "flag_reason": self.flag.reason, "intent": self.intent,
                "cumulative_required": self.cumulative_required, "options": [s.key for s in self.options]}


def _by_key(schemes: tuple[Scheme, ...], key: str) -> Scheme | None:
    return next((s for s in schemes if s.key == key), None)


def choose_scheme(lesion: Lesion, presets: PresetSet | None = None, flag: Threshold | None = None, *,
                  ablative: bool = True, primary_line: Threshold | None = None) -> SchemeChoice:
    """The scheme "Plan this lesion" picks for ``lesion``, with the reason and its source (see :func:`_choose`).

    Parameters
    ----------
    lesion : Lesion
    presets : PresetSet, optional
        The presets in force (default: shipped + user presets).
    flag : Threshold, optional
        The case's flag line (default: the shipped BED10 > 70 Gy).
    ablative : bool
        False when local ablative therapy is not supported (:func:`palliative_intent`): no ablative scheme.
    primary_line : Threshold, optional
        The primary-lung BED10 line the case uses (default: ``bed10_primary_lung`` of the radiobiology
        presets in force); a lung pick says where it sits against it.

    Returns
    -------
    SchemeChoice
        ``cumulative_required`` is true for a previously irradiated lesion (the cumulative section is opened).
    """
    from dataclasses import replace

    choice = _choose(lesion, presets, flag, ablative=ablative, primary_line=primary_line)
    if not lesion.previously_irradiated:
        return choice
    extra = ""
    if choice.scheme is not None and choice.intent == "ablative":
        extra = " Previously irradiated: check the cumulative dose to the organs at risk before re-irradiation."
    return replace(choice, reason=choice.reason + extra, cumulative_required=True)


def _primary_line_sentence(b: float, line: Threshold | None) -> str:
    """Where a lung pick's BED10 sits against the primary-lung line (read from the threshold, never a literal)."""
    if line is None:
        from sbrt_calc.presets.radiobiology import radiobiology

        line = radiobiology().threshold("bed10_primary_lung")
    reached = line.reached(b)
    where = ("at or above" if line.comparison == ">=" else "above") if reached else \
        ("below" if line.comparison == ">=" else "not above")
    return (f" If this lesion is the primary tumour: BED10 {b:.1f} Gy (LQ, from the prescription) is {where} the "
            f"{line.label} line for primary lung SBRT ({line.source.split(';')[0]}).")


def _choose_lung(lesion: Lesion, schemes: tuple[Scheme, ...], flag: FlagApplicability,
                 line: Threshold | None) -> SchemeChoice:
    """SABR-COMET's printed lung schemes by their own conditions (Table 1): 54 Gy/3 for 3 cm or less surrounded by
    lung parenchyma; 55 Gy/5 abutting the chest wall or larger than 3 cm; 60 Gy/8 within 2 cm of the mediastinum
    or brachial plexus (central, ultracentral)."""
    size, abuts = lesion.size_mm, lesion.abuts_chest_wall
    if lesion.location in LUNG_MEDIASTINUM_KEYS:
        pick = _by_key(schemes, LUNG_MEDIASTINUM_KEYS[lesion.location])
        why = (f"SABR-COMET gives 60 Gy/8 for lung lesions within 2 cm of the mediastinum or brachial plexus; "
               f"{a_an(str(lesion.location))} lesion lies there (NCCN: "
               "60-70 Gy/8-10 for central tumours).")
    elif abuts or (size is not None and size > SABR_COMET_LUNG_MAX_MM):
        pick = _by_key(schemes, LUNG_CHEST_WALL_KEY)
        fact = "abuts the chest wall" if abuts else f"is {size:g} mm (larger than 3 cm)"
        why = f"SABR-COMET gives 55 Gy/5 for lung lesions abutting the chest wall or larger than 3 cm; this one {fact}."
    elif abuts is False and size is not None:
        pick = _by_key(schemes, LUNG_PARENCHYMA_KEY)
        why = (f"SABR-COMET gives 54 Gy/3 for lung lesions of 3 cm or less surrounded by lung parenchyma; this one is "
               f"{size:g} mm and does not abut the chest wall.")
    else:
        missing = " and ".join(w for w, v in (("its size", size), ("whether it abuts the chest wall", abuts))
                               if v is None)
        return SchemeChoice(None, "No scheme picked: SABR-COMET's table picks 54 Gy/3 (3 cm or less, surrounded by "
                                  "lung parenchyma) or 55 Gy/5 (abutting the chest wall or larger than 3 cm) by size "
                                  f"and chest-wall contact - record {missing}.", SABR_COMET, None, flag)
    if pick is None:
        return SchemeChoice(None, f"No scheme picked: {why} That scheme is not among the presets in force.",
                            SABR_COMET, None, flag)
    b = bed10_gy(pick)
    return SchemeChoice(pick, why + _primary_line_sentence(b, line), SABR_COMET, b, flag)


def _choose(lesion: Lesion, presets: PresetSet | None = None, flag_: Threshold | None = None, *,
            ablative: bool = True, primary_line: Threshold | None = None) -> SchemeChoice:
    """The scheme the sources make typical for the lesion's site, with the reason and its source.

    Rules, in order: not ablative - the palliative options for a bone or spine lesion (ASTRO 2017; SC.20
    when irradiated before), none picked; lung - SABR-COMET's scheme for the location, size and
    chest-wall contact (:func:`_choose_lung`); liver - none (normal-liver constraint); brain - RTOG 90-05's
    single-fraction dose for the size (size needed; above 40 mm, 30 Gy/5 hypofractionated); spine - SC.24's
    24 Gy/2, or the re-irradiation scheme when irradiated before; elsewhere - the seed's typical 36 Gy/3
    where the sources give it for the site (BED10 79.2 Gy; the sentence says whether it reaches the line
    ``flag_``), else the printed (or secondary) scheme with the lowest BED10 above the line, else the
    highest BED10.
    """
    line = flag_line(flag_)
    flag = flag_applicability(lesion.site, line)
    found = lesion_schemes(lesion, presets, ablative=ablative)
    schemes = found.schemes
    if not ablative:
        palliative = _palliative_flag(line)
        if not schemes:
            return SchemeChoice(None, found.note, R.TOOL, None, palliative, intent="palliative")
        options = " and ".join([", ".join(s.label for s in schemes[:-1]), schemes[-1].label]) \
            if len(schemes) > 1 else schemes[0].label
        retreat = lesion.previously_irradiated
        text = (PALLIATIVE_RETREATMENT_REASON if retreat else PALLIATIVE_BONE_REASON).format(options=options)
        return SchemeChoice(None, text, R.SC20 if retreat else R.ASTRO_BONE, None, palliative, intent="palliative",
                            options=schemes)
    if not schemes:
        return SchemeChoice(None, f"No scheme picked: {found.note}.", R.TOOL, None, flag)
    if lesion.site == "lung":
        return _choose_lung(lesion, schemes, flag, primary_line)
    if lesion.site == "liver":
        return SchemeChoice(None, LIVER_REASON, SABR_COMET, None, flag)
    if lesion.site == "brain":
        if lesion.size_mm is None:
            return SchemeChoice(None, "No scheme picked: record the lesion's size; RTOG 90-05 sets the "
                                      "single-fraction SRS dose by maximum diameter.", RTOG_9005_SOURCE, None, flag)
        dose = brain_srs_dose_gy(lesion.size_mm)
        if dose is None:
            pick = _by_key(schemes, BRAIN_LARGE_SCHEME_KEY)
            if pick is not None:
                return SchemeChoice(pick, f"{lesion.size_mm:g} mm is above RTOG 90-05's largest size bin (40 mm): "
                                          f"{pick.label} hypofractionated stereotactic radiotherapy instead.",
                                    pick.source, bed10_gy(pick, line), flag)
        else:
            pick = next((s for s in schemes if s.fractions == 1 and abs(s.total_dose_gy - dose) < 1e-9), None)
            if pick is not None:
                return SchemeChoice(pick, f"RTOG 90-05's single-fraction SRS dose for a lesion of {lesion.size_mm:g} mm "
                                          f"is {dose:g} Gy (found in previously irradiated, recurrent tumours).",
                                    RTOG_9005_SOURCE, bed10_gy(pick, line), flag)
    if lesion.site == "spine" and lesion.previously_irradiated:
        pick = min(schemes, key=lambda s: s.verification == "recalled")
        return SchemeChoice(pick, SPINE_REIRRADIATION_REASON.format(label=pick.label), pick.source, bed10_gy(pick, line),
                            flag, intent="reirradiation")
    if lesion.site == "spine":
        pick = _by_key(schemes, SPINE_SCHEME_KEY)
        if pick is not None:
            return SchemeChoice(pick, SPINE_REASON + f" The {line.label} line does not apply at the spine.",
                                SPINE_SOURCE, bed10_gy(pick, line), flag)
    typical = next((s for s in schemes if s.fractions == TYPICAL_FRACTIONS
                    and abs(s.total_dose_gy - TYPICAL_TOTAL_GY) < 1e-9), None)
    if typical is not None:
        b = bed10_gy(typical, line)
        where = ("above" if line.reached(b) else "NOT above") + f" the {line.label} line"
        return SchemeChoice(typical, f"36 Gy in 3 fractions is the seed's typical SBRT dose (generic, not "
                                     f"site-specific) and reaches BED10 {b:.1f} Gy (LQ), {where}.", R.REF_004, b, flag)
    usable = [s for s in schemes if s.verification != "recalled"] or list(schemes)
    above = [s for s in usable if line.reached(bed10_gy(s, line))]
    site_name = lesion.site.replace("_", " ")
    if above:
        pick = min(above, key=lambda s: (bed10_gy(s, line), s.fractions))
        b = bed10_gy(pick, line)
        return SchemeChoice(pick, f"The sources do not give the seed's typical 36 Gy/3 for {a_an(site_name)} lesion; "
                                  f"{pick.label} is the scheme given for it with the lowest BED10 (LQ) above the "
                                  f"{line.label} line ({b:.1f} Gy).", pick.source, b, flag)
    pick = max(usable, key=lambda s: bed10_gy(s, line))
    b = bed10_gy(pick, line)
    return SchemeChoice(pick, f"No scheme given for {a_an(site_name)} lesion reaches {line.label}; {pick.label} has the "
                              f"highest BED10 (LQ, {b:.1f} Gy).", pick.source, b, flag)
