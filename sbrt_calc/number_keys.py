"""The text of an alpha/beta (or any parameter) used as a key or in a label: distinct for distinct values.

``format(x, "g")`` keeps six significant digits, so alpha/beta 10 and 10.000001 both became
"10": in the JSON of ``compare`` one BED overwrote the other, and a column headed "BED10" held
the BED at 10.000001 Gy (issue 20). :func:`ab_key` keeps the short form ("10", "3", "2.5")
whenever it reads back as the same number and otherwise writes the shortest text that does
(Python's ``repr``, which round-trips every float: Steele & White 1990; Python 3.1 "What's New").
"""

from __future__ import annotations


def ab_key(value: float) -> str:
    """``format(value, "g")`` when it reads back as ``value``, else the shortest round-tripping text.

    >>> ab_key(10.0), ab_key(2.5), ab_key(10.000001), ab_key(1e-7)
    ('10', '2.5', '10.000001', '1e-07')
    """
    x = float(value)
    short = format(x, "g")
    if float(short) == x:
        return short
    text = repr(x)
    return text[:-2] if text.endswith(".0") else text
