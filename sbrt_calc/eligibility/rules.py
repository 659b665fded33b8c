"""The sources, and the sourced statements, behind the oligoprogression assessment.

One source of truth: every sentence :func:`sbrt_calc.eligibility.assess.assess` shows that is not
built from the case comes from here, with the source it traces to. The sources are the five
seed documents 000 to 004 (cited as "Seed document 004: Management strategies for
oligoprogression in NSCLC", short "Seed 004") and the publications they point to (CURB, HALT,
ASTRO/ESTRO, Weickhardt 2012, ARS AUC, RTOG 90-05, SC.24).
"""

from __future__ import annotations

from dataclasses import dataclass

from sbrt_calc.presets.model import LUNG_LOCATION_DEFINITIONS

REF_000 = ("Seed document 000 (patient information): GO2 for Lung Cancer, Lung Cancer Living Room Q&A (D.C. "
           "Schiffner, Sept 2024), radiation for a few spots not responding to targeted therapy")
REF_001 = ("Seed document 001: Treatment of pulmonary metastases in EGFR-mutant NSCLC and oncogene-driven tumors "
           "with oligoprogression during systemic therapy (DOI 10.21037/asj-21-81)")
REF_002 = "Seed document 002 (patient information): Can lung cancer be treated after bone metastasis occurs?"
REF_003 = ("Seed document 003: Stereotactic body radiotherapy in the treatment of advanced NSCLC patients with "
           "oligoprogression during immunotherapy (review)")
REF_004 = ("Seed document 004: Management strategies for oligoprogression in NSCLC (a summary citing the NCCN "
           "NSCLC guideline, not the primary text)")
CURB = "Tsai CJ et al., CURB, Lancet 2024"
HALT = "HALT trial (<= 3 sites, amended to <= 5)"
ASTRO_ESTRO = "Iyengar P et al., ASTRO/ESTRO guideline on oligometastatic NSCLC, 2023"
WEICKHARDT = "Weickhardt AJ et al., J Thorac Oncol 2012;7:1807-1814"
ARS_AUC = "American Radium Society Appropriate Use Criteria (<= 3 progressing areas)"
TOOL = "sbrt-calc design choice (not given by the sources)"
RTOG_9005 = "RTOG 90-05 (Shaw E et al., IJROBP 2000;47:291-298)"
SC24 = "SC.24 (Sahgal A et al., Lancet Oncol 2021;22:1023-1033)"
HYTEC_CORD = "HyTEC spinal cord (Sahgal A et al., IJROBP 2021;110:124-136)"
#: Read on the journal's own table page (jitc.bmj.com), Table 1, "Definitions of primary and secondary
#: resistance in advanced disease setting": primary resistance - drug exposure >= 6 weeks, best response PD or
#: SD for < 6 months; secondary resistance - exposure >= 6 months, CR, PR or SD for > 6 months.
SITC_IO = ("Kluger HM et al., Defining tumor resistance to PD-1 pathway blockade: recommendations from the first "
           "meeting of the SITC Immunotherapy Resistance Taskforce, J Immunother Cancer 2020;8:e000398, Table 1")
#: Read on the journal's table page, Table 3 (ICI-chemotherapy combinations, advanced setting): primary
#: resistance - exposure 6-8 weeks, RECIST progression at <= 6 months regardless of best response;
#: secondary or late resistance - exposure > 6 months, progression at > 6 months.
SITC_CHEMO_IO = ("Rizvi N et al., SITC consensus definitions for resistance to combinations of immune checkpoint "
                 "inhibitors with chemotherapy, J Immunother Cancer 2023, Table 3")
#: Guideline statements read in a transcription (guidelinecentral.com summary of the guideline).
ASTRO_BRAIN = ("Gondi V et al., Radiation therapy for brain metastases: an ASTRO clinical practice guideline, "
               "Pract Radiat Oncol 2022")
