"""sdelint's cache folder: compiled validators and the parsed rule catalogue.

Everything in it is keyed by the content it was made from, so a stale entry is
never used; an unwritable folder only costs the work it would have saved.
The compiled validators are Python byte-code that sdelint executes: the folder
is created private (0700), and a folder or file that another user owns, or that
others may write to, is never read (the work is redone instead).
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .atomic import write_bytes_atomically


def default_cache_dir() -> Path:
    explicit = os.environ.get("SDELINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sdelint"


def _trusted(path: Path) -> bool:
    """Owned by this user and writable by no one else."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def read_trusted(path: Path) -> bytes | None:
    """The bytes of a cache file, or None when it is missing or could have been written by someone else."""
    if not (_trusted(path.parent) and _trusted(path)):
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def write_cache(path: Path, data: bytes) -> None:
    """Store a cache entry in a private folder; failures only cost the work next time."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if _trusted(path.parent):
            write_bytes_atomically(path, data, mode=0o600)
    except OSError:
        pass


def cached_json(key: str, produce: Callable[[], Any], valid: Callable[[Any], bool] = lambda value: True) -> Any:
    """The JSON value stored under ``key`` when ``valid`` accepts it, else ``produce()`` (stored for next time)."""
    path = default_cache_dir() / f"{key}.json"
    raw = read_trusted(path)
    if raw is not None:
        try:
            value = json.loads(raw)
            if valid(value):
                return value
        except ValueError:
            pass
    value = produce()
    write_cache(path, json.dumps(value).encode("utf-8"))
    return value
