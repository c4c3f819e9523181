"""Patrol reports, handler by handler: file, resolve in the grid, escalate, join, merge. Given
events, when a command (as a principal, at a time), then events or a refusal. No database:
``grassroots_common.specification``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import pytest

from grassroots_common.auth import Principal
from grassroots_common.commands import CommandResult
from grassroots_common.contracts.grid import (
    ReportEscalated,
    ReportFiled,
    ReportJoined,
    ReportMerged,
    ResolvedInGrid,
    TicketClosed,
    TicketDispatched,
)
from grassroots_common.errors import Forbidden, NotFound
from grassroots_common.specification import Specification
from grassroots_common.workdays import CHINA
from grid import handlers

T0 = dt.datetime(2026, 11, 18, 9, tzinfo=CHINA)  # a Wednesday
LATER = T0 + dt.timedelta(hours=3)

GRID_MEMBER = Principal("gm_1", "王网格", frozenset({"grid_member"}), {"community": "com_1", "grid": "grd_1"})
NEIGHBOUR = Principal("gm_2", "李网格", frozenset({"grid_member"}), {"community": "com_1", "grid": "grd_2"})
CHIEF = Principal("gc_1", "总网格长", frozenset({"grid_chief"}), {"community": "com_1"})
DISPATCHER = Principal("ca_1", "社区调度员", frozenset({"community_admin"}), {"community": "com_1"})
OTHER_DISPATCHER = Principal("ca_2", "邻社区调度员", frozenset({"community_admin"}), {"community": "com_2"})
DEPARTMENT = Principal("dh_1", "城管张", frozenset({"department"}), {"department": "dep_a"})

PATROL = handlers.FileReport(category="sanitation", text="东大街垃圾堆积", address="东大街 12 号")
RESOLVE = handlers.ResolveReport(report_id="rpt_1", resolution="已清理")
MERGE_2_INTO_1 = handlers.MergeReport(report_id="rpt_2", into="rpt_1")

REPORT_1 = {"report_id": "rpt_1", "community_id": "com_1", "grid_id": "grd_1"}

Handler = Callable[..., Awaitable[CommandResult]]
Step = tuple[Handler, object]


def filed(report_id: str = "rpt_1", **changes: object) -> ReportFiled:
    values: dict = {
        "report_id": report_id,
        "community_id": "com_1",
        "grid_id": "grd_1",
        "reporter_id": "gm_1",
        "reporter_name": "王网格",
        "category": "sanitation",
        "text": "东大街垃圾堆积",
        "address": "东大街 12 号",
        "urgency": "urgent",
        "filed_at": T0,
    }
    values.update(changes)
    return ReportFiled(**values)


def duplicate(**changes: object) -> ReportFiled:
    """``rpt_2``: the same matter as ``rpt_1``, filed by the neighbour grid's member."""
    return filed("rpt_2", **{"reporter_id": "gm_2", "reporter_name": "李网格", **changes})


def escalated(report_id: str = "rpt_1") -> ReportEscalated:
    return ReportEscalated(
        report_id=report_id,
        community_id="com_1",
        grid_id="grd_1",
        category="sanitation",
        urgency="urgent",
        reason="需城管清运",
        escalated_by="gm_1",
        escalated_at=T0,
    )


def dispatched(ticket_id: str, report_id: str) -> TicketDispatched:
    return TicketDispatched(
        ticket_id=ticket_id,
        community_id="com_1",
        grid_id="grd_1",
        report_id=report_id,
        category="sanitation",
        kind="help_request",
        title="垃圾堆积",
        text="东大街垃圾堆积",
        department_id="dep_a",
        time_limit_workdays=5,
        accept_by=T0 + dt.timedelta(hours=2),
        deadline=dt.datetime(2026, 11, 25, 23, 59, 59, tzinfo=CHINA),
        dispatched_by="ca_1",
        dispatched_at=T0,
    )


# --- file_report ------------------------------------------------------------------------------


async def test_a_grid_member_files_a_report_in_their_own_grid() -> None:
    spec = Specification(at=T0)
    outcome = await spec.when(handlers.file_report, PATROL, as_=GRID_MEMBER)
    (report,) = outcome.events
    assert isinstance(report, ReportFiled)
    assert report.report_id.startswith("rpt_") and outcome.answer.data == {"report_id": report.report_id}
    assert outcome.answer.stream_id == report.report_id
    assert (report.community_id, report.grid_id, report.reporter_id, report.reporter_name) == (
        "com_1",
        "grd_1",
        "gm_1",
        "王网格",
    )
    assert (report.urgency, report.filed_at) == ("normal", T0)


