"""Which inputs a run covers: files, directories searched recursively, URLs, stdin.

Directories are searched for files that DEFAULT_INCLUDE selects (the extension in any case)
unless ``--include`` says otherwise; ``--exclude`` removes files found in directories (a file named on
the command line is always checked). Patterns have gitignore semantics (see
``globs``), relative to the directory searched, except that an include pattern
selects files, never a directory and all it holds (unless it ends in ``/`` or its
last name has no wildcard), and a search leaves out what git ignores (``gitignored``).

A URL (``s3://bucket/prefix/``, ``gs://...``, ``file://...``, ``memory://...``) is listed
and read through fsspec (the ``dask`` extra), with the same rules: a prefix is searched like
a directory (without what a directory search leaves out: ``folders.DEFAULT_EXCLUDE``). With
``--cluster`` the listing runs on a worker (``lister``), so that the client never needs access
to the store; fsspec is imported only when a URL is given.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .folders import CONFIGURATION_FILES, DEFAULT_EXCLUDE, search
from .globs import selected_file
from .load.reader import MAX_INPUT_BYTES, read_at_most

STDIN = "-"
STDIN_NAME = "<stdin>"  # standard input's name in reports, unless --stdin-filename names it
DEFAULT_INCLUDE = ("*.json", "*.jsonl", "*.ndjson", "*.json.gz", "*.jsonl.gz", "*.ndjson.gz")
# What DEFAULT_INCLUDE matches: the extension in any case (*.[jJ][sS][oO][nN]), as UP.JSON named is read as JSON
# (reader.format_of). Patterns a user gives are matched as written.
DEFAULT_PATTERNS = tuple("".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in p) for p in DEFAULT_INCLUDE)


@dataclass(frozen=True)
class Input:
    """A file to read, or stdin when ``path`` is None; with ``unlisted``, a folder a search could not list."""

    name: str
    path: Path | None
    url: str | None = None  # read through fsspec (path is None then too)
    size: int | None = None  # a URL's size as listed (it decides whether a big response is split)
    unlisted: str | None = None  # why the folder at ``path`` could not be listed: its read-error, nothing to read

    @property
    def is_stdin(self) -> bool:
        return self.path is None and self.url is None


class InputError(Exception):
    """A usage problem with the paths given (exit code 2)."""


def is_url(raw: str) -> bool:
    """``scheme://...`` names an fsspec location; a local path never holds ``://`` in practice."""
    scheme, sep, _ = raw.partition("://")
    return bool(sep) and scheme.replace("+", "").replace("-", "").isalnum()


@dataclass(frozen=True)
class ListRequest:
    """A URL to list (on a cluster worker, or here), with the directory rules of the run."""

    url: str
    include: tuple[str, ...]
    exclude: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"listing {self.url}"


@dataclass
class Listing:
    """What a URL holds: (url, size) per file in a stable order, or the one-line reason it cannot be used."""

    files: list[tuple[str, int | None]]
    error: str | None = None


def list_url(request: ListRequest) -> Listing:
    """A file URL is itself; a prefix is searched recursively like a directory. Never raises."""
    try:
        import fsspec  # type: ignore[import-untyped]
    except ImportError:
        return Listing([], "URL inputs need fsspec: pip install 'sdelint[dask]'")
    try:
        fs, root = fsspec.core.url_to_fs(request.url)
        if not fs.isdir(root):
            if not fs.exists(root):
                return Listing([], f"path does not exist: {request.url}")
            return Listing([(request.url, _size(fs.info(root)))])
        found: dict[str, Any] = fs.find(root, withdirs=False, detail=True)
    except ImportError as exc:  # a scheme whose package is missing (s3fs, gcsfs, adlfs)
        return Listing([], f"{request.url}: {exc}".splitlines()[0])
    except Exception as exc:  # noqa: BLE001 - any store's error (credentials, network) becomes one line
        return Listing([], f"{request.url}: cannot list: {type(exc).__name__}: {exc}".splitlines()[0])
    prefix = root.rstrip("/") + "/"
    relatives = {path[len(prefix):]: info for path, info in found.items() if path.startswith(prefix)}
    kept = [relative for relative in sorted(relatives) if selected_file(relative, request.include, request.exclude)
            and DEFAULT_EXCLUDE.isdisjoint(relative.split("/")[:-1])  # the folders a local search does not enter
            and relative.rsplit("/", 1)[-1] not in CONFIGURATION_FILES]
    # names as the URL given spells them; `file://` or `memory://` alone (the working directory, the store's root) is
    # followed by the relative path, where "file:/" + it named no file (a false read-error per file)
    base = request.url if request.url.endswith("://") else request.url.rstrip("/") + "/"
    return Listing([(base + relative, _size(relatives[relative])) for relative in kept])


def _size(info: dict[str, Any]) -> int | None:
    size = info.get("size")
    return size if isinstance(size, int) else None


