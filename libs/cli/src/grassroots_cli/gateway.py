"""One origin: ``/api/<service>/...`` goes to that service (its name stripped), ``/`` serves the web app.

On the embedded default the gateway also offers the demo sign-in (``/api/dev/...``): the list of
demo users and a token for one of them. In deploy the reverse proxy routes the same way and the
identity provider issues tokens; ``GATEWAY_DEV_SIGNIN`` is off there.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from grassroots_cli.services import DEFAULT_PORTS, available_services, service
from grassroots_cli.webapp import WebApp
from grassroots_common.auth import load_or_create_secret, mint_token
from grassroots_common.http import problem

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
}
WEB_ROOT = Path(__file__).resolve().parents[4] / "apps" / "web"


class TokenRequest(BaseModel):
    sub: str = Field(min_length=1, max_length=80)


def upstreams() -> dict[str, str]:
    """``<SERVICE>_URL`` per service, else the default local port."""
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
                    "service": name,
                },
            )
    return list(seen.values())


def create_gateway() -> FastAPI:
    targets = upstreams()
    dev_signin = os.environ.get("GATEWAY_DEV_SIGNIN", "false").lower() == "true"
    web_root = Path(os.environ.get("WEB_ROOT", WEB_ROOT))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
        app.state.client = httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=2.0), limits=limits)
        yield
        await app.state.client.aclose()

    app = FastAPI(title="Grassroots gateway", lifespan=lifespan, docs_url=None, redoc_url=None)

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

    @app.api_route("/api/{name}/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def proxy(name: str, path: str, request: Request) -> Response:
        target = targets.get(name)
        if target is None:
            return problem(404, "service_not_found", f"没有名为 {name} 的服务", request.url.path)
        client: httpx.AsyncClient = request.app.state.client
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP]
        if "accept-encoding" not in request.headers:  # else httpx asks for gzip on the client's behalf
            headers.append(("accept-encoding", "identity"))
        upstream = client.build_request(
            request.method,
            f"{target}/{path}",
            params=request.query_params,
            headers=headers,
            content=request.stream(),
        )
        try:
            response = await client.send(upstream, stream=True)
        except httpx.TransportError:
            return problem(503, "service_unavailable", f"{name} 服务暂时不可用，请稍后重试", request.url.path)
        out_headers = {k: v for k, v in response.headers.items() if k.lower() not in HOP_BY_HOP}
        return StreamingResponse(
            response.aiter_raw(),
            status_code=response.status_code,
            headers=out_headers,
            background=BackgroundTask(response.aclose),
        )

    files = WebApp(web_root)

    @app.get("/{path:path}", include_in_schema=False)
    def web(path: str, request: Request) -> Response:
        answer = files.response(path, request.headers) if web_root.is_dir() else None
        if answer is None:
            return problem(404, "web_app_missing", "网页应用未安装", "/" + path)
        return answer

    return app
