"""After the quarters: the annual review (年评鉴), shortcoming reminders (不足提醒), follow-ups and
mentors, and the use of results (五挂钩)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import Depends, Path, Query
from pydantic import Field

from appraisal import authz, handlers, queries
from appraisal.api.deps import UnitId
from appraisal.domain.annual import DEFAULT_EXCELLENT_RATIO
from appraisal.domain.quarter import QUARTER_PATTERN
from appraisal.projections import GrowthProjection, RosterProjection
from grassroots_common.commands import CommandResult
from grassroots_common.contracts.appraisal import AnnualGrade, ResultUseKind
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

router = api_router(prefix="/api/v1", tags=["annual review, reminders, result use"])
Positions = Annotated[dict, Depends(ReadAfter(GrowthProjection, joined=(RosterProjection,)))]
Year = Annotated[int, Path(ge=2020, le=2100)]
PersonId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$", examples=["p_0192"])]
ReminderId = Annotated[str, Path(min_length=1, max_length=60)]


class OpenAnnualBody(Body):
    year: int = Field(ge=2020, le=2100, examples=[2026])
    excellent_ratio: float = Field(default=DEFAULT_EXCELLENT_RATIO, gt=0, le=1)


class AnnualGradeBody(Body):
    person_id: PersonId
    grade: AnnualGrade
    comment: Text = Field(default="", max_length=500)


class ReminderBody(Body):
    person_id: PersonId
    quarter: Key | None = Field(default=None, pattern=QUARTER_PATTERN)
    shortcomings: Text = Field(min_length=5, max_length=2000, examples=["周纪实内容较笼统，群众工作方法有待改进"])


class RectificationBody(Body):
    report: Text = Field(min_length=5, max_length=2000, examples=["已细化周纪实填写，本月走访群众 12 户"])


class ResultUseBody(Body):
    person_id: PersonId
    kind: ResultUseKind
    year: int = Field(ge=2020, le=2100)
    basis: Text = Field(min_length=2, max_length=500, examples=["2026 年度考核优秀，推荐为区级优秀公务员"])
    decided_on: dt.date
    backfill_reason: str | None = Field(
        default=None,
        max_length=500,
        description="评优 for a year whose annual review the platform does not hold: why (e.g. the document)",
        examples=["2024 年度考核结果见凤组发〔2025〕3 号文件，平台启用前的年度"],
    )


class AnnualPersonOut(Answer):
    unit_id: str
    year: int
    person_id: str
    person_name: str
    section_id: str | None
    quarter_grades: dict[str, str]
    excellent_eligible: bool
    grade: str | None
    comment: str | None


class AnnualBoardOut(Page[AnnualPersonOut]):
    excellent_cap: int
    excellent_used: int
    excellent_left: int


class ReminderOut(Answer):
    reminder_id: str
    unit_id: str
    person_id: str
    person_name: str
    issued_by_id: str
    issued_by_name: str
    quarter: str | None
    shortcomings: str
    issued_at: dt.datetime
    status: str
    acknowledged_at: dt.datetime | None
    report: str | None
    reported_at: dt.datetime | None


class FollowUpOut(Answer):
    unit_id: str
    quarter: str
    person_id: str
    person_name: str
    grades: dict[str, str]
    opened_at: dt.datetime
    mentor_id: str | None
    mentor_name: str | None
    visits: list[dict]


class ResultUseOut(Answer):
    unit_id: str
    person_id: str
    person_name: str
    kind: str
    positive: bool
    year: int
    basis: str
    decided_on: dt.date
    backfill_reason: str | None = None


class VisitOut(Answer):
    visited_on: dt.date
    visited_by_id: str
    visited_by_name: str | None
    notes: str


class MyFollowUpOut(Answer):
    unit_id: str
    quarter: str
    grades: dict[str, str]
    opened_at: dt.datetime
    mentor_id: str | None
    mentor_name: str | None
    visits: list[VisitOut]


@router.post("/units/{unit_id}/annual-reviews", summary="Open the annual review from the finalized quarters")
async def open_annual(unit_id: UnitId, body: OpenAnnualBody, ctx: CommandDep) -> CommandResult:
    return await handlers.open_annual_review(ctx, handlers.OpenAnnualReview(unit_id=unit_id, **body.model_dump()))


@router.post(
    "/units/{unit_id}/annual-reviews/{year}/grades", summary="Decide a person's annual grade (principal leader)"
)
async def decide_annual(unit_id: UnitId, year: Year, body: AnnualGradeBody, ctx: CommandDep) -> CommandResult:
    return await handlers.decide_annual_grade(
        ctx,
        handlers.DecideAnnualGrade(
            unit_id=unit_id, year=year, person_id=body.person_id, grade=body.grade, comment=body.comment.strip()
        ),
    )


@router.get("/units/{unit_id}/annual-reviews/{year}", summary="The annual review: candidates, grades, 优秀 quota")
async def annual_board(
    unit_id: UnitId, year: Year, runtime: RuntimeDep, principal: PrincipalDep, page: PageDep, positions: Positions
) -> AnnualBoardOut:
    reviewer = authz.unit_board_reader(principal, unit_id)
    rows, total, cap, used = await queries.annual_board(
        runtime.pool, unit=unit_id, year=year, reviewer=reviewer, limit=page.limit, offset=page.offset
    )
    return AnnualBoardOut.of(
        [AnnualPersonOut.model_validate(dict(r)) for r in rows],
        total,
        page,
        positions,
        excellent_cap=cap,
        excellent_used=used,
        excellent_left=max(cap - used, 0),
    )


@router.post("/reminders", summary="Issue a shortcoming reminder to someone in my reviewing chain")
async def issue_reminder(body: ReminderBody, ctx: CommandDep) -> CommandResult:
    return await handlers.issue_reminder(
        ctx,
        handlers.IssueReminder(person_id=body.person_id, quarter=body.quarter, shortcomings=body.shortcomings.strip()),
    )


@router.post("/reminders/{reminder_id}/acknowledgement", summary="Acknowledge a reminder sent to me")
async def acknowledge(reminder_id: ReminderId, ctx: CommandDep) -> CommandResult:
    return await handlers.acknowledge_reminder(ctx, handlers.AcknowledgeReminder(reminder_id=reminder_id))


@router.post("/reminders/{reminder_id}/rectification", summary="Report how I rectified the shortcomings")
async def rectify(reminder_id: ReminderId, body: RectificationBody, ctx: CommandDep) -> CommandResult:
    return await handlers.report_rectification(
        ctx, handlers.ReportRectification(reminder_id=reminder_id, report=body.report.strip())
    )


@router.get("/reminders", summary="Reminders: mine, or my unit's for administrators and leaders")
async def list_reminders(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Positions,
    status: Annotated[Literal["issued", "acknowledged", "rectified"] | None, Query()] = None,
) -> Page[ReminderOut]:
    scope = authz.records_scope(principal, None, "不足提醒", "not_your_reminder")
    rows, total = await queries.reminders(
        runtime.pool,
        unit=scope.unit,
        person=scope.person,
        status=status,
        reviewer=scope.reviewer,
        limit=page.limit,
        offset=page.offset,
    )
    return Page[ReminderOut].of([ReminderOut.model_validate(dict(r)) for r in rows], total, page, positions)


@router.get("/units/{unit_id}/follow-ups", summary="Follow-up visits and mentors after consecutive weak quarters")
async def follow_ups(
    unit_id: UnitId, runtime: RuntimeDep, principal: PrincipalDep, page: PageDep, positions: Positions
) -> Page[FollowUpOut]:
    reviewer = authz.unit_board_reader(principal, unit_id)
    rows, total = await queries.follow_ups(
        runtime.pool, unit=unit_id, reviewer=reviewer, limit=page.limit, offset=page.offset
    )
    return Page[FollowUpOut].of([FollowUpOut.model_validate(dict(r)) for r in rows], total, page, positions)


@router.post("/units/{unit_id}/result-uses", summary="Record a use of a person's results (五挂钩)")
async def apply_result(unit_id: UnitId, body: ResultUseBody, ctx: CommandDep) -> CommandResult:
    return await handlers.apply_result(
        ctx,
        handlers.ApplyResult(
            unit_id=unit_id,
            person_id=body.person_id,
            kind=body.kind,
            year=body.year,
            basis=body.basis.strip(),
            decided_on=body.decided_on,
            backfill_reason=body.backfill_reason,
        ),
    )


@router.get("/units/{unit_id}/result-uses", summary="Uses of results recorded in the unit")
async def result_uses(
    unit_id: UnitId,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Positions,
    year: Annotated[int | None, Query(ge=2020, le=2100)] = None,
) -> Page[ResultUseOut]:
    reviewer = authz.unit_board_reader(principal, unit_id)
    rows, total = await queries.result_uses(
        runtime.pool, unit=unit_id, year=year, reviewer=reviewer, limit=page.limit, offset=page.offset
    )
    return Page[ResultUseOut].of([ResultUseOut.model_validate(dict(r)) for r in rows], total, page, positions)


@router.get("/me/follow-ups", summary="My follow-ups after consecutive weak quarters: mentor and visits")
async def my_follow_ups(
    runtime: RuntimeDep, principal: PrincipalDep, page: PageDep, positions: Positions
) -> Page[MyFollowUpOut]:
    authz.require_role(principal, "own.read")  # someone not appraised has no follow-ups: refused
    rows, total = await queries.my_follow_ups(runtime.pool, person=principal.sub, limit=page.limit, offset=page.offset)
    names = await queries.person_names(runtime.pool, {v["visited_by_id"] for r in rows for v in r["visits"]})
    items = [
        MyFollowUpOut(
            **{k: r[k] for k in ("unit_id", "quarter", "grades", "opened_at", "mentor_id", "mentor_name")},
            visits=[VisitOut(**v, visited_by_name=names.get(v["visited_by_id"])) for v in r["visits"]],
        )
        for r in rows
    ]
    return Page[MyFollowUpOut].of(items, total, page, positions)
