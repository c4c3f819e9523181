"""The app factory every service uses: middleware, problem+json handlers, health, clock, metrics,
and the service's routers with the operator API."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from grassroots_common.capabilities import capabilities_answer
from grassroots_common.clock import real_now
from grassroots_common.errors import DomainError, Forbidden
from grassroots_common.events import UnloadableEvent
from grassroots_common.http.dependencies import get_principal, get_runtime
from grassroots_common.http.middleware import NOT_COMPRESSED, BodyLimit, RefuseControlCharacters, RequestContext
from grassroots_common.http.operations import router as ops_router
from grassroots_common.http.refusals import (
    DATABASE_UNAVAILABLE,
    database_unavailable,
    problem,
    refusal,
    validation_failed,
)
from grassroots_common.logs import configure_logging
from grassroots_common.problems import openapi_components
from grassroots_common.projections.projection import Projection
from grassroots_common.routing import Route, Router, bound_integers
from grassroots_common.runtime import Runtime
from grassroots_common.settings import ServiceSettings, load_settings

log = structlog.get_logger(__name__)


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

    @app.exception_handler(DomainError)
    async def on_problem(request: Request, exc: DomainError) -> JSONResponse:
        return refusal(exc, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_failed(request, exc.errors())

    @app.exception_handler(UnloadableEvent)
    async def on_unloadable(request: Request, exc: UnloadableEvent) -> JSONResponse:
        # A value no route checked reached an event, which would not load back: refused as input.
        log.warning("event.refused", event_type=exc.type_name, errors=[e.get("loc") for e in exc.errors])
        return validation_failed(request, exc.errors)

    for unavailable in DATABASE_UNAVAILABLE:
        app.add_exception_handler(unavailable, database_unavailable)

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

    for router in [*routers, ops_router]:
        if not isinstance(router, Router):
            raise TypeError(f"the router for {router.prefix!r} must come from grassroots_common.routing.api_router")
        app.include_router(router)
    return app


def service_app(
    service: str,
    settings: ServiceSettings | None,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    projections: Sequence[Projection],
    seed_demo: Callable[[Runtime], Awaitable[None]],
    publishes: bool = True,
    schedule: Callable[[Runtime], None] | None = None,
) -> FastAPI:
    """The app of one of the platform's services: its settings (loaded when not given), a runtime
    over its migrations and ``projections`` (publishing its events unless ``publishes`` is off),
    with ``schedule`` started on it when given."""

    async def start_runtime(settings: ServiceSettings) -> Runtime:
        runtime = await Runtime.start(
            settings, migrations_package=service, publishes=publishes, projections=projections
        )
        if schedule is not None:
            schedule(runtime)
        return runtime

    return create_app(
        settings or load_settings(service),
        title=title,
        description=description,
        routers=routers,
        start_runtime=start_runtime,
        seed_demo=seed_demo,
    )


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
