"""Fixtures the kit's tests share (the database ones are the repository's, in the root conftest)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from grassroots_common.db import create_pool
from grassroots_common.migrations import migrate
from grassroots_common.store import EventStore


@pytest.fixture
async def store(database: str) -> AsyncIterator[EventStore]:
    """An event store on a fresh, migrated database."""
    pool = await create_pool(database, max_size=8)
    async with pool.acquire() as conn:
        await migrate(conn)
    yield EventStore(pool)
    await pool.close()
