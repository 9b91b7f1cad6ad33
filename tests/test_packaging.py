"""Packaging: pip installs the sdist and its own tests pass against that install; the wheel carries the data files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
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
