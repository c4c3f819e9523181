"""One origin: ``/api/<service>/v1/...`` goes to that service's ``/api/v1/...``, ``/`` serves the web app.

Any other ``/api/<service>/...`` goes to that service with its name stripped: its ``/healthz``,
``/openapi.json`` and ``/capabilities``, and for one release the old shape ``/api/<service>/api/v1/...``,
forwarded as before (not redirected: a redirect would cost every old client a second round trip,
and a POST's body would have to be sent twice).

On the embedded default the gateway also offers the demo sign-in (``/api/dev/...``): the list of
demo users and a token for one of them. In deploy the reverse proxy routes the same way and the
identity provider issues tokens; ``GATEWAY_DEV_SIGNIN`` is off there.

Each upstream has its own connection pool and limits, so slow answers of one service never hold
another's requests; connect, read, pool and request-body waits are bounded; a client (by address)
has a bounded number of requests in flight. The path is forwarded as the client sent it, never
decoded first: an encoded ``/`` or ``?`` (or a control character) is refused, not re-routed.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Receive, Scope, Send

from grassroots_cli.balancer import Upstream
from grassroots_cli.services import DEFAULT_PORTS, available_services, service
from grassroots_cli.webserver import add_http_problems, add_web_routes
from grassroots_common.auth import load_or_create_secret, mint_token
from grassroots_common.http.refusals import problem

log = structlog.get_logger(__name__)

HOP_BY_HOP = {
    b"connection",
    b"keep-alive",
    b"proxy-authenticate",
    b"proxy-authorization",
    b"te",
    b"trailers",
    b"transfer-encoding",
    b"upgrade",
    b"host",
    b"content-length",
    b"x-forwarded-for",
    b"forwarded",
}
# Encoded characters that would change where a path goes once a service decodes it ("/", "?", "#",
# "\"), and control characters, raw or encoded: such a path is refused, never forwarded.
_UNSAFE_PATH = re.compile(rb"%(2f|3f|23|5c|[01][0-9a-f]|7f)|[\x00-\x20\x7f]", re.IGNORECASE)
_UNSAFE_HEADER = re.compile(rb"[^\x20-\x7e\t]")


@dataclass(frozen=True)
class GatewayLimits:
    """What one upstream and one client may hold; every wait has a bound."""

    connections_per_upstream: int = 100
    keepalive_per_upstream: int = 20
    # An idle kept-alive connection is dropped before the service would close it (uvicorn: 5 s), so
    # a request never goes out on a connection the service is closing at that moment.
    keepalive_expiry: float = 2.0
    connect_timeout: float = 2.0
    read_timeout: float = 30.0  # a query waits at most 5 s for its read model; an export takes longer
    pool_timeout: float = 5.0  # waiting for a free connection to a busy upstream
    body_timeout: float = 15.0  # the client's whole request body
    max_body_bytes: int = 12 * 1024 * 1024  # the largest upload a service accepts, and a margin
    requests_per_client: int = 64

    @classmethod
    def from_env(cls) -> GatewayLimits:
        values = {}
        for name in cls.__dataclass_fields__:
            raw = os.environ.get(f"GATEWAY_{name.upper()}")
            if raw is not None:
                values[name] = type(getattr(cls, name))(raw)
        return cls(**values)


class TokenRequest(BaseModel):
    sub: str = Field(min_length=1, max_length=80)


def upstreams() -> dict[str, str]:
    """``<SERVICE>_URL`` per service (one URL, or its replicas' comma-separated), else the default local port."""
    return {
        name: os.environ.get(f"{name.upper()}_URL", f"http://127.0.0.1:{DEFAULT_PORTS[name]}") for name in DEFAULT_PORTS
    }


def demo_users() -> list[dict]:
    seen: dict[str, dict] = {}
    for name in available_services():
        for user in service(name).demo_users():
            seen.setdefault(
                user.sub,
                {
                    "sub": user.sub,
                    "name": user.name,
                    "roles": list(user.roles),
                    "title": user.title,
                    "scopes": dict(user.scopes),
                    "place": getattr(user, "place", None),
                    "service": name,
                },
            )
    return list(seen.values())


class ClientSlots:
    """Requests in flight per client address, each client bounded."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_flight: Counter[str] = Counter()

    def take(self, client: str) -> bool:
        if self.in_flight[client] >= self.limit:
            return False
        self.in_flight[client] += 1
        return True

    def give_back(self, client: str) -> None:
        self.in_flight[client] -= 1
        if self.in_flight[client] <= 0:
            del self.in_flight[client]


class PathGuard:
    """Refuse, before any routing, a path holding a control character or an encoded separator."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
            if _UNSAFE_PATH.search(raw):
                where = raw.decode("latin-1")[:200]
                response = problem(
                    400, "path_invalid", "请求地址中含有不允许的字符", where.encode("unicode_escape").decode()
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodyTooSlow(Exception):
    pass


class BodyTooLarge(Exception):
    pass


def upstream_path(rest: bytes) -> bytes:
    """The service's own path for what follows ``/api/<service>`` at the origin: ``/v1/...`` → ``/api/v1/...``."""
    return b"/api" + rest if rest == b"/v1" or rest.startswith(b"/v1/") else rest


async def read_body(request: Request, limits: GatewayLimits) -> bytes:
    """The client's whole body, within the size cap and the body timeout."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limits.max_body_bytes:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0

    async def collect() -> None:
        nonlocal size
        async for chunk in request.stream():
            size += len(chunk)
            if size > limits.max_body_bytes:
                raise BodyTooLarge
            chunks.append(chunk)

    try:
        await asyncio.wait_for(collect(), limits.body_timeout)
    except TimeoutError as exc:
        raise BodyTooSlow from exc
    return b"".join(chunks)


def _busy(status: int, code: str, detail: str, path: str, retry_after: int) -> JSONResponse:
    response = problem(status, code, detail, path)
    response.headers["Retry-After"] = str(retry_after)
    return response


def create_gateway(limits: GatewayLimits | None = None) -> FastAPI:
    targets = upstreams()
    limits = limits or GatewayLimits.from_env()
    dev_signin = os.environ.get("GATEWAY_DEV_SIGNIN", "false").lower() == "true"
    slots = ClientSlots(limits.requests_per_client)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        timeout = httpx.Timeout(
            connect=limits.connect_timeout,
            read=limits.read_timeout,
            write=limits.read_timeout,
            pool=limits.pool_timeout,
        )
        pool_limits = httpx.Limits(
            max_connections=limits.connections_per_upstream,
            max_keepalive_connections=limits.keepalive_per_upstream,
            keepalive_expiry=limits.keepalive_expiry,
        )
        # Each service's replicas (``<SERVICE>_URL`` may list several), balanced (``balancer.py``).
        app.state.clients = {name: Upstream.of(name, urls, timeout, pool_limits) for name, urls in targets.items()}
        yield
        for client in app.state.clients.values():
            await client.aclose()

    app = FastAPI(title="Grassroots gateway", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(PathGuard)

    add_http_problems(app)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    if dev_signin:
        secret_file = Path(os.environ.get("JWT_SECRET_FILE", "data/keys/jwt.secret"))

        @app.get("/api/dev/demo-users")
        async def list_demo_users() -> list[dict]:
            return demo_users()

        @app.post("/api/dev/token")
        async def demo_token(body: TokenRequest) -> JSONResponse:
            user = next((u for u in demo_users() if u["sub"] == body.sub), None)
            if user is None:
                return problem(404, "demo_user_not_found", "没有这个演示用户", "/api/dev/token")
            token = mint_token(
                load_or_create_secret(secret_file), user["sub"], user["name"], user["roles"], user["scopes"]
            )
            return JSONResponse({"token": token, "user": user})

    else:

        @app.api_route("/api/dev/{path:path}", methods=["GET", "POST"], include_in_schema=False)
        async def demo_off(path: str) -> JSONResponse:
            return problem(
                404,
                "demo_signin_off",
                "演示登录未开启：请使用统一身份认证登录，或请管理员用 grassroots token 命令签发身份凭证",
                f"/api/dev/{path}",
            )

    @app.api_route("/api/{name}/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def proxy(name: str, path: str, request: Request) -> Response:
        where = request.scope.get("raw_path", b"").decode("latin-1")[:200]
        client = request.app.state.clients.get(name)
        if client is None:
            return problem(404, "service_not_found", f"没有名为 {name[:40]} 的服务", where)
        raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode()
        rest = upstream_path(raw_path[len(f"/api/{name}") :])
        if not rest.startswith(b"/"):
            return problem(400, "path_invalid", "请求地址中含有不允许的字符", where)
        headers = [(k, v) for k, v in request.scope["headers"] if k not in HOP_BY_HOP]
        if any(_UNSAFE_HEADER.search(v) for _, v in headers):
            return problem(400, "header_invalid", "请求头中含有不允许的字符（只允许 ASCII）", where)
        if not any(k == b"accept-encoding" for k, _ in headers):  # else httpx asks for gzip on the client's behalf
            headers.append((b"accept-encoding", b"identity"))
        peer = request.client.host if request.client else "unknown"
        if not slots.take(peer):
            return _busy(429, "too_many_requests", "同时发出的请求太多，请稍后重试", where, 1)
        release = True
        try:
            try:
                body = await read_body(request, limits)
            except BodyTooLarge:
                return problem(
                    413, "body_too_large", f"请求内容超过 {limits.max_body_bytes // 1024 // 1024} MB 上限", where
                )
            except BodyTooSlow:
                return problem(408, "body_timeout", "请求内容上传超时，请检查网络后重试", where)
            query = request.scope.get("query_string", b"")
            headers.append((b"x-forwarded-for", peer.encode()))
            try:
                response = await client.send(
                    request.method,
                    rest + (b"?" + query if query else b""),
                    headers,
                    body,
                    retry=request.method in ("GET", "HEAD") or _keyed(headers),
                )
            except httpx.PoolTimeout:
                return _busy(503, "service_busy", f"{name} 服务繁忙，请稍后重试", where, 2)
            except httpx.TimeoutException:
                return problem(504, "service_timeout", f"{name} 服务响应超时，请稍后重试", where)
            except httpx.TransportError:
                return _busy(503, "service_unavailable", f"{name} 服务暂时不可用，请稍后重试", where, 2)
            out_headers = {k: v for k, v in response.headers.items() if k.lower().encode() not in HOP_BY_HOP}
            release = False
            return Relayed(response, name, out_headers, lambda: _finish(response, slots, peer))
        finally:
            if release:
                slots.give_back(peer)

    add_web_routes(app)
    return app


class Relayed(StreamingResponse):
    """An upstream answer streamed to the client; whatever happens on the way (the client leaves,
    the upstream breaks off), the upstream response is closed and the client's slot given back."""

    def __init__(
        self,
        response: httpx.Response,
        name: str,
        headers: dict[str, str],
        done: Callable[[], Awaitable[None]],
    ) -> None:
        super().__init__(_relay(response, name), status_code=response.status_code, headers=headers)
        self.done = done

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self.done()


def _keyed(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(k == b"idempotency-key" for k, _ in headers)


async def _relay(response: httpx.Response, name: str) -> AsyncIterator[bytes]:
    """The upstream body as it comes; an upstream that breaks off mid-answer has its connection
    closed (never back in the pool) and the client's answer is cut short too."""
    try:
        async for chunk in response.aiter_raw():
            yield chunk
    except httpx.HTTPError as exc:
        log.warning("gateway.upstream_broke_off", service=name, error=repr(exc))
        await _discard(response)
        raise


async def _finish(response: httpx.Response, slots: ClientSlots, peer: str) -> None:
    try:
        if response.status_code >= 500:
            # A failing upstream may leave its connection in any state: never hand it to the next request.
            await _discard(response)
        await response.aclose()
    finally:
        slots.give_back(peer)


async def _discard(response: httpx.Response) -> None:
    stream = response.extensions.get("network_stream")
    if stream is not None:
        try:
            await stream.aclose()
        except Exception as exc:  # already broken: nothing to close
            log.debug("gateway.discard_failed", error=repr(exc))
