"""Inputs beyond one JSON file, baselines, reports written to files, and parallel runs."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, UNREPAIRED

EVENT = {"lead": {"serverTimeStamp": "1528628536882", "lead": {"topic": "drive"}}, "sdeType": "LEAD", "serverTimeStamp": "1528628536882"}
TYPO = {"lead": {"serverTimeStamp": "1528628536882", "lead": {"Topic": "drive"}}, "sdeType": "LEAD", "serverTimeStamp": "1528628536882"}


def _json_report(result) -> dict:
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def test_json_lines_findings_carry_the_line_of_their_record(tmp_path, cli):
    path = tmp_path / "capture.jsonl"
    path.write_text("\n".join([json.dumps(EVENT), "", json.dumps(TYPO), "{broken", json.dumps(EVENT)]) + "\n", encoding="utf-8")
    report = _json_report(cli("check", "--format", "json", path))
    got = sorted((f["line"], f["rule"]) for f in report["findings"])
    assert got == [(3, "unknown-field"), (4, "syntax-error")]
    text = path.read_text().splitlines()[2]
    (unknown,) = [f for f in report["findings"] if f["rule"] == "unknown-field"]
    assert text[unknown["column"] - 1 :].startswith('"Topic"')
    assert report["files"][0]["events"] == 3


def test_ndjson_and_gzip(tmp_path, cli):
    path = tmp_path / "capture.ndjson.gz"
    path.write_bytes(gzip.compress((json.dumps(EVENT) + "\n" + json.dumps(TYPO) + "\n").encode()))
    report = _json_report(cli("check", "--format", "json", path))
    assert [(f["line"], f["rule"]) for f in report["findings"]] == [(2, "unknown-field")]


def test_gzip_json_and_broken_gzip(tmp_path, cli):
    good = tmp_path / "a.json.gz"
    good.write_bytes(gzip.compress(UNREPAIRED.read_bytes()))
    broken = tmp_path / "b.json.gz"
    broken.write_bytes(gzip.compress(EXAMPLE.read_bytes())[:200])
    report = _json_report(cli("check", "--format", "json", good, broken))
    by_file = {Path(f["file"]).name: (f["rule"], f["line"]) for f in report["findings"]}
    assert by_file["a.json.gz"] == ("syntax-error", 528)
    assert by_file["b.json.gz"][0] == "encoding-error" and "truncated" in [f for f in report["findings"] if f["file"].endswith("b.json.gz")][0]["message"]


def test_yaml_fixture_with_line_numbers(tmp_path, cli):
    path = tmp_path / "event.yaml"
    path.write_text("sdeType: LEAD\nserverTimeStamp: '1528628536882'\nlead:\n  serverTimeStamp: '1528628536882'\n  lead:\n    topic: drive\n    Value: 3\n", encoding="utf-8")
    report = _json_report(cli("check", "--format", "json", path))
    assert [(f["rule"], f["line"], f["column"]) for f in report["findings"]] == [("unknown-field", 7, 5)]


def test_yaml_alias_bomb_is_refused(tmp_path, cli):
    bomb = "a: &a ['x']\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [" + ",".join(["*c"] * 10) + "]\ne: [" + ",".join(["*d"] * 100) + "]\n"
    path = tmp_path / "bomb.yml"
    path.write_text(bomb, encoding="utf-8")
    result = cli("check", "--format", "json", path)
    (finding,) = _json_report(result)["findings"]
    assert finding["rule"] == "syntax-error" and "aliases" in finding["message"] and finding["line"] == 5


def test_a_yaml_integer_too_long_to_read_is_placed(tmp_path, cli):
    """It was a syntax-error at 1:1 (no position): the number's own place is found in the node tree."""
    path = tmp_path / "long.yaml"
    path.write_text("sdeType: LEAD\nserverTimeStamp: " + "1" * 5000 + "\n", encoding="utf-8")
    (finding,) = _json_report(cli("check", "--format", "json", path))["findings"]
    assert (finding["rule"], finding["line"], finding["column"]) == ("syntax-error", 2, 18)
    assert "a number of 5000 characters is longer than can be read" in finding["message"]


