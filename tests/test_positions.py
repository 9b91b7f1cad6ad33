"""Line and column of findings, checked against the source text.

Expected positions are computed here from the text itself (by searching it, or from what
the text holds at the reported place), never with sdelint's own helpers. Lines and columns
are 1-based and count characters; a finding about a member points at its key, the others at
the value.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from json.decoder import scanstring
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

try:
    import orjson
except ImportError:  # a dependency on CPython only: the placing is then tested with the standard library's encoder
    orjson = None  # type: ignore[assignment]

import validator
from validator.load.positions import UNKNOWN, _skip, line_col, line_cols, locate

SCHEMA_RULES = ("missing-field", "unknown-field", "wrong-type", "bad-value", "unknown-sde-type", "v1-alphanumeric")
KEY_RULES = {"unknown-field", "duplicate-key"}
BOM = b"\xef\xbb\xbf"


# --- an independent oracle ---------------------------------------------------------


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column in characters) of a text offset, by splitting the text."""
    before = text[:offset].split("\n")
    return len(before), len(before[-1]) + 1


def offset_at(text: str, line: int, column: int) -> int:
    """The text offset of a 1-based (line, column)."""
    lines = text.split("\n")
    assert 1 <= line <= len(lines), f"line {line} is outside the text ({len(lines)} lines)"
    assert 1 <= column <= len(lines[line - 1]) + 1, f"column {column} is outside line {line}: {lines[line - 1]!r}"
    return sum(len(text_line) + 1 for text_line in lines[: line - 1]) + column - 1


def only(text: str, needle: str) -> int:
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times"
    return text.index(needle)


def value_offset(text: str, key_pattern: str) -> int:
    """Offset of the value of the only member whose key matches ``key_pattern`` (a regex for the key's text)."""
    matches = list(re.finditer(key_pattern + r"\s*:\s*", text))
    assert len(matches) == 1, f"{key_pattern!r} matches {len(matches)} times"
    return matches[0].end()


def pointer_value(data: Any, pointer: str) -> Any:
    for token in pointer.split("/")[1:] if pointer else []:
        token = token.replace("~1", "/").replace("~0", "~")
        data = data[int(token)] if isinstance(data, list) else data[token]
    return data


def assert_points_at_what_it_names(text: str, data: Any, finding) -> None:
    """The text at the finding's line and column is its member's key (KEY_RULES) or its value."""
    offset = offset_at(text, finding.line, finding.column)
    if finding.rule in KEY_RULES:
        assert text[offset] == '"', f"{finding}: expected a key at {text[offset:offset + 30]!r}"
        key, end = scanstring(text, offset + 1)
        assert key == finding.pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~"), finding
        assert text[end:].lstrip().startswith(":"), finding
        return
    value, _ = json.JSONDecoder().raw_decode(text, offset)
    expected = pointer_value(data, finding.pointer)
    assert (type(value), value) == (type(expected), expected), f"{finding}: text there holds {value!r}"


# --- inputs with findings at known places -------------------------------------------


def bad_event() -> dict:
    """A v2 cartStatus event with three schema findings: an unknown member, a bad value, a wrong type."""
    return {
        "cartStatus": {
            "serverTimeStamp": 1528628536879,
            "originalTimeStamp": 1528628536000,
            "total": "eleven",
            "Currency": "USD",
            "numItems": True,
            "products": [{"quantity": 1, "product": {"name": "Jöhn’s “shoe” 😀 Δ", "price": 7.8}}],
        },
        "serverTimeStamp": 1528628536879,
        "sdeType": "CART_STATUS",
        "isAuthenticated": False,
    }


def render(layout: str) -> bytes:
    event = bad_event()
    if layout == "pretty":
        return json.dumps(event, indent=2, ensure_ascii=False).encode()
    if layout == "pretty-tabs":
        return json.dumps(event, indent="\t", ensure_ascii=False).encode()
    if layout == "single-line":
        return json.dumps(event, ensure_ascii=False).encode()
    if layout == "compact":
        return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()
    if layout == "crlf":
        return json.dumps(event, indent=2, ensure_ascii=False).replace("\n", "\r\n").encode()
    if layout == "crlf-single-line":
        return (json.dumps(event, ensure_ascii=False) + "\r\n").encode()
    if layout == "escaped-non-ascii":
        return json.dumps(event, indent=2, ensure_ascii=True).encode()
    if layout == "non-ascii-first":
        # the non-ASCII product before the findings, on the same line
        ordered = {"cartStatus": {"products": event["cartStatus"].pop("products"), **event["cartStatus"]}, **{k: v for k, v in event.items() if k != "cartStatus"}}
        return json.dumps(ordered, ensure_ascii=False).encode()
    if layout == "non-ascii-lines-first":
        ordered = {"cartStatus": {"products": event["cartStatus"].pop("products"), **event["cartStatus"]}, **{k: v for k, v in event.items() if k != "cartStatus"}}
        return ("\n\n" + json.dumps(ordered, indent=3, ensure_ascii=False)).encode()
    if layout == "bom":
        return BOM + json.dumps(event, indent=2, ensure_ascii=False).encode()
    if layout == "bom-single-line":
        return BOM + json.dumps(event, ensure_ascii=False).encode()
    if layout == "bom-crlf":
        return BOM + json.dumps(event, indent=2, ensure_ascii=False).replace("\n", "\r\n").encode()
    raise AssertionError(layout)


LAYOUTS = ["pretty", "pretty-tabs", "single-line", "compact", "crlf", "crlf-single-line", "escaped-non-ascii", "non-ascii-first", "non-ascii-lines-first", "bom", "bom-single-line", "bom-crlf"]


def source_text(raw: bytes) -> str:
    """The text positions are counted in: a UTF-8 BOM is an encoding mark, not a character of the document."""
    return raw[len(BOM):].decode("utf-8") if raw.startswith(BOM) else raw.decode("utf-8")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_schema_findings_point_at_key_or_value(layout):
    raw = render(layout)
    text = source_text(raw)
    findings = validator.lint(raw, api_version="v2", select=SCHEMA_RULES)
    got = {(f.rule, f.pointer): (f.line, f.column) for f in findings}
    expected = {
        ("unknown-field", "/cartStatus/Currency"): position(text, only(text, '"Currency"')),
        ("bad-value", "/cartStatus/total"): position(text, only(text, '"eleven"')),
        ("wrong-type", "/cartStatus/numItems"): position(text, value_offset(text, '"numItems"')),
    }
    assert got == expected
    for finding in findings:
        assert_points_at_what_it_names(text, json.loads(text), finding)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_finding_points_at_what_it_names(layout):
    """All rules, not only the schema's: each finding's place holds its pointer's key or value."""
    raw = render(layout)
    text = source_text(raw)
    findings = validator.lint(raw, api_version="v2")
    assert {f.rule for f in findings} >= {"unknown-field", "bad-value", "wrong-type"}
    for finding in findings:
        assert finding.line >= 1 and finding.column >= 1, finding
        assert_points_at_what_it_names(text, json.loads(text), finding)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_positions_in_other_encodings_count_characters_of_the_decoded_text(encoding):
    """A UTF-16/32 input is an encoding-error at 1:1, and the run goes on with positions in characters."""
    text = render("crlf").decode("utf-8")
    findings = validator.lint(text.encode(encoding), api_version="v2", select=(*SCHEMA_RULES, "encoding-error"))
    got = {(f.rule, f.pointer): (f.line, f.column) for f in findings}
    assert got == {
        ("encoding-error", ""): (1, 1),
        ("unknown-field", "/cartStatus/Currency"): position(text, only(text, '"Currency"')),
        ("bad-value", "/cartStatus/total"): position(text, only(text, '"eleven"')),
        ("wrong-type", "/cartStatus/numItems"): position(text, value_offset(text, '"numItems"')),
    }


