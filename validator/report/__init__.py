"""Reporters by format name; each is one class behind ``Reporter``.

Classes are imported when a format is used, so a run pays only for its own.
``Summary`` and ``worst`` live in ``validator.result``; they are re-exported here for existing callers.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from ..result import Summary, worst
from .base import Reporter

_CLASSES = {
    "text": ("text", "TextReporter"),
    "json": ("json_report", "JsonReporter"),
    "json-lines": ("json_lines", "JsonLinesReporter"),
    "sarif": ("sarif", "SarifReporter"),
    "junit": ("junit", "JunitReporter"),
    "github": ("github", "GithubReporter"),
    "gitlab": ("gitlab", "GitlabReporter"),
    "html": ("html", "HtmlReporter"),
}


class _Registry(Mapping[str, type[Reporter]]):
    def __getitem__(self, name: str) -> type[Reporter]:
        module, cls = _CLASSES[name]
        reporter: type[Reporter] = getattr(importlib.import_module(f"{__name__}.{module}"), cls)
        return reporter

    def __iter__(self) -> Iterator[str]:
        return iter(_CLASSES)

    def __len__(self) -> int:
        return len(_CLASSES)


REPORTERS: Mapping[str, type[Reporter]] = _Registry()

__all__ = ["REPORTERS", "Reporter", "Summary", "worst"]
