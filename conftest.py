"""Test session: real NATS and PostgreSQL, started once from the pip packages (or taken from
``NATS_URL`` / ``DATABASE_URL``); each test gets its own database and its own stream prefix."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from hypothesis import settings as hypothesis_settings

from grassroots_common.auth import mint_token
from grassroots_common.embedded import EmbeddedPostgres, NatsServer, dsn_for, free_port
from grassroots_common.settings import ServiceSettings

TEST_SECRET = "test-secret-" + uuid.uuid4().hex

# Property tests are part of a suite that must be deterministic and quick on a loaded 2-core
# machine: a fixed sequence of examples, and no per-example deadline (speed is the benchmark's job).
hypothesis_settings.register_profile("grassroots", deadline=None, derandomize=True, database=None)
hypothesis_settings.load_profile("grassroots")


@pytest.fixture(scope="session")
def servers() -> Iterator[dict[str, object]]:
    folder = Path(tempfile.mkdtemp(prefix="grassroots-test-"))
    os.chmod(folder, 0o755)
    nats = pg = None
    nats_url = os.environ.get("NATS_URL")
    database_url = os.environ.get("DATABASE_URL")
    if not nats_url:
        nats = NatsServer(folder / "nats", free_port())
        nats.start()
        nats_url = nats.url
    if not database_url:
        pg = EmbeddedPostgres(folder / "pg")
        database_url = pg.start()
    try:
        yield {"nats_url": nats_url, "database_url": database_url, "nats": nats}
    finally:
        if nats is not None:
            nats.stop()
        if pg is not None:
            pg.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def nats_server(servers: dict[str, object]) -> NatsServer:
    """The embedded NATS server itself, for tests that stop and restart it."""
    server = servers["nats"]
    if server is None:
        pytest.skip("NATS_URL points at an external server: it cannot be restarted from here")
    assert isinstance(server, NatsServer)
    return server


@contextlib.asynccontextmanager
async def databases(servers: dict[str, object]) -> AsyncIterator[Callable[[], Awaitable[str]]]:
    """Factory of fresh databases on the session server, all dropped on leaving."""
    admin = str(servers["database_url"])
    names: list[str] = []

    async def create() -> str:
        name = "t_" + uuid.uuid4().hex[:16]
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        names.append(name)
        return dsn_for(admin, name)

    yield create
    conn = await asyncpg.connect(admin)
    for name in names:
        with contextlib.suppress(asyncpg.PostgresError):
            await conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    await conn.close()


@pytest.fixture
async def new_database(servers: dict[str, object]) -> AsyncIterator[Callable[[], Awaitable[str]]]:
    """Factory of fresh databases on the session server, dropped after the test."""
    async with databases(servers) as create:
        yield create


@pytest.fixture(scope="module")
async def module_database(servers: dict[str, object]) -> AsyncIterator[str]:
    """One fresh database for an app the tests of a module share, dropped after the module."""
    async with databases(servers) as create:
        yield await create()


@pytest.fixture
async def database(new_database: Callable[[], Awaitable[str]]) -> str:
    return await new_database()


@pytest.fixture
def prefix() -> str:
    return "t" + uuid.uuid4().hex[:10]


def settings_maker(servers: dict[str, object], prefix: str, data_dir: Path) -> Callable[..., ServiceSettings]:
    def make(service: str, database_url: str, **overrides: object) -> ServiceSettings:
        values: dict[str, object] = {
            "service": service,
            "database_url": database_url,
            "nats_url": servers["nats_url"],
            "nats_prefix": prefix,
            "jwt_secret": TEST_SECRET,
            "data_dir": data_dir,
            "log_level": "warning",
        }
        values.update(overrides)
        return ServiceSettings(**values)  # type: ignore[arg-type]

    return make


@pytest.fixture
def make_settings(servers: dict[str, object], prefix: str, tmp_path: Path) -> Callable[..., ServiceSettings]:
    return settings_maker(servers, prefix, tmp_path)


@pytest.fixture(scope="module")
def module_settings(
    servers: dict[str, object], tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., ServiceSettings]:
    """make_settings for an app the tests of a module share: a stream prefix and data folder of its own."""
    return settings_maker(servers, "t" + uuid.uuid4().hex[:10], tmp_path_factory.mktemp("module"))


def token(sub: str, *roles: str, name: str = "", **scopes: str) -> dict[str, str]:
    """Authorization header for a test principal."""
    return {"Authorization": "Bearer " + mint_token(TEST_SECRET, sub, name or sub, list(roles), scopes)}


@pytest.fixture(scope="session")
def auth() -> Callable[..., dict[str, str]]:
    return token


@contextlib.asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run a service app in-process (lifespan included) and talk to it over ASGI."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


@contextlib.contextmanager
def over_http(app: object) -> Iterator[str]:
    """Serve an ASGI app for real (uvicorn on a loopback port, in a thread with its own event loop,
    lifespan included); yields its base URL. For what an in-process transport hides: chunked
    bodies between processes, a client that is not httpx."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise AssertionError("the app did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def serve_http() -> Callable[[object], contextlib.AbstractContextManager[str]]:
    return over_http


@pytest.fixture(scope="session")
def serve() -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]:
    return running


async def eventually(
    probe: Callable[[], Awaitable[object]], *, timeout: float = 15.0, interval: float = 0.02
) -> object:
    """Wait on a condition with a deadline (never a fixed sleep): returns the first truthy result."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s (last: {last!r})")


@pytest.fixture
def wait_until() -> Callable[..., Awaitable[object]]:
    return eventually


class FixedClock:
    """An injectable clock tests move by hand."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.UTC))
