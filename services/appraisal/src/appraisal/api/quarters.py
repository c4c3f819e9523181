"""The quarter of a unit (季考评): open, self-assess, peer review, review, adjust, publish, appeal,
finalize; the board, published results and open appeals.

Every review or adjustment answer carries ``good_cap``, ``good_used`` and ``good_left`` in ``data``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import asyncpg
from fastapi import Depends, Path, Query
from fastapi.responses import Response
from pydantic import Field

from appraisal import authz, handlers, queries
from appraisal.api.deps import ChainIn, PersonPath, QuarterPath, UnitId
from appraisal.domain.quarter import (
    DEFAULT_FOLLOW_UP_QUARTERS,
    DEFAULT_GOOD_RATIO,
    DEFAULT_PUBLICATION_WORKDAYS,
    QUARTER_PATTERN,
)
from appraisal.projections import QuartersProjection, RosterProjection
from appraisal.workbook import XLSX, attachment, quarter_workbook
from grassroots_common.as_of import as_of as past
from grassroots_common.as_of import check_as_of
from grassroots_common.auth import Principal
from grassroots_common.clock import real_now
from grassroots_common.commands import CommandResult
from grassroots_common.contracts.appraisal import Grade
from grassroots_common.errors import NotFound
from grassroots_common.fields import Key, Text
from grassroots_common.http.dependencies import (
    CommandDep,
    PrincipalDep,
    ReadAfter,
    RuntimeDep,
)
from grassroots_common.http.models import Answer, Body
from grassroots_common.paging import Page, PageDep, PageParams
from grassroots_common.routing import api_router
from grassroots_common.workdays import CHINA

router = api_router(prefix="/api/v1/units/{unit_id}/quarters", tags=["quarters"])

PersonId = Annotated[Key, Field(min_length=1, max_length=40, examples=["p_0192"])]
Scores = Annotated[
    dict[Annotated[Key, Field(min_length=1, max_length=40)], Annotated[float, Field(ge=0, le=100)]],
    Field(max_length=40, examples=[{"de-1": 9, "neng-1": 18, "qin-1": 19, "ji-1": 28, "lian-1": 9}]),
]
Comment = Annotated[Text, Field(min_length=2, max_length=500, examples=["工作扎实，按时完成各项任务"])]
Reason = Annotated[Text, Field(min_length=2, max_length=500, examples=["第三季度牵头完成换届筹备，表现突出"])]
Positions = Annotated[dict, Depends(ReadAfter(QuartersProjection, joined=(RosterProjection,)))]


class OpenQuarterBody(Body):
    quarter: Key = Field(pattern=QUARTER_PATTERN, examples=["2026-Q3"])
    good_ratio: float = Field(default=DEFAULT_GOOD_RATIO, gt=0, le=1, description="Largest share of 好 (default 40 %)")
    peer_reviews_required: int = Field(default=1, ge=0, le=20)


class SelfAssessBody(Body):
    scores: Scores
    grade: Grade
    summary: Text = Field(
        min_length=10, max_length=2000, examples=["本季度完成党建台账规范化整理，牵头组织两次主题党日……"]
    )


class PeerReviewBody(Body):
    person_id: PersonId
    grade: Grade
    comment: Text = Field(default="", max_length=500)


class ReviewBody(Body):
    person_id: PersonId
    scores: Scores
    grade: Grade
    comment: Comment


class AdjustBody(Body):
    person_id: PersonId
    to_grade: Grade
    reason: Reason


class MoveGoodBody(Body):
    from_person_id: PersonId
    to_person_id: PersonId
    from_new_grade: Grade = "较好"
    reason: Reason


class PublishBody(Body):
    workdays: int = Field(default=DEFAULT_PUBLICATION_WORKDAYS, ge=1, le=20, description="Publication period")


class FinalizeBody(Body):
    follow_up_after: int = Field(
        default=DEFAULT_FOLLOW_UP_QUARTERS, ge=1, le=4, description="Consecutive quarters at 较好 or lower"
    )


class MentorBody(Body):
    mentor_id: PersonId


class VisitBody(Body):
    notes: Text = Field(min_length=5, max_length=2000, examples=["与本人谈心谈话，明确下季度改进目标"])
    visited_on: dt.date


class AppealBody(Body):
    reason: Text = Field(min_length=5, max_length=2000, examples=["本季度承担了专项整治任务，评定等次未体现，请求复核"])


class ResolveBody(Body):
    outcome: Literal["upheld", "changed"]
    new_grade: Grade | None = None
    reason: Reason


class QuarterOut(Answer):
    unit_id: str
    quarter: str
    year: int
    status: str
    participants: int
    good_ratio: float
    good_cap: int
    good_used: int
    good_left: int
    peer_reviews_required: int
    opened_at: dt.datetime | None
    published_at: dt.datetime | None
    period_ends_at: dt.datetime | None
    finalized_at: dt.datetime | None
    appeals_open: int


class AdjustmentOut(Answer):
    """One grade adjustment in a person's audit trail (a 好 moved is two: the giver's and the taker's)."""

    from_grade: Grade
    to_grade: Grade
    level: Literal["deputy_leader", "principal_leader"]
    reason: str
    at: dt.datetime


