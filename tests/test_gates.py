"""The type and lint gates, run as part of the test suite so that the README's test command runs them too.

Each runs as its own process with the settings in pyproject.toml, from the repository root; a failure
shows the tool's whole output.
"""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def _exit_code_and_output(*command: str) -> tuple[int, str]:
    proc = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=600)
    return proc.returncode, proc.stdout + proc.stderr


def test_mypy_finds_no_errors() -> None:
    code, output = _exit_code_and_output("mypy", "--config-file", "pyproject.toml")
    assert code == 0, f"mypy failed (exit {code}):\n{output}"


def test_ruff_finds_nothing() -> None:
    code, output = _exit_code_and_output("ruff", "check", "--output-format", "concise", ".")
    assert code == 0, f"ruff check failed (exit {code}):\n{output}"
