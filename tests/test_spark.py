"""validator.spark against the CLI on a real local Spark session (local[2], Java from the machine).

One SparkSession serves the whole module (starting one takes seconds); every comparison is with
``sdelint check --format json`` run through click on the same bytes, row for row.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import validator.spark as spark_module
from conftest import checkout_env, without_modules
from validator.cli import main
from validator.config import ConfigError

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "conversation-response.json"
UNREPAIRED = REPO / "tests" / "data" / "spec-example-unrepaired.json"

CONFIG = """\
min-severity: warning
rules:
  unknown-field: error
overrides:
  - files: ["legacy/**"]
    api-version: v1
custom-rules:
  - name: cart-needs-currency
    summary: Carts name their currency.
    severity: warning
    where: cartStatus.currency
    check: required
    message: the cart has no currency
"""

# a v2 event without fault, but for the configuration's custom rule (no currency); under v1, its number and flag are errors
EVENT_V2 = {"sdeType": "CART_STATUS", "serverTimeStamp": "1472483658855", "isAuthenticated": False, "cartStatus": {"serverTimeStamp": "1472483658855", "total": 10, "numItems": 1}}


@pytest.fixture(scope="module")
def spark():
    """One local Spark session for the module: two cores, no UI, few shuffle partitions, nothing downloaded."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PYSPARK_PYTHON", sys.executable)  # executors run this interpreter, with this PYTHONPATH
        session = spark_module.local_session("sdelint-tests")
        session.sparkContext.setLogLevel("ERROR")
        yield session
        session.stop()


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory of recordings in every form a directory run meets, plus files it must pass over."""
    root = tmp_path_factory.mktemp("recordings")
    (root / ".git").mkdir()  # no configuration above this directory is discovered by the CLI
    shutil.copy(EXAMPLE, root / "response.json")
    shutil.copy(UNREPAIRED, root / "unrepaired.json")
    (root / "with space.json").write_text(json.dumps({"events": [EVENT_V2]}, indent=1))
    (root / "clean.json").write_text('{"events": []}\n')
    (root / "latin1.json").write_bytes(b'{"events": [{"sdeType": "caf\xe9"}]}')
    lines = [json.dumps({"events": [EVENT_V2]}), "{broken", json.dumps([{"sdeType": "LEAD"}])]
    (root / "events.jsonl").write_text("\n".join(lines) + "\n")
    (root / "nested").mkdir()
    (root / "nested" / "response.json.gz").write_bytes(gzip.compress(EXAMPLE.read_bytes()))
    (root / "legacy").mkdir()
    (root / "legacy" / "typed.json").write_text(json.dumps({"events": [EVENT_V2]}, indent=2))
    (root / "CAPITALS.JSON").write_text(json.dumps({"events": [EVENT_V2]}))  # a directory run reads it: Spark too
    (root / "nested" / "empty 100% \u00e9t\u00e9.json").write_bytes(b"")  # a syntax error; Spark's scan reads no 0-byte file
    (root / "notes.txt").write_text("not a recording")
    (root / "fixture.yaml").write_text("events:\n  - sdeType: LEAD\n")
    return root


def cli_findings(*args: str | Path) -> list[dict[str, Any]]:
    """The findings of ``sdelint check --format json ARGS``."""
    result = CliRunner().invoke(main, ["check", "--format", "json", "--jobs", "1", *map(str, args)])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)["findings"]


def spark_rows(df) -> list[dict[str, Any]]:
    return [row.asDict() for row in df.collect()]


def in_order(rows: list[dict[str, Any]], file_key: str) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (r[file_key], r["line"], r["column"], r["pointer"], r["rule"], r["message"]))


def as_spark_paths(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """CLI findings with the file named as Spark names it (``file:/abs/path``) under ``path``."""
    renamed = []
    for finding in findings:
        row = dict(finding)
        row["path"] = "file:" + os.path.abspath(row.pop("file"))
        row.setdefault("api_version", None)
        renamed.append(row)
    return renamed


def test_lint_files_matches_the_cli_row_for_row_and_needs_no_config_file_on_executors(spark, recordings: Path) -> None:
    config = recordings / "shipped.yaml"  # its overrides' globs are relative to its folder
    config.write_text(CONFIG)
    expected = in_order(as_spark_paths(cli_findings("--config", config, recordings)), "path")
    findings = spark_module.lint_files(spark, str(recordings), config=config)
    config.unlink()  # read on the driver when the DataFrame was defined: the executors get it as data
    got = in_order(spark_rows(findings), "path")

    assert findings.columns == ["path", *spark_module.FINDING_COLUMNS]
    assert got == expected
    linted = {Path(row["path"]).name for row in got}
    assert {"unrepaired.json", "with space.json", "latin1.json", "events.jsonl", "response.json.gz", "typed.json", "CAPITALS.JSON",
            "empty 100% \u00e9t\u00e9.json"} <= linted
    assert not linted & {"clean.json", "notes.txt", "fixture.yaml"}
    # the override for legacy/** applied on the executors: the same event is v1 there, v2 elsewhere
    versions = {Path(row["path"]).name: row["api_version"] for row in got if row["api_version"]}
    assert versions["typed.json"] == "v1" and versions["with space.json"] == "v2"
    assert any(row["rule"] == "cart-needs-currency" for row in got)  # the custom rule travelled too
    assert {row["severity"] for row in got} == {"error", "warning"}  # and its min-severity


def test_lint_files_options_mean_what_the_cli_flags_mean(spark, recordings: Path, tmp_path: Path) -> None:
    config = tmp_path / "elsewhere.yaml"  # not in the folder, where *.yaml would take it for a recording
    config.write_text(CONFIG)  # its min-severity (warning) is overridden by the option
    options = {"min_severity": "info", "api_version": "v2", "ignore": ["message-id", "timestamp-order"], "include": "*.{json,yaml}"}
    flags = ["--min-severity", "info", "--api-version", "v2", "--ignore", "message-id,timestamp-order", "--include", "*.json", "--include", "*.yaml"]
    expected = in_order(as_spark_paths(cli_findings("--config", config, *flags, recordings)), "path")
    got = in_order(spark_rows(spark_module.lint_files(spark, str(recordings), config=config, **options)), "path")
    assert got == expected
    rules = {row["rule"] for row in got}
    assert "numeric-string" in rules and not rules & {"message-id", "timestamp-order"}  # the options changed the findings
    assert any(row["path"].endswith("fixture.yaml") for row in got)


def payload_table(spark):
    """A table with one payload per row (some bad, one null), an id and a source column to carry."""
    payloads = [
        (1, "crm", EXAMPLE.read_text()),
        (2, "crm", UNREPAIRED.read_text()),
        (3, "web", json.dumps({"events": [EVENT_V2]})),
        (4, "web", '{"events": []}'),
        (5, "web", None),
        (6, "app", json.dumps([{"sdeType": "LEAD", "lead": {}}], indent=2)),
        (7, "app", '{"conversationHistoryRecords": [{"sdes": {"events": [{"sdeType": "LEAD", "serverTimeStamp": "1472483658855",'
                   ' "lead": {"serverTimeStamp": "1472483658855", "lead": {"topic": "\u00e9t\u00e9"}}}]}}]}'),
    ]
    return payloads, spark.createDataFrame(payloads, "id INT, source STRING, payload STRING")


def test_lint_column_carries_the_row_and_matches_the_cli_per_payload(spark, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()  # the CLI finds no configuration above these files
    payloads, table = payload_table(spark)
    expected = []
    for row_id, source, text in payloads:
        if text is None:
            continue
        path = tmp_path / f"{row_id}.json"
        path.write_text(text, encoding="utf-8")
        for finding in cli_findings("--min-severity", "info", path):
            finding.pop("file")
            expected.append({"id": row_id, "source": source, **{"api_version": None, **finding}})
    expected.append({"id": 5, "source": "web", "line": 1, "column": 1, "pointer": "", "rule": "read-error", "severity": "error", "message": "the payload is null", "api_version": None})

    findings = spark_module.lint_column(table, "payload")  # every finding by default, as the Python API
    assert findings.columns == ["id", "source", *spark_module.FINDING_COLUMNS]
    assert in_order(spark_rows(findings), "id") == in_order(expected, "id")


def test_lint_column_keys_binary_payloads_and_keeping_only_clean_rows(spark) -> None:
    payloads, table = payload_table(spark)
    as_bytes = table.selectExpr("id", "source AS `from.system`", "CAST(payload AS BINARY) AS `raw.body`")  # dots are not struct fields
    findings = spark_module.lint_column(as_bytes, "raw.body", keys=["id"], min_severity="warning")
    assert findings.columns == ["id", *spark_module.FINDING_COLUMNS]
    errors = findings.filter("severity = 'error'")
    clean = as_bytes.join(errors.select("id").distinct(), "id", "left_anti")  # the README's recipe
    # 1 has warnings only, 3, 4 and 7 no finding; 2 is broken JSON, 5 null, 6 an event without its required members
    assert sorted(row.id for row in clean.collect()) == [1, 3, 4, 7]


def test_summary_counts_per_rule_and_severity_like_the_cli(spark, recordings: Path) -> None:
    by_rule = Counter((f["rule"], f["severity"]) for f in cli_findings("--min-severity", "info", recordings))
    table = spark_module.summary(spark_module.lint_files(spark, str(recordings)))  # every finding by default, as the Python API
    rows = spark_rows(table)
    assert {(r["rule"], r["severity"]): r["findings"] for r in rows} == dict(by_rule)
    ranks = [{"error": 3, "warning": 2, "info": 1}[r["severity"]] for r in rows]
    assert ranks == sorted(ranks, reverse=True)  # errors first
    assert 1 in ranks  # info findings too: the default is every finding


def test_bad_options_fail_on_the_driver_with_one_line(spark, tmp_path: Path) -> None:
    _, table = payload_table(spark)
    bad_config = tmp_path / "bad.yaml"
    bad_config.write_text("rules:\n  no-such-rule: error\n")
    with pytest.raises(ConfigError, match="unknown rule 'no-such-rule'"):
        spark_module.lint_files(spark, str(tmp_path), config=bad_config)
    with pytest.raises(ConfigError, match="unknown rule 'nope'"):
        spark_module.lint_column(table, "payload", select="nope")
    # as the Python API raises them (a ConfigError for a str that is no choice, a TypeError for another type): one
    # except clause serves both; they were ValueErrors in other words here
    with pytest.raises(ConfigError, match="api_version 'v3' is not one of auto, v1, v2"):
        spark_module.lint_column(table, "payload", api_version="v3")
    with pytest.raises(ConfigError, match="min_severity 'loud' is not one of"):
        spark_module.lint_column(table, "payload", min_severity="loud")
    with pytest.raises(TypeError, match="api_version must be str or None, not int"):
        spark_module.lint_column(table, "payload", api_version=2)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="config is an empty path"):  # config=os.environ.get("X", ""): not a run without it
        spark_module.lint_column(table, "payload", config="")
    with pytest.raises(TypeError, match="column 'id' holds int"):
        spark_module.lint_column(table, "id")
    with pytest.raises(ValueError, match="no column 'body'"):
        spark_module.lint_column(table, "body")
    with pytest.raises(ValueError, match="keys name no column"):
        spark_module.lint_column(table, "payload", keys=["missing"])
    with pytest.raises(ValueError, match="'rule' has the name of a finding column"):
        spark_module.lint_column(table.withColumnRenamed("source", "rule"), "payload")
    with pytest.raises(TypeError, match="unknown option 'selects'"):
        spark_module.lint_files(spark, str(tmp_path), selects="syntax-error")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="input_format"):
        spark_module.lint_column(table, "payload", input_format="xml")
    with pytest.raises(ConfigError, match="profile 'lpTag' is not one of auto, messaging, engagement-history, web"):
        spark_module.lint_column(table, "payload", profile="lpTag")


@pytest.mark.parametrize("profile", ["auto", "engagement-history", "web"])
def test_lint_column_takes_a_profile_as_the_cli_does(spark, tmp_path: Path, profile: str) -> None:
    """Engagement History and web-side payloads next to a Messaging one: the rows are the CLI's under --profile."""
    from test_profiles import EH_DEFECTS, ENGAGEMENT_BODY

    (tmp_path / ".git").mkdir()  # the CLI finds no configuration above these files
    payloads = [(1, EH_DEFECTS), (2, ENGAGEMENT_BODY), (3, EXAMPLE.read_text(encoding="utf-8"))]
    expected = []
    for row_id, text in payloads:
        path = tmp_path / f"{row_id}.json"
        path.write_text(text, encoding="utf-8")
        for finding in cli_findings("--min-severity", "info", "--profile", profile, path):
            finding.pop("file")
            expected.append({"id": row_id, **{"api_version": None, **finding}})
    table = spark.createDataFrame(payloads, "id INT, payload STRING")
    got = in_order(spark_rows(spark_module.lint_column(table, "payload", profile=profile)), "id")
    assert got == in_order(expected, "id")
    unrecognized = {row["id"] for row in got if row["rule"] == "unrecognized-document"}
    assert unrecognized == {"auto": set(), "engagement-history": {2, 3}, "web": {1, 3}}[profile]


