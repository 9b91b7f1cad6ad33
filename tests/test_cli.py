"""The command line as the README documents it, in-process (CliRunner) and as the installed command.

Most tests take the ``sdelint`` fixture, which runs each of them twice: through
click's CliRunner and through a real subprocess of the installed ``sdelint``.
Commands run in the repository root, so the README's relative paths work.
"""

from __future__ import annotations

import copy
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator

import validator
from conftest import EXAMPLE, ROOT, UNREPAIRED, sdelint_command

EXAMPLE_REL = "examples/conversation-response.json"
UNREPAIRED_REL = "tests/data/spec-example-unrepaired.json"

FINDING = re.compile(
    r"(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning|info) (?P<rule>[a-z0-9]+(?:-[a-z0-9]+)*) (?P<message>.+) (?:\((?P<pointer>/.*)\)|(?P<root>\(root\)))"
)
SUMMARY = re.compile(
    r"Checked (?P<files>\d+) files?(?: \((?P<versions>\d+ as API v[12](?:, \d+ as API v[12])*)\))?: "
    r"(?P<errors>\d+) errors?, (?P<warnings>\d+) warnings?, (?P<info>\d+) info\."
)
SUMMARY_BLOCK = re.compile(r"Checked \d+ files?|API v[12]: |\d+ (?:error|warning|info)(?: and \d+ \w+)* findings? not shown; ")
FINDING_KEYS = {"file", "line", "column", "pointer", "rule", "severity", "message"}
CATALOGUE = yaml.safe_load((ROOT / "rules.yaml").read_text(encoding="utf-8"))["rules"]


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()

    @property
    def finding_lines(self) -> list[str]:
        """The lines before the summary block (the detected version's reason, the not-shown note, the counts)."""
        lines = self.lines
        while lines and SUMMARY_BLOCK.match(lines[-1]):
            lines = lines[:-1]
        return lines

    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture(params=["runner", "subprocess"])
def sdelint(request, cli, run_sdelint, monkeypatch):
    """sdelint(*args, input=bytes, cwd=Path) -> Outcome, through CliRunner or the installed command."""

    def run(*args, input: bytes | None = None, cwd: Path = ROOT) -> Outcome:
        if request.param == "runner":
            monkeypatch.chdir(cwd)
            result = cli(*args, input=input)
            outcome = Outcome(result.exit_code, result.stdout, result.stderr)
        else:
            proc = run_sdelint(*args, input=input, cwd=cwd, timeout=60)
            outcome = Outcome(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"))
        assert "Traceback" not in outcome.err and "internal error" not in outcome.err, outcome.err
        return outcome

    run.mode = request.param
    return run


@pytest.fixture
def reference(cli, monkeypatch):
    """In-process run for the comparisons a test makes (keeps the subprocess runs to the behaviour under test)."""

    def run(*args, input: bytes | None = None) -> Outcome:
        monkeypatch.chdir(ROOT)
        result = cli(*args, input=input)
        return Outcome(result.exit_code, result.stdout, result.stderr)

    return run


def parse_findings(lines: list[str]) -> list[tuple]:
    parsed = []
    for line in lines:
        match = FINDING.fullmatch(line)
        assert match, f"not a finding line: {line!r}"
        pointer = "" if match["root"] else match["pointer"]  # the root pointer "" prints as (root)
        parsed.append((match["path"], int(match["line"]), int(match["col"]), match["severity"], match["rule"], match["message"], pointer))
    return parsed


def json_as_text_tuples(report: dict) -> list[tuple]:
    return [(f["file"], f["line"], f["column"], f["severity"], f["rule"], f["message"], f["pointer"]) for f in report["findings"]]


def readme_block(after: str) -> list[str]:
    """The lines of the first ```text block after the line containing ``after``."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("```text\n", text.index(after)) + len("```text\n")
    return text[start : text.index("```", start)].splitlines()


# --------------------------------------------------------------------------- --version


def test_version(sdelint):
    result = sdelint("--version")
    assert result.code == 0
    assert result.out == f"sdelint, version {validator.__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", validator.__version__)


# --------------------------------------------------------------------------- check: the two examples


def test_check_example_passes_with_warnings(sdelint):
    result = sdelint("check", "--min-severity", "info", EXAMPLE_REL)
    assert result.code == 0, result.out
    summary = SUMMARY.fullmatch(result.lines[-1])
    assert summary, result.lines[-1]
    assert summary["files"] == "1" and summary["versions"] == "1 as API v2" and summary["errors"] == "0"
    assert result.lines[-2] == "API v2: has unAuthSdes at /conversationHistoryRecords/0/unAuthSdes"
    findings = parse_findings(result.finding_lines)
    assert all(path == EXAMPLE_REL for path, *_ in findings)
    rules = Counter((rule, severity) for _p, _l, _c, severity, rule, _m, _ptr in findings)
    assert rules[("timestamp-order", "warning")] == 9  # 9 of the 10 unAuthSdes events: the customerInfo table describes both timestamps as "Event creation time stamp."
    assert rules[("cart-arithmetic", "warning")] == 2
    assert rules[("message-id", "warning")] == 2
    assert rules[("message-time", "warning")] == 1
    assert rules[("numeric-string", "info")] > 0
    assert int(summary["warnings"]) == sum(n for (_r, sev), n in rules.items() if sev == "warning")
    assert int(summary["info"]) == sum(n for (_r, sev), n in rules.items() if sev == "info")
    # findings come in order of position
    positions = [(line, col) for _p, line, col, *_ in findings]
    assert positions == sorted(positions)


def test_check_example_is_quiet_by_default(sdelint):
    """The repaired example exits 0 and its default text output has no info line; the summary counts them."""
    quiet, full = sdelint("check", EXAMPLE_REL), sdelint("check", "--min-severity", "info", EXAMPLE_REL)
    assert quiet.code == 0
    info_lines = [line for line in full.finding_lines if " info " in line]
    assert info_lines and not any(" info " in line for line in quiet.finding_lines)
    assert quiet.finding_lines == [line for line in full.finding_lines if " info " not in line]
    assert f"{len(info_lines)} info findings not shown; --min-severity info shows them." in quiet.lines
    assert SUMMARY.fullmatch(quiet.lines[-1])["info"] == "0"
    assert sdelint("check", "--min-severity", "error", EXAMPLE_REL).finding_lines == []


def test_one_finding_not_shown_is_it_not_them(tmp_path, cli):
    event = {"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879", "isAuthenticated": True,
             "cartStatus": {"serverTimeStamp": "1528628536879", "total": "15.6", "numItems": 2, "products": [{"quantity": 2, "product": {"price": 7.8}}]}}
    (tmp_path / "one.json").write_text(json.dumps(event), encoding="utf-8")
    assert "1 info finding not shown; --min-severity info shows it." in cli("check", tmp_path / "one.json").output.splitlines()


def test_fail_on_help_names_the_configuration_default(cli):
    """The configuration's fail-on is the default (README: Usage); the help said plainly error."""
    assert "[default: the configuration's, else error]" in " ".join(cli("check", "--help").output.split())


def test_write_baseline_help_names_the_pre_commit_exit(cli):
    """Under pre-commit a --write-baseline that creates or changes the baseline exits 1 (README: Exit codes);
    the option's help said plainly "(then exit 0)"."""
    helped = " ".join(cli("check", "--help").output.split())
    assert "then exit 0 (under pre-commit, 1 when FILE was created or changed: git add it)" in helped


def test_an_object_with_only_the_empty_key_is_not_called_empty(tmp_path, cli):
    (tmp_path / "e.json").write_text('{"": 1}', encoding="utf-8")
    out = cli("check", tmp_path / "e.json").output
    assert "found an object with keys ''" in out and "empty object" not in out


def test_check_example_prints_the_lines_the_readme_shows(sdelint):
    documented = [line for line in readme_block("Text output is one line per finding") if line.startswith(EXAMPLE_REL + ":")]
    assert len(documented) >= 5
    result = sdelint("check", EXAMPLE_REL)
    for line in documented:
        assert line in result.lines


def test_check_example_summary_is_the_one_the_readme_shows(cli, monkeypatch):
    documented = [line for line in readme_block("Text output is one line per finding") if line.startswith("Checked ")]
    assert len(documented) == 1
    monkeypatch.chdir(ROOT)
    result = cli("check", EXAMPLE_REL)
    assert result.stdout.splitlines()[-1] == documented[0]


def test_check_unrepaired_example_is_exactly_what_the_readme_shows(sdelint):
    documented = readme_block("gives exactly these two findings")
    assert documented[0] == f"$ sdelint check {UNREPAIRED_REL}"
    result = sdelint("check", UNREPAIRED_REL)
    assert result.code == 1
    assert result.lines == documented[1:]
    # the missing comma, and past it the trailing comma of the same lead block
    assert [finding[:5] for finding in parse_findings(result.lines[:-1])] == [
        (UNREPAIRED_REL, 528, 8, "error", "syntax-error"), (UNREPAIRED_REL, 528, 44, "error", "syntax-error"),
    ]
    assert result.lines[-1] == "Checked 1 file: 2 errors, 0 warnings, 0 info."


# --------------------------------------------------------------------------- output formats


@pytest.fixture
def mixed_inputs(tmp_path) -> list[str]:
    """The example, the unrepaired example, and a file whose finding is at the root pointer."""
    root_finding = tmp_path / "top.json"
    root_finding.write_text("[1, 2]\n", encoding="utf-8")
    return [str(EXAMPLE), str(UNREPAIRED), str(root_finding)]


def test_text_output_every_line_is_a_finding_then_a_summary(sdelint, mixed_inputs):
    result = sdelint("check", *mixed_inputs)
    assert result.code == 1
    findings = parse_findings(result.finding_lines)
    assert {path for path, *_ in findings} == set(mixed_inputs)
    assert [path for path, *_ in findings] == sorted((p for p, *_ in findings), key=mixed_inputs.index), "grouped by input, in order"
    assert (str(mixed_inputs[2]), 1, 1, "error", "unrecognized-document") == findings[-1][:5]
    assert findings[-1][-1] == "" and result.finding_lines[-1].endswith(" (root)"), "the root pointer prints as (root), not as the pointer /"
    summary = SUMMARY.fullmatch(result.lines[-1])
    assert summary and summary["files"] == "3" and summary["versions"] == "1 as API v2"
    assert int(summary["errors"]) == sum(1 for f in findings if f[3] == "error") == 3  # two in the unrepaired example


def test_json_output(sdelint, mixed_inputs):
    result = sdelint("check", "--format", "json", *mixed_inputs)
    assert result.code == 1
    report = result.json()
    assert set(report) >= {"findings", "files", "summary"}
    findings = report["findings"]
    assert findings
    for finding in findings:
        assert FINDING_KEYS <= set(finding) <= FINDING_KEYS | {"api_version"}, finding
        assert isinstance(finding["line"], int) and isinstance(finding["column"], int)
        assert finding["severity"] in ("error", "warning", "info")
        assert finding["rule"] in CATALOGUE
        if finding["file"] == str(EXAMPLE):
            assert finding["api_version"] == "v2"
            assert finding["pointer"].startswith("/conversationHistoryRecords/0/")
    severities = Counter(f["severity"] for f in findings)
    summary = report["summary"]
    assert summary["files"] == 3
    assert (summary["errors"], summary["warnings"], summary["info"]) == (severities["error"], severities["warning"], severities["info"])
    assert summary["by_rule"] == dict(Counter(f["rule"] for f in findings))
    assert summary["api_versions"] == {"v2": 1}
    assert [entry["file"] for entry in report["files"]] == mixed_inputs
    for entry in report["files"]:
        assert entry["findings"] == sum(1 for f in findings if f["file"] == entry["file"])
    assert (report["files"][0]["kind"], report["files"][0]["api_version"], report["files"][0]["events"]) == ("response", "v2", 12)
    assert report["files"][1]["kind"] is None and report["files"][2]["kind"] is None


def test_json_and_text_report_the_same_findings(sdelint, mixed_inputs, reference):
    text = sdelint("check", *mixed_inputs)
    report = reference("check", "--format", "json", *mixed_inputs).json()
    assert parse_findings(text.finding_lines) == json_as_text_tuples(report)


def test_quiet_prints_findings_only(sdelint, reference):
    full = reference("check", EXAMPLE_REL)
    quiet = sdelint("check", "-q", EXAMPLE_REL)
    assert quiet.code == full.code == 0
    assert quiet.lines == full.finding_lines
    assert not any(line.startswith("Checked") for line in quiet.lines)
    parse_findings(quiet.lines)
    assert reference("check", "--quiet", UNREPAIRED_REL).lines == readme_block("gives exactly these two findings")[1:3]


def test_verbose_prints_kind_and_version_per_file(sdelint, tmp_path, reference):
    events = tmp_path / "events.json"
    events.write_text('{"events": [{"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879", "cartStatus": {"serverTimeStamp": "1528628536879"}}]}', encoding="utf-8")
    result = sdelint("check", "-v", EXAMPLE_REL, str(events))
    example_line = f"{EXAMPLE_REL}: v2 response (has unAuthSdes at /conversationHistoryRecords/0/unAuthSdes), 12 events; default configuration"
    events_line = f"{events}: v1 events (no unAuthSdes, isAuthenticated or typed value: v1, the API's default), 1 event; default configuration"
    assert example_line in result.lines and events_line in result.lines
    assert result.lines.index(example_line) < result.lines.index(events_line)
    given = sdelint("check", "-v", "--api-version", "v2", str(events))
    assert f"{events}: v2 events (as given), 1 event; default configuration" in given.lines
    # and the configuration file each input was checked with, as discovery found it (relative to the working directory)
    (tmp_path / ".sdelint.yaml").write_text("rules:\n  timestamp-order: off\n", encoding="utf-8")
    configured = sdelint("check", "-v", str(events))
    assert f"{events}: v1 events (no unAuthSdes, isAuthenticated or typed value: v1, the API's default), 1 event; configuration {tmp_path / '.sdelint.yaml'}" in configured.lines
    assert SUMMARY.fullmatch(result.lines[-1])["versions"] == "1 as API v1, 1 as API v2"
    assert not any(re.search(r": v[12] ", line) for line in reference("check", EXAMPLE_REL).lines), "only with -v"


def test_statistics_counts_findings_per_rule(sdelint, reference):
    result = sdelint("check", "--statistics", EXAMPLE_REL)
    report = reference("check", "--format", "json", EXAMPLE_REL).json()
    stats = {}
    for line in result.lines:
        match = re.fullmatch(r"\s*(\d+)\s+([a-z0-9-]+)\s*", line)
        if match:
            stats[match[2]] = int(match[1])
    assert stats == report["summary"]["by_rule"]
    assert stats["timestamp-order"] == 9  # 9 of the 10 unAuthSdes events: the customerInfo table describes both timestamps as "Event creation time stamp."
    assert SUMMARY.fullmatch(result.lines[-1])
    assert not any(re.fullmatch(r"\s*\d+\s+[a-z0-9-]+\s*", line) for line in reference("check", EXAMPLE_REL).lines)


def test_statistics_with_verbose_still_says_what_each_input_was_checked_as(sdelint, reference):
    """-v once dropped the summary's "API v2: ..." line and printed no per-file line under --statistics: it said less than without -v."""
    result = sdelint("check", "--statistics", "-v", EXAMPLE_REL)
    assert f"{EXAMPLE_REL}: v2 response (has unAuthSdes at /conversationHistoryRecords/0/unAuthSdes), 12 events; default configuration" in result.lines
    assert [line for line in result.lines if re.fullmatch(r"\s*\d+\s+[a-z0-9-]+\s*", line)] == [
        line for line in reference("check", "--statistics", EXAMPLE_REL).lines if re.fullmatch(r"\s*\d+\s+[a-z0-9-]+\s*", line)
    ]
    assert not FINDING.fullmatch(result.lines[0]) and not any(FINDING.fullmatch(line) for line in result.lines)


def test_statistics_with_another_format_says_it_is_not_used(sdelint, reference):
    """--statistics with --format json/sarif/... was dropped without a word (a review following the README): the report
    is the usual one, and stderr says so (and where JSON counts by rule)."""
    result = sdelint("check", "--statistics", "--format", "json", EXAMPLE_REL)
    assert result.json()["summary"]["by_rule"] == reference("check", "--format", "json", EXAMPLE_REL).json()["summary"]["by_rule"]
    assert "sdelint: note: --statistics is for --format text: the json report lists the findings (its summary counts findings by rule: by_rule)" in result.err
    sarif = sdelint("check", "--statistics", "--format", "sarif", EXAMPLE_REL)
    assert "sdelint: note: --statistics is for --format text: the sarif report lists the findings\n" in sarif.err
    assert "--statistics" not in sdelint("check", "--statistics", EXAMPLE_REL).err


# --------------------------------------------------------------------------- --api-version


def test_api_version_v1_changes_the_findings(sdelint, reference):
    auto = reference("check", "--format", "json", "--min-severity", "info", EXAMPLE_REL).json()
    v1 = sdelint("check", "--format", "json", "--min-severity", "info", "--api-version", "v1", EXAMPLE_REL).json()
    auto_rules, v1_rules = Counter(f["rule"] for f in auto["findings"]), Counter(f["rule"] for f in v1["findings"])
    assert v1_rules != auto_rules
    assert "numeric-string" in auto_rules and "numeric-string" not in v1_rules, "numeric-string is a v2 rule"
    # v1 "will allow to retrieve authenticated engagement attributes only": unAuthSdes under a named v1 is an error
    (auth,) = [f for f in v1["findings"] if f["rule"] == "v1-unauthenticated"]
    assert auth["pointer"] == "/conversationHistoryRecords/0/unAuthSdes" and auth["severity"] == "error"
    assert {f["api_version"] for f in v1["findings"]} == {"v1"}
    assert v1["summary"]["api_versions"] == {"v1": 1}
    text = reference("check", "--api-version", "v1", EXAMPLE_REL)
    assert SUMMARY.fullmatch(text.lines[-1])["versions"] == "1 as API v1"
    assert text.code == (1 if v1["summary"]["errors"] else 0)


def test_integer_timestamps_do_not_make_a_payload_v2(sdelint, tmp_path):
    """Timestamps are "long" in every field table, with no v1/v2 split, and v1 accepts them as integers:
    only an attribute value typed as a number or boolean says v2."""
    event = {"customerInfo": {"serverTimeStamp": 1528628536879, "originalTimeStamp": 1528628536870,
                              "customerInfo": {"balance": "400.99 USD", "lastPaymentDate": {"day": "15", "month": "10", "year": "2014"}}},
             "sdeType": "CUSTOMER_INFO", "serverTimeStamp": 1528628536879}
    cart = {"purchase": {"serverTimeStamp": "1528628536879", "total": "15.6", "cart": {"serverTimeStamp": None, "total": None, "products": [], "numItems": None}},
            "sdeType": "PURCHASE", "serverTimeStamp": "1528628536879"}
    path = tmp_path / "v1-integer-timestamps.json"
    path.write_text(json.dumps({"sdes": {"events": [event, cart]}}), encoding="utf-8")
    result = sdelint("check", "-v", "--min-severity", "info", str(path))
    assert f"{path}: v1 record (no unAuthSdes, isAuthenticated or typed value: v1, the API's default), 2 events; default configuration" in result.lines
    assert result.code == 0 and result.lines[-1] == "Checked 1 file (1 as API v1): 0 errors, 0 warnings, 0 info.", result.lines
    event["customerInfo"]["customerInfo"]["balance"] = 400.99  # a typed attribute still decides
    path.write_text(json.dumps({"sdes": {"events": [event, cart]}}), encoding="utf-8")
    typed = sdelint("check", "-v", str(path))
    assert f"{path}: v2 record (typed number at /sdes/events/0/customerInfo/customerInfo/balance), 2 events; default configuration" in typed.lines


@pytest.mark.parametrize("field", ["lastPaymentDate", "registrationDate"])
def test_the_tables_integer_date_does_not_make_a_payload_v2(sdelint, tmp_path, field):
    """customerInfo's dates are "3 integer fields", JSON { "year": 2011, "month": 3, "day": 21}, with no v1/v2 split
    (unlike companySize, "v1- alphanumeric, v2- int"): a v1 capture holding one was read as v2 and its text called a bad int."""
    attrs = {"companySize": "50-100", field: {"year": 2011, "month": 3, "day": 21}}
    event = {"customerInfo": {"serverTimeStamp": "1528628536879", "customerInfo": attrs}, "sdeType": "CUSTOMER_INFO", "serverTimeStamp": "1528628536879"}
    path = tmp_path / "v1-integer-date.json"
    path.write_text(json.dumps({"sdes": {"events": [event]}}), encoding="utf-8")
    result = sdelint("check", "-v", "--min-severity", "info", str(path))
    assert f"{path}: v1 record (no unAuthSdes, isAuthenticated or typed value: v1, the API's default), 1 event; default configuration" in result.lines
    assert result.code == 0 and result.lines[-1] == "Checked 1 file (1 as API v1): 0 errors, 0 warnings, 0 info.", result.lines
    attrs["companySize"] = 75  # a typed attribute beside it still decides
    path.write_text(json.dumps({"sdes": {"events": [event]}}), encoding="utf-8")
    typed = sdelint("check", "-v", str(path))
    assert f"{path}: v2 record (typed number at /sdes/events/0/customerInfo/customerInfo/companySize), 1 event; default configuration" in typed.lines


def test_api_version_v1_reports_json_numbers_as_not_alphanumeric(sdelint, tmp_path, example, reference):
    # A v1 payload prints every value as a string: a JSON number in an authenticated event is an error.
    data = copy.deepcopy(example)
    record = data["conversationHistoryRecords"][0]
    del record["unAuthSdes"]
    record["sdes"]["events"].append({"cartStatus": {"serverTimeStamp": "1497871291351", "numItems": 6}, "sdeType": "CART_STATUS", "serverTimeStamp": "1497871291351"})
    path = tmp_path / "numbers.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    v1 = sdelint("check", "--api-version", "v1", str(path))
    assert v1.code == 1
    hits = [f for f in parse_findings(v1.finding_lines) if f[4] == "v1-alphanumeric"]
    assert [(f[3], f[6]) for f in hits] == [("error", f"/conversationHistoryRecords/0/sdes/events/{len(record['sdes']['events']) - 1}/cartStatus/numItems")]
    text = path.read_text(encoding="utf-8")
    offset = text.index('"numItems": 6') + len('"numItems": ')
    assert (hits[0][1], hits[0][2]) == (text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset))
    auto = reference("check", str(path))
    assert SUMMARY.fullmatch(auto.lines[-1])["versions"] == "1 as API v2", "a JSON number means v2 in auto mode"
    assert " v1-alphanumeric " not in auto.out


