"""Standardization inspections, handler by handler: open a round, record a village, close a finding.
Given events, when a command (as a principal, at a time), then events or a refusal; no database."""

from __future__ import annotations

import datetime as dt

from grassroots_common.contracts import village as village_events
from grassroots_common.errors import Forbidden
from grassroots_common.specification import Specification
from village.domain.inspection import inspection_stream_id, round_stream_id
from village.domain.policy import DEFAULT_CHECKLIST, DEFAULT_POLICY, POLICY_STREAM
from village.domain.village import village_stream_id
from village.handlers.inspections import (
    CloseFinding,
    FindingPlan,
    OpenRound,
    RecordInspection,
    TeamPlan,
    close_finding,
    open_round,
    record_inspection,
)

from .given import DISTRICT, NOW, OTHER_SECRETARY, OTHER_TOWN, SECRETARY, T1, T2, TOWN, V1, V2, registered

V3 = "610305108301"
FULL = {a.aspect_id: a.max_score for a in DEFAULT_CHECKLIST}


async def villages() -> Specification:
    spec = Specification(at=NOW)
    await spec.given(village_stream_id(V1), registered(T1, V1, "紫荆村"))
    await spec.given(village_stream_id(V2), registered(T1, V2, "桃园村"))
    await spec.given(village_stream_id(V3), registered(T2, V3, "柳湾村"))
    return spec


def round_opened(
    checklist: list[village_events.ChecklistAspect] = DEFAULT_CHECKLIST,
) -> village_events.InspectionRoundOpened:
    return village_events.InspectionRoundOpened(
        round_id="r1", name="2026年度标准化检查", year=2026, opened_on=dt.date(2026, 4, 1), due_on=dt.date(2026, 6, 30),
        checklist=checklist,
        teams=[village_events.InspectionTeam(team_id="team-1", name="第一组", members=["张三"], villages=[
            village_events.RoundVillage(town_id=T1, village_id=V1), village_events.RoundVillage(town_id=T2, village_id=V3)])],
    )  # fmt: skip


FINDING = village_events.Finding(
    finding_id="f1", aspect_id="rooms", text="部室标识不规范", deadline=dt.date(2026, 5, 10)
)
RECORDED = village_events.InspectionRecorded(
    round_id="r1", team_id="team-1", town_id=T1, village_id=V1, inspected_on=dt.date(2026, 4, 10),
    scores=[village_events.AspectScore(aspect_id=a.aspect_id, score=a.max_score, max_score=a.max_score) for a in DEFAULT_CHECKLIST],
    total_score=100, max_total=100, findings=[FINDING],
)  # fmt: skip


def open_command(**changes: object) -> OpenRound:
    fields: dict = {
        "name": "2026年度标准化检查", "year": 2026, "opened_on": dt.date(2026, 4, 1), "due_on": dt.date(2026, 6, 30),
        "checklist": None,
        "teams": [TeamPlan(name="第一组", members=["张三", "李四"], village_ids=[V1, V3]),
                  TeamPlan(name="第二组", members=["王五"], village_ids=[V2])],
    }  # fmt: skip
    return OpenRound(**(fields | changes))


# --- open_round ---------------------------------------------------------------------------------


async def test_the_district_opens_a_round_with_the_policys_checklist_and_each_villages_town() -> None:
    spec = await villages()
    outcome = await spec.when(open_round, open_command(), as_=DISTRICT)
    (opened,) = outcome.events
    assert isinstance(opened, village_events.InspectionRoundOpened)
    assert [a.aspect_id for a in opened.checklist] == [a.aspect_id for a in DEFAULT_CHECKLIST]
    assert [(t.team_id, [(v.town_id, v.village_id) for v in t.villages]) for t in opened.teams] == [
        ("team-1", [(T1, V1), (T2, V3)]),
        ("team-2", [(T1, V2)]),
    ]
    assert (opened.opened_on, opened.due_on) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert outcome.answer.data == {"round_id": opened.round_id, "villages": 3}


async def test_a_round_takes_the_checklist_of_the_policy_set() -> None:
    spec = await villages()
    checklist = [village_events.ChecklistAspect(aspect_id="rooms", name="部室设置", max_score=50)]
    await spec.given(POLICY_STREAM, DEFAULT_POLICY.model_copy(update={"checklist": checklist}))
    (opened,) = (await spec.when(open_round, open_command(), as_=DISTRICT)).events
    assert opened.checklist == checklist


async def test_a_round_due_before_it_opens_is_refused() -> None:
    spec = await villages()
    outcome = await spec.when(open_round, open_command(due_on=dt.date(2026, 3, 31)), as_=DISTRICT)
    assert outcome.refused("due_before_open").field == "due_on"


