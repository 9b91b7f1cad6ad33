"""The CI output formats, each checked against what its real consumer reads.

Every test runs the real command (in-process through click, and at least once as
the installed ``sdelint`` in a subprocess) on the specification's example
(warnings and info), the unrepaired example (a syntax error) and a crafted input
whose messages, JSON Pointers and file name hold characters each format must
escape: ``%``, ``,``, ``:``, CR/LF, ``<&>``, quotes, control characters,
non-ASCII and astral characters.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

import junitparser
import pytest
import xmlschema
from jsonschema import Draft4Validator, FormatChecker
from jsonschema.validators import validator_for

from validator.findings import Finding
from validator.linter import Linter
from validator.report import REPORTERS
from validator.report.common import escape_controls, pointer_label, stable_fingerprints
from validator.report.github import GithubReporter
from validator.report.gitlab import GitlabReporter
from validator.report.junit import JunitReporter
from validator.report.sarif import SarifReporter
from validator.result import FileResult
from validator.rules.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
EXAMPLE = "examples/conversation-response.json"
UNREPAIRED = "tests/data/spec-example-unrepaired.json"
FORMATS = ("sarif", "junit", "github", "json-lines", "gitlab")

SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITLAB_SEVERITY = {"error": "critical", "warning": "major", "info": "info"}

# A custom rule's message is the one place a finding's message can hold raw
# control characters; the crafted key puts them into a JSON Pointer as well.
TRICKY_MESSAGE = "100% <&> \"dq\" 'sq' é€😀\r\nline2 ::error::x\x01\x1f end {value} at {pointer}"
TRICKY_NAME = "we:ird,100% <&>.json"
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What no human-readable report may print raw: C0, DEL, C1, line/paragraph separators, bidi controls, lone surrogates.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


# --- helpers -----------------------------------------------------------------------------


@pytest.fixture
def in_root(monkeypatch):
    """Run from the repository root, so reported paths are the relative ones CI tools need."""
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.fixture
def tricky(tmp_path, monkeypatch) -> Path:
    """A folder (the working directory) with a custom rule and a payload that need escaping everywhere."""
    config = (
        "custom-rules:\n"
        "  - name: house-currency\n"
        "    where: cartStatus.currency\n"
        "    check: pattern\n"
        "    options: {regex: '^[A-Z]{3}$'}\n"
        "    severity: error\n"
        f"    message: {json.dumps(TRICKY_MESSAGE, ensure_ascii=False)}\n"
    )
    (tmp_path / ".sdelint.yaml").write_text(config, encoding="utf-8")
    event = {
        "cartStatus": {
            "serverTimeStamp": "1528628536879",
            "currency": "50%<&>\"'\n\x01",
            "we,ird:%<&>\"'\n\x01key": "x",
            "total": "11.7",
        },
        "sdeType": "CART_STATUS",
        "serverTimeStamp": "1528628536879",
        "isAuthenticated": False,
    }
    (tmp_path / TRICKY_NAME).write_text(json.dumps({"events": [event]}, indent=2, ensure_ascii=False), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(cli, *args):
    """A check with every severity shown: these tests are about how each format renders all three."""
    if "--min-severity" not in args:
        args = ("--min-severity", "info", *args)
    result = cli("check", *args)
    return result.stdout, result.exit_code


@pytest.mark.parametrize("output_format", ["text", "json", "json-lines", "sarif", "junit", "github", "gitlab"])
def test_findings_below_the_default_threshold_are_in_no_format(cli, in_root, output_format):
    """--min-severity defaults to warning: no info finding is written, in any format."""
    shown, _ = run(cli, "--format", output_format, EXAMPLE)
    default, code = run(cli, "--format", output_format, "--min-severity", "warning", EXAMPLE)
    assert code == 0
    if output_format == "sarif":  # the rules' metadata lists every rule: look at the results
        shown = " ".join(r["ruleId"] for r in json.loads(shown)["runs"][0]["results"])
        default = " ".join(r["ruleId"] for r in json.loads(default)["runs"][0]["results"])
    assert "numeric-string" in shown and "numeric-string" not in default
    assert "timestamp-order" in default


def json_findings(cli, *paths) -> list[dict]:
    out, _ = run(cli, *paths, "--format", "json")
    return json.loads(out)["findings"]


def tricky_findings(cli) -> list[dict]:
    findings = json_findings(cli, TRICKY_NAME)
    # the crafted input really exercises the escaping: raw controls in a message and in a pointer
    assert any("\r\n" in f["message"] and "\x01" in f["message"] and "%" in f["message"] for f in findings)
    assert any("\n" in f["pointer"] and "\x01" in f["pointer"] for f in findings)
    assert {f["severity"] for f in findings} >= {"error", "warning", "info"}
    return findings


def _uri_ok(text: str, absolute: bool) -> bool:
    """RFC 3986: only unreserved, reserved and percent-encoded characters; an absolute URI has a scheme."""
    if not re.fullmatch(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*", text):
        return False
    if absolute:
        return re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", text) is not None
    first = text.split("/", 1)[0]
    return ":" not in first  # a relative reference's first segment cannot hold a colon


def sarif_validator() -> Draft4Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = validator_for(schema)
    assert cls is Draft4Validator  # the OASIS schema declares draft-04
    cls.check_schema(schema)
    checker = FormatChecker()
    checker.checks("uri")(lambda value: not isinstance(value, str) or _uri_ok(value, absolute=True))
    checker.checks("uri-reference")(lambda value: not isinstance(value, str) or _uri_ok(value, absolute=False) or _uri_ok(value, absolute=True))
    checker.checks("date-time")(lambda value: not isinstance(value, str) or bool(datetime.fromisoformat(value.replace("Z", "+00:00"))))
    return cls(schema, format_checker=checker)


def assert_valid_sarif(document: dict) -> None:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in sarif_validator().iter_errors(document)]
    assert errors == []


def github_unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def xml_clean(text: str) -> str:
    return XML_FORBIDDEN.sub("", text)


# --- every format --------------------------------------------------------------------------


def test_every_format_is_offered_by_the_cli(cli):
    assert set(FORMATS) <= set(REPORTERS)
    help_text = cli("check", "--help").stdout
    for name in FORMATS:
        assert name in help_text


@pytest.mark.parametrize("fmt", FORMATS)
def test_exit_codes_do_not_depend_on_the_format(cli, in_root, fmt):
    assert run(cli, EXAMPLE, "--format", fmt)[1] == 0
    assert run(cli, UNREPAIRED, "--format", fmt)[1] == 1
    assert run(cli, EXAMPLE, "--format", fmt, "--fail-on", "warning")[1] == 1
    assert run(cli, UNREPAIRED, "--format", fmt, "--exit-zero")[1] == 0


def test_installed_command_sarif_on_the_example(run_sdelint):
    """The real executable in a subprocess, from outside the repository: absolute paths become file: URIs."""
    good = run_sdelint("check", ROOT / EXAMPLE, "--format", "sarif")
    assert good.returncode == 0 and good.stderr == b""
    document = json.loads(good.stdout.decode("utf-8"))
    assert_valid_sarif(document)
    locations = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]}
    assert locations == {(ROOT / EXAMPLE).as_uri()}


@pytest.mark.parametrize("fmt", FORMATS)
def test_installed_command_writes_each_format(run_sdelint, fmt):
    """The real executable on the unrepaired example: exit 1, nothing on stderr, the consumer's format on stdout."""
    bad = run_sdelint("check", ROOT / UNREPAIRED, "--format", fmt)
    assert bad.returncode == 1 and bad.stderr == b"", bad.stderr
    text = bad.stdout.decode("utf-8")
    if fmt == "sarif":
        document = json.loads(text)
        assert_valid_sarif(document)
        uri = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        assert uri == {"uri": (ROOT / UNREPAIRED).as_uri(), "index": 0}  # outside the working directory: no base id
    elif fmt == "junit":
        assert ET.fromstring(text).find("testsuite").get("failures") == "2"
    elif fmt == "github":
        assert text.startswith(f"::error file={str(ROOT / UNREPAIRED).replace(':', '%3A')},line=528,col=8,title=syntax-error::")
    elif fmt == "json-lines":
        assert [json.loads(line)["rule"] for line in text.splitlines()] == ["syntax-error", "syntax-error"]
    else:
        assert json.loads(text)[0]["location"] == {"path": str(ROOT / UNREPAIRED), "lines": {"begin": 528}}


