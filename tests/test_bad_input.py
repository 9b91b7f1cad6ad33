"""Bad input never crashes sdelint: each becomes a finding (or a usage message) with a position.

Every case runs the real installed ``sdelint`` in a subprocess with a timeout
(a hang fails the test), puts a good file after the bad one and checks that the
good file was still checked, and that nothing looks like a traceback.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import subprocess
import time
import warnings
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import sdelint_command

# A "slow" mark without touching the shared configuration: registering markers
# needs conftest.py or pyproject.toml, so the unknown-mark warning is silenced
# here. Deselect with -m "not slow".
try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
        slow = pytest.mark.slow
except pytest.fail.Exception:  # --strict-markers without the marker registered
    slow = pytest.mark.skipif(False, reason="")

TIMEOUT = 60  # seconds for any ordinary run; a correct run takes about one

FINDING = re.compile(r"(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning|info) (?P<rule>[a-z0-9-]+) (?P<message>.*) \((?P<pointer>/.*)\)")

CART = '{"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879", "cartStatus": {"serverTimeStamp": "1528628536879", "currency": "USD"}}'


# --------------------------------------------------------------------------- helpers


def offset_to_line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (characters), computed independently of sdelint."""
    before = text[:offset]
    line = before.count("\n") + 1
    column = offset - (before.rfind("\n") + 1) + 1
    return line, column


def assert_no_crash(proc: subprocess.CompletedProcess) -> None:
    err = proc.stderr.decode("utf-8", "replace")
    out = proc.stdout.decode("utf-8", "replace")
    assert "Traceback" not in err and "Traceback" not in out, err
    assert "internal error" not in err, err


@pytest.fixture
def good(tmp_path, example_path) -> Path:
    """A copy of the example next to the bad inputs: a file that must still be checked."""
    target = tmp_path / "zz-good.json"
    shutil.copyfile(example_path, target)
    return target


@pytest.fixture
def check_json(run_sdelint, tmp_path, good):
    """Run ``sdelint check --format json BAD... GOOD``; return (process, report, findings of BAD by file)."""

    def run(*bad: Path, timeout: float = TIMEOUT):
        proc = run_sdelint("check", "--format", "json", *bad, good, cwd=tmp_path, timeout=timeout)
        assert_no_crash(proc)
        assert proc.returncode in (0, 1), proc.stderr
        report = json.loads(proc.stdout)
        names = [entry["file"] for entry in report["files"]]
        assert names == [str(p) for p in (*bad, good)], "every input is reported, in the order given"
        # the good file after the bad ones was checked like the example always is
        good_entry = report["files"][-1]
        assert good_entry["kind"] == "response" and good_entry["api_version"] == "v2" and good_entry["events"] == 12
        good_rules = Counter(f["rule"] for f in report["findings"] if f["file"] == str(good))
        # 9 of the 10 unAuthSdes events: the customerInfo table describes both timestamps as "Event creation time stamp."
        assert good_rules["timestamp-order"] == 9, good_rules
        assert report["summary"]["files"] == len(bad) + 1
        by_file = {str(p): [f for f in report["findings"] if f["file"] == str(p)] for p in bad}
        return proc, report, by_file

    return run


def only(findings: list[dict], rule: str) -> dict:
    hits = [f for f in findings if f["rule"] == rule]
    assert len(hits) == 1, f"expected exactly one {rule} finding, got {findings}"
    return hits[0]


# --------------------------------------------------------------------------- syntax


def test_missing_comma_is_a_syntax_error_at_the_right_place(tmp_path, check_json):
    bad = tmp_path / "comma.json"
    bad.write_text('{\n  "events": [\n    {"sdeType": "CART_STATUS"\n     "serverTimeStamp": "1528628536879"}\n  ]\n}\n', encoding="utf-8")
    proc, _report, by_file = check_json(bad)
    assert proc.returncode == 1
    finding = only(by_file[str(bad)], "syntax-error")
    assert (finding["line"], finding["column"]) == (4, 6)  # the token where the comma is missing
    assert finding["severity"] == "error"
    assert "delimiter" in finding["message"] or "','" in finding["message"]
    assert by_file[str(bad)] == [finding], "a file that does not parse has no other finding"


def test_missing_comma_in_text_output_names_file_line_and_column(tmp_path, run_sdelint, good):
    bad = tmp_path / "comma.json"
    bad.write_text('{"events": [\n  {"sdeType": "CART_STATUS" "serverTimeStamp": "1"}]}', encoding="utf-8")
    proc = run_sdelint("check", bad, good, timeout=TIMEOUT)
    assert_no_crash(proc)
    assert proc.returncode == 1
    lines = proc.stdout.decode().splitlines()
    assert lines[0].startswith(f"{bad}:2:29: error syntax-error ")
    assert any(line.startswith(f"{good}:") and " timestamp-order " in line for line in lines)
    assert lines[-1].startswith("Checked 2 files (1 as API v2): 1 error,")


