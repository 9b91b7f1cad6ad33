"""A big response parsed and checked in two processes gives exactly the serial findings."""

from __future__ import annotations

import copy
import json

import pytest

import validator.linter as linter_module
import validator.validate.halves as halves_module
from tests.conftest import EXAMPLE
from validator.config import Configuration
from validator.linter import Linter
from validator.load.response_text import guess_split

TYPO_EVENT = {"lead": {"serverTimeStamp": "1528628536882", "lead": {"Topic": "drive"}}, "sdeType": "LEAD", "serverTimeStamp": "1528628536882"}
UNAUTH_EVENT = {"sdeType": "LEAD", "serverTimeStamp": 1528628536882, "isAuthenticated": False, "lead": {"serverTimeStamp": 1528628536882, "lead": {"topic": "x"}}}


def _records(count: int) -> list[dict]:
    record = json.loads(EXAMPLE.read_text(encoding="utf-8"))["conversationHistoryRecords"][0]
    return [copy.deepcopy(record) for _ in range(count)]


def _response(records: list[dict], **members) -> dict:
    return {"_metadata": {"count": len(records)}, "conversationHistoryRecords": records, **members}


@pytest.fixture
def halves_used(monkeypatch):
    """Every document is a candidate, and each call's outcome is recorded (None: not split)."""
    monkeypatch.setattr(linter_module, "HALVES_MIN_BYTES", 0)
    monkeypatch.setattr(halves_module, "can_fork", lambda: True)  # threads another test file left in this process do not matter here
    outcomes: list = []
    real = halves_module.check_in_halves

    def spy(*args, **kwargs):
        outcome = real(*args, **kwargs)
        outcomes.append(outcome)
        return outcome

    monkeypatch.setattr(halves_module, "check_in_halves", spy)
    return outcomes


def _lint(text: str, workers: int, config: Configuration | None = None):
    linter = Linter(config or Configuration.load(None))
    path = str(config.path.parent / "big.json") if config and config.path else None  # overrides by file need a path
    result = linter.lint_bytes(text.encode("utf-8"), "big.json", path, workers=workers)
    findings = [(f.line, f.column, f.pointer, f.rule, f.severity, f.message) for f in result.findings]
    return findings, result.kind, result.api_version, result.events, result.hidden


def _assert_same_as_serial(text: str, config: Configuration | None = None) -> list:
    serial = _lint(text, 1, config)
    assert _lint(text, 2, config) == serial
    return serial[0]


@pytest.mark.parametrize("indent", [None, 1, "\t"])
def test_findings_in_both_halves_match_the_serial_run(halves_used, indent):
    records = _records(40)
    records[2]["sdes"]["events"].append(TYPO_EVENT)
    records[37]["sdes"]["events"].append(TYPO_EVENT)
    text = json.dumps(_response(records), indent=indent)
    findings = _assert_same_as_serial(text)
    assert halves_used and halves_used[-1] is not None, "the document was not split"
    typos = [pointer for _, _, pointer, rule, _, _ in findings if rule == "unknown-field"]
    assert typos == ["/conversationHistoryRecords/2/sdes/events/2/lead/lead/Topic", "/conversationHistoryRecords/37/sdes/events/2/lead/lead/Topic"]
    line, column = next((line, col) for line, col, pointer, rule, *_ in findings if rule == "unknown-field" and "/37/" in pointer)
    assert text.splitlines()[line - 1][column - 1:].startswith('"Topic"')


def test_version_evidence_only_in_the_second_half_decides_auto(halves_used):
    records = _records(40)
    records[35]["unAuthSdes"] = {"events": [UNAUTH_EVENT]}
    text = json.dumps(_response(records))
    serial = _lint(text, 1)
    assert serial[2] == "v2"
    assert _lint(text, 2) == serial
    assert halves_used[-1] is not None and halves_used[-1].version == "v2"


def _typed(record: dict) -> None:
    record["sdes"]["events"][0]["customerInfo"]["customerInfo"]["customerId"] = 5


def _authenticated(record: dict) -> None:
    record["sdes"]["events"][0]["isAuthenticated"] = True


def _unauth(record: dict) -> None:
    record["unAuthSdes"] = {"events": [UNAUTH_EVENT]}


