"""The compiled fast path and the detailed path agree on what is valid.

The pipeline hands an input to jsonschema only when fastjsonschema rejects it, so a value
the two disagree on is either silently accepted (fast says valid, detailed would not) or
rejected with no finding at all (fast says invalid, detailed finds nothing). Events of every
type and API version are generated from the specification example's events by random
mutations, and each is checked against its type's schema, event.json, and (inside a
record) record.json and response.json, with and without the stubs pipeline.py uses.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import to_v1
from validator.model import SDE_TYPES
from validator.validate import CompiledValidators, get_schema
from validator.validate.detailed import detailed_problems, detailed_validator
from validator.validate.schemas import schema_uri

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "conversation-response.json"
VERSIONS = ("v1", "v2")
TYPES = tuple(SDE_TYPES.values())

SETTINGS = settings(
    max_examples=100,
    database=None,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- seeds: the spec example's events, as v2 (as published) and as v1 (strings only, authenticated) ---


_EXAMPLE = json.loads(EXAMPLE.read_text(encoding="utf-8"))


def _example() -> dict:
    return copy.deepcopy(_EXAMPLE)


def _seed_events() -> dict[tuple[str, str], list[dict]]:
    record = _example()["conversationHistoryRecords"][0]
    seeds: dict[tuple[str, str], list[dict]] = {}
    for seed in record["sdes"]["events"] + record["unAuthSdes"]["events"]:
        name = SDE_TYPES[seed["sdeType"]]
        seeds.setdefault(("v2", name), []).append(seed)
        seeds.setdefault(("v1", name), []).append(to_v1(seed))
    return seeds


SEEDS = _seed_events()


def _v1_record() -> dict:
    record = to_v1(_example()["conversationHistoryRecords"][0])
    record["sdes"]["events"] += record.pop("unAuthSdes")["events"]
    # the non-attribute members keep their published (typed) values
    original = _example()["conversationHistoryRecords"][0]
    for key in original:
        if key not in ("sdes", "unAuthSdes"):
            record[key] = original[key]
    return record


# a record trimmed to one item of each list, so that a mutation lands in the attributes often enough
_TRIMMED = ("messageRecords", "agentParticipants", "consumerParticipant", "transfers", "interactions", "messageScore", "messageStatuses", "conversationSurveys")


def _seed_record(version: str) -> dict:
    record = _example()["conversationHistoryRecords"][0] if version == "v2" else _v1_record()
    for key in _TRIMMED:
        record[key] = record[key][:1]
    record["messageRecords"][0]["contextData"] = {"rawMetadata": "[]"}
    return record


# --- random JSON values and mutations ---

TRICKY_STRINGS = [
    "12\n", "12\r", "\n12", "12 ", " 12", "1.0", "1.", ".5", "+1", "-1", "--1", "1e5", "1E+5", "1e", "0x1F", "1_000",
    "١٢٣", "NaN", "Infinity", "true", "false", "True", "true\n", "null", "", " ", "1528628536882", "1528628536882\n",
    "-1528628536882", "CART_STATUS", "LEAD\n", "USD",
]
SCHEMA_KEYS = sorted(
    {
        key
        for version in VERSIONS
        for name in (*TYPES, "definitions")
        for key in json.dumps(get_schema(version, name)).split('"')
        if key.isidentifier()
    }
)
KEYS = st.one_of(st.sampled_from(SCHEMA_KEYS), st.sampled_from(["Currency", "customerID", "viewProduct", "year", "month", "day"]), st.text(max_size=6))
NUMERIC_STRINGS = st.from_regex(r"[+-]?([0-9]{1,4}(\.[0-9]{0,3})?|\.[0-9]{1,3})([eE][+-]?[0-9]{1,2})?", fullmatch=True)
LEAVES = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 1.0, -1.0, 2.5, 1e20, 1528628536882.0]),
    NUMERIC_STRINGS,
    st.sampled_from(TRICKY_STRINGS),
    NUMERIC_STRINGS.map(lambda text: text + "\n"),
)
JSON_VALUES = st.recursive(LEAVES, lambda children: st.lists(children, max_size=3) | st.dictionaries(KEYS, children, max_size=3), max_leaves=6)
SDE_TYPE_VALUES = st.one_of(st.sampled_from(sorted(SDE_TYPES)), st.sampled_from(["cartStatus", "CART", "lead", "LEAD "]), LEAVES)


def _paths(value: Any, path: tuple = ()):
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, path + (index,))


def _at(value: Any, path: tuple) -> Any:
    for step in path:
        value = value[step]
    return value


def mutate(data: st.DataObject, value: Any, max_mutations: int = 3) -> Any:
    """Up to ``max_mutations`` random edits; most replace a scalar by another scalar (or end a
    string with a newline), so many results stay valid and the rest are near the boundary."""
    value = copy.deepcopy(value)
    for _ in range(data.draw(st.integers(0, max_mutations), label="mutations")):
        op = data.draw(st.sampled_from(["leaf"] * 6 + ["newline", "replace", "add", "delete", "sdeType"]), label="op")
        paths = list(_paths(value))
        if op == "newline":
            strings = [p for p in paths if p and isinstance(_at(value, p), str)]
            if strings:
                path = data.draw(st.sampled_from(strings), label="newline after")
                _at(value, path[:-1])[path[-1]] += "\n"
        elif op == "leaf":
            leaves = [p for p in paths if p and not isinstance(_at(value, p), (dict, list))]
            if leaves:
                path = data.draw(st.sampled_from(leaves), label="leaf")
                _at(value, path[:-1])[path[-1]] = data.draw(LEAVES, label="value")
        elif op == "replace":
            path = data.draw(st.sampled_from(paths), label="replace at")
            new = data.draw(JSON_VALUES, label="value")
            if path:
                _at(value, path[:-1])[path[-1]] = new
            else:
                value = new
        elif op == "add":
            targets = [p for p in paths if isinstance(_at(value, p), dict)]
            if targets:
                path = data.draw(st.sampled_from(targets), label="add to")
                _at(value, path)[data.draw(KEYS, label="key")] = data.draw(JSON_VALUES, label="value")
        elif op == "delete":
            targets = [p for p in paths if p]
            if targets:
                path = data.draw(st.sampled_from(targets), label="delete")
                del _at(value, path[:-1])[path[-1]]
        else:
            targets = [p for p in paths if isinstance(_at(value, p), dict) and "sdeType" in _at(value, p)]
            if targets:
                path = data.draw(st.sampled_from(targets), label="sdeType of")
                _at(value, path)["sdeType"] = data.draw(SDE_TYPE_VALUES, label="sdeType")
    return value


# --- the two paths ---


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> CompiledValidators:
    return CompiledValidators(cache_dir=tmp_path_factory.getbasetemp() / "sdelint-cache")


def fast_valid(compiled: CompiledValidators, version: str, name: str, instance: Any, stubs: frozenset[str] = frozenset()) -> bool:
    try:
        compiled.get(version, name, stubs)(instance)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def detailed_valid(version: str, name: str, instance: Any, stubs: frozenset[str] = frozenset()) -> bool:
    return next(iter(detailed_validator(version, name, stubs).iter_errors(instance)), None) is None


def assert_agree(compiled: CompiledValidators, version: str, name: str, instance: Any, stubs: frozenset[str] = frozenset()) -> bool:
    fast = fast_valid(compiled, version, name, instance, stubs)
    detailed = detailed_valid(version, name, instance, stubs)
    assert fast == detailed, f"{version}/{name} (stubs {sorted(stubs)}): fast path says {'valid' if fast else 'invalid'}, detailed path says {'valid' if detailed else 'invalid'} for {json.dumps(instance)[:2000]}"
    if not fast:
        # what the pipeline reports for an input the fast path rejects: at least one finding
        problems = detailed_problems(version, name, instance, "", stubs)
        assert problems, f"{version}/{name}: the fast path rejects but the detailed path reports nothing for {json.dumps(instance)[:2000]}"
    return fast


TYPE_VERSIONS = [pytest.param(version, name, id=f"{version}-{name}") for version in VERSIONS for name in TYPES]


@pytest.mark.parametrize(("version", "name"), TYPE_VERSIONS)
def test_seed_events_are_valid_on_both_paths(compiled, version, name):
    """The starting points are valid, so the generated inputs are near the boundary, not all junk."""
    assert SEEDS[(version, name)]
    for seed in SEEDS[(version, name)]:
        assert assert_agree(compiled, version, name, seed)
        assert assert_agree(compiled, version, "event", seed)


@pytest.mark.parametrize(("version", "name"), TYPE_VERSIONS)
@SETTINGS
@given(data=st.data())
def test_event_schemas_agree(compiled, version, name, data):
    """Each type's own schema: what the pipeline validates every event with."""
    mutated = mutate(data, data.draw(st.sampled_from(SEEDS[(version, name)]), label="seed"))
    event("valid" if assert_agree(compiled, version, name, mutated) else "invalid")


