"""The detailed path: every schema error of an input the fast path rejected.

jsonschema's ``iter_errors`` finds all errors, not just the first; each becomes
a Problem with a rule name by kind, a JSON Pointer and a message that says
what was expected and what was found.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from ..findings import Problem, join_pointer, value_text
from ..model import EH_CONTAINER_KEYS, EH_FLAT_CONTAINER, WEB_NAMES
from .formats import FORMATS
from .schemas import resolve, schema_uri

_JSON_TYPES = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (list, "array"), (dict, "object"), (type(None), "null"))


def json_type(value: Any) -> str:
    for python_type, name in _JSON_TYPES:
        if isinstance(value, python_type):
            return name
    return type(value).__name__


def _found(value: Any) -> str:
    return f"{json_type(value)}{show(value)}"


def show(value: Any, limit: int = 60) -> str:
    """A short rendering of a found value, after its type: nothing more for containers and null."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    text = value_text(value)
    return " " + (text if len(text) <= limit else text[: limit - 3] + "...")


@lru_cache(maxsize=1)
def _validator_class():
    """Draft 7 with ECMA-262 ``$`` in ``pattern``, as fastjsonschema has it (Python's ``$`` also
    matches before a final newline). jsonschema is imported only when an input has errors."""
    import jsonschema

    def ecma_pattern(validator, pattern, instance, schema):
        if isinstance(instance, str) and not re.search(re.sub(r"(?<!\\)\$$", r"\\Z", pattern), instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")

    # A number is what fastjsonschema's fast path takes for one (int, float, Decimal; not bool), not jsonschema's
    # numbers.Number: a complex, a Fraction or numpy's int64 in a Python object failed the fast path and passed this
    # one, and the value went without any finding (a parsed object of such types is a wrong-type finding)
    def is_number(checker, instance):
        return isinstance(instance, int | float | Decimal) and not isinstance(instance, bool)

    def is_integer(checker, instance):
        if isinstance(instance, float):
            return instance.is_integer()
        if isinstance(instance, Decimal):
            return instance.is_finite() and instance == instance.to_integral_value()
        return isinstance(instance, int) and not isinstance(instance, bool)

    types = jsonschema.Draft7Validator.TYPE_CHECKER.redefine_many({"number": is_number, "integer": is_integer})
    return jsonschema.validators.extend(jsonschema.Draft7Validator, {"pattern": ecma_pattern}, type_checker=types)


def _without_dialect(schema: dict) -> dict:
    """jsonschema picks the validator class of a referenced resource from its ``$schema``;
    without it, the ECMA-262 ``pattern`` of _validator_class applies across files too."""
    return {k: v for k, v in schema.items() if k != "$schema"}


@cache
def detailed_validator(version: str, name: str, stubs: frozenset[str] = frozenset()):
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    from .schemas import all_uris

    # every bundled schema is registered up front: retrieving on demand re-scanned them on each validation
    resources = [(uri, Resource.from_contents(_without_dialect(resolve(uri, stubs)), default_specification=DRAFT7)) for uri in all_uris()]
    return _validator_class()(
        _without_dialect(resolve(schema_uri(version, name))), registry=Registry().with_resources(resources), format_checker=_format_checker(),
    )


@lru_cache(maxsize=1)
def _format_checker():
    """sdelint's formats only, by the fast path's functions (jsonschema's own, such as email, are not asserted there)."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    for name, function in FORMATS.items():
        checker.checks(name)(function)
    return checker


def _expected(schema: dict[str, Any]) -> str:
    title = schema.get("title")
    types = schema.get("type")
    if title and types:
        listed = types if isinstance(types, list) else [types]
        return f"{title} ({' or '.join(listed)})"
    if types:
        return " or ".join(types) if isinstance(types, list) else types
    return title or "a valid value"


def _expects_text_only(types: str | list[str]) -> bool:
    """A v1 attribute value (string or null): a number there is v1-alphanumeric; a timestamp (long) may be an integer, so not."""
    listed = [types] if isinstance(types, str) else types
    return "string" in listed and not {"integer", "number"} & set(listed)


def _takes_integers(types: str | list[str]) -> bool:
    """Whether a field takes JSON integers (int, long, a timestamp, a date part): a number past its range there is the
    bounds' defect, not the type's, so a non-finite one (1e400 read as infinity) is left to the parse's syntax-error."""
    return "integer" in ([types] if isinstance(types, str) else types)


# A payload that uses the other side's name for a field (web cstatus, API customerStatus: model.WEB_NAMES) is told this
# side's.
# A field's name on the other side (web cstatus, API customerStatus), and Engagement History's names of two containers
# (formFillingError, viewProduct) with their Messaging Interactions keys: a payload that drifted gets the hint
NAMES_ELSEWHERE = {**WEB_NAMES, **{web: api for api, web in WEB_NAMES.items()}, **EH_CONTAINER_KEYS}


def _one_level_down(schema: dict[str, Any], key: str) -> list[str]:
    """``member.key`` when exactly one member of the object holds ``key`` itself: a field written one level too high
    (contacts[]{email} for contacts[].personalContact.email, a flat lead's topic for lead.lead.topic)."""
    homes = [name for name, member in schema.get("properties", {}).items()
             if isinstance(member, dict) and isinstance(member.get("properties"), dict) and key in member["properties"]]
    return [f"{homes[0]}.{key}"] if len(homes) == 1 else []


def _where(path: list) -> str:
    names = [p for p in path if isinstance(p, str)]
    return f" in {names[-1]}" if names else ""


_BOUNDS = frozenset(("minimum", "maximum"))
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+\Z")
_CONTAINER_OWN = frozenset(("serverTimeStamp", "originalTimeStamp", "isAuthenticated"))


def _flat_hint(path: list, key: str, instance: dict, version: str) -> str:
    """A Messaging Interactions double-nested container (lead.lead) written flat: say so (its fields are each
    unknown-field beside this finding), and that it is Engagement History's shape only where it is (personalInfo)."""
    if version not in ("v1", "v2") or not path or path[-1] != key or _CONTAINER_OWN.issuperset(instance):
        return ""
    whose = ", as Engagement History does" if key == EH_FLAT_CONTAINER else ""
    return f": its fields are written flat{whose}; Messaging Interactions nests them in {key}.{key}"


def _problems_for(error: Any, base: str, version: str, attributes: bool = True) -> Iterator[Problem]:
    """``attributes``: the schema holds engagement attribute values (an event's), not only a document's shape."""
    path = list(error.absolute_path)
    pointer = join_pointer(base, *path)
    kind, schema, instance = error.validator, error.schema, error.instance
    if kind == "additionalProperties":
        known = list(schema.get("properties", {}))
        for key in instance:
            if key in known:
                continue
            key = str(key)  # YAML input may have non-string keys
            # the same field's name on the other side (web cstatus, API customerStatus) first; difflib is quadratic in
            # the key's length: a long key gets no "did you mean"
            other_name = NAMES_ELSEWHERE.get(key)
            hint = ([other_name] if other_name in known else []) or [k for k in known if k.lower() == key.lower()] or (
                _one_level_down(schema, key)
            ) or (difflib.get_close_matches(key, known, n=1, cutoff=0.75) if len(key) <= 64 else [])
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            yield Problem(
                join_pointer(pointer, key),
                "unknown-field",
                f"unknown field {(key if len(key) <= 80 else key[:77] + '...')!r}{_where(path)}{suggestion}",
                at_key=True,
                value=key,
            )
    elif kind == "required":
        for key in error.validator_value:
            if isinstance(instance, dict) and key not in instance and f"{key!r} is a required" in error.message:
                yield Problem(pointer, "missing-field", f"missing required field {key!r}{_where(path)}{_flat_hint(path, key, instance, version)}", value=key)
    elif kind == "type" and isinstance(instance, float) and not math.isfinite(instance) and _takes_integers(error.validator_value):
        return  # 1e400 in an int, long or timestamp: an integer past the type's range, which the parse's syntax-error says
    elif kind == "type" and version == "v1" and attributes and isinstance(instance, (int, float)) and _expects_text_only(error.validator_value):
        yield Problem(pointer, "v1-alphanumeric", f"API v1 values are alphanumeric: expected a string, found {_found(instance)}", value=instance)
    elif kind == "type":
        yield Problem(pointer, "wrong-type", f"expected {_expected(schema)}, found {_found(instance)}", value=instance)
    elif kind == "enum" and path and path[-1] == "sdeType":
        expected = ", ".join(error.validator_value)
        yield Problem(pointer, "unknown-sde-type", f"unknown sdeType{show(instance) or ' ' + json_type(instance)}: expected one of {expected}", value=instance)
    elif kind == "enum":
        expected = schema.get("title") or "one of " + ", ".join(map(repr, error.validator_value))
        yield Problem(pointer, "bad-value", f"expected {expected}, found {_found(instance)}", value=instance)
    elif kind == "const":
        yield Problem(pointer, "bad-value", f"expected{show(error.validator_value)}, found {_found(instance)}", value=instance)
    elif kind == "pattern" and "maximum" in schema and isinstance(instance, str) and _INTEGER_TEXT.match(instance):
        # v2's int and long: an integer string past what the type holds (the pattern holds strings to the range)
        low, high = schema.get("minimum"), schema.get("maximum")
        yield Problem(pointer, "bad-value", f"expected {schema.get('title')} ({low} to {high}), found {_found(instance)}: out of its range", value=instance)
    elif kind == "pattern":
        expected = schema.get("title") or f"a string matching {error.validator_value}"
        yield Problem(pointer, "bad-value", f"expected {expected}, found {_found(instance)}", value=instance)
    elif kind in _BOUNDS and isinstance(instance, float) and not math.isfinite(instance):
        return  # 1e400: the parse reports the literal, the type check the number: a third finding would say nothing more
    elif kind == "format":  # double: a string no IEEE 754 double holds
        expected = schema.get("title") or "a number"
        yield Problem(pointer, "bad-value", f"expected {expected}, found {_found(instance)}: out of its range, no IEEE 754 double holds it"
                      " (Java's Double.parseDouble reads it as infinity)", value=instance)
    elif kind in ("minimum", "maximum"):  # int and long: what a 32- or 64-bit integer cannot hold
        expected = schema.get("title") or "a number"
        low, high = schema.get("minimum"), schema.get("maximum")
        yield Problem(pointer, "bad-value", f"expected {expected} ({low} to {high}), found {_found(instance)}: out of its range", value=instance)
    elif kind == "not":
        # "not": {} forbids the member whatever its value (v1's isAuthenticated, unAuthSdes): point at its key
        # (the key, not the member's whole value, is what identifies the finding, as for unknown-field)
        message = schema.get("description") or f"{_found(instance)} is not allowed here"
        if error.validator_value == {} and path:
            yield Problem(pointer, "bad-value", message, at_key=True, value=str(path[-1]))
        else:
            yield Problem(pointer, "bad-value", message, value=instance)
    else:
        yield Problem(pointer, "bad-value", error.message, value=instance)


class DetailedPathRefused(Exception):
    """Raised in place of the detailed path inside ``detailed_path_refused``."""


# A context variable, not a flag: the service's event loop and its lint threads check bodies side by side.
_REFUSED: ContextVar[bool] = ContextVar("sdelint_detailed_path_refused", default=False)


@contextmanager
def detailed_path_refused() -> Iterator[None]:
    """Within it, needing the detailed path raises DetailedPathRefused.

    jsonschema costs about a millisecond per invalid value, where everything else
    costs microseconds: work that must stay cheap (a lint on the service's event
    loop) stops here and is done again where it may take long.
    """
    token = _REFUSED.set(True)
    try:
        yield
    finally:
        _REFUSED.reset(token)


def detailed_problems(version: str, name: str, instance: Any, base: str, stubs: frozenset[str] = frozenset()) -> list[Problem]:
    """All schema problems of ``instance`` against one schema, pointers prefixed with ``base``."""
    if _REFUSED.get():
        raise DetailedPathRefused(name)
    validator = detailed_validator(version, name, stubs)
    problems: list[Problem] = []
    # stubs: a document's shape around its events, checked with them stubbed out; its members are not engagement
    # attribute values, so v1's "their attribute type will be alphanumeric" does not type them (info.latestAgentId as a
    # number is the same wrong-type in v1 as in v2)
    attributes = not stubs
    try:
        for error in validator.iter_errors(instance):
            problems.extend(_problems_for(error, base, version, attributes))
    except RecursionError:  # jsonschema descends, and quotes values, by recursion: a value the parser just managed
        problems.append(Problem(base, "too-deep", f"{name} is nested too deeply for its schema errors to be listed"))
    return problems
