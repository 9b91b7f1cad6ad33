"""The one loading step: gzip members and sniffing, JSON Lines decoded per line, blank-line floods."""

from __future__ import annotations

import gzip
import json
import os
import random
import subprocess
import tracemalloc
from pathlib import Path

import pytest

import validator
from conftest import sdelint_command
from validator.load import read_documents, read_input

GOOD_EVENT = {"sdeType": "LEAD", "serverTimeStamp": "1528659491243", "lead": {"serverTimeStamp": "1528659491243", "lead": {"topic": "x"}}}
BAD_EVENT = {"sdeType": "LEAD", "serverTimeStamp": "1528659491243", "lead": {"serverTimeStamp": "1528659491243", "lead": {"topic": "x"}, "oops": "1"}}


def _jsonl(*events: dict) -> bytes:
    return b"".join(json.dumps(e).encode() + b"\n" for e in events)


def test_every_member_of_an_appended_gzip_file_is_read(tmp_path, cli):
    path = tmp_path / "log.jsonl.gz"
    path.write_bytes(gzip.compress(_jsonl(GOOD_EVENT)) + gzip.compress(_jsonl(BAD_EVENT)))
    documents = read_documents(path.name, path.read_bytes())
    assert [doc.line_base for doc in documents] == [0, 1]
    result = cli("check", "--format", "json", path)
    findings = json.loads(result.output)["findings"]
    assert [(f["rule"], f["line"]) for f in findings if f["severity"] != "info"] == [("unknown-field", 2)]


def test_garbage_after_the_last_gzip_member_is_an_encoding_error():
    decoded = read_input(gzip.compress(b"{}") + b"junk", "x.json.gz")
    assert decoded.fatal and decoded.problems[0].rule == "encoding-error"
    assert "after the last gzip member" in decoded.problems[0].message


def test_gzip_is_sniffed_by_its_magic_bytes_whatever_the_name():
    decoded = read_input(gzip.compress(json.dumps(GOOD_EVENT).encode()), "captured.json")
    assert not decoded.problems and json.loads(decoded.text or "") == GOOD_EVENT


def test_one_invalid_byte_in_json_lines_spoils_only_its_line(tmp_path, cli):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(_jsonl(BAD_EVENT) + b'{"broken": "\xff"}\n' + _jsonl(BAD_EVENT))
    result = cli("check", "--format", "json", path)
    findings = json.loads(result.output)["findings"]
    assert sorted((f["rule"], f["line"]) for f in findings if f["severity"] != "info") == [
        ("encoding-error", 2),
        ("unknown-field", 1),
        ("unknown-field", 3),
    ]


def test_a_flood_of_blank_lines_is_skipped_without_splitting_it():
    raw = b"\n" * 20_000_000 + json.dumps(GOOD_EVENT).encode() + b"\n" + b" \n" * 1_000_000
    tracemalloc.start()
    try:
        documents = read_documents("flood.jsonl", raw)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [doc.line_base for doc in documents] == [20_000_000]
    assert documents[0].parsed
    assert peak < 4 * len(raw)  # the decoded text and little else; a list of 21 million lines is 170 MB more


def test_a_json_lines_line_across_gzip_chunks_keeps_its_leading_blanks(tmp_path, cli, monkeypatch):
    """Blanks that end one decompressed chunk begin the next line: they were dropped, and the line's columns moved."""
    import validator.load.reader as reader

    monkeypatch.setattr(reader, "_CHUNK", 200)
    line = " " * 10 + json.dumps(BAD_EVENT)
    text = json.dumps(GOOD_EVENT) + "\n" * (200 - len(json.dumps(GOOD_EVENT)) - 4) + line + "\n"
    assert text[:200].endswith("\n    ")  # the blanks end the first chunk, the rest of the line is in the second
    path = tmp_path / "log.jsonl.gz"
    path.write_bytes(gzip.compress(text.encode()))
    findings = json.loads(cli("check", "--format", "json", path).output)["findings"]
    row = text.count("\n", 0, text.index(line)) + 1
    assert [(f["rule"], f["line"], f["column"]) for f in findings if f["severity"] != "info"] == [("unknown-field", row, line.index('"oops"') + 1)]


def test_a_long_json_lines_line_is_joined_once_not_at_every_chunk(monkeypatch):
    """Joining the line so far to each new chunk was quadratic: a gzip line of 1 GiB took 46 s, of 64 MiB here 8 s."""
    import time

    import validator.load.reader as reader

    monkeypatch.setattr(reader, "_CHUNK", 256 << 10)
    event = {"sdeType": "LEAD", "lead": {"lead": {"topic": "x" * (64 << 20)}}}
    raw = gzip.compress(json.dumps(event).encode() + b"\n", 1)
    started = time.perf_counter()
    decoded = read_input(raw, "long.jsonl.gz")
    elapsed = time.perf_counter() - started
    assert [(index, len(line)) for index, line, _ in decoded.lines] == [(0, len(json.dumps(event)))]
    assert elapsed < 3, f"{elapsed:.1f} s"


