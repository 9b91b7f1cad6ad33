"""The pre-commit hook, for real: a temporary repository refuses a bad payload and accepts a good one."""

from __future__ import annotations

import json
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
    # committed, so that no test sees it staged (pre-commit would give it to the hook as a YAML file): each test
    # then passes alone as in the file's order
    _git(project, "commit", "-q", "--no-verify", "-m", "pre-commit configuration")
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
    assert "recording.json" not in _git(project, "log", "--oneline", "--stat").stdout  # nothing was committed
    _git(project, "reset", "-q", "recording.json")
    (project / "recording.json").unlink()


def test_hook_accepts_a_good_payload(hooked_repo):
    project, env = hooked_repo
    result = _commit(project, env, "good.json", EXAMPLE.read_bytes())
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^sdelint\.+Passed$", result.stdout + result.stderr, re.M)
    assert "add good.json" in _git(project, "log", "--oneline").stdout


def test_hook_refuses_a_bad_payload_whose_extension_is_in_capitals(hooked_repo):
    """sdelint reads CAPTURE.JSON as JSON, but the hooks' files: pattern was case-sensitive: such a capture was
    never given to the hook, and a broken one was committed (a note left from an earlier round)."""
    project, env = hooked_repo
    result = _commit(project, env, "CAPTURE.JSON", UNREPAIRED.read_bytes())
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "CAPTURE.JSON:528:8: error syntax-error" in output
    _git(project, "reset", "-q", "CAPTURE.JSON")
    (project / "CAPTURE.JSON").unlink()


@pytest.mark.parametrize(("name", "given"), [
    ("fixtures/a.json", True), ("A.JSON", True), ("b.Jsonl", True), ("c.YML", True), ("d.json.GZ", True), ("e.txt", False),
    ("TSCONFIG.JSON", False), ("sub/.SDELINT.YAML", False), (".vscode/Settings.json", False), ("jsonfile", False),
])
def test_hook_patterns_take_extensions_in_any_case(name, given):
    """pre-commit matches files: and exclude: with Python's re.search, as here."""
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    default = hooks[0]
    assert (re.search(default["files"], name) is not None and re.search(default["exclude"], name) is None) is given
    strict = hooks[1]
    config_file = name.lower().endswith((".sdelint.yaml", ".sdelint.yml"))
    assert (re.search(strict["files"], name) is not None and re.search(strict["exclude"], name) is None) is (given or (
        name in ("TSCONFIG.JSON", ".vscode/Settings.json") and not config_file))


@pytest.mark.parametrize(("name", "given"), [
    ("a.j\u017fon", False), ("b.ndj\u017fon", False),  # ſ (long s): (?i) alone matches it to s; sdelint's any case is ASCII
    ("t\u017fconfig.json", True), ("tsconf\u0131g.json", True), ("devconta\u0131ner.json", True),  # ı (dotless i): not i
])
def test_hook_patterns_fold_ascii_letters_only(name, given):
    """In any case means ASCII case, as sdelint's directory search ([jJ][sS]...) and reader (str.lower) take it:
    Python's re.IGNORECASE without re.ASCII also matches ſ to s and ı to i, so a.jſon was given to the hook."""
    import yaml

    for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")):
        chosen = re.search(hook["files"], name) is not None and re.search(hook["exclude"], name) is None
        assert chosen is given, hook["id"]
    for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")):
        assert re.search(hook["exclude"], "sub/.sdel\u0131nt.yaml") is None, hook["id"]  # not sdelint's configuration


def test_hook_definition_runs_all_files_in_one_process():
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["sdelint", "sdelint-strict"]
    assert all(hook["entry"].startswith("sdelint check") and hook["require_serial"] is True for hook in hooks)
    assert "unrecognized-document" not in hooks[1]["entry"]


def _configure(project: Path, hook: str) -> None:
    config = project / ".pre-commit-config.yaml"
    config.write_text(re.sub(r"(?s)hooks:\n.*", "hooks:\n" + hook, config.read_text(encoding="utf-8")), encoding="utf-8")
    _git(project, "add", ".pre-commit-config.yaml")


