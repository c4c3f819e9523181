"""Weekly logs: a returned log is revised by its owner; missing-log reminders only after the deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from appraisal.domain.log_reminder import LogReminders
from appraisal.domain.weekly_log import WeeklyLog
from grassroots_common.contracts.appraisal import LogReturned, LogSubmitted, WorkItem
from grassroots_common.errors import Conflict, NotFound

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
