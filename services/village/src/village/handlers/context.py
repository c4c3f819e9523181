"""What every command handler needs: today's date in China, the current policy, a village's state
(and the village once the principal may act on it), and the village ids of a town."""

from __future__ import annotations

import datetime as dt

from grassroots_common.commands import CommandContext
from grassroots_common.contracts.village import VillagePolicySet
from grassroots_common.errors import NotFound
from grassroots_common.runtime import Runtime
from grassroots_common.workdays import CHINA
from village.authz import authorize
from village.domain.policy import POLICY_STREAM, Policy
from village.domain.village import Village, village_stream_id


def today(runtime: Runtime) -> dt.date:
    return runtime.clock().astimezone(CHINA).date()


async def current_policy(runtime: Runtime) -> VillagePolicySet:
    return Policy.from_recorded(POLICY_STREAM, await runtime.store.load(POLICY_STREAM)).current


async def load_village(runtime: Runtime, village_id: str) -> Village:
    village = Village.from_recorded(
        village_stream_id(village_id), await runtime.store.load(village_stream_id(village_id))
    )
    if not village.exists:
        raise NotFound("village_not_found", f"找不到村 {village_id}")
    return village


async def authorized_village(ctx: CommandContext, village_id: str, *, action: str) -> Village:
    """The village's state, once the principal may take ``action`` on it (in its town or as its
    secretary); refused, or not found, before anything else the command names is looked at."""
    village = await load_village(ctx.runtime, village_id)
    authorize(ctx.principal, action, town_id=village.town_id, village_id=village_id)
    return village


async def villages_of_town(ctx: CommandContext, town_id: str | None) -> list[str]:
    """Village ids registered in a town (all when ``town_id`` is None), in id order, from the event
    store itself (a village registered a moment ago is among them)."""
    registered = await ctx.events_of_type("village", "VillageRegistered")
    return sorted(e.data["village_id"] for e in registered if town_id is None or e.data["town_id"] == town_id)