def test_findings_are_sorted_by_position():
    findings = validator.lint(render("pretty"), api_version="v2")
    assert [(f.line, f.column) for f in findings] == sorted((f.line, f.column) for f in findings)


@pytest.mark.parametrize("layout", ["pretty", "single-line", "crlf"])
def test_same_key_at_two_levels_points_at_the_right_one(layout):
    """serverTimeStamp sits on the event and in its container: a finding on the inner one points there."""
    event = {"cartStatus": {"serverTimeStamp": "1528628536879 ", "originalTimeStamp": "1528628536000"}, "serverTimeStamp": "1528628536879", "sdeType": "CART_STATUS"}
    text = json.dumps(event, indent=2 if layout != "single-line" else None)
    if layout == "crlf":
        text = text.replace("\n", "\r\n")
    (finding,) = validator.lint(text.encode(), api_version="v1", select=SCHEMA_RULES)
    assert (finding.rule, finding.pointer) == ("bad-value", "/cartStatus/serverTimeStamp")
    assert (finding.line, finding.column) == position(text, only(text, '"1528628536879 "'))


KEY_SPELLINGS = [
    ('"Curr\\u0065ncy"', "Currency", "/cartStatus/Currency"),  # an escaped letter in the source
    ('"a/b"', "a/b", "/cartStatus/a~1b"),
    ('"a\\/b"', "a/b", "/cartStatus/a~1b"),  # JSON's escaped solidus
    ('"a~b"', "a~b", "/cartStatus/a~0b"),
    ('"~1"', "~1", "/cartStatus/~01"),
    ('"say \\"hi\\""', 'say "hi"', '/cartStatus/say "hi"'),
    ('"back\\\\slash"', "back\\slash", "/cartStatus/back\\slash"),
    ('""', "", "/cartStatus/"),
    ('"ключ ✓"', "ключ ✓", "/cartStatus/ключ ✓"),
]


@pytest.mark.parametrize(("spelling", "key", "pointer"), KEY_SPELLINGS, ids=[k for _, k, _ in KEY_SPELLINGS])
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_unknown_field_with_tricky_key_points_at_its_key(spelling, key, pointer, newline):
    text = newline.join(
        [
            "{",
            '  "cartStatus": {',
            '    "serverTimeStamp": "1528628536879", "note": "a \\"quoted\\" } value { with [brackets]",',
            f"    {spelling}: \"x\"",
            "  },",
            '  "serverTimeStamp": "1528628536879",',
            '  "sdeType": "CART_STATUS"',
            "}",
        ]
    )
    findings = validator.lint(text.encode(), api_version="v1", select=("unknown-field",))
    by_pointer = {f.pointer: f for f in findings}
    assert set(by_pointer) == {"/cartStatus/note", pointer}
    assert (by_pointer[pointer].line, by_pointer[pointer].column) == (4, 5)
    assert position(text, only(text, f"{spelling}: ")) == (4, 5)
    assert (by_pointer["/cartStatus/note"].line, by_pointer["/cartStatus/note"].column) == (3, 41)
    assert position(text, only(text, '"note"')) == (3, 41)


def test_duplicate_key_and_the_checked_value():
    """With a repeated member the last value is the one checked: its finding points at it, the duplicate-key at its key."""
    text = '{"cartStatus": {"serverTimeStamp": "1528628536879",\n "total": "1.5",\n "total": "one and a half"},\n "serverTimeStamp": "1528628536879", "sdeType": "CART_STATUS"}'
    findings = validator.lint(text.encode(), api_version="v2", select=(*SCHEMA_RULES, "duplicate-key"))  # any text is a v1 total
    got = sorted((f.rule, f.pointer, f.line, f.column) for f in findings)
    second = text.index('"total"', text.index('"total"') + 1)
    assert got == [
        ("bad-value", "/cartStatus/total", *position(text, only(text, '"one and a half"'))),
        ("duplicate-key", "/cartStatus/total", *position(text, second)),
    ]


def test_non_finite_number_points_at_the_literal():
    text = '{\r\n  "cartStatus": {"serverTimeStamp": "1528628536879", "total": NaN},\r\n  "serverTimeStamp": "1528628536879", "sdeType": "CART_STATUS"\r\n}'
    findings = [f for f in validator.lint(text.encode(), api_version="v2") if f.rule == "syntax-error"]
    assert [(f.pointer, f.line, f.column) for f in findings] == [("/cartStatus/total", *position(text, only(text, "NaN")))]


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("indent", ["  ", "\t\t"], ids=["spaces", "tabs"])
@pytest.mark.parametrize("prefix", ["", "ünïcödé 😀 "], ids=["ascii", "non-ascii"])
def test_syntax_error_position_matches_the_json_decoder(newline, indent, prefix):
    # the missing comma is on a line whose earlier text has non-ASCII characters
    text = newline.join(['{"cartStatus": {', f'{indent}"more": "{prefix}",', f'{indent}"serverTimeStamp": "1", "note": "{prefix}x" "total": "2"', "}}"])
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads(text)
    (finding,) = validator.lint(text.encode())
    assert finding.rule == "syntax-error"
    assert (finding.line, finding.column) == (caught.value.lineno, caught.value.colno) == position(text, only(text, '"total"'))


def test_syntax_error_after_bom_on_the_first_line():
    raw = BOM + b'{"a": 1 "b": 2}'
    (finding,) = validator.lint(raw)
    assert (finding.rule, finding.line, finding.column) == ("syntax-error", 1, 9)


def test_v1_record_with_unauth_sdes_points_at_its_key():
    """The v1 schema's bad-value and the auth-section rule both point at the member's key."""
    record = {"sdes": {"events": []}, "unAuthSdes": {"events": []}}
    text = json.dumps(record, indent=2)
    (finding,) = validator.lint(text.encode(), api_version="v1")
    assert (finding.rule, finding.pointer) == ("v1-unauthenticated", "/unAuthSdes")
    assert (finding.line, finding.column) == position(text, only(text, '"unAuthSdes"'))


def test_parsed_objects_have_no_position():
    findings = validator.lint(bad_event(), api_version="v2", select=SCHEMA_RULES)
    assert len(findings) == 3
    assert {(f.line, f.column) for f in findings} == {(0, 0)}


# --- the specification's example -------------------------------------------------------


def test_every_finding_of_the_example_points_at_its_value(example_path):
    text = example_path.read_text(encoding="utf-8")
    data = json.loads(text)
    findings = validator.lint(example_path)
    assert len(findings) > 20
    for finding in findings:
        assert_points_at_what_it_names(text, data, finding)


def test_example_cart_findings_at_known_lines(example_path):
    text = example_path.read_text(encoding="utf-8")
    cart = only(text, '"cartStatus": {')
    found = {(f.rule, f.pointer): (f.line, f.column) for f in validator.lint(example_path)}
    base = "/conversationHistoryRecords/0/unAuthSdes/events/0/cartStatus"
    assert found[("timestamp-order", base + "/originalTimeStamp")] == position(text, text.index('"1528636540046"', cart))
    assert found[("cart-arithmetic", base + "/total")] == position(text, text.index('"11.7"', cart))
    assert found[("numeric-string", base + "/products/0/product/price")] == position(text, text.index('"7.8"', cart))


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_the_example_with_other_line_endings_and_a_bom(example_path, newline):
    text = example_path.read_text(encoding="utf-8").replace("\n", newline)
    raw = BOM + text.encode("utf-8")
    plain = validator.lint(example_path)
    converted = validator.lint(raw)
    assert [(f.rule, f.pointer, f.line, f.column) for f in converted] == [(f.rule, f.pointer, f.line, f.column) for f in plain]


