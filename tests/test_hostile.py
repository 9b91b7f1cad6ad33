"""Every hostile input through the real CLI, in every output format, with a timeout.

Each run must finish, exit 0, 1 or 2 as documented, print no traceback, and still report the
good file checked beside the hostile ones (issue 11's acceptance)."""

from __future__ import annotations

import json
import shutil

import pytest
from hostile.corpus import corpus

from conftest import EXAMPLE

FORMATS = ["text", "json", "json-lines", "sarif", "junit", "github", "gitlab"]


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    for name, data in corpus().items():
        (folder / name).write_bytes(data)
    (folder / "broken-link.json").symlink_to(folder / "gone.json")
    shutil.copy(EXAMPLE, folder / "zz-good.json")
    return folder


# Inputs that cost the same in every format (a gigabyte to decompress): run once, in the JSON test below.
ONCE = ("gzip-bomb.json.gz", "big-array.json.gz")


@pytest.mark.parametrize("output_format", FORMATS)
def test_hostile_corpus_finishes_without_a_traceback(hostile_dir, run_sdelint, output_format):
    excluded = [option for name in ONCE for option in ("--exclude", name)]
    done = run_sdelint("check", "--format", output_format, "--include", "*", *excluded, hostile_dir, timeout=300)
    stdout, stderr = done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")
    assert done.returncode in (0, 1, 2)
    assert "Traceback" not in stderr + stdout and "internal error" not in stderr, stderr[-3000:]
    assert done.returncode == 1, stderr[-3000:]
    assert "zz-good.json" in stdout  # the good file was reached and reported
    assert "\x1b[" not in stdout  # no terminal escape from a payload reaches the output
    assert not any(line.startswith("x.json:1:1: error forged-rule") for line in stdout.splitlines())  # a key's newline forges no line


def test_hostile_corpus_json_report_names_every_file(hostile_dir, run_sdelint):
    done = run_sdelint("check", "--format", "json", "--include", "*", hostile_dir, timeout=300)
    report = json.loads(done.stdout)
    names = {entry["file"].rsplit("/", 1)[-1] for entry in report["files"]}
    assert set(corpus()) | {"zz-good.json", "broken-link.json"} <= names
    by_file = {}
    for finding in report["findings"]:
        by_file.setdefault(finding["file"].rsplit("/", 1)[-1], set()).add(finding["rule"])
    assert not (hostile_dir.parent / "pwned").exists()
    assert "read-error" in by_file["broken-link.json"]
    assert "syntax-error" in by_file["huge-exponent.json"]
    assert "duplicate-key" in by_file["yaml-duplicate.yaml"] and "duplicate-key" in by_file["duplicate-keys.json"]
    assert "encoding-error" in by_file["bad-byte-line.jsonl"] and "unknown-field" in by_file["bad-byte-line.jsonl"]
    assert "unknown-field" in by_file["multi-member.jsonl.gz"]
    assert "too-deep" in by_file["deep-array.json"]


def test_nesting_just_below_the_parsers_limit_is_reported_not_raised():
    """A value the parser just managed can still be too deep for jsonschema, which recurses (and quotes it) deeper.

    The window depends on how deep the caller's stack is, so every depth near the limit is tried, from the
    test's stack and from a thread's (the service lints in threads), in the Python API and the service.
    """
    import sys
    from concurrent.futures import ThreadPoolExecutor

    import validator

    pytest.importorskip("starlette")
    from validator.serve.service import LintService
    from validator.serve.settings import Settings

    service = LintService(Settings())
    limit = sys.getrecursionlimit()

    def lint_both(raw: bytes) -> tuple[set[str], set[str]]:
        api = {f.rule for f in validator.lint_bytes(raw, name="deep.json", min_severity="info")}
        served = {f["rule"] for f in json.loads(service.lint(raw, "json", None, None, "json", "info").body)["findings"]}
        return api, served

    with ThreadPoolExecutor(1) as thread:
        for depth in range(limit - 250, limit + 2):  # wide enough for any test runner's stack
            raw = ('{"conversationHistoryRecords":[' + "[" * depth + "]" * depth + "]}").encode()
            for api, served in (lint_both(raw), thread.submit(lint_both, raw).result()):
                assert api and api <= {"wrong-type", "too-deep"}, (depth, api)
                assert served and served <= {"wrong-type", "too-deep"}, (depth, served)
