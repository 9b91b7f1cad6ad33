"""sdelint on a real Dask cluster: the report equals the local run's, byte for byte, whatever happens to the workers.

One ``distributed.LocalCluster`` with two worker processes serves most tests; one test starts
``dask scheduler`` and two ``dask worker`` commands as subprocesses on loopback ports and runs the
``sdelint`` command against them, as a user would.
"""

from __future__ import annotations

import contextlib
import copy
import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import checkout_env, without_modules
from validator.cli import main

distributed = pytest.importorskip("distributed", reason="the dask extra is part of the test extra")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "conversation-response.json"
UNREPAIRED = ROOT / "tests" / "data" / "spec-example-unrepaired.json"
FORMATS = ("text", "json", "sarif")
CONFIG = """\
min-severity: info
rules:
  timestamp-order: {tolerance-ms: 1000}
overrides:
  - files: ["strict/**"]
    rules: {cart-arithmetic: error}
custom-rules:
  - name: cart-needs-sku
    severity: warning
    where: "cartStatus.products[*].product.sku"
    check: pattern
    options: {regex: '^[a-z]+$'}
    message: "sku {value} is not lower-case letters"
"""


_env = checkout_env


def _variant(example: dict, number: int) -> dict:
    """The spec example with one value changed per file, so that findings differ from file to file."""
    doc = copy.deepcopy(example)
    record = doc["conversationHistoryRecords"][0]
    record["info"]["conversationId"] = f"conv-{number}"
    event = record["unAuthSdes"]["events"][0]["cartStatus"]
    event["total"] = number % 7
    event["products"][0]["product"]["sku"] = f"SKU{number}" if number % 3 else "abc"
    return doc


def _recordings(root: Path, count: int) -> Path:
    """Recordings with findings of every kind, a configuration with overrides and a custom rule, a broken link."""
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    (root / ".sdelint.yaml").write_text(CONFIG)
    for number in range(count):
        folder = root / ("strict" if number % 4 == 0 else "plain")
        folder.mkdir(exist_ok=True)
        (folder / f"r{number:03}.json").write_text(json.dumps(_variant(example, number), indent=1))
    (root / "lines.jsonl").write_text("\n".join(json.dumps(_variant(example, n)) for n in range(3)) + "\n")
    (root / "packed.json.gz").write_bytes(gzip.compress(json.dumps(_variant(example, 99)).encode()))
    (root / "unrepaired.json").write_bytes(UNREPAIRED.read_bytes())
    (root / "not-json.json").write_text("{")
    (root / "skipped.yaml").write_text("not: checked\n")
    (root / "gone.json").symlink_to(root / "nowhere.json")  # unreadable: a read-error finding
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return _recordings(tmp_path_factory.mktemp("recordings"), 40)


@pytest.fixture(scope="module")
def cluster():
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", host="127.0.0.1") as local,  # None still takes 8787
        distributed.Client(local) as client,
    ):
        client.wait_for_workers(2, timeout=60)
        yield local, client


def _check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", *args], catch_exceptions=False)
    return result.exit_code, result.stdout


@pytest.mark.parametrize("output_format", [*FORMATS, "html"])  # html: its charts need each finding's type and day from the workers
def test_local_cluster_report_equals_the_local_run(cluster, corpus, output_format):
    local, _ = cluster
    expected = _check("--format", output_format, "--jobs", "2", str(corpus))
    assert expected[0] == 1 and "read-error" in expected[1] and "cart-needs-sku" in expected[1]
    assert _check("--format", output_format, "--cluster", local.scheduler_address, str(corpus)) == expected


