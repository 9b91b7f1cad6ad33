#!/usr/bin/env python3
"""Benchmark sdelint against a bare JSON parse and check-jsonschema on the generated corpus.

Every measurement is a fresh subprocess. Tools run round-robin (the order rotates each round) for
--repeat rounds after --warmup unrecorded rounds; the report gives per-tool medians and, for the
ratios, the median of the per-round ratios (both tools of a pair ran seconds apart, which cancels
most of the drift on a shared machine) next to the ratio of the medians. Results go to stdout as
Markdown and to benchmarks/results.json. Stdlib only; tools that are not there are skipped.
"""
import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # keep benchmarks/ free of __pycache__

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# (numerator, denominator, comparison, target): the ratios the project tracks.
RATIOS = [("sdelint-big", "bare-parse", "<=", 1.75),
          ("check-jsonschema-big", "sdelint-big", ">=", 10.0),
          ("sdelint-small-1", "check-jsonschema-small-1", "<=", 0.5),
          ("sdelint-small-200", "check-jsonschema-small-200", "<=", 0.2),
          ("sdelint-big", "sdelint-big-schema-only", "<=", 1.5),
          ("sdelint-jobs-1", "sdelint-jobs-2", ">=", 1.6),
          ("sdelint-findings", "bare-parse-findings", "<=", 3.0)]
# --select for "schema validation alone": every input and schema rule, no semantic rule
SCHEMA_RULES = "syntax-error,encoding-error,duplicate-key,too-deep,unrecognized-document,read-error," \
               "missing-field,unknown-field,wrong-type,bad-value,unknown-sde-type,v1-alphanumeric"


def venv_bin(name):
    """The venv's console script if present, else one on PATH, else None."""
    path = REPO / ".venv" / "bin" / name
    return str(path) if path.exists() else shutil.which(name)


def capture(argv):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, cwd=REPO, timeout=60)
        return (p.stdout or p.stderr).strip().splitlines()[0] if p.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, IndexError):
        return None


def find_sdelint(python):
    """Command prefix for sdelint, or (None, reason)."""
    script = venv_bin("sdelint")
    if script:
        return [script], None
    probe = "import importlib.util as u, sys; sys.exit(u.find_spec('validator.__main__') is None)"
    if subprocess.run([python, "-c", probe], cwd=REPO, capture_output=True).returncode == 0:
        return [python, "-m", "validator"], None
    return None, "no `sdelint` console script and no importable validator/__main__.py (run `pip install -e .`?)"


