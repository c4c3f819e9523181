"""The policy, towns and villages, handler by handler: given events, when a command (as a principal,
at a time), then the events appended or the refusal. No database: ``grassroots_common.specification``."""

from __future__ import annotations

import datetime as dt

import pytest

from grassroots_common.auth import Principal
from grassroots_common.contracts import village as village_events
from grassroots_common.contracts.village import CadrePosition
from grassroots_common.errors import Forbidden
from grassroots_common.specification import Specification
from village.domain.policy import DEFAULT_POLICY, POLICY_STREAM, YUAN
from village.domain.town import town_stream_id
from village.domain.village import village_stream_id
from village.handlers.villages import (
    AppointCadre,
    AwardBonus,
    ChangeStatus,
    ComputeSubsidies,
    ComputeSubsidy,
    RegisterTown,
    RegisterVillage,
    ReleaseCadre,
    ReportIncome,
    SetPolicy,
    appoint_cadre,
    award_bonus,
    change_status,
    compute_subsidies,
    compute_subsidy,
    register_town,
    register_village,
    release_cadre,
    report_income,
    set_policy,
)

from .given import DISTRICT, NOW, OTHER_SECRETARY, OTHER_TOWN, SECRETARY, T1, T2, TOWN, V1, V2, VILLAGE_REGISTERED

TOWN_REGISTERED = village_events.TownRegistered(town_id=T1, name="紫荆镇", party_secretary_name="王建国")


def cadre(
    cadre_id: str, position: str, *, one_shoulder: bool = False, on: dt.date = dt.date(2026, 1, 5)
) -> village_events.CadreAppointed:
    return village_events.CadreAppointed(
        town_id=T1, village_id=V1, cadre_id=cadre_id, name=f"干部{cadre_id}", position=position,  # type: ignore[arg-type]
        one_shoulder=one_shoulder, appointed_on=on,
    )  # fmt: skip


def left(cadre_id: str, position: CadrePosition, on: dt.date) -> village_events.CadreLeft:
    """The cadre ``cadre()`` appointed, leaving the roster ``on`` that day."""
    return village_events.CadreLeft(
        town_id=T1,
        village_id=V1,
        cadre_id=cadre_id,
        name=f"干部{cadre_id}",
        position=position,
        left_on=on,
        reason="",
    )


async def village(*events: object) -> Specification:
    """A specification at ``NOW`` with the town and the village registered, then ``events``."""
    spec = Specification(at=NOW)
    await spec.given(town_stream_id(T1), TOWN_REGISTERED)
    await spec.given(village_stream_id(V1), VILLAGE_REGISTERED, *events)  # type: ignore[arg-type]
    return spec


def policy(**changes: object) -> village_events.VillagePolicySet:
    return DEFAULT_POLICY.model_copy(update=changes)


def appointment(position: CadrePosition, *, one_shoulder: bool = False, name: str = "周涛") -> AppointCadre:
    """Appoint ``name`` to ``position`` in V1 on 1 March."""
    return AppointCadre(
        village_id=V1,
        name=name,
        position=position,
        one_shoulder=one_shoulder,
        appointed_on=dt.date(2026, 3, 1),
    )


def income(income_fen: int, *, year: int = 2025, note: str = "") -> village_events.IncomeReported:
    """V1's collective-economy income of ``year``, as reported."""
    return village_events.IncomeReported(town_id=T1, village_id=V1, year=year, income_fen=income_fen, note=note)


# --- set_policy ---------------------------------------------------------------------------------


async def test_the_district_sets_the_policy_with_its_tiers_in_threshold_order() -> None:
    spec = Specification(at=NOW)
    tiers = [
        village_events.BonusTier(threshold_fen=200_000 * YUAN, bonus_fen=30_000 * YUAN),
        village_events.BonusTier(threshold_fen=80_000 * YUAN, bonus_fen=5_000 * YUAN),
    ]
    outcome = await spec.when(
        set_policy, SetPolicy(policy(subsidy_other_fen=2_500 * YUAN, bonus_tiers=tiers)), as_=DISTRICT
    )
    (set_,) = outcome.events
    assert isinstance(set_, village_events.VillagePolicySet) and set_.subsidy_other_fen == 250_000
    assert [t.threshold_fen for t in set_.bonus_tiers] == [8_000_000, 20_000_000]
    assert outcome.answer.stream_id == POLICY_STREAM


