"""Weekly logs (周纪实): submit or revise one week's log; list logs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import Depends, Path, Query
from pydantic import BaseModel, Field

from appraisal import authz, handlers, queries
from appraisal.api.deps import PersonPath, records_scope, refuse_other_unit
from appraisal.domain.weeks import WEEK_PATTERN
from appraisal.projections import LogsProjection, RosterProjection
from grassroots_common.commands import CommandResult
from grassroots_common.contracts.appraisal import WorkItem
from grassroots_common.fields import Key, Text
from grassroots_common.http.dependencies import (
    CommandDep,
    PrincipalDep,
    ReadAfter,
    RuntimeDep,
)
from grassroots_common.http.models import Answer, Body
from grassroots_common.paging import Page, PageDep
from grassroots_common.routing import api_router

router = api_router(prefix="/api/v1/logs", tags=["weekly logs"])


class WorkItemIn(BaseModel):
    text: Text = Field(min_length=2, max_length=500, examples=["完成区委组织部季度考核数据汇总"])
    indicators: list[Annotated[Key, Field(min_length=1, max_length=40)]] = Field(
        default=[], max_length=10, examples=[["qin-1"]]
    )


class SubmitLogBody(Body):
    week: Key = Field(pattern=WEEK_PATTERN, examples=["2026-W47"], description="ISO week")
    items: list[WorkItemIn] = Field(min_length=1, max_length=30)

    model_config = {
        "json_schema_extra": {
            "examples": [{"week": "2026-W47", "items": [{"text": "起草季度考核通报", "indicators": ["ji-1"]}]}]
        },
    }


class LogOut(Answer):
    person_id: str
    person_name: str
    unit_id: str
    section_id: str | None
    week: str
    items: list[WorkItem]
    revision: int
    late: bool
    first_submitted_at: dt.datetime
    submitted_at: dt.datetime
    deadline: dt.datetime
    status: str
    comments: list[dict]
    returned_reason: str | None


@router.post("", summary="Submit or revise this week's log", status_code=200)
async def submit_log(body: SubmitLogBody, ctx: CommandDep) -> CommandResult:
    items = [WorkItem(text=i.text.strip(), indicators=i.indicators) for i in body.items]
    return await handlers.submit_log(ctx, handlers.SubmitLog(week=body.week, items=items))


@router.get("", summary="Weekly logs: your own, or your unit's for administrators and leaders")
async def list_logs(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Annotated[dict, Depends(ReadAfter(LogsProjection, joined=(RosterProjection,)))],
    person: Annotated[str | None, Query(max_length=80)] = None,
    week: Annotated[str | None, Query(pattern=WEEK_PATTERN)] = None,
) -> Page[LogOut]:
    scope = await records_scope(runtime, principal, person, "周纪实", "not_your_log")
    rows, total = await queries.list_logs(runtime.pool, scope, week=week, limit=page.limit, offset=page.offset)
    await refuse_other_unit(runtime, scope, person, total, "周纪实")
    return Page[LogOut].of([LogOut.model_validate(dict(r)) for r in rows], total, page, positions)


WeekPath = Annotated[str, Path(pattern=WEEK_PATTERN, examples=["2026-W47"])]


class CommentBody(Body):
    comment: Text = Field(min_length=2, max_length=500, examples=["本周工作充实，注意台账留痕"])


class ReturnBody(Body):
    reason: Text = Field(min_length=2, max_length=500, examples=["工作内容过于笼统，请写明具体事项和成效"])


class LogStateOut(Answer):
    person_id: str
    person_name: str
    section_id: str | None
    state: Literal["missing", "late", "on_time"]
    log_status: str
    first_submitted_at: dt.datetime | None
    deadline: dt.datetime | None
    reminded_at: dt.datetime | None
    reminders: int


class RemindBody(Body):
    week: Key = Field(pattern=WEEK_PATTERN, examples=["2026-W47"])


class LogStatusPage(Page[LogStateOut]):
    week: str
    people: int
    missing: int
    late: int
    on_time: int


@router.post("/{person_id}/{week}/comments", summary="Comment on a log of someone in my reviewing chain")
async def comment_log(person_id: PersonPath, week: WeekPath, body: CommentBody, ctx: CommandDep) -> CommandResult:
    return await handlers.comment_log(
        ctx, handlers.CommentLog(person_id=person_id, week=week, comment=body.comment.strip())
    )


@router.post("/{person_id}/{week}/return", summary="Return a log for revision (reviewer in the person's chain)")
async def return_log(person_id: PersonPath, week: WeekPath, body: ReturnBody, ctx: CommandDep) -> CommandResult:
    return await handlers.return_log(
        ctx, handlers.ReturnLog(person_id=person_id, week=week, reason=body.reason.strip())
    )


@router.post("/reminders", summary="Remind everyone in my unit whose log for the week is missing (unit administrator)")
async def remind_missing(body: RemindBody, ctx: CommandDep) -> CommandResult:
    return await handlers.remind_missing_logs(
        ctx, handlers.RemindMissingLogs(unit_id=ctx.principal.unit(), **body.model_dump())
    )


@router.get(
    "/status",
    summary="Who submitted a week's log: missing, late or on time (the unit for its administrator, a leader's reviewing chain)",
)
async def log_status(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Annotated[dict, Depends(ReadAfter(LogsProjection, joined=(RosterProjection,)))],
    week: Annotated[str, Query(pattern=WEEK_PATTERN)],
    unit: Annotated[str | None, Query(max_length=40)] = None,
    state: Annotated[Literal["missing", "late", "on_time"] | None, Query()] = None,
) -> LogStatusPage:
    unit = unit or principal.unit()
    reviewer = authz.unit_logs_reader(principal, unit)
    rows, total, counts = await queries.log_status(
        runtime.pool, unit=unit, week=week, only=state, reviewer=reviewer, limit=page.limit, offset=page.offset
    )
    return LogStatusPage.of(
        [LogStateOut.model_validate(dict(r)) for r in rows],
        total,
        page,
        positions,
        week=week,
        **dict(counts),
    )
