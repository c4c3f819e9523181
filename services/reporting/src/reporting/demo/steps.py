"""``seed``: reporting appends no demo events; in the background, a bounded wait until the projections
hold the other services' demo data and have caught up, then the first documents.
"""

from __future__ import annotations

import asyncio
import time

import structlog

from grassroots_common.runtime import Runtime
from reporting import queries
from reporting.demo.first_documents import issue_first_documents

log = structlog.get_logger(__name__)
WAIT_SECONDS = 180.0
QUIET_SECONDS = 3.0


async def seed(runtime: Runtime) -> None:
    """Idempotent: nothing to do once a notice exists; otherwise wait in the background."""
    if await runtime.pool.fetchval("SELECT EXISTS (SELECT 1 FROM reporting.notices)"):
        return
    runtime.spawn_worker(lambda stop: _first_documents(runtime, stop))


async def _first_documents(runtime: Runtime, stop: asyncio.Event) -> None:
    try:
        if await _settled(runtime, stop):
            await issue_first_documents(runtime)
        else:
            log.warning("demo.no_data", waited=WAIT_SECONDS)
    except Exception as exc:
        log.warning("demo.documents_failed", error=repr(exc))


async def _settled(runtime: Runtime, stop: asyncio.Event) -> bool:
    """Bounded wait until the projections have data and have been caught up for a quiet moment."""
    deadline = time.monotonic() + WAIT_SECONDS
    quiet_since: float | None = None
    while not stop.is_set() and time.monotonic() < deadline:
        if await _caught_up(runtime) and await queries.has_data(runtime.pool):
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= QUIET_SECONDS:
                return True
        else:
            quiet_since = None
        await asyncio.sleep(0.5)
    return False


async def _caught_up(runtime: Runtime) -> bool:
    if runtime.nc is None or not runtime.runners:
        return False
    js = runtime.nc.jetstream(timeout=2.0)
    for projection in runtime.projections:
        for b in runtime.bindings(projection):
            try:
                info = await js.consumer_info(b.spec.name, b.consumer)
            except Exception:
                return False
            if info.num_pending or info.num_ack_pending:
                return False
    return True