def measure(argv, timeout):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    try:
        p = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=timeout)
        rc, out = p.returncode, (p.stdout + p.stderr).strip()
    except subprocess.TimeoutExpired:
        rc, out = "timeout", f"killed after {timeout}s"
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, rc, out[-500:]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=HERE / "corpus")
    ap.add_argument("--schemas", type=Path, default=REPO / "schemas", help="directory holding common/response.json")
    ap.add_argument("--api-version", default="v2")
    ap.add_argument("--repeat", type=int, default=7, help="recorded rounds (default 7)")
    ap.add_argument("--warmup", type=int, default=1, help="unrecorded rounds first (default 1)")
    ap.add_argument("--only", help="comma-separated tool names to run (default: all)")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per measurement")
    ap.add_argument("--results", type=Path, default=HERE / "results.json")
    a = ap.parse_args(argv)

    big, small = a.corpus / "big.json", sorted(a.corpus.glob("small/record-*.json"))
    if not big.exists() or not small:
        sys.exit(f"no corpus in {a.corpus}: run `python benchmarks/make_corpus.py` first")
    big, small = str(big), [str(p) for p in small]
    venv_python = REPO / ".venv" / "bin" / "python"
    python = str(venv_python) if venv_python.exists() else sys.executable

    bare = [python, "-c", "import json,sys; json.load(open(sys.argv[1],'rb'))"]
    tools, skipped = {"bare-parse": bare + [big]}, {}
    heavy = a.corpus / "findings.json"
    if heavy.exists():
        tools["bare-parse-findings"] = bare + [str(heavy)]
    else:
        skipped["bare-parse-findings"] = skipped["sdelint-findings"] = f"no {heavy} (an older corpus: rerun make_corpus.py)"
    sdelint, why = find_sdelint(python)
    jobs_dir = a.corpus / "jobs"
    if sdelint:
        # a regular `pip install` byte-compiles the package; an editable one may not (PYTHONDONTWRITEBYTECODE)
        subprocess.run([python, "-m", "compileall", "-q", str(REPO / "validator")], cwd=REPO,
                       env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""}, capture_output=True)
        check = sdelint + ["check", "--api-version", a.api_version, "-q"]
        tools.update({"sdelint-big": check + [big], "sdelint-big-schema-only": check + ["--select", SCHEMA_RULES, big],
                      "sdelint-small-1": check + small[:1], "sdelint-small-200": check + small})
        if jobs_dir.is_dir():
            tools.update({"sdelint-jobs-1": check + ["--jobs", "1", str(jobs_dir)],
                          "sdelint-jobs-2": check + ["--jobs", "2", str(jobs_dir)]})
        if heavy.exists():
            # every finding written as a user would keep them: --format json to a file (atomically, as -o does);
            # --min-severity info, as the default (warning) would count the 137,693 info findings without writing them
            tools["sdelint-findings"] = sdelint + ["check", "--api-version", a.api_version, "--min-severity", "info", "--format", "json",
                                                   "-o", str(a.corpus / "findings-report.json"), str(heavy)]
    else:
        skipped.update(dict.fromkeys(["sdelint-big", "sdelint-big-schema-only", "sdelint-small-1", "sdelint-small-200",
                                      "sdelint-jobs-1", "sdelint-jobs-2", "sdelint-findings"], why))
    cjs, root = venv_bin("check-jsonschema"), a.schemas / "common" / "response.json"
    cjs_names = ["check-jsonschema-big", "check-jsonschema-small-1", "check-jsonschema-small-200"]
    if not cjs:
        skipped.update(dict.fromkeys(cjs_names, "check-jsonschema is not installed"))
    elif not sdelint:
        skipped.update(dict.fromkeys(cjs_names, "the bundled schema comes from `sdelint schema --bundle`"))
    elif not root.exists():
        skipped.update(dict.fromkeys(cjs_names, f"{root} does not exist yet (use --schemas DIR)"))
    else:
        # the same schemas, made self-contained by sdelint itself (check-jsonschema cannot resolve their $ids)
        bundled = a.corpus / f"schema-{a.api_version}.bundle.json"
        bundle_text = subprocess.run(sdelint + ["schema", "--bundle", "--api-version", a.api_version, "response"],
                                     cwd=REPO, capture_output=True, text=True, check=True).stdout
        bundled.write_text(bundle_text, encoding="utf-8")
        bundled = str(bundled)
        cmd = [cjs, "--schemafile", bundled]
        tools.update({"check-jsonschema-big": cmd + [big], "check-jsonschema-small-1": cmd + small[:1],
                      "check-jsonschema-small-200": cmd + small})
    if a.only:
        wanted = set(a.only.split(","))
        tools = {k: v for k, v in tools.items() if k in wanted}
    if not tools:
        sys.exit("nothing to run")
    for name, reason in skipped.items():
        print(f"skipping {name}: {reason}", file=sys.stderr)

    machine = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
               "nproc": os.cpu_count(), "usable_cpus": len(os.sched_getaffinity(0)),
               "platform": platform.platform(), "python": capture([python, "-V"]),
               "sdelint": capture(sdelint + ["--version"]) if sdelint else None,
               "check-jsonschema": capture([cjs, "--version"]) if cjs else None,
               "loadavg_before": os.getloadavg(),
               "corpus": {"big.json bytes": os.path.getsize(big), "small files": len(small),
                          "small bytes": sum(map(os.path.getsize, small))}}

    names = list(tools)
    runs = {n: [] for n in names}
    for rnd in range(-a.warmup, a.repeat):
        order = names[rnd % len(names):] + names[:rnd % len(names)]
        label = f"warm-up {rnd + a.warmup + 1}/{a.warmup}" if rnd < 0 else f"round {rnd + 1}/{a.repeat}"
        print(f"{label}: " + " ".join(order), file=sys.stderr, flush=True)
        for name in order:
            wall, cpu, rc, out = measure(tools[name], a.timeout)
            if rc != 0:
                print(f"  warning: {name} exited {rc} (expected 0 on the clean corpus): {out[-300:]}", file=sys.stderr)
            if rnd >= 0:
                runs[name].append({"wall": wall, "cpu": cpu, "rc": rc})
    machine["loadavg_after"] = os.getloadavg()

    # Only runs that exited 0 count: on the clean corpus anything else is a crash or a bug, not a timing.
    ok = {n: [r for r in rs if r["rc"] == 0] for n, rs in runs.items()}
    summary = {n: {"median_s": statistics.median(r["wall"] for r in rs), "min_s": min(r["wall"] for r in rs),
                   "max_s": max(r["wall"] for r in rs), "median_cpu_s": statistics.median(r["cpu"] for r in rs),
                   "ok_runs": len(rs), "runs": len(runs[n]), "exit_codes": sorted({str(r["rc"]) for r in runs[n]}),
                   "argv": tools[n]}
               for n, rs in ok.items() if rs}
    failed = [n for n, rs in ok.items() if runs[n] and not rs]
    ratios = []
    for num, den, op, target in RATIOS:
        row = {"ratio": f"{num} / {den}", "target": f"{op} {target}" if op else None}
        if num in summary and den in summary:
            pairs = [(x, y) for x, y in zip(runs[num], runs[den], strict=False) if x["rc"] == y["rc"] == 0]
            row["rounds"] = len(pairs)
            row["median_of_round_ratios"] = value = (
                statistics.median(x["wall"] / y["wall"] for x, y in pairs) if pairs else None)
            row["cpu_median_of_round_ratios"] = (
                statistics.median(x["cpu"] / y["cpu"] for x, y in pairs) if pairs else None)
            row["ratio_of_medians"] = summary[num]["median_s"] / summary[den]["median_s"]
            row["met"] = None if not op or value is None else (value <= target if op == "<=" else value >= target)
        else:
            row["missing"] = [n for n in (num, den) if n not in summary]
        ratios.append(row)

    print(f"\n## sdelint benchmark ({machine['date']})\n")
    print(f"nproc {machine['nproc']} (usable {machine['usable_cpus']}), {machine['platform']}, {machine['python']}, "
          f"sdelint: {machine['sdelint'] or 'n/a'}, check-jsonschema: {machine['check-jsonschema'] or 'n/a'}; "
          f"loadavg {machine['loadavg_before'][0]:.2f} -> {machine['loadavg_after'][0]:.2f}; "
          f"{a.repeat} rounds + {a.warmup} warm-up; big.json {machine['corpus']['big.json bytes'] / 1e6:.1f} MB, "
          f"{len(small)} small files\n")
    base = summary.get("bare-parse", {}).get("median_s")
    print("| tool | median s | min s | max s | median CPU s | x bare-parse | ok runs | exit codes |\n"
          "|---|---:|---:|---:|---:|---:|---:|---|")
    for n, s in summary.items():
        rel = f"{s['median_s'] / base:.2f}" if base else "n/a"
        print(f"| {n} | {s['median_s']:.3f} | {s['min_s']:.3f} | {s['max_s']:.3f} | {s['median_cpu_s']:.3f} | {rel} "
              f"| {s['ok_runs']}/{s['runs']} | {','.join(s['exit_codes'])} |")
    for n in failed:
        print(f"| {n} | failed: no run exited 0 | | | | | 0/{len(runs[n])} | {','.join(sorted({str(r['rc']) for r in runs[n]}))} |")
    for n, reason in skipped.items():
        print(f"| {n} | skipped: {reason} | | | | | | |")
    print("\n| ratio | median of per-round ratios | ratio of medians | CPU-time ratio | rounds | target | met |\n"
          "|---|---:|---:|---:|---:|---|---|")
    for r in ratios:
        if "missing" in r:
            print(f"| {r['ratio']} | n/a (not measured: {', '.join(r['missing'])}) | | | | {r['target'] or ''} | |")
        else:
            met = "" if r["met"] is None else ("yes" if r["met"] else "**NO**")
            wall, cpu = (("n/a" if r[k] is None else f"{r[k]:.3f}")
                         for k in ("median_of_round_ratios", "cpu_median_of_round_ratios"))
            print(f"| {r['ratio']} | {wall} | {r['ratio_of_medians']:.3f} | {cpu} | {r['rounds']} "
                  f"| {r['target'] or ''} | {met} |")

    result = {"machine": machine, "repeat": a.repeat, "warmup": a.warmup, "tools": summary, "ratios": ratios,
              "failed": failed, "skipped": skipped, "runs": runs}
    tmp = a.results.with_name(a.results.name + ".tmp")
    tmp.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, a.results)
    print(f"\nwrote {a.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
