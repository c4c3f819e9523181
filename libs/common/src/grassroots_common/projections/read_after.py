"""Read-your-writes: what a read model reflects, and a bounded wait until it reflects an append."""

from __future__ import annotations

import asyncio
import time

import asyncpg

from grassroots_common.store import StorePosition


async def read_position(pool: asyncpg.Pool, projection: str) -> dict[str, dict[str, int | str]]:
    """What a read model reflects, per source stream: the sequence and the store position."""
    rows = await pool.fetch(
        "SELECT source, sequence, tx_id, position FROM projection_checkpoints WHERE projection = $1", projection
    )
    return {r["source"]: {"sequence": r["sequence"], "checkpoint": f"{r['tx_id']}.{r['position']}"} for r in rows}


async def wait_for_position(pool: asyncpg.Pool, projection: str, source: str, token: str, timeout: float = 3.0) -> bool:
    """Read-your-writes: wait (bounded) until the projection has applied the append ``token``."""
    target = StorePosition.parse(token)
    deadline = time.monotonic() + timeout
    while True:
        row = await pool.fetchrow(
            "SELECT tx_id, position FROM projection_checkpoints WHERE projection=$1 AND source=$2",
            projection,
            source,
        )
        if row is not None and StorePosition(row["tx_id"], row["position"]) >= target:
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.01)