class PersonProgressOut(Answer):
    unit_id: str
    quarter: str
    person_id: str
    person_name: str
    section_id: str | None
    section_chief_id: str | None
    deputy_leader_id: str | None
    principal_leader_id: str | None
    self_grade: str | None
    self_score: float | None
    peer_count: int
    section_chief_grade: str | None
    deputy_leader_grade: str | None
    principal_leader_grade: str | None
    comments: dict[str, str]
    grade: str | None
    composite_score: float | None
    next_level: str | None
    next_reviewer_id: str | None
    waiting_since: dt.datetime | None
    adjustments: list[AdjustmentOut]
    appeal_id: str | None
    appeal_status: str | None


class BoardOut(Page[PersonProgressOut]):
    quarter: QuarterOut
    progress: dict[str, int]
    as_of: dt.datetime | None = Field(default=None, description="The time the board stood at; none: live")


class ResultOut(Answer):
    unit_id: str
    quarter: str
    person_id: str
    person_name: str
    section_id: str | None
    grade: str | None
    composite_score: float | None
    status: str
    published_at: dt.datetime | None
    period_ends_at: dt.datetime | None


class AppealOut(Answer):
    unit_id: str
    quarter: str
    person_id: str
    person_name: str
    grade: str | None
    appeal_id: str
    appeal_status: str
    appeal_reason: str
    appeal_filed_at: dt.datetime
    appeal_outcome: str | None
    appeal_answer: str | None


def quarter_out(row: asyncpg.Record) -> QuarterOut:
    return QuarterOut(**dict(row), good_left=max(row["good_cap"] - row["good_used"], 0))


@router.post("", summary="Open the quarter for the unit's roster (unit administrator)")
async def open_quarter(unit_id: UnitId, body: OpenQuarterBody, ctx: CommandDep) -> CommandResult:
    return await handlers.open_quarter(ctx, handlers.OpenQuarter(unit_id=unit_id, **body.model_dump()))


@router.post("/{quarter}/self-assessment", summary="Submit my self-assessment")
async def self_assess(unit_id: UnitId, quarter: QuarterPath, body: SelfAssessBody, ctx: CommandDep) -> CommandResult:
    return await handlers.self_assess(
        ctx,
        handlers.SelfAssess(
            unit_id=unit_id, quarter=quarter, scores=body.scores, grade=body.grade, summary=body.summary.strip()
        ),
    )


@router.post("/{quarter}/peer-reviews", summary="Review a colleague (internal peer review)")
async def peer_review(unit_id: UnitId, quarter: QuarterPath, body: PeerReviewBody, ctx: CommandDep) -> CommandResult:
    return await handlers.peer_review(
        ctx,
        handlers.PeerReview(
            unit_id=unit_id, quarter=quarter, person_id=body.person_id, grade=body.grade, comment=body.comment.strip()
        ),
    )


@router.post("/{quarter}/reviews", summary="Record my review of a person at my level of their chain")
async def review(unit_id: UnitId, quarter: QuarterPath, body: ReviewBody, ctx: CommandDep) -> CommandResult:
    return await handlers.record_review(
        ctx,
        handlers.RecordReview(
            unit_id=unit_id,
            quarter=quarter,
            person_id=body.person_id,
            scores=body.scores,
            grade=body.grade,
            comment=body.comment.strip(),
        ),
    )


@router.post("/{quarter}/adjustments", summary="Change a person's grade, with a reason (deputy or principal leader)")
async def adjust(unit_id: UnitId, quarter: QuarterPath, body: AdjustBody, ctx: CommandDep) -> CommandResult:
    return await handlers.adjust_grade(ctx, handlers.AdjustGrade(unit_id=unit_id, quarter=quarter, **body.model_dump()))


