"""Tickets (吹哨派单), handler by handler: dispatch, the department's steps, verification, extensions,
urging, revisits, and the scheduler's deadline check. Given events, when a command (as a principal,
at a time), then events or a refusal. No database: ``grassroots_common.specification``.

Deadlines are ends of working days in Beijing time, counted on the package's Chinese holidays."""

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
from grassroots_common.workdays import CHINA, WorkCalendar
from grid import handlers
from grid.domain.directory import DIRECTORY_STREAM
from grid.scheduler import DeadlineScheduler

T0 = dt.datetime(2026, 11, 18, 9, tzinfo=CHINA)  # Wednesday 09:00
ACCEPT_BY = T0 + dt.timedelta(hours=2)
DEADLINE = dt.datetime(2026, 11, 25, 23, 59, 59, tzinfo=CHINA)  # five working days after Wednesday 18 Nov
NEXT_DAY = T0 + dt.timedelta(days=1)

DISTRICT = Principal("da_1", "区管理员", frozenset({"district_admin"}))
DISPATCHER = Principal("ca_1", "社区调度员", frozenset({"community_admin"}), {"community": "com_1"})
OTHER_DISPATCHER = Principal("ca_2", "邻社区调度员", frozenset({"community_admin"}), {"community": "com_2"})
GRID_MEMBER = Principal("gm_1", "王网格", frozenset({"grid_member"}), {"community": "com_1", "grid": "grd_1"})
DEPARTMENT = Principal("dh_1", "城管张", frozenset({"department"}), {"department": "dep_a"})
OTHER_DEPARTMENT = Principal("dh_2", "住建李", frozenset({"department"}), {"department": "dep_b"})

DIRECTORY = (
    grid_events.DepartmentRegistered(department_id="dep_a", name="城管局", registered_at=T0),
    grid_events.DepartmentRegistered(department_id="dep_b", name="住建局", registered_at=T0),
    grid_events.RoutingRuleSet(
        category="sanitation", category_name="环境卫生", default_department_id="dep_a", set_at=T0
    ),
)
FILED = grid_events.ReportFiled(
    report_id="rpt_1",
    community_id="com_1",
    grid_id="grd_1",
    reporter_id="gm_1",
    reporter_name="王网格",
    category="sanitation",
    text="东大街垃圾堆积",
    address="东大街 12 号",
    filed_at=T0 - dt.timedelta(hours=1),
)
ESCALATED = grid_events.ReportEscalated(
    report_id="rpt_1",
    community_id="com_1",
    grid_id="grd_1",
    category="sanitation",
    urgency="normal",
    reason="需城管清运",
    escalated_by="gm_1",
    escalated_at=T0 - dt.timedelta(minutes=30),
)
FROM_REPORT = handlers.DispatchTicket(
    category="sanitation", kind="help_request", title="垃圾堆积", text="东大街垃圾堆积", report_id="rpt_1"
)
IDS = {"ticket_id": "tkt_1", "community_id": "com_1", "department_id": "dep_a"}

DISPATCHED = grid_events.TicketDispatched(
    **IDS,
    grid_id="grd_1",
    report_id="rpt_1",
    category="sanitation",
    kind="help_request",
    title="垃圾堆积",
    text="东大街垃圾堆积",
    time_limit_workdays=5,
    accept_by=ACCEPT_BY,
    deadline=DEADLINE,
    dispatched_by="ca_1",
    dispatched_at=T0,
)
ACCEPTED = grid_events.TicketAccepted(**IDS, handler_id="dh_1", handler_name="城管张", on_time=True, accepted_at=T0)
HANDLED = grid_events.TicketHandled(**IDS, handled_at=NEXT_DAY)
REPORTED = grid_events.TicketReportedBack(
    **IDS, result="已清运", on_time=True, deadline=DEADLINE, reported_at=NEXT_DAY + dt.timedelta(hours=1)
)
VERIFIED = grid_events.TicketVerified(
    **IDS, passed=True, verified_by="ca_1", verified_at=NEXT_DAY + dt.timedelta(hours=2)
)
CLOSED_AT = NEXT_DAY + dt.timedelta(hours=2)
CLOSED = grid_events.TicketClosed(**IDS, closed_at=CLOSED_AT)
RETURNED = grid_events.TicketReturned(**IDS, reason="不属于本部门职责", returned_at=T0 + dt.timedelta(hours=1))
ASKED = grid_events.TicketExtensionRequested(
    **IDS,
    reason="需协调清运车辆",
    current_deadline=DEADLINE,
    requested_deadline=DEADLINE + dt.timedelta(days=2),
    requested_at=NEXT_DAY,
)


