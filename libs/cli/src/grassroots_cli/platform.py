"""The embedded default as a set of processes: NATS, PostgreSQL, every service, and the gateway.

``NATS_URL`` and ``DATABASE_URL`` point it at existing servers instead of starting its own.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import structlog

from grassroots_cli.services import DEFAULT_PORTS, available_services
from grassroots_common.clock import OFFSET_ENV, START_ENV, clock_from
from grassroots_common.embedded import EmbeddedPostgres, NatsServer, dsn_for, ensure_database

log = structlog.get_logger(__name__)


@dataclass
class Platform:
    data_dir: Path = Path("data")
    port: int = 8000
    service_ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    nats_port: int = 4222
    seed_demo: bool = True
    # A moved clock for training (grassroots_common.clock); by default from the environment.
    clock_offset: str | None = None
    clock_start: str | None = None
    log_format: str = "console"
    nats_prefix: str = ""
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    nats: NatsServer | None = None
    postgres: EmbeddedPostgres | None = None
    nats_url: str = ""
    database_url: str = ""

    def start(self, timeout: float = 120.0) -> None:
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
        self.nats_url = os.environ.get("NATS_URL", "")
        self.database_url = os.environ.get("DATABASE_URL", "")
        if not self.nats_url:
            self.nats = NatsServer(self.data_dir / "nats", self.nats_port)
            self.nats.start()
            self.nats_url = self.nats.url
        if not self.database_url:
            self.postgres = EmbeddedPostgres(self.data_dir / "postgres")
            self.database_url = self.postgres.start()
        services = available_services()
        (self.data_dir / "runtime.json").write_text(
            json.dumps({"nats_url": self.nats_url, "database_url": self.database_url, "nats_prefix": self.nats_prefix})
        )
        for name in services:
            asyncio.run(ensure_database(self.database_url, f"grassroots_{name}"))
        logs = self.data_dir / "logs"
        logs.mkdir(exist_ok=True)
        secret_file = self.data_dir / "keys" / "jwt.secret"
        base_env = {k: v for k, v in os.environ.items() if k not in (OFFSET_ENV, START_ENV)}
        if clock.moved:
            base_env[OFFSET_ENV] = str(clock.offset.total_seconds())
        for name in services:
            env = {
                **base_env,
                "DATABASE_URL": dsn_for(self.database_url, f"grassroots_{name}"),
                "NATS_URL": self.nats_url,
                "NATS_PREFIX": self.nats_prefix,
                "JWT_SECRET_FILE": str(secret_file),
                "DATA_DIR": str(self.data_dir),
                "SEED_DEMO": "true" if self.seed_demo else "false",
                "LOG_FORMAT": self.log_format,
                "PORT": str(self.service_ports[name]),
            }
            self.processes[name] = _spawn(
                [
                    "-m",
                    "uvicorn",
                    f"{name}.main:create_app",
                    "--factory",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.service_ports[name]),
                    "--loop",
                    "uvloop",
                    "--http",
                    "httptools",
                    "--no-access-log",
                    "--limit-concurrency",
                    "1000",
                    "--timeout-keep-alive",
                    "5",
                ],
                env,
                logs / f"{name}.log",
            )
        gateway_env = {
            **os.environ,
            "GATEWAY_DEV_SIGNIN": "true",
            "JWT_SECRET_FILE": str(secret_file),
            **{f"{n.upper()}_URL": f"http://127.0.0.1:{p}" for n, p in self.service_ports.items()},
        }
        self.processes["gateway"] = _spawn(
            [
                "-m",
                "uvicorn",
                "grassroots_cli.gateway:create_gateway",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--loop",
                "uvloop",
                "--no-access-log",
            ],
            gateway_env,
            logs / "gateway.log",
        )
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = {
            **{n: f"http://127.0.0.1:{self.service_ports[n]}/readyz" for n in available_services()},
            "gateway": f"http://127.0.0.1:{self.port}/healthz",
        }
        while pending and time.monotonic() < deadline:
            for name, url in list(pending.items()):
                proc = self.processes[name]
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}; see {self.data_dir}/logs/{name}.log")
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
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
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


def _spawn(args: list[str], env: dict[str, str], logfile: Path) -> subprocess.Popen:
    out = open(logfile, "ab")  # noqa: SIM115 - the child process owns it
    return subprocess.Popen([sys.executable, *args], env=env, stdout=out, stderr=subprocess.STDOUT)