@pytest.mark.parametrize("fmt", ("sarif", "junit", "gitlab"))
def test_output_file_holds_the_same_report(cli, in_root, tmp_path, fmt):
    """The README's CI recipes write reports with -o; the file is what stdout would have shown."""
    target = tmp_path / "reports" / f"sdelint.{fmt}"
    out, code = run(cli, EXAMPLE, UNREPAIRED, "--format", fmt, "-o", target)
    assert (out, code) == ("", 1)
    assert target.read_text(encoding="utf-8") == run(cli, EXAMPLE, UNREPAIRED, "--format", fmt)[0]


# --- sarif ---------------------------------------------------------------------------------


def check_sarif_against_json(document: dict, findings: list[dict], files: list[str], rules: dict) -> None:
    assert document["version"] == "2.1.0" and len(document["runs"]) == 1
    run_ = document["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "sdelint" and driver["version"]
    descriptors = driver["rules"]
    assert [d["id"] for d in descriptors] == sorted({f["rule"] for f in findings})
    for descriptor in descriptors:
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", descriptor["name"]) and descriptor["name"].lower() == descriptor["id"].replace("-", "").lower()
        assert f"sdelint explain {descriptor['id']}" in descriptor["help"]["text"] and descriptor["help"]["markdown"].startswith("```")
        spec = rules.get(descriptor["id"])
        if spec is not None:
            assert descriptor["help"]["text"].startswith(f"{descriptor['id']}: {spec.summary}\n")  # the explain text
            assert descriptor["shortDescription"]["text"] == spec.summary
            assert descriptor["fullDescription"]["text"] == " ".join(spec.rationale.split())
            assert descriptor["defaultConfiguration"]["level"] == {"off": "none", **SARIF_LEVEL}[spec.severity]
    artifacts = [unquote(a["location"]["uri"]) for a in run_["artifacts"]]
    assert artifacts == files
    results = run_["results"]
    assert len(results) == len(findings)
    for result, finding in zip(results, findings, strict=True):
        assert result["ruleId"] == finding["rule"]
        assert descriptors[result["ruleIndex"]]["id"] == finding["rule"]
        assert result["level"] == SARIF_LEVEL[finding["severity"]]
        assert result["message"]["text"] == finding["message"]
        location = result["locations"][0]
        physical = location["physicalLocation"]
        artifact = physical["artifactLocation"]
        assert unquote(artifact["uri"]) == finding["file"] and artifact["uriBaseId"] == "%SRCROOT%"
        assert run_["artifacts"][artifact["index"]]["location"]["uri"] == artifact["uri"]
        assert physical["region"] == {"startLine": finding["line"], "startColumn": finding["column"]}
        assert result["properties"]["jsonPointer"] == finding["pointer"]
        if finding["pointer"]:
            assert location["logicalLocations"][0]["fullyQualifiedName"] == finding["pointer"]
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in results]
    assert len(set(hashes)) == len(hashes)


def test_sarif_example_and_unrepaired_validate_and_match_json(cli, in_root):
    out, code = run(cli, EXAMPLE, UNREPAIRED, "--format", "sarif")
    assert code == 1
    document = json.loads(out)
    assert_valid_sarif(document)
    findings = json_findings(cli, EXAMPLE, UNREPAIRED)
    assert {f["severity"] for f in findings} == {"error", "warning", "info"}
    check_sarif_against_json(document, findings, [EXAMPLE, UNREPAIRED], load_catalogue())
    run_ = document["runs"][0]
    assert run_["columnKind"] == "unicodeCodePoints"  # sdelint's columns count characters
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"
    syntax = [r for r in run_["results"] if r["ruleId"] == "syntax-error"]
    assert [r["locations"][0]["physicalLocation"]["region"] for r in syntax] == [{"startLine": 528, "startColumn": 8}, {"startLine": 528, "startColumn": 44}]
    assert "logicalLocations" not in syntax[0]["locations"][0]  # the document root has no member name


def test_sarif_escapes_the_crafted_input(cli, tricky):
    findings = tricky_findings(cli)
    out, code = run(cli, TRICKY_NAME, "--format", "sarif")
    assert code == 1
    assert out.isascii()  # everything else is escaped: no console encoding can spoil the file
    document = json.loads(out)
    assert_valid_sarif(document)
    uri = document["runs"][0]["artifacts"][0]["location"]["uri"]
    assert uri == "we%3Aird%2C100%25%20%3C%26%3E.json"
    catalogue = load_catalogue()
    check_sarif_against_json(document, findings, [TRICKY_NAME], catalogue)
    custom = next(d for d in document["runs"][0]["tool"]["driver"]["rules"] if d["id"] == "house-currency")
    assert custom["shortDescription"]["text"]  # a custom rule still has a descriptor with a description