async def ticket(*events: Event, at: dt.datetime = NEXT_DAY, calendar: WorkCalendar | None = None) -> Specification:
    """A specification at ``at`` whose ticket ``tkt_1`` was dispatched at T0, then ``events``."""
    spec = Specification(at=at, calendar=calendar)
    await spec.given(DIRECTORY_STREAM, *DIRECTORY)
    await spec.given("tkt_1", DISPATCHED, *events)
    return spec


async def escalated_report(at: dt.datetime = T0, calendar: WorkCalendar | None = None) -> Specification:
    """A specification at ``at`` whose report ``rpt_1`` was filed and escalated just before T0."""
    spec = Specification(at=at, calendar=calendar)
    await spec.given(DIRECTORY_STREAM, *DIRECTORY)
    await spec.given("rpt_1", FILED, ESCALATED)
    return spec


# --- dispatch_ticket --------------------------------------------------------------------------


async def test_an_escalated_report_is_dispatched_by_its_rule_within_five_working_days() -> None:
    spec = await escalated_report()
    outcome = await spec.when(handlers.dispatch_ticket, FROM_REPORT, as_=DISPATCHER)
    assert outcome.events == [DISPATCHED]
    answer = outcome.answer.data
    assert (answer["ticket_id"], answer["department_id"]) == ("tkt_1", "dep_a") and "calendar_warning" not in answer
    assert dt.datetime.fromisoformat(answer["accept_by"]) == ACCEPT_BY
    assert dt.datetime.fromisoformat(answer["deadline"]) == DEADLINE


async def test_the_national_day_holidays_push_the_deadline() -> None:
    spec = await escalated_report(at=dt.datetime(2026, 9, 30, 10, tzinfo=CHINA))
    outcome = await spec.when(handlers.dispatch_ticket, FROM_REPORT, as_=DISPATCHER)
    # 1-7 Oct off, Saturday 10 Oct worked: 8, 9, 10, 12, 13 Oct.
    assert outcome.events[0].deadline == dt.datetime(2026, 10, 13, 23, 59, 59, tzinfo=CHINA)


async def test_the_calendar_given_decides_the_working_days() -> None:
    calendar = WorkCalendar({dt.date(2026, 11, 19): False, dt.date(2026, 11, 20): False}, {2026})
    spec = await escalated_report(calendar=calendar)
    outcome = await spec.when(handlers.dispatch_ticket, FROM_REPORT, as_=DISPATCHER)
    assert outcome.events[0].deadline == dt.datetime(2026, 11, 27, 23, 59, 59, tzinfo=CHINA)


async def test_an_emergency_is_due_the_same_working_day() -> None:
    spec = await escalated_report()
    command = handlers.DispatchTicket(
        category="sanitation", kind="emergency", title="管道破裂", text="水管破裂", report_id="rpt_1"
    )
    outcome = await spec.when(handlers.dispatch_ticket, command, as_=DISPATCHER)
    (event,) = outcome.events
    assert (event.time_limit_workdays, event.deadline) == (0, dt.datetime(2026, 11, 18, 23, 59, 59, tzinfo=CHINA))


async def test_a_deadline_in_a_year_without_holidays_is_answered_with_a_warning() -> None:
    spec = await escalated_report(at=dt.datetime(2026, 12, 28, 9, tzinfo=CHINA))
    command = handlers.DispatchTicket(
        category="sanitation", kind="complaint", title="噪音", text="夜间施工", report_id="rpt_1"
    )
    outcome = await spec.when(handlers.dispatch_ticket, command, as_=DISPATCHER)
    assert outcome.events[0].deadline.astimezone(CHINA).year == 2027
    assert "2027 年的法定节假日尚未录入" in outcome.answer.data["calendar_warning"]


