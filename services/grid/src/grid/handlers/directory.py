"""The hierarchy's commands: communities, their grids and members (Community); departments and
routing rules (Directory)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.contracts.grid import GridRole
from grassroots_common.ids import new_id
from grid import authz
from grid.domain.community import Community
from grid.domain.directory import DIRECTORY_STREAM, Directory


@dataclass(frozen=True, slots=True)
class RegisterCommunity:
    """Register a community (district administrators); its id is chosen or made."""

    name: str
    street: str
    district: str
    leader_name: str = ""
    community_id: str | None = None


async def register_community(ctx: CommandContext, command: RegisterCommunity) -> CommandResult:
    authz.require_role(ctx.principal, "directory.manage")
    community_id = command.community_id or new_id("com")
    now = ctx.now()

    def act(c: Community) -> dict:
        c.register(
            name=command.name,
            street=command.street,
            district=command.district,
            leader_name=command.leader_name,
            now=now,
        )
        return {"community_id": community_id}

    return await ctx.execute(Community, community_id, act)


@dataclass(frozen=True, slots=True)
class DefineGrid:
    """Define (or rename) a grid of a community."""

    community_id: str
    name: str
    area: str = ""
    households: int = 0
    grid_id: str | None = None


async def define_grid(ctx: CommandContext, command: DefineGrid) -> CommandResult:
    authz.manage_community(ctx.principal, command.community_id)
    grid_id = command.grid_id or new_id("grd")
    now = ctx.now()

    def act(c: Community) -> dict:
        c.define_grid(grid_id=grid_id, name=command.name, area=command.area, households=command.households, now=now)
        return {"grid_id": grid_id}

    return await ctx.execute(Community, command.community_id, act)


@dataclass(frozen=True, slots=True)
class AssignMember:
    """Give a person a grid role in a community (or move them)."""

    community_id: str
    person_id: str
    person_name: str
    role: GridRole
    grid_id: str | None = None


async def assign_member(ctx: CommandContext, command: AssignMember) -> CommandResult:
    authz.manage_community(ctx.principal, command.community_id)
    now = ctx.now()
    return await ctx.execute(
        Community,
        command.community_id,
        lambda c: c.assign(
            person_id=command.person_id,
            person_name=command.person_name,
            role=command.role,
            grid_id=command.grid_id,
            now=now,
        ),
    )


@dataclass(frozen=True, slots=True)
class RemoveMember:
    """Remove a person from a community's grids."""

    community_id: str
    person_id: str
    reason: str


async def remove_member(ctx: CommandContext, command: RemoveMember) -> CommandResult:
    authz.manage_community(ctx.principal, command.community_id)
    now = ctx.now()
    return await ctx.execute(
        Community,
        command.community_id,
        lambda c: c.remove(person_id=command.person_id, reason=command.reason, now=now),
    )


@dataclass(frozen=True, slots=True)
class RegisterDepartment:
    """Register a functional department (district administrators)."""

    name: str
    department_id: str | None = None


async def register_department(ctx: CommandContext, command: RegisterDepartment) -> CommandResult:
    authz.require_role(ctx.principal, "directory.manage")
    department_id = command.department_id or new_id("dep")
    now = ctx.now()

    def act(d: Directory) -> dict:
        d.register_department(department_id=department_id, name=command.name, now=now)
        return {"department_id": department_id}

    return await ctx.execute(Directory, DIRECTORY_STREAM, act)


@dataclass(frozen=True, slots=True)
class SetRoutingRule:
    """Set where a category's tickets go and their time limit."""

    category: str
    category_name: str
    default_department_id: str
    lead_department_id: str | None = None
    co_department_ids: list[str] = dataclasses.field(default_factory=list)
    time_limit_workdays: int | None = None
    accept_within_hours: float = 2.0


async def set_routing_rule(ctx: CommandContext, command: SetRoutingRule) -> CommandResult:
    authz.require_role(ctx.principal, "directory.manage")
    now = ctx.now()
    return await ctx.execute(
        Directory,
        DIRECTORY_STREAM,
        lambda d: d.set_rule(
            category=command.category,
            category_name=command.category_name,
            default_department_id=command.default_department_id,
            lead_department_id=command.lead_department_id,
            co_department_ids=command.co_department_ids,
            time_limit_workdays=command.time_limit_workdays,
            accept_within_hours=command.accept_within_hours,
            now=now,
        ),
    )
