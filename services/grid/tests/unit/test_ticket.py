"""The Ticket aggregate: given events → command → events or a 409 with a stable code."""

from __future__ import annotations

import datetime as dt

import pytest

from grassroots_common.contracts.grid import TicketDispatched, TicketKind
from grassroots_common.errors import Conflict, Invalid
from grassroots_common.events import load_event, upcast
from grassroots_common.workdays import WorkCalendar
from grid.domain.deadlines import accept_deadline, resolution_deadline, time_limit
from grid.domain.ticket import Routing, Ticket

T0 = dt.datetime(2026, 11, 18, 1, 0, tzinfo=dt.UTC)  # Wednesday 09:00 Beijing
CALENDAR = WorkCalendar(years={2026})
ROUTING = Routing("dep_a", None, (), 5, 2.0)


def dispatched(**changes: object) -> TicketDispatched:
    values: dict = {
        "ticket_id": "tkt_1",
        "community_id": "com_1",
        "grid_id": "grd_1",
        "category": "sanitation",
        "kind": "help_request",
        "title": "垃圾",
        "text": "垃圾堆积",
        "department_id": "dep_a",
        "time_limit_workdays": 5,
        "accept_by": T0 + dt.timedelta(hours=2),
        "deadline": dt.datetime(2026, 11, 25, 15, 59, 59, tzinfo=dt.UTC),
        "dispatched_by": "ca_1",
        "dispatched_at": T0,
    }
    values.update(changes)
    return TicketDispatched(**values)


def raised(t: Ticket) -> list[str]:
    return [p.event.type_name() for p in t.take_pending()]


def new_ticket(
    *, kind: TicketKind = "help_request", routing: Routing = ROUTING, calendar: WorkCalendar = CALENDAR
) -> Ticket:
    """A ticket dispatched at T0 (a help request to dep_a in five working days, unless told)."""
    t = Ticket("tkt_1")
    t.dispatch(
        community_id="com_1",
        grid_id="grd_1",
        report_id=None,
        category="sanitation",
        kind=kind,
        title="垃圾",
        text="垃圾堆积",
        address="",
        routing=routing,
        calendar=calendar,
        dispatched_by="ca_1",
        now=T0,
    )
    return t


def test_dispatch_sets_acceptance_within_two_hours_and_a_working_day_deadline() -> None:
    t = new_ticket()
    [event] = [p.event for p in t.take_pending()]
    assert isinstance(event, TicketDispatched)
    assert event.accept_by == T0 + dt.timedelta(hours=2)
    # Five working days after Wednesday 18 Nov: Wednesday 25 Nov, end of day Beijing time.
    assert event.deadline == dt.datetime(2026, 11, 25, 15, 59, 59, tzinfo=dt.UTC)


def test_both_time_limits_are_in_utc_whatever_the_clock_s_zone() -> None:
    beijing = dt.timezone(dt.timedelta(hours=8))
    assert accept_deadline(T0.astimezone(beijing), 2.0).utcoffset() == dt.timedelta(0)
    assert accept_deadline(T0.astimezone(beijing), 2.0) == T0 + dt.timedelta(hours=2)
    assert resolution_deadline(CALENDAR, T0.astimezone(beijing), 5).utcoffset() == dt.timedelta(0)


def test_time_limits_by_kind_and_emergency_is_always_same_day() -> None:
    assert [time_limit(k, None) for k in ("emergency", "consultation", "help_request", "complaint")] == [0, 1, 5, 10]
    assert time_limit("complaint", 3) == 3
    assert time_limit("emergency", 3) == 0


def test_holidays_push_the_deadline() -> None:
    calendar = WorkCalendar({dt.date(2026, 11, 19): False, dt.date(2026, 11, 20): False}, {2026})
    t = new_ticket(kind="consultation", routing=Routing("d", None, (), 1, 2.0), calendar=calendar)
    assert t.deadline == dt.datetime(2026, 11, 23, 15, 59, 59, tzinfo=dt.UTC)  # Monday


def test_full_lifecycle() -> None:
    t = Ticket.replay("tkt_1", [dispatched()])
    t.accept(handler_id="h", handler_name="承办人", now=T0 + dt.timedelta(hours=1))
    t.report_back(result="已处理", evidence_upload_ids=["upl_1"], now=T0 + dt.timedelta(days=1))
    t.verify(passed=True, comment="", verified_by="ca_1", close=True, now=T0 + dt.timedelta(days=2))
    assert raised(t) == ["TicketAccepted", "TicketHandled", "TicketReportedBack", "TicketVerified", "TicketClosed"]
    assert t.state == "closed"