async def test_a_ticket_without_a_report_goes_to_the_department_chosen() -> None:
    spec = Specification(at=T0)
    await spec.given(DIRECTORY_STREAM, *DIRECTORY)
    command = handlers.DispatchTicket(
        category="sanitation", kind="consultation", title="咨询", text="来电咨询", department_id="dep_b"
    )
    outcome = await spec.when(handlers.dispatch_ticket, command, as_=DISPATCHER)
    (event,) = outcome.events
    assert (
        isinstance(event, grid_events.TicketDispatched)
        and event.ticket_id.startswith("tkt_")
        and event.ticket_id != "tkt_1"
    )
    assert (event.department_id, event.grid_id, event.report_id) == ("dep_b", None, None)
    assert event.deadline == dt.datetime(2026, 11, 19, 23, 59, 59, tzinfo=CHINA)


async def test_a_report_not_escalated_is_not_dispatched() -> None:
    spec = Specification(at=T0)
    await spec.given(DIRECTORY_STREAM, *DIRECTORY)
    await spec.given("rpt_1", FILED)
    outcome = await spec.when(handlers.dispatch_ticket, FROM_REPORT, as_=DISPATCHER)
    assert outcome.refused("report_not_escalated").extra == {"state": "filed"}


async def test_a_report_becomes_one_ticket() -> None:
    spec = await escalated_report()
    await spec.given("tkt_1", DISPATCHED)
    outcome = await spec.when(handlers.dispatch_ticket, FROM_REPORT, as_=DISPATCHER)
    outcome.refused("ticket_already_dispatched")


async def test_a_category_without_a_routing_rule_is_refused() -> None:
    spec = await escalated_report()
    command = handlers.DispatchTicket(category="lighting", kind="help_request", title="路灯", text="路灯不亮")
    outcome = await spec.when(handlers.dispatch_ticket, command, as_=DISPATCHER)
    outcome.refused("category_unrouted")


async def test_an_unknown_department_chosen_is_refused() -> None:
    spec = await escalated_report()
    command = handlers.DispatchTicket(
        category="sanitation", kind="help_request", title="垃圾", text="垃圾", department_id="dep_z"
    )
    outcome = await spec.when(handlers.dispatch_ticket, command, as_=DISPATCHER)
    assert outcome.refused("department_not_found").field == "department_id"


async def test_another_communitys_report_is_not_found_to_dispatch() -> None:
    spec = await escalated_report()
    outcome = await spec.when(handlers.dispatch_ticket, FROM_REPORT, as_=OTHER_DISPATCHER)
    assert isinstance(outcome.refused("report_not_found"), NotFound)


async def test_a_grid_member_may_not_dispatch() -> None:
    spec = await escalated_report()
    outcome = await spec.when(handlers.dispatch_ticket, FROM_REPORT, as_=GRID_MEMBER)
    assert isinstance(outcome.refused("role_required"), Forbidden)


# --- redispatch_ticket ------------------------------------------------------------------------


async def test_a_returned_ticket_is_dispatched_again_in_a_new_round() -> None:
    spec = await ticket(RETURNED)
    outcome = await spec.when(
        handlers.redispatch_ticket, handlers.RedispatchTicket(ticket_id="tkt_1", department_id="dep_b"), as_=DISPATCHER
    )
    assert outcome.events == [
        DISPATCHED.model_copy(
            update={
                "department_id": "dep_b",
                "round": 2,
                "accept_by": NEXT_DAY + dt.timedelta(hours=2),
                "deadline": dt.datetime(2026, 11, 26, 23, 59, 59, tzinfo=CHINA),
                "dispatched_at": NEXT_DAY,
            }
        )
    ]


async def test_a_ticket_not_returned_is_not_dispatched_again() -> None:
    spec = await ticket(ACCEPTED)
    outcome = await spec.when(handlers.redispatch_ticket, handlers.RedispatchTicket(ticket_id="tkt_1"), as_=DISPATCHER)
    outcome.refused("ticket_not_returned")


# --- accept_ticket ----------------------------------------------------------------------------


async def test_a_ticket_accepted_within_two_hours_is_on_time() -> None:
    spec = await ticket(at=T0 + dt.timedelta(hours=1))
    outcome = await spec.when(handlers.accept_ticket, handlers.AcceptTicket(ticket_id="tkt_1"), as_=DEPARTMENT)
    assert outcome.events == [
        grid_events.TicketAccepted(
            **IDS, handler_id="dh_1", handler_name="城管张", on_time=True, accepted_at=T0 + dt.timedelta(hours=1)
        )
    ]


