"""Leader election with a PostgreSQL session advisory lock.

A relay or a projection applies events in order, so one replica runs it and the others stand by;
the lock lives on a dedicated connection and is released when that connection dies.

A stand-by tries the lock every ``POLL_INTERVAL``, so it takes over within about that long once the
holder's session ends. A holder that dies outright (kill -9, on any machine whose kernel lives)
closes its socket and PostgreSQL ends the session at once; a holder cut off by the network is found
by the server's TCP keepalive (``KEEPALIVE``: about 4 s of silence), and the holder finds out
itself by proving its session every ``CHECK_INTERVAL`` with a bounded ``SELECT 1``: a holder that
cannot is no longer the leader, closes the connection and stands by.

The lock connection's ``application_name`` names the lock and its holder (``settings.instance_name``),
so ``pg_locks`` joined with ``pg_stat_activity`` says who runs what (``grassroots locks``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import zlib
from collections.abc import Awaitable, Callable

import asyncpg
import structlog

from grassroots_common.db import connect
from grassroots_common.settings import instance_name

log = structlog.get_logger(__name__)

POLL_INTERVAL = 0.5  # seconds between a stand-by's tries
CHECK_INTERVAL = 1.0  # seconds between the holder's checks of its own session
CHECK_TIMEOUT = 1.0
# Server side: a session whose peer went silent ends after idle + interval x count seconds.
KEEPALIVE = {"tcp_keepalives_idle": "2", "tcp_keepalives_interval": "1", "tcp_keepalives_count": "2"}
LOCK_APPLICATION = "gr-lock"


def lock_key(name: str) -> int:
    return zlib.crc32(name.encode()) - 2**31


def lock_application_name(name: str, holder: str) -> str:
    """``gr-lock <name> <holder>``, within PostgreSQL's 63 bytes."""
    return f"{LOCK_APPLICATION} {name} {holder}".encode()[:63].decode(errors="ignore")


class LeaderLock:
    poll_interval = POLL_INTERVAL

    def __init__(self, dsn: str, name: str, holder: str | None = None) -> None:
        self.dsn = dsn
        self.name = name
        self.key = lock_key(name)
        self.holder = holder or instance_name()
        self._conn: asyncpg.Connection | None = None
        self.held = False
        self._checked = 0.0
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
            if time.monotonic() - self._checked < CHECK_INTERVAL:
                return True
            try:
                await asyncio.wait_for(self._conn.fetchval("SELECT 1"), CHECK_TIMEOUT)
                self._checked = time.monotonic()
                return True
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("leader.lost", lock=self.name, holder=self.holder, error=repr(exc))
                self._drop()
                return False
        try:
            if self._conn is None or self._conn.is_closed():
                self._conn = await connect(
                    self.dsn, application_name=lock_application_name(self.name, self.holder), settings=KEEPALIVE
                )
            self.held = bool(await self._conn.fetchval("SELECT pg_try_advisory_lock($1)", self.key))
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            self.held = False
        if self.held:
            self._checked = time.monotonic()
            log.info("leader.acquired", lock=self.name, holder=self.holder)
        return self.held

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.terminate()
        self._conn = None
        self.held = False

    async def release(self) -> None:
        if self._conn is not None and not self._conn.is_closed():
            try:
                if self.held:
                    await self._conn.execute("SELECT pg_advisory_unlock($1)", self.key)
            finally:
                await self._conn.close()
        self._conn = None
        self.held = False


async def run_as_leader(
    lock: LeaderLock, stop: asyncio.Event, work: Callable[[], Awaitable[object]], interval: float
) -> None:
    """The one way a service runs a scheduled worker: ``work`` every ``interval`` seconds while
    this replica holds ``lock``, until ``stop``. A stand-by tries the lock often, to take over soon
    after the holder dies; a pass that fails is logged and the next one runs as planned."""
    try:
        while not stop.is_set():
            held = await lock.acquire()
            if held:
                try:
                    await work()
                except Exception as exc:
                    log.warning("leader.pass_failed", lock=lock.name, error=repr(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval if held else min(interval, lock.poll_interval))
    finally:
        await lock.release()
