"""Standardization inspections: rounds with teams and villages, per-village scores and findings,
findings closed with evidence, round coverage."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import Field

from grassroots_common.commands import CommandResult
from grassroots_common.contracts.village import ChecklistAspect
from grassroots_common.errors import NotFound
from grassroots_common.http.dependencies import CommandDep, PrincipalDep, RuntimeDep
from grassroots_common.http.models import Body
from grassroots_common.paging import Page, PageDep
from grassroots_common.routing import api_router
from village import queries
from village.api.fields import (
    VILLAGE_ID,
    Key,
    Name,
    Text,
    TownQuery,
    UploadIds,
    VillageId,
    VillageQuery,
    Year,
    read_after,
)
from village.authz import read_scope
from village.handlers import inspections as handlers
from village.handlers.context import today
from village.projections import InspectionsProjection, VillagesProjection

router = api_router(prefix="/api/v1/inspection-rounds", tags=["inspections"])
RoundPath = Annotated[str, Path(max_length=64, examples=["rnd_0193a4c2..."])]
VillagePath = Annotated[str, Path(pattern=VILLAGE_ID)]


class TeamBody(Body):
    name: Name = Field(examples=["第一检查组"])
    members: list[Name] = Field(min_length=1, max_length=10, examples=[["张伟", "刘洋"]])
    village_ids: list[VillageId] = Field(min_length=1, max_length=200)


class OpenRoundBody(Body):
    name: Name = Field(examples=["2026 年村级活动场所第一轮全覆盖检查"])
    year: Year
    opened_on: dt.date
    due_on: dt.date
    checklist: list[ChecklistAspect] | None = Field(
        default=None, max_length=30, description="省略则使用当前政策的检查清单（默认 7 个方面）"
    )
    teams: list[TeamBody] = Field(min_length=1, max_length=100)


@router.post("", summary="Open an inspection round with its teams and villages", status_code=201)
async def open_round(body: OpenRoundBody, ctx: CommandDep) -> CommandResult:
    command = handlers.OpenRound(
        name=body.name,
        year=body.year,
        opened_on=body.opened_on,
        due_on=body.due_on,
        checklist=body.checklist,
        teams=[handlers.TeamPlan(**t.model_dump()) for t in body.teams],
    )
    return await handlers.open_round(ctx, command)


@router.get("", summary="Inspection rounds with their coverage and average score")
async def list_rounds(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Annotated[dict, read_after(InspectionsProjection, VillagesProjection)],
) -> Page[dict[str, Any]]:
    read_scope(principal)
    rows, total = await queries.list_rounds(runtime.pool, page.limit, page.offset)
    return Page.of(rows, total, page, positions)


@router.get("/{round_id}", summary="One round: coverage (inspected / all villages), teams, villages and scores")
async def round_detail(
    round_id: RoundPath,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    positions: Annotated[dict, read_after(InspectionsProjection, VillagesProjection)],
    town: TownQuery = None,
) -> dict[str, Any]:
    scope = read_scope(principal, town_id=town)
    found = await queries.round_detail(runtime.pool, round_id, scope)
    if found is None:
        raise NotFound("round_not_found", "找不到该检查轮次")
    return {**found, "positions": positions}


class FindingBody(Body):
    aspect_id: Annotated[Key, Field(min_length=1, max_length=40, examples=["environment"])]
    text: Text = Field(min_length=2, examples=["活动室墙面脱落，需重新粉刷"])
    deadline: dt.date


class InspectionBody(Body):
    inspected_on: dt.date
    scores: dict[Annotated[Key, Field(max_length=40)], Annotated[int, Field(ge=0, le=1000)]] = Field(
        examples=[
            {
                "environment": 13,
                "rooms": 14,
                "basic_rules": 12,
                "signage": 9,
                "records": 13,
                "party_life": 14,
                "services": 12,
            }
        ]
    )
    findings: list[FindingBody] = Field(default=[], max_length=50)


@router.post("/{round_id}/villages/{village_id}", summary="Record the inspection of one village", status_code=201)
async def record_inspection(
    round_id: RoundPath, village_id: VillagePath, body: InspectionBody, ctx: CommandDep
) -> CommandResult:
    command = handlers.RecordInspection(
        round_id=round_id,
        village_id=village_id,
        inspected_on=body.inspected_on,
        scores=body.scores,
        findings=[handlers.FindingPlan(**f.model_dump()) for f in body.findings],
    )
    return await handlers.record_inspection(ctx, command)


class CloseFindingBody(Body):
    closed_on: dt.date = Field(description="The day the rectification was done: not after today")
    note: Text = Field(min_length=2, examples=["已重新粉刷，验收合格"])
    # At least one: the domain says so in words ("整改销号需要至少上传 1 张…"), not "至少需要 1 项".
    evidence_upload_ids: UploadIds


@router.post(
    "/{round_id}/villages/{village_id}/findings/{finding_id}/close", summary="Close a finding with evidence photos"
)
async def close_finding(
    round_id: RoundPath,
    village_id: VillagePath,
    finding_id: Annotated[str, Path(max_length=64)],
    body: CloseFindingBody,
    ctx: CommandDep,
) -> CommandResult:
    command = handlers.CloseFinding(
        round_id=round_id, village_id=village_id, finding_id=finding_id, **body.model_dump()
    )
    return await handlers.close_finding(ctx, command)


findings_router = api_router(prefix="/api/v1/findings", tags=["inspections"])


@findings_router.get("", summary="Inspection findings: open ones, overdue ones, per town or village")
async def list_findings(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Annotated[dict, read_after(InspectionsProjection, VillagesProjection)],
    town: TownQuery = None,
    village: VillageQuery = None,
    open_only: Annotated[bool, Query(alias="open")] = False,
    overdue: bool = False,
) -> Page[dict[str, Any]]:
    scope = await queries.list_scope(runtime.pool, principal, town_id=town, village_id=village)
    rows, total = await queries.list_findings(
        runtime.pool, scope, open_only, overdue, today(runtime), page.limit, page.offset
    )
    return Page.of(rows, total, page, positions)
