"""Commands of the red beautiful village pilot (红色美丽村庄): define the plan, report item progress."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from grassroots_common.auth import Principal
from grassroots_common.commands import CommandResult, Idempotency, execute
from grassroots_common.contracts.village import FundingSource, PilotItem
from grassroots_common.events import Metadata
from grassroots_common.fields import Fen, Name
from grassroots_common.ids import new_id
from grassroots_common.runtime import Runtime
from village.authz import authorize
from village.domain.pilot import PilotPlan, pilot_stream_id
from village.handlers.context import check_uploads, current_policy, load_village, today


class ItemPlan(BaseModel):
    aspect: Name
    title: Name
    starts_on: dt.date
    due_on: dt.date
    budget_fen: Fen
    budget_source: FundingSource
    budget_use: Name


async def define_plan(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    village_id: str,
    title: str,
    items: list[ItemPlan] | None,
    starts_on: dt.date,
    due_on: dt.date,
    idempotency: Idempotency | None,
) -> CommandResult:
    """Without ``items`` the plan takes the policy's template (5 aspects, 17 items), unbudgeted."""
    village = await load_village(runtime, village_id)
    authorize(principal, "pilot.define", town_id=village.town_id, village_id=village_id)
    if items is None:
        template = (await current_policy(runtime)).pilot_template
        items = [
            ItemPlan(
                aspect=t.aspect,
                title=t.title,
                starts_on=starts_on,
                due_on=due_on,
                budget_fen=0,
                budget_source="fiscal",
                budget_use="",
            )
            for t in template
        ]
    plan_id = new_id("plt")
    planned = [PilotItem(item_id=f"i{n:02d}", **i.model_dump()) for n, i in enumerate(items, start=1)]

    def act(p: PilotPlan) -> dict:
        p.define(plan_id=plan_id, town_id=village.town_id, village_id=village_id, title=title, items=planned)
        return {"plan_id": plan_id, "item_ids": [i.item_id for i in planned]}

    return await execute(
        runtime.store,
        PilotPlan,
        pilot_stream_id(village_id),
        act,
        meta,
        idempotency=idempotency,
        on_appended=runtime.wake_relay,
    )


async def progress_item(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    village_id: str,
    item_id: str,
    progress_pct: int,
    reason: str,
    note: str,
    evidence_upload_ids: list[str],
    idempotency: Idempotency | None,
) -> CommandResult:
    village = await load_village(runtime, village_id)
    authorize(principal, "pilot.progress", town_id=village.town_id, village_id=village_id)
    await check_uploads(runtime, evidence_upload_ids)
    on = today(runtime)
    return await execute(
        runtime.store,
        PilotPlan,
        pilot_stream_id(village_id),
        lambda p: p.progress_item(
            item_id=item_id,
            progress_pct=progress_pct,
            reason=reason,
            note=note,
            evidence_upload_ids=evidence_upload_ids,
            reported_on=on,
        ),
        meta,
        idempotency=idempotency,
        on_appended=runtime.wake_relay,
    )