def test_a_returned_ticket_cannot_be_accepted() -> None:
    t = Ticket.replay("tkt_1", [dispatched()])
    t.return_ticket(reason="不属本部门职责", now=T0)
    with pytest.raises(Conflict) as err:
        t.accept(handler_id="h", handler_name="h", now=T0)
    assert err.value.code == "ticket_returned"


def test_return_needs_a_reason() -> None:
    t = Ticket.replay("tkt_1", [dispatched()])
    with pytest.raises(Invalid) as err:
        t.return_ticket(reason="  ", now=T0)
    assert err.value.code == "return_reason_required"


def test_no_closing_without_verification() -> None:
    t = Ticket.replay("tkt_1", [dispatched()])
    t.accept(handler_id="h", handler_name="h", now=T0)
    t.report_back(result="已处理", evidence_upload_ids=[], now=T0)
    with pytest.raises(Conflict) as err:
        t.close(now=T0)
    assert err.value.code == "ticket_not_verified"


def test_failed_verification_sends_it_back_to_the_department() -> None:
    t = Ticket.replay("tkt_1", [dispatched()])
    t.accept(handler_id="h", handler_name="h", now=T0)
    t.report_back(result="已处理", evidence_upload_ids=[], now=T0)
    t.verify(passed=False, comment="现场仍有垃圾", verified_by="ca", close=True, now=T0)
    assert t.state == "accepted"
    t.report_back(result="再次清理", evidence_upload_ids=[], now=T0)
    assert t.state == "reported_back"


def test_no_extension_after_the_deadline() -> None:
    t = Ticket.replay("tkt_1", [dispatched()])
    t.accept(handler_id="h", handler_name="h", now=T0)
    late = t.deadline + dt.timedelta(minutes=1)  # type: ignore[operator]
    with pytest.raises(Conflict) as err:
        t.request_extension(reason="材料未到", requested_deadline=late + dt.timedelta(days=3), now=late)
    assert err.value.code == "deadline_passed"


def test_extension_approved_moves_the_deadline_and_only_one_request_at_a_time() -> None:
    t = Ticket.replay("tkt_1", [dispatched()])
    t.accept(handler_id="h", handler_name="h", now=T0)
    wanted = t.deadline + dt.timedelta(days=3)  # type: ignore[operator]
    t.request_extension(reason="材料未到", requested_deadline=wanted, now=T0)
    with pytest.raises(Conflict) as err:
        t.request_extension(reason="材料未到", requested_deadline=wanted, now=T0)
    assert err.value.code == "extension_pending"
    t.decide_extension(approve=True, reason="", decided_by="ca", now=T0)
    assert t.deadline == wanted
    with pytest.raises(Conflict) as err:
        t.decide_extension(approve=False, reason="不同意", decided_by="ca", now=T0)
    assert err.value.code == "no_extension_request"


def test_deadlines_raise_overdue_and_escalations_once_each() -> None:
    t = Ticket.replay("tkt_1", [dispatched()])
    t.check_deadlines(now=T0 + dt.timedelta(hours=1))
    assert raised(t) == []
    t.check_deadlines(now=T0 + dt.timedelta(hours=3))
    assert raised(t) == ["TicketOverdue"]
    t.check_deadlines(now=T0 + dt.timedelta(hours=4))
    assert raised(t) == []
    assert t.deadline is not None
    t.check_deadlines(now=t.deadline + dt.timedelta(hours=1))
    assert raised(t) == ["TicketOverdue", "TicketEscalated"]
    t.check_deadlines(now=t.deadline + dt.timedelta(days=10))
    events = [p.event for p in t.take_pending()]
    assert [getattr(e, "level", None) for e in events] == [2, 3]
    t.check_deadlines(now=t.deadline + dt.timedelta(days=20))
    assert raised(t) == []


def closed_ticket() -> Ticket:
    """A ticket accepted, reported back, verified and closed at T0, its events taken."""
    t = Ticket.replay("tkt_1", [dispatched()])
    t.accept(handler_id="h", handler_name="h", now=T0)
    t.report_back(result="已处理", evidence_upload_ids=[], now=T0)
    t.verify(passed=True, comment="", verified_by="ca", close=True, now=T0)
    t.take_pending()
    return t


def test_unsatisfied_revisit_reopens_a_new_round() -> None:
    t = closed_ticket()
    later = T0 + dt.timedelta(days=3)
    t.record_satisfaction(
        satisfaction="unsatisfied", comment="又堆上了", recorded_by="ca", calendar=CALENDAR, now=later
    )
    assert raised(t)[-2:] == ["SatisfactionRecorded", "TicketReopened"]
    assert t.state == "dispatched" and t.round == 2
    assert t.accept_by == later + dt.timedelta(hours=2)


