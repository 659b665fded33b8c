"""Text from files shown on a terminal: control characters escaped, so that a structure name or a
label can never move the cursor, recolour, retitle or clear the user's terminal.

ECMA-48 (ISO/IEC 6429) control functions start with a C0 control (U+0000-U+001F, e.g. ESC
U+001B, BEL U+0007, CR U+000D, BS U+0008), DEL (U+007F) or a C1 control (U+0080-U+009F, e.g.
CSI U+009B, OSC U+009D); Unicode bidirectional format characters (U+202A-U+202E, U+2066-U+2069,
U+200E, U+200F, U+061C; Unicode TR#9) reorder what is shown ("Trojan Source", CVE-2021-42574). Each
is replaced by a visible escape (``\\x1b``, ``\\u202e``); everything else is kept as is.
"""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_UNSAFE_KEEP_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def terminal_safe(text: str, *, keep_newlines: bool = False) -> str:
    """*text* with every terminal control character shown as an escape (``"\\x1b"``).

    Parameters
    ----------
    text : str
        Text that comes from a file (structure names, labels, paths, messages quoting them).
    keep_newlines : bool
        Keep line feeds and tabs (for a whole rendered table); carriage returns are escaped always.

    Examples
    --------
    >>> terminal_safe("PTV\\x1b[2J")
    'PTV\\\\x1b[2J'
    """
    return (_UNSAFE_KEEP_LINES if keep_newlines else _UNSAFE).sub(_escape, str(text))
