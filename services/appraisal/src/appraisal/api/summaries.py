"""Monthly summaries (月小结): submit or revise one month's summary; list summaries."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Query
from pydantic import Field

from appraisal import handlers, queries
from appraisal.api.deps import records_scope, refuse_other_unit
from appraisal.domain.summary import MONTH_PATTERN
from appraisal.projections import LogsProjection, RosterProjection
from grassroots_common.commands import CommandResult
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

router = api_router(prefix="/api/v1/summaries", tags=["monthly summaries"])


class SubmitSummaryBody(Body):
    month: Key = Field(pattern=MONTH_PATTERN, examples=["2026-10"])
    text: Text = Field(
        min_length=10, max_length=5000, examples=["本月完成党建台账整理、两次主题党日组织，下月重点是……"]
    )


class SummaryOut(Answer):
    person_id: str
    person_name: str
    unit_id: str
    section_id: str | None
    month: str
    text: str
    revision: int
    late: bool
    first_submitted_at: dt.datetime
    submitted_at: dt.datetime
    deadline: dt.datetime


@router.post("", summary="Submit or revise this month's summary")
async def submit_summary(body: SubmitSummaryBody, ctx: CommandDep) -> CommandResult:
    return await handlers.submit_summary(ctx, handlers.SubmitSummary(month=body.month, text=body.text.strip()))


@router.get("", summary="Monthly summaries: your own, or your unit's for administrators and leaders")
async def list_summaries(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Annotated[dict, Depends(ReadAfter(LogsProjection, joined=(RosterProjection,)))],
    person: Annotated[str | None, Query(max_length=40)] = None,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
) -> Page[SummaryOut]:
    scope = await records_scope(runtime, principal, person, "月小结", "not_your_summary")
    rows, total = await queries.list_summaries(runtime.pool, scope, month=month, limit=page.limit, offset=page.offset)
    await refuse_other_unit(runtime, scope, person, total, "月小结")
    return Page[SummaryOut].of([SummaryOut.model_validate(dict(r)) for r in rows], total, page, positions)
