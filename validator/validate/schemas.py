"""The hand-written schemas under ``schemas/``: composition per API version, lookup, ref resolution.

Layout of ``schemas/``:

- ``common/``: what every API version shares, written once: the ten type schemas (one file per
  attribute container, named after it) and the document shapes (response, record, events, event,
  event-list). They carry no ``$id``.
- ``v1/``, ``v2/``: what differs by version, once per version: ``definitions.json``, the value
  types, and the hooks the common schemas refer to for what a version allows (``isAuthenticated``
  on events and containers, the record's ``unAuthSdes``).
- ``*.schema.json``: sdelint's own (rules, config), version ``""``, used as written.

A version's store is composed at load: every common schema and the version's own, each given the
``$id`` ``.../<version>/<name>.json``, so that relative ``$ref``s (``definitions.json#/...``)
resolve to that version's definitions. A name is either common or per-version, never both.

Profiles other than messaging have stores of their own, composed the same way (``schema_uri`` takes
the store's name where it takes a version):

- ``engagement-history/``: the common schemas again, with Engagement History's ``definitions.json``
  (which refers to v2's value types and widens text to what that API returns) and its response
  and record shapes (``eh-response``, ``eh-record``). Its events are normalised to the common
  shape before validation (``validator/profile_views.py``).
- ``web/``: its own files only: one schema per lpTag type, named after it (``cart``, ``ctmrinfo``,
  ...), referring to v2's value types and to v2's ``cartStatus`` products; ``sde.json`` dispatches
  by ``type`` (filled in from ``WEB_TYPES`` at load) and lists the members a delivery adds to any
  object (``deliveryMembers``: each type's schema takes them at load); ``lp-sde.json`` adds the
  authenticated flow's limits.

The ten types are listed once, in ``validator/model.py`` (``SDE_TYPES``): event.json's ``sdeType``
enum and its per-type dispatch (one ``if``/``then`` per type) are filled in from it at load.
Each type's own schema names its sdeType in a ``const``; tests check that those files, and the
sdeType list of ``rules.schema.json``, agree with ``SDE_TYPES``.

Both validation libraries resolve ``$ref`` through this store and never touch
the network. A *stub* replaces a referenced schema with ``{}``: compiling the
record schema with the event schema stubbed gives the fast "shell" check of a
record, while each event is dispatched to its own compiled validator.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from ..model import CONTAINER_KEYS, ENGAGEMENT_HISTORY, PROFILE_STORES, SDE_TYPES, VERSIONS, WEB, WEB_TYPES  # noqa: F401 (re-exported)
from ..resources import data_path

BASE_URI = "https://sdelint.invalid/schemas/"
# The folder under schemas/ of the schemas every API version shares
COMMON = "common"

Schema = dict[str, Any]


def schema_uri(version: str, name: str) -> str:
    """The $id of a bundled schema; version "" names sdelint's own (rules.schema, config.schema)."""
    return f"{BASE_URI}{version}/{name}.json" if version else f"{BASE_URI}{name}.json"


# The stores schemas are composed into, and whether each takes the common schemas too
STORES = {**dict.fromkeys(VERSIONS, True), ENGAGEMENT_HISTORY: True, WEB: False}


def schema_sources(version: str) -> dict[str, Path]:
    """Name -> the file a version's (or profile's) schema is composed from: its own folder's, else the common one."""
    root = data_path("schemas")
    if not version:
        return {path.name.removesuffix(".json"): path for path in sorted(root.glob("*.json"))}
    common = {path.stem: path for path in (root / COMMON).glob("*.json")} if STORES.get(version, True) else {}
    own = {path.stem: path for path in (root / version).glob("*.json")}
    if both := sorted(common.keys() & own.keys()):
        raise ValueError(f"schemas/{version}/ and schemas/{COMMON}/ both hold {', '.join(both)}: a schema is either shared or per-version")
    return dict(sorted({**common, **own}.items()))


def _with_id(schema: Schema, uri: str) -> Schema:
    """``schema`` under ``uri``, the ``$id`` placed after ``$schema`` as in a hand-written file."""
    head = {"$schema": schema["$schema"]} if "$schema" in schema else {}
    return {**head, "$id": uri, **{key: value for key, value in schema.items() if key not in ("$schema", "$id")}}