def test_yaml_is_loaded_safely(tmp_path, cli):
    path = tmp_path / "evil.yaml"
    path.write_text("!!python/object/apply:os.system ['touch pwned']\n", encoding="utf-8")
    (finding,) = _json_report(cli("check", "--format", "json", path))["findings"]
    assert finding["rule"] == "syntax-error"
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_directories_use_include_and_exclude(tmp_path, cli):
    (tmp_path / "keep").mkdir()
    (tmp_path / "skip").mkdir()
    for name in ("keep/a.json", "keep/b.jsonl", "skip/c.json", "keep/d.yaml", "keep/notes.txt"):
        (tmp_path / name).write_text(json.dumps(TYPO), encoding="utf-8")
    files = lambda *args: sorted(Path(f["file"]).relative_to(tmp_path).as_posix() for f in _json_report(cli("check", "--format", "json", *args, tmp_path))["files"])  # noqa: E731
    assert files() == ["keep/a.json", "keep/b.jsonl", "skip/c.json"]
    assert files("--exclude", "skip/**") == ["keep/a.json", "keep/b.jsonl"]
    assert files("--include", "*.yaml", "--include", "*.json") == ["keep/a.json", "keep/d.yaml", "skip/c.json"]
    result = cli("check", "--include", "*.xml", tmp_path)
    assert result.exit_code == 2 and "no file matching *.xml" in result.output and "no input to check" in result.output
    assert files("--exclude", "skip") == ["keep/a.json", "keep/b.jsonl"]  # a name excludes the directory and all in it, as in .gitignore
    (tmp_path / "keep" / "b.json").write_text(json.dumps(TYPO), encoding="utf-8")
    assert files("--include", "[ab].json") == ["keep/a.json", "keep/b.json"]
    assert files("--include", "*.{yaml,jsonl}") == ["keep/b.jsonl", "keep/d.yaml"]
    assert files("--include", "keep/*.json", "--exclude", "/keep/b.json") == ["keep/a.json"]


