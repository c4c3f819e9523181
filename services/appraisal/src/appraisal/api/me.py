"""What concerns me: my review queue (oldest first) and my quarters and results."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends

from appraisal import authz, handlers, queries
from appraisal.domain.summary import current_month, month_due, previous_month
from appraisal.projections import QuartersProjection, RosterProjection
from grassroots_common.http.dependencies import PrincipalDep, ReadAfter, RuntimeDep
from grassroots_common.http.models import Answer
from grassroots_common.paging import Page, PageDep
from grassroots_common.routing import api_router

router = api_router(prefix="/api/v1/me", tags=["me"])
Positions = Annotated[dict, Depends(ReadAfter(QuartersProjection, joined=(RosterProjection,)))]


class QueueItemOut(Answer):
    unit_id: str
    quarter: str
    person_id: str
    person_name: str
    section_id: str | None
    level: str
    self_grade: str | None
    self_score: float | None
    self_summary: str | None
    peer_count: int
    grades_so_far: dict[str, str]
    comments: dict[str, str]
    waiting_since: dt.datetime | None
    good_cap: int
    good_used: int
    good_left: int


class MyQuarterOut(Answer):
    unit_id: str
    quarter: str
    status: str
    self_grade: str | None
    self_score: float | None
    peer_count: int
    next_level: str | None
    published: bool
    grade: str | None
    composite_score: float | None
    comments: dict[str, str]
    period_ends_at: dt.datetime | None
    appeal_id: str | None
    appeal_status: str | None
    appeal_outcome: str | None
    appeal_answer: str | None


class AppealWaitingOut(Answer):
    unit_id: str
    quarter: str
    appeal_id: str
    person_id: str
    person_name: str
    grade: str | None
    appeal_reason: str
    appeal_filed_at: dt.datetime


class SummaryDueOut(Answer):
    month: str
    deadline: dt.datetime
    overdue: bool


@router.get("/summary-due", summary="The month whose summary is due now (last month's until submitted)")
async def my_summary_due(runtime: RuntimeDep, principal: PrincipalDep) -> SummaryDueOut:
    unit_id = authz.own_unit(principal, "own.read")
    now = runtime.clock()
    previous = previous_month(current_month(now))
    submitted = await queries.summary_submitted(runtime.pool, person=principal.sub, month=previous)
    month, deadline = month_due(now, await handlers.unit_deadlines(runtime, unit_id), previous_submitted=submitted)
    return SummaryDueOut(month=month, deadline=deadline, overdue=now > deadline)


@router.get("/queue", summary="People waiting for my review, oldest first (with the 好 quota left)")
async def my_queue(
    runtime: RuntimeDep, principal: PrincipalDep, page: PageDep, positions: Positions
) -> Page[QueueItemOut]:
    authz.require_role(principal, "quarter.review")
    rows, total = await queries.queue(runtime.pool, reviewer=principal.sub, limit=page.limit, offset=page.offset)
    items = [
        QueueItemOut(
            **{k: r[k] for k in QueueItemOut.model_fields if k in r and k != "level"},
            level=r["next_level"],
            grades_so_far={
                level: r[f"{level}_grade"]
                for level in ("section_chief", "deputy_leader", "principal_leader")
                if r[f"{level}_grade"]
            },
            good_left=max(r["good_cap"] - r["good_used"], 0),
        )
        for r in rows
    ]
    return Page[QueueItemOut].of(items, total, page, positions)


@router.get("/appeals", summary="Appeals waiting for my decision (principal leader), oldest first")
async def my_appeals(
    runtime: RuntimeDep, principal: PrincipalDep, page: PageDep, positions: Positions
) -> Page[AppealWaitingOut]:
    authz.require_role(principal, "appeal.resolve")
    rows, total = await queries.appeals(
        runtime.pool,
        unit=None,
        quarter=None,
        status="open",
        principal=principal.sub,
        limit=page.limit,
        offset=page.offset,
    )
    return Page[AppealWaitingOut].of([AppealWaitingOut.model_validate(dict(r)) for r in rows], total, page, positions)


@router.get("/quarters", summary="My quarters: progress, and my result once published")
async def my_quarters(
    runtime: RuntimeDep, principal: PrincipalDep, page: PageDep, positions: Positions
) -> Page[MyQuarterOut]:
    authz.require_role(principal, "own.read")  # someone not appraised has no quarters: refused, not an empty list
    rows, total = await queries.my_quarters(runtime.pool, person=principal.sub, limit=page.limit, offset=page.offset)
    items = []
    for r in rows:
        published = r["status"] in ("published", "finalized")
        items.append(
            MyQuarterOut(
                **{
                    k: r[k]
                    for k in (
                        "unit_id",
                        "quarter",
                        "status",
                        "self_grade",
                        "self_score",
                        "peer_count",
                        "next_level",
                        "period_ends_at",
                        "appeal_id",
                        "appeal_status",
                        "appeal_outcome",
                        "appeal_answer",
                    )
                },
                published=published,
                # Grades and comments of the reviewing chain stay within it until publication.
                grade=r["grade"] if published else None,
                composite_score=r["composite_score"] if published else None,
                comments=r["comments"] if published else {},
            )
        )
    return Page[MyQuarterOut].of(items, total, page, positions)