def read_stdin(limit: int = MAX_INPUT_BYTES) -> bytes:
    """Standard input's bytes, for ``-`` (the command line and ``lint_paths``); OSError when it is closed, is no
    byte stream, or holds more than ``limit`` bytes (the input's read-error says why)."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # `<&-` (Python has no stream for a closed descriptor), or a notebook's stand-in
        raise OSError(errno.EBADF, "standard input is closed" if sys.stdin is None else "standard input is not a byte stream")
    if getattr(stream, "closed", False):  # sys.stdin.close() in this process: its read's ValueError was an internal-error
        raise OSError(errno.EBADF, "standard input is closed")
    return read_at_most(stream, limit)


def read_url(url: str) -> bytes:
    """An object's bytes through fsspec; raises OSError (or the store's own error) when unreadable."""
    import fsspec

    with fsspec.open(url, "rb") as stream:
        return read_at_most(stream, MAX_INPUT_BYTES)


def local_path(url: str) -> str | None:
    """The local path a ``file://`` URL names (configuration and overrides apply as to that path), else None."""
    return url[len("file://"):] if url.startswith("file://") else None


def _identity(path: str | Path, cwd: str, folders: dict[str, str]) -> str:
    """What makes two local inputs one: the same file name in the same folder, the folder resolved (``a.json``,
    ``./a.json``, ``$PWD/a.json`` also where ``$PWD`` is reached through a symlink, ``sub/../a.json``).

    The name itself is not resolved: a link is checked under its own name, and a file named twice is checked
    once, whatever else the command line names (resolving it dropped a named file when an earlier link led to
    it). The folder is resolved, not normalised as text: ``link/../a.json`` is beside the link's target, another
    file than ``a.json`` (read as one, a file with errors went unchecked). ``folders`` caches the folders resolved.
    """
    # as pathlib reads it (the name read): a trailing "/" or "/." dropped, ".." kept for the folder's resolution
    folder, name = os.path.split(os.path.join(cwd, os.fspath(Path(path))))
    real = folders.get(folder)
    if real is None:
        try:
            real = folders[folder] = os.path.realpath(folder)
        except (OSError, ValueError):  # a loop of links, a name the system refuses: the folder as written
            real = folders[folder] = os.path.normpath(folder)
    return os.path.normcase(os.path.join(real, name))  # normcase: one file on Windows, whatever the case


def collect(
    paths: tuple[str, ...],
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    stdin_name: str = STDIN_NAME,
    lister: Callable[[ListRequest], Listing] = list_url,
    respect_gitignore: bool = True,
) -> tuple[list[Input], list[str]]:
    """Inputs in a stable order, each once (see ``_identity``), and notes about directories that held no matching file.

    ``lister`` lists URLs (here by default; on a cluster worker with ``--cluster``). ``respect_gitignore``: a
    directory search leaves out the files git ignores (``gitignored``).
    """
    shown = ", ".join(include or DEFAULT_INCLUDE)  # in notes, as --help shows the default
    include = include or DEFAULT_PATTERNS
    inputs: list[Input] = []
    notes: list[str] = []
    seen: set[str] = set()  # _identity of each local input
    try:
        cwd = os.getcwd()
    except FileNotFoundError:  # the working directory was removed: no relative path exists, an absolute one is itself
        cwd = ""
    folders = dict[str, str]()
    seen_urls: set[str] = set()
    for raw in paths:
        if raw == STDIN:
            if any(item.is_stdin for item in inputs):
                raise InputError("'-' (stdin) given twice")
            inputs.append(Input(stdin_name, None))
            continue
        if is_url(raw):
            listing = lister(ListRequest(raw, include, exclude))
            if listing.error is not None:
                raise InputError(listing.error)
            if not listing.files:
                notes.append(f"{raw}: no file matching {shown} under this prefix")
            for url, size in listing.files:
                if url not in seen_urls:
                    seen_urls.add(url)
                    inputs.append(Input(url, None, url, size))
            continue
        if not raw:  # Path("") is the working directory: `sdelint check "$UNSET"` would check all of it
            raise InputError("an empty path was given")
        path = Path(raw)
        try:
            is_dir, exists = path.is_dir(), path.exists() or path.is_symlink()
        except OSError:  # a name the system refuses (too long, say): its read-error finding says why
            is_dir, exists = False, True
        if is_dir:
            found = search(path, include, exclude, respect_gitignore)
            if not found:
                # a second walk only here: say so when every match is one git ignores (they are not "missing")
                ignored = respect_gitignore and search(path, include, exclude, respect_gitignore=False)
                # and when --exclude dropped them: "no file matching" alone sends the user to the include patterns
                excluded = not ignored and bool(exclude) and search(path, include, (), respect_gitignore)
                why = (" that git does not ignore (--no-respect-gitignore checks them)" if ignored
                       else " that --exclude does not drop" if excluded else "")
                notes.append(f"{raw}: no file matching {shown}{why} in this directory")
            for item in found:
                key = _identity(item.path, cwd, folders)
                if key not in seen:
                    seen.add(key)
                    inputs.append(Input(str(item.path) if item.relative else raw, item.path, unlisted=item.error))
        elif exists:
            key = _identity(raw, cwd, folders)
            if key not in seen:
                seen.add(key)
                inputs.append(Input(raw, path))
        else:
            raise InputError(f"path does not exist: {raw}")
    return inputs, notes
