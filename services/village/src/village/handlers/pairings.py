"""Commands of "511" pairing (结对包联): a unit takes a village for a year; deliveries."""

from __future__ import annotations

import datetime as dt

from grassroots_common.auth import Principal
from grassroots_common.commands import CommandResult, Idempotency, execute
from grassroots_common.contracts.village import PairingDeliveryKind
from grassroots_common.events import Metadata
from grassroots_common.ids import new_id
from grassroots_common.runtime import Runtime
from village.authz import authorize
from village.domain.pairing import Pairing, pairing_stream_id
from village.handlers.context import current_policy, load_village


async def commit(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    unit_name: str,
    year: int,
    village_id: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    authorize(principal, "pairing.commit")
    village = await load_village(runtime, village_id)
    policy = await current_policy(runtime)
    return await execute(
        runtime.store,
        Pairing,
        pairing_stream_id(unit_id, year),
        lambda p: p.commit(
            unit_id=unit_id,
            unit_name=unit_name,
            year=year,
            town_id=village.town_id,
            village_id=village_id,
            target_funds_fen=policy.pairing_funds_fen,
            target_supporting_projects=policy.pairing_supporting_projects,
            target_industry_projects=policy.pairing_industry_projects,
        ),
        meta,
        idempotency=idempotency,
        on_appended=runtime.wake_relay,
    )


async def deliver(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    year: int,
    village_id: str,
    kind: PairingDeliveryKind,
    title: str,
    amount_fen: int,
    delivered_on: dt.date,
    idempotency: Idempotency | None,
) -> CommandResult:
    delivery_id = new_id("dlv")

    def act(p: Pairing) -> dict:
        authorize(principal, "pairing.deliver", town_id=p.town_of(village_id), village_id=village_id)
        p.deliver(
            village_id=village_id,
            delivery_id=delivery_id,
            kind=kind,
            title=title,
            amount_fen=amount_fen,
            delivered_on=delivered_on,
        )
        return {"delivery_id": delivery_id, "funds_fen": p.funds_fen}

    return await execute(
        runtime.store,
        Pairing,
        pairing_stream_id(unit_id, year),
        act,
        meta,
        idempotency=idempotency,
        on_appended=runtime.wake_relay,
    )
