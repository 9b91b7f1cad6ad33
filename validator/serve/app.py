"""The ASGI application: routes (starlette), authentication, limits and metrics.

``create_app`` is the factory uvicorn calls in each worker
(``validator.serve.app:create_app`` with ``factory=True``); it reads its
settings from the environment (see ``settings``). The validators are compiled
in a worker thread right after start-up; ``/readyz`` answers 200 once they are,
and lint requests that arrive earlier wait for them.

The outermost layer (``FrontDoor``) times every request, counts it by route
template and status, and checks the bearer token before any routing, so an
unauthenticated client learns nothing, not even which paths exist.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..rules.catalogue import CatalogueError
from . import metrics as metrics_module
from .metrics import Metrics
from .openapi import NDJSON_TYPES, build_openapi
from .pages import PAGE_HEADERS, assets, public_paths
from .service import API_VERSIONS, FAIL_ON, JSON, MIN_SEVERITY, NDJSON, LimitExceeded, LintService, available_formats, dumps
from .settings import BODY_LIMIT, STARTUP_FAILURE, Settings, SettingsError

Outcome = TypeVar("Outcome")
log = logging.getLogger("uvicorn.error")  # uvicorn configures it: messages appear with its own

OPEN_PATHS = frozenset({"/healthz"})  # answered without the token, for liveness probes (and the playground's files: pages.py)
UNMATCHED = "<unmatched>"  # the endpoint label of requests no route matches
CLOSE_AFTER_UNREAD_BODY = 64 * 1024  # an unread body bigger than this (or chunked) closes the connection
DISCONNECTED = 499  # nginx's "client closed request": counted, never sent
WEBSOCKET_REFUSED = "this service does not speak WebSocket: send plain HTTP requests"
NOSNIFF = (b"x-content-type-options", b"nosniff")  # on every answer: a browser never reads a JSON error as HTML or script


class ApiError(Exception):
    """An error answer: status and message, as ``{"error": message, **details}``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers, self.details = status, message, headers or {}, details or {}


def error_response(status: int, message: str, headers: dict[str, str] | None = None, details: dict[str, Any] | None = None) -> Response:
    return Response(dumps({"error": message, **(details or {})}), status_code=status, media_type="application/json", headers=headers)


def body_too_big(found: str, limit: int) -> ApiError:
    """The 413, naming the setting that raises the limit as a 422 for a limit does (the client cannot know it)."""
    setting = BODY_LIMIT
    return ApiError(
        413, f"{found} is over the limit of {limit} bytes (server setting {setting.option} or {setting.env})", {"Connection": "close"},
        {"limit": {"name": setting.name, "maximum": limit, "option": setting.option, "env": setting.env}},
    )


def json_response(document: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(document), status_code=status, media_type="application/json", headers=headers)


# -- query parameters -------------------------------------------------------------------------------