@pytest.mark.parametrize("profile", ["auto", "engagement-history", "web"])
def test_profiles_on_the_cluster_report_as_locally(cluster, tmp_path, profile):
    """Engagement History responses, JavaScript pushes and a Messaging response: each profile's report is the local one."""
    from test_profiles import EH_DEFECTS, EH_RESPONSE, WEB_JS, WEB_JS_DEFECTS

    (tmp_path / ".git").mkdir()
    for name, text in (("eh.json", EH_RESPONSE), ("eh-defects.json", EH_DEFECTS), ("push.js", WEB_JS), ("push-defects.js", WEB_JS_DEFECTS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "response.json").write_bytes(EXAMPLE.read_bytes())
    local, _ = cluster
    args = ("--format", "json", "--min-severity", "info", "--profile", profile, "--include", "*.json", "--include", "*.js", str(tmp_path))
    expected = _check("--jobs", "1", *args)
    assert _check("--cluster", local.scheduler_address, *args) == expected
    files = {Path(entry["file"]).name: entry["profile"] for entry in json.loads(expected[1])["files"]}
    assert files == {
        "auto": {"eh.json": "engagement-history", "eh-defects.json": "engagement-history", "push.js": "web", "push-defects.js": "web", "response.json": "messaging"},
        "engagement-history": {"eh.json": "engagement-history", "eh-defects.json": "engagement-history", "push.js": None, "push-defects.js": None,
                               "response.json": None},
        "web": {"eh.json": None, "eh-defects.json": None, "push.js": "web", "push-defects.js": "web", "response.json": None},
    }[profile]


@pytest.mark.parametrize("output_format", FORMATS)
def test_file_url_report_equals_the_local_run(cluster, corpus, output_format):
    local, _ = cluster
    args = ("--format", output_format, corpus.as_uri())
    assert _check("--cluster", local.scheduler_address, *args) == _check(*args)


def test_file_url_is_listed_and_read_on_the_workers_with_the_directory_rules(cluster, corpus):
    local, _ = cluster
    url = corpus.as_uri()
    args = ("--format", "json", "--exclude", "strict", url)
    code, out = _check("--cluster", local.scheduler_address, *args)
    assert (code, out) == _check(*args)
    files = [entry["file"] for entry in json.loads(out)["files"]]
    assert files and all(name.startswith(url + "/") for name in files)
    assert not any("/strict/" in name or name.endswith(".yaml") for name in files)
    assert f"{url}/gone.json" in files and f"{url}/packed.json.gz" in files


def test_baseline_on_the_cluster_gates_as_locally(cluster, corpus, tmp_path):
    local, _ = cluster
    baseline = tmp_path / "baseline.json"
    assert _check("--write-baseline", str(baseline), str(corpus))[0] == 0
    (corpus / "plain" / "r001.json").rename(corpus / "plain" / "moved.json")  # one file's findings are new now
    try:
        expected = _check("--baseline", str(baseline), "--format", "json", str(corpus))
        assert {finding["file"] for finding in json.loads(expected[1])["findings"]} == {str(corpus / "plain" / "moved.json")}
        assert _check("--baseline", str(baseline), "--format", "json", "--cluster", local.scheduler_address, str(corpus)) == expected
    finally:
        (corpus / "plain" / "moved.json").rename(corpus / "plain" / "r001.json")


def test_cluster_key_in_the_configuration_sends_the_work_there(cluster, corpus, tmp_path):
    local, client = cluster
    config = tmp_path / "cluster.yaml"
    config.write_text(f"cluster: {local.scheduler_address}\n{CONFIG}")
    expected = _check("--config", str(config), "--format", "json", str(corpus / "plain"))
    with distributed.get_task_stream(client) as stream:
        got = _check("--config", str(config), "--format", "json", str(corpus / "plain"))
    assert got == expected
    assert any(str(task["key"]).startswith("run_chunk") for task in stream.data)


def test_a_cluster_that_is_not_a_string_is_a_configuration_error(tmp_path, corpus):
    config = tmp_path / "bad.yaml"
    config.write_text("cluster: 8786\n")
    result = CliRunner().invoke(main, ["check", "--config", str(config), str(corpus / "plain")])
    assert result.exit_code == 2 and "cluster" in result.stderr


def test_python_api_takes_an_address_or_a_client(cluster, corpus):
    from validator.api import lint_paths

    local, client = cluster
    config = corpus / ".sdelint.yaml"
    expected = lint_paths([corpus], config=config, jobs=1)
    assert expected and any(f.rule == "read-error" for f in expected)
    assert lint_paths([corpus], config=config, cluster=local.scheduler_address) == expected
    assert lint_paths([corpus.as_uri()], config=config, cluster=client) == lint_paths([corpus.as_uri()], config=config)
    assert client.status == "running"  # a Client given is the caller's: left open


def test_a_closed_client_given_to_the_python_api_is_a_cluster_error(cluster, corpus):
    """A closed Client raised distributed's ClosedClientError from the first task, not the documented ClusterError."""
    from validator.api import lint_paths
    from validator.parallel import ClusterError

    local, _ = cluster
    closed = distributed.Client(local.scheduler_address, set_as_default=False)
    closed.close()
    with pytest.raises(ClusterError, match="the Dask client given is closed"):
        lint_paths([corpus], cluster=closed)


def test_a_big_response_is_split_on_its_worker_with_the_same_findings(cluster, tmp_path):
    """A response over the split threshold: checked inside the worker that read it, in one process (a Dask worker
    runs threads, and a fork would inherit their locks), with the findings of a local run."""
    local, _ = cluster
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    records = [_variant(example, n)["conversationHistoryRecords"][0] for n in range(100)]
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"_metadata": example["_metadata"], "conversationHistoryRecords": records}, indent=12))  # spaces: bytes, not work
    assert big.stat().st_size >= 4 << 20
    expected = _check("--format", "json", "--jobs", "1", str(big))
    assert _check("--format", "json", "--cluster", local.scheduler_address, str(big)) == expected


