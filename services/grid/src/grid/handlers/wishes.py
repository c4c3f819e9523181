"""Micro-wishes' commands (微心愿) and the resource list: collect, screen, claim, release, fulfil,
revisit, offer."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.contracts.grid import Satisfaction
from grassroots_common.errors import Invalid, NotFound
from grassroots_common.ids import new_id
from grid import authz
from grid.domain.wish import Resource, Wish


@dataclass(frozen=True, slots=True)
class CollectWish:
    """Collect a resident's micro-wish."""

    resident_name: str
    title: str
    description: str
    category: str
    grid_id: str | None = None


async def collect_wish(ctx: CommandContext, command: CollectWish) -> CommandResult:
    principal = ctx.principal
    community_id, grid_id = authz.collect_wish(principal, command.grid_id)
    wish_id = new_id("wsh")
    now = ctx.now()

    def act(w: Wish) -> dict:
        w.collect(
            community_id=community_id,
            grid_id=grid_id,
            resident_name=command.resident_name,
            title=command.title,
            description=command.description,
            category=command.category,
            collected_by=principal.sub,
            now=now,
        )
        return {"wish_id": wish_id}

    return await ctx.execute(Wish, wish_id, act)


def _collected(w: Wish) -> Wish:
    if w.state is None:
        raise NotFound("wish_not_found", "找不到该心愿")
    return w


async def _on_wish(
    ctx: CommandContext, wish_id: str, check: Callable[[Wish], None], step: Callable[[Wish, dt.datetime], Any]
) -> CommandResult:
    """A step on a collected wish, now, by whom ``check`` lets take it."""
    now = ctx.now()

    def act(w: Wish) -> Any:
        check(_collected(w))
        return step(w, now)

    return await ctx.execute(Wish, wish_id, act)


@dataclass(frozen=True, slots=True)
class ScreenWish:
    """Approve a wish onto the demand list, or reject it with a reason."""

    wish_id: str
    approve: bool
    reason: str = ""


async def screen_wish(ctx: CommandContext, command: ScreenWish) -> CommandResult:
    principal = ctx.principal
    return await _on_wish(
        ctx,
        command.wish_id,
        lambda w: authz.screen_wish(principal, w.community_id),
        lambda w, now: w.screen(approve=command.approve, reason=command.reason, by=principal.sub, now=now),
    )


@dataclass(frozen=True, slots=True)
class ClaimWish:
    """Claim a wish (党员接单), with one's offer on the resource list or not."""

    wish_id: str
    resource_id: str | None = None


async def claim_wish(ctx: CommandContext, command: ClaimWish) -> CommandResult:
    principal, resource_id = ctx.principal, command.resource_id
    if resource_id is not None:
        resource = await ctx.load(Resource, resource_id)
        if resource.offered is None:
            raise NotFound("resource_not_found", "找不到该资源", field="resource_id")
        if resource.offered.offerer_id != principal.sub:
            raise Invalid("resource_not_yours", "只能用自己登记的资源认领心愿", field="resource_id")
    return await _on_wish(
        ctx,
        command.wish_id,
        lambda w: None,
        lambda w, now: w.claim(
            claimant_id=principal.sub,
            claimant_name=principal.name,
            claimant_kind=authz.claimant_kind(principal, w.community_id),
            resource_id=resource_id,
            now=now,
        ),
    )


@dataclass(frozen=True, slots=True)
class ReleaseWish:
    """Give a claimed wish back to the demand list."""

    wish_id: str
    reason: str = ""


async def release_wish(ctx: CommandContext, command: ReleaseWish) -> CommandResult:
    principal = ctx.principal
    return await _on_wish(
        ctx,
        command.wish_id,
        lambda w: authz.give_back_claim(principal, w.claimant(), w.community_id),
        lambda w, now: w.release(reason=command.reason, now=now),
    )


@dataclass(frozen=True, slots=True)
class FulfilWish:
    """Record a wish fulfilled, with evidence."""

    wish_id: str
    note: str = ""
    evidence_upload_ids: list[str] = dataclasses.field(default_factory=list)


async def fulfil_wish(ctx: CommandContext, command: FulfilWish) -> CommandResult:
    principal = ctx.principal

    def check(w: Wish) -> None:
        authz.fulfil_claim(principal, w.claimant())

    # Who asks is checked before the uploads the command names (and again as it is decided).
    check(_collected(await ctx.load(Wish, command.wish_id)))
    await ctx.require_uploads(command.evidence_upload_ids, field="evidence_upload_ids")
    return await _on_wish(
        ctx,
        command.wish_id,
        check,
        lambda w, now: w.fulfil(note=command.note, evidence_upload_ids=command.evidence_upload_ids, now=now),
    )


@dataclass(frozen=True, slots=True)
class RevisitWish:
    """Revisit the resident after a wish's fulfilment."""

    wish_id: str
    satisfaction: Satisfaction
    comment: str = ""


async def revisit_wish(ctx: CommandContext, command: RevisitWish) -> CommandResult:
    principal = ctx.principal
    return await _on_wish(
        ctx,
        command.wish_id,
        lambda w: authz.revisit_wish(principal, w.community_id),
        lambda w, now: w.revisit(satisfaction=command.satisfaction, comment=command.comment, by=principal.sub, now=now),
    )


@dataclass(frozen=True, slots=True)
class OfferResource:
    """Offer help on a community's resource list (units and party members)."""

    community_id: str
    title: str
    description: str
    capacity: int = 1


async def offer_resource(ctx: CommandContext, command: OfferResource) -> CommandResult:
    principal = ctx.principal
    kind = authz.claimant_kind(principal, command.community_id)
    resource_id = new_id("res")
    now = ctx.now()

    def act(r: Resource) -> dict:
        r.offer(
            community_id=command.community_id,
            offerer_id=principal.sub,
            offerer_name=principal.name,
            offerer_kind=kind,
            title=command.title,
            description=command.description,
            capacity=command.capacity,
            now=now,
        )
        return {"resource_id": resource_id}

    return await ctx.execute(Resource, resource_id, act)