def test_empty_and_whitespace_only_files(tmp_path, check_json):
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.json"
    blank.write_bytes(b"  \n\t \r\n  \n")
    proc, _report, by_file = check_json(empty, blank)
    assert proc.returncode == 1
    for bad in (empty, blank):
        finding = only(by_file[str(bad)], "syntax-error")
        assert finding["line"] >= 1 and finding["column"] >= 1, bad.name
        assert "empty" in finding["message"].lower() or "expecting value" in finding["message"].lower(), bad.name
        assert by_file[str(bad)] == [finding]


def test_an_empty_yaml_file_is_empty_as_a_json_one_is(tmp_path, check_json):
    """An empty YAML file (or one of comments only) holds no document: it was "not an engagement-attributes payload:
    ... found null", as if it held one, where an empty JSON file is "input is empty". An explicit null document
    (`~`, a bare `---`) is one, and stays unrecognized."""
    empty, comments, null = tmp_path / "empty.yaml", tmp_path / "comments.yml", tmp_path / "null.yaml"
    empty.write_bytes(b"\xef\xbb\xbf")
    comments.write_text("# recorded 2026-11-30\n\n# nothing yet\n", encoding="utf-8")
    null.write_text("~\n", encoding="utf-8")
    proc, _report, by_file = check_json(empty, comments, null)
    assert proc.returncode == 1
    for bad in (empty, comments):
        assert [(f["rule"], f["line"], f["column"], f["message"]) for f in by_file[str(bad)]] == [
            ("syntax-error", 1, 1, "input is empty: expected a YAML document")], bad.name
    assert [f["rule"] for f in by_file[str(null)]] == ["unrecognized-document"]


def test_a_form_feed_or_no_break_space_is_not_read_as_an_empty_input(tmp_path, check_json):
    """Only space, tab, line feed and carriage return are JSON whitespace: a file or JSON Lines line of a form
    feed or a no-break space holds a character where a value must be, and was called empty."""
    spaced = tmp_path / "nbsp.json"
    spaced.write_text("\u00a0\n", encoding="utf-8")
    lines = tmp_path / "feed.jsonl"
    lines.write_text('{"events": []}\n\f\n{"events": []}\n', encoding="utf-8")
    proc, _report, by_file = check_json(spaced, lines)
    assert proc.returncode == 1
    for bad, line, found in ((spaced, 1, "U+00A0 (a no-break space)"), (lines, 2, "U+000C (a form feed)")):
        finding = only(by_file[str(bad)], "syntax-error")
        assert (finding["line"], finding["column"], finding["message"]) == (line, 1, f"invalid JSON: Expecting value: found {found}"), bad.name


def test_truncated_in_the_middle_of_a_string(tmp_path, check_json, example_path):
    text = example_path.read_text(encoding="utf-8")
    quote = text.index('"dummyCompanyBranch"')
    cut = text[: quote + 9]  # ... "dummyCom
    bad = tmp_path / "truncated.json"
    bad.write_text(cut, encoding="utf-8")
    proc, _report, by_file = check_json(bad)
    assert proc.returncode == 1
    finding = only(by_file[str(bad)], "syntax-error")
    # the unterminated string's opening quote, or the end of the input
    assert (finding["line"], finding["column"]) in {offset_to_line_col(cut, quote), offset_to_line_col(cut, len(cut))}
    assert by_file[str(bad)] == [finding]


# --------------------------------------------------------------------------- encodings


def test_invalid_utf8_is_an_encoding_error_with_its_position(tmp_path, check_json):
    bad = tmp_path / "latin.json"
    bad.write_bytes(b'{"events": [\n  {"sdeType": "CART_STATUS", "x": "ab\xff\xfecd"}]}')
    proc, _report, by_file = check_json(bad)
    assert proc.returncode == 1
    finding = only(by_file[str(bad)], "encoding-error")
    # line 2: two spaces, then {"sdeType": "CART_STATUS", "x": "ab  -> the byte 0xff is character 38
    assert (finding["line"], finding["column"]) == (2, 38)
    assert "utf-8" in finding["message"].lower()


def test_utf8_bom_is_accepted(tmp_path, check_json, example_path, run_sdelint):
    bad = tmp_path / "bom.json"
    bad.write_bytes(b"\xef\xbb\xbf" + example_path.read_bytes())
    proc, report, by_file = check_json(bad)
    assert proc.returncode == 0
    assert not {f["rule"] for f in by_file[str(bad)]} & {"syntax-error", "encoding-error"}
    # exactly the example's findings at exactly the same places
    good = report["files"][-1]["file"]
    strip = lambda fs: sorted((f["line"], f["column"], f["pointer"], f["rule"], f["severity"]) for f in fs)  # noqa: E731
    assert strip(by_file[str(bad)]) == strip(f for f in report["findings"] if f["file"] == good)
    assert report["files"][0]["kind"] == "response" and report["files"][0]["api_version"] == "v2"