def test_sarif_without_positions_is_valid_and_has_region_1_1():
    """Parsed objects (the Python API) give findings at line 0: GitHub requires a region, so they are at 1:1."""
    result = Linter().lint_object({"events": [{"cartStatus": {"serverTimeStamp": "1", "currency": "Dollar", "Currency": "x"}, "sdeType": "CART_STATUS", "serverTimeStamp": "1"}]}, name="api-object.json")
    assert result.findings and all(f.line == 0 for f in result.findings)
    document = SarifReporter().document([result])
    assert_valid_sarif(document)
    for r in document["runs"][0]["results"]:
        physical = r["locations"][0]["physicalLocation"]
        assert physical["region"] == {"startLine": 1, "startColumn": 1} and physical["artifactLocation"]["uri"] == "api-object.json"


def test_sarif_descriptor_levels_follow_the_catalogue_not_the_configuration(tmp_path, cli, in_root):
    config = tmp_path / "cfg.yaml"
    config.write_text("rules:\n  numeric-string: error\n", encoding="utf-8")
    document = json.loads(run(cli, EXAMPLE, "--format", "sarif", "--config", config)[0])
    run_ = document["runs"][0]
    descriptor = next(d for d in run_["tool"]["driver"]["rules"] if d["id"] == "numeric-string")
    assert descriptor["defaultConfiguration"]["level"] == "note"  # the rule's default (info)
    levels = {r["level"] for r in run_["results"] if r["ruleId"] == "numeric-string"}
    assert levels == {"error"}  # each result carries the configured severity


# --- junit ---------------------------------------------------------------------------------


def check_junit(out: str, findings: list[dict], files: list[str]) -> ET.Element:
    """One suite per file, one case per finding (at most one failure each), a clean file one passing case."""
    assert out.isascii() and not XML_FORBIDDEN.search(out)
    root = ET.fromstring(out)
    assert root.tag == "testsuites" and "skipped" not in root.attrib  # pytest's xunit2 schema has no skipped here
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == [xml_clean(escape_controls(f)) for f in files]
    total_cases = total_failures = 0
    for suite, file in zip(suites, files, strict=True):
        mine = [f for f in findings if f["file"] == file]
        cases = suite.findall("testcase")
        assert all("file" not in case.attrib for case in cases)  # not in pytest's xunit2 schema
        assert {case.get("classname") for case in cases} == {suite.get("name")}
        failures = [case.find("failure") for case in cases if case.find("failure") is not None]
        assert all(len(case.findall("failure")) <= 1 for case in cases)
        if not mine:
            assert len(cases) == 1 and cases[0].get("name") == "no findings" and len(cases[0]) == 0
        else:
            assert len(cases) == len(mine)
        for case, finding in zip(cases, mine, strict=False):
            failure, system_out = case.find("failure"), case.find("system-out")
            text = (failure if failure is not None else system_out).text
            assert case.get("name") == xml_clean(f"{finding['line']}:{finding['column']} {finding['rule']} {pointer_label(finding['pointer'])}")
            assert text == xml_clean(f"{escape_controls(finding['file'])}:{finding['line']}:{finding['column']}: {finding['severity']} {finding['rule']} ") + xml_clean(
                f"{escape_controls(finding['message'])} {pointer_label(finding['pointer'])}\n"
            )
            if finding["severity"] in ("error", "warning"):
                assert failure is not None and system_out is None
                assert failure.get("type") == finding["rule"]
                assert failure.get("message") == xml_clean(escape_controls(finding["message"]))
            else:
                assert failure is None and system_out is not None  # info: a passing case that still shows the finding
        assert suite.get("tests") == str(len(cases)) and suite.get("failures") == str(len(failures))
        assert suite.get("errors") == "0" and suite.get("skipped") == "0"
        total_cases += len(cases)
        total_failures += len(failures)
    assert total_failures == sum(f["severity"] in ("error", "warning") for f in findings)
    assert root.get("tests") == str(total_cases) and root.get("failures") == str(total_failures) and root.get("errors") == "0"
    for element in root.iter():  # what a viewer shows: attribute values and the finding lines, escaped
        assert not any(UNSAFE.search(value) for value in element.attrib.values())
        if element.tag in ("failure", "system-out"):
            assert not UNSAFE.search(element.text.removesuffix("\n"))
    return root


def test_junit_example_and_unrepaired(cli, in_root):
    out, code = run(cli, EXAMPLE, UNREPAIRED, "--format", "junit")
    assert code == 1
    findings = json_findings(cli, EXAMPLE, UNREPAIRED)
    root = check_junit(out, findings, [EXAMPLE, UNREPAIRED])
    example_failures = sum(f["severity"] != "info" for f in findings if f["file"] == EXAMPLE)
    assert root.get("failures") == str(example_failures + 2) and root.get("tests") == str(len(findings))
    unrepaired = root.findall("testsuite")[1]
    assert [f.get("type") for f in unrepaired.findall("testcase/failure")] == ["syntax-error", "syntax-error"]


def test_junit_info_findings_do_not_fail_a_file(cli, in_root):
    out, code = run(cli, EXAMPLE, "--format", "junit", "--select", "numeric-string")
    assert code == 0
    findings = json_findings(cli, EXAMPLE, "--select", "numeric-string")
    assert findings and {f["severity"] for f in findings} == {"info"}
    root = check_junit(out, findings, [EXAMPLE])
    assert root.get("failures") == "0" and root.find("testsuite/testcase/failure") is None
    assert len(root.findall("testsuite/testcase/system-out")) == len(findings)


def test_junit_a_clean_file_is_one_passing_case(cli, in_root):
    out, code = run(cli, EXAMPLE, "--format", "junit", "--select", "too-deep")
    assert code == 0
    root = check_junit(out, [], [EXAMPLE])
    assert (root.get("tests"), root.get("failures")) == ("1", "0")


def test_junit_escapes_the_crafted_input(cli, tricky):
    findings = tricky_findings(cli)
    out, _ = run(cli, TRICKY_NAME, "--format", "junit")
    root = check_junit(out, findings, [TRICKY_NAME])
    custom = root.find("testsuite/testcase/failure[@type='house-currency']")
    # quotes, <&> and % survive parsing exactly; CR, LF, \x01 and \x1f are shown escaped; é€😀 come back from references
    assert "\\r\\nline2 ::error::x\\x01\\x1f end" in custom.get("message")
    assert "\\r\\nline2" in custom.text and custom.text.count("\n") == 1
    assert custom.get("message").startswith("100% <&> \"dq\" 'sq' é€😀")