#: Key question 1 statement read in a transcription (the NGC summary of the guideline).
ASTRO_BONE = ("Lutz S et al., Palliative radiation therapy for bone metastases: update of an ASTRO evidence-based "
              "guideline, Pract Radiat Oncol 2017;7:4-12")
#: Abstract read (thelancet.com): repeat radiation of painful bone metastases, 8 Gy/1 vs 20 Gy in multiple fractions.
SC20 = "NCIC CTG SC.20 (Chow E et al., Lancet Oncol 2014;15:164-171)"


#: Short tags for the plain-text note (the JSON carries the full source strings).
SHORT = {
    REF_000: "Seed 000", REF_001: "Seed 001", REF_002: "Seed 002", REF_003: "Seed 003", REF_004: "Seed 004",
    CURB: "CURB", HALT: "HALT", ASTRO_ESTRO: "ASTRO/ESTRO 2023", WEICKHARDT: "Weickhardt 2012",
    ARS_AUC: "ARS AUC", TOOL: "sbrt-calc choice",
    RTOG_9005: "RTOG 90-05", SC24: "SC.24", HYTEC_CORD: "HyTEC cord", SITC_IO: "SITC 2020",
    SITC_CHEMO_IO: "SITC 2023 (chemo-IO)", SC20: "SC.20", ASTRO_BRAIN: "ASTRO brain 2022", ASTRO_BONE: "ASTRO bone 2017",
    LUNG_LOCATION_DEFINITIONS["central"][1]: "RTOG 0813 central",
    LUNG_LOCATION_DEFINITIONS["ultracentral"][1]: "Tekatli 2016 ultracentral",
    LUNG_LOCATION_DEFINITIONS["peripheral"][1]: "RTOG 0813; SABR-COMET",
}


def reference_line_caveat() -> Item:
    """The seed's line has no other source; the literature's line for primary lung tumours is the shipped reference
    line, cited as ``presets/radiobiology.toml`` cites it (Onishi 2007; Shirata 2012): one citation, one place."""
    from sbrt_calc.presets.radiobiology import radiobiology

    ref = radiobiology().threshold("bed10_primary_lung")
    return Item(f"The seed's line (\"BED10 >70\") has no source other than Seed 004; the literature's line for primary "
                f"lung tumours is {ref.label}.", join(REF_004, ref.source.rstrip(".")))


def join(*sources: str) -> str:
    """Several sources in one ``source`` string."""
    return "; ".join(sources)


def split_sources(source: str) -> list[str]:
    """The single sources of a joined ``source`` string."""
    return [s for s in source.split("; ") if s]


def short(source: str) -> str:
    """``"Seed 004; CURB"`` for a joined source string (unknown sources kept whole)."""
    return "; ".join(SHORT.get(s, s) for s in split_sources(source))


@dataclass(frozen=True)
class Item:
    """One sourced sentence: ``{"text": ..., "source": ...}`` in JSON."""

    text: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {"text": self.text, "source": self.source}


# --- definition -----------------------------------------------------------------------------

STRICT_MAX_SITES = 3
EXTENDED_MAX_SITES = 5
DEFINITION_SOURCE = join(REF_000, REF_004, CURB, HALT, ASTRO_ESTRO, ARS_AUC)
DEFINITION_EXTENDED = Item(
    "4 or 5 progressing sites meet only the extended definition (<= 5: Seed 004 'typically defined as <= 5 "
    "metastatic lesions'; CURB <= 5 progressing lesions; HALT amended from 3 to 5; ASTRO/ESTRO <= 5); most "
    "series use 1 to 3.", join(REF_004, CURB, HALT, ASTRO_ESTRO))
DEFINITION_CONTROLLED = Item(
    "Oligoprogression is limited progression in the background of otherwise controlled metastatic disease.",
    REF_004)

# --- strategy -------------------------------------------------------------------------------

