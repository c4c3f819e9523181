"""The reporting service's schedules, workers inside the service, each run by one replica at a
time (``Runtime.schedule``): the notice schedule issues the weekly, monthly and
quarterly notice of each period once it is due (runtime.clock) and the read models hold data;
the reminder schedule sends what the inboxes hold through the notification port, once each."""

from __future__ import annotations

import datetime as dt

import structlog

from grassroots_common.runtime import Runtime
from reporting import dispatch, notices, periods, queries
from reporting.notify import Notifier, notifier_from

log = structlog.get_logger(__name__)

NOTICE_LOCK = "reporting:notice-schedule"
REMINDER_LOCK = "reporting:reminders"
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


async def remind(runtime: Runtime, notifier: Notifier) -> dispatch.PassResult:
    """One reminder pass at the service's time, through the configured channel."""
    return await dispatch.run_pass(
        runtime.pool,
        notifier,
        runtime.clock(),
        ticket_workdays=runtime.settings.remind_ticket_workdays,
        log_lead=dt.timedelta(hours=runtime.settings.remind_log_lead_hours),
    )


def schedule(runtime: Runtime) -> None:
    """Run the notice schedule and the reminders with the runtime's workers
    (``REPORTING_NOTICE_INTERVAL_SECONDS``, ``REPORTING_REMINDER_INTERVAL_SECONDS``)."""
    settings = runtime.settings
    if not settings.run_workers:
        return  # a replica that runs no workers opens no notifier either
    runtime.schedule(NOTICE_LOCK, lambda: tick(runtime), settings.reporting_notice_interval_seconds)
    notifier = notifier_from(settings)
    runtime.schedule(
        REMINDER_LOCK,
        lambda: remind(runtime, notifier),
        settings.reporting_reminder_interval_seconds,
        closing=notifier.close,
    )
