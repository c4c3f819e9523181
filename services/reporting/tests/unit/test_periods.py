"""Periods of notices and statistics, and when the schedule makes each notice due."""

from __future__ import annotations

import datetime as dt

import pytest

from grassroots_common.errors import Invalid
from reporting import periods


def test_parse_each_grain_as_beijing_days() -> None:
    week = periods.parse("2026-W47")
    assert (week.start, week.end, week.weeks) == (dt.date(2026, 11, 16), dt.date(2026, 11, 23), ["2026-W47"])
    assert week.starts_at.utcoffset() == dt.timedelta(hours=8)
    month = periods.parse("2026-11")
    assert month.weeks == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    quarter = periods.parse("2026-Q4")
    assert (quarter.start, quarter.end, quarter.label) == (dt.date(2026, 10, 1), dt.date(2027, 1, 1), "2026年第4季度")
    assert periods.parse("2026").quarters == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]


def test_every_iso_week_belongs_to_exactly_one_month() -> None:
    months = [periods.parse(f"2026-{m:02d}") for m in range(1, 13)]
    weeks = [w for m in months for w in m.weeks]
    assert len(weeks) == len(set(weeks)) == 53


@pytest.mark.parametrize("code", ["2026-W54", "2026-13", "2026-Q5", "26-01", "2025-W53"])
def test_bad_periods_are_refused(code: str) -> None:
    with pytest.raises(Invalid):
        periods.parse(code)


def test_notices_fall_due_after_the_period_and_its_deadline() -> None:
    monday_morning = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)  # 11:00 in Beijing, before the log deadline
    assert periods.due("week", monday_morning).code == "2026-W46"
    assert periods.due("week", monday_morning + dt.timedelta(hours=4)).code == "2026-W47"
    assert periods.due("month", dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)).code == "2026-10"
    assert periods.due("month", dt.datetime(2026, 12, 1, 1, 30, tzinfo=dt.UTC)).code == "2026-11"
    assert periods.due("quarter", dt.datetime(2027, 1, 2, tzinfo=dt.UTC)).code == "2026-Q4"


def test_monthly_summaries_are_reported_in_the_period_they_fall_due() -> None:
    assert periods.parse("2026-11").summary_months == ["2026-10"]
    assert periods.parse("2026-01").summary_months == ["2025-12"]
    assert periods.parse("2026-Q3").summary_months == ["2026-06", "2026-07", "2026-08"]
    assert len(periods.parse("2026").summary_months) == 12