def test_utf16_and_utf32_are_encoding_errors_but_still_checked(tmp_path, check_json, example_path):
    text = example_path.read_text(encoding="utf-8")
    encodings = {"utf-16": "utf-16", "utf-16-le": "utf-16-le", "utf-32": "utf-32"}  # utf-16/utf-32 write a BOM
    bad = []
    for encoding in encodings:
        path = tmp_path / f"{encoding}.json"
        path.write_bytes(text.encode(encoding))
        bad.append(path)
    proc, report, by_file = check_json(*bad)
    assert proc.returncode == 1
    good = report["files"][-1]["file"]
    strip = lambda fs: sorted((f["line"], f["column"], f["pointer"], f["rule"]) for f in fs)  # noqa: E731
    for index, (path, encoding) in enumerate(zip(bad, encodings, strict=True)):
        finding = only(by_file[str(path)], "encoding-error")
        assert (finding["line"], finding["column"]) == (1, 1)
        assert encoding[:6] in finding["message"].lower()
        # still checked: the example's findings at the example's lines and columns (columns count characters)
        assert report["files"][index]["kind"] == "response" and report["files"][index]["events"] == 12
        rest = [f for f in by_file[str(path)] if f["rule"] != "encoding-error"]
        assert strip(rest) == strip(f for f in report["findings"] if f["file"] == good), encoding


# --------------------------------------------------------------------------- JSON that Python accepts but RFC 8259 does not


def test_non_finite_literals_are_syntax_errors_at_the_literal(tmp_path, check_json):
    texts = {}
    for literal in ("NaN", "Infinity", "-Infinity"):
        texts[literal] = (
            '{"events": [\n  {"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879",\n'
            '   "cartStatus": {"serverTimeStamp": "1528628536879", "total": ' + literal + "}}]}"
        )
        (tmp_path / f"{literal}.json").write_text(texts[literal], encoding="utf-8")
    proc, _report, by_file = check_json(*(tmp_path / f"{literal}.json" for literal in texts))
    assert proc.returncode == 1
    for literal, text in texts.items():
        hits = [f for f in by_file[str(tmp_path / f"{literal}.json")] if f["rule"] == "syntax-error"]
        assert len(hits) == 1, (literal, hits)
        assert (hits[0]["line"], hits[0]["column"]) == offset_to_line_col(text, text.index(literal)) == (3, 64)
        assert hits[0]["pointer"] == "/events/0/cartStatus/total"
        assert literal in hits[0]["message"]


def test_duplicate_key_at_top_level_points_at_the_second_key(tmp_path, check_json):
    text = '{"events": [],\n "events": [' + CART + "]}"
    bad = tmp_path / "dup-top.json"
    bad.write_text(text, encoding="utf-8")
    proc, _report, by_file = check_json(bad)
    assert proc.returncode == 1
    finding = only(by_file[str(bad)], "duplicate-key")
    assert (finding["line"], finding["column"]) == (2, 2)
    assert finding["pointer"] == "/events"
    assert "events" in finding["message"]


def test_duplicate_key_nested_points_at_the_second_key(tmp_path, check_json):
    text = (
        '{"events": [{"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879",\n'
        '  "cartStatus": {"serverTimeStamp": "1528628536879", "currency": "USD",\n'
        '                 "currency": "EUR"}}]}'
    )
    bad = tmp_path / "dup-nested.json"
    bad.write_text(text, encoding="utf-8")
    proc, _report, by_file = check_json(bad)
    assert proc.returncode == 1
    finding = only(by_file[str(bad)], "duplicate-key")
    assert (finding["line"], finding["column"]) == (3, 18)
    assert (finding["line"], finding["column"]) == offset_to_line_col(text, text.rindex('"currency"'))
    assert finding["pointer"] == "/events/0/cartStatus/currency"


def test_duplicate_key_spelled_with_an_escape_is_still_a_duplicate(tmp_path, check_json):
    text = '{"events": [], "\\u0065vents": []}'
    bad = tmp_path / "dup-escaped.json"
    bad.write_text(text, encoding="utf-8")
    _proc, _report, by_file = check_json(bad)
    finding = only(by_file[str(bad)], "duplicate-key")
    assert (finding["line"], finding["column"]) == (1, 16)


# --------------------------------------------------------------------------- the wrong kind of document


def test_top_level_value_of_the_wrong_kind(tmp_path, check_json):
    kinds = {"number": "42", "string": '"a string"', "null": "null", "boolean": "true", "empty-object": "{}", "array-of-numbers": "[1, 2]"}
    bad = []
    for name, content in kinds.items():
        path = tmp_path / f"{name}.json"
        path.write_text(content + "\n", encoding="utf-8")
        bad.append(path)
    proc, report, by_file = check_json(*bad)
    assert proc.returncode == 1
    for index, path in enumerate(bad):
        finding = only(by_file[str(path)], "unrecognized-document")
        assert (finding["line"], finding["column"]) == (1, 1), path.name
        assert finding["pointer"] == "" and finding["severity"] == "error"
        assert by_file[str(path)] == [finding]
        assert report["files"][index]["kind"] is None