def test_junitparser_reads_one_result_per_finding(cli, in_root, tricky):
    """The real consumer: junitparser sees every finding, and one failure for each error or warning."""
    findings = tricky_findings(cli)
    xml = junitparser.JUnitXml.fromstring(run(cli, TRICKY_NAME, "--format", "junit")[0].encode("ascii"))
    cases = [case for suite in xml for case in suite]
    assert len(cases) == len(findings)
    failed = [case for case in cases if not case.is_passed]
    assert len(failed) == sum(f["severity"] != "info" for f in findings)
    assert [case.result[0].type for case in failed] == [f["rule"] for f in findings if f["severity"] != "info"]
    assert all(len(case.result) <= 1 for case in cases)
    assert [case.system_out for case in cases if case.is_passed] == [
        xml_clean(f"{escape_controls(f['file'])}:{f['line']}:{f['column']}: info {f['rule']} {escape_controls(f['message'])} {pointer_label(f['pointer'])}\n")
        for f in findings
        if f["severity"] == "info"
    ]


# A schema written from the constraints of the JUnit XSD pytest's xunit2 family is tested against
# (testing/example_scripts/junit-10.xsd): the elements and attributes it allows, and what it requires.
XUNIT2_SCHEMA = ROOT / "tests" / "data" / "xunit2-constraints.xsd"


def test_junit_is_valid_against_pytests_xunit2_constraints(cli, in_root, tmp_path):
    schema = xmlschema.XMLSchema(str(XUNIT2_SCHEMA))
    assert not schema.is_valid('<testsuites skipped="0"/>') and not schema.is_valid('<testsuites><testsuite name="s" tests="1" failures="0" errors="0"><testcase name="c" file="f"/></testsuite></testsuites>')
    clean = tmp_path / "clean.json"
    clean.write_text("{}", encoding="utf-8")
    for args in ((EXAMPLE, UNREPAIRED), (EXAMPLE, "--select", "too-deep"), (clean, EXAMPLE)):
        schema.validate(run(cli, *args, "--format", "junit")[0])
    # an input sdelint failed on is a JUnit <error> (junit-10.xsd's element; the schema here named it "errors")
    broken = FileResult("boom.json", [Finding("boom.json", 1, 1, "", "internal-error", "error", "sdelint failed on this input: X")], failed=True)
    stream = io.StringIO()
    JunitReporter().write([broken], stream)
    assert "<error " in stream.getvalue()
    schema.validate(stream.getvalue())


# --- github --------------------------------------------------------------------------------

GITHUB_LINE = re.compile(
    r"::(?P<command>error|warning|notice) "
    r"file=(?P<file>[^,:\r\n]+),line=(?P<line>[1-9][0-9]*),col=(?P<col>[1-9][0-9]*),title=(?P<title>[^,:\r\n]+)"
    r"::(?P<message>[^\r\n]*)"
)
GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def check_github(out: str, findings: list[dict], files: int) -> list[re.Match]:
    lines = out.split("\n")
    assert lines[-1] == ""  # every line ends with a newline
    annotations, summary = lines[:-2], lines[-2]
    assert len(annotations) == len(findings)  # no message broke onto a second line
    matches = []
    for line, finding in zip(annotations, findings, strict=True):
        match = GITHUB_LINE.fullmatch(line)
        assert match, line
        assert match["command"] == GITHUB_COMMAND[finding["severity"]]
        assert github_unescape(match["file"]) == escape_controls(finding["file"])
        assert (int(match["line"]), int(match["col"])) == (finding["line"], finding["column"])
        assert github_unescape(match["title"]) == finding["rule"]
        assert github_unescape(match["message"]) == f"{escape_controls(finding['message'])} {pointer_label(finding['pointer'])}"
        assert not UNSAFE.search(github_unescape(line))  # no control character reaches the log
        matches.append(match)
    errors = sum(f["severity"] == "error" for f in findings)
    assert not summary.startswith("::") and f"checked {files} file" in summary and f"{errors} error" in summary
    return matches


def test_github_example_and_unrepaired(cli, in_root):
    out, code = run(cli, EXAMPLE, UNREPAIRED, "--format", "github")
    assert code == 1
    findings = json_findings(cli, EXAMPLE, UNREPAIRED)
    matches = check_github(out, findings, 2)
    assert {m["command"] for m in matches} == {"error", "warning", "notice"}
    assert [m.group(0) for m in matches[-2:]] == [
        "::error file=tests/data/spec-example-unrepaired.json,line=528,col=8,title=syntax-error::invalid JSON: Expecting ',' delimiter between the members of the object opened at line 520, column 15 (root)",
        "::error file=tests/data/spec-example-unrepaired.json,line=528,col=44,title=syntax-error::invalid JSON: trailing comma before '}' (root)",
    ]


def test_github_escapes_the_crafted_input(cli, tricky):
    findings = tricky_findings(cli)
    out, _ = run(cli, TRICKY_NAME, "--format", "github")
    matches = check_github(out, findings, 1)
    assert matches[0]["file"] == "we%3Aird%2C100%25 <&>.json"
    custom = next(m for m in matches if m["title"] == "house-currency")
    assert "100%25 <&>" in custom["message"] and "\\r\\nline2 ::error::x\\x01\\x1f end" in custom["message"]
    assert "%0D" not in custom["message"] and "%0A" not in custom["message"]  # shown escaped, not as a multi-line annotation


def test_github_quiet_drops_the_summary(cli, in_root):
    out, _ = run(cli, UNREPAIRED, "--format", "github", "-q")
    assert out.splitlines() == [
        "::error file=tests/data/spec-example-unrepaired.json,line=528,col=8,title=syntax-error::invalid JSON: Expecting ',' delimiter between the members of the object opened at line 520, column 15 (root)",
        "::error file=tests/data/spec-example-unrepaired.json,line=528,col=44,title=syntax-error::invalid JSON: trailing comma before '}' (root)",
    ]


# --- json-lines ----------------------------------------------------------------------------


