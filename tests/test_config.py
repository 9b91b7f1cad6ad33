"""Configuration: discovery, precedence (defaults < file < path override < CLI), pointer overrides, custom rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import validator
from validator.config import ConfigError, Configuration

SKEWED = {"cartStatus": {"serverTimeStamp": "1528628536879", "originalTimeStamp": "1528636540046"}, "sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879"}


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _severities(cli, *args) -> dict[str, set[str]]:
    """Rule -> severities found, every severity shown (the configurations here set rules to info)."""
    result = cli("check", "--format", "json", "--min-severity", "info", *args)
    assert result.exit_code in (0, 1), result.output
    found: dict[str, set[str]] = {}
    for f in json.loads(result.output)["findings"]:
        found.setdefault(f["rule"], set()).add(f["severity"])
    return found


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project with a skewed fixture in fixtures/skewed/ and one in legacy/."""
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "fixtures" / "skewed" / "a.json", json.dumps(SKEWED))
    _write(tmp_path / "legacy" / "b.json", json.dumps(SKEWED))
    return tmp_path


def test_default_severity_comes_from_the_catalogue(project, cli):
    assert _severities(cli, "fixtures/skewed/a.json")["timestamp-order"] == {"warning"}


def test_precedence_defaults_file_override_cli(project, cli):
    _write(project / ".sdelint.yaml", """
rules:
  timestamp-order: error
overrides:
  - files: ["fixtures/skewed/**"]
    rules:
      timestamp-order: info
""")
    assert _severities(cli, "legacy/b.json")["timestamp-order"] == {"error"}  # file beats default
    assert _severities(cli, "fixtures/skewed/a.json")["timestamp-order"] == {"info"}  # override beats file
    assert "timestamp-order" not in _severities(cli, "--ignore", "timestamp-order", "fixtures/skewed/a.json")  # CLI beats override
    only = _severities(cli, "--select", "timestamp-order", "legacy/b.json")
    assert set(only) == {"timestamp-order"}


def test_bare_off_in_yaml_means_off(project, cli):
    _write(project / ".sdelint.yaml", "rules:\n  timestamp-order: off\n")
    assert "timestamp-order" not in _severities(cli, "legacy/b.json")


def test_pyproject_section_is_found_upward(project, cli):
    _write(project / "pyproject.toml", '[project]\nname = "x"\n\n[tool.sdelint]\napi-version = "v1"\n\n[tool.sdelint.rules]\ntimestamp-order = "error"\n')
    result = cli("check", "--format", "json", "fixtures/skewed/a.json")
    report = json.loads(result.output)
    assert report["files"][0]["api_version"] == "v1"
    assert {f["severity"] for f in report["findings"] if f["rule"] == "timestamp-order"} == {"error"}
    assert result.exit_code == 1


def test_pyproject_without_section_is_skipped_for_a_dotfile_further_up(tmp_path, cli):
    _write(tmp_path / ".sdelint.yaml", "rules:\n  timestamp-order: info\n")
    _write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "x"\n')
    fixture = _write(tmp_path / "sub" / "a.json", json.dumps(SKEWED))
    assert _severities(cli, str(fixture))["timestamp-order"] == {"info"}


def test_another_tools_broken_pyproject_is_passed_over_but_a_broken_sdelint_section_is_reported(tmp_path, cli):
    """A pyproject.toml that never names sdelint is not parsed (nor tomllib loaded): its TOML errors are another tool's."""
    _write(tmp_path / ".sdelint.yaml", "rules:\n  timestamp-order: info\n")
    _write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "x\n')  # an unterminated string
    fixture = _write(tmp_path / "sub" / "a.json", json.dumps(SKEWED))
    assert _severities(cli, str(fixture))["timestamp-order"] == {"info"}
    _write(tmp_path / "sub" / "pyproject.toml", '[tool.sdelint]\napi-version = "v1\n')
    result = cli("check", str(fixture))
    assert result.exit_code == 2 and "invalid TOML" in result.output and "pyproject.toml" in result.output


@pytest.mark.parametrize("text, place, said", [
    ('[tool.sdelint]\napi-version = "v1\n', "2:18", "invalid TOML: Illegal character"),
    ("[tool.sdelint]\nrules = {}\n[tool.sdelint]\n", "3:14", "invalid TOML: Cannot declare ('tool', 'sdelint') twice"),
    ("[tool.sdelint]\nrules = {a = 1", "2:15", "invalid TOML: Unclosed inline table"),
])
def test_a_toml_error_is_placed_as_file_line_column(tmp_path, cli, example_path, text, place, said):
    """tomllib ends its message with "(at line 3, column 14)": the error read "pyproject.toml: invalid TOML: ... (at line
    3, column 14)", no file:line:col an editor or a CI annotation opens, unlike every other configuration error."""
    config = _write(tmp_path / "pyproject.toml", text)
    result = cli("check", "--config", str(config), str(example_path))
    assert result.exit_code == 2 and f"sdelint: error: {config}:{place}: {said}" in result.output and "(at " not in result.output, result.output


@pytest.mark.parametrize("text, place, said", [
    ("rules: [\n", "2:1", "invalid YAML: while parsing a flow node expected the node content, but found '<stream end>'"),
    ('api-version: "v1\n', "2:1", "invalid YAML: while scanning a quoted scalar found unexpected end of stream"),
    ("a: '\x07'\n", "1:5", "invalid YAML: unacceptable character #x0007: special characters are not allowed"),
    # valid YAML that sdelint does not read is not said to be invalid
    ("a: 1\n---\nb: 2\n", "2:1", "a second YAML document begins here: sdelint reads one document per YAML file"),
])
def test_a_yaml_syntax_error_says_invalid_yaml_as_toml_s_says_invalid_toml(tmp_path, cli, example_path, text, place, said):
    """A YAML configuration's syntax error was PyYAML's words alone ("sdelint: .sdelint.yaml:2:1: while parsing a flow
    node ..."), where a TOML one says "invalid TOML:" and an input's YAML syntax-error "invalid YAML:"."""
    config = _write(tmp_path / ".sdelint.yaml", text)
    result = cli("check", "--config", str(config), str(example_path))
    assert result.exit_code == 2 and result.stderr == f"sdelint: error: {config}:{place}: {said}\n", result.stderr


def test_a_toml_configuration_nested_too_deep_names_the_deepest_place(tmp_path, cli, example_path):
    """tomllib gives no place when nesting exhausts the stack: the error named the file alone. Brackets in strings
    and comments are not nesting."""
    text = '[tool.sdelint]\n# [[[[[[[[\ns = "[[[[\\"[[[["\nt = """\n[[[[[[[[[[\n"""\nx = [1,\n  ' + "[" * 3000 + "1" + "]" * 3001 + "\n"
    config = _write(tmp_path / "pyproject.toml", text)
    result = cli("check", "--config", str(config), str(example_path))
    assert result.exit_code == 2 and f"sdelint: error: {config}:8:3002: invalid TOML: nested too deeply to read" in result.output, result.output


def test_a_setting_written_below_the_rules_table_is_said_to_belong_above_it(tmp_path, cli, example_path):
    """In TOML every key after [tool.sdelint.rules] is a rule's: fail-on there read "unknown rule 'fail-on'"."""
    config = _write(tmp_path / "pyproject.toml", '[tool.sdelint.rules]\ntimestamp-order = "off"\nfail-on = "warning"\n')
    result = cli("check", "--config", str(config), str(example_path))
    assert result.exit_code == 2 and f"{config}:3:1: unknown rule 'fail-on': fail-on is a setting of the configuration, not a rule:" \
        " write it above the rules table's header" in result.output, result.output


def test_a_pyproject_whose_tool_is_not_a_table_or_that_nests_too_deep_is_no_internal_error(tmp_path, cli):
    """`tool = "sdelint"` is some other setting (no [tool.sdelint] table): passed over, like any pyproject without the
    section. Arrays nested 1,500 deep made tomllib raise RecursionError: an invalid-TOML message, exit 2."""
    _write(tmp_path / ".sdelint.yaml", "rules:\n  timestamp-order: info\n")
    _write(tmp_path / "sub" / "pyproject.toml", 'tool = "sdelint"\n')
    fixture = _write(tmp_path / "sub" / "a.json", json.dumps(SKEWED))
    assert _severities(cli, str(fixture))["timestamp-order"] == {"info"}
    _write(tmp_path / "sub" / "pyproject.toml", "[tool.sdelint]\nx = " + "[" * 1500 + "1" + "]" * 1500 + "\n")
    result = cli("check", str(fixture))
    assert result.exit_code == 2 and "invalid TOML: nested too deeply to read" in result.output and "internal error" not in result.output


def test_explicit_config_beats_discovery(project, cli):
    _write(project / ".sdelint.yaml", "rules:\n  timestamp-order: error\n")
    other = _write(project / "elsewhere" / "cfg.yaml", "rules:\n  timestamp-order: info\n")
    assert _severities(cli, "--config", str(other), "legacy/b.json")["timestamp-order"] == {"info"}


def test_path_override_pins_the_api_version(project, cli):
    _write(project / ".sdelint.yaml", 'overrides:\n  - files: ["legacy/**"]\n    api-version: v1\n')
    report = json.loads(cli("check", "--format", "json", "legacy/b.json", "fixtures/skewed/a.json").output)
    versions = {Path(f["file"]).name: f["api_version"] for f in report["files"]}
    assert versions["b.json"] == "v1"
    # and the CLI beats it
    report = json.loads(cli("check", "--format", "json", "--api-version", "v2", "legacy/b.json").output)
    assert report["files"][0]["api_version"] == "v2"


def test_a_file_named_through_a_folder_symlink_takes_the_overrides_of_the_configuration_it_is_checked_with(project, cli):
    """A sweep: legacy/.sdelint.yaml, found above the folder a link resolves to, applies to link/b.json, but its
    override was matched against 'link/b.json' as the command line spelt it, outside that configuration's folder: the
    anchored '/b.json' never applied, while the same file named legacy/b.json had it."""
    _write(project / "legacy" / ".sdelint.yaml", 'overrides:\n  - files: ["/b.json"]\n    rules: {timestamp-order: info}\n')
    (project / "link").symlink_to(project / "legacy", target_is_directory=True)
    assert _severities(cli, "legacy/b.json")["timestamp-order"] == {"info"}
    assert _severities(cli, "link/b.json")["timestamp-order"] == {"info"}
    assert _severities(cli, str(project / "link" / "b.json"))["timestamp-order"] == {"info"}


