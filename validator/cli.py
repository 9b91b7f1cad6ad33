"""The ``sdelint`` command line."""

from __future__ import annotations

import contextlib
import errno
import importlib
import json
import os
import signal
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from . import __version__
from .atomic import open_atomically
from .baseline import BaselineError, apply_baseline, write_baseline
from .closed_pipe import (
    ERROR,
    NOTE,
    SIGPIPE_STATUS,
    WARNING,
    HelpCommand,
    emit,
    is_closed_pipe,
    labelled,
    printing_only,
    reader_gone,
    reader_may_leave,
    stderr_kept_open,
    tell,
    usage_error_shown,
)
from .collector import collector_paused, ending_with_exit
from .config import CommandLine, ConfigError, Configuration, discover, split_rule_names
from .findings import SEVERITY_RANK
from .globs import bad_file_patterns
from .inputs import DEFAULT_INCLUDE, STDIN, STDIN_NAME, Input, InputError, collect, list_url, read_stdin
from .load.reader import MAX_INPUT_BYTES
from .model import API_VERSION_CHOICES, ENGAGEMENT_HISTORY, MESSAGING, PROFILE_CHOICES, PROFILES, SDE_TYPES, VERSIONS, WEB
from .own_files import Refused, may_hold_a_baseline, without_earlier_reports, without_own_files
from .parallel import ClusterError, WorkerDied
from .report import REPORTERS
from .report.ascii_out import report_stream
from .report.common import COLOR_CHOICES, color_wanted, escape_controls
from .result import FileResult, worst
from .rules.catalogue import CatalogueError, did_you_mean
from .rules.explain import explain_rule, rule_table
from .runner import Configurations, ProgressBar, check_inputs, default_jobs, load_configurations, policy_of
from .validate import get_schema, schema_names
from .validate.bundle import bundle

if TYPE_CHECKING:
    from .inputs import Listing, ListRequest
    from .parallel.dask import DaskExecutor

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
LOCAL = "local"  # --cluster local (or cluster: local): run here; no Dask address is a bare word (it needs a port)