def test_a_worker_killed_mid_run_loses_and_doubles_nothing(cluster, tmp_path):
    """SIGKILL to a worker busy with a chunk: Dask re-runs its tasks and the report is still exact."""
    from validator.config import CommandLine
    from validator.inputs import collect
    from validator.parallel.dask import DaskExecutor
    from validator.report import REPORTERS
    from validator.runner import Configurations, check_inputs

    local, client = cluster
    example = EXAMPLE.read_text(encoding="utf-8")
    for number in range(240):
        (tmp_path / f"copy{number:03}.json").write_text(example if number % 5 else example.replace('"total": 11.7', f'"total": {number}'))
    inputs, _ = collect((str(tmp_path),))

    def report(executor: DaskExecutor | None, progress=None) -> str:
        configs = Configurations(None, CommandLine())
        results = check_inputs(configs, inputs, bytes, "<stdin>", 1, progress, executor)
        out: list[str] = []
        REPORTERS["json"](quiet=False, statistics=False, verbose=False, rules=configs.rule_specs(), color=False).write(results, _Writer(out))
        return "".join(out)

    expected = report(None)
    pids = client.run(os.getpid)
    killed: list[str] = []

    def kill_a_busy_worker(done: int, total: int) -> None:
        if killed:
            return
        busy = [address for address, keys in client.processing().items() if keys and address in pids]
        if busy:
            os.kill(pids[busy[0]], signal.SIGKILL)
            killed.append(busy[0])

    with DaskExecutor.connect(local.scheduler_address) as executor:
        assert report(executor, kill_a_busy_worker) == expected
    assert killed, "no worker was busy when the first results came back: nothing was killed"
    client.wait_for_workers(2, timeout=60)  # the nanny restarts it for the tests after this one


class _Writer:
    def __init__(self, parts: list[str]) -> None:
        self.parts = parts

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_sdelint_command_against_dask_scheduler_and_worker_commands(tmp_path):
    corpus = _recordings(tmp_path, 8)
    dask = str(Path(sys.executable).with_name("dask"))
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": _env()}
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **quiet)]
    try:
        for _ in range(2):
            worker = [dask, "worker", address, "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1", "--no-dashboard"]
            processes.append(subprocess.Popen(worker, **quiet))
        with distributed.Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        # every format and both kinds of input over three runs (each pays for importing distributed)
        for target, output_format in ((str(corpus), "text"), (corpus.as_uri(), "json"), (str(corpus), "sarif")):
            expected = _check("--format", output_format, target)
            command = [sys.executable, "-m", "validator", "check", "--format", output_format, "--cluster", address, target]
            run = subprocess.run(command, capture_output=True, env=_env(), timeout=120)
            assert (run.returncode, run.stdout.decode()) == expected, run.stderr.decode()[-2000:]
    finally:
        for process in processes:  # a graceful close waits for reconnections: kill, nothing of theirs is kept
            process.kill()
            process.wait()


