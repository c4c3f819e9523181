"""Relay and projection runner against real PostgreSQL and NATS JetStream."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Sequence

import asyncpg
import pytest

from grassroots_common.db import create_pool
from grassroots_common.event_batch import EventBatch
from grassroots_common.events import Event, Metadata, NewEvent, RecordedEvent, event
from grassroots_common.jetstream import Delivery, StreamSpec, connect, ensure_stream
from grassroots_common.migrations import migrate
from grassroots_common.projections.checkpoints import apply_batch, install
from grassroots_common.projections.dead_letters import retry_parked, skip_parked
from grassroots_common.projections.projection import Projection, PureFoldProjection, SourceBinding, fold_ahead, types_of
from grassroots_common.projections.rebuild import rebuild
from grassroots_common.projections.runner import ProjectionRunner
from grassroots_common.relay import Relay, RelayPublishError
from grassroots_common.store import EventStore

META = Metadata(actor_id="u1")


@event
class CounterBumped(Event):
    stream_type = "counter"
    by: int


class Totals(Projection):
    name = "totals"
    schema = "rm_totals"
    sources = ("demo",)
    event_types = types_of(CounterBumped)
    ddl = "CREATE TABLE IF NOT EXISTS totals (stream_id text PRIMARY KEY, total bigint NOT NULL, n int NOT NULL)"
    poison: set[int] = set()

    def __init__(self, on_failure: str = "continue") -> None:
        self.on_failure = on_failure
        self.poison = set()

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        folded: dict[str, list[int]] = {}
        for e in events:
            if e.data["by"] in self.poison:
                raise ValueError(f"cannot handle {e.data['by']}")
            acc = folded.setdefault(e.stream_id, [0, 0])
            acc[0] += e.data["by"]
            acc[1] += 1
        await conn.execute(
            """INSERT INTO totals AS t SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[])
               ON CONFLICT (stream_id) DO UPDATE SET total = t.total + EXCLUDED.total, n = t.n + EXCLUDED.n""",
            list(folded),
            [v[0] for v in folded.values()],
            [v[1] for v in folded.values()],
        )


class PureTotals(PureFoldProjection[dict[str, tuple[int, int]]]):
    """The same read model as ``Totals``, folded without reading the database; with an index on
    ``n`` that a rebuild builds at the end."""

    name = "pure_totals"
    schema = "rm_pure_totals"
    sources = ("demo",)
    event_types = types_of(CounterBumped)
    ddl = """CREATE TABLE IF NOT EXISTS totals (stream_id text PRIMARY KEY, total bigint NOT NULL, n int NOT NULL);
             CREATE INDEX IF NOT EXISTS totals_n ON totals (n)"""

    def fold(self, events: Sequence[RecordedEvent]) -> dict[str, tuple[int, int]]:
        folded: dict[str, tuple[int, int]] = {}
        for e in events:
            total, n = folded.get(e.stream_id, (0, 0))
            folded[e.stream_id] = (total + e.data["by"], n + 1)
        return folded

    async def write(self, conn: asyncpg.Connection, folded: dict[str, tuple[int, int]]) -> None:
        await conn.execute(
            """INSERT INTO totals AS t SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[])
               ON CONFLICT (stream_id) DO UPDATE SET total = t.total + EXCLUDED.total, n = t.n + EXCLUDED.n""",
            list(folded),
            [v[0] for v in folded.values()],
            [v[1] for v in folded.values()],
        )


@pytest.fixture
async def env(database, servers, prefix):
    pool = await create_pool(database, max_size=8)
    async with pool.acquire() as conn:
        await migrate(conn)
    nc = await connect(str(servers["nats_url"]), "test")
    spec = StreamSpec("demo", prefix)
    await ensure_stream(nc.jetstream(), spec)
    yield {"pool": pool, "store": EventStore(pool), "nc": nc, "spec": spec, "dsn": database}
    await nc.close()
    await pool.close()


async def append_bumps(store: EventStore, stream: str, values: list[int], start_version: int = 0) -> None:
    await store.append(stream, "counter", start_version, [NewEvent(CounterBumped(by=v)) for v in values], META)


async def stream_ids(nc, spec: StreamSpec) -> list[str]:
    js = nc.jetstream()
    info = await js.stream_info(spec.name)
    ids = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        msg = await js.get_msg(spec.name, seq=seq)
        ids.append(msg.headers["Nats-Msg-Id"])
    return ids


async def test_relay_publishes_in_order_and_a_restarted_relay_adds_no_duplicates(env) -> None:
    store, nc, spec = env["store"], env["nc"], env["spec"]
    for i in range(5):
        await append_bumps(store, f"c{i}", [1, 2, 3])
    relay = Relay(store, nc, spec, batch_size=4)
    await relay.publish_pending()  # a relay that dies after its first batch...
    assert len(await stream_ids(nc, spec)) == 4
    # ...and a new one whose checkpoint table was never updated (killed before saving it).
    await env["pool"].execute("DELETE FROM relay_checkpoints")
    fresh = Relay(store, nc, spec, batch_size=4)
    while await fresh.publish_pending():
        pass
    published = await stream_ids(nc, spec)
    stored = [e.event_id for e in await store.read_all(type(fresh.position)(), 100)]
    assert published == stored  # every event once, in commit order


async def test_a_stale_relay_is_refused_and_resumes_after_what_the_stream_holds(env) -> None:
    """Only a batch's last message is acknowledged: a refusal earlier in the batch must still fail it."""
    store, nc, spec = env["store"], env["nc"], env["spec"]
    await append_bumps(store, "c", [1, 2, 3, 4, 5, 6])
    stale = Relay(store, nc, spec, batch_size=3)
    await stale.reconcile()  # synced while the stream was empty...
    current = Relay(store, nc, spec, batch_size=4)
    assert await current.publish_pending() == 4  # ...then another replica published four events
    with pytest.raises(RelayPublishError):
        await stale.publish_pending()  # its batch starts at the first event: every message refused
    assert len(await stream_ids(nc, spec)) == 4
    while await stale.publish_pending():  # reconciled: it resumes after the fourth event
        pass
    published = await stream_ids(nc, spec)
    assert published == [e.event_id for e in await store.read_all(type(stale.position)(), 100)]


