"""Checking many inputs: serially, or in worker processes with results in input order."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from .config import CommandLine, Configuration, discover
from .inputs import Input
from .findings import SEVERITY_RANK
from .linter import FileResult, Linter
from .parallel import Executor, WorkerDied, process_pool
from .rules.catalogue import load_catalogue

# Below this many files a pool costs more than it saves (a pre-commit run on a few files).
MIN_FILES_PER_PARALLEL_RUN = 16


class Configurations:
    """One Linter per configuration file in use: the nearest one above each input, or --config for all."""

    def __init__(self, explicit: Path | None, cli: CommandLine, context: bool = False) -> None:
        self.explicit, self.cli = explicit, cli
        self.context = context  # record each finding's SDE type and day (the HTML report charts them)
        self._linters: dict[Path | None, Linter] = {}
        self._found: dict[Path, Path | None] = {}
        self._by_folder: dict[Path | None, Linter] = {}
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
        """The configuration file that applies to ``path``: --config, else the nearest one above it."""
        if self.explicit is not None:
            return self.explicit
        folder = (path.parent if path is not None else Path.cwd()).resolve()
        if folder not in self._found:
            self._found[folder] = discover(folder)
        return self._found[folder]

    def rule_specs(self) -> dict:
        """Every rule known to the configurations in use (custom rules included), for reporters."""
        specs: dict = dict(load_catalogue())
        for linter in self._linters.values():
            specs.update(linter.config.specs())
        return specs

    def fail_on(self) -> str:
        """The strictest fail-on of the configurations in use (one run, one exit code)."""
        return min((linter.config.fail_on() for linter in self._linters.values()), key=SEVERITY_RANK.get, default="error")


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class FileTask:
    """One file for a worker process, with the configuration resolved here (its file, not its folder)."""

    path: Path
    name: str
    config: Path | None  # None: the defaults
    cli: CommandLine
    context: bool = False  # see Linter: the HTML report's per-finding SDE type and day

    @property
    def label(self) -> str:
        return self.name


@lru_cache(maxsize=16)
def _worker_linter(config: Path | None, cli: CommandLine, context: bool = False) -> Linter:
    """One Linter per configuration in each worker process, built for its first file."""
    return Linter(Configuration.load(config, cli), context=context)


def check_file(task: FileTask) -> FileResult:
    """A worker's task: one process per file at most, so the file's records are not split further."""
    return _worker_linter(task.config, task.cli, task.context).lint_path(task.path, task.name)


def check_inputs(
    configs: Configurations,
    inputs: list[Input],
    read_stdin: Callable[[], bytes],
    stdin_name: str,
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[FileResult]:
    """FileResults in the order of ``inputs``, whatever the number of jobs.

    Raises ``WorkerDied`` (a one-line message naming the file) when a worker process died twice on one file.
    """
    jobs = min(jobs, default_jobs())  # CPU-bound: more processes than CPUs only cost memory
    files = [item for item in inputs if item.path is not None]
    by_file: Iterator[FileResult]
    pool: Executor | None = None
    if jobs > 1 and len(files) >= MIN_FILES_PER_PARALLEL_RUN:
        tasks = []
        for item in files:  # every configuration is read (and any error in one raised) before work starts
            assert item.path is not None
            configs.linter_for(item.path)
            tasks.append(FileTask(item.path, item.name, configs.source_for(item.path), configs.cli, configs.context))
        pool = process_pool(min(jobs, len(files)))
        by_file = pool.map(check_file, tasks, chunksize=max(1, min(64, len(files) // (jobs * 4))))
    else:
        by_file = (_check_serially(configs.linter_for(item.path), item, jobs) for item in files)
    results: list[FileResult] = []
    try:
        for item in inputs:
            if item.path is None:
                name_path = Path(stdin_name) if stdin_name != "<stdin>" else None
                linter = configs.linter_for(name_path)
                results.append(linter.lint_bytes(read_stdin(), item.name, stdin_name if name_path else None, workers=jobs))
            else:
                results.append(next(by_file))
            if progress:
                progress(len(results), len(inputs))
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
    return results


def _check_serially(linter: Linter, item: Input, jobs: int) -> FileResult:
    """Files one at a time: a big one may spread its records over the CPUs."""
    assert item.path is not None
    try:
        return linter.lint_path(item.path, item.name, workers=jobs)
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
