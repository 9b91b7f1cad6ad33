"""Which inputs a run covers: files, directories searched recursively, stdin.

Directories are searched for DEFAULT_INCLUDE unless ``--include`` says
otherwise; ``--exclude`` removes files found in directories (a file named on
the command line is always checked). Patterns have gitignore semantics (see
``globs``), relative to the directory searched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .globs import path_matches

STDIN = "-"
DEFAULT_INCLUDE = ("*.json", "*.jsonl", "*.ndjson", "*.json.gz", "*.jsonl.gz", "*.ndjson.gz")


@dataclass(frozen=True)
class Input:
    """A file to read, or stdin when ``path`` is None."""

    name: str
    path: Path | None


class InputError(Exception):
    """A usage problem with the paths given (exit code 2)."""


def _selected(relative: str, patterns: tuple[str, ...]) -> bool:
    return path_matches(relative, patterns)


def _broken_link(path: Path) -> bool:
    """A symlink whose target is gone: checked like a file, so the run reports it (read-error) instead of skipping it."""
    return path.is_symlink() and not path.exists()


def collect(
    paths: tuple[str, ...],
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    stdin_name: str = "<stdin>",
) -> tuple[list[Input], list[str]]:
    """Inputs in a stable order, and notes about directories that held no matching file."""
    include = include or DEFAULT_INCLUDE
    inputs: list[Input] = []
    notes: list[str] = []
    seen: set[Path] = set()
    for raw in paths:
        if raw == STDIN:
            if any(item.path is None for item in inputs):
                raise InputError("'-' (stdin) given twice")
            inputs.append(Input(stdin_name, None))
            continue
        path = Path(raw)
        try:
            is_dir, exists = path.is_dir(), path.exists() or path.is_symlink()
        except OSError:  # a name the system refuses (too long, say): its read-error finding says why
            is_dir, exists = False, True
        if is_dir:
            found = []
            for file in sorted(p for p in path.rglob("*") if p.is_file() or _broken_link(p)):
                relative = file.relative_to(path).as_posix()
                if _selected(relative, include) and not _selected(relative, exclude):
                    found.append(file)
            if not found:
                notes.append(f"{raw}: no file matching {', '.join(include)} in this directory")
            for file in found:
                key = Path(os.path.realpath(file)) if len(paths) > 1 else file  # one directory holds no duplicates
                if key not in seen:
                    seen.add(key)
                    inputs.append(Input(str(file), file))
        elif exists:
            key = Path(os.path.realpath(raw))
            if key not in seen:
                seen.add(key)
                inputs.append(Input(raw, path))
        else:
            raise InputError(f"path does not exist: {raw}")
    return inputs, notes