@pytest.mark.parametrize("args", [(EXAMPLE,), (UNREPAIRED,), (EXAMPLE, UNREPAIRED, "--statistics")])
def test_json_lines_equal_the_json_findings(cli, in_root, args):
    out, _ = run(cli, *args, "--format", "json-lines")
    assert out.endswith("\n")
    parsed = [json.loads(line) for line in out.splitlines()]
    assert parsed == json_findings(cli, *args)
    assert parsed


def test_json_lines_crafted_input_and_empty_output(cli, tricky):
    findings = tricky_findings(cli)
    out, _ = run(cli, TRICKY_NAME, "--format", "json-lines")
    lines = out.splitlines()
    assert len(lines) == len(findings)  # raw newlines in messages never split a record
    assert [json.loads(line) for line in lines] == findings
    out, code = run(cli, TRICKY_NAME, "--format", "json-lines", "--select", "too-deep")
    assert (out, code) == ("", 0)  # no finding, no output: no summary line to filter out


# --- gitlab --------------------------------------------------------------------------------


def check_gitlab(out: str, findings: list[dict]) -> list[dict]:
    issues = json.loads(out)
    assert isinstance(issues, list) and len(issues) == len(findings)
    for issue, finding in zip(issues, findings, strict=True):
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert all(isinstance(issue[k], str) and issue[k] for k in ("description", "check_name", "fingerprint"))
        assert issue["check_name"] == finding["rule"]
        assert issue["description"] == f"{finding['rule']}: {escape_controls(finding['message'])}"
        assert not UNSAFE.search(issue["description"])
        assert issue["severity"] == GITLAB_SEVERITY[finding["severity"]]
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"] == finding["file"]
        begin = issue["location"]["lines"]["begin"]
        assert isinstance(begin, int) and begin == finding["line"] and begin >= 1
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    return issues


def test_gitlab_example_and_unrepaired(cli, in_root):
    out, code = run(cli, EXAMPLE, UNREPAIRED, "--format", "gitlab")
    assert code == 1
    issues = check_gitlab(out, json_findings(cli, EXAMPLE, UNREPAIRED))
    again = json.loads(run(cli, EXAMPLE, UNREPAIRED, "--format", "gitlab")[0])
    assert [i["fingerprint"] for i in again] == [i["fingerprint"] for i in issues]
    sarif = json.loads(run(cli, EXAMPLE, UNREPAIRED, "--format", "sarif")[0])
    # one identity across the formats: GitLab's fingerprint is SARIF's sdelint fingerprint
    assert [r["partialFingerprints"]["sdelintFingerprint/v1"] for r in sarif["runs"][0]["results"]] == [i["fingerprint"] for i in issues]


def test_gitlab_crafted_input(cli, tricky):
    issues = check_gitlab(run(cli, TRICKY_NAME, "--format", "gitlab")[0], tricky_findings(cli))
    assert any("\\r\\nline2" in i["description"] for i in issues)


def test_fingerprints_survive_reformatting(cli, tmp_path, monkeypatch, example):
    """Same file, re-indented or on one line: every finding moves, no fingerprint changes."""
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "recorded.json"
    runs = []
    for indent, name in ((2, "recorded.json"), (7, "./recorded.json"), (None, str(target))):
        target.write_text(json.dumps(example, indent=indent), encoding="utf-8")
        issues = check_gitlab(run(cli, name, "--format", "gitlab")[0], json_findings(cli, "recorded.json"))
        again = json.loads(run(cli, name, "--format", "gitlab")[0])
        assert [i["fingerprint"] for i in again] == [i["fingerprint"] for i in issues]  # stable across runs
        sarif = json.loads(run(cli, name, "--format", "sarif")[0])["runs"][0]["results"]
        runs.append(
            (
                sorted(i["fingerprint"] for i in issues),
                sorted(r["partialFingerprints"]["primaryLocationLineHash"] for r in sarif),
                [tuple(r["locations"][0]["physicalLocation"]["region"].values()) for r in sarif],
            )
        )
    (fp2, hash2, places2), (fp7, hash7, places7), (fp0, hash0, places0) = runs
    assert places2 != places7 and {line for line, _ in places0} == {1}  # the findings really moved
    assert fp2 == fp7 == fp0 and len(fp2) > 10
    assert hash2 == hash7 == hash0


def test_equal_identities_still_get_unique_fingerprints():
    twin = Finding("a.json", 3, 4, "/x", "bad-value", "error", "m", value=1)
    other_line = twin.with_(line=9, message="other")
    prints = stable_fingerprints([twin, other_line, twin.with_(file="./a.json")])
    assert len(set(prints)) == 3
    assert stable_fingerprints([twin]) == prints[:1]  # the first occurrence keeps the plain identity hash


# --- findings without a position ----------------------------------------------------------


def test_line_zero_findings_in_every_positional_format():
    result = Linter().lint_object({"events": [{"cartStatus": {"serverTimeStamp": "1", "Currency": "x"}, "sdeType": "CART_STATUS", "serverTimeStamp": "1"}]}, name="api-object.json")
    assert result.findings and all(f.line == 0 for f in result.findings)
    results = [result]

    from io import StringIO

    def render(cls) -> str:
        stream = StringIO()
        cls().write(results, stream)
        return stream.getvalue()

    issues = json.loads(render(GitlabReporter))
    assert {i["location"]["lines"]["begin"] for i in issues} == {1}
    lines = render(GithubReporter).splitlines()[:-1]
    assert lines and all((m := GITHUB_LINE.fullmatch(line)) and (m["line"], m["col"]) == ("1", "1") for line in lines)
    failure = ET.fromstring(render(JunitReporter)).find("testsuite/testcase/failure")
    assert failure.text.startswith("api-object.json:1:1: ") and ":0:" not in failure.text
    text = [line for line in render(REPORTERS["text"]).splitlines() if not line.startswith(("Checked ", "API v"))]
    assert text and all(line.startswith("api-object.json:1:1: ") for line in text)
    findings = json.loads(render(REPORTERS["json"]))["findings"]
    assert {(f["line"], f["column"]) for f in findings} == {(1, 1)}


