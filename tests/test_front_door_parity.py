"""The same input through every front door gives the same findings: ``sdelint check --format json`` (a real
subprocess), the Python API (``lint_path``, ``lint_paths``, ``lint_bytes``, ``lint_object``) and ``POST /v1/lint``
of a real ``sdelint serve``, with the same options.

Documented differences only: ``lint_object`` findings carry line and column 0 (the reports' 1, 1 for a finding
without a place), a parsed object holds no repeated key or number no double holds, the service takes no YAML, and
a text nested past 500 levels (a parsed object's limit) is read as deep as the parser goes, which depends on the
caller's stack (none of the inputs here: a fixed limit for texts too cost a walk of every document of more than
500 brackets, 13% of a 2 MB document's lint).
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytest.importorskip("uvicorn")
pytest.importorskip("starlette")

from test_serve import start_server, stop_server  # noqa: E402

import validator  # noqa: E402
from conftest import checkout_env  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "examples" / "conversation-response.json").read_bytes()
UNREPAIRED = (ROOT / "tests" / "data" / "spec-example-unrepaired.json").read_bytes()
LEAD = {"sdeType": "LEAD", "serverTimeStamp": "1528659491243",
        "lead": {"serverTimeStamp": "1528659491243", "lead": {"topic": "x", "value": "10"}}}
CART = {"sdeType": "CART_STATUS", "serverTimeStamp": "1528659491243", "cartStatus": {
    "serverTimeStamp": "1528659491243", "currency": "EUR", "total": 11.7, "numItems": 2,
    "products": [{"quantity": 2, "product": {"name": "x", "price": 3.9, "sku": "bad"}}]}}
CONFIG = """\
rules:
  message-id: error
  numeric-string: warning
  cart-arithmetic: info
custom-rules:
  - name: sku-format
    severity: warning
    where: "*.products[*].product.sku"
    check: pattern
    options: {regex: '^[A-Z]{3}-[0-9]+$'}
    message: "sku {value} is not like ABC-123"
