"""Tickets' commands (吹哨派单): dispatch, the department's steps, verification, extensions, urging,
revisits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.contracts.grid import RevisitAnswer, TicketKind
from grassroots_common.errors import Conflict, NotFound
from grassroots_common.ids import new_id
from grid import authz
from grid.domain.directory import DIRECTORY_STREAM, Directory
from grid.domain.report import Report
from grid.domain.ticket import Ticket


def ticket_id_for_report(report_id: str) -> str:
    """A report becomes at most one ticket: its ticket's id follows from the report's."""
    return "tkt_" + report_id.removeprefix("rpt_")


@dataclass(frozen=True, slots=True)
class DispatchTicket:
    """Dispatch a ticket to a department by category (吹哨派单), from an escalated report or not."""

    category: str
    kind: TicketKind
    title: str
    text: str
    address: str = ""
    report_id: str | None = None
    department_id: str | None = None


async def dispatch_ticket(ctx: CommandContext, command: DispatchTicket) -> CommandResult:
    principal, report_id = ctx.principal, command.report_id
    community_id = authz.dispatcher(principal)
    grid_id: str | None = None
    if report_id is not None:
        report = await ctx.load(Report, report_id)
        if report.filed is None or report.community_id != community_id:
            raise NotFound("report_not_found", "本社区没有该上报", field="report_id")
        if report.state != "escalated":
            raise Conflict("report_not_escalated", "只有网格上报社区的事项可以派单", state=report.state)
        grid_id = report.grid_id
        ticket_id = ticket_id_for_report(report_id)
    else:
        ticket_id = new_id("tkt")
    routing = (await ctx.load(Directory, DIRECTORY_STREAM)).route(
        category=command.category, kind=command.kind, department_id=command.department_id
    )
    calendar = await ctx.calendar()
    now = ctx.now()

    def act(t: Ticket) -> dict:
        t.dispatch(
            community_id=community_id,
            grid_id=grid_id,
            report_id=report_id,
            category=command.category,
            kind=command.kind,
            title=command.title,
            text=command.text,
            address=command.address,
            routing=routing,
            calendar=calendar,
            dispatched_by=principal.sub,
            now=now,
        )
        return _ticket_data(t, calendar)

    return await ctx.execute(Ticket, ticket_id, act)


def _ticket_data(t: Ticket, calendar: Any) -> dict[str, Any]:
    assert t.deadline is not None and t.accept_by is not None
    data: dict[str, Any] = {
        "ticket_id": t.id,
        "department_id": t.department_id,
        "accept_by": t.accept_by.isoformat(),
        "deadline": t.deadline.isoformat(),
    }
    warning = calendar.warning_for(t.deadline.date())
    if warning:
        data["calendar_warning"] = warning
    return data


async def _on_ticket(
    ctx: CommandContext, ticket_id: str, check: Callable[[Ticket], None], step: Callable[[Ticket, dt.datetime], Any]
) -> CommandResult:
    """A step on a dispatched ticket, now, by whom ``check`` lets take it."""
    now = ctx.now()

    def act(t: Ticket) -> Any:
        if t.state is None:
            raise NotFound("ticket_not_found", "找不到该工单")
        check(t)
        return step(t, now)

    return await ctx.execute(Ticket, ticket_id, act)


@dataclass(frozen=True, slots=True)
class RedispatchTicket:
    """Dispatch a returned ticket again, usually to another department."""

    ticket_id: str
    department_id: str | None = None


async def redispatch_ticket(ctx: CommandContext, command: RedispatchTicket) -> CommandResult:
    principal = ctx.principal
    directory = await ctx.load(Directory, DIRECTORY_STREAM)
    calendar = await ctx.calendar()

    def redispatch(t: Ticket, now: dt.datetime) -> dict:
        assert t.dispatched is not None
        routing = directory.route(category=t.dispatched.category, kind=t.kind, department_id=command.department_id)
        t.redispatch(routing=routing, calendar=calendar, dispatched_by=principal.sub, now=now)
        return _ticket_data(t, calendar)

    return await _by_dispatcher(ctx, command.ticket_id, redispatch)


async def _by_department(
    ctx: CommandContext, ticket_id: str, step: Callable[[Ticket, dt.datetime], None]
) -> CommandResult:
    """Accept, return, handle, report back, request an extension: by the department holding it."""
    return await _on_ticket(ctx, ticket_id, lambda t: authz.department_handler(ctx.principal, t.department_id), step)


async def _by_dispatcher(
    ctx: CommandContext, ticket_id: str, step: Callable[[Ticket, dt.datetime], Any]
) -> CommandResult:
    """Redispatch, verify, close, decide an extension, record the revisit: by the dispatcher of its community."""
    return await _on_ticket(ctx, ticket_id, lambda t: authz.dispatcher(ctx.principal, t.community_id), step)


@dataclass(frozen=True, slots=True)
class AcceptTicket:
    """Accept (签收) a ticket sent to one's department."""

    ticket_id: str