@pytest.mark.parametrize("pattern", ["sub/*", "/sub/*", "sub/x", "x/", "*/x"])
def test_an_exclude_pattern_drops_what_git_ignores_for_it(tmp_path, cli, pattern):
    """The README: patterns mean what they mean in .gitignore. `--exclude 'sub/*'` matched sub/x as a folder for git,
    which then ignores everything in it, but sdelint checked sub/x/c.json (a packaging sweep, comparing pathspec
    versions). git itself is the reference here: `git check-ignore` with the pattern as the .gitignore's line."""
    if shutil.which("git") is None:
        pytest.skip("no git")
    names = ["sub/c.json", "sub/x/c.json", "keep/k.json", "keep/x/y.json"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(json.dumps(EVENT), encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text(pattern + "\n", encoding="utf-8")
    ignored = subprocess.run(["git", "-C", str(tmp_path), "check-ignore", *names], capture_output=True, text=True).stdout.split()
    (tmp_path / ".gitignore").unlink()
    report = _json_report(cli("check", "--format", "json", "--exclude", pattern, tmp_path))
    checked = sorted(Path(f["file"]).relative_to(tmp_path).as_posix() for f in report["files"])
    assert checked == sorted(set(names) - set(ignored))


@pytest.mark.parametrize("pattern, words", [("\\", "Invalid git pattern"), ("{a,b}" * 18, "expand to more than 256 patterns"), ("[z-a].json", "not a valid pattern: bad character range z-a"),
                                            ("a" * 100_000, "longer than 4,096 characters"), ("[[:letter:]].json", "[:letter:] is not a POSIX character class"),
                                            ("", "an empty pattern matches no file"), ("  ", "a pattern of blanks only matches no file"),
                                            ("#draft.json", "a pattern that starts with # is a gitignore comment and matches no file"),
                                            (".\\legacy\\*.json", "(\\l is just l): separate folders with '/' (./legacy/*.json)")])
@pytest.mark.parametrize("option", ["--include", "--exclude"])
def test_a_pattern_pathspec_refuses_or_braces_that_explode_are_usage_errors(tmp_path, cli, option, pattern, words):
    """Both were internal errors or a half-minute stall (found by a crash hunt): {a,b} 18 times is 262,144 patterns.
    An empty pattern (`--include "$UNSET"`) selected nothing: "no file matching  in this directory"; so did a
    gitignore comment (`--include '#draft.json'`), and blanks were called empty; a Windows path (`--exclude legacy\\old`)
    escaped its letters and excluded nothing."""
    (tmp_path / "a.json").write_text(json.dumps(EVENT), encoding="utf-8")
    result = cli("check", option, pattern, tmp_path)
    assert result.exit_code == 2 and f"Invalid value for '{option}'" in result.output and words in result.output
    assert "internal error" not in result.output


def test_an_entry_that_cannot_be_examined_is_a_read_error_and_the_run_goes_on(tmp_path, cli):
    """A link into a folder without search permission made is_file() raise, and the walk of the directory stopped the run."""
    link = tmp_path / "d" / "link.json"
    link.parent.mkdir()
    (tmp_path / "d" / "good.json").write_text(json.dumps(EVENT), encoding="utf-8")
    link.symlink_to("/proc/1/cwd")
    try:
        link.is_file()
        pytest.skip("/proc/1/cwd can be examined here")
    except PermissionError:
        pass
    report = _json_report(cli("check", "--format", "json", tmp_path / "d"))
    assert [(Path(f["file"]).name, f["rule"]) for f in report["findings"] if f["severity"] == "error"] == [("link.json", "read-error")]
    assert report["summary"]["files"] == 2


def test_stdin_filename_names_the_input_and_picks_the_format(cli):
    lines = (json.dumps(EVENT) + "\n" + json.dumps(TYPO) + "\n").encode()
    report = _json_report(cli("check", "--format", "json", "--stdin-filename", "fixtures/x.jsonl", "-", input=lines))
    assert [(f["file"], f["line"], f["rule"]) for f in report["findings"]] == [("fixtures/x.jsonl", 2, "unknown-field")]


# --- baseline ---------------------------------------------------------------------------

def test_baseline_gates_only_new_findings_and_survives_reformatting(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fixture = tmp_path / "resp.json"
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    fixture.write_text(json.dumps(data, indent=4), encoding="utf-8")
    written = cli("check", "--min-severity", "info", "--write-baseline", "baseline.json", "resp.json")
    assert written.exit_code == 0 and "wrote 36 findings" in written.output
    stored = json.loads((tmp_path / "baseline.json").read_text())
    assert {e["file"] for e in stored["findings"]} == {"resp.json"} and all("line" not in e for e in stored["findings"])
    # reformatted: every finding moves to another line, none is new
    fixture.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    clean = cli("check", "--min-severity", "info", "--format", "json", "--fail-on", "info", "--baseline", "baseline.json", "resp.json")
    report = _json_report(clean)
    assert report["findings"] == [] and report["summary"]["baseline"] == {"known": 36, "fixed": []}
    assert clean.exit_code == 0
    # a new defect is reported; a repaired one is listed as fixed
    data["conversationHistoryRecords"][0]["unAuthSdes"]["events"][8]["purchase"]["total"] = "-78.0"
    data["conversationHistoryRecords"][0]["messageRecords"][1]["time"] = "2016-08-29 15:14:19.564+0000"
    fixture.write_text(json.dumps(data), encoding="utf-8")
    report = _json_report(cli("check", "--min-severity", "info", "--format", "json", "--baseline", "baseline.json", "resp.json"))
    assert sorted(f["rule"] for f in report["findings"]) == ["negative-amount", "numeric-string"]
    fixed = {(e["rule"], e["pointer"]) for e in report["summary"]["baseline"]["fixed"]}
    assert ("message-time", "/conversationHistoryRecords/0/messageRecords/1/time") in fixed
    assert ("numeric-string", "/conversationHistoryRecords/0/unAuthSdes/events/8/purchase/total") in fixed
    text = cli("check", "--min-severity", "info", "--baseline", "baseline.json", "resp.json")
    assert "fixed since it was written" in text.output


def test_a_baseline_read_beside_one_written_is_said_to_be_unused(tmp_path, cli, monkeypatch):
    """`--baseline old.json --write-baseline new.json` wrote every finding and dropped --baseline without a word
    (a baselines sweep): one might expect only the findings old.json does not hold."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "resp.json").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    assert cli("check", "--write-baseline", "old.json", "resp.json").exit_code == 0
    both = cli("check", "--baseline", "old.json", "--write-baseline", "new.json", "resp.json")
    assert both.exit_code == 0 and "--baseline is not used with --write-baseline" in both.output
    assert json.loads((tmp_path / "new.json").read_text())["findings"] == json.loads((tmp_path / "old.json").read_text())["findings"]
    assert "--baseline is not used" not in cli("check", "--write-baseline", "new.json", "resp.json").output


def test_a_baseline_takes_a_key_holding_a_nul(tmp_path, cli, monkeypatch):
    """A key "a\\u0000b" gives a finding whose pointer holds NUL, the character that separates a fingerprint's fields:
    --write-baseline split the fingerprint on it and ended in an internal error (exit 2)."""
    monkeypatch.chdir(tmp_path)
    event = {**EVENT, "lead": {**EVENT["lead"], "lead": {**EVENT["lead"]["lead"], "a\0b": 1}}}
    (tmp_path / "nul.json").write_text(json.dumps({"events": [event]}), encoding="utf-8")
    before = _json_report(cli("check", "--format", "json", "nul.json"))
    assert [f["pointer"] for f in before["findings"] if f["rule"] == "unknown-field"] == ["/events/0/lead/lead/a\0b"]
    written = cli("check", "--write-baseline", "baseline.json", "nul.json")
    assert written.exit_code == 0, written.output
    stored = json.loads((tmp_path / "baseline.json").read_text())
    assert [e["pointer"] for e in stored["findings"]] == [f["pointer"] for f in before["findings"]]
    report = _json_report(cli("check", "--format", "json", "--baseline", "baseline.json", "nul.json"))
    assert report["findings"] == [] and report["summary"]["baseline"]["known"] == len(before["findings"])


def test_a_baseline_rewritten_for_some_files_keeps_the_others_and_gone_files_count_as_fixed(tmp_path, cli, monkeypatch):
    """An audit: --write-baseline on one file dropped every other file's accepted findings (they came back as new), and
    entries of a renamed or deleted file were never reported, so a file re-created there later had its findings hidden."""
    monkeypatch.chdir(tmp_path)
    for name in ("a.json", "b.json", "c.json"):
        (tmp_path / name).write_bytes(EXAMPLE.read_bytes())
    assert cli("check", "--min-severity", "info", "--write-baseline", "base.json", "a.json", "b.json", "c.json").exit_code == 0
    files = lambda: [e["file"] for e in json.loads((tmp_path / "base.json").read_text())["findings"]]  # noqa: E731
    assert {name: files().count(name) for name in ("a.json", "b.json", "c.json")} == {"a.json": 36, "b.json": 36, "c.json": 36}
    (tmp_path / "c.json").unlink()
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["conversationHistoryRecords"][0]["messageRecords"][1]["time"] = "2016-08-29 15:14:19.564+0000"  # message-time fixed in a
    (tmp_path / "a.json").write_text(json.dumps(data), encoding="utf-8")
    report = _json_report(cli("check", "--min-severity", "info", "--format", "json", "--baseline", "base.json", "a.json", "b.json"))
    fixed = [(e["file"], e["rule"]) for e in report["summary"]["baseline"]["fixed"]]
    assert fixed.count(("c.json", "numeric-string")) == 21 and ("a.json", "message-time") in fixed and len(fixed) == 37
    rewritten = cli("check", "--min-severity", "info", "--write-baseline", "base.json", "a.json")
    assert rewritten.exit_code == 0 and "wrote 71 findings to the baseline base.json (36 of them kept from the earlier baseline" in rewritten.output
    assert {name: files().count(name) for name in ("a.json", "b.json", "c.json")} == {"a.json": 35, "b.json": 36, "c.json": 0}
    hostile = tmp_path / "hostile.json"  # a file name too long for the system, or with a NUL: the entry is simply gone
    hostile.write_text(json.dumps({"sdelint_baseline": 1, "findings": [
        {"file": name, "rule": "r", "pointer": "/", "value_hash": "0"} for name in ("x" * 300, "a\u0000b")]}), encoding="utf-8")
    read = cli("check", "--baseline", "hostile.json", "b.json")
    assert read.exit_code == 0 and "2 fixed since it was written" in read.output
    both = cli("check", "--write-baseline", "base.json", "-o", "report.json", "a.json")  # it writes no report: said, not ignored
    assert both.exit_code == 2 and "--write-baseline writes the baseline and no report" in both.output and not (tmp_path / "report.json").exists()


def test_entries_of_rules_a_run_did_not_check_are_neither_fixed_nor_dropped_by_a_rewrite(tmp_path, cli, monkeypatch):
    """An audit: with --select, --ignore or a higher --min-severity than the baseline was written with, every entry of the
    other rules counted as fixed ("34 fixed since it was written (run --write-baseline to shrink it)"), and the rewrite
    that advice asks for dropped them, so those accepted findings came back as new in the next full run."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.json").write_bytes(EXAMPLE.read_bytes())
    assert cli("check", "--min-severity", "info", "--write-baseline", "base.json", "a.json").exit_code == 0
    for narrowed in (["--select", "message-id"], ["--ignore", "numeric-string", "--min-severity", "info"], ["--min-severity", "warning"]):
        report = _json_report(cli("check", *narrowed, "--format", "json", "--baseline", "base.json", "a.json"))
        assert report["findings"] == [] and report["summary"]["baseline"]["fixed"] == [], narrowed
    rewritten = cli("check", "--select", "message-id", "--write-baseline", "base.json", "a.json")
    assert rewritten.exit_code == 0 and "wrote 36 findings to the baseline base.json (34 of them kept" in rewritten.output
    assert "for files or rules this run did not check" in rewritten.output  # it said "for files", of a file it checked
    full = _json_report(cli("check", "--min-severity", "info", "--format", "json", "--baseline", "base.json", "a.json"))
    assert full["findings"] == [] and full["summary"]["baseline"] == {"known": 36, "fixed": []}
    # a rule that is checked still has its entries replaced: message-id fixed in the file drops out of the baseline
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    for record in data["conversationHistoryRecords"][0]["messageRecords"]:
        record["messageId"] = "ms::conv:e5c58e49-e4a5-40a8-8a18-d6580d1d5630::msg:0"
    (tmp_path / "a.json").write_text(json.dumps(data), encoding="utf-8")
    assert _json_report(cli("check", "--select", "message-id", "--format", "json", "--baseline", "base.json", "a.json"))[
        "summary"]["baseline"]["known"] == 0
    assert "wrote 34 findings" in cli("check", "--select", "message-id", "--write-baseline", "base.json", "a.json").output


@pytest.mark.parametrize(
    "content, says",
    [
        (b"[1, 2]", "not an sdelint baseline (an object with sdelint_baseline: 1 and a findings list)"),
        (b'{"findings": 1}', "not an sdelint baseline"),
        (b'{"sdelint_baseline": 1, "findings": [1]}', "findings[0] is not an object with the strings file, rule, pointer, value_hash"),
        (b'{"sdelint_baseline": 1, "findings": [{"file": "a"}]}', "findings[0] is not an object with the strings"),
        (b"nope", "not JSON: Expecting value: line 1 column 1"),
        (b"\xff", "not JSON: 'utf-8' codec can't decode byte 0xff"),
        (b'{"sdelint_baseline": true, "findings": []}', "not an sdelint baseline"),  # true == 1 in Python only
    ],
)
def test_bad_baseline_is_a_usage_error_that_says_what_is_wrong(tmp_path, cli, content, says):
    """The messages were Python's own ("'findings'", "'NoneType' object is not subscriptable"), found by a crash hunt."""
    bad = tmp_path / "b.json"
    bad.write_bytes(content)
    result = cli("check", "--baseline", bad, EXAMPLE)
    assert result.exit_code == 2 and f"{bad}: cannot use baseline: {says}" in result.output


def test_fixed_entries_of_a_hostile_baseline_are_listed_escaped(tmp_path, cli):
    """An audit: -v wrote a fixed entry's rule raw, so a baseline could reverse the terminal's text (U+202E) or forge lines."""
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"sdelint_baseline": 1, "findings": [
        {"file": "gone.json", "rule": "r\u202e\nfake.json:1:1: error x", "pointer": "/a", "value_hash": "0"}]}), encoding="utf-8")
    result = cli("check", "-v", "--baseline", baseline, EXAMPLE)
    assert "  fixed: gone.json: r\\u202e\\nfake.json:1:1: error x (/a)\n" in result.output and "\u202e" not in result.output


