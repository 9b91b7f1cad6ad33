"""Whether a custom rule's path can reach a member the schemas define: a misspelt one never fires.

``personalInfo.contcts`` matches nothing in any payload the schemas describe, so a gate written with it
never closes (and ``required`` on it fails every event). The path is walked through the type's schemas of
every store custom rules run on (API v1, v2, Engagement History), as ``CustomRule.base`` walks an event:
a double-nested type's path starts inside its attributes or repeats its name, and serverTimeStamp,
originalTimeStamp and isAuthenticated are the container's own. What the schemas leave open (a member
without properties, a record, whose schema is loose) is not judged: the answer is a warning, never an
error, since a brand's payloads may carry members the schemas do not define.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any
from urllib.parse import urldefrag, urljoin

from ..model import CONTAINER_KEYS, DOUBLE_NESTED, ENGAGEMENT_HISTORY, VERSIONS, WEB_NAMES
from .catalogue import did_you_mean
from .custom import CONTAINER_MEMBERS

_STORES = (*VERSIONS, ENGAGEMENT_HISTORY)  # where custom rules run: not the web side, which names members otherwise
_SCALARS = frozenset({"string", "number", "integer", "boolean", "null"})
_API_NAMES = {web: api for api, web in WEB_NAMES.items()}

Node = tuple[str, dict[str, Any]]  # a schema object and the URI its $refs are relative to


def _resolved(node: Node) -> Node:
    """``node`` with its $refs followed (sdelint's schemas refer within the bundled stores only)."""
    from ..validate.schemas import resolve

    base, schema = node
    for _ in range(32):  # a chain of references, never a loop in sdelint's schemas
        ref = schema.get("$ref")
        if not isinstance(ref, str):
            break
        uri, fragment = urldefrag(urljoin(base, ref))
        target: Any = resolve(uri)
        for token in filter(None, fragment.split("/")):
            target = target[token]
        base, schema = uri, target
    return base, schema


def _types(schema: dict[str, Any]) -> set[str] | None:
    kind = schema.get("type")
    return {kind} if isinstance(kind, str) else set(kind) if isinstance(kind, list) else None


def _members(node: Node) -> dict[str, Node] | None:
    """The members a node may have, or None when it may have any (no closed list of properties)."""
    base, schema = node
    properties = schema.get("properties")
    if not isinstance(properties, dict) or schema.get("additionalProperties") is not False:
        return None
    return {name: _resolved((base, sub)) for name, sub in properties.items() if isinstance(sub, dict)}


def _items(node: Node) -> Node | None:
    base, schema = node
    items = schema.get("items")
    return _resolved((base, items)) if isinstance(items, dict) else None


def _spelt(path: tuple[str | int, ...]) -> str:
    return "".join(f"[{token}]" if token == "*" or type(token) is int else f".{token}" for token in path).lstrip(".")


def _routes(node: Node, wanted: str, depth: int = 4) -> Iterator[tuple[str | int, ...]]:
    """Paths from ``node`` down to a member named ``wanted`` (shortest first), for a hint."""
    level: list[tuple[tuple[str | int, ...], Node]] = [((), node)]
    for _ in range(depth):
        deeper: list[tuple[tuple[str | int, ...], Node]] = []
        for route, here in level:
            items = _items(here)
            if items is not None:
                deeper.append(((*route, "*"), items))
            for name, sub in (_members(here) or {}).items():
                if name == wanted and route:
                    yield (*route, name)
                deeper.append(((*route, name), sub))
        level = deeper


def _walk(node: Node, path: tuple[str | int, ...], name: str) -> tuple[int, str | None]:
    """How many tokens of ``path`` the schemas follow from ``node`` (named ``name``), and why the next cannot match."""
    for done, token in enumerate(path):
        types = _types(node[1])
        if type(token) is str and token != "*":
            members = _members(node)
            if members is not None:
                if token in members:
                    node, name = members[token], token
                    continue
                if token in _API_NAMES and _API_NAMES[token] in members:
                    return done, (f"{name} has no member {token!r}: that is the web side's name of {_API_NAMES[token]!r}, which custom rules"
                                  " check in API payloads (Messaging Interactions, Engagement History)")
                hint = did_you_mean(token, list(members))
                if not hint:
                    route = next(_routes(node, token), None)
                    hint = f" (did you mean {_spelt(route)!r}?)" if route else ""
                return done, f"{name} has no member {token!r}{hint}"
            if _items(node) is not None and types is not None and "object" not in types:
                return done, f"{name} is an array: {name}[*].{token} reads {token!r} in each item, {name}[0].{token} in the first"
            if types is not None and types <= _SCALARS:
                return done, f"{name} holds a value, not members: it has no {token!r}"
            return len(path), None  # a member the schemas leave open
        items = _items(node)
        if items is not None:
            node, name = items, f"{name}[{token}]"
            continue
        if types is not None and "array" not in types:
            return done, f"{name} is not an array: [{token}] after it matches nothing"
        return len(path), None
    return len(path), None


@cache
def _type_schema(store: str, key: str) -> Node:
    from ..validate.schemas import resolve, schema_uri

    uri = schema_uri(store, key)
    return _resolved((uri, resolve(uri)["properties"][key]))


def _problem_in_type(key: str, path: tuple[str | int, ...]) -> tuple[int, str | None]:
    """(tokens followed, problem) for one attribute type, over the stores: a path one of them follows is fine."""
    if path and path[0] in CONTAINER_MEMBERS:
        return len(path), None  # the container's own (a flat type's isAuthenticated is no property of its schema)
    skipped = 1 if key in DOUBLE_NESTED and path and path[0] == key else 0  # personalInfo.personalInfo.x, as personalInfo.x
    furthest: tuple[int, str | None] = (-1, None)
    for store in _STORES:
        container = _type_schema(store, key)
        start = (_members(container) or {}).get(key, container) if key in DOUBLE_NESTED else container
        done, problem = _walk(start, path[skipped:], key)
        if problem is None:
            return len(path), None
        if done == 0 and type(path[0]) is str and (hint := did_you_mean(path[0], sorted(CONTAINER_MEMBERS))):
            problem = f"{key} has no member {path[0]!r}{hint}"  # serverTimestamp: the container's own, misspelt
        furthest = max(furthest, (done + skipped, problem), key=lambda found: found[0])
    return furthest


def path_problem(root: str, path: tuple[str | int, ...]) -> str | None:
    """Why a parsed path (``parse_path``) can match no member the schemas define, or None when it can (or they do not say)."""
    if root == "record":
        return None  # the record's schema is loose: members the published example does not show are allowed
    keys = sorted(CONTAINER_KEYS) if root == "*" else [root]
    found = [(_problem_in_type(key, path), key) for key in keys]
    if any(problem is None for (_, problem), _ in found):
        return None
    (_, problem), key = max(found, key=lambda item: item[0][0])
    return problem if root != "*" else f"in {key}, {problem}; no other attribute type has the path either"
