"""The parallel module: results in order, a dead worker retried once then named, no child outlives its parent."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, ROOT, sdelint_command
from validator.parallel import WorkerDied
from validator.parallel.local import Conversation, ForkPerTask, Peer, ProcessPool

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and relies on PR_SET_PDEATHSIG")


@dataclass(frozen=True)
class Job:
    number: int
    die_on: int = -1  # the worker running this number kills itself...
    marker: str = ""  # ...only while this file does not exist yet (then it creates it), if given

    @property
    def label(self) -> str:
        return f"job {self.number}"


def square(job: Job) -> int:
    if job.number == job.die_on and not (job.marker and os.path.exists(job.marker)):
        if job.marker:
            Path(job.marker).touch()
        os.kill(os.getpid(), signal.SIGKILL)
    if job.number < 0:
        raise ValueError(f"negative: {job.number}")
    return job.number * job.number


@pytest.mark.parametrize("executor", [ProcessPool, ForkPerTask])
def test_results_come_in_order_and_exceptions_where_they_were_raised(executor):
    with executor(2) as pool:
        assert list(pool.map(square, [Job(n) for n in range(50)], chunksize=7)) == [n * n for n in range(50)]
        good, bad = pool.submit(square, Job(3)), pool.submit(square, Job(-2))
        with pytest.raises(ValueError, match="negative: -2"):
            bad.result()
        assert good.result() == 9


@pytest.mark.parametrize("executor", [ProcessPool, ForkPerTask])
def test_a_worker_killed_once_is_retried_and_the_results_are_exact(executor, tmp_path):
    marker = str(tmp_path / "killed-once")
    with executor(2) as pool:
        results = list(pool.map(square, [Job(n, die_on=17, marker=marker) for n in range(40)], chunksize=5))
    assert os.path.exists(marker), "no worker was killed"
    assert results == [n * n for n in range(40)]


@pytest.mark.parametrize("executor", [ProcessPool, ForkPerTask])
def test_a_task_that_kills_its_worker_twice_is_named_and_the_others_finish(executor):
    with executor(2) as pool:
        futures = [pool.submit(square, Job(n, die_on=5)) for n in range(10)]
        with pytest.raises(WorkerDied, match=r"^a worker process was killed by SIGKILL twice while checking job 5$"):
            futures[5].result()
        assert [f.result() for i, f in enumerate(futures) if i != 5] == [n * n for n in range(10) if n != 5]


def _echo_twice(job: Job, parent: Peer) -> int:
    parent.send(job.number + 1)
    reply = parent.recv()
    if reply == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    if reply == "raise":
        raise KeyError("asked to")
    return reply * 2


def test_a_conversation_exchanges_messages_then_returns_its_result():
    with Conversation(_echo_twice, Job(4)) as worker:
        assert worker.recv() == 5
        worker.send(21)
        assert worker.result() == 42


@pytest.mark.parametrize(("reply", "error"), [("die", WorkerDied), ("raise", KeyError)])
def test_a_conversation_whose_child_dies_or_raises_ends_with_an_exception(reply, error):
    with Conversation(_echo_twice, Job(1)) as worker:
        worker.recv()
        worker.send(reply)
        with pytest.raises(error):
            worker.result()


def test_only_the_parallel_package_creates_processes():
    pattern = re.compile(r"multiprocessing|os\.fork|Process\(|Pool\(")
    found = {path.relative_to(ROOT).parts[:2] for path in (ROOT / "validator").rglob("*.py") if pattern.search(path.read_text(encoding="utf-8"))}
    assert found == {("validator", "parallel")}


# Through the real command.


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid``, read from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")  # a zombie holds no file and runs nothing: its new parent has yet to reap it


def _start(*args: object, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([*sdelint_command(), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)


def _first_child(process: subprocess.Popen, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        children = _children(process.pid)
        if children:
            return children[0]
        time.sleep(0.005)
    pytest.fail(f"no child process appeared; exit code {process.poll()}, stderr {process.stderr.read() if process.stderr else b''!r}")


@pytest.fixture
def many_files(tmp_path) -> Path:
    """Files that keep two workers busy for a second or two, with findings in some of them."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["conversationHistoryRecords"] = data["conversationHistoryRecords"] * 8
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(240):
        if i % 9 == 0:
            data["conversationHistoryRecords"][0]["info"]["conversationId"] = 12345  # a wrong type: a finding
        else:
            data["conversationHistoryRecords"][0]["info"]["conversationId"] = f"c{i}"
        (folder / f"f{i:03d}.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


@linux_only
def test_a_worker_killed_mid_run_is_retried_and_the_report_is_exact(many_files, run_sdelint):
    expected = run_sdelint("check", "--jobs", "1", many_files)
    process = _start("check", "--jobs", "2", many_files, cwd=many_files.parent)
    os.kill(_first_child(process), signal.SIGKILL)
    out, err = process.communicate(timeout=120)
    assert (process.returncode, out) == (expected.returncode, expected.stdout), err
    assert expected.returncode == 1 and out.count(b"\n") > 20


@linux_only
def test_a_file_whose_worker_dies_twice_ends_the_run_with_one_line_naming_it(many_files):
    process = _start("check", "--jobs", "2", many_files, cwd=many_files.parent)
    deadline = time.monotonic() + 120
    killed = set()
    while process.poll() is None and time.monotonic() < deadline:
        for child in set(_children(process.pid)) - killed:  # every worker, as soon as it appears
            with contextlib.suppress(ProcessLookupError):  # gone between the listing and the kill (it finished its file)
                os.kill(child, signal.SIGKILL)
            killed.add(child)
        time.sleep(0.002)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 2, (out, err)
    assert re.fullmatch(rb"sdelint: error: a worker process was killed by SIGKILL twice while checking \S+f\d{3}\.json\n", err), err
    assert out == b""


@pytest.fixture
def big_response(tmp_path) -> Path:
    """A response over the size from which it is parsed and checked in two halves."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["conversationHistoryRecords"] = data["conversationHistoryRecords"] * 1200  # about 15 MB
    path = tmp_path / "big.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@linux_only
@pytest.mark.parametrize("inputs", ["big_response", "many_files"])
def test_children_do_not_outlive_a_terminated_parent_nor_hold_its_stdout(inputs, request):
    path = request.getfixturevalue(inputs)
    process = _start("check", "--jobs", "2", path, cwd=path.parent)
    child = _first_child(process)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=10)  # a `$(sdelint ...)` reader: EOF once the parent is gone
    assert process.returncode == 128 + signal.SIGTERM and err.endswith(b"sdelint: error: terminated\n"), err  # unwound as Ctrl-C is
    deadline = time.monotonic() + 5
    while not _gone(child) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _gone(child), f"child {child} outlived its parent"


def test_a_file_nested_near_the_parsers_limit_does_not_end_a_parallel_run(run_sdelint, tmp_path):
    """Its finding's value (the rest of the document) once travelled back from the worker as it was, and
    pickling it recursed past the limit: "internal error", and no report at all. Now the value is bounded."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    for i in range(12):
        (folder / f"good-{i:02}.json").write_bytes(EXAMPLE.read_bytes())
    for depth in (900, 930, 960, 975):
        (folder / f"deep-{depth}.json").write_text('{"conversationHistoryRecords": [' + "[" * depth + "]" * depth + "]}", encoding="utf-8")
    for jobs in ("1", "2"):
        done = run_sdelint("check", "--jobs", jobs, "--format", "json", folder)
        stderr = done.stderr.decode()
        assert done.returncode == 1 and "internal error" not in stderr and "Traceback" not in stderr, stderr
        report = json.loads(done.stdout)
        assert report["summary"]["files"] == 16
        deep = [f for f in report["findings"] if "deep-" in f["file"]]
        assert sorted(f["file"].rsplit("/", 1)[-1] for f in deep) == [f"deep-{d}.json" for d in (900, 930, 960, 975)]
        assert {f["rule"] for f in deep} <= {"wrong-type", "too-deep"}
    baseline = tmp_path / "baseline.json"
    written = run_sdelint("check", "--jobs", "2", "--write-baseline", baseline, folder)
    assert written.returncode == 0 and "internal error" not in written.stderr.decode(), written.stderr.decode()
    again = run_sdelint("check", "--jobs", "2", "--baseline", baseline, folder)
    assert again.returncode == 0, again.stdout.decode()[-2000:]


_BROKEN_RULE = '''
import sys
sys.path.insert(0, sys.argv.pop(1))  # the checkout under test, whatever is installed
import validator.rules.builtin.cart_arithmetic as rule

def broken(ctx, params):
    if ctx.attrs and ctx.attrs.get("currency") == "BOOM":
        raise RuntimeError("a bug in a rule")
    return original(ctx, params)

original = rule.cart_arithmetic
rule.RULE.check_event = broken
from validator.cli import run
sys.argv = ["sdelint", *sys.argv[1:]]
run()
'''


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_bug_on_one_input_is_reported_on_it_and_the_run_goes_on(tmp_path, jobs):
    """An exception inside sdelint ended the whole run with one "internal error" line and no report.
    Now that input gets an internal-error finding, the others are reported, and the exit code is 2."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    for i in range(16):
        (folder / f"good-{i:02}.json").write_bytes(EXAMPLE.read_bytes())
    cart = {"cartStatus": {"serverTimeStamp": "1528628536879", "currency": "BOOM", "total": "1"}, "sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879"}
    (folder / "boom.json").write_text(json.dumps({"events": [cart]}), encoding="utf-8")
    script = tmp_path / "broken.py"
    script.write_text(_BROKEN_RULE, encoding="utf-8")
    def run(*args):
        return subprocess.run([sys.executable, script, ROOT, "check", "--jobs", jobs, *args], capture_output=True, timeout=120, cwd=tmp_path)

    done = run("--format", "json", "--exit-zero", folder)
    stderr = done.stderr.decode()
    assert done.returncode == 2, stderr
    assert f"sdelint: error: internal error on 1 input ({folder / 'boom.json'}): see their internal-error findings" in stderr
    assert "Traceback" not in stderr
    report = json.loads(done.stdout)
    assert report["summary"]["files"] == 17
    (broken,) = [f for f in report["findings"] if f["rule"] == "internal-error"]
    assert broken["file"] == str(folder / "boom.json") and broken["severity"] == "error"
    assert broken["message"].startswith("sdelint failed on this input: RuntimeError: a bug in a rule")
    assert sum(f["rule"] == "cart-arithmetic" for f in report["findings"]) == 16 * 2  # every good file still checked
    # no rule selection or configuration hides a failure (internal-error is neither selected nor kept here)
    selected = run("-q", "--select", "cart-arithmetic", "--ignore", "internal-error", folder)
    assert selected.returncode == 2 and "internal error on 1 input" in selected.stderr.decode()
    assert f"{folder / 'boom.json'}:1:1: error internal-error sdelint failed on this input" in selected.stdout.decode()
    # a baseline is not rewritten from a run that could not check every input: the broken one's entries would be lost
    baseline = tmp_path / "baseline.json"
    earlier = '{"sdelint_baseline": 1, "findings": []}\n'  # an earlier baseline: --write-baseline replaces nothing else
    baseline.write_text(earlier, encoding="utf-8")
    written = run("--write-baseline", baseline, folder)
    assert written.returncode == 2 and "was not written" in written.stderr.decode() and baseline.read_text(encoding="utf-8") == earlier
    # and a baseline written before the bug does not count the broken input's entries as fixed
    subprocess.run([*sdelint_command(), "check", "--write-baseline", baseline, folder], check=True, capture_output=True, timeout=120, cwd=tmp_path)
    entries = json.loads(baseline.read_text(encoding="utf-8"))["findings"]
    assert any(e["file"].endswith("boom.json") for e in entries)
    gated = run("--baseline", baseline, folder)
    assert gated.returncode == 2 and "0 fixed since it was written" in gated.stdout.decode(), gated.stdout.decode()[-500:]


# --- a process that runs other threads is not forked ------------------------------------------


@pytest.fixture
def another_thread(monkeypatch):
    """A thread running for the test, and os.fork made to fail: a fork here would inherit that thread's locks."""
    import threading

    from validator import parallel

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="the caller's own thread", daemon=True)
    thread.start()
    assert threading.active_count() > 1 and not parallel.can_fork()

    def no_fork():
        raise AssertionError("forked while another thread runs")

    monkeypatch.setattr(os, "fork", no_fork)
    yield thread
    stop.set()
    thread.join()


