"""Packaging: pip installs the sdist and its own tests pass against that install; the wheel carries the data files."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_the_sdist_holds_what_its_tests_need(dist, tmp_path):
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path, filter="data")
    (unpacked,) = tmp_path.iterdir()
    for needed in ("LICENSE", ".pre-commit-hooks.yaml", "benchmarks/make_corpus.py", "rules.yaml", "schemas/common/event.json", "validator/py.typed",
                   "examples/conversation-response.json", "README.md"):
        assert (unpacked / needed).is_file(), needed


def test_pip_installs_the_sdist_and_its_tests_pass_against_the_installed_copy(dist, tmp_path):
    """What a user of the sdist does: pip builds and installs it into a fresh environment; the sdist's own tests
    then run there against the installed package and its ``sdelint`` command, with the source package removed."""
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "src", filter="data")
    (unpacked,) = (tmp_path / "src").iterdir()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # the dependencies come from pip's cache after the test set-up's own install, else from the index (CI reaches PyPI)
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", str(sdist), "pytest>=7", "hypothesis>=6.80"],
        capture_output=True, text=True, timeout=600,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    shutil.rmtree(unpacked / "validator")  # the tests must import what pip installed
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    where = subprocess.run([str(python), "-c", "import validator; print(validator.__file__)"], cwd=unpacked, capture_output=True, text=True, env=env)
    assert str(venv) in where.stdout, where.stdout + where.stderr
    assert (venv / "bin" / "sdelint").is_file()
    tests = ["tests/test_schema_sources.py", "tests/test_registry.py", "tests/test_loading.py", "tests/test_cli.py::test_check_unrepaired_example_is_exactly_what_the_readme_shows",
             "tests/test_cli.py::test_check_example_passes_with_warnings", "tests/test_precommit.py::test_hook_definition_runs_all_files_in_one_process"]
    # pytest-xdist is not installed there: the project's addopts (-n 2) are replaced
    command = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=-ra", *tests]
    done = subprocess.run(command, cwd=unpacked, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert " passed" in done.stdout and "skipped" not in done.stdout.splitlines()[-1]


def test_the_wheel_carries_data_license_and_types(dist):
    (wheel,) = dist.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"validator/_data/rules.yaml", "validator/_data/schemas/common/event.json", "validator/py.typed"} <= names
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "License-File: LICENSE" in metadata and "Classifier: Typing :: Typed" in metadata


# Runs that reach each runtime dependency: the schema stage (jsonschema, fastjsonschema), the command line (click),
# a configuration and YAML input (PyYAML), directory searches with include and exclude patterns (pathspec), a custom
# rule's regular expression (google-re2), the JSON reports (orjson).
_LOWEST_CONFIG = """\
overrides:
  - files: ["strict/**"]
    rules: {cart-arithmetic: error}
custom-rules:
  - name: lead-topic-lower
    severity: warning
    where: lead.topic
    check: pattern
    options: {regex: '^[a-z ]+$'}
    message: "topic {value} is not lower case"
"""
_LOWEST_RUNS = (
    ("check", "--min-severity", "info", "--format", "json", "{example}"),
    ("check", "--format", "sarif", "{unrepaired}"),
    ("check", "--api-version", "v1", "-q", "{example}"),
    ("check", "--min-severity", "info", "."),
    ("check", "--exclude", "sub/*", "--include", "*.{json,yaml}", "."),
    ("check", "--exclude", "strict", "--statistics", "."),
    ("check", "--select", "no-such-rule", "{example}"),
    ("rules", "--format", "json"),
    ("explain", "timestamp-order"),
    ("schema", "--bundle"),
)


def _lowest_allowed(wheel: Path, extra: str | None = None) -> list[str]:
    """``name==lower bound`` for each runtime dependency the wheel declares (with its environment marker), or for
    each of an extra's (without its marker: these tests run on Linux and CPython)."""
    names = zipfile.ZipFile(wheel).namelist()
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    pins = []
    for requirement in re.findall(r"^Requires-Dist: (.+)$", metadata, re.M):
        if ("extra ==" in requirement) != (extra is not None) or (extra is not None and f"extra == '{extra}'" not in requirement):
            continue
        found = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([^,;\s]+)\s*(;.*)?", requirement.strip())
        assert found, f"a dependency without a lower bound: {requirement}"
        pins.append(f"{found[1]}=={found[2]}{found[3] or ''}" if extra is None else f"{found[1]}=={found[2]}")
    return pins