def test_duplicate_keys_in_yaml_are_reported_at_the_repeated_key(tmp_path, cli):
    path = tmp_path / "event.yaml"
    path.write_text('sdeType: LEAD\nserverTimeStamp: "1528659491243"\nlead:\n  serverTimeStamp: "1528659491243"\n  lead: {topic: a, topic: b}\n')
    result = cli("check", "--format", "json", path)
    findings = [f for f in json.loads(result.output)["findings"] if f["rule"] == "duplicate-key"]
    assert [(f["line"], f["column"], f["pointer"]) for f in findings] == [(5, 20, "/lead/lead/topic")]
    assert result.exit_code == 1


def test_yaml_nan_and_infinity_are_syntax_errors_where_they_stand_as_in_json_text(tmp_path, cli):
    """YAML has .nan and .inf, JSON (and so the API) has not: a YAML capture holding them passed without a finding,
    where the same payload as JSON text is a syntax-error at each."""
    path = tmp_path / "cart.yaml"
    path.write_text('sdeType: CART_STATUS\nserverTimeStamp: "1528659491243"\ncartStatus:\n  serverTimeStamp: "1528659491243"\n'
                    "  total: .nan\n  products: [{product: {price: -.inf}}]\n", encoding="utf-8")
    result = cli("check", "--format", "json", path)
    findings = [(f["line"], f["column"], f["pointer"], f["message"]) for f in json.loads(result.output)["findings"] if f["rule"] == "syntax-error"]
    assert findings == [(5, 10, "/cartStatus/total", "NaN is not valid JSON (RFC 8259 has no non-finite numbers)"),
                        (6, 32, "/cartStatus/products/0/product/price", "-Infinity is not valid JSON (RFC 8259 has no non-finite numbers)")]
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("name", "text", "column"),
    [
        ("x.json", '{"sdeType": "LEAD", "lead": {"topic": "a", "topic": "b", "topic": "c", "topic": "d"}}', 44),
        ("x.yaml", "sdeType: LEAD\nlead: {topic: a, topic: b, topic: c, topic: d}\n", 18),
    ],
)
def test_a_key_repeated_many_times_is_one_finding_that_counts_them(name, text, column):
    """800,000 repeats of one member were 800,000 findings of one pointer (20 s of CPU for a 5 MB service body)."""
    findings = [f for f in validator.lint_bytes(text.encode(), name=name) if f.rule == "duplicate-key"]
    assert [(f.pointer, f.column) for f in findings] == [("/lead/topic", column)]
    assert findings[0].message.endswith("(the last one was checked); the key appears 4 times")


def test_yaml_aliases_of_a_long_string_are_refused_by_expanded_size(tmp_path, cli):
    path = tmp_path / "laughs.yaml"
    long = "x" * 1_000_000
    path.write_text(f"a: &s {long}\nb: [{', '.join(['*s'] * 99)}]\n")
    result = cli("check", "--format", "json", path)
    findings = json.loads(result.output)["findings"]
    assert [f["rule"] for f in findings] == ["syntax-error"]
    assert "MiB of text through aliases" in findings[0]["message"]


def test_a_number_no_double_can_hold_is_reported_where_it_is(tmp_path, cli):
    path = tmp_path / "cart.json"
    text = '{"sdeType": "CART_STATUS", "serverTimeStamp": "1528659491243", "cartStatus": {"total": 1e400, "note": "2e999"}}'
    path.write_text(text)
    result = cli("check", "--format", "json", path)
    findings = [f for f in json.loads(result.output)["findings"] if f["rule"] == "syntax-error"]
    assert [(f["column"], f["severity"]) for f in findings] == [(text.index("1e400") + 1, "error")]
    assert "out of range" in findings[0]["message"]
    assert findings[0]["pointer"] == "/cartStatus/total"  # it was the root (an audit): the document is parsed, so it is known
    numbers = tmp_path / "items.json"
    numbers.write_text(text.replace('"total": 1e400', '"numItems": 1e400'))
    found = json.loads(cli("check", "--api-version", "v2", "--format", "json", numbers).output)["findings"]
    rules = [f["rule"] for f in found if f["pointer"] == "/cartStatus/numItems"]
    assert rules == ["syntax-error"]  # neither a wrong-type ("found number Infinity") nor a bad-value for the int range: one defect
    deep = tmp_path / "deep.json"
    deep.write_text('{"events": [' + text + ', {"x": [[-1e999]]}]}')
    found = [f for f in json.loads(cli("check", "--format", "json", deep).output)["findings"] if f["rule"] == "syntax-error"]
    assert [f["pointer"] for f in found] == ["/events/0/cartStatus/total", "/events/1/x/0/0"]


