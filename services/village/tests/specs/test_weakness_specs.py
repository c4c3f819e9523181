"""Weak-and-lax organization cases (软弱涣散), handler by handler: screen, designate, plan, progress,
accept. Given events, when a command (as a principal, at a time), then events or a refusal."""

from __future__ import annotations

import datetime as dt

from grassroots_common.contracts.village import (
    RectificationAccepted,
    RectificationMeasure,
    RectificationPlanned,
    RectificationProgressed,
    VillageDesignatedWeak,
    WeaknessCriterion,
    WeaknessScreened,
)
from grassroots_common.errors import Forbidden
from grassroots_common.specification import Specification
from grassroots_common.workdays import CHINA
from village.domain.weakness import weakness_stream_id
from village.handlers.weakness import (
    AcceptRectification,
    DesignateTarget,
    PlanRectification,
    ReportRectificationProgress,
    ScreenVillage,
    accept,
    designate,
    plan,
    progress,
    screen,
)

from .given import DISTRICT, NOW, OTHER_SECRETARY, OTHER_TOWN, SECRETARY, T1, TOWN, V1, V2, registered_village

CASE = weakness_stream_id(V1, 2026)

IDS = {"town_id": T1, "village_id": V1, "year": 2026}
SCREENED = WeaknessScreened(
    **IDS, hits=["weak_team", "poor_appearance"], screened_by="王建国", screened_on=dt.date(2026, 5, 1), note=""
)
DESIGNATED = VillageDesignatedWeak(
    **IDS, criteria=["weak_team"], designated_on=dt.date(2026, 5, 10), reason="班子战斗力不强"
)
PLANNED = RectificationPlanned(
    **IDS, responsible_leader="张志强", work_group=["刘洋"], deadline=dt.date(2026, 11, 30),
    measures=[RectificationMeasure(measure_id="m1", text="调整班子"), RectificationMeasure(measure_id="m2", text="整治村容")],
)  # fmt: skip


def done(measure_id: str) -> RectificationProgressed:
    return RectificationProgressed(
        **IDS, measure_id=measure_id, done=True, note="完成", evidence_upload_ids=[], reported_on=dt.date(2026, 6, 1)
    )


async def case(*events: object) -> Specification:
    spec = await registered_village()
    if events:
        await spec.given(CASE, *events)  # type: ignore[arg-type]
    return spec


# --- screen -------------------------------------------------------------------------------------


def screening(*hits: WeaknessCriterion, on: dt.date = dt.date(2026, 6, 1), village_id: str = V1) -> ScreenVillage:
    return ScreenVillage(village_id=village_id, year=2026, hits=list(hits), screened_on=on, note="")


async def test_a_town_administrator_screens_a_village_and_is_named_the_screener() -> None:
    spec = await case()
    command = ScreenVillage(
        village_id=V1,
        year=2026,
        hits=["poor_appearance", "weak_team", "weak_team"],
        screened_on=dt.date(2026, 5, 1),
        note="走访",
    )
    (screened,) = (await spec.when(screen, command, as_=TOWN)).events
    assert isinstance(screened, WeaknessScreened)
    assert (screened.town_id, screened.hits, screened.screened_by, screened.screened_on) == (
        T1,
        ["poor_appearance", "weak_team"],
        "镇党委王建国",
        dt.date(2026, 5, 1),
    )


async def test_screening_a_village_already_designated_is_refused() -> None:
    spec = await case(SCREENED, DESIGNATED)
    (await spec.when(screen, screening(), as_=TOWN)).refused("already_designated")


async def test_screening_an_unknown_village_is_refused() -> None:
    (await Specification(at=NOW).when(screen, screening(village_id=V2), as_=DISTRICT)).refused("village_not_found")


async def test_a_town_administrator_may_not_screen_a_village_of_another_town() -> None:
    spec = await case()
    command = screening("weak_team", on=dt.date(2026, 5, 1))
    assert isinstance((await spec.when(screen, command, as_=OTHER_TOWN)).refused("out_of_scope"), Forbidden)


async def test_a_village_secretary_may_not_screen_the_own_village() -> None:
    spec = await case()
    (await spec.when(screen, screening(on=dt.date(2026, 5, 1)), as_=SECRETARY)).refused("role_required")


# --- designate ----------------------------------------------------------------------------------


def designation(*criteria: WeaknessCriterion) -> DesignateTarget:
    return DesignateTarget(village_id=V1, year=2026, criteria=list(criteria), reason="")


