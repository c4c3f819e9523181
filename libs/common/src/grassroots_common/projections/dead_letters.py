"""Dead letters: an event a projection failed on, parked with its error; retried once its handler
is fixed, or skipped."""

from __future__ import annotations

import asyncpg
import orjson
from prometheus_client import Counter

from grassroots_common import keystore, personal
from grassroots_common.events import RecordedEvent, event_class
from grassroots_common.projections.checkpoints import apply_handled, enter_schema, read_checkpoint, save_checkpoint
from grassroots_common.projections.projection import Projection

PARKED = Counter("grassroots_projection_parked_total", "Events parked in the dead-letter table", ["projection"])


async def park(
    pool: asyncpg.Pool, projection: Projection, source: str, event: RecordedEvent, error: str, attempts: int
) -> None:
    """Record the failing event; with policy "continue" the checkpoint moves past it."""
    PARKED.labels(projection.name).inc()
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            """INSERT INTO dead_letters (projection, source, sequence, event_id, event_type, envelope, error, attempts)
               VALUES ($1, $2, $3, $4::uuid, $5, $6::text::jsonb, $7, $8)
               ON CONFLICT (projection, event_id) DO UPDATE
               SET error = EXCLUDED.error, attempts = dead_letters.attempts + EXCLUDED.attempts,
                   state = 'parked', parked_at = now(), resolved_at = NULL""",
            projection.name,
            source,
            event.sequence,
            event.event_id,
            event.type,
            personal.sealed_envelope(event, event_class(event.type)),
            error[:4000],
            attempts,
        )
        if projection.on_failure == "stop":
            await conn.execute(
                "UPDATE projection_status SET state='stopped', error=$2, updated_at=now() WHERE projection=$1",
                projection.name,
                error[:4000],
            )
        else:
            done = await read_checkpoint(conn, projection.name, source, lock=True)
            if event.sequence > done:
                await save_checkpoint(conn, projection.name, source, event)


async def retry_parked(pool: asyncpg.Pool, projection: Projection, parked_id: int) -> None:
    """Apply a parked event again (its handler fixed), then resume a stopped projection."""
    async with pool.acquire() as conn, conn.transaction():
        event = await _parked(conn, projection, parked_id)
        await enter_schema(conn, projection.schema)
        await apply_handled(conn, projection, [event], projection.name)
        await conn.execute("SET LOCAL search_path TO public")
        await _resolve(conn, projection, event, parked_id, "retried")


async def skip_parked(pool: asyncpg.Pool, projection: Projection, parked_id: int) -> None:
    """Give up on a parked event: the checkpoint moves past it and a stopped projection resumes."""
    async with pool.acquire() as conn, conn.transaction():
        event = await _parked(conn, projection, parked_id)
        await _resolve(conn, projection, event, parked_id, "skipped")


async def _parked(conn: asyncpg.Connection, projection: Projection, parked_id: int) -> RecordedEvent:
    """The event parked as ``parked_id`` for ``projection``, its row locked until the transaction ends."""
    row = await conn.fetchrow(
        "SELECT * FROM dead_letters WHERE id=$1 AND projection=$2 AND state='parked' FOR UPDATE",
        parked_id,
        projection.name,
    )
    if row is None:
        raise LookupError(f"no parked event {parked_id} for {projection.name}")
    raw = envelope_bytes(row["envelope"])
    await keystore.prepare((raw,))
    return RecordedEvent.from_json(raw, row["sequence"], row["source"])


async def _resolve(
    conn: asyncpg.Connection, projection: Projection, event: RecordedEvent, parked_id: int, state: str
) -> None:
    """The checkpoint past ``event``, the parked row ``state``, the projection running again."""
    done = await read_checkpoint(conn, projection.name, event.source, lock=True)
    if event.sequence > done:
        await save_checkpoint(conn, projection.name, event.source, event)
    await conn.execute("UPDATE dead_letters SET state=$2, resolved_at=now() WHERE id=$1", parked_id, state)
    await conn.execute(
        "UPDATE projection_status SET state='running', error=NULL, updated_at=now() WHERE projection=$1",
        projection.name,
    )


def envelope_bytes(envelope: object) -> bytes:
    return orjson.dumps(envelope)
