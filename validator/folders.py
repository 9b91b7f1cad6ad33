"""Searching a local folder for the files a run checks, and for the folders it cannot list.

pathlib's ``rglob`` passed over a folder it could not list (PermissionError) without a word, so the
files in it went unchecked while the run passed. Here each folder is listed with ``os.scandir``; one
that cannot be listed is returned with the reason, for its ``read-error`` finding, and the search goes
on. Links to folders are not followed (as ``rglob`` did): a link loop cannot make a search endless.

Folders no file of which can be an input are not entered at all, as ruff's default ``exclude`` does:
those named in DEFAULT_EXCLUDE (version control, dependencies, virtual environments, tool caches: a
search of ``.`` checked every ``package.json`` under ``node_modules`` as an unrecognized document, and
slowly), and those ``--exclude`` drops whole. A folder named on the command line is searched whatever
its name: only the folders met below it are compared. The files git ignores are left out after the
walk, git answering (``gitignored``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .globs import folder_matches, selected_file

# Folder names a search does not enter (at any depth below the folder searched); short, and documented in the README
# sdelint's own configuration files, in the order discovery prefers them: a search leaves them out, as they are read
# as configuration and hold no payload (--include '*.yaml' checked a fixtures folder's .sdelint.yaml: unrecognized-document)
CONFIGURATION_FILES = (".sdelint.yaml", ".sdelint.yml")

DEFAULT_EXCLUDE = frozenset({
    ".git", ".hg", ".svn", ".bzr",  # version control
    "node_modules", ".venv", "venv", ".tox", ".nox", ".direnv", ".eggs",  # dependencies and environments
    "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache",  # tool caches
})


@dataclass(frozen=True)
class Found:
    """A file to check, or (``error`` set) a folder that could not be listed: what it holds is unknown."""

    path: Path
    relative: str  # slash-separated, relative to the folder searched; "" for that folder itself
    error: str | None = None


def search(top: Path, include: tuple[str, ...], exclude: tuple[str, ...], respect_gitignore: bool = True) -> list[Found]:
    """The files under ``top`` that ``include`` selects and ``exclude`` keeps, and the folders that could not be
    listed, sorted as paths; folders in DEFAULT_EXCLUDE, or that ``exclude`` drops whole, are not entered. With
    ``respect_gitignore``, files git ignores are left out (git answers: see ``gitignored``)."""
    found: list[Found] = []
    repositories: list[Path] = []  # folders below top with a .git of their own (submodules, nested repositories)
    pending = [(top, "")]
    while pending:
        folder, relative = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            found.append(Found(folder, relative, exc.strerror or str(exc)))
            continue
        if relative and any(entry.name == ".git" for entry in entries):
            repositories.append(folder)
        for entry in entries:
            path, inner = folder / entry.name, f"{relative}/{entry.name}" if relative else entry.name
            if _is_folder(entry):
                if entry.name not in DEFAULT_EXCLUDE and not folder_matches(inner, exclude):
                    pending.append((path, inner))
            elif entry.name not in CONFIGURATION_FILES and _to_check(entry) and selected_file(inner, include, exclude):
                found.append(Found(path, inner))
    if respect_gitignore and found:
        from .gitignored import ignored  # a subprocess of git, only for a search

        left_out = ignored([item.path for item in found if item.error is None], top, repositories)
        found = [item for item in found if item.path not in left_out]
    return sorted(found, key=lambda item: item.path)


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """A folder to search; not a link to one (as rglob: no loops), and not an entry that cannot be examined."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _to_check(entry: os.DirEntry[str]) -> bool:
    """A file, a broken link, or an entry that cannot be examined (a link into a folder without search
    permission): the last two are checked like files, so their read-error says why, and the run goes on."""
    try:
        return entry.is_file() or (entry.is_symlink() and not os.path.exists(entry.path))
    except OSError:
        return True
