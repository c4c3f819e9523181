"""A read model as it stood at a past time: the projection's own fold over the events recorded up
to that time, into a temporary schema that is rolled back when the query is done.

The live read model is never touched: the fold runs in a transaction of its own, in a schema named
for it, and the transaction ends with a rollback (the schema never becomes visible to anyone else).
The time is the store's: an event counts if it was recorded (``recorded_at``) at or before it.

A service folds its own store (``as_of``). Reporting has no store: it reads the other services'
streams, so its past read models are folded from JetStream (``as_of_streams``), each stream read
from its first message by a consumer of its own, keeping the events recorded by then.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import asyncpg
from nats.aio.client import Client as NATS

from grassroots_common import keystore
from grassroots_common.errors import Invalid, Unavailable
from grassroots_common.events import RecordedEvent
from grassroots_common.jetstream import Puller, reset_consumer
from grassroots_common.projections.projection import Projection, SourceBinding
from grassroots_common.store import EventStore, StorePosition

BATCH = 2000
STALLED_PULLS = 5  # pulls of 2 s that bring nothing before a past fold from streams gives up


@dataclass(frozen=True, slots=True)
class AsOf:
    """Where the past read model is: query ``<schema>.<table>`` on ``conn`` (as the live queries
    name the projection's schema)."""

    conn: asyncpg.Connection
    schema: str


def check_as_of(at: dt.datetime | None, now: dt.datetime) -> dt.datetime | None:
    """``at`` as a query may ask for it: with a time zone, not in the future (None: now, live)."""
    if at is None:
        return None
    if at.tzinfo is None:
        raise Invalid("as_of_without_zone", "查询时间需带时区，例如 2026-11-18T09:00:00+08:00", field="as_of")
    if at > now:
        raise Invalid("as_of_in_future", "查询时间不能晚于现在", field="as_of")
    return at


@asynccontextmanager
async def as_of(store: EventStore, projection: Projection, at: dt.datetime) -> AsyncIterator[AsOf]:
    """A temporary schema holding ``projection``'s tables folded from the events recorded up to
    ``at``, on a connection of its own. Everything is rolled back on leaving."""
    schema = f"as_of_{uuid.uuid4().hex[:12]}"
    async with store.pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        try:
            await conn.execute(f"CREATE SCHEMA {schema}")
            await conn.execute(f"SET LOCAL search_path TO {schema}, public")
            await conn.execute(projection.ddl)
            types = sorted(projection.event_types) if projection.event_types is not None else None
            after = StorePosition()
            while events := await store.recorded_until(at, after, types=types, limit=BATCH, conn=conn):
                await projection.apply(conn, events)
                after = StorePosition(events[-1].tx_id, events[-1].position)
            yield AsOf(conn, schema)
        finally:
            await tx.rollback()


@dataclass(slots=True)
class PastStreams:
    """Past folds of projections fed by streams, on ``conn``: ``schemas`` maps each projection's
    live schema to the schema holding its past fold; ``positions`` is, per projection and source,
    the last stream sequence the fold took (as ``read_position`` states a live read model's)."""

    conn: asyncpg.Connection
    schemas: dict[str, str] = field(default_factory=dict)
    positions: dict[str, dict[str, dict[str, int | str]]] = field(default_factory=dict)


@asynccontextmanager
async def as_of_streams(
    pool: asyncpg.Pool,
    nc: NATS,
    folds: Sequence[tuple[Projection, Sequence[SourceBinding]]],
    at: dt.datetime,
) -> AsyncIterator[PastStreams]:
    """Each projection of ``folds`` folded, from its source streams, over the events recorded up
    to ``at``, into a temporary schema of its own on one connection; all rolled back on leaving.

    A stream is in commit order, not in ``recorded_at`` order, and the relay may publish an event
    long after it was recorded (after an outage), so every stream is read to the sequence it had
    when the fold began and each event is kept by its own ``recorded_at``: the cost is that of a
    rebuild of these projections, paid per query."""
    js = nc.jetstream(timeout=10.0)
    tag = uuid.uuid4().hex[:12]
    async with pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        try:
            past = PastStreams(conn)
            for projection, bindings in folds:
                schema = f"as_of_{tag}_{projection.schema}"
                await conn.execute(f"CREATE SCHEMA {schema}")
                await conn.execute(f"SET LOCAL search_path TO {schema}, public")
                await conn.execute(projection.ddl)
                past.schemas[projection.schema] = schema
                positions: dict[str, dict[str, int | str]] = {}
                for b in bindings:
                    last = await _fold_stream(conn, nc, js, projection, b, at)
                    positions[b.source] = {"sequence": last, "checkpoint": ""}
                past.positions[projection.name] = positions
            yield past
        finally:
            await tx.rollback()


async def _fold_stream(
    conn: asyncpg.Connection, nc: NATS, js, projection: Projection, b: SourceBinding, at: dt.datetime
) -> int:
    """Fold one source stream's events recorded by ``at``; the last sequence taken (0: none)."""
    name = await reset_consumer(
        js, b.spec.name, None, b.spec.filter_for(projection.event_types), 1, ack=False, inactive_threshold=30.0
    )
    last = 0
    try:
        pending = (await js.consumer_info(b.spec.name, name)).num_pending
        puller = Puller(nc, b.spec.name, name, batch=BATCH, expires=1.0)
        await puller.start()
        try:
            seen = idle = 0
            while seen < pending:
                deliveries = await puller.next_batch(BATCH, timeout=2.0, min_items=min(BATCH, pending - seen))
                if not deliveries:
                    idle += 1
                    if idle >= STALLED_PULLS:
                        raise Unavailable("history_stream_stalled", "读取历史事件超时，请稍后再试")
                    continue
                idle = 0
                seen += len(deliveries)
                kept: list[RecordedEvent] = []
                await keystore.prepare(d.data for d in deliveries)
                for d in deliveries:
                    e = RecordedEvent.from_json(d.data, d.sequence, b.source)
                    if e.recorded_at <= at and projection.handles(e.type):
                        kept.append(e)
                if kept:
                    await projection.apply(conn, kept)
                    last = kept[-1].sequence
                if deliveries[-1].pending == 0:
                    break
        finally:
            await puller.stop()
    finally:
        # An ephemeral consumer that is gone already, or a lost connection: it expires by itself.
        with contextlib.suppress(Exception):
            await js.delete_consumer(b.spec.name, name)
    return last
