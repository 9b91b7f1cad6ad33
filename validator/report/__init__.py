"""Reporters by format name; each is one class behind ``Reporter``."""

from __future__ import annotations

from .base import Reporter, Summary, worst
from .github import GithubReporter
from .gitlab import GitlabReporter
from .json_lines import JsonLinesReporter
from .json_report import JsonReporter
from .junit import JunitReporter
from .sarif import SarifReporter
from .text import TextReporter

REPORTERS: dict[str, type[Reporter]] = {
    cls.name: cls
    for cls in (TextReporter, JsonReporter, JsonLinesReporter, SarifReporter, JunitReporter, GithubReporter, GitlabReporter)
}

__all__ = ["REPORTERS", "Reporter", "Summary", "worst"]