# --------------------------------------------------------------------------- stdin


def test_stdin(sdelint, reference):
    from_file = reference("check", "--format", "json", EXAMPLE_REL).json()
    from_stdin = sdelint("check", "--format", "json", "-", input=EXAMPLE.read_bytes()).json()
    strip = lambda report: [{k: v for k, v in f.items() if k != "file"} for f in report["findings"]]  # noqa: E731
    assert strip(from_stdin) == strip(from_file)
    assert {f["file"] for f in from_stdin["findings"]} == {"<stdin>"}
    assert from_stdin["files"][0]["file"] == "<stdin>"
    text = sdelint("check", "-", input=UNREPAIRED.read_bytes())
    assert text.code == 1
    assert text.lines[0].startswith("<stdin>:528:8: error syntax-error ")


def test_stdin_filename_names_the_input(sdelint):
    result = sdelint("check", "-", "--stdin-filename", "recordings/capture-17.json", input=EXAMPLE.read_bytes())
    assert result.code == 0
    findings = parse_findings(result.finding_lines)
    assert findings and {f[0] for f in findings} == {"recordings/capture-17.json"}
    assert SUMMARY.fullmatch(result.lines[-1])["versions"] == "1 as API v2"
    assert "--stdin-filename" not in result.err


def test_a_stdin_filename_without_stdin_among_the_paths_is_said_to_be_unused(sdelint):
    """An audit: --stdin-filename given with files only (a script that forgot the '-') was ignored in silence."""
    result = sdelint("check", "--stdin-filename", "capture.json", EXAMPLE_REL)
    assert result.code == 0 and "--stdin-filename names standard input ('-'), which is not among the paths: it is not used" in result.err


def test_stdin_together_with_files_keeps_the_order(sdelint):
    result = sdelint("check", "--format", "json", UNREPAIRED_REL, "-", EXAMPLE_REL, input=b"[1, 2]")
    assert result.code == 1
    assert [f["file"] for f in result.json()["files"]] == [UNREPAIRED_REL, "<stdin>", EXAMPLE_REL]


# --------------------------------------------------------------------------- directories


def test_directory_is_searched_recursively_in_sorted_order(sdelint, tmp_path):
    folder = tmp_path / "recordings"
    names = ["b.json", "a0.json", "a/x.json", "a/b/y.json", "c/z.json", "m.json"] + [f"n/{i:02d}.json" for i in range(14)]
    for index, name in enumerate(reversed(names)):  # created out of order on purpose
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if index % 3 == 0:
            shutil.copyfile(EXAMPLE, path)
        else:
            path.write_text('{"events": []}' if index % 3 == 1 else "[1]", encoding="utf-8")
    (folder / "notes.txt").write_text("{", encoding="utf-8")
    (folder / "a" / "old.json.bak").write_text("{", encoding="utf-8")
    result = sdelint("check", "--format", "json", str(folder))
    report = result.json()
    expected = [str(p) for p in sorted(folder / name for name in names)]
    assert expected == sorted(expected), "these names sort the same as strings and as paths"
    assert [entry["file"] for entry in report["files"]] == expected
    assert report["summary"]["files"] == len(names)
    order = [f["file"] for f in report["findings"]]
    assert order == sorted(order, key=expected.index), "findings follow the same order"
    assert result.code == 1  # the [1] files are unrecognized documents


def _walked(cli, folder: Path, *options: str) -> list[str]:
    """The files a run over ``folder`` checks, relative to it, in report order."""
    result = cli("check", "--format", "json", *options, folder)
    assert result.exit_code in (0, 1), result.output
    return [Path(entry["file"]).relative_to(folder).as_posix() for entry in json.loads(result.stdout)["files"]]


def test_a_directory_search_respects_the_repositorys_gitignore_unless_told_not_to(cli, tmp_path):
    """ruff's respect-gitignore: a repository's reports/ (ignored) held earlier reports and generated files that
    `sdelint check .` read as unrecognized documents; a named file is checked whatever .gitignore says."""
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("reports/\n*.generated.json\n", encoding="utf-8")
    (tmp_path / "reports").mkdir()
    for name in ("capture.json", "out.generated.json", "reports/old.json"):
        shutil.copyfile(EXAMPLE, tmp_path / name)
    assert _walked(cli, tmp_path) == ["capture.json"]
    assert _walked(cli, tmp_path, "--no-respect-gitignore") == ["capture.json", "out.generated.json", "reports/old.json"]
    named = cli("check", "--format", "json", tmp_path / "out.generated.json")
    assert [entry["file"] for entry in json.loads(named.stdout)["files"]] == [str(tmp_path / "out.generated.json")]
    old = str(tmp_path / "reports" / "old.json")
    assert old in {f.file for f in validator.api.lint_paths([tmp_path], respect_gitignore=False)}
    assert old not in {f.file for f in validator.api.lint_paths([tmp_path])}
    (tmp_path / "capture.json").unlink()  # every match ignored: the note says so, not that nothing matched
    empty = cli("check", tmp_path)
    assert empty.exit_code == 2 and "that git does not ignore (--no-respect-gitignore checks them)" in empty.output


