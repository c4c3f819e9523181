"""Tickets (吹哨派单): dispatch, the department's steps, verification, extensions and revisits."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Depends, Path
from pydantic import Field

from grassroots_common.auth import Principal
from grassroots_common.calendar_projection import load_calendar
from grassroots_common.commands import CommandResult
from grassroots_common.contracts.grid import RevisitAnswer, TicketKind
from grassroots_common.errors import NotFound
from grassroots_common.fields import Key, Name, Text
from grassroots_common.history import History, stream_history
from grassroots_common.http.dependencies import CommandDep, PrincipalDep, ReadAfter, RuntimeDep
from grassroots_common.http.models import Body
from grassroots_common.routing import api_router
from grassroots_common.runtime import Runtime
from grassroots_common.workdays import CHINA, WorkCalendar
from grid import authz, history, queries
from grid.api.models import (
    CATEGORY_PATTERN,
    ID_PATTERN,
    HistoryEntry,
    Id,
    TicketDetail,
    UploadIds,
)
from grid.domain.ticket import STATE_NAMES
from grid.handlers import tickets as handlers
from grid.projections import ReportsProjection, TicketsProjection

router = api_router(prefix="/api/v1/tickets", tags=["tickets"])

TicketPath = Annotated[str, Path(pattern=ID_PATTERN)]
# A ticket is read with its report's co-reporters (who may read it): both read models are waited for.
Positions = Annotated[dict, Depends(ReadAfter(TicketsProjection, joined=(ReportsProjection,)))]


class DispatchBody(Body):
    category: Key = Field(pattern=CATEGORY_PATTERN, examples=["sanitation"])
    kind: TicketKind = Field(examples=["complaint"], description="Decides the default time limit")
    title: Name = Field(min_length=2, max_length=100, examples=["东大街垃圾清运不及时"])
    text: Text = Field(min_length=2, max_length=2000, examples=["居民反映东大街 12 号门前垃圾堆积三天未清运"])
    address: Name = Field(default="", max_length=200, examples=["东大街 12 号"])
    report_id: Id | None = Field(default=None, description="The escalated report this ticket comes from")
    department_id: Id | None = Field(default=None, description="Override the routing rule's department")


class RedispatchBody(Body):
    department_id: Id | None = Field(
        default=None, description="Usually another department than the one that returned it"
    )


class AcceptBody(Body):
    pass


class ReturnBody(Body):
    reason: Text = Field(min_length=4, max_length=500, examples=["该事项属物业管理范畴，不属本部门职责"])


class HandleBody(Body):
    note: Text = Field(default="", max_length=1000, examples=["已安排人员现场处置"])


class ReportBackBody(Body):
    result: Text = Field(min_length=2, max_length=2000, examples=["已清运垃圾并增设垃圾桶两个"])
    evidence_upload_ids: UploadIds


class VerifyBody(Body):
    passed: bool = True
    comment: Text = Field(default="", max_length=500, examples=["现场核实已清理干净"])
    close: bool = Field(default=True, description="Close the ticket in the same step when passed")


class CloseBody(Body):
    pass


class ExtensionRequestBody(Body):
    reason: Text = Field(min_length=4, max_length=500, examples=["需协调管网维修，材料尚未到位"])
    requested_deadline: dt.datetime = Field(examples=["2026-12-04T15:59:59Z"])


class ExtensionDecisionBody(Body):
    approve: bool
    reason: Text = Field(default="", max_length=500, examples=["同意延期至下周五"])


class UrgeBody(Body):
    note: str = Field(min_length=2, max_length=500, examples=["请于今日下班前反馈办理结果"])


class RevisitBody(Body):
    satisfaction: RevisitAnswer = Field(description="satisfied 满意（已解决）, partly 部分解决, unsatisfied 未解决")
    comment: Text = Field(default="", max_length=500, examples=["处理及时，很满意"])
    note: Text = Field(
        default="",
        max_length=500,
        description="部分解决或未解决时转告承办部门的说明（重新办理的理由）",
        examples=["楼道里的杂物已清，楼后的还没清"],
    )


def enrich(row: dict[str, Any], now: dt.datetime, calendar: WorkCalendar) -> dict[str, Any]:
    """A ticket row as the API answers it: state name, age, and time left or overdue — the latter in
    working days, as the time limit counts them."""
    row["state_name"] = STATE_NAMES.get(row["state"], row["state"])
    row["age_hours"] = round((now - row["created_at"]).total_seconds() / 3600, 1)
    row["hours_left"] = round((row["deadline"] - now).total_seconds() / 3600, 1)
    today, due = now.astimezone(CHINA).date(), row["deadline"].astimezone(CHINA).date()
    row["workdays_left"] = calendar.workdays_between(today, due) if due >= today else 0
    row["workdays_overdue"] = calendar.workdays_between(due, today) if now > row["deadline"] else 0
    return row


async def _readable_ticket(runtime: Runtime, principal: Principal, ticket_id: str) -> dict[str, Any]:
    """The ticket's row, once the caller may read it: its community, its department, its grid or a
    reporter of the report it comes from."""
    row = await queries.ticket(runtime.pool, ticket_id)
    if row is None:
        raise NotFound("ticket_not_found", "找不到该工单")
    authz.read_ticket(
        principal, row["community_id"], row["department_id"], row["grid_id"], row["report_co_reporter_ids"]
    )
    return row


@router.post("", summary="Dispatch a ticket to a department by category (吹哨派单)")
async def dispatch(body: DispatchBody, ctx: CommandDep) -> CommandResult:
    return await handlers.dispatch_ticket(ctx, handlers.DispatchTicket(**body.model_dump()))


@router.get("/{ticket_id}", summary="One ticket with its history")
async def get_ticket(
    ticket_id: TicketPath, runtime: RuntimeDep, principal: PrincipalDep, positions: Positions
) -> TicketDetail:
    row = await _readable_ticket(runtime, principal, ticket_id)
    history = [
        HistoryEntry(
            version=e.version,
            type=e.type,
            occurred_at=e.occurred_at,
            actor_id=e.metadata.get("actor_id", ""),
            actor_name=e.metadata.get("actor_name", ""),
            data={k: v for k, v in e.data.items() if k not in ("ticket_id", "community_id")},
        )
        for e in await runtime.store.load(ticket_id)
    ]
    calendar = await load_calendar(runtime.pool)
    return TicketDetail.model_validate({**enrich(row, runtime.clock(), calendar), "history": history})


@router.get("/{ticket_id}/history", summary="Why the ticket is so: every step with its actor, time and reason")
async def ticket_history(ticket_id: TicketPath, runtime: RuntimeDep, principal: PrincipalDep) -> History:
    await _readable_ticket(runtime, principal, ticket_id)
    return await stream_history(runtime.store, ticket_id, history.ticket_history())


@router.post("/{ticket_id}/redispatch", summary="Dispatch a returned ticket again")
async def redispatch(ticket_id: TicketPath, body: RedispatchBody, ctx: CommandDep) -> CommandResult:
    return await handlers.redispatch_ticket(ctx, handlers.RedispatchTicket(ticket_id=ticket_id, **body.model_dump()))


@router.post("/{ticket_id}/acceptance", summary="Accept (签收) a ticket sent to your department")
async def accept(ticket_id: TicketPath, ctx: CommandDep) -> CommandResult:
    return await handlers.accept_ticket(ctx, handlers.AcceptTicket(ticket_id=ticket_id))


@router.post("/{ticket_id}/return", summary="Return a ticket your department does not own (退单)")
async def return_ticket(ticket_id: TicketPath, body: ReturnBody, ctx: CommandDep) -> CommandResult:
    return await handlers.return_ticket(ctx, handlers.ReturnTicket(ticket_id=ticket_id, **body.model_dump()))


@router.post("/{ticket_id}/handling", summary="Mark the matter handled on site")
async def handle(ticket_id: TicketPath, body: HandleBody, ctx: CommandDep) -> CommandResult:
    return await handlers.handle_ticket(ctx, handlers.HandleTicket(ticket_id=ticket_id, note=body.note.strip()))


@router.post("/{ticket_id}/report-back", summary="Report the result with evidence (handles it too if needed)")
async def report_back(ticket_id: TicketPath, body: ReportBackBody, ctx: CommandDep) -> CommandResult:
    return await handlers.report_back(ctx, handlers.ReportBack(ticket_id=ticket_id, **body.model_dump()))


@router.post("/{ticket_id}/verification", summary="Verify the result (and close it); failing sends it back")
async def verify(ticket_id: TicketPath, body: VerifyBody, ctx: CommandDep) -> CommandResult:
    return await handlers.verify_ticket(ctx, handlers.VerifyTicket(ticket_id=ticket_id, **body.model_dump()))


@router.post("/{ticket_id}/closing", summary="Close a verified ticket")
async def close(ticket_id: TicketPath, ctx: CommandDep) -> CommandResult:
    return await handlers.close_ticket(ctx, handlers.CloseTicket(ticket_id=ticket_id))


@router.post("/{ticket_id}/extension-request", summary="Ask for more time, before the deadline")
async def request_extension(ticket_id: TicketPath, body: ExtensionRequestBody, ctx: CommandDep) -> CommandResult:
    return await handlers.request_extension(ctx, handlers.RequestExtension(ticket_id=ticket_id, **body.model_dump()))


@router.post("/{ticket_id}/extension-decision", summary="Approve or refuse a pending extension request")
async def decide_extension(ticket_id: TicketPath, body: ExtensionDecisionBody, ctx: CommandDep) -> CommandResult:
    return await handlers.decide_extension(ctx, handlers.DecideExtension(ticket_id=ticket_id, **body.model_dump()))


@router.post(
    "/{ticket_id}/revisit",
    summary="Record the revisit (回访): satisfied, partly solved or not solved; the latter two reopen",
)
async def revisit(ticket_id: TicketPath, body: RevisitBody, ctx: CommandDep) -> CommandResult:
    return await handlers.record_satisfaction(
        ctx, handlers.RecordSatisfaction(ticket_id=ticket_id, **body.model_dump())
    )


@router.post("/{ticket_id}/urging", summary="督办/催办 an overdue ticket (the community's dispatcher or the district)")
async def urge(ticket_id: TicketPath, body: UrgeBody, ctx: CommandDep) -> CommandResult:
    return await handlers.urge_ticket(ctx, handlers.UrgeTicket(ticket_id=ticket_id, **body.model_dump()))
