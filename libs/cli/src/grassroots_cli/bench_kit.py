"""What the benchmark scripts under ``bench/`` share: embedded PostgreSQL and NATS in a folder of
their own, a service under uvicorn, waiting until it answers, and a wrk run as figures."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from grassroots_cli.wrk import run_wrk
from grassroots_common.embedded import EmbeddedPostgres, NatsServer, free_port


def require_wrk() -> None:
    """Exit at once, saying how to install it, when wrk (the load generator) is missing."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")


@contextlib.contextmanager
def embedded_servers(prefix: str) -> Iterator[tuple[Path, str, str]]:
    """A temporary folder with a PostgreSQL and a NATS server of its own: the folder, the
    administrator's DSN and the NATS URL; both stopped and the folder removed after."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(folder, 0o755)
    nats = NatsServer(folder / "nats", free_port())
    pg = EmbeddedPostgres(folder / "pg")
    try:
        nats.start()
        admin_dsn = pg.start()
        yield folder, admin_dsn, nats.url
    finally:
        nats.stop()
        pg.stop()
        shutil.rmtree(folder, ignore_errors=True)


def service_env(dsn: str, nats_url: str, nats_prefix: str, secret: str, folder: Path, **more: str) -> dict[str, str]:
    """The environment of a service the benchmark starts: its database, NATS, token secret and data
    folder, quiet logs; ``more`` adds settings of the service's own."""
    return {
        **os.environ,
        "DATABASE_URL": dsn,
        "NATS_URL": nats_url,
        "NATS_PREFIX": nats_prefix,
        "JWT_SECRET": secret,
        "DATA_DIR": str(folder / "data"),
        "LOG_LEVEL": "warning",
        **more,
    }


async def start_service(app: str, port: int, env: dict[str, str]) -> asyncio.subprocess.Process:
    """The app factory ``app`` (``grid.main:create_app``) under uvicorn on ``port``."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "uvicorn", app, "--factory", "--port", str(port), "--log-level", "warning"),
        env=env,
    )


async def wait_ready(base: str, path: str = "/readyz") -> None:
    """Until ``path`` answers without a server error (``/readyz`` answers 503 until it is ready)."""
    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(300):
            with contextlib.suppress(httpx.TransportError):
                if (await client.get(path)).status_code < 500:
                    return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{base} did not become ready")


def wrk(url: str, script: str, seconds: int, folder: Path, *, connections: int = 32, threads: int = 1) -> dict:
    """A wrk run of the Lua ``script`` (its text, written into ``folder``) as figures: rps, ok_rps,
    requests, errors, p50_ms, p99_ms."""
    path = folder / f"s{time.monotonic_ns()}.lua"
    path.write_text(script)
    run = run_wrk(url, path, seconds, connections=connections, threads=threads)
    return {**dataclasses.asdict(run), "ok_rps": run.ok_rps}