def test_pointer_override_changes_severity_only_inside_matching_pointers(tmp_path, cli, example_path):
    fixture = _write(tmp_path / "resp.json", example_path.read_text(encoding="utf-8"))
    _write(tmp_path / ".sdelint.yaml", """
overrides:
  - files: ["*.json"]
    pointers: ["/conversationHistoryRecords/*/unAuthSdes/events/0/**"]
    rules:
      timestamp-order: error
""")
    report = json.loads(cli("check", "--format", "json", str(fixture)).output)
    by_pointer = {f["pointer"]: f["severity"] for f in report["findings"] if f["rule"] == "timestamp-order"}
    assert by_pointer.pop("/conversationHistoryRecords/0/unAuthSdes/events/0/cartStatus/originalTimeStamp") == "error"
    assert set(by_pointer.values()) == {"warning"} and len(by_pointer) == 8  # not customerInfo's: both its timestamps are "Event creation time stamp."


def test_pointer_overrides_take_rfc_6901_escapes_and_refuse_a_tilde_no_pointer_holds(tmp_path, cli, example_path):
    """A sweep: '/**/t~z' (a key 't~z' is spelt t~0z in a pointer) was accepted and matched nothing, in silence."""
    data = json.loads(example_path.read_text(encoding="utf-8"))
    data["conversationHistoryRecords"][0]["unAuthSdes"]["events"][0]["cartStatus"].update({"x/y": 1, "t~z": 1, "u~v": 1})
    fixture = _write(tmp_path / "resp.json", json.dumps(data))
    config = "overrides:\n  - files: ['*.json']\n    pointers: [{}]\n    rules: {{unknown-field: 'off'}}\n"
    _write(tmp_path / ".sdelint.yaml", config.format("'/**/cartStatus/x~1y', '/**/t~0z', '/**/u~*'"))
    report = json.loads(cli("check", "--format", "json", "--select", "unknown-field", str(fixture)).output)
    assert report["findings"] == []
    _write(tmp_path / ".sdelint.yaml", config.format("'/**/x~1y', '/**/t~z'"))
    result = cli("check", str(fixture))
    assert result.exit_code == 2 and ".sdelint.yaml:3:28: overrides/0/pointers/1: '/**/t~z': a JSON Pointer writes '~' in a key as ~0" in result.output


def test_fail_on_in_the_configuration(project, cli):
    _write(project / ".sdelint.yaml", "fail-on: warning\n")
    assert cli("check", "legacy/b.json").exit_code == 1
    assert cli("check", "--fail-on", "error", "legacy/b.json").exit_code == 0


@pytest.mark.parametrize(
    "text, words",
    [
        ("rules:\n  no-such-rule: error\n", ["no-such-rule"]),
        ("rules:\n  timestamp-order: loud\n", [":2:", "timestamp-order"]),
        ("rules:\n  timestamp-order: {tolerance: 5}\n", ["no parameter 'tolerance'", "tolerance-ms"]),
        ("overrides:\n  - rules: {}\n", ["files"]),
        ("rules: [1,\n", [".sdelint.yaml:"]),
        ("a: &a [1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [" + ",".join(["*c"] * 90) + "]\n", ["aliases"]),
        ("!!python/object/apply:os.system ['echo pwned']\n", ["could not determine a constructor"]),
        ("custom-rules:\n  - {name: x, where: 'nope.a', check: required, message: m}\n", ["must start with an attribute type"]),
        ("custom-rules:\n  - {name: x, where: 'lead.value', check: pattern, options: {regex: '('}, message: m}\n", ["invalid regex"]),
        ("custom-rules:\n  - {name: timestamp-order, where: 'lead.value', check: required, message: m}\n", ["name of another rule"]),
        ("custom-rules:\n  - {name: x, where: 'lead.value', check: range, options: {low: 1}, message: m}\n", ["check 'range' has no option 'low' (it takes: max, min)"]),
        ("rules:\n  value-length: {max: big}\n", [":2:", "max must be a number"]),
        ("rules:\n  timestamp-order: {tolerance-ms: -5}\n", ["must not be negative"]),
        ("rules:\n  customer-entity: {statuses: gold}\n", ["statuses must be a list of strings"]),
        ("rules:\n  value-length: {unit: bytes}\n", ["unit must be one of characters, utf16, utf8"]),
        ("rules:\n  numeric-string: {include-timestamps: 'no'}\n", ["must be true or false"]),
        ("rules:\n  timestamp-range: {earliest: 2100-01-01, latest: 2000-01-01}\n", ["earliest (2100-01-01) must come before latest (2000-01-01)"]),
        # one day alone is judged against the other's default, an override's against the file's own: every timestamp fired
        ("rules:\n  timestamp-range: {earliest: 2150-01-01}\n", [":2:", "earliest (2150-01-01) must come before latest (2100-01-01)"]),
        ("rules:\n  timestamp-range: {latest: 1999-01-01}\n", [":2:", "earliest (2000-01-01) must come before latest (1999-01-01)"]),
        ("rules:\n  timestamp-range: {earliest: 2010-01-01}\noverrides:\n  - files: ['*.json']\n    rules: {timestamp-range: {latest: 2005-01-01}}\n",
         [":5:", "earliest (2010-01-01) must come before latest (2005-01-01)"]),
        ("overrides:\n  - files: ['*.json']\n    pointers: ['/**']\n    rules: {value-length: {max: 5}}\n", [":4:", "sets severities only"]),
        # found by a crash hunt: each was an internal error, a hang or a blow-up
        ("a: &a [*a]\n", [":1:", "refers to itself through an alias"]),
        ("overrides:\n  - files: ['']\n", [":2:", "should be non-empty"]),
        ("overrides:\n  - files: [5]\n", [":2:", "is not of type 'string'"]),
        ("overrides:\n  - files: ['*.json']\n    pointers: ['']\n", [":3:", "should be non-empty"]),
        ("overrides:\n  - files: ['ok.json', '\\']\n", [":2:", "overrides/0/files/1", "Invalid git pattern"]),
        ("overrides:\n  - files: ['" + "{a,b}" * 18 + "']\n", [":2:", "expand to more than 256 patterns"]),
        ("overrides:\n  - files: ['[z-a].json']\n", [":2:", "not a valid pattern: bad character range z-a"]),
        # a Windows path's backslashes escape letters in a gitignore pattern: fixtures\legacy\** matched nothing, in silence
        ("overrides:\n  - files: ['fixtures\\legacy\\**']\n", [":2:", "overrides/0/files/0", "(\\l is just l): separate folders with '/' (fixtures/legacy/**)"]),
        ("rules:\n  attribution-window: {hours: .inf}\n", [":2:", "hours must be a finite number"]),
        ("rules:\n  value-length: {max: 5e4}\n", [":2:", "YAML 1.1 reads 5e4 as text: write 5.0e+04"]),
        ("rules:\n  value-length: {max: " + "9" * 5000 + "}\n", [".sdelint.yaml:2:23:", "a number of 5000 characters is longer than can be read"]),
        ("rules:\n  cart-arithmetic: {tolerance: " + "9" * 400 + "}\n", [":2:", "tolerance must be at most 1e+15"]),
        ("custom-rules:\n  - {name: x, where: 'lead.value', check: compare, options: {other: serverTimeStamp, op: [1]}, message: m}\n", ["op must be one of"]),
        # custom rules' numbers meet the built-in parameters' contract, and every custom-rule error names its line
        # (a hardening sweep found .nan, .inf, 1e999 and 36 digits accepted, and min above max)
        ("custom-rules:\n  - name: x\n    where: cartStatus.total\n    check: range\n    options: {min: .nan}\n    message: m\n", [".sdelint.yaml:5:20:", "min must be a finite number"]),
        ("custom-rules:\n  - {name: x, where: cartStatus.total, check: range, options: {max: .inf}, message: m}\n", [":2:", "max must be a finite number"]),
        ("custom-rules:\n  - {name: x, where: cartStatus.total, check: range, options: {min: 1e999}, message: m}\n", [":2:", "min must be a finite number"]),
        ("custom-rules:\n  - {name: x, where: cartStatus.total, check: range, options: {max: " + "9" * 36 + "}, message: m}\n", [":2:", "max must be at most 1e+15"]),
        ("custom-rules:\n  - {name: x, where: cartStatus.total, check: range, options: {min: 5, max: 1}, message: m}\n", [":2:", "min 5 is above max 1"]),
        ("custom-rules:\n  - {name: x, where: lead.topic, check: length, options: {min: -1}, message: m}\n", [":2:", "min must not be negative"]),
        ("custom-rules:\n  - name: x\n    where: 'nope.a'\n    check: required\n    message: m\n", [".sdelint.yaml:3:", "must start with an attribute type"]),
        # "[*].currency" was taken for "*.currency"; a type misspelt or named as another surface names it was not pointed to
        ("custom-rules:\n  - {name: x, where: '[*].currency', check: required, message: m}\n", [":2:", "path '[*].currency' must start with an attribute type"]),
        ("custom-rules:\n  - {name: x, where: CartStatus.total, check: required, message: m}\n", [":2:", "or 'record' (did you mean 'cartStatus'?)"]),
        ("custom-rules:\n  - {name: x, where: cart.total, check: required, message: m}\n", [":2:", "(did you mean 'cartStatus'? custom rule paths name a type"]),
        ("custom-rules:\n  - {name: x, where: VIEWED_PRODUCT.products, check: required, message: m}\n", [":2:", "(did you mean 'viewedProduct'?"]),
        ("custom-rules:\n  - {name: x, where: formFillingError.message, check: required, message: m}\n", [":2:", "(did you mean 'visitorError'?"]),
        ("custom-rules:\n  - {name: x, where: lead.a, check: required, message: m}\n  - name: x\n    where: lead.b\n    check: required\n    message: m\n", [".sdelint.yaml:3:", "name of another rule"]),
        # a repeat was missed when the first entry had an error of its own (it was never compiled), and said not which rule
        ("custom-rules:\n  - {name: x, where: lead.a, check: range, options: {}, message: m}\n  - name: x\n    where: lead.b\n    check: required\n    message: m\n",
         [".sdelint.yaml:2:", "needs min, max or both", ".sdelint.yaml:3:11: custom rule 'x' has the name of another rule, the custom rule at ", ".sdelint.yaml:2:12:"]),
        ("custom-rules:\n  - {name: unknown-field, where: lead.a, check: required, message: m}\n", [":2:", "the name of another rule, a built-in one (see 'sdelint explain unknown-field')"]),
        ("custom-rules:\n  - name: x\n    where: lead.value\n    check: range\n    options:\n      low: 1\n    message: m\n", [".sdelint.yaml:6:7:", "has no option 'low'"]),
        # a misspelt option is named at its key with the one meant, as a misspelt key anywhere else (it said "needs options
        # none, may take ['max', 'min']; unknown ['mn']", at the options mapping)
        ("custom-rules:\n  - name: x\n    where: lead.value\n    check: range\n    options: {max: 4, mn: 1, foo: 2}\n    message: m\n",
         [".sdelint.yaml:5:23:", "check 'range' has no option 'mn' (did you mean 'min'?) (it takes: max, min); also unknown: 'foo'"]),
        ("custom-rules:\n  - {name: x, where: lead.value, check: required, options: {min: 1}, message: m}\n", [":2:", "has no option 'min' (it takes no options)"]),
        ("custom-rules:\n  - name: x\n    where: lead.value\n    check: compare\n    message: m\n", [".sdelint.yaml:4:12:", "check 'compare' needs op and other under options"]),
        # options of the wrong type did nothing, or the wrong thing, silently (an audit): a list of currencies compiled
        # as the character class "['USD', 'EUR']", a null regex as the pattern "None", "false" taken for true
        ("custom-rules:\n  - name: x\n    where: cartStatus.currency\n    check: pattern\n    options: {regex: [USD, EUR]}\n    message: m\n",
         [".sdelint.yaml:5:", "regex must be a string, found ['USD', 'EUR']"]),
        ("custom-rules:\n  - {name: x, where: cartStatus.currency, check: pattern, options: {regex: null}, message: m}\n", [":2:", "regex must be a string, found None"]),
        ("custom-rules:\n  - {name: x, where: cartStatus.currency, check: enum, options: {values: [USD], case-insensitive: 'false'}, message: m}\n",
         [":2:", "case-insensitive must be true or false"]),
        ("custom-rules:\n  - {name: x, where: lead.value, check: compare, options: {other: [1], op: '<'}, message: m}\n", [":2:", "other must be a path"]),
        ("custom-rules:\n  - {name: x, where: 'cartStatus.products[*]', check: required, message: m}\n", [":2:", "not [*]"]),
        ("custom-rules:\n  - {name: x, where: cartStatus.total, check: range, options: {}, message: m}\n", [":2:", "needs min, max or both"]),
        # a list where a severity stands said only "['error'] is not valid under any of the given schemas"
        ("rules:\n  cart-arithmetic: [error]\n", [".sdelint.yaml:2:20: rules/cart-arithmetic: must be one of error, warning, info, off", "found ['error']"]),
        # a setting under rules: (TOML's keys after [tool.sdelint.rules] belong to it; YAML indented) was "unknown rule 'fail-on'"
        ("rules:\n  timestamp-order: off\n  fail-on: warning\n", [".sdelint.yaml:3:3: unknown rule 'fail-on': fail-on is a setting of the configuration, not a rule"]),
        # said plainly, once (an audit): "'warn' is not valid under any of the given schemas"; "True is not valid...";
        # a bad rule name twice, once with a regular expression
        ("rules:\n  cart-arithmetic: warn\n", [":2:20: rules/cart-arithmetic: must be one of error, warning, info, off", "did you mean 'warning'"]),
        ("rules:\n  message-time: on\n", [":2:17:", "found True (YAML 1.1 reads a bare on, yes or no as true or false)"]),
        ("overrides:\n  - files: ['*.json']\n    pointers: ['conversationHistoryRecords/**']\n    rules: {missing-field: warning}\n",
         [":3:16:", "a JSON Pointer starts with '/' ('/conversationHistoryRecords/**' or '/**/conversationHistoryRecords/**'?)"]),
        # '*' stops at the '/' every pointer starts with: '*/total' matched /total only (a second review)
        ("overrides:\n  - files: ['*.json']\n    pointers: ['*/total']\n    rules: {cart-arithmetic: 'off'}\n",
         [":3:16:", "('/total' or '/**/total'?)"]),
        ("false\n", [".sdelint.yaml:1:1: the configuration must be a mapping", "found true or false"]),  # was read as an empty configuration (a sweep)
        ("[]\n", [".sdelint.yaml:1:1: the configuration must be a mapping", "found a list"]),
        # at its place, as every other configuration error (it named the file alone, and Python's type: "found str")
        ("# settings\n\n  - timestamp-order: off\n", [".sdelint.yaml:3:3: the configuration must be a mapping of settings (api-version, rules,", "found a list"]),
        # a date YAML 1.1 reads and cannot construct was placed at 0:0, without its key (an audit)
        ("rules:\n  timestamp-range: {latest: 2030-13-01}\n", [".sdelint.yaml:2:29:", "'2030-13-01' reads as a date (YAML 1.1) and is not one"]),
        # a repeated key kept the last silently: api-version v1 then v2 was a v2 run (an audit; TOML refuses a repeat itself)
        ("api-version: v1\nrules:\n  cart-arithmetic: 'off'\n  cart-arithmetic: error\napi-version: v2\n",
         [".sdelint.yaml:4:3: rules/cart-arithmetic: the key repeats", ".sdelint.yaml:5:1: api-version: the key repeats"]),
        ("custom-rules:\n  - {name: x, where: cartStatus.total, check: required, message: m}\nrules:\n  x: {severity: error, regex: '^U'}\n",
         [".sdelint.yaml:4:", "custom rule 'x' takes a severity here, not 'regex'"]),
    ],
)
def test_bad_configuration_is_a_clear_usage_error(tmp_path, cli, text, words, example_path):
    config = _write(tmp_path / ".sdelint.yaml", text)
    result = cli("check", "--config", str(config), str(example_path))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output
    assert not (tmp_path / "pwned").exists()


