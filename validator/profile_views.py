"""How the schema stage and the rules see payloads that are not Messaging Interactions events.

Engagement History events are **normalised**: a copy of each event is put in the Messaging
Interactions shape (``viewProduct`` and ``formFillingError`` renamed to their API keys, a flat
``personalInfo`` nested, Avro-style values ``{"string": "..."}`` unwrapped, ``sdeType`` added from
the container key), so the common type schemas and the rules apply unchanged; the problems found
on the copy are then given back the original's pointers (``EhEvent.original_pointer``). A copy
rather than a view because the schemas, not only the rules, must see the MI shape.

Web-side objects keep their own names (``cstatus``, ``firstname``, ``info``): they are validated
against their own schemas (``schemas/web``) and the rules see them through a **view**, an
``EventContext`` whose container and attributes are the object and its inner member, under the
API container key of its type. A rule that reads a field the web side names differently finds
nothing there, so it says nothing: it never guesses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from .findings import Path, Problem, join_pointer, path_pointer
from .load.positions import may_escape_ascii
from .model import CONTAINER_KEYS, EH_CONTAINER_KEYS, EH_FLAT_CONTAINER, SDE_TYPES, WEB_BODY, WEB_MEMBERS, WEB_SDE, WEB_SDE_LIST, WEB_SOURCE, WEB_TYPES
from .rules.base import EventContext
from .validate.detailed import json_type

# Avro's primitive type names: a one-member object named after one of them wraps a plain value.
_AVRO_TYPES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})
_TIMESTAMP_KEYS = frozenset({"serverTimeStamp", "originalTimeStamp", "isAuthenticated"})
_TYPE_OF_KEY = {key: sde_type for sde_type, key in SDE_TYPES.items()}
EH_KEYS = CONTAINER_KEYS | EH_CONTAINER_KEYS.keys()
# Deeper than this, a request body is not searched for engagementAttributes or lp_sdes.
_MAX_BODY_DEPTH = 64


def _unwrap(value: Any, depth: int = 0) -> Any:
    """A copy of ``value`` with every Avro-style union value ({"string": "x"}) replaced by what it wraps.

    Deeper than ``_MAX_BODY_DEPTH`` a value is kept as it is: no attribute nests that far, and a parsed
    document may nest deeper than the recursion limit allows a copy to follow.
    """
    if depth > _MAX_BODY_DEPTH:
        return value
    if type(value) is dict:
        if len(value) == 1:
            (name, inner), = value.items()
            if name in _AVRO_TYPES and not isinstance(inner, (dict, list)):
                return inner
        return {key: _unwrap(item, depth + 1) for key, item in value.items()}
    if type(value) is list:
        return [_unwrap(item, depth + 1) for item in value]
    return value


class EhEvent:
    """One Engagement History event in the Messaging Interactions shape, and how to point back into the original."""

    __slots__ = ("borrowed_stamp", "event", "rewrites")

    def __init__(self, original: dict[str, Any]) -> None:
        present = [key for key in original if key in EH_KEYS]
        taken = {EH_CONTAINER_KEYS.get(key, key) for key in present}
        # (pointer suffix in the copy, the same place in the original), most specific first
        self.rewrites: list[tuple[str, str]] = []
        event: dict[str, Any] = {}
        for key, value in original.items():
            canonical = EH_CONTAINER_KEYS.get(key)
            if canonical is not None and not (canonical in original and canonical != key) and len(taken) == len(present):
                self.rewrites.append((f"/{canonical}", f"/{key}"))
                key = canonical
            event[key] = _unwrap(value)
        personal = event.get(EH_FLAT_CONTAINER)
        if type(personal) is dict and not isinstance(personal.get(EH_FLAT_CONTAINER), dict) and set(personal) - _TIMESTAMP_KEYS:
            # EH-Methods prints personalInfo flat: its fields next to serverTimeStamp
            outer = {key: value for key, value in personal.items() if key in _TIMESTAMP_KEYS}
            outer[EH_FLAT_CONTAINER] = {key: value for key, value in personal.items() if key not in _TIMESTAMP_KEYS}
            event[EH_FLAT_CONTAINER] = outer
            self.rewrites.insert(0, (f"/{EH_FLAT_CONTAINER}/{EH_FLAT_CONTAINER}", f"/{EH_FLAT_CONTAINER}"))
        containers = [key for key in event if key in CONTAINER_KEYS]
        if "sdeType" not in event and len(containers) == 1:
            event["sdeType"] = _TYPE_OF_KEY[containers[0]]  # the API leaves it out; the container says it
        self.borrowed_stamp = False
        if "serverTimeStamp" not in event and len(containers) == 1 and type(event[containers[0]]) is dict and "serverTimeStamp" in event[containers[0]]:
            # EH-App prints an event bare ({"purchase": {...}}): the container's serverTimeStamp stands for the event's
            event["serverTimeStamp"] = event[containers[0]]["serverTimeStamp"]
            self.borrowed_stamp = True
        self.event = event

    def has_container(self) -> bool:
        return any(key in CONTAINER_KEYS for key in self.event)

    def _rewrite(self, pointer: str, base: str) -> tuple[str, str] | None:
        """The (copied, original) pair whose place ``pointer`` (under ``base``, the event's pointer) is in, if any."""
        if not self.rewrites or not pointer.startswith(base):
            return None
        rest = pointer[len(base):]
        for copied, original in self.rewrites:
            if rest == copied or rest.startswith(copied + "/"):
                return copied, original
        return None

    def original_pointer(self, pointer: str, base: str) -> str:
        """A pointer into the copy (under ``base``, the event's pointer) as the same place in the original."""
        rewrite = self._rewrite(pointer, base)
        if rewrite is None:
            return pointer
        copied, original = rewrite
        return base + original + pointer[len(base) + len(copied):]

    def restore(self, problems: list[Problem], start: int, base: str) -> None:
        """Give ``problems[start:]`` (found on the copy) the original's pointers, in place.

        Problems of a borrowed serverTimeStamp are dropped: the container's own copy is checked at its place.
        """
        if self.borrowed_stamp:
            borrowed = f"{base}/serverTimeStamp"
            problems[start:] = [problem for problem in problems[start:] if problem.pointer != borrowed]
        for index in range(start, len(problems)):
            problem = problems[index]
            pointer = self.original_pointer(problem.pointer, base) if self.rewrites else problem.pointer
            if pointer != problem.pointer:
                problems[index] = replace(problem, pointer=pointer, message=self._original_names(problem.message, problem.pointer, base))
            elif problem.rule == "sde-type-key" and problem.pointer == f"{base}/sdeType":
                problems[index] = replace(problem, message=self._original_keys(problem.message))

    def _original_keys(self, message: str) -> str:
        """sde-type-key's "goes with a 'viewedProduct' container, but the event holds 'viewedProduct'" names containers as
        Engagement History writes them ('viewProduct'): the key its sdeType goes with, and a renamed one the event holds."""
        head, sep, held = message.partition(" but the event holds ")
        for history_key, api_key in EH_CONTAINER_KEYS.items():
            head = head.replace(f"goes with a {api_key!r} container", f"goes with a {history_key!r} container")
        for copied, original in self.rewrites:
            if copied.count("/") == 1:
                held = held.replace(repr(copied[1:]), repr(original[1:]))
        return head + sep + held

    def _original_names(self, message: str, pointer: str, base: str) -> str:
        """A message naming a renamed container (" in viewedProduct") names it as the original does (viewProduct)."""
        rewrite = self._rewrite(pointer, base)
        if rewrite is None or rewrite[0].count("/") != 1:  # only a container's own key is renamed (not flat personalInfo)
            return message
        copied, original = rewrite
        return message.replace(f" in {copied[1:]}", f" in {original[1:]}", 1)


def missing_container(pointer: str) -> Problem:
    names = ", ".join(sorted(EH_KEYS))
    return Problem(pointer, "missing-field", f"an Engagement History event holds one attribute container ({names}); found none")


def web_objects(data: Any, kind: str) -> Iterator[tuple[str, str | None, Any]]:
    """(pointer, member, object) for every web-side object of a document; member is engagementAttributes or lp_sdes, else None."""
    if kind == WEB_SDE:
        yield "", None, data
    elif kind in (WEB_SDE_LIST, WEB_SOURCE):
        # a source's data is the list of push arguments: each an object, an array of them, or None (not checkable)
        for i, item in enumerate(data):
            if type(item) is list and kind == WEB_SOURCE:
                for j, element in enumerate(item):
                    yield f"/{i}/{j}", None, element
            elif item is not None or kind == WEB_SDE_LIST:
                yield f"/{i}", None, item
    elif kind == WEB_BODY:
        for pointer, member, value in web_members(data):
            if type(value) is list:
                for i, element in enumerate(value):
                    yield f"{pointer}/{i}", member, element


def misplaced_members(data: Any, kind: str) -> list[Problem]:
    """engagementAttributes or lp_sdes members that do not hold a list of objects."""
    if kind != WEB_BODY:
        return []
    return [
        Problem(pointer, "wrong-type", f"{member} holds a list of engagement attributes; found {json_type(value)}", value=value)
        for pointer, member, value in web_members(data) if type(value) is not list
    ]


def web_members(data: Any) -> Iterator[tuple[str, str, Any]]:
    """(pointer, name, value) of every engagementAttributes or lp_sdes member, in document order."""
    for path, name, value in _web_member_paths(data, None, 0):
        yield path_pointer(path), name, value


def first_web_member(data: Any) -> tuple[str, str] | None:
    """(pointer, name) of the first member ``web_members`` yields, or None.

    Detection asks this of JSON inputs whose text may name a member: the walk builds no pointer
    until it finds one, so a big response without any costs one pass over its containers.
    """
    for path, name, _ in _web_member_paths(data, None, 0):
        return path_pointer(path), name
    return None


def _web_member_paths(data: Any, path: Path, depth: int) -> Iterator[tuple[Path, str, Any]]:
    if depth > _MAX_BODY_DEPTH:
        return
    if type(data) is dict:
        for key, value in data.items():
            if key in WEB_MEMBERS:
                yield (path, key), key, value
            elif type(value) is dict or type(value) is list:
                yield from _web_member_paths(value, (path, key), depth + 1)
    elif type(data) is list:
        for index, value in enumerate(data):
            if type(value) is dict or type(value) is list:
                yield from _web_member_paths(value, (path, index), depth + 1)


def text_may_name_web_members(text: str) -> bool:
    """False when a JSON text holds no engagementAttributes or lp_sdes key: neither name is in it, nor a
    ``\\u`` escape of an ASCII character that could spell one. Detection then need not walk the parsed document."""
    return may_escape_ascii(text) or any(name in text for name in WEB_MEMBERS)


def web_context(store: str, member: str | None, pointer: str, sde: dict[str, Any]) -> EventContext | None:
    """The rules' view of one web-side object, under its type's API container key; None for an unknown type."""
    web_type = sde.get("type")
    found = WEB_TYPES.get(web_type) if type(web_type) is str else None
    if found is None:
        return None
    key, inner = found
    ctx = EventContext(store, member, pointer, {key: sde}, key)
    ctx.event = sde
    ctx.container_pointer = pointer
    if inner is None:
        ctx.attrs, ctx.attrs_pointer = sde, pointer
    else:
        attrs = sde.get(inner)
        ctx.attrs = attrs if type(attrs) is dict else None
        ctx.attrs_pointer = join_pointer(pointer, inner)
    return ctx
