"""Migrations against real PostgreSQL: processes starting together on a fresh database."""

from __future__ import annotations

import asyncio

import asyncpg

from grassroots_common.migrations import migrate


async def test_processes_migrating_a_fresh_database_together_all_succeed(database: str) -> None:
    conns = [await asyncpg.connect(database) for _ in range(4)]
    try:
        results = await asyncio.gather(*(migrate(c) for c in conns))
        assert sorted(len(r) for r in results)[-1] > 0  # one of them applied everything
        assert sum(len(r) for r in results) == max(len(r) for r in results)  # and only one
        assert await conns[0].fetchval("SELECT count(*) FROM schema_migrations") == max(len(r) for r in results)
    finally:
        for c in conns:
            await c.close()
