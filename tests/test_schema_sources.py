"""One schema source: v1 and v2 composed from ``schemas/common`` and one file per version.

What a version may differ in is declared in its own folder (``schemas/<version>/``); everything
else is the same file for both. The ten types are listed once (validator/model.py); the schemas
that need the list get it at load, or are checked against it here. The bundled schemas, given
to plain jsonschema, accept and reject what sdelint's own store does.
"""

from __future__ import annotations

import copy
import json
import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from validator.model import DOUBLE_NESTED, SDE_TYPES, VERSIONS
from validator.resources import data_path
from validator.validate import schemas
from validator.validate.detailed import detailed_validator

SHAPES = ("response-list", "response", "record", "events", "event", "event-list")
# What each version's own folder may hold, and which definitions the common schemas rely on it for
DECLARED_PER_VERSION = {"definitions"}
HOOKS = {"isAuthenticated", "unAuthSdes"}


def common_refs(node: Any) -> Iterator[str]:
    """Every ``$ref`` below ``node``."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from common_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from common_refs(value)


# ---------------------------------------------------------------------------
# one source
# ---------------------------------------------------------------------------


def test_v1_and_v2_share_every_type_and_shape_source():
    v1, v2 = schemas.schema_sources("v1"), schemas.schema_sources("v2")
    assert v1.keys() == v2.keys()
    for name in (*SDE_TYPES.values(), *SHAPES):
        assert v1[name] == v2[name], name
        assert v1[name].parent.name == schemas.COMMON, name


def test_versions_differ_only_where_declared():
    for version in VERSIONS:
        own = {name for name, path in schemas.schema_sources(version).items() if path.parent.name == version}
        assert own == DECLARED_PER_VERSION, version
    for name in schemas.schema_names("v1"):
        if name in DECLARED_PER_VERSION:
            continue
        v1, v2 = schemas.get_schema("v1", name), schemas.get_schema("v2", name)
        assert (v1["$id"], v2["$id"]) == (schemas.schema_uri("v1", name), schemas.schema_uri("v2", name))
        assert {k: v for k, v in v1.items() if k != "$id"} == {k: v for k, v in v2.items() if k != "$id"}, name
    # the value typing does differ, and each version's definitions are its own
    assert schemas.get_schema("v1", "definitions")["definitions"]["int"] != schemas.get_schema("v2", "definitions")["definitions"]["int"]


def test_each_version_defines_every_definition_the_common_schemas_use():
    used = set()
    for path in schemas.schema_sources("v1").values():
        if path.parent.name == schemas.COMMON:
            for ref in common_refs(json.loads(path.read_text(encoding="utf-8"))):
                if ref.startswith("definitions.json#/definitions/"):
                    used.add(ref.rsplit("/", 1)[1])
    assert used >= HOOKS, "the version hooks are referred to from the common schemas"
    for version in VERSIONS:
        defined = set(schemas.get_schema(version, "definitions")["definitions"])
        assert used <= defined, (version, used - defined)
    assert set(schemas.get_schema("v1", "definitions")["definitions"]) == set(schemas.get_schema("v2", "definitions")["definitions"])


def test_common_sources_carry_no_id_and_the_store_gives_each_its_version():
    for path in sorted((data_path("schemas") / schemas.COMMON).glob("*.json")):
        assert "$id" not in json.loads(path.read_text(encoding="utf-8")), path.name
    for version in VERSIONS:
        for name in schemas.schema_names(version):
            schema = schemas.get_schema(version, name)
            assert list(schema)[:2] == ["$schema", "$id"], (version, name)
            assert schema["$id"] == schemas.schema_uri(version, name)


def test_the_record_and_event_refs_resolve_to_the_versions_definitions():
    """Relative $refs in a shared schema land in the version the schema is composed for."""
    from urllib.parse import urldefrag, urljoin

    for version in VERSIONS:
        for name in schemas.schema_names(version):
            base = schemas.schema_uri(version, name)
            for ref in common_refs(schemas.get_schema(version, name)):
                target = urldefrag(urljoin(base, ref))[0]
                assert target.startswith(f"{schemas.BASE_URI}{version}/"), (version, name, ref)
                schemas.resolve(target)


# ---------------------------------------------------------------------------
# the ten types, listed once
# ---------------------------------------------------------------------------


def test_one_common_type_schema_per_sde_type():
    common = {path.stem for path in (data_path("schemas") / schemas.COMMON).glob("*.json")}
    assert common - set(SHAPES) == set(SDE_TYPES.values())
    for sde_type, container in SDE_TYPES.items():
        for version in VERSIONS:
            schema = schemas.get_schema(version, container)
            assert schema["properties"]["sdeType"] == {"const": sde_type, "description": "Type of SDE."}
            assert schema["required"] == ["sdeType", "serverTimeStamp", container]
            inner = schema["properties"][container]["properties"]
            assert (container in inner) == (container in DOUBLE_NESTED), f"{container}: DOUBLE_NESTED in validator/model.py disagrees with its schema"


def test_event_dispatch_comes_from_the_model():
    for version in VERSIONS:
        event = schemas.get_schema(version, "event")
        assert event["properties"]["sdeType"]["enum"] == list(SDE_TYPES)
        dispatch = {branch["if"]["properties"]["sdeType"]["const"]: branch["then"]["$ref"] for branch in event["allOf"]}
        assert dispatch == {sde_type: f"{container}.json" for sde_type, container in SDE_TYPES.items()}
        assert [branch["if"]["required"] for branch in event["allOf"]] == [["sdeType"]] * len(SDE_TYPES)


def test_rules_schema_lists_the_same_sde_types():
    rules_schema = schemas.get_schema("", "rules.schema")
    assert rules_schema["definitions"]["appliesTo"]["properties"]["sde-types"]["items"]["enum"] == list(SDE_TYPES)


# ---------------------------------------------------------------------------
# the loader, on a copy of the tree
# ---------------------------------------------------------------------------


@pytest.fixture
def schema_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A writable copy of schemas/ that the loader reads instead; the caches are clean on both sides."""
    root = tmp_path / "schemas"
    shutil.copytree(data_path("schemas"), root)
    monkeypatch.setattr(schemas, "data_path", lambda name: root if name == "schemas" else data_path(name))
    for cached in (schemas._load_all, schemas.version_digest):
        cached.cache_clear()
    yield root
    monkeypatch.undo()
    for cached in (schemas._load_all, schemas.version_digest):
        cached.cache_clear()