def test_a_folder_whose_every_match_exclude_drops_says_so(cli, tmp_path):
    """`--exclude '*.json' fixtures/` said 'no file matching *.json, ... in this directory' of a folder full of them,
    and then 'no file matching the include patterns': the user was sent to the wrong option."""
    (tmp_path / "fixtures").mkdir()
    shutil.copyfile(EXAMPLE, tmp_path / "fixtures" / "capture.json")
    result = cli("check", "--exclude", "*.json", tmp_path / "fixtures")
    assert result.exit_code == 2 and "that --exclude does not drop in this directory" in result.output, result.output
    assert "include patterns" not in result.output
    (tmp_path / "empty").mkdir()  # nothing there to drop: the note is as before
    plain = cli("check", "--exclude", "*.json", tmp_path / "empty")
    assert plain.exit_code == 2 and "--exclude" not in plain.output.split("no file matching")[1], plain.output


def test_include_patterns_select_files_not_everything_in_a_folder_named_like_them(cli, tmp_path):
    """A folder fixtures.json/ made every file in it (its README.md, ...) an input of the default *.json: false
    syntax-errors. Include patterns match a file by its path, as ruff's include does; one ending in / takes a folder."""
    folder = tmp_path / "w"
    (folder / "fixtures.json" / "nested").mkdir(parents=True)
    (folder / "fixtures.json" / "README.md").write_text("hi\n", encoding="utf-8")
    (folder / "fixtures.json" / "nested" / "notes.txt").write_text("hi\n", encoding="utf-8")
    shutil.copyfile(EXAMPLE, folder / "fixtures.json" / "a.json")
    shutil.copyfile(EXAMPLE, folder / "fixtures.json" / "nested" / "b.json")
    assert _walked(cli, folder) == ["fixtures.json/a.json", "fixtures.json/nested/b.json"]
    assert _walked(cli, folder, "--include", "*.md") == ["fixtures.json/README.md"]
    assert _walked(cli, folder, "--include", "*.json", "--include", "!b.json") == ["fixtures.json/a.json"]
    everything = ["fixtures.json/README.md", "fixtures.json/a.json", "fixtures.json/nested/b.json", "fixtures.json/nested/notes.txt"]
    assert _walked(cli, folder, "--include", "fixtures.json/") == everything
    assert _walked(cli, folder, "--include", "nested/") == ["fixtures.json/nested/b.json", "fixtures.json/nested/notes.txt"]
    assert _walked(cli, folder, "--include", "fixtures.json/**") == everything
    # a name without a wildcard takes the folder it names, as --include fixtures did before (a review)
    assert _walked(cli, folder, "--include", "nested") == ["fixtures.json/nested/b.json", "fixtures.json/nested/notes.txt"]
    assert _walked(cli, folder, "--include", "fixtures.json/nested") == ["fixtures.json/nested/b.json", "fixtures.json/nested/notes.txt"]
    # a second review: the last name decides, and an escaped bracket is no wildcard
    assert _walked(cli, folder, "--include", "**/nested") == ["fixtures.json/nested/b.json", "fixtures.json/nested/notes.txt"]
    (folder / "a[1]").mkdir()
    (folder / "a[1]" / "c.txt").write_text("hi\n", encoding="utf-8")
    assert _walked(cli, folder, "--include", "a\\[1\\]") == ["a[1]/c.txt"]
    result = cli("check", "--exclude", "*.json", folder)  # an exclude pattern still drops a folder and all in it
    assert result.exit_code == 2 and "no input to check" in result.output


def test_an_input_is_its_absolute_path_and_a_symlink_is_checked_under_its_own_name(cli, tmp_path, monkeypatch):
    """Duplicates were removed by the resolved path only when several paths were given: `check w8` reported a.json and
    the link b.json -> a.json, `check w8 other.json` dropped b.json, and a named file could be dropped for an earlier
    link to it. One rule now: the same normalised absolute path is one input; symlinks are not resolved."""
    folder = tmp_path / "w8"
    folder.mkdir()
    shutil.copyfile(EXAMPLE, folder / "a.json")
    (folder / "b.json").symlink_to("a.json")
    shutil.copyfile(EXAMPLE, tmp_path / "other.json")
    monkeypatch.chdir(tmp_path)

    def files(*paths: str) -> list[str]:
        result = cli("check", "--format", "json", *paths)
        assert result.exit_code in (0, 1), result.output
        return [entry["file"] for entry in json.loads(result.stdout)["files"]]

    assert files("w8") == ["w8/a.json", "w8/b.json"]
    assert files("w8", "other.json") == ["w8/a.json", "w8/b.json", "other.json"]
    assert files("w8/b.json", "w8/a.json") == ["w8/b.json", "w8/a.json"]  # a named file is never dropped for a link to it
    assert files("w8/a.json", "./w8/a.json", str(tmp_path / "w8" / "a.json"), "w8/../w8/a.json") == ["w8/a.json"]
    assert files("w8/b.json", "w8", "./w8/a.json") == ["w8/b.json", "w8/a.json"]  # each path once, at its first place


def test_a_search_does_not_enter_version_control_dependency_and_cache_folders(cli, tmp_path, monkeypatch):
    """`sdelint check .` walked .git, node_modules, .venv, ..., reporting each package.json there as an unrecognized
    document (exit 1), and slowly. As with ruff's default exclude, such folders are not entered; named, they are."""
    repo = tmp_path / "repo"
    (repo / "fixtures").mkdir(parents=True)
    shutil.copyfile(EXAMPLE, repo / "fixtures" / "a.json")
    skipped = [".git/x.json", ".hg/x.json", ".svn/x.json", ".bzr/x.json", "node_modules/pkg/package.json", "fixtures/node_modules/p/package.json",
               ".venv/lib/x.json", "venv/x.json", ".tox/x.json", ".nox/x.json", ".direnv/x.json", ".eggs/x.json",
               "__pycache__/x.json", ".mypy_cache/3.11/x.json", ".ruff_cache/x.json", ".pytest_cache/v/x.json"]
    for name in skipped:
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text('{"name": "pkg"}', encoding="utf-8")
    monkeypatch.chdir(repo)

    def checked(*paths: str) -> tuple[int, list[str]]:
        result = cli("check", "--format", "json", *paths)
        return result.exit_code, [entry["file"] for entry in json.loads(result.stdout)["files"]]

    assert checked(".") == (0, ["fixtures/a.json"])
    assert checked("fixtures") == (0, ["fixtures/a.json"])
    assert checked("node_modules/pkg") == (1, ["node_modules/pkg/package.json"])  # a folder named is searched
    assert checked("node_modules") == (1, ["node_modules/pkg/package.json"])
    assert checked(".git/x.json") == (1, [".git/x.json"])  # and a file named is checked


def test_the_default_include_takes_an_extension_in_any_case_a_pattern_given_as_written(cli, tmp_path):
    """A search passed over UP.JSON and Z.JSON.GZ, which named are read as JSON and gzip (the reader lowercases)."""
    folder = tmp_path / "captures"
    (folder / "sub").mkdir(parents=True)
    shutil.copyfile(EXAMPLE, folder / "UP.JSON")
    (folder / "sub" / "Z.JSON.GZ").write_bytes(gzip.compress(EXAMPLE.read_bytes()))
    (folder / "x.NdJson").write_text('{"events": []}\n', encoding="utf-8")
    (folder / "notes.TXT").write_text("{", encoding="utf-8")
    result = cli("check", "--format", "json", folder)
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    assert [(Path(entry["file"]).relative_to(folder).as_posix(), entry["events"]) for entry in report["files"]] == [
        ("UP.JSON", 12), ("sub/Z.JSON.GZ", 12), ("x.NdJson", 0)]
    result = cli("check", "--include", "*.json", folder)  # as written: no .JSON
    assert result.exit_code == 2 and f"sdelint: note: {folder}: no file matching *.json in this directory" in result.stderr
    (folder / "UP.JSON").unlink()
    (folder / "sub" / "Z.JSON.GZ").unlink()
    (folder / "x.NdJson").unlink()
    result = cli("check", folder)  # the note names the default as --help does
    assert f"sdelint: note: {folder}: no file matching *.json, *.jsonl, *.ndjson, *.json.gz, *.jsonl.gz, *.ndjson.gz in this directory" in result.stderr


def test_directory_without_json_files_prints_a_note(sdelint, tmp_path, reference):
    """Alone, an empty folder is a usage error (a gate pointed at the wrong path must not pass); beside a file, a note."""
    folder = tmp_path / "nothing-here"
    folder.mkdir()
    (folder / "readme.txt").write_text("hello", encoding="utf-8")
    result = sdelint("check", str(folder))
    assert result.code == 2
    assert str(folder) in result.err and "no input to check" in result.err
    assert result.lines == []
    with_file = reference("check", str(folder), EXAMPLE_REL)
    assert str(folder) in with_file.err
    assert SUMMARY.fullmatch(with_file.lines[-1])["files"] == "1"


# --------------------------------------------------------------------------- rule selection and exit codes


def by_rule(result: Outcome) -> dict[str, int]:
    return result.json()["summary"]["by_rule"]


def test_select_comma_separated_and_repeated(sdelint):
    comma = sdelint("check", "--format", "json", "--select", "timestamp-order,message-id", EXAMPLE_REL)
    repeated = sdelint("check", "--format", "json", "--select", "timestamp-order", "--select", "message-id", EXAMPLE_REL)
    assert by_rule(comma) == by_rule(repeated) == {"message-id": 2, "timestamp-order": 9}  # 9 of the 10 unAuthSdes events: the customerInfo table describes both timestamps as "Event creation time stamp."
    assert comma.json()["findings"] == repeated.json()["findings"]


def test_ignore_comma_separated_and_repeated(sdelint, reference):
    everything = by_rule(reference("check", "--format", "json", EXAMPLE_REL))
    result = by_rule(sdelint("check", "--format", "json", "--ignore", "numeric-string", "--ignore", "timestamp-order,message-id", EXAMPLE_REL))
    assert result == {rule: n for rule, n in everything.items() if rule not in ("numeric-string", "timestamp-order", "message-id")}
    assert result  # cart-arithmetic and message-time remain


def test_select_turns_an_error_rule_into_the_only_one(sdelint):
    result = sdelint("check", "--select", "syntax-error", EXAMPLE_REL, UNREPAIRED_REL)
    assert result.code == 1
    assert [f[4] for f in parse_findings(result.lines[:-1])] == ["syntax-error", "syntax-error"]


def test_select_never_passes_a_file_it_could_not_read(sdelint, tmp_path):
    """--select cart-arithmetic on broken JSON said "0 errors", exit 0 (an audit): a gate built on --select passed it.
    The input rules that say a file was not checked stay on, as ruff reports syntax errors whatever is selected."""
    broken = tmp_path / "broken.json"
    broken.write_text('{"a": ', encoding="utf-8")
    result = sdelint("check", "--select", "cart-arithmetic", broken)
    assert result.code == 1 and [f[4] for f in parse_findings(result.lines[:-1])] == ["syntax-error"]
    ignored = sdelint("check", "--ignore", "syntax-error", broken)  # an explicit wish still silences it
    assert ignored.code == 0
    other = tmp_path / "other.json"
    other.write_text('{"name": "not a payload"}', encoding="utf-8")
    unchecked = sdelint("check", "--select", "cart-arithmetic", other)
    assert unchecked.code == 1 and [f[4] for f in parse_findings(unchecked.lines[:-1])] == ["unrecognized-document"]


def test_select_gives_a_rule_the_configuration_turned_off_its_default_severity(sdelint, tmp_path):
    """It came back as a warning: a gate on --select wrong-type stopped failing (an audit)."""
    config = tmp_path / "off.yaml"
    config.write_text('rules:\n  wrong-type: "off"\n', encoding="utf-8")
    event = tmp_path / "event.json"
    event.write_text('{"cartStatus": {"serverTimeStamp": "1528628536879", "total": true}, "sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879"}', encoding="utf-8")
    result = sdelint("check", "--api-version", "v2", "--config", config, "--select", "wrong-type", event)
    assert result.code == 1 and [(f[3], f[4]) for f in parse_findings(result.lines[:-1])] == [("error", "wrong-type")]


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_name_is_a_usage_error(sdelint, option):
    result = sdelint("check", option, "timestamp-order,no-such-rule", EXAMPLE_REL)
    assert result.code == 2
    assert "no-such-rule" in result.err
    assert result.out == ""


@pytest.mark.parametrize("fail_on,code", [("error", 0), ("warning", 1), ("info", 1)])
def test_fail_on(sdelint, fail_on, code):
    result = sdelint("check", "--fail-on", fail_on, EXAMPLE_REL)
    assert result.code == code
    assert SUMMARY.fullmatch(result.lines[-1])["errors"] == "0"


def test_fail_on_info_with_only_info_findings(sdelint, reference):
    assert reference("check", "--select", "numeric-string", "--min-severity", "info", EXAMPLE_REL).code == 0
    assert reference("check", "--select", "numeric-string", "--min-severity", "info", "--fail-on", "warning", EXAMPLE_REL).code == 0
    assert sdelint("check", "--select", "numeric-string", "--min-severity", "info", "--fail-on", "info", EXAMPLE_REL).code == 1
    # below the display threshold, a finding does not count against --fail-on: said, since the gate can never fire (an audit)
    hidden = sdelint("check", "--select", "numeric-string", "--fail-on", "info", EXAMPLE_REL)
    assert hidden.code == 0
    assert "--fail-on info cannot fail on info findings: they are below the lowest severity shown (warning); add --min-severity info" in hidden.err


