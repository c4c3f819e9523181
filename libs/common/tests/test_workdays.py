"""Working days: official holidays and adjusted workdays, and the fallback for years not entered."""

from __future__ import annotations

import datetime as dt

from grassroots_common.workdays import WorkCalendar, package_years


def calendar() -> WorkCalendar:
    overrides = {}
    years = package_years()
    for days in years.values():
        overrides.update({d: w for d, (w, _n) in days.items()})
    return WorkCalendar(overrides, set(years))


def test_national_day_holiday_is_skipped_and_adjusted_saturday_counts() -> None:
    cal = calendar()
    assert not cal.is_workday(dt.date(2025, 10, 1))
    # 2025-09-28 (Sunday) was an adjusted workday before the National Day holiday.
    assert cal.is_workday(dt.date(2025, 9, 28))
    # Five working days after Tuesday 2025-09-30: 10-01..10-08 are off, Saturday 10-11 is worked.
    assert cal.add_workdays(dt.date(2025, 9, 30), 5) == dt.date(2025, 10, 14)


def test_unentered_year_falls_back_to_weekdays_with_a_warning() -> None:
    cal = calendar()
    assert 2027 not in cal.years
    assert cal.is_workday(dt.date(2027, 1, 1))  # a Friday: nobody entered 2027 yet
    assert "2027" in (cal.warning_for(dt.date(2027, 1, 1)) or "")
    assert cal.warning_for(dt.date(2025, 6, 2)) is None