@pytest.mark.parametrize("version", VERSIONS)
@settings(SETTINGS, max_examples=120)
@given(data=st.data())
def test_event_dispatch_schema_agrees(compiled, version, data):
    """event.json, which dispatches on sdeType to the type's schema through if/then and a $ref into
    another file: the detailed path once lost its ECMA-262 'pattern' there (jsonschema re-selects the
    validator class by a referenced document's $schema), so '12\\n' passed it and failed the fast path."""
    seeds = [seed for (v, _), group in sorted(SEEDS.items()) if v == version for seed in group]
    mutated = mutate(data, data.draw(st.sampled_from(seeds), label="seed"))
    event("valid" if assert_agree(compiled, version, "event", mutated) else "invalid")


def mutated_record(data: st.DataObject, version: str) -> Any:
    """A record with one of its events mutated, then at most one more mutation anywhere in it."""
    record = _seed_record(version)
    section = data.draw(st.sampled_from(["sdes", "unAuthSdes"] if version == "v2" else ["sdes"]), label="section")
    events = record[section]["events"]
    index = data.draw(st.integers(0, len(events) - 1), label="event")
    events[index] = mutate(data, events[index])
    return mutate(data, record, max_mutations=1)


def _record_stubs(version: str) -> frozenset[str]:
    return frozenset({schema_uri(version, "event")})