def test_yaml_positions_from_the_keyed_mappings_match_a_search_of_each_mapping():
    """node_at keeps each mapping's pairs by key across the pointers of one locate (a wide mapping was searched
    key by key for every finding: quadratic). The last of repeated keys wins, as in the loaded document (its value
    is the one checked); keys that are not strings (a sequence as a key) are never a pointer's step."""
    import yaml

    from validator.load.yaml_source import compose, node_at

    text = "a: 1\nb: {x: 1, x: 2, '3': 3, [k]: 4, y: [5, {z: 6}]}\na: 7\n"
    root = compose(text)

    def searched(path):
        node, key_node = root, None
        for step in path:
            if isinstance(node, yaml.MappingNode):
                pair = next(((k, v) for k, v in reversed(node.value) if k.value == str(step)), None)
            elif isinstance(node, yaml.SequenceNode) and str(step).isdigit() and int(step) < len(node.value):
                pair = (None, node.value[int(step)])
            else:
                pair = None
            if pair is None:
                return None, None
            key_node, node = pair
        return key_node, node

    members: dict = {}
    paths = [["a"], ["b", "x"], ["b", "3"], ["b", 3], ["b", "['k']"], ["b", "y", 1, "z"], ["b", "y", "1"], ["b", "nope"], ["c"], ["b", "y", 9]]
    for path in paths:
        assert node_at(root, path, members=members) == searched(path), path
    assert node_at(root, ["b", "x"], members=members)[1].value == "2"


@pytest.mark.parametrize(
    ("name", "text", "line", "column"),
    [
        ("x.yaml", "events:\n  - sdeType: CART_STATUS\n    cartStatus: {total: 0x" + "f" * 4000 + "}\n", 3, 25),
        ("x.js", 'lpTag.sdes.push({type: "cart", total: 0x' + "f" * 4000 + ", numItems: 1});", 1, 39),
    ],
)
def test_a_hexadecimal_integer_too_long_to_print_is_a_syntax_error_at_its_place(name, text, line, column):
    """YAML's and JavaScript's 0xfff... read past Python's 4,300-digit limit for printing integers: every rule that
    named the value then failed (an internal-error finding, exit 2). It is refused where it is written."""
    findings = validator.lint_bytes(text.encode(), name=name)
    assert [(f.rule, f.line, f.column) for f in findings] == [("syntax-error", line, column)]
    assert "longer than can be read" in findings[0].message


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        # a character YAML forbids: it read "invalid YAML: invalid YAML: ... position 9" at 1:1
        ("x.yaml", "a: 1\nb: 'x\x07'\n", ("syntax-error", 2, 6, "invalid YAML: unacceptable character #x0007: special characters are not allowed")),
        # the digit limit, without Python's advice to call sys.set_int_max_str_digits()
        ("x.json", '{"events": [{"total": ' + "1" * 5000 + "}]}", ("syntax-error", 1, 23, "a number of 5000 characters is longer than can be read (at most 4300 digits)")),
        ("x.yaml", "total: " + "1" * 5000 + "\n", ("syntax-error", 1, 8, "invalid YAML: a number of 5000 characters is longer than can be read (at most 4300 digits)")),
        # the number that is too long, not the first long run of digits (in a string, a readable number, a float)
        ("x.json", '{"s": "' + "3" * 6000 + '", "f": 1' + "2" * 5000 + '.5, "a": ' + "4" * 4100 + ', "n": -' + "5" * 5000 + "}",
         ("syntax-error", 1, 6000 + 5003 + 4100 + 30, "a number of 5001 characters is longer than can be read (at most 4300 digits)")),
    ],
)
def test_unreadable_input_is_said_once_at_its_place_in_the_tools_words(name, text, expected):
    findings = validator.lint_bytes(text.encode(), name=name)
    assert [(f.rule, f.line, f.column, f.message) for f in findings] == [expected]


@pytest.mark.parametrize("text", ["[" * 100_000, "a:\n" + "- " * 5_000 + "1\n", "".join("  " * i + f"a{i}:\n" for i in range(3_000))])
def test_yaml_nested_past_the_recursion_limit_is_too_deep_where_it_gets_too_deep(text):
    """It was a syntax-error quoting Python ("maximum recursion depth exceeded"), then a too-deep at 1:1, the document's
    start, as PyYAML gives no mark: now at the place the nesting got too deep (how deep depends on the stack)."""
    findings = validator.lint_bytes(text.encode(), name="x.yaml")
    assert [(f.rule, f.message) for f in findings] == [("too-deep", "document is nested too deeply to read (deeper than Python's recursion limit allows)")]
    lines = text.splitlines()
    assert (findings[0].line, findings[0].column) > (1, 1) or len(lines) == 1 and findings[0].column > 1
    assert findings[0].line <= len(lines) and 1 < findings[0].column <= len(lines[findings[0].line - 1]) + 1


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("x.yaml", 'sdeType: LEAD\nserverTimeStamp: "1528628536880"\nlead: {serverTimeStamp: "1528628536880", lead: {topic: x}}\n'),
        ("x.js", 'lpTag.sdes.push({type: "cart", total: 1, numItems: 1});\n'),
    ],
)
def test_utf16_is_legal_yaml_and_javascript_and_an_error_only_in_json(name, text):
    """YAML 1.2, JavaScript and HTML allow UTF-16: such a file got JSON's "must be UTF-8 (RFC 8259)" error."""
    assert validator.lint_bytes(text.encode("utf-16"), name=name) == []
    assert [f.rule for f in validator.lint_bytes('{"events": []}'.encode("utf-16"), name="x.json")] == ["encoding-error"]


