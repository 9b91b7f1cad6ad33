"""The service's settings, read from environment variables.

uvicorn starts each worker process from an import string
(``validator.serve.app:create_app``), so the command cannot hand objects to the
workers: it writes these variables and every worker reads them back. The same
variables configure the application when it is run by another ASGI server.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STARTUP_FAILURE = 3  # the exit status of a server that cannot start: uvicorn's, and `sdelint serve`'s (one worker or several)
ENV_CONFIG = "SDELINT_SERVE_CONFIG"  # configuration file; empty or unset: none
ENV_MAX_BODY = "SDELINT_SERVE_MAX_BODY_BYTES"
ENV_BODY_TIMEOUT = "SDELINT_SERVE_BODY_TIMEOUT"
ENV_LINT_THREADS = "SDELINT_SERVE_THREADS"
ENV_MAX_RECORDS = "SDELINT_SERVE_MAX_RECORDS"
ENV_MAX_EVENTS = "SDELINT_SERVE_MAX_EVENTS"
ENV_MAX_FINDINGS = "SDELINT_SERVE_MAX_FINDINGS"
ENV_MAX_KEY_LENGTH = "SDELINT_SERVE_MAX_KEY_LENGTH"
ENV_TOKEN = "SDELINT_TOKEN"
# read by `sdelint serve` only: the connection timeouts are its server's, not the application's
ENV_HEADER_TIMEOUT = "SDELINT_SERVE_HEADER_TIMEOUT"
ENV_KEEP_ALIVE_TIMEOUT = "SDELINT_SERVE_KEEP_ALIVE_TIMEOUT"

DEFAULT_MAX_BODY = 10 * 1024 * 1024  # 10 MiB
DEFAULT_BODY_TIMEOUT = 30.0  # seconds to receive a whole request body
DEFAULT_LINT_THREADS = 4  # concurrent lint jobs per worker (they share one GIL)
MAX_LINT_THREADS = 64
# A 10 MiB body of real payloads holds about 640 records and 12,700 events: the defaults let it through,
# and bound the worst body (each event invalid, each costing the detailed checker about a millisecond).
DEFAULT_MAX_RECORDS = 10_000
DEFAULT_MAX_EVENTS = 20_000
DEFAULT_MAX_FINDINGS = 1_000  # findings returned; the summary still counts every one
DEFAULT_MAX_KEY_LENGTH = 1_024  # characters; real keys are short, and checking a key costs time in its length

_SIZE = re.compile(r"^\s*(\d+)\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)\s*$", re.I)
_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


class SettingsError(ValueError):
    """A setting that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Limit:
    """One bound on the work a request may ask for: its name in answers, option and variable."""

    name: str
    unit: str  # what the maximum counts, as in "the limit is 20000 events per request"
    option: str
    env: str
    default: int


# The body's size is read as a size (10MiB), not a count: an option of its own, named in answers like the others
BODY_LIMIT = Limit("body-bytes", "bytes per body (a gzip body's once decompressed)", "--max-body-bytes", ENV_MAX_BODY, DEFAULT_MAX_BODY)
LIMITS = {
    "max_records": Limit("records", "records per request", "--max-records", ENV_MAX_RECORDS, DEFAULT_MAX_RECORDS),
    "max_events": Limit("events", "events per request", "--max-events", ENV_MAX_EVENTS, DEFAULT_MAX_EVENTS),
    "max_findings": Limit("findings", "findings per answer", "--max-findings", ENV_MAX_FINDINGS, DEFAULT_MAX_FINDINGS),
    "max_key_length": Limit("key-length", "characters per key", "--max-key-length", ENV_MAX_KEY_LENGTH, DEFAULT_MAX_KEY_LENGTH),
}


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
    max_records: int = DEFAULT_MAX_RECORDS
    max_events: int = DEFAULT_MAX_EVENTS
    max_findings: int = DEFAULT_MAX_FINDINGS
    max_key_length: int = DEFAULT_MAX_KEY_LENGTH

    @classmethod
    def from_env(cls, environ: os._Environ[str] | dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        config = env.get(ENV_CONFIG) or None

        def read(name: str, kind: Callable[[str], Any], default: Any) -> Any:
            """The variable's value read by ``kind``, its default when unset or empty; an unreadable one names the variable."""
            text = env.get(name)
            if not text:
                return default
            try:
                return kind(text)
            except SettingsError as exc:
                raise SettingsError(f"{name}: {exc}") from None
            except ValueError:
                what = "a whole number" if kind is int else "a number of seconds" if kind is float else "a value"
                raise SettingsError(f"{name}: invalid value {text!r}: expected {what}") from None

        max_body = read(ENV_MAX_BODY, parse_size, DEFAULT_MAX_BODY)
        timeout = read(ENV_BODY_TIMEOUT, float, DEFAULT_BODY_TIMEOUT)
        threads = read(ENV_LINT_THREADS, int, DEFAULT_LINT_THREADS)
        limits = {field: read(limit.env, int, limit.default) for field, limit in LIMITS.items()}
        if not 0 < timeout < math.inf:  # nan compares false both ways
            raise SettingsError(f"{ENV_BODY_TIMEOUT} must be a positive, finite number of seconds")
        if not 1 <= threads <= MAX_LINT_THREADS:  # as `sdelint serve --threads` takes it
            raise SettingsError(f"{ENV_LINT_THREADS} must be from 1 to {MAX_LINT_THREADS}")
        for field, value in limits.items():
            if value < 1:
                raise SettingsError(f"{LIMITS[field].env} must be at least 1")
        token = env.get(ENV_TOKEN)
        if token is not None and not token.strip():
            raise SettingsError(f"{ENV_TOKEN} is set but empty: unset it to serve without authentication")
        return cls(Path(config) if config else None, max_body, timeout, threads, token.strip() if token else None, **limits)

    def to_env(self) -> dict[str, str]:
        """The variables that make ``from_env`` return these settings."""
        env = {
            ENV_CONFIG: str(self.config) if self.config else "",
            ENV_MAX_BODY: str(self.max_body_bytes),
            ENV_BODY_TIMEOUT: repr(self.body_timeout),
            ENV_LINT_THREADS: str(self.lint_threads),
            **{limit.env: str(getattr(self, field)) for field, limit in LIMITS.items()},
        }
        if self.token:
            env[ENV_TOKEN] = self.token
        return env