def tiers(*thresholds_and_bonuses: tuple[int, int]) -> list[village_events.BonusTier]:
    return [village_events.BonusTier(threshold_fen=t, bonus_fen=b) for t, b in thresholds_and_bonuses]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        pytest.param(
            {"bonus_tiers": tiers((5_000_000, 300_000), (5_000_000, 400_000))},
            "bonus_tiers_duplicate",
            id="two tiers at one threshold",
        ),
        pytest.param(
            {"bonus_tiers": tiers((5_000_000, 500_000), (10_000_000, 400_000))},
            "bonus_tiers_not_monotonic",
            id="less for a higher tier",
        ),
        pytest.param(
            {"checklist": [*DEFAULT_POLICY.checklist, DEFAULT_POLICY.checklist[0]]},
            "checklist_duplicate",
            id="a checklist aspect named twice",
        ),
    ],
)
async def test_a_policy_contradicting_itself_is_refused(changes: dict, code: str) -> None:
    outcome = await Specification(at=NOW).when(set_policy, SetPolicy(policy(**changes)), as_=DISTRICT)
    outcome.refused(code)


async def test_a_town_administrator_may_not_set_the_policy() -> None:
    outcome = await Specification(at=NOW).when(set_policy, SetPolicy(policy()), as_=TOWN)
    assert isinstance(outcome.refused("role_required"), Forbidden)


# --- register_town ------------------------------------------------------------------------------


async def test_the_district_registers_a_town() -> None:
    spec = Specification(at=NOW)
    outcome = await spec.when(
        register_town, RegisterTown(town_id=T1, name="紫荆镇", party_secretary_name="王建国"), as_=DISTRICT
    )
    assert outcome.events == [TOWN_REGISTERED]
    assert outcome.answer.stream_id == town_stream_id(T1)


async def test_a_town_registered_twice_is_refused() -> None:
    spec = Specification(at=NOW)
    await spec.given(town_stream_id(T1), TOWN_REGISTERED)
    outcome = await spec.when(
        register_town, RegisterTown(town_id=T1, name="紫荆镇", party_secretary_name="王建国"), as_=DISTRICT
    )
    outcome.refused("town_exists")


async def test_a_town_administrator_may_not_register_a_town() -> None:
    outcome = await Specification(at=NOW).when(
        register_town, RegisterTown(town_id=T1, name="紫荆镇", party_secretary_name="王建国"), as_=TOWN
    )
    assert isinstance(outcome.refused("role_required"), Forbidden)


# --- register_village ---------------------------------------------------------------------------

REGISTER_V1 = RegisterVillage(
    town_id=T1, village_id=V1, name="紫荆村", party_org_name="中共紫荆村支部委员会", party_org_kind="branch",
    party_members=40, households=400, population=1500,
)  # fmt: skip


async def test_a_town_administrator_registers_a_village_of_the_town() -> None:
    spec = Specification(at=NOW)
    await spec.given(town_stream_id(T1), TOWN_REGISTERED)
    outcome = await spec.when(register_village, REGISTER_V1, as_=TOWN)
    assert outcome.events == [VILLAGE_REGISTERED]


async def test_a_village_of_an_unregistered_town_is_refused() -> None:
    outcome = await Specification(at=NOW).when(register_village, REGISTER_V1, as_=DISTRICT)
    assert outcome.refused("town_not_found").field == "town_id"


async def test_a_village_registered_twice_is_refused() -> None:
    spec = await village()
    outcome = await spec.when(register_village, REGISTER_V1, as_=DISTRICT)
    outcome.refused("village_exists")


async def test_a_town_administrator_may_not_register_a_village_of_another_town() -> None:
    spec = Specification(at=NOW)
    await spec.given(town_stream_id(T1), TOWN_REGISTERED)
    outcome = await spec.when(register_village, REGISTER_V1, as_=OTHER_TOWN)
    assert isinstance(outcome.refused("out_of_scope"), Forbidden)


async def test_a_village_secretary_may_not_register_a_village() -> None:
    spec = Specification(at=NOW)
    await spec.given(town_stream_id(T1), TOWN_REGISTERED)
    outcome = await spec.when(register_village, REGISTER_V1, as_=SECRETARY)
    outcome.refused("role_required")


# --- change_status ------------------------------------------------------------------------------


