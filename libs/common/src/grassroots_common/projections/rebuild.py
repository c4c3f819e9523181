"""``rebuild`` fills a shadow schema from the start of the streams at full speed and swaps it in
with one transaction while queries keep reading the old one."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass

import asyncpg
import structlog
from nats.aio.client import Client as NATS

from grassroots_common import keystore
from grassroots_common.event_batch import EventBatch
from grassroots_common.jetstream import Puller, reset_consumer
from grassroots_common.projections.checkpoints import (
    apply_batch,
    apply_handled,
    enter_schema,
    install,
    read_checkpoint,
    save_checkpoint,
)
from grassroots_common.projections.projection import Projection, PureFoldProjection, SourceBinding, fold_ahead
from grassroots_common.replay_reader import ReplayPuller, open_reader

log = structlog.get_logger(__name__)


@dataclass(slots=True)
class RebuildProgress:
    source: str
    done: int
    total: int
    elapsed: float

    @property
    def rate(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float:
        return (self.total - self.done) / self.rate if self.rate > 0 else 0.0


async def rebuild(
    pool: asyncpg.Pool,
    nc: NATS,
    projection: Projection,
    bindings: Sequence[SourceBinding],
    *,
    from_sequence: int = 1,
    from_time: dt.datetime | None = None,
    batch_size: int = 20_000,
    progress: Callable[[RebuildProgress], None] | None = None,
) -> int:
    """Rebuild into a shadow schema, then swap it in with the checkpoints in one transaction.

    With ``from_sequence`` or ``from_time`` the new read model holds only the events from there on.
    Queries keep answering from the old schema until the swap.
    """
    js = nc.jetstream(timeout=10.0)
    shadow = f"{projection.schema}__rebuild"
    work = f"{projection.name}__rebuild"
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(f"DROP SCHEMA IF EXISTS {shadow} CASCADE")
        await conn.execute(f"CREATE SCHEMA {shadow}")
        await conn.execute(f"SET LOCAL search_path TO {shadow}, public")
        await conn.execute(projection.ddl)
        await conn.execute("DELETE FROM public.projection_checkpoints WHERE projection = $1", work)
        deferred = await _defer_indexes(conn, projection, shadow)
    await install(pool, projection)
    total = 0
    with _collector_paused():
        for b in bindings:
            start: int | dt.datetime = from_time if from_time is not None else from_sequence
            total += await _replay_source(pool, nc, js, projection, b, shadow, work, start, batch_size, progress)
    async with pool.acquire() as conn:
        for ddl in deferred:
            await conn.execute(ddl)
    # Final catch-up and swap, holding the live checkpoints so the live runner waits.
    async with pool.acquire() as conn, conn.transaction():
        for b in bindings:
            await conn.execute(
                """INSERT INTO public.projection_checkpoints (projection, source, sequence)
                   VALUES ($1, $2, 0) ON CONFLICT DO NOTHING""",
                projection.name,
                b.source,
            )
            await read_checkpoint(conn, projection.name, b.source, lock=True)
        for b in bindings:
            total += await _drain_tail(conn, nc, js, projection, b, shadow, work, batch_size)
        await conn.execute(f"DROP SCHEMA IF EXISTS {projection.schema}__old CASCADE")
        await conn.execute(f"ALTER SCHEMA {projection.schema} RENAME TO {projection.schema}__old")
        await conn.execute(f"ALTER SCHEMA {shadow} RENAME TO {projection.schema}")
        await conn.execute(f"DROP SCHEMA {projection.schema}__old CASCADE")
        await conn.execute("DELETE FROM public.projection_checkpoints WHERE projection = $1", projection.name)
        await conn.execute(
            "UPDATE public.projection_checkpoints SET projection = $1 WHERE projection = $2", projection.name, work
        )
        await conn.execute(
            "UPDATE public.projection_status SET rebuilt_at = now(), updated_at = now() WHERE projection = $1",
            projection.name,
        )
    return total


async def _defer_indexes(conn: asyncpg.Connection, projection: Projection, shadow: str) -> list[str]:
    """Drop a pure fold's non-unique shadow indexes, to build each once after the replay (a sort)
    instead of maintaining it row by row; answer their definitions. Unique ones stay: upserts need
    them. Other projections read their tables while folding, so theirs stay too."""
    if not isinstance(projection, PureFoldProjection):
        return []
    rows = await conn.fetch(
        """SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS ddl
           FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = $1 AND NOT i.indisunique""",
        shadow,
    )
    for row in rows:
        await conn.execute(f"DROP INDEX {row['name']}")
    return [row["ddl"] for row in rows]


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection during the replay.

    Decoding a batch allocates tens of thousands of containers (envelope, data and metadata dicts,
    item lists) that live until the batch is applied; every allocation threshold crossed would make
    the collector walk them again, and its full passes walk all of them: measured, that is about a
    third of a replay's time. The decoded JSON holds no reference cycles, so reference counting frees
    every batch anyway; anything cyclic made meanwhile is collected once the collector runs again.
    """
    gc.freeze()  # what was loaded before (modules, the app) stays out of later passes too
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


