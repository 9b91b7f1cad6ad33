"""Typed rule parameters: each knows its default and says why a configured value cannot be used.

The configuration validates every parameter through these, so a rule's contract lives with the rule.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any


class Param:
    """One parameter of a rule; ``problem`` returns None when ``value`` can be used."""

    __slots__ = ("default",)

    def __init__(self, default: Any) -> None:
        self.default = default
        assert self.problem(default) is None, f"{type(self).__name__} default {default!r} is not valid"

    def problem(self, value: Any) -> str | None:
        raise NotImplementedError


# An exponent YAML 1.1 reads as a string: no dot before it, or no sign in it (1e3, 1.5e3)
_YAML_TEXT_NUMBER = re.compile(r"[-+]?[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+")
# Past any parameter's sense (10^15 ms is 31,000 years) and within what every rule computes with
NUMBER_MAXIMUM = 1e15


class Number(Param):
    __slots__ = ("minimum",)

    def __init__(self, default: float, minimum: float = 0) -> None:
        self.minimum = minimum
        super().__init__(default)

    def problem(self, value: Any) -> str | None:
        if isinstance(value, str) and _YAML_TEXT_NUMBER.fullmatch(value.strip()):
            if not abs(float(value)) <= NUMBER_MAXIMUM:  # 1e999: no number to suggest writing instead
                return f"must be a finite number up to {NUMBER_MAXIMUM:g} (YAML 1.1 reads {value.strip()} as text)"
            return f"must be a number (YAML 1.1 reads {value.strip()} as text: write {float(value):.1e})"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "must be a number"
        if value != value or value in (math.inf, -math.inf):  # NaN, or .inf in YAML and inf in TOML
            return "must be a finite number"
        if value > NUMBER_MAXIMUM:  # a 400-digit integer does not even convert to a float
            return f"must be at most {NUMBER_MAXIMUM:g}"
        if value >= self.minimum:
            return None
        return "must not be negative" if self.minimum == 0 else f"must be at least {self.minimum}"


class Bool(Param):
    __slots__ = ()

    def problem(self, value: Any) -> str | None:
        return None if isinstance(value, bool) else "must be true or false"


class Choice(Param):
    __slots__ = ("values",)

    def __init__(self, default: str, values: tuple[str, ...]) -> None:
        self.values = values
        super().__init__(default)

    def problem(self, value: Any) -> str | None:
        return None if value in self.values else f"must be one of {', '.join(self.values)}"


class IsoDate(Param):
    """A calendar day; YAML may hand over a date object, hence the ``str``."""

    __slots__ = ()

    def problem(self, value: Any) -> str | None:
        try:
            date.fromisoformat(str(value))
        except ValueError:
            return "must be a date like 2000-01-01"
        return None


class StringList(Param):
    __slots__ = ()

    def problem(self, value: Any) -> str | None:
        return None if isinstance(value, list) and all(isinstance(v, str) for v in value) else "must be a list of strings"


class String(Param):
    __slots__ = ()

    def problem(self, value: Any) -> str | None:
        return None if isinstance(value, str) else "must be a string"


class CodeList(Param):
    """Documented codes a brand may extend: text codes, or integers a YAML file writes bare (0, 1, 2)."""

    __slots__ = ()

    def problem(self, value: Any) -> str | None:
        if isinstance(value, list) and all(isinstance(v, str) or (isinstance(v, int) and not isinstance(v, bool)) for v in value):
            return None
        return "must be a list of strings or integers"
