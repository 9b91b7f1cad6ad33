"""Custom rules written in YAML or TOML: *where* (a path) and *what* (a named check with options).

    where: cartStatus.products[*].product.price     # an attribute type, "*" (every type) or "record"
    check: range                                     # required, pattern, enum, length, range, compare
    options: {min: 0, max: 10000}

Paths on double-nested types start inside the attributes: ``personalInfo.contacts``
means ``personalInfo.personalInfo.contacts``; serverTimeStamp, originalTimeStamp
and isAuthenticated name the container's own members. Nothing here is
evaluated as code; messages may use {value} and {pointer}, nothing else
(also written {{value}} or { value }, as Spectral and ESLint users write them).

Patterns are matched by RE2 (google-re2): linear in the text, so a user's pattern cannot stall a
run or a server worker with backtracking; what RE2 cannot compile (backreferences, lookaround) is
refused at load.
"""

from __future__ import annotations

import datetime
import math
import operator
import re
from collections.abc import Callable, Sequence
from typing import Any

from ..findings import join_pointer, without_lone_surrogates
from ..globs import linear_pattern
from ..model import CONTAINER_KEYS, DOUBLE_NESTED, EH_CONTAINER_KEYS, ENGAGEMENT_HISTORY, MESSAGING, SDE_TYPES, WEB_TYPES
from .base import EventContext, Hit, RecordContext, Rule
from .catalogue import CatalogueError, did_you_mean, listed
from .params import NUMBER_MAXIMUM, Number
from .placeholders import placeholder_problem, render, summary_text, trimmed
from .values import as_number, iter_path, same_json

CONTAINER_MEMBERS = frozenset({"serverTimeStamp", "originalTimeStamp", "isAuthenticated"})
_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\*|[0-9]+)\]")
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne, ">=": operator.ge, ">": operator.gt,
}


class CustomRuleError(CatalogueError):
    pass


Located = tuple[Any, str, tuple[str | int, ...]]  # (where a path starts, its pointer, the path)


def parse_path(text: str) -> tuple[str, tuple[str | int, ...]]:
    """``cartStatus.products[*].quantity`` -> ("cartStatus", ("products", "*", "quantity")); ``[0]`` is the int 0 (one item)."""
    tokens: list[str | int] = []
    position = 0
    for match in _SEGMENT.finditer(text):
        gap = text[position:match.start()]
        if gap not in ("", "."):
            raise ValueError(f"unexpected {gap!r} in path {text!r}")
        index = match.group(2)
        tokens.append(match.group(1) if index is None else index if index == "*" else int(index))
        position = match.end()
    if position != len(text) or not tokens:
        raise ValueError(f"cannot read path {text!r}")
    root, rest = tokens[0], tuple(tokens[1:])
    if text.startswith("[") or not isinstance(root, str) or (root not in CONTAINER_KEYS and root not in ("*", "record")):
        # "[*].x" read as "*.x": a path starts with a name, and a name that is no type's is said with the one meant
        raise ValueError(f"path {text!r} must start with an attribute type ({', '.join(sorted(CONTAINER_KEYS))}), '*' or 'record'"
                         + (_meant_root(root) if isinstance(root, str) and not text.startswith("[") else ""))
    return root, rest


def _meant_root(given: str) -> str:
    """`` (did you mean 'cartStatus'?)`` for a misspelt type, its sdeType (CART_STATUS), or another surface's name of it
    (the web side's cart, Engagement History's viewProduct)."""
    other_names = {**{web: api for web, (api, _) in WEB_TYPES.items()}, **EH_CONTAINER_KEYS, **SDE_TYPES}
    if given in other_names and given not in CONTAINER_KEYS:
        return f" (did you mean {other_names[given]!r}? custom rule paths name a type by its container's key in API payloads)"
    return did_you_mean(given, [*sorted(CONTAINER_KEYS), "record"])