def test_github_and_html_reports_say_what_the_baseline_hid_and_how_many_entries_are_fixed(tmp_path, cli, monkeypatch):
    """An audit: only text and JSON said it; a GitHub Actions log or an HTML report never told of stale entries."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.json").write_bytes(EXAMPLE.read_bytes())
    assert cli("check", "--write-baseline", "base.json", "a.json").exit_code == 0
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["conversationHistoryRecords"][0]["messageRecords"][1]["time"] = "2016-08-29 15:14:19.564+0000"  # message-time fixed
    (tmp_path / "a.json").write_text(json.dumps(data), encoding="utf-8")
    github = cli("check", "--format", "github", "--baseline", "base.json", "a.json")
    assert github.output.endswith("Baseline: 14 known findings hidden; 1 fixed since it was written (run --write-baseline to shrink it).\n")
    html = cli("check", "--format", "html", "--baseline", "base.json", "a.json")
    assert "The baseline hid 14 known findings; 1 of its entries fixed since it was written" in html.output


def test_a_baseline_an_editor_saved_with_a_bom_is_read(tmp_path, cli):
    """A UTF-8 BOM was refused ("Unexpected UTF-8 BOM"); sdelint reads inputs and configurations with one too."""
    baseline = tmp_path / "baseline.json"
    assert cli("check", "--min-severity", "info", "--write-baseline", baseline, EXAMPLE).exit_code == 0
    baseline.write_bytes(b"\xef\xbb\xbf" + baseline.read_bytes())
    result = cli("check", "--min-severity", "info", "--baseline", baseline, EXAMPLE)
    assert result.exit_code == 0 and "cannot use baseline" not in result.output
    assert cli("check", "--min-severity", "info", "--format", "json", "--baseline", baseline, EXAMPLE).output.count('"rule"') == 0


# --- reports in files, parallel runs ---------------------------------------------------------

def test_output_file_is_written_whole(tmp_path, cli):
    target = tmp_path / "out" / "report.json"
    result = cli("check", "--format", "json", "-o", target, UNREPAIRED)
    assert result.exit_code == 1 and result.output == ""
    report = json.loads(target.read_text(encoding="utf-8"))
    assert report["findings"][0]["rule"] == "syntax-error"
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]  # no temporary file left behind


def test_failed_report_write_leaves_the_old_report(tmp_path, cli, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    import validator.atomic as atomic

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    result = cli("check", "--format", "json", "-o", target, EXAMPLE)
    assert result.exit_code == 2 and "No space left" in result.output and "Traceback" not in result.output
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_parallel_run_gives_the_serial_output_in_the_same_order(tmp_path, run_sdelint):
    for i in range(40):
        event = TYPO if i % 3 == 0 else EVENT
        body = json.dumps(event) if i % 7 else "{broken"
        (tmp_path / f"f{i:03d}.json").write_text(body, encoding="utf-8")
    serial = run_sdelint("check", "--jobs", "1", tmp_path)
    parallel = run_sdelint("check", "--jobs", "2", tmp_path)
    assert serial.returncode == parallel.returncode == 1
    assert parallel.stdout == serial.stdout
    lines = serial.stdout.decode().splitlines()
    syntax = [i for i in range(40) if i % 7 == 0]
    typos = [i for i in range(40) if i % 3 == 0 and i % 7]
    assert len(lines) == len(syntax) + len(typos) + 1  # and the summary
    assert lines[0].startswith(str(tmp_path / "f000.json"))


def test_no_progress_bar_when_output_is_not_a_terminal(tmp_path, run_sdelint):
    for i in range(60):
        (tmp_path / f"f{i:03d}.json").write_text(json.dumps(EVENT), encoding="utf-8")
    result = run_sdelint("check", tmp_path)
    assert result.returncode == 0 and result.stderr == b""


def test_one_big_document_split_over_workers_gives_the_serial_findings(tmp_path, run_sdelint):
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["conversationHistoryRecords"] = data["conversationHistoryRecords"] * 250  # over the parallel threshold
    data["conversationHistoryRecords"][137] = {**data["conversationHistoryRecords"][137], "sdes": {"events": [TYPO]}}
    big = tmp_path / "big.json"
    big.write_text(json.dumps(data, indent=1), encoding="utf-8")
    serial = run_sdelint("check", "--format", "json", "--jobs", "1", big)
    parallel = run_sdelint("check", "--format", "json", "--jobs", "2", big)
    assert serial.returncode == parallel.returncode == 0
    assert json.loads(parallel.stdout) == json.loads(serial.stdout)
    report = json.loads(serial.stdout)
    assert report["files"][0]["events"] == 250 * 12 - 2 + 1  # record 137 has one sdes event instead of two
    assert [f["pointer"] for f in report["findings"] if f["rule"] == "unknown-field"] == ["/conversationHistoryRecords/137/sdes/events/0/lead/lead/Topic"]


def test_yaml_keys_that_are_not_strings_are_findings_not_crashes(tmp_path, cli):
    path = tmp_path / "odd.yaml"
    path.write_text("sdeType: LEAD\nserverTimeStamp: '1528628536882'\nlead:\n  serverTimeStamp: '1528628536882'\n  1: x\n  2018-01-01: y\n  lead: {topic: a}\n", encoding="utf-8")
    result = cli("check", "--format", "json", path)
    assert result.exit_code == 0  # unknown fields are warnings
    findings = json.loads(result.output)["findings"]
    assert sorted((f["rule"], f["pointer"], f["line"]) for f in findings) == [("unknown-field", "/lead/1", 5), ("unknown-field", "/lead/2018-01-01", 6)]


def test_stdin_twice_is_a_usage_error(cli):
    result = cli("check", "-", "-", input=json.dumps(EVENT))
    assert result.exit_code == 2 and "given twice" in result.output


@pytest.mark.parametrize(("pattern", "expected"), [
    ("[[:alpha:]]*.json", ["a.json", "new\nline.json", "trail .json", "x\\b.json"]),
    ("[[:digit:]]*.json", ["1.json"]),
    ("[![:alnum:]]*.json", ["_u.json"]),
    ("[[:punct:]]*.json", ["_u.json"]),
])
def test_posix_character_classes_in_patterns_mean_what_git_says(tmp_path, cli, pattern, expected):
    """A sweep: pathspec passed [[:alpha:]] to Python's re as a literal set, so it took 2 of 5 files starting with a
    letter (in silence) and a FutureWarning leaked to stderr; git reads it as any letter."""
    for name in ("a.json", "x\\b.json", "new\nline.json", "trail .json", "1.json", "_u.json"):
        (tmp_path / name).write_text(json.dumps(EVENT), encoding="utf-8")
    result = cli("check", "--format", "json", "--include", pattern, tmp_path)
    assert sorted(Path(entry["file"]).name for entry in json.loads(result.stdout)["files"]) == sorted(expected)
    assert "FutureWarning" not in result.stderr


def test_a_broken_symlinks_entry_is_kept_by_a_rewrite_for_other_files(tmp_path, cli, monkeypatch):
    """A broken symlink is a read-error finding a baseline may accept. The check that an entry's file is gone followed
    the link, so a rewrite for another file dropped the entry (and a run of another file counted it as fixed): the
    next full run failed on the symlink's read-error as a new finding."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.json").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "broken.json").symlink_to(tmp_path / "missing-target.json")
    assert cli("check", "--write-baseline", "base.json", "a.json", "broken.json").exit_code == 0
    other = _json_report(cli("check", "--format", "json", "--baseline", "base.json", "a.json"))
    assert other["summary"]["baseline"]["fixed"] == []  # not checked, and still there: neither matched nor fixed
    rewritten = cli("check", "--write-baseline", "base.json", "a.json")
    assert rewritten.exit_code == 0 and "(1 of them kept from the earlier baseline" in rewritten.output
    full = cli("check", "--format", "json", "--baseline", "base.json", "a.json", "broken.json")
    assert full.exit_code == 0 and _json_report(full)["findings"] == []


