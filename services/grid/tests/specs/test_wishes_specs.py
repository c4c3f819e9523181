"""Micro-wishes (微心愿) and the resource list, handler by handler: collect, screen, claim, release,
fulfil, revisit, offer. Given events, when a command (as a principal, at a time), then events or a
refusal. No database: ``grassroots_common.specification``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import pytest

from grassroots_common.auth import Principal
from grassroots_common.commands import CommandResult
from grassroots_common.contracts import grid as grid_events
from grassroots_common.errors import Forbidden, NotFound
from grassroots_common.events import Event
from grassroots_common.specification import Specification
from grassroots_common.workdays import CHINA
from grid import handlers

T0 = dt.datetime(2026, 11, 18, 9, tzinfo=CHINA)
LATER = T0 + dt.timedelta(days=2)

DISPATCHER = Principal("ca_1", "社区调度员", frozenset({"community_admin"}), {"community": "com_1"})
OTHER_DISPATCHER = Principal("ca_2", "邻社区调度员", frozenset({"community_admin"}), {"community": "com_2"})
GRID_MEMBER = Principal("gm_1", "王网格", frozenset({"grid_member"}), {"community": "com_1", "grid": "grd_1"})
VOLUNTEER = Principal("pm_1", "党员刘", frozenset({"volunteer"}), {"community": "com_1"})
OTHER_VOLUNTEER = Principal("pm_2", "党员陈", frozenset({"volunteer"}), {"community": "com_1"})
FAR_VOLUNTEER = Principal("pm_3", "党员周", frozenset({"volunteer"}), {"community": "com_2"})
UNIT = Principal("ua_1", "供电所", frozenset({"unit_admin"}))

WISH = handlers.CollectWish(resident_name="张奶奶", title="修理轮椅", description="轮椅刹车失灵", category="daily_help")
COLLECTED = grid_events.WishCollected(
    wish_id="wsh_1",
    community_id="com_1",
    grid_id="grd_1",
    resident_name="张奶奶",
    title="修理轮椅",
    description="轮椅刹车失灵",
    category="daily_help",
    collected_by="gm_1",
    collected_at=T0,
)
SCREENED = grid_events.WishScreened(wish_id="wsh_1", community_id="com_1", screened_by="ca_1", screened_at=T0)
CLAIMED = grid_events.WishClaimed(
    wish_id="wsh_1",
    community_id="com_1",
    claimant_id="pm_1",
    claimant_name="党员刘",
    claimant_kind="party_member",
    claimed_at=T0,
)
FULFILLED = grid_events.WishFulfilled(
    wish_id="wsh_1",
    community_id="com_1",
    claimant_id="pm_1",
    note="已修好",
    evidence_upload_ids=["upl_1"],
    fulfilled_at=T0,
)


def offered(offerer_id: str) -> grid_events.ResourceOffered:
    return grid_events.ResourceOffered(
        resource_id="res_1",
        community_id="com_1",
        offerer_id=offerer_id,
        offerer_name="供电所",
        offerer_kind="unit",
        title="电器维修",
        description="每月一次",
        offered_at=T0,
    )


async def wish(*events: Event) -> Specification:
    """A specification at LATER whose wish ``wsh_1`` was collected at T0, then ``events``."""
    spec = Specification(at=LATER)
    await spec.given("wsh_1", COLLECTED, *events)
    return spec


# --- collect_wish -----------------------------------------------------------------------------


async def test_a_grid_member_collects_a_wish_in_their_grid() -> None:
    spec = Specification(at=T0)
    outcome = await spec.when(handlers.collect_wish, WISH, as_=GRID_MEMBER)
    (collected,) = outcome.events
    assert isinstance(collected, grid_events.WishCollected) and outcome.answer.data == {"wish_id": collected.wish_id}
    assert collected == COLLECTED.model_copy(update={"wish_id": collected.wish_id})


async def test_the_dispatcher_collects_a_wish_for_the_community_without_a_grid() -> None:
    spec = Specification(at=T0)
    outcome = await spec.when(handlers.collect_wish, WISH, as_=DISPATCHER)
    assert (outcome.events[0].community_id, outcome.events[0].grid_id) == ("com_1", None)


async def test_a_volunteer_may_not_collect_wishes() -> None:
    spec = Specification(at=T0)
    outcome = await spec.when(handlers.collect_wish, WISH, as_=VOLUNTEER)
    assert isinstance(outcome.refused("role_required"), Forbidden)


# --- screen_wish ------------------------------------------------------------------------------


async def test_an_approved_wish_goes_on_the_demand_list() -> None:
    spec = await wish()
    outcome = await spec.when(handlers.screen_wish, handlers.ScreenWish(wish_id="wsh_1", approve=True), as_=DISPATCHER)
    assert outcome.events == [
        grid_events.WishScreened(wish_id="wsh_1", community_id="com_1", screened_by="ca_1", screened_at=LATER)
    ]


async def test_a_rejected_wish_keeps_its_reason() -> None:
    spec = await wish()
    outcome = await spec.when(
        handlers.screen_wish, handlers.ScreenWish(wish_id="wsh_1", approve=False, reason=" 重复登记 "), as_=DISPATCHER
    )
    assert outcome.events == [
        grid_events.WishRejected(
            wish_id="wsh_1", community_id="com_1", reason="重复登记", screened_by="ca_1", screened_at=LATER
        )
    ]


async def test_a_rejection_needs_a_reason() -> None:
    spec = await wish()
    outcome = await spec.when(handlers.screen_wish, handlers.ScreenWish(wish_id="wsh_1", approve=False), as_=DISPATCHER)
    outcome.refused("reject_reason_required")


async def test_a_wish_is_screened_once() -> None:
    spec = await wish(SCREENED)
    outcome = await spec.when(handlers.screen_wish, handlers.ScreenWish(wish_id="wsh_1", approve=True), as_=DISPATCHER)
    outcome.refused("wish_already_screened")


async def test_screening_an_unknown_wish_is_refused() -> None:
    spec = await wish()
    outcome = await spec.when(handlers.screen_wish, handlers.ScreenWish(wish_id="wsh_9", approve=True), as_=DISPATCHER)
    assert isinstance(outcome.refused("wish_not_found"), NotFound)


# --- claim_wish -------------------------------------------------------------------------------


async def test_a_volunteer_claims_an_open_wish_as_a_party_member() -> None:
    spec = await wish(SCREENED)
    outcome = await spec.when(handlers.claim_wish, handlers.ClaimWish(wish_id="wsh_1"), as_=VOLUNTEER)
    assert outcome.events == [CLAIMED.model_copy(update={"claimed_at": LATER})]


async def test_a_unit_claims_with_its_own_offer() -> None:
    spec = await wish(SCREENED)
    await spec.given("res_1", offered("ua_1"))
    outcome = await spec.when(handlers.claim_wish, handlers.ClaimWish(wish_id="wsh_1", resource_id="res_1"), as_=UNIT)
    (claimed,) = outcome.events
    assert isinstance(claimed, grid_events.WishClaimed)
    assert (claimed.claimant_id, claimed.claimant_kind, claimed.resource_id) == ("ua_1", "unit", "res_1")


async def test_a_claim_may_not_use_someone_elses_offer() -> None:
    spec = await wish(SCREENED)
    await spec.given("res_1", offered("ua_1"))
    outcome = await spec.when(
        handlers.claim_wish, handlers.ClaimWish(wish_id="wsh_1", resource_id="res_1"), as_=VOLUNTEER
    )
    assert outcome.refused("resource_not_yours").field == "resource_id"


async def test_a_claim_with_an_unknown_offer_is_refused() -> None:
    spec = await wish(SCREENED)
    outcome = await spec.when(
        handlers.claim_wish, handlers.ClaimWish(wish_id="wsh_1", resource_id="res_9"), as_=VOLUNTEER
    )
    outcome.refused("resource_not_found")


async def test_a_wish_not_yet_screened_is_not_claimed() -> None:
    spec = await wish()
    outcome = await spec.when(handlers.claim_wish, handlers.ClaimWish(wish_id="wsh_1"), as_=VOLUNTEER)
    outcome.refused("wish_not_screened")


async def test_a_wish_has_one_claimant_at_a_time() -> None:
    spec = await wish(SCREENED, CLAIMED)
    outcome = await spec.when(handlers.claim_wish, handlers.ClaimWish(wish_id="wsh_1"), as_=OTHER_VOLUNTEER)
    outcome.refused("wish_already_claimed")


# --- release_wish -----------------------------------------------------------------------------


async def test_the_claimant_gives_a_wish_back() -> None:
    spec = await wish(SCREENED, CLAIMED)
    outcome = await spec.when(
        handlers.release_wish, handlers.ReleaseWish(wish_id="wsh_1", reason="时间冲突"), as_=VOLUNTEER
    )
    assert outcome.events == [
        grid_events.WishReleased(
            wish_id="wsh_1", community_id="com_1", claimant_id="pm_1", reason="时间冲突", released_at=LATER
        )
    ]


async def test_the_communitys_dispatcher_releases_a_stalled_claim() -> None:
    spec = await wish(SCREENED, CLAIMED)
    outcome = await spec.when(
        handlers.release_wish, handlers.ReleaseWish(wish_id="wsh_1", reason="长期未完成"), as_=DISPATCHER
    )
    assert [(type(e).__name__, e.claimant_id) for e in outcome.events] == [("WishReleased", "pm_1")]


async def test_an_unclaimed_wish_is_not_released() -> None:
    spec = await wish(SCREENED)
    outcome = await spec.when(handlers.release_wish, handlers.ReleaseWish(wish_id="wsh_1"), as_=VOLUNTEER)
    outcome.refused("wish_not_claimed")


# --- fulfil_wish ------------------------------------------------------------------------------


async def test_the_claimant_fulfils_the_wish_with_uploaded_evidence() -> None:
    spec = (await wish(SCREENED, CLAIMED)).uploaded("upl_1")
    outcome = await spec.when(
        handlers.fulfil_wish,
        handlers.FulfilWish(wish_id="wsh_1", note=" 已修好 ", evidence_upload_ids=["upl_1"]),
        as_=VOLUNTEER,
    )
    assert outcome.events == [FULFILLED.model_copy(update={"fulfilled_at": LATER})]


async def test_evidence_never_uploaded_is_refused() -> None:
    spec = await wish(SCREENED, CLAIMED)
    outcome = await spec.when(
        handlers.fulfil_wish, handlers.FulfilWish(wish_id="wsh_1", evidence_upload_ids=["upl_ghost"]), as_=VOLUNTEER
    )
    assert outcome.refused("upload_not_found").field == "evidence_upload_ids"


async def test_a_fulfilment_needs_evidence() -> None:
    spec = await wish(SCREENED, CLAIMED)
    outcome = await spec.when(handlers.fulfil_wish, handlers.FulfilWish(wish_id="wsh_1", note="已修好"), as_=VOLUNTEER)
    outcome.refused("evidence_required")


async def test_only_the_claimant_records_the_fulfilment() -> None:
    spec = (await wish(SCREENED, CLAIMED)).uploaded("upl_1")
    outcome = await spec.when(
        handlers.fulfil_wish, handlers.FulfilWish(wish_id="wsh_1", evidence_upload_ids=["upl_1"]), as_=OTHER_VOLUNTEER
    )
    assert isinstance(outcome.refused("not_your_claim"), Forbidden)


async def test_someone_else_learns_nothing_of_the_evidence_they_name() -> None:
    spec = await wish(SCREENED, CLAIMED)
    outcome = await spec.when(
        handlers.fulfil_wish,
        handlers.FulfilWish(wish_id="wsh_1", evidence_upload_ids=["upl_ghost"]),
        as_=OTHER_VOLUNTEER,
    )
    assert isinstance(outcome.refused("not_your_claim"), Forbidden)


# --- revisit_wish -----------------------------------------------------------------------------


async def test_a_fulfilled_wish_is_revisited() -> None:
    spec = await wish(SCREENED, CLAIMED, FULFILLED)
    outcome = await spec.when(
        handlers.revisit_wish,
        handlers.RevisitWish(wish_id="wsh_1", satisfaction="basically", comment="挺好"),
        as_=GRID_MEMBER,
    )
    assert outcome.events == [
        grid_events.WishRevisited(
            wish_id="wsh_1",
            community_id="com_1",
            claimant_id="pm_1",
            satisfaction="basically",
            comment="挺好",
            revisited_by="gm_1",
            revisited_at=LATER,
        )
    ]


async def test_a_wish_not_fulfilled_is_not_revisited() -> None:
    spec = await wish(SCREENED, CLAIMED)
    outcome = await spec.when(
        handlers.revisit_wish, handlers.RevisitWish(wish_id="wsh_1", satisfaction="satisfied"), as_=DISPATCHER
    )
    outcome.refused("wish_not_fulfilled")


async def test_a_wish_is_revisited_once() -> None:
    revisited = grid_events.WishRevisited(
        wish_id="wsh_1",
        community_id="com_1",
        claimant_id="pm_1",
        satisfaction="satisfied",
        revisited_by="ca_1",
        revisited_at=T0,
    )
    spec = await wish(SCREENED, CLAIMED, FULFILLED, revisited)
    outcome = await spec.when(
        handlers.revisit_wish, handlers.RevisitWish(wish_id="wsh_1", satisfaction="satisfied"), as_=DISPATCHER
    )
    outcome.refused("wish_already_revisited")


# --- offer_resource ---------------------------------------------------------------------------


async def test_a_volunteer_offers_help_on_the_resource_list() -> None:
    spec = Specification(at=T0)
    outcome = await spec.when(
        handlers.offer_resource,
        handlers.OfferResource(community_id="com_1", title="理发", description="每周六上午", capacity=3),
        as_=VOLUNTEER,
    )
    (offer,) = outcome.events
    assert isinstance(offer, grid_events.ResourceOffered) and outcome.answer.data == {"resource_id": offer.resource_id}
    assert (offer.community_id, offer.offerer_id, offer.offerer_kind, offer.capacity) == (
        "com_1",
        "pm_1",
        "party_member",
        3,
    )


@pytest.mark.parametrize(
    ("principal", "code"),
    [
        pytest.param(FAR_VOLUNTEER, "not_your_community", id="a volunteer of another community"),
        pytest.param(GRID_MEMBER, "role_required", id="a grid member"),
    ],
)
async def test_who_may_not_offer_resources_is_refused(principal: Principal, code: str) -> None:
    spec = Specification(at=T0)
    outcome = await spec.when(
        handlers.offer_resource,
        handlers.OfferResource(community_id="com_1", title="理发", description="每周六"),
        as_=principal,
    )
    assert isinstance(outcome.refused(code), Forbidden)


# --- who may take each step of a wish ---------------------------------------------------------


Handler = Callable[..., Awaitable[CommandResult]]
Step = tuple[Handler, object]

SCREEN: Step = (handlers.screen_wish, handlers.ScreenWish(wish_id="wsh_1", approve=True))
CLAIM: Step = (handlers.claim_wish, handlers.ClaimWish(wish_id="wsh_1"))
RELEASE: Step = (handlers.release_wish, handlers.ReleaseWish(wish_id="wsh_1"))
REVISIT: Step = (handlers.revisit_wish, handlers.RevisitWish(wish_id="wsh_1", satisfaction="satisfied"))


@pytest.mark.parametrize(
    ("given", "step", "principal", "code"),
    [
        pytest.param((), SCREEN, GRID_MEMBER, "role_required", id="a grid member screens"),
        pytest.param((), SCREEN, OTHER_DISPATCHER, "not_your_community", id="another community's dispatcher screens"),
        pytest.param((SCREENED,), CLAIM, FAR_VOLUNTEER, "not_your_community", id="a far volunteer claims"),
        pytest.param((SCREENED,), CLAIM, GRID_MEMBER, "role_required", id="a grid member claims"),
        pytest.param((SCREENED, CLAIMED), RELEASE, OTHER_DISPATCHER, "not_your_claim", id="someone else releases"),
        pytest.param((SCREENED, CLAIMED, FULFILLED), REVISIT, VOLUNTEER, "role_required", id="the claimant revisits"),
        pytest.param(
            (SCREENED, CLAIMED, FULFILLED),
            REVISIT,
            OTHER_DISPATCHER,
            "not_your_community",
            id="another community's dispatcher revisits",
        ),
    ],
)
async def test_who_may_not_take_the_step_is_refused(
    given: tuple[Event, ...], step: Step, principal: Principal, code: str
) -> None:
    spec = await wish(*given)
    handler, command = step
    outcome = await spec.when(handler, command, as_=principal)
    assert isinstance(outcome.refused(code), Forbidden)