async def test_a_ticket_accepted_after_two_hours_is_late() -> None:
    spec = await ticket(at=ACCEPT_BY + dt.timedelta(minutes=1))
    outcome = await spec.when(handlers.accept_ticket, handlers.AcceptTicket(ticket_id="tkt_1"), as_=DEPARTMENT)
    assert outcome.events[0].on_time is False


async def test_a_ticket_is_accepted_once() -> None:
    spec = await ticket(ACCEPTED)
    outcome = await spec.when(handlers.accept_ticket, handlers.AcceptTicket(ticket_id="tkt_1"), as_=DEPARTMENT)
    outcome.refused("ticket_already_accepted")


async def test_a_returned_ticket_is_not_accepted() -> None:
    spec = await ticket(RETURNED)
    outcome = await spec.when(handlers.accept_ticket, handlers.AcceptTicket(ticket_id="tkt_1"), as_=DEPARTMENT)
    outcome.refused("ticket_returned")


async def test_an_unknown_ticket_is_not_found() -> None:
    spec = await ticket()
    outcome = await spec.when(handlers.accept_ticket, handlers.AcceptTicket(ticket_id="tkt_9"), as_=DEPARTMENT)
    assert isinstance(outcome.refused("ticket_not_found"), NotFound)


# --- return_ticket ----------------------------------------------------------------------------


async def test_a_department_returns_a_ticket_it_does_not_own() -> None:
    spec = await ticket()
    outcome = await spec.when(
        handlers.return_ticket, handlers.ReturnTicket(ticket_id="tkt_1", reason=" 不属于本部门职责 "), as_=DEPARTMENT
    )
    assert outcome.events == [grid_events.TicketReturned(**IDS, reason="不属于本部门职责", returned_at=NEXT_DAY)]


async def test_a_return_needs_a_reason() -> None:
    spec = await ticket()
    outcome = await spec.when(
        handlers.return_ticket, handlers.ReturnTicket(ticket_id="tkt_1", reason=" "), as_=DEPARTMENT
    )
    outcome.refused("return_reason_required")


async def test_a_handled_ticket_is_not_returned() -> None:
    spec = await ticket(ACCEPTED, HANDLED)
    outcome = await spec.when(
        handlers.return_ticket, handlers.ReturnTicket(ticket_id="tkt_1", reason="不归我们管"), as_=DEPARTMENT
    )
    outcome.refused("ticket_not_returnable")


# --- handle_ticket ----------------------------------------------------------------------------


async def test_an_accepted_ticket_is_handled() -> None:
    spec = await ticket(ACCEPTED)
    outcome = await spec.when(
        handlers.handle_ticket, handlers.HandleTicket(ticket_id="tkt_1", note="已清运"), as_=DEPARTMENT
    )
    assert outcome.events == [grid_events.TicketHandled(**IDS, note="已清运", handled_at=NEXT_DAY)]


async def test_a_ticket_not_accepted_is_not_handled() -> None:
    spec = await ticket()
    outcome = await spec.when(handlers.handle_ticket, handlers.HandleTicket(ticket_id="tkt_1"), as_=DEPARTMENT)
    outcome.refused("ticket_not_accepted")


# --- report_back ------------------------------------------------------------------------------


async def test_a_report_back_with_uploaded_evidence_handles_and_reports_on_time() -> None:
    spec = (await ticket(ACCEPTED)).uploaded("upl_done")
    outcome = await spec.when(
        handlers.report_back,
        handlers.ReportBack(ticket_id="tkt_1", result="已清运", evidence_upload_ids=["upl_done"]),
        as_=DEPARTMENT,
    )
    assert outcome.events == [
        grid_events.TicketHandled(**IDS, handled_at=NEXT_DAY),
        grid_events.TicketReportedBack(
            **IDS,
            result="已清运",
            evidence_upload_ids=["upl_done"],
            on_time=True,
            deadline=DEADLINE,
            reported_at=NEXT_DAY,
        ),
    ]


async def test_evidence_never_uploaded_is_refused() -> None:
    spec = await ticket(ACCEPTED, HANDLED)
    outcome = await spec.when(
        handlers.report_back,
        handlers.ReportBack(ticket_id="tkt_1", result="已清运", evidence_upload_ids=["upl_ghost"]),
        as_=DEPARTMENT,
    )
    assert outcome.refused("upload_not_found").field == "evidence_upload_ids"