async def test_a_report_with_an_uploaded_photo_keeps_it() -> None:
    spec = Specification(at=T0).uploaded("upl_photo")
    outcome = await spec.when(
        handlers.file_report,
        handlers.FileReport(category="sanitation", text="垃圾", address="东大街", photo_upload_ids=["upl_photo"]),
        as_=GRID_MEMBER,
    )
    assert outcome.events[0].photo_upload_ids == ["upl_photo"]


async def test_a_report_naming_a_photo_never_uploaded_is_refused() -> None:
    spec = Specification(at=T0).uploaded("upl_photo")
    outcome = await spec.when(
        handlers.file_report,
        handlers.FileReport(
            category="sanitation", text="垃圾", address="东大街", photo_upload_ids=["upl_photo", "upl_ghost"]
        ),
        as_=GRID_MEMBER,
    )
    refusal = outcome.refused("upload_not_found")
    assert refusal.field == "photo_upload_ids" and "upl_ghost" in refusal.message and "upl_photo" not in refusal.message


async def test_a_retried_report_with_the_same_key_is_filed_once() -> None:
    spec = Specification(at=T0)
    first = await spec.when(handlers.file_report, PATROL, as_=GRID_MEMBER, key="patrol-1")
    retry = await spec.when(handlers.file_report, PATROL, as_=GRID_MEMBER, key="patrol-1", at=LATER)
    assert retry.events == [] and retry.answer == first.answer
    assert len(await spec.events_of(first.answer.data["report_id"])) == 1


async def test_a_key_reused_for_another_report_is_refused() -> None:
    spec = Specification(at=T0)
    await spec.when(handlers.file_report, PATROL, as_=GRID_MEMBER, key="patrol-1")
    other = handlers.FileReport(category="sanitation", text="路灯不亮", address="西大街")
    outcome = await spec.when(handlers.file_report, other, as_=GRID_MEMBER, key="patrol-1")
    outcome.refused("idempotency_key_reused")


async def test_a_latitude_without_a_longitude_is_refused() -> None:
    spec = Specification(at=T0)
    outcome = await spec.when(
        handlers.file_report,
        handlers.FileReport(category="sanitation", text="垃圾", address="东大街", latitude=34.52),
        as_=GRID_MEMBER,
    )
    outcome.refused("coordinates_incomplete")


async def test_a_community_wide_role_files_in_the_grid_it_names() -> None:
    spec = Specification(at=T0)
    outcome = await spec.when(
        handlers.file_report,
        handlers.FileReport(category="sanitation", text="垃圾", address="东大街", grid_id="grd_2"),
        as_=CHIEF,
    )
    assert (outcome.events[0].community_id, outcome.events[0].grid_id) == ("com_1", "grd_2")


@pytest.mark.parametrize(
    ("report", "principal", "code"),
    [
        pytest.param(
            handlers.FileReport(category="sanitation", text="垃圾", address="东大街", grid_id="grd_2"),
            GRID_MEMBER,
            "not_your_grid",
            id="a grid member in another grid",
        ),
        pytest.param(
            PATROL,
            Principal("gm_9", "新网格员", frozenset({"grid_member"}), {"community": "com_1"}),
            "grid_scope_missing",
            id="a grid member without a grid",
        ),
        pytest.param(PATROL, DEPARTMENT, "role_required", id="a department"),
    ],
)
async def test_who_may_not_file_the_report_is_refused(
    report: handlers.FileReport, principal: Principal, code: str
) -> None:
    spec = Specification(at=T0)
    outcome = await spec.when(handlers.file_report, report, as_=principal)
    assert isinstance(outcome.refused(code), Forbidden)


# --- resolve_report ---------------------------------------------------------------------------


async def test_a_report_is_resolved_in_its_grid() -> None:
    spec = Specification(at=T0).uploaded("upl_after")
    await spec.given("rpt_1", filed())
    outcome = await spec.when(
        handlers.resolve_report,
        handlers.ResolveReport(report_id="rpt_1", resolution=" 已现场清理 ", photo_upload_ids=["upl_after"]),
        as_=GRID_MEMBER,
        at=LATER,
    )
    assert outcome.events == [
        ResolvedInGrid(
            **REPORT_1,
            resolution="已现场清理",
            photo_upload_ids=["upl_after"],
            resolved_by="gm_1",
            resolved_at=LATER,
        )
    ]


