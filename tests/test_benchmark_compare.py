"""benchmarks/compare.py: two commits interleaved on the same input, reports compared byte for byte."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout")
def test_compare_runs_both_commits_and_compares_their_reports(tmp_path):
    example = ROOT / "examples" / "conversation-response.json"
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "compare.py"), "HEAD", "--rounds", "1", "--input", str(example)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    rows = [line for line in run.stdout.splitlines() if line.startswith("| conversation-response.json |")]
    assert [row.split("|")[2].strip() for row in rows] == ["bare", "base", "new"]
    expected = subprocess.run([sys.executable, "-m", "validator", "check", "--min-severity", "info", "--format", "json", "-o", str(tmp_path / "report.json"), str(example)],
                              cwd=ROOT, capture_output=True, timeout=120).returncode
    assert [row.rstrip(" |").rsplit("|", 1)[-1].strip() for row in rows] == ["0", str(expected), str(expected)]
    assert "conversation-response.json: the two reports are byte for byte the same" in run.stdout
    worktrees = subprocess.run(["git", "worktree", "list"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "sdelint-compare-" not in worktrees  # the base's worktree is removed


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout")
def test_compare_passes_the_options_after_a_double_dash_to_check():
    example = ROOT / "examples" / "conversation-response.json"
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "compare.py"), "HEAD", "--rounds", "1", "--input", str(example), "--", "-q", "--fail-on", "info"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    rows = [line for line in run.stdout.splitlines() if line.startswith("| conversation-response.json |")]
    assert [row.rstrip(" |").rsplit("|", 1)[-1].strip() for row in rows] == ["0", "1", "1"]  # --fail-on info: the example fails
    assert "byte for byte" not in run.stdout  # no -o: no reports to compare


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout")
def test_compare_takes_a_folder_its_bare_side_parsing_each_json_file(tmp_path):
    """A folder as --input (the corpus' small files): the bare side exited 1 on it (json.load of a folder)."""
    folder = tmp_path / "small"
    folder.mkdir()
    example = ROOT / "examples" / "conversation-response.json"
    for name in ("a.json", "b.JSON"):
        (folder / name).write_bytes(example.read_bytes())
    (folder / "c.jsonl").write_text('{"events": []}\n\n{"events": []}\n', encoding="utf-8")  # line by line
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "compare.py"), "HEAD", "--rounds", "1", "--input", str(folder), "--", "-q"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    rows = [line for line in run.stdout.splitlines() if line.startswith("| small |")]
    assert [row.split("|")[2].strip() for row in rows] == ["bare", "base", "new"]
    assert rows[0].rstrip(" |").rsplit("|", 1)[-1].strip() == "0"
    (folder / "d.ndjson").write_text("{\n", encoding="utf-8")  # the bare side does parse each file: a broken one fails it
    broken = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "compare.py"), "HEAD", "--rounds", "1", "--input", str(folder), "--", "-q"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert [line for line in broken.stdout.splitlines() if line.startswith("| small | bare |")][0].rstrip(" |").rsplit("|", 1)[-1].strip() == "1"
