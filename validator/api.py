"""``validator.lint``: the Python API, the same findings as ``sdelint check``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .config import CommandLine, Configuration
from .findings import Finding
from .linter import Linter


def lint(
    source: Any,
    *,
    api_version: str | None = None,
    config: str | os.PathLike | None = None,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    name: str | None = None,
) -> list[Finding]:
    """Lint a payload given as a path (``str`` or ``Path``), raw ``bytes``, or an already parsed object.

    A ``str`` is taken as a path; pass JSON text as ``bytes``. Parsed objects have
    no text, so their findings carry line and column 0. ``api_version`` is
    ``"v1"``, ``"v2"`` or ``"auto"``; None leaves it to the configuration
    (default auto). ``config`` names a configuration file; without it none is
    searched for, so results do not depend on the working directory.
    Raises ``validator.config.ConfigError`` for an unusable configuration.
    """
    configuration = Configuration.load(Path(config) if config else None, CommandLine(api_version, tuple(select), tuple(ignore)))
    linter = Linter(configuration)
    if isinstance(source, (str, os.PathLike)):
        return linter.lint_path(Path(source), name or str(source)).findings
    if isinstance(source, (bytes, bytearray, memoryview)):
        return linter.lint_bytes(bytes(source), name or "<bytes>").findings
    return linter.lint_object(source, name or "<object>").findings
