"""One self-contained schema for tools that cannot resolve sdelint's ``$id``s.

Every schema a root refers to, directly or not, is copied under the root's
``definitions`` and each ``$ref`` is rewritten to point inside the document.
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urldefrag, urljoin

from .schemas import BASE_URI, resolve, schema_uri


def _key(uri: str) -> str:
    return uri[len(BASE_URI):-len(".json")].replace("/", "_") if uri.startswith(BASE_URI) else uri


def bundle(version: str, name: str) -> dict[str, Any]:
    root_uri = schema_uri(version, name)
    pending, seen = [root_uri], {root_uri}
    rewritten: dict[str, Any] = {}

    def rewrite(node: Any, base: str) -> Any:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    target, fragment = urldefrag(urljoin(base, value))
                    if target not in seen:
                        seen.add(target)
                        pending.append(target)
                    prefix = "#" if target == root_uri else f"#/definitions/{_key(target)}"
                    out[key] = prefix + fragment if fragment else prefix
                elif key in ("$id", "$schema") and base != root_uri:
                    continue
                else:
                    out[key] = rewrite(value, base)
            return out
        if isinstance(node, list):
            return [rewrite(item, base) for item in node]
        return node

    while pending:
        uri = pending.pop(0)
        rewritten[uri] = rewrite(copy.deepcopy(resolve(uri)), uri)
    result = rewritten.pop(root_uri)
    definitions = dict(result.get("definitions", {}))
    for uri, schema in rewritten.items():
        definitions[_key(uri)] = schema
    if definitions:
        result["definitions"] = definitions
    return result
