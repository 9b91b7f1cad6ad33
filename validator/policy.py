"""The effective rule settings for one file: what the engine and the reporters ask of a configuration.

Its own module so that the rules package can use it without importing the configuration loader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .findings import SEVERITY_RANK
from .globs import pointer_matches


@dataclass(frozen=True)
class Setting:
    severity: str
    params: dict[str, Any]


@dataclass
class Policy:
    """The effective configuration for one file."""

    api_version: str
    settings: dict[str, Setting]
    pointer_overrides: tuple[tuple[tuple[str, ...], dict[str, str]], ...] = ()
    key: tuple[int, ...] = ()
    min_severity: str = "info"  # findings below it are counted, never placed or shown
    profile: str = "auto"  # messaging, engagement-history, web, or auto: detect per input

    def severity(self, rule: str, pointer: str = "") -> str:
        setting = self.settings.get(rule)
        severity = setting.severity if setting else "error"
        for patterns, severities in self.pointer_overrides:
            if rule in severities and pointer_matches(pointer or "/", patterns):
                severity = severities[rule]
        return severity

    def severities(self) -> Callable[[str, str], str]:
        """``severity`` for many problems: without per-path overrides, looked up once per rule."""
        if self.pointer_overrides:
            return self.severity
        known: dict[str, str] = {}

        def of_rule(rule: str, pointer: str = "") -> str:
            severity = known.get(rule)
            if severity is None:
                severity = known[rule] = self.severity(rule)
            return severity

        return of_rule

    def shown(self, rule: str, pointer: str, severity: str | None = None) -> bool:
        """Whether a problem of ``rule`` at ``pointer`` (with its own ``severity``, if any) is reported at all."""
        severity = severity or self.severity(rule, pointer)
        return severity != "off" and SEVERITY_RANK[severity] >= SEVERITY_RANK[self.min_severity]

    def active(self, rule: str) -> bool:
        setting = self.settings.get(rule)
        if setting and setting.severity != "off":
            return True
        return any(sev.get(rule, "off") != "off" for _, sev in self.pointer_overrides)

    def params(self, rule: str) -> dict[str, Any]:
        setting = self.settings.get(rule)
        return setting.params if setting else {}
