"""Commands of the red beautiful village pilot (红色美丽村庄): define the plan, report item progress."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel

from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.contracts.village import FundingSource, PilotItem
from grassroots_common.fields import Fen, Name
from grassroots_common.ids import new_id
from village.domain.pilot import PilotPlan, pilot_stream_id
from village.handlers.context import authorized_village, current_policy, today


class ItemPlan(BaseModel):
    aspect: Name
    title: Name
    starts_on: dt.date
    due_on: dt.date
    budget_fen: Fen
    budget_source: FundingSource
    budget_use: Name


@dataclass(frozen=True, slots=True)
class DefinePilotPlan:
    """Define a village's pilot plan (实施方案); without ``items`` it takes the policy's template."""

    village_id: str
    title: str
    starts_on: dt.date
    due_on: dt.date
    items: list[ItemPlan] | None = None


async def define_plan(ctx: CommandContext, command: DefinePilotPlan) -> CommandResult:
    """Without ``items`` the plan takes the policy's template (5 aspects, 17 items), unbudgeted."""
    c = command
    village = await authorized_village(ctx, c.village_id, action="pilot.define")
    items = c.items
    if items is None:
        template = (await current_policy(ctx.runtime)).pilot_template
        items = [
            ItemPlan(
                aspect=t.aspect,
                title=t.title,
                starts_on=c.starts_on,
                due_on=c.due_on,
                budget_fen=0,
                budget_source="fiscal",
                budget_use="",
            )
            for t in template
        ]
    plan_id = new_id("plt")
    planned = [PilotItem(item_id=f"i{n:02d}", **i.model_dump()) for n, i in enumerate(items, start=1)]

    def act(p: PilotPlan) -> dict:
        p.define(plan_id=plan_id, town_id=village.town_id, village_id=c.village_id, title=c.title, items=planned)
        return {"plan_id": plan_id, "item_ids": [i.item_id for i in planned]}

    return await ctx.execute(PilotPlan, pilot_stream_id(c.village_id), act)


@dataclass(frozen=True, slots=True)
class ReportItemProgress:
    """Report the progress of one item of a village's pilot plan."""

    village_id: str
    item_id: str
    progress_pct: int
    reason: str
    note: str
    evidence_upload_ids: list[str]


async def progress_item(ctx: CommandContext, command: ReportItemProgress) -> CommandResult:
    c = command
    await authorized_village(ctx, c.village_id, action="pilot.progress")
    await ctx.require_uploads(c.evidence_upload_ids, field="evidence_upload_ids")
    on = today(ctx.runtime)
    return await ctx.execute(
        PilotPlan,
        pilot_stream_id(c.village_id),
        lambda p: p.progress_item(
            item_id=c.item_id,
            progress_pct=c.progress_pct,
            reason=c.reason,
            note=c.note,
            evidence_upload_ids=c.evidence_upload_ids,
            reported_on=on,
        ),
    )