def test_nothing_but_validator_spark_imports_pyspark() -> None:
    """A CLI run loads none of the spark extra; importing every other module of the package loads no pyspark."""
    code = """
import importlib, pkgutil, sys
import validator
from validator.cli import main

def loaded(*names):
    return sorted(m for m in sys.modules if m.split(".")[0] in names)

try:
    main(["check", "--format", "json", sys.argv[1]], standalone_mode=False)
except SystemExit:
    pass
print(loaded("pyspark", "py4j", "pyarrow", "pandas"))
for module in pkgutil.walk_packages(validator.__path__, "validator."):
    if module.name not in ("validator.spark", "validator.__main__"):
        importlib.import_module(module.name)
print(loaded("pyspark", "py4j"))
"""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code, str(EXAMPLE)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert '"findings"' in done.stdout  # the check really ran
    assert done.stdout.strip().splitlines()[-2:] == ["[]", "[]"]


def test_the_spark_extra_installs_a_pandas_pyspark_supports() -> None:
    """The extra pins pandas below 3: PySpark 4.x warns on every session that it does not fully support pandas 3."""
    import warnings

    from pyspark.sql.pandas.utils import require_minimum_pandas_version

    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        require_minimum_pandas_version()


def test_arguments_of_the_wrong_kind_fail_on_the_driver_not_in_the_job(spark, tmp_path: Path) -> None:
    """include=5 was the glob "5": no file, no finding, a passing gate; keys=["id", "id"] failed inside the job with
    a JVM Arrow error; keys="source" was the columns "s", "o", ... ; path_or_glob=5 was "'int' object is not iterable"."""
    _, table = payload_table(spark)
    (tmp_path / "a.json").write_text("{")
    with pytest.raises(TypeError, match="include"):
        spark_module.lint_files(spark, str(tmp_path), include=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="recursive must be bool"):
        spark_module.lint_files(spark, str(tmp_path), recursive="no")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="path_or_glob must be a str or a list of str, not int"):
        spark_module.lint_files(spark, 5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="each path_or_glob must be str"):
        spark_module.lint_files(spark, [str(tmp_path), tmp_path])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="keys name the column 'id' more than once"):
        spark_module.lint_column(table, "payload", keys=["id", "id"])
    with pytest.raises(TypeError, match="each key must be str, not int"):
        spark_module.lint_column(table, "payload", keys=[5])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="column must be str, not int"):
        spark_module.lint_column(table, 5)  # type: ignore[arg-type]
    one_key = spark_rows(spark_module.lint_column(table, "payload", keys="id"))  # one column, not its characters
    assert one_key and all(set(row) == {"id", *spark_module.FINDING_COLUMNS} for row in one_key)


