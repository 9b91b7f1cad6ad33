"""Every built-in rule, collected from the modules of ``rules.builtin`` (no registration by import side effect).

A module contributes ``RULE`` (one rule) or ``RULES`` (a family); the modules are read in name order.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from types import ModuleType

from . import builtin
from .base import Rule


def module_rules(module: ModuleType) -> list[Rule]:
    """The rules one module exposes; a module with neither ``RULE`` nor ``RULES`` is a helper."""
    rules: list[Rule] = list(getattr(module, "RULES", ()))
    if hasattr(module, "RULE"):
        rules.append(module.RULE)
    for rule in rules:
        if not isinstance(rule, Rule):
            raise TypeError(f"{module.__name__}: {rule!r} is not a Rule")
    return rules


@lru_cache(maxsize=1)
def builtin_rules() -> dict[str, Rule]:
    """name -> rule, for every module in the rules.builtin package."""
    found: dict[str, Rule] = {}
    for info in sorted(pkgutil.iter_modules(builtin.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{builtin.__name__}.{info.name}")
        for rule in module_rules(module):
            if rule.name in found:
                raise ValueError(f"rule {rule.name!r} is defined twice ({module.__name__})")
            found[rule.name] = rule
    return found