def test_unrepaired_example_has_two_syntax_errors_in_the_lead_block(unrepaired_path):
    text = unrepaired_path.read_text(encoding="utf-8")
    findings = validator.lint(unrepaired_path)
    assert len(findings) == 2
    finding, trailing = findings
    assert (finding.rule, finding.severity, finding.pointer) == ("syntax-error", "error", "")
    assert (trailing.rule, trailing.severity, trailing.pointer) == ("syntax-error", "error", "")
    lead = only(text, '"sdeType": "LEAD"')
    target = text.rindex('"originalTimeStamp": "1528636540046",', 0, lead)
    assert text.rindex('"lead": {', 0, target) > text.rindex('"sdeType"', 0, target)  # inside the lead block
    assert position(text, target) == (528, 8)
    assert text.split("\n")[527].strip() == '"originalTimeStamp": "1528636540046",'
    assert (finding.line, finding.column) == (528, 8)
    comma = target + len('"originalTimeStamp": "1528636540046"')  # the same line ends in a comma before the lead's "}"
    assert text[comma] == "," and text[comma + 1:].lstrip().startswith("}")
    assert (trailing.line, trailing.column) == position(text, comma) == (528, 44)


def test_unrepaired_example_as_crlf_bytes(unrepaired_path):
    raw = unrepaired_path.read_bytes().replace(b"\n", b"\r\n")
    assert [(f.rule, f.line, f.column) for f in validator.lint(raw)] == [("syntax-error", 528, 8), ("syntax-error", 528, 44)]


# --- validator.load.positions directly ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "offset", "expected"),
    [
        ("", 0, (1, 1)),
        ("abc", 0, (1, 1)),
        ("abc", 3, (1, 4)),
        ("a\nb", 1, (1, 2)),  # the newline itself ends line 1
        ("a\nb", 2, (2, 1)),
        ("a\r\nb", 1, (1, 2)),
        ("a\r\nb", 3, (2, 1)),
        ("\n\n\n", 3, (4, 1)),
        ("é😀x\ny", 2, (1, 3)),  # characters, not bytes or UTF-16 units
        ("é😀x\ny", 5, (2, 2)),
        ("abc", -4, (1, 1)),  # clamped
        ("ab\ncd", 99, (2, 3)),
    ],
)
def test_line_col(text, offset, expected):
    assert line_col(text, offset) == expected


def test_line_cols_matches_line_col_in_any_order():
    text = "{\r\n  \"a\": 1,\n\n  \"ü\": [1, 2]\n}"
    offsets = [len(text), 0, 5, 5, 3, 17, 2, 100, -1, 13]
    assert line_cols(text, offsets) == [line_col(text, o) for o in offsets]
    assert line_cols(text, []) == []
    assert [position(text, max(0, min(o, len(text)))) for o in offsets] == line_cols(text, offsets)


