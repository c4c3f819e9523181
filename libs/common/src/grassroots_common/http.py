"""The service kit's HTTP side: app factory, middleware, problem+json, health, metrics, dependencies.

Routes of a service only translate HTTP into a command or a query; everything every service needs
(request ids, body caps, auth, errors, ``/healthz``, ``/readyz``, ``/metrics``) lives here once.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import os
import re
import time
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any

import asyncpg
import structlog
from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, Histogram, generate_latest
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from grassroots_common.auth import Principal
from grassroots_common.capabilities import capabilities_answer
from grassroots_common.clock import real_now
from grassroots_common.commands import Idempotency
from grassroots_common.errors import Forbidden, ProblemError, TooLarge, Unauthorized, Unavailable
from grassroots_common.events import Metadata, UnloadableEvent
from grassroots_common.fields import KEY_PATTERN
from grassroots_common.logs import configure_logging
from grassroots_common.problems import PROBLEM, openapi_components, refuses
from grassroots_common.projections import read_position, wait_for_position
from grassroots_common.routing import Route, Router, bound_integers
from grassroots_common.runtime import Runtime
from grassroots_common.settings import ServiceSettings

log = structlog.get_logger(__name__)

REQUEST_LATENCY = Histogram(
    "grassroots_http_request_seconds",
    "HTTP request latency",
    ["method", "route", "status"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)

# JSON and text are gzipped for phones on slow links; office documents and photos are zip or
# JPEG already, so compressing them again costs CPU for nothing.
NOT_COMPRESSED = (
    *DEFAULT_EXCLUDED_CONTENT_TYPES,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@functools.cache
def _latency(method: str, route: str, status: int) -> Any:
    """The histogram's child for one label set, looked up once (``labels()`` validates and locks)."""
    return REQUEST_LATENCY.labels(method, route, str(status))


def problem(status: int, code: str, detail: str, instance: str = "", **extra: Any) -> JSONResponse:
    body = {"type": f"/problems/{code}", "title": detail, "status": status, "code": code, "detail": detail}
    body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


class BodyLimit:
    """Refuse bodies over the cap (JSON small, uploads larger) with a 413, before they are read whole.

    A declared ``Content-Length`` over the cap is refused before the app runs. A body without one
    (chunked, as the gateway forwards it) is counted as it arrives: past the cap the app's reading
    fails, and whatever the app then answers (FastAPI turns a failed read into a 400) is replaced
    by the 413.
    """

    def __init__(self, app: ASGIApp, max_json: int, max_upload: int) -> None:
        self.app = app
        self.max_json = max_json
        self.max_upload = max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        limit = self.max_upload if content_type.startswith("multipart/") else self.max_json
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await _send_too_large(send, limit, scope.get("path", ""))
            return
        seen = 0
        exceeded = started = False

        async def limited() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    exceeded = True
                    raise TooLarge("body_too_large", f"请求内容超过 {limit // 1024} KB 上限")
            return message

        async def answer(message: Message) -> None:
            nonlocal started
            if exceeded:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _send_too_large(send, limit, scope.get("path", ""))
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, answer)
        except TooLarge:
            if started:
                raise
            await _send_too_large(send, limit, scope.get("path", ""))