class SdelintGroup(click.Group):
    """Turns a bad configuration into a message and any unexpected exception into a one-line report; both exit 2.

    ``serve`` is defined in its own module, imported only when it is asked for (or listed in help):
    a ``check`` run, a pre-commit hook's, does not load its options and settings.
    """

    lazy = {"serve": ("validator.serve.command", "serve")}
    command_class = HelpCommand  # --help into a closed pipe exits 0

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return printing_only(partial(super().make_context, info_name, args, parent, **extra))  # --help, --version
        except click.exceptions.Exit:
            raise
        except click.ClickException as exc:  # `sdelint --bogus`
            usage_error_shown(exc)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, name = self.lazy[cmd_name]
            self.add_command(getattr(importlib.import_module(module), name))
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:  # a usage error naming a path: its control characters escaped, as in tell
            usage_error_shown(exc)
        except (click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except (CatalogueError, WorkerDied, ClusterError) as exc:
            tell(ERROR, str(exc))
            sys.exit(EXIT_USAGE)
        except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (Terminated)
            sys.exit(_interrupted(exc))
        except OSError as exc:  # a file sdelint itself had to write or read: -o under a file, a full disk
            if is_closed_pipe(exc, writing_stdio=False):  # a write to a closed pipe that nothing expected: the outcome may not be known
                reader_gone(sys.stdout)
                reader_gone(sys.stderr)
                sys.exit(SIGPIPE_STATUS)
            if isinstance(exc, FileNotFoundError) and exc.filename is None and not _working_directory_exists():
                tell(ERROR, "the working directory no longer exists (deleted or moved): change to a folder that does")
                sys.exit(EXIT_USAGE)
            where = f"{exc.filename}: " if exc.filename else ""
            tell(ERROR, f"{where}{exc.strerror or exc}")
            sys.exit(EXIT_USAGE)
        except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
            tell(ERROR, f"internal error: {type(exc).__name__}: {exc}")
            sys.exit(EXIT_USAGE)


@click.group(cls=SdelintGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="sdelint")
def main() -> None:
    """Validate and lint LivePerson engagement attributes in Messaging Interactions API payloads."""


def _working_directory_exists() -> bool:
    """os.getcwd() fails with ENOENT, naming no file, once the folder a shell sits in is removed."""
    try:
        os.getcwd()
    except FileNotFoundError:
        return False
    return True


def _rule_list(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    """--select/--ignore as rule names; a value that names none (``--select "$UNSET"``) is an error, not every rule."""
    try:
        return split_rule_names(values)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _file_to_write(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    """-o/--write-baseline as a Path; an empty name (``-o "$UNSET"``), which Path reads as the working directory, is refused.

    So is a name that can only be a directory's (``-o reports/``, ``reports/.``): Path drops the trailing
    separator, and a report was written as a file named ``reports`` where a folder was meant.
    """
    if value is None:
        return None
    if not value:
        raise click.BadParameter("an empty file name was given")
    if value == "-":  # as for the inputs, "-" is the standard stream: -o - is stdout; a baseline is a file
        if param.name == "output":
            return None
        raise click.BadParameter("'-' would be standard output, and a baseline is a file: give its name (./- for a file named '-')")
    separators = tuple(sep for sep in (os.sep, os.altsep) if sep)
    if value.endswith(separators) or os.path.basename(value) in (".", ".."):
        raise click.BadParameter(f"{value!r} names a directory: give a file name")
    return Path(value)


def _stdin_name(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """--stdin-filename: an empty name (``--stdin-filename "$UNSET"``) is refused, as for -o, rather than reported as "" or "."."""
    if not value:
        raise click.BadParameter("an empty name was given (leave the option out to report '-' as <stdin>)")
    return value


def _cluster_address(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--cluster: ``local`` runs here whatever the configuration names; an empty address (``--cluster "$DASK_SCHEDULER"``
    with the variable unset in CI) is refused rather than taken as "run locally", which hid the mistake."""
    if value is not None and not value.strip():
        raise click.BadParameter(f"an empty address was given (an unset variable?): name the scheduler (tcp://host:8786), or --cluster {LOCAL} to run here")
    return value


def _progress_wanted(output_format: str, output: Path | None) -> bool:
    return not REPORTERS[output_format].machine_readable and output is None


def _file_patterns(ctx: click.Context, param: click.Parameter, patterns: tuple[str, ...]) -> tuple[str, ...]:
    """--include/--exclude: each a pattern pathspec takes, with a bounded brace expansion."""
    if problem := bad_file_patterns(patterns):
        raise click.BadParameter(problem)
    return patterns


@main.command()
# readable=False: an input without read permission is a read-error finding, not a usage error
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True, readable=False))
@click.option("--format", "output_format", type=click.Choice(sorted(REPORTERS)), default="text", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), callback=_file_to_write, help="Write the report to FILE (atomically) instead of stdout.")
@click.option(
    "--api-version", type=click.Choice(API_VERSION_CHOICES), default=None,
    help="API version the payloads were recorded with. [default: the configuration's, else auto: detect per input]",
)
@click.option(
    "--profile", type=click.Choice(PROFILE_CHOICES), default=None,
    help="Where the payloads were captured: messaging (Messaging Interactions API), engagement-history, web (lpTag.sdes, "
    "engagementAttributes, lp_sdes). [default: the configuration's, else auto: detect per input]",
)
@click.option(
    "--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Configuration file (.sdelint.yaml or pyproject.toml); default: the nearest one above each input.",
)
@click.option("--select", multiple=True, metavar="RULE[,RULE]", callback=_rule_list, help="Check only these rules (repeatable).")
@click.option("--ignore", multiple=True, metavar="RULE[,RULE]", callback=_rule_list, help="Do not check these rules (repeatable).")
@click.option(
    "--fail-on", type=click.Choice(sorted(SEVERITY_RANK, key=SEVERITY_RANK.__getitem__)), default=None,
    help="Lowest severity that makes the exit code 1. [default: the configuration's, else error]",
)
@click.option(
    "--min-severity", type=click.Choice(sorted(SEVERITY_RANK, key=SEVERITY_RANK.__getitem__)), default=None,
    help="Lowest severity shown and counted against --fail-on; lower ones are only counted. [default: the configuration's, else warning]",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (usage errors still exit 2).")
@click.option(
    "--baseline", "baseline_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Report only findings that are not in this baseline file.",
)
@click.option(
    "--write-baseline", "write_baseline_path", type=click.Path(dir_okay=False), callback=_file_to_write,
    help="Record today's findings in FILE, then exit 0 (under pre-commit, 1 when FILE was created or changed: git add it).",
)
@click.option(
    "--include", multiple=True, metavar="GLOB", callback=_file_patterns,
    help=f"Files to check in directories (repeatable). [default: {', '.join(DEFAULT_INCLUDE)}]",
)
@click.option("--exclude", multiple=True, metavar="GLOB", callback=_file_patterns, help="Files to skip in directories (repeatable).")
@click.option(
    "--respect-gitignore/--no-respect-gitignore", default=True, show_default=True,
    help="In directories, skip the files git ignores (.gitignore, .git/info/exclude; git is asked).",
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes for many files. [default: the number of CPUs]")
@click.option(
    "--cluster", metavar="ADDRESS", default=None, callback=_cluster_address,
    help="Run on a Dask cluster: the scheduler's address (tcp://host:8786); needs pip install 'sdelint[dask]'."
    " 'local' runs here, whatever the configuration names. [default: the configuration's cluster]",
)
@click.option(
    "--stdin-filename", default=STDIN_NAME, show_default=True, callback=_stdin_name,
    help="Name to report for '-'; its extension picks the format and it is matched against path overrides.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.option("-v", "--verbose", is_flag=True, help="Also print what each input was checked as.")
@click.option("--statistics", is_flag=True, help="Print a count of findings per rule instead of the findings (with -q: only the counts).")
@click.option(
    "--color", "color", type=click.Choice(COLOR_CHOICES), default="auto", show_default=True,
    help="Colour the text format: auto colours a terminal unless NO_COLOR is set (FORCE_COLOR colours a pipe).",
)
@collector_paused()  # and resumed when the command ends: CliRunner and embedding callers keep their collector
def check(
    paths: tuple[str, ...],
    output_format: str,
    output: Path | None,
    api_version: str | None,
    profile: str | None,
    config_path: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    min_severity: str | None,
    exit_zero: bool,
    baseline_path: Path | None,
    write_baseline_path: Path | None,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    respect_gitignore: bool,
    jobs: int | None,
    cluster: str | None,
    stdin_filename: str,
    quiet: bool,
    verbose: bool,
    statistics: bool,
    color: str,
) -> None:
    """Check payload files, directories or '-' for stdin.

    Inputs may be JSON, JSON Lines (.jsonl, .ndjson), YAML (.yaml, .yml), each
    optionally gzip-compressed (.gz), and JavaScript, TypeScript or HTML sources
    (.js, .mjs, .cjs, .jsx, .ts, .mts, .cts, .tsx, .html, .htm: their lpTag.sdes
    pushes) when named
    or --include'd.

    \b
    Exit codes:
      0  no finding at or above --fail-on (default: error)
      1  findings at or above --fail-on (with --baseline: new ones); under
         pre-commit, --write-baseline created or changed the baseline
      2  usage error, bad configuration or internal error (an input sdelint
         failed on is reported as an internal-error finding; the others are checked)
      130, 143  interrupted (Ctrl-C) or terminated (SIGTERM)
    A reader that stops reading (| head) changes none of them.
    """
    if write_baseline_path is not None and output is not None:  # it writes no report: a later upload step would find none
        raise click.UsageError("--write-baseline writes the baseline and no report: leave out -o/--output, or run once for each")
    _text_for_people()  # a lone surrogate in a key must not stop the report
    if write_baseline_path is not None and baseline_path is not None:  # hides nothing: what is written is every finding
        tell(NOTE, "--baseline is not used with --write-baseline: the baseline written lists every finding of this run"
             " (and keeps its own earlier entries for files and rules the run did not check)")
    cli = CommandLine(api_version, select, ignore, min_severity, profile=profile)
    configs = Configurations(config_path, cli, context=REPORTERS[output_format].needs_context)
    on_cluster, unused_config = _cluster(cluster, configs)
    try:
        try:
            inputs, notes = collect(
                paths, include, exclude, stdin_name=stdin_filename, lister=on_cluster.list_url if on_cluster else list_url, respect_gitignore=respect_gitignore,
            )
        except InputError as exc:
            raise click.UsageError(str(exc)) from None
        for note in notes:
            tell(NOTE, note)
        if STDIN not in paths and click.get_current_context().get_parameter_source("stdin_filename") != ParameterSource.DEFAULT:
            tell(NOTE, "--stdin-filename names standard input ('-'), which is not among the paths: it is not used")
        if statistics and output_format != "text":  # a count per rule was asked for, and the report would not hold one
            counted = " (its summary counts findings by rule: by_rule)" if output_format == "json" else ""
            tell(NOTE, f"--statistics is for --format text: the {output_format} report lists the findings{counted}")
        if verbose and output_format != "text":  # what each input was checked as: text's lines, or the report's own fields
            held = " (its files list says what each input was checked as)" if output_format == "json" else ""
            tell(NOTE, f"-v/--verbose is for --format text: the {output_format} report is written as without it{held}")
        try:
            inputs, named_baseline = without_own_files(inputs, paths, {"-o/--output": output, "--write-baseline": write_baseline_path}, baseline_path)
        except Refused as exc:
            raise click.UsageError(str(exc)) from None
        if write_baseline_path is not None and not may_hold_a_baseline(write_baseline_path):  # after: an input's own message
            raise click.UsageError(
                f"--write-baseline {write_baseline_path} holds something sdelint did not write (a capture?): it would be replaced;"
                " name a new file or an earlier baseline"
            )
        # a gate pointed at the wrong folder must not pass; the hook naming only the committed baseline may
        if not inputs and not named_baseline:
            raise click.UsageError("no input to check: the paths given hold no file to check (see the notes above)")
        load_configurations(configs, inputs, stdin_filename)  # a bad one stops the run before the cluster is contacted
        executor = on_cluster.executor() if on_cluster else None
        progress = ProgressBar(len(inputs), _progress_wanted(output_format, output))
        try:
            results = check_inputs(configs, inputs, _read_stdin, stdin_filename, jobs or default_jobs(), progress, executor)
        finally:
            progress.close()
        results = without_earlier_reports(inputs, results, paths)
        if inputs and not results:  # a walk met only earlier reports and baselines: no gate passes on nothing checked
            raise click.UsageError("no input to check: the paths given hold only reports and baselines sdelint wrote (see the notes above)")
    finally:
        if on_cluster:
            on_cluster.shutdown()
    for warning in configs.warnings():
        tell(WARNING, warning)
    if unused_config is not None:  # no input uses it (one that did stopped the run with this error)
        said = "the current folder's configuration cannot be used, and no input is under it (its cluster: setting, if any, was not used)"
        tell(WARNING, f"{said}: {unused_config}")
    if unused := _api_version_unused(api_version, results):
        tell(NOTE, unused)
    # inputs sdelint failed on (a bug): reported like any finding, and the run ends with the internal-error status
    broken = [result.file for result in results if result.failed]
    if write_baseline_path is not None:
        if broken:  # their accepted findings would drop out of the baseline, and come back as new ones later
            tell(ERROR, f"the baseline {write_baseline_path} was not written: sdelint failed on some inputs")
            sys.exit(_internal_errors(broken))
        written = write_baseline(write_baseline_path, results, _rule_checks(configs, inputs, stdin_filename))
        # one a merge left broken, or of another sdelint's format, is replaced whole: say that its entries for the files
        # and rules this run did not check are not kept (a rewrite for some files otherwise keeps them)
        if written.unreadable is not None:
            tell(NOTE, f"the earlier baseline cannot be read, so none of its entries are kept ({written.unreadable})")
        count, kept = written.entries, written.kept
        earlier = f" ({kept} of them kept from the earlier baseline, for files or rules this run did not check)" if kept else ""
        tell(NOTE, f"wrote {count} finding{'s' if count != 1 else ''} to the baseline {write_baseline_path}{earlier}")
        if os.environ.get("PRE_COMMIT") and written.changed:
            # pre-commit fails a hook that changed a tracked file, but sees no new one: the first baseline passed, unstaged
            tell(NOTE, f"the baseline {write_baseline_path} was {'created' if written.created else 'changed'}: git add it"
                 " (under pre-commit, a hook that writes a file fails)")
            sys.exit(EXIT_FINDINGS)
        sys.exit(EXIT_OK)
    outcome = None
    if baseline_path is not None:
        try:
            outcome = apply_baseline(baseline_path, results, _rule_checks(configs, inputs, stdin_filename))
        except BaselineError as exc:
            raise click.UsageError(str(exc)) from None
    colored = color_wanted(color, sys.stdout if output is None else None, os.environ)
    reporter = REPORTERS[output_format](quiet=quiet, statistics=statistics, verbose=verbose, rules=configs.rule_specs(), color=colored)
    reporter.baseline = outcome
    reporter.stdin_names = frozenset(item.name for item in inputs if item.path is None)
    if output is None:
        if sys.stdout is None:  # `>&-`: Python has no stream for a closed descriptor
            raise OSError(errno.EBADF, "cannot write the report: standard output is closed")
        with reader_may_leave(sys.stdout):  # `| head`: the rest is dropped, and the exit status is the run's all the same
            reporter.write(results, report_stream(sys.stdout, reporter.escape))  # JSON and HTML stay valid on a stdout not UTF-8
            sys.stdout.flush()
    else:
        with reader_may_leave(None), open_atomically(output) as stream:  # -o /dev/stdout or a FIFO: as stdout
            reporter.write(results, stream)
    threshold = fail_on or configs.fail_on()
    shown = configs.lowest_shown()
    if SEVERITY_RANK[threshold] < SEVERITY_RANK[shown]:  # a gate that can never fire on what it names: say so
        named = f"--fail-on {threshold}" if fail_on else f"fail-on: {threshold} (configuration)"
        tell(WARNING, f"{named} cannot fail on {threshold} findings: they are below the lowest severity shown ({shown});"
             f" add --min-severity {threshold}")
    failed = worst(results) >= SEVERITY_RANK[threshold]
    sys.exit(_internal_errors(broken) or (EXIT_FINDINGS if failed and not exit_zero else EXIT_OK))


def _api_version_unused(api_version: str | None, results: list[FileResult]) -> str | None:
    """A note when --api-version named a version and no input was checked as Messaging Interactions, the only API
    with versions: Engagement History and web-side payloads have contracts of their own (as ``schema`` says)."""
    if api_version in (None, "auto"):
        return None
    profiles = sorted({result.profile for result in results if result.profile})
    if not profiles or MESSAGING in profiles:
        return None
    checked = " and ".join(profiles)
    return f"--api-version is for Messaging Interactions payloads: the inputs were checked as {checked}, whose contracts are their own (not used)"


def _rule_checks(configs: Configurations, inputs: list[Input], stdin_name: str) -> Callable[[str, str, str], bool]:
    """Whether this run checked (and would show) a rule at a place of an input: ``--select``, ``--ignore``, a configuration
    and ``--min-severity`` leave rules out, and a baseline entry of a rule left out is not fixed (it was not looked for)."""
    policies = {stdin_name if item.is_stdin else item.name: policy_of(configs, item, stdin_name) for item in inputs}

    def checks(file: str, rule: str, pointer: str) -> bool:
        policy = policies.get(file)
        return policy is None or policy.shown(rule, pointer)

    return checks


def _read_stdin() -> bytes:
    return read_stdin(MAX_INPUT_BYTES)  # the limit named here, where a test lowers it


def _internal_errors(files: list[str]) -> int:
    """EXIT_USAGE (with a line on stderr) when sdelint failed on some inputs, else 0."""
    if not files:
        return 0
    named = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
    tell(ERROR, f"internal error on {len(files)} input{'s' if len(files) != 1 else ''} ({named}): see their internal-error findings")
    return EXIT_USAGE


class _LazyCluster:
    """A Dask cluster connected to on first use: listing a URL, or checking once every configuration has loaded.

    A run that stops before (a broken subfolder configuration, no input) is exit 2 at once, as locally, not after
    a round trip to the scheduler (or 5 seconds waiting for one that is not there, and its error instead).
    """

    def __init__(self, address: str) -> None:
        self.address = address
        self._executor: DaskExecutor | None = None

    def executor(self) -> DaskExecutor:
        if self._executor is None:
            from .parallel.dask import DaskExecutor

            self._executor = DaskExecutor.connect(self.address)
        return self._executor

    def list_url(self, request: ListRequest) -> Listing:
        return self.executor().list_url(request)

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown()


def _cluster(address: str | None, configs: Configurations) -> tuple[_LazyCluster | None, ConfigError | None]:
    """The Dask cluster named by --cluster, else by the configuration (--config, or the nearest above the current folder);
    and the error of a current folder's configuration that cannot be loaded.

    That one is read before the inputs are known, for its ``cluster:`` only: ``sdelint check ../other/x.json`` from
    a folder whose configuration is half edited stopped with its error (exit 2), a file the run does not use. The
    error is kept: an input under it loads it again and stops the run with it; otherwise ``check`` warns.
    """
    if address is None and configs.source_for(None) is not None:
        try:
            address = configs.linter_for(None).config.cluster()
        except ConfigError as exc:
            if configs.explicit is not None:  # --config: the configuration of every input
                raise
            return None, exc
    if not address or address == LOCAL:
        return None, None
    try:
        from .parallel import dask  # noqa: F401 - a missing extra is said at once, before the inputs are listed
    except ImportError as exc:
        raise click.UsageError(str(exc)) from None  # --cluster or the configuration's cluster: alike
    return _LazyCluster(address), None


def _load_config(config_path: Path | None) -> Configuration:
    return Configuration.load(config_path if config_path else discover(Path.cwd()))


def _text_for_people() -> None:
    """Text for people (``check``'s reports, ``rules``, ``explain``) keeps the locale's encoding: a character it cannot
    write (a rationale's "—" or "…", a custom rule's summary on cp1252 or Latin-1) is shown as a Python escape, where
    it ended the command as an internal error (exit 2)."""
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="backslashreplace")


@main.command()
@click.option(
    "--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Configuration file; default: the nearest one above the current directory.",
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(config_path: Path | None, output_format: str) -> None:
    """List every rule with its severity after configuration."""
    config = _load_config(config_path)
    rows = rule_table(config)
    if output_format == "json":
        emit(json.dumps(rows, indent=2))
        return
    _text_for_people()
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        emit(f"{row['name']:<{width}}  {row['severity']:<7}  {row['category']:<6}  {escape_controls(row['summary'])}")  # a custom summary's


@main.command()
@click.argument("rule")
@click.option(
    "--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Configuration file; default: the nearest one above the current directory.",
)
def explain(rule: str, config_path: Path | None) -> None:
    """Print a rule's documentation: summary, rationale, parameters, a bad and a good example."""
    config = _load_config(config_path)
    specs = config.specs()
    if rule not in specs:
        # the current folder's configuration only: a subfolder's custom rule is explained with its file named
        read = f"nor a custom rule of {config.path}" if config.path else "and no configuration was found above this folder"
        raise click.BadParameter(
            f"unknown rule {rule!r}{did_you_mean(rule, list(specs))}: not a built-in rule, {read} (a custom rule of another"
            " folder's configuration: name that file with --config); see 'sdelint rules'", param_hint="RULE",
        )
    _text_for_people()
    emit(explain_rule(config, rule))


# The schema `sdelint schema` prints when no NAME is given, per profile
_DEFAULT_SCHEMA = {MESSAGING: "response", ENGAGEMENT_HISTORY: "eh-response", WEB: "sde"}


@main.command()
@click.argument("name", required=False, default=None)
@click.option("--api-version", type=click.Choice(VERSIONS), default="v2", show_default=True)
@click.option(
    "--profile", type=click.Choice(PROFILES), default=MESSAGING, show_default=True,
    help="Whose schemas: messaging (per --api-version), engagement-history or web.",
)
@click.option("--bundle", "bundled", is_flag=True, help="Inline every referenced schema into one self-contained document.")
@click.option("--list", "list_names", is_flag=True, help="List the schema names.")
def schema(name: str | None, api_version: str, profile: str, bundled: bool, list_names: bool) -> None:
    """Print a JSON Schema. NAME is an sdeType (CART_STATUS), a container key
    (cartStatus) or response, response-list, record, events, event, event-list,
    definitions;
    with --profile web an lpTag type (cart, ctmrinfo...), sde or lp-sde; with
    --profile engagement-history also eh-response and eh-record."""
    if list_names and (bundled or name is not None):
        raise click.UsageError("--list prints the names only: it takes neither NAME nor --bundle")
    name = name or _DEFAULT_SCHEMA[profile]
    if profile != MESSAGING:
        if click.get_current_context().get_parameter_source("api_version") != ParameterSource.DEFAULT:
            tell(NOTE, f"--api-version is for Messaging Interactions schemas: the {profile} profile's are its own (not used)")
        api_version = profile  # a profile's schemas are a store of their own, named like it
    if list_names:
        emit("\n".join(schema_names(api_version)))
        return
    resolved = SDE_TYPES.get(name, name)
    if resolved not in schema_names(api_version):
        raise click.BadParameter(f"unknown schema {name!r}; see 'sdelint schema --list'", param_hint="NAME")
    document = bundle(api_version, resolved) if bundled else get_schema(api_version, resolved)
    emit(json.dumps(document, indent=2, ensure_ascii=False))



def _say_on_stderr(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        print(message, file=sys.stderr)


class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI job cancelled or timed out), raised where the run is, so it unwinds as Ctrl-C does:
    temporary files removed, workers stopped, one line said, exit 143."""


def _interrupted(exc: KeyboardInterrupt) -> int:
    """Say that the run was interrupted or terminated; its exit status (130, or 143 for SIGTERM)."""
    terminated = isinstance(exc, Terminated)
    _say_on_stderr(labelled(ERROR, "terminated" if terminated else "interrupted"))
    return 128 + signal.SIGTERM if terminated else 130


def _terminate_here(signum: int, frame: Any, main_pid: int) -> None:
    if os.getpid() != main_pid:  # a forked worker: die of the signal, as before (its parent notices)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        return
    raise Terminated


def _main_status(kept: list[BaseException]) -> str | int | None:
    """``main``'s exit status; the SystemExit that carried it goes into ``kept``.

    Its traceback holds the command's frames, and so the run's results (200,000 findings in a big run):
    kept, they are freed by the exit at once, not object by object when the exception is dropped (60 ms).
    """
    try:
        main(prog_name="sdelint")
    except SystemExit as exc:
        kept.append(exc)
        return exc.code
    except OSError as exc:  # --help or --version into a full disk (/dev/full), or a usage error's message
        if is_closed_pipe(exc):  # a usage error's message into a closed stderr (click writes it after the command): still 2
            reader_gone(sys.stderr)
            return EXIT_USAGE
        _say_on_stderr(labelled(ERROR, f"cannot write output: {exc.strerror or exc}"))
        return EXIT_USAGE
    return 0


def run() -> None:
    """The ``sdelint`` console command: ``main``, then ``os._exit`` once the output is flushed.

    A run is one short-lived process: freeing a big document's objects one by one and tearing the
    interpreter down would only delay the exit status. Everything sdelint writes is complete by
    then (reports and baselines are written atomically, pools are joined).
    """
    signal.signal(signal.SIGTERM, partial(_terminate_here, main_pid=os.getpid()))
    stderr_kept_open()  # `2>&-`: click's messages would otherwise go to stdout
    with contextlib.suppress(AttributeError, ValueError):  # PYTHONIOENCODING=ascii:strict: a file name is escaped, as on stdout
        sys.stderr.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    ending_with_exit()
    status: str | int | None = 0
    ended_by: list[BaseException] = []  # alive until os._exit (see _main_status)
    try:
        status = _main_status(ended_by)
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM outside the command (click's parsing, or after it ended): no traceback
        status = _interrupted(exc)
    for signum in (signal.SIGINT, signal.SIGTERM):  # what is written is complete: nothing may interrupt the exit now
        signal.signal(signum, signal.SIG_IGN)
    if status is None:
        code = 0
    elif isinstance(status, int):
        code = status
    else:
        print(status, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # a closed pipe (`| head`) or a closed stream: nothing more to say (or None)
            stream.flush()
    os._exit(code)