def test_lone_surrogates_do_not_crash_the_ci_formats(cli, tmp_path, monkeypatch):
    """A JSON key may be a lone surrogate (\\ud800): it cannot be written as UTF-8, but the report must still come out."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.json").write_text('{"events": [{"cartStatus": {"serverTimeStamp": "1", "\\ud800": 1}, "sdeType": "CART_STATUS", "serverTimeStamp": "1"}]}', encoding="ascii")
    expected = [f.as_dict() for f in Linter().lint_path(Path("s.json"), "s.json").findings]
    assert any("\ud800" in f["pointer"] for f in expected)
    out, code = run(cli, "s.json", "--format", "json-lines")
    assert code in (0, 1) and [json.loads(line) for line in out.splitlines()] == expected
    document = json.loads(run(cli, "s.json", "--format", "sarif")[0])
    assert_valid_sarif(document)
    assert len(json.loads(run(cli, "s.json", "--format", "gitlab")[0])) == len(expected)
    check_junit(run(cli, "s.json", "--format", "junit")[0], expected, ["s.json"])
    github = run(cli, "s.json", "--format", "github")[0]
    assert "\\ud800" in github and len(github.splitlines()) == len(expected) + 1


def test_reporters_are_registered_under_their_names():
    assert REPORTERS["sarif"] is SarifReporter and REPORTERS["junit"] is JunitReporter
    assert REPORTERS["github"] is GithubReporter and REPORTERS["gitlab"] is GitlabReporter
    assert all(REPORTERS[name].machine_readable for name in FORMATS)  # no progress bar mixed into them


def _json_written(results) -> str:
    import io

    from validator.report.json_report import JsonReporter

    stream = io.StringIO()
    JsonReporter(rules={}).write(results, stream)
    return stream.getvalue()


@pytest.mark.parametrize("extra", [{}, {"api_version": "v2"}, {"api_version": "v1", "note": {"a": [1, 2.5, None, True]}},
                                   {"line": 9}, {7: "x"}, {"empty": []}])
def test_json_writer_is_json_dumps_of_the_report_object(extra):
    """The hand-written findings array must be what json.dumps(indent=2) writes, for any finding."""
    from validator.linter import FileResult
    from validator.report.json_report import report_object

    findings = [Finding("dir/ä \"x\".json", 3, 7, "/a~1b/0", "numeric-string", "info", "tab\t, nul\0, lone \ud800, 😀", extra),
                Finding("dir/ä \"x\".json", 0, 0, "", "wrong-type", "error", "plain", extra),
                Finding("b.json", True, 2, "/x", "r", "warning", "bool line", {})]
    results = [FileResult("dir/ä \"x\".json", findings[:2], "response", "v2", 3), FileResult("b.json", findings[2:]),
               FileResult("empty.json", [])]
    for chosen in (results, results[2:], []):
        expected = json.dumps(report_object(chosen), indent=2, ensure_ascii=False) + "\n"
        assert _json_written(chosen) == expected


@pytest.mark.parametrize("count", [4095, 4096, 4097, 8193])
def test_json_writer_joins_findings_in_batches_as_one_array(count):
    """Findings are joined and written a batch at a time: around the batch size the text is still json.dumps'."""
    from validator.linter import FileResult
    from validator.report import json_report
    from validator.report.json_report import report_object

    assert json_report._BATCH == 4096
    half = count // 2
    results = [FileResult("a.json", [Finding("a.json", i + 1, 1, f"/{i}", "numeric-string", "info", f"m{i}", {"api_version": "v2"}) for i in range(half)]),
               FileResult("b.json", [Finding("b.json", i + 1, 2, f"/{i}", "wrong-type", "error", f"n{i}", {}) for i in range(count - half)])]
    assert _json_written(results) == json.dumps(report_object(results), indent=2, ensure_ascii=False) + "\n"


_ODD_TEXT = "".join(map(chr, range(0x20))) + '"\\/\x7f\u2028\u2029é😀\U0010ffff'


@pytest.mark.parametrize("stream_kind", ["text", "utf-8 file", "utf-8 stdout"])
@pytest.mark.parametrize("quick", [True, False], ids=["orjson", "stdlib"])
def test_json_writer_writes_json_dumps_text_through_orjson_and_without(stream_kind, quick, monkeypatch):
    """Batches orjson writes (in UTF-8 bytes straight to a UTF-8 file's buffer, or decoded for other streams) and
    batches it leaves to the hand-written text (a lone surrogate, a float or a huge integer among the extra members,
    a float for a line, a subclass of str) join into exactly what json.dumps(indent=2) writes; a bool for a line is
    spelt alike by both."""
    import io

    from validator.linter import FileResult
    from validator.report import json_report
    from validator.report.json_report import JsonReporter, report_object

    if not quick:
        monkeypatch.setattr(json_report, "orjson", None)
    elif json_report.orjson is None:
        pytest.skip("orjson is not installed")
    size = json_report._BATCH
    plain = [Finding(f"d/{_ODD_TEXT}.json", i + 1, i % 7, f"/{_ODD_TEXT}/{i}", "numeric-string", "info", f"{_ODD_TEXT} {i}", {"api_version": "v2"})
             for i in range(size)]
    odd = [Finding("s.json", 1, 1, "/\ud800", "r", "error", "lone surrogate", {})] + [Finding("s.json", 2, 1, "/x", "r", "error", "m", {})] * (size - 1)
    floats = [Finding("f.json", 1, 1, "/x", "r", "warning", "m", {"score": 1.5e-05, "big": 2**70})] * size
    bool_line = [Finding("b.json", True, 1, "/x", "r", "warning", "m", {})]
    float_line = [Finding("g.json", 1e16, 1, "/x", "r", "warning", "m", {"api_version": "v2"})]  # 1e+16 to json.dumps
    text_kind = type("Text", (str,), {"__str__": lambda self: "not what is written"})
    subclass = [Finding("h.json", 1, 1, "/x", "r", "warning", text_kind("m"), {"api_version": "v1", "extra": 1})]
    reading_otherwise = type("Extra", (dict,), {"__getitem__": lambda self, key: "not what ** reads"})  # as_dict reads as ** does
    odd_extra = [Finding("i.json", 1, 1, "/x", "r", "warning", "m", reading_otherwise(api_version="v2"))]
    results = [FileResult(plain[0].file, plain), FileResult("s.json", odd), FileResult("f.json", floats), FileResult("b.json", bool_line),
               FileResult("g.json", float_line), FileResult("h.json", subclass), FileResult("i.json", odd_extra)]
    for batch in (plain, bool_line):
        assert (json_report._quick_batch(batch) is not None) is quick
    for batch in (odd, floats, float_line, subclass):
        assert json_report._quick_batch(batch) is None
    alone = [FileResult("i.json", odd_extra)]  # a batch of its own: the extra's fast path is tried
    assert _json_written(alone) == json.dumps(report_object(alone), indent=2, ensure_ascii=False) + "\n"
    expected = json.dumps(report_object(results), indent=2, ensure_ascii=False) + "\n"
    stream: io.StringIO | io.TextIOWrapper
    if stream_kind == "text":
        stream = io.StringIO()
    else:
        from validator.atomic import ReportText

        kind = ReportText if stream_kind == "utf-8 file" else io.TextIOWrapper  # a report file's bytes go to its buffer
        stream = kind(io.BytesIO(), encoding="utf-8", errors="backslashreplace", newline="" if stream_kind == "utf-8 file" else None)
    JsonReporter(rules={}).write(results, stream)
    if isinstance(stream, io.StringIO):
        assert stream.getvalue() == expected
    else:
        stream.flush()
        assert stream.buffer.getvalue() == expected.encode("utf-8", "backslashreplace")  # type: ignore[attr-defined]