async def _send_too_large(send: Send, limit: int, path: str) -> None:
    response = problem(413, "body_too_large", f"请求内容超过 {limit // 1024} KB 上限", path)
    await send({"type": "http.response.start", "status": 413, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


class RefuseControlCharacters:
    """A control character (NUL above all: PostgreSQL refuses it in text) in the path or a query
    parameter is refused with 422 naming the parameter, for every route at once: ids and filters
    reach SQL as they are, and no route is expected to check for them itself. Bodies are checked
    by their types (``grassroots_common.fields``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            found = _control_in(scope.get("path", ""), scope.get("query_string", b""))
            if found is not None:
                where, char = found
                detail = f"{where}: 含有不可见的控制字符 U+{ord(char):04X}，请检查链接或查询条件后重试"
                error = {"field": where, "code": "text_control_character", "message": detail}
                response = problem(
                    422,
                    "validation_failed",
                    f"请求内容有误：{detail}",
                    _CONTROL.sub("", scope.get("path", "")),
                    errors=[error],
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _control_in(path: str, query: bytes) -> tuple[str, str] | None:
    """``(parameter, character)`` of the first control character in the path or the query."""
    if not path.isprintable():
        bad = _CONTROL.search(path)
        if bad is not None:
            return "path", bad.group()
    if b"%" in query or _CONTROL.search(query.decode("latin-1")):
        for name, value in urllib.parse.parse_qsl(
            query.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="replace"
        ):
            bad = _CONTROL.search(name) or _CONTROL.search(value)
            if bad is not None:
                return f"query.{_CONTROL.sub('', name)}", bad.group()
    return None


class RequestContext:
    """Request and correlation ids (logs, event metadata, response headers) and request latency."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = correlation_id = ""
        for key, value in scope["headers"]:
            if key == b"x-request-id":
                request_id = value.decode("latin-1")[:100]
            elif key == b"x-correlation-id":
                correlation_id = value.decode("latin-1")[:100]
        request_id = request_id or os.urandom(16).hex()
        correlation_id = correlation_id or request_id
        state = scope.setdefault("state", {})
        state["request_id"], state["correlation_id"] = request_id, correlation_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id, correlation_id=correlation_id)
        started = time.perf_counter()
        status = 500

        async def send_with_ids(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                headers.append((b"x-correlation-id", correlation_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_ids)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"  # labels stay a bounded set
            _latency(method, route, status).observe(time.perf_counter() - started)


def create_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    start_runtime: Callable[[ServiceSettings], Awaitable[Runtime]],
    seed_demo: Callable[[Runtime], Awaitable[None]] | None = None,
    version: str = "1.0.0",
) -> FastAPI:
    configure_logging(settings.service, settings.log_format, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await start_runtime(settings)
        app.state.runtime = runtime
        if settings.seed_demo and seed_demo is not None:
            await seed_demo(runtime)
        log.info("service.started", port=settings.port, workers=settings.run_workers)
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        # The OpenAPI document stays at /openapi.json (the web app reads what each service offers
        # from it); the browsable docs are public only on the embedded default (PUBLIC_DOCS).
        docs_url="/docs" if settings.public_docs else None,
        redoc_url=None,
        # At the origin (gateway or proxy) the service lives under /api/<service>; a client generated
        # from this document calls the origin as it is. "/" is the service reached directly.
        servers=[
            {"url": f"/api/{settings.service}", "description": "统一入口（网关）"},
            {"url": "/", "description": "服务本身"},
        ],
        # Metrics are Prometheus (/metrics) and traces travel as traceparent in event metadata:
        # FastAPI's OpenTelemetry hooks would only look for providers on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.router.route_class = Route

    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5, exclude_content_types=NOT_COMPRESSED)

    def openapi() -> dict[str, Any]:
        """FastAPI's schema, plus the problem+json body every route's refusals refer to."""
        if app.openapi_schema is None:
            bound_integers(app)  # the plans bound them at their first request: the schema states them from the start
            schema = FastAPI.openapi(app)
            schema.setdefault("components", {}).setdefault("schemas", {}).update(openapi_components())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    app.add_middleware(BodyLimit, max_json=settings.max_body_bytes, max_upload=settings.max_upload_bytes)
    app.add_middleware(RefuseControlCharacters)
    app.add_middleware(RequestContext)

    @app.exception_handler(ProblemError)
    async def on_problem(request: Request, exc: ProblemError) -> JSONResponse:
        return JSONResponse(exc.body(request.url.path), status_code=exc.status, media_type=PROBLEM)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _invalid(request, exc.errors())

    @app.exception_handler(UnloadableEvent)
    async def on_unloadable(request: Request, exc: UnloadableEvent) -> JSONResponse:
        # A value no route checked reached an event, which would not load back: refused as input.
        log.warning("event.refused", event_type=exc.type_name, errors=[e.get("loc") for e in exc.errors])
        return _invalid(request, exc.errors)

    for unavailable in DATABASE_UNAVAILABLE:
        app.add_exception_handler(unavailable, _database_unavailable)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # a body FastAPI or Starlette could not read (a broken form or multipart)
            return problem(422, "body_malformed", "请求内容无法解析，请检查格式后重试", request.url.path)
        codes = {404: ("not_found", "找不到该地址"), 405: ("method_not_allowed", "不支持该请求方法")}
        code, detail = codes.get(exc.status_code, ("http_error", str(exc.detail)))
        return problem(exc.status_code, code, detail, request.url.path)

    @app.get("/healthz", tags=["ops"], summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["ops"],
        summary="PostgreSQL and NATS are reachable",
        responses={503: {"description": "PostgreSQL or NATS is not reachable", "content": {"application/json": {}}}},
    )
    async def readyz(request: Request) -> JSONResponse:
        runtime: Runtime | None = getattr(request.app.state, "runtime", None)
        db_ok = nats_ok = False
        if runtime is not None:
            try:
                db_ok = await runtime.pool.fetchval("SELECT 1") == 1
            except Exception:
                db_ok = False
            nats_ok = await runtime.nats_ready()
        ok = db_ok and nats_ok
        body = {"status": "ready" if ok else "not_ready", "database": db_ok, "nats": nats_ok}
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.get("/clock", tags=["ops"], summary="The service's now, and whether it runs on a moved (training) clock")
    async def clock(request: Request) -> dict[str, object]:
        runtime: Runtime | None = getattr(request.app.state, "runtime", None)
        now = runtime.clock() if runtime is not None else real_now()
        offset = getattr(runtime.clock, "offset", dt.timedelta(0)) if runtime is not None else dt.timedelta(0)
        return {"now": now.isoformat(), "moved": offset != dt.timedelta(0), "offset_seconds": offset.total_seconds()}

    @app.get("/capabilities", tags=["ops"], summary="The routes this service offers (path → methods)")
    async def capabilities(request: Request) -> Response:
        return capabilities_answer(request, settings.service)

    @app.get("/metrics", tags=["ops"], summary="Prometheus metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if not _from_loopback(request):
            runtime = await get_runtime(request)
            principal = await get_principal(request, runtime)
            if not principal.has("operator"):
                raise Forbidden("operator_required", "监控指标仅对本机或运维人员开放")
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    # Imported here: the operator routes use this module's dependencies.
    from grassroots_common.ops_api import router as ops_router

    for router in [*routers, ops_router]:
        if not isinstance(router, Router):
            raise TypeError(f"the router for {router.prefix!r} must come from grassroots_common.routing.api_router")
        app.include_router(router)
    return app


# PostgreSQL down, restarting or refusing connections: the request may be tried again shortly.
# (A pool connection the server dropped is replaced on release, so the service recovers by itself.)
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    OSError,  # refused, reset, timed out (TimeoutError is an OSError)
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
    asyncpg.InterfaceError,  # only "connection is closed" (a connection the server dropped mid-request)
    # "another operation is in progress": a connection the server dropped in the middle of a statement
    # (seen in tests/e2e/test_faults.py when PostgreSQL is killed under load)
    asyncpg.InternalClientError,
)
RETRY_AFTER_SECONDS = 2


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, asyncpg.InterfaceError) and "closed" not in str(exc):
        raise exc  # a misuse of the driver, not the server going away: a 500 and its traceback
    log.warning("database.unavailable", path=request.url.path, error=repr(exc))
    response = problem(503, "database_unavailable", "数据库暂时不可用，请稍后重试", request.url.path)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _from_loopback(request: Request) -> bool:
    """A request straight from this machine: a loopback peer, and not forwarded by a proxy (the
    gateway and nginx add X-Forwarded-For, so a remote client behind them never counts as local)."""
    if "x-forwarded-for" in request.headers or "forwarded" in request.headers:
        return False
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_ZH = {
    "missing": "必填",
    "string_too_short": "至少 {min_length} 个字",
    "string_too_long": "最多 {max_length} 个字",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "greater_than": "必须大于 {gt}",
    "less_than": "必须小于 {lt}",
    "int_parsing": "必须是整数",
    "decimal_parsing": "必须是数字",
    "float_parsing": "必须是数字",
    "enum": "取值必须是：{expected}",
    "literal_error": "取值必须是：{expected}",
    "string_pattern_mismatch": "格式不正确",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式不正确",
    "extra_forbidden": "不允许的字段",
    "json_invalid": "不是有效的 JSON",
    "json_not_utf8": "不是 UTF-8 编码的 JSON",
    "json_too_deep": "JSON 嵌套层级太深",
    "model_attributes_type": "应为对象",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "string_type": "应为文字",
    "string_unicode": "含有无效的字符，请删除后重新输入",
    "int_type": "必须是整数",
    "int_from_float": "必须是整数",
    "float_type": "必须是数字",
    "finite_number": "必须是有限的数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
}


def _invalid(request: Request, raw: Sequence[Any]) -> JSONResponse:
    """422 ``validation_failed`` naming each field, with a Chinese message for each."""
    errors = []
    for err in raw:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        errors.append({"field": ".".join(loc), "code": err.get("type", "invalid"), "message": _zh(err)})
    detail = "；".join(f"{e['field']}: {e['message']}" for e in errors[:5]) or "请求内容有误"
    return problem(422, "validation_failed", f"请求内容有误：{detail}", request.url.path, errors=errors)


_ZH_TEXT = {"too_short": "至少 {min_length} 个字", "too_long": "最多 {max_length} 个字"}
"""A text type that normalizes (``grassroots_common.fields``) checks its length after that step,
which pydantic reports as ``too_short``/``too_long`` like a list's."""


def _zh(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "string_pattern_mismatch" and (err.get("ctx") or {}).get("pattern") == KEY_PATTERN:
        return "不能包含换行或不可见的控制字符（常见于从 Word 或表格粘贴的内容），请删除后重新输入"
    template = _ZH_TEXT.get(kind) if isinstance(err.get("input"), str) else None
    template = template or _ZH.get(kind)
    if template is None:
        return str(err.get("msg", "取值无效"))
    try:
        return template.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


# --- dependencies -------------------------------------------------------------------------------


@refuses(503)
async def get_runtime(request: Request) -> Runtime:
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None:
        raise Unavailable("starting", "服务正在启动，请稍后重试")
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


@refuses(401, 403)
async def get_principal(request: Request, runtime: RuntimeDep) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("token_missing", "请先登录（缺少 Bearer 身份凭证）")
    principal = runtime.verifier.verify(token.strip())
    structlog.contextvars.bind_contextvars(actor=principal.sub)
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def get_metadata(request: Request, principal: PrincipalDep) -> Metadata:
    return Metadata(
        actor_id=principal.sub,
        actor_name=principal.name,
        actor_roles=tuple(sorted(principal.roles)),
        correlation_id=getattr(request.state, "correlation_id", ""),
        causation_id=request.headers.get("x-causation-id", ""),
        request_id=getattr(request.state, "request_id", ""),
        traceparent=request.headers.get("traceparent", ""),
    )


MetadataDep = Annotated[Metadata, Depends(get_metadata)]

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Retrying a request with the same key returns the first answer and appends nothing.",
        max_length=200,
    ),
]


