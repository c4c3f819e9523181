"""Operator views over a running platform: streams, events, projections, dead letters, replay, leader locks."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from nats.aio.client import Client as NATS

from grassroots_cli.services import PUBLISHERS, available_services, service
from grassroots_common import keystore
from grassroots_common.db import create_pool
from grassroots_common.embedded import dsn_for
from grassroots_common.jetstream import StreamSpec, connect
from grassroots_common.keystore import KEYS_DATABASE
from grassroots_common.leader import LOCK_APPLICATION
from grassroots_common.projections.projection import Projection, SourceBinding, binding


@dataclass
class Target:
    """Where the platform's servers are: the data folder's runtime.json, or the environment."""

    nats_url: str
    database_url: str
    nats_prefix: str = ""

    @classmethod
    def resolve(cls, data_dir: Path) -> Target:
        saved: dict[str, str] = {}
        runtime = data_dir / "runtime.json"
        if runtime.exists():
            saved = json.loads(runtime.read_text())
        nats_url = os.environ.get("NATS_URL") or saved.get("nats_url") or "nats://127.0.0.1:4222"
        database_url = os.environ.get("DATABASE_URL") or saved.get("database_url")
        if not database_url:
            raise SystemExit("No database: start the platform (grassroots up) or set DATABASE_URL")
        return cls(nats_url, database_url, os.environ.get("NATS_PREFIX", saved.get("nats_prefix", "")))

    def dsn(self, service_name: str) -> str:
        specific = os.environ.get(f"{service_name.upper()}_DATABASE_URL")
        return specific or dsn_for(self.database_url, f"grassroots_{service_name}")

    def keys_dsn(self) -> str:
        """The persons' keys (PIPL erasure): ``KEYS_DATABASE_URL``, or ``grassroots_keys`` beside the events."""
        return os.environ.get("KEYS_DATABASE_URL") or dsn_for(self.database_url, KEYS_DATABASE)

    def spec(self, service_name: str) -> StreamSpec:
        return StreamSpec(service_name, self.nats_prefix)

    async def nats(self) -> NATS:
        return await connect(self.nats_url, "grassroots-cli")

    async def pool(self, service_name: str) -> asyncpg.Pool:
        """A pool on the service's database; the persons' keys attached first, so the events the
        command reads open their personal fields (erased persons read as erased)."""
        await self.keys()
        return await create_pool(self.dsn(service_name), max_size=4)

    async def keys(self) -> None:
        """Attach the persons' keystore on this event loop (once; it lives as long as the command)."""
        await keystore.attach(self.keys_dsn())


def find_projection(name: str) -> tuple[str, Projection]:
    """``reporting.submissions`` or a unique bare name such as ``submissions``."""
    owner, _, bare = name.rpartition(".")
    matches = [
        (svc, p)
        for svc in available_services()
        if not owner or svc == owner
        for p in service(svc).projections()
        if p.name == bare
    ]
    if not matches:
        raise SystemExit(f"no projection named {name}; see `grassroots projections`")
    if len(matches) > 1:
        raise SystemExit(f"{name} is ambiguous: use one of {', '.join(f'{s}.{p.name}' for s, p in matches)}")
    return matches[0]


def bindings_for(target: Target, owner: str, projection: Projection) -> list[SourceBinding]:
    return [binding(projection, target.spec(source), owner) for source in projection.sources]


def all_projections() -> list[tuple[str, Projection]]:
    return [(svc, p) for svc in available_services() for p in service(svc).projections()]


PUBLISHING = PUBLISHERS


@dataclass(frozen=True)
class LockState:
    """One leader lock: who holds it (``None``: nobody) and who stands by for it."""

    database: str
    name: str
    holder: str | None
    standby: tuple[str, ...]


LOCKS_SQL = """
SELECT a.datname, a.application_name, bool_or(l.granted IS TRUE) AS holds
  FROM pg_stat_activity a
  LEFT JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'advisory' AND l.granted
 WHERE a.application_name LIKE $1
 GROUP BY a.datname, a.application_name, a.pid
"""


async def leader_locks(conn: asyncpg.Connection) -> list[LockState]:
    """Every leader lock of the PostgreSQL server, from ``pg_locks`` and the lock connections'
    ``application_name`` (``grassroots_common.leader``: ``gr-lock <name> <holder>``)."""
    found: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for row in await conn.fetch(LOCKS_SQL, f"{LOCK_APPLICATION} %"):
        _, name, holder = [*row["application_name"].split(" ", 2), "?", "?"][:3]
        holders, standby = found.setdefault((row["datname"], name), ([], []))
        (holders if row["holds"] else standby).append(holder)
    return [
        LockState(db, name, holders[0] if holders else None, tuple(sorted(standby)))
        for (db, name), (holders, standby) in sorted(found.items())
    ]
