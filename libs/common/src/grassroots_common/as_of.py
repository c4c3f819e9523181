"""A read model as it stood at a past time: the projection's own fold over the events recorded up
to that time, into a temporary schema that is rolled back when the query is done.

The live read model is never touched: the fold runs in a transaction of its own, in a schema named
for it, and the transaction ends with a rollback (the schema never becomes visible to anyone else).
The time is the store's: an event counts if it was recorded (``recorded_at``) at or before it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg

from grassroots_common.errors import Invalid
from grassroots_common.projections.projection import Projection
from grassroots_common.store import EventStore, StorePosition

BATCH = 2000


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