async def test_the_district_raises_a_villages_status_recording_the_previous_level() -> None:
    spec = await village()
    command = ChangeStatus(village_id=V1, level="district", reason="区级示范村评定", effective_on=dt.date(2026, 6, 1))
    (changed,) = (await spec.when(change_status, command, as_=DISTRICT)).events
    assert isinstance(changed, village_events.VillageStatusChanged)
    assert (changed.town_id, changed.level, changed.previous_level, changed.effective_on) == (
        T1,
        "district",
        "none",
        dt.date(2026, 6, 1),
    )


async def test_a_status_already_held_is_refused() -> None:
    spec = await village()
    outcome = await spec.when(
        change_status,
        ChangeStatus(village_id=V1, level="none", reason="", effective_on=dt.date(2026, 6, 1)),
        as_=DISTRICT,
    )
    outcome.refused("status_unchanged")


async def test_the_status_of_an_unknown_village_is_refused() -> None:
    spec = Specification(at=NOW)
    command = ChangeStatus(village_id=V2, level="district", reason="", effective_on=dt.date(2026, 6, 1))
    (await spec.when(change_status, command, as_=DISTRICT)).refused("village_not_found")


async def test_a_town_administrator_may_not_change_a_status_even_in_the_town() -> None:
    spec = await village()
    command = ChangeStatus(village_id=V1, level="town_benchmark", reason="", effective_on=dt.date(2026, 6, 1))
    (await spec.when(change_status, command, as_=TOWN)).refused("role_required")


# --- appoint_cadre / release_cadre --------------------------------------------------------------


async def test_a_town_administrator_appoints_a_one_shoulder_secretary() -> None:
    spec = await village()
    outcome = await spec.when(appoint_cadre, appointment("secretary", one_shoulder=True, name="李红梅"), as_=TOWN)
    (appointed,) = outcome.events
    assert isinstance(appointed, village_events.CadreAppointed)
    assert (appointed.position, appointed.one_shoulder, appointed.appointed_on) == (
        "secretary",
        True,
        dt.date(2026, 3, 1),
    )
    assert appointed.cadre_id == outcome.answer.data["cadre_id"] and appointed.cadre_id.startswith("cad_")


async def test_only_the_secretary_may_hold_one_shoulder() -> None:
    spec = await village()
    command = appointment("director", one_shoulder=True)
    assert (await spec.when(appoint_cadre, command, as_=TOWN)).refused(
        "one_shoulder_secretary_only"
    ).field == "one_shoulder"


@pytest.mark.parametrize(
    ("holder", "command", "code"),
    [
        pytest.param(cadre("c1", "secretary"), appointment("secretary"), "secretary_present", id="a second secretary"),
        pytest.param(cadre("c1", "director"), appointment("director"), "director_present", id="a second director"),
        pytest.param(
            cadre("c1", "secretary", one_shoulder=True),
            appointment("director"),
            "director_held_by_secretary",
            id="a director beside a one-shoulder secretary",
        ),
        pytest.param(
            cadre("c1", "director"),
            appointment("secretary", one_shoulder=True, name="李红梅"),
            "director_present",
            id="a one-shoulder secretary beside a director",
        ),
    ],
)
async def test_an_appointment_the_roster_has_no_room_for_is_refused(
    holder: village_events.CadreAppointed, command: AppointCadre, code: str
) -> None:
    spec = await village(holder)
    (await spec.when(appoint_cadre, command, as_=TOWN)).refused(code)


@pytest.mark.parametrize(
    ("command", "principal", "code"),
    [
        pytest.param(appointment("committee_member"), OTHER_TOWN, "out_of_scope", id="another town's administrator"),
        pytest.param(appointment("reserve"), SECRETARY, "role_required", id="the village's own secretary"),
    ],
)
async def test_who_may_not_appoint_is_refused(command: AppointCadre, principal: Principal, code: str) -> None:
    spec = await village()
    (await spec.when(appoint_cadre, command, as_=principal)).refused(code)


async def test_a_retried_appointment_answers_the_first_cadre_and_appends_nothing() -> None:
    spec = await village()
    command = appointment("secretary", one_shoulder=True, name="李红梅")
    first = await spec.when(appoint_cadre, command, as_=TOWN, key="k1")
    retry = await spec.when(appoint_cadre, command, as_=TOWN, key="k1")
    assert retry.events == [] and retry.answer.data == first.answer.data
    assert sum(isinstance(e, village_events.CadreAppointed) for e in await spec.events_of(village_stream_id(V1))) == 1