def test_a_repeated_key_is_listed_with_the_files_other_errors(tmp_path, cli, example_path):
    """The README: a configuration's errors, a key written twice among them, are listed every one at once. A repeated
    key was reported alone: fixed and run again, the same file then showed its unknown rule and bad severity."""
    config = _write(tmp_path / ".sdelint.yaml", "rules:\n  nope-rule: error\n  timestamp-order: {tolerance-ms: 5000, tolerance-ms: 1}\nfail-on: loud\n")
    result = cli("check", "--config", str(config), str(example_path))
    assert result.exit_code == 2
    assert ".sdelint.yaml:3:41: rules/timestamp-order/tolerance-ms: the key repeats" in result.output
    assert ".sdelint.yaml:2:3: unknown rule 'nope-rule'" in result.output
    assert ".sdelint.yaml:4:10: fail-on: must be one of error, warning, info" in result.output
    with pytest.raises(ConfigError, match="(?s)the key repeats.*unknown rule 'nope-rule'"):
        validator.lint(example_path, config=config)


def test_a_timestamp_window_is_ordered_by_date_not_by_text(tmp_path, cli):
    """IsoDate takes the compact form too: as text, earliest 20200101 came after latest 2020-06-01 and was refused."""
    config = _write(tmp_path / ".sdelint.yaml", "rules:\n  timestamp-range: {earliest: '20200101', latest: '2020-06-01'}\n")
    event = {"lead": {"serverTimeStamp": "1580000000000"}, "sdeType": "LEAD", "serverTimeStamp": "1580000000000"}  # 2020-01-26
    result = cli("check", "--config", str(config), "--select", "timestamp-range", _write(tmp_path / "a.json", json.dumps(event)))
    assert result.exit_code == 0, result.output
    assert "timestamp-range" not in result.output


@pytest.mark.parametrize("bound", ["1e1", "'1e1'", "'10'", "10"])
def test_custom_rule_bounds_read_as_before(tmp_path, bound):
    """A review found `max: 1e3` (text to YAML 1.1, a number to as_number) refused once the bounds were checked:
    custom rules read numeric text as they always did; only what is not a finite number up to 10^15 is refused."""
    config = _write(tmp_path / ".sdelint.yaml", f"custom-rules:\n  - {{name: small-total, where: cartStatus.total, check: range, options: {{max: {bound}}}, message: big}}\n")
    cart = {"cartStatus": {"serverTimeStamp": "1528628536879", "total": 11.5}, "sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879"}
    assert [f.rule for f in validator.lint(cart, config=config) if f.rule == "small-total"] == ["small-total"]


def test_python_api_raises_config_error(tmp_path, example_path):
    config = _write(tmp_path / "c.yaml", "rules:\n  nope: error\n")
    with pytest.raises(ConfigError):
        validator.lint(example_path, config=config)


# --- custom rules ---------------------------------------------------------------------

CUSTOM = """
custom-rules:
  - name: cart-needs-currency
    summary: Carts name their currency.
    where: cartStatus.currency
    check: required
    message: the cart has no currency
  - name: sku-format
    severity: error
    where: cartStatus.products[*].product.sku
    check: pattern
    options: {regex: '^[A-Z]{3}-[0-9]+$'}
    message: "sku {value} is not like ABC-123"
  - name: email-domain
    where: personalInfo.contacts[*].personalContact.email
    check: pattern
    options: {regex: '@example\\.com$'}
    message: "only example.com addresses in fixtures"
  - name: known-gender
    where: personalInfo.gender
    check: enum
    options: {values: [MALE, FEMALE, OTHER], case-insensitive: true}
    message: "gender {value} is not MALE, FEMALE or OTHER"
  - name: short-topic
    where: lead.topic
    check: length
    options: {max: 10}
    message: lead topic too long
  - name: price-range
    where: '*.products[*].product.price'
    check: range
    options: {min: 1, max: 100}
    message: "price {value} out of range"
  - name: created-before-processed
    severity: error
    where: lead.originalTimeStamp
    check: compare
    options: {other: serverTimeStamp, op: "<="}
    message: created after processed
  - name: brand-id
    where: record.info.brandId
    check: required
    message: record has no brandId
"""