@router.post("/{quarter}/good-moves", summary="Move a 好 from one person to another in one step")
async def move_good(unit_id: UnitId, quarter: QuarterPath, body: MoveGoodBody, ctx: CommandDep) -> CommandResult:
    return await handlers.move_good(ctx, handlers.MoveGood(unit_id=unit_id, quarter=quarter, **body.model_dump()))


@router.post("/{quarter}/publication", summary="Publish the results for N working days (unit administrator)")
async def publish(
    unit_id: UnitId,
    quarter: QuarterPath,
    ctx: CommandDep,
    body: PublishBody | None = None,
) -> CommandResult:
    body = body or PublishBody()
    return await handlers.publish_results(
        ctx, handlers.PublishResults(unit_id=unit_id, quarter=quarter, **body.model_dump())
    )


@router.post("/{quarter}/appeals", summary="Appeal my published result within the publication period")
async def appeal(unit_id: UnitId, quarter: QuarterPath, body: AppealBody, ctx: CommandDep) -> CommandResult:
    return await handlers.file_appeal(ctx, handlers.FileAppeal(unit_id=unit_id, quarter=quarter, **body.model_dump()))


@router.post("/{quarter}/appeals/{appeal_id}/resolution", summary="Resolve an appeal (principal leader)")
async def resolve(
    unit_id: UnitId,
    quarter: QuarterPath,
    appeal_id: Annotated[str, Path(max_length=60)],
    body: ResolveBody,
    ctx: CommandDep,
) -> CommandResult:
    return await handlers.resolve_appeal(
        ctx, handlers.ResolveAppeal(unit_id=unit_id, quarter=quarter, appeal_id=appeal_id, **body.model_dump())
    )


@router.post(
    "/{quarter}/finalization",
    summary="Finalize after the publication period (unit administrator); opens follow-ups for people at "
    "较好 or lower in consecutive quarters (data.follow_ups)",
)
async def finalize(
    unit_id: UnitId,
    quarter: QuarterPath,
    ctx: CommandDep,
    body: FinalizeBody | None = None,
) -> CommandResult:
    body = body or FinalizeBody()
    return await handlers.finalize_quarter(
        ctx, handlers.FinalizeQuarter(unit_id=unit_id, quarter=quarter, **body.model_dump())
    )


@router.put(
    "/{quarter}/people/{person_id}/reviewers",
    summary="Change who reviews a person in the open quarter (unit administrator): a reviewer left or moved",
)
async def change_reviewers(
    unit_id: UnitId, quarter: QuarterPath, person_id: PersonPath, body: ChainIn, ctx: CommandDep
) -> CommandResult:
    return await handlers.change_quarter_reviewers(
        ctx, handlers.ChangeQuarterReviewers(unit_id=unit_id, quarter=quarter, person_id=person_id, chain=body.chain())
    )


@router.post("/{quarter}/follow-ups/{person_id}/mentor", summary="Assign a mentor (导师帮带) to a followed-up person")
async def assign_mentor(
    unit_id: UnitId, quarter: QuarterPath, person_id: PersonPath, body: MentorBody, ctx: CommandDep
) -> CommandResult:
    return await handlers.assign_mentor(
        ctx, handlers.AssignMentor(unit_id=unit_id, quarter=quarter, person_id=person_id, **body.model_dump())
    )


@router.post("/{quarter}/follow-ups/{person_id}/visits", summary="Record a follow-up visit (季度回访)")
async def record_visit(
    unit_id: UnitId, quarter: QuarterPath, person_id: PersonPath, body: VisitBody, ctx: CommandDep
) -> CommandResult:
    return await handlers.record_visit(
        ctx,
        handlers.RecordVisit(
            unit_id=unit_id, quarter=quarter, person_id=person_id, notes=body.notes.strip(), visited_on=body.visited_on
        ),
    )


@router.get("", summary="The unit's quarters with their status and 好 quota")
async def list_quarters(
    unit_id: UnitId,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Positions,
    status: Annotated[Literal["open", "published", "finalized"] | None, Query()] = None,
) -> Page[QuarterOut]:
    authz.in_unit(principal, "unit.read", unit_id)
    rows, total = await queries.list_quarters(
        runtime.pool, unit=unit_id, status=status, limit=page.limit, offset=page.offset
    )
    return Page[QuarterOut].of([quarter_out(r) for r in rows], total, page, positions)


