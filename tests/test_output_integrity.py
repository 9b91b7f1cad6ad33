"""Output integrity and CI formats (issue 11 items 6, 7, 12, 18; issue 12 items 2, 3, 7, 9).

Each test fails on the code before these fixes: a crash, a hidden finding, a forged or coloured
line, or a report a CI consumer rejects.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_reporters import UNSAFE, assert_valid_sarif

from conftest import EXAMPLE, ROOT, sdelint_command
from validator.findings import Finding
from validator.report import common, sarif
from validator.report.common import canonical_json, color_wanted, escape_controls

CART_EVENT = {"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879", "isAuthenticated": False}
ANSI = re.compile("\x1b\\[[0-9;]*m")


def write_cart(path: Path, cart: dict) -> Path:
    path.write_text(json.dumps({"events": [{**CART_EVENT, "cartStatus": {"serverTimeStamp": "1528628536879", **cart}}]}, ensure_ascii=False), encoding="utf-8")
    return path


# --- 11.6: a file name that is not valid UTF-8 ---------------------------------------------


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes in names")
def test_sarif_with_a_file_name_that_is_not_utf8(tmp_path, cli, monkeypatch):
    raw_name = b"bad-\xff\xfe-name.json"
    (tmp_path / os.fsdecode(raw_name)).write_text('{"events": [{"sdeType": "CART_STATUS"}]}', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("check", os.fsdecode(raw_name), "--format", "sarif")
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert_valid_sarif(document)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]}
    assert uris == {"bad-%FF%FE-name.json"}  # the file's own bytes, percent-encoded (RFC 3986)
    # the real command, with the name as bytes on its command line, from another directory: a file: URI
    proc = subprocess.run([*sdelint_command(), "check", os.path.join(os.fsencode(tmp_path), raw_name), "--format", "sarif"], capture_output=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 1 and proc.stderr == b"", proc.stderr
    uri = json.loads(proc.stdout)["runs"][0]["artifacts"][0]["location"]["uri"]
    assert uri.startswith("file:///") and uri.endswith("/bad-%FF%FE-name.json")


# --- 11.7: mixed key types in a YAML value --------------------------------------------------

MIXED_KEYS_YAML = """\
events:
  - sdeType: CART_STATUS
    serverTimeStamp: "1528628536879"
    cartStatus:
      serverTimeStamp: "1528628536879"
      total: {1: a, b: c}
      products: [{2: x, true: y, null: z, 1.5: w}]
