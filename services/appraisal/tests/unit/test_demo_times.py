"""The demo's office work (reviews, grades, reminders) happens in office hours, China time."""

from __future__ import annotations

import datetime as dt
import random

from appraisal.demo.writing import _spread
from grassroots_common.contracts.appraisal import ReminderIssued
from grassroots_common.events import NewEvent
from grassroots_common.workdays import CHINA


def _events(n: int) -> list[NewEvent]:
    fields = dict.fromkeys(ReminderIssued.model_fields)
    return [NewEvent(ReminderIssued.model_construct(**fields)) for _ in range(n)]


def test_times_fall_in_office_hours_within_the_span_in_order() -> None:
    start = dt.datetime(2026, 10, 9, 9, tzinfo=CHINA)
    end = start + dt.timedelta(days=3)
    times = [e.occurred_at for e in _spread(_events(500), start, end, random.Random(7))]
    assert times == sorted(times)
    assert all(start <= t <= end for t in times)
    assert all(dt.time(8, 30) <= t.astimezone(CHINA).time() < dt.time(18) for t in times)
    assert len({t.date() for t in times}) == 4, "spread over every day of the span, not piled on one"


def test_a_span_outside_office_hours_keeps_its_own_times() -> None:
    start = dt.datetime(2026, 10, 9, 20, tzinfo=CHINA)
    end = start + dt.timedelta(hours=2)
    times = [e.occurred_at for e in _spread(_events(20), start, end, random.Random(7))]
    assert all(start <= t <= end for t in times)
