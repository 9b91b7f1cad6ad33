"""The Python API: the same findings as ``sdelint check``, one explicit entry point per kind of input.

``lint_path``, ``lint_bytes``, ``lint_text`` and ``lint_object`` say what they are given;
``lint`` picks one of them by type (a ``str`` is a path: JSON text in one is a TypeError pointing to ``lint_text``).
``profile`` is ``--profile``: auto (default), messaging, engagement-history or web.
``min_severity`` works as ``sdelint check --min-severity``: findings below it are not returned. Unlike
the command line, whose default is warning, the API returns every finding unless ``min_severity`` or
the configuration's ``min-severity`` says otherwise: a program filters for itself.
``lint_paths`` is ``sdelint check`` on many files, directories and URLs (and ``"-"``, standard input),
locally or on a Dask cluster (``cluster=``).
None of them searches for a configuration file unless ``config`` names one, so results do not
depend on the working directory. An unusable configuration raises ``ConfigError``.
"""

from __future__ import annotations

import io
import os
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .config import CommandLine, ConfigError, Configuration, ConfigWarning, split_rule_names
from .findings import Finding
from .linter import Linter
from .load.reader import FORMATS

__all__ = ["ConfigError", "ConfigWarning", "lint", "lint_bytes", "lint_object", "lint_path", "lint_paths", "lint_text"]

RuleNames = str | Iterable[str] | None


def _rule_names(names: RuleNames) -> tuple[str, ...]:
    """``"a,b"``, ``"a"`` or ``["a", "b"]``: the names, as the command line's --select/--ignore take them; None for none,
    as every other option takes it (``select=None`` was a TypeError)."""
    if names is None:
        return ()
    if isinstance(names, bytes | bytearray) or not isinstance(names, str | Iterable):
        raise TypeError(f"rule names are a str or a list of str, not {type(names).__name__}")
    values = [names] if isinstance(names, str) else list(names)
    for value in values:
        _expect(value, str, "a rule name")
    return split_rule_names(values)