async def accept_ticket(ctx: CommandContext, command: AcceptTicket) -> CommandResult:
    principal = ctx.principal
    return await _by_department(
        ctx,
        command.ticket_id,
        lambda t, now: t.accept(handler_id=principal.sub, handler_name=principal.name, now=now),
    )


@dataclass(frozen=True, slots=True)
class ReturnTicket:
    """Return a ticket one's department does not own (退单)."""

    ticket_id: str
    reason: str


async def return_ticket(ctx: CommandContext, command: ReturnTicket) -> CommandResult:
    return await _by_department(ctx, command.ticket_id, lambda t, now: t.return_ticket(reason=command.reason, now=now))


@dataclass(frozen=True, slots=True)
class HandleTicket:
    """Mark the matter handled on site."""

    ticket_id: str
    note: str = ""


async def handle_ticket(ctx: CommandContext, command: HandleTicket) -> CommandResult:
    return await _by_department(ctx, command.ticket_id, lambda t, now: t.handle(note=command.note, now=now))


@dataclass(frozen=True, slots=True)
class ReportBack:
    """Report a ticket's result with evidence (handles it too if needed)."""

    ticket_id: str
    result: str
    evidence_upload_ids: list[str] = dataclasses.field(default_factory=list)


async def report_back(ctx: CommandContext, command: ReportBack) -> CommandResult:
    await ctx.require_uploads(command.evidence_upload_ids, field="evidence_upload_ids")
    return await _by_department(
        ctx,
        command.ticket_id,
        lambda t, now: t.report_back(result=command.result, evidence_upload_ids=command.evidence_upload_ids, now=now),
    )


@dataclass(frozen=True, slots=True)
class VerifyTicket:
    """Verify a ticket's result (and close it); failing sends it back."""

    ticket_id: str
    passed: bool = True
    comment: str = ""
    close: bool = True


async def verify_ticket(ctx: CommandContext, command: VerifyTicket) -> CommandResult:
    principal = ctx.principal
    return await _by_dispatcher(
        ctx,
        command.ticket_id,
        lambda t, now: t.verify(
            passed=command.passed, comment=command.comment, verified_by=principal.sub, close=command.close, now=now
        ),
    )


@dataclass(frozen=True, slots=True)
class CloseTicket:
    """Close a verified ticket."""

    ticket_id: str


async def close_ticket(ctx: CommandContext, command: CloseTicket) -> CommandResult:
    return await _by_dispatcher(ctx, command.ticket_id, lambda t, now: t.close(now=now))


@dataclass(frozen=True, slots=True)
class RequestExtension:
    """Ask for more time, before the deadline."""

    ticket_id: str
    reason: str
    requested_deadline: dt.datetime


async def request_extension(ctx: CommandContext, command: RequestExtension) -> CommandResult:
    return await _by_department(
        ctx,
        command.ticket_id,
        lambda t, now: t.request_extension(
            reason=command.reason, requested_deadline=command.requested_deadline, now=now
        ),
    )


@dataclass(frozen=True, slots=True)
class DecideExtension:
    """Approve or refuse a pending extension request."""

    ticket_id: str
    approve: bool
    reason: str = ""


async def decide_extension(ctx: CommandContext, command: DecideExtension) -> CommandResult:
    principal = ctx.principal
    return await _by_dispatcher(
        ctx,
        command.ticket_id,
        lambda t, now: t.decide_extension(
            approve=command.approve, reason=command.reason, decided_by=principal.sub, now=now
        ),
    )


@dataclass(frozen=True, slots=True)
class UrgeTicket:
    """督办/催办 an overdue ticket."""

    ticket_id: str
    note: str


async def urge_ticket(ctx: CommandContext, command: UrgeTicket) -> CommandResult:
    """督办/催办 an overdue ticket: its community's dispatcher or the district."""
    principal = ctx.principal
    return await _on_ticket(
        ctx,
        command.ticket_id,
        lambda t: authz.supervisor(principal, t.community_id),
        lambda t, now: t.urge(note=command.note, urged_by=principal.sub, urged_by_name=principal.name, now=now),
    )


@dataclass(frozen=True, slots=True)
class RecordSatisfaction:
    """Record the revisit (回访) of a ticket: satisfied, partly solved or not solved."""

    ticket_id: str
    satisfaction: RevisitAnswer
    comment: str = ""
    note: str = ""


async def record_satisfaction(ctx: CommandContext, command: RecordSatisfaction) -> CommandResult:
    principal = ctx.principal
    calendar = await ctx.calendar()
    return await _by_dispatcher(
        ctx,
        command.ticket_id,
        lambda t, now: t.record_satisfaction(
            satisfaction=command.satisfaction,
            comment=command.comment,
            note=command.note,
            recorded_by=principal.sub,
            calendar=calendar,
            now=now,
        ),
    )