"""


@pytest.mark.parametrize("fmt", ["sarif", "gitlab"])
def test_mixed_key_types_in_a_value_with_fingerprinting_formats(tmp_path, cli, monkeypatch, fmt):
    (tmp_path / "mixed.yaml").write_text(MIXED_KEYS_YAML, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("check", "mixed.yaml", "--format", fmt)
    assert result.exit_code == 1 and "internal error" not in result.output
    document = json.loads(result.stdout)
    if fmt == "sarif":
        assert_valid_sarif(document)
        assert any(r["ruleId"] == "wrong-type" for r in document["runs"][0]["results"])
    else:
        assert any(issue["check_name"] == "wrong-type" for issue in document)


def test_mixed_key_types_in_a_baseline(tmp_path, cli, monkeypatch):
    (tmp_path / "mixed.yaml").write_text(MIXED_KEYS_YAML, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    written = cli("check", "mixed.yaml", "--write-baseline", "baseline.json")
    assert written.exit_code == 0 and "internal error" not in written.output
    again = cli("check", "mixed.yaml", "--baseline", "baseline.json")
    assert again.exit_code == 0 and "0 errors" in again.stdout and "known finding" in again.stdout


def test_canonical_json_ignores_key_order_and_tells_key_types_apart():
    assert canonical_json({1: "a", "b": "c"}) == canonical_json({"b": "c", 1: "a"})
    assert canonical_json({1: "a"}) != canonical_json({"1": "a"})
    assert canonical_json({(1, 2): {True: None, "x": [1]}}) == canonical_json({(1, 2): {"x": [1], True: None}})


def test_fingerprints_of_plain_values_are_unchanged():
    """Existing baselines keep matching: the canonical form is only the fallback for values JSON cannot sort."""
    finding = Finding("a.json", 1, 1, "/x", "wrong-type", "error", "m", value={"b": [1, 2], "a": "é"})
    import hashlib

    expected = hashlib.sha256(json.dumps({"a": "é", "b": [1, 2]}, sort_keys=True, default=str).encode()).hexdigest()[:16]
    assert finding.fingerprint() == f"a.json\0wrong-type\0/x\0{expected}"


# --- 11.12: a baseline hides only the input error it recorded -------------------------------


def test_a_baselined_syntax_error_does_not_hide_another_one(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "broken.json"
    target.write_text('{"events": [}', encoding="utf-8")
    assert cli("check", "broken.json", "--write-baseline", "baseline.json").exit_code == 0
    assert cli("check", "broken.json", "--baseline", "baseline.json").exit_code == 0  # the known error stays hidden
    target.write_text('\n\n{"events": [}', encoding="utf-8")  # the same error, moved: still the known one
    assert cli("check", "broken.json", "--baseline", "baseline.json").exit_code == 0
    target.write_text('{"events": [{"a" 1}]}', encoding="utf-8")  # another syntax error
    result = cli("check", "broken.json", "--baseline", "baseline.json")
    assert result.exit_code == 1 and "syntax-error" in result.stdout and "1 fixed" in result.stdout


def test_a_baselined_encoding_error_does_not_hide_another_one(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "lines.jsonl"
    target.write_bytes(b'{"events": []}\n{"events": ["\xff"]}\n')
    assert cli("check", "lines.jsonl", "--write-baseline", "baseline.json").exit_code == 0
    target.write_bytes(b'{"events": []}\n\n{"events": ["\xff"]}\n')  # the same byte, moved a line down: still known
    assert cli("check", "lines.jsonl", "--baseline", "baseline.json").exit_code == 0
    target.write_bytes(b'{"events": []}\n{"events": ["\xc3"]}\n')  # that one fixed, another bad byte in its place
    result = cli("check", "lines.jsonl", "--baseline", "baseline.json", "--select", "encoding-error", "-v")
    assert result.exit_code == 1 and result.stdout.count("encoding-error") == 2 and "xc3" in result.stdout and "1 fixed" in result.stdout


# --- 11.18: nothing from the input reaches the terminal raw ---------------------------------

HOSTILE = "ok\nfake.json:1:1: error forged-rule hi (/x)\x1b[31mred\x1b]0;title\x07\u202eevil\u2028\x85\x7f"


@pytest.fixture
def hostile_input(tmp_path, monkeypatch) -> Path:
    """A key, a record value quoted in a message, and a file name that try to forge lines and drive the terminal."""
    monkeypatch.chdir(tmp_path)
    name = "file\x1b[2Jname\u202e.json"
    # an end before the start: a finding in the file whatever its status
    record = {"info": {"conversationId": "c1", "status": HOSTILE, "startTimeL": 1472481024565, "endTimeL": 1472481024000}, "messageRecords": []}
    (tmp_path / name).write_text(json.dumps({"conversationHistoryRecords": [record], "_metadata": {"count": 1}}), encoding="utf-8")
    write_cart(tmp_path / "key.json", {HOSTILE: "x", "currency": "USD"})
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_human_formats_escape_what_the_input_holds(hostile_input, cli, fmt):
    names = sorted(p.name for p in hostile_input.iterdir())
    findings = json.loads(cli("check", *names, "--format", "json").stdout)["findings"]
    assert any("\n" in f["pointer"] for f in findings)  # the crafted key really is in a pointer
    # the file name really is in a finding (messages quote record values escaped, as repr does, since conversation-end
    # stopped quoting an unknown status: only names and pointers arrive raw)
    assert any("\x1b" in f["file"] for f in findings)
    out = cli("check", *names, "--format", fmt, "-v").stdout
    lines = out.splitlines()
    assert not UNSAFE.search(out.replace("\n", ""))
    body = [line for line in lines if line.startswith(("::", "file", "key"))]
    if fmt == "text":
        body = [line for line in body if re.match(r".+:\d+:\d+: ", line)]
    assert len(body) == len(findings)  # no forged line
    assert "forged-rule" not in "".join(line.split(" ", 1)[0] for line in lines)
    assert "\\x1b[31mred" in out and "\\u202eevil" in out and "\\n" in out


def test_escape_controls_names_each_character():
    assert escape_controls("a\nb\rc\td") == "a\\nb\\rc\\td"
    assert escape_controls("\x1b[0m\x00\x7f\x85\x9f") == "\\x1b[0m\\x00\\x7f\\x85\\x9f"
    assert escape_controls("\u2028\u2029\u202a\u202e\u2066\u2069\ud800") == "\\u2028\\u2029\\u202a\\u202e\\u2066\\u2069\\ud800"
    plain = "é€😀 (/a~1b) 100% <&>"
    assert escape_controls(plain) is plain


# --- 12.7: positions and the root pointer ---------------------------------------------------


def test_a_finding_without_a_position_is_at_1_1(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.json.gz").write_bytes(b"not gzip at all")
    text = cli("check", "broken.json.gz").stdout.splitlines()[0]
    assert text.startswith("broken.json.gz:1:1: error encoding-error ") and text.endswith(" (root)")
    finding = json.loads(cli("check", "broken.json.gz", "--format", "json").stdout)["findings"][0]
    assert (finding["line"], finding["column"], finding["pointer"]) == (1, 1, "")
    github = cli("check", "broken.json.gz", "--format", "github").stdout.splitlines()[0]
    assert github.startswith("::error file=broken.json.gz,line=1,col=1,title=encoding-error::") and github.endswith(" (root)")
    region = json.loads(cli("check", "broken.json.gz", "--format", "sarif").stdout)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 1}


# --- 12.3: SARIF as GitHub code scanning requires it ----------------------------------------


def github_sarif_problems(document: dict) -> list[str]:
    """What GitHub's SARIF support page marks as required for an upload, and its limits."""
    problems = []
    if document.get("version") != "2.1.0":
        problems.append("version")
    for run in document["runs"]:
        driver = run["tool"]["driver"]
        if not driver.get("name"):
            problems.append("tool.driver.name")
        rule_ids = [rule["id"] for rule in driver.get("rules", [])]
        for rule in driver.get("rules", []):
            if not rule.get("id"):
                problems.append("rule id")
            if len(rule.get("fullDescription", {}).get("text", "")) > 1024:
                problems.append(f"{rule['id']}: fullDescription over 1024 characters")
        for result in run["results"]:
            if not result.get("message", {}).get("text"):
                problems.append("result message.text")
            if result.get("ruleId") not in rule_ids:
                problems.append(f"result rule {result.get('ruleId')} has no descriptor")
            if not result.get("partialFingerprints"):
                problems.append("result partialFingerprints")
            locations = result.get("locations") or []
            if not 1 <= len(locations) <= 10:
                problems.append("result locations")
            for location in locations:
                physical = location.get("physicalLocation", {})
                if not physical.get("artifactLocation", {}).get("uri"):
                    problems.append("physicalLocation.artifactLocation.uri")
                if not isinstance(physical.get("region", {}).get("startLine"), int) or physical["region"]["startLine"] < 1:
                    problems.append("physicalLocation.region.startLine")
    return problems