@pytest.mark.parametrize(
    ("marks", "reason"),
    [
        ({36: _authenticated}, "has isAuthenticated at /conversationHistoryRecords/36/sdes/events/0/isAuthenticated"),
        ({2: _typed, 35: _unauth}, "has unAuthSdes at /conversationHistoryRecords/35/unAuthSdes"),
        ({3: _authenticated, 37: _authenticated, 38: _unauth}, "has unAuthSdes at /conversationHistoryRecords/38/unAuthSdes"),
        ({3: _authenticated, 37: _authenticated}, "has isAuthenticated at /conversationHistoryRecords/3/sdes/events/0/isAuthenticated"),
        ({39: _typed}, "typed number at /conversationHistoryRecords/39/sdes/events/0/customerInfo/customerInfo/customerId"),
        ({}, "no unAuthSdes, isAuthenticated or typed value: v1, the API's default"),
    ],
)
def test_the_version_reason_is_the_serial_runs(halves_used, marks, reason):
    """The reason names what the whole response shows first, by rank, wherever the split falls."""
    records = _records(40)
    for record in records:
        del record["unAuthSdes"]
    for index, mark in marks.items():
        mark(records[index])
    raw = json.dumps(_response(records)).encode("utf-8")
    reasons = [Linter(Configuration.load(None)).lint_bytes(raw, "big.json", None, workers=jobs).version_reason for jobs in (1, 2)]
    assert halves_used[-1] is not None, "the document was not split"
    assert reasons == [reason, reason]