STRATEGY_TKI = Item(
    "Definitive local therapy (SBRT or surgery) to the limited sites of progression while continuing the same "
    "targeted therapy is the recommended approach; continue the EGFR or ALK TKI after local therapy.", REF_004)
STRATEGY_DRIVER = Item(
    "Isolated progressing lesions may harbour clones resistant to the current agent while the rest of the disease "
    "stays controlled; ablating them may delay the switch to the next line.", REF_001)
STRATEGY_RESISTANCE = Item(
    "Drug resistance does not predict radiation resistance: treating the few progressing spots lets the patient "
    "stay on a systemic therapy that otherwise works; spots can be treated more than once.", REF_000)
STRATEGY_IO = Item(
    "In patients with a prolonged response or stabilisation on immunotherapy who develop oligoprogression, SBRT to "
    "the progressing lesions while maintaining immunotherapy may be considered as a potentially effective and "
    "safe option.", REF_003)
STRATEGY_CHEMO = Item(
    "The oligoprogression approach applies to any systemic treatment that controls most of the disease "
    "(chemotherapy, immunotherapy, targeted therapy); the reference documents give specific evidence mainly for "
    "TKIs and immunotherapy.", join(REF_000, REF_003, REF_004))

# --- eligibility rules ----------------------------------------------------------------------

#: ECOG at or above this is "poor performance status" here. Seed 004 says only "consider
#: performance status"; the cut-off is this tool's choice, not printed in the sources.
POOR_ECOG = 3
ECOG_POOR = Item(
    "Poor performance status (ECOG {ecog}): patient selection is critical and must consider performance status; "
    "this tool treats ECOG >= 3 as not eligible - the cut-off is a design choice, not a number given by the "
    "sources; verify against the trial you follow.", join(REF_004, TOOL))
ECOG_BORDERLINE = Item(
    "ECOG 2: performance status is a selection factor; fitness for local therapy needs a clinical judgement "
    "(not a blocker in this tool).", join(REF_004, TOOL))
ECOG_FIT = Item("ECOG {ecog}: performance status is a selection factor and does not argue against local therapy.",
                REF_004)
LEPTOMENINGEAL = Item(
    "Leptomeningeal disease: local ablative therapy with the same agent is not the strategy; for leptomeningeal "
    "disease consider a CNS-penetrant next-generation TKI.", REF_004)
LEPTOMENINGEAL_NON_TKI = Item(
    "Leptomeningeal disease: local ablative therapy with the same agent is not the strategy; the sources give "
    "TKI-specific advice only (CNS-penetrant next-generation TKI) - discuss at the MDT.", REF_004)
SYMPTOMS_STRENGTHEN = Item(
    "Symptomatic lesion ({labels}): symptoms do not block local therapy in oligoprogression - the first-line approach "
    "is local therapy plus the current agent, and radiation therapy relieves pain at bone lesions; symptoms "
    "strengthen the case for radiotherapy at that lesion.", join(REF_004, REF_002))
SYMPTOMATIC_LESION = Item("Symptomatic: radiation therapy relieves pain at bone lesions - a reason to treat this "
                          "lesion.", join(ASTRO_BONE, REF_002))
SYMPTOMATIC_LESION_OTHER = Item(
    "Symptomatic: symptoms are a reason to treat this lesion; for oligoprogression the first-line approach is local "
    "therapy plus the current agent.", REF_004)
SYMPTOMATIC_SYSTEMIC = Item(
    "Symptomatic systemic progression with multiple lesions: avoid continuing the same TKI without local therapy.",
    REF_004)
PRIMARY_RESISTANCE = Item(
    "Best response 'progression' (no response or stabilisation before this progression): primary resistance, not "
    "oligoprogression. SBRT while maintaining the agent is described for patients with an initial benefit "
    "(prolonged response or stabilisation); oligoprogression is the failure, after a benefit, of the initial "
    "systemic treatment at a limited number of sites.", join(REF_003, REF_001))
