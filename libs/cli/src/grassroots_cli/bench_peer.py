"""The peer, side by side: the Python ``eventsourcing`` library with its own PostgreSQL persistence
(``eventsourcing.postgres``: psycopg 3 and a connection pool), on the same PostgreSQL as our store.

It is what a Python team would pick instead. Both sides do the same four workloads on the same
weekly-log payload, each in a database of its own:

- single-event appends (a new aggregate with one event per transaction) at 1 and at 16 writers
  (the library's writers are threads sharing one application, ours coroutines sharing one pool);
- read-all decoded: every stored event, in order, back to a typed domain event (the library's
  notifications through its mapper; ours ``read_all`` and ``to_event``);
- rehydrate ``aggregates`` aggregates of ``events_per`` events each, one after another (the
  library's ``repository.get``, ours ``load`` and ``from_recorded``).

The construction of each event counts on both sides (the library makes its event when the
aggregate method runs). The library is in the ``bench`` dependency group only (``make bench``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from appraisal.domain.weekly_log import WeeklyLog
from grassroots_common.contracts.appraisal import LogSubmitted, WorkItem
from grassroots_common.db import create_pool
from grassroots_common.events import Metadata, NewEvent
from grassroots_common.migrations import migrate
from grassroots_common.store import EventStore, StorePosition

META = Metadata(actor_id="bench", actor_name="bench")
WORKLOADS = ("append, 1 writer", "append, 16 writers", "read-all decoded", "rehydrate")
_NOW = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)
_ITEMS = [{"text": "完成季度考核资料整理", "indicators": ["qin-1"]}]


@dataclass(frozen=True, slots=True)
class Sizes:
    appends: int  # per writer count: this many single-event appends in all
    aggregates: int
    events_per: int


def _fields(i: int, revision: int = 1) -> dict[str, Any]:
    """The weekly log both sides store: the same fields and values."""
    return {
        "person_id": f"p{i % 1352:05d}",
        "person_name": "张三",
        "unit_id": f"u{i % 62:02d}",
        "week": f"2026-W{(i // 1352) % 52 + 1:02d}",
        "items": _ITEMS,
        "submitted_at": _NOW,
        "deadline": _NOW,
        "late": i % 7 == 0,
        "revision": revision,
    }


def _ours_event(i: int, revision: int = 1) -> NewEvent:
    fields = _fields(i, revision)
    fields["items"] = [WorkItem(**item) for item in fields["items"]]
    return NewEvent(LogSubmitted(**fields))


async def ours(dsn: str, sizes: Sizes) -> dict[str, float]:
    """Our store's rates (per second) for the four workloads; every count is checked."""
    pool = await create_pool(dsn, min_size=16, max_size=16)
    async with pool.acquire() as conn:
        await migrate(conn)
        await conn.execute("TRUNCATE events")
    store = EventStore(pool)
    rates: dict[str, float] = {}
    for writers, name in ((1, "append, 1 writer"), (16, "append, 16 writers")):
        per_writer = sizes.appends // writers

        async def write(w: int, writers: int = writers, per_writer: int = per_writer) -> None:
            for i in range(per_writer):
                await store.append(f"a{writers}-{w}-{i}", "weekly_log", 0, [_ours_event(i)], META)

        started = time.perf_counter()
        await asyncio.gather(*(write(w) for w in range(writers)))
        rates[name] = per_writer * writers / (time.perf_counter() - started)
    for a in range(sizes.aggregates):
        events = [_ours_event(a, revision) for revision in range(1, sizes.events_per + 1)]
        await store.append(f"log-{a}", "weekly_log", 0, events, META)
    total = await store.count()
    started = time.perf_counter()
    position, decoded = StorePosition(), 0
    while batch := await store.read_all(position, 1000):
        for recorded in batch:
            recorded.to_event()
        decoded += len(batch)
        position = StorePosition(batch[-1].tx_id, batch[-1].position)
    rates["read-all decoded"] = decoded / (time.perf_counter() - started)
    if decoded != total:
        raise RuntimeError(f"ours: read-all decoded {decoded} of {total} events")
    started = time.perf_counter()
    for a in range(sizes.aggregates):
        log = WeeklyLog.from_recorded(f"log-{a}", await store.load(f"log-{a}"))
        if log.revision != sizes.events_per:
            raise RuntimeError(f"ours: log-{a} rehydrated at revision {log.revision}")
    rates["rehydrate"] = sizes.aggregates / (time.perf_counter() - started)
    await pool.close()
    return rates


def theirs(dsn: str, sizes: Sizes) -> dict[str, float]:
    """The library's rates (per second) for the four workloads; every count is checked."""
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    class PeerLog(Aggregate):
        @event("Submitted")
        def __init__(
            self,
            person_id: str,
            person_name: str,
            unit_id: str,
            week: str,
            items: list[dict[str, Any]],
            submitted_at: dt.datetime,
            deadline: dt.datetime,
            late: bool,
            revision: int,
        ) -> None:
            self.person_id, self.unit_id, self.week, self.revision = person_id, unit_id, week, revision

        @event("Revised")
        def revise(
            self,
            person_id: str,
            person_name: str,
            unit_id: str,
            week: str,
            items: list[dict[str, Any]],
            submitted_at: dt.datetime,
            deadline: dt.datetime,
            late: bool,
            revision: int,
        ) -> None:
            self.revision = revision

    url = urlsplit(dsn)
    app = Application(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": url.path.lstrip("/"),
            # the socket folder of the embedded server comes as ?host=
            "POSTGRES_HOST": parse_qs(url.query).get("host", [url.hostname or "127.0.0.1"])[0],
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": url.username or "postgres",
            "POSTGRES_PASSWORD": url.password or "",
            "POSTGRES_POOL_SIZE": "16",
        }
    )
    rates: dict[str, float] = {}
    for writers, name in ((1, "append, 1 writer"), (16, "append, 16 writers")):
        per_writer = sizes.appends // writers

        def write(_: int, per_writer: int = per_writer) -> None:
            for i in range(per_writer):
                app.save(PeerLog(**_fields(i)))

        started = time.perf_counter()
        _threads(writers, write)
        rates[name] = per_writer * writers / (time.perf_counter() - started)
    ids = []
    for a in range(sizes.aggregates):
        log = PeerLog(**_fields(a))
        for revision in range(2, sizes.events_per + 1):
            log.revise(**_fields(a, revision))
        app.save(log)
        ids.append(log.id)
    total = app.recorder.max_notification_id() or 0
    started = time.perf_counter()
    start, decoded = 1, 0
    while batch := app.recorder.select_notifications(start, 1000):
        for notification in batch:
            app.mapper.to_domain_event(notification)
        decoded += len(batch)
        start = batch[-1].id + 1
    rates["read-all decoded"] = decoded / (time.perf_counter() - started)
    if decoded != total:
        raise RuntimeError(f"eventsourcing: read-all decoded {decoded} of {total} events")
    started = time.perf_counter()
    for aggregate_id in ids:
        log = app.repository.get(aggregate_id)
        if log.revision != sizes.events_per:
            raise RuntimeError(f"eventsourcing: {aggregate_id} rehydrated at revision {log.revision}")
    rates["rehydrate"] = sizes.aggregates / (time.perf_counter() - started)
    app.close()
    return rates


def _threads(count: int, work: Callable[[int], None]) -> None:
    with ThreadPoolExecutor(count) as pool:
        for future in [pool.submit(work, w) for w in range(count)]:
            future.result()  # an error in any writer fails the run
