"""Hierarchy: communities, grids, grid members (five roles), departments, routing rules."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Path, Query
from pydantic import Field

from grassroots_common.commands import CommandResult
from grassroots_common.contracts.grid import GridRole
from grassroots_common.errors import NotFound
from grassroots_common.fields import Key, Name, Text
from grassroots_common.http.dependencies import CommandDep, PrincipalDep, ReadAfter, RuntimeDep
from grassroots_common.http.models import Answer, Body
from grassroots_common.paging import Page, PageDep
from grassroots_common.routing import api_router
from grid import authz, queries
from grid.api.models import CATEGORY_PATTERN, ID_PATTERN, Id
from grid.handlers import directory as handlers
from grid.projections import HierarchyProjection

router = api_router(prefix="/api/v1", tags=["hierarchy"])

CommunityPath = Annotated[str, Path(pattern=ID_PATTERN)]
Hierarchy = Annotated[dict, Depends(ReadAfter(HierarchyProjection))]


class RegisterCommunityBody(Body):
    community_id: Annotated[Key, Field(pattern=r"^com_[a-z0-9_]{2,40}$")] | None = None
    name: Name = Field(min_length=2, max_length=60, examples=["凤鸣社区"])
    street: Name = Field(min_length=2, max_length=60, examples=["城关街道"])
    district: Name = Field(min_length=2, max_length=60, examples=["凤翔区"])
    leader_name: Name = Field(default="", max_length=40, examples=["王建国"])


class CommunityOut(Answer):
    community_id: str
    name: str
    street: str
    district: str
    leader_name: str
    registered_at: dt.datetime
    grids: int
    members: int


class DefineGridBody(Body):
    grid_id: Annotated[Key, Field(pattern=r"^grd_[a-z0-9_]{2,40}$")] | None = None
    name: Name = Field(min_length=2, max_length=40, examples=["第三网格"])
    area: Name = Field(default="", max_length=200, examples=["东大街 1–45 号"])
    households: int = Field(default=0, ge=0, le=100_000)


class GridOut(Answer):
    grid_id: str
    community_id: str
    name: str
    area: str
    households: int
    members: int
    head_name: str | None


class AssignMemberBody(Body):
    person_name: Name = Field(min_length=2, max_length=40, examples=["李秀英"])
    role: GridRole = Field(examples=["grid_member"])
    grid_id: Id | None = Field(default=None, description="Required for 网格长, 专职网格员, 网格员")


class RemoveMemberBody(Body):
    reason: Text = Field(min_length=2, max_length=200, examples=["调离本社区"])


class MemberOut(Answer):
    community_id: str
    person_id: str
    grid_id: str | None
    person_name: str
    role: str
    assigned_at: dt.datetime


class RegisterDepartmentBody(Body):
    department_id: Annotated[Key, Field(pattern=r"^dep_[a-z0-9_]{2,40}$")] | None = None
    name: Name = Field(min_length=2, max_length=60, examples=["区城市管理执法局"])


class DepartmentOut(Answer):
    department_id: str
    name: str
    registered_at: dt.datetime


class RoutingRuleBody(Body):
    category_name: Name = Field(min_length=2, max_length=40, examples=["环境卫生"])
    default_department_id: Id
    lead_department_id: Id | None = None
    co_department_ids: list[Id] = Field(default=[], max_length=10)
    time_limit_workdays: int | None = Field(default=None, ge=0, le=60, description="None: the kind's default")
    accept_within_hours: float = Field(default=2.0, gt=0, le=72)


class RoutingRuleOut(Answer):
    category: str
    category_name: str
    default_department_id: str
    lead_department_id: str | None
    co_department_ids: list[str]
    time_limit_workdays: int | None
    accept_within_hours: float
    set_at: dt.datetime


@router.post("/communities", summary="Register a community (district administrators)")
async def register_community(body: RegisterCommunityBody, ctx: CommandDep) -> CommandResult:
    return await handlers.register_community(ctx, handlers.RegisterCommunity(**body.model_dump()))


@router.get("/communities", summary="Communities with their numbers of grids and members")
async def list_communities(
    runtime: RuntimeDep, principal: PrincipalDep, page: PageDep, positions: Hierarchy
) -> Page[CommunityOut]:
    rows, total = await queries.communities(runtime.pool, page.limit, page.offset)
    return Page[CommunityOut].of([CommunityOut.model_validate(r) for r in rows], total, page, positions)


@router.post("/communities/{community_id}/grids", summary="Define (or rename) a grid of a community")
async def define_grid(community_id: CommunityPath, body: DefineGridBody, ctx: CommandDep) -> CommandResult:
    return await handlers.define_grid(ctx, handlers.DefineGrid(community_id=community_id, **body.model_dump()))


@router.get("/communities/{community_id}/grids", summary="A community's grids with member counts and heads")
async def list_grids(
    community_id: CommunityPath, runtime: RuntimeDep, principal: PrincipalDep, positions: Hierarchy
) -> list[GridOut]:
    if principal.scope("community") != community_id:
        authz.read_community(principal, community_id)
    return [GridOut.model_validate(r) for r in await queries.grids(runtime.pool, community_id)]


@router.put("/communities/{community_id}/members/{person_id}", summary="Give a person a grid role (or move them)")
async def assign_member(
    community_id: CommunityPath,
    person_id: Annotated[str, Path(pattern=ID_PATTERN)],
    body: AssignMemberBody,
    ctx: CommandDep,
) -> CommandResult:
    return await handlers.assign_member(
        ctx, handlers.AssignMember(community_id=community_id, person_id=person_id, **body.model_dump())
    )


@router.post("/communities/{community_id}/members/{person_id}/removal", summary="Remove a person from the grids")
async def remove_member(
    community_id: CommunityPath,
    person_id: Annotated[str, Path(pattern=ID_PATTERN)],
    body: RemoveMemberBody,
    ctx: CommandDep,
) -> CommandResult:
    return await handlers.remove_member(
        ctx, handlers.RemoveMember(community_id=community_id, person_id=person_id, **body.model_dump())
    )


@router.get("/communities/{community_id}/members", summary="A community's grid members, by grid and role")
async def list_members(
    community_id: CommunityPath,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Hierarchy,
    grid_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    role: Annotated[GridRole | None, Query()] = None,
) -> Page[MemberOut]:
    if principal.scope("community") != community_id:
        authz.read_community(principal, community_id)
    if await queries.community(runtime.pool, community_id) is None:
        raise NotFound("community_not_found", "找不到该社区")
    rows, total = await queries.members(runtime.pool, community_id, grid_id, role, page.limit, page.offset)
    return Page[MemberOut].of([MemberOut.model_validate(r) for r in rows], total, page, positions)


@router.post("/departments", summary="Register a functional department (district administrators)")
async def register_department(body: RegisterDepartmentBody, ctx: CommandDep) -> CommandResult:
    return await handlers.register_department(ctx, handlers.RegisterDepartment(**body.model_dump()))


@router.get("/departments", summary="The functional departments")
async def list_departments(runtime: RuntimeDep, principal: PrincipalDep, positions: Hierarchy) -> list[DepartmentOut]:
    return [DepartmentOut.model_validate(r) for r in await queries.departments(runtime.pool)]


@router.put("/routing-rules/{category}", summary="Set where a category's tickets go and their time limit")
async def set_routing_rule(
    category: Annotated[str, Path(pattern=CATEGORY_PATTERN, examples=["sanitation"])],
    body: RoutingRuleBody,
    ctx: CommandDep,
) -> CommandResult:
    return await handlers.set_routing_rule(ctx, handlers.SetRoutingRule(category=category, **body.model_dump()))


@router.get("/routing-rules", summary="The routing rule of every category")
async def list_routing_rules(
    runtime: RuntimeDep, principal: PrincipalDep, positions: Hierarchy
) -> list[RoutingRuleOut]:
    return [RoutingRuleOut.model_validate(r) for r in await queries.routing_rules(runtime.pool)]