def test_a_rewrite_over_an_unreadable_baseline_says_its_entries_are_not_kept(tmp_path, cli, monkeypatch):
    """A baseline a merge left broken (or of another format) is replaced whole by --write-baseline, as documented; but a
    rewrite for some files keeps the other files' entries, and here it dropped them all without a word, so they came
    back as new findings in the next full run. A baseline of another format was called "not an sdelint baseline"."""
    monkeypatch.chdir(tmp_path)
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_bytes(EXAMPLE.read_bytes())
    assert cli("check", "--write-baseline", "base.json", "a.json", "b.json").exit_code == 0
    text = (tmp_path / "base.json").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    (tmp_path / "base.json").write_text("".join([*lines[:12], "<<<<<<< HEAD\n", *lines[12:20], "=======\n", ">>>>>>> other\n", *lines[20:]]))
    rewritten = cli("check", "--write-baseline", "base.json", "a.json")
    assert rewritten.exit_code == 0
    assert "sdelint: note: the earlier baseline cannot be read, so none of its entries are kept (base.json: cannot use baseline: a merge" in rewritten.output
    assert "wrote 15 findings" in rewritten.output
    quiet = cli("check", "--write-baseline", "base.json", "a.json")  # readable now: nothing to say
    assert quiet.exit_code == 0 and "cannot be read" not in quiet.output
    (tmp_path / "base.json").write_text(text.replace('"sdelint_baseline": 1', '"sdelint_baseline": 2'), encoding="utf-8")
    read = cli("check", "--baseline", "base.json", "a.json")
    assert read.exit_code == 2 and "base.json: cannot use baseline: it is of baseline format 2, which sdelint" in read.output
    assert "another version of sdelint wrote it" in read.output
    assert "of baseline format 2" in cli("check", "--write-baseline", "base.json", "a.json").output


