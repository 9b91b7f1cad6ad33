"""Which inputs a run covers: files, directories searched recursively, stdin."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

STDIN = "-"


@dataclass(frozen=True)
class Input:
    """A file to read, or stdin when ``path`` is None."""

    name: str
    path: Path | None


class InputError(Exception):
    """A usage problem with the paths given (exit code 2)."""


def collect(paths: tuple[str, ...], patterns: tuple[str, ...] = ("*.json",), stdin_name: str = "<stdin>") -> tuple[list[Input], list[str]]:
    """Inputs in a stable order, and notes about directories that held no matching file."""
    inputs: list[Input] = []
    notes: list[str] = []
    seen: set[Path] = set()
    for raw in paths:
        if raw == STDIN:
            inputs.append(Input(stdin_name, None))
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted({p for pattern in patterns for p in path.rglob(pattern) if p.is_file()})
            if not found:
                notes.append(f"{raw}: no file matching {', '.join(patterns)} in this directory")
            for file in found:
                if file.resolve() not in seen:
                    seen.add(file.resolve())
                    inputs.append(Input(str(file), file))
        elif path.exists():
            if path.resolve() not in seen:
                seen.add(path.resolve())
                inputs.append(Input(raw, path))
        else:
            raise InputError(f"path does not exist: {raw}")
    return inputs, notes
