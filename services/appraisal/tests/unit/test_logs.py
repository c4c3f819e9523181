"""Weekly logs: a returned log is revised by its owner; missing-log reminders only after the deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from appraisal.domain.log_reminder import LogReminders
from appraisal.domain.roster import Roster
from appraisal.domain.summary import MonthlySummary, month_due
from appraisal.domain.weekly_log import WeeklyLog
from grassroots_common.contracts.appraisal import (
    DeadlinesConfigured,
    LogReturned,
    LogSubmitted,
    SubmissionDeadlines,
    UnitRegistered,
    WorkItem,
)
from grassroots_common.errors import Conflict, NotFound
from grassroots_common.workdays import CHINA

SUBMITTED = LogSubmitted(
    person_id="p1",
    person_name="王芳",
    unit_id="u1",
    week="2026-W46",
    items=[WorkItem(text="整理台账")],
    submitted_at=dt.datetime(2026, 11, 16, 1, tzinfo=dt.UTC),
    deadline=dt.datetime(2026, 11, 16, 4, tzinfo=dt.UTC),
    late=False,
)
ITEMS = [WorkItem(text="整理台账")]


def test_return_then_revise_keeps_the_first_lateness() -> None:
    log = WeeklyLog.replay("log-p1-2026-W46", [SUBMITTED])
    log.return_for_revision(reviewer_id="c1", reviewer_name="孙丽", reason="请写明成效")
    with pytest.raises(Conflict) as err:
        log.return_for_revision(reviewer_id="c1", reviewer_name="孙丽", reason="请写明成效")
    assert err.value.code == "log_already_returned"
    later = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    log.submit(
        person_id="p1",
        person_name="王芳",
        unit_id="u1",
        section_id=None,
        week="2026-W46",
        items=[WorkItem(text="整理台账，补齐记录 12 份")],
        now=later,
    )
    events = [p.event for p in log.take_pending()]
    assert isinstance(events[0], LogReturned) and isinstance(events[1], LogSubmitted)
    assert events[1].revision == 2 and log.first_late is False and not log.returned


def test_no_comment_on_a_log_not_submitted() -> None:
    with pytest.raises(NotFound):
        WeeklyLog("log-p1-2026-W46").comment(reviewer_id="c1", reviewer_name="孙丽", comment="好")


def test_missing_log_reminders_wait_for_the_deadline() -> None:
    reminders = LogReminders("log-reminder-u1-2026-W46")
    before = dt.datetime(2026, 11, 16, 3, tzinfo=dt.UTC)  # Monday 11:00 in Beijing, deadline 12:00
    with pytest.raises(Conflict) as err:
        reminders.remind(unit_id="u1", week="2026-W46", missing=["p2"], now=before)
    assert err.value.code == "deadline_not_passed"
    after = before + dt.timedelta(hours=2)
    with pytest.raises(Conflict) as err:
        reminders.remind(unit_id="u1", week="2026-W46", missing=[], now=after)
    assert err.value.code == "nobody_missing"
    reminders.remind(unit_id="u1", week="2026-W46", missing=["p3", "p2"], now=after)
    assert reminders.take_pending()[0].event.person_ids == ["p2", "p3"]


def test_the_units_deadlines_decide_lateness() -> None:
    wednesday = dt.datetime(2026, 11, 18, 9, tzinfo=dt.UTC)  # 17:00 in Beijing, week 47
    default = WeeklyLog("log-p1-2026-W46")
    default.submit(
        person_id="p1", person_name="王芳", unit_id="u1", section_id=None, week="2026-W46", items=ITEMS, now=wednesday
    )
    assert default.first_late is True
    rules = SubmissionDeadlines(log_weekday=3, log_hour=18)
    log = WeeklyLog("log-p2-2026-W46")
    log.submit(
        person_id="p2",
        person_name="李强",
        unit_id="u1",
        section_id=None,
        week="2026-W46",
        items=ITEMS,
        now=wednesday,
        deadlines=rules,
    )
    (submitted,) = [p.event for p in log.take_pending()]
    assert submitted.late is False and submitted.deadline == dt.datetime(2026, 11, 18, 10, tzinfo=dt.UTC)
    summary = MonthlySummary("summary-p2-2026-10")
    summary.submit(
        person_id="p2",
        person_name="李强",
        unit_id="u1",
        section_id=None,
        month="2026-10",
        text="十月小结",
        now=wednesday,
        deadlines=SubmissionDeadlines(summary_day=20),
    )
    assert summary.first_late is False
    with pytest.raises(Conflict):
        LogReminders("log-reminder-u1-2026-W46").remind(
            unit_id="u1", week="2026-W46", missing=["p3"], now=wednesday, deadlines=rules
        )


def test_a_unit_configures_its_deadlines_once() -> None:
    roster = Roster.replay("roster-u1", [UnitRegistered(unit_id="u1", unit_name="凤翔区委组织部")])
    assert roster.deadlines == SubmissionDeadlines()
    roster.configure_deadlines(SubmissionDeadlines(log_weekday=2, log_hour=9))
    roster.configure_deadlines(SubmissionDeadlines(log_weekday=2, log_hour=9))
    (configured,) = [p.event for p in roster.take_pending()]
    assert isinstance(configured, DeadlinesConfigured) and configured.deadlines.log_weekday == 2
    assert roster.deadlines.log_hour == 9 and roster.deadlines.summary_day == 5
    with pytest.raises(NotFound):
        Roster("roster-u2").configure_deadlines(SubmissionDeadlines(log_hour=9))


def test_the_month_due_is_last_month_until_it_is_submitted() -> None:
    rules = SubmissionDeadlines()
    early = dt.datetime(2026, 12, 2, 1, 0, tzinfo=dt.UTC)  # 2 December, 09:00 Beijing
    assert month_due(early, rules, previous_submitted=False) == (
        "2026-11",
        dt.datetime(2026, 12, 5, 18, tzinfo=CHINA),
    )
    assert month_due(early, rules, previous_submitted=True)[0] == "2026-12"
    # After the deadline an unsubmitted month is still the one to write (overdue).
    late = dt.datetime(2026, 12, 20, 1, 0, tzinfo=dt.UTC)
    month, deadline = month_due(late, rules, previous_submitted=False)
    assert month == "2026-11" and late > deadline
    # January: December of the year before; a unit's own deadline day.
    january = dt.datetime(2027, 1, 3, 1, 0, tzinfo=dt.UTC)
    assert month_due(january, SubmissionDeadlines(summary_day=10), previous_submitted=False) == (
        "2026-12",
        dt.datetime(2027, 1, 10, 18, tzinfo=CHINA),
    )