@settings(max_examples=200, database=None, derandomize=True, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ab\n\r\t😀é{}"), max_size=40), offsets=st.lists(st.integers(-3, 45), max_size=8))
def test_line_cols_property(text, offsets):
    expected = [position(text, max(0, min(o, len(text)))) for o in offsets]
    assert line_cols(text, offsets) == expected
    assert [line_col(text, o) for o in offsets] == expected


def test_locate_root_and_simple_members():
    text = '\n\t {"a": 1, "b" :\t"two", "c":[true ,null]}'
    spots = locate(text, ["", "/a", "/b", "/c", "/c/0", "/c/1"])
    assert spots == {
        "": (None, text.index("{")),
        "/a": (text.index('"a"'), text.index("1")),
        "/b": (text.index('"b"'), text.index('"two"')),
        "/c": (text.index('"c"'), text.index("[")),
        "/c/0": (None, text.index("true")),
        "/c/1": (None, text.index("null")),
    }


@pytest.mark.parametrize(
    ("key_text", "pointer"),
    [
        ('"a\\"b"', '/a"b'),
        ('"a\\/b"', "/a~1b"),
        ('"a/b"', "/a~1b"),
        ('"a~b"', "/a~0b"),
        ('"~1"', "/~01"),
        ('"~0/~1"', "/~00~1~01"),
        ('"\\u00e9"', "/é"),
        ('"\\ud83d\\ude00"', "/😀"),
        ('"tab\\there"', "/tab\there"),
        ('""', "/"),
        ('"\\\\"', "/\\"),
    ],
)
def test_locate_escaped_keys(key_text, pointer):
    text = '{"x": "{\\"decoy\\": [1, 2]}", ' + key_text + ': {"deep": [10, 20]}, "z": 0}'
    key = text.index(key_text)
    value = key + len(key_text) + 2
    assert text[value] == "{"
    assert locate(text, [pointer, pointer + "/deep/1"]) == {
        pointer: (key, value),
        pointer + "/deep/1": (None, text.index("20")),
    }


def test_locate_does_not_confuse_escaped_and_real_separators():
    text = '{"a/b": 1, "a": {"b": 2}, "a~1b": 3}'
    spots = locate(text, ["/a~1b", "/a/b", "/a~01b"])
    assert spots == {
        "/a~1b": (text.index('"a/b"'), text.index("1")),
        "/a/b": (text.index('"b"'), text.index("2")),
        "/a~01b": (text.index('"a~1b"'), text.index("3")),
    }


def test_locate_empty_containers_and_missing_pointers():
    text = '{"o": {}, "a": [], "n": null, "s": "str", "list": [5, 6]}'
    spots = locate(text, ["/o", "/a", "/o/x", "/a/0", "/n/x", "/s/0", "/missing", "/list/2", "/list/01", "/list/-", "/list/1/x", "/list/1"])
    assert spots == {
        "/o": (text.index('"o"'), text.index("{}")),
        "/a": (text.index('"a"'), text.index("[]")),
        "/list/1": (None, text.index("6")),
    }


def test_locate_on_scalar_and_empty_documents():
    assert locate("  42 ", ["", "/a"]) == {"": (None, 2)}
    assert locate("[]", ["/0"]) == {}
    assert locate("{}", ["", "/a"]) == {"": (None, 0)}


def test_locate_deep_paths():
    depth = 60
    text = "".join(f'{{"k{i}": [' for i in range(depth)) + '"leaf"' + "]}" * depth
    pointer = "".join(f"/k{i}/0" for i in range(depth))
    spots = locate(text, [pointer, pointer[: pointer.rindex("/")], "/k0/0/k1/1"])
    assert spots == {
        pointer: (None, text.index('"leaf"')),
        pointer[: pointer.rindex("/")]: (text.index(f'"k{depth - 1}"'), text.index(f'"k{depth - 1}"') + len(f'"k{depth - 1}": ')),
    }


def test_locate_duplicate_keys_points_at_the_last():
    text = '{"a": 1, "a": {"b": 2}}'
    assert locate(text, ["/a", "/a/b"]) == {"/a": (text.rindex('"a"'), text.index("{", 1)), "/a/b": (text.index('"b"'), text.index("2"))}


def test_locate_skips_values_that_look_like_structure():
    text = '{"s": "}]\\"{[", "n": -1.5e+10, "t": [{"u": "\\u005d"}], "target": {"x": true}}'
    assert locate(text, ["/target/x", "/t/0/u"]) == {
        "/target/x": (text.index('"x"'), text.index("true")),
        "/t/0/u": (text.index('"u"'), text.index('"\\u005d"')),
    }


def test_locate_many_pointers_sharing_prefixes():
    data = {"records": [{"events": [{"a": i, "b": [i, {"c": i}]} for i in range(3)]} for _ in range(2)]}
    text = json.dumps(data, indent=1)
    pointers = [f"/records/{r}/events/{e}/b/1/c" for r in range(2) for e in range(3)] + ["/records/1/events/2/a", "/records"]
    spots = locate(text, pointers)
    assert set(spots) == set(pointers)
    for pointer, (key, value) in spots.items():
        assert json.JSONDecoder().raw_decode(text, value)[0] == pointer_value(data, pointer)
        if key is not None:
            assert scanstring(text, key + 1)[0] == pointer.rsplit("/", 1)[-1]


# -- locate with the document's member names: the first step found by searching ------------------

def _all_pointers(value: Any, pointer: str = "") -> list[str]:
    found = [pointer]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _all_pointers(item, pointer + "/" + key.replace("~", "~0").replace("/", "~1"))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _all_pointers(item, f"{pointer}/{index}")
    return found


_NAMES = st.sampled_from(["sdes", "unAuthSdes", "info", "a", "x/y", "é", 'q"', "s\\"])
_JSON = st.recursive(
    st.none() | st.integers(-5, 5) | st.sampled_from(["sdes", '\\"sdes\\": 1', '"sdes": ', "é", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_NAMES, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, database=None, derandomize=True, deadline=None)
@given(document=st.dictionaries(_NAMES, _JSON, max_size=5), indent=st.sampled_from([None, 1]), ascii_only=st.booleans())
def test_locate_with_member_names_agrees_with_the_walk(document, indent, ascii_only):
    """Nested members named like top ones, names inside strings and escaped quotes, \\u escapes:
    searching for the first step must find exactly what the walk finds."""
    text = json.dumps(document, indent=indent, ensure_ascii=ascii_only)
    pointers = _all_pointers(document)
    assert locate(text, pointers, document) == locate(text, pointers)


def test_locate_with_member_names_skips_nested_and_quoted_look_alikes():
    text = '{"info": {"sdes": 1, "text": "say \\"sdes\\": 2"}, "sdes": {"events": [3]}}'
    spots = locate(text, ["/sdes/events/0", "/sdes"], {"info": {"sdes": 1, "text": 'say "sdes": 2'}, "sdes": {"events": [3]}})
    assert spots["/sdes"] == (text.rindex('"sdes"'), text.rindex("{"))
    assert spots["/sdes/events/0"] == (None, text.index("3"))


def test_unique_member_names_are_found_without_a_walk(example_path):
    """The record's wanted members (messages, attribute blocks) are found by search, not by stepping over
    everything before them; the answer is the walk's."""
    from validator.load import positions

    record = json.loads(example_path.read_text(encoding="utf-8"))["conversationHistoryRecords"][0]
    text = json.dumps(record, indent=2)
    pointers = ["/unAuthSdes/events/1/sdeType", "/messageRecords/0/messageId", "/summary"]
    found: dict = {}
    assert positions._members_found_directly(text, 0, {"unAuthSdes": {}, "summary": {None: "/summary"}}, record, found, lambda node, i, value: None)
    assert found == {"/summary": (text.index('"summary"'), text.index('"summary"') + len('"summary": '))}
    assert locate(text, pointers, record) == locate(text, pointers)


@settings(max_examples=200, database=None, derandomize=True, deadline=None)
@given(records=st.lists(_JSON, min_size=1, max_size=5), indent=st.sampled_from([None, 1]), anchored=st.data())
def test_locate_from_anchored_items_agrees_with_the_walk(records, indent, anchored):
    """Starting below some items of an array (as the split parse knows them) finds what the whole walk finds."""
    document = {"head": 1, "items": records, "tail": {"x": [1]}}
    text = json.dumps(document, indent=indent)
    items_at = text.index("[", text.index('"items"'))
    spots = locate(text, [f"/items/{i}" for i in range(len(records))])
    chosen = anchored.draw(st.sets(st.integers(0, len(records) - 1)))
    starts = {i: spots[f"/items/{i}"][1] for i in chosen}
    # (start, end, member names): with the names, an item's wanted members are found by their keys
    anchors = {f"/items/{i}": (start, _skip(text, start), records[i]) for i, start in starts.items()}
    nameless = {pointer: (start, end, UNKNOWN) for pointer, (start, end, _) in anchors.items()}
    pointers = _all_pointers(document)
    assert locate(text, pointers, document, anchors=anchors) == locate(text, pointers)
    assert locate(text, pointers, anchors=anchors) == locate(text, pointers)
    assert locate(text, pointers, anchors=nameless) == locate(text, pointers)
    assert items_at < min(starts.values(), default=len(text))


def test_problem_offsets_prefer_known_offsets_then_keys_then_values():
    from validator.findings import Problem
    from validator.load.positions import problem_offsets

    text = '{"a": {"b": 2}, "c": 3}'
    problems = [Problem("/a/b", "r", "m"), Problem("/a/b", "r", "m", at_key=True), Problem("/c", "r", "m", offset=5),
                Problem("/missing", "r", "m", at_key=True), Problem("", "r", "m", at_key=True)]
    assert problem_offsets(problems, lambda pointers: locate(text, pointers)) == [text.index("2"), text.index('"b"'), 5, 0, 0]

    def too_deep(pointers: list[str]) -> dict:
        raise RecursionError

    assert problem_offsets(problems, too_deep) == [0, 0, 5, 0, 0]


@pytest.mark.parametrize("indent", [None, 1])
def test_anchored_records_find_their_sections_by_key_within_their_own_text(monkeypatch, indent):
    """Each record has its own sdes: searched for within the record's span, the key is unique there, so the
    messages before it are never stepped over (no parse of them), and the answer is the walk's."""
    from validator.load import positions

    record = {"messageRecords": [{"text": "hi", "nested": {"sdes": "not a key at the record's level"}}], "sdes": {"events": [{"a": "1"}]}}
    record_without_nested = {"messageRecords": [{"text": "hi"}, {"x": [1, 2]}], "sdes": {"events": [{"a": "1"}]}}
    records = [record_without_nested, record_without_nested, record]
    text = json.dumps({"conversationHistoryRecords": records}, indent=indent)
    starts = [spot[1] for spot in (locate(text, [f"/conversationHistoryRecords/{i}" for i in range(3)]).values())]
    anchors = {f"/conversationHistoryRecords/{i}": (start, positions._skip(text, start), records[i]) for i, start in enumerate(starts)}
    pointers = [f"/conversationHistoryRecords/{i}/sdes/events/0/a" for i in range(3)]
    expected = locate(text, pointers)
    skipped = []
    real_skip = positions._skip
    monkeypatch.setattr(positions, "_skip", lambda text, i: skipped.append(text[i]) or real_skip(text, i))
    assert locate(text, pointers, anchors=anchors) == expected
    # written as json.dumps writes it, compact or indented: the third record, whose nested "sdes" makes the key ambiguous,
    # is placed from its parsed value or its layout; nothing is stepped over
    assert skipped == []


# -- placing from the parsed value where the text is written as json.dumps writes it ----------------

_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.sampled_from('ab"\\/é\n\x01😀'), max_size=4),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_NAMES, inner, max_size=4),
    max_leaves=25,
)