BEST_RESPONSE_BENEFIT = Item(
    "Best response '{response}' before this progression: an initial benefit, as the sources require "
    "(prolonged response or stabilisation on immunotherapy; initial response on targeted therapy).", REF_003)
BEST_RESPONSE_UNKNOWN_IO = Item(
    "Best response on immunotherapy not recorded: not yet assessable until it is. SBRT while maintaining "
    "immunotherapy is described after a prolonged response or stabilisation (Seed 003), and the SITC definitions "
    "separate primary resistance (best response progression, or stable disease for < 6 months) from secondary "
    "resistance (response or stable disease for > 6 months) by that response: record it.", join(REF_003, SITC_IO))
#: Months that separate primary from secondary resistance in the SITC definitions (SITC_IO Table 1: SD for
#: < 6 months is primary resistance; SITC_CHEMO_IO Table 3: progression at <= 6 months is primary resistance
#: regardless of best response).
SITC_MONTHS = 6.0
SITC_PRIMARY_IO = Item(
    "Best response 'stable' for {months:g} months on immunotherapy before this progression: stable disease for "
    "< 6 months is primary resistance in the SITC definitions (drug exposure >= 6 weeks; best response progression "
    "or stable disease for < 6 months), not the initial benefit SBRT-plus-immunotherapy presupposes.",
    join(SITC_IO, REF_003))
SITC_PRIMARY_CHEMO_IO = Item(
    "Progression after {months:g} months on chemo-immunotherapy: progression at <= 6 months is primary resistance in "
    "the SITC definitions for immune checkpoint inhibitor-chemotherapy combinations, regardless of best response; "
    "not the initial benefit SBRT-plus-immunotherapy presupposes.", join(SITC_CHEMO_IO, REF_003))
SITC_SHORT_RESPONSE_IO = Item(
    "Best response '{response}' but only {months:g} months on immunotherapy: SITC's secondary (acquired) resistance "
    "requires >= 6 months of exposure with a response or stable disease for > 6 months; this benefit is shorter - "
    "weigh it at the MDT.", SITC_IO)
BEST_RESPONSE_UNKNOWN = Item(
    "Best response on the current agent not recorded: oligoprogression presupposes an initial benefit (response "
    "or stabilisation); record it.", REF_003)
REBIOPSY_PENDING = Item(
    "Transformation suspected and the rebiopsy result is not recorded: the verdict stays pending until it is "
    "(rebiopsy rules out transformation, e.g. to small cell histology, or detects resistance mechanisms); decide on "
    "local therapy with continuation of the {therapy} once the result is known (the source says to consider "
    "rebiopsy, not to stop the drug).", REF_004)
REBIOPSY_TRANSFORMATION = Item(
    "Rebiopsy shows transformation: not oligoprogression on the same agent - change systemic therapy based on the "
    "histology and molecular profiling results.", REF_004)
REBIOPSY_NO_TRANSFORMATION = Item("Rebiopsy: no transformation - the oligoprogression approach stands.", REF_004)
REBIOPSY_MUTATION = Item(
    "Rebiopsy found the resistance mutation {mutation}: local therapy to the progressing sites remains the "
    "first-line approach for oligoprogression; the mutation guides the next TKI.", REF_004)
WORKUP_FIRST = Item(
    "Not yet assessable: step 1 is a comprehensive assessment - complete imaging to confirm oligoprogressive "
    "disease, and CNS imaging (essential, particularly on TKIs). Missing: {missing}.", REF_004)
CNS_BRANCH = Item(
    "{k} brain lesion(s) progressing: CNS progression is its own branch, counted apart from the extracranial "
    "sites (Weickhardt 2012: non-leptomeningeal CNS and/or <= 4 extra-CNS sites); for CNS progression SRS or "
    "surgery is preferred over whole-brain radiotherapy when feasible.", join(WEICKHARDT, REF_004))
