"""Searching a local folder for the files a run checks, and for the folders it cannot list.

pathlib's ``rglob`` passed over a folder it could not list (PermissionError) without a word, so the
files in it went unchecked while the run passed. Here each folder is listed with ``os.scandir``; one
that cannot be listed is returned with the reason, for its ``read-error`` finding, and the search goes
on. Links to folders are not followed (as ``rglob`` did): a link loop cannot make a search endless.

Folders no file of which can be an input are not entered at all, as ruff's default ``exclude`` does:
those named in DEFAULT_EXCLUDE (version control, dependencies, virtual environments, tool caches: a
search of ``.`` checked every ``package.json`` under ``node_modules`` as an unrecognized document, and
slowly), and those ``--exclude`` drops whole. A folder named on the command line is searched whatever
its name: only the folders met below it are compared.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .globs import folder_matches, gitignore_says, selected_file

# Folder names a search does not enter (at any depth below the folder searched); short, and documented in the README
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
    listed, sorted as paths; folders in DEFAULT_EXCLUDE, or that ``exclude`` drops whole, are not entered, and
    with ``respect_gitignore`` neither is what the repository's ignore files ignore (see ``_Ignores``)."""
    found: list[Found] = []
    ignores = _Ignores.above(top) if respect_gitignore else None
    pending = [(top, "", ignores)]
    while pending:
        folder, relative, ignores = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            found.append(Found(folder, relative, exc.strerror or str(exc)))
            continue
        if ignores is not None and any(entry.name == ".gitignore" for entry in entries):
            ignores = ignores.with_file(folder / ".gitignore", relative)
        for entry in entries:
            path, inner = folder / entry.name, f"{relative}/{entry.name}" if relative else entry.name
            if _is_folder(entry):
                if entry.name not in DEFAULT_EXCLUDE and not folder_matches(inner, exclude) and not (ignores and ignores.ignore(inner, True)):
                    pending.append((path, inner, ignores))
            elif _to_check(entry) and selected_file(inner, include, exclude) and not (ignores and ignores.ignore(inner, False)):
                found.append(Found(path, inner))
    return sorted(found, key=lambda item: item.path)


# A .gitignore longer than this is read only this far (a hostile one costs no more than a real one)
MOST_IGNORE_BYTES = 1 << 20


class _Ignores:
    """The ignore files of the git repository a search is in, as git reads them, as ruff's ``respect-gitignore``
    does: ``.git/info/exclude`` and each ``.gitignore`` from the repository's top folder down, the deepest
    deciding (``!`` takes back what an outer one ignored); a folder ignored is not entered, so nothing in it is
    taken back (as in git). Outside a repository there is nothing to respect. The folder searched is exempt:
    named on the command line, it is searched even if ignored (``sdelint check build/``).

    ``levels``: (folder's path from the repository's top, with a trailing slash, or "", its lines), outermost first.
    ``prefix``: the searched folder's path from the repository's top.
    """

    __slots__ = ("levels", "prefix")

    def __init__(self, levels: tuple[tuple[str, tuple[str, ...]], ...], prefix: str) -> None:
        self.levels, self.prefix = levels, prefix

    @classmethod
    def above(cls, top: Path) -> _Ignores | None:
        """The ignore files that apply to ``top`` from above it and beside the repository's ``.git``; None outside a repository."""
        here = Path(os.path.abspath(top))
        chain = [here, *here.parents]
        root = next((folder for folder in chain if os.path.lexists(folder / ".git")), None)
        if root is None:
            return None
        prefix = here.relative_to(root).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        ignores = cls((), prefix)
        exclude = root / ".git" / "info" / "exclude"
        if os.path.isfile(exclude):
            ignores = ignores._with_lines(_read_lines(exclude), "")
        for folder in reversed(chain[1:chain.index(root) + 1]):  # from the top folder down to top's parent
            ignores = ignores._with_lines(_read_lines(folder / ".gitignore"), folder.relative_to(root).as_posix())
        return ignores

    def with_file(self, path: Path, relative: str) -> _Ignores:
        """These, and the ``.gitignore`` at ``path`` (in the folder at ``relative`` from the folder searched)."""
        return self._with_lines(_read_lines(path), f"{self.prefix}{relative}")

    def _with_lines(self, lines: tuple[str, ...], folder: str) -> _Ignores:
        if not lines:
            return self
        folder = "" if folder in ("", ".") else folder.rstrip("/") + "/"
        return _Ignores((*self.levels, (folder, lines)), self.prefix)

    def ignore(self, relative: str, folder: bool) -> bool:
        """Whether the file or folder at ``relative`` (from the folder searched) is ignored: the deepest file that says decides."""
        full = self.prefix + relative
        for level, lines in reversed(self.levels):
            said = gitignore_says(full[len(level):], lines, folder)
            if said is not None:
                return said
        return False


def _read_lines(path: Path) -> tuple[str, ...]:
    """The lines of an ignore file; none when it is missing or unreadable (git reads what it can)."""
    try:
        with open(path, "rb") as stream:
            raw = stream.read(MOST_IGNORE_BYTES)
    except OSError:
        return ()
    return tuple(raw.decode("utf-8", errors="replace").splitlines())


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
