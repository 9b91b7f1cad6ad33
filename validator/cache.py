"""sdelint's cache folder: compiled validators and the parsed rule catalogue.

Everything in it is keyed by the content it was made from, so a stale entry is
never used; an unwritable folder only costs the work it would have saved.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .atomic import write_atomically


def default_cache_dir() -> Path:
    explicit = os.environ.get("SDELINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sdelint"


def cached_json(key: str, produce: Callable[[], Any]) -> Any:
    """The JSON value stored under ``key``, or ``produce()`` (stored for next time)."""
    path = default_cache_dir() / f"{key}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    value = produce()
    with contextlib.suppress(OSError):  # no cache is only slower
        write_atomically(path, json.dumps(value))
    return value