def _render(value: Any, spelling: Any) -> str:
    """JSON text whose every separator, escape style and number spelling is drawn: canonical in parts, or not at all."""
    def gap() -> str:
        return spelling.draw(st.sampled_from(["", "", "", " ", "\n  "]))

    if isinstance(value, dict):
        return "{" + gap() + ("," + gap()).join(
            json.dumps(key, ensure_ascii=spelling.draw(st.booleans())) + gap() + ":" + gap() + _render(item, spelling) for key, item in value.items()
        ) + gap() + "}"
    if isinstance(value, list):
        return "[" + gap() + ("," + gap()).join(_render(item, spelling) for item in value) + gap() + "]"
    if isinstance(value, float) and "e" not in repr(value) and spelling.draw(st.booleans()):
        return repr(value) + "0"  # 1.50: the same number, not the encoder's spelling
    return json.dumps(value, ensure_ascii=spelling.draw(st.booleans()))


@contextmanager
def _quick_encoder(used: bool) -> Iterator[None]:
    """Placing with orjson's encoder (a dependency on CPython) or with the standard library's alone."""
    from validator.load import canonical

    real = canonical._quick_encoder
    if not used:
        canonical._quick_encoder = lambda: None
    elif real() is None:
        pytest.skip("orjson is not installed")
    canonical._style.cache_clear()
    try:
        yield
    finally:
        canonical._quick_encoder = real
        canonical._style.cache_clear()


@pytest.mark.parametrize("quick", [True, False], ids=["orjson", "stdlib"])
@settings(max_examples=400, database=None, derandomize=True, deadline=None)
@given(document=st.dictionaries(_NAMES, _VALUES, max_size=5), style=st.sampled_from(["compact", "spaced", "ascii", "indented", "drawn", "orjson"]),
       spelling=st.data())
def test_placing_from_the_parsed_value_agrees_with_the_walk(quick, document, style, spelling):
    """Compact, json.dumps' default, ASCII-escaped, indented, orjson's and randomly spaced or spelt texts: whether the
    encoding matches all, part or none of the text, the offsets are the walk's."""
    if style == "drawn":
        text = _render(document, spelling)
    elif style == "orjson":
        try:
            text = orjson.dumps(document).decode()  # its own spelling of some floats (0.000015)
        except (TypeError, AttributeError):  # an integer past 64 bits; or orjson not installed
            text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    else:
        separators = (",", ":") if style == "compact" else None
        text = json.dumps(document, separators=separators, ensure_ascii=style == "ascii", indent=1 if style == "indented" else None)
    parsed = json.loads(text)
    pointers = _all_pointers(parsed) + ["/missing", "/sdes/9", "/a/-"]
    with _quick_encoder(quick):
        assert locate(text, pointers, parsed) == locate(text, pointers)


@pytest.mark.parametrize("quick", [True, False], ids=["orjson", "stdlib"])
@pytest.mark.parametrize("writer", ["json.dumps", "orjson"])
def test_numbers_the_two_encoders_spell_apart_are_placed_where_the_walk_places_them(quick, writer):
    """orjson writes 1.5e-05 as 0.000015, refuses integers past 64 bits and NaN; json.dumps writes them its own way.
    Items and members before a target holding such numbers are compared with the text like any other, so a text
    written by either encoder, with the other one in use, is placed as the walk places it."""
    if writer == "orjson" and orjson is None:
        pytest.skip("orjson is not installed")
    big = 2**70 if writer == "json.dumps" else 2**62  # orjson refuses to write the larger
    before = [1.5e-05, big, -1e-7, {"f": 3.0e-06, "n": big}]
    document = {"events": [{"a": before, "t": {"x": 1}}, {"b": before[3], "c": [before[0], {"y": 2}], "t": [5e-06, "z"]}]}
    text = orjson.dumps(document).decode() if writer == "orjson" else json.dumps(document, separators=(",", ":"))
    assert ("0.000015" in text) is (writer == "orjson")
    parsed = json.loads(text)
    pointers = ["/events/0/t/x", "/events/0/a/3/n", "/events/1/c/1/y", "/events/1/t/1", "/events/1/b/n"]
    with _quick_encoder(quick):
        placed = locate(text, pointers, parsed)
        assert placed == locate(text, pointers)
    assert {pointer for pointer in pointers if _resolves(parsed, pointer)} <= set(placed)


def _resolves(value: Any, pointer: str) -> bool:
    for token in pointer.split("/")[1:]:
        if isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        elif isinstance(value, dict) and token in value:
            value = value[token]
        else:
            return False
    return True


_KEY_LIKE = st.sampled_from(["a", "b", 'q"', "s\\", "é", "x,", ":1,", ",", ": y", "}", "]a"])
_KEY_LIKE_VALUES = st.recursive(
    st.integers(-3, 3) | st.sampled_from([',"a":', ', "a": ', 'a":', '{"b":', "\\", '"', "é", ",", ":", "q\\\"", ""]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEY_LIKE, inner, max_size=4),
    max_leaves=20,
)


@pytest.mark.parametrize("quick", [True, False], ids=["orjson", "stdlib"])
@settings(max_examples=400, database=None, derandomize=True, deadline=None)
@given(items=st.lists(st.dictionaries(_KEY_LIKE, _KEY_LIKE_VALUES, max_size=4), min_size=1, max_size=3),
       style=st.sampled_from(["compact", "spaced", "ascii"]), choice=st.data())
def test_keys_searched_in_an_item_are_placed_where_the_walk_places_them(quick, items, style, choice):
    """An array item written as its encoding has its wanted members found by a search for their keys: names repeated
    at other depths, and strings that look like keys (quotes, backslashes, separators), never mislead it."""
    document = {"events": items}
    text = json.dumps(document, separators=(",", ":") if style == "compact" else None, ensure_ascii=style == "ascii")
    everything = _all_pointers(document)
    pointers = choice.draw(st.lists(st.sampled_from(everything), max_size=6)) + ["/events/0/missing", "/events/0/a/b"]
    with _quick_encoder(quick):
        assert locate(text, pointers, document) == locate(text, pointers)


@pytest.mark.parametrize("document", [
    [{"x,": 1, ":y": 2, ":1,": 3}], [{"a": "x,", ":b": 1, ",": 2}], [{"x, ": 1, ": y": 2, ": 1, ": 3}], [{"a": "b]", "]c": 1, "]": 2}],
])
@pytest.mark.parametrize("separators", [(",", ":"), None])
def test_a_name_that_may_follow_a_closing_quote_is_not_found_inside_a_string(document, separators):
    """A review: searching for ``,":1,":`` matched at the end of the string "x," (its comma, closing quote, then the
    key separator read as the name's first character), so the finding was placed 11 characters early."""
    text = json.dumps(document, separators=separators)
    pointers = _all_pointers(document)
    assert locate(text, pointers, document) == locate(text, pointers)


