"""Weekly logs, handler by handler: given events, when a command (as a principal, at a time),
then events or a refusal. No database: ``grassroots_common.specification``."""

from __future__ import annotations

import datetime as dt

from appraisal.handlers.logs import SubmitLog, submit_log
from grassroots_common.auth import Principal
from grassroots_common.contracts.appraisal import DeadlinesConfigured, LogSubmitted, SubmissionDeadlines, WorkItem
from grassroots_common.specification import Specification
from grassroots_common.workdays import CHINA

STAFF = Principal("p1", "王芳", frozenset({"staff"}), {"unit": "u1", "section": "s1"})
MONDAY_NOON = dt.datetime(2026, 11, 23, 12, tzinfo=CHINA)  # 2026-W48 starts
ITEMS = [WorkItem(text="整理台账")]


async def test_a_log_submitted_before_the_deadline_is_on_time() -> None:
    spec = Specification(at=MONDAY_NOON + dt.timedelta(days=4))
    outcome = await spec.when(submit_log, SubmitLog(week="2026-W48", items=ITEMS), as_=STAFF)
    (submitted,) = outcome.events
    assert isinstance(submitted, LogSubmitted)
    assert (submitted.person_id, submitted.unit_id, submitted.section_id, submitted.week) == (
        "p1",
        "u1",
        "s1",
        "2026-W48",
    )
    assert submitted.deadline == dt.datetime(2026, 11, 30, 12, tzinfo=CHINA) and submitted.late is False
    assert outcome.answer.data == {"week": "2026-W48", "revision": 1, "late": False}


async def test_the_units_own_deadline_decides_lateness() -> None:
    spec = Specification(at=dt.datetime(2026, 11, 30, 10, tzinfo=CHINA))  # Monday after, 10:00
    deadlines = SubmissionDeadlines(log_weekday=1, log_hour=9)
    await spec.given("roster-u1", DeadlinesConfigured(unit_id="u1", deadlines=deadlines))
    outcome = await spec.when(submit_log, SubmitLog(week="2026-W48", items=ITEMS), as_=STAFF)
    assert outcome.events[0].late is True and outcome.answer.data["late"] is True


async def test_a_week_not_yet_begun_is_refused() -> None:
    spec = Specification(at=MONDAY_NOON - dt.timedelta(days=1))
    outcome = await spec.when(submit_log, SubmitLog(week="2026-W48", items=ITEMS), as_=STAFF)
    outcome.refused("week_not_started")


async def test_a_retry_with_the_same_key_appends_nothing_more() -> None:
    spec = Specification(at=MONDAY_NOON)
    first = await spec.when(submit_log, SubmitLog(week="2026-W48", items=ITEMS), as_=STAFF, key="k1")
    retry = await spec.when(submit_log, SubmitLog(week="2026-W48", items=ITEMS), as_=STAFF, key="k1")
    assert retry.answer == first.answer and retry.events == []
    assert len(await spec.events_of("log-p1-2026-W48")) == 1