def _response_stubs(version: str) -> frozenset[str]:
    return frozenset({schema_uri(version, "record")})


@pytest.mark.parametrize("version", VERSIONS)
def test_seed_record_and_response_are_valid_on_both_paths(compiled, version):
    record = _seed_record(version)
    response = {**_example(), "conversationHistoryRecords": [record]}
    for name, instance in (("record", record), ("response", response), ("events", record["sdes"]), ("event-list", record["sdes"]["events"])):
        assert assert_agree(compiled, version, name, instance)
    assert assert_agree(compiled, version, "record", record, _record_stubs(version))
    assert assert_agree(compiled, version, "response", response, _response_stubs(version))
    assert assert_agree(compiled, version, "events", record["sdes"], _record_stubs(version))


@pytest.mark.parametrize("version", VERSIONS)
@settings(SETTINGS, max_examples=60)
@given(data=st.data())
def test_record_and_response_shells_agree(compiled, version, data):
    """Mutations anywhere in a record, checked as the pipeline does: the shells, with what is checked separately stubbed."""
    record = mutate(data, _seed_record(version), max_mutations=4)
    event("valid" if assert_agree(compiled, version, "record", record, _record_stubs(version)) else "invalid")
    response = {"_metadata": {"count": 1}, "conversationHistoryRecords": [record]}
    assert_agree(compiled, version, "response", response, _response_stubs(version))
    assert_agree(compiled, version, "response", response, _record_stubs(version))
    if isinstance(record, dict) and "sdes" in record:
        assert_agree(compiled, version, "events", record["sdes"], _record_stubs(version))


@pytest.mark.parametrize("version", VERSIONS)
@settings(SETTINGS, max_examples=40)
@given(data=st.data())
def test_whole_record_and_response_schemas_agree(compiled, version, data):
    """record.json and response.json with nothing stubbed: every event validated through event.json."""
    record = mutated_record(data, version)
    event("valid" if assert_agree(compiled, version, "record", record) else "invalid")
    response = {**_example(), "conversationHistoryRecords": [record]}
    assert_agree(compiled, version, "response", response)


# --- the values where two regex and type engines are most likely to part ways ---

