"""The hand-written schemas under ``schemas/``: loading, lookup, and ref resolution.

Both validation libraries resolve ``$ref`` through this store and never touch
the network. A *stub* replaces a referenced schema with ``{}``: compiling the
record schema with the event schema stubbed gives the fast "shell" check of a
record, while each event is dispatched to its own compiled validator.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

from ..model import CONTAINER_KEYS, SDE_TYPES, VERSIONS  # noqa: F401 (re-exported)
from ..resources import data_path

BASE_URI = "https://sdelint.invalid/schemas/"


def schema_uri(version: str, name: str) -> str:
    """The $id of a bundled schema; version "" names sdelint's own (rules.schema, config.schema)."""
    return f"{BASE_URI}{version}/{name}.json" if version else f"{BASE_URI}{name}.json"


@lru_cache(maxsize=None)
def _load_all() -> dict[str, dict[str, Any]]:
    store: dict[str, dict[str, Any]] = {}
    root = data_path("schemas")
    for version in ("", *VERSIONS):
        for path in sorted((root / version).glob("*.json")):
            schema = json.loads(path.read_text(encoding="utf-8"))
            store[schema["$id"]] = schema
    return store


def get_schema(version: str, name: str) -> dict[str, Any]:
    """A schema by version and name (``cartStatus``, ``record``, ...); KeyError if unknown."""
    return _load_all()[schema_uri(version, name)]


def schema_names(version: str) -> list[str]:
    prefix = f"{BASE_URI}{version}/"
    return sorted(uri[len(prefix):-5] for uri in _load_all() if uri.startswith(prefix))


def all_uris() -> list[str]:
    return list(_load_all())


def resolve(uri: str, stubs: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The schema document for ``uri`` (no fragment), or ``{}`` when it is stubbed."""
    if uri in stubs:
        return {}
    try:
        return _load_all()[uri]
    except KeyError:
        raise LookupError(f"schema reference {uri!r} is not a bundled sdelint schema") from None


@lru_cache(maxsize=None)
def version_digest(version: str) -> str:
    """Content hash of one version's schemas: the key of the compiled-code cache."""
    h = hashlib.sha256()
    for uri, schema in sorted(_load_all().items()):
        if uri.rsplit("/", 1)[0] + "/" == (f"{BASE_URI}{version}/" if version else BASE_URI):
            h.update(uri.encode())
            h.update(json.dumps(schema, sort_keys=True).encode())
    return h.hexdigest()[:16]
