"""The village aggregate: roster rules, subsidy sheets, income and the bonus tiers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots_common.contracts.village import (
    BonusAwarded,
    CadreAppointed,
    IncomeReported,
    SubsidyComputed,
    VillageRegistered,
)
from grassroots_common.errors import Conflict, Invalid
from village.domain.policy import DEFAULT_POLICY, bonus_for
from village.domain.village import Village

T, V = "610305107", "610305107201"
DAY = dt.date(2026, 1, 5)
REGISTERED = VillageRegistered(
    town_id=T, village_id=V, name="紫荆村", party_org_name="中共紫荆村支部委员会", party_org_kind="branch",
    party_members=40, households=400, population=1500,
)  # fmt: skip


def cadre(cid: str, position: str, one_shoulder: bool = False, on: dt.date = DAY) -> CadreAppointed:
    return CadreAppointed(
        town_id=T, village_id=V, cadre_id=cid, name=cid, position=position, one_shoulder=one_shoulder, appointed_on=on
    )  # type: ignore[arg-type]


def events(agg: Village) -> list:
    return [p.event for p in agg.take_pending()]


def test_subsidy_sheet_pays_one_shoulder_and_others_not_reserves() -> None:
    v = Village.replay(
        "v", [REGISTERED, cadre("c1", "secretary", True), cadre("c2", "committee_member"), cadre("c3", "reserve")]
    )
    total = v.compute_subsidy(month="2026-02", rate_one_shoulder_fen=300_000, rate_other_fen=230_000)
    (sheet,) = events(v)
    assert isinstance(sheet, SubsidyComputed)
    assert total == sheet.total_fen == 530_000
    assert [line.cadre_id for line in sheet.lines] == ["c1", "c2"]
    with pytest.raises(Conflict) as exc:
        v.compute_subsidy(month="2026-02", rate_one_shoulder_fen=300_000, rate_other_fen=230_000)
    assert exc.value.code == "subsidy_already_issued"


def test_cadre_appointed_after_the_month_is_not_on_its_sheet() -> None:
    v = Village.replay("v", [REGISTERED, cadre("c1", "secretary"), cadre("c2", "director", on=dt.date(2026, 3, 2))])
    assert v.compute_subsidy(month="2026-02", rate_one_shoulder_fen=300_000, rate_other_fen=230_000) == 230_000


def test_roster_rules() -> None:
    v = Village.replay("v", [REGISTERED, cadre("c1", "secretary", True)])
    with pytest.raises(Conflict, match="先办理原书记离任"):
        v.appoint(cadre_id="c2", name="x", position="secretary", one_shoulder=False, appointed_on=DAY)
    with pytest.raises(Conflict) as exc:
        v.appoint(cadre_id="c2", name="x", position="director", one_shoulder=False, appointed_on=DAY)
    assert exc.value.code == "director_held_by_secretary"
    with pytest.raises(Invalid):
        v.appoint(cadre_id="c2", name="x", position="committee_member", one_shoulder=True, appointed_on=DAY)
    v.release(cadre_id="c1", left_on=DAY, reason="调任")
    v.appoint(cadre_id="c2", name="x", position="secretary", one_shoulder=False, appointed_on=DAY)
    assert [type(e).__name__ for e in events(v)] == ["CadreLeft", "CadreAppointed"]


def test_bonus_needs_income_and_a_tier_and_locks_the_income() -> None:
    v = Village.replay("v", [REGISTERED])
    with pytest.raises(Conflict, match="尚未上报"):
        v.award_bonus(year=2025, tiers=DEFAULT_POLICY.bonus_tiers)
    v.report_income(year=2025, income_fen=4_000_000, note="")
    with pytest.raises(Conflict) as exc:
        v.award_bonus(year=2025, tiers=DEFAULT_POLICY.bonus_tiers)
    assert exc.value.code == "income_below_bonus_tier"
    v.report_income(year=2025, income_fen=20_000_000, note="更正")
    assert v.award_bonus(year=2025, tiers=DEFAULT_POLICY.bonus_tiers) == 2_500_000
    with pytest.raises(Conflict):
        v.report_income(year=2025, income_fen=60_000_000, note="")


@pytest.mark.parametrize(
    ("income_yuan", "bonus_yuan"),
    [
        (49_999, None),
        (50_000, 3_000),
        (99_999, 3_000),
        (100_000, 10_000),
        (200_000, 25_000),
        (500_000, 50_000),
        (3_000_000, 50_000),
    ],
)
def test_default_tiers(income_yuan: int, bonus_yuan: int | None) -> None:
    tier = bonus_for(DEFAULT_POLICY.bonus_tiers, income_yuan * 100)
    assert (tier.bonus_fen // 100 if tier else None) == bonus_yuan


@given(
    st.lists(
        st.tuples(st.sampled_from(["report", "award"]), st.integers(2020, 2023), st.integers(0, 10**9)), max_size=40
    )
)
def test_no_bonus_twice_for_a_village_and_year(commands) -> None:
    """Whatever the order of reports and awards, each year gets at most one BonusAwarded."""
    v = Village.replay("v", [REGISTERED])
    raised = []
    for action, year, income in commands:
        try:
            if action == "report":
                v.report_income(year=year, income_fen=income, note="")
            else:
                v.award_bonus(year=year, tiers=DEFAULT_POLICY.bonus_tiers)
        except Conflict:
            pass
        raised += events(v)
    awarded = [e.year for e in raised if isinstance(e, BonusAwarded)]
    assert len(awarded) == len(set(awarded))
    for bonus in (e for e in raised if isinstance(e, BonusAwarded)):
        last_income = [e.income_fen for e in raised if isinstance(e, IncomeReported) and e.year == bonus.year][-1]
        assert bonus.income_fen == last_income