def digests() -> dict[str, str]:
    schemas._load_all.cache_clear()
    schemas.version_digest.cache_clear()
    return {version: schemas.version_digest(version) for version in VERSIONS}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_digest_follows_every_source_of_a_version(schema_tree, monkeypatch):
    before = digests()
    edit(schema_tree / schemas.COMMON / "lead.json", '"Lead topic."', '"The lead topic."')
    after_common = digests()
    assert after_common["v1"] != before["v1"] and after_common["v2"] != before["v2"]
    edit(schema_tree / "v1" / "definitions.json", '"A text value."', '"Text."')
    after_v1 = digests()
    assert after_v1["v1"] != after_common["v1"] and after_v1["v2"] == after_common["v2"]
    monkeypatch.setattr(schemas, "SDE_TYPES", {k: v for k, v in SDE_TYPES.items() if k != "LEAD"})
    after_model = digests()
    assert after_model["v1"] != after_v1["v1"] and after_model["v2"] != after_v1["v2"]


def test_a_schema_is_either_shared_or_per_version(schema_tree):
    shutil.copy(schema_tree / schemas.COMMON / "lead.json", schema_tree / "v2" / "lead.json")
    with pytest.raises(ValueError, match=r"schemas/v2/ and schemas/common/ both hold lead"):
        schemas.compose_store()


def test_event_json_may_not_list_the_types_itself(schema_tree):
    edit(schema_tree / schemas.COMMON / "event.json", '"description": "Type of SDE."', '"description": "Type of SDE.", "enum": ["LEAD"]')
    with pytest.raises(ValueError, match="SDE_TYPES"):
        schemas.compose_store()


def test_composed_versions_share_no_objects():
    """A fresh parse per version: a change to one version's store cannot leak into the other's."""
    store = schemas.compose_store()

    def ids(node: Any) -> set[int]:
        if isinstance(node, (dict, list)):
            values = node.values() if isinstance(node, dict) else node
            return {id(node)}.union(*(ids(value) for value in values))
        return set()

    v1 = set().union(*(ids(schema) for uri, schema in store.items() if "/v1/" in uri))
    v2 = set().union(*(ids(schema) for uri, schema in store.items() if "/v2/" in uri))
    assert v1 and v2 and not v1 & v2


# ---------------------------------------------------------------------------
# the bundles, through plain jsonschema
# ---------------------------------------------------------------------------


def without_auth_flags(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: without_auth_flags(value) for key, value in node.items() if key != "isAuthenticated"}
    if isinstance(node, list):
        return [without_auth_flags(value) for value in node]
    return node


