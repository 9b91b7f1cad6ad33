"""Runs the active rules in the same pass as schema validation, dispatched by event type.

Dispatch tables are built once per (policy, API version): a rule that does not
apply to an event's type, or that is off, is never called for it.
"""

from __future__ import annotations

from typing import Any

from ..config import Policy
from ..findings import Problem
from ..model import CONTAINER_KEYS, SDE_TYPES
from . import events as _events  # noqa: F401 - registers the built-in event rules
from . import records as _records  # noqa: F401 - registers the built-in record rules
from .base import EVENT_RULES, RECORD_RULES, EventContext, RecordContext
from .catalogue import RuleSpec
from .custom import CustomRule



def _emit(name: str, hits: list, out: list[Problem]) -> None:
    for hit in hits:
        out.append(Problem(hit[0], name, hit[1], value=hit[2], at_key=len(hit) > 3 and hit[3]))


class RuleEngine:
    def __init__(self, policy: Policy, specs: dict[str, RuleSpec]) -> None:
        self.policy = policy
        self.specs = specs
        self._tables: dict[str, tuple[dict[str, list], list]] = {}

    def _applies(self, spec: RuleSpec, version: str) -> bool:
        return self.policy.active(spec.name) and version in spec.api_versions

    def _table(self, version: str) -> tuple[dict[str, list], list]:
        table = self._tables.get(version)
        if table is not None:
            return table
        by_key: dict[str, list] = {key: [] for key in CONTAINER_KEYS}
        record_rules: list = []
        for name, spec in self.specs.items():
            if not self._applies(spec, version):
                continue
            params = self.policy.params(name)
            allowed = {SDE_TYPES[t] for t in spec.sde_types} if spec.sde_types else CONTAINER_KEYS
            if name in EVENT_RULES:
                fn, keys = EVENT_RULES[name]
                for key in keys & allowed:
                    by_key[key].append((name, fn, params))
            if name in RECORD_RULES:
                record_rules.append((name, RECORD_RULES[name], params))
            custom = spec.docs.get("custom")
            if isinstance(custom, CustomRule):
                if custom.root == "record":
                    record_rules.append((name, _record_custom(custom), params))
                else:
                    for key in (CONTAINER_KEYS if custom.root == "*" else {custom.root}) & allowed:
                        by_key[key].append((name, _event_custom(custom), params))
        table = self._tables[version] = (by_key, record_rules)
        return table

    def prepare(self, version: str) -> None:
        """Build the dispatch tables now (before worker processes fork)."""
        self._table(version)

    def check_event(self, version: str, section: str | None, pointer: str, event: Any, out: list[Problem], longest_string: int | None = None) -> None:
        if not isinstance(event, dict):
            return
        sde_type = event.get("sdeType")
        key = SDE_TYPES.get(sde_type) if isinstance(sde_type, str) else None
        if key is None:
            present = [k for k in event if k in CONTAINER_KEYS]
            if len(present) != 1:
                return
            key = present[0]
        table = self._tables.get(version) or self._table(version)
        rules = table[0][key]
        if not rules:
            return
        ctx = EventContext(version, section, pointer, event, key, longest_string)
        for name, fn, params in rules:
            hits = fn(ctx, params)
            if hits:
                _emit(name, hits, out)

    def check_record(self, version: str, pointer: str, record: Any, sections: tuple[str, ...], out: list[Problem]) -> None:
        rules = self._table(version)[1]
        if not rules or not isinstance(record, dict):
            return
        ctx = RecordContext(version, pointer, record, sections)
        for name, fn, params in rules:
            hits = fn(ctx, params)
            if hits:
                _emit(name, hits, out)


def _event_custom(rule: CustomRule):
    def run(ctx: EventContext, params: dict):
        if ctx.container is None:
            return None
        base, base_pointer, path = rule.base(ctx.key, ctx.container, ctx.container_pointer)
        return rule.evaluate(base, base_pointer, path)

    return run


def _record_custom(rule: CustomRule):
    def run(ctx: RecordContext, params: dict):
        return rule.evaluate(ctx.record, ctx.pointer, rule.path)

    return run