def test_entries_of_a_file_left_broken_are_neither_fixed_nor_dropped(tmp_path, cli, monkeypatch):
    """A sweep: a capture left unparsable mid-edit (or unreadable for a moment) had every accepted entry counted as fixed,
    and the rewrite that advice asks for dropped them, so once the file was mended they all came back as new findings.
    No rule but the loader's looked at it: only entries of those (its syntax-error) are judged."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.json").write_bytes(EXAMPLE.read_bytes())
    assert cli("check", "--write-baseline", "base.json", "a.json").exit_code == 0
    (tmp_path / "a.json").write_bytes(EXAMPLE.read_bytes() + b"{broken")
    broken = _json_report(cli("check", "--format", "json", "--baseline", "base.json", "a.json"))
    assert [f["rule"] for f in broken["findings"]] == ["syntax-error"] and broken["summary"]["baseline"]["fixed"] == []
    rewritten = cli("check", "--write-baseline", "base.json", "a.json")
    assert rewritten.exit_code == 0 and "wrote 16 findings to the baseline base.json (15 of them kept" in rewritten.output
    (tmp_path / "a.json").write_bytes(EXAMPLE.read_bytes())
    mended = cli("check", "-v", "--fail-on", "warning", "--baseline", "base.json", "a.json")
    assert mended.exit_code == 0, mended.output
    assert "15 known findings hidden; 1 fixed" in mended.output and "fixed: a.json: syntax-error (root)" in mended.output


def test_a_baseline_a_merge_left_conflicted_says_so_and_how_to_mend_it(tmp_path, cli, monkeypatch):
    """A sweep: two branches that each added entries conflict line by line in the sorted list (their entries differ only
    in "file"), and --baseline said only "not JSON: Expecting property name enclosed in double quotes: line 10"."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.json").write_bytes(EXAMPLE.read_bytes())
    assert cli("check", "--write-baseline", "base.json", "a.json").exit_code == 0
    lines = (tmp_path / "base.json").read_text(encoding="utf-8").splitlines(keepends=True)
    mine, theirs = lines[5], lines[5].replace("a.json", "b.json")
    (tmp_path / "base.json").write_text("".join([*lines[:5], "<<<<<<< HEAD\n", mine, "=======\n", theirs, ">>>>>>> other\n", *lines[6:]]))
    result = cli("check", "--baseline", "base.json", "a.json")
    assert result.exit_code == 2
    assert "base.json: cannot use baseline: a merge left conflict markers in it (line 6): take one side (git checkout --theirs -- base.json)" in result.output
    (tmp_path / "base.json").write_text("".join(lines)[:-3])  # broken, no markers: as before
    assert "cannot use baseline: not JSON: Expecting" in cli("check", "--baseline", "base.json", "a.json").output