# --------------------------------------------------------------------------- absurd nesting


def test_nesting_100000_levels_is_too_deep_quickly(tmp_path, check_json):
    depth = 100_000
    texts = {
        "arrays": "[" * depth + "]" * depth,
        "objects": '{"a": ' * depth + "1" + "}" * depth,
        "inside-a-payload": '{"events": [' + CART[:-2] + ', "products": ' + "[" * depth + "]" * depth + "}}]}",
    }
    for name, text in texts.items():
        (tmp_path / f"{name}.json").write_text(text, encoding="utf-8")
    started = time.monotonic()
    proc, _report, by_file = check_json(*(tmp_path / f"{name}.json" for name in texts), timeout=30)
    assert time.monotonic() - started < 20
    assert proc.returncode == 1
    for name, text in texts.items():
        finding = only(by_file[str(tmp_path / f"{name}.json")], "too-deep")
        assert finding["line"] == 1, name
        assert text[finding["column"] - 1] in "[{", f"{name}: points at an opening bracket"
        assert by_file[str(tmp_path / f"{name}.json")] == [finding]


def test_duplicate_key_and_nan_still_found_next_to_moderately_deep_nesting(tmp_path, run_sdelint):
    depth = 400
    # Deep, but below the depth at which sdelint says "too-deep": the document is parsed
    # and checked, so its duplicate key and NaN must be reported, and the exit code must be 1.
    nested = "[" * depth + "]" * depth
    dup = tmp_path / "dup.json"
    dup.write_text('{"events": [],\n "deep": ' + nested + ',\n "events": []}', encoding="utf-8")
    nan = tmp_path / "nan.json"
    nan.write_text('{"events": [], "deep": ' + nested + ',\n "x": NaN}', encoding="utf-8")
    proc = run_sdelint("check", "--format", "json", dup, nan, timeout=TIMEOUT)
    assert_no_crash(proc)
    report = json.loads(proc.stdout)
    rules = {(f["file"], f["rule"]) for f in report["findings"]}
    assert (str(dup), "duplicate-key") in rules or (str(dup), "too-deep") in rules
    assert (str(nan), "syntax-error") in rules or (str(nan), "too-deep") in rules
    assert proc.returncode == 1


# --------------------------------------------------------------------------- values Python's json module chokes on after parsing


def test_huge_integer_literal_is_a_finding_not_an_internal_error(tmp_path, run_sdelint, good):
    bad = tmp_path / "bigint.json"
    bad.write_text('{"events": [{"sdeType": "CART_STATUS", "serverTimeStamp": ' + "1" * 5000 + "}]}", encoding="utf-8")
    proc = run_sdelint("check", bad, good, timeout=TIMEOUT)
    assert_no_crash(proc)
    assert proc.returncode == 1
    out = proc.stdout.decode()
    assert f"{bad}:1:" in out
    assert f"{good}:" in out and out.splitlines()[-1].startswith("Checked 2 files")


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_lone_surrogate_escape_does_not_break_the_report(tmp_path, run_sdelint, good, output_format):
    bad = tmp_path / "surrogate.json"
    bad.write_text('{"events": [{"sdeType": "\\ud800", "serverTimeStamp": "1528628536879"}]}', encoding="utf-8")
    proc = run_sdelint("check", "--format", output_format, bad, good, timeout=TIMEOUT)
    assert_no_crash(proc)
    assert proc.returncode == 1
    out = proc.stdout.decode("utf-8")  # the report itself must be valid UTF-8
    if output_format == "json":
        report = json.loads(out)
        assert [f["file"] for f in report["files"]] == [str(bad), str(good)]
        assert any(f["file"] == str(bad) and f["pointer"] == "/events/0/sdeType" for f in report["findings"])
    else:
        assert f"{bad}:1:25: error " in out
        assert out.splitlines()[-1].startswith("Checked 2 files")


