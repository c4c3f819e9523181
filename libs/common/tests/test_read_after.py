"""Read-your-writes across joined read models: ``ReadAfter(A, joined=(B,))`` answers a read after a
command only once both read models hold it (a ticket read with its report's co-reporters)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import asyncpg
import pytest

from grassroots_common.http.dependencies import ReadAfter
from grassroots_common.migrations import migrate
from grassroots_common.projections.projection import Projection


class Tickets(Projection):
    name = "tickets_t"
    sources = ("grid",)

    async def apply(self, conn, events) -> None:  # pragma: no cover - never applied here
        pass


class Reports(Tickets):
    name = "reports_t"


class Elsewhere(Tickets):
    name = "elsewhere_t"
    sources = ("village",)


def test_a_joined_read_model_must_read_the_same_source() -> None:
    with pytest.raises(ValueError, match="do not read grid"):
        ReadAfter(Tickets, joined=(Elsewhere,))


async def test_the_read_waits_for_every_joined_read_model(database: str) -> None:
    pool = await asyncpg.create_pool(database, min_size=1, max_size=2)
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
            await conn.executemany(
                "INSERT INTO projection_checkpoints (projection, source, sequence, tx_id, position) VALUES ($1, 'grid', 1, $2, $3)",
                [("tickets_t", 9, 90), ("reports_t", 8, 80)],
            )
        # Another service's position is waited for as given (no store of ours to look into).
        runtime = SimpleNamespace(
            pool=pool, projections=[], settings=SimpleNamespace(service="other", read_wait_max=5.0)
        )

        async def reports_catch_up() -> None:
            await asyncio.sleep(0.2)  # the joined read model applies the command a moment later
            await pool.execute(
                "UPDATE projection_checkpoints SET tx_id = 9, position = 90 WHERE projection = 'reports_t'"
            )

        catching_up = asyncio.create_task(reports_catch_up())
        positions = await ReadAfter(Tickets, joined=(Reports,))(runtime, after="9.90")
        assert catching_up.done(), "answered before the joined read model held the command"
        assert positions == {"grid": {"sequence": 1, "checkpoint": "9.90"}}
        await catching_up
    finally:
        await pool.close()