def _expect(value: Any, kind: type | tuple[type, ...], what: str) -> None:
    """TypeError naming the argument, rather than an AttributeError from deep inside."""
    if not isinstance(value, kind):
        names = " or ".join("None" if k is type(None) else k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise TypeError(f"{what} must be {names}, not {type(value).__name__}")


def _config_path(config: str | os.PathLike[str] | None) -> Path | None:
    _expect(config, (str, os.PathLike, type(None)), "config")
    if config is not None and not os.fspath(config):  # config=os.environ.get("X", "") went without the configuration
        raise ValueError("config is an empty path: give None for no configuration file")
    return Path(config) if config is not None else None


def _patterns(patterns: str | Iterable[str], what: str) -> tuple[str, ...]:
    """``"*.json"`` or ``["*.json", "*.yaml"]``: one pattern, not the characters of one (``*`` would match everything)."""
    if isinstance(patterns, bytes | bytearray) or not isinstance(patterns, str | Iterable):
        raise TypeError(f"{what} must be a str or a list of str, not {type(patterns).__name__}")
    values = (patterns,) if isinstance(patterns, str) else tuple(patterns)
    for value in values:
        _expect(value, str, f"each {what} pattern")
    return values


def _command_line(api_version: str | None, select: RuleNames, ignore: RuleNames, min_severity: str | None, profile: str | None) -> CommandLine:
    """The options as the command line gives them; a value of the wrong type (``api_version=2``) is a TypeError that
    names it, as for the other arguments (a str that is no choice is a ConfigError, as in a configuration)."""
    for value, what in ((api_version, "api_version"), (min_severity, "min_severity"), (profile, "profile")):
        _expect(value, (str, type(None)), what)
    return CommandLine(api_version, _rule_names(select), _rule_names(ignore), min_severity, default_min_severity="info", profile=profile)


def _linter(
    api_version: str | None, config: str | os.PathLike[str] | None, select: RuleNames, ignore: RuleNames,
    min_severity: str | None = None, profile: str | None = None,
) -> Linter:
    cli = _command_line(api_version, select, ignore, min_severity, profile)
    configuration = Configuration.load(_config_path(config), cli)
    _warn(configuration.warnings)
    return Linter(configuration)


def _warn(messages: Iterable[str]) -> None:
    """The configuration's warnings, as ``sdelint check`` says them on stderr; shown once per calling line by default,
    at the first caller outside this package (``lint`` calls ``lint_object``, which calls ``_linter``, ...)."""
    package = os.path.dirname(__file__) + os.sep
    level, frame = 2, sys._getframe(1)  # stacklevel 2: _warn's caller
    while frame.f_back is not None and frame.f_code.co_filename.startswith(package):
        level, frame = level + 1, frame.f_back
    for message in messages:
        warnings.warn(message, ConfigWarning, stacklevel=level)


def lint_path(
    path: str | os.PathLike[str],
    *,
    api_version: str | None = None,
    config: str | os.PathLike[str] | None = None,
    select: RuleNames = (),
    ignore: RuleNames = (),
    min_severity: str | None = None,
    profile: str | None = None,
    name: str | None = None,
) -> list[Finding]:
    """Lint a file; its format (JSON, JSON Lines, YAML, gzip) follows from its path, not from ``name``, a label."""
    _expect(path, (str, os.PathLike), "path")
    _expect(name, (str, type(None)), "name")
    if not os.fspath(path):  # Path("") is the working directory: lint_path(os.environ.get("X", "")) read "." as a file
        raise ValueError("an empty path was given")
    return _linter(api_version, config, select, ignore, min_severity, profile).lint_path(Path(path), name or os.fspath(path)).findings


def lint_paths(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    cluster: Any = None,
    jobs: int | None = None,
    include: str | Iterable[str] = (),
    exclude: str | Iterable[str] = (),
    respect_gitignore: bool = True,
    api_version: str | None = None,
    config: str | os.PathLike[str] | None = None,
    select: RuleNames = (),
    ignore: RuleNames = (),
    min_severity: str | None = None,
    profile: str | None = None,
) -> list[Finding]:
    """Lint files, directories and URLs (``s3://``, ``file://``, ...) as ``sdelint check`` does, in input order;
    one path (a str or a PathLike) is one input, not the characters of one.

    The str ``"-"`` reads standard input (``sys.stdin.buffer``), named ``<stdin>``, as in ``sdelint check -``; a file
    named ``-`` is ``"./-"``, or ``Path("-")``: a PathLike is always a path.

    As the other functions: every finding unless ``min_severity`` (or the configuration's) says otherwise.

    ``cluster``: a Dask scheduler address (``tcp://host:8786``) or a ``distributed.Client``; the work
    then runs there (a Client given is left open). Raises ``ValueError`` for a path that does not
    exist or an unusable URL, and when the paths hold no file to check (none given, or folders with no file
    ``include`` takes), ``validator.parallel.ClusterError`` for a cluster that cannot be reached.
    An input sdelint itself fails on gives an ``internal-error`` finding, as in ``sdelint check``.
    """
    from .globs import bad_file_patterns
    from .inputs import STDIN, STDIN_NAME, InputError, collect, list_url, read_stdin
    from .runner import Configurations, check_inputs, default_jobs

    if isinstance(paths, str | os.PathLike):  # one path, not the characters of one
        paths = [paths]
    if isinstance(paths, bytes | bytearray) or not isinstance(paths, Iterable):
        raise TypeError(f"paths must be a path or a list of them (str or PathLike), not {type(paths).__name__}")
    paths = list(paths)
    for path in paths:
        _expect(path, (str, os.PathLike), "each path")
    _expect(respect_gitignore, (bool,), "respect_gitignore")
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int)):
        raise TypeError(f"jobs must be an int or None, not {jobs!r}")
    if jobs is not None and jobs < 0:
        raise ValueError(f"jobs must be 0 or more (0: one per CPU), not {jobs}")
    include, exclude = _patterns(include, "include"), _patterns(exclude, "exclude")  # iterated twice: checked, then collected
    if problem := bad_file_patterns((*include, *exclude)):
        raise ValueError(problem)

    cli = _command_line(api_version, select, ignore, min_severity, profile)
    configs = Configurations(_config_path(config), cli, search=False)
    executor = None
    if isinstance(cluster, str) and not cluster.strip():  # cluster=os.environ.get("DASK_SCHEDULER", "") went unset
        raise ValueError("cluster is an empty address: give None to run here, or the scheduler's address")
    if cluster is not None:
        from .parallel.dask import DaskExecutor

        executor = DaskExecutor.connect(cluster)
    try:
        lister = executor.list_url if executor else list_url
        try:
            # Path("./-") is Path("-"): a PathLike cannot say "./-", and it names a file anyway
            raws = tuple(os.fspath(path) if isinstance(path, str) or os.fspath(path) != STDIN else "./-" for path in paths)
            inputs, notes = collect(raws, tuple(include), tuple(exclude), lister=lister, respect_gitignore=respect_gitignore)
        except InputError as exc:
            raise ValueError(str(exc)) from None
        if not inputs:  # as sdelint check refuses it: a gate pointed at the wrong folder (or a glob of none) must not pass
            why = "; ".join(notes) if notes else "no path was given"
            raise ValueError(f"no input to check: {why}")
        results = check_inputs(configs, inputs, read_stdin, STDIN_NAME, jobs or default_jobs(), cluster=executor)
    finally:
        if executor is not None:
            executor.shutdown()
    _warn(configs.warnings())
    return [finding for result in results for finding in result.findings]