async def test_a_resolution_needs_words() -> None:
    spec = Specification(at=T0)
    await spec.given("rpt_1", filed())
    outcome = await spec.when(
        handlers.resolve_report, handlers.ResolveReport(report_id="rpt_1", resolution="  "), as_=GRID_MEMBER
    )
    outcome.refused("resolution_required")


async def test_an_escalated_report_is_no_longer_resolved_in_the_grid() -> None:
    spec = Specification(at=T0)
    await spec.given("rpt_1", filed(), escalated())
    outcome = await spec.when(handlers.resolve_report, RESOLVE, as_=GRID_MEMBER)
    outcome.refused("report_escalated")


async def test_resolving_an_unknown_report_is_refused() -> None:
    spec = Specification(at=T0)
    outcome = await spec.when(
        handlers.resolve_report, handlers.ResolveReport(report_id="rpt_9", resolution="已清理"), as_=GRID_MEMBER
    )
    assert isinstance(outcome.refused("report_not_found"), NotFound)


# --- escalate_report --------------------------------------------------------------------------


async def test_an_escalation_carries_the_reports_category_and_urgency() -> None:
    spec = Specification(at=T0)
    await spec.given("rpt_1", filed())
    outcome = await spec.when(
        handlers.escalate_report, handlers.EscalateReport(report_id="rpt_1", reason=" 需城管清运 "), as_=CHIEF, at=LATER
    )
    assert outcome.events == [
        ReportEscalated(
            **REPORT_1,
            category="sanitation",
            urgency="urgent",
            reason="需城管清运",
            escalated_by="gc_1",
            escalated_at=LATER,
        )
    ]


async def test_a_report_resolved_in_the_grid_is_not_escalated() -> None:
    spec = Specification(at=T0)
    resolved = ResolvedInGrid(
        **REPORT_1,
        resolution="已清理",
        resolved_by="gm_1",
        resolved_at=T0,
    )
    await spec.given("rpt_1", filed(), resolved)
    outcome = await spec.when(
        handlers.escalate_report, handlers.EscalateReport(report_id="rpt_1", reason="复发"), as_=GRID_MEMBER
    )
    outcome.refused("report_resolved")


# --- join_report ------------------------------------------------------------------------------


async def test_a_member_of_another_grid_joins_the_report_as_a_co_reporter() -> None:
    spec = Specification(at=T0)
    await spec.given("rpt_1", filed())
    outcome = await spec.when(
        handlers.join_report, handlers.JoinReport(report_id="rpt_1", note="西侧也有"), as_=NEIGHBOUR, at=LATER
    )
    assert outcome.events == [
        ReportJoined(
            **REPORT_1,
            person_id="gm_2",
            person_name="李网格",
            note="西侧也有",
            via="join",
            joined_at=LATER,
        )
    ]


async def test_the_reporter_may_not_join_their_own_report() -> None:
    spec = Specification(at=T0)
    await spec.given("rpt_1", filed())
    outcome = await spec.when(handlers.join_report, handlers.JoinReport(report_id="rpt_1"), as_=GRID_MEMBER)
    outcome.refused("own_report")


async def test_a_report_whose_ticket_closed_over_a_week_ago_is_not_joined() -> None:
    spec = Specification(at=T0)
    await spec.given("rpt_1", filed(), escalated())
    closed = TicketClosed(ticket_id="tkt_1", community_id="com_1", department_id="dep_a", closed_at=LATER)
    await spec.given("tkt_1", dispatched("tkt_1", "rpt_1"), closed)
    outcome = await spec.when(
        handlers.join_report, handlers.JoinReport(report_id="rpt_1"), as_=NEIGHBOUR, at=LATER + dt.timedelta(days=8)
    )
    outcome.refused("report_closed_long_ago")


async def test_a_report_of_another_community_is_not_found_to_join() -> None:
    spec = Specification(at=T0)
    await spec.given("rpt_1", filed(community_id="com_2"))
    outcome = await spec.when(handlers.join_report, handlers.JoinReport(report_id="rpt_1"), as_=NEIGHBOUR)
    outcome.refused("report_not_found")


# --- who may act on a filed report -----------------------------------------------------------


RESOLVE_STEP: Step = (handlers.resolve_report, RESOLVE)
ESCALATE: Step = (handlers.escalate_report, handlers.EscalateReport(report_id="rpt_1", reason="需处理"))
JOIN: Step = (handlers.join_report, handlers.JoinReport(report_id="rpt_1"))


