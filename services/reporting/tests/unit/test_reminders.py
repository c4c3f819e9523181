"""What is due, for whom: appraisal and grid events folded into the inbox's rows, then the
reminder rules at a moment — logs due, reviews waiting, tickets near their limit."""

from __future__ import annotations

import datetime as dt

from grassroots_common.events import RecordedEvent
from grassroots_common.specification import recorded as spec_recorded
from grassroots_common.workdays import CHINA, WorkCalendar
from reporting import reminders
from reporting.dispatch import sendable
from reporting.projections.inbox import InboxRows
from reporting.projections.tickets import _evolve_ticket, _new_ticket

UNIT = "u-zzb"
CHAIN = {"section_chief_id": "chief", "deputy_leader_id": "deputy", "principal_leader_id": "boss"}
# Wednesday of 2026-W48 (23–29 November), Beijing time.
WEDNESDAY = dt.datetime(2026, 11, 25, 10, 0, tzinfo=CHINA)


def recorded(type_: str, data: dict) -> RecordedEvent:
    return spec_recorded(type_, data, at=WEDNESDAY)


def enrolled(person: str, chain: dict | None = None, on: str = "2026-01-05") -> RecordedEvent:
    return recorded(
        "PersonEnrolled",
        {"unit_id": UNIT, "person_id": person, "person_name": f"姓名{person}", "section_id": "s1",
         "chain": chain if chain is not None else CHAIN, "enrolled_on": on},
    )  # fmt: skip


def submitted(person: str, week: str) -> RecordedEvent:
    return recorded(
        "LogSubmitted",
        {"unit_id": UNIT, "person_id": person, "person_name": "x", "week": week, "items": [],
         "submitted_at": "2026-11-25T02:00:00+00:00", "deadline": "2026-11-30T04:00:00+00:00", "late": False},
    )  # fmt: skip


def fold(*events: RecordedEvent) -> InboxRows:
    rows = InboxRows()
    rows.fold(events)
    return rows


def titles(items: list[reminders.Reminder]) -> list[tuple[str, str]]:
    return [(r.title, r.subject) for r in items]


def test_this_weeks_log_is_due_until_it_is_submitted() -> None:
    rows = fold(enrolled("p1"), submitted("p1", "2026-W47"))
    due = reminders.logs_due(rows, "p1", WEDNESDAY)
    assert titles(due) == [("本周纪实未提交", "2026-W48")]
    assert due[0].due_at == dt.datetime(2026, 11, 30, 12, 0, tzinfo=CHINA)  # Monday noon after the week
    assert due[0].link == "/staff/log?week=2026-W48"
    assert "11月30日 12:00 前提交" in due[0].detail
    rows.fold([submitted("p1", "2026-W48")])
    assert reminders.logs_due(rows, "p1", WEDNESDAY) == []


def test_last_weeks_missing_log_is_due_and_late_after_its_deadline() -> None:
    rows = fold(enrolled("p1"))
    monday_morning = dt.datetime(2026, 11, 30, 9, 0, tzinfo=CHINA)
    assert titles(reminders.logs_due(rows, "p1", monday_morning)) == [
        ("上周纪实未提交", "2026-W48"),
        ("本周纪实未提交", "2026-W49"),
    ]
    afternoon = monday_morning.replace(hour=15)
    late = reminders.logs_due(rows, "p1", afternoon)[0]
    assert late.subject == "2026-W48" and "现在提交记为迟交" in late.detail


def test_the_units_deadline_rule_and_the_roster_dates_decide() -> None:
    rule = recorded(
        "DeadlinesConfigured",
        {"unit_id": UNIT, "deadlines": {"log_weekday": 5, "log_hour": 18, "summary_day": 5, "summary_hour": 18}},
    )
    rows = fold(enrolled("p1"), rule, enrolled("new", on="2026-11-30"), enrolled("gone"))
    rows.fold([recorded("PersonLeft", {"unit_id": UNIT, "person_id": "gone", "person_name": "x", "reason": "transfer", "left_on": "2026-11-20"})])  # fmt: skip
    assert reminders.logs_due(rows, "p1", WEDNESDAY)[-1].due_at == dt.datetime(2026, 12, 4, 18, 0, tzinfo=CHINA)
    assert reminders.logs_due(rows, "new", WEDNESDAY) == []  # enrolled after the week
    assert reminders.logs_due(rows, "gone", WEDNESDAY) == []  # left the roster
    assert reminders.logs_due(rows, "stranger", WEDNESDAY) == []


