"""Secretary projects (书记项目), handler by handler: register, fund, attract, milestones, income.
Given events, when a command (as a principal, at a time), then events or a refusal; no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import pytest

from grassroots_common.auth import Principal
from grassroots_common.commands import CommandResult
from grassroots_common.contracts.village import (
    InvestmentAttracted,
    MilestoneReported,
    ProjectFunded,
    ProjectIncomeReported,
    ProjectRegistered,
)
from grassroots_common.errors import Forbidden
from grassroots_common.specification import Specification
from village.domain.project import project_stream_id
from village.handlers.projects import (
    AttractInvestment,
    FundProject,
    RegisterProject,
    ReportMilestone,
    ReportProjectIncome,
    attract,
    fund,
    register_project,
    report_income,
    report_milestone,
)

from .given import DISTRICT, NOW, OTHER_SECRETARY, OTHER_TOWN, SECRETARY, T1, TOWN, V1, registered_village

STAFF = Principal("p1", "王芳", frozenset({"staff"}), {"unit": "u1"})

REGISTERED = ProjectRegistered(
    project_id="p1", town_id=T1, village_id=V1, name="优质小麦规模种植", description="", owner_id="s1",
    owner_name="李红梅", supervisor_level="town", supervisor_name="王建国", model="branch_led",
    budget_fen=50_000_000, year=2026, starts_on=dt.date(2026, 3, 1), due_on=dt.date(2026, 11, 30),
)  # fmt: skip
IDS = {"project_id": "p1", "town_id": T1, "village_id": V1}


async def project(*events: object) -> Specification:
    spec = await registered_village()
    await spec.given(project_stream_id("p1"), REGISTERED, *events)  # type: ignore[arg-type]
    return spec


def register_command(**changes: object) -> RegisterProject:
    fields: dict = {
        "village_id": V1, "name": "优质小麦规模种植", "description": "流转土地 300 亩", "owner_id": None,
        "owner_name": None, "supervisor_level": "town", "supervisor_name": "王建国", "model": "branch_led",
        "budget_fen": 50_000_000, "starts_on": dt.date(2026, 3, 1), "due_on": dt.date(2026, 11, 30),
    }  # fmt: skip
    return RegisterProject(**(fields | changes))


def funding(amount_fen: int, project_id: str = "p1") -> FundProject:
    return FundProject(
        project_id=project_id,
        source="fiscal",
        funder="区财政局",
        amount_fen=amount_fen,
        received_on=dt.date(2026, 5, 20),
    )


def investment(amount_fen: int) -> AttractInvestment:
    return AttractInvestment(
        project_id="p1", investor="秦川农业公司", amount_fen=amount_fen, signed_on=dt.date(2026, 5, 18)
    )


def milestone(
    progress_pct: int, *, title: str = "播种完成", reason: str = "", uploads: tuple[str, ...] = ()
) -> ReportMilestone:
    return ReportMilestone(
        project_id="p1", title=title, progress_pct=progress_pct, reason=reason, evidence_upload_ids=list(uploads)
    )


# --- register_project ---------------------------------------------------------------------------


async def test_the_village_secretary_registers_a_project_owning_it_by_default() -> None:
    spec = await registered_village()
    outcome = await spec.when(register_project, register_command(), as_=SECRETARY)
    (registered,) = outcome.events
    assert isinstance(registered, ProjectRegistered)
    assert (registered.owner_id, registered.owner_name, registered.town_id) == ("s1", "李红梅", T1)
    assert (registered.budget_fen, registered.year, registered.due_on) == (50_000_000, 2026, dt.date(2026, 11, 30))
    assert outcome.answer.data == {"project_id": registered.project_id}


async def test_a_town_administrator_registering_a_project_must_name_its_owner() -> None:
    spec = await registered_village()
    assert (await spec.when(register_project, register_command(), as_=TOWN)).refused(
        "owner_required"
    ).field == "owner_name"


async def test_a_town_administrator_registers_a_project_for_a_named_owner() -> None:
    spec = await registered_village()
    outcome = await spec.when(register_project, register_command(owner_id="s1", owner_name="李红梅"), as_=TOWN)
    assert (outcome.events[0].owner_id, outcome.events[0].owner_name) == ("s1", "李红梅")


async def test_a_project_due_before_it_starts_is_refused() -> None:
    spec = await registered_village()
    outcome = await spec.when(register_project, register_command(due_on=dt.date(2026, 2, 28)), as_=SECRETARY)
    outcome.refused("due_before_start")


async def test_a_negative_budget_is_refused() -> None:
    spec = await registered_village()
    assert (await spec.when(register_project, register_command(budget_fen=-1), as_=SECRETARY)).refused(
        "budget_negative"
    ).field == "budget_fen"


async def test_a_project_of_an_unknown_village_is_refused() -> None:
    spec = Specification(at=NOW)
    (await spec.when(register_project, register_command(), as_=SECRETARY)).refused("village_not_found")


async def test_another_villages_secretary_may_not_register_a_project_here() -> None:
    spec = await registered_village()
    outcome = await spec.when(register_project, register_command(owner_id="s2", owner_name="周涛"), as_=OTHER_SECRETARY)
    assert isinstance(outcome.refused("out_of_scope"), Forbidden)


async def test_a_staff_member_may_not_register_a_project() -> None:
    spec = await registered_village()
    (await spec.when(register_project, register_command(owner_id="p1", owner_name="王芳"), as_=STAFF)).refused(
        "role_required"
    )


# --- fund / attract -----------------------------------------------------------------------------


async def test_funding_adds_to_the_projects_funded_total() -> None:
    spec = await project(
        ProjectFunded(
            **IDS,
            funding_id="f0",
            source="fiscal",
            funder="区财政局",
            amount_fen=10_000_000,
            received_on=dt.date(2026, 4, 1),
        )
    )
    command = FundProject(
        project_id="p1",
        source="pairing_unit",
        funder="区农业农村局",
        amount_fen=5_000_000,
        received_on=dt.date(2026, 5, 20),
    )
    outcome = await spec.when(fund, command, as_=SECRETARY)
    (funded,) = outcome.events
    assert isinstance(funded, ProjectFunded)
    assert (funded.source, funded.amount_fen, funded.received_on, funded.village_id) == (
        "pairing_unit",
        5_000_000,
        dt.date(2026, 5, 20),
        V1,
    )
    assert outcome.answer.data["funded_fen"] == 15_000_000


async def test_funding_an_unknown_project_is_refused() -> None:
    spec = await registered_village()
    (await spec.when(fund, funding(100, project_id="p9"), as_=DISTRICT)).refused("project_not_found")


async def test_an_investment_adds_to_the_invested_total() -> None:
    spec = await project()
    command = AttractInvestment(
        project_id="p1", investor="秦川农业公司", amount_fen=80_000_000, signed_on=dt.date(2026, 5, 18)
    )
    outcome = await spec.when(attract, command, as_=TOWN)
    (invested,) = outcome.events
    assert isinstance(invested, InvestmentAttracted)
    assert (invested.investor, invested.amount_fen, invested.signed_on) == (
        "秦川农业公司",
        80_000_000,
        dt.date(2026, 5, 18),
    )
    assert outcome.answer.data["invested_fen"] == 80_000_000


# --- report_milestone ---------------------------------------------------------------------------

HALF_WAY = MilestoneReported(
    **IDS, milestone_id="mst0", title="土地流转", progress_pct=50, previous_pct=0, reason="",
    evidence_upload_ids=[], reported_on=dt.date(2026, 5, 1),
)  # fmt: skip


async def test_a_milestone_records_the_progress_from_the_previous_with_uploaded_photos() -> None:
    spec = (await project(HALF_WAY)).uploaded("upl_1")
    (reported,) = (await spec.when(report_milestone, milestone(70, uploads=("upl_1",)), as_=SECRETARY)).events
    assert isinstance(reported, MilestoneReported)
    assert (reported.previous_pct, reported.progress_pct, reported.reported_on) == (50, 70, dt.date(2026, 6, 1))
    assert reported.evidence_upload_ids == ["upl_1"]


async def test_a_milestone_naming_an_upload_never_uploaded_is_refused() -> None:
    spec = await project()
    assert (await spec.when(report_milestone, milestone(70, uploads=("upl_1",)), as_=SECRETARY)).refused(
        "upload_not_found"
    ).field == "evidence_upload_ids"


async def test_progress_going_back_without_a_reason_is_refused() -> None:
    spec = await project(HALF_WAY)
    command = milestone(40, title="返工", reason=" ")
    (await spec.when(report_milestone, command, as_=SECRETARY)).refused("progress_backwards_without_reason")


async def test_progress_going_back_with_a_reason_is_recorded() -> None:
    spec = await project(HALF_WAY)
    command = milestone(40, title="返工", reason="暴雨冲毁部分田块")
    (reported,) = (await spec.when(report_milestone, command, as_=SECRETARY)).events
    assert (reported.previous_pct, reported.progress_pct, reported.reason) == (50, 40, "暴雨冲毁部分田块")


async def test_progress_beyond_100_is_refused() -> None:
    spec = await project()
    (await spec.when(report_milestone, milestone(101, title="完工"), as_=SECRETARY)).refused("progress_out_of_range")


async def test_a_staff_member_may_not_report_a_milestone() -> None:
    spec = await project()
    (await spec.when(report_milestone, milestone(60, title="完工"), as_=STAFF)).refused("role_required")


# --- report_income ------------------------------------------------------------------------------


async def test_project_income_adds_to_the_total_and_is_dated_today() -> None:
    spec = await project(
        ProjectIncomeReported(
            **IDS, income_id="pin0", year=2026, amount_fen=2_000_000, note="", reported_on=dt.date(2026, 5, 1)
        )
    )
    outcome = await spec.when(
        report_income,
        ReportProjectIncome(project_id="p1", year=2026, amount_fen=3_000_000, note="小麦销售"),
        as_=SECRETARY,
    )
    (income,) = outcome.events
    assert isinstance(income, ProjectIncomeReported)
    assert (income.year, income.amount_fen, income.reported_on) == (2026, 3_000_000, dt.date(2026, 6, 1))
    assert outcome.answer.data["income_fen"] == 5_000_000


async def test_another_villages_secretary_naming_a_missing_upload_is_refused_as_an_outsider() -> None:
    spec = await project()
    command = milestone(70, uploads=("upl_9",))
    (await spec.when(report_milestone, command, as_=OTHER_SECRETARY)).refused("out_of_scope")


# --- what fund, attract and report_income have in common ----------------------------------------

Handler = Callable[..., Awaitable[CommandResult]]


def project_income(amount_fen: int) -> ReportProjectIncome:
    return ReportProjectIncome(project_id="p1", year=2026, amount_fen=amount_fen, note="")


@pytest.mark.parametrize(
    ("handler", "command", "principal"),
    [
        pytest.param(fund, funding(0), SECRETARY, id="funding"),
        pytest.param(attract, investment(0), TOWN, id="an investment"),
        pytest.param(report_income, project_income(0), SECRETARY, id="project income"),
    ],
)
async def test_an_amount_of_nothing_is_refused(handler: Handler, command: object, principal: Principal) -> None:
    spec = await project()
    (await spec.when(handler, command, as_=principal)).refused("amount_not_positive")


@pytest.mark.parametrize(
    ("handler", "command", "principal"),
    [
        pytest.param(fund, funding(100), OTHER_TOWN, id="another town's administrator funds"),
        pytest.param(attract, investment(100), OTHER_SECRETARY, id="another village's secretary records an investment"),
        pytest.param(
            report_income, project_income(100), OTHER_SECRETARY, id="another village's secretary reports income"
        ),
    ],
)
async def test_who_is_outside_the_projects_village_may_not_record_its_money(
    handler: Handler, command: object, principal: Principal
) -> None:
    spec = await project()
    (await spec.when(handler, command, as_=principal)).refused("out_of_scope")