@pytest.mark.parametrize(
    ("step", "principal", "code"),
    [
        pytest.param(RESOLVE_STEP, NEIGHBOUR, "not_your_grid", id="another grid's member resolves"),
        pytest.param(
            RESOLVE_STEP, OTHER_DISPATCHER, "not_your_community", id="another community's dispatcher resolves"
        ),
        pytest.param(ESCALATE, DEPARTMENT, "role_required", id="a department escalates"),
        pytest.param(JOIN, DEPARTMENT, "role_required", id="a department joins"),
    ],
)
async def test_who_may_not_act_on_the_report_is_refused(step: Step, principal: Principal, code: str) -> None:
    spec = Specification(at=T0)
    await spec.given("rpt_1", filed())
    handler, command = step
    outcome = await spec.when(handler, command, as_=principal)
    assert isinstance(outcome.refused(code), Forbidden)


# --- merge_report -----------------------------------------------------------------------------


async def test_a_merged_duplicates_reporter_joins_the_kept_report() -> None:
    spec = Specification(at=T0)
    await spec.given("rpt_1", filed())
    await spec.given("rpt_2", duplicate(grid_id="grd_2"))
    outcome = await spec.when(handlers.merge_report, MERGE_2_INTO_1, as_=DISPATCHER, at=LATER)
    assert outcome.events == [
        ReportMerged(
            report_id="rpt_2",
            community_id="com_1",
            grid_id="grd_2",
            into_report_id="rpt_1",
            reporter_id="gm_2",
            reporter_name="李网格",
            merged_by="ca_1",
            merged_at=LATER,
        ),
        ReportJoined(
            **REPORT_1,
            person_id="gm_2",
            person_name="李网格",
            via="merge",
            merged_report_id="rpt_2",
            joined_at=LATER,
        ),
    ]
    assert outcome.answer.data == {"report_id": "rpt_2", "into_report_id": "rpt_1"}


async def test_a_merge_sent_again_changes_nothing() -> None:
    spec = Specification(at=T0)
    await spec.given("rpt_1", filed())
    await spec.given("rpt_2", duplicate())
    await spec.when(handlers.merge_report, MERGE_2_INTO_1, as_=DISPATCHER)
    again = await spec.when(handlers.merge_report, MERGE_2_INTO_1, as_=DISPATCHER)
    assert again.events == [] and again.answer.data == {"report_id": "rpt_2", "into_report_id": "rpt_1"}


async def test_a_duplicate_a_ticket_was_dispatched_from_is_not_merged() -> None:
    spec = Specification(at=T0)
    await spec.given("rpt_1", filed())
    await spec.given("rpt_2", duplicate(), escalated("rpt_2"))
    await spec.given("tkt_2", dispatched("tkt_2", "rpt_2"))
    outcome = await spec.when(handlers.merge_report, MERGE_2_INTO_1, as_=DISPATCHER)
    outcome.refused("duplicate_has_ticket")


async def test_reports_of_different_categories_are_not_merged() -> None:
    spec = Specification(at=T0)
    await spec.given("rpt_1", filed())
    await spec.given("rpt_2", duplicate(category="lighting"))
    outcome = await spec.when(handlers.merge_report, MERGE_2_INTO_1, as_=DISPATCHER)
    outcome.refused("category_mismatch")


async def test_a_report_is_not_merged_into_itself() -> None:
    spec = Specification(at=T0)
    await spec.given("rpt_1", filed())
    outcome = await spec.when(
        handlers.merge_report, handlers.MergeReport(report_id="rpt_1", into="rpt_1"), as_=DISPATCHER
    )
    outcome.refused("merge_into_itself")


async def test_a_dispatcher_may_not_merge_into_another_communitys_report() -> None:
    spec = Specification(at=T0)
    await spec.given("rpt_1", filed(community_id="com_2"))
    await spec.given("rpt_2", duplicate())
    outcome = await spec.when(handlers.merge_report, MERGE_2_INTO_1, as_=DISPATCHER)
    refusal = outcome.refused("not_your_community")
    assert isinstance(refusal, Forbidden) and refusal.field == "into"


async def test_a_grid_member_may_not_merge_reports() -> None:
    spec = Specification(at=T0)
    await spec.given("rpt_1", filed())
    await spec.given("rpt_2", duplicate())
    outcome = await spec.when(handlers.merge_report, MERGE_2_INTO_1, as_=GRID_MEMBER)
    assert isinstance(outcome.refused("role_required"), Forbidden)
