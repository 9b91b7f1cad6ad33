"""Which fields of each type are typed (number, integer, boolean) in a version's schemas.

Derived from the schemas themselves, so numeric-string never disagrees with them.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urldefrag, urljoin

from ..validate.schemas import resolve, schema_uri

_TYPED = {"number", "integer", "boolean"}
# The tables' typed value types. A field that also takes a number without being one of these (a zip code: text,
# or the number an Engagement History example sends) is text first: "02134" as a string is right, not a slip.
_TABLE_TYPES = {"double", "int", "long", "boolean", "timestamp"}


def _deref(schema: dict[str, Any], base: str) -> tuple[dict[str, Any], str]:
    while "$ref" in schema:
        target, fragment = urldefrag(urljoin(base, schema["$ref"]))
        node: Any = resolve(target)
        for token in filter(None, fragment.split("/")):
            node = node[token]
        schema, base = node, target
    return schema, base


@cache
def typed_fields(version: str, key: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    """((path from the event, expected type title), ...) for string-or-typed leaves."""
    found: list[tuple[tuple[str, ...], str]] = []

    def walk(schema: dict[str, Any], base: str, path: tuple[str, ...]) -> None:
        schema, base = _deref(schema, base)
        types = schema.get("type", [])
        types = [types] if isinstance(types, str) else types
        if "string" in types and _TYPED.intersection(types) and "object" not in types and schema.get("title") in _TABLE_TYPES:
            found.append((path, schema["title"]))
        for name, sub in schema.get("properties", {}).items():
            walk(sub, base, path + (name,))
        if isinstance(schema.get("items"), dict):
            walk(schema["items"], base, path + ("*",))

    uri = schema_uri(version, key)
    walk(resolve(uri), uri, ())
    return tuple(found)


@cache
def typed_tree(version: str, key: str, include_timestamps: bool) -> dict:
    """typed_fields as a nested dict {key: subtree or expected type, "*": array items}.

    Keys are schema property names: none of them needs JSON Pointer escaping.
    """
    tree: dict = {}
    for path, expected in typed_fields(version, key):
        if expected == "timestamp" and not include_timestamps:
            continue
        node = tree
        for token in path[:-1]:
            node = node.setdefault(token, {})
        node[path[-1]] = expected
    return tree


@cache
def string_finder(version: str, key: str, include_timestamps: bool):
    """A function ``(event, pointer, hits, hit)`` that visits exactly the typed fields of one type.

    Generated from ``typed_tree`` as straight-line lookups: the per-event cost of
    numeric-string is then a handful of dict reads. The code is built from
    schema property names only, never from input.
    """
    lines = ["def find(node0, ptr0, hits, hit):", "    if type(node0) is not dict:", "        return"]
    counter = [0]

    def emit(tree: dict, node: str, ptr: str, indent: str) -> None:
        for name, sub in tree.items():
            counter[0] += 1
            n = counter[0]
            if name == "*":
                continue
            lines.append(f"{indent}v{n} = {node}.get({name!r})")
            child_ptr = f"{ptr} + {('/' + name)!r}"
            if isinstance(sub, str):
                lines.append(f"{indent}if type(v{n}) is str:")
                lines.append(f"{indent}    h = hit({child_ptr}, {sub!r}, v{n})")
                lines.append(f"{indent}    if h: hits.append(h)")
            elif "*" in sub:
                items = sub["*"]
                lines.append(f"{indent}if type(v{n}) is list:")
                lines.append(f"{indent}    for i{n}, w{n} in enumerate(v{n}):")
                item_ptr = f"p{n}"
                lines.append(f"{indent}        {item_ptr} = {child_ptr} + '/' + str(i{n})")
                if isinstance(items, str):
                    lines.append(f"{indent}        if type(w{n}) is str:")
                    lines.append(f"{indent}            h = hit({item_ptr}, {items!r}, w{n})")
                    lines.append(f"{indent}            if h: hits.append(h)")
                else:
                    lines.append(f"{indent}        if type(w{n}) is dict:")
                    emit(items, f"w{n}", item_ptr, indent + "            ")
            else:
                lines.append(f"{indent}if type(v{n}) is dict:")
                emit(sub, f"v{n}", child_ptr, indent + "    ")

    emit(typed_tree(version, key, include_timestamps), "node0", "ptr0", "    ")
    namespace: dict = {}
    exec(compile("\n".join(lines) + "\n", f"<numeric-string {version}/{key}>", "exec"), namespace)  # noqa: S102
    return namespace["find"]
