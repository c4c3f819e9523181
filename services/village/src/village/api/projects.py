"""Secretary projects (书记项目): register, funding, investment, milestones with evidence, income;
lists with progress ranking and projects behind schedule."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

from grassroots_common.as_of import as_of as past
from grassroots_common.as_of import check_as_of
from grassroots_common.clock import real_now
from grassroots_common.commands import CommandResult
from grassroots_common.contracts.village import DevelopmentModel, FundingSource, SupervisorLevel
from grassroots_common.errors import NotFound
from grassroots_common.history import History, changes
from grassroots_common.http.dependencies import CommandDep, PrincipalDep, RuntimeDep
from grassroots_common.http.models import Body
from grassroots_common.paging import Page, PageDep
from grassroots_common.routing import api_router
from grassroots_common.workdays import CHINA
from village import history, queries
from village.api.fields import (
    Fen,
    Key,
    Line,
    Name,
    Percent,
    PositiveFen,
    Text,
    TownQuery,
    UploadIds,
    VillageId,
    VillageQuery,
    Year,
    read_after,
)
from village.api.models import ProjectDetail, ProjectListRow
from village.authz import authorize
from village.domain.project import project_stream_id
from village.handlers import projects as handlers
from village.handlers.context import today
from village.projections import VillagesProjection
from village.projections.projects import ProjectsProjection

router = api_router(prefix="/api/v1/projects", tags=["secretary projects"])
ProjectPath = Annotated[str, Path(max_length=64, examples=["prj_0193a4c2..."])]


class RegisterBody(Body):
    village_id: VillageId
    name: Annotated[Line, Field(min_length=2, max_length=100, examples=["紫荆村优质小麦规模种植"])]
    description: Text = ""
    owner_id: Annotated[Key, Field(max_length=80)] | None = Field(default=None, description="书记本人登记时可省略")
    owner_name: Name | None = None
    supervisor_level: SupervisorLevel = Field(examples=["town"])
    supervisor_name: Name = Field(examples=["陈村镇党委书记 王建国"])
    model: DevelopmentModel = Field(examples=["branch_led"])
    budget_fen: Fen
    starts_on: dt.date
    due_on: dt.date


@router.post("", summary="Register a secretary project", status_code=201)
async def register_project(body: RegisterBody, ctx: CommandDep) -> CommandResult:
    return await handlers.register_project(ctx, handlers.RegisterProject(**body.model_dump()))


@router.get("", summary="Projects ranked by progress (比拼晾晒); filter behind schedule, model, year")
async def list_projects(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Annotated[dict, read_after(ProjectsProjection, VillagesProjection)],
    town: TownQuery = None,
    village: VillageQuery = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    model: Annotated[DevelopmentModel | None, Query()] = None,
    behind: bool = False,
    as_of: Annotated[
        dt.datetime | None,
        Query(description="The ranking as it stood at this time (ISO 8601 with a zone), folded from the events"),
    ] = None,
) -> Page[ProjectListRow]:
    """With ``as_of``: the ranking as it stood then (the caller knows the time it asked for)."""
    scope = await queries.list_scope(runtime.pool, principal, town_id=town, village_id=village)
    at = check_as_of(as_of, real_now())
    filters = {"year": year, "model": model, "behind_only": behind, "limit": page.limit, "offset": page.offset}
    if at is None:
        rows, total = await queries.list_projects(runtime.pool, scope, today=today(runtime), **filters)
    else:
        async with past(runtime.store, ProjectsProjection(), at) as then:
            day = at.astimezone(CHINA).date()
            rows, total = await queries.list_projects(then.conn, scope, today=day, schema=then.schema, **filters)
    return Page[ProjectListRow].of([ProjectListRow.model_validate(r) for r in rows], total, page, positions)


@router.get("/{project_id}", summary="One project with its fundings, investments, milestones and income")
async def project_detail(
    project_id: ProjectPath,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    positions: Annotated[dict, read_after(ProjectsProjection, VillagesProjection)],
) -> ProjectDetail:
    found = await queries.project_detail(runtime.pool, project_id, today(runtime))
    if found is None:
        raise NotFound("project_not_found", "找不到该书记项目")
    p = found["project"]
    authorize(principal, "village.read", town_id=p["town_id"], village_id=p["village_id"])
    return ProjectDetail.model_validate({**found, "positions": positions})


@router.get("/{project_id}/history", summary="Why the figures are so: every funding, investment, milestone and income")
async def project_history(project_id: ProjectPath, runtime: RuntimeDep, principal: PrincipalDep) -> History:
    """Answered from the project's events, so it includes a write the read model has not caught up with."""
    stream_id = project_stream_id(project_id)
    events = await runtime.store.load(stream_id)
    if not events:
        raise NotFound("project_not_found", "找不到该书记项目")
    registered = events[0].data
    authorize(principal, "village.read", town_id=registered["town_id"], village_id=registered["village_id"])
    return History(stream_id=stream_id, items=changes(events, history.describe))


class FundBody(Body):
    source: FundingSource = Field(examples=["fiscal"])
    funder: Name = Field(examples=["区财政局"])
    amount_fen: PositiveFen
    received_on: dt.date


@router.post("/{project_id}/fundings", summary="Record funding received (ProjectFunded)", status_code=201)
async def fund(project_id: ProjectPath, body: FundBody, ctx: CommandDep) -> CommandResult:
    return await handlers.fund(ctx, handlers.FundProject(project_id=project_id, **body.model_dump()))


class InvestmentBody(Body):
    investor: Name = Field(examples=["宝鸡某农业科技有限公司"])
    amount_fen: PositiveFen
    signed_on: dt.date


@router.post("/{project_id}/investments", summary="Record investment attracted (招商引资)", status_code=201)
async def attract(project_id: ProjectPath, body: InvestmentBody, ctx: CommandDep) -> CommandResult:
    return await handlers.attract(ctx, handlers.AttractInvestment(project_id=project_id, **body.model_dump()))


class MilestoneBody(Body):
    title: Annotated[Line, Field(min_length=2, max_length=200, examples=["完成土地流转 580 亩"])]
    progress_pct: Percent
    reason: Text = Field(default="", description="进度回退时必须说明原因")
    evidence_upload_ids: UploadIds


@router.post("/{project_id}/milestones", summary="Report a milestone with progress and photos", status_code=201)
async def report_milestone(project_id: ProjectPath, body: MilestoneBody, ctx: CommandDep) -> CommandResult:
    command = handlers.ReportMilestone(project_id=project_id, **body.model_dump())
    return await handlers.report_milestone(ctx, command)


class ProjectIncomeBody(Body):
    year: Year
    amount_fen: PositiveFen
    note: Text = ""


@router.post("/{project_id}/income", summary="Report income the project produced", status_code=201)
async def report_income(project_id: ProjectPath, body: ProjectIncomeBody, ctx: CommandDep) -> CommandResult:
    command = handlers.ReportProjectIncome(project_id=project_id, **body.model_dump())
    return await handlers.report_income(ctx, command)