@pytest.mark.parametrize("shape", ["lists", "objects and lists"])
def test_a_deep_target_costs_one_encoding_of_its_item_not_one_per_level(monkeypatch, shape):
    """A review: each level encoded the item below it again (400 levels over 1 MB: 1.4 to 2 s against 3 ms).
    Only what comes before a target is encoded, once: here the item itself, compared with the text."""
    from validator.load import canonical

    value: Any = "x" * 100_000
    pointer = ""
    for level in range(200):
        if shape == "lists" or level % 2:
            value, pointer = [value], "/0" + pointer
        else:
            value, pointer = {"k": value}, "/k" + pointer
    document = {"events": [value]}
    pointer = "/events/0" + pointer
    text = json.dumps(document, separators=(",", ":"))
    encoded = []
    real = canonical._style

    def counting(*args):
        style = real(*args)
        counted = canonical._Style(style.item_separator, style.key_separator, style.escape is canonical.encode_basestring_ascii)
        counted.encode = lambda item: encoded.append(len(piece := style.encode(item))) or piece
        if style.quick is not None:
            counted.quick = lambda item: encoded.append(len(piece := style.quick(item))) or piece
        return counted

    monkeypatch.setattr(canonical, "_style", counting)
    assert locate(text, [pointer], document) == locate(text, [pointer])
    assert sum(encoded) <= len(text)


def test_an_item_written_as_its_encoding_is_placed_by_its_keys(monkeypatch):
    """An event in a minified text: its members are found by their keys (one search each), none stepped through;
    a key that is also a nested object's ("total" of a purchase and of its cart) by the lengths before it."""
    from validator.load import canonical

    event = {"sdeType": "PURCHASE", "purchase": {"total": "9", "orderId": "o\",\"total\":", "cart": {"total": "9", "numItems": "1"}}}
    document = {"events": [event, event]}
    text = json.dumps(document, separators=(",", ":"))
    pointers = ["/events/1/purchase/total", "/events/1/purchase/cart/total", "/events/1/purchase/orderId", "/events/0/sdeType"]
    stepped = []
    real = canonical._placed_members
    monkeypatch.setattr(canonical, "_placed_members", lambda *args: stepped.append(args[2]) or real(*args))
    placed = locate(text, pointers, document)
    assert placed == locate(text, pointers)
    assert stepped == []  # the document's "events" is found by its key, each event by its keys
    second = text.index("{", text.index("},{") + 1)
    assert placed["/events/1/purchase/total"][0] == text.index('"total"', second)
    assert placed["/events/1/purchase/cart/total"][0] == text.index('"total"', text.index('"cart"', second))


def test_placing_from_the_parsed_value_spares_the_walk(monkeypatch):
    """A minified record: its events are placed from their encodings, nothing is stepped over by the walk."""
    from validator.load import positions

    record = {"info": {"id": "c1"}, "messageRecords": [{"text": "x" * 50}], "sdes": {"events": [{"sdeType": "CART_STATUS", "cartStatus": {"total": 1.5}}] * 3}}
    text = json.dumps(record, separators=(",", ":"))
    pointers = ["/sdes/events/0/cartStatus/total", "/sdes/events/2/sdeType", "/sdes/events/1"]
    expected = locate(text, pointers)
    walked = []
    monkeypatch.setattr(positions, "_found_below", lambda *args: walked.append(args) or 0)
    assert locate(text, pointers, record) == expected
    assert walked == []
    assert text[expected["/sdes/events/2/sdeType"][0]:].startswith('"sdeType":"CART_STATUS"')


def test_a_key_spelt_with_escapes_is_not_mistaken_for_a_nested_look_alike():
    """The document's "sdes" written as "\\u0073des" while a nested "sdes" is written plainly: only escapes of
    ASCII characters can spell a plain name, and they send the search to the walk; "é" and emoji escapes do not."""
    document = {"info": {"sdes": 1, "name": "é😀"}, "sdes": {"events": [2]}}
    text = json.dumps(document).replace('"sdes": {', '"\\u0073des": {')
    pointers = ["/sdes/events/0", "/sdes", "/info/sdes"]
    assert locate(text, pointers, json.loads(text)) == locate(text, pointers)
    assert locate(text, pointers, json.loads(text))["/sdes"][0] == text.index('"\\u0073des"')
    plain = json.dumps(document)  # \u00e9 and a surrogate pair, no escaped ASCII: the key search is used, and agrees
    assert "\\u00e9" in plain and locate(plain, pointers, document) == locate(plain, pointers)


@pytest.mark.parametrize("text", ['\t{"0":"", "0":""} ', '{"\\u0001sdes[":-1,"b":[[1.0],["","",null,true]],"b":""}', '{"a":{"x":1,"x":[2]},"b":3}'])
def test_a_repeated_key_is_placed_where_the_walk_places_it(text):
    """The parsed object keeps one member per key (the last value, at the first key's place): with the parse's
    duplicates flag, placing never sums encodings, and a finding about the value points at the value checked."""
    parsed = json.loads(text)
    pointers = _all_pointers(parsed) + ["/0/x", "/a/x/0"]
    assert locate(text, pointers, parsed, duplicates=True) == locate(text, pointers)
    repeated = next(pointer for pointer in pointers if pointer in ("/0", "/b", "/a/x"))
    assert locate(text, [repeated], parsed, duplicates=True)[repeated][0] == text.rindex(f'"{repeated.rsplit("/", 1)[1]}"')


def test_the_cli_points_a_finding_about_a_repeated_member_at_the_value_it_checked(tmp_path):
    from click.testing import CliRunner

    from validator.cli import main

    event = '{"sdeType":"CART_STATUS","serverTimeStamp":"1528628536879","cartStatus":{"serverTimeStamp":"1528628536879","numItems":6,"numItems":"7"}}'
    text = '{"conversationHistoryRecords":[{"info":{"conversationId":"c"},"sdes":{"events":[' + event + "]}}]}"
    path = tmp_path / "repeated.json"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--api-version", "v2", "--min-severity", "info", "--format", "json", str(path)])
    findings = json.loads(result.output)["findings"]
    numeric = [f for f in findings if f["rule"] == "numeric-string"]
    assert [(f["pointer"], f["line"], f["column"]) for f in numeric] == [
        ("/conversationHistoryRecords/0/sdes/events/0/cartStatus/numItems", 1, text.index('"7"') + 1)
    ]
    assert any(f["rule"] == "duplicate-key" for f in findings)


def test_an_object_with_very_many_members_is_left_to_the_walk(monkeypatch):
    """Stepping member by member through 200,000 flat members costs several times the walk's regular expression:
    past MOST_MEMBERS_STEPPED members, the walk places them (a reviewer's worst cases), with the same answer."""
    from validator.load import canonical, positions

    document = {"x": {f"k{i}": i for i in range(canonical.MOST_MEMBERS_STEPPED + 1)}}
    text = json.dumps(document, separators=(",", ":"))
    pointers = [f"/x/k{canonical.MOST_MEMBERS_STEPPED}", "/x/missing"]
    assert canonical.place_canonically(text, text.index("{", 1), document["x"], {f"k{canonical.MOST_MEMBERS_STEPPED}": {None: pointers[0]}}, {}) is False
    walked = []
    real = positions._found_below
    monkeypatch.setattr(positions, "_found_below", lambda *args: walked.append(args[2]) or real(*args))
    assert locate(text, pointers, document) == {pointers[0]: (text.index(f'"k{canonical.MOST_MEMBERS_STEPPED}"'), text.rindex(":") + 1)}
    assert walked  # the walk placed it
    fewer = {"x": {f"k{i}": i for i in range(canonical.MOST_MEMBERS_STEPPED)}}
    assert canonical.place_canonically(json.dumps(fewer, separators=(",", ":")), 5, fewer["x"], {"k0": {None: "/x/k0"}}, {}) is True


