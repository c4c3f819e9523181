"""The deploy's shape on one machine (``grassroots cluster``): a 3-node JetStream cluster with
streams of 3 replicas, PostgreSQL, and for each service two API replicas behind the one origin
(the gateway balances across them) and two worker processes (relay, projections, schedulers; one
active per advisory lock, the other standing by).

The definitions below are the one source of truth for what the deploy sets: ``docker-compose.yml``
is checked against them (``tests/deploy/test_compose.py``), and ``Cluster`` gives its processes
the same variables. Every process is supervised as on the embedded default (``Platform``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from grassroots_cli.platform import API_OPTIONS, Child, Platform, service_args
from grassroots_cli.services import available_services
from grassroots_common.embedded import (
    EmbeddedPostgres,
    NatsServer,
    ensure_port_free,
)

NATS_NODES = ("nats-1", "nats-2", "nats-3")
STREAM_REPLICAS = 3
REPLICAS = 2  # processes of each role, for each service
# What tells an API process from a worker process: the API answers requests, the workers run the
# relay, the projections and the schedulers (one of them active per lock).
ROLES: dict[str, dict[str, str]] = {"api": {"RUN_WORKERS": "false"}, "worker": {"RUN_WORKERS": "true"}}
# uvicorn's options per role, beside the app factory, host and port.
UVICORN_OPTIONS: dict[str, tuple[str, ...]] = {
    "api": API_OPTIONS,
    "worker": (),
}


def role_environment(service_name: str, role: str) -> dict[str, str]:
    """The variables the deploy sets for a process of ``role`` of ``service_name``, beside where the
    servers are (``NATS_URL`` with every node, ``DATABASE_URL``) and the identity provider."""
    return {"SERVICE": service_name, "STREAM_REPLICAS": str(STREAM_REPLICAS), **ROLES[role]}


def process_name(service_name: str, role: str, replica: int) -> str:
    return f"{service_name}-{role}-{replica}"


@dataclass
class Cluster(Platform):
    """``Platform``'s supervision over the deploy's processes. ``ports`` gives each process and
    node its port (``process_name`` → port, ``nats-N``/``nats-N-route``/``nats-N-http``); by default
    they follow ``service_base`` and ``nats_port``."""

    services: tuple[str, ...] = ()
    service_base: int = 8101
    ports: dict[str, int] = field(default_factory=dict)
    nodes: dict[str, NatsServer] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.services = self.services or tuple(available_services())
        n = 0
        for name in self.services:
            for role in ROLES:
                for k in range(1, REPLICAS + 1):
                    self.ports.setdefault(process_name(name, role, k), self.service_base + n)
                    n += 1
        for i, node in enumerate(NATS_NODES):
            self.ports.setdefault(node, self.nats_port + i)
            self.ports.setdefault(f"{node}-route", self.nats_port + 10 + i)
            self.ports.setdefault(f"{node}-http", self.nats_port + 20 + i)

    def processes_of(self, service_name: str, role: str) -> list[str]:
        return [process_name(service_name, role, k) for k in range(1, REPLICAS + 1)]

    def process_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def check_ports(self) -> None:
        ensure_port_free(self.host, self.port, "web (gateway)")
        for name, port in self.ports.items():
            ensure_port_free("127.0.0.1", port, name)

    def start(self, timeout: float = 300.0) -> None:
        began = time.monotonic()
        base_env = self.prepare()
        routes = tuple(f"nats://127.0.0.1:{self.ports[f'{n}-route']}" for n in NATS_NODES)
        for node in NATS_NODES:
            server = self.nodes[node] = NatsServer(
                self.data_dir / node,
                self.ports[node],
                server_name=node,
                cluster_port=self.ports[f"{node}-route"],
                routes=routes,
                http_port=self.ports[f"{node}-http"],
            )
            server.start()
            self.children[node] = Child(node, server.start, server.alive, _pid_of(server))
        self.nats_url = ",".join(server.url for server in self.nodes.values())
        pg = self.postgres = EmbeddedPostgres(self.data_dir / "postgres")
        self.database_url = pg.start()
        self.children["postgres"] = Child("postgres", pg.restart, pg.alive, lambda: pg.pid)
        self.create_databases(self.services)
        self.wait_jetstream(timeout)
        # Demo data is seeded by one process of each service, before its replicas start.
        seeders = [process_name(s, "worker", 1) for s in self.services] if self.seed_demo else []
        rest = [p for s in self.services for role in ROLES for p in self.processes_of(s, role) if p not in seeders]
        for wave in [seeders, rest] if seeders else [rest]:
            for proc in wave:
                name, role, _ = proc.rsplit("-", 2)
                port = self.ports[proc]
                env = {
                    **base_env,
                    **role_environment(name, role),
                    **self.service_environment(name, port),
                    "GRASSROOTS_INSTANCE": proc,
                }
                self._add_process(
                    proc, service_args(name, port, *UVICORN_OPTIONS[role]), env, self.logs / f"{proc}.log"
                )
            self.wait_urls({p: f"{self.process_url(p)}/readyz" for p in wave}, timeout)
        self.add_gateway(
            {
                f"{s.upper()}_URL": ",".join(self.process_url(p) for p in self.processes_of(s, "api"))
                for s in self.services
            }
        )
        self.wait_urls({"gateway": f"{self.url}/healthz"}, timeout)
        self.started_in = time.monotonic() - began
        if self.supervise:
            self.watch_children()

    def wait_jetstream(self, timeout: float) -> None:
        """Until every node answers its health check (JetStream current, a meta leader elected)."""
        self.wait_urls({node: f"http://127.0.0.1:{self.ports[f'{node}-http']}/healthz" for node in NATS_NODES}, timeout)

    def stop(self) -> None:
        super().stop()
        for server in self.nodes.values():
            server.stop()
        self.nodes.clear()


def _pid_of(server: NatsServer) -> Callable[[], int | None]:
    return lambda: server.process.pid if server.process else None