def _syntax_errors(text: str) -> list[tuple[int, int, str]]:
    findings = validator.lint_bytes(text.encode(), name="x.json")
    assert {f.rule for f in findings} == {"syntax-error"}
    return [(f.line, f.column, f.message.removeprefix("invalid JSON: ")) for f in findings]


def _at(text: str, needle: str, base: str = "") -> tuple[int, int]:
    """1-based line and column of the first ``needle`` in ``text`` (which follows ``base``), computed here, not by sdelint."""
    whole, offset = base + text, len(base) + text.index(needle)
    return whole.count("\n", 0, offset) + 1, offset - (whole.rfind("\n", 0, offset) + 1) + 1


def test_the_spec_examples_two_syntax_defects_are_both_reported():
    """engagement-attributes.md's lead block: a missing comma after serverTimeStamp, then a trailing comma."""
    from tests.conftest import UNREPAIRED

    text = UNREPAIRED.read_text(encoding="utf-8")
    block = text.index('"serverTimeStamp": "1528628536882"\n')
    trailing = text.index('"1528636540046",', block) + len('"1528636540046"')
    assert _syntax_errors(text) == [
        (*_at(text[block:], '"originalTimeStamp"', base=text[:block]), "Expecting ',' delimiter between the members of the object opened at line 520, column 15"),
        (*_at(text[trailing:], ",", base=text[:trailing]), "trailing comma before '}'"),
    ]


OBJECT_AT_1_1 = "Expecting ',' delimiter between the members of the object opened at line 1, column 1"
ARRAY_AT_1_1 = "Expecting ',' delimiter between the items of the array opened at line 1, column 1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # every repair that is certain, each error at its own place in the original text
        ('{"a": "x\\qy" "b": [1, 2,],\n "c": "t\tab",}', [("\\q", "invalid escape '\\q' in a string"), ('"b"', OBJECT_AT_1_1),
                                                        (",]", "trailing comma before ']'"), ("\t", "U+0009 inside a string must be escaped"),
                                                        (",}", "trailing comma before '}'")]),
        ('[1 2 3,\n]', [("2", ARRAY_AT_1_1), ("3", ARRAY_AT_1_1), (",", "trailing comma before ']'")]),
        ('{"a": "\\u12zz", "b": 1,}', [("\\u", "invalid escape '\\u12zz' in a string"), (",}", "trailing comma before '}'")]),
        # an escape shown as far as it goes, on one line
        ('["\\u12", 1,]', [("\\u", "invalid escape '\\u12' in a string"), (",]", "trailing comma before ']'")]),
        ('{"a": "x\\\n", "b": 1,}', [("\\", "invalid escape: '\\' then U+000A"), (",}", "trailing comma before '}'")]),
        # a comma was not what was missing: the error it would cause (at the value after it) is not reported
        ('{"a": 1 2, "b": 3,}', [("2", OBJECT_AT_1_1)]),
        ('{"a": "x, "b": 1,}', [("b", OBJECT_AT_1_1)]),
        # a ']' was missing, not a comma: the ':' after the value the comma went before is not a second error
        ('{"a": [1, 2 "b": 3}', [('"b"', "Expecting ',' delimiter between the items of the array opened at line 1, column 7")]),
        ('{"a": [{"x": 1} "b": [2,]}', [('"b"', "Expecting ',' delimiter between the items of the array opened at line 1, column 7")]),
        # a line break where a string's closing quote was missing: what follows the string it runs into is not an error
        ('{\n  "a": "abc,\n  "b": "def"\n}', [("\n  \"b", "U+000A inside a string must be escaped")]),
        ('["abc\n, "123"]', [("\n", "U+000A inside a string must be escaped")]),
        ('{"abc\n: 1, "b": 2}', [("\n", "U+000A inside a string must be escaped")]),
        # line breaks inside a string that is closed: each is an error, and so is what comes after
        ('{"a": "l1\nl2", "b": [1,]}', [("\n", "U+000A inside a string must be escaped"), (",]", "trailing comma before ']'")]),
        # brackets that do not match: no comma is tried, and the message says which object or array is still open
        ('{"a": [1, 2}, "b": 1,}', [("}", "'}' cannot close the array opened at line 1, column 7 (a ']' is missing)")]),
        ('[{"a": 1],\n 2]', [("]", "']' cannot close the object opened at line 1, column 2 (a '}' is missing)")]),
        # no repair is certain: the first error only, as the parser gives it
        ('{"a" 1, "b": 2,}', [("1", "Expecting ':' delimiter")]),
        ('{"a": 1}\n{"b": 2,}', [("{\"b\"", "Extra data: a second document after the first (one document per line is JSON Lines: a .jsonl name, or an NDJSON content type, reads it so)")]),
        ('{"a": 1} x', [("x", "Extra data: text after the end of the document")]),
    ],
)
def test_syntax_errors_past_the_first_are_found_where_a_repair_is_certain(text, expected):
    """A missing comma names the object or array it is in: where a closer is missing, that is the clue."""
    assert _syntax_errors(text) == [(*_at(text, needle), message) for needle, message in expected]