def test_can_fork_is_false_while_another_thread_runs():
    """In a fresh process: this one may hold threads other test files left (a Dask client, a server)."""
    code = (
        "import threading; from validator.parallel import can_fork; before = can_fork(); stop = threading.Event(); "
        "t = threading.Thread(target=stop.wait); t.start(); during = can_fork(); stop.set(); t.join(); print(before, during, can_fork())"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.stdout.split() == ["True", "False", "True"], run.stderr


def test_can_fork_counts_threads_the_threading_module_does_not_know():
    """A thread started by ``_thread`` (or by a C library) holds locks a fork would inherit just the same."""
    code = (
        "import _thread, threading, time; from validator.parallel import can_fork; before = can_fork(); "
        "lock = _thread.allocate_lock(); lock.acquire(); _thread.start_new_thread(lock.acquire, ()); time.sleep(0.2); "
        "print(before, threading.active_count(), can_fork()); lock.release()"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.stdout.split() == ["True", "1", "False"], run.stderr


def test_many_files_from_a_threaded_program_go_to_spawned_workers(another_thread, tmp_path):
    """The Python API in a notebook or a web application: the same findings as one process, and no fork."""
    from validator.api import lint_paths

    for number in range(20):
        (tmp_path / f"copy{number:02}.json").write_text(EXAMPLE.read_text(encoding="utf-8").replace('"total": 11.7', f'"total": {number}'))
    findings = lint_paths([tmp_path], jobs=2)
    assert findings == lint_paths([tmp_path], jobs=1) and len({f.file for f in findings}) == 20


def test_memory_urls_from_a_threaded_program_are_read_where_they_are(another_thread):
    """memory:// is the process's own store: spawned workers found it empty and said every file was missing."""
    import fsspec

    from validator.api import lint_paths

    store = fsspec.filesystem("memory")
    for number in range(20):
        store.pipe(f"/threaded-memory/copy{number:02}.json", EXAMPLE.read_bytes().replace(b'"total": 11.7', f'"total": {number}'.encode()))
    try:
        findings = lint_paths(["memory://threaded-memory/"], jobs=2)
        assert not [f.message for f in findings if f.rule == "read-error"]
        assert findings == lint_paths(["memory://threaded-memory/"], jobs=1) and len({f.file for f in findings}) == 20
    finally:
        store.rm("/threaded-memory", recursive=True)


def test_a_big_response_from_a_threaded_program_is_checked_in_one_process(another_thread, monkeypatch):
    from validator import linter as linter_module
    from validator.config import Configuration
    from validator.linter import Linter

    monkeypatch.setattr(linter_module, "HALVES_MIN_BYTES", 0)
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    text = json.dumps({**example, "conversationHistoryRecords": example["conversationHistoryRecords"] * 40}).encode()
    linter = Linter(Configuration.load(None))
    assert linter.lint_bytes(text, "big.json", workers=2).findings == linter.lint_bytes(text, "big.json", workers=1).findings


def _exit_at_once(job: Job) -> int:
    os._exit(3)


def test_a_spawned_worker_that_dies_is_worker_died_not_a_broken_pool(another_thread):
    from validator.parallel import process_pool

    with pytest.raises(WorkerDied, match="a worker process died while checking files"), process_pool(2) as pool:
        list(pool.map(_exit_at_once, [Job(n) for n in range(4)]))


def test_an_input_sdelint_failed_on_is_no_success_in_sarif_or_junit(tmp_path):
    """SARIF said executionSuccessful: true and JUnit counted a failure, not an error, when sdelint failed on an
    input (an audit): a CI consumer took the run for a checked one."""
    from xml.etree import ElementTree

    from test_reporters import assert_valid_sarif

    cart = {"cartStatus": {"serverTimeStamp": "1528628536879", "currency": "BOOM", "total": "1"}, "sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879"}
    (tmp_path / "boom.json").write_text(json.dumps({"events": [cart]}), encoding="utf-8")
    (tmp_path / "good.json").write_bytes(EXAMPLE.read_bytes())
    script = tmp_path / "broken.py"
    script.write_text(_BROKEN_RULE, encoding="utf-8")

    def report(fmt: str) -> str:
        done = subprocess.run([sys.executable, script, ROOT, "check", "--format", fmt, "boom.json", "good.json"], capture_output=True, timeout=120, cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        return done.stdout.decode()

    sarif = json.loads(report("sarif"))
    assert_valid_sarif(sarif)
    (invocation,) = sarif["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (notice,) = invocation["toolExecutionNotifications"]
    assert notice["level"] == "error" and "boom.json" in notice["message"]["text"]
    root = ElementTree.fromstring(report("junit"))
    assert root.get("errors") == "1"
    (error,) = root.iter("error")
    assert error.get("type") == "internal-error"
    assert "internal-error" not in [failure.get("type") for failure in root.iter("failure")]
    clean = json.loads(subprocess.run([*sdelint_command(), "check", "--format", "sarif", "good.json"], capture_output=True, timeout=120, cwd=tmp_path).stdout)
    assert clean["runs"][0]["invocations"][0]["executionSuccessful"] is True