class CustomRule(Rule):
    """A rule from the configuration: a path (where) and a named check with options (what)."""

    __slots__ = ("kind", "message", "options", "path", "rationale", "root", "summary", "where")

    def __init__(
        self, name: str, *, severity: str, summary: str, rationale: str, root: str, path: tuple[str | int, ...], kind: str,
        options: dict[str, Any], message: str, where: str = "",
    ) -> None:
        self.where = where or root  # as written, for explain
        self.summary = summary
        self.rationale = rationale
        self.root = root  # an attribute type, "*" or "record"
        self.path = path
        self.kind = kind  # required, pattern, enum, length, range or compare
        self.options = options
        self.message = message
        on_record = root == "record"
        super().__init__(
            name, category="custom", severity=severity, stage="record" if on_record else "event",
            containers=None if root in ("*", "record") else (root,),
            check_event=None if on_record else self.check_one_event,
            check_record=self.check_one_record if on_record else None,
            # Engagement History events are checked in the Messaging Interactions shape, so the paths hold there
            # too; web objects name their members otherwise (firstname, cstatus), and EH records are not MI's
            profiles=(MESSAGING,) if on_record else (MESSAGING, ENGAGEMENT_HISTORY),
        )

    def check_one_event(self, ctx: EventContext, params: dict[str, Any]) -> list[Hit] | None:
        if ctx.container is None:
            return None
        base, base_pointer, path = self.base(ctx.key, ctx.container, ctx.container_pointer, self.path)
        # compare's other path starts where its own first name says, as the main one does: a double-nested type's
        # serverTimeStamp is the container's (it was looked for among the attributes, and never found)
        other = self.base(ctx.key, ctx.container, ctx.container_pointer, self.options["_other"]) if self.kind == "compare" else None
        return self.evaluate(base, base_pointer, path, other)

    def check_one_record(self, ctx: RecordContext, params: dict[str, Any]) -> list[Hit]:
        other = (ctx.record, ctx.pointer, self.options["_other"]) if self.kind == "compare" else None
        return self.evaluate(ctx.record, ctx.pointer, self.path, other)

    def base(self, key: str, container: dict[str, Any], container_pointer: str, path: tuple[str | int, ...]) -> tuple[Any, str, tuple[str | int, ...]]:
        """Where ``path`` starts for one event: the attributes object, or the container itself."""
        if key in DOUBLE_NESTED and path and path[0] == key:
            return container.get(key), f"{container_pointer}/{key}", path[1:]
        if key in DOUBLE_NESTED and (not path or path[0] not in CONTAINER_MEMBERS):
            return container.get(key), f"{container_pointer}/{key}", path
        return container, container_pointer, path

    def evaluate(self, base: Any, base_pointer: str, path: tuple[str | int, ...], other: Located | None = None) -> list[Hit]:
        hits = []
        if self.kind == "required":
            last = path[-1]
            for parent_pointer, parent in iter_path(base, base_pointer, path[:-1]):
                if type(last) is int:  # products[0]: the list must have that item
                    absent = isinstance(parent, list) and last >= len(parent)
                    missing = absent or (isinstance(parent, list) and parent[last] is None)
                else:
                    absent = isinstance(parent, dict) and last not in parent
                    missing = isinstance(parent, dict) and parent.get(last) is None
                if missing:
                    hits.append(Hit(parent_pointer, render(self.message, None, join_pointer(parent_pointer, last), absent=absent)))
            return hits
        for pointer, value in iter_path(base, base_pointer, path):
            if value is None:
                continue
            if not self._passes(value, other):
                hits.append(Hit(pointer, render(self.message, value, pointer), value))
        return hits

    def _passes(self, value: Any, other: Located | None) -> bool:
        o = self.options
        if self.kind == "pattern":
            # RE2 takes UTF-8 only: a lone surrogate ("\ud800", a valid JSON escape) is U+FFFD to it, as in pointer globs
            return not isinstance(value, str) or o["_regex"].search(without_lone_surrogates(value)) is not None
        if self.kind == "enum":
            if o.get("case-insensitive") and isinstance(value, str):
                return value.casefold() in o["_folded"]
            kind = type(value)
            if kind in _SCALARS:  # hashable: looked up
                if (kind is bool, value) in o["_scalars"]:
                    return True
            elif any(same_json(value, allowed) for allowed in o["_containers"]):  # null, a container, or no JSON value
                return True  # (a set from lint_object is unhashable: it was a TypeError out of lint)
            # v1 sends every value as text: values [6] takes "6", as range does
            number = as_number(value) if type(value) is str else None
            return number is not None and number in o["_numbers"]
        if self.kind == "length":
            if not isinstance(value, (str, list, dict)):
                return True
            return bool(o.get("min", 0) <= len(value) <= o.get("max", float("inf")))
        number = as_number(value)
        if self.kind == "range":
            return number is None or bool(o.get("min", float("-inf")) <= number <= o.get("max", float("inf")))
        # compare: numbers (or numeric strings) by value; other text only by == and !=
        assert other is not None  # a compare rule is always evaluated with its other path
        others = [v for _, v in iter_path(*other)]
        if not others or others[0] is None:
            return True
        other_number = as_number(others[0])
        if number is not None and other_number is not None:
            return _OPERATORS[o["op"]](number, other_number)
        if o["op"] in ("==", "!=") and type(value) is str and type(others[0]) is str:
            return _OPERATORS[o["op"]](value, others[0])
        return True