def test_custom_rules_each_check(tmp_path, cli):
    _write(tmp_path / ".sdelint.yaml", CUSTOM)  # found by discovery above the fixture
    record = {
        "info": {"conversationId": "c"},
        "unAuthSdes": {"events": [
            {"cartStatus": {"serverTimeStamp": "1528628536879", "products": [{"quantity": 1, "product": {"sku": "abc", "price": 500}}, {"quantity": 1, "product": {"sku": "ABC-1", "price": 5}}]}, "sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879", "isAuthenticated": False},
            {"personalInfo": {"serverTimeStamp": "1528628536880", "personalInfo": {"gender": "male", "contacts": [{"personalContact": {"email": "a@b.org"}}, {"personalContact": {"email": "a@example.com"}}]}}, "sdeType": "PERSONAL_INFO", "serverTimeStamp": "1528628536880", "isAuthenticated": False},
            {"personalInfo": {"serverTimeStamp": "1528628536880", "personalInfo": {"gender": "robot"}}, "sdeType": "PERSONAL_INFO", "serverTimeStamp": "1528628536880", "isAuthenticated": False},
            {"lead": {"lead": {"topic": "luxury car test drive 2015"}, "serverTimeStamp": "1528628536882", "originalTimeStamp": "1528636540046"}, "sdeType": "LEAD", "serverTimeStamp": "1528628536882", "isAuthenticated": False},
        ]},
    }
    fixture = _write(tmp_path / "r.json", json.dumps(record))
    report = json.loads(cli("check", "--format", "json", str(fixture)).output)
    got = {(f["rule"], f["pointer"], f["severity"]) for f in report["findings"] if f["rule"] in {"cart-needs-currency", "sku-format", "email-domain", "known-gender", "short-topic", "price-range", "created-before-processed", "brand-id"}}
    events = "/unAuthSdes/events"
    assert got == {
        ("cart-needs-currency", f"{events}/0/cartStatus", "warning"),
        ("sku-format", f"{events}/0/cartStatus/products/0/product/sku", "error"),
        ("price-range", f"{events}/0/cartStatus/products/0/product/price", "warning"),
        ("email-domain", f"{events}/1/personalInfo/personalInfo/contacts/0/personalContact/email", "warning"),
        ("known-gender", f"{events}/2/personalInfo/personalInfo/gender", "warning"),
        ("short-topic", f"{events}/3/lead/lead/topic", "warning"),
        ("created-before-processed", f"{events}/3/lead/originalTimeStamp", "error"),
        ("brand-id", "/info", "warning"),
    }
    messages = {f["rule"]: f["message"] for f in report["findings"]}
    assert messages["sku-format"] == "sku 'abc' is not like ABC-123"


def test_custom_rules_are_listed_and_explained(tmp_path, cli):
    config = _write(tmp_path / ".sdelint.yaml", CUSTOM)
    listing = cli("rules", "--config", str(config))
    assert listing.exit_code == 0
    line = next(row for row in listing.output.splitlines() if row.startswith("cart-needs-currency"))
    assert "warning" in line and "custom" in line and "Carts name their currency." in line
    explained = cli("explain", "sku-format", "--config", str(config))
    assert explained.exit_code == 0 and "pattern on cartStatus.products[*].product.sku" in explained.output


def test_custom_rule_messages_are_not_format_strings(tmp_path, cli):
    config = _write(tmp_path / ".sdelint.yaml", "custom-rules:\n  - {name: x, where: lead.topic, check: length, options: {max: 1}, message: '{value.__class__} {0} {pointer}'}\n")
    event = {"lead": {"lead": {"topic": "abc"}, "serverTimeStamp": "1528628536882"}, "sdeType": "LEAD", "serverTimeStamp": "1528628536882"}
    fixture = _write(tmp_path / "e.json", json.dumps(event))
    report = json.loads(cli("check", "--format", "json", "--config", str(config), str(fixture)).output)
    (finding,) = [f for f in report["findings"] if f["rule"] == "x"]
    assert finding["message"] == "{value.__class__} {0} /lead/lead/topic"


def test_rules_command_shows_configured_severities(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / ".sdelint.yaml", "rules:\n  timestamp-order: error\n  customer-entity: {severity: info, statuses: [a]}\n")
    result = cli("rules", "--format", "json")
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert rows["timestamp-order"]["severity"] == "error"
    assert rows["customer-entity"]["severity"] == "info" and rows["customer-entity"]["params"]["statuses"] == ["a"]
    assert rows["unknown-field"]["severity"] == "warning"


def test_rules_json_writes_a_yaml_date_as_text_and_shows_a_custom_rules_definition(tmp_path, cli, monkeypatch):
    """An unquoted date (earliest: 2001-01-01, as YAML reads it) ended `rules --format json` in an internal error;
    a custom rule's row had no definition (explain showed it)."""
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / ".sdelint.yaml", "rules:\n  timestamp-range: {earliest: 2001-01-01}\ncustom-rules:\n"
           "  - {name: big-total, where: cartStatus.total, check: compare, options: {other: cartStatus.numItems, op: '>'}, message: 'total {value}'}\n")
    result = cli("rules", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert rows["timestamp-range"]["params"] == {"earliest": "2001-01-01", "latest": "2100-01-01"}
    assert rows["big-total"]["definition"] == {"where": "cartStatus.total", "check": "compare", "options": {"other": "cartStatus.numItems", "op": ">"},
                                               "message": "total {value}"}
    assert "definition" not in rows["timestamp-range"]
    # YAML's .nan, .inf and dates in a custom rule's enum: json.dumps wrote them bare (NaN, Infinity), which is not JSON;
    # no JSON value can equal them, so they are now refused at load (with the file's line), here as in `check`
    _write(tmp_path / ".sdelint.yaml", "custom-rules:\n  - {name: odd, where: lead.topic, check: enum, options: {values: [.nan, .inf, -.inf, 2001-01-01, 1.5]}, message: m}\n")
    result = cli("rules", "--format", "json")
    assert result.exit_code == 2 and result.stdout == ""
    assert ".sdelint.yaml:2:" in result.stderr and "custom rule 'odd': enum value nan is not a finite number: no JSON value could match it" in result.stderr


def test_the_readme_configuration_examples_load_and_apply(tmp_path, cli):
    import re

    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (yaml_block,) = re.findall(r"```yaml\n(# \.sdelint\.yaml\n.*?)```", readme, re.S)
    config = _write(tmp_path / ".sdelint.yaml", yaml_block)
    rows = {row["name"]: row for row in json.loads(cli("rules", "--config", str(config), "--format", "json").output)}
    assert rows["unknown-field"]["severity"] == "error" and rows["contact-format"]["severity"] == "off"
    assert {"cart-needs-currency", "sku-format", "created-before-processed"} <= set(rows)
    toml_block = re.findall(r"```toml\n(.*?)```", readme, re.S)[0]
    pyproject = _write(tmp_path / "proj" / "pyproject.toml", toml_block)
    rows = {row["name"]: row for row in json.loads(cli("rules", "--config", str(pyproject), "--format", "json").output)}
    assert rows["timestamp-order"]["params"]["tolerance-ms"] == 5000


def test_the_strictest_fail_on_of_the_configurations_in_use_decides(tmp_path, cli):
    _write(tmp_path / "strict" / ".sdelint.yaml", "fail-on: warning\n")
    _write(tmp_path / "lax" / ".sdelint.yaml", "fail-on: error\n")
    strict = _write(tmp_path / "strict" / "a.json", json.dumps(SKEWED))  # a timestamp-order warning
    lax = _write(tmp_path / "lax" / "b.json", json.dumps(SKEWED))
    assert cli("check", str(lax)).exit_code == 0
    assert cli("check", str(lax), str(strict)).exit_code == 1
    assert cli("check", str(strict), str(lax)).exit_code == 1


def test_configuration_errors_all_at_once_each_at_its_line_with_a_suggestion(tmp_path, cli):
    """A bad key on line 4 is reported at 4, not 1:1; every error is listed; near misses get a "did you mean"."""
    (tmp_path / "a.json").write_text("{}")
    config = _write(tmp_path / ".sdelint.yaml", "api-version: v2\nrules:\n  timestamp-ordr: warning\nfail_on: error\nmin-severity: loud\n")
    result = cli("check", "--config", config, tmp_path / "a.json")
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert f"  {config}:4:1: (top level): unknown key 'fail_on' (did you mean 'fail-on'?)" in lines
    assert f"  {config}:5:15: min-severity: must be one of error, warning, info, found 'loud'" in lines
    assert any(line.startswith(f"  {config}:3:3: unknown rule 'timestamp-ordr' (did you mean 'timestamp-order'?)") for line in lines)


def test_pyproject_errors_have_lines_too(tmp_path, cli):
    (tmp_path / "a.json").write_text("{}")
    config = _write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.sdelint]\napi-version = "v2"\nfail_on = "error"\n\n[tool.sdelint.rules]\nvalue-length = { maxx = 3 }\n')
    result = cli("check", "--config", config, tmp_path / "a.json")
    assert result.exit_code == 2
    assert f"{config}:6:1: (top level): unknown key 'fail_on' (did you mean 'fail-on'?)" in result.output
    assert f"{config}:9:1: rule 'value-length' has no parameter 'maxx' (did you mean 'max'?)" in result.output
    assert ":0:0:" not in result.output


def test_custom_rule_paths_take_an_array_index(tmp_path, cli):
    """products[0] loaded but never matched (found by a crash hunt): an index now selects that one item, and
    required on an index asks for the item itself."""
    _write(tmp_path / ".sdelint.yaml", """custom-rules:
  - {name: first-sku, where: 'cartStatus.products[0].product.sku', check: pattern, options: {regex: '^[A-Z]'}, message: first sku}
  - {name: has-a-product, where: 'cartStatus.products[0]', check: required, message: no product}
""")
    def cart(products):
        return {"cartStatus": {"serverTimeStamp": "1528628536879", "products": products}, "sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879"}

    item = {"quantity": 1, "product": {"sku": "abc"}}
    fixture = _write(tmp_path / "r.json", json.dumps({"events": [cart([item, item]), cart([])]}))
    report = json.loads(cli("check", "--format", "json", str(fixture)).output)
    got = sorted((f["rule"], f["pointer"]) for f in report["findings"] if f["rule"] in ("first-sku", "has-a-product"))
    assert got == [("first-sku", "/events/0/cartStatus/products/0/product/sku"), ("has-a-product", "/events/1/cartStatus/products")]