async def test_a_round_without_any_checklist_is_refused() -> None:
    spec = await villages()
    await spec.given(POLICY_STREAM, DEFAULT_POLICY.model_copy(update={"checklist": []}))
    (await spec.when(open_round, open_command(), as_=DISTRICT)).refused("checklist_empty")


async def test_a_village_given_to_two_teams_is_refused() -> None:
    spec = await villages()
    teams = [
        TeamPlan(name="第一组", members=["张三"], village_ids=[V1]),
        TeamPlan(name="第二组", members=["王五"], village_ids=[V1]),
    ]
    (await spec.when(open_round, open_command(teams=teams), as_=DISTRICT)).refused("village_twice")


async def test_a_round_naming_an_unregistered_village_is_refused() -> None:
    spec = await villages()
    teams = [TeamPlan(name="第一组", members=["张三"], village_ids=[V1, "610305199999"])]
    (await spec.when(open_round, open_command(teams=teams), as_=DISTRICT)).refused("village_not_found")


async def test_a_town_administrator_may_not_open_a_round() -> None:
    spec = await villages()
    assert isinstance((await spec.when(open_round, open_command(), as_=TOWN)).refused("role_required"), Forbidden)


# --- record_inspection --------------------------------------------------------------------------


def record_command(**changes: object) -> RecordInspection:
    fields: dict = {
        "round_id": "r1", "village_id": V1, "inspected_on": dt.date(2026, 4, 10), "scores": {**FULL, "rooms": 10},
        "findings": [FindingPlan(aspect_id="rooms", text="部室标识不规范", deadline=dt.date(2026, 5, 10))],
    }  # fmt: skip
    return RecordInspection(**(fields | changes))


async def round_given() -> Specification:
    spec = await villages()
    await spec.given(round_stream_id("r1"), round_opened())
    return spec


async def test_a_town_administrator_records_the_inspection_of_a_village_of_the_town() -> None:
    spec = await round_given()
    outcome = await spec.when(record_inspection, record_command(), as_=TOWN)
    (recorded,) = outcome.events
    assert isinstance(recorded, village_events.InspectionRecorded)
    assert (recorded.team_id, recorded.town_id, recorded.total_score, recorded.max_total) == ("team-1", T1, 95, 100)
    assert [(f.aspect_id, f.deadline) for f in recorded.findings] == [("rooms", dt.date(2026, 5, 10))]
    assert outcome.answer.data == {"total_score": 95, "finding_ids": [recorded.findings[0].finding_id]}
    assert outcome.answer.stream_id == inspection_stream_id("r1", V1)


async def test_an_inspection_in_an_unknown_round_is_refused() -> None:
    spec = await villages()
    (await spec.when(record_inspection, record_command(), as_=TOWN)).refused("round_not_found")


async def test_an_inspection_of_a_village_outside_the_round_is_refused() -> None:
    spec = await round_given()
    (await spec.when(record_inspection, record_command(village_id=V2), as_=TOWN)).refused("village_not_in_round")


async def test_scores_missing_an_aspect_are_refused() -> None:
    spec = await round_given()
    scores = {k: v for k, v in FULL.items() if k != "signage"}
    outcome = await spec.when(record_inspection, record_command(scores=scores), as_=TOWN)
    assert "signage" in outcome.refused("aspects_mismatch").message


async def test_a_score_above_the_aspects_maximum_is_refused() -> None:
    spec = await round_given()
    outcome = await spec.when(record_inspection, record_command(scores={**FULL, "signage": 11}), as_=TOWN)
    outcome.refused("score_out_of_range")


async def test_a_finding_of_an_aspect_not_in_the_checklist_is_refused() -> None:
    spec = await round_given()
    findings = [FindingPlan(aspect_id="parking", text="停车混乱", deadline=dt.date(2026, 5, 10))]
    (await spec.when(record_inspection, record_command(findings=findings), as_=TOWN)).refused("finding_aspect_unknown")


async def test_a_finding_due_before_the_inspection_is_refused() -> None:
    spec = await round_given()
    findings = [FindingPlan(aspect_id="rooms", text="部室标识不规范", deadline=dt.date(2026, 4, 9))]
    outcome = await spec.when(record_inspection, record_command(findings=findings), as_=TOWN)
    outcome.refused("deadline_before_inspection")


async def test_a_village_inspected_twice_in_a_round_is_refused() -> None:
    spec = await round_given()
    await spec.given(inspection_stream_id("r1", V1), RECORDED)
    (await spec.when(record_inspection, record_command(), as_=TOWN)).refused("already_inspected")


async def test_a_town_administrator_may_not_record_a_village_of_another_town() -> None:
    spec = await round_given()
    (await spec.when(record_inspection, record_command(village_id=V3), as_=TOWN)).refused("out_of_scope")


async def test_a_village_secretary_may_not_record_the_inspection_of_the_village() -> None:
    spec = await round_given()
    (await spec.when(record_inspection, record_command(), as_=SECRETARY)).refused("role_required")