def test_a_returned_log_is_due_again_as_a_reminder_of_its_own() -> None:
    rows = fold(enrolled("p1"), submitted("p1", "2026-W47"), submitted("p1", "2026-W48"))
    rows.fold([recorded("LogReturned", {"unit_id": UNIT, "person_id": "p1", "week": "2026-W48", "reviewer_id": "chief", "reviewer_name": "x", "reason": "请补充"})])  # fmt: skip
    (due,) = reminders.logs_due(rows, "p1", WEDNESDAY)
    assert (due.title, due.period) == ("纪实被退回，待修改", "2026-W48/returned")


def test_logs_wait_for_the_first_reviewer_until_read() -> None:
    rows = fold(enrolled("p1"), enrolled("p2"), enrolled("chief", {"deputy_leader_id": "deputy"}))
    rows.fold([submitted("p1", "2026-W48"), submitted("p2", "2026-W48"), submitted("chief", "2026-W48")])
    (waiting,) = reminders.log_reviews(rows, WEDNESDAY, "chief")
    assert (waiting.title, waiting.count, waiting.link) == ("周纪实待批阅", 2, "/unit/logs?week=2026-W48")
    assert [(r.recipient, r.count) for r in reminders.log_reviews(rows, WEDNESDAY, "deputy")] == [("deputy", 1)]
    rows.fold([recorded("LogCommented", {"unit_id": UNIT, "person_id": "p1", "week": "2026-W48", "reviewer_id": "chief", "reviewer_name": "x", "comment": "很好"})])  # fmt: skip
    assert reminders.log_reviews(rows, WEDNESDAY, "chief")[0].count == 1
    rows.fold([submitted("p1", "2026-W48")])  # a new revision waits again
    assert reminders.log_reviews(rows, WEDNESDAY, "chief")[0].count == 2


def _participant(person: str, chain: dict) -> dict:
    return {"person_id": person, "person_name": f"姓名{person}", "section_id": "s1", "chain": chain}


def _quarter_event(type_: str, person: str, **extra: object) -> RecordedEvent:
    return recorded(type_, {"unit_id": UNIT, "quarter": "2026-Q4", "person_id": person, **extra})


def test_a_quarter_review_waits_for_the_next_level_of_the_chain() -> None:
    opened = recorded(
        "QuarterOpened",
        {"unit_id": UNIT, "quarter": "2026-Q4", "year": 2026, "good_ratio": 0.4, "good_cap": 1,
         "peer_reviews_required": 1,
         "participants": [_participant("p1", CHAIN), _participant("p2", {"principal_leader_id": "boss"})]},
    )  # fmt: skip
    rows = fold(opened, _quarter_event("SelfAssessed", "p1"), _quarter_event("SelfAssessed", "p2"))
    assert reminders.quarter_reviews(rows, "chief") == []  # the peer review is still missing
    rows.fold([_quarter_event("PeerReviewed", "p1"), _quarter_event("PeerReviewed", "p2")])
    (chief,) = reminders.quarter_reviews(rows, "chief")
    assert (chief.title, chief.count, chief.link) == ("季度考核待审核", 1, "/leader/queue")
    assert chief.detail == "2026年第四季度有 1 人等待你股组长初审"
    assert [r.count for r in reminders.quarter_reviews(rows, "boss")] == [1]  # p2 has no chief nor deputy
    rows.fold([_quarter_event("ReviewRecorded", "p1", level="section_chief", grade="好")])
    assert reminders.quarter_reviews(rows, "chief") == []
    assert reminders.quarter_reviews(rows, "deputy")[0].detail == "2026年第四季度有 1 人等待你分管领导复审"
    published = recorded(
        "ResultsPublished",
        {"unit_id": UNIT, "quarter": "2026-Q4", "results": [{"person_id": "p1"}, {"person_id": "p2"}]},
    )
    rows.fold([published])
    assert reminders.quarter_reviews(rows) == []


