"""Organ-at-risk constraints for a fraction count, from the published sets in ``presets/``.

Where a set gives a column for the requested fraction count, its own limits are returned with
their marks (``printed``, ``secondary``, ``recalled``). Where it does not, the program says so
and *offers* LQ-converted limits, marked ``converted`` and never presented as the source's, only
within these bounds (issue 11; otherwise no limit is invented and the output says the set has
none for this fraction count):

- the fraction count lies within the source's range of columns, and each limit is converted from
  a neighbouring column (at most one column step: TG-101's 1/3/5 give 2 and 4; a 30-fraction
  plan gets no SBRT limit);
- for serial organs (dose limits: point maxima and small-volume doses) neither the source's nor
  the converted dose per fraction is above :data:`MAX_CONVERSION_DOSE_PER_FRACTION_GY` (10 Gy):
  LQ is reasonably well validated up to about 10 Gy per fraction (Brenner DJ, Semin Radiat Oncol
  2008;18:234-239). The conversion keeps the BED of the source limit, assuming the limit
dose is delivered in equal fractions (Fowler JF, Br J Radiol 1989;62:679-694)::

    BED = D_m (1 + D_m / (m alpha/beta))      ->      D_n with the same BED in n fractions

at each alpha/beta of the range (default 2 and 3 Gy, late-responding tissue), and the
conservative (lowest) of those is reported as the converted limit. LQ is uncertain above about
8-10 Gy per fraction (Kirkpatrick JP et al., Semin Radiat Oncol 2008;18:240-243), which is where
single-fraction limits live: converted limits are a starting point for a physicist, not a limit.

Limits that are percentages (V20Gy[%] < 10, Max[%] <= 105) are not doses and are not converted;
for V/CV metrics the dose in the metric name is converted instead (CV7Gy[cc] -> CV10.5Gy[cc]).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.presets.loader import active_presets
from sbrt_calc.presets.model import CONVERTED, Constraint, ConstraintSet, PresetSet, UnresolvedLimit, parse_metric
from sbrt_calc.radiobiology.lq import bed, dose_per_fraction_for_bed
from sbrt_calc.regimen import MAX_FRACTIONS, fractions_text

#: alpha/beta range (Gy) used for LQ-converted limits: late-responding normal tissue.
DEFAULT_CONVERSION_ALPHA_BETAS_GY: tuple[float, ...] = (2.0, 3.0)
#: Serial-organ limits are not converted where the source's or the converted dose per fraction
#: is above this (Brenner DJ, Semin Radiat Oncol 2008;18:234-239: LQ reasonably well validated up
#: to about 10 Gy per fraction).
MAX_CONVERSION_DOSE_PER_FRACTION_GY = 10.0


class ConstraintLookupError(SbrtCalcError):
    """A constraint lookup that cannot be answered (bad fraction count, unknown set)."""


@dataclass(frozen=True)
class SetLookup:
    """The constraints of one set for one fraction count.

    ``has_column`` is True when the source gives that fraction count; otherwise ``constraints``
    holds LQ-converted limits (each ``converted=True``) from ``converted_from`` columns, and
    ``not_converted`` lists the limits that cannot be converted (percentages).
    """

    set: ConstraintSet
    fractions: int
    has_column: bool
    constraints: tuple[Constraint, ...]
    message: str
    converted_from: tuple[int, ...] = ()
    not_converted: tuple[Constraint, ...] = ()
    not_converted_reasons: tuple[str, ...] = ()
    unresolved: tuple[UnresolvedLimit, ...] = ()

    @property
    def omitted(self) -> tuple[str, ...]:
        """What the set leaves out (from the preset file)."""
        return self.set.omitted


def convert_dose(dose_gy: float, from_fractions: int, to_fractions: int, alpha_beta_gy: float) -> float:
    """Total dose in *to_fractions* with the same LQ BED as *dose_gy* in *from_fractions*, Gy.

    Examples
    --------
    >>> round(convert_dose(14.0, 1, 3, 3.0), 2)
    22.59
    """
    b = float(bed(dose_gy, dose_gy / from_fractions, alpha_beta_gy))
    return float(dose_per_fraction_for_bed(b, to_fractions, alpha_beta_gy)) * to_fractions


def _nearest_columns(columns: Sequence[int], n: int) -> tuple[int, ...]:
    best = min(abs(c - n) for c in columns)
    return tuple(sorted(c for c in columns if abs(c - n) == best))


def _why_not(c: Constraint, n: int, alpha_betas: Sequence[float]) -> str | None:
    """Why a limit is not converted to n fractions (None: it may be)."""
    metric = parse_metric(c.metric)
    if metric is None or not (metric.limit_is_dose_gy or (metric.name_holds_dose_gy and metric.number is not None)):
        return "a percentage, not a dose"
    if metric.limit_is_dose_gy:
        cap = MAX_CONVERSION_DOSE_PER_FRACTION_GY
        if c.limit / c.fractions > cap:
            return f"serial organ, {c.limit / c.fractions:.1f} Gy per fraction in the source: above {cap:g} Gy, LQ not used"
        worst = max(convert_dose(c.limit, c.fractions, n, ab) for ab in alpha_betas) / n
        if worst > cap:
            return f"serial organ, converted dose {worst:.1f} Gy per fraction: above {cap:g} Gy, LQ not used"
    return None


def _convert(c: Constraint, n: int, alpha_betas: Sequence[float]) -> Constraint | None:
    metric = parse_metric(c.metric)
    if metric is None:
        return None
    note = (f"LQ-CONVERTED by sbrt-calc from the {c.fractions}-fraction limit {c.metric} {c.comparison} "
            f"{c.limit:g} {c.unit} at alpha/beta {', '.join(format(a, 'g') for a in alpha_betas)} Gy "
            f"(lowest kept); NOT a value of the source")
    if metric.limit_is_dose_gy:
        values = tuple((float(ab), convert_dose(c.limit, c.fractions, n, ab)) for ab in alpha_betas)
        limit = min(v for _, v in values)
        ab_used = min(values, key=lambda t: t[1])[0]
        return replace(c, limit=limit, fractions=n, converted=True, converted_from_fractions=c.fractions,
                       converted_from_limit=c.limit, converted_from_metric=c.metric, alpha_beta_gy=ab_used,
                       limits_by_alpha_beta=values, verification=CONVERTED,
                       note=(c.note + "; " if c.note else "") + note)
    if metric.name_holds_dose_gy and metric.number is not None:
        values = tuple((float(ab), convert_dose(metric.number, c.fractions, n, ab)) for ab in alpha_betas)
        # the dose in the name is a threshold the volume must stay under (CV) or a level whose
        # volume is capped (V): the conservative choice is the lowest dose either way.
        dose = min(v for _, v in values)
        ab_used = min(values, key=lambda t: t[1])[0]
        new_metric = f"{metric.kind}{dose:.1f}Gy[{metric.unit}]"
        return replace(c, metric=new_metric, fractions=n, converted=True, converted_from_fractions=c.fractions,
                       converted_from_limit=c.limit, converted_from_metric=c.metric, alpha_beta_gy=ab_used,
                       limits_by_alpha_beta=values, verification=CONVERTED,
                       note=(c.note + "; " if c.note else "") + note.replace("limit ", "dose level of "))
    return None


def lookup_set(cset: ConstraintSet, fractions: int,
               alpha_betas: Sequence[float] = DEFAULT_CONVERSION_ALPHA_BETAS_GY) -> SetLookup:
    """Constraints of *cset* for *fractions*: the source's own, or LQ-converted ones (labelled).

    Parameters
    ----------
    cset : ConstraintSet
        A set loaded from the presets.
    fractions : int
        Fraction count, 1-100.
    alpha_betas : sequence of float
        alpha/beta values (Gy) for conversion; the lowest converted limit is kept.
    """
    _check_fractions(fractions)
    alpha_betas = _check_alpha_betas(alpha_betas)
    own = cset.for_fractions(fractions)
    unresolved = cset.unresolved_for(fractions)
    if own:
        return SetLookup(cset, fractions, True, own,
                         f"{cset.name}: {len(own)} limits for {fractions_text(fractions)}, as given by the source.",
                         unresolved=unresolved)
    given = ", ".join(str(c) for c in cset.fractions)
    if not min(cset.fractions) <= fractions <= max(cset.fractions):
        return SetLookup(cset, fractions, False, (),
                         f"{cset.name} has no limits for {fractions} fractions: it gives {given}, and {fractions} is "
                         "outside the fraction range the source covers, so no limit is converted or invented.")
    cols = _nearest_columns(cset.fractions, fractions)
    skipped: list[Constraint] = []
    reasons: list[str] = []
    by_ident: dict[tuple[str, str, float | None], Constraint] = {}
    for col in cols:
        for c in cset.for_fractions(col):
            why = _why_not(c, fractions, alpha_betas)
            conv = None if why is not None else _convert(c, fractions, alpha_betas)
            if conv is None:
                skipped.append(c)
                reasons.append(f"{c.organ} {c.text} ({c.fractions} fx): {why or 'not convertible'}")
                continue
            ident = _identity(c)
            prev = by_ident.get(ident)
            # two nearest columns (e.g. 1 and 3 for 2 fractions): keep the more conservative
            if prev is None or _more_conservative(conv, prev):
                by_ident[ident] = conv
    converted = list(by_ident.values())
    ab_text = "-".join(format(a, "g") for a in (min(alpha_betas), max(alpha_betas))) if len(alpha_betas) > 1 \
        else format(alpha_betas[0], "g")
    msg = (f"{cset.name} gives no {fractions}-fraction column (it gives {given}). "
           f"The limits below are LQ-CONVERTED by this program from the neighbouring "
           f"{' and '.join(map(str, cols))}-fraction column{'s' if len(cols) > 1 else ''} at alpha/beta {ab_text} Gy "
           "(lowest kept), marked 'converted': they are NOT the source's values.")
    if skipped:
        msg += (f" {len(skipped)} limit(s) are not converted (percentages, or serial-organ doses above "
                f"{MAX_CONVERSION_DOSE_PER_FRACTION_GY:g} Gy per fraction where LQ is not used).")
    return SetLookup(cset, fractions, False, tuple(converted), msg, cols, tuple(skipped), tuple(reasons))


def _identity(c: Constraint) -> tuple[str, str, float | None]:
    """What makes two limits from different columns "the same limit".

    For a dose limit it is the organ and the metric (``D0.35cc[Gy]``). Where the dose is in the
    metric's name (``CV10.5Gy[cc]``, ``V20Gy[%]``) conversion changes the name, so it is the organ,
    the metric kind and the limit (1500 cc): the 3- and 5-fraction lung rows then merge into one.
    """
    parsed = parse_metric(c.metric)
    if parsed is not None and parsed.name_holds_dose_gy:
        return (c.organ, f"{parsed.kind}[{parsed.unit}]", c.limit)
    return (c.organ, c.metric, None)


def _more_conservative(a: Constraint, b: Constraint) -> bool:
    pa, pb = parse_metric(a.metric), parse_metric(b.metric)
    if pa is not None and pb is not None and pa.name_holds_dose_gy and pb.name_holds_dose_gy:
        return (pa.number or 0.0) < (pb.number or 0.0)
    return a.limit < b.limit


def constraints_for(fractions: int, set_key: str | None = None, *, presets: PresetSet | None = None,
                    alpha_betas: Sequence[float] = DEFAULT_CONVERSION_ALPHA_BETAS_GY) -> list[SetLookup]:
    """The organ-at-risk constraints for a fraction count, per set.

    Parameters
    ----------
    fractions : int
        Number of fractions (1-100).
    set_key : str, optional
        ``"tg101"``, ``"rtog0915"``, ``"rtog0813"``, ``"nccn"``, ``"hytec_cord"`` or a user set;
        default: every set.
    presets : PresetSet, optional
        Default :func:`sbrt_calc.presets.loader.active_presets` (shipped + user).
    alpha_betas : sequence of float
        alpha/beta range for converted limits (default 2 and 3 Gy).

    Returns
    -------
    list of SetLookup
        One per set; each constraint carries organ, metric, limit, unit, fractions, source and
        ``converted``.

    Raises
    ------
    ConstraintLookupError
        For a fraction count outside 1-100 or bad alpha/beta.
    PresetError
        For an unknown set key or broken preset files.
    """
    _check_fractions(fractions)
    ps = presets if presets is not None else active_presets()
    sets = [ps.constraint_set(set_key)] if set_key is not None else list(ps.constraint_sets)
    return [lookup_set(s, fractions, alpha_betas) for s in sets]


def known_organs(presets: PresetSet | None = None) -> tuple[str, ...]:
    """Every organ any constraint set gives a limit for (TG-263 names, file order)."""
    ps = presets if presets is not None else active_presets()
    return tuple(dict.fromkeys(o for s in ps.constraint_sets for o in s.organs))


def resolve_organ(name: str, presets: PresetSet | None = None) -> str:
    """The TG-263 name of ``name`` among the organs of the constraint sets (any case, common spellings).

    Raises
    ------
    OrganError
        For an organ no set knows, listing the known ones.
    """
    from sbrt_calc.planning.organs import match_organ

    return match_organ(name, known_organs(presets))


def _check_fractions(fractions: int) -> None:
    if isinstance(fractions, bool) or not isinstance(fractions, int) or not 1 <= fractions <= MAX_FRACTIONS:
        raise ConstraintLookupError(
            f"fractions must be a whole number from 1 to {MAX_FRACTIONS}, got {fractions!r}",
            field="fractions", value=fractions, allowed=f"an integer from 1 to {MAX_FRACTIONS}")


def _check_alpha_betas(alpha_betas: Sequence[float]) -> tuple[float, ...]:
    from sbrt_calc.errors import ModelParameterError
    from sbrt_calc.radiobiology.ranges import check_range

    out = []
    for ab in alpha_betas:
        try:   # the range every calculation applies (compare refuses 100 too)
            out.append(check_range("alpha_beta_gy", ab, "alpha/beta"))
        except ModelParameterError as exc:
            raise ConstraintLookupError(exc.message, field="alpha_beta_gy", value=ab, allowed=exc.allowed) from None
    if not out:
        raise ConstraintLookupError("give at least one alpha/beta for conversion", field="alpha_beta_gy",
                                    value=alpha_betas, allowed="one or more numbers > 0 Gy")
    return tuple(out)