def test_an_empty_file_is_left_out_only_where_spark_is_told_to_skip_files(spark, tmp_path: Path) -> None:
    """With ignoreMissingFiles (or ignoreCorruptFiles) a file the scan leaves out may be one it was told to skip."""
    (tmp_path / "empty.json").write_bytes(b"")
    rules = [row.rule for row in spark_module.lint_files(spark, str(tmp_path)).collect()]
    assert rules == ["syntax-error"]
    spark.conf.set("spark.sql.files.ignoreMissingFiles", "true")
    try:
        assert spark_module.lint_files(spark, str(tmp_path)).count() == 0
    finally:
        spark.conf.unset("spark.sql.files.ignoreMissingFiles")


@pytest.mark.parametrize("missing", ["pyarrow", "pyspark"])
def test_without_the_extra_the_import_says_which_extra_to_install(tmp_path: Path, missing: str) -> None:
    """Installed without the spark extra, ``import validator.spark`` was a bare ``No module named 'pyarrow'``."""
    code = without_modules(missing) + (
        "try:\n"
        "    import validator.spark\n"
        "except ImportError as exc:\n"
        "    print(type(exc).__name__, exc.name, exc)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=checkout_env(), cwd=tmp_path, timeout=60)
    assert run.stdout.startswith(f"ImportError {missing} validator.spark needs the spark extra ({missing}"), run.stdout + run.stderr
    assert "pip install 'sdelint[spark]'" in run.stdout


def test_local_session_workers_run_this_interpreter(tmp_path: Path) -> None:
    """A virtualenv's python run without activating it (cron, an IDE): the workers started the first python3 on
    PATH, which has no sdelint nor pyarrow, and the first job failed with 'No module named pyarrow'. Here that
    python3 is one that fails at once; PYSPARK_PYTHON is unset, as for a user who never heard of it."""
    decoy = tmp_path / "bin"
    decoy.mkdir()
    (decoy / "python3").write_text("#!/bin/sh\necho 'not this python' >&2\nexit 1\n")
    (decoy / "python3").chmod(0o755)
    code = (
        "from validator.spark import lint_column, local_session\n"
        "spark = local_session('sdelint-interpreter', cores=1)\n"
        "spark.sparkContext.setLogLevel('ERROR')\n"
        "rows = spark.createDataFrame([('a', '{\"events\": [{}]}')], 'id string, body string')\n"
        "print('findings', lint_column(rows, 'body').count())\n"
        "spark.stop()\n"
    )
    env = {key: value for key, value in os.environ.items() if key not in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")}
    env["PATH"] = f"{decoy}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert run.returncode == 0 and "findings " in run.stdout, run.stdout + run.stderr[-3000:]


def test_a_spark_dependency_that_cannot_load_is_not_said_to_be_missing(tmp_path: Path) -> None:
    """pyarrow installed beside a NumPy it does not take raises ImportError without a module name: the message read
    '(pyarrow requires NumPy 2.0 or newer, found 1.26.4 is not installed)'."""
    code = (
        "import sys\n"
        "class Broken:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'pyarrow':\n"
        "            raise ImportError('pyarrow requires NumPy 2.0 or newer, found 1.26.4')\n"
        "sys.meta_path.insert(0, Broken())\n"
        "try:\n"
        "    import validator.spark\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=checkout_env(), cwd=tmp_path, timeout=60)
    assert run.stdout.strip() == ("validator.spark needs the spark extra (pyarrow requires NumPy 2.0 or newer, found 1.26.4): "
                                  "pip install 'sdelint[spark]'"), run.stdout + run.stderr