def test_a_review_handed_to_another_reviewer_waits_for_them() -> None:
    opened = recorded(
        "QuarterOpened",
        {"unit_id": UNIT, "quarter": "2026-Q4", "year": 2026, "good_ratio": 0.4, "good_cap": 1,
         "peer_reviews_required": 0, "participants": [_participant("p1", CHAIN)]},
    )  # fmt: skip
    rows = fold(opened, _quarter_event("SelfAssessed", "p1"))
    assert [r.count for r in reminders.quarter_reviews(rows, "chief")] == [1]
    rows.fold([_quarter_event("QuarterReviewersChanged", "p1", chain={**CHAIN, "section_chief_id": "chief2"})])
    assert reminders.quarter_reviews(rows, "chief") == []
    assert [r.count for r in reminders.quarter_reviews(rows, "chief2")] == [1]


def _ticket(ticket_id: str, deadline: dt.datetime, *later: tuple[str, dict]) -> dict:
    row = _new_ticket(ticket_id)
    dispatched = {
        "ticket_id": ticket_id, "community_id": "c1", "department_id": "d1", "category": "road",
        "kind": "help_request", "title": f"路灯不亮 {ticket_id}", "accept_by": deadline.isoformat(),
        "deadline": deadline.isoformat(),
    }  # fmt: skip
    for kind, data in (("TicketDispatched", dispatched), *later):
        _evolve_ticket(row, kind, {"ticket_id": ticket_id, **data})
    return row


def test_tickets_within_the_working_days_or_overdue_are_near_their_limit() -> None:
    friday = dt.datetime(2026, 11, 27, 10, 0, tzinfo=CHINA)
    end_of = lambda day: dt.datetime(2026, 11, day, 23, 59, 59, tzinfo=CHINA)  # noqa: E731
    tickets = [
        _ticket("t-overdue", end_of(26)),
        _ticket("t-monday", dt.datetime(2026, 11, 30, 23, 59, 59, tzinfo=CHINA)),  # next working day
        _ticket("t-later", dt.datetime(2026, 12, 2, 23, 59, 59, tzinfo=CHINA)),
        _ticket("t-reported", end_of(26), ("TicketReportedBack", {})),  # waits on the community now
        _ticket("t-closed", end_of(26), ("TicketClosed", {})),
    ]
    calendar = WorkCalendar()
    due = reminders.tickets_due("department:d1", tickets, friday, calendar, workdays=1)
    assert [(r.subject, r.title) for r in due] == [("t-overdue", "工单已超期"), ("t-monday", "工单临近办理时限")]
    assert due[0].detail.endswith("已超期") and due[0].link == "/tickets/t-overdue"
    assert [r.subject for r in reminders.tickets_due("d", tickets, friday, calendar, workdays=0)] == ["t-overdue"]
    # An extension moves the deadline: a reminder of a new period.
    extended = _ticket("t-monday", dt.datetime(2026, 11, 30, 23, 59, 59, tzinfo=CHINA))
    _evolve_ticket(extended, "TicketExtended", {"new_deadline": "2026-12-01T15:59:59+00:00"})
    (again,) = reminders.tickets_due("d", [extended], friday, calendar, workdays=2)
    assert again.period != due[1].period


def test_a_logs_reminder_is_sent_within_the_lead_the_rest_at_once() -> None:
    rows = fold(enrolled("p1"), enrolled("p2"), submitted("p1", "2026-W47"), submitted("p2", "2026-W47"))
    rows.fold([recorded("LogCommented", {"unit_id": UNIT, "person_id": "p2", "week": "2026-W47", "reviewer_id": "chief", "reviewer_name": "x", "comment": "好"})])  # fmt: skip
    rows.fold([recorded("LogCommented", {"unit_id": UNIT, "person_id": "p1", "week": "2026-W47", "reviewer_id": "chief", "reviewer_name": "x", "comment": "好"})])  # fmt: skip
    rows.fold([submitted("p2", "2026-W48")])
    lead = dt.timedelta(hours=72)
    (log_due,) = reminders.logs_due(rows, "p1", WEDNESDAY)
    assert not sendable(log_due, WEDNESDAY, lead)
    assert sendable(log_due, dt.datetime(2026, 11, 27, 12, 0, tzinfo=CHINA), lead)
    (review,) = reminders.log_reviews(rows, WEDNESDAY, "chief")
    assert sendable(review, WEDNESDAY, lead)
    everyone = reminders.for_everyone(rows, WEDNESDAY)
    assert {(r.recipient, r.kind) for r in everyone} == {("p1", "log_due"), ("chief", "log_review")}
    assert len({r.key for r in everyone}) == len(everyone)