def test_an_unreachable_scheduler_is_exit_2_with_one_line(corpus):
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "validator", "check", "--cluster", f"tcp://127.0.0.1:{_free_port()}", str(corpus)], capture_output=True, env=_env(), timeout=60
    )
    assert run.returncode == 2 and run.stdout == b""
    lines = run.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sdelint: error: cannot reach the Dask scheduler at tcp://127.0.0.1:"), lines
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("answer", [None, b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"])
def test_a_server_that_is_no_scheduler_is_exit_2_with_one_line(corpus, answer):
    """A port that accepts and says nothing (an HTTP server: the dashboard's 8787) hung the run for ever in the
    handshake; one that answers with text was an internal error allocating exabytes for a frame length read from it."""
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted: list[socket.socket] = []

    def serve() -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _ = server.accept()
                accepted.append(connection)
                if answer is not None:
                    connection.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    try:
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        started = time.monotonic()
        run = subprocess.run([sys.executable, "-m", "validator", "check", "--cluster", address, str(corpus)], capture_output=True, env=_env(), timeout=30)
        lines = run.stderr.decode().strip().splitlines()
        assert run.returncode == 2 and len(lines) == 1 and lines[0].startswith(f"sdelint: error: cannot reach the Dask scheduler at {address}: "), lines
        assert "Error" not in lines[0] and time.monotonic() - started < 20
    finally:
        server.close()
        for connection in accepted:
            connection.close()


@pytest.mark.parametrize("address", ["bogus", "tcp://", "inproc://x"])
def test_an_address_dask_cannot_use_leaves_nothing_behind_at_exit(corpus, address):
    """A Client that fails to start stayed on distributed's loop: the program's exit then waited 10 s and printed a
    TimeoutError traceback from Client.__del__, long after the API's ClusterError was handled."""
    code = (
        "import validator\n"
        "from validator.parallel import ClusterError\n"
        "try:\n"
        f"    validator.lint_paths([{str(corpus)!r}], cluster={address!r})\n"
        "except ClusterError as exc:\n"
        "    print('ClusterError', exc)\n"
    )
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, env=_env(), timeout=60)
    assert run.returncode == 0 and run.stdout.decode().startswith("ClusterError cannot reach the Dask scheduler at ")
    assert run.stderr == b"", run.stderr.decode()[-2000:]
    assert time.monotonic() - started < 8


_WITHOUT_DASK = without_modules("dask", "distributed")


@pytest.mark.parametrize("where", ["option", "configuration"])
def test_a_cluster_without_the_extra_says_how_to_install_it(tmp_path, where):
    """distributed is imported in DaskExecutor.connect, after the CLI's ImportError guard: without the dask extra,
    --cluster (or cluster: in the configuration) was 'internal error: ModuleNotFoundError: No module named
    'distributed'' (found installing sdelint alone and trying --cluster)."""
    (tmp_path / ".git").mkdir()  # no configuration above this folder is found
    args = ["check", "--cluster", "tcp://127.0.0.1:1", str(EXAMPLE)] if where == "option" else ["check", str(EXAMPLE)]
    if where == "configuration":
        (tmp_path / ".sdelint.yaml").write_text("cluster: tcp://127.0.0.1:1\n", encoding="utf-8")
    code = _WITHOUT_DASK + f"from validator.cli import main\nmain({args!r}, prog_name='sdelint')\n"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), cwd=tmp_path, timeout=60)
    assert run.returncode == 2 and "pip install 'sdelint[dask]'" in run.stderr, run.stderr
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr


def test_the_python_api_without_the_extra_says_how_to_install_it(tmp_path):
    code = _WITHOUT_DASK + (
        "import validator\n"
        "try:\n"
        f"    validator.lint_paths({str(EXAMPLE)!r}, cluster='tcp://127.0.0.1:1')\n"
        "except ImportError as exc:\n"
        "    print('ImportError', exc)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), cwd=tmp_path, timeout=60)
    assert run.stdout.startswith("ImportError ") and "pip install 'sdelint[dask]'" in run.stdout, run.stdout + run.stderr


def test_a_plain_run_imports_nothing_of_dask(corpus):
    code = (
        "import sys\n"
        "from validator.cli import main\n"
        "try:\n"
        f"    main(['check', {str(corpus)!r}], prog_name='sdelint')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed', 'fsspec', 'tornado', 'cloudpickle'}))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, env=_env(), timeout=60)
    assert run.stdout.decode().strip().splitlines()[-1] == "[]", run.stderr.decode()[-2000:]
    assert b"read-error" in run.stdout  # the run did check the corpus


def test_an_unreadable_url_is_a_read_error_finding(tmp_path):
    from validator.linter import Linter
    from validator.runner import lint_url

    result = lint_url(Linter(), (tmp_path / "missing.json").as_uri(), "missing.json")
    assert [(f.rule, f.severity) for f in result.findings] == [("read-error", "error")]
    assert "\n" not in result.findings[0].message


def test_a_url_naming_only_its_scheme_lists_and_reads_its_root(tmp_path, monkeypatch):
    """`sdelint check file://` listed the working directory but named each file `file:/a.json`, which names no file:
    a false read-error per file (a Python API sweep). `memory://` alone is the store's root, likewise."""
    import fsspec

    import validator

    (tmp_path / "a.json").write_text(json.dumps({"events": [{"x": 1}]}), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--format", "json", "file://"])
    assert [(f["file"], f["rule"]) for f in json.loads(result.output)["findings"]] == [("file://a.json", "unrecognized-document")]
    store = fsspec.filesystem("memory")
    store.pipe("/scheme-only/b.json", json.dumps({"events": [{"x": 1}]}).encode())
    try:
        found = [(f.file, f.rule) for f in validator.lint_paths(["memory://"]) if f.file.startswith("memory://scheme-only/")]
        assert found == [("memory://scheme-only/b.json", "unrecognized-document")]
    finally:
        store.rm("/scheme-only", recursive=True)


def _dask_scheduler(port: int, **quiet) -> subprocess.Popen:
    dask = str(Path(sys.executable).with_name("dask"))
    return subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **quiet)


def test_workers_that_cannot_import_sdelint_are_exit_2_with_one_line_not_a_hang(corpus, tmp_path):
    """A worker without sdelint cannot read a task off the wire: it dropped its connection and stopped, and the run
    waited for ever for workers. They are asked first (Client.run), which leaves them running."""
    blocked = _sdelint_blocked(tmp_path / "no-sdelint")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": _env()}
    processes = [_dask_scheduler(port, **quiet)]
    try:
        worker = [str(Path(sys.executable).with_name("dask")), "worker", address, "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1", "--no-dashboard"]
        processes.append(subprocess.Popen(worker, **{**quiet, "env": {**os.environ, "PYTHONPATH": str(blocked)}}))
        with distributed.Client(address, timeout=30) as client:
            client.wait_for_workers(1, timeout=60)
        for target in (str(corpus / "plain"), corpus.as_uri()):  # a URL is listed by a worker: the same
            run = subprocess.run([sys.executable, "-m", "validator", "check", "--cluster", address, target], capture_output=True, env=_env(), timeout=60)
            lines = run.stderr.decode().strip().splitlines()
            assert run.returncode == 2 and run.stdout == b"", lines
            assert len(lines) == 1 and lines[0].startswith("sdelint: error: the Dask worker at tcp://127.0.0.1:"), lines
            assert "cannot import sdelint" in lines[0] and "No module named 'validator'" in lines[0]
        assert processes[1].poll() is None  # the worker was asked, not killed
    finally:
        for process in processes:
            process.kill()
            process.wait()


LOSE_THE_SCHEDULER = """
import os, signal, sys, threading, time
from validator.parallel import ClusterError
from validator.parallel.dask import DaskExecutor

scheduler = int(sys.argv[2])
with DaskExecutor.connect(sys.argv[1]) as executor:
    if sys.argv[3] == "waiting":  # tasks in flight (no worker runs them) when the scheduler dies
        threading.Timer(1.0, os.kill, (scheduler, signal.SIGKILL)).start()
    else:  # tasks submitted while the client tries to reconnect
        os.kill(scheduler, signal.SIGKILL)
        time.sleep(0.5)
    try:
        list(executor.map_unordered(len, [[1]] * 10))
    except ClusterError as exc:
        print(exc)
"""


@pytest.mark.parametrize("when", ["waiting", "submitting"])
def test_a_scheduler_that_dies_mid_run_is_one_line_never_a_hang(when):
    """Tasks submitted while the client reconnected to a dead scheduler waited for ever; tasks in flight were 'cancelled'
    (as if on purpose), and closing the client printed a traceback of its cancelled reconnection."""
    port = _free_port()
    scheduler = _dask_scheduler(port, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
    try:
        with distributed.Client(f"tcp://127.0.0.1:{port}", timeout=30):
            pass
        run = subprocess.run([sys.executable, "-c", LOSE_THE_SCHEDULER, f"tcp://127.0.0.1:{port}", str(scheduler.pid), when],
                             capture_output=True, env=_env(), timeout=60)
        assert run.stdout.decode().strip() == "lost the Dask scheduler while checking list", run.stderr.decode()[-2000:]
        assert run.stderr == b"", run.stderr.decode()[-2000:]
    finally:
        scheduler.kill()
        scheduler.wait()


INTERRUPT_A_WAIT = """
import os, signal, threading, time
import distributed
from validator.parallel.dask import DaskExecutor

if __name__ == "__main__":
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as cluster:
        with DaskExecutor.connect(cluster.scheduler_address) as executor:
            executor.client.loop.add_callback(time.sleep, 1.0)  # the loop is busy: the call's coroutine has not started
            threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
            try:
                executor.threads()
            except KeyboardInterrupt:
                print("interrupted")
            time.sleep(1.0)  # the loop runs distributed's clean-up callback
"""


def test_ctrl_c_while_waiting_for_the_client_logs_no_traceback(tmp_path):
    """Ctrl-C before the event loop started a call: distributed's clean-up failed with a NameError that tornado
    logged with its traceback, after 'sdelint: error: interrupted' (about one Ctrl-C of a cluster run in sixteen)."""
    script = tmp_path / "interrupt.py"
    script.write_text(INTERRUPT_A_WAIT)
    run = subprocess.run([sys.executable, str(script)], capture_output=True, env=_env(), timeout=60)
    assert run.stdout.decode().strip() == "interrupted", run.stderr.decode()[-2000:]
    assert b"Traceback" not in run.stderr and b"NameError" not in run.stderr, run.stderr.decode()[-2000:]


@pytest.mark.parametrize("where", ["option", "configuration"])
def test_cluster_local_runs_here_whatever_the_configuration_names(tmp_path, monkeypatch, where):
    """The only way to run locally under a configuration naming a cluster was the undocumented `--cluster ""`;
    `local` was an address Dask could not use (exit 2)."""
    (tmp_path / ".git").mkdir()
    named = "tcp://127.0.0.1:1" if where == "option" else "local"
    (tmp_path / ".sdelint.yaml").write_text(f"cluster: {named}\n", encoding="utf-8")
    (tmp_path / "response.json").write_bytes(EXAMPLE.read_bytes())
    monkeypatch.chdir(tmp_path)
    args = ("--cluster", "local") if where == "option" else ()
    result = CliRunner().invoke(main, ["check", "--format", "json", *args, "response.json"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == CliRunner().invoke(main, ["check", "--format", "json", "--config", os.devnull, "response.json"]).stdout


@pytest.mark.parametrize("address", ["", " "])
def test_an_empty_cluster_address_is_a_usage_error(address):
    """`--cluster "$DASK_SCHEDULER"` with the variable unset in CI silently ran locally: the cluster was never used."""
    result = CliRunner().invoke(main, ["check", "--cluster", address, str(EXAMPLE)])
    assert result.exit_code == 2 and result.stdout == ""
    assert "'--cluster'" in result.stderr and "--cluster local" in result.stderr


@pytest.mark.parametrize("case", ["subfolder configuration", "no input", "unknown rule"])
def test_a_run_that_cannot_start_stops_before_the_cluster_is_contacted(tmp_path, monkeypatch, case):
    """A broken subfolder configuration (or no input, or a --select no configuration defines) was found only after
    connecting: with a scheduler not there, 5 seconds and its error instead of the configuration's, unlike a local run."""
    (tmp_path / ".git").mkdir()
    for folder in ("good", "bad"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "response.json").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "bad" / ".sdelint.yaml").write_text("rules: {nope: 1}\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    args, said = {
        "subfolder configuration": (["."], "invalid configuration"),
        "no input": (["empty"], "no input to check"),
        "unknown rule": (["--select", "not-a-rule", "good"], "unknown rule 'not-a-rule'"),
    }[case]
    started = time.monotonic()
    result = CliRunner().invoke(main, ["check", "--cluster", f"tcp://127.0.0.1:{_free_port()}", *args])
    assert result.exit_code == 2 and said in result.stderr and "Dask" not in result.stderr, result.stderr
    assert time.monotonic() - started < 4  # CONNECT_TIMEOUT is 5 s


def _sdelint_blocked(folder: Path) -> Path:
    """A PYTHONPATH entry that makes `import validator` fail in the processes started with it."""
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(
        "import sys\n"
        "class _NoSdelint:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'validator':\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, _NoSdelint())\n"
    )
    return folder


def test_a_worker_without_sdelint_that_joins_mid_run_is_exit_2_not_a_hang(corpus, tmp_path):
    """A worker that joined after the workers were asked (an adaptive cluster's) could not unpickle its first task:
    it dropped its connection and stopped, and the run waited for ever. Tasks now travel as bytes: the task fails.
    The scheduler, which only passes them on, needs no sdelint (it needed it to unpickle them)."""
    blocked = {**_env(), "PYTHONPATH": str(_sdelint_blocked(tmp_path / "no-sdelint"))}
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).with_name("dask"))
    worker = [dask, "worker", address, "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1", "--no-dashboard"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes = [_dask_scheduler(port, **quiet, env=blocked)]
    try:
        command = [sys.executable, "-m", "validator", "check", "--cluster", address, str(corpus / "plain")]
        run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
        processes.append(run)
        with distributed.Client(address, timeout=30) as client:  # the run's tasks wait: no worker was there to ask
            deadline = time.monotonic() + 60
            while not client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) and time.monotonic() < deadline:
                time.sleep(0.2)
        processes.append(subprocess.Popen(worker, **quiet, env=blocked))
        out, err = run.communicate(timeout=60)
        lines = err.decode().strip().splitlines()
        assert run.returncode == 2 and out == b"", lines
        assert len(lines) == 1 and lines[0].startswith("sdelint: error: a Dask worker that joined during the run cannot import sdelint"), lines
        assert "No module named 'validator'" in lines[0]
        assert processes[-1].poll() is None  # the worker lives: its task failed
        processes[-1].kill()
        processes[-1].wait()
        processes.append(subprocess.Popen(worker, **quiet, env=_env()))  # with sdelint: the scheduler without it serves it
        done = subprocess.run([*command[:-1], "--format", "json", command[-1]], capture_output=True, env=_env(), timeout=120)
        assert (done.returncode, done.stdout.decode()) == _check("--format", "json", str(corpus / "plain")), done.stderr.decode()[-2000:]
    finally:
        for process in processes:
            process.kill()
            process.wait()


def test_a_server_that_closes_the_connection_is_one_line_without_distributed_s_connection_repr(corpus):
    """A port that accepts and closes at once (a scheduler dying in the handshake) said
    `cannot reach ...: in <TCP (closed)  local=tcp://... remote=tcp://...>: ConnectionResetError: ...`."""
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)

    def serve() -> None:
        with contextlib.suppress(OSError):
            while True:
                server.accept()[0].close()

    threading.Thread(target=serve, daemon=True).start()
    try:
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        run = subprocess.run([sys.executable, "-m", "validator", "check", "--cluster", address, str(corpus)], capture_output=True, env=_env(), timeout=30)
        lines = run.stderr.decode().strip().splitlines()
        assert run.returncode == 2 and len(lines) == 1, lines
        assert lines[0].startswith(f"sdelint: error: cannot reach the Dask scheduler at {address}: ") and "<TCP" not in lines[0], lines
    finally:
        server.close()


def test_ctrl_c_mid_run_is_exit_130_in_one_line_and_leaves_no_task_on_the_cluster(cluster, tmp_path):
    local, client = cluster
    example = EXAMPLE.read_bytes()
    for number in range(1500):
        (tmp_path / f"r{number:04}.json").write_bytes(example)
    run = subprocess.Popen([sys.executable, "-m", "validator", "check", "-q", "--cluster", local.scheduler_address, str(tmp_path)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env())
    try:
        deadline = time.monotonic() + 60
        while not client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) and time.monotonic() < deadline:
            time.sleep(0.05)
        run.send_signal(signal.SIGINT)
        _, err = run.communicate(timeout=30)
    finally:
        run.kill()
        run.wait()
    assert run.returncode == 130 and err.decode() == "sdelint: error: interrupted\n", err.decode()[-2000:]
    deadline = time.monotonic() + 30
    while client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) == 0