"""


def _strings(value):
    """A payload as API v1 prints it: every attribute value a string."""
    if isinstance(value, dict):
        return {k: _strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strings(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int | float) else value


def inputs() -> dict[str, bytes]:
    example = json.loads(EXAMPLE)
    record = example["conversationHistoryRecords"][0]
    v1_record = {k: v for k, v in record.items() if k != "unAuthSdes"}
    v1 = {"_metadata": example["_metadata"], "conversationHistoryRecords": [{**v1_record, "sdes": _strings(v1_record["sdes"])}]}
    lines = json.dumps(LEAD).encode() + b"\n" + json.dumps(CART).encode() + b"\n"
    cart = json.dumps(CART)
    return {
        "example.json": EXAMPLE,
        "unrepaired.json": UNREPAIRED,
        "example.jsonl": json.dumps(example).encode() + b"\n" + lines,
        "bad-line.jsonl": json.dumps(LEAD).encode() + b"\n{oops\n" + json.dumps(CART).encode() + b"\n",
        "blank-lines.jsonl": b"\n\n" + json.dumps(LEAD).encode() + b"\n\n",
        "example.yaml": yaml.safe_dump(example, sort_keys=False).encode(),
        "example.json.gz": gzip.compress(EXAMPLE),
        "lines.jsonl.gz": gzip.compress(lines),
        "bom.json": b"\xef\xbb\xbf" + cart.encode(),
        "utf16.json": cart.encode("utf-16"),
        "duplicate-keys.json": b'{"sdeType": "LEAD", "sdeType": "LEAD", "serverTimeStamp": "1528659491243", '
                               b'"lead": {"serverTimeStamp": "1", "lead": {"topic": "a", "topic": "b"}}}',
        "nan.json": cart.replace('"total": 11.7', '"total": NaN').encode(),
        "out-of-range.json": cart.replace('"total": 11.7', '"total": 1e400').encode(),
        "deep-50.json": (b'{"x": [' * 25) + cart.encode() + (b"]}" * 25),
        "v1.json": json.dumps(v1, indent=1).encode(),
        "record.json": json.dumps(record, indent=2).encode(),
        "records.json": json.dumps([record, v1_record]).encode(),
        "unauth.json": json.dumps({"unAuthSdes": record["unAuthSdes"], "info": record["info"]}, indent=2).encode(),
        "events.json": json.dumps({"events": [LEAD, CART]}, indent=2).encode(),
        "event-list.json": json.dumps([LEAD, CART, {"sdeType": "NOPE"}]).encode(),
        "crlf.json": json.dumps(CART, indent=2).replace("\n", "\r\n").encode(),
        "engagement-history.json": json.dumps({"interactionHistoryRecords": [{"info": {"engagementId": "1"}, "sdes": {"events": [
            {"serverTimeStamp": "1440412721832", "viewProduct": {"serverTimeStamp": "1440412721832", "currency": "EURO",
                                                                 "products": [{"product": {"name": "boot", "price": "77.8"}}]}},
            {"serverTimeStamp": "1440412721832", "formFillingError": {"serverTimeStamp": "1440412721832", "visitorError": {
                "message": {"string": "Zip code missing"}, "level": "2", "resolved": "maybe"}}},
        ]}}]}, indent=2).encode(),
        "web.json": b'{"iss": "https://idp.example.org", "sub": "c-77",\n "lp_sdes": [{"type": "ctmrinfo", '
                    b'"info": {"cstatus": "vip", "customerId": "c-77", "storeNumber": "12"}}]}',
        "empty.json": b"",
        "blank.json": b" \n\t \n",
        "number.json": b"42",
        "two-documents.json": cart.encode() + json.dumps(LEAD).encode(),
        "non-ascii.json": json.dumps(CART, ensure_ascii=False).replace('"name": "x"', '"name": "\U0001f600\u00e9\u65e5"').encode(),
    }


# (name, sdelint check options, API keyword arguments, query string, server): the same options at each door
OPTIONS = [
    ("default", ["--min-severity", "info"], {}, "", "plain"),
    ("v1", ["--min-severity", "info", "--api-version", "v1"], {"api_version": "v1"}, "?api_version=v1", "plain"),
    ("v2", ["--min-severity", "info", "--api-version", "v2"], {"api_version": "v2"}, "?api_version=v2", "plain"),
    ("warning", ["--min-severity", "warning"], {"min_severity": "warning"}, "?min_severity=warning", "plain"),
    ("select", ["--min-severity", "info", "--select", "cart-arithmetic,unknown-field"], {"select": "cart-arithmetic,unknown-field"}, None, None),
    ("ignore", ["--min-severity", "info", "--ignore", "numeric-string,syntax-error"], {"ignore": ["numeric-string", "syntax-error"]}, None, None),
    ("config", ["--min-severity", "info"], {}, "", "config"),
    ("config-v1-error", ["--min-severity", "error", "--api-version", "v1"], {"api_version": "v1", "min_severity": "error"},
     "?api_version=v1&min_severity=error", "config"),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("front-doors")
    for name, data in inputs().items():
        (folder / name).write_bytes(data)
    (folder / "config.yaml").write_text(CONFIG, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def servers(tmp_path_factory, folder):
    started = {"plain": start_server(tmp_path_factory.mktemp("plain")),
               "config": start_server(tmp_path_factory.mktemp("config"), "--config", str(folder / "config.yaml"))}
    yield started
    for server in started.values():
        assert "Traceback" not in stop_server(server)


def key(finding) -> tuple:
    """What must agree: rule, severity, pointer, message, line, column (a finding without a place is at 1, 1)."""
    if isinstance(finding, dict):
        return (finding["rule"], finding["severity"], finding["pointer"], finding["message"], finding["line"], finding["column"])
    line, column = (finding.line, finding.column) if (finding.line, finding.column) != (0, 0) else (1, 1)
    return (finding.rule, finding.severity, finding.pointer, finding.message, line, column)


def check_json(folder: Path, options: list[str], names: list[str]) -> tuple[int, dict]:
    """One real ``sdelint check --format json`` over the inputs."""
    done = subprocess.run(
        [sys.executable, "-m", "validator", "check", "--format", "json", *options, *names],
        capture_output=True, cwd=folder, env=checkout_env(), timeout=300,
    )
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.returncode, json.loads(done.stdout)


@pytest.mark.parametrize("option", OPTIONS, ids=[option[0] for option in OPTIONS])
def test_every_front_door_gives_the_findings_of_check(folder, servers, option):
    label, cli_options, api_options, query, server = option
    names = sorted(inputs())
    if server == "config":
        cli_options = [*cli_options, "--config", "config.yaml"]
        api_options = {**api_options, "config": folder / "config.yaml"}
    _, report = check_json(folder, cli_options, names)
    by_file = {name: [key(f) for f in report["findings"] if f["file"] == name] for name in names}
    for name in names:
        expected = by_file[name]
        path = folder / name
        assert [key(f) for f in validator.lint_path(path, **api_options)] == expected, (label, name, "lint_path")
        assert [key(f) for f in validator.lint_paths([path], **api_options)] == expected, (label, name, "lint_paths")
        assert [key(f) for f in validator.lint_bytes(path.read_bytes(), name=name, **api_options)] == expected, (label, name, "lint_bytes")
        if server is not None and not name.endswith(".yaml"):  # the service takes JSON and JSON Lines only (415 for YAML)
            content_type = "application/x-ndjson" if ".jsonl" in name else "application/json"
            status, _, answer = servers[server].lint(path.read_bytes(), query, {"Content-Type": content_type})
            assert status == 200, (label, name, answer)
            assert [key(f) for f in answer["findings"]] == expected, (label, name, "POST /v1/lint")
            file_report = next(f for f in report["files"] if f["file"] == name)
            assert answer["files"] == [{**file_report, "file": "<request>"}], (label, name)


@pytest.mark.parametrize("option", OPTIONS[:4], ids=[option[0] for option in OPTIONS[:4]])
def test_a_parsed_object_gives_the_findings_of_its_text_but_their_place(folder, option):
    """Line and column 0 on lint_object's findings (documented); the rest as the text's. Not compared: inputs a parsed
    object cannot be (repeated keys, a number no double holds, more than one document, bytes not UTF-8)."""
    label, _, api_options, _, _ = option
    for name, data in inputs().items():
        if not name.endswith(".json") or name in ("duplicate-keys.json", "out-of-range.json", "two-documents.json", "utf16.json"):
            continue
        try:
            parsed = json.loads(data.decode("utf-8-sig"))
        except (ValueError, RecursionError):  # not JSON, or deeper than json.loads goes on this stack
            continue
        from_text = sorted(key(f)[:4] for f in validator.lint_bytes(data, name=name, **api_options))
        from_object = sorted(key(f)[:4] for f in validator.lint_object(parsed, **api_options))
        if "too-deep" in {f[0] for f in from_text}:  # the object's message says it may hold itself
            from_text = [f[:3] for f in from_text]
            from_object = [f[:3] for f in from_object]
        assert from_object == from_text, (label, name)


def test_ok_and_the_exit_code_agree_with_fail_on(folder, servers):
    """``ok`` is the exit code 0 of ``sdelint check`` with the same fail-on; syntax errors and too-deep are a 200 with
    ok false, not an error status."""
    names = ["example.json", "unrepaired.json", "empty.json", "v1.json", "deep-50.json", "web.json"]
    for fail_on in ("error", "warning", "info"):
        for name in names:
            code, _ = check_json(folder, ["--fail-on", fail_on, "--min-severity", "info"], [name])
            status, headers, answer = servers["plain"].lint((folder / name).read_bytes(), f"?fail_on={fail_on}")
            assert status == 200, answer
            assert answer["ok"] is (code == 0), (name, fail_on, code, answer["summary"])
            assert headers["sdelint-ok"] == ("true" if code == 0 else "false")
