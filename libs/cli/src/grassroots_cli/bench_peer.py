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
aggregate method runs). The two sides take turns, workload by workload in ``rounds`` rounds (the
library's turn on a thread, one side at a time), so a shared machine's moods fall on both alike.
The library is in the ``bench`` dependency group only (``make bench``).
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


class Ours:
    """Our store's side: one pool of 16 connections."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    async def open(self, sizes: Sizes) -> None:
        self.pool = await create_pool(self.dsn, min_size=16, max_size=16)
        async with self.pool.acquire() as conn:
            await migrate(conn)
            await conn.execute("TRUNCATE events")
        self.store = EventStore(self.pool)

    async def append(self, writers: int, count: int, tag: str) -> None:
        per_writer = count // writers

        async def write(w: int) -> None:
            for i in range(per_writer):
                await self.store.append(f"a{tag}-{w}-{i}", "weekly_log", 0, [_ours_event(i)], META)

        await asyncio.gather(*(write(w) for w in range(writers)))

    async def fill(self, sizes: Sizes) -> None:
        for a in range(sizes.aggregates):
            events = [_ours_event(a, revision) for revision in range(1, sizes.events_per + 1)]
            await self.store.append(f"log-{a}", "weekly_log", 0, events, META)

    async def read_all(self) -> int:
        position, decoded = StorePosition(), 0
        while batch := await self.store.read_all(position, 1000):
            for recorded in batch:
                recorded.to_event()
            decoded += len(batch)
            position = StorePosition(batch[-1].tx_id, batch[-1].position)
        if decoded != await self.store.count():
            raise RuntimeError(f"ours: read-all decoded {decoded} events, the store holds more")
        return decoded

    async def rehydrate(self, aggregates: range, events_per: int) -> None:
        for a in aggregates:
            log = WeeklyLog.from_recorded(f"log-{a}", await self.store.load(f"log-{a}"))
            if log.revision != events_per:
                raise RuntimeError(f"ours: log-{a} rehydrated at revision {log.revision}")

    async def close(self) -> None:
        await self.pool.close()


class Theirs:
    """The library's side: one application, its pool of 16 connections; writers are threads."""

    def __init__(self, dsn: str) -> None:
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

        self.log_class = PeerLog
        url = urlsplit(dsn)
        self.app = Application(
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
        self.ids: list[Any] = []

    def append(self, writers: int, count: int, tag: str) -> None:
        per_writer = count // writers

        def write(_: int) -> None:
            for i in range(per_writer):
                self.app.save(self.log_class(**_fields(i)))

        _threads(writers, write)

    def fill(self, sizes: Sizes) -> None:
        for a in range(sizes.aggregates):
            log = self.log_class(**_fields(a))
            for revision in range(2, sizes.events_per + 1):
                log.revise(**_fields(a, revision))
            self.app.save(log)
            self.ids.append(log.id)

    def read_all(self) -> int:
        start, decoded = 1, 0
        while batch := self.app.recorder.select_notifications(start, 1000):
            for notification in batch:
                self.app.mapper.to_domain_event(notification)
            decoded += len(batch)
            start = batch[-1].id + 1
        if decoded != (self.app.recorder.max_notification_id() or 0):
            raise RuntimeError(f"eventsourcing: read-all decoded {decoded} events, the store holds more")
        return decoded

    def rehydrate(self, aggregates: range, events_per: int) -> None:
        for a in aggregates:
            log = self.app.repository.get(self.ids[a])
            if log.revision != events_per:
                raise RuntimeError(f"eventsourcing: aggregate {a} rehydrated at revision {log.revision}")

    def close(self) -> None:
        self.app.close()


async def compare(ours_dsn: str, theirs_dsn: str, sizes: Sizes, rounds: int = 3) -> dict[str, tuple[float, float]]:
    """Each workload's rate per second, (ours, the library's), the sides taking turns each round.
    Appends and read-all count events; rehydrate counts aggregates. Every count is checked."""
    mine, peer = Ours(ours_dsn), await asyncio.to_thread(Theirs, theirs_dsn)
    await mine.open(sizes)
    spent = {name: [0.0, 0.0] for name in WORKLOADS}
    done = dict.fromkeys(WORKLOADS, 0)

    async def turns(name: str, our_turn: Callable[[], Any], their_turn: Callable[[], Any], count: int) -> None:
        started = time.perf_counter()
        await our_turn()
        spent[name][0] += time.perf_counter() - started
        started = time.perf_counter()
        await asyncio.to_thread(their_turn)
        spent[name][1] += time.perf_counter() - started
        done[name] += count

    try:
        for rnd in range(rounds):
            for writers, name in ((1, "append, 1 writer"), (16, "append, 16 writers")):
                count = sizes.appends // rounds // writers * writers
                tag = f"{writers}-{rnd}"
                await turns(
                    name,
                    lambda w=writers, c=count, t=tag: mine.append(w, c, t),
                    lambda w=writers, c=count, t=tag: peer.append(w, c, t),
                    count,
                )
        await mine.fill(sizes)
        await asyncio.to_thread(peer.fill, sizes)
        decoded = [0, 0]
        for _ in range(rounds):
            started = time.perf_counter()
            decoded[0] = await mine.read_all()
            spent["read-all decoded"][0] += time.perf_counter() - started
            started = time.perf_counter()
            decoded[1] = await asyncio.to_thread(peer.read_all)
            spent["read-all decoded"][1] += time.perf_counter() - started
        if decoded[0] != decoded[1]:
            raise RuntimeError(f"the two stores hold {decoded[0]} and {decoded[1]} events: not the same workload")
        done["read-all decoded"] = decoded[0] * rounds
        share = -(-sizes.aggregates // rounds)
        for rnd in range(rounds):
            part = range(rnd * share, min((rnd + 1) * share, sizes.aggregates))
            await turns(
                "rehydrate",
                lambda part=part: mine.rehydrate(part, sizes.events_per),
                lambda part=part: peer.rehydrate(part, sizes.events_per),
                len(part),
            )
    finally:
        await mine.close()
        await asyncio.to_thread(peer.close)
    return {name: (done[name] / spent[name][0], done[name] / spent[name][1]) for name in WORKLOADS}


def _threads(count: int, work: Callable[[int], None]) -> None:
    with ThreadPoolExecutor(count) as pool:
        for future in [pool.submit(work, w) for w in range(count)]:
            future.result()  # an error in any writer fails the run