@pytest.mark.parametrize("kind", ["unknown rules", "repeated keys"])
def test_many_configuration_errors_are_placed_without_counting_lines_again(tmp_path, monkeypatch, kind):
    """Each error's line counted the newlines from the top of the file: quadratic in its size, so 200,000 misspelt
    rule names (3 MB, of the 16 MiB allowed) took minutes. The line starts are found once; the places do not change."""
    from validator.load import yaml_source

    counted = []
    original = yaml_source.line_col
    monkeypatch.setattr(yaml_source, "line_col", lambda *a: counted.append(1) or original(*a))
    lines = [f"  bogus-rule-{i}: 'off'" if kind == "unknown rules" else "  cart-arithmetic: 'off'" for i in range(300)]
    path = _write(tmp_path / ".sdelint.yaml", "\ufeffrules:\n" + "\n".join(lines) + "\n")
    with pytest.raises(ConfigError) as caught:
        Configuration.load(path)
    shown = str(caught.value).splitlines()
    assert len(counted) <= 1
    first, hundredth = (2, 101) if kind == "unknown rules" else (3, 102)  # a repeated key: each after the first
    assert shown[1].strip().startswith(f"{path}:{first}:3: ") and shown[100].strip().startswith(f"{path}:{hundredth}:3: ")
    assert shown[-1].strip() == ("... and 200 more" if kind == "unknown rules" else "... and 199 more")


@pytest.mark.parametrize("name, counted", [(".sdelint.yaml", "validator.load.yaml_source.compose"), ("pyproject.toml", "validator.load.toml_positions._places")])
def test_many_configuration_errors_read_the_text_once_and_show_a_hundred(tmp_path, monkeypatch, name, counted):
    """Each error's place composed the whole YAML again: 800 misspelt rule names took a minute, 3,000 never ended (an audit)."""
    import importlib

    module_name, function = counted.rsplit(".", 1)
    module = importlib.import_module(module_name)
    calls = []
    original = getattr(module, function)
    monkeypatch.setattr(module, function, lambda *a, **k: calls.append(1) or original(*a, **k))
    head = "[tool.sdelint.rules]\n" if name == "pyproject.toml" else "rules:\n"
    lines = [f'bogus-rule-{i} = "off"' if name == "pyproject.toml" else f"  bogus-rule-{i}: 'off'" for i in range(300)]
    path = tmp_path / name
    path.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Configuration.load(path)
    shown = str(caught.value).splitlines()
    assert len(calls) == 1
    assert shown[-1].strip() == "... and 200 more" and len(shown) == 102
    column = 1 if name == "pyproject.toml" else 3
    assert shown[1].strip().startswith(f"{path}:2:{column}: unknown rule 'bogus-rule-0'")
    assert shown[100].strip().startswith(f"{path}:101:{column}: unknown rule 'bogus-rule-99'")


def test_custom_compare_reads_a_double_nested_types_timestamps_from_its_container(tmp_path):
    """'other: serverTimeStamp' was looked for among lead's attributes, never found, and the rule never fired (an audit);
    == and != compare text too (they compared numbers only)."""
    config = _write(tmp_path / ".sdelint.yaml", """custom-rules:
  - {name: value-above-stamp, where: lead.value, check: compare, options: {other: serverTimeStamp, op: '>'}, message: "{value}"}
  - {name: same-topic, where: lead.topic, check: compare, options: {other: lead.lead.leadId, op: '=='}, message: "{value}"}
  - {name: known-code, where: 'serviceActivity.status', check: enum, options: {values: [0, 1, 2]}, message: "{value}"}
""")
    lead = {"lead": {"serverTimeStamp": "1528628536882", "lead": {"value": "22.22", "topic": "a", "leadId": "b"}}, "sdeType": "LEAD", "serverTimeStamp": "1528628536882"}
    service = {"serviceActivity": {"serverTimeStamp": "1528628536882", "serviceActivity": {"status": "1"}}, "sdeType": "SERVICE_ACTIVITY", "serverTimeStamp": "1528628536882"}
    found = {(f.rule, f.pointer) for f in validator.lint([lead, service], config=config)} & {("value-above-stamp", "/0/lead/lead/value"),
                                                                                             ("same-topic", "/0/lead/lead/topic"), ("known-code", "/1/serviceActivity/serviceActivity/status")}
    assert found == {("value-above-stamp", "/0/lead/lead/value"), ("same-topic", "/0/lead/lead/topic")}  # v1's "1" is the listed 1


def test_a_misnamed_rule_is_one_error_and_a_custom_rule_may_be_off(tmp_path, cli, example_path):
    config = _write(tmp_path / ".sdelint.yaml", "rules:\n  cart-arithmetic: warning\n  Message_Time: off\n")
    result = cli("check", "--config", str(config), str(example_path))
    assert result.exit_code == 2 and result.output.count("Message_Time") == 1 and "did you mean 'message-time'" in result.output
    off = _write(tmp_path / "off.yaml", "custom-rules:\n  - {name: x, where: cartStatus.total, check: required, message: m, severity: off}\n")
    assert cli("check", "--config", str(off), str(example_path)).exit_code == 0  # a bare off, as under rules:


@pytest.mark.parametrize("name, text", [
    ("pyproject.toml", '[tool.sdelnt]\nfail-on = "warning"\n'),  # misspelt: read as no configuration at all
    ("sdelint.toml", 'fail-on = "warning"\n[rules]\ntimestamp-order = "loud"\n'),  # was parsed as YAML
])
def test_a_named_toml_configuration_is_read_as_toml_and_must_hold_one(tmp_path, cli, example_path, name, text):
    """An audit: --config with a pyproject.toml whose table is misspelt ran with the defaults while -v named the file;
    any other .toml was parsed as YAML ("expected '<document start>'")."""
    config = _write(tmp_path / name, text)
    result = cli("check", "--config", str(config), str(example_path))
    assert result.exit_code == 2
    expected = "no [tool.sdelint] table" if name == "pyproject.toml" else f"{config}:3:1: rules/timestamp-order: must be one of"
    assert expected in result.output
    good = _write(tmp_path / "good.toml", '[tool.sdelint]\nfail-on = "warning"\n')
    assert cli("check", "--config", str(good), str(example_path)).exit_code == 1  # its warnings now fail


def test_override_patterns_mean_what_their_users_mean(tmp_path, cli, monkeypatch):
    """An audit: './c.json' in overrides[].files matched nothing (ruff's users write it), and a pointer pattern did not
    cover the members under it, though the README says "only under these JSON Pointers"."""
    monkeypatch.chdir(tmp_path)
    cart = {"cartStatus": {"serverTimeStamp": "1528628536879", "currency": "usd", "total": "-1"}, "sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879"}
    (tmp_path / "c.json").write_text(json.dumps({"events": [cart]}), encoding="utf-8")
    config = _write(tmp_path / ".sdelint.yaml", """overrides:
  - files: ['./c.json']
    rules: {currency-code: error}
  - files: ['c.json']
    pointers: ['/events/0/cartStatus']
    rules: {negative-amount: 'off'}
  - files: ['**']
    pointers: ['**/serverTimeStamp']
    rules: {timestamp-range: 'off'}
""")
    report = json.loads(cli("check", "--config", str(config), "--format", "json", "c.json").output)
    got = {(f["rule"], f["severity"]) for f in report["findings"]}
    assert ("currency-code", "error") in got and "negative-amount" not in {rule for rule, _ in got}


@pytest.mark.parametrize("pattern", [".//sub/c.json", "sub//c.json", "././sub//*.json"])
def test_an_override_glob_with_a_doubled_slash_matches_as_the_path_it_spells(project, cli, pattern):
    """A sweep: './/sub/c.json' was anchored as '//sub/c.json', and 'sub//c.json' kept its '//': no path holds one, so
    the override matched nothing, in silence, where the system reads the same spelling as sub/c.json."""
    _write(project / "sub" / "c.json", json.dumps(SKEWED))
    _write(project / ".sdelint.yaml", f"overrides:\n  - files: ['{pattern}']\n    rules: {{timestamp-order: info}}\n")
    assert _severities(cli, "sub/c.json")["timestamp-order"] == {"info"}
    assert _severities(cli, "--exclude", pattern, ".").get("timestamp-order") == {"warning"}  # the file it names is left out


def test_custom_rules_run_on_engagement_history_events(tmp_path):
    """An audit: a custom rule never ran on an Engagement History input, and nothing said so."""
    config = _write(tmp_path / ".sdelint.yaml", "custom-rules:\n  - {name: usd-only, where: '*.currency', check: enum, options: {values: [USD]}, message: '{value}'}\n")
    eh = {"interactionHistoryRecords": [{"info": {"engagementId": "1"}, "sdes": {"events": [
        {"serverTimeStamp": "1440412721832", "viewProduct": {"serverTimeStamp": "1440412721832", "currency": "EUR", "products": []}}]}}]}
    assert [f.pointer for f in validator.lint(eh, config=config) if f.rule == "usd-only"] == ["/interactionHistoryRecords/0/sdes/events/0/viewProduct/currency"]


def test_a_configuration_link_to_nothing_is_an_error_and_a_misspelt_select_gets_a_hint(tmp_path, cli, example_path, monkeypatch):
    """An audit: a broken-symlink .sdelint.yaml was passed over without a word (the defaults ran); --select gave no hint."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".sdelint.yaml").symlink_to(tmp_path / "gone.yaml")
    capture = tmp_path / "c.json"
    capture.write_bytes(example_path.read_bytes())
    monkeypatch.chdir(tmp_path)
    result = cli("check", "c.json")
    assert result.exit_code == 2 and "the configuration is a link to a file that does not exist" in result.output
    hinted = cli("check", "--config", str(_write(tmp_path / "ok.yaml", "{}\n")), "--select", "timestamp-ordr", "c.json")
    assert hinted.exit_code == 2 and "did you mean 'timestamp-order'?" in hinted.output


def test_every_broken_custom_rule_is_listed_at_once(tmp_path, cli, example_path):
    """A review: custom-rule errors stopped at the first entry."""
    config = _write(tmp_path / ".sdelint.yaml", """custom-rules:
  - {name: a, where: cartStatus.total, check: range, options: {}, message: m}
  - {name: b, where: 'nope.x', check: required, message: m}
