"""The one origin passes a service's refusal on: an upload over the cap is a 413 through the gateway
too, where the body reaches the service chunked (the gateway streams it on, without a length)."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from grassroots_cli.gateway import create_gateway
from grassroots_common.http.middleware import BodyLimit


async def upload(request: Request) -> JSONResponse:
    form = await request.form()
    return JSONResponse({"fields": len(form)})


async def test_an_upload_over_the_cap_is_a_413_through_the_gateway(serve_http, serve, monkeypatch) -> None:
    service = BodyLimit(Starlette(routes=[Route("/api/v1/uploads", upload, methods=["POST"])]), 1024, 4096)
    with serve_http(service) as url:
        monkeypatch.setenv("GRID_URL", url)
        async with serve(create_gateway()) as client:
            small = await client.post("/api/grid/api/v1/uploads", files={"file": ("a.png", b"x" * 100, "image/png")})
            assert small.status_code == 200, small.text
            large = await client.post("/api/grid/api/v1/uploads", files={"file": ("a.png", b"x" * 9000, "image/png")})
            assert large.status_code == 413, large.text
            assert large.headers["content-type"] == "application/problem+json"
            assert large.json()["code"] == "body_too_large"
            # Straight to the service, with the length declared: refused before the body is read.
            async with httpx.AsyncClient(base_url=url) as plain:
                direct = await plain.post("/api/v1/uploads", files={"file": ("a.png", b"x" * 9000, "image/png")})
            assert direct.status_code == 413
