"""``sdelint serve``: the click command.

It imports uvicorn and starlette only when it runs, so ``sdelint check`` never
pays for them and works without the ``serve`` extra.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path
from typing import Any

import click

from ..closed_pipe import ERROR, NOTE, WARNING, HelpCommand, tell
from ..collector import ending_with_exit
from ..config import Configuration, discover
from ..extras import needs_extra
from .settings import (
    DEFAULT_BODY_TIMEOUT,
    DEFAULT_LINT_THREADS,
    ENV_BODY_TIMEOUT,
    ENV_CONFIG,
    ENV_HEADER_TIMEOUT,
    ENV_KEEP_ALIVE_TIMEOUT,
    ENV_LINT_THREADS,
    ENV_MAX_BODY,
    ENV_TOKEN,
    LIMITS,
    MAX_LINT_THREADS,
    STARTUP_FAILURE,
    Settings,
    SettingsError,
    parse_size,
)

EXIT_USAGE = 2
APP = "validator.serve.app:create_app"
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
DEFAULT_KEEP_ALIVE_TIMEOUT = 5.0
DEFAULT_HEADER_TIMEOUT = 10.0
LIMIT_HELP = {
    "max_records": "Most records per request: conversation records, a payload with none (an event, a JSON Lines line) counting as one (else 422).",
    "max_events": "Most events per request, over every payload of the body (else 422).",
    "max_findings": "Most findings listed in an answer; the summary still counts all, and 'truncated' says how many were left out.",
    "max_key_length": "Longest object key, in characters (else 422).",
}


class Seconds(click.FloatRange):
    """A number of seconds from ``min``: finite, as click's FloatRange alone lets nan and inf through (nan compares false)."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number of seconds", param, ctx)
        return number


class Size(click.ParamType):
    name = "SIZE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            return parse_size(value)
        except SettingsError as exc:
            self.fail(str(exc), param, ctx)


def limit_options(command: Any) -> Any:
    """One option per request limit, from the table of limits (so that names and variables agree)."""
    for field, limit in reversed(LIMITS.items()):
        command = click.option(
            limit.option, field, default=limit.default, show_default=True, type=click.IntRange(min=1), envvar=limit.env, show_envvar=True,
            help=LIMIT_HELP[field],
        )(command)
    return command


