"""sbrt_calc: SBRT fractionation planning for oligoprogressive metastatic NSCLC.

Decision support for qualified clinicians, not a decision: every result names its model,
its parameters and its sources. The core is pure numpy (no Qt, no scipy at import).
"""

__version__ = "0.1.0"

DISCLAIMER = (
    "sbrt-calc is decision support for qualified clinicians. It does not replace clinical "
    "judgement, a multidisciplinary discussion or the treatment planning system. Radiobiological "
    "models (LQ, LQ-L, USC) are uncertain at SBRT doses per fraction; check every number and its "
    "source before clinical use."
)

__all__ = ["__version__", "DISCLAIMER"]
