"""Packaging: the sdist holds what its own tests need, and the wheel carries the data files."""

from __future__ import annotations

import os
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


def test_the_sdist_runs_its_own_tests(dist, tmp_path):
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path, filter="data")
    (unpacked,) = tmp_path.iterdir()
    for needed in ("LICENSE", ".pre-commit-hooks.yaml", "benchmarks/make_corpus.py", "rules.yaml", "schemas/common/event.json", "validator/py.typed"):
        assert (unpacked / needed).is_file(), needed
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    tests = ["tests/test_schema_sources.py", "tests/test_registry.py", "tests/test_loading.py", "tests/test_precommit.py::test_hook_definition_runs_all_files_in_one_process"]
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], cwd=unpacked, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert " passed" in done.stdout and str(unpacked) in subprocess.run(
        [sys.executable, "-c", "import validator; print(validator.__file__)"], cwd=unpacked, capture_output=True, text=True, env=env
    ).stdout


def test_the_wheel_carries_data_license_and_types(dist):
    (wheel,) = dist.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"validator/_data/rules.yaml", "validator/_data/schemas/common/event.json", "validator/py.typed"} <= names
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "License-File: LICENSE" in metadata and "Classifier: Typing :: Typed" in metadata