@pytest.mark.parametrize("newline", ["\r\n", "\r", None, ""])
def test_json_writer_keeps_a_text_streams_own_newline_translation(newline):
    """A text stream that translates "\\n" (newline="\\r\\n" or "\\r", on any system) writes the whole report so:
    orjson's batches go through its text layer, not around it into its buffer. sdelint's own report files
    (open_atomically: newline="") and Python's standard output on POSIX write newlines as given: their buffer may
    take the bytes."""
    import io
    import os

    from validator.atomic import ReportText
    from validator.linter import FileResult
    from validator.report import json_report
    from validator.report.json_report import JsonReporter, report_object

    results = [FileResult("a.json", [Finding("a.json", i + 1, 1, f"/{i}", "numeric-string", "info", f"m{i} é", {"api_version": "v2"}) for i in range(3)])]
    text = json.dumps(report_object(results), indent=2, ensure_ascii=False) + "\n"
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline=newline)
    JsonReporter(rules={}).write(results, stream)
    stream.flush()
    translated = text.replace("\n", os.linesep if newline is None else newline or "\n")
    assert stream.buffer.getvalue() == translated.encode("utf-8")  # type: ignore[attr-defined]
    report_file = ReportText(io.BytesIO(), encoding="utf-8", errors="backslashreplace", newline="")
    assert json_report._utf8_bytes_under(report_file) is report_file.buffer
    JsonReporter(rules={}).write(results, report_file)
    report_file.flush()
    assert report_file.buffer.getvalue() == text.encode("utf-8")  # type: ignore[attr-defined]


@pytest.mark.parametrize("count", [1, 4096, 4097])
def test_json_lines_are_json_dumps_of_each_finding(count):
    """One encoder made for the run (json.dumps made one per finding): every line is still json.dumps(ensure_ascii=False)
    of the finding, a lone surrogate and U+2028/U+2029 escaped, floats, NaN, nested and non-string keys in extra members alike."""
    import io

    from validator.linter import FileResult
    from validator.report.json_lines import JsonLinesReporter

    extras = [{"api_version": "v2"}, {"score": 1.5e-05, "big": 2**70, "nan": float("nan"), 7: [None, True, {"k": "é"}]}, {}]
    findings = [Finding(f"{_ODD_TEXT}.json", i, i % 3, f"/{_ODD_TEXT}/{i}", "r", "info", f"m {i} {_ODD_TEXT}", extras[i % 3]) for i in range(count)]
    findings.append(Finding("s.json", 1, 1, "/\ud800", "r", "error", "lone \udfff", {}))
    results = [FileResult("x.json", findings[:-1]), FileResult("s.json", findings[-1:]), FileResult("empty.json", [])]
    stream = io.StringIO()
    JsonLinesReporter(rules={}).write(results, stream)
    expected = "".join(json.dumps(f.as_dict(), ensure_ascii=False) + "\n" for f in findings)
    for char in "\ud800\udfff\u2028\u2029":  # a lone surrogate, and what Unicode counts as a line break, escaped
        expected = expected.replace(char, f"\\u{ord(char):04x}")
    assert stream.getvalue() == expected
    stream = io.StringIO()
    JsonLinesReporter(rules={}).write([FileResult("empty.json", [])], stream)
    assert stream.getvalue() == ""
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        JsonLinesReporter(rules={}).write([FileResult("x.json", [Finding("x.json", 1, 1, "/x", "r", "info", "m", {"odd": {1}})])], io.StringIO())


def test_json_lines_writes_the_lines_before_a_value_json_cannot_write_and_json_dumps_error():
    """As json.dumps per finding did: the findings before the one JSON cannot write are written (not dropped with the
    rest of their batch), and the error is json.dumps' own (its words use ``__class__``, as a mock's spec sets it)."""
    import io

    from validator.linter import FileResult
    from validator.report.json_lines import JsonLinesReporter

    class Disguised:
        @property  # type: ignore[misc]
        def __class__(self):
            return frozenset

    shared = {"api_version": "v2"}
    good = [Finding("x.json", i, 1, f"/{i}", "r", "info", "m é", shared) for i in range(5)]
    for odd in ({1}, Disguised()):
        bad = Finding("x.json", 9, 1, "/9", "r", "info", "m", {"odd": {"deep": [odd]}})
        stream = io.StringIO()
        with pytest.raises(TypeError) as raised:
            JsonLinesReporter(rules={}).write([FileResult("x.json", [*good, bad, *good])], stream)
        with pytest.raises(TypeError) as expected:
            json.dumps(bad.as_dict(), ensure_ascii=False)
        assert str(raised.value) == str(expected.value)
        assert raised.value.__context__ is None  # json.dumps' error alone, not raised while handling another
        assert stream.getvalue() == "".join(json.dumps(f.as_dict(), ensure_ascii=False) + "\n" for f in good)


def test_json_lines_without_json_s_c_accelerator(monkeypatch):
    """A Python without json's C encoder (json.encoder.c_make_encoder is None there, as load.canonical allows for)
    writes the same lines, json.dumps per finding, instead of failing on calling None."""
    import io

    from validator.linter import FileResult
    from validator.report import json_lines

    monkeypatch.setattr(json_lines, "c_make_encoder", None)
    findings = [Finding("x.json", i, 1, f"/\ud800{i}", "r", "info", "m é", {"api_version": "v2"}) for i in range(3)]
    stream = io.StringIO()
    json_lines.JsonLinesReporter(rules={}).write([FileResult("x.json", findings)], stream)
    expected = "".join(json.dumps(f.as_dict(), ensure_ascii=False).replace("\ud800", "\\ud800") + "\n" for f in findings)
    assert stream.getvalue() == expected