async def test_relay_republishes_what_the_stream_lost(env) -> None:
    store, nc, spec = env["store"], env["nc"], env["spec"]
    await append_bumps(store, "c", [1, 2, 3, 4])
    relay = Relay(store, nc, spec)
    await relay.publish_pending()
    # The single server lost what it had acknowledged (a crash before fsync, or a lost volume).
    js = nc.jetstream()
    await js.delete_stream(spec.name)
    fresh = Relay(store, nc, spec)
    await fresh.publish_pending()
    assert len(await stream_ids(nc, spec)) == 4


async def run_until(runner_task_stop: asyncio.Event, probe, timeout: float = 15.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        value = await probe()
        if value:
            return value
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met")


async def test_runner_applies_once_and_skips_redelivery(env) -> None:
    store, nc, spec, pool = env["store"], env["nc"], env["spec"], env["pool"]
    await append_bumps(store, "c", [1, 2, 3])
    relay = Relay(store, nc, spec)
    await relay.publish_pending()
    projection = Totals()
    await install(pool, projection)
    b = SourceBinding("demo", spec, "test-totals")
    stop = asyncio.Event()
    runner = ProjectionRunner(pool, nc, projection, [b])
    task = asyncio.create_task(runner.run(stop))

    async def total():
        return await pool.fetchval("SELECT total FROM rm_totals.totals WHERE stream_id='c'") == 6

    await run_until(stop, total)
    # The same events delivered again (a redelivery) change nothing.
    js = nc.jetstream()
    redelivered = []
    for seq in (1, 2, 3):
        msg = await js.get_msg(spec.name, seq=seq)
        redelivered.append(RecordedEvent.from_json(msg.data, seq, "demo"))
    async with pool.acquire() as conn:
        assert await apply_batch(conn, projection, redelivered, source="demo") == 0
    # A restarted runner realigns with its checkpoint and applies only what is new.
    stop.set()
    await task
    await append_bumps(store, "c", [10], start_version=3)
    await relay.publish_pending()
    stop2 = asyncio.Event()
    task2 = asyncio.create_task(ProjectionRunner(pool, nc, projection, [b]).run(stop2))

    async def sixteen():
        return await pool.fetchval("SELECT total FROM rm_totals.totals WHERE stream_id='c'") == 16

    await run_until(stop2, sixteen)
    assert await pool.fetchval("SELECT n FROM rm_totals.totals WHERE stream_id='c'") == 4
    stop2.set()
    await task2


@pytest.mark.parametrize("policy", ["continue", "stop"])
async def test_failing_event_is_parked_then_retried_or_skipped(env, policy: str) -> None:
    store, nc, spec, pool = env["store"], env["nc"], env["spec"], env["pool"]
    await append_bumps(store, "c", [1, 13, 5])
    await Relay(store, nc, spec).publish_pending()
    projection = Totals(on_failure=policy)
    projection.poison = {13}
    await install(pool, projection)
    stop = asyncio.Event()
    runner = ProjectionRunner(pool, nc, projection, [SourceBinding("demo", spec, "test-totals")], max_attempts=2)
    task = asyncio.create_task(runner.run(stop))

    async def parked():
        return await pool.fetchval("SELECT id FROM dead_letters WHERE projection='totals' AND state='parked'")

    parked_id = await run_until(stop, parked)
    if policy == "continue":
        await run_until(stop, lambda: _total_is(pool, 6))  # 1 and 5 applied, 13 parked
        projection.poison = set()
        await retry_parked(pool, projection, parked_id)
        assert await _total_is(pool, 19)
    else:
        await run_until(stop, lambda: _state_is(pool, "stopped"))
        assert await _total_is(pool, 1)  # stopped at the poison event, nothing after it
        await skip_parked(pool, projection, parked_id)
        await run_until(stop, lambda: _total_is(pool, 6))  # resumed after the skipped event
    stop.set()
    await task


async def _total_is(pool, value: int) -> bool:
    return await pool.fetchval("SELECT total FROM rm_totals.totals WHERE stream_id='c'") == value


async def _state_is(pool, state: str) -> bool:
    return await pool.fetchval("SELECT state FROM projection_status WHERE projection='totals'") == state


async def test_rebuild_swaps_in_while_the_live_runner_continues(env) -> None:
    store, nc, spec, pool = env["store"], env["nc"], env["spec"], env["pool"]
    for i in range(30):
        await append_bumps(store, f"c{i}", [i])
    relay = Relay(store, nc, spec)
    await relay.publish_pending()
    projection = Totals()
    await install(pool, projection)
    b = SourceBinding("demo", spec, "test-totals")
    stop = asyncio.Event()
    task = asyncio.create_task(ProjectionRunner(pool, nc, projection, [b]).run(stop))

    async def all_applied():
        return await pool.fetchval("SELECT sum(total) FROM rm_totals.totals") == sum(range(30))

    await run_until(stop, all_applied)
    # Corrupt the live read model: a rebuild must restore it from the stream.
    await pool.execute("UPDATE rm_totals.totals SET total = -1")
    replayed = await rebuild(pool, nc, projection, [b], batch_size=7)
    assert replayed == 30
    assert await pool.fetchval("SELECT sum(total) FROM rm_totals.totals") == sum(range(30))
    # The live runner continues on the swapped-in tables.
    await append_bumps(store, "c0", [100], start_version=1)
    await relay.publish_pending()

    async def continued():
        return await pool.fetchval("SELECT sum(total) FROM rm_totals.totals") == sum(range(30)) + 100

    await run_until(stop, continued)
    stop.set()
    await task


async def _pulled(nc, spec: StreamSpec, sequences: range) -> EventBatch:
    js = nc.jetstream()
    deliveries = []
    for seq in sequences:
        msg = await js.get_msg(spec.name, seq=seq)
        deliveries.append(Delivery(seq, 0, msg.data, "", msg.subject))
    return EventBatch(deliveries, "demo")


async def test_a_batch_folded_ahead_is_folded_again_when_the_checkpoint_covers_part_of_it(env) -> None:
    store, nc, spec, pool = env["store"], env["nc"], env["spec"], env["pool"]
    await append_bumps(store, "c", [1, 2, 3, 4, 5])
    await Relay(store, nc, spec).publish_pending()
    projection = PureTotals()
    await install(pool, projection)
    async with pool.acquire() as conn:
        assert await apply_batch(conn, projection, await _pulled(nc, spec, range(1, 4)), source="demo") == 3
        redelivered = await _pulled(nc, spec, range(1, 6))  # 1-3 again, with 4 and 5
        folded = fold_ahead(projection, redelivered)
        assert folded is not None and folded.value == {"c": (15, 5)}
        assert await apply_batch(conn, projection, redelivered, source="demo", folded=folded) == 2
    row = await pool.fetchrow("SELECT total, n FROM rm_pure_totals.totals WHERE stream_id='c'")
    assert (row["total"], row["n"]) == (15, 5)  # 1+2+3, then only 4+5


async def test_rebuild_of_a_pure_fold_builds_its_indexes_at_the_end(env) -> None:
    store, nc, spec, pool = env["store"], env["nc"], env["spec"], env["pool"]
    for i in range(20):
        await append_bumps(store, f"c{i % 6}", [i], start_version=i // 6)
    await Relay(store, nc, spec).publish_pending()
    projection = PureTotals()
    await install(pool, projection)
    b = SourceBinding("demo", spec, "test-pure-totals")
    stop = asyncio.Event()
    task = asyncio.create_task(ProjectionRunner(pool, nc, projection, [b]).run(stop))
    await run_until(stop, lambda: _sum_is(pool, sum(range(20))))
    await pool.execute("UPDATE rm_pure_totals.totals SET total = 0")
    assert await rebuild(pool, nc, projection, [b], batch_size=4) == 20
    assert await _sum_is(pool, sum(range(20)))
    assert await pool.fetchval("SELECT sum(n) FROM rm_pure_totals.totals") == 20
    indexes = await pool.fetchval(
        "SELECT array_agg(indexname::text ORDER BY indexname) FROM pg_indexes WHERE schemaname='rm_pure_totals'"
    )
    assert indexes == ["totals_n", "totals_pkey"]
    assert gc.isenabled()  # paused for the replay only
    stop.set()
    await task
    async with contextlib.AsyncExitStack() as held:  # every pooled connection commits durably again
        conns = [await held.enter_async_context(pool.acquire()) for _ in range(8)]
        assert [await c.fetchval("SHOW synchronous_commit") for c in conns] == ["on"] * 8


async def _sum_is(pool, value: int) -> bool:
    return await pool.fetchval("SELECT sum(total) FROM rm_pure_totals.totals") == value
