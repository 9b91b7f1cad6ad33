#!/usr/bin/env python3
"""Load benchmark of ``sdelint serve`` (not a CI test).

Starts the real server with 2 workers on a free loopback port, posts the
specification's example record to ``POST /v1/lint`` over keep-alive connections
for a while, and reports requests per second, p50/p99 latency, failed requests,
and the resident memory (VmRSS) of the server's processes sampled every few
seconds, to show that memory stays flat.

Load generator: ``wrk`` when it is installed (Debian/Ubuntu: ``sudo apt-get
install -y wrk``; macOS: ``brew install wrk``), else an asynchronous client
written here with the standard library (raw HTTP/1.1 keep-alive over asyncio
streams, one task per connection). The Python client needs a good share of a
core itself, so prefer wrk; either way the generator shares the machine with
the server, so give the figures with the core count and the load average.

Targets (issue 5): at least 1,000 requests/s, p99 under 50 ms, no failed
request, flat memory, with 2 workers on 2 cores.

Usage, from the repository root with the serve extra installed:

    python benchmarks/serve_load.py                    # 60 s, 8 connections, wrk if present
    python benchmarks/serve_load.py --duration 10 --tool python --connections 16
    python benchmarks/serve_load.py --payload response --json results-serve.json

Linux only for the memory figures (they come from /proc/<pid>/status).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "conversation-response.json"
TARGETS = {"rps": 1000.0, "p99_ms": 50.0}


# -- the server ----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int, threads: int, workdir: Path) -> subprocess.Popen:
    env = {**os.environ, "SDELINT_CACHE_DIR": str(workdir / "cache")}
    env.pop("SDELINT_TOKEN", None)
    command = [sys.executable, "-m", "validator", "serve", "--port", str(port), "--workers", str(workers),
               "--threads", str(threads), "--no-access-log", "--log-level", "warning"]
    with open(workdir / "server.log", "wb") as log:  # the server keeps its own copy of the descriptor
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=workdir, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}/readyz"
    deadline = time.monotonic() + 60
    ready = 0
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited:\n{(workdir / 'server.log').read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                ready += response.status == 200
        except OSError:
            pass
        if ready >= 2 * workers:  # several answers in a row: every worker has most likely warmed up
            return process
        time.sleep(0.1)
    stop_server(process)
    raise SystemExit("the server did not become ready in 60 s")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # uvicorn's supervisor stops its workers
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# -- memory --------------------------------------------------------------------------------------------


def descendants(pid: int) -> list[int]:
    """pid and every process below it (from /proc/<pid>/task/<tid>/children)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    pending.extend(int(child) for child in handle.read().split())
        except OSError:
            continue
    return found


def rss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return 0


class MemorySampler(threading.Thread):
    def __init__(self, pid: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, dict[int, int]]] = []
        self.stopped = threading.Event()
        self.started_at = time.monotonic()

    def sample(self) -> None:
        values = {p: r for p in descendants(self.pid) if (r := rss_kib(p))}
        self.samples.append((time.monotonic() - self.started_at, values))

    def run(self) -> None:
        self.sample()
        while not self.stopped.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self.stopped.set()
        self.join()
        self.sample()


# -- load generators -----------------------------------------------------------------------------------

