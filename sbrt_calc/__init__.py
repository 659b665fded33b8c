"""sbrt_calc: SBRT fractionation planning for oligoprogressive metastatic NSCLC.

Decision support for qualified clinicians, not a decision: every result names its model,
its parameters and its sources. The core is pure numpy (no Qt, no scipy at import).
"""

import os as _os

__version__ = "0.3.0"

DISCLAIMER = (
    "sbrt-calc is decision support for qualified clinicians. It does not replace clinical "
    "judgement, a multidisciplinary discussion or the treatment planning system. Radiobiological "
    "models (LQ, LQ-L, USC) are uncertain at SBRT doses per fraction; check every number and its "
    "source before clinical use."
)

# In a source checkout (``python -m pytest`` from the repository root imports this folder, not the
# installed package) the app lives in the top-level ``gui/`` folder, which the wheel installs as
# ``sbrt_calc/gui``: let ``sbrt_calc.gui`` resolve to it there too.
_here = _os.path.dirname(_os.path.abspath(__file__))
_root = _os.path.dirname(_here)
if not _os.path.isdir(_os.path.join(_here, "gui")) and _os.path.isfile(_os.path.join(_root, "gui", "main_window.py")) \
        and _os.path.isfile(_os.path.join(_root, "pyproject.toml")):
    __path__.append(_root)  # noqa: F821

__all__ = ["__version__", "DISCLAIMER"]