def _every_code_point_text() -> list[str]:
    """Strings that together hold every code point but the surrogates, DEL and the controls among them."""
    points = [c for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    return ["".join(map(chr, points[i:i + 4096])) for i in range(0, len(points), 4096)]


def test_float_free_documents_written_by_orjson_are_json_dumps_text():
    """SARIF and GitLab reports hold no float: orjson writes them (indent 2, every non-ASCII character escaped as
    json.dumps does, DEL too), or declines where json.dumps has its own way (a lone surrogate, 2**64, a subclass)."""
    import io

    from validator.report import common

    document = {"texts": _every_code_point_text(), "nested": [{"a": [], "b": {}, "c": [1, -2, 2**63 - 1, -(2**63)]}, True, False, None],
                "": "\x7f\x00\x1f\u2028😀", "keys \x7f é 😀": {"x": "y"}}
    quick = common.indented_ascii_json_by_orjson(document)
    assert quick is not None and quick == json.dumps(document, indent=2)

    class Label(str):
        """A subclass: json.dumps writes it as a string, orjson (told to) declines it."""

    for declined in ({"x": "\ud800"}, {"x": 2**64}, {"x": Label("red")}, {1: "x"}):
        assert common.indented_ascii_json_by_orjson(declined) is None
        stream = io.StringIO()
        common.dump_json(declined, stream, floats=False)
        assert stream.getvalue() == json.dumps(declined, indent=2)


def test_sarif_and_gitlab_reports_are_json_dumps_of_their_documents(monkeypatch):
    """The reports written by orjson are the bytes json.dumps writes of the same documents, with orjson or without it."""
    import io

    from validator.linter import FileResult
    from validator.report import common
    from validator.report.gitlab import GitlabReporter
    from validator.report.sarif import SarifReporter

    findings = [Finding(f"d/{_ODD_TEXT}.json", i + 1, 2, f"/{_ODD_TEXT}/{i}", "numeric-string", "info", f"é {i} {_ODD_TEXT}", {"api_version": "v2"})
                for i in range(50)]
    results = [FileResult(findings[0].file, findings, "response", "v2", 3), FileResult("clean.json", [])]
    sarif = SarifReporter(rules={})
    expected_sarif = json.dumps(sarif.document(results), indent=2) + "\n"
    gitlab = GitlabReporter(rules={})
    gitlab_written = []
    for hide_orjson in (False, True):
        if hide_orjson:
            monkeypatch.setattr(common, "orjson_module", lambda: None)  # as where orjson is not installed
        stream = io.StringIO()
        sarif.write(results, stream)
        assert stream.getvalue() == expected_sarif
        stream = io.StringIO()
        gitlab.write(results, stream)
        gitlab_written.append(stream.getvalue())
    assert gitlab_written[0] == gitlab_written[1] and gitlab_written[0].isascii() and "\\u00e9" in gitlab_written[0]


def test_report_paths_follow_the_working_directory(tmp_path, monkeypatch):
    """report_path is remembered per file, working directory and $PWD: a change of directory is seen."""
    from validator.report.common import report_path

    (tmp_path / "sub").mkdir()
    target = str(tmp_path / "sub" / "a.json")
    monkeypatch.delenv("PWD", raising=False)
    monkeypatch.chdir(tmp_path)
    assert report_path(target) == "sub/a.json"
    monkeypatch.chdir(tmp_path / "sub")
    assert report_path(target) == "a.json"


def test_a_fingerprint_can_name_the_file_as_reports_do():
    """stable_fingerprints names each file as CI tools expect (report_path) without copying the finding."""
    f = Finding("./dir/a.json", 3, 4, "/x", "r", "error", "m", {}, {"v": 1})
    assert f.fingerprint("dir/a.json") == f.with_(file="dir/a.json").fingerprint() != f.fingerprint()
    assert f.fingerprint() == f.with_().fingerprint()


def test_a_remembered_report_path_is_worked_out_for_its_own_working_directory(tmp_path, monkeypatch):
    """The cache's key is the answer's input: a chdir (or $PWD change) by another thread between reading the key and
    working out the answer must not leave another directory's answer remembered under it."""
    from validator.report import common

    (tmp_path / "sub").mkdir()
    (tmp_path.parent / f"{tmp_path.name}-link").symlink_to(tmp_path)
    link = str(tmp_path.parent / f"{tmp_path.name}-link")
    target = str(tmp_path / "sub" / "a.json")
    monkeypatch.chdir(tmp_path / "sub")  # the process is elsewhere than the key says
    monkeypatch.setenv("PWD", str(tmp_path / "sub"))
    assert common._report_path(target, str(tmp_path), None) == "sub/a.json"
    assert common._report_path(f"{link}/sub/b.json", str(tmp_path), link) == "sub/b.json"
    assert common._report_path(f"{link}/sub/c.json", str(tmp_path), None) == f"{link}/sub/c.json"


def test_report_paths_of_relative_names_need_no_working_directory(tmp_path, monkeypatch):
    """An API user in a deleted working directory still gets relative names and stdin's back (as before the cache)."""
    from validator.report.common import report_path

    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert report_path("<stdin>") == "<stdin>"
    assert report_path("./d/a.json") == "d/a.json"


def test_a_baseline_is_written_as_json_dumps_writes_it(tmp_path):
    """A new baseline (strings and integers only) is written by orjson in json.dumps' bytes; with an earlier
    baseline's entries kept (which may hold anything) or a lone surrogate, by json.dumps itself."""
    from validator.baseline import write_baseline
    from validator.linter import FileResult

    (tmp_path / "a.json").write_text("{}")  # its entries are kept while it exists
    findings = [Finding(str(tmp_path / "a.json"), i, 1, f"/{_ODD_TEXT}/{i}", "numeric-string", "info", f"é {_ODD_TEXT} {i}", {}, i) for i in range(20)]
    path = tmp_path / "baseline.json"
    write_baseline(path, [FileResult(str(tmp_path / "a.json"), findings)])
    written = path.read_text(encoding="utf-8")
    document = json.loads(written)
    assert written == json.dumps(document, indent=2) + "\n" and len(document["findings"]) == 20
    surrogate = [Finding(str(tmp_path / "b.json"), 1, 1, "/\ud800", "r", "error", "m", {}, None)]
    write_baseline(path, [FileResult(str(tmp_path / "b.json"), surrogate)])  # a.json's entries are kept
    written = path.read_text(encoding="utf-8")
    assert written == json.dumps(json.loads(written), indent=2) + "\n" and len(json.loads(written)["findings"]) == 21