def test_hook_with_a_baseline_and_the_strict_hook(hooked_repo, tmp_path):
    """The README's baseline set-up: the committed baseline matches the hook's files, so pre-commit passes it as an
    input, which was refused (exit 2) on every commit of it. And the default hook cannot be made strict: a scoped
    sdelint-strict fails a capture that is not a payload (an API error saved as a fixture). Both from an audit."""
    project, env = hooked_repo
    try:
        captured = tmp_path / "capture.json"
        captured.write_bytes(EXAMPLE.read_bytes().replace(b'"currency": "USD"', b'"currency": 5', 1))  # an accepted wrong-type error
        written = subprocess.run([sys.executable, "-m", "validator", "check", "--write-baseline", str(tmp_path / "b.json"), str(captured)],
                                 capture_output=True, text=True, timeout=300)
        assert written.returncode == 0, written.stderr
        (project / "capture.json").write_bytes(captured.read_bytes())
        _git(project, "add", "capture.json")
        _configure(project, "      - id: sdelint\n        args: [--baseline, .sdelint-baseline.json]\n")
        result = _commit(project, env, ".sdelint-baseline.json", (tmp_path / "b.json").read_bytes())
        output = result.stdout + result.stderr
        assert result.returncode == 0, output
        assert re.search(r"^sdelint\.+Passed$", output, re.M)  # the accepted error is hidden, the baseline itself not checked
        _configure(project, "      - id: sdelint-strict\n        files: ^fixtures/.*\\.json$\n")
        (project / "fixtures").mkdir()
        (project / "notes.json").write_text('{"type": "error", "message": "not a fixture"}')  # out of scope
        _git(project, "add", "notes.json")
        result = _commit(project, env, "fixtures/capture-401.json", b'{"error": {"code": 401, "message": "unauthorized"}}')
        output = result.stdout + result.stderr
        assert result.returncode != 0, output
        assert "fixtures/capture-401.json:1:1: error unrecognized-document" in output and "notes.json" not in output
    finally:
        _git(project, "reset", "-q")
        for name in ("fixtures/capture-401.json", "notes.json"):
            (project / name).unlink(missing_ok=True)
        _configure(project, "      - id: sdelint\n")
        _git(project, "commit", "-q", "--no-verify", "-m", "the default hook again")


def test_hook_passes_over_files_that_are_not_payloads_and_checks_yaml_and_json_lines(hooked_repo):
    """package.json does not fail the commit; a YAML fixture and a JSON Lines fixture are checked."""
    project, env = hooked_repo
    bad_event = b'{"sdeType": "LEAD", "serverTimeStamp": "1528659491243", "lead": {"serverTimeStamp": "1528659491243", "lead": {"topic": 7}}}'
    (project / "package.json").write_text('{"name": "site", "version": "1.0.0", "dependencies": {}}\n')
    # JSON with comments, as `tsc --init` writes it: refused the commit with a syntax-error (an audit)
    (project / "tsconfig.json").write_text('{\n  /* Visit https://aka.ms/tsconfig */\n  "compilerOptions": {"strict": true}  // on\n}\n')
    (project / "fixture.yaml").write_text("sdeType: LEAD\nserverTimeStamp: '1528659491243'\nlead: {serverTimeStamp: '1528659491243', lead: {topic: x}}\n")
    _git(project, "add", "package.json", "tsconfig.json", "fixture.yaml")
    result = _commit(project, env, "events.jsonl", bad_event + b"\n")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "events.jsonl:1:" in output and "package.json" not in output and "tsconfig.json" not in output
    assert "Checked 3 files" in output  # the YAML fixture and package.json were passed to sdelint too; tsconfig.json is excluded
    (project / "events.jsonl").write_bytes(bad_event.replace(b'"topic": 7', b'"topic": "x"') + b"\n")
    result = _commit(project, env, "events.jsonl", (project / "events.jsonl").read_bytes())
    assert result.returncode == 0, result.stdout + result.stderr


