"""The web app and the operation manuals as routes: the one-origin gateway serves them, and a
deploy runs them alone (``create_web_server``) behind its reverse proxy, so both serve the app the
same way — versioned URLs, gzip, ETags and cache headers all come from ``webapp.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from grassroots_cli.webapp import DocFiles, WebApp
from grassroots_common.http.refusals import problem

WEB_ROOT = Path(__file__).resolve().parents[4] / "apps" / "web"
DOCS_ROOT = Path(__file__).resolve().parents[4] / "docs" / "manuals"


def add_http_problems(app: FastAPI) -> None:
    """Starlette's own refusals (no such route, method not allowed) as ``application/problem+json``."""

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: ("not_found", "找不到该地址"), 405: ("method_not_allowed", "不支持该请求方法")}
        code, detail = codes.get(exc.status_code, ("http_error", "请求有误"))
        return problem(exc.status_code, code, detail, request.url.path[:200])


def add_web_routes(app: FastAPI) -> None:
    """``/docs/manuals/<name>`` and, for any other path, the web app (``WEB_ROOT`` and
    ``DOCS_ROOT`` name other folders). Added last: the app's router answers every path left."""
    web_root = Path(os.environ.get("WEB_ROOT", WEB_ROOT))
    files = WebApp(web_root)
    manuals = DocFiles(Path(os.environ.get("DOCS_ROOT", DOCS_ROOT)))

    @app.get("/docs/manuals/{name:path}", include_in_schema=False)
    def manual(name: str, request: Request) -> Response:
        answer = manuals.response(name, request.headers)
        if answer is None:
            return problem(404, "manual_not_found", "找不到该手册或图片", "/docs/manuals/" + name[:100])
        return answer

    @app.get("/{path:path}", include_in_schema=False)
    def web(path: str, request: Request) -> Response:
        answer = files.response(path, request.headers) if web_root.is_dir() else None
        if answer is None:
            return problem(404, "web_app_missing", "网页应用未安装", "/" + path)
        return answer


def create_web_server() -> FastAPI:
    """The deploy's web server: ``/healthz``, the manuals and the app, nothing else."""
    app = FastAPI(title="Grassroots web app", docs_url=None, redoc_url=None, openapi_url=None)
    add_http_problems(app)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    add_web_routes(app)
    return app
