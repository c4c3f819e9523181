""" "511" pairing: units take villages for a year, record deliveries; units behind are listed."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Path
from pydantic import Field

from grassroots_common.commands import CommandResult
from grassroots_common.contracts.village import PairingDeliveryKind
from grassroots_common.http.dependencies import CommandDep, PrincipalDep, RuntimeDep
from grassroots_common.http.models import Body
from grassroots_common.paging import Page, PageDep
from grassroots_common.routing import api_router
from village import queries
from village.api.fields import Fen, Line, Name, TownQuery, VillageId, Year, YearQuery, read_after
from village.authz import read_scope
from village.handlers import pairings as handlers
from village.projections import PairingsProjection

router = api_router(prefix="/api/v1/pairings", tags=["pairing"])
UnitId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,40}$", examples=["u_agri"])]


class CommitBody(Body):
    unit_id: UnitId
    unit_name: Name = Field(examples=["区农业农村局"])
    year: Year
    village_id: VillageId


@router.post("", summary="A unit takes a village for the year (targets from the policy)", status_code=201)
async def commit(body: CommitBody, ctx: CommandDep) -> CommandResult:
    return await handlers.commit(ctx, handlers.CommitPairing(**body.model_dump()))


class DeliveryBody(Body):
    village_id: VillageId
    kind: PairingDeliveryKind
    title: Annotated[Line, Field(min_length=2, max_length=200, examples=["协调帮扶资金"])]
    amount_fen: Fen = 0
    delivered_on: dt.date


@router.post(
    "/{unit_id}/{year}/deliveries", summary="Record funds, a supporting or an industry project", status_code=201
)
async def deliver(
    unit_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,40}$")],
    year: Annotated[int, Path(ge=2000, le=2100)],
    body: DeliveryBody,
    ctx: CommandDep,
) -> CommandResult:
    return await handlers.deliver(ctx, handlers.RecordDelivery(unit_id=unit_id, year=year, **body.model_dump()))


@router.get("", summary="Pairing units of a year with what they delivered; `behind=true` lists units behind")
async def list_units(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    year: YearQuery,
    positions: Annotated[dict, read_after(PairingsProjection)],
    town: TownQuery = None,
    behind: bool = False,
) -> Page[dict[str, Any]]:
    scope = read_scope(principal, town_id=town)
    rows, total = await queries.pairing_units(runtime.pool, scope, year, behind, page.limit, page.offset)
    return Page.of(rows, total, page, positions)
