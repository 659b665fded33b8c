"""The alpha/beta of each structure in the plan check's EQD2, and where it comes from.

Targets (PTV/ITV/GTV/CTV) take the tumour alpha/beta, ``SpinalCord`` and ``SpinalCanal`` the presets'
spinal cord value (Sahgal A et al., IJROBP 2012;82:107-116: nBED at 2 Gy; the cord limits the planning
view sums in EQD2 are defined at it, :mod:`sbrt_calc.planning.cumulative`), every other structure the
organ (late-responding) alpha/beta. :func:`shipped` takes the tumour and organ values from
``presets/radiobiology.toml``; :func:`of_case` from a case's settings (the regimen table's tumour and
organ alpha/beta), so that a case with tumour alpha/beta 8 Gy reads EQD2 at 8 Gy for its PTV.
Each value carries its label ("case tumour alpha/beta"), shown beside the number it was used for.
"""

from __future__ import annotations

from dataclasses import dataclass

#: TG-263 names that take the presets' spinal cord value.
CORD_NAMES = ("SpinalCord", "SpinalCanal")


@dataclass(frozen=True)
class StructureAlphaBetas:
    """The alpha/beta (Gy) for targets, the spinal cord/canal and other organs, each with its label."""

    target_gy: float
    organ_gy: float
    cord_gy: float
    target_label: str = "presets' tumour alpha/beta"
    organ_label: str = "presets' organ alpha/beta"
    cord_label: str = "presets' spinal cord alpha/beta"

    def for_structure(self, is_target: bool, tg263_name: str | None) -> tuple[float, str]:
        """(alpha/beta Gy, its label) of a structure (module docstring)."""
        if is_target:
            return self.target_gy, self.target_label
        if tg263_name in CORD_NAMES:
            return self.cord_gy, self.cord_label
        return self.organ_gy, self.organ_label


def shipped() -> StructureAlphaBetas:
    """The presets' tumour, late-responding and spinal cord values (``presets/radiobiology.toml``)."""
    from sbrt_calc.presets.radiobiology import radiobiology

    rb = radiobiology()
    return StructureAlphaBetas(rb.tumour_alpha_beta_gy, rb.tissue("late").alpha_beta_gy,
                               rb.tissue("spinal_cord").alpha_beta_gy)


def of_case(tumour_alpha_beta_gy: float, organ_alpha_beta_gy: float) -> StructureAlphaBetas:
    """The case's tumour alpha/beta for targets and its organ alpha/beta for organs; the spinal cord/canal keep
    the presets' per-organ value (module docstring)."""
    return StructureAlphaBetas(float(tumour_alpha_beta_gy), float(organ_alpha_beta_gy), shipped().cord_gy,
                               "case tumour alpha/beta", "case organ alpha/beta")
