"""Each ``--format`` against the contract its consumer reads it by, on inputs made to break it, through the real CLI.

test_reporters checks each format's shape; these are the edges a line-, XML- or command-oriented consumer
trips on: characters Unicode counts as line breaks, and counts that must add up across formats for one run.
"""

from __future__ import annotations

import json

import pytest

# The characters that end a line for str.splitlines(), editors and log viewers, but that JSON does not escape
UNICODE_BREAKS = "\x85\u2028\u2029"


def cart_event(key: str) -> dict:
    return {
        "cartStatus": {"serverTimeStamp": "1528628536879", "currency": "USD", key: "x", "total": "1"},
        "sdeType": "CART_STATUS",
        "serverTimeStamp": "1528628536879",
        "isAuthenticated": False,
    }


@pytest.fixture
def unicode_breaks(tmp_path, monkeypatch):
    """A file whose name and unknown keys hold NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR (the working directory)."""
    name = f"breaks{UNICODE_BREAKS}.json"
    events = [cart_event(f"k{char}x") for char in UNICODE_BREAKS]
    (tmp_path / name).write_text(json.dumps({"events": events}, ensure_ascii=False), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return name


def test_json_lines_keep_one_finding_per_line_whatever_unicode_calls_a_line_break(cli, unicode_breaks):
    """JSON leaves U+0085, U+2028 and U+2029 unescaped; written raw, str.splitlines() (and an editor, a log viewer)
    split one finding's line in two, and neither half is JSON. Escaped, each line is a finding, with the same strings."""
    findings = json.loads(cli("check", unicode_breaks, "--format", "json").stdout)["findings"]
    assert len(findings) == 3 and all(any(c in f["pointer"] for c in UNICODE_BREAKS) for f in findings)
    out = cli("check", unicode_breaks, "--format", "json-lines").stdout
    assert not any(char in out for char in UNICODE_BREAKS)
    assert [json.loads(line) for line in out.splitlines()] == findings
