"""Dask cluster against local processes: many small files, one big response, and the per-task overhead.

Run from the repository root with the dask extra installed (``pip install -e '.[dask]'``):

    python benchmarks/cluster.py [--files 2000] [--big-mb 32] [--repeat 1]

It writes its inputs to a temporary folder, starts a ``distributed.LocalCluster`` with two
worker processes (one thread each), and times ``sdelint check`` as a user runs it (a subprocess,
start-up included) with ``--jobs 2`` and with ``--cluster``. Prints a Markdown table and writes
``benchmarks/results-cluster.json``. The ratios are what matters on a shared machine.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
EXAMPLE = REPO / "examples" / "conversation-response.json"
sys.path.insert(0, str(REPO))  # the scheduler runs here and unpickles sdelint's tasks: this checkout's


def make_inputs(folder: Path, files: int, big_mb: int) -> tuple[Path, Path]:
    """``files`` one-record responses, and one response of about ``big_mb`` MB (the example's record repeated)."""
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    small = folder / "small"
    small.mkdir()
    for number in range(files):
        doc = copy.deepcopy(example)
        doc["conversationHistoryRecords"][0]["info"]["conversationId"] = f"conv-{number}"
        (small / f"record-{number:04}.json").write_text(json.dumps(doc, indent="\t"))
    record = json.dumps(example["conversationHistoryRecords"][0], indent="\t")
    count = big_mb * (1 << 20) // len(record) + 1
    big = folder / "big.json"
    big.write_text('{"_metadata": ' + json.dumps(example["_metadata"]) + ', "conversationHistoryRecords": [' + ",\n".join([record] * count) + "]}")
    return small, big


def timed(args: list[str], repeat: int) -> float:
    """The best wall time of ``sdelint check ARGS`` over ``repeat`` runs (exit 0 or 1 expected)."""
    best = float("inf")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    for _ in range(repeat):
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "validator", "check", "-q", *args], capture_output=True, env=env)
        elapsed = time.perf_counter() - started
        if run.returncode not in (0, 1):
            raise SystemExit(f"sdelint check {' '.join(args)} failed: {run.stderr.decode()[-500:]}")
        best = min(best, elapsed)
    return best


def task_overhead(address: str, tasks: int = 400) -> float:
    """Seconds per round trip of an empty task through the scheduler (submit, run, gather)."""
    from distributed import Client, wait

    with Client(address) as client:
        client.submit(len, [], pure=False).result()
        started = time.perf_counter()
        wait([client.submit(len, [number], pure=False) for number in range(tasks)])
        return (time.perf_counter() - started) / tasks


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--big-mb", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement, the best kept (default 1: the machine is shared)")
    parser.add_argument("--results", type=Path, default=HERE / "results-cluster.json")
    options = parser.parse_args(argv)
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory() as scratch, LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        small, big = make_inputs(Path(scratch), options.files, options.big_mb)
        address = cluster.scheduler_address
        timed(["--cluster", address, str(small)], 1)  # warm: the workers import and compile once
        rows = {
            f"{options.files} one-record files, --jobs 2": timed(["--jobs", "2", str(small)], options.repeat),
            f"{options.files} one-record files, --cluster (2 workers)": timed(["--cluster", address, str(small)], options.repeat),
            f"{big.stat().st_size >> 20} MB response, --jobs 2 (local split)": timed(["--jobs", "2", str(big)], options.repeat),
            f"{big.stat().st_size >> 20} MB response, --cluster (split in its worker)": timed(["--cluster", address, str(big)], options.repeat),
        }
        overhead = task_overhead(address)
    names = list(rows)
    ratios = {"small files (jobs 2 time / cluster time)": rows[names[0]] / rows[names[1]], "big response (local / cluster)": rows[names[2]] / rows[names[3]]}
    print("| run | seconds |\n|---|---|")
    for name, seconds in rows.items():
        print(f"| {name} | {seconds:.2f} |")
    for name, ratio in ratios.items():
        print(f"| throughput ratio, {name} | {ratio:.2f}x |")
    print(f"| per-task overhead (empty task round trip) | {overhead * 1000:.2f} ms |")
    print(f"\nload average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    measured = {"seconds": rows, "ratios": ratios, "task_overhead_ms": overhead * 1000, "load": os.getloadavg()[0]}
    options.results.write_text(json.dumps(measured, indent=2) + "\n")


if __name__ == "__main__":
    main()