FIELD = {
    "double": ("lead", ("lead", "lead", "value")),
    "int": ("serviceActivity", ("serviceActivity", "serviceActivity", "status")),
    "long": ("visitorError", ("visitorError", "visitorError", "level")),
    "boolean": ("visitorError", ("visitorError", "visitorError", "resolved")),
    "alphanumeric": ("lead", ("lead", "lead", "topic")),
    "timestamp": ("lead", ("lead", "serverTimeStamp")),
    "nullableTimestamp": ("purchase", ("purchase", "cart", "serverTimeStamp")),
    "customerAge": ("personalInfo", ("personalInfo", "personalInfo", "customerAge")),
    "sdeType": ("lead", ("sdeType",)),
}

# (version, field kind, value, valid?)
TRICKY = [
    ("v2", "double", "12\n", False),
    ("v2", "double", "12", True),
    ("v2", "double", 1.0, True),
    ("v2", "double", True, False),
    ("v2", "double", None, True),
    ("v2", "double", "", False),
    ("v2", "double", "1.", True),
    # a double holds what Java's Double.parseDouble (as float()) reads as finite: "1e400" was a numeric-string info
    # while the number 1e400 was an error (a sweep); the boundary is halfway from Double.MAX_VALUE to 2**1024
    ("v2", "double", "1e400", False),
    ("v2", "double", "-1E+400", False),
    ("v2", "double", "1.7976931348623157e308", True),
    ("v2", "double", "1.7976931348623159e308", False),
    ("v2", "double", "9" * 308, True),
    ("v2", "double", "9" * 309, False),
    ("v2", "double", "1e-400", True),  # underflows to 0.0, as Java reads it: a double holds it
    ("v2", "double", 10**308, True),
    ("v2", "double", int(sys.float_info.max), True),  # Double.MAX_VALUE, as an integer
    ("v2", "double", int(sys.float_info.max) + 1, False),
    ("v2", "double", -(10**309), False),
    ("v2", "double", "NaN", False),
    ("v2", "double", "1_000", False),  # float() takes these three; Double.parseDouble does not
    ("v2", "double", "\u0661\u0662", False),
    ("v2", "double", " 12", False),
    ("v2", "int", 1.0, True),  # draft-07: an integral float is an integer
    ("v2", "int", 1.5, False),
    ("v2", "int", "1.0", False),
    ("v2", "int", True, False),
    ("v2", "int", "7\n", False),
    # the tables' int and long are 32- and 64-bit (an audit found 2**63 and 2**32 accepted): both paths say so alike
    ("v2", "long", 10**30, False),
    ("v2", "long", -(10**30), False),
    ("v2", "long", 2**63 - 1, True),
    ("v2", "long", -(2**63), True),
    ("v2", "long", 2**63, False),
    ("v2", "int", 2**31 - 1, True),
    ("v2", "int", -(2**31), True),
    ("v2", "int", 2**31, False),
    # an integer string is held to the same range (a verdict audit: "2147483648" passed where 2147483648 did not)
    ("v2", "int", "4294967296", False),
    ("v2", "int", "2147483647", True),
    ("v2", "int", "+0002147483647", True),
    ("v2", "int", "-2147483648", True),
    ("v2", "int", "-2147483649", False),
    ("v2", "int", "2147483648", False),
    ("v2", "long", "9223372036854775807", True),
    ("v2", "long", "-9223372036854775808", True),
    ("v2", "long", "9223372036854775808", False),
    ("v2", "long", "1" + "0" * 40, False),
    ("v2", "boolean", "true", True),
    ("v2", "boolean", "true\n", False),
    ("v2", "boolean", False, True),
    ("v2", "boolean", 0, False),
    ("v2", "boolean", 1.0, False),
    ("v2", "alphanumeric", 1, False),
    ("v2", "alphanumeric", "12\n", True),
    ("v2", "timestamp", "1528628536882\n", False),
    ("v2", "timestamp", 1528628536882.0, True),
    ("v2", "timestamp", None, False),
    ("v2", "timestamp", False, False),
    ("v2", "nullableTimestamp", None, True),
    ("v2", "nullableTimestamp", "\n", False),
    ("v2", "customerAge", 1980, True),
    ("v2", "customerAge", "1980\n", True),  # alphanumeric: any text
    ("v2", "customerAge", "1980-04-15", True),
    ("v2", "customerAge", 1980.5, False),
    ("v2", "customerAge", True, False),
    ("v2", "sdeType", "LEAD\n", False),
    ("v1", "double", "12\n", True),  # v1 values are alphanumeric: any text
    ("v1", "double", "400.99 USD", True),
    ("v1", "double", 12, False),
    ("v1", "double", "12.5", True),
    ("v1", "int", "12", True),
    ("v1", "int", 12.0, False),
    ("v1", "boolean", "false", True),
    ("v1", "boolean", False, False),
    ("v1", "timestamp", 1528628536882, True),  # long: a string of digits or an integer
    ("v1", "timestamp", 1528628536882.5, False),
    ("v1", "timestamp", True, False),
    ("v1", "timestamp", "1528628536882", True),
    ("v1", "timestamp", "1528628536882\n", False),
    ("v1", "customerAge", "1980", True),
    ("v1", "customerAge", 1980, False),
    ("v1", "customerAge", "1980\n", True),
    ("v1", "sdeType", "LEAD\n", False),
]