#: ASTRO 2022 (ASTRO_BRAIN), intact brain metastases, ECOG 0-2: SRS recommended for up to 4 (strong), conditionally
#: recommended for 5-10 (conditional, low-quality evidence). Above 10 the guideline recommends no SRS.
BRAIN_SRS_RECOMMENDED_MAX = 4
BRAIN_SRS_CONDITIONAL_MAX = 10
BRAIN_CONDITIONAL = Item(
    "{k} brain lesions: for 5-10 intact brain metastases (ECOG 0-2) SRS is only conditionally recommended "
    "(low-quality evidence); up to 4 it is recommended.", ASTRO_BRAIN)
BRAIN_TOO_MANY = Item(
    "{k} brain lesions: ASTRO 2022 recommends SRS for up to 4 intact brain metastases and conditionally for 5-10 "
    "(ECOG 0-2); above 10 it makes no SRS recommendation, so the decision (whole-brain radiotherapy, CNS-active "
    "systemic therapy, SRS) is the multidisciplinary team's, not a site-by-site SRS plan.", ASTRO_BRAIN)
CNS_ONLY = Item(
    "Only CNS lesions progress and the extracranial disease is controlled: CNS oligoprogression - SRS (or surgery) "
    "to the brain lesions while continuing the current agent.", join(REF_004, WEICKHARDT))
REST_NOT_CONTROLLED = Item(
    "The rest of the disease is not controlled: this is not oligoprogression, which requires otherwise "
    "controlled disease.", REF_004)
SYSTEMIC_TOO_MANY = Item(
    "{n} progressing or new sites exceed the {definition} definition (at most {max_sites}): systemic "
    "progression; change systemic therapy.", join(REF_004, REF_000))
STRICT_WOULD_ALLOW = Item(
    "Under the extended definition (<= 5 sites: CURB, HALT, ASTRO/ESTRO) these {n} sites would count as "
    "oligoprogression; the case uses the strict definition (max_sites = 3).", join(CURB, HALT, ASTRO_ESTRO))
NO_PROGRESSION = Item(
    "No progressing or new lesion recorded and the rest of the disease is controlled: no progression; continue "
    "the current agent.", REF_000)
NEW_LESIONS = Item(
    "{k} new lesion(s) count as sites of progression: new isolated lesions in otherwise controlled disease are an "
    "opportunity for loco-regional treatment.", REF_001)
PRIOR_BENEFIT = Item(
    "{months:g} months of benefit on the current agent before this progression: prior response to therapy is a "
    "selection factor (no cut-off is given; median time to first oligoprogression on targeted therapy was "
    "9.8 months).", REF_004)
PRIOR_BENEFIT_IO = Item(
    "{months:g} months on immunotherapy before this progression: the SBRT-plus-immunotherapy approach applies to "
    "patients who had an initial benefit (prolonged response or stabilisation; Seed 003 gives no cut-off); the SITC "
    "definitions put the line between primary and secondary resistance at 6 months.", join(REF_003, SITC_IO))
TKI_WITHOUT_DRIVER = Item(
    "A TKI is recorded with driver '{driver}': check the molecular profile; the TKI-specific rules assume an "
    "oncogene-driven tumour.", join(REF_004, TOOL))

# --- work-up --------------------------------------------------------------------------------

WORKUP_CNS_TKI = Item("CNS imaging (brain MRI): essential, particularly on TKIs.", REF_004)
WORKUP_CNS_OTHER = Item("CNS imaging (brain MRI): recommended; essential, particularly on TKIs.", REF_004)
WORKUP_STAGING = Item(
    "Complete staging (imaging of the whole disease, e.g. PET-CT, CT, bone scan) to confirm that progression is "
    "limited.", join(REF_004, REF_002))
WORKUP_REBIOPSY_TRANSFORMATION = Item(
    "Rebiopsy to rule out transformation (e.g. to small cell histology) or to detect the resistance mechanism.",
    REF_004)