@pytest.mark.parametrize("option", ["-o", "--write-baseline"])
def test_a_report_or_baseline_never_replaces_an_input(sdelint, tmp_path, example_path, option):
    """`sdelint check capture.json -o capture.json` replaced the capture with its own report."""
    capture = tmp_path / "capture.json"
    capture.write_bytes(example_path.read_bytes())
    # named, named otherwise, or met in a walk of its folder (a review found the walk case overwriting the capture)
    for named in (str(capture), f"{tmp_path}/./capture.json", str(tmp_path)):
        result = sdelint("check", named, option, str(capture))
        assert result.code == 2 and "is one of the inputs: it would be replaced" in result.err, result.err
        assert capture.read_bytes() == example_path.read_bytes()
    baseline = tmp_path / "base.json"
    assert sdelint("check", str(capture), "--write-baseline", str(baseline)).code == 0
    # named as an input too (the pre-commit hook names every staged file, the committed baseline among them): left out,
    # and said; refusing it made the README's hook-with-baseline set-up exit 2 on every commit of the baseline (an audit)
    read = sdelint("check", str(capture), str(baseline), "--baseline", str(baseline))
    assert read.code == 0 and f"{baseline} is the baseline read (--baseline): not checked as an input" in read.err
    assert "Checked 1 file" in read.out and "15 known findings hidden" in read.out
    alone = sdelint("check", str(baseline), "--baseline", str(baseline))
    assert alone.code == 0 and "Checked 0 files" in alone.out
    # but a folder that holds only the baseline is a gate pointed at the wrong folder, as ever (a review)
    only = tmp_path / "only"
    only.mkdir()
    (only / "base.json").write_bytes(baseline.read_bytes())
    walked = sdelint("check", str(only), "--baseline", str(only / "base.json"))
    assert walked.code == 2 and "no input to check" in walked.err
    empty = tmp_path / "empty"
    empty.mkdir()
    beside = sdelint("check", str(empty), str(baseline), "--baseline", str(baseline))  # named too, beside an empty folder
    assert beside.code == 2 and "no input to check" in beside.err
    elsewhere = tmp_path / "report.json"
    assert sdelint("check", str(capture), option, str(elsewhere)).code in (0, 1) and elsewhere.read_bytes() != capture.read_bytes()


@pytest.mark.parametrize(
    "name, capture",
    [
        ("a.json", None),  # the example response
        ("events.yaml", "events:\n  - sdeType: LEAD\n    lead:\n      lead:\n        topic: x\n"),
        ("records.jsonl", '{"events": [{"sdeType": "LEAD", "lead": {"lead": {"topic": "x"}}}]}\n'),
        ("page.js", 'lpTag.sdes.push({type: "cart", total: 1, numItems: 1});\n'),
    ],
)
def test_o_never_replaces_a_capture_a_glob_gave_it(sdelint, tmp_path, example_path, name, capture):
    """`sdelint check -o fixtures/*.json`: the shell gives -o the first capture, which is no input, and the report replaced
    it. A file holding a payload sdelint checks is refused (exit 2); another tool's report is replaced as before."""
    target = tmp_path / name
    original = example_path.read_bytes() if capture is None else capture.encode()
    target.write_bytes(original)
    other = tmp_path / "b.json"
    other.write_bytes(example_path.read_bytes())
    refused = sdelint("check", "-o", str(target), str(other))
    assert refused.code == 2 and f"-o/--output {target} holds an engagement-attributes payload (a capture?)" in refused.err, refused.err
    assert target.read_bytes() == original
    foreign = tmp_path / "theirs.json"
    foreign.write_text('{"results": [{"sdeType": "none of ours"}]}\n', encoding="utf-8")
    replaced = sdelint("check", "--format", "json", "-o", str(foreign), str(other))
    assert replaced.code in (0, 1) and json.loads(foreign.read_text(encoding="utf-8"))["files"][0]["file"] == str(other)


@pytest.mark.parametrize(
    "name, held",
    [
        ("gl-code-quality-report.json", "[]\n"),  # sdelint's own GitLab report of a clean run (and ruff's, eslint's ...)
        ("report.html", "<!DOCTYPE html>\n<html><head><title>coverage</title></head><body>no pushes</body></html>\n"),
        ("bundle.js", 'console.log("no lpTag here");\n'),
    ],
    ids=["empty-array", "html-page", "script"],
)
def test_o_replaces_a_file_that_holds_no_payload_at_all(sdelint, tmp_path, example_path, name, held):
    """A file holding nothing to check (an empty array, a page or script without lpTag.sdes pushes) is no capture:
    `check --format gitlab -o gl-code-quality-report.json` run twice on clean inputs refused its own report (exit 2)."""
    target = tmp_path / name
    target.write_text(held, encoding="utf-8")
    clean = tmp_path / "clean.json"
    clean.write_text('{"conversationHistoryRecords": []}\n', encoding="utf-8")
    replaced = sdelint("check", "--format", "gitlab", "-o", str(target), str(clean))
    assert replaced.code == 0, replaced.err
    assert json.loads(target.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "name, held, refused",
    [
        ("cut.json", None, True),  # the example cut short: a capture with a syntax error is what a linter is run on
        ("comma.json", '{"events": [{"sdeType": "LEAD", "lead": {"lead": {"topic": "x"}}},]}', True),
        ("broken.yaml", "events:\n  - sdeType: LEAD\n    lead: {lead: {topic: x}\n", True),
        ("openapi.json", '{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}}', False),  # "info", as a record has
        ("no-events.json", '{"events": []}', False),
        ("other-tool.json", '{"results": [{"path": "/conversations/0", "message": "bad"}]}', False),
    ],
)
def test_o_judges_a_target_by_the_names_only_payloads_use(sdelint, tmp_path, example_path, name, held, refused):
    """A review: a capture with a syntax error was replaced (it did not parse, so it was not recognised), and files of
    other kinds that detection reads as a record or events block were refused; a text naming no member only payloads
    have (conversationHistoryRecords, sdeType, ...) is not a capture, and is not even parsed."""
    target = tmp_path / name
    original = example_path.read_bytes()[:3000] if held is None else held.encode()
    target.write_bytes(original)
    clean = tmp_path / "clean.json"
    clean.write_text('{"conversationHistoryRecords": []}\n', encoding="utf-8")
    result = sdelint("check", "-o", str(target), str(clean))
    if refused:
        assert result.code == 2 and "holds an engagement-attributes payload (a capture?)" in result.err, result.err
        assert target.read_bytes() == original
    else:
        assert result.code == 0, result.err
        assert target.read_bytes() != original


@pytest.mark.parametrize("failure", ["unreadable", "too big"])
def test_o_refuses_a_target_it_cannot_read(cli, tmp_path, monkeypatch, failure):
    """An -o target that could not be read (no read permission, or past the size sdelint reads) was taken for no
    capture and replaced: a file that cannot be told apart is now refused (exit 2) and left as it was."""
    import errno
    from functools import partial

    import validator.own_files as own_files
    from validator.load import reader

    target = tmp_path / "capture.json"
    original = b'{"conversationHistoryRecords": [{"sdes": {"events": []}}]}\n'
    target.write_bytes(original)
    clean = tmp_path / "clean.json"
    clean.write_text('{"conversationHistoryRecords": []}\n', encoding="utf-8")
    if failure == "unreadable":  # as root, chmod 000 does not stop a read
        def refuse(path, *args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))

        monkeypatch.setattr(own_files, "read_file", refuse)
        monkeypatch.setattr(own_files, "written_by_sdelint", lambda path: None)
        reason = "Permission denied"
    else:
        monkeypatch.setattr(own_files, "read_file", partial(reader.read_file, limit=16))
        reason = "larger than 16 bytes: not read"
    result = cli("check", "-o", str(target), str(clean))
    assert result.exit_code == 2, result.output
    assert f"-o/--output {target} cannot be read ({reason}), so sdelint cannot tell that it holds no capture" in result.stderr
    assert target.read_bytes() == original


