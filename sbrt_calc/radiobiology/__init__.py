"""Vectorized radiobiological formulas (numpy only): LQ, LQ-L, USC and the time correction."""

from sbrt_calc.radiobiology import lq, lql, time, usc

__all__ = ["lq", "lql", "time", "usc"]
