"""Commands of "511" pairing (结对包联): a unit takes a village for a year; deliveries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.contracts.village import PairingDeliveryKind
from grassroots_common.ids import new_id
from village.authz import authorize, require_role
from village.domain.pairing import Pairing, pairing_stream_id
from village.handlers.context import authorized_village, current_policy, load_village


@dataclass(frozen=True, slots=True)
class CommitPairing:
    """A unit takes a village for the year, with the policy's targets."""

    unit_id: str
    unit_name: str
    year: int
    village_id: str


async def commit(ctx: CommandContext, command: CommitPairing) -> CommandResult:
    c = command
    authorize(ctx.principal, "pairing.commit")
    village = await load_village(ctx.runtime, c.village_id)
    policy = await current_policy(ctx.runtime)
    return await ctx.execute(
        Pairing,
        pairing_stream_id(c.unit_id, c.year),
        lambda p: p.commit(
            unit_id=c.unit_id,
            unit_name=c.unit_name,
            year=c.year,
            town_id=village.town_id,
            village_id=c.village_id,
            target_funds_fen=policy.pairing_funds_fen,
            target_supporting_projects=policy.pairing_supporting_projects,
            target_industry_projects=policy.pairing_industry_projects,
        ),
    )


@dataclass(frozen=True, slots=True)
class RecordDelivery:
    """A pairing unit delivers funds, a supporting or an industry project to one of its villages."""

    unit_id: str
    year: int
    village_id: str
    kind: PairingDeliveryKind
    title: str
    amount_fen: int
    delivered_on: dt.date


async def deliver(ctx: CommandContext, command: RecordDelivery) -> CommandResult:
    c = command
    delivery_id = new_id("dlv")
    # Who may act, before the pairing says whether it covers the village.
    require_role(ctx.principal, "pairing.deliver")
    await authorized_village(ctx, c.village_id, action="pairing.deliver")

    def act(p: Pairing) -> dict:
        authorize(ctx.principal, "pairing.deliver", town_id=p.town_of(c.village_id), village_id=c.village_id)
        p.deliver(
            village_id=c.village_id,
            delivery_id=delivery_id,
            kind=c.kind,
            title=c.title,
            amount_fen=c.amount_fen,
            delivered_on=c.delivered_on,
        )
        return {"delivery_id": delivery_id, "funds_fen": p.funds_fen}

    return await ctx.execute(Pairing, pairing_stream_id(c.unit_id, c.year), act)