def lint_bytes(
    data: bytes | bytearray | memoryview,
    *,
    api_version: str | None = None,
    config: str | os.PathLike[str] | None = None,
    select: RuleNames = (),
    ignore: RuleNames = (),
    min_severity: str | None = None,
    profile: str | None = None,
    name: str | None = "<bytes>",
    input_format: str | None = None,
) -> list[Finding]:
    """Lint raw bytes (encoding problems are findings); ``input_format`` json, jsonl, yaml, js or html, else from ``name``.

    ``ValueError`` for another ``input_format``.
    """
    _expect(data, (bytes, bytearray, memoryview), "data")
    _expect(name, (str, type(None)), "name")
    _expect(input_format, (str, type(None)), "input_format")
    if input_format is not None and input_format not in FORMATS:
        raise ValueError(f"input_format {input_format!r} is not one of {', '.join(FORMATS)}")
    linter = _linter(api_version, config, select, ignore, min_severity, profile)
    return linter.lint_bytes(bytes(data), name or "<bytes>", input_format=input_format).findings


def lint_text(
    text: str,
    *,
    api_version: str | None = None,
    config: str | os.PathLike[str] | None = None,
    select: RuleNames = (),
    ignore: RuleNames = (),
    min_severity: str | None = None,
    profile: str | None = None,
    name: str | None = "<text>",
    input_format: str | None = None,
) -> list[Finding]:
    """Lint JSON (or JSON Lines, YAML) text given as a ``str``; positions count its characters."""
    _expect(text, str, "text (bytes go to lint_bytes)")
    data = text.encode("utf-8", errors="surrogatepass")
    options: dict[str, Any] = {
        "api_version": api_version, "config": config, "select": select, "ignore": ignore, "min_severity": min_severity, "profile": profile,
    }
    return lint_bytes(data, name=name or "<text>", input_format=input_format, **options)


def lint_object(
    data: Any,
    *,
    api_version: str | None = None,
    config: str | os.PathLike[str] | None = None,
    select: RuleNames = (),
    ignore: RuleNames = (),
    min_severity: str | None = None,
    profile: str | None = None,
    name: str | None = "<object>",
) -> list[Finding]:
    """Lint an already parsed payload; it has no text, so its findings carry line and column 0, in document order.

    Bytes, a path or an open file is a TypeError pointing to the function that reads it: checked as a payload, each was
    an unrecognized-document error about a file that was never read (``lint(open(path))``).
    """
    _expect(name, (str, type(None)), "name")
    if (misplaced := _not_a_payload(data)) is not None:
        raise TypeError(f"a parsed payload was expected, not {misplaced}")
    return _linter(api_version, config, select, ignore, min_severity, profile).lint_object(data, name or "<object>").findings


def _not_a_payload(data: Any) -> str | None:
    """What ``data`` is and which function reads it, when it is an input to read rather than a parsed payload."""
    kind = type(data).__name__
    if isinstance(data, bytes | bytearray | memoryview):
        return f"{kind}: use validator.lint_bytes"
    if isinstance(data, os.PathLike):
        return f"a path ({kind}): use validator.lint_path"
    if isinstance(data, io.IOBase):
        return f"an open file ({kind}): give validator.lint_bytes what it reads (f.read()), or validator.lint_path its path"
    return None


def lint(
    source: Any,
    *,
    api_version: str | None = None,
    config: str | os.PathLike[str] | None = None,
    select: RuleNames = (),
    ignore: RuleNames = (),
    min_severity: str | None = None,
    profile: str | None = None,
    name: str | None = None,
) -> list[Finding]:
    """Lint a path (``str`` or ``os.PathLike``), raw ``bytes`` or an already parsed object (not an open file: a TypeError).

    A ``str`` is always a path; a ``str`` that is not a file but reads like JSON or YAML text raises
    ``TypeError`` pointing to ``lint_text``, rather than reporting a file that does not exist.
    """
    options: dict[str, Any] = {
        "api_version": api_version, "config": config, "select": select, "ignore": ignore, "min_severity": min_severity, "profile": profile,
    }
    if isinstance(source, str | os.PathLike):
        if isinstance(source, str) and _reads_like_text(source) and not _is_file(source):
            raise TypeError("validator.lint() takes a str as a file path; this one reads like JSON or YAML text: use validator.lint_text()")
        return lint_path(source, name=name, **options)
    if isinstance(source, bytes | bytearray | memoryview):
        return lint_bytes(source, name=name or "<bytes>", **options)
    return lint_object(source, name=name or "<object>", **options)


def _reads_like_text(source: str) -> bool:
    """A str that can only be a payload's text, not a path: a JSON object or array, or more than one line (YAML).

    ``"{name}.json"`` (a template left unfilled) is a path that does not exist: said so, not taken for JSON text.
    """
    text = source.strip()
    return "\n" in text or (text[:1], text[-1:]) in (("{", "}"), ("[", "]"))


def _is_file(path: str) -> bool:
    try:
        return os.path.isfile(path)
    except (OSError, ValueError):
        return False