_OPTION_RULES: dict[str, tuple[set[str], set[str]]] = {
    "required": (set(), set()),
    "pattern": ({"regex"}, set()),
    "enum": ({"values"}, {"case-insensitive"}),
    "length": (set(), {"min", "max"}),
    "range": (set(), {"min", "max"}),
    "compare": ({"other", "op"}, set()),
}


_SCALARS = (str, int, float, bool)  # the enum values looked up by hash; a container (or a YAML date) by same_json
Locate = Callable[[Sequence[str | int], bool], str]  # file:line:col of a node of the configuration (of its key: True)


def _never_json(value: Any) -> tuple[str, str] | None:
    """What makes an enum value one no JSON value can equal, and what to do, or None. YAML 1.1 (and TOML) read a bare
    2020-01-01 as a date: a rule listing it failed every "2020-01-01" it met."""
    if isinstance(value, (datetime.date, datetime.time)):
        return f"{value.isoformat()} is a date or time, not text (unquoted, YAML and TOML read it so)", f"quote it, '{value.isoformat()}'"
    if isinstance(value, (bytes, bytearray)):
        return "is binary data (!!binary)", ""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a finite number", ""
    if isinstance(value, dict) and any(not isinstance(key, str) for key in value):
        return "has a member name that is not text", ""
    items = value if isinstance(value, list) else value.values() if isinstance(value, dict) else ()
    return next((why for item in items if (why := _never_json(item))), None)


def _compile(entry: dict[str, Any], source: str, locate: Locate, index: int) -> CustomRule:
    """The rule an entry of custom-rules describes; its options are checked here, with messages naming it.

    ``locate`` places messages at load (file:line:col); ``source`` names the file in the rule's rationale
    (relative to the configuration root: a server's rationale must not reveal its paths).
    """
    name, check = entry["name"], entry["check"]

    def at(*keys: str | int, key: bool = False) -> str:
        """file:line:col of this entry's member ``keys`` (of its options when there are some; its name with ``key``), for messages."""
        return locate(["custom-rules", index, *keys], key)

    try:
        root, path = parse_path(entry["where"])
    except ValueError as exc:
        raise CustomRuleError(f"{at('where')}: custom rule {name!r}: {exc}") from None
    options = dict(entry.get("options", {}))
    options_at = ("options",) if "options" in entry else ()
    required, optional = _OPTION_RULES[check]
    takes = f"it takes: {', '.join([*sorted(required), *sorted(optional)])}" if required | optional else "it takes no options"
    unknown = [key for key in options if key not in required | optional]  # as written: the first is placed and named
    if unknown:
        # a misspelt option (mn for min) at its own place, with the one meant, as an unknown key anywhere else is
        key, others = unknown[0], (f"; also unknown: {', '.join(map(repr, unknown[1:]))}" if unknown[1:] else "")
        raise CustomRuleError(f"{at('options', key, key=True)}: custom rule {name!r}: check {check!r} has no option {key!r}"
                              f"{did_you_mean(str(key), [*required, *optional])} ({takes}){others}")
    if missing := sorted(required - set(options)):
        raise CustomRuleError(f"{at(*options_at) if options_at else at('check')}: custom rule {name!r}: check {check!r} needs"
                              f" {' and '.join(missing)} under options ({takes})")
    for member in ("message", "summary"):
        if isinstance(entry.get(member), str) and not trimmed(entry[member]):  # the schema's non-empty: before the trim
            raise CustomRuleError(f"{at(member)}: custom rule {name!r}: {member} is only blanks: say what the finding is")
        if isinstance(entry.get(member), str) and (problem := placeholder_problem(entry[member])):
            raise CustomRuleError(f"{at(member)}: custom rule {name!r}: {member}: {problem}")
    if check == "required" and not path:
        raise CustomRuleError(f"{at('where')}: custom rule {name!r}: 'required' needs a field path after {root!r}")
    if check == "required" and path[-1] == "*":
        raise CustomRuleError(f"{at('where')}: custom rule {name!r}: 'required' needs a member name or an [index] at the end, not [*]")
    if check == "range" and not {"min", "max"} & set(options):
        raise CustomRuleError(f"{at(*options_at)}: custom rule {name!r}: check 'range' needs min, max or both")
    for option, kind, wanted in (("regex", str, "a string"), ("case-insensitive", bool, "true or false"), ("other", str, "a path (a string)")):
        if option in options and type(options[option]) is not kind:
            raise CustomRuleError(f"{at('options', option)}: custom rule {name!r}: {option} must be {wanted}, found {options[option]!r}")
    if check == "pattern":
        try:
            options["_regex"] = linear_pattern(options["regex"])
        except ValueError as exc:
            reason = str(exc)
            raise CustomRuleError(
                f"{at('options', 'regex')}: custom rule {name!r}: invalid regex {options['regex']!r}: {reason}"
                " (patterns are matched in linear time by RE2: no backreferences or lookaround)"
            ) from None
    if check == "enum" and not isinstance(options["values"], list):
        raise CustomRuleError(f"{at('options', 'values')}: custom rule {name!r}: enum values must be a list")
    if check == "enum" and not options["values"]:
        raise CustomRuleError(f"{at('options', 'values')}: custom rule {name!r}: enum values is empty: no value could pass")
    if check == "enum":
        # looked up by hash for each value checked, not compared with each allowed one (a scan of 50 took 28 times as
        # long): (is a bool, value) keeps true apart from 1 and takes 1.0 for 1, as same_json does
        scalars = [v for v in options["values"] if type(v) in _SCALARS]
        options["_scalars"] = frozenset((type(v) is bool, v) for v in scalars)
        options["_containers"] = [v for v in options["values"] if type(v) not in _SCALARS]
        options["_folded"] = frozenset(str(v).casefold() for v in options["values"])
    if check == "enum" and not options.get("case-insensitive"):  # case-insensitive compares each value's text: a date's too
        for value in options["values"]:
            if why := _never_json(value):
                problem, advice = why
                raise CustomRuleError(
                    f"{at('options', 'values')}: custom rule {name!r}: enum value {problem}: no JSON value could match it" + (f"; {advice}" if advice else "")
                )
        options["_numbers"] = frozenset(v for v in options["values"] if type(v) in (int, float))
    bound_contract = Number(0, minimum=0 if check == "length" else -NUMBER_MAXIMUM)  # what a built-in rule's number parameter meets
    for bound in ("min", "max"):
        if bound in options:
            value = options[bound]
            number = as_number(value) if isinstance(value, str) else value  # "5" and "1e3" (YAML 1.1 reads 1e3 as text) as before
            problem = bound_contract.problem(value if number is None else number)  # "1e999", text no double holds: said as such
            if problem:
                raise CustomRuleError(f"{at('options', bound)}: custom rule {name!r}: {bound} {problem}")
            options[bound] = number
    if options.get("min", -math.inf) > options.get("max", math.inf):
        raise CustomRuleError(f"{at('options', 'min')}: custom rule {name!r}: min {options['min']:g} is above max {options['max']:g}: nothing could pass")
    if check == "compare":
        if not isinstance(options["op"], str) or options["op"] not in _OPERATORS:
            raise CustomRuleError(f"{at('options', 'op')}: custom rule {name!r}: op must be one of {', '.join(_OPERATORS)}")
        try:
            _, other_path = parse_path(f"{root}.{options['other']}" if not options["other"].startswith(root + ".") else options["other"])
        except ValueError as exc:
            raise CustomRuleError(f"{at('options', 'other')}: custom rule {name!r}: other: {exc}") from None
        options["_other"] = other_path
    return CustomRule(
        name,
        severity=entry.get("severity", "warning"),
        summary=summary_text(trimmed(entry.get("summary", entry["message"]))),
        rationale=f"Custom rule from {source}: {check} on {entry['where']}.",
        root=root,
        path=path,
        kind=check,
        options=options,
        message=trimmed(entry["message"]),
        where=entry["where"],
    )