# --- close_finding ------------------------------------------------------------------------------


def close_command(**changes: object) -> CloseFinding:
    fields: dict = {
        "round_id": "r1", "village_id": V1, "finding_id": "f1", "closed_on": dt.date(2026, 5, 10),
        "note": "已更换标识", "evidence_upload_ids": ["upl_1"],
    }  # fmt: skip
    return CloseFinding(**(fields | changes))


async def inspected() -> Specification:
    spec = await round_given()
    await spec.given(inspection_stream_id("r1", V1), RECORDED)
    return spec.uploaded("upl_1")


async def test_the_village_secretary_closes_a_finding_on_its_deadline_day_with_an_uploaded_photo() -> None:
    spec = await inspected()
    (closed,) = (await spec.when(close_finding, close_command(), as_=SECRETARY)).events
    assert isinstance(closed, village_events.FindingClosed)
    assert (closed.town_id, closed.village_id, closed.finding_id, closed.closed_on) == (
        T1,
        V1,
        "f1",
        dt.date(2026, 5, 10),
    )
    assert closed.evidence_upload_ids == ["upl_1"] and closed.overdue is False


async def test_a_finding_closed_after_its_deadline_is_overdue() -> None:
    spec = await inspected()
    (closed,) = (await spec.when(close_finding, close_command(closed_on=dt.date(2026, 5, 11)), as_=SECRETARY)).events
    assert closed.overdue is True


async def test_evidence_never_uploaded_is_refused() -> None:
    spec = await inspected()
    outcome = await spec.when(close_finding, close_command(evidence_upload_ids=["upl_1", "upl_9"]), as_=SECRETARY)
    refusal = outcome.refused("upload_not_found")
    assert refusal.field == "evidence_upload_ids" and "upl_9" in refusal.message and "upl_1" not in refusal.message


async def test_a_finding_closes_without_evidence_is_refused() -> None:
    spec = await inspected()
    (await spec.when(close_finding, close_command(evidence_upload_ids=[]), as_=SECRETARY)).refused("evidence_required")


async def test_a_finding_closed_on_a_day_not_yet_come_in_beijing_is_refused() -> None:
    spec = await inspected()
    late_evening_utc = dt.datetime(2026, 6, 1, 15, 30, tzinfo=dt.UTC)  # 23:30 in Beijing, still 1 June
    outcome = await spec.when(
        close_finding, close_command(closed_on=dt.date(2026, 6, 2)), as_=SECRETARY, at=late_evening_utc
    )
    outcome.refused("closed_in_future")


async def test_a_finding_closed_today_in_beijing_while_still_yesterday_in_utc_is_accepted() -> None:
    spec = await inspected()
    after_midnight = dt.datetime(2026, 6, 1, 16, 30, tzinfo=dt.UTC)  # 00:30 on 2 June in Beijing
    outcome = await spec.when(
        close_finding, close_command(closed_on=dt.date(2026, 6, 2)), as_=SECRETARY, at=after_midnight
    )
    assert outcome.events[0].closed_on == dt.date(2026, 6, 2) and outcome.events[0].overdue is True


async def test_a_finding_closed_before_the_inspection_is_refused() -> None:
    spec = await inspected()
    outcome = await spec.when(close_finding, close_command(closed_on=dt.date(2026, 4, 9)), as_=SECRETARY)
    outcome.refused("closed_before_inspection")


async def test_a_finding_closed_twice_is_refused() -> None:
    spec = await inspected()
    await spec.when(close_finding, close_command(), as_=SECRETARY)
    (await spec.when(close_finding, close_command(), as_=SECRETARY)).refused("finding_already_closed")


async def test_an_unknown_finding_is_refused() -> None:
    spec = await inspected()
    (await spec.when(close_finding, close_command(finding_id="f9"), as_=SECRETARY)).refused("finding_not_found")


async def test_a_finding_of_a_village_not_yet_inspected_is_refused() -> None:
    spec = (await round_given()).uploaded("upl_1")
    (await spec.when(close_finding, close_command(), as_=SECRETARY)).refused("inspection_not_found")


async def test_another_villages_secretary_may_not_close_the_finding() -> None:
    spec = await inspected()
    (await spec.when(close_finding, close_command(), as_=OTHER_SECRETARY)).refused("out_of_scope")


async def test_a_town_administrator_of_another_town_may_not_close_the_finding() -> None:
    spec = await inspected()
    (await spec.when(close_finding, close_command(), as_=OTHER_TOWN)).refused("out_of_scope")


async def test_another_villages_secretary_naming_a_missing_upload_is_refused_as_an_outsider() -> None:
    spec = await inspected()
    outcome = await spec.when(close_finding, close_command(evidence_upload_ids=["upl_9"]), as_=OTHER_SECRETARY)
    outcome.refused("out_of_scope")