def test_entries_of_a_json_lines_line_left_broken_are_neither_fixed_nor_dropped(tmp_path, cli, monkeypatch):
    """A sweep: one line of a JSON Lines capture left unparsable (or cut off by a broken gzip stream) had its accepted
    findings counted as fixed, and the rewrite that advice asks for dropped them, so once the line was mended they came
    back as new. Entries carry no line number: in such a file, what this run did not find is not fixed."""
    monkeypatch.chdir(tmp_path)
    lines = [json.dumps(line) for line in (EVENT, TYPO, TYPO, EVENT)]
    good = "\n".join(lines) + "\n"
    (tmp_path / "c.jsonl").write_text(good, encoding="utf-8")
    assert "wrote 2 findings" in cli("check", "--write-baseline", "base.json", "c.jsonl").output
    (tmp_path / "c.jsonl").write_text("\n".join([lines[0], lines[1][:-1], *lines[2:]]) + "\n", encoding="utf-8")
    broken = _json_report(cli("check", "--format", "json", "--baseline", "base.json", "c.jsonl"))
    assert [f["rule"] for f in broken["findings"]] == ["syntax-error"]
    assert broken["summary"]["baseline"] == {"known": 1, "fixed": []}
    rewritten = cli("check", "--write-baseline", "base.json", "c.jsonl")
    assert rewritten.exit_code == 0 and "wrote 3 findings to the baseline base.json (1 of them kept" in rewritten.output
    (tmp_path / "c.jsonl").write_text(good, encoding="utf-8")
    mended = _json_report(cli("check", "--format", "json", "--fail-on", "warning", "--baseline", "base.json", "c.jsonl"))
    assert mended["findings"] == [] and mended["summary"]["baseline"]["known"] == 2
    assert [e["rule"] for e in mended["summary"]["baseline"]["fixed"]] == ["syntax-error"]
    # lines past a break in a gzip stream were never read either
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(good.encode()))
    assert "wrote 2 findings" in cli("check", "--write-baseline", "gz.json", "c.jsonl.gz").output
    halves = "\n".join(lines[:2]) + "\n", "\n".join(lines[2:]) + "\n"  # two gzip members, the second one corrupt
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(halves[0].encode()) + gzip.compress(halves[1].encode())[:8])
    cut = _json_report(cli("check", "--format", "json", "--baseline", "gz.json", "c.jsonl.gz"))
    assert [f["rule"] for f in cut["findings"]] == ["encoding-error"] and cut["summary"]["baseline"] == {"known": 1, "fixed": []}


