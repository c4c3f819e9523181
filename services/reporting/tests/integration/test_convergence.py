"""The read models converge under redelivery and any cross-stream interleaving.

The same event history of appraisal, grid and village is applied through ``apply_batch`` on a real
database in different batchings and interleavings, with earlier batches delivered again; every
table of every reporting projection must end up identical to an in-order, one-batch application.
"""

from __future__ import annotations

import dataclasses
import uuid

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grassroots_cli.bench_histories import Scale, history
from grassroots_common.db import create_pool
from grassroots_common.events import RecordedEvent
from grassroots_common.migrations import migrate
from grassroots_common.projections.checkpoints import apply_batch
from grassroots_common.projections.projection import Projection
from reporting.projections import PROJECTIONS

HISTORY = history(7, Scale(units=2, people_per_unit=5, weeks=2, tickets=10, towns=2, villages_per_town=2))


def _with_oddities(events: dict[str, list[RecordedEvent]]) -> dict[str, list[RecordedEvent]]:
    """Add what a live stream can hold: a type nobody here knows, and known types missing fields."""
    out = {source: list(items) for source, items in events.items()}
    for source, odd in (
        ("grid", [("TicketTeleported", {"ticket_id": "t00001"}), ("TicketClosed", {"ticket_id": "t00002"})]),
        ("appraisal", [("ResultApplied", {"unit_id": "u000"}), ("ReviewRecorded", {"person_id": "x", "quarter": 3})]),
        ("village", [("ProjectFunded", {"project_id": "p-x", "amount_fen": "many"}), ("VillageRegistered", {})]),
    ):
        last = out[source][-1]
        for kind, data in odd:
            last = dataclasses.replace(
                last, event_id=str(uuid.uuid4()), type=kind, data=data, sequence=last.sequence + 1
            )
            out[source].append(last)
    return out


EVENTS = _with_oddities(HISTORY)


async def _fresh(pool: asyncpg.Pool) -> str:
    run = uuid.uuid4().hex[:8]
    async with pool.acquire() as conn:
        for p in PROJECTIONS:
            schema = f"{p.schema}_{run}"
            await conn.execute(f"CREATE SCHEMA {schema}")
            await conn.execute(f"SET search_path TO {schema}, public")
            await conn.execute(p.ddl)
            await conn.execute("SET search_path TO public")
    return run


async def _deliver(pool: asyncpg.Pool, run: str, source: str, events: list[RecordedEvent]) -> None:
    async with pool.acquire() as conn:
        for p in PROJECTIONS:
            if source in p.sources:
                await apply_batch(
                    conn, p, events, source=source, schema=f"{p.schema}_{run}", checkpoint_name=f"{p.name}_{run}"
                )


async def _dump(pool: asyncpg.Pool, run: str, p: Projection) -> dict[str, list[str]]:
    schema = f"{p.schema}_{run}"
    tables = await pool.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1", schema
    )
    out = {}
    for t in tables:
        rows = await pool.fetch(f"SELECT * FROM {schema}.{t['table_name']}")
        out[t["table_name"]] = sorted(repr(sorted(dict(r).items())) for r in rows)
    return out


@pytest.fixture
async def pool(database: str):
    pool = await create_pool(database)
    async with pool.acquire() as conn:
        await migrate(conn, "reporting")
    yield pool
    await pool.close()


@st.composite
def deliveries(draw: st.DrawFn) -> list[tuple[str, list[RecordedEvent]]]:
    """Batches of each source in order, interleaved across sources, with redelivered batches."""
    queues = {}
    for source, events in EVENTS.items():
        chunks, i = [], 0
        while i < len(events):
            size = draw(st.integers(1, 40))
            chunks.append(events[i : i + size])
            i += size
        queues[source] = chunks
    order: list[tuple[str, list[RecordedEvent]]] = []
    delivered: dict[str, list[list[RecordedEvent]]] = {s: [] for s in queues}
    while any(queues.values()):
        source = draw(st.sampled_from(sorted(s for s, q in queues.items() if q)))
        chunk = queues[source].pop(0)
        order.append((source, chunk))
        delivered[source].append(chunk)
        if draw(st.integers(0, 4)) == 0:
            again = draw(st.sampled_from(delivered[source]))
            order.append((source, again))
    return order


_REFERENCE: dict[str, dict[str, dict[str, list[str]]]] = {}


async def _expected(pool: asyncpg.Pool, database: str) -> dict[str, dict[str, list[str]]]:
    """The in-order, one-batch-per-source result, computed once per database."""
    if database not in _REFERENCE:
        run = await _fresh(pool)
        for source, events in EVENTS.items():
            await _deliver(pool, run, source, events)
        _REFERENCE[database] = {p.name: await _dump(pool, run, p) for p in PROJECTIONS}
    return _REFERENCE[database]


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(order=deliveries())
async def test_read_models_converge_under_reorder_and_redelivery(
    pool: asyncpg.Pool, database: str, order: list[tuple[str, list[RecordedEvent]]]
) -> None:
    expected = await _expected(pool, database)
    assert expected["tickets"]["tickets"] and expected["villages"]["projects"]
    assert expected["appraisal"]["person_quarters"] and expected["archives"]["entries"]
    run = await _fresh(pool)
    for source, chunk in order:
        await _deliver(pool, run, source, chunk)
    for p in PROJECTIONS:
        assert await _dump(pool, run, p) == expected[p.name], p.name
