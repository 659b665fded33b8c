"""How α/β is written: 'α/β' on the app's screens and in the PDF report, ASCII 'alpha/beta' in the CLI's text and
JSON (a terminal or a script may not take Greek letters).

The core writes its sentences and table texts in ASCII; the app and the report turn them into 'α/β' with
:func:`greek` where the text is shown, so the screen and the PDF say it one way (issue 21: "alpha/beta written
one way across the app"; the PDF said 'α/β' in its regimen sections and 'alpha/beta' in its plan-check,
planning and eligibility tables).
"""

from __future__ import annotations

import re

#: 'alpha/beta' as the core writes it (any case, optional spaces around the slash).
ALPHA_BETA_ASCII = re.compile(r"\balpha\s*/\s*beta\b", re.IGNORECASE)


def greek(text: str) -> str:
    """``text`` with every 'alpha/beta' written 'α/β' (unchanged when it has none)."""
    return ALPHA_BETA_ASCII.sub("α/β", text) if "/" in text else text