def test_a_whole_number_saved_again_as_100_or_100_0_keeps_its_baseline_entry(tmp_path, cli, monkeypatch):
    """A sweep: the value hash told 100 from 100.0 (json reads one as an int, the other as a float), so a capture saved
    again by another tool (JavaScript writes -100.0 as -100) turned accepted findings into new ones. JSON Schema takes
    them for one number; so does the fingerprint now. An entry written before (the hash of -100.0) still matches."""
    monkeypatch.chdir(tmp_path)
    cart = {"serverTimeStamp": "1528628536882", "total": -100.0, "currency": "USD", "numItems": 1,
            "products": [{"product": {"name": "x", "price": -100.0}, "quantity": 1}]}
    event = {"cartStatus": cart, "sdeType": "CART_STATUS", "serverTimeStamp": "1528628536882"}
    (tmp_path / "c.json").write_text(json.dumps({"events": [event]}), encoding="utf-8")
    assert "wrote 2 findings" in cli("check", "--write-baseline", "base.json", "c.json").output
    for spelled in ("-100", "-1e2", "-100.000"):
        (tmp_path / "c.json").write_text(json.dumps({"events": [event]}).replace("-100.0", spelled), encoding="utf-8")
        report = _json_report(cli("check", "--format", "json", "--fail-on", "warning", "--baseline", "base.json", "c.json"))
        assert report["findings"] == [] and report["summary"]["baseline"] == {"known": 2, "fixed": []}, spelled
    sarif = [json.loads(cli("check", "--format", "sarif", "c.json").output)["runs"][0]["results"]]
    (tmp_path / "c.json").write_text(json.dumps({"events": [event]}), encoding="utf-8")
    sarif.append(json.loads(cli("check", "--format", "sarif", "c.json").output)["runs"][0]["results"])
    assert [r["partialFingerprints"] for r in sarif[0]] == [r["partialFingerprints"] for r in sarif[1]]
    # a baseline an earlier sdelint wrote holds the hash of -100.0 as written: still accepted, and a rewrite replaces it
    legacy = hashlib.sha256(b"-100.0").hexdigest()[:16]
    stored = json.loads((tmp_path / "base.json").read_text())
    for entry in stored["findings"]:
        entry["value_hash"] = legacy
    (tmp_path / "base.json").write_text(json.dumps(stored), encoding="utf-8")
    report = _json_report(cli("check", "--format", "json", "--fail-on", "warning", "--baseline", "base.json", "c.json"))
    assert report["findings"] == [] and report["summary"]["baseline"] == {"known": 2, "fixed": []}
    assert "wrote 2 findings to the baseline base.json\n" in cli("check", "--write-baseline", "base.json", "c.json").output
    assert legacy not in (tmp_path / "base.json").read_text()


def test_a_baseline_rewritten_by_another_version_of_sdelint_is_the_same_file(tmp_path, cli, monkeypatch):
    """A sweep: the baseline held the tool_version that wrote it, so every sdelint upgrade changed it in every repository
    (a diff to review, a merge conflict between branches on two versions, a failed pre-commit hook). A baseline written
    with one is still read."""
    import validator.baseline

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.json").write_bytes(EXAMPLE.read_bytes())
    assert cli("check", "--write-baseline", "base.json", "a.json").exit_code == 0
    written = (tmp_path / "base.json").read_bytes()
    monkeypatch.setattr(validator.baseline, "__version__", "99.0.0")
    assert cli("check", "--write-baseline", "base.json", "a.json").exit_code == 0
    assert (tmp_path / "base.json").read_bytes() == written
    assert list(json.loads(written)) == ["sdelint_baseline", "findings"]
    older = json.loads(written)
    (tmp_path / "base.json").write_text(json.dumps({"sdelint_baseline": 1, "tool_version": "0.1.0", "findings": older["findings"]}, indent=2))
    report = _json_report(cli("check", "--format", "json", "--baseline", "base.json", "a.json"))
    assert report["findings"] == [] and report["summary"]["baseline"]["known"] == 15