""")
    result = cli("check", "--config", str(config), str(example_path))
    assert result.exit_code == 2 and ":2:" in result.output and ":3:" in result.output
    assert "needs min, max or both" in result.output and "must start with an attribute type" in result.output
    many = _write(tmp_path / "many.yaml", "custom-rules:\n" + "".join(f"  - {{name: r{i}, where: 'nope.x', check: required, message: m}}\n" for i in range(150)))
    listed = cli("check", "--config", str(many), str(example_path)).output
    assert listed.count("must start with an attribute type") == 100 and "... and 50 more" in listed  # capped as the others


@pytest.mark.parametrize("text", [
    '# sdelint\n[tool.sdelint.rules]\ntimestamp-order = "loud"\n',
    '# sdelint\n[tool]\nsdelint.rules.timestamp-order = "loud"\n',
    '# sdelint\n\ntool.sdelint.rules.timestamp-order = "loud"\n',
])
def test_a_toml_configuration_in_sub_tables_is_placed(tmp_path, cli, example_path, text):
    """Two reviews: a .toml whose tool.sdelint table is spelt other than [tool.sdelint] had every error at 1:1."""
    config = _write(tmp_path / "lint.toml", text)
    result = cli("check", "--config", str(config), str(example_path))
    assert result.exit_code == 2 and f"{config}:3:" in result.output and "rules/timestamp-order: must be one of" in result.output


def test_a_pointer_pattern_of_many_stars_is_matched_in_linear_time(tmp_path, run_sdelint, example_path):
    """A sweep: '/' followed by 24 stars backtracked for minutes in Python's re; pointer patterns are RE2's now."""
    config = _write(tmp_path / ".sdelint.yaml", 'overrides:\n  - files: ["**"]\n    pointers: ["/' + "*" * 24 + '/q", "**/total"]\n    rules: {cart-arithmetic: "off"}\n')
    capture = tmp_path / "p.json"
    capture.write_bytes(example_path.read_bytes())
    done = run_sdelint("check", "--config", config, "--format", "json", capture, timeout=60)
    rules = [f["rule"] for f in json.loads(done.stdout)["findings"]]
    assert "timestamp-order" in rules and rules.count("cart-arithmetic") == 1  # the numItems one: not under **/total


def test_a_valid_toml_configuration_is_parsed_once(tmp_path, monkeypatch):
    """Its locator decided on load where tool.sdelint is, parsing the text again though no error needed a place."""
    import tomllib

    calls = []
    original = tomllib.loads
    monkeypatch.setattr(tomllib, "loads", lambda text, **kw: calls.append(1) or original(text, **kw))
    Configuration.load(_write(tmp_path / "lint.toml", '[tool.sdelint]\nfail-on = "warning"\n'))
    assert len(calls) == 1


NESTED_CUSTOM = """
custom-rules:
  - name: cart-needs-currency
    where: cartStatus.currency
    check: required
    message: the cart has no currency
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_select_takes_a_custom_rule_of_a_nested_configuration(project, cli, jobs):
    """An audit: --select of a custom rule only fixtures/'s configuration defines was "unknown rule" (exit 2), even for
    its own files alone, whenever the current folder had a configuration too (it was checked against that one)."""
    _write(project / ".sdelint.yaml", "rules: {timestamp-order: error}\n")
    _write(project / "fixtures" / ".sdelint.yaml", NESTED_CUSTOM)
    for i in range(20):  # past the parallel threshold: the workers load the configurations themselves
        _write(project / "fixtures" / "many" / f"{i}.json", json.dumps(SKEWED))
    alone = _severities(cli, "-j", jobs, "--select", "cart-needs-currency", "fixtures/skewed/a.json")
    assert alone == {"cart-needs-currency": {"warning"}}
    both = cli("check", "-j", jobs, "--format", "json", "--select", "cart-needs-currency", "fixtures", "legacy/b.json")
    assert both.exit_code == 0, both.output
    files = {f["file"] for f in json.loads(both.output)["findings"]}
    assert files == {f"fixtures/many/{i}.json" for i in range(20)} | {"fixtures/skewed/a.json"}  # legacy/'s configuration has no such rule
    ignored = _severities(cli, "-j", jobs, "--ignore", "cart-needs-currency", "fixtures", "legacy/b.json")
    assert "cart-needs-currency" not in ignored and ignored["timestamp-order"] == {"warning", "error"}


def test_select_of_a_name_no_configuration_in_use_defines_is_still_an_error(project, cli):
    _write(project / ".sdelint.yaml", "rules: {timestamp-order: error}\n")
    _write(project / "fixtures" / ".sdelint.yaml", NESTED_CUSTOM)
    result = cli("check", "--select", "cart-needs-currency", "legacy/b.json")  # fixtures/ is not checked: its rule is not in use
    assert result.exit_code == 2 and "unknown rule 'cart-needs-currency' in --select (see 'sdelint rules')" in result.stderr
    typo = cli("check", "--ignore", "cart-need-currency", "fixtures", "legacy/b.json")
    assert typo.exit_code == 2 and "(did you mean 'cart-needs-currency'?)" in typo.output


def _custom_findings(tmp_path, cli, entries: str, event: dict) -> dict[str, str]:
    config = _write(tmp_path / ".sdelint.yaml", "custom-rules:\n" + entries)
    fixture = _write(tmp_path / "e.json", json.dumps(event))
    result = cli("check", "--format", "json", "--min-severity", "info", "--config", str(config), str(fixture))
    assert result.exit_code in (0, 1), result.output
    return {f["rule"]: f["message"] for f in json.loads(result.output)["findings"]}


CART = {"cartStatus": {"serverTimeStamp": "1528628536879", "total": "5", "isAuthenticated": True,
                       "products": [{"product": {"sku": "A" * 5000 + "\x1b[2J", "name": "{pointer}"}, "quantity": 1}]},
        "sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879"}


def test_custom_rule_values_are_quoted_as_the_built_in_rules_quote_them(tmp_path, cli):
    """An audit: {value} was Python's repr of the whole value: 5,000 characters of a sku, a product as a Python dict,
    True and None (a required member's "value" when missing) where the payload says true and nothing."""
    messages = _custom_findings(tmp_path, cli, """
  - {name: sku, where: "cartStatus.products[*].product.sku", check: length, options: {max: 3}, message: "sku {value}"}
  - {name: product, where: "cartStatus.products[*].product", check: length, options: {max: 1}, message: "product {value}"}
  - {name: named, where: "cartStatus.products[*].product.name", check: length, options: {max: 1}, message: "name {value}"}
  - {name: auth, where: cartStatus.isAuthenticated, check: enum, options: {values: [false]}, message: "auth {value}"}
  - {name: currency, where: cartStatus.currency, check: required, message: "currency {value} at {pointer}"}
""", CART)
    assert messages["sku"] == f"sku '{'A' * 40}…' (5004 characters)"
    assert messages["product"] == "product an object of 2 members"
    assert messages["auth"] == "auth true"
    assert messages["currency"] == "currency (missing) at /cartStatus/currency"
    assert messages["named"] == "name '{pointer}'"  # the payload's text is not substituted in turn


def test_custom_rule_placeholders_in_the_styles_other_linters_use(tmp_path, cli):
    """{{value}} (Spectral's, ESLint's) and { value } were printed with their braces, or as written."""
    messages = _custom_findings(tmp_path, cli, """
  - {name: total, where: cartStatus.total, check: range, options: {max: 1}, message: "total {{value}} at {{ pointer }}, { value }; {0} {value.x} {}"}
""", CART)
    assert messages["total"] == "total '5' at /cartStatus/total, '5'; {0} {value.x} {}"


@pytest.mark.parametrize("written,hint", [("{Value}", "{value}"), ("{values}", "{value}"), ("{{val}}", "{value}"), ("{path}", "{pointer}"), ("{pointr}", "{pointer}")])
def test_a_misspelt_placeholder_is_a_configuration_error(tmp_path, cli, example_path, written, hint):
    """An audit: {Value} or Spectral's {{path}} was printed as written in every finding of the rule."""
    config = _write(tmp_path / ".sdelint.yaml", f"custom-rules:\n  - name: total\n    where: cartStatus.total\n    check: required\n    message: 'total {written}'\n")
    result = cli("check", "--config", str(config), str(example_path))
    assert result.exit_code == 2
    assert f"{config}:5:14: custom rule 'total': message: {written} is no placeholder (did you mean {hint}?)" in result.output


def test_a_summary_shows_no_raw_placeholder(tmp_path, cli):
    """The summary defaults to the message: `sdelint rules` listed "sku {value} is not like ABC-123" as it was written."""
    config = _write(tmp_path / ".sdelint.yaml", CUSTOM)
    line = next(row for row in cli("rules", "--config", str(config)).output.splitlines() if row.startswith("sku-format"))
    assert line.endswith("sku … is not like ABC-123")


@pytest.mark.parametrize("where, said", [
    ("personalInfo.personalInfo.contcts", "personalInfo has no member 'contcts' (did you mean 'contacts'?)"),
    ("cartStatus.curency", "cartStatus has no member 'curency' (did you mean 'currency'?)"),
    ("cartStatus.products.product.sku", "products is an array: products[*].product reads 'product' in each item, products[0].product in the first"),
    ("personalInfo.personalContact.email", "personalInfo has no member 'personalContact' (did you mean 'contacts[*].personalContact'?)"),
    ("'*.products[*].product.skuu'", "in cartStatus, product has no member 'skuu' (did you mean 'sku'?); no other attribute type has the path either"),
    ("cartStatus.currency.code", "currency holds a value, not members: it has no 'code'"),
    ("customerInfo.cstatus", "customerInfo has no member 'cstatus': that is the web side's name of 'customerStatus'"),
    ("lead.serverTimestamp", "lead has no member 'serverTimestamp' (did you mean 'serverTimeStamp'?)"),
])
def test_a_custom_rule_path_no_schema_member_matches_is_a_warning(tmp_path, cli, example_path, where, said):
    """An audit: a misspelt member matched nothing, silently: a gate that never closed (with required: one that always did).
    A warning at the path's line and column, not an error: a brand's payloads may carry members the schemas do not define."""
    config = _write(tmp_path / ".sdelint.yaml", f"custom-rules:\n  - name: typo\n    where: {where}\n    check: required\n    message: m\n")
    result = cli("check", "--format", "json", "--config", str(config), str(example_path))
    assert result.exit_code in (0, 1) and json.loads(result.stdout)["findings"] is not None  # the report is whole
    assert result.stderr.startswith(f"sdelint: warning: {config}:3:12: custom rule 'typo': where {where.strip(chr(39))!r} matches no member the schemas define: {said}")