async def test_the_district_designates_a_screened_village_on_todays_beijing_date() -> None:
    spec = await case(SCREENED)
    just_after_midnight = dt.datetime(2026, 6, 1, 16, 30, tzinfo=dt.UTC)  # 2 June, 00:30 in Beijing
    command = DesignateTarget(village_id=V1, year=2026, criteria=["weak_team"], reason="班子战斗力不强")
    (designated,) = (await spec.when(designate, command, as_=DISTRICT, at=just_after_midnight)).events
    assert isinstance(designated, VillageDesignatedWeak)
    assert (designated.criteria, designated.designated_on) == (["weak_team"], dt.date(2026, 6, 2))


async def test_designating_a_village_not_screened_this_year_is_refused() -> None:
    spec = await case()
    (await spec.when(designate, designation("weak_team"), as_=DISTRICT)).refused("not_screened")


async def test_designating_a_criterion_the_screening_did_not_find_is_refused() -> None:
    spec = await case(SCREENED)
    command = designation("weak_team", "acute_conflicts")
    assert (
        "acute_conflicts"
        in (await spec.when(designate, command, as_=DISTRICT)).refused("criteria_not_screened").message
    )


async def test_designating_without_a_criterion_is_refused() -> None:
    spec = await case(SCREENED)
    (await spec.when(designate, designation(), as_=DISTRICT)).refused("criteria_required")


async def test_designating_twice_is_refused() -> None:
    spec = await case(SCREENED, DESIGNATED)
    (await spec.when(designate, designation("weak_team"), as_=DISTRICT)).refused("already_designated")


async def test_a_town_administrator_may_not_designate_even_in_the_town() -> None:
    spec = await case(SCREENED)
    (await spec.when(designate, designation("weak_team"), as_=TOWN)).refused("role_required")


# --- plan ---------------------------------------------------------------------------------------


def plan_command(
    deadline: dt.date = dt.date(2026, 11, 30), measures: tuple[str, ...] = ("调整班子", "整治村容")
) -> PlanRectification:
    return PlanRectification(
        village_id=V1,
        year=2026,
        responsible_leader="张志强",
        work_group=["刘洋"],
        measures=list(measures),
        deadline=deadline,
    )


async def test_a_town_administrator_plans_the_rectification_numbering_its_measures() -> None:
    spec = await case(SCREENED, DESIGNATED)
    (planned,) = (await spec.when(plan, plan_command(), as_=TOWN)).events
    assert isinstance(planned, RectificationPlanned)
    assert [(m.measure_id, m.text) for m in planned.measures] == [("m1", "调整班子"), ("m2", "整治村容")]
    assert (planned.responsible_leader, planned.deadline) == ("张志强", dt.date(2026, 11, 30))


async def test_planning_for_a_village_not_designated_is_refused() -> None:
    spec = await case(SCREENED)
    (await spec.when(plan, plan_command(), as_=TOWN)).refused("not_designated")


async def test_a_second_plan_is_refused() -> None:
    spec = await case(SCREENED, DESIGNATED, PLANNED)
    (await spec.when(plan, plan_command(), as_=TOWN)).refused("plan_exists")


async def test_a_plan_without_measures_is_refused() -> None:
    spec = await case(SCREENED, DESIGNATED)
    (await spec.when(plan, plan_command(measures=()), as_=TOWN)).refused("measures_required")


async def test_a_plan_due_before_today_is_refused() -> None:
    spec = await case(SCREENED, DESIGNATED)
    (await spec.when(plan, plan_command(deadline=dt.date(2026, 5, 31)), as_=TOWN)).refused("deadline_in_past")


async def test_a_plan_due_today_is_accepted() -> None:
    spec = await case(SCREENED, DESIGNATED)
    (planned,) = (await spec.when(plan, plan_command(deadline=dt.date(2026, 6, 1)), as_=TOWN)).events
    assert planned.deadline == dt.date(2026, 6, 1)


async def test_a_village_secretary_may_not_plan_the_rectification() -> None:
    spec = await case(SCREENED, DESIGNATED)
    (await spec.when(plan, plan_command(), as_=SECRETARY)).refused("role_required")


# --- progress -----------------------------------------------------------------------------------


def progress_command(measure_id: str = "m1", evidence: tuple[str, ...] = ("upl_1",)) -> ReportRectificationProgress:
    return ReportRectificationProgress(
        village_id=V1, year=2026, measure_id=measure_id, done=True, note="已完成", evidence_upload_ids=list(evidence)
    )


