"""Counters and a latency histogram for ``/metrics`` (Prometheus text format 0.0.4), kept by prometheus_client.

With ``--workers N`` the command points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh directory before the
workers start (see ``multiprocess_directory``): each worker then writes its counts to memory-mapped
files there, and a scrape, whichever worker answers it, adds up every worker's files, the dead ones'
included, so that counters never go down and Prometheus' ``rate()`` holds. ``sdelint_worker_info`` and
the ``process_*`` figures stay those of the worker that answered. Without that variable (one worker, or
the application under another ASGI server) the counts are this process's own.
"""

from __future__ import annotations

import os
import shutil
import struct
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import prometheus_client
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
# Seconds; a lint of the specification's example takes a few milliseconds.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LINT_PLACES = ("event_loop", "thread")
REFUSED = "sdelint.refused"  # scope key: the status the protocol answered a request with while the application read its body
MALFORMED = "<malformed>"  # the endpoint label of requests refused before a head was complete or parsed (400, 431)
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})

# The *_created series would double every counter's lines, and the multiprocess mode has none anyway.
prometheus_client.disable_created_metrics()


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROCESS_ENV))


_DIRECTORY_PREFIX = "sdelint-metrics-"


def _remove_orphaned_directories() -> None:
    """Remove the metric directories of supervisors that are gone (SIGKILL, a power cut: no exit removed them): each is
    named after its supervisor's process id. Only this user's; a live process of that id (one reused) keeps its own."""
    if not hasattr(os, "getuid"):  # no owner to tell by (Windows, where --workers does not fork either)
        return
    for path in Path(tempfile.gettempdir()).glob(f"{_DIRECTORY_PREFIX}*-*"):
        pid = path.name[len(_DIRECTORY_PREFIX):].split("-", 1)[0]
        try:
            if not pid.isdigit() or path.lstat().st_uid != os.getuid() or not path.is_dir():
                continue
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except OSError:  # not ours to signal (alive), or gone meanwhile
            continue


@contextmanager
def multiprocess_directory() -> Iterator[str]:
    """A private directory for the workers' metric files, named in the environment the workers inherit; removed at exit."""
    _remove_orphaned_directories()
    directory = tempfile.mkdtemp(prefix=f"{_DIRECTORY_PREFIX}{os.getpid()}-")
    previous = os.environ.get(MULTIPROCESS_ENV)
    os.environ[MULTIPROCESS_ENV] = directory
    try:
        yield directory
    finally:
        if previous is None:
            os.environ.pop(MULTIPROCESS_ENV, None)
        else:
            os.environ[MULTIPROCESS_ENV] = previous
        shutil.rmtree(directory, ignore_errors=True)


def mark_worker_dead(pid: int) -> None:
    """Drop a dead worker's live gauges (``sdelint_ready``); its counters stay in the totals."""
    directory = os.environ.get(MULTIPROCESS_ENV)
    if directory:
        multiprocess.mark_process_dead(pid, directory)


class _WorkersFiles(Collector):
    """Every worker's metric files, read at each scrape, passing over the ones that are not ready to read.

    A worker that starts creates its files empty and sizes them a moment later, and the supervisor removes a dead
    worker's gauge files: a scrape that meets such a file at that moment would fail. It is left out, at most briefly."""

    def __init__(self, directory: str) -> None:
        self.directory = directory

    def collect(self) -> Iterable[Metric]:
        for _ in range(3):
            files = [str(path) for path in Path(self.directory).glob("*.db") if _sized(path)]
            try:
                return list(multiprocess.MultiProcessCollector.merge(files, accumulate=True))
            except (OSError, struct.error):  # changed between the listing and the reading: list again
                continue
        return []