def test_duplicate_key_in_the_second_half_is_found(halves_used):
    records = _records(40)
    text = json.dumps(_response(records))
    marker = '"conversationId": '
    at = text.index(marker, text.index(marker, len(text) * 3 // 4))  # a conversationId late in the text
    text = text[:at] + '"conversationId": "twice", ' + text[at:]
    findings = _assert_same_as_serial(text)
    assert halves_used[-1] is not None
    assert [rule for *_, rule, _, _ in findings].count("duplicate-key") == 1


def test_members_after_the_records_are_checked(halves_used):
    records = _records(30)
    text = json.dumps({"conversationHistoryRecords": records, "_metadata": {"count": "thirty"}})
    findings = _assert_same_as_serial(text)
    assert halves_used[-1] is not None
    assert any(pointer == "/_metadata/count" for _, _, pointer, *_ in findings)


def test_a_wrong_guess_falls_back_to_the_ordinary_parse(halves_used):
    records = _records(41)  # an odd number: the middle of the text falls inside a record
    for record in records:  # the separator between records recurs inside every record, one level down, most of its text
        record["zz"] = [{"a": 1}, {"info": 2}] * 500
    text = json.dumps(_response(records), separators=(",", ":"))
    guess = guess_split(text, text.index("[{") + 1)
    assert guess is not None and text[:guess].endswith('{"a":1},')  # the guess is the decoy
    _assert_same_as_serial(text)
    assert halves_used[-1] is None


def test_a_syntax_error_in_the_second_half_gives_the_serial_finding(halves_used):
    records = _records(40)
    text = json.dumps(_response(records), indent=1)
    at = text.index('"sdeType"', len(text) * 3 // 4)
    broken = text[:at] + text[at + 1:]  # a key without its opening quote
    findings = _assert_same_as_serial(broken)
    assert halves_used[-1] is None
    assert [rule for *_, rule, _, _ in findings] == ["syntax-error"]
    assert findings[0][0] == broken[:at].count("\n") + 1


@pytest.mark.parametrize("text", ['{"conversationHistoryRecords": []}', "[1, 2, 3]", '{"a": 1}', '{"conversationHistoryRecords": [{}]}', "{", ""])
def test_small_or_odd_documents_are_not_split(halves_used, text):
    assert _lint(text, 2) == _lint(text, 1)
    assert all(outcome is None for outcome in halves_used)


@pytest.mark.parametrize("indent", [None, 2])
def test_a_single_record_is_not_parsed_to_look_for_a_second(halves_used, monkeypatch, indent):
    """The split is guessed from how the first record starts: a response of one huge record was parsed whole while
    a second one was looked for (a second of eight with 100,000 events), then again the ordinary way."""
    record = _records(1)[0]
    record["unAuthSdes"]["events"] = record["unAuthSdes"]["events"] * 50
    text = json.dumps(_response([record]), indent=indent)
    records_at = text.index("{", text.index('"conversationHistoryRecords"'))
    scanned: list[int] = []
    real = halves_module._scanner

    def counting(flags):
        scan = real(flags)
        return lambda text, at: scanned.append(at) or scan(text, at)

    monkeypatch.setattr(halves_module, "_scanner", counting)
    _assert_same_as_serial(text)
    assert halves_used == [None] and records_at not in scanned and scanned  # the head was read, the record not


def test_records_nested_near_the_recursion_limit_give_the_serial_findings(halves_used):
    """A record parsed on its own sits two levels above where the whole-document parse meets it: near
    the recursion limit one could parse where the other stops. Such values are never split."""
    import sys

    limit = sys.getrecursionlimit()
    for depth in range(limit - 60, limit + 5, 3):
        deep = '{"deep": ' + "[" * depth + "]" * depth + ', "info": {"conversationId": "c"}}'
        text = '{"conversationHistoryRecords": [' + ", ".join([deep] + ['{"info": {"conversationId": "c"}}'] * 9) + "]}"
        _assert_same_as_serial(text)
    assert all(outcome is None for outcome in halves_used)


def test_an_explicit_input_format_is_not_split(monkeypatch):
    monkeypatch.setattr(linter_module, "HALVES_MIN_BYTES", 0)
    raw = json.dumps(_response(_records(6)), indent=1).encode()
    results = []
    for workers in (1, 2):
        linter = Linter(Configuration.load(None))
        result = linter.lint_bytes(raw, "body", input_format="jsonl", workers=workers)
        results.append(([(f.line, f.rule) for f in result.findings], result.kind))
    assert results[0] == results[1]
    assert results[0][1] == "json-lines" and "syntax-error" in {rule for _, rule in results[0][0]}


def test_a_long_value_in_either_half_is_found(halves_used):
    records = _records(40)
    for index in (3, 36):
        records[index]["unAuthSdes"]["events"][0]["cartStatus"]["currency"] = "x" * 50_001
    findings = _assert_same_as_serial(json.dumps(_response(records)))
    assert halves_used[-1] is not None
    assert [pointer.split("/")[2] for _, _, pointer, rule, _, _ in findings if rule == "value-length"] == ["3", "36"]


def test_each_half_grades_its_findings_as_the_policy_says(halves_used, tmp_path):
    """Each process grades its own problems: a pointer override on one record, hidden counts and "off" agree with a serial run."""
    records = _records(40)
    records[37]["sdes"]["events"].append(TYPO_EVENT)
    records[38]["sdes"]["events"].append(TYPO_EVENT)
    text = json.dumps(_response(records))
    config_file = tmp_path / ".sdelint.yaml"
    config_file.write_text(
        "api-version: v2\nrules: {numeric-string: info}\n"
        "overrides:\n  - files: ['**']\n    pointers: ['/conversationHistoryRecords/38/**']\n    rules: {unknown-field: off}\n"
    )
    config = Configuration.load(config_file)
    findings = _assert_same_as_serial(text, config)
    assert halves_used and halves_used[-1] is not None, "the document was not split"
    typos = [pointer for _, _, pointer, rule, *_ in findings if rule == "unknown-field"]
    assert typos == ["/conversationHistoryRecords/37/sdes/events/2/lead/lead/Topic"]
    hidden = _lint(text, 2, config)[4]
    assert hidden.get("info", 0) > 40  # numeric-string in the records of both halves, counted, not shown


def test_a_process_ending_with_exit_keeps_each_document_until_the_next_input(halves_used, monkeypatch):
    """The CLI ends with os._exit: freeing the last big document object by object only delays it (tens of ms).
    The split path's document is kept after its lint and freed when the next input begins, never two at once."""
    import weakref

    import validator.collector as collector

    monkeypatch.setattr(collector, "_ends_with_exit", True)
    monkeypatch.setattr(collector, "_retired", None)
    text = json.dumps(_response(_records(4)))
    linter = Linter(Configuration.load(None))
    linter.lint_bytes(text.encode(), "big.json", workers=2)
    assert halves_used and halves_used[0] is not None  # split
    halves_used.clear()  # the spy's own reference to the split's result
    kept = collector._retired[0]  # the document, then what was built from it (rows, problems)
    assert isinstance(kept, dict) and len(kept["conversationHistoryRecords"]) >= 1
    assert len(collector._retired) == 3 and all(isinstance(built, list | tuple) and built for built in collector._retired[1:])
    probe = _Probe()
    kept["probe"] = probe
    alive = weakref.ref(probe)
    del kept, probe
    assert alive() is not None
    seen_at_start = []
    real = Linter._lint_bytes

    def spy(self, *args, **kwargs):
        seen_at_start.append(alive() is None)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Linter, "_lint_bytes", spy)
    linter.lint_bytes(b'{"events": [{"sdeType": "LEAD"}]}', "small.json")
    assert seen_at_start == [True]  # freed before the next input was read
    assert isinstance(collector._retired[0], list)  # the small input's documents, kept in turn


class _Probe:
    """Something a weak reference can watch inside a kept document."""


def test_the_workers_rows_cross_the_pipe_unchanged():
    """The worker's rows go to the parent as marshal bytes: every JSON type comes back as it was (True is not 1, a
    tuple stays a tuple); a value marshal does not write travels as the rows themselves."""
    from decimal import Decimal

    rows = [
        (1, 5, "/a", "numeric-string", "info", "m", "2009"),
        (1, 9, "/b", "value-type", "error", "m", True),
        (2, 1, "/c", "value-type", "error", "m", {"x": [1, 2.5, None, False, "é", 10**30]}),
        (3, 1, "/d", "value-type", "error", "m", float("nan")),
    ]
    packed = halves_module._packed(rows)
    assert isinstance(packed, bytes)
    back = halves_module._unpacked(packed)
    assert back[:3] == rows[:3] and all(type(row) is tuple for row in back)
    assert back[1][6] is True and type(back[2][6]["x"][0]) is int and back[3][6] != back[3][6]
    odd = [(1, 1, "/e", "custom", "error", "m", Decimal("1.5"))]
    assert halves_module._packed(odd) is odd and halves_module._unpacked(odd) is odd