async def test_a_report_back_after_the_deadline_is_late() -> None:
    spec = await ticket(ACCEPTED, HANDLED, at=DEADLINE + dt.timedelta(seconds=1))
    outcome = await spec.when(
        handlers.report_back, handlers.ReportBack(ticket_id="tkt_1", result="已清运"), as_=DEPARTMENT
    )
    (reported,) = outcome.events
    assert isinstance(reported, grid_events.TicketReportedBack) and reported.on_time is False


async def test_a_report_back_needs_a_result() -> None:
    spec = await ticket(ACCEPTED, HANDLED)
    outcome = await spec.when(handlers.report_back, handlers.ReportBack(ticket_id="tkt_1", result=" "), as_=DEPARTMENT)
    outcome.refused("result_required")


# --- verify_ticket and close_ticket -----------------------------------------------------------


async def test_a_verified_result_closes_the_ticket() -> None:
    spec = await ticket(ACCEPTED, HANDLED, REPORTED, at=CLOSED_AT)
    outcome = await spec.when(
        handlers.verify_ticket, handlers.VerifyTicket(ticket_id="tkt_1", comment="现场已干净"), as_=DISPATCHER
    )
    assert outcome.events == [
        grid_events.TicketVerified(**IDS, passed=True, comment="现场已干净", verified_by="ca_1", verified_at=CLOSED_AT),
        grid_events.TicketClosed(**IDS, closed_at=CLOSED_AT),
    ]


async def test_a_failed_verification_sends_the_ticket_back_without_closing() -> None:
    spec = await ticket(ACCEPTED, HANDLED, REPORTED, at=CLOSED_AT)
    outcome = await spec.when(
        handlers.verify_ticket,
        handlers.VerifyTicket(ticket_id="tkt_1", passed=False, comment="仍有垃圾"),
        as_=DISPATCHER,
    )
    assert outcome.events == [
        grid_events.TicketVerified(**IDS, passed=False, comment="仍有垃圾", verified_by="ca_1", verified_at=CLOSED_AT)
    ]


async def test_a_failed_verification_needs_a_comment() -> None:
    spec = await ticket(ACCEPTED, HANDLED, REPORTED)
    outcome = await spec.when(
        handlers.verify_ticket, handlers.VerifyTicket(ticket_id="tkt_1", passed=False), as_=DISPATCHER
    )
    outcome.refused("verify_comment_required")


async def test_a_ticket_not_reported_back_is_not_verified() -> None:
    spec = await ticket(ACCEPTED)
    outcome = await spec.when(handlers.verify_ticket, handlers.VerifyTicket(ticket_id="tkt_1"), as_=DISPATCHER)
    outcome.refused("ticket_not_reported_back")


async def test_a_verified_ticket_is_closed() -> None:
    spec = await ticket(ACCEPTED, HANDLED, REPORTED, VERIFIED, at=CLOSED_AT)
    outcome = await spec.when(handlers.close_ticket, handlers.CloseTicket(ticket_id="tkt_1"), as_=DISPATCHER)
    assert outcome.events == [CLOSED]


async def test_a_ticket_not_verified_is_not_closed() -> None:
    spec = await ticket(ACCEPTED, HANDLED, REPORTED)
    outcome = await spec.when(handlers.close_ticket, handlers.CloseTicket(ticket_id="tkt_1"), as_=DISPATCHER)
    outcome.refused("ticket_not_verified")


async def test_a_closed_ticket_is_not_closed_again() -> None:
    spec = await ticket(ACCEPTED, HANDLED, REPORTED, VERIFIED, CLOSED)
    outcome = await spec.when(handlers.close_ticket, handlers.CloseTicket(ticket_id="tkt_1"), as_=DISPATCHER)
    outcome.refused("ticket_already_closed")


# --- request_extension and decide_extension ---------------------------------------------------


async def test_a_department_asks_for_a_later_deadline() -> None:
    spec = await ticket(ACCEPTED)
    wanted = DEADLINE + dt.timedelta(days=2)
    outcome = await spec.when(
        handlers.request_extension,
        handlers.RequestExtension(ticket_id="tkt_1", reason="需协调清运车辆", requested_deadline=wanted),
        as_=DEPARTMENT,
    )
    assert outcome.events == [ASKED]