@router.get("/{quarter}/board", summary="The unit's quarter board: every person's progress, grades, 好 quota")
async def board(
    unit_id: UnitId,
    quarter: QuarterPath,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Positions,
    section: Annotated[str | None, Query(max_length=60)] = None,
    as_of: Annotated[
        dt.datetime | None,
        Query(description="The board as it stood at this time (ISO 8601 with a zone), folded from the events"),
    ] = None,
) -> BoardOut:
    authz.in_unit(principal, "unit.read", unit_id)
    at = check_as_of(as_of, real_now())
    if at is None:
        return await _board(runtime.pool, "rm_quarters", unit_id, quarter, principal, page, positions, section)
    async with past(runtime.store, QuartersProjection(), at) as then:
        return await _board(then.conn, then.schema, unit_id, quarter, principal, page, positions, section, at)


async def _board(
    db: asyncpg.Pool | asyncpg.Connection,
    schema: str,
    unit_id: str,
    quarter: str,
    principal: Principal,
    page: PageParams,
    positions: dict,
    section: str | None,
    at: dt.datetime | None = None,
) -> BoardOut:
    row = await queries.quarter(db, unit_id, quarter, schema=schema)
    if row is None:
        when = f"{at.astimezone(CHINA):%Y-%m-%d %H:%M} 时" if at else ""
        raise NotFound("quarter_not_found", f"{when}{quarter} 季度考核尚未开启")
    rows, total = await queries.board(
        db,
        unit=unit_id,
        quarter=quarter,
        section=section,
        chain=authz.board_chain(principal),
        limit=page.limit,
        offset=page.offset,
        schema=schema,
    )
    progress = await queries.board_progress(db, unit_id, quarter, schema=schema)
    return BoardOut.of(
        [PersonProgressOut.model_validate(dict(r)) for r in rows],
        total,
        page,
        positions,
        quarter=quarter_out(row),
        progress=dict(progress),
        as_of=at,
    )


@router.get(
    "/{quarter}/board.xlsx",
    summary="The quarter board and published results as an Excel workbook (same access as the board)",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "Sheets 概况, 考核进度 and 考核结果"}},
)
async def board_workbook(
    unit_id: UnitId,
    quarter: QuarterPath,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    positions: Positions,
    section: Annotated[str | None, Query(max_length=60)] = None,
) -> Response:
    authz.in_unit(principal, "unit.read", unit_id)
    row = await queries.quarter(runtime.pool, unit_id, quarter)
    if row is None:
        raise NotFound("quarter_not_found", f"{quarter} 季度考核尚未开启")
    board = await queries.board_rows(
        runtime.pool, unit=unit_id, quarter=quarter, section=section, chain=authz.board_chain(principal)
    )
    results = await queries.result_rows(runtime.pool, unit=unit_id, quarter=quarter)
    unit_name = await queries.unit_name(runtime.pool, unit_id) or unit_id
    body = quarter_workbook(
        unit_name, quarter_out(row).model_dump(), [dict(r) for r in board], [dict(r) for r in results]
    )
    return Response(body, media_type=XLSX, headers=attachment(f"{unit_name}{quarter}季度考核.xlsx"))


@router.get("/{quarter}/results", summary="Published results of the unit's quarter (everyone in the unit)")
async def results(
    unit_id: UnitId,
    quarter: QuarterPath,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Positions,
) -> Page[ResultOut]:
    authz.require_unit_member(principal, unit_id)
    rows, total = await queries.published_results(
        runtime.pool, unit=unit_id, quarter=quarter, limit=page.limit, offset=page.offset
    )
    return Page[ResultOut].of([ResultOut.model_validate(dict(r)) for r in rows], total, page, positions)


@router.get("/{quarter}/appeals", summary="Appeals of the unit's quarter (open ones by default)")
async def list_appeals(
    unit_id: UnitId,
    quarter: QuarterPath,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Positions,
    status: Annotated[Literal["open", "resolved"] | None, Query()] = "open",
) -> Page[AppealOut]:
    reviewer = authz.unit_board_reader(principal, unit_id)
    rows, total = await queries.appeals(
        runtime.pool,
        unit=unit_id,
        quarter=quarter,
        status=status,
        principal=None,
        reviewer=reviewer,
        limit=page.limit,
        offset=page.offset,
    )
    items = [AppealOut.model_validate(dict(r)) for r in rows]
    return Page[AppealOut].of(items, total, page, positions)