def query(request: Request, allowed: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """The query parameters, each at most once and from its enumeration; anything else is a 422."""
    values: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise ApiError(422, f"unknown query parameter {name!r} (this endpoint takes: {known})")
        if name in values:
            raise ApiError(422, f"query parameter {name!r} is given more than once")
        if value not in allowed[name]:
            raise ApiError(422, f"invalid {name} {value!r}: expected one of {', '.join(allowed[name])}")
        values[name] = value
    return values


def content_kind(header: str | None) -> str:
    """JSON or JSON Lines from the Content-Type (JSON when there is none); anything else is a 415."""
    if header is None or not header.strip():
        return JSON
    media_type = header.split(";", 1)[0].strip().lower()
    if media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json")):
        return JSON
    if media_type in NDJSON_TYPES:
        return NDJSON
    raise ApiError(415, f"unsupported Content-Type {media_type!r}: send application/json, or application/x-ndjson for one payload per line")


# Content-Encoding values a body may carry: gzip is recognised from its bytes (the body limit holds once decompressed)
_ENCODINGS = frozenset({"identity", "gzip", "x-gzip"})


def check_content_encoding(headers: list[str]) -> None:
    """415 for a Content-Encoding the service cannot undo (br, deflate, zstd): its bytes would be linted as text.

    ``headers``: every Content-Encoding line of the request (a second one adds codings, as a comma does).
    """
    for coding in ",".join(headers).split(","):
        name = coding.strip().lower()
        if name and name not in _ENCODINGS:
            raise ApiError(415, f"unsupported Content-Encoding {name!r}: send the body as it is, or gzip-compressed")


def check_declared_length(request: Request, limit: int) -> None:
    """413 from the Content-Length alone, before a byte of the body is read."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            length = int(declared)
        except ValueError:
            raise ApiError(400, "invalid Content-Length") from None
        if length > limit:
            raise body_too_big(f"body of {length} bytes", limit)


async def read_body(request: Request, limit: int, timeout: float) -> bytes:
    """The whole body, refusing it (413) as soon as it passes ``limit``; ClientDisconnect if the client goes."""
    check_declared_length(request, limit)
    body = bytearray()
    try:
        async with asyncio.timeout(timeout):  # lighter per request than an anyio cancel scope
            async for chunk in request.stream():
                body += chunk
                if len(body) > limit:
                    raise body_too_big("body", limit)
    except TimeoutError:
        raise ApiError(408, f"the body did not arrive within {timeout:g} seconds", {"Connection": "close"}) from None
    return bytes(body)


def watch_disconnect(request: Request) -> asyncio.Future:
    """Done when the client goes, once its whole body has been read (an answer it could not get is a 499).

    uvicorn stops reading a connection whose body passes its buffer, and only a receive reads it again: without a
    receive waiting for it, a client's close is not seen until the answer is sent, and dropped, unseen.
    """

    async def disconnect() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass

    return asyncio.ensure_future(disconnect())


# -- the application --------------------------------------------------------------------------------


class State:
    """One worker's service, metrics and readiness."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.service = LintService(settings)
        self.metrics = Metrics()
        # lint jobs run here, off the event loop; the pool's size bounds how many run at once
        self.executor = ThreadPoolExecutor(settings.lint_threads, thread_name_prefix="sdelint-lint")
        self.failure: str | None = None
        self._warming: asyncio.Task | None = None
        self._openapi: bytes | None = None

    @property
    def ready(self) -> bool:
        return self.metrics.ready

    def start_warmup(self) -> asyncio.Task:
        if self._warming is None:
            self._warming = asyncio.get_running_loop().create_task(self._warm())
        return self._warming

    async def _warm(self) -> None:
        started = time.perf_counter()
        try:
            await self.run(self.service.warm)
        except Exception as exc:  # noqa: BLE001 - reported by /readyz and every lint request
            self.failure = f"{type(exc).__name__}: {exc}"
            log.exception("sdelint: compiling the validators failed")
            return
        self.metrics.ready = True
        log.info("sdelint: validators compiled in %.2f s; ready", time.perf_counter() - started)

    async def run(self, function: Callable[..., Outcome], *args: Any) -> Outcome:
        """``function(*args)`` in the lint pool; a plain executor costs less per call than anyio's threads."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, function, *args)

    async def wait_ready(self) -> None:
        if not self.ready and self.failure is None:
            await asyncio.shield(self.start_warmup())
        if self.failure is not None:
            raise ApiError(503, f"not ready: {self.failure}")

    def openapi(self) -> bytes:
        if self._openapi is None:
            service = self.service
            self._openapi = dumps(build_openapi(
                rule_names=service.rule_names(),
                schema_types={v: service.schema_type_names(v) for v in ("v1", "v2")},
                formats=available_formats(),
                max_body_bytes=self.settings.max_body_bytes,
                token=bool(self.settings.token),
            ))
        return self._openapi


def _handled(endpoint: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """Turn ApiError into its JSON answer."""

    async def handler(request: Request) -> Response:
        try:
            return await endpoint(request)
        except ApiError as exc:
            return error_response(exc.status, exc.message, exc.headers, exc.details)

    handler.__name__ = endpoint.__name__
    return handler


def build_routes(state: State) -> list[Route]:
    service, metrics = state.service, state.metrics

    async def lint(request: Request) -> Response:
        formats = available_formats()
        params = query(request, {"api_version": API_VERSIONS, "fail_on": FAIL_ON, "format": formats, "min_severity": MIN_SEVERITY})
        kind = content_kind(request.headers.get("content-type"))
        check_content_encoding(request.headers.getlist("content-encoding"))
        check_declared_length(request, state.settings.max_body_bytes)
        await state.wait_ready()
        try:
            body = await read_body(request, state.settings.max_body_bytes, state.settings.body_timeout)
        except ClientDisconnect:
            return Response(status_code=DISCONNECTED)  # nobody to answer; counted as 499
        args = (body, kind, params.get("api_version"), params.get("fail_on"), params.get("format", "json"), params.get("min_severity"))
        gone: asyncio.Future | None = None  # watched only while a thread lints: a lint on the loop lets no receive run
        try:
            # here on the loop when it proves cheap: the hand-off to a thread would cost more than the lint saves
            outcome = service.lint_if_cheap(*args)
            where = "event_loop"
            if outcome is None:
                gone = watch_disconnect(request)
                outcome, where = await state.run(service.lint, *args), "thread"
        except LimitExceeded as exc:
            return json_response(exc.as_dict(), 422)
        finally:
            if gone is not None:
                gone.cancel()
        if gone is not None and gone.done() and not gone.cancelled():  # gone while its body was linted: uvicorn would drop the answer unsent
            return Response(status_code=DISCONNECTED)  # counted as 499, as one gone mid-body, not as the 200 nobody got
        metrics.observe_lint(outcome.findings, outcome.ok, where)
        headers = {"Sdelint-Ok": "true" if outcome.ok else "false"}
        if outcome.dropped:
            headers["Sdelint-Findings-Dropped"] = str(outcome.dropped)
        return Response(outcome.body, media_type=outcome.media_type, headers=headers)

    async def rules(request: Request) -> Response:
        query(request, {})
        return json_response(service.rules())

    async def rule(request: Request) -> Response:
        query(request, {})
        found = service.rule(request.path_params["name"])
        if found is None:
            raise ApiError(404, f"unknown rule {request.path_params['name']!r}; GET /v1/rules lists them")
        return json_response(found)

    async def schemas(request: Request) -> Response:
        query(request, {})
        found = service.schema_list(request.path_params["version"])
        if found is None:
            raise ApiError(404, f"unknown API version {request.path_params['version']!r}: expected v1 or v2")
        return json_response(found)

    async def schema(request: Request) -> Response:
        params = query(request, {"bundle": ("true", "false")})
        version, name = request.path_params["version"], request.path_params["type"]
        found = service.schema(version, name, params.get("bundle") == "true")
        if found is None:
            what = f"API version {version!r}" if service.schema_list(version) is None else f"schema {name!r} in {version}"
            raise ApiError(404, f"unknown {what}; GET /v1/schemas/{{version}} lists them")
        return json_response(found)

    async def healthz(request: Request) -> Response:
        return json_response({"status": "ok"})

    async def readyz(request: Request) -> Response:
        if state.ready:
            return json_response({"status": "ready"})
        if state.failure is not None:
            return error_response(503, f"not ready: {state.failure}")
        state.start_warmup()  # already running after a lifespan start-up; this covers servers without lifespan
        return error_response(503, "not ready: compiling validators")

    async def metrics_endpoint(request: Request) -> Response:
        return Response(metrics.render(), media_type=metrics_module.CONTENT_TYPE)

    async def openapi(request: Request) -> Response:
        return Response(state.openapi(), media_type="application/json")

    async def page(request: Request) -> Response:
        """The playground (``/``) and its static files: public, see ``pages``."""
        found = assets().get(request.url.path)
        if found is None:
            raise ApiError(404, "not found")
        body, media_type = found
        return Response(body, media_type=media_type, headers=PAGE_HEADERS)

    routes = [
        ("/v1/lint", lint, ["POST"]),
        ("/v1/rules", rules, ["GET"]),
        ("/v1/rules/{name}", rule, ["GET"]),
        ("/v1/schemas/{version}", schemas, ["GET"]),
        ("/v1/schemas/{version}/{type}", schema, ["GET"]),
        ("/healthz", healthz, ["GET"]),
        ("/readyz", readyz, ["GET"]),
        ("/metrics", metrics_endpoint, ["GET"]),
        ("/openapi.json", openapi, ["GET"]),
        ("/", page, ["GET"]),
        ("/static/{name}", page, ["GET"]),
    ]
    return [Route(path, _handled(endpoint), methods=methods) for path, endpoint, methods in routes]


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404 and 405 (and any HTTPException) as JSON."""
    assert isinstance(exc, HTTPException)
    message = {404: "not found", 405: "method not allowed"}.get(exc.status_code, str(exc.detail).lower())
    return error_response(exc.status_code, message, dict(exc.headers or {}))


async def server_error(request: Request, exc: Exception) -> Response:
    """The last resort: the traceback goes to the server log (uvicorn logs it), never to the client."""
    return error_response(500, "internal error")


class FrontDoor:
    """Times and counts every request, and checks the bearer token before anything else runs."""

    def __init__(self, app: Starlette, state: State) -> None:
        self.app, self.state = app, state
        self.routes = app.routes
        self.templates = {getattr(route, "endpoint", None): getattr(route, "path", UNMATCHED) for route in self.routes}
        token = state.settings.token
        self.token = token.encode("utf-8") if token else None
        self.open_paths = OPEN_PATHS | public_paths()

    def refused(self, status: int) -> None:
        """Count an answer the HTTP protocol sent itself (``bounded_head``): no request reached the application."""
        self.state.metrics.observe_refused(status)

    async def refuse_websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A WebSocket handshake an ASGI server passed on (``sdelint serve`` answers it as HTTP): the service has no
        WebSocket endpoint, so 400 in JSON, on every path alike, where the server lets an application answer one."""
        started = time.perf_counter()
        await receive()  # websocket.connect
        status = 400
        if "websocket.http.response" in scope.get("extensions", {}):
            body = dumps({"error": WEBSOCKET_REFUSED})
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), NOSNIFF]
            await send({"type": "websocket.http.response.start", "status": status, "headers": headers})
            await send({"type": "websocket.http.response.body", "body": body})
        else:  # the server answers for itself (uvicorn: 403 without a body)
            status = 403
            await send({"type": "websocket.close"})
        self.state.metrics.observe_request(UNMATCHED, "GET", status, time.perf_counter() - started)

    def endpoint(self, scope: Scope) -> str:
        """The route template of the request (bounded label values), or UNMATCHED."""
        template = self.templates.get(scope.get("endpoint"))  # set by the router when a route matched
        if template is not None:
            return template
        for route in self.routes:  # not routed (401 before routing)
            match, _ = route.matches(scope)
            if match is not Match.NONE:
                return getattr(route, "path", UNMATCHED)
        return UNMATCHED

    def authorized(self, scope: Scope) -> tuple[bool, bool]:
        """(authorized, a bearer token was presented): only a wrong bearer token is an ``invalid_token`` (RFC 6750,
        3.1); another scheme (Basic) is a request without the credential this server takes."""
        header = next((value for name, value in scope["headers"] if name == b"authorization"), None)
        if header is None:
            return False, False
        if sum(name == b"authorization" for name, _ in scope["headers"]) > 1:
            raise ApiError(400, "more than one Authorization header: send one")
        scheme, _, credential = header.partition(b" ")
        if scheme.lower() != b"bearer":
            return False, False
        return hmac.compare_digest(credential.strip(), self.token), True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self.refuse_websocket(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = DISCONNECTED
        body_done = False
        started_response = False
        headers = scope["headers"]
        chunked = any(n == b"transfer-encoding" for n, _ in headers)
        declared = next((v for n, v in headers if n == b"content-length"), b"0")
        big_body = chunked or (declared.isdigit() and int(declared) > CLOSE_AFTER_UNREAD_BODY)

        async def receive_wrapper() -> Message:
            nonlocal body_done
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        async def send_wrapper(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                status = message["status"]
                out = list(message.get("headers", []))
                if not any(n.lower() == NOSNIFF[0] for n, _ in out):
                    out.append(NOSNIFF)
                if big_body and not body_done and status != DISCONNECTED:
                    # do not read (even to discard) a body nobody wants: close once answered
                    out = [(n, v) for n, v in out if n.lower() != b"connection"]
                    out.append((b"connection", b"close"))
                message = {**message, "headers": out}
            await send(message)
            # sent: uvicorn waits for a client that reads nothing before it sends the start of an answer
            started_response = started_response or message["type"] == "http.response.start"

        try:
            if self.token is not None and scope["path"] not in self.open_paths:
                try:
                    allowed, presented = self.authorized(scope)
                except ApiError as exc:  # two credentials (a proxy's and a client's): which one is meant cannot be told
                    await error_response(exc.status, exc.message)(scope, receive_wrapper, send_wrapper)
                    return
                if not allowed:
                    challenge = 'Bearer realm="sdelint"' + (', error="invalid_token"' if presented else "")
                    response = error_response(401, "unauthorized", {"WWW-Authenticate": challenge})
                    await response(scope, receive_wrapper, send_wrapper)
                    return
            await self.app(scope, receive_wrapper, send_wrapper)
        except asyncio.CancelledError:
            # uvicorn cancels the requests still running when a graceful shutdown has lasted too long (a slow
            # upload, a long lint, an answer the client does not read): answer in JSON, as every error, instead
            # of its plain-text 500 and a traceback; an answer already begun is cut (uvicorn closes the connection)
            if not started_response:
                response = error_response(503, "the server is shutting down: send the request again", {"Connection": "close"})
                with contextlib.suppress(asyncio.CancelledError):  # a client that reads nothing: the loop's end cancels this too
                    await response(scope, receive_wrapper, send_wrapper)
        finally:
            if status == DISCONNECTED:  # or refused by the protocol mid-body (bounded_head): the client got that status
                status = scope.get(metrics_module.REFUSED, DISCONNECTED)
            self.state.metrics.observe_request(self.endpoint(scope), scope.get("method", ""), status, time.perf_counter() - started)


def create_app(settings: Settings | None = None) -> ASGIApp:
    """The ASGI application; without ``settings`` they are read from the environment."""
    if settings is None:  # under an ASGI server: the settings and the configuration come from the environment
        try:
            settings = Settings.from_env()
            state = State(settings)
        except (SettingsError, CatalogueError) as exc:  # a bad variable or configuration: one line naming it, no traceback
            log.error("sdelint: cannot start: %s", exc)
            raise SystemExit(STARTUP_FAILURE) from None
    else:
        state = State(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state.start_warmup()  # in a thread: the worker accepts /healthz and /readyz meanwhile
        try:
            yield
        finally:
            state.executor.shutdown(wait=False, cancel_futures=True)

    app = Starlette(
        routes=build_routes(state),
        exception_handlers={HTTPException: http_error, Exception: server_error},
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False  # /v1/rules/ is a 404, not a redirect
    app.state.sdelint = state
    return FrontDoor(app, state)
