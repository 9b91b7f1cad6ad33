"""The service's settings, read from environment variables.

uvicorn starts each worker process from an import string
(``validator.serve.app:create_app``), so the command cannot hand objects to the
workers: it writes these variables and every worker reads them back. The same
variables configure the application when it is run by another ASGI server.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

ENV_CONFIG = "SDELINT_SERVE_CONFIG"  # configuration file; empty or unset: none
ENV_MAX_BODY = "SDELINT_SERVE_MAX_BODY_BYTES"
ENV_BODY_TIMEOUT = "SDELINT_SERVE_BODY_TIMEOUT"
ENV_LINT_THREADS = "SDELINT_SERVE_THREADS"
ENV_TOKEN = "SDELINT_TOKEN"

DEFAULT_MAX_BODY = 10 * 1024 * 1024  # 10 MiB
DEFAULT_BODY_TIMEOUT = 30.0  # seconds to receive a whole request body
DEFAULT_LINT_THREADS = 4  # concurrent lint jobs per worker (they share one GIL)

_SIZE = re.compile(r"^\s*(\d+)\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)\s*$", re.I)
_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


class SettingsError(ValueError):
    """A setting that cannot be used; the message says which and why."""


def parse_size(text: str) -> int:
    """``10485760``, ``512K``, ``10MB``, ``10MiB``, ``1g``: units are powers of 1024 (as nginx's ``10m``)."""
    match = _SIZE.match(str(text))
    if not match:
        raise SettingsError(f"invalid size {text!r}: expected a number of bytes, optionally with K, M or G (powers of 1024)")
    number, unit = int(match.group(1)), match.group(2).lower()
    size = number * _UNITS[unit[:1]]
    if size < 1:
        raise SettingsError(f"invalid size {text!r}: must be at least 1 byte")
    return size


@dataclass(frozen=True)
class Settings:
    config: Path | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    lint_threads: int = DEFAULT_LINT_THREADS
    token: str | None = None

    @classmethod
    def from_env(cls, environ: os._Environ[str] | dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        config = env.get(ENV_CONFIG) or None
        try:
            max_body = parse_size(env[ENV_MAX_BODY]) if env.get(ENV_MAX_BODY) else DEFAULT_MAX_BODY
            timeout = float(env[ENV_BODY_TIMEOUT]) if env.get(ENV_BODY_TIMEOUT) else DEFAULT_BODY_TIMEOUT
            threads = int(env[ENV_LINT_THREADS]) if env.get(ENV_LINT_THREADS) else DEFAULT_LINT_THREADS
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
        if not timeout > 0:
            raise SettingsError(f"{ENV_BODY_TIMEOUT} must be a positive number of seconds")
        if threads < 1:
            raise SettingsError(f"{ENV_LINT_THREADS} must be at least 1")
        token = env.get(ENV_TOKEN)
        if token is not None and not token.strip():
            raise SettingsError(f"{ENV_TOKEN} is set but empty: unset it to serve without authentication")
        return cls(Path(config) if config else None, max_body, timeout, threads, token.strip() if token else None)

    def to_env(self) -> dict[str, str]:
        """The variables that make ``from_env`` return these settings."""
        env = {
            ENV_CONFIG: str(self.config) if self.config else "",
            ENV_MAX_BODY: str(self.max_body_bytes),
            ENV_BODY_TIMEOUT: repr(self.body_timeout),
            ENV_LINT_THREADS: str(self.lint_threads),
        }
        if self.token:
            env[ENV_TOKEN] = self.token
        return env