def test_many_wanted_keys_in_one_object_are_placed_in_one_linear_walk():
    """An event with 100,000 unknown keys took minutes: the pattern that steps over other members tried every
    wanted key at each member. Past a few dozen wanted keys the walk goes member by member (constant work each),
    and every key is still placed where it is written."""
    from validator.load import positions

    few = frozenset(f"k{i}" for i in range(positions._MOST_AVOIDED_NAMES))
    many = frozenset(f"k{i}" for i in range(positions._MOST_AVOIDED_NAMES + 1))
    assert positions._other_members(few) is not positions._STEP_OVER_NOTHING
    assert positions._other_members(many) is positions._STEP_OVER_NOTHING
    document = {"x": {f"k{i}": i for i in range(2000)}}
    text = json.dumps(document, indent=2)
    pointers = [f"/x/k{i}" for i in range(0, 2000, 3)]
    found = locate(text, pointers)
    assert all(text[found[p][0]:].startswith(f'"{p.rsplit("/", 1)[1]}": ') for p in pointers)
    assert found == locate(text, pointers, json.loads(text))
    # at the top of a document (a bare event, a JSON Lines line) the wanted keys are not searched for one by one either
    top = {f"k{i}": i for i in range(2000)}
    top_text = json.dumps(top)
    assert positions._members_found_directly(top_text, 0, {f"k{i}": {None: f"/k{i}"} for i in range(100)}, top, {}, lambda *a: None) is False
    assert positions._members_found_directly(top_text, 0, {"k1": {None: "/k1"}}, top, {}, lambda *a: None) is True


# -- placing from the layout where the text is indented as json.dumps(indent=...) indents it ------------------------


@pytest.mark.parametrize("indent", [2, 4, "\t", 1])
def test_an_indented_record_is_placed_from_its_layout_without_a_walk(monkeypatch, example_path, indent):
    """Recorded fixtures and request bodies are indented: each wanted member is found by one search for its key on a line
    indented one level deeper than its object's closing bracket, each array item by its line; the walk steps over nothing."""
    from validator.load import positions

    record = json.loads(example_path.read_text(encoding="utf-8"))["conversationHistoryRecords"][0]
    text = json.dumps(record, indent=indent, ensure_ascii=False)
    pointers = [pointer for pointer in _all_pointers(record) if pointer.count("/") > 1]
    expected = locate(text, pointers)
    walked = []
    real = positions._found_below
    monkeypatch.setattr(positions, "_found_below", lambda *args: walked.append(args[2]) or real(*args))
    assert locate(text, pointers, record) == expected
    assert walked == []


def test_the_tab_indented_example_is_placed_from_its_layout_without_a_walk(monkeypatch, example_path):
    from validator.load import positions

    text = example_path.read_text(encoding="utf-8")
    document = json.loads(text)
    pointers = _all_pointers(document)
    expected = locate(text, pointers)
    walked = []
    monkeypatch.setattr(positions, "_found_below", lambda *args: walked.append(args) or 0)
    assert locate(text, pointers, document) == expected
    assert walked == []


_LAYOUT_NAMES = st.sampled_from(["a", "b", "sdes", "é", 'q"', "s\\", ',\n  "a": ', '"a": ', "x,", "}", "]", "", " ", "\t"])
_LAYOUT_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(['",\n  "a": 1', ',\n  "b": ', '\\', "é😀", "{", "]", "", "\n}"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_LAYOUT_NAMES, inner, max_size=4),
    max_leaves=20,
)
_CHANGES = ["none", "none", "trailing space", "joined lines", "CRLF", "tab", "space", "dedent", "opened empty", "number spelling", "escaped key"]


def _changed(text: str, change: str, choice: Any) -> str:
    """``text`` with one thing json.dumps would not write (or none)."""
    if change == "CRLF":
        return text.replace("\n", "\r\n")
    if change == "opened empty":
        return text.replace(": []", ": [\n]", 1).replace(": {}", ": {\n  }", 1)
    if change == "number spelling":
        return re.sub(r"(?<=: )(-?\d+)(?=,?\n)", r"\1.0", text, count=1)
    if change == "escaped key":
        return text.replace('"a": ', '"\\u0061": ', 1)
    lines = text.split("\n")
    if change == "none" or len(lines) < 3:
        return text
    at = choice.draw(st.integers(1, len(lines) - 2))
    if change == "trailing space":
        lines[at] += " "
    elif change == "joined lines":
        lines[at:at + 2] = [lines[at] + lines[at + 1].lstrip(" \t")]
    elif change in ("tab", "space"):
        lines[at] = ("\t" if change == "tab" else " ") + lines[at]
    elif change == "dedent" and lines[at][:1] in (" ", "\t"):
        lines[at] = lines[at][1:]
    return "\n".join(lines)


@settings(max_examples=500, database=None, derandomize=True, deadline=None)
@given(document=st.dictionaries(_LAYOUT_NAMES, _LAYOUT_VALUES, min_size=1, max_size=5), indent=st.sampled_from([1, 2, 4, "\t", 0, "  \t", 9]),
       ascii_only=st.booleans(), change=st.sampled_from(_CHANGES), choice=st.data())
def test_placing_indented_text_from_its_layout_agrees_with_the_walk(document, indent, ascii_only, change, choice):
    """Indented as json.dumps indents (1, 2 or 4 spaces, a tab), or with one thing it would not write: a trailing space, two
    lines joined, CRLF, one line indented otherwise, ``[\\n]``; keys and strings that look like separators and indents
    (``",\\n  \\"a\\": "``), names repeated in nested objects. Wherever the layout is used, the offsets are the walk's."""
    text = _changed(json.dumps(document, indent=indent, ensure_ascii=ascii_only), change, choice)
    parsed = json.loads(text)
    everything = _all_pointers(parsed)
    pointers = choice.draw(st.lists(st.sampled_from(everything), max_size=8)) + ["/missing", "/a/0", "/b/a/9", "/a/b/c"]
    assert locate(text, pointers, parsed) == locate(text, pointers)


@pytest.mark.parametrize("change", ["trailing space", "CRLF", "opened empty", "mixed indent", "no space after colon", "comma at line start"])
def test_text_laid_out_otherwise_is_not_placed_from_its_layout(change):
    """One character json.dumps would not write, anywhere in the value, sends it to the walk (that then places it)."""
    from validator.load.indented import place_indented

    document = {"x": {"events": [{"a": 1, "b": []}, {"a": {"b": 2}, "c": "d"}]}}
    text = json.dumps(document, indent=2)
    changed = {
        "trailing space": text.replace('"d"\n', '"d" \n'),
        "CRLF": text.replace("\n", "\r\n"),
        "opened empty": text.replace("[]", "[\n        ]"),
        "mixed indent": text.replace('\n          "b": 2', '\n\t\t  "b": 2'),
        "no space after colon": text.replace('"c": ', '"c":'),
        "comma at line start": text.replace('},\n      {', '}\n      ,{'),
    }[change]
    assert changed != text
    parsed = json.loads(changed)
    pointers = ["/x/events/1/c", "/x/events/1/a/b", "/x/events/0/b"]
    at = changed.index("{", 1)
    assert place_indented(changed, at, parsed["x"], {"events": {"1": {"c": {None: pointers[0]}, "a": {"b": {None: pointers[1]}}}}}, {}) is False
    assert place_indented(text, text.index("{", 1), document["x"], {"events": {"1": {"c": {None: pointers[0]}}}}, {}) is True
    assert locate(changed, pointers, parsed) == locate(changed, pointers)