async def test_a_cadre_leaves_the_roster() -> None:
    spec = await village(cadre("c1", "director"))
    command = ReleaseCadre(village_id=V1, cadre_id="c1", left_on=dt.date(2026, 5, 31), reason="换届")
    (left,) = (await spec.when(release_cadre, command, as_=TOWN)).events
    assert isinstance(left, village_events.CadreLeft)
    assert (left.cadre_id, left.name, left.position, left.left_on) == ("c1", "干部c1", "director", dt.date(2026, 5, 31))


async def test_releasing_a_cadre_the_village_never_had_is_refused() -> None:
    spec = await village()
    command = ReleaseCadre(village_id=V1, cadre_id="c9", left_on=dt.date(2026, 5, 31), reason="")
    (await spec.when(release_cadre, command, as_=TOWN)).refused("cadre_not_found")


async def test_releasing_a_cadre_twice_is_refused() -> None:
    spec = await village(
        cadre("c1", "director"),
        left("c1", "director", dt.date(2026, 4, 1)),
    )
    command = ReleaseCadre(village_id=V1, cadre_id="c1", left_on=dt.date(2026, 5, 31), reason="")
    (await spec.when(release_cadre, command, as_=TOWN)).refused("cadre_already_left")


async def test_leaving_before_the_appointment_is_refused() -> None:
    spec = await village(cadre("c1", "director", on=dt.date(2026, 3, 1)))
    command = ReleaseCadre(village_id=V1, cadre_id="c1", left_on=dt.date(2026, 2, 28), reason="")
    assert (await spec.when(release_cadre, command, as_=TOWN)).refused("left_before_appointed").field == "left_on"


async def test_a_town_administrator_may_not_release_in_another_town() -> None:
    spec = await village(cadre("c1", "director"))
    command = ReleaseCadre(village_id=V1, cadre_id="c1", left_on=dt.date(2026, 5, 31), reason="")
    (await spec.when(release_cadre, command, as_=OTHER_TOWN)).refused("out_of_scope")


# --- compute_subsidy ----------------------------------------------------------------------------


async def test_the_sheet_pays_who_served_in_the_month_at_the_policys_rates_not_reserves() -> None:
    spec = await village(
        cadre("c1", "secretary", one_shoulder=True),
        cadre("c2", "committee_member"),
        cadre("c3", "reserve"),
        cadre("c4", "deputy_secretary"),
        left("c4", "deputy_secretary", dt.date(2026, 4, 30)),
        cadre("c5", "committee_member", on=dt.date(2026, 5, 31)),
    )
    outcome = await spec.when(compute_subsidy, ComputeSubsidy(village_id=V1, month="2026-05"), as_=TOWN)
    (sheet,) = outcome.events
    assert isinstance(sheet, village_events.SubsidyComputed) and sheet.month == "2026-05"
    assert [(line.cadre_id, line.amount_fen) for line in sheet.lines] == [
        ("c1", 300_000),
        ("c2", 230_000),
        ("c5", 230_000),
    ]
    assert sheet.total_fen == 760_000 and outcome.answer.data == {"month": "2026-05", "total_fen": 760_000}


async def test_the_sheet_takes_the_rates_of_the_policy_set() -> None:
    spec = await village(cadre("c1", "secretary", one_shoulder=True), cadre("c2", "committee_member"))
    await spec.given(POLICY_STREAM, policy(subsidy_one_shoulder_fen=320_000, subsidy_other_fen=250_000))
    (sheet,) = (await spec.when(compute_subsidy, ComputeSubsidy(village_id=V1, month="2026-05"), as_=TOWN)).events
    assert (sheet.rate_one_shoulder_fen, sheet.rate_other_fen, sheet.total_fen) == (320_000, 250_000, 570_000)


async def test_a_second_sheet_for_the_month_is_refused() -> None:
    spec = await village(cadre("c1", "secretary", one_shoulder=True))
    await spec.when(compute_subsidy, ComputeSubsidy(village_id=V1, month="2026-05"), as_=TOWN)
    outcome = await spec.when(compute_subsidy, ComputeSubsidy(village_id=V1, month="2026-05"), as_=DISTRICT)
    outcome.refused("subsidy_already_issued")


async def test_a_month_in_which_no_cadre_served_is_refused() -> None:
    spec = await village(
        cadre("c1", "secretary", on=dt.date(2026, 6, 1)), cadre("c2", "reserve", on=dt.date(2026, 1, 1))
    )
    (await spec.when(compute_subsidy, ComputeSubsidy(village_id=V1, month="2026-05"), as_=TOWN)).refused("roster_empty")