def custom_rules(
    entries: list[dict[str, Any]], builtin: set[str], where: str, source: str | None = None, locate: Locate | None = None,
) -> dict[str, CustomRule]:
    """Validate and compile custom rules; they join the built-in ones for this configuration.

    ``source``: the file as the rationale names it (default ``where``); ``locate``: ``file:line:col``
    of a node of the configuration (default: the file alone).
    """
    rules: dict[str, CustomRule] = {}
    locate = locate or (lambda path, at_key: where)
    errors: list[str] = []  # one per entry, all at once, as the configuration's other errors
    first: dict[str, int] = {}  # each name's first entry, compiled or not: a second one is a repeat either way
    for index, entry in enumerate(entries):
        name = entry["name"]
        try:
            if name in builtin:
                raise CustomRuleError(f"{locate(['custom-rules', index, 'name'], False)}: custom rule {name!r} has the name of another rule,"
                                      f" a built-in one (see 'sdelint explain {name}'): give it a name of its own")
            if name in first:
                earlier = locate(["custom-rules", first[name], "name"], False)
                raise CustomRuleError(f"{locate(['custom-rules', index, 'name'], False)}: custom rule {name!r} has the name of another rule,"
                                      f" the custom rule at {earlier}: give each its own name")
            first[name] = index
            rules[name] = _compile(entry, source or where, locate, index)
        except CustomRuleError as exc:
            errors.append(str(exc))
    if len(errors) == 1:
        raise CustomRuleError(errors[0])
    if errors:
        raise CustomRuleError(listed("invalid custom rules", errors))
    return rules