async def test_no_extension_once_the_deadline_has_passed() -> None:
    spec = await ticket(ACCEPTED, at=DEADLINE + dt.timedelta(minutes=1))
    outcome = await spec.when(
        handlers.request_extension,
        handlers.RequestExtension(
            ticket_id="tkt_1", reason="车辆不足", requested_deadline=DEADLINE + dt.timedelta(days=2)
        ),
        as_=DEPARTMENT,
    )
    outcome.refused("deadline_passed")


async def test_an_extension_must_ask_for_a_later_deadline() -> None:
    spec = await ticket(ACCEPTED)
    outcome = await spec.when(
        handlers.request_extension,
        handlers.RequestExtension(ticket_id="tkt_1", reason="车辆不足", requested_deadline=DEADLINE),
        as_=DEPARTMENT,
    )
    outcome.refused("extension_not_later")


async def test_one_extension_request_pends_at_a_time() -> None:
    spec = await ticket(ACCEPTED, ASKED)
    outcome = await spec.when(
        handlers.request_extension,
        handlers.RequestExtension(
            ticket_id="tkt_1", reason="车辆不足", requested_deadline=DEADLINE + dt.timedelta(days=3)
        ),
        as_=DEPARTMENT,
    )
    outcome.refused("extension_pending")


async def test_an_extension_is_asked_for_an_accepted_ticket_only() -> None:
    spec = await ticket()
    outcome = await spec.when(
        handlers.request_extension,
        handlers.RequestExtension(
            ticket_id="tkt_1", reason="车辆不足", requested_deadline=DEADLINE + dt.timedelta(days=2)
        ),
        as_=DEPARTMENT,
    )
    outcome.refused("ticket_not_accepted")


async def test_an_approved_extension_moves_the_deadline() -> None:
    spec = await ticket(ACCEPTED, ASKED)
    outcome = await spec.when(
        handlers.decide_extension, handlers.DecideExtension(ticket_id="tkt_1", approve=True), as_=DISPATCHER
    )
    assert outcome.events == [
        grid_events.TicketExtended(
            **IDS,
            previous_deadline=DEADLINE,
            new_deadline=DEADLINE + dt.timedelta(days=2),
            decided_by="ca_1",
            decided_at=NEXT_DAY,
        )
    ]


async def test_a_refused_extension_keeps_the_deadline_with_a_reason() -> None:
    spec = await ticket(ACCEPTED, ASKED)
    outcome = await spec.when(
        handlers.decide_extension,
        handlers.DecideExtension(ticket_id="tkt_1", approve=False, reason="时限内可完成"),
        as_=DISPATCHER,
    )
    assert outcome.events == [
        grid_events.TicketExtensionRefused(**IDS, reason="时限内可完成", decided_by="ca_1", decided_at=NEXT_DAY)
    ]


async def test_refusing_an_extension_needs_a_reason() -> None:
    spec = await ticket(ACCEPTED, ASKED)
    outcome = await spec.when(
        handlers.decide_extension, handlers.DecideExtension(ticket_id="tkt_1", approve=False), as_=DISPATCHER
    )
    outcome.refused("refusal_reason_required")


async def test_no_decision_without_a_pending_request() -> None:
    spec = await ticket(ACCEPTED)
    outcome = await spec.when(
        handlers.decide_extension, handlers.DecideExtension(ticket_id="tkt_1", approve=True), as_=DISPATCHER
    )
    outcome.refused("no_extension_request")


# --- urge_ticket ------------------------------------------------------------------------------


async def test_the_district_urges_an_overdue_ticket() -> None:
    late = DEADLINE + dt.timedelta(hours=1)
    spec = await ticket(ACCEPTED, at=late)
    outcome = await spec.when(
        handlers.urge_ticket, handlers.UrgeTicket(ticket_id="tkt_1", note=" 请今日反馈 "), as_=DISTRICT
    )
    assert outcome.events == [
        grid_events.TicketUrged(
            **IDS, note="请今日反馈", urged_by="da_1", urged_by_name="区管理员", round=1, urged_at=late
        )
    ]


async def test_a_ticket_on_time_is_not_urged() -> None:
    spec = await ticket(ACCEPTED)
    outcome = await spec.when(
        handlers.urge_ticket, handlers.UrgeTicket(ticket_id="tkt_1", note="请尽快"), as_=DISPATCHER
    )
    outcome.refused("ticket_not_overdue")


