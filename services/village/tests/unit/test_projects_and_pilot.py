"""Projects and pilot items: progress 0..100 never backwards without a reason; totals are sums."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots_common.contracts.village import (
    InvestmentAttracted,
    MilestoneReported,
    PilotItem,
    PilotItemProgressed,
    ProjectFunded,
    ProjectIncomeReported,
    ProjectRegistered,
)
from grassroots_common.errors import Conflict, DomainError, Invalid
from village.domain.pilot import PilotPlan
from village.domain.project import Project

DAY = dt.date(2026, 4, 1)
REGISTERED = ProjectRegistered(
    project_id="p1", town_id="610305107", village_id="610305107201", name="优质小麦规模种植", description="",
    owner_id="s1", owner_name="李红梅", supervisor_level="town", supervisor_name="王建国", model="branch_led",
    budget_fen=50_000_000, year=2026, starts_on=dt.date(2026, 3, 1), due_on=dt.date(2026, 11, 30),
)  # fmt: skip


def test_milestone_backwards_needs_a_reason() -> None:
    p = Project.replay("p", [REGISTERED])
    p.report_milestone(
        milestone_id="m1", title="土地流转", progress_pct=50, reason="", evidence_upload_ids=[], reported_on=DAY
    )
    with pytest.raises(Conflict) as exc:
        p.report_milestone(
            milestone_id="m2", title="x", progress_pct=30, reason=" ", evidence_upload_ids=[], reported_on=DAY
        )
    assert exc.value.code == "progress_backwards_without_reason"
    p.report_milestone(
        milestone_id="m2", title="x", progress_pct=30, reason="暴雨受灾", evidence_upload_ids=[], reported_on=DAY
    )
    with pytest.raises(Invalid):
        p.report_milestone(
            milestone_id="m3", title="x", progress_pct=101, reason="", evidence_upload_ids=[], reported_on=DAY
        )
    (first, second) = [e.event for e in p.take_pending()]
    assert (first.previous_pct, second.previous_pct, second.progress_pct) == (0, 50, 30)


def test_unregistered_project_is_not_found() -> None:
    with pytest.raises(DomainError) as exc:
        Project("p").fund(funding_id="f", source="fiscal", funder="x", amount_fen=1, received_on=DAY)
    assert exc.value.code == "project_not_found"


progress_steps = st.lists(st.tuples(st.integers(-20, 130), st.sampled_from(["", "原因"])), max_size=30)


@given(progress_steps)
def test_project_progress_stays_in_range_and_never_drops_without_reason(steps) -> None:
    p = Project.replay("p", [REGISTERED])
    for n, (pct, reason) in enumerate(steps):
        with contextlib.suppress(Conflict, Invalid):
            p.report_milestone(
                milestone_id=f"m{n}",
                title="t",
                progress_pct=pct,
                reason=reason,
                evidence_upload_ids=[],
                reported_on=DAY,
            )
    reports = [e.event for e in p.take_pending() if isinstance(e.event, MilestoneReported)]
    previous = 0
    for r in reports:
        assert 0 <= r.progress_pct <= 100 and r.previous_pct == previous
        assert r.progress_pct >= previous or r.reason.strip()
        previous = r.progress_pct
    assert p.progress == previous


@given(progress_steps)
def test_pilot_item_progress_follows_the_same_rule(steps) -> None:
    item = PilotItem(item_id="i01", aspect="提升村容村貌", title="沿街门面统一改造", starts_on=DAY, due_on=DAY,
                     budget_fen=1, budget_source="fiscal", budget_use="")  # fmt: skip
    plan = PilotPlan("pilot")
    plan.define(plan_id="plt", town_id="t", village_id="v", title="方案", items=[item])
    for pct, reason in steps:
        with contextlib.suppress(Conflict, Invalid):
            plan.progress_item(
                item_id="i01", progress_pct=pct, reason=reason, note="", evidence_upload_ids=[], reported_on=DAY
            )
    previous = 0
    for e in (p.event for p in plan.take_pending() if isinstance(p.event, PilotItemProgressed)):
        assert 0 <= e.progress_pct <= 100 and (e.progress_pct >= previous or e.reason.strip())
        previous = e.progress_pct


@given(st.lists(st.tuples(st.sampled_from(["fund", "invest", "income"]), st.integers(-5, 10**10)), max_size=40))
def test_money_totals_equal_the_sum_of_their_events(operations) -> None:
    p = Project.replay("p", [REGISTERED])
    for n, (kind, amount) in enumerate(operations):
        try:
            if kind == "fund":
                p.fund(funding_id=f"f{n}", source="fiscal", funder="区财政局", amount_fen=amount, received_on=DAY)
            elif kind == "invest":
                p.attract(investment_id=f"i{n}", investor="企业", amount_fen=amount, signed_on=DAY)
            else:
                p.report_income(income_id=f"r{n}", year=2026, amount_fen=amount, note="", reported_on=DAY)
        except Invalid:
            pass
    raised = [e.event for e in p.take_pending()]
    replayed = Project.replay("p", [REGISTERED, *raised])
    for total, cls in (
        (p.funded_fen, ProjectFunded),
        (p.invested_fen, InvestmentAttracted),
        (p.income_fen, ProjectIncomeReported),
    ):
        assert total == sum(e.amount_fen for e in raised if isinstance(e, cls))
        assert all(e.amount_fen > 0 for e in raised if isinstance(e, cls))
    assert (replayed.funded_fen, replayed.invested_fen, replayed.income_fen) == (
        p.funded_fen,
        p.invested_fen,
        p.income_fen,
    )
