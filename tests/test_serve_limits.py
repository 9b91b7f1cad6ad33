"""``sdelint serve`` under hostile load, through the real server: request limits, stalled connections, metrics over workers.

Timeouts here catch hangs; nothing is timed for speed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")
pytest.importorskip("prometheus_client")

from test_serve import EXAMPLE, JSON_TYPE, NDJSON_TYPE, Server, metric_samples, parse_prometheus, read_response, start_server, stop_server, wait_until  # noqa: E402

LIMITS = ("--max-records", "50", "--max-findings", "5", "--max-key-length", "64")
LIMIT_ENV = {"SDELINT_SERVE_MAX_EVENTS": "100"}  # one limit from its variable, the others from options
HEADER_TIMEOUT = 2


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    server = start_server(
        tmp_path_factory.mktemp("limited"), *LIMITS, "--header-timeout", str(HEADER_TIMEOUT), "--keep-alive-timeout", "1", env=LIMIT_ENV,
    )
    yield server
    log = stop_server(server)
    assert "Traceback" not in log, log


@pytest.fixture(scope="module")
def default(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("default"))
    yield server
    log = stop_server(server)
    assert "Traceback" not in log, log


def peak_memory_kib(server: Server) -> int:
    status = Path(f"/proc/{server.process.pid}/status").read_text()  # one worker: the server process itself
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def events_body(count: int) -> bytes:
    return json.dumps({"events": [{}] * count}).encode()


def records_body(count: int) -> bytes:
    return json.dumps({"conversationHistoryRecords": [{"info": {"conversationId": str(i)}} for i in range(count)]}).encode()


def key_body(length: int, key: str = "k") -> bytes:
    event = {"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879", "cartStatus": {"products": [{(key * length)[:length]: 1}]}}
    return json.dumps({"events": [event]}).encode()


def assert_limit(answer: tuple, name: str, option: str, env: str, maximum: int) -> None:
    status, _, body = answer
    assert status == 422, body
    assert body["limit"] == {"name": name, "maximum": maximum, "option": option, "env": env}
    assert option in body["error"] and env in body["error"]


# -- item 15: the work per request is bounded ------------------------------------------------------------


def test_too_many_json_lines_records_is_422_before_they_are_parsed(limited):
    assert_limit(limited.lint(b"{}\n" * 51, headers=NDJSON_TYPE), "records", "--max-records", "SDELINT_SERVE_MAX_RECORDS", 50)
    status, _, report = limited.lint(b"{}\n" * 25 + b"\n \n" * 1000 + b"{}\n" * 25, headers=NDJSON_TYPE)  # blank lines are no records
    assert status == 200 and report["summary"]["errors"] == 50


def test_too_many_records_in_one_response_is_422(limited):
    assert_limit(limited.lint(records_body(51)), "records", "--max-records", "SDELINT_SERVE_MAX_RECORDS", 50)
    assert limited.lint(records_body(50))[0] == 200


def test_too_many_events_is_422_and_the_limit_comes_from_its_variable(limited):
    assert_limit(limited.lint(events_body(101)), "events", "--max-events", "SDELINT_SERVE_MAX_EVENTS", 100)
    lines = b"\n".join([events_body(40)] * 3)  # 120 events over three JSON Lines records
    assert_limit(limited.lint(lines, headers=NDJSON_TYPE), "events", "--max-events", "SDELINT_SERVE_MAX_EVENTS", 100)
    assert limited.lint(events_body(100))[0] == 200


@pytest.mark.parametrize("key", ["k", 'q"', "\\", "é"], ids=["plain", "escaped-quotes", "backslashes", "non-ascii"])
def test_a_key_longer_than_the_limit_is_422(limited, key):
    assert_limit(limited.lint(key_body(65, key)), "key-length", "--max-key-length", "SDELINT_SERVE_MAX_KEY_LENGTH", 64)
    status, _, report = limited.lint(key_body(64, key))
    assert status == 200 and report["summary"]["errors"] + report["summary"]["warnings"] > 0


def test_findings_past_the_limit_are_left_out_and_counted(limited):
    status, headers, report = limited.lint(b"{}\n" * 30, headers=NDJSON_TYPE)
    assert status == 200 and len(report["findings"]) == 5
    assert report["truncated"] == {"findings_dropped": 25, "max_findings": 5}
    assert headers["sdelint-findings-dropped"] == "25"
    assert report["summary"]["errors"] == 30 and report["files"][0]["findings"] == 30  # the counts are of every finding
    assert [f["line"] for f in report["findings"]] == [1, 2, 3, 4, 5]
    status, headers, log = limited.json("POST", "/v1/lint?format=sarif", b"{}\n" * 30, NDJSON_TYPE)
    assert status == 200 and len(log["runs"][0]["results"]) == 5 and log["runs"][0]["properties"]["findingsDropped"] == 25
    status, headers, report = limited.lint(b"{}\n" * 5, headers=NDJSON_TYPE)  # at the limit: no trace of it
    assert "truncated" not in report and "sdelint-findings-dropped" not in headers


def test_the_hostile_bodies_of_the_issue_are_refused_cheaply_at_the_default_limits(default):
    """The issue's figures: 10 MiB of {} lines took 63 s and 3.8 GB, a 10 MB key 1.1 GB: now each is a 422 and a few MiB."""
    before = peak_memory_kib(default)
    ten_mib = 10 * 1024 * 1024
    assert_limit(default.lint(b"{}\n" * (ten_mib // 3), headers=NDJSON_TYPE), "records", "--max-records", "SDELINT_SERVE_MAX_RECORDS", 10_000)
    assert_limit(default.lint(key_body(ten_mib - 200)), "key-length", "--max-key-length", "SDELINT_SERVE_MAX_KEY_LENGTH", 1024)
    assert peak_memory_kib(default) - before < 64 * 1024  # refused before parsing (lines) or before linting (the key)
    # two million empty events: refused before linting, but only once parsed (~20 bytes of Python objects per byte of "{},")
    assert_limit(default.lint(events_body(ten_mib // 5)), "events", "--max-events", "SDELINT_SERVE_MAX_EVENTS", 20_000)
    assert peak_memory_kib(default) - before < 300 * 1024
    status, _, report = default.lint(b"{}\n" * 10_000, headers=NDJSON_TYPE)  # at the limit: linted, 1,000 findings listed
    assert status == 200 and len(report["findings"]) == 1000 and report["truncated"]["findings_dropped"] == 9000


def test_a_gzip_body_is_held_to_the_body_limit_once_decompressed(default):
    """A 12 KB gzip body of 12 MiB of {} lines took 48 s and 1.6 GB: the body limit holds for what it expands to,
    so it is refused after 10 MiB of decompression, before any line is counted or parsed."""
    import gzip

    before = peak_memory_kib(default)
    ten_mib = 10 * 1024 * 1024
    bodies = ((b"{}\n" * (ten_mib // 3 + 10), NDJSON_TYPE), (events_body(ten_mib // 3), JSON_TYPE))
    for compressed, headers in [(gzip.compress(body), headers) for body, headers in bodies] + [
        (gzip.compress(gzip.compress(bodies[0][0])), NDJSON_TYPE),  # gzip inside gzip: each layer is held to the limit
    ]:
        assert len(compressed) < ten_mib // 100
        assert_limit(default.lint(compressed, headers=headers), "body-bytes", "--max-body-bytes", "SDELINT_SERVE_MAX_BODY_BYTES", ten_mib)
    assert peak_memory_kib(default) - before < 64 * 1024
    status, _, report = default.lint(gzip.compress(EXAMPLE.read_bytes()))  # within the limit: linted as the plain body is
    assert status == 200 and report["findings"] == default.lint(EXAMPLE.read_bytes())[2]["findings"]


def test_the_openapi_error_schema_names_every_limit_an_answer_can_name(limited):
    """The 422 for a gzip body past the body limit names body-bytes: the published Error schema must allow it."""
    status, _, document = limited.json("GET", "/openapi.json")
    names = document["components"]["schemas"]["Error"]["properties"]["limit"]["properties"]["name"]["enum"]
    assert status == 200 and {"body-bytes", "records", "events", "key-length"} <= set(names)


def test_the_openapi_document_describes_the_limits(limited):
    status, _, document = limited.json("GET", "/openapi.json")
    assert status == 200
    assert "truncated" in document["components"]["schemas"]["LintReport"]["properties"]
    assert "limit" in document["components"]["schemas"]["Error"]["properties"]
    assert set(document["paths"]["/v1/lint"]["post"]["responses"]["200"]["headers"]) == {"Sdelint-Ok", "Sdelint-Findings-Dropped"}


# -- item 16: idle connections and slow header senders are closed ----------------------------------------


def closed_by_server(sock: socket.socket, timeout: float) -> bool:
    """True once the server closes the connection (EOF or reset); False if it is still open after ``timeout``."""
    sock.settimeout(timeout)
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_idle_connections_are_closed_after_the_header_timeout(limited):
    connections = [socket.create_connection((limited.host, limited.port)) for _ in range(200)]
    try:
        opened = time.monotonic()
        with ThreadPoolExecutor(16) as pool:
            closed = list(pool.map(lambda sock: closed_by_server(sock, 30), connections))
        assert all(closed), f"{closed.count(False)} of 200 idle connections still open"
        assert time.monotonic() - opened >= HEADER_TIMEOUT - 0.5  # closed by the timeout, not at once
    finally:
        for sock in connections:
            sock.close()
    assert limited.request("GET", "/healthz")[0] == 200


def test_a_client_that_stalls_in_the_middle_of_a_header_is_disconnected(limited):
    with socket.create_connection((limited.host, limited.port)) as sock:
        sock.sendall(b"POST /v1/lint HTTP/1.1\r\nHost: t\r\nContent-Ty")
        assert closed_by_server(sock, 30)


def test_an_endless_header_is_431_and_closed_and_the_server_stays_free(default):
    """httptools keeps a header it reads by concatenation: an endless one held the event loop for seconds per
    megabyte (health checks took 6 to 26 s, the connection was closed after 43 s, a worker reached 750 MB)."""
    with socket.create_connection((default.host, default.port)) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Junk: ")
        sent, answer = 0, b""
        sock.settimeout(10)
        try:
            while sent < (8 << 20):
                sock.sendall(b"a" * (64 << 10))
                sent += 64 << 10
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
    assert b"64 KiB" in answer and sent < (8 << 20), "refused once past the limit, not after megabytes"
    status, _, _ = default.request("GET", "/healthz")
    assert status == 200
    with socket.create_connection((default.host, default.port)) as sock:  # a big but bounded head is still served
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + b"b" * (60 << 10) + b"\r\n\r\n")
        assert read_response(sock)[0] == 200


def _read_all(sock: socket.socket) -> bytes:
    data = b""
    sock.settimeout(30)
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except ConnectionResetError:
        pass
    return data


def test_an_endless_chunked_trailer_is_431_too(default):
    """A trailer comes after the headers, and httptools builds it by concatenation as well: a review found it
    held the worker for seconds (health checks 2.7 to 8.2 s) until the 30 s body timeout, with no token needed."""
    with socket.create_connection((default.host, default.port)) as sock:
        sock.sendall(b"POST /v1/lint HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-Trailer: ")
        sock.settimeout(10)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            for _ in range(128):
                sock.sendall(b"a" * (64 << 10))
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
    assert default.request("GET", "/healthz")[0] == 200


def test_a_pipelined_oversized_head_is_refused_after_the_answer_before_it(default):
    """The 431 was written while the request before it was being answered: the client took it for that answer."""
    event = {"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879", "cartStatus": {"serverTimeStamp": "1528628536879", "total": "x"}}
    body = json.dumps({"events": [event] * 19_000}).encode()  # seconds of linting: the head after it arrives long before its answer
    with socket.create_connection((default.host, default.port)) as sock:
        sock.sendall(b"POST /v1/lint HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        time.sleep(0.3)  # the junk in reads of its own: a read that also ends the body counts as progress (README)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Junk: ")
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # past the bound, but no more: nothing left unread at the close
            for _ in range(5):
                sock.sendall(b"a" * (16 << 10))
                time.sleep(0.01)
        answer = _read_all(sock)
    first, _, rest = answer.partition(b"\r\n")
    assert first == b"HTTP/1.1 200 OK" and b"HTTP/1.1 431 " in rest, answer[:300]


def _exchange(server: Server, head: bytes, junk: int = 0) -> bytes:
    """Send ``head``, then ``junk`` pieces of 16 KiB of header bytes, and read what comes back until the close."""
    with socket.create_connection((server.host, server.port)) as sock:
        sock.sendall(head)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            for _ in range(junk):
                sock.sendall(b"a" * (16 << 10))
                time.sleep(0.01)
        return _read_all(sock)


def test_what_the_protocol_refuses_is_counted_in_the_metrics(default):
    """The 400 for malformed HTTP and the 431 reached no route: /metrics counted neither, so an operator saw no sign
    of them; refused while a body was being read, they were counted as 499 (the client gone), not what it was told."""
    before = metric_samples(default)
    answers = [
        _exchange(default, b"GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n"),
        _exchange(default, b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Junk: ", junk=6),
        _exchange(default, b"POST /v1/lint HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\nZZ\r\n"),  # a broken chunk
        _exchange(default, b"POST /v1/lint HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-T: ", junk=6),
    ]
    assert [answer[:12] for answer in answers] == [b"HTTP/1.1 400", b"HTTP/1.1 431", b"HTTP/1.1 400", b"HTTP/1.1 431"], answers
    assert all(b"\r\nx-content-type-options: nosniff\r\n" in answer for answer in answers)
    expected = {
        'sdelint_http_requests_total{endpoint="<malformed>",method="other",status="400"}': 1,
        'sdelint_http_requests_total{endpoint="<malformed>",method="other",status="431"}': 1,
        'sdelint_http_requests_total{endpoint="/v1/lint",method="POST",status="400"}': 1,
        'sdelint_http_requests_total{endpoint="/v1/lint",method="POST",status="431"}': 1,
    }

    def changed() -> dict[str, float]:
        after = metric_samples(default)
        return {name: after[name] - before.get(name, 0) for name in after
                if name.startswith("sdelint_http_requests_total") and "/metrics" not in name and after[name] != before.get(name, 0)}

    assert wait_until(changed, lambda found: found == expected, seconds=10) == expected  # the application counts once it sees the close


def test_without_httptools_the_server_runs_on_h11(tmp_path):
    """The bounded protocol needs httptools; without it uvicorn's h11 (which bounds a head itself) serves, as before.
    A review found `sdelint serve` ending in an internal error once the protocol module imported httptools."""
    blocker = tmp_path / "blocked" / "httptools"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('httptools is blocked for this test')\n", encoding="utf-8")
    server = start_server(tmp_path, env={"PYTHONPATH": str(blocker.parent)})
    try:
        status, _, report = server.lint(EXAMPLE.read_bytes())
        assert status == 200 and report["files"][0]["kind"] == "response"
    finally:
        log = stop_server(server)
    assert "Traceback" not in log and "internal error" not in log, log


def test_a_stall_after_a_response_is_disconnected_too(limited):
    with socket.create_connection((limited.host, limited.port)) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        assert read_response(sock)[0] == 200
        sock.sendall(b"GET /heal")  # a second request begun and never finished: keep-alive no longer applies
        assert closed_by_server(sock, 30)


def test_a_slow_upload_is_left_to_the_body_timeout(limited):
    """The header timeout applies until the headers are complete; after that the body has its own timeout."""
    body = EXAMPLE.read_bytes()
    with socket.create_connection((limited.host, limited.port)) as sock:
        sock.sendall(b"POST /v1/lint HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n" + f"Content-Length: {len(body)}\r\n\r\n".encode())
        for start in range(0, len(body), len(body) // 4 + 1):  # slower than the header timeout in all
            time.sleep(HEADER_TIMEOUT * 0.4)
            sock.sendall(body[start:start + len(body) // 4 + 1])
        status, _, answer = read_response(sock, 30)
    assert status == 200 and json.loads(answer)["ok"] is True


# -- issue 12 item 11: /metrics adds up every worker ------------------------------------------------------


def scrape_from_each_worker(server: Server) -> dict[str, dict[str, float]]:
    """Samples by the pid of the worker that answered, from 16 connections opened at once (they spread over the workers)."""
    connections = [server.connection() for _ in range(16)]
    answers: dict[str, dict[str, float]] = {}
    try:
        for conn in connections:
            conn.connect()
        for conn in connections:
            conn.request("GET", "/metrics")
            samples = parse_prometheus(conn.getresponse().read().decode())[1]
            pid = next(re.search(r'pid="(\d+)"', name).group(1) for name in samples if name.startswith("sdelint_worker_info"))
            answers[pid] = samples
    finally:
        for conn in connections:
            conn.close()
    return answers


def test_every_worker_answers_metrics_for_all_workers(tmp_path):
    lint_ok = 'sdelint_http_requests_total{endpoint="/v1/lint",method="POST",status="200"}'
    duration = 'sdelint_http_request_duration_seconds_count{endpoint="/v1/lint"}'
    requests = 40
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    server = start_server(tmp_path, "--workers", "2", "--no-access-log", env={"TMPDIR": str(temporary)})
    try:
        assert [p.name.startswith("sdelint-metrics-") for p in temporary.iterdir()] == [True]  # the workers' metric files
        with ThreadPoolExecutor(8) as pool:  # fresh connections: the kernel spreads them over both workers
            statuses = list(pool.map(lambda _: server.lint(EXAMPLE.read_bytes(), headers=JSON_TYPE)[0], range(requests)))
        assert statuses == [200] * requests
        seen: set[str] = set()
        for _ in range(5):
            for pid, samples in scrape_from_each_worker(server).items():
                seen.add(pid)
                assert samples[lint_ok] == requests and samples[duration] == requests, pid
                assert samples['sdelint_lint_requests_total{verdict="ok"}'] == requests
                assert samples["sdelint_ready"] == 1
        assert len(seen) == 2, "both workers answered scrapes, and each gave the total"
        # a dead worker's counts stay in the total (counters must not go down), and the new worker joins in
        victim = int(sorted(seen)[0])
        os.kill(victim, signal.SIGKILL)
        answers = wait_until(
            lambda: scrape_from_each_worker(server),
            lambda found: len(found) == 2 and str(victim) not in found and all(s["sdelint_ready"] == 1 for s in found.values()),
        ) or {}
        assert len(answers) == 2 and str(victim) not in answers, answers.keys()
        assert all(samples[lint_ok] == requests for samples in answers.values())
    finally:
        log = stop_server(server)
    assert "Traceback" not in log, log
    assert not list(temporary.iterdir()), "the metrics directory is removed at exit"


def test_a_single_worker_counts_on_its_own(limited):
    before = metric_samples(limited)
    limited.lint(EXAMPLE.read_bytes())
    after = metric_samples(limited)
    label = 'sdelint_http_requests_total{endpoint="/v1/lint",method="POST",status="200"}'
    assert after[label] == before.get(label, 0) + 1


def test_key_lengths_are_measured_by_the_parser_and_a_long_key_is_found_in_any_line(limited):
    """The parser measures every key as it makes each object: a document is walked only to say where a long key is."""
    from validator.load import parse_text

    short, long = parse_text("x", '{"a": {"bb": [{"ccc": 1}]}}', key_limit=3), parse_text("x", '{"a": [{"dddd": 1}]}', key_limit=3)
    assert (short.keys_within, long.keys_within) == (3, None)
    assert parse_text("x", '{"dddd": 1}').keys_within is None  # not measured unless asked
    lines = b"\n".join([key_body(10), key_body(65, "\\"), key_body(10)])
    status, _, body = limited.lint(lines, headers=NDJSON_TYPE)
    assert_limit((status, None, body), "key-length", "--max-key-length", "SDELINT_SERVE_MAX_KEY_LENGTH", 64)
    assert "/events/0/cartStatus/products/0" in body["error"]


def test_sdelint_serve_reads_every_setting_from_its_variable(tmp_path):
    """SDELINT_SERVE_MAX_BODY_BYTES worked under uvicorn but not under `sdelint serve`, whose option default won,
    though its 422 told users to set it (an audit). The body, thread and timeout options read their variables too."""
    config = tmp_path / "served.yaml"
    config.write_text("rules:\n  numeric-string: error\n", encoding="utf-8")
    env = {"SDELINT_SERVE_MAX_BODY_BYTES": "1K", "SDELINT_SERVE_HEADER_TIMEOUT": "1", "SDELINT_SERVE_BODY_TIMEOUT": "1",
           "SDELINT_SERVE_THREADS": "2", "SDELINT_SERVE_KEEP_ALIVE_TIMEOUT": "1", "SDELINT_SERVE_CONFIG": str(config)}
    server = start_server(tmp_path, env=env)
    try:
        status, _, answer = server.lint(EXAMPLE.read_bytes())
        assert status == 413 and "over the limit of 1024 bytes" in answer["error"]
        _, _, rules = server.json("GET", "/v1/rules/numeric-string")
        assert rules["severity"] == "error"  # SDELINT_SERVE_CONFIG was overwritten by the discovered configuration (a review)
        assert server.lint(b'{"sdeType": "LEAD"}')[0] == 200
        with socket.create_connection((server.host, server.port), timeout=30) as sock:
            assert closed_by_server(sock, timeout=6)  # the header timeout of 1 s, not the default 10 s
    finally:
        log = stop_server(server)
    assert "Traceback" not in log, log