@click.command(cls=HelpCommand)
@click.option(
    "--host", default="127.0.0.1", show_default=True,
    help="Address to listen on; the default accepts local clients only (use 0.0.0.0 for every interface).",
)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 256),
    help="Worker processes; each compiles its own validators, and /metrics adds up the counts of all of them.",
)
@click.option(
    "--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), envvar=ENV_CONFIG, show_envvar=True,
    help="Configuration file; default: the nearest one above the current directory.",
)
@click.option(
    "--max-body-bytes", default="10MiB", show_default=True, type=Size(), envvar=ENV_MAX_BODY, show_envvar=True,
    help="Largest request body; K, M, G are powers of 1024.",
)
@click.option(
    "--body-timeout", default=DEFAULT_BODY_TIMEOUT, show_default=True, type=Seconds(min=0.001), envvar=ENV_BODY_TIMEOUT, show_envvar=True,
    help="Seconds a client has to send a whole request body (else 408).",
)
@click.option(
    "--threads", "lint_threads", default=DEFAULT_LINT_THREADS, show_default=True, type=click.IntRange(1, MAX_LINT_THREADS), envvar=ENV_LINT_THREADS,
    show_envvar=True,
    help="Lint jobs run at once per worker (in threads, off the event loop).",
)
@click.option(
    "--keep-alive-timeout", default=DEFAULT_KEEP_ALIVE_TIMEOUT, show_default=True, type=Seconds(min=0.1), envvar=ENV_KEEP_ALIVE_TIMEOUT, show_envvar=True,
    help="Seconds an idle keep-alive connection stays open after a response.",
)
@click.option(
    "--header-timeout", default=DEFAULT_HEADER_TIMEOUT, show_default=True, type=Seconds(min=1), envvar=ENV_HEADER_TIMEOUT, show_envvar=True,
    help="Seconds a connection may wait for a request's headers to be complete, from its opening or its last response; then it is closed.",
)
@click.option(
    "--token", envvar=ENV_TOKEN, show_envvar=True, default=None, metavar="TOKEN",
    help="Require 'Authorization: Bearer TOKEN' on every endpoint but /healthz. Prefer the environment variable: options show in process lists.",
)
@limit_options
@click.option("--log-level", type=click.Choice(LOG_LEVELS), default="info", show_default=True)
@click.option(
    "--access-log/--no-access-log", default=False, show_default=True,
    help="Log one line per request (off by default: it costs about a tenth of the throughput; /metrics counts requests).",
)
def serve(
    host: str,
    port: int,
    workers: int,
    config_path: Path | None,
    max_body_bytes: int,
    body_timeout: float,
    lint_threads: int,
    keep_alive_timeout: float,
    header_timeout: float,
    token: str | None,
    max_records: int,
    max_events: int,
    max_findings: int,
    max_key_length: int,
    log_level: str,
    access_log: bool,
) -> None:
    """Serve the linter over HTTP (needs the serve extra: pip install 'sdelint[serve]').

    \b
    Endpoints: POST /v1/lint, GET /v1/rules[/{name}], GET /v1/schemas/{version}[/{type}],
    GET /healthz, /readyz, /metrics, /openapi.json (the OpenAPI 3 document).
    """
    try:
        import prometheus_client  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn
    except ImportError as exc:
        tell(ERROR, needs_extra("'sdelint serve'", "serve", exc))
        sys.exit(EXIT_USAGE)
    ending_with_exit(False)  # cli.run said so of every command; a server frees each request's objects and collects cycles
    # SDELINT_TOKEN set but empty (a secret that did not reach the job) is refused as under any ASGI server, not served
    # without authentication (click passes an empty variable over, as if it were unset)
    if (token is not None and not token.strip()) or (token is None and os.environ.get(ENV_TOKEN) == ""):
        raise click.BadParameter("the token is empty: give a non-empty token, or unset SDELINT_TOKEN to serve without one", param_hint="--token")
    # SDELINT_SERVE_CONFIG set but empty means no configuration, as the application reads it under any ASGI server
    # (click passes an empty variable over, which would mean "discover" here)
    no_config = config_path is None and os.environ.get(ENV_CONFIG) == ""
    source = config_path if config_path is not None or no_config else discover(Path.cwd())
    # a bad configuration stops here with a message (exit 2), not in each worker; rule names are checked when
    # the policy is built, hence policy_for
    configuration = Configuration.load(source)
    configuration.policy_for(None)
    for warning in configuration.warnings:  # a custom rule path no schema member matches: said once, at start
        tell(WARNING, warning)
    settings = Settings(
        config=source.resolve() if source is not None else None,
        max_body_bytes=max_body_bytes,
        body_timeout=body_timeout,
        lint_threads=lint_threads,
        token=token.strip() if token else None,
        max_records=max_records,
        max_events=max_events,
        max_findings=max_findings,
        max_key_length=max_key_length,
    )
    os.environ.update(settings.to_env())  # the workers (new processes) read their settings from here
    if not settings.token:
        os.environ.pop(ENV_TOKEN, None)
    tell(
        NOTE, f"serving on http://{host}:{port} with {workers} worker{'s' if workers != 1 else ''}; "
        f"configuration: {settings.config or 'none (defaults)'}; authentication: {'bearer token' if settings.token else 'none'}",
    )
    if not settings.token and host not in ("127.0.0.1", "::1", "localhost"):
        tell(WARNING, f"listening on {host} without a token: anyone who can reach it can use it (--token or SDELINT_TOKEN)")
    options: dict[str, Any] = {
        "log_level": log_level,
        "access_log": access_log,
        "server_header": False,
        "proxy_headers": False,
        "timeout_keep_alive": keep_alive_timeout,
        "timeout_graceful_shutdown": 10,
        "lifespan": "on",
        "ws": "none",  # no WebSocket endpoint: a handshake is answered as the HTTP request it is (JSON, token, metrics)
    }
    from .guard import GuardedServer

    try:
        from .bounded_head import BoundedHeadProtocol
    except ImportError:  # no httptools: uvicorn's h11 bounds an incomplete head itself
        pass
    else:
        options["http"] = BoundedHeadProtocol
    from .metrics import multiprocess_directory
    from .workers import reuse_port_supported, run_workers

    if workers == 1:
        server = GuardedServer(uvicorn.Config(APP, factory=True, host=host, port=port, **options), header_timeout)
        try:
            server.run()
        except SystemExit:  # uvicorn before 0.50 exits 1 when it cannot bind: 3 as from later ones, and as the README says
            if server.started:
                raise
            _not_started(host, port)
        if not server.started:
            _not_started(host, port)
        return
    with multiprocess_directory():  # every worker's counts in one place, so that any worker can answer a scrape for all
        if reuse_port_supported():
            # one listening socket per worker, so that the kernel spreads connections over them (see workers.py)
            sys.exit(run_workers(APP, host, port, workers, options, header_timeout))
        # elsewhere uvicorn's own workers: no header timeout (uvicorn builds their servers)
        uvicorn.run(APP, factory=True, host=host, port=port, workers=workers, **options)


def _not_started(host: str, port: int) -> None:
    """Exit 3 with a labelled line, as several workers say theirs: uvicorn's own (``ERROR: ... address already in
    use``) is not one that ``grep '^sdelint: error:'`` finds."""
    tell(ERROR, f"the server could not start on {host}:{port} (the reason is above)")
    sys.exit(STARTUP_FAILURE)