WORKUP_REBIOPSY_PROFILE = Item(
    "Rebiopsy / molecular profiling of the progression: the next systemic therapy is chosen on molecular "
    "profiling results.", REF_004)
WORKUP_REBIOPSY_SELECTED = Item(
    "Consider rebiopsy in selected cases to detect resistance mechanisms (resection of an isolated lesion also "
    "provides tissue).", REF_004)
WORKUP_MDT = Item("Multidisciplinary discussion of the treatment decision.", REF_004)
WORKUP_TRIAL = Item("Consider inclusion in a clinical trial when available.", REF_004)

# --- per-site local therapy -----------------------------------------------------------------

SRS = "SRS"
HSRT = "HSRT"
SBRT = "SBRT"
BRAIN = Item("SRS: for CNS progression, stereotactic radiosurgery (or surgery) is preferred over whole-brain radiotherapy when "
             "feasible.", REF_004)
BRAIN_IO = Item("Little evidence exists on the efficacy and safety of combining immunotherapy and SRS for NSCLC "
                "brain metastases (trials ongoing).", REF_003)
SBRT_SITE = Item(
    "SBRT: definitive local therapy to the site of progression (SBRT or surgery; preferably radiation therapy); "
    "typical 36 Gy in 3 fractions, range 24-50 Gy in 3-6 fractions.", join(REF_004, REF_001))
BONE_SBRT = Item("Radiation therapy targets bone lesions, relieves pain, strengthens the bone and lowers the "
                 "fracture risk.", REF_002)
SURGERY_ALTERNATIVE = Item(
    "Surgery is an alternative for an isolated lesion where complete resection is feasible; it provides tissue "
    "for molecular analysis of resistance (consider fitness, location, critical structures).", REF_004)
STABILISATION = Item("Weight-bearing bone at high risk of fracture: consider surgical stabilisation (both "
                     "conditions recorded).", REF_002)
STABILISATION_UNKNOWN = Item(
    "Record whether the lesion is in a weight-bearing bone and whether it is at high risk of fracture: surgical "
    "stabilisation may be necessary for weight-bearing bones at high risk of breaking (both conditions).", REF_002)
BONE_AGENTS = Item("Consider bone-modifying agents (bisphosphonates or denosumab) to reduce skeletal events.",
                   REF_002)
REIRRADIATION = Item(
    "Previously irradiated: a spot can be treated more than once, but check the cumulative dose to the organs at "
    "risk (sbrt-calc cumulative) before re-irradiation.", join(REF_000, TOOL))
NO_PRESETS = "no presets for this site"

# --- next steps -----------------------------------------------------------------------------

NEXT_CONTINUE_TKI = Item("After local therapy, continue the current TKI (EGFR or ALK TKI after local therapy to "
                         "the sites of progression).", REF_004)
NEXT_CONTINUE_IO = Item("After SBRT, maintain the same immunotherapy.", REF_003)
NEXT_CONTINUE_OTHER = Item("After local therapy, continue the current systemic therapy, which otherwise works.",
                           REF_000)
NEXT_CONTINUE = Item("Continue the current systemic therapy.", REF_000)
NEXT_SWITCH = Item("Systemic progression: change systemic therapy based on molecular profiling results; consider "
                   "chemotherapy options as per NCCN guidelines.", REF_004)
NEXT_AVOID_SAME_TKI = SYMPTOMATIC_SYSTEMIC
NEXT_REBIOPSY_PENDING = Item("Record the rebiopsy result; decide on local therapy with continuation of the "
                             "{therapy} once the result is known.", REF_004)