def test_partly_solved_reopens_with_the_note_to_the_department() -> None:
    t = closed_ticket()
    t.record_satisfaction(
        satisfaction="partly",
        comment="楼道清了，楼后没清",
        note="楼后的垃圾还没清运",
        recorded_by="ca",
        calendar=CALENDAR,
        now=T0 + dt.timedelta(days=1),
    )
    recorded, reopened = [p.event for p in t.take_pending()]
    assert (recorded.satisfaction, recorded.note) == ("partly", "楼后的垃圾还没清运")
    assert reopened.type_name() == "TicketReopened" and reopened.reason == "楼后的垃圾还没清运"
    assert (reopened.department_id, reopened.round) == ("dep_a", 2) and t.state == "dispatched"


def test_not_solved_without_words_reopens_with_a_default_note() -> None:
    t = closed_ticket()
    t.record_satisfaction(satisfaction="unsatisfied", comment="", recorded_by="ca", calendar=CALENDAR, now=T0)
    assert [p.event for p in t.take_pending()][-1].reason == "群众不满意：问题未解决"


def test_satisfied_closes_the_matter_and_keeps_no_note() -> None:
    t = closed_ticket()
    t.record_satisfaction(
        satisfaction="satisfied", comment="很好", note="无", recorded_by="ca", calendar=CALENDAR, now=T0
    )
    events = [p.event for p in t.take_pending()]
    assert [e.type_name() for e in events] == ["SatisfactionRecorded"] and events[0].note == ""
    assert t.state == "closed"


def test_an_unknown_revisit_answer_is_refused() -> None:
    t = closed_ticket()
    with pytest.raises(Invalid) as err:
        t.record_satisfaction(satisfaction="basically", comment="", recorded_by="ca", calendar=CALENDAR, now=T0)
    assert (err.value.code, t.pending) == ("revisit_answer_unknown", [])


def test_a_schema_1_revisit_still_loads_and_basically_reads_as_satisfied() -> None:
    common = {"ticket_id": "t", "community_id": "c", "department_id": "d", "recorded_by": "ca"}
    common["recorded_at"] = T0.isoformat()
    for old, new in (("basically", "satisfied"), ("unsatisfied", "unsatisfied"), ("satisfied", "satisfied")):
        version, data = upcast("SatisfactionRecorded", 1, {**common, "satisfaction": old})
        event = load_event("SatisfactionRecorded", data)
        assert (version, event.satisfaction, event.note) == (2, new, "")


def test_revisit_only_after_closing_and_once() -> None:
    t = Ticket.replay("tkt_1", [dispatched()])
    with pytest.raises(Conflict) as err:
        t.record_satisfaction(satisfaction="satisfied", comment="", recorded_by="ca", calendar=CALENDAR, now=T0)
    assert err.value.code == "ticket_not_closed"


def test_urging_only_an_open_ticket_past_a_deadline() -> None:
    t = Ticket.replay("tkt_1", [dispatched()])
    with pytest.raises(Conflict) as err:
        t.urge(note="请尽快签收", urged_by="ca", urged_by_name="调度员", now=T0 + dt.timedelta(hours=1))
    assert err.value.code == "ticket_not_overdue"
    t.urge(note="请尽快签收", urged_by="ca", urged_by_name="调度员", now=T0 + dt.timedelta(hours=3))
    assert raised(t) == ["TicketUrged"]
    t.accept(handler_id="h", handler_name="h", now=T0 + dt.timedelta(hours=4))
    with pytest.raises(Conflict) as err:  # accepted late, but the resolution deadline is still ahead
        t.urge(note="请尽快办理", urged_by="ca", urged_by_name="调度员", now=T0 + dt.timedelta(hours=5))
    assert err.value.code == "ticket_not_overdue"
    assert t.deadline is not None
    late = t.deadline + dt.timedelta(hours=1)
    with pytest.raises(Invalid) as bad:
        t.urge(note=" ", urged_by="ca", urged_by_name="调度员", now=late)
    assert bad.value.code == "urge_note_required"
    t.urge(note="请今日反馈", urged_by="ca", urged_by_name="调度员", now=late)
    event = t.take_pending()[-1].event
    assert event.type_name() == "TicketUrged" and event.note == "请今日反馈" and event.round == 1
    t.report_back(result="已处理", evidence_upload_ids=[], now=late)
    with pytest.raises(Conflict) as err:
        t.urge(note="请今日反馈", urged_by="ca", urged_by_name="调度员", now=late)
    assert err.value.code == "ticket_not_open"
