"""Red beautiful village pilot (红色美丽村庄): the plan of aspects and items, progress per item."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Path
from pydantic import Field

from grassroots_common.commands import CommandResult
from grassroots_common.contracts.village import FundingSource
from grassroots_common.errors import NotFound
from grassroots_common.http.dependencies import CommandDep, PrincipalDep, RuntimeDep
from grassroots_common.http.models import Body
from grassroots_common.routing import api_router
from village import queries
from village.api.fields import VILLAGE_ID, Fen, Line, Name, Percent, Text, UploadIds, read_after
from village.authz import authorize
from village.handlers import pilots as handlers
from village.handlers.context import load_village
from village.projections import PilotsProjection

router = api_router(prefix="/api/v1/villages/{village_id}/pilot", tags=["pilot"])
VillagePath = Annotated[str, Path(pattern=VILLAGE_ID)]


class ItemBody(Body):
    aspect: Name = Field(examples=["提升村容村貌"])
    title: Annotated[Line, Field(min_length=2, max_length=100, examples=["沿街门面统一改造"])]
    starts_on: dt.date
    due_on: dt.date
    budget_fen: Fen
    budget_source: FundingSource
    budget_use: Text = ""


class PlanBody(Body):
    title: Annotated[Line, Field(min_length=2, max_length=100, examples=["陈村镇紫荆村红色美丽村庄建设实施方案"])]
    starts_on: dt.date
    due_on: dt.date
    items: list[ItemBody] | None = Field(
        default=None, max_length=60, description="省略则按政策模板生成（默认 5 个方面 17 项）"
    )


@router.post("", summary="Define the pilot plan (实施方案)", status_code=201)
async def define_plan(village_id: VillagePath, body: PlanBody, ctx: CommandDep) -> CommandResult:
    command = handlers.DefinePilotPlan(
        village_id=village_id,
        title=body.title,
        starts_on=body.starts_on,
        due_on=body.due_on,
        items=None if body.items is None else [handlers.ItemPlan(**i.model_dump()) for i in body.items],
    )
    return await handlers.define_plan(ctx, command)


@router.get("", summary="The plan with progress per item and per aspect")
async def get_plan(
    village_id: VillagePath,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    positions: Annotated[dict, read_after(PilotsProjection)],
) -> dict[str, Any]:
    village = await load_village(runtime, village_id)
    authorize(principal, "village.read", town_id=village.town_id, village_id=village_id)
    found = await queries.pilot(runtime.pool, village_id)
    if found is None:
        raise NotFound("plan_not_found", "该村没有红色美丽村庄建设实施方案")
    return {**found, "positions": positions}


class ItemProgressBody(Body):
    progress_pct: Percent
    reason: Text = Field(default="", description="进度回退时必须说明原因")
    note: Text = ""
    evidence_upload_ids: UploadIds


@router.post("/items/{item_id}/progress", summary="Report progress of one item")
async def progress_item(
    village_id: VillagePath,
    item_id: Annotated[str, Path(max_length=10, examples=["i01"])],
    body: ItemProgressBody,
    ctx: CommandDep,
) -> CommandResult:
    command = handlers.ReportItemProgress(village_id=village_id, item_id=item_id, **body.model_dump())
    return await handlers.progress_item(ctx, command)