async def _replay_source(
    pool: asyncpg.Pool,
    nc: NATS,
    js,
    projection: Projection,
    b: SourceBinding,
    shadow: str,
    work: str,
    start: int | dt.datetime,
    batch_size: int,
    progress: Callable[[RebuildProgress], None] | None,
) -> int:
    name = await reset_consumer(
        js, b.spec.name, None, b.spec.filter_for(projection.event_types), start, ack=False, inactive_threshold=30.0
    )
    total = (await js.consumer_info(b.spec.name, name)).num_pending
    puller = await _replay_puller(nc, b.spec.name, name, batch_size)
    began = time.monotonic()
    applied = done = 0
    # One batch in flight: PostgreSQL writes batch N while Python receives (and, for a pure fold,
    # decodes and folds) batch N+1.
    in_flight: asyncio.Task[int] | None = None
    try:
        async with pool.acquire() as conn, _commits_unflushed(conn):
            try:
                while done < total:
                    deliveries = await puller.next_batch(batch_size, timeout=2.0, min_items=batch_size)
                    if not deliveries:
                        continue
                    await keystore.prepare(d.data for d in deliveries)
                    events = EventBatch(deliveries, b.source)
                    # Folded on a worker thread while PostgreSQL writes the batch before: the event
                    # loop stays free to carry that batch's statements as each answer comes back.
                    folded = await asyncio.to_thread(fold_ahead, projection, events)
                    if in_flight is not None:
                        applied += await in_flight
                    in_flight = asyncio.create_task(
                        apply_batch(
                            conn,
                            projection,
                            events,
                            source=b.source,
                            schema=shadow,
                            checkpoint_name=work,
                            folded=folded,
                        )
                    )
                    done += len(deliveries)
                    if progress is not None:
                        progress(RebuildProgress(b.source, done, max(total, done), time.monotonic() - began))
                    if deliveries[-1].pending == 0:
                        break
                if in_flight is not None:
                    applied += await in_flight
            finally:
                # Whatever went wrong, the batch in flight is settled before its connection goes back.
                if in_flight is not None and not in_flight.done():
                    in_flight.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await in_flight
    finally:
        await puller.stop()
        await _delete_consumer(js, b.spec.name, name)
    return applied


@contextlib.asynccontextmanager
async def _commits_unflushed(conn: asyncpg.Connection) -> AsyncIterator[None]:
    """Replay batches commit without waiting for the WAL flush: a crash loses the last batches
    together with their checkpoint, and an interrupted rebuild is started again anyway."""
    await conn.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with contextlib.suppress(asyncpg.PostgresError, asyncpg.InterfaceError, OSError):  # a broken one is dropped
            await conn.execute("RESET synchronous_commit")


async def _replay_puller(nc: NATS, stream: str, consumer: str, batch_size: int) -> Puller | ReplayPuller:
    """The lean reader where the connection allows it (plain, no credentials), else nats-py."""
    url = nc.connected_url.geturl() if nc.connected_url is not None else ""
    replay = await open_reader(url) if url else None
    if replay is not None:
        return ReplayPuller(replay, stream, consumer, batch=batch_size)
    puller = Puller(nc, stream, consumer, batch=batch_size, expires=1.0)
    await puller.start()
    return puller


async def _delete_consumer(js, stream: str, name: str) -> None:
    try:
        await js.delete_consumer(stream, name)
    except Exception:
        log.debug("rebuild.consumer_cleanup_failed", consumer=name)


async def _drain_tail(
    conn: asyncpg.Connection,
    nc: NATS,
    js,
    projection: Projection,
    b: SourceBinding,
    shadow: str,
    work: str,
    batch_size: int,
) -> int:
    """Apply what arrived during the rebuild, inside the swap transaction."""
    target = (await js.stream_info(b.spec.name)).state.last_seq
    done = await read_checkpoint(conn, work, b.source, lock=False)
    if done >= target:
        return 0
    name = await reset_consumer(
        js, b.spec.name, None, b.spec.filter_for(projection.event_types), done + 1, ack=False, inactive_threshold=30.0
    )
    if (await js.consumer_info(b.spec.name, name)).num_pending == 0:
        # Only types this projection ignores arrived meanwhile.
        await _delete_consumer(js, b.spec.name, name)
        return 0
    puller = Puller(nc, b.spec.name, name, batch=batch_size, expires=1.0)
    await puller.start()
    applied = 0
    try:
        while True:
            deliveries = await puller.next_batch(batch_size, timeout=2.0)
            if not deliveries:
                if (await js.consumer_info(b.spec.name, name)).num_pending == 0:
                    break
                continue
            await keystore.prepare(d.data for d in deliveries)
            events = EventBatch(deliveries, b.source).up_to(target)
            if events:
                async with conn.transaction():
                    await enter_schema(conn, shadow)
                    await apply_handled(conn, projection, events, projection.name)
                    await save_checkpoint(conn, work, b.source, events[-1])
                applied += len(events)
            if deliveries[-1].sequence >= target:
                break
    finally:
        await puller.stop()
        await _delete_consumer(js, b.spec.name, name)
    return applied