def test_a_file_name_that_is_not_utf8_costs_nothing_to_a_directory_walk(tmp_path, run_sdelint, example_path):
    """One such name anywhere in a searched folder (even one never checked) ended the run: RE2 takes UTF-8 only."""
    folder = tmp_path / "captures"
    folder.mkdir()
    (folder / "good.json").write_bytes(example_path.read_bytes())
    os.close(os.open(os.path.join(os.fsencode(folder), b"photo\xff.jpg"), os.O_CREAT | os.O_WRONLY))
    with open(os.path.join(os.fsencode(folder), b"odd\xff.json"), "wb") as odd:
        odd.write(example_path.read_bytes())
    (tmp_path / ".sdelint.yaml").write_text("overrides:\n  - files: ['legacy/**', '*.json']\n    api-version: v1\n", encoding="utf-8")
    stdin_name = os.fsdecode(b"in\xff.json")
    proc = run_sdelint("check", "--format", "json", "captures", "-", "--stdin-filename", stdin_name, input=example_path.read_bytes(), timeout=TIMEOUT)
    assert_no_crash(proc)
    report = json.loads(proc.stdout)
    assert sorted(f["file"] for f in report["files"]) == sorted(["captures/good.json", os.fsdecode(b"captures/odd\xff.json"), stdin_name])
    assert {f["api_version"] for f in report["files"]} == {"v1"}  # the override's '*.json' matches the odd names too
    assert proc.returncode == 1
    # such a byte in a pattern too (it was "'utf-8' codec can't encode character"): it matches the same byte, not a letter
    proc = run_sdelint("check", "--format", "json", "captures", "--include", os.fsdecode(b"*\xff.json"), timeout=TIMEOUT)
    assert_no_crash(proc)
    assert [f["file"] for f in json.loads(proc.stdout)["files"]] == [os.fsdecode(b"captures/odd\xff.json")]


# --------------------------------------------------------------------------- a big file


