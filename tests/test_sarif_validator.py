"""SARIF output through Microsoft's SARIF validator (the SARIF Multitool), with GitHub's rule set.

The test set-up installs the Multitool from npm (``@microsoft/sarif-multitool``, a self-contained
build: no .NET needed) into a cache folder when it is missing, and npm itself with apt-get when that
is missing and we are root (CI).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLE, UNREPAIRED

MULTITOOL_VERSION = "5.7.0"
# Reported by the validator's own SARIF rule set, on purpose:
#   SARIF2005: no tool.driver.informationUri: the project has no public URL yet (set [project.urls] Repository
#              in pyproject.toml and the report carries it, see test_reporters)
#   SARIF2004: the artifacts array holds locations only: it lists every input checked, clean ones too, which is
#              the case the rule itself names for keeping it
ACCEPTED_SARIF_RULES = {"SARIF2004", "SARIF2005"}


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done


@pytest.fixture(scope="session")
def multitool() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sdelint-tests" / "sarif-multitool"
    if shutil.which("npm") is None:
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            pytest.fail("the SARIF validator test needs npm: apt-get install -y npm (as root)")
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "npm"]):
            _run(command, env=environment)
    cache.mkdir(parents=True, exist_ok=True)
    installed = cache / "node_modules" / "@microsoft" / "sarif-multitool" / "package.json"
    if not installed.is_file() or json.loads(installed.read_text(encoding="utf-8")).get("version") != MULTITOOL_VERSION:
        _run(["npm", "install", "--no-audit", "--no-fund", "--save-exact", "--prefix", str(cache), f"@microsoft/sarif-multitool@{MULTITOOL_VERSION}"])
    where = _run(["node", "-p", "require('@microsoft/sarif-multitool')"], cwd=cache)
    executable = Path(where.stdout.strip())
    executable.chmod(executable.stat().st_mode | 0o100)  # npm may not run the package's own chmod (install scripts)
    return executable


def _validate(multitool: Path, sarif: Path, rule_kinds: str, out: Path) -> list[dict]:
    _run([str(multitool), "validate", str(sarif), "--rule-kind", rule_kinds, "--output", str(out), "--log", "ForceOverwrite"])
    (run,) = json.loads(out.read_text(encoding="utf-8"))["runs"]
    assert run["invocations"][0]["executionSuccessful"] is True
    return run.get("results", [])


def test_sarif_reports_pass_the_validator_with_githubs_rules(multitool, run_sdelint, tmp_path):
    """Findings with and without positions (a syntax error, a broken gzip member), several files: GitHub's rules
    find nothing, and the SARIF rules only the two accepted advisories."""
    (tmp_path / "broken.json").write_text('{"events": [', encoding="utf-8")
    (tmp_path / "broken.json.gz").write_bytes(gzip.compress(b'{"events": []}')[:15])
    report = tmp_path / "report.sarif"
    done = run_sdelint("check", "--format", "sarif", "--min-severity", "info", "-o", report, UNREPAIRED, EXAMPLE, "broken.json", "broken.json.gz")
    assert done.returncode == 1, done.stderr
    results = json.loads(report.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert {"syntax-error", "encoding-error", "timestamp-order", "numeric-string"} <= {r["ruleId"] for r in results}
    assert _validate(multitool, report, "Gh", tmp_path / "github.sarif") == []
    advisories = _validate(multitool, report, "Sarif;Gh", tmp_path / "all.sarif")
    assert {r["ruleId"] for r in advisories} <= ACCEPTED_SARIF_RULES, advisories


def test_the_validator_rejects_what_github_would(multitool, run_sdelint, tmp_path):
    """The same report with its locations removed: the GitHub rules fire, so the clean result above means something."""
    report = tmp_path / "report.sarif"
    run_sdelint("check", "--format", "sarif", "-o", report, UNREPAIRED)
    log = json.loads(report.read_text(encoding="utf-8"))
    for result in log["runs"][0]["results"]:
        del result["locations"]
    broken = tmp_path / "without-locations.sarif"
    broken.write_text(json.dumps(log), encoding="utf-8")
    found = {r["ruleId"] for r in _validate(multitool, broken, "Gh", tmp_path / "github.sarif")}
    assert found & {"GH1015", "GH1017", "GH2012"}, found
