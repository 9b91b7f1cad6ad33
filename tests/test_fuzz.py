"""Fuzzing the loader, detection and rules with hypothesis, for a fixed budget: no input may crash them.

Three targets: arbitrary bytes with a payload's file name (the loader), JSON-shaped values built
around the ten attribute types (detection, schema stage and every rule), and single-byte
mutations of the specification's example (positions and the split parser's neighbours)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLE
from validator.config import Configuration
from validator.linter import Linter
from validator.model import SDE_TYPES
from validator.rules.catalogue import load_catalogue

LINTER = Linter(Configuration.load(None))
KNOWN_RULES = set(load_catalogue())
BUDGET = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**400), max_value=10**400), st.floats(allow_nan=False),
    st.text(max_size=40), st.sampled_from(["1528659491243", "-1", "1e400", "NaN", "9" * 5000, "2018-06-10", "USD", "usd", ""]),
)
keys = st.one_of(st.sampled_from(["sdeType", "serverTimeStamp", "originalTimeStamp", "total", "numItems", "products", "quantity", "product",
                                  "price", "currency", "customerAge", "contacts", "personalContact", "email", "phone", "info", "events",
                                  "sdes", "unAuthSdes", "isAuthenticated", "startTimeL", "endTimeL", "status", "messageRecords", "seq",
                                  "timeL", "time", "messageId", "conversationId", *SDE_TYPES.values()]), st.text(max_size=10))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=6)), max_leaves=40)
events = st.builds(
    lambda sde_type, body, extra: {"sdeType": sde_type, "serverTimeStamp": "1528659491243", SDE_TYPES.get(sde_type, "lead"): body, **extra},
    st.sampled_from([*SDE_TYPES, "NOPE"]), values, st.dictionaries(keys, values, max_size=3),
)
documents = st.one_of(
    events,
    st.lists(events, max_size=4),
    st.builds(lambda evs, info: {"conversationHistoryRecords": [{"info": info, "sdes": {"events": evs}, "unAuthSdes": {"events": evs[:1]}}]},
              st.lists(events, max_size=3), st.dictionaries(keys, scalars, max_size=5)),
    values,
)


def _check(result) -> None:
    for finding in result.findings:
        assert finding.rule in KNOWN_RULES, finding
        assert finding.line >= 0 and finding.column >= 0


@BUDGET
@given(st.binary(max_size=2000), st.sampled_from(["x.json", "x.jsonl", "x.yaml", "x.json.gz"]))
def test_any_bytes_under_any_payload_name(raw, name):
    _check(LINTER.lint_bytes(raw, name))


@BUDGET
@given(documents, st.sampled_from(["auto", "v1", "v2"]))
def test_payload_shaped_values_through_detection_schema_and_rules(document, version):
    text = json.dumps(document, ensure_ascii=False)
    linter = LINTER if version == "auto" else Linter(Configuration.load(None, _cli(version)))
    _check(linter.lint_bytes(text.encode("utf-8", "surrogatepass"), "fuzz.json"))
    _check(linter.lint_object(document, "fuzz"))


EXAMPLE_BYTES = EXAMPLE.read_bytes()


@BUDGET
@given(st.integers(min_value=0, max_value=len(EXAMPLE_BYTES) - 1), st.binary(min_size=0, max_size=3))
def test_single_mutations_of_the_specification_example(offset, replacement):
    _check(LINTER.lint_bytes(EXAMPLE_BYTES[:offset] + replacement + EXAMPLE_BYTES[offset + 1:], "mutated.json"))


def _cli(version: str):
    from validator.config import CommandLine

    return CommandLine(version)


_SMALL_EXAMPLE = json.dumps(json.loads(EXAMPLE.read_text(encoding="utf-8"))["conversationHistoryRecords"][0]["unAuthSdes"], indent=1)


@BUDGET
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(_SMALL_EXAMPLE) - 1), st.sampled_from(["", ",", " ", "\t", "}", "]", '"', "\\", ":"])),
                min_size=1, max_size=4))
def test_every_syntax_error_is_placed_in_order_and_the_first_is_the_parsers(edits):
    """Mutations of the example (characters replaced, deleted or added): the errors after the first come in text order,
    each inside the text, at most 10, and the first is where the parser stopped (or, for a trailing comma, at that comma)."""
    from validator.load.syntax import MAX_SYNTAX_ERRORS, syntax_problems

    text = _SMALL_EXAMPLE
    for at, replacement in sorted(edits, reverse=True):
        text = text[:at] + replacement + text[at + (1 if replacement in ("", ",", "}") else 0):]
    try:
        json.loads(text)
        return
    except json.JSONDecodeError as error:
        first = error
    except (RecursionError, ValueError):
        return
    problems = syntax_problems(text, first)
    offsets = [problem.offset for problem in problems]
    assert 1 <= len(problems) <= MAX_SYNTAX_ERRORS
    assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets), problems
    assert all(offset is not None and 0 <= offset <= len(text) for offset in offsets)
    if problems[0].message.startswith("invalid JSON: trailing comma"):
        assert text[offsets[0]] == "," and text[offsets[0] + 1:first.pos].strip() == ""
    else:
        assert offsets[0] in (first.pos, first.pos - 1)  # a bad \u escape is placed at its backslash
