"""Micro-wishes (微心愿) and the resource list: collect, screen, claim, fulfil, revisit."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Path, Query
from pydantic import Field

from grassroots_common.commands import CommandResult
from grassroots_common.contracts.grid import Satisfaction
from grassroots_common.errors import NotFound
from grassroots_common.fields import Key, Name, Text
from grassroots_common.http.dependencies import CommandDep, PrincipalDep, ReadAfter, RuntimeDep
from grassroots_common.http.models import Answer, Body
from grassroots_common.paging import Page, PageDep
from grassroots_common.routing import api_router
from grid import authz, queries
from grid.api.models import CATEGORY_PATTERN, ID_PATTERN, Id, ResourceOut, UploadIds, WishOut
from grid.domain.wish import WISH_STATES
from grid.handlers import wishes as handlers
from grid.projections import HierarchyProjection, WishesProjection

router = api_router(prefix="/api/v1", tags=["micro-wishes"])

WishPath = Annotated[str, Path(pattern=ID_PATTERN)]
Positions = Annotated[dict, Depends(ReadAfter(WishesProjection, joined=(HierarchyProjection,)))]
LISTS = {
    "demand": ("open",),
    "service": ("claimed", "fulfilled", "revisited"),
    "screening": ("collected",),
}


class CollectWishBody(Body):
    resident_name: Name = Field(min_length=1, max_length=40, examples=["张奶奶"])
    title: Name = Field(min_length=2, max_length=60, examples=["想要一台助听器"])
    description: Text = Field(min_length=2, max_length=1000, examples=["独居老人，听力下降，希望有一台助听器"])
    category: Key = Field(pattern=CATEGORY_PATTERN, examples=["elderly_care"])
    grid_id: Id | None = None


class ScreenBody(Body):
    approve: bool
    reason: Text = Field(default="", max_length=500, examples=["不属于微心愿范围，已转民政部门"])


class ClaimBody(Body):
    resource_id: Id | None = Field(default=None, description="Your offer on the resource list that meets this wish")


class ReleaseBody(Body):
    reason: Text = Field(default="", max_length=500, examples=["临时出差，无法按时完成"])


class FulfilBody(Body):
    note: Text = Field(default="", max_length=1000, examples=["已送达助听器并调试好"])
    evidence_upload_ids: UploadIds


class RevisitBody(Body):
    satisfaction: Satisfaction
    comment: Text = Field(default="", max_length=500)


class OfferBody(Body):
    community_id: Id
    title: Name = Field(min_length=2, max_length=60, examples=["每周六义诊"])
    description: Text = Field(min_length=2, max_length=1000, examples=["区人民医院党支部提供健康咨询和血压测量"])
    capacity: int = Field(default=1, ge=1, le=1000)


class WishBoard(Page[WishOut]):
    counts: dict[str, int]


class WishCounts(Answer):
    community_id: str | None
    counts: dict[str, int]
    total: int


@router.post("/wishes", summary="Collect a resident's micro-wish")
async def collect(body: CollectWishBody, ctx: CommandDep) -> CommandResult:
    return await handlers.collect_wish(ctx, handlers.CollectWish(**body.model_dump()))


@router.get("/wishes", summary="Wish board: the demand list, the service list, or by state")
async def wish_board(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Positions,
    list_name: Annotated[Literal["demand", "service", "screening"] | None, Query(alias="list")] = None,
    state: Annotated[str | None, Query(pattern=f"^({'|'.join(WISH_STATES)})$")] = None,
    mine: bool = False,
    community_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
) -> WishBoard:
    community = authz.wish_board_community(principal, community_id)
    states = (state,) if state else LISTS.get(list_name or "")
    rows, total = await queries.wishes(
        runtime.pool,
        community_id=community,
        states=states,
        claimant_id=principal.sub if mine else None,
        limit=page.limit,
        offset=page.offset,
    )
    return WishBoard.of(
        [WishOut.model_validate(r) for r in rows],
        total,
        page,
        positions,
        counts=await queries.wish_counts(runtime.pool, community),
    )


@router.get("/wishes/counts", summary="Micro-wishes by state")
async def wish_counts(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    positions: Positions,
    community_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
) -> WishCounts:
    community = authz.wish_board_community(principal, community_id)
    counts = await queries.wish_counts(runtime.pool, community)
    return WishCounts(community_id=community, counts=counts, total=sum(counts.values()))


@router.get("/wishes/{wish_id}", summary="One micro-wish")
async def get_wish(wish_id: WishPath, runtime: RuntimeDep, principal: PrincipalDep, positions: Positions) -> WishOut:
    row = await queries.wish(runtime.pool, wish_id)
    if row is None:
        raise NotFound("wish_not_found", "找不到该心愿")
    authz.wish_board_community(principal, row["community_id"])
    return WishOut.model_validate(row)


@router.post("/wishes/{wish_id}/screening", summary="Approve onto the demand list, or reject with a reason")
async def screen(wish_id: WishPath, body: ScreenBody, ctx: CommandDep) -> CommandResult:
    return await handlers.screen_wish(ctx, handlers.ScreenWish(wish_id=wish_id, **body.model_dump()))


@router.post("/wishes/{wish_id}/claim", summary="Claim a wish (党员接单); one claimant at a time")
async def claim(wish_id: WishPath, body: ClaimBody, ctx: CommandDep) -> CommandResult:
    return await handlers.claim_wish(ctx, handlers.ClaimWish(wish_id=wish_id, **body.model_dump()))


@router.post("/wishes/{wish_id}/release", summary="Give a claimed wish back to the demand list")
async def release(wish_id: WishPath, body: ReleaseBody, ctx: CommandDep) -> CommandResult:
    return await handlers.release_wish(ctx, handlers.ReleaseWish(wish_id=wish_id, **body.model_dump()))


@router.post("/wishes/{wish_id}/fulfilment", summary="Record the wish fulfilled, with evidence")
async def fulfil(wish_id: WishPath, body: FulfilBody, ctx: CommandDep) -> CommandResult:
    return await handlers.fulfil_wish(ctx, handlers.FulfilWish(wish_id=wish_id, **body.model_dump()))


@router.post("/wishes/{wish_id}/revisit", summary="Revisit the resident after fulfilment")
async def revisit(wish_id: WishPath, body: RevisitBody, ctx: CommandDep) -> CommandResult:
    return await handlers.revisit_wish(ctx, handlers.RevisitWish(wish_id=wish_id, **body.model_dump()))


@router.post("/resources", summary="Offer help on the resource list (units and party members)")
async def offer(body: OfferBody, ctx: CommandDep) -> CommandResult:
    return await handlers.offer_resource(ctx, handlers.OfferResource(**body.model_dump()))


@router.get("/resources", summary="The resource list, with how many wishes each offer met")
async def list_resources(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Positions,
    community_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
) -> Page[ResourceOut]:
    community = authz.wish_board_community(principal, community_id)
    rows, total = await queries.resources(runtime.pool, community_id=community, limit=page.limit, offset=page.offset)
    return Page[ResourceOut].of([ResourceOut.model_validate(r) for r in rows], total, page, positions)
