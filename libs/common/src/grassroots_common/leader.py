"""Leader election with a PostgreSQL session advisory lock.

A relay or a projection applies events in order, so one replica runs it and the others stand by;
the lock lives on a dedicated connection and is released when that connection dies.
"""

from __future__ import annotations

import asyncio
import zlib

import asyncpg

from grassroots_common.db import connect


def lock_key(name: str) -> int:
    return zlib.crc32(name.encode()) - 2**31


class LeaderLock:
    def __init__(self, dsn: str, name: str) -> None:
        self.dsn = dsn
        self.name = name
        self.key = lock_key(name)
        self._conn: asyncpg.Connection | None = None
        self.held = False
        # A runner's source loops share one lock: without this, two first calls each open a
        # connection, one takes the lock, the other's refusal overwrites ``held`` and the winning
        # connection is orphaned while it holds the lock — every replica then stands by forever.
        self._guard = asyncio.Lock()

    async def acquire(self) -> bool:
        """True while this process holds the lock; tries to take it when it does not."""
        async with self._guard:
            return await self._acquire()

    async def _acquire(self) -> bool:
        if self._conn is not None and not self._conn.is_closed() and self.held:
            return True
        try:
            if self._conn is None or self._conn.is_closed():
                self._conn = await connect(self.dsn)
            self.held = bool(await self._conn.fetchval("SELECT pg_try_advisory_lock($1)", self.key))
        except (OSError, asyncpg.PostgresError):
            self.held = False
        return self.held

    async def release(self) -> None:
        if self._conn is not None and not self._conn.is_closed():
            try:
                if self.held:
                    await self._conn.execute("SELECT pg_advisory_unlock($1)", self.key)
            finally:
                await self._conn.close()
        self._conn = None
        self.held = False
