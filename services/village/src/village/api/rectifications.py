"""Weak and lax organizations (软弱涣散): screening, designation, rectification plan, progress,
acceptance (销号); the list with overdue plans."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import Field

from grassroots_common.commands import CommandResult
from grassroots_common.contracts.village import WeaknessCriterion
from grassroots_common.http.dependencies import CommandDep, PrincipalDep, RuntimeDep
from grassroots_common.http.models import Body
from grassroots_common.paging import Page, PageDep
from grassroots_common.routing import api_router
from village import queries
from village.api.fields import VILLAGE_ID, Key, Name, Text, TownQuery, UploadIds, read_after
from village.authz import read_scope
from village.handlers import weakness as handlers
from village.handlers.context import today
from village.projections import RectificationsProjection, VillagesProjection

router = api_router(prefix="/api/v1", tags=["rectification"])
VillagePath = Annotated[str, Path(pattern=VILLAGE_ID)]
YearPath = Annotated[int, Path(ge=2000, le=2100)]
CASE = "/villages/{village_id}/weakness/{year}"


class ScreenBody(Body):
    hits: list[WeaknessCriterion] = Field(max_length=4, description="排查中发现的问题类别（可为空）")
    screened_on: dt.date
    note: Text = ""


@router.post(CASE + "/screenings", summary="Record a screening against the four criteria", status_code=201)
async def screen(village_id: VillagePath, year: YearPath, body: ScreenBody, ctx: CommandDep) -> CommandResult:
    return await handlers.screen(ctx, handlers.ScreenVillage(village_id=village_id, year=year, **body.model_dump()))


class DesignateBody(Body):
    criteria: list[WeaknessCriterion] = Field(min_length=1, max_length=4)
    reason: Text = Field(min_length=2, examples=["班子战斗力不强，村容村貌较差"])


@router.post(CASE + "/designation", summary="Designate the village a rectification target")
async def designate(village_id: VillagePath, year: YearPath, body: DesignateBody, ctx: CommandDep) -> CommandResult:
    command = handlers.DesignateTarget(village_id=village_id, year=year, **body.model_dump())
    return await handlers.designate(ctx, command)


class PlanBody(Body):
    responsible_leader: Name = Field(examples=["区委常委 张志强"])
    work_group: list[Name] = Field(min_length=1, max_length=20)
    measures: list[Annotated[Text, Field(min_length=2, max_length=300)]] = Field(min_length=1, max_length=30)
    deadline: dt.date


@router.post(CASE + "/plan", summary="Set the rectification plan: leader, work group, measures, deadline")
async def plan(village_id: VillagePath, year: YearPath, body: PlanBody, ctx: CommandDep) -> CommandResult:
    command = handlers.PlanRectification(village_id=village_id, year=year, **body.model_dump())
    return await handlers.plan(ctx, command)


class ProgressBody(Body):
    measure_id: Annotated[Key, Field(min_length=1, max_length=20, examples=["m1"])]
    done: bool = False
    note: Text = Field(min_length=2)
    evidence_upload_ids: UploadIds


@router.post(CASE + "/progress", summary="Report progress on one measure (done closes it)")
async def progress(village_id: VillagePath, year: YearPath, body: ProgressBody, ctx: CommandDep) -> CommandResult:
    command = handlers.ReportRectificationProgress(village_id=village_id, year=year, **body.model_dump())
    return await handlers.progress(ctx, command)


class AcceptBody(Body):
    note: Text = ""


@router.post(CASE + "/acceptance", summary="Accept the rectification and remove the village from the list (销号)")
async def accept(village_id: VillagePath, year: YearPath, body: AcceptBody, ctx: CommandDep) -> CommandResult:
    command = handlers.AcceptRectification(village_id=village_id, year=year, **body.model_dump())
    return await handlers.accept(ctx, command)


@router.get("/rectifications", summary="Screened and designated villages with plan status; overdue plans")
async def list_rectifications(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Annotated[dict, read_after(RectificationsProjection, VillagesProjection)],
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    town: TownQuery = None,
    overdue: bool = False,
    flagged: Annotated[bool, Query(description="只列出排查发现问题或已确定为整顿对象的村")] = False,
) -> Page[dict[str, Any]]:
    scope = read_scope(principal, town_id=town)
    rows, total = await queries.list_rectifications(
        runtime.pool, scope, year, overdue, today(runtime), page.limit, page.offset, flagged_only=flagged
    )
    return Page.of(rows, total, page, positions)
