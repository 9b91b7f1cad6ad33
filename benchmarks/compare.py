#!/usr/bin/env python3
"""Two commits of sdelint on the same inputs, interleaved (not a CI test).

On a shared machine one run's figures move by 10 to 20%, more than most changes do. Comparing
a change with what came before is only fair when both run in the same minutes: each round runs
a bare ``json.load`` of the input, the base commit and the new one, in turn, and the ratios are
taken per round. The base commit is checked out into a temporary git worktree and imported from
there by this repository's virtualenv (past its editable install), so both use the same
interpreter and dependencies.

    python benchmarks/compare.py df2ea85                        # df2ea85 against the working tree
    python benchmarks/compare.py df2ea85 --rounds 7 --input benchmarks/corpus/big.json -- -q

Arguments after ``--`` replace the check options (default: the findings-heavy case's
``--min-severity info --format json -o <temporary file>``). Reports of the two sides are compared
byte for byte when both write one with ``-o``.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# imports sdelint from the directory given first, whatever the virtualenv's editable install points at
LAUNCHER = """
import sys
sys.meta_path = [finder for finder in sys.meta_path if "editable" not in repr(finder).lower()]
sys.path.insert(0, sys.argv.pop(1))
sys.argv[0] = "sdelint"
from validator.cli import run
run()
"""


# The bare side: json.load of the input, or of each JSON file under a folder (a folder of small files); JSON Lines
# line by line. Other files (YAML, gzip) have no bare JSON parse to compare with: a folder of them is not measured here.
BARE_PARSE = """
import json, pathlib, sys
top = pathlib.Path(sys.argv[1])
paths = sorted(p for p in top.rglob("*") if p.is_file() and p.suffix.lower() in (".json", ".jsonl", ".ndjson")) if top.is_dir() else [top]
for path in paths:
    if path.suffix.lower() == ".json":
        json.load(open(path, "rb"))
    else:
        for line in open(path, "rb"):
            if line.strip():
                json.loads(line)
"""


def timed(argv: list[str]) -> tuple[float, float, int]:
    """(wall s, CPU s of the process and its children, exit code)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    code = subprocess.run(argv, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False).returncode
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="the commit to compare with (any git revision)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--input", type=Path, action="append", help="an input (repeatable); default: the corpus' findings.json and big.json")
    parser.epilog = "Arguments after -- are options for `sdelint check`, instead of the findings-heavy case's."
    argv = list(sys.argv[1:] if argv is None else argv)
    check_options = argv[argv.index("--") + 1:] if "--" in argv else []
    a = parser.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    inputs = a.input or [HERE / "corpus" / "findings.json", HERE / "corpus" / "big.json"]
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        print(f"missing input(s): {', '.join(missing)} (run benchmarks/make_corpus.py)", file=sys.stderr)
        return 2
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="sdelint-compare-") as scratch:
        tree = Path(scratch) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(tree), a.base], cwd=REPO, check=True)
        try:
            launcher = Path(scratch) / "launch.py"
            launcher.write_text(LAUNCHER, encoding="utf-8")
            sides = {"base": tree, "new": REPO}
            for root in sides.values():  # a first run must not pay for byte-compiling
                subprocess.run([python, "-m", "compileall", "-q", str(root / "validator")], env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""},
                               stdout=subprocess.DEVNULL, check=False)
            rows: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
            for round_number in range(1, a.rounds + 1):
                print(f"round {round_number}/{a.rounds}", file=sys.stderr)
                for path in inputs:
                    rows.setdefault(("bare", path.name), []).append(timed([python, "-c", BARE_PARSE, str(path)]))
                    for side, root in sides.items():
                        report = Path(scratch) / f"{side}-{path.name}.report"
                        options = check_options or ["--min-severity", "info", "--format", "json", "-o", str(report)]
                        rows.setdefault((side, path.name), []).append(timed([python, str(launcher), str(root), "check", *options, str(path)]))
            print(f"\n{a.rounds} rounds, {os.cpu_count()} CPUs, load average now {os.getloadavg()[0]:.2f}; base {a.base} against the working tree\n")
            print("| input | side | median wall s | median CPU s | median of per-round wall ratios to bare parse | exit codes |")
            print("|---|---|---:|---:|---:|---|")
            for path in inputs:
                bare = rows["bare", path.name]
                for side in ("bare", "base", "new"):
                    runs = rows[side, path.name]
                    ratio = statistics.median(run[0] / b[0] for run, b in zip(runs, bare, strict=True))
                    print(f"| {path.name} | {side} | {statistics.median(r[0] for r in runs):.3f} | {statistics.median(r[1] for r in runs):.3f} "
                          f"| {ratio:.2f} | {','.join(sorted({str(r[2]) for r in runs}))} |")
            print()
            for path in inputs:
                base_report, new_report = (Path(scratch) / f"{side}-{path.name}.report" for side in ("base", "new"))
                if base_report.exists() and new_report.exists():
                    same = filecmp.cmp(base_report, new_report, shallow=False)
                    print(f"{path.name}: the two reports are {'byte for byte the same' if same else 'DIFFERENT'}")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=REPO, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