def _run_hooks(project: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", *args], cwd=project, capture_output=True, text=True, timeout=900, env=env)


def test_hook_rewrites_the_baseline_over_batches(hooked_repo):
    """A baseline rewrite through the hook (args: [--write-baseline, ...]): pre-commit names the committed baseline
    among the files, which was refused (exit 2: "is one of the inputs: it would be replaced"; an audit). With more
    files than one command line holds, pre-commit runs the hook once per batch, one after the other (require_serial):
    each batch keeps the entries of the others' files, and with --baseline no batch counts them as fixed."""
    project, env = hooked_repo
    bad_event = b'{"sdeType": "LEAD", "serverTimeStamp": "1528659491243", "lead": {"serverTimeStamp": "1528659491243", "lead": {"topic": 7}}}\n'
    folder = project / "recorded" / ("session-" + "x" * 100)
    names = [folder / f"{'y' * 40}-{index:04d}.json" for index in range(1000)]  # about 160 kB of names: two batches
    try:
        folder.mkdir(parents=True)
        for name in names:
            name.write_bytes(bad_event)
        (project / ".sdelint-baseline.json").write_text('{"sdelint_baseline": 1, "findings": []}\n', encoding="utf-8")
        _configure(project, "      - id: sdelint\n        args: [--write-baseline, .sdelint-baseline.json]\n")
        _git(project, "add", "-A")
        assert _git(project, "commit", "-q", "--no-verify", "-m", "recordings").returncode == 0
        result = _run_hooks(project, env, "--all-files", "--verbose")
        output = result.stdout + result.stderr
        assert "exit code: 2" not in output and "it would be replaced" not in output, output
        assert output.count("sdelint: note: wrote ") == 2, output  # two batches, the baseline rewritten by each
        assert "is the baseline written (--write-baseline): not checked as an input" in output
        written = json.loads((project / ".sdelint-baseline.json").read_text(encoding="utf-8"))["findings"]
        assert {entry["file"] for entry in written} >= {name.relative_to(project).as_posix() for name in names}
        _git(project, "add", "-A")
        result = _run_hooks(project, env, "--all-files")
        assert result.returncode == 0 and re.search(r"^sdelint\.+Passed$", result.stdout, re.M), result.stdout + result.stderr  # unchanged now
        _configure(project, "      - id: sdelint\n        args: [--baseline, .sdelint-baseline.json]\n")
        result = _run_hooks(project, env, "--all-files", "--verbose")
        output = result.stdout + result.stderr
        assert result.returncode == 0, output
        assert output.count("Baseline: ") == 2 and output.count("0 fixed since it was written") == 2, output
    finally:
        _git(project, "rm", "-rq", "--cached", "--ignore-unmatch", "recorded", ".sdelint-baseline.json")
        shutil.rmtree(project / "recorded", ignore_errors=True)
        (project / ".sdelint-baseline.json").unlink(missing_ok=True)
        _configure(project, "      - id: sdelint\n")
        _git(project, "commit", "-q", "--no-verify", "-m", "the default hook again")


def test_strict_hook_passes_over_a_folders_configuration(hooked_repo):
    """The README's sdelint-strict set-up (files: ^fixtures/...ya?ml...) with a fixtures folder of its own
    .sdelint.yaml (the nearest configuration applies): the configuration matched files: and failed the commit as
    an unrecognized-document (an audit). The hooks' exclude: leaves sdelint's configuration files out."""
    project, env = hooked_repo
    try:
        _configure(project, "      - id: sdelint-strict\n        files: ^fixtures/.*\\.(json|jsonl|ya?ml)(\\.gz)?$\n")
        (project / "fixtures" / "v2").mkdir(parents=True)
        (project / "fixtures" / "v2" / ".sdelint.yml").write_text("rules:\n  unknown-field: error\n", encoding="utf-8")
        (project / "fixtures" / ".sdelint.yaml").write_text("fail-on: error\n", encoding="utf-8")
        _git(project, "add", "fixtures")
        result = _commit(project, env, "fixtures/v2/good.json", EXAMPLE.read_bytes())
        output = result.stdout + result.stderr
        assert result.returncode == 0, output
        assert "unrecognized-document" not in output and re.search(r"^sdelint \(strict\)\.+Passed$", output, re.M), output
    finally:
        _git(project, "rm", "-rq", "--cached", "--ignore-unmatch", "fixtures")
        shutil.rmtree(project / "fixtures", ignore_errors=True)
        _configure(project, "      - id: sdelint\n")
        _git(project, "commit", "-q", "--no-verify", "-m", "the default hook again")


def test_the_baseline_hook_fails_when_it_first_writes_the_baseline(hooked_repo):
    """A sweep: the README's alias hook that writes the baseline reported Passed when it created it (pre-commit sees a
    changed tracked file, not a new one), so the baseline stayed unstaged and the CI gate failed on every accepted
    finding. Under pre-commit, a run that creates or changes the baseline fails and says to git add it."""
    project, env = hooked_repo
    try:
        (project / "capture.jsonl").write_bytes(b'{"sdeType": "LEAD", "serverTimeStamp": "1528659491243", "lead": {"serverTimeStamp": "1528659491243", "lead": {"Topic": "x"}}}\n')
        _git(project, "add", "capture.jsonl")
        _configure(project, "      - id: sdelint\n        alias: sdelint-baseline\n        stages: [manual]\n"
                            "        args: [--write-baseline, .sdelint-baseline.json]\n")
        assert _git(project, "commit", "-q", "--no-verify", "-m", "a capture").returncode == 0
        first = _run_hooks(project, env, "sdelint-baseline", "--hook-stage", "manual", "--all-files")
        output = first.stdout + first.stderr
        assert first.returncode == 1 and re.search(r"^sdelint\.+Failed$", output, re.M), output
        assert "the baseline .sdelint-baseline.json was created: git add it" in output
        _git(project, "add", ".sdelint-baseline.json")
        again = _run_hooks(project, env, "sdelint-baseline", "--hook-stage", "manual", "--all-files")
        assert again.returncode == 0 and re.search(r"^sdelint\.+Passed$", again.stdout, re.M), again.stdout + again.stderr
        # outside pre-commit, writing a baseline is a success (the README's first step)
        plain = subprocess.run([sys.executable, "-m", "validator", "check", "--write-baseline", "other-baseline.json", "capture.jsonl"],
                               cwd=project, capture_output=True, text=True, timeout=300, env={k: v for k, v in os.environ.items() if k != "PRE_COMMIT"})
        assert plain.returncode == 0, plain.stderr
    finally:
        _git(project, "rm", "-q", "--cached", "--ignore-unmatch", "capture.jsonl", ".sdelint-baseline.json")
        for name in ("capture.jsonl", ".sdelint-baseline.json", "other-baseline.json"):
            (project / name).unlink(missing_ok=True)
        _configure(project, "      - id: sdelint\n")
        _git(project, "commit", "-q", "--no-verify", "-m", "the default hook again")
