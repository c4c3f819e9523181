"""Handler specifications without a database: given events, when a command (as a principal, at a
time), then the events it appended or the refusal it answered.

    spec = Specification(at=dt.datetime(2026, 11, 23, 9, tzinfo=CHINA))
    await spec.given(roster_stream_id("u1"), RosterImported(...))
    outcome = await spec.when(submit_log, SubmitLog(week="2026-W48", items=[...]), as_=staff)
    assert outcome.events == [LogSubmitted(...)]        # or: outcome.refused("log_week_closed")

The handler runs exactly as a request runs it — the same ``CommandContext`` and ``execute`` —
on an ``InMemoryEventStore``, which ``libs/common/tests/test_store_contract.py`` holds to the
PostgreSQL store's behaviour. Uploads are ``spec.uploaded(...)``; the calendar is the package's
unless given. Every handler runs here: none consults a read model (a run over a town's villages,
the week's missing logs ask the store: ``ctx.events_of_type``, ``ctx.existing``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from grassroots_common.auth import Principal
from grassroots_common.commands import CommandContext, CommandResult, Idempotency
from grassroots_common.errors import DomainError
from grassroots_common.events import SYSTEM, Event, Metadata, NewEvent, RecordedEvent, load_event
from grassroots_common.memory_store import InMemoryEventStore
from grassroots_common.store import StorePosition
from grassroots_common.workdays import WorkCalendar, package_work_calendar

C = TypeVar("C")


@dataclass
class SpecificationRuntime:
    """What ``ctx.runtime`` is in a specification: the memory store, a clock set by each step,
    the calendar given (the package's holidays unless told), and no database."""

    store: InMemoryEventStore
    clock: Callable[[], dt.datetime]
    work_calendar: WorkCalendar = field(default_factory=package_work_calendar)
    uploads: set[str] = field(default_factory=set)
    relay_woken: int = 0

    def wake_relay(self) -> None:
        self.relay_woken += 1

    async def calendar(self) -> WorkCalendar:
        return self.work_calendar

    async def missing_uploads(self, upload_ids: list[str]) -> list[str]:
        return [u for u in upload_ids if u not in self.uploads]


@dataclass(frozen=True)
class Outcome:
    """What a command did: its answer and the events it appended, or the refusal it raised."""

    result: CommandResult | None
    events: list[Event]
    error: DomainError | None

    def refused(self, code: str) -> DomainError:
        """Assert the command was refused with ``code`` (and appended nothing); the refusal."""
        assert self.error is not None, (
            f"expected refusal {code!r}, got events {[type(e).__name__ for e in self.events]}"
        )
        assert self.error.code == code, f"expected refusal {code!r}, got {self.error.code!r}: {self.error.message}"
        assert not self.events
        return self.error

    @property
    def answer(self) -> CommandResult:
        """The command's answer; a refusal here fails the specification with its code and message."""
        assert self.error is None, f"refused {self.error.code!r}: {self.error.message}"
        assert self.result is not None
        return self.result


class Specification:
    def __init__(self, *, at: dt.datetime, calendar: WorkCalendar | None = None) -> None:
        if at.tzinfo is None:
            raise ValueError("a specification's time needs its time zone")
        self.at = at
        self.store = InMemoryEventStore(clock=lambda: self.at)
        self.runtime = SpecificationRuntime(
            self.store, clock=lambda: self.at, work_calendar=calendar or package_work_calendar()
        )

    async def given(self, stream_id: str, *events: Event, by: Metadata = SYSTEM) -> Specification:
        """Events already in ``stream_id`` (appended after what it holds), as ``by`` recorded them."""
        held = await self.store.load(stream_id)
        await self.store.append(stream_id, events[0].stream_type, len(held), [NewEvent(e) for e in events], by)
        return self

    def uploaded(self, *upload_ids: str) -> Specification:
        """Files already uploaded (what a command's evidence may name)."""
        self.runtime.uploads.update(upload_ids)
        return self

    async def when(
        self,
        handler: Callable[[CommandContext, C], Awaitable[CommandResult]],
        command: C,
        *,
        as_: Principal,
        at: dt.datetime | None = None,
        key: str | None = None,
    ) -> Outcome:
        """Run ``handler(ctx, command)`` as ``as_`` (at ``at``, which then stays the time); with
        ``key``, an Idempotency-Key for the command (its body: the command itself)."""
        if at is not None:
            self.at = at
        meta = Metadata(actor_id=as_.sub, actor_name=as_.name, actor_roles=tuple(sorted(as_.roles)))
        idempotency = Idempotency.of(key, as_.sub, handler.__name__, repr(command).encode())
        ctx = CommandContext(self.runtime, as_, meta, idempotency)
        before = await self.store.head()
        try:
            result = await handler(ctx, command)
        except DomainError as exc:
            return Outcome(None, await self._since(before), exc)
        return Outcome(result, await self._since(before), None)

    async def events_of(self, stream_id: str) -> list[Event]:
        """Every event of ``stream_id``, typed."""
        return [load_event(e.type, e.data) for e in await self.store.load(stream_id)]

    async def _since(self, before: StorePosition) -> list[Event]:
        return [load_event(e.type, e.data) for e in await self.store.read_all(before, limit=1_000_000)]


def recorded(
    type_: str,
    data: dict[str, Any],
    *,
    at: dt.datetime,
    version: int = 1,
    metadata: dict[str, Any] | None = None,
    stream_id: str = "s",
    stream_type: str = "t",
    position: int = 0,
) -> RecordedEvent:
    """An event as a projection or a history receives it (its envelope), for their tests: ``data``
    is taken as given, not validated against a contract; ``event_id`` follows ``type_`` and
    ``position`` so that two events of one test differ."""
    return RecordedEvent(
        event_id=f"e-{type_}-{version}-{position}",
        stream_id=stream_id,
        stream_type=stream_type,
        version=version,
        type=type_,
        schema_version=1,
        data=data,
        metadata=metadata or {},
        occurred_at=at,
        recorded_at=at,
        position=position,
        sequence=position,
    )
