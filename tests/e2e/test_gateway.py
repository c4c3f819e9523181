"""The one-origin gateway over real sockets: two upstreams, clients from several loopback addresses.

Paths are forwarded undecoded and unsafe ones refused; a failing upstream never leaves a bad
connection for the next request; one service's slow answers never hold another's; every wait and
every client is bounded; each refusal is problem+json.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, StreamingResponse
from starlette.routing import Route

from grassroots_cli.gateway import GatewayLimits, create_gateway
from grassroots_common.embedded import free_port

PROBLEM = "application/problem+json"


async def echo(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse(
        {
            "raw_path": request.scope["raw_path"].decode(),
            "query": request.scope["query_string"].decode(),
            "forwarded_for": request.headers.get("x-forwarded-for"),
            "body": body.decode(),
        }
    )


IN_FLIGHT = {"slow": 0}


async def slow(request: Request) -> PlainTextResponse:
    IN_FLIGHT["slow"] += 1
    try:
        await asyncio.sleep(float(request.query_params.get("s", "2")))
    finally:
        IN_FLIGHT["slow"] -= 1
    return PlainTextResponse("slow")


async def boom(request: Request) -> PlainTextResponse:
    raise RuntimeError("upstream bug")


async def cut(request: Request) -> StreamingResponse:
    async def body() -> AsyncIterator[bytes]:
        yield b"partial"
        raise RuntimeError("broke off mid-answer")

    return StreamingResponse(body(), headers={"content-length": "100"})


async def ping(request: Request) -> PlainTextResponse:
    return PlainTextResponse("pong")


UPSTREAM = Starlette(
    routes=[
        Route("/echo/{rest:path}", echo, methods=["GET", "POST"]),
        Route("/api/v1/{rest:path}", echo, methods=["GET", "POST"]),
        Route("/slow", slow),
        Route("/boom", boom),
        Route("/cut", cut),
        Route("/ping", ping),
    ]
)


@contextlib.asynccontextmanager
async def serving(app: object, port: int) -> AsyncIterator[str]:
    # As `grassroots up` runs the gateway: the peer address is the client's, whatever headers say.
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="critical", lifespan="auto", proxy_headers=False
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and not task.done(), "server did not start"
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@contextlib.asynccontextmanager
async def gateway(monkeypatch: pytest.MonkeyPatch, **limits: object) -> AsyncIterator[str]:
    """A gateway whose appraisal and grid are two servers of ``UPSTREAM``."""
    async with serving(UPSTREAM, free_port()) as a, serving(UPSTREAM, free_port()) as b:
        monkeypatch.setenv("APPRAISAL_URL", a)
        monkeypatch.setenv("GRID_URL", b)
        monkeypatch.delenv("GATEWAY_DEV_SIGNIN", raising=False)
        app = create_gateway(GatewayLimits(**limits))  # type: ignore[arg-type]
        async with serving(app, free_port()) as url:
            yield url


def client(url: str, source: str = "127.0.0.1", timeout: float = 30.0) -> httpx.AsyncClient:
    transport = httpx.AsyncHTTPTransport(local_address=source)
    return httpx.AsyncClient(base_url=url, transport=transport, timeout=timeout)


def assert_problem(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["code"] == code


async def test_paths_are_forwarded_as_sent_and_unsafe_ones_refused(monkeypatch) -> None:
    async with gateway(monkeypatch) as url, client(url) as c:
        r = await c.get("/api/appraisal/echo/a%20b?x=1&y=%2F", headers={"X-Forwarded-For": "10.9.9.9"})
        assert r.json() == {"raw_path": "/echo/a%20b", "query": "x=1&y=%2F", "forwarded_for": "127.0.0.1", "body": ""}
        r = await c.post("/api/appraisal/echo/x", content=b'{"a": 1}')
        assert r.json()["body"] == '{"a": 1}'
        # An encoded "/" or "?" would reach another route once the service decodes it.
        for path in (
            "/api/appraisal/echo%2F..%2Fboom",
            "/api/appraisal/echo/x%3Fy=1",
            "/api/grid/x%2fy",
            "/api/grid/a%5Cb",
        ):
            assert_problem(await c.get(path), 400, "path_invalid")
        for path in ("/api/appraisal/echo/a%01b", "/api/appraisal/echo/%0d%0aX-Evil:%201", "/api/appraisal/echo/%7F"):
            assert_problem(await c.get(path), 400, "path_invalid")
        r = await c.get("/api/appraisal/echo/x", headers={"X-Name": "张三".encode()})
        assert_problem(r, 400, "header_invalid")
        assert "ASCII" in r.json()["detail"]
        assert_problem(await c.get("/api/nosuch/x"), 404, "service_not_found")
        assert_problem(await c.post("/api/dev/token", json={"sub": "p1"}), 404, "demo_signin_off")


async def test_the_origin_shape_and_the_old_one_reach_the_same_route(monkeypatch) -> None:
    async with gateway(monkeypatch) as url, client(url) as c:
        # /api/<service>/v1/... is the service's /api/v1/...; the old /api/<service>/api/v1/... still is.
        for path in ("/api/appraisal/v1/logs/a%20b?x=1", "/api/appraisal/api/v1/logs/a%20b?x=1"):
            r = await c.get(path)
            assert r.status_code == 200, r.text
            assert r.json()["raw_path"] == "/api/v1/logs/a%20b"
            assert r.json()["query"] == "x=1"
        r = await c.post("/api/grid/v1/units", content=b'{"a": 1}')
        assert (r.json()["raw_path"], r.json()["body"]) == ("/api/v1/units", '{"a": 1}')
        r = await c.post("/api/grid/api/v1/units", content=b'{"a": 1}')
        assert (r.json()["raw_path"], r.json()["body"]) == ("/api/v1/units", '{"a": 1}')
        # Only a whole /v1 segment is the origin shape; the encoded-path refusals hold for it too.
        assert (await c.get("/api/appraisal/echo/v1x")).json()["raw_path"] == "/echo/v1x"
        assert_problem(await c.get("/api/appraisal/v1/logs%2F..%2Fx"), 400, "path_invalid")


async def test_a_failing_upstream_never_leaves_a_bad_connection_for_the_next_request(monkeypatch) -> None:
    async with gateway(monkeypatch, keepalive_per_upstream=2, connections_per_upstream=2) as url, client(url) as c:
        for _ in range(10):
            assert (await c.get("/api/appraisal/boom")).status_code == 500
            with contextlib.suppress(httpx.HTTPError):
                await c.get("/api/appraisal/cut")  # the answer is cut short, as the upstream's was
            for _ in range(3):
                r = await c.get("/api/appraisal/ping")
                assert (r.status_code, r.text) == (200, "pong")
                r = await c.post("/api/appraisal/echo/x", content=b"{}")
                assert r.status_code == 200, r.text


async def test_slow_clients_of_one_service_do_not_stall_another(monkeypatch) -> None:
    # Connecting is not what is measured here: on a loaded machine it may take a while.
    async with gateway(monkeypatch, connections_per_upstream=30, pool_timeout=0.5, connect_timeout=20.0) as url:
        clients = [client(url, f"127.0.0.{2 + i}") for i in range(10)]
        try:
            slow_ones = [asyncio.create_task(clients[i % 10].get("/api/appraisal/slow?s=5")) for i in range(200)]
            deadline = time.monotonic() + 60
            while IN_FLIGHT["slow"] < 30:  # appraisal's pool is full, the rest wait for a connection
                done = [t.result().status_code for t in slow_ones if t.done() and not t.exception()]
                assert time.monotonic() < deadline and len(done) < len(slow_ones), (IN_FLIGHT, sorted(set(done)))
                await asyncio.sleep(0.01)
            async with client(url, "127.0.0.99") as other:
                started = time.monotonic()
                r = await other.get("/api/grid/ping")
                took = time.monotonic() - started
            assert (r.status_code, r.text) == (200, "pong")
            # Behind a shared pool it would wait for one of appraisal's 5-second answers (or time out).
            assert took < 2.0, f"grid waited {took:.1f}s behind appraisal's slow answers"
            answers = await asyncio.gather(*slow_ones)
        finally:
            for c in clients:
                await c.aclose()
        statuses = sorted({a.status_code for a in answers})
        assert sum(a.status_code == 200 for a in answers) >= 30  # the upstream's pool served its limit
        busy = [a for a in answers if a.status_code != 200]
        assert statuses in ([200], [200, 503])
        for a in busy:  # the rest waited at most the pool timeout and were told to come back
            assert_problem(a, 503, "service_busy")
            assert a.headers["retry-after"]


async def test_a_client_has_a_bounded_number_of_requests_in_flight(monkeypatch) -> None:
    async with gateway(monkeypatch, requests_per_client=4) as url:
        async with client(url, "127.0.0.2") as greedy, client(url, "127.0.0.3") as polite:
            answers = await asyncio.gather(*(greedy.get("/api/appraisal/slow?s=1") for _ in range(6)))
            r = await polite.get("/api/appraisal/ping")
            assert r.status_code == 200
        refused = [a for a in answers if a.status_code == 429]
        assert len(refused) == 2 and sum(a.status_code == 200 for a in answers) == 4
        assert_problem(refused[0], 429, "too_many_requests")
        assert refused[0].headers["retry-after"] == "1"
        async with client(url, "127.0.0.2") as greedy:  # its slots are back once answered
            assert (await greedy.get("/api/appraisal/ping")).status_code == 200


async def test_every_wait_is_bounded(monkeypatch) -> None:
    async with gateway(monkeypatch, read_timeout=0.5, body_timeout=0.5, max_body_bytes=1024) as url:
        async with client(url) as c:
            assert_problem(await c.get("/api/appraisal/slow?s=2"), 504, "service_timeout")
            assert_problem(await c.post("/api/appraisal/echo/x", content=b"x" * 2048), 413, "body_too_large")
        # A client that announces a body and never sends it.
        host, port = url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"POST /api/appraisal/echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        writer.close()
        assert head.startswith(b"HTTP/1.1 408") and PROBLEM.encode() in head
    # An upstream that is not there: 503 at once, not a hang.
    monkeypatch.setenv("APPRAISAL_URL", f"http://127.0.0.1:{free_port()}")
    app = create_gateway(GatewayLimits(connect_timeout=0.5))
    async with serving(app, free_port()) as url, client(url) as c:
        r = await c.get("/api/appraisal/ping")
        assert_problem(r, 503, "service_unavailable")
        assert r.headers["retry-after"]


async def test_a_service_s_replicas_share_its_requests_and_a_dead_one_is_skipped(monkeypatch) -> None:
    """``<SERVICE>_URL`` lists replicas: the requests go to both; with one gone (nothing listens on
    its port) every request, a POST without a key included, is answered by the other."""
    seen: collections.Counter[str] = collections.Counter()

    def tagged(tag: str) -> Starlette:
        async def who(request: Request) -> PlainTextResponse:
            seen[tag] += 1
            return PlainTextResponse(tag)

        return Starlette(routes=[Route("/who", who, methods=["GET", "POST"])])

    async with serving(tagged("a"), free_port()) as a, serving(tagged("b"), free_port()) as b:
        monkeypatch.setenv("APPRAISAL_URL", f"{a},{b}")
        app = create_gateway(GatewayLimits())
        async with serving(app, free_port()) as url, client(url) as c:
            for _ in range(10):
                assert (await c.get("/api/appraisal/who")).status_code == 200
            assert seen["a"] >= 3 and seen["b"] >= 3, seen
    dead = f"http://127.0.0.1:{free_port()}"
    async with serving(tagged("c"), free_port()) as live:
        monkeypatch.setenv("APPRAISAL_URL", f"{dead},{live}")
        app = create_gateway(GatewayLimits())
        async with serving(app, free_port()) as url, client(url) as c:
            for method in ("GET", "POST") * 5:
                r = await c.request(method, "/api/appraisal/who")
                assert (r.status_code, r.text) == (200, "c")
