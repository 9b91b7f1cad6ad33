"""Reporters by format name; each is one class behind ``Reporter``."""

from __future__ import annotations

from .base import Reporter, Summary, worst
from .json_report import JsonReporter
from .text import TextReporter

REPORTERS: dict[str, type[Reporter]] = {cls.name: cls for cls in (TextReporter, JsonReporter)}

__all__ = ["REPORTERS", "Reporter", "Summary", "worst"]