def _sized(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


class _WorkerInfo(Collector):
    def collect(self) -> Iterable[Metric]:
        info = GaugeMetricFamily("sdelint_worker_info", "The process that answered this scrape.", labels=["pid"])
        info.add_metric([str(os.getpid())], 1)
        yield info


class Metrics:
    """One worker's instruments; thread-safe (prometheus_client locks each value)."""

    def __init__(self) -> None:
        shared = multiprocess_mode()
        # in multiprocess mode the values live in files, and the scrape reads those, not these objects
        own = None if shared else CollectorRegistry(auto_describe=True)
        self._requests = Counter(
            "sdelint_http_requests", "HTTP requests answered, by endpoint (route template), method and status.",
            ["endpoint", "method", "status"], registry=own,
        )
        self._latency = Histogram(
            "sdelint_http_request_duration_seconds", "Time from receiving a request to sending the last byte of its response.",
            ["endpoint"], buckets=BUCKETS, registry=own,
        )
        self._findings = Counter("sdelint_findings", "Findings reported by POST /v1/lint, by rule and severity.", ["rule", "severity"], registry=own)
        self._verdicts = Counter(
            "sdelint_lint_requests", "Bodies linted, by verdict (ok: no finding at or above fail_on).", ["verdict"], registry=own,
        )
        self._ready = Gauge(
            "sdelint_ready", "1 once the validators are compiled (with several workers: in every live worker).",
            registry=own, multiprocess_mode="livemin",
        )
        self._where = Counter(
            "sdelint_lint_runs", "Bodies linted, by where: on the event loop (small, cheap bodies) or in a lint thread.",
            ["where"], registry=own,
        )
        # every series exists from the start, at 0
        self._verdict_children = {verdict: self._verdicts.labels(verdict) for verdict in ("ok", "fail")}
        self._where_children = {where: self._where.labels(where) for where in LINT_PLACES}
        self._ready.set(0)
        self._ready_flag = False
        # children by label values: labels() validates its arguments on every call
        self._request_children: dict[tuple[str, str, int], Any] = {}
        self._latency_children: dict[str, Any] = {}
        self._findings_children: dict[tuple[str, str], Any] = {}
        self.registry: CollectorRegistry = own if own is not None else CollectorRegistry(auto_describe=True)
        if shared:
            self.registry.register(_WorkersFiles(os.environ[MULTIPROCESS_ENV]))
        ProcessCollector(registry=self.registry)
        self.registry.register(_WorkerInfo())

    @property
    def ready(self) -> bool:
        return self._ready_flag

    @ready.setter
    def ready(self, value: bool) -> None:
        self._ready_flag = value
        self._ready.set(1 if value else 0)

    def observe_request(self, endpoint: str, method: str, status: int, seconds: float) -> None:
        self._count_request(endpoint, method if method in KNOWN_METHODS else "other", status)
        latency = self._latency_children.get(endpoint)
        if latency is None:
            latency = self._latency_children[endpoint] = self._latency.labels(endpoint)
        latency.observe(seconds)

    def observe_refused(self, status: int) -> None:
        """A request the HTTP protocol answered itself (400 for malformed HTTP, 431 for an endless head): counted,
        not timed, as it never reached the application."""
        self._count_request(MALFORMED, "other", status)

    def _count_request(self, endpoint: str, method: str, status: int) -> None:
        key = (endpoint, method, status)
        counter = self._request_children.get(key)
        if counter is None:
            counter = self._request_children[key] = self._requests.labels(endpoint, method, str(status))
        counter.inc()

    def observe_lint(self, findings: list[tuple[str, str]], ok: bool, where: str) -> None:
        counts: dict[tuple[str, str], int] = {}
        for rule_and_severity in findings:
            counts[rule_and_severity] = counts.get(rule_and_severity, 0) + 1
        for key, count in counts.items():
            child = self._findings_children.get(key)
            if child is None:  # rules and severities come from the configuration: bounded
                child = self._findings_children[key] = self._findings.labels(*key)
            child.inc(count)
        self._verdict_children["ok" if ok else "fail"].inc()
        self._where_children[where].inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