def test_a_key_written_with_other_escapes_is_left_to_the_walk():
    """The layout says where a member's key is only when the key is written as json.dumps writes it, with or without ASCII
    escapes: "\\u0061" for "a" is not searched for (a search for the plain key could meet a nested object's)."""
    from validator.load.indented import place_indented

    document = {"x": {"b": {"a": 1}, "a": 2}}
    text = json.dumps(document, indent=2).replace('\n    "a": 2', '\n    "\\u0061": 2')
    at = text.index("{", 1)
    assert place_indented(text, at, json.loads(text)["x"], {"a": {None: "/x/a"}}, {}) is False
    assert locate(text, ["/x/a", "/x/b/a"], json.loads(text)) == locate(text, ["/x/a", "/x/b/a"])
    assert locate(text, ["/x/a"], json.loads(text))["/x/a"][0] == text.index('"\\u0061"')
    ascii_text = json.dumps({"x": {"é": [1, {"é": 2}]}}, indent=2)
    found: dict = {}
    assert place_indented(ascii_text, ascii_text.index("{", 1), {"é": [1, {"é": 2}]}, {"é": {"1": {"é": {None: "/x/é/1/é"}}}}, found) is True
    assert found["/x/é/1/é"] == (ascii_text.rindex('"\\u00e9"'), ascii_text.rindex("2"))


def test_the_placing_tests_run_without_orjson():
    """orjson is a dependency on CPython only, and placing works without it: so do these tests (collected, the
    standard library's variants run and orjson's skip), rather than failing to import."""
    import subprocess
    import sys
    from pathlib import Path

    code = "import sys; sys.modules['orjson'] = None; import tests.test_positions as t; assert t.orjson is None"
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_yaml_repeated_key_points_at_the_checked_value():
    """YAML keeps the last of a repeated key, as JSON does: a finding about its value points at that one."""
    text = ("sdeType: CART_STATUS\nserverTimeStamp: '1528628536879'\ncartStatus:\n  serverTimeStamp: '1528628536879'\n"
            "  numItems: 1\n  numItems: {many: 2}\n")
    findings = validator.lint(text.encode(), name="dup.yaml", api_version="v2", select=(*SCHEMA_RULES, "duplicate-key"))
    got = sorted((f.rule, f.pointer, f.line, f.column) for f in findings)
    assert got == [
        ("duplicate-key", "/cartStatus/numItems", 6, 3),
        ("wrong-type", "/cartStatus/numItems", *position(text, only(text, "{many: 2}"))),
    ]


def test_yaml_members_merged_with_a_merge_key_are_placed_where_they_are_written():
    """``<<: *base`` copies a mapping's members: a finding about one is at its key or value in the anchored mapping
    (it was at 1:1), and among merged mappings, and the mapping's own members, at the one the loader kept."""
    text = (
        "base: &b {serverTimeStamp: '1528628536879', Currency: USD, numItems: one}\n"
        "other: &o {numItems: two, total: 1}\n"
        "events:\n"
        "  - {sdeType: CART_STATUS, serverTimeStamp: '1528628536879', cartStatus: {<<: *b, total: 1}}\n"
        "  - {sdeType: CART_STATUS, serverTimeStamp: '1528628536879', cartStatus: {<<: [*o, *b], total: oops}}\n"
    )
    findings = validator.lint(text.encode(), name="merged.yaml", api_version="v2", select=SCHEMA_RULES)
    got = sorted((f.rule, f.pointer, f.line, f.column) for f in findings)
    currency, one, two, oops = (position(text, only(text, needle)) for needle in ("Currency", "one}", "two,", "oops"))
    assert got == sorted([
        ("unknown-field", "/events/0/cartStatus/Currency", *currency),
        ("bad-value", "/events/0/cartStatus/numItems", *one),
        ("unknown-field", "/events/1/cartStatus/Currency", *currency),
        ("bad-value", "/events/1/cartStatus/numItems", *two),  # the first mapping of the list wins
        ("bad-value", "/events/1/cartStatus/total", *oops),  # the mapping's own member wins
    ])


_PEAK_AT_EXIT = (  # the command in a fresh interpreter that prints its peak memory (VmHWM: not the forking parent's, as ru_maxrss)
    "import atexit, sys\n"
    "atexit.register(lambda: sys.stderr.write(next(line for line in open('/proc/self/status') if line.startswith('VmHWM:'))))\n"
    "from validator.cli import main\n"
    "main()\n"
)


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs Linux /proc for a process's peak memory")
@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("x\n" * 1_000_000, 1),  # placing the findings: a backtracking point per escape (1.7 GB for 10 million)
        ("x" * 4_000_000, "1e400"),  # finding the number no double holds: one per character (4.9 GB for 40 million)
    ],
)
def test_a_long_value_is_placed_without_memory_per_character(tmp_path, example_path, value, number):
    """String patterns that kept a backtracking point per escape or character took gigabytes for one long value."""
    data = json.loads(example_path.read_text(encoding="utf-8"))
    info = data["conversationHistoryRecords"][0]["sdes"]["events"][0]["customerInfo"]["customerInfo"]
    info["customerId"] = value
    path = tmp_path / "long.json"
    path.write_text(json.dumps(data, indent=2).replace('"companyBranch":', f'"n": {number}, "companyBranch":', 1), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", _PEAK_AT_EXIT, "check", "--jobs", "1", "--format", "json", path], capture_output=True, timeout=60)
    findings = [(f["line"], f["rule"]) for f in json.loads(proc.stdout)["findings"] if f["rule"] in ("value-length", "syntax-error")]
    lines = path.read_text(encoding="utf-8").splitlines()
    expected = [(next(i for i, line in enumerate(lines, 1) if '"customerId"' in line), "value-length")]
    if number == "1e400":
        expected.insert(0, (next(i for i, line in enumerate(lines, 1) if "1e400" in line), "syntax-error"))
    assert sorted(findings) == sorted(expected)
    peak_kib = int(proc.stderr.decode().rsplit("VmHWM:", 1)[1].split()[0])
    assert peak_kib < 100 * 1024, f"{peak_kib // 1024} MiB"


def test_member_names_searched_for_are_kept_per_style_up_to_a_bound():
    """The escaped and searched-for form of each member name is kept per text style (names recur in every event), but
    not without end: a document of 5,000 distinct names still places every member, the cache starts again when full
    (a service's next request brings other names), and a long name is not kept."""
    from validator.load import canonical, locate

    style = canonical._style(",", ":", True)
    style.keys.clear()
    data = [{"id": i, f"name{i}": i} for i in range(5000)]
    text = json.dumps(data, separators=(",", ":"))
    pointers = [f"/{i}/name{i}" for i in range(5000)]
    found = locate(text, pointers, data)
    assert all(text[found[p][1]:].startswith(str(i)) and text[found[p][0]:].startswith(f'"name{i}"') for i, p in enumerate(pointers))
    assert "name4999" in style.keys and "name0" not in style.keys and len(style.keys) == 5000 - canonical._MOST_KEYS_KEPT
    long_name = "n" * (canonical._LONGEST_KEY_KEPT + 1)
    data = [{"id": 1, long_name: 2}]
    text = json.dumps(data, separators=(",", ":"))
    assert locate(text, [f"/0/{long_name}"], data)[f"/0/{long_name}"][1] == text.index(":2") + 1
    assert long_name not in style.keys
