"""Each reminder sent once: a pass records what is due now in ``reporting.reminders`` (one row per
recipient, kind, subject and period; a row that exists is never recorded again) and delivers
the unsent rows through the notification port.

A row is delivered inside a transaction that holds its row lock (``FOR UPDATE SKIP LOCKED``) and
marks it sent before committing, so two passes (a replica that took over, a restart) never both
deliver it. The one window left is a crash after the channel took it and before the commit: the
row is delivered again, with the same ``key``, which the receiver deduplicates by. A reminder that
stops being due before it could be delivered (the log came in) is dropped, not sent late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import asyncpg
import structlog
from prometheus_client import Counter

from grassroots_common.calendar_projection import load_calendar
from reporting import inbox
from reporting.notify import DeliveryFailed, Notifier
from reporting.reminders import Reminder

log = structlog.get_logger(__name__)

SENT = Counter("reporting_reminders_sent_total", "Reminders delivered through the notification port", ["kind"])
FAILED = Counter("reporting_reminders_failed_total", "Reminder deliveries the channel refused", ["kind"])

MAX_ATTEMPTS = 20
BATCH = 500

_COLUMNS = ("recipient", "kind", "subject", "period", "title", "detail", "link", "due_at")


@dataclass(slots=True)
class PassResult:
    due: int = 0
    recorded: int = 0
    sent: int = 0
    failed: int = 0
    dropped: int = 0


def sendable(reminder: Reminder, now: dt.datetime, log_lead: dt.timedelta) -> bool:
    """Whether a due reminder is sent now: a weekly log's only within the lead before its deadline
    (the inbox shows it all week); every other kind as soon as it is due."""
    if reminder.kind == "log_due" and reminder.due_at is not None:
        return reminder.due_at - now <= log_lead
    return True


async def record(pool: asyncpg.Pool, due: list[Reminder], now: dt.datetime) -> int:
    """Record the reminders not recorded yet; answers how many are new."""
    if not due:
        return 0
    columns = [[getattr(r, c) for r in due] for c in _COLUMNS]
    status = await pool.execute(
        """INSERT INTO reporting.reminders (recipient, kind, subject, period, title, detail, link, due_at, recorded_at)
           SELECT r.*, $9 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                                      $7::text[], $8::timestamptz[]) AS r
           ON CONFLICT DO NOTHING""",
        *columns,
        now,
    )
    return int(status.split()[-1])


async def drop_stale(pool: asyncpg.Pool, due: list[Reminder]) -> int:
    """Forget unsent reminders that are no longer due (their task was done first)."""
    status = await pool.execute(
        """DELETE FROM reporting.reminders AS m WHERE sent_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS d(a, b, c, e)
                             WHERE (m.recipient, m.kind, m.subject, m.period) = (d.a, d.b, d.c, d.e))""",
        *([getattr(r, c) for r in due] for c in ("recipient", "kind", "subject", "period")),
    )
    return int(status.split()[-1])


def _reminder(row: asyncpg.Record) -> Reminder:
    return Reminder(**{c: row[c] for c in _COLUMNS})


async def deliver(pool: asyncpg.Pool, notifier: Notifier, now: dt.datetime, result: PassResult) -> None:
    keys = await pool.fetch(
        """SELECT recipient, kind, subject, period FROM reporting.reminders
           WHERE sent_at IS NULL AND attempts < $1 ORDER BY recorded_at, recipient LIMIT $2""",
        MAX_ATTEMPTS,
        BATCH,
    )
    for key in keys:
        async with pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                """SELECT * FROM reporting.reminders
                   WHERE (recipient, kind, subject, period) = ($1, $2, $3, $4) AND sent_at IS NULL
                   FOR UPDATE SKIP LOCKED""",
                *key.values(),
            )
            if row is None:  # sent meanwhile, or being sent by another pass
                continue
            reminder = _reminder(row)
            try:
                await notifier.send(reminder, now)
            except DeliveryFailed as exc:
                await conn.execute(
                    """UPDATE reporting.reminders SET attempts = attempts + 1, last_error = $5
                       WHERE (recipient, kind, subject, period) = ($1, $2, $3, $4)""",
                    *key.values(),
                    str(exc)[:500],
                )
                FAILED.labels(reminder.kind).inc()
                result.failed += 1
                log.warning("reminder.delivery_failed", key=reminder.key, error=str(exc))
                continue
            await conn.execute(
                """UPDATE reporting.reminders SET sent_at = $5, channel = $6, attempts = attempts + 1, last_error = NULL
                   WHERE (recipient, kind, subject, period) = ($1, $2, $3, $4)""",
                *key.values(),
                now,
                notifier.channel,
            )
            SENT.labels(reminder.kind).inc()
            result.sent += 1


async def run_pass(
    pool: asyncpg.Pool,
    notifier: Notifier,
    now: dt.datetime,
    *,
    ticket_workdays: int,
    log_lead: dt.timedelta,
) -> PassResult:
    calendar = await load_calendar(pool)
    due = [r for r in await inbox.for_everyone(pool, now, calendar, ticket_workdays) if sendable(r, now, log_lead)]
    result = PassResult(due=len(due))
    result.dropped = await drop_stale(pool, due)
    result.recorded = await record(pool, due, now)
    await deliver(pool, notifier, now, result)
    if result.recorded or result.sent or result.failed:
        log.info("reminders.pass", **{k: getattr(result, k) for k in PassResult.__slots__})
    return result
