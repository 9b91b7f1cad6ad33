"""The working directory as the user spells it: ``$PWD`` (through a symlink) and ``os.getcwd()`` (resolved) alike.

A shell that ``cd``'d through a symlink (``cd /repo-link``) keeps the logical path in ``$PWD``, while
``os.getcwd()`` gives the physical one (``/srv/repo``). ``"$PWD/a.json"`` on a command line then does not
start with the working directory Python knows, and a report said ``/repo-link/a.json`` where ``a.json``
and ``./a.json`` gave ``a.json`` (with another CI fingerprint). Here a path under ``$PWD`` is spelt under
``os.getcwd()`` instead, so that it compares with every other path the run builds from the working
directory. Only the working directory is translated: a file that is itself a symlink, or a symlinked
folder below the working directory, keeps its own name. ``$PWD`` counts only when it names the same
directory as ``os.getcwd()`` (a stale ``$PWD``, left by a program that changed directory without
updating it, is ignored).
"""

from __future__ import annotations

import os
from functools import lru_cache


@lru_cache(maxsize=8)
def _logical(pwd: str, cwd: str) -> str | None:
    """``pwd``, normalised, when it is another spelling of ``cwd``; else None. Cached: a report asks per finding."""
    if not os.path.isabs(pwd):
        return None
    logical = os.path.normpath(pwd)
    if logical == cwd:
        return None
    try:
        return logical if os.path.samefile(logical, cwd) else None
    except (OSError, ValueError):  # gone, unreadable, or a NUL in the variable
        return None


def absolute_path(path: str, where: tuple[str, str | None] | None = None) -> str:
    """``os.path.abspath(path)``, with a path under a logical ``$PWD`` spelt under ``os.getcwd()``.

    Like abspath, ``..`` is removed as text, and nothing else is resolved. ``where``: the working directory and
    ``$PWD`` to use for an absolute ``path`` (a cache's key), instead of the process's at this moment.
    """
    absolute = os.path.abspath(path)
    pwd = os.environ.get("PWD") if where is None else where[1]
    if not pwd or not os.path.isabs(path):  # a relative path was joined to os.getcwd() already
        return absolute
    try:
        cwd = os.getcwd() if where is None else where[0]
    except OSError:  # the working directory was removed: an absolute path is itself (a library caller may sit there)
        return absolute
    logical = _logical(pwd, cwd)
    if logical is None:
        return absolute
    if absolute == logical:
        return cwd
    prefix = logical if logical.endswith(os.sep) else logical + os.sep
    if absolute.startswith(prefix):
        return os.path.join(cwd, absolute[len(prefix):])
    return absolute
