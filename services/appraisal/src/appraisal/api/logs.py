"""Weekly logs (周纪实): submit or revise one week's log; list logs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from appraisal import handlers, queries
from appraisal.domain.weeks import WEEK_PATTERN
from grassroots_common.commands import CommandResult
from grassroots_common.contracts.appraisal import WorkItem
from grassroots_common.errors import Forbidden
from grassroots_common.http import IdempotencyKeyHeader, MetadataDep, PrincipalDep, ReadAfter, RuntimeDep, idempotency
from grassroots_common.paging import Page, PageDep

router = APIRouter(prefix="/api/v1/logs", tags=["weekly logs"])


class WorkItemIn(BaseModel):
    text: str = Field(min_length=2, max_length=500, examples=["完成区委组织部季度考核数据汇总"])
    indicators: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(
        default=[], max_length=10, examples=[["qin-1"]]
    )


class SubmitLogBody(BaseModel):
    week: str = Field(pattern=WEEK_PATTERN, examples=["2026-W47"], description="ISO week")
    items: list[WorkItemIn] = Field(min_length=1, max_length=30)

    model_config = {
        "extra": "forbid",
        "json_schema_extra": {
            "examples": [{"week": "2026-W47", "items": [{"text": "起草季度考核通报", "indicators": ["ji-1"]}]}]
        },
    }


class LogOut(BaseModel):
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


@router.post("", summary="Submit or revise this week's log", status_code=200)
async def submit_log(
    body: SubmitLogBody,
    request: Request,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    meta: MetadataDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> CommandResult:
    principal.require("staff", "section_chief", "deputy_leader", "principal_leader")
    return await handlers.submit_log(
        runtime,
        principal,
        meta,
        week=body.week,
        items=[WorkItem(text=i.text.strip(), indicators=i.indicators) for i in body.items],
        idempotency=idempotency(idempotency_key, principal, request, body.model_dump(mode="json")),
    )


@router.get("", summary="Weekly logs: your own, or your unit's for administrators and leaders")
async def list_logs(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Annotated[dict, Depends(ReadAfter("logs", "appraisal"))],
    person: Annotated[str | None, Query(max_length=80)] = None,
    week: Annotated[str | None, Query(pattern=WEEK_PATTERN)] = None,
) -> Page[LogOut]:
    unit = None
    if principal.has("district_admin"):
        pass
    elif principal.has("unit_admin", "principal_leader", "deputy_leader", "section_chief"):
        unit = principal.scope("unit")
        if unit is None:
            raise Forbidden("unit_scope_missing", "你的账号未归属任何单位")
    else:
        if person is not None and person != principal.sub:
            raise Forbidden("not_your_log", "只能查看自己的周纪实")
        person = principal.sub
    rows, total = await queries.list_logs(
        runtime.pool, person=person, unit=unit, week=week, limit=page.limit, offset=page.offset
    )
    return Page[LogOut](
        items=[LogOut.model_validate(dict(r)) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
        positions=positions,
    )