def idempotency(key: str | None, principal: Principal, request: Request, body: Any = None) -> Idempotency | None:
    """The request's idempotency, if it carries a key; a pydantic body is fingerprinted as JSON, a
    request without a body as an empty object."""
    if not key:
        return None
    if isinstance(body, BaseModel):
        body = body.model_dump(mode="json")
    elif body is None:
        body = {}
    return Idempotency.of(key, principal.sub, f"{request.method} {_url_path(request)}", body)


def _url_path(request: Request) -> str:
    """``request.url.path`` without building the whole URL (host, query, a parse: about a quarter of
    the key's cost per request): the same escaping starlette applies before it parses."""
    return request.scope["path"].replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")


# A store position, ``<tx_id>.<position>``: both are PostgreSQL bigints, so at most 18 digits each
# keeps every accepted value inside int64 (a larger one would fail in the database, not here).
AfterQuery = Annotated[
    str | None,
    Query(
        description="A command's `position`: wait until this read model includes it",
        pattern=r"^\d{1,18}\.\d{1,18}$",
        examples=["48213.1822"],
    ),
]


class ReadAfter:
    """``?after=<position>``: wait (bounded) until a projection has applied that command's events."""

    def __init__(self, projection: str, source: str) -> None:
        self.projection = projection
        self.source = source

    async def __call__(self, runtime: RuntimeDep, after: AfterQuery = None) -> dict[str, dict[str, int | str]]:
        if after is not None and await self._concerns(runtime, after):
            await wait_for_position(
                runtime.pool, self.projection, self.source, after, timeout=runtime.settings.read_wait_max
            )
        return await read_position(runtime.pool, self.projection)

    async def _concerns(self, runtime: Runtime, after: str) -> bool:
        """Whether the command behind ``after`` raised an event this read model handles: a read
        model filtered to other types never reaches that position, so waiting would only time out.
        Known only for the service's own store; for another service's position, wait (bounded)."""
        projection = next((p for p in runtime.projections if p.name == self.projection), None)
        if projection is None or self.source != runtime.settings.service or projection.event_types is None:
            return True
        rows = await runtime.pool.fetch("SELECT DISTINCT type FROM events WHERE tx_id = $1", int(after.split(".")[0]))
        return any(projection.handles(r["type"]) for r in rows)
