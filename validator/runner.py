"""Checking many inputs: serially, or in worker processes with results in input order."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .config import CommandLine, ConfigError, Configuration, Shipped, discover
from .findings import SEVERITY_RANK
from .inputs import STDIN_NAME, Input, local_path, read_url
from .linter import FileResult, Linter
from .parallel import Executor, WorkerDied, process_pool
from .policy import Policy
from .rules.catalogue import did_you_mean, load_catalogue

if TYPE_CHECKING:
    from .parallel.dask import DaskExecutor

# Below this many files a pool costs more than it saves (a pre-commit run on a few files).
MIN_FILES_PER_PARALLEL_RUN = 16


class Configurations:
    """One Linter per configuration file in use: the nearest one above each input, or --config for all."""

    def __init__(self, explicit: Path | None, cli: CommandLine, search: bool = True, context: bool = False) -> None:
        if explicit is None and search:  # nested configurations: a name no built-in rule has may be one folder's custom rule
            builtin = load_catalogue()
            cli = replace(cli, elsewhere=frozenset(name for name in (*cli.select, *cli.ignore) if name not in builtin))
        self.explicit, self.cli, self.search = explicit, cli, search  # search False: the defaults unless explicit
        self.context = context  # record each finding's SDE type and day (the HTML report charts them)
        self._linters: dict[Path | None, Linter] = {}
        self._found: dict[Path, Path | None] = {}  # by resolved folder
        self._sources: dict[Path | None, Path | None] = {}  # by folder as given (None: the current folder)
        self._by_folder: dict[Path | None, Linter] = {}
        self._used: dict[Path | None, None] = {}  # the configuration files of the inputs (prepare), in the order met
        if explicit is not None:
            self.linter_for(None)  # a bad --config is reported before any input is read

    def linter_for(self, path: Path | None) -> Linter:
        folder_key = path.parent if path is not None else None
        linter = self._by_folder.get(folder_key)
        if linter is None:
            linter = self._by_folder[folder_key] = self._linter_for(path)
        return linter

    def _linter_for(self, path: Path | None) -> Linter:
        source = self.source_for(path)
        linter = self._linters.get(source)
        if linter is None:
            linter = self._linters[source] = Linter(Configuration.load(source, self.cli), context=self.context)
        return linter

    def source_for(self, path: Path | None) -> Path | None:
        """The configuration file that applies to ``path``: --config, else the nearest one above it.

        Remembered per folder as given: resolving it (an lstat per part) for each of 2,000 files of one folder took
        a tenth of a second before any was read, twice over (``prepare``, then the tasks).
        """
        if self.explicit is not None or not self.search:
            return self.explicit
        given = path.parent if path is not None else None
        if given in self._sources:
            return self._sources[given]
        folder = (given if given is not None else Path.cwd()).resolve()
        if folder not in self._found:
            self._found[folder] = discover(folder)
        source = self._sources[given] = self._found[folder]
        return source

    def prepare(self, paths: Iterable[Path | None]) -> None:
        """Load the configuration of every input (``_config_path``) before any is read: a bad one stops the run first.

        A --select/--ignore name no built-in rule has must then be a custom rule of one of them: each configuration
        took such names on trust (``CommandLine.elsewhere``), and one none defines is a typo, as for a single configuration.
        """
        for path in paths:
            source = self.source_for(path)
            self.linter_for(path)
            if source not in self._used:
                self._used[source] = None
        custom = {name for config in self._in_use() for name in config.custom_rules}
        for option, name in self.cli.rule_names():
            if name in self.cli.elsewhere and name not in custom:
                known = sorted({*load_catalogue(), *custom})
                raise ConfigError(f"unknown rule {name!r} in {option}{did_you_mean(name, known)} (see 'sdelint rules')")

    def warnings(self) -> list[str]:
        """The warnings of the configurations the inputs use (see ``Configuration.warnings``), each once."""
        return [warning for config in self._in_use() for warning in config.warnings]

    def rule_specs(self) -> dict:
        """Every rule known to the configurations in use (custom rules included), for reporters."""
        specs: dict = dict(load_catalogue())
        for linter in self._linters.values():
            specs.update(linter.config.specs())
        return specs

    def _in_use(self) -> list[Configuration]:
        """The configurations the inputs use (``prepare``): not the current folder's, loaded only for its ``cluster:``
        when no input is under it (running from the repository root must not make a subfolder's run stricter)."""
        return [self._linters[source].config for source in self._used]

    def fail_on(self) -> str:
        """The strictest fail-on of the configurations in use (one run, one exit code)."""
        return min((config.fail_on() for config in self._in_use()), key=SEVERITY_RANK.__getitem__, default="error")

    def lowest_shown(self) -> str:
        """The lowest severity any configuration in use shows (and so counts against fail-on)."""
        return min((config.min_severity() for config in self._in_use()), key=SEVERITY_RANK.__getitem__, default="warning")


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class FileTask:
    """One file for a worker process, with the configuration resolved here (its file, not its folder).

    On a cluster the configuration travels as data (``Shipped``) and the path is absolute, so a
    worker needs neither the user's configuration files nor the client's working directory.
    """

    path: Path | None  # a local file, or None for a URL
    name: str
    config: Path | Shipped | None  # None: the defaults
    cli: CommandLine
    url: str | None = None
    workers: int | None = 1  # processes a big input may be split over; None: the worker machine's CPUs
    context: bool = False  # see Linter: the HTML report's per-finding SDE type and day

    @property
    def label(self) -> str:
        return self.name


@lru_cache(maxsize=16)
def _worker_linter(config: Path | Shipped | None, cli: CommandLine, context: bool = False) -> Linter:
    """One Linter per configuration in each worker process, built for its first file."""
    if isinstance(config, Shipped):
        return Linter(config.load(), context=context)
    return Linter(Configuration.load(config, cli), context=context)


def check_file(task: FileTask) -> FileResult:
    """A worker's task: one file (records split over ``task.workers`` processes at most)."""
    linter = _worker_linter(task.config, task.cli, task.context)
    workers = default_jobs() if task.workers is None else task.workers
    return _lint_one(linter, task.name, task.path, task.url, workers)


def _lint_one(linter: Linter, name: str, path: Path | None, url: str | None, workers: int) -> FileResult:
    """One file or URL; what sdelint fails on becomes that input's internal-error finding (see ``_isolated``)."""
    if url is not None:
        return _isolated(linter, name, _url_policy_path(url), lambda: lint_url(linter, url, name, workers))
    assert path is not None
    return _isolated(linter, name, str(path), lambda: linter.lint_path(path, name, workers=workers))


def _isolated(linter: Linter, name: str, policy_path: str | None, lint: Callable[[], FileResult]) -> FileResult:
    """``lint()``, or the internal-error result of the input when sdelint fails on it: the run goes on with the others.

    A worker lost (WorkerDied) or an extra missing (ImportError, on a cluster's workers too) still ends the run.
    """
    try:
        result = lint()
    except (WorkerDied, ImportError):
        raise
    except Exception as exc:  # noqa: BLE001 - a bug on one input is reported on it
        result = linter.failed(name, policy_path, exc)
    source = linter.config.path
    result.config = str(source) if source is not None else None
    return result


def lint_url(linter: Linter, url: str, name: str, workers: int = 1) -> FileResult:
    """A URL read through fsspec; any failure to read it is a read-error finding, as for a local file."""
    policy_path = _url_policy_path(url)
    try:
        raw = read_url(url)
    except Exception as exc:  # noqa: BLE001 - each store raises its own errors (OSError, botocore's, ...)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else f"{type(exc).__name__}: {exc}"
        return linter.unreadable(name, policy_path, reason.splitlines()[0] if reason else type(exc).__name__)
    return linter.lint_bytes(raw, name, policy_path, workers=workers)


def _url_policy_path(url: str) -> str:
    """What a URL's configuration overrides are matched against: a file:// URL's local path, else the URL."""
    return local_path(url) or url


def _config_path(item: Input, stdin_name: str = STDIN_NAME) -> Path | None:
    """What decides an input's configuration: its path (a file:// URL's too, stdin's --stdin-filename); None (the current
    folder) for a store URL and unnamed standard input."""
    if item.is_stdin:
        return _stdin_path(stdin_name)
    if item.url is not None:
        local = local_path(item.url)
        return Path(local) if local is not None else None
    return item.path


def load_configurations(configs: Configurations, inputs: list[Input], stdin_name: str) -> None:
    """Every input's configuration, loaded (``Configurations.prepare``): a bad one raises ``ConfigError`` before any work.

    ``check_inputs`` does it first; ``check`` does it before connecting to a cluster too, so that a broken
    subfolder configuration stops a cluster run at once (exit 2), as a local one, not after a scheduler's round trip.
    """
    configs.prepare(_config_path(item, stdin_name) for item in inputs)


def check_inputs(
    configs: Configurations,
    inputs: list[Input],
    read_stdin: Callable[[], bytes],
    stdin_name: str,
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
    cluster: DaskExecutor | None = None,
) -> list[FileResult]:
    """FileResults in the order of ``inputs``, whatever the number of jobs or the cluster.

    Raises ``WorkerDied`` (a one-line message naming the file) when a worker process died twice on one file.
    """
    load_configurations(configs, inputs, stdin_name)
    if cluster is not None:
        return _check_on_cluster(configs, inputs, read_stdin, stdin_name, cluster, progress)
    jobs = min(jobs, default_jobs())  # CPU-bound: more processes than CPUs only cost memory
    files = [item for item in inputs if not _checked_here(item) and not _in_this_process(item)]
    by_file: Iterator[FileResult]
    pool: Executor | None = None
    if jobs > 1 and len(files) >= MIN_FILES_PER_PARALLEL_RUN:
        tasks = []
        for item in files:  # every configuration is read (and any error in one raised) before work starts
            configs.linter_for(_config_path(item))
            tasks.append(FileTask(item.path, item.name, configs.source_for(_config_path(item)), configs.cli, item.url, context=configs.context))
        pool = process_pool(min(jobs, len(files)))
        by_file = pool.map(check_file, tasks, chunksize=_chunksize(len(files), jobs))
    else:
        by_file = (_check_serially(configs.linter_for(_config_path(item)), item, jobs) for item in files)
    results: list[FileResult] = []
    try:
        for item in inputs:
            if item.is_stdin:
                results.append(_check_stdin(configs, item, read_stdin, stdin_name, jobs))
            elif item.unlisted is not None:
                results.append(_unlisted(configs, item))
            elif _in_this_process(item):
                results.append(_check_serially(configs.linter_for(_config_path(item)), item, jobs))
            else:
                results.append(next(by_file))
            if progress:
                progress(len(results), len(inputs))
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
    return results


def _checked_here(item: Input) -> bool:
    """Stdin, read by this process, and a folder that could not be listed, whose result needs no reading at all."""
    return item.is_stdin or item.unlisted is not None


def _in_this_process(item: Input) -> bool:
    """A ``memory://`` URL, whose store is this process's own: a spawned worker (where this process runs other
    threads) had an empty one, and said every file was missing (a read-error finding each)."""
    return item.url is not None and item.url.startswith("memory://")


def _unlisted(configs: Configurations, item: Input) -> FileResult:
    """The read-error result of a folder a search could not list (its configuration: the folder's parent's)."""
    path, reason = item.path, item.unlisted
    assert path is not None and reason is not None
    linter = configs.linter_for(path)
    return _isolated(linter, item.name, str(path), lambda: linter.unlisted(item.name, str(path), reason))


def _chunksize(files: int, workers: int) -> int:
    """Files per request: about four requests per worker, at most 64 files each."""
    return max(1, min(64, files // (workers * 4)))


def _stdin_path(stdin_name: str) -> Path | None:
    """What decides standard input's configuration: the --stdin-filename given, else the current folder (None)."""
    return Path(stdin_name) if stdin_name != STDIN_NAME else None


def _policy_path(item: Input, stdin_name: str) -> str | None:
    """What an input's configuration overrides are matched against (see ``Configuration.policy_for``)."""
    if item.is_stdin:
        return stdin_name if _stdin_path(stdin_name) else None
    return _url_policy_path(item.url) if item.url is not None else str(item.path)


def policy_of(configs: Configurations, item: Input, stdin_name: str) -> Policy:
    """The policy an input was checked with (which rules, at which severities, what is shown), as ``check_inputs`` chose it."""
    return configs.linter_for(_config_path(item, stdin_name)).config.policy_for(_policy_path(item, stdin_name))


def _check_stdin(configs: Configurations, item: Input, read_stdin: Callable[[], bytes], stdin_name: str, jobs: int) -> FileResult:
    linter = configs.linter_for(_config_path(item, stdin_name))
    policy_path = _policy_path(item, stdin_name)

    def lint() -> FileResult:
        try:
            raw = read_stdin()
        except OSError as exc:  # more than an input may hold (yes | sdelint check -), or a read that failed
            return linter.unreadable(stdin_name, policy_path, exc.strerror or str(exc))
        return linter.lint_bytes(raw, stdin_name, policy_path, workers=jobs)

    return _isolated(linter, stdin_name, policy_path, lint)


def _check_on_cluster(
    configs: Configurations,
    inputs: list[Input],
    read_stdin: Callable[[], bytes],
    stdin_name: str,
    cluster: DaskExecutor,
    progress: Callable[[int, int], None] | None,
) -> list[FileResult]:
    """Files as Dask tasks, results placed in input order as they finish; stdin is checked here.

    Configurations are resolved here and shipped as data; local paths go as absolute paths (the
    workers must see the same files: a shared filesystem), URLs are read by the workers.
    """
    shipped: dict[int, Shipped] = {}
    tasks: list[FileTask] = []
    places: list[int] = []
    for index, item in enumerate(inputs):
        if _checked_here(item):
            continue
        config = configs.linter_for(_config_path(item)).config  # every configuration is read (and checked) before work starts
        ship = shipped.get(id(config))
        if ship is None:
            ship = shipped[id(config)] = config.shipped()
        path = Path(os.path.abspath(item.path)) if item.path is not None else None
        tasks.append(FileTask(path, item.name, ship, configs.cli, item.url, workers=None, context=configs.context))
        places.append(index)
    results: list[FileResult | None] = [None] * len(inputs)
    done = 0
    for index, item in enumerate(inputs):
        if item.is_stdin:
            results[index] = _check_stdin(configs, item, read_stdin, stdin_name, default_jobs())
            done += 1
        elif item.unlisted is not None:
            results[index] = _unlisted(configs, item)
            done += 1
    for position, result in cluster.map_unordered(check_file, tasks, chunksize=_chunksize(len(tasks), cluster.threads())):
        results[places[position]] = result
        done += 1
        if progress:
            progress(done, len(inputs))
    assert all(result is not None for result in results), "a cluster task's result was lost"
    return [result for result in results if result is not None]


def _check_serially(linter: Linter, item: Input, jobs: int) -> FileResult:
    """Files one at a time: a big one may spread its records over the CPUs."""
    try:
        return _lint_one(linter, item.name, item.path, item.url, jobs)
    except WorkerDied as exc:
        raise WorkerDied(f"{exc} of {item.name}") from None


class ProgressBar:
    """A one-line counter on stderr, only for a terminal and long runs; never in CI logs."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.enabled = enabled and total >= 50 and sys.stderr.isatty() and not os.environ.get("CI")
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or (done % 10 and done != total):
            return
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()