@pytest.mark.parametrize("where", [
    "personalInfo.contacts[*].personalContact.email", "personalInfo.personalInfo.contacts[0].personalContact.address.zipCode",
    "*.products[*].product.sku", "purchase.cart.products[*].product.price", "viewedProduct.products[*].product.statusInStock",
    "viewedProduct.products[*].quantityInStock", "lead.originalTimeStamp", "lead.lead.topic", "cartStatus.serverTimeStamp", "cartStatus.isAuthenticated",
    "*.isAuthenticated", "customerInfo.lastPaymentDate.year", "personalInfo.customerAge.customerAgeInYears", "marketingCampaignInfo.originatingChannel",
    "record.info.brandId", "record.anything.at.all", "*", "cartStatus",
])
def test_legal_custom_rule_paths_are_not_warned(tmp_path, cli, example_path, where):
    config = _write(tmp_path / ".sdelint.yaml", f"custom-rules:\n  - {{name: ok, where: '{where}', check: length, options: {{max: 9}}, message: m}}\n"
                                                "  - {name: cmp, where: lead.value, check: compare, options: {other: serverTimeStamp, op: '<'}, message: m}\n")
    result = cli("check", "--config", str(config), str(example_path))
    assert result.exit_code in (0, 1) and result.stderr == ""


def test_turning_unknown_field_off_says_the_payloads_carry_other_members(tmp_path, cli, example_path):
    """unknown-field is the rule of members the schemas do not define: off, a custom rule on one is meant."""
    config = _write(tmp_path / ".sdelint.yaml", "rules: {unknown-field: off}\ncustom-rules:\n  - {name: t, where: lead.ticketId, check: required, message: m}\n")
    assert cli("check", "--config", str(config), str(example_path)).stderr == ""
    other = _write(tmp_path / "other.yaml", "custom-rules:\n  - {name: t, where: lead.value, check: compare, options: {other: lead.ticketId, op: '=='}, message: m}\n")
    assert "custom rule 't': other 'lead.ticketId' matches no member the schemas define: lead has no member 'ticketId'" in cli(
        "check", "--config", str(other), str(example_path)).stderr


def test_explain_shows_a_custom_rules_definition(tmp_path, cli):
    """An audit: explain of a custom rule said only "pattern on <path>": not its options, message or what it applies to."""
    config = _write(tmp_path / ".sdelint.yaml", CUSTOM + """  - name: typo
    where: personalInfo.contcts
    check: required
    message: "no contacts at {pointer}"
""")
    out = cli("explain", "sku-format", "--config", str(config)).output
    assert "Where: cartStatus.products[*].product.sku (cartStatus events)\n" in out
    assert 'Check: pattern, regex = "^[A-Z]{3}-[0-9]+$"\n' in out
    assert "Message: sku {value} is not like ABC-123\n" in out and "Severity: error (default error)\n" in out
    compare = cli("explain", "created-before-processed", "--config", str(config)).output
    assert 'Check: compare, other = "serverTimeStamp", op = "<="\n' in compare and "Where: lead.originalTimeStamp (lead events)\n" in compare
    typo = cli("explain", "typo", "--config", str(config)).output  # why it never fires, without the configuration's path
    assert "Warning: the path matches no member the schemas define: personalInfo has no member 'contcts' (did you mean 'contacts'?)" in typo
    assert str(tmp_path) not in typo


def test_explain_escapes_a_custom_rules_text_as_rules_and_the_reports_do(tmp_path, cli):
    """A review: explain printed a custom summary and message raw (an OSC title sequence, BEL, a line break), where
    `rules` and every report escape them."""
    config = _write(tmp_path / ".sdelint.yaml", """custom-rules:
  - name: loud
    where: cartStatus.currency
    check: required
    message: "x \\e]0;PWNED\\a y"
    summary: |
      two
      lines
""")
    out = cli("explain", "loud", "--config", str(config)).output
    assert out.startswith("loud: two\\nlines\n") and "Message: x \\x1b]0;PWNED\\x07 y\n" in out
    assert "\x1b" not in out and "\x07" not in out


@pytest.mark.parametrize("member", ["message", "summary"])
def test_a_blank_custom_message_is_a_configuration_error(tmp_path, cli, example_path, member):
    """A review: a message of blanks passed the schema's non-empty check (made before the trim) and every finding said nothing."""
    extra = "" if member == "message" else ', message: "no currency"'
    first = "message" if member == "message" else "summary"
    config = _write(tmp_path / ".sdelint.yaml", f'custom-rules:\n  - {{name: c, where: cartStatus.currency, check: required, {first}: "   \\n  "{extra}}}\n')
    result = cli("check", "--config", str(config), str(example_path))
    assert result.exit_code == 2 and f"custom rule 'c': {member} is only blanks" in result.output


def test_explain_of_a_rule_it_cannot_see_says_which_configuration_it_read(project, cli):
    """explain reads the current folder's configuration (or --config): a subfolder's custom rule is not in it, and the
    message said only "unknown rule"; a near name had no hint either."""
    _write(project / ".sdelint.yaml", "rules: {timestamp-order: error}\n")
    _write(project / "fixtures" / ".sdelint.yaml", NESTED_CUSTOM)
    result = cli("explain", "cart-needs-currency")
    assert result.exit_code == 2
    assert f"not a built-in rule, nor a custom rule of {project / '.sdelint.yaml'}" in result.output and "--config" in result.output
    assert "(did you mean 'timestamp-order'?)" in cli("explain", "timestamp-ordr").output
    found = cli("explain", "--config", "fixtures/.sdelint.yaml", "cart-needs-currency")
    assert found.exit_code == 0 and "Where: cartStatus.currency" in found.output


def test_a_misspelt_custom_rule_name_under_rules_gets_a_hint(tmp_path, cli, example_path):
    """Under rules: and overrides, a near name was looked for among the built-in rules only."""
    config = _write(tmp_path / ".sdelint.yaml", NESTED_CUSTOM + "overrides:\n  - files: ['**']\n    rules: {cart-need-currency: 'off'}\n")
    result = cli("check", "--config", str(config), str(example_path))
    assert result.exit_code == 2 and "unknown rule 'cart-need-currency' (did you mean 'cart-needs-currency'?)" in result.output


@pytest.mark.parametrize("text, place", [
    ("rules: {unknown-field: {severity: eror}}\n", "1:35"),
    ("rules:\n  customer-entity: {severity: Warning, statuses: [a]}\n", "2:31"),
    ("overrides:\n  - files: ['**']\n    rules: {timestamp-order: {severity: inf}}\n", "3:41"),
])
def test_a_misspelt_severity_in_a_rule_table_is_named(tmp_path, cli, example_path, text, place):
    """An audit: {severity: eror} said only "{'severity': 'eror'} is not valid under any of the given schemas", at the table."""
    config = _write(tmp_path / ".sdelint.yaml", text)
    result = cli("check", "--config", str(config), str(example_path))
    assert result.exit_code == 2 and f"{config}:{place}: " in result.output and "/severity: must be one of error, warning, info, off, found" in result.output
    assert "did you mean" in result.output and "not valid under any" not in result.output


@pytest.mark.parametrize("text", ["rules: " + "[" * 20000 + "]" * 20000 + "\n", "rules:\n  x:\n" + "".join("    " + "  " * i + f"a{i}:\n" for i in range(3000))])
def test_a_yaml_configuration_nested_too_deep_names_the_place(tmp_path, cli, example_path, text):
    """Nested past the recursion limit, PyYAML gives no mark: the message read '.sdelint.yaml:0:0:', a place no editor
    opens, then named the file alone; now the line and column where the nesting got too deep."""
    config = _write(tmp_path / ".sdelint.yaml", text)
    result = cli("check", "--config", str(config), str(example_path))
    found = re.search(rf"sdelint: error: {re.escape(str(config))}:(\d+):(\d+): nested too deeply to read", result.output)
    assert result.exit_code == 2 and found and ":0:0:" not in result.output, result.output
    line, column = map(int, found.groups())
    assert 1 <= line <= text.count("\n") and 1 < column <= len(text.splitlines()[line - 1]) + 1


def test_a_folded_message_or_summary_ends_in_no_newline(tmp_path, cli):
    """An audit: YAML's folded style (`message: >`), the usual one for a long text, ends in a newline, and each finding
    of the rule ended in a literal \\n; a summary written so broke `sdelint rules`, one line per rule."""
    entries = """
  - name: long-currency
    where: cartStatus.currency
    check: required
    summary: >
      Carts name
      their currency.
    message: >
      the cart
      has no currency
"""
    assert _custom_findings(tmp_path, cli, entries, CART)["long-currency"] == "the cart has no currency"
    listing = cli("rules", "--config", str(tmp_path / ".sdelint.yaml")).output.splitlines()
    assert listing[-1].endswith("  custom  Carts name their currency.") and listing[-1].startswith("long-currency")


def test_an_empty_enum_is_a_configuration_error(tmp_path, cli, example_path):
    """values: [] (a list left to fill in) failed every value of the path: a finding on every event, not a check."""
    config = _write(tmp_path / ".sdelint.yaml", "custom-rules:\n  - {name: e, where: cartStatus.currency, check: enum, options: {values: []}, message: m}\n")
    result = cli("check", "--config", str(config), str(example_path))
    assert result.exit_code == 2 and f"{config}:2:" in result.output and "custom rule 'e': enum values is empty: no value could pass" in result.output


@pytest.mark.parametrize("values, said", [
    ("[MALE, 2020-01-01]", "enum value 2020-01-01 is a date or time, not text (unquoted, YAML and TOML read it so): no JSON value could match it;"
                           " quote it, '2020-01-01'"),
    ("[MALE, .nan]", "enum value nan is not a finite number: no JSON value could match it"),
    ("[MALE, !!binary aGk=]", "enum value is binary data (!!binary): no JSON value could match it"),
    ("[MALE, [2020-01-01T10:00:00]]", "enum value 2020-01-01T10:00:00 is a date or time"),
])
def test_an_enum_value_no_json_value_can_equal_is_a_configuration_error(tmp_path, cli, example_path, values, said):
    """YAML 1.1 reads a bare 2020-01-01 as a date: a rule listing it failed every "2020-01-01" it met, a false finding on
    each (JSON has no dates, nor NaN, nor bytes)."""
    config = _write(tmp_path / ".sdelint.yaml", f"custom-rules:\n  - {{name: e, where: personalInfo.gender, check: enum, options: {{values: {values}}}, message: m}}\n")
    result = cli("check", "--config", str(config), str(example_path))
    assert result.exit_code == 2 and f"{config}:2:" in result.output and f"custom rule 'e': {said}" in result.output, result.output


