""" "511" pairing (结对包联), handler by handler: a unit commits to a village for a year, then
delivers. Given events, when a command (as a principal, at a time), then events or a refusal."""

from __future__ import annotations

import datetime as dt

from grassroots_common.contracts.village import PairingCommitted, PairingDelivered, VillageRegistered
from grassroots_common.errors import Forbidden
from grassroots_common.specification import Specification
from village.domain.pairing import pairing_stream_id
from village.domain.policy import DEFAULT_POLICY, POLICY_STREAM
from village.domain.village import village_stream_id
from village.handlers.pairings import CommitPairing, RecordDelivery, commit, deliver

from .given import DISTRICT, NOW, OTHER_TOWN, SECRETARY, T1, TOWN, V1, V2, registered_village

PAIRING = pairing_stream_id("u_agri", 2026)

COMMITTED = PairingCommitted(
    unit_id="u_agri", unit_name="区农业农村局", year=2026, town_id=T1, village_id=V1, target_funds_fen=5_000_000,
    target_supporting_projects=1, target_industry_projects=1,
)  # fmt: skip

# A second village of town T1, not paired.
LIUYING = VillageRegistered(
    town_id=T1, village_id=V2, name="柳营村", party_org_name="中共柳营村支部委员会", party_org_kind="branch",
    party_members=30, households=300, population=1100,
)  # fmt: skip


async def village(*pairing_events: object) -> Specification:
    spec = await registered_village()
    if pairing_events:
        await spec.given(PAIRING, *pairing_events)  # type: ignore[arg-type]
    return spec


COMMIT = CommitPairing(unit_id="u_agri", unit_name="区农业农村局", year=2026, village_id=V1)


def delivery(kind: str = "funds", amount_fen: int = 2_000_000, village_id: str = V1) -> RecordDelivery:
    return RecordDelivery(
        unit_id="u_agri", year=2026, village_id=village_id, kind=kind, title="帮扶资金",  # type: ignore[arg-type]
        amount_fen=amount_fen, delivered_on=dt.date(2026, 5, 20),
    )  # fmt: skip


# --- commit -------------------------------------------------------------------------------------


async def test_the_district_commits_a_unit_to_a_village_with_the_policys_targets() -> None:
    spec = await village()
    outcome = await spec.when(commit, COMMIT, as_=DISTRICT)
    assert outcome.events == [COMMITTED]
    assert outcome.answer.stream_id == PAIRING


async def test_the_targets_are_those_of_the_policy_set_at_commitment() -> None:
    spec = await village()
    await spec.given(
        POLICY_STREAM,
        DEFAULT_POLICY.model_copy(update={"pairing_funds_fen": 8_000_000, "pairing_industry_projects": 2}),
    )
    (committed,) = (await spec.when(commit, COMMIT, as_=DISTRICT)).events
    assert (committed.target_funds_fen, committed.target_supporting_projects, committed.target_industry_projects) == (
        8_000_000,
        1,
        2,
    )


async def test_a_unit_committing_twice_to_the_village_in_a_year_is_refused() -> None:
    spec = await village(COMMITTED)
    (await spec.when(commit, COMMIT, as_=DISTRICT)).refused("village_already_paired")


async def test_a_commitment_to_an_unknown_village_is_refused() -> None:
    spec = Specification(at=NOW)
    (await spec.when(commit, COMMIT, as_=DISTRICT)).refused("village_not_found")


async def test_a_town_administrator_may_not_commit_a_pairing() -> None:
    spec = await village()
    assert isinstance((await spec.when(commit, COMMIT, as_=TOWN)).refused("role_required"), Forbidden)


# --- deliver ------------------------------------------------------------------------------------


async def test_a_town_administrator_records_funds_delivered_and_the_running_total() -> None:
    earlier = PairingDelivered(
        unit_id="u_agri", year=2026, town_id=T1, village_id=V1, delivery_id="dlv0", kind="funds", title="首批资金",
        amount_fen=1_500_000, delivered_on=dt.date(2026, 4, 1),
    )  # fmt: skip
    spec = await village(COMMITTED, earlier)
    outcome = await spec.when(deliver, delivery(), as_=TOWN)
    (delivered,) = outcome.events
    assert isinstance(delivered, PairingDelivered)
    assert (delivered.town_id, delivered.kind, delivered.amount_fen, delivered.delivered_on) == (
        T1,
        "funds",
        2_000_000,
        dt.date(2026, 5, 20),
    )
    assert outcome.answer.data == {"delivery_id": delivered.delivery_id, "funds_fen": 3_500_000}


async def test_a_project_delivered_without_money_leaves_the_funds_as_they_were() -> None:
    spec = await village(COMMITTED)
    outcome = await spec.when(deliver, delivery(kind="supporting_project", amount_fen=0), as_=TOWN)
    assert outcome.events[0].kind == "supporting_project" and outcome.answer.data["funds_fen"] == 0


async def test_funds_of_nothing_are_refused() -> None:
    spec = await village(COMMITTED)
    assert (await spec.when(deliver, delivery(amount_fen=0), as_=TOWN)).refused(
        "amount_not_positive"
    ).field == "amount_fen"


async def test_a_delivery_to_a_village_the_unit_did_not_take_is_refused() -> None:
    spec = await village(COMMITTED)
    await spec.given(village_stream_id(V2), LIUYING)
    (await spec.when(deliver, delivery(village_id=V2), as_=DISTRICT)).refused("village_not_paired")


async def test_a_delivery_to_a_village_never_registered_is_not_found() -> None:
    spec = await village(COMMITTED)
    (await spec.when(deliver, delivery(village_id=V2), as_=DISTRICT)).refused("village_not_found")


async def test_another_towns_administrator_is_refused_before_learning_whether_the_village_is_paired() -> None:
    spec = await village(COMMITTED)
    await spec.given(village_stream_id(V2), LIUYING)
    (await spec.when(deliver, delivery(village_id=V2), as_=OTHER_TOWN)).refused("out_of_scope")


async def test_a_town_administrator_of_another_town_may_not_record_a_delivery() -> None:
    spec = await village(COMMITTED)
    (await spec.when(deliver, delivery(), as_=OTHER_TOWN)).refused("out_of_scope")


async def test_a_village_secretary_may_not_record_a_delivery() -> None:
    spec = await village(COMMITTED)
    (await spec.when(deliver, delivery(), as_=SECRETARY)).refused("role_required")
