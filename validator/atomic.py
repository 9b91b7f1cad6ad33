"""Files sdelint writes (reports, baselines, caches) appear whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path``."""
    import tempfile  # imported when writing: most runs write nothing

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_atomically(path: Path, text: str) -> None:
    """UTF-8 text; a lone surrogate (from a payload's key) is written as a backslash escape."""
    write_bytes_atomically(path, text.encode("utf-8", errors="backslashreplace"))