async def test_a_village_secretary_may_not_issue_the_sheet() -> None:
    spec = await village(cadre("c1", "secretary", one_shoulder=True))
    (await spec.when(compute_subsidy, ComputeSubsidy(village_id=V1, month="2026-05"), as_=SECRETARY)).refused(
        "role_required"
    )


@pytest.mark.parametrize(
    "town_id", [pytest.param(T2, id="another town's sheets"), pytest.param(None, id="the district's sheets")]
)
async def test_a_town_administrator_may_not_issue_sheets_beyond_the_town(town_id: str | None) -> None:
    spec = Specification(at=NOW)  # the refusal comes before the town's villages are read (a read model)
    outcome = await spec.when(compute_subsidies, ComputeSubsidies(month="2026-05", town_id=town_id), as_=TOWN)
    outcome.refused("out_of_scope")


# --- report_income / award_bonus ----------------------------------------------------------------


async def test_the_village_secretary_reports_the_income_and_a_correction_keeps_the_previous() -> None:
    spec = await village(income(9_000_000, note="初报"))
    command = ReportIncome(village_id=V1, year=2025, income_fen=12_000_000, note="审计后更正")
    (reported,) = (await spec.when(report_income, command, as_=SECRETARY)).events
    assert isinstance(reported, village_events.IncomeReported)
    assert (reported.year, reported.income_fen, reported.previous_income_fen) == (2025, 12_000_000, 9_000_000)


async def test_a_negative_income_is_refused() -> None:
    spec = await village()
    command = ReportIncome(village_id=V1, year=2025, income_fen=-1, note="")
    assert (await spec.when(report_income, command, as_=SECRETARY)).refused("income_negative").field == "income_fen"


async def test_an_income_after_the_bonus_was_awarded_is_refused() -> None:
    spec = await village(
        income(12_000_000),
        village_events.BonusAwarded(
            town_id=T1, village_id=V1, year=2025, income_fen=12_000_000, threshold_fen=10_000_000, bonus_fen=1_000_000
        ),
    )
    command = ReportIncome(village_id=V1, year=2025, income_fen=30_000_000, note="")
    (await spec.when(report_income, command, as_=SECRETARY)).refused("bonus_already_awarded")


async def test_a_village_secretary_may_not_report_another_villages_income() -> None:
    spec = await village()
    command = ReportIncome(village_id=V1, year=2025, income_fen=12_000_000, note="")
    assert isinstance((await spec.when(report_income, command, as_=OTHER_SECRETARY)).refused("out_of_scope"), Forbidden)


async def test_the_bonus_is_the_highest_tier_the_income_reaches() -> None:
    spec = await village(income(15_000_000))
    outcome = await spec.when(award_bonus, AwardBonus(village_id=V1, year=2025), as_=TOWN)
    (awarded,) = outcome.events
    assert isinstance(awarded, village_events.BonusAwarded)
    assert (awarded.income_fen, awarded.threshold_fen, awarded.bonus_fen) == (15_000_000, 10_000_000, 1_000_000)
    assert outcome.answer.data == {"year": 2025, "bonus_fen": 1_000_000}


@pytest.mark.parametrize(
    ("reported", "code"),
    [
        pytest.param(income(15_000_000, year=2024), "income_missing", id="only the year before reported"),
        pytest.param(income(4_999_999), "income_below_bonus_tier", id="below the lowest tier"),
    ],
)
async def test_a_bonus_the_years_income_does_not_earn_is_refused(
    reported: village_events.IncomeReported, code: str
) -> None:
    spec = await village(reported)
    (await spec.when(award_bonus, AwardBonus(village_id=V1, year=2025), as_=TOWN)).refused(code)


async def test_a_second_bonus_for_the_year_is_refused() -> None:
    spec = await village(income(15_000_000))
    await spec.when(award_bonus, AwardBonus(village_id=V1, year=2025), as_=TOWN)
    (await spec.when(award_bonus, AwardBonus(village_id=V1, year=2025), as_=DISTRICT)).refused("bonus_already_awarded")


async def test_a_village_secretary_may_not_award_the_bonus() -> None:
    spec = await village(income(15_000_000))
    (await spec.when(award_bonus, AwardBonus(village_id=V1, year=2025), as_=SECRETARY)).refused("role_required")