def _dispatch_by_sde_type(event: Schema) -> Schema:
    """event.json with the sdeType enum and one branch per type, from SDE_TYPES: the list is kept once."""
    sde_type = event["properties"]["sdeType"]
    if "enum" in sde_type or "allOf" in event:
        raise ValueError(f"schemas/{COMMON}/event.json lists the types itself: they come from validator/model.py SDE_TYPES")
    sde_type["enum"] = list(SDE_TYPES)
    event["allOf"] = [
        {"if": {"properties": {"sdeType": {"const": sde_type_name}}, "required": ["sdeType"]}, "then": {"$ref": f"{container}.json"}}
        for sde_type_name, container in SDE_TYPES.items()
    ]
    return event


def _dispatch_by_web_type(sde: Schema) -> Schema:
    """web/sde.json with the type enum and one branch per lpTag type, from WEB_TYPES."""
    web_type = sde["properties"]["type"]
    if "enum" in web_type or "allOf" in sde:
        raise ValueError("schemas/web/sde.json lists the types itself: they come from validator/model.py WEB_TYPES")
    web_type["enum"] = list(WEB_TYPES)
    sde["allOf"] = [
        {"if": {"type": "object", "properties": {"type": {"const": name}}, "required": ["type"]}, "then": {"$ref": f"{name}.json"}}
        for name in WEB_TYPES
    ]
    return sde


def _composed(store: str, name: str, schema: Schema) -> Schema:
    if name == "event" and STORES[store]:
        return _dispatch_by_sde_type(schema)
    if name == "sde" and store == WEB:
        return _dispatch_by_web_type(schema)
    return schema


def compose_store() -> dict[str, Schema]:
    """Every bundled schema by its ``$id``, composed afresh from the files (``_load_all`` keeps one)."""
    texts: dict[Path, str] = {}

    def parse(path: Path) -> Schema:
        # one read per file; a fresh parse per version, so no two versions share a nested object
        if path not in texts:
            texts[path] = path.read_text(encoding="utf-8")
        schema: Schema = json.loads(texts[path])
        return schema

    store: dict[str, Schema] = {}
    for path in schema_sources("").values():
        schema = parse(path)
        store[schema["$id"]] = schema
    for version in STORES:
        for name, path in schema_sources(version).items():
            composed = _with_id(parse(path), schema_uri(version, name))
            store[composed["$id"]] = _composed(version, name, composed)
    _add_delivery_members(store)
    return store


def _add_delivery_members(store: dict[str, Schema]) -> None:
    """Give every web type's schema the members a delivery adds to any object (web/sde.json ``deliveryMembers``)."""
    members = store[schema_uri(WEB, "sde")].get("definitions", {}).get("deliveryMembers", {}).get("properties", {})
    for name in WEB_TYPES:
        schema = store[schema_uri(WEB, name)]
        schema["properties"] = {**schema["properties"], **json.loads(json.dumps(members))}  # a copy each: no shared nested objects


@cache
def _load_all() -> dict[str, Schema]:
    return compose_store()


def get_schema(version: str, name: str) -> Schema:
    """A schema by version and name (``cartStatus``, ``record``, ...); KeyError if unknown."""
    return _load_all()[schema_uri(version, name)]


def schema_names(version: str) -> list[str]:
    prefix = f"{BASE_URI}{version}/"
    return sorted(uri[len(prefix):-5] for uri in _load_all() if uri.startswith(prefix))


def all_uris() -> list[str]:
    return list(_load_all())


def resolve(uri: str, stubs: frozenset[str] = frozenset()) -> Schema:
    """The schema document for ``uri`` (no fragment), or ``{}`` when it is stubbed."""
    if uri in stubs:
        return {}
    try:
        return _load_all()[uri]
    except KeyError:
        raise LookupError(f"schema reference {uri!r} is not a bundled sdelint schema") from None


@cache
def version_digest(version: str) -> str:
    """Content hash of one version's composed schemas (so of common, per-version and SDE_TYPES): the compiled-code cache key."""
    h = hashlib.sha256()
    for uri, schema in sorted(_load_all().items()):
        if uri.rsplit("/", 1)[0] + "/" == (f"{BASE_URI}{version}/" if version else BASE_URI):
            h.update(uri.encode())
            h.update(json.dumps(schema, sort_keys=True).encode())
    return h.hexdigest()[:16]