@pytest.mark.parametrize(("version", "kind", "value", "valid"), TRICKY, ids=[f"{v}-{k}-{x!r}" for v, k, x, _ in TRICKY])
def test_tricky_values(compiled, version, kind, value, valid):
    name, path = FIELD[kind]
    event = copy.deepcopy(SEEDS[(version, name)][-1])
    target = event
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    assert fast_valid(compiled, version, name, event) is valid
    assert detailed_valid(version, name, event) is valid
    assert bool(detailed_problems(version, name, event, "")) is (not valid)


def _wrap(version: str, kind: str, event: dict) -> Any:
    if kind == "event":
        return event
    if kind == "event-list":
        return [event]
    if kind == "events":
        return {"events": [event]}
    record = {"sdes" if version == "v1" else "unAuthSdes": {"events": [event]}}
    return record if kind == "record" else {"conversationHistoryRecords": [record]}


# A v1 double is any text (no pattern): in v1 the timestamps are the patterned values
NEWLINE_CASES = [
    pytest.param(version, kind, field, id=f"{version}-{kind}-{field}")
    for version in VERSIONS
    for kind in ("event", "event-list", "events", "record", "response")
    for field in ("double", "timestamp", "sdeType")
    if not (version == "v1" and field == "double")
]


@pytest.mark.parametrize(("version", "kind", "field"), NEWLINE_CASES)
def test_trailing_newline_through_document_schemas_fast_path(compiled, version, kind, field):
    """The fast path rejects '12\n' however deep the schema that checks it (ECMA-262 '$')."""
    name, path = FIELD[field]
    event = copy.deepcopy(SEEDS[(version, name)][-1])
    _at(event, path[:-1])[path[-1]] = {"double": "12\n", "timestamp": "1528628536882\n", "sdeType": "LEAD\n"}[field]
    assert fast_valid(compiled, version, name, event) is False
    assert fast_valid(compiled, version, kind, _wrap(version, kind, event)) is False
    assert detailed_valid(version, name, event) is False  # the type's own schema as the root: right


@pytest.mark.parametrize(("version", "kind"), [pytest.param(v, k, id=f"{v}-{k}") for v in VERSIONS for k in ("event", "event-list", "events", "record", "response")])
def test_trailing_newline_through_document_schemas_detailed_path(compiled, version, kind):
    """The detailed path must reject it too, whichever schema document it starts from (the regression
    behind test_event_dispatch_schema_agrees: '12\\n' passed jsonschema past a cross-file $ref)."""
    field, value = ("double", "12\n") if version == "v2" else ("timestamp", "1528628536882\n")  # a v1 double is any text
    name, path = FIELD[field]
    event = copy.deepcopy(SEEDS[(version, name)][-1])
    _at(event, path[:-1])[path[-1]] = value
    document = _wrap(version, kind, event)
    assert detailed_valid(version, kind, document) is False
    assert detailed_problems(version, kind, document, "")


@pytest.mark.parametrize("version", VERSIONS)
def test_const_sde_type_with_trailing_newline_is_rejected_by_both_paths(compiled, version):
    """const is an equality test, not a regex: 'LEAD\n' is wrong on both paths and through event.json."""
    event = copy.deepcopy(SEEDS[(version, "lead")][-1])
    event["sdeType"] = "LEAD\n"
    for kind in ("event", "event-list", "record"):
        document = _wrap(version, kind, event)
        assert fast_valid(compiled, version, kind, document) is False
        assert detailed_valid(version, kind, document) is False