def test_the_lowest_dependency_versions_allowed_give_the_same_reports(dist, tmp_path):
    """pyproject's lower bounds are promises: with every runtime dependency at its lowest allowed version, the
    commands give what they give with today's versions. pathspec>=0.12 was not kept: 0.12 read --exclude 'sub/*'
    otherwise (the files in sub/x/ excluded), and pathspec 1.0.0 made every directory search an internal error."""
    (wheel,) = dist.glob("*.whl")
    pins = _lowest_allowed(wheel)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    install = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q", str(wheel), *pins],
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    work = tmp_path / "work"
    for name in ("a.json", "sub/b.json", "sub/deeper/c.json", "strict/d.json", "e.yaml"):
        (work / name).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "examples" / "conversation-response.json", work / "a.json")
    shutil.copy(ROOT / "examples" / "conversation-response.json", work / "strict" / "d.json")
    shutil.copy(ROOT / "tests" / "data" / "spec-example-unrepaired.json", work / "sub" / "deeper" / "c.json")
    (work / "sub" / "b.json").write_text('{"events": [{"sdeType": "LEAD", "lead": {"topic": "Loud"}}]}', encoding="utf-8")
    (work / "e.yaml").write_text("events:\n  - sdeType: LEAD\n    lead: {topic: quiet}\n", encoding="utf-8")
    (work / ".sdelint.yaml").write_text(_LOWEST_CONFIG, encoding="utf-8")
    (work / ".git").mkdir()  # no configuration above it is found
    files = {"example": str(ROOT / "examples" / "conversation-response.json"), "unrepaired": str(ROOT / "tests" / "data" / "spec-example-unrepaired.json")}
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["SDELINT_CACHE_DIR"] = str(tmp_path / "cache")  # fastjsonschema's version is in the cache key: kept apart anyway

    def outcomes(command: list[str], extra_env: dict[str, str]) -> list[tuple[int, str, str]]:
        found = []
        for run in _LOWEST_RUNS:
            args = [files.get(arg.strip("{}"), arg) for arg in run]
            done = subprocess.run([*command, *args], cwd=work, capture_output=True, text=True, env={**env, **extra_env}, timeout=120)
            # click 8.1 names -h first in "Try 'sdelint check -h' for help." (a help option with two names)
            found.append((done.returncode, done.stdout, done.stderr.replace(" -h' for help", " --help' for help")))
        return found

    lowest = outcomes([str(venv / "bin" / "sdelint")], {})
    today = outcomes([sys.executable, "-m", "validator"], {"PYTHONPATH": str(ROOT)})
    for run, low, now in zip(_LOWEST_RUNS, lowest, today, strict=True):
        assert "internal error" not in low[2] and "Traceback" not in low[2], (run, low[2][-2000:])
        assert low == now, run


def _get(url: str, body: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"} if body is not None else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_serve_extra_at_its_lowest_versions_serves_and_says_when_it_cannot_start(dist, tmp_path):
    """prometheus_client>=0.17 was not kept: disable_created_metrics came in 0.18, so with 0.17 every start of
    sdelint serve was an internal error. uvicorn before 0.50 exits 1 when the port is taken: the README's 3 was
    uvicorn's own status from 0.50 on, and is now sdelint's whatever uvicorn says."""
    (wheel,) = dist.glob("*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    install = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q", f"{wheel}[serve]",
                              *_lowest_allowed(wheel, "serve")], capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["SDELINT_CACHE_DIR"] = str(tmp_path / "cache")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [str(venv / "bin" / "sdelint"), "serve", "--port", str(port)]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log.read_text(errors="replace")[-3000:]
            try:
                if _get(f"http://127.0.0.1:{port}/readyz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.2)
        status, body = _get(f"http://127.0.0.1:{port}/v1/lint", (ROOT / "examples" / "conversation-response.json").read_bytes())
        assert status == 200 and b'"rule":"timestamp-order"' in body, body[:500]
        assert _get(f"http://127.0.0.1:{port}/")[0] == 200  # the playground's page, from the wheel's static files
        status, body = _get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200 and b"sdelint_http_requests_total" in body and b"_created" not in body
        taken = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        assert taken.returncode == 3, taken.stdout + taken.stderr
        assert "Traceback" not in taken.stderr and "address already in use" in taken.stderr
    finally:
        server.terminate()
        assert server.wait(timeout=60) == 0, log.read_text(errors="replace")[-3000:]
