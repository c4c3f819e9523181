"""Policy, towns and villages: demonstration status, cadres, subsidy sheets, income and bonuses,
and the village file (村档案)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import Field

from grassroots_common.commands import CommandResult
from grassroots_common.contracts.village import CadrePosition, DemonstrationLevel, VillagePolicySet
from grassroots_common.errors import NotFound
from grassroots_common.http.dependencies import CommandDep, PrincipalDep, RuntimeDep
from grassroots_common.http.models import Answer, Body
from grassroots_common.paging import Page, PageDep
from grassroots_common.routing import api_router
from village import queries
from village.api.fields import (
    MONTH,
    VILLAGE_ID,
    Fen,
    Key,
    Line,
    Month,
    Name,
    Text,
    TownId,
    TownQuery,
    VillageId,
    VillageQuery,
    Year,
    YearQuery,
    read_after,
)
from village.api.models import VillageFile
from village.authz import authorize, read_scope
from village.handlers import villages as handlers
from village.handlers.context import today
from village.projections import (
    InspectionsProjection,
    PairingsProjection,
    PilotsProjection,
    ProjectsProjection,
    RectificationsProjection,
    VillagesProjection,
)

router = api_router(prefix="/api/v1", tags=["villages"])
VillagePath = Annotated[str, Path(pattern=VILLAGE_ID, examples=["610305101201"])]


SUBSIDY_MAX_FEN = 100_000 * 100
"""A cadre's monthly subsidy rate: at most 10 万元 (today's rates are a few thousand yuan)."""
BONUS_MAX_FEN = 10_000_000 * 100
"""A team bonus: at most 1000 万元."""

SubsidyRate = Annotated[int, Field(gt=0, le=SUBSIDY_MAX_FEN, description="每月补贴（分），大于 0", examples=[300_000])]


class BonusTierIn(Body):
    """A tier of the team bonus: a bonus of 0 is no tier, so it is refused."""

    threshold_fen: Fen = Field(examples=[5_000_000])
    bonus_fen: int = Field(gt=0, le=BONUS_MAX_FEN, description="奖补（分），大于 0", examples=[300_000])


class ChecklistAspectIn(Body):
    aspect_id: Annotated[Key, Field(min_length=1, max_length=40, examples=["organization"])]
    name: Name = Field(examples=["组织建设"])
    max_score: int = Field(ge=1, le=1000, examples=[20])


class PilotItemTemplateIn(Body):
    aspect: Name = Field(examples=["提升村容村貌"])
    title: Annotated[Line, Field(min_length=1, max_length=100, examples=["沿街门面统一改造"])]


class PolicyBody(Body):
    subsidy_one_shoulder_fen: SubsidyRate
    subsidy_other_fen: SubsidyRate
    bonus_tiers: list[BonusTierIn] = Field(min_length=1, max_length=10)
    reserve_target: int = Field(ge=0, le=10)
    checklist: list[ChecklistAspectIn] = Field(min_length=1, max_length=30)
    pairing_funds_fen: Annotated[Fen, Field(le=100_000_000 * 100, description="包联单位年度帮扶资金目标（分）")]
    pairing_supporting_projects: int = Field(ge=0, le=10)
    pairing_industry_projects: int = Field(ge=0, le=10)
    behind_schedule_margin_pct: int = Field(ge=0, le=100)
    pilot_template: list[PilotItemTemplateIn] = Field(min_length=1, max_length=60)


@router.get("/policy", summary="The configurable rules (subsidy rates, bonus tiers, checklist, targets)")
async def get_policy(runtime: RuntimeDep, principal: PrincipalDep) -> VillagePolicySet:
    read_scope(principal)
    return await queries.policy(runtime.pool)


@router.put("/policy", summary="Change the configurable rules (district organization department)")
async def set_policy(body: PolicyBody, ctx: CommandDep) -> CommandResult:
    return await handlers.set_policy(ctx, handlers.SetPolicy(policy=VillagePolicySet(**body.model_dump())))


class RegisterTownBody(Body):
    town_id: TownId
    name: Name = Field(examples=["陈村镇"])
    party_secretary_name: Name = Field(examples=["王建国"])


@router.post("/towns", summary="Register a town", status_code=201)
async def register_town(body: RegisterTownBody, ctx: CommandDep) -> CommandResult:
    return await handlers.register_town(ctx, handlers.RegisterTown(**body.model_dump()))


@router.get("/towns", summary="Towns with their number of villages")
async def list_towns(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Annotated[dict, read_after(VillagesProjection)],
) -> Page[dict[str, Any]]:
    read_scope(principal)
    rows, total = await queries.list_towns(runtime.pool, page.limit, page.offset)
    return Page.of(rows, total, page, positions)


class RegisterVillageBody(Body):
    town_id: TownId
    village_id: VillageId
    name: Name = Field(examples=["紫荆村"])
    party_org_name: Name = Field(examples=["中共紫荆村支部委员会"])
    party_org_kind: Literal["branch", "general_branch", "committee"] = "branch"
    party_members: int = Field(ge=0, le=10_000, examples=[48])
    households: int = Field(ge=0, le=100_000, examples=[420])
    population: int = Field(ge=0, le=500_000, examples=[1680])


@router.post("/villages", summary="Register a village with its party organization", status_code=201)
async def register_village(body: RegisterVillageBody, ctx: CommandDep) -> CommandResult:
    return await handlers.register_village(ctx, handlers.RegisterVillage(**body.model_dump()))


@router.get("/villages", summary="Villages you may see, with secretary, status and reserve shortfall")
async def list_villages(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Annotated[dict, read_after(VillagesProjection)],
    town: TownQuery = None,
    level: Annotated[DemonstrationLevel | None, Query()] = None,
) -> Page[dict[str, Any]]:
    scope = read_scope(principal, town_id=town)
    rows, total = await queries.list_villages(runtime.pool, scope, level, page.limit, page.offset)
    return Page.of(rows, total, page, positions)


@router.get("/villages/{village_id}", summary="The village file (村档案): everything about one village")
async def village_file(
    village_id: VillagePath,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    positions: Annotated[
        dict,
        read_after(
            VillagesProjection,
            ProjectsProjection,
            InspectionsProjection,
            RectificationsProjection,
            PilotsProjection,
            PairingsProjection,
        ),
    ],
) -> VillageFile:
    found = await queries.village_file(runtime.pool, village_id, today(runtime))
    if found is None:
        raise NotFound("village_not_found", f"找不到村 {village_id}")
    authorize(principal, "village.read", town_id=found["village"]["town_id"], village_id=village_id)
    return VillageFile.model_validate({**found, "positions": positions})


class StatusBody(Body):
    level: DemonstrationLevel = Field(examples=["district"])
    reason: Text = Field(min_length=2, examples=["2026 年区级示范村评定"])
    effective_on: dt.date


@router.post("/villages/{village_id}/status", summary="Change the demonstration status (示范村等级)")
async def change_status(village_id: VillagePath, body: StatusBody, ctx: CommandDep) -> CommandResult:
    return await handlers.change_status(ctx, handlers.ChangeStatus(village_id=village_id, **body.model_dump()))


class AppointBody(Body):
    name: Name = Field(examples=["李明"])
    position: CadrePosition = Field(examples=["secretary"])
    one_shoulder: bool = Field(default=False, description="书记、主任“一肩挑”")
    appointed_on: dt.date


@router.post("/villages/{village_id}/cadres", summary="Appoint a cadre or a reserve cadre", status_code=201)
async def appoint_cadre(village_id: VillagePath, body: AppointBody, ctx: CommandDep) -> CommandResult:
    return await handlers.appoint_cadre(ctx, handlers.AppointCadre(village_id=village_id, **body.model_dump()))


class LeaveBody(Body):
    left_on: dt.date
    reason: Text = Field(min_length=2, examples=["工作调整"])


@router.post("/villages/{village_id}/cadres/{cadre_id}/leave", summary="A cadre leaves the roster")
async def release_cadre(
    village_id: VillagePath,
    cadre_id: Annotated[str, Path(max_length=64)],
    body: LeaveBody,
    ctx: CommandDep,
) -> CommandResult:
    command = handlers.ReleaseCadre(village_id=village_id, cadre_id=cadre_id, **body.model_dump())
    return await handlers.release_cadre(ctx, command)


@router.get("/cadres/reserve-shortfall", summary="Villages with fewer reserve cadres than the target")
async def reserve_shortfall(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Annotated[dict, read_after(VillagesProjection)],
    town: TownQuery = None,
) -> Page[dict[str, Any]]:
    scope = read_scope(principal, town_id=town)
    rows, total = await queries.reserve_shortfall(runtime.pool, scope, page.limit, page.offset)
    return Page.of(rows, total, page, positions)


class SubsidyBody(Body):
    month: Month


@router.post("/villages/{village_id}/subsidies", summary="Issue one village's monthly subsidy sheet")
async def compute_subsidy(village_id: VillagePath, body: SubsidyBody, ctx: CommandDep) -> CommandResult:
    return await handlers.compute_subsidy(ctx, handlers.ComputeSubsidy(village_id=village_id, **body.model_dump()))


class SubsidyRunBody(Body):
    month: Month
    town_id: TownId | None = Field(default=None, description="省略则为全区（仅区委组织部）")


class SubsidyRun(Answer):
    month: str
    town_id: str | None
    issued: list[dict[str, Any]]
    skipped: list[dict[str, Any]]
    total_fen: int


@router.post("/subsidies", summary="Issue the monthly subsidy sheets of a town (or the district) in one call")
async def compute_subsidies(body: SubsidyRunBody, ctx: CommandDep) -> SubsidyRun:
    command = handlers.ComputeSubsidies(**body.model_dump())
    return SubsidyRun(**await handlers.compute_subsidies(ctx, command))


@router.get("/subsidies", summary="Issued subsidy sheets with their total")
async def list_subsidies(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Annotated[dict, read_after(VillagesProjection)],
    month: Annotated[str | None, Query(pattern=MONTH)] = None,
    town: TownQuery = None,
    village: VillageQuery = None,
) -> dict[str, Any]:
    scope = await queries.list_scope(runtime.pool, principal, town_id=town, village_id=village)
    rows, total, total_fen = await queries.list_subsidies(runtime.pool, scope, month, page.limit, page.offset)
    page_out = Page.of(rows, total, page, positions)
    return {**page_out.model_dump(), "total_fen": total_fen}


class IncomeBody(Body):
    year: Year
    income_fen: Fen = Field(examples=[12_000_000])
    note: Text = ""


@router.post("/villages/{village_id}/income", summary="Report (or correct) the year's collective-economy income")
async def report_income(village_id: VillagePath, body: IncomeBody, ctx: CommandDep) -> CommandResult:
    return await handlers.report_income(ctx, handlers.ReportIncome(village_id=village_id, **body.model_dump()))


class BonusBody(Body):
    year: Year


@router.post("/villages/{village_id}/bonus", summary="Decide the team bonus from the tiers (once per year)")
async def award_bonus(village_id: VillagePath, body: BonusBody, ctx: CommandDep) -> CommandResult:
    return await handlers.award_bonus(ctx, handlers.AwardBonus(village_id=village_id, **body.model_dump()))


@router.get("/bonuses", summary="The bonus list of a year: income, tier and bonus per village")
async def list_bonuses(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    year: YearQuery,
    positions: Annotated[dict, read_after(VillagesProjection)],
    town: TownQuery = None,
) -> dict[str, Any]:
    scope = read_scope(principal, town_id=town)
    rows, total, bonus_total = await queries.list_bonuses(runtime.pool, scope, year, page.limit, page.offset)
    page_out = Page.of(rows, total, page, positions)
    return {**page_out.model_dump(), "bonus_total_fen": bonus_total}