def test_a_case_insensitive_enum_still_takes_an_unquoted_date_as_its_text(tmp_path, cli):
    """case-insensitive compares the text of each value, a date's too ("2020-01-01"): such a configuration worked, and
    the refusal of values no JSON value can equal must not break it (a review)."""
    config = _write(tmp_path / ".sdelint.yaml", "custom-rules:\n  - {name: e, where: lead.topic, check: enum, options: {values: [2020-01-01], case-insensitive: true}, message: m}\n")
    lead = {"sdeType": "LEAD", "serverTimeStamp": "1528628536879", "lead": {"serverTimeStamp": "1528628536879", "lead": {"topic": "2020-01-01"}}}
    other = {**lead, "lead": {"serverTimeStamp": "1528628536879", "lead": {"topic": "2021-01-01"}}}
    result = cli("check", "--config", str(config), "--select", "e", "--format", "json", _write(tmp_path / "a.json", json.dumps({"events": [lead, other]})))
    assert result.exit_code == 0, result.output
    assert [f["pointer"] for f in json.loads(result.stdout)["findings"]] == ["/events/1/lead/lead/topic"]


def test_an_enum_of_quoted_dates_matches_the_dates_sent_as_text(tmp_path, cli):
    config = _write(tmp_path / ".sdelint.yaml", "custom-rules:\n  - {name: e, where: lead.topic, check: enum, options: {values: ['2020-01-01']}, message: m}\n")
    lead = {"sdeType": "LEAD", "serverTimeStamp": "1528628536879", "lead": {"serverTimeStamp": "1528628536879", "lead": {"topic": "2020-01-01"}}}
    result = cli("check", "--config", str(config), "--select", "e", _write(tmp_path / "a.json", json.dumps({"events": [lead]})))
    assert result.exit_code == 0 and "Checked 1 file" in result.output and " e " not in result.output, result.output


def test_an_enum_tells_true_from_1_as_json_does(tmp_path, cli):
    """Python's True == 1: values [1, 2, 3] passed a numItems sent as true, and [true, false] passed an isAuthenticated
    sent as 1 (a missed finding); JSON and JSON Schema's enum keep them apart, while 1.0 still equals 1."""
    config = _write(tmp_path / ".sdelint.yaml", """custom-rules:
  - {name: count, where: cartStatus.numItems, check: enum, options: {values: [1, 2, 3]}, message: m}
  - {name: flag, where: cartStatus.isAuthenticated, check: enum, options: {values: [true, false]}, message: m}
  - {name: nested, where: cartStatus.products, check: enum, options: {values: [[1]]}, message: m}
""")
    cart = {"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879",
            "cartStatus": {"serverTimeStamp": "1528628536879", "numItems": True, "isAuthenticated": 1, "products": [True]}}
    same = {**cart, "cartStatus": {"serverTimeStamp": "1528628536879", "numItems": 2.0, "isAuthenticated": False, "products": [1.0]}}
    result = cli("check", "--config", str(config), "--select", "count,flag,nested", "--format", "json",
                 _write(tmp_path / "a.json", json.dumps({"events": [cart, same]})))
    found = sorted((f["rule"], f["pointer"]) for f in json.loads(result.stdout)["findings"])
    assert found == [("count", "/events/0/cartStatus/numItems"), ("flag", "/events/0/cartStatus/isAuthenticated"),
                     ("nested", "/events/0/cartStatus/products")], result.output


def test_an_enum_looks_a_scalar_up_by_hash_not_by_a_scan_of_its_values(tmp_path, monkeypatch):
    """Comparing each value checked with each allowed one by same_json (a Python loop) took 28 times as long as a
    lookup for 50 values, on every event of a big file; a scalar is now looked up, true still apart from 1."""
    import validator.rules.custom as custom

    calls = []
    same_json = custom.same_json
    monkeypatch.setattr(custom, "same_json", lambda a, b: calls.append((a, b)) or same_json(a, b))
    codes = ", ".join(f"C{i}" for i in range(50))
    config = _write(tmp_path / ".sdelint.yaml", f"""custom-rules:
  - {{name: code, where: cartStatus.currency, check: enum, options: {{values: [{codes}]}}, message: m}}
  - {{name: count, where: cartStatus.numItems, check: enum, options: {{values: [1, 2, 3]}}, message: m}}
""")
    events = [{"sdeType": "CART_STATUS", "serverTimeStamp": 1528628536879,
               "cartStatus": {"serverTimeStamp": 1528628536879, "currency": currency, "numItems": items}}
              for currency, items in (("C49", 2.0), ("USD", True), ("C0", 1))]
    found = [(f.rule, f.pointer) for f in validator.lint({"events": events}, config=config) if f.rule in ("code", "count")]
    assert found == [("code", "/events/1/cartStatus/currency"), ("count", "/events/1/cartStatus/numItems")]
    assert calls == []


def test_an_enum_checks_a_value_no_hash_takes_without_a_traceback(tmp_path):
    """lint_object keeps what is no JSON value (a set, a bytearray) for its wrong-type finding; the enum's hash lookup
    of it raised TypeError out of validator.lint. Such a value is in no enum; null still matches a null allowed."""
    config = _write(tmp_path / ".sdelint.yaml", """custom-rules:
  - {name: code, where: cartStatus.currency, check: enum, options: {values: [USD, null]}, message: m}
""")
    events = [{"sdeType": "CART_STATUS", "serverTimeStamp": 1528628536879,
               "cartStatus": {"serverTimeStamp": 1528628536879, "currency": currency}}
              for currency in ({"USD"}, bytearray(b"USD"), None, "USD")]
    found = [f.pointer for f in validator.lint({"events": events}, config=config) if f.rule == "code"]
    assert found == ["/events/0/cartStatus/currency", "/events/1/cartStatus/currency"]


def test_the_python_api_issues_configuration_warnings(tmp_path, example_path):
    """The command line says a path no schema member matches on stderr; the API said nothing at all."""
    import warnings

    import validator
    from validator.api import lint_paths

    config = _write(tmp_path / ".sdelint.yaml", "custom-rules:\n  - {name: typo, where: cartStatus.curency, check: required, message: none}\n")
    calls = (
        lambda: validator.lint_path(example_path, config=config),
        lambda: lint_paths([example_path], config=config, jobs=1),
        lambda: validator.lint(json.loads(example_path.read_text()), config=config),  # lint -> lint_object -> _linter
    )
    for call in calls:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            findings = call()
        said = [w for w in caught if issubclass(w.category, validator.ConfigWarning)]
        assert len(said) == 1 and "cartStatus.curency" in str(said[0].message) and "did you mean 'currency'" in str(said[0].message)
        assert said[0].filename == __file__, "pointed at the caller"
        assert findings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        validator.lint_path(example_path)
    assert not [w for w in caught if issubclass(w.category, validator.ConfigWarning)]


def test_the_current_folders_configuration_does_not_gate_inputs_it_does_not_cover(tmp_path, monkeypatch, cli):
    """Run from the root, a subfolder's input uses the subfolder's configuration: the root's fail-on (read for its
    cluster: only) must not make the exit status stricter than the same run from inside the subfolder."""
    _write(tmp_path / ".sdelint.yaml", "fail-on: warning\nmin-severity: info\n")
    _write(tmp_path / "sub" / ".sdelint.yaml", "api-version: v2\n")
    _write(tmp_path / "sub" / "a.json", json.dumps(SKEWED))  # a timestamp-order warning
    monkeypatch.chdir(tmp_path / "sub")
    assert cli("check", "a.json").exit_code == 0
    monkeypatch.chdir(tmp_path)
    result = cli("check", "sub/a.json")
    assert result.exit_code == 0, result.output
    assert "cannot fail on" not in result.output
    assert cli("check", "sub/a.json", _write(tmp_path / "b.json", json.dumps(SKEWED))).exit_code == 1  # the root's, in use


def test_a_custom_pattern_meets_a_lone_surrogate_without_an_internal_error(tmp_path, cli):
    """"\\ud800" is a valid JSON escape; RE2 takes UTF-8 only, and the pattern's search raised UnicodeEncodeError:
    an internal-error finding and exit 2 for a capture that only breaks the rule."""
    config = _write(tmp_path / ".sdelint.yaml", "custom-rules:\n  - name: iso\n    where: cartStatus.currency\n    check: pattern\n"
                    "    options: {regex: '^[A-Z]{3}$'}\n    message: 'bad {value}'\n")
    event = '{"cartStatus": {"serverTimeStamp": "1528628536879", "currency": "\\ud800"}, "sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879"}'
    result = cli("check", "--config", str(config), "--select", "iso", _write(tmp_path / "a.json", event))
    assert result.exit_code == 0, result.output  # a warning
    assert "internal-error" not in result.output
    assert "warning iso bad '\\ud800' (/cartStatus/currency)" in result.output


@pytest.mark.parametrize("name", [".sdelint.yaml", "lint.toml"])
def test_a_configuration_not_utf8_is_refused_at_its_line_and_column(tmp_path, cli, name, example_path):
    """A bad byte was named by its offset in the decoder's words ('position 24'), at no line; a BOM shifted it."""
    config = tmp_path / name
    config.write_bytes(b"\xef\xbb\xbf# \xc3\xa9t\xc3\xa9\n" + (b'api-version: "v2\xe9"\n' if name.endswith(".yaml") else b'api-version = "v2\xe9"\n'))
    result = cli("check", "--config", str(config), str(example_path))
    assert result.exit_code == 2
    column = 17 if name.endswith(".yaml") else 18  # after 'api-version: "v2' or 'api-version = "v2'
    assert f"sdelint: error: {config}:2:{column}: cannot read configuration: invalid UTF-8 byte b'\\xe9'" in result.output
    assert "Traceback" not in result.output