@slow
def test_200_megabyte_response_finishes_with_a_summary(tmp_path, run_sdelint, example_path):
    """A ~200 MB response: clean records, then the example's record last.

    About 30 s on a 2-core machine. (200 MB made only of the example's record, 36
    findings each, takes about 65 s.) Set SDELINT_BIG_MB to change the size.
    """
    import validator

    example = json.loads(example_path.read_text(encoding="utf-8"))
    record = example["conversationHistoryRecords"][0]
    clean = json.loads(json.dumps(record))
    clean["messageRecords"] = []  # no message-id / message-time findings
    clean["unAuthSdes"]["events"] = []  # no timestamp-order, numeric-string or cart-arithmetic findings
    clean_text = json.dumps(clean)
    dirty_text = json.dumps(record, indent=1)
    head = '{"_metadata": {"count": %d},\n "conversationHistoryRecords": [\n'
    tail = "\n]}\n"
    # where the example's record's findings are when it is alone in a response laid out the same way
    alone = validator.lint((head % 1 + dirty_text + tail).encode("utf-8"), name="alone")
    assert len(alone) > 30

    target_bytes = int(float(os.environ.get("SDELINT_BIG_MB", "200")) * 1_000_000)
    count = max(1, target_bytes // (len(clean_text) + 2))
    big = tmp_path / "big.json"
    with big.open("w", encoding="utf-8") as out:  # a streaming write: never the whole text in memory
        out.write(head % (count + 1))
        chunk = (clean_text + ",\n") * 100
        for _ in range(count // 100):
            out.write(chunk)
        for _ in range(count % 100):
            out.write(clean_text + ",\n")
        out.write(dirty_text + tail)
    size = big.stat().st_size
    assert size >= target_bytes * 0.95

    started = time.monotonic()
    proc = run_sdelint("check", "--min-severity", "info", big, timeout=180)
    elapsed = time.monotonic() - started
    print(f"{size / 1e6:.0f} MB, {count + 1} records: {elapsed:.1f} s")
    assert_no_crash(proc)
    assert proc.returncode in (0, 1)
    lines = proc.stdout.decode().splitlines()
    summary = re.fullmatch(r"Checked 1 file \(1 as API v2\): (\d+) errors?, (\d+) warnings?, (\d+) info\.", lines[-1])
    assert summary, lines[-1]
    expected = sorted(
        (f.line + count, f.column, f.pointer.replace("/conversationHistoryRecords/0/", f"/conversationHistoryRecords/{count}/", 1), f.rule, f.severity)
        for f in alone
    )
    found = []
    for line in lines[:-2]:  # before the detected version's reason and the counts
        match = FINDING.fullmatch(line)
        assert match and match["path"] == str(big), line
        found.append((int(match["line"]), int(match["col"]), match["pointer"], match["rule"], match["severity"]))
    assert sorted(found) == expected, "the last record's findings, at its lines in the big file"
    counts = Counter(severity for *_, severity in found)
    assert [int(n) for n in summary.groups()] == [counts["error"], counts["warning"], counts["info"]]
    assert proc.returncode == (1 if counts["error"] else 0)
    assert elapsed < 180


# --------------------------------------------------------------------------- directories and files that cannot be read


def test_directory_with_a_non_json_x_json_among_valid_ones(tmp_path, run_sdelint, example_path):
    folder = tmp_path / "recordings"
    (folder / "sub").mkdir(parents=True)
    shutil.copyfile(example_path, folder / "a.json")
    (folder / "x.json").write_text("this is not JSON at all\n", encoding="utf-8")
    shutil.copyfile(example_path, folder / "y.json")
    shutil.copyfile(example_path, folder / "sub" / "b.json")
    (folder / "notes.txt").write_text("{", encoding="utf-8")
    proc = run_sdelint("check", "--format", "json", folder, timeout=TIMEOUT)
    assert_no_crash(proc)
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    files = [entry["file"] for entry in report["files"]]
    assert [Path(f).relative_to(folder).as_posix() for f in files] == ["a.json", "sub/b.json", "x.json", "y.json"]
    x = str(folder / "x.json")
    finding = only([f for f in report["findings"] if f["file"] == x], "syntax-error")
    assert (finding["line"], finding["column"]) == (1, 1)
    for name in ("a.json", "sub/b.json", "y.json"):
        rules = Counter(f["rule"] for f in report["findings"] if f["file"] == str(folder / name))
        assert rules["timestamp-order"] == 9, name  # 9 of the 10 unAuthSdes events: the customerInfo table describes both timestamps as "Event creation time stamp."
    assert report["summary"]["api_versions"] == {"v2": 3}


def test_a_folder_that_cannot_be_listed_is_a_read_error_and_the_search_goes_on(tmp_path, example_path, monkeypatch):
    """pathlib's rglob passed over a folder it could not list (PermissionError) in silence: the files in it went
    unchecked and the run passed. Root lists every folder, so here os.scandir refuses those named locked."""
    from click.testing import CliRunner

    from validator import cli

    folder = tmp_path / "captures"
    for name in ("a.json", "locked/b.json", "sub/locked/c.json", "z/d.json"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(example_path, folder / name)
    listed = os.scandir

    def scandir(path="."):
        if os.path.basename(os.fspath(path)) == "locked":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
        return listed(path)

    monkeypatch.setattr(os, "scandir", scandir)

    def check(*args: str):
        result = CliRunner().invoke(cli.main, ["check", "--format", "json", *args])
        report = json.loads(result.stdout)
        errors = [(f["file"], f["rule"], f["message"]) for f in report["findings"] if f["severity"] == "error"]
        return result, [entry["file"] for entry in report["files"]], errors

    result, files, errors = check(str(folder))
    assert files == [str(folder / name) for name in ("a.json", "locked", "sub/locked", "z/d.json")]
    assert errors == [(str(folder / name), "read-error", "cannot list directory: Permission denied") for name in ("locked", "sub/locked")]
    assert result.exit_code == 1
    result, files, errors = check("--exclude", "locked", str(folder))  # a folder excluded whole need not be listed
    assert (result.exit_code, files, errors) == (0, [str(folder / "a.json"), str(folder / "z/d.json")], [])
    result, files, errors = check(str(folder / "locked"))  # the folder searched itself: not "no file matching"
    assert (result.exit_code, files) == (1, [str(folder / "locked")]) and "no file matching" not in result.stderr
    assert errors == [(str(folder / "locked"), "read-error", "cannot list directory: Permission denied")]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_unreadable_file_is_a_read_error(tmp_path, check_json, example_path):
    bad = tmp_path / "locked.json"
    shutil.copyfile(example_path, bad)
    bad.chmod(0)
    try:
        proc, _report, by_file = check_json(bad)
    finally:
        bad.chmod(0o644)
    assert proc.returncode == 1
    finding = only(by_file[str(bad)], "read-error")
    assert "permission" in finding["message"].lower()


def test_a_named_file_without_read_permission_is_a_read_error_not_a_usage_error(tmp_path, good, tmp_path_factory):
    """Click's Path type refused such a path before any input was checked (exit 2); root runs it without the
    capabilities that let root read anything, so the permission bits count as for any user."""
    bad = tmp_path / "locked.json"
    shutil.copyfile(good, bad)
    bad.chmod(0)
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        drop = "-dac_override,-dac_read_search"
        if setpriv is None or subprocess.run([setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}", "cat", str(bad)], capture_output=True).returncode == 0:
            pytest.skip("cannot run without root's right to read every file")
        prefix = [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}"]
    env = {**os.environ, "SDELINT_CACHE_DIR": str(tmp_path_factory.getbasetemp() / "sdelint-cache")}
    try:
        proc = subprocess.run([*prefix, *sdelint_command(), "check", "--format", "json", bad, good], capture_output=True, env=env, timeout=TIMEOUT)
    finally:
        bad.chmod(0o644)
    assert_no_crash(proc)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert [entry["file"] for entry in report["files"]] == [str(bad), str(good)]
    assert [(f["line"], f["column"], f["rule"], f["message"]) for f in report["findings"] if f["file"] == str(bad)] == [
        (1, 1, "read-error", "cannot read file: Permission denied")
    ]


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_file_that_fails_to_read_is_a_read_error(tmp_path, check_json):
    # /proc/self/mem cannot be read from offset 0, even by root: an I/O error on read.
    bad = tmp_path / "io-error.json"
    bad.symlink_to("/proc/self/mem")
    proc, _report, by_file = check_json(bad)
    assert proc.returncode == 1
    finding = only(by_file[str(bad)], "read-error")
    assert finding["severity"] == "error"
    assert "read" in finding["message"].lower()


def test_a_file_past_the_input_limit_is_a_read_error_before_it_is_read(tmp_path, check_json):
    """A sparse file of 1 GiB and one byte: refused from its size (no gigabyte is read), and the run goes on."""
    from validator.load.reader import MAX_INPUT_BYTES

    bad = tmp_path / "huge.json"
    with open(bad, "wb") as stream:
        stream.truncate(MAX_INPUT_BYTES + 1)
    started = time.monotonic()
    proc, _report, by_file = check_json(bad)
    assert time.monotonic() - started < 30
    assert proc.returncode == 1
    assert only(by_file[str(bad)], "read-error")["message"] == "cannot read file: larger than 1 GiB: not read"


def test_stdin_past_the_input_limit_is_a_read_error_and_the_run_goes_on(tmp_path, example_path, monkeypatch):
    """A pipe that never ends (``yes | sdelint check -``) stops at the limit; here a small one, through the CLI."""
    from click.testing import CliRunner

    from validator import cli

    monkeypatch.setattr(cli, "MAX_INPUT_BYTES", 1000)
    result = CliRunner().invoke(cli.main, ["check", "--format", "json", "-", str(example_path)], input=b"{}" + b" " * 1000)
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert [(f["file"], f["rule"], f["message"]) for f in report["findings"] if f["file"] == "<stdin>"] == [
        ("<stdin>", "read-error", "cannot read file: larger than 1000 bytes: not read")
    ]
    assert report["files"][1]["events"] == 12, "the example after it is still checked"
    config = tmp_path / ".sdelint.yaml"
    config.write_text("fail-on: error\n", encoding="utf-8")
    verbose = CliRunner().invoke(cli.main, ["check", "-v", "--config", str(config), "-"], input=b"{}" + b" " * 1000)
    assert verbose.stdout.splitlines()[0] == f"<stdin>: not checked, 0 events; configuration {config}", "an unread stdin still names its configuration"
    monkeypatch.setattr(cli, "MAX_INPUT_BYTES", 1002)
    result = CliRunner().invoke(cli.main, ["check", "--format", "json", "-"], input=b"{}" + b" " * 1000)
    assert json.loads(result.stdout)["findings"][0]["rule"] != "read-error", "a stream of exactly the limit is read"


def test_stdin_from_a_terminal_ends_at_the_first_end_of_file():
    """`sdelint check -` typed at a terminal ends at one Ctrl-D: a terminal's end of file is one empty read, and the
    next read waits for more typing. The bounded reader read on after a short read, so one Ctrl-D was not enough."""
    import threading

    from validator.load.reader import read_at_most

    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    terminal = os.fdopen(slave, "rb")
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(read_at_most(terminal, 1 << 20)), daemon=True)
    try:
        reader.start()
        os.write(master, b'{"a": 1}\n\x04')  # a line, then Ctrl-D at the start of the next
        reader.join(10)
        still_reading = reader.is_alive()
        if still_reading:
            os.write(master, b"\x04")  # a second Ctrl-D, to let the thread end
            reader.join(10)
    finally:
        terminal.close()
        os.close(master)
    assert not still_reading, "one Ctrl-D did not end standard input"
    assert got == [b'{"a": 1}\n']


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize(("option", "what"), [("--config", "cannot read configuration: larger than 16 MiB"), ("--baseline", "cannot use baseline: larger than 256 MiB")])
def test_a_device_named_as_configuration_or_baseline_is_not_read_forever(run_sdelint, good, option, what):
    """A baseline is held to 256 MiB, as a configuration to 16 MiB: it was read to the 1 GiB an input may hold."""
    proc = run_sdelint("check", option, "/dev/zero", good, timeout=TIMEOUT)
    assert_no_crash(proc)
    assert proc.returncode == 2
    assert f"/dev/zero: {what}: not read" in proc.stderr.decode()


def test_a_baseline_past_its_limit_is_refused_from_its_size(run_sdelint, good, tmp_path):
    huge = tmp_path / "baseline.json"
    with open(huge, "wb") as stream:  # sparse: no disk
        stream.truncate((256 << 20) + 1)
    proc = run_sdelint("check", "--baseline", huge, good, timeout=TIMEOUT)
    assert proc.returncode == 2
    assert f"{huge}: cannot use baseline: larger than 256 MiB: not read" in proc.stderr.decode()


# --------------------------------------------------------------------------- usage errors


def test_path_that_does_not_exist_is_a_usage_error(tmp_path, run_sdelint, good):
    missing = tmp_path / "no-such-recording.json"
    proc = run_sdelint("check", good, missing, timeout=TIMEOUT)
    assert_no_crash(proc)
    assert proc.returncode == 2
    assert str(missing) in proc.stderr.decode()
    assert b"Checked" not in proc.stdout


def test_unknown_option_is_a_usage_error(run_sdelint, good):
    proc = run_sdelint("check", "--no-such-option", good, timeout=TIMEOUT)
    assert_no_crash(proc)
    assert proc.returncode == 2
    assert "--no-such-option" in proc.stderr.decode()
    assert proc.stdout == b""


# --------------------------------------------------------------------------- bad configuration files


def config_run(run_sdelint, config: Path, good: Path, timeout: float = TIMEOUT) -> tuple[int, str, str]:
    proc = run_sdelint("check", "--config", config, good, timeout=timeout)
    assert_no_crash(proc)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def test_config_with_invalid_yaml(tmp_path, run_sdelint, good):
    config = tmp_path / "broken.yaml"
    config.write_text("rules:\n  timestamp-order: warning\n  message-id: [error\nfail-on: warning\n", encoding="utf-8")
    code, out, err = config_run(run_sdelint, config, good)
    assert code == 2
    assert re.search(re.escape(str(config)) + r":[34]:\d+:", err), err
    assert out == "", "nothing is checked with a bad configuration"


def test_config_with_an_unknown_rule_is_rejected(tmp_path, run_sdelint, good):
    config = tmp_path / "unknown-rule.yaml"
    config.write_text("rules:\n  timestamp-order: warning\n  no-such-rule: error\n", encoding="utf-8")
    code, out, err = config_run(run_sdelint, config, good)
    assert code == 2
    assert str(config) in err and "no-such-rule" in err
    assert out == ""


def test_config_with_an_unknown_rule_names_its_line(tmp_path, run_sdelint, good):
    config = tmp_path / "unknown-rule.yaml"
    config.write_text("rules:\n  timestamp-order: warning\n  no-such-rule: error\n", encoding="utf-8")
    code, _out, err = config_run(run_sdelint, config, good)
    assert code == 2
    assert f"{config}:3:" in err, err


def test_config_with_a_bad_severity_names_file_and_line(tmp_path, run_sdelint, good):
    config = tmp_path / "loud.yaml"
    config.write_text("rules:\n  timestamp-order: loud\n", encoding="utf-8")
    code, out, err = config_run(run_sdelint, config, good)
    assert code == 2
    assert f"{config}:2:" in err, err
    assert out == ""


def laughs(levels: int = 9, width: int = 9) -> list[str]:
    """The classic billion laughs: each level lists the previous one ``width`` times."""
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return lines


def test_config_billion_laughs_is_refused_quickly(tmp_path, run_sdelint, good):
    config = tmp_path / "laughs.yaml"
    config.write_text("\n".join(laughs()) + "\n", encoding="utf-8")
    started = time.monotonic()
    code, out, err = config_run(run_sdelint, config, good, timeout=30)
    assert time.monotonic() - started < 20
    assert code == 2
    assert re.search(re.escape(str(config)) + r":\d+:\d+:", err), err
    assert out == ""


def test_config_alias_bomb_with_many_aliases_is_refused_with_its_line(tmp_path, run_sdelint, good):
    config = tmp_path / "bomb.yaml"
    config.write_text("\n".join(laughs(levels=12, width=10)) + "\n", encoding="utf-8")
    code, out, err = config_run(run_sdelint, config, good, timeout=30)
    assert code == 2
    match = re.search(re.escape(str(config)) + r":(\d+):\d+:", err)
    assert match and 1 <= int(match.group(1)) <= 12, err
    assert "alias" in err.lower()
    assert out == ""


def test_config_billion_laughs_as_a_value_is_refused_quickly(tmp_path, run_sdelint, good):
    body = laughs()
    nested = "[" + ", ".join(line.split(": ", 1)[1] for line in body) + "]"  # the anchors inside one value
    config = tmp_path / "laughs-value.yaml"
    config.write_text(f"fail-on: {nested}\n", encoding="utf-8")
    try:
        code, out, err = config_run(run_sdelint, config, good, timeout=8)
    except subprocess.TimeoutExpired:
        pytest.fail("sdelint did not finish within 8 s on a 1 KB configuration file")
    assert code == 2
    assert f"{config}:1:" in err, err
    assert out == ""


def test_findings_inside_a_document_too_deep_to_place_keep_no_position():
    """The parser accepts it, but the walk that places findings needs more stack: the finding is
    reported without a line (1:1), never as a crash."""
    import sys

    import validator

    limit = sys.getrecursionlimit()
    for depth in range(limit - 120, limit):
        text = '{"conversationHistoryRecords": [{"deep": ' + "[" * depth + "]" * depth + ', "info": {"conversationId": 5}}]}'
        findings = validator.lint(text.encode(), api_version="v1")
        rules = {f.rule for f in findings}
        assert rules & {"wrong-type", "too-deep"}, (depth, rules)  # conversationId 5: a record member, not a v1 value
