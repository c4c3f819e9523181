"""The notice schedule: a worker inside the service, one replica at a time (an advisory lock),
issues the weekly, monthly and quarterly notice of each period once it is due (runtime.clock)
and the read models hold data."""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from grassroots_common.leader import LeaderLock
from grassroots_common.runtime import Runtime
from reporting import notices, periods, queries

log = structlog.get_logger(__name__)

INTERVAL_SECONDS = 60.0
SYSTEM_ACTOR = "system"


async def tick(runtime: Runtime) -> list[dict]:
    """Issue the notices due now that do not exist yet; answers those issued."""
    if not await queries.has_data(runtime.pool):
        return []
    now = runtime.clock()
    issued = []
    for grain, kind in periods.KIND_OF.items():
        notice = await notices.generate(runtime.pool, kind, periods.due(grain, now), SYSTEM_ACTOR, now, if_missing=True)
        if notice is not None:
            log.info("notice.issued", code=notice["code"], kind=kind, period=notice["period"])
            issued.append(notice)
    return issued


async def run(runtime: Runtime, stop: asyncio.Event) -> None:
    lock = LeaderLock(runtime.settings.database_url, "reporting:notice-schedule")
    try:
        while not stop.is_set():
            try:
                held = await lock.acquire()
                if held:
                    await tick(runtime)
            except Exception as exc:
                held = False
                log.warning("notice.schedule_failed", error=repr(exc))
            # A standby tries the lock often, to take over soon after the holder dies.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), INTERVAL_SECONDS if held else lock.poll_interval)
    finally:
        await lock.release()