def test_sarif_meets_githubs_requirements_and_describes_each_rule(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    (tmp_path / "broken.json.gz").write_bytes(b"not gzip")
    document = json.loads(cli("check", "examples/conversation-response.json", tmp_path / "broken.json.gz", "--format", "sarif").stdout)
    assert_valid_sarif(document)
    assert github_sarif_problems(document) == []
    rules = {rule["id"]: rule for rule in document["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["cart-arithmetic"]["name"] == "CartArithmetic" and rules["encoding-error"]["name"] == "EncodingError"
    explained = cli("explain", "cart-arithmetic").stdout.rstrip("\n")
    assert rules["cart-arithmetic"]["help"]["text"].startswith(explained)
    assert explained in rules["cart-arithmetic"]["help"]["markdown"]


def test_sarif_help_uri_and_information_uri_come_from_the_project_url(monkeypatch, cli):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sarif, "project_url", lambda: "https://example.org/acme/sdelint")
    document = json.loads(cli("check", "examples/conversation-response.json", "--format", "sarif").stdout)
    assert_valid_sarif(document)
    driver = document["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://example.org/acme/sdelint"
    assert {rule["helpUri"] for rule in driver["rules"]} == {"https://example.org/acme/sdelint/blob/main/README.md#rules"}
    monkeypatch.setattr(sarif, "project_url", lambda: None)  # no URL declared: none invented
    driver = json.loads(cli("check", "examples/conversation-response.json", "--format", "sarif").stdout)["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver and not any("helpUri" in rule for rule in driver["rules"])


def test_readme_has_the_anchor_help_uri_points_at():
    assert "\n## Rules\n" in (ROOT / "README.md").read_text(encoding="utf-8") and sarif.RULES_ANCHOR == "#rules"


# --- 12.9: colour ----------------------------------------------------------------------------


def test_color_always_colours_severities_and_rules(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = cli("check", "examples/conversation-response.json", "--min-severity", "info", "--color", "always").stdout
    assert "\x1b[33mwarning\x1b[0m" in out and "\x1b[36minfo\x1b[0m" in out and "\x1b[35mcart-arithmetic\x1b[0m" in out
    plain = cli("check", "examples/conversation-response.json", "--min-severity", "info").stdout
    assert ANSI.sub("", out) == plain and not ANSI.search(plain)  # colour adds codes and nothing else
    assert not ANSI.search(cli("check", "examples/conversation-response.json", "--color", "always", "--format", "json").stdout)


def test_color_auto_follows_the_environment(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    forced = cli("check", "examples/conversation-response.json", env={"FORCE_COLOR": "1", "NO_COLOR": ""}).stdout
    assert ANSI.search(forced)
    assert not ANSI.search(cli("check", "examples/conversation-response.json", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout)
    assert not ANSI.search(cli("check", "examples/conversation-response.json", "--color", "never", env={"FORCE_COLOR": "1"}).stdout)


def test_force_color_leaves_a_report_file_plain(cli, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    report = tmp_path / "report.txt"
    cli("check", "examples/conversation-response.json", "-o", str(report), env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "warning" in report.read_text() and not ANSI.search(report.read_text())  # -o is no terminal and no log
    cli("check", "examples/conversation-response.json", "-o", str(report), "--color", "always")
    assert ANSI.search(report.read_text())  # asked for in so many words


class _Terminal:
    def isatty(self) -> bool:
        return True


def test_color_wanted_on_a_terminal():
    terminal = _Terminal()
    assert color_wanted("auto", terminal, {}) is True  # type: ignore[arg-type]
    assert color_wanted("auto", terminal, {"NO_COLOR": "1"}) is False  # type: ignore[arg-type]
    assert color_wanted("auto", terminal, {"NO_COLOR": ""}) is True  # type: ignore[arg-type]  # empty: not set (no-color.org)
    assert color_wanted("auto", None, {}) is False  # -o FILE
    assert color_wanted("always", None, {"NO_COLOR": "1"}) is True and color_wanted("never", terminal, {"FORCE_COLOR": "1"}) is False  # type: ignore[arg-type]


def test_no_colour_into_a_pipe(run_sdelint):
    env_free = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    proc = subprocess.run([*sdelint_command(), "check", str(EXAMPLE)], capture_output=True, timeout=120, env=env_free)
    assert proc.returncode == 0 and proc.stdout and b"\x1b" not in proc.stdout


def test_the_common_module_is_what_reporters_share():
    assert common.ROOT_LABEL == "(root)"


@pytest.mark.parametrize("failure", ["mkstemp", "fsync"])
def test_a_report_that_cannot_be_written_names_its_own_path_not_a_temporary_one(tmp_path, cli, monkeypatch, failure):
    """A read-only file system refuses the temporary file, a full disk its sync: either way the user named the report,
    and a '.report.json.x1y2.tmp' in the message was a name they never gave. Nothing is left behind."""
    import errno
    import tempfile

    from validator import atomic

    report = tmp_path / "report.json"
    report.write_text("previous\n", encoding="utf-8")
    if failure == "mkstemp":
        def refuse(*args, **kwargs):
            raise OSError(errno.EROFS, "Read-only file system", str(tmp_path / ".report.json.abc123.tmp"))

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    else:
        def full(descriptor):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(atomic.os, "fsync", full)
    result = cli("check", "--format", "json", "-o", str(report), str(EXAMPLE))
    assert result.exit_code == 2
    reason = "Read-only file system" if failure == "mkstemp" else "No space left on device"
    assert result.stderr.strip().splitlines()[-1] == f"sdelint: error: {report}: {reason}"
    assert report.read_text(encoding="utf-8") == "previous\n" and sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


@pytest.mark.parametrize("signum, code, said", [(2, 130, "sdelint: error: interrupted"), (15, 143, "sdelint: error: terminated")])
def test_a_cancelled_run_says_so_and_leaves_nothing_behind(tmp_path, signum, code, said):
    """SIGTERM (a CI job cancelled or timed out) killed the process outright: exit 143 without a word, and the
    report's temporary file left beside its target (an audit). It now unwinds as Ctrl-C does."""
    report = tmp_path / "out" / "report.sarif"
    process = subprocess.Popen([*sdelint_command(), "check", "--format", "sarif", "-o", str(report), "-"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    assert process.stdin is not None
    process.stdin.write(b'{"conversationHistoryRecords": [')  # the rest never comes: the run waits for it
    process.stdin.flush()
    _wait_until_reading_a_pipe(process.pid)
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    assert process.returncode == code, err
    assert err.decode().strip().splitlines()[-1] == said and b"Traceback" not in err
    assert (list(report.parent.iterdir()) if report.parent.exists() else []) == []  # no report, no temporary file


def _wait_until_reading_a_pipe(pid: int) -> None:
    """Until the process blocks in a read of its standard input (start-up done, the handlers in place)."""
    wchan = Path(f"/proc/{pid}/wchan")
    for _ in range(600):
        time.sleep(0.1)
        try:
            if "pipe_read" in wchan.read_text():
                time.sleep(0.2)
                return
        except OSError:
            break
    time.sleep(3)  # no /proc here: start-up takes well under this


def test_github_annotation_keeps_a_line_break_in_a_file_name_for_the_runner(tmp_path, cli, monkeypatch):
    """A newline in a file name was written as the two characters \\n in file=, so the annotation could not attach to
    the real file (an audit); %0A is what the runner decodes back. Other controls stay escaped."""
    monkeypatch.chdir(tmp_path)
    name = "two\nlines\x1b.json"
    write_cart(tmp_path / name, {"currency": "usd"})
    out = cli("check", name, "--format", "github", "-q").stdout
    (line,) = out.splitlines()
    assert line.startswith("::warning file=two%0Alines\\x1b.json,line=1,")


@pytest.mark.parametrize("signum, code, said", [(2, 130, "sdelint: error: interrupted"), (15, 143, "sdelint: error: terminated")])
def test_a_signal_after_the_report_is_written_is_no_traceback(tmp_path, signum, code, said):
    """A sweep: a signal between the command's end and the exit printed a traceback (and SIGTERM exited 1)."""
    script = (
        "import os, sys\nsys.path.insert(0, sys.argv[1])\nimport validator.cli as cli\nfinished = cli.main\n"
        "def main(*args, **kwargs):\n    try:\n        finished(*args, **kwargs)\n    finally:\n"
        f"        os.kill(os.getpid(), {signum})\n"
        "cli.main = main\nsys.argv = ['sdelint', 'check', sys.argv[2], '-o', sys.argv[3], '--format', 'json']\ncli.run()\n"
    )
    report = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-c", script, str(ROOT), str(EXAMPLE), str(report)], capture_output=True, timeout=120)
    assert done.returncode == code and b"Traceback" not in done.stderr, done.stderr
    assert done.stderr.decode().strip().splitlines()[-1] == said
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["files"] == 1  # the report is whole


# --- machine-readable reports on a standard output that is not UTF-8 --------------------------------

_INTERRUPTED_WHILE_LOADING = """\
import builtins, os, signal, sys
sys.path.insert(0, sys.argv[1])
sys.argv = ["sdelint", "check", sys.argv[2]]
real_import = builtins.__import__
def interrupting_import(name, globals=None, locals=None, fromlist=(), level=0):
    if name == "cli" and level == 1:  # the command's modules start to load: Ctrl-C now
        os.kill(os.getpid(), signal.SIGINT)
    return real_import(name, globals, locals, fromlist, level)
builtins.__import__ = interrupting_import
from validator.__main__ import main
main()
"""


@pytest.mark.parametrize("ignored", [False, True])
def test_ctrl_c_while_the_command_loads_is_no_traceback(tmp_path, ignored):
    """Ctrl-C in the first tenth of a second (sdelint's modules loading) printed a KeyboardInterrupt traceback from
    inside an import, exit -2. It now says "interrupted" and exits 130 as later; where Ctrl-C is ignored (a job started
    with `&` by a script) it still is, and the run goes on."""
    script = tmp_path / "interrupting.py"
    script.write_text(_INTERRUPTED_WHILE_LOADING, encoding="utf-8")
    import signal

    def ignore_ctrl_c() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    done = subprocess.run([sys.executable, str(script), str(ROOT), str(EXAMPLE)], capture_output=True, timeout=120,
                          preexec_fn=ignore_ctrl_c if ignored else None)
    assert b"Traceback" not in done.stderr, done.stderr
    if ignored:
        assert done.returncode == 0 and b"Checked 1 file" in done.stdout  # the run went on to its summary
    else:
        assert (done.returncode, done.stderr, done.stdout) == (130, b"sdelint: error: interrupted\n", b"")


def test_the_console_command_enters_where_ctrl_c_is_taken_early():
    """The `sdelint` script must start at validator.__main__:main (its light module), not at validator.cli."""
    from importlib.metadata import entry_points

    (command,) = [point for point in entry_points(group="console_scripts") if point.name == "sdelint"]
    assert command.value == "validator.__main__:main"
    import validator.__main__

    assert command.load() is validator.__main__.main



def _cart_with_a_currency(tmp_path: Path) -> Path:
    """A finding whose message quotes a value with a character above U+FFFF and one in Latin-1."""
    return write_cart(tmp_path / "f.json", {"currency": "\U0001d11e\u00e9"})


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])
@pytest.mark.parametrize("fmt", ["json", "json-lines"])
def test_json_reports_are_valid_utf8_json_whatever_the_stdout_encoding(tmp_path, encoding, fmt):
    """PYTHONIOENCODING=ascii wrote Python's escapes (\\U0001d11e, \\xe9) into the JSON, which no parser reads, and
    cp1252 (a Windows runner) wrote 0xe9, which is not UTF-8 (RFC 8259 says JSON is): both are now pure ASCII JSON."""
    _cart_with_a_currency(tmp_path)
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    proc = subprocess.run([*sdelint_command(), "check", "f.json", "--format", fmt], capture_output=True, cwd=tmp_path, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.isascii()
    text = proc.stdout.decode("utf-8")
    findings = json.loads(text)["findings"] if fmt == "json" else [json.loads(line) for line in text.splitlines()]
    assert [f["message"] for f in findings] == ["'\U0001d11e\u00e9' is not an ISO 4217 currency code"]


@pytest.mark.parametrize("fmt", ["json", "json-lines", "sarif", "gitlab", "junit", "html"])
def test_every_machine_readable_format_decodes_to_the_same_text_on_any_stdout(tmp_path, monkeypatch, fmt):
    """On a cp1252 or ASCII stdout, each format is ASCII that reads (as UTF-8, or in the code page) as the UTF-8 report."""
    from click.testing import CliRunner

    from validator.cli import main

    _cart_with_a_currency(tmp_path)
    (tmp_path / "key.json").write_text('{"events": [{"sdeType": "CART_STATUS", "\\ud800": 1}]}', encoding="utf-8")  # a lone surrogate
    monkeypatch.chdir(tmp_path)
    written = {}
    for charset in ("utf-8", "cp1252", "ascii"):
        result = CliRunner(charset=charset).invoke(main, ["check", "f.json", "key.json", "--format", fmt, "--exit-zero"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        written[charset] = result.stdout_bytes
    assert written["cp1252"] == written["ascii"] and written["ascii"].isascii()
    if fmt in ("json", "sarif", "gitlab"):
        assert json.loads(written["ascii"]) == json.loads(written["utf-8"].decode("utf-8", "surrogatepass"))
    elif fmt == "json-lines":
        assert [json.loads(line) for line in written["ascii"].splitlines()] == [
            json.loads(line) for line in written["utf-8"].decode("utf-8", "surrogatepass").splitlines()
        ]
    elif fmt == "html":
        import html

        assert "&#119070;&#233;" in written["ascii"].decode() and html.unescape(written["ascii"].decode()).count("\U0001d11e\u00e9") >= 1
    else:  # junit: ASCII (XML character references) on any stream, as before
        assert written["ascii"] == written["utf-8"]


def test_a_report_or_baseline_name_near_the_longest_a_folder_takes_is_written(tmp_path, run_sdelint, example_path):
    """A sweep: the temporary file beside the target is named after it, 14 bytes longer: a legal name of 242 to 255
    bytes was refused ('File name too long') for -o and --write-baseline."""
    for option, name in (("-o", "R" * 250), ("--write-baseline", "B" * 255)):
        target = tmp_path / name
        result = run_sdelint("check", str(example_path), option, str(target))
        assert result.returncode in (0, 1), result.stderr
        assert target.stat().st_size > 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["B" * 255, "R" * 250]  # no temporary file left


def test_a_report_into_a_full_device_names_it(run_sdelint, example_path):
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    result = run_sdelint("check", str(example_path), "-o", "/dev/full")
    assert result.returncode == 2 and b"/dev/full: No space left on device" in result.stderr


@pytest.mark.parametrize(
    ("encoding", "command"),
    [
        ("latin-1", ["explain", "bad-value"]),  # "—": cp1252 has it, Latin-1 does not
        ("latin-1", ["explain", "code-list"]),  # "…"
        *((encoding, command) for encoding in ("latin-1", "cp1252") for command in (["explain", "odd-summary"], ["rules"])),  # "✓"
    ],
)
def test_rules_and_explain_write_what_the_stdout_encoding_cannot_as_escapes(tmp_path, encoding, command):
    """`explain code-list` on a Latin-1 stdout (its rationale's "…"), and `rules`/`explain` of a custom rule whose summary
    has a character cp1252 lacks, ended as "sdelint: internal error: UnicodeEncodeError" with exit 2. Text for people
    keeps the locale's encoding, as check's text report does: such a character is shown as a Python escape."""
    (tmp_path / ".sdelint.yaml").write_text(
        "custom-rules:\n  - name: odd-summary\n    summary: \"Carts name their currency \\u2014 \\u2713\"\n"
        "    where: cartStatus.currency\n    check: required\n    message: no currency\n",
        encoding="utf-8",
    )
    def run(charset: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "PYTHONIOENCODING": charset}
        return subprocess.run([*sdelint_command(), *command], capture_output=True, cwd=tmp_path, env=env, timeout=120)

    proc, utf8 = run(encoding), run("utf-8")
    assert (proc.returncode, proc.stderr) == (0, b"")
    expected = utf8.stdout.decode("utf-8")
    assert expected.encode(encoding, "replace").decode(encoding) != expected, "the output has a character the encoding lacks"
    assert proc.stdout == expected.encode(encoding, "backslashreplace")