WRK_SCRIPT = r"""
local f = assert(io.open(os.getenv("SDELINT_BENCH_BODY"), "rb"))
local body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'SDELINT_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %f, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def run_wrk(port: int, body_path: Path, duration: float, connections: int, workdir: Path) -> dict:
    script = workdir / "post.lua"
    script.write_text(WRK_SCRIPT)
    threads = max(1, min(2, connections))
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{int(round(duration))}s", "--timeout", "5s", "-s", str(script), f"http://127.0.0.1:{port}/v1/lint"]
    completed = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "SDELINT_BENCH_BODY": str(body_path)}, timeout=duration + 60)
    line = next((x for x in completed.stdout.splitlines() if x.startswith("SDELINT_RESULT ")), None)
    if completed.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    raw = json.loads(line[len("SDELINT_RESULT "):])
    failures = raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["status_errors"] + raw["timeouts"]
    seconds = raw["duration_us"] / 1e6
    return {
        "tool": f"wrk -t{threads} -c{connections}",
        "requests": raw["requests"],
        "seconds": seconds,
        "rps": raw["requests"] / seconds,
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "failed": failures,
        "failures": {k: raw[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")},
    }


async def _connection(port: int, request: bytes, deadline: float, latencies: list[float], failures: dict[str, int]) -> None:
    reader = writer = None
    while time.monotonic() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            status = int(head.split(b" ", 2)[1])
            length = 0
            close = False
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"connection" and value.strip().lower() == b"close":
                    close = True
            await asyncio.wait_for(reader.readexactly(length), 5)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                failures["status"] = failures.get("status", 0) + 1
            if close:
                writer.close()
                writer = None
        except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
            if writer is not None:
                writer.close()
            writer = None
    if writer is not None:
        writer.close()


def run_python(port: int, body: bytes, duration: float, connections: int) -> dict:
    request = (
        f"POST /v1/lint HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    ).encode() + body
    latencies: list[float] = []
    failures: dict[str, int] = {}

    async def main() -> float:
        started = time.monotonic()
        deadline = started + duration
        await asyncio.gather(*(_connection(port, request, deadline, latencies, failures) for _ in range(connections)))
        return time.monotonic() - started

    seconds = asyncio.run(main())
    ordered = sorted(latencies)

    def percentile(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000 if ordered else float("nan")

    return {
        "tool": f"asyncio client, {connections} connections",
        "requests": len(latencies),
        "seconds": seconds,
        "rps": len(latencies) / seconds,
        "p50_ms": percentile(50),
        "p90_ms": percentile(90),
        "p99_ms": percentile(99),
        "max_ms": ordered[-1] * 1000 if ordered else float("nan"),
        "failed": sum(failures.values()),
        "failures": failures,
    }


# -- the run -------------------------------------------------------------------------------------------


def payload(kind: str) -> bytes:
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    if kind == "record":
        document = document["conversationHistoryRecords"][0]
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


def check_answer(port: int, body: bytes) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/lint", data=body, headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        report = json.loads(response.read())
    if response.status != 200 or not report["findings"]:
        raise SystemExit(f"unexpected answer to the benchmark payload: {response.status} {report}")
    return len(report["findings"])


def memory_summary(samples: list[tuple[float, dict[int, int]]]) -> dict:
    totals = [(t, sum(values.values())) for t, values in samples]
    after_warmup = [total for t, total in totals if t >= min(10.0, totals[-1][0] / 2)] or [totals[-1][1]]
    return {
        "samples": [{"t": round(t, 1), "rss_kib": values} for t, values in samples],
        "total_first_kib": totals[0][1],
        "total_after_warmup_kib": after_warmup[0],
        "total_last_kib": totals[-1][1],
        "total_max_kib": max(total for _, total in totals),
        "drift_after_warmup_kib": totals[-1][1] - after_warmup[0],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent keep-alive connections (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=None, help="server --threads (lint jobs per worker; default: the server's)")
    parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto", help="load generator (default: wrk if installed)")
    parser.add_argument("--payload", choices=("record", "response"), default="record", help="the spec's example record (default) or the whole response")
    parser.add_argument("--sample-every", type=float, default=5.0, help="seconds between memory samples (default 5)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()

    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"
        if tool == "python":
            print("wrk not found (sudo apt-get install -y wrk): using the asyncio client", file=sys.stderr)
    elif tool == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: sudo apt-get install -y wrk (or brew install wrk), or use --tool python")

    body = payload(args.payload)
    with tempfile.TemporaryDirectory(prefix="sdelint-serve-bench-") as tmp:
        workdir = Path(tmp)
        body_path = workdir / "payload.json"
        body_path.write_bytes(body)
        port = free_port()
        threads = args.threads or 4
        process = start_server(port, args.workers, threads, workdir)
        try:
            findings = check_answer(port, body)
            sampler = MemorySampler(process.pid, args.sample_every)
            load_before = os.getloadavg()
            sampler.start()
            if tool == "wrk":
                result = run_wrk(port, body_path, args.duration, args.connections, workdir)
            else:
                result = run_python(port, body, args.duration, args.connections)
            sampler.stop()
            load_after = os.getloadavg()
            check_answer(port, body)  # still answering, and correctly
        finally:
            stop_server(process)

    memory = memory_summary(sampler.samples)
    report = {
        "payload": f"{args.payload} ({len(body)} bytes, {findings} findings per answer)",
        "workers": args.workers,
        "threads_per_worker": threads,
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "python": sys.version.split()[0],
        **result,
        "memory": memory,
    }
    met = {
        "rps": result["rps"] >= TARGETS["rps"],
        "p99": result["p99_ms"] < TARGETS["p99_ms"],
        "no failure": result["failed"] == 0,
        "flat memory": abs(memory["drift_after_warmup_kib"]) <= max(5 * 1024, memory["total_after_warmup_kib"] // 20),
    }
    report["targets_met"] = met

    print(f"sdelint serve: {args.workers} workers, {threads} lint threads each, {os.cpu_count()} CPUs, Python {report['python']}")
    print(f"payload: {report['payload']}; load generator: {result['tool']}; {result['seconds']:.1f} s")
    print(f"load average before/after: {report['load_average_before']} / {report['load_average_after']}")
    print(f"requests: {result['requests']}   requests/s: {result['rps']:.0f}   failed: {result['failed']} {result['failures'] or ''}")
    print(f"latency: p50 {result['p50_ms']:.1f} ms   p90 {result['p90_ms']:.1f} ms   p99 {result['p99_ms']:.1f} ms   max {result['max_ms']:.1f} ms")
    print("server RSS (MiB) by process, every sample:")
    pids = sorted({pid for sample in memory["samples"] for pid in sample["rss_kib"]})
    print("   t(s)  " + "  ".join(f"{pid:>8}" for pid in pids) + "     total")
    for sample in memory["samples"]:
        cells = "  ".join(f"{sample['rss_kib'].get(pid, 0) / 1024:8.1f}" for pid in pids)
        print(f"  {sample['t']:5.1f}  {cells}  {sum(sample['rss_kib'].values()) / 1024:8.1f}")
    print(f"memory drift after warm-up: {memory['drift_after_warmup_kib'] / 1024:+.1f} MiB")
    print("targets: " + ", ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in met.items()))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
