"""Shared fixtures: the real example files, the real CLI, the installed command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from validator.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "conversation-response.json"
UNREPAIRED = ROOT / "tests" / "data" / "spec-example-unrepaired.json"


def without_modules(*names: str) -> str:
    """Python source that, run first in a subprocess, makes an import of any of ``names`` (or of a submodule) fail as a
    module that is not installed does: sdelint installed without an extra."""
    return (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] in {names!r}:\n"
        "            raise ImportError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Block())\n"
    )


def checkout_env() -> dict[str, str]:
    """The environment with this checkout first on the path, for subprocesses and the workers they start."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}



def to_v1(value: Any) -> Any:
    """The v1 form of engagement attributes: every value a string (v1 returns authenticated attributes only: no isAuthenticated)."""
    if isinstance(value, dict):
        return {k: to_v1(v) for k, v in value.items() if k != "isAuthenticated"}
    if isinstance(value, list):
        return [to_v1(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return value

@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Compiled-validator cache in a per-session temporary folder, never the user's."""
    monkeypatch.setenv("SDELINT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "sdelint-cache"))


@pytest.fixture
def example_path() -> Path:
    return EXAMPLE


@pytest.fixture
def example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def unrepaired_path() -> Path:
    return UNREPAIRED


@pytest.fixture
def cli():
    """Invoke the real click command in-process: cli("check", path, ...) -> click Result."""
    runner = CliRunner()

    def invoke(*args: str, input: bytes | str | None = None, env: dict | None = None):
        return runner.invoke(main, [str(a) for a in args], input=input, env=env, catch_exceptions=False)

    return invoke


def sdelint_command() -> list[str]:
    exe = shutil.which("sdelint", path=os.path.dirname(sys.executable)) or shutil.which("sdelint")
    return [exe] if exe else [sys.executable, "-m", "validator"]


@pytest.fixture
def run_sdelint(tmp_path, tmp_path_factory):
    """Run the installed ``sdelint`` command in a subprocess: run_sdelint("check", path) -> CompletedProcess."""
    cache = tmp_path_factory.getbasetemp() / "sdelint-cache"  # outside tmp_path, where tests put inputs

    def run(*args: str, input: bytes | None = None, cwd: Path | None = None, timeout: float = 120):
        env = {**os.environ, "SDELINT_CACHE_DIR": str(cache)}
        return subprocess.run([*sdelint_command(), *map(str, args)], input=input, capture_output=True, cwd=cwd or tmp_path, timeout=timeout, env=env)

    return run
