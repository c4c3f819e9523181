"""The reporting service's schedules, workers inside the service, each run by one replica at a
time (an advisory lock, ``run_as_leader``): the notice schedule issues the weekly, monthly and
quarterly notice of each period once it is due (runtime.clock) and the read models hold data;
the reminder schedule sends what the inboxes hold through the notification port, once each."""

from __future__ import annotations

import asyncio
import datetime as dt
import os

import structlog

from grassroots_common.leader import LeaderLock, run_as_leader
from grassroots_common.runtime import Runtime
from reporting import dispatch, notices, periods, queries
from reporting.notify import Notifier, notifier_from

log = structlog.get_logger(__name__)

INTERVAL_SECONDS = 60.0
REMINDER_INTERVAL_SECONDS = 60.0
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
    await run_as_leader(lock, stop, lambda: tick(runtime), INTERVAL_SECONDS)


async def remind(runtime: Runtime, notifier: Notifier) -> dispatch.PassResult:
    """One reminder pass at the service's time, through the configured channel."""
    return await dispatch.run_pass(
        runtime.pool,
        notifier,
        runtime.clock(),
        ticket_workdays=runtime.settings.remind_ticket_workdays,
        log_lead=dt.timedelta(hours=runtime.settings.remind_log_lead_hours),
    )


async def run_reminders(runtime: Runtime, stop: asyncio.Event) -> None:
    interval = float(os.environ.get("REPORTING_REMINDER_INTERVAL_SECONDS", REMINDER_INTERVAL_SECONDS))
    lock = LeaderLock(runtime.settings.database_url, "reporting:reminders")
    notifier = notifier_from(runtime.settings)
    try:
        await run_as_leader(lock, stop, lambda: remind(runtime, notifier), interval)
    finally:
        await notifier.close()
