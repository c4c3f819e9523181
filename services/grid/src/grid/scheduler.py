"""The deadline scheduler: marks tickets overdue and escalates them (督办), exactly once each.

It runs with the service's workers, one replica at a time (a PostgreSQL advisory lock). Each pass
finds the tickets whose ``next_due_at`` has come with an indexed query on the tickets read model,
then lets each Ticket aggregate decide what is due: the aggregate knows what it already raised, and
the append's expected version settles a race, so a restart or a stale read model never raises an
event twice. Time comes from ``runtime.clock`` so tests move it by hand.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

import structlog
from prometheus_client import Counter, Histogram

from grassroots_common.commands import CommandResult, execute
from grassroots_common.errors import DomainError
from grassroots_common.events import SYSTEM
from grassroots_common.runtime import Runtime
from grid.domain.ticket import Ticket
from grid.projections.tickets import SCHEMA

log = structlog.get_logger(__name__)

PASS_SECONDS = Histogram("grid_scheduler_pass_seconds", "Duration of a deadline-scheduler pass")
RAISED = Counter("grid_scheduler_events_total", "Overdue and escalation events raised", ["type"])


@dataclass(slots=True)
class PassResult:
    due: int = 0
    changed: int = 0
    events: int = 0


LOCK = "grid:deadline-scheduler"


def schedule(runtime: Runtime) -> None:
    """Run the deadline scheduler with the runtime's workers (``GRID_SCHEDULER_INTERVAL_SECONDS``)."""
    runtime.schedule(LOCK, DeadlineScheduler(runtime).run_pass, runtime.settings.grid_scheduler_interval_seconds)


class DeadlineScheduler:
    def __init__(self, runtime: Runtime, *, batch: int = 500, concurrency: int = 8):
        self.runtime = runtime
        self.batch = batch
        self.concurrency = concurrency

    async def due(self, now: dt.datetime, after: tuple[dt.datetime, str] | None) -> list[tuple[dt.datetime, str]]:
        """One page of due tickets, in (next_due_at, ticket_id) order, from the partial index."""
        if after is None:
            rows = await self.runtime.pool.fetch(
                f"""SELECT next_due_at, ticket_id FROM {SCHEMA}.tickets WHERE next_due_at <= $1
                    ORDER BY next_due_at, ticket_id LIMIT $2""",
                now,
                self.batch,
            )
        else:
            rows = await self.runtime.pool.fetch(
                f"""SELECT next_due_at, ticket_id FROM {SCHEMA}.tickets
                    WHERE next_due_at <= $1 AND (next_due_at, ticket_id) > ($2, $3)
                    ORDER BY next_due_at, ticket_id LIMIT $4""",
                now,
                after[0],
                after[1],
                self.batch,
            )
        return [(r["next_due_at"], r["ticket_id"]) for r in rows]

    async def check_deadlines(self, ticket_id: str, now: dt.datetime) -> CommandResult:
        """The scheduler's command, by no one but the system (so no principal, no idempotency): raise
        what has fallen due on one ticket (nothing if nothing has)."""
        return await execute(
            self.runtime.store,
            Ticket,
            ticket_id,
            lambda t: t.check_deadlines(now=now),
            SYSTEM,
            on_appended=self.runtime.wake_relay,
        )

    async def run_pass(self) -> PassResult:
        now = self.runtime.clock()
        result = PassResult()
        gate = asyncio.Semaphore(self.concurrency)

        async def check(ticket_id: str) -> None:
            async with gate:
                try:
                    answer = await self.check_deadlines(ticket_id, now)
                except DomainError as exc:
                    log.warning("scheduler.ticket_refused", ticket_id=ticket_id, code=exc.code)
                    return
            if answer.events:
                result.changed += 1
                result.events += len(answer.events)
                for name in answer.events:
                    RAISED.labels(name).inc()

        with PASS_SECONDS.time():
            after: tuple[dt.datetime, str] | None = None
            while True:
                page = await self.due(now, after)
                if not page:
                    break
                result.due += len(page)
                await asyncio.gather(*(check(ticket_id) for _, ticket_id in page))
                after = page[-1]
        if result.events:
            log.info("scheduler.pass", due=result.due, changed=result.changed, events=result.events)
        return result