def test_a_text_that_ends_inside_an_object_says_which():
    text = '{\n "a": {"b": [1, 2]},\n "c": {"d": 1}'
    assert _syntax_errors(text) == [(3, len(' "c": {"d": 1}') + 1, "the text ends before the object opened at line 1, column 1 is closed (a '}' is missing)")]


def test_syntax_errors_stop_at_ten():
    text = "[" + " ".join(["1"] * 30) + "]"
    errors = _syntax_errors(text)
    assert len(errors) == 10 and [column for _line, column, _message in errors] == list(range(4, 24, 2))


def test_a_trailing_comma_before_megabytes_of_whitespace_is_found_fast():
    """The whitespace around a trailing comma was walked a character at a time in Python: 5 s for 30 MB (the parse: 0.05 s)."""
    import time

    from validator.load.syntax import syntax_problems

    text = "[1," + " " * (16 << 20) + "]"
    with pytest.raises(json.JSONDecodeError) as first:
        json.loads(text)
    started = time.perf_counter()
    problems = syntax_problems(text, first.value)
    assert time.perf_counter() - started < 1.5
    assert [(problem.offset, problem.message) for problem in problems] == [(2, "invalid JSON: trailing comma before ']'")]


def test_a_yaml_date_that_does_not_exist_is_placed(tmp_path, cli):
    """YAML 1.1 reads 2030-02-30 as a date and cannot build it: the error had no position (an audit, in a configuration)."""
    capture = tmp_path / "cap.yaml"
    capture.write_text('events:\n  - sdeType: LEAD\n    serverTimeStamp: "1528659491243"\n    lead: {serverTimeStamp: "1528659491243", lead: {topic: 2030-02-30}}\n')
    out = cli("check", str(capture)).output
    assert f"{capture}:4:60: error syntax-error invalid YAML: '2030-02-30' reads as a date (YAML 1.1) and is not one" in out


# --- YAML positions after U+2028, U+2029 or U+0085 inside a string ---------------------------------

_SEPARATED_HEAD = 'events:\n  - sdeType: CART_STATUS\n    k: "a{sep}b"\n    x: 1\n'  # the separator itself, unescaped, on line 3


_TOO_MANY_ALIASES = "    y: &a [1, " + ", ".join(["*a"] * 101) + "]"


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\u0085"])
@pytest.mark.parametrize("line5, message, column", [
    ("    y: @bad", "cannot start any token", 8),  # a MarkedYAMLError; "    y: " is seven characters
    ("    y: &a [*a]", "refers to itself through an alias", 8),
    ("    y: " + "1" * 5000, "longer than can be read", 8),
    ("    y: 2030-13-01", "reads as a date", 8),
    (_TOO_MANY_ALIASES, "aliases", _TOO_MANY_ALIASES.rindex("*a") + 1),  # the 101st
])
def test_yaml_errors_after_a_line_separator_in_a_string_are_on_their_own_line(tmp_path, cli, sep, line5, message, column):
    """PyYAML's mark.line counts U+2028, U+2029 and U+0085 as line breaks: every error after one inside a string was
    placed a line too far (line 6 for an error on line 5). Editors, and every other position sdelint reports, do not."""
    path = tmp_path / "sep.yaml"
    path.write_text(_SEPARATED_HEAD.format(sep=sep) + line5 + "\n    z: 2\n", encoding="utf-8")
    result = cli("check", "--format", "json", path)
    (finding,) = [f for f in json.loads(result.stdout)["findings"] if f["rule"] in ("syntax-error", "too-deep")]
    assert message in finding["message"]
    assert (finding["line"], finding["column"]) == (5, column), finding


def test_configuration_errors_after_a_line_separator_are_on_their_own_line(tmp_path, cli):
    """The same for a configuration: a repeated key, a bad value and a syntax error after a U+2028 in a string."""
    (tmp_path / "clean.json").write_text('{"events": []}', encoding="utf-8")
    config = tmp_path / ".sdelint.yaml"
    cases = [
        ('ignore: ["a\u2028b"]\nfail-on: error\nfail-on: warning\n', ":3:1: fail-on: the key repeats"),
        ('overrides:\n  - files: ["a\u2028b"]\n    rules: {}\nmin-severity: loud\n', ":4:15: min-severity: must be one of"),
        ('ignore: ["a\u2028b"]\nfail-on: [\n', ":3:1: "),
    ]
    for text, said in cases:
        config.write_text(text, encoding="utf-8")
        result = cli("check", "--config", config, tmp_path / "clean.json")
        assert result.exit_code == 2 and f"{config}{said}" in result.output, (text, result.output)


