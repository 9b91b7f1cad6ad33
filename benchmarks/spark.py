#!/usr/bin/env python3
"""validator.spark on a local[2] session against ``sdelint check --jobs 2``, on the benchmark corpus.

Inputs (from make_corpus.py): ``jobs/`` (2,000 one-record responses) and ``big.json`` (one
response of about 32 MB). Each measurement runs once: a Spark job takes seconds, and on a shared
machine the ratios, not the absolute times, are what to read. Spark's numbers are wall time on
the driver with the session already started (its start is reported apart), the findings written
to Spark's ``noop`` sink so that every file is linted and nothing else is done. Spark runs each
input twice: the first run starts the Python workers and compiles the linter, the second finds
them ready. Spark's own per-file cost is measured by the same read with a mapInArrow function
that lints nothing. Needs ``pip install '.[spark]'`` and Java 17.

    python benchmarks/make_corpus.py --small 0 --findings-records 0 && python benchmarks/spark.py
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

sys.dont_write_bytecode = True  # keep benchmarks/ free of __pycache__

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def cli_seconds(*args: str) -> float:
    """Wall time of one ``sdelint check`` run (a fresh process, as a user runs it)."""
    argv = [sys.executable, "-m", "validator", "check", "--format", "json", "--exit-zero", *args]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    start = time.perf_counter()
    subprocess.run(argv, cwd=REPO, env=env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def lint_nothing(batches: Iterable[Any]) -> Iterator[Any]:
    """A mapInArrow function that reads each batch and returns no finding: Spark's cost without sdelint's."""
    import pyarrow as pa

    for batch in batches:
        yield pa.RecordBatch.from_arrays([batch.column(0).slice(0, 0)], names=["path"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=HERE / "corpus")
    ap.add_argument("--out", type=Path, default=HERE / "results-spark.json")
    args = ap.parse_args()
    small, big = args.corpus / "jobs", args.corpus / "big.json"
    if not small.is_dir() or not big.is_file():
        sys.exit(f"no corpus in {args.corpus}: run benchmarks/make_corpus.py first")
    files = len(list(small.glob("*.json")))

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    sys.path.insert(0, str(REPO))
    from validator.spark import lint_files, local_session

    results: dict[str, float] = {}
    results["cli-small-jobs-2"] = cli_seconds("--jobs", "2", str(small))
    results["cli-big-jobs-2"] = cli_seconds("--jobs", "2", str(big))

    start = time.perf_counter()
    spark = local_session("sdelint-benchmark")
    spark.sparkContext.setLogLevel("ERROR")
    results["spark-session-start"] = time.perf_counter() - start

    def run(path: Path) -> Callable[[], None]:
        return lambda: lint_files(spark, str(path)).write.format("noop").mode("overwrite").save()

    results["spark-small-first"] = timed(run(small))
    results["spark-small"] = timed(run(small))
    results["spark-big-first"] = timed(run(big))
    results["spark-big"] = timed(run(big))
    bare = spark.read.format("binaryFile").option("pathGlobFilter", "*.json").load(str(small)).select("path", "content")
    results["spark-small-read-only"] = timed(lambda: bare.mapInArrow(lint_nothing, "path STRING").write.format("noop").mode("overwrite").save())
    partitions = bare.rdd.getNumPartitions()
    spark.stop()

    derived = {
        "files": files,
        "partitions-small": partitions,
        "throughput-ratio-small (cli / spark)": results["cli-small-jobs-2"] / results["spark-small"],
        "throughput-ratio-big (cli / spark)": results["cli-big-jobs-2"] / results["spark-big"],
        "spark-ms-per-file": 1000 * results["spark-small"] / files,
        "cli-ms-per-file": 1000 * results["cli-small-jobs-2"] / files,
        "spark-overhead-ms-per-file (read-only run)": 1000 * results["spark-small-read-only"] / files,
        "spark-overhead-ms-per-file (spark minus cli)": 1000 * (results["spark-small"] - results["cli-small-jobs-2"]) / files,
    }
    seconds = {name: round(value, 3) for name, value in results.items()}
    rounded = {name: round(value, 3) if isinstance(value, float) else value for name, value in derived.items()}
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "load-average-at-end": os.getloadavg()}
    args.out.write_text(json.dumps({"machine": machine, "seconds": seconds, "derived": rounded}, indent=2) + "\n")
    print("| measurement | seconds |\n|---|---|")
    for name, value in seconds.items():
        print(f"| {name} | {value} |")
    print("\n| derived | value |\n|---|---|")
    for name, number in rounded.items():
        print(f"| {name} | {number} |")


if __name__ == "__main__":
    main()