def as_v1(example: dict[str, Any]) -> dict[str, Any]:
    """The repaired spec example as v1 sends it: "authenticated engagement attributes only" (its unAuthSdes
    events under sdes, no isAuthenticated flags) and "alphanumeric" (its one numeric attribute value as a string)."""
    document = copy.deepcopy(example)
    record = document["conversationHistoryRecords"][0]
    record["sdes"]["events"] += without_auth_flags(record.pop("unAuthSdes")["events"])
    product = record["sdes"]["events"][-5]["viewedProduct"]["products"][0]
    assert product["quantity"] == 3
    product["quantity"] = "3"
    return document


def planted(document: dict[str, Any], version: str) -> dict[str, dict[str, Any]]:
    """Defects, each in a copy of ``document``, by name."""
    out: dict[str, dict[str, Any]] = {}

    def variant(name: str) -> dict[str, Any]:
        out[name] = copy.deepcopy(document)
        return out[name]

    def events(doc: dict[str, Any]) -> list[dict[str, Any]]:
        record = doc["conversationHistoryRecords"][0]
        return record["sdes" if version == "v1" else "unAuthSdes"]["events"]

    cart = 2 if version == "v1" else 0  # the cartStatus event
    del events(variant("no sdeType"))[cart]["sdeType"]
    events(variant("unknown sdeType"))[1]["sdeType"] = "CART"
    events(variant("unknown field"))[cart]["cartStatus"]["totl"] = "1"
    events(variant("not a timestamp"))[cart]["cartStatus"]["originalTimeStamp"] = "yesterday"
    variant("records not a list")["conversationHistoryRecords"] = "not a list"
    variant("events not a list")["conversationHistoryRecords"][0]["sdes"] = {"events": {}}
    if version == "v1":
        events(variant("a number in v1"))[cart]["cartStatus"]["total"] = 11.7
        events(variant("isAuthenticated not a boolean in v1"))[cart]["isAuthenticated"] = "yes"
    else:
        events(variant("not a double"))[cart]["cartStatus"]["total"] = "eleven"
    return out


@pytest.mark.parametrize("version", VERSIONS)
def test_bundled_response_schema_validates_like_the_store(cli, example, version):
    result = cli("schema", "--bundle", "--api-version", version, "response")
    assert result.exit_code == 0
    bundled = json.loads(result.output)
    assert not [ref for ref in common_refs(bundled) if not ref.startswith("#")], "self-contained"
    # every number in it is one a double holds: JavaScript, Java and check-jsonschema's parser read it so (an exact
    # bound of 309 digits made check-jsonschema refuse the whole schema: "number is infinity when parsed as double")
    numbers: list[float] = []
    json.loads(result.output, parse_int=lambda text: numbers.append(float(text)), parse_float=lambda text: numbers.append(float(text)))
    assert all(math.isfinite(number) for number in numbers) and (numbers or version == "v1")  # v1 bounds no number
    Draft7Validator.check_schema(bundled)
    plain = Draft7Validator(bundled)
    store = detailed_validator(version, "response")
    document = as_v1(example) if version == "v1" else example
    assert list(plain.iter_errors(document)) == []
    if version == "v1":
        typed = without_auth_flags(as_v1(example))
        typed["conversationHistoryRecords"][0]["sdes"]["events"][-5]["viewedProduct"]["products"][0]["quantity"] = 3
        assert [list(e.absolute_path)[-1] for e in plain.iter_errors(typed)] == ["quantity"], "v1 values are alphanumeric"
        # unAuthSdes and isAuthenticated are the rule v1-unauthenticated's (an error under a named v1), not the schema's
        assert {list(e.absolute_path)[-1] for e in plain.iter_errors(example)} == {"quantity"}
    else:
        assert list(plain.iter_errors(as_v1(example))) == [], "v2 accepts numeric strings"
    for name, broken in planted(document, version).items():
        assert not plain.is_valid(broken), name
        assert sorted(e.message for e in plain.iter_errors(broken)) == sorted(e.message for e in store.iter_errors(broken)), name
    missing = planted(document, version)["no sdeType"]
    assert [e.message for e in plain.iter_errors(missing)] == ["'sdeType' is a required property"]


def test_bundles_hold_only_their_own_versions_schemas():
    from validator.validate.bundle import bundle

    for version in VERSIONS:
        bundled = bundle(version, "response")
        assert sorted(bundled["definitions"]) == sorted(f"{version}_{name}" for name in schemas.schema_names(version) if name not in ("response-list", "response", "event-list"))
        assert "$id" not in json.dumps(bundled["definitions"])
