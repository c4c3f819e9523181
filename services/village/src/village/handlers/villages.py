"""Commands on the policy, towns and villages: status, cadres, subsidy sheets, income and bonus."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from grassroots_common.auth import Principal
from grassroots_common.commands import CommandResult, Idempotency, execute
from grassroots_common.contracts.village import CadrePosition, DemonstrationLevel, VillagePolicySet
from grassroots_common.errors import DomainError, NotFound
from grassroots_common.events import Metadata
from grassroots_common.ids import new_id
from grassroots_common.runtime import Runtime
from village.authz import authorize
from village.domain.policy import POLICY_STREAM, Policy
from village.domain.town import Town, town_stream_id
from village.domain.village import Village, village_stream_id
from village.handlers.context import current_policy, load_village, villages_of_town


async def set_policy(
    runtime: Runtime, principal: Principal, meta: Metadata, *, policy: VillagePolicySet, idempotency: Idempotency | None
) -> CommandResult:
    authorize(principal, "policy.set")
    return await execute(
        runtime.store,
        Policy,
        POLICY_STREAM,
        lambda p: p.set(policy),
        meta,
        idempotency=idempotency,
        on_appended=runtime.wake_relay,
    )


async def register_town(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    town_id: str,
    name: str,
    party_secretary_name: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    authorize(principal, "town.register")
    return await execute(
        runtime.store,
        Town,
        town_stream_id(town_id),
        lambda t: t.register(town_id=town_id, name=name, party_secretary_name=party_secretary_name),
        meta,
        idempotency=idempotency,
        on_appended=runtime.wake_relay,
    )


async def register_village(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    town_id: str,
    village_id: str,
    name: str,
    party_org_name: str,
    party_org_kind: Literal["branch", "general_branch", "committee"],
    party_members: int,
    households: int,
    population: int,
    idempotency: Idempotency | None,
) -> CommandResult:
    authorize(principal, "village.register", town_id=town_id)
    if not (await runtime.store.load(town_stream_id(town_id))):
        raise NotFound("town_not_found", f"找不到镇 {town_id}，请先登记该镇", field="town_id")

    def act(v: Village) -> None:
        v.register(
            town_id=town_id,
            village_id=village_id,
            name=name,
            party_org_name=party_org_name,
            party_org_kind=party_org_kind,
            party_members=party_members,
            households=households,
            population=population,
        )

    return await execute(
        runtime.store,
        Village,
        village_stream_id(village_id),
        act,
        meta,
        idempotency=idempotency,
        on_appended=runtime.wake_relay,
    )


async def _on_village(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    village_id: str,
    action: str,
    decide,
    idempotency: Idempotency | None,
) -> CommandResult:
    """Authorize against the village's town, then run ``decide`` on its current state."""
    village = await load_village(runtime, village_id)
    authorize(principal, action, town_id=village.town_id, village_id=village_id)
    return await execute(
        runtime.store,
        Village,
        village_stream_id(village_id),
        decide,
        meta,
        idempotency=idempotency,
        on_appended=runtime.wake_relay,
    )


async def change_status(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    village_id: str,
    level: DemonstrationLevel,
    reason: str,
    effective_on: dt.date,
    idempotency: Idempotency | None,
) -> CommandResult:
    return await _on_village(
        runtime,
        principal,
        meta,
        village_id,
        "village.status",
        lambda v: v.change_status(level=level, reason=reason, effective_on=effective_on),
        idempotency,
    )


async def appoint_cadre(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    village_id: str,
    name: str,
    position: CadrePosition,
    one_shoulder: bool,
    appointed_on: dt.date,
    idempotency: Idempotency | None,
) -> CommandResult:
    cadre_id = new_id("cad")

    def act(v: Village) -> dict:
        v.appoint(cadre_id=cadre_id, name=name, position=position, one_shoulder=one_shoulder, appointed_on=appointed_on)
        return {"cadre_id": cadre_id}

    return await _on_village(runtime, principal, meta, village_id, "cadre.manage", act, idempotency)


async def release_cadre(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    village_id: str,
    cadre_id: str,
    left_on: dt.date,
    reason: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    return await _on_village(
        runtime,
        principal,
        meta,
        village_id,
        "cadre.manage",
        lambda v: v.release(cadre_id=cadre_id, left_on=left_on, reason=reason),
        idempotency,
    )


async def compute_subsidy(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    village_id: str,
    month: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    policy = await current_policy(runtime)

    def act(v: Village) -> dict:
        total = v.compute_subsidy(
            month=month,
            rate_one_shoulder_fen=policy.subsidy_one_shoulder_fen,
            rate_other_fen=policy.subsidy_other_fen,
        )
        return {"month": month, "total_fen": total}

    return await _on_village(runtime, principal, meta, village_id, "subsidy.compute", act, idempotency)


async def compute_subsidies(
    runtime: Runtime, principal: Principal, meta: Metadata, *, town_id: str | None, month: str
) -> dict:
    """Issue the month's sheet for every village of a town (or of the district): one event per village.

    Villages already issued or without cadres are reported as skipped, so re-running is safe.
    """
    authorize(principal, "subsidy.compute", town_id=town_id)
    issued: list[dict] = []
    skipped: list[dict] = []
    for village_id in await villages_of_town(runtime, town_id):
        try:
            result = await compute_subsidy(
                runtime, principal, meta, village_id=village_id, month=month, idempotency=None
            )
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


async def report_income(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    village_id: str,
    year: int,
    income_fen: int,
    note: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    return await _on_village(
        runtime,
        principal,
        meta,
        village_id,
        "income.report",
        lambda v: v.report_income(year=year, income_fen=income_fen, note=note),
        idempotency,
    )


async def award_bonus(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    village_id: str,
    year: int,
    idempotency: Idempotency | None,
) -> CommandResult:
    policy = await current_policy(runtime)

    def act(v: Village) -> dict:
        return {"year": year, "bonus_fen": v.award_bonus(year=year, tiers=policy.bonus_tiers)}

    return await _on_village(runtime, principal, meta, village_id, "bonus.award", act, idempotency)
