"""Monthly summaries: submitted or revised by the person, on time by the unit's deadline."""

from __future__ import annotations

import datetime as dt

from appraisal.domain.roster import roster_stream_id
from appraisal.handlers.summaries import SubmitSummary, submit_summary
from grassroots_common.contracts.appraisal import DeadlinesConfigured, SubmissionDeadlines, SummarySubmitted
from grassroots_common.specification import Specification
from grassroots_common.workdays import CHINA

from .given import ADMIN, STAFF, UNITLESS

EARLY_DECEMBER = dt.datetime(2026, 12, 3, 9, tzinfo=CHINA)


async def test_a_summary_before_the_fifth_of_the_next_month_is_on_time() -> None:
    spec = Specification(at=EARLY_DECEMBER)
    outcome = await spec.when(submit_summary, SubmitSummary(month="2026-11", text="本月完成台账整理"), as_=STAFF)
    (event,) = outcome.events
    assert isinstance(event, SummarySubmitted)
    assert (event.person_id, event.unit_id, event.section_id, event.month) == ("p1", "u1", "s1", "2026-11")
    assert event.deadline == dt.datetime(2026, 12, 5, 18, tzinfo=CHINA) and event.late is False
    assert outcome.answer.data == {"month": "2026-11", "revision": 1, "late": False}


async def test_the_units_own_deadline_decides_lateness() -> None:
    spec = Specification(at=EARLY_DECEMBER)
    deadlines = SubmissionDeadlines(summary_day=2, summary_hour=18)
    await spec.given(roster_stream_id("u1"), DeadlinesConfigured(unit_id="u1", deadlines=deadlines))
    outcome = await spec.when(submit_summary, SubmitSummary(month="2026-11", text="本月完成台账整理"), as_=STAFF)
    assert outcome.events[0].deadline == dt.datetime(2026, 12, 2, 18, tzinfo=CHINA)
    assert outcome.answer.data["late"] is True


async def test_a_revision_counts_and_the_first_lateness_stands() -> None:
    spec = Specification(at=dt.datetime(2026, 12, 7, 9, tzinfo=CHINA))  # late
    await spec.when(submit_summary, SubmitSummary(month="2026-11", text="初稿"), as_=STAFF)
    outcome = await spec.when(submit_summary, SubmitSummary(month="2026-11", text="修改稿"), as_=STAFF)
    assert [(e.revision, e.text) for e in outcome.events] == [(2, "修改稿")]
    assert outcome.answer.data == {"month": "2026-11", "revision": 2, "late": True}


async def test_a_month_not_yet_begun_is_refused() -> None:
    spec = Specification(at=EARLY_DECEMBER)
    outcome = await spec.when(submit_summary, SubmitSummary(month="2027-01", text="提前写"), as_=STAFF)
    outcome.refused("month_not_started")


async def test_an_administrator_who_is_not_appraised_writes_no_summary() -> None:
    spec = Specification(at=EARLY_DECEMBER)
    outcome = await spec.when(submit_summary, SubmitSummary(month="2026-11", text="本月工作"), as_=ADMIN)
    outcome.refused("role_required")


async def test_a_summary_needs_the_authors_unit() -> None:
    spec = Specification(at=EARLY_DECEMBER)
    outcome = await spec.when(submit_summary, SubmitSummary(month="2026-11", text="本月工作"), as_=UNITLESS)
    outcome.refused("unit_scope_missing")
