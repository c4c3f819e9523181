"""The embedded default as a set of processes: NATS, PostgreSQL, every service, and the gateway.

``NATS_URL`` and ``DATABASE_URL`` point it at existing servers instead of starting its own.

Every process it starts is supervised: one that dies is logged and started again, with a backoff
that doubles up to ``BACKOFF_MAX`` while it keeps dying and is forgiven once it has stayed up for
``STABLE_AFTER``. The others keep serving meanwhile: a service answers commands without NATS, and
answers 503 with ``Retry-After`` while PostgreSQL is away. Before starting anything the platform
makes sure no other program holds one of its ports.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import structlog

from grassroots_cli.services import DEFAULT_PORTS, SERVICES, available_services
from grassroots_common.clock import OFFSET_ENV, START_ENV, clock_from
from grassroots_common.embedded import (
    EmbeddedPostgres,
    NatsServer,
    become_subreaper,
    dsn_for,
    ensure_database,
    ensure_port_free,
    free_port,
)
from grassroots_common.keystore import KEYS_DATABASE

log = structlog.get_logger(__name__)

BACKOFF_MIN = 0.5
BACKOFF_MAX = 10.0
STABLE_AFTER = 30.0
WATCH_INTERVAL = 0.2
# uvicorn's options for a process that answers requests.
API_OPTIONS = ("--limit-concurrency", "1000", "--timeout-keep-alive", "5")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exited(name: str, code: int | None, log: Path, lines: int = 30) -> str:
    """Why a start failed: the process, its exit code and the end of its log (a CI run removes
    the data folder, so the log's last lines are all that is left to read)."""
    try:
        tail = log.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        tail = []
    return "\n".join([f"{name} exited with {code}; see {log}", *tail])


@dataclass
class Child:
    """A supervised process: how to start it again and how to tell it is alive."""

    name: str
    start: Callable[[], None]
    alive: Callable[[], bool]
    pid: Callable[[], int | None]
    restarts: int = 0


@dataclass
class Platform:
    data_dir: Path = Path("data")
    port: int = 8000
    host: str = "127.0.0.1"
    service_ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    nats_port: int = 4222
    seed_demo: bool = True
    # A moved clock for training (grassroots_common.clock); by default from the environment.
    clock_offset: str | None = None
    clock_start: str | None = None
    log_format: str = "console"
    nats_prefix: str = ""
    supervise: bool = True
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    nats: NatsServer | None = None
    postgres: EmbeddedPostgres | None = None
    nats_url: str = ""
    database_url: str = ""
    children: dict[str, Child] = field(default_factory=dict)
    started_in: float = 0.0
    _stopping: threading.Event = field(default_factory=threading.Event)
    _watchers: list[threading.Thread] = field(default_factory=list)

    @classmethod
    def on_free_ports(cls, data_dir: Path, **options: Any) -> Platform:
        """A platform of its own in ``data_dir``, on ports no one holds, logging JSON: for the tests
        and benchmarks that run one beside whatever else is up."""
        ports = {name: free_port() for name in SERVICES}
        return cls(
            data_dir=data_dir,
            port=free_port(),
            service_ports=ports,
            nats_port=free_port(),
            log_format="json",
            **options,
        )

    @property
    def dev_signin(self) -> bool:
        """The demo sign-in mints a token for any role: only with demo data, only on this machine."""
        return self.seed_demo and is_loopback(self.host)

    def check_ports(self) -> None:
        """Refuse to start (``PortTaken``) when a port is held by a program this platform did not start."""
        if not os.environ.get("NATS_URL"):
            ensure_port_free("127.0.0.1", self.nats_port, "NATS")
        ensure_port_free(self.host, self.port, "web (gateway)")
        for name in available_services():
            ensure_port_free("127.0.0.1", self.service_ports[name], f"service {name}")

    def start(self, timeout: float = 300.0) -> None:
        began = time.monotonic()
        base_env = self.prepare()
        self.nats_url = os.environ.get("NATS_URL", "")
        self.database_url = os.environ.get("DATABASE_URL", "")
        if not self.nats_url:
            nats = self.nats = NatsServer(self.data_dir / "nats", self.nats_port)
            nats.start()
            self.nats_url = nats.url
            self.children["nats"] = Child(
                "nats", nats.start, nats.alive, lambda: nats.process.pid if nats.process else None
            )
        if not self.database_url:
            pg = self.postgres = EmbeddedPostgres(self.data_dir / "postgres")
            self.database_url = pg.start()
            self.children["postgres"] = Child("postgres", pg.restart, pg.alive, lambda: pg.pid)
        services = available_services()
        self.create_databases(services)
        for name in services:
            port = self.service_ports[name]
            env = {**base_env, **self.service_environment(name, port)}
            self._add_process(name, service_args(name, port, *API_OPTIONS), env, self.logs / f"{name}.log")
        self.add_gateway({f"{n.upper()}_URL": f"http://127.0.0.1:{p}" for n, p in self.service_ports.items()})
        self.wait_ready(timeout)
        self.started_in = time.monotonic() - began
        if self.supervise:
            self.watch_children()

    @property
    def logs(self) -> Path:
        return self.data_dir / "logs"

    @property
    def secret_file(self) -> Path:
        return self.data_dir / "keys" / "jwt.secret"

    def prepare(self) -> dict[str, str]:
        """What a start does before it starts anything: the clock, the data folder, the ports free,
        this process the reaper of its orphans. Answers the environment every process inherits."""
        # Refused (ClockRefused) before anything starts when demo mode is off. A start moment
        # becomes one offset for every process, so that all of them keep the same time.
        clock = clock_from(
            self.clock_offset or os.environ.get(OFFSET_ENV),
            self.clock_start or os.environ.get(START_ENV),
            demo=self.seed_demo,
        )
        self.data_dir = self.data_dir.resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.data_dir, 0o755)
        self.check_ports()
        if self.supervise:
            become_subreaper()
        base_env = {k: v for k, v in os.environ.items() if k not in (OFFSET_ENV, START_ENV)}
        if clock.moved:
            base_env[OFFSET_ENV] = str(clock.offset.total_seconds())
        return base_env

    def create_databases(self, services: Iterable[str]) -> None:
        """Once the servers are up: ``runtime.json`` says where they are, each service's database
        and the keys' exist, and the logs' folder."""
        (self.data_dir / "runtime.json").write_text(
            json.dumps({"nats_url": self.nats_url, "database_url": self.database_url, "nats_prefix": self.nats_prefix})
        )
        for database in [*(f"grassroots_{name}" for name in services), KEYS_DATABASE]:
            asyncio.run(ensure_database(self.database_url, database))
        self.logs.mkdir(exist_ok=True)

    def service_environment(self, service_name: str, port: int) -> dict[str, str]:
        """The variables a process of ``service_name`` listening on ``port`` is given."""
        return {
            "DATABASE_URL": dsn_for(self.database_url, f"grassroots_{service_name}"),
            "NATS_URL": self.nats_url,
            "NATS_PREFIX": self.nats_prefix,
            "JWT_SECRET_FILE": str(self.secret_file),
            "DATA_DIR": str(self.data_dir),
            "SEED_DEMO": "true" if self.seed_demo else "false",
            "PUBLIC_DOCS": "true",
            "LOG_FORMAT": self.log_format,
            "PORT": str(port),
        }

    def add_gateway(self, service_urls: dict[str, str]) -> None:
        """Start the one origin in front of the services (``<SERVICE>_URL``: where each is)."""
        gateway_env = {
            **os.environ,
            "GATEWAY_DEV_SIGNIN": "true" if self.dev_signin else "false",
            "JWT_SECRET_FILE": str(self.secret_file),
            **service_urls,
        }
        self._add_process("gateway", self.gateway_args(), gateway_env, self.logs / "gateway.log")

    def watch_children(self) -> None:
        for child in self.children.values():
            watcher = threading.Thread(target=self._watch, args=(child,), name=f"watch-{child.name}", daemon=True)
            watcher.start()
            self._watchers.append(watcher)

    def gateway_args(self) -> list[str]:
        """The one origin's command line (the same in every topology)."""
        return [
            "-m",
            "uvicorn",
            "grassroots_cli.gateway:create_gateway",
            "--factory",
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--loop",
            "uvloop",
            "--no-access-log",
            # The gateway is the edge: the client's own address bounds its requests, whatever it claims.
            "--no-proxy-headers",
        ]

    def _add_process(self, name: str, args: list[str], env: dict[str, str], logfile: Path) -> None:
        def start() -> None:
            self.processes[name] = _spawn(args, env, logfile)

        def alive() -> bool:
            return self.processes[name].poll() is None

        start()
        self.children[name] = Child(name, start, alive, lambda: self.processes[name].pid)

    def _watch(self, child: Child) -> None:
        """Start ``child`` again whenever it dies, waiting longer each time it dies again soon."""
        backoff = BACKOFF_MIN
        up_since = time.monotonic()
        while not self._stopping.wait(WATCH_INTERVAL):
            if child.alive():
                if time.monotonic() - up_since > STABLE_AFTER:
                    backoff = BACKOFF_MIN
                continue
            log.warning("child.died", child=child.name, restart_in=backoff, logs=str(self.data_dir / "logs"))
            if self._stopping.wait(backoff):
                return
            backoff = min(backoff * 2, BACKOFF_MAX)
            try:
                child.start()
            except Exception as exc:
                log.warning("child.restart_failed", child=child.name, error=repr(exc))
                continue
            child.restarts += 1
            up_since = time.monotonic()
            log.warning("child.restarted", child=child.name, pid=child.pid(), restarts=child.restarts)

    def wait_ready(self, timeout: float) -> None:
        pending = {
            **{n: f"http://127.0.0.1:{self.service_ports[n]}/readyz" for n in available_services()},
            "gateway": f"{self.url}/healthz",
        }
        self.wait_urls(pending, timeout)

    def wait_urls(self, pending: dict[str, str], timeout: float) -> None:
        """Until each URL answers 200; a process named that exits first fails the start."""
        deadline = time.monotonic() + timeout
        while pending and time.monotonic() < deadline:
            for name, url in list(pending.items()):
                proc = self.processes.get(name)
                if proc is not None and proc.poll() is not None:
                    raise RuntimeError(exited(name, proc.returncode, self.data_dir / "logs" / f"{name}.log"))
                try:
                    if httpx.get(url, timeout=1.0).status_code == 200:
                        del pending[name]
                except httpx.HTTPError:
                    pass
            if pending:
                time.sleep(0.2)
        if pending:
            raise TimeoutError(f"not ready: {sorted(pending)}; see {self.data_dir}/logs/")

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "localhost") else self.host
        return f"http://{host}:{self.port}" if ":" not in host else f"http://[{host}]:{self.port}"

    def stop(self) -> None:
        self._stopping.set()
        for watcher in self._watchers:
            watcher.join(30)
        self._watchers.clear()
        for proc in self.processes.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.processes.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.processes.clear()
        if self.nats is not None:
            self.nats.stop()
        if self.postgres is not None:
            self.postgres.stop()
        self.children.clear()


def service_args(service_name: str, port: int, *options: str) -> list[str]:
    """The command line of a process of ``service_name`` on ``port`` (uvicorn ``options`` after)."""
    return uvicorn_args(f"{service_name}.main:create_app", port, *options)


def uvicorn_args(app_factory: str, port: int, *options: str) -> list[str]:
    """uvicorn serving ``app_factory`` on this machine's ``port`` (uvloop, httptools, no access log)."""
    return [
        "-m",
        "uvicorn",
        app_factory,
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        *options,
    ]


def _spawn(args: list[str], env: dict[str, str], logfile: Path) -> subprocess.Popen:
    with open(logfile, "ab") as out:  # the child holds its own copy of the descriptor
        return subprocess.Popen([sys.executable, *args], env=env, stdout=out, stderr=subprocess.STDOUT)