NEXT_LEPTOMENINGEAL = Item("Leptomeningeal disease: consider a CNS-penetrant next-generation TKI.", REF_004)
NEXT_CNS_FIRST = Item("Complete the blocking work-up (listed above), then reassess.", REF_004)
NEXT_MDT = Item("Discuss at the multidisciplinary tumour board.", REF_004)
NEXT_EGFR_THIRD_GEN = Item(
    "EGFR: after resistance to a first- or second-generation TKI, a third-generation inhibitor such as "
    "osimertinib offers renewed options; choose on the molecular profile of the resistance.", join(REF_002, REF_004))
NEXT_ALK_LORLATINIB = Item("ALK: after progression on alectinib, brigatinib or ceritinib, consider switching to "
                           "lorlatinib.", REF_004)
NEXT_ALK_G1202R = Item("ALK G1202R: lorlatinib is particularly effective against this resistance mutation.",
                       REF_004)
NEXT_ALK_LATER = Item("ALK, at a later systemic progression: after alectinib, brigatinib or ceritinib, consider "
                      "lorlatinib.", REF_004)
NEXT_AFTER_TARGETED = Item(
    "After targeted treatments are exhausted, chemotherapy remains an option; some patients respond to "
    "platinum-based regimens or immunotherapy, especially with PD-L1 expression.", REF_002)

#: First- and second-generation EGFR TKIs (for NEXT_EGFR_THIRD_GEN).
EGFR_EARLY_TKIS = ("erlotinib", "gefitinib", "afatinib", "dacomitinib", "icotinib")
#: ALK TKIs after which Seed 004 suggests lorlatinib.
ALK_BEFORE_LORLATINIB = ("alectinib", "brigatinib", "ceritinib")

# --- evidence and caveats -------------------------------------------------------------------

EVIDENCE_TKI = (
    Item("Local ablative treatment (surgery or radiotherapy) with continued TKI (crizotinib for ALK, n=38; "
         "erlotinib for EGFR, n=27) gave approximately 6 months of additional disease control.", REF_001),
    Item("Median time to first oligoprogression 9.8 months; median duration of targeted therapy beyond "
         "progression 6.2 months.", REF_004),
    Item("Local ablative therapy of oligoprogressive disease (non-leptomeningeal CNS and/or <= 4 extra-CNS sites) "
         "on TKIs: PFS2 6.2 months.", WEICKHARDT),
)
EVIDENCE_IO = (
    Item("Oligoprogression treated with continued immunotherapy plus local radiotherapy: PFS 12.9 vs 10.0 months "
         "and OS 26.3 vs 18.5 months compared to other approaches.", REF_004),
    Item("NSCLC with high PD-L1 progressing on first-line pembrolizumab: 9 patients with oligoprogression received "
         "ablative RT and continued pembrolizumab; 12-month post-progression survival 71% (Metro et al.).",
         REF_003),
)
EVIDENCE_ALL = (
    Item("CURB (randomised phase II, <= 5 progressing lesions): SBRT plus standard of care, NSCLC PFS 10.0 vs "
         "2.2 months (HR 0.41); no benefit in breast cancer.", CURB),
    Item("SBRT dose: typical 36 Gy in 3 fractions (range 24-50 Gy in 3-6 fractions); a higher BED10 correlates "
         "with better outcomes (Seed 004: \"BED10 >70\").", REF_004),
)
CAVEATS = (
    Item("Most evidence for oligoprogression management is retrospective or from small prospective series.",
         REF_004),
    Item("Patient selection is critical: consider performance status, disease burden and prior response to "
         "therapy.", REF_004),
    Item("Treatment decisions should involve multidisciplinary discussion; consider clinical trials when "
         "available.", REF_004),
    Item("Decision support for qualified clinicians, not a decision: check every reason against its source.",
         TOOL),
)
CAVEAT_IO = Item("For immunotherapy responders who oligoprogress the approach is not yet defined; evidence is "
                 "limited while prospective trials are ongoing.", REF_003)
CAVEAT_CHEMO = Item("On chemotherapy alone the reference documents give no specific outcome figures for "
                    "oligoprogression.", join(REF_000, TOOL))
