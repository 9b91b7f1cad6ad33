"""The JSON Schema formats sdelint's schemas use, one function each: the fast and the detailed path take the same
functions, so they cannot disagree on them."""

from __future__ import annotations

import math
import re
import sys

# A number as the schemas' double pattern writes one (ASCII digits only: Python's float() also takes "1_000",
# " 12" and Arabic-Indic digits, which no Java consumer reads as a number)
NUMBER = re.compile(r"[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?\Z")

# The largest double (Double.MAX_VALUE): the schema's bound for a number, and the rules'; an integer between it and
# 2**1024 - 2**970 (which Java rounds down to it) is refused too, rather than a bound no JSON parser can read as a double
DOUBLE_MAX = sys.float_info.max


def within_double(text: object) -> bool:
    """Whether a numeric string is one a double holds: Java's Double.parseDouble (as Python's float) reads "1e400"
    as infinity, as a JSON parser reads the number 1e400. Anything else is left to the pattern and the type: True."""
    if type(text) is not str or ("e" not in text and "E" not in text and len(text) < 309):
        return True  # no exponent and under 309 characters: below 1e308
    return NUMBER.match(text) is None or math.isfinite(float(text))


FORMATS = {"double": within_double}