async def test_an_urge_says_what_is_asked() -> None:
    spec = await ticket(at=ACCEPT_BY)
    outcome = await spec.when(handlers.urge_ticket, handlers.UrgeTicket(ticket_id="tkt_1", note="催"), as_=DISPATCHER)
    outcome.refused("urge_note_required")


async def test_a_reported_back_ticket_is_not_urged() -> None:
    spec = await ticket(ACCEPTED, HANDLED, REPORTED, at=DEADLINE + dt.timedelta(hours=1))
    outcome = await spec.when(
        handlers.urge_ticket, handlers.UrgeTicket(ticket_id="tkt_1", note="请反馈"), as_=DISPATCHER
    )
    assert outcome.refused("ticket_not_open").extra["state"] == "reported_back"


# --- record_satisfaction ----------------------------------------------------------------------


async def test_a_satisfied_revisit_settles_the_ticket() -> None:
    spec = await ticket(ACCEPTED, HANDLED, REPORTED, VERIFIED, CLOSED)
    outcome = await spec.when(
        handlers.record_satisfaction,
        handlers.RecordSatisfaction(ticket_id="tkt_1", satisfaction="satisfied", comment="很满意", note="无"),
        as_=DISPATCHER,
    )
    assert outcome.events == [
        grid_events.SatisfactionRecorded(
            **IDS, satisfaction="satisfied", comment="很满意", note="", recorded_by="ca_1", recorded_at=NEXT_DAY
        )
    ]


async def test_a_partly_solved_revisit_reopens_the_ticket_with_new_working_day_limits() -> None:
    friday = dt.datetime(2026, 11, 27, 10, tzinfo=CHINA)
    spec = await ticket(ACCEPTED, HANDLED, REPORTED, VERIFIED, CLOSED, at=friday)
    outcome = await spec.when(
        handlers.record_satisfaction,
        handlers.RecordSatisfaction(ticket_id="tkt_1", satisfaction="partly", comment="还有一半", note="请清理西侧"),
        as_=DISPATCHER,
    )
    recorded, reopened = outcome.events
    assert isinstance(recorded, grid_events.SatisfactionRecorded) and recorded.note == "请清理西侧"
    assert reopened == grid_events.TicketReopened(
        **IDS,
        reason="请清理西侧",
        accept_by=friday + dt.timedelta(hours=2),
        deadline=dt.datetime(2026, 12, 4, 23, 59, 59, tzinfo=CHINA),  # five working days after Friday
        round=2,
        reopened_at=friday,
    )


async def test_a_round_is_revisited_once() -> None:
    recorded = grid_events.SatisfactionRecorded(
        **IDS, satisfaction="satisfied", recorded_by="ca_1", recorded_at=CLOSED_AT
    )
    spec = await ticket(ACCEPTED, HANDLED, REPORTED, VERIFIED, CLOSED, recorded)
    outcome = await spec.when(
        handlers.record_satisfaction,
        handlers.RecordSatisfaction(ticket_id="tkt_1", satisfaction="unsatisfied"),
        as_=DISPATCHER,
    )
    outcome.refused("already_revisited")


async def test_a_ticket_is_revisited_after_closing_only() -> None:
    spec = await ticket(ACCEPTED, HANDLED, REPORTED)
    outcome = await spec.when(
        handlers.record_satisfaction,
        handlers.RecordSatisfaction(ticket_id="tkt_1", satisfaction="satisfied"),
        as_=DISPATCHER,
    )
    outcome.refused("ticket_not_closed")


# --- who may take each step ------------------------------------------------------------------


Handler = Callable[..., Awaitable[CommandResult]]
Step = tuple[Handler, object]

REDISPATCH: Step = (handlers.redispatch_ticket, handlers.RedispatchTicket(ticket_id="tkt_1"))
ACCEPT: Step = (handlers.accept_ticket, handlers.AcceptTicket(ticket_id="tkt_1"))
REPORT_BACK: Step = (handlers.report_back, handlers.ReportBack(ticket_id="tkt_1", result="已清运"))
VERIFY: Step = (handlers.verify_ticket, handlers.VerifyTicket(ticket_id="tkt_1"))
GRANT: Step = (handlers.decide_extension, handlers.DecideExtension(ticket_id="tkt_1", approve=True))
URGE: Step = (handlers.urge_ticket, handlers.UrgeTicket(ticket_id="tkt_1", note="请签收"))
REVISIT: Step = (handlers.record_satisfaction, handlers.RecordSatisfaction(ticket_id="tkt_1", satisfaction="satisfied"))