def test_o_parses_no_target_that_names_no_payload_member(tmp_path, monkeypatch):
    """Another tool's big report as the -o target cost a whole parse (1.6 s and 220 MB for 34 MB)."""
    import validator.own_files as own_files

    def refuse(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(own_files, "parse_input", refuse)
    target = tmp_path / "eslint.json"
    target.write_text(json.dumps([{"filePath": f"/src/{i}.js", "messages": [{"ruleId": "no-unused-vars"}]} for i in range(20000)]), encoding="utf-8")
    assert own_files.holds_a_payload(target) is False
    target.write_text('{"conversationHistoryRecords": [', encoding="utf-8")  # names one: parsed (and, broken, a capture)
    with pytest.raises(AssertionError, match="parsed"):
        own_files.holds_a_payload(target)


def test_o_onto_a_descriptor_appends_and_replaces_nothing(tmp_path, example_path):
    """`sdelint check x.json -o /dev/stdout >> c.json`, c.json a capture: the report is appended to it, nothing is
    replaced, so nothing is refused (a review found it refused)."""
    capture = tmp_path / "c.json"
    capture.write_bytes(example_path.read_bytes())
    clean = tmp_path / "clean.json"
    clean.write_text('{"conversationHistoryRecords": []}\n', encoding="utf-8")
    with open(capture, "ab") as out:
        run = subprocess.run([*sdelint_command(), "check", "-o", "/dev/stdout", str(clean)], stdout=out, stderr=subprocess.PIPE, timeout=120)
    assert run.returncode == 0, run.stderr
    written = capture.read_bytes()
    assert written.startswith(example_path.read_bytes()) and b"Checked 1 file" in written[len(example_path.read_bytes()):]


@pytest.mark.parametrize("option", ["-o", "--write-baseline"])
def test_a_folder_walk_leaves_out_the_report_and_baseline_of_the_run(sdelint, tmp_path, example_path, option):
    """Run twice on a folder, the first run's report or baseline was checked by the second (unrecognized-document),
    and a refusal of it would break `sdelint check . --write-baseline .sdelint-baseline.json` on its second run."""
    (tmp_path / "capture.json").write_bytes(example_path.read_bytes())
    target = tmp_path / ".sdelint-baseline.json"
    for _ in range(2):
        result = sdelint("check", "--format", "json", str(tmp_path), option, str(target))
        assert result.code in (0, 1) and "unrecognized-document" not in target.read_text(encoding="utf-8"), result.err
    if option == "-o":
        assert [f["file"] for f in json.loads(target.read_text(encoding="utf-8"))["files"]] == [str(tmp_path / "capture.json")]
    else:  # the baseline a run reads is no input either
        reread = sdelint("check", "--format", "json", str(tmp_path), "--baseline", str(target))
        assert [f["file"] for f in json.loads(reread.out)["files"]] == [str(tmp_path / "capture.json")]


@pytest.mark.parametrize("output_format", ["html", "text", "github", "junit", "sarif", "gitlab", "json-lines"])
@pytest.mark.parametrize("options", [(), ("--select", "calendar-date"), ("-q", "--statistics"), ("-v", "--color", "always")], ids=["default", "clean", "stats", "verbose"])
def test_a_walk_recognises_each_formats_earlier_report(sdelint, tmp_path, example_path, output_format, options):
    """Reviews found the second run refused (exit 2) for an HTML, text, github or JUnit report the walk met, and for
    text and github reports of a clean run, of --statistics alone or of -v (each begins otherwise)."""
    (tmp_path / "capture.json").write_bytes(example_path.read_bytes())
    target = tmp_path / "report.out"
    for run in range(2):
        result = sdelint("check", str(tmp_path), "--include", "*.json", "--include", "*.out", "--format", output_format, *options, "-o", str(target))
        if run and output_format == "gitlab" and options == ("--select", "calendar-date"):
            # a clean GitLab report is [], which a capture holding no events is too: refused, never replaced
            assert result.code == 2 and "is one of the inputs" in result.err
            continue
        assert result.code in (0, 1) and "is one of the inputs" not in result.err, result.err


@pytest.mark.parametrize(
    "capture",
    [
        '<!DOCTYPE html><html><head><title>sdelint playground</title></head><body><script>lpTag.sdes.push({type: "cart", total: 1, numItems: 1});</script></body></html>\n',
        '// was: page.js:1:2: error schema-type total\nlpTag.sdes.push({type: "cart", total: 1, numItems: 1});\n',
        '{"file": "x", "type": "cart", "total": 1, "numItems": 1}',
        " " * 5000 + '{"type": "cart", "total": 1, "numItems": 1}',
    ],
    ids=["html-page", "js-quoting-a-finding", "json-with-a-file-key", "leading-space"],
)
def test_a_capture_that_looks_a_little_like_a_report_is_not_replaced(sdelint, tmp_path, capture):
    """A review found these taken for sdelint's own reports, left out of the walk and overwritten by -o."""
    suffix = ".html" if capture.startswith("<!") else ".js" if capture.startswith("//") else ".json"
    path = tmp_path / f"capture{suffix}"
    path.write_text(capture, encoding="utf-8")
    result = sdelint("check", str(tmp_path), "--include", f"*{suffix}", "-o", str(path))
    assert result.code == 2 and "is one of the inputs: it would be replaced" in result.err
    assert path.read_text(encoding="utf-8") == capture


def test_reports_of_runs_with_a_baseline_or_odd_names_are_recognised_and_odd_baselines_kept(sdelint, tmp_path, example_path):
    """A last review: a text report ending in its Baseline line, -q -v ending in a file's verbose line, a finding of
    a file whose name has a space, a JSON Lines report whose first file name has a quote were refused on the re-run;
    a baseline with CRLF line ends (still a working baseline) was replaced by -o; a capture holding [] was taken for
    an empty GitLab report and replaced."""
    folder = tmp_path / "caps"
    folder.mkdir()
    (folder / 'cart "v2" 1.json').write_bytes(example_path.read_bytes())
    (folder / "web.json").write_text('{"type": "cart", "total": 1, "numItems": 1}\n', encoding="utf-8")
    baseline = tmp_path / "base.json"
    assert sdelint("check", str(folder), "--write-baseline", str(baseline)).code == 0
    runs = [("--baseline", str(baseline), "-o", str(folder / "r1.txt")), ("-q", "-v", "-o", str(folder / "r2.txt")),
            ("-q", "--select", "timestamp-order", "-o", str(folder / "r3.txt")), ("--format", "json-lines", "-o", str(folder / "r4.jsonl"))]
    for options in runs:
        for _ in range(2):
            result = sdelint("check", str(folder), "--include", "*.json", "--include", "*.txt", "--include", "*.jsonl", *options)
            assert "is one of the inputs" not in result.err, (options, result.err)
    baseline.write_bytes(baseline.read_bytes().replace(b"\n", b"\r\n"))
    kept = baseline.read_bytes()
    assert sdelint("check", str(folder / "web.json"), "--baseline", str(baseline)).code == 0  # still a baseline
    assert sdelint("check", str(folder / "web.json"), "-o", str(baseline)).code == 2 and baseline.read_bytes() == kept
    empty = folder / "no-records.json"
    empty.write_text("[]\n", encoding="utf-8")
    assert sdelint("check", str(folder), "-o", str(empty)).code == 2 and empty.read_text(encoding="utf-8") == "[]\n"


def test_a_walk_leaves_out_the_reports_and_baseline_earlier_runs_wrote(sdelint, tmp_path, example_path):
    """`sdelint check .` in CI, after a step that wrote its GitLab report into the checkout, took that report for an
    input: an unrecognized-document error, and the gate failed on recordings with warnings only (a sweep of the
    README's CI examples). The same for a JSON, SARIF or JSON Lines report and a baseline. Named, one is checked."""
    folder = tmp_path / "repo"
    (folder / "fixtures").mkdir(parents=True)
    (folder / "fixtures" / "capture.json").write_bytes(example_path.read_bytes())
    written = {"gitlab": "gl-code-quality-report.json", "json": "report.json", "sarif": "sdelint.sarif.json", "json-lines": "findings.jsonl"}
    for output_format, name in written.items():
        assert sdelint("check", str(folder / "fixtures"), "--format", output_format, "-o", str(folder / name)).code == 0
    assert sdelint("check", str(folder / "fixtures"), "--write-baseline", str(folder / ".sdelint-baseline.json")).code == 0
    alone = sdelint("check", "--format", "json", str(folder / "fixtures"))
    walked = sdelint("check", "--format", "json", str(folder))
    assert walked.code == alone.code == 0
    assert walked.json()["findings"] == alone.json()["findings"] != []
    assert walked.json()["summary"]["files"] == 1
    for name in [*written.values(), ".sdelint-baseline.json"]:
        kind = "baseline" if "baseline" in name else "report"
        assert f"sdelint: note: {folder / name} holds an sdelint {kind}: not checked (name it to check it)" in walked.err
    named = sdelint("check", "--format", "json", str(folder / "report.json"))
    assert named.code == 1 and [f["rule"] for f in named.json()["findings"]] == ["unrecognized-document"]


def test_a_walk_that_meets_only_earlier_reports_is_no_input_to_check(sdelint, tmp_path, example_path):
    """A folder holding only what earlier runs wrote (a report, a baseline) was 'Checked 0 files', exit 0: a gate
    pointed at the reports' folder instead of the fixtures passed, where an empty folder is a usage error (README:
    "a run that finds no file at all")."""
    capture, reports = tmp_path / "capture.json", tmp_path / "reports"
    capture.write_bytes(example_path.read_bytes())
    reports.mkdir()
    assert sdelint("check", str(capture), "--format", "gitlab", "-o", str(reports / "gl-code-quality-report.json")).code == 0
    assert sdelint("check", str(capture), "--write-baseline", str(reports / ".sdelint-baseline.json")).code == 0
    walked = sdelint("check", str(reports))
    assert walked.code == 2 and "no input to check" in walked.err and "holds an sdelint report: not checked" in walked.err, walked.err
    beside = sdelint("check", "--format", "json", str(reports), str(capture))  # with a payload beside them, as before
    assert beside.code == 0 and beside.json()["summary"]["files"] == 1


def test_a_report_never_replaces_a_baseline(sdelint, tmp_path, example_path):
    """-o onto the --baseline read, or onto a baseline a walk meets (a typo of its name), replaced it silently."""
    capture, baseline = tmp_path / "capture.json", tmp_path / "base.json"
    capture.write_bytes(example_path.read_bytes())
    assert sdelint("check", str(capture), "--write-baseline", str(baseline)).code == 0
    kept = baseline.read_bytes()
    read = sdelint("check", str(capture), "--baseline", str(baseline), "-o", str(baseline))
    assert read.code == 2 and "is the baseline read (--baseline)" in read.err
    walked = sdelint("check", str(tmp_path), "--format", "json", "-o", str(baseline))
    assert walked.code == 2 and "holds a baseline: the report would replace it" in walked.err
    elsewhere = sdelint("check", str(capture), "-o", str(baseline))  # not an input at all: still a baseline
    assert elsewhere.code == 2 and "holds a baseline: the report would replace it" in elsewhere.err
    assert baseline.read_bytes() == kept


@pytest.mark.parametrize("option", ["--select", "--ignore"])
@pytest.mark.parametrize("value", ["", ",", " , "])
def test_a_rule_list_that_names_no_rule_is_a_usage_error(sdelint, option, value):
    """`--select "$UNSET"` ran every rule: the gate a user meant to narrow was silently the widest."""
    result = sdelint("check", option, value, EXAMPLE_REL)
    assert result.code == 2 and "names no rule" in result.err
    with pytest.raises(ValueError, match="names no rule"):
        validator.lint_path(EXAMPLE_REL, **{option.lstrip("-"): value})


def test_exit_zero(sdelint, reference):
    result = sdelint("check", "--exit-zero", UNREPAIRED_REL)
    assert result.code == 0
    assert result.lines == readme_block("gives exactly these two findings")[1:], "findings are still reported"
    assert reference("check", "--exit-zero", "--fail-on", "warning", EXAMPLE_REL).code == 0
    assert reference("check", "--exit-zero", "no-such-file.json").code == 2, "usage errors still exit 2"
    empty = reference("check", "")  # `sdelint check "$UNSET"` checked the whole working directory
    assert empty.code == 2 and "an empty path was given" in empty.err
    for option in ("-o", "--write-baseline"):  # they read "sdelint: error: .: Is a directory"
        empty = reference("check", EXAMPLE_REL, option, "")
        assert empty.code == 2 and "an empty file name was given" in empty.err


# --------------------------------------------------------------------------- rules, explain


def test_rules_lists_every_rule_in_the_catalogue(sdelint):
    result = sdelint("rules")
    assert result.code == 0
    listed = {}
    for line in result.lines:
        name, severity, *_ = line.split()
        listed[name] = severity
    assert set(listed) == set(CATALOGUE)
    assert len(result.lines) == len(CATALOGUE)
    assert listed == {name: entry["severity"] for name, entry in CATALOGUE.items()}
    for line in result.lines:
        assert CATALOGUE[line.split()[0]]["summary"] in line


def test_explain_timestamp_order(sdelint):
    entry = CATALOGUE["timestamp-order"]
    result = sdelint("explain", "timestamp-order")
    assert result.code == 0
    out = result.out
    assert out.startswith("timestamp-order")
    assert entry["summary"] in out
    rationale = " ".join(entry["rationale"].split())
    assert rationale in " ".join(out.split())
    bad, good = out.index("Bad:"), out.index("Good:")
    assert bad < good
    assert entry["bad"].strip() in out[bad:good]
    assert entry["good"].strip() in out[good:]
    assert "tolerance-ms" in out


def test_explain_shows_a_configured_parameter_beside_its_default(tmp_path, cli):
    """The README: `sdelint explain RULE` shows each parameter's default, as it shows the default severity."""
    config = tmp_path / ".sdelint.yaml"
    config.write_text("rules:\n  timestamp-order: {severity: error, tolerance-ms: 5000}\n", encoding="utf-8")
    out = cli("explain", "timestamp-order", "--config", str(config)).output
    assert "Severity: error (default warning)" in out
    assert "Parameters: tolerance-ms = 5000 (default 60000)" in out
    assert "Parameters: tolerance-ms = 60000\n" in cli("explain", "timestamp-order").output  # unchanged: no repetition


def test_explain_shows_a_yaml_date_parameter_as_the_date_it_is(tmp_path, cli):
    """`earliest: 2000-01-01` unquoted is a date to YAML: explain showed datetime.date(2000, 1, 1) and called it
    other than its default '2000-01-01'."""
    config = tmp_path / ".sdelint.yaml"
    config.write_text("rules:\n  timestamp-range: {earliest: 2000-01-01, latest: 2090-01-01}\n", encoding="utf-8")
    out = cli("explain", "timestamp-range", "--config", str(config)).output
    assert 'Parameters: earliest = "2000-01-01", latest = "2090-01-01" (default "2100-01-01")\n' in out


def test_explain_calls_a_parameter_the_default_when_its_value_is_the_default(tmp_path, cli):
    """Parameters written as JSON text were compared as text: hours 12.0 (YAML's float) was said to differ from its
    default 12, and tolerance-ms 5000 from 5000.0."""
    config = tmp_path / ".sdelint.yaml"
    config.write_text("rules:\n  attribution-window: {hours: 12.0}\n  timestamp-order: {tolerance-ms: 60000.0}\n", encoding="utf-8")
    assert "Parameters: hours = 12.0\n" in cli("explain", "attribution-window", "--config", str(config)).output
    assert "Parameters: tolerance-ms = 60000.0\n" in cli("explain", "timestamp-order", "--config", str(config)).output


def test_explain_writes_parameters_as_a_configuration_would(cli):
    """Parameters are set in YAML or TOML: explain showed Python's spelling (False, 'characters', ['MALE', ...]),
    which neither reads as written (TOML has no False; YAML reads 'x' only as a quoted string, True only loosely)."""
    assert "Parameters: include-timestamps = false\n" in cli("explain", "numeric-string").output
    assert 'Parameters: max = 50000, unit = "characters"\n' in cli("explain", "value-length").output
    assert 'genders = ["MALE", "FEMALE", "OTHER"]' in cli("explain", "code-list").output


def test_explain_unknown_rule(sdelint):
    result = sdelint("explain", "no-such-rule")
    assert result.code == 2
    assert "no-such-rule" in result.err
    assert result.out == ""


# --------------------------------------------------------------------------- schema


@pytest.mark.parametrize("name", ["CART_STATUS", "cartStatus"])
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_schema_by_sde_type_or_container_key(sdelint, name, version):
    result = sdelint("schema", name, "--api-version", version)
    assert result.code == 0
    document = result.json()
    assert document["$id"].endswith(f"/{version}/cartStatus.json")
    Draft7Validator.check_schema(document)


def test_schema_default_version_is_v2(sdelint):
    assert sdelint("schema", "CART_STATUS").json()["$id"].endswith("v2/cartStatus.json")


def external_refs(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) and not node["$ref"].startswith("#") else []
        return found + [ref for value in node.values() for ref in external_refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in external_refs(value)]
    return []


def test_schema_bundle_is_self_contained_and_validates_the_example(sdelint, example):
    result = sdelint("schema", "--bundle", "response")
    assert result.code == 0
    schema = result.json()
    assert external_refs(schema) == []
    assert '"$ref": "#' in result.out, "the bundle does use local references"
    Draft7Validator.check_schema(schema)
    validator_ = Draft7Validator(schema)
    assert list(validator_.iter_errors(example)) == []
    broken = copy.deepcopy(example)
    del broken["conversationHistoryRecords"][0]["unAuthSdes"]["events"][0]["sdeType"]
    assert [e.message for e in validator_.iter_errors(broken)] == ["'sdeType' is a required property"]
    broken = copy.deepcopy(example)
    broken["conversationHistoryRecords"] = "not a list"
    assert not validator_.is_valid(broken)


def test_schema_list_takes_no_name_nor_bundle(sdelint):
    """`schema --list --bundle` and `schema --list cart` dropped what they could not use, without a word."""
    for extra in (["--bundle"], ["cartStatus"]):
        result = sdelint("schema", "--list", *extra)
        assert result.code == 2 and "takes neither NAME nor --bundle" in result.err


def test_schema_of_another_profile_says_the_api_version_is_not_used(sdelint, reference):
    """`schema --profile web --api-version v1` printed the web schema and dropped the version without a word."""
    result = sdelint("schema", "--profile", "web", "--api-version", "v1", "cart")
    assert result.code == 0 and json.loads(result.out) == json.loads(reference("schema", "--profile", "web", "cart").out)
    assert "--api-version is for Messaging Interactions schemas: the web profile's are its own (not used)" in result.err
    assert sdelint("schema", "--profile", "web", "cart").err == ""


def test_schema_list(sdelint, reference):
    result = sdelint("schema", "--list")
    assert result.code == 0
    names = set(result.lines)
    containers = {"cartStatus", "customerInfo", "lead", "marketingCampaignInfo", "personalInfo", "purchase", "searchContent", "serviceActivity", "viewedProduct", "visitorError"}
    assert containers | {"response", "record", "events", "event", "event-list", "definitions"} <= names
    assert len(result.lines) == len(names), "no name twice"
    assert names == set(reference("schema", "--list", "--api-version", "v1").lines) | names
    # every name that is neither a container key nor an sdeType is named in --help (response-list was left out)
    helped = " ".join(reference("schema", "--help").lines)
    assert all(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", helped) for n in names - containers), helped


@pytest.mark.parametrize("args", [("no-such-schema",), ("CART", "--api-version", "v1")])
def test_unknown_schema_is_a_usage_error(sdelint, args):
    result = sdelint("schema", *args)
    assert result.code == 2
    assert args[0] in result.err
    assert result.out == ""


# --------------------------------------------------------------------------- the Python API


def test_python_api_agrees_with_the_cli(cli, monkeypatch, example):
    monkeypatch.chdir(ROOT)
    # the API returns every finding (a program filters for itself); the command line shows warning and above by default
    report = json.loads(cli("check", "--format", "json", "--min-severity", "info", str(EXAMPLE)).stdout)
    expected = [(f["rule"], f["pointer"], f["severity"], f["message"]) for f in report["findings"]]
    assert validator.lint(EXAMPLE, min_severity="warning") == [f for f in validator.lint(EXAMPLE) if f.severity != "info"]
    placed = [(f["line"], f["column"]) for f in report["findings"]]

    from_path = validator.lint(EXAMPLE)
    from_str = validator.lint(str(EXAMPLE))
    from_bytes = validator.lint(EXAMPLE.read_bytes(), name="capture-17")
    from_object = validator.lint(example)
    key = lambda fs: sorted((f.rule, f.pointer, f.severity, f.message) for f in fs)  # noqa: E731
    for findings in (from_path, from_str, from_bytes, from_object):
        assert key(findings) == sorted(expected)
    assert [(f.rule, f.pointer, f.severity, f.message) for f in from_path] == expected
    assert [(f.line, f.column) for f in from_path] == placed
    assert [(f.line, f.column) for f in from_bytes] == placed
    assert {f.file for f in from_path} == {str(EXAMPLE)}
    assert {f.file for f in from_bytes} == {"capture-17"}
    assert {(f.line, f.column) for f in from_object} == {(0, 0)}, "parsed objects have no text positions"
    assert {f.extra.get("api_version") for f in from_path} == {"v2"}


def test_python_api_options(example):
    v1 = validator.lint(example, api_version="v1")
    assert "v1-unauthenticated" in {f.rule for f in v1} and "numeric-string" not in {f.rule for f in v1}
    assert {f.rule for f in validator.lint(example, select=("timestamp-order",))} == {"timestamp-order"}
    assert "timestamp-order" not in {f.rule for f in validator.lint(example, ignore=("timestamp-order",))}
    unrepaired = validator.lint(UNREPAIRED)
    assert [(f.line, f.column, f.rule) for f in unrepaired] == [(528, 8, "syntax-error"), (528, 44, "syntax-error")]


# --------------------------------------------------------------------------- the installed command in a pipeline


def test_closed_stdout_is_not_an_internal_error(tmp_path):
    # the equivalent of: sdelint check examples/conversation-response.json | true
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone: every write fails with EPIPE
    try:
        proc = subprocess.run([*sdelint_command(), "check", str(EXAMPLE)], stdout=write_end, stderr=subprocess.PIPE, timeout=60, cwd=tmp_path)
    finally:
        os.close(write_end)
    err = proc.stderr.decode()
    assert "Traceback" not in err
    assert "internal error" not in err, err
    assert proc.returncode != 2, "2 means a usage error or an internal error"


# A script that runs the real command with one input failing inside sdelint (an internal error: exit 2)
_FAILING_INPUT = (
    "import sys\nsys.path.insert(0, sys.argv[1])\nimport validator.cli as cli\nfrom validator.linter import Linter\n"
    "lint_path = Linter.lint_path\n"
    "def failing(self, path, *args, **kwargs):\n"
    "    if path.name == 'boom.json':\n        raise RuntimeError('boom')\n    return lint_path(self, path, *args, **kwargs)\n"
    "Linter.lint_path = failing\nsys.argv = ['sdelint', *sys.argv[2:]]\ncli.run()\n"
)


def _read_one_line_then_close(command: list[str], cwd: Path, *, merged: bool = False, at_once: bool = False) -> tuple[int, bytes, bytes]:
    """``command | head -1`` (``2>&1 | head -1`` when ``merged``; ``| true`` when ``at_once``: nothing read at all):
    (exit status, the line read, stderr)."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT if merged else subprocess.PIPE, cwd=cwd)
    assert process.stdout is not None
    first = b"" if at_once else process.stdout.readline()
    process.stdout.close()  # the reader goes away with the rest of the output unread
    stderr = process.stderr.read() if process.stderr is not None else b""
    return process.wait(timeout=120), first, stderr


@pytest.fixture
def many_reports(tmp_path) -> Path:
    """60 copies of the example (warnings, no error): a report far bigger than a pipe holds."""
    for i in range(60):
        (tmp_path / f"f{i:02d}.json").write_bytes(EXAMPLE.read_bytes())
    return tmp_path


@pytest.mark.parametrize("options, status", [
    ((), 0),  # warnings only: the run passes, whoever stopped reading
    (("--fail-on", "warning"), 1),
    (("--fail-on", "warning", "--exit-zero"), 0),
    (("--format", "json", "--fail-on", "warning", "--exit-zero"), 0),
])
def test_a_reader_that_stops_early_gets_the_runs_own_status_and_no_traceback(many_reports, options, status):
    """`sdelint check ... | head -1` under `set -o pipefail` exited 1 whatever the run found, --exit-zero or not:
    the report is written after every input is checked, so the status is the run's, as if all was read."""
    code, first, stderr = _read_one_line_then_close([*sdelint_command(), "check", "--jobs", "1", *options, str(many_reports)], many_reports)
    assert code == status, stderr
    assert first.startswith(b"{" if "json" in options else str(many_reports).encode())
    assert b"Traceback" not in stderr and b"Exception ignored" not in stderr, stderr


def test_an_internal_error_keeps_exit_2_when_the_reader_stops_early(many_reports):
    """The internal-error status (2) was lost to a closed pipe: it came out as 1, findings. Also with stderr in the
    same pipe (`2>&1 | head -1`), whose line about the failed input cannot be written either."""
    (many_reports / "boom.json").write_bytes(EXAMPLE.read_bytes())
    command = [sys.executable, "-c", _FAILING_INPUT, str(ROOT), "check", "--jobs", "1", str(many_reports)]
    code, _, stderr = _read_one_line_then_close(command, many_reports)
    assert code == 2 and b"sdelint: error: internal error on 1 input" in stderr, stderr
    code, first, _ = _read_one_line_then_close(command, many_reports, merged=True)
    assert code == 2 and b"Traceback" not in first


@pytest.mark.parametrize("args, status", [
    (("check", "clean.json", "--format", "json", "--exit-zero"), 0),  # `| true`: the reader leaves before the report
    (("check", "clean.json", "--format", "json-lines", "--fail-on", "info"), 0),  # only stderr's "cannot fail on info"
    (("rules",), 0),
    (("--help",), 0),
    (("check", "--help"), 0),
    (("check", "missing.json"), 2),  # a usage error whose message goes into the closed pipe (2>&1 | true)
])
def test_a_reader_gone_before_anything_is_written(tmp_path, args, status):
    """`sdelint check clean.json --format json --exit-zero | true` exited 1 (findings) for a clean run."""
    (tmp_path / "clean.json").write_text('{"events": []}', encoding="utf-8")
    code, _, stderr = _read_one_line_then_close([*sdelint_command(), *args], tmp_path, merged=True, at_once=True)
    assert code == status, stderr


def test_windows_reports_a_closed_pipe_as_invalid_argument_and_it_is_taken_for_one(monkeypatch):
    """A review: on Windows a write into a pipe whose reader left often raises OSError(EINVAL), not BrokenPipeError
    (python/cpython#79935), and went to the 'sdelint: Invalid argument' exit 2 path; elsewhere EINVAL stays an error."""
    import errno

    from validator import closed_pipe

    invalid = OSError(errno.EINVAL, "Invalid argument")
    assert closed_pipe.is_closed_pipe(BrokenPipeError(errno.EPIPE, "Broken pipe"))
    monkeypatch.setattr(closed_pipe.sys, "platform", "linux")
    assert not closed_pipe.is_closed_pipe(invalid)
    monkeypatch.setattr(closed_pipe.sys, "platform", "win32")
    assert closed_pipe.is_closed_pipe(invalid) and not closed_pipe.is_closed_pipe(OSError(errno.ENOSPC, "No space left"))
    with closed_pipe.reader_may_leave(io.StringIO()):  # standard output or error (no descriptor here to point elsewhere)
        raise OSError(errno.EINVAL, "Invalid argument")  # dropped, as a broken pipe is
    # a second review: a file name Windows refuses (-o 'rep?.json') is EINVAL too: never taken for a closed pipe
    assert not closed_pipe.is_closed_pipe(invalid, writing_stdio=False)
    with pytest.raises(OSError), closed_pipe.reader_may_leave(None):
        raise OSError(errno.EINVAL, "Invalid argument")


def test_min_severity_from_the_configuration_and_the_command_line(sdelint, tmp_path):
    config = tmp_path / ".sdelint.yaml"
    config.write_text("min-severity: info\n", encoding="utf-8")
    shown = sdelint("check", "--config", str(config), EXAMPLE_REL)
    assert any(" info numeric-string " in line for line in shown.finding_lines)
    assert not any("not shown" in line for line in shown.lines)
    overridden = sdelint("check", "--config", str(config), "--min-severity", "warning", EXAMPLE_REL)
    assert not any(" info " in line for line in overridden.finding_lines)
    config.write_text("min-severity: loud\n", encoding="utf-8")
    assert sdelint("check", "--config", str(config), EXAMPLE_REL).code == 2


def test_check_pauses_the_cyclic_collector_only_for_its_run(cli, monkeypatch):
    """The run goes without the cyclic collector (parsed JSON has no cycles), but a caller in the same process
    (CliRunner, an embedding tool) gets it back on when the command ends."""
    import gc

    from validator import runner

    during = []
    real = runner.check_inputs
    monkeypatch.setattr("validator.cli.check_inputs", lambda *a, **k: during.append(gc.isenabled()) or real(*a, **k))
    monkeypatch.chdir(ROOT)
    assert gc.isenabled()
    result = cli("check", EXAMPLE_REL)
    assert result.exit_code == 0 and during == [False]
    assert gc.isenabled()


def _run_with_closed(stream: str, *args: str) -> subprocess.CompletedProcess:
    """This checkout's sdelint with its standard input (``<&-``), output (``>&-``) or error (``2>&-``) closed by the shell."""
    import sys

    code = "from validator.cli import run; run()"
    return subprocess.run(["sh", "-c", f'exec "$@" {stream}', "sh", sys.executable, "-c", code, *args], stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE if stream != ">&-" else None, stderr=subprocess.PIPE, cwd=ROOT, timeout=120)


def test_stdin_closed_is_a_read_error_not_an_internal_error(tmp_path):
    """`sdelint check - <&-`: Python's sys.stdin is then None, and reading it was 'internal error: AttributeError'."""
    report = tmp_path / "report.json"
    done = _run_with_closed("<&-", "check", "--format", "json", "-o", str(report), "-", EXAMPLE_REL)
    assert b"Traceback" not in done.stderr and b"internal error" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stderr
    findings = json.loads(report.read_text())["findings"]
    assert [(f["file"], f["rule"], f["message"]) for f in findings if f["file"] == "<stdin>"] == [
        ("<stdin>", "read-error", "cannot read file: standard input is closed")
    ]


@pytest.mark.parametrize("output", [(), ("-o", "/dev/stdout")])
def test_stdout_closed_is_one_line_and_exit_2_not_a_traceback(output):
    """`sdelint check x >&-`: sys.stdout is None; the report was an AttributeError ('internal error') and the
    flush at exit a traceback."""
    done = _run_with_closed(">&-", "check", *output, EXAMPLE_REL)
    assert b"Traceback" not in done.stderr and b"internal error" not in done.stderr, done.stderr
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [
        "sdelint: error: /dev/stdout: Bad file descriptor" if output else "sdelint: error: cannot write the report: standard output is closed"
    ]


@pytest.mark.parametrize("args", [("rules",), ("rules", "--format", "json"), ("explain", "cart-arithmetic"), ("schema",), ("schema", "--list")])
def test_stdout_closed_fails_the_printing_commands_as_it_fails_check(args):
    """`sdelint schema >&-` printed nothing and exited 0, where `sdelint check x >&-` says its report cannot be written
    (exit 2): a script saving the schema or the rule list had nothing, and no sign of it."""
    done = _run_with_closed(">&-", *args)
    assert b"Traceback" not in done.stderr and b"internal error" not in done.stderr, done.stderr
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == ["sdelint: error: cannot write the output: standard output is closed"]


@pytest.mark.parametrize("args", [
    ("check", "--format", "json", "no-such-file.json"),  # a usage error of the command
    ("check", "--format", "json", "-o", "-", "--fail-on", "bogus", EXAMPLE_REL),  # of an option's value
    ("no-such-command",),  # of the group
])
def test_stderr_closed_keeps_usage_errors_out_of_stdout(args):
    """`sdelint check --format json x 2>&- > report.json`: with no sys.stderr, click wrote its usage error
    ("Usage: ... Error: ...") to standard output, into the report a pipe or a file read. Now it is dropped, as the
    shell asked, and the exit status is 2 all the same."""
    done = _run_with_closed("2>&-", *args)
    assert done.returncode == 2
    assert done.stdout == b""


def test_stderr_closed_leaves_the_report_alone():
    """What is said on stderr goes nowhere; the report on stdout is whole."""
    done = _run_with_closed("2>&-", "check", "--format", "json", "--statistics", EXAMPLE_REL)  # --statistics: a note on stderr
    assert done.returncode == 0
    assert json.loads(done.stdout)["summary"]["files"] == 1


# --- a working directory reached through a symlink -------------------------------------------------


CURRENCY_CART = {"events": [{"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879", "isAuthenticated": False,
                             "cartStatus": {"serverTimeStamp": "1528628536879", "currency": "usd"}}]}


@pytest.fixture
def linked_workdir(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """(physical folder, symlink to it), the working directory entered through the link as a shell's ``cd`` does:
    ``os.getcwd()`` resolved, ``$PWD`` the link. The folder holds sub/bad.json (a currency-code warning) and a
    symlinked file, alias.json, pointing at it."""
    real = tmp_path / "real"
    (real / "sub").mkdir(parents=True)
    (real / "sub" / "bad.json").write_text(json.dumps(CURRENCY_CART), encoding="utf-8")
    (real / "alias.json").symlink_to(real / "sub" / "bad.json")
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    monkeypatch.chdir(link)
    monkeypatch.setenv("PWD", str(link))
    return real, link


def test_report_paths_are_relative_however_the_working_directory_is_spelt(linked_workdir):
    """``cd /repo-link; sdelint check "$PWD/a.json" --format gitlab`` said /repo-link/a.json, with another fingerprint,
    where ``a.json`` said a.json: CI could not match it to the checkout. A symlinked file keeps its own name."""
    real, link = linked_workdir
    env = {**os.environ, "PWD": str(link)}
    seen = set()
    for name in ("sub/bad.json", "./sub/bad.json", f"{link}/sub/bad.json", f"{real}/sub/bad.json", f"{link}/./sub/../sub/bad.json"):
        proc = subprocess.run([*sdelint_command(), "check", name, "--format", "gitlab", "--exit-zero"], capture_output=True, cwd=link, env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
        (issue,) = json.loads(proc.stdout)
        seen.add((issue["location"]["path"], issue["fingerprint"]))
    assert len(seen) == 1 and next(iter(seen))[0] == "sub/bad.json"
    proc = subprocess.run([*sdelint_command(), "check", f"{link}/alias.json", "--format", "sarif"], capture_output=True, cwd=link, env=env, timeout=120)
    uri = json.loads(proc.stdout)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "alias.json"  # the link's own name, not the file it points at


def test_a_stale_pwd_is_not_taken_for_the_working_directory(linked_workdir, tmp_path, monkeypatch, cli):
    """$PWD counts only when it names the working directory: a program that changed directory without updating it
    must not make another folder's files look local."""
    real, link = linked_workdir
    other = tmp_path / "other"
    other.mkdir()
    (other / "bad.json").write_text(json.dumps(CURRENCY_CART), encoding="utf-8")
    monkeypatch.setenv("PWD", str(other))
    (issue,) = json.loads(cli("check", str(other / "bad.json"), "--format", "gitlab").stdout)
    assert issue["location"]["path"] == (other / "bad.json").as_posix()


def test_a_file_named_both_ways_through_a_symlinked_pwd_is_one_input(linked_workdir, cli):
    """``sub/bad.json`` and ``"$PWD/sub/bad.json"`` are one file: it was checked twice (its findings doubled)
    when the working directory was entered through a link; a symlinked file is still its own input."""
    _real, link = linked_workdir
    result = cli("check", "--format", "json", "sub/bad.json", f"{link}/sub/bad.json", "alias.json")
    assert [entry["file"] for entry in json.loads(result.output)["files"]] == ["sub/bad.json", "alias.json"]


def test_dot_dot_after_a_link_names_the_file_beside_the_links_target(cli, tmp_path, monkeypatch):
    """A review: ``link/../a.json`` (beside the link's target) and ``a.json`` were taken for one file, as text says,
    and only one was checked: a file with a warning went unchecked and the run passed."""
    (tmp_path / "real" / "sub").mkdir(parents=True)
    (tmp_path / "real" / "a.json").write_text('{"conversationHistoryRecords": []}', encoding="utf-8")
    work = tmp_path / "w"
    work.mkdir()
    (work / "a.json").write_text(json.dumps(CURRENCY_CART), encoding="utf-8")
    (work / "link").symlink_to(tmp_path / "real" / "sub", target_is_directory=True)
    monkeypatch.chdir(work)
    result = cli("check", "--format", "json", "--fail-on", "warning", "link/../a.json", "a.json")
    assert [entry["file"] for entry in json.loads(result.output)["files"]] == ["link/../a.json", "a.json"]
    assert result.exit_code == 1


def test_a_file_named_with_a_trailing_slash_or_dot_is_the_same_input(cli, tmp_path, monkeypatch):
    """A second review: pathlib reads a.json/ and a.json/. as a.json, but the identity split them into a name "" or
    ".", so the one file was checked twice."""
    (tmp_path / "a.json").write_text(json.dumps(CURRENCY_CART), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("check", "--format", "json", "a.json", "a.json/", "a.json/.", f"{tmp_path}/a.json//")
    assert [entry["file"] for entry in json.loads(result.output)["files"]] == ["a.json"]


def test_a_baseline_and_overrides_match_a_path_given_through_a_symlinked_pwd(linked_workdir, cli):
    """The baseline named "$PWD/a.json" ../link/a.json and took ``a.json`` for a new file, and an override anchored
    at the configuration's folder (/sub/bad.json) did not apply to "$PWD/sub/bad.json"."""
    real, link = linked_workdir
    written = cli("check", f"{link}/sub/bad.json", "--write-baseline", "baseline.json")
    assert written.exit_code == 0, written.output
    assert [entry["file"] for entry in json.loads((real / "baseline.json").read_text(encoding="utf-8"))["findings"]] == ["sub/bad.json"]
    again = cli("check", "sub/bad.json", "--baseline", f"{link}/baseline.json", "--fail-on", "warning")
    assert again.exit_code == 0 and "1 known finding hidden" in again.stdout, again.output
    (real / ".sdelint.yaml").write_text("overrides:\n  - files: [/sub/bad.json]\n    rules:\n      currency-code: off\n", encoding="utf-8")
    for name in ("sub/bad.json", f"{link}/sub/bad.json"):
        result = cli("check", name, "--fail-on", "warning")
        assert result.exit_code == 0 and "0 warnings" in result.stdout, (name, result.output)


# --- small usage errors -------------------------------------------------------------------------------


def test_an_empty_stdin_filename_is_a_usage_error(cli):
    """`--stdin-filename "$UNSET"` was accepted, and the findings came out named "" (":1:117: ...") or "."."""
    result = cli("check", "-", "--stdin-filename", "", input=b'{"events": []}')
    assert result.exit_code == 2 and "--stdin-filename" in result.stderr and "an empty name" in result.stderr, result.output


@pytest.mark.parametrize("option, name", [("-o", "newdir/"), ("-o", "newdir/."), ("--write-baseline", "newdir/")])
def test_a_file_to_write_that_names_a_directory_is_a_usage_error(tmp_path, cli, monkeypatch, option, name):
    """`-o newdir/` with newdir missing wrote a file named newdir (Path drops the trailing separator)."""
    monkeypatch.chdir(tmp_path)
    result = cli("check", str(EXAMPLE), option, name)
    assert result.exit_code == 2 and f"{name!r} names a directory" in result.stderr, result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/version").is_file(), reason="needs Linux's /proc")
def test_a_report_into_a_folder_that_takes_no_new_file_says_why(tmp_path, cli):
    """`-o /proc/version` said "No such file or directory" of a file that exists: the temporary file beside it is
    what /proc refuses. The message names the report and the folder's refusal; the write stays atomic."""
    result = cli("check", str(EXAMPLE), "-o", "/proc/version")
    assert result.exit_code == 2
    said = result.stderr.strip().splitlines()[-1]
    assert said.startswith("sdelint: error: /proc/version: cannot create a file beside it in /proc (No such file or directory)"), said
    assert ".tmp" not in said


def test_dash_as_output_is_stdout_and_refused_as_a_baseline(run_sdelint, tmp_path):
    """`-o -` wrote a file named "-" (as inputs, "-" is the standard stream); a baseline cannot go to stdout."""
    shutil.copy(EXAMPLE, tmp_path / "capture.json")
    plain = run_sdelint("check", "--format", "json", "capture.json")
    dashed = run_sdelint("check", "--format", "json", "-o", "-", "capture.json")
    assert dashed.returncode == plain.returncode == 0  # warnings only
    assert dashed.stdout == plain.stdout and json.loads(dashed.stdout)["findings"]
    assert not (tmp_path / "-").exists()
    baseline = run_sdelint("check", "--write-baseline", "-", "capture.json")
    assert baseline.returncode == 2 and b"a baseline is a file" in baseline.stderr and not (tmp_path / "-").exists()
    named = run_sdelint("check", "--write-baseline", "./-", "capture.json")
    assert named.returncode == 0 and json.loads((tmp_path / "-").read_text())


def test_a_deleted_working_directory_is_named(tmp_path):
    """A shell left in a removed folder: os.getcwd() fails naming no file, and the run said only "No such file or directory"."""
    gone = tmp_path / "gone"
    script = 'cd "$1" && rmdir "$1" && shift && exec "$@"'
    for args in (["check", str(EXAMPLE)], ["rules"]):
        gone.mkdir()
        result = subprocess.run(["sh", "-c", script, "sh", str(gone), *sdelint_command(), *args], capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, result.stderr
        assert "the working directory no longer exists" in result.stderr and "Traceback" not in result.stderr


def test_write_baseline_replaces_only_what_sdelint_wrote(run_sdelint, tmp_path):
    """`--write-baseline fixtures/*.json`: the shell made the first capture the target, and the baseline replaced it."""
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    for name in ("a.json", "b.json"):
        shutil.copy(EXAMPLE, fixtures / name)
    original = (fixtures / "a.json").read_bytes()
    refused = run_sdelint("check", "--write-baseline", "fixtures/a.json", "fixtures/b.json")
    assert refused.returncode == 2 and b"holds something sdelint did not write" in refused.stderr
    assert (fixtures / "a.json").read_bytes() == original
    baseline = tmp_path / "baseline.json"
    merged = b'{\n  "sdelint_baseline": 1,\n<<<<<<< HEAD\n  "tool_version": "0.1.0",\n=======\n  "tool_version": "0.2.0",\n>>>>>>> other\n'
    for earlier in (b"", merged, None):  # (a merge conflicts below the first key, which never changes)
        if earlier is None:  # a baseline written before
            assert run_sdelint("check", "--write-baseline", "baseline.json", "fixtures/b.json").returncode == 0
        else:
            baseline.write_bytes(earlier)
        written = run_sdelint("check", "--write-baseline", "baseline.json", "fixtures/b.json")
        assert written.returncode == 0, written.stderr
        assert json.loads(baseline.read_text())["sdelint_baseline"] == 1


def test_what_write_baseline_and_output_take_for_sdelints_own_files(run_sdelint, tmp_path):
    """A review: a capture that mentions "sdelint_baseline" was replaced by a baseline; a merge-broken baseline met by a walk
    was refused; a baseline whose keys another tool sorted was replaced by -o (its head read as a JSON report); a file of
    one newline and a report saved with CRLF were refused as not sdelint's."""
    shutil.copy(EXAMPLE, tmp_path / "a.json")
    capture = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    mentioning = tmp_path / "mentioning.json"
    mentioning.write_text(json.dumps({"note": "sdelint_baseline", **capture}, indent=2), encoding="utf-8")
    original = mentioning.read_bytes()
    refused = run_sdelint("check", "--write-baseline", "mentioning.json", "a.json")
    assert refused.returncode == 2 and mentioning.read_bytes() == original
    named = run_sdelint("check", "--write-baseline", "mentioning.json", "a.json", "mentioning.json")
    assert named.returncode == 2 and b"is one of the inputs" in named.stderr and mentioning.read_bytes() == original
    # a baseline a merge left broken, met by a walk of its folder: rewritten
    walked = tmp_path / "walked"
    walked.mkdir()
    shutil.copy(EXAMPLE, walked / "a.json")
    assert run_sdelint("check", "--write-baseline", "base.json", ".", cwd=walked).returncode == 0
    lines = (walked / "base.json").read_text(encoding="utf-8").splitlines(keepends=True)
    (walked / "base.json").write_text("".join([*lines[:4], "<<<<<<< HEAD\n", "=======\n", ">>>>>>> other\n", *lines[4:]]), encoding="utf-8")
    rewritten = run_sdelint("check", "--write-baseline", "base.json", ".", cwd=walked)
    assert rewritten.returncode == 0, rewritten.stderr
    assert json.loads((walked / "base.json").read_text(encoding="utf-8"))["sdelint_baseline"] == 1
    # a baseline with its keys sorted (jq -S), its marker past the first 4 KiB
    baseline = json.loads((walked / "base.json").read_text(encoding="utf-8"))
    baseline["findings"] *= 20
    for name, indent in (("sorted.json", 2), ("sorted-min.json", None)):
        (tmp_path / name).write_text(json.dumps(baseline, indent=indent, sort_keys=True), encoding="utf-8")
    kept = (tmp_path / "sorted.json").read_bytes()
    output = run_sdelint("check", "-o", "sorted.json", "a.json")
    assert output.returncode == 2 and b"holds a baseline" in output.stderr and (tmp_path / "sorted.json").read_bytes() == kept
    assert run_sdelint("check", "--write-baseline", "sorted-min.json", "a.json").returncode == 0
    # nothing to lose, or an earlier report saved with CRLF
    (tmp_path / "newline.json").write_text("\n", encoding="utf-8")
    report = run_sdelint("check", "a.json").stdout.replace(b"\n", b"\r\n")
    (tmp_path / "report.txt").write_bytes(report)
    for target in ("newline.json", "report.txt"):
        assert run_sdelint("check", "--write-baseline", target, "a.json").returncode == 0, target


def test_an_is_authenticated_flag_in_a_container_is_named_as_the_flag_it_is(sdelint, tmp_path):
    """A verdict sweep: isAuthenticated inside customerInfo (as the example's unAuthSdes events carry it) made the input
    v2, rightly, but the reason called it 'typed boolean at ...', as if it were an attribute value."""
    event = {"customerInfo": {"serverTimeStamp": "1528628536879", "isAuthenticated": False, "customerInfo": {"customerId": "c-1"}},
             "sdeType": "CUSTOMER_INFO", "serverTimeStamp": "1528628536879"}
    path = tmp_path / "container-flag.json"
    path.write_text(json.dumps({"sdes": {"events": [event]}}), encoding="utf-8")
    result = sdelint("check", "-v", str(path))
    assert f"{path}: v2 record (has isAuthenticated at /sdes/events/0/customerInfo/isAuthenticated), 1 event; default configuration" in result.lines


# --- what stderr says about names that came from the files -------------------------------------------------

FORGED = "a\n::error file=x.json::forged"  # a folder name a pull request may add: its own line would be a workflow command


def _no_forged_line(text: str) -> None:
    assert not [line for line in text.splitlines() if line.startswith("::")], text
    assert "a\\n::error file=x.json::forged" in text, text


def test_a_configuration_error_escapes_a_folder_name_s_line_break(cli, tmp_path, monkeypatch):
    """A broken configuration in a folder named with a line break: the error's path wrote two lines on stderr, the second
    an ``::error`` workflow command GitHub Actions obeys (an annotation of the pull request's choosing)."""
    folder = tmp_path / FORGED
    folder.mkdir()
    (folder / ".sdelint.yaml").write_text("rules: [\n", encoding="utf-8")
    shutil.copy(EXAMPLE, folder / "capture.json")
    monkeypatch.chdir(tmp_path)
    result = cli("check", "--format", "github", f"{FORGED}/capture.json")
    assert result.exit_code == 2
    _no_forged_line(result.stderr)


def test_an_invalid_configuration_listing_escapes_the_name_and_keeps_its_lines(cli, tmp_path, monkeypatch):
    folder = tmp_path / FORGED
    folder.mkdir()
    (folder / ".sdelint.yaml").write_text("api-version: v3\nfail-on: bad\n", encoding="utf-8")
    shutil.copy(EXAMPLE, folder / "capture.json")
    monkeypatch.chdir(tmp_path)
    result = cli("check", f"{FORGED}/capture.json")
    assert result.exit_code == 2
    _no_forged_line(result.stderr)
    lines = result.stderr.splitlines()
    assert lines[0] == "sdelint: error: invalid configuration:" and len(lines) == 3 and all(line.startswith("  ") for line in lines[1:]), lines


def test_a_usage_error_escapes_a_path_s_line_break(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("check", f"{FORGED}.json")
    assert result.exit_code == 2
    _no_forged_line(result.stderr)
    assert result.stderr.splitlines()[-1] == "Error: path does not exist: a\\n::error file=x.json::forged.json"


def test_a_note_escapes_a_walked_file_s_name(cli, tmp_path, monkeypatch):
    """A report met in a folder walk is named in a note: a bidi override in its name reversed the rest of the line."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(EXAMPLE, tmp_path / "capture.json")
    report = cli("check", "--format", "json", "capture.json").stdout
    (tmp_path / "r\u202enosj.json").write_text(report, encoding="utf-8")
    result = cli("check", ".")
    assert "sdelint: note: r\\u202enosj.json holds an sdelint report: not checked" in result.stderr, result.stderr
    assert "\u202e" not in result.stderr


# --------------------------------------------------------------------------- what stderr says, labelled


def test_every_stderr_line_is_labelled_error_warning_or_note(sdelint, tmp_path):
    """Notes read "sdelint: ...", some "sdelint: note: ...", and errors "sdelint: ..." as well: an error could not be told
    from a note, and a note about a folder named "error" read "sdelint: error: no file matching ..."."""
    (tmp_path / "error").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "c.json")
    noted = sdelint("check", "--statistics", "--format", "json", "--fail-on", "info", "error", "c.json", cwd=tmp_path)
    assert noted.code == 1, noted.err  # warnings, at or above --fail-on info
    assert noted.err.splitlines() == [
        "sdelint: note: error: no file matching *.json, *.jsonl, *.ndjson, *.json.gz, *.jsonl.gz, *.ndjson.gz in this directory",
        "sdelint: note: --statistics is for --format text: the json report lists the findings (its summary counts findings by rule: by_rule)",
        "sdelint: warning: --fail-on info cannot fail on info findings: they are below the lowest severity shown (warning); add --min-severity info",
    ]
    wrong = sdelint("check", "--ignore", "message-ig", "c.json", cwd=tmp_path)
    assert (wrong.code, wrong.out) == (2, "")
    assert wrong.err == "sdelint: error: unknown rule 'message-ig' in --ignore (did you mean 'message-id'?) (see 'sdelint rules')\n"
    written = sdelint("check", "--write-baseline", "base.json", "c.json", cwd=tmp_path)
    assert (written.code, written.err) == (0, "sdelint: note: wrote 15 findings to the baseline base.json\n")


def test_api_version_on_inputs_without_versions_says_it_is_not_used(sdelint, tmp_path):
    """--api-version on Engagement History or web-side inputs was dropped without a word, where every other option a
    run does not use (--stdin-filename, --statistics, schema's --api-version) gets a note."""
    (tmp_path / "eh.json").write_text(json.dumps({
        "interactionHistoryRecords": [{"info": {"engagementId": "1"}, "sdes": {"events": []}}], "_metadata": {"count": 1},
    }), encoding="utf-8")
    (tmp_path / "page.html").write_text('<script>lpTag.sdes.push({"type": "cart", "total": 1, "numItems": 1});</script>\n', encoding="utf-8")
    shutil.copy(EXAMPLE, tmp_path / "c.json")
    unused = sdelint("check", "--api-version", "v1", "eh.json", "page.html", cwd=tmp_path)
    assert unused.code == 0 and unused.err == (
        "sdelint: note: --api-version is for Messaging Interactions payloads: the inputs were checked as engagement-history"
        " and web, whose contracts are their own (not used)\n"
    ), unused.err
    web = sdelint("check", "--api-version", "v2", "--profile", "web", "page.html", cwd=tmp_path)
    assert "checked as web, whose contracts are their own (not used)" in web.err
    # used for one input: nothing to say; nor when no version is named
    assert sdelint("check", "--api-version", "v2", "eh.json", "c.json", cwd=tmp_path).err == ""
    assert sdelint("check", "--api-version", "auto", "eh.json", cwd=tmp_path).err == ""
    assert sdelint("check", "eh.json", "page.html", cwd=tmp_path).err == ""


@pytest.mark.parametrize("encoding", ["ascii", "ascii:strict", "latin-1"])
def test_stderr_names_a_file_as_the_report_does_in_the_streams_encoding(run_sdelint, tmp_path, encoding):
    """With PYTHONIOENCODING=ascii the report wrote ``n\\xf6.json`` and click wrote the notes and usage errors about the
    same file in UTF-8 (its fallback for an ASCII stream): two spellings of one name, bytes an ASCII log cannot read."""
    (tmp_path / "dïr").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "ün.json")
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    codec = encoding.split(":")[0]

    def run(*args: str) -> tuple[int, str, str]:
        done = subprocess.run([*sdelint_command(), *args], capture_output=True, cwd=tmp_path, env=env, timeout=60)
        return done.returncode, done.stdout.decode(codec), done.stderr.decode(codec)  # strict: bytes of no other encoding

    named = "\\xfcn.json" if codec == "ascii" else "ün.json"
    folder = "d\\xefr" if codec == "ascii" else "dïr"
    code, out, err = run("check", "-q", "--select", "message-id", "ün.json", "dïr")
    assert code == 0 and out.startswith(f"{named}:95:19: warning message-id ") and "Traceback" not in err
    assert err == f"sdelint: note: {folder}: no file matching *.json, *.jsonl, *.ndjson, *.json.gz, *.jsonl.gz, *.ndjson.gz in this directory\n"
    code, out, err = run("check", "nö.json")
    assert (code, out) == (2, "") and err.endswith("Error: path does not exist: " + ("n\\xf6.json" if codec == "ascii" else "nö.json") + "\n"), err
    code, out, err = run("explain", "rüle")
    assert code == 2 and "Error: Invalid value for RULE: unknown rule " + ("'r\\xfcle'" if codec == "ascii" else "'rüle'") in err, err


def test_a_broken_configuration_stops_only_the_runs_that_use_it(sdelint, tmp_path):
    """`sdelint check ../other/x.json` from a folder whose configuration was half edited stopped with that file's error
    (exit 2): it is read before the inputs are known, for its cluster: setting, though no input is under it."""
    here, elsewhere = tmp_path / "here", tmp_path / "elsewhere"
    (here / "sub").mkdir(parents=True)
    elsewhere.mkdir()
    (here / ".sdelint.yaml").write_text("rules: [\n", encoding="utf-8")
    (here / "sub" / ".sdelint.yaml").write_text("rules: {message-id: 'off'}\n", encoding="utf-8")
    for folder in (here, here / "sub", elsewhere):
        shutil.copy(EXAMPLE, folder / "c.json")
    error = f"{here / '.sdelint.yaml'}:2:1: invalid YAML: while parsing a flow node expected the node content, but found '<stream end>'"
    for outside in ("../elsewhere/c.json", "sub/c.json"):  # the nearest configuration of each is another
        run = sdelint("check", "-q", outside, cwd=here)
        assert run.code == 0, run.err
        assert run.err == (
            "sdelint: warning: the current folder's configuration cannot be used, and no input is under it (its cluster:"
            f" setting, if any, was not used): {error}\n"
        )
    assert sdelint("check", "-q", "--config", "sub/.sdelint.yaml", "c.json", cwd=here).err == ""
    for uses_it in (("check", "c.json"), ("check", "c.json", "../elsewhere/c.json"), ("rules",), ("explain", "message-id")):
        stopped = sdelint(*uses_it, cwd=here)
        assert (stopped.code, stopped.out, stopped.err) == (2, "", f"sdelint: error: {error}\n"), uses_it
    assert sdelint("--version", cwd=here).code == 0


def test_write_baseline_under_pre_commit_reads_the_earlier_file_once_and_names_what_it_did(cli, tmp_path, monkeypatch):
    """Under pre-commit a written baseline fails the hook when it is new or changed. The earlier file is read once (it
    was read three times: before, for its entries, after), and one that exists but cannot be read (permissions) was
    said to be "created"; it is "changed", and a rewrite to the same bytes passes."""
    from validator import baseline as baseline_module

    shutil.copy(EXAMPLE, tmp_path / "capture.json")
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "baseline.json"
    reads: list[Path] = []
    real_read = baseline_module.read_file
    refused = {"now": False}

    def counted(path, *args):
        if Path(path).name == "baseline.json":
            reads.append(Path(path))
            if refused["now"]:
                raise PermissionError(13, "Permission denied", str(path))
        return real_read(path, *args)

    monkeypatch.setattr(baseline_module, "read_file", counted)
    monkeypatch.setattr(sys.modules["validator.cli"], "read_file", counted, raising=False)  # where it read them before
    env = {"PRE_COMMIT": "1"}
    first = cli("check", "--write-baseline", "baseline.json", "capture.json", env=env)
    assert first.exit_code == 1 and "the baseline baseline.json was created: git add it" in first.output
    written = target.read_bytes()
    reads.clear()
    again = cli("check", "--write-baseline", "baseline.json", "capture.json", env=env)
    assert again.exit_code == 0 and "git add it" not in again.output
    assert len(reads) == 1 and target.read_bytes() == written
    refused["now"] = True
    unreadable = cli("check", "--write-baseline", "baseline.json", "capture.json", env=env)
    assert unreadable.exit_code == 1 and "the baseline baseline.json was changed: git add it" in unreadable.output


def test_write_baseline_keeps_saying_why_an_earlier_baseline_was_dropped_and_leaves_a_device_alone(cli, tmp_path, monkeypatch):
    """Reading the earlier baseline once must not lose why it could not be read (one past the size read: its entries
    for other files are dropped, and the run says so), and a device named as the baseline (/dev/null, which reads back
    nothing) is no changed file: under pre-commit the hook passes."""
    from validator import baseline as baseline_module

    shutil.copy(EXAMPLE, tmp_path / "capture.json")
    monkeypatch.chdir(tmp_path)
    entries = [{"file": "other.json", "rule": "r", "pointer": f"/{i}", "value_hash": "0" * 16, "severity": "warning", "message": "m"}
               for i in range(50)]
    (tmp_path / "baseline.json").write_text(json.dumps({"sdelint_baseline": 1, "findings": entries}, indent=2) + "\n")
    (tmp_path / "other.json").write_bytes(b"{}")
    monkeypatch.setattr(baseline_module, "MAX_BASELINE_BYTES", 1000)
    dropped = cli("check", "--write-baseline", "baseline.json", "capture.json")
    assert dropped.exit_code == 0
    assert "the earlier baseline cannot be read, so none of its entries are kept" in dropped.output and "larger than 1000 bytes" in dropped.output
    device = cli("check", "--write-baseline", os.devnull, "capture.json", env={"PRE_COMMIT": "1"})
    assert device.exit_code == 0 and "git add it" not in device.output


@pytest.mark.parametrize(("rule", "applies"), [
    ("not-checkable", "every input, whatever its profile"),
    ("syntax-error", "every input, whatever its profile"),
    ("wrong-type", "API v1, v2; profiles messaging, engagement-history, web"),
    ("unknown-sde-type", "API v1, v2; profiles messaging"),
    ("v1-alphanumeric", "API v1; profiles messaging"),
    ("numeric-string", "API v2; profiles messaging"),
])
def test_explain_says_where_a_rule_applies(cli, rule, applies):
    """Input and schema rules said "API v1, v2", though not-checkable only arises in web sources and a syntax error or a
    wrong type in any profile: an input rule applies to every input, a schema rule to the profiles whose schemas give it."""
    explained = cli("explain", rule)
    assert explained.exit_code == 0 and f"Applies to: {applies}\n" in explained.output


@pytest.mark.parametrize("output_format", ["github", "json", "sarif"])
def test_verbose_with_a_format_it_does_not_change_says_so(cli, output_format):
    """-v only adds lines to the text format: with another it did nothing, silently, where --statistics gets a note."""
    quiet = cli("check", "--format", output_format, EXAMPLE)
    verbose = cli("check", "-v", "--format", output_format, EXAMPLE)
    assert verbose.exit_code == quiet.exit_code == 0
    assert f"sdelint: note: -v/--verbose is for --format text: the {output_format} report is written as without it" in verbose.stderr
    assert ("files list" in verbose.stderr) is (output_format == "json")
    assert "-v/--verbose" not in cli("check", "-v", EXAMPLE).stderr
