"""Spark: sdelint's findings as a DataFrame, for data-lake pipelines (``pip install 'sdelint[spark]'``).

``lint_files`` reads files through Spark's ``binaryFile`` source (so any store Spark reads works),
``lint_column`` lints a table's payload column and carries the row's other columns through, and
``summary`` counts findings per rule and severity. The findings of a file are those of
``sdelint check`` on it: each payload goes through ``Linter.lint_bytes`` on the executors.

Execution is Arrow-based (``mapInArrow``): one Python call per batch of rows, not a UDF per row.
The configuration is read and validated on the driver (a bad one raises ``ConfigError`` before any
job runs) and shipped to the executors as data, so they need the sdelint package but not the
configuration file; each Python worker compiles one Linter per configuration and keeps it.

This is the only module that imports pyspark: the CLI, the Python API and the service never do.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, Unpack
from urllib.parse import unquote, urlsplit

try:
    import pyarrow as pa
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql.types import BinaryType, IntegerType, StringType, StructField, StructType
except ImportError as exc:  # which extra to install, not only the first module found missing
    from .extras import needs_extra

    raise ImportError(needs_extra("validator.spark", "spark", exc), name=exc.name) from exc

from .api import RuleNames, _command_line, _config_path, _expect
from .config import Configuration, Shipped
from .findings import Problem
from .inputs import DEFAULT_PATTERNS
from .linter import Linter
from .load import Document
from .load.reader import FORMATS
from .placing import place

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["FINDING_COLUMNS", "LintOptions", "lint_column", "lint_files", "local_session", "summary"]

# The columns of a finding after the carried ones: those of a finding in `sdelint check --format json`.
FINDING_COLUMNS = ("line", "column", "pointer", "rule", "severity", "message", "api_version")
_FINDING_SCHEMA = StructType(
    [StructField("line", IntegerType()), StructField("column", IntegerType())]
    + [StructField(name, StringType()) for name in FINDING_COLUMNS[2:]]
)
# binaryFile's pathGlobFilter takes one Hadoop glob: the CLI's directory patterns (the extension in any case) as one
# brace group, {*.[jJ][sS][oO][nN],...}
DEFAULT_FILE_GLOB = "{" + ",".join(DEFAULT_PATTERNS) + "}"


class LintOptions(TypedDict, total=False):
    """The Python API's options (see validator.api), taken as keywords by lint_files and lint_column.

    As in the Python API, every finding is returned unless ``min_severity`` (or the configuration's
    ``min-severity``) says otherwise; ``sdelint check`` shows warnings and errors by default.
    """

    api_version: str | None
    config: str | Path | None
    select: RuleNames
    ignore: RuleNames
    min_severity: str | None
    profile: str | None  # --profile: auto (default), messaging, engagement-history or web


def lint_files(
    spark: SparkSession,
    path_or_glob: str | Sequence[str],
    *,
    include: str | None = DEFAULT_FILE_GLOB,
    recursive: bool = True,
    **options: Unpack[LintOptions],
) -> DataFrame:
    """One row per finding (``path``, then ``FINDING_COLUMNS``) of every file under ``path_or_glob``.

    ``include`` filters file names (a Hadoop glob, braces allowed; default: the CLI's directory
    patterns, JSON, JSON Lines and their .gz; None reads every file); ``recursive`` descends into
    directories as the CLI does. A file without findings has no row. ``path`` is Spark's name for
    the file (``file:/data/a.json``); override globs of the configuration match its local path (or,
    on another store, its key in the bucket).
    """
    if isinstance(path_or_glob, str):
        paths: str | list[str] = path_or_glob
    elif isinstance(path_or_glob, Iterable) and not isinstance(path_or_glob, bytes | bytearray):
        paths = list(path_or_glob)
        for path in paths:
            _expect(path, str, "each path_or_glob")
    else:
        raise TypeError(f"path_or_glob must be a str or a list of str, not {type(path_or_glob).__name__}")
    # include=5 was the glob "5", which matches no file: no finding, and a gate built on it passed
    _expect(include, (str, type(None)), "include (one Hadoop glob)")
    _expect(recursive, bool, "recursive")
    settings = _settings(options)
    reader = spark.read.format("binaryFile").option("recursiveFileLookup", str(recursive).lower())
    if include is not None:
        reader = reader.option("pathGlobFilter", include)
    files = _with_empty_files(spark, reader.load(paths).select("path", "content"))
    schema = StructType([StructField("path", StringType()), *_FINDING_SCHEMA.fields])
    return files.mapInArrow(_lint_batches(settings, ["path"], None, by_path=True), schema)


def lint_column(
    df: DataFrame,
    column: str,
    keys: Sequence[str] | None = None,
    *,
    input_format: str = "json",
    **options: Unpack[LintOptions],
) -> DataFrame:
    """One row per finding in the payloads of ``column`` (JSON text as a string, or bytes), with ``keys``.

    ``keys``: the columns carried into each finding's row (default: every other column), to join the
    findings back or drop the bad rows. Each payload is one input (``input_format`` json, jsonl or
    yaml; gzip is recognised by its bytes); a null payload is a ``read-error`` finding. Lines and
    columns are positions in the payload's text.
    """
    _expect(column, str, "column")
    if column not in df.columns:
        raise ValueError(f"no column {column!r} in the DataFrame (it has: {', '.join(df.columns)})")
    payload_type = df.schema[column].dataType
    if not isinstance(payload_type, StringType | BinaryType):
        raise TypeError(f"column {column!r} holds {payload_type.simpleString()}: payloads must be a string (JSON text) or binary column")
    if input_format not in FORMATS:
        raise ValueError(f"input_format must be one of {', '.join(FORMATS)}, not {input_format!r}")
    if isinstance(keys, str):  # one column, not the characters of one
        keys = [keys]
    carried = [name for name in df.columns if name != column] if keys is None else list(keys)
    for name in carried:
        _expect(name, str, "each key")
    if len(set(carried)) != len(carried):  # the same column twice: Arrow failed inside the job, in the JVM
        twice = next(name for name in carried if carried.count(name) > 1)
        raise ValueError(f"keys name the column {twice!r} more than once")
    unknown = [name for name in carried if name not in df.columns]
    if unknown:
        raise ValueError(f"keys name no column of the DataFrame: {', '.join(unknown)}")
    clashes = [name for name in carried if name in FINDING_COLUMNS]
    if clashes:
        raise ValueError(f"column {clashes[0]!r} has the name of a finding column: rename it, or leave it out with keys=[...]")
    settings = _settings(options)
    schema = StructType([df.schema[name] for name in carried] + _FINDING_SCHEMA.fields)
    # positional names going in: mapInArrow reads a column "a.b" as field b of a struct a
    payloads = df.select(*[F.col(_quoted(name)).alias(f"_{index}") for index, name in enumerate([*carried, column])])
    return payloads.mapInArrow(_lint_batches(settings, carried, input_format, name=column), schema)


def _with_empty_files(spark: SparkSession, files: DataFrame) -> DataFrame:
    """``files`` and a row with empty content for each listed file its scan leaves out: an empty one.

    Spark splits a file into byte ranges to read, and a file of 0 bytes has none: it had no row and so no
    finding, where ``sdelint check`` says it is no JSON document (an error, and a failed gate). Only while Spark
    fails the job on a file it cannot read or that went missing (its default): with ``ignoreCorruptFiles`` or
    ``ignoreMissingFiles`` set, a file left out may be one of those, which the setting asks to skip.
    """
    if any(str(spark.conf.get(f"spark.sql.files.{name}", "false")).lower() == "true" for name in ("ignoreCorruptFiles", "ignoreMissingFiles")):
        return files
    listed = [_hadoop_path(uri) for uri in files.inputFiles()]
    if not listed:
        return files
    names = spark.createDataFrame([(name,) for name in listed], StructType([StructField("path", StringType())]))
    empty = names.join(files.select("path"), "path", "left_anti").withColumn("content", F.lit(b"").cast(BinaryType()))
    return files.unionByName(empty)


def _hadoop_path(uri: str) -> str:
    """A file as Hadoop's ``Path.toString`` names it (the ``path`` column: ``file:/a b.json``), from the URI
    ``inputFiles`` gives (``file:///a%20b.json``)."""
    parts = urlsplit(uri)
    authority = f"//{unquote(parts.netloc)}" if parts.netloc else ""
    return f"{parts.scheme}:{authority}{unquote(parts.path)}" if parts.scheme else unquote(parts.path)


def _quoted(name: str) -> str:
    """A column name as Spark reads it literally (``a.b`` would otherwise be field b of struct a)."""
    return "`" + name.replace("`", "``") + "`"


def summary(findings: DataFrame) -> DataFrame:
    """Findings per ``rule`` and ``severity`` (column ``findings``), errors first, then the most frequent."""
    rank = F.when(F.col("severity") == "error", 3).when(F.col("severity") == "warning", 2).otherwise(1)
    counts = findings.groupBy("rule", "severity").agg(F.count(F.lit(1)).alias("findings"))
    return counts.orderBy(rank.desc(), F.col("findings").desc(), F.col("rule"))


def local_session(app_name: str = "sdelint", cores: int = 2) -> SparkSession:
    """A small local session (no UI, few shuffle partitions, 1 GB for the driver): to try this module, for its tests and benchmark.

    Its Python workers run this interpreter, which has sdelint (unless ``PYSPARK_PYTHON`` says otherwise): PySpark's
    default, the first ``python3`` on PATH, is another one when a virtualenv's python runs the job without being activated.
    """
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(f"local[{cores}]").appName(app_name)
    settings = {"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": str(cores), "spark.driver.memory": "1g"}
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def _settings(options: LintOptions) -> bytes:
    """The options, checked and resolved on the driver, as bytes for the executors (and their Linter cache's key)."""
    unknown = set(options) - set(LintOptions.__annotations__)
    if unknown:
        raise TypeError(f"unknown option {sorted(unknown)[0]!r}: the options are {', '.join(LintOptions.__annotations__)}")
    # as the Python API: every finding unless min_severity or the configuration's min-severity says otherwise; a value
    # of the wrong type a TypeError, a str that is no choice a ConfigError (Configuration.load), with the API's messages
    cli = _command_line(options.get("api_version"), options.get("select", ()), options.get("ignore", ()),
                        options.get("min_severity"), options.get("profile"))
    config = options.get("config")
    # resolved here: an executor's working directory is not the driver's
    path = _config_path(config)  # config="" (an unset variable) is an error, as in the API, not a run without it
    configuration = Configuration.load(path.resolve() if path is not None else None, cli)
    return pickle.dumps(configuration.shipped())


@lru_cache(maxsize=8)
def _linter(settings: bytes) -> Linter:
    """One compiled Linter per configuration in each Python worker, kept across its tasks."""
    shipped: Shipped = pickle.loads(settings)
    return Linter(shipped.load())


def _local_path(path: str) -> str:
    """The path override globs are matched against: a local file's path, else the object's key in its bucket."""
    parts = urlsplit(path)
    if parts.scheme in ("", "file"):
        return parts.path
    return parts.path.lstrip("/")


def _lint_batches(
    settings: bytes, keys: list[str], input_format: str | None, *, name: str = "<payload>", by_path: bool = False
) -> Callable[[Iterable[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The function ``mapInArrow`` runs: batches of (keys..., payload) rows to batches of (keys..., finding) rows.

    ``by_path``: the first key is the file's path, which names the input (its format) and picks the overrides.
    """
    key_count = len(keys)

    def lint_batches(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        linter = _linter(settings)
        for batch in batches:
            payloads = batch.column(key_count)
            text = pa.large_string() if pa.types.is_large_binary(payloads.type) or pa.types.is_large_string(payloads.type) else pa.string()
            rows: list[int] = []
            values: list[list[Any]] = [[] for _ in FINDING_COLUMNS]
            for index in range(batch.num_rows):
                input_name = batch.column(0)[index].as_py() if by_path else name
                for finding in _findings(linter, payloads[index].as_py(), input_name, input_format, _local_path(input_name) if by_path else None):
                    rows.append(index)
                    for column_values, field in zip(values, FINDING_COLUMNS, strict=True):
                        column_values.append(finding.get(field))
            taken = pa.array(rows, pa.int64())
            arrays = [batch.column(i).take(taken) for i in range(key_count)]
            arrays += [pa.array(values[0], pa.int32()), pa.array(values[1], pa.int32())] + [pa.array(v, text) for v in values[2:]]
            yield pa.RecordBatch.from_arrays(arrays, names=[*keys, *FINDING_COLUMNS])

    return lint_batches


def _findings(linter: Linter, payload: bytes | str | None, name: str, input_format: str | None, path: str | None) -> list[dict[str, Any]]:
    """One payload's findings as ``sdelint check --format json`` writes them."""
    if payload is None:
        problem = Problem("", "read-error", "the payload is null")
        findings, _ = place(Document(name, None), [problem], linter.config.policy_for(path), None)
    else:
        raw = payload.encode("utf-8", errors="surrogatepass") if isinstance(payload, str) else payload
        findings = linter.lint_bytes(raw, name, path, input_format=input_format).findings
    return [finding.as_dict() for finding in findings]