@pytest.mark.parametrize(
    ("given", "step", "principal", "code"),
    [
        pytest.param(
            (RETURNED,),
            REDISPATCH,
            OTHER_DISPATCHER,
            "not_your_community",
            id="another community's dispatcher redispatches",
        ),
        pytest.param((), ACCEPT, OTHER_DEPARTMENT, "not_your_department", id="another department accepts"),
        pytest.param((), ACCEPT, DISPATCHER, "role_required", id="the dispatcher accepts for the department"),
        pytest.param(
            (ACCEPTED, HANDLED),
            REPORT_BACK,
            OTHER_DEPARTMENT,
            "not_your_department",
            id="another department reports back",
        ),
        pytest.param(
            (ACCEPTED, HANDLED, REPORTED),
            VERIFY,
            DEPARTMENT,
            "role_required",
            id="a department verifies its own result",
        ),
        pytest.param((ACCEPTED, ASKED), GRANT, DEPARTMENT, "role_required", id="a department grants its own extension"),
        pytest.param((), URGE, DEPARTMENT, "role_required", id="a department urges"),
        pytest.param((), URGE, OTHER_DISPATCHER, "not_your_community", id="another community's dispatcher urges"),
        pytest.param(
            (ACCEPTED, HANDLED, REPORTED, VERIFIED, CLOSED),
            REVISIT,
            DEPARTMENT,
            "role_required",
            id="a department records its own revisit",
        ),
    ],
)
async def test_who_may_not_take_the_step_is_refused(
    given: tuple[Event, ...], step: Step, principal: Principal, code: str
) -> None:
    """A step is refused to whom it is not for: another community's dispatcher, another department, a
    department taking the dispatcher's step or the dispatcher the department's."""
    spec = await ticket(*given)
    handler, command = step
    outcome = await spec.when(handler, command, as_=principal)
    assert isinstance(outcome.refused(code), Forbidden)


# --- the scheduler's deadline check (as SYSTEM) -----------------------------------------------


async def test_a_ticket_not_accepted_in_time_is_marked_overdue_once() -> None:
    spec = await ticket(at=ACCEPT_BY)
    scheduler = DeadlineScheduler(spec.runtime)  # type: ignore[arg-type]
    first = await scheduler.check_deadlines("tkt_1", ACCEPT_BY)
    again = await scheduler.check_deadlines("tkt_1", ACCEPT_BY + dt.timedelta(minutes=30))
    assert first.events == ["TicketOverdue"] and again.events == []
    assert (await spec.events_of("tkt_1"))[-1] == grid_events.TicketOverdue(
        **IDS, stage="acceptance", due_at=ACCEPT_BY, round=1, detected_at=ACCEPT_BY
    )


async def test_a_ticket_a_day_past_its_deadline_climbs_two_rungs() -> None:
    now = DEADLINE + dt.timedelta(hours=25)
    spec = await ticket(ACCEPTED, at=now)
    result = await DeadlineScheduler(spec.runtime).check_deadlines("tkt_1", now)  # type: ignore[arg-type]
    assert result.events == ["TicketOverdue", "TicketEscalated", "TicketEscalated"]
    overdue, first, second = (await spec.events_of("tkt_1"))[-3:]
    assert isinstance(overdue, grid_events.TicketOverdue) and (overdue.stage, overdue.due_at) == (
        "resolution",
        DEADLINE,
    )
    assert isinstance(first, grid_events.TicketEscalated) and isinstance(second, grid_events.TicketEscalated)
    assert [(e.level, e.escalated_to) for e in (first, second)] == [(1, "community_leader"), (2, "street_leader")]
    assert second.reason == "超过办理时限 1 天 1 小时未反馈"


async def test_a_reported_back_ticket_raises_nothing_past_its_deadline() -> None:
    now = DEADLINE + dt.timedelta(days=5)
    spec = await ticket(ACCEPTED, HANDLED, REPORTED, at=now)
    result = await DeadlineScheduler(spec.runtime).check_deadlines("tkt_1", now)  # type: ignore[arg-type]
    assert result.events == [] and len(await spec.events_of("tkt_1")) == 4
