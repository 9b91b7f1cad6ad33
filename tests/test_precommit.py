"""The pre-commit hook, for real: a temporary repository refuses a bad payload and accepts a good one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, ROOT, UNREPAIRED


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


def _snapshot_of_this_checkout(target: Path) -> str:
    """A git repository holding this checkout's current files (committed or not); returns its commit."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    assert _git(target, "commit", "-q", "-m", "snapshot").returncode == 0
    return _git(target, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="module")
def hooked_repo(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    base = tmp_path_factory.mktemp("precommit")
    source = base / "sdelint-src"
    source.mkdir()
    rev = _snapshot_of_this_checkout(source)
    project = base / "project"
    project.mkdir()
    _git(project, "init", "-q")
    (project / ".pre-commit-config.yaml").write_text(f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n      - id: sdelint\n", encoding="utf-8")
    _git(project, "add", ".pre-commit-config.yaml")
    env = {**os.environ, "PRE_COMMIT_HOME": str(base / "pre-commit-home")}
    installed = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=project, capture_output=True, text=True, env=env, timeout=600)
    assert installed.returncode == 0, installed.stderr
    return project, env


def _commit(project: Path, env: dict, name: str, content: bytes) -> subprocess.CompletedProcess:
    (project / name).write_bytes(content)
    _git(project, "add", name)
    return subprocess.run(["git", "commit", "-m", f"add {name}"], cwd=project, capture_output=True, text=True, timeout=900,
                          env={**env, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})


def test_hook_refuses_a_bad_payload_and_prints_the_finding(hooked_repo):
    project, env = hooked_repo
    result = _commit(project, env, "recording.json", UNREPAIRED.read_bytes())
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "recording.json:528:8: error syntax-error" in output
    assert _git(project, "log", "--oneline").stdout.strip() == ""  # nothing was committed
    _git(project, "reset", "-q", "recording.json")
    (project / "recording.json").unlink()


def test_hook_accepts_a_good_payload(hooked_repo):
    project, env = hooked_repo
    result = _commit(project, env, "good.json", EXAMPLE.read_bytes())
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^sdelint\.+Passed$", result.stdout + result.stderr, re.M)
    assert "add good.json" in _git(project, "log", "--oneline").stdout


def test_hook_definition_runs_all_files_in_one_process():
    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "sdelint" and hook["entry"].startswith("sdelint check") and hook["require_serial"] is True


def test_hook_passes_over_files_that_are_not_payloads_and_checks_yaml_and_json_lines(hooked_repo):
    """package.json does not fail the commit; a YAML fixture and a JSON Lines fixture are checked."""
    project, env = hooked_repo
    bad_event = b'{"sdeType": "LEAD", "serverTimeStamp": "1528659491243", "lead": {"serverTimeStamp": "1528659491243", "lead": {"topic": 7}}}'
    (project / "package.json").write_text('{"name": "site", "version": "1.0.0", "dependencies": {}}\n')
    (project / "tsconfig.json").write_text('{"compilerOptions": {"strict": true}}\n')
    (project / "fixture.yaml").write_text("sdeType: LEAD\nserverTimeStamp: '1528659491243'\nlead: {serverTimeStamp: '1528659491243', lead: {topic: x}}\n")
    _git(project, "add", "package.json", "tsconfig.json", "fixture.yaml")
    result = _commit(project, env, "events.jsonl", bad_event + b"\n")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "events.jsonl:1:" in output and "package.json" not in output and "tsconfig.json" not in output
    assert "Checked 4 files" in output  # the YAML fixture and both JSON files were passed to sdelint too
    (project / "events.jsonl").write_bytes(bad_event.replace(b'"topic": 7', b'"topic": "x"') + b"\n")
    result = _commit(project, env, "events.jsonl", (project / "events.jsonl").read_bytes())
    assert result.returncode == 0, result.stdout + result.stderr
