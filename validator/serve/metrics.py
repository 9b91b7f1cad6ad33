"""Counters and a latency histogram in the Prometheus text exposition format (version 0.0.4).

Hand-written, with no client library. The figures are per process: with
``--workers N`` each scrape of ``/metrics`` is answered by one worker and shows
that worker's counts (its ``pid`` is in ``sdelint_worker_info``). Sum over
workers by scraping each one, or run one worker per container.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Seconds; a lint of the specification's example takes a few milliseconds.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})


def escape_label(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(**labels: str) -> str:
    return "{" + ",".join(f'{name}="{escape_label(value)}"' for name, value in labels.items()) + "}"


def _number(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _resident_bytes() -> int | None:
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


class Metrics:
    """Thread-safe; updated by the event loop after each response and after each lint."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.started = time.time()
        self.requests: dict[tuple[str, str, str], int] = defaultdict(int)  # (endpoint, method, status)
        self.latency: dict[str, list[int]] = {}  # endpoint -> bucket counts (+Inf last)
        self.latency_sum: dict[str, float] = defaultdict(float)
        self.findings: dict[tuple[str, str], int] = defaultdict(int)  # (rule, severity)
        self.documents: dict[str, int] = defaultdict(int)  # verdict ok / fail -> lint requests
        self.ready = False

    def observe_request(self, endpoint: str, method: str, status: int, seconds: float) -> None:
        method = method if method in KNOWN_METHODS else "other"
        with self._lock:
            self.requests[(endpoint, method, str(status))] += 1
            counts = self.latency.get(endpoint)
            if counts is None:
                counts = self.latency[endpoint] = [0] * (len(BUCKETS) + 1)
            for index, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    counts[index] += 1
                    break
            else:
                counts[-1] += 1
            self.latency_sum[endpoint] += seconds

    def observe_lint(self, findings: list[tuple[str, str]], ok: bool) -> None:
        with self._lock:
            for rule, severity in findings:
                self.findings[(rule, severity)] += 1
            self.documents["ok" if ok else "fail"] += 1

    def render(self) -> str:
        with self._lock:
            requests = sorted(self.requests.items())
            latency = {k: list(v) for k, v in sorted(self.latency.items())}
            sums = dict(self.latency_sum)
            findings = sorted(self.findings.items())
            verdicts = dict(self.documents)
        out: list[str] = []

        def family(name: str, kind: str, help_text: str) -> None:
            out.append(f"# HELP {name} {help_text}")
            out.append(f"# TYPE {name} {kind}")

        family("sdelint_http_requests_total", "counter", "HTTP requests answered, by endpoint (route template), method and status.")
        for (endpoint, method, status), count in requests:
            out.append(f"sdelint_http_requests_total{_labels(endpoint=endpoint, method=method, status=status)} {count}")
        family("sdelint_http_request_duration_seconds", "histogram", "Time from receiving a request to sending the last byte of its response.")
        for endpoint, counts in latency.items():
            cumulative = 0
            for bound, count in zip((*BUCKETS, float("inf")), counts, strict=True):
                cumulative += count
                le = "+Inf" if bound == float("inf") else repr(bound)
                out.append(f"sdelint_http_request_duration_seconds_bucket{_labels(endpoint=endpoint, le=le)} {cumulative}")
            out.append(f"sdelint_http_request_duration_seconds_sum{_labels(endpoint=endpoint)} {_number(sums[endpoint])}")
            out.append(f"sdelint_http_request_duration_seconds_count{_labels(endpoint=endpoint)} {cumulative}")
        family("sdelint_findings_total", "counter", "Findings reported by POST /v1/lint, by rule and severity.")
        for (rule, severity), count in findings:
            out.append(f"sdelint_findings_total{_labels(rule=rule, severity=severity)} {count}")
        family("sdelint_lint_requests_total", "counter", "Bodies linted, by verdict (ok: no finding at or above fail_on).")
        for verdict in ("ok", "fail"):
            out.append(f"sdelint_lint_requests_total{_labels(verdict=verdict)} {verdicts.get(verdict, 0)}")
        family("sdelint_ready", "gauge", "1 once this worker's validators are compiled.")
        out.append(f"sdelint_ready {1 if self.ready else 0}")
        family("sdelint_worker_info", "gauge", "The process that answered this scrape (metrics are per worker process).")
        out.append(f"sdelint_worker_info{_labels(pid=str(os.getpid()))} 1")
        family("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds.")
        out.append(f"process_start_time_seconds {_number(round(self.started, 3))}")
        resident = _resident_bytes()
        if resident is not None:
            family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.")
            out.append(f"process_resident_memory_bytes {resident}")
        return "\n".join(out) + "\n"