@pytest.mark.parametrize("version", VERSIONS)
def test_compiling_leaves_the_bundled_schemas_untouched(tmp_path, version):
    """fastjsonschema rewrites the $refs of the schema it compiles to absolute URIs, in place: handed
    the shared store, it once changed what get_schema() (sdelint schema, the serve API) returns,
    depending on whether the compile cache was cold."""
    from validator.validate import schemas

    try:
        validators = CompiledValidators(cache_dir=tmp_path, use_cache=False)
        for name in (*TYPES, "event", "record", "response"):
            validators.get(version, name)
        # what the store holds against the same schemas composed afresh from the files
        pristine = schemas.compose_store()
        changed = [name for name in (*TYPES, "event", "record", "response") if get_schema(version, name) != pristine[schema_uri(version, name)]]
        assert changed == []
    finally:
        schemas._load_all.cache_clear()  # leave a pristine store for the other tests


@pytest.mark.parametrize("version", VERSIONS)
def test_fast_path_code_does_no_message_only_work(version):
    """The generated code is tightened (compiled._tighten): outside its raise lines it builds no
    names from locals(), keeps no set of seen keys, and calls no function per scalar field. The
    tests above show the tightened code still agrees with jsonschema; this one keeps it lean."""
    from validator.validate.checker import _SHELLS
    from validator.validate.compiled import _generate

    # what the pipeline compiles: each type, and the shells with the part checked one by one stubbed
    # (event.json's type branches share one key-set name, which is left as generated; it is never compiled)
    compiled = [(name, frozenset()) for name in TYPES]
    compiled += [(name, frozenset({schema_uri(version, stubbed)})) for name, stubbed in _SHELLS.values()]
    for name, stubs in compiled:
        hot = [line.strip() for line in _generate(version, name, stubs).splitlines() if "raise " not in line]
        assert not [line for line in hot if "format(**locals())" in line], name
        assert not [line for line in hot if "_keys.remove(" in line], name
        leaf_calls = [line for line in hot if "_definitions_" in line and line.startswith(("validate_", "if ")) and ("timestamp(" in line or "alphanumeric(" in line)]
        assert leaf_calls == [], name


_LEAF = "https://leaf.invalid/leaf.json"


@pytest.mark.parametrize(
    ("schema", "leaf", "instance"),
    [
        ({"allOf": [{"properties": {"a": {}}, "additionalProperties": False}, {"properties": {"b": {}}}]}, None, {"b": 1}),
        ({"oneOf": [{"properties": {"a": {}}, "additionalProperties": False}, {"properties": {"b": {}}, "additionalProperties": False}]}, None, {"a": 1}),
        ({"properties": {"a": {}}, "additionalProperties": False, "if": {"properties": {"b": {}}}, "then": {}}, None, {}),
        ({"properties": {"p": {"$ref": _LEAF}}}, {"type": "object", "properties": {"data": {"type": "integer"}}, "required": ["data"]}, {"p": {"data": 1}}),
        ({"properties": {"p": {"$ref": _LEAF}}}, {"type": "string", "pattern": "^data$"}, {"p": "data"}),
        ({"properties": {"p": {"$ref": _LEAF}}}, {"type": "string", "enum": ["data_x", "data"]}, {"p": "data_x"}),
    ],
)
def test_tightening_never_changes_a_verdict(schema, leaf, instance):
    """Schemas sdelint does not ship but could: a key set shared by subschemas, a property or a
    pattern named "data" in a pasted leaf. The tightened code must decide exactly as the generated one."""
    from validator.validate.compiled import _tighten

    code = fastjsonschema.compile_to_code(schema, handlers={"https": lambda uri: copy.deepcopy(leaf)}, use_default=False)
    verdicts = []
    for source in (code, _tighten(code)):
        namespace: dict[str, Any] = {}
        exec(compile(source, "<test>", "exec"), namespace)
        try:
            namespace["validate"](copy.deepcopy(instance))
            verdicts.append("valid")
        except fastjsonschema.JsonSchemaException:
            verdicts.append("invalid")
        bad = {"p": 3} if leaf is not None else {"z": 1}
        try:
            namespace["validate"](bad)
            verdicts.append("valid")
        except fastjsonschema.JsonSchemaException:
            verdicts.append("invalid")
    assert verdicts[:2] == verdicts[2:]