# --- YAML !!set: a mapping whose values are null ------------------------------------------------------

_SET_YAML = """\
events:
  - sdeType: CART_STATUS
    serverTimeStamp: "1528628536879"
    cartStatus:
      serverTimeStamp: "1528628536879"
      currency: !!set {usd, eur, gbp, chf, jpy}
      total: !!set
        ? x
        ? y
"""


def _sdelint_with_hash_seed(seed: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run([*sdelint_command(), *args], capture_output=True, cwd=cwd, env=env, timeout=120)


def test_a_yaml_set_is_a_mapping_and_reports_the_same_whatever_the_hash_seed(tmp_path):
    """`!!set {a, b, c}` became a Python set: findings quoted it in hash-seed order, so two runs of one file differed
    and a baseline written by one run saw "1 fixed, 1 new" in the next. YAML defines a set as a mapping with null values."""
    (tmp_path / "set.yaml").write_text(_SET_YAML, encoding="utf-8")
    runs = [_sdelint_with_hash_seed(seed, "check", "set.yaml", "--format", "json", "--min-severity", "info", cwd=tmp_path) for seed in ("1", "2", "3")]
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout and runs[0].returncode == 1, runs[0].stderr
    findings = json.loads(runs[0].stdout)["findings"]
    wrong = {f["pointer"]: f["message"] for f in findings if f["rule"] == "wrong-type"}
    assert wrong["/events/0/cartStatus/currency"].endswith("found object")  # checked as the JSON object it is
    # the mapping's type is the schema's finding alone: currency-code, which quoted it too, judges only text (a rules sweep)
    assert [f for f in findings if f["rule"] == "currency-code"] == []
    assert [f["pointer"] for f in findings if f["rule"] == "wrong-type"] == ["/events/0/cartStatus/currency", "/events/0/cartStatus/total"]
    written = _sdelint_with_hash_seed("1", "check", "set.yaml", "--write-baseline", "baseline.json", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    again = _sdelint_with_hash_seed("2", "check", "set.yaml", "--baseline", "baseline.json", "--format", "json", cwd=tmp_path)
    summary = json.loads(again.stdout)["summary"]
    assert again.returncode == 0 and summary["baseline"] == {"known": 2, "fixed": []}, again.stdout


@pytest.mark.parametrize("first_line", [b"", b"   ", b"\r"])
def test_a_bom_on_a_blank_first_line_of_json_lines_is_no_empty_document(tmp_path, cli, first_line):
    """A UTF-8 BOM is not text: the line it stands alone on is blank, skipped as any blank line is."""
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + first_line + b"\n" + _jsonl(BAD_EVENT))
    result = cli("check", "--format", "json", path)
    findings = json.loads(result.output)["findings"]
    assert [(f["rule"], f["line"]) for f in findings if f["severity"] != "info"] == [("unknown-field", 2)]


def test_undecodable_utf16_json_lines_are_placed_at_the_bad_byte(tmp_path, cli):
    """UTF-16 JSON Lines that cannot be decoded are reported where decoding stopped, as a JSON file is."""
    raw = _jsonl(GOOD_EVENT, GOOD_EVENT).decode().encode("utf-16-le")[:-3]  # the last line's '}' cut in half
    for name in ("cut.jsonl", "cut.json"):
        (tmp_path / name).write_bytes(raw)
    result = cli("check", "--format", "json", tmp_path / "cut.jsonl", tmp_path / "cut.json")
    placed = {(f["file"].rsplit("/", 1)[-1], f["line"], f["column"]) for f in json.loads(result.output)["findings"] if "truncated" in f["message"]}
    column = len(json.dumps(GOOD_EVENT))  # the last character of line 2
    assert placed == {("cut.jsonl", 2, column), ("cut.json", 2, column)}


def test_a_run_of_nul_bytes_heading_a_file_is_not_read_as_utf32(tmp_path, cli):
    """Four NUL bytes would be U+0000 in UTF-32, which no text begins with: a crash's NUL run, reported where it is,
    and the lines after it (JSON Lines) read as written, not decoded as garbage UTF-32."""
    (tmp_path / "crashed.jsonl").write_bytes(b"\0" * 4096 + b"\n" + _jsonl(BAD_EVENT, BAD_EVENT))
    (tmp_path / "crashed.json").write_bytes(b"\0" * 4096 + json.dumps(BAD_EVENT).encode())
    result = cli("check", "--format", "json", tmp_path / "crashed.jsonl", tmp_path / "crashed.json")
    findings = json.loads(result.output)["findings"]
    assert not [f for f in findings if f["rule"] == "encoding-error"]
    placed = sorted((f["file"].rsplit("/", 1)[-1], f["line"], f["column"], f["rule"]) for f in findings if f["severity"] != "info")
    assert placed == [
        ("crashed.json", 1, 1, "syntax-error"),
        ("crashed.jsonl", 1, 1, "syntax-error"),
        ("crashed.jsonl", 2, placed[2][2], "unknown-field"),
        ("crashed.jsonl", 3, placed[2][2], "unknown-field"),
    ]


def test_a_stream_of_yaml_documents_is_said_to_be_one_not_invalid_yaml(tmp_path, cli):
    """A file of several YAML documents (a Kubernetes manifest the pre-commit hook is given) is valid YAML that sdelint
    does not read: it was "invalid YAML: expected a single document in the stream but found another document"."""
    event = "sdeType: LEAD\nserverTimeStamp: '1528659491243'\nlead: {serverTimeStamp: '1528659491243', lead: {topic: x}}\n"
    path = tmp_path / "stream.yaml"
    path.write_text(f"---\n{event}---\n{event}", encoding="utf-8")
    result = cli("check", path)
    assert result.exit_code == 1
    assert (f"{path}:5:1: error syntax-error a second YAML document begins here: sdelint reads one document per YAML file"
            " (split the stream into one file per document, or record the payloads as JSON Lines) (root)") in result.output
    assert "invalid YAML" not in result.output
    config = tmp_path / "conf" / ".sdelint.yaml"
    config.parent.mkdir()
    config.write_text("fail-on: error\n---\nfail-on: warning\n", encoding="utf-8")
    result = cli("check", "--config", config, path)
    assert result.exit_code == 2 and f"{config}:2:1: a second YAML document begins here" in result.output


def test_a_json_lines_file_works_out_its_configuration_policy_once_not_per_line(tmp_path, cli, monkeypatch):
    """The path's policy (overrides matched against its relative path) was worked out again for each line:
    a third of the time of 100,000 small lines."""
    from validator.config import Configuration

    calls: list = []
    real = Configuration.policy_for

    def counted(self, file):
        calls.append(file)
        return real(self, file)

    monkeypatch.setattr(Configuration, "policy_for", counted)
    path = tmp_path / "many.jsonl"
    path.write_bytes(_jsonl(*[GOOD_EVENT] * 299, BAD_EVENT))
    findings = json.loads(cli("check", "--jobs", "1", "--format", "json", path).output)["findings"]
    assert [(f["rule"], f["line"]) for f in findings if f["severity"] != "info"] == [("unknown-field", 300)]
    assert len(calls) < 10, len(calls)


@pytest.mark.parametrize("nuls", [1, 2, 3])
def test_nul_bytes_before_a_utf8_document_are_reported_where_they_are_not_as_utf16_or_utf32(tmp_path, cli, nuls):
    """RFC 4627 tells UTF-16 and UTF-32 by NUL bytes in exact places (00 xx 00 xx, 00 00 00 xx, ...): one to three NUL
    bytes before a UTF-8 document were read as "input is UTF-16-BE" or "UTF-32-BE" and a decode error of the whole
    file, and a JSON Lines file lost every line."""
    (tmp_path / "lead.json").write_bytes(b"\0" * nuls + json.dumps(BAD_EVENT).encode())
    (tmp_path / "lead.jsonl").write_bytes(b"\0" * nuls + _jsonl(GOOD_EVENT, BAD_EVENT))
    result = cli("check", "--format", "json", tmp_path / "lead.json", tmp_path / "lead.jsonl")
    findings = json.loads(result.output)["findings"]
    placed = sorted((f["file"].rsplit("/", 1)[-1], f["line"], f["column"], f["rule"], f["message"]) for f in findings if f["severity"] != "info")
    nul = "invalid JSON: Expecting value: found U+0000 (a NUL byte)"
    assert placed == [
        ("lead.json", 1, 1, "syntax-error", nul),
        ("lead.jsonl", 1, 1, "syntax-error", nul),
        ("lead.jsonl", 2, placed[2][2], "unknown-field", placed[2][4]),
    ]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_a_bom_are_still_told_by_their_nul_bytes(encoding):
    """The exact patterns still read UTF-16 and UTF-32 written without a BOM; and YAML whose second character is not
    ASCII (no RFC 4627 pattern), as YAML 1.2 tells it by its first character only."""
    (doc,) = read_documents("a.json", json.dumps(GOOD_EVENT).encode(encoding))
    assert doc.parsed and doc.data == GOOD_EVENT
    assert [p.message for p in doc.problems] == [f"input is {encoding.upper()}; JSON exchanged between systems must be UTF-8 (RFC 8259)"]
    (doc,) = read_documents("a.yaml", "a€: 1\n".encode(encoding))
    assert doc.parsed and doc.data == {"a€": 1} and not doc.problems


@pytest.mark.parametrize(("raw", "message"), [
    (b'{"events": []}\0\0\0', "Extra data: U+0000 (a NUL byte) after the end of the document"),
    (b'{"events": \xef\xbb\xbf[]}', "Expecting value: found U+FEFF (a byte order mark)"),
])
def test_an_invisible_character_where_json_stops_is_named(raw, message):
    """A NUL padding a crashed file's end, a BOM inside a text (files joined with cat): the parser's words named nothing
    an editor shows."""
    (doc,) = read_documents("a.json", raw)
    assert [p.message for p in doc.problems] == [f"invalid JSON: {message}"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"])
@pytest.mark.parametrize("cut", ["surrogate", "odd byte"])
def test_one_bad_code_unit_in_utf16_or_utf32_json_lines_spoils_only_its_line(tmp_path, cli, encoding, cut):
    """UTF-16 and UTF-32 JSON Lines were decoded whole: an unpaired surrogate or a cut last code unit lost every line's
    findings, where in UTF-8 only the bad line is lost."""
    good, bad = json.dumps(GOOD_EVENT), json.dumps(BAD_EVENT)
    if cut == "surrogate":  # a lone high surrogate inside line 2's topic (the BOM, if any, only at the start)
        raw = "\n".join([bad, good.replace('"x"', '"x\ud800"'), bad, ""]).encode(encoding, "surrogatepass")
    else:  # the file cut one byte short: line 3 loses half its last code unit
        raw = "\n".join([bad, "", bad, bad]).encode(encoding)[:-1]
    path = tmp_path / "wide.jsonl"
    path.write_bytes(raw)
    findings = json.loads(cli("check", "--format", "json", path).output)["findings"]
    placed = [(f["line"], f["rule"]) for f in findings if f["severity"] != "info"]
    bad_line = 2 if cut == "surrogate" else 4
    assert placed == sorted([(1, "encoding-error"), (bad_line, "encoding-error"), (1, "unknown-field"), (3, "unknown-field")])
    (error,) = (f for f in findings if f["line"] == bad_line)
    assert f"of line {bad_line}:" in error["message"]


def test_json_lines_whose_lines_end_in_cr_alone_say_so(tmp_path, cli):
    """Lines are counted at LF, as json's errors, jq and git count them: JSON Lines whose lines end in CR alone are
    one line of several documents, which said only "Extra data: text after the end of the document"."""
    path = tmp_path / "mac.jsonl"
    path.write_bytes(json.dumps(GOOD_EVENT).encode() + b"\r" + json.dumps(GOOD_EVENT).encode() + b"\r")
    (finding,) = json.loads(cli("check", "--format", "json", path).output)["findings"]
    assert (finding["rule"], finding["line"], finding["column"]) == ("syntax-error", 1, len(json.dumps(GOOD_EVENT)) + 2)
    assert finding["message"].startswith("invalid JSON: Extra data: a second document after the first, past a line end that is a CR alone")


@pytest.mark.parametrize("name", ["empty.js", "empty.html", "empty.json", "empty.jsonl", "empty.yaml"])
def test_an_empty_source_has_nothing_to_check_and_an_empty_document_is_a_syntax_error(tmp_path, cli, name):
    """As the README has it: a JSON text, a JSON Lines file or a YAML document holds a value; a script need push nothing."""
    path = tmp_path / name
    path.write_bytes(b"")
    findings = json.loads(cli("check", "--format", "json", path).output)["findings"]
    if name.endswith((".js", ".html")):
        assert findings == []
    else:
        assert [(f["rule"], f["message"].split(":")[0]) for f in findings] == [("syntax-error", "input is empty")]


def test_a_truncated_gzip_json_lines_file_keeps_the_lines_before_the_break(tmp_path, cli):
    """A capture cut off while it was written (a full disk, a killed job) lost every line's findings to "truncated
    gzip file", where zcat shows every line before the break."""
    words = random.Random(1)
    events = [{**BAD_EVENT, "lead": {**BAD_EVENT["lead"], "lead": {"topic": f"{words.getrandbits(64):x}"}}} for _ in range(200)]
    raw = gzip.compress(_jsonl(*events))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(raw[: len(raw) // 2])
    findings = json.loads(cli("check", "--format", "json", path).output)["findings"]
    assert findings[0]["rule"] == "encoding-error" and findings[0]["message"].startswith("truncated gzip file: the lines before the break are checked")
    assert len([f for f in findings if f["rule"] == "unknown-field"]) > 50
    (path.parent / "whole.json.gz").write_bytes(gzip.compress(json.dumps(BAD_EVENT).encode())[:-10])  # one document: nothing to keep
    (finding,) = json.loads(cli("check", "--format", "json", path.parent / "whole.json.gz").output)["findings"]
    assert (finding["rule"], finding["message"]) == ("encoding-error", "truncated gzip file")
