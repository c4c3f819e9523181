"""Commands on the policy, towns and villages: status, cadres, subsidy sheets, income and bonus."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Literal

from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.contracts.village import CadrePosition, DemonstrationLevel, VillagePolicySet
from grassroots_common.errors import DomainError, NotFound
from grassroots_common.ids import new_id
from village.authz import authorize
from village.domain.policy import POLICY_STREAM, Policy
from village.domain.town import Town, town_stream_id
from village.domain.village import Village, village_stream_id
from village.handlers.context import authorized_village, current_policy, villages_of_town


@dataclass(frozen=True, slots=True)
class SetPolicy:
    """Change the configurable rules."""

    policy: VillagePolicySet


async def set_policy(ctx: CommandContext, command: SetPolicy) -> CommandResult:
    authorize(ctx.principal, "policy.set")
    return await ctx.execute(Policy, POLICY_STREAM, lambda p: p.set(command.policy))


@dataclass(frozen=True, slots=True)
class RegisterTown:
    town_id: str
    name: str
    party_secretary_name: str


async def register_town(ctx: CommandContext, command: RegisterTown) -> CommandResult:
    authorize(ctx.principal, "town.register")
    return await ctx.execute(
        Town,
        town_stream_id(command.town_id),
        lambda t: t.register(
            town_id=command.town_id, name=command.name, party_secretary_name=command.party_secretary_name
        ),
    )


@dataclass(frozen=True, slots=True)
class RegisterVillage:
    """Register a village with its party organization."""

    town_id: str
    village_id: str
    name: str
    party_org_name: str
    party_org_kind: Literal["branch", "general_branch", "committee"]
    party_members: int
    households: int
    population: int


async def register_village(ctx: CommandContext, command: RegisterVillage) -> CommandResult:
    c = command
    authorize(ctx.principal, "village.register", town_id=c.town_id)
    if not (await ctx.runtime.store.load(town_stream_id(c.town_id))):
        raise NotFound("town_not_found", f"找不到镇 {c.town_id}，请先登记该镇", field="town_id")

    def act(v: Village) -> None:
        v.register(
            town_id=c.town_id,
            village_id=c.village_id,
            name=c.name,
            party_org_name=c.party_org_name,
            party_org_kind=c.party_org_kind,
            party_members=c.party_members,
            households=c.households,
            population=c.population,
        )

    return await ctx.execute(Village, village_stream_id(c.village_id), act)


async def _on_village(ctx: CommandContext, village_id: str, action: str, decide) -> CommandResult:
    """Authorize against the village's town, then run ``decide`` on its current state."""
    await authorized_village(ctx, village_id, action=action)
    return await ctx.execute(Village, village_stream_id(village_id), decide)


@dataclass(frozen=True, slots=True)
class ChangeStatus:
    """Change a village's demonstration status (示范村等级)."""

    village_id: str
    level: DemonstrationLevel
    reason: str
    effective_on: dt.date


async def change_status(ctx: CommandContext, command: ChangeStatus) -> CommandResult:
    c = command
    return await _on_village(
        ctx,
        c.village_id,
        "village.status",
        lambda v: v.change_status(level=c.level, reason=c.reason, effective_on=c.effective_on),
    )


@dataclass(frozen=True, slots=True)
class AppointCadre:
    village_id: str
    name: str
    position: CadrePosition
    one_shoulder: bool
    appointed_on: dt.date


async def appoint_cadre(ctx: CommandContext, command: AppointCadre) -> CommandResult:
    c = command
    cadre_id = new_id("cad")

    def act(v: Village) -> dict:
        v.appoint(
            cadre_id=cadre_id,
            name=c.name,
            position=c.position,
            one_shoulder=c.one_shoulder,
            appointed_on=c.appointed_on,
        )
        return {"cadre_id": cadre_id}

    return await _on_village(ctx, c.village_id, "cadre.manage", act)


@dataclass(frozen=True, slots=True)
class ReleaseCadre:
    """A cadre leaves the roster."""

    village_id: str
    cadre_id: str
    left_on: dt.date
    reason: str


async def release_cadre(ctx: CommandContext, command: ReleaseCadre) -> CommandResult:
    c = command
    return await _on_village(
        ctx,
        c.village_id,
        "cadre.manage",
        lambda v: v.release(cadre_id=c.cadre_id, left_on=c.left_on, reason=c.reason),
    )


@dataclass(frozen=True, slots=True)
class ComputeSubsidy:
    """Issue one village's monthly subsidy sheet."""

    village_id: str
    month: str


async def compute_subsidy(ctx: CommandContext, command: ComputeSubsidy) -> CommandResult:
    month = command.month
    policy = await current_policy(ctx.runtime)

    def act(v: Village) -> dict:
        total = v.compute_subsidy(
            month=month,
            rate_one_shoulder_fen=policy.subsidy_one_shoulder_fen,
            rate_other_fen=policy.subsidy_other_fen,
        )
        return {"month": month, "total_fen": total}

    return await _on_village(ctx, command.village_id, "subsidy.compute", act)


@dataclass(frozen=True, slots=True)
class ComputeSubsidies:
    """Issue the month's sheets of a town's villages (of the district's when ``town_id`` is None)."""

    month: str
    town_id: str | None = None


async def compute_subsidies(ctx: CommandContext, command: ComputeSubsidies) -> dict:
    """Issue the month's sheet for every village of a town (or of the district): one event per village.

    Villages already issued or without cadres are reported as skipped, so re-running is safe. The
    run is not keyed: one request's ``Idempotency-Key`` cannot stand for each village's command (the
    first village's answer would be given back for every other), so it is left off.
    """
    town_id, month = command.town_id, command.month
    authorize(ctx.principal, "subsidy.compute", town_id=town_id)
    unkeyed = dataclasses.replace(ctx, idempotency=None)
    issued: list[dict] = []
    skipped: list[dict] = []
    for village_id in await villages_of_town(ctx, town_id):
        try:
            result = await compute_subsidy(unkeyed, ComputeSubsidy(village_id=village_id, month=month))
        except DomainError as exc:
            skipped.append({"village_id": village_id, "code": exc.code, "detail": exc.message})
            continue
        issued.append({"village_id": village_id, "total_fen": result.data["total_fen"], "position": result.position})
    return {
        "month": month,
        "town_id": town_id,
        "issued": issued,
        "skipped": skipped,
        "total_fen": sum(i["total_fen"] for i in issued),
    }


@dataclass(frozen=True, slots=True)
class ReportIncome:
    """Report (or correct) a village's collective-economy income of a year."""

    village_id: str
    year: int
    income_fen: int
    note: str


async def report_income(ctx: CommandContext, command: ReportIncome) -> CommandResult:
    c = command
    return await _on_village(
        ctx,
        c.village_id,
        "income.report",
        lambda v: v.report_income(year=c.year, income_fen=c.income_fen, note=c.note),
    )


@dataclass(frozen=True, slots=True)
class AwardBonus:
    """Decide a village's team bonus of a year from the tiers."""

    village_id: str
    year: int


async def award_bonus(ctx: CommandContext, command: AwardBonus) -> CommandResult:
    year = command.year
    policy = await current_policy(ctx.runtime)

    def act(v: Village) -> dict:
        return {"year": year, "bonus_fen": v.award_bonus(year=year, tiers=policy.bonus_tiers)}

    return await _on_village(ctx, command.village_id, "bonus.award", act)