async def test_the_village_secretary_reports_a_measure_done_with_uploaded_evidence() -> None:
    spec = (await case(SCREENED, DESIGNATED, PLANNED)).uploaded("upl_1")
    (progressed,) = (await spec.when(progress, progress_command(), as_=SECRETARY)).events
    assert isinstance(progressed, RectificationProgressed)
    assert (progressed.measure_id, progressed.done, progressed.reported_on) == ("m1", True, dt.date(2026, 6, 1))
    assert progressed.evidence_upload_ids == ["upl_1"]


async def test_progress_naming_an_upload_never_uploaded_is_refused() -> None:
    spec = await case(SCREENED, DESIGNATED, PLANNED)
    (await spec.when(progress, progress_command(), as_=SECRETARY)).refused("upload_not_found")


async def test_progress_without_a_plan_is_refused() -> None:
    spec = await case(SCREENED, DESIGNATED)
    (await spec.when(progress, progress_command(evidence=()), as_=SECRETARY)).refused("plan_missing")


async def test_progress_on_a_measure_not_in_the_plan_is_refused() -> None:
    spec = await case(SCREENED, DESIGNATED, PLANNED)
    (await spec.when(progress, progress_command("m9", evidence=()), as_=SECRETARY)).refused("measure_not_found")


async def test_progress_on_a_measure_already_done_is_refused() -> None:
    spec = await case(SCREENED, DESIGNATED, PLANNED, done("m1"))
    (await spec.when(progress, progress_command(evidence=()), as_=SECRETARY)).refused("measure_done")


async def test_progress_after_acceptance_is_refused() -> None:
    accepted = RectificationAccepted(**IDS, accepted_on=dt.date(2026, 6, 1), accepted_by="李明", overdue=False, note="")
    spec = await case(SCREENED, DESIGNATED, PLANNED, done("m1"), done("m2"), accepted)
    (await spec.when(progress, progress_command(evidence=()), as_=SECRETARY)).refused("already_accepted")


async def test_another_villages_secretary_may_not_report_progress() -> None:
    spec = (await case(SCREENED, DESIGNATED, PLANNED)).uploaded("upl_1")
    (await spec.when(progress, progress_command(), as_=OTHER_SECRETARY)).refused("out_of_scope")


# --- accept -------------------------------------------------------------------------------------

ACCEPT = AcceptRectification(village_id=V1, year=2026, note="")
ALL_DONE = (SCREENED, DESIGNATED, PLANNED, done("m1"), done("m2"))


async def test_the_district_accepts_on_the_plans_deadline_day_a_case_with_every_measure_done() -> None:
    spec = await case(*ALL_DONE)
    deadline_evening = dt.datetime(2026, 11, 30, 20, tzinfo=CHINA)
    command = AcceptRectification(village_id=V1, year=2026, note="验收合格")
    (accepted,) = (await spec.when(accept, command, as_=DISTRICT, at=deadline_evening)).events
    assert isinstance(accepted, RectificationAccepted)
    assert (accepted.accepted_on, accepted.accepted_by, accepted.overdue) == (
        dt.date(2026, 11, 30),
        "组织部李明",
        False,
    )


async def test_an_acceptance_after_the_plans_deadline_is_overdue() -> None:
    spec = await case(*ALL_DONE)
    december = dt.datetime(2026, 12, 1, 9, tzinfo=CHINA)
    outcome = await spec.when(accept, ACCEPT, as_=DISTRICT, at=december)
    assert (outcome.events[0].accepted_on, outcome.events[0].overdue) == (dt.date(2026, 12, 1), True)


async def test_an_acceptance_with_open_measures_is_refused_and_names_them() -> None:
    spec = await case(SCREENED, DESIGNATED, PLANNED, done("m1"))
    outcome = await spec.when(accept, ACCEPT, as_=DISTRICT)
    assert outcome.refused("open_measures").extra["open_measures"] == ["m2"]


async def test_an_acceptance_without_a_plan_is_refused() -> None:
    spec = await case(SCREENED, DESIGNATED)
    (await spec.when(accept, ACCEPT, as_=DISTRICT)).refused("plan_missing")


async def test_a_second_acceptance_is_refused() -> None:
    spec = await case(*ALL_DONE)
    await spec.when(accept, ACCEPT, as_=DISTRICT)
    (await spec.when(accept, ACCEPT, as_=DISTRICT)).refused("already_accepted")


async def test_a_town_administrator_may_not_accept() -> None:
    spec = await case(*ALL_DONE)
    (await spec.when(accept, ACCEPT, as_=TOWN)).refused("role_required")


async def test_another_villages_secretary_naming_a_missing_upload_is_refused_as_an_outsider() -> None:
    spec = await case(SCREENED, DESIGNATED, PLANNED)
    (await spec.when(progress, progress_command(), as_=OTHER_SECRETARY)).refused("out_of_scope")
